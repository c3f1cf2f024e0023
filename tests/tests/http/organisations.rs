use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn organisations_are_created_read_changed_and_deleted() {
    let app = TestApp::spawn().await;
    let created = app
        .post("/api/v1/organisations", &app.admin, &json!({"name": "Dorpsraad Kockengen", "kind": "residents_group", "groupType": "residents_group", "hasCooperationAgreement": true}))
        .await;
    assert_eq!(created.ok(201)["groupType"], "residents_group");
    let path = format!("/api/v1/organisations/{}", created.id());
    let changed = app.patch(&path, &app.admin, &created.etag(), &json!({"groupType": "theme_committee"})).await;
    assert_eq!(changed.ok(200)["groupType"], "theme_committee");
    assert_eq!(changed.body["hasCooperationAgreement"], true);
    assert_eq!(app.delete(&path, &app.admin, &changed.etag()).await.status, 204);
    app.get(&path, &app.admin).await.problem(404);
}

#[tokio::test]
async fn a_residents_group_needs_its_group_type_and_others_may_not_have_one() {
    let app = TestApp::spawn().await;
    let r =
        app.post("/api/v1/organisations", &app.admin, &json!({"name": "Buurtgroep", "kind": "residents_group"})).await;
    assert_eq!(r.problem(400), ["groupType"]);
    let r = app
        .post(
            "/api/v1/organisations",
            &app.admin,
            &json!({"name": "", "kind": "police", "groupType": "project_committee", "hasCooperationAgreement": false}),
        )
        .await;
    assert_eq!(r.problem(400), ["name", "groupType", "hasCooperationAgreement"]);
    let police = app.organisation("Politie Midden-Nederland", "police").await;
    let etag = app.get(&format!("/api/v1/organisations/{police}"), &app.admin).await.etag();
    let r = app
        .patch(&format!("/api/v1/organisations/{police}"), &app.admin, &etag, &json!({"kind": "residents_group"}))
        .await;
    assert_eq!(r.problem(400), ["groupType"]);
}

#[tokio::test]
async fn coordinators_register_organisations_but_only_admins_change_them() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let created =
        app.post("/api/v1/organisations", &coordinator, &json!({"name": "Welzijn Woerden", "kind": "welfare"})).await;
    created.ok(201);
    let path = format!("/api/v1/organisations/{}", created.id());
    app.patch(&path, &coordinator, &created.etag(), &json!({"name": "X"})).await.problem(403);
    app.delete(&path, &coordinator, &created.etag()).await.problem(403);
}

#[tokio::test]
async fn organisations_are_filtered_by_kind_area_and_municipality() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let area = app.area(&m, "OLD-WINSCHOTEN").await;
    let police = app.organisation("Politie Noord-Nederland", "police").await;
    let acantus = app.organisation("Acantus", "housing_corporation").await;
    app.organisation("Groninger Huis", "housing_corporation").await;
    app.add_partner(&area, &acantus).await;
    let ids = |r: &tests::Reply| -> Vec<String> {
        r.body["results"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&app.get("/api/v1/organisations?kind=police", &app.admin).await), [police.as_str()]);
    assert_eq!(ids(&app.get(&format!("/api/v1/organisations?areaId={area}"), &app.admin).await), [acantus.as_str()]);
    assert_eq!(
        ids(&app.get(&format!("/api/v1/organisations?municipalityId={m}"), &app.admin).await),
        [acantus.as_str()]
    );
    let etag = app.get(&format!("/api/v1/organisations/{acantus}"), &app.admin).await.etag();
    app.delete(&format!("/api/v1/organisations/{acantus}"), &app.admin, &etag).await.problem(409);
}
