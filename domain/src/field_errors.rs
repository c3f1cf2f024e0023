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

/// At most this many problems are kept; any more are only counted (SPEC §15: one answer lists at most 1,000
/// problems and says how many more there were). A 1 MiB file can hold hundreds of thousands of mistakes, and
/// keeping each would let one request take as much memory as it likes.
pub const MAX_LISTED: usize = 1000;

/// All problems found in one input. Parsers push into it and keep going, so a client hears about every
/// problem at once instead of fixing them one round trip at a time; past [`MAX_LISTED`] they are counted only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    listed: Vec<FieldError>,
    /// Problems found beyond those listed.
    more: usize,
}

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, name: impl Into<String>, code: &'static str, reason: impl Into<String>) {
        self.add(FieldError { name: name.into(), code, reason: reason.into() });
    }

    fn add(&mut self, error: FieldError) {
        if self.is_full() {
            self.more += 1;
        } else {
            self.listed.push(error);
        }
    }

    /// Counts `n` problems found elsewhere and not listed.
    pub fn count_more(&mut self, n: usize) {
        self.more += n;
    }

    /// Adds the problems of a nested value, with `prefix` put before their paths.
    pub fn extend_nested(&mut self, prefix: &str, other: FieldErrors) {
        for e in other.listed {
            let name = match (prefix.is_empty(), e.name.is_empty()) {
                (true, _) => e.name,
                (false, true) => prefix.to_owned(),
                (false, false) if e.name.starts_with('[') => format!("{prefix}{}", e.name),
                (false, false) => format!("{prefix}.{}", e.name),
            };
            self.add(FieldError { name, ..e });
        }
        self.more += other.more;
    }

    pub fn merge(&mut self, other: FieldErrors) {
        self.extend_nested("", other);
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty() && self.more == 0
    }

    /// Whether no more problems are listed, only counted: a check that is expensive may stop looking.
    pub fn is_full(&self) -> bool {
        self.listed.len() >= MAX_LISTED
    }

    /// How many problems were found, listed or not.
    pub fn len(&self) -> usize {
        self.listed.len() + self.more
    }

    /// How many problems were found beyond those listed.
    pub fn more(&self) -> usize {
        self.more
    }

    /// The listed problems.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.listed.iter()
    }

    /// The listed problems and how many more were found.
    pub fn into_parts(self) -> (Vec<FieldError>, usize) {
        (self.listed, self.more)
    }

    /// The listed problems, for callers that know there are only a few.
    pub fn into_vec(self) -> Vec<FieldError> {
        self.listed
    }

    /// `Ok(value)` when nothing was found, else the problems.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(value) } else { Err(self) }
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
        let parts: Vec<String> = self.listed.iter().map(|e| format!("{}: {}", e.name, e.reason)).collect();
        f.write_str(&parts.join("; "))?;
        if self.more > 0 {
            write!(f, "; and {} more", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

/// Whether a text may run over several lines: a name or a title never does, a description or a note may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Whether `c` may not appear in a text (SPEC §15). Control characters (NUL, escape, a bell) break databases
/// (PostgreSQL stores no NUL), logs, terminals and CSV files; the bidirectional overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) make a text read as something it is not (`fdp.exe` shown as `exe.pdf`).
/// Only line breaks (CR, LF) are allowed, and only in a text of [`Lines::Many`].
pub fn is_forbidden_char(c: char, lines: Lines) -> bool {
    let line_break = matches!(c, '\n' | '\r');
    (c.is_control() && !(line_break && lines == Lines::Many))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Why `text` is refused, when it holds a character no text may (see [`is_forbidden_char`]).
pub fn forbidden_chars(text: &str, lines: Lines) -> Option<String> {
    let c = text.chars().find(|&c| is_forbidden_char(c, lines))?;
    Some(match c {
        '\n' | '\r' => "must be one line, without line breaks".to_owned(),
        c if c.is_control() => format!("must not contain control characters (U+{:04X})", c as u32),
        c => format!("must not contain characters that change the writing direction (U+{:04X})", c as u32),
    })
}

/// Checks a text that may be empty: at most `max` characters and none that no text may hold.
pub fn check_optional_text(errors: &mut FieldErrors, name: &str, value: &str, max: usize, lines: Lines) {
    if value.chars().count() > max {
        errors.push(name, "too_long", format!("must be at most {max} characters"));
    } else if let Some(reason) = forbidden_chars(value, lines) {
        errors.push(name, "invalid_text", reason);
    }
}

/// Checks a required text: not blank, at most `max` characters and none that no text may hold.
pub fn check_required_text(errors: &mut FieldErrors, name: &str, value: &str, max: usize, lines: Lines) {
    if value.trim().is_empty() {
        errors.push(name, "required", "must not be empty");
    } else {
        check_optional_text(errors, name, value, max, lines);
    }
}

/// Checks a required text of one line (a name, a title): not blank, at most `max` characters, no line breaks
/// or other control characters.
pub fn check_text(errors: &mut FieldErrors, name: &str, value: &str, max: usize) {
    check_required_text(errors, name, value, max, Lines::One);
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
    fn problems_past_the_limit_are_counted_not_kept() {
        let mut errors = FieldErrors::new();
        for i in 0..MAX_LISTED + 5 {
            errors.push(format!("rows[{i}]"), "bad", "bad");
        }
        assert!(errors.is_full());
        assert_eq!((errors.iter().count(), errors.more(), errors.len()), (MAX_LISTED, 5, MAX_LISTED + 5));
        let mut outer = FieldErrors::single("header", "bad", "bad");
        outer.extend_nested("file", errors);
        assert_eq!((outer.iter().count(), outer.more()), (MAX_LISTED, 6), "the nested count is kept too");
        assert!(outer.iter().all(|e| e.name == "header" || e.name.starts_with("file.rows[")));
    }

    #[test]
    fn control_characters_and_direction_overrides_are_refused_and_line_breaks_only_where_lines_are_many() {
        for bad in
            ["nul\0", "bel\u{7}", "esc\u{1b}[31m", "tab\t", "del\u{7f}", "c1\u{85}", "\u{202E}fdp.exe", "\u{2066}x"]
        {
            assert!(forbidden_chars(bad, Lines::Many).is_some(), "{bad:?}");
            assert!(forbidden_chars(bad, Lines::One).is_some(), "{bad:?}");
        }
        for lines in ["een\ntwee", "een\r\ntwee", "\r"] {
            assert_eq!(forbidden_chars(lines, Lines::Many), None, "{lines:?}");
            assert_eq!(forbidden_chars(lines, Lines::One).as_deref(), Some("must be one line, without line breaks"));
        }
        for fine in ["Wijkagent", "Zuid-Holland – Oost", "café ß € 😀", "עברית", "\u{200F}"] {
            assert_eq!(forbidden_chars(fine, Lines::One), None, "{fine:?}");
        }
    }

    #[test]
    fn a_blank_text_is_required_and_a_long_one_too_long() {
        let mut errors = FieldErrors::new();
        check_text(&mut errors, "a", "   ", 10);
        check_text(&mut errors, "b", "elf tekens!", 10);
        check_text(&mut errors, "c", "tien tekens", 11);
        check_text(&mut errors, "d", "twee\nregels", 20);
        check_required_text(&mut errors, "e", "twee\nregels", 20, Lines::Many);
        check_optional_text(&mut errors, "f", "", 20, Lines::One);
        let codes: Vec<_> = errors.iter().map(|e| (e.name.as_str(), e.code)).collect();
        assert_eq!(codes, [("a", "required"), ("b", "too_long"), ("d", "invalid_text")]);
    }
}
