//! Settled versions kept in memory: an adopted or superseded version's content never changes, so once read it
//! is served without a round trip (reading a version is the most frequent request).
//!
//! What does change is kept right by forgetting: the only writes that can alter a settled version, a
//! transition (an adoption supersedes the version in force) and removing the document, go through a
//! [`crate::Tx`] that forgets the document here when it commits and announces it to other instances
//! ([`crate::memory`]), so a status that moved on or a removed document is never served stale. Saving a draft
//! announces nothing: a draft is never kept. The [`Document`] kept beside a version is read only for what never
//! changes (its id, municipality and kind); its revision may be older than the database's. Whether the caller may read it is decided in memory for whole-municipality scopes; a partner's
//! access depends on its partnerships on the day, so a partner's read always goes to the database. Nothing is
//! kept on SQLite, or on PostgreSQL while the instance does not listen.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::access::ReadScope;
use domain::access::ScopeOn;
use domain::lifecycle::VersionStatus;
use uuid::Uuid;

use crate::Db;
use crate::documents::{self, Document, Version};
use crate::error::StoreError;

/// Beyond this many versions the memory starts over, which costs reads, never correctness. A version is a few
/// kilobytes, so this bounds it to tens of megabytes.
const MAX_VERSIONS: usize = 10_000;

type Entry = Arc<(Document, Version)>;

#[derive(Default)]
struct State {
    enabled: bool,
    /// Moves on whenever anything is forgotten, so a read that raced a change is not stored.
    generation: u64,
    versions: HashMap<(Uuid, i32), Entry>,
}

#[derive(Default)]
pub struct Settled {
    state: Mutex<State>,
}

impl std::fmt::Debug for Settled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("Settled").field("enabled", &state.enabled).field("versions", &state.versions.len()).finish()
    }
}

/// Whether a whole-municipality scope may read the document; `None` for a partner, whose access the
/// database decides.
fn readable(scope: ReadScope, doc: &Document) -> Option<bool> {
    match scope {
        ReadScope::All => Some(true),
        ReadScope::Municipality(m) => Some(doc.municipality_id == m),
        ReadScope::PartnerOrganisation(_) => None,
    }
}

fn settled(status: VersionStatus) -> bool {
    matches!(status, VersionStatus::Adopted | VersionStatus::Superseded)
}

impl Settled {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, id: Uuid, number: i32) -> Option<Entry> {
        let state = self.state();
        if !state.enabled {
            return None;
        }
        state.versions.get(&(id, number)).cloned()
    }

    fn generation(&self) -> Option<u64> {
        let state = self.state();
        state.enabled.then_some(state.generation)
    }

    fn remember(&self, generation: u64, entry: Entry) {
        let mut state = self.state();
        if !state.enabled || state.generation != generation {
            return;
        }
        if state.versions.len() >= MAX_VERSIONS {
            state.versions.clear();
        }
        state.versions.insert((entry.0.id, entry.1.summary.number), entry);
    }

    pub(crate) fn forget_document(&self, id: Uuid) {
        let mut state = self.state();
        state.generation += 1;
        state.versions.retain(|(doc, _), _| *doc != id);
    }

    pub(crate) fn reset(&self, enabled: bool) {
        let mut state = self.state();
        state.generation += 1;
        state.enabled = enabled;
        state.versions.clear();
    }
}

/// A document and one of its versions as the scope may read them ([`documents::get_with_version`]), from
/// memory when the version is settled and the scope is decided without the database.
pub async fn get_with_version(db: &Db, scope: ScopeOn, id: Uuid, number: i32) -> Result<Entry, StoreError> {
    let memory = db.settled();
    if let Some(entry) = memory.get(id, number) {
        match readable(scope.scope, &entry.0) {
            Some(true) => return Ok(entry),
            Some(false) => return Err(StoreError::NotFound),
            None => {}
        }
    }
    let generation = memory.generation();
    let entry = Arc::new(documents::get_with_version(db.conn(), scope, id, number).await?);
    if let Some(generation) = generation.filter(|_| settled(entry.1.summary.status)) {
        memory.remember(generation, entry.clone());
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use documents::VersionSummary;
    use domain::content::DocumentKind;

    fn entry(municipality_id: Uuid) -> Entry {
        let now = Utc::now();
        let doc = Document {
            id: Uuid::now_v7(),
            area_id: Uuid::now_v7(),
            municipality_id,
            kind: DocumentKind::Plan,
            period_start: 2027,
            period_end: 2027,
            last_number: 1,
            revision: 1,
            created_at: now,
            updated_at: now,
        };
        let summary = VersionSummary {
            id: Uuid::now_v7(),
            document_id: doc.id,
            number: 1,
            status: VersionStatus::Adopted,
            change_note: None,
            based_on: None,
            created_at: now,
            created_by: documents::ActorRef { token_id: None, name: "t".into() },
            updated_at: now,
            adopted_at: Some(now),
            adopted_by: None,
            superseded_at: None,
            revision: 3,
        };
        let version = Version { summary, kind: DocumentKind::Plan, content: serde_json::json!({}), return_note: None };
        Arc::new((doc, version))
    }

    #[test]
    fn a_version_is_served_until_its_document_changes() {
        let s = Settled::default();
        s.reset(true);
        let e = entry(Uuid::now_v7());
        s.remember(s.generation().unwrap(), e.clone());
        assert!(s.get(e.0.id, 1).is_some());
        s.forget_document(e.0.id);
        assert!(s.get(e.0.id, 1).is_none());
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_remembered_and_nothing_is_kept_while_off() {
        let s = Settled::default();
        let e = entry(Uuid::now_v7());
        assert!(s.generation().is_none(), "off until the listener is up");
        s.reset(true);
        let g = s.generation().unwrap();
        s.forget_document(e.0.id);
        s.remember(g, e.clone());
        assert!(s.get(e.0.id, 1).is_none());
        s.remember(s.generation().unwrap(), e.clone());
        s.reset(false);
        assert!(s.get(e.0.id, 1).is_none());
    }

    #[test]
    fn whole_municipality_scopes_are_decided_in_memory_and_partners_are_not() {
        let m = Uuid::now_v7();
        let e = entry(m);
        assert_eq!(readable(ReadScope::All, &e.0), Some(true));
        assert_eq!(readable(ReadScope::Municipality(m), &e.0), Some(true));
        assert_eq!(readable(ReadScope::Municipality(Uuid::now_v7()), &e.0), Some(false));
        let partner = domain::access::PartnerScope { organisation_id: Uuid::now_v7(), municipality_id: Some(m) };
        assert_eq!(readable(ReadScope::PartnerOrganisation(partner), &e.0), None);
    }
}
