//! Quick what-ifs: `deter run FILE --set PATH=VALUE` and `deter compare A B --set-b PATH=VALUE`
//! behave exactly like the same edit made in the file, are refused like a bad file edit
//! (exit 2, did-you-mean, the range), and are recorded in the output.

use assert_cmd::Command;
use predicates::prelude::*;

const BASELINE: &str = "scenarios/western-balkans-2024.toml";

fn deter() -> Command {
    Command::cargo_bin("deter").expect("binary built")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = deter().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    v.as_object_mut().unwrap().remove("timing");
    v
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
    let path = dir.join("edited.toml");
    std::fs::write(&path, edited).unwrap();
    path
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
        .stderr(predicate::str::contains("cannot be used with"));
}
