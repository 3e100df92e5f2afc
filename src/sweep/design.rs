//! Experimental designs: which parameter values each sweep point gets.
//!
//! A design maps a point index `k` to unit coordinates in [0, 1]^d (one per parameter), and
//! each parameter maps its coordinate to a value through its distribution's inverse CDF
//! ([`Parameter::value_at`]). Every design is random access: point `k` is computed from
//! (seed, k) alone, so a resumed sweep regenerates exactly the same points without storing
//! them, and memory does not grow with the number of points (LHS aside: it keeps one
//! permutation of `points` strata per parameter).
//!
//! Sources: McKay, Beckman & Conover (1979) for Latin hypercubes; Sobol' (1967) sequences,
//! Owen-scrambled (Burley 2020, via the `sobol_burley` crate); Saltelli et al. (2010),
//! Computer Physics Communications 181, for the A, B, A_B^(i) scheme; Morris (1991),
//! Technometrics 33(2), and Campolongo, Cariboni & Saltelli (2007) for trajectories and mu*.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::spec::{DesignKind, Parameter, Sweep};

/// Salt that keeps design randomness apart from the run streams (a different ChaCha key).
const DESIGN_SALT: u64 = 0x5357_4545_5044_4553;

/// The design RNG for item `k` (a point, or a Morris trajectory) under `seed`.
fn design_rng(seed: u64, k: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ DESIGN_SALT);
    rng.set_stream(k);
    rng
}

/// The 32-bit seed of the scrambled Sobol' sequence for a sweep seed.
fn sobol_seed(seed: u64) -> u32 {
    let x = seed ^ DESIGN_SALT;
    (x ^ (x >> 32)) as u32
}

/// The points of one sweep, computed on demand.
#[derive(Debug, Clone)]
pub struct Design {
    pub kind: DesignKind,
    /// Number of parameters.
    pub d: usize,
    /// Total number of points.
    pub n: u64,
    /// Points of the design proper: `n` itself, or the number of futures of a levers x
    /// futures sweep, whose point k is future `k % cycle` (of policy `k / cycle`).
    pub cycle: u64,
    /// Base samples (saltelli) or trajectories (morris).
    pub base: u64,
    seed: u64,
    /// Grid: levels per parameter (unit coordinates).
    grid: Vec<Vec<f64>>,
    /// LHS: per parameter, the stratum of each point.
    strata: Vec<Vec<u32>>,
    /// Morris: number of levels and the jump.
    morris_levels: usize,
    morris_delta: f64,
}

/// One step of a Morris trajectory: point `k` differs from point `k - 1` in parameter
/// `param` by `delta` in unit coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisStep {
    pub param: usize,
    pub delta: f64,
}

impl Design {
    /// The sweep's design; with policies, its points crossed with them ([`Design::crossed`]).
    pub fn new(sweep: &Sweep) -> Self {
        Self::from_parts(
            sweep.design,
            &sweep.parameters,
            sweep.points,
            sweep.seed,
            sweep.levels,
        )
        .crossed(sweep.policy_count())
    }

    /// A design over parameters given only by their grid levels (tests, estimators).
    pub fn from_parts(
        kind: DesignKind,
        parameters: &[Parameter],
        points: u64,
        seed: u64,
        levels: usize,
    ) -> Self {
        let grid: Vec<Vec<f64>> = if kind == DesignKind::Grid {
            parameters.iter().map(Parameter::grid_levels).collect()
        } else {
            Vec::new()
        };
        Self::unit(kind, parameters.len(), points, seed, levels, grid)
    }

