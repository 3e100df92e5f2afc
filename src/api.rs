//! The library facade: what a program embedding deter (the Python package, a web service, a
//! notebook) calls. Everything here is stable and documented; the modules behind it
//! (`engine`, `model`, `report`, ...) are deter's own and may change between versions.
//!
//! ```no_run
//! use deter::{Control, Settings};
//! let scenario = deter::load("scenarios/western-balkans-2024.toml".as_ref())?;
//! let settings = Settings { runs: Some(10_000), seed: Some(7), ..Settings::default() };
//! let report = deter::run(&scenario, &settings, Control::default())?;
//! println!("P(use of force) = {:.3}", report.outcomes.get("use_of_force").unwrap().p);
//! # Ok::<(), deter::Error>(())
//! ```
//!
//! Shapes and units: a [`Report`] is the JSON contract of docs/OUTPUT.md (probabilities are
//! shares of runs in [0, 1] with Wilson 95% intervals; money in the scenario's currency unit,
//! bn; time in years; one entry per rivalry and per year of the horizon). Results depend only
//! on (scenario, seed, runs, engine version), never on `threads`.
//!
//! Cancellation: set the flag in [`Control::cancel`] from any thread (a signal handler, a
//! Python `KeyboardInterrupt` check); the call returns [`Error::Interrupted`] within one
//! simulated run ([`merge`], [`merge_with_rows`], [`merge_nested`]: within one part or
//! per-run row of the partial files, nothing written). Progress: [`Control::progress`] is
//! called with the number of runs just finished, from worker threads.
#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::engine::{self, RunPlan};
use crate::model::Compiled;
use crate::report::RunInfo;
use crate::shard::{self, Kind};

pub use crate::calibrate::nested::{Draws, Nested, NestedComparison, Posterior};
pub use crate::engine::Hooks as Control;
pub use crate::report::Report;
pub use crate::report::compare::ComparisonReport;
pub use crate::scenario::overrides::Applied;
pub use crate::scenario::{Diagnostics, Scenario};
pub use crate::settings::{NestedBudget, Resolved, Settings};

/// Why a facade call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file is invalid: every problem with file:line:col, key path, the expected
    /// value and a did-you-mean (`Display` renders them with source excerpts).
    #[error("{0}")]
    Input(Diagnostics),
    /// A setting is out of range (runs, seed, threads, horizon, `until_ci`), the scenarios of
    /// a comparison cannot be paired, or partial files do not form a complete set.
    #[error("{0}")]
    Invalid(String),
    /// The tallies would not fit in memory (`engine::MAX_TALLY_BYTES`): fewer threads, a
    /// shorter horizon or fewer rivalries.
    #[error("{0}")]
    TooLarge(String),
    /// The cancellation flag was set; nothing was produced.
    #[error("interrupted")]
    Interrupted,
    /// A file could not be written, or failed while being read or written during the work
    /// (an input file that cannot be read at all is [`Error::Input`]: the command line's
    /// `FILE: error: cannot read file: REASON`, whatever the file's kind).
    #[error("{0}")]
    Io(String),
}

impl From<crate::settings::SettingsError> for Error {
    fn from(e: crate::settings::SettingsError) -> Self {
        Error::Invalid(e.0)
    }
}

impl From<engine::Interrupted> for Error {
    fn from(_: engine::Interrupted) -> Self {
        Error::Interrupted
    }
}

/// Read and validate a scenario file (its `extends` chain resolved, every number range
/// checked, derived values filled in).
///
/// Errors: [`Error::Input`] with every problem found.
pub fn load(path: &Path) -> Result<Scenario, Error> {
    crate::scenario::load_file(path).map_err(Error::Input)
}

/// Validate a scenario given as TOML text; `name` is used in messages (a file name).
/// `extends` is not available without a file.
///
/// Errors: [`Error::Input`] with every problem found.
pub fn parse(text: &str, name: &str) -> Result<Scenario, Error> {
    crate::scenario::parse_str(text, name).map_err(Error::Input)
}

/// [`load`], also returning the file's warnings (those `deter validate` prints and every
/// command that runs the file prints first: an intra-alliance rivalry, implausible currency
/// figures, a policy dated outside the horizon, ...; docs/MODEL.md). They never stop a run.
///
/// Errors: [`Error::Input`] with every problem found.
pub fn load_with_warnings(path: &Path) -> Result<(Scenario, Diagnostics), Error> {
    crate::scenario::load_file_with_warnings(path).map_err(Error::Input)
}

/// [`parse`], also returning the text's warnings, as [`load_with_warnings`].
///
/// Errors: [`Error::Input`] with every problem found.
pub fn parse_with_warnings(text: &str, name: &str) -> Result<(Scenario, Diagnostics), Error> {
    crate::scenario::parse_str_with_warnings(text, name).map_err(Error::Input)
}

/// [`load_with_warnings`] for a run at `horizon_years` ([`Settings::horizon_years`]): the
/// warnings that depend on the horizon (a policy that starts after it ends) are checked
/// against the horizon the run will use, as `deter run --horizon-years` checks them, not
/// against the file's `scenario.horizon_years`. The scenario keeps the file's horizon ([`run`]
/// and [`compare`] apply the setting); a horizon out of range is left to them to refuse (the
/// file's horizon is used for the warnings). `None`: [`load_with_warnings`].
///
/// Errors: [`Error::Input`] with every problem found.
pub fn load_with_warnings_at(
    path: &Path,
    horizon_years: Option<u32>,
) -> Result<(Scenario, Diagnostics), Error> {
    crate::scenario::load_file_with_inputs_and_warnings(path, given_horizon(horizon_years))
        .0
        .map_err(Error::Input)
}

/// [`parse_with_warnings`] for a run at `horizon_years`, as [`load_with_warnings_at`].
///
/// Errors: [`Error::Input`] with every problem found.
pub fn parse_with_warnings_at(
    text: &str,
    name: &str,
    horizon_years: Option<u32>,
) -> Result<(Scenario, Diagnostics), Error> {
    crate::scenario::parse_str_with_warnings_at(text, name, given_horizon(horizon_years))
        .map_err(Error::Input)
}

/// A horizon override the run will use, named as the library's caller gives it
/// (`horizon_years`) in the warnings that depend on it, or None (none asked, or one out of
/// range: refused by the run in its own words).
fn given_horizon(horizon_years: Option<u32>) -> Option<crate::settings::GivenHorizon> {
    crate::settings::GivenHorizon::in_range(horizon_years, crate::settings::Caller::Library)
}

