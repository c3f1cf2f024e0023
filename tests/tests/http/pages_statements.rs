//! How many SQL statements the document page and the board page take. On the benchmark machine each statement
//! is a loopback round trip plus the ORM's work on both sides, which sets the pages' p99 under load, so the
//! number is held here: it must not grow with the number of versions, contributions or plan owners.
//!
//! What the session costs (its lookup and the token's, unless they are served from memory) is counted apart,
//! by the signed-in `GET /`, which reads nothing else, and taken off: that path is another piece of work.

use serde_json::{Value, json};
use tests::TestApp;

use crate::pages_support::{html_page, page, sign_in};
use crate::version_rules::{Cycle, agenda};

/// The most statements the document page may take, besides the session's.
const DOCUMENT_PAGE: u64 = 8;
/// The most statements the board page may take, besides the session's: the municipality's change counter,
/// the board's own five when it is not kept (`usecases::boards`), and the area's partners.
const BOARD_PAGE: u64 = 6;
/// The same for a board kept since the last read: the counter and the partners.
const KEPT_BOARD_PAGE: u64 = 2;

/// The statements one GET of `path` takes with `cookie`, without those of the session, and the page's text.
async fn statements(app: &TestApp, cookie: &str, path: &str) -> (u64, String) {
    // On PostgreSQL the session and token are then served from memory (`persistence::credentials`), as they
    // are for every request but a session's first; on SQLite they are read each time.
    page(app, "/", Some(cookie)).await;
    let before = app.db.statements();
    let home = page(app, "/", Some(cookie)).await;
    assert_eq!(home.status, 303, "signed in: {}", home.text);
    let session = app.db.statements() - before;
    let before = app.db.statements();
    let reply = page(app, path, Some(cookie)).await;
    let taken = app.db.statements() - before;
    let text = html_page(&reply, 200).to_owned();
    (taken - session, text)
}

/// A plan with one measure per owner, for goals G1 and G2 in turn.
fn plan_with_owners(owners: &[&str]) -> Value {
    let measures: Vec<Value> = owners
        .iter()
        .enumerate()
        .map(|(i, owner)| {
            json!({"key": format!("M{}", i + 1), "title": format!("Maatregel {}", i + 1), "kind": "activity",
                   "goalKeys": [format!("G{}", i % 2 + 1)], "ownerOrganisationId": owner})
        })
        .collect();
    json!({ "measures": measures })
}

/// Starts a new version of `doc` from the one in force, saves `content` into it and submits it.
async fn open_version(c: &Cycle, doc: &str, content: Value) -> i64 {
    let v = c.app.post(&format!("/api/v1/documents/{doc}/versions"), &c.coordinator, &json!({})).await;
    let n = v.ok(201)["number"].as_i64().expect("a number");
    c.save(doc, n, content).await.ok(200);
    c.act(doc, n, "submit").await.ok(200);
    n
}

