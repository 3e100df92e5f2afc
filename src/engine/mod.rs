//! Running many replications: RNG streams, rayon over fixed blocks, exact merging, cancellation.
//!
//! **Architecture Invariants:**
//! - run `i` draws only from process streams (xoshiro256++, one per process,
//!   `model::streams`) keyed by the run key from `ChaCha8Rng::seed_from_u64(seed)` with stream
//!   `stream_offset + i`; never from thread identity or scheduling;
//! - aggregates merge exactly (integer state), so results are bit-identical for any thread
//!   count and any split into shards;
//! - memory is O(threads x aggregate size), independent of the number of runs.

pub mod aggregate;
pub mod driver;
pub mod floor;
pub mod relevance;
pub mod until;

use std::sync::atomic::AtomicBool;


use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use aggregate::heap_block;
pub use aggregate::{Aggregate, Tally};

use crate::model::{Compiled, RunRecord, World, simulate_run, simulate_run_leading};
use crate::scenario::Scenario;

/// The RNG algorithm, recorded in every output.
pub const RNG_NAME: &str = crate::model::streams::CONSTRUCTION;

/// Runs per work block. Blocks are the unit of scheduling, progress and cancellation checks;
/// they do not affect results.
pub const BLOCK_RUNS: u64 = 256;

/// The master generator of run `index` under `seed`: the run takes its key from it and every
/// process of the model draws from its own stream under that key (`model::streams`).
pub fn run_rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// Which runs to simulate: the global run indices `first .. first + count`, each drawing
/// from stream `stream_offset + index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunPlan {
    pub seed: u64,
    pub first: u64,
    pub count: u64,
    pub stream_offset: u64,
}

/// The run was interrupted (Ctrl-C) before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// Optional hooks: a cancellation flag checked between runs and a progress callback
/// called with the number of runs just finished.
#[derive(Default, Clone, Copy)]
pub struct Hooks<'a> {
    /// Set to `true` (e.g. by a Ctrl-C handler) to stop before the next run; the call then
    /// returns [`Interrupted`].
    pub cancel: Option<&'a AtomicBool>,
    /// Called with the number of runs just finished (for progress bars); must be cheap.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// Per-worker scratch: allocated once, reused for every run of every block it takes.
pub struct Worker {
    world: World,
    record: RunRecord,
    pub aggregate: Aggregate,
    /// The attribution's variant worlds and records, when it is on.
    variants: Option<crate::attribution::Scratch>,
}

impl Worker {
    pub fn new(compiled: &Compiled) -> Self {
        Self::with_aggregate(compiled, Aggregate::new(compiled))
    }

    /// A worker recording into `aggregate`: empty tallies of `compiled`
    /// ([`Aggregate::reused_for`]).
    pub fn with_aggregate(compiled: &Compiled, aggregate: Aggregate) -> Self {
        Self {
            world: compiled.new_world(),
            record: RunRecord::new(compiled),
            aggregate,
            variants: compiled
                .attribution_variants()
                .map(|v| crate::attribution::Scratch::new(v).events_only()),
        }
    }

    /// Simulate runs `first..first+count` of `plan` sequentially into this worker's aggregate.
    /// Allocation-free.
    pub fn run_range(&mut self, compiled: &Compiled, plan: &RunPlan, first: u64, count: u64) {
        for i in first..first + count {
            let mut rng = run_rng(plan.seed, plan.stream_offset + i);
            // The attribution: the same run under the seven level-removal variants; the
            // plain run is the eighth (all levels present). The variants follow the plain
            // run, or the one without the political level, until their play of a crisis
            // differs (`Scratch::simulate_after`).
            if let (Some(scratch), Some(variants), Some(tally)) = (
                &mut self.variants,
                compiled.attribution_variants(),
                &mut self.aggregate.attribution,
            ) {
                let (mut followers, tape) = scratch.plain_followers(variants);
                simulate_run_leading(
                    compiled,
                    &mut self.world,
                    &mut self.record,
                    &mut rng,
                    Some(&mut followers),
                    tape,
                );
                scratch.simulate_after(variants, plan.seed, plan.stream_offset + i);
                tally.record(&self.record, &scratch.records(&self.record));
            } else {
                simulate_run(compiled, &mut self.world, &mut self.record, &mut rng);
            }
            self.aggregate.record(&self.record);
        }
    }

    /// The last run's record (for per-run output and tests).
    pub fn last_record(&self) -> &RunRecord {
        &self.record
    }
}

/// The runs of one scenario as driver [`driver::Units`]: unit `i` is run `i` of `plan`.
pub struct Runs<'a> {
    pub compiled: &'a Compiled,
    pub plan: RunPlan,
}

