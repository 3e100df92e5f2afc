//! Robustness of policies across futures: the arithmetic of robust decision making.
//!
//! Input: one outcome's value for every (policy, future) pair, `values[p][f]`, all policies
//! evaluated on the same futures (and, in a deter sweep, the same run streams). Per policy:
//!
//! - **mean, 10th and 90th percentile over futures** (percentiles by linear interpolation
//!   between order statistics, Hyndman & Fan 1996 definition 7, the default of R and NumPy);
//! - **regret** in future f: the gap between the policy's value and the best policy's value
//!   in that same future (Savage 1951; in robust decision making, Lempert, Popper & Bankes
//!   2003, ch. 5), never negative; its **maximum** (the minimax-regret criterion) and its
//!   **90th percentile** (less driven by one extreme future);
//! - **satisficing share**: the share of futures in which the outcome meets a threshold
//!   (Simon 1955; the "domain criterion" of Starr 1963, as used by McPhail et al. 2018,
//!   Earth's Future 6, for robustness metrics).
//!
//! "Best" depends on the outcome's [`Direction`]: for the probabilities of crisis, threat,
//! display, use of force and war lower is better; for deterrence held higher is better.
//! Pure functions, no IO.

/// Which way an outcome is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LowerIsBetter,
    HigherIsBetter,
}

impl Direction {
    /// The direction of a headline outcome of deter (`deterrence_held` is the only one where
    /// more is better).
    pub fn of_outcome(name: &str) -> Self {
        if name.starts_with("deterrence_held") {
            Direction::HigherIsBetter
        } else {
            Direction::LowerIsBetter
        }
    }

    /// Whether `v` meets `threshold` (at most it when lower is better, at least otherwise).
    pub fn meets(self, v: f64, threshold: f64) -> bool {
        match self {
            Direction::LowerIsBetter => v <= threshold,
            Direction::HigherIsBetter => v >= threshold,
        }
    }
}

/// The robustness measures of one policy on one outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Robustness {
    pub mean: f64,
    pub p10: f64,
    pub p90: f64,
    pub max_regret: f64,
    pub p90_regret: f64,
    /// Share of futures meeting the threshold (None without one).
    pub satisficing: Option<f64>,
}

/// The q-quantile (q in [0, 1]) of `v` by linear interpolation between order statistics
/// (Hyndman & Fan 1996, definition 7): with `s` sorted, h = (n - 1) q, the value
/// s[floor h] + (h - floor h) (s[floor h + 1] - s[floor h]). NaN for an empty slice.
pub fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let h = (s.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(s.len() - 1);
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}

/// Regret of every policy in every future: `regret[p][f]` = how much worse policy p is than
/// the best policy in future f (>= 0; 0 for the best), at 13 significant digits. Shape as
/// `values` (policies x futures; every row the same length).
pub fn regret(values: &[Vec<f64>], direction: Direction) -> Vec<Vec<f64>> {
    let futures = values.first().map_or(0, Vec::len);
    let best: Vec<f64> = (0..futures)
        .map(|f| {
            let col = values.iter().map(|row| row[f]);
            match direction {
                Direction::LowerIsBetter => col.fold(f64::INFINITY, f64::min),
                Direction::HigherIsBetter => col.fold(f64::NEG_INFINITY, f64::max),
            }
        })
        .collect();
    values
        .iter()
        .map(|row| {
            row.iter()
                .zip(&best)
                // At 13 significant digits (`significant`): a gap of two shares read from
                // decimals (0.14 - 0.09 = 0.05000000000000002, 0.15 - 0.10 =
                // 0.04999999999999999) is the decimal gap it is, so a threshold on regret
                // (`discover --where "regret_... >= 0.05"`) and the future of the largest
                // regret are the same for an outcome and its complement.
                .map(|(&v, &b)| {
                    significant(match direction {
                        Direction::LowerIsBetter => v - b,
                        Direction::HigherIsBetter => b - v,
                    })
                })
                .collect()
        })
        .collect()
}

/// `x` at 13 significant digits: the robustness measures are sums and differences of
/// shares read from decimals, and the float error of that arithmetic (0.9595 - 0.919 =
/// 0.04049999999999998) made one value print 4.0 in one outcome and 4.1 in its complement's
/// table. Far below any Monte Carlo error, and the same in the table, CSV and page.
fn significant(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.12e}").parse().unwrap_or(x)
}

