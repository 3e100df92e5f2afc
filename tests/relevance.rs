//! Relevance pruning (issue 15 item 1): simulating only what can influence an output changes
//! no number, and a country with no path to any rivalry costs nothing.
//!
//! The comparison is made on every scenario the repository holds (scenarios/, their history
//! cases, every valid scenario under tests/) and on a stress scenario written to exercise each
//! rule of `engine::relevance` (pact chains, collective procurement, deployments in players
//! and elsewhere, a rivalry of a helper, policies and joins on kept and dropped entities).

use std::path::{Path, PathBuf};

use deter::engine::relevance::{Relevance, prune};
use deter::engine::{Hooks, RunPlan, floor, run, run_rng};
use deter::model::{Compiled, RunRecord, simulate_run};
use deter::scenario::Scenario;

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

/// Every file of scenarios/ and tests/ that loads as a valid scenario.
fn every_scenario() -> Vec<(String, Scenario)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    toml_files(&root.join("scenarios"), &mut files);
    toml_files(&root.join("tests"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let s = deter::scenario::load_file(&p).ok()?;
            Some((p.strip_prefix(root).unwrap().display().to_string(), s))
        })
        .collect()
}

const STRESS: &str = r#"
[scenario]
name = "relevance stress"
start = "2025-01"
horizon_years = 6

[[power]]
id = "USA"
name = "USA"
capability = 60.0
in_theatre = 0.05

[[power]]
id = "RUS"
name = "RUS"
capability = 80.0
in_theatre = 0.02

[[country]]
id = "LON"
name = "Lone"
status = "none"
[country.military]
budget = 0.5
[country.economic]
gdp = 20.0

[[country]]
id = "AAA"
name = "Challenger"
status = "none"
[country.military]
budget = 3.0
[country.political]
ties = { RUS = 0.6 }
[country.economic]
gdp = 80.0

[[country]]
id = "BBB"
name = "Target"
status = "none"
[country.military]
budget = 1.0
[country.economic]
gdp = 40.0

[[country]]
id = "CCC"
name = "Ally of the target"
status = "none"
[country.military]
budget = 2.0
expeditionary = 0.3
[country.economic]
gdp = 60.0

[[country]]
id = "DDD"
name = "Ally of the ally"
status = "none"
[country.military]
budget = 2.0
[country.economic]
gdp = 60.0

[[country]]
id = "EEE"
name = "Host elsewhere"
status = "none"
[country.military]
budget = 1.0
[country.economic]
gdp = 30.0

[[country]]
id = "FFF"
name = "Contributor"
status = "none"
[country.military]
budget = 1.5
[country.economic]
gdp = 45.0

[[country]]
id = "GGG"
name = "Second challenger"
status = "none"
[country.military]
budget = 2.5
[country.economic]
gdp = 70.0

[[country]]
id = "HHH"
name = "Joins later"
status = "none"
[country.military]
budget = 1.0
[country.economic]
gdp = 25.0

[[alliance]]
id = "BC"
members = ["BBB", "CCC", "USA"]
collective_procurement = true

[[alliance]]
id = "CD"
members = ["CCC", "DDD"]

[[alliance]]
id = "DE"
members = ["DDD", "EEE"]
collective_procurement = true

[[deployment]]
id = "IN-TARGET"
host = "BBB"
contributors = ["FFF", "USA"]
capability = 1.5

[[deployment]]
id = "ELSEWHERE"
host = "EEE"
contributors = ["DDD"]
capability = 1.0

[[rivalry]]
challenger = "AAA"
target = "BBB"
tension = 0.6
opportunity_rate = 1.5

[[rivalry]]
challenger = "GGG"
target = "FFF"
tension = 0.5
opportunity_rate = 1.0

[[policy]]
id = "mixed"
start = "2026-01"
ramp_years = 2
changes = [
  { path = "country.CCC.military.budget", scale = 1.5 },
  { path = "country.EEE.military.budget", scale = 1.5 },
  { path = "alliance.DE.reliability", set = 0.5 },
  { path = "rivalry.AAA-BBB.monitoring", set = 0.6 },
]

[[policy]]
id = "dropped"
start = "2026-06"
changes = [{ path = "country.LON.political.cohesion", add = 0.1 }]

[[policy]]
id = "join"
start = "2027-01"
join = [{ alliance = "BC", member = "HHH" }, { alliance = "DE", member = "LON" }]
"#;

fn stress() -> Scenario {
    deter::scenario::parse_str(STRESS, "stress.toml").expect("valid stress scenario")
}

fn records(c: &Compiled, seed: u64, runs: u64) -> Vec<String> {
    let mut w = c.new_world();
    let mut r = RunRecord::new(c);
    (0..runs)
        .map(|i| {
            simulate_run(c, &mut w, &mut r, &mut run_rng(seed, i));
            // Debug prints every f64 exactly (shortest round trip): equal text, equal bits.
            format!("{r:?}")
        })
        .collect()
}

