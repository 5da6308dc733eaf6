//! The native podlab CLI: `run` prints a scenario's transcript; `check` proves an exercise
//! pack, `grade` replays a learner's result, `schema` prints the pack format's JSON Schema.
//! A new command is one more `Command` variant.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "podlab",
    version = podlab::VERSION,
    about = "A Kubernetes patterns lab: run scenarios, prove exercise packs, grade results",
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
    /// Prove exercise packs: for each exercise, its tasks fail without the reference solution
    /// and pass with it (see docs/packs.md). Exits 1 on any failure.
    Check {
        /// The pack files (YAML).
        #[arg(required = true)]
        packs: Vec<PathBuf>,
        /// Also write each solved exercise's result file (EXERCISE.result.json) here.
        #[arg(long, value_name = "DIR")]
        results: Option<PathBuf>,
        /// Print what each solution line printed.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Grade a learner's result file: replay its command log on the pack's exercise and print
    /// each check. Exits 1 unless every check passes and the result is unaltered.
    Grade {
        /// The pack file (YAML).
        pack: PathBuf,
        /// The result file (JSON) exported from the lab.
        result: PathBuf,
    },
    /// Print the pack format's JSON Schema (docs/pack.schema.json).
    Schema,
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
        Some(Command::Check {
            packs,
            results,
            verbose,
        }) => pack_cli::check(&packs, results.as_deref(), verbose),
        Some(Command::Grade { pack, result }) => pack_cli::grade(&pack, &result),
        Some(Command::Schema) => {
            print!("{}", podlab::pack::schema::json_schema());
            ExitCode::SUCCESS
        }
    }
}

mod pack_cli {
    use std::path::Path;
    use std::process::ExitCode;

    use podlab::console::args::format_duration_ms;
    use podlab::pack::check::{Moment, Status};
    use podlab::pack::result::{self, CheckRecord, ResultRecord};
    use podlab::pack::Pack;

