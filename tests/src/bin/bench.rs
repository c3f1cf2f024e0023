//! The load benchmark: starts the service binary on a database (optionally filled first by its `generate`
//! command), runs named scenarios with a number of concurrent clients for a while each, and prints per
//! scenario the requests per second, p50/p90/p99 latency, the ratio to `/health/live` (the ceiling of the
//! machine in the same run) and the server's peak memory.
//!
//! ```sh
//! cargo build --release --bin gebiedscyclus --bin bench
//! target/release/bench --database-url sqlite:///tmp/bench.db --fresh --generate small --clients 32 --seconds 15
//! ```

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use reqwest::{Client, Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

#[derive(Parser, Debug)]
#[command(name = "bench", about = "Load benchmark of the gebiedscyclus service")]
struct Args {
    /// The database to run on: `sqlite:///path.db` or `postgres://user@host:port/db`.
    #[arg(long)]
    database_url: String,
    /// Start from an empty database: remove the SQLite file, or drop and create the PostgreSQL database.
    #[arg(long)]
    fresh: bool,
    /// Fill the database first with the generator at this scale (`small` or `large`).
    #[arg(long)]
    generate: Option<String>,
    /// Generator override: municipalities.
    #[arg(long)]
    municipalities: Option<u32>,
    /// Generator override: areas per municipality.
    #[arg(long)]
    areas: Option<u32>,
    /// Scenarios, comma separated (default: all). `health` always runs first, as the ceiling.
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// The service binary.
    #[arg(long, default_value = "target/release/gebiedscyclus")]
    bin: String,
    /// Fail (exit 1) if any request of a scenario fails, for the smoke run in CI.
    #[arg(long)]
    strict: bool,
    /// After the scenarios, measure webhook delivery to a local receiver: latency from commit to delivery
    /// under check-in load, and throughput draining a backlog.
    #[arg(long)]
    webhooks: bool,
    /// After the scenarios, run PostgreSQL's own `pgbench` as the baseline (the default on PostgreSQL): the
    /// statements of a version read against this database, and `pgbench -N` on pgbench's tables in a database
    /// of its own, made and dropped here.
    #[arg(long, overrides_with = "no_pgbench")]
    pgbench: bool,
    /// Skip the pgbench baseline.
    #[arg(long)]
    no_pgbench: bool,
    /// Seconds per pgbench run (default: `--seconds`).
    #[arg(long)]
    pgbench_seconds: Option<u64>,
    /// Scale of pgbench's own tables for `-N` (`pgbench -i -s`); 10 is 1,000,000 accounts.
    #[arg(long, default_value_t = 10)]
    pgbench_scale: u32,
}

const SCENARIOS: [&str; 11] = [
    "health",
    "version",
    "partner-contributions",
    "board",
    "dashboard",
    "dashboard-changing",
    "deadlines",
    "check-in",
    "check-in-spread",
    "save-draft",
    "mix",
];

/// Who reads a page: signed in through the form (`/inloggen`) with one of the bench's tokens, or nobody.
#[derive(Debug, Clone, Copy)]
enum Reader {
    /// The coordinator of the first municipality.
    Coordinator,
    /// The partner organisation of `Targets::partner`.
    Partner,
    /// Without signing in (the public pages, `/openbaar/…`).
    Public,
}

/// A page scenario: each client signs in once as `reader` (not timed), then GETs `path` with its session
/// cookie; anything but 200 (a redirect to `/inloggen` included) counts as an error.
struct PageScenario {
    name: &'static str,
    reader: Reader,
    path: fn(&Targets, &mut Rng) -> String,
}

/// The page scenarios, after the API's. Adding one is a line here.
const PAGES: &[PageScenario] = &[
    PageScenario {
        name: "page-overview",
        reader: Reader::Coordinator,
        path: |t, _| format!("/gemeenten/{}/overzicht?jaar={}", t.municipality, t.year),
    },
    PageScenario {
        name: "page-board",
        reader: Reader::Coordinator,
        path: |t, rng| format!("/gebieden/{}/cyclus/{}", pick(rng, &t.areas), t.year - rng.below(10) as i32),
    },
    PageScenario {
        name: "page-deadlines",
        reader: Reader::Coordinator,
        path: |t, _| format!("/termijnen?gemeente={}&jaar={}", t.municipality, t.year),
    },
    PageScenario { name: "page-my-contributions", reader: Reader::Partner, path: |_, _| "/mijn-bijdragen".into() },
    PageScenario {
        name: "page-document",
        reader: Reader::Coordinator,
        path: |t, rng| format!("/documenten/{}", pick(rng, &t.documents)),
    },
    PageScenario {
        name: "page-public-document",
        reader: Reader::Public,
        path: |t, rng| format!("/openbaar/documenten/{}", pick(rng, &t.public_documents)),
    },
];

fn page_scenario(name: &str) -> Option<&'static PageScenario> {
    PAGES.iter().find(|p| p.name == name)
}

