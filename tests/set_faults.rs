//! What-ifs (`--set`) a user can be misled by: a value a dated policy of the scenario resets
//! later (warned, in the words a sweep uses for the same fault), a fault in `deter compare`
//! that does not say which scenario it is about, a run setting given as a parameter
//! (`--set scenario.runs=5`), and `-0` recorded as `-0.0`.

mod common;
use common::{deter, first_error, refused, refused_for, run, scenario, stderr, write};

const ENVOY: &str = "scenarios/shea-special-envoy.toml";
const PATH: &str = "rivalry.SRB-XKX.monitoring";

/// The words of a policy resetting a value given elsewhere, as a sweep varying the same
/// parameter of the same scenario says them (`deter validate SWEEP`): everything from the
/// policy's id to "overrides".
fn sweep_words() -> String {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "s.sweep.toml",
        &format!(
            "base = \"{}\"\nruns = 10\n[[parameter]]\npath = \"{PATH}\"\nrole = \"lever\"\nvalues = [0.2, 0.9]\n",
            scenario(ENVOY)
        ),
    );
    let o = run(&["validate", f.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("warning:") && l.contains("policy `special-envoy`"))
        .unwrap_or_else(|| panic!("the sweep warns: {err}"));
    let from = line.find("policy `special-envoy`").unwrap();
    let to = line.find("overrides").unwrap() + "overrides".len();
    line[from..to].to_string()
}

/// `--set` on a parameter the envoy policy sets from 2026-01 warns, with the policy, the path
/// and the month, in `run`, `compare` (`--set` on both sides, `--set-b` on B) and
/// `validate --set`, located at the path in the `--set` text; the run still runs (exit 0).
/// Disabling the policy in the same command, or setting a parameter no policy changes, says
/// nothing. (Before: silence, and a comparison of the value against itself from 2026-01 on.)
#[test]
fn set_on_a_parameter_a_policy_resets_warns_in_every_command() {
    let words = sweep_words();
    assert!(words.contains("from 2026-01"), "{words}");
    let set = format!("{PATH}=0.95");
    let cases: Vec<(Vec<&str>, &str, usize)> = vec![
        (vec!["run", ENVOY, "--runs", "5", "--set", &set], "--set", 1),
        (vec!["validate", ENVOY, "--set", &set], "--set", 1),
        (
            vec!["compare", ENVOY, ENVOY, "--runs", "5", "--set-b", &set],
            "--set-b (for B: scenarios/shea-special-envoy.toml)",
            1,
        ),
        // The same warning of both sides, said once as `--set` (the value both share).
        (
            vec!["compare", ENVOY, ENVOY, "--runs", "5", "--set", &set],
            "--set",
            1,
        ),
    ];
    for (args, origin, count) in cases {
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        let warned: Vec<&str> = err
            .lines()
            .filter(|l| l.contains(": warning: ") && l.contains(&words))
            .collect();
        assert_eq!(warned.len(), count, "{args:?}: {err}");
        assert!(
            warned[0].starts_with(&format!("{origin}:1:1: warning: {PATH}: ")),
            "{args:?}: {err}"
        );
        assert!(
            warned[0].ends_with("the value `--set` gives it")
                || warned[0].ends_with("the value `--set-b` gives it"),
            "{err}"
        );
        assert!(err.contains("policy.special-envoy.enabled=false"), "{err}");
    }
    for args in [
        vec![
            "run",
            ENVOY,
            "--runs",
            "5",
            "--set",
            &set,
            "--set",
            "policy.special-envoy.enabled=false",
        ],
        vec!["run", ENVOY, "--runs", "5", "--set", "model.war_cost=1"],
    ] {
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(!err.contains("warning"), "{args:?}: {err}");
    }
}

/// A `--set` path missing from one of the two scenarios of `deter compare` names the side
/// and the file, as `deter run` with several files names the file.
#[test]
fn compare_set_fault_names_the_scenario() {
    let o = run(&[
        "compare",
        ENVOY,
        "scenarios/western-balkans-2024.toml",
        "--runs",
        "5",
        "--set",
        "policy.special-envoy.enabled=1",
    ]);
    let err = refused(&o);
    assert!(
        err.contains(
            "--set (for B: scenarios/western-balkans-2024.toml):1:1: error: policy.special-envoy.enabled: `policy.special-envoy.enabled` is not a parameter of this scenario"
        ),
        "{err}"
    );
    assert!(!err.contains("(for A:"), "{err}");
}

