//! Quick what-ifs: `deter run FILE --set PATH=VALUE` and `deter compare A B --set-b PATH=VALUE`
//! behave exactly like the same edit made in the file, are refused like a bad file edit
//! (exit 2, did-you-mean, the range), and are recorded in the output.

use predicates::prelude::*;

mod common;
use common::{deter, succeeded, write};

const BASELINE: &str = "scenarios/western-balkans-2024.toml";

/// The JSON report of `deter ARGS` (asserted to succeed) without its timing.
fn json(args: &[&str]) -> serde_json::Value {
    let out = deter().args(args).output().expect("runs");
    common::succeeded(&out);
    common::json_without_timing(&out.stdout)
}

/// The baseline with `monitoring = 0.4` of SRB-XKX replaced by 0.7 and `war_cost` added to
/// `[model]`, written to a temporary directory.
fn edited_baseline(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(BASELINE).unwrap();
    let needle = "monitoring = 0.4         # prior: KFOR";
    assert_eq!(text.matches(needle).count(), 1, "the baseline changed");
    let mut edited = text.replace(needle, "monitoring = 0.7         # prior: KFOR");
    let model = edited.find("\n[model]\n").expect("a [model] table") + "\n[model]\n".len();
    edited.insert_str(model, "war_cost = 1.0\n");
    write(dir, "edited.toml", &edited)
}

#[test]
fn set_gives_the_same_results_as_the_same_edit_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let edited = edited_baseline(dir.path());
    let common = ["--runs", "2000", "--seed", "5", "--format", "json", "-q"];
    let mut by_set = json(
        &[
            &["run", BASELINE][..],
            &common,
            &[
                "--set",
                "rivalry.SRB-XKX.monitoring=0.7",
                "--set",
                "model.war_cost=1.0",
            ],
        ]
        .concat(),
    );
    let by_file = json(&[&["run", edited.to_str().unwrap()][..], &common].concat());
    let plain = json(&[&["run", BASELINE][..], &common].concat());

    // Provenance: each what-if with the value it replaced.
    let overrides = by_set.as_object_mut().unwrap().remove("overrides").unwrap();
    assert_eq!(
        overrides,
        serde_json::json!([
            {"path": "rivalry.SRB-XKX.monitoring", "value": 0.7, "replaced": 0.4},
            {"path": "model.war_cost", "value": 1.0, "replaced": 0.8},
        ])
    );
    // Everything else, including the hash of the validated scenario, equals the file edit.
    assert_eq!(by_set, by_file);
    assert_ne!(
        by_set["outcomes"], plain["outcomes"],
        "the what-if changed nothing"
    );
    assert!(plain.get("overrides").is_none(), "no field without --set");
}

#[test]
fn set_is_listed_under_the_table() {
    deter()
        .args(["run", BASELINE, "--runs", "300", "-q"])
        .args(["--set", "model.war_cost=1.0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "What-ifs (--set): model.war_cost = 1 (file: 0.8)",
        ));
}

#[test]
fn bad_set_is_refused_like_a_bad_file_edit() {
    let out = deter()
        .args(["run", BASELINE, "--runs", "100", "-q"])
        .args(["--set", "rivalry.SRB-XKX.monitorin=0.7"])
        .args(["--set", "model.war_cost=20"])
        .args(["--set", "model.war_cost"])
        .assert()
        .code(2)
        .stdout("");
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("--set:1:1: error: rivalry.SRB-XKX.monitorin: `rivalry.SRB-XKX.monitorin` is not a parameter"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `rivalry.SRB-XKX.monitoring`?"),
        "{err}"
    );
    assert!(
        err.contains("--set:1:16: error: model.war_cost: expected a number in [0, 10]"),
        "{err}"
    );
    assert!(err.contains("expected PATH=VALUE"), "{err}");
    assert!(err.contains("3 errors found"), "{err}");
}

#[test]
fn set_b_changes_only_b_in_a_comparison() {
    let v = json(&[
        "compare",
        BASELINE,
        BASELINE,
        "--runs",
        "2000",
        "--seed",
        "5",
        "--format",
        "json",
        "-q",
        "--set-b",
        "rivalry.SRB-XKX.monitoring=0.9",
    ]);
    assert!(v["a"].get("overrides").is_none());
    assert_eq!(v["b"]["overrides"][0]["path"], "rivalry.SRB-XKX.monitoring");
    let plain = json(&[
        "run", BASELINE, "--runs", "2000", "--seed", "5", "--format", "json", "-q",
    ]);
    // Side A is the plain run (common random numbers leave each side's aggregate unchanged).
    assert_eq!(v["a"]["outcomes"], plain["outcomes"]);
    assert_ne!(v["b"]["outcomes"], plain["outcomes"]);
    // And side B is the plain run of B (the same seed and runs): its outcomes and metrics.
    let b = json(&[
        "run",
        BASELINE,
        "--runs",
        "2000",
        "--seed",
        "5",
        "--format",
        "json",
        "-q",
        "--set",
        "rivalry.SRB-XKX.monitoring=0.9",
    ]);
    assert_eq!(v["b"]["outcomes"], b["outcomes"]);
    assert_eq!(v["b"]["metrics"], b["metrics"]);
    assert_eq!(v["a"]["metrics"], plain["metrics"]);
}

