//! Streaming aggregation of run records into exactly mergeable tallies.
//!
//! **Architecture Invariant:** an [`Aggregate`] has a fixed size set by the scenario (number
//! of rivalries and years), never by the number of runs, and merging two aggregates is exact
//! integer arithmetic, so the result is the same for any split of the runs.

use crate::model::{Compiled, RunRecord, STEPS_PER_YEAR};
use crate::stats::{BinLayout, Distribution, ExactMoments, Histogram};

/// Outcome events counted once per run.
pub const EVENTS: [&str; 6] = [
    "crisis",
    "threat",
    "display",
    "use_of_force",
    "war",
    "deterrence_held",
];

/// Histogram layouts, fixed so that shards always agree.
pub const COUNT_LAYOUT: BinLayout = BinLayout::Integer { bins: 257 };
pub const GDP_LAYOUT: BinLayout = BinLayout::Log {
    lo: 1e-4,
    hi: 1e6,
    bins: 500,
};
pub const BALANCE_LAYOUT: BinLayout = BinLayout::Log {
    lo: 1e-6,
    hi: 1e6,
    bins: 600,
};
pub const TENSION_LAYOUT: BinLayout = BinLayout::Linear {
    lo: 0.0,
    hi: 1.0,
    bins: 200,
};

/// Everything tallied for one rivalry, or for the whole region.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Runs in which each of [`EVENTS`] happened.
    pub events: [u64; 6],
    /// Runs by highest MID level reached (0..=5).
    pub max_level: [u64; 6],
    pub crises: Distribution,
    pub disputes: Distribution,
    /// Month of first use of force; the last bin (= horizon in months) means "none".
    pub first_force_month: Histogram,
    /// Years to first use of force, censored at the horizon (restricted mean).
    pub first_force_years: ExactMoments,
    pub gdp_lost: Distribution,
    pub final_balance: Distribution,
    /// Sums of the challenger's expected costs by level: military, political, economic.
    pub level_costs: [ExactMoments; 3],
    /// Crises by outcome (general deterrence, immediate deterrence, coercion, limited, war).
    pub crisis_outcomes: [u64; 5],
    pub commitments_invoked: u64,
    pub commitments_honoured: u64,
    pub sanctions_imposed: u64,
    pub sanctions_succeeded: u64,
    /// (opportunities, challenges) after a concession and after the target stood firm.
    pub after_concession: [u64; 2],
    pub after_firm: [u64; 2],
    /// Per year: tension and balance at the year's end (empty for the region).
    pub yearly_tension: Vec<Histogram>,
    pub yearly_balance: Vec<Histogram>,
}

impl Tally {
    fn new(steps: u32, years: usize) -> Self {
        Self {
            events: [0; 6],
            max_level: [0; 6],
            crises: Distribution::new(COUNT_LAYOUT),
            disputes: Distribution::new(COUNT_LAYOUT),
            first_force_month: Histogram::new(BinLayout::Integer {
                bins: steps as usize + 1,
            }),
            first_force_years: ExactMoments::new(),
            gdp_lost: Distribution::new(GDP_LAYOUT),
            final_balance: Distribution::new(BALANCE_LAYOUT),
            level_costs: Default::default(),
            crisis_outcomes: [0; 5],
            commitments_invoked: 0,
            commitments_honoured: 0,
            sanctions_imposed: 0,
            sanctions_succeeded: 0,
            after_concession: [0; 2],
            after_firm: [0; 2],
            yearly_tension: vec![Histogram::new(TENSION_LAYOUT); years],
            yearly_balance: vec![Histogram::new(BALANCE_LAYOUT); years],
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record_run(
        &mut self,
        max_level: u8,
        crises: u32,
        disputes: u32,
        first_force: Option<u32>,
        steps: u32,
        gdp_lost: f64,
        balance: f64,
    ) {
        let flags = [
            max_level >= 1,
            max_level >= 2,
            max_level >= 3,
            max_level >= 4,
            max_level >= 5,
            max_level < 4,
        ];
        for (count, flag) in self.events.iter_mut().zip(flags) {
            *count += u64::from(flag);
        }
        self.max_level[max_level.min(5) as usize] += 1;
        self.crises.record(crises as f64);
        self.disputes.record(disputes as f64);
        let month = first_force.unwrap_or(steps).min(steps);
        self.first_force_month.record_count(month);
        self.first_force_years
            .record(month as f64 / STEPS_PER_YEAR as f64);
        self.gdp_lost.record(gdp_lost);
        self.final_balance.record(balance);
    }

    fn merge(&mut self, o: &Tally) {
        for (a, b) in self.events.iter_mut().zip(o.events) {
            *a += b;
        }
        for (a, b) in self.max_level.iter_mut().zip(o.max_level) {
            *a += b;
        }
        self.crises.merge(&o.crises);
        self.disputes.merge(&o.disputes);
        self.first_force_month.merge(&o.first_force_month);
        self.first_force_years.merge(&o.first_force_years);
        self.gdp_lost.merge(&o.gdp_lost);
        self.final_balance.merge(&o.final_balance);
        for (a, b) in self.level_costs.iter_mut().zip(&o.level_costs) {
            a.merge(b);
        }
        for (a, b) in self.crisis_outcomes.iter_mut().zip(o.crisis_outcomes) {
            *a += b;
        }
        self.commitments_invoked += o.commitments_invoked;
        self.commitments_honoured += o.commitments_honoured;
        self.sanctions_imposed += o.sanctions_imposed;
        self.sanctions_succeeded += o.sanctions_succeeded;
        for i in 0..2 {
            self.after_concession[i] += o.after_concession[i];
            self.after_firm[i] += o.after_firm[i];
        }
        for (a, b) in self.yearly_tension.iter_mut().zip(&o.yearly_tension) {
            a.merge(b);
        }
        for (a, b) in self.yearly_balance.iter_mut().zip(&o.yearly_balance) {
            a.merge(b);
        }
    }
}

/// The aggregate of any number of runs of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub runs: u64,
    pub steps: u32,
    pub region: Tally,
    pub rivalries: Vec<Tally>,
}

impl Aggregate {
    pub fn new(compiled: &Compiled) -> Self {
        let steps = compiled.steps();
        let years = compiled.scenario.meta.horizon_years as usize;
        Self {
            runs: 0,
            steps,
            region: Tally::new(steps, 0),
            rivalries: vec![Tally::new(steps, years); compiled.scenario.rivalries.len()],
        }
    }

