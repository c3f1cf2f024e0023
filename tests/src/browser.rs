//! A small W3C WebDriver client for the browser tests: Debian's Chromium driven by its ChromeDriver, spoken to
//! over HTTP with `reqwest` (no browser-automation dependency tree, and no tool that downloads a browser).
//!
//! One ChromeDriver serves the whole test process: [`Browser::open`] starts it on a free port the first time and
//! opens a session (headless, no sandbox, a fresh profile). At most [`MAX_SESSIONS`] sessions are open at once in
//! a process, as the machine has two cores. ChromeDriver runs under a small shell watchdog that reads its stdin,
//! a pipe from this process: when the test process ends, however it ends, the pipe closes and the watchdog
//! kills ChromeDriver, the browsers it started, and the profiles.
//!
//! [`Browser::assert_accessible`] injects axe-core (installed by `tests/build.rs` from the pinned
//! `tests/browser/package-lock.json`) and fails on every violation of the WCAG 2.1 A and AA rules.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, SemaphorePermit};
use uuid::Uuid;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Browser sessions open at once in one test process.
pub const MAX_SESSIONS: usize = 2;

/// The axe-core rule tags the pages must pass: WCAG 2.0 and 2.1, levels A and AA.
pub const AXE_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// axe-core's browser build, from the npm package `tests/build.rs` installed.
const AXE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/browser/node_modules/axe-core/axe.min.js");

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

static SESSIONS: Semaphore = Semaphore::const_new(MAX_SESSIONS);

/// The process's ChromeDriver, started on first use.
struct Driver {
    address: String,
    /// Where the sessions' profiles live; the watchdog removes it when the process ends.
    profiles: PathBuf,
    // Held open for the life of the process: closing it tells the watchdog to stop ChromeDriver.
    watchdog_stdin: Mutex<ChildStdin>,
    watchdog: Mutex<Child>,
}

static DRIVER: OnceLock<Result<Driver, String>> = OnceLock::new();

fn driver() -> Result<&'static Driver, String> {
    DRIVER.get_or_init(start_driver).as_ref().map_err(Clone::clone)
}

