//! The shape of client input, checked against the published OpenAPI document: every unknown field, wrong
//! type, unknown enum value, number out of range, text too long or too short, malformed id or date, missing
//! field and text with a control character at once, each named by its JSON path
//! (`goals[2].results[0].direction`).
//!
//! serde stops at the first problem, so a form would need a round trip per mistake (SPEC §9 asks for all of
//! them in one answer). The document clients read is also what their input is held to, so the two cannot
//! disagree. Checking also *repairs*: a value of the wrong type or outside its enum is replaced by a
//! placeholder of the right shape and its path is marked [`Checked::moot`], unknown fields are dropped and
//! missing ones filled in, so the input can still be parsed and the operation can go on to find the problems
//! only it can see (a goal key the agenda lacks, an organisation that is not a partner) without reporting
//! consequences of what was already reported.

use std::collections::HashMap;
use std::sync::OnceLock;

use domain::FieldErrors;
use domain::field_errors::{Lines, forbidden_chars};
use serde_json::{Map, Value};

/// The outcome of a check: the repaired value, the problems, and the paths whose value was replaced.
#[derive(Debug, Default)]
pub struct Checked {
    pub value: Value,
    pub problems: FieldErrors,
    /// Paths whose value is a placeholder: later problems at or below them are consequences, not news.
    pub moot: Vec<String>,
}

impl Checked {
    /// Whether a problem found later at `path` is a consequence of a replaced value.
    pub fn is_moot(&self, path: &str) -> bool {
        self.moot.iter().any(|m| covers(m, path))
    }

    /// The problems of the shape and `later` ones together: a later problem at a path whose value was
    /// replaced is dropped, and where both name the same path the later one, worded by the rule that knows
    /// the field, is kept.
    pub fn merged_with(&self, later: FieldErrors) -> FieldErrors {
        let (later, later_more) = later.into_parts();
        let later: Vec<_> = later.into_iter().filter(|e| !self.is_moot(&e.name)).collect();
        let mut all = FieldErrors::new();
        for e in self.problems.iter().filter(|e| !later.iter().any(|l| l.name == e.name)) {
            all.push(e.name.clone(), e.code, e.reason.clone());
        }
        for e in later {
            all.push(e.name, e.code, e.reason);
        }
        all.count_more(self.problems.more() + later_more);
        all
    }
}

/// Whether `path` is `ancestor` or lies below it.
fn covers(ancestor: &str, path: &str) -> bool {
    ancestor.is_empty()
        || path == ancestor
        || path.strip_prefix(ancestor).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The component schemas of the published document, read once.
fn components() -> &'static Map<String, Value> {
    static COMPONENTS: OnceLock<Map<String, Value>> = OnceLock::new();
    COMPONENTS.get_or_init(|| {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap_or_default();
        doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default()
    })
}

/// Compiled patterns, by their source.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<String, Option<regex::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    let re = cache.entry(pattern.to_owned()).or_insert_with(|| regex::Regex::new(pattern).ok());
    // A pattern this engine cannot compile is not held against the client.
    re.as_ref().is_none_or(|re| re.is_match(text))
}

/// Checks `value` against the component schema `name` (a request type's schema name, `PlanContent`, …).
/// Without such a schema the value passes unchecked.
pub fn check(name: &str, value: Value) -> Checked {
    match components().get(name) {
        Some(schema) => check_against(schema, value),
        None => Checked { value, ..Default::default() },
    }
}

/// Checks `value` against `schema`, whose `$ref`s point into the published components.
pub fn check_against(schema: &Value, mut value: Value) -> Checked {
    let mut out = Checked::default();
    walk(schema, &mut value, "", &mut out);
    out.value = value;
    out
}

fn resolve(schema: &Value) -> &Value {
    let mut schema = schema;
    // A chain of references ends; a cycle of them would be a broken document, cut off here.
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/")) {
            Some(name) => match components().get(name) {
                Some(s) => schema = s,
                None => return &Value::Null,
            },
            None => return schema,
        }
    }
    schema
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() { field.to_owned() } else { format!("{path}.{field}") }
}

fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

fn json_type_fits(t: &str, value: &mut Value) -> bool {
    match (t, &*value) {
        ("null", Value::Null) | ("boolean", Value::Bool(_)) | ("string", Value::String(_)) => true,
        ("array", Value::Array(_)) | ("object", Value::Object(_)) => true,
        ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            if n.is_i64() || n.is_u64() {
                return true;
            }
            // JSON has one number type: `2.0` is the integer 2 (JSON Schema agrees), so it is read as one.
            match n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0) {
                Some(f) => {
                    *value = Value::from(f as i64);
                    true
                }
                None => false,
            }
        }
        _ => false,
    }
}

