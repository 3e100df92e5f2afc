//! `deter run`: simulate one scenario and report.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::{CANCEL, CliError, emit, load_scenario, progress_bar, scenario_hash};
use crate::engine::until::{StopReason, Stopping, UntilCi};
use crate::engine::{self, Hooks, RunPlan};
use crate::model::Compiled;
use crate::report::{Report, RunInfo, StoppingOut, json, table};
use crate::{MAX_RUNS, output};

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
    /// Worker threads; 0 = all cores (at most 1024). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = super::parse_threads)]
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
    /// Also write one CSV row per (run, rivalry) to this file, in run order (atomically).
    #[arg(long, value_name = "PATH")]
    pub per_run: Option<PathBuf>,
    /// Add runs in blocks of 1,000 until every headline probability's 95% Wilson
    /// half-width is at most this, or the cap is reached (docs/SWEEPS.md).
    #[arg(long, value_name = "HALF_WIDTH", conflicts_with = "per_run")]
    pub until_ci: Option<f64>,
    /// Cap on runs with --until-ci [default: --runs, or the file's scenario.runs].
    #[arg(long, requires = "until_ci")]
    pub max_runs: Option<u64>,
}

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    for out in args.out.iter().chain(&args.per_run) {
        output::check_writable(out, std::slice::from_ref(&args.file)).map_err(CliError::Usage)?;
    }
    let scenario = load_scenario(&args.file, args.horizon_years)?;
    let runs = args.runs.unwrap_or(scenario.meta.runs);
    if runs == 0 || runs > MAX_RUNS {
        return Err(CliError::Usage(format!(
            "--runs {runs}: expected an integer in [1, {MAX_RUNS}]"
        )));
    }
    let until = match args.until_ci {
        None => None,
        Some(t) if t.is_finite() && t > 0.0 && t < 0.5 => {
            let max_runs = args.max_runs.unwrap_or(runs);
            if max_runs == 0 || max_runs > MAX_RUNS {
                return Err(CliError::Usage(format!(
                    "--max-runs {max_runs}: expected an integer in [1, {MAX_RUNS}]"
                )));
            }
            Some(UntilCi {
                target: t,
                max_runs,
            })
        }
        Some(t) => {
            return Err(CliError::Usage(format!(
                "--until-ci {t}: expected a half-width in (0, 0.5)"
            )));
        }
    };
    let seed = args.seed.unwrap_or(scenario.meta.seed);
    let compiled = Compiled::new(&scenario);
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };

    let bar = progress_bar(until.map_or(runs, |u| u.max_runs), args.quiet);
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
    let result = match (&args.per_run, &until) {
        (None, None) => engine::with_threads(threads, || engine::run(&compiled, &plan, hooks))
            .map(|a| (a, None)),
        (None, Some(u)) => engine::with_threads(threads, || {
            engine::until::run_until(&compiled, seed, 0, u, hooks)
        })
        .map(|(a, s)| (a, Some(s))),
        (Some(path), _) => {
            let fail = |e: std::io::Error| {
                CliError::Failure(format!("cannot write `{}`: {e}", path.display()))
            };
            let mut file = output::AtomicFile::create(path).map_err(fail)?;
            let result = {
                let mut writer = std::io::BufWriter::new(file.file());
                let result = engine::with_threads(threads, || {
                    engine::run_with_rows(&compiled, &plan, hooks, &mut writer)
                });
                writer.flush().map_err(fail)?;
                result.map_err(fail)?
            };
            if result.is_ok() {
                file.commit().map_err(fail)?;
            }
            result.map(|a| (a, None))
        }
    };
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let (aggregate, stopping) = result.map_err(|_| CliError::Interrupted)?;

    let info = RunInfo {
        scenario_sha256: scenario_hash(&scenario),
        seed,
        wall_seconds: wall,
        threads,
    };
    let mut report = Report::build(&compiled, &aggregate, &info);
    report.stopping = stopping.as_ref().map(StoppingOut::from);
    let bytes = match args.format {
        Format::Json => json::to_json(&report),
        Format::Table => {
            let mut text = table::to_table(&report, &args.file.display().to_string());
            if let Some(s) = &stopping {
                text.push_str(&stopping_line(s));
            }
            text.into_bytes()
        }
    };
    emit(args.out.as_deref(), &bytes)
}

/// One line for the table: how many runs `--until-ci` took and why it stopped.
fn stopping_line(s: &Stopping) -> String {
    let why = match s.reason {
        StopReason::TargetReached => format!(
            "every headline 95% half-width <= {} (widest: {} at {:.4})",
            s.target, s.widest, s.widest_half_width
        ),
        StopReason::MaxRuns => format!(
            "reached --max-runs {} before the target {} (widest: {} at {:.4})",
            s.max_runs, s.target, s.widest, s.widest_half_width
        ),
    };
    format!(
        "\nAdaptive stopping: {} runs in blocks of {}; stopped because {why}\n",
        s.runs, s.block
    )
}
