//! Settings: what a caller asks for (runs, seed, threads, horizon, adaptive stopping, shard),
//! checked and resolved once into the values the engine uses.
//!
//! The command line parses flags into [`Settings`] (shared flags are declared once and
//! flattened into every subcommand); the library facade takes the same [`Settings`]. Nothing
//! downstream re-checks a range or resolves `threads = 0`: [`Settings::resolve`] is the only
//! place (in the spirit of ripgrep's low-level and high-level arguments).

use crate::engine::until::UntilCi;
use crate::scenario::Scenario;
use crate::{MAX_RUNS, MAX_THREADS};

/// Shortest horizon accepted, in years: a horizon of 0 simulates no month, so every
/// probability would be 0% by construction (refused rather than reported).
pub const MIN_HORIZON_YEARS: u32 = 1;

/// Longest horizon accepted, in years.
pub const MAX_HORIZON_YEARS: u32 = 200;

/// What a caller asks for; `None` means "the scenario file's value".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Replications (1 ..= [`MAX_RUNS`]) [default: the file's `scenario.runs`].
    pub runs: Option<u64>,
    /// Master seed [default: the file's `scenario.seed`].
    pub seed: Option<u64>,
    /// Worker threads; 0 = one per core (at most [`MAX_THREADS`]). Never changes results.
    pub threads: usize,
    /// Horizon in years ([`MIN_HORIZON_YEARS`] ..= [`MAX_HORIZON_YEARS`]) [default: the file's].
    pub horizon_years: Option<u32>,
    /// Adaptive stopping: the largest acceptable 95% Wilson half-width of every headline
    /// probability, in (0, 0.5).
    pub until_ci: Option<f64>,
    /// Cap on runs with `until_ci` [default: `runs`].
    pub max_runs: Option<u64>,
    /// Skip "which level deters" (`crate::attribution`), on by default in `run` and
    /// `compare`: every run is then simulated once instead of eight times. A sweep attributes
    /// only when its file says `attribution = true`; this turns that off.
    pub no_attribution: bool,
}

impl Settings {
    /// `compiled` with the attribution on unless `no_attribution`.
    pub fn attributed(&self, compiled: crate::model::Compiled) -> crate::model::Compiled {
        if self.no_attribution {
            compiled
        } else {
            compiled.with_attribution()
        }
    }
}

/// Settings resolved against one scenario: every value checked and final.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved {
    /// Replications, in 1 ..= [`MAX_RUNS`] (the cap under adaptive stopping).
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads, at least 1.
    pub threads: usize,
    /// Adaptive stopping, if asked for.
    pub until: Option<UntilCi>,
}

/// A setting out of its range: the message names the setting as its caller gave it (the
/// command line's flag, a program's field of [`Settings`]: [`setting_name`]) and the accepted
/// range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

/// `threads = 0` becomes one per core; more than [`MAX_THREADS`] is capped.
pub fn resolve_threads(threads: usize) -> usize {
    let n = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    n.clamp(1, MAX_THREADS)
}

/// The one message of an integer setting out of its range, a checked value's: "NAME VALUE:
/// expected an integer in [MIN, MAX]" (the checks below; the command line's parsers,
/// `crate::cli::int_flag`, say the same range located in the flag's value).
pub fn integer_out_of_range(
    flag: &str,
    text: impl std::fmt::Display,
    min: u64,
    max: u64,
) -> String {
    format!("{flag} {text}: expected an integer in [{min}, {max}]")
}

/// The one message of an adaptive-stopping target out of range: "--until-ci TEXT: expected a
/// half-width in (0, 0.5)" (the command line's parser of the flag's text).
pub fn half_width_out_of_range(text: impl std::fmt::Display) -> String {
    half_width_out_of_range_as(Caller::Cli, text)
}

