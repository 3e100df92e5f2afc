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

use std::sync::atomic::{AtomicU64, Ordering};

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
    drive_with(units, first, count, hooks, &|_, _| {})
}

/// [`drive`], calling `after(worker, b)` once block `b` (units `first + b * BLOCK_RUNS..`)
/// is simulated into `worker` (`--per-run` takes the block's rows there).
///
/// **Memory:** at most [`workers`]`(threads, count)` workers exist at once, one per thread
/// that takes a block, each created when its thread takes its first block: the pool's
/// threads take blocks from one counter, and the workers are merged pairwise as their
/// threads finish, each merge freeing one. (Rayon's `fold`/`reduce` made a worker and an
/// empty one per split, and splits number about twice the threads: 8 sets of tallies for
/// 4 blocks on 4 threads, 12 for 8, where the memory guard counted 5.) The merged worker is
/// one of them; [`sets`] is what the memory guard counts.
pub fn drive_with<U: Units>(
    units: &U,
    first: u64,
    count: u64,
    hooks: Hooks<'_>,
    after: &(dyn Fn(&mut U::Worker, u64) + Sync),
) -> Result<U::Worker, Interrupted> {
    let blocks = count.div_ceil(BLOCK_RUNS);
    let end = first + count;
    let next = AtomicU64::new(0);
    let tasks = workers(rayon::current_num_threads(), count);
    let merged = (0..tasks)
        .into_par_iter()
        .map(|_| -> Result<Option<U::Worker>, Interrupted> {
            let mut worker: Option<U::Worker> = None;
            loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                if b >= blocks {
                    return Ok(worker);
                }
                let w = worker.get_or_insert_with(|| units.worker());
                let start = first + b * BLOCK_RUNS;
                run_block(units, w, start, BLOCK_RUNS.min(end - start), &hooks)?;
                after(w, b);
            }
        })
        .try_reduce_with(|a, b| {
            Ok(match (a, b) {
                (Some(mut a), Some(b)) => {
                    units.merge(&mut a, b);
                    Some(a)
                }
                (a, b) => a.or(b),
            })
        })
        .transpose()?
        .flatten();
    if cancelled(&hooks) {
        return Err(Interrupted);
    }
    Ok(merged.unwrap_or_else(|| units.worker()))
}

/// Workers a job of `units` units takes on `threads` threads: one per thread that gets a
/// block of [`BLOCK_RUNS`] units, so never more than the blocks (a job of 100 runs is one
/// block, one worker, whatever the threads), and at least one.
pub fn workers(threads: usize, units: u64) -> u64 {
    (threads.max(1) as u64).min(units.div_ceil(BLOCK_RUNS)).max(1)
}

/// Tally sets the memory guard counts for a job of `units` units on `threads` threads
/// through [`drive`]: its [`workers`] and one more (the merged tallies are one of the
/// workers'; the one more is the set a caller keeps beside them: a run's total under
/// `--until-ci`, `--per-run`'s total, or a margin).
pub fn sets(threads: usize, units: u64) -> u64 {
    workers(threads, units) + 1
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
        "{what}: the tallies, run records and simulated worlds need about {:.1} GiB a set, \
         {:.1} GiB in all for {tallies} sets (one per thread given runs, at most one per block \
         of {BLOCK_RUNS} runs, and the merged ones), over the {:.0} GiB limit: use \
         fewer --threads, a shorter horizon, fewer rivalries or fewer countries",
        gb(each),
        gb(total),
        gb(MAX_TALLY_BYTES)
    ))
}
