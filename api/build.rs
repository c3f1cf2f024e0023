//! Brings the NL Design System CSS into the binary (SPEC §12): installs the pinned npm packages of `web/`
//! when they are missing or older than the lock file, and writes one stylesheet (the components, the theme's
//! design tokens and `web/site.css`) into OUT_DIR under a name with its content hash, so it can be cached
//! for ever. No third-party file is committed and no page loads anything from another host.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::{env, fs};

/// The files taken from the packages, in the order they are joined.
const PARTS: [&str; 2] = [
    "node_modules/@utrecht/design-tokens/dist/theme.css",
    "node_modules/@utrecht/component-library-css/dist/index.css",
];

fn main() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
    println!("cargo:rerun-if-changed=web/package-lock.json");
    println!("cargo:rerun-if-changed=web/site.css");
    install(&web);
    let mut css = String::new();
    for part in PARTS.iter().map(|p| web.join(p)).chain([web.join("site.css")]) {
        let text = fs::read_to_string(&part).unwrap_or_else(|e| panic!("cannot read {}: {e}", part.display()));
        css.push_str(&text);
        css.push('\n');
    }
    let name = format!("site.{:016x}.css", fnv1a(css.as_bytes()));
    let out = env::var("OUT_DIR").expect("OUT_DIR");
    fs::write(Path::new(&out).join("site.css"), &css).expect("write site.css");
    let mut rs = String::new();
    writeln!(rs, "/// The stylesheet's file name, with its content hash.").unwrap();
    writeln!(rs, "pub const STYLESHEET_NAME: &str = {name:?};").unwrap();
    writeln!(rs, "/// Where the layout links the stylesheet.").unwrap();
    writeln!(rs, "pub const STYLESHEET_PATH: &str = \"/assets/{name}\";").unwrap();
    fs::write(Path::new(&out).join("assets.rs"), rs).expect("write assets.rs");
}

/// `npm ci` when `node_modules` is missing or older than the lock file (npm writes its own copy of the lock
/// into `node_modules` at every install).
fn install(web: &Path) {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let lock = modified(&web.join("package-lock.json"));
    let installed = modified(&web.join("node_modules/.package-lock.json"));
    if installed.is_some() && installed >= lock {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(web)
        .status()
        .unwrap_or_else(|e| panic!("cannot run npm (Node 20 or later is needed to build the pages' CSS): {e}"));
    assert!(status.success(), "npm ci in {} failed: {status}", web.display());
}

/// FNV-1a, 64 bits: enough to tell two versions of the stylesheet apart, with no dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}