fn aggregate(c: &Compiled, seed: u64, runs: u64) -> String {
    let plan = RunPlan {
        seed,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    let agg = run(c, &plan, Hooks::default()).expect("not cancelled");
    serde_json::to_string(&agg).expect("aggregate serialises")
}

#[test]
fn the_stress_scenario_prunes_what_the_rules_say() {
    let s = stress();
    let rel = Relevance::all_outputs(&s);
    let (p, summary) = prune(&s);
    let ids: Vec<&str> = p.countries.iter().map(|c| c.id.as_str()).collect();
    // LON: no path. DDD: ally of a helper only. EEE: hosts a force no player sees.
    assert_eq!(ids, ["AAA", "BBB", "CCC", "FFF", "GGG", "HHH"], "{rel:?}");
    assert_eq!(summary.rivalries, (2, 2));
    let alliances: Vec<&str> = p.alliances.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(alliances, ["BC"]);
    assert_eq!(p.deployments.len(), 1);
    let policies: Vec<&str> = p.policies.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(policies, ["mixed", "join"]);
    assert_eq!(p.policies[0].changes.len(), 2);
    assert_eq!(p.policies[1].joins.len(), 1);
}

/// Issue 15: pruned and unpruned engines give byte-identical outputs on every bundled and
/// test scenario: every run's record, and the aggregate every report is built from.
#[test]
fn pruned_and_unpruned_engines_give_identical_outputs_on_every_scenario() {
    let mut all = every_scenario();
    assert!(all.len() >= 10, "found {} scenarios", all.len());
    all.push(("stress".into(), stress()));
    // With the fait accompli offered (a crisis can go to force with no threat).
    let mut seizing = stress();
    let r =
        deter::scenario::ParamRef::resolve("model.fait_accompli", &seizing).expect("a parameter");
    seizing.set(r, 1.0).expect("in range");
    all.push(("stress, fait_accompli = 1".into(), seizing.clone()));
    // And with its two elements away from their defaults (the abandonment cost after an
    // attack, the target's chance against a done deed).
    for (key, value) in [
        ("model.casus_foederis_cost", 0.5),
        ("model.fait_accompli_resistance", 0.5),
    ] {
        let r = deter::scenario::ParamRef::resolve(key, &seizing).expect("a parameter");
        seizing.set(r, value).expect("in range");
    }
    all.push((
        "stress, fait_accompli = 1, its elements 0.5".into(),
        seizing,
    ));
    let mut pruned_any = 0;
    for (name, s) in &all {
        let (p, summary) = prune(s);
        if p != *s {
            pruned_any += 1;
        }
        // The engine compiles the pruned scenario (Compiled::new); the same from `p`.
        assert_eq!(Compiled::new(s).scenario, p, "{name}");
        let (full, small) = (Compiled::unpruned(s), Compiled::new(s));
        let (a, b) = (records(&full, 5, 120), records(&small, 5, 120));
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x, y, "{name} ({summary}), run {i}");
        }
        assert_eq!(
            aggregate(&full, 9, 600),
            aggregate(&small, 9, 600),
            "{name} ({summary})"
        );
    }
    assert!(pruned_any >= 5, "pruning applied to {pruned_any} scenarios");
}

/// Issue 15: a country with no path to any rivalry costs nothing: the pruned scenario, and so
/// every draw (counted per kind by the instrumented streams), is the same with and without it.
/// Its instruction count per run is measured with callgrind in BENCHMARKS.md.
#[test]
fn a_country_with_no_path_to_any_rivalry_costs_nothing() {
    let base = deter::scenario::load_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/western-balkans-2024.toml"),
    )
    .expect("baseline");
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/western-balkans-2024.toml"),
    )
    .unwrap();
    let extra = "\n[[country]]\nid = \"ISL\"\nname = \"Island\"\nstatus = \"none\"\n\
        [country.military]\nbudget = 0.5\n[country.economic]\ngdp = 20.0\n\n";
    let at = src.find("[[country]]").unwrap();
    let with = format!("{}{}{}", &src[..at], extra, &src[at..]);
    let bigger = deter::scenario::parse_str(&with, "with-island.toml").expect("valid");
    assert_eq!(bigger.countries.len(), base.countries.len() + 1);
    let (pa, sa) = prune(&base);
    let (pb, sb) = prune(&bigger);
    assert_eq!(pa, pb, "the same scenario is simulated");
    assert_eq!((sa.countries, sb.countries), ((2, 7), (2, 8)));
    let (ca, cb) = (Compiled::new(&base), Compiled::new(&bigger));
    assert_eq!(ca.scenario, pb);
    let (da, db) = (
        floor::count_draws(&ca, 3, 300),
        floor::count_draws(&cb, 3, 300),
    );
    assert_eq!(da, db);
    // Without pruning, the island and the five other countries off the rivalry draw one
    // normal a month for their GDP (their cohesion and narrative, read by no rivalry, are
    // not drawn), and NATO (no player in it) its per-run Beta: 6 x 120 normals and
    // 6 x 3 + 1 streams (keyed, drawn or not) more per run.
    let full = floor::count_draws(&Compiled::unpruned(&bigger), 3, 300);
    assert_eq!(full.normals - da.normals, 300 * 6 * 120);
    assert_eq!(full.betas - da.betas, 300);
    assert_eq!(full.streams - da.streams, 300 * (6 * 3 + 1));
}