#[test]
fn set_cannot_be_combined_with_shards() {
    deter()
        .args([
            "run",
            BASELINE,
            "--shard",
            "0/2",
            "--set",
            "model.war_cost=1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--set:1:1: error: expected no --set with --shard, found `model.war_cost=1`",
        ))
        .stderr(predicate::str::contains(
            "= help: `deter merge` rebuilds the scenario",
        ))
        .stderr(predicate::str::contains("shard the copy"));
}

/// `(entity, metric, statistic) -> value` of a tidy CSV, asserting that (file, entity,
/// metric, statistic) is a key.
fn csv_cells(bytes: &[u8]) -> std::collections::BTreeMap<(String, String, String), String> {
    let mut r = csv::Reader::from_reader(bytes);
    let mut seen = std::collections::BTreeSet::new();
    let mut out = std::collections::BTreeMap::new();
    for row in r.records() {
        let row = row.unwrap();
        let key: Vec<String> = [0, 2, 3, 4].iter().map(|&i| row[i].to_string()).collect();
        assert!(seen.insert(key.clone()), "duplicate CSV key {key:?}");
        out.insert(
            (key[1].clone(), key[2].clone(), key[3].clone()),
            row[5].to_string(),
        );
    }
    out
}

/// The what-ifs given as flags, recomputed here: the last value per path wins, and the value
/// replaced is the file's (read from the baseline's text, or the documented default).
const SETS: [&str; 3] = [
    "rivalry.SRB-XKX.monitoring=0.6",
    "model.war_cost=1.0",
    "rivalry.SRB-XKX.monitoring=0.7",
];

fn expected_sets() -> Vec<(String, f64, f64)> {
    // The file's monitoring of SRB-XKX, read from its text; war_cost is not in the file, so
    // it is the documented default (docs/SCENARIO.md: 0.8).
    let text = std::fs::read_to_string(BASELINE).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("monitoring = ") && l.contains("KFOR"))
        .expect("SRB-XKX's monitoring line");
    let file_monitoring: f64 = line
        .split('=')
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut out: Vec<(String, f64, f64)> = Vec::new();
    for s in SETS {
        let (path, v) = s.split_once('=').unwrap();
        let v: f64 = v.parse().unwrap();
        let replaced = if path == "model.war_cost" {
            0.8
        } else {
            file_monitoring
        };
        match out.iter_mut().find(|e| e.0 == path) {
            Some(e) => e.1 = v,
            None => out.push((path.to_string(), v, replaced)),
        }
    }
    out
}

fn set_args(flag: &str) -> Vec<String> {
    SETS.iter()
        .flat_map(|s| [flag.to_string(), s.to_string()])
        .collect()
}

#[test]
fn set_is_a_line_under_the_table_header_in_order() {
    let out = deter()
        .args(["run", BASELINE, "--runs", "200", "-q", "--no-attribution"])
        .args(set_args("--set"))
        .output()
        .unwrap();
    succeeded(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Line 1: engine and scenario; line 2: runs, seed, horizon; line 3: the what-ifs, each
    // path once, at its last setting (the value the runs used), in the order of those.
    let items: Vec<String> = SETS
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            let path = s.split_once('=').unwrap().0;
            !SETS[i + 1..]
                .iter()
                .any(|t| t.split_once('=').unwrap().0 == path)
        })
        .map(|(_, s)| {
            let (p, v) = s.split_once('=').unwrap();
            let v: f64 = v.parse().unwrap();
            // Each with the file's value, the second monitoring too (it replaced the
            // first's 0.6, which no file held: "(file: 0.6)" was said).
            let replaced = expected_sets().iter().find(|e| e.0 == p).unwrap().2;
            format!("{p} = {v} (file: {replaced})")
        })
        .collect();
    assert_eq!(
        lines[2],
        format!("What-ifs (--set): {}", items.join("; ")),
        "{text}"
    );
    assert_eq!(text.matches("What-ifs").count(), 1, "{text}");
}

