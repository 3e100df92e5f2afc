//! The model through the library API: sub-models against closed forms, stylized fact 1 of
//! docs/VALIDATION.md with common random numbers, policies with start dates, and streaming state.
//!
//! Statistical tolerances come from confidence intervals of the estimate (z = 2.576, 99%)
//! with fixed seeds, so each test is deterministic.

use deter::engine::{self, Aggregate, Hooks, RunPlan};
use deter::model::Compiled;
use deter::scenario::{self, ParamRef, Scenario};
use deter::stats::wilson;

const Z99: f64 = 2.576;

fn baseline() -> Scenario {
    scenario::load_file(std::path::Path::new("scenarios/western-balkans-2024.toml"))
        .expect("bundled scenario is valid")
}

fn simulate(s: &Scenario, runs: u64, seed: u64) -> Aggregate {
    let compiled = Compiled::new(s);
    let plan = RunPlan {
        seed,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    engine::run(&compiled, &plan, Hooks::default()).expect("not cancelled")
}

fn set(s: &mut Scenario, path: &str, value: f64) {
    let r = ParamRef::resolve(path, s).unwrap_or_else(|e| panic!("{e}"));
    s.set(r, value).unwrap_or_else(|e| panic!("{path}: {e}"));
}

/// A rivalry in which the challenger never acts, so tension stays at its baseline and crisis
/// opportunities are a pure Poisson process.
const QUIET: &str = r#"
[scenario]
name = "quiet"
horizon_years = 6
[model]
status_quo_value = 10.0
tension_sensitivity = 1.5
[[country]]
id = "AAA"
[country.military]
budget = 1.0
[country.economic]
gdp = 10.0
[[country]]
id = "BBB"
[country.military]
budget = 1.0
[country.economic]
gdp = 10.0
[[rivalry]]
challenger = "AAA"
target = "BBB"
dissatisfaction = 0.0
tension = 0.4
tension_volatility = 0.0
opportunity_rate = 0.5
nonstate_rate = 0.0
target_trigger_rate = 0.0
"#;

#[test]
fn crisis_opportunities_follow_the_poisson_closed_form() {
    let s = scenario::parse_str(QUIET, "quiet.toml").unwrap();
    let runs = 20_000;
    let agg = simulate(&s, runs, 3);
    // rate per year lambda (1 + kappa tension), over 6 years
    let mu = 0.5 * (1.0 + 1.5 * 0.4) * 6.0;
    let mean = agg.region.crises().moments.mean();
    let tol = Z99 * (mu / runs as f64).sqrt();
    assert!((mean - mu).abs() < tol, "mean {mean} vs {mu} +- {tol}");
    // variance equals the mean
    let var = agg.region.crises().moments.sd().powi(2);
    let var_tol = Z99 * ((mu + 2.0 * mu * mu) / runs as f64).sqrt(); // sd of the sample variance of a Poisson
    assert!(
        (var - mu).abs() < var_tol,
        "variance {var} vs {mu} +- {var_tol}"
    );
    // P(no crisis) = e^-mu
    let none = agg.region.max_level[0];
    let w = wilson(none, runs);
    let half = Z99 / 1.96 * (w.hi - w.lo) / 2.0;
    assert!(
        ((-mu).exp() - w.p).abs() < half,
        "P(0) {} vs {}",
        w.p,
        (-mu).exp()
    );
    assert_eq!(
        agg.region.events[1], 0,
        "a satisfied challenger with a high status-quo value never challenges here"
    );
}

#[test]
fn a_policy_applies_from_its_start_date() {
    // From 2027-01 (two years in) the opportunity rate drops to zero: crises ~ Poisson(2 years).
    let text = format!(
        "{QUIET}\n[[policy]]\nid = \"calm\"\nstart = \"2027-01\"\nchanges = [{{ path = \"rivalry.AAA-BBB.opportunity_rate\", set = 0.0 }}]\n"
    );
    let s = scenario::parse_str(&text, "calm.toml").unwrap();
    let runs = 20_000;
    let mean = simulate(&s, runs, 5).region.crises().moments.mean();
    let mu = 0.5 * (1.0 + 1.5 * 0.4) * 2.0;
    let tol = Z99 * (mu / runs as f64).sqrt();
    assert!((mean - mu).abs() < tol, "mean {mean} vs {mu} +- {tol}");
    // disabled, it changes nothing
    let mut off = s.clone();
    off.policies[0].enabled = false;
    let mean_off = simulate(&off, 2_000, 5).region.crises().moments.mean();
    assert!(mean_off > 2.0 * mu, "{mean_off}");
}

/// A ramped policy moves its parameter linearly, one step at a time, from the value it finds
/// to its target over `ramp_years` (docs/SCENARIO.md). With the QUIET rivalry the expected
/// number of crisis opportunities is the sum over months of rate x (1 + kappa tension) x dt,
/// recomputed here from the scenario's own start date, ramp and rate; applying the change
/// at once (or over another duration) moves the mean by several tolerances.
#[test]
fn a_ramped_policy_is_ramped_month_by_month() {
    let text = format!(
        "{QUIET}\n[[policy]]\nid = \"calm\"\nstart = \"2027-01\"\nramp_years = 2\nchanges = [{{ path = \"rivalry.AAA-BBB.opportunity_rate\", set = 0.0 }}]\n"
    );
    let s = scenario::parse_str(&text, "ramp.toml").unwrap();
    let p = &s.policies[0];
    let start = s.meta.start.months_until(p.start);
    let ramp = (p.ramp_years * 12.0).round() as i64;
    let r0 = s.get(ParamRef::resolve("rivalry.AAA-BBB.opportunity_rate", &s).unwrap());
    let factor = 1.0 + 1.5 * 0.4;
    let months = i64::from(s.meta.horizon_years) * 12;
    // The month at which the policy starts carries the first of `ramp` equal steps.
    let rate_at = |m: i64| {
        if m < start {
            r0
        } else {
            let done = (m - start + 1).min(ramp);
            r0 * (1.0 - done as f64 / ramp as f64)
        }
    };
    let mu: f64 = (0..months).map(|m| rate_at(m) * factor / 12.0).sum();
    assert!(
        (mu - r0 * factor * (24.0 + 11.5) / 12.0).abs() < 1e-9,
        "{mu}"
    );
    let runs = 40_000;
    let mean = simulate(&s, runs, 11).region.crises().moments.mean();
    let tol = Z99 * (mu / runs as f64).sqrt();
    assert!(
        (mean - mu).abs() < tol,
        "mean {mean} vs ramped {mu} +- {tol} (at once it would be {})",
        r0 * factor * 2.0
    );
}

#[test]
fn a_ramped_policy_moves_the_local_balance() {
    let mut with = baseline();
    with.meta.horizon_years = 6;
    let text = r#"
extends = "western-balkans-2024.toml"
[[policy]]
id = "ksf"
start = "2026-01"
ramp_years = 3
changes = [{ path = "country.XKX.military.budget_share", set = 0.04 }]
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "scenarios/western-balkans-2024.toml",
        dir.path().join("western-balkans-2024.toml"),
    )
    .unwrap();
    let overlay = dir.path().join("ksf.toml");
    std::fs::write(&overlay, text).unwrap();
    let mut policy = scenario::load_file(&overlay).unwrap();
    policy.meta.horizon_years = 6;
    with.policies.clear();
    let base = simulate(&with, 4_000, 9).rivalries[0]
        .metric("final_balance")
        .unwrap()
        .moments
        .clone();
    let after = simulate(&policy, 4_000, 9).rivalries[0]
        .metric("final_balance")
        .unwrap()
        .moments
        .clone();
    // Unpaired standard error of the difference: conservative under common random numbers.
    let tol = Z99 * (base.se().powi(2) + after.se().powi(2)).sqrt();
    assert!(
        base.mean() - after.mean() > tol,
        "Kosovo spending 4% of GDP lowers Serbia's local advantage: {} -> {} (tolerance {tol})",
        base.mean(),
        after.mean()
    );
}

