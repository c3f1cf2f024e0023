//! The benchmark's data set generator writes on PostgreSQL by `COPY` and on SQLite by INSERTs
//! (`persistence::bulk`). Either way the service must read back exactly the rows that were made: the content of
//! every version, every contribution's terms and every check-in, with their texts, numbers, dates and times.

use api::generate::{Progress, Scale, batches, run_with_progress};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tests::TestApp;

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().map(|s| DateTime::parse_from_rfc3339(s).expect("an RFC 3339 time").to_utc())
}

#[tokio::test]
async fn a_generated_set_reads_back_as_it_was_made() {
    let app = TestApp::spawn().await;
    let scale = Scale { municipalities: 2, areas_per_municipality: 1, years: 2, ..Scale::small(2026) };
    let progress = Progress::new(Box::new(std::io::sink()), false, scale.municipalities as usize);
    run_with_progress(&app.db, scale, progress).await.expect("the set is generated");

    let (mut versions, mut contributions, mut check_ins) = (0, 0, 0);
    for batch in batches(scale) {
        for m in &batch.municipalities {
            let read = app.get(&format!("/api/v1/municipalities/{}", m.id), &app.admin).await;
            assert_eq!((&read.ok(200)["name"], &read.body["cbsCode"]), (&json!(m.name), &json!(m.cbs_code)));
        }
        for d in &batch.documents {
            for (i, v) in d.versions.iter().enumerate() {
                let path = format!("/api/v1/documents/{}/versions/{}", d.id, i + 1);
                let read = app.get(&path, &app.admin).await;
                assert_eq!(read.ok(200)["content"], v.content, "{path}");
                assert_eq!(read.body["status"], v.status.as_str(), "{path}");
                assert_eq!(time(&read.body["createdAt"]), Some(v.created_at), "{path}");
                assert_eq!(time(&read.body["adoptedAt"]), v.adopted_at, "{path}");
                versions += 1;
            }
        }
        for c in &batch.contributions {
            let path = format!("/api/v1/contributions/{}", c.id);
            let read = app.get(&path, &app.admin).await;
            let body = read.ok(200);
            let terms = [&body["title"], &body["amount"], &body["unit"], &body["dueDate"], &body["status"]];
            let made = [json!(c.title), json!(c.amount), json!(c.unit), json!(c.due_date), json!(c.status.as_str())];
            assert_eq!(terms.map(Value::clone), made, "{path}");
            assert_eq!(time(&body["committedAt"]), c.committed_at, "{path}");
            assert_eq!(body["withdrawnAfterCommitment"], c.withdrawn_after_commitment, "{path}");

            let list = app.get(&format!("{path}/check-ins?pageSize=200"), &app.admin).await;
            let mut read: Vec<(Value, Value, Value, Value)> = list.ok(200)["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["date"].clone(), r["progressPercent"].clone(), r["confidence"].clone(), r["note"].clone()))
                .collect();
            let mut made: Vec<_> = c
                .check_ins
                .iter()
                .map(|r| (json!(r.date), json!(r.progress_percent), json!(r.confidence), json!(r.note)))
                .collect();
            read.sort_by_key(|r| r.0.to_string() + &r.3.to_string());
            made.sort_by_key(|r| r.0.to_string() + &r.3.to_string());
            assert_eq!(read, made, "{path}");
            contributions += 1;
            check_ins += made.len();
        }
    }
    assert!(versions > 10 && contributions > 10 && check_ins > 10, "{versions} {contributions} {check_ins}");
}
