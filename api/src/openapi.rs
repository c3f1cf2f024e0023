//! The OpenAPI 3.1 document, generated from the handlers' annotations. Conventions that hold for every
//! operation (the bearer token, the problem responses, `API-Version`, `If-Match`, `Idempotency-Key`) are
//! added here once instead of on each handler, so they cannot be forgotten on one.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{HttpMethod, Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::server::ServerBuilder;
use utoipa::openapi::{ContentBuilder, Object, ObjectBuilder, Ref, Required, Type};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    api_tokens, areas, audit_events, check_ins, contribution_imports, contributions, cycles, dashboard,
    deadline_overrides, deadlines, documents, events, municipalities, operations, organisations, partners,
    subscriptions, versions,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gebiedscyclus API",
        version = "1.0.0",
        description = "The gebiedscyclus of Dutch municipalities working gebiedsgericht: per area (gebied) a yearly \
analysis (gebiedsanalyse), a four-yearly agenda (gebiedsagenda) with what each partner contributes, a yearly plan \
(gebiedsplan) and a yearly monitor (gebiedsmonitor). Errors are application/problem+json (RFC 9457) with \
`invalidParams` listing every problem with the input. Changes need `If-Match` with the ETag last read; creates accept \
`Idempotency-Key`. Lists are paged with `pageSize` and an opaque `cursor`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        // The project has no public home or mailbox: the example host of the README stands in for where a
        // deployment serves its docs page, to be replaced by whoever runs the service.
        contact(
            name = "Gebiedscyclus",
            url = "https://gebiedscyclus.example.nl/api/v1/docs/",
            email = "api@gebiedscyclus.example.nl"
        )
    ),
    paths(
        operations::live, operations::ready, operations::metrics, operations::openapi_json,
        municipalities::list, municipalities::create, municipalities::get, municipalities::update, municipalities::delete,
        areas::list, areas::create, areas::get, areas::update, areas::delete,
        partners::list, partners::add, partners::get, partners::update, partners::remove,
        organisations::list, organisations::create, organisations::get, organisations::update, organisations::delete,
        api_tokens::list, api_tokens::create, api_tokens::get, api_tokens::update, api_tokens::revoke,
        audit_events::list,
        events::list,
        subscriptions::list, subscriptions::create, subscriptions::get, subscriptions::update, subscriptions::delete,
        subscriptions::deliveries, subscriptions::ping,
        cycles::get, deadlines::list, dashboard::get,
        deadline_overrides::list, deadline_overrides::create, deadline_overrides::get, deadline_overrides::delete,
        documents::list, documents::create, documents::get, documents::delete, documents::history,
        versions::list, versions::create, versions::get, versions::save, versions::delete,
        versions::transition, versions::history, versions::readiness, versions::diff,
        contributions::list, contributions::create, contributions::get, contributions::update,
        contributions::transition, contributions::history, contribution_imports::import,
        check_ins::list, check_ins::create, check_ins::get,
    ),
    components(schemas(
        crate::error::Problem, crate::error::InvalidParam, events::EventType, versions::DiffFormat,
        domain::content::AnalysisContent, domain::content::AgendaContent,
        domain::content::PlanContent, domain::content::MonitorContent,
    )),
    tags(
        (name = "municipalities", description = "Municipalities (gemeenten) and their cycle calendar (jaarkalender)"),
        (name = "areas", description = "Areas (gebieden), their localities (kernen, wijken) and partners (gebiedspartners)"),
        (name = "organisations", description = "Partner organisations (samenwerkingspartners)"),
        (name = "api-tokens", description = "API tokens with a role and scope"),
        (name = "documents", description = "Cycle documents (gebiedsanalyse, gebiedsagenda, gebiedsplan, gebiedsmonitor), their versions and lifecycle"),
        (name = "contributions", description = "Contributions (bijdragen) of partners to agenda goals, their agreement, lifecycle and check-ins (voortgangsmeldingen)"),
        (name = "deadlines", description = "Deadlines (termijnen) from the cycle calendar and the municipality's dashboard (overzicht)"),
        (name = "audit-events", description = "The audit trail (audittrail)"),
        (name = "events", description = "The feed of domain events (gebeurtenissen), to resume after the last one seen"),
        (name = "subscriptions", description = "Webhook subscriptions (abonnementen): signed deliveries of the events, at least once, with a delivery log (afleverlog)"),
        (name = "operations", description = "Health, metrics and this document"),
    ),
    modifiers(&Conventions, &DesignRules),
)]
struct ApiDoc;