fn start_driver() -> Result<Driver, String> {
    for (file, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
        if !Path::new(file).exists() {
            return Err(format!(
                "{file} is missing: the browser tests need Debian's Chromium and its driver; install them with \
                 `apt-get install chromium chromium-driver` (.ci/run does) — package {package}"
            ));
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port for chromedriver: {e}"))?
        .port();
    let profiles = std::env::temp_dir().join(format!("gc-browser-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&profiles).map_err(|e| format!("cannot create {}: {e}", profiles.display()))?;
    let log = profiles.join("chromedriver.log");
    // The watchdog leads its own process group, which ChromeDriver and the browsers join: when its stdin (a
    // pipe from this process) reaches end of file, it stops the whole group and removes the profiles.
    let script = r#"
        "$0" --port="$1" --log-path="$2/chromedriver.log" </dev/null >/dev/null 2>&1 &
        read -r _ignored
        trap '' TERM
        kill -TERM 0
        sleep 1
        if [ -f "$2/remove-at-exit" ]; then
          while IFS= read -r file; do rm -f -- "$file"; done < "$2/remove-at-exit"
        fi
        rm -rf "$2"
        kill -KILL 0
    "#;
    let mut watchdog = std::os::unix::process::CommandExt::process_group(
        Command::new("sh").args(["-c", script, CHROMEDRIVER, &port.to_string(), &profiles.display().to_string()]),
        0,
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::null())
    .stderr(Stdio::inherit())
    .spawn()
    .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
    let stdin = watchdog.stdin.take().expect("piped stdin");
    let until = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > until {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("{CHROMEDRIVER} did not listen on port {port} within 20 s; its log:\n{log}"));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Ok(Driver {
        address: format!("http://127.0.0.1:{port}"),
        profiles,
        watchdog_stdin: Mutex::new(stdin),
        watchdog: Mutex::new(watchdog),
    })
}

/// Stops the process's ChromeDriver now (its sessions must be closed). A binary calls this before it exits;
/// test processes need not, the watchdog sees them go.
pub fn shutdown() {
    if let Some(Ok(driver)) = DRIVER.get()
        && let Ok(mut stdin) = driver.watchdog_stdin.lock()
    {
        // Writing a line ends the watchdog's `read` as end of file would.
        let _ = stdin.write_all(b"stop\n");
        let _ = stdin.flush();
        if let Ok(mut child) = driver.watchdog.lock() {
            let _ = child.wait();
        }
    }
}

/// Has the watchdog remove `file` when the test process has ended (a file of something that lives as long as
/// the process, such as the shared demo site's SQLite database).
pub fn remove_at_exit(file: &Path) {
    let Ok(driver) = driver() else { return };
    let list = driver.profiles.join("remove-at-exit");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(list) {
        let _ = writeln!(f, "{}", file.display());
    }
}

/// A WebDriver error, with the driver's own message.
#[derive(Debug, thiserror::Error)]
#[error("WebDriver {command}: {error}: {message}")]
pub struct WebDriverError {
    pub command: String,
    pub error: String,
    pub message: String,
}

pub type Result<T, E = WebDriverError> = std::result::Result<T, E>;

fn failure(command: &str, error: impl Into<String>, message: impl Into<String>) -> WebDriverError {
    WebDriverError { command: command.to_owned(), error: error.into(), message: message.into() }
}

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element {
    id: String,
    /// The selector it was found with, for messages.
    pub selector: String,
}

/// One violation of an axe rule, with the elements that break it.
#[derive(Debug, Clone)]
pub struct Violation {
    pub rule: String,
    pub impact: String,
    pub help: String,
    pub targets: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {} — {}", self.rule, self.impact, self.help, self.targets.join(", "))
    }
}

/// A browser session: one headless Chromium with a fresh profile.
pub struct Browser {
    client: reqwest::Client,
    /// `http://127.0.0.1:<port>/session/<id>`.
    session: String,
    profile: PathBuf,
    closed: bool,
    _permit: SemaphorePermit<'static>,
}

impl Browser {
    /// Opens a session, waiting while [`MAX_SESSIONS`] others are open. Panics with the reason when Chromium or
    /// ChromeDriver is missing or will not start: the browser tests never skip silently.
    pub async fn open() -> Browser {
        match Self::try_open().await {
            Ok(b) => b,
            Err(e) => panic!("cannot open a browser: {e}"),
        }
    }

    pub async fn try_open() -> Result<Browser> {
        let permit = SESSIONS.acquire().await.expect("the session semaphore is never closed");
        let driver = driver().map_err(|m| failure("start chromedriver", "not available", m))?;
        let profile = driver.profiles.join(Uuid::now_v7().simple().to_string());
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--no-first-run".into(),
            "--window-size=1280,1000".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
            }}
        });
        // A client per session: the tests run on runtimes of their own, and a pool cannot outlive its runtime.
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| failure("new session", "client", e.to_string()))?;
        let answer = call(
            &client,
            "new session",
            reqwest::Method::POST,
            &format!("{}/session", driver.address),
            Some(capabilities),
        )
        .await?;
        let id =
            answer["sessionId"].as_str().ok_or_else(|| failure("new session", "no session id", answer.to_string()))?;
        Ok(Browser {
            client,
            session: format!("{}/session/{id}", driver.address),
            profile,
            closed: false,
            _permit: permit,
        })
    }

    async fn send(&self, command: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        call(&self.client, command, method, &format!("{}{path}", self.session), body).await
    }

    async fn post(&self, command: &str, path: &str, body: Value) -> Result<Value> {
        self.send(command, reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, command: &str, path: &str) -> Result<Value> {
        self.send(command, reqwest::Method::GET, path, None).await
    }

    /// Loads `url` and waits until the page has loaded.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.post(&format!("goto {url}"), "/url", json!({ "url": url })).await.map(drop)
    }

    pub async fn current_url(&self) -> Result<String> {
        let v = self.get("current url", "/url").await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// The path (and query) of the current page.
    pub async fn current_path(&self) -> Result<String> {
        let url = self.current_url().await?;
        Ok(path_of(&url).to_owned())
    }

    /// The first element matching a CSS selector.
    pub async fn find(&self, css: &str) -> Result<Element> {
        let v = self.post(&format!("find {css}"), "/element", json!({ "using": "css selector", "value": css })).await?;
        element_of(&v, css)
    }

    /// Every element matching a CSS selector (none is no error).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let v = self
            .post(&format!("find all {css}"), "/elements", json!({ "using": "css selector", "value": css }))
            .await?;
        v.as_array().into_iter().flatten().map(|e| element_of(e, css)).collect()
    }

    pub async fn click(&self, element: &Element) -> Result<()> {
        self.post(&format!("click {}", element.selector), &format!("/element/{}/click", element.id), json!({}))
            .await
            .map(drop)
    }

    /// Clears a field and types `text` into it.
    pub async fn type_into(&self, element: &Element, text: &str) -> Result<()> {
        let path = format!("/element/{}", element.id);
        self.post(&format!("clear {}", element.selector), &format!("{path}/clear"), json!({})).await?;
        self.post(&format!("type into {}", element.selector), &format!("{path}/value"), json!({ "text": text }))
            .await
            .map(drop)
    }

    /// An element's rendered text.
    pub async fn text(&self, element: &Element) -> Result<String> {
        let v = self.get(&format!("text of {}", element.selector), &format!("/element/{}/text", element.id)).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// The rendered text of the first element matching `css`.
    pub async fn text_of(&self, css: &str) -> Result<String> {
        let e = self.find(css).await?;
        self.text(&e).await
    }

    /// An element's attribute, `None` when it has none.
    pub async fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let path = format!("/element/{}/attribute/{name}", element.id);
        let v = self.get(&format!("attribute {name} of {}", element.selector), &path).await?;
        Ok(v.as_str().map(str::to_owned))
    }

    pub async fn page_source(&self) -> Result<String> {
        let v = self.get("page source", "/source").await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Runs a script (the body of a function that receives `args` as `arguments`) and returns what it returns.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.post("execute", "/execute/sync", json!({ "script": script, "args": args })).await
    }

    /// Runs a script whose last argument is a callback it calls with its result.
    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.post("execute async", "/execute/async", json!({ "script": script, "args": args })).await
    }

    /// The HTTP status the current page was answered with (Navigation Timing), 0 when unknown.
    pub async fn status(&self) -> Result<u16> {
        let v = self
            .execute(
                "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0;",
                vec![],
            )
            .await?;
        Ok(v.as_u64().unwrap_or(0) as u16)
    }

    /// A PNG of the window.
    pub async fn screenshot(&self) -> Result<Vec<u8>> {
        let v = self.get("screenshot", "/screenshot").await?;
        decode_png("screenshot", &v)
    }

    /// A PNG of the whole page, however long (through ChromeDriver's DevTools command).
    pub async fn screenshot_full_page(&self) -> Result<Vec<u8>> {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await?;
        let size = &metrics["cssContentSize"];
        let (width, height) = (size["width"].as_f64().unwrap_or(1280.0), size["height"].as_f64().unwrap_or(1000.0));
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
                }),
            )
            .await?;
        decode_png("full-page screenshot", &shot["data"])
    }

    /// A Chrome DevTools Protocol command.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        self.post(&format!("cdp {cmd}"), "/goog/cdp/execute", json!({ "cmd": cmd, "params": params })).await
    }

    /// Ends the session and removes its profile.
    pub async fn close(mut self) -> Result<()> {
        self.closed = true;
        let answer = self.send("close", reqwest::Method::DELETE, "", None).await;
        let _ = std::fs::remove_dir_all(&self.profile);
        answer.map(drop)
    }

    /// Clicks an element that loads another page (a link, a form's submit button) and waits until that page
    /// has loaded: a WebDriver click may return before the navigation it starts has finished.
    pub async fn click_and_wait(&self, element: &Element) -> Result<()> {
        self.execute("window.__gcOldPage = true;", vec![]).await?;
        self.click(element).await?;
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            // While the old document unloads, a script may fail; that is no answer yet.
            let probe = "return !window.__gcOldPage && document.readyState === 'complete';";
            if let Ok(Value::Bool(true)) = self.execute(probe, vec![]).await {
                return Ok(());
            }
            if Instant::now() > until {
                return Err(failure(&format!("click {}", element.selector), "timeout", "no new page within 20 s"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    // What the tests do with pages.

    /// Clicks the first button whose text is `label` (a form's submit button) and waits for the page it loads.
    pub async fn click_button(&self, label: &str) -> Result<()> {
        for b in self.find_all("button, input[type=submit]").await? {
            let text = match self.text(&b).await? {
                t if t.trim().is_empty() => self.attribute(&b, "value").await?.unwrap_or_default(),
                t => t,
            };
            if text.trim() == label {
                return self.click_and_wait(&b).await;
            }
        }
        Err(failure(&format!("click button {label:?}"), "no such element", "no button with this text on the page"))
    }

    /// Clicks the first link whose text is `label` and waits for the page it loads.
    pub async fn click_link(&self, label: &str) -> Result<()> {
        for a in self.find_all("a[href]").await? {
            if self.text(&a).await?.trim() == label {
                return self.click_and_wait(&a).await;
            }
        }
        Err(failure(&format!("click link {label:?}"), "no such element", "no link with this text on the page"))
    }

    /// The labels of the page's buttons.
    pub async fn button_labels(&self) -> Result<Vec<String>> {
        let v = self
            .execute(
                "return Array.from(document.querySelectorAll('button, input[type=submit]'))\
                 .map(b => (b.innerText || b.value || '').trim());",
                vec![],
            )
            .await?;
        Ok(strings(&v))
    }

    /// The absolute addresses of the page's links, without their fragments.
    pub async fn links(&self) -> Result<Vec<String>> {
        let v = self
            .execute("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href.split('#')[0]);", vec![])
            .await?;
        Ok(strings(&v))
    }

    /// The first-level heading's text.
    pub async fn heading(&self) -> Result<String> {
        self.text_of("h1").await
    }

    /// Signs in through the form at `base`/inloggen: types the token, clicks "Inloggen", and returns the path
    /// the browser landed on.
    pub async fn sign_in(&self, base: &str, token: &str) -> Result<String> {
        self.goto(&format!("{base}/inloggen")).await?;
        let field = self.find("#token").await?;
        self.type_into(&field, token).await?;
        self.click_button("Inloggen").await?;
        self.current_path().await
    }

    /// Runs axe-core on the current page with the WCAG 2.1 A and AA rules and returns its violations.
    pub async fn axe(&self) -> Result<Vec<Violation>> {
        self.execute(axe_source(), vec![]).await?;
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
              .then(r => done({ ok: r.violations.map(v => ({
                  rule: v.id, impact: v.impact || '', help: v.help,
                  targets: v.nodes.map(n => n.target.join(' ')) })) }))
              .catch(e => done({ error: String(e) }));
        "#;
        let v = self.execute_async(script, vec![json!(AXE_TAGS)]).await?;
        if let Some(e) = v["error"].as_str() {
            return Err(failure("axe.run", "javascript error", e));
        }
        Ok(v["ok"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| Violation {
                rule: v["rule"].as_str().unwrap_or_default().to_owned(),
                impact: v["impact"].as_str().unwrap_or_default().to_owned(),
                help: v["help"].as_str().unwrap_or_default().to_owned(),
                targets: strings(&v["targets"]),
            })
            .collect())
    }

    /// Fails, listing rule, impact, help and elements of every violation, when axe finds any on the current page.
    pub async fn assert_accessible(&self, page_name: &str) {
        let violations = self.axe().await.unwrap_or_else(|e| panic!("axe could not check {page_name}: {e}"));
        assert!(
            violations.is_empty(),
            "{page_name}: {} axe violation(s) of {AXE_TAGS:?}:\n{}",
            violations.len(),
            violations.iter().map(|v| format!("  - {v}")).collect::<Vec<_>>().join("\n")
        );
    }
}

impl Drop for Browser {
    /// A session a test did not close (it panicked first) is closed in the background; the watchdog stops
    /// whatever is left when the process ends.
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        let (session, profile) = (self.session.clone(), self.profile.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(rt) = runtime {
                rt.block_on(async {
                    if let Ok(client) = reqwest::Client::builder().timeout(Duration::from_secs(10)).build() {
                        let _ = client.delete(&session).send().await;
                    }
                });
            }
            let _ = std::fs::remove_dir_all(profile);
        });
    }
}

/// axe-core's source, read once.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        std::fs::read_to_string(AXE_PATH)
            .unwrap_or_else(|e| panic!("cannot read {AXE_PATH} (tests/build.rs installs it with npm ci): {e}"))
    })
}

