//! tests/warn/: valid files with something implausible. `deter validate` accepts each (exit 0,
//! the "ok" line on stdout) and prints a warning located like an error,
//! `FILE:LINE:COL: warning: KEY: PROBLEM`, with a help line; `deter run` still runs them. The
//! full messages are snapshotted in tests/hostile/snapshots/.
//!
//! Extending: add the file and a line to the list below (a test checks that no file is left
//! out; `sweep-base.toml` is the base of a sweep case and warns about nothing).

use super::{normalise, root, run, stderr};

/// `deter validate dir/file`: exit 0, "ok" on stdout, a warning naming `problem` at `line`
/// under `key`. Returns the stderr, normalised for snapshots.
fn check_warn(file: &str, line: usize, key: &str, problem: &str) -> String {
    let path = format!("tests/warn/{file}");
    let out = run(&["validate", &path]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "validate {path}:\n{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with(&format!("{path}: ok")), "{stdout}");
    assert!(!err.contains("error"), "a warning, not an error:\n{err}");
    let header = err
        .lines()
        .find(|l| l.contains(problem))
        .unwrap_or_else(|| panic!("no warning names `{problem}`:\n{err}"));
    assert!(
        header.starts_with(&format!("{path}:{line}:")),
        "expected the warning at {path}:{line}, got:\n{header}"
    );
    assert!(
        header.contains(&format!("warning: {key}: ")),
        "expected key `{key}` in:\n{header}"
    );
    assert!(
        err.contains("= help: "),
        "a warning says what to do:\n{err}"
    );
    normalise(&err, &[])
}

macro_rules! warn_files {
    ( $( $test:ident: $file:literal => $line:literal, $key:literal, $problem:literal; )* ) => {
        $(
            #[test]
            fn $test() {
                let text = check_warn($file, $line, $key, $problem);
                insta::with_settings!(
                    { prepend_module_to_snapshot => false, omit_expression => true },
                    { insta::assert_snapshot!(concat!("warn__", stringify!($test)), text) }
                );
            }
        )*

        #[test]
        fn every_warn_file_has_a_test() {
            let listed: &[&str] = &[$($file,)* "sweep-base.toml"];
            let mut missing = Vec::new();
            for entry in std::fs::read_dir(root().join("tests/warn")).expect("tests/warn") {
                let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
                if !listed.contains(&name.as_str()) {
                    missing.push(name);
                }
            }
            assert!(missing.is_empty(), "files in tests/warn without a test: {missing:?}");
        }
    };
}

warn_files! {
    alliance_without_members: "alliance-without-members.toml" => 72, "alliance[0].members", "alliance `PACT` has no members: it commits no one";
    intra_alliance_rivalry: "intra-alliance-rivalry.toml" => 21, "rivalry[0]", "intra-alliance rivalry: challenger `AAA` and target `BBB` are both members of alliance `PACT`";
    intra_alliance_rivalry_by_overlay: "intra-alliance-rivalry-by-overlay.toml" => 7, "alliance[0].members", "intra-alliance rivalry: challenger `AAA` and target `BBB` are both members of alliance `PACT`";
    budget_above_gdp: "budget-above-gdp.toml" => 8, "country[0].military.budget", "implausible currency figures: the defence budget 2200 is 25 times GDP 89";
    gdp_in_a_large_unit: "gdp-in-a-large-unit.toml" => 12, "country[0].economic.gdp", "GDP 6e5 is beyond any economy in billions of US dollars or euros: a run's GDP lost is kept only up to 1048576 (2^20)";
    capability_vs_budget: "capability-vs-budget.toml" => 9, "country[0].military.capability", "implausible currency figures: the capability stock 7000 is 3182 times the defence budget 2.2";
    policy_after_horizon: "policy-after-horizon.toml" => 21, "policy[0].start", "policy `late` starts 2040-01, after the horizon ends (its last month is 2034-12): it never takes effect";
    policy_before_start: "policy-before-start.toml" => 21, "policy[0].start", "policy `early` starts 2020-06, before the scenario starts (2025-01): it takes effect in the first month";
    policy_changes_a_path_twice: "policy-changes-a-path-twice.toml" => 24, "policy[0].changes[1].path", "policy `twice` changes `country.AAA.military.budget` twice (first on line 23): did you mean one change?";
    join_of_a_member: "join-of-a-member.toml" => 97, "policy[0].join[0]", "`BBB` is already a member of `PACT`: this join changes nothing";
    no_rivalry: "no-rivalry.toml" => 1, "rivalry", "no rivalry: no crisis can happen; every event's probability is 0 (deterrence holds in every run)";
    policy_on_a_per_run_draw: "policy-on-a-per-run-draw.toml" => 38, "policy[0].changes[0].path", "policy `sure` changes `alliance.PACT.reliability_concentration`, which is read only by each run's draw of the treaty weight";
    policy_on_a_gated_key: "policy-on-a-gated-key.toml" => 38, "policy[0].changes[0].path", "policy `tripwire` changes `model.casus_foederis_cost`, which is read only when the fait accompli is offered";
    sweep_varies_a_policy_parameter: "sweep-varies-a-policy-parameter.toml" => 6, "parameter[0].path", "the base scenario's policy `calm` changes `rivalry.AAA-BBB.monitoring` from 2027-01";
}

/// A sweep warning is printed by `deter sweep` too, and the sweep still runs.
#[test]
fn sweep_prints_its_warnings_and_runs() {
    let dir = super::tempdir();
    let out_csv = dir.path().join("out.csv");
    let out = run(&[
        "sweep",
        "tests/warn/sweep-varies-a-policy-parameter.toml",
        "--out",
        out_csv.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: parameter[0].path: the base scenario's policy `calm`"),
        "{err}"
    );
    assert!(out_csv.exists());
}

/// `deter run` and `deter compare` print the warnings `deter validate` prints for the same
/// file, in the same words, on stderr before the run (and still run); `--quiet` does not hide
/// them, as `validate` has nothing that hides them. A file without warnings prints none.
#[test]
fn run_and_compare_print_the_warnings_validate_prints() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("tests/warn")).expect("tests/warn") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("sweep") {
            continue; // sweep files: `deter sweep` prints them (above)
        }
        let path = format!("tests/warn/{name}");
        let validated = run(&["validate", &path]);
        assert_eq!(validated.status.code(), Some(0));
        let warnings = stderr(&validated);
        assert!(warnings.contains("warning: "), "{path}: {warnings}");
        for args in [
            vec!["run", &path, "--runs", "20", "--no-attribution"],
            vec!["run", &path, "--runs", "20", "--no-attribution", "--quiet"],
            vec![
                "run",
                &path,
                "--runs",
                "20",
                "--no-attribution",
                "--format",
                "json",
            ],
        ] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
            assert_eq!(stderr(&out), warnings, "{args:?}");
            assert!(!out.stdout.is_empty(), "{args:?}: the run still ran");
        }
        // compare of a file with itself: its warnings once (not once per side), then that
        // every difference is 0.
        let out = run(&[
            "compare",
            &path,
            &path,
            "--runs",
            "20",
            "--no-attribution",
            "-q",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "{warnings}warning: A and B are the same file with the same values: every difference B - A is 0; give B's what-if with --set-b PATH=VALUE\n"
            )
        );
        checked += 1;
    }
    assert!(checked >= 4, "{checked}");
    let clean = run(&[
        "run",
        "scenarios/western-balkans-2024.toml",
        "--runs",
        "20",
        "--no-attribution",
        "-q",
    ]);
    assert_eq!(stderr(&clean), "");
}
