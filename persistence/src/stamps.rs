//! Municipality change counters: every change recorded for a municipality bumps its counter in the same
//! transaction, so a view cached together with the counter it was computed at is current exactly as long
//! as the counter has not moved. The counter row is updated last in a change's transaction, which keeps
//! the row lock that concurrent changes of one municipality queue on as short as a commit.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::error::StoreError;
use municipality_stamp::{Column, Entity};

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

/// The table as sea-orm sees it. Only this repository reads and writes it, so the entity lives here.
mod municipality_stamp {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "municipality_stamps")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub municipality_id: Uuid,
        pub counter: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