    /// A design in the unit hypercube of dimension `d` (grid: `grid` gives the levels).
    pub fn unit(
        kind: DesignKind,
        d: usize,
        points: u64,
        seed: u64,
        levels: usize,
        grid: Vec<Vec<f64>>,
    ) -> Self {
        let n = match kind {
            DesignKind::Grid => grid.iter().map(|l| l.len() as u64).product(),
            DesignKind::Saltelli => points * (d as u64 + 2),
            DesignKind::Morris => points * (d as u64 + 1),
            _ => points,
        };
        let strata = if kind == DesignKind::Lhs {
            (0..d)
                .map(|j| {
                    let mut perm: Vec<u32> = (0..points as u32).collect();
                    // Stream u64::MAX - j: far from the per-point streams 0..points.
                    perm.shuffle(&mut design_rng(seed, u64::MAX - j as u64));
                    perm
                })
                .collect()
        } else {
            Vec::new()
        };
        let levels = levels.max(2);
        Self {
            kind,
            d,
            n,
            cycle: n,
            base: points,
            seed,
            grid,
            strata,
            morris_levels: levels,
            morris_delta: levels as f64 / (2.0 * (levels as f64 - 1.0)),
        }
    }

    /// This design's points as the futures of `policies` policies: point k is future
    /// `k % futures` of policy `k / futures` (every policy meets the same futures).
    pub fn crossed(mut self, policies: u64) -> Self {
        self.cycle = self.n;
        self.n = self.n.saturating_mul(policies.max(1));
        self
    }

    /// Unit coordinates of point `k` (< n), written into `out` (length d).
    pub fn unit_point(&self, k: u64, out: &mut [f64]) {
        let d = self.d;
        let k = k % self.cycle.max(1);
        match self.kind {
            DesignKind::Grid => {
                // Mixed radix, the last parameter varying fastest.
                let mut rest = k;
                for j in (0..d).rev() {
                    let l = &self.grid[j];
                    out[j] = l[(rest % l.len() as u64) as usize];
                    rest /= l.len() as u64;
                }
            }
            DesignKind::Draws => {
                // Every parameter's value list holds the draws in future order: coordinate
                // (k + 1/2) / n picks item k.
                out.fill((k as f64 + 0.5) / self.cycle.max(1) as f64);
            }
            DesignKind::Random => {
                let mut rng = design_rng(self.seed, k);
                for x in out.iter_mut() {
                    *x = rng.random::<f64>();
                }
            }
            DesignKind::Lhs => {
                let mut rng = design_rng(self.seed, k);
                for (j, x) in out.iter_mut().enumerate() {
                    let s = self.strata[j][k as usize] as f64;
                    *x = (s + rng.random::<f64>()) / self.cycle as f64;
                }
            }
            DesignKind::Sobol => {
                let s = sobol_seed(self.seed);
                for (j, x) in out.iter_mut().enumerate() {
                    *x = f64::from(sobol_burley::sample(k as u32, j as u32, s));
                }
            }
            DesignKind::Saltelli => {
                let (j, r) = (k / (d as u64 + 2), (k % (d as u64 + 2)) as usize);
                let s = sobol_seed(self.seed);
                let a = |i: usize| f64::from(sobol_burley::sample(j as u32, i as u32, s));
                let b = |i: usize| f64::from(sobol_burley::sample(j as u32, (d + i) as u32, s));
                for (i, x) in out.iter_mut().enumerate() {
                    // r = 0: A; r = 1: B; r = 2 + m: A with column m taken from B.
                    *x = if r == 1 || r == i + 2 { b(i) } else { a(i) };
                }
            }
            DesignKind::Morris => {
                let (t, s) = (k / (d as u64 + 1), (k % (d as u64 + 1)) as usize);
                let (start, order, dirs) = self.trajectory(t);
                out.copy_from_slice(&start);
                for &i in &order[..s] {
                    out[i] += dirs[i] * self.morris_delta;
                }
                for x in out.iter_mut() {
                    *x = x.clamp(0.0, 1.0);
                }
            }
        }
    }

    /// Morris trajectory `t`: start point, order of the moves, direction per parameter.
    fn trajectory(&self, t: u64) -> (Vec<f64>, Vec<usize>, Vec<f64>) {
        let mut rng = design_rng(self.seed, t);
        let p = self.morris_levels;
        let step = 1.0 / (p as f64 - 1.0);
        // Base values on the grid below 1 - delta, so that base + delta stays on the grid.
        let choices = p / 2;
        let mut start = vec![0.0; self.d];
        let mut dirs = vec![1.0; self.d];
        for j in 0..self.d {
            let base = rng.random_range(0..choices) as f64 * step;
            let up = rng.random::<bool>();
            dirs[j] = if up { 1.0 } else { -1.0 };
            start[j] = if up { base } else { base + self.morris_delta };
        }
        let mut order: Vec<usize> = (0..self.d).collect();
        order.shuffle(&mut rng);
        (start, order, dirs)
    }

