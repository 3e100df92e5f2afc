//! Adaptive stopping: add runs in fixed blocks until every headline probability is known
//! to a target precision, or a cap is reached.
//!
//! **Architecture Invariant:** the decision to stop is taken only at block boundaries
//! (multiples of [`ADAPTIVE_BLOCK`] runs) and only from the exact aggregate of runs
//! `0..boundary`, so the number of runs, and thus the result, depends on the seed alone,
//! never on the thread count or on which runs happened to finish first.

use super::{Aggregate, Hooks, Interrupted, RunPlan};
use crate::model::Compiled;
use crate::outputs::EVENTS;
use crate::stats::wilson;

/// Runs added between two checks.
pub const ADAPTIVE_BLOCK: u64 = 1000;

/// The rows `--until-ci` watches in a run and in each point of a sweep, in words (the
/// table's stopping line, the JSON's `stopping.watched`, `--help`, docs/SWEEPS.md): the
/// headline probabilities, which the target half-width is a half-width of. The rest keep the
/// intervals the runs give them: a mean per run is in its own unit (crises, years, money),
/// not a probability's; a rivalry's and a year's probabilities, and the attribution's
/// changes, rest on the same runs and are wider.
pub const WATCHED: &str = "the region-wide probability of each outcome (crisis opportunity, threat, display of force, use of force, war, deterrence held, non-state violence); not a rivalry's own, the per-year values, the means per run or the attribution";

/// [`WATCHED`] for a comparison (`deter compare --until-ci`): the paired differences B - A
/// of the headline probabilities.
pub const WATCHED_PAIRED: &str = "the paired difference B - A of each outcome's region-wide probability (crisis opportunity, threat, display of force, use of force, war, deterrence held, non-state violence); not a rivalry's own, the differences of means per run or the attribution's shift";

/// What `--until-ci` asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UntilCi {
    /// Largest acceptable 95% Wilson half-width of every headline probability.
    pub target: f64,
    /// Cap on the number of runs.
    pub max_runs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    TargetReached,
    MaxRuns,
}

impl StopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::TargetReached => "target_reached",
            StopReason::MaxRuns => "max_runs",
        }
    }
}

/// How an adaptive run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stopping {
    pub target: f64,
    pub block: u64,
    pub max_runs: u64,
    pub runs: u64,
    pub reason: StopReason,
    /// The headline probability with the widest interval, and its half-width.
    pub widest: &'static str,
    pub widest_half_width: f64,
    /// What the rule watched, in words: [`WATCHED`] or [`WATCHED_PAIRED`].
    pub watched: &'static str,
}

/// The region-wide headline probability with the widest 95% Wilson interval.
pub fn widest(agg: &Aggregate) -> (&'static str, f64) {
    let mut best = (EVENTS[0].key, 0.0);
    for (e, &count) in EVENTS.iter().zip(&agg.region.events) {
        let w = wilson(count, agg.runs);
        let half = (w.hi - w.lo) / 2.0;
        if half > best.1 {
            best = (e.key, half);
        }
    }
    best
}

/// The check at a block boundary: `Some(reason)` when the run should stop.
pub fn check(agg: &Aggregate, until: &UntilCi) -> Option<Stopping> {
    let (name, half) = widest(agg);
    decide((name, half), agg.runs, until, WATCHED)
}

/// The stopping rule, given the widest half-width after `runs` runs: stop when it is at most
/// the target, or at the cap. Shared by runs (Wilson intervals) and comparisons (paired
/// intervals of the differences); `watched` says which rows, in words.
pub fn decide(
    (name, half): (&'static str, f64),
    runs: u64,
    until: &UntilCi,
    watched: &'static str,
) -> Option<Stopping> {
    let reason = if half <= until.target {
        StopReason::TargetReached
    } else if runs >= until.max_runs {
        StopReason::MaxRuns
    } else {
        return None;
    };
    Some(Stopping {
        target: until.target,
        block: ADAPTIVE_BLOCK,
        max_runs: until.max_runs,
        runs,
        reason,
        widest: name,
        widest_half_width: half,
        watched,
    })
}

/// Run blocks of [`ADAPTIVE_BLOCK`] runs (run i on stream `stream_offset + i`) until
/// [`check`] says stop.
pub fn run_until(
    compiled: &Compiled,
    seed: u64,
    stream_offset: u64,
    until: &UntilCi,
    hooks: Hooks<'_>,
) -> Result<(Aggregate, Stopping), Interrupted> {
    let mut total = Aggregate::new(compiled);
    loop {
        let count = ADAPTIVE_BLOCK.min(until.max_runs - total.runs);
        let plan = RunPlan {
            seed,
            first: total.runs,
            count,
            stream_offset,
        };
        let part = super::run(compiled, &plan, hooks)?;
        total.merge(&part);
        if let Some(stop) = check(&total, until) {
            return Ok((total, stop));
        }
    }
}
