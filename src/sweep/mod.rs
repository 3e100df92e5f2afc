//! Sweeps: many variants of one scenario, chosen by an experimental design, run in one pool,
//! written point by point, and (for Saltelli and Morris designs) a sensitivity analysis.
//!
//! Data flow: sweep TOML -> [`spec`] (validated [`Sweep`], base scenario loaded and every
//! path resolved) -> [`design`] (point k -> parameter values) -> [`runner`] (all (point,
//! run) work, rows streamed by [`rows`]) -> [`sensitivity`] on the headline probabilities.
//! See docs/SWEEPS.md.

pub mod design;
pub mod levers;
pub mod record;
pub mod rows;
pub mod runner;
pub mod sensitivity;
pub mod spec;

use std::fmt::Write;

pub use design::Design;
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use spec::{DesignKind, Parameter, Role, Sweep, load_sweep, parse_sweep};

use crate::outputs::EVENTS;
use runner::PointOutput;

/// The ranked analysis after a sweep (sensitivity or robustness): text for the terminal and
/// CSV to save beside the results as `RESULTS.{name}.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityReport {
    /// `sensitivity` or `robustness`.
    pub name: &'static str,
    pub table: String,
    pub csv: String,
    /// A page of charts to save beside the results as `RESULTS.{name}.html`, if any.
    pub html: Option<String>,
}

/// The robustness table of a levers x futures sweep from its points' headline
/// probabilities (point k = future `k % F` of policy `k / F`).
fn robustness(
    c: &levers::Crossing,
    outputs: &[PointOutput],
    source: &str,
) -> Option<SensitivityReport> {
    let f = c.futures as usize;
    if f == 0 || outputs.len() != f * c.policies.len() {
        return None;
    }
    let ids: Vec<String> = c.policies.iter().map(|p| p.id.clone()).collect();
    let tables: Vec<(&str, Vec<Vec<f64>>)> = EVENTS
        .iter()
        .enumerate()
        .map(|(o, e)| {
            let m = (0..ids.len())
                .map(|p| (0..f).map(|j| outputs[p * f + j].p[o]).collect())
                .collect();
            (e.key, m)
        })
        .collect();
    // The status quo: the policy that is the base scenario as it is (neither a file nor
    // settings); shown for reference, not ranked.
    let status_quo = c
        .policies
        .iter()
        .position(|p| p.file.is_none() && p.settings.is_empty())
        .map(|q| (q, "the base scenario as it is"));
    // The runs each point rests on: the sweep's runs, or under --until-ci the count each
    // point stopped at (as `deter robust` reads them from the rows' `runs`; it said the cap).
    let runs: Vec<Vec<f64>> = (0..ids.len())
        .map(|p| (0..f).map(|j| outputs[p * f + j].runs as f64).collect())
        .collect();
    let inputs = crate::rdm::Robustness {
        policies: &ids,
        futures: f,
        tables: &tables,
        runs: &runs,
        thresholds: &c.thresholds,
        status_quo,
        status_quo_note: None,
    };
    let r = crate::rdm::robustness_table(&inputs);
    // Where the thresholds came from, in the words `deter robust` uses for the same table.
    let thresholds_line = if c.thresholds.is_empty() {
        "No satisficing share: the sweep file gives no `satisficing`; `deter robust RESULTS \
         --threshold OUTCOME=VALUE` adds one."
            .to_string()
    } else {
        let list: Vec<String> = c.thresholds.iter().map(|(o, v)| format!("{o} = {v}")).collect();
        format!(
            "Satisficing thresholds: the sweep file's ({}); `deter robust RESULTS --threshold \
             OUTCOME=VALUE` replaces them.",
            list.join(", ")
        )
    };
    Some(SensitivityReport {
        name: "robustness",
        table: r.table + &thresholds_line + "\n",
        csv: r.csv,
        #[cfg(feature = "html")]
        html: Some(crate::rdm::robustness_html(&inputs, source)),
        #[cfg(not(feature = "html"))]
        html: {
            let _ = source;
            None
        },
    })
}
/// The warnings that the horizon `horizon` the caller gives (`--horizon-years`, Python's
/// `horizon_years`, named in them as the caller names it) brings to `scenarios` (the base
/// scenario, a levers x futures sweep's policy scenarios), in the words `deter run
/// --horizon-years H` gives them (`horizon_years=H` for a program): those of each file read
/// at `H` that it does not get at its own horizon, each once (policy scenarios extend the base
/// and repeat its warnings), and none of `said` (the sweep's own, which hold the base's at
/// `H`). A file that does not load adds none (the sweep refuses it).
pub fn horizon_warnings(
    scenarios: &[std::path::PathBuf],
    horizon: crate::settings::GivenHorizon,
    said: &[String],
) -> Vec<String> {
    let text = |file: &std::path::Path, h: Option<crate::settings::GivenHorizon>| -> Vec<String> {
        match crate::scenario::load_file_with_inputs_and_warnings(file, h).0 {
            Ok((_, w)) => w.0.iter().map(|d| format!("{d}")).collect(),
            Err(_) => Vec::new(),
        }
    };
    let mut new: Vec<String> = Vec::new();
    for file in scenarios {
        let own = text(file, None);
        for w in text(file, Some(horizon)) {
            if !own.contains(&w) && !said.contains(&w) && !new.contains(&w) {
                new.push(w);
            }
        }
    }
    new
}