/// The robustness of every policy (rows of `values`, policies x futures).
pub fn robustness(
    values: &[Vec<f64>],
    direction: Direction,
    threshold: Option<f64>,
) -> Vec<Robustness> {
    let regrets = regret(values, direction);
    values
        .iter()
        .zip(&regrets)
        .map(|(row, reg)| {
            let n = row.len() as f64;
            Robustness {
                mean: significant(row.iter().sum::<f64>() / n),
                p10: significant(quantile(row, 0.1)),
                p90: significant(quantile(row, 0.9)),
                max_regret: significant(reg.iter().copied().fold(0.0, f64::max)),
                p90_regret: significant(quantile(reg, 0.9)),
                satisficing: threshold
                    .map(|t| row.iter().filter(|&&v| direction.meets(v, t)).count() as f64 / n),
            }
        })
        .collect()
}

/// Policy indices ranked best first by maximum regret, then 90th-percentile regret, then the
/// mean in the outcome's direction, then index.
pub fn rank(r: &[Robustness], direction: Direction) -> Vec<usize> {
    let mut order: Vec<usize> = (0..r.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&r[a], &r[b]);
        let mean = match direction {
            Direction::LowerIsBetter => x.mean.total_cmp(&y.mean),
            Direction::HigherIsBetter => y.mean.total_cmp(&x.mean),
        };
        x.max_regret
            .total_cmp(&y.max_regret)
            .then(x.p90_regret.total_cmp(&y.p90_regret))
            .then(mean)
            .then(a.cmp(&b))
    });
    order
}

/// The Monte Carlo error of one policy's figures on one outcome, from the runs behind each
/// (policy, future) probability: 95% half-widths, as probabilities (see [`mc_errors`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McError {
    /// A single future's probability: the root mean square over futures of its half-width.
    pub probability: f64,
    /// The maximum regret: the half-width of the regret in the future where it is largest.
    pub max_regret: f64,
}

/// The Monte Carlo 95% half-width of a probability `p` estimated from `runs` runs: half the
/// width of its Wilson score interval (Wilson 1927), the interval `deter run` gives every
/// probability (`mc95_lo`, `mc95_hi`). Unlike the normal approximation it is not zero at
/// p = 0 or 1 (at 0 of 200 runs it is about 0.96 pp).
pub fn mc_half_width(p: f64, runs: f64) -> f64 {
    if runs.is_nan() || runs < 1.0 {
        return f64::NAN;
    }
    let n = runs.round() as u64;
    let count = (p.clamp(0.0, 1.0) * n as f64).round() as u64;
    let w = crate::stats::wilson(count, n);
    (w.hi - w.lo) / 2.0
}

/// The Monte Carlo error of every policy's figures (rows of `values`, policies x futures,
/// with `runs[p][f]` the runs behind `values[p][f]`). The regret of policy p in future f is
/// a difference of two estimated probabilities (p's and the best's): its half-width is the
/// two half-widths added in quadrature (the "square-and-add" of Newcombe 1998, method 10),
/// which treats the two estimates as independent. Policies of a sweep share their run
/// streams, which usually correlates them positively and makes the true error of the
/// difference smaller: the half-width errs on the wide side. Where p is itself the best in
/// that future, the other estimate is the next best policy's.
pub fn mc_errors(values: &[Vec<f64>], runs: &[Vec<f64>], direction: Direction) -> Vec<McError> {
    let hw: Vec<Vec<f64>> = values
        .iter()
        .zip(runs)
        .map(|(row, n)| {
            row.iter()
                .zip(n)
                .map(|(&p, &n)| mc_half_width(p, n))
                .collect()
        })
        .collect();
    let regrets = regret(values, direction);
    values
        .iter()
        .enumerate()
        .map(|(p, row)| {
            let n = row.len().max(1) as f64;
            let probability = (hw[p].iter().map(|h| h * h).sum::<f64>() / n).sqrt();
            // The future of the largest regret (the first, on ties).
            let f = (0..row.len()).fold(0, |best, f| {
                if regrets[p][f] > regrets[p][best] {
                    f
                } else {
                    best
                }
            });
            // The best of the other policies in that future.
            let better = |a: f64, b: f64| match direction {
                Direction::LowerIsBetter => a < b,
                Direction::HigherIsBetter => a > b,
            };
            let other = (0..values.len()).filter(|&q| q != p).fold(
                None,
                |best: Option<usize>, q| match best {
                    Some(b) if !better(values[q][f], values[b][f]) => Some(b),
                    _ => Some(q),
                },
            );
            let max_regret = match (row.is_empty(), other) {
                (false, Some(q)) => hw[p][f].hypot(hw[q][f]),
                (false, None) => hw[p][f],
                (true, _) => f64::NAN,
            };
            McError {
                probability,
                max_regret,
            }
        })
        .collect()
}

