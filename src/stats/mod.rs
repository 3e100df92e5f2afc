//! Streaming, exactly mergeable statistics.
//!
//! **Architecture Invariant:** every accumulator here is integer-valued (counts, or
//! fixed-point sums in `i128`). Merging is therefore associative and commutative *exactly*,
//! so an aggregate does not depend on how runs were split between threads or shards, nor on
//! the order in which the pieces are merged. Floating point enters only when a summary is
//! read out, and that read-out is a pure function of the integers.
//!
//! Sources: Wilson (1927) score interval, JASA 22(158); quantiles are the inverse of the
//! empirical CDF (Hyndman & Fan 1996, definition 1), resolved to the bin of a fixed histogram.

pub mod exp;
pub mod paired;
pub mod serial;

/// Two-sided 95% normal quantile, z_{0.975}.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its Wilson 95% score interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    pub count: u64,
    pub n: u64,
    pub p: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Wilson score interval for `count` successes out of `n` trials (z = [`Z95`]).
/// With `n == 0` the estimate is 0 and the interval is the whole of [0, 1].
pub fn wilson(count: u64, n: u64) -> Proportion {
    if n == 0 {
        return Proportion {
            count,
            n,
            p: 0.0,
            lo: 0.0,
            hi: 1.0,
        };
    }
    let nf = n as f64;
    let p = count as f64 / nf;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    // Clamp guards the last ulp; the interval always contains p.
    let lo = (centre - half).clamp(0.0, 1.0).min(p);
    let hi = (centre + half).clamp(0.0, 1.0).max(p);
    Proportion {
        count,
        n,
        p,
        lo,
        hi,
    }
}


/// `v.round() as i128` (half away from zero), without the two library calls (`round` and the
/// f64 -> i128 conversion) when |v| < 2^62: there truncation to i64 is exact and `v - trunc(v)`
/// is exactly v's fractional part (for |v| >= 2^52, v is an integer and the part is 0).
#[inline(always)]
fn round_i128(v: f64) -> i128 {
    round_i128_f64(v).0
}

/// [`round_i128`] and the rounded integer as f64 (`round_i128(v) as f64`). Below 2^62 the
/// integer is an i64 and converted from it: `i64 as f64` and `i128 as f64` both round the
/// same integer to the nearest double (ties to even), so the bits are the same, without the
/// library's i128 -> f64 conversion (`__floattidf`).
#[inline(always)]
fn round_i128_f64(v: f64) -> (i128, f64) {
    if v.abs() < 4_611_686_018_427_387_904.0 {
        let t = v as i64;
        let frac = v - t as f64;
        let r = if frac >= 0.5 {
            t + 1
        } else if frac <= -0.5 {
            t - 1
        } else {
            t
        };
        (i128::from(r), r as f64)
    } else {
        let r = v.round() as i128;
        (r, r as f64)
    }
}

/// Fixed-point scale of [`ExactMoments`]: values are stored in units of 2^-32.
const FIXED_SCALE: f64 = 4_294_967_296.0;
/// Scale of the residuals, from units of 2^-32 to units of 2^-96: 2^64.
const RESIDUAL_SCALE: f64 = 18_446_744_073_709_551_616.0;
/// Values are clamped to +-2^20 (about 1e6) before they are stored.
pub const MOMENT_LIMIT: f64 = 1_048_576.0;

/// `v` (a value times 2^32) in two integers: `hi = round(v)` in units of 2^-32, and the
/// residual `v - hi`, exact in f64, in units of 2^-96 (`lo = round((v - hi) 2^64)`, exact
/// itself unless |v| < 2^-12, where it is rounded once at 2^-96). So `hi 2^-32 + lo 2^-96`
/// is the value to within 2^-97 whatever its size: a value far below 2^-32 keeps its 53 bits
/// down to about 2^-44 and its relative precision far beyond. `v - hi` is exact: for
/// |v| < 1/2 `hi` is 0; otherwise both are multiples of ulp(v) >= 2^-53 and their difference
/// is at most 1/2. |lo| <= 2^63.
#[inline(always)]
fn split(v: f64) -> (i128, i128) {
    let (hi, hi_f64) = round_i128_f64(v);
    let rest = v - hi_f64;
    if rest == 0.0 {
        (hi, 0)
    } else {
        (hi, round_i128(rest * RESIDUAL_SCALE))
    }
}

/// `hi 2^-32 + lo 2^-96` as f64 (a pure function of the integers).
#[inline]
fn unsplit(hi: i128, lo: i128) -> f64 {
    (hi as f64 + lo as f64 / RESIDUAL_SCALE) / FIXED_SCALE
}

