//! What the page tests share: signing in through the form, and requests that carry the session cookie the
//! way a browser does.

use reqwest::Method;
use tests::{Reply, TestApp};

/// A form post (`application/x-www-form-urlencoded`), with the session cookie when there is one.
pub(crate) async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
    let body: Vec<String> = form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let mut request = app
        .request(Method::POST, path, None)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.join("&"));
    if let Some(c) = cookie {
        request = request.header("Cookie", c);
    }
    TestApp::send(request).await
}

/// Percent-encodes every byte but the unreserved ones, as a browser encodes a form field.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A page, with the session cookie when there is one.
pub(crate) async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = app.request(Method::GET, path, None);
    if let Some(c) = cookie {
        request = request.header("Cookie", c);
    }
    TestApp::send(request).await
}

/// The `Set-Cookie` header of the session cookie.
pub(crate) fn session_set_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gc_sessie="))
        .map(str::to_owned)
}

/// Fills in the sign-in form as a browser does: reads the form (which sets the sign-in cookie and carries the
/// same value in its CSRF field), then posts `fields` with both.
pub(crate) async fn submit_sign_in(app: &TestApp, fields: &[(&str, &str)]) -> Reply {
    let form = page(app, "/inloggen", None).await;
    let cookie = form
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gc_inlog="))
        .and_then(|v| v.split(';').next())
        .expect("the sign-in form sets its cookie")
        .to_owned();
    let csrf = csrf_of(&form);
    let mut all = fields.to_vec();
    all.push(("csrf", &csrf));
    post_form(app, "/inloggen", &all, Some(&cookie)).await
}

/// Signs in with `token` and returns the `Cookie` header a browser would send from then on.
pub(crate) async fn sign_in(app: &TestApp, token: &str) -> String {
    let reply = submit_sign_in(app, &[("token", token)]).await;
    assert_eq!(reply.status, 303, "sign-in refused: {}", reply.text);
    let set = session_set_cookie(&reply).expect("a session cookie");
    set.split(';').next().expect("name=value").to_owned()
}

/// The CSRF secret a page's forms carry.
pub(crate) fn csrf_of(reply: &Reply) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = reply.text.find(marker).unwrap_or_else(|| panic!("no CSRF field in {}", reply.text)) + marker.len();
    let end = reply.text[start..].find('"').expect("end of value") + start;
    reply.text[start..end].to_owned()
}

/// Asserts a Dutch HTML page with this status (not problem+json) and returns its text.
pub(crate) fn html_page(reply: &Reply, status: u16) -> &str {
    assert_eq!(reply.status.as_u16(), status, "unexpected status; body: {}", reply.text);
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"), "not a page: {}", reply.text);
    assert!(reply.text.contains("<html lang=\"nl\""), "not a Dutch page: {}", reply.text);
    &reply.text
}
