//! Enumerations that are stored and exchanged by a name (`in_progress`, `due_soon`): one mechanism for all of
//! them, so no type keeps its own copy of the list of names, the way to write one or the way to read one back.
//! Persistence reads them through [`Named::parse`] and treats a name it does not know as a corrupted row.

/// An enumeration with a stable name per value.
pub trait Named: Sized + Copy + 'static {
    /// Every value, in the order the domain lists them.
    const ALL: &'static [Self];
    /// What the type is called in a message about a name that is not one of it.
    const WHAT: &'static str;

    fn as_str(self) -> &'static str;

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == name)
    }
}

/// Implements [`Named`] for an enum from its names, and gives it the same `ALL`, `as_str` and `parse` as
/// inherent items, so callers need not import the trait.
macro_rules! named {
    ($what:literal, $ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $crate::names::Named for $ty {
            const ALL: &'static [$ty] = &<$ty>::ALL;
            const WHAT: &'static str = $what;

            fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl $ty {
            /// Every value, in the order the domain lists them.
            pub const ALL: [$ty; [$(stringify!($variant)),+].len()] = [$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                <$ty as $crate::names::Named>::as_str(self)
            }

            pub fn parse(name: &str) -> Option<$ty> {
                <$ty as $crate::names::Named>::parse(name)
            }
        }
    };
}
pub(crate) use named;

#[cfg(test)]
mod tests {
    use super::Named;
    use crate::content::DocumentKind;
    use crate::contribution::check_in::Confidence;
    use crate::contribution::{ContributionAction, ContributionKind, ContributionStatus, Side};
    use crate::deadline::{DeadlineState, Stage};
    use crate::lifecycle::{VersionAction, VersionStatus};
    use crate::principal::Role;

    fn round_trips<T: Named + PartialEq + std::fmt::Debug>() {
        let mut seen = std::collections::HashSet::new();
        for v in T::ALL {
            assert_eq!(T::parse(v.as_str()), Some(*v), "{} {}", T::WHAT, v.as_str());
            assert!(seen.insert(v.as_str()), "{} has the name {} twice", T::WHAT, v.as_str());
            assert!(v.as_str().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "snake_case: {}", v.as_str());
        }
        assert_eq!(T::parse("Nonsense"), None);
    }

    #[test]
    fn every_named_enumeration_reads_back_what_it_writes() {
        round_trips::<ContributionKind>();
        round_trips::<ContributionStatus>();
        round_trips::<ContributionAction>();
        round_trips::<Side>();
        round_trips::<Confidence>();
        round_trips::<DocumentKind>();
        round_trips::<VersionStatus>();
        round_trips::<VersionAction>();
        round_trips::<Stage>();
        round_trips::<DeadlineState>();
        round_trips::<Role>();
    }
}
