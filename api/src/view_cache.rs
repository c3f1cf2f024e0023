//! Views of one municipality (a rendered dashboard, a computed deadline list) kept in memory, each with the municipality's change counter it was
//! computed at (`persistence::stamps`). A view is served from here only while that counter is current, so
//! a cache hit costs one primary-key lookup instead of the view's queries, and a change made through any
//! instance is seen by every instance's next request.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use domain::access::ReadScope;
use uuid::Uuid;

/// What a view depends on besides the stored data: whose view it is, of which cycle years, seen on which day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ViewKey {
    pub municipality_id: Uuid,
    pub years: (i32, i32),
    pub scope: ReadScope,
    pub today: NaiveDate,
}

/// Bounded: beyond this many views the cache starts over, which costs recomputation, never correctness.
const MAX_VIEWS: usize = 1024;

/// Views of one kind: rendered bodies (`Bytes`) or computed lists (`Arc<Vec<…>>`), cheap to clone out.
pub struct ViewCache<V: Clone> {
    views: Mutex<HashMap<ViewKey, (i64, V)>>,
}

impl<V: Clone> Default for ViewCache<V> {
    fn default() -> Self {
        ViewCache { views: Mutex::new(HashMap::new()) }
    }
}

impl<V: Clone> ViewCache<V> {
    /// The view for `key` if it was computed at counter `stamp`.
    pub fn get(&self, key: &ViewKey, stamp: i64) -> Option<V> {
        let views = self.views.lock().unwrap_or_else(|e| e.into_inner());
        views.get(key).filter(|(at, _)| *at == stamp).map(|(_, body)| body.clone())
    }

    pub fn put(&self, key: ViewKey, stamp: i64, body: V) {
        let mut views = self.views.lock().unwrap_or_else(|e| e.into_inner());
        if views.len() >= MAX_VIEWS && !views.contains_key(&key) {
            views.clear();
        }
        views.insert(key, (stamp, body));
    }
}

#[cfg(test)]
mod tests {
    use actix_web::web::Bytes;

    use super::*;
    use domain::access::PartnerScope;

    #[test]
    fn a_view_is_served_only_at_the_counter_it_was_computed_at() {
        let cache = ViewCache::<Bytes>::default();
        let key = ViewKey {
            municipality_id: Uuid::nil(),
            years: (2027, 2027),
            scope: ReadScope::All,
            today: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        };
        cache.put(key, 7, Bytes::from_static(b"view"));
        assert_eq!(cache.get(&key, 7), Some(Bytes::from_static(b"view")));
        assert!(cache.get(&key, 8).is_none(), "a change since makes it stale");
        let tomorrow = ViewKey { today: NaiveDate::from_ymd_opt(2027, 3, 2).unwrap(), ..key };
        assert!(cache.get(&tomorrow, 7).is_none(), "deadline states depend on the day");
        let partner = ViewKey {
            scope: ReadScope::PartnerOrganisation(PartnerScope { organisation_id: Uuid::nil(), municipality_id: None }),
            ..key
        };
        assert!(cache.get(&partner, 7).is_none(), "a partner's view is its own");
    }
}
