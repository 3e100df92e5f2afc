//! The result of `deter compare` (docs/OUTPUT.md, "Comparison"): both scenarios' reports,
//! and for every outcome P(A), P(B) and the paired difference P(B) - P(A) with a 95% interval.

use serde::Serialize;

use super::{LevelsOut, Report, Timing, finite};
use crate::compare::{Comparison, EntityPairs};
use crate::outputs::{EVENTS, METRICS, Paired, YEARS_TO_FORCE};
use crate::stats::paired::DiffInterval;

/// Method of the paired interval, recorded in every comparison.
pub const PAIRED_METHOD: &str = "Newcombe (1998) method 10 for paired proportions (Wilson score intervals, correlation-corrected); means per run: mean of the per-run differences B - A +- 1.96 standard errors, runs as units";

/// A 95% interval of a difference B - A (serialised flat, under names that say which
/// interval it is: `paired95_lo`/`paired95_hi`, `unpaired95_lo`/`unpaired95_hi`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IntervalOut {
    pub lo: f64,
    pub hi: f64,
}

/// Serialise an optional interval as two flat keys `{prefix}_lo`, `{prefix}_hi` (null when
/// there is none), for `#[serde(flatten)]` fields.
fn flat<S: serde::Serializer>(
    prefix: &str,
    i: &Option<IntervalOut>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(2))?;
    m.serialize_entry(&format!("{prefix}_lo"), &i.as_ref().map(|i| i.lo))?;
    m.serialize_entry(&format!("{prefix}_hi"), &i.as_ref().map(|i| i.hi))?;
    m.end()
}

fn paired95<S: serde::Serializer>(i: &Option<IntervalOut>, s: S) -> Result<S::Ok, S::Error> {
    flat("paired95", i, s)
}

fn unpaired95<S: serde::Serializer>(i: &Option<IntervalOut>, s: S) -> Result<S::Ok, S::Error> {
    flat("unpaired95", i, s)
}

/// One outcome under A and B.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OutcomeDiff {
    pub outcome: &'static str,
    pub p_a: f64,
    pub p_b: f64,
    /// P(B) - P(A).
    pub diff: f64,
    /// Paired 95% interval of the difference (common random numbers), JSON `paired95_lo`,
    /// `paired95_hi`; null when the sample cannot support one (`undefined` says why).
    #[serde(flatten, serialize_with = "paired95")]
    pub paired: Option<IntervalOut>,
    /// The interval two independent samples of the same size would give, for reference
    /// (JSON `unpaired95_lo`, `unpaired95_hi`).
    #[serde(flatten, serialize_with = "unpaired95")]
    pub unpaired: Option<IntervalOut>,
    /// Whether the paired interval excludes zero (never when it is undefined).
    pub excludes_zero: bool,
    /// Why there is no interval, e.g. "undefined (n = 1)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
    /// Runs where only A, only B had the outcome (the discordant pairs).
    pub a_only: u64,
    pub b_only: u64,
}

impl OutcomeDiff {
    /// Whether the outcome is the same under A and B in every pair (two runs or more and no
    /// discordant pair): the difference is exactly 0 in the sample, said
    /// [`super::UNCHANGED`] in tables and pages. Its paired interval stays: a sample of `n`
    /// pairs none discordant bounds how often the two could differ, it does not make that
    /// rate 0 (the interval is not a point; docs/OUTPUT.md, "Comparison").
    pub fn unchanged_in_every_run(&self) -> bool {
        self.undefined.is_none() && self.a_only == 0 && self.b_only == 0
    }
}

/// Mean of a per-run count under A and B, and the paired difference.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MeanDiff {
    pub metric: &'static str,
    pub mean_a: f64,
    pub mean_b: f64,
    pub diff: f64,
    /// Paired 95% interval (JSON `paired95_lo`, `paired95_hi`): the mean of the per-run
    /// differences +- 1.96 standard errors, runs as units; the difference itself when every
    /// run gave the same difference; null with fewer than two runs (`undefined` says why).
    #[serde(flatten, serialize_with = "paired95")]
    pub paired: Option<IntervalOut>,
    pub excludes_zero: bool,
    /// Why there is no interval: fewer than two runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
}

impl MeanDiff {
    /// Whether the difference is 0 in every run (two runs or more): its interval is then the
    /// point 0, said [`super::UNCHANGED`] beside it in tables and pages.
    pub fn unchanged_in_every_run(&self) -> bool {
        let p = self.paired.as_ref();
        super::unchanged_in_every_run(self.diff, p.map(|i| i.lo), p.map(|i| i.hi))
    }
}

