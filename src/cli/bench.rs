//! `deter bench`: how fast the engine runs a scenario on this machine, next to its RNG floor.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::{CANCEL, CliError, emit, load_scenario};
use crate::engine::{self, Hooks, RunPlan, floor};
use crate::model::Compiled;
use crate::report::table;
use crate::scenario;

/// The bundled baseline, benchmarked when no file is given.
const BASELINE: &str = include_str!("../../scenarios/western-balkans-2024.toml");
const BASELINE_NAME: &str = "scenarios/western-balkans-2024.toml, bundled";

/// Most repetitions of one measurement (`--repeat`).
const MAX_REPEAT: u64 = 1_000;

/// `--repeat`: 1 to [`MAX_REPEAT`].
const REPEAT: super::IntRange = super::IntRange {
    flag: "--repeat",
    min: 1,
    max: MAX_REPEAT,
};
/// `--sweep-points`: 1 to [`crate::MAX_RUNS`].
const SWEEP_POINTS: super::IntRange = super::IntRange {
    flag: "--sweep-points",
    ..super::RUNS
};
/// `--runs-per-point`: 1 to [`crate::MAX_RUNS`].
const RUNS_PER_POINT: super::IntRange = super::IntRange {
    flag: "--runs-per-point",
    ..super::RUNS
};

/// Runs whose draws are counted to size the RNG floor.
const COUNT_RUNS: u64 = 2_000;

/// Runs between two looks at the Ctrl-C flag in the loops bench times itself (the RNG floor,
/// a sweep point): a few milliseconds of work, so Ctrl-C stops `deter bench` as promptly as
/// the engine's own runs, at no measurable cost to the timing.
const CANCEL_CHECK_RUNS: u64 = 4_096;

/// Whether Ctrl-C (or SIGTERM) has asked the command to stop.
fn cancelled() -> bool {
    CANCEL.load(std::sync::atomic::Ordering::Relaxed)
}

/// `0..runs` in blocks of at most [`CANCEL_CHECK_RUNS`]: (first, count) of each block.
fn blocks(runs: u64) -> impl Iterator<Item = (u64, u64)> {
    (0..runs)
        .step_by(CANCEL_CHECK_RUNS as usize)
        .map(move |first| (first, CANCEL_CHECK_RUNS.min(runs - first)))
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Scenario file (TOML) [default: the bundled Western Balkans 2024 baseline].
    pub file: Option<PathBuf>,
    // Runs per measurement (help: the range from `RUNS`).
    #[arg(long, default_value_t = 100_000, allow_negative_numbers = true,
          help = super::RUNS.help("Runs per measurement", ""),
          value_parser = super::RUNS.parser::<u64>())]
    pub runs: u64,
    // Repetitions of each measurement (help: the range from `REPEAT`).
    #[arg(long, default_value_t = 3, allow_negative_numbers = true,
          help = REPEAT.help("Repetitions of each measurement", "; the fastest is reported"),
          value_parser = REPEAT.parser::<u32>())]
    pub repeat: u32,
    // Master seed (help: the range from `SEED`).
    #[arg(long, allow_negative_numbers = true,
          help = super::SEED.help("Master seed", " [default: the file's scenario.seed]"),
          value_parser = super::parse_seed)]
    pub seed: Option<u64>,
    /// Threads of the parallel measurement (`--threads`, shared with every command that
    /// simulates and resolved by the settings layer).
    #[command(flatten)]
    pub threads: super::flags::ThreadsFlag,
    // Instead: time a sweep of this many points on 1 thread (per point: clone the scenario,
    // set the first rivalry's monitoring, compile, simulate) and report the share of time
    // spent outside simulation.
    #[arg(long, allow_negative_numbers = true,
          help = SWEEP_POINTS.help(
              "Instead: time a sweep of this many points on 1 thread (per point: clone the \
               scenario, set the first rivalry's monitoring, compile, simulate) and report the \
               share of time spent outside simulation",
              "; --runs-per-point sets its runs (--runs, --repeat and --threads do not apply)",
          ),
          value_parser = SWEEP_POINTS.parser::<u64>(),
          // It times its own points on 1 thread: these flags were ignored without a word.
          conflicts_with_all = ["runs", "repeat", "threads"])]
    pub sweep_points: Option<u64>,
    // Runs per sweep point (with --sweep-points; 100 if not given). Given alone it was
    // ignored without a word (clap's `requires` did not refuse it): refused in `bench`.
    #[arg(long, allow_negative_numbers = true,
          help = RUNS_PER_POINT.help("Runs per sweep point", " (with --sweep-points) [default: 100]"),
          value_parser = RUNS_PER_POINT.parser::<u64>())]
    pub runs_per_point: Option<u64>,
}

impl BenchArgs {
    /// Runs per sweep point: `--runs-per-point`, else 100.
    fn runs_per_point(&self) -> u64 {
        self.runs_per_point.unwrap_or(100)
    }
}

