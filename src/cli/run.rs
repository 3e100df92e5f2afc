//! `deter run`: simulate one or more scenarios and report.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::{
    CANCEL, CliError, emit, load_scenario_with_inputs, progress_bar, scenario_hash, use_color,
    validate_runs,
};
use crate::MAX_RUNS;
use crate::engine::until::{StopReason, Stopping, UntilCi};
use crate::engine::{self, Aggregate, Hooks, RunPlan};
use crate::model::Compiled;
use crate::output;
use crate::report::html::RunView;
use crate::report::{Report, RunInfo, StoppingOut, csv, html, json, table};
use crate::scenario::Scenario;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    /// Tidy long format: scenario, entity, metric, statistic, value (docs/OUTPUT.md).
    Csv,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario files (TOML). Several files run in one thread pool, one summary each.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
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
    /// What-if: set a parameter before running, checked like the same edit in the file
    /// (repeatable; paths as in policies and sweeps, docs/SCENARIO.md). Recorded in the output.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a self-contained HTML report (charts, provenance) to this file.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// In the table, also show per year the share of runs with each event in the year and
    /// by the year's end (JSON and CSV always carry them).
    #[arg(long)]
    pub yearly: bool,
    /// Also write one CSV row per (run, rivalry) to this file, in run order (atomically).
    /// One scenario file only.
    #[arg(long, value_name = "PATH")]
    pub per_run: Option<PathBuf>,
    /// Add runs in blocks of 1,000 until every headline probability's 95% Wilson
    /// half-width is at most this, or the cap is reached (docs/SWEEPS.md).
    #[arg(long, value_name = "HALF_WIDTH", conflicts_with = "per_run")]
    pub until_ci: Option<f64>,
    /// Cap on runs with --until-ci [default: --runs, or the file's scenario.runs].
    #[arg(long, requires = "until_ci")]
    pub max_runs: Option<u64>,
    /// Simulate only shard K of N (0-based: K in 0..N) of one scenario file and write a
    /// partial file for `deter merge`; `auto` reads SLURM_ARRAY_TASK_ID and
    /// SLURM_ARRAY_TASK_COUNT.
    #[arg(long, value_name = "K/N|auto", conflicts_with_all = ["format", "per_run", "report", "until_ci", "set"])]
    pub shard: Option<crate::shard::ShardSpec>,
    /// Nested Monte Carlo over parameter uncertainty: --draws parameter sets drawn from this
    /// posterior (deter calibrate's posterior.csv), --runs runs each [default 1000]; reports the
    /// mean, the 90% interval over uncertain parameters and the Monte Carlo error.
    #[arg(long, value_name = "DRAWS.csv", conflicts_with_all = ["shard", "per_run", "until_ci", "report"])]
    pub posterior: Option<PathBuf>,
    /// Parameter draws with --posterior.
    #[arg(long, default_value_t = 100, requires = "posterior")]
    pub draws: u64,
}

/// One scenario ready to run.
struct Job {
    file: PathBuf,
    scenario: Scenario,
    compiled: Compiled,
    seed: u64,
    runs: u64,
    /// The `--set` what-ifs applied to `scenario`.
    overrides: Vec<crate::scenario::overrides::Applied>,
}

/// One scenario's result.
struct Done {
    aggregate: Aggregate,
    wall: f64,
    /// How `--until-ci` stopped, when it was used.
    stopping: Option<Stopping>,
}

