//! Random streams: how many draws of each kind a baseline run makes (the RNG floor's workload,
//! BENCHMARKS.md), and the synchronisation the per-process streams guarantee (adding an entity
//! never shifts another entity's draws).

use deter::engine::{floor, run_rng};
use deter::model::{Compiled, RunRecord, bench_hooks, simulate_run};
use deter::scenario::Scenario;

const BASELINE: &str = include_str!("../scenarios/western-balkans-2024.toml");

fn parse(src: &str) -> Scenario {
    deter::scenario::parse_str(src, "western-balkans-2024.toml").expect("valid scenario")
}

fn baseline() -> Compiled {
    Compiled::new(&parse(BASELINE))
}

#[test]
fn baseline_draws_per_run_by_kind() {
    let c = baseline();
    let mut w = c.new_counting_world();
    let mut r = RunRecord::new(&c);
    let steps = u64::from(c.steps());
    let (mut normals, mut uniforms, mut runs) = (0u64, 0u64, 0u64);
    for i in 0..500 {
        simulate_run(&c, &mut w, &mut r, &mut run_rng(11, i));
        let k = w.draw_counts();
        // No Beta: NATO holds neither player, so relevance pruning (engine::relevance)
        // leaves it out with the five countries off the rivalry.
        assert_eq!(k.betas, 0, "run {i}");
        let crises: u64 = r.rivalries.iter().map(|x| u64::from(x.crises)).sum();
        // 2 countries x 3 processes, 1 rivalry x 5 processes (tension, arrivals, non-state
        // incidents, target-initiated triggers, the end of a war), one per crisis.
        assert_eq!(k.streams, 2 * 3 + 5 + crises, "run {i}");
        // Every draw takes at least one 64-bit word.
        assert!(k.words >= k.normals + k.uniforms + k.betas, "{k:?}");
        if r.max_level() < 5 {
            // Each month: 2 countries x 2 normals (GDP, and the one of cohesion and narrative
            // that is read: the target's cohesion, the challenger's narrative) and the
            // rivalry's tension; each crisis: one normal for the misperceived balance.
            assert_eq!(k.normals, steps * 5 + crises, "run {i}");
            // One uniform per month each for the crisis, non-state incident and target-trigger
            // counts, one per non-state incident (does it open a crisis), at least one per crisis.
            let incidents: u64 = r
                .rivalries
                .iter()
                .map(|x| u64::from(x.counts[deter::outputs::count::NON_STATE]))
                .sum();
            assert!(k.uniforms >= 3 * steps + incidents + crises, "run {i}");
        }
        normals += k.normals;
        uniforms += k.uniforms;
        runs += 1;
    }
    eprintln!(
        "baseline draws per run: {:.1} normals, {:.1} uniforms",
        normals as f64 / runs as f64,
        uniforms as f64 / runs as f64,
    );
    let counts = floor::count_draws(&c, 11, 500);
    assert_eq!((counts.normals, counts.uniforms), (normals, uniforms));
    let work = floor::FloorWork::new(&c, &counts, 500);
    assert!(work.betas.is_empty());
    assert_eq!(work.normals, (normals as f64 / 500.0).round() as u64);
    assert!(work.streams >= 9);
    assert!(work.run(11, 0).is_finite());
}

fn runs(c: &Compiled, seed: u64, n: u64) -> Vec<RunRecord> {
    let mut w = c.new_world();
    let mut r = RunRecord::new(c);
    (0..n)
        .map(|i| {
            simulate_run(c, &mut w, &mut r, &mut run_rng(seed, i));
            r.clone()
        })
        .collect()
}

/// Issue 12 item 5: a country with no ties, no pact and no rivalry draws on its own streams
/// only, so every existing rivalry's record is the same to the bit. It is inserted *before*
/// the others in the file: streams are keyed by id, not by position. Its GDP is the largest
/// of the file: the reference GDP of the model's currency unit (`model::units`) is taken
/// among the countries the runs simulate, so it is not the island's.
#[test]
fn adding_an_unconnected_country_leaves_every_rivalry_byte_identical() {
    let extra = "\n[[country]]\nid = \"ISL\"\nname = \"Island\"\nstatus = \"none\"\n\
        [country.military]\nbudget = 50.0\n[country.economic]\ngdp = 5000.0\n\n";
    let at = BASELINE.find("[[country]]").unwrap();
    let with = format!("{}{}{}", &BASELINE[..at], extra, &BASELINE[at..]);
    // Unpruned: the streams alone make it so (pruning, tests/relevance.rs, drops the island).
    let a = Compiled::unpruned(&parse(BASELINE));
    let b = Compiled::unpruned(&parse(&with));
    assert_eq!(b.scenario.countries.len(), a.scenario.countries.len() + 1);
    let (ra, rb) = (runs(&a, 7, 300), runs(&b, 7, 300));
    let mut crises = 0;
    for (i, (x, y)) in ra.iter().zip(&rb).enumerate() {
        assert_eq!(x.rivalries.len(), y.rivalries.len());
        for (p, q) in x.rivalries.iter().zip(&y.rivalries) {
            // Debug prints every f64 exactly (shortest round-trip): byte-identical records.
            assert_eq!(format!("{p:?}"), format!("{q:?}"), "run {i}");
            crises += p.crises;
        }
    }
    assert!(crises > 100, "the comparison covers crises ({crises})");
}

/// Issue 12 item 5: a pact (Kosovo with the United States) changes no draw and no state
/// before the first crisis: tension, every GDP and the crisis arrivals are identical month by
/// month until then. Its reliability draw has its own stream.
#[test]
fn a_pact_changes_nothing_before_the_first_crisis() {
    let pact = format!(
        "{BASELINE}\n[[alliance]]\nid = \"XKX-USA\"\nmembers = [\"XKX\", \"USA\"]\nreliability = 0.8\n"
    );
    let a = baseline();
    let b = Compiled::new(&parse(&pact));
    let (mut wa, mut wb) = (a.new_world(), b.new_world());
    let (mut ra, mut rb) = (RunRecord::new(&a), RunRecord::new(&b));
    let mut compared_months = 0;
    for run in 0..200 {
        bench_hooks::start_run(&a, &mut wa, &mut ra, &mut run_rng(3, run));
        bench_hooks::start_run(&b, &mut wb, &mut rb, &mut run_rng(3, run));
        for step in 0..a.steps() {
            bench_hooks::step(&a, &mut wa, &mut ra, step);
            bench_hooks::step(&b, &mut wb, &mut rb, step);
            // The first crisis arrives in the same month (a war in it may cut the month's
            // further opportunities short on one side only).
            let (ca, cb) = (ra.rivalries[0].crises, rb.rivalries[0].crises);
            assert_eq!(ca > 0, cb > 0, "run {run}");
            if ca > 0 {
                break;
            }
            compared_months += 1;
            assert_eq!(
                wa.tension(0).to_bits(),
                wb.tension(0).to_bits(),
                "run {run}"
            );
            for ci in 0..a.scenario.countries.len() {
                assert_eq!(wa.gdp(ci).to_bits(), wb.gdp(ci).to_bits(), "run {run}");
            }
        }
    }
    assert!(compared_months > 200, "{compared_months}");
}
