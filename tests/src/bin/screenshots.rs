//! Screenshots of the main pages: `cargo run -p tests --bin screenshots -- --out DIR`. Starts the service with
//! the demo data on a free port (SQLite in a temporary file, or PostgreSQL with TEST_DATABASE_URL), drives
//! Debian's Chromium (as the browser tests do) signed out, as the coordinator and as the partner, and saves a
//! full-page PNG of each page. A page that answers 404 (not built yet) is skipped with a note.

use std::path::PathBuf;

use chrono::Datelike;
use clap::Parser;
use domain::principal::Role;
use serde_json::Value;
use tests::browser::{self, Browser, DemoSite};

#[derive(Parser)]
#[command(about = "Full-page screenshots of the main pages, with the demo data")]
struct Args {
    /// The folder the PNG files are written to (made when missing).
    #[arg(long)]
    out: PathBuf,
}

/// The first result's `field` of an API list, as the administrator sees it.
async fn first(site: &DemoSite, path: &str, pick: impl Fn(&Value) -> bool, field: &str) -> Option<String> {
    let reply = site.admin_get(path).await;
    reply.body["results"].as_array()?.iter().find(|r| pick(r)).and_then(|r| r[field].as_str()).map(str::to_owned)
}

struct Shooter {
    out: PathBuf,
    saved: Vec<PathBuf>,
    skipped: Vec<String>,
}

impl Shooter {
    async fn shoot(&mut self, site: &DemoSite, browser: &Browser, name: &str, path: &str) -> anyhow::Result<()> {
        browser.goto(&site.url(path)).await?;
        let status = browser.status().await?;
        if status == 404 {
            println!("skipped {name}: {path} answers 404 (not there yet)");
            self.skipped.push(name.to_owned());
            return Ok(());
        }
        if status >= 400 {
            println!("note: {name}: {path} answers {status}");
        }
        let file = self.out.join(format!("{:02}-{name}.png", self.saved.len() + self.skipped.len() + 1));
        std::fs::write(&file, browser.screenshot_full_page().await?)?;
        self.saved.push(file);
        Ok(())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)?;
    let site = DemoSite::start().await;
    println!("service with demo data at {}", site.base);
    let year = domain::clock::Clock::now(&*site.app.clock).year();

    let municipality = site.municipality_id("West Betuwe").await;
    let area = first(&site, "/api/v1/areas?code=WB-OOST", |_| true, "id").await;
    let area = area.ok_or_else(|| anyhow::anyhow!("the demo has no area WB-OOST"))?;
    let documents = format!("/api/v1/documents?areaId={area}&pageSize=100");
    let agenda = first(&site, &format!("{documents}&kind=agenda&year={year}"), |_| true, "id").await;
    // An adopted agenda: agendas are published by default, analyses are not.
    let in_force = first(&site, &documents, |d| !d["inForce"].is_null() && d["kind"] == "agenda", "id").await;

    let mut shooter = Shooter { out: args.out.clone(), saved: Vec::new(), skipped: Vec::new() };
    let result = async {
        let signed_out = Browser::open().await;
        shooter.shoot(&site, &signed_out, "inloggen", "/inloggen").await?;
        shooter.shoot(&site, &signed_out, "openbaar", "/openbaar").await?;
        shooter.shoot(&site, &signed_out, "openbaar-gemeente", &format!("/openbaar/gemeenten/{municipality}")).await?;
        shooter.shoot(&site, &signed_out, "openbaar-gebied", &format!("/openbaar/gebieden/{area}")).await?;
        if let Some(doc) = &in_force {
            shooter.shoot(&site, &signed_out, "openbaar-document", &format!("/openbaar/documenten/{doc}")).await?;
        }
        signed_out.close().await?;

        let (coordinator, home) = site.sign_in_as(Role::Coordinator).await;
        shooter.shoot(&site, &coordinator, "overzicht", &home).await?;
        shooter.shoot(&site, &coordinator, "gebiedscyclus", &format!("/gebieden/{area}/cyclus/{year}")).await?;
        shooter.shoot(&site, &coordinator, "termijnen", "/termijnen").await?;
        if let Some(doc) = &agenda {
            shooter.shoot(&site, &coordinator, "document", &format!("/documenten/{doc}")).await?;
        }
        coordinator.close().await?;

        let (partner, home) = site.sign_in_as(Role::Partner).await;
        shooter.shoot(&site, &partner, "mijn-bijdragen", &home).await?;
        partner.close().await?;
        anyhow::Ok(())
    }
    .await;
    browser::shutdown();
    result?;
    println!("{} screenshots in {}:", shooter.saved.len(), args.out.display());
    for file in &shooter.saved {
        println!("  {}", file.display());
    }
    if !shooter.skipped.is_empty() {
        println!("skipped (404): {}", shooter.skipped.join(", "));
    }
    Ok(())
}
