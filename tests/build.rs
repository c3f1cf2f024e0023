//! Installs axe-core for the browser tests: `npm ci` in `browser/` when `node_modules` is missing or older
//! than the lock file (the approach of `api/build.rs`). The harness reads `axe.min.js` from there and injects
//! it into each page it checks; nothing of the package is committed.

use std::fs;
use std::path::Path;
use std::process::Command;

fn main() {
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    println!("cargo:rerun-if-changed=browser/package-lock.json");
    println!("cargo:rerun-if-changed=browser/node_modules/.package-lock.json");
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let lock = modified(&browser.join("package-lock.json"));
    let installed = modified(&browser.join("node_modules/.package-lock.json"));
    if installed.is_some() && installed >= lock {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(&browser)
        .status()
        .unwrap_or_else(|e| panic!("cannot run npm (Node 20 or later is needed to install axe-core): {e}"));
    assert!(status.success(), "npm ci in {} failed: {status}", browser.display());
}
