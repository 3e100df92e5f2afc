//! Warnings: a value the model never reads (`deter validate`), a policy that starts after the
//! horizon the command actually runs (`run`, `compare`, `sweep --horizon-years`), a sweep
//! file's warnings through the library in the words the command line prints, and the fixed
//! values of a calibration (`# set` lines of a file of draws) that a scenario lacks, under
//! `--posterior` and a sweep's `futures`. Expected words are taken from the command or file
//! kind that already gets them right, not from the code under test.

use std::path::Path;
use std::process::Output;

mod common;
use common::{
    deter, first_error, refused_for, run, scenario, stderr, stderr_says, succeeded, succeeded_for,
    write,
};

// ---- Values the model never reads ----

/// Write `text` (a scenario with a `[model]` table) to `dir` with `extra` lines at the top of
/// its `[model]` table, `deter validate` it, and return the file and what it said (it must
/// accept the file: a value never read is a warning, not an error).
fn validate_with_model_lines(dir: &Path, text: &str, extra: &str) -> (std::path::PathBuf, String) {
    let f = write(
        dir,
        "s.toml",
        &text.replacen("\n[model]\n", &format!("\n[model]\n{extra}"), 1),
    );
    let o = deter()
        .args(["validate", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (f, stderr(&o))
}

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
    let check = |extra: &str| validate_with_model_lines(d.path(), &text, extra);
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

/// `deter validate` warns about `model.defeat_memory_decay` written with the memory off
/// (`model.defeat_memory` 0, the default): the decay is read only when the memory is
/// (docs/MODEL.md 7.6), in the words and position of the fait accompli's warning above. With the
/// memory on, or the decay at its default, nothing is said.
#[test]
fn validate_warns_about_a_memory_decay_the_model_never_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    assert!(text.contains("\n[model]\n"));
    let check = |extra: &str| validate_with_model_lines(d.path(), &text, extra);
    let (f, err) = check("defeat_memory_decay = 0.5\n");
    let line = text.lines().position(|l| l == "[model]").unwrap() + 2;
    let at = format!(
        "{}:{line}:{}: warning: model.defeat_memory_decay: ",
        f.display(),
        "defeat_memory_decay = ".len() + 1
    );
    assert!(err.contains(&at), "no `{at}` in:\n{err}");
    assert!(
        err.contains("defeat_memory = 0.12"),
        "no way out named:\n{err}"
    );
    let (_, err) = check("defeat_memory = 0.12\ndefeat_memory_decay = 0.5\n");
    assert!(!err.contains("warning"), "{err}");
    let (_, err) = check("defeat_memory_decay = 0.2\n");
    assert!(!err.contains("warning"), "{err}");
}

/// `model.dispute_recency_decay` is read only when a dispute's recency raises the crisis hazard
/// (`model.dispute_recency` above 0, docs/MODEL.md 7.4): written with the term off it is warned
/// at its value, in the words of the memory's warnings; with the term on, or at its default 0.5,
/// nothing.
#[test]
fn validate_warns_about_a_recency_decay_the_model_never_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    assert!(text.contains("\n[model]\n"));
    let check = |extra: &str| validate_with_model_lines(d.path(), &text, extra);
    let (f, err) = check("dispute_recency_decay = 0.2\n");
    let line = text.lines().position(|l| l == "[model]").unwrap() + 2;
    let at = format!(
        "{}:{line}:{}: warning: model.dispute_recency_decay: ",
        f.display(),
        "dispute_recency_decay = ".len() + 1
    );
    assert!(err.contains(&at), "no `{at}` in:\n{err}");
    assert!(
        err.contains("dispute_recency = 1"),
        "no way out named:\n{err}"
    );
    let (_, err) = check("dispute_recency = 1\ndispute_recency_decay = 0.2\n");
    assert!(!err.contains("warning"), "{err}");
    let (_, err) = check("dispute_recency_decay = 0.5\n");
    assert!(!err.contains("warning"), "{err}");
}

/// `model.defeat_memory_reset` is read only when the memory is (`model.defeat_memory` above 0,
/// docs/MODEL.md 7.9): written with the memory off it is warned at its value, in the words of
/// the decay's warning above; with the memory on, or at its default 0, nothing.
#[test]
fn validate_warns_about_a_memory_reset_the_model_never_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    assert!(text.contains("\n[model]\n"));
    let check = |extra: &str| validate_with_model_lines(d.path(), &text, extra);
    let (f, err) = check("defeat_memory_reset = 1\n");
    let line = text.lines().position(|l| l == "[model]").unwrap() + 2;
    let at = format!(
        "{}:{line}:{}: warning: model.defeat_memory_reset: ",
        f.display(),
        "defeat_memory_reset = ".len() + 1
    );
    assert!(err.contains(&at), "no `{at}` in:\n{err}");
    assert!(
        err.contains("is read only when the challenger remembers its defeats: with `model.defeat_memory` 0 it changes nothing"),
        "not in the decay's words:\n{err}"
    );
    assert!(
        err.contains("defeat_memory = 0.12"),
        "no way out named:\n{err}"
    );
    let (_, err) = check("defeat_memory = 0.12\ndefeat_memory_reset = 1\n");
    assert!(!err.contains("warning"), "{err}");
    let (_, err) = check("defeat_memory_reset = 0\n");
    assert!(!err.contains("warning"), "{err}");
}

/// `model.war_revelation_decay` is read only when a war reveals the target's resolve
/// (`war_revelation` above 0, docs/MODEL.md 7.6): written with the switch 0 (the default is 1)
/// it is warned at its value, in the words of the other keys a switch gates; with the switch
/// on (written or by default), or at its default, nothing.
#[test]
fn validate_warns_about_a_war_revelation_decay_the_model_never_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    assert!(text.contains("\n[model]\n"));
    let check = |extra: &str| validate_with_model_lines(d.path(), &text, extra);
    let (f, err) = check("war_revelation = 0\nwar_revelation_decay = 0.5\n");
    let line = text.lines().position(|l| l == "[model]").unwrap() + 3;
    let at = format!(
        "{}:{line}:{}: warning: model.war_revelation_decay: ",
        f.display(),
        "war_revelation_decay = ".len() + 1
    );
    assert!(err.contains(&at), "no `{at}` in:\n{err}");
    assert!(
        err.contains("war_revelation = 1"),
        "no way out named:\n{err}"
    );
    let (_, err) = check("war_revelation = 1\nwar_revelation_decay = 0.5\n");
    assert!(!err.contains("warning"), "{err}");
    let (_, err) = check("war_revelation_decay = 0.5\n");
    assert!(!err.contains("warning"), "{err}");
    let (_, err) = check("war_revelation = 0\nwar_revelation_decay = 0.2\n");
    assert!(!err.contains("warning"), "{err}");
}

/// `model.mobilisation_shock_cost` is read only when a display can reveal a cost of force
/// (`mobilisation_shock` above 0): written with the shock 0 it is warned at its value, in the
/// words of the other keys a switch gates; with the shock on, or at its default, nothing.
#[test]
fn validate_warns_about_a_revealed_cost_the_model_never_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    assert!(text.contains("\n[model]\n"));
    let check = |extra: &str| validate_with_model_lines(d.path(), &text, extra);
    let (f, err) = check("mobilisation_shock = 0\nmobilisation_shock_cost = 5\n");
    let line = text.lines().position(|l| l == "[model]").unwrap() + 3;
    let at = format!(
        "{}:{line}:{}: warning: model.mobilisation_shock_cost: `model.mobilisation_shock_cost` is read only when a display can reveal a cost of force: with `model.mobilisation_shock` 0 it changes nothing",
        f.display(),
        "mobilisation_shock_cost = ".len() + 1
    );
    assert!(err.contains(&at), "no `{at}` in:\n{err}");
    assert!(
        err.contains("mobilisation_shock = 0.3"),
        "no way out named:\n{err}"
    );
    let (_, err) = check("mobilisation_shock_cost = 5\n");
    assert!(!err.contains("warning"), "{err}");
    let (_, err) = check("mobilisation_shock = 0\nmobilisation_shock_cost = 2\n");
    assert!(!err.contains("warning"), "{err}");
}

