//! Reports: the output contract (docs/OUTPUT.md) and one exporter per format.
//!
//! [`Report`] is built from an [`Aggregate`] at the edge; engine types never derive
//! `Serialize`. **Architecture Invariant:** no NaN or infinity reaches a report: every float
//! goes through [`finite`].

pub mod attribution;
#[cfg(feature = "html")]
pub mod charts;
pub mod compare;
pub mod csv;
#[cfg(feature = "html")]
pub mod html;
pub mod json;
#[cfg(feature = "html")]
pub mod sweep;
pub mod table;

use serde::Serialize;

use crate::engine::{Aggregate, RNG_NAME, Tally};
use crate::model::{Compiled, CrisisOutcome, STEPS_PER_YEAR};
use crate::outputs::{COUNTS, EVENTS, METRICS, N_COUNTS, N_EVENTS, N_METRICS, YEARS_TO_FORCE};
use crate::stats::{Distribution, Histogram, Proportion, wilson};

/// Version of the JSON layout; bumped only by breaking changes.
pub const SCHEMA_VERSION: u32 = 2;

/// The one wording of an interval of a change in percentage points (`lo`, `hi` as
/// probability differences) whose two ends both round to zero at `decimals` decimals without
/// both being zero: "within +-0.05" (one decimal), "within +-0.005" (two), in the table, the
/// comparison, the attribution and the HTML page alike (docs/OUTPUT.md). None otherwise: the
/// caller prints the two ends.
pub fn tiny_interval(lo: f64, hi: f64, decimals: usize) -> Option<String> {
    let zero = |x: f64| percent(x.abs(), decimals) == format!("{:.*}", decimals, 0.0);
    (zero(lo) && zero(hi) && (lo != 0.0 || hi != 0.0))
        .then(|| format!("within +-{:.*}5", decimals, 0.0))
}

/// A number of years in words: "1 year", "10 years".
pub fn years(n: u32) -> String {
    if n == 1 {
        "1 year".into()
    } else {
        format!("{n} years")
    }
}

/// `x` (a share or a probability difference) in percent at `decimals` decimals, as every
/// table and page prints it: the decimal the JSON and CSV carry (the shortest text that reads
/// back as `x`), shifted two places and rounded half away from zero, so "0.7555" prints
/// "75.6" wherever it appears, as a reader rounding the JSON's value gets it (`100.0 * x`
/// rounded as a float could fall either side of such a tie: 75.549999...). A negative `x`
/// keeps its sign ("-0.0" for -0.0004), as `format!("{:.1}")` does.
pub fn percent(x: f64, decimals: usize) -> String {
    let body = shifted_rounded(x.abs(), 2, decimals);
    if x.is_sign_negative() {
        format!("-{body}")
    } else {
        body
    }
}

/// A share or a probability in `[0, 1]` in percent at `decimals` decimals, as [`percent`],
/// except that a share that is neither 0 nor 1 never prints as one: a share that rounds to
/// 0 prints "<0.1" (at one decimal: under the last decimal shown) and one that rounds to 100
/// prints ">99.9" (0.9996 of runs is not "100.0%" of them, and 7 wars in 162,298 crises are
/// not "0.0%"). The text is never wider than "100.0", so a table's columns stay aligned.
pub fn percent_of_share(x: f64, decimals: usize) -> String {
    let text = percent(x, decimals);
    let unit = 10f64.powi(-(decimals as i32));
    if x > 0.0 && x < 1.0 {
        if text.parse::<f64>() == Ok(0.0) {
            return format!("<{unit:.decimals$}");
        }
        if text.parse::<f64>() == Ok(100.0) {
            return format!(">{:.decimals$}", 100.0 - unit);
        }
    }
    text
}

/// A share or probability at one decimal with its percent sign, as every table and page prints
/// one: [`percent_of_share`] ("22.9%", ">99.9%", "<0.1%", "100.0%").
pub fn share_percent(x: f64) -> String {
    format!("{}%", percent_of_share(x, 1))
}

/// [`percent`] with its sign always written: "+75.6", "-0.4", "+0.0".
pub fn percent_signed(x: f64, decimals: usize) -> String {
    let body = shifted_rounded(x.abs(), 2, decimals);
    format!("{}{body}", if x.is_sign_negative() { '-' } else { '+' })
}

/// `x >= 0` times `10^shift` at `decimals` decimals, rounded half away from zero on the
/// shortest decimal text of `x` (Rust's and serde_json's: the digits that read back as `x`).
fn shifted_rounded(x: f64, shift: i32, decimals: usize) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{:.*}", decimals, x * 10f64.powi(shift));
    }
    // "7.555e-1": the shortest round-trip digits and the exponent of the first.
    let text = format!("{x:e}");
    let (mantissa, exp) = text.split_once('e').expect("`{:e}` writes an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` writes an integer exponent");
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    // Digits before the decimal point of x 10^shift, and those kept at `decimals` decimals.
    let keep = i64::from(exp) + 1 + i64::from(shift) + decimals as i64;
    if keep < 0 {
        // Below a tenth of the last decimal kept: rounds to zero.
        return format!("{:.*}", decimals, 0.0);
    }
    if keep > 60 {
        return format!("{:.*}", decimals, x * 10f64.powi(shift));
    }
    let keep = keep as usize;
    let mut kept: Vec<u8> = (0..keep).map(|i| digits.get(i).copied().unwrap_or(0)).collect();
    if digits.get(keep).is_some_and(|&d| d >= 5) {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    while kept.len() < decimals + 1 {
        kept.insert(0, 0);
    }
    let point = kept.len() - decimals;
    let int: String = kept[..point].iter().map(|d| char::from(b'0' + d)).collect();
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if decimals == 0 {
        return int.to_string();
    }
    let frac: String = kept[point..].iter().map(|d| char::from(b'0' + d)).collect();
    format!("{int}.{frac}")
}

