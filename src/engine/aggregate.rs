//! Streaming aggregation of run records into exactly mergeable tallies.
//!
//! **Architecture Invariant:** an [`Aggregate`] has a fixed size set by the scenario (number
//! of rivalries and years), never by the number of runs, and merging two aggregates is exact
//! integer arithmetic, so the result is the same for any split of the runs.

use serde::{Deserialize, Serialize};

use crate::model::{Compiled, RivalryRecord, RunRecord, STEPS_PER_YEAR};
use crate::outputs::{
    Combine, EventSet, METRICS, N_COUNTS, N_EVENTS, N_METRICS, YEAR_COUNT_LAYOUT, event_flags,
};
use crate::stats::{BinLayout, Distribution, ExactMoments, Histogram};

#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use crate::outputs::{BALANCE_LAYOUT, COUNT_LAYOUT, GDP_LAYOUT, TENSION_LAYOUT};

/// The bytes the allocator takes for a block of `bytes` (glibc: an 8-byte header, rounded
/// up to 16, at least 32; nothing for an empty block, which Rust does not allocate).
pub fn heap_block(bytes: u64) -> u64 {
    if bytes == 0 {
        0
    } else {
        (bytes + 8).div_ceil(16).max(2) * 16
    }
}

/// Everything tallied for one rivalry, or for the whole region. Serialised as is into the
/// partial files of sharded runs (integers only; `i128` sums as decimal strings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// Runs in which each of [`crate::outputs::EVENTS`] held over the horizon.
    pub events: [u64; N_EVENTS],
    /// Per year y: runs in which each event held in year y.
    pub yearly_events: Vec<[u64; N_EVENTS]>,
    /// Per year y: runs in which each event held in years 0..=y (by the end of year y).
    pub cumulative_events: Vec<[u64; N_EVENTS]>,
    /// Per year y and each of [`crate::outputs::COUNTS`]: the distribution over runs of the
    /// number of such events in year y (exact integer sums; one bin per count up to 31).
    /// For the region: the sum over rivalries.
    pub yearly_counts: Vec<[Distribution; N_COUNTS]>,
    /// Runs by highest MID level reached (0..=5).
    pub max_level: [u64; 6],
    /// One distribution per [`crate::outputs::METRICS`] entry.
    pub metrics: [Distribution; N_METRICS],
    /// Month of first use of force; the last bin (= horizon in months) means "none".
    pub first_force_month: Histogram,
    /// Years to first use of force, censored at the horizon (restricted mean).
    pub first_force_years: ExactMoments,
    /// Sums of the challenger's expected costs by level: military, political, economic.
    pub level_costs: [ExactMoments; 3],
    /// Crises by outcome (general deterrence, immediate deterrence, coercion, limited, war).
    pub crisis_outcomes: [u64; 5],
    pub commitments_invoked: u64,
    pub commitments_honoured: u64,
    pub sanctions_imposed: u64,
    /// Sanctions imposed at a display of force (the rest came at a use of force).
    pub sanctions_at_display: u64,
    pub sanctions_succeeded: u64,
    /// (opportunities, challenges) after a concession and after the target stood firm.
    pub after_concession: [u64; 2],
    pub after_firm: [u64; 2],
    /// Per year: tension and balance at the year's end (empty for the region).
    pub yearly_tension: Vec<Histogram>,
    pub yearly_balance: Vec<Histogram>,
}

impl Tally {
    /// Adds one rivalry's run of crisis counts: the crises by outcome, the commitments
    /// invoked and honoured, the sanctions imposed (all, at the display) and succeeded, and
    /// the opportunities and challenges after a concession and after a firm stand.
    fn record_crisis_counts(&mut self, r: &RivalryRecord) {
        for (acc, x) in self.crisis_outcomes.iter_mut().zip(r.outcomes) {
            *acc += u64::from(x);
        }
        self.commitments_invoked += u64::from(r.commitments_invoked);
        self.commitments_honoured += u64::from(r.commitments_honoured);
        self.sanctions_imposed += u64::from(r.sanctions_imposed);
        self.sanctions_at_display += u64::from(r.sanctions_at_display);
        self.sanctions_succeeded += u64::from(r.sanctions_succeeded);
        self.after_concession[0] += u64::from(r.after_concession.0);
        self.after_concession[1] += u64::from(r.after_concession.1);
        self.after_firm[0] += u64::from(r.after_firm.0);
        self.after_firm[1] += u64::from(r.after_firm.1);
    }

