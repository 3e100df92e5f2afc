//! Fixed parameters in a calibration: the file's `set` table and `deter calibrate --set`
//! (docs/CALIBRATION.md). A fixed value calibrates exactly as the same value written into
//! every case's scenario; `--set` equals the table; a faulty or calibrated path is refused
//! with the messages of `deter run --set`; the fixed values are part of the fingerprint that
//! `--resume` checks, and a run under the posterior without them is warned.

mod common;

use std::path::{Path, PathBuf};

use common::{deter, first_error, refused, root, run, stderr, stderr_says, write};

const CASES: [(&str, &str); 2] = [
    ("serbia-kosovo.record.toml", "serbia-kosovo-2008.toml"),
    ("russia-georgia.record.toml", "russia-georgia-2004.toml"),
];

/// A small calibration (20 particles, 2 generations) of `model.war_cost` over two bundled
/// cases read from `history`, with `extra` among its top-level keys.
fn calibration(dir: &Path, name: &str, history: &Path, extra: &str) -> PathBuf {
    let text = format!(
        "seed = 5\nparticles = 20\nmax_generations = 2\npredictive_draws = 5\n\
         statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
         cases = [\"{}\", \"{}\"]\n{extra}\n\
         [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
        history.join(CASES[0].0).display(),
        history.join(CASES[1].0).display()
    );
    write(dir, name, &text)
}

fn bundled() -> PathBuf {
    root().join("scenarios/history")
}

/// Run `deter calibrate FILE --out OUT ARGS`; its exit code and stderr.
fn calibrate(file: &Path, out: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = deter()
        .arg("calibrate")
        .arg(file)
        .args(["--quiet", "--threads", "2", "--out"])
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into())
}

