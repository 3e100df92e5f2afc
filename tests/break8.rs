//! Faults a fresh user met in break 8 (the Python package, sweeps and robust decisions,
//! calibration with Ctrl-C and `--resume`), each test named after the guarantee it restores.
//! Expected messages come from the command or file kind that already gets them right, not
//! from the code under test.

use std::path::Path;

mod common;
use common::root;

/// Two scenarios of different horizons were refused by the library (`deter::compare`,
/// `deter::compare_nested`, and so the Python package) with "... (use --horizon-years)", a
/// flag no program has; it names the setting `horizon_years` there, as every other setting
/// out of range is named (`settings::setting_name`). The command line keeps its flag, with
/// and without `--posterior`.
#[test]
fn different_horizons_are_refused_in_each_callers_words() {
    let text = std::fs::read_to_string(root().join("tests/warn/sweep-base.toml")).unwrap();
    let short = text.replacen("[scenario]", "[scenario]\nhorizon_years = 4", 1);
    assert_ne!(short, text, "the fixture has a [scenario] table");
    let a = deter::parse(&text, "a.toml").unwrap();
    let b = deter::parse(&short, "b.toml").unwrap();
    let settings = deter::Settings {
        runs: Some(10),
        threads: 1,
        ..Default::default()
    };
    let expected = format!(
        "the scenarios have different horizons ({} and 4 years); common random numbers need \
         the same horizon (use `horizon_years`)",
        a.meta.horizon_years
    );
    match deter::compare(&a, &b, &settings, deter::Control::default()) {
        Err(deter::Error::Invalid(m)) => assert_eq!(m, expected),
        other => panic!("expected Error::Invalid, got {:?}", other.map(|_| ())),
    }
    let tmp = tempfile::tempdir().unwrap();
    let uncertain = "\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 1.0]\n";
    let (ua, ub) = (format!("{text}{uncertain}"), format!("{short}{uncertain}"));
    let na = deter::parse(&ua, "a.toml").unwrap();
    let nb = deter::parse(&ub, "b.toml").unwrap();
    match deter::compare_nested(
        &na,
        &nb,
        None,
        &settings,
        Some(2),
        deter::Control::default(),
    ) {
        Err(deter::Error::Invalid(m)) => assert_eq!(m, expected),
        other => panic!("expected Error::Invalid, got {:?}", other.map(|_| ())),
    }
    // The command line: its flag, in both comparisons.
    let (fa, fb) = (tmp.path().join("a.toml"), tmp.path().join("b.toml"));
    std::fs::write(&fa, &ua).unwrap();
    std::fs::write(&fb, &ub).unwrap();
    let cli = expected.replace("`horizon_years`", "--horizon-years");
    let plain = [
        "compare",
        fa.to_str().unwrap(),
        fb.to_str().unwrap(),
        "--runs",
        "10",
        "--no-attribution",
    ];
    let out = common::run(&plain);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(common::stderr(&out), format!("error: {cli}\n"));
    let nested = [
        "compare",
        fa.to_str().unwrap(),
        fb.to_str().unwrap(),
        "--runs",
        "10",
        "--draws",
        "2",
    ];
    let out = common::run(&nested);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(common::stderr(&out), format!("error: {cli}\n"));
}

/// Through the library (and so the Python package) a posterior column that is not a
/// parameter of the scenario was "parameter `X` of the draws: `X` is not a parameter of this
/// scenario", with no `FILE:LINE:COL`; `deter::read_posterior_for` locates every fault of the
/// file as `deter run --posterior` does, with the same text.
#[test]
fn a_posterior_fault_is_located_by_the_library_as_by_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let post = common::write_posterior(
        tmp.path(),
        &["model.war_cost", "model.war_cots"],
        &[(&[0.5, 0.5], 1.0), (&[0.9, 0.7], 1.0)],
    );
    let file = common::scenario("scenarios/western-balkans-2024.toml");
    let s = deter::load(Path::new(&file)).unwrap();
    let cli = common::run(&[
        "run",
        &file,
        "--posterior",
        post.to_str().unwrap(),
        "--draws",
        "2",
        "--runs",
        "10",
        "-q",
    ]);
    assert_eq!(cli.status.code(), Some(2));
    let want = common::stderr(&cli);
    assert!(
        want.contains("posterior.csv:2:21: error: column `model.war_cots`"),
        "{want}"
    );
    match deter::read_posterior_for(&post, &[&s]) {
        Err(deter::Error::Input(d)) => assert_eq!(d.to_string(), want),
        other => panic!("expected Error::Input, got {:?}", other.map(|_| ())),
    }
    // A file without the fault reads as `read_posterior` reads it.
    let good = common::write_posterior(tmp.path(), &["model.war_cost"], &[(&[0.5], 1.0)]);
    assert_eq!(
        deter::read_posterior_for(&good, &[&s]).unwrap(),
        deter::read_posterior(&good).unwrap()
    );
}
