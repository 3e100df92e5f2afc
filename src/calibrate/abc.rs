//! Adaptive approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), generic
//! over a simulator that returns the distance between its simulated data and the observed data.
//!
//! **Algorithm.** Population Monte Carlo ABC (Beaumont, Cornuet, Marin & Robert 2009,
//! Biometrika 96(4) 983-990) with the tolerance schedule chosen adaptively as a quantile of the
//! previous generation's distances (Del Moral, Doucet & Jasra 2012, Statistics and Computing
//! 22(5) 1009-1020; Drovandi & Pettitt 2011, Biometrics 67(1)):
//!
//! - parameters live in unit coordinates u in [0, 1]^d, where the prior is uniform: a parameter's
//!   value is its distribution's inverse CDF at u (the sweep distributions,
//!   [`crate::sweep::Parameter::value_at`]), so every prior a sweep can declare is exact here;
//! - generation 0 draws N particles from the prior and accepts them all (tolerance infinity);
//! - generation t >= 1 sets the tolerance eps_t to the `quantile` of generation t-1's distances
//!   (or, when that does not decrease, to the largest distance below eps_(t-1)), then fills each
//!   of the N slots by drawing an ancestor j with probability W_j, moving it with a Gaussian
//!   kernel truncated to the unit cube (per coordinate k, variance 2 x the weighted variance of
//!   coordinate k: Beaumont et al. 2009), simulating, and accepting when the distance is at most
//!   eps_t;
//! - the new particle's weight is pi(u_i) / sum_j W_j K(u_i | u_j) with pi = 1 on the cube.
//!
//! Stops at the first of: `max_generations`, a tolerance at or below `target_tolerance`, an
//! acceptance rate below `min_acceptance`, a tolerance that cannot decrease, or a slot that
//! needs more than `max_attempts_per_particle` simulations (that generation is discarded).
//!
//! **Determinism.** Slot i of generation t draws only from its own ChaCha8 stream
//! (seed, t, i): its ancestor choices, kernel moves and the seed handed to the simulator for
//! each attempt. Slots run in parallel (rayon) and are collected in index order, so the
//! posterior is a function of (simulator, settings, seed) alone, for any number of threads,
//! and a run resumed from a saved generation continues exactly as if never stopped.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::engine::Interrupted;

/// Salt that keeps the calibration's randomness apart from run streams and sweep designs.
const ABC_SALT: u64 = 0x4142_4353_4d43_2d31;

/// Smallest kernel standard deviation (unit coordinates): a coordinate on which every particle
/// agrees still moves.
const MIN_KERNEL_SD: f64 = 1e-4;

/// The algorithm's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Particles per generation (N).
    pub particles: usize,
    /// Most generations, generation 0 (the prior) included.
    pub max_generations: usize,
    /// Quantile of the previous distances that sets the next tolerance, in (0, 1).
    pub quantile: f64,
    /// Stop after a generation whose acceptance rate (accepted / simulated) is below this.
    pub min_acceptance: f64,
    /// Stop once the tolerance is at or below this.
    pub target_tolerance: f64,
    /// A slot that needs more simulations than this ends the calibration (its generation is
    /// discarded; the previous one is the result).
    pub max_attempts_per_particle: u64,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            particles: 500,
            max_generations: 10,
            quantile: 0.5,
            min_acceptance: 0.02,
            target_tolerance: 0.0,
            max_attempts_per_particle: 1000,
            seed: 1,
        }
    }
}

/// Why the calibration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    MaxGenerations,
    TargetTolerance,
    LowAcceptance,
    ToleranceStalled,
    Budget,
}

