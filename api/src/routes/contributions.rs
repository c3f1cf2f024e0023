//! `/api/v1/contributions`: what partner organisations commit to the goals of an area agenda (bijdragen),
//! their two-sided agreement and lifecycle (SPEC §6). The list is also served as CSV, in the format the
//! import reads.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::contribution::{self as dc, ContributionAction, ContributionStatus, Terms};
use persistence::contributions::{self as store, Contribution, ContributionFilter, ContributionTransition};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::bodies::{ActorBody, CheckInBody, Confidence};
use crate::contribution_csv;
use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, Query};
use crate::pagination::{ListResponse, MAX_PAGE_SIZE, encode_cursor, list_response, next_link, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::contributions::{self, Proposal, TermsChange};

/// What is promised: inzet van mensen (capacity), geld (funding), een activiteit, gegevens (data), een
/// voorziening (facility) of iets anders.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Capacity,
    Funding,
    Activity,
    Data,
    Facility,
    Other,
}
mirror!(Kind, dc::ContributionKind, [Capacity, Funding, Activity, Data, Facility, Other]);

/// Status of a contribution: voorgesteld (proposed), toegezegd (committed), in uitvoering (in_progress),
/// geleverd (delivered), deels geleverd (partially_delivered), niet geleverd (not_delivered), ingetrokken
/// (withdrawn).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Proposed,
    Committed,
    InProgress,
    Delivered,
    PartiallyDelivered,
    NotDelivered,
    Withdrawn,
}
mirror!(
    Status,
    ContributionStatus,
    [Proposed, Committed, InProgress, Delivered, PartiallyDelivered, NotDelivered, Withdrawn]
);

/// The side of the agreement: de gemeente (municipality) or de partner.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Municipality,
    Partner,
}
mirror!(Side, dc::Side, [Municipality, Partner]);

/// Lifecycle action: akkoord geven (agree), starten (start), leveren (deliver), deels leveren
/// (partially_deliver), niet leveren (not_deliver), intrekken (withdraw).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Agree,
    Start,
    Deliver,
    PartiallyDeliver,
    NotDeliver,
    Withdraw,
}
mirror!(Action, ContributionAction, [Agree, Start, Deliver, PartiallyDeliver, NotDeliver, Withdraw]);

/// A step in a contribution's history: one of the lifecycle actions, or `change_terms`, a change of the
/// agreed terms that made it a proposal again (voorwaarden gewijzigd).
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ContributionStep {
    Agree,
    Start,
    Deliver,
    PartiallyDeliver,
    NotDeliver,
    Withdraw,
    ChangeTerms,
}
mirror!(
    ContributionStep,
    domain::contribution::lifecycle::Step,
    [Agree, Start, Deliver, PartiallyDeliver, NotDeliver, Withdraw, ChangeTerms]
);

/// A contribution (bijdrage): a partner organisation's commitment to one goal of an area agenda.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContributionBody {
    pub id: Uuid,
    /// The agenda (gebiedsagenda) document whose goal this serves.
    pub agenda_document_id: Uuid,
    pub area_id: Uuid,
    pub municipality_id: Uuid,
    /// Key of the agenda goal (doel).
    #[schema(example = "veiligheid")]
    pub goal_key: String,
    /// The partner organisation that contributes.
    pub organisation_id: Uuid,
    #[schema(example = "Wijkagent twee dagdelen per week in de kern")]
    pub title: String,
    pub description: String,
    pub kind: Kind,
    /// How much, in `unit`.
    #[schema(example = 0.2)]
    pub amount: Option<f64>,
    #[schema(example = "fte")]
    pub unit: Option<String>,
    /// When it is to be delivered (opleverdatum).
    pub due_date: Option<NaiveDate>,
    pub status: Status,
    /// The side whose proposal is on the table; the other side agrees to it.
    pub proposed_by: Side,
    /// When it was last agreed to (toegezegd).
    pub committed_at: Option<DateTime<Utc>>,
    /// Withdrawn after both sides had agreed: a promise broken, which the dashboard shows.
    pub withdrawn_after_commitment: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: ActorBody,
    pub updated_at: DateTime<Utc>,
    /// The latest progress report (voortgangsmelding): the one of the latest date, of those the one recorded
    /// last; null before the first.
    pub latest_check_in: Option<CheckInBody>,
}

impl From<&Contribution> for ContributionBody {
    fn from(c: &Contribution) -> Self {
        ContributionBody {
            id: c.id,
            agenda_document_id: c.agenda_document_id,
            area_id: c.area_id,
            municipality_id: c.municipality_id,
            goal_key: c.goal_key.clone(),
            organisation_id: c.organisation_id,
            title: c.title.clone(),
            description: c.description.clone(),
            kind: c.kind.into(),
            amount: c.amount,
            unit: c.unit.clone(),
            due_date: c.due_date,
            status: c.status.into(),
            proposed_by: c.proposed_by.into(),
            committed_at: c.committed_at,
            withdrawn_after_commitment: c.withdrawn_after_commitment,
            created_at: c.created_at,
            created_by: (&c.created_by).into(),
            updated_at: c.updated_at,
            latest_check_in: c.latest_check_in.as_ref().map(Into::into),
        }
    }
}

