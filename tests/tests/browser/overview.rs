//! The municipality overview with more deadlines than it shows: the twenty most urgent, and a link that the
//! coordinator follows to the deadlines page with all of them.

use chrono::Datelike;
use serde_json::{Value, json};
use tests::browser::DemoSite;

use crate::support::{Role, overview_path};

/// The first contribution of the demo's municipality that the coordinator may propose alongside: its agenda,
/// goal and organisation.
async fn a_contribution(site: &DemoSite) -> Value {
    let m = site.municipality_id("West Betuwe").await;
    let reply = site.admin_get(&format!("/api/v1/contributions?municipalityId={m}&status=in_progress")).await;
    reply.ok(200)["results"][0].clone()
}

#[tokio::test]
async fn the_coordinator_follows_the_overview_to_every_overdue_deadline() {
    let site = DemoSite::start().await;
    let like = a_contribution(&site).await;
    let coordinator = site.token(Role::Coordinator).to_owned();
    // A year whose January is past, whatever today is: this year from March, else the last.
    let today = domain::clock::dutch_date(domain::clock::Clock::now(&*site.app.clock));
    let year = (today - chrono::Days::new(60)).year();
    for n in 1..=21 {
        let body = json!({"agendaDocumentId": like["agendaDocumentId"], "goalKey": like["goalKey"],
            "organisationId": like["organisationId"], "title": format!("Verlopen toezegging {n:02}"),
            "kind": "capacity", "amount": 1, "unit": "uur per week", "dueDate": format!("{year}-01-{:02}", n + 1)});
        site.app.post("/api/v1/contributions", &coordinator, &body).await.ok(201);
    }

    let (browser, _) = site.sign_in_as(Role::Coordinator).await;
    browser.goto(&site.url(&format!("{}?jaar={year}", overview_path(&site).await))).await.expect("the overview");
    let shown = browser.find_all("li > .gc-state--overdue").await.expect("the overdue deadlines").len();
    assert_eq!(shown, 20, "the overview shows the twenty most urgent");
    browser.assert_accessible("the overview with more deadlines than it shows").await;

    browser.click_link(&format!("Alle verlopen termijnen van {year}")).await.expect("the link to all of them");
    assert_eq!(browser.status().await.expect("status"), 200);
    let path = browser.current_url().await.expect("url");
    assert!(path.contains("stand=overdue") && path.contains(&format!("jaar={year}")), "{path}");
    let listed = browser.page_source().await.expect("the page");
    assert_eq!(listed.matches("Verlopen toezegging").count(), 21, "every one of them: {listed}");
    browser.assert_accessible("the overdue deadlines").await;
    browser.close().await.expect("close");
}