impl Stop {
    pub fn as_str(self) -> &'static str {
        match self {
            Stop::MaxGenerations => "max_generations",
            Stop::TargetTolerance => "target_tolerance",
            Stop::LowAcceptance => "low_acceptance",
            Stop::ToleranceStalled => "tolerance_stalled",
            Stop::Budget => "budget",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Stop::MaxGenerations,
            Stop::TargetTolerance,
            Stop::LowAcceptance,
            Stop::ToleranceStalled,
            Stop::Budget,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// One generation's particles: `u` is N x d, row-major, in unit coordinates; weights sum to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    pub d: usize,
    pub u: Vec<f64>,
    pub weights: Vec<f64>,
    pub distances: Vec<f64>,
}

impl Population {
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    #[cfg(any(test, feature = "internals"))]
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Particle i's unit coordinates.
    pub fn particle(&self, i: usize) -> &[f64] {
        &self.u[i * self.d..(i + 1) * self.d]
    }

    /// Effective sample size (sum w)^2 / sum w^2 (Kish).
    pub fn ess(&self) -> f64 {
        let s: f64 = self.weights.iter().sum();
        let s2: f64 = self.weights.iter().map(|w| w * w).sum();
        if s2 > 0.0 { s * s / s2 } else { 0.0 }
    }

    /// Weighted mean and variance of coordinate k (unit coordinates).
    pub fn moments(&self, k: usize) -> (f64, f64) {
        let mut m = 0.0;
        for (i, w) in self.weights.iter().enumerate() {
            m += w * self.u[i * self.d + k];
        }
        let mut v = 0.0;
        for (i, w) in self.weights.iter().enumerate() {
            let x = self.u[i * self.d + k] - m;
            v += w * x * x;
        }
        (m, v)
    }
}

/// What one generation did (the per-generation diagnostics).
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationStats {
    pub index: usize,
    /// Tolerance eps_t (infinity for generation 0).
    pub tolerance: f64,
    /// Simulations run.
    pub attempts: u64,
    pub accepted: u64,
    pub ess: f64,
}

impl GenerationStats {
    pub fn acceptance_rate(&self) -> f64 {
        if self.attempts == 0 {
            0.0
        } else {
            self.accepted as f64 / self.attempts as f64
        }
    }
}

/// The state between generations: everything needed to continue (and to resume after Ctrl-C).
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub settings: Settings,
    pub d: usize,
    pub history: Vec<GenerationStats>,
    /// The last accepted generation (None before generation 0).
    pub population: Option<Population>,
    pub stopped: Option<Stop>,
}

impl State {
    pub fn new(settings: Settings, d: usize) -> Self {
        Self {
            settings,
            d,
            history: Vec::new(),
            population: None,
            stopped: None,
        }
    }

    /// Simulations run so far.
    pub fn simulations(&self) -> u64 {
        self.history.iter().map(|g| g.attempts).sum()
    }
}

/// Hooks: a cancellation flag checked between simulations, and a callback after each filled
/// slot with the number of simulations it took.
#[derive(Default, Clone, Copy)]
pub struct Hooks<'a> {
    pub cancel: Option<&'a AtomicBool>,
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// The RNG of slot `i` in generation `t`.
fn slot_rng(seed: u64, t: usize, i: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ ABC_SALT);
    rng.set_stream(((t as u64) << 40) | i as u64);
    rng
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}

fn normal_quantile(p: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * p)
}

/// Mass of N(mu, sd^2) on [0, 1].
fn unit_mass(mu: f64, sd: f64) -> f64 {
    (normal_cdf((1.0 - mu) / sd) - normal_cdf(-mu / sd)).max(1e-300)
}

/// Draw from N(mu, sd^2) truncated to [0, 1] by inversion.
fn truncated_normal<R: Rng + ?Sized>(rng: &mut R, mu: f64, sd: f64) -> f64 {
    let lo = normal_cdf(-mu / sd);
    let hi = normal_cdf((1.0 - mu) / sd);
    let p = lo + rng.random::<f64>() * (hi - lo);
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    (mu + sd * normal_quantile(p)).clamp(0.0, 1.0)
}

