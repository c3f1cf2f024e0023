//! JSON bodies that more than one resource of the API shows: who did something, a document's kind, a
//! version's status, a version with and without its content, a contribution's check-in (shown on its own and as
//! the contribution's latest), and a domain event (the feed's item and a
//! webhook's body). Kept apart from the route modules so that none of
//! them imports another.

use chrono::{DateTime, NaiveDate, Utc};
use domain::content::DocumentKind;
use domain::contribution::check_in;
use domain::lifecycle::VersionStatus;
use persistence::contributions::CheckInRecord;
use persistence::documents::{ActorRef, Version, VersionSummary};
use persistence::events::Event;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Stage of the gebiedscyclus: gebiedsanalyse, gebiedsagenda, gebiedsplan, gebiedsmonitor.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
// Named apart from the contributions' `Kind`: two components of one name overwrite each other in the document.
#[schema(as = DocumentKind)]
pub enum Kind {
    Analysis,
    Agenda,
    Plan,
    Monitor,
}

impl From<Kind> for DocumentKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Analysis => DocumentKind::Analysis,
            Kind::Agenda => DocumentKind::Agenda,
            Kind::Plan => DocumentKind::Plan,
            Kind::Monitor => DocumentKind::Monitor,
        }
    }
}

impl From<DocumentKind> for Kind {
    fn from(k: DocumentKind) -> Self {
        match k {
            DocumentKind::Analysis => Kind::Analysis,
            DocumentKind::Agenda => Kind::Agenda,
            DocumentKind::Plan => Kind::Plan,
            DocumentKind::Monitor => Kind::Monitor,
        }
    }
}

/// Status of a version: concept (draft), ingediend (submitted), vastgesteld (adopted), vervallen
/// (superseded), ingetrokken (withdrawn).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
// Named apart from the contributions' `Status` (see `Kind`).
#[schema(as = VersionStatus)]
pub enum Status {
    Draft,
    Submitted,
    Adopted,
    Superseded,
    Withdrawn,
}

impl From<VersionStatus> for Status {
    fn from(s: VersionStatus) -> Self {
        match s {
            VersionStatus::Draft => Status::Draft,
            VersionStatus::Submitted => Status::Submitted,
            VersionStatus::Adopted => Status::Adopted,
            VersionStatus::Superseded => Status::Superseded,
            VersionStatus::Withdrawn => Status::Withdrawn,
        }
    }
}

impl From<Status> for VersionStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Draft => VersionStatus::Draft,
            Status::Submitted => VersionStatus::Submitted,
            Status::Adopted => VersionStatus::Adopted,
            Status::Superseded => VersionStatus::Superseded,
            Status::Withdrawn => VersionStatus::Withdrawn,
        }
    }
}

/// Who did something: the token and its name at the time.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActorBody {
    pub token_id: Option<Uuid>,
    pub name: String,
}

impl From<&ActorRef> for ActorBody {
    fn from(a: &ActorRef) -> Self {
        ActorBody { token_id: a.token_id, name: a.name.clone() }
    }
}

/// A version (versie) without its content.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionSummaryBody {
    #[schema(example = 2)]
    pub number: i32,
    pub status: Status,
    /// What changed, in the writer's words (wijzigingsnotitie).
    pub change_note: Option<String>,
    /// The version this one was copied from.
    pub based_on: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub created_by: ActorBody,
    pub updated_at: DateTime<Utc>,
    /// When it was adopted (vastgesteld).
    pub adopted_at: Option<DateTime<Utc>>,
    pub adopted_by: Option<ActorBody>,
    /// When a later version replaced it.
    pub superseded_at: Option<DateTime<Utc>>,
}

impl From<&VersionSummary> for VersionSummaryBody {
    fn from(v: &VersionSummary) -> Self {
        VersionSummaryBody {
            number: v.number,
            status: v.status.into(),
            change_note: v.change_note.clone(),
            based_on: v.based_on,
            created_at: v.created_at,
            created_by: (&v.created_by).into(),
            updated_at: v.updated_at,
            adopted_at: v.adopted_at,
            adopted_by: v.adopted_by.as_ref().map(Into::into),
            superseded_at: v.superseded_at,
        }
    }
}

