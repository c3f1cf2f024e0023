//! The deadlines page (termijnen, SPEC §12): the deadlines a person may see, filtered on municipality, area,
//! stage, state and year, a page at a time. It lists what `usecases::deadlines::list` returns, the same as the
//! API's `/deadlines`, so a partner sees its own deadlines there too. A filter value that is not one of the
//! choices shows the form again with status 400, every problem at once in an error summary and beside its
//! field.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::FieldErrors;
use domain::deadline::{DeadlineState, Stage, visible_stages};
use domain::principal::Access;
use persistence::areas::AreaFilter;
use persistence::municipalities::MunicipalityFilter;
use uuid::Uuid;

use super::session::SignedIn;
use super::{Layout, PageError, dutch, html};
use crate::startup::AppState;
use crate::usecases;
use crate::usecases::deadlines::DeadlineQuery;

/// Lists for the choices are read in pages of this many; the form offers them all.
const BATCH: u64 = 200;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/termijnen").route(web::get().to(deadlines)));
}

/// A filter's value as the browser sent it, shown again in the form.
#[derive(Default)]
struct Typed {
    gemeente: String,
    gebied: String,
    fase: String,
    stand: String,
    jaar: String,
    cursor: Option<String>,
}

impl Typed {
    fn of(req: &HttpRequest) -> Typed {
        let mut t = Typed::default();
        for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
            let v = v.trim().to_owned();
            match k.as_ref() {
                "gemeente" => t.gemeente = v,
                "gebied" => t.gebied = v,
                "fase" => t.fase = v,
                "stand" => t.stand = v,
                "jaar" => t.jaar = v,
                "cursor" if !v.is_empty() => t.cursor = Some(v),
                _ => {}
            }
        }
        t
    }
}

/// A problem with one field: the summary links to `#field`, the field shows the message.
struct Problem {
    field: &'static str,
    message: String,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct Select {
    id: &'static str,
    label: &'static str,
    error: Option<String>,
    choices: Vec<Choice>,
}

struct Row {
    what: String,
    area: String,
    area_href: String,
    year: i32,
    due: String,
    state: &'static str,
    state_class: &'static str,
}

#[derive(Template)]
#[template(path = "deadlines.html")]
struct DeadlinesPage {
    layout: Layout,
    problems: Vec<Problem>,
    selects: Vec<Select>,
    jaar: String,
    jaar_error: Option<String>,
    /// `None` when the filters are wrong: then only the form is shown.
    rows: Option<Vec<Row>>,
    next_href: Option<String>,
}

/// The filters as the use case takes them, and what was wrong with the values typed.
struct Filters {
    municipality_id: Option<Uuid>,
    area_id: Option<Uuid>,
    stage: Option<Stage>,
    state: Option<DeadlineState>,
    year: Option<i32>,
    problems: Vec<Problem>,
}

fn parse_filters(p: &domain::Principal, t: &Typed) -> Filters {
    let mut problems = Vec::new();
    let mut choice = |field: &'static str, value: &str, message: &str| -> bool {
        if value.is_empty() {
            return false;
        }
        problems.push(Problem { field, message: message.to_owned() });
        true
    };
    let municipality_id = match p.access {
        // Only an administrator chooses; everyone else sees their own municipality (a partner: its areas).
        Access::Admin => match t.gemeente.parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) => {
                choice("gemeente", &t.gemeente, "Kies een gemeente uit de lijst.");
                None
            }
        },
        _ => p.access.municipality_id(),
    };
    let area_id = t.gebied.parse::<Uuid>().ok();
    if area_id.is_none() {
        choice("gebied", &t.gebied, "Kies een gebied uit de lijst.");
    }
    let stage = Stage::parse(&t.fase);
    if stage.is_none() {
        choice("fase", &t.fase, "Kies een fase uit de lijst.");
    }
    let state = DeadlineState::parse(&t.stand);
    if state.is_none() {
        choice("stand", &t.stand, "Kies een stand uit de lijst.");
    }
    let (min, max) = domain::calendar::CYCLE_YEARS;
    let year = match t.jaar.parse::<i32>() {
        Ok(y) => {
            let mut errors = FieldErrors::new();
            domain::calendar::check_cycle_year(&mut errors, "jaar", y);
            if errors.is_empty() {
                Some(y)
            } else {
                problems
                    .push(Problem { field: "jaar", message: format!("Vul een jaar in van {min} tot en met {max}.") });
                None
            }
        }
        Err(_) => {
            if !t.jaar.is_empty() {
                problems
                    .push(Problem { field: "jaar", message: "Vul het jaar in cijfers in, bijvoorbeeld 2027.".into() });
            }
            None
        }
    };
    Filters { municipality_id, area_id, stage, state, year, problems }
}

/// The problems the use case found, on the fields they belong to; a cursor that no longer fits goes to the
/// button, since nobody typed it.
fn problems_of(errors: &FieldErrors) -> Vec<Problem> {
    errors
        .iter()
        .map(|e| match e.name.as_str() {
            "year" => Problem { field: "jaar", message: "Vul een jaar in dat de dienst kent.".into() },
            _ => Problem {
                field: "filteren",
                message: "De link naar de volgende pagina klopt niet meer; kies de filters opnieuw.".into(),
            },
        })
        .collect()
}

