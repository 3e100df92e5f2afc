//! Nested Monte Carlo over parameter uncertainty (`deter run FILE --posterior draws.csv`, or a
//! scenario declaring `[[uncertain]]` priors): D parameter draws x R runs each, through the
//! engine's one driver ([`crate::engine::driver::for_each_draw`]).
//!
//! For each outcome, with p_d the share of draw d's R runs in which it happened:
//! - **mean** = (1/D) sum_d p_d, the probability averaged over what we don't know;
//! - **90% interval over uncertain parameters** = the 5% and 95% quantiles of p_d;
//! - **Monte Carlo error** = sqrt( sum_d p_d (1 - p_d) / (R - 1) ) / D, the standard error of the
//!   mean that comes from the finite runs per draw alone (what more runs would fix);
//! - **standard error of the mean over draws** = sd_d(p_d) / sqrt(D), the error of the mean from
//!   having only D parameter draws *and* R runs each (the spread of the D per-draw estimates
//!   already contains their binomial noise); the **95% interval of the mean** is
//!   mean +- 1.96 of it (what more draws and runs would fix). When every draw gave the same
//!   value it is that value, a point (sd 0, as a mean over runs that did not vary in `deter
//!   run` and `deter compare`); with D = 1 it is undefined ("undefined (n = 1)");
//! - **parametric share** = the share of the variance of p_d across draws not explained by
//!   the runs' binomial noise: (Var_d(p_d) - mean_d(p_d (1 - p_d)) / (R - 1)) / Var_d(p_d),
//!   clipped to [0, 1] (the law of total variance; 0 when the draws do not differ).
//!
//! Draws ([`draw`]) are resampled from the posterior's weights (systematic resampling, seeded)
//! and drawn from the scenario's priors (inverse CDF of seeded uniforms); draw d's runs use run
//! streams d x R .. (d + 1) x R of the scenario's seed, so the whole is a function of
//! (scenario, posterior file, D, R, seed, engine version) for any thread count.

use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::engine::{self, Hooks, Interrupted, RunPlan};
use crate::model::Compiled;
use crate::outputs::EVENTS;
use crate::scenario::{ParamRef, Scenario, Uncertain};

/// Salt that keeps the draw resampling apart from the run streams.
const DRAW_SALT: u64 = 0x4e45_5354_4544_2d4d;
/// Salt of the uniforms that draw from `[[uncertain]]` priors.
const PRIOR_SALT: u64 = 0x5052_494f_5253_2d55;

/// The D parameter sets of a nested run: one row of values per draw, one column per path.
#[derive(Debug, Clone, PartialEq)]
pub struct Draws {
    /// Parameter paths (a posterior's case parameters `CASE/PATH` included: they are not set).
    pub paths: Vec<String>,
    /// Per column, whether it comes from the posterior (else from a `[[uncertain]]` prior).
    pub from_posterior: Vec<bool>,
    /// D rows of values, in draw order.
    pub rows: Vec<Vec<f64>>,
}

impl Draws {
    /// Number of draws.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no draws.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Per column, whether its value is set in the scenario each draw runs: false for a
    /// calibration's case parameter `CASE/PATH` (one historical case's own value, drawn with
    /// its posterior row and listed, never applied: [`resolve`] skips it).
    pub fn applied(&self) -> Vec<bool> {
        self.paths.iter().map(|p| !is_case_column(p)).collect()
    }
}

/// Whether a draws column is a calibration's case parameter, `CASE/PATH`.
pub fn is_case_column(path: &str) -> bool {
    path.contains('/')
}

/// D parameter sets: the posterior's columns resampled by weight (systematic resampling,
/// seeded by `seed`), and every prior in `uncertain` whose path the posterior does not cover
/// drawn independently (its inverse CDF at a seeded uniform, draw by draw, prior by prior in
/// file order). A path with both a posterior column and a prior takes the posterior: it is
/// that prior updated by the historical record.
pub fn draw(
    posterior: Option<&Posterior>,
    uncertain: &[Uncertain],
    draws: u64,
    seed: u64,
) -> Draws {
    use rand::RngExt;
    let n = draws as usize;
    let mut paths = Vec::new();
    let mut from_posterior = Vec::new();
    let mut rows = vec![Vec::new(); n];
    if let Some(post) = posterior {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ DRAW_SALT);
        let idx = super::abc::resample(&post.weights, n, &mut rng);
        paths.extend(post.paths.iter().cloned());
        from_posterior.extend(post.paths.iter().map(|_| true));
        for (row, &i) in rows.iter_mut().zip(&idx) {
            row.extend_from_slice(&post.values[i]);
        }
    }
    let priors: Vec<&Uncertain> = uncertain
        .iter()
        .filter(|u| !paths.contains(&u.path))
        .collect();
    paths.extend(priors.iter().map(|u| u.path.clone()));
    from_posterior.extend(priors.iter().map(|_| false));
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ PRIOR_SALT);
    for row in &mut rows {
        for u in &priors {
            row.push(u.parameter.value_at(rng.random::<f64>()));
        }
    }
    Draws {
        paths,
        from_posterior,
        rows,
    }
}

/// The priors two compared scenarios declare, merged by path: A and B are run on the same
/// draws, so a path with a prior in both must have the same prior.
pub fn shared_priors(a: &Scenario, b: &Scenario) -> Result<Vec<Uncertain>, String> {
    if let Some((_, message)) = conflicting_prior(a, b) {
        return Err(message);
    }
    let mut out = a.uncertain.clone();
    for u in &b.uncertain {
        if !out.iter().any(|x| x.path == u.path) {
            out.push(u.clone());
        }
    }
    Ok(out)
}

/// The first of B's priors whose path A gives another prior (kind or domain), and the
/// refusal's words: [`shared_priors`]'s fault, with the prior to locate it at.
pub fn conflicting_prior<'b>(a: &Scenario, b: &'b Scenario) -> Option<(&'b Uncertain, String)> {
    b.uncertain.iter().find_map(|u| {
        let x = a.uncertain.iter().find(|x| x.path == u.path)?;
        (x.parameter.domain != u.parameter.domain || x.parameter.kind != u.parameter.kind).then(
            || {
                (
                    u,
                    format!(
                        "A and B declare different priors for `{}`: a comparison runs both on \
                         the same parameter draws, so give the [[uncertain]] entry once (or the \
                         same in both)",
                        u.path
                    ),
                )
            },
        )
    })
}

/// Priors declared by one side only on a path the other side has too: merged by path
/// ([`shared_priors`]), the other side is run on the same draws of it, not at the value its
/// own file gives, so the comparison of the two files says nothing of that parameter (a file
/// compared with its copy plus priors differs in nothing). Each with the side that declares
/// it and the other side ("A", "B"), and the other side's value of the path.
pub fn one_sided_priors<'s>(
    a: &'s Scenario,
    b: &'s Scenario,
) -> Vec<(&'s Uncertain, [&'static str; 2], f64)> {
    let mut out = Vec::new();
    for (sides, mine, other) in [(["A", "B"], a, b), (["B", "A"], b, a)] {
        for u in &mine.uncertain {
            if other.uncertain.iter().any(|x| x.path == u.path) {
                continue;
            }
            if let Ok(t) = ParamRef::resolve(&u.path, other) {
                out.push((u, sides, other.get(t)));
            }
        }
    }
    out
}

/// A posterior read from `deter calibrate`'s posterior.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// Parameter paths (`model.war_cost`, `rivalry.SRB-XKX.monitoring`, ...), one per column.
    pub paths: Vec<String>,
    /// One row of values per particle.
    pub values: Vec<Vec<f64>>,
    /// Normalised importance weight of each particle (sums to 1).
    pub weights: Vec<f64>,
    /// The file it was read from, as shown in messages.
    pub file: String,
    /// The line of each row in that file (1-based), for messages.
    pub lines: Vec<usize>,
    /// The text of each row's line, for the column of a fault found later (a value out of
    /// its parameter's range in [`check_posterior`]).
    pub texts: Vec<String>,
    /// The parameters the calibration fixed (`set`, `--set`; the file's `# set = PATH=VALUE`
    /// lines), `(path, value)`: not columns, so a run under the posterior must set them
    /// itself ([`fixed_mismatches`]).
    pub fixed: Vec<(String, f64)>,
    /// The line of each of [`Posterior::fixed`] in the file (1-based), for the warnings'
    /// `FILE:LINE`; empty for a posterior a program built (its warnings name the file alone).
    pub fixed_at: Vec<usize>,
    /// The header column (0-based) of each of [`Posterior::paths`], where a fault of the
    /// column is located; empty for a posterior a program built (then `draw` first, the
    /// paths after it, as `deter calibrate` writes them).
    pub columns: Vec<usize>,
}

impl Posterior {
    /// The header column (0-based) of path `j`: [`Posterior::columns`], or `j + 1`.
    pub fn column(&self, j: usize) -> usize {
        self.columns.get(j).copied().unwrap_or(j + 1)
    }
}

/// The posterior's fixed parameters ([`Posterior::fixed`]) that `scenario` does not have at
/// their calibrated value, one warning each, naming the `--set` that restores it: a run under
/// a posterior calibrated with, say, `model.fait_accompli=1` but run with the move off
/// draws parameters that were fitted to another model. Empty when they all agree.
pub fn fixed_mismatches(posterior: &Posterior, scenario: &Scenario) -> Vec<String> {
    fixed_mismatches_under(
        &posterior.file,
        &posterior.fixed,
        &posterior.fixed_at,
        scenario,
        Under::Run,
    )
}

/// What runs under a posterior's draws, for the words of [`fixed_mismatches_under`].
#[derive(Debug, Clone, Copy)]
pub enum Under<'a> {
    /// `deter run/compare --posterior`: "this scenario", restored with `--set`.
    Run,
    /// A sweep's `futures`: its base scenario as the sweep file names it, restored there.
    SweepBase(&'a str),
}

/// The one rule of [`fixed_mismatches`] for draws read from `file` with the fixed parameters
/// `fixed` (its `# set = PATH=VALUE` lines, [`fixed_lines`]) run under `scenario`, worded for
/// what runs under them (`under`): a sweep's `futures` names its base scenario.
pub fn fixed_mismatches_under(
    file: &str,
    fixed: &[(String, f64)],
    fixed_at: &[usize],
    scenario: &Scenario,
    under: Under<'_>,
) -> Vec<String> {
    let this = match under {
        Under::Run => "this scenario".to_string(),
        Under::SweepBase(base) => format!("the base scenario `{base}`"),
    };
    let mut out = Vec::new();
    for (k, (path, value)) in fixed.iter().enumerate() {
        // The `# set` line's FILE:LINE, as a fault of the file is located.
        let file = match fixed_at.get(k) {
            Some(line) => format!("{file}:{line}"),
            None => file.to_string(),
        };
        let now = match ParamRef::resolve(path, scenario) {
            Ok(t) => scenario.get(t),
            Err(_) => {
                out.push(format!(
                    "{file}: these draws were calibrated with `{path}={value}` fixed, a parameter {this} does not have"
                ));
                continue;
            }
        };
        if now != *value {
            let remedy = match under {
                Under::Run => format!("add --set {path}={value}"),
                Under::SweepBase(_) => format!("set {path} = {value} in the base scenario"),
            };
            out.push(format!(
                "{file}: these draws were calibrated with `{path}={value}` fixed but {this} has {path} = {now}: \
                 {remedy} to run under the conditions of the calibration"
            ));
        }
    }
    out
}