impl driver::Units for Runs<'_> {
    type Worker = Worker;

    fn worker(&self) -> Worker {
        Worker::new(self.compiled)
    }

    #[inline]
    fn run(&self, w: &mut Worker, unit: u64) {
        w.run_range(self.compiled, &self.plan, unit, 1);
    }

    fn merge(&self, into: &mut Worker, from: Worker) {
        into.aggregate.merge(&from.aggregate);
    }
}

/// Simulate every run of `plan` on the current rayon pool and return the aggregate.
pub fn run(
    compiled: &Compiled,
    plan: &RunPlan,
    hooks: Hooks<'_>,
) -> Result<Aggregate, Interrupted> {
    let units = Runs {
        compiled,
        plan: *plan,
    };
    driver::drive(&units, plan.first, plan.count, hooks).map(|w| w.aggregate)
}

/// Header of the per-run CSV written by [`run_with_rows`] (docs/OUTPUT.md, "Per-run rows"):
/// the run's facts, then the run's count of each kind of [`crate::outputs::COUNTS`], by its
/// key, in that order. Ends with a newline.
pub fn run_rows_header() -> &'static str {
    static HEADER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut h = String::from(
            "run,rivalry,max_level,crises,disputes,first_force_month,gdp_lost,final_balance,\
             cost_military,cost_political,cost_economic",
        );
        for c in &crate::outputs::COUNTS {
            h.push(',');
            h.push_str(c.key);
        }
        h.push('\n');
        h
    });
    &HEADER
}

/// Blocks simulated together before their rows are written, per thread: bounds the memory
/// held for per-run rows.
const ROW_CHUNK_BLOCKS_PER_THREAD: u64 = 16;

fn write_rows(compiled: &Compiled, index: u64, record: &RunRecord, out: &mut Vec<u8>) {
    use std::io::Write;
    for (r, rec) in compiled.scenario.rivalries.iter().zip(&record.rivalries) {
        let force = rec
            .first_force_step
            .map(|s| s.to_string())
            .unwrap_or_default();
        let _ = write!(
            out,
            "{index},{},{},{},{},{force},{},{},{},{},{}",
            r.id,
            rec.max_level,
            rec.crises,
            rec.disputes,
            rec.gdp_lost,
            rec.final_balance,
            rec.level_costs.military,
            rec.level_costs.political,
            rec.level_costs.economic
        );
        for n in &rec.counts {
            let _ = write!(out, ",{n}");
        }
        out.push(b'\n');
    }
}

/// Like [`run`], and also write one CSV row per (run, rivalry) to `sink`, in run order.
/// Memory stays bounded: blocks are simulated in chunks whose rows are written before the
/// next chunk starts. The aggregate is identical to [`run`]'s.
pub fn run_with_rows(
    compiled: &Compiled,
    plan: &RunPlan,
    hooks: Hooks<'_>,
    sink: &mut dyn std::io::Write,
) -> Result<Result<Aggregate, Interrupted>, std::io::Error> {
    sink.write_all(run_rows_header().as_bytes())?;
    let units = RowRuns(Runs {
        compiled,
        plan: *plan,
    });
    let blocks = plan.count.div_ceil(BLOCK_RUNS);
    let chunk = ROW_CHUNK_BLOCKS_PER_THREAD * rayon::current_num_threads() as u64;
    let end_run = plan.first + plan.count;
    // The chunks' tallies merged; the first chunk's become it (one set beside the workers).
    let mut total: Option<Aggregate> = None;
    let mut start = 0;
    while start < blocks {
        let end = (start + chunk).min(blocks);
        let first = plan.first + start * BLOCK_RUNS;
        let count = end_run.min(plan.first + end * BLOCK_RUNS) - first;
        // Each block's rows taken from its worker as the block ends, into the block's slot,
        // so that they are written in run order; the workers are the driver's (one per
        // thread given a block), never one per block.
        let slots: Vec<std::sync::Mutex<Vec<u8>>> = (start..end).map(|_| Default::default()).collect();
        let take = |w: &mut RowWorker, b: u64| {
            *slots[b as usize].lock().expect("no panics under the lock") =
                std::mem::take(&mut w.rows);
        };
        let Ok(merged) = driver::drive_with(&units, first, count, hooks, &take) else {
            return Ok(Err(Interrupted));
        };
        for slot in slots {
            sink.write_all(&slot.into_inner().expect("no panics under the lock"))?;
        }
        match &mut total {
            Some(t) => t.merge(&merged.worker.aggregate),
            None => total = Some(merged.worker.aggregate),
        }
        start = end;
    }
    let total = total.unwrap_or_else(|| Aggregate::new(compiled));
    if driver::cancelled(&hooks) {
        return Ok(Err(Interrupted));
    }
    Ok(Ok(total))
}

