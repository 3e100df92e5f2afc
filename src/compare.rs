//! Comparing two scenarios with common random numbers (CRN).
//!
//! Run `i` of scenario A and run `i` of scenario B both draw from `engine::run_rng(seed, i)`
//! and are simulated one after the other by the same worker, so the pair differs only where
//! the scenarios differ. Besides one [`Aggregate`] per scenario, a [`PairedAggregate`] counts
//! for every outcome the 2x2 table of (happened under A, happened under B), from which
//! [`crate::stats::paired`] gives a paired interval for the difference, and exact sums of
//! paired differences (crises, disputes and months to first use of force as integers, GDP
//! lost in fixed point), from which the mean difference per run gets its paired interval.
//!
//! **Architecture Invariants:** as in [`crate::engine`]: run `i`'s randomness depends only on
//! (seed, i); all state is integer and merges exactly, so the result is the same for any
//! thread count; memory does not grow with the number of runs.

use crate::engine::driver::{Units, drive};
use crate::engine::{Aggregate, Hooks, Interrupted, run_rng, until};
use crate::model::{Compiled, RunRecord, Tape, World, simulate_run_leading};
use crate::outputs::{EventSet, METRICS, N_EVENTS, N_METRICS, Paired, event_flags};
use crate::stats::paired::{PairedAmounts, PairedCounts, PairedDiff};
use crate::scenario::Scenario;

/// Paired tallies for one entity (the region or one rivalry present in both scenarios).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityPairs {
    /// Per [`crate::outputs::EVENTS`] entry: the 2x2 table over the horizon.
    pub events: [PairedCounts; N_EVENTS],
    /// Per [`crate::outputs::METRICS`] entry: the paired difference of its per-run count
    /// (metrics not [`Paired::Count`] stay empty).
    pub metrics: [PairedDiff; N_METRICS],
    /// Per [`crate::outputs::METRICS`] entry: the paired difference of its per-run amount
    /// (metrics not [`Paired::Amount`] stay empty).
    pub amounts: [PairedAmounts; N_METRICS],
    /// Months to first use of force, censored at the horizon.
    pub first_force_months: PairedDiff,
}

/// One run's summary of an entity, as needed for pairing.
#[derive(Debug, Clone, Copy)]
struct Obs {
    events: EventSet,
    values: [f64; N_METRICS],
    first_force: u32,
}

impl EntityPairs {
    fn record(&mut self, a: Obs, b: Obs) {
        for ((t, fa), fb) in self
            .events
            .iter_mut()
            .zip(event_flags(a.events))
            .zip(event_flags(b.events))
        {
            t.record(fa, fb);
        }
        for (k, m) in METRICS.iter().enumerate() {
            match m.paired {
                // A count per run is an integer.
                Paired::Count => {
                    self.metrics[k].record(a.values[k] as u32, b.values[k] as u32);
                }
                Paired::Amount => self.amounts[k].record(a.values[k], b.values[k]),
                Paired::No => {}
            }
        }
        self.first_force_months.record(a.first_force, b.first_force);
    }

    fn merge(&mut self, o: &Self) {
        for (x, y) in self.events.iter_mut().zip(&o.events) {
            x.merge(y);
        }
        for (x, y) in self.metrics.iter_mut().zip(&o.metrics) {
            x.merge(y);
        }
        for (x, y) in self.amounts.iter_mut().zip(&o.amounts) {
            x.merge(y);
        }
        self.first_force_months.merge(&o.first_force_months);
    }
}

/// Paired tallies over all runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedAggregate {
    pub runs: u64,
    pub region: EntityPairs,
    /// One per entry of [`Pairing::rivalries`].
    pub rivalries: Vec<EntityPairs>,
}

/// How the two scenarios' rivalries correspond: pairs of (index in A, index in B) with the
/// same rivalry id, in A's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    pub rivalries: Vec<(usize, usize)>,
}

impl Pairing {
    pub fn new(a: &Compiled, b: &Compiled) -> Self {
        let rivalries = a
            .scenario
            .rivalries
            .iter()
            .enumerate()
            .filter_map(|(ia, r)| {
                b.scenario
                    .rivalries
                    .iter()
                    .position(|rb| rb.id == r.id)
                    .map(|ib| (ia, ib))
            })
            .collect();
        Self { rivalries }
    }
}

