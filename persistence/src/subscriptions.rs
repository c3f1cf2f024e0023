//! Webhook subscriptions (abonnementen): who wants which events at which callback URL. The signing secret is
//! stored with them, because every delivery is signed with it, and is read only by the delivery worker.

use chrono::{DateTime, Utc};
use domain::Parsed;
use domain::access::{PartnerScope, ReadScope};
use domain::event::AuditOnlyAction;
use domain::principal::Role;
use domain::webhook::Endpoint;
use domain::webhook::Interest;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::db::Db;
use crate::entity::{api_token, webhook_attempt, webhook_delivery, webhook_subscription};
use crate::error::StoreError;
use crate::page::{Page, finish, keyset};
use crate::tx::{Change, InsertInto, Tx};

/// A subscription as the API shows it: everything but the secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: Uuid,
    pub callback_url: String,
    pub event_types: Vec<String>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub description: Option<String>,
    pub owner_municipality_id: Option<Uuid>,
    pub owner_organisation_id: Option<Uuid>,
    pub active: bool,
    pub consecutive_failures: i32,
    pub failing_since: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The HTTP status of the last failed attempt, if an answer came.
    pub last_failure_status: Option<i32>,
    /// Since when the owner has had no valid token left; nothing is sent meanwhile.
    pub suspended_since: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: i64,
}

impl Subscription {
    /// The scope of events the subscription receives: its owner's. A partner's subscription made with a
    /// token bound to one municipality names both, and stays a partner's.
    pub fn owner(&self) -> ReadScope {
        match (self.owner_municipality_id, self.owner_organisation_id) {
            (municipality_id, Some(organisation_id)) => {
                ReadScope::PartnerOrganisation(PartnerScope { organisation_id, municipality_id })
            }
            (Some(m), None) => ReadScope::Municipality(m),
            (None, None) => ReadScope::All,
        }
    }

    pub fn interest(&self) -> Interest {
        Interest {
            owner: self.owner(),
            event_types: self.event_types.clone(),
            municipality_id: self.municipality_id,
            area_id: self.area_id,
            since: self.created_at,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub endpoint: Parsed<Endpoint>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub owner: ReadScope,
    pub secret: String,
}

/// What a merge patch may change. Owner and filters stay: a different audience is a different subscription.
#[derive(Debug, Clone)]
pub struct SubscriptionChanges {
    pub endpoint: Parsed<Endpoint>,
    pub active: bool,
}

pub(crate) fn from_row(row: webhook_subscription::Model) -> Result<Subscription, StoreError> {
    Ok(Subscription {
        id: row.id,
        callback_url: row.callback_url,
        event_types: serde_json::from_value(row.event_types)?,
        municipality_id: row.municipality_id,
        area_id: row.area_id,
        description: row.description,
        owner_municipality_id: row.owner_municipality_id,
        owner_organisation_id: row.owner_organisation_id,
        active: row.active,
        consecutive_failures: row.consecutive_failures,
        failing_since: row.failing_since,
        last_success_at: row.last_success_at,
        last_failure_at: row.last_failure_at,
        last_error: row.last_error,
        last_failure_status: row.last_failure_status,
        suspended_since: row.suspended_since,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        revision: row.revision,
    })
}

fn path(id: Uuid) -> String {
    format!("/api/v1/subscriptions/{id}")
}

/// Administrators see every subscription, coordinators their municipality's, partners their organisation's
/// (a partner token bound to a municipality those made with such a token). Viewers and area editors own none
/// and see none.
fn scope_condition(scope: ReadScope) -> Condition {
    use webhook_subscription::Column;
    match scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => {
            Condition::all().add(Column::OwnerMunicipalityId.eq(m)).add(Column::OwnerOrganisationId.is_null())
        }
        ReadScope::PartnerOrganisation(p) => Condition::all()
            .add(Column::OwnerOrganisationId.eq(p.organisation_id))
            .add_option(p.municipality_id.map(|m| Column::OwnerMunicipalityId.eq(m))),
    }
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: ReadScope,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Subscription>, StoreError> {
    let select = webhook_subscription::Entity::find().filter(scope_condition(scope));
    let rows = keyset(select, webhook_subscription::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, limit, |s| s.id))
}

pub async fn get<C: ConnectionTrait>(conn: &C, scope: ReadScope, id: Uuid) -> Result<Subscription, StoreError> {
    let row = webhook_subscription::Entity::find_by_id(id)
        .filter(scope_condition(scope))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(row)
}

/// The signing secret, for the worker and the ping.
pub async fn secret<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<String, StoreError> {
    let row = webhook_subscription::Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound)?;
    Ok(row.secret)
}