/// The perturbation kernel of a generation: per-coordinate standard deviations.
fn kernel_sd(pop: &Population) -> Vec<f64> {
    (0..pop.d)
        .map(|k| (2.0 * pop.moments(k).1).sqrt().max(MIN_KERNEL_SD))
        .collect()
}

/// The next tolerance from the previous generation's distances, or None if it cannot decrease.
fn next_tolerance(prev: &Population, prev_tol: f64, quantile: f64, target: f64) -> Option<f64> {
    let mut d: Vec<f64> = prev.distances.clone();
    d.sort_by(f64::total_cmp);
    let n = d.len();
    let k = ((quantile * n as f64).ceil() as usize).clamp(1, n) - 1;
    let mut eps = d[k];
    if eps >= prev_tol {
        eps = d.iter().rev().copied().find(|&x| x < prev_tol)?;
    }
    Some(eps.max(target))
}

/// Run one more generation (generation 0 if none yet). Returns the updated state; on
/// cancellation the state is unchanged (the interrupted generation is discarded).
pub fn step<F>(state: &mut State, simulate: &F, hooks: Hooks<'_>) -> Result<(), Interrupted>
where
    F: Fn(&[f64], u64) -> f64 + Sync,
{
    if state.stopped.is_some() {
        return Ok(());
    }
    let s = state.settings.clone();
    let d = state.d;
    let n = s.particles;
    let t = state.history.len();
    let cancelled = || hooks.cancel.is_some_and(|c| c.load(Ordering::Relaxed));

    // Generation 0: the prior, everything accepted.
    let Some(prev) = state.population.as_ref() else {
        let rows: Vec<(Vec<f64>, f64)> = (0..n)
            .into_par_iter()
            .map(|i| {
                if cancelled() {
                    return Err(Interrupted);
                }
                let mut rng = slot_rng(s.seed, 0, i);
                let u: Vec<f64> = (0..d).map(|_| rng.random::<f64>()).collect();
                let dist = simulate(&u, rng.next_u64());
                if let Some(p) = hooks.progress {
                    p(1);
                }
                Ok((u, dist))
            })
            .collect::<Result<_, _>>()?;
        let pop = Population {
            d,
            u: rows.iter().flat_map(|r| r.0.iter().copied()).collect(),
            weights: vec![1.0 / n as f64; n],
            distances: rows.iter().map(|r| r.1).collect(),
        };
        state.history.push(GenerationStats {
            index: 0,
            tolerance: f64::INFINITY,
            attempts: n as u64,
            accepted: n as u64,
            ess: pop.ess(),
        });
        state.population = Some(pop);
        if s.max_generations <= 1 {
            state.stopped = Some(Stop::MaxGenerations);
        }
        return Ok(());
    };

    let prev_tol = state.history.last().map_or(f64::INFINITY, |g| g.tolerance);
    let Some(eps) = next_tolerance(prev, prev_tol, s.quantile, s.target_tolerance) else {
        state.stopped = Some(Stop::ToleranceStalled);
        return Ok(());
    };
    if eps >= prev_tol {
        state.stopped = Some(Stop::TargetTolerance);
        return Ok(());
    }
    let sd = kernel_sd(prev);
    // Cumulative weights for ancestor draws.
    let mut cum = Vec::with_capacity(prev.len());
    let mut acc = 0.0;
    for w in &prev.weights {
        acc += w;
        cum.push(acc);
    }
    let total = acc;

    // None: this slot exceeded its budget.
    let rows: Vec<Option<(Vec<f64>, f64, u64)>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut rng = slot_rng(s.seed, t, i);
            let mut u = vec![0.0; d];
            let mut attempts = 0u64;
            loop {
                if cancelled() {
                    return Err(Interrupted);
                }
                if attempts >= s.max_attempts_per_particle {
                    return Ok(None);
                }
                attempts += 1;
                let x = rng.random::<f64>() * total;
                let j = cum.partition_point(|&c| c <= x).min(prev.len() - 1);
                let anc = prev.particle(j);
                for k in 0..d {
                    u[k] = truncated_normal(&mut rng, anc[k], sd[k]);
                }
                let dist = simulate(&u, rng.next_u64());
                if dist <= eps {
                    if let Some(p) = hooks.progress {
                        p(attempts);
                    }
                    return Ok(Some((u, dist, attempts)));
                }
            }
        })
        .collect::<Result<_, _>>()?;
    if rows.iter().any(Option::is_none) {
        state.stopped = Some(Stop::Budget);
        return Ok(());
    }
    let rows: Vec<(Vec<f64>, f64, u64)> = rows.into_iter().flatten().collect();
    let attempts: u64 = rows.iter().map(|r| r.2).sum();
    let u: Vec<f64> = rows.iter().flat_map(|r| r.0.iter().copied()).collect();
    // Importance weights: prior (1 on the cube) over the mixture of truncated kernels.
    let norm: Vec<f64> = (0..prev.len())
        .flat_map(|j| {
            let anc = prev.particle(j);
            (0..d).map(move |k| (anc[k], k))
        })
        .map(|(mu, k)| unit_mass(mu, sd[k]))
        .collect();
    let mut weights: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| {
            let ui = &u[i * d..(i + 1) * d];
            let mut mix = 0.0;
            for j in 0..prev.len() {
                let anc = prev.particle(j);
                let mut log_k = 0.0;
                for k in 0..d {
                    let z = (ui[k] - anc[k]) / sd[k];
                    log_k += -0.5 * z * z - sd[k].ln() - norm[j * d + k].ln();
                }
                mix += prev.weights[j] / total * log_k.exp();
            }
            if mix > 0.0 { 1.0 / mix } else { 0.0 }
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    if !(sum > 0.0 && sum.is_finite()) {
        weights.fill(1.0 / n as f64);
    } else {
        for w in &mut weights {
            *w /= sum;
        }
    }
    let pop = Population {
        d,
        u,
        weights,
        distances: rows.iter().map(|r| r.1).collect(),
    };
    let stats = GenerationStats {
        index: t,
        tolerance: eps,
        attempts,
        accepted: n as u64,
        ess: pop.ess(),
    };
    let rate = stats.acceptance_rate();
    state.history.push(stats);
    state.population = Some(pop);
    state.stopped = if eps <= s.target_tolerance {
        Some(Stop::TargetTolerance)
    } else if rate < s.min_acceptance {
        Some(Stop::LowAcceptance)
    } else if t + 1 >= s.max_generations {
        Some(Stop::MaxGenerations)
    } else {
        None
    };
    Ok(())
}