#[test]
fn set_is_recorded_in_the_csv_as_scenario_rows() {
    let out = deter()
        .args([
            "run",
            BASELINE,
            "--runs",
            "200",
            "-q",
            "--format",
            "csv",
            "--no-attribution",
        ])
        .args(set_args("--set"))
        .output()
        .unwrap();
    succeeded(&out);
    let cells = csv_cells(&out.stdout);
    let rows: Vec<_> = cells
        .iter()
        .filter(|((e, m, _), _)| e == "scenario" && m.starts_with("set_"))
        .collect();
    let expected = expected_sets();
    assert_eq!(rows.len(), 2 * expected.len(), "{rows:?}");
    for (path, value, replaced) in expected {
        let get = |stat: &str| -> f64 {
            cells[&(
                "scenario".to_string(),
                format!("set_{path}"),
                stat.to_string(),
            )]
                .parse()
                .unwrap()
        };
        assert_eq!(get("value"), value, "{path}");
        assert_eq!(get("replaced"), replaced, "{path}");
    }
    // Without --set: no such rows.
    let plain = deter()
        .args([
            "run",
            BASELINE,
            "--runs",
            "200",
            "-q",
            "--format",
            "csv",
            "--no-attribution",
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains(",set_"));
}

#[test]
fn compare_records_each_sides_what_ifs_in_table_csv_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("c.html");
    let json_path = dir.path().join("c.json");
    let common = ["--runs", "300", "--seed", "3", "-q", "--no-attribution"];
    let sets = [
        "--set",
        "model.war_cost=1.0",
        "--set-b",
        "rivalry.SRB-XKX.monitoring=0.9",
    ];
    let run = |extra: &[&str]| {
        let out = deter()
            .args(["compare", BASELINE, BASELINE])
            .args(common)
            .args(sets)
            .args(extra)
            .output()
            .unwrap();
        succeeded(&out);
        out.stdout
    };
    // Table: both sides' lines right under the header.
    let table = String::from_utf8(run(&[])).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[4], "A what-ifs (--set): model.war_cost = 1 (file: 0.8)",
        "{table}"
    );
    assert_eq!(
        lines[5],
        "B what-ifs (--set, --set-b): model.war_cost = 1 (file: 0.8); rivalry.SRB-XKX.monitoring = 0.9 (file: 0.4)",
        "{table}"
    );
    // CSV: A has war_cost only, B both.
    let cells = csv_cells(&run(&["--format", "csv"]));
    let get = |m: &str, s: &str| {
        cells
            .get(&("scenario".to_string(), m.to_string(), s.to_string()))
            .map(|v| v.parse::<f64>().unwrap())
    };
    assert_eq!(get("set_model.war_cost", "value_a"), Some(1.0));
    assert_eq!(get("set_model.war_cost", "replaced_a"), Some(0.8));
    assert_eq!(get("set_model.war_cost", "value_b"), Some(1.0));
    assert_eq!(get("set_rivalry.SRB-XKX.monitoring", "value_b"), Some(0.9));
    assert_eq!(
        get("set_rivalry.SRB-XKX.monitoring", "replaced_b"),
        Some(0.4)
    );
    assert_eq!(get("set_rivalry.SRB-XKX.monitoring", "value_a"), None);
    // HTML: the what-ifs with pointers into the JSON of the same comparison.
    run(&[
        "--format",
        "json",
        "--out",
        json_path.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    for (k, v) in [
        ("/a/overrides/0/value", 1.0),
        ("/a/overrides/0/replaced", 0.8),
        ("/b/overrides/1/value", 0.9),
        ("/b/overrides/1/replaced", 0.4),
    ] {
        assert_eq!(json.pointer(k).and_then(|x| x.as_f64()), Some(v), "{k}");
        assert!(
            html.contains(&format!("data-k=\"{k}\" data-v=\"{v}\"")),
            "{k} not in the page"
        );
    }
    assert!(html.contains("A what-ifs (<code>--set</code>)"));
    assert!(html.contains("<code>rivalry.SRB-XKX.monitoring</code> = "));
}

#[test]
fn run_report_lists_the_what_ifs_under_its_header_and_in_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let out = deter()
        .args([
            "run",
            BASELINE,
            "--runs",
            "200",
            "-q",
            "--no-attribution",
            "--format",
            "json",
        ])
        .args(set_args("--set"))
        .args(["--report", page.to_str().unwrap()])
        .output()
        .unwrap();
    succeeded(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    let header_end = html.find("</header>").unwrap();
    let note = html.find("<p class=\"whatifs\">").expect("a what-ifs note");
    assert!(
        note > header_end && note < html.find("<section").unwrap(),
        "note under the header"
    );
    let provenance = &html[html.find("<section id=\"provenance\"").unwrap()..];
    assert!(provenance.contains("what-ifs (--set)"));
    // Every what-if in order, with the file's value, each number pointing at the JSON.
    let before: std::collections::HashMap<&str, f64> = expected_sets()
        .iter()
        .map(|(p, _, r)| {
            (
                if p == "model.war_cost" {
                    "model.war_cost"
                } else {
                    "rivalry.SRB-XKX.monitoring"
                },
                *r,
            )
        })
        .collect();
    for (i, s) in SETS.iter().enumerate() {
        let (p, v) = s.split_once('=').unwrap();
        let v: f64 = v.parse().unwrap();
        let replaced = before[p];
        // A setting a later one of its path replaced is in the JSON, not on the page.
        let shown = !SETS[i + 1..]
            .iter()
            .any(|t| t.split_once('=').unwrap().0 == p);
        for (field, x) in [("value", v), ("replaced", replaced)] {
            let k = format!("/overrides/{i}/{field}");
            assert_eq!(json.pointer(&k).and_then(|j| j.as_f64()), Some(x), "{k}");
            assert_eq!(
                html.matches(&format!("data-k=\"{k}\" data-v=\"{x}\""))
                    .count(),
                if shown { 2 } else { 0 },
                "{k}: in the note and in provenance"
            );
        }
    }
}
