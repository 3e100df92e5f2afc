//! The historical cases as an ABC simulator: a particle's parameters are set on every case's
//! start-year scenario, one run per case goes through the engine's per-run function
//! ([`crate::engine::Worker::run_range`], run stream `engine::run_rng(seed, case index)`), its
//! events are counted per summary statistic, thinned by the observation model and compared
//! with one reading of the record.
//!
//! Distance: d = sqrt( sum over cases c and statistics s of (sim - obs)^2 / (primary + 1) ),
//! where `primary` is the record's count under its primary reading: a Poisson-like scale, so
//! one display more in a case with twelve weighs less than one war more in a case with none.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::observe::{Observation, Statistic};
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

/// Simulated (thinned) counts per case and statistic for parameters `values` and simulation
/// seed `seed`; also returns the observation RNG for reading the record. Held-out cases are
/// simulated only when `all` (their entry is empty otherwise).
pub fn simulate(
    cal: &Calibration,
    values: &[f64],
    seed: u64,
    all: bool,
) -> (Vec<Vec<u32>>, ChaCha8Rng) {
    let mut obs_rng = ChaCha8Rng::seed_from_u64(seed ^ OBS_SALT);
    let mut out = Vec::with_capacity(cal.cases.len());
    for (c, case) in cal.cases.iter().enumerate() {
        if case.held_out && !all {
            out.push(Vec::new());
            continue;
        }
        let compiled = compile(case, values);
        let mut worker = Worker::new(&compiled);
        let plan = RunPlan {
            seed,
            first: c as u64,
            count: 1,
            stream_offset: 0,
        };
        worker.run_range(&compiled, &plan, c as u64, 1);
        let rec = worker.last_record();
        let counts = cal
            .statistics
            .iter()
            .map(|&s| {
                let n: u32 = case
                    .rivalries
                    .iter()
                    .map(|&r| s.simulated(&rec.rivalries[r]))
                    .sum();
                cal.observation.thin(s, n, &mut obs_rng)
            })
            .collect();
        out.push(counts);
    }
    (out, obs_rng)
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

/// The record's counts under its primary reading, per case and statistic.
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
pub fn labels(cal: &Calibration) -> Vec<(&'static str, &'static str)> {
    cal.statistics
        .iter()
        .map(|s: &Statistic| (s.as_str(), s.label()))
        .collect()
}

/// Per case and year, the MID levels reached by any of the case's rivalries in the same run
/// [`simulate`] makes (bits of [`crate::outputs::event`]); before the observation model.
pub fn simulate_yearly(cal: &Calibration, values: &[f64], seed: u64) -> Vec<Vec<u16>> {
    cal.cases
        .iter()
        .enumerate()
        .map(|(c, case)| {
            let compiled = compile(case, values);
            let mut worker = Worker::new(&compiled);
            let plan = RunPlan {
                seed,
                first: c as u64,
                count: 1,
                stream_offset: 0,
            };
            worker.run_range(&compiled, &plan, c as u64, 1);
            let rec = worker.last_record();
            let years = case.record.years();
            (0..years)
                .map(|y| {
                    case.rivalries
                        .iter()
                        .map(|&r| rec.rivalries[r].yearly_events.get(y).copied().unwrap_or(0))
                        .fold(0, |a, b| a | b)
                })
                .collect()
        })
        .collect()
}

/// Per case and year, the highest MID level in the record (primary reading; 0 = none of
/// threat, display, use of force, war).
pub fn observed_yearly_level(cal: &Calibration) -> Vec<Vec<u8>> {
    use super::record::EventType;
    cal.cases
        .iter()
        .map(|c| {
            let mut out = vec![0u8; c.record.years()];
            for e in &c.record.events {
                let level = match e.kind {
                    EventType::Threat => 2,
                    EventType::Display => 3,
                    EventType::UseOfForce => 4,
                    EventType::War => 5,
                    _ => 0,
                };
                let y = (e.year - c.record.first_year) as usize;
                out[y] = out[y].max(level);
            }
            out
        })
        .collect()
}
