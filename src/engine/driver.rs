//! The one parallel driver: work units over fixed blocks on the current rayon pool, with
//! cancellation, progress and an exact, order-independent merge.
//!
//! A command describes its work as [`Units`]: how to make a worker (scratch allocated once:
//! world, run record, tallies), how to simulate one unit into it, and how to merge two
//! workers' tallies. A unit is a run index for `run` and shards, a pair of runs for
//! `compare`, and run `i` of one point for sweeps (whose scheduler opens points in order and
//! hands each of their blocks to [`run_block`]). Everything that every command needs lives
//! here once:
//! - **cancellation**: the flag is checked before every unit, so a Ctrl-C stops within one
//!   run whatever the number of runs; remaining blocks are skipped without being visited
//!   (`try_fold`/`try_reduce`: with 10^12 runs there are ~4 x 10^9 of them);
//! - **progress**: called once per finished block with its size;
//! - **memory**: [`check_memory`] refuses work whose tallies would not fit, before it starts;
//! - **exactness**: tallies are integers, so the merge order rayon picks never matters.
//!
//! **Architecture Invariant:** a unit's randomness depends on its index only (the
//! [`Units`] implementation derives the stream from it), never on the block, thread or
//! order, so any thread count and any split into shards gives the same merged tallies.

use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::{BLOCK_RUNS, Hooks, Interrupted};

/// Work the driver can run: units `first..end`, each simulated into a worker.
pub trait Units: Sync {
    /// Per-thread scratch and tallies, allocated once and reused for every unit it takes.
    type Worker: Send;
    /// A fresh worker with empty tallies.
    fn worker(&self) -> Self::Worker;
    /// Simulate unit `unit` into `w`. Must not allocate (the hot path).
    fn run(&self, w: &mut Self::Worker, unit: u64);
    /// Add `from`'s tallies into `into` (exact: integer state).
    fn merge(&self, into: &mut Self::Worker, from: Self::Worker);
}

/// Whether the caller asked to stop.
#[inline]
pub fn cancelled(hooks: &Hooks<'_>) -> bool {
    hooks.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
}

/// Simulate units `first..first + count` into `w`, checking for cancellation before each
/// unit (a block of long runs can take seconds; Ctrl-C must stop within one run), then
/// report the block's progress. A cancelled block's partial tallies must be discarded.
pub fn run_block<U: Units + ?Sized>(
    units: &U,
    w: &mut U::Worker,
    first: u64,
    count: u64,
    hooks: &Hooks<'_>,
) -> Result<(), Interrupted> {
    for unit in first..first + count {
        if cancelled(hooks) {
            return Err(Interrupted);
        }
        units.run(w, unit);
    }
    if let Some(p) = hooks.progress {
        p(count);
    }
    Ok(())
}

/// Run units `first..first + count` in blocks of [`BLOCK_RUNS`] on the current rayon pool and
/// return the merged worker. Blocks never depend on each other, so any thread count gives
/// the same tallies.
pub fn drive<U: Units>(
    units: &U,
    first: u64,
    count: u64,
    hooks: Hooks<'_>,
) -> Result<U::Worker, Interrupted> {
    let blocks = count.div_ceil(BLOCK_RUNS);
    let end = first + count;
    let merged = (0..blocks)
        .into_par_iter()
        .try_fold(
            || units.worker(),
            |mut w, b| {
                let start = first + b * BLOCK_RUNS;
                run_block(units, &mut w, start, BLOCK_RUNS.min(end - start), &hooks)?;
                Ok(w)
            },
        )
        .try_reduce(
            || units.worker(),
            |mut a, b| {
                units.merge(&mut a, b);
                Ok(a)
            },
        )?;
    if cancelled(&hooks) {
        return Err(Interrupted);
    }
    Ok(merged)
}

/// Nested Monte Carlo on the one driver: call `one` for draws `0..draws` in order (each
/// simulates its runs through [`drive`] with the same hooks, so progress counts runs and a
/// Ctrl-C stops within one run), checking for cancellation between draws as well. Draws run
/// one after another and each uses every thread; their results come back in draw order.
pub fn for_each_draw<T>(
    draws: u64,
    hooks: &Hooks<'_>,
    mut one: impl FnMut(u64) -> Result<T, Interrupted>,
) -> Result<Vec<T>, Interrupted> {
    let mut out = Vec::with_capacity(draws.min(1 << 20) as usize);
    for d in 0..draws {
        if cancelled(hooks) {
            return Err(Interrupted);
        }
        out.push(one(d)?);
    }
    Ok(out)
}

/// Most memory the tallies of one invocation may take (workers' tallies plus the merged
/// ones). Thousands of rivalries over a 200-year horizon need gigabytes per worker; such work
/// is refused with a message instead of exhausting the machine.
pub const MAX_TALLY_BYTES: u64 = 8 << 30;

/// Refuse work whose `tallies` tally sets of `each` bytes (one per worker plus the merged
/// ones) exceed [`MAX_TALLY_BYTES`]. `what` says what the tallies are of (shown first).
pub fn check_memory(each: u64, tallies: u64, what: &str) -> Result<(), String> {
    let total = each.saturating_mul(tallies);
    if total <= MAX_TALLY_BYTES {
        return Ok(());
    }
    let gb = |b: u64| b as f64 / (1u64 << 30) as f64;
    Err(format!(
        "{what}: the tallies and run records need about {:.1} GiB a set, {:.1} GiB in all for \
         {tallies} sets (one per thread and the merged ones), over the {:.0} GiB limit: use \
         fewer --threads, a shorter horizon or fewer rivalries",
        gb(each),
        gb(total),
        gb(MAX_TALLY_BYTES)
    ))
}
