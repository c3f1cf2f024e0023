use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn an_admin_creates_reads_changes_and_deletes_a_municipality() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/municipalities",
            &app.admin,
            &json!({"name": "West Betuwe", "cbsCode": "GM1960", "calendar": {"planDue": "06-15"}}),
        )
        .await;
    let body = created.ok(201).clone();
    let id = created.id();
    assert_eq!(created.header("location"), Some(format!("/api/v1/municipalities/{id}").as_str()));
    assert_eq!(body["calendar"]["planDue"], "06-15");
    assert_eq!(body["calendar"]["analysisDue"], "03-01", "unset calendar fields take the default");
    assert_eq!(body["calendar"]["agendaPeriodYears"], 4);

    let read = app.get(&format!("/api/v1/municipalities/{id}"), &app.admin).await;
    assert_eq!(read.ok(200)["name"], "West Betuwe");
    let changed = app
        .patch(
            &format!("/api/v1/municipalities/{id}"),
            &app.admin,
            &read.etag(),
            &json!({"calendar": {"dueSoonDays": 14}, "cbsCode": null}),
        )
        .await;
    assert_eq!(changed.ok(200)["calendar"]["dueSoonDays"], 14);
    assert_eq!(changed.body["calendar"]["planDue"], "06-15", "a calendar change keeps the other fields");
    assert!(changed.body["cbsCode"].is_null());
    assert_ne!(changed.etag(), read.etag());

    let deleted = app.delete(&format!("/api/v1/municipalities/{id}"), &app.admin, &changed.etag()).await;
    assert_eq!(deleted.status, 204);
    app.get(&format!("/api/v1/municipalities/{id}"), &app.admin).await.problem(404);
}

#[tokio::test]
async fn every_problem_of_a_municipality_is_reported_at_once() {
    let app = TestApp::spawn().await;
    let r = app
        .post(
            "/api/v1/municipalities",
            &app.admin,
            &json!({"name": " ", "cbsCode": "1960", "calendar": {"analysisDue": "02-29", "monitorDue": "13-01", "agendaPeriodYears": 0}}),
        )
        .await;
    assert_eq!(
        r.problem(400),
        ["name", "cbsCode", "calendar.analysisDue", "calendar.monitorDue", "calendar.agendaPeriodYears"]
    );
}

#[tokio::test]
async fn a_second_municipality_with_the_same_cbs_code_is_a_conflict() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "Oldambt", "cbsCode": "GM1895"});
    app.post("/api/v1/municipalities", &app.admin, &body).await.ok(201);
    app.post("/api/v1/municipalities", &app.admin, &body).await.problem(409);
}

#[tokio::test]
async fn a_change_without_if_match_is_428_and_with_a_stale_one_412_and_loses_nothing() {
    let app = TestApp::spawn().await;
    let id = app.municipality("Stichtse Vecht").await;
    let path = format!("/api/v1/municipalities/{id}");
    let first = app.get(&path, &app.admin).await;
    let r =
        TestApp::send(app.request(reqwest::Method::PATCH, &path, Some(&app.admin)).json(&json!({"name": "X"}))).await;
    r.problem(428);
    app.patch(&path, &app.admin, &first.etag(), &json!({"name": "Gemeente Stichtse Vecht"})).await.ok(200);
    app.patch(&path, &app.admin, &first.etag(), &json!({"name": "Overwritten"})).await.problem(412);
    app.delete(&path, &app.admin, &first.etag()).await.problem(412);
    assert_eq!(app.get(&path, &app.admin).await.body["name"], "Gemeente Stichtse Vecht");
}