/// docs/VALIDATION.md, fact 1: raising the target's local effective capability lowers
/// P(use of force), monotonically. Common random numbers: same seed, same run indices.
#[test]
fn target_local_capability_lowers_use_of_force() {
    let runs = 10_000;
    let mut previous: Option<(f64, f64, f64)> = None;
    for factor in [1.0, 2.0, 4.0] {
        let mut s = baseline();
        set(&mut s, "deployment.KFOR.capability", 2.5 * factor);
        let agg = simulate(&s, runs, 2024);
        let force = wilson(agg.region.events[3], runs);
        let threat = wilson(agg.region.events[1], runs);
        if let Some((lo_prev, p_prev, threat_prev)) = previous {
            assert!(
                force.p < p_prev,
                "factor {factor}: P(force) {} not below {p_prev}",
                force.p
            );
            assert!(
                force.hi < lo_prev,
                "factor {factor}: intervals overlap ({} vs {lo_prev})",
                force.hi
            );
            assert!(
                threat.p < threat_prev,
                "factor {factor}: P(threat) {} not below {threat_prev}",
                threat.p
            );
        }
        previous = Some((force.lo, force.p, threat.p));
    }
}

/// Streaming: the aggregate a worker keeps (and a partial file carries) has a size fixed by
/// the scenario, never by the runs. Measured on what is actually kept, the serialised
/// aggregate: from 10^4 to 10^5 runs only the digits of its counts and sums may grow, and a
/// few histogram bins fill (a per-run list, or any state proportional to the runs, would
/// multiply it by 10). (From 10 runs the sparse bins fill: 5.5 kB at 10 runs, 27 kB at 10^5.)
#[test]
fn aggregate_state_does_not_grow_with_runs() {
    let s = baseline();
    let small = simulate(&s, 10_000, 1);
    let large = simulate(&s, 100_000, 1);
    assert_eq!((small.runs, large.runs), (10_000, 100_000));
    let bytes = |a: &Aggregate| serde_json::to_vec(a).expect("serialisable").len();
    let (b_small, b_large) = (bytes(&small), bytes(&large));
    // Every integer is written in decimal: ten times the runs add at most one digit to a
    // count, so the size grows by well under half; anything kept per run would make it
    // about ten times larger.
    eprintln!("serialised aggregate: {b_small} bytes at 10^4 runs, {b_large} at 10^5");
    assert!(
        2 * b_large < 3 * b_small,
        "the serialised aggregate grew from {b_small} bytes (10^4 runs) to {b_large} (10^5 runs)"
    );
    assert!(b_large < 1 << 20, "{b_large} bytes");
    assert_eq!(small.footprint_bytes(), large.footprint_bytes());
}