/// A version (versie) with its full content, typed by the document's kind. Published as a union
/// discriminated by `kind` (see `crate::version_schema`), so a typed client can narrow `content`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionBody {
    pub document_id: Uuid,
    /// The kind of the document, which says what `content` holds.
    pub kind: Kind,
    #[serde(flatten)]
    pub summary: VersionSummaryBody,
    /// The content of the version: an analysis, agenda, plan or monitor, as `kind` says.
    #[schema(schema_with = crate::openapi::content_schema)]
    pub content: serde_json::Value,
    /// Why the version was last sent back to draft (teruggestuurd), if it ever was; its whole history is under
    /// `…/transitions` and the document's `…/history`.
    pub return_note: Option<String>,
}

impl From<&Version> for VersionBody {
    fn from(v: &Version) -> Self {
        VersionBody {
            document_id: v.summary.document_id,
            kind: v.kind.into(),
            summary: (&v.summary).into(),
            content: v.content.clone(),
            return_note: v.return_note.clone(),
        }
    }
}

/// A domain event (gebeurtenis): what happened to which resource. Fetch the resource for its state.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventResponse {
    /// The feed position: increasing; resume the feed with `after` set to the last one handled.
    /// 0 only in a webhook `ping`.
    #[schema(example = 1042)]
    pub id: i64,
    /// `version.adopted`, `contribution.committed`, `deadline.overdue`, … (`ping` for a test delivery).
    #[serde(rename = "type")]
    #[schema(example = "version.adopted")]
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    /// The municipality (gemeente) the event belongs to, if any.
    pub municipality_id: Option<Uuid>,
    /// The area (gebied), if any.
    pub area_id: Option<Uuid>,
    /// The partner organisation (samenwerkingspartner) it concerns, if any: a contribution's partner.
    pub organisation_id: Option<Uuid>,
    #[schema(example = "version")]
    pub resource_type: String,
    pub resource_id: Uuid,
    /// The resource's URL.
    pub resource_url: String,
}

impl EventResponse {
    pub fn of(e: &Event, base_url: &str) -> EventResponse {
        EventResponse {
            id: e.seq,
            event_type: e.event_type.clone(),
            occurred_at: e.occurred_at,
            municipality_id: e.municipality_id,
            area_id: e.area_id,
            organisation_id: e.organisation_id,
            resource_type: e.resource_type.clone(),
            resource_id: e.resource_id,
            resource_url: format!("{base_url}{}", e.resource_path),
        }
    }
}

/// How the reporter judges the chance of delivering: op koers (on_track), risico (at_risk), uit koers
/// (off_track).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl From<Confidence> for check_in::Confidence {
    fn from(c: Confidence) -> Self {
        match c {
            Confidence::OnTrack => check_in::Confidence::OnTrack,
            Confidence::AtRisk => check_in::Confidence::AtRisk,
            Confidence::OffTrack => check_in::Confidence::OffTrack,
        }
    }
}

impl From<check_in::Confidence> for Confidence {
    fn from(c: check_in::Confidence) -> Self {
        match c {
            check_in::Confidence::OnTrack => Confidence::OnTrack,
            check_in::Confidence::AtRisk => Confidence::AtRisk,
            check_in::Confidence::OffTrack => Confidence::OffTrack,
        }
    }
}

/// A progress report (voortgangsmelding) on a contribution.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckInBody {
    pub id: Uuid,
    pub contribution_id: Uuid,
    /// The day the report is about.
    pub date: NaiveDate,
    #[schema(minimum = 0, maximum = 100, example = 40)]
    pub progress_percent: i32,
    /// The value reached so far, in the contribution's unit.
    pub current_value: Option<f64>,
    pub confidence: Confidence,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: ActorBody,
}

impl From<&CheckInRecord> for CheckInBody {
    fn from(c: &CheckInRecord) -> Self {
        CheckInBody {
            id: c.id,
            contribution_id: c.contribution_id,
            date: c.date,
            progress_percent: c.progress_percent,
            current_value: c.current_value,
            confidence: c.confidence.into(),
            note: c.note.clone(),
            created_at: c.created_at,
            created_by: (&c.created_by).into(),
        }
    }
}