/// Why two scenarios cannot be compared run by run. Its `Display` is in the command line's
/// words (`--horizon-years`); [`CompareError::message_as`] in a caller's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("{}", self.message_as(crate::settings::Caller::Cli))]
    Horizon(u32, u32),
    /// No rivalry of A has the id of a rivalry of B (the ids of A's and of B's): nothing to
    /// compare, run by run or rivalry by rivalry.
    #[error("{}", self.message_as(crate::settings::Caller::Cli))]
    Unpaired(Vec<String>, Vec<String>),
}

impl CompareError {
    /// The refusal with the horizon setting named as `caller` names it (`--horizon-years`
    /// on the command line, `` `horizon_years` `` for a program: `settings::setting_name`),
    /// so that a Python user is not told to use a flag.
    pub fn message_as(&self, caller: crate::settings::Caller) -> String {
        match self {
            CompareError::Horizon(a, b) => format!(
                "the scenarios have different horizons ({a} and {b} years); common random \
                 numbers need the same horizon (use {})",
                crate::settings::setting_name(caller, "horizon_years")
            ),
            CompareError::Unpaired(a, b) => format!(
                "the scenarios share no rivalry (A: {}; B: {}): a comparison pairs each run of \
                 A with the same run of B, rivalry by rivalry, and these have no rivalry in \
                 common; compare a scenario with a variant of it (`extends`, `--set-b`)",
                a.join(", "),
                b.join(", ")
            ),
        }
    }
}

/// The rivalry ids of A that B lacks and of B that A lacks: a comparison of scenarios whose
/// rivalries differ compares their common rivalries run by run, and each side's others only
/// in its own totals. Both empty: the same rivalries.
pub fn unshared_rivalries(a: &Compiled, b: &Compiled) -> (Vec<String>, Vec<String>) {
    let ids = |s: &Compiled| -> Vec<String> {
        s.scenario.rivalries.iter().map(|r| r.id.to_string()).collect()
    };
    let (ia, ib) = (ids(a), ids(b));
    (
        ia.iter().filter(|x| !ib.contains(x)).cloned().collect(),
        ib.iter().filter(|x| !ia.contains(x)).cloned().collect(),
    )
}

/// Why GDP lost cannot be compared between scenarios whose `[scenario].currency` units
/// differ (`a`, `b`): the one sentence `deter compare` warns with, its table and page print
/// and its JSON carries (`gdp_lost_not_compared`), in every caller. None for one unit.
pub fn currency_mismatch(a: &str, b: &str) -> Option<String> {
    (a != b).then(|| {
        format!(
            "GDP lost is not compared: the scenarios count money in different currency units, \
             A in `{}`, B in `{}`, so B - A would mix them; each side's GDP lost is in its own \
             report, in its own unit (give both files the same `[scenario].currency` to compare it)",
            crate::scenario::printable(a),
            crate::scenario::printable(b)
        )
    })
}

/// The result of a paired run.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub a: Aggregate,
    pub b: Aggregate,
    pub paired: PairedAggregate,
    pub pairing: Pairing,
    /// How B shifts the attribution (B's minus A's, paired run by run), when both sides have
    /// it on (`Compiled::with_attribution`).
    pub attribution: Option<crate::attribution::PairedTally>,
}

/// Check that two scenarios can be paired run by run.
pub fn check(a: &Compiled, b: &Compiled) -> Result<Pairing, CompareError> {
    let (ha, hb) = (a.scenario.meta.horizon_years, b.scenario.meta.horizon_years);
    if ha != hb {
        return Err(CompareError::Horizon(ha, hb));
    }
    let pairing = Pairing::new(a, b);
    // Nothing to pair: neither side's crises can be set against the other's, whether both
    // have rivalries with other ids or one has none (two scenarios without any rivalry have
    // nothing to compare but nothing to mispair either: every outcome is 0 on both sides).
    if pairing.rivalries.is_empty()
        && !(a.scenario.rivalries.is_empty() && b.scenario.rivalries.is_empty())
    {
        let ids = |s: &Compiled| -> Vec<String> {
            let ids: Vec<String> = s.scenario.rivalries.iter().map(|r| r.id.to_string()).collect();
            if ids.is_empty() {
                vec!["no rivalry".to_string()]
            } else {
                ids
            }
        };
        return Err(CompareError::Unpaired(ids(a), ids(b)));
    }
    Ok(pairing)
}

struct PairWorker {
    world_a: World,
    world_b: World,
    rec_a: RunRecord,
    rec_b: RunRecord,
    /// Each side's level-removal variants, when the attribution is on.
    variants: Option<(crate::attribution::Scratch, crate::attribution::Scratch)>,
    out: Comparison,
}