/// The document as served and checked in.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    crate::published_limits::apply(&mut doc);
    crate::version_schema::apply(&mut doc);
    crate::response_fields::apply(&mut doc);
    crate::published_text::apply(&mut doc);
    doc
}

pub fn json() -> String {
    document().to_pretty_json().unwrap_or_default()
}

struct Conventions;

/// The content of a version: which of the four shapes depends on the document's kind.
pub fn content_schema() -> utoipa::openapi::schema::Schema {
    utoipa::openapi::schema::OneOfBuilder::new()
        .item(Ref::from_schema_name("AnalysisContent"))
        .item(Ref::from_schema_name("AgendaContent"))
        .item(Ref::from_schema_name("PlanContent"))
        .item(Ref::from_schema_name("MonitorContent"))
        .description(Some(
            "Content of the version, by the document's kind: gebiedsanalyse (AnalysisContent), gebiedsagenda \
(AgendaContent), gebiedsplan (PlanContent) or gebiedsmonitor (MonitorContent).",
        ))
        .build()
        .into()
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
}

fn string_schema() -> Object {
    ObjectBuilder::new().schema_type(Type::String).build()
}

/// A list of entity tags (RFC 9110 §8.8.3) or `*`, as `If-Match` takes.
const ETAG_LIST_PATTERN: &str = r#"^(\*|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$"#;
/// 1 to 255 visible ASCII characters, no double quote at either end, optionally in one pair of double quotes
/// (the structured-field string form) and with spaces or tabs around it, which HTTP does not count as part of a
/// header's value: exactly what `extract::idempotency` accepts.
const IDEMPOTENCY_KEY_PATTERN: &str = r#"^[ \t]*"?[!#-~]([!-~]{0,253}[!#-~])?"?[ \t]*$"#;

fn header_param(
    name: &str,
    required: bool,
    description: &str,
    pattern: Option<&str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::path::Parameter> {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required { Required::True } else { Required::False })
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).pattern(pattern).build()))
        .build()
        .into()
}

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (`gc_…`), created by an administrator or coordinator"))
                    .build(),
            ),
        );
        openapi.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);

        for (path, item) in openapi.paths.paths.iter_mut() {
            let single = path.ends_with('}');
            let public = !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json";
            for (method, op) in [
                (HttpMethod::Get, item.get.as_mut()),
                (HttpMethod::Post, item.post.as_mut()),
                (HttpMethod::Put, item.put.as_mut()),
                (HttpMethod::Patch, item.patch.as_mut()),
                (HttpMethod::Delete, item.delete.as_mut()),
            ] {
                let Some(op) = op else { continue };
                let transition = method == HttpMethod::Post && path.ends_with("/transitions");
                add_conventions(op, method, single, public, transition);
            }
        }
    }
}

fn add_conventions(op: &mut Operation, method: HttpMethod, single: bool, public: bool, transition: bool) {
    // Only creates (201) are idempotent with a key; transitions are guarded by the state they start from.
    let creates = op.responses.responses.contains_key("201");
    let params = op.parameters.get_or_insert_with(Vec::new);
    match method {
        HttpMethod::Get if single => params.push(header_param(
            "If-None-Match",
            false,
            "ETag of the version the client holds; answered 304 when unchanged (any other value is ignored)",
            None,
        )),
        HttpMethod::Post if creates => params.push(header_param(
            "Idempotency-Key",
            false,
            "Makes a retried create safe: the same key and body return the first response and create nothing new \
(1 to 255 visible ASCII characters, such as a UUID)",
            Some(IDEMPOTENCY_KEY_PATTERN),
        )),
        HttpMethod::Put | HttpMethod::Patch | HttpMethod::Delete => {
            params.push(header_param(
            "If-Match",
            true,
            "The ETag last read; a stale one is answered 412",
            Some(ETAG_LIST_PATTERN),
        ))
        }
        HttpMethod::Post if transition => params.push(header_param(
            "If-Match",
            true,
            "The ETag of the resource last read, so a transition acts on the state the caller saw; a stale one is answered 412",
            Some(ETAG_LIST_PATTERN),
        )),
        _ => {}
    }
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses.entry(status.to_owned()).or_insert_with(|| problem_response(description).into());
    };
    if !public {
        add("400", "Invalid input, query parameter or path id; `invalidParams` lists every problem");
        add("401", "Missing, unknown, revoked or expired token (with WWW-Authenticate)");
        add("403", "The token's role may not do this");
        add("404", "No such resource, or outside the token's scope");
    }
    if matches!(method, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch | HttpMethod::Delete) {
        add("409", "Conflicts with the current state (a duplicate, or something still depends on it)");
    }
    if matches!(method, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch) {
        add("413", "Body larger than 1 MiB");
        add("415", "Body is not JSON");
    }
    if creates {
        add("422", "Idempotency-Key reused for a different request");
    }
    if matches!(method, HttpMethod::Put | HttpMethod::Patch | HttpMethod::Delete) || transition {
        add("412", "If-Match does not match the current ETag");
        add("428", "If-Match is missing");
    }
    if !public {
        add("500", "Internal error; the request id identifies it in the logs");
        add("503", "The database is unavailable");
    }
    if public {
        op.security = Some(vec![SecurityRequirement::default()]);
    }
    for response in op.responses.responses.values_mut() {
        if let utoipa::openapi::RefOr::T(response) = response {
            response.headers.insert(
                "API-Version".into(),
                HeaderBuilder::new()
                    .schema(Some(string_schema()))
                    .description(Some("Version of the API contract"))
                    .build()
                    .into(),
            );
            response.headers.insert(
                "X-Request-Id".into(),
                HeaderBuilder::new()
                    .schema(Some(string_schema()))
                    .description(Some("Id of this request in the logs"))
                    .build()
                    .into(),
            );
        }
    }
}