/// [`Runs`] that also write each run's CSV rows (`--per-run`).
struct RowRuns<'a>(Runs<'a>);

struct RowWorker {
    worker: Worker,
    rows: Vec<u8>,
}

impl driver::Units for RowRuns<'_> {
    type Worker = RowWorker;

    fn worker(&self) -> RowWorker {
        RowWorker {
            worker: self.0.worker(),
            rows: Vec::new(),
        }
    }

    fn run(&self, w: &mut RowWorker, unit: u64) {
        self.0.run(&mut w.worker, unit);
        write_rows(self.0.compiled, unit, w.worker.last_record(), &mut w.rows);
    }

    fn merge(&self, into: &mut RowWorker, from: RowWorker) {
        into.worker.aggregate.merge(&from.worker.aggregate);
        into.rows.extend(from.rows);
    }
}

#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use driver::MAX_TALLY_BYTES;

/// Check before running `compiled` on `threads` threads, `runs` runs at a time (one call of
/// the driver: [`at_once`]), that their aggregates fit in [`MAX_TALLY_BYTES`]: one per
/// thread given a block of runs and one more ([`driver::sets`]).
pub fn check_memory(compiled: &Compiled, threads: usize, runs: u64) -> Result<(), String> {
    check_memory_for(compiled, driver::sets(threads, runs), driver::stacks(threads))
}

/// The most runs a job of `runs` runs hands the driver at once: all of them, or under
/// `--until-ci` its stages of at most [`until::ADAPTIVE_BLOCK`] runs (up to the cap,
/// `max_runs`), whose total is kept beside them (the one more set of [`driver::sets`]).
pub fn at_once(runs: u64, until: Option<&until::UntilCi>) -> u64 {
    match until {
        None => runs,
        Some(u) => u.max_runs.min(until::ADAPTIVE_BLOCK),
    }
}

/// [`check_memory`] for `tallies` aggregates of `compiled` (e.g. two per worker in a
/// comparison, one per point in flight in a sweep) beside a pool of `stacks` worker threads
/// ([`driver::stacks`]; 0 for work on the calling thread alone, as a merge).
pub fn check_memory_for(compiled: &Compiled, tallies: u64, stacks: u64) -> Result<(), String> {
    driver::check_memory(
        set_bytes(compiled),
        tallies,
        stacks,
        &format!(
            "{} rivalries x {} years of {} countries",
            compiled.scenario.rivalries.len(),
            compiled.scenario.meta.horizon_years,
            compiled.scenario.countries.len(),
        ),
    )
}

/// Bytes of one set the memory guard counts for `compiled`: a worker's tallies and run
/// records ([`Aggregate::estimated_bytes`]) and its worlds, the run's and each attribution
/// variant's ([`Compiled::world_bytes`]); [`set_bytes_of`] before compiling.
pub fn set_bytes(compiled: &Compiled) -> u64 {
    let worlds = 1 + compiled.attribution_variants().map_or(0, <[_]>::len) as u64;
    Aggregate::estimated_bytes(compiled) + worlds * Compiled::world_bytes(&compiled.scenario)
}

/// Bytes of one set the memory guard counts for `scenario` as compiled (already pruned, or
/// meant to be compiled unpruned), from its sizes alone: a worker's tallies and run records
/// ([`Aggregate::estimated_bytes_of`]) and its worlds, the run's and with the `attribution`
/// each of its 7 variants' ([`Compiled::world_bytes`]). A job's sets are its workers and
/// one more ([`driver::sets`]), the one more covering the compiled scenario's initial worlds
/// (one a variant too).
pub fn set_bytes_of(scenario: &Scenario, attribution: bool) -> u64 {
    let variants = attribution.then_some(crate::model::ATTRIBUTION_VARIANTS);
    Aggregate::estimated_bytes_of(
        scenario.rivalries.len(),
        scenario.meta.horizon_years,
        scenario.steps(),
        variants,
    ) + (1 + variants.unwrap_or(0) as u64) * Compiled::world_bytes(scenario)
}

/// [`check_memory`] before compiling `scenario` ([`check_scenario_memory`]): `runs` runs at
/// a time on `threads` threads, with the `attribution` or not.
pub fn check_memory_before(
    scenario: &Scenario,
    attribution: bool,
    threads: usize,
    runs: u64,
) -> Result<(), String> {
    check_scenario_memory(
        scenario,
        attribution,
        driver::sets(threads, runs),
        driver::stacks(threads),
    )
}

