//! Paired comparisons: differences of proportions and of means between two scenarios run
//! with common random numbers (run i of both uses the same stream).
//!
//! Everything tallied here is integer-valued, so merging is exact (see the parent module).
//!
//! Sources: Newcombe (1998a), "Interval estimation for the difference between independent
//! proportions: comparison of eleven methods", Stat Med 17: 873-890 (method 10, the hybrid
//! score interval); Newcombe (1998b), "Improved confidence intervals for the difference
//! between binomial proportions based on paired data", Stat Med 17: 2635-2650 (method 10,
//! the same construction with a correlation correction phi, truncated as in the paper).

use super::{Z95, wilson};

/// A difference of two proportions (or means) with a 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiffInterval {
    pub diff: f64,
    pub lo: f64,
    pub hi: f64,
}

impl DiffInterval {
    /// Whether the interval lies entirely on one side of zero.
    pub fn excludes_zero(&self) -> bool {
        self.lo > 0.0 || self.hi < 0.0
    }

    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

/// The 2x2 table of one binary outcome over paired runs: `both` = happened under A and B,
/// `a_only`, `b_only`, `neither`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairedCounts {
    pub both: u64,
    pub a_only: u64,
    pub b_only: u64,
    pub neither: u64,
}

impl PairedCounts {
    #[inline]
    pub fn record(&mut self, a: bool, b: bool) {
        match (a, b) {
            (true, true) => self.both += 1,
            (true, false) => self.a_only += 1,
            (false, true) => self.b_only += 1,
            (false, false) => self.neither += 1,
        }
    }

    pub fn merge(&mut self, o: &Self) {
        self.both += o.both;
        self.a_only += o.a_only;
        self.b_only += o.b_only;
        self.neither += o.neither;
    }

    /// Why no interval can be given (fewer than two pairs), or None.
    pub fn undefined(&self) -> Option<String> {
        (self.n() < 2).then(|| format!("undefined (n = {})", self.n()))
    }

    pub fn n(&self) -> u64 {
        self.both + self.a_only + self.b_only + self.neither
    }

    pub fn count_a(&self) -> u64 {
        self.both + self.a_only
    }

    pub fn count_b(&self) -> u64 {
        self.both + self.b_only
    }

    /// Newcombe's paired interval for P(B) - P(A).
    pub fn paired(&self) -> DiffInterval {
        newcombe_paired(self)
    }

    /// The interval the same marginal counts would give from two independent samples
    /// (Newcombe 1998a, method 10), for P(B) - P(A).
    pub fn unpaired(&self) -> DiffInterval {
        newcombe_unpaired(self.count_b(), self.n(), self.count_a(), self.n())
    }
}

/// Newcombe (1998a) method 10 for p1 - p2 from independent samples x1/n1 and x2/n2:
/// Wilson intervals for each proportion, combined by "square and add".
pub fn newcombe_unpaired(x1: u64, n1: u64, x2: u64, n2: u64) -> DiffInterval {
    combine(x1, n1, x2, n2, 0.0)
}

/// Newcombe (1998b) method 10 for P(B) - P(A) from paired data: as the unpaired interval,
/// with the correlation phi of the 2x2 table (ad - bc truncated: reduced by n/2 when
/// larger than n/2, zero between 0 and n/2), which narrows the interval when the pairs are
/// positively correlated, as common random numbers make them.
pub fn newcombe_paired(t: &PairedCounts) -> DiffInterval {
    let n = t.n();
    // Rows: B's outcome (1 first), columns: A's. In Newcombe's notation with p1 = P(B),
    // p2 = P(A): a = both, b = B only, c = A only, d = neither.
    let (a, b, c, d) = (
        t.both as f64,
        t.b_only as f64,
        t.a_only as f64,
        t.neither as f64,
    );
    let product = (a + b) * (c + d) * (a + c) * (b + d);
    let phi = if product > 0.0 {
        let ad_bc = a * d - b * c;
        let half = n as f64 / 2.0;
        let num = if ad_bc > half {
            ad_bc - half
        } else if ad_bc < 0.0 {
            ad_bc
        } else {
            0.0
        };
        (num / product.sqrt()).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    combine(t.count_b(), n, t.count_a(), n, phi)
}

fn combine(x1: u64, n1: u64, x2: u64, n2: u64, phi: f64) -> DiffInterval {
    let w1 = wilson(x1, n1);
    let w2 = wilson(x2, n2);
    let diff = w1.p - w2.p;
    let (d1lo, d1hi) = (w1.p - w1.lo, w1.hi - w1.p);
    let (d2lo, d2hi) = (w2.p - w2.lo, w2.hi - w2.p);
    let delta = (d1lo * d1lo - 2.0 * phi * d1lo * d2hi + d2hi * d2hi)
        .max(0.0)
        .sqrt();
    let epsilon = (d1hi * d1hi - 2.0 * phi * d1hi * d2lo + d2lo * d2lo)
        .max(0.0)
        .sqrt();
    DiffInterval {
        diff,
        lo: (diff - delta).max(-1.0),
        hi: (diff + epsilon).min(1.0),
    }
}

/// Exact running sums of a paired integer difference `b - a` (crisis counts, months).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairedDiff {
    pub n: u64,
    sum: i128,
    sum_sq: u128,
}

