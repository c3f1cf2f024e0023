//! Signing in with the form in a real browser: typing the token and clicking "Inloggen" brings each role to
//! its own page, and clicking "Uitloggen" ends the session; a wrong token is refused in Dutch with a link
//! that moves the focus to the field.

use tests::browser::{Browser, DemoSite};

use crate::support::{Role, overview_path};

#[tokio::test]
async fn each_role_signs_in_by_typing_its_token_and_lands_on_its_own_page_and_signs_out_by_clicking() {
    let site = DemoSite::shared();
    let overview = overview_path(site).await;
    let expected = [
        (Role::Admin, "/gemeenten", "Gemeenten"),
        (Role::Coordinator, overview.as_str(), "Overzicht West Betuwe"),
        (Role::AreaEditor, overview.as_str(), "Overzicht West Betuwe"),
        (Role::Viewer, overview.as_str(), "Overzicht West Betuwe"),
        (Role::Partner, "/mijn-bijdragen", "Mijn bijdragen"),
    ];
    // One browser for all: each person signs out before the next signs in.
    let browser = Browser::open().await;
    for (role, path, heading) in expected {
        let landed = browser.sign_in(&site.base, site.token(role)).await.expect("the form answers");
        assert_eq!(landed, path, "{role:?} landed elsewhere");
        let h1 = browser.heading().await.expect("a heading");
        assert!(h1.starts_with(heading), "{role:?} sees {h1:?}, not {heading:?}");
        let buttons = browser.button_labels().await.expect("buttons");
        assert!(buttons.iter().any(|b| b == "Uitloggen"), "{role:?} has no sign-out button: {buttons:?}");
        browser.assert_accessible(&format!("{role:?}'s start page {path}")).await;

        browser.click_button("Uitloggen").await.expect("sign out");
        assert_eq!(browser.current_path().await.expect("url"), "/inloggen", "{role:?} signed out");
        browser.goto(&site.url(path)).await.expect("the start page again");
        assert_eq!(browser.current_path().await.expect("url"), "/inloggen", "{role:?}'s session has ended");
    }
    browser.close().await.expect("close");
}

#[tokio::test]
async fn a_wrong_token_shows_the_dutch_error_summary_with_a_link_that_focuses_the_field() {
    let site = DemoSite::shared();
    let browser = Browser::open().await;
    let landed = browser.sign_in(&site.base, "gc_dezecodebestaatniet").await.expect("the form answers");
    assert_eq!(landed, "/inloggen");
    assert_eq!(browser.status().await.expect("status"), 400);
    assert_eq!(browser.text_of("#foutmelding-titel").await.expect("an error summary"), "Er is een probleem");
    let link = browser.find("[role=alert] a[href='#token']").await.expect("a link to the field");
    let message = browser.text(&link).await.expect("its text");
    assert!(message.contains("Deze toegangscode kennen we niet"), "{message}");
    let field = browser.find("#token").await.expect("the field");
    assert_eq!(browser.attribute(&field, "aria-invalid").await.expect("attribute").as_deref(), Some("true"));
    browser.click(&link).await.expect("click the link");
    let focused = browser.execute("return document.activeElement.id;", vec![]).await.expect("focus");
    assert_eq!(focused, "token", "the link moves the focus to the field");
    browser.assert_accessible("the sign-in page with an error").await;
    // Still not signed in.
    browser.goto(&site.url("/")).await.expect("goto /");
    assert_eq!(browser.current_path().await.expect("url"), "/inloggen");
    browser.close().await.expect("close");
}