async fn call(
    client: &reqwest::Client,
    command: &str,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut request = client.request(method, url);
    if let Some(b) = body {
        request = request.json(&b);
    }
    let response = request.send().await.map_err(|e| failure(command, "no answer from chromedriver", e.to_string()))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| failure(command, "unreadable answer", e.to_string()))?;
    let answer: Value =
        serde_json::from_str(&text).map_err(|_| failure(command, format!("HTTP {status}"), text.clone()))?;
    let value = answer.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() || value.get("error").is_some_and(Value::is_string) {
        return Err(failure(
            command,
            value["error"].as_str().unwrap_or(status.as_str()),
            value["message"].as_str().unwrap_or(&text),
        ));
    }
    // A new session answers with the id beside the capabilities.
    Ok(value)
}

fn element_of(v: &Value, css: &str) -> Result<Element> {
    let id = v[ELEMENT_KEY].as_str().ok_or_else(|| failure(&format!("find {css}"), "no element", v.to_string()))?;
    Ok(Element { id: id.to_owned(), selector: css.to_owned() })
}

fn decode_png(command: &str, v: &Value) -> Result<Vec<u8>> {
    let data = v.as_str().ok_or_else(|| failure(command, "no image", v.to_string()))?;
    STANDARD.decode(data).map_err(|e| failure(command, "not base64", e.to_string()))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
}

