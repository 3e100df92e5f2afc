//! Global sensitivity analysis: Sobol' indices from a Saltelli design, Morris elementary
//! effects from trajectories. Pure functions of the outputs `y` (one per design point, in
//! design order), so they are tested on analytic functions and reused on sweep results.
//!
//! Sources: first-order estimator of Saltelli et al. (2010), Comput. Phys. Commun. 181,
//! eq. (b) in their Table 2, `V_i ~ mean(f(B) (f(A_B^i) - f(A)))` with f(B) centred; total-order estimator of
//! Jansen (1999), `V_Ti ~ mean((f(A) - f(A_B^i))^2) / 2`; both divided by the variance of
//! f over A and B. Confidence intervals are bootstrap percentile intervals (Efron &
//! Tibshirani 1993) over the N base rows. Morris (1991) elementary effects with the mu* of
//! Campolongo, Cariboni & Saltelli (2007).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::design::Design;
#[cfg(any(test, feature = "internals"))]
use super::spec::DesignKind;

/// Bootstrap resamples for the Sobol' index intervals.
pub const BOOTSTRAP: usize = 500;

/// An estimate with a 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Estimate {
    #[cfg(any(test, feature = "internals"))]
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

/// First- and total-order Sobol' indices, one per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    pub first: Vec<Estimate>,
    pub total: Vec<Estimate>,
}

/// Point estimates over the base rows `rows` (indices j into the N rows).
fn sobol_point(y: &[f64], d: usize, rows: &[usize], first: &mut [f64], total: &mut [f64]) {
    let w = d + 2;
    let m = rows.len() as f64;
    // Variance of f over the 2m values f(A_j), f(B_j), two-pass for accuracy.
    let mean = rows.iter().map(|&j| y[j * w] + y[j * w + 1]).sum::<f64>() / (2.0 * m);
    let var = rows
        .iter()
        .map(|&j| (y[j * w] - mean).powi(2) + (y[j * w + 1] - mean).powi(2))
        .sum::<f64>()
        / (2.0 * m);
    for i in 0..d {
        let (mut s1, mut st) = (0.0, 0.0);
        for &j in rows {
            let (fa, fb, fab) = (y[j * w], y[j * w + 1], y[j * w + 2 + i]);
            // Centring f(B) leaves the expectation unchanged (E[f(A_B^i) - f(A)] = 0) and
            // makes the estimate invariant to a shift of f: without it an output near 1
            // (a probability of "deterrence held") has a far noisier S1 than 1 - it.
            s1 += (fb - mean) * (fab - fa);
            st += (fa - fab).powi(2);
        }
        if var > 0.0 {
            first[i] = s1 / m / var;
            total[i] = st / (2.0 * m) / var;
        } else {
            first[i] = 0.0;
            total[i] = 0.0;
        }
    }
}

/// Percentile interval of `samples` (sorted in place) around `value`.
fn percentile(value: f64, samples: &mut [f64]) -> Estimate {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i]
    };
    Estimate {
        value,
        lo: at(0.025).min(value),
        hi: at(0.975).max(value),
    }
}

/// Sobol' indices from outputs laid out as a Saltelli design: for base row j,
/// `y[j(d+2)] = f(A_j)`, `y[j(d+2)+1] = f(B_j)`, `y[j(d+2)+2+i] = f(A_B^i_j)`.
pub fn sobol_from_saltelli(y: &[f64], d: usize, bootstrap: usize, seed: u64) -> SobolIndices {
    let n = y.len() / (d + 2);
    let all: Vec<usize> = (0..n).collect();
    let (mut f, mut t) = (vec![0.0; d], vec![0.0; d]);
    sobol_point(y, d, &all, &mut f, &mut t);
    let mut boot_f = vec![Vec::with_capacity(bootstrap); d];
    let mut boot_t = vec![Vec::with_capacity(bootstrap); d];
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x424f_4f54);
    let mut rows = vec![0usize; n];
    let (mut bf, mut bt) = (vec![0.0; d], vec![0.0; d]);
    for _ in 0..bootstrap {
        for r in rows.iter_mut() {
            *r = rng.random_range(0..n);
        }
        sobol_point(y, d, &rows, &mut bf, &mut bt);
        for i in 0..d {
            boot_f[i].push(bf[i]);
            boot_t[i].push(bt[i]);
        }
    }
    SobolIndices {
        first: (0..d).map(|i| percentile(f[i], &mut boot_f[i])).collect(),
        total: (0..d).map(|i| percentile(t[i], &mut boot_t[i])).collect(),
    }
}

