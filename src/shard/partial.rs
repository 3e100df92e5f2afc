//! The partial file a shard writes and `deter merge` reads (documented in docs/CLUSTER.md).
//!
//! A partial file is JSON with four top-level keys, one per line:
//! - `header`: what must agree between the shards of one invocation (format version, engine
//!   version and build, RNG, kind, input hash, seed, runs, points, units, n) plus this
//!   shard's `k` and its index range;
//! - `timing`: this shard's wall time and threads (informative; never compared);
//! - `parts`: one exactly mergeable aggregate per point touched by the shard (one for `run`);
//! - `source`: the input file's path and text, so that a merge job can rebuild the scenario.
//!
//! Exact encoding: counts are JSON integers (u64; at most [`crate::MAX_RUNS`] times a per-run
//! count, far below 2^53, so even readers that use doubles read them exactly); the fixed-point
//! sums of [`ExactMoments`] are `i128` and are written as decimal strings; histograms list
//! their non-zero bins as `[index, count]` pairs.
//!
//! **Architecture Invariant:** engine types do not derive `Serialize`; this module mirrors
//! them in its own types and converts at the edge. Every conversion destructures the engine
//! type completely, so a field added to [`Tally`] fails to compile here until the file
//! format carries it.

use serde::{Deserialize, Serialize};

use crate::engine::{Aggregate, Tally};
use crate::stats::{Distribution, ExactMoments, Histogram};

/// The value of `header.format`.
pub const FORMAT: &str = "deter-partial";
/// The value of `header.format_version`; bumped by any change a reader must know about.
pub const FORMAT_VERSION: u32 = 1;

/// What was sharded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `deter run`: one point, `units = runs`.
    Run,
    /// `deter sweep`: `points` points of `runs` runs; unit `p * runs + i` is run `i` of point `p`.
    Sweep,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
        }
    }
}

/// Command-line overrides applied to the input after loading it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    pub horizon_years: Option<u32>,
}

/// This shard's place in the invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardHeader {
    pub k: u64,
    pub n: u64,
    /// Half-open range `first..end` of global work indices.
    pub first: u64,
    pub end: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    pub engine_version: String,
    /// SHA-256 of the deter executable that wrote the file: the crate version alone does not
    /// pin the numerics of a development build, and another compiler or libm may round
    /// differently. Shards of one merge must come from the same binary.
    pub engine_build: String,
    pub rng: String,
    pub kind: Kind,
    /// SHA-256 of the validated input after overrides (the report's `scenario_sha256`).
    pub sha256: String,
    pub overrides: Overrides,
    pub seed: u64,
    /// Runs per point.
    pub runs: u64,
    /// Points (1 for `run`).
    pub points: u64,
    /// Global work units, `points * runs`.
    pub units: u64,
    pub shard: ShardHeader,
}

impl Header {
    /// The first field (other than this shard's own position) in which `self` differs from
    /// `other`, as `(name, self's value, other's value)`.
    pub fn mismatch(&self, other: &Header) -> Option<(&'static str, String, String)> {
        fn cmp<T: PartialEq + std::fmt::Debug>(
            name: &'static str,
            a: &T,
            b: &T,
        ) -> Option<(&'static str, String, String)> {
            (a != b).then(|| (name, format!("{a:?}"), format!("{b:?}")))
        }
        cmp(
            "format_version",
            &self.format_version,
            &other.format_version,
        )
        .or_else(|| {
            cmp(
                "engine_version",
                &self.engine_version,
                &other.engine_version,
            )
        })
        .or_else(|| {
            cmp(
                "engine_build (the sha256 of the deter binary; a rebuild changes it)",
                &self.engine_build,
                &other.engine_build,
            )
        })
        .or_else(|| cmp("rng", &self.rng, &other.rng))
        .or_else(|| cmp("kind", &self.kind, &other.kind))
        .or_else(|| {
            cmp(
                "sha256 (of the validated input)",
                &self.sha256,
                &other.sha256,
            )
        })
        .or_else(|| cmp("overrides", &self.overrides, &other.overrides))
        .or_else(|| cmp("seed", &self.seed, &other.seed))
        .or_else(|| cmp("runs", &self.runs, &other.runs))
        .or_else(|| cmp("points", &self.points, &other.points))
        .or_else(|| cmp("units", &self.units, &other.units))
        .or_else(|| cmp("shard count n", &self.shard.n, &other.shard.n))
    }
}

/// Informative timing of one shard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    pub wall_seconds: f64,
    pub threads: usize,
}

/// The input file the shard read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The path as given on the command line (shown in the table report).
    pub path: String,
    /// The absolute path when the shard ran: where a merge looks first.
    pub absolute_path: String,
    /// The file's text: the fallback when the file has moved or changed since.
    pub text: String,
}

