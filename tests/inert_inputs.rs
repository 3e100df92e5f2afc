//! Inputs that cannot move any output are said to be so: a scenario with no rivalry (no
//! crisis can happen, and there is no balance to report), and a sweep parameter whose entity
//! the relevance analysis prunes (its outcome columns would be the same at every value).

mod common;
use common::{root, stderr, stderr_says, succeeded, succeeded_for, write};

use serde_json::Value;

const NO_RIVALRY: &str = "tests/warn/no-rivalry.toml";
const NO_RIVALRY_WARNING: &str = "warning: rivalry: no rivalry: no crisis can happen; every event's probability is 0 (deterrence holds in every run)";

#[test]
fn a_scenario_without_rivalry_is_warned_about_by_every_command_that_reads_it() {
    let v = common::run(&["validate", NO_RIVALRY]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    stderr_says(&v, NO_RIVALRY_WARNING);
    stderr_says(&v, &format!("{NO_RIVALRY}:1:1"));
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
        succeeded_for(&o, format_args!("{args:?}"));
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
        succeeded(&o);
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
    stderr_says(&v, warning);
    stderr_says(&v, "parameter[0].path");
    stderr_says(&v, "member of `NATO`");
    let out = dir.path().join("r.csv");
    let o = common::run(&["sweep", &s, "--out", &out.display().to_string()]);
    succeeded(&o);
    stderr_says(&o, warning);
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

/// A sweep over `base` (a path) varying `path` over two `values`, 200 runs a point with
/// common random numbers: the sweep file and its `deter validate` standard error.
fn sweep_over(dir: &std::path::Path, base: &str, path: &str, values: &str) -> (String, String) {
    let text = format!(
        "base = \"{base}\"\nruns = 200\nseed = 1\ncommon_random_numbers = true\ndesign = \"grid\"\n\
         [[parameter]]\npath = \"{path}\"\nrole = \"uncertainty\"\nvalues = [{values}]\n"
    );
    let p = dir.join(format!("s-{}.toml", path.replace(['.', '[', ']'], "_")));
    std::fs::write(&p, text).unwrap();
    let p = p.display().to_string();
    let v = common::run(&["validate", &p]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    (p, stderr(&v))
}

/// Whether every probability column of the sweep's two rows is the same: what "cannot
/// influence any output" claims, checked on the rows themselves.
fn rows_alike(dir: &std::path::Path, sweep: &str) -> bool {
    let out = dir.join("rows.csv");
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(dir.join("rows.csv.sweep"));
    let o = common::run(&["sweep", sweep, "--out", &out.display().to_string()]);
    succeeded(&o);
    let rows = std::fs::read_to_string(&out).unwrap();
    let mut lines = rows.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let body: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(body.len(), 2);
    header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.ends_with("_p"))
        .all(|(i, _)| body[0][i] == body[1][i])
}

const INERT: &str = "cannot influence any output of this scenario";

/// Three classes of swept parameters the relevance analysis let through although the model
/// reads them nowhere: (1) a country's political value outside the role that reads it (the
/// cohesion and reputation of a challenger that is no rivalry's target; the narrative of a
/// target that is no challenger); (2) an outside power linked to no rivalry's player (no
/// alliance with one, no tie from one, no force in one); (3) a policy dated after the horizon
/// (its `enabled`, and an alliance only its `join` would make relevant). Each is warned
/// about now, with its reason, and each claim is checked on the sweep's rows; the parameter
/// of the same entity in the role that reads it is not warned about, and its rows differ.
#[test]
fn inert_parameters_of_three_more_classes_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let baseline = root()
        .join("scenarios/western-balkans-2024.toml")
        .display()
        .to_string();
    // (1) Serbia challenges Kosovo.
    for (path, reason) in [
        (
            "country.SRB.political.cohesion",
            "the model reads a country's `cohesion` only when it is a rivalry's target, and `SRB` is no simulated rivalry's target",
        ),
        (
            "country.SRB.political.reputation",
            "the model reads a country's `reputation` only when it is a rivalry's target, and `SRB` is no simulated rivalry's target",
        ),
        (
            "country.XKX.political.narrative",
            "the model reads a country's `narrative` only when it is a rivalry's challenger, and `XKX` is no simulated rivalry's challenger",
        ),
    ] {
        let (s, err) = sweep_over(d, &baseline, path, "0.1, 0.9");
        assert!(
            err.contains(&format!("`{path}` {INERT} ({reason}")),
            "{path}: {err}"
        );
        assert!(rows_alike(d, &s), "{path}");
    }
    let (s, err) = sweep_over(d, &baseline, "country.XKX.political.cohesion", "0.1, 0.9");
    assert!(!err.contains(INERT), "{err}");
    assert!(!rows_alike(d, &s), "the target's cohesion matters");
    // (2) A power nobody in the rivalry is allied with, tied to or hosts.
    let with_power = write(
        d,
        "power.toml",
        &format!(
            "extends = \"{baseline}\"\n\n[[power]]\nid = \"IND\"\nname = \"India\"\ncapability = 500.0\n"
        ),
    );
    let with_power = with_power.display().to_string();
    let (s, err) = sweep_over(d, &with_power, "power.IND.capability", "10.0, 5000.0");
    assert!(
        err.contains(&format!(
            "`power.IND.capability` {INERT} (no rivalry's challenger or target shares an alliance with `IND`, has a tie to it that carries forces in theatre or trade substitution, or hosts a force it contributes to"
        )),
        "{err}"
    );
    assert!(rows_alike(d, &s));
    // Tied to Serbia (swept with the tie).
    let tied = write(
        d,
        "tied.toml",
        &format!(
            "base = \"{with_power}\"\nruns = 20\nseed = 1\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"power.IND.capability\"\nrole = \"uncertainty\"\nvalues = [10.0, 5000.0]\n\
             [[parameter]]\npath = \"country.SRB.political.ties.IND\"\nrole = \"uncertainty\"\nvalues = [0.0, 0.5]\n"
        ),
    );
    // A bare tie (`IND` has nothing in theatre and replaces no trade): inert, as the validation
    // shows (`forces_in_theatre_lower_use_of_force_and_a_bare_tie_is_inert`), and warned.
    let v = common::run(&["validate", &tied.display().to_string()]);
    assert!(
        stderr(&v).contains(&format!("`power.IND.capability` {INERT}")),
        "{}",
        stderr(&v)
    );
    // With its forces in theatre swept too, the tie carries them: not warned about.
    std::fs::write(
        &tied,
        format!(
            "base = \"{with_power}\"\nruns = 20\nseed = 1\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"power.IND.capability\"\nrole = \"uncertainty\"\nvalues = [10.0, 5000.0]\n\
             [[parameter]]\npath = \"country.SRB.political.ties.IND\"\nrole = \"uncertainty\"\nvalues = [0.0, 0.5]\n\
             [[parameter]]\npath = \"power.IND.in_theatre\"\nrole = \"uncertainty\"\nvalues = [0.0, 0.1]\n"
        ),
    )
    .unwrap();
    let v = common::run(&["validate", &tied.display().to_string()]);
    assert!(!stderr(&v).contains(INERT), "{}", stderr(&v));
    // (3) Kosovo's NATO membership dated after the 10-year horizon.
    let nato = std::fs::read_to_string(root().join("scenarios/kosovo-nato-path.toml")).unwrap();
    assert!(nato.contains("start = \"2030-01\""));
    let late = write(
        d,
        "late.toml",
        &nato
            .replace("start = \"2030-01\"", "start = \"2036-01\"")
            .replace(
                "extends = \"",
                &format!("extends = \"{}/", root().join("scenarios").display()),
            ),
    );
    let late = late.display().to_string();
    let never = "policy `nato-membership` starts 2036-01, after the horizon ends (its last month is 2034-12): it never takes effect";
    let (s, err) = sweep_over(d, &late, "policy.nato-membership.enabled", "false, true");
    assert!(
        err.contains(&format!(
            "`policy.nato-membership.enabled` {INERT} ({never})"
        )),
        "{err}"
    );
    assert!(rows_alike(d, &s));
    let (s, err) = sweep_over(d, &late, "alliance.NATO.reliability", "0.1, 0.9");
    assert!(
        err.contains(&format!("`alliance.NATO.reliability` {INERT} (no rivalry's challenger or target is ever a member of `NATO`")),
        "{err}"
    );
    assert!(rows_alike(d, &s));
    // Swept with the policy's start, the policy may take effect: nothing said.
    let moved = write(
        d,
        "moved.toml",
        &format!(
            "base = \"{late}\"\nruns = 20\nseed = 1\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"policy.nato-membership.start\"\nrole = \"lever\"\nvalues = [2028.0, 2036.0]\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\nvalues = [0.1, 0.9]\n"
        ),
    );
    let v = common::run(&["validate", &moved.display().to_string()]);
    assert!(!stderr(&v).contains(INERT), "{}", stderr(&v));
}