    /// Adds one rivalry's run to its yearly tension and balance histograms (a rivalry's
    /// tallies only: the region's are empty).
    fn record_yearly_histograms(&mut self, r: &RivalryRecord) {
        for (h, &x) in self.yearly_tension.iter_mut().zip(&r.yearly_tension) {
            h.record(x);
        }
        for (h, &x) in self.yearly_balance.iter_mut().zip(&r.yearly_balance) {
            h.record(x);
        }
    }

    /// A tally over `years` years; `bands` adds the yearly tension and balance histograms
    /// (rivalries only).
    fn new(steps: u32, years: usize, bands: bool) -> Self {
        let band_years = if bands { years } else { 0 };
        Self {
            events: [0; N_EVENTS],
            yearly_events: vec![[0; N_EVENTS]; years],
            cumulative_events: vec![[0; N_EVENTS]; years],
            yearly_counts: vec![
                std::array::from_fn(|_| Distribution::new(YEAR_COUNT_LAYOUT));
                years
            ],
            max_level: [0; 6],
            metrics: METRICS.map(|m| Distribution::new(m.layout)),
            first_force_month: Histogram::new(BinLayout::Integer {
                bins: steps as usize + 1,
            }),
            first_force_years: ExactMoments::new(),
            level_costs: Default::default(),
            crisis_outcomes: [0; 5],
            commitments_invoked: 0,
            commitments_honoured: 0,
            sanctions_imposed: 0,
            sanctions_at_display: 0,
            sanctions_succeeded: 0,
            after_concession: [0; 2],
            after_firm: [0; 2],
            yearly_tension: vec![Histogram::new(TENSION_LAYOUT); band_years],
            yearly_balance: vec![Histogram::new(BALANCE_LAYOUT); band_years],
        }
    }

    /// Become empty, as [`Tally::new`] of the same shape, keeping the memory. Every field is
    /// named, so a field added to the tally cannot be forgotten here.
    fn reset(&mut self) {
        let Tally {
            events,
            yearly_events,
            cumulative_events,
            yearly_counts,
            max_level,
            metrics,
            first_force_month,
            first_force_years,
            level_costs,
            crisis_outcomes,
            commitments_invoked,
            commitments_honoured,
            sanctions_imposed,
            sanctions_at_display,
            sanctions_succeeded,
            after_concession,
            after_firm,
            yearly_tension,
            yearly_balance,
        } = self;
        *events = [0; N_EVENTS];
        yearly_events.fill([0; N_EVENTS]);
        cumulative_events.fill([0; N_EVENTS]);
        yearly_counts.iter_mut().flatten().for_each(Distribution::reset);
        *max_level = [0; 6];
        metrics.iter_mut().for_each(Distribution::reset);
        first_force_month.reset();
        *first_force_years = ExactMoments::new();
        *level_costs = Default::default();
        *crisis_outcomes = [0; 5];
        *commitments_invoked = 0;
        *commitments_honoured = 0;
        *sanctions_imposed = 0;
        *sanctions_at_display = 0;
        *sanctions_succeeded = 0;
        *after_concession = [0; 2];
        *after_firm = [0; 2];
        yearly_tension.iter_mut().for_each(Histogram::reset);
        yearly_balance.iter_mut().for_each(Histogram::reset);
    }

    /// The distribution of the metric `key` of [`crate::outputs::METRICS`].
    pub fn metric(&self, key: &str) -> Option<&Distribution> {
        METRICS
            .iter()
            .position(|m| m.key == key)
            .map(|k| &self.metrics[k])
    }

    /// The crisis-count distribution (the first metric), for the HTML histogram.
    pub fn crises(&self) -> &Distribution {
        &self.metrics[0]
    }

