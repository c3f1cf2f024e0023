//! The document page (SPEC §12): a cycle document with the version in force and the open one rendered readable
//! (or, with `?versie=N`, that version), all versions, the transition history with who, when and notes, the
//! readiness of the open version, and a form for exactly the transitions the person may take now
//! ([`domain::lifecycle::actions_open_to`]). A transition posted here runs the same operation as the JSON API in
//! one unit of work; a refusal renders the page again with a Dutch error summary naming every problem.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::content::{Content, DocumentKind};
use domain::lifecycle::{self, VersionAction, VersionStatus};
use persistence::contributions::ContributionFilter;
use persistence::documents::{Document, Transition};
use uuid::Uuid;

use super::content_view::{self, ContentNames, ContentView};
use super::rules_nl::{self, RuleLine};
use super::session::{CSRF_FIELD, SignedIn, csrf_matches};
use super::sign_in::field;
use super::{Layout, PageError, dutch, html, see_other};
use crate::startup::AppState;
use crate::usecases::documents::ShownVersion;
use crate::usecases::{self, BasedOn};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/documenten/{id}").route(web::get().to(document)))
        .service(web::resource("/documenten/{id}/versies/{n}/overgang").route(web::post().to(transition)));
}

/// The form's word for an action (`actie`), as the URL scheme of the pages names them.
pub fn action_code(a: VersionAction) -> &'static str {
    match a {
        VersionAction::Submit => "indienen",
        VersionAction::Return => "terugsturen",
        VersionAction::Adopt => "vaststellen",
        VersionAction::Withdraw => "intrekken",
    }
}

fn action_of(code: &str) -> Option<VersionAction> {
    VersionAction::ALL.into_iter().find(|a| action_code(*a) == code)
}

fn action_label(a: VersionAction) -> &'static str {
    match a {
        VersionAction::Submit => "Indienen",
        VersionAction::Return => "Terugsturen naar concept",
        VersionAction::Adopt => "Vaststellen",
        VersionAction::Withdraw => "Intrekken",
    }
}

/// "Gebiedsagenda 2027–2030" or "Gebiedsplan 2027": the kind with a capital, and the period.
pub fn title_of(doc: &Document) -> String {
    let kind = dutch::kind(doc.kind);
    let mut chars = kind.chars();
    let kind = chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default();
    if doc.period_start == doc.period_end {
        format!("{kind} {}", doc.period_start)
    } else {
        format!("{kind} {}–{}", doc.period_start, doc.period_end)
    }
}

/// The day and time in the Netherlands: "23 november 2026, 11:00".
fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::Amsterdam);
    format!("{}, {}", dutch::date(local.date_naive()), local.format("%H:%M"))
}

fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    dutch::date(domain::clock::dutch_date(at))
}

struct VersionRow {
    number: i32,
    status: &'static str,
    created: String,
    changed: String,
    adopted: String,
    href: String,
    shown: bool,
    diff_href: Option<String>,
}

struct HistoryRow {
    when: String,
    who: String,
    action: &'static str,
    from: &'static str,
    to: &'static str,
    note: String,
}

struct ActionForm {
    code: &'static str,
    label: &'static str,
    needs_note: bool,
    /// What was typed, when the same form was refused.
    note: String,
    note_error: Option<String>,
    primary: bool,
}

struct ReadinessView {
    ready: bool,
    blocking: Vec<RuleLine>,
    warnings: Vec<RuleLine>,
}

struct ShownVersionView {
    heading: String,
    number: i32,
    status: &'static str,
    change_note: String,
    return_note: String,
    content: ContentView,
    history: Vec<HistoryRow>,
    readiness: Option<ReadinessView>,
    actions: Vec<ActionForm>,
    revision: i64,
    action_href: String,
}

/// One line of the error summary, linked to the field it is about when there is one.
pub struct SummaryItem {
    pub text: String,
    pub href: Option<String>,
}

pub struct Summary {
    pub heading: String,
    pub items: Vec<SummaryItem>,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    layout: Layout,
    title: String,
    area: String,
    csrf: String,
    summary: Option<Summary>,
    shown: Vec<ShownVersionView>,
    versions: Vec<VersionRow>,
    default_href: String,
    specific: bool,
    diff_action: String,
    diff_from: i32,
    diff_to: i32,
}

/// A refused transition, to render beside its form.
struct Failure {
    number: i32,
    action: VersionAction,
    note: String,
    note_error: Option<String>,
    summary: Summary,
}

fn version_param(req: &HttpRequest) -> Result<Option<i32>, PageError> {
    let refusal = |v: &str| format!("‘{v}’ is geen versienummer; gebruik bijvoorbeeld ?versie=2.");
    match super::query_param::<i32>(req, "versie", refusal)? {
        Some(n) if n < 1 => Err(PageError::BadRequest(refusal(&n.to_string()))),
        n => Ok(n),
    }
}

