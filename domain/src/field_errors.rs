//! Problems with input, each tied to the JSON path of the field it is about.

use std::fmt;

/// One problem with one field: `name` is the JSON path (`calendar.planDue`, `localities[2].name`),
/// `code` a stable machine-readable word and `reason` a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub name: String,
    pub code: &'static str,
    pub reason: String,
}

/// All problems found in one input. Parsers push into it and keep going, so a client hears about every
/// problem at once instead of fixing them one round trip at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, name: impl Into<String>, code: &'static str, reason: impl Into<String>) {
        self.0.push(FieldError { name: name.into(), code, reason: reason.into() });
    }

    /// Adds the problems of a nested value, with `prefix` put before their paths.
    pub fn extend_nested(&mut self, prefix: &str, other: FieldErrors) {
        for e in other.0 {
            let name = match (prefix.is_empty(), e.name.is_empty()) {
                (true, _) => e.name,
                (false, true) => prefix.to_owned(),
                (false, false) if e.name.starts_with('[') => format!("{prefix}{}", e.name),
                (false, false) => format!("{prefix}.{}", e.name),
            };
            self.0.push(FieldError { name, ..e });
        }
    }

    pub fn merge(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value)` when nothing was found, else the problems.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }

    /// A single problem, for the common case of one field.
    pub fn single(name: impl Into<String>, code: &'static str, reason: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.push(name, code, reason);
        errors
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.name, e.reason)).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Checks a required text: trimmed, not empty, at most `max` characters.
pub fn check_text(errors: &mut FieldErrors, name: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.push(name, "required", "must not be empty");
    } else if value.chars().count() > max {
        errors.push(name, "too_long", format!("must be at most {max} characters"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_errors_get_the_prefix_before_their_path() {
        let mut inner = FieldErrors::new();
        inner.push("name", "required", "must not be empty");
        inner.push("[1].name", "too_long", "too long");
        inner.push("", "invalid", "bad");
        let mut outer = FieldErrors::new();
        outer.extend_nested("localities", inner);
        let names: Vec<_> = outer.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["localities.name", "localities[1].name", "localities"]);
    }

    #[test]
    fn a_blank_text_is_required_and_a_long_one_too_long() {
        let mut errors = FieldErrors::new();
        check_text(&mut errors, "a", "   ", 10);
        check_text(&mut errors, "b", "elf tekens!", 10);
        check_text(&mut errors, "c", "tien tekens", 11);
        let codes: Vec<_> = errors.iter().map(|e| (e.name.as_str(), e.code)).collect();
        assert_eq!(codes, [("a", "required"), ("b", "too_long")]);
    }
}
