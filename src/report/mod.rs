//! Reports: the output contract (docs/OUTPUT.md) and one exporter per format.
//!
//! [`Report`] is built from an [`Aggregate`] at the edge; engine types never derive
//! `Serialize`. **Architecture Invariant:** no NaN or infinity reaches a report: every float
//! goes through [`finite`].

pub mod charts;
pub mod compare;
pub mod csv;
pub mod html;
pub mod json;
pub mod sweep;
pub mod table;

use serde::Serialize;

use crate::engine::{Aggregate, RNG_NAME, Tally};
use crate::model::{Compiled, CrisisOutcome, STEPS_PER_YEAR};
use crate::stats::{Distribution, Histogram, Proportion, wilson};

/// Version of the JSON layout; bumped only by breaking changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Replace NaN and infinities (which JSON cannot carry) by 0 and the largest finite value.
pub fn finite(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(f64::MIN, f64::MAX)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProbabilityOut {
    pub p: f64,
    pub lo: f64,
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

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Outcomes {
    pub crisis: ProbabilityOut,
    pub threat: ProbabilityOut,
    pub display: ProbabilityOut,
    pub use_of_force: ProbabilityOut,
    pub war: ProbabilityOut,
    pub deterrence_held: ProbabilityOut,
}

impl Outcomes {
    fn from_tally(t: &Tally, runs: u64) -> Self {
        let p = |i: usize| ProbabilityOut::from(wilson(t.events[i], runs));
        Self {
            crisis: p(0),
            threat: p(1),
            display: p(2),
            use_of_force: p(3),
            war: p(4),
            deterrence_held: p(5),
        }
    }

    /// (key, value) pairs in the documented order.
    pub fn entries(&self) -> [(&'static str, &ProbabilityOut); 6] {
        [
            ("crisis", &self.crisis),
            ("threat", &self.threat),
            ("display", &self.display),
            ("use_of_force", &self.use_of_force),
            ("war", &self.war),
            ("deterrence_held", &self.deterrence_held),
        ]
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MetricOut {
    pub mean: f64,
    pub sd: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

impl MetricOut {
    fn from_distribution(d: &Distribution) -> Self {
        let s = d.summary();
        Self {
            mean: finite(s.mean),
            sd: finite(s.sd),
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
    pub sd: f64,
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
            sd: finite(t.first_force_years.sd()),
            p05: years(0.05),
            p50: years(0.5),
            p95: years(0.95),
            censored_share: finite(censored),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metrics {
    /// Crisis opportunities per run.
    pub crises: MetricOut,
    /// Challenges (MID level >= 2) per run.
    pub disputes: MetricOut,
    pub years_to_first_use_of_force: TimeToForceOut,
    /// GDP lost to crises, sanctions and war, in the scenario's currency unit (bn).
    pub gdp_lost: MetricOut,
    /// M_A / M_T at the end of the horizon (region: the most challenger-favourable rivalry).
    pub final_balance: MetricOut,
}

impl Metrics {
    fn from_tally(t: &Tally, steps: u32) -> Self {
        Self {
            crises: MetricOut::from_distribution(&t.crises),
            disputes: MetricOut::from_distribution(&t.disputes),
            years_to_first_use_of_force: TimeToForceOut::from_tally(t, steps),
            gdp_lost: MetricOut::from_distribution(&t.gdp_lost),
            final_balance: MetricOut::from_distribution(&t.final_balance),
        }
    }
}

/// Shares of the challenger's expected cost of challenging, by level of deterrence.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelsOut {
    pub military: f64,
    pub political: f64,
    pub economic: f64,
}

impl LevelsOut {
    fn from_tally(t: &Tally) -> Self {
        let sums = [
            t.level_costs[0].sum(),
            t.level_costs[1].sum(),
            t.level_costs[2].sum(),
        ];
        let total: f64 = sums.iter().sum();
        let share = |x: f64| if total > 0.0 { finite(x / total) } else { 0.0 };
        Self {
            military: share(sums[0]),
            political: share(sums[1]),
            economic: share(sums[2]),
        }
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

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SharedOut {
    pub invoked: u64,
    pub honoured: ProbabilityOut,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MechanismsOut {
    /// Allied commitments drawn at use of force, and the share honoured.
    pub commitments: SharedOut,
    /// Sanctions imposed at a display of force, and the share after which the challenger backed down.
    pub sanctions: SharedOut,
    /// Probability that the next crisis opportunity is a challenge, after the target conceded
    /// and after it stood firm.
    pub challenge_after_concession: ProbabilityOut,
    pub challenge_after_firmness: ProbabilityOut,
}

impl MechanismsOut {
    fn from_tally(t: &Tally) -> Self {
        Self {
            commitments: SharedOut {
                invoked: t.commitments_invoked,
                honoured: wilson(t.commitments_honoured, t.commitments_invoked).into(),
            },
            sanctions: SharedOut {
                invoked: t.sanctions_imposed,
                honoured: wilson(t.sanctions_succeeded, t.sanctions_imposed).into(),
            },
            challenge_after_concession: wilson(t.after_concession[1], t.after_concession[0]).into(),
            challenge_after_firmness: wilson(t.after_firm[1], t.after_firm[0]).into(),
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
    fn from_histogram(h: &Histogram) -> Self {
        let q = |x: f64| finite(h.quantile(x));
        Self {
            p05: q(0.05),
            p25: q(0.25),
            p50: q(0.5),
            p75: q(0.75),
            p95: q(0.95),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct YearOut {
    /// Calendar year whose end the band describes.
    pub year: i32,
    pub tension: BandOut,
    pub balance: BandOut,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RivalryOut {
    pub id: String,
    pub challenger: String,
    pub target: String,
    pub outcomes: Outcomes,
    pub metrics: Metrics,
    pub deterrence_levels: LevelsOut,
    /// Share of runs whose highest MID level was 0 (no opportunity), 1 (no challenge), 2..5.
    pub escalation: [f64; 6],
    pub crisis_outcomes: CrisisOutcomesOut,
    pub mechanisms: MechanismsOut,
    pub yearly: Vec<YearOut>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Timing {
    pub wall_seconds: f64,
    pub runs_per_second: f64,
    pub threads: usize,
}

/// The result of `deter run` (docs/OUTPUT.md).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    pub engine_version: &'static str,
    pub scenario: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub runs: u64,
    pub horizon_years: u32,
    pub steps_per_year: u32,
    pub rng: &'static str,
    pub outcomes: Outcomes,
    pub metrics: Metrics,
    pub deterrence_levels: LevelsOut,
    pub escalation: [f64; 6],
    pub crisis_outcomes: CrisisOutcomesOut,
    pub mechanisms: MechanismsOut,
    pub rivalries: Vec<RivalryOut>,
    pub timing: Timing,
    /// Present only with `--until-ci`: how many runs adaptive stopping took and why it stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopping: Option<StoppingOut>,
    /// Present only with `--set` (Python: `set=`): each what-if applied to the scenario
    /// before the run, with the value it replaced (`scenario::overrides`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<crate::scenario::overrides::Applied>,
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
    pub fn build(compiled: &Compiled, agg: &Aggregate, info: &RunInfo) -> Self {
        let s = &compiled.scenario;
        let runs = agg.runs;
        let steps = agg.steps;
        let rivalries = s
            .rivalries
            .iter()
            .zip(&agg.rivalries)
            .map(|(r, t)| RivalryOut {
                id: r.id.clone(),
                challenger: s.countries[r.challenger].id.clone(),
                target: s.countries[r.target].id.clone(),
                outcomes: Outcomes::from_tally(t, runs),
                metrics: Metrics::from_tally(t, steps),
                deterrence_levels: LevelsOut::from_tally(t),
                escalation: escalation(t, runs),
                crisis_outcomes: CrisisOutcomesOut::from_tally(t),
                mechanisms: MechanismsOut::from_tally(t),
                yearly: t
                    .yearly_tension
                    .iter()
                    .zip(&t.yearly_balance)
                    .enumerate()
                    .map(|(y, (ht, hb))| YearOut {
                        year: s.meta.start.year + y as i32 + i32::from(s.meta.start.month > 1),
                        tension: BandOut::from_histogram(ht),
                        balance: BandOut::from_histogram(hb),
                    })
                    .collect(),
            })
            .collect();
        let wall = finite(info.wall_seconds.max(0.0));
        Self {
            schema_version: SCHEMA_VERSION,
            engine_version: crate::ENGINE_VERSION,
            scenario: s.meta.name.clone(),
            scenario_sha256: info.scenario_sha256.clone(),
            seed: info.seed,
            runs,
            horizon_years: s.meta.horizon_years,
            steps_per_year: STEPS_PER_YEAR,
            rng: RNG_NAME,
            outcomes: Outcomes::from_tally(&agg.region, runs),
            metrics: Metrics::from_tally(&agg.region, steps),
            deterrence_levels: LevelsOut::from_tally(&agg.region),
            escalation: escalation(&agg.region, runs),
            crisis_outcomes: CrisisOutcomesOut::from_tally(&agg.region),
            mechanisms: MechanismsOut::from_tally(&agg.region),
            rivalries,
            timing: Timing {
                wall_seconds: wall,
                runs_per_second: if wall > 0.0 {
                    finite(runs as f64 / wall)
                } else {
                    0.0
                },
                threads: info.threads,
            },
            stopping: None,
            overrides: Vec::new(),
        }
    }
}