impl PairedDiff {
    #[inline]
    pub fn record(&mut self, a: u32, b: u32) {
        let d = i64::from(b) - i64::from(a);
        self.n += 1;
        self.sum += i128::from(d);
        self.sum_sq += (d.unsigned_abs() as u128) * (d.unsigned_abs() as u128);
    }

    pub fn merge(&mut self, o: &Self) {
        self.n += o.n;
        self.sum += o.sum;
        self.sum_sq += o.sum_sq;
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum as f64 / self.n as f64
        }
    }

    /// Standard error of the mean difference (sample sd / sqrt n).
    pub fn se(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as f64;
        // n * sum_sq - sum^2 exactly, then divide: no cancellation.
        let num = (self.n as i128)
            .checked_mul(self.sum_sq as i128)
            .and_then(|x| x.checked_sub(self.sum * self.sum));
        let var = match num {
            Some(v) => v.max(0) as f64 / (n * (n - 1.0)),
            None => {
                let m = self.mean();
                ((self.sum_sq as f64 - n * m * m) / (n - 1.0)).max(0.0)
            }
        };
        (var / n).sqrt()
    }

    /// Why no interval can be given: fewer than two pairs (a standard error needs two).
    /// None when [`PairedDiff::interval`] means something.
    pub fn undefined(&self) -> Option<String> {
        (self.n < 2).then(|| format!("undefined (n = {})", self.n))
    }

    /// Whether every pair gave the same difference (two pairs or more): the standard error
    /// is then 0 and the interval is that difference alone.
    pub fn constant(&self) -> bool {
        let n = self.n as i128;
        self.n >= 2
            && n.checked_mul(self.sum_sq as i128)
                .is_some_and(|x| x == self.sum * self.sum)
    }

    /// Mean difference with a normal 95% interval (runs are many; the CLT applies).
    pub fn interval(&self) -> DiffInterval {
        let m = self.mean();
        let h = Z95 * self.se();
        DiffInterval {
            diff: m,
            lo: m - h,
            hi: m + h,
        }
    }
}

/// Exact running sums of a paired difference `b - a` of amounts (GDP lost, in the scenario's
/// currency unit): each side's value is split as [`super::ExactMoments`] splits it (2^-32
/// and the residual at 2^-96, clamped to +-[`super::MOMENT_LIMIT`]) as each side's own mean
/// is, so the mean difference is the difference of the two sides' means, and the sums are
/// integers that merge exactly in any order. The squares of the differences are split the
/// same way, so the standard error keeps its relative precision for small amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairedAmounts {
    pub n: u64,
    /// Sum of the differences, in units of 2^-32, and what that left, in units of 2^-96.
    sum: i128,
    sum_lo: i128,
    /// Sum of the squared differences, in units of 2^-32 (each square rounded once), and
    /// what that left, in units of 2^-96.
    sum_sq: i128,
    sum_sq_lo: i128,
    /// The least and greatest difference (units of 2^-96): equal when every pair gave the
    /// same difference, decided exactly.
    min: i128,
    max: i128,
}

impl PairedAmounts {
    /// `x` in units of 2^-32 and its residual in units of 2^-96, as
    /// [`super::ExactMoments::record`] stores it.
    fn fixed(x: f64) -> (i128, i128) {
        let x = if x.is_finite() {
            x.clamp(-super::MOMENT_LIMIT, super::MOMENT_LIMIT)
        } else {
            0.0
        };
        super::split(x * super::FIXED_SCALE)
    }

