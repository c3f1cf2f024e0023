//! The published shape of a version: a union discriminated by `kind`, one branch per kind of document, each
//! with the content schema of that kind. utoipa derives one shape for `VersionBody` whose `content` is any
//! of the four; this replaces it with the union, so a typed client narrows `content` by `kind`.

use serde_json::json;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};

const KINDS: [(&str, &str, &str); 4] = [
    ("analysis", "AnalysisVersion", "AnalysisContent"),
    ("agenda", "AgendaVersion", "AgendaContent"),
    ("plan", "PlanVersion", "PlanContent"),
    ("monitor", "MonitorVersion", "MonitorContent"),
];

fn schema(value: serde_json::Value) -> RefOr<Schema> {
    serde_json::from_value(value).expect("a schema written here is well formed")
}

pub fn apply(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else { return };
    let mut mapping = serde_json::Map::new();
    let mut branches = vec![];
    for (kind, name, content) in KINDS {
        let branch = json!({
            "description": format!("A version of a document of kind `{kind}`: its content is a {content}."),
            "allOf": [
                {"$ref": "#/components/schemas/VersionSummaryBody"},
                {"type": "object", "required": ["documentId", "kind", "content"], "properties": {
                    "documentId": {"type": "string", "format": "uuid"},
                    "kind": {"type": "string", "enum": [kind]},
                    "content": {"$ref": format!("#/components/schemas/{content}")},
                }},
            ],
        });
        components.schemas.insert(name.to_owned(), schema(branch));
        mapping.insert(kind.to_owned(), json!(format!("#/components/schemas/{name}")));
        branches.push(json!({"$ref": format!("#/components/schemas/{name}")}));
    }
    let union = json!({
        "description": "A version (versie) with its full content; `kind` (the document's) says which content it holds.",
        "oneOf": branches,
        "discriminator": {"propertyName": "kind", "mapping": mapping},
    });
    components.schemas.insert("VersionBody".to_owned(), schema(union));
}