    /// The distribution over runs of the count of [`crate::outputs::COUNTS`]`[kind]` in year
    /// `year` (0-based from the start of the horizon): exact mean from integer sums, and one
    /// histogram bin per count 0..=31 (larger counts exact in its overflow). `None` past the horizon.
    pub fn yearly_count(&self, year: usize, kind: usize) -> Option<&Distribution> {
        self.yearly_counts.get(year).and_then(|y| y.get(kind))
    }

    #[inline]
    fn record_counts(&mut self, y: usize, counts: &[u32; N_COUNTS]) {
        for (d, &n) in self.yearly_counts[y].iter_mut().zip(counts) {
            d.record_count(n);
        }
    }

    /// Year `y`'s events `in_year`, and the events of years 0..=y `by_end`.
    #[inline]
    fn record_year(&mut self, y: usize, in_year: EventSet, by_end: EventSet) {
        for (c, f) in self.yearly_events[y].iter_mut().zip(event_flags(in_year)) {
            *c += u64::from(f);
        }
        for (c, f) in self.cumulative_events[y]
            .iter_mut()
            .zip(event_flags(by_end))
        {
            *c += u64::from(f);
        }
    }

    fn record_run(
        &mut self,
        max_level: u8,
        events: EventSet,
        metrics: [f64; N_METRICS],
        first_force: Option<u32>,
        steps: u32,
    ) {
        for (count, flag) in self.events.iter_mut().zip(event_flags(events)) {
            *count += u64::from(flag);
        }
        self.max_level[max_level.min(5) as usize] += 1;
        for (d, x) in self.metrics.iter_mut().zip(metrics) {
            d.record(x);
        }
        let month = first_force.unwrap_or(steps).min(steps);
        self.first_force_month.record_count(month);
        self.first_force_years
            .record(month as f64 / STEPS_PER_YEAR as f64);
    }

    fn merge(&mut self, o: &Tally) {
        for (a, b) in self.events.iter_mut().zip(o.events) {
            *a += b;
        }
        for (x, y) in self.yearly_events.iter_mut().zip(&o.yearly_events) {
            for (a, b) in x.iter_mut().zip(y) {
                *a += b;
            }
        }
        for (x, y) in self.cumulative_events.iter_mut().zip(&o.cumulative_events) {
            for (a, b) in x.iter_mut().zip(y) {
                *a += b;
            }
        }
        for (x, y) in self.yearly_counts.iter_mut().zip(&o.yearly_counts) {
            for (a, b) in x.iter_mut().zip(y) {
                a.merge(b);
            }
        }
        for (a, b) in self.max_level.iter_mut().zip(o.max_level) {
            *a += b;
        }
        for (a, b) in self.metrics.iter_mut().zip(&o.metrics) {
            a.merge(b);
        }
        self.first_force_month.merge(&o.first_force_month);
        self.first_force_years.merge(&o.first_force_years);
        for (a, b) in self.level_costs.iter_mut().zip(&o.level_costs) {
            a.merge(b);
        }
        for (a, b) in self.crisis_outcomes.iter_mut().zip(o.crisis_outcomes) {
            *a += b;
        }
        self.commitments_invoked += o.commitments_invoked;
        self.commitments_honoured += o.commitments_honoured;
        self.sanctions_imposed += o.sanctions_imposed;
        self.sanctions_at_display += o.sanctions_at_display;
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    pub runs: u64,
    pub steps: u32,
    pub region: Tally,
    pub rivalries: Vec<Tally>,
    /// The attribution's tallies over the level-removal variants, when it is on
    /// (`Compiled::with_attribution`; `crate::attribution`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<crate::attribution::Tally>,
}

impl Aggregate {
    pub fn new(compiled: &Compiled) -> Self {
        let steps = compiled.steps();
        let years = compiled.scenario.meta.horizon_years as usize;
        Self {
            runs: 0,
            steps,
            region: Tally::new(steps, years, false),
            rivalries: vec![Tally::new(steps, years, true); compiled.scenario.rivalries.len()],
            attribution: compiled
                .attribution_variants()
                .map(|_| crate::attribution::Tally::new(compiled)),
        }
    }

