//! The public pages (openbaar, SPEC §12, Wet open overheid): without signing in, anyone reads a municipality's
//! areas and their adopted agendas, plans and monitors (analyses where `publicKinds` lists them), never a
//! draft, a submitted version or a check-in; every other page stays behind the sign-in.

use reqwest::Method;
use serde_json::json;
use tests::{Reply, TestApp};

use crate::contributions::World;
use crate::pages_support::{html_page, page, sign_in};

/// The world of the contribution tests with its agenda adopted (on 23 November 2026), and its municipality.
async fn adopted() -> (World, String) {
    let w = World::new().await;
    w.act_on_version(&w.agenda, 1, "adopt").await.ok(200);
    let m = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await.ok(200)["municipalityId"]
        .as_str()
        .unwrap()
        .to_owned();
    (w, m)
}

async fn analysis_of(w: &World) -> String {
    let list = w.app.get(&format!("/api/v1/documents?areaId={}&kind=analysis", w.area), &w.coordinator).await;
    list.ok(200)["results"][0]["id"].as_str().unwrap().to_owned()
}

async fn set_public_kinds(w: &World, m: &str, kinds: serde_json::Value) {
    let path = format!("/api/v1/municipalities/{m}");
    let etag = w.app.get(&path, &w.coordinator).await.etag();
    w.app.patch(&path, &w.coordinator, &etag, &json!({"calendar": {"publicKinds": kinds}})).await.ok(200);
}

fn not_found(reply: &Reply) {
    let text = html_page(reply, 404);
    assert!(text.contains("Pagina niet gevonden"), "{text}");
}

