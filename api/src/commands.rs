//! The command-line operations besides `serve`: issuing a token and loading demo data. They use the same
//! repositories as the API, so what they write is audited like any other change.

use anyhow::{Context, bail};
use domain::access::ReadScope;
use domain::principal::{Access, Principal, Role};
use domain::token::{TokenRequest, requested_access};
use persistence::{Actor, Db};
use uuid::Uuid;

use crate::tokens;

/// Resolves a municipality given as id or CBS code.
async fn municipality_id(db: &Db, given: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = Uuid::parse_str(given) {
        return Ok(id);
    }
    let filter = persistence::municipalities::MunicipalityFilter { cbs_code: Some(given.to_owned()), name: None };
    let page = persistence::municipalities::list(db.conn(), ReadScope::All, &filter, None, 1).await?;
    page.items.first().map(|m| m.id).with_context(|| format!("no municipality with id or CBS code {given}"))
}

/// Issues a token and returns its secret. The command line acts as an administrator.
pub async fn create_token(
    db: &Db,
    name: &str,
    role: Role,
    municipality: Option<&str>,
    organisation: Option<Uuid>,
    areas: &[Uuid],
) -> anyhow::Result<(Uuid, String)> {
    let municipality_id = match municipality {
        Some(m) => Some(municipality_id(db, m).await?),
        None => None,
    };
    let cli = Principal { token_id: Uuid::nil(), name: "command line".into(), access: Access::Admin };
    let request = TokenRequest {
        name: name.to_owned(),
        role: Some(role),
        municipality_id,
        organisation_id: organisation,
        area_ids: areas.to_vec(),
    };
    let access = match requested_access(&cli, &request) {
        Ok(a) => a,
        Err(e) => bail!("{e}"),
    };
    if let Some(m) = access.municipality_id() {
        persistence::municipalities::get(db.conn(), ReadScope::All, m).await.context("unknown municipality")?;
        let found = persistence::areas::ids_in_municipality(db.conn(), m, access.area_ids()).await?;
        if found.len() != access.area_ids().len() {
            bail!("not every area belongs to the municipality");
        }
    }
    if let Some(o) = access.organisation_id() {
        persistence::organisations::get(db.conn(), ReadScope::All, o).await.context("unknown organisation")?;
    }
    let secret = tokens::generate_secret();
    let tx = db.begin(Actor::system("command line")).await?;
    let token = persistence::api_tokens::create(
        &tx,
        persistence::api_tokens::NewToken {
            name: domain::Parsed::parse(domain::token::TokenName(name.to_owned()))
                .map_err(|e| anyhow::anyhow!("token name: {e}"))?,
            access: access.clone(),
            token_hash: tokens::hash_secret(&secret),
            prefix: tokens::display_prefix(&secret),
            managing_municipality_id: access.municipality_id(),
            expires_at: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((token.id, secret))
}
