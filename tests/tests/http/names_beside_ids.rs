//! Names beside ids: deadlines, area partners and the CSV export carry the names people recognise (area,
//! organisation, contribution, goal), looked up per page rather than per row; the CSV import ignores them.

use serde_json::Value;

use crate::contributions::World;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_owned()
}

async fn area_id(w: &World, code: &str) -> String {
    let areas = w.app.get(&format!("/api/v1/areas?code={code}"), &w.coordinator).await;
    areas.ok(200)["results"][0]["id"].as_str().unwrap().to_owned()
}

/// The 2027 deadlines of an area, as `token` sees them, and the SQL statements the list took.
async fn deadlines(w: &World, token: &str, area: &str) -> (Vec<Value>, u64) {
    let before = w.app.db.statements();
    let reply = w.app.get(&format!("/api/v1/deadlines?areaId={area}&year=2027&pageSize=200"), token).await;
    let statements = w.app.db.statements() - before;
    (reply.ok(200)["results"].as_array().unwrap().clone(), statements)
}

fn rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn write(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![]);
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[tokio::test]
async fn deadlines_name_their_area_and_a_contributions_organisation_title_and_goal_without_a_query_per_row() {
    let w = World::new().await;
    let area = area_id(&w, "WB-OOST").await;
    let first = id(w.propose(&w.partner, "G1").await.ok(201));
    let (one, statements_for_one) = deadlines(&w, &w.coordinator, &area).await;

    let plan = one.iter().find(|d| d["stage"] == "plan").unwrap();
    assert_eq!(plan["areaName"], "Gebied WB-OOST");
    assert!(plan["organisationName"].is_null() && plan["goalTitle"].is_null() && plan["contributionTitle"].is_null());
    let mine = one.iter().find(|d| d["contributionId"] == first.as_str()).unwrap();
    assert_eq!(mine["areaName"], "Gebied WB-OOST");
    assert_eq!(mine["organisationName"], "Politie Oost-Nederland");
    assert_eq!(mine["contributionTitle"], "Wijkagent twee dagdelen per week in de kern");
    assert_eq!(mine["goalTitle"], "Doel G1");

    // A partner reads the submitted agenda, so it sees the goal's title too.
    let (seen, _) = deadlines(&w, &w.partner, &area).await;
    let theirs = seen.iter().find(|d| d["contributionId"] == first.as_str()).unwrap();
    assert_eq!((&theirs["organisationName"], &theirs["goalTitle"]), (&mine["organisationName"], &mine["goalTitle"]));

    // Four more contributions, to two goals: the list takes no more statements than with one.
    for goal in ["G1", "G2", "G2", "G1"] {
        w.propose(&w.coordinator, goal).await.ok(201);
    }
    let (five, statements_for_five) = deadlines(&w, &w.coordinator, &area).await;
    assert_eq!(five.iter().filter(|d| d["stage"] == "contribution").count(), 5);
    assert!(five.iter().filter(|d| d["stage"] == "contribution").all(|d| d["goalTitle"].as_str().is_some()));
    assert_eq!(statements_for_five, statements_for_one, "names are looked up per page, not per row");
}

#[tokio::test]
async fn area_partners_carry_the_organisations_name() {
    let w = World::new().await;
    let area = area_id(&w, "WB-OOST").await;
    let list = w.app.get(&format!("/api/v1/areas/{area}/partners"), &w.coordinator).await;
    let mut names: Vec<String> = list.ok(200)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["organisationName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Politie Oost-Nederland", "Woningcorporatie Kleurrijk Wonen"]);
    let one = w.app.get(&format!("/api/v1/areas/{area}/partners/{}", w.police), &w.coordinator).await;
    assert_eq!(one.ok(200)["organisationName"], "Politie Oost-Nederland");
    let school = w.app.organisation("=Basisschool De Linde", "education").await;
    let added = w
        .app
        .post(&format!("/api/v1/areas/{area}/partners"), &w.coordinator, &serde_json::json!({"organisationId": school}))
        .await;
    assert_eq!(added.ok(201)["organisationName"], "=Basisschool De Linde");
}

#[tokio::test]
async fn the_csv_export_names_area_organisation_and_goal_and_the_import_ignores_those_columns() {
    let w = World::new().await;
    let first = id(w.propose(&w.coordinator, "G1").await.ok(201));
    let export = w.export(&w.coordinator, "").await;
    let table = rows(&export.text);
    let header = table[0].clone();
    // Each name stands right after its id.
    for (id_column, name_column) in
        [("goalKey", "goalTitle"), ("organisationId", "organisationName"), ("areaId", "areaName")]
    {
        assert_eq!(column(&header, name_column), column(&header, id_column) + 1, "{header:?}");
    }
    let row = table.iter().find(|r| r[column(&header, "id")] == first).unwrap().clone();
    assert_eq!(row[column(&header, "goalTitle")], "Doel G1");
    assert_eq!(row[column(&header, "organisationName")], "Politie Oost-Nederland");
    assert_eq!(row[column(&header, "areaName")], "Gebied WB-OOST");

    // A changed title imports; wrong names, even a formula or a line break or a bidirectional override, change nothing and fail nothing.
    let mut edited = row.clone();
    edited[column(&header, "title")] = "Wijkagent drie dagdelen".into();
    edited[column(&header, "goalTitle")] = "Een ander doel".into();
    edited[column(&header, "organisationName")] = "=HYPERLINK(\"x\")\u{202E}\nnog een regel".into();
    edited[column(&header, "areaName")] = String::new();
    let imported = w.import(&w.coordinator, write(&[header.clone(), edited])).await;
    imported.ok(200);
    let stored = w.app.get(&format!("/api/v1/contributions/{first}"), &w.coordinator).await;
    assert_eq!(stored.ok(200)["title"], "Wijkagent drie dagdelen");
    assert_eq!((&stored.body["goalKey"], &stored.body["organisationId"]), (&"G1".into(), &w.police.as_str().into()));
    let again = rows(&w.export(&w.coordinator, "").await.text);
    let row = again.iter().find(|r| r[column(&header, "id")] == first).unwrap();
    assert_eq!(row[column(&header, "goalTitle")], "Doel G1");
    assert_eq!(row[column(&header, "organisationName")], "Politie Oost-Nederland");

    // A file without the name columns (the export's format before they were added) imports as well.
    let old_columns = ["id", "title", "revision"];
    let plain: Vec<String> = old_columns.iter().map(|c| row[column(&header, c)].clone()).collect();
    let mut plain_edited = plain.clone();
    plain_edited[1] = "Wijkagent vier dagdelen".into();
    let old_header: Vec<String> = old_columns.iter().map(|c| c.to_string()).collect();
    w.import(&w.coordinator, write(&[old_header, plain_edited])).await.ok(200);
    let stored = w.app.get(&format!("/api/v1/contributions/{first}"), &w.coordinator).await;
    assert_eq!(stored.ok(200)["title"], "Wijkagent vier dagdelen");
}
