//! Every page a person can reach by following links passes axe-core's WCAG 2.1 A and AA rules and answers
//! without a server error: for each role, and for a visitor who is not signed in. New pages are covered as soon
//! as a page links to them.

use tests::browser::DemoSite;

use crate::support::{Role, assert_all_pages_fine, crawl};

async fn crawl_as(role: Role, who: &str) {
    let site = DemoSite::shared();
    let (browser, landed) = site.sign_in_as(role).await;
    let visits = crawl(site, &browser, who, &[landed.as_str(), "/"]).await;
    browser.close().await.expect("close the browser");
    assert_all_pages_fine(who, &visits);
}

#[tokio::test]
async fn every_page_an_administrator_reaches_is_accessible() {
    crawl_as(Role::Admin, "admin").await;
}

#[tokio::test]
async fn every_page_a_coordinator_reaches_is_accessible() {
    crawl_as(Role::Coordinator, "coordinator").await;
}

#[tokio::test]
async fn every_page_an_area_editor_reaches_is_accessible() {
    crawl_as(Role::AreaEditor, "area editor").await;
}

#[tokio::test]
async fn every_page_a_viewer_reaches_is_accessible() {
    crawl_as(Role::Viewer, "viewer").await;
}

#[tokio::test]
async fn every_page_a_partner_reaches_is_accessible() {
    crawl_as(Role::Partner, "partner").await;
}

#[tokio::test]
async fn every_public_page_and_the_sign_in_page_are_accessible_signed_out() {
    let site = DemoSite::shared();
    let browser = tests::browser::Browser::open().await;
    // From the list of municipalities, and from the demo's own, whose areas have adopted documents.
    let west_betuwe = format!("/openbaar/gemeenten/{}", site.municipality_id("West Betuwe").await);
    let visits = crawl(site, &browser, "signed out", &["/openbaar", "/inloggen", west_betuwe.as_str()]).await;
    browser.close().await.expect("close the browser");
    assert_all_pages_fine("signed out", &visits);
}
