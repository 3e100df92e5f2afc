//! Events of the record: non-state violence, target-initiated crisis triggers and the per-year
//! counts per rivalry and run (docs/MODEL.md, "Events of the record").
//!
//! Every expectation is recomputed here from the parameters (closed forms) or from the runs'
//! own records, never read from the figure the engine reports about itself. Statistical checks
//! use fixed seeds and 99% tolerances (z = 2.576) from the estimate's standard error.

use deter::engine::{self, Aggregate, Hooks, RunPlan, run_rng};
use deter::model::{Compiled, RunRecord, simulate_run};
use deter::outputs::{COUNTS, count, event};
use deter::scenario::{self, ParamRef, Scenario};

const Z99: f64 = 2.576;

/// Two countries, one rivalry, a challenger that never challenges (satisfied, a status quo worth
/// ten stakes), constant tension, narrative and cohesion: every rate is a constant.
const STILL: &str = r#"
[scenario]
name = "still"
start = "2025-01"
horizon_years = 5
[model]
status_quo_value = 10.0
tension_jump_nonstate = 0.0
tension_jump_target = 0.0
[[country]]
id = "AAA"
[country.military]
budget = 1.0
[country.political]
narrative = 0.6
narrative_volatility = 0.0
cohesion_volatility = 0.0
[country.economic]
gdp = 10.0
[[country]]
id = "BBB"
[country.military]
budget = 1.0
[country.political]
cohesion = 0.8
cohesion_volatility = 0.0
narrative_volatility = 0.0
[country.economic]
gdp = 10.0
[[rivalry]]
challenger = "AAA"
target = "BBB"
dissatisfaction = 0.0
tension = 0.4
tension_volatility = 0.0
opportunity_rate = 0.0
monitoring = 0.3
nonstate_rate = 0.8
target_trigger_rate = 0.5
"#;

fn parse(src: &str) -> Scenario {
    scenario::parse_str(src, "still.toml").expect("valid scenario")
}

fn set(s: &mut Scenario, path: &str, value: f64) {
    let r = ParamRef::resolve(path, s).unwrap_or_else(|e| panic!("{e}"));
    s.set(r, value).unwrap_or_else(|e| panic!("{path}: {e}"));
}

/// Runs 0..n of `s`, one record each, in run order (the engine's own run streams).
fn records(s: &Scenario, seed: u64, n: u64) -> Vec<RunRecord> {
    let c = Compiled::new(s);
    let mut w = c.new_world();
    let mut r = RunRecord::new(&c);
    (0..n)
        .map(|i| {
            simulate_run(&c, &mut w, &mut r, &mut run_rng(seed, i));
            r.clone()
        })
        .collect()
}

fn aggregate(s: &Scenario, seed: u64, first: u64, count: u64) -> Aggregate {
    let c = Compiled::new(s);
    let plan = RunPlan {
        seed,
        first,
        count,
        stream_offset: 0,
    };
    engine::run(&c, &plan, Hooks::default()).expect("not cancelled")
}

/// Total of count `k` over a run's years, for rivalry 0.
fn total(r: &RunRecord, k: usize) -> u64 {
    r.rivalries[0]
        .yearly_counts
        .iter()
        .map(|y| u64::from(y[k]))
        .sum()
}

/// Mean and its 99% half-width for a Poisson total with mean `mu` over `n` runs.
fn check_poisson_mean(what: &str, xs: &[u64], mu: f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<u64>() as f64 / n;
    let half = Z99 * (mu / n).sqrt();
    eprintln!("{what}: mean {mean:.4}, closed form {mu:.4} +- {half:.4}");
    assert!(
        (mean - mu).abs() <= half,
        "{what}: mean {mean} vs {mu} +- {half}"
    );
}

/// Non-state incidents are Poisson with rate
/// `nonstate_rate (1 + a_T tension)(1 + a_N narrative_A)(1 - a_M monitoring)` per year.
#[test]
fn non_state_incidents_follow_their_rate_and_its_drivers() {
    let years = 5.0;
    let n = 8_000;
    let rate = |tension: f64, narrative: f64, monitoring: f64| {
        0.8 * (1.0 + tension) * (1.0 + narrative) * (1.0 - monitoring) * years
    };
    let s = parse(STILL);
    let xs: Vec<u64> = records(&s, 1, n)
        .iter()
        .map(|r| total(r, count::NON_STATE))
        .collect();
    check_poisson_mean("non-state, baseline", &xs, rate(0.4, 0.6, 0.3));
    // Rises with tension and the challenger's narrative, falls with monitoring.
    for (path, value, mu) in [
        ("rivalry.AAA-BBB.tension", 0.9, rate(0.9, 0.6, 0.3)),
        ("country.AAA.political.narrative", 0.0, rate(0.4, 0.0, 0.3)),
        ("rivalry.AAA-BBB.monitoring", 0.8, rate(0.4, 0.6, 0.8)),
    ] {
        let mut v = s.clone();
        set(&mut v, path, value);
        if path.ends_with("tension") {
            set(&mut v, "rivalry.AAA-BBB.baseline_tension", value);
        }
        let xs: Vec<u64> = records(&v, 2, n)
            .iter()
            .map(|r| total(r, count::NON_STATE))
            .collect();
        check_poisson_mean(path, &xs, mu);
    }
    // Full monitoring with full suppression: none at all.
    let mut v = s.clone();
    set(&mut v, "rivalry.AAA-BBB.monitoring", 1.0);
    assert!(
        records(&v, 3, 500)
            .iter()
            .all(|r| total(r, count::NON_STATE) == 0)
    );
}

