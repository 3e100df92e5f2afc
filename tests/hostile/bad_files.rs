//! tests/bad/: malformed scenarios. Each is refused by `validate` and by `run` with exit code
//! 2, no output on stdout, and a diagnostic `FILE:LINE:COL: error: KEY: PROBLEM` (file-level
//! problems such as an empty file have no line or key). The full messages are snapshotted in
//! tests/hostile/snapshots/.
//!
//! Extending: to add a case, add the file and a line to the list below (a test checks that
//! no file is left out). When sweep files land, put them in tests/bad/sweep/ and add a
//! `mod sweep { bad_files! { dir: "tests/bad/sweep", commands: &[&["sweep", "{}"]], ... } }`
//! block: the macro and [`check_bad`] are command-agnostic.

use super::{normalise, root, run, stderr};

/// Commands run on every bad scenario; `{}` is replaced by the file's path.
const SCENARIO_COMMANDS: &[&[&str]] = &[&["validate", "{}"], &["run", "{}", "--runs", "1"]];

/// Run each command on `dir/file` and check exit code 2, empty stdout and a diagnostic that
/// names `problem` at `line` (0: a file-level problem) under `key`. Returns the stderr of the
/// first command, normalised for snapshots.
pub fn check_bad(
    commands: &[&[&str]],
    dir: &str,
    file: &str,
    line: usize,
    key: &str,
    problem: &str,
) -> String {
    let path = format!("{dir}/{file}");
    let mut first = None;
    for cmd in commands {
        let args: Vec<&str> = cmd
            .iter()
            .map(|a| if *a == "{}" { path.as_str() } else { a })
            .collect();
        let out = run(&args);
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "deter {args:?} should exit with 2\n{err}"
        );
        assert!(
            out.stdout.is_empty(),
            "deter {args:?} wrote to stdout on bad input"
        );
        assert!(!err.contains("panicked"), "deter {args:?} panicked:\n{err}");
        let header = err
            .lines()
            .find(|l| l.contains(problem) && l.contains("error"))
            .unwrap_or_else(|| panic!("deter {args:?}: no error line names `{problem}`:\n{err}"));
        let at = if line == 0 {
            format!("{path}: error: ")
        } else {
            format!("{path}:{line}:")
        };
        assert!(
            header.starts_with(&at),
            "deter {args:?}: expected the error at `{at}`, got:\n{header}"
        );
        if !key.is_empty() {
            assert!(
                header.contains(&format!("error: {key}: ")),
                "deter {args:?}: expected key `{key}` in:\n{header}"
            );
        }
        first.get_or_insert(normalise(&err, &[]));
    }
    first.expect("at least one command")
}

/// Declares one test per bad file, and a test that every file of `dir` is listed.
macro_rules! bad_files {
    (
        dir: $dir:literal,
        commands: $commands:expr,
        $( $test:ident: $file:literal => $line:literal, $key:literal, $problem:literal; )*
    ) => {
        $(
            #[test]
            fn $test() {
                let text = check_bad($commands, $dir, $file, $line, $key, $problem);
                insta::with_settings!(
                    { prepend_module_to_snapshot => false, omit_expression => true },
                    { insta::assert_snapshot!(concat!("bad__", stringify!($test)), text) }
                );
            }
        )*

        #[test]
        fn every_bad_file_has_a_test() {
            let listed: &[&str] = &[$($file),*];
            let dir = root().join($dir);
            let mut missing = Vec::new();
            for entry in std::fs::read_dir(&dir).expect("read the bad-file directory") {
                let path = entry.expect("directory entry").path();
                if path.is_file() {
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    if !listed.contains(&name.as_str()) {
                        missing.push(name);
                    }
                }
            }
            assert!(missing.is_empty(), "files in {} without a test: {missing:?}", $dir);
        }
    };
}