/// [`half_width_out_of_range`] in `caller`'s words ("`until_ci` TEXT: ..." for a program).
fn half_width_out_of_range_as(caller: Caller, text: impl std::fmt::Display) -> String {
    let name = setting_name(caller, "until_ci");
    format!("{name} {text}: expected a half-width in (0, 0.5)")
}

/// How `caller` names the setting `field` (a field of [`Settings`], or `draws` of a nested
/// run) in a refusal: the command line by its flag (`--runs`, `--max-runs`,
/// `--horizon-years`), a program by the field (`` `runs` ``, `` `max_runs` ``; the Python
/// package's keyword arguments have the same names). One rule, each caller's words, as
/// [`check_seed`] names `seed`.
pub fn setting_name(caller: Caller, field: &str) -> String {
    match caller {
        Caller::Cli => format!("--{}", field.replace('_', "-")),
        Caller::Library => format!("`{field}`"),
    }
}

/// Check a run count (from a flag, a file or a cap) against 1 ..= [`MAX_RUNS`].
pub fn check_runs(flag: &str, runs: u64) -> Result<u64, SettingsError> {
    if runs == 0 || runs > MAX_RUNS {
        return Err(SettingsError(integer_out_of_range(flag, runs, 1, MAX_RUNS)));
    }
    Ok(runs)
}

/// The largest seed, the same for `--seed`, a file's `seed` (a TOML integer is a signed
/// 64-bit integer, so a file cannot hold more) and a program's [`Settings::seed`]: 2^63 - 1.
pub const MAX_SEED: u64 = i64::MAX as u64;

pub use crate::sweep::rows::Caller;

/// Check a seed against 0 ..= [`MAX_SEED`]: a program's seed is one a command can repeat
/// (`--seed`, and the resume command of a sweep's record). The one rule of the command line
/// and the library, each in its own words: "--seed N: expected an integer in [0, MAX]" for
/// the command line ([`Caller::Cli`]), "`seed` N: ..." for a library call's
/// `Settings::seed` ([`Caller::Library`]).
pub fn check_seed(seed: u64, caller: Caller) -> Result<u64, SettingsError> {
    if seed > MAX_SEED {
        let name = setting_name(caller, "seed");
        return Err(SettingsError(integer_out_of_range(
            &name, seed, 0, MAX_SEED,
        )));
    }
    Ok(seed)
}

/// Check a horizon override against [`MIN_HORIZON_YEARS`] ..= [`MAX_HORIZON_YEARS`], named
/// as `caller` names it ([`setting_name`]).
pub fn check_horizon(years: u32, caller: Caller) -> Result<u32, SettingsError> {
    if !(MIN_HORIZON_YEARS..=MAX_HORIZON_YEARS).contains(&years) {
        return Err(SettingsError(integer_out_of_range(
            &setting_name(caller, "horizon_years"),
            years,
            MIN_HORIZON_YEARS.into(),
            MAX_HORIZON_YEARS.into(),
        )));
    }
    Ok(years)
}

/// A horizon the caller gives a run in place of the file's (`--horizon-years 5` on the command
/// line, `horizon_years=5` for a program or the Python package), with its name as that caller
/// knows it: the warnings that depend on the horizon (a policy that starts after it ends) are
/// checked against it and name it ("lengthen `--horizon-years` (5)").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GivenHorizon {
    /// The horizon, in years.
    pub years: u32,
    /// Its name as the caller knows it: `--horizon-years`, `horizon_years`.
    pub name: &'static str,
}

impl GivenHorizon {
    /// `years` as `caller` gives it: the command line's `--horizon-years`, a program's
    /// `horizon_years` ([`setting_name`]'s field, without its quotes).
    pub fn new(years: u32, caller: Caller) -> Self {
        let name = match caller {
            Caller::Cli => "--horizon-years",
            Caller::Library => "horizon_years",
        };
        GivenHorizon { years, name }
    }