#[tokio::test]
async fn signed_out_anyone_reads_an_adopted_agenda_from_the_list_of_municipalities_down() {
    let (w, m) = adopted().await;
    let app = &w.app;

    let list = page(app, "/openbaar", None).await;
    let text = html_page(&list, 200);
    assert!(text.contains(&format!("href=\"/openbaar/gemeenten/{m}\">West Betuwe</a>")), "{text}");
    assert!(list.header("content-security-policy").is_some_and(|c| !c.contains("unsafe-inline")));
    assert_eq!(list.header("cache-control"), None, "signed out, a public page may be kept");

    let municipality = page(app, &format!("/openbaar/gemeenten/{m}"), None).await;
    let text = html_page(&municipality, 200);
    assert!(text.contains(&format!("href=\"/openbaar/gebieden/{}\">Gebied WB-OOST</a>", w.area)), "{text}");
    assert!(text.contains("Gebied WB-WEST"));
    assert!(text.contains("gebiedsagenda, gebiedsplan, gebiedsmonitor"), "what it publishes: {text}");

    let area = page(app, &format!("/openbaar/gebieden/{}", w.area), None).await;
    let text = html_page(&area, 200);
    assert!(
        text.contains(&format!("href=\"/openbaar/documenten/{}\">gebiedsagenda 2027–2030</a>", w.agenda)),
        "{text}"
    );
    assert!(text.contains("23 november 2026"), "the adoption date in Dutch: {text}");
    assert!(text.contains("<caption") && text.contains("scope=\"col\"") && text.contains("scope=\"row\""));

    let document = page(app, &format!("/openbaar/documenten/{}", w.agenda), None).await;
    let text = html_page(&document, 200);
    assert!(text.contains("<h1 class=\"utrecht-heading-1\">Gebiedsagenda Gebied WB-OOST 2027–2030</h1>"), "{text}");
    for words in [
        "<dt>Gemeente</dt><dd>West Betuwe</dd>",
        "<dt>Periode</dt><dd>2027–2030</dd>",
        "<dt>Vastgesteld op</dt><dd>23 november 2026</dd>",
        "<dt>Versie</dt><dd>1</dd>",
        "Veilige en leefbare kernen",
        "G1: Doel G1",
        "G2: Doel G2",
        "veiligheid",
        "regisseren",
        "gc-print-footer",
    ] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert!(!text.contains("Uitloggen"), "nobody is signed in");

    // Signed in, the same page, not stored.
    let cookie = sign_in(app, &w.coordinator).await;
    let signed_in = page(app, &format!("/openbaar/documenten/{}", w.agenda), Some(&cookie)).await;
    assert!(html_page(&signed_in, 200).contains("Uitloggen"));
    assert_eq!(signed_in.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn a_draft_a_submitted_version_and_an_analysis_are_not_public() {
    let w = World::new().await;
    let m = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await.ok(200)["municipalityId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Submitted, not adopted: not there, and not listed.
    not_found(&page(&w.app, &format!("/openbaar/documenten/{}", w.agenda), None).await);
    let area = page(&w.app, &format!("/openbaar/gebieden/{}", w.area), None).await;
    let text = html_page(&area, 200);
    assert!(!text.contains("/openbaar/documenten/"), "{text}");
    assert!(text.contains("nog geen documenten vastgesteld"), "{text}");
    // An adopted analysis, while publicKinds leaves analyses out.
    let analysis = analysis_of(&w).await;
    not_found(&page(&w.app, &format!("/openbaar/documenten/{analysis}"), None).await);

    // Adopted, then a new draft: the page shows the version in force, never the draft.
    w.act_on_version(&w.agenda, 1, "adopt").await.ok(200);
    let draft = w.app.post(&format!("/api/v1/documents/{}/versions", w.agenda), &w.coordinator, &json!({})).await;
    let n = draft.ok(201)["number"].as_i64().unwrap();
    w.save(&w.agenda, n, crate::contributions::agenda_content(&["G1", "G2", "GEHEIM"])).await;
    let shown = page(&w.app, &format!("/openbaar/documenten/{}", w.agenda), None).await;
    let text = html_page(&shown, 200);
    assert!(text.contains("G1: Doel G1") && !text.contains("GEHEIM"), "{text}");
    assert!(text.contains("<dt>Versie</dt><dd>1</dd>"), "{text}");
    w.act_on_version(&w.agenda, n, "submit").await.ok(200);
    assert!(
        !html_page(&page(&w.app, &format!("/openbaar/documenten/{}", w.agenda), None).await, 200).contains("GEHEIM")
    );

    // Ids that are no document are the same 404.
    not_found(&page(&w.app, "/openbaar/documenten/01900000-0000-7000-8000-000000000000", None).await);
    not_found(&page(&w.app, "/openbaar/documenten/geen-id", None).await);
    not_found(&page(&w.app, "/openbaar/gebieden/01900000-0000-7000-8000-000000000000", None).await);
    not_found(&page(&w.app, "/openbaar/gemeenten/geen-id", None).await);
    assert!(html_page(&page(&w.app, &format!("/openbaar/gemeenten/{m}"), None).await, 200).contains("WB-OOST"));
}

#[tokio::test]
async fn an_analysis_is_public_once_public_kinds_lists_it_and_nothing_is_when_the_list_is_empty() {
    let (w, m) = adopted().await;
    let analysis = analysis_of(&w).await;
    not_found(&page(&w.app, &format!("/openbaar/documenten/{analysis}"), None).await);

    set_public_kinds(&w, &m, json!(["analysis", "agenda"])).await;
    let shown = page(&w.app, &format!("/openbaar/documenten/{analysis}"), None).await;
    let text = html_page(&shown, 200);
    assert!(text.contains("Gebiedsanalyse Gebied WB-OOST 2026") && text.contains("Inbraken nemen toe"), "{text}");
    let area = page(&w.app, &format!("/openbaar/gebieden/{}", w.area), None).await;
    let text = html_page(&area, 200);
    assert!(text.contains("gebiedsanalyse 2026") && text.contains("gebiedsagenda 2027–2030"), "{text}");

    set_public_kinds(&w, &m, json!([])).await;
    not_found(&page(&w.app, &format!("/openbaar/documenten/{analysis}"), None).await);
    not_found(&page(&w.app, &format!("/openbaar/documenten/{}", w.agenda), None).await);
    let area = page(&w.app, &format!("/openbaar/gebieden/{}", w.area), None).await;
    assert!(!html_page(&area, 200).contains("/openbaar/documenten/"));
    let municipality = page(&w.app, &format!("/openbaar/gemeenten/{m}"), None).await;
    assert!(html_page(&municipality, 200).contains("maakt (nog) geen gebiedsdocumenten openbaar"));
}

#[tokio::test]
async fn nothing_but_the_public_pages_is_reachable_signed_out_and_no_check_in_shows_there() {
    let (w, m) = adopted().await;
    let c = w.propose(&w.coordinator, "G1").await.ok(201)["id"].as_str().unwrap().to_owned();
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    w.act(&w.partner, &c, "start", None).await.ok(200);
    let report = json!({"date": "2026-11-20", "progressPercent": 40, "confidence": "at_risk",
                        "note": "Vertrouwelijke voortgang"});
    w.check_in(&w.partner, &c, report).await.ok(201);

    for path in [
        "/".to_owned(),
        "/gemeenten".to_owned(),
        format!("/gemeenten/{m}/overzicht"),
        "/mijn-bijdragen".to_owned(),
        format!("/gebieden/{}/cyclus/2027", w.area),
        "/termijnen".to_owned(),
        format!("/documenten/{}", w.agenda),
    ] {
        let reply = page(&w.app, &path, None).await;
        // Pages another helper is building may not exist here yet: a 404 is as unreachable as a redirect.
        match reply.status.as_u16() {
            303 => assert_eq!(reply.header("location"), Some("/inloggen"), "{path}"),
            404 => {}
            other => panic!("{path} answered {other} signed out: {}", reply.text),
        }
    }
    let api = TestApp::send(w.app.request(Method::GET, &format!("/api/v1/documents/{}", w.agenda), None)).await;
    assert_eq!(api.status, 401);

    for path in [
        "/openbaar".to_owned(),
        format!("/openbaar/gemeenten/{m}"),
        format!("/openbaar/gebieden/{}", w.area),
        format!("/openbaar/documenten/{}", w.agenda),
    ] {
        let text = html_page(&page(&w.app, &path, None).await, 200).to_owned();
        assert!(!text.contains("Vertrouwelijke voortgang") && !text.contains("gc_"), "{path}: {text}");
    }
}

#[tokio::test]
async fn the_stylesheet_has_a_print_layout_and_the_sign_in_page_links_to_the_public_pages() {
    let app = TestApp::spawn().await;
    let sign_in_page = page(&app, "/inloggen", None).await;
    let text = html_page(&sign_in_page, 200);
    assert!(text.contains("href=\"/openbaar\">Openbare pagina's</a>"), "{text}");
    let start = text.find("/assets/site.").expect("a stylesheet link");
    let end = text[start..].find('"').unwrap() + start;
    let css = page(&app, &text[start..end], None).await;
    assert_eq!(css.status, 200);
    assert!(css.text.contains("@media print"), "a print layout");
    assert!(css.text.contains(".gc-print-footer"));
    let home = page(&app, "/", None).await;
    assert_eq!((home.status.as_u16(), home.header("location")), (303, Some("/inloggen")));
}
