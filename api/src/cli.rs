//! The command line of the `gebiedscyclus` binary: the service and its operations. It lives in the library so
//! that the tests package can build the very same binary as a process of its own (Cargo gives integration tests
//! the paths of their own package's binaries only), to kill it mid-write and start it again.

use std::sync::Arc;

use crate::config::Config;
use crate::startup::{Application, connect};
use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use domain::clock::{Clock, SystemClock};
use domain::principal::Role;
use uuid::Uuid;

#[derive(Parser)]
#[command(
    name = "gebiedscyclus",
    version,
    about = "The gebiedscyclus service for area-based work of Dutch municipalities"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service (creating and migrating the database if needed).
    Serve {
        /// Load demo data from the seed documents into an empty database and print one token per role.
        #[arg(long)]
        demo: bool,
        /// Address to listen on (overrides GEBIEDSCYCLUS_BIND).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Create or update the database schema, then exit.
    Migrate,
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Fill an empty database with a generated data set for benchmarks (deterministic from the seed).
    Generate {
        /// `small` (5 municipalities) or `large` (350); both with 10 areas each and 10 cycle years.
        #[arg(long, value_enum, default_value = "small")]
        scale: ScaleArg,
        /// Override the number of municipalities.
        #[arg(long)]
        municipalities: Option<u32>,
        /// Override the number of areas per municipality.
        #[arg(long)]
        areas: Option<u32>,
        /// Override the number of cycle years (ending this year).
        #[arg(long)]
        years: Option<i32>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ScaleArg {
    Small,
    Large,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a token and print its secret (shown only this once).
    Create {
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Municipality id or CBS code (coordinator, area_editor, viewer).
        #[arg(long)]
        municipality: Option<String>,
        /// Organisation id (partner).
        #[arg(long)]
        organisation: Option<Uuid>,
        /// Area id an area_editor may edit; repeat for several.
        #[arg(long = "area")]
        areas: Vec<Uuid>,
        /// A name that says who or what uses the token.
        #[arg(long, default_value = "command-line token")]
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Coordinator,
    AreaEditor,
    Partner,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Coordinator => Role::Coordinator,
            RoleArg::AreaEditor => Role::AreaEditor,
            RoleArg::Partner => Role::Partner,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

/// Parses the command line and runs it on an actix system, as `#[actix_web::main]` would.
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    actix_web::rt::System::new().block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi = cli.command {
        println!("{}", crate::openapi::json());
        return Ok(());
    }
    let mut config = Config::from_env()?;
    crate::telemetry::init(&config.log_filter, config.log_format);
    let clock = Arc::new(SystemClock);
    match cli.command {
        Command::Serve { demo, bind } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            let app = Application::build(&config, clock).await?;
            if demo {
                match crate::demo::load_if_empty(app.db()).await.context("loading demo data")? {
                    Some(tokens) => {
                        println!("Demo data loaded. Tokens (shown only now):");
                        for t in tokens {
                            println!("  {:<12} {:<40} {}", t.role.as_str(), t.scope, t.secret);
                        }
                    }
                    None => println!("The database already holds data; demo data not loaded, no new tokens."),
                }
                // Announce the demo's due-soon and overdue deadlines now rather than at the sweeper's next tick.
                let sweep = crate::sweeper::sweep_once(app.db()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("Deadline sweep: {} deadline events raised.", sweep.raised);
            }
            tracing::info!(bind = %config.bind, port = app.port(), database = %crate::startup::redact(&config.database_url), "serving");
            println!("Serving on http://{}:{}/api/v1 (docs: /api/v1/docs/)", bind_host(&config.bind), app.port());
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            connect(&config, clock).await?;
            println!("Database is up to date.");
        }
        Command::Token { command: TokenCommand::Create { role, municipality, organisation, areas, name } } => {
            let db = connect(&config, clock).await?;
            let (id, secret) =
                crate::commands::create_token(&db, &name, role.into(), municipality.as_deref(), organisation, &areas)
                    .await?;
            println!("Token {id} created. Its secret, shown only now:\n{secret}");
        }
        Command::Generate { scale, municipalities, areas, years, seed } => {
            let db = connect(&config, clock.clone()).await?;
            if !persistence::municipalities::ids(db.conn()).await?.is_empty() {
                anyhow::bail!("the database already holds data; generate into an empty database");
            }
            let this_year = chrono::Datelike::year(&domain::clock::dutch_date(clock.now()));
            let mut s = match scale {
                ScaleArg::Small => crate::generate::Scale::small(this_year),
                ScaleArg::Large => crate::generate::Scale::large(this_year),
            };
            s.municipalities = municipalities.unwrap_or(s.municipalities);
            s.areas_per_municipality = areas.unwrap_or(s.areas_per_municipality);
            s.years = years.unwrap_or(s.years);
            s.seed = seed;
            let started = std::time::Instant::now();
            let g = crate::generate::run(&db, s).await?;
            println!(
                "Generated {} municipalities, {} areas, {} documents, {} versions, {} contributions, {} check-ins in {:.1} s.",
                g.municipalities,
                g.areas,
                g.documents,
                g.versions,
                g.contributions,
                g.check_ins,
                started.elapsed().as_secs_f64()
            );
        }
        Command::Openapi => unreachable!("handled above"),
    }
    Ok(())
}

fn bind_host(bind: &str) -> &str {
    bind.rsplit_once(':').map(|(h, _)| h).unwrap_or(bind)
}
