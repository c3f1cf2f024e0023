//! PostgreSQL stopped under load and started again (issue 7, item 5): the service keeps answering, with 503
//! problem+json within the pool's acquire timeout, `/health/ready` says so, and once the database is back the
//! service serves again by itself, without a restart. It runs on a PostgreSQL server of its own, so stopping
//! it touches no other test. SQLite is part of the process and cannot go away on its own, so this runs in the
//! PostgreSQL pass of the tests (`TEST_DATABASE_URL`).

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::config::Config;
use api::startup::Application;
use domain::clock::FixedClock;
use serde_json::json;
use tests::postgres::PrivatePostgres;

const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1000);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
enum Phase {
    Up = 0,
    Stopping = 1,
    Down = 2,
    Recovering = 3,
    Recovered = 4,
}

#[derive(Debug)]
struct Answer {
    phase: Phase,
    at: Instant,
    status: Option<u16>,
    problem: bool,
    took: Duration,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_service_answers_503_while_postgres_is_down_and_recovers_by_itself() {
    if !tests::on_postgres() {
        eprintln!("PostgreSQL outage: runs in the PostgreSQL pass (TEST_DATABASE_URL); SQLite has no server to stop");
        return;
    }
    let pg = PrivatePostgres::start();
    let admin = format!("test-admin-{}", uuid::Uuid::now_v7().simple());
    let mut config = Config::for_database(&pg.url());
    config.admin_token = Some(admin.clone());
    config.db_acquire_timeout = ACQUIRE_TIMEOUT;
    config.workers = Some(2);
    let app = Application::build(&config, Arc::new(FixedClock::new(chrono::Utc::now()))).await.expect("starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
    let created = client
        .post(format!("{base}/api/v1/municipalities"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Oldambt"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(created.status(), 201);
    let municipality = created.json::<serde_json::Value>().await.expect("json")["id"].as_str().unwrap().to_owned();

    // Six clients read and write without pause through every phase.
    let phase = Arc::new(AtomicU8::new(Phase::Up as u8));
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::<Answer>::new()));
    let written = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut clients = Vec::new();
    for n in 0..6 {
        let (client, base, admin, municipality) = (client.clone(), base.clone(), admin.clone(), municipality.clone());
        let (phase, stop, answers, written) = (phase.clone(), stop.clone(), answers.clone(), written.clone());
        clients.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let at = match phase.load(Ordering::Relaxed) {
                    0 => Phase::Up,
                    1 => Phase::Stopping,
                    2 => Phase::Down,
                    3 => Phase::Recovering,
                    _ => Phase::Recovered,
                };
                let request = if n % 2 == 0 {
                    client.get(format!("{base}/api/v1/municipalities/{municipality}"))
                } else {
                    let body = json!({"municipalityId": municipality, "name": format!("Gebied {n}-{i}"), "code": format!("G{n}-{i}")});
                    client.post(format!("{base}/api/v1/areas")).json(&body)
                };
                let begin = Instant::now();
                let result = request.bearer_auth(&admin).send().await;
                let took = begin.elapsed();
                let answer = match result {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let problem = r.headers().get("content-type").is_some_and(|v| v == "application/problem+json");
                        let body: serde_json::Value = r.json().await.unwrap_or_default();
                        if status == 201 {
                            written.lock().unwrap().push(body["id"].as_str().unwrap_or_default().to_owned());
                        }
                        Answer { phase: at, at: begin, status: Some(status), problem: problem && body["status"] == status, took }
                    }
                    Err(_) => Answer { phase: at, at: begin, status: None, problem: false, took },
                };
                answers.lock().unwrap().push(answer);
            }
        }));
    }
    let ready = |client: reqwest::Client, base: String| async move {
        let r = client.get(format!("{base}/health/ready")).send().await.expect("ready answers");
        let problem = r.headers().get("content-type").is_some_and(|v| v == "application/problem+json");
        (r.status().as_u16(), problem)
    };

    tokio::time::sleep(Duration::from_millis(1000)).await;
    let stopping = Instant::now();
    phase.store(Phase::Stopping as u8, Ordering::Relaxed);
    pg.stop();
    phase.store(Phase::Down as u8, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(ready(client.clone(), base.clone()).await, (503, true), "/health/ready reports the outage");
    let live = client.get(format!("{base}/health/live")).send().await.expect("live answers");
    assert_eq!(live.status(), 200, "the process itself is alive");

    phase.store(Phase::Recovering as u8, Ordering::Relaxed);
    let resuming = Instant::now();
    pg.resume();
    let back = Instant::now();
    while ready(client.clone(), base.clone()).await.0 != 200 {
        assert!(
            back.elapsed() < Duration::from_secs(20),
            "the service did not recover within 20 s of PostgreSQL's return"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    phase.store(Phase::Recovered as u8, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.expect("client task");
    }

    let answers = std::mem::take(&mut *answers.lock().unwrap());
    for p in [Phase::Up, Phase::Stopping, Phase::Down, Phase::Recovering, Phase::Recovered] {
        let mut statuses = std::collections::BTreeMap::<String, usize>::new();
        let mut slowest = Duration::ZERO;
        for a in answers.iter().filter(|a| a.phase == p) {
            *statuses.entry(a.status.map_or("no answer".into(), |s| s.to_string())).or_default() += 1;
            slowest = slowest.max(a.took);
        }
        eprintln!("{p:?}: {statuses:?}, slowest {slowest:?}");
    }
    let in_phase = |p: Phase| answers.iter().filter(move |a| a.phase == p);
    let margin = ACQUIRE_TIMEOUT + Duration::from_millis(1500);
    for a in answers.iter() {
        assert!(a.status.is_some(), "every request is answered, none dropped: {a:?}");
        assert!(a.status != Some(500), "no 500, whatever the database does: {a:?}");
        assert!(a.took <= margin, "answered within the acquire timeout and a margin ({margin:?}): {a:?}");
        if a.status.is_some_and(|s| s >= 400) {
            assert_eq!(a.status, Some(503), "the database being away is a 503: {a:?}");
            assert!(a.problem, "the 503 is a problem+json: {a:?}");
        }
    }
    // A request sent while PostgreSQL was up but still in flight when it was stopped may meet the outage.
    let up: Vec<_> = in_phase(Phase::Up).filter(|a| a.at + a.took < stopping).collect();
    assert!(up.len() > 20 && up.iter().all(|a| a.status.is_some_and(|s| s < 300)), "served while up");
    // A request still waiting for a connection when PostgreSQL comes back may be served after all.
    let down: Vec<_> = in_phase(Phase::Down).filter(|a| a.at + a.took < resuming).collect();
    assert!(down.len() >= 6, "requests were answered while PostgreSQL was down: {}", down.len());
    assert!(down.iter().all(|a| a.status == Some(503)), "while PostgreSQL is down every request is a 503");
    let recovered: Vec<_> = in_phase(Phase::Recovered).collect();
    assert!(recovered.len() > 20 && recovered.iter().all(|a| a.status.is_some_and(|s| s < 300)), "served again");

    // What was answered 201 before and after the outage is there.
    let written = std::mem::take(&mut *written.lock().unwrap());
    for id in written.iter() {
        let r = client.get(format!("{base}/api/v1/areas/{id}")).bearer_auth(&admin).send().await.expect("sent");
        assert_eq!(r.status(), 200, "area {id} was answered 201 and must be there");
    }
}