#[tokio::test]
async fn the_document_page_reads_an_agenda_and_a_plan_in_a_fixed_number_of_statements() {
    let c = Cycle::new().await;
    let housing = c.app.organisation("Woningcorporatie Kleurrijk Wonen", "housing_corporation").await;
    let welfare = c.app.organisation("Welzijn West Betuwe", "welfare").await;
    c.app.add_partner(&c.area, &housing).await;
    c.app.add_partner(&c.area, &welfare).await;
    let agenda_doc = c.agenda_in_force(&c.area).await;
    c.contribution(&agenda_doc, &c.police).await;
    open_version(&c, &agenda_doc, agenda()).await;
    let plan_doc = c.adopted(&c.area, "plan", 2027, plan_with_owners(&[&c.police])).await;
    open_version(&c, &plan_doc, plan_with_owners(&[&c.police, &housing])).await;
    let cookie = sign_in(&c.app, &c.coordinator).await;

    let (agenda_small, text) = statements(&c.app, &cookie, &format!("/documenten/{agenda_doc}")).await;
    assert!(text.contains("Versie in werking: versie 1") && text.contains("Versie in behandeling: versie 2"), "{text}");
    assert!(text.contains("Wijkagent in de kern") && text.contains("Gereed voor vaststelling?"), "{text}");
    let (plan_small, text) = statements(&c.app, &cookie, &format!("/documenten/{plan_doc}")).await;
    assert!(text.contains("Politie Oost-Nederland") && text.contains("Woningcorporatie Kleurrijk Wonen"), "{text}");

    // More of everything: a third agenda version (the second adopted), more contributions by more
    // organisations, a third plan version with more measures and owners.
    c.act(&agenda_doc, 2, "adopt").await.ok(200);
    c.contribution(&agenda_doc, &c.police).await;
    c.contribution(&agenda_doc, &welfare).await;
    open_version(&c, &agenda_doc, agenda()).await;
    c.act(&plan_doc, 2, "adopt").await.ok(200);
    open_version(&c, &plan_doc, plan_with_owners(&[&housing, &c.police, &welfare, &c.police])).await;

    let (agenda_large, text) = statements(&c.app, &cookie, &format!("/documenten/{agenda_doc}")).await;
    assert!(text.contains("Versie in werking: versie 2") && text.contains("Versie in behandeling: versie 3"), "{text}");
    assert_eq!(text.matches("Wijkagent in de kern").count(), 6, "three contributions, in both shown versions");
    let (plan_large, text) = statements(&c.app, &cookie, &format!("/documenten/{plan_doc}")).await;
    assert!(text.contains("Welzijn West Betuwe") && text.contains("Maatregel 4"), "{text}");
    println!("document page statements: agenda {agenda_small} → {agenda_large}, plan {plan_small} → {plan_large}");
    assert_eq!(agenda_small, agenda_large, "the agenda page must not grow with versions and contributions");
    assert_eq!(plan_small, plan_large, "the plan page must not grow with versions and owners");
    assert!(agenda_large <= DOCUMENT_PAGE, "the agenda page takes {agenda_large} statements");
    assert!(plan_large <= DOCUMENT_PAGE, "the plan page takes {plan_large} statements");

    // A partner reads the same agenda (adopted and submitted versions) through its own scope.
    let partner = c.app.token(json!({"role": "partner", "organisationId": c.police})).await;
    let cookie = sign_in(&c.app, &partner).await;
    let (as_partner, text) = statements(&c.app, &cookie, &format!("/documenten/{agenda_doc}")).await;
    assert!(text.contains("Versie in behandeling: versie 3"), "{text}");
    println!("document page statements for a partner: {as_partner}");
    assert!(as_partner <= DOCUMENT_PAGE, "the agenda page takes a partner {as_partner} statements");
}

#[tokio::test]
async fn the_board_page_takes_a_fixed_number_of_statements() {
    let c = Cycle::new().await;
    c.agenda_in_force(&c.area).await;
    let cookie = sign_in(&c.app, &c.coordinator).await;
    let path = format!("/gebieden/{}/cyclus/2027", c.area);
    let (small, text) = statements(&c.app, &cookie, &path).await;
    assert!(text.contains("Politie Oost-Nederland"), "{text}");

    for (name, kind) in [
        ("Woningcorporatie Kleurrijk Wonen", "housing_corporation"),
        ("Welzijn West Betuwe", "welfare"),
        ("GGD Gelderland-Zuid", "care"),
    ] {
        let organisation = c.app.organisation(name, kind).await;
        c.app.add_partner(&c.area, &organisation).await;
    }
    c.adopted(&c.area, "plan", 2027, crate::version_rules::plan(Some(&c.police))).await;
    let (large, text) = statements(&c.app, &cookie, &path).await;
    assert!(text.contains("GGD Gelderland-Zuid") && text.contains("Welzijn West Betuwe"), "{text}");
    println!("board page statements: {small} → {large}");
    assert_eq!(small, large, "the board page must not grow with partners and documents");
    assert!(large <= BOARD_PAGE, "the board page takes {large} statements");
    let (kept, _) = statements(&c.app, &cookie, &path).await;
    assert_eq!(kept, KEPT_BOARD_PAGE, "read again with nothing changed, the board is kept");

    let partner = c.app.token(json!({"role": "partner", "organisationId": c.police})).await;
    let cookie = sign_in(&c.app, &partner).await;
    let (as_partner, _) = statements(&c.app, &cookie, &path).await;
    println!("board page statements for a partner: {as_partner}");
    assert!(as_partner <= BOARD_PAGE, "the board page takes a partner {as_partner} statements");
}