/// One measurement: the best wall time of `repeat` tries, in seconds.
fn best_of(repeat: u32, mut f: impl FnMut() -> Result<(), CliError>) -> Result<f64, CliError> {
    let mut best = f64::INFINITY;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        f()?;
        best = best.min(t.elapsed().as_secs_f64());
    }
    Ok(best)
}

pub fn bench(args: &BenchArgs) -> Result<(), CliError> {
    // Before any of our own work raises it.
    let load_before = load_average();
    super::refuse_pipes(&args.file)?;
    if let (Some(n), None) = (args.runs_per_point, args.sweep_points) {
        return Err(super::combination_fault(
            "--runs-per-point",
            &n.to_string(),
            "expected --runs-per-point only with --sweep-points",
            "--runs-per-point sets the runs of each point of --sweep-points; a plain bench \
             takes --runs",
        ));
    }
    crate::settings::check_runs("--runs", args.runs).map_err(|e| CliError::Usage(e.0))?;
    let (scenario, name) = match &args.file {
        Some(f) => {
            super::validate::refuse_other_kind(f, "scenario", "bench")?;
            (load_scenario(f, None)?, f.display().to_string())
        }
        None => (
            scenario::parse_str(BASELINE, "western-balkans-2024.toml").map_err(CliError::Input)?,
            BASELINE_NAME.to_string(),
        ),
    };
    let seed = args.seed.unwrap_or(scenario.meta.seed);
    let threads = crate::settings::resolve_threads(args.threads.threads);
    // The memory guard of every command that simulates, before any work: the unpruned
    // engine's tallies are the largest (one worker per thread and the merged ones; the sweep
    // overhead measurement has one worker).
    let (workers, runs) = match args.sweep_points {
        Some(_) => (1, args.runs_per_point()),
        None => (threads, args.runs),
    };
    // Before compiling: the worlds it allocates grow with the square of the countries.
    engine::check_scenario_memory_as(
        &scenario,
        false,
        engine::driver::sets(workers, runs),
        engine::driver::stacks(workers),
    )
    .map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
    let unpruned = Compiled::unpruned(&scenario);
    engine::check_memory(&unpruned, workers, runs)
        .map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
    if let Some(points) = args.sweep_points {
        return sweep_overhead(&scenario, &name, seed, points, args.runs_per_point());
    }
    let compiled = Compiled::new(&scenario);
    let pruned = engine::relevance::Relevance::all_outputs(&scenario).summary();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runs = args.runs;
    let plan = RunPlan {
        seed,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    let hooks = Hooks {
        cancel: Some(&CANCEL),
        progress: None,
    };

    let counted = COUNT_RUNS.min(runs);
    let counts = floor::count_draws(&compiled, seed, counted);
    let work = floor::FloorWork::new(&compiled, &counts, counted);
    let per = |x: u64| x as f64 / counted as f64;

    let floor_s = best_of(args.repeat, || {
        let mut acc = 0.0;
        for (first, count) in blocks(runs) {
            if cancelled() {
                return Err(CliError::Interrupted);
            }
            for i in first..first + count {
                acc += work.run(seed, i);
            }
        }
        std::hint::black_box(acc);
        Ok(())
    })?;
    let engine_at = |t: usize| {
        best_of(args.repeat, || {
            engine::with_threads(t, || engine::run(&compiled, &plan, hooks))
                .map(|a| {
                    std::hint::black_box(a);
                })
                .map_err(|_| CliError::Interrupted)
        })
    };
    let one = engine_at(1)?;
    // On one thread the parallel measurement is the one-thread measurement: timing it
    // again would only report noise as a speedup (and an efficiency above 100%).
    let all = if threads == 1 {
        one
    } else {
        engine_at(threads)?
    };
    let full = best_of(args.repeat, || {
        engine::with_threads(1, || engine::run(&unpruned, &plan, hooks))
            .map(|a| {
                std::hint::black_box(a);
            })
            .map_err(|_| CliError::Interrupted)
    })?;

    let ns = |s: f64| s * 1e9 / runs as f64;
    let rate = |s: f64| table::thousands((runs as f64 / s).round() as u64);
    let profile = if cfg!(debug_assertions) {
        "debug (debug assertions on: build with --release for real numbers)"
    } else {
        "release"
    };
    let mut out = String::new();
    out += &format!("deter bench: {} ({name})\n", scenario.meta.name);
    out += &format!(
        "machine: {} available, {} {}, build profile {profile}, deter {}\n",
        table::count(cores as u64, "logical core", "logical cores"),
        std::env::consts::ARCH,
        std::env::consts::OS,
        crate::ENGINE_VERSION
    );
    out += &format!(
        "{} x {} per measurement, seed {seed}, best of {}\n",
        table::count(runs, "run", "runs"),
        table::count(compiled.steps() as u64, "step", "steps"),
        args.repeat.max(1)
    );
    out += &format!("relevance: {pruned} (what can influence an output)\n");
    out += &format!(
        "draws per run that can affect an output (the floor's; mean of {}): {} normals, {} uniforms, {} Beta from {} process streams; {} u64 words from the generators\n\n",
        table::count(counted, "run", "runs"),
        table::thousands_decimal(per(counts.normals), 1),
        table::thousands_decimal(per(counts.uniforms), 1),
        table::thousands_decimal(per(counts.betas), 2),
        table::thousands_decimal(per(counts.streams), 1),
        table::thousands_decimal(per(counts.words), 1),
    );
    out += &format!(
        "{:<24} {:>12} {:>14} {:>10}\n",
        "", "ns/run", "runs/s", "x floor"
    );
    out += &format!(
        "{:<24} {:>12.0} {:>14} {:>10.2}\n",
        "RNG floor, 1 thread",
        ns(floor_s),
        rate(floor_s),
        1.0
    );
    out += &format!(
        "{:<24} {:>12.0} {:>14} {:>10.2}\n",
        "engine, 1 thread",
        ns(one),
        rate(one),
        one / floor_s
    );
    out += &format!(
        "{:<24} {:>12.0} {:>14} {:>10.2}\n",
        "engine unpruned, 1 thr.",
        ns(full),
        rate(full),
        full / floor_s
    );
    // On one thread the parallel row would repeat the first engine row.
    if threads > 1 {
        out += &format!(
            "{:<24} {:>12.0} {:>14} {:>10}\n",
            format!(
                "engine, {}",
                table::count(threads as u64, "thread", "threads")
            ),
            ns(all),
            rate(all),
            "-"
        );
    }
    out += &format!("\nspeedup from pruning (1 thread): {:.2}x\n", full / one);
    if threads == 1 {
        out += "speedup 1 -> 1 thread: 1.00x (one thread: no parallel measurement)\n";
    } else {
        out += &format!(
            "speedup 1 -> {threads} threads: {:.2}x (parallel efficiency {:.0}%)\n",
            one / all,
            100.0 * one / all / threads as f64
        );
    }
    // A Ctrl-C in the last measurement's final moments: no table, as everywhere else.
    if cancelled() {
        return Err(CliError::Interrupted);
    }
    out += "Timings are wall clock and include other load on the machine; BENCHMARKS.md has the method.\n";
    if let Some(load) = load_before
        && load >= 0.5
    {
        out += &format!(
            "note: the machine's load average was {load:.2} on {} before the measurements: other work shared the cores, so these timings are not reliable (instruction counts are: BENCHMARKS.md)\n",
            table::count(cores as u64, "logical core", "logical cores")
        );
    }
    emit(None, out.as_bytes())
}

/// Time a one-thread sweep: per point, everything a sweep must do besides simulating
/// (clone, set one parameter, compile, allocate a worker) and the simulation itself.
fn sweep_overhead(
    scenario: &scenario::Scenario,
    name: &str,
    seed: u64,
    points: u64,
    runs: u64,
) -> Result<(), CliError> {
    use crate::engine::Worker;
    use crate::scenario::ParamRef;
    let Some(rivalry) = scenario.rivalries.first() else {
        return Err(CliError::Usage(
            "--sweep-points needs a scenario with a rivalry".into(),
        ));
    };
    let path = format!("rivalry.{}.monitoring", rivalry.id);
    let target = ParamRef::resolve(&path, scenario)
        .map_err(|e| CliError::Failure(format!("{path}: {e}")))?;
    let mut inside = std::time::Duration::ZERO;
    let started = Instant::now();
    let mut total_runs = 0u64;
    for p in 0..points {
        if cancelled() {
            return Err(CliError::Interrupted);
        }
        let mut s = scenario.clone();
        let value = (p as f64 + 0.5) / points as f64;
        s.set(target, value).map_err(CliError::Failure)?;
        let compiled = Compiled::new(&s);
        let mut worker = Worker::new(&compiled);
        let plan = RunPlan {
            seed,
            first: 0,
            count: runs,
            stream_offset: p * runs,
        };
        let t = Instant::now();
        for (first, count) in blocks(runs) {
            if cancelled() {
                return Err(CliError::Interrupted);
            }
            worker.run_range(&compiled, &plan, first, count);
        }
        inside += t.elapsed();
        total_runs += worker.aggregate.runs;
        std::hint::black_box(&worker.aggregate);
    }
    if cancelled() {
        return Err(CliError::Interrupted);
    }
    let total = started.elapsed().as_secs_f64();
    let inside = inside.as_secs_f64();
    let outside = total - inside;
    let mut out = String::new();
    out += &format!(
        "deter bench --sweep-points: {} ({name})\n",
        scenario.meta.name
    );
    out += &format!(
        "{} x {} = {} on 1 thread, varying {path}\n",
        table::count(points, "point", "points"),
        table::count(runs, "run", "runs"),
        table::count(total_runs, "run", "runs"),
    );
    out += &format!(
        "total {total:.3} s; simulation {inside:.3} s; outside simulation {outside:.3} s = {:.2}% ({:.1} us per point)\n",
        100.0 * outside / total,
        outside * 1e6 / points.max(1) as f64
    );
    emit(None, out.as_bytes())
}

/// The one-minute load average (Linux's /proc/loadavg, first field), or None where the system
/// does not give it: the share of the cores other work took while a measurement ran.
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