/// The fixed parameters of a file of draws (`file`, its text `text`): its provenance lines
/// `# set = PATH=VALUE` (deter calibrate's `set` and `--set`, [`super::output::fixed_lines`]),
/// in order, as `(path, value)` and the line of each (1-based). The one reader of
/// `--posterior` and a sweep's `futures`. A comment line `# set ...` that does not read (no
/// `PATH=VALUE`, a value that is not a number) is refused at its `FILE:LINE:COL` with what
/// was expected (a value in the words of every reader, [`crate::scenario::input::number_text`],
/// with the parameter's range where its path's shape names one); it was skipped as a comment,
/// and the run went ahead without the warning it was written for. Other comments are skipped.
#[allow(clippy::type_complexity)]
pub fn fixed_lines(
    file: &str,
    text: &str,
) -> Result<(Vec<(String, f64)>, Vec<usize>), Box<crate::scenario::Diagnostic>> {
    let (mut fixed, mut at) = (Vec::new(), Vec::new());
    const FORM: &str = "`# set = PATH=VALUE` (a value the calibration fixed)";
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        // `# set`, `#set=...`, `# set model.x=1`: a provenance line, well formed or not.
        let Some(rest) = line.strip_prefix('#').map(str::trim_start) else {
            continue;
        };
        let Some(after) = rest.strip_prefix("set") else {
            continue;
        };
        if !(after.is_empty() || after.starts_with([' ', '\t', '='])) {
            continue;
        }
        // Located at `start` (a byte offset of `line`) to its end, key path `key` (the
        // parameter's path for its value, as `--set` locates a value).
        let fault = |start: usize, key: &str, m: String, help: Option<String>| {
            let mut d = crate::scenario::Diagnostic::at(file, line, start..line.len(), key, m)
                .with_help(help);
            d.line = n;
            if let Some(ex) = &mut d.snippet {
                ex.line_start = n;
            }
            Box::new(d)
        };
        let Some(body) = line.strip_prefix("# set = ") else {
            let m = format!("expected {FORM}, found `{}`", line.trim());
            return Err(fault(0, "", m, None));
        };
        let start = line.len() - body.len();
        let Some((p, v)) = body.split_once('=').filter(|(p, _)| !p.trim().is_empty()) else {
            let m = format!("expected PATH=VALUE after `# set = `, found `{}`", body.trim());
            return Err(fault(start, "", m, None));
        };
        let spec = ParamRef::spec_by_shape(p);
        let expected = spec.map_or_else(|| "a number".to_string(), |s| s.expected());
        let vstart = start + p.len() + 1 + (v.len() - v.trim_start().len());
        let word = spec.and_then(|s| crate::scenario::params::switch_word(&s, v));
        match word.map_or_else(|| crate::scenario::input::number_text(v, &expected), Ok) {
            Ok(x) => {
                fixed.push((p.trim().to_string(), x));
                at.push(n);
            }
            Err((m, help)) => return Err(fault(vstart, p.trim(), m, help)),
        }
    }
    Ok((fixed, at))
}

/// Check every value of `posterior` against the range of its column's parameter in
/// `scenario` (columns resolved as [`resolve`] does), before any draw: a value out of range is
/// reported as [`out_of_range`] locates it ("FILE:LINE:COL: column `PATH`: expected a number
/// in [MIN, MAX] (UNIT), found VALUE", and the help line "`PATH`: DOC").
pub fn check_posterior(posterior: &Posterior, scenario: &Scenario) -> Result<(), String> {
    resolve(&posterior.paths, scenario)?;
    match out_of_range(posterior, scenario).first() {
        Some(d) => Err(crate::scenario::input::one_line_with_help(d)),
        None => Ok(()),
    }
}

/// The faults of `posterior`'s columns against `scenario`: its columns that are no parameter
/// of it ([`unknown_column`]) or, when every column is one, its values out of range
/// ([`out_of_range`]). Empty when there are none: `--posterior`'s check in the library and the
/// command line.
pub fn column_faults(
    posterior: &Posterior,
    text: &str,
    scenario: &Scenario,
) -> Vec<crate::scenario::Diagnostic> {
    let unknown = unknown_column(posterior, text, scenario);
    if unknown.is_empty() { out_of_range(posterior, scenario) } else { unknown }
}

/// Every column of `posterior` (read from `text`) that is not a parameter of `scenario`, as
/// the diagnostic of every file kind's unknown path: at its header cell `FILE:LINE:COL`,
/// "column `PATH`: `PATH` is not a parameter of this scenario", with the did-you-mean of
/// `--set` as its help line; and every column that names, under another spelling, a
/// parameter an earlier column names (a policy change's `name` and its `changes[K].OP`, an
/// index written `[00]`): "column `B` is the same scenario parameter as column `A` (columns I
/// and J)" at the second's header cell (after "column `B`:"), as a column named twice is
/// refused (both were set from one row, the later silently winning). In the order of the
/// columns; empty when every column resolves to a parameter of its own (case parameters
/// `CASE/PATH` are skipped, as [`resolve`] skips them).
pub fn unknown_column(
    posterior: &Posterior,
    text: &str,
    scenario: &Scenario,
) -> Vec<crate::scenario::Diagnostic> {
    let Some((n, header)) = header_line(text) else {
        return Vec::new();
    };
    let mut resolved: Vec<(usize, ParamRef)> = Vec::new();
    let mut faults = Vec::new();
    for (j, p) in posterior.paths.iter().enumerate() {
        if p.contains('/') {
            continue;
        }
        let column = p.trim();
        match ParamRef::resolve(p, scenario) {
            Err(e) => {
                // A misspelt `draw`, `weight` or `distance` (`weigth`, `Weight`, `draws`) is
                // no path: its did-you-mean is the column it meant, before any parameter's.
                let reserved = ["draw", "weight", "distance"].map(String::from);
                let meant = Some(column)
                    .filter(|c| !c.contains('.'))
                    .and_then(|c| crate::scenario::closest(c, &reserved));
                let help = meant.map(|s| format!("did you mean `{s}`?")).or(e.help());
                faults.push(crate::scenario::input::csv_cell(
                    &posterior.file,
                    n,
                    header,
                    posterior.column(j),
                    column,
                    &e.message,
                    help,
                ));
            }
            Ok(target) => {
                if let Some(&(i, _)) = resolved.iter().find(|(_, t)| *t == target) {
                    faults.push(crate::scenario::input::csv_cell(
                        &posterior.file,
                        n,
                        header,
                        posterior.column(j),
                        column,
                        &format!(
                            "`{column}` is the same scenario parameter as column `{}` (columns \
                             {} and {})",
                            posterior.paths[i].trim(),
                            posterior.column(i) + 1,
                            posterior.column(j) + 1
                        ),
                        Some("give each parameter one column".to_string()),
                    ));
                } else {
                    resolved.push((j, target));
                }
            }
        }
    }
    faults
}

/// The warnings for columns of `posterior` (read from `text`) that an enabled, dated policy
/// of `scenario` changes within its horizon: from the policy's start on, a `set` replaces
/// each draw and a `scale` or `add` acts on it. The posterior is the prior of the nested run,
/// so these are the words of a scenario's `[[uncertain]]` prior that a dated policy changes
/// ([`crate::scenario::overrides::policy_resets`] with its words), located at the column's
/// header cell as every fault of a column is. Case parameters `CASE/PATH` and columns that do
/// not resolve are skipped ([`unknown_column`] reports those).
pub fn policy_resets(
    posterior: &Posterior,
    text: &str,
    scenario: &Scenario,
) -> crate::scenario::Diagnostics {
    let mut out = crate::scenario::Diagnostics::default();
    let Some((n, header)) = header_line(text) else {
        return out;
    };
    for (j, path) in posterior.paths.iter().enumerate() {
        if path.contains('/') {
            continue;
        }
        let Ok(target) = ParamRef::resolve(path, scenario) else {
            continue;
        };
        for (message, help) in crate::scenario::overrides::policy_resets(
            scenario,
            target,
            path,
            None,
            crate::scenario::overrides::PRIOR_RESET,
        ) {
            out.0.push(
                crate::scenario::input::csv_cell(
                    &posterior.file,
                    n,
                    header,
                    posterior.column(j),
                    path.trim(),
                    &message,
                    Some(help),
                )
                .warning(),
            );
        }
    }
    out
}

/// A posterior's column, for [`crate::scenario::overrides::replaced_by_draws`]: what draws
/// the parameter where the warning points, how to remove it, and what is kept without the
/// value set.
pub(crate) const COLUMN_DRAWS: crate::scenario::overrides::Drawer<'static> =
    ("this column", "this column", "the posterior's draws");

/// The warnings for `PATH=VALUE` texts (given by `flag`: `--set`, `--set-b`, Python's
/// `set=`) applied to `scenario` on a parameter a column of `posterior` (read from `text`)
/// draws: in every draw the column's value replaces the value given. The words of `--set` on
/// a path an `[[uncertain]]` prior draws ([`crate::scenario::overrides::replaced_by_draws`]),
/// located at the column's header cell as every fault of a column is. Texts that do not parse
/// or resolve, case parameters `CASE/PATH` and columns that do not resolve are skipped.
///
/// A path that an `[[uncertain]]` prior of `priors` also draws gets this one warning, naming
/// the prior too (the column takes its place, [`draw`]); the prior's own warning for the same
/// value is dropped by [`without_covered_priors`], as its help (remove the prior) would not
/// let the value hold.
pub fn set_replaced<S: AsRef<str>>(
    posterior: &Posterior,
    text: &str,
    scenario: &Scenario,
    priors: &[Uncertain],
    texts: &[S],
    flag: &str,
) -> crate::scenario::Diagnostics {
    use crate::scenario::overrides::{Override, replaced_by_draws};
    let mut out = crate::scenario::Diagnostics::default();
    let Some((n, header)) = header_line(text) else {
        return out;
    };
    for t in texts {
        let Ok(o) = Override::parse(t.as_ref(), flag) else {
            continue;
        };
        let Ok(target) = ParamRef::resolve(&o.path, scenario) else {
            continue;
        };
        let column = posterior.paths.iter().enumerate().find(|(_, p)| {
            !p.contains('/') && ParamRef::resolve(p, scenario).is_ok_and(|c| c == target)
        });
        let Some((j, path)) = column else {
            continue;
        };
        let prior = priors
            .iter()
            .find(|u| ParamRef::resolve(&u.path, scenario).is_ok_and(|t| t == target));
        let (message, help) = match prior {
            None => replaced_by_draws(path.trim(), &o.text, flag, COLUMN_DRAWS),
            Some(u) => {
                let place = u.written_at.place().map_or(String::new(), |p| format!(" ({p})"));
                replaced_by_draws(
                    path.trim(),
                    &o.text,
                    flag,
                    (
                        &format!("this column, in place of the [[uncertain]] prior{place},"),
                        &format!("this column and the [[uncertain]] entry{place}"),
                        COLUMN_DRAWS.2,
                    ),
                )
            }
        };
        let d = crate::scenario::input::csv_cell(
            &posterior.file,
            n,
            header,
            posterior.column(j),
            path.trim(),
            &message,
            Some(help),
        )
        .warning();
        if !out.0.contains(&d) {
            out.0.push(d);
        }
    }
    out
}

