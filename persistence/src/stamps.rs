//! Municipality change counters: every change recorded for a municipality bumps its counter in the same
//! transaction, so a view cached together with the counter it was computed at is current exactly as long
//! as the counter has not moved.
//!
//! The counter is the sum of [`SHARDS`] rows, and a change bumps one of them (the next in turn in this
//! process). A bump holds its row's lock until the change commits; with a single row a municipality's writers
//! queued on it and committed one by one, so their commits could not share a flush of the write-ahead log.
//! The sum moves with every committed change and never goes back, so "unchanged" is still "equal".

use std::sync::atomic::{AtomicU16, Ordering};

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, InsertStatement, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Statement};
use uuid::Uuid;

use crate::entity::area;
use crate::error::StoreError;
use stamp_shard::{Column, Entity};

/// How many rows a municipality's counter is spread over: enough that 32 concurrent writers of one
/// municipality mostly find a free row, few enough that summing them is one short index range.
pub const SHARDS: u16 = 16;

/// The shard the next change of this process bumps.
static NEXT_SHARD: AtomicU16 = AtomicU16::new(0);

/// The statement that bumps the municipality's counter, written with the trail at commit ([`crate::Tx`]).
pub(crate) fn bump(municipality_id: Uuid) -> InsertStatement {
    let shard = (NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS) as i16;
    let row = stamp_shard::ActiveModel { municipality_id: Set(municipality_id), shard: Set(shard), counter: Set(1) };
    Entity::insert(row)
        .on_conflict(
            OnConflict::columns([Column::MunicipalityId, Column::Shard])
                .value(Column::Counter, Expr::col((Entity, Column::Counter)).add(1))
                .to_owned(),
        )
        .into_query()
}

/// The municipality's change counter: 0 before its first recorded change.
pub async fn current<C: ConnectionTrait>(conn: &C, municipality_id: Uuid) -> Result<i64, StoreError> {
    let sum: Option<Option<i64>> = Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(SUM(counter), 0) AS BIGINT)"), "sum")
        .filter(Column::MunicipalityId.eq(municipality_id))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(sum.flatten().unwrap_or(0))
}

/// The change counter of the municipality area `area_id` belongs to, in one statement; `None` when there is
/// no such area (so a view of an area that is gone is never served).
pub async fn current_of_area<C: ConnectionTrait>(conn: &C, area_id: Uuid) -> Result<Option<i64>, StoreError> {
    let sum = area::Entity::find_by_id(area_id)
        .select_only()
        .column_as(
            Expr::cust(
                "(SELECT CAST(COALESCE(SUM(s.counter), 0) AS BIGINT) FROM municipality_stamp_shards s \
                 WHERE s.municipality_id = areas.municipality_id)",
            ),
            "sum",
        )
        .into_tuple::<i64>()
        .one(conn)
        .await?;
    Ok(sum)
}

/// The change counters of every municipality in which organisation `organisation_id` is a partner of an area
/// (its partnerships of any day), by municipality id in ascending order, in one statement: what a partner's
/// view of its own contributions depends on, since it sees them only in areas it takes part in. A
/// municipality that has never changed is left out, and is in once it does.
pub async fn of_partner<C: ConnectionTrait>(conn: &C, organisation_id: Uuid) -> Result<Vec<(Uuid, i64)>, StoreError> {
    // Through the partnerships, a few rows on an index, not the contributions: a partner can have hundreds.
    // PostgreSQL is given each step as an array to look up, which it plans in a fifth of the time it takes
    // for the same query as joins; and it plans it at every read, because a partner of one area makes its
    // own plan look so much cheaper than the shared one that it never switches to the shared one. On the
    // partner list, with the joins, planning was most of the database's work.
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT s.municipality_id, CAST(SUM(s.counter) AS BIGINT) FROM municipality_stamp_shards s \
             WHERE s.municipality_id = ANY(ARRAY(SELECT a.municipality_id FROM areas a \
               WHERE a.id = ANY(ARRAY(SELECT p.area_id FROM area_partners p WHERE p.organisation_id = $1)))) \
             GROUP BY s.municipality_id ORDER BY s.municipality_id"
        }
        _ => {
            "SELECT s.municipality_id, CAST(SUM(s.counter) AS BIGINT) FROM municipality_stamp_shards s \
             WHERE s.municipality_id IN (SELECT a.municipality_id FROM areas a \
               WHERE a.id IN (SELECT p.area_id FROM area_partners p WHERE p.organisation_id = ?)) \
             GROUP BY s.municipality_id ORDER BY s.municipality_id"
        }
    };
    let rows = conn.query_all_raw(Statement::from_sql_and_values(backend, sql, [organisation_id.into()])).await?;
    Ok(rows
        .iter()
        .map(|row| Ok((row.try_get_by_index::<Uuid>(0)?, row.try_get_by_index::<i64>(1)?)))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// The table as sea-orm sees it. Only this repository reads and writes it, so the entity lives here.
mod stamp_shard {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "municipality_stamp_shards")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub municipality_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub shard: i16,
        pub counter: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
