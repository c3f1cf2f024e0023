//! The `gebiedscyclus` binary, built once more inside the tests package so that its integration tests can
//! run the service as a process of its own (`CARGO_BIN_EXE_service`), kill it with SIGKILL and start it again.

fn main() -> anyhow::Result<()> {
    api::cli::main()
}
