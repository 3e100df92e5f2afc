//! `deter compare`: two scenarios with common random numbers, paired differences.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::{CANCEL, CliError, Format, emit, progress_bar, scenario_hash, use_color};
use crate::compare as crn;
use crate::engine::{self, Hooks};
use crate::model::Compiled;
use crate::output;
use crate::report::compare::ComparisonReport;
use crate::report::html::RunView;
use crate::report::{Report, RunInfo, Timing, csv, finite, html, table};

#[derive(Args, Debug)]
#[command(
    mut_arg("runs", |a| a.help(super::flags::compare_runs())),
    mut_arg("seed", |a| a.help(super::flags::compare_seed())),
    mut_arg("horizon_years", |a| a.help(super::flags::compare_horizon()))
)]
pub struct CompareArgs {
    /// Scenario A (the reference, e.g. the baseline).
    pub a: PathBuf,
    /// Scenario B (the variant); differences are B - A.
    pub b: PathBuf,
    #[command(flatten)]
    pub sim: super::flags::SimFlags,
    /// What-if on both sides: set a parameter before running, checked like the same edit in
    /// the files (repeatable; docs/SCENARIO.md). Recorded in the output.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// What-if on B only, applied after --set: compare a file with its own variant by
    /// giving the same file twice (`deter compare s.toml s.toml --set-b model.war_cost=1`).
    #[arg(long = "set-b", value_name = "PATH=VALUE")]
    pub set_b: Vec<String>,
    #[command(flatten)]
    pub until: super::flags::UntilFlags,
    #[command(flatten)]
    pub output: super::flags::OutputFlags,
    /// Nested Monte Carlo: A and B on the same --draws parameter sets from this posterior
    /// (deter calibrate's posterior.csv) and the scenarios' [[uncertain]] priors, and the same
    /// run streams, --runs runs each [default 1000]; reports the effect's mean, its 90%
    /// interval over uncertain parameters and the share of draws in which B is lower.
    #[arg(long, value_name = "DRAWS.csv")]
    pub posterior: Option<PathBuf>,
    // Parameter draws of a nested comparison (help: the range from `DRAWS`).
    #[arg(long, allow_negative_numbers = true,
          help = super::DRAWS.help("Parameter draws of a nested comparison (--posterior or [[uncertain]] priors)", " [default 100]"),
          value_parser = super::DRAWS.parser::<u64>())]
    pub draws: Option<u64>,
}