    /// `years` as `caller` gives it, if it is in range; None otherwise (the run refuses it in
    /// its own words, and the warnings are checked at the file's horizon).
    pub fn in_range(years: Option<u32>, caller: Caller) -> Option<Self> {
        years
            .filter(|&h| check_horizon(h, caller).is_ok())
            .map(|h| Self::new(h, caller))
    }
}

/// Check an adaptive-stopping target: a half-width in (0, 0.5), named as `caller` names it.
pub fn check_until_ci(target: f64, caller: Caller) -> Result<f64, SettingsError> {
    if target.is_finite() && target > 0.0 && target < 0.5 {
        Ok(target)
    } else {
        Err(SettingsError(half_width_out_of_range_as(caller, target)))
    }
}

/// Parameter draws of a nested run when none is asked for.
pub const DEFAULT_DRAWS: u64 = 100;
/// Runs per parameter draw of a nested run when none is asked for.
pub const DEFAULT_RUNS_PER_DRAW: u64 = 1000;
/// Most parameter draws of a nested run.
pub const MAX_DRAWS: u64 = 1_000_000;

/// The budget of a nested run or comparison (`--posterior` or `[[uncertain]]` priors):
/// `draws` parameter sets x `runs` runs each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NestedBudget {
    /// Parameter draws, in 1 ..= [`MAX_DRAWS`].
    pub draws: u64,
    /// Runs per draw, at least 2 (the Monte Carlo error needs R - 1 > 0).
    pub runs: u64,
}

impl NestedBudget {
    /// Runs in all (draws x runs), for progress.
    pub fn total_runs(&self) -> u64 {
        self.draws * self.runs
    }
}

/// Check `draws` and `runs` (per draw) of a nested run or comparison [defaults
/// [`DEFAULT_DRAWS`] x [`DEFAULT_RUNS_PER_DRAW`]]; draws x runs is at most [`MAX_RUNS`]. Named
/// as `caller` names them ("--draws 0: ..." on the command line, "`draws` 0: ..." for a
/// program).
pub fn check_nested(
    draws: Option<u64>,
    runs: Option<u64>,
    caller: Caller,
) -> Result<NestedBudget, SettingsError> {
    let draws = draws.unwrap_or(DEFAULT_DRAWS);
    if draws == 0 || draws > MAX_DRAWS {
        return Err(SettingsError(integer_out_of_range(
            &setting_name(caller, "draws"),
            draws,
            1,
            MAX_DRAWS,
        )));
    }
    let runs = runs.unwrap_or(DEFAULT_RUNS_PER_DRAW);
    if runs < 2 || draws.checked_mul(runs).is_none_or(|t| t > MAX_RUNS) {
        let name = setting_name(caller, "runs");
        return Err(SettingsError(format!(
            "{name} {runs} per draw: expected at least 2, and draws x runs at most {MAX_RUNS}"
        )));
    }
    Ok(NestedBudget { draws, runs })
}

impl Settings {
    /// Apply the overrides that change the scenario itself (the horizon). Called once, right
    /// after loading, so that the scenario's fingerprint covers them. A horizon out of range
    /// is named as the field (`` `horizon_years` ``); [`Settings::apply_as`] for the command
    /// line's words.
    pub fn apply(&self, scenario: &mut Scenario) -> Result<(), SettingsError> {
        self.apply_as(scenario, Caller::Library)
    }

    /// [`Settings::apply`], a setting out of range named as `caller` names it
    /// ([`setting_name`]).
    pub fn apply_as(&self, scenario: &mut Scenario, caller: Caller) -> Result<(), SettingsError> {
        if let Some(h) = self.horizon_years {
            scenario.meta.horizon_years = check_horizon(h, caller)?;
        }
        Ok(())
    }

    /// Resolve against a scenario's defaults (`runs`, `seed`), checking every range. A setting
    /// out of range is named as the field of [`Settings`] ("`runs` 0: expected an integer in
    /// [1, 1000000000000]"); [`Settings::resolve_as`] for the command line's words.
    pub fn resolve(&self, scenario: &Scenario) -> Result<Resolved, SettingsError> {
        self.resolve_as(scenario, Caller::Library)
    }

