//! One TOML input core for every file kind: integers read exactly, the same fault gets the
//! same message in a scenario file and in a sweep file.
//!
//! Extending: a new file kind adds a `write_*` function here and joins
//! `the_same_fault_gets_the_same_message_in_scenario_and_sweep_files` (calibration and record
//! files join it in `calibration_and_record_files_give_the_same_messages_as_scenario_files`),
//! and its own fault classes go in a table like `every_fault_class_of_a_calibration_file_...`.

use std::path::Path;

use super::{root, run, stderr, tempdir};

/// A valid scenario whose line 3 is `line3`.
fn scenario_with_line3(line3: &[u8]) -> Vec<u8> {
    let mut s = b"[scenario]\nname = \"t\"\n".to_vec();
    s.extend_from_slice(line3);
    s.extend_from_slice(
        b"\nruns = 20\n[[country]]\nid = \"A\"\n[country.military]\nbudget = 1\n[country.economic]\ngdp = 20\n\
          [[country]]\nid = \"B\"\n[country.military]\nbudget = 3\n[country.economic]\ngdp = 40\n\
          [[rivalry]]\nchallenger = \"B\"\ntarget = \"A\"\nopportunity_rate = 2.0\n",
    );
    s
}

/// A valid sweep whose line 3 is `line3`.
fn sweep_with_line3(line3: &[u8]) -> Vec<u8> {
    let base = root().join("scenarios/western-balkans-2024.toml");
    let mut s = format!("base = \"{}\"\nruns = 5\n", base.display()).into_bytes();
    s.extend_from_slice(line3);
    s.extend_from_slice(
        b"\n[[parameter]]\npath = \"deployment.KFOR.reliability\"\nrole = \"uncertainty\"\nvalues = [0.5]\n",
    );
    s
}

/// The messages of `deter validate` (scenario) or `deter sweep` (sweep) on `bytes`, with the
/// file name, the file kind and the scenario table's key prefix taken out.
fn messages(dir: &Path, kind: &str, bytes: &[u8]) -> String {
    let file = dir.join(format!("{kind}.toml"));
    std::fs::write(&file, bytes).unwrap();
    let shown = file.display().to_string();
    let out = match kind {
        "scenario" | "record" => run(&["validate", &shown]),
        "calibration" => run(&[
            "calibrate",
            &shown,
            "--quiet",
            "--out",
            &dir.join("calibration-out").display().to_string(),
        ]),
        _ => run(&[
            "sweep",
            &shown,
            "--out",
            &dir.join("out.csv").display().to_string(),
        ]),
    };
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{kind}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err.replace(&shown, "FILE")
        .replace("error: scenario.", "error: ")
        .replace("error: case.", "error: ")
        .replace(&format!("{kind} file"), "KIND file")
}

#[test]
fn the_same_fault_gets_the_same_message_in_scenario_and_sweep_files() {
    let dir = tempdir();
    // Line 3 of both files: a key both kinds have (`seed`) given a faulty value, or a
    // fault of the file itself.
    let faults: &[&[u8]] = &[
        b"seed = 1e400",
        b"seed = 9223372036854775808",
        b"seed = 99999999999999999999999999999999999999999999",
        b"seed = -1",
        b"seed = \"7\"",
        b"seed = nan",
        b"seed = 7.5",
        b"seed = 7 x",
        b"seed = 7\nseed = 8",
        b"sed = 7",
        b"seed = \"\xe9t\xe9\"",
        b"seed = 7 # \x00",
        b"seed = \"\xe5\x90\x8d\xe5\x89\x8d\" x",
    ];
    for fault in faults {
        let a = messages(dir.path(), "scenario", &scenario_with_line3(fault));
        let b = messages(dir.path(), "sweep", &sweep_with_line3(fault));
        assert_eq!(a, b, "fault {:?}", String::from_utf8_lossy(fault));
        assert!(
            a.starts_with("FILE:3:") || a.starts_with("FILE:4:") || a.starts_with("FILE: error"),
            "{a}"
        );
    }
    // File-level faults: UTF-16 and an empty file.
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain("seed = 1\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    for bytes in [utf16, Vec::new(), b"# nothing\n".to_vec()] {
        let a = messages(dir.path(), "scenario", &bytes);
        let b = messages(dir.path(), "sweep", &bytes);
        // The empty-file hint names what a minimal file of each kind holds.
        let cut = |s: &str| s.split(" needs at least").next().unwrap().to_string();
        assert_eq!(cut(&a), cut(&b));
    }
}