/// The protectors' resolve at the casus foederis is a chain of switches: the private resolve
/// (`resolve_spread`) and the misjudgment (`protector_resolve_misjudged`) are read only when
/// the protectors decide after the attack (`commitment_at_attack` 1), the signal
/// (`resolve_signal`) only with a private resolve, the pact's clarity
/// (`misjudgment_pact_clarity`) only with a misjudgment (docs/MODEL.md, the parameter
/// table). A key written while its switch is 0 is warned at its value, once: a key whose
/// switch is itself inert is warned at that switch only.
#[test]
fn validate_warns_about_a_protectors_resolve_the_model_never_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    assert!(text.contains("\n[model]\n"));
    let model_line = text.lines().position(|l| l == "[model]").unwrap() + 1;
    let check = |extra: &str| validate_with_model_lines(d.path(), &text, extra);
    let warning = |f: &Path, line: usize, key: &str, when: &str, gate: &str| {
        format!(
            "{}:{}:{}: warning: model.{key}: `model.{key}` is read only when {when}: with `model.{gate}` 0 it changes nothing",
            f.display(),
            model_line + line,
            key.len() + " = ".len() + 1
        )
    };
    let cases: [(&str, usize, &str, &str, &str); 4] = [
        (
            "protector_resolve_misjudged = 0.5\n",
            1,
            "protector_resolve_misjudged",
            "the protectors decide at the casus foederis",
            "commitment_at_attack",
        ),
        (
            "resolve_spread = 0.5\nresolve_signal = 0.8\n",
            1,
            "resolve_spread",
            "the protectors decide at the casus foederis",
            "commitment_at_attack",
        ),
        (
            "commitment_at_attack = 1\nresolve_signal = 0.8\n",
            2,
            "resolve_signal",
            "the protectors' resolve is private",
            "resolve_spread",
        ),
        (
            "commitment_at_attack = 1\nmisjudgment_pact_clarity = 1\n",
            2,
            "misjudgment_pact_clarity",
            "the challenger misjudges the protectors' resolve",
            "protector_resolve_misjudged",
        ),
    ];
    for (extra, line, key, when, gate) in cases {
        let (f, err) = check(extra);
        let at = warning(&f, line, key, when, gate);
        assert!(err.contains(&at), "no `{at}` in:\n{err}");
        assert_eq!(
            err.matches("warning:").count(),
            1,
            "one warning for {extra:?}:\n{err}"
        );
    }
    for extra in [
        "commitment_at_attack = 1\nprotector_resolve_misjudged = 0.5\nmisjudgment_pact_clarity = 1\n",
        "commitment_at_attack = 1\nresolve_spread = 0.5\nresolve_signal = 0.8\n",
        "resolve_signal = 0.5\nprotector_resolve_misjudged = 0\n",
    ] {
        let (_, err) = check(extra);
        assert!(!err.contains("warning"), "{extra:?}:\n{err}");
    }
}

/// The reneging cost (`model.reneging_cost`) is read only when the protectors move twice
/// (`protector_moves_twice` 1; docs/MODEL.md 7.7): written while the switch is 0 it is warned
/// at its value, once; with the switch on, nothing is said.
#[test]
fn validate_warns_about_a_reneging_cost_the_model_never_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("scenarios/western-balkans-2024.toml")).unwrap();
    let model_line = text.lines().position(|l| l == "[model]").unwrap() + 1;
    let (f, err) = validate_with_model_lines(d.path(), &text, "reneging_cost = 0.5\n");
    let at = format!(
        "{}:{}:{}: warning: model.reneging_cost: `model.reneging_cost` is read only when the protectors move twice: with `model.protector_moves_twice` 0 it changes nothing",
        f.display(),
        model_line + 1,
        "reneging_cost = ".len() + 1
    );
    assert!(err.contains(&at), "no `{at}` in:\n{err}");
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    let (_, err) = validate_with_model_lines(
        d.path(),
        &text,
        "protector_moves_twice = 1\nreneging_cost = 0.5\n",
    );
    assert!(!err.contains("warning"), "{err}");
}