    /// Approximate heap size of one aggregate of `compiled`, in bytes. Each worker holds one,
    /// so this bounds a run's memory before it starts ([`super::check_memory`]).
    pub fn estimated_bytes(compiled: &Compiled) -> u64 {
        let bins = |l: BinLayout| -> u64 {
            let n = match l {
                BinLayout::Linear { bins, .. } | BinLayout::Integer { bins } => bins.max(1),
                BinLayout::Log { bins, .. } => bins.max(1) + 1,
            };
            n as u64
        };
        let steps = u64::from(compiled.steps());
        let years = u64::from(compiled.scenario.meta.horizon_years);
        let tally =
            8 * (2 * bins(COUNT_LAYOUT) + steps + 1 + bins(GDP_LAYOUT) + bins(BALANCE_LAYOUT) + 64);
        let yearly = 8 * years * (bins(TENSION_LAYOUT) + bins(BALANCE_LAYOUT));
        tally + compiled.scenario.rivalries.len() as u64 * (tally + yearly)
    }

    /// Fold one run in. Does not allocate.
    pub fn record(&mut self, run: &RunRecord) {
        self.runs += 1;
        let steps = self.steps;
        let mut region_crises = 0u32;
        let mut region_disputes = 0u32;
        let mut region_force: Option<u32> = None;
        let mut region_gdp = 0.0;
        let mut region_balance: f64 = 0.0;
        let region = &mut self.region;
        for (tally, r) in self.rivalries.iter_mut().zip(&run.rivalries) {
            tally.record_run(
                r.max_level,
                r.crises,
                r.disputes,
                r.first_force_step,
                steps,
                r.gdp_lost,
                r.final_balance,
            );
            let costs = [
                r.level_costs.military,
                r.level_costs.political,
                r.level_costs.economic,
            ];
            for t in [&mut *tally, &mut *region] {
                for (acc, x) in t.level_costs.iter_mut().zip(costs) {
                    if r.decisions > 0 {
                        acc.record(x);
                    }
                }
                for (acc, x) in t.crisis_outcomes.iter_mut().zip(r.outcomes) {
                    *acc += u64::from(x);
                }
                t.commitments_invoked += u64::from(r.commitments_invoked);
                t.commitments_honoured += u64::from(r.commitments_honoured);
                t.sanctions_imposed += u64::from(r.sanctions_imposed);
                t.sanctions_succeeded += u64::from(r.sanctions_succeeded);
                t.after_concession[0] += u64::from(r.after_concession.0);
                t.after_concession[1] += u64::from(r.after_concession.1);
                t.after_firm[0] += u64::from(r.after_firm.0);
                t.after_firm[1] += u64::from(r.after_firm.1);
            }
            for (h, &x) in tally.yearly_tension.iter_mut().zip(&r.yearly_tension) {
                h.record(x);
            }
            for (h, &x) in tally.yearly_balance.iter_mut().zip(&r.yearly_balance) {
                h.record(x);
            }
            region_crises += r.crises;
            region_disputes += r.disputes;
            region_force = match (region_force, r.first_force_step) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            region_gdp += r.gdp_lost;
            region_balance = region_balance.max(r.final_balance);
        }
        region.record_run(
            run.max_level(),
            region_crises,
            region_disputes,
            region_force,
            steps,
            region_gdp,
            region_balance,
        );
    }

    /// Bytes held by this aggregate, heap included. Depends on the scenario (rivalries,
    /// horizon), never on the number of runs recorded.
    pub fn footprint_bytes(&self) -> usize {
        let hist = |h: &Histogram| std::mem::size_of::<Histogram>() + h.counts().len() * 8;
        let dist =
            |d: &Distribution| std::mem::size_of::<Distribution>() + d.histogram.counts().len() * 8;
        let tally = |t: &Tally| {
            std::mem::size_of::<Tally>()
                + dist(&t.crises)
                + dist(&t.disputes)
                + dist(&t.gdp_lost)
                + dist(&t.final_balance)
                + hist(&t.first_force_month)
                + t.yearly_tension.iter().map(hist).sum::<usize>()
                + t.yearly_balance.iter().map(hist).sum::<usize>()
        };
        std::mem::size_of::<Self>()
            + tally(&self.region)
            + self.rivalries.iter().map(tally).sum::<usize>()
    }

    pub fn merge(&mut self, other: &Aggregate) {
        self.runs += other.runs;
        self.region.merge(&other.region);
        for (a, b) in self.rivalries.iter_mut().zip(&other.rivalries) {
            a.merge(b);
        }
    }
}
