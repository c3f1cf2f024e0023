//! The service as a process of its own, for the tests that kill it: `serve` of the real binary on a database
//! a test prepared, on a port of its own, killed with SIGKILL (no chance to finish anything) and started again.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct ServiceProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub address: String,
}

impl ServiceProcess {
    /// Starts `bin serve` on `database_url` with `admin` as the configured administrator token and waits until
    /// it is ready. The sweeper and the webhook worker are off: the tests count every event themselves.
    pub async fn start(bin: &str, database_url: &str, admin: &str) -> ServiceProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new(bin)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", database_url)
            .env("GEBIEDSCYCLUS_ADMIN_TOKEN", admin)
            .env("GEBIEDSCYCLUS_SWEEP_INTERVAL_SECS", "0")
            .env("GEBIEDSCYCLUS_WEBHOOKS", "off")
            .env("GEBIEDSCYCLUS_WORKERS", "2")
            .env("GEBIEDSCYCLUS_DB_MAX_CONNECTIONS", "8")
            .env("GEBIEDSCYCLUS_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        let mut process = ServiceProcess { child, address: format!("http://127.0.0.1:{port}") };
        process.wait_ready().await;
        process
    }

    async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            if let Some(status) = self.child.try_wait().expect("child status") {
                panic!("the service exited on start with {status}");
            }
            let ready = client.get(format!("{}/health/ready", self.address)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the service did not become ready within a minute");
    }

    /// SIGKILL: the process ends at once, mid-request and mid-transaction.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL the service");
        self.child.wait().expect("reap the service");
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