#[test]
fn shards_merge_to_the_whole() {
    let s = baseline();
    let compiled = Compiled::new(&s);
    let whole = simulate(&s, 1_000, 77);
    let mut merged: Option<Aggregate> = None;
    for (first, count) in [(0, 333), (333, 400), (733, 267)] {
        let plan = RunPlan {
            seed: 77,
            first,
            count,
            stream_offset: 0,
        };
        let part = engine::run(&compiled, &plan, Hooks::default()).unwrap();
        match merged.as_mut() {
            Some(m) => m.merge(&part),
            None => merged = Some(part),
        }
    }
    assert_eq!(merged.unwrap(), whole);
}

/// Every tally of the merged aggregate is the sum over the runs, recomputed here run by run
/// from the records: merging the workers of a parallel run (and the shards of a sharded one)
/// loses nothing. On a scenario where commitments are invoked (Kosovo in NATO), so that the
/// commitment and sanction tallies are not all zero. The challenges after a concession and
/// after firmness (opportunities and disputes) are the sums too, and the time to the first use
/// of force in years has the mean and sd of min(first month of force, horizon) / 12 over the
/// runs, recomputed from the runs' records (two passes).
#[test]
fn merged_mechanism_tallies_are_the_sums_over_the_runs() {
    let s = scenario::load_file(std::path::Path::new("scenarios/kosovo-nato-path.toml")).unwrap();
    let compiled = Compiled::new(&s);
    let runs = 3_000;
    let plan = RunPlan {
        seed: 4,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    let mut worker = engine::Worker::new(&compiled);
    let mut sums = [0u64; 5];
    let mut after = [0u64; 4];
    let steps = compiled.steps();
    let mut years = Vec::with_capacity(runs as usize);
    for i in 0..runs {
        worker.run_range(&compiled, &plan, i, 1);
        let mut first = steps;
        for r in &worker.last_record().rivalries {
            sums[0] += u64::from(r.commitments_invoked);
            sums[1] += u64::from(r.commitments_honoured);
            sums[2] += u64::from(r.sanctions_imposed);
            sums[3] += u64::from(r.sanctions_succeeded);
            sums[4] += u64::from(r.sanctions_at_display);
            after[0] += u64::from(r.after_concession.0);
            after[1] += u64::from(r.after_concession.1);
            after[2] += u64::from(r.after_firm.0);
            after[3] += u64::from(r.after_firm.1);
            first = first.min(r.first_force_step.unwrap_or(steps));
        }
        years.push(f64::from(first) / 12.0);
    }
    assert!(
        sums[1] > 0,
        "no commitment honoured: choose another scenario"
    );
    assert!(
        after.iter().all(|&c| c > 0)
            && years
                .iter()
                .any(|&y| y > 0.0 && y < f64::from(steps) / 12.0),
        "a tally is zero in every run: choose another scenario"
    );
    let merged =
        engine::with_threads(2, || engine::run(&compiled, &plan, Hooks::default())).unwrap();
    let t = &merged.region;
    assert_eq!(
        [
            t.commitments_invoked,
            t.commitments_honoured,
            t.sanctions_imposed,
            t.sanctions_succeeded,
            t.sanctions_at_display
        ],
        sums
    );
    assert_eq!(
        [
            t.after_concession[0],
            t.after_concession[1],
            t.after_firm[0],
            t.after_firm[1]
        ],
        after
    );
    let n = years.len() as f64;
    let mean = years.iter().sum::<f64>() / n;
    let sd = (years.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let ff = &t.first_force_years;
    assert_eq!(ff.n, runs);
    assert!(
        (ff.mean() - mean).abs() <= 1e-9 * mean,
        "{} vs {mean}",
        ff.mean()
    );
    assert!((ff.sd() - sd).abs() <= 1e-9 * sd, "{} vs {sd}", ff.sd());
}

/// Sanctions are told apart by when they came: only those at the display of force let the
/// challenger back down, so backing down is counted against them. With no sanctions at a
/// display (`display_sanctions_share` 0) every sanction comes at a use of force and none is
/// followed by backing down; at the default, in every run, backing down after sanctions
/// never outnumbers the sanctions at the display, which never outnumber all sanctions.
#[test]
fn sanctions_at_the_display_are_told_apart_from_sanctions_at_the_use_of_force() {
    let mut s = baseline();
    let runs = 2_000;
    for r in records(&s, 8, runs) {
        for v in &r.rivalries {
            assert!(v.sanctions_succeeded <= v.sanctions_at_display);
            assert!(v.sanctions_at_display <= v.sanctions_imposed);
        }
    }
    let t = simulate(&s, runs, 8).region;
    assert!(t.sanctions_at_display > 0 && t.sanctions_imposed > t.sanctions_at_display);
    set(&mut s, "model.display_sanctions_share", 0.0);
    let t = simulate(&s, runs, 8).region;
    assert!(t.sanctions_imposed > 0, "no sanctions at a use of force");
    assert_eq!((t.sanctions_at_display, t.sanctions_succeeded), (0, 0));
}

/// Count quantiles are exact for any count, not capped at the dense bins (255 per run, 31
/// per year): a scenario whose crises run to about a thousand per run (crisis opportunities
/// every week, a war too costly to fight so the rivalry never ends) has its crisis, dispute
/// and per-year trigger quantiles recomputed here from every run's own record (nearest
/// rank: the value at rank ceil(q n), Hyndman & Fan 1996 definition 1), and its aggregate is
/// the same however the runs are split (threads, blocks merged in any order, the partial
/// file's serialisation).
#[test]
fn count_quantiles_are_exact_beyond_the_dense_bins_and_merge_exactly() {
    let mut s =
        scenario::load_file(std::path::Path::new("scenarios/western-balkans-2024.toml")).unwrap();
    deter::scenario::overrides::apply_texts(
        &mut s,
        &["rivalry.SRB-XKX.opportunity_rate=52", "model.war_cost=10"],
        "--set",
    )
    .unwrap();
    let compiled = Compiled::new(&s);
    let runs = 300u64;
    let plan = RunPlan {
        seed: 11,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    let years = s.meta.horizon_years as usize;
    let triggers = deter::outputs::COUNTS
        .iter()
        .position(|c| c.key == "crisis_triggers")
        .unwrap();
    let mut crises = Vec::new();
    let mut disputes = Vec::new();
    let mut per_year: Vec<Vec<u64>> = vec![Vec::new(); years];
    let mut worker = engine::Worker::new(&compiled);
    for i in 0..runs {
        worker.run_range(&compiled, &plan, i, 1);
        let rec = worker.last_record();
        crises.push(
            rec.rivalries
                .iter()
                .map(|r| u64::from(r.crises))
                .sum::<u64>(),
        );
        disputes.push(
            rec.rivalries
                .iter()
                .map(|r| u64::from(r.disputes))
                .sum::<u64>(),
        );
        for (y, v) in per_year.iter_mut().enumerate() {
            v.push(
                rec.rivalries
                    .iter()
                    .map(|r| u64::from(r.yearly_counts[y][triggers]))
                    .sum(),
            );
        }
    }
    let nearest_rank = |v: &[u64], q: f64| -> f64 {
        let mut s = v.to_vec();
        s.sort_unstable();
        let rank = ((q * s.len() as f64).ceil() as usize).max(1);
        s[rank - 1] as f64
    };
    // The reading this test is for: most runs are beyond the dense bins.
    assert!(nearest_rank(&crises, 0.05) > 256.0, "{crises:?}");
    assert!(nearest_rank(&per_year[0], 0.5) > 32.0);

    let whole =
        engine::with_threads(2, || engine::run(&compiled, &plan, Hooks::default())).unwrap();
    let report = deter::report::Report::build(
        &compiled,
        &whole,
        &deter::report::RunInfo {
            scenario_sha256: String::new(),
            seed: 11,
            wall_seconds: 0.0,
            threads: 2,
            policies: Vec::new(),
        },
    );
    let json = serde_json::to_value(&report).unwrap();
    for (key, values) in [("crises", &crises), ("disputes", &disputes)] {
        for (q, stat) in [(0.05, "p05"), (0.5, "p50"), (0.95, "p95")] {
            let got = json["metrics"][key][stat].as_f64().unwrap();
            assert_eq!(got, nearest_rank(values, q), "{key} {stat}");
            let rv = json["rivalries"][0]["metrics"][key][stat].as_f64().unwrap();
            assert_eq!(rv, nearest_rank(values, q), "rivalry {key} {stat}");
        }
    }
    for (y, values) in per_year.iter().enumerate() {
        for (q, stat) in [(0.5, "p50"), (0.95, "p95")] {
            let got = json["yearly"][y]["counts"]["crisis_triggers"][stat]
                .as_f64()
                .unwrap();
            assert_eq!(got, nearest_rank(values, q), "year {y} {stat}");
        }
    }
    // The crisis histogram: element k is the share of runs with exactly k crises.
    let hist: Vec<f64> = json["crises_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(hist.len() as u64, crises.iter().max().unwrap() + 1);
    for (k, &share) in hist.iter().enumerate() {
        let exact = crises.iter().filter(|&&c| c == k as u64).count() as f64 / runs as f64;
        assert_eq!(share, exact, "k = {k}");
    }

    // Exact merging: one thread, and three blocks merged in another order, give the same
    // aggregate; so does the partial file's serialisation of each block.
    let one = engine::with_threads(1, || engine::run(&compiled, &plan, Hooks::default())).unwrap();
    assert_eq!(one, whole);
    let block = |first: u64, count: u64| {
        let p = RunPlan {
            first,
            count,
            ..plan
        };
        let a = engine::with_threads(1, || engine::run(&compiled, &p, Hooks::default())).unwrap();
        let text = serde_json::to_string(&a).unwrap();
        let back: Aggregate = serde_json::from_str(&text).unwrap();
        assert_eq!(back, a, "the partial file's aggregate round-trips");
        back
    };
    let (a, b, c) = (block(0, 100), block(100, 120), block(220, 80));
    let mut merged = c;
    merged.merge(&a);
    merged.merge(&b);
    assert_eq!(merged, whole);
}

/// Wars end (docs/MODEL.md 7.9): each month at war a war ends with probability
/// `h = 1 - exp(-dt / war_duration)`, so completed wars last a geometric number of months with
/// mean `1 / h` (12.5 months at the default `war_duration` of 1 year), and the rivalry's play
/// resumes afterwards (Ukraine after 2014: the Kerch Strait in 2018, the invasion of 2022).
/// Recomputed month by month from the world's state in the Russia -> Ukraine case over a
/// 100-year horizon; tolerance: the 99% interval of the mean of the completed spells
/// (geometric sd `sqrt(1 - h) / h`). Also: some wars are followed by a new crisis.
#[test]
fn wars_end_after_a_geometric_duration_and_play_resumes() {
    use deter::model::{RunRecord, bench_hooks};
    let mut s = scenario::load_file(std::path::Path::new(
        "scenarios/history/russia-ukraine-2013.toml",
    ))
    .expect("valid");
    s.meta.horizon_years = 100;
    let c = Compiled::new(&s);
    let (mut w, mut r) = (c.new_world(), RunRecord::new(&c));
    let (mut spells, mut months, mut resumed) = (0u64, 0u64, 0u64);
    for i in 0..400 {
        bench_hooks::start_run(&c, &mut w, &mut r, &mut engine::run_rng(7, i));
        let mut spell: Option<(u32, u32)> = None;
        for step in 0..c.steps() {
            bench_hooks::step(&c, &mut w, &mut r, step);
            match (spell, w.at_war(0)) {
                (None, true) => spell = Some((step, r.rivalries[0].crises)),
                (Some((start, _)), false) => {
                    spells += 1;
                    months += u64::from(step - start);
                    spell = None;
                }
                (Some((_, crises)), true) => {
                    // Play is suspended while at war: no new crisis.
                    assert_eq!(r.rivalries[0].crises, crises, "a crisis during a war");
                }
                _ => {}
            }
        }
        // Play resumed: a war followed by a later war.
        resumed += u64::from(r.rivalries[0].outcomes[4] >= 2);
    }
    let h = -(-1.0f64 / 12.0).exp_m1();
    let mean = months as f64 / spells as f64;
    let half = Z99 * (1.0 - h).sqrt() / h / (spells as f64).sqrt();
    eprintln!(
        "{spells} completed wars, mean {mean:.3} months (expected {:.3} +- {half:.3})",
        1.0 / h
    );
    assert!(spells > 1_000, "{spells} wars");
    assert!(
        (mean - 1.0 / h).abs() <= half,
        "mean {mean} months, expected {}",
        1.0 / h
    );
    assert!(resumed > 0, "no rivalry played again after a war");
}

/// Each run's record of `s` under `seed`, runs `0..n` in order.
fn records(s: &Scenario, seed: u64, n: u64) -> Vec<deter::model::RunRecord> {
    let c = Compiled::new(s);
    let plan = RunPlan {
        seed,
        first: 0,
        count: n,
        stream_offset: 0,
    };
    let mut w = deter::engine::Worker::new(&c);
    (0..n)
        .map(|i| {
            w.run_range(&c, &plan, i, 1);
            w.last_record().clone()
        })
        .collect()
}

/// The domestic reward of a display is paid only in reaction crises, those opened by a
/// target-initiated trigger or a non-state incident (docs/MODEL.md 7.4, 7.6). Without either
/// process the reward changes no run at all (every record equal, field by field); with only
/// those processes opening crises (the rivalry's own opportunity rate 0), a reward of 0.5
/// raises the crises that reach a display (common random numbers: the same runs and seed).
#[test]
fn the_display_reward_is_paid_only_in_reaction_crises() {
    let runs = 400;
    let seed = 5;
    let mut none = baseline();
    set(&mut none, "rivalry.SRB-XKX.target_trigger_rate", 0.0);
    set(&mut none, "rivalry.SRB-XKX.nonstate_rate", 0.0);
    let mut rewarded = none.clone();
    set(&mut none, "model.reaction_display_reward", 0.0);
    set(&mut rewarded, "model.reaction_display_reward", 0.5);
    let (a, b) = (records(&none, seed, runs), records(&rewarded, seed, runs));
    assert!(a.iter().map(|r| r.rivalries[0].disputes).sum::<u32>() > 0);
    assert_eq!(a, b, "the reward moved a run with no reaction crisis");

    let mut only = baseline();
    set(&mut only, "rivalry.SRB-XKX.opportunity_rate", 0.0);
    let mut rewarded = only.clone();
    set(&mut only, "model.reaction_display_reward", 0.0);
    set(&mut rewarded, "model.reaction_display_reward", 0.5);
    let displays = |rs: &[deter::model::RunRecord]| -> u32 {
        rs.iter()
            .map(|r| {
                let c = &r.rivalries[0].counts;
                use deter::outputs::count;
                c[count::DISPLAYS] + c[count::USES_OF_FORCE] + c[count::WARS]
            })
            .sum()
    };
    let (a, b) = (records(&only, seed, runs), records(&rewarded, seed, runs));
    assert!(
        displays(&b) > displays(&a) + displays(&a) / 2,
        "the reward of reaction crises did not raise displays: {} -> {}",
        displays(&a),
        displays(&b)
    );
}

/// A country's GDP is geometric Brownian motion with mean growth `growth`: after a year its
/// expected ratio to the start is `exp(growth)` whatever the volatility (the log drift carries
/// the Ito correction `-volatility^2 / 2`). An island with no ties (so nothing but its own
/// shocks moves its GDP), growth 0.05 and volatility 0.3: the mean ratio over 4,000 runs,
/// within its 99% interval; without the correction it would be exp(0.05 + 0.09), 19 standard
/// errors away.
#[test]
fn gdp_grows_at_its_mean_growth_rate_whatever_the_volatility() {
    use deter::model::{RunRecord, bench_hooks};
    let text = std::fs::read_to_string("scenarios/western-balkans-2024.toml").unwrap();
    let island = "\n[[country]]\nid = \"ISL\"\nname = \"Island\"\nstatus = \"none\"\n\
        [country.military]\nbudget = 0.5\n[country.economic]\ngdp = 20.0\ngrowth = 0.05\n\
        volatility = 0.3\n\n";
    let at = text.find("[[country]]").unwrap();
    let with = format!("{}{}{}", &text[..at], island, &text[at..]);
    let c = Compiled::unpruned(&scenario::parse_str(&with, "island.toml").unwrap());
    let ci = c
        .scenario
        .countries
        .iter()
        .position(|x| x.id == "ISL")
        .unwrap();
    let (mut w, mut r) = (c.new_world(), RunRecord::new(&c));
    let runs = 4_000;
    let ratios: Vec<f64> = (0..runs)
        .map(|run| {
            bench_hooks::start_run(&c, &mut w, &mut r, &mut engine::run_rng(11, run));
            let start = w.gdp(ci);
            for step in 0..12 {
                bench_hooks::step(&c, &mut w, &mut r, step);
            }
            w.gdp(ci) / start
        })
        .collect();
    let n = runs as f64;
    let mean = ratios.iter().sum::<f64>() / n;
    let sd = (ratios.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let expected = 0.05f64.exp();
    assert!(
        (mean - expected).abs() < Z99 * sd / n.sqrt(),
        "mean ratio {mean} vs exp(0.05) = {expected} (se {})",
        sd / n.sqrt()
    );
}
