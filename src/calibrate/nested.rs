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
    hooks: Hooks<'_>,
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
        let agg = engine::run(&compiled, &plan, hooks)?;
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
    /// Share of parameter draws in which B's probability is lower than A's.
    pub p_b_lower: f64,
    /// Share of parameter draws in which B's probability is higher than A's.
    pub p_b_higher: f64,
}

/// A paired nested comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedComparison {
    pub draws: u64,
    pub runs_per_draw: u64,
    pub seed: u64,
    pub effects: Vec<EffectSummary>,
}

/// The seed of draw d's runs in a paired comparison: A and B share it (common random numbers
/// within the draw); draws get independent keys.
fn draw_seed(seed: u64, d: u64) -> u64 {
    seed ^ (d.wrapping_add(1)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A and B on the same parameter draws and the same run streams.
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    posterior: &Posterior,
    draws: u64,
    runs: u64,
    seed: u64,
    hooks: Hooks<'_>,
) -> Result<Result<NestedComparison, String>, Interrupted> {
    let (ta, tb) = match (resolve(posterior, a), resolve(posterior, b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ DRAW_SALT);
    let idx = super::abc::resample(&posterior.weights, draws as usize, &mut rng);
    let n = EVENTS.len();
    let (mut pa, mut pb, mut delta, mut var) = (
        vec![Vec::new(); n],
        vec![Vec::new(); n],
        vec![Vec::new(); n],
        vec![0.0; n],
    );
    let r = runs as f64;
    for (d, &i) in idx.iter().enumerate() {
        let (mut sa, mut sb) = (a.clone(), b.clone());
        for ((&x, &y), &v) in ta.iter().zip(&tb).zip(&posterior.values[i]) {
            if let Err(e) = sa.set(x, v).and_then(|_| sb.set(y, v)) {
                return Ok(Err(format!("posterior draw {i}: {e}")));
            }
        }
        let (ca, cb) = (Compiled::new(&sa), Compiled::new(&sb));
        let pairing = match crate::compare::check(&ca, &cb) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let c =
            crate::compare::run_paired(&ca, &cb, &pairing, draw_seed(seed, d as u64), runs, hooks)?;
        for k in 0..n {
            let pc = &c.paired.region.events[k];
            let (x, y) = (pc.a_only as f64 / r, pc.b_only as f64 / r);
            pa[k].push((pc.both + pc.a_only) as f64 / r);
            pb[k].push((pc.both + pc.b_only) as f64 / r);
            let dlt = y - x;
            delta[k].push(dlt);
            var[k] += ((x + y - dlt * dlt) / (r - 1.0).max(1.0)).max(0.0);
        }
    }
    let dn = draws as f64;
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
                p_b_lower: delta[k].iter().filter(|&&x| x < 0.0).count() as f64 / dn,
                p_b_higher: delta[k].iter().filter(|&&x| x > 0.0).count() as f64 / dn,
            }
        })
        .collect();
    Ok(Ok(NestedComparison {
        draws,
        runs_per_draw: runs,
        seed,
        effects,
    }))
}

/// The plain-words table of a paired nested comparison.
pub fn compare_table(c: &NestedComparison, a: &str, b: &str) -> String {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let pts = |x: f64| format!("{:+.1}", 100.0 * x);
    let mut out = format!(
        "A: {a}\nB: {b}\n{} parameter draws x {} runs each, A and B on the same draws and run streams (seed {})\n\n\
         {:<18} {:>7} {:>7} {:>10}  {:<38}  {:<26}  {}\n",
        c.draws,
        c.runs_per_draw,
        c.seed,
        "outcome",
        "A",
        "B",
        "B - A",
        "90% interval over uncertain parameters",
        "Monte Carlo 95% interval",
        "share of draws where B is lower"
    );
    for e in &c.effects {
        out.push_str(&format!(
            "{:<18} {:>7} {:>7} {:>10}  {:<38}  {:<26}  {}\n",
            e.outcome,
            pct(e.mean_a),
            pct(e.mean_b),
            format!("{} pts", pts(e.mean)),
            format!("[{}, {}] pts", pts(e.q05), pts(e.q95)),
            format!(
                "[{}, {}] pts",
                pts(e.mean - 1.96 * e.mc_error),
                pts(e.mean + 1.96 * e.mc_error)
            ),
            pct(e.p_b_lower)
        ));
    }
    out.push_str(
        "\nB - A in percentage points. The 90% interval over uncertain parameters is what we don't \
         know; the Monte Carlo interval is what more runs would fix. For deterrence_held a higher B is better.\n",
    );
    out
}

/// JSON of a paired nested comparison.
pub fn compare_json(c: &NestedComparison, a: &str, b: &str, posterior_file: &str) -> String {
    let effects: Vec<_> = c
        .effects
        .iter()
        .map(|e| {
            serde_json::json!({
                "outcome": e.outcome, "mean_a": e.mean_a, "mean_b": e.mean_b,
                "effect_mean": e.mean,
                "effect_interval_over_uncertain_parameters_90": [e.q05, e.q95],
                "effect_monte_carlo_error": e.mc_error,
                "effect_monte_carlo_interval_95": [e.mean - 1.96 * e.mc_error, e.mean + 1.96 * e.mc_error],
                "share_of_draws_b_lower": e.p_b_lower,
                "share_of_draws_b_higher": e.p_b_higher,
            })
        })
        .collect();
    let v = serde_json::json!({
        "a": a, "b": b, "posterior": posterior_file,
        "engine_version": crate::ENGINE_VERSION, "seed": c.seed,
        "draws": c.draws, "runs_per_draw": c.runs_per_draw, "effects": effects,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
