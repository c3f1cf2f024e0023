//! Who may do what (SPEC §7), as pure decisions.
//!
//! Reading is expressed as a [`ReadScope`] that the persistence layer turns into SQL, so lists are filtered
//! by the database and a resource outside the scope is simply not found (404, its existence not revealed).
//! Writing is a yes/no on a resource the caller can already read: a refusal there is a 403.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::content::DocumentKind;
use crate::lifecycle::VersionStatus;
use crate::principal::{Access, Principal};

/// What part of the municipal data a caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadScope {
    /// Everything (admin).
    All,
    /// One municipality and all that belongs to it (coordinator, area editor, viewer).
    Municipality(Uuid),
    /// The areas in which this organisation takes part, and what belongs to them (partner).
    PartnerOrganisation(PartnerScope),
}

/// What a partner token reaches: the areas its organisation takes part in, within the one municipality of
/// the coordinator who issued it, or within every municipality when an administrator issued it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartnerScope {
    pub organisation_id: Uuid,
    pub municipality_id: Option<Uuid>,
}

impl ReadScope {
    pub fn of(principal: &Principal) -> ReadScope {
        match &principal.access {
            Access::Admin => ReadScope::All,
            Access::Coordinator { municipality_id }
            | Access::AreaEditor { municipality_id, .. }
            | Access::Viewer { municipality_id } => ReadScope::Municipality(*municipality_id),
            Access::Partner { organisation_id, municipality_id } => ReadScope::PartnerOrganisation(PartnerScope {
                organisation_id: *organisation_id,
                municipality_id: *municipality_id,
            }),
        }
    }
}

impl ReadScope {
    /// This scope on the calendar day `day` (in the Netherlands), for what belongs to areas.
    pub fn on(self, day: NaiveDate) -> ScopeOn {
        ScopeOn { scope: self, day: Some(day) }
    }
}

/// A [`ReadScope`] on a calendar day, for areas and what belongs to them (documents, contributions,
/// partnerships, the organisations and municipalities a partner meets there). A partner takes part in an
/// area while its partnership runs, `since <= day <= until` with open ends open (SPEC §15), so what it may
/// read moves with the day; what the other roles read does not.
///
/// A scope without a day is what a bare [`ReadScope`] converts to: it serves callers with a fixed scope
/// (administrators, a municipality), and gives a partner no area at all, so forgetting the day fails closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopeOn {
    pub scope: ReadScope,
    pub day: Option<NaiveDate>,
}

impl ScopeOn {
    /// What `principal` may read on `day`.
    pub fn of(principal: &Principal, day: NaiveDate) -> ScopeOn {
        ReadScope::of(principal).on(day)
    }
}

impl From<ReadScope> for ScopeOn {
    fn from(scope: ReadScope) -> ScopeOn {
        ScopeOn { scope, day: None }
    }
}

/// A refused write, with the reason the client is told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(pub &'static str);

fn is_admin(p: &Principal) -> bool {
    matches!(p.access, Access::Admin)
}

fn is_coordinator_of(p: &Principal, municipality_id: Uuid) -> bool {
    matches!(p.access, Access::Coordinator { municipality_id: m } if m == municipality_id)
}

/// Creating or deleting a municipality is for administrators.
pub fn may_create_or_delete_municipality(p: &Principal) -> Result<(), Forbidden> {
    if is_admin(p) { Ok(()) } else { Err(Forbidden("only an administrator creates or deletes municipalities")) }
}

/// Changing a municipality (its name, CBS code and cycle calendar) is for its coordinator and administrators.
pub fn may_manage_municipality(p: &Principal, municipality_id: Uuid) -> Result<(), Forbidden> {
    if is_admin(p) || is_coordinator_of(p, municipality_id) {
        Ok(())
    } else {
        Err(Forbidden("only the municipality's coordinator (opgaveregisseur) or an administrator may change this"))
    }
}

/// Areas and their partners are managed by the municipality's coordinator and administrators.
pub fn may_manage_areas(p: &Principal, municipality_id: Uuid) -> Result<(), Forbidden> {
    may_manage_municipality(p, municipality_id)
}