/// The path and query of an absolute URL (`http://host:port/a?b` gives `/a?b`).
pub fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// The real application with the demo data (`serve --demo`): every kind of page has something to show. On
/// SQLite, or on PostgreSQL with `TEST_DATABASE_URL`, like every black-box test.
pub struct DemoSite {
    pub app: crate::TestApp,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    tokens: Vec<(domain::principal::Role, String)>,
}

impl DemoSite {
    /// One demo site for the whole test process, started on first use, for the tests that change no data
    /// (signing in and out changes none): it spares every test the start and the demo load (seconds on
    /// PostgreSQL). It runs on a runtime of its own, as tests run on theirs; call the API through
    /// [`DemoSite::admin_get`], not `app`'s client, whose connections belong to one runtime.
    pub fn shared() -> &'static DemoSite {
        static SHARED: OnceLock<DemoSite> = OnceLock::new();
        SHARED.get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::Builder::new()
                .name("shared-demo-site".into())
                .spawn(move || {
                    let runtime = tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(2)
                        .enable_all()
                        .build()
                        .expect("a runtime for the shared demo site");
                    let site = runtime.block_on(DemoSite::start());
                    if let Some(file) = site.app.database_url.strip_prefix("sqlite://") {
                        for suffix in ["", "-wal", "-shm"] {
                            remove_at_exit(Path::new(&format!("{file}{suffix}")));
                        }
                    }
                    let _ = tx.send(site);
                    // The runtime serves the site until the process ends.
                    loop {
                        std::thread::park();
                    }
                })
                .expect("a thread for the shared demo site");
            rx.recv().expect("the shared demo site did not start (see the panic above)")
        })
    }

    /// A fresh demo site of the test's own, on the test's runtime: for a test that changes data.
    pub async fn start() -> DemoSite {
        let app = crate::TestApp::spawn().await;
        let tokens = api::demo::load_if_empty(&app.db)
            .await
            .expect("the demo data loads")
            .expect("the database was empty")
            .into_iter()
            .map(|t| (t.role, t.secret))
            .collect();
        let base = app.address.clone();
        DemoSite { app, base, tokens }
    }

    /// The demo token of a role.
    pub fn token(&self, role: domain::principal::Role) -> &str {
        self.tokens
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("the demo has no {role:?} token"))
    }

    /// The full address of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A GET of the JSON API as the administrator, on a client of the calling runtime.
    pub async fn admin_get(&self, path: &str) -> crate::Reply {
        let client = reqwest::Client::builder().build().expect("an HTTP client");
        crate::TestApp::send(client.get(self.url(path)).bearer_auth(&self.app.admin)).await
    }

    /// The id of a demo municipality, by name.
    pub async fn municipality_id(&self, name: &str) -> String {
        let path = format!("/api/v1/municipalities?name={}", name.replace(' ', "%20"));
        let reply = self.admin_get(&path).await;
        reply.ok(200)["results"][0]["id"].as_str().unwrap_or_else(|| panic!("no municipality {name}")).to_owned()
    }

    /// Opens a browser and signs in as the demo person of `role` through the form; returns where it landed.
    pub async fn sign_in_as(&self, role: domain::principal::Role) -> (Browser, String) {
        let browser = Browser::open().await;
        let landed = browser
            .sign_in(&self.base, self.token(role))
            .await
            .unwrap_or_else(|e| panic!("signing in as {role:?} failed: {e}"));
        (browser, landed)
    }
}