/// A proposal (voorstel): by a partner for its own organisation, or by the municipality for a partner of the
/// area. The other side agrees to it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateContribution {
    pub agenda_document_id: Uuid,
    /// A goal of the agenda's open or in-force version.
    #[schema(max_length = 32, pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    pub goal_key: String,
    pub organisation_id: Uuid,
    #[schema(max_length = 200, pattern = r"\S")]
    pub title: String,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    pub kind: Kind,
    #[schema(minimum = 0, maximum = 1e12)]
    pub amount: Option<f64>,
    /// Required with an amount (fte, euro, uur per week).
    #[schema(max_length = 50)]
    pub unit: Option<String>,
    /// Opleverdatum, in the years 2000 to 2100.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-")]
    pub due_date: Option<NaiveDate>,
}

/// A merge patch of the terms. Changing the goal, title, amount, unit or due date of an agreed contribution
/// makes it a proposal again, by the side that changed it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateContribution {
    #[schema(max_length = 32, pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    pub goal_key: Option<String>,
    #[schema(max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    pub kind: Option<Kind>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 1e12)]
    pub amount: Option<Option<f64>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    /// Opleverdatum, in the years 2000 to 2100.
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(20[0-9]{2}|2100)-")]
    pub due_date: Option<Option<NaiveDate>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContributionQuery {
    pub organisation_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    pub agenda_document_id: Option<Uuid>,
    pub goal_key: Option<String>,
    pub status: Option<Status>,
    /// Only contributions due before this date (opleverdatum vóór).
    pub due_before: Option<NaiveDate>,
    /// Only contributions withdrawn after they were agreed to (or only the others).
    pub withdrawn_after_commitment: Option<bool>,
    /// Only contributions whose latest check-in (voortgangsmelding) says this; one without a check-in
    /// matches none.
    pub confidence: Option<Confidence>,
    /// Results per page, 1 to 200 (default 50); a CSV export (`Accept: text/csv`) takes 1 to 10000 (default
    /// 10000) beyond this schema's maximum, which is the JSON list's.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransitionRequest {
    pub action: Action,
    /// Why; required for `withdraw`.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// One step in a contribution's history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransitionBody {
    pub action: ContributionStep,
    pub from: Status,
    pub to: Status,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    pub actor: ActorBody,
}

