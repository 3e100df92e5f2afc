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
/// the best policy in future f (>= 0; 0 for the best). Shape as `values` (policies x
/// futures; every row the same length).
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
                .map(|(&v, &b)| match direction {
                    Direction::LowerIsBetter => v - b,
                    Direction::HigherIsBetter => b - v,
                })
                .collect()
        })
        .collect()
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
                mean: row.iter().sum::<f64>() / n,
                p10: quantile(row, 0.1),
                p90: quantile(row, 0.9),
                max_regret: reg.iter().copied().fold(0.0, f64::max),
                p90_regret: quantile(reg, 0.9),
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
}
