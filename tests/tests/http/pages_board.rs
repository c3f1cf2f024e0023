//! The area cycle board as a page (SPEC §12): the four stages of a year with the latest and in-force version,
//! the deadline in words and colour, links to the documents, and the area's partners, as the board and
//! partners APIs give them to the person signed in.

use serde_json::json;

use crate::contributions::World;
use crate::pages_support::{html_page, page, sign_in};

/// The document id of a stage on the API's board, to check the page links to it.
async fn document_of(w: &World, area: &str, year: i32, stage: usize) -> String {
    let board = w.app.get(&format!("/api/v1/areas/{area}/cycles/{year}"), &w.coordinator).await;
    board.ok(200)["stages"][stage]["documentId"].as_str().expect("a document").to_owned()
}

async fn other_area(w: &World) -> String {
    let areas = w.app.get("/api/v1/areas?code=WB-WEST", &w.coordinator).await;
    areas.ok(200)["results"][0]["id"].as_str().expect("WB-WEST").to_owned()
}

#[tokio::test]
async fn the_board_shows_the_four_stages_with_versions_deadlines_document_links_and_partners() {
    let w = World::new().await;
    let analysis = document_of(&w, &w.area, 2026, 0).await;
    let cookie = sign_in(&w.app, &w.coordinator).await;

    let reply = page(&w.app, &format!("/gebieden/{}/cyclus/2026", w.area), Some(&cookie)).await;
    let text = html_page(&reply, 200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(text.contains("<title>Gebied WB-OOST: gebiedscyclus 2026 – Gebiedscyclus</title>"), "{text}");
    assert_eq!(text.matches("<h1").count(), 1, "one h1");
    for words in ["gebiedsanalyse", "gebiedsagenda", "gebiedsplan", "gebiedsmonitor"] {
        assert!(text.contains(&format!("scope=\"row\">{words}</th>")), "{words} as a row: {text}");
    }
    assert!(text.contains("versie 1, vastgesteld"), "the latest version in Dutch: {text}");
    assert!(text.contains("vastgesteld op 23 november 2026"), "the version in force with its day: {text}");
    assert!(text.contains(&format!("href=\"/documenten/{analysis}\"")), "a link to the analysis: {text}");
    assert!(text.contains("nog geen document"), "the plan has none: {text}");
    assert!(text.contains("uiterlijk 1 maart 2026"), "the analysis deadline in Dutch: {text}");
    assert!(text.contains("<span class=\"gc-state gc-state--"), "the state in its colour class: {text}");
    assert!(text.contains("termijn: te laat gehaald"), "adopted after 1 March: met late, in words: {text}");
    assert!(text.contains("<caption") && text.contains("scope=\"col\""));
    // The partners, with their kind in Dutch.
    for words in ["Politie Oost-Nederland", "politie", "Woningcorporatie Kleurrijk Wonen", "woningcorporatie"] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert!(text.contains("geen begindatum") && text.contains("geen einddatum"));
    // The year switcher, the deadlines of this area, the municipality's overview.
    assert!(text.contains(&format!("href=\"/gebieden/{}/cyclus/2025\"", w.area)), "previous year");
    assert!(text.contains(&format!("href=\"/gebieden/{}/cyclus/2027\"", w.area)), "next year");
    assert!(text.contains(&format!("href=\"/termijnen?gebied={}&#38;jaar=2026\"", w.area)), "deadlines: {text}");
    assert!(text.contains("/overzicht?jaar=2026\""), "the overview: {text}");

    // The agenda whose period starts in 2027 is submitted, not adopted.
    let next = page(&w.app, &format!("/gebieden/{}/cyclus/2027", w.area), Some(&cookie)).await;
    let text = html_page(&next, 200);
    assert!(text.contains("versie 1, ingediend"), "{text}");
    assert!(text.contains(&format!("href=\"/documenten/{}\"", w.agenda)), "{text}");
    assert!(text.contains("geen vastgestelde versie"), "{text}");
}

#[tokio::test]
async fn a_partner_sees_the_board_of_its_own_area_without_the_analysis_and_not_another_area() {
    let w = World::new().await;
    w.act_on_version(&w.agenda, 1, "adopt").await.ok(200);
    let elsewhere = other_area(&w).await;
    let cookie = sign_in(&w.app, &w.partner).await;

    let reply = page(&w.app, &format!("/gebieden/{}/cyclus/2027", w.area), Some(&cookie)).await;
    let text = html_page(&reply, 200);
    assert!(text.contains(&format!("href=\"/documenten/{}\"", w.agenda)), "the adopted agenda: {text}");
    assert!(text.contains("versie 1, vastgesteld"), "{text}");
    assert!(text.contains("deze fase is voor u niet zichtbaar"), "no analysis for a partner: {text}");
    assert!(!text.contains("/overzicht"), "no link to an overview a partner may not see: {text}");
    assert!(text.contains("Woningcorporatie Kleurrijk Wonen"), "the partner beside it: {text}");
    let analysis = page(&w.app, &format!("/gebieden/{}/cyclus/2026", w.area), Some(&cookie)).await;
    assert!(!html_page(&analysis, 200).contains("gebiedsanalyse openen"), "no analysis document for a partner");

    let refused = page(&w.app, &format!("/gebieden/{elsewhere}/cyclus/2027"), Some(&cookie)).await;
    let api = w.app.get(&format!("/api/v1/areas/{elsewhere}/cycles/2027"), &w.partner).await;
    let text = html_page(&refused, api.status.as_u16());
    assert!(text.contains("Pagina niet gevonden"), "as the API: a Dutch 404: {text}");
    assert!(!text.contains("Gebied WB-WEST"), "nothing about the area: {text}");
}

#[tokio::test]
async fn a_bad_area_or_year_is_a_dutch_page_and_a_signed_out_visitor_is_sent_to_sign_in() {
    let w = World::new().await;
    let cookie = sign_in(&w.app, &w.coordinator).await;
    let unknown = "01a22d03-3350-77d9-aeb9-667fb87f81e4";
    for path in ["/gebieden/geen-id/cyclus/2026".to_owned(), format!("/gebieden/{unknown}/cyclus/2026")] {
        let text = html_page(&page(&w.app, &path, Some(&cookie)).await, 404).to_owned();
        assert!(text.contains("Pagina niet gevonden"), "{path}: {text}");
    }
    for year in ["twee", "1999", "99999999999"] {
        let reply = page(&w.app, &format!("/gebieden/{}/cyclus/{year}", w.area), Some(&cookie)).await;
        assert!(html_page(&reply, 400).contains("Deze vraag klopt niet"), "{year}: {}", reply.text);
    }
    let other = w.app.municipality("Oldambt").await;
    let theirs = w.app.area(&other, "OL-1").await;
    let reply = page(&w.app, &format!("/gebieden/{theirs}/cyclus/2026"), Some(&cookie)).await;
    html_page(&reply, 404);

    let signed_out = page(&w.app, &format!("/gebieden/{}/cyclus/2026", w.area), None).await;
    assert_eq!(signed_out.status, 303);
    assert_eq!(signed_out.header("location"), Some("/inloggen"));
    let viewer = w.app.token(json!({"role": "viewer", "municipalityId": other})).await;
    let viewer = sign_in(&w.app, &viewer).await;
    html_page(&page(&w.app, &format!("/gebieden/{}/cyclus/2026", w.area), Some(&viewer)).await, 404);
}
