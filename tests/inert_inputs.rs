//! Inputs that cannot move any output are said to be so: a scenario with no rivalry (no
//! crisis can happen, and there is no balance to report), and a sweep parameter whose entity
//! the relevance analysis prunes (its outcome columns would be the same at every value).

mod common;
use common::{root, stderr};

use serde_json::Value;

const NO_RIVALRY: &str = "tests/warn/no-rivalry.toml";
const NO_RIVALRY_WARNING: &str =
    "warning: rivalry: no rivalry: no crisis can happen; every outcome is 0";

#[test]
fn a_scenario_without_rivalry_is_warned_about_by_every_command_that_reads_it() {
    let v = common::run(&["validate", NO_RIVALRY]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    assert!(stderr(&v).contains(NO_RIVALRY_WARNING), "{}", stderr(&v));
    assert!(
        stderr(&v).contains(&format!("{NO_RIVALRY}:1:1")),
        "{}",
        stderr(&v)
    );
    for args in [
        vec!["run", NO_RIVALRY, "--runs", "20", "--no-attribution"],
        vec![
            "compare",
            NO_RIVALRY,
            NO_RIVALRY,
            "--runs",
            "20",
            "--no-attribution",
        ],
    ] {
        let o = common::run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(NO_RIVALRY_WARNING),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // A scenario with a rivalry does not get it.
    let ok = common::run(&["validate", "scenarios/western-balkans-2024.toml"]);
    assert!(!stderr(&ok).contains("no rivalry"), "{}", stderr(&ok));
}

#[test]
fn no_rivalry_has_no_final_balance_rather_than_a_balance_of_zero() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let csv = dir.path().join("r.csv");
    for out in [&json, &csv] {
        let o = common::run(&[
            "run",
            NO_RIVALRY,
            "--runs",
            "20",
            "--no-attribution",
            "--out",
            &out.display().to_string(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(v["metrics"]["final_balance"].is_null(), "{}", v["metrics"]);
    // The sums over no rivalry are 0, and are reported.
    assert_eq!(v["metrics"]["crises"]["mean"], 0.0);
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(!rows.contains("final_balance"), "{rows}");
    assert!(rows.contains("crises"), "{rows}");
    let table = common::run(&["run", NO_RIVALRY, "--runs", "20", "--no-attribution"]);
    let text = String::from_utf8(table.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("final balance"))
        .expect("the final balance row");
    assert!(line.contains("(no rivalry: no value)"), "{line}");
    assert!(!line.split_whitespace().any(|w| w == "0"), "{line}");
}

/// A sweep over the bundled baseline (Kosovo is not a NATO member), varying `path`; `design`
/// is the design's lines (and any `[[policy]]` tables).
fn sweep_file(dir: &std::path::Path, path: &str, design: &str) -> String {
    let base = root().join("scenarios/western-balkans-2024.toml");
    let text = format!(
        "base = \"{}\"\nruns = 20\nseed = 1\ncommon_random_numbers = true\n{design}\n[[parameter]]\npath = \"{path}\"\nrole = \"uncertainty\"\nrange = [0.5, 0.9]\nlevels = 2\n",
        base.display()
    );
    let p = dir.join(format!("s{}.toml", design.len()));
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const GRID: &str = "design = \"grid\"";

#[test]
fn a_swept_parameter_that_cannot_influence_any_output_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let warning = "`alliance.NATO.reliability` cannot influence any output of this scenario";
    let s = sweep_file(dir.path(), "alliance.NATO.reliability", GRID);
    let v = common::run(&["validate", &s]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    assert!(stderr(&v).contains(warning), "{}", stderr(&v));
    assert!(stderr(&v).contains("parameter[0].path"), "{}", stderr(&v));
    assert!(stderr(&v).contains("member of `NATO`"), "{}", stderr(&v));
    let out = dir.path().join("r.csv");
    let o = common::run(&["sweep", &s, "--out", &out.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    // What the warning claims: every outcome column is the same at both values.
    let rows = std::fs::read_to_string(&out).unwrap();
    let mut lines = rows.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let body: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(body.len(), 2);
    for (i, h) in header.iter().enumerate() {
        if h.ends_with("_p") {
            assert_eq!(body[0][i], body[1][i], "{h}");
        }
    }
    // KFOR (hosted by the target) is relevant: no warning.
    let kfor = sweep_file(dir.path(), "deployment.KFOR.reliability", GRID);
    let v = common::run(&["validate", &kfor]);
    assert!(!stderr(&v).contains("cannot influence"), "{}", stderr(&v));
    // A levers x futures sweep with a policy in which Kosovo joins NATO: relevant there.
    let nato_path = root().join("scenarios/kosovo-nato-path.toml");
    let design = format!(
        "design = \"lhs\"\npoints = 2\n[[policy]]\nid = \"baseline\"\n[[policy]]\nid = \"nato\"\nfile = \"{}\"\n",
        nato_path.display()
    );
    let lxf = sweep_file(dir.path(), "alliance.NATO.reliability", &design);
    let v = common::run(&["validate", &lxf]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    assert!(!stderr(&v).contains("cannot influence"), "{}", stderr(&v));
}

#[test]
fn every_bundled_sweep_varies_only_parameters_that_can_matter() {
    let dir = root().join("scenarios/sweeps");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".toml") || name.starts_with('.') {
            continue;
        }
        let v = common::run(&["validate", &p.display().to_string()]);
        assert_eq!(v.status.code(), Some(0), "{name}: {}", stderr(&v));
        assert!(!stderr(&v).contains("warning"), "{name}: {}", stderr(&v));
        n += 1;
    }
    assert!(n >= 5, "{n} bundled sweeps");
}
