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

#[test]
fn fuzz_findings_stay_fixed() {
    each_file(&root().join("tests/fuzz"), |_, bytes| {
        let _ = selfcheck::scenario_bytes(bytes);
    });
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