/// A run setting given as a parameter gets the flag that sets it; a path that is neither
/// gets no such hint.
#[test]
fn set_of_a_run_setting_names_its_flag() {
    for (path, flag) in [
        ("scenario.runs=5", "--runs 5"),
        ("runs=5", "--runs 5"),
        ("scenario.seed=7", "--seed 7"),
        ("scenario.horizon_years=3", "--horizon-years 3"),
    ] {
        let o = run(&["run", ENVOY, "--runs", "5", "--set", path]);
        let err = refused(&o);
        assert!(err.contains("is not a parameter of this scenario"), "{err}");
        assert!(
            err.contains(&format!(
                "is a setting of the run, not a parameter of the scenario: give `{flag}`"
            )),
            "{err}"
        );
    }
    let o = run(&["run", ENVOY, "--runs", "5", "--set", "meta.runs=5"]);
    assert!(!stderr(&o).contains("setting of the run"), "{}", stderr(&o));
}

/// `--set PATH=-0` is recorded as 0 in the report's overrides, not `-0.0`.
#[test]
fn minus_zero_is_recorded_as_zero() {
    let o = deter()
        .args([
            "run",
            ENVOY,
            "--runs",
            "5",
            "--format",
            "json",
            "--set",
            "country.XKX.military.budget=-0",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ov = &v["overrides"][0];
    assert_eq!(ov["path"], "country.XKX.military.budget");
    let text = serde_json::to_string(&ov["value"]).unwrap();
    assert_eq!(text, "0.0", "{ov}");
}

/// A file of another kind than the command reads is said to be what it is, with the command
/// that reads it, instead of the reader's list of unknown keys (`deter calibrate SCENARIO`
/// listed `alliance`, `country`, ... in alphabetical order); deter's own CSV and JSON output
/// given to `validate` is said to be that, not a "TOML syntax error".
#[test]
fn a_file_of_another_kind_is_named_with_the_command_that_reads_it() {
    let wb = "scenarios/western-balkans-2024.toml";
    let sw = "scenarios/sweeps/proposals-x-futures.toml";
    for (args, file, is, wanted) in [
        (
            vec!["calibrate", wb],
            wb,
            "scenario",
            "`deter calibrate` takes a calibration file (docs/CALIBRATION.md)",
        ),
        (
            vec!["sweep", wb, "--out", "never.csv"],
            wb,
            "scenario",
            "`deter sweep` takes a sweep file (docs/SWEEPS.md)",
        ),
        (
            vec!["run", sw],
            sw,
            "sweep",
            "`deter run` takes a scenario file (docs/SCENARIO.md)",
        ),
        (
            vec!["compare", wb, sw],
            sw,
            "sweep",
            "`deter compare` takes a scenario file (docs/SCENARIO.md)",
        ),
    ] {
        let o = run(&args);
        let err = refused_for(&o, format_args!("{args:?}"));
        assert!(
            err.starts_with(&format!("{file}: error: this is a {is} file; {wanted}\n")),
            "{args:?}: {err}"
        );
        assert!(!err.contains("unknown key"), "{err}");
    }
    let d = tempfile::tempdir().unwrap();
    for (format, what) in [
        ("csv", "this is deter's CSV output (`--format csv`)"),
        ("json", "this is deter's JSON output (`--format json`)"),
    ] {
        let out = d.path().join(format!("r.{format}"));
        let o = run(&[
            "run",
            wb,
            "--runs",
            "5",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let o = run(&["validate", out.to_str().unwrap()]);
        let err = refused(&o);
        assert!(err.contains(&format!(": error: {what}")), "{err}");
        assert!(!err.contains("TOML syntax error"), "{err}");
    }
}

/// Several unknown keys are listed in the file's order, not by name (a calibration file's
/// `zulu` then `alpha` were listed `alpha` first).
#[test]
fn unknown_keys_are_listed_in_file_order() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "c.toml", "zulu = 1\nalpha = 2\nparticles = 10\n");
    let o = run(&["validate", f.to_str().unwrap()]);
    let err = stderr(&o);
    let z = err.find("unknown key `zulu`").expect(&err);
    let a = err.find("unknown key `alpha`").expect(&err);
    assert!(z < a, "{err}");
}

/// CSV cells are written exactly (docs/OUTPUT.md): a scenario named like a spreadsheet
/// formula is CSV-quoted, not prefixed, in `run` and `compare` outputs, so a CSV reader gets
/// the name back as it is in the file.
#[test]
fn a_formula_like_name_is_written_exactly_in_csv() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    let name = "=HYPERLINK(\"http://x\")";
    let line = text
        .lines()
        .find(|l| l.starts_with("name = "))
        .unwrap()
        .to_string();
    let f = write(
        d.path(),
        "h.toml",
        &text.replacen(&line, "name = \"=HYPERLINK(\\\"http://x\\\")\"", 1),
    );
    let fs = f.to_str().unwrap();
    for args in [
        vec!["run", fs, "--runs", "5", "--format", "csv"],
        vec!["compare", fs, fs, "--runs", "5", "--format", "csv"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = String::from_utf8(o.stdout).unwrap();
        let row = out.lines().nth(1).unwrap();
        // The second cell, unquoted by CSV's rule ("" is one ").
        let cell = row.split_once(",\"").unwrap().1;
        let cell = cell.split("\",").next().unwrap().replace("\"\"", "\"");
        assert!(cell == name || cell.ends_with(name), "{args:?}: {row}");
        assert!(!row.contains("'="), "{row}");
    }
}

/// A policy whose id repeats an earlier one's is reported for that and for its own faults (a
/// misspelt path in it went unreported: the policy was skipped once its id was refused).
#[test]
fn a_duplicated_policy_id_does_not_hide_the_policys_own_faults() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    let f = write(
        d.path(),
        "dup.toml",
        &format!(
            "{text}\n[[policy]]\nid = \"twice\"\nstart = \"2026-01\"\nchanges = [{{ path = \"rivalry.SRB-XKX.monitoring\", set = 0.7 }}]\n\n\
             [[policy]]\nid = \"twice\"\nstart = \"2026-01\"\nchanges = [{{ path = \"rivalry.SRB-XKX.monitorin\", set = 0.7 }}]\n"
        ),
    );
    let o = run(&["validate", f.to_str().unwrap()]);
    let err = refused(&o);
    assert!(err.contains("duplicate id `twice`"), "{err}");
    assert!(err.contains("rivalry.SRB-XKX.monitorin"), "{err}");
    assert!(err.contains("2 errors found"), "{err}");
}

/// A value out of range in `--set` is quoted as written, in the words the same literal gets in
/// a policy change of a scenario file: `1e308` was printed as its 309 digits, `1e5` as 100000.
#[test]
fn an_out_of_range_set_value_is_quoted_as_written() {
    let d = tempfile::tempdir().unwrap();
    let overlay = d.path().join("o.toml");
    let path = "country.SRB.military.budget";
    for literal in ["1e308", "2e5", "-1.50"] {
        std::fs::write(
            &overlay,
            format!(
                "extends = \"{}\"\n[[policy]]\nid = \"x\"\nstart = \"2026-01\"\nchanges = [{{ path = \"{path}\", set = {literal} }}]\n",
                scenario("scenarios/western-balkans-2024.toml")
            ),
        )
        .unwrap();
        let file = run(&["validate", overlay.to_str().unwrap()]);
        let file_err = first_error(&stderr(&file));
        assert_eq!(file.status.code(), Some(2), "{file_err}");
        let set = format!("{path}={literal}");
        let o = run(&["run", ENVOY, "--runs", "5", "--set", &set]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        let words = format!("expected a number in [0, 1e5] (currency unit/yr), found {literal}");
        assert!(file_err.ends_with(&words), "{file_err}");
        assert_eq!(
            first_error(&err),
            format!("--set:1:29: error: {path}: {words}"),
            "{err}"
        );
        assert!(err.contains(&format!("= help: `{path}`: ")), "{err}");
    }
}

/// `deter bench FILE` names a file of another kind as `run` does (it said "missing the
/// [scenario] table" and "no countries" for a sweep file), and every command that reads a
/// scenario or sweep file names deter's own output given in its place (a run's CSV or JSON, a
/// partial file, a sweep's results) as `deter validate` does, not as a "TOML syntax error".
#[test]
fn bench_and_every_reader_name_a_file_of_another_kind() {
    let wb = "scenarios/western-balkans-2024.toml";
    let sw = "scenarios/sweeps/kosovo-budget-x-nato.toml";
    let o = run(&["bench", sw, "--runs", "5", "--repeat", "1"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with(&format!(
            "{sw}: error: this is a sweep file; `deter bench` takes a scenario file (docs/SCENARIO.md)\n"
        )),
        "{err}"
    );
    let d = tempfile::tempdir().unwrap();
    let p = |name: &str| d.path().join(name).to_str().unwrap().to_string();
    let (csv, json, part, results) = (p("r.csv"), p("r.json"), p("part-0.json"), p("g.csv"));
    for args in [
        vec!["run", wb, "--runs", "5", "--no-attribution", "--out", &csv],
        vec!["run", wb, "--runs", "5", "--no-attribution", "--out", &json],
        vec!["run", wb, "--runs", "5", "--shard", "0/2", "--out", &part],
        vec!["sweep", sw, "--runs", "5", "--out", &results],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    for (file, what) in [
        (&csv, "this is deter's CSV output (`--format csv`)"),
        (&json, "this is deter's JSON output (`--format json`)"),
        (
            &part,
            "this is a partial file (a shard's or a stopped run's)",
        ),
        (&results, "this is a sweep's results file"),
    ] {
        for (args, wanted) in [
            (
                vec!["run", file.as_str(), "--runs", "5"],
                "`deter run` takes a scenario file",
            ),
            (
                vec!["compare", wb, file.as_str(), "--runs", "5"],
                "`deter compare` takes a scenario file",
            ),
            (
                vec!["bench", file.as_str(), "--runs", "5"],
                "`deter bench` takes a scenario file",
            ),
            (
                vec!["sweep", file.as_str()],
                "`deter sweep` takes a sweep file",
            ),
        ] {
            let o = run(&args);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.starts_with(&format!("{file}: error: {what}")),
                "{args:?}: {err}"
            );
            assert!(err.contains(wanted), "{args:?}: {err}");
            assert!(!err.contains("TOML syntax error"), "{args:?}: {err}");
        }
    }
}

/// A path given twice to `--set`: the later value holds (the run equals one with that value
/// alone, but for the record of overrides), and the later text is warned about, naming the
/// first, in `run`, `compare` and `validate --set`. It was taken in silence.
#[test]
fn a_path_set_twice_is_warned_and_the_later_value_holds() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let base = base.as_str();
    let first = format!("{PATH}=0.2");
    let later = format!("{PATH}=0.9");
    let twice = run(&[
        "run", base, "--runs", "200", "--format", "json", "--set", &first, "--set", &later,
    ]);
    let err = stderr(&twice);
    assert_eq!(twice.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!("warning: {PATH}: set twice (first as `{first}`)")),
        "{err}"
    );
    let once = run(&[
        "run", base, "--runs", "200", "--format", "json", "--set", &later,
    ]);
    assert_eq!(stderr(&once), "");
    let outcomes =
        |o: &std::process::Output| common::json_without_timing(&o.stdout)["outcomes"].clone();
    assert!(outcomes(&once).is_object());
    assert_eq!(outcomes(&twice), outcomes(&once));
    for args in [
        vec!["compare", base, base, "--runs", "20", "--no-attribution"],
        vec!["validate", base],
    ] {
        let mut args = args;
        args.extend(["--set", &first, "--set", &later]);
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            err.contains(&format!("{PATH}: set twice")),
            "{args:?}: {err}"
        );
    }
}