pub async fn create(tx: &Tx, new: NewSubscription) -> Result<Subscription, StoreError> {
    let endpoint = new.endpoint.into_inner();
    let (owner_municipality_id, owner_organisation_id) = match new.owner {
        ReadScope::All => (None, None),
        ReadScope::Municipality(m) => (Some(m), None),
        ReadScope::PartnerOrganisation(p) => (p.municipality_id, Some(p.organisation_id)),
    };
    let s = Subscription {
        id: Uuid::now_v7(),
        callback_url: endpoint.callback_url,
        event_types: endpoint.event_types,
        municipality_id: new.municipality_id,
        area_id: new.area_id,
        description: endpoint.description,
        owner_municipality_id,
        owner_organisation_id,
        active: true,
        consecutive_failures: 0,
        failing_since: None,
        last_success_at: None,
        last_failure_at: None,
        last_error: None,
        last_failure_status: None,
        suspended_since: None,
        created_by: tx.actor().token_id,
        created_at: tx.now(),
        updated_at: tx.now(),
        revision: 1,
    };
    webhook_subscription::ActiveModel {
        id: Set(s.id),
        callback_url: Set(s.callback_url.clone()),
        event_types: Set(serde_json::to_value(&s.event_types)?),
        municipality_id: Set(s.municipality_id),
        area_id: Set(s.area_id),
        description: Set(s.description.clone()),
        secret: Set(new.secret),
        owner_municipality_id: Set(s.owner_municipality_id),
        owner_organisation_id: Set(s.owner_organisation_id),
        active: Set(true),
        consecutive_failures: Set(0),
        failing_since: Set(None),
        last_success_at: Set(None),
        last_failure_at: Set(None),
        last_error: Set(None),
        last_failure_status: Set(None),
        suspended_since: Set(None),
        created_by: Set(s.created_by),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
        revision: Set(s.revision),
    }
    .insert_into(tx.conn())
    .await?;
    tx.record(change(AuditOnlyAction::SubscriptionCreated, &s, None, Some(&s))?).await?;
    Ok(s)
}