/// A word (letters, digits, `_`, `-`) of more than 120 characters as a diagnostic's header
/// shows it: its first 60 and last 40 characters around `...`.
fn cut_in_the_middle(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let head: String = chars[..60].iter().collect();
    let tail: String = chars[chars.len() - 40..].iter().collect();
    format!("{head}...{tail}")
}

/// A key of 100,000 characters: the header line printed it whole twice (in the key path and
/// in the message), 200 KB of standard error, while the excerpt under it was cut. It is cut
/// in the header as in the excerpt, with the same message in a scenario file and a sweep
/// file, and in `--set` (whose path `model.KEY` keeps `model.` before the cut key).
#[test]
fn a_huge_key_is_cut_in_the_message_as_in_the_excerpt() {
    let dir = tempdir();
    let key = format!("k{}z", "x".repeat(100_000));
    let line3 = format!("{key} = 7");
    let a = messages(
        dir.path(),
        "scenario",
        &scenario_with_line3(line3.as_bytes()),
    );
    let b = messages(dir.path(), "sweep", &sweep_with_line3(line3.as_bytes()));
    // The same header and excerpt (the help lists each table's own keys).
    let head = |s: &str| s.lines().take(4).collect::<Vec<_>>().join("\n");
    assert_eq!(head(&a), head(&b));
    assert!(b.len() < 2_000, "{} bytes", b.len());
    let cut = cut_in_the_middle(&key);
    assert_eq!(
        a.lines().next().unwrap(),
        format!("FILE:3:1: error: {cut}: unknown key `{cut}`"),
        "{}",
        &a[..a.len().min(2_000)]
    );
    assert!(a.len() < 2_000, "{} bytes", a.len());
    let scenario = root().join("scenarios/western-balkans-2024.toml");
    let path = format!("model.{key}");
    let o = run(&[
        "validate",
        &scenario.display().to_string(),
        "--set",
        &format!("{path}=1"),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", &err[..err.len().min(2_000)]);
    assert_eq!(
        err.lines().next().unwrap(),
        format!("--set:1:1: error: model.{cut}: `model.{cut}` is not a parameter of this scenario"),
    );
    assert!(err.len() < 2_000, "{} bytes", err.len());
}

/// Item 1 of issue 11: a seed in a file was rounded through a 64-bit float.
#[test]
fn integers_from_toml_are_read_exactly() {
    let dir = tempdir();
    let run = |file: &Path, extra: &[&str]| -> serde_json::Value {
        let f = file.display().to_string();
        let mut args = vec!["run", f.as_str(), "--runs", "300", "--format", "json"];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let at = |seed: &str| {
        let f = dir.path().join(format!("s{seed}.toml"));
        std::fs::write(&f, scenario_with_line3(format!("seed = {seed}").as_bytes())).unwrap();
        f
    };
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("scenario_file");
        v.as_object_mut().unwrap().remove("elapsed_seconds");
        v
    };
    // 2^53 + 1 is not a 64-bit float: it used to run as 2^53.
    let odd = run(&at("9007199254740993"), &[]);
    let even = run(&at("9007199254740992"), &[]);
    assert_eq!(odd["seed"].as_u64(), Some(9_007_199_254_740_993));
    assert_eq!(even["seed"].as_u64(), Some(9_007_199_254_740_992));
    assert_ne!(odd["outcomes"], even["outcomes"], "two seeds, one stream");
    // The file and the command line give the same run.
    let cli = run(&at("1"), &["--seed", "9007199254740993"]);
    assert_eq!(
        strip(cli.clone())["outcomes"],
        strip(odd.clone())["outcomes"]
    );
    assert_eq!(cli["seed"], odd["seed"]);
    // The documented maximum, in every integer syntax TOML has.
    for lit in [
        "9223372036854775807",
        "9_223_372_036_854_775_807",
        "0x7fffffffffffffff",
    ] {
        let v = run(&at(lit), &[]);
        assert_eq!(v["seed"].as_u64(), Some(i64::MAX as u64), "{lit}");
    }
    // One past the maximum is a range error at the value, in scenario and sweep files.
    for (kind, bytes) in [
        (
            "scenario",
            scenario_with_line3(b"seed = 9223372036854775808"),
        ),
        ("sweep", sweep_with_line3(b"seed = 9223372036854775808")),
        ("scenario", scenario_with_line3(b"horizon_years = 201")),
        ("sweep", sweep_with_line3(b"points = 1000001")),
        ("scenario", scenario_with_line3(b"seed = -1")),
        ("sweep", sweep_with_line3(b"levels = 1001")),
    ] {
        let m = messages(dir.path(), kind, &bytes);
        assert!(m.starts_with("FILE:3:"), "{m}");
        assert!(m.contains("expected an integer in ["), "{m}");
    }
}

/// The sweep's seed is exact too: the JSON Lines header reports it as written.
#[test]
fn sweep_seeds_are_read_exactly() {
    let dir = tempdir();
    let f = dir.path().join("s.toml");
    std::fs::write(&f, sweep_with_line3(b"seed = 9007199254740993")).unwrap();
    let out = run(&["sweep", &f.display().to_string(), "--format", "json", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let head: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let seed = head["seed"]
        .as_u64()
        .or_else(|| head["sweep"]["seed"].as_u64());
    assert_eq!(seed, Some(9_007_199_254_740_993), "{head}");
}

/// The bundled Serbia -> Kosovo record and its scenario, by absolute path.
fn history(name: &str) -> String {
    root()
        .join("scenarios/history")
        .join(name)
        .display()
        .to_string()
}

/// A valid calibration file whose line 3 is `line3`.
fn calibration_with_line3(line3: &[u8]) -> Vec<u8> {
    let mut s = format!(
        "statistics = [\"war\"]\ncases = [\"{}\"]\n",
        history("serbia-kosovo.record.toml")
    )
    .into_bytes();
    s.extend_from_slice(line3);
    s.extend_from_slice(b"\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n");
    s
}

/// A valid record file whose line 3 (in its [case] table) is `line3`.
fn record_with_line3(line3: &[u8]) -> Vec<u8> {
    let mut s = b"[case]\nid = \"case\"\n".to_vec();
    s.extend_from_slice(line3);
    s.extend_from_slice(
        format!(
            "\nname = \"T\"\nscenario = \"{}\"\nrivalries = [\"SRB-XKX\"]\nfirst_year = 2008\n\
             last_year = 2024\n[[event]]\ndate = \"2008-02\"\ntype = \"threat\"\nsummary = \"s\"\n\
             source = \"s\"\ncertainty = \"high\"\nverified = true\n",
            history("serbia-kosovo-2008.toml")
        )
        .as_bytes(),
    );
    s
}

/// Calibration files (`deter calibrate`) and historical records (`deter validate`) are read
/// by the same input core: a fault on line 3 gets the message a scenario file gives.
/// Calibration files share the key `seed` with scenarios; records share no key, so they take
/// the faults of the text itself (syntax, encoding, duplicate keys).
#[test]
fn calibration_and_record_files_give_the_same_messages_as_scenario_files() {
    let dir = tempdir();
    let seed_faults: &[&[u8]] = &[
        b"seed = 1e400",
        b"seed = 9223372036854775808",
        b"seed = -1",
        b"seed = \"7\"",
        b"seed = nan",
        b"seed = 7.5",
        b"seed = 7 x",
        b"seed = 7\nseed = 8",
        b"sed = 7",
        b"seed = \"\xe9t\xe9\"",
        b"seed = 7 # \x00",
    ];
    for fault in seed_faults {
        let a = messages(dir.path(), "scenario", &scenario_with_line3(fault));
        let c = messages(dir.path(), "calibration", &calibration_with_line3(fault));
        assert_eq!(a, c, "fault {:?}", String::from_utf8_lossy(fault));
        assert!(a.starts_with("FILE:3:") || a.starts_with("FILE:4:"), "{a}");
    }
    // Text faults in a record's [case] table: the scenario file's message, key path included.
    let text_faults: &[&[u8]] = &[
        b"seed = 7 x",
        b"seed = 7\nseed = 8",
        b"seed = \"\xe9t\xe9\"",
        b"seed = 7 # \x00",
        b"seed = \"\xe5\x90\x8d\xe5\x89\x8d\" x",
    ];
    for fault in text_faults {
        let a = messages(dir.path(), "scenario", &scenario_with_line3(fault));
        let r = messages(dir.path(), "record", &record_with_line3(fault));
        assert_eq!(a, r, "fault {:?}", String::from_utf8_lossy(fault));
    }
    // File-level faults: UTF-16 and an empty file, in all four kinds.
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain("seed = 1\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    for bytes in [utf16, Vec::new(), b"# nothing\n".to_vec()] {
        let cut = |s: &str| s.split(" needs at least").next().unwrap().to_string();
        let a = cut(&messages(dir.path(), "scenario", &bytes));
        let c = cut(&messages(dir.path(), "calibration", &bytes));
        assert_eq!(a, c);
    }
}

/// What `deter validate` and `deter calibrate` print for a calibration or record file, with
/// the test directory shown as DIR; exit code 2 and no panic asserted.
fn run_validate_and_calibrate(dir: &Path, kind: &str, bytes: &[u8]) -> (String, String) {
    let shown = dir.display().to_string();
    let file = dir.join(if kind == "record" {
        "case.record.toml"
    } else {
        "calib.toml"
    });
    std::fs::write(&file, bytes).unwrap();
    let calib = if kind == "record" {
        let c = dir.join("names-the-record.toml");
        std::fs::write(
            &c,
            format!(
                "statistics = [\"war\"]\ncases = [\"{}\"]\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
                file.display()
            ),
        )
        .unwrap();
        c
    } else {
        file.clone()
    };
    let v = run(&["validate", &file.display().to_string()]);
    let c = run(&[
        "calibrate",
        &calib.display().to_string(),
        "--quiet",
        "--out",
        &dir.join("out").display().to_string(),
    ]);
    let (v_err, c_err) = (stderr(&v), stderr(&c));
    for (what, o, e) in [("validate", &v, &v_err), ("calibrate", &c, &c_err)] {
        assert_eq!(o.status.code(), Some(2), "{what}: {e}");
        assert!(!e.contains("panicked"), "{what}: {e}");
    }
    (v_err.replace(&shown, "DIR"), c_err.replace(&shown, "DIR"))
}

/// Every fault class of a calibration file: located (file:line:col), its key path, what was
/// expected and a did-you-mean where a name is close; the same text from `deter validate` and
/// `deter calibrate`, exit code 2.
#[test]
fn every_fault_class_of_a_calibration_file_is_located_with_key_and_expectation() {
    let dir = tempdir();
    let rec = history("serbia-kosovo.record.toml");
    let good = format!(
        "seed = 5\nparticles = 30\nstatistics = [\"war\"]\ncases = [\"{rec}\"]\n\
         [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n"
    );
    let faults: Vec<(&str, String, &[&str])> = vec![
        (
            "unknown key",
            good.replace("particles = 30", "particels = 30"),
            &[
                "DIR/calib.toml:2:1: error: particels: unknown key `particels`",
                "help: did you mean `particles`?",
            ],
        ),
        (
            "type",
            good.replace("particles = 30", "particles = \"30\""),
            &[
                "DIR/calib.toml:2:13: error: particles: expected an integer in [10, 100000], found string",
            ],
        ),
        (
            "integer out of range",
            good.replace("particles = 30", "particles = 3"),
            &[
                "DIR/calib.toml:2:13: error: particles: expected an integer in [10, 100000], found 3",
            ],
        ),
        (
            "number out of range",
            good.replace("particles = 30", "quantile = 2"),
            &["DIR/calib.toml:2:12: error: quantile: expected a number in [0.05, 0.95], found 2"],
        ),
        (
            "unknown key in a table",
            format!("{good}[observation]\ndetect = {{ wars = 1.0 }}\n"),
            &[
                "DIR/calib.toml:9:12: error: observation.detect.wars: unknown key `wars`",
                "help: did you mean `war`?",
            ],
        ),
        (
            "unknown value",
            good.replace("[\"war\"]", "[\"wars\"]"),
            &[
                "DIR/calib.toml:3:15: error: statistics[0]: unknown value `wars`",
                "help: did you mean `war`?",
            ],
        ),
        (
            "listed twice",
            good.replace("[\"war\"]", "[\"war\", \"war\"]"),
            &[
                "DIR/calib.toml:3:22: error: statistics[1]: `war` is listed twice (first on line 3)",
                "first defined here",
            ],
        ),
        (
            "missing key",
            good.replace(&format!("cases = [\"{rec}\"]\n"), ""),
            &[
                "DIR/calib.toml:1:1: error: cases: missing required key `cases`",
                "help: e.g. cases = ",
            ],
        ),
        (
            "missing table",
            good.replace(
                "[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
                "",
            ),
            &[
                "DIR/calib.toml:1:1: error: parameter: expected 1 to 32 [[parameter]] tables, found 0",
            ],
        ),
        (
            "unknown parameter path",
            good.replace("model.war_cost", "model.war_cots"),
            &[
                "DIR/calib.toml:6:8: error: parameter[0].path: ",
                "history/serbia-kosovo-2008.toml` of case `serbia-kosovo`)",
                "help: did you mean `model.war_cost`?",
            ],
        ),
        (
            "value out of the parameter's range (the sweep's message)",
            good.replace("[0.1, 3.0]", "[0.1, 99.0]"),
            &[
                "DIR/calib.toml:7:15: error: parameter[0].range: expected a number in [0, 10] (stake units), found 99.0",
                "help: `model.war_cost`: ",
            ],
        ),
        (
            "unknown distribution (the sweep's message)",
            format!("{good}distribution = \"log-unform\"\n"),
            &[
                "DIR/calib.toml:8:16: error: parameter[0].distribution: unknown value `log-unform`",
                "help: did you mean `log-uniform`?",
            ],
        ),
        (
            "unknown case id",
            format!("{good}case = \"serbia-kosov\"\n"),
            &[
                "DIR/calib.toml:8:8: error: parameter[0].case: unknown case id `serbia-kosov`",
                "help: did you mean `serbia-kosovo`?",
            ],
        ),
        (
            "missing record",
            good.replace(&rec, "nope.record.toml"),
            &[
                "DIR/calib.toml:4:10: error: cases[0]: cannot read file `DIR/nope.record.toml`: No such file or directory",
                "help: the record `nope.record.toml` is looked for relative to the directory of this file, `DIR`",
                "1 error found",
            ],
        ),
        (
            "syntax",
            good.replace("particles = 30", "particles = 30 x"),
            &["DIR/calib.toml:2:13: error: particles: TOML syntax error"],
        ),
        (
            "NUL byte",
            good.replace("particles = 30", "particles = 30 # \0"),
            &[
                "DIR/calib.toml:2:18: error: particles: the file contains a NUL byte: it is binary, not a TOML calibration file",
            ],
        ),
        (
            "empty",
            String::new(),
            &[
                "DIR/calib.toml: error: the file is empty\n",
                "help: a calibration file needs at least `statistics`, `cases` and one [[parameter]]",
            ],
        ),
        (
            "too large",
            format!("{good}{}", "#".repeat(1024 * 1024)),
            &[
                "DIR/calib.toml: error: the file is larger than 1048576 bytes, the limit for calibration files",
            ],
        ),
    ];
    for (what, text, expected) in &faults {
        let (v, c) = run_validate_and_calibrate(dir.path(), "calibration", text.as_bytes());
        for e in *expected {
            assert!(c.contains(e), "{what}: `{e}` not in\n{c}");
        }
        // An empty file has no key to tell its kind by: validate gives the same error and,
        // as help, what each kind needs (the calibration file's among them).
        if *what == "empty" {
            assert_eq!(v.lines().next(), c.lines().next(), "{what}: {v}\n{c}");
            let help = c.lines().find(|l| l.contains("help: ")).unwrap();
            let need = help.split("help: ").nth(1).unwrap();
            assert!(
                v.contains(need) && v.contains("a scenario file needs at least"),
                "{v}"
            );
        } else {
            assert_eq!(v, c, "{what}: validate and calibrate differ");
        }
    }
    // Not UTF-8: the invalid byte, at its line.
    let mut bytes = good.clone().into_bytes();
    bytes.splice(0..0, b"name = \"\xe9\"\n".iter().copied());
    let (v, c) = run_validate_and_calibrate(dir.path(), "calibration", &bytes);
    assert!(
        v.contains(
            "DIR/calib.toml:1:9: error: name: the file is not valid UTF-8 (invalid byte 0xe9)"
        ),
        "{v}"
    );
    assert_eq!(v, c);
}

/// Every fault class of a historical record: `deter validate RECORD` and `deter calibrate` on
/// a calibration naming it give the record's diagnostics with the same text (file:line:col,
/// key path, expectation, did-you-mean), exit code 2. A record that is not TOML is not shown
/// when another file names it (as a scenario's `extends` or a sweep's `base`).
#[test]
fn every_fault_class_of_a_record_file_is_located_with_key_and_expectation() {
    let dir = tempdir();
    let good = String::from_utf8(record_with_line3(b"note = \"n\"")).unwrap();
    let faults: Vec<(&str, String, &[&str])> = vec![
        (
            "unknown key",
            good.replace("name = \"T\"", "nmae = \"T\""),
            &[
                "DIR/case.record.toml:4:1: error: case.nmae: unknown key `nmae`",
                "help: did you mean `name`?",
            ],
        ),
        (
            "type",
            good.replace("first_year = 2008", "first_year = \"2008\""),
            &[
                "DIR/case.record.toml:7:14: error: case.first_year: expected an integer in [1800, 2200], found string",
            ],
        ),
        (
            "out of range",
            good.replace("first_year = 2008", "first_year = 1700"),
            &[
                "DIR/case.record.toml:7:14: error: case.first_year: expected an integer in [1800, 2200], found 1700",
            ],
        ),
        (
            "missing key",
            good.replace("verified = true\n", ""),
            &[
                "DIR/case.record.toml:9:1: error: event[0].verified: missing required key `verified`",
                "help: e.g. verified = true",
            ],
        ),
        (
            "unknown value",
            good.replace("type = \"threat\"", "type = \"thret\""),
            &[
                "DIR/case.record.toml:11:8: error: event[0].type: unknown value `thret`",
                "help: did you mean `threat`?",
            ],
        ),
        (
            "unknown value, no close name",
            good.replace("certainty = \"high\"", "certainty = \"sure\""),
            &[
                "DIR/case.record.toml:14:13: error: event[0].certainty: unknown value `sure`",
                "help: one of: high, medium, low",
            ],
        ),
        (
            "bad date",
            good.replace("date = \"2008-02\"", "date = \"2008/02\""),
            &[
                "DIR/case.record.toml:10:8: error: event[0].date: expected a date as \"YYYY-MM\" or \"YYYY-MM-DD\", found \"2008/02\"",
            ],
        ),
        (
            "date outside the case's years",
            good.replace("date = \"2008-02\"", "date = \"2030-02\""),
            &[
                "DIR/case.record.toml:10:8: error: event[0].date: `2030-02` is outside the case's years 2008-2024",
            ],
        ),
        (
            "invalid case id (the scenario's rule and message for ids)",
            good.replace("id = \"case\"", "id = \"a b\""),
            &[
                "DIR/case.record.toml:2:6: error: case.id: invalid id `a b`",
                "help: ids are 1-64 characters of A-Z, a-z, 0-9, `_` and `-` (e.g. `SRB`)",
            ],
        ),
        (
            "case id not the file's CASE",
            good.replace("id = \"case\"", "id = \"cases\""),
            &[
                "DIR/case.record.toml:2:6: error: case.id: the case id `cases` differs from the file's name `case.record.toml`",
                "help: did you mean `case`?",
            ],
        ),
        (
            "case id far from the file's CASE",
            good.replace("id = \"case\"", "id = \"serbia-kosovo\""),
            &[
                "DIR/case.record.toml:2:6: error: case.id: the case id `serbia-kosovo` differs from the file's name `case.record.toml`",
                "help: set `id = \"case\"`, or rename the file `serbia-kosovo.record.toml`",
            ],
        ),
        (
            "unknown rivalry",
            good.replace("[\"SRB-XKX\"]", "[\"SRB-XKS\"]"),
            &[
                "DIR/case.record.toml:6:14: error: case.rivalries[0]: unknown rivalry id `SRB-XKS` in the scenario",
                "help: did you mean `SRB-XKX`?",
            ],
        ),
        (
            "missing scenario file",
            good.replace(&history("serbia-kosovo-2008.toml"), "missing-2008.toml"),
            &[
                "DIR/case.record.toml:5:12: error: case.scenario: cannot read file `DIR/missing-2008.toml`: No such file or directory",
                "help: the scenario `missing-2008.toml` is looked for relative to the directory of this file, `DIR`",
                "1 error found",
            ],
        ),
        (
            "years and horizon differ",
            good.replace("last_year = 2024", "last_year = 2020"),
            &[
                "DIR/case.record.toml:8:13: error: case.last_year: the record covers 13 years (2008-2020) but the scenario",
                "runs 17",
                "help: set `horizon_years = 13`",
            ],
        ),
        (
            "empty",
            String::new(),
            &[
                "DIR/case.record.toml: error: the file is empty\n",
                "help: a record file needs at least a [case] table",
            ],
        ),
    ];
    for (what, text, expected) in &faults {
        let (v, c) = run_validate_and_calibrate(dir.path(), "record", text.as_bytes());
        for e in *expected {
            assert!(v.contains(e), "{what}: `{e}` not in\n{v}");
        }
        // calibrate names the record at `cases[0]`, then gives the record's own diagnostics.
        let own: String = v
            .lines()
            .filter(|l| !l.ends_with("found"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            c.contains("error: cases[0]: the record `DIR/case.record.toml`"),
            "{what}: {c}"
        );
        assert!(
            c.contains(&own),
            "{what}: calibrate lacks the record's diagnostics:\n{c}\n--- validate:\n{v}"
        );
    }
    // A syntax error: located by validate, and in the same words, with its line, when the
    // calibration file names the record (a `.toml` file is the user's own; only a file of
    // another name is concealed: tests/faults.rs).
    let text = good.replace("first_year = 2008", "first_year = 2008 x");
    let (v, c) = run_validate_and_calibrate(dir.path(), "record", text.as_bytes());
    let located = "DIR/case.record.toml:7:14: error: case.first_year: TOML syntax error";
    assert!(v.contains(located), "{v}");
    assert!(c.contains(located), "{c}");
    assert!(c.contains("first_year = 2008 x"), "{c}");
    assert!(!c.contains("its content is not shown"), "{c}");
}

/// A missing required key is one message in every file kind: "KEY PATH: missing required key
/// `KEY`", at the table that lacks it (a scenario's `[[uncertain]]`, a sweep's `[[parameter]]`
/// and `[[policy]]`, a calibration's `[[parameter]]`, a record's `[[event]]`).
#[test]
fn a_missing_required_key_reads_the_same_in_every_file_kind() {
    let dir = tempdir();
    let mut scenario = scenario_with_line3(b"seed = 1");
    scenario.extend_from_slice(b"[[uncertain]]\nrange = [0.1, 1.0]\n");
    let mut sweep = sweep_with_line3(b"seed = 1");
    sweep.extend_from_slice(b"[[parameter]]\nrole = \"lever\"\nvalues = [0.5]\n");
    let mut levers = sweep_with_line3(b"seed = 1");
    levers.extend_from_slice(b"[[policy]]\nname = \"x\"\n");
    let mut calibration = calibration_with_line3(b"seed = 1");
    calibration.extend_from_slice(b"[[parameter]]\nrange = [0.1, 1.0]\n");
    let record = String::from_utf8(record_with_line3(b"note = \"n\""))
        .unwrap()
        .replace("date = \"2008-02\"\n", "");
    for (kind, bytes, expected) in [
        (
            "scenario",
            scenario,
            "error: uncertain[0].path: missing required key `path`",
        ),
        (
            "sweep",
            sweep,
            "error: parameter[1].path: missing required key `path`",
        ),
        (
            "sweep",
            levers,
            "error: policy[0].id: missing required key `id`",
        ),
        (
            "calibration",
            calibration,
            "error: parameter[1].path: missing required key `path`",
        ),
        (
            "record",
            record.into_bytes(),
            "error: event[0].date: missing required key `date`",
        ),
    ] {
        let m = messages(dir.path(), kind, &bytes);
        assert!(m.contains(expected), "{kind}: {m}");
    }
}

/// A value out of its parameter's range is one message in every file kind and in `--set`:
/// "KEY PATH: expected a number in [MIN, MAX] (UNIT), found LITERAL", at the value (a
/// scenario's field and `[[uncertain]]` range, a sweep's `[[parameter]]` range and values and
/// a `[[policy]]`'s `set`, a calibration's `[[parameter]]` range, `run --set`).
#[test]
fn a_value_out_of_its_parameters_range_reads_the_same_in_every_file_kind() {
    let dir = tempdir();
    let expected = "expected a number in [0, 10] (stake units), found 99";
    let mut field = scenario_with_line3(b"seed = 1");
    field.extend_from_slice(b"[model]\nwar_cost = 99\n");
    let mut uncertain = scenario_with_line3(b"seed = 1");
    uncertain.extend_from_slice(b"[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.1, 99]\n");
    let mut range = sweep_with_line3(b"seed = 1");
    range.extend_from_slice(
        b"[[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.1, 99]\n",
    );
    let mut values = sweep_with_line3(b"seed = 1");
    values.extend_from_slice(
        b"[[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 99]\n",
    );
    let mut policy = sweep_with_line3(b"seed = 1");
    policy.extend_from_slice(b"[[policy]]\nid = \"p\"\nset = { \"model.war_cost\" = 99 }\n");
    let calibration = String::from_utf8(calibration_with_line3(b"seed = 1"))
        .unwrap()
        .replace("[0.1, 3.0]", "[0.1, 99]");
    for (kind, bytes, key) in [
        ("scenario", field, "model.war_cost"),
        ("scenario", uncertain, "uncertain[0].range"),
        ("sweep", range, "parameter[1].range"),
        ("sweep", values, "parameter[1].values[1]"),
        ("sweep", policy, "policy[0].set.\"model.war_cost\""),
        (
            "calibration",
            calibration.into_bytes(),
            "parameter[0].range",
        ),
    ] {
        // The location is the value's: the last `99` of the file.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let at = text.rfind("99").unwrap();
        let line = text[..at].matches('\n').count() + 1;
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
        let m = messages(dir.path(), kind, &bytes);
        let first = m.lines().next().unwrap();
        assert_eq!(
            first,
            format!("FILE:{line}:{col}: error: {key}: {expected}"),
            "{kind}: {m}"
        );
    }
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, scenario_with_line3(b"seed = 1")).unwrap();
    let out = run(&[
        "run",
        &scenario.display().to_string(),
        "--set",
        "model.war_cost=99",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.lines()
            .next()
            .unwrap()
            .ends_with(&format!("error: model.war_cost: {expected}")),
        "{err}"
    );
}