/// The runs `first_run .. first_run + aggregate.runs` of one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub point: u64,
    pub first_run: u64,
    pub aggregate: AggregatePart,
}

/// A whole partial file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialFile {
    pub header: Header,
    pub timing: Timing,
    pub parts: Vec<Part>,
    pub source: Source,
}

impl PartialFile {
    /// The file's bytes: one top-level key per line, so that `head -n 2` shows the header.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::from("{\n");
        out += &format!("\"header\":{},\n", json(&self.header));
        out += &format!("\"timing\":{},\n", json(&self.timing));
        out += "\"parts\":[";
        for (i, p) in self.parts.iter().enumerate() {
            out += if i == 0 { "\n" } else { ",\n" };
            out += &json(p);
        }
        out += "\n],\n";
        out += &format!("\"source\":{}\n}}\n", json(&self.source));
        out.into_bytes()
    }

    /// Read a partial file. The error says what is wrong, without the file name (the caller
    /// adds it).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("not a deter partial file: invalid JSON ({e})"))?;
        let header = value.get("header");
        let format = header
            .and_then(|h| h.get("format"))
            .and_then(|f| f.as_str());
        if format != Some(FORMAT) {
            return Err(format!(
                "not a deter partial file (no header.format = \"{FORMAT}\"); partial files \
                 are written by `deter run|sweep FILE --shard K/N --out PART`"
            ));
        }
        let version = header
            .and_then(|h| h.get("format_version"))
            .and_then(|v| v.as_u64());
        if version != Some(u64::from(FORMAT_VERSION)) {
            let engine = header
                .and_then(|h| h.get("engine_version"))
                .and_then(|v| v.as_str())
                .unwrap_or("unknown");
            return Err(format!(
                "partial format version {} (written by deter {engine}); this deter {} reads \
                 version {FORMAT_VERSION}: merge with the deter that wrote the shards",
                version.map_or("missing".to_string(), |v| v.to_string()),
                crate::ENGINE_VERSION
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("damaged partial file: {e}"))
    }
}

/// SHA-256 (hex) of the running executable, or `"unknown"` if it cannot be read.
pub fn engine_build() -> String {
    use sha2::{Digest, Sha256};
    std::env::current_exe()
        .and_then(std::fs::read)
        .map(|bytes| {
            Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .unwrap_or_else(|_| "unknown".into())
}

/// Compact JSON of a partial-file type. These always serialise: no maps, and the only float
/// (`timing.wall_seconds`) is made finite by the writer (serde_json would write NaN as null).
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("partial-file types always serialise")
}

/// [`ExactMoments`] with its `i128` sums as decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MomentsPart {
    pub n: u64,
    pub sum: String,
    pub sum_sq: String,
}

impl MomentsPart {
    fn from_moments(m: &ExactMoments) -> Self {
        let (n, sum, sum_sq) = m.to_parts();
        Self {
            n,
            sum: sum.to_string(),
            sum_sq: sum_sq.to_string(),
        }
    }

    pub fn to_moments(&self, at: &str) -> Result<ExactMoments, String> {
        let int = |s: &str, what: &str| {
            s.parse::<i128>()
                .map_err(|_| format!("{at}.{what}: `{s}` is not a decimal integer"))
        };
        let sum_sq = int(&self.sum_sq, "sum_sq")?;
        if sum_sq < 0 {
            return Err(format!("{at}.sum_sq: a sum of squares cannot be negative"));
        }
        Ok(ExactMoments::from_parts(
            self.n,
            int(&self.sum, "sum")?,
            sum_sq,
        ))
    }
}

/// A histogram as its number of bins and its non-zero bins, `[index, count]` in index order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistogramPart {
    pub bins: usize,
    pub nonzero: Vec<(usize, u64)>,
}

impl HistogramPart {
    fn from_histogram(h: &Histogram) -> Self {
        Self {
            bins: h.counts().len(),
            nonzero: h
                .counts()
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .map(|(i, &c)| (i, c))
                .collect(),
        }
    }

