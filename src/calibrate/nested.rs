//! Nested Monte Carlo over parameter uncertainty (`deter run FILE --posterior draws.csv`):
//! D parameter draws from a posterior x R runs each, through the engine's driver.
//!
//! For each outcome, with p_d the share of draw d's R runs in which it happened:
//! - **mean** = (1/D) sum_d p_d, the probability averaged over what we don't know;
//! - **90% interval over uncertain parameters** = the 5% and 95% quantiles of p_d;
//! - **Monte Carlo error** = sqrt( sum_d p_d (1 - p_d) / (R - 1) ) / D, the standard error of the
//!   mean that comes from the finite runs per draw (what more runs would fix); the Monte Carlo
//!   95% interval is mean +- 1.96 of it;
//! - **parametric share** = the share of the variance of p_d across draws not explained by
//!   the runs' binomial noise: (Var_d(p_d) - mean_d(p_d (1 - p_d)) / (R - 1)) / Var_d(p_d),
//!   clipped to [0, 1] (the law of total variance; 0 when the draws do not differ).
//!
//! Draws are resampled from the posterior's weights (systematic resampling, seeded); draw d's
//! runs use run streams d x R .. (d + 1) x R of the scenario's seed, so the whole is a function
//! of (scenario, posterior file, D, R, seed, engine version) for any thread count.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::engine::{self, Hooks, Interrupted, RunPlan};
use crate::model::Compiled;
use crate::outputs::EVENTS;
use crate::scenario::{ParamRef, Scenario};

/// Salt that keeps the draw resampling apart from the run streams.
const DRAW_SALT: u64 = 0x4e45_5354_4544_2d4d;

/// A posterior read from `deter calibrate`'s posterior.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    pub paths: Vec<String>,
    /// One row of values per particle.
    pub values: Vec<Vec<f64>>,
    pub weights: Vec<f64>,
}

/// Read a posterior CSV: `#` comment lines, a header `draw,PATH...,weight,distance`, rows.
/// Errors give the line number.
pub fn read_posterior(path: &Path) -> Result<Posterior, String> {
    let shown = path.display();
    let text = crate::calibrate::read_text(path, &shown.to_string(), 256 << 20, "posterior")
        .map_err(|d| d.to_string())?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    let (hl, header) = lines
        .next()
        .ok_or_else(|| format!("{shown}: no header line"))?;
    let cols: Vec<&str> = header.split(',').collect();
    if cols.len() < 4 || cols[0] != "draw" || cols[cols.len() - 2] != "weight" {
        return Err(format!(
            "{shown}:{}: expected a header `draw,PATH...,weight,distance` (a posterior.csv of deter calibrate)",
            hl + 1
        ));
    }
    let paths: Vec<String> = cols[1..cols.len() - 2]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (mut values, mut weights) = (Vec::new(), Vec::new());
    for (n, line) in lines {
        let f: Result<Vec<f64>, _> = line.split(',').map(str::parse::<f64>).collect();
        match f {
            Ok(f) if f.len() == cols.len() && f.iter().all(|x| x.is_finite()) => {
                let w = f[cols.len() - 2];
                if w < 0.0 {
                    return Err(format!("{shown}:{}: negative weight {w}", n + 1));
                }
                values.push(f[1..cols.len() - 2].to_vec());
                weights.push(w);
            }
            _ => {
                return Err(format!(
                    "{shown}:{}: expected {} finite numbers separated by commas",
                    n + 1,
                    cols.len()
                ));
            }
        }
    }
    if weights.is_empty() || weights.iter().sum::<f64>() <= 0.0 {
        return Err(format!("{shown}: no draws with positive weight"));
    }
    Ok(Posterior {
        paths,
        values,
        weights,
    })
}

/// One outcome's summary over draws.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSummary {
    pub outcome: &'static str,
    pub mean: f64,
    pub q05: f64,
    pub q95: f64,
    pub mc_error: f64,
    pub parametric_share: f64,
}

/// The result of a nested run.
#[derive(Debug, Clone, PartialEq)]
pub struct Nested {
    pub draws: u64,
    pub runs_per_draw: u64,
    pub seed: u64,
    /// Per outcome (EVENTS order), the probability in each draw.
    pub per_draw: Vec<Vec<f64>>,
    pub outcomes: Vec<OutcomeSummary>,
}

/// Resolve the posterior's parameter paths in `scenario`.
pub fn resolve(posterior: &Posterior, scenario: &Scenario) -> Result<Vec<ParamRef>, String> {
    posterior
        .paths
        .iter()
        .map(|p| {
            ParamRef::resolve(p, scenario).map_err(|e| {
                let hint = e
                    .suggestion
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                format!("posterior column `{p}`: {}{hint}", e.message)
            })
        })
        .collect()
}