fn type_word(t: &str) -> &str {
    match t {
        "string" => "a text",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "an object",
        _ => "null",
    }
}

/// A value of the schema's shape, to stand in for one that is missing or of the wrong type.
fn placeholder(schema: &Value) -> Value {
    let schema = resolve(schema);
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return first.clone();
    }
    if let Some(branches) = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array) {
        let mut concrete = branches.iter().filter(|b| types_of(b) != ["null"]);
        return concrete.next().map(placeholder).unwrap_or(Value::Null);
    }
    let types = types_of(schema);
    let t = types.iter().find(|t| **t != "null").or(types.first()).copied().unwrap_or("null");
    match (t, schema.get("format").and_then(Value::as_str)) {
        ("string", Some("uuid")) => Value::from("00000000-0000-0000-0000-000000000000"),
        ("string", Some("date")) => Value::from("2000-01-01"),
        ("string", Some("date-time")) => Value::from("2000-01-01T00:00:00Z"),
        ("string", _) => Value::from(""),
        ("integer", _) => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            Value::from(min.max(0).min(schema.get("maximum").and_then(Value::as_i64).unwrap_or(i64::MAX)))
        }
        ("number", _) => Value::from(0.0),
        ("boolean", _) => Value::Bool(false),
        ("array", _) => Value::Array(vec![]),
        ("object", _) => {
            let mut v = Value::Object(Map::new());
            // Fill what the object requires, so a parse of it succeeds.
            walk(schema, &mut v, "", &mut Checked::default());
            v
        }
        _ => Value::Null,
    }
}

/// Replaces the value at `path` with a placeholder and marks the path moot.
fn replace(schema: &Value, value: &mut Value, path: &str, out: &mut Checked) {
    *value = placeholder(schema);
    out.moot.push(path.to_owned());
}

fn name_of(path: &str) -> String {
    if path.is_empty() { "body".to_owned() } else { path.to_owned() }
}

fn walk(schema: &Value, value: &mut Value, path: &str, out: &mut Checked) {
    let schema = resolve(schema);
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            walk(part, value, path, out);
        }
    }
    if let Some(branches) = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array) {
        let (nulls, concrete): (Vec<&Value>, Vec<&Value>) =
            branches.iter().partition(|b| types_of(resolve(b)) == ["null"]);
        if value.is_null() && !nulls.is_empty() {
            return;
        }
        // A union whose branch depends on something outside the value (a version's content, by its document's
        // kind) is checked by the operation that knows which branch applies.
        if let [one] = concrete.as_slice() {
            walk(one, value, path, out);
        }
        return;
    }
    let types = types_of(schema);
    if !types.is_empty() && !types.iter().any(|t| json_type_fits(t, value)) {
        let expected: Vec<&str> = types.iter().filter(|t| **t != "null").map(|t| type_word(t)).collect();
        let nullable = if types.contains(&"null") { " or null" } else { "" };
        out.problems.push(name_of(path), "invalid_type", format!("must be {}{nullable}", expected.join(" or ")));
        replace(schema, value, path, out);
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        let words: Vec<String> =
            options.iter().map(|o| o.as_str().map(str::to_owned).unwrap_or(o.to_string())).collect();
        out.problems.push(name_of(path), "invalid_value", format!("must be one of: {}", words.join(", ")));
        replace(schema, value, path, out);
        return;
    }
    match value {
        Value::String(text) => check_string(schema, text, path, out, value_is_moot_on_format(schema)),
        Value::Number(_) => check_number(schema, value, path, out),
        Value::Array(items) => {
            let item_schema = schema.get("items");
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && items.len() as u64 > max
            {
                out.problems.push(name_of(path), "too_many", format!("must have at most {max} items"));
            }
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && (items.len() as u64) < min
            {
                out.problems.push(name_of(path), "too_few", format!("must have at least {min} item(s)"));
            }
            if let Some(item_schema) = item_schema {
                for (i, item) in items.iter_mut().enumerate() {
                    walk(item_schema, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        Value::Object(fields) => check_object(schema, fields, path, out),
        _ => {}
    }
}

/// Whether a string of this schema that fails its format is replaced (an id or a date that cannot be
/// parsed at all) rather than kept.
fn value_is_moot_on_format(schema: &Value) -> bool {
    matches!(schema.get("format").and_then(Value::as_str), Some("uuid" | "date" | "date-time"))
}

fn check_string(schema: &Value, text: &mut String, path: &str, out: &mut Checked, replaceable: bool) {
    let format_ok = match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => uuid::Uuid::parse_str(text).is_ok(),
        Some("date") => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        _ => true,
    };
    if !format_ok {
        let (code, what) = match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => ("invalid_uuid", "a UUID"),
            Some("date") => ("invalid_date", "a date as YYYY-MM-DD"),
            _ => ("invalid_date_time", "an RFC 3339 date-time with a zone, such as 2027-03-01T09:00:00Z"),
        };
        out.problems.push(name_of(path), code, format!("'{}' is not {what}", excerpt(text)));
        if replaceable {
            let mut v = Value::String(std::mem::take(text));
            replace(schema, &mut v, path, out);
            *text = v.as_str().unwrap_or_default().to_owned();
        }
        return;
    }
    let length = text.chars().count() as u64;
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && length > max
    {
        out.problems.push(name_of(path), "too_long", format!("must be at most {max} characters ({length} given)"));
        return;
    }
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && length < min
    {
        out.problems.push(name_of(path), "too_short", format!("must be at least {min} character(s)"));
        return;
    }
    // Every text of every body, whatever its schema says. Whether line breaks belong in it is for the rule
    // that knows the field (a name is one line); the value is replaced, so nothing carries a NUL to the store.
    if let Some(reason) = forbidden_chars(text, Lines::Many) {
        out.problems.push(name_of(path), "invalid_text", reason);
        let mut v = Value::String(std::mem::take(text));
        replace(schema, &mut v, path, out);
        *text = v.as_str().unwrap_or_default().to_owned();
        return;
    }
    // A text the document keeps to one line (`crate::published_text`): say so in words, not as a pattern.
    if schema.get("pattern").and_then(Value::as_str).is_some_and(|p| p.starts_with(r"^[^\n\r"))
        && let Some(reason) = forbidden_chars(text, Lines::One)
    {
        out.problems.push(name_of(path), "invalid_text", reason);
        return;
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && !pattern_matches(pattern, text)
    {
        let reason = match pattern {
            r"\S" => "must not be empty".to_owned(),
            _ => format!("'{}' does not have the form {pattern}", excerpt(text)),
        };
        let code = if pattern == r"\S" { "required" } else { "invalid_format" };
        out.problems.push(name_of(path), code, reason);
    }
}

fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        short.push('…');
    }
    short
}

