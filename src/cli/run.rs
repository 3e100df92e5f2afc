//! `deter run`: simulate one or more scenarios and report.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::{CANCEL, CliError, progress_bar, scenario_hash, use_color};
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
    /// Tidy long format: file, scenario, entity, metric, statistic, value (docs/OUTPUT.md).
    Csv,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario files (TOML). Several files run in one thread pool, one summary each.
    #[arg(required_unless_present = "files_from")]
    pub files: Vec<PathBuf>,
    /// Also run the scenario files listed in this file, one path a line, after those given
    /// as arguments (white space around a path trimmed; blank lines and lines starting with
    /// `#` skipped; relative paths from the current directory, as on the command line). For
    /// lists longer than the system allows on a command line.
    #[arg(long, value_name = "LIST")]
    pub files_from: Option<PathBuf>,
    #[command(flatten)]
    pub sim: super::flags::SimFlags,
    /// What-if: set a parameter before running, checked like the same edit in the file
    /// (repeatable; paths as in policies and sweeps, docs/SCENARIO.md). Recorded in the output.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub output: super::flags::OutputFlags,
    /// In the table, also show per year the share of runs with each event in the year and
    /// by the year's end (JSON and CSV always carry them). Not with nested Monte Carlo.
    #[arg(long)]
    pub yearly: bool,
    /// Also write one CSV row per (run, rivalry) to this file, in run order (atomically).
    /// One scenario file only; not with --until-ci.
    #[arg(long, value_name = "PATH")]
    pub per_run: Option<PathBuf>,
    #[command(flatten)]
    pub until: super::flags::UntilFlags,
    /// Simulate only shard K of N (0-based: K in 0..N) of one scenario file and write a
    /// partial file for `deter merge`; `auto` reads SLURM_ARRAY_TASK_ID and
    /// SLURM_ARRAY_TASK_COUNT. Not with --set (the merge rebuilds the scenario from its
    /// file's text: shard an edited copy); docs/CLUSTER.md.
    #[arg(long, value_name = "K/N|auto",
          allow_hyphen_values = true, value_parser = super::parse_shard)]
    pub shard: Option<crate::shard::ShardSpec>,
    /// With --shard: also carry this shard's per-run rows in its partial file, so that
    /// `deter merge PARTS --per-run PATH` writes the per-run CSV of the whole run (byte for
    /// byte `deter run --per-run PATH`); the file grows by about 110 bytes per run and rivalry.
    #[arg(long)]
    pub per_run_rows: bool,
    /// Nested Monte Carlo over parameter uncertainty: --draws parameter sets drawn from this
    /// posterior (deter calibrate's posterior.csv) and from the scenario's [[uncertain]] priors,
    /// --runs runs each [default 1000]; reports the mean, the 90% interval over uncertain
    /// parameters, the Monte Carlo error and the parametric share of variance.
    #[arg(long, value_name = "DRAWS.csv")]
    pub posterior: Option<PathBuf>,
    // Parameter draws of a nested run (help: the range from `DRAWS`).
    #[arg(long, allow_negative_numbers = true,
          help = super::DRAWS.help("Parameter draws of a nested run (--posterior or [[uncertain]] priors)", " [default 100]"),
          value_parser = super::DRAWS.parser::<u64>())]
    pub draws: Option<u64>,
}

/// The tallies of one window of files run at once (pass 2 of [`run`]).
#[derive(Default)]
struct WindowMemory {
    /// Files added (the window's last ones in file order).
    files: usize,
    /// Sum of their tally sets' estimated bytes.
    bytes: u64,
    /// Sum over the files of a set's bytes times the sets the file takes.
    all: u64,
}

impl WindowMemory {
    /// A file whose set of tallies takes `bytes`, `sets` of them ([`engine::driver::sets`]).
    fn add(&mut self, bytes: u64, sets: u64) {
        self.files += 1;
        self.bytes = self.bytes.saturating_add(bytes);
        self.all = self.all.saturating_add(bytes.saturating_mul(sets));
    }

