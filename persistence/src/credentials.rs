//! Credentials kept in memory: the principal of a token (by its secret's hash and by its id) and the page
//! sessions, so that a request is authenticated without a round trip to the database.
//!
//! Revocation stays instant:
//! - A change to a token row happens in one place ([`crate::api_tokens`]), in a [`crate::Tx`] that forgets
//!   the token here when it commits and, on PostgreSQL, sends `NOTIFY gc_memory` in the same transaction, so
//!   every other instance forgets it when the change commits ([`crate::memory`]).
//! - Ending a session does the same ([`end_session`]).
//! - On PostgreSQL the memory is used only while this process listens on that channel; while the listening
//!   connection is down it is cleared and bypassed, because a notification may have been missed.
//! - A cache entry is only stored if nothing was forgotten since the database was read for it (the
//!   generation check), so a read that raced a revocation cannot bring the revoked token back.
//!
//! On SQLite the memory is not used: a lookup there is a call into the same process, not a round trip, so
//! there is little to save, and nothing could tell another process sharing the file. Nothing that is not
//! there is remembered: an unknown secret is looked up every time (and creating a token needs no
//! notification). Expiry is checked against the clock on every hit, and no entry outlives [`MAX_AGE`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::principal::Principal;
use uuid::Uuid;

use crate::Db;
use crate::error::StoreError;
use crate::memory::announce;
use crate::sessions::{self, Session};

/// A safety net, not the revocation mechanism: an entry is read from the database again after this long.
pub const MAX_AGE: Duration = Duration::from_secs(600);

/// Beyond this many entries of a kind the memory starts over, which costs lookups, never correctness.
const MAX_ENTRIES: usize = 20_000;

#[derive(Clone)]
struct CachedToken {
    principal: Principal,
    expires_at: Option<DateTime<Utc>>,
    stored: Instant,
}

impl CachedToken {
    fn valid_at(&self, now: DateTime<Utc>) -> bool {
        self.stored.elapsed() < MAX_AGE && self.expires_at.is_none_or(|at| at > now)
    }
}

#[derive(Clone)]
struct CachedSession {
    session: Session,
    stored: Instant,
}

#[derive(Default)]
struct State {
    /// Whether the memory may be used: on PostgreSQL while this process listens, never on SQLite.
    enabled: bool,
    /// Moves on whenever anything is forgotten; see [`Credentials::remember_token`].
    generation: u64,
    by_hash: HashMap<String, CachedToken>,
    by_id: HashMap<Uuid, CachedToken>,
    sessions: HashMap<String, CachedSession>,
}

/// The credentials of one pool (see the module documentation).
#[derive(Default)]
pub struct Credentials {
    state: Mutex<State>,
}

impl std::fmt::Debug for Credentials {
    /// Only the counts: the entries are credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("Credentials")
            .field("enabled", &state.enabled)
            .field("tokens", &(state.by_hash.len() + state.by_id.len()))
            .field("sessions", &state.sessions.len())
            .finish()
    }
}

/// What a token's principal is remembered under.
pub enum TokenKey<'a> {
    Hash(&'a str),
    Id(Uuid),
}

impl Credentials {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The generation to pass to [`Self::remember_token`] or [`Self::remember_session`] after reading the
    /// database, or `None` when the memory is not in use.
    fn generation(&self) -> Option<u64> {
        let state = self.state();
        state.enabled.then_some(state.generation)
    }

    fn token(&self, key: &TokenKey<'_>, now: DateTime<Utc>) -> Option<Principal> {
        let state = self.state();
        if !state.enabled {
            return None;
        }
        let cached = match key {
            TokenKey::Hash(h) => state.by_hash.get(*h),
            TokenKey::Id(id) => state.by_id.get(id),
        };
        cached.filter(|c| c.valid_at(now)).map(|c| c.principal.clone())
    }

