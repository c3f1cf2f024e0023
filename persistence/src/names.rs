//! The names people recognise, looked up for a page of ids at once: areas, organisations, contributions and
//! the goals of agendas. Lists that show ids (deadlines, area partners, the CSV export) show these beside
//! them, at one statement per kind of name for a whole page, never one per row.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entity::{area, contribution, organisation, version};
use crate::error::StoreError;

fn distinct(ids: &[Uuid]) -> Vec<Uuid> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The names of these areas. One statement.
pub async fn areas<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = area::Entity::find()
        .select_only()
        .columns([area::Column::Id, area::Column::Name])
        .filter(area::Column::Id.is_in(distinct(ids)))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The names of these organisations. One statement.
pub async fn organisations<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::Id, organisation::Column::Name])
        .filter(organisation::Column::Id.is_in(distinct(ids)))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// What a contribution is called and which goal it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionLabel {
    pub title: String,
    pub agenda_document_id: Uuid,
    pub goal_key: String,
}

/// The titles and goals of these contributions. One statement.
pub async fn contributions<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, ContributionLabel>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String, Uuid, String)> = contribution::Entity::find()
        .select_only()
        .columns([
            contribution::Column::Id,
            contribution::Column::Title,
            contribution::Column::AgendaDocumentId,
            contribution::Column::GoalKey,
        ])
        .filter(contribution::Column::Id.is_in(distinct(ids)))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, agenda_document_id, goal_key)| {
            (id, ContributionLabel { title, agenda_document_id, goal_key })
        })
        .collect())
}

/// The title of each goal of these agendas, by (agenda, goal key): as the version in force words it, else as
/// the latest version that has the goal. Drafts count only when `with_drafts` (a partner never reads one).
/// One statement.
pub async fn goal_titles<C: ConnectionTrait>(
    conn: &C,
    agenda_ids: &[Uuid],
    with_drafts: bool,
) -> Result<HashMap<(Uuid, String), String>, StoreError> {
    if agenda_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let statuses: &[&str] = if with_drafts {
        &["adopted", "submitted", "superseded", "draft"]
    } else {
        &["adopted", "submitted", "superseded"]
    };
    // Only each goal's key and title leave the database, as a small JSON array of pairs: an agenda's content is
    // mostly its goals' descriptions and results, and reading it whole (some 3 kB a version, for every version
    // of every agenda on a page of deadlines) was most of the municipality overview's work.
    let goal_pairs = match conn.get_database_backend() {
        DbBackend::Postgres => {
            "CAST((SELECT jsonb_agg(jsonb_build_array(g->'key', g->'title')) FROM jsonb_array_elements( \
               CASE WHEN jsonb_typeof(\"versions\".\"content\"->'goals') = 'array' \
               THEN \"versions\".\"content\"->'goals' ELSE '[]'::jsonb END) g) AS TEXT)"
        }
        _ => {
            "(SELECT json_group_array(json_array(json_extract(g.value, '$.key'), json_extract(g.value, '$.title'))) \
               FROM json_each(CASE WHEN json_type(\"versions\".\"content\", '$.goals') = 'array' \
               THEN json_extract(\"versions\".\"content\", '$.goals') ELSE '[]' END) g)"
        }
    };
    let mut rows: Vec<(Uuid, i32, String, Option<String>)> = version::Entity::find()
        .select_only()
        .columns([version::Column::DocumentId, version::Column::Number, version::Column::Status])
        .column_as(Expr::cust(goal_pairs), "goals")
        .filter(version::Column::DocumentId.is_in(distinct(agenda_ids)))
        .filter(version::Column::Status.is_in(statuses.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    // The version in force first, then the later before the earlier: the first title found for a goal wins.
    rows.sort_by_key(|(_, number, status, _)| (status != "adopted", -number));
    let mut titles = HashMap::new();
    for (agenda, _, _, goals) in rows {
        let pairs: Vec<[serde_json::Value; 2]> =
            goals.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default();
        for [key, title] in pairs {
            if let (Some(key), Some(title)) = (key.as_str(), title.as_str()) {
                titles.entry((agenda, key.to_owned())).or_insert_with(|| title.to_owned());
            }
        }
    }
    Ok(titles)
}
