//! `/api/v1/municipalities`: municipalities (gemeenten) and their cycle calendars.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::calendar::{self, CalendarInput};
use domain::content::DocumentKind;
use persistence::municipalities::{Municipality, MunicipalityFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::bodies::Kind;
use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, Query};
use crate::pagination::{ListResponse, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::municipalities::{self, MunicipalityChange, NewMunicipality};

/// The cycle calendar (jaarkalender van de gebiedscyclus): when each stage is due and how agenda periods
/// are laid out. Days of the year are `MM-DD`; `02-29` is refused because it does not exist every year.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CalendarBody {
    /// Due day of the gebiedsanalyse of year Y, in year Y.
    #[schema(
        example = "03-01",
        pattern = r"^((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    pub analysis_due: String,
    /// Due day of the gebiedsagenda, in the first year of each agenda period.
    #[schema(
        example = "05-01",
        pattern = r"^((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    pub agenda_due: String,
    /// Due day of the gebiedsplan of year Y, in year Y.
    #[schema(
        example = "07-01",
        pattern = r"^((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    pub plan_due: String,
    /// Due day of the gebiedsmonitor (jaarlijkse evaluatie) of year Y, in year Y + monitorDueYearOffset.
    #[schema(
        example = "03-01",
        pattern = r"^((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    pub monitor_due: String,
    #[schema(example = 1, minimum = 0, maximum = 2)]
    pub monitor_due_year_offset: i32,
    /// A year in which an agenda period starts; periods follow every agendaPeriodYears.
    #[schema(example = 2027, minimum = 2000, maximum = 2100)]
    pub agenda_period_anchor_year: i32,
    #[schema(example = 4, minimum = 1, maximum = 10)]
    pub agenda_period_years: i32,
    /// How many days before its due date a deadline counts as due soon.
    #[schema(example = 30, minimum = 1, maximum = 365)]
    pub due_soon_days: i32,
    /// The kinds of document whose adopted versions anyone may read on the public pages (`/openbaar`), without
    /// signing in (Wet open overheid). Default: agenda, plan and monitor; an analysis only when listed here.
    #[schema(example = json!(["agenda", "plan", "monitor"]))]
    pub public_kinds: Vec<Kind>,
}

impl From<&calendar::Calendar> for CalendarBody {
    fn from(c: &calendar::Calendar) -> Self {
        CalendarBody {
            analysis_due: c.analysis_due.to_string(),
            agenda_due: c.agenda_due.to_string(),
            plan_due: c.plan_due.to_string(),
            monitor_due: c.monitor_due.to_string(),
            monitor_due_year_offset: c.monitor_due_year_offset,
            agenda_period_anchor_year: c.agenda_period_anchor_year,
            agenda_period_years: c.agenda_period_years,
            due_soon_days: c.due_soon_days,
            public_kinds: c.public_kinds.iter().map(|&k| k.into()).collect(),
        }
    }
}

/// Calendar fields to set; fields left out keep their value (on create: the default).
// The patterns admit exactly the days of a common year as MM-DD; 02-29 is refused, as not every year has it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CalendarChange {
    #[schema(
        example = "03-01",
        pattern = r"^((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    pub analysis_due: Option<String>,
    #[schema(
        example = "05-01",
        pattern = r"^((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    pub agenda_due: Option<String>,
    #[schema(
        example = "07-01",
        pattern = r"^((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    pub plan_due: Option<String>,
    #[schema(
        example = "03-01",
        pattern = r"^((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    pub monitor_due: Option<String>,
    #[schema(minimum = 0, maximum = 2)]
    pub monitor_due_year_offset: Option<i64>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub agenda_period_anchor_year: Option<i64>,
    #[schema(minimum = 1, maximum = 10)]
    pub agenda_period_years: Option<i64>,
    #[schema(minimum = 1, maximum = 365)]
    pub due_soon_days: Option<i64>,
    /// The kinds published on the public pages, replacing the list; `[]` publishes nothing.
    #[schema(schema_with = public_kinds_schema)]
    pub public_kinds: Option<Vec<String>>,
}

/// Known document kinds, each once: the domain names any other entry by its position
/// (`calendar.publicKinds[1]`), which a `Vec<Kind>` would leave to serde's first complaint.
fn public_kinds_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::{Type, schema::SchemaType};
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("DocumentKind"))
        .max_items(Some(DocumentKind::ALL.len()))
        .unique_items(true)
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .description(Some("The kinds published on the public pages, replacing the list; `[]` publishes nothing."))
        .examples([serde_json::json!(["analysis", "agenda", "plan", "monitor"])])
        .build()
}

