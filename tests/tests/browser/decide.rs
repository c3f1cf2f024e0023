//! Deciding on a document by clicking: the coordinator's adoption, refused while a promise is still only
//! proposed (every broken rule shown in Dutch) and taken once that is settled; and a partner kept from drafts.

use reqwest::Method;
use serde_json::{Value, json};
use tests::TestApp;
use tests::browser::DemoSite;

use crate::support::Role;

/// The documents of the demo as the administrator lists them.
async fn documents(site: &DemoSite) -> Vec<Value> {
    let reply = site.admin_get("/api/v1/documents?pageSize=100").await;
    reply.ok(200)["results"].as_array().expect("results").clone()
}

fn latest_status(doc: &Value) -> &str {
    doc["latest"]["status"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_coordinator_adopts_a_submitted_agenda_by_clicking_after_the_refusal_names_what_is_missing() {
    let site = DemoSite::start().await;
    let agenda = documents(&site)
        .await
        .into_iter()
        .find(|d| d["kind"] == "agenda" && latest_status(d) == "submitted")
        .expect("the demo has a submitted agenda");
    let id = agenda["id"].as_str().expect("id").to_owned();
    let proposed = site.admin_get(&format!("/api/v1/contributions?agendaDocumentId={id}&status=proposed")).await;
    let proposed: Vec<String> = proposed.ok(200)["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(!proposed.is_empty(), "the demo's submitted agenda has a promise that is only proposed");

    let (browser, _) = site.sign_in_as(Role::Coordinator).await;
    let page = format!("/documenten/{id}");
    browser.goto(&site.url(&page)).await.expect("goto the agenda");
    let buttons = browser.button_labels().await.expect("buttons");
    assert!(buttons.iter().any(|b| b == "Vaststellen"), "the coordinator may adopt: {buttons:?}");

    // Refused: the page again, with the broken rule in Dutch in the error summary, and nothing changed.
    browser.click_button("Vaststellen").await.expect("click Vaststellen");
    assert_eq!(browser.status().await.expect("status"), 409);
    let summary = browser.text_of(".utrecht-alert, [role=alert]").await.expect("the error summary");
    assert!(summary.contains("Er is een probleem") || summary.contains("niet vastgesteld"), "{summary}");
    assert!(summary.contains("voorgesteld"), "the summary names the proposed promise: {summary}");
    browser.assert_accessible("the refused adoption").await;
    let still = site.admin_get(&format!("/api/v1/documents/{id}")).await;
    assert_eq!(latest_status(still.ok(200)), "submitted", "a refused adoption changes nothing");

    // The municipality proposed the promise, so only the partner may agree; the coordinator withdraws the
    // proposal instead (through the API), then adopts.
    let coordinator = site.token(Role::Coordinator).to_owned();
    for c in &proposed {
        let path = format!("/api/v1/contributions/{c}");
        let etag = site.app.get(&path, &coordinator).await.etag();
        let request = site.app.request(Method::POST, &format!("{path}/transitions"), Some(&coordinator));
        TestApp::send(
            request
                .header("If-Match", etag)
                .json(&json!({"action": "withdraw", "note": "Niet nodig voor deze agenda"})),
        )
        .await
        .ok(200);
    }
    browser.goto(&site.url(&page)).await.expect("goto the agenda again");
    browser.click_button("Vaststellen").await.expect("click Vaststellen again");
    assert_eq!(browser.status().await.expect("status"), 200);
    assert_eq!(browser.current_path().await.expect("path"), page, "back on the document");
    let text = browser.text_of("main").await.expect("the page");
    assert!(text.contains("Versie in werking"), "{text}");
    assert!(text.contains("vastgesteld"), "{text}");
    assert!(!browser.button_labels().await.expect("buttons").iter().any(|b| b == "Vaststellen"), "adopted once");
    browser.assert_accessible("the adopted agenda").await;
    let adopted = site.admin_get(&format!("/api/v1/documents/{id}")).await;
    assert_eq!(latest_status(adopted.ok(200)), "adopted");
    browser.close().await.expect("close");
}

#[tokio::test]
async fn a_partner_cannot_see_a_draft() {
    let site = DemoSite::shared();
    let partner = site.token(Role::Partner).to_owned();
    let client = reqwest::Client::new();
    let readable = TestApp::send(client.get(site.url("/api/v1/documents?pageSize=100")).bearer_auth(&partner)).await;
    let areas: Vec<String> = readable.ok(200)["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|d| d["areaId"].as_str().expect("area").to_owned())
        .collect();
    let draft = documents(site)
        .await
        .into_iter()
        .find(|d| latest_status(d) == "draft" && d["inForce"].is_null() && areas.iter().any(|a| *a == d["areaId"]))
        .expect("a draft in an area of the partner");
    let id = draft["id"].as_str().expect("id");

    let (browser, _) = site.sign_in_as(Role::Partner).await;
    browser.goto(&site.url(&format!("/documenten/{id}"))).await.expect("goto the draft");
    assert_eq!(browser.status().await.expect("status"), 404);
    assert_eq!(browser.heading().await.expect("heading"), "Pagina niet gevonden");
    browser.goto(&site.url(&format!("/documenten/{id}?versie=1"))).await.expect("goto its first version");
    assert_eq!(browser.status().await.expect("status"), 404);
    browser.assert_accessible("a draft refused to a partner").await;
    browser.close().await.expect("close");
}