impl PairWorker {
    fn new(a: &Compiled, b: &Compiled, pairing: &Pairing) -> Self {
        Self {
            world_a: a.new_world(),
            world_b: b.new_world(),
            rec_a: RunRecord::new(a),
            rec_b: RunRecord::new(b),
            variants: a
                .attribution_variants()
                .zip(b.attribution_variants())
                .map(|(va, vb)| {
                    (
                        crate::attribution::Scratch::new(va).events_only(),
                        crate::attribution::Scratch::new(vb).events_only(),
                    )
                }),
            out: Comparison::empty(a, b, pairing),
        }
    }

    /// Pairs `first .. first + count`, pair `i` on stream `stream_offset + i` of `seed`.
    fn run_range(
        &mut self,
        a: &Compiled,
        b: &Compiled,
        (seed, stream_offset): (u64, u64),
        first: u64,
        count: u64,
    ) {
        let steps = a.steps();
        for i in first..first + count {
            let stream = stream_offset + i;
            // With the attribution, each plain run leads the variants that follow it until
            // their play of a crisis differs (`Scratch::simulate_after`).
            let (va, vb) = (a.attribution_variants(), b.attribution_variants());
            let ((mut fa, ta), (mut fb, tb)) = match (&mut self.variants, va, vb) {
                (Some((sa, sb)), Some(va), Some(vb)) => {
                    let (fa, ta) = sa.plain_followers(va);
                    let (fb, tb) = sb.plain_followers(vb);
                    ((Some(fa), ta), (Some(fb), tb))
                }
                _ => ((None, Tape::Off), (None, Tape::Off)),
            };
            let mut rng = run_rng(seed, stream);
            let fa = fa.as_mut().map(|f| &mut f[..]);
            simulate_run_leading(a, &mut self.world_a, &mut self.rec_a, &mut rng, fa, ta);
            let mut rng = run_rng(seed, stream);
            let fb = fb.as_mut().map(|f| &mut f[..]);
            simulate_run_leading(b, &mut self.world_b, &mut self.rec_b, &mut rng, fb, tb);
            self.out.a.record(&self.rec_a);
            self.out.b.record(&self.rec_b);
            // The attribution of each side, and its shift, on run i's streams; the plain
            // runs just simulated are the all-levels-present variants.
            if let (Some((sa, sb)), Some(va), Some(vb)) = (
                &mut self.variants,
                a.attribution_variants(),
                b.attribution_variants(),
            ) {
                sa.simulate_after(va, seed, stream);
                sb.simulate_after(vb, seed, stream);
                let out = &mut self.out;
                for (agg, rec, sc) in [
                    (&mut out.a, &self.rec_a, &*sa),
                    (&mut out.b, &self.rec_b, &*sb),
                ] {
                    if let Some(t) = &mut agg.attribution {
                        t.record(rec, &sc.records(rec));
                    }
                }
                if let Some(t) = &mut out.attribution {
                    t.record(
                        (&self.rec_a, &sa.records(&self.rec_a)),
                        (&self.rec_b, &sb.records(&self.rec_b)),
                        &out.pairing.rivalries,
                    );
                }
            }
            let p = &mut self.out.paired;
            p.runs += 1;
            p.region.record(
                region_obs(&self.rec_a, steps),
                region_obs(&self.rec_b, steps),
            );
            for (pairs, &(ia, ib)) in p.rivalries.iter_mut().zip(&self.out.pairing.rivalries) {
                let oa = rivalry_obs(&self.rec_a, ia, steps);
                let ob = rivalry_obs(&self.rec_b, ib, steps);
                pairs.record(oa, ob);
            }
        }
    }
}

fn rivalry_obs(rec: &RunRecord, i: usize, steps: u32) -> Obs {
    let r = &rec.rivalries[i];
    Obs {
        events: r.events,
        values: METRICS.map(|m| (m.of)(r)),
        first_force: r.first_force_step.unwrap_or(steps).min(steps),
    }
}

fn region_obs(rec: &RunRecord, steps: u32) -> Obs {
    // Summed over the rivalries in their order from 0, as the run's own region-wide value
    // (`Aggregate::record`), so each side's mean is that of its report.
    let mut values = [0.0; N_METRICS];
    for r in &rec.rivalries {
        for (v, m) in values.iter_mut().zip(&METRICS) {
            if m.paired != Paired::No {
                *v += (m.of)(r);
            }
        }
    }
    Obs {
        events: rec.rivalries.iter().fold(0, |s, r| s | r.events),
        values,
        first_force: rec
            .rivalries
            .iter()
            .filter_map(|r| r.first_force_step)
            .min()
            .unwrap_or(steps)
            .min(steps),
    }
}

