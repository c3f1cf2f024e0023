//! What anyone reads without signing in (SPEC §12, Wet open overheid): the municipalities, their areas, and
//! per area the adopted versions in force of the kinds the municipality publishes (its calendar's
//! `publicKinds`). There is no principal: every document is read through [`persistence::public`] with the
//! municipality's [`PublicScope`], and checked once more against [`access::publicly_readable`]. What is not
//! published is "not found", exactly as what does not exist.

use std::collections::{BTreeMap, HashMap};

use domain::access;
use domain::content::{Content, DocumentKind};
use persistence::ConnectionTrait;
use persistence::areas::Area;
use persistence::documents::{Document, Version};
use persistence::municipalities::Municipality;
use persistence::public::{self as store, PublicScope};
use uuid::Uuid;

use super::content::stored_content;
use super::results::Measured;
use super::{Error, Result};

/// A municipality with its areas.
pub struct MunicipalityAreas {
    pub municipality: Municipality,
    pub areas: Vec<Area>,
}

/// An area with its published documents, each with the version in force.
pub struct AreaDocuments {
    pub municipality: Municipality,
    pub area: Area,
    pub documents: Vec<(Document, Version)>,
}

/// A published document, its version in force and that version's typed content.
pub struct PublishedDocument {
    pub municipality: Municipality,
    pub area: Area,
    pub document: Document,
    pub version: Version,
    pub content: Content,
    /// The names of the organisations owning a plan's measures and of the contributions a monitor assesses.
    pub names: HashMap<Uuid, String>,
    /// The titles of the goals a monitor assesses, by key, when the agenda they belong to is published.
    pub goal_titles: HashMap<String, String>,
    /// For an agenda, what the area's published monitors measured per result key (empty when monitors are
    /// not published: their numbers are then not public either).
    pub measured: BTreeMap<String, Vec<Measured>>,
}

/// Every municipality, by name.
pub async fn municipalities<C: ConnectionTrait>(conn: &C) -> Result<Vec<Municipality>> {
    Ok(store::municipalities(conn).await?)
}

pub async fn municipality<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<MunicipalityAreas> {
    let municipality = store::municipality(conn, id).await?;
    let areas = store::areas(conn, id).await?;
    Ok(MunicipalityAreas { municipality, areas })
}

pub async fn area<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<AreaDocuments> {
    let area = store::area(conn, id).await?;
    let municipality = store::municipality(conn, area.municipality_id).await?;
    let scope = PublicScope::of(&municipality);
    let documents = store::documents_in_force(conn, &scope, id)
        .await?
        .into_iter()
        .filter(|(d, v)| access::publicly_readable(d.kind, v.summary.status, scope.kinds()))
        .collect();
    Ok(AreaDocuments { municipality, area, documents })
}

pub async fn document<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<PublishedDocument> {
    let municipality = store::municipality(conn, store::municipality_of_document(conn, id).await?).await?;
    let scope = PublicScope::of(&municipality);
    let (document, version) = store::in_force(conn, &scope, id).await?;
    if !access::publicly_readable(document.kind, version.summary.status, scope.kinds()) {
        return Err(Error::NotFound);
    }
    let area = store::area(conn, document.area_id).await?;
    let content = stored_content(document.kind, &version.content)?;
    let mut names = HashMap::new();
    let mut goal_titles = HashMap::new();
    let mut measured: BTreeMap<String, Vec<Measured>> = BTreeMap::new();
    match &content {
        Content::Plan(plan) => {
            let owners: Vec<Uuid> = plan.measures.iter().filter_map(|m| m.owner_organisation_id).collect();
            names = persistence::names::organisations(conn, &owners).await?;
        }
        Content::Monitor(monitor) => {
            let ids: Vec<Uuid> = monitor.contribution_assessments.iter().map(|c| c.contribution_id).collect();
            let labels = persistence::names::contributions(conn, &ids).await?;
            names = labels.into_iter().map(|(id, label)| (id, label.title)).collect();
            if let Some(agenda) = store::agenda_in_force(conn, &scope, document.area_id, document.period_start).await?
                && let Content::Agenda(agenda) = stored_content(DocumentKind::Agenda, &agenda.content)?
            {
                goal_titles = agenda.goals.into_iter().map(|g| (g.key, g.title)).collect();
            }
        }
        Content::Agenda(_) => {
            for (monitor, version) in store::documents_in_force(conn, &scope, document.area_id).await? {
                if monitor.kind != DocumentKind::Monitor {
                    continue;
                }
                if let Content::Monitor(m) = stored_content(DocumentKind::Monitor, &version.content)? {
                    for value in m.goal_assessments.iter().flat_map(|g| &g.result_values) {
                        if let Some(v) = value.value {
                            let year = monitor.period_start;
                            measured.entry(value.result_key.clone()).or_default().push(Measured { year, value: v });
                        }
                    }
                }
            }
            for series in measured.values_mut() {
                series.sort_by_key(|m| m.year);
            }
        }
        Content::Analysis(_) => {}
    }
    Ok(PublishedDocument { municipality, area, document, version, content, names, goal_titles, measured })
}