    /// Refuse a window whose files' tallies (for each file, one set per thread given its
    /// runs and a merged one: the files run at once on the same workers) exceed the memory
    /// limit. A window of one file is `prepare`'s check.
    /// `threads`: the pool's, whose stacks the ceiling leaves room for.
    fn check(&self, files: &[PathBuf], threads: usize) -> Result<(), String> {
        if files.len() < 2 {
            return Ok(());
        }
        let all = self.all;
        let ceiling = engine::driver::ceiling(engine::driver::stacks(threads));
        if all <= ceiling.bytes {
            return Ok(());
        }
        let gb = |b: u64| b as f64 / (1u64 << 30) as f64;
        let names = files
            .iter()
            .map(|f| format!("`{}`", f.display()))
            .collect::<Vec<_>>()
            .join(", ");
        Err(format!(
            "{names}: these {} files run at once (files run --threads at a time, each on every \
             thread): their tallies, run records and worlds need about {:.1} GiB in all ({:.1} GiB \
             for one set of each; for each file one set per thread given runs, at most one per \
             block of {} runs, and the merged ones), over {}: use fewer --threads, or run \
             the large files one at a time{}",
            files.len(),
            gb(all),
            gb(self.bytes),
            engine::BLOCK_RUNS,
            ceiling.describe(),
            ceiling.hint(),
        ))
    }
}

/// One scenario ready to run.
struct Job {
    file: PathBuf,
    scenario: Scenario,
    compiled: Compiled,
    seed: u64,
    runs: u64,
    /// Adaptive stopping for this file (its cap is --max-runs, else its runs).
    until: Option<UntilCi>,
    /// The `--set` what-ifs applied to `scenario`.
    overrides: Vec<crate::scenario::overrides::Applied>,
}

impl Job {
    /// Runs to budget for: the cap under adaptive stopping.
    fn max_runs(&self) -> u64 {
        self.until.map_or(self.runs, |u| u.max_runs)
    }
}

/// One scenario's result.
struct Done {
    aggregate: Aggregate,
    wall: f64,
    /// How `--until-ci` stopped, when it was used.
    stopping: Option<Stopping>,
}

/// Load, override and check one file: every setting resolved, the memory guard passed.
/// `warn`: print the file's validation warnings (the first of the two passes does).
fn prepare(
    args: &RunArgs,
    file: &Path,
    outputs: &[&PathBuf],
    until_target: Option<f64>,
    threads: usize,
    warn: bool,
) -> Result<Job, CliError> {
    super::validate::refuse_other_kind(file, "scenario", "run")?;
    let origin = set_origin(file, args.files.len());
    let (scenario, inputs, overrides) = super::load_with_sets(
        file,
        args.sim.horizon_years,
        &[(&args.set, &origin, "--set")],
        warn,
    )?;
    // The files an `extends` chain read are inputs too.
    for (flag, out) in [
        ("--out", &args.output.out),
        ("--report", &args.output.report),
        ("--per-run", &args.per_run),
    ] {
        if let Some(out) = out {
            super::output_file_fault(flag, out, &inputs)?;
        }
    }
    for out in outputs {
        output::check_writable(out, &inputs).map_err(CliError::Usage)?;
    }
    let settings = crate::settings::Settings {
        runs: args.sim.runs,
        seed: args.sim.seed,
        threads,
        horizon_years: None,
        until_ci: until_target,
        max_runs: args.until.max_runs,
        no_attribution: args.sim.no_attribution,
    };
    let resolved = settings
        .resolve_as(&scenario, crate::settings::Caller::Cli)
        .map_err(|e| CliError::Usage(e.0))?;
    let at_once = engine::at_once(resolved.runs, resolved.until.as_ref());
    let refused = |e| CliError::Usage(format!("{}: {e}", file.display()));
    // Before compiling: the worlds it allocates grow with the square of the countries.
    engine::check_memory_before(&scenario, !settings.no_attribution, threads, at_once)
        .map_err(refused)?;
    let compiled = settings.attributed(Compiled::new(&scenario));
    engine::check_memory(&compiled, threads, at_once).map_err(refused)?;
    Ok(Job {
        file: file.to_path_buf(),
        scenario,
        compiled,
        seed: resolved.seed,
        runs: resolved.runs,
        until: resolved.until,
        overrides,
    })
}

