//! `deter sweep`: run a sweep file, stream one row per point, then a sensitivity analysis.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::{CANCEL, CliError, progress_bar};
use crate::engine;
use crate::output;
use crate::sweep::rows::{RowFormat, Rows};
use crate::sweep::runner::{self, Exec, Sink, SweepError};
use crate::sweep::{self, Design, Sweep, record};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SweepFormat {
    /// One CSV row per point, with a header.
    Csv,
    /// JSON Lines: a first line describing the sweep, then one object per point.
    Json,
}

#[derive(Args, Debug)]
#[command(
    mut_arg("runs", |a| a.help(super::flags::sweep_runs())),
    mut_arg("seed", |a| a.help(super::flags::sweep_seed())),
    mut_arg("horizon_years", |a| a.help(super::flags::sweep_horizon()))
)]
pub struct SweepArgs {
    /// Sweep file (TOML; docs/SWEEPS.md).
    pub file: PathBuf,
    /// Results file, written point by point [default: stdout, which cannot be resumed].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Format of the results [default: from the --out extension (.json, .jsonl: JSON Lines, .csv:
    /// CSV), else csv].
    #[arg(long, value_enum)]
    pub format: Option<SweepFormat>,
    /// Runs per point, seed, threads and horizon, overriding the sweep file (recorded in
    /// the JSON header's `overrides` and in the resume fingerprint).
    #[command(flatten)]
    pub sim: super::flags::SimFlags,
    /// Complete the results file left by an interrupted sweep (same file, same options).
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub until: super::flags::UntilFlags,
    /// Also write a self-contained HTML report: the design, each outcome against each
    /// parameter, the sensitivity indices as ranked bars with intervals. Not with --shard:
    /// the page of a sharded sweep is written by `deter merge PARTS --report PAGE`.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Also write every chart of the report as a standalone SVG file into this directory (of
    /// a sharded sweep: `deter merge PARTS --plots DIR`).
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// No progress bar, no sensitivity table on the terminal.
    #[arg(long, short)]
    pub quiet: bool,
    /// Simulate only shard K of N (0-based: K in 0..N) of the sweep's points x runs and
    /// write a partial file for `deter merge`; `auto` reads SLURM_ARRAY_TASK_ID and
    /// SLURM_ARRAY_TASK_COUNT. The format of the results, the page and the charts are
    /// chosen at the merge (`deter merge PARTS --format F --report PAGE --plots DIR`). Runs, seed
    /// and horizon come from the sweep file (not --runs, --seed, --horizon-years: the merge
    /// rebuilds the sweep from its file); docs/CLUSTER.md.
    #[arg(long, value_name = "K/N|auto",
          allow_hyphen_values = true, value_parser = super::parse_shard)]
    pub shard: Option<crate::shard::ShardSpec>,
    /// Also attribute every point's probabilities to the defenders' military, political and
    /// economic levels ("which level deters", region-wide columns `attribution_*`): 8x the
    /// work, so off by default (the sweep file's `attribution = true` does the same;
    /// `--no-attribution` turns the file's key off).
    #[arg(long)]
    pub attribution: bool,
}

/// SHA-256 identifying a validated sweep: the `sha256` of its partial files.
pub use crate::sweep::record::sweep_hash;

