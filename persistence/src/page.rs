//! Keyset pagination: ids are UUIDv7, so ordering by id is ordering by creation, and "after this id" is a
//! stable cursor that needs no `COUNT(*)` and does not shift when rows are added.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The id to continue after, when there is more.
    pub next_after: Option<Uuid>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_after: self.next_after }
    }

    /// As [`Page::map`], for a page that is shared (kept in memory).
    pub fn map_ref<U>(&self, f: impl FnMut(&T) -> U) -> Page<U> {
        Page { items: self.items.iter().map(f).collect(), next_after: self.next_after }
    }
}

/// Orders by `id`, starts after `after` and fetches one row more than asked, to know whether there is a next page.
pub(crate) fn keyset<E: EntityTrait>(select: Select<E>, id: E::Column, after: Option<Uuid>, limit: u64) -> Select<E>
where
    E::Column: ColumnTrait,
{
    let select = match after {
        Some(after) => select.filter(id.gt(after)),
        None => select,
    };
    select.order_by_asc(id).limit(limit + 1)
}

/// Cuts the extra row off and remembers where to continue.
pub(crate) fn finish<T>(mut rows: Vec<T>, limit: u64, id_of: impl Fn(&T) -> Uuid) -> Page<T> {
    let next_after = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(&id_of)
    } else {
        None
    };
    Page { items: rows, next_after }
}