    /// Empty tallies for `compiled`: `self` emptied, keeping its memory, when it has
    /// `compiled`'s shape (steps, years, rivalries, attribution), else [`Aggregate::new`].
    /// Either way equal to `Aggregate::new(compiled)` (a sweep's thread reuses a finished
    /// point's tallies for its next block).
    pub fn reused_for(mut self, compiled: &Compiled) -> Self {
        let years = compiled.scenario.meta.horizon_years as usize;
        let rivalries = compiled.scenario.rivalries.len();
        let same_shape = self.steps == compiled.steps()
            && self.region.yearly_events.len() == years
            && self.rivalries.len() == rivalries
            && self.rivalries.iter().all(|t| t.yearly_tension.len() == years)
            && match (&self.attribution, compiled.attribution_variants()) {
                (Some(t), Some(_)) => t.entities.len() == 1 + rivalries,
                (None, None) => true,
                _ => false,
            };
        if !same_shape {
            return Self::new(compiled);
        }
        self.runs = 0;
        self.region.reset();
        self.rivalries.iter_mut().for_each(Tally::reset);
        if let Some(t) = &mut self.attribution {
            t.entities.fill(Default::default());
        }
        self
    }

    /// Heap size of one aggregate of `compiled` and of the run records a worker fills, in
    /// bytes: each worker holds both and the merged tallies one aggregate, so this bounds a
    /// run's memory before it starts ([`super::check_memory`]). Computed from the tallies'
    /// own types (every block as the allocator rounds it, [`heap_block`]): the bytes
    /// [`Aggregate::new`] and `RunRecord::new` allocate, which `tests/alloc.rs` counts.
    pub fn estimated_bytes(compiled: &Compiled) -> u64 {
        Self::estimated_bytes_of(
            compiled.scenario.rivalries.len(),
            compiled.scenario.meta.horizon_years,
            compiled.steps(),
            compiled.attribution_variants().map(<[_]>::len),
        )
    }

    /// [`Aggregate::estimated_bytes`] from a scenario's sizes alone, before compiling it:
    /// `rivalries` rivalries over `years` years of `steps` months, and `variants` attribution
    /// variants (`None` when the attribution is off).
    pub fn estimated_bytes_of(
        rivalries: usize,
        years: u32,
        steps: u32,
        variants: Option<usize>,
    ) -> u64 {
        use std::mem::size_of;
        let n = |x: usize| x as u64;
        let hist = |l: BinLayout| -> u64 {
            let len = match l {
                BinLayout::Linear { bins, .. } | BinLayout::Integer { bins } => bins.max(1),
                BinLayout::Log { bins, .. } => bins.max(1) + 1,
            };
            heap_block(8 * n(len))
        };
        let steps = u64::from(steps);
        let years = u64::from(years);
        let rivalries = n(rivalries);
        let tally = |bands: bool| -> u64 {
            let events = 2 * heap_block(years * n(size_of::<[u64; N_EVENTS]>()));
            let counts = heap_block(years * n(size_of::<[Distribution; N_COUNTS]>()))
                + years * n(N_COUNTS) * hist(YEAR_COUNT_LAYOUT);
            let metrics: u64 = METRICS.iter().map(|m| hist(m.layout)).sum();
            let first_force = heap_block(8 * (steps + 1));
            let yearly = if bands {
                2 * heap_block(years * n(size_of::<Histogram>()))
                    + years * (hist(TENSION_LAYOUT) + hist(BALANCE_LAYOUT))
            } else {
                0
            };
            events + counts + metrics + first_force + yearly
        };
        let attribution = variants.map_or(0, |_| {
            heap_block((1 + rivalries) * n(size_of::<[crate::attribution::EventTally; N_EVENTS]>()))
        });
        let aggregate = tally(false)
            + heap_block(rivalries * n(size_of::<Tally>()))
            + rivalries * tally(true)
            + attribution;
        // A worker's run records: the plain run's and, with the attribution, each variant's.
        let record = heap_block(rivalries * n(size_of::<crate::model::RivalryRecord>()))
            + rivalries
                * (2 * heap_block(8 * years)
                    + heap_block(years * n(size_of::<EventSet>()))
                    + heap_block(years * n(size_of::<[u32; N_COUNTS]>())));
        let records = 1 + variants.map_or(0, n);
        aggregate + records * record
    }

