//! The library facade (`deter::{load, run, compare, sweep, merge}`) gives what the command
//! line gives: the same report for the same scenario, seed and runs; errors as values.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use deter::{Control, Error, Settings};

mod common;
use common::{bin, json_without_timing, root, run, succeeded, write};

const BUNDLED: &str = "scenarios/western-balkans-2024.toml";

/// The JSON report of `deter ARGS` (asserted to succeed) without its timing.
fn cli_json(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    succeeded(&out);
    json_without_timing(&out.stdout)
}

/// A report of the library, as JSON without its timing.
fn without_timing(r: &impl serde::Serialize) -> serde_json::Value {
    common::without_timing(serde_json::to_value(r).unwrap())
}

fn settings(runs: u64) -> Settings {
    Settings {
        runs: Some(runs),
        seed: Some(7),
        threads: 2,
        horizon_years: Some(4),
        ..Settings::default()
    }
}

#[test]
fn run_gives_the_command_line_report() {
    let s = deter::load(&root().join(BUNDLED)).unwrap();
    let report = deter::run(&s, &settings(500), Control::default()).unwrap();
    let cli = cli_json(&[
        "run",
        BUNDLED,
        "--runs",
        "500",
        "--seed",
        "7",
        "--horizon-years",
        "4",
        "--format",
        "json",
    ]);
    assert_eq!(without_timing(&report), cli);
}

#[test]
fn compare_gives_the_command_line_comparison() {
    let a = deter::load(&root().join(BUNDLED)).unwrap();
    let b = deter::load(&root().join("scenarios/shea-special-envoy.toml")).unwrap();
    let c = deter::compare(&a, &b, &settings(300), Control::default()).unwrap();
    let mut cli = cli_json(&[
        "compare",
        BUNDLED,
        "scenarios/shea-special-envoy.toml",
        "--runs",
        "300",
        "--seed",
        "7",
        "--horizon-years",
        "4",
        "--format",
        "json",
    ]);
    let mut ours = without_timing(&c);
    for v in [&mut cli, &mut ours] {
        for side in ["a", "b"] {
            v[side].as_object_mut().unwrap().remove("timing");
        }
    }
    assert_eq!(ours, cli);
}

#[test]
fn compare_stops_at_until_ci_as_the_command_line_does() {
    // The facade's compare ran `runs` pairs whatever `until_ci` said (python9).
    let a = deter::load(&root().join(BUNDLED)).unwrap();
    let b = deter::load(&root().join("scenarios/shea-special-envoy.toml")).unwrap();
    let s = Settings {
        runs: None,
        seed: Some(3),
        threads: 2,
        horizon_years: Some(3),
        until_ci: Some(0.015),
        max_runs: Some(8000),
        no_attribution: true,
    };
    let c = deter::compare(&a, &b, &s, Control::default()).unwrap();
    let mut cli = cli_json(&[
        "compare",
        BUNDLED,
        "scenarios/shea-special-envoy.toml",
        "--seed",
        "3",
        "--horizon-years",
        "3",
        "--until-ci",
        "0.015",
        "--max-runs",
        "8000",
        "--no-attribution",
        "--format",
        "json",
    ]);
    let mut ours = without_timing(&c);
    for v in [&mut cli, &mut ours] {
        for side in ["a", "b"] {
            v[side].as_object_mut().unwrap().remove("timing");
        }
    }
    assert_eq!(ours, cli);
    // Stopped by the target: more than one block of 1,000 pairs, fewer than the cap.
    let runs = cli["runs"].as_u64().unwrap();
    assert!(runs > 1000 && runs < 8000, "{runs}");
    assert_eq!(cli["stopping"]["reason"], "target_reached");
}

#[test]
fn merge_of_shards_equals_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for k in 0..3 {
        let part = dir.path().join(format!("part-{k}.json"));
        let status = Command::new(bin())
            .current_dir(root())
            .args([
                "run",
                BUNDLED,
                "--runs",
                "400",
                "--seed",
                "7",
                "--horizon-years",
                "4",
            ])
            .args([
                "--shard",
                &format!("{k}/3"),
                "--out",
                part.to_str().unwrap(),
                "-q",
            ])
            .status()
            .unwrap();
        assert!(status.success());
        parts.push(part);
    }
    let merged = deter::merge(&parts, Control::default()).unwrap();
    let s = deter::load(&root().join(BUNDLED)).unwrap();
    let whole = deter::run(&s, &settings(400), Control::default()).unwrap();
    assert_eq!(without_timing(&merged), without_timing(&whole));
    // Shards missing: refused as invalid, naming the gap.
    assert!(matches!(
        deter::merge(&parts[..2], Control::default()),
        Err(Error::Invalid(_))
    ));
    // Cancelled (Ctrl-C, a Python KeyboardInterrupt): interrupted, as a run is.
    assert!(matches!(
        deter::merge(&parts, cancelled(&AtomicBool::new(true))),
        Err(Error::Interrupted)
    ));
}

