//! The harness itself can fail: axe, injected into a page under the service's Content-Security-Policy,
//! reports a violation with its rule and element, and a WebDriver error carries the driver's message.

use tests::browser::{Browser, DemoSite};

#[tokio::test]
async fn axe_runs_under_the_pages_csp_and_reports_a_broken_page_with_rule_and_element() {
    let site = DemoSite::shared();
    // The page forbids every script of its own (`default-src 'none'` and no `script-src`).
    let csp = reqwest::get(site.url("/inloggen")).await.expect("the sign-in page").headers()["content-security-policy"]
        .to_str()
        .expect("a header")
        .to_owned();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"), "{csp}");
    let browser = Browser::open().await;
    browser.goto(&site.url("/inloggen")).await.expect("the sign-in page");
    let blocked = browser
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.__inline = 1;';\
             document.body.appendChild(s); return window.__inline === undefined;",
            vec![],
        )
        .await
        .expect("a script");
    assert_eq!(blocked, true, "the CSP blocks a script the page itself would run");
    assert!(browser.axe().await.expect("axe runs").is_empty(), "the sign-in page itself is fine");

    // An image without a text alternative: WCAG 1.1.1, axe's rule image-alt.
    browser
        .execute(
            "const img = document.createElement('img'); img.id = 'zonder-alt'; img.src = 'data:,';\
             document.querySelector('main').appendChild(img);",
            vec![],
        )
        .await
        .expect("break the page");
    let violations = browser.axe().await.expect("axe runs");
    let found = violations.iter().find(|v| v.rule == "image-alt").unwrap_or_else(|| panic!("{violations:?}"));
    assert_eq!(found.targets, ["#zonder-alt"]);
    assert_eq!(found.impact, "critical");
    let failure = tokio::spawn(async move {
        browser.assert_accessible("the broken page").await;
    })
    .await
    .expect_err("assert_accessible fails on a broken page");
    let message = failure.into_panic();
    let message = message.downcast_ref::<String>().expect("a message");
    assert!(message.contains("image-alt (critical)") && message.contains("#zonder-alt"), "{message}");
}

#[tokio::test]
async fn a_webdriver_error_carries_the_drivers_message() {
    let site = DemoSite::shared();
    let browser = Browser::open().await;
    browser.goto(&site.url("/inloggen")).await.expect("the sign-in page");
    let error = browser.find("#bestaat-niet").await.expect_err("no such element");
    assert_eq!(error.error, "no such element");
    assert!(error.message.contains("#bestaat-niet"), "{error}");
    browser.close().await.expect("close");
}