/// The cost composition of A and of B (each None when no challenge decision had a cost:
/// undefined), and B minus A in share points (None unless both are defined); each null
/// with its reason beside it (`KEY_undefined`, [`super::COST_COMPOSITION_UNDEFINED`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelsShift {
    pub a: Option<LevelsOut>,
    pub a_undefined: Option<&'static str>,
    pub b: Option<LevelsOut>,
    pub b_undefined: Option<&'static str>,
    /// B minus A, in share points.
    pub shift: Option<LevelsOut>,
    pub shift_undefined: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityComparison {
    /// "region" or the rivalry id.
    pub entity: String,
    pub outcomes: Vec<OutcomeDiff>,
    pub metrics: Vec<MeanDiff>,
    pub cost_composition: LevelsShift,
}

/// The result of `deter compare A B` (docs/OUTPUT.md, "Comparisons"): A and B on the same seeds
/// (common random numbers), with paired intervals of every difference B - A.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ComparisonReport {
    /// JSON contract version (2).
    pub schema_version: u32,
    /// deter version that produced it.
    pub engine_version: &'static str,
    /// Master seed shared by A and B.
    pub seed: u64,
    /// Runs of each scenario (pairs).
    pub runs: u64,
    /// Random stream construction (docs/MODEL.md 3.1).
    pub rng: &'static str,
    /// How the intervals of differences are computed (paired, common random numbers).
    pub method: &'static str,
    /// Region-wide differences B - A.
    pub region: EntityComparison,
    /// Rivalries present (by id) in both scenarios.
    pub rivalries: Vec<EntityComparison>,
    /// What B changes relative to A, computed from the two validated scenarios
    /// (`scenario::diff`): every parameter that differs, entities and policies on one side
    /// only, membership. Empty for identical scenarios.
    pub changes: Vec<crate::scenario::diff::Change>,
    /// The full report of each scenario (same runs and seed).
    pub a: Report,
    /// The full report of scenario B.
    pub b: Report,
    /// Wall time of both; the only part that varies between identical invocations.
    pub timing: Timing,
    /// How B shifts which level deters: B's attribution minus A's with paired intervals
    /// (`report::attribution`); absent when the attribution is off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution_shift: Option<super::attribution::AttributionShiftOut>,
    /// Why GDP lost has no row in `metrics` (the scenarios' currency units differ:
    /// [`crate::compare::currency_mismatch`]); absent when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gdp_lost_not_compared: Option<String>,
    /// Present only with `--until-ci`: how many pairs of runs adaptive stopping took and why
    /// it stopped; the half-widths are those of the paired 95% intervals of B - A.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopping: Option<super::StoppingOut>,
}

fn interval(d: DiffInterval) -> IntervalOut {
    IntervalOut {
        lo: finite(d.lo),
        hi: finite(d.hi),
    }
}