    /// Rebuild with the layout of `template` (the layout is fixed by the engine version and
    /// the scenario, both checked in the header; the bin count is checked again here).
    fn to_histogram(&self, template: &Histogram, at: &str) -> Result<Histogram, String> {
        let len = template.counts().len();
        if self.bins != len {
            return Err(format!(
                "{at}: {} bins, but this scenario's histogram has {len}",
                self.bins
            ));
        }
        let mut counts = vec![0u64; len];
        let mut previous: Option<usize> = None;
        let mut total: u64 = 0;
        for &(i, c) in &self.nonzero {
            if i >= len || previous.is_some_and(|p| i <= p) {
                return Err(format!(
                    "{at}: bin indices must be increasing and below {len}"
                ));
            }
            total = total
                .checked_add(c)
                .ok_or_else(|| format!("{at}: counts overflow"))?;
            counts[i] = c;
            previous = Some(i);
        }
        Histogram::from_counts(template.layout(), counts)
            .ok_or_else(|| format!("{at}: wrong number of bins"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributionPart {
    pub moments: MomentsPart,
    pub histogram: HistogramPart,
}

impl DistributionPart {
    fn from_distribution(d: &Distribution) -> Self {
        Self {
            moments: MomentsPart::from_moments(&d.moments),
            histogram: HistogramPart::from_histogram(&d.histogram),
        }
    }

    fn to_distribution(&self, template: &Distribution, at: &str) -> Result<Distribution, String> {
        let moments = self.moments.to_moments(&format!("{at}.moments"))?;
        let histogram = self
            .histogram
            .to_histogram(&template.histogram, &format!("{at}.histogram"))?;
        if moments.n != histogram.n() {
            return Err(format!(
                "{at}: moments count {} and histogram count {} differ",
                moments.n,
                histogram.n()
            ));
        }
        Ok(Distribution { moments, histogram })
    }
}

/// The mirror of [`Tally`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyPart {
    pub events: [u64; 6],
    pub max_level: [u64; 6],
    pub crises: DistributionPart,
    pub disputes: DistributionPart,
    pub first_force_month: HistogramPart,
    pub first_force_years: MomentsPart,
    pub gdp_lost: DistributionPart,
    pub final_balance: DistributionPart,
    pub level_costs: [MomentsPart; 3],
    pub crisis_outcomes: [u64; 5],
    pub commitments_invoked: u64,
    pub commitments_honoured: u64,
    pub sanctions_imposed: u64,
    pub sanctions_succeeded: u64,
    pub after_concession: [u64; 2],
    pub after_firm: [u64; 2],
    pub yearly_tension: Vec<HistogramPart>,
    pub yearly_balance: Vec<HistogramPart>,
}

impl TallyPart {
    fn from_tally(t: &Tally) -> Self {
        // Exhaustive on purpose: see the module doc.
        let Tally {
            events,
            max_level,
            crises,
            disputes,
            first_force_month,
            first_force_years,
            gdp_lost,
            final_balance,
            level_costs,
            crisis_outcomes,
            commitments_invoked,
            commitments_honoured,
            sanctions_imposed,
            sanctions_succeeded,
            after_concession,
            after_firm,
            yearly_tension,
            yearly_balance,
        } = t;
        Self {
            events: *events,
            max_level: *max_level,
            crises: DistributionPart::from_distribution(crises),
            disputes: DistributionPart::from_distribution(disputes),
            first_force_month: HistogramPart::from_histogram(first_force_month),
            first_force_years: MomentsPart::from_moments(first_force_years),
            gdp_lost: DistributionPart::from_distribution(gdp_lost),
            final_balance: DistributionPart::from_distribution(final_balance),
            level_costs: level_costs.each_ref().map(MomentsPart::from_moments),
            crisis_outcomes: *crisis_outcomes,
            commitments_invoked: *commitments_invoked,
            commitments_honoured: *commitments_honoured,
            sanctions_imposed: *sanctions_imposed,
            sanctions_succeeded: *sanctions_succeeded,
            after_concession: *after_concession,
            after_firm: *after_firm,
            yearly_tension: yearly_tension
                .iter()
                .map(HistogramPart::from_histogram)
                .collect(),
            yearly_balance: yearly_balance
                .iter()
                .map(HistogramPart::from_histogram)
                .collect(),
        }
    }

    /// Rebuild a tally shaped like `template` (an empty tally of the same scenario), holding
    /// exactly `runs` runs.
    fn to_tally(&self, template: &Tally, runs: u64, at: &str) -> Result<Tally, String> {
        let Tally {
            crises,
            disputes,
            first_force_month,
            gdp_lost,
            final_balance,
            yearly_tension,
            yearly_balance,
            ..
        } = template;
        let recorded: u64 = self
            .max_level
            .iter()
            .try_fold(0u64, |a, &b| a.checked_add(b))
            .unwrap_or(u64::MAX);
        if recorded != runs {
            return Err(format!(
                "{at}.max_level: counts sum to {recorded}, expected {runs} runs"
            ));
        }
        let years = |parts: &[HistogramPart], t: &[Histogram], name: &str| {
            if parts.len() != t.len() {
                return Err(format!(
                    "{at}.{name}: {} years, but this scenario has {}",
                    parts.len(),
                    t.len()
                ));
            }
            parts
                .iter()
                .zip(t)
                .enumerate()
                .map(|(y, (p, h))| p.to_histogram(h, &format!("{at}.{name}[{y}]")))
                .collect::<Result<Vec<_>, _>>()
        };
        let level_costs =
            [0, 1, 2].map(|i| self.level_costs[i].to_moments(&format!("{at}.level_costs[{i}]")));
        let [m, p, e] = level_costs;
        let tally = Tally {
            events: self.events,
            max_level: self.max_level,
            crises: self
                .crises
                .to_distribution(crises, &format!("{at}.crises"))?,
            disputes: self
                .disputes
                .to_distribution(disputes, &format!("{at}.disputes"))?,
            first_force_month: self
                .first_force_month
                .to_histogram(first_force_month, &format!("{at}.first_force_month"))?,
            first_force_years: self
                .first_force_years
                .to_moments(&format!("{at}.first_force_years"))?,
            gdp_lost: self
                .gdp_lost
                .to_distribution(gdp_lost, &format!("{at}.gdp_lost"))?,
            final_balance: self
                .final_balance
                .to_distribution(final_balance, &format!("{at}.final_balance"))?,
            level_costs: [m?, p?, e?],
            crisis_outcomes: self.crisis_outcomes,
            commitments_invoked: self.commitments_invoked,
            commitments_honoured: self.commitments_honoured,
            sanctions_imposed: self.sanctions_imposed,
            sanctions_succeeded: self.sanctions_succeeded,
            after_concession: self.after_concession,
            after_firm: self.after_firm,
            yearly_tension: years(&self.yearly_tension, yearly_tension, "yearly_tension")?,
            yearly_balance: years(&self.yearly_balance, yearly_balance, "yearly_balance")?,
        };
        check_once_per_run(&tally, runs, at)?;
        Ok(tally)
    }
}

/// Everything a tally records exactly once per run must hold exactly `runs` observations,
/// and no event can happen in more runs than there are: catches edited or spliced files.
fn check_once_per_run(t: &Tally, runs: u64, at: &str) -> Result<(), String> {
    if let Some(i) = t.events.iter().position(|&c| c > runs) {
        return Err(format!("{at}.events[{i}]: more than {runs} runs"));
    }
    let counts = [
        ("crises", t.crises.moments.n),
        ("disputes", t.disputes.moments.n),
        ("first_force_month", t.first_force_month.n()),
        ("first_force_years", t.first_force_years.n),
        ("gdp_lost", t.gdp_lost.moments.n),
        ("final_balance", t.final_balance.moments.n),
    ];
    let yearly = t
        .yearly_tension
        .iter()
        .map(|h| ("yearly_tension", h.n()))
        .chain(t.yearly_balance.iter().map(|h| ("yearly_balance", h.n())));
    for (name, n) in counts.into_iter().chain(yearly) {
        if n != runs {
            return Err(format!(
                "{at}.{name}: {n} observations, expected one per run ({runs})"
            ));
        }
    }
    Ok(())
}

/// The mirror of [`Aggregate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregatePart {
    pub runs: u64,
    pub steps: u32,
    pub region: TallyPart,
    pub rivalries: Vec<TallyPart>,
}

impl AggregatePart {
    pub fn from_aggregate(a: &Aggregate) -> Self {
        let Aggregate {
            runs,
            steps,
            region,
            rivalries,
        } = a;
        Self {
            runs: *runs,
            steps: *steps,
            region: TallyPart::from_tally(region),
            rivalries: rivalries.iter().map(TallyPart::from_tally).collect(),
        }
    }

    /// Rebuild the aggregate, shaped like `template` (`Aggregate::new` of the same scenario).
    pub fn to_aggregate(&self, template: &Aggregate) -> Result<Aggregate, String> {
        if self.steps != template.steps {
            return Err(format!(
                "aggregate.steps: {}, but this scenario has {}",
                self.steps, template.steps
            ));
        }
        if self.rivalries.len() != template.rivalries.len() {
            return Err(format!(
                "aggregate.rivalries: {}, but this scenario has {}",
                self.rivalries.len(),
                template.rivalries.len()
            ));
        }
        let rivalries = self
            .rivalries
            .iter()
            .zip(&template.rivalries)
            .enumerate()
            .map(|(i, (p, t))| p.to_tally(t, self.runs, &format!("aggregate.rivalries[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Aggregate {
            runs: self.runs,
            steps: self.steps,
            region: self
                .region
                .to_tally(&template.region, self.runs, "aggregate.region")?,
            rivalries,
        })
    }
}
