//! Command-line interface: clap definitions and dispatch. No model logic lives here.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sha2::{Digest, Sha256};

use crate::engine::{self, Hooks, RunPlan};
use crate::model::Compiled;
use crate::report::{Report, RunInfo, json, table};
use crate::scenario::{self, Diagnostics, Scenario};
use crate::{MAX_RUNS, exit, output};

const RUN_EXAMPLES: &str = "Examples:
  deter run scenarios/western-balkans-2024.toml
  deter run scenarios/western-balkans-2024.toml --runs 100000 --seed 7 --threads 2
  deter run scenarios/western-balkans-2024.toml --format json --out result.json
  deter run my-scenario.toml --horizon-years 5 --quiet";

const VALIDATE_EXAMPLES: &str = "Examples:
  deter validate scenarios/western-balkans-2024.toml
  deter validate scenarios/*.toml";

const INIT_EXAMPLES: &str = "Examples:
  deter init                      # writes scenario.toml
  deter init my-region.toml
  deter init my-region.toml --force";

const TOP_EXAMPLES: &str = "Examples:
  deter run scenarios/western-balkans-2024.toml
  deter validate scenarios/*.toml
  deter init my-region.toml

Exit codes: 0 success, 1 runtime failure (e.g. an output could not be written),
2 bad input or usage, 130 interrupted.
Docs: README.md, docs/SCENARIO.md (scenario keys), docs/OUTPUT.md (JSON), docs/MODEL.md.";

#[derive(Parser, Debug)]
#[command(name = "deter", version, about = "Monte Carlo engine for tri-level deterrence scenarios", after_help = TOP_EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario's Monte Carlo replications and summarise the outcome distributions.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Check scenario files and list every problem found.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate {
        /// Scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a commented template scenario to edit and run.
    #[command(after_help = INIT_EXAMPLES)]
    Init {
        /// Where to write it.
        #[arg(default_value = "scenario.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Number of replications [default: the file's scenario.runs].
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed [default: the file's scenario.seed].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads; 0 = all cores. Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Horizon in years [default: the file's scenario.horizon_years].
    #[arg(long)]
    pub horizon_years: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Errors that end a command, each with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Input(Diagnostics),
    #[error("error: {0}")]
    Usage(String),
    #[error("error: {0}")]
    Failure(String),
    #[error("interrupted")]
    Interrupted,
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) | CliError::Usage(_) => exit::BAD_INPUT,
            CliError::Failure(_) => exit::FAILURE,
            CliError::Interrupted => exit::INTERRUPTED,
        }
    }
}

/// Set by the Ctrl-C / SIGTERM handler; workers check it between blocks.
pub static CANCEL: AtomicBool = AtomicBool::new(false);

/// Entry point of the binary: returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::BAD_INPUT
            } else {
                exit::OK
            };
        }
    };
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    match dispatch(cli) {
        Ok(()) => exit::OK,
        Err(e) => {
            match &e {
                CliError::Interrupted => eprintln!("deter: interrupted; no output written"),
                other => eprint!(
                    "{other}{}",
                    if matches!(other, CliError::Input(_)) {
                        ""
                    } else {
                        "\n"
                    }
                ),
            }
            e.exit_code()
        }
    }
}

pub fn dispatch(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate { files } => validate(&files),
        Command::Init { path, force } => init(&path, force),
    }
}

/// Load a scenario and apply command-line overrides.
pub fn load_scenario(file: &Path, horizon_years: Option<u32>) -> Result<Scenario, CliError> {
    let mut s = scenario::load_file(file).map_err(CliError::Input)?;
    if let Some(h) = horizon_years {
        if h > 200 {
            return Err(CliError::Usage(format!(
                "--horizon-years {h}: expected an integer in [0, 200]"
            )));
        }
        s.meta.horizon_years = h;
    }
    Ok(s)
}

/// SHA-256 of the validated scenario (after `extends` and overrides): identifies exactly
/// what was simulated, whatever the file's formatting.
pub fn scenario_hash(s: &Scenario) -> String {
    let digest = Sha256::digest(format!("{s:?}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn run(args: &RunArgs) -> Result<(), CliError> {
    if let Some(out) = &args.out {
        output::check_writable(out, std::slice::from_ref(&args.file)).map_err(CliError::Usage)?;
    }
    let scenario = load_scenario(&args.file, args.horizon_years)?;
    let runs = args.runs.unwrap_or(scenario.meta.runs);
    if runs == 0 || runs > MAX_RUNS {
        return Err(CliError::Usage(format!(
            "--runs {runs}: expected an integer in [1, {MAX_RUNS}]"
        )));
    }
    let seed = args.seed.unwrap_or(scenario.meta.seed);
    let compiled = Compiled::new(&scenario);
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };

    let bar = progress_bar(runs, args.quiet);
    let tick = |n: u64| bar.inc(n);
    let hooks = Hooks {
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    let plan = RunPlan {
        seed,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    let started = Instant::now();
    let aggregate = engine::with_threads(threads, || engine::run(&compiled, &plan, hooks));
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let aggregate = aggregate.map_err(|_| CliError::Interrupted)?;

    let info = RunInfo {
        scenario_sha256: scenario_hash(&scenario),
        seed,
        wall_seconds: wall,
        threads,
    };
    let report = Report::build(&compiled, &aggregate, &info);
    let bytes = match args.format {
        Format::Json => json::to_json(&report),
        Format::Table => table::to_table(&report, &args.file.display().to_string()).into_bytes(),
    };
    emit(args.out.as_deref(), &bytes)
}

/// Write to `out` atomically, or to stdout.
pub fn emit(out: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    match out {
        Some(path) => output::write_atomic(path, bytes)
            .map_err(|e| CliError::Failure(format!("cannot write `{}`: {e}", path.display()))),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`deter run ... | head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(CliError::Failure(format!("cannot write to stdout: {e}"))),
            }
        }
    }
}

/// A progress bar on stderr, hidden under --quiet or when stderr is not a terminal.
pub fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} runs ({per_sec}, ETA {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

fn validate(files: &[PathBuf]) -> Result<(), CliError> {
    let mut all = Diagnostics::default();
    for f in files {
        match scenario::load_file(f) {
            Ok(s) => println!(
                "{}: ok ({}: {} countries, {} powers, {} alliances, {} rivalries, {} policies)",
                f.display(),
                s.meta.name,
                s.countries.len(),
                s.powers.len(),
                s.alliances.len(),
                s.rivalries.len(),
                s.policies.len()
            ),
            Err(d) => all.0.extend(d.0),
        }
    }
    if all.has_errors() {
        Err(CliError::Input(all))
    } else {
        Ok(())
    }
}

fn init(path: &Path, force: bool) -> Result<(), CliError> {
    if path.exists() && !force {
        return Err(CliError::Usage(format!(
            "`{}` exists; use --force to overwrite it",
            path.display()
        )));
    }
    output::check_writable(path, &[]).map_err(CliError::Usage)?;
    emit(Some(path), scenario::TEMPLATE.as_bytes())?;
    eprintln!(
        "wrote {}; try: deter run {}",
        path.display(),
        path.display()
    );
    Ok(())
}
