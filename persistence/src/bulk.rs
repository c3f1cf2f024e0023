//! Bulk loading of generated data sets, for benchmarks: `COPY` on PostgreSQL and many rows per statement on
//! SQLite, one transaction per batch.
//!
//! This path writes rows as they would be after their history happened, without the audit trail and the
//! event outbox that the API writes with every change: a generated data set has no history to record.
//! Everything else holds as for the API: the same tables, keys, unique indexes and foreign keys.

use chrono::{DateTime, NaiveDate, Utc};
use domain::content::DocumentKind;
use domain::contribution::ContributionStatus;
use domain::lifecycle::VersionStatus;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, TransactionTrait};
use serde_json::Value;
use uuid::Uuid;

use crate::db::{Backend, Db};
use crate::entity::{
    area, area_partner, check_in, contribution, contribution_transition, document, document_year, municipality,
    organisation, version,
};
use crate::error::StoreError;

pub struct MunicipalityRow {
    pub id: Uuid,
    pub name: String,
    pub cbs_code: Option<String>,
    pub calendar: Value,
}

pub struct AreaRow {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub code: String,
    pub localities: Value,
}

pub struct OrganisationRow {
    pub id: Uuid,
    pub name: String,
    pub kind: &'static str,
}

pub struct VersionRow {
    pub status: VersionStatus,
    pub content: Value,
    pub created_at: DateTime<Utc>,
    pub adopted_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
}

pub struct DocumentRow {
    pub id: Uuid,
    pub area_id: Uuid,
    pub municipality_id: Uuid,
    pub kind: DocumentKind,
    pub period_start: i32,
    pub period_end: i32,
    /// Numbered 1, 2, … in this order.
    pub versions: Vec<VersionRow>,
}

pub struct CheckInRow {
    pub date: NaiveDate,
    pub progress_percent: i32,
    pub confidence: &'static str,
    pub note: String,
}

pub struct ContributionRow {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub agenda_document_id: Uuid,
    pub goal_key: String,
    pub organisation_id: Uuid,
    pub title: String,
    pub kind: &'static str,
    pub amount: Option<f64>,
    pub unit: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub status: ContributionStatus,
    pub proposed_by: &'static str,
    pub committed_at: Option<DateTime<Utc>>,
    pub withdrawn_after_commitment: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub check_ins: Vec<CheckInRow>,
}

/// Rows of one part of a data set, written together.
#[derive(Default)]
pub struct Batch {
    pub municipalities: Vec<MunicipalityRow>,
    pub areas: Vec<AreaRow>,
    pub organisations: Vec<OrganisationRow>,
    pub partners: Vec<(Uuid, Uuid)>,
    pub documents: Vec<DocumentRow>,
    pub contributions: Vec<ContributionRow>,
}

/// Rows per INSERT: well under SQLite's 32,766 bound parameters and PostgreSQL's 65,535 for the widest table.
const CHUNK: usize = 500;

/// Inserts `rows` in chunks and returns how many it inserted.
async fn insert_all<C, A>(conn: &C, rows: Vec<A>) -> Result<usize, StoreError>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let count = rows.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(conn).await?;
    }
    Ok(count)
}

/// Where a batch's rows go, in one transaction: on PostgreSQL by `COPY` (`copy_in`), on SQLite by multi-row
/// INSERTs. Generating the large set with INSERTs cost PostgreSQL about 40 s of CPU to parse and plan them.
enum Sink {
    Insert(DatabaseTransaction),
    Copy(sea_orm::sqlx::Transaction<'static, sea_orm::sqlx::Postgres>),
}

impl Sink {
    async fn begin(db: &Db) -> Result<Sink, StoreError> {
        Ok(match db.backend() {
            Backend::Postgres => {
                let pool = db.conn().get_postgres_connection_pool();
                Sink::Copy(pool.begin().await.map_err(crate::copy_in::sqlx_error)?)
            }
            Backend::Sqlite => Sink::Insert(db.conn().begin().await?),
        })
    }

    /// Writes `rows` of one table and returns how many.
    async fn put<A: ActiveModelTrait + Send>(&mut self, rows: Vec<A>) -> Result<usize, StoreError> {
        match self {
            Sink::Insert(tx) => insert_all(tx, rows).await,
            Sink::Copy(tx) => crate::copy_in::copy_all(tx, rows).await,
        }
    }

