//! A form that has lost its CSRF field is refused with the Dutch 403 page, and the session goes on.

use crate::support::{Role, overview_path};
use tests::browser::DemoSite;

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_the_session_still_works() {
    let site = DemoSite::shared();
    let overview = overview_path(site).await;
    let (browser, landed) = site.sign_in_as(Role::Coordinator).await;
    assert_eq!(landed, overview);

    let removed = browser
        .execute(
            "const fields = document.querySelectorAll('form input[name=csrf]'); \
             fields.forEach(f => f.remove()); return fields.length;",
            vec![],
        )
        .await
        .expect("remove the CSRF fields");
    assert!(removed.as_u64().unwrap_or(0) >= 1, "the page had no CSRF field");
    browser.click_button("Uitloggen").await.expect("click Uitloggen");
    assert_eq!(browser.status().await.expect("status"), 403);
    assert_eq!(browser.heading().await.expect("heading"), "Geen toegang");
    let text = browser.text_of("main").await.expect("the message");
    assert!(text.contains("Dit formulier is verlopen of komt niet van deze site"), "{text}");
    browser.assert_accessible("the refused form").await;

    // The session was not ended: the overview still opens, and signing out properly works.
    browser.goto(&site.url(&overview)).await.expect("goto overview");
    assert_eq!(browser.current_path().await.expect("url"), overview);
    assert!(browser.heading().await.expect("heading").starts_with("Overzicht West Betuwe"));
    browser.click_button("Uitloggen").await.expect("sign out");
    assert_eq!(browser.current_path().await.expect("url"), "/inloggen");
    browser.goto(&site.url(&overview)).await.expect("goto overview");
    assert_eq!(browser.current_path().await.expect("url"), "/inloggen", "signed out now");
    browser.close().await.expect("close");
}
