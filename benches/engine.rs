//! Criterion benchmarks of the engine's costs. Numbers, conditions and commands: BENCHMARKS.md.
//!
//! - `per_run/<scenario>`: one full run (reset, draws, every step, aggregation) of each
//!   bundled scenario in scenarios/ (sweep files are skipped);
//! - `rng_floor/<scenario>`: the same number and kinds of draws as one average run of that
//!   scenario (counted with the instrumented RNG), with no model logic;
//! - `per_step`, `crisis_game`: one month of the baseline; one crisis opportunity;
//! - `aggregate_record`: folding one run's record into the aggregate;
//! - `sweep_point_setup`: what a sweep pays per design point before simulating
//!   (Scenario clone + one parameter set + Compiled::new + Worker::new);
//!   `sweep_point_100_runs`: setup plus 100 runs through `engine::run`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};

use deter::engine::{Aggregate, RunPlan, Worker, floor, run_rng};
use deter::model::{Compiled, RunRecord, bench_hooks, simulate_run};
use deter::scenario::{ParamRef, Scenario};

const BASELINE: &str = "scenarios/western-balkans-2024.toml";

/// Every file in scenarios/ that reads as a scenario (sweep definitions do not).
fn bundled() -> Vec<(String, Scenario)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .expect("run from the crate root")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let s = deter::scenario::load_file(&p).ok()?;
            let name = p.file_stem()?.to_string_lossy().into_owned();
            Some((name, s))
        })
        .collect()
}

fn baseline() -> Compiled {
    Compiled::new(&deter::scenario::load_file(Path::new(BASELINE)).expect("baseline is valid"))
}

fn per_run_and_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("per_run");
    group.throughput(Throughput::Elements(1));
    for (name, scenario) in bundled() {
        let compiled = Compiled::new(&scenario);
        let plan = RunPlan {
            seed: scenario.meta.seed,
            first: 0,
            count: u64::MAX / 2,
            stream_offset: 0,
        };
        let mut worker = Worker::new(&compiled);
        let mut i = 0u64;
        group.bench_function(&name, |b| {
            b.iter(|| {
                worker.run_range(&compiled, &plan, black_box(i), 1);
                i += 1;
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("rng_floor");
    group.throughput(Throughput::Elements(1));
    for (name, scenario) in bundled() {
        let compiled = Compiled::new(&scenario);
        let seed = scenario.meta.seed;
        let counts = floor::count_draws(&compiled, seed, 2_000);
        let work = floor::FloorWork::new(&compiled, &counts, 2_000);
        let mut i = 0u64;
        group.bench_function(&name, |b| {
            b.iter(|| {
                black_box(work.run(seed, black_box(i)));
                i += 1;
            })
        });
    }
    group.finish();
}

fn parts(c: &mut Criterion) {
    let compiled = baseline();
    let steps = compiled.steps();
    let mut world = compiled.new_world();
    let mut record = RunRecord::new(&compiled);

    // One month, over whole runs: the run starts again every `steps` iterations.
    let mut k = 0u64;
    c.bench_function("per_step", |b| {
        b.iter(|| {
            let step = (k % u64::from(steps)) as u32;
            if step == 0 {
                let mut rng = run_rng(1, k / u64::from(steps));
                bench_hooks::start_run(&compiled, &mut world, &mut record, &mut rng);
            }
            bench_hooks::step(&compiled, &mut world, &mut record, step);
            k += 1;
        })
    });

    // One crisis opportunity from the start state (a fresh copy of the world each time).
    let mut start = compiled.new_world();
    let mut rng = run_rng(2, 0);
    bench_hooks::start_run(&compiled, &mut start, &mut record, &mut rng);
    c.bench_function("crisis_game", |b| {
        b.iter_batched_ref(
            || (start.clone(), record.clone()),
            |(w, r)| bench_hooks::crisis(&compiled, w, r, 0),
            BatchSize::SmallInput,
        )
    });

    // Folding one run's record into the aggregate.
    let mut rng = run_rng(3, 0);
    simulate_run(&compiled, &mut world, &mut record, &mut rng);
    let mut aggregate = Aggregate::new(&compiled);
    c.bench_function("aggregate_record", |b| {
        b.iter(|| aggregate.record(black_box(&record)))
    });
}

fn sweep_point(c: &mut Criterion) {
    let scenario = deter::scenario::load_file(Path::new(BASELINE)).expect("baseline is valid");
    let target = ParamRef::resolve("rivalry.SRB-XKX.monitoring", &scenario).expect("path");
    let mut x = 0u64;
    c.bench_function("sweep_point_setup", |b| {
        b.iter(|| {
            let mut s = scenario.clone();
            s.set(target, 0.2 + (x % 7) as f64 * 0.1).expect("in range");
            let compiled = Compiled::new(&s);
            let worker = Worker::new(&compiled);
            x += 1;
            black_box((compiled, worker))
        })
    });
    // A whole point of a 10,000 x 100 sweep: setup, then 100 runs through engine::run (rayon,
    // one Worker per split, exact merge). Compare with 100 x per_run/western-balkans-2024.
    let mut group = c.benchmark_group("sweep_point_100_runs");
    group.sample_size(20);
    group.bench_function("western-balkans-2024", |b| {
        b.iter(|| {
            let mut s = scenario.clone();
            s.set(target, 0.2 + (x % 7) as f64 * 0.1).expect("in range");
            let compiled = Compiled::new(&s);
            let plan = RunPlan {
                seed: x,
                first: 0,
                count: 100,
                stream_offset: 0,
            };
            x += 1;
            black_box(deter::engine::run(&compiled, &plan, Default::default()).expect("runs"))
        })
    });
    group.finish();
}

criterion_group!(benches, per_run_and_floor, parts, sweep_point);
criterion_main!(benches);