/// The warnings of a nested run under `posterior` (read from `text`) of `scenarios` (one, or
/// A and B), each with the what-ifs applied to it (`(texts, flag)` lists: `--set`, `--set-b`,
/// Python's `set=`, `set_b=`): each column a dated policy of a scenario changes
/// ([`policy_resets`]), then each what-if on a path a column draws ([`set_replaced`]); a
/// warning both scenarios give is said once. What `deter run --posterior` and `deter compare
/// --posterior` print, and what the facade returns to programs.
pub fn posterior_warnings(
    posterior: &Posterior,
    text: &str,
    scenarios: &[(&Scenario, crate::api::SetLists<'_>)],
) -> crate::scenario::Diagnostics {
    let mut out = crate::scenario::Diagnostics::default();
    let mut add = |ws: crate::scenario::Diagnostics| {
        for w in ws.0 {
            if !out.0.contains(&w) {
                out.0.push(w);
            }
        }
    };
    for (s, _) in scenarios {
        add(policy_resets(posterior, text, s));
    }
    // A and B are run on the draws of both files' priors (`shared_priors`).
    let priors: Vec<Uncertain> = scenarios
        .iter()
        .flat_map(|(s, _)| s.uncertain.iter().cloned())
        .collect();
    for (s, sets) in scenarios {
        for &(texts, flag) in sets.iter() {
            add(set_replaced(posterior, text, s, &priors, texts, flag));
        }
    }
    // A column whose draws change nothing on one side of a comparison only names the side;
    // on every side it is said once, as for one scenario.
    let plain: Vec<crate::scenario::Diagnostics> = scenarios
        .iter()
        .map(|(s, _)| gated_columns(posterior, text, s, None))
        .collect();
    for (k, (s, _)) in scenarios.iter().enumerate() {
        let side = (scenarios.len() == 2).then_some(["A", "B"][k]);
        let named = gated_columns(posterior, text, s, side);
        for (p, n) in plain[k].0.iter().zip(named.0) {
            let everywhere = plain.iter().all(|o| o.0.contains(p));
            add(crate::scenario::Diagnostics(vec![if everywhere {
                p.clone()
            } else {
                n
            }]));
        }
    }
    out
}

/// Whether a column of `posterior` (not a case column) draws `target`, as resolved in any of
/// `scenarios`, with a non-zero value in some row: a switch so drawn makes its gated keys read.
fn drawn_above_0(posterior: &Posterior, target: ParamRef, scenarios: &[&Scenario]) -> bool {
    posterior.paths.iter().enumerate().any(|(j, p)| {
        !is_case_column(p)
            && scenarios
                .iter()
                .any(|s| ParamRef::resolve(p, s).is_ok_and(|t| t == target))
            && posterior.values.iter().any(|row| row[j] != 0.0)
    })
}

/// A column of `posterior` (read from `text`) that draws a `[model]` key read only under a
/// switch while the switch stays 0 in `scenario` (no policy or prior sets it, no column draws
/// it above 0): its draws change nothing, in the words of a prior on the key, at the column's
/// header cell.
/// `side` (`A`, `B`): the scenario is that side of a comparison, named in the message.
fn gated_columns(
    posterior: &Posterior,
    text: &str,
    scenario: &Scenario,
    side: Option<&str>,
) -> crate::scenario::Diagnostics {
    let side = side.map_or(String::new(), |s| format!(" in {s}"));
    let mut out = crate::scenario::Diagnostics::default();
    let Some((n, header)) = header_line(text) else {
        return out;
    };
    for (j, path) in posterior.paths.iter().enumerate() {
        if is_case_column(path) {
            continue;
        }
        let Ok(ParamRef::Model(i)) = ParamRef::resolve(path, scenario) else {
            continue;
        };
        let key = crate::scenario::params::ModelParams::FIELDS[i].key;
        let Some((gate, when)) = crate::scenario::gate_of(key) else {
            continue;
        };
        let Some(g) = crate::scenario::params::ModelParams::index_of(gate) else {
            continue;
        };
        if crate::scenario::gate_on(scenario, gate)
            || drawn_above_0(posterior, ParamRef::Model(g), &[scenario])
        {
            continue;
        }
        let d = crate::scenario::input::csv_cell(
            &posterior.file,
            n,
            header,
            posterior.column(j),
            path.trim(),
            &format!(
                "this column draws `model.{key}`, which is read only when {when}: with \
                 `model.{gate}` 0{side} and no policy or prior setting it, the draws change \
                 nothing{side}"
            ),
            Some(format!(
                "set `{gate}` in [model] above 0, or draw it in a column too, or remove this \
                 column"
            )),
        )
        .warning();
        out.0.push(d);
    }
    out
}

/// `warnings` (of `scenarios` as loaded, each with the what-if lists applied to it) less the
/// warnings of a value set on a path an `[[uncertain]]` prior draws
/// ([`crate::scenario::overrides::replaced_by_prior`]) where a column of `posterior` draws
/// that path too: the column takes the prior's place, and its warning names both
/// ([`set_replaced`]). Removing the prior, as the prior's help says, would not let the value
/// hold.
pub fn without_covered_priors(
    warnings: crate::scenario::Diagnostics,
    posterior: &Posterior,
    scenarios: &[(&Scenario, crate::api::SetLists<'_>)],
) -> crate::scenario::Diagnostics {
    use crate::scenario::overrides::{Override, replaced_by_prior};
    let mut covered = Vec::new();
    for (s, sets) in scenarios {
        let columns: Vec<ParamRef> = posterior
            .paths
            .iter()
            .filter(|p| !p.contains('/'))
            .filter_map(|p| ParamRef::resolve(p, s).ok())
            .collect();
        for u in scenarios.iter().flat_map(|(x, _)| &x.uncertain) {
            let Ok(target) = ParamRef::resolve(&u.path, s) else {
                continue;
            };
            if !columns.contains(&target) {
                continue;
            }
            for &(texts, flag) in sets.iter() {
                for t in texts {
                    let Ok(o) = Override::parse(t, flag) else {
                        continue;
                    };
                    if ParamRef::resolve(&o.path, s).is_ok_and(|x| x == target)
                        && let Some(d) =
                            replaced_by_prior(std::slice::from_ref(u), s, target, &o, flag)
                    {
                        covered.push(d);
                    }
                }
            }
        }
    }
    let mut kept: Vec<_> = warnings
        .0
        .into_iter()
        .filter(|w| !covered.contains(w))
        .collect();
    // A gated `[model]` key's warning that it changes nothing while its switch is 0 is false
    // when a column draws the switch with a non-zero value in some row: the key is then read,
    // as under a prior on the switch.
    let drawn: Vec<&Scenario> = scenarios.iter().map(|(s, _)| *s).collect();
    crate::scenario::drop_gated_warnings(&mut kept, |gate| drawn_above_0(posterior, gate, &drawn));
    crate::scenario::Diagnostics(kept)
}

/// The header of a posterior's `text`, with its line number (1-based): the first line that
/// is neither a comment nor blank, as [`parse_posterior`] reads it.
fn header_line(text: &str) -> Option<(usize, &str)> {
    text.lines()
        .enumerate()
        .find(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(n, l)| (n + 1, l))
}

/// Every value of `posterior` out of its column's parameter's range in `scenario`, as the
/// diagnostic of a CSV cell's fault in every reader (`FILE:LINE:COL: error: column `PATH`:
/// expected a number in [MIN, MAX] (UNIT), found VALUE`, the literal as written, with the help
/// line of every file kind), in the order of the file: the first [`ROW_FAULTS_SHOWN`], then the
/// count of the others at the next one's cell. When every value is in range, the first row
/// that reaches a refused pair of switches, if any. Empty: every value is in range, or a column
/// does not resolve ([`check_posterior`] says so).
pub fn out_of_range(
    posterior: &Posterior,
    scenario: &Scenario,
) -> Vec<crate::scenario::Diagnostic> {
    let Ok(targets) = resolve(&posterior.paths, scenario) else {
        return Vec::new();
    };
    let mut faults = RowFaults::default();
    for (i, row) in posterior.values.iter().enumerate() {
        let line = posterior.lines.get(i).copied().unwrap_or(0);
        // A posterior a program built has no text: its row as `deter calibrate` writes it.
        let written;
        let text = match posterior.texts.get(i) {
            Some(t) => t.as_str(),
            None => {
                let cells: Vec<String> = row.iter().map(f64::to_string).collect();
                written = format!(
                    "{i},{},{},0",
                    cells.join(","),
                    posterior.weights.get(i).copied().unwrap_or(0.0)
                );
                written.as_str()
            }
        };
        for (j, ((t, &v), path)) in targets.iter().zip(row).zip(&posterior.paths).enumerate() {
            let Some(t) = t else { continue };
            let spec = t.spec();
            if !spec.contains(v) {
                // The column's literal as written.
                let col = posterior.column(j);
                let found = text.split(',').nth(col).unwrap_or_default().trim();
                let (m, help) = crate::scenario::params::range_fault(path, &spec, found);
                faults.push(crate::scenario::input::csv_cell(
                    &posterior.file,
                    line,
                    text,
                    col,
                    path,
                    &m,
                    help,
                ));
            }
        }
    }
    match faults.reported() {
        Some(ds) => ds.0,
        None => refused_pair(posterior, scenario, &targets).into_iter().collect(),
    }
}

/// The first row of `posterior` whose values reach a refused combination of `[model]`
/// switches in `scenario` (the protectors' two moves with their one move at the attack, their
/// private resolve with restraint: [`crate::scenario::refused_pair_reached`]), in `[model]` or
/// through a dated policy the row enables or changes: at the cell of the row's last column of
/// either key (or of the policy), in the message and help of the scenario file and `--set`.
/// `None` when no row does, or when `scenario` reaches one without the draws (its own reader
/// refuses it).
fn refused_pair(
    posterior: &Posterior,
    scenario: &Scenario,
    targets: &[Option<ParamRef>],
) -> Option<crate::scenario::Diagnostic> {
    use crate::scenario::{may_reach_refused_pair, pair_key_of};
    let touched: Vec<usize> = (0..targets.len())
        .filter(|&j| targets[j].as_ref().is_some_and(may_reach_refused_pair))
        .collect();
    if touched.is_empty() || crate::scenario::refused_pair_reached(scenario).is_some() {
        return None;
    }
    for (i, row) in posterior.values.iter().enumerate() {
        let mut s = scenario.clone();
        for &j in &touched {
            s.set(targets[j]?, row[j]).ok()?;
        }
        let Some((keys, _, (message, help))) = crate::scenario::refused_pair_reached(&s) else {
            continue;
        };
        let j = touched
            .iter()
            .rev()
            .find(|&&j| {
                targets[j]
                    .as_ref()
                    .and_then(pair_key_of)
                    .is_some_and(|k| keys.contains(&k))
            })
            .or(touched.last())
            .copied()?;
        let line = posterior.lines.get(i).copied().unwrap_or(0);
        // A posterior a program built has no text: its row as `deter calibrate` writes it.
        let text = posterior.texts.get(i).cloned().unwrap_or_else(|| {
            let cells: Vec<String> = row.iter().map(f64::to_string).collect();
            let w = posterior.weights.get(i).copied().unwrap_or(0.0);
            format!("{i},{},{w},0", cells.join(","))
        });
        return Some(crate::scenario::input::csv_cell(
            &posterior.file,
            line,
            &text,
            posterior.column(j),
            &posterior.paths[j],
            &message,
            Some(help),
        ));
    }
    None
}

/// The text of a posterior file, read with the size bound and the file-level messages of
/// every input kind (`FILE: error: cannot read file: ...`).
pub fn read_posterior_text(path: &Path) -> Result<String, crate::scenario::Diagnostics> {
    let text =
        crate::calibrate::read_text(path, &path.display().to_string(), 256 << 20, "posterior")?;
    // Empty: the words of every input kind, with what a posterior holds.
    if text.trim().is_empty() {
        return Err(crate::scenario::Diagnostics(vec![
            crate::scenario::Diagnostic::file_level(
                &path.display().to_string(),
                "the file is empty".into(),
            )
            .with_help(Some(DRAWS_NEED.into())),
        ]));
    }
    Ok(text)
}

/// Weights of a file of draws that add up to more than the largest float: the resampling
/// could not weigh them (every draw took one row). Said by `--posterior` and a sweep's
/// `futures` alike.
pub const WEIGHTS_OVERFLOW: &str = "the weights add up to more than the largest number (about 1.8e308): \
     divide them by a common factor (deter calibrate writes weights that add up to 1)";

/// A file of draws (a posterior, a sweep's `futures`) with its header and no row.
pub const NO_DRAWS: &str = "the file has no draws (header only)";

/// A file of draws whose header is in quotes (`"draw","model.war_cost",...`, as R's
/// `write.csv` writes every file): its cells are read as written, quotes included.
pub const QUOTED_CELLS: &str = "the cells are in quotes: a file of draws is read as written, \
     plain comma-separated cells as deter calibrate writes them; write it without quotes (R: \
     `write.csv(x, FILE, quote = FALSE, row.names = FALSE)`; pandas: `x.to_csv(FILE, \
     index = False)`)";

/// What a file of draws holds (a posterior, a sweep's `futures`), for an empty one.
pub const DRAWS_NEED: &str = "a file of draws holds a header `draw,PATH...,weight,distance` \
     and one row per draw, as `deter calibrate` writes its posterior.csv (`draw`, `weight` \
     and `distance` may stand in any column or be left out; `weight` is 1 when absent)";

/// A file of draws whose header names no parameter: no column but `draw`, `weight`,
/// `distance` and a calibration's case columns `CASE/PATH`, which are listed and never set.
/// Its every draw would be the scenario as it is: `deter run --posterior` and a sweep's
/// `futures` refuse it alike (the run took one of case columns alone, its "interval over
/// uncertain parameters" that of no parameter).
pub const NO_PARAMETER_COLUMN: &str = "no parameter column (columns other than draw, weight, \
     distance and a calibration's case columns CASE/PATH, which describe a historical case and \
     are never set)";

/// Its help, for a file of case columns alone.
pub const CASE_COLUMNS_ONLY: &str = "every draw would be the scenario as it is: add a column \
     of a parameter of the scenario (`model.war_cost`), or run without the file of draws";

/// Read a file of draws (a posterior, a sweep's `futures`) of text already read from `path`
/// ([`read_posterior_text`]): the one reader of `deter run/compare --posterior`, `deter
/// merge`, the library's and Python's posterior and a sweep's `futures = "FILE"`.
///
/// Shape: lines starting with `#` and blank lines are skipped (`# set = PATH=VALUE` lines are
/// read as the calibration's fixed parameters, [`fixed_lines`]); the first other line is the
/// header, every later one a row of as many cells, split at commas, blanks around a name or a
/// cell trimmed. Columns are found by name, in any order:
/// - `draw` (optional): the draw's id, a number, each once (`2` and `2.0` are one draw);
/// - `weight` (optional, 1 when absent): a number >= 0, some positive, finite in sum;
/// - `distance` (optional): a number, read and not used;
/// - every other column (at least one) a parameter path, or a calibration's case column
///   `CASE/PATH` (listed, never set); a cell a number, or `true`/`false` for a switch.
///
/// `deter calibrate`'s `draw,PATH...,weight,distance` is one such file. Faults are located at
/// `FILE:LINE:COL` with the column's name (a quoted header, a column named twice, a malformed
/// case column, a row of another length, a cell that is no number, a negative weight, a draw
/// twice), or at the file (no header, no row, no positive weight, weights that overflow). A
/// parameter's range and whether a path is a parameter are the scenario's to say
/// ([`unknown_column`], [`out_of_range`]).
pub fn parse_posterior(path: &Path, text: &str) -> Result<Posterior, crate::scenario::Diagnostics> {
    let shown = path.display();
    let name = shown.to_string();
    // A fault of the header or of the file stops the reading: one diagnostic.
    let fault = |d: crate::scenario::Diagnostic| crate::scenario::Diagnostics(vec![d]);
    // A fault of a whole line: located at its first character, with its excerpt.
    let line_fault =
        |n: usize, line: &str, m: String| crate::scenario::input::csv_line(&name, n, line, m);
    let file_fault = |m: String| fault(crate::scenario::Diagnostic::file_level(&name, m));
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    // No header: the words of every input kind for an empty file, with what a file of draws
    // holds.
    let (hl, header) = lines.next().ok_or_else(|| {
        let what = if text.trim().is_empty() { "is empty" } else { "holds only comments" };
        fault(
            crate::scenario::Diagnostic::file_level(&name, format!("the file {what}"))
                .with_help(Some(DRAWS_NEED.into())),
        )
    })?;
    // Another kind of file given for a file of draws: another file of `deter calibrate`
    // (its first line names it), a page, a JSON file. Said as what it is, at its first line
    // (it got the faults of its cells: "expected a number, found inf", "the cells are in
    // quotes", "2 cells, the header has 1").
    let first = text.lines().next().unwrap_or("");
    let other_kind = match first.strip_prefix("# deter calibrate: ") {
        Some(kind) if !kind.starts_with("posterior") => {
            Some(format!("the calibration's {} file", kind.trim()))
        }
        Some(_) => None,
        None => match text.trim_start().chars().next() {
            Some('<') => Some("an HTML page".to_string()),
            Some('{') => Some("a JSON file".to_string()),
            _ => None,
        },
    };
    if let Some(kind) = other_kind {
        let (n, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty())
            .unwrap_or((0, first));
        return Err(fault(
            crate::scenario::input::csv_line(
                &name,
                n + 1,
                line,
                format!("expected a file of draws (a posterior.csv of deter calibrate), found {kind}"),
            )
            .with_help(Some(
                "give the posterior.csv that deter calibrate writes beside it, or a file of draws \
                 `draw,PATH...,weight` (docs/CALIBRATION.md)"
                    .into(),
            )),
        ));
    }
    // Cells separated by another character than a comma (a spreadsheet in a European
    // locale writes `;`): said at the header, with the way to write commas.
    if !header.contains(',')
        && let Some(sep) = [';', '\t', '|'].into_iter().find(|c| header.contains(*c))
    {
        let shown_sep = if sep == '\t' { "a tab".to_string() } else { format!("`{sep}`") };
        return Err(fault(
            crate::scenario::input::csv_line(
                &name,
                hl + 1,
                header,
                format!("expected cells separated by commas, found them separated by {shown_sep}"),
            )
            .with_help(Some(
                "a file of draws is CSV with commas: export it as \"CSV (comma-separated)\" (a \
                 spreadsheet set to a European locale writes `;`)"
                    .into(),
            )),
        ));
    }
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    // R's write.csv quotes every column name: said so, with the way to write it plain.
    if header.contains('"') {
        return Err(fault(
            crate::scenario::input::csv_line(
                &name,
                hl + 1,
                header,
                "expected a header `draw,PATH...,weight,distance` (a posterior.csv of deter \
                 calibrate)"
                    .into(),
            )
            .with_help(Some(QUOTED_CELLS.into())),
        ));
    }
    if let Some((j, m)) = repeated_column(&cols) {
        // At the second occurrence, as a repeated row is located at its cell.
        return Err(fault(crate::scenario::input::csv_cell(
            &name,
            hl + 1,
            header,
            j,
            cols[j],
            &m,
            Some("name each column once".into()),
        )));
    }
    if let Some(j) = malformed_case_column(&cols) {
        return Err(fault(crate::scenario::input::csv_cell(
            &name,
            hl + 1,
            header,
            j,
            cols[j],
            MALFORMED_CASE_COLUMN,
            Some(CASE_COLUMN_HELP.into()),
        )));
    }
    let draw_col = cols.iter().position(|c| *c == "draw");
    let weight_col = cols.iter().position(|c| *c == "weight");
    let columns: Vec<usize> = (0..cols.len())
        .filter(|&j| !matches!(cols[j], "draw" | "weight" | "distance"))
        .collect();
    if columns.iter().all(|&j| is_case_column(cols[j])) {
        let help = if columns.is_empty() { DRAWS_NEED } else { CASE_COLUMNS_ONLY };
        return Err(fault(
            crate::scenario::input::csv_line(&name, hl + 1, header, NO_PARAMETER_COLUMN.into())
                .with_help(Some(help.into())),
        ));
    }
    let paths: Vec<String> = columns.iter().map(|&j| cols[j].to_string()).collect();
    let (mut values, mut weights, mut rows, mut texts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Each draw's id and its line: a draw twice (a row pasted again, two files joined) is
    // refused at its cell, in the words of the other readers' repeated rows.
    let mut draw_ids: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    // Every row's faults, in the order of the file: a faulty row is left out and the reading
    // goes on, so that a file with several faults is mended in one pass.
    let mut row_faults = RowFaults::default();
    'rows: for (n, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != cols.len() {
            row_faults.push(line_fault(
                n + 1,
                line,
                format!("{} cells, the header has {}", cells.len(), cols.len()),
            ));
            continue;
        }
        // The row's numbers, NaN where a cell is at fault.
        let mut f = Vec::with_capacity(cells.len());
        let mut cell_fault = vec![false; cells.len()];
        for (j, cell) in cells.iter().enumerate() {
            // A cell's fault at FILE:LINE:COL in the words of the same literal in a TOML
            // file (`1e-400`: "a number too small to use"): a parameter's cell expects the
            // parameter's range (its path's shape names it; the range itself is checked
            // against the scenario, [`out_of_range`]).
            let is_weight = Some(j) == weight_col;
            let spec = ParamRef::spec_by_shape(cols[j]).filter(|_| columns.contains(&j));
            let expected = match spec {
                _ if is_weight => "a number >= 0".to_string(),
                Some(spec) => spec.expected(),
                _ => "a number".to_string(),
            };
            let expected = expected.as_str();
            let word = spec.and_then(|s| crate::scenario::params::switch_word(&s, cell));
            let x = word
                .map_or_else(|| crate::scenario::input::number_text(cell, expected), Ok)
                .and_then(|x| {
                    if is_weight && x < 0.0 {
                        // A number is said as written, as TOML files and `--set` say it.
                        Err((format!("expected {expected}, found {cell}"), None))
                    } else {
                        Ok(x)
                    }
                });
            match x {
                Ok(x) => f.push(x),
                // Each faulty cell of the row, at its column.
                Err((m, help)) => {
                    f.push(f64::NAN);
                    cell_fault[j] = true;
                    row_faults.push(crate::scenario::input::csv_cell(
                        &name,
                        n + 1,
                        line,
                        j,
                        cols[j],
                        &m,
                        help,
                    ));
                }
            }
        }
        // By value (`2` and `2.0` are one draw; `-0` is `0`); a row at fault elsewhere still
        // names its draw, so that the same draw later is said twice.
        if let Some(d) = draw_col.filter(|&d| !cell_fault[d]) {
            let id = (f[d] + 0.0).to_bits();
            if let Some(&first) = draw_ids.get(&id) {
                let (m, help) = repeated_draw(cells[d], first);
                row_faults.push(crate::scenario::input::csv_cell(
                    &name,
                    n + 1,
                    line,
                    d,
                    cols[d],
                    &m,
                    Some(help),
                ));
                continue;
            }
            draw_ids.insert(id, n + 1);
        }
        if cell_fault.contains(&true) {
            continue 'rows;
        }
        values.push(columns.iter().map(|&j| f[j]).collect::<Vec<f64>>());
        weights.push(weight_col.map_or(1.0, |w| f[w]));
        rows.push(n + 1);
        texts.push(line.to_string());
    }
    if let Some(faults) = row_faults.reported() {
        return Err(faults);
    }
    if weights.is_empty() {
        // A header and no row: said as such, at the file, as an empty file is.
        return Err(fault(
            crate::scenario::Diagnostic::file_level(&name, NO_DRAWS.into())
                .with_help(Some(DRAWS_NEED.into())),
        ));
    }
    let total = weights.iter().sum::<f64>();
    if total <= 0.0 {
        return Err(file_fault("no draw with a positive weight".into()));
    }
    if !total.is_finite() {
        return Err(file_fault(WEIGHTS_OVERFLOW.into()));
    }
    // Provenance lines `# set = PATH=VALUE` (deter calibrate's fixed parameters); one that
    // does not read is refused at its line, any other comment skipped.
    let (fixed, fixed_at) = fixed_lines(&name, text).map_err(|d| fault(*d))?;
    Ok(Posterior {
        paths,
        values,
        weights,
        file: shown.to_string(),
        lines: rows,
        texts,
        fixed,
        fixed_at,
        columns,
    })
}

/// How many faults of a file of draws' rows are reported: the first ones, then the next one's
/// place with the count of the others (a column of words in 10,000 rows is one mistake: its
/// every row is neither printed nor held).
pub const ROW_FAULTS_SHOWN: usize = 10;

/// The faults of a file of draws' rows, in the order of the file: the first
/// [`ROW_FAULTS_SHOWN`] and the next one kept, the others counted.
#[derive(Default)]
struct RowFaults {
    kept: Vec<crate::scenario::Diagnostic>,
    all: usize,
    last_line: usize,
}

impl RowFaults {
    fn push(&mut self, d: crate::scenario::Diagnostic) {
        self.all += 1;
        self.last_line = d.line;
        if self.kept.len() <= ROW_FAULTS_SHOWN {
            self.kept.push(d);
        }
    }

    /// None if no row is at fault; else the faults to report, the one after the last shown
    /// turned into the count of those not shown, at its place (so that it prints after them:
    /// diagnostics print in the order of lines).
    fn reported(self) -> Option<crate::scenario::Diagnostics> {
        let RowFaults { mut kept, all, last_line } = self;
        if all == 0 {
            return None;
        }
        if all > ROW_FAULTS_SHOWN {
            let rest = &mut kept[ROW_FAULTS_SHOWN];
            rest.path = String::new();
            rest.message = format!(
                "{} more faults from here to line {last_line}, not shown ({all} in all)",
                all - ROW_FAULTS_SHOWN
            );
            rest.help = Some("mend the faults above and read the file again".into());
            rest.count = all - ROW_FAULTS_SHOWN;
        }
        Some(crate::scenario::Diagnostics(kept))
    }
}

/// A draw id seen twice in a file of draws (a row pasted again, two files joined): the
/// message at the repeated cell, "draw ID appears twice (first on line N)", and its help.
/// `deter run --posterior` and a sweep's `futures` refuse it alike, by value (`2` and `2.0`
/// are one draw).
pub fn repeated_draw(cell: &str, first: usize) -> (String, String) {
    (
        format!("draw {} appears twice (first on line {first})", cell.trim()),
        "a file of draws holds one row per draw: remove the repeated row".into(),
    )
}

/// The fault of a column that only looks like a case column ([`malformed_case_column`]).
pub const MALFORMED_CASE_COLUMN: &str = "expected a parameter path, or a calibration's case \
     column `CASE/PATH` (one case id, one `/`, a path)";
/// Its help.
pub const CASE_COLUMN_HELP: &str = "a case column names one historical case's own parameter, \
     as `deter calibrate` writes it (`serbia-kosovo/rivalry.*.opportunity_rate`); it is listed, \
     never set";

/// The first column of a file of draws' header that holds a `/` but is no case column
/// `CASE/PATH` ([`is_case_column`]): `/model.war_cost`, `a/b/model.war_cost`,
/// `model.war_cost/`. A case column is skipped (`--posterior` lists it, never sets it; a
/// sweep's `futures` leaves it out), so such a column was taken in silence. `--posterior`
/// and `futures` refuse it alike, at its header cell.
pub fn malformed_case_column(columns: &[&str]) -> Option<usize> {
    columns.iter().position(|c| {
        c.trim().split_once('/').is_some_and(|(case, path)| {
            case.is_empty() || path.is_empty() || path.contains('/')
        })
    })
}

/// A file of draws' header naming one column twice: the second occurrence's index (0-based,
/// where the fault is located) and "column `NAME` appears twice (columns I and J)", 1-based;
/// `None` when every column is named once. The draws of `deter run --posterior` and of a
/// sweep's `futures` read it alike (a repeated parameter was set twice from one row, the
/// later value silently winning).
pub fn repeated_column(columns: &[&str]) -> Option<(usize, String)> {
    columns.iter().enumerate().find_map(|(j, c)| {
        columns[..j]
            .iter()
            .position(|p| p.trim() == c.trim())
            .map(|i| {
                (
                    j,
                    format!(
                        "column `{}` appears twice (columns {} and {})",
                        c.trim(),
                        i + 1,
                        j + 1
                    ),
                )
            })
    })
}

/// One outcome's summary over draws.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSummary {
    pub outcome: &'static str,
    pub mean: f64,
    pub q05: f64,
    pub q95: f64,
    /// Standard error of `mean` from the finite runs per draw only (what more runs would fix).
    pub mc_error: f64,
    /// Standard error of `mean` over the D draws, sd_d(p_d) / sqrt(D) (draws and runs): 0
    /// when every draw gave the same value; `None` when D < 2.
    pub se_mean: Option<f64>,
    pub parametric_share: f64,
}

/// The standard error of the mean of D per-draw estimates, sd(p) / sqrt(D) with the sample
/// standard deviation (divisor D - 1): exactly 0 when every estimate is the same (the mean's
/// interval is then the point, as for a mean over runs that did not vary); `None` when D < 2.
pub fn se_of_mean(p: &[f64]) -> Option<f64> {
    let d = p.len() as f64;
    if p.len() < 2 {
        return None;
    }
    if p.iter().all(|x| *x == p[0]) {
        return Some(0.0);
    }
    let mean = p.iter().sum::<f64>() / d;
    let var = p.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d - 1.0);
    Some((var / d).sqrt())
}

/// Why the 95% interval of a mean over draws is missing (fewer than two draws), as `compare`
/// words it.
pub fn undefined_reason(p: &[f64]) -> String {
    format!("undefined (n = {})", p.len())
}

/// Why the 95% interval of a mean over draws is missing, for people (the tables and pages of
/// nested runs): the reason with its count grouped. JSON and CSV keep [`undefined_reason`].
pub fn no_interval_words(p: &[f64]) -> String {
    crate::report::table::readable_reason(&undefined_reason(p))
}

/// The cell of a mean's 95% interval over draws in the tables and pages of nested runs:
/// `shown(lo, hi)`, followed by ", unchanged in every draw" ([`crate::report::UNCHANGED_DRAWS`])
/// when it is the point of a value every draw gave (sd 0), or the reason it is undefined.
pub fn mean_interval_cell(
    ci: Option<(f64, f64)>,
    se: Option<f64>,
    p: &[f64],
    shown: fn(f64, f64) -> String,
) -> String {
    match ci {
        Some((lo, hi)) if se == Some(0.0) => {
            format!("{}, {}", shown(lo, hi), crate::report::UNCHANGED_DRAWS)
        }
        Some((lo, hi)) => shown(lo, hi),
        None => no_interval_words(p),
    }
}

/// The 95% interval of a mean over draws: mean +- z `se` (z = [`crate::stats::Z95`], the
/// 1.96 of every interval), or `None` when undefined.
pub fn interval95(mean: f64, se: Option<f64>) -> Option<(f64, f64)> {
    se.map(|s| (mean - crate::stats::Z95 * s, mean + crate::stats::Z95 * s))
}

/// The result of a nested run.
#[derive(Debug, Clone, PartialEq)]
pub struct Nested {
    /// D: number of parameter draws.
    pub draws: u64,
    /// R: runs simulated for each draw.
    pub runs_per_draw: u64,
    /// Master seed; draw d's runs use its streams d x R .. (d + 1) x R.
    pub seed: u64,
    /// The horizon every run simulated, in years (each probability is over it).
    pub horizon_years: u32,
    /// Per outcome (EVENTS order), the probability in each draw.
    pub per_draw: Vec<Vec<f64>>,
    /// Per outcome (EVENTS order): mean over draws, 90% interval over uncertain parameters,
    /// errors.
    pub outcomes: Vec<OutcomeSummary>,
    /// The parameter values of each draw.
    pub parameters: Draws,
    /// The scenario's dated policies as a run's report lists them (before the draws), each
    /// with the month it took effect in each draw's runs (a draw may move a policy's start or
    /// switch it off); empty without policies.
    pub policies: Vec<NestedPolicy>,
}

/// A dated policy of a nested run ([`Nested::policies`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NestedPolicy {
    /// The policy as the scenario gives it, before any draw's values (a run's `policies`).
    #[serde(flatten)]
    pub policy: crate::report::PolicyOut,
    /// Per draw (in draw order): the month it took effect in that draw's runs (`YYYY-MM`),
    /// `None` when it never did (switched off, or dated at or after the horizon's end).
    pub in_effect_from_per_draw: Vec<Option<String>>,
}