/// Check a scenario file without running it: `Ok` when it is valid (warnings, if any, are in
/// the returned [`Diagnostics`]).
///
/// Errors: [`Error::Input`] with every problem found.
pub fn validate(path: &Path) -> Result<Diagnostics, Error> {
    crate::scenario::load_file_with_warnings(path)
        .map(|(_, w)| w)
        .map_err(Error::Input)
}

/// Apply what-ifs `PATH=VALUE` (`--set`, Python `set=`) to `scenario`, each checked like the
/// same edit in the file (unknown path: did-you-mean; out of range: the range); `flag` names
/// them in messages (`--set`, `set=`). Returns what each replaced, for the report's
/// `overrides`.
///
/// Errors: [`Error::Input`] with every problem found (nothing is applied then).
pub fn apply_set(
    scenario: &mut Scenario,
    texts: &[String],
    flag: &str,
) -> Result<Vec<Applied>, Error> {
    crate::scenario::overrides::apply_texts(scenario, texts, flag).map_err(Error::Input)
}

/// The warnings of what-ifs `texts` applied to `scenario` by [`apply_set`] (call it on the
/// scenario as overridden): each path an enabled policy of the scenario changes later, from
/// when and by which policy the value given stops holding, in the words of `deter run --set`.
pub fn set_warnings(scenario: &Scenario, texts: &[String], flag: &str) -> Diagnostics {
    crate::scenario::overrides::policy_warnings(scenario, texts, flag, flag)
}

/// The warnings of `scenario` as it is run once what-ifs replaced values of it, those `deter
/// run --set --horizon-years` prints: `warnings` (what [`load_with_warnings_at`] or
/// [`parse_with_warnings_at`] returned at `horizon_years`), less those about the start of a
/// policy that a what-if dates anew, plus those its new date brings (a start after the
/// horizon ends, or before the scenario starts: the file's words, located at the text, the
/// horizon named `horizon_years`), then [`set_warnings`] of each list at that horizon.
/// `sets`: each list of `PATH=VALUE` texts applied by [`apply_set`], in order, with the name
/// it was applied under (`set=`); `scenario`: as overridden, at its file's horizon.
pub fn warnings_as_run(
    scenario: &Scenario,
    warnings: Diagnostics,
    sets: &[(&[String], &str)],
    horizon_years: Option<u32>,
) -> Diagnostics {
    let given = given_horizon(horizon_years);
    // The scenario as run: at the horizon asked for (the command line applies it first).
    let mut s = scenario.clone();
    if let Some(h) = given {
        s.meta.horizon_years = h.years;
    }
    let mut out = crate::scenario::overrides::warnings_with_sets(&s, warnings, sets, given);
    for &(texts, flag) in sets {
        out.0
            .extend(crate::scenario::overrides::policy_warnings(&s, texts, flag, flag).0);
    }
    out
}

/// Resolve `settings` for `scenario`: the horizon override applied to a copy, runs, seed,
/// threads and adaptive stopping checked.
fn prepare(scenario: &Scenario, settings: &Settings) -> Result<(Scenario, Resolved), Error> {
    let mut s = scenario.clone();
    settings.apply(&mut s)?;
    let r = settings.resolve(&s)?;
    Ok((s, r))
}

/// Simulate `scenario` and summarise it.
///
/// `settings` gives runs (default: the scenario's `runs`), seed (default: its `seed`), threads
/// (0 = one per core), a horizon override and optional adaptive stopping (`until_ci`, capped
/// by `max_runs`). The [`Report`]'s `scenario_sha256` is [`Scenario::fingerprint`] after the
/// override.
///
/// Errors: [`Error::Invalid`] for a setting out of range, [`Error::TooLarge`] when the
/// tallies would not fit in memory, [`Error::Interrupted`] when `control.cancel` was set.
pub fn run(
    scenario: &Scenario,
    settings: &Settings,
    control: Control<'_>,
) -> Result<Report, Error> {
    let (s, r) = prepare(scenario, settings)?;
    // Before compiling: the worlds it allocates grow with the square of the countries.
    engine::check_memory_before(
        &s,
        !settings.no_attribution,
        r.threads,
        engine::at_once(r.runs, r.until.as_ref()),
    )
    .map_err(Error::TooLarge)?;
    let compiled = settings.attributed(Compiled::new(&s));
    engine::check_memory(
        &compiled,
        r.threads,
        engine::at_once(r.runs, r.until.as_ref()),
    )
    .map_err(Error::TooLarge)?;
    let started = Instant::now();
    let (aggregate, stopping) = engine::with_threads(r.threads, || match r.until {
        None => {
            let plan = RunPlan {
                seed: r.seed,
                first: 0,
                count: r.runs,
                stream_offset: 0,
            };
            engine::run(&compiled, &plan, control).map(|a| (a, None))
        }
        Some(u) => {
            engine::until::run_until(&compiled, r.seed, 0, &u, control).map(|(a, st)| (a, Some(st)))
        }
    })?;
    let info = RunInfo {
        scenario_sha256: s.fingerprint(),
        seed: r.seed,
        wall_seconds: started.elapsed().as_secs_f64(),
        threads: r.threads,
        policies: crate::report::PolicyOut::of(&s),
    };
    let mut report = Report::build(&compiled, &aggregate, &info);
    report.stopping = stopping.as_ref().map(crate::report::StoppingOut::from);
    // The tallies' pages back to the system: the caller's JSON text of the report
    // (`report_json`) is not built on top of them (`tests/memory.rs`).
    drop(aggregate);
    engine::release_freed_memory();
    Ok(report)
}

/// The refusal of `set=` what-ifs given with the sweep, calibration or historical record
/// file at `path`, in the Python package's words (`deter validate --set` refuses them in the
/// command line's): decided from the file's kind before the file is checked. None for a
/// scenario file.
pub fn refuse_set(path: &Path) -> Option<String> {
    crate::scenario::kind::refuse_set(path, true)
}

/// Why a comparison of `a` and `b` has no GDP lost row: their `[scenario].currency` units
/// differ (the sentence `deter compare` warns with, and the report's
/// `gdp_lost_not_compared`); None for one unit.
pub fn gdp_lost_not_compared(a: &Scenario, b: &Scenario) -> Option<String> {
    crate::compare::currency_mismatch(&a.meta.currency, &b.meta.currency)
}

