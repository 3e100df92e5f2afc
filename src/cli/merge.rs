//! `deter merge PARTS...`: check that partial files are exactly the shards of one
//! invocation, merge their aggregates exactly, and report as the unsharded run would.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, Format, emit, scenario_hash, use_color};
use crate::engine::Aggregate;
use crate::model::Compiled;
use crate::output;
use crate::report::html::RunView;
use crate::report::table::count;
use crate::report::{Report, csv, html, json, table};
use crate::scenario::{self, Scenario};
use crate::shard::partial::Overrides;
use crate::shard::{self, Kind, Named};
use crate::sweep::rows::{RowFormat, Rows};
use crate::sweep::runner::{self, point_scenario};
use crate::sweep::{self, Design, Sweep};

use super::sweep::sweep_hash;

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Partial files written by `deter run FILE --shard K/N --out PART` or `deter sweep FILE
    /// --shard K/N --out PART`: every shard, once, in any order.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    #[command(flatten)]
    pub output: super::flags::OutputFlags,
    /// The scenario file the shards ran, if it is no longer at the path they recorded (its
    /// validated content must be the same: checked by hash).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// The sweep file the shards ran (`deter sweep FILE --shard K/N`), if it is no longer at
    /// the path they recorded (checked by hash, with its base scenario).
    #[arg(long, value_name = "FILE")]
    pub sweep: Option<PathBuf>,
    /// In the table, also show per year the share of runs with each event in the year and
    /// by the year's end.
    #[arg(long)]
    pub yearly: bool,
    /// Also write the per-run CSV of the merged run to this file (atomically), byte for byte
    /// `deter run --per-run PATH` of the unsharded run: the shards must carry their rows
    /// (`deter run FILE --shard K/N --per-run-rows`). Run shards only.
    #[arg(long, value_name = "PATH")]
    pub per_run: Option<PathBuf>,
}

/// A fault found merging: a file's in the layout of every file kind's (`FILE: error: KEY:
/// PROBLEM`), the set's as a usage error.
fn merge_fault(e: shard::MergeError) -> CliError {
    match e {
        shard::MergeError::File(d) => CliError::Input(crate::scenario::Diagnostics(vec![*d])),
        shard::MergeError::Set(m) => CliError::Usage(m),
        shard::MergeError::Interrupted => CliError::Interrupted,
    }
}

pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    if args.scenario.is_some() {
        super::refuse_beside(
            "--scenario",
            &[(
                "--sweep",
                args.sweep.as_ref().map(|p| p.display().to_string()),
            )],
            "the partial files come from one scenario's shards (give --scenario) or one \
             sweep's (give --sweep, whose base scenario is found from the sweep file)",
        )?;
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
        &args.parts,
        Some("--out"),
    )?;
    output::check_outputs(&outputs, &args.parts).map_err(CliError::Usage)?;
    output::check_plots_apart(args.output.plots.as_deref(), &outputs).map_err(CliError::Usage)?;
    refuse_part_given_twice(&args.parts)?;
    let mut files = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        crate::output::note_input(path);
        let part =
            shard::read_part(path, files.first(), Some(&super::CANCEL)).map_err(|e| match e {
                shard::ReadError::Interrupted => CliError::Interrupted,
                // Unreadable or too large: the message of every input kind.
                shard::ReadError::Io { file, message } => {
                    CliError::Input(crate::scenario::Diagnostics(vec![
                        crate::scenario::Diagnostic::file_level(&file, message),
                    ]))
                }
                shard::ReadError::Syntax(d) | shard::ReadError::Invalid(d) => {
                    // Another kind of file given as a part (a scenario, a results file): what it
                    // is, as every command says it.
                    super::validate::other_kind_of_output(
                        path,
                        "a partial file",
                        "deter merge",
                        "partial files, written by `deter run|sweep FILE --shard K/N --out PART` \
                     (docs/CLUSTER.md)",
                    )
                    .map_or_else(
                        || CliError::Input(crate::scenario::Diagnostics(vec![*d])),
                        CliError::Input,
                    )
                }
            })?;
        files.push(part);
        stop_if_interrupted()?;
    }
    let files = shard::check_complete(files).map_err(merge_fault)?;
    let first = &files[0];
    let header = first.header.clone();
    if header.kind == Kind::Sweep {
        if args.per_run.is_some() {
            return Err(CliError::Usage(format!(
                "`{}`: these are shards of a `deter sweep`; --per-run applies to `deter run` \
                 shards (a sweep writes no per-run rows)",
                first.name
            )));
        }
        return merge_sweep(args, &files);
    }
    if header.kind == Kind::Nested {
        return merge_nested(args, &files);
    }
    // Every shard must carry its rows: refused before any work, naming the first without.
    if args.per_run.is_some()
        && let Some(m) = shard::without_rows(&files, "--per-run")
    {
        return Err(CliError::Usage(m));
    }
    // `--sweep` (a sweep's shards'), refused at its value as the run's flags given for a
    // sweep's shards are.
    if let Some(sweep) = &args.sweep {
        return Err(super::FlagFault {
            help: Some(
                "a run's shards are rebuilt from their scenario: give it with --scenario FILE \
                 if it has moved"
                    .into(),
            ),
            ..super::FlagFault::new(
                "--sweep",
                &sweep.to_string_lossy(),
                format!(
                    "expected shards of a `deter sweep`, found shards of a `deter run` (`{}`)",
                    first.name
                ),
            )
        }
        .into());
    }
    args.output.check_extension()?;
    super::flags::check_named_format(
        "--per-run",
        args.per_run.as_deref(),
        super::flags::Writes::Rows,
    )?;
    args.output.warn_plots_beside(&args.parts);
    let scenario = find_scenario(first, args.scenario.as_deref())?;
    // The scenario (and its `extends` chain) is an input too.
    output::check_outputs(&outputs, &[]).map_err(CliError::Usage)?;
    // A run's merged outputs never replace a sweep's results (only a sweep's merge may).
    if let Some(out) = &args.output.out {
        super::sweep_results_fault("--out", out)?;
    }
    // Before compiling: the worlds it allocates grow with the square of the countries.
    crate::engine::check_scenario_memory(&scenario, header.attribution, shard::MERGE_SETS, 0)
        .map_err(CliError::Usage)?;
    let compiled = Compiled::new(&scenario);
    // The shards' attribution tallies (when they carry them) merge like the rest.
    let compiled = if header.attribution {
        compiled.with_attribution()
    } else {
        compiled
    };
    // The merged aggregate and one part at a time.
    crate::engine::check_memory_for(&compiled, shard::MERGE_SETS, 0).map_err(CliError::Usage)?;
    let source = &first.source().path;
    // The chart files of --plots, checked with the other outputs before the merge: the
    // page of no runs has every chart the merged report's page has.
    if let Some(dir) = &args.output.plots {
        let info = crate::report::RunInfo {
            scenario_sha256: String::new(),
            seed: header.seed,
            wall_seconds: 0.0,
            threads: 1,
            policies: header.policies.clone(),
        };
        let none = Report::build(&compiled, &Aggregate::new(&compiled), &info);
        let view = RunView {
            report: &none,
            scenario: &scenario,
            source,
        };
        super::check_plots_with(dir, &mut |w| html::write_article(w, &view, 0), &outputs)?;
    }
    let (aggregate, info, threads) =
        shard::merge_run(&files, &compiled, Some(&super::CANCEL)).map_err(merge_fault)?;
    stop_if_interrupted()?;
    if let Some(path) = &args.per_run {
        // The per-run CSV: its header, then each shard's rows in shard (run) order, read
        // again one row at a time.
        shard::write_rows_file(&files, path, Some(&super::CANCEL))
            .map_err(|e| CliError::Failure(output::cannot_write(path, &e)))?
            .map_err(merge_fault)?;
        stop_if_interrupted()?;
    }
    let mut report = Report::build(&compiled, &aggregate, &info);
    report.timing.shard_threads = Some(threads);
    if args.output.report.is_some() || args.output.plots.is_some() {
        let view = RunView {
            report: &report,
            scenario: &scenario,
            source,
        };
        // The page around the article, its charts drawn once for the page and --plots.
        let mut page = args.output.report.as_ref().map(|path| {
            let name = report.scenario.as_str();
            move |article: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>| {
                super::emit_with(Some(path), |w| {
                    w.write_all(html::page_start(1, Some(name)).as_bytes())?;
                    article(&mut *w)?;
                    w.write_all(html::PAGE_END.as_bytes())
                })
            }
        });
        let mut article = |w: &mut dyn Write| html::write_article(w, &view, 0);
        match (&args.output.plots, &mut page) {
            // The charts are cut from the article as it is written, never held whole.
            (Some(dir), page) => super::write_plots_with(
                dir,
                &mut article,
                page.as_mut()
                    .zip(args.output.report.as_deref())
                    .map(|(p, path)| (path, p as super::Page<'_>)),
                None,
            )?,
            (None, Some(page)) => page(&mut article)?,
            (None, None) => {}
        }
    }
    // JSON and CSV are streamed from the report to the output, never held whole.
    let out = args.output.out.as_deref();
    match args.output.format() {
        Format::Json => super::emit_with(out, |w| json::write_json(w, &report))?,
        Format::Csv => super::emit_with(out, |w| csv::write_csv(w, source, &report))?,
        Format::Table => {
            let text = table::to_table(&report, source, args.yearly);
            let color = args.output.out.is_none() && use_color();
            emit(
                out,
                (if color { table::colorize(&text) } else { text }).as_bytes(),
            )?;
        }
    }
    if !args.output.quiet {
        note!(
            "deter merge: {} of `{}`, {}, seed {}",
            count(files.len() as u64, "shard", "shards"),
            crate::scenario::printable(&first.source().path),
            count(header.runs, "run", "runs"),
            header.seed
        );
    }
    Ok(())
}

/// The shards of a nested run (`deter run FILE --posterior DRAWS.csv --shard K/N`, or a
/// scenario with `[[uncertain]]` priors): the outputs the unsharded nested run writes (table,
/// JSON or CSV, and the page of `--report`), byte for byte.
fn merge_nested(args: &MergeArgs, files: &[Named]) -> Result<(), CliError> {
    let first = &files[0];
    let header = &first.header;
    let what = match first.posterior() {
        Some(_) => "--posterior",
        None => "[[uncertain]] priors",
    };
    for (given, flag, why) in [
        (
            args.sweep.is_some(),
            "--sweep",
            "give its scenario with --scenario",
        ),
        (
            args.per_run.is_some(),
            "--per-run",
            "a nested run writes no per-run rows",
        ),
        (
            args.output.plots.is_some(),
            "--plots",
            "its page is written by --report",
        ),
        (args.yearly, "--yearly", "its table has no per-year rows"),
    ] {
        if given {
            return Err(CliError::Usage(format!(
                "`{}`: these are shards of a nested run ({what}); {flag} does not apply to \
                 nested Monte Carlo ({why}); merge without it",
                first.name
            )));
        }
    }
    args.output.check_extension()?;
    // A forged header's D and R are refused before the draws are made.
    crate::settings::check_nested(
        Some(header.points),
        Some(header.runs),
        crate::settings::Caller::Library,
    )
    .map_err(|e| CliError::Usage(format!("`{}`: header: {}", first.name, e.0)))?;
    let scenario = find_scenario(first, args.scenario.as_deref())?;
    // The scenario (and its `extends` chain) is an input too.
    let outputs: Vec<&PathBuf> = args.output.out.iter().chain(&args.output.report).collect();
    output::check_outputs(&outputs, &[]).map_err(CliError::Usage)?;
    // A nested run's merged outputs never replace a sweep's results.
    if let Some(out) = &args.output.out {
        super::sweep_results_fault("--out", out)?;
    }
    // The posterior as the shards read it: their embedded text, checked by its checksum when
    // each file was read.
    let posterior = match first.posterior() {
        Some(src) => Some(
            crate::calibrate::nested::parse_posterior(Path::new(&src.path), &src.text)
                .map_err(CliError::Input)?,
        ),
        None => None,
    };
    // One draw's merged tallies and the part being added to them, of the scenario's size (a
    // draw sets values, not the structure), as a run's merge.
    crate::engine::check_scenario_memory(&scenario, false, shard::MERGE_SETS, 0)
        .map_err(CliError::Usage)?;
    crate::engine::check_memory_for(&Compiled::new(&scenario), shard::MERGE_SETS, 0)
        .map_err(CliError::Usage)?;
    let n = crate::calibrate::nested::merge_shards(
        files,
        &scenario,
        posterior.as_ref(),
        Some(&super::CANCEL),
    )
    .map_err(merge_fault)?;
    stop_if_interrupted()?;
    let source = &first.source().path;
    // The shards ran apart, each on its own threads: their compute time, as a merged run's.
    let threads: Vec<usize> = files.iter().map(|f| f.timing.threads).collect();
    let timing = crate::report::table::timing_words(
        files.iter().map(|f| f.timing.wall_seconds).sum(),
        0.0,
        threads.iter().copied().max().unwrap_or(1),
        Some(&threads),
    );
    super::uncertain::write_nested(
        &args.output,
        &n,
        &scenario,
        source,
        first.posterior().map(|p| p.path.as_str()),
        &timing,
    )?;
    if !args.output.quiet {
        note!(
            "deter merge: {} of nested run `{}`, {} x {}, seed {}",
            count(files.len() as u64, "shard", "shards"),
            crate::scenario::printable(source),
            count(header.points, "draw", "draws"),
            count(header.runs, "run", "runs"),
            header.seed
        );
    }
    Ok(())
}

/// The shards of a `deter sweep`: the results file exactly as the unsharded sweep writes it
/// (rows in point order, one point's aggregate in memory at a time), then its sensitivity
/// analysis.
fn merge_sweep(args: &MergeArgs, files: &[Named]) -> Result<(), CliError> {
    let first = &files[0];
    // A flag of a run's shards, refused as every flag's fault at its value: "--scenario:1:1:
    // error: expected shards of a `deter run`, found shards of a `deter sweep` (`PART`)", what
    // to do in the help line.
    let run_flags = [(
        "--scenario",
        &args.scenario,
        "a sweep's shards are rebuilt from their sweep file: give it with --sweep FILE if it \
             has moved",
    )];
    for (flag, value, help) in run_flags {
        if let Some(value) = value {
            return Err(super::FlagFault {
                help: Some(help.into()),
                ..super::FlagFault::new(
                    flag,
                    &value.to_string_lossy(),
                    format!(
                        "expected shards of a `deter run`, found shards of a `deter sweep` \
                         (`{}`)",
                        first.name
                    ),
                )
            }
            .into());
        }
    }
    // A sweep's results are rows (CSV or JSON Lines), never a table: `--format table` wrote
    // CSV without a word.
    if args.output.format_flag == Some(Format::Table) {
        return Err(super::FlagFault {
            help: Some(format!(
                "`{}` and the others are shards of a `deter sweep`, whose results are rows; \
                 `table` is a run's format",
                first.name
            )),
            ..super::FlagFault::new(
                "--format",
                "table",
                "expected one of `csv`, `json` (a sweep's results), found `table`".into(),
            )
        }
        .into());
    }
    // `--yearly` (a table's) did nothing.
    if args.yearly {
        return Err(CliError::Usage(format!(
            "`{}`: these are shards of a `deter sweep`; --yearly applies to `deter run` shards \
             (a sweep's results are rows: --format csv or json)",
            first.name,
        )));
    }
    let header = &first.header;
    let (mut sweep, file_attribution) = find_sweep(first, args.sweep.as_deref())?;
    // The sweep file, its base and `extends` chain are inputs too.
    let outputs: Vec<&PathBuf> = args.output.out.iter().chain(&args.output.report).collect();
    output::check_outputs(&outputs, &[]).map_err(CliError::Usage)?;
    super::sweep::check_files_beside(args.output.out.as_deref(), &sweep, false)?;
    // The page and charts of the merged sweep (`--report`, `--plots`), as `deter sweep`
    // writes them: apart from the results and the files beside them, checked before the
    // merge.
    let (out, report, plots) = (
        args.output.out.as_deref(),
        args.output.report.as_deref(),
        args.output.plots.as_deref(),
    );
    super::sweep::check_outputs_apart(out, report, plots, &sweep)?;
    super::sweep::check_plot_files(out, report, plots, &sweep)?;
    // The path the shards were given, as `deter sweep` shows it in a JSON Lines header.
    sweep.file.clone_from(&first.source().path);
    let design = Design::new(&sweep);
    if design.n != header.points || sweep.runs != header.runs || sweep.seed != header.seed {
        return Err(CliError::Usage(format!(
            "`{}`: the sweep has {} points x {} runs (seed {}), but the shards' header says \
             {} x {} (seed {}); the file is damaged or was edited",
            first.name, design.n, sweep.runs, sweep.seed, header.points, header.runs, header.seed
        )));
    }
    // One point's merged aggregate and the part being added at a time, of the largest
    // point's size: a policy's scenario may be larger than the base.
    runner::check_memory(&sweep, shard::MERGE_SETS, 0).map_err(CliError::Usage)?;
    // `deter sweep`'s one rule (`--out m.jsonl` wrote CSV).
    let asked = args.output.format_flag.map(|f| match f {
        Format::Json => RowFormat::Json,
        Format::Csv | Format::Table => RowFormat::Csv,
    });
    let format = super::sweep::rows_format(args.output.out.as_deref(), asked)?;
    let rows = Rows::new(format, &sweep, false);
    let mut stdout = std::io::stdout().lock();
    let mut file = match &args.output.out {
        Some(out) => Some(
            output::AtomicFile::create(out)
                .map_err(|e| CliError::Failure(crate::output::cannot_write(out, &e)))?,
        ),
        None => None,
    };
    let io = |e: std::io::Error| match &args.output.out {
        Some(out) => CliError::Failure(crate::output::cannot_write(out, &e)),
        None => CliError::Failure(crate::output::cannot_write_stdout(&e)),
    };
    let mut write = |bytes: &[u8]| -> Result<(), CliError> {
        match file.as_mut() {
            Some(f) => f.file().write_all(bytes).map_err(io),
            None => match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                // A closed pipe (`deter merge ... | head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(io),
            },
        }
    };
    write(rows.header(&sweep).as_bytes())?;
    let mut outputs = Vec::with_capacity(usize::try_from(design.n).unwrap_or(0));
    let mut failure = None;
    shard::merge_points(
        files,
        Some(&super::CANCEL),
        |p| {
            Aggregate::new(&point_scenario(
                &sweep,
                p,
                &design.values(&sweep.parameters, p),
            ))
        },
        |p, agg| {
            // Ctrl-C between points: the results' temporary file is removed, nothing is
            // published (exit 130, as every command).
            if let Err(e) = stop_if_interrupted() {
                failure = Some(e);
                return Err("interrupted".into());
            }
            if p != outputs.len() as u64 {
                return Err(format!("point {p} came out of order"));
            }
            if agg.runs != header.runs {
                return Err(format!(
                    "point {p}: the shards hold {} runs, but their header says {}",
                    agg.runs, header.runs
                ));
            }
            let values = design.values(&sweep.parameters, p);
            let compiled = point_scenario(&sweep, p, &values);
            let line = runner::row_of(&rows, &sweep, p, &values, &compiled, &agg, None);
            outputs.push(runner::outputs_of(&agg));
            write(line.as_bytes()).map_err(|e| {
                let m = e.to_string();
                failure = Some(e);
                m
            })
        },
    )
    .map_err(|m| failure.take().unwrap_or_else(|| merge_fault(m)))?;
    if outputs.len() as u64 != design.n {
        return Err(CliError::Usage(format!(
            "the shards hold {} of the sweep's {} points",
            outputs.len(),
            design.n
        )));
    }
    drop(stdout);
    if let (Some(f), Some(out)) = (file, &args.output.out) {
        f.commit()
            .map_err(|e| CliError::Failure(crate::output::cannot_write(out, &e)))?;
        // The record `deter sweep` leaves beside complete results (sweep::record): readers
        // check the plan against the rows, and `deter sweep --resume` accepts the file.
        let mut plan = sweep::record::Record::new(
            &sweep,
            &design,
            sweep.runs,
            false,
            &rows.header(&sweep),
            Path::new(&sweep.file),
            sweep::record::merged_resume_args(out, format, file_attribution, sweep.attribution),
        );
        let fingerprint = sweep::record::fingerprint(&sweep, None, format);
        sweep::record::write_complete(out, &fingerprint, &mut plan).map_err(CliError::Failure)?;
    }
    if !args.output.quiet {
        note!(
            "deter merge: {} of sweep `{}`, {} x {}, seed {}",
            count(files.len() as u64, "shard", "shards"),
            crate::scenario::printable(&first.source().path),
            count(design.n, "point", "points"),
            count(header.runs, "run", "runs"),
            header.seed
        );
    }
    if report.is_some() || plots.is_some() {
        let view = crate::report::sweep::SweepView {
            sweep: &sweep,
            design: &design,
            outputs: &outputs,
        };
        super::sweep::write_report(&view, report, plots)?;
    }
    super::sweep::sensitivity_tail(
        &sweep,
        &design,
        &outputs,
        args.output.out.as_deref(),
        args.output.quiet,
    )
}

