//! `gebiedscyclus`: the service and its operations in one binary (see `api::cli`).

fn main() -> anyhow::Result<()> {
    api::cli::main()
}
