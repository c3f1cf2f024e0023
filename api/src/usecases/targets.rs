//! What a contribution points at, resolved: an agenda the caller can see, a goal in its open or in-force
//! version, an organisation that takes part in the area today. Every problem is an [`Error::Invalid`] named by its
//! field, so a proposal collects them with its other problems and an import puts them under its row.

use chrono::NaiveDate;
use domain::access::ScopeOn;
use domain::content::{Content, DocumentKind};
use domain::{FieldErrors, Principal};
use persistence::ConnectionTrait;
use persistence::documents::{self, Document};
use persistence::{StoreError, partners};
use uuid::Uuid;

use super::{Error, Result, content};

/// The agenda document `id`, if the caller can see it and it is an agenda.
pub async fn agenda<C: ConnectionTrait>(conn: &C, scope: ScopeOn, id: Uuid) -> Result<Document> {
    let doc = match documents::get(conn, scope, id).await {
        Ok(doc) => doc,
        Err(StoreError::NotFound) => {
            return Err(Error::Invalid(FieldErrors::single("agendaDocumentId", "unknown", "no such agenda")));
        }
        Err(e) => return Err(e.into()),
    };
    if doc.kind != DocumentKind::Agenda {
        let reason = format!("document {id} is a {}, not an agenda", doc.kind.as_str());
        return Err(Error::Invalid(FieldErrors::single("agendaDocumentId", "not_an_agenda", reason)));
    }
    Ok(doc)
}

/// Checks that `organisation_id` takes part in the agenda's area on `today` (an organisation whose
/// partnership ended, or has not started, is no partner to promise anything) and that `goal_key` is a goal of
/// the agenda's open or in-force version that the caller may read (a partner never sees drafts).
pub async fn check_target<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    today: NaiveDate,
    agenda: &Document,
    organisation_id: Option<Uuid>,
    goal_key: Option<&str>,
) -> Result<()> {
    let mut errors = FieldErrors::new();
    if let Some(o) = organisation_id
        && !partners::takes_part(conn, agenda.area_id, o, today).await?
    {
        errors.push(
            "organisationId",
            "not_a_partner",
            format!(
                "the organisation does not take part in the agenda's area on {today}; add it as an area partner, or \
                 change the dates of its partnership, first"
            ),
        );
    }
    if let Some(key) = goal_key {
        let goals = goal_keys(conn, ScopeOn::of(p, today), agenda).await?;
        if !goals.iter().any(|g| g == key) {
            let reason = if goals.is_empty() {
                "the agenda has no open or in-force version with goals yet".to_owned()
            } else {
                format!("the agenda's open and in-force versions have no goal {key}; goals are {}", goals.join(", "))
            };
            errors.push("goalKey", "unknown_goal", reason);
        }
    }
    errors.into_result(()).map_err(Error::Invalid)
}

/// The goal keys of the agenda's in-force and open versions, as far as the caller may read them.
async fn goal_keys<C: ConnectionTrait>(conn: &C, scope: ScopeOn, agenda: &Document) -> Result<Vec<String>> {
    let versions = documents::summaries(conn, scope, &[agenda]).await?;
    let mut keys: Vec<String> = vec![];
    for v in versions.iter().filter(|v| v.status.is_open() || v.status == domain::lifecycle::VersionStatus::Adopted) {
        let version = documents::get_version(conn, scope, agenda, v.number).await?;
        if let Content::Agenda(content) = content::stored_content(DocumentKind::Agenda, &version.content)? {
            for key in content.goal_keys() {
                if !keys.iter().any(|k| k == key) {
                    keys.push(key.to_owned());
                }
            }
        }
    }
    Ok(keys)
}