bad_files! {
    dir: "tests/bad",
    commands: SCENARIO_COMMANDS,
    // TOML syntax
    syntax_unclosed_header: "syntax-unclosed-header.toml" => 4, "country", "unclosed array table";
    syntax_missing_value: "syntax-missing-value.toml" => 2, "scenario.name", "TOML syntax error";
    syntax_unterminated_string: "syntax-unterminated-string.toml" => 2, "scenario.name", "invalid basic string";
    syntax_bare_word: "syntax-bare-word.toml" => 6, "country[0].status", "TOML syntax error";
    syntax_duplicate_key: "syntax-duplicate-key.toml" => 8, "country[0].military.budget", "duplicate key `budget`";
    syntax_duplicate_table: "syntax-duplicate-table.toml" => 18, "scenario", "duplicate key `scenario`";
    syntax_invalid_date: "syntax-invalid-date.toml" => 3, "scenario.start", "invalid date";
    syntax_trailing_garbage: "syntax-trailing-garbage.toml" => 7, "country[0].military.budget", "TOML syntax error";
    syntax_bad_escape: "syntax-bad-escape.toml" => 2, "scenario.name", "unicode";
    control_characters: "control-characters.toml" => 2, "scenario.name", "invalid basic string";
    // wrong types
    type_string_for_number: "type-string-for-number.toml" => 7, "country[0].military.budget", "expected a number in [0, 1e5] (currency unit/yr), found string";
    type_number_for_string: "type-number-for-string.toml" => 2, "scenario.name", "expected a string, found integer";
    type_bool_for_number: "type-bool-for-number.toml" => 8, "country[0].military.readiness", "found boolean";
    type_string_for_array: "type-string-for-array.toml" => 20, "alliance[0].members", "expected an array of ids, found string";
    type_array_for_table: "type-array-for-table.toml" => 6, "country[0].military", "expected a table, found array";
    type_float_for_integer: "type-float-for-integer.toml" => 3, "scenario.runs", "expected an integer in [1, 1000000000000], found 10.5";
    type_table_for_array_of_tables: "type-table-for-array-of-tables.toml" => 4, "country", "expected an array of tables ([[country]]), found table";
    type_array_for_ties: "type-array-for-ties.toml" => 11, "country[0].political.ties", "expected a table, found array";
    type_bool_for_status: "type-bool-for-status.toml" => 6, "country[0].status", "expected a string, found boolean";
    // missing required keys
    missing_scenario_table: "missing-scenario-table.toml" => 1, "scenario", "missing the [scenario] table";
    missing_scenario_name: "missing-scenario-name.toml" => 1, "scenario.name", "missing required key `name`";
    missing_country_id: "missing-country-id.toml" => 4, "country[0].id", "missing required key `id`";
    missing_budget: "missing-budget.toml" => 6, "country[0].military.budget", "missing required key `budget`";
    missing_economic_table: "missing-economic-table.toml" => 4, "country[0].economic", "missing required table [country.economic]";
    missing_rivalry_target: "missing-rivalry-target.toml" => 18, "rivalry[0].target", "missing required key `target`";
    missing_policy_start: "missing-policy-start.toml" => 18, "policy[0].start", "missing required key `start`";
    missing_alliance_members: "missing-alliance-members.toml" => 18, "alliance[0].members", "missing required key `members`";
    missing_power_capability: "missing-power-capability.toml" => 4, "power[0].capability", "missing required key `capability`";
    no_countries: "no-countries.toml" => 1, "country", "no countries";
    // unknown keys
    unknown_top_level_key: "unknown-top-level-key.toml" => 1, "sceanrio", "unknown key `sceanrio`";
    unknown_military_key: "unknown-military-key.toml" => 8, "country[0].military.readyness", "unknown key `readyness`";
    unknown_scenario_key: "unknown-scenario-key.toml" => 3, "scenario.horizon", "unknown key `horizon`";
    unknown_rivalry_key: "unknown-rivalry-key.toml" => 21, "rivalry[0].tenson", "unknown key `tenson`";
    // duplicate ids
    duplicate_country_id: "duplicate-country-id.toml" => 12, "country[1].id", "duplicate id `AAA` (first defined on line 5)";
    duplicate_power_id: "duplicate-power-id.toml" => 9, "power[1].id", "duplicate id `PAT` (first defined on line 5)";
    duplicate_alliance_member: "duplicate-alliance-member.toml" => 20, "alliance[0].members[2]", "`AAA` is listed twice";
    country_id_is_a_power_id: "country-id-is-a-power-id.toml" => 9, "country[0].id", "`AAA` is already the id of a power";
    // references to unknown ids
    unknown_rivalry_challenger: "unknown-rivalry-challenger.toml" => 19, "rivalry[0].challenger", "unknown country id `AAB`";
    unknown_alliance_member: "unknown-alliance-member.toml" => 20, "alliance[0].members[1]", "unknown country or power id `ZZZ`";
    unknown_tie_power: "unknown-tie-power.toml" => 11, "country[0].political.ties.RUS", "unknown power id `RUS`";
    unknown_deployment_host: "unknown-deployment-host.toml" => 20, "deployment[0].host", "unknown country id `XKX`";
    unknown_policy_path: "unknown-policy-path.toml" => 21, "policy[0].changes[0].path", "is not a parameter of this scenario";
    unknown_join_alliance: "unknown-join-alliance.toml" => 25, "policy[0].join[0].alliance", "unknown alliance id `NATOO`";
    duplicate_join: "duplicate-join.toml" => 25, "policy[0].join[1]", "`AAA` joins `NATO` twice (first in policy[0].join[0])";
    rivalry_with_itself: "rivalry-with-itself.toml" => 18, "rivalry[0]", "challenger and target are the same country";
    // values out of range
    negative_budget: "negative-budget.toml" => 7, "country[0].military.budget", "expected a number in [0, 1e5] (currency unit/yr), found -1.5";
    negative_gdp: "negative-gdp.toml" => 9, "country[0].economic.gdp", "found -10.0";
    zero_depreciation: "zero-depreciation.toml" => 8, "country[0].military.depreciation", "expected a number in [0.001, 1] (1/yr), found 0.0";
    probability_above_one: "probability-above-one.toml" => 21, "alliance[0].reliability", "expected a number in [0, 1], found 1.5";
    probability_below_zero: "probability-below-zero.toml" => 21, "rivalry[0].sanctions_credibility", "found -0.1";
    horizon_too_long: "horizon-too-long.toml" => 3, "scenario.horizon_years", "expected an integer in [1, 200], found 500";
    runs_zero: "runs-zero.toml" => 3, "scenario.runs", "found 0";
    runs_negative: "runs-negative.toml" => 3, "scenario.runs", "found -100";
    start_month_thirteen: "start-month-thirteen.toml" => 3, "scenario.start", "found \"2025-13\"";
    start_year_far_future: "start-year-far-future.toml" => 3, "scenario.start", "found 99999";
    start_month_one_digit: "start-month-one-digit.toml" => 3, "scenario.start", "found \"2025-1\"";
    start_with_a_space: "start-with-a-space.toml" => 3, "scenario.start", "found \" 2025-01\"";
    start_quoted_full_date: "start-quoted-full-date.toml" => 3, "scenario.start", "found \"2025-06-01\"";
    currency_blank: "currency-blank.toml" => 3, "scenario.currency", "expected a currency unit, found \" \"";
    unknown_status: "unknown-status.toml" => 6, "country[0].status", "unknown status `nato`";
    invalid_id: "invalid-id.toml" => 5, "country[0].id", "invalid id `A B`";
    policy_set_out_of_range: "policy-set-out-of-range.toml" => 21, "policy[0].changes[0].set", "expected a number in [0, 0.5] (share of GDP), found 2.0";
    policy_two_operations: "policy-two-operations.toml" => 21, "policy[0].changes[0]", "give exactly one of `set`, `add` or `scale`";
    ramp_years_negative: "ramp-years-negative.toml" => 21, "policy[0].ramp_years", "found -2";
    // nan and inf
    nan_literal: "nan-literal.toml" => 8, "country[0].military.readiness", "found NaN";
    inf_literal: "inf-literal.toml" => 9, "country[0].economic.gdp", "found inf";
    negative_inf_literal: "negative-inf-literal.toml" => 10, "country[0].economic.growth", "found -inf";
    // huge numbers
    huge_float: "huge-float.toml" => 7, "country[0].military.budget", "found `1e400`, a number too large to use";
    huge_integer: "huge-integer.toml" => 9, "country[0].economic.gdp", "found 99999999999999999999999999";
    huge_seed: "huge-seed.toml" => 3, "scenario.seed", "found 18446744073709551616";
    huge_runs: "huge-runs.toml" => 3, "scenario.runs", "found 1_000_000_000_000_000";
    // empty, binary, encodings
    empty: "empty.toml" => 0, "", "the file is empty";
    comments_only: "comments-only.toml" => 0, "", "the file holds only comments";
    binary_garbage: "binary-garbage.toml" => 1, "", "it is binary, not a TOML scenario";
    non_utf8_latin1: "non-utf8-latin1.toml" => 3, "scenario.description", "not valid UTF-8 (invalid byte 0xe7";
    utf16_with_bom: "utf16-with-bom.toml" => 0, "", "the file is UTF-16 text";
    // nesting and size
    deep_nesting: "deep-nesting.toml" => 3, "scenario.nested", "max recursion depth met";
    deep_inline_tables: "deep-inline-tables.toml" => 6, "country[0].military", "max recursion depth met";
    enormous_array: "enormous-array.toml" => 20, "alliance[0].members", "10001 entries; at most 10000 are allowed";
    // extends
    extends_cycle_a: "extends-cycle-a.toml" => 1, "extends", "the base scenario `extends-cycle-b.toml` (at `tests/bad/extends-cycle-b.toml`) is not valid";
    extends_cycle_b: "extends-cycle-b.toml" => 1, "extends", "the base scenario `extends-cycle-a.toml` (at `tests/bad/extends-cycle-a.toml`) is not valid";
    extends_itself: "extends-itself.toml" => 1, "extends", "`extends` cycle: `extends-itself.toml` is already being read";
    extends_missing_file: "extends-missing-file.toml" => 1, "extends", "cannot read file `tests/bad/no-such-base.toml`: No such file or directory";
    extends_not_a_string: "extends-not-a-string.toml" => 1, "extends", "expected a string, found integer";
    // keys removed with model 2: the migration message names the replacement
    removed_sanctions_cost: "removed-sanctions-cost.toml" => 5, "model.sanctions_cost", "`model.sanctions_cost` was removed in model 2 (the crisis game); replaced by `model.sanctions_gdp_loss`";
    removed_trade_cost: "removed-trade-cost.toml" => 5, "model.trade_cost", "replaced by `model.trade_gdp_loss`";
    removed_resolve_intercept: "removed-resolve-intercept.toml" => 5, "model.resolve_intercept", "replaced by `model.target_stake`";
    removed_resolve_cohesion: "removed-resolve-cohesion.toml" => 5, "model.resolve_cohesion", "replaced by `model.concession_cohesion`";
    removed_resolve_reputation: "removed-resolve-reputation.toml" => 5, "model.resolve_reputation", "replaced by `model.concession_reputation`";
    removed_resolve_commitment: "removed-resolve-commitment.toml" => 5, "model.resolve_commitment", "replaced by `model.treaty_cost` and `model.protect_value`";
    removed_key_in_policy_path: "removed-key-in-policy-path.toml" => 21, "policy[0].changes[0].path", "`model.sanctions_cost` was removed in model 2 (the crisis game); replaced by `model.sanctions_gdp_loss`";
}

