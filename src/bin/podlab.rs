//! The native podlab CLI: `run` prints a scenario's transcript. A new command is one more
//! `Command` variant.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "podlab",
    version = podlab::VERSION,
    about = "A Kubernetes patterns lab: run a scenario file and print its transcript",
    long_about = "podlab models a Kubernetes cluster deterministically. The browser lab and this \
                  command share one engine, so a scenario run here prints what the lab shows."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario file and print its transcript (see docs/scenarios.md).
    Run {
        /// The scenario file (YAML).
        file: PathBuf,
        /// Use this seed instead of the file's `seed`.
        #[arg(long)]
        seed: Option<u64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            println!();
            ExitCode::SUCCESS
        }
        Some(Command::Run { file, seed }) => run(&file, seed),
    }
}

/// Exit status 1 when the file cannot be read or loaded; a failing console command inside the
/// script is part of the transcript, not a failure of the run.
fn run(file: &std::path::Path, seed: Option<u64>) -> ExitCode {
    let shown = file.display();
    let bytes = match read_limited(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("podlab: {shown}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let max = podlab::scenario::MAX_BYTES;
    if bytes.len() > max {
        let len = std::fs::metadata(file).map_or(bytes.len() as u64, |m| m.len());
        eprintln!("podlab: {shown}: the scenario is too large: {len} bytes; podlab reads at most {max} bytes (4 MiB)");
        return ExitCode::FAILURE;
    }
    let scenario = match podlab::scenario::Scenario::parse_bytes(&bytes) {
        Ok(s) => s,
        Err(errors) => {
            for e in errors {
                match e.pos {
                    Some(_) => eprintln!("{shown}:{e}"),
                    None => eprintln!("{shown}: {e}"),
                }
            }
            return ExitCode::FAILURE;
        }
    };
    match podlab::scenario::transcript(&scenario, seed) {
        Ok(text) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{shown}: cluster: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Reads at most one byte more than a scenario may hold, so a huge file is refused without
/// being read whole.
fn read_limited(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(podlab::scenario::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}