/// Sobol' indices of `f` on the unit hypercube [0, 1]^d from `n` Saltelli base samples.
#[cfg(any(test, feature = "internals"))]
pub fn sobol_indices<F: Fn(&[f64]) -> f64>(f: F, d: usize, n: u64, seed: u64) -> SobolIndices {
    let design = Design::unit(DesignKind::Saltelli, d, n, seed, 4, vec![]);
    let mut u = vec![0.0; d];
    let y: Vec<f64> = (0..design.n)
        .map(|k| {
            design.unit_point(k, &mut u);
            f(&u)
        })
        .collect();
    sobol_from_saltelli(&y, d, BOOTSTRAP, seed)
}

/// Morris statistics of one parameter, on elementary effects in unit coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    /// Mean of |EE| (Campolongo et al. 2007): overall importance.
    pub mu_star: f64,
    /// Mean of EE: sign of the effect (cancels for non-monotonic effects).
    pub mu: f64,
    /// Standard deviation of EE (n - 1): non-linearity or interactions. `None` with fewer
    /// than two elementary effects, where the sample cannot support a spread
    /// ([`MorrisIndex::sigma_text`] says "undefined (n = 1)").
    pub sigma: Option<f64>,
    pub effects: u64,
}

impl MorrisIndex {
    /// sigma to 4 decimals, or why there is none: "undefined (n = 1)" (as for every
    /// statistic the sample cannot support).
    pub fn sigma_text(&self) -> String {
        match self.sigma {
            Some(s) => format!("{s:.4}"),
            None => format!("undefined (n = {})", self.effects),
        }
    }
}