impl CalendarChange {
    fn input(&self) -> CalendarInput {
        CalendarInput {
            analysis_due: self.analysis_due.clone(),
            agenda_due: self.agenda_due.clone(),
            plan_due: self.plan_due.clone(),
            monitor_due: self.monitor_due.clone(),
            monitor_due_year_offset: self.monitor_due_year_offset,
            agenda_period_anchor_year: self.agenda_period_anchor_year,
            agenda_period_years: self.agenda_period_years,
            due_soon_days: self.due_soon_days,
            public_kinds: self.public_kinds.clone(),
        }
    }
}

/// A municipality (gemeente) that runs the gebiedscyclus.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MunicipalityResponse {
    pub id: Uuid,
    #[schema(example = "West Betuwe")]
    pub name: String,
    /// CBS gemeentecode.
    #[schema(example = "GM1960")]
    pub cbs_code: Option<String>,
    pub calendar: CalendarBody,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Municipality> for MunicipalityResponse {
    fn from(m: &Municipality) -> Self {
        MunicipalityResponse {
            id: m.id,
            name: m.name.clone(),
            cbs_code: m.cbs_code.clone(),
            calendar: (&m.calendar).into(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateMunicipality {
    #[schema(example = "Oldambt", max_length = 200, pattern = r"\S")]
    pub name: String,
    #[schema(example = "GM1895", pattern = r"^GM[0-9]{4}$")]
    pub cbs_code: Option<String>,
    pub calendar: Option<CalendarChange>,
}

/// A merge patch: fields left out stay as they are; `cbsCode: null` removes the code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateMunicipality {
    #[schema(max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>, pattern = r"^GM[0-9]{4}$")]
    pub cbs_code: Option<Option<String>>,
    pub calendar: Option<CalendarChange>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MunicipalityQuery {
    /// Only the municipality with this CBS code.
    pub cbs_code: Option<String>,
    /// Only municipalities with exactly this name.
    pub name: Option<String>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

/// List municipalities (gemeenten) visible to the token.
#[utoipa::path(operation_id = "listMunicipalities", get, path = "/api/v1/municipalities", tag = "municipalities", params(MunicipalityQuery),
    responses((status = 200, description = "A page of municipalities", body = ListResponse<MunicipalityResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<MunicipalityQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let filter = MunicipalityFilter { cbs_code: q.cbs_code, name: q.name };
    let page = municipalities::list(state.db.conn(), &p, state.db.clock().now(), &filter, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|m| MunicipalityResponse::from(&m)))))
}

/// Read one municipality (gemeente).
#[utoipa::path(operation_id = "getMunicipality", get, path = "/api/v1/municipalities/{id}", tag = "municipalities",
    params(("id" = Uuid, Path, description = "Municipality id")),
    responses((status = 200, description = "The municipality", body = MunicipalityResponse),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let m = municipalities::get(state.db.conn(), &p, state.db.clock().now(), id).await?;
    Ok(respond::resource(&req, m.revision, &MunicipalityResponse::from(&m)))
}

/// Register a municipality (administrators only).
#[utoipa::path(operation_id = "createMunicipality", post, path = "/api/v1/municipalities", tag = "municipalities", request_body = CreateMunicipality,
    responses((status = 201, description = "Created", body = MunicipalityResponse)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    key: IdempotencyKey,
    body: Body<CreateMunicipality>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let new = NewMunicipality {
        name: input.name.clone(),
        cbs_code: input.cbs_code.clone(),
        calendar: input.calendar.as_ref().map(CalendarChange::input).unwrap_or_default(),
    };
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let m = municipalities::create(tx, &p, new).await?;
        Created::new(&MunicipalityResponse::from(&m), format!("/api/v1/municipalities/{}", m.id), m.revision)
    })
    .await
}

/// Change a municipality's name, CBS code or calendar (its coordinator or an administrator).
#[utoipa::path(operation_id = "updateMunicipality", patch, path = "/api/v1/municipalities/{id}", tag = "municipalities",
    params(("id" = Uuid, Path, description = "Municipality id")),
    request_body(content = UpdateMunicipality, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Changed", body = MunicipalityResponse)))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
    body: Body<UpdateMunicipality>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let change = MunicipalityChange {
        name: input.name.clone(),
        cbs_code: input.cbs_code.clone(),
        calendar: input.calendar.as_ref().map(CalendarChange::input),
    };
    let m = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(municipalities::update(tx, &p, id, &if_match.0, change).await?)
    })
    .await?;
    Ok(respond::changed(m.revision, &MunicipalityResponse::from(&m)))
}

/// Delete a municipality without areas or tokens (administrators only).
#[utoipa::path(operation_id = "deleteMunicipality", delete, path = "/api/v1/municipalities/{id}", tag = "municipalities",
    params(("id" = Uuid, Path, description = "Municipality id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| Ok(municipalities::delete(tx, &p, id, &if_match.0).await?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