/// Non-state violence is never state force: with many incidents and a challenger that never
/// challenges, no run reaches a threat, let alone a use of force; the incidents are counted
/// and flagged as their own event, and each raises tension.
#[test]
fn non_state_violence_is_never_counted_as_state_force() {
    let mut s = parse(STILL);
    set(&mut s, "rivalry.AAA-BBB.nonstate_rate", 6.0);
    set(&mut s, "model.nonstate_crisis", 1.0);
    set(&mut s, "model.tension_jump_nonstate", 0.05);
    for r in records(&s, 4, 300) {
        let rv = &r.rivalries[0];
        assert!(rv.max_level <= 1, "max level {}", rv.max_level);
        assert_eq!(
            rv.events & (event::THREAT | event::USE_OF_FORCE | event::WAR),
            0
        );
        let incidents = total(&r, count::NON_STATE);
        assert!(incidents > 0);
        assert_eq!(rv.events & event::NON_STATE != 0, incidents > 0);
        for k in [
            count::THREATS,
            count::DISPLAYS,
            count::USES_OF_FORCE,
            count::WARS,
        ] {
            assert_eq!(total(&r, k), 0);
        }
        assert!(
            rv.yearly_tension.iter().any(|&t| t > 0.4),
            "incidents raise tension"
        );
    }
}

/// An incident opens a crisis opportunity with probability `nonstate_crisis`: with no other
/// source of crises, crisis triggers are Binomial(incidents, q).
#[test]
fn a_non_state_incident_opens_a_crisis_with_its_probability() {
    let mut s = parse(STILL);
    set(&mut s, "rivalry.AAA-BBB.target_trigger_rate", 0.0);
    set(&mut s, "model.nonstate_crisis", 1.0);
    for r in records(&s, 5, 300) {
        assert_eq!(
            total(&r, count::CRISIS_TRIGGERS),
            total(&r, count::NON_STATE)
        );
        assert_eq!(
            u64::from(r.rivalries[0].crises),
            total(&r, count::NON_STATE)
        );
    }
    set(&mut s, "model.nonstate_crisis", 0.0);
    let quiet = records(&s, 5, 300);
    assert!(quiet.iter().all(|r| total(r, count::CRISIS_TRIGGERS) == 0));
    assert!(
        quiet
            .iter()
            .map(|r| total(r, count::NON_STATE))
            .sum::<u64>()
            > 1_000
    );
    set(&mut s, "model.nonstate_crisis", 0.3);
    let runs = records(&s, 6, 4_000);
    let incidents: u64 = runs.iter().map(|r| total(r, count::NON_STATE)).sum();
    let crises: u64 = runs.iter().map(|r| total(r, count::CRISIS_TRIGGERS)).sum();
    let p = crises as f64 / incidents as f64;
    let half = Z99 * (0.3 * 0.7 / incidents as f64).sqrt();
    assert!((p - 0.3).abs() <= half, "{p} vs 0.3 +- {half}");
}

/// Target-initiated triggers are Poisson with rate
/// `target_trigger_rate (1 + target_trigger_cohesion cohesion_T)`, and each opens a crisis.
#[test]
fn target_initiated_triggers_follow_their_rate_and_open_crises() {
    let mut s = parse(STILL);
    set(&mut s, "rivalry.AAA-BBB.nonstate_rate", 0.0);
    let runs = records(&s, 7, 8_000);
    let xs: Vec<u64> = runs
        .iter()
        .map(|r| total(r, count::TARGET_TRIGGERS))
        .collect();
    check_poisson_mean("target triggers", &xs, 0.5 * (1.0 + 0.8) * 5.0);
    for r in &runs {
        assert_eq!(
            total(r, count::CRISIS_TRIGGERS),
            total(r, count::TARGET_TRIGGERS)
        );
    }
    set(&mut s, "country.BBB.political.cohesion", 0.1);
    let xs: Vec<u64> = records(&s, 8, 8_000)
        .iter()
        .map(|r| total(r, count::TARGET_TRIGGERS))
        .collect();
    check_poisson_mean("target triggers, low cohesion", &xs, 0.5 * 1.1 * 5.0);
}