/// posterior.csv without the provenance lines that name the inputs (their fingerprint and
/// the fixed values, which the other calibration gives another way).
fn posterior(out: &Path) -> String {
    std::fs::read_to_string(out.join("posterior.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("# calibration_sha256 = ") && !l.starts_with("# set = "))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn a_fixed_value_calibrates_as_the_value_written_in_every_case_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    // The same records, with `[model] fait_accompli = 1` written into their scenarios.
    let written = tmp.path().join("written");
    std::fs::create_dir(&written).unwrap();
    for (record, scenario) in CASES {
        std::fs::copy(bundled().join(record), written.join(record)).unwrap();
        let text = std::fs::read_to_string(bundled().join(scenario)).unwrap();
        assert!(
            !text.contains("[model]"),
            "{scenario} already has a [model] table"
        );
        std::fs::write(
            written.join(scenario),
            format!("{text}\n[model]\nfait_accompli = 1.0\n"),
        )
        .unwrap();
    }
    let plain = calibration(tmp.path(), "plain.toml", &bundled(), "");
    let in_files = calibration(tmp.path(), "in-files.toml", &written, "");
    let table = calibration(
        tmp.path(),
        "table.toml",
        &bundled(),
        "set = { \"model.fait_accompli\" = 1.0 }",
    );
    let run = |file: &Path, name: &str, args: &[&str]| {
        let out = tmp.path().join(name);
        let (code, err) = calibrate(file, &out, args);
        assert_eq!(code, Some(0), "{name}: {err}");
        out
    };
    let o_plain = run(&plain, "o-plain", &[]);
    let o_files = run(&in_files, "o-files", &[]);
    let o_table = run(&table, "o-table", &[]);
    let o_flag = run(&plain, "o-flag", &["--set", "model.fait_accompli=1"]);
    // Two --set, the later winning, on top of a table that says otherwise.
    let half = calibration(
        tmp.path(),
        "half.toml",
        &bundled(),
        "set = { \"model.fait_accompli\" = 0.5 }",
    );
    let o_over = run(
        &half,
        "o-over",
        &[
            "--set",
            "model.fait_accompli=0.2",
            "--set",
            "model.fait_accompli=1",
        ],
    );
    let expected = posterior(&o_files);
    assert_eq!(posterior(&o_table), expected, "set table");
    assert_eq!(posterior(&o_flag), expected, "--set");
    assert_eq!(posterior(&o_over), expected, "--set over the table");
    // The move changes the calibration: were the fixed value not applied, this would fail.
    assert_ne!(posterior(&o_plain), expected);
    // The header names the fixed value (once, the last one given), the report too.
    for out in [&o_table, &o_flag, &o_over] {
        let text = std::fs::read_to_string(out.join("posterior.csv")).unwrap();
        let set: Vec<&str> = text.lines().filter(|l| l.starts_with("# set")).collect();
        assert_eq!(set, ["# set = model.fait_accompli=1"]);
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(
            html.contains("<code>model.fait_accompli</code> = 1"),
            "report.html does not name the fixed value"
        );
    }
    let text = std::fs::read_to_string(o_files.join("posterior.csv")).unwrap();
    assert!(!text.contains("# set"));
    // The fingerprint moves with the fixed value.
    let sha = |out: &Path| {
        std::fs::read_to_string(out.join("posterior.csv"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("# calibration_sha256 = "))
            .unwrap()
            .to_string()
    };
    assert_ne!(sha(&o_flag), sha(&o_plain));
}

/// The message and help lines of every error in `stderr`, without the location and key
/// path (which name the file's key or the `--set` text).
fn messages(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = stderr
        .lines()
        .filter_map(|l| {
            if let Some((_, m)) = l.split_once(": error: ") {
                Some(m.split_once(": ").map_or(m, |(_, rest)| rest).to_string())
            } else {
                l.trim()
                    .strip_prefix("= help: ")
                    .map(|h| format!("help: {h}"))
            }
        })
        .collect();
    out.sort();
    out
}

#[test]
fn faulty_and_calibrated_fixed_paths_are_refused_with_the_messages_of_set() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = bundled().join(CASES[0].1);
    for (path, value, what) in [
        (
            "model.fait_acomplii",
            "1",
            "did you mean `model.fait_accompli`?",
        ),
        (
            "model.fait_accompli",
            "2",
            "expected a number in [0, 1], found 2",
        ),
    ] {
        let file = calibration(
            tmp.path(),
            "bad.toml",
            &bundled(),
            &format!("set = {{ \"{path}\" = {value} }}"),
        );
        let (code, in_file) = calibrate(&file, &tmp.path().join("o"), &[]);
        assert_eq!(code, Some(2), "{in_file}");
        assert!(in_file.contains(what), "{in_file}");
        // Located at the key (unknown path) or the value (out of range), line 7.
        let col = if value == "2" { 33 } else { 9 };
        assert!(
            in_file.contains(&format!("bad.toml:7:{col}: error: set.\"{path}\": ")),
            "{in_file}"
        );
        let plain = calibration(tmp.path(), "plain.toml", &bundled(), "");
        let text = format!("{path}={value}");
        let (code, flag) = calibrate(&plain, &tmp.path().join("o"), &["--set", &text]);
        assert_eq!(code, Some(2), "{flag}");
        let run = deter()
            .arg("run")
            .arg(&scenario)
            .args(["--runs", "5", "--set", &text])
            .output()
            .unwrap();
        refused(&run);
        let run = String::from_utf8_lossy(&run.stderr).to_string();
        // `deter calibrate --set` says exactly what `deter run --set` says.
        assert_eq!(flag, run);
        // The file's table: the same message and help, at the file's line and column.
        assert_eq!(messages(&in_file), messages(&run), "{in_file}\n{run}");
        assert!(!messages(&run).is_empty());
    }
    // A fixed path that a [[parameter]] calibrates: refused at the key, naming the parameter;
    // `--set` alike.
    let said =
        "`model.war_cost` is fixed here but also calibrated by parameter[0] (`model.war_cost`)";
    let file = calibration(
        tmp.path(),
        "both.toml",
        &bundled(),
        "set = { \"model.war_cost\" = 1.0 }",
    );
    let (code, in_file) = calibrate(&file, &tmp.path().join("o"), &[]);
    assert_eq!(code, Some(2), "{in_file}");
    assert!(
        in_file.contains(&format!(
            "both.toml:7:9: error: set.\"model.war_cost\": {said}"
        )),
        "{in_file}"
    );
    let plain = calibration(tmp.path(), "plain.toml", &bundled(), "");
    let (code, flag) = calibrate(
        &plain,
        &tmp.path().join("o"),
        &["--set", "model.war_cost=1"],
    );
    assert_eq!(code, Some(2), "{flag}");
    assert!(
        flag.contains(&format!("--set:1:1: error: model.war_cost: {said}")),
        "{flag}"
    );
    assert_eq!(messages(&in_file), messages(&flag));
    assert!(!tmp.path().join("o").join("posterior.csv").exists());
}

#[test]
fn resume_with_another_fixed_value_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = calibration(tmp.path(), "c.toml", &bundled(), "");
    let out = tmp.path().join("o");
    let (code, err) = calibrate(&file, &out, &["--set", "model.fait_accompli=1"]);
    assert_eq!(code, Some(0), "{err}");
    let state = std::fs::read(out.join("state.json")).unwrap();
    for other in [&["--set", "model.fait_accompli=0.5"][..], &[][..]] {
        let args: Vec<&str> = other.iter().copied().chain(["--resume"]).collect();
        let (code, err) = calibrate(&file, &out, &args);
        assert_eq!(code, Some(2), "{other:?}: {err}");
        assert!(err.contains("--resume"), "{err}");
        assert_eq!(std::fs::read(out.join("state.json")).unwrap(), state);
    }
    // The same fixed value resumes.
    let (code, err) = calibrate(&file, &out, &["--set", "model.fait_accompli=1", "--resume"]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_run_under_a_posterior_without_its_fixed_values_is_warned() {
    let tmp = tempfile::tempdir().unwrap();
    let post = write(
        tmp.path(),
        "posterior.csv",
        "# deter calibrate: posterior draws\n# set = model.fait_accompli=1\n\
         draw,model.war_cost,weight,distance\n0,1.5,0.5,0\n1,2,0.5,0\n",
    );
    let scenario = bundled().join(CASES[0].1);
    let run = |args: &[&str]| {
        let o = deter()
            .arg("run")
            .arg(&scenario)
            .arg("--posterior")
            .arg(&post)
            .args(["--draws", "2", "--runs", "5", "--quiet"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let err = run(&[]);
    assert!(
        err.contains(
            "warning: ") && err.contains(":2: these draws were calibrated with `model.fait_accompli=1` fixed but this scenario has model.fait_accompli = 0: add --set model.fait_accompli=1"
        ),
        "{err}"
    );
    assert!(!run(&["--set", "model.fait_accompli=1"]).contains("warning"));
    let err = run(&["--set", "model.fait_accompli=0.5"]);
    assert!(err.contains("model.fait_accompli = 0.5"), "{err}");
}

// ---- A fixed path missing in one case; resume with other fixed values ----

/// A calibration's fixed path that one case's scenario has and another's lacks
/// (`rivalry.SRB-XKX.monitoring`: Serbia-Kosovo has the rivalry, Russia-Georgia does not)
/// said "`PATH` is not a parameter of this scenario" without saying which of the cases' scenarios:
/// the file's `set` table and `deter calibrate --set` name the case and its scenario file, in
/// the words the calibration's `[[parameter]]` uses for the same fault, with the did-you-mean of
/// that scenario. A path missing in every case keeps `deter run --set`'s message
/// (`faulty_and_calibrated_fixed_paths_are_refused_with_the_messages_of_set`).
#[test]
fn a_fixed_path_missing_in_one_cases_scenario_names_the_case() {
    let d = tempfile::tempdir().unwrap();
    let history = common::root().join("scenarios/history");
    let georgia = history
        .join("russia-georgia-2004.toml")
        .display()
        .to_string();
    let cal = |name: &str, extra: &str| {
        let p = write(
            d.path(),
            name,
            &format!(
                "seed = 5\nparticles = 20\nmax_generations = 1\nstatistics = [\"use_of_force\"]\n\
                 cases = [{:?}, {:?}]\n{extra}\n[[parameter]]\npath = \"model.war_cost\"\n\
                 range = [0.1, 3.0]\n",
                history
                    .join("serbia-kosovo.record.toml")
                    .display()
                    .to_string(),
                history
                    .join("russia-georgia.record.toml")
                    .display()
                    .to_string(),
            ),
        );
        p.display().to_string()
    };
    let problem = format!(
        "`rivalry.SRB-XKX.monitoring` is not a parameter of this scenario (in the scenario \
         `{georgia}` of case `russia-georgia`)"
    );
    let help = "= help: did you mean `rivalry.RUS-GEO.monitoring`?";
    let table = cal(
        "table.toml",
        "set = { \"rivalry.SRB-XKX.monitoring\" = 0.5 }",
    );
    let o = run(&["validate", &table]);
    refused(&o);
    assert_eq!(
        first_error(&stderr(&o)),
        format!("{table}:6:9: error: set.\"rivalry.SRB-XKX.monitoring\": {problem}")
    );
    stderr_says(&o, help);
    let plain = cal("plain.toml", "");
    let out = d.path().join("o");
    let o = run(&[
        "calibrate",
        &plain,
        "--out",
        out.to_str().unwrap(),
        "-q",
        "--set",
        "rivalry.SRB-XKX.monitoring=0.5",
    ]);
    refused(&o);
    assert_eq!(
        first_error(&stderr(&o)),
        format!("--set:1:1: error: rivalry.SRB-XKX.monitoring: {problem}")
    );
    stderr_says(&o, help);
    assert!(!out.join("posterior.csv").exists());
    // A calibrated path missing in one case: the same words (it named the case only).
    let param = cal("param.toml", "");
    let text = std::fs::read_to_string(&param)
        .unwrap()
        .replace(
            "path = \"model.war_cost\"",
            "path = \"rivalry.SRB-XKX.monitoring\"",
        )
        .replace("range = [0.1, 3.0]", "range = [0.1, 0.9]");
    std::fs::write(&param, text).unwrap();
    let o = run(&["validate", &param]);
    refused(&o);
    assert_eq!(
        first_error(&stderr(&o)),
        format!("{param}:8:8: error: parameter[0].path: {problem}")
    );
}

/// `deter calibrate --resume` with other fixed values (`--set`) is refused, and the message
/// names them among what differs (it named "another calibration file, seed or engine
/// version", none of which the user had changed).
#[test]
fn resume_with_other_fixed_values_names_them() {
    let d = tempfile::tempdir().unwrap();
    let history = common::root().join("scenarios/history");
    let file = write(
        d.path(),
        "c.toml",
        &format!(
            "seed = 5\nparticles = 20\nmax_generations = 2\npredictive_draws = 5\n\
             statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\"]\n\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
            history.join("serbia-kosovo.record.toml").display()
        ),
    );
    let out = d.path().join("o");
    let cal = |extra: &[&str]| {
        deter()
            .arg("calibrate")
            .arg(&file)
            .args(["--quiet", "--threads", "1", "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let o = cal(&["--set", "model.fait_accompli=1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = cal(&["--set", "model.fait_accompli=0.5", "--resume"]);
    let err = refused(&o);
    assert!(err.contains("--set"), "the fixed values not named:\n{err}");
}

/// The `--set:` warning blocks of a command's standard error (from the located line to its
/// help line).
fn set_warnings(stderr: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut block: Option<String> = None;
    for line in stderr.lines() {
        if line.starts_with("--set:") && line.contains(": warning: ") {
            block = Some(String::new());
        }
        if let Some(b) = block.as_mut() {
            b.push_str(line);
            b.push('\n');
            if line.trim_start().starts_with("= help:") {
                blocks.extend(block.take());
            }
        }
    }
    blocks
}

/// `deter calibrate --set model.restraint_cost=0.2` with the switch
/// `model.protector_restraint` 0 in every case said nothing, where `run`, `compare` and
/// `validate` with the same `--set` warn that the value changes nothing: the same warning,
/// once, in the same words; none when the switch is turned on by `--set` or drawn by a
/// `[[parameter]]` whose range reaches above 0.
#[test]
fn a_gated_key_fixed_by_set_while_its_switch_stays_0_is_warned_as_run_warns_it() {
    let d = tempfile::tempdir().unwrap();
    let file = calibration(d.path(), "c.toml", &bundled(), "");
    let set = "model.restraint_cost=0.2";
    let case = bundled().join(CASES[0].1);
    let o = run(&[
        "run",
        case.to_str().unwrap(),
        "--set",
        set,
        "--runs",
        "2",
        "-q",
    ]);
    let want = set_warnings(&stderr(&o));
    assert_eq!(want.len(), 1, "{}", stderr(&o));
    assert!(want[0].contains("changes nothing"), "{}", want[0]);
    let (code, err) = calibrate(&file, &d.path().join("a"), &["--set", set]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(set_warnings(&err), want, "{err}");
    // The switch on by --set too: the key is read, no warning.
    let (code, err) = calibrate(
        &file,
        &d.path().join("b"),
        &["--set", set, "--set", "model.protector_restraint=1"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(set_warnings(&err), Vec::<String>::new(), "{err}");
    // The switch drawn by a parameter reaching above 0: no warning.
    let drawn = calibration(
        d.path(),
        "drawn.toml",
        &bundled(),
        "[[parameter]]\npath = \"model.protector_restraint\"\nrange = [0.0, 2.0]\n",
    );
    let (code, err) = calibrate(&drawn, &d.path().join("c"), &["--set", set]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(set_warnings(&err), Vec::<String>::new(), "{err}");
}

/// A `[[parameter]]` on a `[model]` key read only under a switch (`model.restraint_cost`)
/// while the switch `model.protector_restraint` stays 0 in every case it applies to was
/// calibrated in silence (`deter validate` said "ok"): its draws changed nothing and its
/// posterior, its prior, was written as calibrated. It is warned at its `path`, once, in
/// `validate` and `calibrate`, as a prior, a sweep's parameter and a `--posterior` column on
/// such a key are; not when the file's `set`, `--set` or a parameter turns the switch on.
#[test]
fn a_parameter_on_a_gated_key_while_its_switch_stays_0_is_warned_at_its_path() {
    let d = tempfile::tempdir().unwrap();
    let gated = "[[parameter]]\npath = \"model.restraint_cost\"\nrange = [0.0, 1.0]\n";
    let words = "this parameter calibrates `model.restraint_cost`, which is read only when a \
                 protector can restrain its protégé: with `model.protector_restraint` 0";
    let warnings = |err: &str| -> Vec<String> {
        err.lines()
            .filter(|l| l.contains(": warning: ") && l.contains("restraint"))
            .map(String::from)
            .collect()
    };
    let file = calibration(d.path(), "c.toml", &bundled(), gated);
    let text = std::fs::read_to_string(&file).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l == "path = \"model.restraint_cost\"")
        .unwrap();
    let at = format!("{}:{line}:8: warning: parameter[0].path: ", file.display());
    let o = run(&["validate", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got = warnings(&stderr(&o));
    assert_eq!(got.len(), 1, "{}", stderr(&o));
    assert!(
        got[0].starts_with(&format!("{at}{words} in every case ")),
        "{}",
        got[0]
    );
    let (code, err) = calibrate(&file, &d.path().join("a"), &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(warnings(&err), got, "{err}");
    // A case parameter: said of its case.
    let case = calibration(
        d.path(),
        "case.toml",
        &bundled(),
        &gated.replace(
            "[[parameter]]\n",
            "[[parameter]]\ncase = \"serbia-kosovo\"\n",
        ),
    );
    let o = run(&["validate", case.to_str().unwrap()]);
    let got = warnings(&stderr(&o));
    assert_eq!(got.len(), 1, "{}", stderr(&o));
    assert!(
        got[0].contains(&format!("{words} in case `serbia-kosovo` ")),
        "{}",
        got[0]
    );
    // The switch on: by --set, by the file's `set`, drawn by a parameter reaching above 0.
    let (code, err) = calibrate(
        &file,
        &d.path().join("b"),
        &["--set", "model.protector_restraint=1"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(warnings(&err), Vec::<String>::new(), "{err}");
    for (name, extra) in [
        (
            "set.toml",
            format!("set = {{ \"model.protector_restraint\" = 1.0 }}\n{gated}"),
        ),
        (
            "drawn.toml",
            format!(
                "{gated}[[parameter]]\npath = \"model.protector_restraint\"\nrange = [0.0, 2.0]\n"
            ),
        ),
    ] {
        let f = calibration(d.path(), name, &bundled(), &extra);
        let o = run(&["validate", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(
            warnings(&stderr(&o)),
            Vec::<String>::new(),
            "{name}: {}",
            stderr(&o)
        );
    }
}
