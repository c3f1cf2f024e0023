//! A PostgreSQL server of the test's own, in a temporary directory on a free port, that the test may stop
//! and start again (an outage) without touching the server the other tests share.
//!
//! It runs the machine's PostgreSQL binaries (`/usr/lib/postgresql/<version>/bin`, or `PG_BINDIR`). PostgreSQL
//! refuses to run as root, so as root it runs as the `postgres` user.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PrivatePostgres {
    bindir: PathBuf,
    dir: PathBuf,
    port: u16,
}

fn bindir() -> PathBuf {
    if let Ok(dir) = std::env::var("PG_BINDIR") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries in /usr/lib/postgresql (or set PG_BINDIR)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version with pg_ctl in /usr/lib/postgresql")
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A PostgreSQL program, to run as `postgres` when we are root.
fn command(program: &Path) -> Command {
    if running_as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Runs a PostgreSQL program and panics with its output if it fails.
fn run(program: &Path, args: &[&str]) {
    let output =
        command(program).args(args).output().unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    assert!(
        output.status.success(),
        "{} {args:?} failed: {}{}",
        program.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl PrivatePostgres {
    /// Creates a new cluster (trust authentication, user `postgres`) and starts it.
    pub fn start() -> PrivatePostgres {
        let dir = std::env::temp_dir().join(format!("gc-pg-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("cluster directory");
        if running_as_root() {
            let owned = Command::new("chown").args(["postgres:postgres"]).arg(&dir).status();
            assert!(owned.is_ok_and(|s| s.success()), "cannot give {} to the postgres user", dir.display());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let pg = PrivatePostgres { bindir: bindir(), dir, port };
        let data = pg.data();
        run(&pg.bindir.join("initdb"), &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        pg.resume();
        pg
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=50",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        run(&self.bindir.join("pg_ctl"), &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]);
    }

    /// Stops the server the way an operator would (`pg_ctl stop -m fast`): running transactions are rolled
    /// back and every connection is closed.
    pub fn stop(&self) {
        run(&self.bindir.join("pg_ctl"), &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ =
            command(&self.bindir.join("pg_ctl")).args(["-D", &self.data(), "-m", "immediate", "-w", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
