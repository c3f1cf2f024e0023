//! The results of an area's agenda goals over time: what each adopted monitor measured per result key
//! (SPEC §12, "pictures where people look rather than read"). Only adopted monitors count: a draft's numbers
//! are not yet anyone's word.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::Principal;
use domain::content::{Content, DocumentKind};
use persistence::ConnectionTrait;
use uuid::Uuid;

use super::{Result, content, scope_at};

/// One measured value of a result: the year of the monitor that measured it, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub year: i32,
    pub value: f64,
}

/// What the adopted monitors of the area that the principal may read measured, per result key, oldest first.
/// One statement, whatever the number of monitors.
pub async fn over_time<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    area_id: Uuid,
) -> Result<BTreeMap<String, Vec<Measured>>> {
    let monitors =
        persistence::documents::in_force_in_area(conn, scope_at(p, now), area_id, DocumentKind::Monitor).await?;
    let mut found: BTreeMap<String, Vec<Measured>> = BTreeMap::new();
    for (doc, version) in &monitors {
        let Content::Monitor(monitor) = content::stored_content(DocumentKind::Monitor, &version.content)? else {
            continue;
        };
        for value in monitor.goal_assessments.iter().flat_map(|g| &g.result_values) {
            if let Some(v) = value.value {
                found.entry(value.result_key.clone()).or_default().push(Measured { year: doc.period_start, value: v });
            }
        }
    }
    for series in found.values_mut() {
        series.sort_by_key(|m| m.year);
    }
    Ok(found)
}