/// Count, sum and sum of squares in exact fixed point, so that merging is exact.
///
/// Each observation `x` and its square `x^2` (an f64 product) are kept as two integers each
/// ([`split`]): the value rounded to 2^-32 (`sum`, `sum_sq`) and what that rounding left, at
/// 2^-96 (`sum_lo`, `sum_sq_lo`). The four sums are integers, so a merge is exact in any
/// order; together they hold every value and square to within 2^-97, so the mean and the
/// standard deviation keep their relative precision for small values (a metric in a large
/// currency unit), where a square rounded to 2^-32 alone would count 0 below about 1.1e-5.
/// No sum can overflow for [`crate::MAX_RUNS`] = 10^12 < 2^40 observations: |x| <= 2^20 gives
/// `sum` terms <= 2^52 and `sum_sq` terms <= 2^72, residual terms are <= 2^63, so every sum
/// stays below 2^113.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExactMoments {
    pub n: u64,
    #[serde(with = "serial::i128_text")]
    sum: i128,
    #[serde(with = "serial::i128_text")]
    sum_sq: i128,
    /// What rounding each value to 2^-32 left, in units of 2^-96.
    #[serde(with = "serial::i128_text")]
    sum_lo: i128,
    /// What rounding each square to 2^-32 left, in units of 2^-96.
    #[serde(with = "serial::i128_text")]
    sum_sq_lo: i128,
}

impl ExactMoments {
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    pub fn record(&mut self, x: f64) {
        self.add(Self::observe(x));
    }

    /// Record `x` into `a` and into `b`: the same tallies as `a.record(x); b.record(x)`, the
    /// observation's fixed-point terms computed once.
    #[inline]
    pub fn record_both(a: &mut Self, b: &mut Self, x: f64) {
        let o = Self::observe(x);
        a.add(o);
        b.add(o);
    }

    /// The fixed-point terms [`ExactMoments::record`] adds for `x`: the value and its square,
    /// each rounded to 2^-32 and the rest at 2^-96 ([`split`]).
    #[inline(always)]
    fn observe(x: f64) -> [i128; 4] {
        let x = if x.is_finite() {
            x.clamp(-MOMENT_LIMIT, MOMENT_LIMIT)
        } else {
            0.0
        };
        let (hi, lo) = split(x * FIXED_SCALE);
        let (sq_hi, sq_lo) = split(x * x * FIXED_SCALE);
        [hi, lo, sq_hi, sq_lo]
    }

    #[inline(always)]
    fn add(&mut self, [hi, lo, sq_hi, sq_lo]: [i128; 4]) {
        self.n += 1;
        self.sum += hi;
        self.sum_lo += lo;
        self.sum_sq += sq_hi;
        self.sum_sq_lo += sq_lo;
    }

    /// Record the integer `k`: the same tallies as `record(f64::from(k))`, without the
    /// floating-point rounding. For `k <= 2^20` (= [`MOMENT_LIMIT`], so no clamping) `k` and
    /// `k^2 < 2^41` are exact in f64 and so are their products by 2^32, which `record` then
    /// rounds to themselves with no residual: the fixed-point values are exactly `k << 32`
    /// and `k^2 << 32`, and the residuals 0.
    #[inline]
    pub fn record_count(&mut self, k: u32) {
        if k > MOMENT_LIMIT as u32 {
            return self.record(f64::from(k));
        }
        let k = u64::from(k);
        self.n += 1;
        self.sum += i128::from(k << 32);
        self.sum_sq += i128::from(k * k) << 32;
    }

    pub fn merge(&mut self, other: &Self) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
        self.sum_lo += other.sum_lo;
        self.sum_sq_lo += other.sum_sq_lo;
    }

    pub fn sum(&self) -> f64 {
        unsplit(self.sum, self.sum_lo)
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum() / self.n as f64
        }
    }

    /// Sample standard deviation (n - 1 in the denominator); 0 for fewer than two observations.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as f64;
        let mean = self.mean();
        let ss = unsplit(self.sum_sq, self.sum_sq_lo) - n * mean * mean;
        (ss.max(0.0) / (n - 1.0)).sqrt()
    }

    /// Standard error of the mean.
    pub fn se(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            self.sd() / (self.n as f64).sqrt()
        }
    }

    /// Whether some values could give these moments (a part read from a shard's file:
    /// docs/CLUSTER.md), with `range` the interval that holds every value where it is known
    /// (a distribution's histogram). Refused: sums that are not 0 for no values, a sum of
    /// squares below the square of the sum over the count (Cauchy-Schwarz), a mean beyond the
    /// largest value a moment keeps ([`MOMENT_LIMIT`]) or outside `range`. The slack covers
    /// the rounding of each square (2^-52 of it, with a margin of a thousand: 10^-12) and the
    /// residuals at 2^-96, far below any
    /// edit that changes a reported digit; moments edited consistently (every value scaled)
    /// pass: this is a check against what no runs produce, not a signature.
    pub fn check_possible(&self, range: Option<(f64, f64)>) -> Result<(), String> {
        if self.n == 0 {
            if [self.sum, self.sum_sq, self.sum_lo, self.sum_sq_lo] != [0; 4] {
                return Err("sums that are not 0 for no values, which no values give".into());
            }
            return Ok(());
        }
        let n = self.n as f64;
        let (s, q) = (self.sum(), unsplit(self.sum_sq, self.sum_sq_lo));
        let tiny = n * n / RESIDUAL_SCALE;
        if q < -tiny || s * s - n * q > 1e-12 * (n * q).max(0.0) + tiny {
            return Err("the sum of squares is below the square of the sum over the count, \
                        which no values give"
                .into());
        }
        let mean = s / n;
        let (lo, hi) = match range {
            // Values beyond the limit are kept at the limit.
            Some((lo, hi)) => (lo.min(MOMENT_LIMIT), hi.max(-MOMENT_LIMIT)),
            None => (-MOMENT_LIMIT, MOMENT_LIMIT),
        };
        let slack = 1e-9 * (1.0 + mean.abs());
        if !(mean >= lo - slack && mean <= hi + slack) {
            return Err(match range {
                Some(_) => format!(
                    "the mean {mean} is outside the values its histogram holds ({lo} to {hi}), \
                     which no values give"
                ),
                None => format!(
                    "the mean {mean} is beyond the largest value a moment keeps \
                     ({MOMENT_LIMIT}), which no values give"
                ),
            });
        }
        Ok(())
    }

    /// The tallies as given: count, sum and sum of squares at 2^-32, and their residuals at
    /// 2^-96.
    pub fn from_parts(n: u64, sum: i128, sum_sq: i128, sum_lo: i128, sum_sq_lo: i128) -> Self {
        Self {
            n,
            sum,
            sum_sq,
            sum_lo,
            sum_sq_lo,
        }
    }
}