/// A control whose cancellation flag is `flag`.
fn cancelled(flag: &AtomicBool) -> Control<'_> {
    Control {
        cancel: Some(flag),
        progress: None,
    }
}

/// A nested run's shards (`deter run FILE --posterior DRAWS.csv --shard K/N`) merge through
/// the library as on the command line: `deter::merge_nested` gives the nested run
/// `deter::run_nested` gives, and its `nested_json` is the unsharded `deter run --format json`
/// byte for byte; `deter::merge` refuses them (and `merge_nested` a plain run's shards),
/// pointing to the other.
#[test]
fn merge_nested_of_shards_equals_the_nested_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let post = common::write_posterior(d, &["model.war_cost"], &[(&[0.6], 0.4), (&[1.3], 0.6)]);
    let p = post.to_str().unwrap();
    let nested = [
        "run",
        BUNDLED,
        "--posterior",
        p,
        "--draws",
        "3",
        "--runs",
        "20",
    ];
    let mut args = nested.to_vec();
    args.extend(["--format", "json", "-q"]);
    let out = run(&args);
    succeeded(&out);
    let parts: Vec<std::path::PathBuf> = (0..2)
        .map(|k| {
            let part = d.join(format!("nested-{k}.json"));
            let mut args = nested.to_vec();
            let shard = format!("{k}/2");
            args.extend(["--shard", &shard, "--out", part.to_str().unwrap(), "-q"]);
            succeeded(&run(&args));
            part
        })
        .collect();
    let merged = deter::merge_nested(&parts, Control::default()).unwrap();
    assert_eq!(merged.posterior_file.as_deref(), Some(p));
    assert_eq!(merged.scenario_file, BUNDLED);
    let json = deter::nested_json(
        &merged.nested,
        &merged.scenario.meta.name,
        merged.posterior_file.as_deref(),
    );
    assert!(json.as_bytes() == out.stdout.as_slice(), "{json}");
    let s = deter::load(&root().join(BUNDLED)).unwrap();
    let posterior = deter::read_posterior(&post).unwrap();
    let settings = Settings {
        runs: Some(20),
        ..Settings::default()
    };
    let whole =
        deter::run_nested(&s, Some(&posterior), &settings, Some(3), Control::default()).unwrap();
    assert_eq!(merged.nested, whole);
    assert!(matches!(
        deter::merge_nested(&parts, cancelled(&AtomicBool::new(true))),
        Err(Error::Interrupted)
    ));
    match deter::merge(&parts, Control::default()) {
        Err(Error::Invalid(m)) => assert!(m.contains("`merge_nested`"), "{m}"),
        other => panic!("{:?}", other.err()),
    }
    let plain = d.join("plain.json");
    succeeded(&run(&[
        "run",
        BUNDLED,
        "--runs",
        "10",
        "--shard",
        "0/1",
        "--out",
        plain.to_str().unwrap(),
        "-q",
    ]));
    match deter::merge_nested(&[plain], Control::default()) {
        Err(Error::Invalid(m)) => assert!(m.contains("not the shards of a nested run"), "{m}"),
        other => panic!("{:?}", other.err()),
    }
}

