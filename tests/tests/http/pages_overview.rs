//! The municipality overview and a partner's contributions as pages (issue 18): the same operations as the
//! dashboard and deadline APIs, in Dutch words, with the state in words as well as colour.

use chrono::{TimeZone, Utc};
use serde_json::json;
use tests::TestApp;

use crate::contributions::World;
use crate::pages_support::{html_page, page, sign_in};

#[tokio::test]
async fn the_overview_shows_each_area_against_the_four_stages_in_dutch_words() {
    let app = TestApp::spawn().await;
    app.set_now(Utc.with_ymd_and_hms(2027, 1, 10, 10, 0, 0).unwrap());
    let m = app.municipality("West Betuwe").await;
    let oost = app.area(&m, "WB-OOST").await;
    app.area(&m, "WB-WEST").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let cookie = sign_in(&app, &coordinator).await;

    let reply = page(&app, &format!("/gemeenten/{m}/overzicht?jaar=2027"), Some(&cookie)).await;
    let text = html_page(&reply, 200);
    assert!(text.contains("<title>Overzicht West Betuwe 2027 – Gebiedscyclus</title>"), "{text}");
    assert_eq!(text.matches("<h1").count(), 1, "one h1");
    for words in ["gebiedsanalyse", "gebiedsagenda", "gebiedsplan", "gebiedsmonitor", "nog niet begonnen"] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert!(
        text.contains(&format!("<a class=\"utrecht-link\" href=\"/gebieden/{oost}/cyclus/2027\">Gebied WB-OOST</a>"))
    );
    assert!(text.contains("Gebied WB-WEST"));
    assert!(text.contains("<caption") && text.contains("scope=\"col\"") && text.contains("scope=\"row\""));
    assert!(text.contains("Stand van 10 januari 2027."), "the day in Dutch: {text}");
    // Every state is a word inside the element whose class colours it.
    let states = text.matches("<span class=\"gc-state gc-state--").count();
    assert!(states >= 8, "a state for each area and stage: {text}");
    assert!(text.contains("termijn: "), "{text}");
    for words in ["risico", "uit koers", "gebroken toezeggingen", "Verlopen", "Binnenkort"] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert!(text.contains(&format!("href=\"/gemeenten/{m}/overzicht?jaar=2026\"")), "previous year");
    assert!(text.contains(&format!("href=\"/gemeenten/{m}/overzicht?jaar=2028\"")), "next year");
    let next = page(&app, &format!("/gemeenten/{m}/overzicht?jaar=2028"), Some(&cookie)).await;
    assert!(html_page(&next, 200).contains("Overzicht West Betuwe 2028"));
    let this_year = page(&app, &format!("/gemeenten/{m}/overzicht"), Some(&cookie)).await;
    assert!(html_page(&this_year, 200).contains("Overzicht West Betuwe 2027"), "this year by default");
}

#[tokio::test]
async fn a_bad_year_or_another_municipality_is_a_dutch_page_never_a_problem_or_500() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let other = app.municipality("Oldambt").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let cookie = sign_in(&app, &coordinator).await;
    for year in ["twee", "1999", "99999999999"] {
        let reply = page(&app, &format!("/gemeenten/{m}/overzicht?jaar={year}"), Some(&cookie)).await;
        assert!(html_page(&reply, 400).contains("Deze vraag klopt niet"), "{year}: {}", reply.text);
    }
    for path in [format!("/gemeenten/{other}/overzicht"), "/gemeenten/geen-id/overzicht".into()] {
        html_page(&page(&app, &path, Some(&cookie)).await, 404);
    }
}