/// How a [`Histogram`] lays out its bins.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum BinLayout {
    /// `bins` equal bins over [lo, hi]; values outside are clamped into the end bins.
    Linear { lo: f64, hi: f64, bins: usize },
    /// Bins equal in log10 over [lo, hi] (lo > 0); values at or below zero go to a
    /// separate zero bin, values outside are clamped into the end bins.
    Log { lo: f64, hi: f64, bins: usize },
    /// One bin per integer 0..bins-1; larger values are counted in the last bin too, and
    /// kept exactly beside it ([`Histogram::overflow`]), so integer quantiles are exact for
    /// any value.
    Integer { bins: usize },
}

/// A fixed-bin histogram with integer counts: an exactly mergeable quantile sketch.
///
/// The relative (log layout) or absolute (linear layout) error of a quantile is half a bin.
/// Integer layouts are exact for every value: a value beyond the last bin's integer is
/// counted in the last bin and also in an overflow map keyed by the value, merged by key.
/// Its size is the number of distinct such values seen, bounded by the largest value the
/// model can produce and independent of the number of runs; it stays empty (and allocates
/// nothing) while every value fits the dense bins.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(into = "serial::HistogramRepr", try_from = "serial::HistogramRepr")]
pub struct Histogram {
    layout: BinLayout,
    /// For `Log`, counts[0] is the zero bin and counts[1..] the log bins.
    counts: Vec<u64>,
    /// `Integer` layout only: value -> count of the values above the last bin's integer
    /// (`counts.len() - 1`); they are also counted in the last bin.
    overflow: std::collections::BTreeMap<u64, u64>,
    n: u64,
    /// `log10(hi / lo)` of a `Log` layout (0 otherwise), computed once: the same value
    /// `bin_of` would compute on every call.
    log_span: f64,
}

fn log_span(layout: BinLayout) -> f64 {
    match layout {
        BinLayout::Log { lo, hi, .. } => (hi / lo).log10(),
        _ => 0.0,
    }
}

impl Histogram {
    /// Become empty, as [`Histogram::new`] of the same layout, keeping the bins' memory.
    pub fn reset(&mut self) {
        self.counts.fill(0);
        self.overflow.clear();
        self.n = 0;
    }

    pub fn new(layout: BinLayout) -> Self {
        let len = match layout {
            BinLayout::Linear { bins, .. } | BinLayout::Integer { bins } => bins.max(1),
            BinLayout::Log { bins, .. } => bins.max(1) + 1,
        };
        Self {
            layout,
            counts: vec![0; len],
            overflow: std::collections::BTreeMap::new(),
            n: 0,
            log_span: log_span(layout),
        }
    }

    /// `Integer` layout: the values above the last bin's integer, with their counts, in
    /// increasing order (empty for other layouts).
    pub fn overflow(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.overflow.iter().map(|(&v, &c)| (v, c))
    }

    /// Count of value `v` of an `Integer` layout: its bin, or the overflow for a value
    /// above the last bin's integer (the last bin's own integer: its count minus the
    /// overflow's).
    pub fn count_of(&self, v: u64) -> u64 {
        let last = (self.counts.len() - 1) as u64;
        match v.cmp(&last) {
            std::cmp::Ordering::Less => self.counts[v as usize],
            std::cmp::Ordering::Equal => self.counts[last as usize] - self.overflow_total(),
            std::cmp::Ordering::Greater => self.overflow.get(&v).copied().unwrap_or(0),
        }
    }

    fn overflow_total(&self) -> u64 {
        self.overflow.values().sum()
    }

    /// The value at 1-based `rank` among the `count` observations of the last bin of an
    /// `Integer` layout, `before` observations lying below it: the last bin's integer, or
    /// an exact value from the overflow.
    fn last_bin_value(&self, rank: u64, before: u64) -> f64 {
        let last = self.counts.len() - 1;
        let mut cum = before + self.counts[last] - self.overflow_total();
        if cum >= rank {
            return last as f64;
        }
        for (&v, &c) in &self.overflow {
            cum += c;
            if cum >= rank {
                return v as f64;
            }
        }
        self.overflow
            .keys()
            .next_back()
            .map_or(last as f64, |&v| v as f64)
    }

