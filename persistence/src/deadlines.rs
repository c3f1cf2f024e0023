//! What deadlines are computed from (SPEC §5), and the notices that make the sweeper announce each once.
//!
//! Deadlines themselves are not stored: they follow from the calendar, the documents' first adoption and
//! today, so a calendar change moves them at once. Only the fact that a state was announced is stored.

use chrono::{DateTime, NaiveDate, Utc};
use domain::access::ScopeOn;
use domain::contribution::check_in::Confidence;
use domain::contribution::lifecycle::ContributionStatus;
use domain::deadline::{ContributionDue, Deadline, StageDocument};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::contributions;
use crate::documents::kind_of;
use crate::entity::{check_in, contribution, document, version};
use crate::error::{StoreError, stored};
use crate::tx::{Change, Tx};

/// `SELECT id FROM documents WHERE area_id IN (…) AND the period overlaps from..=to`.
fn documents_overlapping(area_ids: &[Uuid], from: i32, to: i32) -> SelectStatement {
    Query::select()
        .column(document::Column::Id)
        .from(document::Entity)
        .and_where(Expr::col(document::Column::AreaId).is_in(area_ids.iter().copied()))
        .and_where(Expr::col(document::Column::PeriodEnd).gte(from))
        .and_where(Expr::col(document::Column::PeriodStart).lte(to))
        .and_where(crate::documents::holds_its_years())
        .to_owned()
}

/// The stage documents of these areas that cover any year in `from..=to`, with their first adoption.
/// Two statements whatever the number of areas and years.
pub async fn stage_documents<C: ConnectionTrait>(
    conn: &C,
    area_ids: &[Uuid],
    from: i32,
    to: i32,
) -> Result<Vec<StageDocument>, StoreError> {
    if area_ids.is_empty() {
        return Ok(vec![]);
    }
    let docs: Vec<(Uuid, Uuid, String, i32, i32)> = document::Entity::find()
        .select_only()
        .columns([
            document::Column::Id,
            document::Column::AreaId,
            document::Column::Kind,
            document::Column::PeriodStart,
            document::Column::PeriodEnd,
        ])
        .filter(document::Column::Id.in_subquery(documents_overlapping(area_ids, from, to)))
        .into_tuple()
        .all(conn)
        .await?;
    // Superseded versions keep their adoption time, and withdrawn ones never had one, so the earliest
    // adoption time of a document is when its deadline was met.
    let adoptions: Vec<(Uuid, DateTime<Utc>)> = version::Entity::find()
        .select_only()
        .columns([version::Column::DocumentId, version::Column::AdoptedAt])
        .filter(version::Column::AdoptedAt.is_not_null())
        .filter(version::Column::DocumentId.in_subquery(documents_overlapping(area_ids, from, to)))
        .into_tuple()
        .all(conn)
        .await?;
    docs.into_iter()
        .map(|(id, area_id, kind, period_start, period_end)| {
            let first_adopted_at = adoptions.iter().filter(|(d, _)| *d == id).map(|(_, at)| *at).min();
            Ok(StageDocument { id, area_id, kind: kind_of(&kind)?, period_start, period_end, first_adopted_at })
        })
        .collect()
}

/// What to read contributions' deadlines for.
#[derive(Debug, Clone, Default)]
pub struct ContributionSelection {
    pub area_ids: Vec<Uuid>,
    pub due_from: Option<NaiveDate>,
    pub due_until: Option<NaiveDate>,
    /// Only the contributions to these agenda documents.
    pub agenda_document_ids: Option<Vec<Uuid>>,
    /// Time travel: only the contributions proposed by then, with the confidence of the check-ins recorded by
    /// then.
    pub as_of: Option<DateTime<Utc>>,
}

/// A contribution as the deadline list and the dashboard count it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContributionFact {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub organisation_id: Uuid,
    pub due_date: Option<NaiveDate>,
    pub status: ContributionStatus,
    pub updated_at: DateTime<Utc>,
    pub withdrawn_after_commitment: bool,
    /// The confidence of its latest check-in, if it has one.
    pub confidence: Option<Confidence>,
    pub created_at: DateTime<Utc>,
}

impl ContributionFact {
    /// Its deadline's inputs, when it has a due date.
    pub fn due(&self) -> Option<ContributionDue> {
        let withdrawn = self.status == ContributionStatus::Withdrawn;
        self.due_date.map(|due_date| ContributionDue {
            id: self.id,
            municipality_id: self.municipality_id,
            area_id: self.area_id,
            organisation_id: self.organisation_id,
            due_date,
            // A contribution with an outcome never changes again, so its last change is the outcome.
            closed_at: (self.status.is_closed() && !withdrawn).then_some(self.updated_at),
            withdrawn,
        })
    }
}