async fn deadlines(req: HttpRequest, state: web::Data<AppState>, person: SignedIn) -> Result<HttpResponse, PageError> {
    let p = &person.principal;
    let conn = state.db.conn();
    let now = state.db.clock().now();
    let typed = Typed::of(&req);
    let mut filters = parse_filters(p, &typed);

    let mut rows = None;
    let mut next_href = None;
    if filters.problems.is_empty() {
        let query = DeadlineQuery {
            municipality_id: filters.municipality_id,
            area_id: filters.area_id,
            year: filters.year,
            stage: filters.stage,
            state: filters.state,
            page_size: None,
            cursor: typed.cursor.clone(),
        };
        match usecases::deadlines::list(conn, p, now, &state.deadlines, query).await {
            Ok(page) => {
                rows = Some(
                    page.deadlines
                        .iter()
                        .map(|dl| Row {
                            what: dutch::deadline_subject(
                                dl.stage,
                                page.names.contribution_title(dl),
                                page.names.organisation(dl),
                            ),
                            area: page.names.area(dl),
                            area_href: format!("/gebieden/{}/cyclus/{}", dl.area_id, dl.year),
                            year: dl.year,
                            due: dl.due_date.map(dutch::date).unwrap_or_else(|| "geen datum".into()),
                            state: dutch::deadline_state(dl.state),
                            state_class: dutch::state_class(dl.state),
                        })
                        .collect(),
                );
                next_href = page.next.map(|cursor| {
                    let mut q = form_urlencoded::Serializer::new(String::new());
                    for (k, v) in [
                        ("gemeente", &typed.gemeente),
                        ("gebied", &typed.gebied),
                        ("fase", &typed.fase),
                        ("stand", &typed.stand),
                        ("jaar", &typed.jaar),
                    ] {
                        if !v.is_empty() {
                            q.append_pair(k, v);
                        }
                    }
                    q.append_pair("cursor", &cursor);
                    format!("/termijnen?{}", q.finish())
                });
            }
            Err(usecases::Error::Invalid(errors)) => filters.problems = problems_of(&errors),
            Err(e) => return Err(e.into()),
        }
    }

    let selects = choices(&state, p, &typed, &filters).await?;
    let error_of = |field: &str| filters.problems.iter().find(|x| x.field == field).map(|x| x.message.clone());
    let selects = selects
        .into_iter()
        .map(|mut s| {
            s.error = error_of(s.id);
            s
        })
        .collect();
    let status = if filters.problems.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let title = if filters.problems.is_empty() { "Termijnen" } else { "Fout: Termijnen" };
    let page = DeadlinesPage {
        layout: Layout::new(title, Some(&person)),
        jaar_error: error_of("jaar"),
        jaar: typed.jaar,
        problems: filters.problems,
        selects,
        rows,
        next_href,
    };
    Ok(html(status, &page, true))
}

/// The choices of the form's selects: municipalities for an administrator (everyone else has their own), the
/// areas the person may see (of the chosen municipality), and the stages and states the person may see.
async fn choices(
    state: &AppState,
    p: &domain::Principal,
    typed: &Typed,
    filters: &Filters,
) -> Result<Vec<Select>, PageError> {
    let conn = state.db.conn();
    let now = state.db.clock().now();
    let choice = |value: String, label: String, typed: &str| Choice { selected: value == typed, value, label };
    let any = |label: &str| Choice { value: String::new(), label: label.to_owned(), selected: false };
    let mut selects = Vec::new();

    match p.access {
        Access::Admin => {
            let mut found = Vec::new();
            let mut after = None;
            loop {
                let page =
                    usecases::municipalities::list(conn, p, now, &MunicipalityFilter::default(), after, BATCH).await?;
                found.extend(page.items);
                match page.next_after {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            found.sort_by(|a, b| a.name.cmp(&b.name));
            let mut options = vec![any("Alle gemeenten")];
            options.extend(found.into_iter().map(|m| choice(m.id.to_string(), m.name, &typed.gemeente)));
            selects.push(Select { id: "gemeente", label: "Gemeente", error: None, choices: options });
        }
        Access::Partner { .. } => {}
        _ => {
            if let Some(own) = filters.municipality_id {
                let m = usecases::municipalities::get(conn, p, now, own).await?;
                let only = Choice { value: own.to_string(), label: m.name, selected: true };
                selects.push(Select { id: "gemeente", label: "Gemeente", error: None, choices: vec![only] });
            }
        }
    }

    let mut areas = Vec::new();
    let filter = AreaFilter { municipality_id: filters.municipality_id, ..Default::default() };
    let mut after = None;
    loop {
        let page = usecases::areas::list(conn, p, now, &filter, after, BATCH).await?;
        areas.extend(page.items);
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    areas.sort_by(|a, b| a.name.cmp(&b.name));
    let mut options = vec![any("Alle gebieden")];
    options.extend(areas.into_iter().map(|a| choice(a.id.to_string(), a.name, &typed.gebied)));
    selects.push(Select { id: "gebied", label: "Gebied", error: None, choices: options });

    let mut options = vec![any("Alle fasen")];
    options.extend(
        visible_stages(domain::access::ReadScope::of(p))
            .iter()
            .map(|s| choice(s.as_str().to_owned(), dutch::stage(*s).to_owned(), &typed.fase)),
    );
    selects.push(Select { id: "fase", label: "Fase", error: None, choices: options });

    let mut options = vec![any("Alle standen")];
    options.extend(
        DeadlineState::ALL
            .iter()
            .map(|s| choice(s.as_str().to_owned(), dutch::deadline_state(*s).to_owned(), &typed.stand)),
    );
    selects.push(Select { id: "stand", label: "Stand", error: None, choices: options });
    Ok(selects)
}
