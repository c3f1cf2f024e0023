//! The content of versions: parsing what a writer sends (with every problem under `content.`), reading stored
//! content back into its typed form, and looking up the facts the cross-stage rules and references need.

use chrono::NaiveDate;
use domain::access::{ReadScope, ScopeOn};
use domain::content::{AgendaContent, AnalysisContent, Content, DocumentKind, MonitorContent, PlanContent};
use domain::lifecycle::VersionStatus;
use domain::rules::{self, Readiness};
use domain::{FieldErrors, Parsed};
use persistence::ConnectionTrait;
use persistence::documents::{self, Document};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::{Error, Result};
use crate::serde_errors::field_error;

fn parse<T: DeserializeOwned>(value: Value) -> Result<T, FieldErrors> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let p = field_error(&e.path().to_string(), &e.inner().to_string());
        let name = if p.name == "body" { String::new() } else { p.name };
        let mut errors = FieldErrors::new();
        let code = match p.code {
            "required" => "required",
            "unknown_field" => "unknown_field",
            "invalid_type" => "invalid_type",
            _ => "invalid_value",
        };
        errors.push(name, code, p.reason);
        errors
    })
}

fn typed(kind: DocumentKind, value: Value) -> Result<Content, FieldErrors> {
    match kind {
        DocumentKind::Analysis => parse::<AnalysisContent>(value).map(Content::Analysis),
        DocumentKind::Agenda => parse::<AgendaContent>(value).map(Content::Agenda),
        DocumentKind::Plan => parse::<PlanContent>(value).map(Content::Plan),
        DocumentKind::Monitor => parse::<MonitorContent>(value).map(Content::Monitor),
    }
}

/// The name of the published schema of a kind's content.
fn schema_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Analysis => "AnalysisContent",
        DocumentKind::Agenda => "AgendaContent",
        DocumentKind::Plan => "PlanContent",
        DocumentKind::Monitor => "MonitorContent",
    }
}

/// Parses and validates content of `kind` that is known to be well formed (demo data, generated data sets);
/// problems are named `content.…`.
pub fn parse_content(kind: DocumentKind, value: Value) -> Result<Parsed<Content>, FieldErrors> {
    let mut errors = FieldErrors::new();
    match typed(kind, value) {
        Ok(content) => Parsed::parse(content).map_err(|e| {
            errors.extend_nested("content", e);
            errors
        }),
        Err(e) => {
            errors.extend_nested("content", e);
            Err(errors)
        }
    }
}

/// Checks content a writer sends for a draft of `doc` as a whole: its shape against the kind's published
/// schema, its values against the rules of its kind, and its references to goals, results, measures and
/// contributions against the agenda in force and the adopted plan. Every problem comes back at once, named
/// `content.…`; an `Err` is a failure of the service.
pub async fn check_draft<C: ConnectionTrait>(
    conn: &C,
    doc: &Document,
    value: Value,
) -> Result<Result<Parsed<Content>, FieldErrors>> {
    let mut shape = crate::shape::check(schema_name(doc.kind), value);
    let mut later = FieldErrors::new();
    let content = match typed(doc.kind, std::mem::take(&mut shape.value)) {
        Ok(content) => Some(content),
        Err(e) => {
            later.merge(e);
            None
        }
    };
    if let Some(found) = &content {
        later.merge(dangling_references(conn, doc, found).await?);
    }
    let content = content.and_then(|c| Parsed::parse(c).map_err(|e| later.merge(e)).ok());
    let mut errors = FieldErrors::new();
    errors.extend_nested("content", shape.merged_with(later));
    Ok(match content {
        Some(content) if errors.is_empty() => Ok(content),
        _ => Err(errors),
    })
}