/// Run D draws x R runs. `progress` is called with runs finished.
pub fn run(
    scenario: &Scenario,
    posterior: &Posterior,
    draws: u64,
    runs: u64,
    seed: u64,
    cancel: Option<&AtomicBool>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Result<Nested, String>, Interrupted> {
    let targets = match resolve(posterior, scenario) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ DRAW_SALT);
    let idx = super::abc::resample(&posterior.weights, draws as usize, &mut rng);
    let mut per_draw = vec![Vec::with_capacity(draws as usize); EVENTS.len()];
    for (d, &i) in idx.iter().enumerate() {
        let mut s = scenario.clone();
        for (&t, &v) in targets.iter().zip(&posterior.values[i]) {
            if let Err(e) = s.set(t, v) {
                return Ok(Err(format!("posterior draw {i}: {e}")));
            }
        }
        let compiled = Compiled::new(&s);
        let plan = RunPlan {
            seed,
            first: 0,
            count: runs,
            stream_offset: d as u64 * runs,
        };
        let agg = engine::run(&compiled, &plan, Hooks { cancel, progress })?;
        for (k, &c) in agg.region.events.iter().enumerate() {
            per_draw[k].push(c as f64 / runs as f64);
        }
    }
    let outcomes = EVENTS
        .iter()
        .zip(&per_draw)
        .map(|(e, p)| summarise(e.key, p, runs))
        .collect();
    Ok(Ok(Nested {
        draws,
        runs_per_draw: runs,
        seed,
        per_draw,
        outcomes,
    }))
}

/// The summary of one outcome's per-draw probabilities (see the module docs).
pub fn summarise(outcome: &'static str, p: &[f64], runs: u64) -> OutcomeSummary {
    let d = p.len() as f64;
    let mean = p.iter().sum::<f64>() / d;
    let w = vec![1.0; p.len()];
    let within: f64 = p.iter().map(|x| x * (1.0 - x)).sum::<f64>() / (runs.max(2) - 1) as f64;
    let mc_error = within.sqrt() / d;
    let var = if p.len() > 1 {
        p.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d - 1.0)
    } else {
        0.0
    };
    let noise = within / d;
    let parametric_share = if var > 0.0 {
        ((var - noise) / var).clamp(0.0, 1.0)
    } else {
        0.0
    };
    OutcomeSummary {
        outcome,
        mean,
        q05: super::abc::weighted_quantile(p, &w, 0.05),
        q95: super::abc::weighted_quantile(p, &w, 0.95),
        mc_error,
        parametric_share,
    }
}

/// The plain-words table.
pub fn table(n: &Nested, scenario: &str) -> String {
    let mut out = format!(
        "{scenario}: {} parameter draws x {} runs each (seed {})\n\n{:<18} {:>8}  {:<40}  {:<28}  {}\n",
        n.draws,
        n.runs_per_draw,
        n.seed,
        "outcome",
        "mean",
        "90% interval over uncertain parameters",
        "Monte Carlo 95% interval",
        "share of variance from parameters"
    );
    for o in &n.outcomes {
        let pct = |x: f64| format!("{:.1}%", 100.0 * x);
        out.push_str(&format!(
            "{:<18} {:>8}  {:<40}  {:<28}  {:.0}%\n",
            o.outcome,
            pct(o.mean),
            format!("[{}, {}]", pct(o.q05), pct(o.q95)),
            format!(
                "[{}, {}]",
                pct((o.mean - 1.96 * o.mc_error).max(0.0)),
                pct((o.mean + 1.96 * o.mc_error).min(1.0))
            ),
            100.0 * o.parametric_share
        ));
    }
    out.push_str(
        "\nThe 90% interval over uncertain parameters is what we don't know (the spread of the \
         probability across parameter draws); the Monte Carlo interval is what more runs would fix.\n",
    );
    out
}

/// JSON (every float finite).
pub fn json(n: &Nested, scenario: &str, posterior_file: &str) -> String {
    let outcomes: Vec<_> = n
        .outcomes
        .iter()
        .map(|o| {
            serde_json::json!({
                "outcome": o.outcome,
                "mean": o.mean,
                "interval_over_uncertain_parameters_90": [o.q05, o.q95],
                "monte_carlo_error": o.mc_error,
                "monte_carlo_interval_95": [(o.mean - 1.96 * o.mc_error).max(0.0), (o.mean + 1.96 * o.mc_error).min(1.0)],
                "parametric_share_of_variance": o.parametric_share,
            })
        })
        .collect();
    let v = serde_json::json!({
        "scenario": scenario,
        "posterior": posterior_file,
        "engine_version": crate::ENGINE_VERSION,
        "seed": n.seed,
        "draws": n.draws,
        "runs_per_draw": n.runs_per_draw,
        "outcomes": outcomes,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