/// A path set twice is recorded with the value the file had, in every format: the table's
/// "(file: X)" and JSON's `replaced` named the first `--set`'s value for the later one
/// (`model.war_cost = 0.9 (file: 0.2)`, a value no file held), while the CSV's `replaced`
/// gave the file's. The table lists the path once, at the value the runs used (it listed
/// both settings); the JSON and CSV keep each.
#[test]
fn a_path_set_twice_is_recorded_with_the_files_value_in_every_format() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let base = base.as_str();
    let first = format!("{PATH}=0.2");
    let later = format!("{PATH}=0.9");
    let args = |format: &'static str| {
        vec![
            "run".to_string(),
            base.to_string(),
            "--runs".into(),
            "20".into(),
            "--no-attribution".into(),
            "--format".into(),
            format.into(),
            "--set".into(),
            first.clone(),
            "--set".into(),
            later.clone(),
        ]
    };
    let out = |format: &'static str| {
        let a = args(format);
        let o = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let table = out("table");
    assert!(
        table.contains(&format!("What-ifs (--set): {PATH} = 0.9 (file: 0.4)\n")),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&out("json")).unwrap();
    assert_eq!(
        json["overrides"],
        serde_json::json!([
            {"path": PATH, "value": 0.2, "replaced": 0.4},
            {"path": PATH, "value": 0.9, "replaced": 0.4},
        ])
    );
    let csv = out("csv");
    let rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(&format!(",set_{PATH},")))
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].ends_with(&format!("scenario,set_{PATH},value,0.9")),
        "{csv}"
    );
    assert!(
        rows[1].ends_with(&format!("scenario,set_{PATH},replaced,0.4")),
        "{csv}"
    );
    // compare's B, with `--set` and `--set-b` on one path.
    let o = run(&[
        "compare",
        base,
        base,
        "--runs",
        "10",
        "--no-attribution",
        "--set",
        &first,
        "--set-b",
        &later,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains(&format!(
            "B what-ifs (--set, --set-b): {PATH} = 0.9 (file: 0.4)\n"
        )),
        "{out}"
    );
}