/// The per-run rows of shards (`deter run --shard K/N --per-run-rows`) could be merged only
/// on the command line (`deter merge --per-run`): `deter::merge_with_rows` writes the same
/// file, byte for byte the unsharded `deter run --per-run`, for 1, 3 and 7 shards, and the
/// report `deter::merge` gives; shards without rows, and a `per_run` that is one of the
/// parts, are refused before anything is written.
#[test]
fn merge_with_rows_writes_the_unsharded_per_run_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let common = ["--runs", "300", "--seed", "7", "--horizon-years", "4"];
    let whole = d.join("whole.csv");
    let mut args = vec!["run", BUNDLED, "--no-attribution", "-q", "--format", "json"];
    args.extend(common);
    args.extend(["--per-run", whole.to_str().unwrap()]);
    let report = cli_json(&args);
    let shards = |n: u64, rows: bool| -> Vec<std::path::PathBuf> {
        (0..n)
            .map(|k| {
                let part = d.join(format!("part-{k}-of-{n}-{rows}.json"));
                let mut args = vec!["run", BUNDLED, "--no-attribution", "-q"];
                args.extend(common);
                let shard = format!("{k}/{n}");
                args.extend(["--shard", &shard, "--out", part.to_str().unwrap()]);
                if rows {
                    args.push("--per-run-rows");
                }
                succeeded(&run(&args));
                part
            })
            .collect()
    };
    for n in [1, 3, 7] {
        let parts = shards(n, true);
        let out = d.join(format!("merged-{n}.csv"));
        let merged = deter::merge_with_rows(&parts, &out, Control::default()).unwrap();
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(&whole).unwrap(),
            "{n} shards"
        );
        assert_eq!(without_timing(&merged), report, "{n} shards");
        // Cancelled: interrupted, nothing written.
        let stopped = d.join(format!("stopped-{n}.csv"));
        assert!(matches!(
            deter::merge_with_rows(&parts, &stopped, cancelled(&AtomicBool::new(true))),
            Err(Error::Interrupted)
        ));
        assert!(!stopped.exists());
    }
    let without = shards(3, false);
    let out = d.join("none.csv");
    match deter::merge_with_rows(&without, &out, Control::default()) {
        Err(Error::Invalid(m)) => assert!(
            m.contains("the shard carries no per-run rows")
                && m.contains("so `per_run` cannot write the run's per-run CSV")
                && m.contains("--per-run-rows"),
            "{m}"
        ),
        other => panic!("{:?}", other.err()),
    }
    assert!(!out.exists());
    let parts = shards(3, true);
    let before = std::fs::read(&parts[1]).unwrap();
    assert!(matches!(
        deter::merge_with_rows(&parts, &parts[1], Control::default()),
        Err(Error::Invalid(_))
    ));
    assert_eq!(std::fs::read(&parts[1]).unwrap(), before, "a part replaced");
}

#[test]
fn errors_are_values() {
    let s = deter::load(&root().join(BUNDLED)).unwrap();
    let bad = Settings {
        runs: Some(0),
        ..Settings::default()
    };
    assert!(
        matches!(deter::run(&s, &bad, Control::default()), Err(Error::Invalid(m)) if m.starts_with("`runs` 0: "))
    );
    let cancel = AtomicBool::new(true);
    let control = Control {
        cancel: Some(&cancel),
        progress: None,
    };
    assert!(matches!(
        deter::run(&s, &settings(100_000), control),
        Err(Error::Interrupted)
    ));
    assert!(matches!(
        deter::load(Path::new("tests/bad/negative-gdp.toml")),
        Err(Error::Input(_))
    ));
    assert!(matches!(
        deter::parse("[scenario]\nname = 1\n", "x.toml"),
        Err(Error::Input(_))
    ));
}

#[test]
fn sweep_writes_the_command_line_rows() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.csv");
    let theirs = dir.path().join("theirs.csv");
    let file = root().join("scenarios/sweeps/kosovo-budget-x-nato.toml");
    // A small grid: the bundled one at 50 runs per point.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("runs = 2000", "runs = 50");
    let small = root().join("scenarios/sweeps/.facade-test.toml");
    std::fs::write(&small, text).unwrap();
    let settings = Settings {
        threads: 2,
        ..Settings::default()
    };
    let y = deter::sweep(&small, &settings, Control::default(), &ours, false);
    let status = Command::new(bin())
        .current_dir(root())
        .args([
            "sweep",
            small.to_str().unwrap(),
            "-q",
            "--out",
            theirs.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    let y = y.unwrap();
    assert!(status.success());
    assert_eq!(y.len(), 12);
    assert_eq!(
        std::fs::read(&ours).unwrap(),
        std::fs::read(&theirs).unwrap()
    );
}

/// `read_posterior` does what its doc says: an unreadable file (missing, a directory) is
/// `Error::Input`, the command line's `FILE: error: cannot read file: REASON`, as `load`
/// gives it for a missing scenario and `merge` for a missing partial file (it was
/// `Error::Io`, as `merge` gave it in other words, while `load` gave `Error::Input`); a
/// malformed, too large or not UTF-8 one is `Error::Input` too, as `read_posterior_for`
/// gives it.
#[test]
fn read_posterior_reports_an_unreadable_file_as_load_does() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.csv");
    let cannot = |e: Error| match e {
        Error::Input(d) => d.to_string(),
        other => panic!("{other:?}"),
    };
    for path in [missing.as_path(), dir.path()] {
        let m = cannot(deter::read_posterior(path).map(|_| ()).unwrap_err());
        let prefix = format!("{}: error: cannot read file: ", path.display());
        assert!(m.starts_with(&prefix), "{m}");
    }
    // One message for the same fault in every kind: the scenario's, the partial file's.
    let m = cannot(deter::read_posterior(&missing).map(|_| ()).unwrap_err());
    let toml = dir.path().join("missing.toml");
    let json = dir.path().join("missing.json");
    for (other, path) in [
        (deter::load(&toml).map(|_| ()).unwrap_err(), &toml),
        (
            deter::merge(std::slice::from_ref(&json), Control::default())
                .map(|_| ())
                .unwrap_err(),
            &json,
        ),
    ] {
        let said = cannot(other);
        assert_eq!(
            said.replace(&path.display().to_string(), "FILE"),
            m.replace(&missing.display().to_string(), "FILE")
        );
    }
    // A malformed file, one not UTF-8 and one too large: `Error::Input` with the command
    // line's message, from `read_posterior` as from `read_posterior_for` (it was
    // `Error::Invalid` from the first, `Error::Input` from the second, for the same fault).
    let bad = dir.path().join("posterior.csv");
    for said in ["posterior.csv:2:", "UTF-8", "larger than"] {
        match said {
            "UTF-8" => std::fs::write(&bad, b"draw,\xff\n").unwrap(),
            "larger than" => std::fs::File::create(&bad)
                .unwrap()
                .set_len(257 * 1024 * 1024)
                .unwrap(),
            _ => {
                write(
                    dir.path(),
                    "posterior.csv",
                    "draw,model.war_cost,weight,distance\n0,abc,1,0\n",
                );
            }
        }
        let plain = match deter::read_posterior(&bad) {
            Err(Error::Input(d)) => d.to_string(),
            other => panic!("{said}: {:?}", other.map(|_| ())),
        };
        let checked = match deter::read_posterior_for(&bad, &[]) {
            Err(Error::Input(d)) => d.to_string(),
            other => panic!("{said}: {:?}", other.map(|_| ())),
        };
        assert_eq!(plain, checked, "{said}");
        assert!(plain.contains(said), "{said}: {plain}");
    }
}