/// The sweep the shards ran, rebuilt and checked against their hash: `--sweep` if given
/// (and only it); else the recorded absolute path, the path as given, and the embedded text
/// (its base scenario resolved beside the recorded absolute path).
///
/// Returns the sweep with the shards' attribution, and what the file's own `attribution` key
/// says (the record's resume command gives the flag that turns it to theirs).
fn find_sweep(first: &Named, given: Option<&Path>) -> Result<(Sweep, bool), CliError> {
    if let Some(path) = given.filter(|p| not_a_pipe(p)) {
        super::validate::refuse_other_kind(path, "sweep", "merge --sweep")?;
        sweep::load_sweep(path).map_err(CliError::Input)?;
    }
    let h = &first.header;
    let src = first.source();
    let check = |mut s: Sweep, what: &str| -> Result<(Sweep, bool), String> {
        // What the shards ran is their header's `attribution`, not the file's key alone:
        // `deter sweep --shard --attribution` turns it on, `--no-attribution` off (it was
        // only ever turned on here, so shards of `--no-attribution` over a file's
        // `attribution = true` were refused as another sweep).
        let file_key = s.attribution;
        s.set_attribution(h.attribution);
        let got = sweep_hash(&s);
        if got == h.sha256 {
            Ok((s, file_key))
        } else {
            Err(format!(
                "{what}: the validated sweep (with its base scenario) differs from what the \
                 shards ran (sha256 {got}, the shards' is {})",
                h.sha256
            ))
        }
    };
    let from_file = |path: &Path| -> Result<(Sweep, bool), String> {
        let what = format!("`{}`", path.display());
        let s = sweep::load_sweep(path).map_err(|d| format!("{what}: {}", first_line(&d)))?;
        check(s, &what)
    };
    let dir = Path::new(&src.absolute_path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let from_text = |what: &str| {
        sweep::parse_sweep(&src.text, &src.path, &dir)
            .map_err(|d| format!("{what}: {}", first_line(&d)))
            .and_then(|s| check(s, what))
    };
    rebuild(first, given, "sweep", from_file, from_text)
}

/// The scenario the shards ran, rebuilt and checked against their hash. Tried in order:
/// `--scenario` if given (and only it); else the recorded absolute path, the path as given
/// (relative to the current directory), and the text embedded in the partial file.
fn find_scenario(first: &Named, given: Option<&Path>) -> Result<Scenario, CliError> {
    if let Some(path) = given.filter(|p| not_a_pipe(p)) {
        super::validate::refuse_other_kind(path, "scenario", "merge --scenario")?;
        scenario::load_file(path).map_err(CliError::Input)?;
    }
    let h = &first.header;
    let src = first.source();
    let check = |s: Scenario, what: &str| -> Result<Scenario, String> {
        let got = scenario_hash(&s);
        if got == h.sha256 {
            Ok(s)
        } else {
            Err(format!(
                "{what}: validated content differs from what the shards ran (sha256 {got}, \
                 the shards' is {})",
                h.sha256
            ))
        }
    };
    let from_file = |path: &Path| -> Result<Scenario, String> {
        let what = format!("`{}`", path.display());
        let s = scenario::load_file(path).map_err(|d| format!("{what}: {}", first_line(&d)))?;
        check(
            apply(s, &h.overrides).map_err(|e| format!("{what}: {e}"))?,
            &what,
        )
    };
    // The text's `extends` are read relative to the directory the file was in when the shard
    // ran (its absolute path's), as a sweep's base is below, never the current directory
    // (docs/SCENARIO.md, `extends`).
    let dir = Path::new(&src.absolute_path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let from_text = |what: &str| {
        scenario::parse_str_in(&src.text, &src.path, &dir)
            .map_err(|d| format!("{what}: {}", first_line(&d)))
            .and_then(|s| apply(s, &h.overrides).map_err(|e| format!("{what}: {e}")))
            .and_then(|s| check(s, what))
    };
    rebuild(first, given, "scenario", from_file, from_text)
}

/// Whether `path` is not a pipe (a regular file, a directory or nothing): a `--scenario` or
/// `--sweep` file is then checked as every command checks its input before it is compared
/// with the shards' (another kind of file said as what it is; every fault of the file,
/// located; one that cannot be read in the words of every input kind), which reads it more
/// than once (a pipe is read once, by the comparison alone).
fn not_a_pipe(path: &Path) -> bool {
    std::fs::metadata(path).map_or(true, |m| m.is_file() || m.is_dir())
}

/// Rebuild what the shards ran (`kind`: "scenario" or "sweep"): `--KIND FILE` if given (and
/// only it); else the recorded absolute path, the path as given, and the text embedded in
/// the partial file. Every candidate is checked against the shards' hash by the closures.
fn rebuild<T>(
    first: &Named,
    given: Option<&Path>,
    kind: &str,
    from_file: impl Fn(&Path) -> Result<T, String>,
    from_text: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, CliError> {
    let src = first.source();
    // The file given is at fault, located at the flag's value.
    if let Some(path) = given {
        return from_file(path).map_err(|e| {
            let flag = if kind == "sweep" {
                "--sweep"
            } else {
                "--scenario"
            };
            let shown = path.display().to_string();
            let quoted = format!("`{shown}`: ");
            super::FlagFault {
                help: Some(format!(
                    "give {flag} the {kind} file the shards ran, or leave it out: the {kind} is \
                     rebuilt from the partial files"
                )),
                ..super::FlagFault::new(
                    flag,
                    &shown,
                    format!(
                        "expected the {kind} the shards ran, found `{}`: {}",
                        scenario::printable(&shown),
                        e.strip_prefix(&quoted).unwrap_or(&e)
                    ),
                )
            }
            .into()
        });
    }
    let mut reasons = Vec::new();
    let mut candidates = vec![PathBuf::from(&src.absolute_path)];
    if Path::new(&src.path) != Path::new(&src.absolute_path) {
        candidates.push(PathBuf::from(&src.path));
    }
    for path in candidates {
        match from_file(&path) {
            Ok(t) => return Ok(t),
            Err(e) => reasons.push(e),
        }
    }
    let what = format!("the text of `{}` embedded in `{}`", src.path, first.name);
    from_text(&what).map_err(|e| {
        reasons.push(e);
        CliError::Usage(format!(
            "cannot rebuild the {kind} the shards ran:\n  {}\npass the {kind} file with \
             --{kind} FILE",
            reasons.join("\n  ")
        ))
    })
}

/// Apply the command-line overrides the shards recorded, as `deter run` did.
fn apply(mut s: Scenario, o: &Overrides) -> Result<Scenario, String> {
    if let Some(h) = o.horizon_years {
        s.meta.horizon_years = crate::settings::check_horizon(h, crate::settings::Caller::Cli)
            .map_err(|_| format!("recorded --horizon-years {h} is out of range"))?;
    }
    Ok(s)
}

fn first_line(d: &scenario::Diagnostics) -> String {
    d.to_string()
        .lines()
        .next()
        .unwrap_or("invalid")
        .trim()
        .to_string()
}

/// Ctrl-C (or SIGTERM) seen: stop before the next part, point or output, with nothing
/// written (the handler sets the flag; reading a part is not a run the driver could stop).
fn stop_if_interrupted() -> Result<(), CliError> {
    if super::CANCEL.load(std::sync::atomic::Ordering::SeqCst) {
        Err(CliError::Interrupted)
    } else {
        Ok(())
    }
}

/// A partial file given twice (the same spelling, another spelling or a hard link of it):
/// refused before any is read, located at the argument as `deter run` locates a file given
/// twice with --format csv, naming the earlier spelling when it differs.
fn refuse_part_given_twice(parts: &[PathBuf]) -> Result<(), CliError> {
    let mut seen: std::collections::HashMap<u64, usize> =
        std::collections::HashMap::with_capacity(parts.len());
    for (i, path) in parts.iter().enumerate() {
        let Some(key) = crate::output::file_key(path) else {
            // No such file: the read says so, at the file.
            continue;
        };
        if let Some(&j) = seen.get(&key) {
            let shown = path.display().to_string();
            let first = parts[j].display().to_string();
            let also = if first == shown {
                String::new()
            } else {
                format!(" (as `{first}` before it)")
            };
            return Err(super::FlagFault {
                help: Some("give each shard's partial file once".into()),
                ..super::FlagFault::new(
                    super::MERGE_PARTS,
                    &shown,
                    format!("expected each partial file once, found `{shown}` given twice{also}"),
                )
            }
            .into());
        }
        seen.insert(key, i);
    }
    Ok(())
}
