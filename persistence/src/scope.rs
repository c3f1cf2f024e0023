//! The caller's read scope as SQL conditions, one per kind of resource (SPEC §7: lists are filtered in SQL,
//! never row by row in Rust).

use domain::access::{PartnerScope, ReadScope};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::entity::{area, area_partner};

/// `SELECT area_id FROM area_partners WHERE organisation_id = ?`: the areas a partner takes part in, and
/// only those of the municipality its token is bound to (`AND area_id IN (SELECT id FROM areas WHERE
/// municipality_id = ?)`), so that a token a coordinator issued reaches nothing of another municipality.
/// Every partner scope below is built on this one set.
pub(crate) fn areas_of_organisation(partner: PartnerScope) -> SelectStatement {
    let within =
        partner.municipality_id.map(|m| Expr::col(area_partner::Column::AreaId).in_subquery(areas_of_municipality(m)));
    Query::select()
        .column(area_partner::Column::AreaId)
        .from(area_partner::Entity)
        .and_where(Expr::col(area_partner::Column::OrganisationId).eq(partner.organisation_id))
        .and_where_option(within)
        .to_owned()
}

/// `SELECT id FROM areas WHERE municipality_id = ?`.
pub(crate) fn areas_of_municipality(municipality_id: Uuid) -> SelectStatement {
    Query::select()
        .column(area::Column::Id)
        .from(area::Entity)
        .and_where(Expr::col(area::Column::MunicipalityId).eq(municipality_id))
        .to_owned()
}

/// Municipalities: a partner sees those in which its organisation takes part in an area.
pub(crate) fn municipalities(scope: ReadScope) -> Condition {
    use crate::entity::municipality::Column;
    match scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(Column::Id.eq(m)),
        ReadScope::PartnerOrganisation(o) => Condition::all().add(
            Column::Id.in_subquery(
                Query::select()
                    .column(area::Column::MunicipalityId)
                    .from(area::Entity)
                    .and_where(Expr::col(area::Column::Id).in_subquery(areas_of_organisation(o)))
                    .to_owned(),
            ),
        ),
    }
}

pub(crate) fn areas(scope: ReadScope) -> Condition {
    use crate::entity::area::Column;
    match scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(Column::MunicipalityId.eq(m)),
        ReadScope::PartnerOrganisation(o) => Condition::all().add(Column::Id.in_subquery(areas_of_organisation(o))),
    }
}

/// Organisations are a shared registry that municipal roles read whole; a partner sees its own organisation
/// and those it sits at the table with in its areas.
pub(crate) fn organisations(scope: ReadScope) -> Condition {
    use crate::entity::organisation::Column;
    match scope {
        ReadScope::All | ReadScope::Municipality(_) => Condition::all(),
        ReadScope::PartnerOrganisation(o) => Condition::any().add(Column::Id.eq(o.organisation_id)).add(
            Column::Id.in_subquery(
                Query::select()
                    .column(area_partner::Column::OrganisationId)
                    .from(area_partner::Entity)
                    .and_where(Expr::col(area_partner::Column::AreaId).in_subquery(areas_of_organisation(o)))
                    .to_owned(),
            ),
        ),
    }
}

pub(crate) fn area_partners(scope: ReadScope) -> Condition {
    use crate::entity::area_partner::Column;
    match scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(Column::AreaId.in_subquery(areas_of_municipality(m))),
        ReadScope::PartnerOrganisation(o) => Condition::all().add(Column::AreaId.in_subquery(areas_of_organisation(o))),
    }
}