/// `results.csv` -> `results.NAME.csv` (`sensitivity`, `robustness`); results of another
/// kind keep their extension (`results.jsonl` -> `results.jsonl.NAME.csv`), so the tables of
/// a CSV and a JSON Lines sweep of one name are never written over each other.
pub fn analysis_path(out: &Path, name: &str) -> PathBuf {
    let csv = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let stem = if csv {
        out.file_stem()
    } else {
        out.file_name()
    }
    .map_or_else(
        || "results".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    out.with_file_name(format!("{stem}.{name}.csv"))
}

/// The files a sweep writes beside its results `out`: the record (`RESULTS.sweep`) and the
/// analysis of the designs that have one (`RESULTS.sensitivity.csv` after Saltelli and
/// Morris; `RESULTS.robustness.csv` and its page `RESULTS.robustness.html` after levers x
/// futures). `deter sweep --out` and `deter merge --out` of sweep shards refuse, before any
/// work, an input at any of them, as at `--out` itself.
pub fn files_beside(out: &Path, sweep: &Sweep) -> Vec<PathBuf> {
    let mut files = vec![record::path_beside(out)];
    if sweep.crossing.is_some() {
        let csv = analysis_path(out, "robustness");
        files.push(csv.with_extension("html"));
        files.push(csv);
    } else if matches!(
        sweep.design,
        sweep::DesignKind::Saltelli | sweep::DesignKind::Morris
    ) {
        files.push(analysis_path(out, "sensitivity"));
    }
    files
}

/// [`files_beside`] checked as outputs: none may be an input (the sweep file, its base and
/// `extends` chain, the policies' files, a `futures` file) or a directory. With `resume` the
/// record is the one the resume reads first (with a bound) and checks against this sweep,
/// refusing anything else in its own words: it is left to that check.
///
/// A fault is located at `--out`'s value, the name the file is derived from (as `deter
/// robust` locates its own robustness file's at the results it reads), with the file's name
/// in the message.
pub fn check_files_beside(out: Option<&Path>, sweep: &Sweep, resume: bool) -> Result<(), CliError> {
    let Some(out) = out else {
        return Ok(());
    };
    for path in files_beside(out, sweep).iter().skip(usize::from(resume)) {
        if let Some(f) = output::file_output_fault(path, "--out", &[]) {
            let beside = output::DirNameFault {
                help: format!(
                    "--out also writes `{}` beside the results; {}",
                    crate::scenario::printable(&path.display().to_string()),
                    f.help.replace("--out ", "it ")
                ),
                message: f.message,
            };
            return Err(super::dir_name_fault("--out", out, beside));
        }
    }
    Ok(())
}

/// Every file a sweep writes (the results, the files beside them: [`files_beside`], the
/// `--report` page) and the `--plots` directory, checked apart before any work: two of them
/// the same path would be written over each other (the page by the robustness table) or fail
/// after the whole sweep (`--plots` naming a file written beside the results). Refused in
/// the words of `deter robust` for such a clash. Shared by `deter sweep` and `deter merge` of
/// a sweep's shards ([`check_outputs_apart`]).
fn check_all_apart(args: &SweepArgs, sweep: &Sweep) -> Result<(), CliError> {
    check_outputs_apart(
        args.out.as_deref(),
        args.report.as_deref(),
        args.plots.as_deref(),
        sweep,
    )
}

/// [`check_all_apart`] of the results `out`, the page `report` and the charts' `plots`.
pub fn check_outputs_apart(
    out: Option<&Path>,
    report: Option<&Path>,
    plots: Option<&Path>,
    sweep: &Sweep,
) -> Result<(), CliError> {
    let mut files: Vec<PathBuf> = out.iter().map(|p| p.to_path_buf()).collect();
    if let Some(out) = out {
        files.extend(files_beside(out, sweep));
    }
    // A file --out writes beside its results, named by --report or --plots.
    for (flag, path) in [("--report", report), ("--plots", plots)] {
        if let Some(path) = path
            && files.iter().any(|f| output::same_output(f, path))
        {
            return Err(super::named_twice(
                flag,
                path,
                "--out (a file it writes beside its results)",
            ));
        }
    }
    files.extend(report.iter().map(|p| p.to_path_buf()));
    let named: Vec<&PathBuf> = files.iter().collect();
    output::check_plots_apart(plots, &named).map_err(CliError::Usage)
}

impl SweepArgs {
    /// The format of the results: `--format`, else the `--out` extension (`.json`, `.jsonl`,
    /// `.ndjson` -> JSON Lines, `.csv` -> CSV), else CSV. As for `run`, `compare` and `merge`, an `--out` whose
    /// extension contradicts an explicit `--format`, and an `--out x.html` (the page is
    /// `--report`), are refused before any work, so the rows never land in a file a program
    /// would parse as something else.
    pub fn results_format(&self) -> Result<SweepFormat, CliError> {
        let asked = self.format.map(|f| match f {
            SweepFormat::Csv => RowFormat::Csv,
            SweepFormat::Json => RowFormat::Json,
        });
        match rows_format(self.out.as_deref(), asked)? {
            RowFormat::Csv => Ok(SweepFormat::Csv),
            RowFormat::Json => Ok(SweepFormat::Json),
        }
    }
}

/// The format of a sweep's rows written to `out` (None: standard output) as `asked`
/// (`--format`), by the one rule of [`RowFormat::of_results`]; a contradiction is every
/// flag's fault, at `--out`'s value. `deter sweep` and `deter merge` of a sweep's shards.
pub fn rows_format(out: Option<&Path>, asked: Option<RowFormat>) -> Result<RowFormat, CliError> {
    RowFormat::of_results(out, asked, crate::sweep::rows::Caller::Cli).map_err(|f| {
        let shown = out.unwrap_or(Path::new("")).display().to_string();
        super::FlagFault {
            help: f.help,
            ..super::FlagFault::new("--out", &shown, f.message)
        }
        .into()
    })
}

pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    refuse_pairs(args)?;
    super::refuse_pipes([&args.file])?;
    let outputs: Vec<&PathBuf> = args.out.iter().chain(&args.report).collect();
    super::refuse_named_twice(
        &[
            ("--out", args.out.as_deref()),
            ("--report", args.report.as_deref()),
            ("--plots", args.plots.as_deref()),
        ],
        std::slice::from_ref(&args.file),
        Some("--out"),
    )?;
    output::check_outputs(&outputs, std::slice::from_ref(&args.file)).map_err(CliError::Usage)?;
    output::check_plots_apart(args.plots.as_deref(), &outputs).map_err(CliError::Usage)?;
    // The record beside the results (sweep::record) is written too: the page may not take
    // its name. (What is there now is read by --resume first, with a bound.)
    if let (Some(out), Some(report)) = (&args.out, &args.report)
        && output::same_output(&record::path_beside(out), report)
    {
        return Err(super::named_twice(
            "--report",
            report,
            "--out (the record it keeps beside its results)",
        ));
    }
    super::flags::check_named_format(
        "--report",
        args.report.as_deref(),
        super::flags::Writes::Page,
    )?;
    // A shard writes its partial file (JSON), not results: said before the results' format.
    if args.shard.is_some() {
        super::flags::check_partial_name(args.out.as_deref())?;
    }
    let results_format = args.results_format()?;
    if let Some(dir) = &args.plots {
        output::check_output_dir(dir, "--plots")
            .map_err(|f| super::dir_name_fault("--plots", dir, f))?;
    }
    // The warnings are checked against the horizon actually run (`--horizon-years`).
    let horizon_flag = crate::settings::GivenHorizon::in_range(
        args.sim.horizon_years,
        crate::settings::Caller::Cli,
    );
    super::validate::refuse_other_kind(&args.file, "sweep", "sweep")?;
    let sweep = sweep::spec::load_sweep_at(&args.file, horizon_flag).map_err(CliError::Input)?;
    // The charts beside any input: the sweep file, its base scenario, the policies' files.
    let mut inputs = vec![args.file.clone(), sweep.base_path.clone()];
    inputs.extend(sweep::horizon_scenarios(&sweep, &args.file));
    super::flags::warn_plots_beside(args.plots.as_deref(), &inputs);
    // The base scenario, its `extends` chain and the policies' files are inputs too: no
    // output (results or page) may replace one.
    if let Some(out) = &args.out {
        super::results_file_fault("--out", out, &[])?;
    }
    if let Some(report) = &args.report {
        super::output_file_fault("--report", report, &[])?;
    }
    for out in &outputs {
        output::check_writable(out, &[]).map_err(CliError::Usage)?;
    }
    // `--resume` onto results that do not exist yet starts afresh (a job array's requeued
    // task runs the same command whether or not its first attempt began): said below.
    let resume_from_nothing = args.resume && args.out.as_ref().is_some_and(|o| !o.exists());
    if args.shard.is_none() {
        // A resume of results that exist reads their record first (a fresh start writes it).
        let resuming = args.resume && args.out.as_ref().is_some_and(|o| o.exists());
        check_files_beside(args.out.as_deref(), &sweep, resuming)?;
        check_all_apart(args, &sweep)?;
    }
    if let Some(dir) = &args.plots {
        output::check_plots_name(dir).map_err(|f| super::dir_name_fault("--plots", dir, f))?;
    }
    for w in &sweep.warnings {
        note_raw!("{w}");
    }
    // --runs, --seed, --horizon-years replace the file's; then threads and stopping.
    let mut sweep = sweep;
    sweep.attribution |= args.attribution;
    let settings = crate::settings::Settings {
        runs: args.sim.runs,
        seed: args.sim.seed,
        threads: args.sim.threads.threads,
        horizon_years: args.sim.horizon_years,
        until_ci: args.until.until_ci,
        max_runs: args.until.max_runs,
        // Sweeps attribute only when asked (`--attribution`, `attribution = true`);
        // `--no-attribution` overrides the file's `attribution = true`.
        no_attribution: args.sim.no_attribution,
    };
    let resolved = settings
        .resolve_sweep(&mut sweep, crate::sweep::rows::Caller::Cli)
        .map_err(|e| CliError::Usage(e.0))?;
    // The base scenario, and a levers x futures sweep's policy scenarios (`file = ...`),
    // are run at the horizon of the flag: each one's warnings at it, each warning once.
    // (The base's warnings at the flag's horizon are the sweep's own, printed above.)
    if let Some(h) = horizon_flag {
        let scenarios = sweep::horizon_scenarios(&sweep, &args.file);
        horizon_warnings(&scenarios, h, &sweep.warnings);
    }
    let until = resolved.until;
    let sweep = sweep;
    let design = Design::new(&sweep);
    let stride = runner::stride(&sweep, until.as_ref());
    runner::check_work(&design, stride).map_err(CliError::Usage)?;
    if args.shard.is_none() {
        check_plots(args, &sweep)?;
    }
    let format = match results_format {
        SweepFormat::Csv => RowFormat::Csv,
        SweepFormat::Json => RowFormat::Json,
    };
    let rows = Rows::new(format, &sweep, until.is_some());
    // What a results file holds before its first point finishes.
    let header_len = rows.header(&sweep).len() as u64;
    let threads = resolved.threads;
    // Tallies in flight: about one open point per thread, and the merged ones.
    // The largest point's: a policy's scenario may be larger than the base.
    runner::check_memory(
        &sweep,
        runner::tally_sets(&design, stride, threads),
        engine::driver::stacks(threads),
    )
    .map_err(|e| CliError::Usage(format!("{}: {e}", args.file.display())))?;
    if let Some(spec) = args.shard {
        return super::shard::sweep_shard(args, spec, &sweep, &design, threads);
    }

    // What the rows depend on; a resume must match it (kept beside the results, with the
    // sweep's plan and whether it finished: sweep::record).
    let fingerprint = record::fingerprint(&sweep, until.as_ref(), format);
    let plan = record::Record::new(
        &sweep,
        &design,
        stride,
        until.is_some(),
        &rows.header(&sweep),
        &args.file,
        record::resume_args(
            args.format.map(|f| match f {
                SweepFormat::Csv => "csv",
                SweepFormat::Json => "json",
            }),
            &settings,
            args.attribution,
        ),
    );
    // The results file, locked until this function returns (sweep::runner::Results).
    let (mut results, mut sink, start, outputs) = match &args.out {
        Some(out) => {
            let (results, file, start, outputs) = runner::Results::open(
                out,
                &args.file,
                args.resume,
                crate::sweep::rows::Caller::Cli,
                (&sweep, &design, &rows),
                fingerprint,
                plan,
            )
            .map_err(sweep_error)?;
            (Some(results), Sink::File(file), start, outputs)
        }
        None => {
            say_raw!("{}", rows.header(&sweep));
            (None, Sink::Stdout, 0, Vec::new())
        }
    };
    if resume_from_nothing && !args.quiet {
        note!(
            "deter: --resume: `{}` does not exist yet, so the sweep starts from its first point",
            args.out.as_deref().unwrap_or(Path::new("")).display()
        );
    }
    if start > 0 && !args.quiet {
        note!(
            "deter: resuming {}: {} of {} already done",
            args.file.display(),
            crate::report::table::thousands(start),
            crate::report::table::count(design.n, "point", "points")
        );
    }

    let bar = progress_bar((design.n - start) * stride, args.quiet);
    let tick = |n: u64| bar.inc(n);
    let exec = Exec {
        rows,
        until,
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    let started = Instant::now();
    let result = engine::with_threads(threads, || {
        runner::run_sweep(&sweep, &design, start, outputs, &mut sink, &exec)
    });
    bar.finish_and_clear();
    if matches!(result, Err(SweepError::Closed)) {
        return Ok(());
    }
    // The command that completes the results, with the page and charts asked for (the
    // record's command alone left them out: run as told, the resumed sweep wrote neither).
    let resume_command = |r: &runner::Results| {
        let mut c = r.resume_command();
        for (flag, path) in [("--report", &args.report), ("--plots", &args.plots)] {
            if let Some(p) = path {
                c.push_str(&format!(" {flag} {}", crate::sweep::record::shell_path(p)));
            }
        }
        c
    };
    let outputs = result.map_err(|e| match (e, &args.out, &results) {
        (SweepError::Interrupted, _, None) => {
            CliError::InterruptedPartial("the rows printed so far are complete".into())
        }
        // Stopped before any point finished: the file holds its header and nothing else (it
        // said "the finished points are in `FILE`" of a file without one).
        (SweepError::Interrupted, Some(out), Some(r))
            if std::fs::metadata(out).is_ok_and(|m| m.len() <= header_len) =>
        {
            CliError::InterruptedPartial(format!(
                "no point finished: `{}` holds only its header; run `{}` to run the sweep",
                out.display(),
                resume_command(r)
            ))
        }
        (SweepError::Interrupted, Some(out), Some(r)) => CliError::InterruptedPartial(format!(
            "the finished points are in `{}`; run `{}` to complete it",
            out.display(),
            resume_command(r)
        )),
        // A full disk, a lost mount: the file named as every output that cannot be written
        // ("cannot write `PATH`: ..."), and the finished points kept for a resume, as after
        // Ctrl-C (it said "error: No space left on device (os error 28)", no file, no way on).
        (SweepError::Io(m), Some(out), Some(r)) => CliError::Failure(format!(
            "{}; the finished points are kept: once it can be written, run `{}` to complete it",
            crate::output::cannot_write(out, m),
            resume_command(r)
        )),
        (SweepError::Io(m), _, None) => CliError::Failure(crate::output::cannot_write_stdout(&m)),
        (other, _, _) => sweep_error(other),
    })?;
    if let (Some(r), Some(out)) = (&mut results, &args.out) {
        // Every row is written, but the record could not say so (a disk full by the last
        // row): it still says `running`, and `--resume` completes it, as after any failed
        // write of the results.
        r.complete().map_err(|e| match e {
            SweepError::Io(m) => CliError::Failure(format!(
                "{m}; every point's row is in `{}`: once the record can be written, run `{}` \
                 to complete it",
                out.display(),
                resume_command(r)
            )),
            other => sweep_error(other),
        })?;
    }
    let wall = started.elapsed().as_secs_f64();
    if !args.quiet {
        use crate::report::table::count;
        note!(
            "deter: {} x {}{} ({} design, seed {}) in {wall:.1} s on {}",
            count(design.n, "point", "points"),
            if until.is_some() { "up to " } else { "" },
            count(stride, "run", "runs"),
            sweep.design.as_str(),
            sweep.seed,
            count(threads as u64, "thread", "threads")
        );
        if until.is_some() {
            note!(
                "  (--until-ci watched, in each point, {})",
                crate::engine::until::WATCHED
            );
        }
    }

    if args.report.is_some() || args.plots.is_some() {
        // Under --until-ci the points' run counts differ: each point's own is in `outputs`.
        let view = crate::report::sweep::SweepView {
            sweep: &sweep,
            design: &design,
            outputs: &outputs,
        };
        write_report(&view, args.report.as_deref(), args.plots.as_deref())?;
    }
    let tail = sensitivity_tail(&sweep, &design, &outputs, args.out.as_deref(), args.quiet);
    drop(results);
    tail
}

/// `--plots DIR` before any work: every chart file [`write_report`] would write, checked as
/// an output with the sweep's other outputs (exit 2), not after the whole sweep. Which charts
/// a sweep has depends on its design and parameters, never on the rows
/// ([`crate::report::sweep::chart_stems`]).
fn check_plots(args: &SweepArgs, sweep: &Sweep) -> Result<(), CliError> {
    check_plot_files(
        args.out.as_deref(),
        args.report.as_deref(),
        args.plots.as_deref(),
        sweep,
    )
}

/// [`check_plots`] of the results `out`, the page `report` and the charts' `plots`: shared
/// by `deter sweep` and `deter merge` of a sweep's shards.
pub fn check_plot_files(
    out: Option<&Path>,
    report: Option<&Path>,
    plots: Option<&Path>,
    sweep: &Sweep,
) -> Result<(), CliError> {
    let Some(dir) = plots.filter(|d| d.is_dir()) else {
        return Ok(());
    };
    let mut outputs: Vec<PathBuf> = out.iter().map(|p| p.to_path_buf()).collect();
    if let Some(out) = out {
        outputs.extend(files_beside(out, sweep));
    }
    outputs.extend(report.iter().map(|p| p.to_path_buf()));
    for stem in crate::report::sweep::chart_stems(sweep) {
        let path = dir.join(format!("{stem}.svg"));
        super::chart_fault(dir, &path)?;
        output::check_writable(&path, &[]).map_err(CliError::Usage)?;
        if outputs.iter().any(|o| output::same_output(o, &path)) {
            return Err(super::chart_named_twice(dir, &path));
        }
    }
    Ok(())
}

/// `--report PAGE.html` and `--plots DIR` of a finished sweep (`deter sweep`, and `deter
/// merge` of its shards).
pub fn write_report(
    view: &crate::report::sweep::SweepView<'_>,
    report: Option<&Path>,
    plots: Option<&Path>,
) -> Result<(), CliError> {
    use crate::report::sweep;
    // Each chart drawn once, for the page and the chart files alike.
    let drawn = sweep::charts(view);
    if let Some(dir) = plots {
        // The charts first: one that cannot be written leaves the page unwritten, and the
        // fault says so, as in `deter run|compare|merge --report --plots`.
        let fault = |e: CliError| match report {
            Some(page) => super::page_not_written(e, page),
            None => e,
        };
        std::fs::create_dir_all(dir)
            .map_err(|e| fault(CliError::Failure(crate::output::cannot_write(dir, &e))))?;
        let charts: Vec<(std::path::PathBuf, &str)> = drawn
            .iter()
            .map(|(stem, _, _, svg)| (dir.join(format!("{stem}.svg")), svg.as_str()))
            .collect();
        // Every path checked before the first chart is written (as `deter run --plots`).
        for (path, _) in &charts {
            super::chart_fault(dir, path)
                .and_then(|()| output::check_writable(path, &[]).map_err(CliError::Usage))
                .map_err(fault)?;
        }
        for (path, svg) in &charts {
            super::emit(Some(path), svg.as_bytes()).map_err(fault)?;
        }
    }
    if let Some(path) = report {
        super::emit(Some(path), sweep::to_html(view, &drawn).as_bytes())?;
    }
    Ok(())
}

/// Saltelli and Morris designs: the ranked sensitivity table, saved beside the results
/// (`results.sensitivity.csv`) and shown unless `quiet`. Shared by `deter sweep` and
/// `deter merge`.
pub fn sensitivity_tail(
    sweep: &Sweep,
    design: &Design,
    outputs: &[runner::PointOutput],
    out: Option<&Path>,
    quiet: bool,
) -> Result<(), CliError> {
    if let Some(report) = sweep::sensitivity(sweep, design, outputs) {
        match out {
            Some(out) => {
                let path = analysis_path(out, report.name);
                output::write_atomic(&path, report.csv.as_bytes())
                    .map_err(|e| CliError::Failure(crate::output::cannot_write(&path, &e)))?;
                let mut page = None;
                if let Some(html) = &report.html {
                    let p = path.with_extension("html");
                    output::write_atomic(&p, html.as_bytes())
                        .map_err(|e| CliError::Failure(crate::output::cannot_write(&p, &e)))?;
                    page = Some(p);
                }
                if !quiet {
                    say_raw!("{}", report.table);
                    // Every file written is named (the page was not).
                    match page {
                        Some(page) => note!(
                            "deter: {} table saved to `{}`, its page to `{}`",
                            report.name,
                            path.display(),
                            page.display()
                        ),
                        None => {
                            note!("deter: {} table saved to `{}`", report.name, path.display())
                        }
                    }
                }
            }
            None => {
                if !quiet {
                    note_raw!("{}", report.table);
                }
            }
        }
    }
    Ok(())
}

/// The pairs of flags `deter sweep` does not take together, each refused at the refused
/// flag's value ([`super::refuse_beside`]) before anything is read or written: `--attribution`
/// with `--no-attribution`, and with `--shard` what a shard does not take (`--runs`, `--seed`,
/// `--horizon-years`: `deter merge` rebuilds the sweep from its file and checks it by hash
/// against the shards, so what the shards ran must be what the file says; `--until-ci`,
/// `--max-runs`, the outputs the merge writes, `--resume`).
fn refuse_pairs(args: &SweepArgs) -> Result<(), CliError> {
    args.until.refuse_cap_alone()?;
    args.until.note_unused_runs(args.sim.runs, args.quiet);
    super::refuse_alone(
        super::switch(args.resume, "--resume"),
        "--out",
        args.out.is_some(),
        "--resume completes the results file of an interrupted sweep: give --out with that \
         file (standard output cannot be resumed)",
    )?;
    super::refuse_beside(
        "--attribution",
        &[super::switch(
            args.attribution && args.sim.no_attribution,
            "--no-attribution",
        )],
        "--attribution turns the attribution on and --no-attribution turns it off, whatever \
         the sweep file's `attribution` says; give one of them",
    )?;
    if args.shard.is_none() {
        return Ok(());
    }
    super::refuse_beside(
        "--shard",
        &[
            ("--runs", args.sim.runs.map(|n| n.to_string())),
            ("--seed", args.sim.seed.map(|n| n.to_string())),
            (
                "--horizon-years",
                args.sim.horizon_years.map(|n| n.to_string()),
            ),
        ],
        "`deter merge` rebuilds the sweep from its file and checks every shard against it, so \
         a shard runs the sweep file's own `runs`, `seed` and base horizon; write them into \
         the sweep file (or a copy of it: `runs = N`, `seed = S`, the base scenario's \
         `horizon_years`) and shard that (docs/CLUSTER.md)",
    )?;
    super::refuse_beside(
        "--shard",
        &[
            ("--until-ci", args.until.until_ci.map(|x| x.to_string())),
            ("--max-runs", args.until.max_runs.map(|x| x.to_string())),
        ],
        "every shard must run the same fixed number of runs for `deter merge` to add them \
         up, and --until-ci stops each at its own count; give the sweep file's `runs` (or \
         run the sweep unsharded with --until-ci)",
    )?;
    super::refuse_beside(
        "--shard",
        &super::outputs_given(args.format, args.report.as_deref(), args.plots.as_deref()),
        "a shard writes only its partial file (--out); give --format, --report and --plots \
         to `deter merge PARTS`, which writes the results of the whole sweep, its page and \
         its charts (`deter merge PARTS --out RESULTS --report PAGE`, docs/CLUSTER.md)",
    )?;
    super::refuse_beside(
        "--shard",
        &[super::switch(args.resume, "--resume")],
        "a shard is not resumed: it writes one partial file, atomically, or nothing; run an \
         interrupted shard again with the same --shard K/N",
    )?;
    match args.shard {
        Some(spec) => super::shard::refuse_terminal(args.out.as_deref(), spec),
        None => Ok(()),
    }
}

fn sweep_error(e: SweepError) -> CliError {
    match e {
        SweepError::Interrupted => CliError::Interrupted,
        SweepError::Io(m) => CliError::Failure(m),
        // Located at --out, or at the overriding flag that differs from the results'.
        SweepError::Resume(f) => super::FlagFault {
            help: f.help,
            ..super::FlagFault::new(f.flag, &f.value, f.message)
        }
        .into(),
        SweepError::Refused(m) => CliError::Usage(m),
        SweepError::Cell(d) => CliError::Input(crate::scenario::Diagnostics(vec![*d])),
        SweepError::Closed => CliError::Failure("output closed".into()),
    }
}

/// The warnings that `--horizon-years H` brings to scenario files ([`sweep::horizon_warnings`]).
fn horizon_warnings(
    scenarios: &[PathBuf],
    horizon: crate::settings::GivenHorizon,
    said: &[crate::scenario::Diagnostic],
) {
    let said: Vec<String> = said.iter().map(|d| d.to_string()).collect();
    for w in sweep::horizon_warnings(scenarios, horizon, &said) {
        note_raw!("{w}");
    }
}