fn check_number(schema: &Value, value: &mut Value, path: &str, out: &mut Checked) {
    let Some(n) = value.as_f64() else { return };
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    let below =
        min.is_some_and(|m| n < m) || schema.get("exclusiveMinimum").and_then(Value::as_f64).is_some_and(|m| n <= m);
    let above =
        max.is_some_and(|m| n > m) || schema.get("exclusiveMaximum").and_then(Value::as_f64).is_some_and(|m| n >= m);
    let int32 = schema.get("format").and_then(Value::as_str) == Some("int32")
        && !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&n);
    if !(below || above || int32) {
        return;
    }
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!("must be between {} and {}", number(lo), number(hi)),
        (Some(lo), None) => format!("must be at least {}", number(lo)),
        (None, Some(hi)) => format!("must be at most {}", number(hi)),
        (None, None) => "is out of range".to_owned(),
    };
    out.problems.push(name_of(path), "out_of_range", range);
    // A number the field's type cannot hold would fail the parse: a bound stands in for it. Any other stays,
    // so the rule that knows the field words the problem and nothing follows from a made-up value.
    let holdable = if int32 { false } else { !types_of(schema).contains(&"integer") || value.is_i64() };
    if !holdable {
        let bound = if n < 0.0 { min.unwrap_or(f64::from(i32::MIN)) } else { max.unwrap_or(f64::from(i32::MAX)) };
        *value = Value::from(bound as i64);
        out.moot.push(path.to_owned());
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

fn check_object(schema: &Value, fields: &mut Map<String, Value>, path: &str, out: &mut Checked) {
    let properties = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties");
    let names: Vec<String> = fields.keys().cloned().collect();
    for name in names {
        let field_path = join(path, &name);
        match properties.and_then(|p| p.get(&name)) {
            Some(property) => {
                if let Some(v) = fields.get_mut(&name) {
                    walk(property, v, &field_path, out);
                }
            }
            None => match additional {
                Some(Value::Bool(false)) => {
                    let known: Vec<&str> =
                        properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                    let reason = if known.is_empty() {
                        "is not a field here".to_owned()
                    } else {
                        format!("is not a field here; the fields are {}", known.join(", "))
                    };
                    out.problems.push(field_path, "unknown_field", reason);
                    fields.remove(&name);
                }
                Some(extra @ Value::Object(_)) => {
                    if let Some(v) = fields.get_mut(&name) {
                        walk(extra, v, &field_path, out);
                    }
                }
                _ => {}
            },
        }
    }
    for required in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        if !fields.contains_key(required) {
            let field_path = join(path, required);
            out.problems.push(field_path.clone(), "required", "is required");
            let property = properties.and_then(|p| p.get(required)).unwrap_or(&Value::Null);
            fields.insert(required.to_owned(), placeholder(property));
            out.moot.push(field_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn names(c: &Checked) -> Vec<String> {
        c.problems.iter().map(|e| format!("{}:{}", e.name, e.code)).collect()
    }

    #[test]
    fn every_problem_of_an_area_is_named_at_once() {
        let c = check(
            "CreateArea",
            json!({"municipalityId": "nope", "name": "x".repeat(300), "code": "lower case",
                   "localities": [{"name": 5}], "colour": "red", "validFrom": "1 maart"}),
        );
        let mut found = names(&c);
        found.sort();
        assert_eq!(
            found,
            [
                "code:invalid_format",
                "colour:unknown_field",
                "localities[0].name:invalid_type",
                "municipalityId:invalid_uuid",
                "name:too_long",
                "validFrom:invalid_date"
            ]
        );
        assert!(c.is_moot("municipalityId") && c.is_moot("localities[0].name") && !c.is_moot("name"));
        assert!(c.value.get("colour").is_none(), "unknown fields are dropped");
        assert_eq!(c.value["municipalityId"], "00000000-0000-0000-0000-000000000000");
    }

    #[test]
    fn a_missing_field_is_required_and_filled_in() {
        let c = check("CreateCheckIn", json!({"date": "2027-03-01", "progressPercent": 140.0}));
        assert_eq!(names(&c), ["progressPercent:out_of_range", "confidence:required"]);
        assert_eq!(c.value["progressPercent"], 140, "a number its type can hold is kept for the rules to word");
        let c = check("CreateCheckIn", json!({"date": "2027-03-01", "progressPercent": 1e12, "confidence": "at_risk"}));
        assert_eq!(names(&c), ["progressPercent:out_of_range"]);
        assert_eq!(c.value["progressPercent"], 100, "one it cannot hold is replaced");
        assert!(c.is_moot("progressPercent"));
        assert!(c.value["confidence"].is_string());
    }

    #[test]
    fn an_unknown_enum_value_is_named_with_the_values_there_are() {
        let c = check("CreateCheckIn", json!({"date": "2027-03-01", "progressPercent": 4, "confidence": "great"}));
        assert_eq!(names(&c), ["confidence:invalid_value"]);
        assert!(c.problems.iter().next().is_some_and(|e| e.reason.contains("on_track")));
    }

    #[test]
    fn a_text_with_a_control_character_is_refused_and_replaced_and_line_breaks_pass() {
        let c = check("CreateMunicipality", json!({"name": "Nul\u{0}teken"}));
        assert_eq!(names(&c), ["name:invalid_text"]);
        assert_eq!(c.value["name"], "", "no NUL goes on to the operation");
        assert!(c.is_moot("name"));
        let c = check("CreateMunicipality", json!({"name": "Omgekeerd \u{202E}fdp.exe"}));
        assert_eq!(names(&c), ["name:invalid_text"]);
        let c = check("CreateMunicipality", json!({"name": "Twee\r\nregels"}));
        assert_eq!(names(&c), ["name:invalid_text"], "a name is one line, as the document says");
        let c = check("CreateContribution", json!({"title": "Schouw", "description": "Twee\r\nregels"}));
        assert!(!c.problems.iter().any(|e| e.name == "description"), "a description may have several lines");
    }

    #[test]
    fn an_integer_written_with_a_fraction_of_zero_is_an_integer() {
        let c = check("CreateCheckIn", json!({"date": "2027-03-01", "progressPercent": 40.0, "confidence": "at_risk"}));
        assert!(c.problems.is_empty());
        assert!(c.value["progressPercent"].is_i64());
    }

    #[test]
    fn later_problems_under_a_replaced_value_are_dropped_and_the_rule_words_a_shared_path() {
        let mut c = Checked::default();
        c.problems.push("name", "too_long", "schema words");
        c.problems.push("kind", "invalid_value", "must be one of …");
        c.moot.push("kind".into());
        let mut later = FieldErrors::new();
        later.push("name", "too_long", "rule words");
        later.push("kind", "required", "a consequence");
        later.push("goalKey", "unknown_goal", "news");
        let merged: Vec<String> = c.merged_with(later).iter().map(|e| format!("{}:{}", e.name, e.reason)).collect();
        assert_eq!(merged, ["kind:must be one of …", "name:rule words", "goalKey:news"]);
    }
}
