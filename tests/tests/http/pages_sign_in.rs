//! Signing in to the pages (issue 18, SPEC §12 and §15): a token through a form, a server-side session in an
//! `HttpOnly`, `SameSite=Lax` cookie stored only hashed, ended by signing out with the CSRF token, by eight
//! idle hours, and by revoking the token; the headers every page carries.

use chrono::Duration;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use tests::TestApp;

use crate::pages_support::{csrf_of, html_page, page, post_form, session_set_cookie, sign_in, submit_sign_in};

#[tokio::test]
async fn a_wrong_or_missing_token_shows_the_dutch_error_summary_and_sets_no_cookie() {
    let app = TestApp::spawn().await;
    let form = page(&app, "/inloggen", None).await;
    let text = html_page(&form, 200);
    assert!(text.contains("<label class=\"utrecht-form-label\" for=\"token\">Toegangscode</label>"), "{text}");
    assert!(text.contains("<title>Inloggen – Gebiedscyclus</title>"), "{text}");

    for (token, message) in [
        ("gc_ditbestaatniet", "Deze toegangscode kennen we niet, of hij is ingetrokken of verlopen."),
        ("  ", "Vul uw toegangscode in."),
    ] {
        let reply = submit_sign_in(&app, &[("token", token)]).await;
        let text = html_page(&reply, 400);
        assert!(session_set_cookie(&reply).is_none(), "no session for a wrong token");
        assert!(text.contains("Er is een probleem"), "an error summary: {text}");
        assert!(text.contains(&format!("<a class=\"utrecht-link\" href=\"#token\">{message}</a>")), "{text}");
        assert!(text.contains(&format!("id=\"token-fout\">{message}</p>")), "the field's own message: {text}");
        assert!(text.contains("aria-invalid=\"true\""), "{text}");
    }
    let without_field = submit_sign_in(&app, &[("iets", "anders")]).await;
    html_page(&without_field, 400);
    assert_eq!(tests::invariants::count(&app.db, "sessions").await, 0);
}

#[tokio::test]
async fn a_sign_in_that_did_not_come_from_this_browsers_form_is_refused() {
    let app = TestApp::spawn().await;
    let form = page(&app, "/inloggen", None).await;
    let csrf = csrf_of(&form);
    // Another site can post the token field, and even a value it saw, but not the cookie that goes with it.
    for (fields, cookie) in [
        (vec![("token", app.admin.as_str())], None),
        (vec![("token", app.admin.as_str()), ("csrf", csrf.as_str())], None),
        (vec![("token", app.admin.as_str()), ("csrf", csrf.as_str())], Some("gc_inlog=iets-anders")),
    ] {
        let reply = post_form(&app, "/inloggen", &fields, cookie).await;
        let text = html_page(&reply, 403);
        assert!(text.contains("komt niet van deze site"), "{text}");
        assert!(session_set_cookie(&reply).is_none());
    }
    assert_eq!(tests::invariants::count(&app.db, "sessions").await, 0);
    assert!(session_set_cookie(&submit_sign_in(&app, &[("token", &app.admin)]).await).is_some());
}

#[tokio::test]
async fn a_good_token_starts_an_http_only_lax_session_and_each_role_goes_to_its_own_page() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let police = app.organisation("Politie Oost-Nederland", "police").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let viewer = app.token(json!({"role": "viewer", "municipalityId": m})).await;
    let partner = app.token(json!({"role": "partner", "organisationId": police})).await;

    let reply = submit_sign_in(&app, &[("token", &coordinator)]).await;
    assert_eq!(reply.status, 303);
    let overview = format!("/gemeenten/{m}/overzicht");
    assert_eq!(reply.header("location"), Some(overview.as_str()));
    let set = session_set_cookie(&reply).expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(part), "{part} in {set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP here: {set}");

    for (token, home) in [
        (&coordinator, overview.as_str()),
        (&viewer, overview.as_str()),
        (&partner, "/mijn-bijdragen"),
        (&app.admin, "/gemeenten"),
    ] {
        let cookie = sign_in(&app, token).await;
        let start = page(&app, "/", Some(&cookie)).await;
        assert_eq!(start.status, 303);
        assert_eq!(start.header("location"), Some(home));
        assert_eq!(start.header("cache-control"), Some("no-store"), "a session's answers are never stored");
        html_page(&page(&app, home, Some(&cookie)).await, 200);
    }
    let signed_out = page(&app, "/", None).await;
    assert_eq!((signed_out.status.as_u16(), signed_out.header("location")), (303, Some("/inloggen")));
    let unknown_cookie = page(&app, &overview, Some("gc_sessie=verzonnen")).await;
    assert_eq!((unknown_cookie.status.as_u16(), unknown_cookie.header("location")), (303, Some("/inloggen")));
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_public_url_is_https() {
    let app = TestApp::spawn_with(|c| c.public_url = Some("https://gebiedscyclus.example.nl".into())).await;
    let reply = submit_sign_in(&app, &[("token", &app.admin)]).await;
    assert!(session_set_cookie(&reply).expect("a cookie").contains("Secure"));
}