/// Content read back from the database; it was validated when it was stored.
pub fn stored_content(kind: DocumentKind, value: &Value) -> Result<Content> {
    let internal = |e: serde_json::Error| Error::Internal(format!("stored {} content unreadable: {e}", kind.as_str()));
    Ok(match kind {
        DocumentKind::Analysis => Content::Analysis(serde_json::from_value(value.clone()).map_err(internal)?),
        DocumentKind::Agenda => Content::Agenda(serde_json::from_value(value.clone()).map_err(internal)?),
        DocumentKind::Plan => Content::Plan(serde_json::from_value(value.clone()).map_err(internal)?),
        DocumentKind::Monitor => Content::Monitor(serde_json::from_value(value.clone()).map_err(internal)?),
    })
}

/// The agenda in force for the document's area and first year, and the adopted plan of that year.
async fn agenda_and_plan<C: ConnectionTrait>(
    conn: &C,
    doc: &Document,
) -> Result<(Option<AgendaContent>, Option<PlanContent>)> {
    Ok((agenda_in_force(conn, doc).await?, plan_in_force(conn, doc).await?))
}

/// The agenda in force for the document's area and first year. One statement.
async fn agenda_in_force<C: ConnectionTrait>(conn: &C, doc: &Document) -> Result<Option<AgendaContent>> {
    Ok(match documents::in_force_covering(conn, doc.area_id, DocumentKind::Agenda, doc.period_start).await? {
        Some((_, v)) => match stored_content(DocumentKind::Agenda, &v.content)? {
            Content::Agenda(a) => Some(a),
            _ => None,
        },
        None => None,
    })
}

/// The adopted plan of the document's area and first year. One statement.
async fn plan_in_force<C: ConnectionTrait>(conn: &C, doc: &Document) -> Result<Option<PlanContent>> {
    Ok(match documents::in_force_covering(conn, doc.area_id, DocumentKind::Plan, doc.period_start).await? {
        Some((_, v)) => match stored_content(DocumentKind::Plan, &v.content)? {
            Content::Plan(p) => Some(p),
            _ => None,
        },
        None => None,
    })
}

/// `base` with an empty assessment added for every goal (and result) of the agenda in force for `year` in the
/// area, every measure of the adopted plan of `year` and every contribution to that agenda that is not
/// withdrawn, where `base` lacks one: what a new monitor version starts from.
pub async fn monitor_to_fill<C: ConnectionTrait>(
    conn: &C,
    area_id: Uuid,
    year: i32,
    base: MonitorContent,
) -> Result<MonitorContent> {
    let (agenda, contributions) = match documents::in_force_covering(conn, area_id, DocumentKind::Agenda, year).await? {
        Some((doc, v)) => match stored_content(DocumentKind::Agenda, &v.content)? {
            Content::Agenda(a) => (Some(a), persistence::contributions::live_ids_of_agenda(conn, doc.id).await?),
            _ => (None, vec![]),
        },
        None => (None, vec![]),
    };
    let plan = match documents::in_force_covering(conn, area_id, DocumentKind::Plan, year).await? {
        Some((_, v)) => match stored_content(DocumentKind::Plan, &v.content)? {
            Content::Plan(p) => Some(p),
            _ => None,
        },
        None => None,
    };
    Ok(base.with_assessments_to_fill(agenda.as_ref(), plan.as_ref(), &contributions))
}

/// References to goals, results and measures that do not resolve against the agenda in force and the adopted
/// plan, when those exist (a draft written before they are adopted is checked at adoption); owners of measures
/// that are no partner of the area in the plan's year; assessed contributions that are not the area's.
async fn dangling_references<C: ConnectionTrait>(conn: &C, doc: &Document, content: &Content) -> Result<FieldErrors> {
    let (agenda, plan) = match content {
        Content::Plan(_) | Content::Monitor(_) => agenda_and_plan(conn, doc).await?,
        _ => return Ok(FieldErrors::new()),
    };
    Ok(match content {
        Content::Plan(p) => {
            let mut e = agenda.as_ref().map(|a| p.dangling_goal_keys(a)).unwrap_or_default();
            e.merge(owner_problems(conn, doc, p).await?);
            e
        }
        Content::Monitor(m) => {
            let mut e = m.dangling_references(agenda.as_ref(), plan.as_ref());
            let known = persistence::contributions::statuses_in_area(conn, doc.area_id, &m.contribution_ids()).await?;
            let known: Vec<_> = known.into_iter().map(|(id, _)| id).collect();
            e.merge(m.unknown_contributions(&known));
            e
        }
        _ => FieldErrors::new(),
    })
}

