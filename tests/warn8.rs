//! Faults of warnings and help lines (warn8): a warning checked against the horizon the
//! command actually runs, a did-you-mean given as a help line, a type fault with an example.
//! Expected words are taken from the command or file kind that already gets them right.

mod common;
use common::{run, stderr};

/// The `warning: ...` line of a message about policy `id`, without its `FILE:LINE:COL: `
/// prefix (a copy of a file has another name and other line numbers).
fn policy_warning(err: &str, id: &str) -> Option<String> {
    err.lines()
        .find(|l| l.contains(": warning: ") && l.contains(&format!("policy `{id}`")))
        .map(|l| l[l.find("warning: ").unwrap()..].to_string())
}

/// `deter run/compare --horizon-years 1` of a file whose policy `calm` starts after the
/// first year: the "after the horizon ends" warning the file gets when it says
/// `horizon_years = 1` itself (the reference, from `deter validate`). The check ran only
/// against the file's own horizon (10 years), so nothing was said.
#[test]
fn a_policy_after_the_horizon_given_on_the_command_line_is_warned() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("tests/warn/sweep-base.toml")).unwrap();
    let own = d.path().join("own-horizon.toml");
    std::fs::write(
        &own,
        text.replace("[scenario]\n", "[scenario]\nhorizon_years = 1\n"),
    )
    .unwrap();
    let reference = run(&["validate", own.to_str().unwrap()]);
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let expected = policy_warning(&stderr(&reference), "calm").expect("the file's own warning");
    assert!(expected.contains("after the horizon ends"), "{expected}");
    let file = "tests/warn/sweep-base.toml";
    for args in [
        vec!["run", file, "--horizon-years", "1", "--runs", "10"],
        vec![
            "compare",
            file,
            file,
            "--horizon-years",
            "1",
            "--runs",
            "10",
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(
            policy_warning(&err, "calm").as_deref(),
            Some(expected.as_str()),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("or lengthen `--horizon-years` (1)"),
            "{args:?}: {err}"
        );
    }
    // Without the flag, the file's horizon (10 years) covers 2027-01: no warning.
    let o = run(&["run", file, "--runs", "10"]);
    assert_eq!(policy_warning(&stderr(&o), "calm"), None, "{}", stderr(&o));
}

/// The converse: a policy after the file's horizon but inside a longer `--horizon-years`
/// takes effect, so the file's warning ("it never takes effect") is not given.
#[test]
fn a_policy_inside_a_longer_horizon_on_the_command_line_is_not_warned() {
    let file = "tests/warn/policy-after-horizon.toml";
    let own = run(&["run", file, "--runs", "10"]);
    assert!(
        policy_warning(&stderr(&own), "late").is_some(),
        "{}",
        stderr(&own)
    );
    let o = run(&["run", file, "--horizon-years", "20", "--runs", "10"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(policy_warning(&stderr(&o), "late"), None, "{}", stderr(&o));
}