impl From<&ContributionTransition> for TransitionBody {
    fn from(t: &ContributionTransition) -> Self {
        TransitionBody {
            action: t.action.into(),
            from: t.from.into(),
            to: t.to.into(),
            note: t.note.clone(),
            at: t.at,
            actor: (&t.actor).into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionList {
    pub results: Vec<TransitionBody>,
}

/// A CSV export holds a whole list for a spreadsheet, not a screenful.
pub const CSV_MAX_ROWS: u64 = 10_000;

/// Whether the client asked for CSV: `Accept` ranks `text/csv` above JSON.
fn wants_csv(req: &HttpRequest) -> Result<bool, ApiError> {
    let Some(accept) = req.get_header::<header::Accept>() else { return Ok(false) };
    for mime in accept.ranked() {
        match (mime.type_().as_str(), mime.subtype().as_str()) {
            ("text", "csv") | ("text", "*") => return Ok(true),
            ("application", "json") | ("application", "*") | ("*", "*") => return Ok(false),
            _ => {}
        }
    }
    Err(ApiError::NotAcceptable("This list is served as application/json or text/csv.".into()))
}

/// List contributions visible to the token, as JSON or, with `Accept: text/csv`, as CSV in the import format.
#[utoipa::path(operation_id = "listContributions", get, path = "/api/v1/contributions", tag = "contributions",
    params(ContributionQuery),
    responses((status = 200, description = "A page of contributions (bijdragen)", content(
        (ListResponse<ContributionBody> = "application/json"),
        (String = "text/csv", example = json!("id,agendaDocumentId,goalKey,goalTitle,organisationId,organisationName,title,...\r\n"))),
        headers(("Content-Disposition" = String,
            description = "With text/csv: `attachment; filename=\"contributions-<date>.csv\"`. A text cell that a spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage return) or that starts with ' is written with a ' in front; the import takes it off again."))),
        (status = 406, description = "Accept names neither JSON nor CSV", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<ContributionQuery>,
) -> Result<HttpResponse, ApiError> {
    let csv = wants_csv(&req)?;
    let (limit, after) = if csv {
        let size = q.page_size.unwrap_or(CSV_MAX_ROWS);
        if !(1..=CSV_MAX_ROWS).contains(&size) {
            return Err(ApiError::invalid_one(
                "pageSize",
                "out_of_range",
                format!("must be between 1 and {CSV_MAX_ROWS}"),
            ));
        }
        let (_, after) = page_params(Some(MAX_PAGE_SIZE.min(size)), q.cursor.as_deref())?;
        (size, after)
    } else {
        page_params(q.page_size, q.cursor.as_deref())?
    };
    let filter = ContributionFilter {
        organisation_id: q.organisation_id,
        municipality_id: q.municipality_id,
        area_id: q.area_id,
        agenda_document_id: q.agenda_document_id,
        goal_key: q.goal_key.clone(),
        status: q.status.map(Into::into),
        due_before: q.due_before,
        withdrawn_after_commitment: q.withdrawn_after_commitment,
        confidence: q.confidence.map(Into::into),
    };
    let (conn, now) = (state.db.conn(), state.db.clock().now());
    let page = contributions::list(conn, &p, now, &state.contributions, &filter, after, limit).await?;
    if csv {
        let names = contributions::names(conn, &p, &page.items).await?;
        let body = contribution_csv::write(&page.items, &names);
        let mut response = HttpResponse::Ok();
        response.insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"));
        // A download, never a page: a browser that shows it inline would render what a partner typed.
        let day = state.db.clock().now().format("%Y-%m-%d");
        response
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"contributions-{day}.csv\"")));
        if let Some(after) = page.next_after {
            let next = next_link(&req, &encode_cursor(after));
            response.insert_header((header::LINK, format!("<{next}>; rel=\"next\"")));
        }
        return Ok(response.body(body));
    }
    Ok(HttpResponse::Ok().json(list_response(&req, page.map_ref(|c| ContributionBody::from(c)))))
}

/// Read one contribution.
#[utoipa::path(operation_id = "getContribution", get, path = "/api/v1/contributions/{id}", tag = "contributions",
    params(("id" = Uuid, Path, description = "Contribution id")),
    responses((status = 200, description = "The contribution", body = ContributionBody),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let c = contributions::get(state.db.conn(), &p, state.db.clock().now(), id).await?;
    Ok(respond::resource(&req, c.tag(), &ContributionBody::from(&c)))
}

/// Propose a contribution (a partner for its own organisation; the coordinator or an area editor for a
/// partner of the area). It starts as `proposed`; the other side agrees to it.
#[utoipa::path(operation_id = "createContribution", post, path = "/api/v1/contributions", tag = "contributions",
    request_body = CreateContribution,
    responses((status = 201, description = "The proposed contribution", body = ContributionBody)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    key: IdempotencyKey,
    body: Body<CreateContribution>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let proposal = Proposal {
        agenda_document_id: input.agenda_document_id,
        organisation_id: input.organisation_id,
        terms: Terms {
            goal_key: input.goal_key.clone(),
            title: input.title.clone(),
            description: input.description.clone().unwrap_or_default(),
            kind: input.kind.into(),
            amount: input.amount,
            unit: input.unit.clone(),
            due_date: input.due_date,
        },
    };
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let c = contributions::propose(tx, &p, proposal).await?;
        Created::new(&ContributionBody::from(&c), store::path(c.id), c.revision)
    })
    .await
}

/// Change the terms (If-Match). A substantive change to an agreed contribution makes it a proposal again.
#[utoipa::path(operation_id = "updateContribution", patch, path = "/api/v1/contributions/{id}", tag = "contributions",
    params(("id" = Uuid, Path, description = "Contribution id")),
    request_body(content = UpdateContribution, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Changed", body = ContributionBody)))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
    body: Body<UpdateContribution>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let change = TermsChange {
        goal_key: input.goal_key.clone(),
        title: input.title.clone(),
        description: input.description.clone(),
        kind: input.kind.map(Into::into),
        amount: input.amount,
        unit: input.unit.clone(),
        due_date: input.due_date,
    };
    let c = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(contributions::update(tx, &p, id, &if_match.0, change).await?)
    })
    .await?;
    Ok(respond::changed(c.tag(), &ContributionBody::from(&c)))
}

/// Agree to, start, deliver (fully, partially, not) or withdraw a contribution (If-Match). The side that
/// proposed cannot agree to its own proposal; withdrawing needs a note.
#[utoipa::path(operation_id = "transitionContribution", post, path = "/api/v1/contributions/{id}/transitions", tag = "contributions",
    params(("id" = Uuid, Path, description = "Contribution id")),
    request_body = TransitionRequest,
    responses((status = 200, description = "The contribution after the transition", body = ContributionBody)))]
pub async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
    body: Body<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let action: ContributionAction = body.value.action.into();
    let c = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(contributions::transition(tx, &p, id, &if_match.0, action, body.value.note.as_deref()).await?)
    })
    .await?;
    Ok(respond::changed(c.tag(), &ContributionBody::from(&c)))
}

/// The history of a contribution: every transition with who, when, from, to and note.
#[utoipa::path(operation_id = "listContributionTransitions", get, path = "/api/v1/contributions/{id}/transitions", tag = "contributions",
    params(("id" = Uuid, Path, description = "Contribution id")),
    responses((status = 200, description = "The transitions, oldest first", body = TransitionList)))]
pub async fn history(state: web::Data<AppState>, Auth(p): Auth, PathId(id): PathId) -> Result<HttpResponse, ApiError> {
    let transitions = contributions::history(state.db.conn(), &p, state.db.clock().now(), id).await?;
    Ok(HttpResponse::Ok().json(TransitionList { results: transitions.iter().map(Into::into).collect() }))
}
