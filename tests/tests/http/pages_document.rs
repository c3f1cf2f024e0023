//! The document page (SPEC §12): a version readable, its history and readiness, the buttons for exactly the
//! transitions the person may take, every refusal as a Dutch error summary, the difference between two
//! versions by key, and a goal's results as a chart with a text alternative.

use reqwest::Method;
use serde_json::json;
use tests::{Reply, TestApp};

use crate::contributions::World;
use crate::pages_support::{csrf_of, html_page, page, post_form, sign_in};
use crate::version_rules::{Cycle, plan};

/// The values of every hidden `actie` field: the transitions the page offers.
fn actions(text: &str) -> Vec<String> {
    text.split("name=\"actie\" value=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_owned()).collect()
}

/// The revision the page's transition forms carry.
fn revision_of(text: &str) -> String {
    let marker = "name=\"revisie\" value=\"";
    let start = text.find(marker).unwrap_or_else(|| panic!("no revision in {text}")) + marker.len();
    text[start..start + text[start..].find('"').unwrap()].to_owned()
}

async fn status_via_api(app: &TestApp, token: &str, doc: &str, n: i64) -> String {
    let v = app.get(&format!("/api/v1/documents/{doc}/versions/{n}"), token).await;
    v.ok(200)["status"].as_str().unwrap().to_owned()
}

async fn municipality_of(app: &TestApp, token: &str, area: &str) -> String {
    let a = app.get(&format!("/api/v1/areas/{area}"), token).await;
    a.ok(200)["municipalityId"].as_str().unwrap().to_owned()
}

/// Takes `action` on version `n` the way a browser submits the page's form.
async fn take(app: &TestApp, cookie: &str, doc: &str, n: i64, action: &str, note: &str) -> Reply {
    let shown = page(app, &format!("/documenten/{doc}"), Some(cookie)).await;
    let text = html_page(&shown, 200);
    let (csrf, revision) = (csrf_of(&shown), revision_of(text));
    let form = [("csrf", csrf.as_str()), ("actie", action), ("revisie", revision.as_str()), ("toelichting", note)];
    post_form(app, &format!("/documenten/{doc}/versies/{n}/overgang"), &form, Some(cookie)).await
}

/// Sends a submitted version back to draft through the API.
async fn return_via_api(w: &World, doc: &str) {
    let path = format!("/api/v1/documents/{doc}/versions/1");
    let etag = w.app.get(&path, &w.coordinator).await.etag();
    let request = w.app.request(Method::POST, &format!("{path}/transitions"), Some(&w.coordinator));
    let body = json!({"action": "return", "note": "de cijfers ontbreken"});
    TestApp::send(request.header("If-Match", etag).json(&body)).await.ok(200);
}

#[tokio::test]
async fn each_role_sees_the_buttons_for_exactly_the_transitions_it_may_take() {
    let w = World::new().await;
    let m = municipality_of(&w.app, &w.coordinator, &w.area).await;
    let viewer = w.app.token(json!({"role": "viewer", "municipalityId": m})).await;
    let editor = w.app.token(json!({"role": "area_editor", "municipalityId": m, "areaIds": [w.area]})).await;
    let path = format!("/documenten/{}", w.agenda);
    let offered = async |token: &str| {
        let cookie = sign_in(&w.app, token).await;
        let reply = page(&w.app, &path, Some(&cookie)).await;
        actions(html_page(&reply, 200))
    };
    assert_eq!(offered(&w.coordinator).await, ["terugsturen", "vaststellen", "intrekken"]);
    assert_eq!(offered(&editor).await, ["intrekken"]);
    assert!(offered(&viewer).await.is_empty());
    assert!(offered(&w.partner).await.is_empty(), "a partner reads a submitted agenda but takes no transition");

    return_via_api(&w, &w.agenda).await;
    assert_eq!(offered(&editor).await, ["indienen", "intrekken"]);
    let cookie = sign_in(&w.app, &w.coordinator).await;
    let text = page(&w.app, &path, Some(&cookie)).await.text;
    assert!(text.contains("for=\"toelichting-intrekken\""), "withdrawing asks for a note: {text}");
    assert!(!text.contains("for=\"toelichting-indienen\""), "submitting does not");
}

#[tokio::test]
async fn a_coordinator_adopts_a_submitted_agenda_with_the_form_and_the_page_shows_it_in_force() {
    let w = World::new().await;
    let cookie = sign_in(&w.app, &w.coordinator).await;
    let before = page(&w.app, &format!("/documenten/{}", w.agenda), Some(&cookie)).await;
    let text = html_page(&before, 200);
    assert!(text.contains("<h1 class=\"utrecht-heading-1\">Gebiedsagenda 2027–2030</h1>"), "{text}");
    assert!(text.contains("Gebied WB-OOST") && text.contains("Versie in behandeling: versie 1"));
    assert!(text.contains("Gereed voor vaststelling?") && text.contains("Ja: geen regel"), "{text}");
    assert!(text.contains("Geen partner draagt bij aan doel G1."), "warnings in Dutch: {text}");
    assert!(text.contains("Doel G1") || text.contains("G1: Doel G1"), "{text}");
    assert!(text.contains("regisseren"), "the participation ladder in Dutch: {text}");

    let reply = take(&w.app, &cookie, &w.agenda, 1, "vaststellen", "").await;
    assert_eq!(reply.status, 303, "{}", reply.text);
    assert_eq!(reply.header("location"), Some(format!("/documenten/{}", w.agenda).as_str()));
    assert_eq!(status_via_api(&w.app, &w.coordinator, &w.agenda, 1).await, "adopted");

    let after = page(&w.app, &format!("/documenten/{}", w.agenda), Some(&cookie)).await;
    let text = html_page(&after, 200);
    assert!(text.contains("Versie in werking: versie 1") && text.contains("<strong>vastgesteld</strong>"), "{text}");
    assert!(text.contains("ingediend → vastgesteld") && text.contains("Vaststellen"), "the history: {text}");
    assert!(actions(text).is_empty(), "nothing to do with an adopted version");
}

#[tokio::test]
async fn an_adoption_the_rules_refuse_names_every_broken_rule_in_dutch_and_changes_nothing() {
    let c = Cycle::new().await;
    let agenda = c.submitted(&c.area, "agenda", 2027, crate::version_rules::agenda()).await;
    let body = json!({"agendaDocumentId": agenda, "goalKey": "G1", "organisationId": c.police,
                      "title": "Wijkagent in de kern", "kind": "capacity"});
    c.app.post("/api/v1/contributions", &c.coordinator, &body).await.ok(201);
    let cookie = sign_in(&c.app, &c.coordinator).await;

    let reply = take(&c.app, &cookie, &agenda, 1, "vaststellen", "").await;
    let text = html_page(&reply, 409);
    assert!(text.contains("role=\"alert\"") && text.contains("Versie 1 is niet vastgesteld"), "{text}");
    for sentence in [
        "Eén bijdrage aan deze agenda is nog voorgesteld; stem ermee in of trek haar in.",
        "Een gebiedsagenda die in 2027 begint, heeft een vastgestelde gebiedsanalyse van 2026 of 2027 nodig.",
    ] {
        assert!(text.contains(sentence), "{sentence} in {text}");
    }
    assert!(text.contains("<title>Fout: "), "the title says something went wrong");
    assert_eq!(status_via_api(&c.app, &c.coordinator, &agenda, 1).await, "submitted");
}

#[tokio::test]
async fn a_return_without_a_note_is_refused_with_a_summary_that_links_to_the_note() {
    let w = World::new().await;
    let cookie = sign_in(&w.app, &w.coordinator).await;
    let reply = take(&w.app, &cookie, &w.agenda, 1, "terugsturen", "   ").await;
    let text = html_page(&reply, 400);
    assert!(
        text.contains("<a class=\"utrecht-link\" href=\"#toelichting-terugsturen\">Vul een toelichting in"),
        "{text}"
    );
    assert!(text.contains("id=\"toelichting-terugsturen\"") && text.contains("aria-invalid=\"true\""), "{text}");
    assert_eq!(status_via_api(&w.app, &w.coordinator, &w.agenda, 1).await, "submitted");

    let reply = take(&w.app, &cookie, &w.agenda, 1, "terugsturen", "Graag cijfers per kern").await;
    assert_eq!(reply.status, 303, "{}", reply.text);
    let text = page(&w.app, &format!("/documenten/{}?versie=1", w.agenda), Some(&cookie)).await.text;
    assert!(text.contains("Graag cijfers per kern") && text.contains("ingediend → concept"), "{text}");
}

#[tokio::test]
async fn a_transition_without_the_forms_csrf_token_is_refused() {
    let w = World::new().await;
    let cookie = sign_in(&w.app, &w.coordinator).await;
    let shown = page(&w.app, &format!("/documenten/{}", w.agenda), Some(&cookie)).await;
    let revision = revision_of(&shown.text);
    let path = format!("/documenten/{}/versies/1/overgang", w.agenda);
    for csrf in [None, Some("geraden"), Some("")] {
        let mut form = vec![("actie", "vaststellen"), ("revisie", revision.as_str())];
        form.extend(csrf.map(|c| ("csrf", c)));
        let reply = post_form(&w.app, &path, &form, Some(&cookie)).await;
        assert!(html_page(&reply, 403).contains("Geen toegang"), "{csrf:?}: {}", reply.text);
    }
    assert_eq!(status_via_api(&w.app, &w.coordinator, &w.agenda, 1).await, "submitted");
}

#[tokio::test]
async fn a_transition_based_on_a_revision_someone_else_changed_is_refused() {
    let w = World::new().await;
    let cookie = sign_in(&w.app, &w.coordinator).await;
    let shown = page(&w.app, &format!("/documenten/{}", w.agenda), Some(&cookie)).await;
    let (csrf, revision) = (csrf_of(&shown), revision_of(&shown.text));
    return_via_api(&w, &w.agenda).await;

    let form = [("csrf", csrf.as_str()), ("actie", "vaststellen"), ("revisie", revision.as_str())];
    let reply = post_form(&w.app, &format!("/documenten/{}/versies/1/overgang", w.agenda), &form, Some(&cookie)).await;
    let text = html_page(&reply, 409);
    assert!(text.contains("heeft deze versie intussen gewijzigd; bekijk de nieuwe stand"), "{text}");
    assert_eq!(status_via_api(&w.app, &w.coordinator, &w.agenda, 1).await, "draft");

    for (field, value) in [("actie", "weggooien"), ("revisie", "twee")] {
        let mut form = vec![("csrf", csrf.as_str()), ("actie", "indienen"), ("revisie", revision.as_str())];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let path = format!("/documenten/{}/versies/1/overgang", w.agenda);
        html_page(&post_form(&w.app, &path, &form, Some(&cookie)).await, 400);
    }
    let nowhere = format!("/documenten/{}/versies/9/overgang", w.agenda);
    html_page(&post_form(&w.app, &nowhere, &form, Some(&cookie)).await, 404);
}

#[tokio::test]
async fn a_partner_cannot_see_a_draft_version_as_the_api_does_not_show_it() {
    let w = World::new().await;
    return_via_api(&w, &w.agenda).await;
    let partner = sign_in(&w.app, &w.partner).await;
    let draft = page(&w.app, &format!("/documenten/{}?versie=1", w.agenda), Some(&partner)).await;
    html_page(&draft, 404);
    let api = w.app.get(&format!("/api/v1/documents/{}/versions/1", w.agenda), &w.partner).await;
    assert_eq!(api.status, 404);
    let whole = page(&w.app, &format!("/documenten/{}", w.agenda), Some(&partner)).await;
    assert!(!whole.text.contains("Veilige en leefbare kernen"), "the draft's vision stays hidden: {}", whole.text);

    let coordinator = sign_in(&w.app, &w.coordinator).await;
    let text = page(&w.app, &format!("/documenten/{}?versie=1", w.agenda), Some(&coordinator)).await.text;
    assert!(text.contains("Veilige en leefbare kernen"), "{text}");
    for bad in ["?versie=twee", "?versie=0"] {
        html_page(&page(&w.app, &format!("/documenten/{}{bad}", w.agenda), Some(&coordinator)).await, 400);
    }
    html_page(&page(&w.app, "/documenten/geen-id", Some(&coordinator)).await, 404);
}

#[tokio::test]
async fn the_difference_page_names_goals_and_results_added_removed_and_changed_by_key() {
    let c = Cycle::new().await;
    let agenda = c.agenda_in_force(&c.area).await;
    c.app.post(&format!("/api/v1/documents/{agenda}/versions"), &c.coordinator, &json!({})).await.ok(201);
    let changed = json!({"vision": "Leefbare en veilige kernen",
        "goals": [
            {"key": "G1", "title": "Veilige buurten", "theme": "safety", "priority": 1, "municipalityRole": "direct",
             "results": [{"key": "G1.R1", "description": "Minder inbraken", "baseline": 42, "target": 25}]},
            {"key": "G3", "title": "Groen in de kern", "theme": "physical", "priority": 3, "municipalityRole": "stimulate"}]});
    c.save(&agenda, 2, changed).await.ok(200);
    let cookie = sign_in(&c.app, &c.coordinator).await;

    let doc = page(&c.app, &format!("/documenten/{agenda}"), Some(&cookie)).await;
    assert!(doc.text.contains(&format!("href=\"/documenten/{agenda}/verschil?van=1&#38;naar=2\"")), "{}", doc.text);
    let reply = page(&c.app, &format!("/documenten/{agenda}/verschil?van=1&naar=2"), Some(&cookie)).await;
    let text = html_page(&reply, 200);
    assert!(text.contains("Verschil tussen versie 1 en versie 2"), "{text}");
    let section = |heading: &str| {
        let start = text.find(&format!(">{heading}</h2>")).unwrap_or_else(|| panic!("no {heading} in {text}"));
        text[start..].split("</h2>").nth(1).unwrap().split("<h2").next().unwrap().to_owned()
    };
    assert!(section("Toegevoegd").contains("Doel G3: Groen in de kern"));
    assert!(section("Verwijderd").contains("Doel G2: Ontmoeting"));
    let changed = section("Gewijzigd");
    assert!(
        changed.contains("Doel G1")
            && changed.contains("was: Veilige buurt")
            && changed.contains("wordt: Veilige buurten")
    );
    assert!(changed.contains("Resultaat G1.R1 (bij doel G1)") && changed.contains("streefwaarde"), "{changed}");
    assert!(text.contains("<select class=\"utrecht-select\" id=\"van\" name=\"van\">"), "a form to pick the pair");

    html_page(&page(&c.app, &format!("/documenten/{agenda}/verschil?van=1&naar=7"), Some(&cookie)).await, 404);
    html_page(&page(&c.app, &format!("/documenten/{agenda}/verschil?van=een&naar=2"), Some(&cookie)).await, 400);
}

#[tokio::test]
async fn a_goals_results_are_a_chart_of_baseline_target_and_what_each_adopted_monitor_measured() {
    let c = Cycle::new().await;
    let agenda = c.agenda_in_force(&c.area).await;
    c.adopted(&c.area, "plan", 2027, plan(Some(&c.police))).await;
    let assessed = json!({
        "goalAssessments": [{"goalKey": "G1", "verdict": "partly_achieved", "resultValues": [{"resultKey": "G1.R1", "value": 35.5}]},
                            {"goalKey": "G2", "verdict": "not_assessable"}],
        "measureAssessments": [{"measureKey": "M1", "verdict": "executed"}, {"measureKey": "M2", "verdict": "cancelled"}]});
    c.adopted(&c.area, "monitor", 2027, assessed).await;
    let cookie = sign_in(&c.app, &c.coordinator).await;

    let reply = page(&c.app, &format!("/documenten/{agenda}"), Some(&cookie)).await;
    let text = html_page(&reply, 200);
    assert!(text.contains("<svg") && text.contains("role=\"img\""), "{text}");
    assert!(text.contains("<title id=\"v1-grafiek-G1.R1-titel\">Resultaten: Minder inbraken</title>"), "{text}");
    assert!(text.contains("<desc id=\"v1-grafiek-G1.R1-beschrijving\">"), "{text}");
    assert_eq!(text.matches("<svg").count(), 1, "G2 has no result, so no chart");
    assert!(text.contains("Cijfers bij de grafiek van G1.R1"), "the text alternative: {text}");
    for row in ["Nulmeting</th>", "Streefwaarde</th>", "Gemeten 2027</th>", ">35,5</td>", ">42</td>", ">30</td>"] {
        assert!(text.contains(row), "{row} in {text}");
    }
    assert!(!text.contains("style="), "no inline style: the CSP forbids it");
}
