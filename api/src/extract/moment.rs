//! `?at=` (time travel): an RFC 3339 date-time with a zone, read the same way by every operation that takes it,
//! so a malformed one is refused with the same words everywhere; chrono's own ("input contains invalid
//! characters") does not say what is expected.

use chrono::{DateTime, Utc};
use serde::de::{Deserialize, Deserializer, Error};

pub const AT_EXPECTED: &str =
    "expected an RFC 3339 date-time with a time zone, such as 2027-03-01T12:00:00Z (write a + in an offset as %2B)";

/// For `#[serde(default, deserialize_with = "…")]` on an `Option<DateTime<Utc>>` query field.
pub fn at<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let text = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&text).map(|t| Some(t.with_timezone(&Utc))).map_err(|_| D::Error::custom(AT_EXPECTED))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Q {
        #[serde(default, deserialize_with = "at")]
        at: Option<DateTime<Utc>>,
    }

    fn parse(query: &str) -> Result<Option<DateTime<Utc>>, String> {
        serde_urlencoded::from_str::<Q>(query).map(|q| q.at).map_err(|e| e.to_string())
    }

    #[test]
    fn an_rfc_3339_moment_with_a_zone_is_read_as_utc_and_anything_else_says_what_is_expected() {
        assert_eq!(parse("").unwrap(), None);
        let at = parse("at=2027-03-01T13:00:00%2B01:00").unwrap().unwrap();
        assert_eq!(at.to_rfc3339(), "2027-03-01T12:00:00+00:00");
        for bad in ["at=garbage", "at=2027-03-01", "at=2027-03-01T12:00:00", "at=", "at=2027-03-01T12:00:00+01:00"] {
            assert!(parse(bad).unwrap_err().contains("RFC 3339"), "{bad}");
        }
    }
}
