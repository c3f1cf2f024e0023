//! What the browser tests share: the demo site (`tests::browser::DemoSite`, with `sign_in_as(role)`), and the
//! crawler that visits every page a person can reach by following links and runs axe on each.

use std::collections::{HashMap, HashSet, VecDeque};

use tests::browser::{Browser, DemoSite, Violation, path_of};

pub(crate) use domain::principal::Role;

/// Pages one crawl visits at most.
pub(crate) const CRAWL_CAP: usize = 40;

/// Pages of one kind (the same path with ids as wildcards, with or without a query) one crawl visits at most:
/// the crawl sees every kind of page rather than thirty documents.
const PER_KIND: usize = 2;

/// A page the crawler visited.
pub(crate) struct Visit {
    /// The path asked for.
    pub path: String,
    /// Where the browser ended up (after redirects).
    pub landed: String,
    pub status: u16,
    pub violations: Vec<Violation>,
}

/// The kind of a page: its path with every id or number replaced, and whether it has a query.
fn kind_of(path: &str) -> String {
    let (p, q) = path.split_once('?').map_or((path, false), |(p, _)| (p, true));
    let segments: Vec<&str> = p
        .split('/')
        .map(|s| {
            let is_id = s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            if is_id || (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())) { "{}" } else { s }
        })
        .collect();
    format!("{}{}", segments.join("/"), if q { "?" } else { "" })
}

/// Whether the crawler follows a link to this path (GET only; never signing out; no stylesheets or API).
fn followed(path: &str) -> bool {
    let p = path.split('?').next().unwrap_or(path);
    !(p == "/uitloggen"
        || p.starts_with("/assets/")
        || p == "/api"
        || p.starts_with("/api/")
        || p.starts_with("/health/")
        || p == "/metrics")
}

/// Visits same-origin links breadth-first from `starts`, at most [`CRAWL_CAP`] pages and [`PER_KIND`] of a
/// kind, and runs axe on every page. Prints each page with its status and axe result under `who`.
pub(crate) async fn crawl(site: &DemoSite, browser: &Browser, who: &str, starts: &[&str]) -> Vec<Visit> {
    let mut queue: VecDeque<String> = starts.iter().map(|s| (*s).to_owned()).collect();
    let mut seen: HashSet<String> = queue.iter().cloned().collect();
    let mut per_kind: HashMap<String, usize> = HashMap::new();
    let mut visits = Vec::new();
    // A kind not visited yet goes first, so that a page linked only from deep down (a public document, the
    // difference between versions) is reached before the cap.
    while let Some(path) = {
        let fresh = queue.iter().position(|p| !per_kind.contains_key(&kind_of(p)));
        fresh.and_then(|i| queue.remove(i)).or_else(|| queue.pop_front())
    } {
        if visits.len() >= CRAWL_CAP {
            break;
        }
        let kind = per_kind.entry(kind_of(&path)).or_default();
        if *kind >= PER_KIND {
            continue;
        }
        *kind += 1;
        browser.goto(&site.url(&path)).await.unwrap_or_else(|e| panic!("{who}: {path}: {e}"));
        let landed = browser.current_url().await.unwrap_or_else(|e| panic!("{who}: {path}: {e}"));
        let status = browser.status().await.unwrap_or_else(|e| panic!("{who}: {path}: {e}"));
        let violations = browser.axe().await.unwrap_or_else(|e| panic!("{who}: axe on {path}: {e}"));
        let landed_path = path_of(&landed).to_owned();
        println!(
            "{who:<12} {status} {path}{} — axe: {}",
            if landed_path == path { String::new() } else { format!(" → {landed_path}") },
            if violations.is_empty() {
                "no violations".to_owned()
            } else {
                format!("{} violation(s)", violations.len())
            }
        );
        seen.insert(landed_path.clone());
        for link in browser.links().await.unwrap_or_else(|e| panic!("{who}: links of {path}: {e}")) {
            if !link.starts_with(&site.base) || link[site.base.len()..].chars().next().is_some_and(|c| c != '/') {
                continue;
            }
            let next = path_of(&link).to_owned();
            if followed(&next) && seen.insert(next.clone()) {
                queue.push_back(next);
            }
        }
        visits.push(Visit { path, landed: landed_path, status, violations });
    }
    visits
}

/// Fails unless every page answered without a server error and axe found nothing on any of them, listing every
/// violation with its page.
pub(crate) fn assert_all_pages_fine(who: &str, visits: &[Visit]) {
    assert!(!visits.is_empty(), "{who}: the crawler visited no page");
    let failed: Vec<String> = visits
        .iter()
        .filter(|v| v.status >= 500 || v.status == 0)
        .map(|v| format!("  {} answered {} (at {})", v.path, v.status, v.landed))
        .collect();
    assert!(failed.is_empty(), "{who}: pages that failed:\n{}", failed.join("\n"));
    let violations: Vec<String> =
        visits.iter().flat_map(|v| v.violations.iter().map(move |x| format!("  {}: {x}", v.landed))).collect();
    assert!(
        violations.is_empty(),
        "{who}: {} axe violation(s) of WCAG 2.1 A/AA on {} pages:\n{}",
        violations.len(),
        visits.len(),
        violations.join("\n")
    );
}

/// The home page of a signed-in person of West Betuwe, the demo's municipality.
pub(crate) async fn overview_path(site: &DemoSite) -> String {
    format!("/gemeenten/{}/overzicht", site.municipality_id("West Betuwe").await)
}