    pub fn layout(&self) -> BinLayout {
        self.layout
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The interval that holds every value recorded ([`Histogram::record`]): from the lower
    /// edge of the lowest bin in use to the upper edge of the highest (an end bin open
    /// towards its end: it also holds the values past it; an integer layout's last bin ends
    /// after its largest overflow value). `None` when empty.
    pub fn value_range(&self) -> Option<(f64, f64)> {
        let first = self.counts.iter().position(|&c| c > 0)?;
        let top = self.counts.iter().rposition(|&c| c > 0)?;
        let last = self.counts.len() - 1;
        let edge = |b: usize| -> f64 {
            // The lower edge of bin b (b >= 1).
            match self.layout {
                BinLayout::Linear { lo, hi, bins } => lo + b as f64 * (hi - lo) / bins as f64,
                BinLayout::Log { lo, bins, .. } if b >= 2 => {
                    lo * 10f64.powf((b - 1) as f64 * self.log_span / bins as f64)
                }
                BinLayout::Log { .. } => 0.0,
                BinLayout::Integer { .. } => b as f64,
            }
        };
        let low = if first == 0 {
            f64::NEG_INFINITY
        } else {
            edge(first)
        };
        let high = match self.layout {
            BinLayout::Integer { .. } if top == last => {
                self.overflow.keys().next_back().map_or(last, |&v| v as usize) as f64 + 1.0
            }
            _ if top == last => f64::INFINITY,
            BinLayout::Log { .. } if top == 0 => 0.0,
            _ => edge(top + 1),
        };
        Some((low, high))
    }

    #[inline]
    fn bin_of(&self, x: f64) -> usize {
        let last = self.counts.len() - 1;
        match self.layout {
            BinLayout::Linear { lo, hi, bins } => {
                let t = (x - lo) / (hi - lo) * bins as f64;
                if t.is_nan() {
                    0
                } else {
                    (t.max(0.0) as usize).min(last)
                }
            }
            BinLayout::Log { lo, bins, .. } => {
                if x.is_nan() || x <= 0.0 {
                    return 0;
                }
                let t = (x / lo).log10() / self.log_span * bins as f64;
                1 + (t.max(0.0) as usize).min(bins - 1)
            }
            BinLayout::Integer { .. } => {
                if x.is_nan() || x <= 0.0 {
                    0
                } else {
                    (x as usize).min(last)
                }
            }
        }
    }

    #[inline]
    pub fn record(&mut self, x: f64) {
        let b = self.bin_of(x);
        self.add_at(b, x);
    }

    /// Record `x` into `a` and into `b`, two histograms of the same layout: the same counts as
    /// `a.record(x); b.record(x)`, the bin found once.
    #[inline]
    pub fn record_both(a: &mut Self, b: &mut Self, x: f64) {
        debug_assert_eq!(a.layout, b.layout);
        let bin = a.bin_of(x);
        a.add_at(bin, x);
        b.add_at(bin, x);
    }

    /// Count `x`, which falls in bin `b` ([`Histogram::bin_of`]).
    #[inline(always)]
    fn add_at(&mut self, b: usize, x: f64) {
        if matches!(self.layout, BinLayout::Integer { .. })
            && b == self.counts.len() - 1
            && x > b as f64
        {
            // Saturating: a value beyond u64 (never a count) keeps the largest key.
            self.record_overflow(x as u64);
        }
        self.counts[b] += 1;
        self.n += 1;
    }

    /// Record an integer observation (Integer layout).
    #[inline]
    pub fn record_count(&mut self, k: u32) {
        let last = self.counts.len() - 1;
        let b = (k as usize).min(last);
        if k as usize > last {
            self.record_overflow(u64::from(k));
        }
        self.counts[b] += 1;
        self.n += 1;
    }

    /// Count `v` (above the last bin's integer) in the overflow; allocates only the first
    /// time a value is seen.
    #[cold]
    fn record_overflow(&mut self, v: u64) {
        *self.overflow.entry(v).or_insert(0) += 1;
    }

    pub fn merge(&mut self, other: &Self) {
        debug_assert_eq!(self.layout, other.layout);
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += *b;
        }
        for (&v, &c) in &other.overflow {
            *self.overflow.entry(v).or_insert(0) += c;
        }
        self.n += other.n;
    }

    /// Representative value of bin `b`: its centre (geometric for log bins; the integer itself).
    pub fn bin_value(&self, b: usize) -> f64 {
        match self.layout {
            BinLayout::Linear { lo, hi, bins } => lo + (b as f64 + 0.5) * (hi - lo) / bins as f64,
            BinLayout::Log { lo, hi, bins } => {
                if b == 0 {
                    0.0
                } else {
                    let step = (hi / lo).log10() / bins as f64;
                    lo * 10f64.powf((b as f64 - 0.5) * step)
                }
            }
            BinLayout::Integer { .. } => b as f64,
        }
    }