/// The rest of deter's own output given in place of an input file is named too, in every
/// reader and in `deter validate`: a run of two files' JSON (an array), the per-run rows, a
/// sweep's record, `deter robust`'s table and a page deter wrote were each a "TOML syntax
/// error" at their first line.
#[test]
fn every_file_deter_writes_is_named_when_given_as_input() {
    let wb = "scenarios/western-balkans-2024.toml";
    let envoy = "scenarios/shea-special-envoy.toml";
    let d = tempfile::tempdir().unwrap();
    let p = |name: &str| d.path().join(name).to_str().unwrap().to_string();
    let (two, rows, lxf) = (p("two.json"), p("rows.csv"), p("lxf.csv"));
    let sweep = write(
        d.path(),
        "lxf.toml",
        &format!(
            "base = {:?}\nruns = 5\ndesign = \"random\"\npoints = 2\n\
             [[policy]]\nid = \"baseline\"\n[[policy]]\nid = \"envoy\"\nfile = {:?}\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.5, 1.0]\n",
            common::root().join(wb),
            common::root().join(envoy)
        ),
    );
    let sweep = sweep.to_str().unwrap();
    for args in [
        vec![
            "run",
            wb,
            envoy,
            "--runs",
            "5",
            "--no-attribution",
            "--out",
            &two,
        ],
        vec![
            "run",
            wb,
            "--runs",
            "5",
            "--no-attribution",
            "--per-run",
            &rows,
        ],
        vec!["sweep", sweep, "--out", &lxf],
        vec!["robust", &lxf, "--report", &p("lxf.html")],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    for (file, what) in [
        (two.clone(), "this is deter's JSON output (`--format json`)"),
        (rows.clone(), "this is deter's per-run file (`--per-run`)"),
        (
            p("lxf.csv.sweep"),
            "this is a sweep's record (`RESULTS.sweep`",
        ),
        (
            p("lxf.robustness.csv"),
            "this is the table of `deter robust`",
        ),
        (p("lxf.html"), "this is a page deter wrote (`--report`)"),
    ] {
        for (args, wanted) in [
            (
                vec!["run", file.as_str(), "--runs", "5"],
                "`deter run` takes a scenario file",
            ),
            (
                vec!["compare", wb, file.as_str()],
                "`deter compare` takes a scenario file",
            ),
            (
                vec!["sweep", file.as_str()],
                "`deter sweep` takes a sweep file",
            ),
            (
                vec!["calibrate", file.as_str()],
                "`deter calibrate` takes a calibration file",
            ),
            (
                vec!["validate", file.as_str()],
                "`deter validate` checks TOML input files",
            ),
        ] {
            let o = run(&args);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.starts_with(&format!("{file}: error: {what}")),
                "{args:?}: {err}"
            );
            assert!(err.contains(wanted), "{args:?}: {err}");
            assert!(!err.contains("TOML syntax error"), "{args:?}: {err}");
        }
    }
}

