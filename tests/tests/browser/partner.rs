//! A partner sees its own contributions and nothing of the municipality's overview.

use serde_json::Value;
use tests::browser::DemoSite;

use crate::support::{Role, overview_path};

/// Every contribution of the demo, as the administrator lists them through the API: (organisation, title).
async fn all_contributions(site: &DemoSite) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut path = "/api/v1/contributions?pageSize=100".to_owned();
    loop {
        let reply = site.admin_get(&path).await;
        let body = reply.ok(200);
        for c in body["results"].as_array().expect("results") {
            found.push((
                c["organisationId"].as_str().unwrap_or_default().to_owned(),
                c["title"].as_str().unwrap_or_default().to_owned(),
            ));
        }
        match body["next"].as_str() {
            Some(next) => path = tests::browser::path_of(next).to_owned(),
            None => break,
        }
    }
    found
}

async fn organisation_id(site: &DemoSite, name: &str) -> String {
    let reply = site.admin_get("/api/v1/organisations?pageSize=100").await;
    reply.ok(200)["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|o: &&Value| o["name"] == name)
        .and_then(|o| o["id"].as_str())
        .unwrap_or_else(|| panic!("no organisation {name}"))
        .to_owned()
}

#[tokio::test]
async fn a_partner_cannot_open_the_overview_and_sees_only_its_own_contributions() {
    let site = DemoSite::shared();
    let overview = overview_path(site).await;
    let (browser, landed) = site.sign_in_as(Role::Partner).await;
    assert_eq!(landed, "/mijn-bijdragen");

    let police = organisation_id(site, "Politie Oost-Nederland").await;
    let all = all_contributions(site).await;
    let mut own: Vec<&str> = all.iter().filter(|(o, _)| *o == police).map(|(_, t)| t.as_str()).collect();
    own.sort_unstable();
    assert!(!own.is_empty() && all.len() > own.len(), "the demo has contributions of the police and of others");

    let rows = browser
        .execute(
            "return Array.from(document.querySelectorAll('tbody th[scope=row]')).map(th => th.innerText.trim());",
            vec![],
        )
        .await
        .expect("rows");
    let mut shown: Vec<&str> = rows.as_array().expect("rows").iter().filter_map(Value::as_str).collect();
    shown.sort_unstable();
    assert_eq!(shown, own, "Mijn bijdragen shows exactly the police's contributions, each once");
    browser.assert_accessible("Mijn bijdragen").await;

    browser.goto(&site.url(&overview)).await.expect("goto the overview");
    assert_eq!(browser.status().await.expect("status"), 403);
    assert_eq!(browser.heading().await.expect("heading"), "Geen toegang");
    let text = browser.page_source().await.expect("source");
    assert!(!text.contains("Overzicht West Betuwe"), "the overview is not shown");
    browser.assert_accessible("the refused overview").await;
    browser.close().await.expect("close");
}