/// The one wording, in tables and pages, of a change that is 0 in every run: `deter run`'s
/// attribution, `deter compare`'s differences and shifts (docs/OUTPUT.md). Said beside its
/// interval, the point 0 (the runs' values have no spread), which JSON and CSV carry.
pub const UNCHANGED: &str = "unchanged in every run";

/// The one wording, in the tables and pages of nested runs (`--posterior`, `[[uncertain]]`),
/// of a value the same in every parameter draw, said beside the interval of its mean over
/// draws, the point (sd 0), as [`UNCHANGED`] is said beside a change 0 in every run. JSON and
/// CSV carry the point (`se_mean` 0, `mc95_lo` = `mc95_hi`).
pub const UNCHANGED_DRAWS: &str = "unchanged in every draw";

/// Whether a mean over runs `value` with paired interval `lo`..`hi` is 0 in every run: the
/// value 0 and its interval the point 0 (sd 0: every run gave 0). Tables and pages then say
/// [`UNCHANGED`] beside it.
pub fn unchanged_in_every_run(value: f64, lo: Option<f64>, hi: Option<f64>) -> bool {
    value == 0.0 && lo == Some(0.0) && hi == Some(0.0)
}

/// Replace NaN and infinities (which JSON cannot carry) by 0 and the largest finite value.
pub fn finite(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(f64::MIN, f64::MAX)
    }
}

/// A share of runs (or of trials) with its Monte Carlo 95% Wilson interval, serialised as
/// `{ "p", "mc95_lo", "mc95_hi", "count" }` (the names say what the interval measures:
/// Monte Carlo error, which more runs narrow, not uncertainty about the model).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProbabilityOut {
    pub p: f64,
    #[serde(rename = "mc95_lo")]
    pub lo: f64,
    #[serde(rename = "mc95_hi")]
    pub hi: f64,
    pub count: u64,
}

impl From<Proportion> for ProbabilityOut {
    fn from(w: Proportion) -> Self {
        Self {
            p: finite(w.p),
            lo: finite(w.lo),
            hi: finite(w.hi),
            count: w.count,
        }
    }
}

/// One probability per [`EVENTS`] entry, in table order; serialised as a JSON object keyed
/// by the events' keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcomes(pub [ProbabilityOut; N_EVENTS]);

impl Outcomes {
    /// Wilson intervals of `counts` (one per event) out of `runs`.
    pub fn from_counts(counts: &[u64; N_EVENTS], runs: u64) -> Self {
        Self(counts.map(|c| ProbabilityOut::from(wilson(c, runs))))
    }

    fn from_tally(t: &Tally, runs: u64) -> Self {
        Self::from_counts(&t.events, runs)
    }

    /// (key, value) pairs in the documented order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &ProbabilityOut)> {
        EVENTS.iter().map(|e| e.key).zip(&self.0)
    }

    /// The probability of the event `key`, if there is such an event.
    pub fn get(&self, key: &str) -> Option<&ProbabilityOut> {
        crate::outputs::event_index(key).map(|i| &self.0[i])
    }
}

impl Serialize for Outcomes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(N_EVENTS))?;
        for (k, v) in self.entries() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// One per-year count ([`COUNTS`]): its distribution over runs in one year.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CountOut {
    /// Mean count per run (exact integer sum / runs).
    pub mean: f64,
    /// Monte Carlo 95% interval of the mean (mean +- 1.96 standard errors, z = [`crate::stats::Z95`]).
    pub mc95_lo: f64,
    pub mc95_hi: f64,
    /// Median and 95th percentile of the count over runs.
    pub p50: f64,
    pub p95: f64,
    /// Events of this kind in all runs together (exact).
    pub total: u64,
}

impl CountOut {
    fn from_distribution(d: &Distribution) -> Self {
        let s = d.summary();
        let half = crate::stats::Z95 * d.moments.se();
        Self {
            mean: finite(s.mean),
            mc95_lo: finite((s.mean - half).max(0.0)),
            mc95_hi: finite(s.mean + half),
            p50: finite(s.p50),
            p95: finite(s.p95),
            total: d.moments.sum().round().max(0.0) as u64,
        }
    }
}

/// One [`CountOut`] per [`COUNTS`] entry, in table order; serialised as a JSON object keyed
/// by the counts' keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts(pub [CountOut; N_COUNTS]);

impl Counts {
    /// (key, value) pairs in the documented order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &CountOut)> {
        COUNTS.iter().map(|c| c.key).zip(&self.0)
    }
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(N_COUNTS))?;
        for (k, v) in self.entries() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MetricOut {
    pub mean: f64,
    /// Sample standard deviation over runs (n - 1 in the denominator); `None` (JSON `null`,
    /// no CSV row, an empty sweep cell) for fewer than two runs, where it is undefined.
    pub sd: Option<f64>,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

impl MetricOut {
    fn from_distribution(d: &Distribution) -> Self {
        let s = d.summary();
        Self {
            mean: finite(s.mean),
            sd: (d.moments.n >= 2).then(|| finite(s.sd)),
            p05: finite(s.p05),
            p50: finite(s.p50),
            p95: finite(s.p95),
        }
    }
}

/// Time to first use of force, in years, censored at the horizon.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimeToForceOut {
    /// Restricted mean: E[min(T, horizon)].
    pub mean: f64,
    /// Sample standard deviation of min(T, horizon); `None` for fewer than two runs.
    pub sd: Option<f64>,
    /// Quantiles of min(T, horizon); a value equal to the horizon means "not within the horizon".
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
    /// Share of runs with no use of force within the horizon.
    pub censored_share: f64,
}

