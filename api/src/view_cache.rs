//! Views of one municipality or of one of its areas (a rendered dashboard, a computed deadline list, an
//! area's cycle board), or of the municipalities a partner works in (its list of contributions), kept in
//! memory, each with the municipalities' change counters it was computed at (`persistence::stamps`). A view
//! is served from here only while those counters are current, so a cache hit costs one short lookup instead
//! of the view's queries, and a change made through any instance is seen by every instance's next request.
//!
//! While changes keep arriving the counter keeps moving, and every request would compute the view anew, all
//! at once. [`ViewCache::get_or_compute`] lets one request compute a view while the others asking for the
//! same view wait for it, and serves them the result when it is at least as new as they need.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasher, Hash};
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

/// Bounded by default: beyond this many views the cache starts over, which costs recomputation, never
/// correctness.
const MAX_VIEWS: usize = 1024;

/// Computations of different views run side by side unless their keys share one of this many turns.
const TURNS: usize = 64;

/// What an area's view depends on besides the stored data; its municipality's counter decides whether it is
/// current (an area never moves to another municipality).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AreaViewKey {
    pub area_id: Uuid,
    pub year: i32,
    pub scope: ReadScope,
    pub today: NaiveDate,
}

/// The change counters a view was computed at. Counters only go up, so a view computed at counters that
/// cover the ones a request reads holds every change that request can have seen.
pub trait Stamp: Clone + PartialEq {
    fn covers(&self, needed: &Self) -> bool;
}

/// One municipality's counter.
impl Stamp for i64 {
    fn covers(&self, needed: &i64) -> bool {
        self >= needed
    }
}

/// The counters of several municipalities, by id in ascending order (`stamps::of_organisation`). A view
/// covers only the same municipalities: one more or one fewer means rows came or went, whatever the counts.
impl Stamp for Vec<(Uuid, i64)> {
    fn covers(&self, needed: &Self) -> bool {
        self.len() == needed.len() && self.iter().zip(needed).all(|((m, at), (n, need))| m == n && at >= need)
    }
}

/// Views of one kind: rendered bodies (`Bytes`) or computed lists (`Arc<Vec<…>>`), cheap to clone out, kept
/// under a key of type `K` ([`ViewKey`] for a municipality's views, [`AreaViewKey`] for an area's) with the
/// counters `S` they were computed at.
pub struct ViewCache<V: Clone, K = ViewKey, S = i64> {
    views: Mutex<HashMap<K, (S, V)>>,
    capacity: usize,
    /// Whose turn it is to compute a view, by the key's hash (see [`ViewCache::get_or_compute`]).
    turns: Vec<tokio::sync::Mutex<()>>,
    hasher: std::collections::hash_map::RandomState,
}

impl<V: Clone, K, S> Default for ViewCache<V, K, S> {
    fn default() -> Self {
        Self::with_capacity(MAX_VIEWS)
    }
}

impl<V: Clone, K, S> ViewCache<V, K, S> {
    /// A cache of at most `capacity` views, for views too large to keep a thousand of.
    pub fn with_capacity(capacity: usize) -> Self {
        ViewCache {
            views: Mutex::new(HashMap::new()),
            capacity,
            turns: (0..TURNS).map(|_| tokio::sync::Mutex::new(())).collect(),
            hasher: Default::default(),
        }
    }
}

impl<V: Clone, K: Clone + Eq + Hash, S: Stamp> ViewCache<V, K, S> {
    /// The view for `key` if it was computed at counters that cover `stamp`.
    pub fn get(&self, key: &K, stamp: &S) -> Option<V> {
        let views = self.views.lock().unwrap_or_else(|e| e.into_inner());
        views.get(key).filter(|(at, _)| at.covers(stamp)).map(|(_, body)| body.clone())
    }

    /// The view for `key`, computed by `compute` unless one at least as new as `stamp()` is kept. Requests for
    /// the same view take turns: a request that finds one computing waits, then takes that result if it is
    /// new enough; the next to compute reads the counter again first, so it serves every request that waited
    /// behind it. While changes arrive, a request thus waits for at most the computation under way and one more.
    pub async fn get_or_compute<E, SFn, SF, F, CF>(&self, key: K, stamp: SFn, compute: F) -> Result<V, E>
    where
        SFn: Fn() -> SF,
        SF: Future<Output = Result<S, E>>,
        F: FnOnce() -> CF,
        CF: Future<Output = Result<V, E>>,
    {
        let needed = stamp().await?;
        if let Some(view) = self.get(&key, &needed) {
            return Ok(view);
        }
        let turn = &self.turns[self.turn_of(&key)];
        let (_turn, at) = match turn.try_lock() {
            Ok(free) => (free, needed),
            Err(_) => {
                let waited = turn.lock().await;
                if let Some(view) = self.get(&key, &needed) {
                    return Ok(view);
                }
                // Read again before computing, so the view serves everyone who waited meanwhile; a change
                // committed during the computation moves the counter past the one stored.
                (waited, stamp().await?)
            }
        };
        let view = compute().await?;
        self.put(key, at, view.clone());
        Ok(view)
    }

