//! The crisis game's closed-form pieces: pure functions, each checked against its formula.
//!
//! Sources: Tullock (1980) and Hirshleifer (1989) contest success function; McKelvey & Palfrey (1995) logit quantal response; Fearon (1995)
//! bargaining under private information. docs/MODEL.md section 7 states each equation.

use crate::stats::logistic;

/// Contest success function: the challenger's probability of winning a fight,
/// `p = M_A^m / (M_A^m + M_T^m)`. m = 0 gives a coin flip; m -> infinity the stronger side wins.
#[inline]
pub fn contest_success(m_a: f64, m_t: f64, decisiveness: f64) -> f64 {
    if decisiveness == 0.0 || (m_a <= 0.0 && m_t <= 0.0) {
        return 0.5;
    }
    if m_a <= 0.0 {
        return 0.0;
    }
    if m_t <= 0.0 {
        return 1.0;
    }
    // 1 / (1 + (M_T/M_A)^m), computed in logs so huge ratios do not overflow. The ratio is
    // taken first: scaling both capabilities by a power of two leaves it, and so p,
    // identical to the bit (the model's capabilities are already in units of the reference
    // GDP, `super::units`, so a change of currency unit does not reach them).
    let ratio = m_t / m_a;
    if ratio == f64::INFINITY {
        return 0.0;
    }
    if ratio == 0.0 {
        return 1.0;
    }
    logistic(-decisiveness * crate::stats::exp::ln(ratio))
}

/// Logit (quantal response) choice: probability of taking an action worth `gain` more than
/// the alternative, with rationality `beta`.
#[inline]
#[cfg(any(test, feature = "internals"))]
pub fn choice_probability(gain: f64, beta: f64) -> f64 {
    logistic(beta * gain)
}

/// Fearon (1995): with the target's war cost uniform on [0, c_hat] and the challenger's cost
/// `c_a` (both as shares of the prize), the probability that bargaining fails and war follows,
///
/// `clamp(min(c_hat - c_a, 2 q) / (2 c_hat), 0, 1/2)`,
///
/// where `q` in [0, 1] is the target's expected gain from fighting (its chance of not losing
/// the war). Interior: the challenger's optimal demand exceeds the target's war value by
/// `(c_hat - c_a) / 2` (the risk-return trade-off). Bound: no demand can exceed the whole
/// issue, so the target fights only if its cost is below `q`, with probability `q / c_hat`;
/// a target that would lose badly accepts a limited grab (a fait accompli: Tarar 2016;
/// Altman 2017) rather than fight. 0 if `c_hat <= 0`.
#[inline]
pub fn fearon_war_probability(c_a: f64, c_hat: f64, q: f64) -> f64 {
    if c_hat <= 0.0 {
        return 0.0;
    }
    ((c_hat - c_a.max(0.0)).min(2.0 * q.clamp(0.0, 1.0)) / (2.0 * c_hat)).clamp(0.0, 0.5)
}

/// The composition of the challenger's expected cost of challenging, by level (stake units):
/// a diagnostic (docs/MODEL.md 7.7), not an attribution of deterrence.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LevelCosts {
    /// Costs of display, limited force and war (with punishment).
    pub military: f64,
    /// Audience costs, monitoring and a committed treaty protector.
    pub political: f64,
    /// Sanctions net of patron substitution, and lost bilateral trade.
    pub economic: f64,
}

impl LevelCosts {
    pub fn total(&self) -> f64 {
        self.military + self.political + self.economic
    }
}