impl TimeToForceOut {
    fn from_tally(t: &Tally, steps: u32) -> Self {
        let h = &t.first_force_month;
        let years = |q: f64| finite(h.quantile(q) / STEPS_PER_YEAR as f64);
        let censored = if h.n() == 0 {
            0.0
        } else {
            h.counts()[steps as usize] as f64 / h.n() as f64
        };
        Self {
            mean: finite(t.first_force_years.mean()),
            sd: (t.first_force_years.n >= 2).then(|| finite(t.first_force_years.sd())),
            p05: years(0.05),
            p50: years(0.5),
            p95: years(0.95),
            censored_share: finite(censored),
        }
    }
}

/// One summary per [`METRICS`] entry, in table order, and the censored time to the first use
/// of force; serialised as a JSON object keyed by the metrics' keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub distributions: [MetricOut; N_METRICS],
    pub years_to_first_use_of_force: TimeToForceOut,
    /// The scenario has no rivalry: a metric that is the largest value over rivalries (the
    /// final balance) has no value, and is serialised as `null` (not the 0 of its tally).
    pub no_rivalry: bool,
}

impl Metrics {
    fn from_tally(t: &Tally, steps: u32) -> Self {
        Self {
            distributions: std::array::from_fn(|k| MetricOut::from_distribution(&t.metrics[k])),
            years_to_first_use_of_force: TimeToForceOut::from_tally(t, steps),
            no_rivalry: false,
        }
    }

    /// Whether metric `k` (index in [`METRICS`]) has a value: a largest value over rivalries
    /// needs at least one rivalry (a sum over none is 0, and is one).
    pub fn defined(&self, k: usize) -> bool {
        !(self.no_rivalry && METRICS[k].region == crate::outputs::Combine::Max)
    }

    /// (key, summary) of every distribution metric, in the documented order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &MetricOut)> {
        METRICS.iter().map(|m| m.key).zip(&self.distributions)
    }

    /// The summary of the metric `key`, if there is such a distribution metric.
    pub fn get(&self, key: &str) -> Option<&MetricOut> {
        METRICS
            .iter()
            .position(|m| m.key == key)
            .map(|i| &self.distributions[i])
    }
}

impl Serialize for Metrics {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for (i, (k, v)) in self.entries().enumerate() {
            m.serialize_entry(k, &self.defined(i).then_some(v))?;
            if !self.defined(i) {
                // A value undefined on purpose carries its reason beside it (docs/OUTPUT.md).
                m.serialize_entry(&format!("{k}_undefined"), "no rivalry: no balance exists")?;
            }
        }
        m.serialize_entry(YEARS_TO_FORCE, &self.years_to_first_use_of_force)?;
        m.end()
    }
}

/// Round non-negative `shares` to whole units summing to `total` by the largest-remainder
/// method (see [`LevelsOut::rounded`]); `[0, 0, 0]` when they sum to zero or are not finite.
pub fn largest_remainder(shares: [f64; 3], total: u32) -> [u32; 3] {
    let sum: f64 = shares.iter().map(|x| x.max(0.0)).sum();
    if !(sum > 0.0 && sum.is_finite()) {
        return [0; 3];
    }
    let quota = shares.map(|x| f64::from(total) * x.max(0.0) / sum);
    let mut units = quota.map(|q| (q.floor() as u32).min(total));
    let given: u32 = units.iter().sum();
    let mut order = [0usize, 1, 2];
    // Largest fractional part first; the stable sort keeps ties in level order.
    order.sort_by(|&i, &j| {
        let (fi, fj) = (quota[i] - quota[i].floor(), quota[j] - quota[j].floor());
        fj.total_cmp(&fi)
    });
    for &i in order
        .iter()
        .cycle()
        .take(total.saturating_sub(given) as usize)
    {
        units[i] += 1;
    }
    units
}

/// Why a cost composition is undefined (the JSON's `cost_composition_undefined`, the
/// table's words): no challenge decision had a cost, and a share of nothing is not 0.
pub const COST_COMPOSITION_UNDEFINED: &str = "undefined (no challenge decision had a cost)";

/// Shares of the challenger's expected cost of challenging, by level of deterrence.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelsOut {
    pub military: f64,
    pub political: f64,
    pub economic: f64,
}

