//! The native podlab CLI. `run`, `check` and `grade` arrive with the console and pack issues.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "podlab",
    version = podlab::VERSION,
    about = "A Kubernetes patterns lab: run scenarios, check exercise packs, grade solutions",
    long_about = "podlab models a Kubernetes cluster deterministically. The browser lab and this \
                  command share one engine, so a scenario run here prints what the lab shows."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {}

fn main() {
    let cli = Cli::parse();
    match cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            println!();
        }
        Some(command) => match command {},
    }
}