/// The tripwire abandoned at the display (`model.tripwire_at_display`) is read only when the
/// protectors move twice (`protector_moves_twice` 1; docs/MODEL.md 7.7), like the reneging
/// cost: turned on while that switch is 0 it is warned, once, in every way a value reaches
/// the model: written in `[model]` (at its value), set by a dated policy (at the change's
/// `path`), drawn by a prior (at the prior's `path`) and given by `--set` (at the text); with
/// the protectors moving twice, in `[model]` or by `--set`, nothing is said. Running says the
/// same: the switch changes no result while the protectors move once, and changes them when
/// they move twice.
#[test]
fn the_tripwire_at_the_display_is_warned_wherever_the_model_never_reads_it() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    let when = "read only when the protectors move twice";
    let gate = "with `model.protector_moves_twice` 0";
    // In [model]: at the value.
    let model_line = text.lines().position(|l| l == "[model]").unwrap() + 1;
    let (f, err) = validate_with_model_lines(d.path(), &text, "tripwire_at_display = 1\n");
    let at = format!(
        "{}:{}:{}: warning: model.tripwire_at_display: `model.tripwire_at_display` is {when}: \
         {gate} it changes nothing",
        f.display(),
        model_line + 1,
        "tripwire_at_display = ".len() + 1
    );
    assert!(err.contains(&at), "no `{at}` in:\n{err}");
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    let (_, err) = validate_with_model_lines(
        d.path(),
        &text,
        "protector_moves_twice = 1\ntripwire_at_display = 1\n",
    );
    assert!(!err.contains("warning"), "{err}");
    // A dated policy's `set` and a prior: at their `path`.
    let policy = write(
        d.path(),
        "policy.toml",
        &format!(
            "extends = {base:?}\n\n[[policy]]\nid = \"out\"\nstart = \"2027-01\"\n\
             changes = [{{ path = \"model.tripwire_at_display\", set = 1 }}]\n"
        ),
    );
    let prior = write(
        d.path(),
        "prior.toml",
        &format!(
            "extends = {base:?}\n[[uncertain]]\npath = \"model.tripwire_at_display\"\n\
             values = [0, 1]\n"
        ),
    );
    for (file, words) in [
        (
            &policy,
            format!(
                "policy `out` changes `model.tripwire_at_display`, which is {when}: {gate} and \
                 no policy setting it, the change has no effect"
            ),
        ),
        (
            &prior,
            format!(
                "this prior draws `model.tripwire_at_display`, which is {when}: {gate} and no \
                 policy or prior setting it, the draws change nothing"
            ),
        ),
    ] {
        let p = file.to_str().unwrap();
        let o = run(&["validate", p]);
        succeeded_for(&o, p);
        let err = stderr(&o);
        assert_eq!(err.matches(&words).count(), 1, "{p}: {err}");
        assert_eq!(err.matches("warning:").count(), 1, "{p}: {err}");
        let o = run(&["validate", p, "--set", "model.protector_moves_twice=1"]);
        succeeded_for(&o, p);
        assert!(!stderr(&o).contains("warning"), "{p}: {}", stderr(&o));
    }
    // `--set`: at the text.
    let set = ["--set", "model.tripwire_at_display=1"];
    let twice = ["--set", "model.protector_moves_twice=1"];
    let want = format!(
        ":1:27: warning: model.tripwire_at_display: `model.tripwire_at_display` is {when}: \
         {gate} it changes nothing"
    );
    for (extra, warned) in [(&set[..], true), (&[twice, set].concat()[..], false)] {
        let args = [&["validate", base.as_str()][..], extra].concat();
        let o = run(&args);
        succeeded_for(&o, format!("{args:?}"));
        assert_eq!(
            stderr(&o).matches(&want).count(),
            usize::from(warned),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let json = |extra: &[&str]| {
        let args = [
            &[
                "run",
                base.as_str(),
                "--runs",
                "300",
                "--no-attribution",
                "--format",
                "json",
            ][..],
            extra,
        ]
        .concat();
        let o = run(&args);
        succeeded(&o);
        let v = common::json_without_timing(&o.stdout);
        (v["outcomes"].clone(), v["rivalries"].clone())
    };
    assert_eq!(
        json(&[]),
        json(&set),
        "the switch changed a result with one move"
    );
    assert_ne!(
        json(&twice),
        json(&[twice, set].concat()),
        "with the protectors moving twice the switch did not act"
    );
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
                 2040-01, after the horizon ends (its last month is 2034-12): it never takes effect";
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

// ---- Priors, bare ties, a file compared with itself, tiny intervals ----

/// A dated policy that changes a parameter an `[[uncertain]]` prior draws replaces each draw
/// from its start on: warned at the prior's path in `deter validate`, `run` and `compare`, in
/// the words `--set` gets for the same fault (the policy, its month, what it overrides).
#[test]
fn a_prior_that_a_dated_policy_overrides_is_warned_as_a_set_value_is() {
    let d = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(scenario("tests/warn/sweep-base.toml")).unwrap();
    let f = d.path().join("p.toml");
    std::fs::write(
        &f,
        format!(
            "{base}\n[[uncertain]]\npath = \"rivalry.AAA-BBB.monitoring\"\nrange = [0.2, 0.8]\n"
        ),
    )
    .unwrap();
    let fs = f.to_str().unwrap();
    let line = base.lines().count() + 3;
    let at = format!("{fs}:{line}:8: warning: uncertain[0].path: ");
    let words = "the scenario's policy `calm` changes `rivalry.AAA-BBB.monitoring` from 2027-01: from then on it overrides";
    // The words `--set` gets (taken from that command, not from the code under test).
    let set = run(&[
        "validate",
        &scenario("tests/warn/sweep-base.toml"),
        "--set",
        "rivalry.AAA-BBB.monitoring=0.5",
    ]);
    assert!(stderr(&set).contains(words), "{}", stderr(&set));
    for args in [
        vec!["validate", fs],
        vec!["run", fs, "--runs", "20", "--draws", "2", "--quiet"],
        vec!["compare", fs, fs, "--runs", "20", "--draws", "2", "--quiet"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{at}{words} the values this prior draws")),
            "{args:?}:\n{err}"
        );
        assert_eq!(
            err.matches(words).count(),
            1,
            "{args:?}: said more than once:\n{err}"
        );
        assert!(
            err.contains("`policy.calm.enabled`"),
            "{args:?}: no way out:\n{err}"
        );
    }
    // The policy disabled, or starting after the horizon run: nothing to say.
    let off = base.replace(
        "start = \"2027-01\"",
        "start = \"2027-01\"\nenabled = false",
    );
    assert_ne!(off, base);
    std::fs::write(
        &f,
        format!(
            "{off}\n[[uncertain]]\npath = \"rivalry.AAA-BBB.monitoring\"\nrange = [0.2, 0.8]\n"
        ),
    )
    .unwrap();
    let o = run(&["validate", fs]);
    assert!(!stderr(&o).contains("overrides"), "{}", stderr(&o));
}

/// A scenario with a tie of the target to a power that has nothing in theatre and replaces no
/// trade: a bare tie, inert (tests/validation.rs shows its runs bit-identical to none).
fn bare_tie(dir: &Path, in_theatre: f64) -> String {
    let text = format!(
        "[scenario]\nname = \"tie\"\n\n[[power]]\nid = \"FRA\"\ncapability = 500.0\nin_theatre = {in_theatre:?}\n\n\
         [[country]]\nid = \"AAA\"\n[country.military]\nbudget = 1.0\n[country.economic]\ngdp = 10.0\n\n\
         [[country]]\nid = \"BBB\"\n[country.military]\nbudget = 1.0\n[country.economic]\ngdp = 10.0\n\
         [country.political]\nties = {{ FRA = 0.8 }}\n\n[[rivalry]]\nchallenger = \"AAA\"\ntarget = \"BBB\"\n"
    );
    let f = dir.join(format!("tie-{in_theatre}.toml"));
    std::fs::write(&f, text).unwrap();
    f.display().to_string()
}

/// A power tied to the target with `in_theatre` 0 is flagged as inert in `validate`, `run`
/// and `sweep` (the scenario's warning at the tie, and a sweep of the power's capability
/// "cannot influence any output"), as a tie with nothing in theatre is inert; with forces in
/// theatre nothing is said.
#[test]
fn a_tie_to_a_power_with_nothing_in_theatre_is_flagged_inert_everywhere() {
    let d = tempfile::tempdir().unwrap();
    let words = "the tie of `BBB` to `FRA` is inert";
    for (in_theatre, inert) in [(0.0, true), (0.1, false)] {
        let f = bare_tie(d.path(), in_theatre);
        let sweep = d.path().join(format!("sweep-{in_theatre}.toml"));
        std::fs::write(
            &sweep,
            format!(
                "base = \"{f}\"\nruns = 10\n[[parameter]]\npath = \"power.FRA.capability\"\nrole = \"lever\"\nvalues = [100.0, 500.0]\n"
            ),
        )
        .unwrap();
        let out = d.path().join(format!("rows-{in_theatre}.csv"));
        let sw = sweep.to_str().unwrap();
        for args in [
            vec!["validate", &f],
            vec!["run", &f, "--runs", "20", "--quiet"],
            vec!["validate", sw],
            vec!["sweep", sw, "--out", out.to_str().unwrap(), "--quiet"],
        ] {
            let o = run(&args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
            let err = stderr(&o);
            assert_eq!(err.contains(words), inert, "{args:?}:\n{err}");
            if inert {
                assert!(
                    err.contains(": warning: country[1].political.ties.FRA: "),
                    "{args:?}:\n{err}"
                );
            }
            if args[1] == sw {
                assert_eq!(
                    err.contains("`power.FRA.capability` cannot influence any output"),
                    inert,
                    "{args:?}:\n{err}"
                );
            }
        }
    }
}

/// `deter compare A A`: each warning of the file once (it was printed once per side), and a
/// warning that every difference is then 0 unless `--set-b` gives B a what-if.
#[test]
fn compare_of_a_file_with_itself_warns_once_and_says_so() {
    let f = scenario("tests/warn/policy-after-horizon.toml");
    let late = "policy `late` starts 2040-01";
    let o = run(&[
        "compare",
        &f,
        &f,
        "--runs",
        "20",
        "--no-attribution",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches(late).count(), 1, "{err}");
    assert!(
        err.contains("warning: A and B are the same file with the same values"),
        "{err}"
    );
    let o = run(&[
        "compare",
        &f,
        &f,
        "--runs",
        "20",
        "--no-attribution",
        "--quiet",
        "--set-b",
        "country.AAA.military.budget=1.5",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches(late).count(), 1, "{err}");
    assert!(!err.contains("the same file"), "{err}");
}

/// An interval whose two ends both round to zero at the printed precision is said one way,
/// "within +-0.05" (docs/OUTPUT.md), in the table and the HTML page: never "-<0.05 to +<0.05".
/// The bundled scenario's economic share of non-state violence is such an interval at its
/// defaults (README.md's output).
#[test]
fn an_interval_rounding_to_zero_at_both_ends_is_said_in_one_clear_wording() {
    let d = tempfile::tempdir().unwrap();
    let page = d.path().join("r.html");
    let o = run(&[
        "run",
        &scenario("scenarios/western-balkans-2024.toml"),
        "--report",
        page.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    let html = std::fs::read_to_string(&page).unwrap();
    for (what, text) in [("table", table.as_ref()), ("HTML", html.as_str())] {
        assert!(!text.contains("<0.05 to"), "{what}:\n{text}");
        assert!(!text.contains("&lt;0.05 to"), "{what}");
    }
    assert!(
        table.contains("economic  share +<0.05 (paired 95% interval within +-0.05)"),
        "{table}"
    );
    assert!(html.contains(">within +-0.05<"), "no cell in the HTML");
}

// ---- The bundled files ----

/// Every bundled scenario (the seven in `scenarios/` and the four historical cases) validates
/// without a warning: a warning on a file deter ships is noise a student cannot act on. The
/// historical cases' ties to the United States, which carried nothing (no forces in theatre, no
/// trade substitution), were such warnings until they were removed (no number moved).
#[test]
fn every_bundled_scenario_validates_without_a_warning() {
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/history"] {
        for entry in std::fs::read_dir(common::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // Scenario files only: not records, sweeps, or the calibration file.
            if name.ends_with(".toml")
                && !name.ends_with(".record.toml")
                && name != "calibrate.toml"
            {
                files.push(path);
            }
        }
    }
    files.sort();
    assert_eq!(files.len(), 11, "{files:?}");
    for f in &files {
        let out = run(&["validate", &f.display().to_string()]);
        succeeded(&out);
        assert_eq!(stderr(&out), "", "{}", f.display());
    }
}

/// A value listed twice in a grid's `values` ran the same points twice with no word from
/// `validate` or `sweep`. It is warned at the repeated value (not refused: a repeat shows
/// common random numbers at work); another design samples `values` and is not warned.
#[test]
fn a_value_listed_twice_in_a_grid_is_warned_at_the_repeat() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let body = format!(
        "base = {base:?}\nruns = 3\n[[parameter]]\npath = \"model.war_cost\"\n\
         role = \"uncertainty\"\nvalues = [0.5, 0.7, 0.7, 0.9]\n"
    );
    write(d.path(), "sw.toml", &body);
    let f = d.path().join("sw.toml");
    let f = f.to_str().unwrap();
    let out = d.path().join("sw.csv");
    let want = format!(
        "{f}:6:21: warning: parameter[0].values[2]: `0.7` is listed twice (values[1] and \
         values[2]): the grid runs the same points twice"
    );
    for args in [
        vec!["validate", f],
        vec!["sweep", f, "--out", out.to_str().unwrap(), "-q"],
    ] {
        let o = run(&args);
        succeeded(&o);
        let e = stderr(&o);
        assert!(e.contains(&want), "{args:?}:\n{e}");
        assert!(e.contains("help: remove values[2]"), "{args:?}:\n{e}");
        assert_eq!(e.matches("warning:").count(), 1, "{args:?}:\n{e}");
    }
    // Each value once: no warning.
    write(d.path(), "sw.toml", &body.replace("0.7, 0.7", "0.7, 0.8"));
    let o = run(&["validate", f]);
    succeeded(&o);
    assert!(!stderr(&o).contains("listed twice"), "{}", stderr(&o));
}

// ---- A policy on a value drawn before any policy applies ----

const PER_RUN_DRAW: &str = "tests/warn/policy-on-a-per-run-draw.toml";

/// The warning of `tests/warn/policy-on-a-per-run-draw.toml`, as `deter validate` must locate
/// it: at the change's `path` value (line 38, column 21), its key path, and the way out.
fn per_run_draw_warning(file: &str) -> String {
    format!(
        "{file}:38:21: warning: policy[0].changes[0].path: policy `sure` changes \
         `alliance.PACT.reliability_concentration`, which is read only by each run's draw of \
         the treaty weight, made before any policy applies (even one dated before the start): \
         the change has no effect, nor has its magnitude `policy.sure.k` in `--set` or a sweep"
    )
}

/// An alliance's `reliability_concentration` is read only by each run's draw of the treaty
/// weight (docs/MODEL.md 7.11), made before the first month's policies (7.10): a policy on
/// it, at any date, changed nothing and was accepted in silence. It is warned at the change's
/// `path` with file:line:col, in the same words by `validate`, `run`, `compare`, `sweep` (a
/// base file), and `validate` and `calibrate` of a case's scenario; the run goes ahead.
/// "No effect" is checked by running: the results with the policy and with it switched off
/// are the same, while the same value given by `--set` moves them. A policy on the mean,
/// `reliability`, which shifts the run's draw, is not warned.
#[test]
fn a_policy_on_a_value_drawn_before_policies_apply_is_warned_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let file = scenario(PER_RUN_DRAW);
    let want = per_run_draw_warning(&file);
    let help = "help: a policy cannot change what is drawn before it applies: give the value in \
                the file, or vary it with `--set alliance.PACT.reliability_concentration=VALUE`";
    let o = run(&["validate", &file]);
    succeeded(&o);
    let err = stderr(&o);
    assert!(err.contains(&want), "no `{want}` in:\n{err}");
    assert!(err.contains(help), "{err}");
    assert_eq!(err.matches("warning").count(), 1, "{err}");
    let json = |extra: &[&str]| {
        let mut args = vec!["run", file.as_str(), "--runs", "200", "--format", "json"];
        args.extend_from_slice(extra);
        let o = run(&args);
        succeeded(&o);
        (common::json_without_timing(&o.stdout), stderr(&o))
    };
    let (with, err) = json(&[]);
    assert!(err.contains(&want), "run: {err}");
    let (off, _) = json(&["--set", "policy.sure.enabled=false"]);
    let (set, _) = json(&["--set", "alliance.PACT.reliability_concentration=1000000"]);
    let results = |v: &serde_json::Value| (v["outcomes"].clone(), v["rivalries"].clone());
    assert_eq!(results(&with), results(&off), "the policy changed a result");
    assert_ne!(
        results(&with),
        results(&set),
        "--set did not act: the check shows nothing"
    );
    let case_want = |case: &str| {
        per_run_draw_warning(case)
            .replace(":38:21:", ":6:21:")
            .replace("PACT", "NATO")
    };
    said_once_in_compare_sweeps_and_calibrations(
        d.path(),
        &file,
        &want,
        "[[policy]]\nid = \"sure\"\nstart = \"2016-01\"\nchanges = [{ path = \
         \"alliance.NATO.reliability_concentration\", set = 1000000.0, name = \"k\" }]\n",
        case_want,
    );
    // A policy on the mean acts (it shifts the run's draw): no warning.
    let mean = write(
        d.path(),
        "mean.toml",
        &std::fs::read_to_string(&file).unwrap().replace(
            "{ path = \"alliance.PACT.reliability_concentration\", set = 1000000.0, name = \"k\" }",
            "{ path = \"alliance.PACT.reliability\", set = 0.9, name = \"k\" }",
        ),
    );
    let o = run(&["validate", mean.to_str().unwrap()]);
    succeeded(&o);
    assert_eq!(stderr(&o), "", "a policy that acts is not warned");
}

/// `o` succeeded and said `want` once if `warned`, else not at all (`what` names the case).
fn warned_iff(o: &Output, want: &str, warned: bool, what: String) {
    succeeded_for(o, &what);
    assert_eq!(
        stderr(o).matches(want).count(),
        usize::from(warned),
        "{what}: {}",
        stderr(o)
    );
}

/// `want` said once by `deter compare FILE FILE` (each file's warnings, the same file twice:
/// said once) and by validate and sweep of a sweep whose base is `file`; and
/// `case_want(CASE)` said once by validate of a calibration case's scenario CASE (the Baltic
/// case's, extended with `case_policy`), of its record and of its calibration file, and by
/// `deter calibrate`.
fn said_once_in_compare_sweeps_and_calibrations(
    dir: &Path,
    file: &str,
    want: &str,
    case_policy: &str,
    case_want: impl Fn(&str) -> String,
) {
    let o = run(&["compare", file, file, "--runs", "20"]);
    succeeded(&o);
    assert_eq!(
        stderr(&o).matches(want).count(),
        1,
        "compare: {}",
        stderr(&o)
    );
    let sweep = write(
        dir,
        "sweep.toml",
        &format!(
            "base = {file:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"rivalry.AAA-BBB.monitoring\"\nrole = \"lever\"\nvalues = [0.1, 0.9]\n"
        ),
    );
    let out = dir.join("r.csv");
    for args in [
        vec!["validate", sweep.to_str().unwrap()],
        vec![
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let o = run(&args);
        succeeded_for(&o, format!("{args:?}"));
        assert_eq!(
            stderr(&o).matches(want).count(),
            1,
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let history = common::root().join("scenarios/history");
    let case = write(
        dir,
        "case.toml",
        &format!(
            "extends = {:?}\n\n{case_policy}",
            history
                .join("russia-baltic-2014.toml")
                .display()
                .to_string()
        ),
    );
    let record = std::fs::read_to_string(history.join("russia-baltic.record.toml")).unwrap();
    let written = "scenario = \"russia-baltic-2014.toml\"";
    assert!(record.contains(written));
    let record = write(
        dir,
        "russia-baltic.record.toml",
        &record.replacen(written, "scenario = \"case.toml\"", 1),
    );
    let cal = write(
        dir,
        "cal.toml",
        "name = \"one case\"\nseed = 1\nparticles = 10\nmax_generations = 1\npredictive_draws \
         = 2\nstatistics = [\"threat\"]\ncases = [\"russia-baltic.record.toml\"]\n\n\
         [[parameter]]\npath = \"model.war_cost\"\nrange = [0.5, 1.0]\n",
    );
    let case_want = case_want(&case.display().to_string());
    let cal_out = dir.join("cal");
    for args in [
        vec!["validate", case.to_str().unwrap()],
        vec!["validate", record.to_str().unwrap()],
        vec!["validate", cal.to_str().unwrap()],
        vec![
            "calibrate",
            cal.to_str().unwrap(),
            "--out",
            cal_out.to_str().unwrap(),
            "-q",
            "--threads",
            "1",
        ],
    ] {
        let o = run(&args);
        succeeded_for(&o, format!("{args:?}"));
        assert_eq!(
            stderr(&o).matches(case_want.as_str()).count(),
            1,
            "{args:?}: no `{case_want}` in:\n{}",
            stderr(&o)
        );
    }
}

// ---- A policy on a `[model]` key whose switch stays 0 ----

const GATED_KEY: &str = "tests/warn/policy-on-a-gated-key.toml";

/// The warning of `tests/warn/policy-on-a-gated-key.toml`, as `deter validate` must locate it:
/// at the change's `path` value (line 38, column 21), its key path, in the words of the same
/// key written in `[model]` ("is read only when the fait accompli is offered") and of a
/// policy on a value drawn before policies apply ("the change has no effect, nor has its
/// magnitude ...").
fn gated_key_warning(file: &str) -> String {
    format!(
        "{file}:38:21: warning: policy[0].changes[0].path: policy `tripwire` changes \
         `model.casus_foederis_cost`, which is read only when the fait accompli is offered: \
         with `model.fait_accompli` 0 and no policy setting it, the change has no effect, nor \
         has its magnitude `policy.tripwire.cost` in `--set` or a sweep"
    )
}

/// `model.casus_foederis_cost` is read only when the fait accompli is offered: written in
/// `[model]` with `model.fait_accompli` 0 it is warned, and a policy that changes it while
/// the switch stays 0 (in the file and in every policy) changed nothing and was accepted in
/// silence. It is warned at the change's `path` with file:line:col, in the same words by
/// `validate`, `run`, `compare`, `sweep` (a base file), and `validate` and `calibrate` of a
/// case's scenario; the run goes ahead. "No effect" is checked by running: the results with
/// the policy and with it switched off are the same, while the switch on moves them. With the
/// switch non-zero in the file, or set by a policy (this one or another), or drawn by a
/// prior, nothing is said, and neither is the same key written in `[model]`.
#[test]
fn a_policy_on_a_gated_model_key_is_warned_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let file = scenario(GATED_KEY);
    let text = std::fs::read_to_string(&file).unwrap();
    let want = gated_key_warning(&file);
    let help = "help: set `fait_accompli` in [model] above 0 (e.g. fait_accompli = 1) to offer \
                the move, or in a policy, or remove this change";
    let o = run(&["validate", &file]);
    succeeded(&o);
    let err = stderr(&o);
    assert!(err.contains(&want), "no `{want}` in:\n{err}");
    assert!(err.contains(help), "{err}");
    assert_eq!(err.matches("warning").count(), 1, "{err}");
    let json = |f: &str, extra: &[&str]| {
        let mut args = vec!["run", f, "--runs", "300", "--format", "json"];
        args.extend_from_slice(extra);
        let o = run(&args);
        succeeded(&o);
        (common::json_without_timing(&o.stdout), stderr(&o))
    };
    let (with, err) = json(&file, &[]);
    assert!(err.contains(&want), "run: {err}");
    let (off, _) = json(&file, &["--set", "policy.tripwire.enabled=false"]);
    let (on, _) = json(&file, &["--set", "model.fait_accompli=1"]);
    let (on_off, _) = json(
        &file,
        &[
            "--set",
            "model.fait_accompli=1",
            "--set",
            "policy.tripwire.enabled=false",
        ],
    );
    let results = |v: &serde_json::Value| (v["outcomes"].clone(), v["rivalries"].clone());
    assert_eq!(results(&with), results(&off), "the policy changed a result");
    assert_ne!(
        results(&on),
        results(&on_off),
        "with the switch on the policy did not act: the check shows nothing"
    );
    // A calibration case's scenario: the Baltic case's (the fait accompli not offered), with
    // the same policy.
    let case_want = |case: &str| gated_key_warning(case).replace(":38:21:", ":6:21:");
    said_once_in_compare_sweeps_and_calibrations(
        d.path(),
        &file,
        &want,
        "[[policy]]\nid = \"tripwire\"\nstart = \"2016-01\"\nchanges = [{ path = \
         \"model.casus_foederis_cost\", set = 3.0, name = \"cost\" }]\n",
        case_want,
    );
    // The key read: the switch in the file, set by this policy or another (whatever its
    // magnitude, which `--set` may vary), or drawn by a prior. The same key written in
    // `[model]` is then read too: no warning either.
    let change = "changes = [{ path = \"model.casus_foederis_cost\", set = 3.0, name = \"cost\" }]";
    assert!(text.contains(change));
    let in_model = "[model]\ncasus_foederis_cost = 2.0\n\n[[power]]";
    let other = "\n[[policy]]\nid = \"offer\"\nstart = \"2027-01\"\nenabled = false\nchanges = \
                 [{ path = \"model.fait_accompli\", add = 0.0 }]\n";
    let prior = "\n[[uncertain]]\npath = \"model.fait_accompli\"\nrange = [0.0, 1.0]\n";
    for (what, read) in [
        (
            "the switch in the file",
            text.replacen("[[power]]", "[model]\nfait_accompli = 1\n\n[[power]]", 1),
        ),
        (
            "the switch set by this policy",
            text.replacen(
                change,
                "changes = [{ path = \"model.casus_foederis_cost\", set = 3.0 }, { path = \
                 \"model.fait_accompli\", set = 1.0 }]",
                1,
            ),
        ),
        (
            "the switch set by another policy, and the key in [model]",
            text.replacen("[[power]]", in_model, 1) + other,
        ),
        (
            "the switch drawn by a prior, and the key in [model]",
            text.replacen("[[power]]", in_model, 1) + prior,
        ),
    ] {
        let f = write(d.path(), "read.toml", &read);
        let o = run(&["validate", f.to_str().unwrap()]);
        succeeded_for(&o, what);
        assert_eq!(stderr(&o), "", "{what}: the key is read, nothing to warn");
    }
    // A switch only scaled stays 0: both the key in [model] and the policy's change are
    // warned, each once.
    let scaled = write(
        d.path(),
        "scaled.toml",
        &(text.replacen("[[power]]", in_model, 1) + &other.replace("add = 0.0", "scale = 2.0")),
    );
    let o = run(&["validate", scaled.to_str().unwrap()]);
    succeeded(&o);
    let err = stderr(&o);
    let scaled_want =
        gated_key_warning(&scaled.display().to_string()).replace(":38:21:", ":41:21:");
    assert_eq!(err.matches(&scaled_want).count(), 1, "{err}");
    assert!(
        err.contains(
            "warning: model.casus_foederis_cost: `model.casus_foederis_cost` is read only when \
             the fait accompli is offered: with `model.fait_accompli` 0 it changes nothing"
        ),
        "{err}"
    );
    assert_eq!(err.matches("warning").count(), 2, "{err}");
}

/// The warnings that a gated `[model]` key changes nothing (written in `[model]`, or changed
/// by a policy) are judged on what is simulated, not on the file alone: `--set
/// model.fait_accompli=1` (validate, run, compare), or a sweep whose parameter varies the
/// switch, turns the key on and nothing is said; `--set model.fait_accompli=0`, or a sweep
/// whose only value of the switch is 0, keeps the switch off and the warnings stand.
#[test]
fn a_gated_key_whose_switch_a_set_or_a_sweep_turns_on_is_not_warned() {
    let d = tempfile::tempdir().unwrap();
    let policy_file = scenario(GATED_KEY);
    let policy_want = gated_key_warning(&policy_file);
    let model_file = write(
        d.path(),
        "model.toml",
        &format!(
            "extends = {:?}\n\n[model]\nfait_accompli_resistance = 0.5\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let model_file = model_file.to_str().unwrap().to_string();
    let model_want = format!(
        "{model_file}:4:28: warning: model.fait_accompli_resistance: \
         `model.fait_accompli_resistance` is read only when the fait accompli is offered: with \
         `model.fait_accompli` 0 it changes nothing"
    );
    for (file, want) in [(&policy_file, &policy_want), (&model_file, &model_want)] {
        for (set, warned) in [(None, true), (Some("0"), true), (Some("1"), false)] {
            let mut tail = vec![];
            let text = set.map(|v| format!("model.fait_accompli={v}"));
            if let Some(t) = &text {
                tail.extend(["--set", t.as_str()]);
            }
            for head in [
                vec!["validate", file.as_str()],
                vec!["run", file.as_str(), "--runs", "20"],
                vec!["compare", file.as_str(), file.as_str(), "--runs", "20"],
            ] {
                let mut args = head.clone();
                args.extend(&tail);
                let o = run(&args);
                warned_iff(&o, want, warned, format!("{args:?}"));
            }
        }
        // A sweep of this base: the switch varied over 0 and 1 turns the key on; over 0 alone
        // it does not.
        for (values, warned) in [("[0.0, 1.0]", false), ("[0.0]", true)] {
            let sweep = write(
                d.path(),
                "sweep.toml",
                &format!(
                    "base = {file:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
                     \"model.fait_accompli\"\nrole = \"lever\"\nvalues = {values}\n"
                ),
            );
            let o = run(&["validate", sweep.to_str().unwrap()]);
            warned_iff(&o, want, warned, format!("sweep of {file} over {values}"));
        }
    }
}

/// A base's `[model]` key read only under a switch (`model.restraint_cost` under
/// `model.protector_restraint`) was warned "changes nothing" although an overlay turned the
/// switch on with a policy or a prior of its own (the base's warning was judged on the base
/// alone; only an overlay's `[model]` value silenced it), and although a `--posterior` column
/// drew the switch above 0 (as a prior on the switch silences it). The warning stands where
/// the switch stays 0: an overlay that leaves it, a posterior whose column is 0 in every row.
#[test]
fn a_base_gated_key_whose_switch_an_overlay_or_a_posterior_turns_on_is_not_warned() {
    let d = tempfile::tempdir().unwrap();
    let base = write(
        d.path(),
        "base.toml",
        &format!(
            "extends = {:?}\n\n[model]\nrestraint_cost = 0.1\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let base = base.to_str().unwrap();
    let want = format!(
        "{base}:4:18: warning: model.restraint_cost: `model.restraint_cost` is read only when a \
         protector can restrain its protégé: with `model.protector_restraint` 0 it changes \
         nothing"
    );
    let policy = "\n[[policy]]\nid = \"press\"\nstart = \"2026-01\"\nchanges = [{ path = \
                  \"model.protector_restraint\", set = 1.0 }]\n";
    let prior = "\n[[uncertain]]\npath = \"model.protector_restraint\"\nrange = [0.0, 2.0]\n";
    // A prior that draws the switch only at 0 leaves it off, as a base that sets it to 0.
    let prior_0 = "\n[[uncertain]]\npath = \"model.protector_restraint\"\nvalues = [0]\n";
    let model = "\n[model]\nprotector_restraint = 1\n";
    for (name, body, warned) in [
        ("policy.toml", policy, false),
        ("prior.toml", prior, false),
        ("prior-0.toml", prior_0, true),
        ("model.toml", model, false),
        ("nothing.toml", "", true),
    ] {
        let f = write(d.path(), name, &format!("extends = \"base.toml\"\n{body}"));
        let o = run(&["validate", f.to_str().unwrap()]);
        warned_iff(&o, &want, warned, name.to_string());
    }
    for (rows, warned) in [
        ("0,0.5,1,0\n1,1.5,1,0\n", false),
        ("0,0,1,0\n1,0,1,0\n", true),
    ] {
        let draws = write(
            d.path(),
            "draws.csv",
            &format!("draw,model.protector_restraint,weight,distance\n{rows}"),
        );
        let args = [
            "run",
            base,
            "--posterior",
            draws.to_str().unwrap(),
            "--draws",
            "2",
            "--runs",
            "5",
            "-q",
        ];
        let o = run(&args);
        warned_iff(&o, &want, warned, rows.to_string());
    }
}

/// `--set model.restraint_cost=0.2` (or any key read only under a switch) while
/// `model.protector_restraint` is 0 changed nothing and was accepted in silence, where the
/// same value written in `[model]` is warned: `deter compare s.toml s.toml --set-b
/// model.restraint_cost=0.2` reported a difference of 0 everywhere without a word. It is
/// warned at the text, in the words of the key in `[model]`, by `validate`, `run` and
/// `compare`; "changes nothing" is checked by running. With the switch set too, or the
/// value at its default, nothing is said.
#[test]
fn a_gated_key_set_on_the_command_line_while_its_switch_is_0_is_warned() {
    let file = scenario("scenarios/western-balkans-2024.toml");
    // `--set:1:22:` (validate, run), `--set (for A: FILE):1:22:` and B's (compare).
    let want = ":1:22: warning: model.restraint_cost: `model.restraint_cost` is read only \
                when a protector can restrain its protégé: with `model.protector_restraint` 0 it \
                changes nothing";
    let set = ["--set", "model.restraint_cost=0.2"];
    let on = ["--set", "model.protector_restraint=1"];
    for (extra, warned) in [
        (&set[..], true),
        (&[set, on].concat()[..], false),
        (&["--set", "model.restraint_cost=0.05"][..], false),
    ] {
        for head in [
            vec!["validate", file.as_str()],
            vec!["run", file.as_str(), "--runs", "20", "--no-attribution"],
            vec![
                "compare",
                file.as_str(),
                file.as_str(),
                "--runs",
                "20",
                "--no-attribution",
            ],
        ] {
            let args = [&head[..], extra].concat();
            let o = run(&args);
            // Once in compare too: `--set` gives A and B the value alike.
            warned_iff(&o, want, warned, format!("{args:?}"));
        }
    }
    let json = |extra: &[&str]| {
        let args = [
            &[
                "run",
                file.as_str(),
                "--runs",
                "300",
                "--no-attribution",
                "--format",
                "json",
            ][..],
            extra,
        ]
        .concat();
        let o = run(&args);
        succeeded(&o);
        let v = common::json_without_timing(&o.stdout);
        (v["outcomes"].clone(), v["rivalries"].clone())
    };
    assert_eq!(json(&[]), json(&set), "the value changed a result");
    assert_ne!(
        json(&on),
        json(&[set, on].concat()),
        "with the switch on the value did not act: the check shows nothing"
    );
}

/// A sweep of `model.restraint_cost` while `model.protector_restraint` is 0 in its base
/// and no parameter of the sweep makes it non-zero gave the same outcomes at every value
/// (checked by running with common random numbers) in silence, where a swept parameter that
/// cannot influence any output is warned. It is warned at its `path`, saying which switch;
/// crossed with a parameter that turns the switch on, nothing is said.
#[test]
fn a_swept_gated_key_whose_switch_stays_0_cannot_influence_any_output() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let head = format!(
        "base = {base:?}\nruns = 50\nseed = 1\ndesign = \"grid\"\ncommon_random_numbers = \
         true\n\n[[parameter]]\npath = \"model.restraint_cost\"\nrole = \"uncertainty\"\n\
         values = [0.05, 0.5]\n"
    );
    let alone = write(d.path(), "alone.toml", &head);
    let want = "alone.toml:8:8: warning: parameter[0].path: `model.restraint_cost` cannot \
                influence any output of this scenario (the model reads `model.restraint_cost` \
                only when a protector can restrain its protégé, and `model.protector_restraint` \
                is 0 in every policy of the sweep): every value gives the same outcomes";
    let o = run(&["validate", alone.to_str().unwrap()]);
    succeeded(&o);
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("help: sweep `model.protector_restraint` as well"),
        "{}",
        stderr(&o)
    );
    // Said true: the two points' outcome columns are the same.
    let out = d.path().join("alone.csv");
    let o = run(&[
        "sweep",
        alone.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    succeeded(&o);
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let runs = rows[0].iter().position(|c| *c == "runs").unwrap();
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(rows[1][runs..], rows[2][runs..], "{text}");
    let crossed = write(
        d.path(),
        "crossed.toml",
        &(head.clone()
            + "\n[[parameter]]\npath = \"model.protector_restraint\"\nrole = \"lever\"\nvalues = \
               [0.0, 1.0]\n"),
    );
    let o = run(&["validate", crossed.to_str().unwrap()]);
    succeeded(&o);
    assert!(!stderr(&o).contains("cannot influence"), "{}", stderr(&o));
    // Crossed with the switch swept only at 0: still warned, and the help says the switch is
    // swept but off at every point, not to sweep it "as well".
    let at_zero = write(
        d.path(),
        "at-zero.toml",
        &(head
            + "\n[[parameter]]\npath = \"model.protector_restraint\"\nrole = \"lever\"\nvalues = \
               [0.0, 0.0]\n"),
    );
    let o = run(&["validate", at_zero.to_str().unwrap()]);
    succeeded(&o);
    let e = stderr(&o);
    assert!(
        e.contains(&want.replace("alone.toml", "at-zero.toml")),
        "{e}"
    );
    assert!(
        e.contains(
            "help: `model.protector_restraint` is swept only at 0 (off at every point): give it \
             a value above 0 among its values, or set it above 0 in the base scenario"
        ),
        "{e}"
    );
    assert!(!e.contains("as well"), "{e}");
}

/// An `[[uncertain]]` prior on `model.restraint_cost` while `model.protector_restraint` is 0
/// drew values the model never reads, in silence, where the same key written in `[model]`
/// is warned. It is warned at the prior's `path`, in the words of a policy's change of it;
/// not when the switch is drawn by a prior too, set by `--set` or drawn by a `--posterior`
/// column.
#[test]
fn a_prior_on_a_gated_key_whose_switch_stays_0_is_warned() {
    let d = tempfile::tempdir().unwrap();
    let prior = write(
        d.path(),
        "prior.toml",
        &format!(
            "extends = {:?}\n[[uncertain]]\npath = \"model.restraint_cost\"\nrange = [0.01, 0.2]\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let p = prior.to_str().unwrap();
    let want = format!(
        "{p}:3:8: warning: uncertain[0].path: this prior draws `model.restraint_cost`, which is \
         read only when a protector can restrain its protégé: with `model.protector_restraint` \
         0 and no policy or prior setting it, the draws change nothing"
    );
    let o = run(&["validate", p]);
    succeeded(&o);
    assert_eq!(stderr(&o).matches(&want).count(), 1, "{}", stderr(&o));
    let both = write(
        d.path(),
        "both.toml",
        &(std::fs::read_to_string(&prior).unwrap()
            + "[[uncertain]]\npath = \"model.protector_restraint\"\nrange = [0.0, 1.0]\n"),
    );
    let draws = write(
        d.path(),
        "draws.csv",
        "draw,model.protector_restraint,weight,distance\n0,0.5,1,0\n1,1.5,1,0\n",
    );
    for args in [
        vec!["validate", both.to_str().unwrap()],
        vec!["validate", p, "--set", "model.protector_restraint=1"],
        vec![
            "run",
            p,
            "--posterior",
            draws.to_str().unwrap(),
            "--draws",
            "2",
            "--runs",
            "5",
            "-q",
        ],
    ] {
        let o = run(&args);
        succeeded_for(&o, format!("{args:?}"));
        assert!(
            !stderr(&o).contains("this prior draws"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

/// A `--posterior` column that draws `model.restraint_cost` while `model.protector_restraint`
/// is 0 drew values the model never reads, in silence: it is warned at the column's header
/// cell, in the words of a prior on the key; not when another column draws the switch above 0
/// or `--set` turns it on.
#[test]
fn a_posterior_column_on_a_gated_key_whose_switch_stays_0_is_warned() {
    let d = tempfile::tempdir().unwrap();
    let file = scenario("scenarios/western-balkans-2024.toml");
    let cost = write(
        d.path(),
        "cost.csv",
        "draw,model.restraint_cost,weight,distance\n0,0.1,1,0\n1,0.3,1,0\n",
    );
    let both = write(
        d.path(),
        "both.csv",
        "draw,model.restraint_cost,model.protector_restraint,weight,distance\n0,0.1,0,1,0\n1,0.3,1,1,0\n",
    );
    let want = format!(
        "{}:1:6: warning: column `model.restraint_cost`: this column draws \
         `model.restraint_cost`, which is read only when a protector can restrain its protégé: \
         with `model.protector_restraint` 0 and no policy or prior setting it, the draws change \
         nothing",
        cost.display()
    );
    let nested = |draws: &Path, extra: &[&str]| {
        let args = [
            &[
                "run",
                file.as_str(),
                "--posterior",
                draws.to_str().unwrap(),
                "--draws",
                "2",
                "--runs",
                "5",
                "-q",
            ][..],
            extra,
        ]
        .concat();
        let o = run(&args);
        succeeded_for(&o, format!("{args:?}"));
        stderr(&o)
    };
    let err = nested(&cost, &[]);
    assert_eq!(err.matches(&want).count(), 1, "{err}");
    let err = nested(&cost, &["--set", "model.protector_restraint=1"]);
    assert!(!err.contains("this column draws"), "{err}");
    let err = nested(&both, &[]);
    assert!(!err.contains("this column draws"), "{err}");
}

/// A calibration's cases are simulated with its `[[parameter]]` values drawn and its fixed
/// values (the file's `set`, `deter calibrate --set`) applied: a case scenario's warning that
/// a gated `[model]` key changes nothing is false when a parameter draws the switch over a
/// range that reaches non-zero values, or a fixed value turns it on, and is not said by
/// `validate` of the calibration nor by `calibrate`; a calibration that leaves the switch
/// at 0 keeps it.
#[test]
fn a_gated_key_whose_switch_a_calibration_draws_or_fixes_is_not_warned() {
    let d = tempfile::tempdir().unwrap();
    let history = common::root().join("scenarios/history");
    let case = write(
        d.path(),
        "case.toml",
        &format!(
            "extends = {:?}\n\n[model]\nfait_accompli_resistance = 0.5\n",
            history
                .join("russia-baltic-2014.toml")
                .display()
                .to_string()
        ),
    );
    let record = std::fs::read_to_string(history.join("russia-baltic.record.toml")).unwrap();
    let written = "scenario = \"russia-baltic-2014.toml\"";
    assert!(record.contains(written));
    write(
        d.path(),
        "russia-baltic.record.toml",
        &record.replacen(written, "scenario = \"case.toml\"", 1),
    );
    let want = format!(
        "{}:4:28: warning: model.fait_accompli_resistance: `model.fait_accompli_resistance` is \
         read only when the fait accompli is offered: with `model.fait_accompli` 0 it changes \
         nothing",
        case.display()
    );
    let head = "name = \"one case\"\nseed = 1\nparticles = 10\nmax_generations = 1\n\
                predictive_draws = 2\nstatistics = [\"threat\"]\ncases = \
                [\"russia-baltic.record.toml\"]\n";
    let war_cost = "\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.5, 1.0]\n";
    let switch = "\n[[parameter]]\npath = \"model.fait_accompli\"\nrange = [0.0, 1.0]\n";
    let set_on = "set = { \"model.fait_accompli\" = 1.0 }\n";
    for (k, (body, set, warned)) in [
        (format!("{head}{war_cost}"), None, true),
        (
            format!("{head}{war_cost}"),
            Some("model.fait_accompli=0"),
            true,
        ),
        (
            format!("{head}{war_cost}"),
            Some("model.fait_accompli=1"),
            false,
        ),
        (format!("{head}{set_on}{war_cost}"), None, false),
        (format!("{head}{switch}"), None, false),
    ]
    .into_iter()
    .enumerate()
    {
        let cal = write(d.path(), &format!("cal{k}.toml"), &body);
        let cal = cal.to_str().unwrap();
        let out = d.path().join(format!("out{k}"));
        let mut runs = vec![vec![
            "calibrate",
            cal,
            "--out",
            out.to_str().unwrap(),
            "-q",
            "--threads",
            "1",
        ]];
        if let Some(s) = set {
            runs[0].extend(["--set", s]);
        } else {
            runs.push(vec!["validate", cal]);
        }
        for args in runs {
            let o = run(&args);
            succeeded_for(&o, format!("{args:?}"));
            assert_eq!(
                stderr(&o).matches(want.as_str()).count(),
                usize::from(warned),
                "{args:?} of\n{body}\n{}",
                stderr(&o)
            );
        }
    }
}

/// `deter compare A B --set model.restraint_cost=0.3` with the switch 0 on both sides warned
/// twice, "for A" then "for B", where a `--set` both sides share is said once as `--set`; a
/// value that changes nothing on one side only names that side; and a `--posterior` column
/// on the key whose switch B turns on (`--set-b model.protector_restraint=1`) was warned
/// without saying that only A's draws change nothing.
#[test]
fn a_gated_key_warning_in_compare_is_said_once_or_names_its_side() {
    let d = tempfile::tempdir().unwrap();
    let a = scenario("scenarios/western-balkans-2024.toml");
    let b = scenario("scenarios/shea-special-envoy.toml");
    let words = "warning: model.restraint_cost: `model.restraint_cost` is read only when a \
                 protector can restrain its protégé: with `model.protector_restraint` 0 it \
                 changes nothing";
    let compare = |b: &str, extra: &[&str]| {
        let args = [
            &[
                "compare",
                a.as_str(),
                b,
                "--runs",
                "10",
                "--no-attribution",
                "-q",
            ][..],
            extra,
        ]
        .concat();
        let o = run(&args);
        succeeded_for(&o, format!("{args:?}"));
        let err = stderr(&o);
        let heads: Vec<String> = err
            .lines()
            .filter(|l| l.contains("changes nothing") || l.contains("change nothing"))
            .map(str::to_string)
            .collect();
        (heads, err)
    };
    let (heads, err) = compare(&b, &["--set", "model.restraint_cost=0.3"]);
    assert_eq!(heads, vec![format!("--set:1:22: {words}")], "{err}");
    let (heads, err) = compare(
        &b,
        &[
            "--set",
            "model.restraint_cost=0.3",
            "--set-b",
            "model.protector_restraint=1",
        ],
    );
    assert_eq!(
        heads,
        vec![format!("--set (for A: {a}):1:22: {words}")],
        "{err}"
    );
    let (heads, err) = compare(&b, &["--set-b", "model.restraint_cost=0.3"]);
    assert_eq!(
        heads,
        vec![format!("--set-b (for B: {b}):1:22: {words}")],
        "{err}"
    );
    // A posterior column on the key: once for both sides, or naming the side whose switch
    // stays 0.
    let cost = write(
        d.path(),
        "cost.csv",
        "draw,model.restraint_cost,weight,distance\n0,0.1,1,0\n1,0.3,1,0\n",
    );
    let column = |side: &str| {
        format!(
            "{}:1:6: warning: column `model.restraint_cost`: this column draws \
             `model.restraint_cost`, which is read only when a protector can restrain its \
             protégé: with `model.protector_restraint` 0{side} and no policy or prior setting \
             it, the draws change nothing{side}",
            cost.display()
        )
    };
    let posterior = ["--posterior", cost.to_str().unwrap(), "--draws", "2"];
    let (heads, err) = compare(&a, &posterior);
    assert_eq!(heads, vec![column("")], "{err}");
    let (heads, err) = compare(
        &a,
        &[&posterior[..], &["--set-b", "model.protector_restraint=1"]].concat(),
    );
    assert_eq!(heads, vec![column(" in A")], "{err}");
}

/// An overlay that turns a switch off (`[model] protector_restraint = 0`) over a base that
/// turns it on and sets its gated key (`restraint_cost = 0.2`) made the base's value change
/// nothing, in silence: it is warned at the overlay's switch, in the words of the gated-key
/// warning; not when `--set` turns the switch back on, nor for the base alone.
#[test]
fn an_overlay_that_turns_a_switch_off_under_a_base_gated_key_is_warned() {
    let d = tempfile::tempdir().unwrap();
    let base = write(
        d.path(),
        "base.toml",
        &format!(
            "extends = {:?}\n\n[model]\nprotector_restraint = 1\nrestraint_cost = 0.2\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let overlay = write(
        d.path(),
        "off.toml",
        "extends = \"base.toml\"\n\n[model]\nprotector_restraint = 0\n",
    );
    let want = format!(
        "{}:4:23: warning: model.protector_restraint: `model.restraint_cost` (0.2, set by the \
         base scenario) is read only when a protector can restrain its protégé: with \
         `model.protector_restraint` 0 it changes nothing",
        overlay.display()
    );
    let validate = |file: &Path, extra: &[&str]| {
        let args = [&["validate", file.to_str().unwrap()][..], extra].concat();
        let o = run(&args);
        succeeded_for(&o, format!("{args:?}"));
        stderr(&o)
    };
    let err = validate(&overlay, &[]);
    assert_eq!(err.matches(&want).count(), 1, "{err}");
    let err = validate(&overlay, &["--set", "model.protector_restraint=1"]);
    assert!(!err.contains("changes nothing"), "{err}");
    let err = validate(&base, &[]);
    assert!(!err.contains("changes nothing"), "{err}");
}

/// A rivalry whose sides the file's `members` list both is warned as intra-alliance; a
/// policy whose `join` makes it so (the target or the challenger joining the other's
/// alliance) was taken in silence. It is warned at the join, in the rivalry warning's words
/// and help; a join that makes no rivalry intra-alliance is not.
#[test]
fn a_join_that_makes_a_rivalry_intra_alliance_is_warned_in_the_files_words() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let write = |name: &str, text: String| {
        let f = d.path().join(name);
        std::fs::write(&f, text).unwrap();
        f
    };
    let members = "[\"ALB\", \"MKD\", \"MNE\", \"HRV\", \"USA\", \"TUR\", \"DEU\"";
    let words = "intra-alliance rivalry: challenger `SRB` and target `XKX` are both members of \
                 alliance `NATO`";
    let help = "= help: the pact never makes `SRB` defend `XKX` against itself (a rival's forces \
                never count for the other side); check that the rivalry or the membership is meant";
    // XKX a member already, SRB joining; and both joining in one policy (at the second).
    let one = write(
        "one.toml",
        format!(
            "extends = {base:?}\n\n[[alliance]]\nid = \"NATO\"\nmembers = {members}, \"XKX\"]\n\n\
             [[policy]]\nid = \"srb\"\nstart = \"2026-01\"\n\
             join = [{{ alliance = \"NATO\", member = \"SRB\" }}]\n"
        ),
    );
    let both = write(
        "both.toml",
        format!(
            "extends = {base:?}\n\n[[policy]]\nid = \"both\"\nstart = \"2026-01\"\n\
             join = [{{ alliance = \"NATO\", member = \"XKX\" }}, {{ alliance = \"NATO\", member = \"SRB\" }}]\n"
        ),
    );
    for (f, at) in [
        (&one, "10:9: warning: policy[0].join[0]"),
        (&both, "6:48: warning: policy[0].join[1]"),
    ] {
        let o = run(&["validate", f.to_str().unwrap()]);
        succeeded(&o);
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}:{at}: {words}\n", f.display())) && err.contains(help),
            "{err}"
        );
        assert_eq!(err.matches("intra-alliance").count(), 1, "{err}");
    }
    // XKX alone joining: no rivalry made intra-alliance.
    let alone = write(
        "alone.toml",
        format!(
            "extends = {base:?}\n\n[[policy]]\nid = \"xkx\"\nstart = \"2026-01\"\n\
             join = [{{ alliance = \"NATO\", member = \"XKX\" }}]\n"
        ),
    );
    let o = run(&["validate", alone.to_str().unwrap()]);
    succeeded(&o);
    assert!(!stderr(&o).contains("intra-alliance"), "{}", stderr(&o));
}