async fn document(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let versie = version_param(&req)?;
    render(&state, &person, id, versie, None, StatusCode::OK).await
}

/// The names a document's content refers to, read through the same operations as the API, each in one
/// statement whatever the number of contributions or owners.
async fn names_for(
    state: &AppState,
    person: &SignedIn,
    doc: &Document,
    shown: &[ShownVersion],
) -> Result<ContentNames, PageError> {
    let (conn, p, now) = (state.db.conn(), &person.principal, state.db.clock().now());
    let mut names = ContentNames::default();
    let filter = match doc.kind {
        DocumentKind::Agenda => Some(ContributionFilter { agenda_document_id: Some(doc.id), ..Default::default() }),
        DocumentKind::Monitor => Some(ContributionFilter { area_id: Some(doc.area_id), ..Default::default() }),
        _ => None,
    };
    if let Some(filter) = filter {
        names.contributions = usecases::contributions::lines(conn, p, now, &filter).await?;
    }
    if doc.kind == DocumentKind::Agenda {
        names.measured = usecases::results::over_time(conn, p, now, doc.area_id).await?;
    }
    let mut owners: Vec<Uuid> = shown
        .iter()
        .filter_map(|s| match &s.content {
            Content::Plan(plan) => Some(plan.owner_ids()),
            _ => None,
        })
        .flatten()
        .collect();
    owners.sort_unstable();
    owners.dedup();
    if !owners.is_empty() {
        names.organisations = usecases::organisations::names(conn, p, now, &owners).await?.into_iter().collect();
    }
    Ok(names)
}

async fn render(
    state: &AppState,
    person: &SignedIn,
    id: Uuid,
    asked: Option<i32>,
    failure: Option<Failure>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let (conn, p, now) = (state.db.conn(), &person.principal, state.db.clock().now());
    let read = usecases::documents::read(conn, p, now, id, asked).await?;
    let (doc, versions) = (&read.document, &read.versions);
    let names = names_for(state, person, doc, &read.shown).await?;
    let mut shown = Vec::new();
    for ShownVersion { version: v, content, history, readiness } in &read.shown {
        let n = v.summary.number;
        let readiness = readiness.as_ref().map(|r| ReadinessView {
            ready: r.is_ready(),
            blocking: r.blocking.iter().map(rules_nl::line).collect(),
            warnings: r.warnings.iter().map(rules_nl::line).collect(),
        });
        let actions = lifecycle::actions_open_to(p, v.summary.status, doc.municipality_id, doc.area_id)
            .into_iter()
            .map(|a| {
                let refused = failure.as_ref().filter(|f| f.number == n && f.action == a);
                ActionForm {
                    code: action_code(a),
                    label: action_label(a),
                    needs_note: a.needs_note(),
                    note: refused.map(|f| f.note.clone()).unwrap_or_default(),
                    note_error: refused.and_then(|f| f.note_error.clone()),
                    primary: matches!(a, VersionAction::Submit | VersionAction::Adopt),
                }
            })
            .collect();
        let heading = match v.summary.status {
            VersionStatus::Adopted if asked.is_none() => format!("Versie in werking: versie {n}"),
            s if s.is_open() && asked.is_none() => format!("Versie in behandeling: versie {n}"),
            _ => format!("Versie {n}"),
        };
        shown.push(ShownVersionView {
            heading,
            number: n,
            status: dutch::version_status(Some(v.summary.status)),
            change_note: v.summary.change_note.clone().unwrap_or_default(),
            return_note: v.return_note.clone().unwrap_or_default(),
            content: content_view::view(content, &names, &format!("v{n}-")),
            history: history.iter().map(history_row).collect(),
            readiness,
            actions,
            revision: v.summary.revision,
            action_href: format!("/documenten/{id}/versies/{n}/overgang"),
        });
    }
    let shown_numbers: Vec<i32> = shown.iter().map(|s| s.number).collect();
    let rows = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionRow {
            number: v.number,
            status: dutch::version_status(Some(v.status)),
            created: day(v.created_at),
            changed: day(v.updated_at),
            adopted: v.adopted_at.map(day).unwrap_or_else(|| "—".into()),
            href: format!("/documenten/{id}?versie={}", v.number),
            shown: shown_numbers.contains(&v.number),
            diff_href: (i > 0)
                .then(|| format!("/documenten/{id}/verschil?van={}&naar={}", versions[i - 1].number, v.number)),
        })
        .collect();
    let title = title_of(doc);
    let layout_title = match &failure {
        Some(_) => format!("Fout: {title}, {}", read.area_name),
        None => format!("{title}, {}", read.area_name),
    };
    let last = versions.last().map_or(1, |v| v.number);
    let before_last = versions.iter().rev().nth(1).map_or(last, |v| v.number);
    let page = DocumentPage {
        layout: Layout::new(layout_title, Some(person)),
        title,
        area: read.area_name.clone(),
        csrf: person.csrf.clone(),
        summary: failure.map(|f| f.summary),
        shown,
        versions: rows,
        default_href: format!("/documenten/{id}"),
        specific: asked.is_some(),
        diff_action: format!("/documenten/{id}/verschil"),
        diff_from: before_last,
        diff_to: last,
    };
    Ok(html(status, &page, true))
}