/// The plan's owners checked against the registry and the area's partners during the plan's year.
async fn owner_problems<C: ConnectionTrait>(conn: &C, doc: &Document, plan: &PlanContent) -> Result<FieldErrors> {
    let owners = plan.owner_ids();
    if owners.is_empty() {
        return Ok(FieldErrors::new());
    }
    let existing = persistence::organisations::existing(conn, &owners).await?;
    let first = NaiveDate::from_ymd_opt(doc.period_start, 1, 1);
    let last = NaiveDate::from_ymd_opt(doc.period_end, 12, 31);
    let (Some(first), Some(last)) = (first, last) else {
        return Err(Error::Internal(format!("document {} has no calendar period", doc.id)));
    };
    let partners = persistence::partners::taking_part_during(conn, doc.area_id, &existing, first, last).await?;
    Ok(plan.owner_problems(&existing, &partners, doc.period_start))
}

/// The rules for adopting version `status` with `content` of `doc` (its status, its substance and SPEC §3,
/// rules 1 to 4, over every contribution) on `today`: what the adoption checks and the municipality is shown.
/// Only the facts the rules of the content's kind read are looked up ([`rules::facts_needed`]).
pub async fn readiness<C: ConnectionTrait>(
    conn: &C,
    doc: &Document,
    status: VersionStatus,
    content: &Content,
    today: NaiveDate,
) -> Result<Readiness> {
    let needed = rules::facts_needed(content.kind());
    let agenda = if needed.agenda_in_force { agenda_in_force(conn, doc).await? } else { None };
    let plan = if needed.adopted_plan { plan_in_force(conn, doc).await? } else { None };
    let analysis_years = if needed.adopted_analysis_years {
        documents::adopted_analysis_years(conn, doc.area_id, doc.period_start - 1, doc.period_start).await?
    } else {
        vec![]
    };
    let contributions = if needed.contributions {
        persistence::contributions::goal_statuses(conn, ReadScope::All, doc.id).await?
    } else {
        vec![]
    };
    let assessed_contributions = match content {
        Content::Monitor(m) if needed.assessed_contributions => {
            persistence::contributions::statuses_in_area(conn, doc.area_id, &m.contribution_ids()).await?
        }
        _ => vec![],
    };
    let facts = rules::AreaFacts {
        adopted_analysis_years: analysis_years,
        agenda_in_force: agenda.as_ref(),
        adopted_plan: plan.as_ref(),
        contributions,
        assessed_contributions,
        today,
    };
    Ok(rules::check(content, status, doc.period_start, &facts))
}

/// Readiness as the reader with `scope` is shown it at `now`: the municipality the whole of it, a partner
/// only what its own contributions do to the adoption ([`partner_readiness`]).
pub async fn readiness_shown<C: ConnectionTrait>(
    conn: &C,
    scope: ScopeOn,
    doc: &Document,
    status: VersionStatus,
    content: &Content,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Readiness> {
    match scope.scope {
        ReadScope::PartnerOrganisation(_) => partner_readiness(conn, scope, doc, status, content).await,
        ReadScope::All | ReadScope::Municipality(_) => {
            readiness(conn, doc, status, content, domain::clock::dutch_date(now)).await
        }
    }
}

/// Readiness as a partner reading with `scope` is shown it: rule 4 over the contributions that scope reaches,
/// its own organisation's, and nothing else ([`rules::check_for_partner`]).
pub async fn partner_readiness<C: ConnectionTrait>(
    conn: &C,
    scope: ScopeOn,
    doc: &Document,
    status: VersionStatus,
    content: &Content,
) -> Result<Readiness> {
    let own = match content {
        Content::Agenda(_) => persistence::contributions::goal_statuses(conn, scope, doc.id).await?,
        _ => vec![],
    };
    Ok(rules::check_for_partner(content, status, &own))
}
