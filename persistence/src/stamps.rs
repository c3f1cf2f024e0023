//! Municipality change counters: every change recorded for a municipality bumps its counter in the same
//! transaction, so a view cached together with the counter it was computed at is current exactly as long
//! as the counter has not moved. The counter row is updated last in a change's transaction, which keeps
//! the row lock that concurrent changes of one municipality queue on as short as a commit.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::entity::municipality_stamp::{self, Column, Entity};
use crate::error::StoreError;

pub(crate) async fn bump<C: ConnectionTrait>(conn: &C, municipality_id: Uuid) -> Result<(), StoreError> {
    let row = municipality_stamp::ActiveModel { municipality_id: Set(municipality_id), counter: Set(1) };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::MunicipalityId)
                .value(Column::Counter, Expr::col((Entity, Column::Counter)).add(1))
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The municipality's change counter: 0 before its first recorded change.
pub async fn current<C: ConnectionTrait>(conn: &C, municipality_id: Uuid) -> Result<i64, StoreError> {
    Ok(Entity::find_by_id(municipality_id).one(conn).await?.map(|r| r.counter).unwrap_or(0))
}
