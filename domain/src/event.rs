//! The one catalogue of what the audit trail and the event feed name (SPEC §8).
//!
//! Every change is recorded under an [`Action`]. Most are [`EventType`]s: others may react to them, so they
//! are published as domain events, offered to webhook subscribers and listed in the OpenAPI document. The
//! rest are [`AuditOnlyAction`]s: changes to tokens and subscriptions, which concern no one but an
//! administrator. Each action's name, resource type and Dutch description are written once, in the tables
//! below; everything else (the outbox writer, the feed filter, subscriptions, the OpenAPI enums) reads them
//! from here, so a type cannot be offered that nothing emits without a test noticing.

/// One table row per variant: the name, the resource type it is recorded on, the Dutch description.
macro_rules! catalogue {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => ($as_str:literal, $resource:literal, $nl:literal),)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The name in the audit trail, the feed and webhook deliveries, e.g. `version.adopted`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $as_str,)+
                }
            }

            pub fn parse(value: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|t| t.as_str() == value)
            }

            /// The type of the resource the change is recorded on.
            pub fn resource_type(self) -> &'static str {
                match self {
                    $($name::$variant => $resource,)+
                }
            }

            /// What happened, in Dutch, for people reading the API documentation or the audit trail.
            pub fn description_nl(self) -> &'static str {
                match self {
                    $($name::$variant => $nl,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

catalogue! {
    /// A change others may react to: published in the feed and to webhook subscribers.
    ///
    /// A deadline event of a contribution is recorded on the contribution (resource type `contribution`);
    /// one of a cycle stage on the deadline itself, which is what [`EventType::resource_type`] names.
    EventType {
        MunicipalityCreated => ("municipality.created", "municipality", "Gemeente aangemaakt"),
        MunicipalityUpdated => ("municipality.updated", "municipality", "Gemeente of haar jaarkalender gewijzigd"),
        MunicipalityDeleted => ("municipality.deleted", "municipality", "Gemeente verwijderd"),
        AreaCreated => ("area.created", "area", "Gebied aangemaakt"),
        AreaUpdated => ("area.updated", "area", "Gebied gewijzigd"),
        AreaDeleted => ("area.deleted", "area", "Gebied verwijderd"),
        OrganisationCreated => ("organisation.created", "organisation", "Samenwerkingspartner aangemaakt"),
        OrganisationUpdated => ("organisation.updated", "organisation", "Samenwerkingspartner gewijzigd"),
        OrganisationDeleted => ("organisation.deleted", "organisation", "Samenwerkingspartner verwijderd"),
        AreaPartnerAdded => ("area_partner.added", "area_partner", "Gebiedspartner aan een gebied toegevoegd"),
        AreaPartnerUpdated => ("area_partner.updated", "area_partner", "Gebiedspartner gewijzigd"),
        AreaPartnerRemoved => ("area_partner.removed", "area_partner", "Gebiedspartner uit een gebied verwijderd"),
        DocumentCreated => ("document.created", "document", "Document aangemaakt, met een eerste conceptversie"),
        DocumentDeleted => ("document.deleted", "document", "Document verwijderd dat nooit is vastgesteld"),
        VersionCreated => ("version.created", "version", "Nieuwe conceptversie aangemaakt"),
        VersionUpdated => ("version.updated", "version", "Conceptversie gewijzigd"),
        VersionDeleted => ("version.deleted", "version", "Conceptversie verwijderd"),
        VersionSubmitted => ("version.submitted", "version", "Versie ingediend ter vaststelling"),
        VersionReturned => ("version.returned", "version", "Versie teruggestuurd naar concept"),
        VersionAdopted => ("version.adopted", "version", "Versie vastgesteld"),
        VersionWithdrawn => ("version.withdrawn", "version", "Versie ingetrokken"),
        VersionSuperseded => ("version.superseded", "version", "Versie vervangen door een later vastgestelde versie"),
        ContributionProposed => ("contribution.proposed", "contribution", "Bijdrage voorgesteld (ook opnieuw, na een inhoudelijke wijziging)"),
        ContributionUpdated => ("contribution.updated", "contribution", "Bijdrage gewijzigd"),
        ContributionCommitted => ("contribution.committed", "contribution", "Bijdrage toegezegd door beide kanten"),
        ContributionStarted => ("contribution.started", "contribution", "Uitvoering van een bijdrage gestart"),
        ContributionWithdrawn => ("contribution.withdrawn", "contribution", "Bijdrage ingetrokken"),
        ContributionDelivered => ("contribution.delivered", "contribution", "Bijdrage afgerond: geleverd, deels geleverd of niet geleverd"),
        CheckinCreated => ("checkin.created", "check_in", "Voortgangsmelding bij een bijdrage gedaan"),
        DeadlineDueSoon => ("deadline.due_soon", "deadline", "Termijn verloopt binnenkort"),
        DeadlineOverdue => ("deadline.overdue", "deadline", "Termijn verstreken zonder vaststelling of oplevering"),
        DeadlineOverrideCreated => ("deadline_override.created", "deadline_override", "Eigen termijn voor een fase van een gebied vastgelegd"),
        DeadlineOverrideDeleted => ("deadline_override.deleted", "deadline_override", "Eigen termijn van een gebied vervallen; de jaarkalender geldt weer"),
    }
}

catalogue! {
    /// A change that is audited but not published: tokens and subscriptions are an administrator's
    /// business, and publishing a subscription's changes to subscriptions would feed on itself.
    AuditOnlyAction {
        ApiTokenCreated => ("api_token.created", "api_token", "API-token aangemaakt"),
        ApiTokenUpdated => ("api_token.updated", "api_token", "API-token gewijzigd"),
        ApiTokenRevoked => ("api_token.revoked", "api_token", "API-token ingetrokken"),
        SubscriptionCreated => ("subscription.created", "subscription", "Webhookabonnement aangemaakt"),
        SubscriptionUpdated => ("subscription.updated", "subscription", "Webhookabonnement gewijzigd"),
        SubscriptionDeleted => ("subscription.deleted", "subscription", "Webhookabonnement verwijderd"),
    }
}

/// What the audit trail records a change as: a published event type or an audit-only action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Published(EventType),
    AuditOnly(AuditOnlyAction),
}

impl Action {
    /// Every action, the published ones first.
    pub fn all() -> impl Iterator<Item = Action> {
        let published = EventType::ALL.iter().copied().map(Action::Published);
        published.chain(AuditOnlyAction::ALL.iter().copied().map(Action::AuditOnly))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Published(t) => t.as_str(),
            Action::AuditOnly(a) => a.as_str(),
        }
    }

    pub fn parse(value: &str) -> Option<Action> {
        Action::all().find(|a| a.as_str() == value)
    }

    pub fn resource_type(self) -> &'static str {
        match self {
            Action::Published(t) => t.resource_type(),
            Action::AuditOnly(a) => a.resource_type(),
        }
    }

    pub fn description_nl(self) -> &'static str {
        match self {
            Action::Published(t) => t.description_nl(),
            Action::AuditOnly(a) => a.description_nl(),
        }
    }

    /// The domain event this change publishes, if it publishes one.
    pub fn published(self) -> Option<EventType> {
        match self {
            Action::Published(t) => Some(t),
            Action::AuditOnly(_) => None,
        }
    }
}

