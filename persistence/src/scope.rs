//! The caller's read scope as SQL conditions, one per kind of resource (SPEC §7: lists are filtered in SQL,
//! never row by row in Rust).
//!
//! A partner reaches an area only while its partnership there runs on the scope's day (SPEC §15), so every
//! partner condition goes through [`areas_of_organisation`] and [`running_partnerships`], which compare the
//! partnership's dates with that day in the same statement.

use chrono::NaiveDate;
use domain::access::{PUBLIC_STATUSES, PartnerScope, ReadScope, ScopeOn};
use domain::content::DocumentKind;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::entity::{area, area_partner, document, version};

/// The partnerships that run on `day`: started (`since <= day`) and not ended (`day <= until`), open ends
/// open. Without a day none runs.
pub(crate) fn running_partnerships(day: Option<NaiveDate>) -> Condition {
    use area_partner::Column;
    match day {
        Some(day) => Condition::all()
            .add(Condition::any().add(Column::Since.is_null()).add(Column::Since.lte(day)))
            .add(Condition::any().add(Column::Until.is_null()).add(Column::Until.gte(day))),
        // No row has a null id: a condition that holds for none.
        None => Condition::all().add(Column::Id.is_null()),
    }
}

/// `SELECT area_id FROM area_partners WHERE organisation_id = ? AND <runs on day>`: the areas a partner takes
/// part in on the day, and only those of the municipality its token is bound to (`AND area_id IN (SELECT id
/// FROM areas WHERE municipality_id = ?)`), so that a token a coordinator issued reaches nothing of another
/// municipality. Every partner scope below is built on this one set.
pub(crate) fn areas_of_organisation(partner: PartnerScope, day: Option<NaiveDate>) -> SelectStatement {
    let within =
        partner.municipality_id.map(|m| Expr::col(area_partner::Column::AreaId).in_subquery(areas_of_municipality(m)));
    Query::select()
        .column(area_partner::Column::AreaId)
        .from(area_partner::Entity)
        .and_where(Expr::col(area_partner::Column::OrganisationId).eq(partner.organisation_id))
        .and_where_option(within)
        .cond_where(running_partnerships(day))
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
pub(crate) fn municipalities(scope: ScopeOn) -> Condition {
    use crate::entity::municipality::Column;
    match scope.scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(Column::Id.eq(m)),
        ReadScope::PartnerOrganisation(o) => Condition::all().add(
            Column::Id.in_subquery(
                Query::select()
                    .column(area::Column::MunicipalityId)
                    .from(area::Entity)
                    .and_where(Expr::col(area::Column::Id).in_subquery(areas_of_organisation(o, scope.day)))
                    .to_owned(),
            ),
        ),
    }
}

pub(crate) fn areas(scope: ScopeOn) -> Condition {
    use crate::entity::area::Column;
    match scope.scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(Column::MunicipalityId.eq(m)),
        ReadScope::PartnerOrganisation(o) => {
            Condition::all().add(Column::Id.in_subquery(areas_of_organisation(o, scope.day)))
        }
    }
}

/// Organisations are a shared registry that municipal roles read whole; a partner sees its own organisation
/// and those it sits at the table with: their partnerships run, in an area where its own runs.
pub(crate) fn organisations(scope: ScopeOn) -> Condition {
    use crate::entity::organisation::Column;
    match scope.scope {
        ReadScope::All | ReadScope::Municipality(_) => Condition::all(),
        ReadScope::PartnerOrganisation(o) => Condition::any().add(Column::Id.eq(o.organisation_id)).add(
            Column::Id.in_subquery(
                Query::select()
                    .column(area_partner::Column::OrganisationId)
                    .from(area_partner::Entity)
                    .cond_where(area_partners(scope))
                    .to_owned(),
            ),
        ),
    }
}

/// Partnerships: municipal roles read those of their municipality's areas, ended ones included (they manage
/// them); a partner reads the partnerships that run in the areas where its own runs.
pub(crate) fn area_partners(scope: ScopeOn) -> Condition {
    use crate::entity::area_partner::Column;
    match scope.scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(Column::AreaId.in_subquery(areas_of_municipality(m))),
        ReadScope::PartnerOrganisation(o) => Condition::all()
            .add(Column::AreaId.in_subquery(areas_of_organisation(o, scope.day)))
            .add(running_partnerships(scope.day)),
    }
}

/// What anyone may read without signing in (SPEC §12, Wet open overheid), which is no [`ReadScope`]: there is
/// no principal, and it reaches only the documents of one municipality of the kinds it publishes
/// (`publicKinds` in its calendar) that have a version in a public status, never another document.
/// `crate::public` reads through this condition and [`public_versions`] only.
pub(crate) fn published_documents(municipality_id: Uuid, kinds: &[DocumentKind]) -> Condition {
    Condition::all()
        .add(document::Column::MunicipalityId.eq(municipality_id))
        .add(document::Column::Kind.is_in(kinds.iter().map(|k| k.as_str())))
        // Correlated, so each document is looked up by its own versions (an index range): as `id IN (SELECT
        // document_id FROM versions WHERE status …)`, SQLite built the set of every published version's document
        // first, for each page, which took 7 ms and held the service's memory above 150 MiB under load.
        .add(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from_as(version::Entity, Alias::new("pv"))
                .and_where(
                    Expr::col((Alias::new("pv"), version::Column::DocumentId))
                        .equals((document::Entity, document::Column::Id)),
                )
                .and_where(
                    Expr::col((Alias::new("pv"), version::Column::Status)).is_in(PUBLIC_STATUSES.map(|s| s.as_str())),
                )
                .to_owned(),
        ))
}

/// The versions the public reads: adopted ones and those a later adoption superseded
/// ([`domain::access::PUBLIC_STATUSES`]); never a draft, a submitted or a withdrawn version.
pub(crate) fn public_versions() -> Condition {
    Condition::all().add(version::Column::Status.is_in(PUBLIC_STATUSES.map(|s| s.as_str())))
}
