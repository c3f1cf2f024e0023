//! The deadlines page (SPEC §12): the deadlines the API's `/deadlines` gives the person signed in, with a
//! filter form whose wrong values come back as a Dutch error summary with status 400.

use serde_json::json;

use crate::contributions::World;
use crate::pages_support::{html_page, page, sign_in};

/// The rows' first cells (what each deadline is about), in order.
fn subjects(text: &str) -> Vec<String> {
    text.split("<th class=\"utrecht-table__header-cell\" scope=\"row\">")
        .skip(1)
        .map(|s| s.split("</th>").next().unwrap_or_default().to_owned())
        .collect()
}

/// A contribution of the police to G1, agreed, due 31 December 2027; and one of the housing corporation,
/// which the police may not see.
async fn with_contributions(w: &World) {
    let id = w.propose(&w.partner, "G1").await.id();
    w.act(&w.coordinator, &id, "agree", None).await.ok(200);
    let mut theirs = w.proposal("G2", &w.housing);
    theirs["title"] = json!("Tien woningen voor starters vrijhouden");
    w.app.post("/api/v1/contributions", &w.coordinator, &theirs).await.ok(201);
}

#[tokio::test]
async fn the_coordinator_sees_the_municipalitys_deadlines_and_each_filter_narrows_them() {
    let w = World::new().await;
    with_contributions(&w).await;
    let cookie = sign_in(&w.app, &w.coordinator).await;

    let reply = page(&w.app, "/termijnen?jaar=2027", Some(&cookie)).await;
    let text = html_page(&reply, 200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    for field in ["gemeente", "gebied", "fase", "stand", "jaar"] {
        assert!(text.contains(&format!("for=\"{field}\"")), "a label for {field}: {text}");
        assert!(text.contains(&format!("id=\"{field}\"")), "the field {field}: {text}");
    }
    assert!(text.contains(">Filteren</button>") && text.contains("<form method=\"get\" action=\"/termijnen\""));
    assert!(text.contains("<caption") && text.contains("scope=\"col\""));
    assert!(text.contains("<option value=\"plan\">gebiedsplan</option>"), "Dutch labels, English codes: {text}");
    let all = subjects(text);
    assert!(all.iter().any(|s| s == "gebiedsplan"), "{all:?}");
    assert!(all.contains(&"bijdrage ‘Wijkagent twee dagdelen per week in de kern’ van Politie Oost-Nederland".into()));
    assert!(
        all.contains(&"bijdrage ‘Tien woningen voor starters vrijhouden’ van Woningcorporatie Kleurrijk Wonen".into())
    );
    assert!(text.contains("31 december 2027"), "the due date in Dutch: {text}");
    assert!(text.contains(&format!("href=\"/gebieden/{}/cyclus/2027\">Gebied WB-OOST</a>", w.area)), "{text}");
    assert!(text.contains("Gebied WB-WEST"));
    assert!(text.contains("<span class=\"gc-state gc-state--"), "the state in words inside its colour: {text}");

    let plans = page(&w.app, "/termijnen?jaar=2027&fase=plan", Some(&cookie)).await;
    let plans = subjects(html_page(&plans, 200));
    assert!(!plans.is_empty() && plans.iter().all(|s| s == "gebiedsplan"), "{plans:?}");
    assert!(
        html_page(&page(&w.app, "/termijnen?jaar=2027&fase=plan", Some(&cookie)).await, 200)
            .contains("<option value=\"plan\" selected>gebiedsplan</option>")
    );

    let oost = page(&w.app, &format!("/termijnen?jaar=2027&gebied={}", w.area), Some(&cookie)).await;
    let text = html_page(&oost, 200);
    assert!(text.contains("Gebied WB-OOST</a>") && !text.contains("Gebied WB-WEST</a>"), "{text}");

    let open = page(&w.app, "/termijnen?jaar=2027&stand=not_applicable", Some(&cookie)).await;
    let text = html_page(&open, 200);
    assert!(text.contains("niet van toepassing") && !text.contains("gc-state--open\""), "{text}");
    let other_year = page(&w.app, "/termijnen?jaar=2030&fase=contribution", Some(&cookie)).await;
    assert!(html_page(&other_year, 200).contains("Geen termijnen die bij deze filters passen."));

    // The overview links here, for its year.
    let m = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await.body["municipalityId"]
        .as_str()
        .expect("municipality")
        .to_owned();
    let overview = page(&w.app, &format!("/gemeenten/{m}/overzicht?jaar=2027"), Some(&cookie)).await;
    assert!(html_page(&overview, 200).contains(&format!("href=\"/termijnen?gemeente={m}&#38;jaar=2027\"")));
}

#[tokio::test]
async fn a_partner_sees_its_own_deadlines_and_neither_analyses_nor_another_organisations() {
    let w = World::new().await;
    with_contributions(&w).await;
    let cookie = sign_in(&w.app, &w.partner).await;

    let reply = page(&w.app, "/termijnen", Some(&cookie)).await;
    let text = html_page(&reply, 200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let all = subjects(text);
    assert!(all.contains(&"bijdrage ‘Wijkagent twee dagdelen per week in de kern’ van Politie Oost-Nederland".into()));
    assert!(!text.contains("Tien woningen"), "not another organisation's: {all:?}");
    assert!(!all.iter().any(|s| s == "gebiedsanalyse"), "no analysis for a partner: {all:?}");
    assert!(!text.contains("<option value=\"analysis\""), "no analysis to choose: {text}");
    assert!(!text.contains("id=\"gemeente\""), "a partner has no municipality to choose: {text}");
    assert!(!text.contains("Gebied WB-WEST"), "only the areas where the police take part: {text}");

    // What the API shows the partner, the page shows.
    let api = w.app.get("/api/v1/deadlines?pageSize=200", &w.partner).await;
    assert_eq!(api.ok(200)["results"].as_array().map(Vec::len), Some(all.len()), "{all:?}");
}

#[tokio::test]
async fn wrong_filters_show_the_form_again_with_every_problem_in_a_dutch_error_summary() {
    let w = World::new().await;
    let cookie = sign_in(&w.app, &w.coordinator).await;

    let reply = page(&w.app, "/termijnen?jaar=abc&stand=nope&fase=x&gebied=y", Some(&cookie)).await;
    let text = html_page(&reply, 400);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(text.contains("class=\"utrecht-alert utrecht-alert--error\"") && text.contains("Er is een probleem"));
    for field in ["jaar", "stand", "fase", "gebied"] {
        assert!(text.contains(&format!("href=\"#{field}\"")), "the summary links to {field}: {text}");
        assert!(text.contains(&format!("id=\"{field}-fout\"")), "the message beside {field}: {text}");
    }
    assert_eq!(text.matches("aria-invalid=\"true\"").count(), 4, "{text}");
    assert!(text.contains("Vul het jaar in cijfers in, bijvoorbeeld 2027."), "{text}");
    assert!(text.contains("Kies een stand uit de lijst."), "{text}");
    assert!(text.contains(">Filteren</button>") && !text.contains("<caption"), "the form, no table: {text}");

    let out_of_range = page(&w.app, "/termijnen?jaar=1999", Some(&cookie)).await;
    assert!(html_page(&out_of_range, 400).contains("Vul een jaar in van 2000 tot en met 2100."));
    let bad_cursor = page(&w.app, "/termijnen?cursor=kapot", Some(&cookie)).await;
    assert!(html_page(&bad_cursor, 400).contains("href=\"#filteren\""), "{}", bad_cursor.text);

    let admin = sign_in(&w.app, &w.app.admin).await;
    let wrong = page(&w.app, "/termijnen?gemeente=geen-id", Some(&admin)).await;
    assert!(html_page(&wrong, 400).contains("href=\"#gemeente\""), "{}", wrong.text);
    let fine = page(&w.app, "/termijnen?jaar=2027", Some(&admin)).await;
    assert!(html_page(&fine, 200).contains("<option value=\"\">Alle gemeenten</option>"));
}

#[tokio::test]
async fn a_signed_out_visitor_is_sent_to_sign_in() {
    let w = World::new().await;
    let reply = page(&w.app, "/termijnen?jaar=2027", None).await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.header("location"), Some("/inloggen"));
}
