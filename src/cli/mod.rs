//! Command-line interface: clap definitions and dispatch. No model logic lives here.
//! One module per subcommand; this file holds the command list, errors and shared helpers.

/// `eprintln!` that never panics. `eprintln!` panics when stderr is closed (`deter calibrate
/// ... 2>&1 | head -1`: exit 101, the calibration stopped after one generation); a message
/// that cannot be shown is lost, the command goes on and exits as it would have. The
/// message passes through [`crate::scenario::printable_lines`]: the file names it quotes
/// can hold an escape or a bidi override, which must not drive the terminal.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($arg)*);
        let _ = writeln!(std::io::stderr(), "{}", $crate::scenario::printable_lines(&text));
    }};
}

/// `eprint!` that never panics (see [`note!`]).
macro_rules! note_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that never panics: stdout closed by its reader (`deter validate *.toml | head
/// -1`) loses the rest of the listing, not the exit status (it panicked, exit 101).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that never panics (see [`say!`]).
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod bench;
mod calibrate;
mod compare;
mod discover;
mod flags;
mod init;
mod merge;
mod run;
mod shard;
mod sweep;
mod uncertain;
mod validate;

pub use crate::scenario::kind::refuse_as_draws;
pub use run::{Format, RunArgs};
pub use validate::{check_other, other_kind};

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand};

use crate::scenario::{self, Diagnostics, Scenario};
use crate::{exit, output};

const RUN_EXAMPLES: &str = "Examples:
  deter run scenarios/western-balkans-2024.toml
  deter run scenarios/western-balkans-2024.toml --runs 100000 --seed 7 --threads 2
  deter run scenarios/western-balkans-2024.toml --format json --out result.json
  deter run scenarios/western-balkans-2024.toml --set rivalry.SRB-XKX.monitoring=0.7 --set model.war_cost=1.0
  deter run my-scenario.toml --horizon-years 5 --quiet
  deter run scenarios/western-balkans-2024.toml --report report.html
  deter run a.toml b.toml --format csv --out results.csv
  deter run scenarios/western-balkans-2024.toml --shard 0/4 --out part-0.json  # see deter merge";

const COMPARE_EXAMPLES: &str = "Examples:
  deter compare baseline.toml envoy.toml
  deter compare baseline.toml envoy.toml --runs 20000 --seed 7 --report compare.html
  deter compare baseline.toml envoy.toml --format csv --out compare.csv
  deter compare baseline.toml baseline.toml --set-b rivalry.SRB-XKX.monitoring=0.7";

const MERGE_EXAMPLES: &str = "Examples:
  deter run s.toml --shard 0/2 --out part-0.json; deter run s.toml --shard 1/2 --out part-1.json
  deter merge part-*.json
  deter merge part-*.json --format json --out result.json
  deter merge /scratch/parts/part-*.json --scenario s.toml --quiet
  deter sweep w.toml --shard 0/2 --out w-0.json; deter sweep w.toml --shard 1/2 --out w-1.json
  deter merge w-*.json --out results.csv   # + results.sensitivity.csv (Saltelli, Morris)

The shards of one invocation (same scenario or sweep, seed, runs and N) are checked for
duplicates and gaps, merged exactly, and reported byte for byte as the unsharded run (timing
aside) or written exactly as the unsharded sweep's results.
Docs: docs/CLUSTER.md.";