/// The scenario files a horizon flag applies to besides the base (whose warnings at the flag's
/// horizon are the sweep's own, [`Sweep::warnings`]) ([`horizon_warnings`]): the policy
/// scenarios of a levers x futures sweep (`file = ...`, relative to `sweep_file`).
pub fn horizon_scenarios(sweep: &Sweep, sweep_file: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut scenarios = Vec::new();
    if let Some(c) = &sweep.crossing {
        let dir = sweep_file.parent().unwrap_or(std::path::Path::new(""));
        scenarios.extend(
            c.policies
                .iter()
                .filter_map(|p| p.file.as_deref())
                .map(|f| dir.join(f)),
        );
    }
    scenarios
}/// Sensitivity of every headline probability to every parameter, ranked per outcome
/// (Saltelli: by total-order index; Morris: by mu*); for a levers x futures sweep the
/// robustness of each policy across futures. None for other designs.
pub fn sensitivity(
    sweep: &Sweep,
    design: &Design,
    outputs: &[PointOutput],
) -> Option<SensitivityReport> {
    if let Some(c) = &sweep.crossing {
        return robustness(c, outputs, &sweep.file);
    }
    let runs: Vec<u64> = outputs.iter().map(|r| r.runs).collect();
    let d = sweep.parameters.len();
    let mut table = String::new();
    let mut csv = String::new();
    match sweep.design {
        DesignKind::Saltelli => {
            csv.push_str("outcome,rank,parameter,role,S1,S1_boot95_lo,S1_boot95_hi,ST,ST_boot95_lo,ST_boot95_hi\n");
            let _ = writeln!(
                table,
                "Sobol' indices ({}, {}, {} each; 95% bootstrap intervals)",
                crate::report::table::count(design.base, "base sample", "base samples"),
                crate::report::table::count(design.n, "point", "points"),
                runs_words(&runs)
            );
            for (o, name) in EVENTS.iter().map(|e| e.key).enumerate() {
                let y: Vec<f64> = outputs.iter().map(|r| r.p[o]).collect();
                let ix =
                    sensitivity::sobol_from_saltelli(&y, d, sensitivity::BOOTSTRAP, sweep.seed);
                let note =
                    noise_note(&y, &runs).map_or(String::new(), |n| format!("\n  note: {n}"));
                let mut order: Vec<usize> = (0..d).collect();
                order.sort_by(|&a, &b| ix.total[b].value.total_cmp(&ix.total[a].value));
                let _ = writeln!(
                    table,
                    "\n{name}{note}\n  {:<4} {:<40} {:<11} {:>22} {:>22}",
                    "rank", "parameter", "role", "first order S1", "total order ST"
                );
                for (rank, &i) in order.iter().enumerate() {
                    let p = &sweep.parameters[i];
                    let (f, t) = (ix.first[i], ix.total[i]);
                    let _ = writeln!(
                        table,
                        "  {:<4} {:<40} {:<11} {:>6.3} [{:>6.3},{:>6.3}] {:>6.3} [{:>6.3},{:>6.3}]",
                        rank + 1,
                        p.path,
                        p.role.as_str(),
                        f.value,
                        f.lo,
                        f.hi,
                        t.value,
                        t.lo,
                        t.hi
                    );
                    let _ = writeln!(
                        csv,
                        "{name},{},{},{},{},{},{},{},{},{}",
                        rank + 1,
                        p.path,
                        p.role.as_str(),
                        f.value,
                        f.lo,
                        f.hi,
                        t.value,
                        t.lo,
                        t.hi
                    );
                }
            }
        }
        DesignKind::Morris => {
            csv.push_str("outcome,rank,parameter,role,mu_star,mu,sigma,effects\n");
            let _ = writeln!(
                table,
                "Morris elementary effects ({} trajectories, {} levels; effects per unit of the \
                 parameter's range on the probability scale)",
                design.base, sweep.levels
            );
            for (o, name) in EVENTS.iter().map(|e| e.key).enumerate() {
                let y: Vec<f64> = outputs.iter().map(|r| r.p[o]).collect();
                let ix = sensitivity::morris_from_design(&y, design);
                let note =
                    noise_note(&y, &runs).map_or(String::new(), |n| format!("\n  note: {n}"));
                let mut order: Vec<usize> = (0..d).collect();
                order.sort_by(|&a, &b| ix[b].mu_star.total_cmp(&ix[a].mu_star));
                let _ = writeln!(
                    table,
                    "\n{name}{note}\n  {:<4} {:<40} {:<11} {:>8} {:>8} {:>8}",
                    "rank", "parameter", "role", "mu*", "mu", "sigma"
                );
                for (rank, &i) in order.iter().enumerate() {
                    let p = &sweep.parameters[i];
                    let m = ix[i];
                    let _ = writeln!(
                        table,
                        "  {:<4} {:<40} {:<11} {:>8.4} {:>8.4} {:>8}",
                        rank + 1,
                        p.path,
                        p.role.as_str(),
                        m.mu_star,
                        m.mu,
                        m.sigma_text()
                    );
                    let _ = writeln!(
                        csv,
                        "{name},{},{},{},{},{},{},{}",
                        rank + 1,
                        p.path,
                        p.role.as_str(),
                        m.mu_star,
                        m.mu,
                        // Empty (missing) when undefined; `effects` gives n.
                        m.sigma.map_or(String::new(), |s| s.to_string()),
                        m.effects
                    );
                }
            }
        }
        _ => return None,
    }
    Some(SensitivityReport {
        name: "sensitivity",
        table,
        csv,
        html: None,
    })
}