/// Where version 1 of the API is served. The handlers are annotated with their full paths (so each annotation
/// says where it is routed); the document puts this prefix in `servers`, as the API Design Rules ask
/// (`/core/uri-version`: the major version in the server URL).
const API_BASE: &str = "/api/v1";

/// The NL GOV API Design Rules (ADR 2.2) applied to what utoipa generates: the major version in the server URL
/// and UpperCamelCase schema names. Runs after `Conventions`, which tells the versioned API from the rest by
/// the full paths.
struct DesignRules;

impl Modify for DesignRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.servers = Some(vec![
            ServerBuilder::new().url(API_BASE).description(Some("This service, version 1 of the API")).build(),
        ]);
        let prefix = format!("{API_BASE}/");
        let paths = std::mem::take(&mut openapi.paths.paths);
        for (path, mut item) in paths {
            let path = match path.strip_prefix(&prefix) {
                Some(rest) => format!("/{rest}"),
                // Health and metrics live outside the versioned API: a path-level server keeps them where the
                // service answers them, for clients that resolve each path against its server.
                None => {
                    item.servers = Some(vec![
                        ServerBuilder::new()
                            .url("/")
                            .description(Some("This service's root, outside the versioned API"))
                            .build(),
                    ]);
                    path
                }
            };
            openapi.paths.paths.insert(path, item);
        }
        rename_list_schemas(openapi);
    }
}

/// utoipa names an instance of the generic `ListResponse<T>` `ListResponse_T`, which is not UpperCamelCase
/// (`nlgov:schema-camel-case`); `ListResponse_AreaResponse` becomes `AreaList`. Only the names change: the
/// schemas keep their shape, and every reference follows the new name.
fn rename_list_schemas(openapi: &mut utoipa::openapi::OpenApi) {
    let Some(components) = openapi.components.as_mut() else { return };
    let mut renamed = std::collections::BTreeMap::new();
    let names: Vec<String> = components.schemas.keys().filter(|n| n.starts_with("ListResponse_")).cloned().collect();
    for old in names {
        let item = &old["ListResponse_".len()..];
        let item = item.strip_suffix("Response").or_else(|| item.strip_suffix("Body")).unwrap_or(item);
        let new = format!("{item}List");
        // A clash would silently merge two shapes under one name; the document is built at start and in the
        // drift test, so this fails before any client sees it.
        assert!(!components.schemas.contains_key(&new), "schema {old} would replace the existing {new}");
        if let Some(schema) = components.schemas.remove(&old) {
            components.schemas.insert(new.clone(), schema);
        }
        renamed.insert(format!("#/components/schemas/{old}"), format!("#/components/schemas/{new}"));
    }
    if renamed.is_empty() {
        return;
    }
    // A list is only ever a response body; `openapi/tests` checks that every `$ref` of the document resolves.
    let rename = |content: &mut utoipa::openapi::RefOr<utoipa::openapi::Content>| {
        if let utoipa::openapi::RefOr::T(content) = content
            && let Some(utoipa::openapi::RefOr::Ref(r)) = content.schema.as_mut()
            && let Some(new) = renamed.get(&r.ref_location)
        {
            r.ref_location = new.clone();
        }
    };
    for item in openapi.paths.paths.values_mut() {
        for op in
            [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
        {
            for response in op.responses.responses.values_mut() {
                if let utoipa::openapi::RefOr::T(response) = response {
                    response.content.values_mut().for_each(rename);
                }
            }
        }
    }
}