const VALIDATE_EXAMPLES: &str = "Examples:
  deter validate scenarios/western-balkans-2024.toml
  deter validate scenarios/*.toml
  deter validate scenarios/western-balkans-2024.toml --set model.war_cost=2.5";

const INIT_EXAMPLES: &str = "Examples:
  deter init                      # writes scenario.toml
  deter init my-region.toml
  deter init my-region.toml --force";

const SWEEP_EXAMPLES: &str = "Examples:
  deter sweep scenarios/sweeps/kosovo-budget-x-nato.toml --out grid.csv
  deter sweep scenarios/sweeps/saltelli-levers.toml --out sobol.csv --threads 2
  deter sweep scenarios/sweeps/saltelli-levers.toml --out sobol.csv --resume
  deter sweep my-sweep.toml --format json --out results.jsonl --until-ci 0.02
  deter sweep scenarios/sweeps/kosovo-budget-x-nato.toml --out grid.csv --report grid.html --plots plots/
  deter sweep my-sweep.toml --shard 0/4 --out part-0.json  # see deter merge";

const CALIBRATE_EXAMPLES: &str = "Examples:
  deter calibrate scenarios/history/calibrate.toml --out calibration
  deter calibrate scenarios/history/calibrate.toml --out calibration --resume   # after Ctrl-C
Outputs in --out: posterior.csv (weighted draws, provenance header), diagnostics.csv
(tolerance, acceptance rate, effective sample size per generation), state.json, report.html.";

const DISCOVER_EXAMPLES: &str = "Examples:
  deter discover results.csv --outcome use_of_force --above 0.2
  deter discover results.csv --outcome use_of_force --above 0.2 --policy envoy --report prim.html
  deter discover results.csv --where \"regret_use_of_force > 0.02\" --boxes 1
  deter discover results.csv --outcome war --above 0.05 --step 12

Cases of interest are the rows meeting the condition; PRIM (Friedman & Fisher 1999) finds
boxes over the parameter columns where they concentrate. Docs: docs/SWEEPS.md.";

const ROBUST_EXAMPLES: &str = "Examples:
  deter robust results.csv
  deter robust results.csv --threshold use_of_force=0.05 --threshold war=0.02

Reads a levers x futures sweep's results; writes RESULTS.robustness.csv. Docs: docs/SWEEPS.md.";

const BENCH_EXAMPLES: &str = "Examples:
  deter bench                     # the bundled baseline
  deter bench scenarios/western-balkans-2024.toml --runs 1000000 --repeat 1
  deter bench my-scenario.toml --threads 2";

const TOP_EXAMPLES: &str = "Examples:
  deter run scenarios/western-balkans-2024.toml
  deter compare baseline.toml variant.toml --report compare.html
  deter sweep scenarios/sweeps/kosovo-budget-x-nato.toml --out grid.csv
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
    Run(run::RunArgs),
    /// Compare two scenarios with common random numbers: P(A), P(B) and the paired difference.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(compare::CompareArgs),
    /// Run a sweep: many variants of a scenario from an experimental design (docs/SWEEPS.md).
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(sweep::SweepArgs),
    /// Scenario discovery: PRIM boxes of the parameters where an outcome of interest occurs.
    #[command(after_help = DISCOVER_EXAMPLES)]
    Discover(discover::DiscoverArgs),
    /// Robustness of policies across futures: mean, percentiles, regret, satisficing.
    #[command(after_help = ROBUST_EXAMPLES)]
    Robust(discover::RobustArgs),
    /// Merge the partial files of a sharded run or sweep (`--shard K/N`) into its output.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(merge::MergeArgs),
    /// Check scenario files and list every problem found.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate {
        /// Scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// What-if: check each scenario with this parameter set, as `deter run --set` runs
        /// it (repeatable; paths as in policies and sweeps, docs/SCENARIO.md). Scenario
        /// files, and calibration files (checked as `deter calibrate --set` fixes the values
        /// in every case).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Write a commented template scenario to edit and run.
    #[command(after_help = INIT_EXAMPLES)]
    Init {
        /// Where to write it (always a file; `-` is refused, not standard output).
        #[arg(default_value = "scenario.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Calibrate model parameters to historical cases (ABC-SMC; docs/CALIBRATION.md).
    #[command(after_help = CALIBRATE_EXAMPLES)]
    Calibrate(calibrate::CalibrateArgs),
    /// Measure runs per second, ns per run, the ratio to the RNG floor and the thread speedup.
    #[command(after_help = BENCH_EXAMPLES)]
    Bench(bench::BenchArgs),
}

/// Flags given beside `flag` that it does not take, each refused at its own value as every
/// flag's fault is: "--until-ci:1:1: error: expected no --until-ci with --per-run, found
/// `0.05`", or at a switch itself ("--resume:1:1: error: expected no --resume with --shard"),
/// `why` (why, and what to do) in the help line. `given` is `(refused flag, its value as
/// given)`, the value `None` when the flag is absent ([`switch`] for a flag without a value).
/// Ok when none is given. Clap's bare "the argument X cannot be used with Y" said neither
/// where nor why; every refused pair of flags is refused here.
pub fn refuse_beside(
    flag: &str,
    given: &[(&'static str, Option<String>)],
    why: &str,
) -> Result<(), CliError> {
    let faults: Vec<scenario::Diagnostic> = given
        .iter()
        .filter_map(|(other, value)| {
            let value = value.as_ref()?;
            let message = if value == other {
                format!("expected no {other} with {flag}")
            } else {
                format!(
                    "expected no {other} with {flag}, found `{}`",
                    scenario::printable(value)
                )
            };
            Some(
                FlagFault {
                    help: Some(why.to_string()),
                    ..FlagFault::new(other, value, message)
                }
                .diagnostic(),
            )
        })
        .collect();
    if faults.is_empty() {
        return Ok(());
    }
    Err(CliError::Input(Diagnostics(faults)))
}

/// A flag given without the one it needs (`--max-runs` without `--until-ci`), refused at its
/// own value as every flag's fault ([`alone_fault`]); Ok when it is absent or what it needs is
/// there. `given` is the flag and its value as given ([`switch`] for a flag without a value).
/// Clap's "the following required arguments were not provided" said neither where nor why.
pub fn refuse_alone(
    (flag, value): (&'static str, Option<String>),
    needs: &str,
    present: bool,
    why: &str,
) -> Result<(), CliError> {
    match value {
        Some(value) if !present => Err(alone_fault(flag, &value, needs, why)),
        _ => Ok(()),
    }
}

/// Flag `flag` (its value `value`, or the flag itself for a switch) given without `needs`:
/// "--max-runs:1:1: error: expected --until-ci with --max-runs, found `100` without it" (a
/// switch: "--per-run-rows:1:1: error: expected --shard with --per-run-rows"), `why` in the
/// help line.
pub fn alone_fault(flag: &'static str, value: &str, needs: &str, why: &str) -> CliError {
    let message = if value == flag {
        format!("expected {needs} with {flag}")
    } else {
        format!(
            "expected {needs} with {flag}, found `{}` without it",
            scenario::printable(value)
        )
    };
    FlagFault {
        help: Some(why.to_string()),
        ..FlagFault::new(flag, value, message)
    }
    .into()
}

/// `--format`, `--report` and `--plots` as given (the format by its name), for
/// [`refuse_beside`] with `--shard`: a shard writes only its partial file, the merge the
/// results. Shared by `run` ([`flags::OutputFlags`]) and `sweep` (flags of its own).
pub fn outputs_given(
    format: Option<impl clap::ValueEnum>,
    report: Option<&Path>,
    plots: Option<&Path>,
) -> [(&'static str, Option<String>); 3] {
    let path = |p: Option<&Path>| p.map(|p| p.display().to_string());
    [
        (
            "--format",
            format
                .and_then(|f| f.to_possible_value())
                .map(|v| v.get_name().to_string()),
        ),
        ("--report", path(report)),
        ("--plots", path(plots)),
    ]
}

/// A switch (a flag without a value) for [`refuse_beside`]: the flag itself when given.
pub fn switch(on: bool, flag: &'static str) -> (&'static str, Option<String>) {
    (flag, on.then(|| flag.to_string()))
}

/// Two output options naming one file, however each is spelt (`output::same_output`):
/// one would be written over the other. Refused as every flag's fault, at the value of the
/// later option in `named` (`(flag, path)`, in the order the command takes them): "--report:1:1:
/// error: expected a file no other output option names, found `a.json`, which --out names
/// too", what to do in the help line.
pub fn refuse_named_twice(
    named: &[(&'static str, Option<&Path>)],
    inputs: &[PathBuf],
    results: Option<&'static str>,
) -> Result<(), CliError> {
    let named: Vec<(&'static str, &Path)> = named
        .iter()
        .filter_map(|&(f, p)| p.map(|p| (f, p)))
        .collect();
    for (i, &(flag, path)) in named.iter().enumerate() {
        if let Some(&(first, _)) = named[..i]
            .iter()
            .find(|(_, p)| output::same_output(p, path))
        {
            return Err(named_twice(flag, path, first));
        }
    }
    // Each output file's file-system fault, located at its option (`--plots` is checked as
    // a directory, by its own check).
    for &(flag, path) in named.iter().filter(|(f, _)| *f != "--plots") {
        if Some(flag) == results {
            results_file_fault(flag, path, inputs)?;
        } else {
            output_file_fault(flag, path, inputs)?;
        }
    }
    Ok(())
}

/// An output file `path` (the value of `flag`) that holds a sweep's results: its record
/// (`PATH.sweep`, [`crate::sweep::record::path_beside`]) is beside it. Any output but the
/// sweep's own results would replace the rows the record describes (`deter run --out
/// r.csv` over an unfinished sweep's `r.csv` left a record of rows that were gone), so it is
/// refused at the value, as `deter sweep` refuses to start afresh over an unfinished sweep.
pub fn sweep_results_fault(flag: &'static str, path: &Path) -> Result<(), CliError> {
    let record = crate::sweep::record::path_beside(path);
    if !(path.is_file() && record.is_file() && crate::sweep::record::is_record(&record)) {
        return Ok(());
    }
    let shown = path.display().to_string();
    Err(FlagFault {
        help: Some(format!(
            "{flag} would replace a sweep's results and leave its record describing rows that \
             are gone: choose another name, or remove `{shown}` and `{}` first",
            record.display()
        )),
        ..FlagFault::new(
            flag,
            &shown,
            format!(
                "expected a file that holds no sweep's results, found `{shown}`, beside its \
                 sweep's record `{}`",
                record.display()
            ),
        )
    }
    .into())
}

/// [`output_file_fault`] of a sweep's own results (`deter sweep --out`, `deter merge --out`
/// of a sweep's shards), which may be the results of a sweep (a resume, or the sweep's own
/// decision to start afresh).
pub fn results_file_fault(
    flag: &'static str,
    path: &Path,
    inputs: &[PathBuf],
) -> Result<(), CliError> {
    // A TOML name first: one message for it in every command, whether or not the file is
    // an input this command has read yet (a sweep's base, an `extends` base, a partial
    // file's scenario are read after the outputs are checked).
    if let Some(f) = output::toml_name_fault(path, flag) {
        return Err(dir_name_fault(flag, path, f));
    }
    written_file_fault(flag, path, inputs)
}

/// The faults of a file any command writes, whatever it writes: the file system's
/// ([`output::file_output_fault`]) and a sweep's record's name ([`record_name_fault`]).
/// [`results_file_fault`] adds the name of a TOML file, which only `deter init` writes.
pub fn written_file_fault(
    flag: &'static str,
    path: &Path,
    inputs: &[PathBuf],
) -> Result<(), CliError> {
    match output::file_output_fault(path, flag, inputs) {
        Some(f) => Err(dir_name_fault(flag, path, f)),
        None => record_name_fault(flag, path),
    }
}

/// The file-system fault of output file `path`, the value of `flag` (its directory missing,
/// a directory, no permission: [`output::file_output_fault`]), located at the value with a
/// help line, as an output directory's fault is ([`dir_name_fault`]); it was a plain
/// "error: output directory `nodir` does not exist".
pub fn output_file_fault(
    flag: &'static str,
    path: &Path,
    inputs: &[PathBuf],
) -> Result<(), CliError> {
    results_file_fault(flag, path, inputs)?;
    sweep_results_fault(flag, path)
}

/// Output file `path`, the value of `flag`, named as a sweep's record
/// ([`output::record_name_fault`]), refused at the value as every output's fault; it was a
/// plain "error: output path `x.sweep` is a sweep's record ...".
pub fn record_name_fault(flag: &'static str, path: &Path) -> Result<(), CliError> {
    match output::record_name_fault(path, flag) {
        Some(f) => Err(dir_name_fault(flag, path, f)),
        None => Ok(()),
    }
}

/// [`refuse_named_twice`]'s fault: `flag`'s value `path` is the file `first` names too (or,
/// in its words, writes: "the record --out keeps beside its results").
pub fn named_twice(flag: &'static str, path: &Path, first: &str) -> CliError {
    let shown = path.display().to_string();
    // `--plots` names a directory, every other output option a file.
    let what = if flag == "--plots" {
        "a directory"
    } else {
        "a file"
    };
    FlagFault {
        help: Some(format!(
            "give {flag} a name of its own: two outputs of one command in one file would be \
             written over each other"
        )),
        ..FlagFault::new(
            flag,
            &shown,
            format!(
                "expected {what} no other output option names, found `{}`, which {first} \
                 names too",
                scenario::printable(&shown)
            ),
        )
    }
    .into()
}

/// A flag that may not be combined with others (`--set` or `--per-run` with `--shard`, a
/// nested run's `--per-run`), refused as every flag's fault at its value `text`: "FLAG:1:1:
/// error: expected EXPECTED, found `TEXT`", why and what to do in the help line.
pub fn combination_fault(flag: &'static str, text: &str, expected: &str, help: &str) -> CliError {
    FlagFault {
        help: Some(help.to_string()),
        ..FlagFault::new(
            flag,
            text,
            format!("{expected}, found `{}`", scenario::printable(text)),
        )
    }
    .into()
}

/// More than one scenario file where `flag` (its value `text`) takes one, refused at that
/// value as `--shard`'s is: "expected one scenario file PURPOSE, found 2 files (`a`, `b`)",
/// what to do in the help line.
pub fn one_file_fault(
    flag: &'static str,
    text: &str,
    purpose: &str,
    files: &[PathBuf],
    help: &str,
) -> CliError {
    let names: Vec<String> = files
        .iter()
        .map(|f| format!("`{}`", scenario::printable(&f.display().to_string())))
        .collect();
    FlagFault {
        help: Some(help.to_string()),
        ..FlagFault::new(
            flag,
            text,
            format!(
                "expected one scenario file {purpose}, found {} files ({})",
                files.len(),
                names.join(", ")
            ),
        )
    }
    .into()
}

/// The file-system fault of a chart file `chart` that `--plots DIR` would write (a FIFO, a
/// read-only file, an input: [`output::file_output_fault`]), located at `--plots`' value
/// with the chart named; it was a plain "error: output path `DIR/chart.svg` is ...".
pub fn chart_fault(dir: &Path, chart: &Path) -> Result<(), CliError> {
    file_in_dir_fault("--plots", dir, chart, "a chart --plots writes")
}

/// The file-system fault of `file`, one that the output directory `dir` of `flag` holds
/// (`what`, in words: "a chart --plots writes"), located at `flag`'s value with the file
/// named ([`output::file_output_fault`]).
pub fn file_in_dir_fault(
    flag: &'static str,
    dir: &Path,
    file: &Path,
    what: &str,
) -> Result<(), CliError> {
    let Some(f) = output::file_output_fault(file, flag, &[]) else {
        return Ok(());
    };
    let shown = dir.display().to_string();
    Err(FlagFault {
        help: Some(format!(
            "give {flag} another directory, or move `{}` away",
            scenario::printable(&file.display().to_string())
        )),
        ..FlagFault::new(flag, &shown, format!("{}, {what}", f.message))
    }
    .into())
}

/// A chart file `chart` that `--plots DIR` would write, named by another output option too:
/// refused at `--plots`' value, as [`named_twice`].
pub fn chart_named_twice(dir: &Path, chart: &Path) -> CliError {
    let shown = dir.display().to_string();
    FlagFault {
        help: Some(
            "give --plots another directory, or the other output another name: two outputs \
             of one command in one file would be written over each other"
                .into(),
        ),
        ..FlagFault::new(
            "--plots",
            &shown,
            format!(
                "expected a directory whose charts no other output option names, found `{}`, \
                 whose chart `{}` another output option names",
                scenario::printable(&shown),
                scenario::printable(&chart.display().to_string())
            ),
        )
    }
    .into()
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
    /// Interrupted, with a message on what was kept and how to go on.
    #[error("{0}")]
    InterruptedPartial(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) | CliError::Usage(_) => exit::BAD_INPUT,
            CliError::Failure(_) => exit::FAILURE,
            CliError::Interrupted | CliError::InterruptedPartial(_) => exit::INTERRUPTED,
        }
    }
}

/// `deter run FILE...` with thousands of files (and `deter merge PART...` with thousands
/// of shards, alike): clap keeps about 180 bytes per argument it
/// parses (its own copies of the raw and the parsed value), so the scenario files of `run`
/// after the first are taken out of the command line before clap sees it and appended,
/// in order, to the files it parsed: the same files in the same order, the same errors and
/// help (clap still sees every option, every option's value and the first file), and the
/// process keeps one copy of each path. A scenario file is an argument after `run` that
/// starts without `-` (or is `-`) and is not an option's value, before any `--`; with
/// anything before `run`, the command line goes to clap whole. Returns the arguments for
/// clap and the files taken out, in order.
fn split_run_files(
    cli: &clap::Command,
    args: impl Iterator<Item = std::ffi::OsString>,
) -> (Vec<std::ffi::OsString>, Vec<std::ffi::OsString>) {
    let mut args = args.peekable();
    let mut argv: Vec<std::ffi::OsString> = args.next().into_iter().collect();
    let Some(command) = args
        .peek()
        .and_then(|a| a.to_str())
        .filter(|a| matches!(*a, "run" | "merge"))
        .map(str::to_string)
    else {
        argv.extend(args);
        return (argv, Vec::new());
    };
    argv.extend(args.next());
    let Some(run) = cli.find_subcommand(&command) else {
        argv.extend(args);
        return (argv, Vec::new());
    };
    let long_takes_value = |name: &str| {
        run.get_arguments().any(|a| {
            a.get_action().takes_values()
                && (a.get_long() == Some(name)
                    || a.get_all_aliases().is_some_and(|v| v.contains(&name)))
        })
    };
    let short_takes_value = |c: char| {
        run.get_arguments().any(|a| {
            a.get_action().takes_values()
                && (a.get_short() == Some(c)
                    || a.get_all_short_aliases().is_some_and(|v| v.contains(&c)))
        })
    };
    let mut files = Vec::new();
    let (mut first, mut value_next) = (true, false);
    while let Some(arg) = args.next() {
        if std::mem::take(&mut value_next) {
            argv.push(arg);
            continue;
        }
        if arg == "--" {
            // Everything after is a file: clap takes the rest, the files taken out so far
            // go back just before it (the same files in the same order).
            argv.append(&mut files);
            argv.push(arg);
            argv.extend(args);
            break;
        }
        let text = arg.to_string_lossy();
        if let Some(long) = text.strip_prefix("--") {
            value_next = !long.contains('=') && long_takes_value(long);
        } else if let Some(shorts) = text.strip_prefix('-').filter(|s| !s.is_empty()) {
            // A cluster of short flags; the first that takes a value takes the rest of the
            // token, or the next argument if it ends the token.
            let chars: Vec<char> = shorts.chars().collect();
            if let Some(k) = chars.iter().position(|&c| short_takes_value(c)) {
                value_next = k + 1 == chars.len();
            }
        } else if !std::mem::take(&mut first) {
            drop(text);
            files.push(arg);
            continue;
        }
        drop(text);
        argv.push(arg);
    }
    (argv, files)
}

/// An empty value where a path is required (`--out ""`, `--plots=`, `deter validate ""`):
/// every path flag and argument, in one place. A flag's is located at its value, as every
/// flag's fault ("--out:1:1: error: expected a path, found nothing", as `--runs ""`), an
/// argument's said in words ("FILES \"\": expected a path, not an empty value"). clap said
/// "a value is required for '--out <OUT>' but none was supplied", although one was. The
/// whole text printed (its last line ended); None for any other parse error (an empty value
/// of a flag with a list of values: [`invalid_choice`]).
fn empty_path(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidValue
        || !matches!(e.get(ContextKind::InvalidValue), Some(ContextValue::String(v)) if v.is_empty())
        || matches!(e.get(ContextKind::ValidValue), Some(ContextValue::Strings(v)) if !v.is_empty())
    {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    // `--out <OUT>` for a flag, `<RESULTS>` for an argument, `[FILES]...` for an optional
    // one (`deter run ""`: it said `[FILES] ""`).
    let (flag, name) = match arg.split_once(' ') {
        Some((flag, name)) => (flag.to_string(), name),
        None => (
            arg.trim_matches(['<', '>', '.', '[', ']']).to_string(),
            arg.as_str(),
        ),
    };
    let what = if name.contains("DIR") {
        "a directory"
    } else {
        "a path"
    };
    if flag.starts_with("--") {
        let d = scenario::Diagnostic::at(
            &flag,
            "",
            0..0,
            "",
            format!("expected {what}, found nothing"),
        )
        .with_help(Some(format!("give {flag} {what}")));
        return Some(Diagnostics(vec![d]).to_string());
    }
    Some(format!("error: {}\n", empty_value(&flag, what)))
}

/// Two flags clap's `conflicts_with` refuses together (`deter bench --runs 500
/// --sweep-points 3`): located at the value of the one given later, as every combination of flags the
/// commands refuse themselves is ([`combination_fault`]); clap said "the argument '--runs
/// <RUNS>' cannot be used with ..." and a usage line that made both look required. `argv` as
/// parsed. None for any other error.
fn conflict_fault(argv: &[std::ffi::OsString], e: &clap::Error) -> Option<scenario::Diagnostic> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::ArgumentConflict {
        return None;
    }
    let first_token = |v: &ContextValue| match v {
        ContextValue::String(s) => s.split(' ').next().map(str::to_string),
        ContextValue::Strings(v) => v.first()?.split(' ').next().map(str::to_string),
        _ => None,
    };
    let one = first_token(e.get(ContextKind::InvalidArg)?)?;
    let other = first_token(e.get(ContextKind::PriorArg)?)?;
    if !one.starts_with("--") || !other.starts_with("--") {
        return None;
    }
    // Where each flag is first given and its value as given (`--runs 500` or `--runs=500`).
    let given = |flag: &str| given_from(argv, flag, 0);
    // A flag given twice that takes one value (clap's "cannot be used multiple times"):
    // at its second occurrence, said as such (it was "expected no --files-from with
    // --files-from").
    if one == other {
        let (i, _) = given(&one)?;
        let (_, text) = given_from(argv, &one, i + 1)?;
        let fault = FlagFault::new(
            "",
            &text,
            format!("expected {one} once, {} a second time", found(&text)),
        );
        return Some(
            scenario::Diagnostic::at(&one, &text, fault.span, "", fault.message)
                .with_help(Some(format!("{one} takes one value: give it once"))),
        );
    }
    // Which of the two clap names first varies from run to run: located at the one given
    // later on the command line, always.
    let (at_one, at_other) = (given(&one)?, given(&other)?);
    let (flag, prior, text) = if at_one.0 >= at_other.0 {
        (one, other, at_one.1)
    } else {
        (other, one, at_other.1)
    };
    let fault = FlagFault::new(
        "",
        &text,
        format!("expected no {flag} with {prior}, {}", found(&text)),
    );
    Some(
        scenario::Diagnostic::at(&flag, &text, fault.span, "", fault.message).with_help(Some(
            format!("{prior} and {flag} cannot be used together: give one of them (--help says what each does)"),
        )),
    )
}

/// Where `flag` is given in `argv` at or after position `from`, and its value as given
/// (`--runs 500` or `--runs=500`; empty when nothing follows it).
fn given_from(argv: &[std::ffi::OsString], flag: &str, from: usize) -> Option<(usize, String)> {
    argv.iter().enumerate().skip(from).find_map(|(i, a)| {
        let a = a.to_string_lossy();
        let value = if *a == *flag {
            argv.get(i + 1)
                .map_or(String::new(), |v| v.to_string_lossy().into_owned())
        } else {
            a.strip_prefix(&format!("{flag}="))?.to_string()
        };
        Some((i, value))
    })
}

/// A flag given without its value (`--runs` last, or just before another flag), which clap
/// reports as an empty value: the fault its own parser finds in an empty value, as `--runs
/// ""` is refused ("expected an integer in [1, ...], found nothing"), not the words of a path
/// ([`empty_path`] said "expected a path" of `--runs`). `argv` as parsed. None when the
/// flag's parser takes an empty value (a path's, whose words [`empty_path`] gives) or the
/// error is another.
fn missing_value_fault(argv: &[std::ffi::OsString], e: &clap::Error) -> Option<FlagFault> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidValue {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let flag = arg.split(' ').next().filter(|f| f.starts_with("--"))?;
    // The flag standing without a value: last, or followed by another flag.
    let at = (0..argv.len()).find(|&i| {
        argv[i] == flag
            && argv
                .get(i + 1)
                .is_none_or(|next| next.to_string_lossy().starts_with('-'))
    })?;
    let mut again = argv.to_vec();
    again.insert(at + 1, std::ffi::OsString::new());
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let e = cmd.try_get_matches_from_mut(again).err()?;
    if e.kind() != ErrorKind::ValueValidation {
        return None;
    }
    std::error::Error::source(&e)?
        .downcast_ref::<FlagFault>()
        .cloned()
}

/// A value of a flag with a fixed list of choices (`--format xml`, every command's
/// `value_enum` flag) that is none of them, in one place, in the form of every flag's fault
/// ([`FlagFault`]): "FLAG:1:1: error: expected one of `a`, `b`, found `xml`", the value
/// underlined, a did-you-mean when a choice is near (`--format jsn`). clap said "invalid
/// value 'xml' for '--format <FORMAT>'" and its list. None for any other parse error.
fn invalid_choice(e: &clap::Error) -> Option<scenario::Diagnostic> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidValue {
        return None;
    }
    let Some(ContextValue::Strings(choices)) = e.get(ContextKind::ValidValue) else {
        return None;
    };
    let (Some(ContextValue::String(arg)), Some(ContextValue::String(text))) = (
        e.get(ContextKind::InvalidArg),
        e.get(ContextKind::InvalidValue),
    ) else {
        return None;
    };
    // `--format <FORMAT>`: the flag as typed.
    let flag = arg.split(' ').next().filter(|f| f.starts_with("--"))?;
    if choices.is_empty() {
        return None;
    }
    let listed: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
    let fault = FlagFault::new(
        "",
        text,
        format!("expected one of {}, {}", listed.join(", "), found(text)),
    );
    let help = scenario::closest(text.trim(), choices).map(|c| format!("did you mean `{c}`?"));
    Some(scenario::Diagnostic::at(flag, text, fault.span, "", fault.message).with_help(help))
}

/// The one refusal of an empty value where a path is required, every flag and argument
/// named as the command line names it: "NAME \"\": expected WHAT, not an empty value".
fn empty_value(name: &str, what: &str) -> String {
    format!("{name} \"\": expected {what}, not an empty value")
}

/// How `deter run` names its scenario files in a refusal (clap's `[FILES]...`).
const RUN_FILES: &str = "FILES";

/// How `deter merge` names its partial files in a refusal (clap's `<PART>...`).
const MERGE_PARTS: &str = "PART";

/// A write past the file size limit (`ulimit -f`) raises SIGXFSZ, whose default action kills
/// the process: exit 153 (a code the README does not list), the hidden temporary file of the
/// output left behind, and a sweep's message with its `--resume` command never printed.
/// Ignored, the write fails with "File too large" (EFBIG) like any write that cannot be made:
/// "cannot write `PATH`: REASON", exit 1, the temporary file removed.
fn ignore_file_size_limit_signal() {
    // SIGXFSZ is 25 on these platforms (31 on Linux for MIPS, 29 on HP-UX: left as they are).
    #[cfg(any(
        all(
            target_os = "linux",
            any(
                target_arch = "x86_64",
                target_arch = "x86",
                target_arch = "aarch64",
                target_arch = "arm",
                target_arch = "riscv64",
                target_arch = "powerpc64",
                target_arch = "s390x"
            )
        ),
        target_os = "macos",
        target_os = "freebsd"
    ))]
    {
        const SIGXFSZ: i32 = 25;
        const SIG_IGN: usize = 1;
        unsafe extern "C" {
            fn signal(signum: i32, handler: usize) -> usize;
        }
        // SAFETY: C's `signal` from the C library every Rust program on these platforms
        // links; setting a signal's disposition to "ignore" runs no code of ours in a handler.
        unsafe {
            signal(SIGXFSZ, SIG_IGN);
        }
    }
}

/// Set by a command whose work never checks [`CANCEL`] (no runs: `discover`, `robust`):
/// Ctrl-C then exits 130 at once, unless an output is being written.
static NO_CANCELLATION_POINTS: AtomicBool = AtomicBool::new(false);

/// Set by the Ctrl-C / SIGTERM handler; workers check it between blocks.
pub static CANCEL: AtomicBool = AtomicBool::new(false);

/// An unknown subcommand that clap's own (Jaro) similarity finds nothing close to (`deter rn`)
/// gets the did-you-mean every other misspelt name gets ([`crate::scenario::closest`]: normalised
/// Damerau-Levenshtein), as clap's tip: "tip: a similar subcommand exists: 'run'".
fn suggest_subcommand(e: &mut clap::Error) {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidSubcommand || e.get(ContextKind::SuggestedSubcommand).is_some()
    {
        return;
    }
    let Some(ContextValue::String(given)) = e.get(ContextKind::InvalidSubcommand) else {
        return;
    };
    let names: Vec<String> = <Cli as clap::CommandFactory>::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    if let Some(best) = crate::scenario::closest(given, &names) {
        // `closest` joins ties as "a` or `b"; clap quotes each of a list itself.
        let best: Vec<String> = best.split("` or `").map(str::to_string).collect();
        e.insert(
            ContextKind::SuggestedSubcommand,
            ContextValue::Strings(best),
        );
    }
}

/// Entry point of the binary: returns the process exit code.
pub fn main() -> i32 {
    // `Cli::try_parse`, with the command built once for the split and the parse.
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let (argv, more_files) = split_run_files(&cmd, std::env::args_os());
    let given = argv.clone();
    let parsed = cmd.try_get_matches_from_mut(argv).and_then(|mut m| {
        <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut m).map_err(|e| e.format(&mut cmd))
    });
    drop(cmd);
    let mut cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // A flag's value refused by its parser (`int_flag`, `float_flag`, ...): located
            // in the value ([`FlagFault`]), without clap's wrapper.
            if e.kind() == clap::error::ErrorKind::ValueValidation
                && let Some(f) =
                    std::error::Error::source(&e).and_then(|s| s.downcast_ref::<FlagFault>())
            {
                note_raw!("{}", crate::scenario::printable_lines(&f.to_string()));
                return exit::BAD_INPUT;
            }
            if let Some(d) = invalid_choice(&e) {
                note_raw!(
                    "{}",
                    crate::scenario::printable_lines(&Diagnostics(vec![d]).to_string())
                );
                return exit::BAD_INPUT;
            }
            if let Some(d) = conflict_fault(&given, &e) {
                note_raw!(
                    "{}",
                    crate::scenario::printable_lines(&Diagnostics(vec![d]).to_string())
                );
                return exit::BAD_INPUT;
            }
            if let Some(f) = missing_value_fault(&given, &e) {
                note_raw!("{}", crate::scenario::printable_lines(&f.to_string()));
                return exit::BAD_INPUT;
            }
            if let Some(m) = empty_path(&e) {
                note_raw!("{}", crate::scenario::printable_lines(&m));
                return exit::BAD_INPUT;
            }
            let mut e = e;
            suggest_subcommand(&mut e);
            let _ = e.print();
            return if e.use_stderr() {
                exit::BAD_INPUT
            } else {
                exit::OK
            };
        }
    };
    // The files after the first bypass clap (`deter run`'s scenario files, `deter merge`'s
    // partial files): an empty one is refused in the words clap's parse gives the first
    // (`deter run a.toml ""` said "cannot read file").
    let taken = match &mut cli.command {
        Command::Run(args) => Some((&mut args.files, RUN_FILES)),
        Command::Merge(args) => Some((&mut args.parts, MERGE_PARTS)),
        _ => None,
    };
    if let Some((parsed, name)) = taken
        && !more_files.is_empty()
    {
        if more_files.iter().any(|f| f.is_empty()) {
            note!("error: {}", empty_value(name, "a path"));
            return exit::BAD_INPUT;
        }
        // The first file clap parsed, then the others in order, in one allocation.
        let mut files = more_files;
        files.reserve_exact(parsed.len());
        files.splice(0..0, parsed.drain(..).map(PathBuf::into_os_string));
        *parsed = files.into_iter().map(PathBuf::from).collect();
    }
    ignore_file_size_limit_signal();
    let _ = ctrlc::set_handler(|| {
        CANCEL.store(true, Ordering::SeqCst);
        // Blocked opening or reading an input (a FIFO without a writer) and nothing written
        // yet: the flag would only be seen between runs, so stop here (README: exit 130).
        // A command that never checks the flag (it simulates nothing: discover, robust)
        // stops here too, unless an output is being written.
        let unchecked = NO_CANCELLATION_POINTS.load(Ordering::SeqCst);
        if (crate::scenario::input::reading_inputs() || unchecked)
            && !crate::output::outputs_pending()
        {
            note!("deter: interrupted; no output written");
            std::process::exit(exit::INTERRUPTED);
        }
    });
    let result = dispatch(cli);
    // The work done, every attribution variant counted (tests/attribution.rs).
    if std::env::var_os("DETER_COUNT_RUNS").is_some() {
        note!("deter: simulated {} runs", crate::model::simulated_runs());
    }
    // Every chart drawn, counted (tests/reports.rs: each is drawn once).
    if std::env::var_os("DETER_COUNT_CHARTS").is_some() {
        note!("deter: drew {} charts", crate::report::charts::drawn());
    }
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            match &e {
                CliError::Interrupted => note!("deter: interrupted; no output written"),
                CliError::InterruptedPartial(m) => note!(
                    "deter: interrupted; {}",
                    crate::scenario::printable_lines(m)
                ),
                // Messages quote files and values (a results column, a policy name):
                // nothing in them may drive the terminal.
                other => note_raw!(
                    "{}{}",
                    crate::scenario::printable_lines(&other.to_string()),
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
        Command::Run(mut args) => {
            run::read_files_from(&mut args)?;
            run::run(&args)
        }
        Command::Compare(args) => compare::compare(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Discover(args) => {
            NO_CANCELLATION_POINTS.store(true, Ordering::SeqCst);
            discover::discover(&args)
        }
        Command::Robust(args) => {
            NO_CANCELLATION_POINTS.store(true, Ordering::SeqCst);
            discover::robust(&args)
        }
        Command::Validate { files, set } => validate::validate(&files, &set),
        Command::Init { path, force } => init::init(&path, force),
        Command::Bench(args) => bench::bench(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
    }
}

/// The largest seed ([`crate::settings::MAX_SEED`]).
pub const MAX_SEED: u64 = crate::settings::MAX_SEED;

/// An integer flag's range, from the constants the settings layer checks: its parser
/// ([`int_flag`]) and the range its help states, so the two cannot drift apart.
#[derive(Debug, Clone, Copy)]
pub struct IntRange {
    pub flag: &'static str,
    pub min: u64,
    pub max: u64,
}

impl IntRange {
    /// The flag's parser: an integer in `min..=max`, else the settings layer's message.
    pub fn parser<T: TryFrom<u64> + Clone + Send + Sync + 'static>(
        self,
    ) -> impl Fn(&str) -> Result<T, FlagFault> + Clone + Send + Sync + 'static {
        int_flag::<T>(self.flag, self.min, self.max)
    }

    /// The flag's help: "WHAT, MIN to MAX REST" ("Parameter draws of a nested run, 1 to
    /// 1,000,000 [default 100]"), the bounds grouped by thousands.
    pub fn help(self, what: &str, rest: &str) -> String {
        use crate::report::table::thousands;
        format!(
            "{what}, {} to {}{rest}",
            thousands(self.min),
            thousands(self.max)
        )
    }
}

/// `--runs` (and `--max-runs`, `--sweep-points`, `--runs-per-point`): 1 to [`crate::MAX_RUNS`].
pub const RUNS: IntRange = IntRange {
    flag: "--runs",
    min: 1,
    max: crate::MAX_RUNS,
};
/// `--max-runs`.
pub const MAX_RUNS_FLAG: IntRange = IntRange {
    flag: "--max-runs",
    ..RUNS
};
/// `--seed`: 0 to [`MAX_SEED`] (a file's `seed`).
pub const SEED: IntRange = IntRange {
    flag: "--seed",
    min: 0,
    max: MAX_SEED,
};
/// `--threads`: 0 (one per core) to [`crate::MAX_THREADS`].
pub const THREADS: IntRange = IntRange {
    flag: "--threads",
    min: 0,
    max: crate::MAX_THREADS as u64,
};
/// `--horizon-years`: [`crate::settings::MIN_HORIZON_YEARS`] to
/// [`crate::settings::MAX_HORIZON_YEARS`].
pub const HORIZON: IntRange = IntRange {
    flag: "--horizon-years",
    min: crate::settings::MIN_HORIZON_YEARS as u64,
    max: crate::settings::MAX_HORIZON_YEARS as u64,
};
/// `--draws`: 1 to [`crate::settings::MAX_DRAWS`].
pub const DRAWS: IntRange = IntRange {
    flag: "--draws",
    min: 1,
    max: crate::settings::MAX_DRAWS,
};

/// A flag's value its parser refuses: located in the value as `--set`, `--threshold` and
/// `--above` locate theirs, `FLAG:1:COL: error: expected RANGE, found VALUE`, the value
/// underlined in an excerpt (`deter run --runs 0` said "error: --runs 0: expected an integer
/// in [1, ...]" on one line). Every flag of a number (`--runs`, `--seed`, `--threads`,
/// `--horizon-years`, `--until-ci`, `--max-runs`, `--draws`, `--alpha`, `--min-mass`,
/// `--boxes`, `--step`, bench's counts), `--shard`, and the form of `--where` and
/// `--threshold` are refused so; [`main`] prints it without clap's wrapper, exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagFault {
    /// The flag as typed in the usage (`--runs`).
    pub flag: &'static str,
    /// The flag's value as given.
    pub text: String,
    /// Byte range of `text` underlined: the value without its surrounding blanks, or the part
    /// at fault.
    pub span: std::ops::Range<usize>,
    /// What was expected and what was found ("expected an integer in [1, 10], found 0").
    pub message: String,
    pub help: Option<String>,
}

impl FlagFault {
    /// A fault of the whole value `text` of `flag` (its blanks aside).
    pub fn new(flag: &'static str, text: &str, message: String) -> Self {
        let start = text.len() - text.trim_start().len();
        FlagFault {
            flag,
            text: text.to_string(),
            span: start..start + text.trim().len(),
            message,
            help: None,
        }
    }

    /// The diagnostic: `FLAG:1:COL: error: MESSAGE`, the value's excerpt under it.
    pub fn diagnostic(&self) -> scenario::Diagnostic {
        scenario::Diagnostic::at(
            self.flag,
            &self.text,
            self.span.clone(),
            "",
            self.message.clone(),
        )
        .with_help(self.help.clone())
    }
}

impl std::fmt::Display for FlagFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", Diagnostics(vec![self.diagnostic()]))
    }
}

impl std::error::Error for FlagFault {}

impl From<FlagFault> for CliError {
    fn from(f: FlagFault) -> Self {
        CliError::Input(Diagnostics(vec![f.diagnostic()]))
    }
}

/// An output directory named as a file deter writes (`--plots x.svg`, calibrate's `--out
/// x.json`: [`crate::output::check_dir_name`]) refused as every flag's fault, at `flag`'s
/// value `dir`.
pub fn dir_name_fault(
    flag: &'static str,
    dir: &std::path::Path,
    f: crate::output::DirNameFault,
) -> CliError {
    FlagFault {
        help: Some(f.help),
        ..FlagFault::new(flag, &dir.display().to_string(), f.message)
    }
    .into()
}

/// "found TEXT" of a flag's value that is not what was expected: a number as written
/// ("found 0", "found -1"), nothing ("found nothing"), anything else quoted ("found `ten`"),
/// as `--set` and every input file word the same literal.
fn found(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        "found nothing".into()
    } else if crate::scenario::input::parse_digits::<f64>(t).is_some_and(f64::is_finite) {
        format!("found {t}")
    } else {
        format!("found `{t}`")
    }
}

/// The refusal of flag `flag`'s `text` that TOML would refuse as a value (`--runs 010`,
/// `--until-ci .05`), in the words of the same text in a file
/// ([`crate::scenario::input::toml_number_fault`]), located in the value.
pub fn toml_fault(flag: &'static str, text: &str) -> Option<FlagFault> {
    let (message, help) = crate::scenario::input::toml_number_fault(text)?;
    Some(FlagFault {
        help,
        ..FlagFault::new(flag, text, message)
    })
}

/// The refusal of integer flag `flag`'s `text` outside `[min, max]` (`note`: what the range
/// says more, " (0 = one per core)"), as every fault alike (0, a negative number, a fraction,
/// a number beyond 64 bits, a word).
pub fn integer_fault(flag: &'static str, text: &str, min: u64, max: u64, note: &str) -> FlagFault {
    FlagFault::new(
        flag,
        text,
        format!(
            "expected an integer in [{min}, {max}]{note}, {}",
            found(text)
        ),
    )
}

/// The parser of an integer flag: a whole number in `[min, max]`, else "expected an integer
/// in [MIN, MAX], found TEXT" located in the value ([`integer_fault`]), the range a setting
/// out of its range is refused with ([`crate::settings::check_runs`], ...).
pub fn int_flag<T: TryFrom<u64> + Clone + Send + Sync + 'static>(
    flag: &'static str,
    min: u64,
    max: u64,
) -> impl Fn(&str) -> Result<T, FlagFault> + Clone + Send + Sync + 'static {
    int_flag_noted(flag, min, max, "")
}

/// [`int_flag`] whose refusal says `note` after the range (" (0 = one per core)").
fn int_flag_noted<T: TryFrom<u64> + Clone + Send + Sync + 'static>(
    flag: &'static str,
    min: u64,
    max: u64,
    note: &'static str,
) -> impl Fn(&str) -> Result<T, FlagFault> + Clone + Send + Sync + 'static {
    move |text: &str| {
        if let Some(fault) = toml_fault(flag, text) {
            return Err(fault);
        }
        crate::scenario::input::parse_digits::<u64>(text)
            .filter(|n| (min..=max).contains(n))
            .and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| integer_fault(flag, text, min, max, note))
    }
}

/// The parser of a number flag: a finite number for which `fits` holds. A number out of
/// range (a negative one too: clap took `-1` for a flag) is "expected EXPECTED, found TEXT";
/// any other text gets the words the same value gets in `--set` and in every input file
/// ([`crate::scenario::input::number_text`]: "found `ten`", "found NaN", and for a literal
/// that reads as 0 although it is not "found `1e-400`, a number too small to use (it reads
/// as 0)"; clap said "invalid float literal" and read `1e-400` as 0), located in the value
/// ([`FlagFault`]).
pub fn float_flag(
    flag: &'static str,
    expected: &'static str,
    fits: fn(f64) -> bool,
) -> impl Fn(&str) -> Result<f64, FlagFault> + Clone + Send + Sync + 'static {
    move |text: &str| match crate::scenario::input::value_text(text, expected) {
        Ok(x) if fits(x) => Ok(x),
        Ok(_) => Err(FlagFault::new(
            flag,
            text,
            format!("expected {expected}, {}", found(text)),
        )),
        Err((m, help)) => Err(FlagFault {
            help,
            ..FlagFault::new(flag, text, m)
        }),
    }
}

/// Parse `--seed`: an integer in [0, 2^63 - 1] (the range of a file's `seed`).
pub fn parse_seed(text: &str) -> Result<u64, FlagFault> {
    SEED.parser::<u64>()(text)
}

/// Parse `--until-ci`: a half-width in (0, 0.5), the range of
/// [`crate::settings::check_until_ci`], for every fault alike (a negative number, a word:
/// clap said "unexpected argument '-0' found" for `-0.1` and "invalid float literal").
pub fn parse_until_ci(text: &str) -> Result<f64, FlagFault> {
    if let Some(fault) = toml_fault("--until-ci", text) {
        return Err(fault);
    }
    let x = crate::scenario::input::parse_digits::<f64>(text).unwrap_or(f64::NAN);
    crate::settings::check_until_ci(x, crate::settings::Caller::Cli).map_err(|_| {
        FlagFault::new(
            "--until-ci",
            text,
            format!("expected a half-width in (0, 0.5), {}", found(text)),
        )
    })
}

/// Parse `--shard`: its value's fault located in the part at fault, "expected K below N = 4
/// in K/N, found 4" (a negative K reaches the parser: clap said "unexpected argument '-1'
/// found").
///
/// K and N are integers as the number flags take them: what TOML refuses as a value (`01/3`,
/// `0/03`, as `--runs 010`) is refused in TOML's words at the part ([`toml_fault`]).
pub fn parse_shard(text: &str) -> Result<crate::shard::ShardSpec, FlagFault> {
    let start = text.len() - text.trim_start().len();
    if let Some((k, n)) = text.trim().split_once('/') {
        for (part, at) in [(k, 0), (n, k.len() + 1)] {
            if let Some(fault) = toml_fault("--shard", part) {
                let from = start + at + (part.len() - part.trim_start().len());
                return Err(FlagFault {
                    text: text.to_string(),
                    span: from..from + part.trim().len(),
                    ..fault
                });
            }
        }
    }
    text.parse().map_err(|e: crate::shard::SpecFault| {
        let span = start + e.part.start..start + e.part.end;
        FlagFault {
            span: span.clone(),
            help: Some(e.help),
            ..FlagFault::new(
                "--shard",
                text,
                format!("expected {}, {}", e.expected, found(&text[span])),
            )
        }
    })
}

/// Parse `--threads`: 0 (all cores) up to [`crate::MAX_THREADS`].
///
/// Past the threads whose stacks the address-space limit (`ulimit -v`) leaves room for
/// ([`crate::engine::driver::most_threads`]) it is refused here, for every command: the pool
/// could not start them (`deter run --threads 32` under `ulimit -v 260000` panicked in
/// rayon, exit 101, or aborted with 1024 threads).
pub fn parse_threads(text: &str) -> Result<usize, FlagFault> {
    let threads = int_flag_noted(
        THREADS.flag,
        THREADS.min,
        THREADS.max,
        " (0 = one per core)",
    )(text)?;
    let limit = crate::engine::driver::address_space_limit();
    let Some(most) = crate::engine::driver::most_threads(limit) else {
        return Ok(threads);
    };
    let asked = match threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from) as u64,
        n => n as u64,
    };
    if asked <= most {
        return Ok(threads);
    }
    let kib = limit.unwrap_or(0) >> 10;
    let found = if threads == 0 {
        format!("`{}` ({asked} cores)", text.trim())
    } else {
        format!("`{}`", text.trim())
    };
    Err(FlagFault {
        help: Some(format!(
            "use fewer --threads, or raise the address-space limit (`ulimit -v`): each worker \
             thread maps {} MiB of stack, and the process {} MiB besides",
            crate::engine::driver::WORKER_MAPPED_BYTES >> 20,
            crate::engine::driver::MAPPED_BYTES >> 20,
        )),
        ..FlagFault::new(
            THREADS.flag,
            text,
            format!(
                "expected at most {most} threads under the address-space limit (`ulimit -v` \
                 {kib} KiB), found {found}"
            ),
        )
    })
}

/// Refuse an input that exists but is not a regular file or a directory (a pipe such as
/// `<(cat s.toml)`, a FIFO, a device), before anything is read: `deter run`, `compare`,
/// `sweep`, `bench` and `calibrate` read their input files more than once (to recognise the
/// file's kind, to check every file before any run, then to run it; the calibration's
/// fingerprint), and a pipe gives its text once (the second read found "the file is empty",
/// or waited forever on a named FIFO).
pub fn refuse_pipes<'a>(files: impl IntoIterator<Item = &'a PathBuf>) -> Result<(), CliError> {
    let mut diags = Diagnostics::default();
    for f in files {
        if std::fs::metadata(f).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let shown = scenario::printable(&f.display().to_string()).to_string();
            diags.0.push(
                scenario::Diagnostic::file_level(
                    &shown,
                    "not a regular file (a pipe, `<(...)` or a device): deter reads its input \
                     files more than once"
                        .into(),
                )
                .with_help(Some("save it to a file first and give that file".into())),
            );
        }
    }
    if diags.0.is_empty() {
        Ok(())
    } else {
        Err(CliError::Input(diags))
    }
}

/// Load a scenario and apply command-line overrides.
pub fn load_scenario(file: &Path, horizon_years: Option<u32>) -> Result<Scenario, CliError> {
    load_scenario_with_inputs(file, horizon_years).map(|(s, _)| s)
}

/// [`load_scenario`], also returning every file read (the file and its `extends` bases),
/// so that an output path can be checked against all of them. The warnings `deter validate`
/// gives for the file are printed on stderr, in the same words, before any work (every
/// command that runs a scenario loads it here).
pub fn load_scenario_with_inputs(
    file: &Path,
    horizon_years: Option<u32>,
) -> Result<(Scenario, Vec<PathBuf>), CliError> {
    load_scenario_warning(file, horizon_years, true)
}

/// [`load_scenario_with_inputs`], printing the file's warnings only if `warn` (a command
/// that reads the same file twice warns once).
pub fn load_scenario_warning(
    file: &Path,
    horizon_years: Option<u32>,
    warn: bool,
) -> Result<(Scenario, Vec<PathBuf>), CliError> {
    load_with_sets(file, horizon_years, &[], warn).map(|(s, inputs, _)| (s, inputs))
}

/// [`load_scenario_warning`] with `--set` texts applied (`sets`: each list of texts with its
/// origin, `--set`, `--set-b`, in order): the warnings printed are those of the scenario as
/// it is run (a policy a text dates after the horizon is said, at the text; the file's
/// warning about a date a text replaced is not; [`crate::scenario::overrides::warnings_with_sets`]).
pub fn load_with_sets(
    file: &Path,
    horizon_years: Option<u32>,
    sets: &[(&[String], &str, &str)],
    warn: bool,
) -> Result<
    (
        Scenario,
        Vec<PathBuf>,
        Vec<crate::scenario::overrides::Applied>,
    ),
    CliError,
> {
    // The warnings are checked against the horizon actually run (`--horizon-years`).
    let (s, inputs, applied, warnings) = load_with_sets_warnings(file, horizon_years, sets)?;
    if warn && !warnings.0.is_empty() {
        note_raw!("{warnings}");
    }
    Ok((s, inputs, applied))
}

/// [`load_with_sets`] without printing: the scenario, the files read, what the texts
/// replaced and the warnings of the scenario as it is run, for a caller that prints them
/// itself (`deter compare` says a warning A and B share once).
#[allow(clippy::type_complexity)]
pub fn load_with_sets_warnings(
    file: &Path,
    horizon_years: Option<u32>,
    sets: &[(&[String], &str, &str)],
) -> Result<
    (
        Scenario,
        Vec<PathBuf>,
        Vec<crate::scenario::overrides::Applied>,
        crate::scenario::Diagnostics,
    ),
    CliError,
> {
    let flag = crate::settings::GivenHorizon::in_range(horizon_years, crate::settings::Caller::Cli);
    let (loaded, inputs) = scenario::load_file_with_inputs_and_warnings(file, flag);
    let (mut s, warnings) = loaded.map_err(CliError::Input)?;
    if let Some(h) = horizon_years {
        s.meta.horizon_years = crate::settings::check_horizon(h, crate::settings::Caller::Cli)
            .map_err(|e| CliError::Usage(e.0))?;
    }
    let mut applied = Vec::new();
    for &(texts, origin, _) in sets {
        applied.extend(
            crate::scenario::overrides::apply_texts(&mut s, texts, origin)
                .map_err(CliError::Input)?,
        );
    }
    // A path `--set` and `--set-b` both set (compare's B): the file's value, as within one flag.
    crate::scenario::overrides::record_files_values(&mut applied);
    let origins: Vec<(&[String], &str)> = sets.iter().map(|&(t, o, _)| (t, o)).collect();
    let mut warnings = crate::scenario::overrides::warnings_with_sets(&s, warnings, &origins, flag);
    for &(texts, origin, given_by) in sets {
        warnings
            .0
            .extend(crate::scenario::overrides::policy_warnings(&s, texts, origin, given_by).0);
    }
    Ok((s, inputs, applied, warnings))
}

/// Check a run count from a flag or a file.
pub fn validate_runs(runs: u64) -> Result<(), CliError> {
    crate::settings::check_runs("--runs", runs)
        .map(|_| ())
        .map_err(|e| CliError::Usage(e.0))
}

/// Colour on stdout: only when it is a terminal and NO_COLOR is unset or empty.
pub fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// SHA-256 of the validated scenario (after `extends` and overrides): identifies exactly
/// what was simulated, whatever the file's formatting.
pub fn scenario_hash(s: &Scenario) -> String {
    s.fingerprint()
}

/// SHA-256 of a text, in hex.
pub fn scenario_hash_text(text: &str) -> String {
    crate::output::sha256_hex(text.as_bytes())
}

/// Write to `out` atomically, or to stdout.
/// The page of a render: hands it a writer to write the article (or page) into, and writes
/// that to the page's file (`--report`), with whatever goes around it there.
pub type Page<'a> = &'a mut dyn FnMut(
    &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError>;

/// `--plots DIR`: every chart of the HTML page or article `render` writes as
/// `DIR/<chart id>.svg`, each written atomically and refused if it would replace a file the
/// command read; with `page` (`--report`), the same render written there too. The charts are
/// cut from the text as it is written ([`crate::report::html::FigureCutter`]): neither the
/// page nor its charts are held whole, one part of the page and one chart at a time. Each
/// chart is drawn once: `render` runs once without drawing to check every chart's path
/// ([`crate::report::charts::undrawn`]), then once, drawn, for the page and the files alike.
/// `page` comes with its path: a chart that cannot be written leaves the page unwritten (it
/// is written whole, after its last chart, or not at all), and the fault, naming the chart's
/// file, says so ([`page_not_written`]), as `deter sweep --report --plots` does.
///
/// `held`: the charts are written into it and published only when it is committed (`deter
/// run` of several files in windows commits them with its other outputs, so a Ctrl-C after
/// the first window leaves none of its charts: it said "interrupted; no output written" over
/// the first files' charts); None: each chart is published as it is written.
pub fn write_plots_with(
    dir: &Path,
    render: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    page: Option<(&Path, Page<'_>)>,
    held: Option<&mut output::HeldFiles>,
) -> Result<(), CliError> {
    let (page_path, page) = match page {
        Some((path, page)) => (Some(path), Some(page)),
        None => (None, None),
    };
    let chart_fault = |e: CliError| match page_path {
        Some(path) => page_not_written(e, path),
        None => e,
    };
    charts_and_page(dir, render, page, held)
        .map_err(|(e, chart)| if chart { chart_fault(e) } else { e })
}

/// A chart of `--plots` that could not be written, with `--report PAGE`: the page is not
/// written either, and the fault says so after naming the chart's file, in every command
/// (run, compare, merge, sweep; docs/OUTPUT.md).
pub fn page_not_written(e: CliError, page: &Path) -> CliError {
    let note = format!("; the page `{}` (--report) was not written", page.display());
    match e {
        CliError::Usage(m) => CliError::Usage(m + &note),
        CliError::Failure(m) => CliError::Failure(m + &note),
        other => other,
    }
}

/// [`write_plots_with`]'s work; a fault comes with whether it is a chart's (true) or the
/// page's own (false).
fn charts_and_page(
    dir: &Path,
    render: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    page: Option<Page<'_>>,
    mut held: Option<&mut output::HeldFiles>,
) -> Result<(), (CliError, bool)> {
    use crate::report::html::{FigureCutter, FigureIds};
    // A directory created for held charts is removed again if the run stops before they
    // are published (Ctrl-C in a later file), where it would be left empty.
    match held.as_deref_mut() {
        Some(held) => held.create_dir_all(dir),
        None => std::fs::create_dir_all(dir),
    }
    .map_err(|e| {
        (
            CliError::Failure(crate::output::cannot_write(dir, &e)),
            true,
        )
    })?;
    let path_of = |id: &str| dir.join(format!("{id}.svg"));
    // Every chart's path checked before the first is written: one that would replace an
    // input (or a directory) leaves no partial set of charts behind.
    let mut fault: Option<CliError> = None;
    let stop = |e: CliError, fault: &mut Option<CliError>| {
        *fault = Some(e);
        std::io::Error::other("stopped")
    };
    let mut ids = FigureIds::new(|id: String| {
        chart_fault(dir, &path_of(&id))
            .and_then(|()| output::check_writable(&path_of(&id), &[]).map_err(CliError::Usage))
            .map_err(|e| stop(e, &mut fault))
    });
    let checked = crate::report::charts::undrawn(|| render(&mut ids));
    if let Some(e) = fault.take() {
        return Err((e, true));
    }
    checked.map_err(|e| {
        (
            CliError::Failure(format!("cannot write the charts: {e}")),
            true,
        )
    })?;
    let mut cutter = FigureCutter::new(|id: String, svg: String| {
        let path = path_of(&id);
        let written = match held.as_deref_mut() {
            Some(held) => held
                .write(&path, svg.as_bytes())
                .map_err(|e| CliError::Failure(crate::output::cannot_write(&path, &e))),
            None => emit(Some(&path), svg.as_bytes()),
        };
        written.map_err(|e| stop(e, &mut fault))
    });
    let (written, paged) = match page {
        None => (render(&mut cutter), Ok(())),
        Some(page) => {
            // One render for both: the page's writer and the cutter take the same text.
            let mut cut = Ok(());
            let paged = page(&mut |w: &mut dyn Write| {
                let mut both = Tee {
                    page: w,
                    cutter: &mut cutter,
                    cut: &mut cut,
                };
                render(&mut both)
            });
            (cut, paged)
        }
    };
    // The last chart is cut only from a whole text.
    let finished = match (&written, &paged) {
        (Ok(()), Ok(())) => cutter.finish(),
        _ => Ok(()),
    };
    if let Some(e) = fault.take() {
        return Err((e, true));
    }
    let charts_fault = |e: std::io::Error| {
        (
            CliError::Failure(format!("cannot write the charts: {e}")),
            true,
        )
    };
    written.and(finished).map_err(charts_fault)?;
    paged.map_err(|e| (e, false))
}

/// The page's writer and the chart cutter of [`write_plots_with`], written alike; a fault of
/// the cutter is kept apart (`cut`) from the page's own.
struct Tee<'a, 'b> {
    page: &'a mut dyn Write,
    cutter: &'a mut dyn Write,
    cut: &'b mut std::io::Result<()>,
}

impl Write for Tee<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.page.write_all(buf)?;
        if let Err(e) = self.cutter.write_all(buf) {
            let stopped = std::io::Error::new(e.kind(), e.to_string());
            *self.cut = Err(e);
            return Err(stopped);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.page.flush()
    }
}

/// `--plots DIR` before any work: every chart file [`write_plots_with`] would write for the
/// page or article `render` writes, checked as an output (not an input, not read-only, not a
/// directory, not one of the command's other `outputs`), so that a clash is refused with the
/// other outputs' (exit 2), not after the work. A directory that does not exist yet holds no
/// file to clash with (it is created). Its figure ids are read as it is written
/// ([`crate::report::html::FigureIds`]): the page is never held whole.
pub fn check_plots_with(
    dir: &Path,
    render: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    outputs: &[&PathBuf],
) -> Result<(), CliError> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut fault: Option<CliError> = None;
    let mut ids = crate::report::html::FigureIds::new(|id: String| {
        let path = dir.join(format!("{id}.svg"));
        let refused = chart_fault(dir, &path)
            .and_then(|()| output::check_writable(&path, &[]).map_err(CliError::Usage))
            .and_then(
                |()| match outputs.iter().any(|o| output::same_output(o, &path)) {
                    true => Err(chart_named_twice(dir, &path)),
                    false => Ok(()),
                },
            );
        refused.map_err(|e| {
            fault = Some(e);
            std::io::Error::other("stopped")
        })
    });
    // The ids without the charts: none is drawn.
    let read = crate::report::charts::undrawn(|| render(&mut ids));
    if let Some(e) = fault.take() {
        return Err(e);
    }
    read.map_err(|e| CliError::Failure(format!("cannot check the charts: {e}")))
}

/// Stdout for streamed output: a closed pipe (`deter run ... | head`) is not an error, as
/// in [`emit`]: what follows is discarded.
pub struct Stdout<'a> {
    out: std::io::StdoutLock<'a>,
    closed: bool,
}

impl Default for Stdout<'_> {
    fn default() -> Self {
        Self {
            out: std::io::stdout().lock(),
            closed: false,
        }
    }
}

impl Write for Stdout<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.out.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.out.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Capacity of the buffer between a report's writer and its file or stdout: the whole of
/// what an output holds in memory, whatever the size of the document.
pub const WRITE_BUFFER: usize = 64 << 10;

/// Write `out` (atomically: a temporary file renamed when `write` has succeeded; left
/// behind by no error) or stdout by `write`, which streams the document through a small
/// buffer ([`WRITE_BUFFER`]) instead of building it in memory first: a report's output then
/// takes the same few kilobytes for ten rivalries or ten thousand.
pub fn emit_with(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    match out {
        Some(path) => {
            let fail = |e: std::io::Error| CliError::Failure(crate::output::cannot_write(path, &e));
            let mut file = output::AtomicFile::create(path).map_err(fail)?;
            {
                let mut w = std::io::BufWriter::with_capacity(WRITE_BUFFER, file.file());
                write(&mut w).and_then(|()| w.flush()).map_err(fail)?;
            }
            file.commit().map_err(fail)
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(WRITE_BUFFER, Stdout::default());
            write(&mut w)
                .and_then(|()| w.flush())
                .map_err(|e| CliError::Failure(crate::output::cannot_write_stdout(&e)))
        }
    }
}

/// Write the file outputs of a command that has no cancellation point of its own
/// (`discover`, `robust`: the Ctrl-C handler exits 130 at once unless an output is being
/// written): each to its temporary file, then, unless Ctrl-C came meanwhile, every one
/// published. A Ctrl-C while they are written leaves none of them (exit 130, "no output
/// written"), as one before; one that comes while they are renamed lets them finish.
pub fn emit_files(files: &[(&Path, &[u8])]) -> Result<(), CliError> {
    let fail = |path: &Path, e: std::io::Error| CliError::Failure(output::cannot_write(path, &e));
    let mut pending = Vec::with_capacity(files.len());
    for &(path, bytes) in files {
        let mut file = output::AtomicFile::create(path).map_err(|e| fail(path, e))?;
        let f = file.file();
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| fail(path, e))?;
        pending.push((path, file));
    }
    // From here the handler only sets the flag: a Ctrl-C it took before has set it (it sets
    // the flag first), one after lets the outputs be published, never exits 130 once they
    // are (it would say "no output written").
    NO_CANCELLATION_POINTS.store(false, Ordering::SeqCst);
    if CANCEL.load(Ordering::SeqCst) {
        return Err(CliError::Interrupted);
    }
    for (path, file) in pending {
        file.commit().map_err(|e| fail(path, e))?;
    }
    Ok(())
}

pub fn emit(out: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    match out {
        Some(path) => output::write_atomic(path, bytes)
            .map_err(|e| CliError::Failure(crate::output::cannot_write(path, &e))),
        // A closed pipe (`deter run ... | head`) is not an error ([`Stdout`]).
        None => emit_with(None, |w| w.write_all(bytes)),
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
