//! API tokens. Only a SHA-256 hash of each secret is stored: tokens are 32 random bytes, so a fast hash is
//! enough to make a stolen table useless, and it keeps the per-request lookup a single indexed read.

use chrono::{DateTime, Utc};
use domain::Parsed;
use domain::access::ReadScope;
use domain::event::AuditOnlyAction;
use domain::principal::{Access, Principal, Role};
use domain::token::TokenName;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::entity::api_token;
use crate::error::StoreError;
use crate::page::{Page, finish, keyset};
use crate::tx::{Change, InsertInto, Tx};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub municipality_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub area_ids: Vec<Uuid>,
    pub prefix: String,
    pub managing_municipality_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revision: i64,
}

impl ApiToken {
    /// The access the token grants. Rows are only written from a valid [`Access`], so a row that cannot be
    /// read back as one is a corrupted row.
    pub fn access(&self) -> Result<Access, StoreError> {
        let corrupt = || StoreError::Db(sea_orm::DbErr::Type(format!("token {} has an inconsistent scope", self.id)));
        Ok(match self.role {
            Role::Admin => Access::Admin,
            Role::Coordinator => Access::Coordinator { municipality_id: self.municipality_id.ok_or_else(corrupt)? },
            Role::AreaEditor => Access::AreaEditor {
                municipality_id: self.municipality_id.ok_or_else(corrupt)?,
                area_ids: self.area_ids.clone(),
            },
            Role::Viewer => Access::Viewer { municipality_id: self.municipality_id.ok_or_else(corrupt)? },
            Role::Partner => Access::Partner {
                organisation_id: self.organisation_id.ok_or_else(corrupt)?,
                municipality_id: self.municipality_id,
            },
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: Parsed<TokenName>,
    pub access: Access,
    pub token_hash: String,
    pub prefix: String,
    pub managing_municipality_id: Option<Uuid>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct TokenFilter {
    pub role: Option<Role>,
    pub municipality_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub include_revoked: bool,
}

fn from_row(row: api_token::Model) -> Result<ApiToken, StoreError> {
    let role = Role::parse(&row.role)
        .ok_or_else(|| StoreError::Db(sea_orm::DbErr::Type(format!("unknown role {}", row.role))))?;
    Ok(ApiToken {
        id: row.id,
        name: row.name,
        role,
        municipality_id: row.municipality_id,
        organisation_id: row.organisation_id,
        area_ids: serde_json::from_value(row.area_ids)?,
        prefix: row.prefix,
        managing_municipality_id: row.managing_municipality_id,
        created_by: row.created_by,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        revision: row.revision,
    })
}

fn path(id: Uuid) -> String {
    format!("/api/v1/api-tokens/{id}")
}

/// Administrators manage every token, coordinators those of their municipality; nobody else any.
fn scope_condition(scope: ReadScope) -> Condition {
    match scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(api_token::Column::ManagingMunicipalityId.eq(m)),
        ReadScope::PartnerOrganisation(_) => Condition::all().add(api_token::Column::Id.is_null()),
    }
}

/// The principal behind a secret's hash, with the token's expiry, if the token exists, is not revoked and
/// has not expired. Requests authenticate through [`crate::credentials::principal`], which remembers it.
pub(crate) async fn authenticate<C: ConnectionTrait>(
    conn: &C,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Authenticated>, StoreError> {
    let Some(row) = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(token_hash)).one(conn).await?
    else {
        return Ok(None);
    };
    principal_of(row, now)
}

/// The principal of the token with this id, while it is neither revoked nor expired at `now`: a page session
/// holds the token's id and acts as that token, so it stops working the moment the token does.
pub(crate) async fn authenticate_id<C: ConnectionTrait>(
    conn: &C,
    token_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Authenticated>, StoreError> {
    match api_token::Entity::find_by_id(token_id).one(conn).await? {
        Some(row) => principal_of(row, now),
        None => Ok(None),
    }
}

/// A live token's principal and the moment it expires, if it does.
pub(crate) type Authenticated = (Principal, Option<DateTime<Utc>>);

fn principal_of(row: api_token::Model, now: DateTime<Utc>) -> Result<Option<Authenticated>, StoreError> {
    let token = from_row(row)?;
    if token.revoked_at.is_some() || token.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    let principal = Principal { token_id: token.id, name: token.name.clone(), access: token.access()? };
    Ok(Some((principal, token.expires_at)))
}

pub async fn hash_exists<C: ConnectionTrait>(conn: &C, token_hash: &str) -> Result<bool, StoreError> {
    Ok(api_token::Entity::find().filter(api_token::Column::TokenHash.eq(token_hash)).count(conn).await? > 0)
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: ReadScope,
    filter: &TokenFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<ApiToken>, StoreError> {
    let mut select = api_token::Entity::find().filter(scope_condition(scope));
    if let Some(role) = filter.role {
        select = select.filter(api_token::Column::Role.eq(role.as_str()));
    }
    if let Some(m) = filter.municipality_id {
        select = select.filter(api_token::Column::MunicipalityId.eq(m));
    }
    if let Some(o) = filter.organisation_id {
        select = select.filter(api_token::Column::OrganisationId.eq(o));
    }
    if !filter.include_revoked {
        select = select.filter(api_token::Column::RevokedAt.is_null());
    }
    let rows = keyset(select, api_token::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, limit, |t| t.id))
}

pub async fn get<C: ConnectionTrait>(conn: &C, scope: ReadScope, id: Uuid) -> Result<ApiToken, StoreError> {
    let row = api_token::Entity::find_by_id(id)
        .filter(scope_condition(scope))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(row)
}

pub async fn create(tx: &Tx, new: NewToken) -> Result<ApiToken, StoreError> {
    let t = ApiToken {
        id: Uuid::now_v7(),
        name: new.name.into_inner().0,
        role: new.access.role(),
        municipality_id: new.access.municipality_id(),
        organisation_id: new.access.organisation_id(),
        area_ids: new.access.area_ids().to_vec(),
        prefix: new.prefix,
        managing_municipality_id: new.managing_municipality_id,
        created_by: tx.actor().token_id,
        created_at: tx.now(),
        expires_at: new.expires_at,
        revoked_at: None,
        revision: 1,
    };
    api_token::ActiveModel {
        id: Set(t.id),
        name: Set(t.name.clone()),
        role: Set(t.role.as_str().to_owned()),
        municipality_id: Set(t.municipality_id),
        organisation_id: Set(t.organisation_id),
        area_ids: Set(serde_json::to_value(&t.area_ids)?),
        token_hash: Set(new.token_hash),
        prefix: Set(t.prefix.clone()),
        managing_municipality_id: Set(t.managing_municipality_id),
        created_by: Set(t.created_by),
        created_at: Set(t.created_at),
        expires_at: Set(t.expires_at),
        revoked_at: Set(None),
        revision: Set(t.revision),
    }
    .insert_into(tx.conn())
    .await?;
    tx.record(change(AuditOnlyAction::ApiTokenCreated, &t, None, Some(&t))?).await?;
    Ok(t)
}

/// Renames a token or changes its expiry. The scope of a token never changes: issue a new one instead.
pub async fn update(
    tx: &Tx,
    current: &ApiToken,
    name: Parsed<TokenName>,
    expires_at: Option<DateTime<Utc>>,
    expected_revision: i64,
) -> Result<ApiToken, StoreError> {
    let changed = ApiToken { name: name.into_inner().0, expires_at, revision: current.revision + 1, ..current.clone() };
    store_change(tx, current, &changed, expected_revision).await?;
    tx.record(change(AuditOnlyAction::ApiTokenUpdated, &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

/// Revokes a token. The row stays, so the audit trail can still name who did what with it.
pub async fn revoke(tx: &Tx, current: &ApiToken, expected_revision: i64) -> Result<ApiToken, StoreError> {
    if current.revoked_at.is_some() {
        return Err(StoreError::Conflict("the token is already revoked".into()));
    }
    let changed = ApiToken { revoked_at: Some(tx.now()), revision: current.revision + 1, ..current.clone() };
    store_change(tx, current, &changed, expected_revision).await?;
    tx.record(change(AuditOnlyAction::ApiTokenRevoked, &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

async fn store_change(
    tx: &Tx,
    current: &ApiToken,
    changed: &ApiToken,
    expected_revision: i64,
) -> Result<(), StoreError> {
    let result = api_token::Entity::update_many()
        .set(api_token::ActiveModel {
            name: Set(changed.name.clone()),
            expires_at: Set(changed.expires_at),
            revoked_at: Set(changed.revoked_at),
            revision: Set(changed.revision),
            ..Default::default()
        })
        .filter(api_token::Column::Id.eq(current.id))
        .filter(api_token::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    // Its name, expiry or revocation is part of what a request authenticates as.
    tx.forget_credentials(current.id).await
}

fn change(
    action: AuditOnlyAction,
    t: &ApiToken,
    old: Option<&ApiToken>,
    new: Option<&ApiToken>,
) -> Result<Change, StoreError> {
    let c = Change::of(action, t.id, path(t.id), old, new)?;
    Ok(match t.managing_municipality_id.or(t.municipality_id) {
        Some(m) => c.in_municipality(m),
        None => c,
    })
}