/// `--set =0.7` (a value with no path) said "--set:1:1: error: `` is not a parameter of this
/// scenario", with no help, in `run`, `validate` and `compare` (`--set-b`): the parse's own
/// "expected PATH=VALUE" was replaced by the unknown-path message of an empty path. It now
/// says what was expected, with the example, in every command.
#[test]
fn a_set_without_a_path_says_what_was_expected_in_every_command() {
    let base = scenario(ENVOY);
    for (flag, args) in [
        ("--set", vec!["validate", base.as_str(), "--set", "=0.7"]),
        (
            "--set",
            vec!["run", base.as_str(), "--runs", "10", "--set", "=0.7"],
        ),
        (
            "--set-b",
            vec![
                "compare",
                base.as_str(),
                base.as_str(),
                "--runs",
                "10",
                "--set-b",
                " =0.7",
            ],
        ),
    ] {
        let o = run(&args);
        let e = refused_for(&o, format_args!("{args:?}"));
        assert!(!e.contains("is not a parameter"), "{args:?}: {e}");
        let first = e.lines().next().unwrap_or_default();
        assert!(first.starts_with(flag), "{args:?}: {e}");
        assert!(
            first.ends_with(&format!(
                ":1:1: error: expected PATH=VALUE, found `{}`",
                args.last().unwrap()
            )),
            "{args:?}: {e}"
        );
        assert!(
            e.contains("help: for example --set rivalry.SRB-XKX.monitoring=0.7"),
            "{args:?}: {e}"
        );
    }
}