/// Run generations until a stopping rule fires. `after` is called after every generation
/// (to save state, print diagnostics).
#[cfg(any(test, feature = "internals"))]
pub fn run<F>(
    state: &mut State,
    simulate: &F,
    hooks: Hooks<'_>,
    mut after: impl FnMut(&State),
) -> Result<(), Interrupted>
where
    F: Fn(&[f64], u64) -> f64 + Sync,
{
    while state.stopped.is_none() {
        step(state, simulate, hooks)?;
        after(state);
    }
    Ok(())
}

/// Weighted quantile of `x` (weights need not be normalised), by rank with no interpolation.
///
/// For `q <= 1/2` it is the smallest x whose cumulative weight from below reaches `q` of the
/// total; for `q > 1/2` the largest x whose cumulative weight from above reaches `1 - q`. The
/// two ends of a central interval are so mirror images: the `[q, 1 - q]` interval of `1 - x` is
/// exactly `1 -` the interval of `x` (with D equal weights, the `ceil(q D)`-th smallest and the
/// `ceil(q D)`-th largest). A relative tolerance of 1e-9 on the weight sums keeps `0.95 * 20`
/// from rounding past a rank.
pub fn weighted_quantile(x: &[f64], w: &[f64], q: f64) -> f64 {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let total: f64 = w.iter().sum();
    let (tail, from_top) = if q > 0.5 { (1.0 - q, true) } else { (q, false) };
    let reach = tail * total * (1.0 - 1e-9);
    let mut acc = 0.0;
    let mut reached = |i: &&usize| {
        acc += w[**i];
        acc >= reach && acc > 0.0
    };
    let (found, last) = if from_top {
        (idx.iter().rev().find(&mut reached), idx.first())
    } else {
        (idx.iter().find(&mut reached), idx.last())
    };
    found.or(last).map_or(f64::NAN, |&i| x[i])
}

