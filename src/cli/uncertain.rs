//! `deter run` and `deter compare` over what we don't know: a posterior
//! (`--posterior draws.csv`) and/or `[[uncertain]]` priors declared in the scenario make them
//! nested Monte Carlo (src/calibrate/nested.rs). The budget is checked by the settings layer
//! ([`crate::settings::check_nested`]), the simulation is the library facade's
//! ([`crate::api::run_nested`], [`crate::api::compare_nested`]) on the one driver; this file
//! only wires flags, the progress bar, Ctrl-C and the output formats.

use std::path::{Path, PathBuf};

use super::{CANCEL, CliError, Format, RunArgs, emit, progress_bar};
use crate::calibrate::{nested, nested_out};
use crate::scenario::Scenario;

/// Whether `deter run` must do nested Monte Carlo: a posterior or `--draws` was given, or a
/// file declares `[[uncertain]]` priors. Files that do not read are left to the plain path,
/// which reports their problems.
/// The nested table's last line: a run or comparison over uncertain parameters has no
/// "which level deters" section, which `deter run` and `deter compare` give by default; it
/// says so, and where the attribution is.
const NO_ATTRIBUTION: &str = "Which level deters: not computed over uncertain parameters (the \
    attribution is of one parameter set: a scenario without [[uncertain]] priors, run without \
    --posterior; over a posterior's predictive draws, `deter calibrate --attribution`).";

pub fn wants_nested(args: &RunArgs) -> bool {
    args.posterior.is_some() || args.draws.is_some() || with_priors(&args.files).is_some()
}

/// The first of `files` that reads as a scenario with `[[uncertain]]` priors (`deter run`
/// makes it a nested run).
pub fn with_priors(files: &[PathBuf]) -> Option<&PathBuf> {
    files
        .iter()
        .find(|f| crate::scenario::load_file(f).is_ok_and(|s| !s.uncertain.is_empty()))
}

fn api_error(e: crate::api::Error, files: &str) -> CliError {
    use crate::api::Error;
    match e {
        Error::Input(d) => CliError::Input(d),
        // The memory guard names the files as `deter run` and `deter compare` do.
        Error::TooLarge(m) => CliError::Usage(format!("{files}: {m}")),
        Error::Invalid(m) => CliError::Usage(m),
        Error::Interrupted => CliError::Interrupted,
        Error::Io(m) => CliError::Failure(m),
    }
}

/// `--draws N` with nothing to draw from (no `--posterior`, no `[[uncertain]]` priors in
/// `where_`) refused as every flag's fault, at the flag's value: "--draws:1:1: error:
/// expected ..., found ...", what to do in the help line. Without `--draws`, the library's
/// words ([`crate::api::nothing_uncertain`]).
fn nothing_uncertain(draws: Option<u64>, where_: &str) -> CliError {
    let Some(n) = draws else {
        return CliError::Usage(crate::api::nothing_uncertain(
            crate::settings::Caller::Cli,
            None,
        ));
    };
    super::FlagFault {
        help: Some(
            "give a calibration's posterior (--posterior posterior.csv) or declare [[uncertain]] \
             priors; without either, run without --draws (the scenario's own values)"
                .into(),
        ),
        ..super::FlagFault::new(
            "--draws",
            &n.to_string(),
            format!(
                "expected --posterior FILE or [[uncertain]] priors in {where_} to draw from, \
                 found neither (nothing is uncertain)"
            ),
        )
    }
    .into()
}

/// Flags that a nested run does not take, named in the message.
fn refuse(flag: &str, what: &str) -> CliError {
    CliError::Usage(format!(
        "{flag} does not apply to nested Monte Carlo ({what}); run without it"
    ))
}

fn settings(sim: &super::flags::SimFlags) -> crate::settings::Settings {
    crate::settings::Settings {
        runs: sim.runs,
        seed: sim.seed,
        threads: sim.threads.threads,
        ..Default::default()
    }
}