/// The memory guard before compiling `scenario` (whose worlds grow with the square of its
/// countries and are allocated by compiling it): refuse `tallies` sets
/// ([`set_bytes_of`] of the scenario [`Compiled::new`] keeps) beside a pool of `stacks`
/// worker threads over the guard's ceiling, with [`check_memory_for`]'s message.
pub fn check_scenario_memory(
    scenario: &Scenario,
    attribution: bool,
    tallies: u64,
    stacks: u64,
) -> Result<(), String> {
    let kept = relevance::prune(scenario).0;
    check_scenario_memory_as(&kept, attribution, tallies, stacks)
}

/// [`check_scenario_memory`] for `scenario` compiled as it is ([`Compiled::unpruned`]).
pub fn check_scenario_memory_as(
    scenario: &Scenario,
    attribution: bool,
    tallies: u64,
    stacks: u64,
) -> Result<(), String> {
    driver::check_memory(
        set_bytes_of(scenario, attribution),
        tallies,
        stacks,
        &format!(
            "{} rivalries x {} years of {} countries",
            scenario.rivalries.len(),
            scenario.meta.horizon_years,
            scenario.countries.len(),
        ),
    )
}

/// Give the memory of freed tallies back to the system. glibc's allocator keeps a freed
/// block in the arena of the thread that allocated it (one arena per thread, up to eight per
/// core), resident, for that arena's next allocations only: a set of tallies freed on one
/// thread is not reused by the tallies, report or text another thread allocates next, nor by
/// a block large enough to be mapped on its own (a JSON text), so each would come on top of
/// it. Called where a command or [`crate::run`] has freed a whole set before others take
/// their memory (the page of no runs `--plots` checks its chart names on, a run's tallies
/// once its report is built, each point's tallies of a shard once spooled). `malloc_trim` hands every arena's free pages back; elsewhere
/// than Linux with glibc this does nothing.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: glibc's `malloc_trim`, which every Rust program on this target links; it
        // takes each arena's lock and returns free pages to the kernel (`madvise`), moving
        // no live allocation.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// The stack of each worker thread, in bytes. rayon splits a range of runs by recursive
/// `join`s, and a worker that waits in one runs stolen halves on its own stack, each level
/// holding its workers' state (a comparison's pair of worlds, records and tallies: about 22
/// KiB, several copies a level): a comparison of 10,000 runs needed between 1 and 1.5 MiB,
/// near the 2 MiB default, and overflowed it on a loaded machine (16 MiB: ten times what was
/// needed). Only the pages a thread touches become resident, so a generous reservation costs
/// no memory.
pub const WORKER_STACK_BYTES: usize = 16 << 20;

/// Run `f` on a rayon pool with `threads` workers (0 = all cores; at most
/// [`crate::MAX_THREADS`]), each with a stack of [`WORKER_STACK_BYTES`].
pub fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    with_threads_timed(threads, |_, _| f())
}

/// [`with_threads`], `f` given the seconds the pool took to start (its threads created):
/// part of the command's elapsed time that no simulation's own clock sees (about a
/// millisecond per thread; `--threads 1024` spends most of a small run starting them).
///
/// `f` is also given the workers the pool has: `threads` (0: the cores), or fewer when the
/// pool had to be asked again with fewer (below), what a report says it ran on.
///
/// A pool whose threads the system will not start (`pthread_create` failing with EAGAIN
/// once the address-space limit, `ulimit -v`, leaves no room for their stacks and malloc
/// arenas, or the process limit is reached) is asked again with half the threads, down to
/// one; the results are the same bytes on any number of threads. If not even one worker
/// starts, `f` runs on the calling thread, made a pool of one without starting a thread.
/// `f` never falls to rayon's global pool: its start failing under the same limit panicked
/// ("The global thread pool has not been initialized", exit 101: `deter run --threads 32`
/// under `ulimit -v 260000`).
pub fn with_threads_timed<T: Send>(threads: usize, f: impl FnOnce(f64, usize) -> T + Send) -> T {
    with_threads_spawned(threads, &|_| true, |_| {}, f)
}