/// Run one scenario while writing its per-run CSV rows (`--per-run`).
fn run_with_rows(
    job: &Job,
    path: &std::path::Path,
    hooks: Hooks<'_>,
) -> Result<Result<Done, engine::Interrupted>, CliError> {
    let fail = |e: std::io::Error| CliError::Failure(crate::output::cannot_write(path, &e));
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
        let result = engine::run_with_rows(&job.compiled, &plan, hooks, &mut writer);
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

/// Simulate one scenario (all its runs, or until its adaptive target).
fn simulate(job: &Job, hooks: Hooks<'_>) -> Result<Done, engine::Interrupted> {
    let started = Instant::now();
    let (aggregate, stopping) = match job.until {
        None => {
            let plan = RunPlan {
                seed: job.seed,
                first: 0,
                count: job.runs,
                stream_offset: 0,
            };
            (engine::run(&job.compiled, &plan, hooks)?, None)
        }
        Some(u) => {
            let (a, st) = engine::until::run_until(&job.compiled, job.seed, 0, &u, hooks)?;
            (a, Some(st))
        }
    };
    Ok(Done {
        aggregate,
        wall: started.elapsed().as_secs_f64(),
        stopping,
    })
}

/// Where results go: `--out` (atomically, committed at the end) or stdout (as they come).
/// The temporary file is created at the first write of a result (a prelude such as JSON's
/// `[` or the CSV header is held until then), so a run killed, or aborted by an allocation
/// failure (which unwinds nothing), before it has any result leaves nothing behind.
struct Sink {
    path: Option<PathBuf>,
    file: Option<output::AtomicFile>,
    /// Prelude bytes not written yet (see [`Sink::prelude`]).
    held: Vec<u8>,
}

impl Sink {
    fn new(out: Option<&Path>) -> Self {
        Self {
            path: out.map(Path::to_path_buf),
            file: None,
            held: Vec::new(),
        }
    }

    /// Bytes that precede the results: written with the first result, not before.
    fn prelude(&mut self, bytes: &[u8]) {
        self.held.extend_from_slice(bytes);
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.write_with(|w| w.write_all(bytes))
    }

    /// Write a result by `write`, which streams it through a small buffer
    /// ([`super::WRITE_BUFFER`]) to the file or stdout, after the prelude still held: a
    /// result is never held whole.
    fn write_with(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), CliError> {
        let held = std::mem::take(&mut self.held);
        let Some(path) = &self.path else {
            return super::emit_with(None, |w| {
                w.write_all(&held)?;
                write(w)
            });
        };
        let fail = |e: std::io::Error| CliError::Failure(crate::output::cannot_write(path, &e));
        if self.file.is_none() {
            self.file = Some(output::AtomicFile::create(path).map_err(fail)?);
        }
        let file = self.file.as_mut().expect("created above");
        let mut w = std::io::BufWriter::with_capacity(super::WRITE_BUFFER, file.file());
        w.write_all(&held)
            .and_then(|()| write(&mut w))
            .and_then(|()| w.flush())
            .map_err(fail)
    }

    fn commit(mut self) -> Result<(), CliError> {
        if !self.held.is_empty() || (self.path.is_some() && self.file.is_none()) {
            self.write(b"")?;
        }
        match (self.file, &self.path) {
            (Some(f), Some(path)) => f
                .commit()
                .map_err(|e| CliError::Failure(crate::output::cannot_write(path, &e))),
            _ => Ok(()),
        }
    }
}

/// What `--files-from` lists say in file-level messages (read by the input core, so a list
/// that cannot be read or decoded gets the message a scenario file would).
const FILE_LIST: crate::scenario::input::FileKind = crate::scenario::input::FileKind {
    noun: "file list",
    max_bytes: 256 << 20,
    minimum: "one scenario file path a line",
};

/// Append the paths of `--files-from LIST` to `args.files` (see [`RunArgs::files_from`]).
/// Errors (exit 2): the list cannot be read or is not UTF-8 text (the input core's
/// messages, with the list's name), or it lists no path and no file was given as arguments.
pub fn read_files_from(args: &mut RunArgs) -> Result<(), CliError> {
    let Some(list) = &args.files_from else {
        return Ok(());
    };
    let name = list.display().to_string();
    let text =
        crate::scenario::input::read_text(list, &name, FILE_LIST).map_err(CliError::Input)?;
    super::validate::refuse_as_file_list(list)?;
    // A listed path that cannot be read (missing, a directory, a pipe or device, no
    // permission) is reported at its line of the list, every one of them in one message,
    // before any file is read: its own message named only the path, and came one kind of
    // fault at a time (the missing files, then the pipes, then the rest).
    let mut inp = crate::scenario::input::Input::new(&name, &text);
    let mut at = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim();
        if !line.is_empty() && !line.starts_with('#') {
            if let Some((message, help)) = unreadable_entry(line) {
                let start = at + (raw.len() - raw.trim_start().len());
                let d = inp.error(start..start + line.len(), "", message);
                d.help = help;
            } else {
                args.files.push(PathBuf::from(line));
            }
        }
        at += raw.len();
    }
    let diags = inp.finish();
    if !diags.0.is_empty() {
        return Err(CliError::Input(diags));
    }
    if args.files.is_empty() {
        // Nothing but blank lines and comments: the words of every input kind.
        let what = if text.trim().is_empty() {
            "is empty"
        } else {
            "holds only comments"
        };
        let d = crate::scenario::Diagnostic::file_level(&name, format!("the file {what}"))
            .with_help(Some(
                "a --files-from list holds one scenario file path a line (blank lines and \
                 lines starting with # are skipped)"
                    .into(),
            ));
        return Err(CliError::Input(crate::scenario::Diagnostics(vec![d])));
    }
    args.files.shrink_to_fit();
    Ok(())
}

