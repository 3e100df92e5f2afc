//! The RNG floor: the random draws a scenario's runs make, without the model.
//!
//! [`count_draws`] simulates runs and counts each kind of draw over every process stream;
//! [`FloorWork::run`] then makes the same number and kinds of draws per run (uniforms,
//! standard normals, Beta variates) and keys as many process streams, with no model logic. The time of the engine divided by the time of the floor says how much the
//! model costs on top of its randomness (`deter bench`, benches/engine.rs, BENCHMARKS.md).

use rand_distr::Beta;

use super::run_rng;
use crate::model::{Compiled, DrawCounts, Draws, RngDraws, RunRecord, simulate_run, streams};

/// Count the draws of runs `0..runs` under `seed` (single-threaded; results are discarded).
pub fn count_draws(compiled: &Compiled, seed: u64, runs: u64) -> DrawCounts {
    let mut world = compiled.new_counting_world();
    let mut record = RunRecord::new(compiled);
    let mut total = DrawCounts::default();
    for i in 0..runs {
        simulate_run(compiled, &mut world, &mut record, &mut run_rng(seed, i));
        total.add(&world.draw_counts());
    }
    total
}

/// The draws of one average run, to be replayed without the model.
#[derive(Debug, Clone)]
pub struct FloorWork {
    pub uniforms: u64,
    pub normals: u64,
    /// Process streams keyed per run.
    pub streams: u64,
    /// One Beta per draw, cycling through the scenario's priors.
    pub betas: Vec<Beta<f64>>,
}

impl FloorWork {
    /// The per-run average of `counts` (measured over `runs` runs), rounded to whole draws.
    /// Beta draws use the scenario's alliance priors in order.
    pub fn new(compiled: &Compiled, counts: &DrawCounts, runs: u64) -> Self {
        let per_run = |x: u64| (x as f64 / runs.max(1) as f64).round() as u64;
        let priors: Vec<Beta<f64>> = compiled
            .scenario
            .alliances
            .iter()
            .filter_map(|a| {
                let (mean, k) = (a.params.reliability, a.params.reliability_concentration);
                Beta::new(mean * k, (1.0 - mean) * k).ok()
            })
            .collect();
        let n_beta = per_run(counts.betas) as usize;
        let betas = if priors.is_empty() {
            Vec::new()
        } else {
            (0..n_beta).map(|j| priors[j % priors.len()]).collect()
        };
        Self {
            uniforms: per_run(counts.uniforms),
            normals: per_run(counts.normals),
            streams: per_run(counts.streams),
            betas,
        }
    }

    /// Make one run's draws under `seed`: take the run key from run `index`'s master
    /// generator, key as many process streams as the run does, and make every draw from one
    /// stream of the chosen generator. Returns their sum so that nothing is optimised away.
    #[inline(never)]
    pub fn run(&self, seed: u64, index: u64) -> f64 {
        let mut acc = 0.0;
        let key = streams::run_key(&mut run_rng(seed, index));
        for s in 0..self.streams {
            // Key a stream, as each process does (its state must exist).
            acc += std::hint::black_box(streams::Counting::<false>::keyed(&key, s)).words() as f64;
        }
        // Uncounted, as the engine's own streams are.
        let mut g = streams::Counting::<false>::keyed(&key, u64::MAX);
        let mut d = RngDraws(&mut g);
        for b in &self.betas {
            acc += d.beta(b);
        }
        for _ in 0..self.normals {
            acc += d.normal();
        }
        for _ in 0..self.uniforms {
            acc += d.uniform();
        }
        acc
    }
}