/// Writing the documents of an area: the coordinator of its municipality, an administrator, or an area
/// editor who holds this area.
pub fn may_edit_area(p: &Principal, municipality_id: Uuid, area_id: Uuid) -> Result<(), Forbidden> {
    match &p.access {
        Access::Admin => Ok(()),
        Access::Coordinator { municipality_id: m } if *m == municipality_id => Ok(()),
        Access::AreaEditor { municipality_id: m, area_ids } if *m == municipality_id && area_ids.contains(&area_id) => {
            Ok(())
        }
        _ => Err(Forbidden("this token may not edit this area")),
    }
}

/// Organisations are a registry shared by municipalities: coordinators add to it, administrators correct
/// and remove entries, because one organisation may work for several municipalities.
pub fn may_create_organisation(p: &Principal) -> Result<(), Forbidden> {
    match p.access {
        Access::Admin | Access::Coordinator { .. } => Ok(()),
        _ => Err(Forbidden("only a coordinator or an administrator registers organisations")),
    }
}

pub fn may_change_organisation(p: &Principal) -> Result<(), Forbidden> {
    if is_admin(p) {
        Ok(())
    } else {
        Err(Forbidden("only an administrator changes or deletes organisations, which several municipalities share"))
    }
}

/// The municipality's overview of all its areas is for the municipality's own people (SPEC §12); a partner's
/// start is its own contributions.
pub fn may_view_municipality_overview(p: &Principal) -> Result<(), Forbidden> {
    match p.access {
        Access::Partner { .. } => Err(Forbidden("the municipality overview is for the municipality's own staff")),
        _ => Ok(()),
    }
}

/// The audit trail is for administrators and coordinators (of their municipality).
pub fn may_read_audit(p: &Principal) -> Result<(), Forbidden> {
    match p.access {
        Access::Admin | Access::Coordinator { .. } => Ok(()),
        _ => Err(Forbidden("only a coordinator or an administrator reads the audit trail")),
    }
}

/// Tokens are managed by administrators and coordinators.
pub fn may_manage_tokens(p: &Principal) -> Result<(), Forbidden> {
    match p.access {
        Access::Admin | Access::Coordinator { .. } => Ok(()),
        _ => Err(Forbidden("only a coordinator or an administrator manages API tokens")),
    }
}

/// The statuses of a version anyone may read on the public pages: what was adopted, also after a later
/// version took its place. Never a draft, a submitted or a withdrawn version.
pub const PUBLIC_STATUSES: [VersionStatus; 2] = [VersionStatus::Adopted, VersionStatus::Superseded];