/// A policy that `scale`s or `add`s to a parameter acts on the value given to it (`--set`, a
/// sweep's values, a prior's draws): the warning says so, in the same words in every command
/// and file kind, and never that the policy overrides it; a `set` policy still overrides.
/// (Before: "from then on it overrides the value `--set` gives it" for every kind.)
#[test]
fn a_policy_that_scales_or_adds_acts_on_the_value_given() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("tests/warn/sweep-base.toml");
    let s = write(
        d.path(),
        "s.toml",
        &format!(
            "extends = \"{base}\"\n\n[[policy]]\nid = \"arm\"\nstart = \"2026-01\"\nchanges = \
             [{{ path = \"country.AAA.military.budget\", scale = 3.0 }}, \
             {{ path = \"country.BBB.military.budget\", add = 0.5 }}]\n"
        ),
    );
    let s = s.to_str().unwrap();
    let sweep = write(
        d.path(),
        "s.sweep.toml",
        &format!(
            "base = \"{s}\"\nruns = 10\n[[parameter]]\npath = \"country.AAA.military.budget\"\n\
             role = \"lever\"\nvalues = [1.0, 2.0]\n[[parameter]]\npath = \
             \"country.BBB.military.budget\"\nrole = \"lever\"\nvalues = [1.0, 2.0]\n"
        ),
    );
    let prior = write(
        d.path(),
        "p.toml",
        &format!(
            "extends = \"{s}\"\n\n[[uncertain]]\npath = \"country.AAA.military.budget\"\n\
             range = [1.0, 2.0]\n"
        ),
    );
    let scale =
        "policy `arm` changes `country.AAA.military.budget` from 2026-01: from then on it scales";
    let add = "policy `arm` changes `country.BBB.military.budget` from 2026-01: from then on it adds 0.5 to";
    let cases: Vec<(Vec<&str>, Vec<String>)> = vec![
        (
            vec![
                "validate",
                s,
                "--set",
                "country.AAA.military.budget=2",
                "--set",
                "country.BBB.military.budget=2",
            ],
            vec![
                format!("{scale} the value `--set` gives it by 3"),
                format!("{add} the value `--set` gives it"),
            ],
        ),
        (
            vec!["validate", sweep.to_str().unwrap()],
            vec![
                format!("{scale} the values this sweep gives it by 3"),
                format!("{add} the values this sweep gives it"),
            ],
        ),
        (
            vec!["validate", prior.to_str().unwrap()],
            vec![format!("{scale} the values this prior draws by 3")],
        ),
    ];
    for (args, want) in cases {
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        for w in &want {
            assert!(err.contains(w.as_str()), "{args:?}: want {w}: {err}");
        }
        assert!(!err.contains("overrides"), "{args:?}: {err}");
        assert!(
            err.contains("the value given still counts"),
            "{args:?}: {err}"
        );
    }
    // A `set` policy still overrides.
    let o = run(&["validate", &base, "--set", "rivalry.AAA-BBB.monitoring=0.2"]);
    let err = stderr(&o);
    assert!(
        err.contains("from 2027-01: from then on it overrides the value `--set` gives it"),
        "{err}"
    );
}