/// Morris indices from outputs in design order.
pub fn morris_from_design(y: &[f64], design: &Design) -> Vec<MorrisIndex> {
    let d = design.d;
    let mut sum = vec![0.0; d];
    let mut abs = vec![0.0; d];
    let mut effects: Vec<Vec<f64>> = vec![Vec::new(); d];
    for k in 1..y.len() as u64 {
        if let Some(s) = design.morris_step(k) {
            let ee = (y[k as usize] - y[k as usize - 1]) / s.delta;
            sum[s.param] += ee;
            abs[s.param] += ee.abs();
            effects[s.param].push(ee);
        }
    }
    (0..d)
        .map(|i| {
            let n = effects[i].len() as f64;
            if n == 0.0 {
                return MorrisIndex {
                    mu_star: 0.0,
                    mu: 0.0,
                    sigma: None,
                    effects: 0,
                };
            }
            let mu = sum[i] / n;
            let sigma = (n > 1.0).then(|| {
                (effects[i].iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            });
            MorrisIndex {
                mu_star: abs[i] / n,
                mu,
                sigma,
                effects: n as u64,
            }
        })
        .collect()
}

/// Morris indices of `f` on [0, 1]^d from `r` trajectories on a `levels`-level grid.
#[cfg(any(test, feature = "internals"))]
pub fn morris_indices<F: Fn(&[f64]) -> f64>(
    f: F,
    d: usize,
    r: u64,
    levels: usize,
    seed: u64,
) -> Vec<MorrisIndex> {
    let design = Design::unit(DesignKind::Morris, d, r, seed, levels, vec![]);
    let mut u = vec![0.0; d];
    let y: Vec<f64> = (0..design.n)
        .map(|k| {
            design.unit_point(k, &mut u);
            f(&u)
        })
        .collect();
    morris_from_design(&y, &design)
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Ishigami & Homma (1990) on [-pi, pi]^3, a = 7, b = 0.1.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Analytic first- and total-order indices of the Ishigami function.
    fn ishigami_exact(a: f64, b: f64) -> ([f64; 3], [f64; 3]) {
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    const G_A: [f64; 6] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];

    fn g_function(u: &[f64]) -> f64 {
        u.iter()
            .zip(G_A)
            .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
            .product()
    }

    fn g_exact() -> (Vec<f64>, Vec<f64>) {
        let vi: Vec<f64> = G_A
            .iter()
            .map(|a| 1.0 / (3.0 * (1.0 + a).powi(2)))
            .collect();
        let prod: f64 = vi.iter().map(|v| 1.0 + v).product();
        let v = prod - 1.0;
        let first = vi.iter().map(|x| x / v).collect();
        let total = vi.iter().map(|x| x * prod / (1.0 + x) / v).collect();
        (first, total)
    }

    #[test]
    fn ishigami_indices_lie_within_their_bootstrap_intervals() {
        let (s1, st) = ishigami_exact(7.0, 0.1);
        // Known values, to guard the analytic formula itself.
        assert!((s1[0] - 0.3139).abs() < 1e-3 && (st[2] - 0.2437).abs() < 1e-3);
        let est = sobol_indices(ishigami, 3, 4096, 11);
        for i in 0..3 {
            let (f, t) = (est.first[i], est.total[i]);
            assert!(f.contains(s1[i]), "S{} = {} not in {f:?}", i + 1, s1[i]);
            assert!(t.contains(st[i]), "ST{} = {} not in {t:?}", i + 1, st[i]);
            // Intervals narrow enough to mean something.
            assert!(f.hi - f.lo < 0.1 && t.hi - t.lo < 0.1, "{f:?} {t:?}");
        }
    }

    #[test]
    fn sobol_g_indices_lie_within_their_bootstrap_intervals() {
        let (s1, st) = g_exact();
        let est = sobol_indices(g_function, G_A.len(), 4096, 3);
        for i in 0..G_A.len() {
            let (f, t) = (est.first[i], est.total[i]);
            assert!(f.contains(s1[i]), "S{} = {} not in {f:?}", i + 1, s1[i]);
            assert!(t.contains(st[i]), "ST{} = {} not in {t:?}", i + 1, st[i]);
        }
    }

    #[test]
    fn morris_recovers_linear_coefficients_and_ranks_the_g_function() {
        let c = [3.0, -1.0, 0.0, 0.5];
        let lin = |u: &[f64]| u.iter().zip(c).map(|(x, c)| c * x).sum::<f64>();
        let m = morris_indices(lin, 4, 20, 4, 1);
        for i in 0..4 {
            assert!((m[i].mu_star - c[i].abs()).abs() < 1e-9);
            assert!((m[i].mu - c[i]).abs() < 1e-9);
            assert!(m[i].sigma.unwrap() < 1e-9);
            assert_eq!(m[i].effects, 20);
        }
        let g = morris_indices(g_function, G_A.len(), 50, 4, 2);
        for i in 0..3 {
            assert!(g[i].mu_star > g[i + 1].mu_star, "{g:?}");
        }
    }

    #[test]
    fn indices_do_not_change_when_the_output_is_shifted_or_negated() {
        let a = sobol_indices(ishigami, 3, 256, 5);
        let b = sobol_indices(|u| 100.0 - ishigami(u), 3, 256, 5);
        for i in 0..3 {
            assert!((a.first[i].value - b.first[i].value).abs() < 1e-9);
            assert!((a.total[i].value - b.total[i].value).abs() < 1e-9);
        }
    }

    #[test]
    fn constant_output_gives_zero_indices_not_nan() {
        let est = sobol_indices(|_| 1.0, 2, 64, 1);
        assert!(est.first.iter().chain(&est.total).all(|e| e.value == 0.0));
    }
}