/// The runs behind the points' probabilities, in words: "2,000 runs" when every point ran
/// the same, else the range ("1,000 to 3,000 runs", points stopped apart by `--until-ci`).
pub fn runs_words(runs: &[u64]) -> String {
    let lo = runs.iter().copied().min().unwrap_or(0);
    let hi = runs.iter().copied().max().unwrap_or(0);
    if lo == hi {
        crate::report::table::count(lo, "run", "runs")
    } else {
        format!(
            "{} to {}",
            crate::report::table::thousands(lo),
            crate::report::table::count(hi, "run", "runs")
        )
    }
}

/// A warning when the spread of a probability across points is not clearly larger than
/// the binomial Monte Carlo noise of one point's estimate if no parameter mattered,
/// p (1 - p) / runs with p pooled over all points: the indices of such an outcome describe
/// noise, not the model. (Pooled, not per point: at runs = 1 every per-point estimate is 0
/// or 1 and p (1 - p) / runs would call any spread signal.) `runs` are each point's; when
/// they differ (`--until-ci`), the noise is averaged over the points, p (1 - p) times the
/// mean of 1 / runs.
fn noise_note(y: &[f64], runs: &[u64]) -> Option<String> {
    if y.len() < 2 || runs.is_empty() || runs.contains(&0) {
        return None;
    }
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let var = y.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let noise = if runs.iter().all(|&r| r == runs[0]) {
        mean * (1.0 - mean) / runs[0] as f64
    } else {
        mean * (1.0 - mean) * runs.iter().map(|&r| 1.0 / r as f64).sum::<f64>()
            / runs.len() as f64
    };
    if var == 0.0 {
        return Some("constant across points: every index is 0".into());
    }
    (var < 4.0 * noise).then(|| {
        format!(
            "the variance across points ({var:.2e}) is under 4x the Monte Carlo variance of \
             one point ({noise:.2e}): these indices are mostly noise; raise runs"
        )
    })
}