/// Whether anyone, signed in or not, may read a version of `kind` in `status` of a municipality that
/// publishes `public_kinds` (SPEC §12, Wet open overheid: its calendar's `publicKinds`).
pub fn publicly_readable(kind: DocumentKind, status: VersionStatus, public_kinds: &[DocumentKind]) -> bool {
    PUBLIC_STATUSES.contains(&status) && public_kinds.contains(&kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(access: Access) -> Principal {
        Principal { token_id: Uuid::now_v7(), name: "t".into(), access }
    }

    #[test]
    fn each_role_reads_its_own_scope() {
        let m = Uuid::now_v7();
        let o = Uuid::now_v7();
        assert_eq!(ReadScope::of(&principal(Access::Admin)), ReadScope::All);
        assert_eq!(ReadScope::of(&principal(Access::Coordinator { municipality_id: m })), ReadScope::Municipality(m));
        assert_eq!(
            ReadScope::of(&principal(Access::AreaEditor { municipality_id: m, area_ids: vec![] })),
            ReadScope::Municipality(m)
        );
        assert_eq!(ReadScope::of(&principal(Access::Viewer { municipality_id: m })), ReadScope::Municipality(m));
        assert_eq!(
            ReadScope::of(&principal(Access::Partner { organisation_id: o, municipality_id: None })),
            ReadScope::PartnerOrganisation(PartnerScope { organisation_id: o, municipality_id: None })
        );
        assert_eq!(
            ReadScope::of(&principal(Access::Partner { organisation_id: o, municipality_id: Some(m) })),
            ReadScope::PartnerOrganisation(PartnerScope { organisation_id: o, municipality_id: Some(m) })
        );
    }

    #[test]
    fn a_scope_is_read_on_a_day_and_a_bare_one_has_none() {
        let o = Uuid::now_v7();
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let partner = principal(Access::Partner { organisation_id: o, municipality_id: None });
        let scope = ReadScope::PartnerOrganisation(PartnerScope { organisation_id: o, municipality_id: None });
        assert_eq!(ScopeOn::of(&partner, day), ScopeOn { scope, day: Some(day) });
        assert_eq!(ScopeOn::from(scope).day, None);
        assert_eq!(ReadScope::All.on(day).scope, ReadScope::All);
    }

    #[test]
    fn only_the_own_coordinator_and_admins_manage_a_municipality() {
        let m = Uuid::now_v7();
        let other = Uuid::now_v7();
        assert!(may_manage_municipality(&principal(Access::Admin), m).is_ok());
        assert!(may_manage_municipality(&principal(Access::Coordinator { municipality_id: m }), m).is_ok());
        assert!(may_manage_municipality(&principal(Access::Coordinator { municipality_id: other }), m).is_err());
        assert!(may_manage_municipality(&principal(Access::Viewer { municipality_id: m }), m).is_err());
        assert!(
            may_manage_municipality(&principal(Access::AreaEditor { municipality_id: m, area_ids: vec![] }), m)
                .is_err()
        );
        assert!(
            may_manage_municipality(&principal(Access::Partner { organisation_id: m, municipality_id: Some(m) }), m)
                .is_err()
        );
    }

    #[test]
    fn an_area_editor_edits_only_the_areas_it_holds() {
        let m = Uuid::now_v7();
        let mine = Uuid::now_v7();
        let other = Uuid::now_v7();
        let editor = principal(Access::AreaEditor { municipality_id: m, area_ids: vec![mine] });
        assert!(may_edit_area(&editor, m, mine).is_ok());
        assert!(may_edit_area(&editor, m, other).is_err());
        assert!(may_edit_area(&principal(Access::Viewer { municipality_id: m }), m, mine).is_err());
        assert!(may_edit_area(&principal(Access::Coordinator { municipality_id: m }), m, other).is_ok());
    }

    #[test]
    fn only_admins_create_municipalities_and_change_organisations() {
        let m = Uuid::now_v7();
        assert!(may_create_or_delete_municipality(&principal(Access::Admin)).is_ok());
        assert!(may_create_or_delete_municipality(&principal(Access::Coordinator { municipality_id: m })).is_err());
        assert!(may_change_organisation(&principal(Access::Coordinator { municipality_id: m })).is_err());
        assert!(may_create_organisation(&principal(Access::Coordinator { municipality_id: m })).is_ok());
        assert!(may_create_organisation(&principal(Access::Viewer { municipality_id: m })).is_err());
    }

    #[test]
    fn audit_and_tokens_are_for_admins_and_coordinators() {
        let m = Uuid::now_v7();
        for access in
            [Access::Viewer { municipality_id: m }, Access::Partner { organisation_id: m, municipality_id: None }]
        {
            assert!(may_read_audit(&principal(access.clone())).is_err());
            assert!(may_manage_tokens(&principal(access)).is_err());
        }
        assert!(may_read_audit(&principal(Access::Coordinator { municipality_id: m })).is_ok());
        assert!(may_manage_tokens(&principal(Access::Admin)).is_ok());
    }

    #[test]
    fn the_public_reads_only_adopted_versions_of_the_published_kinds() {
        let published = [DocumentKind::Agenda, DocumentKind::Plan, DocumentKind::Monitor];
        for status in VersionStatus::ALL {
            let expected = matches!(status, VersionStatus::Adopted | VersionStatus::Superseded);
            assert_eq!(publicly_readable(DocumentKind::Agenda, status, &published), expected, "{status:?}");
        }
        assert!(!publicly_readable(DocumentKind::Analysis, VersionStatus::Adopted, &published));
        assert!(publicly_readable(DocumentKind::Analysis, VersionStatus::Adopted, &[DocumentKind::Analysis]));
        assert!(!publicly_readable(DocumentKind::Plan, VersionStatus::Adopted, &[]));
    }
}