impl NestedPolicy {
    /// The policy in a few words for a header line: a run's ([`crate::report::PolicyOut::brief`]),
    /// then, when the draws moved its month, the range of months it took effect in and in
    /// how many draws it never did: `envoy from 2025-07 (in the draws: from 2025-03 to
    /// 2029-11; not applied in 2 of 50)`.
    pub fn brief(&self) -> String {
        self.brief_over("draws")
    }

    /// [`NestedPolicy::brief`] with the per-draw months being those of `what` (a sweep's
    /// page: "points"): `envoy from 2025-07 (in the points: from 2023-07 to 2030-04; not
    /// applied in 1 of 4)`.
    pub fn brief_over(&self, what: &str) -> String {
        let mut out = self.policy.brief();
        let base = &self.policy.in_effect_from;
        if self.in_effect_from_per_draw.iter().all(|m| m == base) {
            return out;
        }
        let applied: Vec<&str> = self
            .in_effect_from_per_draw
            .iter()
            .filter_map(|m| m.as_deref())
            .collect();
        let never = self.in_effect_from_per_draw.len() - applied.len();
        let mut parts = Vec::new();
        if let (Some(lo), Some(hi)) = (applied.iter().min(), applied.iter().max()) {
            parts.push(if lo == hi {
                format!("from {lo}")
            } else {
                format!("from {lo} to {hi}")
            });
        }
        if never > 0 {
            parts.push(format!(
                "not applied in {never} of {}",
                self.in_effect_from_per_draw.len()
            ));
        }
        out.push_str(&format!(" (in the {what}: {})", parts.join("; ")));
        out
    }
}

