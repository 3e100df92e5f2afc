//! Zero heap allocations per run after setup, counted by a global allocator.
//!
//! Its own test binary, so that the counting allocator sees nothing but this test; only
//! allocations made on the test's own thread while counting is switched on are counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use deter::engine::{RunPlan, Worker};
use deter::model::Compiled;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if COUNTING.with(|c| c.get()) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations_in(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

fn assert_runs_do_not_allocate(text: &str, name: &str) {
    let scenario = deter::scenario::parse_str(text, name).expect("valid scenario");
    let compiled = Compiled::new(&scenario);
    let plan = RunPlan {
        seed: 7,
        first: 0,
        count: 2_000,
        stream_offset: 0,
    };
    let mut worker = Worker::new(&compiled);
    // The counter works: setup allocates.
    assert!(allocations_in(|| drop(Worker::new(&compiled))) > 0);
    let n = allocations_in(|| worker.run_range(&compiled, &plan, 0, plan.count));
    assert_eq!(n, 0, "{name}: {n} heap allocations in {} runs", plan.count);
    assert_eq!(worker.aggregate.runs, plan.count);
}

#[test]
fn runs_after_setup_make_zero_heap_allocations() {
    // The bundled baseline, and the template (a ramped policy: the ramp list must not grow).
    assert_runs_do_not_allocate(
        include_str!("../scenarios/western-balkans-2024.toml"),
        "western-balkans-2024.toml",
    );
    assert_runs_do_not_allocate(deter::scenario::TEMPLATE, "template.toml");
}