/// A policy dated after the horizon is warned of against the horizon the run will use
/// (`Settings::horizon_years`), as `deter run --horizon-years` warns, in the file's words:
/// `load_with_warnings` and `parse_with_warnings` checked the file's horizon only, so a
/// program running a longer horizon was told a policy never takes effect, and one running a
/// shorter horizon was not told.
#[test]
fn warnings_of_a_run_at_another_horizon_are_checked_against_it() {
    let path = root().join("tests/warn/policy-after-horizon.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let late = |w: &deter::Diagnostics| {
        w.0.iter()
            .filter(|d| d.message.contains("after the horizon ends"))
            .count()
    };
    // The file: starts 2025-01, 10 years; policy `late` starts 2040-01.
    let (_, own) = deter::load_with_warnings(&path).unwrap();
    assert_eq!(late(&own), 1);
    for (horizon, expected) in [(None, 1), (Some(20), 0), (Some(16), 0), (Some(15), 1)] {
        let (s, w) = deter::load_with_warnings_at(&path, horizon).unwrap();
        assert_eq!(late(&w), expected, "{horizon:?}");
        // The scenario keeps the file's horizon (the run applies the setting).
        assert_eq!(s.meta.horizon_years, 10);
        let (_, w) = deter::parse_with_warnings_at(&text, "t.toml", horizon).unwrap();
        assert_eq!(late(&w), expected, "text, {horizon:?}");
    }
    // Shortened: a policy inside the file's horizon starts after a 3-year run ends.
    let soon = text.replace("2040-01", "2028-01");
    let (_, w) = deter::parse_with_warnings(&soon, "t.toml").unwrap();
    assert_eq!(late(&w), 0);
    let (_, w) = deter::parse_with_warnings_at(&soon, "t.toml", Some(3)).unwrap();
    assert_eq!(late(&w), 1);
    // In the words `deter run --horizon-years 3` prints for the same file, the horizon named
    // as the library's caller gave it (`horizon_years`, Python's argument), not as the flag.
    let tmp = std::env::temp_dir().join(format!("deter-facade-{}.toml", std::process::id()));
    std::fs::write(&tmp, &soon).unwrap();
    let (_, w) = deter::load_with_warnings_at(&tmp, Some(3)).unwrap();
    let out = common::deter()
        .arg("run")
        .arg(&tmp)
        .args(["--horizon-years", "3", "--runs", "10", "--format", "json"])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&tmp);
    succeeded(&out);
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(said.contains("`--horizon-years` (3)"), "{said}");
    let said = said.replace("`--horizon-years`", "`horizon_years`");
    assert_eq!(late(&w), 1);
    for d in &w.0 {
        assert!(!d.to_string().contains("--horizon-years"), "{d}");
        assert!(said.contains(&d.to_string()), "{d}\nnot in:\n{said}");
    }
    // A horizon out of range adds nothing (the run refuses it).
    let (_, w) = deter::load_with_warnings_at(&path, Some(0)).unwrap();
    assert_eq!(late(&w), 1);
}