/// The line under a nested run's table header naming its dated policies (empty without
/// any), as a run's table does ([`crate::report::table::policies_line`]), each with the
/// months the draws gave it ([`NestedPolicy::brief`]).
pub fn policies_line(policies: &[NestedPolicy]) -> String {
    labelled_policies_line("Policies", policies, false)
}

/// [`policies_line`] under `label`; a side without policies says `none` when `always` (a
/// comparison's side beside one with some), as a comparison's table does
/// ([`crate::report::table::policies_line`]).
pub fn labelled_policies_line(label: &str, policies: &[NestedPolicy], always: bool) -> String {
    if policies.is_empty() {
        return if always {
            format!("{label}: none\n")
        } else {
            String::new()
        };
    }
    let items: Vec<String> = policies
        .iter()
        .map(|p| crate::scenario::printable(&p.brief()).into_owned())
        .collect();
    format!("{label}: {}\n", items.join("; "))
}

/// The dated policies of `scenario` and the month each took effect in each draw's runs
/// (`draws`' values set on it as the runs set them, [`with_draw`]): computed from the
/// scenario, as a run's report computes its own.
pub fn policies_of(scenario: &Scenario, draws: &Draws) -> Vec<NestedPolicy> {
    let base = crate::report::PolicyOut::of(scenario);
    if base.is_empty() {
        return Vec::new();
    }
    let mut per_draw: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(draws.len()); base.len()];
    // Only a draw of a policy's own values (`policy.ID....`) can move its month.
    let targets = resolve(&draws.paths, scenario).ok();
    let moves = draws.paths.iter().any(|p| p.starts_with("policy."));
    for (d, row) in draws.rows.iter().enumerate() {
        let drawn = match &targets {
            Some(t) if moves => with_draw(scenario, t, row, d)
                .ok()
                .map(|s| crate::report::PolicyOut::of(&s)),
            _ => None,
        };
        for (i, p) in base.iter().enumerate() {
            let from = drawn.as_ref().map_or(&p.in_effect_from, |x| &x[i].in_effect_from);
            per_draw[i].push(from.clone());
        }
    }
    base.into_iter()
        .zip(per_draw)
        .map(|(policy, in_effect_from_per_draw)| NestedPolicy {
            policy,
            in_effect_from_per_draw,
        })
        .collect()
}