/// A path that stops at an entity (`rivalry.SRB-XKX`, `country.SRB.military`) got the
/// closest path as its did-you-mean, any key of it (`rivalry.SRB-XKX.trade`); a key of the
/// `[scenario]` table (`scenario.name`) or a word that is no path (`rivalry`) got no help at
/// all. They say what they name and the keys that follow, or the forms of a parameter path,
/// in the same words from `--set`, a policy's change and a sweep's parameter.
#[test]
fn a_path_that_stops_at_an_entity_or_names_a_scenario_key_says_what_can_be_set() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let forms = "a parameter path is `model.KEY`, `country.ID.military.KEY`";
    for (path, message, help) in [
        (
            "rivalry.SRB-XKX",
            "`rivalry.SRB-XKX` is not a parameter of this scenario: it names rivalry `SRB-XKX`, \
             not one of its parameters (`rivalry.SRB-XKX.KEY`)",
            "give one of its keys, `rivalry.SRB-XKX.KEY`; KEY: stakes, dissatisfaction, tension, \
             baseline_tension,",
        ),
        (
            "country.SRB.military",
            "`country.SRB.military` is not a parameter of this scenario: it names the `military` \
             block of country `SRB`, not one of its parameters (`country.SRB.military.KEY`)",
            "give one of its keys, `country.SRB.military.KEY`; KEY: budget, budget_share,",
        ),
        (
            "scenario.name",
            "`scenario.name` is not a parameter of this scenario: `name` is a key of the \
             [scenario] table, not a parameter",
            "write `name` in the scenario file's [scenario] table (or in an overlay that \
             `extends` it); a parameter path is",
        ),
        (
            "rivalry",
            "`rivalry` is not a parameter of this scenario",
            forms,
        ),
        // A misspelt entity: the closest entity and its keys, not a key of some entity (it
        // was "did you mean `rivalry.SRB-XKX.trade`?").
        (
            "rivalry.SRB-XKV",
            "`rivalry.SRB-XKV` is not a parameter of this scenario: there is no rivalry \
             `SRB-XKV`, and a path that stops at a rivalry names no parameter",
            "did you mean rivalry `SRB-XKX`? give one of its keys, `rivalry.SRB-XKX.KEY`; KEY: \
             stakes, dissatisfaction,",
        ),
        (
            "country.SRX",
            "`country.SRX` is not a parameter of this scenario: there is no country `SRX`, and \
             a path that stops at a country names no parameter",
            "did you mean country `SRB`? give one of its keys, `country.SRB.KEY`; KEY: \
             military.KEY, political.KEY,",
        ),
    ] {
        let set = stderr(&run(&["validate", &base, "--set", &format!("{path}=0.5")]));
        let policy = write(
            d.path(),
            "p.toml",
            &format!(
                "extends = {base:?}\n[[policy]]\nid = \"x\"\nstart = \"2026-01\"\n\
                 changes = [{{ path = \"{path}\", set = 0.5 }}]\n"
            ),
        );
        let policy = stderr(&run(&["validate", policy.to_str().unwrap()]));
        let sweep = write(
            d.path(),
            "s.toml",
            &format!(
                "base = {base:?}\nruns = 10\n[[parameter]]\npath = \"{path}\"\nrole = \"lever\"\n\
                 values = [0, 1]\n"
            ),
        );
        let sweep = stderr(&run(&["validate", sweep.to_str().unwrap()]));
        for (who, err, key) in [
            ("--set", &set, path.to_string()),
            ("policy", &policy, "policy[0].changes[0].path".into()),
            ("sweep", &sweep, "parameter[0].path".into()),
        ] {
            assert!(
                err.contains(&format!("error: {key}: {message}\n")),
                "{who}: {err}"
            );
            assert!(err.contains(&format!("= help: {help}")), "{who}: {err}");
            // No path suggested: the help names an entity, not a path (`did you mean \`...`).
            assert!(!err.contains("did you mean `"), "{who}: {err}");
        }
    }
}