    /// Fold one run in. Does not allocate.
    pub fn record(&mut self, run: &RunRecord) {
        if let ([tally], [r]) = (&mut self.rivalries[..], &run.rivalries[..]) {
            self.runs += 1;
            record_one(tally, &mut self.region, r, self.steps);
            return;
        }
        self.record_each(run);
    }

    /// [`Aggregate::record`] for any number of rivalries: each rivalry's tallies, then the
    /// region's from the rivalries' observations combined.
    fn record_each(&mut self, run: &RunRecord) {
        self.runs += 1;
        let steps = self.steps;
        let mut region_metrics = [0.0; N_METRICS];
        let mut region_force: Option<u32> = None;
        let mut region_events: EventSet = 0;
        let region = &mut self.region;
        for (tally, r) in self.rivalries.iter_mut().zip(&run.rivalries) {
            let values = METRICS.map(|m| (m.of)(r));
            tally.record_run(r.max_level, r.events, values, r.first_force_step, steps);
            let mut by_end: EventSet = 0;
            for (y, &in_year) in r.yearly_events.iter().enumerate() {
                by_end |= in_year;
                tally.record_year(y, in_year, by_end);
            }
            for (y, counts) in r.yearly_counts.iter().enumerate() {
                tally.record_counts(y, counts);
            }
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
                t.record_crisis_counts(r);
            }
            tally.record_yearly_histograms(r);
            for ((acc, m), x) in region_metrics.iter_mut().zip(&METRICS).zip(values) {
                *acc = match m.region {
                    Combine::Sum => *acc + x,
                    Combine::Max => acc.max(x),
                };
            }
            region_force = match (region_force, r.first_force_step) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            region_events |= r.events;
        }
        region.record_run(
            run.max_level(),
            region_events,
            region_metrics,
            region_force,
            steps,
        );
        let mut by_end: EventSet = 0;
        for y in 0..region.yearly_events.len() {
            let in_year = run.rivalries.iter().fold(0, |m, r| m | r.yearly_events[y]);
            by_end |= in_year;
            region.record_year(y, in_year, by_end);
            let mut counts = [0u32; N_COUNTS];
            for r in &run.rivalries {
                for (a, b) in counts.iter_mut().zip(&r.yearly_counts[y]) {
                    *a += b;
                }
            }
            region.record_counts(y, &counts);
        }
    }

}