pub fn compare(args: &CompareArgs) -> Result<(), CliError> {
    args.until.refuse_cap_alone()?;
    args.until
        .note_unused_runs(args.sim.runs, args.output.quiet);
    let inputs = [args.a.clone(), args.b.clone()];
    super::refuse_pipes(&inputs)?;
    let outputs: Vec<&PathBuf> = args.output.out.iter().chain(&args.output.report).collect();
    super::refuse_named_twice(
        &[
            ("--out", args.output.out.as_deref()),
            ("--report", args.output.report.as_deref()),
            ("--plots", args.output.plots.as_deref()),
        ],
        &inputs,
        None,
    )?;
    output::check_outputs(&outputs, &inputs).map_err(CliError::Usage)?;
    output::check_plots_apart(args.output.plots.as_deref(), &outputs).map_err(CliError::Usage)?;
    args.output.check_extension()?;
    args.output.warn_plots_beside(&inputs);
    // Each fault and warning names the side and file it is about (`--set (for B: FILE)`).
    let with_sets = |side: &str, file: &PathBuf, sets: &[&[String]]| {
        super::validate::refuse_other_kind(file, "scenario", "compare")?;
        let origins: Vec<String> = ["--set", "--set-b"]
            .iter()
            .take(sets.len())
            .map(|flag| format!("{flag} (for {side}: {})", file.display()))
            .collect();
        let sets: Vec<(&[String], &str, &str)> = sets
            .iter()
            .zip(&origins)
            .zip(["--set", "--set-b"])
            .map(|((&texts, origin), flag)| (texts, origin.as_str(), flag))
            .collect();
        let (s, _, applied, warnings) =
            super::load_with_sets_warnings(file, args.sim.horizon_years, &sets)?;
        Ok::<_, CliError>((s, applied, warnings))
    };
    let ((sa, set_a, warn_a), (sb, set_b, warn_b)) = match (
        with_sets("A", &args.a, &[&args.set]),
        with_sets("B", &args.b, &[&args.set, &args.set_b]),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(CliError::Input(mut x)), Err(CliError::Input(y))) => {
            x.0.extend(y.0);
            return Err(CliError::Input(x));
        }
        // A read, B refused: A's warnings are said before B's fault, as `deter.compare` and
        // `deter.compare_nested` issue them.
        (Ok((_, _, warn_a)), Err(e)) => {
            if !warn_a.0.is_empty() {
                note_raw!("{warn_a}");
            }
            return Err(e);
        }
        // A `--set` path A does not have but B does: the way to set it on B alone.
        (Err(CliError::Input(mut x)), Ok((sb, _, _))) => {
            let origin_a = format!("--set (for A: {})", args.a.display());
            for d in x.0.iter_mut().filter(|d| {
                d.file == origin_a && d.message.ends_with("is not a parameter of this scenario")
            }) {
                if crate::scenario::ParamRef::resolve(&d.path, &sb).is_ok() {
                    d.help = Some(format!(
                        "`{}` is a parameter of B (`{}`) only, and --set sets both sides: use \
                         --set-b to set it on B alone",
                        d.path,
                        args.b.display()
                    ));
                }
            }
            return Err(CliError::Input(x));
        }
        (Err(e), _) => return Err(e),
    };
    // Different horizons: at B's `horizon_years` (it named no file).
    if sa.meta.horizon_years != sb.meta.horizon_years {
        return Err(horizon_fault(
            &args.a,
            &args.b,
            sa.meta.horizon_years,
            sb.meta.horizon_years,
        ));
    }
    // A `--set` warning both sides give alike (a gated key whose switch stays 0 on both, an
    // implausible figure against the same countries, ...) is said once, as `--set` (the
    // value both sides share), as a `--posterior` column's warning on a value of `--set` is;
    // one side's alone names that side.
    let (mut warn_a, mut warn_b) = (warn_a, warn_b);
    let origin = |side: &str, file: &PathBuf| format!("--set (for {side}: {})", file.display());
    let (origin_a, origin_b) = (origin("A", &args.a), origin("B", &args.b));
    for w in warn_a.0.iter_mut().filter(|w| w.file == origin_a) {
        let as_b = crate::scenario::Diagnostic {
            file: origin_b.clone(),
            ..w.clone()
        };
        if let Some(at) = warn_b.0.iter().position(|x| *x == as_b) {
            warn_b.0.remove(at);
            w.file = "--set".into();
        }
    }
    // A warning of both sides (a file compared with itself, a base both extend) is said
    // once; the other --set warnings of each side name their side and differ.
    // A and B run on the draws of both files' priors: a value --set gives one side is
    // replaced by the other file's prior as well as by its own.
    let mut cross = Vec::new();
    for (s, other, side, file, sets) in [
        (&sa, &sb, "A", &args.a, vec![(&args.set, "--set")]),
        (
            &sb,
            &sa,
            "B",
            &args.b,
            vec![(&args.set, "--set"), (&args.set_b, "--set-b")],
        ),
    ] {
        for (texts, flag) in sets {
            let origin = format!("{flag} (for {side}: {})", file.display());
            cross.extend(
                crate::scenario::overrides::prior_warnings(
                    &other.uncertain,
                    s,
                    texts,
                    &origin,
                    flag,
                )
                .0,
            );
        }
    }
    let mut said: Vec<String> = Vec::new();
    let mut warnings = crate::scenario::Diagnostics::default();
    for w in warn_a.0.into_iter().chain(warn_b.0).chain(cross) {
        let text = w.to_string();
        if !said.contains(&text) {
            said.push(text);
            warnings.0.push(w);
        }
    }
    // With a posterior, a nested comparison says them once it has read it: a column's
    // warning may say one of them in its place (`uncertain::compare_nested`).
    let nested = super::uncertain::compare_wants_nested(args, &sa, &sb);
    let warnings = if nested && args.posterior.is_some() {
        warnings
    } else {
        if !warnings.0.is_empty() {
            note_raw!("{warnings}");
        }
        crate::scenario::Diagnostics::default()
    };
    // Said as soon as both files are read, before any refusal of the flags (`--draws` with
    // nothing uncertain, `--until-ci` with a posterior...): a command refused for another
    // reason would otherwise hide that it compares a file with itself.
    same_file_warning(args, &sa, &sb);
    // Their `extends` chains are inputs too.
    let inputs_apart = output::check_outputs(&outputs, &[]);
    if !warnings.0.is_empty()
        && (inputs_apart.is_err() || args.until.until_ci.is_some() || args.output.plots.is_some())
    {
        note_raw!("{warnings}");
    }
    inputs_apart.map_err(CliError::Usage)?;
    let seed = args.sim.seed.unwrap_or(sa.meta.seed);
    if nested {
        // Each located at its flag's value with a help line, as --per-run's refusal is.
        const NESTED: &str = "expected no {} in a nested comparison over uncertain parameters \
                              ([[uncertain]] priors or --posterior)";
        let expected = |flag: &str| NESTED.replacen("{}", flag, 1);
        if let Some(x) = args.until.until_ci {
            return Err(super::combination_fault(
                "--until-ci",
                &x.to_string(),
                &expected("--until-ci"),
                "a nested comparison's budget is its draws and runs per draw: give --draws and \
                 --runs, without --until-ci",
            ));
        }
        // Accepted and ignored, it promised charts that never came.
        if let Some(dir) = &args.output.plots {
            return Err(super::combination_fault(
                "--plots",
                &dir.display().to_string(),
                &expected("--plots"),
                "run without --plots (--report draws the charts)",
            ));
        }
        return super::uncertain::compare_nested(args, &sa, &sb, warnings);
    }
    // Runs, seed, threads and adaptive stopping: resolved once, against A's defaults.
    let settings = crate::settings::Settings {
        runs: args.sim.runs,
        seed: args.sim.seed,
        threads: args.sim.threads.threads,
        horizon_years: None,
        until_ci: args.until.until_ci,
        max_runs: args.until.max_runs,
        no_attribution: args.sim.no_attribution,
    };
    let resolved = settings
        .resolve_as(&sa, crate::settings::Caller::Cli)
        .map_err(|e| CliError::Usage(e.0))?;
    let threads = resolved.threads;
    let at_once = crate::engine::at_once(resolved.runs, resolved.until.as_ref());
    let refused = |e| {
        CliError::Usage(format!(
            "{} and {}: {e}",
            args.a.display(),
            args.b.display()
        ))
    };
    // Before compiling: the worlds it allocates grow with the square of the countries.
    crn::check_scenarios_memory(&sa, &sb, !settings.no_attribution, threads, at_once)
        .map_err(refused)?;
    let (ca, cb) = (
        settings.attributed(Compiled::new(&sa)),
        settings.attributed(Compiled::new(&sb)),
    );
    let pairing = crn::check(&ca, &cb).map_err(|e| CliError::Usage(e.to_string()))?;
    // Rivalries of one side only: compared in the totals, not run by run (docs/OUTPUT.md).
    let (only_a, only_b) = crn::unshared_rivalries(&ca, &cb);
    if !only_a.is_empty() || !only_b.is_empty() {
        // Only the sides that have rivalries of their own ("only in B: none" said nothing).
        let sides: Vec<String> = [("A", &only_a), ("B", &only_b)]
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(side, ids)| format!("only in {side}: {}", ids.join(", ")))
            .collect();
        note!(
            "warning: the scenarios' rivalries differ ({}): only the rivalries of both are \
             paired run by run; the totals of A and B cover different rivalries",
            sides.join("; ")
        );
    }
    if let Some(why) = crn::currency_mismatch(&sa.meta.currency, &sb.meta.currency) {
        note!("warning: {why}");
    }
    crn::check_memory(&ca, &cb, threads, at_once).map_err(refused)?;

    // The comparison's report of `cmp` (its runs' tallies) and its page.
    let build =
        |cmp: &crn::Comparison, stopping: Option<&crate::engine::until::Stopping>, wall: f64| {
            let report_of = |c: &Compiled, s, agg| {
                Report::build(
                    c,
                    agg,
                    &RunInfo {
                        scenario_sha256: scenario_hash(s),
                        seed,
                        wall_seconds: wall,
                        threads,
                        policies: crate::report::PolicyOut::of(s),
                    },
                )
            };
            let mut ra = report_of(&ca, &sa, &cmp.a);
            let mut rb = report_of(&cb, &sb, &cmp.b);
            ra.overrides = set_a.clone();
            rb.overrides = set_b.clone();
            let wall = finite(wall.max(0.0));
            let runs = cmp.paired.runs;
            let timing = Timing {
                wall_seconds: wall,
                runs_per_second: if wall > 0.0 {
                    finite(runs as f64 / wall)
                } else {
                    0.0
                },
                threads,
                threads_asked: None,
                shard_threads: None,
            };
            let mut report = ComparisonReport::build(cmp, ra, rb, timing).with_changes(&sa, &sb);
            report.stopping = stopping.map(crate::report::StoppingOut::from);
            report
        };
    // The comparison's page, streamed to `w` one section at a time (never held whole).
    let (src_a, src_b) = (args.a.display().to_string(), args.b.display().to_string());
    let write_page = |report: &ComparisonReport, w: &mut dyn std::io::Write| {
        let va = RunView {
            report: &report.a,
            scenario: &sa,
            source: &src_a,
        };
        let vb = RunView {
            report: &report.b,
            scenario: &sb,
            source: &src_b,
        };
        html::write_comparison(w, report, &va, &vb)
    };
    // The chart files of --plots, checked with every other output before any work: which
    // charts a page has depends on the scenarios, not on the runs, so the page of no runs
    // names them all.
    if let Some(dir) = &args.output.plots {
        let none = crn::run_paired(&ca, &cb, &pairing, seed, 0, Hooks::default())
            .map_err(|_| CliError::Interrupted)?;
        let empty = build(&none, None, 0.0);
        super::check_plots_with(dir, &mut |w| write_page(&empty, w), &outputs)?;
        // The empty tallies' pages back to the system before the run's threads take theirs.
        drop((empty, none));
        engine::release_freed_memory();
    }

    let bar = progress_bar(resolved.max_runs(), args.output.quiet);
    let tick = |n: u64| bar.inc(n);
    let hooks = Hooks {
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    let started = Instant::now();
    let (result, used) = engine::with_threads_timed(threads, |_, used| {
        let r = match &resolved.until {
            None => {
                crn::run_paired(&ca, &cb, &pairing, seed, resolved.runs, hooks).map(|c| (c, None))
            }
            Some(u) => crn::run_paired_until(&ca, &cb, &pairing, seed, u, hooks)
                .map(|(c, st)| (c, Some(st))),
        };
        (r, used)
    });
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let (cmp, stopping) = result.map_err(|_| CliError::Interrupted)?;
    // The workers' tallies, freed on the pool's threads: their pages back to the system
    // before this thread builds the reports and writes the outputs.
    engine::release_freed_memory();
    let mut report = build(&cmp, stopping.as_ref(), wall);
    // The threads the pool had, and those asked when it had fewer.
    for t in [
        &mut report.timing,
        &mut report.a.timing,
        &mut report.b.timing,
    ] {
        t.threads = used;
        t.threads_asked = (used != threads).then_some(threads);
    }

    let mut render = |w: &mut dyn std::io::Write| write_page(&report, w);
    let mut page = args.output.report.as_ref().map(|path| {
        move |page: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>| {
            super::emit_with(Some(path), |w| page(w))
        }
    });
    match (&args.output.plots, &mut page) {
        // Cut one chart at a time from the page as it is written (never held whole), each
        // drawn once for the page and the files.
        (Some(dir), page) => super::write_plots_with(
            dir,
            &mut render,
            page.as_mut()
                .zip(args.output.report.as_deref())
                .map(|(p, path)| (path, p as super::Page<'_>)),
            None,
        )?,
        (None, Some(page)) => page(&mut render)?,
        (None, None) => {}
    }

    // JSON and CSV are streamed from the report to the output, never held whole.
    let out = args.output.out.as_deref();
    let bytes = match args.output.format() {
        Format::Json => {
            return super::emit_with(out, |w| crate::report::json::write_json(w, &report));
        }
        Format::Csv => {
            let (a, b) = (args.a.display().to_string(), args.b.display().to_string());
            return super::emit_with(out, |w| csv::write_comparison_csv(w, &report, &a, &b));
        }
        Format::Table => {
            let t = table::comparison_to_table(
                &report,
                &args.a.display().to_string(),
                &args.b.display().to_string(),
            );
            let mut t = t;
            if let Some(st) = &stopping {
                t.push_str(&super::run::stopping_line(st, true));
            }
            let color = args.output.out.is_none() && use_color();
            (if color { table::colorize(&t) } else { t }).into_bytes()
        }
    };
    emit(out, &bytes)
}

/// Warn, once both files are read, that A and B are one file with the same values (no
/// `--set-b`), or that the scenarios `sa` and `sb` as they run are equal all the same (a
/// `--set-b` that gives B only values A has, two files of the same scenario): every
/// difference is then 0.
pub(super) fn same_file_warning(
    args: &CompareArgs,
    sa: &crate::scenario::Scenario,
    sb: &crate::scenario::Scenario,
) {
    // B's own seed and runs are not used (A's are, or the flags'); nor are its name and
    // description simulated: two files that differ only there are the same scenario.
    let unused: Vec<String> = [
        (
            "seed",
            sa.meta.seed,
            sb.meta.seed,
            sb.meta.seed_given && args.sim.seed.is_none(),
        ),
        (
            "runs",
            sa.meta.runs,
            sb.meta.runs,
            sb.meta.runs_given && args.sim.runs.is_none() && args.until.until_ci.is_none(),
        ),
    ]
    .into_iter()
    .filter(|&(_, a, b, from_file)| from_file && a != b)
    .map(|(key, a, b, _)| format!("`{key}` ({b}; A's: {a})"))
    .collect();
    if !unused.is_empty() {
        note!(
            "note: B's {} not used: A and B run in pairs on A's (common random numbers); --seed and --runs set both",
            match unused.as_slice() {
                [one] => format!("{one} is"),
                many => format!("{} are", many.join(" and ")),
            }
        );
    }
    let simulated = |s: &crate::scenario::Scenario| {
        let mut s = s.clone();
        s.meta.name.clear();
        s.meta.description.clear();
        s.meta.seed = 0;
        s.meta.runs = 0;
        (s.meta.seed_given, s.meta.runs_given) = (false, false);
        s
    };
    let (sa, sb) = (&simulated(sa), &simulated(sb));
    if args.set_b.is_empty() && same_file(&args.a, &args.b) {
        note!(
            "warning: A and B are the same file with the same values: every difference B - A is 0; give B's what-if with --set-b PATH=VALUE"
        );
    } else if sa == sb && !args.set_b.is_empty() {
        note!(
            "warning: A and B are the same scenario: every value --set-b gives B is one A has already, so every difference B - A is 0; give B a value A does not have"
        );
    } else if sa == sb {
        note!(
            "warning: A and B are the same scenario (two files with the same values): every difference B - A is 0; give B's what-if with --set-b PATH=VALUE"
        );
    }
}

/// Whether `a` and `b` name the same file (the same path, or links to one file).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// Two scenarios of different horizons ([`crn::CompareError::Horizon`]'s message), located
/// at the second file's `[scenario] horizon_years` (or, where it does not write one, at the
/// first's; where neither does, at the second file), with a help line.
fn horizon_fault(a: &Path, b: &Path, ha: u32, hb: u32) -> CliError {
    let message = crn::CompareError::Horizon(ha, hb).to_string();
    let help = Some(format!(
        "A ({}) runs {ha} years and B ({}) {hb}: give both the same `horizon_years`, or \
         compare them over one with --horizon-years N",
        a.display(),
        b.display()
    ));
    // The key's span in a file, if it writes one (a file read already: any fault is said).
    let key_in = |file: &Path| {
        let src = std::fs::read_to_string(file).ok()?;
        let doc = toml::de::DeTable::parse(&src).ok()?;
        let scenario = doc.get_ref().get("scenario")?.get_ref().as_table()?;
        let span = scenario.get("horizon_years")?.span();
        Some((file.display().to_string(), src, span))
    };
    let d = match key_in(b).or_else(|| key_in(a)) {
        Some((file, src, span)) => {
            crate::scenario::Diagnostic::at(&file, &src, span, "scenario.horizon_years", message)
        }
        None => crate::scenario::Diagnostic::file_level(&b.display().to_string(), message),
    };
    CliError::Input(crate::scenario::Diagnostics(vec![d.with_help(help)]))
}