fn history_row(t: &Transition) -> HistoryRow {
    HistoryRow {
        when: moment(t.at),
        who: t.actor.name.clone(),
        action: action_label(t.action),
        from: dutch::version_status(Some(t.from)),
        to: dutch::version_status(Some(t.to)),
        note: t.note.clone().unwrap_or_default(),
    }
}

fn foreign_form() -> PageError {
    PageError::Forbidden(
        "Dit formulier is verlopen of komt niet van deze site. Ga terug, vernieuw de pagina en probeer het opnieuw."
            .into(),
    )
}

async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: SignedIn,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    if !csrf_matches(&person.csrf, field(&body, CSRF_FIELD).as_deref()) {
        return Err(foreign_form());
    }
    let (id, n) = path.into_inner();
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let n: i32 = n.parse().ok().filter(|n| *n >= 1).ok_or(PageError::NotFound)?;
    let action = field(&body, "actie").as_deref().and_then(action_of).ok_or_else(|| {
        PageError::BadRequest("Deze handeling kennen we niet. Ga terug, vernieuw de pagina en kies een knop.".into())
    })?;
    let revision = field(&body, "revisie").and_then(|r| r.trim().parse::<i64>().ok()).ok_or_else(|| {
        PageError::BadRequest("Het formulier mist de stand van de versie. Ga terug en vernieuw de pagina.".into())
    })?;
    let note = field(&body, "toelichting").unwrap_or_default();
    let p = &person.principal;
    let tx = state.db.begin(crate::respond::actor(&req, p)).await?;
    let outcome =
        usecases::versions::transition(&tx, p, id, n, &BasedOn::revision(revision), action, Some(&note)).await;
    let error = match outcome {
        Ok(_) => {
            tx.commit().await?;
            return Ok(see_other(&format!("/documenten/{id}")).finish());
        }
        Err(e) => e,
    };
    // Nothing of a refused transition is kept; the page is read again outside the write transaction.
    drop(tx);
    let (status, summary, note_error) = refusal(error, action, n)?;
    let failure = Failure { number: n, action, note, note_error, summary };
    render(&state, &person, id, None, Some(failure), status).await
}

/// How a refused transition is told: its status, the error summary, and the message beside the note field.
fn refusal(
    e: usecases::Error,
    action: VersionAction,
    n: i32,
) -> Result<(StatusCode, Summary, Option<String>), PageError> {
    use usecases::Error as E;
    let one = |text: String, href: Option<String>| vec![SummaryItem { text, href }];
    let heading = format!("{} van versie {n} is niet gelukt", action_label(action));
    Ok(match e {
        E::RulesBroken(problems) => (
            StatusCode::CONFLICT,
            Summary {
                heading: match problems.len() {
                    1 => format!("Versie {n} is niet vastgesteld: één regel staat dat in de weg"),
                    count => format!("Versie {n} is niet vastgesteld: {count} regels staan dat in de weg"),
                },
                items: problems
                    .iter()
                    .map(|p| {
                        let line = rules_nl::line(p);
                        let text = match line.path {
                            Some(path) => format!("{} (plaats: {path})", line.sentence),
                            None => line.sentence,
                        };
                        SummaryItem { text, href: None }
                    })
                    .collect(),
            },
            None,
        ),
        E::Invalid(errors) => {
            let href = Some(format!("#toelichting-{}", action_code(action)));
            let message = match errors.iter().next().map(|e| e.code) {
                Some("required") => match action {
                    VersionAction::Return => "Vul een toelichting in: zeg waarom u de versie terugstuurt.",
                    _ => "Vul een toelichting in: zeg waarom u de versie intrekt.",
                },
                Some("too_long") => "De toelichting is te lang: ten hoogste 2.000 tekens.",
                _ => "De toelichting bevat tekens die niet zijn toegestaan, zoals stuurtekens.",
            };
            (StatusCode::BAD_REQUEST, Summary { heading, items: one(message.into(), href) }, Some(message.to_owned()))
        }
        E::Stale(_) => (
            StatusCode::CONFLICT,
            Summary {
                heading,
                items: one("Iemand anders heeft deze versie intussen gewijzigd; bekijk de nieuwe stand.".into(), None),
            },
            None,
        ),
        E::Conflict(_) => (
            StatusCode::CONFLICT,
            Summary {
                heading,
                items: one(
                    "Deze handeling past niet meer bij de status van de versie; bekijk de nieuwe stand.".into(),
                    None,
                ),
            },
            None,
        ),
        other => return Err(other.into()),
    })
}