/// [`Aggregate::record`] of a run of a scenario with one rivalry, `r`: the region's
/// observations are then the rivalry's (its events, levels, first use of force, yearly events
/// and counts, costs and tallies; its metrics combined from 0, `0.0 + x` and `0.0.max(x)`, are
/// the rivalry's wherever they have the same bits), so each is computed once and added to
/// both tallies. The same tallies as the general path, integer for integer.
fn record_one(tally: &mut Tally, region: &mut Tally, r: &RivalryRecord, steps: u32) {
    let values = METRICS.map(|m| (m.of)(r));
    let region_values = METRICS.map(|m| {
        let x = (m.of)(r);
        match m.region {
            Combine::Sum => 0.0 + x,
            Combine::Max => 0.0f64.max(x),
        }
    });
    for t in [&mut *tally, &mut *region] {
        for (count, flag) in t.events.iter_mut().zip(event_flags(r.events)) {
            *count += u64::from(flag);
        }
        t.max_level[r.max_level.min(5) as usize] += 1;
    }
    for (i, (&x, &xr)) in values.iter().zip(&region_values).enumerate() {
        if x.to_bits() == xr.to_bits() {
            Distribution::record_both(&mut tally.metrics[i], &mut region.metrics[i], x);
        } else {
            tally.metrics[i].record(x);
            region.metrics[i].record(xr);
        }
    }
    let month = r.first_force_step.unwrap_or(steps).min(steps);
    tally.first_force_month.record_count(month);
    region.first_force_month.record_count(month);
    ExactMoments::record_both(
        &mut tally.first_force_years,
        &mut region.first_force_years,
        month as f64 / STEPS_PER_YEAR as f64,
    );
    debug_assert_eq!(r.yearly_events.len(), region.yearly_events.len());
    let mut by_end: EventSet = 0;
    for (y, &in_year) in r.yearly_events.iter().enumerate() {
        by_end |= in_year;
        tally.record_year(y, in_year, by_end);
        region.record_year(y, in_year, by_end);
    }
    for (y, counts) in r.yearly_counts.iter().enumerate() {
        tally.record_counts(y, counts);
        region.record_counts(y, counts);
    }
    if r.decisions > 0 {
        let costs = [
            r.level_costs.military,
            r.level_costs.political,
            r.level_costs.economic,
        ];
        for ((a, b), x) in tally
            .level_costs
            .iter_mut()
            .zip(region.level_costs.iter_mut())
            .zip(costs)
        {
            ExactMoments::record_both(a, b, x);
        }
    }
    tally.record_crisis_counts(r);
    region.record_crisis_counts(r);
    tally.record_yearly_histograms(r);
}

impl Aggregate {
    /// Per-year count distributions of rivalry `rivalry` (scenario order): element `y` holds,
    /// for each of [`crate::outputs::COUNTS`], the distribution over runs of that count in
    /// year `y`. `None` for a rivalry the scenario does not have. Mergeable exactly: the same
    /// for any thread count or shard split.
    pub fn yearly_count_distributions(
        &self,
        rivalry: usize,
    ) -> Option<&[[Distribution; N_COUNTS]]> {
        self.rivalries
            .get(rivalry)
            .map(|t| t.yearly_counts.as_slice())
    }

    /// Bytes held by this aggregate, heap included. Depends on the scenario (rivalries,
    /// horizon), never on the number of runs recorded.
    pub fn footprint_bytes(&self) -> usize {
        // An overflow entry (integer counts beyond the dense bins) is a B-tree key and value
        // with its share of a node, about 48 bytes.
        let hist = |h: &Histogram| {
            std::mem::size_of::<Histogram>() + h.counts().len() * 8 + h.overflow().count() * 48
        };
        let dist = |d: &Distribution| {
            std::mem::size_of::<Distribution>()
                + d.histogram.counts().len() * 8
                + d.histogram.overflow().count() * 48
        };
        let tally = |t: &Tally| {
            std::mem::size_of::<Tally>()
                + t.metrics.iter().map(dist).sum::<usize>()
                + (t.yearly_events.len() + t.cumulative_events.len()) * N_EVENTS * 8
                + t.yearly_counts.iter().flatten().map(dist).sum::<usize>()
                + hist(&t.first_force_month)
                + t.yearly_tension.iter().map(hist).sum::<usize>()
                + t.yearly_balance.iter().map(hist).sum::<usize>()
        };
        std::mem::size_of::<Self>()
            + tally(&self.region)
            + self.rivalries.iter().map(tally).sum::<usize>()
    }