    fn load(path: &Path) -> Option<Pack> {
        let shown = path.display();
        let bytes = match super::read_limited(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("podlab: {shown}: {e}");
                return None;
            }
        };
        match Pack::parse_bytes(&bytes) {
            Ok(p) => Some(p),
            Err(errors) => {
                for e in &errors {
                    match e.pos {
                        Some(_) => eprintln!("{shown}:{e}"),
                        None => eprintln!("{shown}: {e}"),
                    }
                }
                eprintln!("{shown}: {} error(s); nothing was checked", errors.len());
                None
            }
        }
    }

    fn when(at: &Option<Moment>) -> String {
        match at {
            Some(m) => format!(" at {} (event {})", format_duration_ms(m.time), m.events),
            None => String::new(),
        }
    }

    fn mark(s: Status) -> &'static str {
        match s {
            Status::Passed | Status::Holding => "PASS",
            Status::Failed => "FAIL",
            Status::Pending => "....",
        }
    }

    fn print_check(c: &CheckRecord) {
        println!("      {} {}{}", mark(c.status), c.title, when(&c.at));
        if c.status == Status::Failed {
            println!("           expected: {}", c.expected);
            println!("           seen: {}", one_line(&c.seen));
        }
    }

    fn one_line(s: &str) -> String {
        if s.contains('\n') {
            format!("{s:?}")
        } else {
            s.to_string()
        }
    }

    pub fn check(packs: &[std::path::PathBuf], results: Option<&Path>, verbose: bool) -> ExitCode {
        let mut failed = false;
        for path in packs {
            let Some(pack) = load(path) else {
                failed = true;
                continue;
            };
            println!(
                "pack {} {} ({}): {} exercise(s)",
                pack.id,
                pack.version,
                path.display(),
                pack.exercises.len()
            );
            let (mut ok, mut tasks) = (0, 0);
            for ex in &pack.exercises {
                println!("  exercise {}: {}", ex.id, ex.title);
                let proof = match result::prove(&pack, ex) {
                    Ok(p) => p,
                    Err(e) => {
                        println!("    FAIL the setup's cluster does not start: {e}");
                        failed = true;
                        continue;
                    }
                };
                println!("    without the solution (each task must fail):");
                for (task, status, checks) in &proof.without.tasks {
                    let verdict = if *status == Status::Failed {
                        "fails, as it should"
                    } else {
                        "PASSES: it tests nothing"
                    };
                    println!("    task {task}: {verdict}");
                    for c in checks {
                        print_check(c);
                    }
                }
                println!("    with the solution (each check must pass):");
                for (line, output) in &proof.with.lines {
                    let failed = if output.ok {
                        String::new()
                    } else {
                        // A failing line is worth seeing even when the checks pass.
                        format!("   (failed: {})", output.text.lines().next().unwrap_or(""))
                    };
                    println!(
                        "    [{}] $ {}{failed}",
                        format_duration_ms(line.time),
                        line.line
                    );
                    if verbose {
                        for l in output.text.lines() {
                            println!("      {l}");
                        }
                    }
                }
                for (task, status, checks) in &proof.with.tasks {
                    let verdict = if *status == Status::Passed {
                        "passes"
                    } else {
                        "FAILS"
                    };
                    println!("    task {task}: {verdict}");
                    for c in checks {
                        print_check(c);
                    }
                }
                tasks += proof.with.tasks.len();
                if proof.problems.is_empty() {
                    ok += 1;
                    println!("    ok");
                } else {
                    failed = true;
                    for p in &proof.problems {
                        println!("    FAIL {p}");
                    }
                }
                if let Some(dir) = results {
                    match podlab::pack::attempt::Attempt::start(ex, u64::MAX) {
                        Ok(mut a) => {
                            a.run_solution(ex);
                            a.finish(ex);
                            let record = ResultRecord::of(&pack, ex, &a);
                            let file = dir.join(format!("{}.result.json", ex.id));
                            if let Err(e) = std::fs::write(&file, record.to_json()) {
                                eprintln!("podlab: {}: {e}", file.display());
                                failed = true;
                            }
                        }
                        Err(e) => eprintln!("podlab: {}: {e}", ex.id),
                    }
                }
            }
            println!(
                "{}: {ok} of {} exercise(s) proved ({tasks} task(s))",
                pack.id,
                pack.exercises.len()
            );
        }
        if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }

    pub fn grade(pack_path: &Path, result_path: &Path) -> ExitCode {
        let Some(pack) = load(pack_path) else {
            return ExitCode::FAILURE;
        };
        let text = match std::fs::read(result_path) {
            Ok(b) if b.len() > result::MAX_RESULT_BYTES => {
                eprintln!("podlab: {}: the result is too large", result_path.display());
                return ExitCode::FAILURE;
            }
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("podlab: {}: {e}", result_path.display());
                return ExitCode::FAILURE;
            }
        };
        let record = match ResultRecord::parse(&text) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}:{e}", result_path.display());
                return ExitCode::FAILURE;
            }
        };
        let grade = match result::grade(&pack, &record) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("podlab: {}: {e}", result_path.display());
                return ExitCode::FAILURE;
            }
        };
        let ex = &grade.replayed;
        println!(
            "pack {} {}, exercise {}: {} line(s) replayed, run ended at {} (event {})",
            ex.pack_id,
            ex.pack_version,
            ex.exercise,
            record.lines.len(),
            format_duration_ms(ex.end.time),
            ex.end.events
        );
        let mut task = "";
        for c in &ex.checks {
            if c.task != task {
                task = &c.task;
                println!("    task {task}");
            }
            print_check(c);
        }
        for t in &grade.tampered {
            println!("TAMPERED {t}");
        }
        let passed = ex
            .checks
            .iter()
            .filter(|c| c.status == Status::Passed)
            .count();
        let verdict = if !grade.tampered.is_empty() {
            "REJECTED: the result does not match its replay"
        } else if grade.passed() {
            "PASSED"
        } else {
            "NOT PASSED"
        };
        println!(
            "grade: {passed}/{} checks passed: {verdict}",
            ex.checks.len()
        );
        if grade.passed() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
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
        // A device such as /dev/zero or a pipe has no length: say what was read, not "0 bytes".
        let size = match std::fs::metadata(file) {
            Ok(m) if m.is_file() => format!("{} bytes", m.len()),
            _ => format!("more than {max} bytes and still going (not a regular file)"),
        };
        eprintln!("podlab: {shown}: the scenario is too large: {size}; podlab reads at most {max} bytes (4 MiB)");
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
    // Each entry is written and flushed as soon as it ran, so a run stopped by a timeout (or
    // a reader that quits) still shows what happened up to then.
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let mut broken = false;
    let streamed = podlab::scenario::run::stream_transcript(&scenario, seed, &mut |piece| {
        broken = out
            .write_all(piece.as_bytes())
            .and_then(|_| out.flush())
            .is_err();
        !broken
    });
    match streamed {
        Ok(()) if broken => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
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