#[tokio::test]
async fn the_session_id_is_stored_only_as_a_hash() {
    let app = TestApp::spawn().await;
    let cookie = sign_in(&app, &app.admin).await;
    let id = cookie.strip_prefix("gc_sessie=").expect("the session cookie");
    let conn = app.db.conn();
    let sql = "SELECT id_hash, csrf_secret FROM sessions";
    let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await.expect("sessions");
    assert_eq!(rows.len(), 1);
    let hash: String = rows[0].try_get("", "id_hash").expect("id_hash");
    let csrf: String = rows[0].try_get("", "csrf_secret").expect("csrf_secret");
    assert_ne!(hash, id);
    assert!(!hash.contains(id) && !csrf.contains(id), "the id is nowhere in the row");
    assert_eq!(hash, api::tokens::hash_secret(id), "SHA-256 of the id");
}

#[tokio::test]
async fn signed_in_pages_carry_no_store_a_strict_content_security_policy_and_same_origin_referrers() {
    let app = TestApp::spawn().await;
    let cookie = sign_in(&app, &app.admin).await;
    for (path, cookie) in [("/gemeenten", Some(cookie.as_str())), ("/inloggen", None)] {
        let reply = page(&app, path, cookie).await;
        html_page(&reply, 200);
        let csp = reply.header("content-security-policy").expect("a CSP");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
        for part in ["default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'"] {
            assert!(csp.contains(part), "{part} in {csp}");
        }
        assert_eq!(reply.header("referrer-policy"), Some("same-origin"));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert!(!reply.text.contains("<script"), "no script needed");
        assert!(!reply.text.contains("://"), "nothing from another host: {}", reply.text);
        if cookie.is_some() {
            assert_eq!(reply.header("cache-control"), Some("no-store"));
            assert!(reply.text.contains("<main id=\"inhoud\""), "{}", reply.text);
            assert!(reply.text.contains("href=\"#inhoud\">Direct naar de inhoud</a>"), "a skip link");
            assert!(reply.text.contains("Uitloggen</button>"), "a sign-out button");
        }
    }
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token_and_then_the_cookie_no_longer_works() {
    let app = TestApp::spawn().await;
    let cookie = sign_in(&app, &app.admin).await;
    let csrf = csrf_of(&page(&app, "/gemeenten", Some(&cookie)).await);

    let without = post_form(&app, "/uitloggen", &[], Some(&cookie)).await;
    assert!(html_page(&without, 403).contains("Geen toegang"), "{}", without.text);
    assert_eq!(without.header("cache-control"), Some("no-store"));
    let wrong = post_form(&app, "/uitloggen", &[("csrf", "niet-het-goede-token")], Some(&cookie)).await;
    html_page(&wrong, 403);
    html_page(&page(&app, "/gemeenten", Some(&cookie)).await, 200);

    let out = post_form(&app, "/uitloggen", &[("csrf", &csrf)], Some(&cookie)).await;
    assert_eq!((out.status.as_u16(), out.header("location")), (303, Some("/inloggen")));
    assert!(session_set_cookie(&out).expect("the cookie is cleared").contains("Max-Age=0"));
    let after = page(&app, "/gemeenten", Some(&cookie)).await;
    assert_eq!((after.status.as_u16(), after.header("location")), (303, Some("/inloggen")));
    assert_eq!(tests::invariants::count(&app.db, "sessions").await, 0);
}

#[tokio::test]
async fn a_session_ends_with_its_token_and_after_eight_idle_hours() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let body = json!({"name": "coordinator", "role": "coordinator", "municipalityId": m});
    let created = app.post("/api/v1/api-tokens", &app.admin, &body).await;
    let (token_id, secret) = (created.id(), created.ok(201)["token"].as_str().expect("secret").to_owned());
    let overview = format!("/gemeenten/{m}/overzicht");

    let cookie = sign_in(&app, &secret).await;
    html_page(&page(&app, &overview, Some(&cookie)).await, 200);
    let token = app.get(&format!("/api/v1/api-tokens/{token_id}"), &app.admin).await;
    app.delete(&format!("/api/v1/api-tokens/{token_id}"), &app.admin, &token.etag()).await;
    let revoked = page(&app, &overview, Some(&cookie)).await;
    assert_eq!((revoked.status.as_u16(), revoked.header("location")), (303, Some("/inloggen")));

    let cookie = sign_in(&app, &app.admin).await;
    app.advance(Duration::hours(7));
    html_page(&page(&app, "/gemeenten", Some(&cookie)).await, 200);
    app.advance(Duration::hours(7));
    html_page(&page(&app, "/gemeenten", Some(&cookie)).await, 200);
    app.advance(Duration::hours(8) + Duration::minutes(1));
    let idle = page(&app, "/gemeenten", Some(&cookie)).await;
    assert_eq!((idle.status.as_u16(), idle.header("location")), (303, Some("/inloggen")));
}