/// Draw a Poisson count with the given (small) mean by inversion with one uniform `u`.
/// Exact for the means a monthly step sees; the loop stops at 10,000 as a guard.
#[inline]
pub fn poisson_inversion(mean: f64, u: f64) -> u32 {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    // Most months have no opportunity: u <= e^-mean. Since e^-x >= 1 - x, the exact 1 - mean
    // is at most e^-mean; rounding `1.0 - mean` and the subtraction below add at most 2^-53,
    // and `exp` is within one ulp (2^-53 near 1) of e^-mean, so u below this bound is below
    // the computed `exp(-mean)` too: the count is 0, as the loop would give, without `exp`.
    if u <= (1.0 - mean) - 1e-15 {
        return 0;
    }
    let mut p = crate::stats::exp::exp(-mean);
    let mut cdf = p;
    let mut k = 0u32;
    while u > cdf && k < 10_000 {
        k += 1;
        p *= mean / k as f64;
        cdf += p;
        if p == 0.0 {
            break;
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contest_success_matches_formula_and_limits() {
        let p = contest_success(3.0, 1.0, 1.0);
        assert!((p - 0.75).abs() < 1e-12);
        let p2 = contest_success(3.0, 1.0, 2.0);
        assert!((p2 - 0.9).abs() < 1e-12);
        assert_eq!(contest_success(3.0, 1.0, 0.0), 0.5);
        assert_eq!(contest_success(0.0, 1.0, 1.0), 0.0);
        assert_eq!(contest_success(1.0, 0.0, 1.0), 1.0);
        assert_eq!(contest_success(1e300, 1e-300, 10.0), 1.0);
        // m -> infinity: the stronger side wins
        assert!(contest_success(1.1, 1.0, 10.0) > 0.7);
        assert!(contest_success(1.1, 1.0, 500.0) > 0.999);
    }

    #[test]
    fn fearon_formula() {
        assert_eq!(fearon_war_probability(0.0, 1.0, 1.0), 0.5);
        assert!((fearon_war_probability(0.4, 1.0, 1.0) - 0.3).abs() < 1e-12);
        assert_eq!(fearon_war_probability(2.0, 1.0, 1.0), 0.0);
        assert_eq!(fearon_war_probability(0.5, 0.0, 1.0), 0.0);
        // Complete information (c_hat = 0): a bargain both prefer to war always exists
        // (Fearon 1995), even when the challenger's war is free or the target's gain is nil.
        for q in [0.0, 0.5, 1.0] {
            assert_eq!(fearon_war_probability(0.0, 0.0, q), 0.0, "q {q}");
        }
        // rises with uncertainty, falls with the challenger's cost (interior)
        assert!(fearon_war_probability(0.4, 2.0, 1.0) > fearon_war_probability(0.4, 1.0, 1.0));
        assert!(fearon_war_probability(0.6, 1.0, 1.0) < fearon_war_probability(0.4, 1.0, 1.0));
        // the bound: a target with little to gain from war rarely fights; none without a chance
        assert!((fearon_war_probability(0.4, 2.0, 0.1) - 0.05).abs() < 1e-12);
        assert_eq!(fearon_war_probability(0.0, 2.0, 0.0), 0.0);
    }

    /// The closed form against Fearon's bargaining problem solved by brute force: the
    /// challenger picks its demand `x` in [0, 1] (share of the issue) to maximise
    /// `x (1 - F(x - p)) + F(x - p) (p - c_a)`, `F` the uniform CDF of the target's cost on
    /// [0, c_hat]; war is `F(x* - p)`. The target's gain from war is `q = 1 - p`.
    #[test]
    fn fearon_closed_form_is_the_optimal_demand() {
        for &(c_a, c_hat, p) in &[
            (0.4, 2.0, 0.75),
            (0.4, 2.0, 0.97),
            (0.2, 0.5, 0.5),
            (0.1, 1.0, 0.99),
            (1.5, 1.0, 0.6),
            (0.0, 4.0, 0.3),
        ] {
            let f = |y: f64| (y / c_hat).clamp(0.0, 1.0);
            let (mut best, mut war) = (f64::NEG_INFINITY, 0.0);
            let n = 200_000;
            for i in 0..=n {
                let x = i as f64 / n as f64;
                let w = f(x - p);
                let u = x * (1.0 - w) + w * (p - c_a);
                if u > best {
                    best = u;
                    war = w;
                }
            }
            let closed = fearon_war_probability(c_a, c_hat, 1.0 - p);
            assert!(
                (closed - war).abs() < 1e-4,
                "c_a {c_a} c_hat {c_hat} p {p}: closed {closed} vs brute force {war}"
            );
        }
    }

    #[test]
    fn logit_rule() {
        assert_eq!(choice_probability(0.0, 5.0), 0.5);
        assert!((choice_probability(0.2, 5.0) - 1.0 / (1.0 + (-1.0f64).exp())).abs() < 1e-15);
    }

    #[test]
    fn poisson_inversion_cdf() {
        // P(N = 0) = e^-m: u just below e^-m gives 0, just above gives >= 1.
        let m = 0.3f64;
        assert_eq!(poisson_inversion(m, (-m).exp() - 1e-12), 0);
        assert_eq!(poisson_inversion(m, (-m).exp() + 1e-12), 1);
        assert_eq!(poisson_inversion(0.0, 0.99), 0);
        assert!(poisson_inversion(5.0, 0.999_999) > 10);
        assert!(poisson_inversion(1e-300, 1.0) <= 1);
    }

    /// The shortcut for a count of 0 (u below 1 - mean) agrees with the inversion from
    /// `exp(-mean)` at and around the bound, for means from 1e-300 to 50.
    #[test]
    fn poisson_shortcut_equals_the_inversion() {
        let slow = |mean: f64, u: f64| {
            let mut p = (-mean).exp();
            let mut cdf = p;
            let mut k = 0u32;
            while u > cdf && k < 10_000 {
                k += 1;
                p *= mean / k as f64;
                cdf += p;
                if p == 0.0 {
                    break;
                }
            }
            k
        };
        let mut mean: f64 = 1e-300;
        while mean < 50.0 {
            let e = (-mean).exp();
            let bound = (1.0 - mean) - 1e-15;
            for u in [
                0.0,
                bound,
                f64::from_bits(bound.max(0.0).to_bits() + 1),
                e,
                f64::from_bits(e.to_bits() - 1),
                f64::from_bits(e.to_bits() + 1),
                0.5 * (bound.max(0.0) + e),
                0.999,
            ] {
                assert_eq!(poisson_inversion(mean, u), slow(mean, u), "{mean} {u}");
            }
            mean *= 1.37;
        }
    }
}