    /// Whether `self` (read from a partial file) has exactly the shape of `template` (the
    /// aggregate this scenario and engine make): the same rivalries, years and histogram
    /// layouts, and consistent counts. Merging is only defined between aggregates of one shape.
    pub fn check_shape(&self, template: &Aggregate) -> Result<(), String> {
        fn hist(a: &Histogram, b: &Histogram, at: &str) -> Result<(), String> {
            if a.layout() == b.layout() {
                Ok(())
            } else {
                Err(format!(
                    "{at}: the histogram layout differs from this scenario's"
                ))
            }
        }
        fn dist(a: &Distribution, b: &Distribution, at: &str) -> Result<(), String> {
            hist(&a.histogram, &b.histogram, at)?;
            if a.moments.n != a.histogram.n() {
                return Err(format!("{at}: moments and histogram counts differ"));
            }
            a.moments
                .check_possible(a.histogram.value_range())
                .map_err(|e| format!("{at}.moments: {e}"))
        }
        /// `costs`: the most values the challenger's expected costs can hold (one per run
        /// and rivalry with a crisis).
        fn tally(a: &Tally, b: &Tally, runs: u64, costs: u64, at: &str) -> Result<(), String> {
            let lens = [
                (a.yearly_events.len(), b.yearly_events.len()),
                (a.cumulative_events.len(), b.cumulative_events.len()),
                (a.yearly_counts.len(), b.yearly_counts.len()),
                (a.yearly_tension.len(), b.yearly_tension.len()),
                (a.yearly_balance.len(), b.yearly_balance.len()),
            ];
            if lens.iter().any(|(x, y)| x != y) {
                return Err(format!(
                    "{at}: the number of years differs from this scenario's"
                ));
            }
            for (k, (x, y)) in a.metrics.iter().zip(&b.metrics).enumerate() {
                dist(x, y, &format!("{at}.metrics[{k}]"))?;
                if x.moments.n != runs {
                    return Err(format!(
                        "{at}.metrics[{k}]: {} values for {runs} runs",
                        x.moments.n
                    ));
                }
            }
            for (i, (x, y)) in a
                .yearly_counts
                .iter()
                .flatten()
                .zip(b.yearly_counts.iter().flatten())
                .enumerate()
            {
                let (year, count) = (i / N_COUNTS, i % N_COUNTS);
                dist(x, y, &format!("{at}.yearly_counts[{year}][{count}]"))?;
                if x.moments.n != runs {
                    return Err(format!(
                        "{at}.yearly_counts: {} values for {runs} runs",
                        x.moments.n
                    ));
                }
            }
            hist(&a.first_force_month, &b.first_force_month, at)?;
            // Years to the first use of force are the months of `first_force_month` / 12.
            let months = a.first_force_month.value_range();
            let years = months.map(|(lo, hi)| (lo / STEPS_PER_YEAR as f64, hi / STEPS_PER_YEAR as f64));
            a.first_force_years
                .check_possible(years)
                .map_err(|e| format!("{at}.first_force_years: {e}"))?;
            for (k, m) in a.level_costs.iter().enumerate() {
                if m.n > costs {
                    return Err(format!(
                        "{at}.level_costs[{k}]: more values ({}) than the runs allow ({costs})",
                        m.n
                    ));
                }
                m.check_possible(None)
                    .map_err(|e| format!("{at}.level_costs[{k}]: {e}"))?;
            }
            for (x, y) in a.yearly_tension.iter().zip(&b.yearly_tension) {
                hist(x, y, at)?;
            }
            for (x, y) in a.yearly_balance.iter().zip(&b.yearly_balance) {
                hist(x, y, at)?;
            }
            let events = a.yearly_events.iter().chain(&a.cumulative_events).flatten();
            if a.events.iter().chain(events).any(|&c| c > runs) {
                return Err(format!(
                    "{at}: an event in more runs than there are ({runs})"
                ));
            }
            let once = [
                ("max_level", a.max_level.iter().sum::<u64>()),
                ("first_force_month", a.first_force_month.n()),
                ("first_force_years", a.first_force_years.n),
            ];
            let bands = a.yearly_tension.iter().chain(&a.yearly_balance);
            let once = once
                .into_iter()
                .chain(bands.map(|h| ("yearly bands", h.n())));
            for (name, n) in once {
                if n != runs {
                    return Err(format!(
                        "{at}.{name}: {n} observations, expected one per run ({runs})"
                    ));
                }
            }
            Ok(())
        }
        if self.steps != template.steps || self.rivalries.len() != template.rivalries.len() {
            return Err(format!(
                "aggregate: {} rivalries over {} steps, but this scenario has {} over {}",
                self.rivalries.len(),
                self.steps,
                template.rivalries.len(),
                template.steps
            ));
        }
        let rivalries = self.rivalries.len() as u64;
        tally(
            &self.region,
            &template.region,
            self.runs,
            self.runs.saturating_mul(rivalries),
            "aggregate.region",
        )?;
        match (&self.attribution, &template.attribution) {
            (Some(a), Some(t)) => a.check_shape(t, self.runs)?,
            (None, None) => {}
            (a, _) => {
                return Err(format!(
                    "aggregate: the attribution is {} in the part but {} in this invocation",
                    if a.is_some() { "on" } else { "off" },
                    if a.is_some() { "off" } else { "on" }
                ));
            }
        }
        for (i, (a, b)) in self.rivalries.iter().zip(&template.rivalries).enumerate() {
            tally(
                a,
                b,
                self.runs,
                self.runs,
                &format!("aggregate.rivalries[{i}]"),
            )?;
        }
        Ok(())
    }

