//! API tokens (SPEC §7): issued with one role and its scope by administrators and coordinators, renamed,
//! given another expiry, and revoked. The secret exists only in the answer to the issue.

use chrono::{DateTime, Utc};
use domain::access::{self, ReadScope};
use domain::principal::Access;
use domain::token::{
    IssueRefusal, StaysExpired, TokenName, TokenRequest, check_expiry, may_change_expiry, may_issue, requested_access,
};
use domain::{Parsed, Principal};
use persistence::api_tokens::{self as store, ApiToken, TokenFilter};
use persistence::{ConnectionTrait, Page, StoreError, Tx};
use uuid::Uuid;

use super::{BasedOn, Error, Result, parsed_with};
use crate::tokens;

/// A token just issued, with its secret: the only time the secret is known outside its hash.
pub struct Issued {
    pub token: ApiToken,
    pub secret: String,
}

/// A change: `None` keeps what is stored; `expires_at: Some(None)` makes the token never expire.
pub struct TokenChange {
    pub name: Option<String>,
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

/// The tokens the principal manages (administrators: all; coordinators: their municipality's, among them
/// the partner tokens bound to it).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    filter: &TokenFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<ApiToken>> {
    access::may_manage_tokens(p)?;
    Ok(store::list(conn, ReadScope::of(p), filter, after, limit).await?)
}

pub async fn get<C: ConnectionTrait>(conn: &C, p: &Principal, id: Uuid) -> Result<ApiToken> {
    access::may_manage_tokens(p)?;
    Ok(store::get(conn, ReadScope::of(p), id).await?)
}

/// Issues a token for `request`, expiring at `expires_at` if given. Every problem with the request is
/// reported at once; then whether the principal may hand out this scope; then whether what it names exists.
pub async fn issue(tx: &Tx, p: &Principal, request: TokenRequest, expires_at: Option<DateTime<Utc>>) -> Result<Issued> {
    access::may_manage_tokens(p)?;
    let mut errors = domain::FieldErrors::new();
    check_expiry(&mut errors, expires_at, tx.now());
    let access = requested_access(p, &request).map_err(|e| errors.merge(e)).ok();
    let Some(access) = access.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    may_issue(p, &access).map_err(|refusal| match refusal {
        IssueRefusal::Forbidden(reason) => Error::Forbidden(format!("{reason}.")),
        IssueRefusal::OtherMunicipality => {
            Error::Forbidden("A coordinator issues tokens for its own municipality only.".into())
        }
    })?;
    check_scope_exists(tx.conn(), p, &access).await?;
    let secret = tokens::generate_secret();
    let managing = access.municipality_id().or(p.access.municipality_id());
    let token = store::create(
        tx,
        store::NewToken {
            name: Parsed::parse(TokenName(request.name))?,
            access,
            token_hash: tokens::hash_secret(&secret),
            prefix: tokens::display_prefix(&secret),
            managing_municipality_id: managing,
            expires_at,
        },
    )
    .await?;
    Ok(Issued { token, secret })
}

/// The municipality, organisation and areas a token names must exist, and a coordinator hands partner
/// tokens only to organisations that take part in one of its areas.
async fn check_scope_exists<C: ConnectionTrait>(conn: &C, issuer: &Principal, access: &Access) -> Result<()> {
    let mut errors = domain::FieldErrors::new();
    if let Some(m) = access.municipality_id()
        && matches!(persistence::municipalities::get(conn, ReadScope::All, m).await, Err(StoreError::NotFound))
    {
        errors.push("municipalityId", "unknown", "no such municipality");
    }
    if let Some(o) = access.organisation_id() {
        match persistence::organisations::get(conn, ReadScope::All, o).await {
            Err(StoreError::NotFound) => errors.push("organisationId", "unknown", "no such organisation"),
            Err(e) => return Err(e.into()),
            Ok(_) => {
                if let Some(own) = issuer.access.municipality_id()
                    && !persistence::partners::organisation_in_municipality(conn, o, own).await?
                {
                    return Err(Error::Forbidden(
                        "A coordinator issues partner tokens only to organisations taking part in one of its areas."
                            .into(),
                    ));
                }
            }
        }
    }
    if let (Some(m), ids) = (access.municipality_id(), access.area_ids())
        && !ids.is_empty()
    {
        let found = persistence::areas::ids_in_municipality(conn, m, ids).await?;
        for (i, id) in ids.iter().enumerate() {
            if !found.contains(id) {
                errors.push(format!("areaIds[{i}]"), "unknown", "no such area in this municipality");
            }
        }
    }
    Ok(errors.into_result(())?)
}

/// Renames a token or changes its expiry; its role and scope never change, and an expired token stays
/// expired.
pub async fn update(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn, change: TokenChange) -> Result<ApiToken> {
    access::may_manage_tokens(p)?;
    let current = store::get(tx.conn(), ReadScope::of(p), id).await?;
    let expected = based_on.check(current.revision)?;
    let name = Parsed::parse(TokenName(change.name.unwrap_or(current.name.clone())));
    let expires_at = change.expires_at.unwrap_or(current.expires_at);
    let mut errors = domain::FieldErrors::new();
    // Only a new expiry is checked: a token whose expiry has passed may still be renamed.
    if change.expires_at.is_some() {
        check_expiry(&mut errors, expires_at, tx.now());
    }
    let name = parsed_with(name, errors)?;
    may_change_expiry(current.expires_at, expires_at, tx.now()).map_err(|StaysExpired| {
        Error::Conflict("The token has expired, and an expired token stays expired; issue a new one instead.".into())
    })?;
    Ok(store::update(tx, &current, name, expires_at, expected).await?)
}

/// Revokes a token. It stops working at once, and stays listed for the audit trail.
pub async fn revoke(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn) -> Result<()> {
    access::may_manage_tokens(p)?;
    let current = store::get(tx.conn(), ReadScope::of(p), id).await?;
    let expected = based_on.check(current.revision)?;
    store::revoke(tx, &current, expected).await?;
    Ok(())
}