    /// The q-quantile (0 <= q <= 1) interpolated within its bin: with the observations of
    /// the bin holding rank q n taken as spread evenly over it (linearly for linear bins,
    /// geometrically for log bins), the value at that rank; integer and zero bins give their
    /// value (an integer layout's last bin: the exact value at rank ceil(q n), as
    /// [`Histogram::quantile`]). Continuous in q and in the data, so bands over years are smooth where
    /// [`Histogram::quantile`] steps from bin centre to bin centre (the grouped-data median
    /// of, e.g., Hyndman & Fan 1996 applied per bin). 0 for an empty histogram.
    pub fn quantile_interpolated(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let rank = q.clamp(0.0, 1.0) * self.n as f64;
        let mut before = 0u64;
        let mut chosen = self.counts.len() - 1;
        for (b, &c) in self.counts.iter().enumerate() {
            if c > 0 && (before + c) as f64 >= rank {
                chosen = b;
                break;
            }
            before += c;
        }
        let c = self.counts[chosen].max(1) as f64;
        let f = ((rank - before as f64) / c).clamp(0.0, 1.0);
        match self.layout {
            BinLayout::Linear { lo, hi, bins } => {
                let w = (hi - lo) / bins as f64;
                lo + (chosen as f64 + f) * w
            }
            BinLayout::Log { lo, bins, .. } => {
                if chosen == 0 {
                    0.0
                } else {
                    let step = self.log_span / bins as f64;
                    lo * 10f64.powf((chosen as f64 - 1.0 + f) * step)
                }
            }
            BinLayout::Integer { .. } if chosen == self.counts.len() - 1 => {
                self.last_bin_value((rank.ceil() as u64).max(1), before)
            }
            BinLayout::Integer { .. } => chosen as f64,
        }
    }

    /// The q-quantile (0 <= q <= 1): the value of the first bin at which the cumulative count
    /// reaches ceil(q n) (inverse empirical CDF); for an integer layout the exact value at
    /// that rank, however large. 0 for an empty histogram.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.n as f64).ceil() as u64).max(1);
        let last = self.counts.len() - 1;
        let mut cum = 0u64;
        for (b, &c) in self.counts.iter().enumerate() {
            if cum + c >= rank {
                if b == last && matches!(self.layout, BinLayout::Integer { .. }) {
                    return self.last_bin_value(rank, cum);
                }
                return self.bin_value(b);
            }
            cum += c;
        }
        self.bin_value(last)
    }

    /// Whether every observation falls in the bin of `x` and it is an end bin of a log or
    /// linear layout, which also holds every value past that end of the layout (below `lo`,
    /// but above 0 for a log layout; at or above `hi`). An integer layout keeps exact values:
    /// never.
    pub fn all_in_open_end_bin(&self, x: f64) -> bool {
        let b = self.bin_of(x);
        let first = match self.layout {
            BinLayout::Integer { .. } => return false,
            BinLayout::Linear { .. } => 0,
            BinLayout::Log { .. } => 1,
        };
        self.n > 0 && self.counts[b] == self.n && (b == first || b == self.counts.len() - 1)
    }

    /// Raw counts, for shard files.
    pub fn from_counts(layout: BinLayout, counts: Vec<u64>) -> Option<Self> {
        let expect = Self::new(layout).counts.len();
        if counts.len() != expect {
            return None;
        }
        let n = counts.iter().sum();
        Some(Self {
            layout,
            counts,
            overflow: std::collections::BTreeMap::new(),
            n,
            log_span: log_span(layout),
        })
    }
}

/// A distribution summary: exact moments plus a histogram for the quantiles.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    pub moments: ExactMoments,
    pub histogram: Histogram,
}

/// Summary read out of a [`Distribution`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

impl Distribution {
    pub fn new(layout: BinLayout) -> Self {
        Self {
            moments: ExactMoments::new(),
            histogram: Histogram::new(layout),
        }
    }

    /// Become empty, as [`Distribution::new`] of the same layout, keeping the bins' memory.
    pub fn reset(&mut self) {
        self.moments = ExactMoments::new();
        self.histogram.reset();
    }

    #[inline]
    pub fn record(&mut self, x: f64) {
        self.moments.record(x);
        self.histogram.record(x);
    }

    /// Record `x` into `a` and into `b`, two distributions of the same layout: the same
    /// tallies as `a.record(x); b.record(x)`, each term computed once.
    #[inline]
    pub fn record_both(a: &mut Self, b: &mut Self, x: f64) {
        ExactMoments::record_both(&mut a.moments, &mut b.moments, x);
        Histogram::record_both(&mut a.histogram, &mut b.histogram, x);
    }

    /// Record the integer count `k` into a distribution with an [`BinLayout::Integer`]
    /// layout: the same tallies as `record(f64::from(k))` (bit for bit), cheaper
    /// ([`ExactMoments::record_count`], [`Histogram::record_count`]).
    #[inline]
    pub fn record_count(&mut self, k: u32) {
        debug_assert!(matches!(self.histogram.layout, BinLayout::Integer { .. }));
        if k == 0 {
            // Most per-year counts are 0: one more observation, nothing added to the sums,
            // the first bin (the same tallies as the general path, without its arithmetic).
            self.moments.n += 1;
            self.histogram.counts[0] += 1;
            self.histogram.n += 1;
            return;
        }
        self.moments.record_count(k);
        self.histogram.record_count(k);
    }

    pub fn merge(&mut self, other: &Self) {
        self.moments.merge(&other.moments);
        self.histogram.merge(&other.histogram);
    }