/// One of `items`, at random.
fn pick(rng: &mut Rng, items: &[String]) -> String {
    items[rng.below(items.len())].clone()
}

/// The 90/10 read/write mix: nine reads of the kinds a day brings, one check-in.
const MIX: [&str; 10] = [
    "version",
    "partner-contributions",
    "board",
    "version",
    "dashboard",
    "version",
    "partner-contributions",
    "board",
    "version",
    "check-in",
];

/// What the scenarios pick their requests from, found through the API before the clock starts.
struct Targets {
    admin: String,
    partner: String,
    /// A coordinator of `municipality`, for the pages.
    coordinator: String,
    municipality: String,
    year: i32,
    areas: Vec<String>,
    /// Documents of `municipality` with a version in force (ids), for the document page.
    documents: Vec<String>,
    /// Those of them the public may read by default (`publicKinds`: agendas, plans and monitors).
    public_documents: Vec<String>,
    versions: Vec<String>,
    /// In-progress contributions of the partner, to report progress on.
    progressing: Vec<String>,
    /// In-progress contributions of every municipality (up to [`SPREAD`]), on which the administrator reports
    /// progress in `check-in-spread`: writes spread over many rows, as `pgbench -N`'s are.
    spread: Vec<String>,
    /// One draft per client: (version path) for save-draft.
    drafts: Vec<String>,
}

struct Outcome {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
}