#[tokio::test]
async fn a_partner_is_refused_the_overview_and_sees_its_own_contributions_in_dutch() {
    let w = World::new().await;
    let id = w.propose(&w.partner, "G1").await.id();
    w.act(&w.coordinator, &id, "agree", None).await.ok(200);
    let m = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await.body["municipalityId"]
        .as_str()
        .expect("municipality")
        .to_owned();
    let cookie = sign_in(&w.app, &w.partner).await;

    let refused = page(&w.app, &format!("/gemeenten/{m}/overzicht"), Some(&cookie)).await;
    assert!(html_page(&refused, 403).contains("Geen toegang"), "{}", refused.text);

    let mine = page(&w.app, "/mijn-bijdragen", Some(&cookie)).await;
    let text = html_page(&mine, 200);
    for words in
        ["Wijkagent twee dagdelen per week in de kern", "Doel G1", "Gebied WB-OOST", "toegezegd", "31 december 2027"]
    {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert_eq!(mine.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn a_partner_with_many_contributions_reads_them_fifty_at_a_time() {
    let w = World::new().await;
    for _ in 0..51 {
        w.propose(&w.partner, "G1").await.ok(201);
    }
    let cookie = sign_in(&w.app, &w.partner).await;

    let first = page(&w.app, "/mijn-bijdragen", Some(&cookie)).await;
    let text = html_page(&first, 200);
    assert_eq!(text.matches("Wijkagent twee dagdelen per week in de kern").count(), 50, "{text}");
    let next = text.split("href=\"/mijn-bijdragen?na=").nth(1).expect("a link to the next page");
    let next = format!("/mijn-bijdragen?na={}", &next[..next.find('"').expect("end of the link")]);

    let second = page(&w.app, &next, Some(&cookie)).await;
    let text = html_page(&second, 200);
    assert_eq!(text.matches("Wijkagent twee dagdelen per week in de kern").count(), 1, "{text}");
    assert!(!text.contains("Volgende bijdragen"), "{text}");
    assert!(text.contains("Eerste bijdragen"), "{text}");

    let broken = page(&w.app, "/mijn-bijdragen?na=geen-id", Some(&cookie)).await;
    assert!(html_page(&broken, 400).contains("volgende pagina klopt niet"), "{}", broken.text);
}

#[tokio::test]
async fn the_overview_shows_the_twenty_most_urgent_overdue_deadlines_and_links_to_the_rest() {
    let w = World::new().await;
    let m = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await.body["municipalityId"].clone();
    let m = m.as_str().unwrap().to_owned();
    let cookie = sign_in(&w.app, &w.coordinator).await;
    let overview = format!("/gemeenten/{m}/overzicht?jaar=2026");
    let propose = async |n: u32| {
        let mut body = w.proposal("G1", &w.police);
        body["title"] = json!(format!("Toezegging nummer {n:02}"));
        body["dueDate"] = json!(format!("2026-10-{n:02}"));
        w.app.post("/api/v1/contributions", &w.coordinator, &body).await.ok(201);
    };
    // The two areas' plans, due on 1 July, are overdue too: with 18 promises there are twenty.
    for n in 1..=18 {
        propose(n).await;
    }
    let text = html_page(&page(&w.app, &overview, Some(&cookie)).await, 200).to_owned();
    assert_eq!(text.matches("gc-state--overdue\">verlopen").count(), 20, "all twenty: {text}");
    assert_eq!(text.matches("Toezegging nummer").count(), 18, "{text}");
    assert!(!text.contains("Alle verlopen termijnen"), "no link while all are shown: {text}");

    propose(19).await;
    let text = html_page(&page(&w.app, &overview, Some(&cookie)).await, 200).to_owned();
    assert_eq!(text.matches("gc-state--overdue\">verlopen").count(), 20, "the first twenty: {text}");
    assert!(text.contains("Toezegging nummer 18") && !text.contains("Toezegging nummer 19"), "the oldest first");
    let link = format!(
        "href=\"/termijnen?gemeente={m}&#38;jaar=2026&#38;stand=overdue\">Alle verlopen termijnen van 2026</a>"
    );
    assert!(text.contains(&link), "{text}");

    let all = page(&w.app, &format!("/termijnen?gemeente={m}&jaar=2026&stand=overdue"), Some(&cookie)).await;
    let all = html_page(&all, 200);
    assert_eq!(all.matches("Toezegging nummer").count(), 19, "the deadlines page has them all: {all}");
}
