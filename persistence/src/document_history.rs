//! The history of one document (issue 17): its audit trail and that of its versions, in order, each entry
//! with the version number it concerns and the note that came with it (a return's or withdrawal's reason, a
//! save's change note). Audit events name versions by their internal ids, which no answer shows; here they
//! are turned into the numbers clients know. Three statements whatever the length of the history.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use crate::documents::{ActorRef, Document, transitions};
use crate::entity::{audit_event, version};
use crate::error::StoreError;

/// One change to a document or one of its versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub actor: ActorRef,
    /// What happened, by the audit trail's name: `document.created`, `version.created`, `version.updated`,
    /// `version.submitted`, `version.returned`, `version.adopted`, `version.withdrawn`, `version.superseded`,
    /// `version.deleted`.
    pub action: String,
    /// The version it concerns; none for the document itself.
    pub version_number: Option<i32>,
    pub note: Option<String>,
}

/// The whole history of `doc`, oldest first. A draft that was deleted took its id with it, so its creation,
/// saves and deletion are not found here (they stay in the audit trail).
pub async fn history<C: ConnectionTrait>(conn: &C, doc: &Document) -> Result<Vec<HistoryEntry>, StoreError> {
    let numbers: Vec<(Uuid, i32)> = version::Entity::find()
        .select_only()
        .columns([version::Column::Id, version::Column::Number])
        .filter(version::Column::DocumentId.eq(doc.id))
        .into_tuple()
        .all(conn)
        .await?;
    let versions_of_document = Query::select()
        .column(version::Column::Id)
        .from(version::Entity)
        .and_where(version::Column::DocumentId.eq(doc.id))
        .to_owned();
    let rows = audit_event::Entity::find()
        .filter(
            Condition::any()
                .add(audit_event::Column::ResourceId.eq(doc.id))
                .add(audit_event::Column::ResourceId.in_subquery(versions_of_document)),
        )
        .order_by_asc(audit_event::Column::At)
        .order_by_asc(audit_event::Column::Id)
        .all(conn)
        .await?;
    let mut steps = transitions(conn, doc, None).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let version_number = numbers.iter().find(|(id, _)| *id == row.resource_id).map(|(_, n)| *n);
        let note = match version_number {
            // The transition recorded with this audit event: same version, action and moment.
            Some(n) => match steps
                .iter()
                .position(|t| t.version_number == n && t.at == row.at && t.action.event_type().as_str() == row.action)
            {
                Some(i) => steps.remove(i).note,
                None if row.action == "version.updated" => row.changes["new"]["changeNote"].as_str().map(str::to_owned),
                None => None,
            },
            None => None,
        };
        entries.push(HistoryEntry {
            at: row.at,
            actor: ActorRef { token_id: row.actor_token_id, name: row.actor_name },
            action: row.action,
            version_number,
            note,
        });
    }
    Ok(entries)
}