/// SplitMix64, per client, so the runs are repeatable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    api::webhooks::sender::install_tls_provider();
    if args.fresh {
        fresh_database(&args.database_url).await?;
    }
    if let Some(scale) = &args.generate {
        let status = Command::new(&args.bin)
            .args(["generate", "--scale", scale])
            .args(args.municipalities.map(|n| format!("--municipalities={n}")))
            .args(args.areas.map(|n| format!("--areas={n}")))
            .env("DATABASE_URL", &args.database_url)
            .env("GEBIEDSCYCLUS_LOG", "warn")
            .status()
            .with_context(|| format!("cannot run {}; build it with `cargo build --release`", args.bin))?;
        anyhow::ensure!(status.success(), "the generator failed");
    }
    let admin = format!("bench-admin-{}", uuid::Uuid::now_v7().simple());
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut server = Server::start(&args, &admin, port)?;
    let base = format!("http://127.0.0.1:{port}");
    let client = Client::builder().pool_max_idle_per_host(args.clients * 2).build()?;
    server.wait_ready(&client, &base).await?;
    let targets = Arc::new(discover(&client, &base, admin, args.clients).await?);

    let all = SCENARIOS.iter().copied().chain(PAGES.iter().map(|p| p.name));
    let wanted: Vec<&str> = if args.scenarios.is_empty() {
        all.collect()
    } else {
        all.filter(|s| *s == "health" || args.scenarios.iter().any(|w| w == s)).collect()
    };
    println!(
        "database {}, {} clients, {} s per scenario, {} cores",
        redact(&args.database_url),
        args.clients,
        args.seconds,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!(
        "{:<22} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>9}",
        "scenario", "req/s", "p50 ms", "p90 ms", "p99 ms", "ceiling", "errors", "peak MiB"
    );
    let mut ceiling = 0.0;
    let mut failed = false;
    // (scenario, req/s, p99 ms) for the pgbench comparison.
    let mut measured: Vec<(&str, f64, f64)> = Vec::new();
    for scenario in wanted {
        let outcome = run(&client, &base, &targets, scenario, args.clients, Duration::from_secs(args.seconds)).await;
        let rps = outcome.latencies.len() as f64 / outcome.elapsed.as_secs_f64();
        if scenario == "health" {
            ceiling = rps;
        }
        let mut sorted = outcome.latencies.clone();
        sorted.sort();
        let pct = |p: f64| {
            sorted
                .get(((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .map(|d| d.as_secs_f64() * 1000.0)
                .unwrap_or(f64::NAN)
        };
        println!(
            "{:<22} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>7.0}% {:>7} {:>9.1}",
            scenario,
            rps,
            pct(0.50),
            pct(0.90),
            pct(0.99),
            if ceiling > 0.0 { 100.0 * rps / ceiling } else { f64::NAN },
            outcome.errors,
            server.peak_mib()
        );
        measured.push((scenario, rps, pct(0.99)));
        if let Some(e) = outcome.first_error {
            eprintln!("  first error in {scenario}: {e}");
            failed |= args.strict;
        }
        if outcome.latencies.is_empty() {
            failed = true;
        }
    }
    if args.webhooks {
        failed |= measure_webhooks(&client, &base, &targets, args.clients, Duration::from_secs(args.seconds)).await?;
    }
    server.stop();
    if args.database_url.starts_with("sqlite:") {
        println!("no pgbench baseline on SQLite");
    } else if args.pgbench || !args.no_pgbench {
        let seconds = args.pgbench_seconds.unwrap_or(args.seconds);
        pgbench::compare(&args.database_url, &targets, args.clients, seconds, args.pgbench_scale, &measured).await?;
    }
    if failed {
        anyhow::bail!("a scenario failed");
    }
    Ok(())
}

/// PostgreSQL's own benchmark as the baseline of the machine in the same run: what the database alone does with
/// the statements of a request, so each scenario's share of it holds on any machine.
mod pgbench {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use anyhow::Context;
    use sea_orm::ConnectionTrait;

    use super::Targets;

    /// The statements a version read makes (`GET /api/v1/documents/{id}/versions/{n}`), as the service sends them:
    /// the token (`api::extract::auth`), then the document joined to its version
    /// (`persistence::documents::get_with_version`). Seen with `GEBIEDSCYCLUS_LOG=persistence::db=trace`.
    const TOKEN: &str = r#"SELECT "api_tokens"."id", "api_tokens"."name", "api_tokens"."role", "api_tokens"."municipality_id", "api_tokens"."organisation_id", "api_tokens"."area_ids", "api_tokens"."token_hash", "api_tokens"."prefix", "api_tokens"."managing_municipality_id", "api_tokens"."created_by", "api_tokens"."created_at", "api_tokens"."expires_at", "api_tokens"."revoked_at", "api_tokens"."revision" FROM "api_tokens" WHERE "api_tokens"."token_hash" = :token LIMIT 1;"#;
    const VERSION: &str = r#"SELECT "versions"."id" AS "A_id", "versions"."document_id" AS "A_document_id", "versions"."number" AS "A_number", "versions"."status" AS "A_status", "versions"."content" AS "A_content", "versions"."change_note" AS "A_change_note", "versions"."based_on" AS "A_based_on", "versions"."created_at" AS "A_created_at", "versions"."created_by_token" AS "A_created_by_token", "versions"."created_by_name" AS "A_created_by_name", "versions"."updated_at" AS "A_updated_at", "versions"."adopted_at" AS "A_adopted_at", "versions"."adopted_by_token" AS "A_adopted_by_token", "versions"."adopted_by_name" AS "A_adopted_by_name", "versions"."superseded_at" AS "A_superseded_at", "versions"."revision" AS "A_revision", "versions"."return_note" AS "A_return_note", "documents"."id" AS "B_id", "documents"."area_id" AS "B_area_id", "documents"."municipality_id" AS "B_municipality_id", "documents"."kind" AS "B_kind", "documents"."period_start" AS "B_period_start", "documents"."period_end" AS "B_period_end", "documents"."last_number" AS "B_last_number", "documents"."latest_status" AS "B_latest_status", "documents"."revision" AS "B_revision", "documents"."created_at" AS "B_created_at", "documents"."updated_at" AS "B_updated_at" FROM "versions" LEFT JOIN "documents" ON "versions"."document_id" = "documents"."id" WHERE "versions"."document_id" = :doc{i} AND "versions"."number" = :num{i} LIMIT 1;"#;
    /// Versions the custom script reads, one script file each, picked at random by pgbench.
    const SCRIPTS: usize = 16;

    /// What a pgbench run gave.
    struct Run {
        tps: f64,
        p99_ms: f64,
    }

    /// Debian's pgbench: on the PATH, else the newest under /usr/lib/postgresql.
    fn find() -> anyhow::Result<PathBuf> {
        if let Some(path) = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).map(|d| d.join("pgbench")).collect::<Vec<_>>())
            .and_then(|c| c.into_iter().find(|p| p.is_file()))
        {
            return Ok(path);
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin/pgbench"))
            .filter(|p| p.is_file())
            .collect();
        found.sort_by_key(|p| {
            p.components().nth(4).and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok()).unwrap_or(0)
        });
        found.pop().ok_or_else(|| {
            anyhow::anyhow!(
                "pgbench is missing (neither on the PATH nor under /usr/lib/postgresql/*/bin); install Debian's \
                 postgresql-client or run with --no-pgbench"
            )
        })
    }

    /// Runs pgbench with `args` against `url`, the per-transaction log in `dir`, and reads tps and p99.
    fn run(bin: &Path, url: &str, dir: &Path, name: &str, args: &[String]) -> anyhow::Result<Run> {
        let prefix = dir.join(name);
        let out = Command::new(bin)
            .args(args)
            .arg("-l")
            .arg(format!("--log-prefix={}", prefix.display()))
            .arg(url)
            .output()
            .with_context(|| format!("cannot run {}", bin.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        anyhow::ensure!(
            out.status.success(),
            "pgbench ({name}) failed: {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        let tps = stdout
            .lines()
            .find_map(|l| l.strip_prefix("tps = "))
            .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok())
            .ok_or_else(|| anyhow::anyhow!("no tps in pgbench's output: {stdout}"))?;
        // The log: client, transaction, latency in µs, script, epoch s, µs; one file per thread.
        let mut latencies: Vec<u64> = Vec::new();
        for entry in std::fs::read_dir(dir)?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(name) {
                let text = std::fs::read_to_string(entry.path())?;
                latencies.extend(text.lines().filter_map(|l| l.split_whitespace().nth(2)?.parse::<u64>().ok()));
            }
        }
        latencies.sort_unstable();
        let p99_ms = latencies
            .get(((latencies.len() as f64 * 0.99).ceil() as usize).saturating_sub(1))
            .map(|us| *us as f64 / 1000.0)
            .unwrap_or(f64::NAN);
        Ok(Run { tps, p99_ms })
    }

    /// Runs (a) the version read's statements on the service's database and (b) `pgbench -N` on pgbench's own
    /// tables in a temporary database, then prints each scenario's share of them.
    pub async fn compare(
        url: &str,
        targets: &Targets,
        clients: usize,
        seconds: u64,
        scale: u32,
        measured: &[(&str, f64, f64)],
    ) -> anyhow::Result<()> {
        let bin = find()?;
        let dir = std::env::temp_dir().join(format!("gc-pgbench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let result = compare_in(&bin, &dir, url, targets, clients, seconds, scale, measured).await;
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    #[allow(clippy::too_many_arguments)]
    async fn compare_in(
        bin: &Path,
        dir: &Path,
        url: &str,
        targets: &Targets,
        clients: usize,
        seconds: u64,
        scale: u32,
        measured: &[(&str, f64, f64)],
    ) -> anyhow::Result<()> {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(clients).to_string();
        let common = |seconds: u64| {
            vec![
                "-n".to_owned(),
                "-M".to_owned(),
                "prepared".to_owned(),
                "-c".to_owned(),
                clients.to_string(),
                "-j".to_owned(),
                threads.clone(),
                "-T".to_owned(),
                seconds.to_string(),
            ]
        };
        // (a) One script per version, each with its own variables, so the statements take parameters as the
        // service's do; pgbench picks a script at random for each transaction.
        let mut args = common(seconds);
        args.push("-D".to_owned());
        args.push(format!("token={}", api::tokens::hash_secret(&targets.admin)));
        for (i, path) in targets.versions.iter().take(SCRIPTS).enumerate() {
            let mut parts = path.rsplit('/');
            let (number, _, doc) = (parts.next(), parts.next(), parts.next());
            let (Some(number), Some(doc)) = (number, doc) else { continue };
            args.extend(["-D".to_owned(), format!("doc{i}={doc}"), "-D".to_owned(), format!("num{i}={number}")]);
            let file = dir.join(format!("version-{i}.sql"));
            std::fs::write(&file, format!("{TOKEN}\n{}\n", VERSION.replace("{i}", &i.to_string())))?;
            args.push("-f".to_owned());
            args.push(file.display().to_string());
        }
        let read = run(bin, url, dir, "read", &args)?;

        // (b) pgbench's own simple-update transaction (-N) on its own tables, in a database made for it.
        let (server, _) = url.rsplit_once('/').ok_or_else(|| anyhow::anyhow!("no database name in the URL"))?;
        let name = format!("gc_pgbench_tmp_{}", std::process::id());
        let admin = sea_orm::Database::connect(format!("{server}/postgres")).await?;
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
        let tmp = format!("{server}/{name}");
        let write = (|| {
            let init = Command::new(bin)
                .args(["-i", "-q", "-s", &scale.to_string(), &tmp])
                .output()
                .with_context(|| format!("cannot run {}", bin.display()))?;
            anyhow::ensure!(init.status.success(), "pgbench -i failed: {}", String::from_utf8_lossy(&init.stderr));
            let mut args = common(seconds);
            args.push("-N".to_owned());
            run(bin, &tmp, dir, "write", &args)
        })();
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
        admin.close().await?;
        let write = write?;

        println!(
            "\npgbench baseline ({clients} clients, {seconds} s, -M prepared): (a) a version read's statements on \
             this database {:.0} tps, p99 {:.2} ms; (b) pgbench -N, scale {scale}: {:.0} tps, p99 {:.2} ms",
            read.tps, read.p99_ms, write.tps, write.p99_ms
        );
        println!(
            "{:<22} {:>9} {:>8} {:>9} {:>8} {:>10}",
            "scenario", "req/s", "p99 ms", "baseline", "share", "p99 ratio"
        );
        for (scenario, rps, p99) in measured {
            if *scenario == "health" {
                continue;
            }
            let (base, label) = if matches!(*scenario, "check-in" | "check-in-spread" | "save-draft") {
                (&write, "(b)")
            } else {
                (&read, "(a)")
            };
            println!(
                "{:<22} {:>9.0} {:>8.2} {:>9} {:>7.0}% {:>9.1}×",
                scenario,
                rps,
                p99,
                label,
                100.0 * rps / base.tps,
                p99 / base.p99_ms
            );
        }
        Ok(())
    }
}

/// Webhook delivery to a receiver in this process, subscribed to `checkin.created`:
/// 1. latency: check-ins at full concurrency with the subscription active; each event's arrival minus its
///    `occurredAt` (the moment its transaction ran), percentiles over all events;
/// 2. throughput: the same load with the subscription paused, then resumed: the backlog's events divided by
///    the time from resuming to the last arrival.
///
/// Returns whether something went wrong.
async fn measure_webhooks(
    client: &Client,
    base: &str,
    t: &Arc<Targets>,
    clients: usize,
    length: Duration,
) -> anyhow::Result<bool> {
    let receiver = tests::receiver::Receiver::start().await;
    let created = post(
        client,
        format!("{base}/api/v1/subscriptions"),
        &t.admin,
        json!({"callbackUrl": receiver.url(), "eventTypes": ["checkin.created"], "description": "bench"}),
    )
    .await?;
    let subscription = format!("{base}/api/v1/subscriptions/{}", created["id"].as_str().unwrap_or_default());

    let load = run(client, base, t, "check-in", clients, length).await;
    let written = load.latencies.len();
    let arrived = wait_for(&receiver, written, Duration::from_secs(120)).await;
    let mut latencies: Vec<f64> = arrived
        .iter()
        .filter_map(|r| {
            let occurred = chrono::DateTime::parse_from_rfc3339(r.json["occurredAt"].as_str()?).ok()?;
            Some((r.at - occurred.with_timezone(&chrono::Utc)).num_microseconds()? as f64 / 1000.0)
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies.get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied();
    println!(
        "webhooks: {} check-ins at {:.0}/s, {} delivered; commit to delivery p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms",
        written,
        written as f64 / load.elapsed.as_secs_f64(),
        arrived.len(),
        pct(0.5).unwrap_or(f64::NAN),
        pct(0.9).unwrap_or(f64::NAN),
        pct(0.99).unwrap_or(f64::NAN)
    );

    let pause = |active: bool| {
        let subscription = subscription.clone();
        async move {
            client
                .patch(&subscription)
                .bearer_auth(&t.admin)
                .header("If-Match", "*")
                .json(&json!({"active": active}))
                .send()
                .await?
                .error_for_status()?;
            anyhow::Ok(())
        }
    };
    pause(false).await?;
    let backlog = run(client, base, t, "check-in", clients, length).await.latencies.len();
    let before = receiver.received().len();
    let resumed = chrono::Utc::now();
    pause(true).await?;
    let all = wait_for(&receiver, before + backlog, Duration::from_secs(300)).await;
    let drained = all[before..].iter().map(|r| r.at).max().unwrap_or(resumed);
    let seconds = (drained - resumed).num_milliseconds() as f64 / 1000.0;
    println!(
        "webhooks: backlog of {backlog} delivered in {seconds:.1} s after resuming: {:.0} events/s",
        (all.len() - before) as f64 / seconds.max(0.001)
    );
    // Its receiver goes with this process: left behind, the subscription would have every later run on this
    // database fan out to it and retry deliveries that cannot arrive (each such run measured slower than the
    // last, to a p99 of 39 s).
    client.delete(&subscription).bearer_auth(&t.admin).header("If-Match", "*").send().await?.error_for_status()?;
    Ok(arrived.len() < written || all.len() < before + backlog)
}

/// Waits until the receiver has `n` requests or the time is up, and returns what it has.
async fn wait_for(receiver: &tests::receiver::Receiver, n: usize, limit: Duration) -> Vec<tests::receiver::Received> {
    let until = Instant::now() + limit;
    while receiver.received().len() < n && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    receiver.received()
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

async fn fresh_database(url: &str) -> anyhow::Result<()> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return Ok(());
    }
    let (server, name) = url.rsplit_once('/').ok_or_else(|| anyhow::anyhow!("no database name in the URL"))?;
    let admin = sea_orm::Database::connect(format!("{server}/postgres")).await?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
    admin.close().await?;
    Ok(())
}

/// The service as a child process, so its memory is its own.
struct Server {
    child: Child,
}

impl Server {
    fn start(args: &Args, admin: &str, port: u16) -> anyhow::Result<Server> {
        let child = Command::new(&args.bin)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", &args.database_url)
            .env("GEBIEDSCYCLUS_ADMIN_TOKEN", admin)
            .env("GEBIEDSCYCLUS_SWEEP_INTERVAL_SECS", "0")
            .env("GEBIEDSCYCLUS_LOG", "warn")
            // The webhook scenario's receiver listens on the loopback, which the service refuses by default.
            .env("GEBIEDSCYCLUS_OUTBOUND_ALLOW", "127.0.0.0/8,::1/128")
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot run {}; build it with `cargo build --release`", args.bin))?;
        Ok(Server { child })
    }

    async fn wait_ready(&mut self, client: &Client, base: &str) -> anyhow::Result<()> {
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("the service exited with {status}");
            }
            if client.get(format!("{base}/health/ready")).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("the service did not become ready in a minute")
    }

    /// The server's peak resident memory so far (VmHWM), in MiB.
    fn peak_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn get(client: &Client, url: String, token: &str) -> anyhow::Result<Value> {
    let r = client.get(url).bearer_auth(token).send().await?;
    anyhow::ensure!(r.status().is_success(), "{}", r.status());
    Ok(r.json().await?)
}

async fn post(client: &Client, url: String, token: &str, body: Value) -> anyhow::Result<Value> {
    let r = client.post(url).bearer_auth(token).json(&body).send().await?;
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(status.is_success(), "{status}: {body}");
    Ok(body)
}

fn ids(list: &Value) -> Vec<String> {
    list["results"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Finds what the scenarios need: a municipality (the first listed) with its areas, adopted versions, a
/// partner token and its contributions in progress, and a draft per client for save-draft.
async fn discover(client: &Client, base: &str, admin: String, clients: usize) -> anyhow::Result<Targets> {
    let api = format!("{base}/api/v1");
    let municipalities = ids(&get(client, format!("{api}/municipalities?pageSize=200"), &admin).await?);
    let municipality = municipalities
        .first()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the database holds no municipality; use --generate"))?;
    let areas = ids(&get(client, format!("{api}/areas?municipalityId={municipality}&pageSize=200"), &admin).await?);
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let mut versions = Vec::new();
    let mut documents = Vec::new();
    let mut public_documents = Vec::new();
    let docs = get(client, format!("{api}/documents?municipalityId={municipality}&pageSize=200"), &admin).await?;
    for d in docs["results"].as_array().into_iter().flatten() {
        if let (Some(id), Some(n)) = (d["id"].as_str(), d["inForce"]["number"].as_i64()) {
            versions.push(format!("{api}/documents/{id}/versions/{n}"));
            documents.push(id.to_owned());
            if d["kind"] != "analysis" {
                public_documents.push(id.to_owned());
            }
        }
    }
    anyhow::ensure!(!versions.is_empty(), "no adopted versions to read");
    anyhow::ensure!(!public_documents.is_empty(), "no adopted agenda, plan or monitor to read in public");
    // A partner: the organisation with the most contributions in progress in this municipality.
    let progressing_all = get(
        client,
        format!("{api}/contributions?municipalityId={municipality}&status=in_progress&pageSize=200"),
        &admin,
    )
    .await?;
    let organisation = progressing_all["results"][0]["organisationId"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no contribution in progress"))?
        .to_owned();
    let progressing: Vec<String> = progressing_all["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["organisationId"] == organisation.as_str())
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    // Contributions in progress anywhere, for the spread check-ins, following the pages' `next` links.
    let mut spread = Vec::new();
    let mut next = Some(format!("{api}/contributions?status=in_progress&pageSize=200"));
    while let Some(url) = next.take().filter(|_| spread.len() < SPREAD) {
        let page = get(client, url, &admin).await?;
        spread.extend(
            page["results"].as_array().into_iter().flatten().filter_map(|c| c["id"].as_str().map(str::to_owned)),
        );
        next = page["next"].as_str().map(|n| if n.starts_with("http") { n.to_owned() } else { format!("{base}{n}") });
    }
    anyhow::ensure!(!spread.is_empty(), "no contribution in progress");
    let partner = post(
        client,
        format!("{api}/api-tokens"),
        &admin,
        json!({"name": "bench partner", "role": "partner", "organisationId": organisation}),
    )
    .await?["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let coordinator = post(
        client,
        format!("{api}/api-tokens"),
        &admin,
        json!({"name": "bench coordinator", "role": "coordinator", "municipalityId": municipality}),
    )
    .await?["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // One analysis draft per client, far in the future so it collides with nothing. A year an earlier run on
    // this database took holds that run's draft, which is taken again: only a year whose analysis is no longer
    // a draft is skipped, so the years last for any number of runs.
    let mut drafts = Vec::new();
    let mut draft_year = 2060;
    for i in 0..clients {
        let area = &areas[i % areas.len()];
        let id = loop {
            let body = json!({"areaId": area, "kind": "analysis", "year": draft_year});
            let r = client.post(format!("{api}/documents")).bearer_auth(&admin).json(&body).send().await?;
            let status = r.status();
            let created: Value = r.json().await.unwrap_or(Value::Null);
            draft_year += 1;
            match status {
                StatusCode::CREATED => break created["document"]["id"].as_str().unwrap_or_default().to_owned(),
                StatusCode::CONFLICT if draft_year <= 2100 => {
                    let taken =
                        format!("{api}/documents?areaId={area}&kind=analysis&year={}&status=draft", draft_year - 1);
                    let earlier: Value = client.get(taken).bearer_auth(&admin).send().await?.json().await?;
                    match earlier["results"][0]["id"].as_str() {
                        Some(id) => break id.to_owned(),
                        None => continue,
                    }
                }
                _ => anyhow::bail!("cannot make a draft to save: {status} {created}"),
            }
        };
        drafts.push(format!("{api}/documents/{id}/versions/1"));
    }
    Ok(Targets {
        admin,
        partner,
        coordinator,
        municipality,
        year,
        areas,
        documents,
        public_documents,
        versions,
        progressing,
        spread,
        drafts,
    })
}

/// How many contributions `check-in-spread` reports on at most.
const SPREAD: usize = 2000;

/// Signs in through the form as a browser does: `GET /inloggen` gives the `gc_inlog` cookie and the same
/// value in the form's `csrf` field, `POST /inloggen` with the token and both answers 303 with the session
/// cookie. Returns the `Cookie` header to send from then on.
async fn sign_in(client: &Client, base: &str, token: &str) -> anyhow::Result<String> {
    let form = client.get(format!("{base}/inloggen")).send().await?;
    let form_cookie = cookie_of(&form, "gc_inlog")?;
    let body = form.text().await?;
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker).ok_or_else(|| anyhow::anyhow!("no csrf field on /inloggen"))? + marker.len();
    let csrf = &body[start..start + body[start..].find('"').unwrap_or(0)];
    let answer = client
        .post(format!("{base}/inloggen"))
        .header("Cookie", form_cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("token={}&csrf={}", form_encode(token), form_encode(csrf)))
        .send()
        .await?;
    anyhow::ensure!(answer.status() == StatusCode::SEE_OTHER, "sign-in answered {}", answer.status());
    cookie_of(&answer, "gc_sessie")
}

/// `name=value` of the cookie `name` an answer sets.
fn cookie_of(r: &reqwest::Response, name: &str) -> anyhow::Result<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no {name} cookie in the answer ({})", r.status()))
}

/// Percent-encodes all but the unreserved characters, as a browser encodes a form field.
fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn run(
    client: &Client,
    base: &str,
    t: &Arc<Targets>,
    scenario: &str,
    clients: usize,
    length: Duration,
) -> Outcome {
    let page = page_scenario(scenario);
    // A page answers a lost session with a redirect to /inloggen, which must count as an error, not be followed.
    let client = match page {
        Some(_) => Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(clients * 2)
            .build()
            .unwrap_or_else(|_| client.clone()),
        None => client.clone(),
    };
    // Each client signs in before the clock starts.
    let mut sessions = Vec::new();
    for _ in 0..clients {
        sessions.push(match page.map(|p| p.reader) {
            None | Some(Reader::Public) => Ok(None),
            Some(Reader::Coordinator) => sign_in(&client, base, &t.coordinator).await.map(Some),
            Some(Reader::Partner) => sign_in(&client, base, &t.partner).await.map(Some),
        });
    }
    let started = Instant::now();
    let deadline = started + length;
    let mut tasks = Vec::new();
    for (n, session) in sessions.into_iter().enumerate() {
        let (client, base, t, scenario) = (client.clone(), base.to_owned(), t.clone(), scenario.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(n as u64 + 1);
            let mut latencies = Vec::new();
            let (mut errors, mut first_error) = (0, None);
            let mut etag: Option<String> = None;
            let session = match session {
                Ok(session) => session,
                Err(e) => return (latencies, 1, Some(format!("{scenario}: cannot sign in: {e:#}"))),
            };
            while Instant::now() < deadline {
                let kind = match scenario.as_str() {
                    // 90/10 reads and writes.
                    "mix" => MIX[rng.below(MIX.len())],
                    // The dashboard while partners report progress: every check-in makes the next dashboard
                    // of that municipality compute afresh.
                    "dashboard-changing" => {
                        if rng.below(10) == 0 {
                            "check-in"
                        } else {
                            "dashboard"
                        }
                    }
                    other => other,
                };
                let request = match page {
                    Some(p) => {
                        let request = client.get(format!("{base}{}", (p.path)(&t, &mut rng)));
                        match &session {
                            Some(cookie) => request.header("Cookie", cookie),
                            None => request,
                        }
                    }
                    None => build(&client, &base, &t, kind, n, &mut rng, &etag),
                };
                let begin = Instant::now();
                let result = request.send().await;
                let took = begin.elapsed();
                match result {
                    Ok(r) if if page.is_some() { r.status() == StatusCode::OK } else { r.status().is_success() } => {
                        if kind == "save-draft" {
                            etag = r.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
                        }
                        let _ = r.bytes().await;
                        latencies.push(took);
                    }
                    Ok(r) => {
                        errors += 1;
                        let status: StatusCode = r.status();
                        let body = r.text().await.unwrap_or_default();
                        first_error.get_or_insert(format!("{kind}: {status} {body}"));
                        if kind == "save-draft" {
                            etag = None;
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(format!("{kind}: {e}"));
                    }
                }
            }
            (latencies, errors, first_error)
        }));
    }
    let mut outcome = Outcome { latencies: Vec::new(), errors: 0, first_error: None, elapsed: Duration::ZERO };
    for task in tasks {
        if let Ok((latencies, errors, first_error)) = task.await {
            outcome.latencies.extend(latencies);
            outcome.errors += errors;
            if outcome.first_error.is_none() {
                outcome.first_error = first_error;
            }
        }
    }
    outcome.elapsed = started.elapsed();
    outcome
}

fn build(
    client: &Client,
    base: &str,
    t: &Targets,
    kind: &str,
    n: usize,
    rng: &mut Rng,
    etag: &Option<String>,
) -> reqwest::RequestBuilder {
    let api = format!("{base}/api/v1");
    match kind {
        "health" => client.get(format!("{base}/health/live")),
        "version" => client.get(pick(rng, &t.versions)).bearer_auth(&t.admin),
        "partner-contributions" => client.get(format!("{api}/contributions?pageSize=50")).bearer_auth(&t.partner),
        "board" => {
            let year = t.year - rng.below(10) as i32;
            client.get(format!("{api}/areas/{}/cycles/{year}", pick(rng, &t.areas))).bearer_auth(&t.admin)
        }
        "dashboard" => client
            .get(format!("{api}/dashboard?municipalityId={}&year={}", t.municipality, t.year))
            .bearer_auth(&t.admin),
        "deadlines" => {
            client.get(format!("{api}/deadlines?municipalityId={}&pageSize=50", t.municipality)).bearer_auth(&t.admin)
        }
        "check-in" | "check-in-spread" => {
            // One partner on its own few contributions (a hot spot: reports on one contribution queue on its
            // row), or the administrator on contributions all over (spread like pgbench -N's accounts).
            let (id, token) = match kind {
                "check-in" => (pick(rng, &t.progressing), &t.partner),
                _ => (pick(rng, &t.spread), &t.admin),
            };
            let body = json!({"date": chrono::Utc::now().date_naive().pred_opt(), "progressPercent": rng.below(101), "confidence": "on_track", "note": "Loopt volgens plan."});
            client.request(Method::POST, format!("{api}/contributions/{id}/check-ins")).bearer_auth(token).json(&body)
        }
        _ => {
            // save-draft: a PUT with If-Match on this client's own draft; the ETag comes from the last answer.
            let path = &t.drafts[n % t.drafts.len()];
            let body = json!({"content": {"summary": format!("Concept {}", rng.below(1_000_000))}, "changeNote": "Bijgewerkt"});
            let request = client.put(path).bearer_auth(&t.admin).json(&body);
            match etag {
                Some(e) => request.header("If-Match", e),
                None => request.header("If-Match", "*"),
            }
        }
    }
}
