//! Faults of warnings and help lines (warn8): a warning checked against the horizon the
//! command actually runs, a did-you-mean given as a help line, a type fault with an example.
//! Expected words are taken from the command or file kind that already gets them right.

mod common;
use common::{run, stderr};

/// Levers x futures results (two policies, eight futures of one input `u`), written to `dir`.
fn lxf_results(dir: &std::path::Path) -> String {
    let mut t = String::from("point,policy,future,u,runs,use_of_force_p\n");
    let mut k = 0;
    for p in ["baseline", "combined"] {
        for f in 0..8u32 {
            let y = if f > 3 { 0.3 } else { 0.05 };
            t.push_str(&format!("{k},{p},{f},{},100,{y}\n", f64::from(f) / 8.0));
            k += 1;
        }
    }
    let path = dir.join("whole.csv");
    std::fs::write(&path, t).unwrap();
    path.display().to_string()
}

/// `deter discover --outcome use_of_forc` said "...; did you mean `use_of_force`?;
/// outcomes: ..." inside one line. The did-you-mean is a help line, located in the flag's
/// value, as `deter run --set` gives its own (the reference, run here); the same for
/// `--where`, `--policy` and `--inputs`.
#[test]
fn discovers_did_you_mean_is_a_help_line_as_every_commands() {
    let reference = run(&[
        "run",
        "tests/warn/sweep-base.toml",
        "--runs",
        "10",
        "--set",
        "model.war_cots=1",
    ]);
    assert_eq!(reference.status.code(), Some(2));
    let r = stderr(&reference);
    assert!(r.starts_with("--set:1:1: error: "), "{r}");
    assert!(
        r.contains("\n  = help: did you mean `model.war_cost`?\n"),
        "{r}"
    );
    assert!(r.ends_with("1 error found\n"), "{r}");
    let d = tempfile::tempdir().unwrap();
    let results = lxf_results(d.path());
    let cases: [(&[&str], &str, &str, &str); 4] = [
        (
            &[
                "--policy",
                "combined",
                "--outcome",
                "use_of_forc",
                "--above",
                "0.1",
            ],
            "--outcome:1:1: error: `use_of_forc` is not an outcome of this results file; \
             outcomes: `use_of_force`, `regret_OUTCOME`, any column after `runs`",
            "1 | use_of_forc\n  | ^^^^^^^^^^^",
            "use_of_force",
        ),
        (
            &["--where", "use_of_forc > 0.1"],
            "--where:1:1: error: `use_of_forc` is not an outcome of this results file; \
             outcomes: `use_of_force`, `regret_OUTCOME`, any column after `runs`",
            "1 | use_of_forc > 0.1\n  | ^^^^^^^^^^^\n",
            "use_of_force",
        ),
        (
            &[
                "--policy",
                "combnied",
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
            ],
            "--policy:1:1: error: `combnied` is not a policy of these results",
            "1 | combnied\n  | ^^^^^^^^",
            "combined",
        ),
        (
            &[
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
                "--inputs",
                "uu",
            ],
            "--inputs:1:1: error: `uu` is not a parameter column of these results",
            "1 | uu\n  | ^^",
            "u",
        ),
    ];
    for (args, first, excerpt, meant) in cases {
        let mut all = vec!["discover", results.as_str()];
        all.extend_from_slice(args);
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(
            err.lines().next().unwrap(),
            format!("{first} (in `{results}`)"),
            "{args:?}"
        );
        assert!(!err.contains("; did you mean"), "{err}");
        assert!(err.contains(excerpt), "{args:?}: {err}");
        assert!(
            err.contains(&format!("\n  = help: did you mean `{meant}`?\n")),
            "{args:?}: {err}"
        );
        assert!(err.ends_with("1 error found\n"), "{err}");
        assert!(o.stdout.is_empty());
    }
}

/// scenarios/history/calibrate.toml with its cases' paths absolute and the line starting
/// with `key = ` replaced by `line`, written to `dir/name`.
fn calibration_with(dir: &std::path::Path, name: &str, key: &str, line: &str) -> String {
    let history = common::root().join("scenarios/history");
    let text = std::fs::read_to_string(history.join("calibrate.toml")).unwrap();
    let mut out = String::new();
    let mut replaced = false;
    for l in text.lines() {
        if l.starts_with(&format!("{key} = ")) {
            out.push_str(line);
            replaced = true;
        } else if l.trim_start().starts_with('"') && l.contains(".record.toml") {
            let rel = l.trim().trim_end_matches(',').trim_matches('"');
            out.push_str(&format!(
                "    {:?},",
                history.join(rel).display().to_string()
            ));
        } else {
            out.push_str(l);
        }
        out.push('\n');
    }
    assert!(replaced, "no `{key} = ` line");
    let p = dir.join(name);
    std::fs::write(&p, out).unwrap();
    p.display().to_string()
}

/// `[observation] detect = 0.8` said "expected a table, found float" with no example: it
/// gets the help line of a missing required key ("e.g. KEY = EXAMPLE"), showing the table
/// form; the example, put in place of the bare number, is a valid calibration. The same for
/// `alternative`.
#[test]
fn a_bare_number_for_an_observation_table_shows_the_table_form() {
    let d = tempfile::tempdir().unwrap();
    for (key, bare) in [("detect", "0.8"), ("alternative", "0.25")] {
        let bad = calibration_with(d.path(), "bad.toml", key, &format!("{key} = {bare}"));
        for args in [
            vec!["validate", bad.as_str()],
            vec!["calibrate", bad.as_str()],
        ] {
            let o = run(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            let err = stderr(&o);
            assert!(
                err.contains(&format!(
                    ": error: observation.{key}: expected a table, found float\n"
                )),
                "{err}"
            );
            let help = err
                .lines()
                .find_map(|l| l.trim().strip_prefix("= help: "))
                .unwrap_or_else(|| panic!("no help line: {err}"));
            let example = help
                .strip_prefix(&format!("e.g. {key} = {{"))
                .unwrap_or_else(|| panic!("not the table form: {help}"));
            assert!(example.ends_with('}'), "{help}");
            // The example as the file's line: a valid calibration.
            let good = calibration_with(
                d.path(),
                "good.toml",
                key,
                help.strip_prefix("e.g. ").unwrap(),
            );
            let o = run(&["validate", &good]);
            assert_eq!(o.status.code(), Some(0), "{help}: {}", stderr(&o));
        }
    }
}