/// Resolve the posterior's parameter paths in `scenario`. A calibration's case parameters
/// (columns `CASE/PATH`, such as one historical case's crisis rate) describe that case, not the
/// scenario being run: they resolve to `None` and are not set.
pub fn resolve(paths: &[String], scenario: &Scenario) -> Result<Vec<Option<ParamRef>>, String> {
    paths
        .iter()
        .map(|p| {
            if is_case_column(p) {
                return Ok(None);
            }
            ParamRef::resolve(p, scenario).map(Some).map_err(|e| {
                let hint = e
                    .suggestion
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                format!("parameter `{p}` of the draws: {}{hint}", e.message)
            })
        })
        .collect()
}

/// Set draw `d`'s values on a copy of `scenario` (`targets` from [`resolve`]).
pub fn with_draw(
    scenario: &Scenario,
    targets: &[Option<ParamRef>],
    row: &[f64],
    d: usize,
) -> Result<Scenario, String> {
    let mut s = scenario.clone();
    for (&t, &v) in targets.iter().zip(row) {
        let Some(t) = t else { continue };
        s.set(t, v)
            .map_err(|e| format!("parameter draw {d}: {e}"))?;
    }
    Ok(s)
}

/// Run every draw x R runs. `progress` is called with runs finished.
pub fn run(
    scenario: &Scenario,
    draws: &Draws,
    runs: u64,
    seed: u64,
    hooks: Hooks<'_>,
) -> Result<Result<Nested, String>, Interrupted> {
    let targets = match resolve(&draws.paths, scenario) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    // Every draw's values are checked before any run (one scenario at a time: memory does
    // not grow with the draws).
    for (d, row) in draws.rows.iter().enumerate() {
        if let Err(e) = with_draw(scenario, &targets, row, d) {
            return Ok(Err(e));
        }
    }
    let aggregates = engine::driver::for_each_draw(draws.len() as u64, &hooks, |d| {
        let s = with_draw(scenario, &targets, &draws.rows[d as usize], d as usize)
            .expect("every draw was checked above");
        let compiled = Compiled::new(&s);
        let plan = RunPlan {
            seed,
            first: 0,
            count: runs,
            stream_offset: d * runs,
        };
        engine::run(&compiled, &plan, hooks).map(|agg| agg.region.events)
    })?;
    Ok(Ok(of_counts(
        scenario,
        draws,
        runs,
        seed,
        &aggregates,
    )))
}

/// The nested run of `scenario` (its horizon, its dated policies: [`policies_of`]) over
/// `draws` x `runs` runs (seed `seed`) whose draw
/// d's runs had each outcome in `events[d][k]` of them: what [`run`] reports from its
/// simulated tallies, and `deter merge` from a nested run's shards.
pub fn of_counts(
    scenario: &Scenario,
    draws: &Draws,
    runs: u64,
    seed: u64,
    events: &[[u64; EVENTS.len()]],
) -> Nested {
    let mut per_draw = vec![Vec::with_capacity(draws.len()); EVENTS.len()];
    for events in events {
        for (k, &c) in events.iter().enumerate() {
            per_draw[k].push(c as f64 / runs as f64);
        }
    }
    let outcomes = EVENTS
        .iter()
        .zip(&per_draw)
        .map(|(e, p)| summarise(e.key, p, runs))
        .collect();
    Nested {
        draws: draws.len() as u64,
        runs_per_draw: runs,
        seed,
        horizon_years: scenario.meta.horizon_years,
        per_draw,
        outcomes,
        parameters: draws.clone(),
        policies: policies_of(scenario, draws),
    }
}

