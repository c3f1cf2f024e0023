//! Every text the service takes is published with the rule of SPEC §15 as a pattern: no control character
//! (NUL, escape, a bell, C1 controls) and no direction override or isolate, line breaks aside. The shape check
//! (`crate::shape`) refuses such characters in every text of every body, and the query extractor in every
//! parameter; this makes the document say so, so a client (or a fuzzer) learns the rule from it. A text that
//! must not be blank (`\S`) keeps that rule in the same pattern. Texts with a pattern of their own (codes,
//! keys, URLs) or a format (ids, dates) already admit no such character.

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// Characters no text may hold: every C0 and C1 control but line feed and carriage return (tab too), DEL, and
/// U+202A–U+202E, U+2066–U+2069.
const FORBIDDEN: &str = r"\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069";

fn text_pattern() -> String {
    format!("^[^{FORBIDDEN}]*$")
}

fn not_blank_text_pattern() -> String {
    format!(r"^[^{FORBIDDEN}]*[^\s{FORBIDDEN}][^{FORBIDDEN}]*$")
}

fn is_text(schema_type: &SchemaType) -> bool {
    match schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    }
}

fn walk(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            if is_text(&o.schema_type) && o.format.is_none() && o.enum_values.is_none() {
                match o.pattern.as_deref() {
                    None => o.pattern = Some(text_pattern()),
                    Some(r"\S") => o.pattern = Some(not_blank_text_pattern()),
                    Some(_) => {}
                }
            }
            o.properties.values_mut().for_each(walk);
            if let Some(extra) = o.additional_properties.as_deref_mut()
                && let AdditionalProperties::RefOr(extra) = extra
            {
                walk(extra);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                walk(items);
            }
        }
        Schema::OneOf(u) => u.items.iter_mut().for_each(walk),
        Schema::AllOf(u) => u.items.iter_mut().for_each(walk),
        Schema::AnyOf(u) => u.items.iter_mut().for_each(walk),
        _ => {}
    }
}

fn operations(doc: &mut OpenApi) -> impl Iterator<Item = &mut Operation> {
    doc.paths.paths.values_mut().flat_map(|item| {
        [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
    })
}

pub fn apply(doc: &mut OpenApi) {
    if let Some(components) = doc.components.as_mut() {
        components.schemas.values_mut().for_each(walk);
    }
    for operation in operations(doc) {
        for parameter in operation.parameters.iter_mut().flatten() {
            if let RefOr::T(parameter) = parameter
                && let Some(schema) = parameter.schema.as_mut()
            {
                walk(schema);
            }
        }
        if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
            for content in body.content.values_mut() {
                if let RefOr::T(content) = content
                    && let Some(schema) = content.schema.as_mut()
                {
                    walk(schema);
                }
            }
        }
    }
}
