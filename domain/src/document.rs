//! What a document's versions decide about the document itself (issue 17): whether it may be removed,
//! whether it still holds the years it covers, and how a year held by another document is told.
//!
//! An adopted version is part of the public record (SPEC §3: it never changes again), so a document that ever
//! had one stays. A document whose every version was withdrawn was never adopted and is no longer worked on:
//! it gives its years back, so a wrong period does not block the area for good.

use uuid::Uuid;

use crate::content::DocumentKind;
use crate::lifecycle::VersionStatus;

/// Why a document is not removed: this version was adopted once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "version {0} of this document was adopted; a document that was ever in force stays part of the public record \
     and is not removed"
)]
pub struct EverAdopted(pub i32);

/// A document may be removed while none of its versions was ever adopted (adopted, or superseded since).
pub fn may_remove(versions: &[(i32, VersionStatus)]) -> Result<(), EverAdopted> {
    match versions.iter().find(|(_, s)| matches!(s, VersionStatus::Adopted | VersionStatus::Superseded)) {
        Some((number, _)) => Err(EverAdopted(*number)),
        None => Ok(()),
    }
}

/// Whether a document holds the years it covers: unless every version of it is withdrawn. One that is worked
/// on, waits for adoption or was adopted holds them.
pub fn holds_its_years(statuses: impl IntoIterator<Item = VersionStatus>) -> bool {
    statuses.into_iter().any(|s| s != VersionStatus::Withdrawn)
}

/// The document that holds a year a new document would cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub document_id: Uuid,
    pub period_start: i32,
    pub period_end: i32,
}

/// The conflict, by its cause: a second analysis, plan or monitor for a year, or agenda periods that overlap.
pub fn year_taken(kind: DocumentKind, start: i32, end: i32, holder: &Holder) -> String {
    let id = holder.document_id;
    match kind {
        DocumentKind::Agenda => format!(
            "the agenda period {start}–{end} overlaps the area's agenda for {}–{} (document {id}); agenda periods of \
             one area never overlap",
            holder.period_start, holder.period_end
        ),
        DocumentKind::Analysis | DocumentKind::Plan | DocumentKind::Monitor => format!(
            "the area already has {} {} for {start} (document {id}); an area has one {} per year",
            article(kind),
            kind.as_str(),
            kind.as_str()
        ),
    }
}

fn article(kind: DocumentKind) -> &'static str {
    if kind == DocumentKind::Analysis { "an" } else { "a" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VersionStatus as S;

    #[test]
    fn a_document_that_was_never_adopted_may_be_removed() {
        assert_eq!(may_remove(&[(1, S::Draft)]), Ok(()));
        assert_eq!(may_remove(&[(1, S::Withdrawn), (2, S::Submitted)]), Ok(()));
        assert_eq!(may_remove(&[(1, S::Withdrawn)]), Ok(()));
    }

    #[test]
    fn a_document_that_was_ever_adopted_is_not_removed_and_the_refusal_names_the_version() {
        assert_eq!(may_remove(&[(1, S::Adopted)]), Err(EverAdopted(1)));
        assert_eq!(may_remove(&[(1, S::Superseded), (2, S::Adopted), (3, S::Draft)]), Err(EverAdopted(1)));
        assert_eq!(may_remove(&[(1, S::Withdrawn), (2, S::Superseded), (3, S::Withdrawn)]), Err(EverAdopted(2)));
        assert!(EverAdopted(2).to_string().starts_with("version 2 of this document was adopted"));
    }

    #[test]
    fn only_a_document_whose_every_version_is_withdrawn_gives_its_years_back() {
        assert!(!holds_its_years([S::Withdrawn]));
        assert!(!holds_its_years([S::Withdrawn, S::Withdrawn]));
        for other in [S::Draft, S::Submitted, S::Adopted, S::Superseded] {
            assert!(holds_its_years([S::Withdrawn, other]), "{other:?}");
        }
    }

    #[test]
    fn each_conflict_names_its_own_cause() {
        let holder = Holder { document_id: Uuid::nil(), period_start: 2027, period_end: 2030 };
        let agenda = year_taken(DocumentKind::Agenda, 2028, 2031, &holder);
        assert!(agenda.starts_with("the agenda period 2028–2031 overlaps the area's agenda for 2027–2030"), "{agenda}");
        assert!(agenda.contains("agenda periods of one area never overlap"));
        let single = Holder { document_id: Uuid::nil(), period_start: 2027, period_end: 2027 };
        let analysis = year_taken(DocumentKind::Analysis, 2027, 2027, &single);
        assert!(analysis.starts_with("the area already has an analysis for 2027"), "{analysis}");
        assert!(analysis.ends_with("an area has one analysis per year"));
        for kind in [DocumentKind::Analysis, DocumentKind::Plan, DocumentKind::Monitor] {
            let told = year_taken(kind, 2027, 2027, &single);
            assert!(!told.contains("agenda"), "{told}");
            assert!(told.contains(&format!("{} for 2027", kind.as_str())), "{told}");
        }
    }
}
