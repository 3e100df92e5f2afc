//! Warnings: a value the model never reads (`deter validate`), a policy that starts after the
//! horizon the command actually runs (`run`, `compare`, `sweep --horizon-years`), a sweep
//! file's warnings through the library in the words the command line prints, and the fixed
//! values of a calibration (`# set` lines of a file of draws) that a scenario lacks, under
//! `--posterior` and a sweep's `futures`. Expected words are taken from the command or file
//! kind that already gets them right, not from the code under test.

use std::path::Path;

mod common;
use common::{
    deter, first_error, refused_for, run, scenario, stderr, stderr_says, succeeded, write,
};

// ---- Values the model never reads ----

/// `deter validate` warns about a fait accompli parameter that the model never reads:
/// `model.casus_foederis_cost` and `model.fait_accompli_resistance` are read only when the
/// fait accompli is offered (docs/MODEL.md 7.7), so with `model.fait_accompli` 0 a value
/// written in `[model]` changes nothing (it was accepted in silence). With the move offered,
/// or a value at its default, nothing is said.
#[test]
fn validate_warns_about_fait_accompli_parameters_the_model_never_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    assert!(text.contains("\n[model]\n"));
    let check = |extra: &str| {
        let f = write(
            d.path(),
            "s.toml",
            &text.replacen("\n[model]\n", &format!("\n[model]\n{extra}"), 1),
        );
        let o = deter()
            .args(["validate", f.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (f, stderr(&o))
    };
    let (f, err) = check("casus_foederis_cost = 1.5\nfait_accompli_resistance = 0.25\n");
    let line = text.lines().position(|l| l == "[model]").unwrap() + 2;
    for (n, key, col) in [
        (
            line,
            "casus_foederis_cost",
            "casus_foederis_cost = ".len() + 1,
        ),
        (
            line + 1,
            "fait_accompli_resistance",
            "fait_accompli_resistance = ".len() + 1,
        ),
    ] {
        let at = format!("{}:{n}:{col}: warning: model.{key}: ", f.display());
        assert!(err.contains(&at), "no `{at}` in:\n{err}");
    }
    assert!(
        err.contains("fait_accompli = 1"),
        "no way out named:\n{err}"
    );
    // The move offered: both are read, nothing to say.
    let (_, err) =
        check("fait_accompli = 1\ncasus_foederis_cost = 1.5\nfait_accompli_resistance = 0.25\n");
    assert!(!err.contains("warning"), "{err}");
    // At their defaults: nothing changes either way.
    let (_, err) = check("casus_foederis_cost = 0\nfait_accompli_resistance = 1\n");
    assert!(!err.contains("warning"), "{err}");
}

// ---- Policies after the horizon ----

/// The `warning: ...` line of a message about when policy `id` starts, without its `FILE:LINE:COL: `
/// prefix (a copy of a file has another name and other line numbers).
fn policy_warning(err: &str, id: &str) -> Option<String> {
    err.lines()
        .find(|l| l.contains(": warning: ") && l.contains(&format!("policy `{id}` starts")))
        .map(|l| l[l.find("warning: ").unwrap()..].to_string())
}

/// `deter run/compare/sweep --horizon-years 1` of a file whose policy `calm` starts after the
/// first year: the "after the horizon ends" warning the file gets when it says
/// `horizon_years = 1` itself (the reference, from `deter validate`). The check ran only
/// against the file's own horizon (10 years), so nothing was said.
#[test]
fn a_policy_after_the_horizon_given_on_the_command_line_is_warned() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("tests/warn/sweep-base.toml")).unwrap();
    let own = write(
        d.path(),
        "own-horizon.toml",
        &text.replace("[scenario]\n", "[scenario]\nhorizon_years = 1\n"),
    );
    let reference = run(&["validate", own.to_str().unwrap()]);
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let expected = policy_warning(&stderr(&reference), "calm").expect("the file's own warning");
    assert!(expected.contains("after the horizon ends"), "{expected}");
    let file = "tests/warn/sweep-base.toml";
    let out = d.path().join("sweep.csv");
    let out = out.to_str().unwrap();
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
        // A sweep of that base: its base scenario's warning at the sweep's horizon.
        vec![
            "sweep",
            "tests/warn/sweep-varies-a-policy-parameter.toml",
            "--horizon-years",
            "1",
            "--out",
            out,
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
    let o = run(&[
        "sweep",
        "tests/warn/sweep-varies-a-policy-parameter.toml",
        "--out",
        out,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
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

// ---- A sweep file's warnings ----

/// `deter::sweep_warnings` gives a sweep file's warnings in the words `deter validate` and
/// `deter sweep` print (the Python package's `sweep` issues them as `UserWarning`s; it was
/// silent), and none for a sweep without any.
#[test]
fn a_sweeps_warnings_are_those_the_command_line_prints() {
    let file = common::scenario("tests/warn/sweep-varies-a-policy-parameter.toml");
    let cli = common::run(&["validate", &file]);
    assert_eq!(cli.status.code(), Some(0));
    let want = common::stderr(&cli);
    assert!(
        want.contains("overrides the values this sweep gives it"),
        "{want}"
    );
    let got = deter::sweep_warnings(Path::new(&file)).unwrap();
    assert_eq!(got.to_string(), want);
    let quiet = common::scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    assert!(
        deter::sweep_warnings(Path::new(&quiet))
            .unwrap()
            .0
            .is_empty()
    );
    assert!(matches!(
        deter::sweep_warnings(Path::new("no-such-sweep.toml")),
        Err(deter::Error::Input(_))
    ));
}

// ---- A calibration's fixed values under a posterior or futures ----

/// A sweep whose `futures` file is a posterior of a calibration that fixed parameters (its
/// `# set = PATH=VALUE` lines): each one the base scenario does not have at its value is
/// warned about, as `deter run --posterior` warns, naming the sweep's base scenario; the
/// sweep runs all the same, its rows those of the same draws without the lines.
#[test]
fn a_sweep_warns_when_its_futures_were_calibrated_with_values_its_base_lacks() {
    let d = tempfile::tempdir().unwrap();
    // The base scenario as the sweep file names it (relative to the sweep file).
    let base_abs = common::scenario("scenarios/western-balkans-2024.toml");
    std::fs::copy(&base_abs, d.path().join("base.toml")).unwrap();
    let draws = "draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,1.5,1,0\n";
    // Fixed parameters as `deter calibrate` writes them: one the base has at another value
    // (the fait accompli is off by default), one it has at the value (`war_cost`'s own
    // column aside, `model.fait_accompli_resistance` defaults to 1), one it does not have.
    std::fs::write(
        d.path().join("post.csv"),
        format!(
            "# deter calibrate: posterior draws\n# set = model.fait_accompli=1\n\
             # set = model.fait_accompli_resistance=1\n# set = model.no_such_thing=2\n{draws}"
        ),
    )
    .unwrap();
    std::fs::write(d.path().join("plain.csv"), draws).unwrap();
    let sweep = |name: &str, futures: &str| {
        write(
            d.path(),
            name,
            &format!("base = \"base.toml\"\nruns = 20\npoints = 2\nfutures = \"{futures}\"\n"),
        )
    };
    let (s, plain) = (sweep("s.toml", "post.csv"), sweep("p.toml", "plain.csv"));
    let (r1, r2) = (d.path().join("r1.csv"), d.path().join("r2.csv"));
    let o = deter()
        .args([
            "sweep",
            s.to_str().unwrap(),
            "--out",
            r1.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    succeeded(&o);
    let err = stderr(&o);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains(": warning: ")).collect();
    let sweep_file = s.display().to_string();
    // At the `futures` value: line 4, after `futures = ` (column 11).
    assert_eq!(
        warnings,
        [
            format!(
                "{sweep_file}:4:11: warning: futures: post.csv:2: these draws were calibrated \
                 with `model.fait_accompli=1` fixed but the base scenario `base.toml` has \
                 model.fait_accompli = 0: set model.fait_accompli = 1 in the base scenario to \
                 run under the conditions of the calibration"
            ),
            format!(
                "{sweep_file}:4:11: warning: futures: post.csv:4: these draws were calibrated \
                 with `model.no_such_thing=2` fixed, a parameter the base scenario `base.toml` does \
                 not have"
            ),
        ],
        "{err}"
    );
    // The same draws without the lines: no warning, and the same rows.
    let q = deter()
        .args([
            "sweep",
            plain.to_str().unwrap(),
            "--out",
            r2.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    succeeded(&q);
    assert!(!stderr(&q).contains("warning"), "{}", stderr(&q));
    let rows = std::fs::read_to_string(&r1).unwrap();
    assert_eq!(rows, std::fs::read_to_string(&r2).unwrap());
    assert_eq!(rows.lines().count(), 3, "{rows}");
}

/// A `# set` line of a file of draws (a calibration's fixed value) that does not read was
/// skipped as a comment, and the run went ahead without the warning the line was written
/// for: `deter run --posterior` and a sweep's `futures` refuse it at its `FILE:LINE:COL` with
/// what was expected (a value in `--set`'s words for the same text). The warnings about a
/// fixed value the scenario lacks name the `# set` line's `FILE:LINE`.
#[test]
fn a_set_line_of_a_posterior_that_does_not_read_is_refused_and_warnings_name_its_line() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let post = d.path().join("post.csv");
    let p = post.to_str().unwrap();
    let draws = "draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,1.5,1,0\n";
    let s = common::futures_sweep(d.path(), "futures.toml", &base, "post.csv");
    let out = d.path().join("out.csv");
    let (sweep, o_path) = (s.to_str().unwrap(), out.to_str().unwrap());
    // `--set`'s words for a value that is not a number, after its location and key path.
    let o = run(&["run", &base, "--set", "model.fait_accompli=abc"]);
    let set_words = first_error(&stderr(&o))
        .split_once(": error: model.fait_accompli: ")
        .expect("--set's fault")
        .1
        .to_string();
    assert!(set_words.ends_with("found `abc`"), "{set_words}");
    for (line, at, problem) in [
        (
            "# set model.fait_accompli=1",
            "2:1",
            "expected `# set = PATH=VALUE` (a value the calibration fixed), found `# set \
             model.fait_accompli=1`"
                .to_string(),
        ),
        (
            "# set = model.fait_accompli",
            "2:9",
            "expected PATH=VALUE after `# set = `, found `model.fait_accompli`".to_string(),
        ),
        (
            "# set = model.fait_accompli=abc",
            "2:29",
            format!("model.fait_accompli: {set_words}"),
        ),
    ] {
        std::fs::write(
            &post,
            format!("# deter calibrate: posterior draws\n{line}\n{draws}"),
        )
        .unwrap();
        let o = run(&[
            "run",
            &base,
            "--posterior",
            p,
            "--draws",
            "2",
            "--runs",
            "5",
            "-q",
        ]);
        refused_for(&o, format_args!("{line}"));
        assert_eq!(
            first_error(&stderr(&o)),
            format!("{p}:{at}: error: {problem}")
        );
        let o = run(&["sweep", sweep, "--out", o_path, "-q"]);
        refused_for(&o, format_args!("{line}"));
        assert_eq!(
            first_error(&stderr(&o)),
            format!("{sweep}:4:11: error: futures: post.csv:{at}: {problem}")
        );
        assert!(!out.exists());
    }
    // Comments that are not `# set` lines are skipped; a fixed value the scenario lacks is
    // warned about at its line, 4 here.
    std::fs::write(
        &post,
        format!(
            "# deter calibrate: posterior draws\n# settings: none\n#\n\
             # set = model.fait_accompli=1\n{draws}"
        ),
    )
    .unwrap();
    let o = run(&[
        "run",
        &base,
        "--posterior",
        p,
        "--draws",
        "2",
        "--runs",
        "5",
        "-q",
    ]);
    succeeded(&o);
    assert_eq!(
        stderr(&o),
        format!(
            "warning: {p}:4: these draws were calibrated with `model.fait_accompli=1` fixed but \
             this scenario has model.fait_accompli = 0: add --set model.fait_accompli=1 to run \
             under the conditions of the calibration\n"
        )
    );
    let o = run(&["sweep", sweep, "--out", o_path, "-q"]);
    succeeded(&o);
    stderr_says(
        &o,
        &format!(
            "{sweep}:4:11: warning: futures: post.csv:4: these draws were calibrated with \
             `model.fait_accompli=1` fixed but the base scenario"
        ),
    );
}

// ---- The base scenario's own warnings in a sweep ----

/// `deter sweep FILE` (and `deter validate FILE`) print the base scenario's own warnings,
/// those `deter validate BASE` gives it (here a policy dated after its horizon), once, before
/// the sweep's own (here a swept parameter that cannot influence any output). The sweep said
/// only its own.
#[test]
fn a_sweep_prints_its_base_scenarios_warnings_once_before_its_own() {
    let d = tempfile::tempdir().unwrap();
    let base = write(
        d.path(),
        "base.toml",
        &format!(
            "extends = \"{}\"\n\n[[policy]]\nid = \"late\"\nstart = \"2040-01\"\nchanges = \
             [{{ path = \"country.AAA.military.budget\", set = 2.0 }}]\n",
            scenario("tests/warn/sweep-base.toml")
        ),
    );
    // The reference: what `deter validate BASE` says of it.
    let v = run(&["validate", base.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let want = policy_warning(&stderr(&v), "late").expect("the base's own warning");
    let file = write(
        d.path(),
        "sweep.toml",
        "base = \"base.toml\"\nruns = 10\ndesign = \"grid\"\n\n[[parameter]]\npath = \
         \"country.BBB.political.narrative\"\nrole = \"uncertainty\"\nvalues = [0.1, 0.9]\n",
    );
    let out = d.path().join("r.csv");
    for args in [
        vec![
            "sweep",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        vec!["validate", file.to_str().unwrap()],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(
            err.matches(want.as_str()).count(),
            1,
            "{args:?}: once: {err}"
        );
        let base_at = err.find(want.as_str()).unwrap();
        let own_at = err
            .find("cannot influence any output")
            .unwrap_or_else(|| panic!("{args:?}: the sweep's own warning: {err}"));
        assert!(base_at < own_at, "{args:?}: the base's first: {err}");
    }
}

// ---- `--set` dates a policy anew ----

/// `--set policy.ID.start=Y` moves a policy: the warnings are those of the scenario as run.
/// A start set after the horizon ends gets the file's words ("it never takes effect"),
/// located at the `--set` text, in `run`, `compare` (`--set`, `--set-b`) and `validate --set`;
/// a late policy that `--set` brings inside the horizon loses the file's warning. The
/// warnings were checked on the file before the overrides: neither was right.
#[test]
fn a_policy_start_set_on_the_command_line_is_checked_against_the_horizon() {
    let file = "scenarios/kosovo-nato-path.toml";
    let own = run(&["validate", file]);
    assert_eq!(policy_warning(&stderr(&own), "nato-membership"), None);
    let set = "policy.nato-membership.start=2040";
    let words = "warning: policy.nato-membership.start: policy `nato-membership` starts \
                 2040-01, after the horizon ends (2035-01): it never takes effect";
    for (args, origin) in [
        (
            vec!["run", file, "--runs", "5", "--no-attribution", "--set", set],
            "--set",
        ),
        (
            vec![
                "compare",
                file,
                file,
                "--runs",
                "5",
                "--no-attribution",
                "--set-b",
                set,
            ],
            "--set-b (for B: scenarios/kosovo-nato-path.toml)",
        ),
        (vec!["validate", file, "--set", set], "--set"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        let at = format!("{origin}:1:{}: {words}", set.find('=').unwrap() + 2);
        assert_eq!(err.matches(at.as_str()).count(), 1, "{args:?}: {err}");
    }
    // The converse: a late policy dated inside the horizon by `--set` takes effect.
    let late = "tests/warn/policy-after-horizon.toml";
    let o = run(&["run", late, "--runs", "5", "--no-attribution"]);
    assert!(
        policy_warning(&stderr(&o), "late").is_some(),
        "{}",
        stderr(&o)
    );
    for args in [
        vec![
            "run",
            late,
            "--runs",
            "5",
            "--no-attribution",
            "--set",
            "policy.late.start=2030",
        ],
        vec!["validate", late, "--set", "policy.late.start=2030"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(
            policy_warning(&stderr(&o), "late"),
            None,
            "{args:?}: {}",
            stderr(&o)
        );
    }
}