/// Per run and year: each crisis is counted once as a trigger and once at its highest MID
/// level, so the yearly counts add up to the run's crises and disputes; the per-year counts
/// sum to the run totals.
#[test]
fn yearly_counts_add_up_to_the_runs_crises_and_disputes() {
    let s = scenario::load_file(std::path::Path::new("scenarios/western-balkans-2024.toml"))
        .expect("bundled scenario");
    let mut disputes = 0u64;
    for r in records(&s, 9, 2_000) {
        let rv = &r.rivalries[0];
        assert_eq!(total(&r, count::CRISIS_TRIGGERS), u64::from(rv.crises));
        let levels: u64 = [
            count::THREATS,
            count::DISPLAYS,
            count::USES_OF_FORCE,
            count::WARS,
        ]
        .iter()
        .map(|&k| total(&r, k))
        .sum();
        assert_eq!(levels, u64::from(rv.disputes));
        for (k, c) in COUNTS.iter().enumerate() {
            assert_eq!(total(&r, k), u64::from(rv.counts[k]), "{}", c.key);
        }
        // Wars end and play resumes (docs/MODEL.md 7.9): a run may hold several wars.
        assert_eq!(total(&r, count::WARS) >= 1, rv.max_level == 5);
        assert_eq!(total(&r, count::WARS), u64::from(rv.outcomes[4]));
        disputes += u64::from(rv.disputes);
    }
    assert!(disputes > 0);
}

/// The aggregate's per-year count distributions equal the ones recomputed from the runs'
/// records (exact integer sums and histograms), and merging two halves gives the whole,
/// exactly: the same for any split of the runs.
#[test]
fn yearly_count_distributions_match_the_runs_and_merge_exactly() {
    let s = scenario::load_file(std::path::Path::new("scenarios/western-balkans-2024.toml"))
        .expect("bundled scenario");
    let (seed, n) = (10, 1_200);
    let runs = records(&s, seed, n);
    let agg = aggregate(&s, seed, 0, n);
    let dists = agg.yearly_count_distributions(0).expect("rivalry 0");
    assert!(agg.yearly_count_distributions(1).is_none());
    assert_eq!(dists.len(), s.meta.horizon_years as usize);
    for (y, per_kind) in dists.iter().enumerate() {
        for (k, d) in per_kind.iter().enumerate() {
            let xs: Vec<u32> = runs
                .iter()
                .map(|r| r.rivalries[0].yearly_counts[y][k])
                .collect();
            let sum: u64 = xs.iter().map(|&x| u64::from(x)).sum();
            assert_eq!(d.moments.n, n);
            assert_eq!(d.moments.sum(), sum as f64, "year {y} {}", COUNTS[k].key);
            let bins = d.histogram.counts().len();
            let mut hist = vec![0u64; bins];
            for &x in &xs {
                hist[(x as usize).min(bins - 1)] += 1;
            }
            assert_eq!(d.histogram.counts(), hist.as_slice());
            // The region's count is the sum over its (one) rivalry.
            assert_eq!(agg.region.yearly_counts[y][k], *d);
        }
    }
    let mut halves = aggregate(&s, seed, 0, n / 2);
    halves.merge(&aggregate(&s, seed, n / 2, n - n / 2));
    assert_eq!(halves, agg);
}

/// Synchronised streams: each rivalry's non-state and target-trigger draws come from its own
/// streams, so switching one rivalry's new processes on or off leaves an unconnected rivalry's
/// record identical, bit for bit.
#[test]
fn new_processes_never_shift_another_rivalrys_draws() {
    let two = format!(
        "{STILL}\n[[country]]\nid = \"CCC\"\n[country.military]\nbudget = 2.0\n\
         [country.economic]\ngdp = 20.0\n\
         [[country]]\nid = \"DDD\"\n[country.military]\nbudget = 1.0\n\
         [country.economic]\ngdp = 10.0\n\
         [[rivalry]]\nchallenger = \"CCC\"\ntarget = \"DDD\"\nnonstate_rate = 0.5\n"
    );
    let s = parse(&two);
    let mut off = s.clone();
    set(&mut off, "rivalry.AAA-BBB.nonstate_rate", 0.0);
    set(&mut off, "rivalry.AAA-BBB.target_trigger_rate", 0.0);
    let (a, b) = (records(&s, 11, 300), records(&off, 11, 300));
    let mut differs = false;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.rivalries[1], y.rivalries[1]);
        differs |= x.rivalries[0] != y.rivalries[0];
    }
    assert!(differs, "the switched rivalry itself changed");
}
