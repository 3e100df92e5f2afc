//! The instrumented RNG: how many draws of each kind a baseline run makes (the RNG floor's
//! workload, BENCHMARKS.md), and that counting changes nothing.

use deter::engine::{floor, run_rng};
use deter::model::{Compiled, CountingDraws, RunRecord, simulate_run, simulate_run_with};

fn baseline() -> Compiled {
    let s = deter::scenario::parse_str(
        include_str!("../scenarios/western-balkans-2024.toml"),
        "western-balkans-2024.toml",
    )
    .expect("bundled scenario is valid");
    Compiled::new(&s)
}

#[test]
fn counting_draws_does_not_change_a_run() {
    let c = baseline();
    let (mut w1, mut w2) = (c.new_world(), c.new_world());
    let (mut r1, mut r2) = (RunRecord::new(&c), RunRecord::new(&c));
    for i in 0..50 {
        simulate_run(&c, &mut w1, &mut r1, &mut run_rng(5, i));
        simulate_run_with(&c, &mut w2, &mut r2, &mut CountingDraws::new(run_rng(5, i)));
        assert_eq!(r1, r2, "run {i}");
    }
}

#[test]
fn baseline_draws_per_run_by_kind() {
    let c = baseline();
    let mut w = c.new_world();
    let mut r = RunRecord::new(&c);
    let steps = u64::from(c.steps());
    let (mut normals, mut uniforms, mut words, mut runs) = (0u64, 0u64, 0u64, 0u64);
    for i in 0..500 {
        let mut d = CountingDraws::new(run_rng(11, i));
        simulate_run_with(&c, &mut w, &mut r, &mut d);
        let k = d.counts();
        // One Beta per run: NATO's reliability.
        assert_eq!(k.betas, 1, "run {i}");
        // Every draw takes at least one 64-bit word; nothing else is taken.
        assert!(k.u64_words >= k.normals + k.uniforms + k.betas, "{k:?}");
        assert_eq!((k.u32_words, k.bytes), (0, 0), "{k:?}");
        if r.max_level() < 5 {
            // Each month: 7 countries x 3 normals (GDP, cohesion, narrative) and the rivalry's
            // tension; each crisis: one normal for the misperceived balance.
            let crises: u64 = r.rivalries.iter().map(|x| u64::from(x.crises)).sum();
            assert_eq!(k.normals, steps * 22 + crises, "run {i}");
            // One uniform per month for the crisis count, at least one per crisis.
            assert!(k.uniforms >= steps + crises, "run {i}");
        }
        normals += k.normals;
        uniforms += k.uniforms;
        words += k.u64_words;
        runs += 1;
    }
    eprintln!(
        "baseline draws per run: {:.1} normals, {:.1} uniforms, 1 Beta, {:.1} u64 words",
        normals as f64 / runs as f64,
        uniforms as f64 / runs as f64,
        words as f64 / runs as f64
    );
    let counts = floor::count_draws(&c, 11, 500);
    assert_eq!((counts.normals, counts.uniforms), (normals, uniforms));
    let work = floor::FloorWork::new(&c, &counts, 500);
    assert_eq!(work.betas.len(), 1);
    assert_eq!(work.normals, (normals as f64 / 500.0).round() as u64);
    assert!(work.run(11, 0).is_finite());
}