/// `m` draws from the weighted population by systematic resampling (Carpenter, Clifford &
/// Fearnhead 1999): indices into the population, in increasing order.
pub fn resample(weights: &[f64], m: usize, rng: &mut impl Rng) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    let start: f64 = rng.random::<f64>() / m as f64;
    let mut out = Vec::with_capacity(m);
    let mut acc = 0.0;
    let mut j = 0;
    for i in 0..m {
        let target = (start + i as f64 / m as f64) * total;
        while j + 1 < weights.len() && acc + weights[j] < target {
            acc += weights[j];
            j += 1;
        }
        out.push(j);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_normal_stays_in_the_cube_and_has_the_right_mass() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (mu, sd) = (0.95, 0.2);
        let n = 20_000;
        let mut below = 0;
        for _ in 0..n {
            let x = truncated_normal(&mut rng, mu, sd);
            assert!((0.0..=1.0).contains(&x));
            below += u32::from(x < 0.9);
        }
        // P(X < 0.9 | X in [0,1]) computed independently from the normal CDF.
        let p = (normal_cdf((0.9 - mu) / sd) - normal_cdf(-mu / sd)) / unit_mass(mu, sd);
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!((below as f64 / n as f64 - p).abs() < 4.0 * se);
    }

    #[test]
    fn weighted_quantile_and_resampling() {
        let x = [3.0, 1.0, 2.0];
        let w = [0.2, 0.5, 0.3];
        assert_eq!(weighted_quantile(&x, &w, 0.5), 1.0);
        assert_eq!(weighted_quantile(&x, &w, 0.6), 2.0);
        assert_eq!(weighted_quantile(&x, &w, 0.95), 3.0);
        assert_eq!(weighted_quantile(&x, &w, 0.75), 2.0);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let idx = resample(&w, 10, &mut rng);
        assert_eq!(idx.len(), 10);
        assert_eq!(idx.iter().filter(|&&i| i == 1).count(), 5);
    }

    #[test]
    fn a_central_interval_of_the_complement_is_the_mirror_image() {
        // Twenty equal weights: the 5% end is the smallest, the 95% end the largest, so the
        // interval of 1 - p is 1 minus the interval of p (it was [min, 19th] and so not).
        let p: Vec<f64> = (0..20).map(|i| f64::from(i * i) / 400.0).collect();
        let w = vec![1.0; p.len()];
        let held: Vec<f64> = p.iter().map(|x| 1.0 - x).collect();
        let (lo, hi) = (weighted_quantile(&p, &w, 0.05), weighted_quantile(&p, &w, 0.95));
        assert_eq!((lo, hi), (0.0, 361.0 / 400.0));
        assert_eq!(weighted_quantile(&held, &w, 0.05), 1.0 - hi);
        assert_eq!(weighted_quantile(&held, &w, 0.95), 1.0 - lo);
        // Unequal weights, 57 draws: still mirrored.
        let w: Vec<f64> = (0..57).map(|i| 1.0 + f64::from(i % 5)).collect();
        let p: Vec<f64> = (0..57).map(|i| f64::from((i * 37) % 57) / 57.0).collect();
        let held: Vec<f64> = p.iter().map(|x| 1.0 - x).collect();
        for q in [0.05, 0.1, 0.25] {
            assert_eq!(weighted_quantile(&held, &w, q), 1.0 - weighted_quantile(&p, &w, 1.0 - q));
        }
    }
}