#[tokio::test]
async fn unknown_pages_are_a_dutch_404_while_the_api_keeps_problem_json() {
    let app = TestApp::spawn().await;
    let missing = page(&app, "/bestaat-niet", None).await;
    assert!(html_page(&missing, 404).contains("Pagina niet gevonden"));
    assert!(missing.text.contains("<title>Pagina niet gevonden – Gebiedscyclus</title>"));
    app.get("/api/v1/bestaat-niet", &app.admin).await.problem(404);
    TestApp::send(app.request(Method::GET, "/health/bestaat-niet", None)).await.problem(404);
}

#[tokio::test]
async fn the_stylesheet_is_served_from_the_binary_immutable_and_gzipped_when_asked() {
    let app = TestApp::spawn().await;
    let form = page(&app, "/inloggen", None).await;
    let marker = "<link rel=\"stylesheet\" href=\"";
    let start = form.text.find(marker).expect("a stylesheet link") + marker.len();
    let href = &form.text[start..start + form.text[start..].find('"').expect("end")];
    assert!(href.starts_with("/assets/site.") && href.ends_with(".css"), "{href}");

    let gzipped = TestApp::send(app.request(Method::GET, href, None).header("Accept-Encoding", "gzip")).await;
    assert_eq!(gzipped.status, 200);
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert_eq!(gzipped.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let plain = TestApp::send(app.request(Method::GET, href, None)).await;
    assert_eq!(plain.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.text.contains(".utrecht-table") && plain.text.contains(".utrecht-theme"), "NL Design System CSS");
    assert!(plain.text.contains(".gc-state--overdue"), "the service's own CSS");
    assert_eq!(page(&app, "/assets/site.0000000000000000.css", None).await.status, 404);
}

#[tokio::test]
async fn a_session_is_written_again_at_most_once_a_minute_so_reading_pages_is_not_a_write() {
    let app = TestApp::spawn().await;
    let cookie = sign_in(&app, &app.admin).await;
    // Seen again within the minute: not written, so the idle time still counts from signing in.
    app.advance(Duration::seconds(59));
    html_page(&page(&app, "/gemeenten", Some(&cookie)).await, 200);
    app.advance(Duration::hours(8) - Duration::seconds(30));
    let idle = page(&app, "/gemeenten", Some(&cookie)).await;
    assert_eq!((idle.status.as_u16(), idle.header("location")), (303, Some("/inloggen")));

    // Seen again after more than a minute: written, so the session lives on from then.
    let cookie = sign_in(&app, &app.admin).await;
    app.advance(Duration::minutes(2));
    html_page(&page(&app, "/gemeenten", Some(&cookie)).await, 200);
    app.advance(Duration::hours(8) - Duration::minutes(1));
    html_page(&page(&app, "/gemeenten", Some(&cookie)).await, 200);
}
