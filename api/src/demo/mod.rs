//! Demo data for `serve --demo` (SPEC §10): the four municipalities of the seed documents with their areas
//! and kernen, the partner organisations the seeds name and their areas, and one token per role. Nothing is
//! loaded into a database that already holds municipalities, so a restart never doubles the data.

use std::collections::HashMap;

use anyhow::Context;
use domain::Parsed;
use domain::access::ReadScope;
use domain::area::{AreaDefinition, Locality, Partnership};
use domain::calendar::Calendar;
use domain::municipality::MunicipalityDefinition;
use domain::organisation::{GroupType, OrganisationKind, OrganisationProfile};
use domain::principal::Role;
use persistence::{Actor, Db};
use serde::Deserialize;
use uuid::Uuid;

mod contributions;
mod cycles;

const DATA: &str = include_str!("demo_data.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoData {
    municipalities: Vec<DemoMunicipality>,
    organisations: Vec<DemoOrganisation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoMunicipality {
    key: String,
    name: String,
    cbs_code: Option<String>,
    areas: Vec<DemoArea>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoArea {
    code: String,
    name: String,
    localities: Vec<Locality>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoOrganisation {
    name: String,
    kind: OrganisationKind,
    group_type: Option<GroupType>,
    has_cooperation_agreement: Option<bool>,
    partner_in: Vec<PartnerIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartnerIn {
    municipality: String,
    area_code: String,
}

/// A token the demo printed, with what it is for.
pub struct DemoToken {
    pub role: Role,
    pub scope: String,
    pub secret: String,
}

/// Loads the demo data if the database holds no municipality yet; returns the tokens it made.
pub async fn load_if_empty(db: &Db) -> anyhow::Result<Option<Vec<DemoToken>>> {
    let existing = persistence::municipalities::list(db.conn(), ReadScope::All, &Default::default(), None, 1).await?;
    if !existing.items.is_empty() {
        return Ok(None);
    }
    load(db).await.map(Some)
}

/// The West Betuwe areas with a whole cycle: between them they have every kind of partner the demo
/// contributions need (police, housing corporation, care, a dorpsraad).
const FULL_CYCLE_AREAS: [&str; 2] = ["WB-OOST", "WB-WEST"];

async fn load(db: &Db) -> anyhow::Result<Vec<DemoToken>> {
    let data: DemoData = serde_json::from_str(DATA).context("demo_data.json is malformed")?;
    let tx = db.begin(Actor::system("demo data")).await?;
    let mut municipality_ids: HashMap<String, Uuid> = HashMap::new();
    let mut area_ids: HashMap<(String, String), persistence::areas::Area> = HashMap::new();
    for m in &data.municipalities {
        let municipality = MunicipalityDefinition {
            name: m.name.clone(),
            cbs_code: m.cbs_code.clone(),
            calendar: Calendar::default(),
        };
        let municipality =
            Parsed::parse(municipality).map_err(|e| anyhow::anyhow!("demo municipality {}: {e}", m.name))?;
        let created = persistence::municipalities::create(&tx, municipality).await?;
        municipality_ids.insert(m.key.clone(), created.id);
        for a in &m.areas {
            let area = AreaDefinition {
                name: a.name.clone(),
                code: a.code.clone(),
                localities: a.localities.clone(),
                valid_from: None,
                valid_until: None,
            };
            let area = Parsed::parse(area).map_err(|e| anyhow::anyhow!("demo area {}: {e}", a.name))?;
            let area = persistence::areas::create(&tx, created.id, area).await?;
            area_ids.insert((m.key.clone(), a.code.clone()), area);
        }
    }
    let mut partner_token_org = None;
    let mut partners_by_area: HashMap<Uuid, cycles::AreaPartners> = HashMap::new();
    for o in &data.organisations {
        let profile = OrganisationProfile::parse(&o.name, o.kind, o.group_type, o.has_cooperation_agreement)
            .map_err(|e| anyhow::anyhow!("demo organisation {}: {e}", o.name))?;
        let created = persistence::organisations::create(&tx, profile).await?;
        for p in &o.partner_in {
            let area = area_ids
                .get(&(p.municipality.clone(), p.area_code.clone()))
                .with_context(|| format!("demo partner {} names unknown area {}", o.name, p.area_code))?;
            let open_ended = Parsed::parse(Partnership { since: None, until: None })
                .map_err(|e| anyhow::anyhow!("demo partnership: {e}"))?;
            persistence::partners::add(&tx, area, created.id, open_ended).await?;
            let slot = partners_by_area.entry(area.id).or_default();
            match o.kind {
                OrganisationKind::Police => slot.police = slot.police.or(Some(created.id)),
                OrganisationKind::HousingCorporation => slot.housing = slot.housing.or(Some(created.id)),
                OrganisationKind::Welfare | OrganisationKind::Care => slot.welfare = slot.welfare.or(Some(created.id)),
                OrganisationKind::ResidentsGroup => slot.residents = slot.residents.or(Some(created.id)),
                _ => {}
            }
            if o.kind == OrganisationKind::Police && p.municipality == "west-betuwe" && partner_token_org.is_none() {
                partner_token_org = Some((created.id, o.name.clone()));
            }
        }
    }
    tx.commit().await?;

    // Full cycles for two West Betuwe areas; documents in every other state elsewhere.
    let mut areas: Vec<&persistence::areas::Area> = area_ids.values().collect();
    areas.sort_by_key(|a| a.id);
    for (i, area) in areas.iter().enumerate() {
        let in_west_betuwe =
            area_ids.get(&("west-betuwe".to_owned(), area.code.clone())).is_some_and(|a| a.id == area.id);
        if in_west_betuwe && FULL_CYCLE_AREAS.contains(&area.code.as_str()) {
            let partners = partners_by_area.get(&area.id).copied().unwrap_or_default();
            let agendas = cycles::full_cycle(db, area, &partners).await?;
            contributions::for_cycle(db, &agendas, &partners).await?;
        } else {
            cycles::early_documents(db, area, i).await?;
        }
    }

    let west_betuwe = *municipality_ids.get("west-betuwe").context("demo data lacks West Betuwe")?;
    let mut editor_areas: Vec<_> = area_ids.iter().filter(|((m, _), _)| m == "west-betuwe").map(|(_, a)| a).collect();
    editor_areas.sort_by(|a, b| a.code.cmp(&b.code));
    let editor_areas: Vec<_> = editor_areas.into_iter().take(2).collect();
    let wb = Some(west_betuwe.to_string());
    let mut tokens = Vec::new();
    let mut issue =
        async |name: &str, role: Role, m: Option<String>, o: Option<Uuid>, areas: Vec<Uuid>, scope: String| {
            let (_, secret) = crate::commands::create_token(db, name, role, m.as_deref(), o, &areas).await?;
            tokens.push(DemoToken { role, scope, secret });
            anyhow::Ok(())
        };
    issue("demo administrator", Role::Admin, None, None, vec![], "everything".into()).await?;
    issue("demo opgaveregisseur West Betuwe", Role::Coordinator, wb.clone(), None, vec![], "West Betuwe".into())
        .await?;
    let names: Vec<_> = editor_areas.iter().map(|a| a.name.clone()).collect();
    issue(
        "demo gebiedsmakelaar West Betuwe",
        Role::AreaEditor,
        wb.clone(),
        None,
        editor_areas.iter().map(|a| a.id).collect(),
        format!("West Betuwe: {}", names.join(", ")),
    )
    .await?;
    if let Some((org, name)) = partner_token_org {
        issue("demo partner", Role::Partner, None, Some(org), vec![], name).await?;
    }
    issue("demo dashboard West Betuwe", Role::Viewer, wb, None, vec![], "West Betuwe".into()).await?;
    Ok(tokens)
}
