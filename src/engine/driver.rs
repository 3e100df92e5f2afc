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
/// ones) whatever the process's limits. Thousands of rivalries over a 200-year horizon need
/// gigabytes per worker; such work is refused with a message instead of exhausting the
/// machine. The guard's ceiling is this or, when smaller, what the address-space limit
/// leaves ([`ceiling`]).
pub const MAX_TALLY_BYTES: u64 = 8 << 30;

/// Address space the process maps besides the sets the guard counts and its workers'
/// stacks: its code, libraries, main heap and the inputs read before the guard. Measured at
/// the guard (`VmSize` of /proc/self/status): 76 MiB for a bundled scenario, 121 MiB for a
/// scenario of 8,000 countries (1 MB of TOML, whose run then peaked at 3.6 GiB); 160 MiB.
pub const MAPPED_BYTES: u64 = 160 << 20;

/// Address space each worker thread of the pool maps besides the sets: its stack
/// ([`super::WORKER_STACK_BYTES`]), whether or not it is given runs (a pool starts all its
/// threads). (glibc also reserves 64 MiB for a thread's malloc arena,
/// 80 MiB a thread measured in all, but takes another arena when it cannot: a bundled run on
/// 32 threads succeeded under `ulimit -v 120000`, 117 MiB, so the arenas are not counted.)
pub const WORKER_MAPPED_BYTES: u64 = super::WORKER_STACK_BYTES as u64;

/// The memory guard's ceiling: the bytes the sets may take in all beside a pool of `stacks`
/// worker threads, and the limit that set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ceiling {
    /// Most bytes the sets may take.
    pub bytes: u64,
    /// `None`: the fixed [`MAX_TALLY_BYTES`]. `Some((limit, margin))`: the address-space
    /// limit (`ulimit -v`, the soft `RLIMIT_AS`) of `limit` bytes less `margin` for what the
    /// process maps besides the sets ([`MAPPED_BYTES`], [`WORKER_MAPPED_BYTES`] a worker
    /// thread).
    pub address_space: Option<(u64, u64)>,
    /// The worker threads whose stacks the margin counts.
    pub stacks: u64,
}

impl Ceiling {
    /// The smaller of [`MAX_TALLY_BYTES`] and what an address-space limit of `limit` bytes
    /// (`None`: unlimited) leaves the sets beside a pool of `stacks` worker threads: `limit`
    /// less [`MAPPED_BYTES`] and [`WORKER_MAPPED_BYTES`] for each thread of the pool (all
    /// of them start, given runs or not; the merged set has no thread of its own). Until
    /// out30 the margin counted a stack per set, so 8 threads given one block of runs (two
    /// sets) were counted two stacks, not eight.
    pub fn of(limit: Option<u64>, stacks: u64) -> Ceiling {
        let fixed = Ceiling {
            bytes: MAX_TALLY_BYTES,
            address_space: None,
            stacks,
        };
        let Some(limit) = limit else {
            return fixed;
        };
        let margin = MAPPED_BYTES.saturating_add(stacks.saturating_mul(WORKER_MAPPED_BYTES));
        let bytes = limit.saturating_sub(margin);
        if bytes >= MAX_TALLY_BYTES {
            return fixed;
        }
        Ceiling {
            bytes,
            address_space: Some((limit, margin)),
            stacks,
        }
    }

    /// The limit in a refusal's words: "the 8 GiB limit", or the address space's with its
    /// value and margin, and how to raise it.
    pub fn describe(&self) -> String {
        let gb = |b: u64| b as f64 / (1u64 << 30) as f64;
        match self.address_space {
            None => format!("the {:.0} GiB limit", gb(self.bytes)),
            Some((limit, margin)) => format!(
                "the {:.1} GiB limit left by the process's address-space limit (`ulimit -v` \
                 {} KiB = {:.1} GiB, less {:.1} GiB for what the process maps besides the sets: \
                 its code, its inputs and the stacks of {}, {} MiB each)",
                gb(self.bytes),
                limit >> 10,
                gb(limit),
                gb(margin),
                crate::report::table::count(self.stacks, "worker thread", "worker threads"),
                WORKER_MAPPED_BYTES >> 20,
            ),
        }
    }

    /// The hint for this limit, after the guard's other ones: none for the fixed one.
    pub fn hint(&self) -> &'static str {
        match self.address_space {
            None => "",
            Some(_) => ", or raise the address-space limit (`ulimit -v`)",
        }
    }
}

/// The process's address-space limit in bytes (the soft `RLIMIT_AS`, what `ulimit -v` sets),
/// `None` when unlimited or not known on this system.
pub fn address_space_limit() -> Option<u64> {
    #[cfg(all(unix, not(target_os = "openbsd")))]
    {
        rustix::process::getrlimit(rustix::process::Resource::As).current
    }
    #[cfg(not(all(unix, not(target_os = "openbsd"))))]
    {
        None
    }
}

/// The most worker threads whose stacks ([`WORKER_MAPPED_BYTES`] each) an address-space
/// limit of `limit` bytes (`None`: unlimited, no bound) leaves room for beside
/// [`MAPPED_BYTES`], at least one. A pool of more does not start (`pthread_create` fails).
pub fn most_threads(limit: Option<u64>) -> Option<u64> {
    limit.map(|l| (l.saturating_sub(MAPPED_BYTES) / WORKER_MAPPED_BYTES).max(1))
}

/// The memory guard's ceiling for the sets beside a pool of `stacks` worker threads in this
/// process ([`Ceiling::of`] its address-space limit). The machine's available memory is not a ceiling: it changes with
/// other processes (the same command would be refused or not by the moment), swap and
/// overcommit let a run exceed it, and the guard's estimate is an upper bound (up to 1.8
/// times the measured peak), so it would refuse runs that succeed.
pub fn ceiling(stacks: u64) -> Ceiling {
    Ceiling::of(address_space_limit(), stacks)
}

/// The worker threads of a pool asked for `threads` (0: the cores), whose stacks the guard's
/// margin counts ([`Ceiling::of`]): the pool [`super::with_threads`] starts.
pub fn stacks(threads: usize) -> u64 {
    crate::settings::resolve_threads(threads) as u64
}

/// Refuse work whose `tallies` tally sets of `each` bytes (one per worker plus the merged
/// ones) exceed the guard's [`ceiling`] beside a pool of `stacks` worker threads
/// ([`stacks`]; 0 for work on the calling thread alone). `what` says what the tallies are
/// of (shown first).
pub fn check_memory(each: u64, tallies: u64, stacks: u64, what: &str) -> Result<(), String> {
    let total = each.saturating_mul(tallies);
    let ceiling = ceiling(stacks);
    if total <= ceiling.bytes {
        return Ok(());
    }
    let gb = |b: u64| b as f64 / (1u64 << 30) as f64;
    Err(format!(
        "{what}: the tallies, run records and simulated worlds need about {:.1} GiB a set, \
         {:.1} GiB in all for {tallies} sets (one per thread given runs, at most one per block \
         of {BLOCK_RUNS} runs, and the merged ones), over {}: use fewer --threads, a shorter \
         horizon, fewer rivalries or fewer countries{}",
        gb(each),
        gb(total),
        ceiling.describe(),
        ceiling.hint(),
    ))
}