    fn turn_of(&self, key: &K) -> usize {
        (self.hasher.hash_one(key) % TURNS as u64) as usize
    }

    pub fn put(&self, key: K, stamp: S, body: V) {
        let mut views = self.views.lock().unwrap_or_else(|e| e.into_inner());
        if views.len() >= self.capacity && !views.contains_key(&key) {
            views.clear();
        }
        // Never replace a newer view with an older one.
        if views.get(&key).is_none_or(|(at, _)| *at == stamp || !at.covers(&stamp)) {
            views.insert(key, (stamp, body));
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::web::Bytes;

    use super::*;
    use domain::access::PartnerScope;

    /// An administrator's view of a municipality's 2027 on 1 March 2027.
    fn key() -> ViewKey {
        ViewKey {
            municipality_id: Uuid::nil(),
            years: (2027, 2027),
            scope: ReadScope::All,
            today: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        }
    }

    #[test]
    fn a_view_is_served_only_at_the_counter_it_was_computed_at() {
        let cache = ViewCache::<Bytes>::default();
        let key = key();
        cache.put(key, 7, Bytes::from_static(b"view"));
        assert_eq!(cache.get(&key, &7), Some(Bytes::from_static(b"view")));
        assert!(cache.get(&key, &8).is_none(), "a change since makes it stale");
        assert_eq!(cache.get(&key, &6), Some(Bytes::from_static(b"view")), "newer than needed is fine");
        let tomorrow = ViewKey { today: NaiveDate::from_ymd_opt(2027, 3, 2).unwrap(), ..key };
        assert!(cache.get(&tomorrow, &7).is_none(), "deadline states depend on the day");
        let partner = ViewKey {
            scope: ReadScope::PartnerOrganisation(PartnerScope { organisation_id: Uuid::nil(), municipality_id: None }),
            ..key
        };
        assert!(cache.get(&partner, &7).is_none(), "a partner's view is its own");
    }

    #[test]
    fn a_view_of_several_municipalities_is_current_only_for_the_same_ones() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let cache = ViewCache::<u32, u8, Vec<(Uuid, i64)>>::default();
        cache.put(0, vec![(a, 4), (b, 9)], 1);
        assert_eq!(cache.get(&0, &vec![(a, 4), (b, 9)]), Some(1));
        assert_eq!(cache.get(&0, &vec![(a, 3), (b, 9)]), Some(1), "newer than needed is fine");
        assert!(cache.get(&0, &vec![(a, 4), (b, 10)]).is_none(), "a change in one of them makes it stale");
        assert!(cache.get(&0, &vec![(a, 4), (b, 9), (c, 1)]).is_none(), "a municipality more: rows came");
        assert!(cache.get(&0, &vec![(a, 4)]).is_none(), "a municipality fewer: rows went, the sum went down");
        assert!(cache.get(&0, &vec![(a, 4), (c, 9)]).is_none(), "the same counts of another municipality");
        cache.put(0, vec![(a, 3), (b, 9)], 2);
        assert_eq!(cache.get(&0, &vec![(a, 4), (b, 9)]), Some(1), "an older view never replaces a newer one");
        cache.put(0, vec![(a, 4)], 3);
        assert_eq!(cache.get(&0, &vec![(a, 4)]), Some(3), "one of other municipalities does");
    }

    #[tokio::test]
    async fn requests_for_one_view_share_one_computation() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = Arc::new(ViewCache::<u32>::default());
        let computed = Arc::new(AtomicUsize::new(0));
        let key = key();
        let asks = (0..16).map(|_| {
            let (cache, computed) = (cache.clone(), computed.clone());
            tokio::spawn(async move {
                let stamp = || async { Ok::<i64, ()>(7) };
                cache
                    .get_or_compute(key, stamp, || async {
                        computed.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok(42)
                    })
                    .await
            })
        });
        for ask in futures_util::future::join_all(asks).await {
            assert_eq!(ask.unwrap(), Ok(42));
        }
        assert_eq!(computed.load(Ordering::SeqCst), 1, "one computation served all sixteen");
    }

    #[tokio::test]
    async fn a_view_older_than_the_change_a_request_saw_is_computed_again() {
        let cache = ViewCache::<u32>::default();
        let key = key();
        cache.put(key, 7, 1);
        let v = cache.get_or_compute(key, || async { Ok::<i64, ()>(8) }, || async { Ok(2) }).await;
        assert_eq!(v, Ok(2));
        cache.put(key, 7, 1);
        assert_eq!(cache.get(&key, &8), Some(2), "an older view never replaces a newer one");
    }
}
