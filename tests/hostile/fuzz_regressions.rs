//! Inputs found by the fuzzer (tests/fuzz/), the bad files and the bundled scenarios, run
//! through the same checks as the fuzz target: `deter::selfcheck::scenario_bytes`.
//!
//! Extending: when sweeps land, add a `selfcheck::sweep_bytes` and a directory of sweep
//! regressions with a test like `fuzz_findings_stay_fixed`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use deter::selfcheck;

use super::root;

/// Run every file of `dir` through `check`; report all failures by file name.
fn each_file(dir: &Path, check: impl Fn(&Path, &[u8])) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no inputs in {}", dir.display());
    let mut failed = Vec::new();
    for path in entries {
        let bytes = std::fs::read(&path).expect("read input");
        if catch_unwind(AssertUnwindSafe(|| check(&path, &bytes))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(failed.is_empty(), "failed: {failed:#?}");
}

/// What each fuzz finding must produce, decided when it was fixed: `deter validate`'s exit
/// code and the pieces of its message (location, key, problem). A new file in tests/fuzz/
/// without an entry here fails the test.
const EXPECTED: &[(&str, i32, &[&str])] = &[
    (
        "extends-dev-zero.toml",
        2,
        &[
            // Refused before it is read (trial28): a base must be a regular file; it was read
            // up to the size bound and reported as too large.
            "extends-dev-zero.toml:1:11: error: extends: expected the base scenario's file, found `/dev/zero`, which is not a regular file",
            "help: save it to a file first and name that file",
        ],
    ),
    (
        "huge-literal-1e300.toml",
        2,
        &[
            "huge-literal-1e300.toml:6:10: error: country[0].military.budget: expected a number in [0, 1e5]",
            "found 1e300",
            "1 error found",
        ],
    ),
    (
        // The excerpt is cut around the caret, not printed whole.
        "long-line-error.toml",
        2,
        &[
            "long-line-error.toml:3:60009: error: scenario.runs: TOML syntax error",
            "3 | ... 1, 1, 1,",
        ],
    ),
    (
        // The column counts characters, not bytes.
        "multibyte-at-error.toml",
        2,
        &[
            "multibyte-at-error.toml:2:14: error: scenario.name: TOML syntax error: unexpected key or value",
            "2 | name = \"ééé\" éé = 1\n  |              ^\n",
        ],
    ),
];

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = root().join("tests/fuzz");
    // The library's own checks (no panic, diagnostics print, reports consistent).
    each_file(&dir, |_, bytes| {
        let _ = selfcheck::scenario_bytes(bytes);
    });
    // And what a user sees: the exit code and the message decided when it was fixed.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(
        names, listed,
        "every fuzz finding needs its expected outcome here"
    );
    for (name, code, pieces) in EXPECTED {
        let path = format!("tests/fuzz/{name}");
        let out = super::run(&["validate", &path]);
        let text = super::stderr(&out);
        assert_eq!(out.status.code(), Some(*code), "{name}:\n{text}");
        for piece in *pieces {
            assert!(text.contains(piece), "{name}: no `{piece}` in:\n{text}");
        }
        assert!(!text.contains("panicked"), "{name}:\n{text}");
        // Same through the library: refused, with the same first line.
        let bytes = std::fs::read(root().join(&path)).unwrap();
        let d = deter::scenario::parse_bytes(&bytes, &path).expect_err("a fuzz finding is refused");
        let first = d.to_string().lines().next().unwrap().to_string();
        assert!(
            text.contains(&first),
            "{name}: library says `{first}`, CLI:\n{text}"
        );
    }
}

#[test]
fn bad_files_are_refused_by_the_library_without_panicking() {
    each_file(&root().join("tests/bad"), |path, bytes| {
        assert!(
            selfcheck::scenario_bytes(bytes).is_none(),
            "{} was accepted",
            path.display()
        );
    });
}

#[test]
fn bundled_scenarios_pass_every_check() {
    // Loaded from disk: several extend western-balkans-2024.toml.
    each_file(&root().join("scenarios"), |path, _| {
        let s = deter::scenario::load_file(path)
            .unwrap_or_else(|d| panic!("{} was refused:\n{d}", path.display()));
        let mut short = s.clone();
        short.meta.horizon_years = short.meta.horizon_years.min(selfcheck::SHORT_HORIZON_YEARS);
        let report = selfcheck::simulate_and_report(&short, selfcheck::SHORT_RUNS);
        selfcheck::check_report_json(&report).unwrap_or_else(|e| panic!("{e}"));
    });
    assert!(selfcheck::scenario_bytes(deter::scenario::TEMPLATE.as_bytes()).is_some());
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let mut big = b"[scenario]\nname = \"x\"\n".to_vec();
    big.resize(deter::scenario::MAX_FILE_BYTES + 1, b'#');
    let err = deter::scenario::parse_bytes(&big, "big.toml").unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
}
