//! The service killed with SIGKILL under concurrent writes and started again: every write it answered 2xx is
//! there, and nothing is half written (issue 7, item 4).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tests::invariants;
use tests::process::ServiceProcess;

use crate::world::{GOALS, World};

const WRITERS: usize = 8;

/// What the service answered 2xx, and what was in flight when it died.
#[derive(Default)]
struct Answered {
    /// (contribution, check-in).
    check_ins: Vec<(String, String)>,
    contributions: Vec<String>,
    /// Per draft: the content last answered 200, and the one sent after it (maybe stored, never answered).
    drafts: HashMap<String, (Option<String>, Option<String>)>,
    /// Per document: the highest version number whose adoption was answered 200.
    adopted: HashMap<String, i64>,
    /// Answers that were neither 2xx nor a dropped connection: a bug, whatever the crash.
    unexpected: Vec<String>,
}

/// One writer: a kind of change, over and over, until the service stops answering.
async fn write(w: Arc<World>, base: String, n: usize, answered: Arc<Mutex<Answered>>, own: Vec<String>) {
    let record_unexpected = |what: String| answered.lock().unwrap().unexpected.push(what);
    let mut i = 0usize;
    loop {
        i += 1;
        let alive = match n % 4 {
            // A partner reports progress.
            0 => {
                let contribution = &own[i % own.len()];
                let path = format!("{base}/api/v1/contributions/{contribution}/check-ins");
                match w.app.client.post(path).bearer_auth(&w.partner).json(&w.check_in(i)).send().await {
                    Ok(r) if r.status() == 201 => {
                        if let Some(id) = id_of(r).await {
                            answered.lock().unwrap().check_ins.push((contribution.clone(), id));
                        }
                        true
                    }
                    Ok(r) => {
                        record_unexpected(format!("check-in: {}", r.status()));
                        true
                    }
                    Err(_) => false,
                }
            }
            // The municipality proposes a contribution.
            1 => {
                let body = w.proposal(GOALS[i % GOALS.len()], &format!("Inzet {n}-{i}"));
                let request = w.app.client.post(format!("{base}/api/v1/contributions")).bearer_auth(&w.app.admin);
                match request.json(&body).send().await {
                    Ok(r) if r.status() == 201 => {
                        let id = id_of(r).await;
                        answered.lock().unwrap().contributions.extend(id);
                        true
                    }
                    Ok(r) => {
                        record_unexpected(format!("proposal: {}", r.status()));
                        true
                    }
                    Err(_) => false,
                }
            }
            // A writer saves its own draft, each time on the ETag of its last save.
            2 => {
                let version = w.version(&own[0], 1);
                let Some(etag) = etag_at(&w, &format!("{base}{version}")).await else { break };
                let summary = format!("Concept {n}-{i}");
                answered.lock().unwrap().drafts.entry(version.clone()).or_default().1 = Some(summary.clone());
                let request = w.app.client.put(format!("{base}{version}")).bearer_auth(&w.app.admin);
                let request = request.header("If-Match", etag).json(&json!({"content": {"summary": summary}}));
                match request.send().await {
                    Ok(r) if r.status() == 200 => {
                        answered.lock().unwrap().drafts.insert(version, (Some(summary), None));
                        true
                    }
                    Ok(r) => {
                        record_unexpected(format!("save: {}", r.status()));
                        true
                    }
                    Err(_) => false,
                }
            }
            _ => adopt_a_new_version(&w, &base, &own[0], &answered).await,
        };
        if !alive {
            break;
        }
    }
}

/// Takes the writer's own analysis through a new version, submission and adoption, which supersedes the
/// version in force in the same transaction. Returns whether the service still answers.
async fn adopt_a_new_version(w: &World, base: &str, doc: &str, answered: &Mutex<Answered>) -> bool {
    let record_unexpected = |what: String| answered.lock().unwrap().unexpected.push(what);
    let created = w.app.client.post(format!("{base}/api/v1/documents/{doc}/versions")).bearer_auth(&w.app.admin);
    let number = match created.json(&json!({})).send().await {
        Ok(r) if r.status() == 201 => r.json::<serde_json::Value>().await.ok().and_then(|b| b["number"].as_i64()),
        // A version left open by the previous run: take it from where it is.
        Ok(r) if r.status() == 409 => {
            let Some(now) = read(w, &format!("{base}/api/v1/documents/{doc}")).await else { return false };
            now["open"]["number"].as_i64()
        }
        Ok(r) => {
            record_unexpected(format!("new version: {}", r.status()));
            None
        }
        Err(_) => return false,
    };
    let Some(number) = number else { return false };
    let version = w.version(doc, number);
    let Some(now) = read(w, &format!("{base}{version}")).await else { return false };
    let submitted = now["status"] == "submitted";
    for action in ["submit", "adopt"] {
        if action == "submit" && submitted {
            continue;
        }
        let Some(etag) = etag_at(w, &format!("{base}{version}")).await else { return false };
        let request = w.app.client.post(format!("{base}{version}/transitions")).bearer_auth(&w.app.admin);
        match request.header("If-Match", etag).json(&json!({"action": action})).send().await {
            Ok(r) if r.status() == 200 => {
                if action == "adopt" {
                    answered.lock().unwrap().adopted.insert(doc.to_owned(), number);
                }
            }
            Ok(r) => record_unexpected(format!("{action}: {}", r.status())),
            Err(_) => return false,
        }
    }
    true
}