    /// [`Settings::resolve`], a setting out of range named as `caller` names it: the command
    /// line by its flag ("--runs 0: ..."), a program by the field ([`setting_name`]).
    pub fn resolve_as(
        &self,
        scenario: &Scenario,
        caller: Caller,
    ) -> Result<Resolved, SettingsError> {
        let name = |field| setting_name(caller, field);
        let runs = check_runs(&name("runs"), self.runs.unwrap_or(scenario.meta.runs))?;
        let until = match self.until_ci {
            None => None,
            Some(t) => Some(UntilCi {
                target: check_until_ci(t, caller)?,
                max_runs: check_runs(&name("max_runs"), self.max_runs.unwrap_or(runs))?,
            }),
        };
        if let (None, Some(m)) = (self.until_ci, self.max_runs) {
            check_runs(&name("max_runs"), m)?;
        }
        Ok(Resolved {
            runs,
            seed: check_seed(self.seed.unwrap_or(scenario.meta.seed), caller)?,
            threads: resolve_threads(self.threads),
            until,
        })
    }
}

impl Settings {
    /// Apply `runs`, `seed` and `horizon_years` to a sweep (replacing the sweep file's and the
    /// base scenario's, and every policy scenario's horizon in a levers x futures sweep), each
    /// recorded in `sweep.overrides`; then resolve threads and adaptive stopping against the
    /// sweep's runs (per point). Called once, before the sweep's fingerprint is taken. A
    /// setting out of range is named as `caller` names it ([`setting_name`]).
    pub fn resolve_sweep(
        &self,
        sweep: &mut crate::sweep::Sweep,
        caller: Caller,
    ) -> Result<Resolved, SettingsError> {
        if let Some(runs) = self.runs {
            check_runs(&setting_name(caller, "runs"), runs)?;
            if runs != sweep.runs {
                sweep
                    .overrides
                    .push(format!("runs = {runs} (file: {})", sweep.runs));
                sweep.runs = runs;
            }
        }
        if let Some(seed) = self.seed.map(|s| check_seed(s, caller)).transpose()?
            && seed != sweep.seed
        {
            sweep
                .overrides
                .push(format!("seed = {seed} (file: {})", sweep.seed));
            sweep.seed = seed;
        }
        if let Some(h) = self.horizon_years {
            let h = check_horizon(h, caller)?;
            if h != sweep.base.meta.horizon_years {
                sweep.overrides.push(format!(
                    "horizon_years = {h} (base scenario: {})",
                    sweep.base.meta.horizon_years
                ));
                sweep.base.meta.horizon_years = h;
                if let Some(c) = &mut sweep.crossing {
                    for p in &mut c.policies {
                        p.scenario.meta.horizon_years = h;
                    }
                }
            }
        }
        // A sweep attributes only when its file or command asks (`attribution = true`,
        // `deter sweep --attribution`); `no_attribution` turns a file's request off.
        if self.no_attribution {
            sweep.set_attribution(false);
        }
        let until = match self.until_ci {
            None => None,
            Some(t) => Some(UntilCi {
                target: check_until_ci(t, caller)?,
                max_runs: check_runs(
                    &setting_name(caller, "max_runs"),
                    self.max_runs.unwrap_or(sweep.runs),
                )?,
            }),
        };
        if let (None, Some(m)) = (self.until_ci, self.max_runs) {
            check_runs(&setting_name(caller, "max_runs"), m)?;
        }
        Ok(Resolved {
            runs: sweep.runs,
            seed: sweep.seed,
            threads: resolve_threads(self.threads),
            until,
        })
    }
}