fn entity(
    name: String,
    pairs: &EntityPairs,
    levels_a: Option<&LevelsOut>,
    levels_b: Option<&LevelsOut>,
    steps_per_year: f64,
    money: bool,
) -> EntityComparison {
    let outcomes = EVENTS
        .iter()
        .zip(&pairs.events)
        .map(|(e, t)| {
            let p = t.paired();
            let u = t.unpaired();
            let n = t.n().max(1) as f64;
            let undefined = t.undefined();
            let defined = undefined.is_none();
            OutcomeDiff {
                outcome: e.key,
                p_a: finite(t.count_a() as f64 / n),
                p_b: finite(t.count_b() as f64 / n),
                diff: finite(p.diff),
                paired: defined.then(|| interval(p)),
                unpaired: defined.then(|| interval(u)),
                excludes_zero: defined && p.excludes_zero(),
                undefined,
                a_only: t.a_only,
                b_only: t.b_only,
            }
        })
        .collect();
    let mean = |metric: &'static str, i: DiffInterval, undefined: Option<String>| MeanDiff {
        metric,
        mean_a: 0.0,
        mean_b: 0.0,
        diff: finite(i.diff),
        paired: undefined.is_none().then(|| interval(i)),
        excludes_zero: undefined.is_none() && i.excludes_zero(),
        undefined,
    };
    // Years to first use of force: the paired sums are in months.
    let months = pairs.first_force_months.interval();
    let years = DiffInterval {
        diff: months.diff / steps_per_year,
        lo: months.lo / steps_per_year,
        hi: months.hi / steps_per_year,
    };
    // In the order of METRICS; GDP lost only when both sides count it in one currency unit.
    let mut metrics: Vec<MeanDiff> = METRICS
        .iter()
        .enumerate()
        .filter_map(|(k, m)| match m.paired {
            Paired::Count => {
                let d = &pairs.metrics[k];
                Some(mean(m.key, d.interval(), d.undefined()))
            }
            Paired::Amount if money => {
                let d = &pairs.amounts[k];
                Some(mean(m.key, d.interval(), d.undefined()))
            }
            _ => None,
        })
        .collect();
    metrics.push(mean(
        YEARS_TO_FORCE,
        years,
        pairs.first_force_months.undefined(),
    ));
    let shift = levels_a.zip(levels_b).map(|(a, b)| LevelsOut {
        military: finite(b.military - a.military),
        political: finite(b.political - a.political),
        economic: finite(b.economic - a.economic),
    });
    EntityComparison {
        entity: name,
        outcomes,
        metrics,
        cost_composition: LevelsShift {
            a_undefined: LevelsOut::undefined(levels_a),
            b_undefined: LevelsOut::undefined(levels_b),
            shift_undefined: shift
                .is_none()
                .then_some("undefined (the cost composition of A or of B is)"),
            a: levels_a.cloned(),
            b: levels_b.cloned(),
            shift,
        },
    }
}

impl ComparisonReport {
    /// Record what B changes relative to A (the JSON `changes`).
    pub fn with_changes(
        mut self,
        a: &crate::scenario::Scenario,
        b: &crate::scenario::Scenario,
    ) -> Self {
        self.changes = crate::scenario::diff::differences(a, b);
        self
    }

    /// Build from the two scenarios' reports (made from `cmp.a` and `cmp.b`) and the pairs.
    pub fn build(cmp: &Comparison, a: Report, b: Report, timing: Timing) -> Self {
        let spy = f64::from(a.steps_per_year.max(1));
        let gdp_lost_not_compared = crate::compare::currency_mismatch(&a.currency, &b.currency);
        let money = gdp_lost_not_compared.is_none();
        let mut region = entity(
            "region".into(),
            &cmp.paired.region,
            a.cost_composition.as_ref(),
            b.cost_composition.as_ref(),
            spy,
            money,
        );
        fill_means(&mut region, &a.metrics, &b.metrics);
        let rivalries = cmp
            .paired
            .rivalries
            .iter()
            .zip(&cmp.pairing.rivalries)
            .map(|(pairs, &(ia, ib))| {
                let (ra, rb) = (&a.rivalries[ia], &b.rivalries[ib]);
                let mut e = entity(
                    ra.id.clone(),
                    pairs,
                    ra.cost_composition.as_ref(),
                    rb.cost_composition.as_ref(),
                    spy,
                    money,
                );
                fill_means(&mut e, &ra.metrics, &rb.metrics);
                e
            })
            .collect();
        let attribution_shift = match (&cmp.attribution, &a.attribution, &b.attribution) {
            (Some(t), Some(xa), Some(xb)) => Some(super::attribution::AttributionShiftOut::build(
                t,
                cmp.paired.runs,
                xa,
                xb,
                &cmp.pairing.rivalries,
            )),
            _ => None,
        };
        Self {
            schema_version: super::SCHEMA_VERSION,
            engine_version: crate::ENGINE_VERSION,
            seed: a.seed,
            runs: cmp.paired.runs,
            rng: crate::engine::RNG_NAME,
            method: PAIRED_METHOD,
            region,
            rivalries,
            changes: Vec::new(),
            a,
            b,
            timing,
            attribution_shift,
            gdp_lost_not_compared,
            stopping: None,
        }
    }
}

/// The means under A and B of every paired metric, from the two reports.
fn fill_means(e: &mut EntityComparison, a: &super::Metrics, b: &super::Metrics) {
    for m in &mut e.metrics {
        let (x, y) = match (a.get(m.metric), b.get(m.metric)) {
            (Some(x), Some(y)) => (x.mean, y.mean),
            _ => (
                a.years_to_first_use_of_force.mean,
                b.years_to_first_use_of_force.mean,
            ),
        };
        m.mean_a = finite(x);
        m.mean_b = finite(y);
    }
}