impl LevelsOut {
    /// The three shares (military, political, economic) in whole units of `1 / total`
    /// (`total` = 100: whole percent; 1000: tenths of a percent), rounded by the
    /// largest-remainder method (Hamilton's, Hare-Niemeyer): each share's quota
    /// `total * share / sum` is rounded down, and the units still missing go, one each, to the
    /// largest fractional parts (ties: in the order military, political, economic). So the
    /// printed values add up to `total` exactly, where rounding each alone can give 99% or
    /// 101%, and each differs from its exact value by less than one unit. The JSON keeps the
    /// exact shares.
    pub fn rounded(&self, total: u32) -> [u32; 3] {
        largest_remainder([self.military, self.political, self.economic], total)
    }
    /// Why a composition is undefined ([`COST_COMPOSITION_UNDEFINED`], the JSON's
    /// `..._undefined` beside it); None when it is defined.
    pub fn undefined(levels: Option<&Self>) -> Option<&'static str> {
        levels.is_none().then_some(COST_COMPOSITION_UNDEFINED)
    }

    /// The shares of the tally's summed costs by level; None when they sum to nothing (no
    /// challenge decision, or none with a cost): a share of nothing is undefined, not 0
    /// (it was `0, 0, 0`, which do not sum to 1, and `compare` read a shift from it).
    fn from_tally(t: &Tally) -> Option<Self> {
        let sums = [
            t.level_costs[0].sum(),
            t.level_costs[1].sum(),
            t.level_costs[2].sum(),
        ];
        let total: f64 = sums.iter().sum();
        (total > 0.0 && total.is_finite()).then(|| Self {
            military: finite(sums[0] / total),
            political: finite(sums[1] / total),
            economic: finite(sums[2] / total),
        })
    }
}

/// Counts of crises by outcome, and their shares among crises.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CrisisOutcomesOut {
    pub counts: std::collections::BTreeMap<&'static str, u64>,
    pub shares: std::collections::BTreeMap<&'static str, f64>,
}

impl CrisisOutcomesOut {
    fn from_tally(t: &Tally) -> Self {
        let total: u64 = t.crisis_outcomes.iter().sum();
        let mut counts = std::collections::BTreeMap::new();
        let mut shares = std::collections::BTreeMap::new();
        for o in CrisisOutcome::ALL {
            let c = t.crisis_outcomes[o as usize];
            counts.insert(o.key(), c);
            shares.insert(
                o.key(),
                if total == 0 {
                    0.0
                } else {
                    finite(c as f64 / total as f64)
                },
            );
        }
        Self { counts, shares }
    }
}

/// A share of `invoked` occasions: `honoured` is null (JSON) when nothing was invoked, and
/// `honoured_undefined` then says why ("undefined (n = 0)", as `compare` words n = 1), never
/// p = 0 with the interval [0, 1].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SharedOut {
    pub invoked: u64,
    pub honoured: Option<ProbabilityOut>,
    pub honoured_undefined: Option<String>,
}

impl SharedOut {
    fn new(count: u64, invoked: u64) -> Self {
        Self {
            invoked,
            honoured: rate(count, invoked),
            honoured_undefined: undefined(invoked),
        }
    }
}

/// Why a share of `n` occasions is undefined: "undefined (n = 0)" when `n` = 0.
fn undefined(n: u64) -> Option<String> {
    (n == 0).then(|| "undefined (n = 0)".to_string())
}

