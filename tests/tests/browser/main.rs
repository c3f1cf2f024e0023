//! Tests in a real browser: Debian's Chromium driven over WebDriver (`tests::browser`) against the real
//! application with the demo data, on SQLite or (with TEST_DATABASE_URL) PostgreSQL. People sign in by typing
//! into the form and clicking; axe-core checks every page the crawler reaches against WCAG 2.1 A and AA.
//!
//! Chromium and ChromeDriver must be installed (`apt-get install chromium chromium-driver`; `.ci/run` does):
//! without them these tests fail, they never skip.

mod crawl;
mod csrf;
mod decide;
mod harness;
mod overview;
mod partner;
mod sign_in;
mod support;