/// Run one scenario while writing its per-run CSV rows (`--per-run`).
fn run_with_rows(
    job: &Job,
    path: &std::path::Path,
    threads: usize,
    hooks: Hooks<'_>,
) -> Result<Result<Done, engine::Interrupted>, CliError> {
    let fail =
        |e: std::io::Error| CliError::Failure(format!("cannot write `{}`: {e}", path.display()));
    let plan = RunPlan {
        seed: job.seed,
        first: 0,
        count: job.runs,
        stream_offset: 0,
    };
    let started = Instant::now();
    let mut file = output::AtomicFile::create(path).map_err(fail)?;
    let result = {
        let mut writer = std::io::BufWriter::new(file.file());
        let result = engine::with_threads(threads, || {
            engine::run_with_rows(&job.compiled, &plan, hooks, &mut writer)
        });
        writer.flush().map_err(fail)?;
        result.map_err(fail)?
    };
    if result.is_ok() {
        file.commit().map_err(fail)?;
    }
    Ok(result.map(|aggregate| Done {
        aggregate,
        wall: started.elapsed().as_secs_f64(),
        stopping: None,
    }))
}

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    if let Some(spec) = args.shard {
        return super::shard::run_shard(args, spec);
    }
    if let Some(posterior) = &args.posterior {
        return super::uncertain::run_posterior(args, posterior);
    }
    let outputs: Vec<&PathBuf> = args
        .out
        .iter()
        .chain(&args.report)
        .chain(&args.per_run)
        .collect();
    output::check_outputs(&outputs, &args.files).map_err(CliError::Usage)?;
    if args.per_run.is_some() && args.files.len() > 1 {
        return Err(CliError::Usage(
            "--per-run takes one scenario file; run the files one at a time".into(),
        ));
    }
    let mut jobs = Vec::with_capacity(args.files.len());
    let mut diags = crate::scenario::Diagnostics::default();
    for file in &args.files {
        match load_scenario_with_inputs(file, args.horizon_years) {
            Ok((mut scenario, inputs)) => {
                let overrides = match crate::scenario::overrides::apply_texts(
                    &mut scenario,
                    &args.set,
                    &set_origin(file, args.files.len()),
                ) {
                    Ok(o) => o,
                    Err(d) => {
                        diags.0.extend(d.0);
                        continue;
                    }
                };
                // The files an `extends` chain read are inputs too.
                for out in &outputs {
                    output::check_writable(out, &inputs).map_err(CliError::Usage)?;
                }
                let runs = args.runs.unwrap_or(scenario.meta.runs);
                validate_runs(runs)?;
                let seed = args.seed.unwrap_or(scenario.meta.seed);
                let compiled = Compiled::new(&scenario);
                jobs.push(Job {
                    file: file.clone(),
                    scenario,
                    compiled,
                    seed,
                    runs,
                    overrides,
                });
            }
            Err(CliError::Input(d)) => diags.0.extend(d.0),
            Err(e) => return Err(e),
        }
    }
    if diags.has_errors() {
        return Err(CliError::Input(diags));
    }
    // Rows of one CSV are told apart by the scenario's name.
    if matches!(args.format, Format::Csv) {
        for (i, job) in jobs.iter().enumerate() {
            if let Some(first) = jobs[..i]
                .iter()
                .find(|j: &&Job| j.scenario.meta.name == job.scenario.meta.name)
            {
                return Err(CliError::Usage(format!(
                    "`{}` and `{}` are both named \"{}\": their CSV rows could not be told \
                     apart; give one another [scenario].name, or use --format json",
                    first.file.display(),
                    job.file.display(),
                    crate::scenario::printable(&job.scenario.meta.name)
                )));
            }
        }
    }
    let until_target = match args.until_ci {
        None => None,
        Some(t) if t.is_finite() && t > 0.0 && t < 0.5 => Some(t),
        Some(t) => {
            return Err(CliError::Usage(format!(
                "--until-ci {t}: expected a half-width in (0, 0.5)"
            )));
        }
    };
    if let Some(max_runs) = args.max_runs {
        if max_runs == 0 || max_runs > MAX_RUNS {
            return Err(CliError::Usage(format!(
                "--max-runs {max_runs}: expected an integer in [1, {MAX_RUNS}]"
            )));
        }
    }
    // With --until-ci, each file runs until its target or its cap (--max-runs, else its runs).
    let until_of = |job: &Job| {
        until_target.map(|target| UntilCi {
            target,
            max_runs: args.max_runs.unwrap_or(job.runs),
        })
    };
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };
    for job in &jobs {
        engine::check_memory(&job.compiled, threads)
            .map_err(|e| CliError::Usage(format!("{}: {e}", job.file.display())))?;
    }

    let bar = progress_bar(
        jobs.iter()
            .map(|j| until_of(j).map_or(j.runs, |u| u.max_runs))
            .sum(),
        args.quiet,
    );
    let tick = |n: u64| bar.inc(n);
    let hooks = Hooks {
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    // All files share one pool: their blocks interleave, so every core stays busy.
    let results: Vec<Result<Done, engine::Interrupted>> = if let Some(path) = &args.per_run {
        vec![run_with_rows(&jobs[0], path, threads, hooks)?]
    } else {
        engine::with_threads(threads, || {
            jobs.par_iter()
                .map(|job| {
                    let plan = RunPlan {
                        seed: job.seed,
                        first: 0,
                        count: job.runs,
                        stream_offset: 0,
                    };
                    let started = Instant::now();
                    let (aggregate, stopping) = match until_of(job) {
                        None => (engine::run(&job.compiled, &plan, hooks)?, None),
                        Some(u) => {
                            let (a, st) =
                                engine::until::run_until(&job.compiled, job.seed, 0, &u, hooks)?;
                            (a, Some(st))
                        }
                    };
                    Ok(Done {
                        aggregate,
                        wall: started.elapsed().as_secs_f64(),
                        stopping,
                    })
                })
                .collect()
        })
    };
    bar.finish_and_clear();
    let done: Vec<Done> = results
        .into_iter()
        .collect::<Result<_, _>>()
        .map_err(|_| CliError::Interrupted)?;

    let reports: Vec<Report> = jobs
        .iter()
        .zip(&done)
        .map(|(job, d)| {
            let info = RunInfo {
                scenario_sha256: scenario_hash(&job.scenario),
                seed: job.seed,
                wall_seconds: d.wall,
                threads,
            };
            let mut report = Report::build(&job.compiled, &d.aggregate, &info);
            report.stopping = d.stopping.as_ref().map(StoppingOut::from);
            report.overrides = job.overrides.clone();
            report
        })
        .collect();

    if let Some(path) = &args.report {
        let sources: Vec<String> = jobs.iter().map(|j| j.file.display().to_string()).collect();
        let views: Vec<RunView<'_>> = jobs
            .iter()
            .zip(&done)
            .zip(&reports)
            .zip(&sources)
            .map(|(((job, d), report), source)| RunView {
                report,
                scenario: &job.scenario,
                aggregate: &d.aggregate,
                source,
            })
            .collect();
        emit(Some(path), html::to_html(&views).as_bytes())?;
    }

    let bytes = match args.format {
        Format::Json if reports.len() == 1 => json::to_json(&reports[0]),
        Format::Json => {
            let mut out = serde_json::to_vec_pretty(&reports).expect("a Report always serialises");
            out.push(b'\n');
            out
        }
        Format::Csv => csv::to_csv(&reports.iter().collect::<Vec<_>>()),
        Format::Table => {
            let color = args.out.is_none() && use_color();
            let mut text = String::new();
            for (i, (job, report)) in jobs.iter().zip(&reports).enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                let mut t = table::to_table(report, &job.file.display().to_string(), args.yearly);
                if let Some(st) = &done[i].stopping {
                    t.push_str(&stopping_line(st));
                }
                t.push_str(&overrides_line(&job.overrides));
                text.push_str(&if color { table::colorize(&t) } else { t });
            }
            text.into_bytes()
        }
    };
    emit(args.out.as_deref(), &bytes)
}

/// Where `--set` texts come from, for diagnostics: `--set`, naming the file when several run.
fn set_origin(file: &std::path::Path, files: usize) -> String {
    if files > 1 {
        format!("--set (for {})", file.display())
    } else {
        "--set".into()
    }
}

/// One line for the table listing the `--set` what-ifs (empty without them).
pub(super) fn overrides_line(overrides: &[crate::scenario::overrides::Applied]) -> String {
    if overrides.is_empty() {
        return String::new();
    }
    let items: Vec<String> = overrides
        .iter()
        .map(|o| format!("{} = {} (file: {})", o.path, o.value, o.replaced))
        .collect();
    format!("\nWhat-ifs (--set): {}\n", items.join("; "))
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