    fn remember_token(
        &self,
        generation: u64,
        key: TokenKey<'_>,
        principal: &Principal,
        expires_at: Option<DateTime<Utc>>,
    ) {
        let mut state = self.state();
        if !state.enabled || state.generation != generation {
            return;
        }
        let cached = CachedToken { principal: principal.clone(), expires_at, stored: Instant::now() };
        match key {
            TokenKey::Hash(h) => {
                if state.by_hash.len() >= MAX_ENTRIES {
                    state.by_hash.clear();
                }
                state.by_hash.insert(h.to_owned(), cached);
            }
            TokenKey::Id(id) => {
                if state.by_id.len() >= MAX_ENTRIES {
                    state.by_id.clear();
                }
                state.by_id.insert(id, cached);
            }
        }
    }

    /// The session, if it is remembered and was written less than [`sessions::TOUCH_EVERY`] ago, so this use
    /// need not write it.
    fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Option<Session> {
        let state = self.state();
        if !state.enabled {
            return None;
        }
        let cached = state.sessions.get(id_hash)?;
        let fresh = cached.stored.elapsed() < MAX_AGE
            && now >= cached.session.last_seen_at
            && now - cached.session.last_seen_at < sessions::TOUCH_EVERY;
        fresh.then(|| cached.session.clone())
    }

    fn remember_session(&self, generation: u64, id_hash: &str, session: &Session) {
        let mut state = self.state();
        if !state.enabled || state.generation != generation {
            return;
        }
        if state.sessions.len() >= MAX_ENTRIES {
            state.sessions.clear();
        }
        state.sessions.insert(id_hash.to_owned(), CachedSession { session: session.clone(), stored: Instant::now() });
    }

    /// Forgets a token: its principal, and with it every session's access through it.
    pub(crate) fn forget_token(&self, token_id: Uuid) {
        let mut state = self.state();
        state.generation += 1;
        state.by_id.remove(&token_id);
        state.by_hash.retain(|_, c| c.principal.token_id != token_id);
        state.sessions.retain(|_, c| c.session.token_id != token_id);
    }

    fn forget_session(&self, id_hash: &str) {
        let mut state = self.state();
        state.generation += 1;
        state.sessions.remove(id_hash);
    }

    /// Forgets everything and turns the memory on or off (the listener's state on PostgreSQL).
    pub(crate) fn reset(&self, enabled: bool) {
        let mut state = self.state();
        state.generation += 1;
        state.enabled = enabled;
        state.by_hash.clear();
        state.by_id.clear();
        state.sessions.clear();
    }

    /// Carries out a notification's payload: `token:<id>` or `session:<hash>`. Anything else clears all,
    /// which is always safe.
    pub(crate) fn apply(&self, payload: &str) {
        match payload.split_once(':') {
            Some(("token", id)) => match id.parse::<Uuid>() {
                Ok(id) => self.forget_token(id),
                Err(_) => self.forget_all(),
            },
            Some(("session", hash)) => self.forget_session(hash),
            _ => self.forget_all(),
        }
    }

    fn forget_all(&self) {
        let enabled = self.state().enabled;
        self.reset(enabled);
    }
}

/// The principal of a token, by its secret's hash or by its id, while it is neither revoked nor expired.
pub async fn principal(db: &Db, key: TokenKey<'_>, now: DateTime<Utc>) -> Result<Option<Principal>, StoreError> {
    let credentials = db.credentials();
    if let Some(p) = credentials.token(&key, now) {
        return Ok(Some(p));
    }
    let generation = credentials.generation();
    let found = match &key {
        TokenKey::Hash(h) => crate::api_tokens::authenticate(db.conn(), h, now).await?,
        TokenKey::Id(id) => crate::api_tokens::authenticate_id(db.conn(), *id, now).await?,
    };
    if let (Some(generation), Some((principal, expires_at))) = (generation, &found) {
        credentials.remember_token(generation, key, principal, *expires_at);
    }
    Ok(found.map(|(p, _)| p))
}