impl From<EventType> for Action {
    fn from(t: EventType) -> Action {
        Action::Published(t)
    }
}

impl From<AuditOnlyAction> for Action {
    fn from(a: AuditOnlyAction) -> Action {
        Action::AuditOnly(a)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_action_parses_back_from_its_name() {
        for a in Action::all() {
            assert_eq!(Action::parse(a.as_str()), Some(a), "{}", a.as_str());
        }
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(EventType::parse("api_token.created"), None, "audit-only actions are not event types");
        assert_eq!(EventType::parse("ping"), None, "ping is a test message, not an event to subscribe to");
        assert_eq!(EventType::parse("Version.Adopted"), None);
    }

    #[test]
    fn names_and_descriptions_are_each_used_once() {
        let names: HashSet<_> = Action::all().map(Action::as_str).collect();
        let descriptions: HashSet<_> = Action::all().map(Action::description_nl).collect();
        assert_eq!(names.len(), Action::all().count());
        assert_eq!(descriptions.len(), Action::all().count());
    }

    #[test]
    fn a_name_starts_with_its_resource_type() {
        for a in Action::all() {
            // `checkin.created` predates the resource's name `check_in`; subscribers already know it.
            let resource = a.resource_type().replace('_', "");
            let prefix = a.as_str().split('.').next().unwrap().replace('_', "");
            assert_eq!(prefix, resource, "{}", a.as_str());
            assert!(a.description_nl().chars().next().is_some_and(char::is_uppercase), "{}", a.as_str());
        }
    }

    #[test]
    fn the_catalogue_holds_what_spec_section_8_names() {
        for name in [
            "document.created",
            "version.created",
            "version.submitted",
            "version.returned",
            "version.adopted",
            "version.withdrawn",
            "contribution.proposed",
            "contribution.committed",
            "contribution.withdrawn",
            "contribution.delivered",
            "checkin.created",
            "deadline.due_soon",
            "deadline.overdue",
        ] {
            assert!(EventType::parse(name).is_some(), "{name}");
        }
        assert_eq!(EventType::parse("contribution.declined"), None, "the lifecycle has no decline");
    }
}
