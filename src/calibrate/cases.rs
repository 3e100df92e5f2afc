//! The historical cases as an ABC simulator: a particle's parameters are set on every case's
//! start-year scenario, one run per case goes through the engine's per-run function
//! ([`crate::engine::Worker::run_range`], run stream `engine::run_rng(seed, case index)`), its
//! per-year counts (crises at their highest level, non-state incidents) are thinned by the
//! observation model, summarised by the statistics (totals and per-year statistics) and
//! compared with one reading of the record.
//!
//! Distance: d = sqrt( sum over cases c and statistics s of (sim - obs)^2 / (primary + 1) ),
//! where `primary` is the record's count under its primary reading: a Poisson-like scale, so
//! one display more in a case with twelve weighs less than one war more in a case with none.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[cfg(any(test, feature = "internals"))]
use super::observe::Statistic;
use super::observe::{KINDS, Observation, simulated_years};
use super::spec::{Calibration, Case};
use crate::engine::{RunPlan, Worker};
use crate::model::Compiled;

/// Salt that keeps the observation model's randomness apart from the run streams.
const OBS_SALT: u64 = 0x4f42_5345_5256_4521;

/// Parameter values at unit coordinates `u`.
pub fn values(cal: &Calibration, u: &[f64]) -> Vec<f64> {
    cal.parameters
        .iter()
        .zip(u)
        .map(|(p, &x)| p.value_at(x))
        .collect()
}

/// Case `c`'s scenario with `values` set, compiled.
pub fn compile(case: &Case, values: &[f64]) -> Compiled {
    let mut s = case.scenario.clone();
    for (refs, &v) in case.targets.iter().zip(values) {
        for &r in refs {
            s.set(r, v)
                .expect("calibration ranges are validated against the parameter ranges");
        }
    }
    Compiled::new(&s)
}

/// One run of every case at parameters `values` and simulation seed `seed`, as a coder would
/// have recorded it: per case, per-year counts of crises at their highest level and of
/// non-state incidents over the case's rivalries, thinned by the observation model. Also
/// returns the observation RNG (for reading the record). Held-out cases are simulated only
/// when `all` (their entry is empty otherwise).
pub fn simulate_years(
    cal: &Calibration,
    values: &[f64],
    seed: u64,
    all: bool,
) -> (Vec<Vec<[u32; KINDS]>>, ChaCha8Rng) {
    let (years, rng, _) = simulate_years_attributed(cal, values, seed, all, false);
    (years, rng)
}

/// [`simulate_years`], and with `attribution` each case's run also under the seven
/// level-removal variants ([`Compiled::with_attribution`]: the run itself, and so its counts,
/// unchanged), whose tally of the one run is returned per case (`None` without
/// `attribution`, and for a case not simulated).
#[allow(clippy::type_complexity)]
pub fn simulate_years_attributed(
    cal: &Calibration,
    values: &[f64],
    seed: u64,
    all: bool,
    attribution: bool,
) -> (
    Vec<Vec<[u32; KINDS]>>,
    ChaCha8Rng,
    Vec<Option<crate::attribution::Tally>>,
) {
    let mut obs_rng = ChaCha8Rng::seed_from_u64(seed ^ OBS_SALT);
    let mut out = Vec::with_capacity(cal.cases.len());
    let mut tallies = Vec::with_capacity(cal.cases.len());
    for (c, case) in cal.cases.iter().enumerate() {
        if case.held_out && !all {
            out.push(Vec::new());
            tallies.push(None);
            continue;
        }
        let compiled = if attribution {
            compile(case, values).with_attribution()
        } else {
            compile(case, values)
        };
        let mut worker = Worker::new(&compiled);
        let plan = RunPlan {
            seed,
            first: c as u64,
            count: 1,
            stream_offset: 0,
        };
        worker.run_range(&compiled, &plan, c as u64, 1);
        let rec = worker.last_record();
        let n = case.record.years();
        let mut years = vec![[0u32; KINDS]; n];
        for &r in &case.rivalries {
            for (y, k) in simulated_years(&rec.rivalries[r].yearly_counts, n)
                .into_iter()
                .enumerate()
            {
                for j in 0..KINDS {
                    years[y][j] += k[j];
                }
            }
        }
        cal.observation.thin(&mut years, &mut obs_rng);
        out.push(years);
        tallies.push(worker.aggregate.attribution.take());
    }
    (out, obs_rng, tallies)
}

/// Simulated (recorded) values per case and statistic, from [`simulate_years`].
pub fn simulate(
    cal: &Calibration,
    values: &[f64],
    seed: u64,
    all: bool,
) -> (Vec<Vec<u32>>, ChaCha8Rng) {
    let (years, rng) = simulate_years(cal, values, seed, all);
    let out = years
        .iter()
        .map(|y| {
            if y.is_empty() {
                Vec::new()
            } else {
                cal.statistics.iter().map(|s| s.of_years(y)).collect()
            }
        })
        .collect();
    (out, rng)
}

/// The ABC distance of one simulated dataset (see the module docs).
pub fn distance(cal: &Calibration, u: &[f64], seed: u64) -> f64 {
    let (sim, mut rng) = simulate(cal, &values(cal, u), seed, false);
    let mut d2 = 0.0;
    for (case, counts) in cal.cases.iter().zip(&sim).filter(|(c, _)| !c.held_out) {
        let reading = cal
            .observation
            .read(&case.record, &cal.statistics, &mut rng);
        for ((&s, &x), &obs) in cal.statistics.iter().zip(counts).zip(&reading) {
            let primary = Observation::primary(&case.record, s);
            let diff = f64::from(x) - f64::from(obs);
            d2 += diff * diff / (f64::from(primary) + 1.0);
        }
    }
    d2.sqrt()
}

/// The record's values under its primary reading, per case and statistic.
pub fn observed(cal: &Calibration) -> Vec<Vec<u32>> {
    cal.cases
        .iter()
        .map(|c| {
            cal.statistics
                .iter()
                .map(|&s| Observation::primary(&c.record, s))
                .collect()
        })
        .collect()
}

/// Labels of the statistics, for reports.
#[cfg(any(test, feature = "internals"))]
pub fn labels(cal: &Calibration) -> Vec<(&'static str, &'static str)> {
    cal.statistics
        .iter()
        .map(|s: &Statistic| (s.as_str(), s.label()))
        .collect()
}

/// Per case and year, the record's crises (threat or more) under the primary reading, and
/// its non-state incidents.
pub fn observed_years(cal: &Calibration) -> Vec<Vec<[u32; KINDS]>> {
    cal.cases
        .iter()
        .map(|c| Observation::primary_years(&c.record))
        .collect()
}