pub async fn update(
    tx: &Tx,
    current: &Subscription,
    changes: SubscriptionChanges,
    expected_revision: i64,
) -> Result<Subscription, StoreError> {
    let endpoint = changes.endpoint.into_inner();
    use webhook_subscription::Column;
    let changed = Subscription {
        callback_url: endpoint.callback_url,
        event_types: endpoint.event_types,
        description: endpoint.description,
        active: changes.active,
        revision: current.revision + 1,
        updated_at: tx.now(),
        ..current.clone()
    };
    let result = webhook_subscription::Entity::update_many()
        .set(webhook_subscription::ActiveModel {
            callback_url: Set(changed.callback_url.clone()),
            event_types: Set(serde_json::to_value(&changed.event_types)?),
            description: Set(changed.description.clone()),
            active: Set(changed.active),
            revision: Set(changed.revision),
            updated_at: Set(changed.updated_at),
            ..Default::default()
        })
        .filter(Column::Id.eq(current.id))
        .filter(Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(AuditOnlyAction::SubscriptionUpdated, &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

/// Deletes the subscription with its pending deliveries and its delivery log.
pub async fn delete(tx: &Tx, current: &Subscription, expected_revision: i64) -> Result<(), StoreError> {
    use webhook_subscription::Column;
    webhook_attempt::Entity::delete_many()
        .filter(webhook_attempt::Column::SubscriptionId.eq(current.id))
        .exec(tx.conn())
        .await?;
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::SubscriptionId.eq(current.id))
        .exec(tx.conn())
        .await?;
    let result = webhook_subscription::Entity::delete_many()
        .filter(Column::Id.eq(current.id))
        .filter(Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(AuditOnlyAction::SubscriptionDeleted, current, Some(current), None)?).await
}

/// Whether the subscription's owner has a valid (unrevoked, unexpired) token of the role that owns it: a
/// coordinator token of its municipality, a partner token of its organisation, or, for a subscription of
/// every event, an administrator token. Correlated with the subscription row of the statement it is in.
fn owner_has_valid_token(now: DateTime<Utc>) -> SimpleExpr {
    use api_token::Column as T;
    use webhook_subscription::Column as S;
    let s = |c: S| Expr::col((webhook_subscription::Entity, c));
    let t = |c: T| Expr::col((api_token::Entity, c));
    let owner = Condition::any()
        .add(
            Condition::all()
                .add(s(S::OwnerMunicipalityId).is_not_null())
                .add(t(T::Role).eq(Role::Coordinator.as_str()))
                .add(t(T::MunicipalityId).equals((webhook_subscription::Entity, S::OwnerMunicipalityId))),
        )
        .add(
            Condition::all()
                .add(s(S::OwnerMunicipalityId).is_null())
                .add(s(S::OwnerOrganisationId).is_not_null())
                .add(t(T::Role).eq(Role::Partner.as_str()))
                .add(t(T::OrganisationId).equals((webhook_subscription::Entity, S::OwnerOrganisationId))),
        )
        .add(
            Condition::all()
                .add(s(S::OwnerMunicipalityId).is_null())
                .add(s(S::OwnerOrganisationId).is_null())
                .add(t(T::Role).eq(Role::Admin.as_str())),
        );
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(api_token::Entity)
            .and_where(t(T::RevokedAt).is_null())
            .and_where(t(T::ExpiresAt).is_null().or(t(T::ExpiresAt).gt(now)))
            .cond_where(owner)
            .to_owned(),
    )
}

/// Suspends the subscriptions whose owner has no valid token of the owning role left, and lifts the
/// suspension of those whose owner has one again. The worker calls it every round before it claims
/// deliveries, so a subscription gets nothing from the round after its owner's last token was revoked or
/// expired: subscriptions belong to the municipality or organisation, not to the token that made them, but
/// they do not outlive every token of it. Deliveries keep being made meanwhile, as for a paused subscription.
/// Not audited: nobody made this change, and the revocation that caused it is audited.
pub async fn suspend_ownerless(db: &Db) -> Result<(), StoreError> {
    use webhook_subscription::Column;
    let now = db.clock().now();
    let owned = owner_has_valid_token(now);
    let out_of_step = Condition::any()
        .add(Condition::all().add(Column::SuspendedSince.is_null()).add(owned.clone().not()))
        .add(Condition::all().add(Column::SuspendedSince.is_not_null()).add(owned.clone()));
    // Read first: almost always nothing is out of step, and a write transaction takes SQLite's write lock.
    if webhook_subscription::Entity::find().filter(out_of_step).one(db.conn()).await?.is_none() {
        return Ok(());
    }
    let txn = db.begin_writing().await?;
    webhook_subscription::Entity::update_many()
        .col_expr(Column::SuspendedSince, Expr::value(now))
        .filter(Column::SuspendedSince.is_null())
        .filter(owned.clone().not())
        .exec(&txn)
        .await?;
    webhook_subscription::Entity::update_many()
        .col_expr(Column::SuspendedSince, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::SuspendedSince.is_not_null())
        .filter(owned)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Audited, not published: subscriptions are plumbing, not something the cycle's partners react to. The
/// audit record holds no secret, because [`Subscription`] has none.
fn change(
    action: AuditOnlyAction,
    s: &Subscription,
    old: Option<&Subscription>,
    new: Option<&Subscription>,
) -> Result<Change, StoreError> {
    let mut c = Change::of(action, s.id, path(s.id), old, new)?;
    if let Some(m) = s.owner_municipality_id {
        c = c.in_municipality(m);
    }
    if let Some(o) = s.owner_organisation_id {
        c = c.of_organisation(o);
    }
    Ok(c)
}
