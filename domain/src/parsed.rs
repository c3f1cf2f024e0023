//! Values that have passed their rules, and only those, reach the database.
//!
//! zero2prod's `SubscriberName` keeps its field private so that the only way to hold one is to parse one. This
//! is the same idea for every value the service stores: [`Parsed<T>`] has a private field, and its only
//! constructors run `T`'s [`Rules`], which normalise the value (trim texts) and report every problem at once.
//! The repositories of `persistence` take `Parsed<…>` for everything they write, so an unchecked area, set of
//! contribution terms, check-in or version content cannot be stored by mistake: it does not compile.
//!
//! Values read back from the database are trusted as stored and are plain `T`.

use std::ops::Deref;

use crate::field_errors::FieldErrors;

/// The rules of a value that is stored: normalise it and check it whole, naming each problem by its JSON path.
pub trait Rules: Sized {
    /// What the rules need to know besides the value itself (the day it is today, say); `()` for most.
    type Context: ?Sized;

    fn check(self, context: &Self::Context) -> Result<Self, FieldErrors>;
}

/// A value that has passed its rules. Built only by [`Parsed::parse`] and [`Parsed::parse_in`]:
///
/// ```
/// use domain::Parsed;
/// use domain::area::Partnership;
/// assert!(Parsed::parse(Partnership { since: None, until: None }).is_ok());
/// ```
///
/// and never by hand, which the compiler refuses:
///
/// ```compile_fail
/// use domain::Parsed;
/// use domain::area::Partnership;
/// let unchecked = Parsed(Partnership { since: None, until: None });
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T>(T);

impl<T: Rules<Context = ()>> Parsed<T> {
    pub fn parse(raw: T) -> Result<Parsed<T>, FieldErrors> {
        raw.check(&()).map(Parsed)
    }
}

impl<T: Rules> Parsed<T> {
    pub fn parse_in(raw: T, context: &T::Context) -> Result<Parsed<T>, FieldErrors> {
        raw.check(context).map(Parsed)
    }
}

impl<T> Parsed<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Parsed<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Name(String);

    impl Rules for Name {
        type Context = ();
        fn check(self, _: &()) -> Result<Name, FieldErrors> {
            let mut e = FieldErrors::new();
            let name = self.0.trim().to_owned();
            crate::field_errors::check_text(&mut e, "name", &name, 10);
            e.into_result(Name(name))
        }
    }

    #[test]
    fn a_parsed_value_is_the_normalised_value_that_passed() {
        assert_eq!(*Parsed::parse(Name("  Oost ".into())).unwrap(), Name("Oost".into()));
        let e = Parsed::parse(Name("  ".into())).unwrap_err();
        assert_eq!(e.iter().next().unwrap().name, "name");
    }
}