/// Compare scenario `b` with scenario `a` under common random numbers: run `i` of both draws
/// from the same streams, so the paired 95% intervals of every difference P(B) - P(A) are
/// narrower than independent samples would give. Runs and seed default to `a`'s.
///
/// With `settings.until_ci`, pairs of runs are added in blocks until the paired 95% interval
/// of every headline difference B - A has at most that half-width, or `max_runs` is reached
/// (`deter compare --until-ci`; the report's `stopping` says which).
///
/// Errors: as [`run`], and [`Error::Invalid`] when the horizons differ (set
/// `settings.horizon_years`).
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    settings: &Settings,
    control: Control<'_>,
) -> Result<ComparisonReport, Error> {
    let (sa, r) = prepare(a, settings)?;
    let (sb, _) = prepare(b, settings)?;
    // Before compiling: the worlds it allocates grow with the square of the countries.
    crate::compare::check_scenarios_memory(
        &sa,
        &sb,
        !settings.no_attribution,
        r.threads,
        engine::at_once(r.runs, r.until.as_ref()),
    )
    .map_err(Error::TooLarge)?;
    let (ca, cb) = (
        settings.attributed(Compiled::new(&sa)),
        settings.attributed(Compiled::new(&sb)),
    );
    let pairing = crate::compare::check(&ca, &cb)
        .map_err(|e| Error::Invalid(e.message_as(crate::settings::Caller::Library)))?;
    crate::compare::check_memory(
        &ca,
        &cb,
        r.threads,
        engine::at_once(r.runs, r.until.as_ref()),
    )
    .map_err(Error::TooLarge)?;
    let started = Instant::now();
    let (cmp, stopping) = engine::with_threads(r.threads, || match &r.until {
        None => crate::compare::run_paired(&ca, &cb, &pairing, r.seed, r.runs, control)
            .map(|c| (c, None)),
        Some(u) => crate::compare::run_paired_until(&ca, &cb, &pairing, r.seed, u, control)
            .map(|(c, st)| (c, Some(st))),
    })?;
    let wall = started.elapsed().as_secs_f64();
    let report_of = |c: &Compiled, s: &Scenario, agg| {
        let info = RunInfo {
            scenario_sha256: s.fingerprint(),
            seed: r.seed,
            wall_seconds: wall,
            threads: r.threads,
            policies: crate::report::PolicyOut::of(s),
        };
        Report::build(c, agg, &info)
    };
    let (ra, rb) = (report_of(&ca, &sa, &cmp.a), report_of(&cb, &sb, &cmp.b));
    let timing = ra.timing.clone();
    let mut report = ComparisonReport::build(&cmp, ra, rb, timing).with_changes(&sa, &sb);
    report.stopping = stopping.as_ref().map(crate::report::StoppingOut::from);
    // Both sides' tallies (and the workers', freed on the pool's threads) back to the
    // system: the caller's JSON text of the comparison is not built on top of them
    // (`tests/memory.rs`), as in [`run`].
    drop(cmp);
    engine::release_freed_memory();
    Ok(report)
}

/// The warnings of a run of `scenario` under `posterior` whose calibration fixed values
/// (`posterior.fixed`, its `# set = PATH=VALUE` lines) the scenario does not have: one
/// sentence each, the words `deter run --posterior` prints after "warning: " ("FILE:LINE:
/// these draws were calibrated with `PATH=VALUE` fixed but this scenario has PATH = NOW: add
/// --set PATH=VALUE to run under the conditions of the calibration", LINE that of the `# set`
/// line, `posterior.fixed_at`; FILE alone when it is not known). Empty when every fixed value
/// agrees. Nothing is changed: a run under the posterior goes ahead as asked.
pub fn fixed_mismatches(posterior: &Posterior, scenario: &Scenario) -> Vec<String> {
    crate::calibrate::nested::fixed_mismatches(posterior, scenario)
}

/// Read a posterior (deter calibrate's `posterior.csv`) for [`run_nested`] and
/// [`compare_nested`]: [`read_posterior_for`] with no scenario to check it against.
///
/// Errors: [`Error::Input`] for every fault of the file, with the command line's message, as
/// [`read_posterior_for`] gives it: one that cannot be read (missing, a directory, no
/// permission: `FILE: error: cannot read file: REASON`, as [`load`] gives it for a scenario
/// and [`merge`] for a partial file), a malformed one (at its line and column), one larger
/// than 256 MiB or not UTF-8.
pub fn read_posterior(path: &Path) -> Result<Posterior, Error> {
    read_posterior_for(path, &[])
}

/// [`read_posterior`] checked against the scenarios it will run under, every fault located as
/// `deter run --posterior` and `deter compare --posterior` locate it: a malformed line or
/// cell, a column that is not a parameter of a scenario (at its header cell, with the
/// did-you-mean) or a value out of its parameter's range (at its cell) is an
/// [`Error::Input`] with the command line's `FILE:LINE:COL`, key and help. (Through
/// [`read_posterior`] and [`run_nested`] an unknown column was "parameter `X` of the draws:
/// ...", with no line.)
///
/// Errors: [`Error::Input`], also when the file cannot be read (missing, no permission, a
/// directory or another non-regular file: the command line's message, `FILE: error: cannot
/// read file: REASON`, as [`load`] gives it for a scenario).
pub fn read_posterior_for(path: &Path, scenarios: &[&Scenario]) -> Result<Posterior, Error> {
    posterior_and_text(path, scenarios).map(|(post, _)| post)
}