    pub fn summary(&self) -> Summary {
        let (mean, sd) = (self.moments.mean(), self.moments.sd());
        // The end bins of a log or linear layout are open (values past `lo` or `hi` fall in
        // them): the last bin's centre is below every value at the upper end, the first's
        // above every value at the lower. When every run gave one value in such a bin (every
        // run at the balance cap, say), that value is every quantile; the exact moments say
        // so (sd 0 over at least two runs). Elsewhere the quantiles are the histogram's.
        if self.moments.n >= 2 && sd == 0.0 && self.histogram.all_in_open_end_bin(mean) {
            return Summary {
                mean,
                sd,
                p05: mean,
                p50: mean,
                p95: mean,
            };
        }
        Summary {
            mean,
            sd,
            p05: self.histogram.quantile(0.05),
            p50: self.histogram.quantile(0.50),
            p95: self.histogram.quantile(0.95),
        }
    }
}

/// Logistic function 1 / (1 + e^-x), safe for large |x|.
#[inline]
pub fn logistic(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + exp::exp(-x))
    } else {
        let e = exp::exp(x);
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    /// Every run at the balance cap (the upper end of the log layout, or past it): the
    /// quantiles are that value, not the last bin's centre below every value; a sample
    /// spread in the last bin keeps the bin's quantile.
    /// A histogram's range holds every value recorded, bin edges computed by hand; moments of
    /// recorded values are possible, and each impossible edit is refused.
    #[test]
    fn value_ranges_hold_the_values_and_impossible_moments_are_refused() {
        let mut h = Histogram::new(BinLayout::Linear {
            lo: 0.0,
            hi: 1.0,
            bins: 10,
        });
        assert_eq!(h.value_range(), None);
        h.record(0.35);
        h.record(0.55);
        let (lo, hi) = h.value_range().unwrap();
        assert!((lo - 0.3).abs() < 1e-12 && (hi - 0.6).abs() < 1e-12, "{lo} {hi}");
        h.record(2.0); // clamped into the last bin, open above
        assert_eq!(h.value_range().unwrap().1, f64::INFINITY);
        // log bins of 1e-4 .. 1e6 in 500: 1/50 of a decade each
        let mut g = Histogram::new(BinLayout::Log {
            lo: 1e-4,
            hi: 1e6,
            bins: 500,
        });
        g.record(5.0);
        let (lo, hi) = g.value_range().unwrap();
        let step = 10f64.powf(0.02);
        assert!(lo <= 5.0 && 5.0 < hi && (hi / lo - step).abs() < 1e-9, "{lo} {hi}");
        g.record(0.0);
        assert_eq!(g.value_range().unwrap().0, f64::NEG_INFINITY);
        let mut k = Histogram::new(BinLayout::Integer { bins: 5 });
        k.record_count(2);
        k.record_count(9);
        assert_eq!(k.value_range(), Some((2.0, 10.0)));

        let mut m = ExactMoments::new();
        for x in [2.0, 9.0, 2.0] {
            m.record(x);
        }
        assert_eq!(m.check_possible(k.value_range()), Ok(()));
        let same = ExactMoments::from_parts(3, 3 << 32, 3 << 32, 0, 0); // three 1s
        assert_eq!(same.check_possible(Some((1.0, 2.0))), Ok(()));
        assert!(same.check_possible(Some((1.5, 2.0))).unwrap_err().contains("outside"));
        let low_sq = ExactMoments::from_parts(3, 3 << 32, (3 << 32) - 1, 0, 0);
        assert!(low_sq.check_possible(None).unwrap_err().contains("sum of squares"));
        let beyond = ExactMoments::from_parts(1, 1 << 60, 1 << 88, 0, 0); // one 2^28
        assert!(beyond.check_possible(None).unwrap_err().contains("largest value"));
        let none = ExactMoments::from_parts(0, 1, 0, 0, 0);
        assert!(none.check_possible(None).unwrap_err().contains("no values"));
        assert_eq!(ExactMoments::new().check_possible(None), Ok(()));
    }

    #[test]
    fn quantiles_of_a_constant_in_the_open_last_bin_are_the_value() {
        use super::{BinLayout, Distribution};
        let layout = BinLayout::Log {
            lo: 1e-6,
            hi: 1e6,
            bins: 600,
        };
        // The cap, and a value past it (exact in the moments' fixed point).
        for cap in [1e6, 1_048_576.0] {
            let mut d = Distribution::new(layout);
            for _ in 0..50 {
                d.record(cap);
            }
            let s = d.summary();
            assert_eq!((s.p05, s.p50, s.p95), (cap, cap, cap), "cap {cap}");
        }
        // Not constant: the histogram's quantile, as before.
        let mut d = Distribution::new(layout);
        d.record(1e6);
        d.record(999_999.0);
        assert_eq!(d.summary().p50, d.histogram.quantile(0.5));
        // Constant below the last bin: the bin's value, as before (numbers do not move).
        let mut d = Distribution::new(layout);
        d.record(1.5);
        d.record(1.5);
        assert_eq!(d.summary().p50, d.histogram.quantile(0.5));
    }

    /// `record_count(k)` leaves exactly the tallies of `record(k as f64)`, for small and
    /// large counts, at and past the clamp limit and past the last histogram bin.
    #[test]
    fn record_count_equals_record_of_the_integer() {
        use super::{BinLayout, Distribution};
        let mut a = Distribution::new(BinLayout::Integer { bins: 33 });
        let mut b = a.clone();
        let mut ks: Vec<u32> = (0..100).collect();
        ks.extend([1 << 20, (1 << 20) + 1, 3_000_000, 65_535, 65_536, u32::MAX]);
        for k in ks {
            a.record_count(k);
            b.record(f64::from(k));
            assert_eq!(a, b, "after {k}");
        }
    }

    /// `round_i128` is `round() as i128` at halves, their neighbours, the 2^52/2^53/2^62
    /// boundaries, zeros, infinities, NaN and a million pseudo-random values of every scale.
    #[test]
    fn round_i128_equals_round_as_i128() {
        use super::{round_i128, round_i128_f64};
        let check = |v: f64| {
            assert_eq!(round_i128(v), v.round() as i128, "{v:e}");
            // The rounded value as f64 is the i128's, bit for bit.
            let (r, f) = round_i128_f64(v);
            assert_eq!(f.to_bits(), ((v.round() as i128) as f64).to_bits(), "{v:e}");
            assert_eq!(r, v.round() as i128, "{v:e}");
        };
        let next = |v: f64, k: i64| f64::from_bits((v.to_bits() as i64 + k) as u64);
        for base in [
            0.5,
            1.5,
            2.5,
            1e6 + 0.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_992.0,
            4_611_686_018_427_387_904.0,
            1e20,
        ] {
            for k in -3..=3 {
                check(next(base, k));
                check(-next(base, k));
            }
        }
        for v in [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MAX,
        ] {
            check(v);
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..1_000_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mantissa and sign at random, exponents 2^-4 .. 2^75.
            let e = 1019 + (x >> 56) % 80;
            check(f64::from_bits((x & 0x800f_ffff_ffff_ffff) | (e << 52)));
        }
    }

    #[test]
    fn integer_quantiles_are_the_inverse_empirical_cdf() {
        // Nearest-rank quantiles of 0, 1, ..., 9 (each once) computed by sorting: the value at
        // 1-based rank ceil(q n). Rounding the rank (or flooring it) moves these.
        let mut h = Histogram::new(BinLayout::Integer { bins: 16 });
        let data: Vec<u32> = (0..10).rev().collect();
        for &k in &data {
            h.record_count(k);
        }
        let mut sorted = data.clone();
        sorted.sort();
        for q in [0.0, 0.05, 0.1, 0.15, 0.25, 0.5, 0.51, 0.75, 0.95, 0.99, 1.0] {
            let rank = ((q * 10.0f64).ceil() as usize).max(1);
            assert_eq!(h.quantile(q), f64::from(sorted[rank - 1]), "q = {q}");
        }
    }

    use super::*;

    #[test]
    fn wilson_matches_textbook_example() {
        // Newcombe (1998), Stat Med 17: 81/263 -> 0.2553 to 0.3662.
        let w = wilson(81, 263);
        assert!((w.lo - 0.2553).abs() < 5e-4, "{w:?}");
        assert!((w.hi - 0.3662).abs() < 5e-4, "{w:?}");
    }

    #[test]
    fn wilson_extremes_stay_in_unit_interval() {
        let w0 = wilson(0, 10);
        assert_eq!(w0.p, 0.0);
        assert_eq!(w0.lo, 0.0);
        assert!(w0.hi > 0.2 && w0.hi < 0.35);
        let w1 = wilson(10, 10);
        assert_eq!(w1.hi, 1.0);
        assert!(w1.lo <= 1.0 && w1.lo > 0.6);
        let e = wilson(0, 0);
        assert_eq!((e.lo, e.hi), (0.0, 1.0));
    }

    #[test]
    fn moments_merge_is_exact_in_any_order() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1013) as f64 / 3.7 - 50.0)
            .collect();
        let mut whole = ExactMoments::new();
        xs.iter().for_each(|&x| whole.record(x));
        let mut a = ExactMoments::new();
        let mut b = ExactMoments::new();
        xs[..333].iter().for_each(|&x| a.record(x));
        xs[333..].iter().for_each(|&x| b.record(x));
        let mut ba = b.clone();
        ba.merge(&a);
        a.merge(&b);
        assert_eq!(a, whole);
        assert_eq!(ba, whole);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((whole.mean() - mean).abs() < 1e-9);
    }

    /// Mean and sample sd by two passes in f64: the reference the exact moments must meet.
    fn two_pass(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let ss = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>();
        (mean, (ss / (n - 1.0)).sqrt())
    }

    fn moments_of(xs: &[f64]) -> ExactMoments {
        let mut m = ExactMoments::new();
        xs.iter().for_each(|&x| m.record(x));
        m
    }

    fn relative(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    /// A sample of GDP-lost-like amounts (0 to about 60, skewed), pseudo-random from a seed.
    fn amounts(len: usize) -> Vec<f64> {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
        (0..len)
            .map(|_| {
                let u: f64 = rng.random();
                20.0 * u * u * u + 3.0 * u
            })
            .collect()
    }

    /// Small values keep their sd: values from 1e-7 to 1e-5 (whose squares, rounded to 2^-32
    /// alone, all count 0 or a few units), and a normal-sized sample scaled by 1e-6, give the
    /// two-pass f64 mean and sd within a relative 1e-9.
    #[test]
    fn small_values_keep_their_sd() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let tiny: Vec<f64> = (0..2000)
            .map(|_| 1e-7 * 100f64.powf(rng.random::<f64>()))
            .collect();
        let scaled: Vec<f64> = amounts(2000).iter().map(|x| x * 1e-6).collect();
        for xs in [&tiny, &scaled] {
            let (mean, sd) = two_pass(xs);
            let m = moments_of(xs);
            assert!(sd > 0.0);
            assert!(relative(m.sd(), sd) < 1e-9, "sd {} vs {sd}", m.sd());
            assert!(relative(m.mean(), mean) < 1e-9, "mean {} vs {mean}", m.mean());
            let se = sd / (xs.len() as f64).sqrt();
            assert!(relative(m.se(), se) < 1e-9, "se {} vs {se}", m.se());
        }
    }

    /// Scaling every value scales the sd and the mean: sd(c x) = c sd(x) for c in
    /// {1e-6, 1e-3, 1}, within a relative 1e-9.
    #[test]
    fn scaling_the_values_scales_the_sd() {
        let xs = amounts(5000);
        let base = moments_of(&xs);
        let (mean, sd) = two_pass(&xs);
        assert!(relative(base.sd(), sd) < 1e-9);
        for c in [1e-6, 1e-3, 1.0] {
            let m = moments_of(&xs.iter().map(|x| c * x).collect::<Vec<_>>());
            assert!(
                relative(m.sd(), c * base.sd()) < 1e-9,
                "c {c}: sd {} vs {}",
                m.sd(),
                c * base.sd()
            );
            assert!(relative(m.mean(), c * mean) < 1e-9, "c {c}: mean {}", m.mean());
        }
    }

    /// The residual sums merge exactly too: small values split three ways and merged in
    /// every order give the whole's tallies.
    #[test]
    fn small_value_moments_merge_exactly_in_any_order() {
        let xs: Vec<f64> = amounts(999).iter().map(|x| x * 1e-6 - 2e-6).collect();
        let whole = moments_of(&xs);
        let parts = [&xs[..100], &xs[100..700], &xs[700..]].map(moments_of);
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]] {
            let mut m = ExactMoments::new();
            order.iter().for_each(|&k| m.merge(&parts[k]));
            assert_eq!(m, whole, "{order:?}");
        }
    }

    #[test]
    fn integer_histogram_quantiles_are_exact() {
        let mut h = Histogram::new(BinLayout::Integer { bins: 11 });
        for k in 0..=9u32 {
            h.record_count(k);
        }
        assert_eq!(h.quantile(0.5), 4.0); // ceil(0.5*10)=5th value = 4
        assert_eq!(h.quantile(0.05), 0.0);
        assert_eq!(h.quantile(0.95), 9.0);
    }

    #[test]
    fn log_histogram_quantile_within_a_bin() {
        let mut h = Histogram::new(BinLayout::Log {
            lo: 1e-3,
            hi: 1e3,
            bins: 600,
        });
        for i in 1..=1000 {
            h.record(i as f64 / 10.0);
        }
        let q = h.quantile(0.5);
        // bin ratio 10^(6/600) = 1.023: relative error at most a bin
        assert!((q / 50.0 - 1.0).abs() < 0.024, "{q}");
        h.record(0.0);
        assert_eq!(h.quantile(0.0), 0.0);
    }

    #[test]
    fn interpolated_quantiles_move_smoothly_with_the_data() {
        // Observations evenly spread over [1.50, 1.60]: the interpolated quantiles match the
        // sorted data to a small share of a bin, and shifting the data by a tenth of a bin
        // shifts the median by about that much (bin-centre quantiles would not move at all
        // or jump a whole bin).
        let layout = BinLayout::Log {
            lo: 1e-3,
            hi: 1e3,
            bins: 600,
        };
        let median = |shift: f64| {
            let mut h = Histogram::new(layout);
            for i in 0..1000 {
                h.record((1.50 + 0.1 * f64::from(i) / 999.0) * shift);
            }
            (h.quantile_interpolated(0.5), h.quantile(0.5))
        };
        let (m, _) = median(1.0);
        assert!((m / 1.55 - 1.0).abs() < 0.004, "{m}");
        let bin = 10f64.powf(6.0 / 600.0);
        let shift = bin.powf(0.1);
        let (m2, _) = median(shift);
        assert!(
            ((m2 / m).ln() / shift.ln() - 1.0).abs() < 0.35,
            "{m} -> {m2}: moved by {} of the shift",
            (m2 / m).ln() / shift.ln()
        );
        let mut lin = Histogram::new(BinLayout::Linear {
            lo: 0.0,
            hi: 1.0,
            bins: 10,
        });
        for i in 0..100 {
            lin.record(0.3 + 0.1 * f64::from(i) / 100.0);
        }
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let want = 0.3 + 0.1 * q;
            assert!(
                (lin.quantile_interpolated(q) - want).abs() < 0.002,
                "q = {q}"
            );
        }
        assert_eq!(Histogram::new(layout).quantile_interpolated(0.5), 0.0);
    }

    #[test]
    fn logistic_is_symmetric_and_stable() {
        assert_eq!(logistic(0.0), 0.5);
        assert!((logistic(2.0) + logistic(-2.0) - 1.0).abs() < 1e-15);
        assert_eq!(logistic(-1000.0), 0.0);
        assert_eq!(logistic(1000.0), 1.0);
    }
}