#[tokio::test]
async fn a_replayed_idempotency_key_returns_the_first_response_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let send = |body: serde_json::Value| {
        TestApp::send(
            app.request(reqwest::Method::POST, "/api/v1/municipalities", Some(&app.admin))
                .header("Idempotency-Key", "create-woerden-1")
                .json(&body),
        )
    };
    let first = send(json!({"name": "Woerden"})).await;
    first.ok(201);
    let again = send(json!({"name": "Woerden"})).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let other = send(json!({"name": "Woerden-Noord"})).await;
    other.problem(422);
    let list = app.get("/api/v1/municipalities", &app.admin).await;
    assert_eq!(list.body["results"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_municipality_with_areas_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    app.area(&m, "OLD-NOORD").await;
    let etag = app.get(&format!("/api/v1/municipalities/{m}"), &app.admin).await.etag();
    app.delete(&format!("/api/v1/municipalities/{m}"), &app.admin, &etag).await.problem(409);
}

#[tokio::test]
async fn pages_follow_next_links_until_every_item_was_seen_once() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        app.municipality(&format!("Gemeente {i}")).await;
    }
    let mut seen = Vec::new();
    let mut url = format!("{}/api/v1/municipalities?pageSize=2", app.address);
    loop {
        let r = TestApp::send(app.client.get(&url).bearer_auth(&app.admin)).await;
        let results = r.ok(200)["results"].as_array().expect("results").clone();
        assert!(results.len() <= 2);
        seen.extend(results.iter().map(|m| m["name"].as_str().unwrap_or_default().to_owned()));
        match r.body["next"].as_str() {
            Some(next) => {
                assert!(next.contains("pageSize=2"), "next keeps the other parameters: {next}");
                url = next.to_owned();
            }
            None => break,
        }
    }
    let mut expected: Vec<String> = (0..5).map(|i| format!("Gemeente {i}")).collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_coordinator_chooses_which_adopted_kinds_are_public_and_the_default_leaves_analyses_out() {
    let app = TestApp::spawn().await;
    let id = app.municipality("Oldambt").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": id})).await;
    let read = app.get(&format!("/api/v1/municipalities/{id}"), &coordinator).await;
    assert_eq!(read.ok(200)["calendar"]["publicKinds"], json!(["agenda", "plan", "monitor"]));

    let changed = app
        .patch(
            &format!("/api/v1/municipalities/{id}"),
            &coordinator,
            &read.etag(),
            &json!({"calendar": {"publicKinds": ["analysis", "agenda", "plan", "monitor"]}}),
        )
        .await;
    assert_eq!(changed.ok(200)["calendar"]["publicKinds"], json!(["analysis", "agenda", "plan", "monitor"]));
    let kept = app
        .patch(
            &format!("/api/v1/municipalities/{id}"),
            &coordinator,
            &changed.etag(),
            &json!({"calendar": {"dueSoonDays": 10}}),
        )
        .await;
    assert_eq!(kept.ok(200)["calendar"]["publicKinds"], json!(["analysis", "agenda", "plan", "monitor"]));
    let none = app
        .patch(
            &format!("/api/v1/municipalities/{id}"),
            &coordinator,
            &kept.etag(),
            &json!({"calendar": {"publicKinds": []}}),
        )
        .await;
    assert_eq!(none.ok(200)["calendar"]["publicKinds"], json!([]));
}

#[tokio::test]
async fn an_unknown_or_repeated_public_kind_is_refused_by_its_position_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let id = app.municipality("Oldambt").await;
    let read = app.get(&format!("/api/v1/municipalities/{id}"), &app.admin).await;
    let refused = app
        .patch(
            &format!("/api/v1/municipalities/{id}"),
            &app.admin,
            &read.etag(),
            &json!({"calendar": {"publicKinds": ["agenda", "report", "agenda"], "planDue": "02-30"}}),
        )
        .await;
    let mut names = refused.problem(400);
    names.sort();
    assert_eq!(names, ["calendar.planDue", "calendar.publicKinds[1]", "calendar.publicKinds[2]"]);
    let not_a_list = app
        .patch(
            &format!("/api/v1/municipalities/{id}"),
            &app.admin,
            &read.etag(),
            &json!({"calendar": {"publicKinds": "agenda"}}),
        )
        .await;
    assert_eq!(not_a_list.problem(400), ["calendar.publicKinds"]);
    let created = app
        .post(
            "/api/v1/municipalities",
            &app.admin,
            &json!({"name": "Pekela", "calendar": {"publicKinds": ["plan", 3]}}),
        )
        .await;
    assert_eq!(created.problem(400), ["calendar.publicKinds[1]"]);
    let after = app.get(&format!("/api/v1/municipalities/{id}"), &app.admin).await;
    assert_eq!(after.etag(), read.etag());
    assert_eq!(after.body["calendar"]["publicKinds"], json!(["agenda", "plan", "monitor"]));
}