impl Comparison {
    fn empty(a: &Compiled, b: &Compiled, pairing: &Pairing) -> Self {
        Self {
            a: Aggregate::new(a),
            b: Aggregate::new(b),
            paired: PairedAggregate {
                runs: 0,
                region: EntityPairs::default(),
                rivalries: vec![EntityPairs::default(); pairing.rivalries.len()],
            },
            pairing: pairing.clone(),
            attribution: (a.attribution_variants().is_some() && b.attribution_variants().is_some())
                .then(|| crate::attribution::PairedTally::new(pairing.rivalries.len())),
        }
    }

    fn merge(&mut self, o: &Comparison) {
        self.a.merge(&o.a);
        self.b.merge(&o.b);
        self.paired.runs += o.paired.runs;
        self.paired.region.merge(&o.paired.region);
        for (x, y) in self.paired.rivalries.iter_mut().zip(&o.paired.rivalries) {
            x.merge(y);
        }
        if let (Some(x), Some(y)) = (&mut self.attribution, &o.attribution) {
            x.merge(y);
        }
    }
}

/// The paired runs of two scenarios as driver units: unit `i` is run `i` of A and of B.
struct Pairs<'a> {
    a: &'a Compiled,
    b: &'a Compiled,
    pairing: &'a Pairing,
    seed: u64,
    /// Pair `i` draws from stream `stream_offset + i` (0 but in a nested comparison).
    stream_offset: u64,
}

impl Units for Pairs<'_> {
    type Worker = PairWorker;

    fn worker(&self) -> PairWorker {
        PairWorker::new(self.a, self.b, self.pairing)
    }

    #[inline]
    fn run(&self, w: &mut PairWorker, unit: u64) {
        w.run_range(self.a, self.b, (self.seed, self.stream_offset), unit, 1);
    }

    fn merge(&self, into: &mut PairWorker, from: PairWorker) {
        into.out.merge(&from.out);
    }
}

/// Simulate runs `0..runs` of both scenarios with common random numbers on the current rayon
/// pool, through the one driver (cancellation within a run, progress per block).
pub fn run_paired(
    a: &Compiled,
    b: &Compiled,
    pairing: &Pairing,
    seed: u64,
    runs: u64,
    hooks: Hooks<'_>,
) -> Result<Comparison, Interrupted> {
    run_paired_from(a, b, pairing, (seed, 0), runs, hooks)
}

/// [`run_paired`] with pair `i` on stream `stream_offset + i`: the pairs of a nested
/// comparison's draw `d` take the streams `d * runs ..` that the nested run of either file
/// gives its draw `d` (`calibrate::nested`), so each side's tallies are that run's.
pub fn run_paired_from(
    a: &Compiled,
    b: &Compiled,
    pairing: &Pairing,
    (seed, stream_offset): (u64, u64),
    runs: u64,
    hooks: Hooks<'_>,
) -> Result<Comparison, Interrupted> {
    let units = Pairs {
        a,
        b,
        pairing,
        seed,
        stream_offset,
    };
    drive(&units, 0, runs, hooks).map(|w| w.out)
}

/// The headline event whose paired 95% interval of the difference B - A is widest, and its
/// half-width.
pub fn widest_paired(pairs: &PairedAggregate) -> (&'static str, f64) {
    let mut best = (crate::outputs::EVENTS[0].key, 0.0);
    for (e, t) in crate::outputs::EVENTS.iter().zip(&pairs.region.events) {
        let d = t.paired();
        let half = (d.hi - d.lo) / 2.0;
        if half > best.1 {
            best = (e.key, half);
        }
    }
    best
}

/// Adaptive stopping for a comparison (`deter compare --until-ci`): pairs of runs are added
/// in blocks of [`until::ADAPTIVE_BLOCK`] (pair i on stream i, as in [`run_paired`]) until the
/// paired 95% interval of every headline difference has a half-width at most the target,
/// or the cap is reached. Decided only at block boundaries on the exact tallies of pairs
/// `0..n`, so the result depends on the seed alone (`engine::until`).
pub fn run_paired_until(
    a: &Compiled,
    b: &Compiled,
    pairing: &Pairing,
    seed: u64,
    until_ci: &until::UntilCi,
    hooks: Hooks<'_>,
) -> Result<(Comparison, until::Stopping), Interrupted> {
    let units = Pairs {
        a,
        b,
        pairing,
        seed,
        stream_offset: 0,
    };
    let mut total = Comparison::empty(a, b, pairing);
    loop {
        let done = total.paired.runs;
        let count = until::ADAPTIVE_BLOCK.min(until_ci.max_runs - done);
        let part = drive(&units, done, count, hooks)?;
        total.merge(&part.out);
        let widest = widest_paired(&total.paired);
        let watched = until::WATCHED_PAIRED;
        if let Some(stop) = until::decide(widest, total.paired.runs, until_ci, watched) {
            return Ok((total, stop));
        }
    }
}