    /// For Morris point `k`, which parameter moved since point `k - 1` and by how much
    /// (None for the first point of a trajectory and for other designs).
    pub fn morris_step(&self, k: u64) -> Option<MorrisStep> {
        if self.kind != DesignKind::Morris {
            return None;
        }
        let (t, s) = (k / (self.d as u64 + 1), (k % (self.d as u64 + 1)) as usize);
        if s == 0 {
            return None;
        }
        let (_, order, dirs) = self.trajectory(t);
        let param = order[s - 1];
        Some(MorrisStep {
            param,
            delta: dirs[param] * self.morris_delta,
        })
    }

    /// Parameter values of point `k`.
    pub fn values(&self, parameters: &[Parameter], k: u64) -> Vec<f64> {
        let mut u = vec![0.0; self.d];
        self.unit_point(k, &mut u);
        parameters
            .iter()
            .zip(&u)
            .map(|(p, &x)| p.value_at(x))
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;

    fn points(d: &Design) -> Vec<Vec<f64>> {
        (0..d.n)
            .map(|k| {
                let mut u = vec![0.0; d.d];
                d.unit_point(k, &mut u);
                u
            })
            .collect()
    }

    #[test]
    fn grid_enumerates_every_combination_last_fastest() {
        let d = Design::unit(
            DesignKind::Grid,
            2,
            0,
            1,
            4,
            vec![vec![0.0, 1.0], vec![0.1, 0.2, 0.3]],
        );
        assert_eq!(d.n, 6);
        let p = points(&d);
        assert_eq!(p[0], vec![0.0, 0.1]);
        assert_eq!(p[1], vec![0.0, 0.2]);
        assert_eq!(p[5], vec![1.0, 0.3]);
    }

    #[test]
    fn lhs_puts_exactly_one_point_in_each_stratum() {
        let d = Design::unit(DesignKind::Lhs, 3, 50, 9, 4, vec![]);
        let p = points(&d);
        for j in 0..3 {
            let mut seen = [false; 50];
            for x in &p {
                let s = (x[j] * 50.0) as usize;
                assert!(!seen[s]);
                seen[s] = true;
            }
        }
    }

    #[test]
    fn saltelli_rows_share_columns_as_the_scheme_requires() {
        let d = Design::unit(DesignKind::Saltelli, 3, 8, 5, 4, vec![]);
        assert_eq!(d.n, 40);
        let p = points(&d);
        let (a, b) = (&p[5], &p[6]);
        for m in 0..3 {
            let ab = &p[5 + 2 + m];
            for i in 0..3 {
                assert_eq!(ab[i], if i == m { b[i] } else { a[i] });
            }
        }
    }

    #[test]
    fn morris_trajectories_move_one_parameter_per_step_on_the_grid() {
        let d = Design::unit(DesignKind::Morris, 4, 10, 3, 4, vec![]);
        let p = points(&d);
        for k in 1..d.n {
            match d.morris_step(k) {
                None => assert_eq!(k % 5, 0),
                Some(s) => {
                    for i in 0..4 {
                        let diff = p[k as usize][i] - p[k as usize - 1][i];
                        let want = if i == s.param { s.delta } else { 0.0 };
                        assert!((diff - want).abs() < 1e-12);
                    }
                }
            }
        }
        for x in p.iter().flatten() {
            let level = x * 3.0;
            assert!((level - level.round()).abs() < 1e-9 && (0.0..=1.0).contains(x));
        }
    }

    #[test]
    fn random_designs_depend_only_on_seed_and_index() {
        let a = Design::unit(DesignKind::Random, 2, 10, 42, 4, vec![]);
        let mut u = [0.0; 2];
        let mut v = [0.0; 2];
        a.unit_point(7, &mut u);
        Design::unit(DesignKind::Random, 2, 1000, 42, 4, vec![]).unit_point(7, &mut v);
        assert_eq!(u, v);
    }
}
