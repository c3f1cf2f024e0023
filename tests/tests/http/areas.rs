use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn a_coordinator_creates_changes_and_deletes_an_area_of_its_municipality() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let created = app
        .post(
            "/api/v1/areas",
            &coordinator,
            &json!({"municipalityId": m, "name": "Gebied Oost", "code": "WB-OOST",
                    "localities": [{"name": "Geldermalsen", "cbsCode": "WK196001"}, {"name": "Meteren"}],
                    "validFrom": "2019-01-01"}),
        )
        .await;
    let id = created.id();
    assert_eq!(created.ok(201)["localities"][1]["name"], "Meteren");
    assert_eq!(created.body["validFrom"], "2019-01-01");

    let path = format!("/api/v1/areas/{id}");
    let changed = app
        .patch(
            &path,
            &coordinator,
            &created.etag(),
            &json!({"localities": [{"name": "Buurmalsen"}], "validUntil": "2030-12-31"}),
        )
        .await;
    assert_eq!(changed.ok(200)["localities"].as_array().map(Vec::len), Some(1));
    assert_eq!(changed.body["code"], "WB-OOST", "fields left out stay");
    let cleared = app.patch(&path, &coordinator, &changed.etag(), &json!({"validUntil": null})).await;
    assert!(cleared.ok(200)["validUntil"].is_null());
    assert_eq!(app.delete(&path, &coordinator, &cleared.etag()).await.status, 204);
    app.get(&path, &coordinator).await.problem(404);
}

#[tokio::test]
async fn every_problem_of_an_area_is_named_by_its_path() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let r = app
        .post(
            "/api/v1/areas",
            &app.admin,
            &json!({"municipalityId": m, "name": "", "code": "old noord",
                    "localities": [{"name": "Winschoten"}, {"name": "winschoten", "cbsCode": "WK1"}],
                    "validFrom": "2024-01-02", "validUntil": "2024-01-01"}),
        )
        .await;
    assert_eq!(r.problem(400), ["name", "code", "localities[1].name", "localities[1].cbsCode", "validUntil"]);
    let too_many: Vec<_> = (0..101).map(|i| json!({"name": format!("kern {i}")})).collect();
    let r = app
        .post(
            "/api/v1/areas",
            &app.admin,
            &json!({"municipalityId": m, "name": "A", "code": "A", "localities": too_many}),
        )
        .await;
    assert_eq!(r.problem(400), ["localities"]);
    let long = "x".repeat(201);
    let r = app.post("/api/v1/areas", &app.admin, &json!({"municipalityId": m, "name": long, "code": "A"})).await;
    assert_eq!(r.problem(400), ["name"]);
    assert_eq!(r.body["invalidParams"][0]["code"], "too_long");
}

#[tokio::test]
async fn area_codes_are_unique_within_a_municipality_only() {
    let app = TestApp::spawn().await;
    let a = app.municipality("Woerden").await;
    let b = app.municipality("Oldambt").await;
    app.area(&a, "CENTRUM").await;
    app.area(&b, "CENTRUM").await;
    let r = app
        .post("/api/v1/areas", &app.admin, &json!({"municipalityId": a, "name": "Centrum 2", "code": "CENTRUM"}))
        .await;
    r.problem(409);
    let second = app.area(&a, "WEST").await;
    let etag = app.get(&format!("/api/v1/areas/{second}"), &app.admin).await.etag();
    app.patch(&format!("/api/v1/areas/{second}"), &app.admin, &etag, &json!({"code": "CENTRUM"})).await.problem(409);
}

#[tokio::test]
async fn an_area_in_an_unknown_municipality_is_refused_by_field() {
    let app = TestApp::spawn().await;
    let r = app
        .post("/api/v1/areas", &app.admin, &json!({"municipalityId": uuid::Uuid::now_v7(), "name": "A", "code": "A"}))
        .await;
    assert_eq!(r.problem(400), ["municipalityId"]);
}

#[tokio::test]
async fn areas_are_filtered_by_municipality_code_and_validity() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let other = app.municipality("Oldambt").await;
    app.area(&other, "OLD-1").await;
    app.post(
        "/api/v1/areas",
        &app.admin,
        &json!({"municipalityId": m, "name": "Oud", "code": "OUD", "validUntil": "2018-12-31"}),
    )
    .await
    .ok(201);
    app.post(
        "/api/v1/areas",
        &app.admin,
        &json!({"municipalityId": m, "name": "Nieuw", "code": "NIEUW", "validFrom": "2019-01-01"}),
    )
    .await
    .ok(201);
    let names = |r: &tests::Reply| -> Vec<String> {
        r.body["results"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap().to_owned()).collect()
    };
    let r = app.get(&format!("/api/v1/areas?municipalityId={m}"), &app.admin).await;
    assert_eq!(names(&r), ["OUD", "NIEUW"]);
    let r = app.get(&format!("/api/v1/areas?municipalityId={m}&validOn=2024-06-01"), &app.admin).await;
    assert_eq!(names(&r), ["NIEUW"]);
    let r = app.get("/api/v1/areas?code=OLD-1", &app.admin).await;
    assert_eq!(names(&r), ["OLD-1"]);
}

#[tokio::test]
async fn an_area_with_partners_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let area = app.area(&m, "OLD-OOST").await;
    let org = app.organisation("Woningcorporatie Acantus", "housing_corporation").await;
    app.add_partner(&area, &org).await;
    let etag = app.get(&format!("/api/v1/areas/{area}"), &app.admin).await.etag();
    app.delete(&format!("/api/v1/areas/{area}"), &app.admin, &etag).await.problem(409);
}