/// The live session with this hash, seen again at `now` (written at most once a [`sessions::TOUCH_EVERY`]).
pub async fn session(db: &Db, id_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>, StoreError> {
    let credentials = db.credentials();
    if let Some(s) = credentials.session(id_hash, now) {
        return Ok(Some(s));
    }
    let generation = credentials.generation();
    let found = sessions::touch(db.conn(), id_hash, now).await?;
    if let (Some(generation), Some(s)) = (generation, &found) {
        credentials.remember_session(generation, id_hash, s);
    }
    Ok(found)
}

/// Ends a session here and, on PostgreSQL, in every other instance's memory.
pub async fn end_session(db: &Db, id_hash: &str) -> Result<(), StoreError> {
    sessions::end(db.conn(), id_hash).await?;
    announce(db.conn(), &format!("session:{id_hash}")).await?;
    db.credentials().forget_session(id_hash);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::principal::Access;

    fn principal(id: Uuid) -> Principal {
        Principal { token_id: id, name: "t".into(), access: Access::Admin }
    }

    /// The memory as it is while the listener is up.
    fn listening() -> Credentials {
        let c = Credentials::default();
        c.reset(true);
        c
    }

    fn now() -> DateTime<Utc> {
        "2027-03-01T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_remembered_token_is_served_until_it_is_forgotten() {
        let c = listening();
        let id = Uuid::now_v7();
        let g = c.generation().unwrap();
        c.remember_token(g, TokenKey::Hash("h"), &principal(id), None);
        assert!(c.token(&TokenKey::Hash("h"), now()).is_some());
        c.forget_token(id);
        assert!(c.token(&TokenKey::Hash("h"), now()).is_none());
    }

    #[test]
    fn a_read_that_raced_a_revocation_is_not_remembered() {
        let c = listening();
        let id = Uuid::now_v7();
        let g = c.generation().unwrap();
        // The database was read, then the token was revoked before the answer was stored.
        c.forget_token(id);
        c.remember_token(g, TokenKey::Id(id), &principal(id), None);
        assert!(c.token(&TokenKey::Id(id), now()).is_none());
    }

    #[test]
    fn an_expired_token_is_not_served() {
        let c = listening();
        let id = Uuid::now_v7();
        let g = c.generation().unwrap();
        c.remember_token(g, TokenKey::Id(id), &principal(id), Some(now() + chrono::Duration::seconds(1)));
        assert!(c.token(&TokenKey::Id(id), now()).is_some());
        assert!(c.token(&TokenKey::Id(id), now() + chrono::Duration::seconds(1)).is_none());
    }

    #[test]
    fn nothing_is_used_until_the_listener_is_up() {
        let c = Credentials::default();
        assert!(c.generation().is_none());
        let id = Uuid::now_v7();
        c.remember_token(0, TokenKey::Id(id), &principal(id), None);
        assert!(c.token(&TokenKey::Id(id), now()).is_none());
        c.reset(true);
        let g = c.generation().unwrap();
        c.remember_token(g, TokenKey::Id(id), &principal(id), None);
        assert!(c.token(&TokenKey::Id(id), now()).is_some());
        c.reset(false);
        assert!(c.token(&TokenKey::Id(id), now()).is_none(), "a lost listener clears and bypasses the memory");
    }

    #[test]
    fn a_session_is_served_from_memory_only_while_it_need_not_be_written() {
        let c = listening();
        let s = Session { token_id: Uuid::now_v7(), csrf_secret: "x".into(), created_at: now(), last_seen_at: now() };
        c.remember_session(c.generation().unwrap(), "s", &s);
        assert!(c.session("s", now() + chrono::Duration::seconds(59)).is_some());
        assert!(c.session("s", now() + sessions::TOUCH_EVERY).is_none());
        c.apply(&format!("session:{}", "s"));
        assert!(c.session("s", now()).is_none());
    }

    #[test]
    fn a_notification_forgets_the_token_and_its_sessions() {
        let c = listening();
        let id = Uuid::now_v7();
        let g = c.generation().unwrap();
        c.remember_token(g, TokenKey::Hash("h"), &principal(id), None);
        let s = Session { token_id: id, csrf_secret: "x".into(), created_at: now(), last_seen_at: now() };
        c.remember_session(g, "s", &s);
        c.apply(&format!("token:{id}"));
        assert!(c.token(&TokenKey::Hash("h"), now()).is_none());
        assert!(c.session("s", now()).is_none());
    }
}
