//! One TOML input core for every file kind: integers read exactly, the same fault gets the
//! same message in a scenario file and in a sweep file.
//!
//! Extending: a new file kind adds a `write_*` function here and joins
//! `the_same_fault_gets_the_same_message_in_scenario_and_sweep_files`.

use std::path::Path;

use super::{deter, root, stderr, tempdir};

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
        b"\n[[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\nvalues = [0.5]\n",
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
        "scenario" => deter(&["validate", &shown]),
        _ => deter(&[
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

/// Item 1 of issue 11: a seed in a file was rounded through a 64-bit float.
#[test]
fn integers_from_toml_are_read_exactly() {
    let dir = tempdir();
    let run = |file: &Path, extra: &[&str]| -> serde_json::Value {
        let f = file.display().to_string();
        let mut args = vec!["run", f.as_str(), "--runs", "300", "--format", "json"];
        args.extend_from_slice(extra);
        let out = deter(&args);
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
    let out = deter(&["sweep", &f.display().to_string(), "--format", "json", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let head: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let seed = head["seed"]
        .as_u64()
        .or_else(|| head["sweep"]["seed"].as_u64());
    assert_eq!(seed, Some(9_007_199_254_740_993), "{head}");
}
