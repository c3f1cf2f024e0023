//! Every text the service takes is published with the rule of SPEC §15 as a pattern: no control character
//! (NUL, escape, a bell, C1 controls) and no direction override or isolate, line breaks aside. The shape check
//! (`crate::shape`) refuses such characters in every text of every body, and the query extractor in every
//! parameter; this makes the document say so, so a client (or a fuzzer) learns the rule from it. A text that
//! must not be blank (`\S`) keeps that rule in the same pattern. Texts with a pattern of their own (codes,
//! keys, URLs) or a format (ids, dates) already admit no such character.

use std::collections::{BTreeMap, BTreeSet};

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// Characters no text may hold: every C0 and C1 control but line feed and carriage return (tab too), DEL, and
/// U+202A–U+202E, U+2066–U+2069.
const FORBIDDEN: &str = r"\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069";

/// Whether a text may hold line breaks: the fields the domain keeps to one line are names, titles, units and
/// the short texts of an analysis and a result (`domain::field_errors::check_text`, `check::short`), by their
/// names in the document (and the reason an area's deadline moved); query parameters are one line too.
#[derive(Clone, Copy)]
enum Lines {
    One,
    Many,
}

const ONE_LINE_FIELDS: [&str; 9] =
    ["name", "title", "unit", "code", "indicator", "reference", "period", "source", "reason"];

fn forbidden(lines: Lines) -> String {
    match lines {
        Lines::One => format!(r"\n\r{FORBIDDEN}"),
        Lines::Many => FORBIDDEN.to_owned(),
    }
}

fn text_pattern(lines: Lines) -> String {
    format!("^[^{}]*$", forbidden(lines))
}

fn not_blank_text_pattern(lines: Lines) -> String {
    let f = forbidden(lines);
    format!(r"^[^{f}]*[^\s{f}][^{f}]*$")
}

fn is_text(schema_type: &SchemaType) -> bool {
    match schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    }
}

/// The names of the component schemas `schema` refers to, directly or through others.
fn referenced(schema: &RefOr<Schema>, components: &BTreeMap<String, RefOr<Schema>>, found: &mut BTreeSet<String>) {
    let schema = match schema {
        RefOr::Ref(r) => {
            let name = r.ref_location.trim_start_matches("#/components/schemas/").to_owned();
            if let Some(target) = components.get(&name)
                && found.insert(name)
            {
                referenced(target, components, found);
            }
            return;
        }
        RefOr::T(schema) => schema,
    };
    let mut each = |s: &RefOr<Schema>| referenced(s, components, found);
    match schema {
        Schema::Object(o) => {
            o.properties.values().for_each(&mut each);
            if let Some(AdditionalProperties::RefOr(extra)) = o.additional_properties.as_deref() {
                each(extra);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &a.items {
                each(items);
            }
        }
        Schema::OneOf(u) => u.items.iter().for_each(&mut each),
        Schema::AllOf(u) => u.items.iter().for_each(&mut each),
        Schema::AnyOf(u) => u.items.iter().for_each(&mut each),
        _ => {}
    }
}

/// Adds the text rule to every text of `schema` that is not a component of its own (those are done once).
fn walk(schema: &mut RefOr<Schema>, lines: Lines) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            if is_text(&o.schema_type) && o.format.is_none() && o.enum_values.is_none() {
                match o.pattern.as_deref() {
                    None => o.pattern = Some(text_pattern(lines)),
                    Some(r"\S") => o.pattern = Some(not_blank_text_pattern(lines)),
                    Some(_) => {}
                }
            }
            for (name, property) in o.properties.iter_mut() {
                walk(property, if ONE_LINE_FIELDS.contains(&name.as_str()) { Lines::One } else { lines });
            }
            if let Some(AdditionalProperties::RefOr(extra)) = o.additional_properties.as_deref_mut() {
                walk(extra, lines);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                walk(items, lines);
            }
        }
        Schema::OneOf(u) => u.items.iter_mut().for_each(|s| walk(s, lines)),
        Schema::AllOf(u) => u.items.iter_mut().for_each(|s| walk(s, lines)),
        Schema::AnyOf(u) => u.items.iter_mut().for_each(|s| walk(s, lines)),
        _ => {}
    }
}

fn operations(doc: &mut OpenApi) -> impl Iterator<Item = &mut Operation> {
    doc.paths.paths.values_mut().flat_map(|item| {
        [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
    })
}

/// What JSON bodies carry: the texts of these are checked by the shape check.
const JSON_BODIES: [&str; 2] = ["application/json", "application/merge-patch+json"];

pub fn apply(doc: &mut OpenApi) {
    let mut bodies: Vec<RefOr<Schema>> = vec![];
    for operation in operations(doc) {
        // Query parameters are one line; headers are the HTTP layer's.
        for parameter in operation.parameters.iter_mut().flatten() {
            if let RefOr::T(parameter) = parameter
                && parameter.parameter_in == ParameterIn::Query
                && let Some(schema) = parameter.schema.as_mut()
            {
                walk(schema, Lines::One);
            }
        }
        if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
            for (media, content) in body.content.iter_mut() {
                if JSON_BODIES.contains(&media.as_str())
                    && let RefOr::T(content) = content
                    && let Some(schema) = content.schema.as_mut()
                {
                    walk(schema, Lines::Many);
                    bodies.push(schema.clone());
                }
            }
        }
    }
    // The components bodies are made of; answers that only show them (a problem's reason) keep no pattern.
    let Some(components) = doc.components.as_mut() else { return };
    let mut names = BTreeSet::new();
    for body in &bodies {
        referenced(body, &components.schemas, &mut names);
    }
    for name in names {
        if let Some(schema) = components.schemas.get_mut(&name) {
            walk(schema, Lines::Many);
        }
    }
}