#[test]
fn extends_cycle_names_the_cycle_in_the_base() {
    let out = run(&["validate", "tests/bad/extends-cycle-a.toml"]);
    let err = stderr(&out);
    assert!(
        err.contains("tests/bad/extends-cycle-b.toml:1:11: error: extends: `extends` cycle"),
        "{err}"
    );
}

#[test]
fn unquoted_string_gets_a_hint() {
    let out = run(&["validate", "tests/bad/syntax-bare-word.toml"]);
    assert!(
        stderr(&out).contains("help: strings must be quoted: status = \"nato_member\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_key_suggests_the_closest() {
    let out = run(&["validate", "tests/bad/unknown-military-key.toml"]);
    assert!(stderr(&out).contains("did you mean `readiness`?"));
}

#[test]
fn validate_reports_every_bad_file_at_once() {
    let out = run(&[
        "validate",
        "tests/bad/negative-budget.toml",
        "tests/bad/nan-literal.toml",
        "scenarios/western-balkans-2024.toml",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("negative-budget.toml:7:"), "{err}");
    assert!(err.contains("nan-literal.toml:8:"), "{err}");
    assert!(err.contains("2 errors found"), "{err}");
}

/// tests/bad/sweep/: malformed sweep files, refused by `deter sweep` before any run.
mod sweep {
    use super::check_bad;
    use crate::root;

    bad_files! {
        dir: "tests/bad/sweep",
        commands: &[&["sweep", "{}", "--quiet"]],
        sweep_empty: "empty.toml" => 0, "", "the file is empty";
        sweep_syntax_error: "syntax-error.toml" => 9, "", "TOML syntax error";
        sweep_unknown_key: "unknown-key.toml" => 10, "parameter[0].valus", "unknown key `valus`";
        sweep_unknown_path: "unknown-path.toml" => 7, "parameter[0].path", "is not a parameter of this scenario";
        sweep_value_out_of_range: "value-out-of-range.toml" => 9, "parameter[0].values[1]", "found 1.5";
        sweep_nan_value: "nan-value.toml" => 9, "parameter[0].values[1]", "expected a number in [0, 1], found NaN";
        sweep_unknown_design: "unknown-design.toml" => 4, "design", "unknown value `gird`";
        sweep_unknown_role: "unknown-role.toml" => 8, "parameter[0].role", "unknown value `levr`";
        sweep_inverted_range: "inverted-range.toml" => 10, "parameter[0].range", "expected low < high";
        sweep_runs_zero: "runs-zero.toml" => 2, "runs", "expected an integer in [1, 1000000000000], found 0";
        sweep_missing_base: "missing-base.toml" => 1, "base", "cannot read file `tests/bad/sweep/no-such-base.toml`: No such file or directory";
        sweep_no_parameters: "no-parameters.toml" => 1, "parameter", "a sweep needs at least one [[parameter]]";
    }

    /// An unwritable output is refused before any point runs.
    #[test]
    fn sweep_output_directory_must_exist() {
        let out = super::run(&[
            "sweep",
            "scenarios/sweeps/kosovo-budget-x-nato.toml",
            "--out",
            "/nonexistent-dir-deter/never.csv",
            "--quiet",
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", super::stderr(&out));
        assert!(super::stderr(&out).contains("does not exist"));
    }
}