/// The Wilson interval of `count` out of `n`, or `None` (undefined) when `n` = 0.
fn rate(count: u64, n: u64) -> Option<ProbabilityOut> {
    (n > 0).then(|| wilson(count, n).into())
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MechanismsOut {
    /// Allied commitments drawn at use of force, and the share honoured.
    pub commitments: SharedOut,
    /// Every crisis with sanctions imposed (at the display of force, or at the use of force if
    /// not at the display), and the share after which the challenger backed down: the share
    /// Hufbauer et al. (2007) count as success, which only sanctions at the display allow.
    pub sanctions: SharedOut,
    /// Sanctions imposed at the display of force, and the share after which the challenger
    /// backed down (the rest, `sanctions.invoked - sanctions_at_display.invoked`, came at a use
    /// of force, too late to back down).
    pub sanctions_at_display: SharedOut,
    /// Probability that the next crisis opportunity is a challenge, after the target conceded
    /// and after it stood firm.
    /// Null when no such opportunity followed (n = 0), with the reason in `*_undefined`.
    pub challenge_after_concession: Option<ProbabilityOut>,
    pub challenge_after_concession_undefined: Option<String>,
    pub challenge_after_firmness: Option<ProbabilityOut>,
    pub challenge_after_firmness_undefined: Option<String>,
}

impl MechanismsOut {
    fn from_tally(t: &Tally) -> Self {
        Self {
            commitments: SharedOut::new(t.commitments_honoured, t.commitments_invoked),
            sanctions: SharedOut::new(t.sanctions_succeeded, t.sanctions_imposed),
            sanctions_at_display: SharedOut::new(t.sanctions_succeeded, t.sanctions_at_display),
            challenge_after_concession: rate(t.after_concession[1], t.after_concession[0]),
            challenge_after_concession_undefined: undefined(t.after_concession[0]),
            challenge_after_firmness: rate(t.after_firm[1], t.after_firm[0]),
            challenge_after_firmness_undefined: undefined(t.after_firm[0]),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BandOut {
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

impl BandOut {
    /// Quantiles interpolated within bins ([`Histogram::quantile_interpolated`]), so the
    /// bands move smoothly from year to year instead of from bin centre to bin centre.
    fn from_histogram(h: &Histogram) -> Self {
        let q = |x: f64| finite(h.quantile_interpolated(x));
        Self {
            p05: q(0.05),
            p25: q(0.25),
            p50: q(0.5),
            p75: q(0.75),
            p95: q(0.95),
        }
    }
}

/// One year of the horizon.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct YearOut {
    /// Calendar year whose months close this year of the horizon: the year of `last_month`
    /// (the calendar year itself when the scenario starts in January).
    pub year: i32,
    /// The first and last month of this year of the horizon, `YYYY-MM`: twelve months from
    /// the scenario's start month (2025-03 to 2026-02 for a start of 2025-03).
    pub first_month: String,
    pub last_month: String,
    /// Share of runs in which each event happened during this year.
    pub events_in_year: Outcomes,
    /// Share of runs in which each event happened by the end of this year (cumulative; for
    /// `deterrence_held`: no use of force so far).
    pub events_by_end: Outcomes,
    /// Events counted in this year: per run (mean, Monte Carlo 95% interval, quantiles)
    /// and in all runs (exact); each crisis at its highest MID level.
    pub counts: Counts,
    /// Tension at the year's end (rivalries only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tension: Option<BandOut>,
    /// Local balance M_A / M_T at the year's end (rivalries only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance: Option<BandOut>,
}

impl YearOut {
    /// How tables and pages name this year: the calendar year when it is one (a start in
    /// January), else its months, `2025-03..2026-02`, so that a year of the horizon is never
    /// read as the calendar year it ends in.
    pub fn label(&self) -> String {
        if self.first_month.ends_with("-01") {
            self.year.to_string()
        } else {
            format!("{}..{}", self.first_month, self.last_month)
        }
    }
}

/// The years of the horizon from a tally: per-year events, and bands where the tally has them.
fn yearly(t: &Tally, runs: u64, start: &crate::scenario::YearMonth) -> Vec<YearOut> {
    let first = start.year + i32::from(start.month > 1);
    (0..t.yearly_events.len())
        .map(|y| YearOut {
            year: first + y as i32,
            first_month: start.plus_months(12 * y as i64).to_string(),
            last_month: start.plus_months(12 * y as i64 + 11).to_string(),
            events_in_year: Outcomes::from_counts(&t.yearly_events[y], runs),
            events_by_end: Outcomes::from_counts(&t.cumulative_events[y], runs),
            counts: Counts(std::array::from_fn(|k| {
                CountOut::from_distribution(&t.yearly_counts[y][k])
            })),
            tension: t.yearly_tension.get(y).map(BandOut::from_histogram),
            balance: t.yearly_balance.get(y).map(BandOut::from_histogram),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RivalryOut {
    pub id: String,
    pub challenger: String,
    pub target: String,
    pub outcomes: Outcomes,
    pub metrics: Metrics,
    pub cost_composition: Option<LevelsOut>,
    /// Why `cost_composition` is null ([`COST_COMPOSITION_UNDEFINED`]); null when it is not.
    pub cost_composition_undefined: Option<&'static str>,
    /// Share of runs whose highest MID level was 0 (no opportunity), 1 (no challenge), 2..5.
    pub escalation: [f64; 6],
    pub crisis_outcomes: CrisisOutcomesOut,
    pub mechanisms: MechanismsOut,
    /// Per year: event probabilities in the year and by its end, tension and balance bands.
    pub yearly: Vec<YearOut>,
    /// Share of runs with exactly k crisis opportunities, k = 0, 1, ...
    pub crises_histogram: Vec<f64>,
    /// Share of runs with no use of force by the end of each month of the horizon.
    pub survival_by_month: Vec<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Timing {
    /// Wall time; for a merged run, the shards' wall times summed (their total compute
    /// time, not elapsed time).
    pub wall_seconds: f64,
    pub runs_per_second: f64,
    /// Threads the run's pool had; for a merged run, the most any shard used (see
    /// `shard_threads`).
    pub threads: usize,
    /// The threads asked (`--threads`, 0 resolved to the cores), only when the pool had
    /// fewer: one that could not start them all is asked again with half
    /// ([`crate::engine::with_threads_timed`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads_asked: Option<usize>,
    /// A merged run only (`deter merge`): the threads of each shard, in shard order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard_threads: Option<Vec<usize>>,
}

/// The result of `deter run` (docs/OUTPUT.md).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// JSON contract version (2; docs/OUTPUT.md, "Schema versions").
    pub schema_version: u32,
    /// deter version that produced it.
    pub engine_version: &'static str,
    /// The scenario's `[scenario].name`.
    pub scenario: String,
    /// The scenario's money unit (`[scenario].currency`), the unit of `gdp_lost`, and of the
    /// labels of the table and the page ("GDP lost, USD bn (current)":
    /// `outputs::metric_label`).
    pub currency: String,
    /// SHA-256 of the canonical serialisation of the validated scenario (hex).
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Number of runs (simulated histories) aggregated.
    pub runs: u64,
    /// Horizon of each run, in years.
    pub horizon_years: u32,
    /// Time steps per year (12: monthly).
    pub steps_per_year: u32,
    /// Random stream construction (docs/MODEL.md 3.1).
    pub rng: &'static str,
    /// Region-wide share of runs with each event at least once over the horizon, with Monte
    /// Carlo 95% intervals.
    pub outcomes: Outcomes,
    /// Region-wide per-run distributions (crises, disputes, GDP lost in the scenario's
    /// currency, final balance, years to first use of force): mean, sd, quantiles.
    pub metrics: Metrics,
    /// The challenger's expected cost of challenging split by level (shares summing to 1): a
    /// diagnostic, not which level deters. None (JSON `null`) when no challenge decision had
    /// a cost: a share of nothing is undefined.
    pub cost_composition: Option<LevelsOut>,
    /// Why `cost_composition` is null ([`COST_COMPOSITION_UNDEFINED`]); null when it is not.
    pub cost_composition_undefined: Option<&'static str>,
    /// Share of runs whose highest MID level was 0 ... 5 (sums to 1).
    pub escalation: [f64; 6],
    /// How crisis opportunities ended, over all runs (shares of crisis opportunities).
    pub crisis_outcomes: CrisisOutcomesOut,
    /// Commitments honoured, sanctions followed by backing down, reputation effects (shares
    /// with their n).
    pub mechanisms: MechanismsOut,
    /// Per year, region-wide: event probabilities in the year and by its end.
    pub yearly: Vec<YearOut>,
    /// Share of runs with exactly k crisis opportunities (all rivalries), k = 0, 1, ...
    pub crises_histogram: Vec<f64>,
    /// Share of runs with no use of force in any rivalry by the end of each month.
    pub survival_by_month: Vec<f64>,
    /// The same per rivalry, in file order.
    pub rivalries: Vec<RivalryOut>,
    /// Wall time and throughput; the only part that varies between identical invocations.
    pub timing: Timing,
    /// Present only with `--until-ci`: how many runs adaptive stopping took and why it stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopping: Option<StoppingOut>,
    /// Present only with `--set` (Python: `set=`): each what-if applied to the scenario
    /// before the run, with the value it replaced (`scenario::overrides`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<crate::scenario::overrides::Applied>,
    /// The scenario's dated policies (`[[policy]]`, after `extends` and `--set`), in file
    /// order, each with the month it took effect in these runs; absent when it has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyOut>,
    /// Which level deters: the Shapley attribution over the level-removal variants
    /// (`report::attribution`); absent when switched off (`--no-attribution`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<attribution::AttributionOut>,
}

/// Adaptive stopping (`deter run --until-ci`), see docs/SWEEPS.md.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoppingOut {
    /// Target 95% Wilson half-width of every headline probability.
    pub target_half_width: f64,
    /// Runs added between checks.
    pub block: u64,
    pub max_runs: u64,
    pub runs: u64,
    /// "target_reached" or "max_runs".
    pub reason: &'static str,
    /// The headline probability with the widest interval at the stop, and its half-width.
    pub widest: &'static str,
    pub widest_half_width: f64,
    /// Which rows the rule watched, in words (`engine::until::WATCHED`; a comparison's:
    /// `WATCHED_PAIRED`): the others keep the intervals the runs give them.
    pub watched: &'static str,
}

impl From<&crate::engine::until::Stopping> for StoppingOut {
    fn from(s: &crate::engine::until::Stopping) -> Self {
        Self {
            target_half_width: finite(s.target),
            block: s.block,
            max_runs: s.max_runs,
            runs: s.runs,
            reason: s.reason.as_str(),
            widest: s.widest,
            widest_half_width: finite(s.widest_half_width),
            watched: s.watched,
        }
    }
}

/// A dated policy of the scenario as the runs applied it (`policies`, docs/OUTPUT.md; read
/// back from a partial file's header).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicyOut {
    pub id: String,
    pub name: String,
    /// The start month as written (`YYYY-MM`).
    pub start: String,
    /// Years its changes ramp over (0: at once).
    pub ramp_years: f64,
    /// False for a policy switched off (`enabled = false`): never applied.
    pub enabled: bool,
    /// The month it took effect in the runs (`YYYY-MM`: its start, or the scenario's first
    /// month for a policy dated before it); `null` when it never did (disabled, or dated at
    /// or after the horizon's end).
    pub in_effect_from: Option<String>,
    /// Why `in_effect_from` is null (the report's rule for a value undefined on purpose:
    /// `KEY_undefined` beside it); null when it is not.
    pub in_effect_from_undefined: Option<String>,
    /// Its parameter changes in file order: `path`, `op` (`set`, `add` or `scale`), `value`.
    pub changes: Vec<PolicyChangeOut>,
    /// Alliance accessions: `alliance`, `member`.
    pub joins: Vec<PolicyJoinOut>,
    /// The policy in words, as `deter compare`'s `changes` describes it.
    pub summary: String,
}

/// One parameter change of a [`PolicyOut`].
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicyChangeOut {
    pub path: String,
    pub op: String,
    pub value: f64,
}

/// One alliance accession of a [`PolicyOut`].
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicyJoinOut {
    pub alliance: String,
    pub member: String,
}

impl PolicyOut {
    /// The policies of `s` (validated, after overrides; not pruned: every policy written),
    /// in file order.
    pub fn of(s: &crate::scenario::Scenario) -> Vec<Self> {
        let steps = i64::from(s.meta.horizon_years) * i64::from(STEPS_PER_YEAR);
        s.policies
            .iter()
            .map(|p| {
                let months = s.meta.start.months_until(p.start);
                let in_effect_from = (p.enabled && months < steps).then(|| {
                    if months < 0 { s.meta.start } else { p.start }.to_string()
                });
                let past = s.meta.start.plus_months(steps);
                let in_effect_from_undefined = if !p.enabled {
                    Some("never applied: disabled".to_string())
                } else if in_effect_from.is_none() {
                    Some(format!(
                        "never applied: dated at or after the horizon's end ({past})"
                    ))
                } else {
                    None
                };
                Self {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    start: p.start.to_string(),
                    ramp_years: finite(p.ramp_years),
                    enabled: p.enabled,
                    in_effect_from,
                    in_effect_from_undefined,
                    changes: p
                        .changes
                        .iter()
                        .map(|c| {
                            let (op, value) = match c.op {
                                crate::scenario::ChangeOp::Set(v) => ("set", v),
                                crate::scenario::ChangeOp::Add(v) => ("add", v),
                                crate::scenario::ChangeOp::Scale(v) => ("scale", v),
                            };
                            PolicyChangeOut {
                                path: c.path.clone(),
                                op: op.to_string(),
                                value: finite(value),
                            }
                        })
                        .collect(),
                    joins: p
                        .joins
                        .iter()
                        .map(|&(a, m)| PolicyJoinOut {
                            alliance: s.alliances[a].id.clone(),
                            member: s.actor_id(m).to_string(),
                        })
                        .collect(),
                    summary: crate::scenario::diff::describe_policy(s, p),
                }
            })
            .collect()
    }

    /// The policy in a few words for a header line: `id` from `YYYY-MM` (over N years), or
    /// why it was not applied.
    pub fn brief(&self) -> String {
        match &self.in_effect_from {
            Some(from) => {
                let ramp = if self.ramp_years > 0.0 {
                    let unit = if self.ramp_years == 1.0 { "year" } else { "years" };
                    format!(" over {} {unit}", self.ramp_years)
                } else {
                    String::new()
                };
                format!("{} from {from}{ramp}", self.id)
            }
            None if !self.enabled => format!("{} (disabled: not applied)", self.id),
            None => format!(
                "{} (from {}, after the horizon: not applied)",
                self.id, self.start
            ),
        }
    }
}

/// What a report needs besides the aggregate.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub scenario_sha256: String,
    pub seed: u64,
    pub wall_seconds: f64,
    pub threads: usize,
    /// The scenario's dated policies as written, before pruning ([`PolicyOut::of`] of the
    /// scenario given, not of the compiled one, which may have dropped some): the report's
    /// `policies`. Report data, computed by the caller from the scenario, never kept in the
    /// model.
    pub policies: Vec<PolicyOut>,
}

/// Share of runs with exactly k crisis opportunities, k = 0 ..= the largest count seen
/// (exact for any count: counts beyond the dense bins come from the histogram's overflow).
fn crises_histogram(t: &Tally) -> Vec<f64> {
    let h = &t.crises().histogram;
    let n = h.n().max(1) as f64;
    let last = h.overflow().last().map_or_else(
        || h.counts().iter().rposition(|&c| c > 0).unwrap_or(0) as u64,
        |(v, _)| v,
    );
    (0..=last)
        .map(|k| finite(h.count_of(k) as f64 / n))
        .collect()
}

/// Share of runs with no use of force by the end of month m + 1, m = 0 .. steps - 1 (the
/// survival curve; the last value is `years_to_first_use_of_force.censored_share`).
fn survival_by_month(t: &Tally, steps: u32) -> Vec<f64> {
    let h = &t.first_force_month;
    let n = h.n();
    let mut used = 0u64;
    (0..steps as usize)
        .map(|m| {
            used += h.counts().get(m).copied().unwrap_or(0);
            if n == 0 {
                1.0
            } else {
                finite((n - used) as f64 / n as f64)
            }
        })
        .collect()
}

fn escalation(t: &Tally, runs: u64) -> [f64; 6] {
    let mut out = [0.0; 6];
    for (o, &c) in out.iter_mut().zip(&t.max_level) {
        *o = if runs == 0 {
            0.0
        } else {
            finite(c as f64 / runs as f64)
        };
    }
    out
}

impl Report {
    /// Build the report of `compiled` from its aggregate `agg` (all runs merged) and the run's
    /// settings `info`. Pure: the same inputs give the same report.
    pub fn build(compiled: &Compiled, agg: &Aggregate, info: &RunInfo) -> Self {
        let s = &compiled.scenario;
        let runs = agg.runs;
        let steps = agg.steps;
        let rivalries = s
            .rivalries
            .iter()
            .zip(&agg.rivalries)
            .map(|(r, t)| {
                let cost_composition = LevelsOut::from_tally(t);
                RivalryOut {
                id: r.id.clone(),
                challenger: s.countries[r.challenger].id.clone(),
                target: s.countries[r.target].id.clone(),
                outcomes: Outcomes::from_tally(t, runs),
                metrics: Metrics::from_tally(t, steps),
                cost_composition_undefined: LevelsOut::undefined(cost_composition.as_ref()),
                cost_composition,
                escalation: escalation(t, runs),
                crisis_outcomes: CrisisOutcomesOut::from_tally(t),
                mechanisms: MechanismsOut::from_tally(t),
                yearly: yearly(t, runs, &s.meta.start),
                crises_histogram: crises_histogram(t),
                survival_by_month: survival_by_month(t, steps),
                }
            })
            .collect();
        let wall = finite(info.wall_seconds.max(0.0));
        let region_levels = LevelsOut::from_tally(&agg.region);
        Self {
            schema_version: SCHEMA_VERSION,
            engine_version: crate::ENGINE_VERSION,
            scenario: s.meta.name.clone(),
            currency: s.meta.currency.clone(),
            scenario_sha256: info.scenario_sha256.clone(),
            seed: info.seed,
            runs,
            horizon_years: s.meta.horizon_years,
            steps_per_year: STEPS_PER_YEAR,
            rng: RNG_NAME,
            outcomes: Outcomes::from_tally(&agg.region, runs),
            metrics: region_metrics(compiled, agg),
            cost_composition_undefined: LevelsOut::undefined(region_levels.as_ref()),
            cost_composition: region_levels,
            escalation: escalation(&agg.region, runs),
            crisis_outcomes: CrisisOutcomesOut::from_tally(&agg.region),
            mechanisms: MechanismsOut::from_tally(&agg.region),
            yearly: yearly(&agg.region, runs, &s.meta.start),
            crises_histogram: crises_histogram(&agg.region),
            survival_by_month: survival_by_month(&agg.region, steps),
            rivalries,
            timing: Timing {
                wall_seconds: wall,
                runs_per_second: if wall > 0.0 {
                    finite(runs as f64 / wall)
                } else {
                    0.0
                },
                threads: info.threads,
                threads_asked: None,
                shard_threads: None,
            },
            stopping: None,
            overrides: Vec::new(),
            policies: info.policies.clone(),
            attribution: agg.attribution.as_ref().map(|t| {
                let ids: Vec<&str> = s.rivalries.iter().map(|r| r.id.as_str()).collect();
                attribution::AttributionOut::build(t, runs, &ids)
            }),
        }
    }
}

/// The region's metrics of a report ([`Report::metrics`]).
fn region_metrics(compiled: &Compiled, agg: &Aggregate) -> Metrics {
    Metrics {
        no_rivalry: compiled.scenario.rivalries.is_empty(),
        ..Metrics::from_tally(&agg.region, agg.steps)
    }
}

/// The part of a [`Report`] a sweep row shows: the runs, the region's outcomes and metrics
/// and, when the attribution is on, the region's attribution. Each is built by the function
/// [`Report::build`] uses for it, so a row's numbers are the report's; the rest of the report
/// (yearly bands, histograms, rivalries) is not built.
pub struct Headline {
    pub runs: u64,
    pub outcomes: Outcomes,
    pub metrics: Metrics,
    pub attribution: Option<attribution::EventsOut<attribution::EventAttributionOut>>,
}

impl Headline {
    pub fn build(compiled: &Compiled, agg: &Aggregate) -> Self {
        Self {
            runs: agg.runs,
            outcomes: Outcomes::from_tally(&agg.region, agg.runs),
            metrics: region_metrics(compiled, agg),
            attribution: agg.attribution.as_ref().map(|t| {
                attribution::EventsOut::from_tally(&t.entities[0], agg.runs)
            }),
        }
    }
}

#[cfg(test)]
mod percent_tests {
    use super::{percent, percent_signed};

    /// A tie in the JSON's decimal rounds away from zero, whichever side of it `100.0 * x`
    /// falls as a float (75.549999... for 0.7555, 1.7500000000000002 for 0.0175).
    #[test]
    fn a_tie_in_the_decimal_rounds_away_from_zero() {
        for (x, one) in [
            (0.7555, "75.6"),
            (0.9655, "96.6"),
            (0.0325, "3.3"),
            (0.0125, "1.3"),
            (0.0175, "1.8"),
            (0.0005, "0.1"),
            (0.99995, "100.0"),
            (0.00004, "0.0"),
            (1e-300, "0.0"),
            (1.0, "100.0"),
            (2.0, "200.0"),
        ] {
            assert_eq!(percent(x, 1), one, "{x}");
            assert_eq!(percent(-x, 1), format!("-{one}"), "{x}");
            assert_eq!(percent_signed(x, 1), format!("+{one}"), "{x}");
        }
        assert_eq!(percent(0.00125, 2), "0.13");
        assert_eq!(percent(0.7555, 0), "76");
        assert_eq!(percent(0.0, 1), "0.0");
        assert_eq!(percent_signed(0.0, 2), "+0.00");
        assert_eq!(percent_signed(-0.0, 1), "-0.0");
    }

    /// A share strictly between 0 and 1 never prints as 0 or 100 (trial 16: 0.9996 of runs
    /// printed "100.0%"); 0 and 1 themselves do, and the rest is `percent`'s text.
    #[test]
    fn a_share_between_zero_and_one_never_prints_as_either() {
        use super::percent_of_share;
        for (x, one, two) in [
            (0.9996, ">99.9", "99.96"),
            (0.99995, ">99.9", ">99.99"),
            (1.0 - 1e-12, ">99.9", ">99.99"),
            (1.0, "100.0", "100.00"),
            (0.0, "0.0", "0.00"),
            (7.0 / 162_298.0, "<0.1", "<0.01"),
            (0.00004, "<0.1", "<0.01"),
            (0.0005, "0.1", "0.05"),
            (0.999, "99.9", "99.90"),
            (0.5, "50.0", "50.00"),
        ] {
            assert_eq!(percent_of_share(x, 1), one, "{x}");
            assert_eq!(percent_of_share(x, 2), two, "{x}");
        }
        assert_eq!(percent_of_share(0.004, 0), "<1");
        assert_eq!(percent_of_share(0.996, 0), ">99");
    }

    /// Away from a tie it is the float's own rounding, the digits printed before.
    #[test]
    fn away_from_a_tie_it_is_the_floats_rounding() {
        let mut x = 0.000_123_456_789_f64;
        while x < 1.5 {
            for d in 0..4 {
                let v = 100.0 * x * 10f64.powi(d as i32);
                let frac = v - v.floor();
                if (frac - 0.5).abs() > 1e-6 {
                    assert_eq!(percent(x, d), format!("{:.*}", d, 100.0 * x), "{x} at {d}");
                    assert_eq!(percent(-x, d), format!("{:.*}", d, -100.0 * x), "{x} at {d}");
                }
            }
            x = x * 1.000_37 + 1.3e-7;
        }
    }
}
