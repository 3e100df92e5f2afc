//! Criterion benchmarks of the generator candidates for the per-process streams: cost per
//! u64 word, per standard normal (ziggurat), per uniform, and of keying a stream from
//! (run key, process id) and taking its first uniform. Numbers and commands: BENCHMARKS.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "rng/candidates.rs"]
mod candidates;

const N: u64 = 4096;

fn generators(c: &mut Criterion) {
    for op in ["words", "normals", "uniforms", "streams"] {
        let mut g = c.benchmark_group(format!("rng_{op}"));
        g.throughput(Throughput::Elements(N));
        for name in candidates::NAMES {
            g.bench_function(name, |b| {
                b.iter(|| candidates::run(black_box(name), op, black_box(N)))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, generators);
criterion_main!(benches);