impl Resolved {
    /// Runs to budget for (progress, memory): the cap under adaptive stopping.
    pub fn max_runs(&self) -> u64 {
        self.until.map_or(self.runs, |u| u.max_runs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        crate::scenario::parse_str(crate::scenario::TEMPLATE, "t.toml").expect("valid")
    }

    #[test]
    fn defaults_come_from_the_file_and_overrides_win() {
        let s = scenario();
        let r = Settings::default().resolve(&s).unwrap();
        assert_eq!((r.runs, r.seed), (s.meta.runs, s.meta.seed));
        assert!(r.threads >= 1 && r.until.is_none());
        let asked = Settings {
            runs: Some(7),
            seed: Some(3),
            threads: 2,
            until_ci: Some(0.01),
            ..Settings::default()
        };
        let r = asked.resolve(&s).unwrap();
        assert_eq!((r.runs, r.seed, r.threads), (7, 3, 2));
        assert_eq!(r.until.map(|u| u.max_runs), Some(7));
    }

    #[test]
    fn out_of_range_settings_name_the_flag_or_the_field_and_the_range() {
        let s = scenario();
        // The command line names its flags, a program the fields of `Settings`.
        for (caller, runs, max_runs, until, horizon) in [
            (
                Caller::Cli,
                "--runs 0",
                "--max-runs 0",
                "--until-ci 0.5",
                "--horizon-years 0",
            ),
            (
                Caller::Library,
                "`runs` 0",
                "`max_runs` 0",
                "`until_ci` 0.5",
                "`horizon_years` 0",
            ),
        ] {
            let bad = |settings: Settings| settings.resolve_as(&s, caller).unwrap_err().0;
            let e = bad(Settings {
                runs: Some(0),
                ..Default::default()
            });
            assert_eq!(e, format!("{runs}: expected an integer in [1, {MAX_RUNS}]"));
            let e = bad(Settings {
                until_ci: Some(0.5),
                ..Default::default()
            });
            assert_eq!(e, format!("{until}: expected a half-width in (0, 0.5)"));
            let e = bad(Settings {
                max_runs: Some(0),
                ..Default::default()
            });
            assert!(e.starts_with(&format!("{max_runs}: ")), "{e}");
            let mut s2 = s.clone();
            let e = Settings {
                horizon_years: Some(201),
                ..Default::default()
            }
            .apply_as(&mut s2, caller)
            .unwrap_err()
            .0;
            assert!(e.contains("[1, 200]"), "{e}");
            // A horizon of 0 simulates no month: refused, not reported as 0% everywhere.
            let e = Settings {
                horizon_years: Some(0),
                ..Default::default()
            }
            .apply_as(&mut s2, caller)
            .unwrap_err()
            .0;
            assert_eq!(e, format!("{horizon}: expected an integer in [1, 200]"));
        }
        // `resolve` and `apply` are the library's: its words.
        let e = Settings {
            runs: Some(0),
            ..Default::default()
        }
        .resolve(&s)
        .unwrap_err()
        .0;
        assert!(e.starts_with("`runs` 0: "), "{e}");
        assert_eq!(resolve_threads(5000), MAX_THREADS);
    }

    #[test]
    fn nested_budgets_have_defaults_and_name_the_flag_out_of_range() {
        let cli = Caller::Cli;
        let b = check_nested(None, None, cli).unwrap();
        assert_eq!((b.draws, b.runs), (100, 1000));
        assert_eq!(check_nested(Some(3), Some(2), cli).unwrap().total_runs(), 6);
        for (caller, draws, runs) in [
            (cli, "--draws 0", "--runs 1 per draw"),
            (Caller::Library, "`draws` 0", "`runs` 1 per draw"),
        ] {
            let e = check_nested(Some(0), None, caller).unwrap_err().0;
            assert!(e.starts_with(draws), "{e}");
            let e = check_nested(None, Some(1), caller).unwrap_err().0;
            assert!(e.starts_with(runs), "{e}");
        }
        let e = check_nested(Some(MAX_DRAWS), Some(MAX_RUNS), cli)
            .unwrap_err()
            .0;
        assert!(e.contains("draws x runs at most"), "{e}");
    }
}