/// Check before a comparison that its tallies fit: per worker, both scenarios' aggregates
/// and worlds. `runs`: the most pairs of runs handed the driver at once
/// ([`crate::engine::at_once`]).
pub fn check_memory(a: &Compiled, b: &Compiled, threads: usize, runs: u64) -> Result<(), String> {
    let each = crate::engine::set_bytes(a) + crate::engine::set_bytes(b);
    check_sets(each, &a.scenario, &b.scenario, threads, runs)
}

/// [`check_memory`] before compiling the scenarios `a` and `b` (their worlds grow with the
/// square of their countries), with the attribution or not: the same estimate, from the
/// scenarios [`Compiled::new`] keeps.
pub fn check_scenarios_memory(
    a: &Scenario,
    b: &Scenario,
    attribution: bool,
    threads: usize,
    runs: u64,
) -> Result<(), String> {
    let (a, b) = (
        crate::engine::relevance::prune(a).0,
        crate::engine::relevance::prune(b).0,
    );
    let each = crate::engine::set_bytes_of(&a, attribution)
        + crate::engine::set_bytes_of(&b, attribution);
    check_sets(each, &a, &b, threads, runs)
}

fn check_sets(each: u64, a: &Scenario, b: &Scenario, threads: usize, runs: u64) -> Result<(), String> {
    crate::engine::driver::check_memory(
        each,
        crate::engine::driver::sets(threads, runs),
        crate::engine::driver::stacks(threads),
        &if (a.countries.len(), a.rivalries.len()) == (b.countries.len(), b.rivalries.len()) {
            format!(
                "{} rivalries x {} years of {} countries in each scenario",
                a.rivalries.len(),
                a.meta.horizon_years,
                a.countries.len(),
            )
        } else {
            format!(
                "{} and {} rivalries x {} years of {} and {} countries",
                a.rivalries.len(),
                b.rivalries.len(),
                a.meta.horizon_years,
                a.countries.len(),
                b.countries.len(),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunPlan};

    fn baseline() -> Compiled {
        let mut s = crate::scenario::load_file(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/western-balkans-2024.toml"
        )))
        .expect("bundled scenario is valid");
        s.meta.horizon_years = 3;
        Compiled::new(&s)
    }

    #[test]
    fn each_side_equals_a_plain_run_and_marginals_match() {
        let c = baseline();
        let pairing = check(&c, &c).unwrap();
        let cmp = run_paired(&c, &c, &pairing, 11, 300, Hooks::default()).unwrap();
        let plan = RunPlan {
            seed: 11,
            first: 0,
            count: 300,
            stream_offset: 0,
        };
        let plain = engine::run(&c, &plan, Hooks::default()).unwrap();
        assert_eq!(cmp.a, plain);
        assert_eq!(cmp.b, plain);
        // Identical scenarios: no discordant pairs.
        for (k, t) in cmp.paired.region.events.iter().enumerate() {
            assert_eq!(t.a_only + t.b_only, 0);
            assert_eq!(t.count_a(), plain.region.events[k]);
        }
        for (k, t) in cmp.paired.rivalries[0].events.iter().enumerate() {
            assert_eq!(t.count_a(), plain.rivalries[0].events[k]);
        }
    }

    #[test]
    fn result_does_not_depend_on_thread_count() {
        let c = baseline();
        let mut s2 = c.scenario.clone();
        s2.rivalries[0].params.monitoring = 0.9;
        let c2 = Compiled::new(&s2);
        let pairing = check(&c, &c2).unwrap();
        let one = engine::with_threads(1, || {
            run_paired(&c, &c2, &pairing, 5, 700, Hooks::default()).unwrap()
        });
        let two = engine::with_threads(2, || {
            run_paired(&c, &c2, &pairing, 5, 700, Hooks::default()).unwrap()
        });
        assert_eq!(one, two);
    }
}
