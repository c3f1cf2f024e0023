//! API tokens (SPEC §7): which scope a requested token gets, and who may issue it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::field_errors::{FieldErrors, check_text};
use crate::principal::{Access, Principal, Role};

pub const NAME_MAX: usize = 200;
pub const AREAS_MAX: usize = 100;

/// What a token is called, so people can tell their tokens apart in lists and in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(pub String);

impl crate::Rules for TokenName {
    type Context = ();

    fn check(self, _: &()) -> Result<TokenName, FieldErrors> {
        let name = self.0.trim().to_owned();
        let mut errors = FieldErrors::new();
        check_text(&mut errors, "name", &name, NAME_MAX);
        errors.into_result(TokenName(name))
    }
}

/// A token request as the client sends it.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub name: String,
    pub role: Option<Role>,
    pub municipality_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub area_ids: Vec<Uuid>,
}

/// Turns a request into the access the token will hold. Each role needs exactly its own scope fields;
/// a field that does not belong to the role is refused rather than silently ignored, so a client never
/// believes a token is narrower than it is.
///
/// A coordinator issuing a token for its own municipality may leave `municipalityId` out. A partner token
/// is bound to the issuer's municipality, never to one the request names: a coordinator's reaches only its
/// own municipality, an administrator's every municipality where the organisation is a partner.
pub fn requested_access(issuer: &Principal, request: &TokenRequest) -> Result<Access, FieldErrors> {
    let mut errors = FieldErrors::new();
    if let Err(e) = crate::Parsed::parse(TokenName(request.name.clone())) {
        errors.merge(e);
    }
    let Some(role) = request.role else {
        errors.push("role", "required", "one of admin, coordinator, area_editor, partner, viewer");
        return Err(errors);
    };
    let municipality_id = request.municipality_id.or(issuer.access.municipality_id());
    let needs_municipality = matches!(role, Role::Coordinator | Role::AreaEditor | Role::Viewer);
    if needs_municipality && municipality_id.is_none() {
        errors.push("municipalityId", "required", format!("a {} token belongs to one municipality", role.as_str()));
    }
    if !needs_municipality && request.municipality_id.is_some() {
        errors.push("municipalityId", "not_allowed", format!("a {} token has no municipality", role.as_str()));
    }
    if role == Role::Partner && request.organisation_id.is_none() {
        errors.push("organisationId", "required", "a partner token belongs to one organisation");
    }
    if role != Role::Partner && request.organisation_id.is_some() {
        errors.push("organisationId", "not_allowed", "only a partner token has an organisation");
    }
    if role == Role::AreaEditor && request.area_ids.is_empty() {
        errors.push("areaIds", "required", "an area_editor token lists the areas it may edit");
    }
    if role != Role::AreaEditor && !request.area_ids.is_empty() {
        errors.push("areaIds", "not_allowed", "only an area_editor token lists areas");
    }
    if request.area_ids.len() > AREAS_MAX {
        errors.push("areaIds", "too_many", format!("at most {AREAS_MAX} areas"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut area_ids = request.area_ids.clone();
    area_ids.sort();
    area_ids.dedup();
    Ok(match role {
        Role::Admin => Access::Admin,
        Role::Coordinator => Access::Coordinator { municipality_id: municipality_id.unwrap_or_default() },
        Role::AreaEditor => Access::AreaEditor { municipality_id: municipality_id.unwrap_or_default(), area_ids },
        Role::Viewer => Access::Viewer { municipality_id: municipality_id.unwrap_or_default() },
        Role::Partner => Access::Partner {
            organisation_id: request.organisation_id.unwrap_or_default(),
            municipality_id: issuer.access.municipality_id(),
        },
    })
}

/// A token is issued, or its expiry changed, to expire later than `now`: one that is expired already would
/// be refused the moment it is used.
pub fn check_expiry(errors: &mut FieldErrors, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) {
    if let Some(at) = expires_at
        && at <= now
    {
        errors.push("expiresAt", "in_the_past", "must lie in the future");
    }
}

/// An expiry change refused because the token has expired already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaysExpired;

/// Whether a token whose expiry is `current` may be given the expiry `new` at `now`. An expired token stays
/// expired: extending or clearing its expiry would bring a secret back to life that its holders and their
/// administrators had every reason to consider dead. Setting the same expiry again changes nothing.
pub fn may_change_expiry(
    current: Option<DateTime<Utc>>,
    new: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StaysExpired> {
    match current {
        Some(at) if at <= now && new != current => Err(StaysExpired),
        _ => Ok(()),
    }
}

/// Why an issuer may not hand out a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueRefusal {
    /// The issuer may not manage tokens at all, or not of this role.
    Forbidden(&'static str),
    /// The municipality lies outside the issuer's scope.
    OtherMunicipality,
}

/// Administrators issue any token. A coordinator issues coordinator, area editor and viewer tokens for its
/// own municipality, and partner tokens bound to it for organisations taking part in one of its areas
/// (checked by the caller against the database, since it is a fact about stored partnerships).
pub fn may_issue(issuer: &Principal, access: &Access) -> Result<(), IssueRefusal> {
    match (&issuer.access, access) {
        (Access::Admin, _) => Ok(()),
        (Access::Coordinator { .. }, Access::Admin) => {
            Err(IssueRefusal::Forbidden("only an administrator issues administrator tokens"))
        }
        (Access::Coordinator { municipality_id: own }, requested) => {
            if requested.municipality_id() == Some(*own) {
                Ok(())
            } else {
                Err(IssueRefusal::OtherMunicipality)
            }
        }
        _ => Err(IssueRefusal::Forbidden("only a coordinator or an administrator issues API tokens")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(access: Access) -> Principal {
        Principal { token_id: Uuid::now_v7(), name: "issuer".into(), access }
    }

    fn request(role: Role) -> TokenRequest {
        TokenRequest { name: "dashboard".into(), role: Some(role), ..Default::default() }
    }

    #[test]
    fn a_coordinator_token_needs_a_municipality_from_an_admin() {
        let e = requested_access(&issuer(Access::Admin), &request(Role::Coordinator)).unwrap_err();
        assert_eq!(e.iter().next().unwrap().name, "municipalityId");
    }

    #[test]
    fn a_coordinator_issues_for_its_own_municipality_by_default() {
        let m = Uuid::now_v7();
        let a = requested_access(&issuer(Access::Coordinator { municipality_id: m }), &request(Role::Viewer)).unwrap();
        assert_eq!(a, Access::Viewer { municipality_id: m });
    }

    #[test]
    fn fields_that_do_not_belong_to_the_role_are_refused_all_at_once() {
        let r = TokenRequest {
            name: String::new(),
            role: Some(Role::Admin),
            municipality_id: Some(Uuid::now_v7()),
            organisation_id: Some(Uuid::now_v7()),
            area_ids: vec![Uuid::now_v7()],
        };
        let e = requested_access(&issuer(Access::Admin), &r).unwrap_err();
        let names: Vec<_> = e.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["name", "municipalityId", "organisationId", "areaIds"]);
    }

    #[test]
    fn an_area_editor_token_lists_its_areas_without_duplicates() {
        let m = Uuid::now_v7();
        let a = Uuid::now_v7();
        let r = TokenRequest { area_ids: vec![a, a], municipality_id: Some(m), ..request(Role::AreaEditor) };
        assert_eq!(
            requested_access(&issuer(Access::Admin), &r).unwrap(),
            Access::AreaEditor { municipality_id: m, area_ids: vec![a] }
        );
        let e = requested_access(
            &issuer(Access::Admin),
            &TokenRequest { municipality_id: Some(m), ..request(Role::AreaEditor) },
        );
        assert_eq!(e.unwrap_err().iter().next().unwrap().name, "areaIds");
    }

    #[test]
    fn a_partner_token_needs_an_organisation() {
        let e = requested_access(&issuer(Access::Admin), &request(Role::Partner)).unwrap_err();
        assert_eq!(e.iter().next().unwrap().name, "organisationId");
    }

    #[test]
    fn a_coordinator_cannot_issue_admin_or_foreign_tokens() {
        let m = Uuid::now_v7();
        let c = issuer(Access::Coordinator { municipality_id: m });
        assert!(matches!(may_issue(&c, &Access::Admin), Err(IssueRefusal::Forbidden(_))));
        assert_eq!(
            may_issue(&c, &Access::Viewer { municipality_id: Uuid::now_v7() }),
            Err(IssueRefusal::OtherMunicipality)
        );
        assert!(may_issue(&c, &Access::Coordinator { municipality_id: m }).is_ok());
        assert!(may_issue(&c, &Access::Partner { organisation_id: Uuid::now_v7(), municipality_id: Some(m) }).is_ok());
    }

    #[test]
    fn a_partner_token_is_bound_to_the_municipality_of_its_issuer() {
        let m = Uuid::now_v7();
        let o = Uuid::now_v7();
        let c = issuer(Access::Coordinator { municipality_id: m });
        let r = TokenRequest { organisation_id: Some(o), ..request(Role::Partner) };
        assert_eq!(requested_access(&c, &r).unwrap(), Access::Partner { organisation_id: o, municipality_id: Some(m) });
        assert_eq!(
            requested_access(&issuer(Access::Admin), &r).unwrap(),
            Access::Partner { organisation_id: o, municipality_id: None }
        );
        for unbound_or_foreign in [None, Some(Uuid::now_v7())] {
            let a = Access::Partner { organisation_id: o, municipality_id: unbound_or_foreign };
            assert_eq!(may_issue(&c, &a), Err(IssueRefusal::OtherMunicipality));
        }
    }

    #[test]
    fn an_expired_token_stays_expired() {
        let now = DateTime::parse_from_rfc3339("2027-03-01T12:00:00Z").unwrap().with_timezone(&Utc);
        let past = Some(now - chrono::Duration::hours(1));
        let later = Some(now + chrono::Duration::hours(1));
        assert_eq!(may_change_expiry(past, None, now), Err(StaysExpired));
        assert_eq!(may_change_expiry(past, later, now), Err(StaysExpired));
        assert_eq!(may_change_expiry(Some(now), later, now), Err(StaysExpired), "expired at the very moment");
        assert_eq!(may_change_expiry(past, past, now), Ok(()), "the same expiry again changes nothing");
        assert_eq!(may_change_expiry(later, None, now), Ok(()));
        assert_eq!(may_change_expiry(None, later, now), Ok(()));
    }

    #[test]
    fn viewers_partners_and_editors_issue_nothing() {
        let m = Uuid::now_v7();
        for access in [
            Access::Viewer { municipality_id: m },
            Access::Partner { organisation_id: m, municipality_id: Some(m) },
            Access::AreaEditor { municipality_id: m, area_ids: vec![] },
        ] {
            assert!(may_issue(&issuer(access), &Access::Viewer { municipality_id: m }).is_err());
        }
    }

    #[test]
    fn an_expiry_must_lie_after_now() {
        let now = DateTime::parse_from_rfc3339("2027-03-01T12:00:00Z").unwrap().with_timezone(&Utc);
        let mut e = FieldErrors::new();
        check_expiry(&mut e, None, now);
        check_expiry(&mut e, Some(now + chrono::Duration::seconds(1)), now);
        assert!(e.is_empty());
        check_expiry(&mut e, Some(now), now);
        assert_eq!(e.iter().map(|e| (e.name.as_str(), e.code)).collect::<Vec<_>>(), [("expiresAt", "in_the_past")]);
    }
}