/// The contributions in these areas that the scope may see. One statement.
pub async fn contribution_facts<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    selection: &ContributionSelection,
) -> Result<Vec<ContributionFact>, StoreError> {
    use contribution::Column;
    if selection.area_ids.is_empty() {
        return Ok(vec![]);
    }
    let mut select = contribution::Entity::find()
        .select_only()
        .columns([
            Column::Id,
            Column::MunicipalityId,
            Column::AreaId,
            Column::OrganisationId,
            Column::DueDate,
            Column::Status,
            Column::UpdatedAt,
            Column::WithdrawnAfterCommitment,
            Column::CreatedAt,
        ])
        .expr(contributions::latest_check_in(
            check_in::Column::Confidence,
            (contribution::Entity, Column::Id),
            selection.as_of,
        ))
        .filter(contributions::contribution_scope(scope.into()))
        .filter(Column::AreaId.is_in(selection.area_ids.iter().copied()));
    if let Some(from) = selection.due_from {
        select = select.filter(Column::DueDate.gte(from));
    }
    if let Some(until) = selection.due_until {
        select = select.filter(Column::DueDate.lte(until));
    }
    if let Some(ids) = &selection.agenda_document_ids {
        select = select.filter(Column::AgendaDocumentId.is_in(ids.iter().copied()));
    }
    if let Some(at) = selection.as_of {
        select = select.filter(Column::CreatedAt.lte(at));
    }
    type Row = (Uuid, Uuid, Uuid, Uuid, Option<NaiveDate>, String, DateTime<Utc>, bool, DateTime<Utc>, Option<String>);
    let rows: Vec<Row> = select.into_tuple().all(conn).await?;
    rows.into_iter()
        .map(
            |(
                id,
                municipality_id,
                area_id,
                organisation_id,
                due_date,
                status,
                updated_at,
                broken,
                created_at,
                confidence,
            )| {
                Ok(ContributionFact {
                    id,
                    municipality_id,
                    area_id,
                    organisation_id,
                    due_date,
                    status: contributions::status_of(&status)?,
                    updated_at,
                    withdrawn_after_commitment: broken,
                    confidence: confidence.as_deref().map(stored).transpose()?,
                    created_at,
                })
            },
        )
        .collect()
}

/// The subjects already announced in `state`s, so a sweep only tries what is new.
pub async fn announced<C: ConnectionTrait>(
    conn: &C,
    municipality_id: Uuid,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(deadline_notice::Entity::find()
        .select_only()
        .columns([deadline_notice::Column::Subject, deadline_notice::Column::State])
        .filter(deadline_notice::Column::MunicipalityId.eq(municipality_id))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The path a deadline event points at: the contribution, or the deadline list narrowed to this deadline.
pub fn resource_path(d: &Deadline) -> String {
    match d.contribution_id {
        Some(c) => contributions::path(c),
        None => format!("/api/v1/deadlines?areaId={}&year={}&stage={}", d.area_id, d.year, d.stage.as_str()),
    }
}

/// Announces `deadline` in its current state, unless that was done before (by this or another instance):
/// the unique (subject, state) key decides, and the notice, its audit event and the domain event of the state
/// commit together. A state that is not announced, or a deadline without a due date, is not. Returns whether
/// this call announced it.
pub async fn announce(tx: &Tx, deadline: &Deadline) -> Result<bool, StoreError> {
    let (Some(due_date), Some(event_type)) = (deadline.due_date, deadline.state.event_type()) else {
        return Ok(false);
    };
    let id = Uuid::now_v7();
    let notice = deadline_notice::ActiveModel {
        id: Set(id),
        subject: Set(deadline.subject()),
        state: Set(deadline.state.as_str().to_owned()),
        municipality_id: Set(deadline.municipality_id),
        area_id: Set(deadline.area_id),
        stage: Set(deadline.stage.as_str().to_owned()),
        year: Set(deadline.year),
        due_date: Set(due_date),
        contribution_id: Set(deadline.contribution_id),
        raised_at: Set(tx.now()),
    };
    let inserted = deadline_notice::Entity::insert(notice)
        .on_conflict_do_nothing_on([deadline_notice::Column::Subject, deadline_notice::Column::State])
        .exec_without_returning(tx.conn())
        .await?;
    let fresh = matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0);
    if !fresh {
        return Ok(false);
    }
    let resource_id = deadline.contribution_id.unwrap_or(id);
    let body = serde_json::json!({
        "subject": deadline.subject(), "stage": deadline.stage.as_str(), "year": deadline.year,
        "dueDate": due_date, "state": deadline.state.as_str(),
    });
    let mut change = Change::of(event_type, resource_id, resource_path(deadline), None, Some(&body))?
        .in_municipality(deadline.municipality_id)
        .in_area(deadline.area_id);
    if deadline.contribution_id.is_some() {
        change = change.on_resource_type("contribution");
    }
    if let Some(o) = deadline.organisation_id {
        change = change.of_organisation(o);
    }
    tx.record(change).await?;
    Ok(true)
}

/// The table as sea-orm sees it. Only this repository reads and writes it, so the entity lives here.
mod deadline_notice {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "deadline_notices")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub subject: String,
        pub state: String,
        pub municipality_id: Uuid,
        pub area_id: Uuid,
        pub stage: String,
        pub year: i32,
        pub due_date: Date,
        pub contribution_id: Option<Uuid>,
        pub raised_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