/// The posterior of `path`, its faults as the diagnostics of every file kind: unreadable or
/// too large, malformed (at its line, a cell's at its column), or a value out of its
/// parameter's range in one of `scenarios` (at its line and column). Warns about each column
/// a dated policy of one of `scenarios` changes and each value `--set` (`--set-b`) gives a
/// path a column draws ([`nested::posterior_warnings`]); each scenario comes with the
/// `(texts, flag)` lists applied to it. `loaded`, the scenarios' own warnings, are printed
/// first, less those a column's warning says ([`nested::without_covered_priors`]).
fn posterior_of(
    path: Option<&Path>,
    scenarios: &[(&Scenario, crate::api::SetLists<'_>)],
    loaded: crate::scenario::Diagnostics,
) -> Result<Option<nested::Posterior>, CliError> {
    Ok(posterior_with_text(path, scenarios, loaded)?.map(|(p, _)| p))
}

/// [`posterior_of`], with the posterior's text as it was read.
fn posterior_with_text(
    path: Option<&Path>,
    scenarios: &[(&Scenario, crate::api::SetLists<'_>)],
    loaded: crate::scenario::Diagnostics,
) -> Result<Option<(nested::Posterior, String)>, CliError> {
    let say = |w: &crate::scenario::Diagnostics| {
        if !w.0.is_empty() {
            note_raw!("{w}");
        }
    };
    let read = |p: &Path| {
        if let Some(d) = crate::scenario::kind::refuse_as_draws(p, false) {
            return Err(CliError::Input(d));
        }
        let text = nested::read_posterior_text(p).map_err(CliError::Input)?;
        let post = nested::parse_posterior(p, &text).map_err(CliError::Input)?;
        if let Some(faults) = scenarios
            .iter()
            .map(|(s, _)| nested::column_faults(&post, &text, s))
            .find(|f| !f.is_empty())
        {
            return Err(CliError::Input(crate::scenario::Diagnostics(faults)));
        }
        Ok((post, text))
    };
    let Some(p) = path else {
        say(&loaded);
        return Ok(None);
    };
    let (post, text) = match read(p) {
        Ok(x) => x,
        Err(e) => {
            say(&loaded);
            return Err(e);
        }
    };
    say(&nested::without_covered_priors(loaded, &post, scenarios));
    // A column a dated policy changes, a value set on a path a column draws: the words of
    // a prior in the scenario file, once for A and B alike.
    say(&nested::posterior_warnings(&post, &text, scenarios));
    Ok(Some((post, text)))
}

/// The refusals of `deter run FILE` with `--posterior` or `[[uncertain]]` priors, sharded
/// or not, before anything is read but the file: what the draws come from, in words.
fn nested_refusals(args: &RunArgs) -> Result<&'static str, CliError> {
    let what = match &args.posterior {
        Some(_) => "--posterior",
        None => "[[uncertain]] priors",
    };
    // `--draws` alone made the run nested and no file declares priors: nothing is uncertain
    // in any of them, the fault to fix first (not the number of files, which names priors
    // that are not there).
    if args.posterior.is_none() && args.files.len() != 1 && with_priors(&args.files).is_none() {
        return Err(nothing_uncertain(args.draws, "any of the scenarios"));
    }
    if args.files.len() != 1 {
        // At the flag that made the run nested, as `--shard`'s one file is; priors alone
        // have no flag to point at.
        let at = match (&args.posterior, args.draws) {
            (Some(p), _) => Some((
                "--posterior",
                p.display().to_string(),
                "--posterior DRAWS.csv",
            )),
            (None, Some(d)) => Some(("--draws", d.to_string(), "--draws D")),
            (None, None) => None,
        };
        return Err(match at {
            Some((flag, text, usage)) => super::one_file_fault(
                flag,
                &text,
                &format!("for nested Monte Carlo ({what})"),
                &args.files,
                &format!("run the files one at a time: `deter run FILE {usage}` for each file"),
            ),
            None => CliError::Usage(format!(
                "nested Monte Carlo ({what}) takes one scenario file; run the files one at a time"
            )),
        });
    }
    // Nothing uncertain is the fault to fix first: the flag refusals below would send the
    // user to drop a flag only to meet it next.
    if args.posterior.is_none()
        && crate::scenario::load_file(&args.files[0]).is_ok_and(|s| s.uncertain.is_empty())
    {
        return Err(nothing_uncertain(args.draws, "the scenario"));
    }
    if let Some(path) = &args.per_run {
        return Err(super::combination_fault(
            "--per-run",
            &path.display().to_string(),
            &format!("expected no --per-run file in nested Monte Carlo ({what})"),
            "a nested run's runs are per parameter draw and it writes no per-run rows; run \
             without --per-run (or without the draws, for a plain run's rows)",
        ));
    }
    if args.per_run_rows {
        return Err(refuse("--per-run-rows", what));
    }
    // A flag with a value is refused at it, as --per-run above and as `deter compare`
    // refuses them in a nested comparison.
    if let Some(x) = args.until.until_ci {
        return Err(super::combination_fault(
            "--until-ci",
            &x.to_string(),
            &format!("expected no --until-ci in nested Monte Carlo ({what})"),
            "a nested run's budget is its draws and runs per draw: give --draws and --runs, \
             without --until-ci",
        ));
    }
    // Accepted and ignored, they promised output that never came (no charts' directory, no
    // per-year rows in the table): refused as the others.
    if let Some(dir) = &args.output.plots {
        return Err(super::combination_fault(
            "--plots",
            &dir.display().to_string(),
            &format!("expected no --plots in nested Monte Carlo ({what})"),
            "run without --plots (--report draws the charts)",
        ));
    }
    if args.yearly {
        return Err(refuse("--yearly", what));
    }
    Ok(what)
}

/// The scenario of a nested run with `--set` applied, and its posterior (and the
/// posterior's text), every warning printed; the outputs checked against the inputs.
fn nested_inputs(
    args: &RunArgs,
    outputs: &[&PathBuf],
) -> Result<(Scenario, Option<(nested::Posterior, String)>), CliError> {
    let file = &args.files[0];
    // The file's warnings are said with the posterior's (a column that draws a gated key's
    // switch makes the key's warning false), or before a refusal that comes first.
    let (mut scenario, mut inputs, _, mut loaded) =
        super::load_with_sets_warnings(file, args.sim.horizon_years, &[])?;
    let first = |e: CliError| {
        if !loaded.0.is_empty() {
            note_raw!("{loaded}");
        }
        e
    };
    if let Some(p) = &args.posterior {
        inputs.push(p.clone());
    }
    for (flag, out) in [
        ("--out", &args.output.out),
        ("--report", &args.output.report),
    ] {
        if let Some(out) = out {
            super::output_file_fault(flag, out, &inputs).map_err(first)?;
        }
    }
    crate::output::check_outputs(outputs, &inputs).map_err(|e| first(CliError::Usage(e)))?;
    args.output.check_extension().map_err(first)?;
    let origin = file.display().to_string();
    crate::scenario::overrides::apply_texts(&mut scenario, &args.set, &origin)
        .map_err(|e| first(CliError::Input(e)))?;
    let reset = crate::scenario::overrides::policy_warnings(&scenario, &args.set, &origin, "--set");
    loaded.0.extend(reset.0);
    let sets = [(args.set.as_slice(), "--set")];
    let post = posterior_with_text(args.posterior.as_deref(), &[(&scenario, &sets[..])], loaded)?;
    if let Some((p, _)) = &post {
        for w in nested::fixed_mismatches(p, &scenario) {
            note!("warning: {w}");
        }
    }
    Ok((scenario, post))
}

/// `deter run FILE` with `--posterior` or `[[uncertain]]` priors.
pub fn run_nested(args: &RunArgs) -> Result<(), CliError> {
    nested_refusals(args)?;
    let file = &args.files[0];
    let outputs: Vec<&PathBuf> = args.output.out.iter().chain(&args.output.report).collect();
    let (scenario, post) = nested_inputs(args, &outputs)?;
    let post = post.map(|(p, _)| p);
    let budget = nested_budget(args.draws, args.sim.runs)?;
    let bar = progress_bar(budget.total_runs(), args.output.quiet);
    let tick = |n: u64| bar.inc(n);
    let control = crate::api::Control {
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    let started = std::time::Instant::now();
    let result = crate::api::run_nested(
        &scenario,
        post.as_ref(),
        &settings(&args.sim),
        args.draws,
        control,
    );
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let n = result.map_err(|e| api_error(e, &args.files[0].display().to_string()))?;
    let shown = args.posterior.as_ref().map(|p| p.display().to_string());
    let timing = nested_timing(
        wall,
        n.draws * n.runs_per_draw,
        crate::settings::resolve_threads(settings(&args.sim).threads),
    );
    write_nested(
        &args.output,
        &n,
        &scenario,
        &file.display().to_string(),
        shown.as_deref(),
        &timing,
    )
}

/// The timing of a nested run or comparison's table, in the words of a plain run's:
/// `wall` seconds for `runs` runs (pairs) on `threads` threads.
fn nested_timing(wall: f64, runs: u64, threads: usize) -> String {
    let rate = if wall > 0.0 { runs as f64 / wall } else { 0.0 };
    crate::report::table::timing_words(wall, rate, threads, None)
}

/// `deter run FILE --shard K/N` with `--posterior` or `[[uncertain]]` priors: the checks and
/// warnings of the unsharded nested run, then this shard's block of its draws x runs
/// (`super::shard::nested_shard`).
pub fn run_nested_shard(args: &RunArgs, spec: crate::shard::ShardSpec) -> Result<(), CliError> {
    nested_refusals(args)?;
    super::shard::refuse_set(args)?;
    // The shard's Slurm variables before any work.
    let spec = crate::shard::ShardSpec::Explicit(super::shard::resolve(spec)?);
    let file = &args.files[0];
    let outputs: Vec<&PathBuf> = args.output.out.iter().collect();
    let (scenario, post) = nested_inputs(args, &outputs)?;
    super::flags::check_partial_name(args.output.out.as_deref())?;
    // Read right after validating, to embed it in the partial file.
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Failure(format!("cannot read `{}`: {e}", file.display())))?;
    nested_budget(args.draws, args.sim.runs)?;
    let (post, post_text) = match post {
        Some((p, t)) => (Some(p), Some(t)),
        None => (None, None),
    };
    let plan = crate::api::plan_nested(&scenario, post.as_ref(), &settings(&args.sim), args.draws)
        .map_err(|e| api_error(e, &file.display().to_string()))?;
    let posterior = match (&args.posterior, post_text) {
        (Some(p), Some(t)) => Some((p.as_path(), t)),
        _ => None,
    };
    super::shard::nested_shard(
        super::shard::NestedShard {
            plan,
            file,
            text,
            posterior,
            horizon_years: args.sim.horizon_years,
            out: args.output.out.as_deref(),
            quiet: args.output.quiet,
        },
        spec,
    )
}

/// Write a nested run's outputs as `deter run` writes them (and `deter merge` of its
/// shards): the page of `--report`, then the table, JSON or CSV to `--out` or stdout.
/// `file` is the scenario file as given, `shown` the posterior's, `timing` the table's
/// ([`crate::report::table::timing_words`]).
pub fn write_nested(
    output: &super::flags::OutputFlags,
    n: &nested::Nested,
    scenario: &Scenario,
    file: &str,
    shown: Option<&str>,
    timing: &str,
) -> Result<(), CliError> {
    let name = &scenario.meta.name;
    if let Some(report) = &output.report {
        emit(Some(report), nested_out::html(n, name, shown).as_bytes())?;
    }
    let bytes = match output.format() {
        Format::Json => nested_out::json(n, name, shown).into_bytes(),
        Format::Csv => nested_out::csv(n, file, name),
        Format::Table => {
            let mut t = nested::table(n, name, file, scenario.meta.horizon_years, timing);
            t.push_str(&format!(
                "Uncertain parameters: {}.\n{NO_ATTRIBUTION}\n",
                nested_out::source_text(&n.parameters, shown)
            ));
            // The posterior's file name is printed: nothing in it may drive the terminal.
            crate::scenario::printable_lines(&t)
                .into_owned()
                .into_bytes()
        }
    };
    emit(output.out.as_deref(), &bytes)
}

/// Whether `deter compare A B` must do nested Monte Carlo.
pub fn compare_wants_nested(
    args: &super::compare::CompareArgs,
    a: &Scenario,
    b: &Scenario,
) -> bool {
    args.posterior.is_some()
        || args.draws.is_some()
        || !a.uncertain.is_empty()
        || !b.uncertain.is_empty()
}

/// `deter compare A B` with `--posterior` or `[[uncertain]]` priors: the policy effect over
/// parameter draws.
pub fn compare_nested(
    args: &super::compare::CompareArgs,
    a: &Scenario,
    b: &Scenario,
    loaded: crate::scenario::Diagnostics,
) -> Result<(), CliError> {
    if let Some(p) = &args.posterior {
        let outputs: Vec<&PathBuf> = args.output.out.iter().chain(&args.output.report).collect();
        let located = [
            ("--out", &args.output.out),
            ("--report", &args.output.report),
        ]
        .into_iter()
        .filter_map(|(flag, out)| out.as_ref().map(|o| (flag, o)))
        .try_for_each(|(flag, out)| super::output_file_fault(flag, out, std::slice::from_ref(p)));
        if let Err(e) = located.and_then(|()| {
            crate::output::check_outputs(&outputs, std::slice::from_ref(p)).map_err(CliError::Usage)
        }) {
            if !loaded.0.is_empty() {
                note_raw!("{loaded}");
            }
            return Err(e);
        }
    }
    let sets_a = [(args.set.as_slice(), "--set")];
    let sets_b = [
        (args.set.as_slice(), "--set"),
        (args.set_b.as_slice(), "--set-b"),
    ];
    let post = posterior_of(
        args.posterior.as_deref(),
        &[(a, &sets_a[..]), (b, &sets_b[..])],
        loaded,
    )?;
    if let Some(p) = &post {
        for (label, x) in [("A", a), ("B", b)] {
            for w in nested::fixed_mismatches(p, x) {
                note!("warning: {label}: {w}");
            }
        }
    }
    // Two priors for one path: refused at B's, as every fault of a file is located.
    if let Some((u, message)) = nested::conflicting_prior(a, b) {
        let help = format!(
            "A ({}) and B ({}) are run on the same draws of each uncertain parameter",
            args.a.display(),
            args.b.display()
        );
        return Err(CliError::Input(crate::scenario::Diagnostics(vec![
            u.written_at.error(&u.path, message, help),
        ])));
    }
    // A prior on one side only: the other side is run on its draws too, so the comparison
    // says nothing of that parameter (a file against its copy with priors differs in nothing).
    for (u, [mine, theirs], other) in nested::one_sided_priors(a, b) {
        note_raw!(
            "{}",
            crate::scenario::Diagnostics(vec![u.written_at.warning(
                &u.path,
                format!(
                    "`{}` has a prior in {mine} only: {theirs} is run on the same draws of it, \
                     not at its own value ({}), so the comparison says nothing of this \
                     parameter",
                    u.path,
                    crate::sweep::spec::compact(other)
                ),
                format!(
                    "a nested comparison runs A and B on the same parameter draws; to compare \
                     {mine}'s uncertain value with {theirs}'s fixed one, compare plain runs at \
                     chosen values (`deter compare` without priors, or a sweep over the path)"
                ),
            )])
        );
    }
    if post.is_none() && nested::shared_priors(a, b).is_ok_and(|p| p.is_empty()) {
        return Err(nothing_uncertain(args.draws, "either scenario"));
    }
    let budget = nested_budget(args.draws, args.sim.runs)?;
    // Horizons (`--horizon-years` applied at load) in the command line's words, before the
    // library refuses them in a program's.
    let (ha, hb) = (a.meta.horizon_years, b.meta.horizon_years);
    if ha != hb {
        return Err(CliError::Usage(
            crate::compare::CompareError::Horizon(ha, hb).to_string(),
        ));
    }
    let bar = progress_bar(budget.total_runs(), args.output.quiet);
    let tick = |n: u64| bar.inc(n);
    let control = crate::api::Control {
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    let mut s = settings(&args.sim);
    s.seed = Some(args.sim.seed.unwrap_or(a.meta.seed));
    let started = std::time::Instant::now();
    let result = crate::api::compare_nested(a, b, post.as_ref(), &s, args.draws, control);
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let c = result
        .map_err(|e| api_error(e, &format!("{} and {}", args.a.display(), args.b.display())))?;
    let (na, nb) = (&a.meta.name, &b.meta.name);
    // Each side named with its file, as a plain comparison names them: an overlay that keeps
    // its base's name is told apart from it.
    let (la, lb) = (
        format!("{na} ({})", args.a.display()),
        format!("{nb} ({})", args.b.display()),
    );
    let shown = args.posterior.as_ref().map(|p| p.display().to_string());
    if let Some(report) = &args.output.report {
        emit(
            Some(report),
            nested_out::compare_html(
                &c,
                na,
                nb,
                (&args.a.display().to_string(), &args.b.display().to_string()),
                shown.as_deref(),
            )
            .as_bytes(),
        )?;
    }
    let bytes = match args.output.format() {
        Format::Json => nested_out::compare_json(&c, na, nb, shown.as_deref()).into_bytes(),
        Format::Csv => nested_out::compare_csv(
            &c,
            &format!(
                "{} vs {}",
                crate::output::csv_path(&args.a.display().to_string()),
                crate::output::csv_path(&args.b.display().to_string())
            ),
            na,
            nb,
        ),
        Format::Table => {
            let timing = nested_timing(
                wall,
                c.draws * c.runs_per_draw,
                crate::settings::resolve_threads(s.threads),
            );
            // Paired runs: "pairs/s", as a plain comparison's table says.
            let timing = timing.replacen(" runs/s ", " pairs/s ", 1);
            let mut t = nested::compare_table(&c, &la, &lb, ha, &timing);
            t.push_str(&format!(
                "Uncertain parameters: {}.\n{NO_ATTRIBUTION}\n",
                nested_out::source_text(&c.parameters, shown.as_deref())
            ));
            crate::scenario::printable_lines(&t)
                .into_owned()
                .into_bytes()
        }
    };
    emit(args.output.out.as_deref(), &bytes)
}

/// The budget of a nested run or comparison ([`crate::settings::check_nested`]), its refusal
/// located at the flag that set it (`--runs 1`: at least 2 runs per draw; draws x runs over
/// the limit: at `--runs`, or at `--draws` when `--runs` is its default) with a help line; it
/// was a plain "error: --runs 1 per draw: ...".
fn nested_budget(
    draws: Option<u64>,
    runs: Option<u64>,
) -> Result<crate::settings::NestedBudget, CliError> {
    crate::settings::check_nested(draws, runs, crate::settings::Caller::Cli).map_err(|e| {
        let (flag, value) = match (runs, draws) {
            (Some(r), _) => ("--runs", r),
            (None, Some(d)) => ("--draws", d),
            (None, None) => return CliError::Usage(e.0),
        };
        let (d, r) = (
            draws.unwrap_or(crate::settings::DEFAULT_DRAWS),
            runs.unwrap_or(crate::settings::DEFAULT_RUNS_PER_DRAW),
        );
        let (message, help) = if r < 2 {
            (
                format!("expected at least 2 runs per draw, found {r}"),
                "a nested run estimates each draw's Monte Carlo spread from its runs: give \
                 --runs 2 or more"
                    .to_string(),
            )
        } else {
            (
                format!(
                    "expected draws x runs at most {}, found {d} x {r}",
                    crate::MAX_RUNS
                ),
                "give fewer --draws or fewer --runs per draw".to_string(),
            )
        };
        super::FlagFault {
            help: Some(help),
            ..super::FlagFault::new(flag, &value.to_string(), message)
        }
        .into()
    })
}