/// Why the scenario file `line` of a `--files-from` list cannot be run, if it cannot: what
/// reading it would say (`cannot read file `PATH`: REASON`, a directory's too), or that it is
/// not a regular file ([`super::refuse_pipes`]' words), with a help where one helps. A pipe
/// or device is never opened (a FIFO would block).
fn unreadable_entry(line: &str) -> Option<(String, Option<String>)> {
    use std::io::Read;
    let path = Path::new(line);
    let cannot = |e: std::io::Error| format!("cannot read file `{line}`: {e}");
    match std::fs::metadata(path) {
        Err(e) => {
            let help =
                (e.kind() == std::io::ErrorKind::NotFound && path.is_relative()).then(|| {
                    format!(
                        "a relative path in a --files-from list is read from the current directory \
                     (`{}`), as on the command line",
                        std::env::current_dir()
                            .map_or_else(|_| ".".into(), |d| d.display().to_string())
                    )
                });
            Some((cannot(e), help))
        }
        Ok(m) if m.is_dir() => {
            // Reading a directory fails in the system's words ("Is a directory").
            let e = std::fs::File::open(path)
                .and_then(|mut f| f.read(&mut [0u8; 1]).map(|_| ()))
                .err()?;
            Some((cannot(e), None))
        }
        Ok(m) if !m.is_file() => Some((
            format!(
                "`{line}` is not a regular file (a pipe, `<(...)` or a device): deter reads its \
                 input files more than once"
            ),
            Some("save it to a file first and give that file".into()),
        )),
        Ok(_) => std::fs::File::open(path).err().map(|e| (cannot(e), None)),
    }
}