/// Whether two policies' maximum regrets can be told apart by the Monte Carlo error: their
/// difference exceeds the half-widths added in quadrature (the same square-and-add).
pub fn separable(a: (f64, McError), b: (f64, McError)) -> bool {
    (a.0 - b.0).abs() > a.1.max_regret.hypot(b.1.max_regret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [3.0, 1.0, 2.0, 5.0, 4.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        // h = 4 * 0.1 = 0.4: 1 + 0.4 * (2 - 1).
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-12);
        // h = 4 * 0.9 = 3.6: 4 + 0.6 * (5 - 4).
        assert!((quantile(&v, 0.9) - 4.6).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.9), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    /// Three policies in four futures, P(use of force): each future's best by hand.
    fn table() -> Vec<Vec<f64>> {
        vec![
            vec![0.10, 0.20, 0.30, 0.40], // A
            vec![0.15, 0.15, 0.15, 0.15], // B
            vec![0.05, 0.30, 0.10, 0.50], // C
        ]
    }

    #[test]
    fn complementary_outcomes_give_equal_regrets_and_mirrored_quantiles() {
        // use_of_force and deterrence_held = 1 - use_of_force, as a sweep's CSV holds them.
        let uof = vec![vec![0.0405, 0.081, 0.1505], vec![0.081, 0.0405, 0.8505]];
        let held: Vec<Vec<f64>> = [["0.9595", "0.919", "0.8495"], ["0.919", "0.9595", "0.1495"]]
            .iter()
            .map(|r| r.iter().map(|x| x.parse().unwrap()).collect())
            .collect();
        let a = robustness(&uof, Direction::LowerIsBetter, None);
        let b = robustness(&held, Direction::HigherIsBetter, None);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.max_regret, y.max_regret, "{x:?} {y:?}");
            assert_eq!(x.p90_regret, y.p90_regret, "{x:?} {y:?}");
            assert_eq!(significant(1.0 - x.mean), y.mean);
            assert_eq!(significant(1.0 - x.p90), y.p10);
        }
        assert_eq!(a[0].max_regret, 0.0405);
        assert_eq!(significant(0.9595 - 0.919), 0.0405);
    }

    /// Regrets read from decimals are the decimal gaps, the same for an outcome and its
    /// complement (trial 14: 0.14 - 0.09 and 0.15 - 0.10 fell either side of 0.05).
    #[test]
    fn a_regret_is_the_decimal_gap_whichever_side_it_is_read_from() {
        let low = regret(
            &[vec![0.14, 0.15, 0.3], vec![0.09, 0.10, 0.25]],
            Direction::LowerIsBetter,
        );
        assert_eq!(low[0], [0.05, 0.05, 0.05]);
        let high = regret(
            &[vec![0.86, 0.85, 0.7], vec![0.91, 0.90, 0.75]],
            Direction::HigherIsBetter,
        );
        assert_eq!(high, low);
    }

    #[test]
    fn regret_is_the_gap_to_the_best_policy_in_each_future() {
        // Best per future: 0.05 (C), 0.15 (B), 0.10 (C), 0.15 (B).
        let r = regret(&table(), Direction::LowerIsBetter);
        let want = [
            [0.05, 0.05, 0.20, 0.25],
            [0.10, 0.00, 0.05, 0.00],
            [0.00, 0.15, 0.00, 0.35],
        ];
        for (row, w) in r.iter().zip(want) {
            for (got, want) in row.iter().zip(w) {
                assert!((got - want).abs() < 1e-12, "{r:?}");
            }
        }
        // Higher is better: the gap to the largest.
        let r = regret(&table(), Direction::HigherIsBetter);
        assert!((r[0][0] - 0.05).abs() < 1e-12); // best 0.15 (B)
        assert!((r[1][3] - 0.35).abs() < 1e-12); // best 0.50 (C)
        assert!(r.iter().flatten().all(|&x| x >= 0.0));
    }

    #[test]
    fn robustness_measures_by_hand() {
        let rb = robustness(&table(), Direction::LowerIsBetter, Some(0.2));
        // A: mean 0.25; p10 = 0.1 + 0.3 * 0.1 = 0.13; p90 = 0.3 + 0.7 * 0.1 = 0.37;
        // regrets 0.05 0.05 0.20 0.25: max 0.25, p90 = 0.2 + 0.7 * 0.05 = 0.235;
        // meets <= 0.2 in 2 of 4 futures.
        let a = rb[0];
        let close = |x: f64, y: f64| (x - y).abs() < 1e-12;
        assert!(close(a.mean, 0.25) && close(a.p10, 0.13) && close(a.p90, 0.37));
        assert!(close(a.max_regret, 0.25) && close(a.p90_regret, 0.235));
        assert_eq!(a.satisficing, Some(0.5));
        // B: constant 0.15: regrets 0.10 0 0.05 0: max 0.10, p90 = 0.05 + 0.7 * 0.05.
        let b = rb[1];
        assert!(close(b.mean, 0.15) && close(b.p10, 0.15) && close(b.p90, 0.15));
        assert!(close(b.max_regret, 0.10) && close(b.p90_regret, 0.085));
        assert_eq!(b.satisficing, Some(1.0));
        // C: regrets 0 0.15 0 0.35: max 0.35; meets in 2 of 4.
        assert!(close(rb[2].max_regret, 0.35));
        assert_eq!(rb[2].satisficing, Some(0.5));
        // Minimax regret: B, then A, then C.
        assert_eq!(rank(&rb, Direction::LowerIsBetter), vec![1, 0, 2]);
        // Without a threshold there is no satisficing share.
        assert_eq!(
            robustness(&table(), Direction::LowerIsBetter, None)[0].satisficing,
            None
        );
    }

    #[test]
    fn the_best_policy_in_every_future_has_zero_regret() {
        let v = vec![vec![0.1, 0.2], vec![0.3, 0.4]];
        let rb = robustness(&v, Direction::LowerIsBetter, None);
        assert_eq!((rb[0].max_regret, rb[0].p90_regret), (0.0, 0.0));
        let rb = robustness(&v, Direction::HigherIsBetter, Some(0.35));
        assert_eq!(rb[1].max_regret, 0.0);
        assert_eq!(rb[1].satisficing, Some(0.5));
        assert_eq!(rb[0].satisficing, Some(0.0));
    }

    /// Wilson's half-width written out: z sqrt(p (1 - p) / n + z^2 / (4 n^2)) / (1 + z^2 / n).
    fn wilson_half(p: f64, n: f64) -> f64 {
        let z: f64 = 1.959_963_984_540_054;
        z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n)
    }

    #[test]
    fn a_probability_of_a_quarter_from_200_runs_carries_about_six_points() {
        let h = mc_half_width(0.25, 200.0);
        assert!((h - wilson_half(0.25, 200.0)).abs() < 1e-12, "{h}");
        assert!((h - 0.0596).abs() < 5e-4, "{h}");
        // Not zero at the edge (the normal approximation's would be).
        assert!(mc_half_width(0.0, 200.0) > 0.009);
        assert!(mc_half_width(0.5, 0.0).is_nan());
    }

    #[test]
    fn regret_error_adds_the_two_half_widths_in_quadrature() {
        // Two futures of 100 runs; A worst in future 1 (0.40 vs B's 0.20), B worst in future 0.
        let v = vec![vec![0.10, 0.40], vec![0.30, 0.20]];
        let n = vec![vec![100.0; 2]; 2];
        let e = mc_errors(&v, &n, Direction::LowerIsBetter);
        let want_a = wilson_half(0.40, 100.0).hypot(wilson_half(0.20, 100.0));
        let want_b = wilson_half(0.30, 100.0).hypot(wilson_half(0.10, 100.0));
        assert!((e[0].max_regret - want_a).abs() < 1e-12, "{e:?}");
        assert!((e[1].max_regret - want_b).abs() < 1e-12, "{e:?}");
        let rms_a =
            ((wilson_half(0.1, 100.0).powi(2) + wilson_half(0.4, 100.0).powi(2)) / 2.0).sqrt();
        assert!((e[0].probability - rms_a).abs() < 1e-12);
        // A policy best everywhere: its zero regret is judged against the next best.
        let v = vec![vec![0.10, 0.10], vec![0.30, 0.20]];
        let e = mc_errors(&v, &n, Direction::LowerIsBetter);
        let want = wilson_half(0.10, 100.0).hypot(wilson_half(0.30, 100.0));
        assert!((e[0].max_regret - want).abs() < 1e-12, "{e:?}");
        // Regrets of 0.20 and 0.10, each about +-0.1: not separable; 0.30 vs 0.0 is.
        let r = |m: f64| McError {
            probability: 0.0,
            max_regret: m,
        };
        assert!(!separable((0.20, r(0.08)), (0.10, r(0.08))));
        assert!(separable((0.30, r(0.08)), (0.0, r(0.08))));
    }
}