/// The ETag of what the administrator reads at `url`, or `None` once the service is gone.
async fn etag_at(w: &World, url: &str) -> Option<String> {
    let r = w.app.client.get(url).bearer_auth(&w.app.admin).send().await.ok()?;
    Some(r.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or("*").to_owned())
}

/// The `id` in a created resource's body.
async fn id_of(r: reqwest::Response) -> Option<String> {
    r.json::<serde_json::Value>().await.ok()?["id"].as_str().map(str::to_owned)
}

/// A resource as the administrator reads it, or `None` once the service is gone.
async fn read(w: &World, url: &str) -> Option<serde_json::Value> {
    let r = w.app.client.get(url).bearer_auth(&w.app.admin).send().await.ok()?;
    r.json().await.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_answered_write_survives_sigkill_and_nothing_is_half_written() {
    let w = World::new().await;
    let mut contributions = Vec::new();
    for g in GOALS {
        contributions.push(w.in_progress(g).await);
    }
    // Each draft writer its own analysis draft, each adoption writer its own adopted analysis.
    let mut own: Vec<Vec<String>> = Vec::new();
    for n in 0..WRITERS {
        own.push(match n % 4 {
            0 => contributions.clone(),
            1 => vec![],
            2 => vec![w.document("analysis", 2040 + n as i32).await],
            _ => {
                let doc = w.document("analysis", 2040 + n as i32).await;
                w.save(&w.app.address, &doc, 1, json!({"summary": "Eerste analyse"})).await.ok(200);
                w.act(&w.app.address, &w.app.admin, &w.version(&doc, 1), "submit", None).await.ok(200);
                w.act(&w.app.address, &w.app.admin, &w.version(&doc, 1), "adopt", None).await.ok(200);
                vec![doc]
            }
        });
    }
    let w = Arc::new(w);
    let bin = env!("CARGO_BIN_EXE_service");
    let answered = Arc::new(Mutex::new(Answered::default()));
    let mut service = ServiceProcess::start(bin, &w.app.database_url, &w.app.admin).await;
    // Two crashes, after different stretches of load, so they land at different points of the writes.
    for run in [700u64, 1300] {
        let writers: Vec<_> = (0..WRITERS)
            .map(|n| tokio::spawn(write(w.clone(), service.address.clone(), n, answered.clone(), own[n].clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(run)).await;
        service.kill();
        for writer in writers {
            writer.await.expect("writer task");
        }
        service = ServiceProcess::start(bin, &w.app.database_url, &w.app.admin).await;
    }

    let answered = std::mem::take(&mut *answered.lock().unwrap());
    eprintln!(
        "answered before the two kills: {} check-ins, {} proposals, {} drafts saved, {} documents adopted",
        answered.check_ins.len(),
        answered.contributions.len(),
        answered.drafts.len(),
        answered.adopted.len()
    );
    assert!(answered.unexpected.is_empty(), "answers other than 2xx before the crash: {:?}", answered.unexpected);
    assert!(answered.check_ins.len() >= 10, "too little load to mean anything: {} check-ins", answered.check_ins.len());
    assert!(!answered.contributions.is_empty() && !answered.adopted.is_empty(), "every kind of write was answered");
    let base = &service.address;
    for (contribution, id) in &answered.check_ins {
        w.get(base, &w.app.admin, &format!("/api/v1/contributions/{contribution}/check-ins/{id}")).await.ok(200);
    }
    for id in &answered.contributions {
        w.get(base, &w.app.admin, &format!("/api/v1/contributions/{id}")).await.ok(200);
    }
    for (version, (last_answered, in_flight)) in &answered.drafts {
        let stored = w.get(base, &w.app.admin, version).await;
        let summary = stored.ok(200)["content"]["summary"].as_str().map(str::to_owned);
        assert!(
            summary == *last_answered || (summary.is_some() && summary == *in_flight),
            "draft {version} holds {summary:?}, neither the last answered save {last_answered:?} nor the one in flight {in_flight:?}"
        );
    }
    for (doc, number) in &answered.adopted {
        let stored = w.get(base, &w.app.admin, &format!("/api/v1/documents/{doc}")).await;
        let in_force = stored.ok(200)["inForce"]["number"].as_i64().expect("a version in force");
        assert!(in_force >= *number, "document {doc}: version {number} was adopted, yet {in_force} is in force");
    }
    assert!(
        invariants::count(&w.app.db, "check_ins").await >= answered.check_ins.len() as i64,
        "fewer check-ins stored than answered"
    );
    invariants::assert_hold(&w.app.db).await;
}