/// [`with_threads_timed`] with `may_start(i)` saying whether the system lets worker `i` of
/// a pool start (always, but for a test that makes a pool fail as the address-space limit
/// does), and `ended(i)` called on worker `i`'s thread as it ends (nothing, but for a test
/// that makes a worker slow to end, as releasing its stack is).
fn with_threads_spawned<T: Send>(
    threads: usize,
    may_start: &(dyn Fn(usize) -> bool + Sync),
    ended: fn(usize),
    f: impl FnOnce(f64, usize) -> T + Send,
) -> T {
    let started = std::time::Instant::now();
    // 0: rayon's default (`RAYON_NUM_THREADS`, else the cores), halved from the cores.
    let mut asked = threads.min(crate::MAX_THREADS);
    loop {
        // The workers this attempt started. A pool that fails to start tells those it did
        // start to end, but they end a moment later, and until then their stacks hold the
        // address space the next, smaller attempt needs: under `ulimit -v 600000`,
        // `--threads 14` fell to one thread in some tries where 7 start. So they are joined
        // before asking again.
        let started_workers = std::sync::Mutex::new(Vec::new());
        let built = rayon::ThreadPoolBuilder::new()
            .num_threads(asked)
            .spawn_handler(|thread| {
                let index = thread.index();
                if !may_start(index) {
                    return Err(std::io::Error::from(std::io::ErrorKind::WouldBlock));
                }
                let mut b = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES);
                if let Some(name) = thread.name() {
                    b = b.name(name.to_owned());
                }
                let handle = b.spawn(move || {
                    thread.run();
                    ended(index);
                })?;
                if let Ok(mut handles) = started_workers.lock() {
                    handles.push(handle);
                }
                Ok(())
            })
            .build();
        let handles = started_workers.into_inner().unwrap_or_default();
        if let Ok(pool) = built {
            // The workers run detached, as rayon's own spawn leaves them.
            drop(handles);
            let startup = started.elapsed().as_secs_f64();
            let used = pool.current_num_threads();
            return pool.install(|| f(startup, used));
        }
        for handle in handles {
            let _ = handle.join();
        }
        if asked == 1 {
            break;
        }
        if asked == 0 {
            asked = std::thread::available_parallelism().map_or(2, usize::from);
        }
        asked = (asked / 2).max(1);
    }
    // No worker would start: the calling thread becomes the only worker of a pool (rayon
    // leaks that pool, a few hundred bytes, and keeps the thread in it, so a later call
    // finds the thread already in a pool and runs there too).
    let startup = started.elapsed().as_secs_f64();
    match rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
    {
        Ok(pool) => pool.install(|| f(startup, 1)),
        Err(_) => f(startup, 1),
    }
}

#[cfg(test)]
mod pool_tests {
    /// A pool that cannot start all the threads asked is asked again with half, and `f` is
    /// told the workers it got, not the number asked: with the system starting only workers
    /// 0 and 1 (as an address-space limit does), 5 asked is 2 used (5, then 2), 8 is 2 (8,
    /// 4, 2), 2 is 2, and with none starting the calling thread is the one worker.
    #[test]
    fn the_pool_says_the_threads_it_has_not_the_threads_asked() {
        let two = |i: usize| i < 2;
        for (asked, used) in [(5, 2), (8, 2), (2, 2), (1, 1)] {
            let (told, current) = super::with_threads_spawned(asked, &two, |_| {}, |_, n| {
                (n, rayon::current_num_threads())
            });
            assert_eq!((told, current), (used, used), "{asked} asked");
        }
        let told = super::with_threads_spawned(3, &|_| false, |_| {}, |_, n| n);
        assert_eq!(told, 1);
        let told = super::with_threads_spawned(3, &|_| true, |_| {}, |_, n| n);
        assert_eq!(told, 3);
    }

    static ALIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    static MOST_ALIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// A failed pool's started workers have ended before a smaller pool is asked for (their
    /// stacks are the room it needs): with workers that take 300 ms to end after being told
    /// to, and only workers 0 and 1 starting, 8 asked then 4 then 2 never has more than the 2
    /// of one attempt alive at once (without the join: 4, then 6).
    #[test]
    fn a_failed_pools_workers_have_ended_before_a_smaller_pool_starts() {
        use std::sync::atomic::Ordering::SeqCst;
        let starts = |i: usize| {
            if i >= 2 {
                return false;
            }
            let now = ALIVE.fetch_add(1, SeqCst) + 1;
            MOST_ALIVE.fetch_max(now, SeqCst);
            true
        };
        let slow_end = |_: usize| {
            std::thread::sleep(std::time::Duration::from_millis(300));
            ALIVE.fetch_sub(1, SeqCst);
        };
        let used = super::with_threads_spawned(8, &starts, slow_end, |_, n| n);
        assert_eq!(used, 2);
        assert_eq!(MOST_ALIVE.load(SeqCst), 2, "workers of a failed pool still alive");
    }
}