/// The nested run whose shards are `files` (checked by [`crate::shard::check_complete`],
/// kind `nested`): `scenario` rebuilt from them (checked by hash) and the `posterior` their
/// embedded text reads as. The draws are drawn again as the shards drew them ([`draw`]: a
/// function of the posterior, the priors, D and the seed), each draw's parts are merged in
/// index order into the tallies of that draw's scenario ([`with_draw`], the shape every part
/// is checked against), and its outcome counts kept: one draw's tallies and one part in
/// memory at a time. The result is [`run`]'s for the same inputs, bit for bit. `cancel`:
/// the merge's cancellation flag, checked before each draw's values and each part
/// ([`crate::shard::MergeError::Interrupted`]).
pub fn merge_shards(
    files: &[crate::shard::Named],
    scenario: &Scenario,
    posterior: Option<&Posterior>,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Nested, crate::shard::MergeError> {
    use crate::shard::MergeError;
    let header = &files[0].header;
    let (d_count, runs, seed) = (header.points, header.runs, header.seed);
    if let Some(p) = posterior {
        check_posterior(p, scenario).map_err(MergeError::Set)?;
    }
    let draws = draw(posterior, &scenario.uncertain, d_count, seed);
    let targets = resolve(&draws.paths, scenario).map_err(MergeError::Set)?;
    let mut events: Vec<[u64; EVENTS.len()]> = Vec::with_capacity(draws.len());
    // Every draw's values are checked before any part is read, as [`run`] checks them.
    for (d, row) in draws.rows.iter().enumerate() {
        if crate::shard::cancelled(cancel) {
            return Err(MergeError::Interrupted);
        }
        with_draw(scenario, &targets, row, d).map_err(MergeError::Set)?;
    }
    crate::shard::merge_points(
        files,
        cancel,
        |d| {
            let s = with_draw(scenario, &targets, &draws.rows[d as usize], d as usize)
                .expect("every draw was checked above");
            crate::engine::Aggregate::new(&Compiled::new(&s))
        },
        |d, agg| {
            if d != events.len() as u64 {
                return Err(format!("draw {d} came out of order"));
            }
            if agg.runs != runs {
                return Err(format!(
                    "draw {d}: the shards hold {} runs, but their header says {runs}",
                    agg.runs
                ));
            }
            events.push(agg.region.events);
            Ok(())
        },
    )?;
    if events.len() as u64 != d_count {
        return Err(MergeError::Set(format!(
            "the shards hold {} of the nested run's {d_count} draws",
            events.len()
        )));
    }
    Ok(of_counts(
        scenario,
        &draws,
        runs,
        seed,
        &events,
    ))
}

/// The summary of one outcome's per-draw probabilities (see the module docs).
pub fn summarise(outcome: &'static str, p: &[f64], runs: u64) -> OutcomeSummary {
    let d = p.len() as f64;
    let mean = p.iter().sum::<f64>() / d;
    let w = vec![1.0; p.len()];
    let within: f64 = p.iter().map(|x| x * (1.0 - x)).sum::<f64>() / (runs.max(2) - 1) as f64;
    let mc_error = within.sqrt() / d;
    let parametric_share = share_over_noise(p, within / d);
    OutcomeSummary {
        outcome,
        mean,
        q05: super::abc::weighted_quantile(p, &w, 0.05),
        q95: super::abc::weighted_quantile(p, &w, 0.95),
        mc_error,
        se_mean: se_of_mean(p),
        parametric_share,
    }
}

/// A probability's interval in a nested run's table and page, "[1.2%, 3.4%]" (an end that is
/// neither 0 nor 1 never printed as either: [`crate::report::percent_of_share`]), or "[within
/// +-0.05%]" when both ends round to 0.0% without both being 0 (the words of
/// [`crate::report::tiny_interval`], as `deter run` and `deter compare` print such an interval).
pub fn pct_interval(lo: f64, hi: f64) -> String {
    match crate::report::tiny_interval(lo, hi, 1) {
        Some(t) => format!("[{t}%]"),
        None => format!(
            "[{}%, {}%]",
            crate::report::percent_of_share(lo, 1),
            crate::report::percent_of_share(hi, 1)
        ),
    }
}

/// A difference's interval in percentage points in a nested comparison's table and page,
/// "[-1.2, +0.4] pp", or "[within +-0.05] pp" when both ends round to zero without both
/// being 0 ([`crate::report::tiny_interval`]).
pub fn pts_interval(lo: f64, hi: f64) -> String {
    match crate::report::tiny_interval(lo, hi, 1) {
        Some(t) => format!("[{t}] pp"),
        None => format!("[{}, {}] pp", crate::report::percent_signed(lo, 1), crate::report::percent_signed(hi, 1)),
    }
}

/// Lay out a nested table: the header row and the data rows, column by column, each column
/// as wide as its widest cell (header included) and two spaces apart; the first column
/// (outcomes) is left-aligned, the columns in `right` are right-aligned, the others
/// left-aligned, and the last column is not padded. The data rows line up under their
/// headers whatever the widths of the cells ("unchanged in every draw", "[within +-0.05%]").
fn lay_out(header: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let last = header.len() - 1;
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (j, cell) in cells.enumerate() {
            if j > 0 {
                out.push_str("  ");
            }
            let pad = widths[j].saturating_sub(cell.chars().count());
            if right.contains(&j) {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                if j < last {
                    out.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// What each probability of a nested table is, for a horizon of `years`: the window is not
/// printed anywhere else in the table (`deter run` says "at least once in 10 years").
fn horizon_words(years: u32) -> String {
    let y = crate::report::years(years);
    format!(
        "Each probability is the share of runs in which the event happened at least once over the \
         {y} of the horizon (deterrence held: no use of force in any of them), not per year.\n"
    )
}

/// The plain-words table; `years` is the horizon every run simulated. Headed as a plain
/// run's table: `deter VERSION | SCENARIO (FILE)` (`source`: the file as given), then the
/// runs line with `timing` ([`crate::report::table::timing_words`], informative) after ` | `.
pub fn table(n: &Nested, scenario: &str, source: &str, years: u32, timing: &str) -> String {
    let pct = crate::report::share_percent;
    let rows: Vec<Vec<String>> = n
        .outcomes
        .iter()
        .zip(&n.per_draw)
        .zip(&EVENTS)
        .map(|((o, p), e)| {
            debug_assert_eq!(o.outcome, e.key);
            vec![
                e.label.to_string(),
                pct(o.mean),
                parameter_interval_cell(n.draws, noisy(o.q05, o.q95, o.parametric_share), pct_interval(o.q05, o.q95)),
                mean_interval_cell(
                    interval95(o.mean, o.se_mean).map(|(lo, hi)| (lo.max(0.0), hi.min(1.0))),
                    o.se_mean,
                    p,
                    pct_interval,
                ),
                share_cell(n.draws, o.parametric_share),
            ]
        })
        .collect();
    let mut out = format!(
        "deter {} | {scenario} ({source})\n{} x {} each (seed {}), horizon \
         {years} year{} | {timing}\n{}\n",
        crate::ENGINE_VERSION,
        crate::report::table::count(n.draws, "parameter draw", "parameter draws"),
        crate::report::table::count(n.runs_per_draw, "run", "runs"),
        n.seed,
        if years == 1 { "" } else { "s" },
        policies_line(&n.policies),
    );
    out.push_str(&lay_out(
        &[
            "outcome",
            "mean",
            "90% interval over uncertain parameters",
            "95% interval of the mean (draws x runs)",
            "share of variance from parameters",
        ],
        &rows,
        &[1],
    ));
    out.push_str(
        "\nThe 90% interval over uncertain parameters is what we don't know (the spread of the \
         probability across parameter draws: once each draw has runs enough, more runs do not \
         narrow it); the 95% interval of the mean is the error of the mean from only D parameter \
         draws and R runs each (more draws narrow it).\n",
    );
    out.push_str(&noise_note(
        n.outcomes
            .iter()
            .map(|o| noisy(o.q05, o.q95, o.parametric_share)),
        n.runs_per_draw,
    ));
    out.push_str(&horizon_words(years));
    out
}

/// Below this share of the spread across draws from the parameters, the 90% interval over
/// uncertain parameters is said to be mostly run-to-run noise (marked `*`).
const NOISY_PARAMETRIC_SHARE: f64 = 0.5;

/// Whether a 90% interval over uncertain parameters `[q05, q95]` that has a width is mostly
/// run noise: less than half of the variance across draws is the parameters'. A point (every
/// draw gave the same value, share 0 by convention) is not.
pub(crate) fn noisy(q05: f64, q95: f64, parametric_share: f64) -> bool {
    q95 > q05 && parametric_share < NOISY_PARAMETRIC_SHARE
}

/// A cell of the 90% interval over uncertain parameters: undefined for one draw (no spread
/// to take quantiles of: it printed a point), marked `*` when it is mostly run noise
/// ([`noisy`], [`noise_note`]).
pub(crate) fn parameter_interval_cell(draws: u64, noisy: bool, interval: String) -> String {
    if draws < 2 {
        "undefined (one draw)".into()
    } else if noisy {
        format!("{interval} *")
    } else {
        interval
    }
}

/// A cell of the share of variance from parameters: undefined for one draw (no variance over
/// draws: it printed 0%).
pub(crate) fn share_cell(draws: u64, parametric_share: f64) -> String {
    if draws < 2 {
        "undefined (one draw)".into()
    } else {
        format!("{}%", crate::report::percent(parametric_share, 0))
    }
}

/// The note under a nested table whose 90% intervals over uncertain parameters are marked as
/// mostly run noise (a trial's 20 runs a draw gave non-state violence [90.0%, 100.0%] with
/// 0% of its variance from the parameters, [95.8%, 97.5%] at 2,000): empty when none is.
pub(crate) fn noise_note(mut noisy: impl Iterator<Item = bool>, runs_per_draw: u64) -> String {
    if !noisy.any(|n| n) {
        return String::new();
    }
    format!(
        "* Less than half of this interval's spread comes from the parameters (share of variance \
         from parameters below 50%): at {} a draw it is mostly run-to-run noise, wider than what \
         we don't know; more runs per draw narrow it.\n",
        crate::report::table::count(runs_per_draw, "run", "runs")
    )
}

/// The share of the variance of per-draw values `p` (over draws, with D - 1) that is not run
/// noise, `noise` being the runs' variance of one draw's value averaged over the draws:
/// (var - noise) / var, clamped to [0, 1]; 0 when the values do not vary or D < 2. A run's
/// probabilities ([`summarise`]) and a comparison's effects alike.
fn share_over_noise(p: &[f64], noise: f64) -> f64 {
    if p.len() < 2 {
        return 0.0;
    }
    let d = p.len() as f64;
    let mean = p.iter().sum::<f64>() / d;
    let var = p.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d - 1.0);
    if var > 0.0 {
        ((var - noise) / var).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nested tables' intervals round as the plain tables do ([`crate::report::percent`]:
    /// the shortest decimal, half away from zero): 0.0125 is 1.25%, printed 1.3 (a float's
    /// `{:.1}` of `100.0 * 0.0125` gave 1.2).
    #[test]
    fn nested_intervals_round_ties_away_from_zero() {
        assert_eq!(pct_interval(0.0125, 0.5), "[1.3%, 50.0%]");
        assert_eq!(pts_interval(-0.0125, 0.0125), "[-1.3, +1.3] pp");
    }

    #[test]
    fn the_variance_decomposition_separates_parameters_from_runs() {
        // No parameter effect: every draw the same probability -> share 0.
        let same = summarise("x", &[0.2; 50], 1000);
        assert_eq!(same.parametric_share, 0.0);
        assert!((same.mean - 0.2).abs() < 1e-12);
        // MC error: sqrt(50 * 0.16 / 999) / 50.
        assert!((same.mc_error - (50.0 * 0.16 / 999.0f64).sqrt() / 50.0).abs() < 1e-15);
        // Draws spread far beyond binomial noise -> share near 1.
        let spread: Vec<f64> = (0..50).map(|i| i as f64 / 50.0).collect();
        assert!(summarise("x", &spread, 100_000).parametric_share > 0.99);
    }

    #[test]
    fn the_interval_of_the_mean_counts_the_spread_between_draws() {
        // 20 draws half at 0.2, half at 0.8: sd = sqrt(20 * 0.09 / 19), se = sd / sqrt(20),
        // recomputed by hand; the within-run error alone is far smaller.
        let p: Vec<f64> = (0..20)
            .map(|i| if i % 2 == 0 { 0.2 } else { 0.8 })
            .collect();
        let s = summarise("x", &p, 500);
        let se = (20.0 * 0.09 / 19.0f64).sqrt() / 20.0f64.sqrt();
        assert!((s.se_mean.unwrap() - se).abs() < 1e-12, "{:?}", s.se_mean);
        assert!(s.mc_error < se / 5.0);
        // D = 1: undefined; no variation: the point (sd 0).
        assert_eq!(summarise("x", &[0.3], 500).se_mean, None);
        assert_eq!(summarise("x", &[0.3; 4], 500).se_mean, Some(0.0));
        assert_eq!(undefined_reason(&[0.3]), "undefined (n = 1)");
    }
}

/// One outcome's policy effect (B - A) over parameter draws.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectSummary {
    pub outcome: &'static str,
    pub mean_a: f64,
    pub mean_b: f64,
    /// Mean of delta_d = p_B,d - p_A,d over draws.
    pub mean: f64,
    /// 5% and 95% quantiles of delta_d: the 90% interval over uncertain parameters.
    pub q05: f64,
    pub q95: f64,
    /// Standard error of `mean` from the runs (paired within each draw):
    /// sqrt( sum_d [ (a_only + b_only)/R - delta_d^2 ] / (R - 1) ) / D.
    pub mc_error: f64,
    /// Standard error of `mean` over the D draws, sd_d(delta_d) / sqrt(D) (draws and runs): 0
    /// when every draw gave the same effect; `None` when D < 2.
    pub se_mean: Option<f64>,
    /// Share of the variance of the per-draw effects that is not run noise (as a run's
    /// `parametric_share`): below a half, the 90% interval is mostly run noise.
    pub parametric_share: f64,
    /// Share of parameter draws in which B's probability is lower than A's.
    pub p_b_lower: f64,
    /// Share of parameter draws in which B's probability is higher than A's.
    pub p_b_higher: f64,
}

/// A paired nested comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedComparison {
    /// D: number of parameter draws (shared by A and B).
    pub draws: u64,
    /// R: paired runs simulated for each draw.
    pub runs_per_draw: u64,
    /// Master seed; draw d's pairs use its streams d x R .. (d + 1) x R, as [`Nested`] does.
    pub seed: u64,
    /// The horizon of A and B, in years (they are paired only on the same horizon).
    pub horizon_years: u32,
    /// Per outcome (EVENTS order): the effect B - A summarised over draws.
    pub effects: Vec<EffectSummary>,
    /// Per outcome (EVENTS order), the effect p_B - p_A in each draw.
    pub per_draw: Vec<Vec<f64>>,
    /// The parameter values of each draw.
    pub parameters: Draws,
    /// A's and B's dated policies, each with the month it took effect in each draw's runs
    /// ([`policies_of`], as a nested run names its own).
    pub policies: [Vec<NestedPolicy>; 2],
}

/// A and B on the same parameter draws and the same run streams: draw d's pair i on stream
/// d x R + i of `seed`, the stream [`run`] gives run i of draw d, so that each side's
/// per-draw probabilities are those of the nested run of its file (with the same draws).
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    draws: &Draws,
    runs: u64,
    seed: u64,
    hooks: Hooks<'_>,
) -> Result<Result<NestedComparison, String>, Interrupted> {
    let (ta, tb) = match (resolve(&draws.paths, a), resolve(&draws.paths, b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    // Every draw's values and pairing are checked before any run.
    let pair = |d: usize| -> Result<(Compiled, Compiled, crate::compare::Pairing), String> {
        let row = &draws.rows[d];
        let (sa, sb) = (with_draw(a, &ta, row, d)?, with_draw(b, &tb, row, d)?);
        let (ca, cb) = (Compiled::new(&sa), Compiled::new(&sb));
        let pairing = crate::compare::check(&ca, &cb).map_err(|e| e.to_string())?;
        Ok((ca, cb, pairing))
    };
    for d in 0..draws.len() {
        if let Err(e) = pair(d) {
            return Ok(Err(e));
        }
    }
    let n = EVENTS.len();
    let counts = engine::driver::for_each_draw(draws.len() as u64, &hooks, |d| {
        let (ca, cb, pairing) = pair(d as usize).expect("every draw was checked above");
        let c = crate::compare::run_paired_from(&ca, &cb, &pairing, (seed, d * runs), runs, hooks)?;
        Ok(c.paired.region.events)
    })?;
    let (mut pa, mut pb, mut delta, mut var) = (
        vec![Vec::new(); n],
        vec![Vec::new(); n],
        vec![Vec::new(); n],
        vec![0.0; n],
    );
    let r = runs as f64;
    let draws_n = draws.len() as u64;
    for events in &counts {
        for k in 0..n {
            let pc = &events[k];
            let (x, y) = (pc.a_only as f64 / r, pc.b_only as f64 / r);
            pa[k].push((pc.both + pc.a_only) as f64 / r);
            pb[k].push((pc.both + pc.b_only) as f64 / r);
            let dlt = y - x;
            delta[k].push(dlt);
            var[k] += ((x + y - dlt * dlt) / (r - 1.0).max(1.0)).max(0.0);
        }
    }
    let dn = draws_n as f64;
    let effects = (0..n)
        .map(|k| {
            let w = vec![1.0; delta[k].len()];
            EffectSummary {
                outcome: EVENTS[k].key,
                mean_a: pa[k].iter().sum::<f64>() / dn,
                mean_b: pb[k].iter().sum::<f64>() / dn,
                mean: delta[k].iter().sum::<f64>() / dn,
                q05: super::abc::weighted_quantile(&delta[k], &w, 0.05),
                q95: super::abc::weighted_quantile(&delta[k], &w, 0.95),
                mc_error: var[k].sqrt() / dn,
                parametric_share: share_over_noise(&delta[k], var[k] / dn),
                se_mean: se_of_mean(&delta[k]),
                p_b_lower: delta[k].iter().filter(|&&x| x < 0.0).count() as f64 / dn,
                p_b_higher: delta[k].iter().filter(|&&x| x > 0.0).count() as f64 / dn,
            }
        })
        .collect();
    Ok(Ok(NestedComparison {
        draws: draws_n,
        runs_per_draw: runs,
        seed,
        horizon_years: a.meta.horizon_years,
        effects,
        per_draw: delta,
        parameters: draws.clone(),
        policies: [policies_of(a, draws), policies_of(b, draws)],
    }))
}

/// The plain-words table of a paired nested comparison; `years` is the horizon of A and B.
/// The plain-words table of a nested comparison, headed as a plain comparison's table:
/// `deter VERSION | compare`, A and B, then the draws line with `timing`
/// ([`crate::report::table::timing_words`], informative) after ` | `.
pub fn compare_table(
    c: &NestedComparison,
    a: &str,
    b: &str,
    years: u32,
    timing: &str,
) -> String {
    let pct = crate::report::share_percent;
    let pts = |x: f64| crate::report::percent_signed(x, 1);
    let rows: Vec<Vec<String>> = c
        .effects
        .iter()
        .zip(&c.per_draw)
        .zip(&EVENTS)
        .map(|((e, p), ev)| {
            debug_assert_eq!(e.outcome, ev.key);
            vec![
                ev.label.to_string(),
                pct(e.mean_a),
                pct(e.mean_b),
                format!("{} pp", pts(e.mean)),
                parameter_interval_cell(
                    c.draws,
                    noisy(e.q05, e.q95, e.parametric_share),
                    pts_interval(e.q05, e.q95),
                ),
                mean_interval_cell(interval95(e.mean, e.se_mean), e.se_mean, p, pts_interval),
                pct(e.p_b_lower),
            ]
        })
        .collect();
    let mut out = format!(
        "deter {} | compare\n  A: {a}\n  B: {b}\n{} x {} each, A and B on \
         the same draws and run streams (seed {}), horizon {years} year{} | {timing}\n\n",
        crate::ENGINE_VERSION,
        crate::report::table::count(c.draws, "parameter draw", "parameter draws"),
        crate::report::table::count(c.runs_per_draw, "run", "runs"),
        c.seed,
        if years == 1 { "" } else { "s" },
    );
    // The dated policies as a comparison's table names them, under its header.
    let any = c.policies.iter().any(|p| !p.is_empty());
    if any {
        out.pop();
        out.push_str(&labelled_policies_line("A policies", &c.policies[0], any));
        out.push_str(&labelled_policies_line("B policies", &c.policies[1], any));
        out.push('\n');
    }
    out.push_str(&lay_out(
        &[
            "outcome",
            "A",
            "B",
            "B - A",
            "90% interval over uncertain parameters",
            "95% interval of the mean",
            "share of draws where B is lower",
        ],
        &rows,
        &[1, 2, 3],
    ));
    let held = EVENTS
        .iter()
        .find(|e| e.key == "deterrence_held")
        .map_or("deterrence held", |e| e.name());
    out.push_str(&format!(
        "\nB - A in percentage points (pp). The 90% interval over uncertain parameters is what we don't \
         know; the 95% interval of the mean is the error from only D draws and R runs (more draws narrow it). For {held} a higher B is better.\n",
    ));
    out.push_str(&noise_note(
        c.effects
            .iter()
            .map(|e| noisy(e.q05, e.q95, e.parametric_share)),
        c.runs_per_draw,
    ));
    out.push_str(&horizon_words(years));
    out
}

#[cfg(test)]
mod tiny_interval_tests {
    use super::*;

    fn no_draws() -> Draws {
        Draws {
            paths: Vec::new(),
            from_posterior: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Every probability (run) and every effect (compare) between 0.01% and 0.04% in four
    /// draws: both ends of each interval round to zero at one decimal without being zero.
    /// They printed "[0.0%, 0.0%]" and "[+0.0, +0.0] pts" (an interval that reads as exactly
    /// zero); they say "within +-0.05", as `deter run` and `deter compare` do.
    #[test]
    fn intervals_of_nested_runs_that_round_to_zero_say_within() {
        let p = [0.0001, 0.0003, 0.0002, 0.0004];
        let n = Nested {
            draws: 4,
            runs_per_draw: 10_000,
            seed: 1,
            horizon_years: 10,
            per_draw: EVENTS.iter().map(|_| p.to_vec()).collect(),
            outcomes: EVENTS.iter().map(|e| summarise(e.key, &p, 10_000)).collect(),
            parameters: no_draws(),
            policies: Vec::new(),
        };
        let t = table(&n, "s", "s.toml", 10, "0.01 s, 1 runs/s on 1 thread");
        assert!(!t.contains("[0.0%, 0.0%]"), "{t}");
        // Both intervals of every outcome: the 90% over parameters and the 95% of the mean.
        assert_eq!(t.matches("[within +-0.05%]").count(), 2 * EVENTS.len(), "{t}");
        let effects: Vec<EffectSummary> = EVENTS
            .iter()
            .map(|e| {
                let s = summarise(e.key, &p, 10_000);
                EffectSummary {
                    outcome: e.key,
                    mean_a: 0.1,
                    mean_b: 0.1 + s.mean,
                    mean: s.mean,
                    q05: s.q05,
                    q95: s.q95,
                    mc_error: s.mc_error,
                    parametric_share: s.parametric_share,
                    se_mean: s.se_mean,
                    p_b_lower: 0.0,
                    p_b_higher: 1.0,
                }
            })
            .collect();
        let c = NestedComparison {
            draws: 4,
            runs_per_draw: 10_000,
            seed: 1,
            horizon_years: 10,
            effects,
            per_draw: EVENTS.iter().map(|_| p.to_vec()).collect(),
            parameters: no_draws(),
            policies: [Vec::new(), Vec::new()],
        };
        let t = compare_table(&c, "a", "b", 10, "0.01 s, 1 runs/s on 1 thread");
        assert!(!t.contains("[+0.0, +0.0]"), "{t}");
        assert_eq!(t.matches("[within +-0.05] pp").count(), 2 * EVENTS.len(), "{t}");
        // Exactly zero at both ends stays [0.0%, 0.0%]: it is not "within" anything.
        assert_eq!(pct_interval(0.0, 0.0), "[0.0%, 0.0%]");
        assert_eq!(pct_interval(0.001, 0.004), "[0.1%, 0.4%]");
        assert_eq!(pts_interval(-0.0004, 0.0001), "[within +-0.05] pp");
    }
}