/// The pairs of flags `deter run` does not take together, and the flags given without the one
/// they need, each refused at the refused flag's value ([`super::refuse_beside`],
/// [`super::refuse_alone`]), before anything is read or written.
fn refuse_pairs(args: &RunArgs) -> Result<(), CliError> {
    args.until.refuse_cap_alone()?;
    args.until
        .note_unused_runs(args.sim.runs, args.output.quiet);
    super::refuse_alone(
        super::switch(args.per_run_rows, "--per-run-rows"),
        "--shard",
        args.shard.is_some(),
        "--per-run-rows carries a shard's per-run rows in its partial file, for `deter merge \
         PARTS --per-run PATH`; without --shard, give --per-run PATH",
    )?;
    if args.per_run.is_some() {
        super::refuse_beside(
            "--per-run",
            &[("--until-ci", args.until.until_ci.map(|x| x.to_string()))],
            "the per-run file has one row per run of a number of runs fixed in advance, and \
             --until-ci decides the number as it goes; run with --until-ci first, then with \
             --runs set to the runs it reports and --per-run",
        )?;
    }
    if args.shard.is_some() {
        super::refuse_beside(
            "--shard",
            &args.output.given_beside_shard(),
            "a shard writes only its partial file (--out); give --format, --report and \
             --plots to `deter merge PARTS`, which writes the results of the whole run \
             (docs/CLUSTER.md)",
        )?;
    }
    Ok(())
}

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    refuse_pairs(args)?;
    super::refuse_pipes(&args.files)?;
    if let Some(spec) = args.shard {
        super::refuse_beside(
            "--shard",
            &[("--until-ci", args.until.until_ci.map(|x| x.to_string()))],
            "every shard must run the same fixed number of runs for `deter merge` to add \
             them up, and --until-ci stops each at its own count; give --runs (or run \
             unsharded with --until-ci)",
        )?;
        super::shard::refuse_terminal(args.output.out.as_deref(), spec)?;
        // A nested run's shard: a block of its parameter draws x runs.
        if super::uncertain::wants_nested(args) {
            return super::uncertain::run_nested_shard(args, spec);
        }
        return super::shard::run_shard(args, spec);
    }
    if super::uncertain::wants_nested(args) {
        return super::uncertain::run_nested(args);
    }
    let outputs: Vec<&PathBuf> = args
        .output
        .out
        .iter()
        .chain(&args.output.report)
        .chain(&args.per_run)
        .collect();
    super::refuse_named_twice(
        &[
            ("--out", args.output.out.as_deref()),
            ("--report", args.output.report.as_deref()),
            ("--per-run", args.per_run.as_deref()),
            ("--plots", args.output.plots.as_deref()),
        ],
        &args.files,
        None,
    )?;
    output::check_outputs(&outputs, &args.files).map_err(CliError::Usage)?;
    output::check_plots_apart(args.output.plots.as_deref(), &outputs).map_err(CliError::Usage)?;
    args.output.check_extension()?;
    super::flags::check_named_format(
        "--per-run",
        args.per_run.as_deref(),
        super::flags::Writes::Rows,
    )?;
    args.output.warn_plots_beside(&args.files);
    if let (Some(path), true) = (&args.per_run, args.files.len() > 1) {
        return Err(super::one_file_fault(
            "--per-run",
            &path.display().to_string(),
            "for its per-run rows",
            &args.files,
            "write each file's rows separately: `deter run FILE --per-run ROWS.csv` for each \
             file",
        ));
    }
    let until_target = match args.until.until_ci {
        None => None,
        Some(t) => Some(
            crate::settings::check_until_ci(t, crate::settings::Caller::Cli)
                .map_err(|e| CliError::Usage(e.0))?,
        ),
    };
    if let Some(m) = args.until.max_runs {
        crate::settings::check_runs("--max-runs", m).map_err(|e| CliError::Usage(e.0))?;
    }
    let threads = crate::settings::resolve_threads(args.sim.threads.threads);

    // Pass 1: check every file before running any (all problems at once); keep nothing but
    // the runs to budget for, so that thousands of files take no more memory than a few.
    let mut diags = crate::scenario::Diagnostics::default();
    let mut total = 0u64;
    // Rows of one CSV are told apart by the `file` column (scenario names may repeat). Only
    // a hash of each path is kept (memory must not grow with the files); a match is
    // confirmed on the paths.
    let mut seen: std::collections::HashMap<u64, usize> = Default::default();
    let path_hash = |path: &Path| {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(path)
    };
    // Pass 2 runs `window` files at once, each on every worker with its own tallies: the
    // memory guard checks what a window holds at once (each file alone is checked in
    // `prepare`), here, before any work.
    let window = threads.max(1);
    let mut in_window = WindowMemory::default();
    for (i, file) in args.files.iter().enumerate() {
        match prepare(args, file, &outputs, until_target, threads, true) {
            Ok(job) => {
                // The chart files of --plots, checked with every other output before any
                // work: which charts an article has depends on its scenario, not on the
                // runs, so the article of no runs names them all.
                if let Some(dir) = &args.output.plots {
                    let info = RunInfo {
                        scenario_sha256: String::new(),
                        seed: job.seed,
                        wall_seconds: 0.0,
                        threads,
                        policies: crate::report::PolicyOut::of(&job.scenario),
                    };
                    let none = engine::Aggregate::new(&job.compiled);
                    let mut report = Report::build(&job.compiled, &none, &info);
                    report.overrides = job.overrides.clone();
                    let source = job.file.display().to_string();
                    let view = RunView {
                        report: &report,
                        scenario: &job.scenario,
                        source: &source,
                    };
                    super::check_plots_with(
                        dir,
                        &mut |w| html::write_article(w, &view, i),
                        &outputs,
                    )?;
                }
                total = total.saturating_add(job.max_runs());
                in_window.add(
                    engine::set_bytes(&job.compiled),
                    engine::driver::sets(threads, engine::at_once(job.runs, job.until.as_ref())),
                );
                if ((i + 1) % window == 0 || i + 1 == args.files.len()) && !diags.has_errors() {
                    in_window
                        .check(&args.files[i + 1 - in_window.files..=i], threads)
                        .map_err(CliError::Usage)?;
                    in_window = WindowMemory::default();
                }
                if matches!(args.output.format(), Format::Csv) {
                    let h = path_hash(file);
                    if seen.get(&h).is_some_and(|&j| args.files[j] == *file) {
                        // Located at the file, as every argument's fault.
                        let shown = file.display().to_string();
                        return Err(super::FlagFault {
                            help: Some("give each file once, or use --format json".into()),
                            ..super::FlagFault::new(
                                "FILES",
                                &shown,
                                format!(
                                    "expected each file once with --format csv, found `{shown}` \
                                     given twice: its CSV rows could not be told apart"
                                ),
                            )
                        }
                        .into());
                    }
                    seen.insert(h, i);
                }
            }
            Err(CliError::Input(d)) => diags.0.extend(d.0),
            Err(e) => return Err(e),
        }
    }
    if diags.has_errors() {
        return Err(CliError::Input(diags));
    }
    // The duplicate check is done: free its table (16 bytes and more a file) before the runs.
    drop(seen);
    if args.output.plots.is_some() {
        // The chart names were checked on a set of empty tallies per file, freed on this
        // thread: its pages back to the system before the run's threads take theirs.
        engine::release_freed_memory();
    }

    let bar = progress_bar(total, args.output.quiet);
    let tick = |n: u64| bar.inc(n);
    let hooks = Hooks {
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    let color = args.output.out.is_none() && use_color();
    let many = args.files.len() > 1;
    let mut sink = Sink::new(args.output.out.as_deref());
    let mut page = args.output.report.as_deref().map(|p| Sink::new(Some(p)));
    // The charts of --plots, published with the other outputs at the end: a Ctrl-C between
    // two windows of files leaves none of the first files' charts.
    let mut held = output::HeldFiles::default();
    // Pass 2: files in windows of `threads`, each window's files in parallel on one pool
    // (their blocks interleave, so every core stays busy); results written in file order as
    // each window ends. Memory is bounded by the window, whatever the number of files.
    // The pool's start-up is part of the first files' elapsed time (they wait for it), not
    // seen by their own clocks: added to their wall time, so the header's seconds and runs/s
    // are the truth even on many threads (`--threads 1024` took 1.5 s to start and said
    // "0.00 s").
    let result = engine::with_threads_timed(threads, |startup, used| -> Result<(), CliError> {
        match args.output.format() {
            Format::Json if many => sink.prelude(b"[\n"),
            Format::Csv => sink.prelude(&csv::header()),
            _ => {}
        }
        for (w, files) in args.files.chunks(window).enumerate() {
            let jobs = files
                .iter()
                .map(|f| prepare(args, f, &outputs, until_target, threads, false))
                .collect::<Result<Vec<Job>, CliError>>()?;
            let done: Vec<Done> = if let Some(path) = &args.per_run {
                vec![run_with_rows(&jobs[0], path, hooks)?.map_err(|_| CliError::Interrupted)?]
            } else {
                jobs.par_iter()
                    .map(|job| simulate(job, hooks))
                    .collect::<Result<_, _>>()
                    .map_err(|_| CliError::Interrupted)?
            };
            for (j, (job, d)) in jobs.iter().zip(&done).enumerate() {
                let i = w * window + j;
                let info = RunInfo {
                    scenario_sha256: scenario_hash(&job.scenario),
                    seed: job.seed,
                    wall_seconds: d.wall + if w == 0 { startup } else { 0.0 },
                    threads: used,
                    policies: crate::report::PolicyOut::of(&job.scenario),
                };
                let mut report = Report::build(&job.compiled, &d.aggregate, &info);
                report.timing.threads_asked = (used != threads).then_some(threads);
                report.stopping = d.stopping.as_ref().map(StoppingOut::from);
                report.overrides = job.overrides.clone();
                if page.is_some() || args.output.plots.is_some() {
                    let source = job.file.display().to_string();
                    let view = RunView {
                        report: &report,
                        scenario: &job.scenario,
                        source: &source,
                    };
                    if let Some(page) = &mut page
                        && i == 0
                    {
                        let first = Some(report.scenario.as_str());
                        page.write(html::page_start(args.files.len(), first).as_bytes())?;
                    }
                    let mut article = |w: &mut dyn Write| html::write_article(w, &view, i);
                    match (&args.output.plots, &mut page) {
                        // The charts are cut from the article as it is written, one part
                        // at a time, never held whole; each drawn once for both.
                        (Some(dir), Some(page)) => {
                            let mut write =
                                |a: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>| {
                                    page.write_with(a)
                                };
                            let page = args
                                .output
                                .report
                                .as_deref()
                                .map(|path| (path, &mut write as super::Page<'_>));
                            super::write_plots_with(dir, &mut article, page, Some(&mut held))?
                        }
                        (Some(dir), None) => {
                            super::write_plots_with(dir, &mut article, None, Some(&mut held))?
                        }
                        (None, Some(page)) => page.write_with(article)?,
                        (None, None) => {}
                    }
                }
                // JSON and CSV are streamed from the report to the output, never held
                // whole; the table (a few lines per rivalry) is built as text.
                let file = job.file.display().to_string();
                let bytes = match args.output.format() {
                    Format::Json if !many => {
                        sink.write_with(|w| json::write_json(w, &report))?;
                        continue;
                    }
                    Format::Json => {
                        sink.write_with(|w| {
                            if i > 0 {
                                w.write_all(b",\n")?;
                            }
                            json::write_json_element(w, &report)
                        })?;
                        continue;
                    }
                    Format::Csv => {
                        sink.write_with(|w| csv::write_report_rows(w, &file, &report))?;
                        continue;
                    }
                    Format::Table => {
                        let mut t =
                            table::to_table(&report, &job.file.display().to_string(), args.yearly);
                        if let Some(st) = &d.stopping {
                            t.push_str(&stopping_line(st, false));
                        }
                        let t = if color { table::colorize(&t) } else { t };
                        let sep = if i > 0 { "\n" } else { "" };
                        format!("{sep}{t}").into_bytes()
                    }
                };
                sink.write(&bytes)?;
            }
        }
        if matches!(args.output.format(), Format::Json) && many {
            sink.write(b"\n]\n")?;
        }
        Ok(())
    });
    bar.finish_and_clear();
    result?;
    // The charts before the page, which is written after its last chart or not at all.
    held.commit()
        .map_err(|(path, e)| CliError::Failure(crate::output::cannot_write(&path, &e)))?;
    if let Some(mut page) = page {
        page.write(html::PAGE_END.as_bytes())?;
        page.commit()?;
    }
    sink.commit()
}

/// Where `--set` texts come from, for diagnostics: `--set`, naming the file when several run.
pub(super) fn set_origin(file: &std::path::Path, files: usize) -> String {
    if files > 1 {
        format!("--set (for {})", file.display())
    } else {
        "--set".into()
    }
}

/// One line for the table: how many runs `--until-ci` took and why it stopped.
/// The table's line on adaptive stopping; `paired`: the half-widths are of the paired
/// intervals of B - A (`compare`).
pub(super) fn stopping_line(s: &Stopping, paired: bool) -> String {
    let what = if paired {
        "paired 95% half-width of B - A"
    } else {
        "95% half-width"
    };
    // `widest` is the event's key (JSON, CSV); people read its name.
    let widest = crate::outputs::EVENTS
        .iter()
        .find(|e| e.key == s.widest)
        .map_or(s.widest, |e| e.name());
    let why = match s.reason {
        StopReason::TargetReached => format!(
            "every headline {what} <= {} (widest: {widest} at {:.4})",
            s.target, s.widest_half_width
        ),
        StopReason::MaxRuns => format!(
            // The cap is --max-runs, or --runs, or the file's runs: name what it is, not a
            // flag the user may not have given.
            "it reached the cap of {} (--max-runs; by default --runs, else the file's runs) \
             before every headline {what} was <= {} (widest: {widest} at {:.4})",
            super::super::report::table::count(s.max_runs, "run", "runs"),
            s.target,
            s.widest_half_width
        ),
    };
    format!(
        "\nAdaptive stopping: {} in blocks of {}; stopped because {why}\n  (--until-ci watched {})\n",
        super::super::report::table::count(s.runs, "run", "runs"),
        super::super::report::table::thousands(s.block),
        s.watched
    )
}