    async fn commit(self) -> Result<(), StoreError> {
        match self {
            Sink::Insert(tx) => Ok(tx.commit().await?),
            Sink::Copy(tx) => tx.commit().await.map_err(crate::copy_in::sqlx_error),
        }
    }
}

/// Brings the planner's statistics up to date after a bulk load. Without them PostgreSQL plans the first
/// queries on the new rows as if the tables were empty (until autovacuum gets round to them), and SQLite
/// has none at all.
pub async fn refresh_statistics(db: &Db) -> Result<(), StoreError> {
    db.conn().execute_unprepared("ANALYZE").await?;
    Ok(())
}

/// Writes a batch in one transaction and returns the number of rows written.
pub async fn write(db: &Db, batch: Batch) -> Result<usize, StoreError> {
    let now = Utc::now();
    let mut rows = 0;
    let mut sink = Sink::begin(db).await?;
    let municipalities = batch.municipalities.into_iter().map(|m| municipality::ActiveModel {
        id: Set(m.id),
        name: Set(m.name),
        cbs_code: Set(m.cbs_code),
        calendar: Set(m.calendar),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    rows += sink.put(municipalities.collect()).await?;
    let areas = batch.areas.into_iter().map(|a| area::ActiveModel {
        id: Set(a.id),
        municipality_id: Set(a.municipality_id),
        name: Set(a.name),
        code: Set(a.code),
        localities: Set(a.localities),
        valid_from: Set(None),
        valid_until: Set(None),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    rows += sink.put(areas.collect()).await?;
    let organisations = batch.organisations.into_iter().map(|o| organisation::ActiveModel {
        id: Set(o.id),
        name: Set(o.name),
        kind: Set(o.kind.to_owned()),
        group_type: Set(None),
        has_cooperation_agreement: Set(None),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    rows += sink.put(organisations.collect()).await?;
    let partners = batch.partners.into_iter().map(|(area_id, organisation_id)| area_partner::ActiveModel {
        id: Set(Uuid::now_v7()),
        area_id: Set(area_id),
        organisation_id: Set(organisation_id),
        since: Set(None),
        until: Set(None),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    rows += sink.put(partners.collect()).await?;

    let (mut documents, mut years, mut versions, mut goals) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in batch.documents {
        let latest = d.versions.last().map(|v| v.status).unwrap_or(VersionStatus::Draft);
        let updated = d.versions.iter().map(|v| v.adopted_at.unwrap_or(v.created_at)).max().unwrap_or(now);
        documents.push(document::ActiveModel {
            id: Set(d.id),
            area_id: Set(d.area_id),
            municipality_id: Set(d.municipality_id),
            kind: Set(d.kind.as_str().to_owned()),
            period_start: Set(d.period_start),
            period_end: Set(d.period_end),
            last_number: Set(d.versions.len() as i32),
            latest_status: Set(latest.as_str().to_owned()),
            revision: Set(d.versions.len() as i64),
            created_at: Set(d.versions.first().map(|v| v.created_at).unwrap_or(now)),
            updated_at: Set(updated),
        });
        for year in d.period_start..=d.period_end {
            years.push(document_year::ActiveModel {
                id: Set(Uuid::now_v7()),
                document_id: Set(d.id),
                area_id: Set(d.area_id),
                kind: Set(d.kind.as_str().to_owned()),
                year: Set(year),
            });
        }
        for (i, v) in d.versions.into_iter().enumerate() {
            let number = i as i32 + 1;
            let id = Uuid::now_v7();
            if d.kind == DocumentKind::Agenda {
                // The goal keys as rows, as the repository writes them, for the partners' scope.
                goals.extend(crate::documents::goal_rows(id, d.id, &v.content));
            }
            versions.push(version::ActiveModel {
                id: Set(id),
                document_id: Set(d.id),
                number: Set(number),
                status: Set(v.status.as_str().to_owned()),
                content: Set(v.content),
                change_note: Set(Some(format!("Versie {number}"))),
                based_on: Set((number > 1).then_some(number - 1)),
                created_at: Set(v.created_at),
                created_by_token: Set(None),
                created_by_name: Set("data set generator".to_owned()),
                updated_at: Set(v.adopted_at.unwrap_or(v.created_at)),
                adopted_at: Set(v.adopted_at),
                adopted_by_token: Set(None),
                adopted_by_name: Set(v.adopted_at.map(|_| "data set generator".to_owned())),
                superseded_at: Set(v.superseded_at),
                revision: Set(1),
                return_note: Set(None),
            });
        }
    }
    rows += sink.put(documents).await?;
    rows += sink.put(years).await?;
    rows += sink.put(versions).await?;
    rows += sink.put(goals).await?;

    let (mut contributions, mut transitions, mut check_ins) = (Vec::new(), Vec::new(), Vec::new());
    for c in batch.contributions {
        if let Some(at) = c.committed_at {
            transitions.push(contribution_transition::ActiveModel {
                id: Set(Uuid::now_v7()),
                contribution_id: Set(c.id),
                action: Set("agree".to_owned()),
                from_status: Set(ContributionStatus::Proposed.as_str().to_owned()),
                to_status: Set(ContributionStatus::Committed.as_str().to_owned()),
                note: Set(None),
                at: Set(at),
                actor_token_id: Set(None),
                actor_name: Set("data set generator".to_owned()),
            });
        }
        for r in c.check_ins {
            check_ins.push(check_in::ActiveModel {
                id: Set(Uuid::now_v7()),
                contribution_id: Set(c.id),
                date: Set(r.date),
                progress_percent: Set(r.progress_percent),
                current_value: Set(None),
                confidence: Set(r.confidence.to_owned()),
                note: Set(r.note),
                created_at: Set(c.updated_at),
                created_by_token: Set(None),
                created_by_name: Set("data set generator".to_owned()),
            });
        }
        contributions.push(contribution::ActiveModel {
            id: Set(c.id),
            municipality_id: Set(c.municipality_id),
            area_id: Set(c.area_id),
            agenda_document_id: Set(c.agenda_document_id),
            goal_key: Set(c.goal_key),
            organisation_id: Set(c.organisation_id),
            title: Set(c.title),
            description: Set(String::new()),
            kind: Set(c.kind.to_owned()),
            amount: Set(c.amount),
            unit: Set(c.unit),
            due_date: Set(c.due_date),
            status: Set(c.status.as_str().to_owned()),
            proposed_by: Set(c.proposed_by.to_owned()),
            committed_at: Set(c.committed_at),
            withdrawn_after_commitment: Set(c.withdrawn_after_commitment),
            created_at: Set(c.created_at),
            created_by_token: Set(None),
            created_by_name: Set("data set generator".to_owned()),
            updated_at: Set(c.updated_at),
            revision: Set(1),
        });
    }
    rows += sink.put(contributions).await?;
    rows += sink.put(transitions).await?;
    rows += sink.put(check_ins).await?;
    sink.commit().await?;
    Ok(rows)
}
