//! In the published document, every field an answer always carries is `required`, so a typed client does not
//! have to treat it as optional. utoipa marks a field `Option<T>` optional, but the service writes it as `null`
//! rather than leaving it out, except for the few fields below that are left out when empty.

use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};

/// Fields of answer bodies that are left out when they have no value (`skip_serializing_if`).
/// Keep it in step with the `skip_serializing_if` attributes of the answer bodies: the schema fuzzing in CI
/// fails on a field published as required that an answer leaves out.
const SOMETIMES_ABSENT: [(&str, &str); 5] = [
    ("DocumentBody", "year"),
    ("DocumentBody", "asOf"),
    ("DocumentBody", "inForceVersion"),
    ("CycleBody", "asOf"),
    ("DashboardBody", "asOf"),
];

/// Answer bodies are named `…Body`, `…Response` or `…List`; `LocalityBody` is also a request's item.
fn is_answer(name: &str) -> bool {
    name != "LocalityBody" && (name.ends_with("Body") || name.ends_with("Response") || name.ends_with("List"))
}

pub fn apply(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else { return };
    for (name, schema) in components.schemas.iter_mut().filter(|(name, _)| is_answer(name)) {
        let RefOr::T(schema) = schema else { continue };
        let mut objects = vec![];
        match schema {
            Schema::Object(o) => objects.push(o),
            Schema::AllOf(all) => objects.extend(all.items.iter_mut().filter_map(|item| match item {
                RefOr::T(Schema::Object(o)) => Some(o),
                _ => None,
            })),
            _ => {}
        }
        for object in objects {
            for property in object.properties.keys() {
                let absent = SOMETIMES_ABSENT.contains(&(name.as_str(), property.as_str()));
                if !absent && !object.required.contains(property) {
                    object.required.push(property.clone());
                }
            }
        }
    }
}
