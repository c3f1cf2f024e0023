//! serde's error messages turned into field errors: the JSON path of the field (the field itself for missing
//! and unknown fields, which serde reports at the enclosing object), a stable code and a reason without serde's
//! line and column noise. Shared by every reader of client input, the JSON body and query extractors and the
//! content of cycle documents.

use domain::FieldError;

/// Turns a serde error at a JSON path into an invalid parameter, naming the field itself for missing and
/// unknown fields (serde reports those at the enclosing object).
pub fn field_error(path: &str, message: &str) -> FieldError {
    let join = |field: &str| if path.is_empty() || path == "." { field.to_owned() } else { format!("{path}.{field}") };
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_owned);
    let (name, code) = if let Some(field) = message.strip_prefix("missing field ").and_then(quoted) {
        (join(&field), "required")
    } else if let Some(field) = message.strip_prefix("unknown field ").and_then(quoted) {
        // serde_path_to_error already puts an unknown field at the end of the path.
        let name = if path == field || path.ends_with(&format!(".{field}")) { path.to_owned() } else { join(&field) };
        (name, "unknown_field")
    } else if message.starts_with("invalid type") {
        (path.to_owned(), "invalid_type")
    } else {
        (path.to_owned(), "invalid_value")
    };
    let name = if name.is_empty() || name == "." { "body".to_owned() } else { name };
    // serde_json appends " at line L column C": useful for syntax errors, noise for field errors.
    let reason = match message.find(" at line ") {
        Some(i) if code != "malformed" => message[..i].to_owned(),
        _ => message.to_owned(),
    };
    FieldError { name, code, reason }
}

#[cfg(test)]
mod tests {
    use super::field_error as serde_param;

    #[test]
    fn missing_and_unknown_fields_are_named_by_their_own_path() {
        let p = serde_param("localities[1]", "missing field `name` at line 1 column 30");
        assert_eq!(
            (p.name.as_str(), p.code, p.reason.as_str()),
            ("localities[1].name", "required", "missing field `name`")
        );
        let p = serde_param("colour", "unknown field `colour`, expected one of `name`, `code`");
        assert_eq!((p.name.as_str(), p.code), ("colour", "unknown_field"));
        let p = serde_param("calendar.colour", "unknown field `colour`, expected one of `planDue`");
        assert_eq!(p.name, "calendar.colour");
    }

    #[test]
    fn wrong_types_are_named_by_the_path_of_the_value() {
        let p = serde_param("calendar.dueSoonDays", "invalid type: string \"x\", expected i64");
        assert_eq!((p.name.as_str(), p.code), ("calendar.dueSoonDays", "invalid_type"));
        let p = serde_param(".", "invalid type: integer `1`, expected struct CreateArea");
        assert_eq!(p.name, "body");
    }
}
