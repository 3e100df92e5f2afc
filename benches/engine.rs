//! Per-run cost of the bundled scenarios (criterion). Numbers and commands: BENCHMARKS.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use deter::engine::{RunPlan, Worker, run_rng};
use deter::model::Compiled;

fn per_run(c: &mut Criterion) {
    let scenario =
        deter::scenario::load_file(std::path::Path::new("scenarios/western-balkans-2024.toml"))
            .expect("bundled scenario is valid");
    let compiled = Compiled::new(&scenario);
    let plan = RunPlan {
        seed: 1,
        first: 0,
        count: 1,
        stream_offset: 0,
    };
    let mut worker = Worker::new(&compiled);
    let mut group = c.benchmark_group("per_run");
    group.throughput(Throughput::Elements(1));
    let mut i = 0u64;
    group.bench_function("western-balkans-2024", |b| {
        b.iter(|| {
            worker.run_range(&compiled, &plan, black_box(i), 1);
            i += 1;
        })
    });
    group.finish();
    let _ = run_rng(1, 0);
}

criterion_group!(benches, per_run);
criterion_main!(benches);