    #[inline]
    pub fn record(&mut self, a: f64, b: f64) {
        let ((a_hi, a_lo), (b_hi, b_lo)) = (Self::fixed(a), Self::fixed(b));
        // |hi| <= 2^53 and |lo| <= 2^64: the difference in units of 2^-96 is below 2^118.
        let (d_hi, d_lo) = (b_hi - a_hi, b_lo - a_lo);
        let d = (d_hi << 64) + d_lo;
        let x = super::unsplit(d_hi, d_lo);
        if self.n == 0 {
            (self.min, self.max) = (d, d);
        } else {
            self.min = self.min.min(d);
            self.max = self.max.max(d);
        }
        let (sq_hi, sq_lo) = super::split(x * x * super::FIXED_SCALE);
        self.n += 1;
        self.sum += d_hi;
        self.sum_lo += d_lo;
        self.sum_sq += sq_hi;
        self.sum_sq_lo += sq_lo;
    }

    pub fn merge(&mut self, o: &Self) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        self.n += o.n;
        self.sum += o.sum;
        self.sum_lo += o.sum_lo;
        self.sum_sq += o.sum_sq;
        self.sum_sq_lo += o.sum_sq_lo;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            super::unsplit(self.sum, self.sum_lo) / self.n as f64
        }
    }

    /// Standard error of the mean difference (sample sd / sqrt n); exactly 0 when every pair
    /// gave the same difference.
    pub fn se(&self) -> f64 {
        if self.n < 2 || self.constant() {
            return 0.0;
        }
        let n = self.n as f64;
        let m = self.mean();
        let ss = super::unsplit(self.sum_sq, self.sum_sq_lo) - n * m * m;
        (ss.max(0.0) / (n - 1.0) / n).sqrt()
    }

    /// As [`PairedDiff::undefined`].
    pub fn undefined(&self) -> Option<String> {
        (self.n < 2).then(|| format!("undefined (n = {})", self.n))
    }

    /// As [`PairedDiff::constant`].
    pub fn constant(&self) -> bool {
        self.n >= 2 && self.min == self.max
    }

    /// Mean difference with a normal 95% interval, as [`PairedDiff::interval`].
    pub fn interval(&self) -> DiffInterval {
        let m = self.mean();
        let h = Z95 * self.se();
        DiffInterval {
            diff: m,
            lo: m - h,
            hi: m + h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpaired_matches_newcombe_1998a_example() {
        // Newcombe (1998a), example (a): 56/70 - 48/80, method 10: 0.0524 to 0.3339.
        let d = newcombe_unpaired(56, 70, 48, 80);
        assert!((d.diff - 0.2).abs() < 1e-12);
        assert!((d.lo - 0.0524).abs() < 5e-4, "{d:?}");
        assert!((d.hi - 0.3339).abs() < 5e-4, "{d:?}");
    }

    #[test]
    fn paired_with_no_correlation_equals_unpaired() {
        // ad - bc = 0: phi = 0.
        let t = PairedCounts {
            both: 10,
            a_only: 10,
            b_only: 10,
            neither: 10,
        };
        assert_eq!(t.paired(), t.unpaired());
    }

    #[test]
    fn positive_correlation_narrows_the_interval() {
        let t = PairedCounts {
            both: 300,
            a_only: 40,
            b_only: 10,
            neither: 650,
        };
        let p = t.paired();
        let u = t.unpaired();
        assert!((p.diff - (-0.03)).abs() < 1e-12);
        assert_eq!(p.diff, u.diff);
        assert!(p.width() < 0.6 * u.width(), "{p:?} vs {u:?}");
        assert!(p.lo < p.diff && p.diff < p.hi);
        assert!(p.excludes_zero());
    }

    #[test]
    fn paired_interval_covers_at_the_nominal_rate() {
        // 2,000 simulated paired samples of 400 pairs with P(A) = 0.3, P(B) = 0.25 and
        // strong correlation; coverage 0.95 has a binomial sd of 0.005: accept [0.93, 0.97].
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut covered = 0;
        let trials = 2000;
        for _ in 0..trials {
            let mut t = PairedCounts::default();
            for _ in 0..400 {
                let u: f64 = rng.random();
                // A happens when u < 0.3, B when u < 0.25 (nested), plus independent noise.
                let flip: f64 = rng.random();
                let a = u < 0.3;
                let b = if flip < 0.1 {
                    rng.random::<f64>() < 0.25
                } else {
                    u < 0.25
                };
                t.record(a, b);
            }
            // True P(B) = 0.9*0.25 + 0.1*0.25 = 0.25; P(A) = 0.3.
            let d = t.paired();
            if d.lo <= -0.05 && -0.05 <= d.hi {
                covered += 1;
            }
        }
        let rate = covered as f64 / trials as f64;
        assert!((0.93..=0.975).contains(&rate), "coverage {rate}");
    }

    #[test]
    fn paired_diff_is_exact_and_mergeable() {
        let mut whole = PairedDiff::default();
        let mut x = PairedDiff::default();
        let mut y = PairedDiff::default();
        for i in 0..100u32 {
            let (a, b) = (i % 7, (i * 3) % 5);
            whole.record(a, b);
            if i < 40 {
                x.record(a, b)
            } else {
                y.record(a, b)
            }
        }
        y.merge(&x);
        assert_eq!(whole, y);
        let diffs: Vec<f64> = (0..100u32)
            .map(|i| ((i * 3) % 5) as f64 - (i % 7) as f64)
            .collect();
        let m = diffs.iter().sum::<f64>() / 100.0;
        let var = diffs.iter().map(|d| (d - m) * (d - m)).sum::<f64>() / 99.0;
        assert!((whole.mean() - m).abs() < 1e-12);
        assert!((whole.se() - (var / 100.0).sqrt()).abs() < 1e-12);
    }

    /// The paired difference of small amounts keeps its standard error: amounts near 1e-6
    /// (a GDP in a large currency unit) give the two-pass f64 mean and se within a relative
    /// 1e-9, and scaling both sides by c scales them by c.
    #[test]
    fn paired_amounts_of_small_values_keep_their_se() {
        let value = |i: u32| {
            let (a, b) = (f64::from((i * 37) % 101), f64::from((i * 53) % 97));
            (0.5 + a * 0.13, 0.4 + b * 0.17 + a * 0.05)
        };
        let reference = |c: f64| {
            let d: Vec<f64> = (0..3000u32).map(|i| c * value(i).1 - c * value(i).0).collect();
            let m = d.iter().sum::<f64>() / d.len() as f64;
            let var = d.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (d.len() - 1) as f64;
            (m, (var / d.len() as f64).sqrt())
        };
        let base = {
            let mut p = PairedAmounts::default();
            (0..3000u32).for_each(|i| p.record(value(i).0, value(i).1));
            p
        };
        for c in [1e-6, 1e-3, 1.0] {
            let mut p = PairedAmounts::default();
            (0..3000u32).for_each(|i| p.record(c * value(i).0, c * value(i).1));
            let (m, se) = reference(c);
            assert!(se > 0.0 && !p.constant());
            assert!((p.se() - se).abs() < 1e-9 * se, "c {c}: se {} vs {se}", p.se());
            assert!((p.mean() - m).abs() < 1e-9 * m.abs(), "c {c}: {} vs {m}", p.mean());
            assert!((p.se() - c * base.se()).abs() < 1e-9 * c * base.se(), "c {c}");
        }
    }

    #[test]
    fn paired_amounts_are_exact_and_mergeable() {
        let value = |i: u32| (f64::from(i % 11) * 0.37, f64::from((i * 7) % 13) * 0.21);
        let mut whole = PairedAmounts::default();
        let (mut x, mut y) = (PairedAmounts::default(), PairedAmounts::default());
        for i in 0..100u32 {
            let (a, b) = value(i);
            whole.record(a, b);
            if i < 40 { x.record(a, b) } else { y.record(a, b) }
        }
        y.merge(&x);
        assert_eq!(whole, y);
        let diffs: Vec<f64> = (0..100u32).map(|i| value(i).1 - value(i).0).collect();
        let m = diffs.iter().sum::<f64>() / 100.0;
        let var = diffs.iter().map(|d| (d - m) * (d - m)).sum::<f64>() / 99.0;
        assert!((whole.mean() - m).abs() < 1e-9);
        assert!((whole.se() - (var / 100.0).sqrt()).abs() < 1e-9);
        assert!(!whole.constant());
        let mut same = PairedAmounts::default();
        for _ in 0..5 {
            same.record(1.5, 2.25);
        }
        assert!(same.constant());
        assert_eq!(same.interval(), DiffInterval { diff: 0.75, lo: 0.75, hi: 0.75 });
    }

    /// Newcombe (1998b) method 10 on a published paired table: complete response before
    /// and after consolidation therapy (Cavo et al. 2012), 59 both, 6 after only, 16 before
    /// only, 80 neither, tabulated by Fagerland, Lydersen & Laake (2017), "Statistical
    /// Analysis of Contingency Tables", chapter 8: -0.0621 (95% CI -0.1186 to -0.0046). The
    /// correlation's truncation (ad - bc = 4,624 reduced by n/2 = 80.5) moves both limits by
    /// about 0.003 if n/2 is added instead or n is doubled.
    #[test]
    fn paired_matches_the_published_square_and_add_interval() {
        let t = PairedCounts {
            both: 59,
            b_only: 6,
            a_only: 16,
            neither: 80,
        };
        let d = t.paired();
        assert!((d.diff - (-10.0 / 161.0)).abs() < 1e-15, "{d:?}");
        assert!((d.lo - (-0.1186)).abs() < 5e-5, "{d:?}");
        assert!((d.hi - (-0.0046)).abs() < 5e-5, "{d:?}");
        assert!(d.excludes_zero());
    }

    /// A table with an empty margin (B never happened) has no correlation (phi = 0, the
    /// product of the margins being 0): the paired interval is the unpaired one. Its lower
    /// limit is minus the Wilson upper limit of A's 5/100, 0.111750 (the centre (p + z^2/2n) /
    /// (1 + z^2/n) plus the half-width z sqrt(p q / n + z^2/4n^2) / (1 + z^2/n)); its upper
    /// limit adds B's Wilson upper limit of 0/100, z^2 / (n + z^2) = 0.036993, in quadrature
    /// to A's lower half-width, 0.05 less its Wilson lower limit 0.021544: the result is
    /// sqrt(0.036993^2 + 0.028456^2) less 0.05, or -0.003328.
    #[test]
    fn an_empty_margin_gives_the_unpaired_interval() {
        let t = PairedCounts {
            both: 0,
            b_only: 0,
            a_only: 5,
            neither: 95,
        };
        let d = t.paired();
        assert_eq!(d, t.unpaired());
        assert_eq!(d.diff, -0.05);
        assert!((d.lo - (-0.111750)).abs() < 1e-6, "{d:?}");
        assert!((d.hi - (-0.003328)).abs() < 1e-6, "{d:?}");
    }

    /// Two pairs are enough for a standard error and for a constant difference: differences
    /// 0 and 2 have mean 1, sample variance 2 and standard error sqrt(2 / 2) = 1 (interval
    /// 1 +- 1.96); two equal differences are constant, with the difference alone as interval.
    #[test]
    fn two_pairs_have_a_standard_error() {
        let mut d = PairedDiff::default();
        d.record(3, 3);
        d.record(1, 3);
        assert_eq!(d.mean(), 1.0);
        assert_eq!(d.se(), 1.0);
        assert!(d.undefined().is_none() && !d.constant());
        assert_eq!(d.interval(), DiffInterval { diff: 1.0, lo: 1.0 - Z95, hi: 1.0 + Z95 });
        let mut same = PairedDiff::default();
        same.record(4, 6);
        same.record(0, 2);
        assert!(same.constant());
        assert_eq!(same.interval(), DiffInterval { diff: 2.0, lo: 2.0, hi: 2.0 });
        let mut a = PairedAmounts::default();
        a.record(0.5, 0.5);
        a.record(0.5, 2.5);
        assert_eq!((a.mean(), a.se()), (1.0, 1.0));
        assert!(!a.constant());
        let mut same = PairedAmounts::default();
        same.record(0.25, 1.0);
        same.record(1.0, 1.75);
        assert!(same.constant());
        assert_eq!(same.interval(), DiffInterval { diff: 0.75, lo: 0.75, hi: 0.75 });
    }

    /// An empty tally is the identity of merging, on either side (a shard with no runs): a
    /// constant difference stays constant, with its least and greatest difference unchanged.
    #[test]
    fn merging_an_empty_tally_changes_nothing() {
        let mut x = PairedAmounts::default();
        for _ in 0..3 {
            x.record(1.0, 1.3);
        }
        assert!(x.constant());
        // Exactly 0: every pair gave the same difference (its least and greatest are equal).
        assert_eq!(x.se(), 0.0);
        let before = x;
        x.merge(&PairedAmounts::default());
        assert_eq!(x, before);
        assert!(x.constant());
        let mut empty = PairedAmounts::default();
        empty.merge(&before);
        assert_eq!(empty, before);
        let mut d = PairedDiff::default();
        d.record(2, 5);
        let once = d;
        d.merge(&PairedDiff::default());
        assert_eq!(d, once);
    }
}