    pub fn merge(&mut self, other: &Aggregate) {
        if let (Some(a), Some(b)) = (&mut self.attribution, &other.attribution) {
            a.merge(b);
        }
        self.runs += other.runs;
        self.region.merge(&other.region);
        for (a, b) in self.rivalries.iter_mut().zip(&other.rivalries) {
            a.merge(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Hooks, RunPlan};

    fn compiled(file: &str) -> Compiled {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        Compiled::new(&crate::scenario::load_file(&path).expect("a valid scenario"))
    }

    fn tallies_of(c: &Compiled, runs: u64) -> Aggregate {
        let plan = RunPlan {
            seed: 5,
            first: 0,
            count: runs,
            stream_offset: 0,
        };
        crate::engine::run(c, &plan, Hooks::default()).expect("not cancelled")
    }

    /// Tallies reused for a scenario are its empty tallies, field for field, whether the
    /// used ones had its shape (emptied) or another (one rivalry against three, 10 years
    /// against another horizon, the attribution on or off).
    #[test]
    fn reused_tallies_are_new_ones() {
        let wb = compiled("scenarios/western-balkans-2024.toml");
        let baltic = compiled("scenarios/history/russia-baltic-2014.toml");
        let scenarios = [
            wb.with_attribution(),
            baltic.with_attribution(),
            wb,
            baltic,
        ];
        for used in &scenarios {
            for target in &scenarios {
                let agg = tallies_of(used, 40);
                assert_ne!(agg, Aggregate::new(used));
                assert_eq!(agg.reused_for(target), Aggregate::new(target));
            }
        }
    }

    /// A scenario of one rivalry records its region from the rivalry's observations
    /// (`record_one`): the same tallies as the general path (`record_each`), on simulated
    /// runs and on records whose region metrics differ from the rivalry's in their bits (a
    /// negative balance, which the region's maximum from 0 raises to 0; a GDP loss of -0,
    /// which its sum from 0 makes +0; NaN).
    #[test]
    fn one_rivalry_records_the_tallies_of_the_general_path() {
        let c = compiled("scenarios/western-balkans-2024.toml");
        assert_eq!(c.scenario.rivalries.len(), 1);
        let plan = RunPlan {
            seed: 11,
            first: 0,
            count: 300,
            stream_offset: 0,
        };
        let mut worker = crate::engine::Worker::new(&c);
        let (mut fast, mut general) = (Aggregate::new(&c), Aggregate::new(&c));
        let mut forced = 0;
        for i in 0..plan.count {
            worker.run_range(&c, &plan, i, 1);
            let mut rec = worker.last_record().clone();
            forced += usize::from(rec.rivalries[0].first_force_step.is_some());
            fast.record(&rec);
            general.record_each(&rec);
            let r = &mut rec.rivalries[0];
            (r.final_balance, r.gdp_lost) = match i % 3 {
                0 => (-0.5, -0.0),
                1 => (f64::NAN, f64::NAN),
                _ => (-1e-300, -2.0),
            };
            fast.record(&rec);
            general.record_each(&rec);
        }
        assert!(forced > 0 && forced < 300, "{forced}");
        assert_eq!(fast.runs, 600);
        assert_ne!(fast, Aggregate::new(&c));
        assert_eq!(fast, general);
    }
}
