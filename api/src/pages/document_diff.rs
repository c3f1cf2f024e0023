//! The difference between two versions of a document (SPEC §12), `GET /documenten/{id}/verschil?van=N&naar=M`:
//! goals, results, measures and assessments added, removed and changed, by key, with the changed fields' old
//! and new values, in Dutch. What changed is `usecases::versions::keyed_diff`'s answer, as the API's
//! `format=keyed` gives it; this page only words it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::content::diff::{FieldChange, ItemChange, KeyedChange, KeyedItem};
use serde_json::Value;
use uuid::Uuid;

use super::document::title_of;
use super::session::SignedIn;
use super::{Layout, PageError, dutch, html};
use crate::startup::AppState;
use crate::usecases;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/documenten/{id}/verschil").route(web::get().to(diff)));
}

struct VersionChoice {
    number: i32,
    label: String,
}

struct FieldLine {
    field: String,
    old: String,
    new: String,
}

struct ItemLine {
    what: String,
    fields: Vec<FieldLine>,
}

#[derive(Template)]
#[template(path = "document_diff.html")]
struct DiffPage {
    layout: Layout,
    title: String,
    area: String,
    document_href: String,
    action: String,
    options: Vec<VersionChoice>,
    from: i32,
    to: i32,
    fields: Vec<FieldLine>,
    added: Vec<ItemLine>,
    removed: Vec<ItemLine>,
    changed: Vec<ItemLine>,
}

/// `van` or `naar` of the query: `None` when absent, a Dutch 400 when it is not a version number.
fn number_param(req: &HttpRequest, name: &str) -> Result<Option<i32>, PageError> {
    let refusal = |v: &str| format!("‘{v}’ is geen versienummer; kies twee versies uit de lijst.");
    match super::query_param::<i32>(req, name, refusal)? {
        Some(n) if n < 1 => Err(PageError::BadRequest(refusal(&n.to_string()))),
        n => Ok(n),
    }
}

async fn diff(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let (conn, p, now) = (state.db.conn(), &person.principal, state.db.clock().now());
    let (doc, versions) = usecases::documents::get(conn, p, now, id).await?;
    let area = usecases::areas::get(conn, p, now, doc.area_id).await?;
    let last = versions.last().map_or(1, |v| v.number);
    let before_last = versions.iter().rev().nth(1).map_or(last, |v| v.number);
    let from = number_param(&req, "van")?.unwrap_or(before_last);
    let to = number_param(&req, "naar")?.unwrap_or(last);
    for n in [from, to] {
        if !versions.iter().any(|v| v.number == n) {
            return Err(PageError::NotFound);
        }
    }
    let d = usecases::versions::keyed_diff(conn, p, now, id, to, from).await?;
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut changed = Vec::new();
    for item in &d.items {
        let line = ItemLine { what: item_name(item), fields: item.fields.iter().map(field_line).collect() };
        match item.change {
            KeyedChange::Added => added.push(line),
            KeyedChange::Removed => removed.push(line),
            KeyedChange::Changed => changed.push(line),
        }
    }
    let title = title_of(&doc);
    let page = DiffPage {
        layout: Layout::new(format!("Verschil versie {from} en {to}: {title}, {}", area.name), Some(&person)),
        title,
        area: area.name,
        document_href: format!("/documenten/{id}"),
        action: format!("/documenten/{id}/verschil"),
        options: versions
            .iter()
            .map(|v| VersionChoice {
                number: v.number,
                label: format!("Versie {} ({})", v.number, dutch::version_status(Some(v.status))),
            })
            .collect(),
        from,
        to,
        fields: d.fields.iter().map(field_line).collect(),
        added,
        removed,
        changed,
    };
    Ok(html(StatusCode::OK, &page, true))
}

fn item_name(i: &ItemChange) -> String {
    let kind = match i.item {
        KeyedItem::Goal => "Doel",
        KeyedItem::Result => "Resultaat",
        KeyedItem::Measure => "Maatregel",
        KeyedItem::GoalAssessment => "Beoordeling van doel",
        KeyedItem::MeasureAssessment => "Beoordeling van maatregel",
        KeyedItem::ContributionAssessment => "Beoordeling van bijdrage",
    };
    let title = i.value.as_ref().and_then(|v| v.get("title")).and_then(Value::as_str);
    let mut s = format!("{kind} {}", i.key);
    if let Some(t) = title {
        s.push_str(&format!(": {t}"));
    }
    if let Some(parent) = &i.parent {
        s.push_str(&format!(" (bij doel {parent})"));
    }
    s
}

fn field_line(f: &FieldChange) -> FieldLine {
    FieldLine { field: field_name(&f.field), old: value_text(&f.old), new: value_text(&f.new) }
}

/// The Dutch name of a content field; one this list does not know is shown by its code.
fn field_name(field: &str) -> String {
    match field {
        "title" => "titel",
        "description" => "beschrijving",
        "theme" => "thema",
        "priority" => "prioriteit",
        "municipalityRole" => "rol van de gemeente",
        "results" => "resultaten",
        "indicator" => "indicator",
        "unit" => "eenheid",
        "baseline" => "nulmeting",
        "target" => "streefwaarde",
        "direction" => "richting",
        "vision" => "visie",
        "alignment" => "aansluiting bij bidbook en coalitieakkoord",
        "summary" => "samenvatting",
        "developments" => "ontwikkelingen",
        "opportunities" => "kansen",
        "threats" => "bedreigingen",
        "strengths" => "sterke punten",
        "sources" => "bronnen",
        "indicators" => "kengetallen",
        "kind" => "soort",
        "goalKeys" => "doelen",
        "ownerOrganisationId" => "trekker",
        "start" => "begin",
        "end" => "einde",
        "budgetEuros" => "budget (euro)",
        "lessonsApplied" => "lessen uit de vorige monitor",
        "verdict" => "oordeel",
        "evidence" => "onderbouwing",
        "resultValues" => "gemeten waarden",
        "note" => "toelichting",
        "approachChanges" => "wat er verandert in de aanpak",
        "agendaRevisionRecommended" => "bijstelling van de agenda aanbevolen",
        other => other,
    }
    .to_owned()
}

/// A JSON value as people read it: text as it is, numbers in Dutch, nothing as "leeg".
fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "leeg".into(),
        Value::String(s) if s.is_empty() => "leeg".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), dutch::decimal),
        Value::Bool(true) => "ja".into(),
        Value::Bool(false) => "nee".into(),
        Value::Array(items) if items.iter().all(|i| i.is_string()) => {
            let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if texts.is_empty() { "leeg".into() } else { texts.join(", ") }
        }
        other => other.to_string(),
    }
}