/// [`read_posterior_for`], also returning the warnings `deter run --posterior` and `deter
/// compare --posterior` print before they run: each column a dated policy of a scenario
/// changes (from the policy's start on it overrides each draw), and each what-if given to a
/// scenario on a path a column draws (in every draw the column's value replaces it), in the
/// words of the same warnings about a scenario's `[[uncertain]]` prior, at the column's
/// header cell; a warning both scenarios give is returned once. `scenarios`: each scenario
/// as overridden with the lists of `PATH=VALUE` texts applied to it by [`apply_set`], with
/// the name each was applied under (`--set`, `set=`).
///
/// Errors: as [`read_posterior_for`].
pub fn read_posterior_with_warnings(
    path: &Path,
    scenarios: &[(&Scenario, SetLists<'_>)],
) -> Result<(Posterior, Diagnostics), Error> {
    let plain: Vec<&Scenario> = scenarios.iter().map(|(s, _)| *s).collect();
    let (post, text) = posterior_and_text(path, &plain)?;
    let warnings = crate::calibrate::nested::posterior_warnings(&post, &text, scenarios);
    Ok((post, warnings))
}

/// `warnings` of `scenarios` (as loaded, with the what-ifs applied) less those a column of
/// `posterior` says in their place: a value set on a path that both an `[[uncertain]]` prior
/// and a column draw is said once, at the column, naming the prior
/// ([`read_posterior_with_warnings`]); the prior's own warning (remove the prior to run with
/// the value) is dropped, as removing the prior would not let the value hold. What `deter run
/// --posterior` and `deter compare --posterior` print.
pub fn without_covered_priors(
    warnings: Diagnostics,
    posterior: &Posterior,
    scenarios: &[(&Scenario, SetLists<'_>)],
) -> Diagnostics {
    crate::calibrate::nested::without_covered_priors(warnings, posterior, scenarios)
}

/// Lists of `PATH=VALUE` what-ifs applied to a scenario by [`apply_set`], in order, each with
/// the name it was applied under (`--set`, `set=`).
pub type SetLists<'a> = &'a [(&'a [String], &'a str)];

/// [`read_posterior_for`] with the text it read.
fn posterior_and_text(path: &Path, scenarios: &[&Scenario]) -> Result<(Posterior, String), Error> {
    use crate::calibrate::nested;
    if let Some(d) = crate::scenario::kind::refuse_as_draws(path, true) {
        return Err(Error::Input(d));
    }
    // Every fault is bad input, in the words and with the exit status (2) of the command
    // line: a file that cannot be read (missing, no permission, a directory) as a scenario's.
    let text = nested::read_posterior_text(path).map_err(Error::Input)?;
    let post = nested::parse_posterior(path, &text).map_err(Error::Input)?;
    if let Some(faults) = scenarios
        .iter()
        .map(|s| nested::column_faults(&post, &text, s))
        .find(|f| !f.is_empty())
    {
        return Err(Error::Input(Diagnostics(faults)));
    }
    Ok((post, text))
}

/// The settings of a nested run resolved once: scenario copy (horizon applied), budget, seed,
/// threads; adaptive stopping refused.
fn prepare_nested(
    scenario: &Scenario,
    settings: &Settings,
    draws: Option<u64>,
) -> Result<(Scenario, NestedBudget, u64, usize), Error> {
    if settings.until_ci.is_some() {
        return Err(Error::Invalid(
            "adaptive stopping (until_ci) does not apply to nested runs: set draws and runs".into(),
        ));
    }
    let mut s = scenario.clone();
    settings.apply(&mut s)?;
    let budget =
        crate::settings::check_nested(draws, settings.runs, crate::sweep::rows::Caller::Library)?;
    let seed = crate::settings::check_seed(
        settings.seed.unwrap_or(s.meta.seed),
        crate::sweep::rows::Caller::Library,
    )?;
    Ok((
        s,
        budget,
        seed,
        crate::settings::resolve_threads(settings.threads),
    ))
}

/// The refusal of a nested run (or comparison) with no posterior and no `[[uncertain]]`
/// priors, naming the setting that asked for draws as `caller` names it, as every flag's
/// fault is named: "--draws 5: nothing is uncertain: ..." on the command line, "`draws` 5:
/// ..." for a program (no prefix when the default number of draws was asked for).
pub fn nothing_uncertain(caller: crate::settings::Caller, draws: Option<u64>) -> String {
    let posterior = match caller {
        crate::settings::Caller::Cli => "--posterior FILE",
        crate::settings::Caller::Library => "a posterior",
    };
    let m = format!(
        "nothing is uncertain: give {posterior} or declare [[uncertain]] priors in the scenario"
    );
    match draws {
        Some(n) => format!(
            "{} {n}: {m}",
            crate::settings::setting_name(caller, "draws")
        ),
        None => m,
    }
}

/// Nested Monte Carlo over what we don't know: `draws` parameter sets (default 100) from
/// `posterior` and/or the scenario's `[[uncertain]]` priors (src/calibrate/nested.rs), each
/// simulated `settings.runs` times (default 1,000 per draw) through the one driver. Reports,
/// per outcome, the mean probability, the 90% interval over the draws, the Monte Carlo error
/// and the parametric share of variance. Deterministic for (scenario, posterior, draws, runs,
/// seed) whatever `threads`.
///
/// Errors: [`Error::Invalid`] with nothing uncertain (no posterior, no priors), a posterior
/// column that is not a path of the scenario, or a setting out of range (`until_ci` does not
/// apply); [`Error::TooLarge`]; [`Error::Interrupted`] within one run of `control.cancel`.
pub fn run_nested(
    scenario: &Scenario,
    posterior: Option<&Posterior>,
    settings: &Settings,
    draws: Option<u64>,
    control: Control<'_>,
) -> Result<Nested, Error> {
    let plan = plan_nested(scenario, posterior, settings, draws)?;
    engine::with_threads(plan.threads, || {
        crate::calibrate::nested::run(&plan.scenario, &plan.draws, plan.runs, plan.seed, control)
    })?
    .map_err(Error::Invalid)
}

/// A nested run made ready ([`plan_nested`]): what [`run_nested`] simulates, and each shard
/// of `deter run FILE --posterior DRAWS.csv --shard K/N` simulates a block of.
#[derive(Debug, Clone)]
pub struct NestedPlan {
    /// The scenario with the settings applied (the horizon).
    pub scenario: Scenario,
    /// The D parameter draws.
    pub draws: crate::calibrate::nested::Draws,
    /// R, runs per draw.
    pub runs: u64,
    /// The master seed: draw d's runs use its streams d x R .. (d + 1) x R.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
}

/// The checks of [`run_nested`] (settings, something uncertain, the posterior's columns and
/// values, the memory guard) and its draws, before any run.
///
/// Errors: as [`run_nested`] but for [`Error::Interrupted`].
pub fn plan_nested(
    scenario: &Scenario,
    posterior: Option<&Posterior>,
    settings: &Settings,
    draws: Option<u64>,
) -> Result<NestedPlan, Error> {
    let (s, budget, seed, threads) = prepare_nested(scenario, settings, draws)?;
    if posterior.is_none() && s.uncertain.is_empty() {
        return Err(Error::Invalid(nothing_uncertain(
            crate::settings::Caller::Library,
            draws,
        )));
    }
    if let Some(p) = posterior {
        crate::calibrate::nested::check_posterior(p, &s).map_err(Error::Invalid)?;
    }
    // The tallies' size depends on the structure (rivalries x years), not on the draw.
    engine::check_memory_before(&s, false, threads, budget.runs).map_err(Error::TooLarge)?;
    engine::check_memory(&Compiled::new(&s), threads, budget.runs).map_err(Error::TooLarge)?;
    let d = crate::calibrate::nested::draw(posterior, &s.uncertain, budget.draws, seed);
    Ok(NestedPlan {
        scenario: s,
        draws: d,
        runs: budget.runs,
        seed,
        threads,
    })
}

/// [`run_nested`] for a paired comparison: A and B on the same parameter draws (the
/// posterior, and the priors both declare, merged by path) and, within each draw, the same run
/// streams. Seed and runs default to A's seed and 1,000 per draw.
///
/// Errors: as [`run_nested`], and [`Error::Invalid`] when A and B declare different priors
/// for one path or cannot be paired (horizons).
pub fn compare_nested(
    a: &Scenario,
    b: &Scenario,
    posterior: Option<&Posterior>,
    settings: &Settings,
    draws: Option<u64>,
    control: Control<'_>,
) -> Result<NestedComparison, Error> {
    let (sa, budget, seed, threads) = prepare_nested(a, settings, draws)?;
    let (sb, _, _, _) = prepare_nested(b, settings, draws)?;
    let priors = crate::calibrate::nested::shared_priors(&sa, &sb).map_err(Error::Invalid)?;
    if posterior.is_none() && priors.is_empty() {
        return Err(Error::Invalid(nothing_uncertain(
            crate::settings::Caller::Library,
            draws,
        )));
    }
    if let Some(p) = posterior {
        crate::calibrate::nested::check_posterior(p, &sa).map_err(Error::Invalid)?;
        crate::calibrate::nested::check_posterior(p, &sb).map_err(Error::Invalid)?;
    }
    crate::compare::check_scenarios_memory(&sa, &sb, false, threads, budget.runs)
        .map_err(Error::TooLarge)?;
    let (ca, cb) = (Compiled::new(&sa), Compiled::new(&sb));
    crate::compare::check(&ca, &cb)
        .map_err(|e| Error::Invalid(e.message_as(crate::settings::Caller::Library)))?;
    crate::compare::check_memory(&ca, &cb, threads, budget.runs).map_err(Error::TooLarge)?;
    let d = crate::calibrate::nested::draw(posterior, &priors, budget.draws, seed);
    engine::with_threads(threads, || {
        crate::calibrate::nested::compare(&sa, &sb, &d, budget.runs, seed, control)
    })?
    .map_err(Error::Invalid)
}

/// A sweep file read and its settings checked: the sweep, its design, adaptive stopping and
/// the thread count (shared by [`sweep`] and [`sweep_streamed`]).
fn prepare_sweep(
    path: &Path,
    settings: &Settings,
) -> Result<
    (
        crate::sweep::Sweep,
        crate::sweep::Design,
        Option<crate::engine::until::UntilCi>,
        usize,
    ),
    Error,
> {
    use crate::sweep::runner;
    let mut sweep = crate::sweep::load_sweep(path).map_err(Error::Input)?;
    let resolved = settings.resolve_sweep(&mut sweep, crate::sweep::rows::Caller::Library)?;
    let (threads, until) = (resolved.threads, resolved.until);
    let design = crate::sweep::Design::new(&sweep);
    let stride = runner::stride(&sweep, until.as_ref());
    runner::check_work(&design, stride).map_err(Error::Invalid)?;
    runner::check_memory(
        &sweep,
        runner::tally_sets(&design, stride, threads),
        engine::driver::stacks(threads),
    )
    .map_err(Error::TooLarge)?;
    Ok((sweep, design, until, threads))
}

/// Run a sweep file (docs/SWEEPS.md) and write its results, one row per point in point
/// order, to `out` (CSV, or JSON Lines when `json`). Returns, per point, the headline
/// probabilities in the order of `outputs::EVENTS` (the sensitivity analysis's inputs).
/// `settings.runs` (per point), `seed` and `horizon_years` replace the sweep file's (recorded
/// in the JSON header's `overrides`); `threads`, `until_ci` and `max_runs` as for a run.
///
/// Beside `out` it writes the sweep's record, `OUT.sweep` (`results.csv.sweep`): the plan
/// (points x runs, policies x futures) and, once every row is written, that the results are
/// complete; `deter robust` and `deter discover` check it, and `deter sweep FILE --out OUT
/// --resume` (with the same settings) completes an interrupted sweep (docs/SWEEPS.md).
///
/// Errors: [`Error::Input`] for an invalid sweep or base scenario, [`Error::Invalid`] (also an
/// `out` whose extension contradicts `json`, `.csv` with JSON Lines or `.json` with CSV, or
/// that names an HTML page, and an `out` that is an input of the sweep (the sweep file, its
/// base and `extends` chain, the policies' files), a sweep's record or a read-only file, as
/// `deter sweep --out` refuses each: before any work), [`Error::TooLarge`],
/// [`Error::Interrupted`] (finished rows stay in `out`, with a record `deter sweep --resume`
/// and [`sweep_streamed_to`] with `resume` complete them from), [`Error::Io`] (also results
/// another sweep is writing right now, refused before any work).
pub fn sweep(
    path: &Path,
    settings: &Settings,
    control: Control<'_>,
    out: &Path,
    json: bool,
) -> Result<Vec<[f64; crate::outputs::N_EVENTS]>, Error> {
    use crate::sweep::rows::RowFormat;
    let asked = if json {
        RowFormat::Json
    } else {
        RowFormat::Csv
    };
    sweep_into(path, settings, control, out, asked, false, None)
        .map(|(_, _, outputs)| outputs.iter().map(|o| o.p).collect())
}

/// [`sweep`] into the results file `out` (CSV), also streaming its header and each batch of
/// rows through `rows` as [`sweep_streamed`] does, as soon as each is written to the file.
/// With `resume`, results that exist are completed as `deter sweep FILE --out OUT --resume`
/// completes them (same sweep file, same `settings`): their record `OUT.sweep` must prove
/// they come from this sweep, the rows kept are checked against the design, and only the
/// missing points run (`rows` gets the header, then only the rows this call writes); a
/// resume of results that do not exist starts afresh, as the command line does. `out` may
/// not be an input of the sweep, nor any file read so far (the sweep file, its base and
/// `extends` chain, the policies' files), nor a `.json` or `.html` name. Returns the
/// sensitivity table of Saltelli and Morris designs, or None.
///
/// Errors: as [`sweep`]; [`Error::Invalid`] for results a resume refuses (another sweep's,
/// written over, another header or design, a kept row deter could not have written), in the
/// words of `deter sweep --resume` with `` `out` `` for `--out`; [`Error::Input`] for a kept
/// row's cell that cannot be read; an interrupted sweep (Ctrl-C, `rows` dropped) keeps its
/// finished rows in `out` for the resume.
pub fn sweep_streamed_to(
    path: &Path,
    settings: &Settings,
    control: Control<'_>,
    out: &Path,
    resume: bool,
    rows: std::sync::mpsc::SyncSender<String>,
) -> Result<Option<String>, Error> {
    use crate::sweep::rows::RowFormat;
    let (sweep, design, outputs) = sweep_into(
        path,
        settings,
        control,
        out,
        RowFormat::Csv,
        resume,
        Some(rows),
    )?;
    Ok(crate::sweep::sensitivity(&sweep, &design, &outputs).map(|r| r.csv))
}

/// The body of [`sweep`] and [`sweep_streamed_to`]: results in `asked` format to `out`
/// (with `resume`, completing what is there), rows also sent through `tee` when given.
fn sweep_into(
    path: &Path,
    settings: &Settings,
    control: Control<'_>,
    out: &Path,
    asked: crate::sweep::rows::RowFormat,
    resume: bool,
    tee: Option<std::sync::mpsc::SyncSender<String>>,
) -> Result<
    (
        crate::sweep::Sweep,
        crate::sweep::Design,
        crate::sweep::runner::Outputs,
    ),
    Error,
> {
    use crate::sweep::rows::{Caller, RowFormat, Rows};
    use crate::sweep::runner::{self, Exec, Sink, SweepError};
    // `deter sweep`'s rule for `--format` against the `--out` extension: the record's resume
    // command (`--format` with `--out`) must be one `deter sweep` accepts.
    let format = RowFormat::of_results(Some(out), Some(asked), Caller::Library)
        .map_err(|f| Error::Invalid(f.message))?;
    let (sweep, design, until, threads) = prepare_sweep(path, settings)?;
    let rows = Rows::new(format, &sweep, until.is_some());
    // The record beside the results (`OUT.sweep`, as `deter sweep --out` writes it): the
    // plan, then whether every point was written; `deter sweep --resume` completes a stopped
    // sweep's file, and `deter robust` refuses it until then.
    let fingerprint = crate::sweep::record::fingerprint(&sweep, until.as_ref(), format);
    let record = crate::sweep::record::Record::new(
        &sweep,
        &design,
        runner::stride(&sweep, until.as_ref()),
        until.is_some(),
        &rows.header(&sweep),
        path,
        crate::sweep::record::resume_args(Some(format.name()), settings, false),
    );
    let stopped = |e| match e {
        SweepError::Interrupted | SweepError::Closed => Error::Interrupted,
        SweepError::Resume(f) => Error::Invalid(f.to_string()),
        SweepError::Refused(m) => Error::Invalid(m),
        SweepError::Cell(d) => Error::Input(Diagnostics(vec![*d])),
        SweepError::Io(m) => Error::Io(m),
    };
    // As `deter sweep --out`: the output checked, locked, the resume checked, the record
    // written, the results opened (sweep::runner::Results).
    let (mut results, file, start, kept) = runner::Results::open(
        out,
        path,
        resume,
        Caller::Library,
        (&sweep, &design, &rows),
        fingerprint,
        record,
    )
    .map_err(stopped)?;
    let header = rows.header(&sweep);
    let exec = Exec {
        rows,
        until,
        cancel: control.cancel,
        progress: control.progress,
    };
    let mut sink = match tee {
        None => Sink::File(file),
        Some(tx) => {
            if tx.send(header).is_err() {
                return Err(Error::Interrupted);
            }
            Sink::Tee(file, tx)
        }
    };
    let outputs = engine::with_threads(threads, || {
        runner::run_sweep(&sweep, &design, start, kept, &mut sink, &exec)
    })
    .map_err(|e| stopped(runner::written_to(e, out)))?;
    results.complete().map_err(stopped)?;
    Ok((sweep, design, outputs))
}

/// The warnings of a valid sweep file, those `deter sweep` and `deter validate` print before
/// it runs (a base policy that changes a swept parameter, a `futures` posterior calibrated with
/// a fixed value the base lacks, ...). [`sweep`] and [`sweep_streamed`] run it all the same.
///
/// Errors: [`Error::Input`] with every problem found.
pub fn sweep_warnings(path: &Path) -> Result<Diagnostics, Error> {
    crate::sweep::load_sweep(path)
        .map(|s| Diagnostics(s.warnings))
        .map_err(Error::Input)
}

/// [`sweep_warnings`] of a sweep run at `horizon_years` (`Settings::horizon_years`), each
/// rendered as `deter sweep` prints it: the sweep file's warnings, then those a horizon other
/// than the base scenario's brings to it (a policy that starts after a shortened horizon
/// ends), in the words of `deter sweep --horizon-years`. A horizon out of range adds none
/// (the sweep refuses it).
///
/// Errors: [`Error::Input`] with every problem found.
pub fn sweep_warnings_at(path: &Path, horizon_years: Option<u32>) -> Result<Vec<String>, Error> {
    let h = given_horizon(horizon_years);
    let sweep = crate::sweep::spec::load_sweep_at(path, h).map_err(Error::Input)?;
    let mut out: Vec<String> = sweep.warnings.iter().map(|w| w.to_string()).collect();
    if let Some(h) = h {
        // As `deter sweep --horizon-years`: a levers x futures sweep's policy scenarios (the
        // base's warnings at `h` are the sweep's own).
        let scenarios = crate::sweep::horizon_scenarios(&sweep, path);
        let said = out.clone();
        out.extend(crate::sweep::horizon_warnings(&scenarios, h, &said));
    }
    Ok(out)
}

/// Run a sweep file like [`sweep`], but stream its results CSV through `rows` instead of a
/// file: the header line first, then each batch of rows (point order) as soon as it is
/// written, so a reader sees rows before the sweep ends. A bounded channel makes the sweep
/// wait for its reader (with one thread and capacity 0, at most one finished point is ahead
/// of the reader); dropping the receiver stops the sweep ([`Error::Interrupted`]).
/// `settings` as in [`sweep`]. Returns the sensitivity table of Saltelli and Morris designs
/// (the CSV `deter sweep` writes next to the results), or None.
///
/// Errors: as [`sweep`].
pub fn sweep_streamed(
    path: &Path,
    settings: &Settings,
    control: Control<'_>,
    rows: std::sync::mpsc::SyncSender<String>,
) -> Result<Option<String>, Error> {
    use crate::sweep::rows::{RowFormat, Rows};
    use crate::sweep::runner::{self, Exec, Sink, SweepError};
    let (sweep, design, until, threads) = prepare_sweep(path, settings)?;
    let format = Rows::new(RowFormat::Csv, &sweep, until.is_some());
    if rows.send(format.header(&sweep)).is_err() {
        return Err(Error::Interrupted);
    }
    let exec = Exec {
        rows: format,
        until,
        cancel: control.cancel,
        progress: control.progress,
    };
    let outputs = engine::with_threads(threads, || {
        runner::run_sweep(
            &sweep,
            &design,
            0,
            Vec::new(),
            &mut Sink::Channel(rows),
            &exec,
        )
    })
    .map_err(|e| match e {
        SweepError::Interrupted | SweepError::Closed => Error::Interrupted,
        other => Error::Io(other.to_string()),
    })?;
    Ok(crate::sweep::sensitivity(&sweep, &design, &outputs).map(|r| r.csv))
}

/// Merge the partial files of a sharded `deter run FILE --shard K/N` (every shard once, any
/// order) into the report the unsharded run gives, byte for byte but for timing. The
/// scenario is rebuilt from the text embedded in the partial files and checked against their
/// fingerprint. (Sweep shards: `deter merge` on the command line; a nested run's shards:
/// [`merge_nested`].)
///
/// Errors: [`Error::Input`] for a file that cannot be read (missing, no permission; the
/// command line's `FILE: error: cannot read file: REASON`, as [`load`] gives it for a
/// scenario) or is too large, [`Error::Invalid`] for a damaged, edited,
/// foreign, duplicate or missing shard or a sweep's or a nested run's shards, [`Error::Input`] when a file is
/// not JSON (located: `FILE:LINE:COL`) or the embedded scenario is no longer valid,
/// [`Error::TooLarge`], [`Error::Interrupted`] when `control.cancel` was set (checked
/// before each part and each per-run row the merge reads; `control.progress` is not
/// called: a merge simulates no runs).
pub fn merge(parts: &[PathBuf], control: Control<'_>) -> Result<Report, Error> {
    merge_into(parts, None, control.cancel)
}

/// [`merge`], also writing the merged run's per-run CSV to `per_run` (atomically): byte for
/// byte the file `deter merge --per-run PATH` writes, and `deter run --per-run PATH` of the
/// unsharded run. Every shard must carry its rows (`deter run FILE --shard K/N --out PART
/// --per-run-rows`).
///
/// Errors: as [`merge`]; [`Error::Invalid`] also for a shard without rows (named, with the
/// command that writes them) and for a `per_run` that is one of `parts` or a read-only file
/// (refused before any work, as `deter merge --per-run` refuses it); [`Error::Io`] when the
/// file cannot be written (nothing is left at `per_run`); [`Error::Interrupted`], with
/// nothing left at `per_run`, when `control.cancel` was set.
pub fn merge_with_rows(
    parts: &[PathBuf],
    per_run: &Path,
    control: Control<'_>,
) -> Result<Report, Error> {
    merge_into(parts, Some(per_run), control.cancel)
}

/// A merge's fault as a facade error: a file's (`FILE: KEY: PROBLEM`) or the set's as
/// [`Error::Invalid`], a cancelled merge as [`Error::Interrupted`].
fn merge_error(e: shard::MergeError) -> Error {
    match e {
        shard::MergeError::Interrupted => Error::Interrupted,
        other => Error::Invalid(other.to_string()),
    }
}

/// Partial files read and checked as one invocation's shards, in shard order; `cancel`
/// checked as each is read.
fn checked_parts(
    parts: &[PathBuf],
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Vec<shard::Named>, Error> {
    let mut files = Vec::with_capacity(parts.len());
    for path in parts {
        let part = shard::read_part(path, files.first(), cancel).map_err(|e| match e {
            shard::ReadError::Interrupted => Error::Interrupted,
            // Unreadable or too large: the message of every input kind, as `deter merge`.
            shard::ReadError::Io { file, message } => {
                Error::Input(crate::scenario::Diagnostics(vec![
                    crate::scenario::Diagnostic::file_level(&file, message),
                ]))
            }
            shard::ReadError::Syntax(d) => Error::Input(crate::scenario::Diagnostics(vec![*d])),
            // Another kind of file (not JSON at all), located at its first character: an
            // input's fault, with its line and help, as `deter merge` gives it.
            shard::ReadError::Invalid(d) if d.line > 0 => {
                Error::Input(crate::scenario::Diagnostics(vec![*d]))
            }
            shard::ReadError::Invalid(d) => Error::Invalid(d.one_line()),
        })?;
        files.push(part);
    }
    shard::check_complete(files).map_err(merge_error)
}

/// A nested run merged from its shards ([`merge_nested`]).
#[derive(Debug, Clone)]
pub struct MergedNested {
    /// The nested run, bit for bit [`run_nested`]'s of the same inputs.
    pub nested: Nested,
    /// The scenario the shards ran (rebuilt from the text they embed), for its name and
    /// horizon ([`nested_json`] takes its name).
    pub scenario: Scenario,
    /// The scenario file as the shards were given it.
    pub scenario_file: String,
    /// The posterior CSV as the shards were given it (`None` for `[[uncertain]]` priors
    /// alone): the provenance [`nested_json`] records.
    pub posterior_file: Option<String>,
}

/// Merge the partial files of a sharded nested run (`deter run FILE --posterior DRAWS.csv
/// --shard K/N`, or a scenario with `[[uncertain]]` priors; every shard once, any order)
/// into the nested run the unsharded one gives, bit for bit: [`nested_json`] of it is the
/// text `deter merge --format json` (and the unsharded `deter run --format json`) writes.
/// The scenario and the posterior are rebuilt from the texts embedded in the partial files
/// and checked against their fingerprints.
///
/// Errors: as [`merge`] ([`Error::Invalid`] also for a plain run's or a sweep's shards;
/// [`Error::Interrupted`] when `control.cancel` was set).
pub fn merge_nested(parts: &[PathBuf], control: Control<'_>) -> Result<MergedNested, Error> {
    let files = checked_parts(parts, control.cancel)?;
    let first = &files[0];
    if first.header.kind != Kind::Nested {
        return Err(Error::Invalid(
            "these are not the shards of a nested run: merge them with `merge` (a run's) or \
             `deter merge` (a sweep's)"
                .into(),
        ));
    }
    crate::settings::check_nested(
        Some(first.header.points),
        Some(first.header.runs),
        crate::sweep::rows::Caller::Library,
    )?;
    let scenario = embedded_scenario(first)?;
    let posterior = match first.posterior() {
        Some(src) => Some(
            crate::calibrate::nested::parse_posterior(Path::new(&src.path), &src.text)
                .map_err(Error::Input)?,
        ),
        None => None,
    };
    engine::check_scenario_memory(&scenario, false, shard::MERGE_SETS, 0)
        .map_err(Error::TooLarge)?;
    engine::check_memory_for(&Compiled::new(&scenario), shard::MERGE_SETS, 0)
        .map_err(Error::TooLarge)?;
    let nested = crate::calibrate::nested::merge_shards(
        &files,
        &scenario,
        posterior.as_ref(),
        control.cancel,
    )
    .map_err(merge_error)?;
    Ok(MergedNested {
        nested,
        scenario_file: first.source().path.clone(),
        posterior_file: first.posterior().map(|p| p.path.clone()),
        scenario,
    })
}

/// The scenario embedded in the first of checked shards, with the overrides they recorded,
/// checked against their fingerprint.
fn embedded_scenario(first: &shard::Named) -> Result<Scenario, Error> {
    let mut scenario = parse(&first.source().text, &first.source().path)?;
    if let Some(h) = first.header.overrides.horizon_years {
        scenario.meta.horizon_years =
            crate::settings::check_horizon(h, crate::sweep::rows::Caller::Library)?;
    }
    if scenario.fingerprint() != first.header.sha256 {
        return Err(Error::Invalid(format!(
            "the scenario embedded in `{}` differs from what the shards ran",
            first.name
        )));
    }
    Ok(scenario)
}

/// The body of [`merge`] and [`merge_with_rows`].
fn merge_into(
    parts: &[PathBuf],
    per_run: Option<&Path>,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Report, Error> {
    if let Some(out) = per_run {
        crate::output::check_output_argument(out, "per_run", parts).map_err(Error::Invalid)?;
        // CSV rows under a name of another format, refused as `deter merge --per-run x.json`
        // refuses it (it wrote CSV into `x.json`).
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let named = match ext.as_deref() {
            Some("json" | "jsonl" | "ndjson") => Some("a JSON"),
            Some("html" | "htm") => Some("an HTML"),
            _ => None,
        };
        if let Some(named) = named {
            return Err(Error::Invalid(format!(
                "`per_run` `{}` names {named} file, but `per_run` receives CSV rows; give it a \
                 .csv extension (`{}`)",
                out.display(),
                out.with_extension("csv").display()
            )));
        }
    }
    let files = checked_parts(parts, cancel)?;
    let first = &files[0];
    match first.header.kind {
        Kind::Run => {}
        Kind::Sweep => {
            return Err(Error::Invalid(
                "these are shards of a sweep: merge them with `deter merge`".into(),
            ));
        }
        Kind::Nested => {
            return Err(Error::Invalid(
                "these are shards of a nested run: merge them with `merge_nested`".into(),
            ));
        }
    }
    if per_run.is_some()
        && let Some(m) = shard::without_rows(&files, "`per_run`")
    {
        return Err(Error::Invalid(m));
    }
    let scenario = embedded_scenario(first)?;
    engine::check_scenario_memory(&scenario, first.header.attribution, shard::MERGE_SETS, 0)
        .map_err(Error::TooLarge)?;
    let compiled = Compiled::new(&scenario);
    let compiled = if first.header.attribution {
        compiled.with_attribution()
    } else {
        compiled
    };
    engine::check_memory_for(&compiled, shard::MERGE_SETS, 0).map_err(Error::TooLarge)?;
    let (aggregate, info, threads) =
        shard::merge_run(&files, &compiled, cancel).map_err(merge_error)?;
    if let Some(path) = per_run {
        shard::write_rows_file(&files, path, cancel)
            .map_err(|e| Error::Io(crate::output::cannot_write(path, &e)))?
            .map_err(merge_error)?;
    }
    let mut report = Report::build(&compiled, &aggregate, &info);
    report.timing.shard_threads = Some(threads);
    Ok(report)
}

/// Largest partial file read by [`merge`] (a sweep shard holds one small aggregate per point).
pub const MAX_PARTIAL_BYTES: usize = shard::MAX_PARTIAL_BYTES;

/// The JSON contract of a run's report (docs/OUTPUT.md): the bytes `deter run --format json`
/// writes, UTF-8, pretty-printed, every number finite.
pub fn report_json(report: &Report) -> String {
    String::from_utf8(crate::report::json::to_json(report)).expect("the JSON writer emits UTF-8")
}

/// The JSON of a nested run (docs/CALIBRATION.md, "Uncertainty in every answer"): the text
/// `deter run --posterior/[[uncertain]] --format json` writes. `scenario` is the scenario's
/// name, `posterior_file` the posterior CSV's path as given (recorded as provenance).
pub fn nested_json(nested: &Nested, scenario: &str, posterior_file: Option<&str>) -> String {
    crate::calibrate::nested_out::json(nested, scenario, posterior_file)
}

/// The JSON of a nested comparison of `a` and `b` (scenario names): the text `deter compare
/// A B --posterior/[[uncertain]] --format json` writes.
pub fn nested_comparison_json(
    comparison: &NestedComparison,
    a: &str,
    b: &str,
    posterior_file: Option<&str>,
) -> String {
    crate::calibrate::nested_out::compare_json(comparison, a, b, posterior_file)
}
