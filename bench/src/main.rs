//! The benchmark of google-ds: for each scenario it starts the emulator (a process of its own,
//! with a stated load model), runs `ds_test` and `ds_sync` through the C ABI in a host
//! process of their own (so its peak RSS is the host's), runs Google's official Python client
//! against the same emulator as the baseline, computes the lower bound the load model allows,
//! and writes a table.
//!
//!     cargo run --release -p google-ds-bench -- run            # everything (~15 minutes)
//!     cargo run --release -p google-ds-bench -- run --quick    # 1k and 10k only

mod baseline;
mod bound;
mod emulator_child;
mod host_child;
mod process;
mod scenario;
mod table;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "google-ds-bench",
    about = "Benchmarks of the google-ds connector"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the scenarios and write the table.
    Run(scenario::RunArgs),
    /// (internal) Serve an emulator tenant until stdin closes.
    Emulator(emulator_child::Args),
    /// (internal) Be the measured host: one ds_test, ds_sync or sign-in run.
    Host(host_child::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => scenario::run(args),
        Command::Emulator(args) => emulator_child::run(args),
        Command::Host(args) => host_child::run(args),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Where the benchmark keeps what it generates (virtual environment, key files, results).
pub fn work_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("work")
}
