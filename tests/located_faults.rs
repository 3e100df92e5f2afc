//! Faults a new user found still said as a plain unlocated `error: ...` line: each is now
//! located where the fault is, as every flag's fault (`FLAG:1:COL: error: expected ...,
//! found ...`, the value underlined, `= help:` saying what to do, exit 2, nothing written)
//! or at the key of an input file (`FILE:LINE:COL`).

use std::path::{Path, PathBuf};

mod common;
use common::{
    first_error, flag_fault_help, refused, refused_for, root, run_in, run_shards, stderr,
};

/// A small grid sweep (2 points, 5 runs each) of the bundled scenario, written into `dir`.
fn grid(dir: &Path, name: &str, values: &str) -> PathBuf {
    let base = root().join("scenarios/western-balkans-2024.toml");
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!(
            "# a grid\nbase = \"{}\"\nruns = 5\nseed = 3\n\n[[parameter]]\npath = \
             \"country.XKX.military.budget\"\nrole = \"lever\"\nvalues = [{values}]\n",
            base.display()
        ),
    )
    .unwrap();
    p
}

/// The `= help:` line of a refusal, without its margin.
fn help_line(err: &str) -> String {
    err.lines()
        .find_map(|l| l.trim_start().strip_prefix("= help: "))
        .unwrap_or_default()
        .to_string()
}

/// `--out grid.csv.sweep` (a sweep's record's name) was "error: output path ... is a sweep's
/// record ..." while every other bad `--out` is located at its value: now so, in every
/// command alike, and nothing is written.
#[test]
fn an_output_named_as_a_sweeps_record_is_refused_at_its_flag() {
    let d = tempfile::tempdir().unwrap();
    grid(d.path(), "g.toml", "0.2, 0.4");
    let said = "expected a file that is no sweep's record, found `grid.csv.sweep`, named like \
                one (the `.sweep` file a sweep writes beside its results)";
    let o = run_in(
        d.path(),
        &["sweep", "g.toml", "--out", "grid.csv.sweep", "-q"],
    );
    refused(&o);
    assert_eq!(
        stderr(&o),
        flag_fault_help(
            "--out",
            "grid.csv.sweep",
            1,
            14,
            said,
            "--out would replace a sweep's record, or write a file taken for one: choose \
             another name"
        )
    );
    assert!(!d.path().join("grid.csv.sweep").exists());
    // The same fault in `deter run`, at whichever output option names it.
    let s = root().join("scenarios/western-balkans-2024.toml");
    let s = s.to_str().unwrap();
    let o = run_in(
        d.path(),
        &["run", s, "--runs", "5", "--report", "grid.csv.sweep"],
    );
    refused(&o);
    assert_eq!(
        stderr(&o),
        flag_fault_help(
            "--report",
            "grid.csv.sweep",
            1,
            14,
            said,
            "--report would replace a sweep's record, or write a file taken for one: choose \
             another name"
        )
    );
    assert!(!d.path().join("grid.csv.sweep").exists());
}

/// The same sweep given again without `--resume` over its unfinished results was "error:
/// --out `int.csv` holds N finished points ...": now located at `--out`'s value, what to do
/// in the help line, and the results and their record left as they were.
#[test]
fn an_unfinished_sweep_started_afresh_is_refused_at_out() {
    let d = tempfile::tempdir().unwrap();
    grid(d.path(), "g.toml", "0.2, 0.4, 0.6");
    let o = run_in(d.path(), &["sweep", "g.toml", "--out", "int.csv", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = d.path().join("int.csv");
    let full = std::fs::read_to_string(&out).unwrap();
    let kept: String = full.split_inclusive('\n').take(3).collect();
    std::fs::write(&out, &kept).unwrap();
    let marker = d.path().join("int.csv.sweep");
    let running = std::fs::read_to_string(&marker)
        .unwrap()
        .replace("\"status\":\"complete\"", "\"status\":\"running\"");
    std::fs::write(&marker, &running).unwrap();
    let o = run_in(d.path(), &["sweep", "g.toml", "--out", "int.csv", "-q"]);
    let err = refused(&o);
    assert_eq!(
        first_error(&err),
        "--out:1:1: error: expected results this sweep may start afresh over, found \
         `int.csv`, which holds 2 finished points of the 3 of this same sweep, stopped before \
         it finished"
    );
    let help = help_line(&err);
    assert!(
        help.starts_with("starting afresh would discard them: `deter sweep ")
            && help.ends_with(
                "--resume` completes it; to start afresh anyway, remove `int.csv` and its \
                 record `int.csv.sweep` first"
            ),
        "{err}"
    );
    assert!(err.contains("1 | int.csv\n  | ^^^^^^^\n"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), kept);
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), running);
}

/// `--resume` with settings other than those the results were started with was "error:
/// `grid.csv` was started with other sweep settings ...": now located at the first flag that
/// differs from the record's (`--seed 5` where it was started without one, or with another),
/// else at `--out` (another sweep file); nothing is written.
#[test]
fn a_resume_with_other_settings_is_refused_at_the_flag_that_differs() {
    let d = tempfile::tempdir().unwrap();
    grid(d.path(), "g.toml", "0.2, 0.4");
    grid(d.path(), "other.toml", "0.2, 0.5");
    let o = run_in(d.path(), &["sweep", "g.toml", "--out", "grid.csv", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = d.path().join("grid.csv");
    let marker = d.path().join("grid.csv.sweep");
    let (rows, record) = (
        std::fs::read(&out).unwrap(),
        std::fs::read(&marker).unwrap(),
    );
    let unchanged = || {
        assert_eq!(std::fs::read(&out).unwrap(), rows);
        assert_eq!(std::fs::read(&marker).unwrap(), record);
    };
    let what_to_do = |err: &str| {
        let help = help_line(err);
        // The results are complete: nothing to resume, the command that wrote them named
        // (it said "to complete it, run that" of a complete sweep).
        assert!(
            help.starts_with("`grid.csv` holds the complete results of `deter sweep ")
                && help.ends_with(
                    "--out grid.csv`: nothing is left to resume; choose another --out, or \
                     leave out --resume to start afresh over it (its rows and record are \
                     replaced)"
                ),
            "{err}"
        );
    };
    let resume = ["sweep", "g.toml", "--out", "grid.csv", "--resume", "-q"];
    let o = run_in(d.path(), &[&resume[..], &["--seed", "5"]].concat());
    let err = refused(&o);
    assert_eq!(
        first_error(&err),
        "--seed:1:1: error: expected no --seed (`grid.csv` was started without one), found `5`"
    );
    assert!(err.contains("1 | 5\n  | ^\n"), "{err}");
    what_to_do(&err);
    unchanged();
    // Started with --runs 4, resumed with --runs 6: at --runs, the first flag that differs.
    let o = run_in(
        d.path(),
        &["sweep", "g.toml", "--out", "grid.csv", "--runs", "4", "-q"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let (rows, record) = (
        std::fs::read(&out).unwrap(),
        std::fs::read(&marker).unwrap(),
    );
    let o = run_in(
        d.path(),
        &[&resume[..], &["--runs", "6", "--seed", "5"]].concat(),
    );
    let err = refused(&o);
    assert_eq!(
        first_error(&err),
        "--runs:1:1: error: expected --runs 4 (`grid.csv` was started with it), found `6`"
    );
    assert_eq!(std::fs::read(&out).unwrap(), rows);
    assert_eq!(std::fs::read(&marker).unwrap(), record);
    // Another sweep file, same flags: no flag differs, so at --out.
    let o = run_in(
        d.path(),
        &[
            "sweep",
            "other.toml",
            "--out",
            "grid.csv",
            "--resume",
            "--runs",
            "4",
            "-q",
        ],
    );
    let err = refused_for(&o, "other.toml");
    assert_eq!(
        first_error(&err),
        "--out:1:1: error: expected results started with this sweep's settings, found \
         `grid.csv`, started with other sweep settings (seed, runs, design, parameters, base \
         scenario, --until-ci or --format; see `grid.csv.sweep`)"
    );
    assert!(err.contains("1 | grid.csv\n  | ^^^^^^^^\n"), "{err}");
    assert!(
        help_line(&err).starts_with("`grid.csv` holds the complete results of `deter sweep "),
        "{err}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), rows);
    assert_eq!(std::fs::read(&marker).unwrap(), record);
}

/// `deter merge PARTS --scenario WRONG.toml` was "error: --scenario `WRONG.toml`: validated
/// content differs ...", and `--sweep` given for a run's shards "error: `PART`: these are
/// shards of a `deter run`; ...": each now located at the flag's value; nothing written.
#[test]
fn merge_locates_a_wrong_scenario_or_sweep_at_its_flag() {
    let d = tempfile::tempdir().unwrap();
    let s = root().join("scenarios/western-balkans-2024.toml");
    let parts = run_shards(s.to_str().unwrap(), &["--runs", "6"], 2, |k| {
        d.path()
            .join(format!("part-{k}.json"))
            .display()
            .to_string()
    });
    let text = std::fs::read_to_string(&s).unwrap();
    let edited = text.replacen("runs = 10000", "runs = 17", 1);
    assert_ne!(edited, text);
    std::fs::write(d.path().join("wrong.toml"), edited).unwrap();
    let merge = |more: &[&str]| {
        let mut args = vec!["merge", "part-0.json", "part-1.json", "--out", "m.json"];
        args.extend(more);
        run_in(d.path(), &args)
    };
    assert_eq!(parts.len(), 2);
    let o = merge(&["--scenario", "wrong.toml"]);
    let err = refused(&o);
    let first = first_error(&err);
    assert!(
        first.starts_with(
            "--scenario:1:1: error: expected the scenario the shards ran, found \
             `wrong.toml`: validated content differs from what the shards ran (sha256 "
        ),
        "{err}"
    );
    assert!(err.contains("1 | wrong.toml\n  | ^^^^^^^^^^\n"), "{err}");
    assert_eq!(
        help_line(&err),
        "give --scenario the scenario file the shards ran, or leave it out: the scenario is \
         rebuilt from the partial files"
    );
    assert!(!d.path().join("m.json").exists());
    // `--sweep` for a run's shards.
    grid(d.path(), "g.toml", "0.2, 0.4");
    let o = merge(&["--sweep", "g.toml"]);
    refused(&o);
    assert_eq!(
        stderr(&o),
        flag_fault_help(
            "--sweep",
            "g.toml",
            1,
            6,
            "expected shards of a `deter sweep`, found shards of a `deter run` (`part-0.json`)",
            "a run's shards are rebuilt from their scenario: give it with --scenario FILE if \
             it has moved"
        )
    );
    assert!(!d.path().join("m.json").exists());
}

/// `--where "use_of_force >> 0.1"` was refused as a number ("found `> 0.1`"): the fault is
/// the operator, refused in the words of `--where "use_of_force = 0.1"` and located at it.
#[test]
fn a_where_with_an_unknown_operator_is_refused_at_the_operator() {
    let d = tempfile::tempdir().unwrap();
    let help = "write COLUMN OP NUMBER, OP one of >, >=, <, <= (`--where 'use_of_force_p > 0.2'`)";
    for (text, op) in [
        ("use_of_force >> 0.1", ">>"),
        ("use_of_force = 0.1", "="),
        ("use_of_force => 0.1", "=>"),
        ("use_of_force > = 0.1", "> ="),
        ("use_of_force != 0.1", "!="),
    ] {
        let o = run_in(d.path(), &["discover", "lxf.csv", "--where", text]);
        refused_for(&o, text);
        assert_eq!(
            stderr(&o),
            flag_fault_help(
                "--where",
                text,
                14,
                op.len(),
                &format!("expected COLUMN > NUMBER (or >=, <, <=), found `{op}`"),
                help
            ),
            "{text}"
        );
    }
    // No operator at all: the whole value, in the same words and help.
    let o = run_in(
        d.path(),
        &["discover", "lxf.csv", "--where", "use_of_force"],
    );
    refused(&o);
    assert_eq!(
        stderr(&o),
        flag_fault_help(
            "--where",
            "use_of_force",
            1,
            12,
            "expected COLUMN > NUMBER (or >=, <, <=)",
            help
        )
    );
}

/// A sweep file with `design = "lhs"` and no `points` was refused at `FILE:1:1`, underlining
/// its first comment line: now at the `design` key's value, what to add in the help line.
#[test]
fn a_design_without_points_is_refused_at_the_design() {
    let d = tempfile::tempdir().unwrap();
    let base = root().join("scenarios/western-balkans-2024.toml");
    for (design, help) in [
        ("lhs", "add `points = N`, the number of design points"),
        (
            "saltelli",
            "add `points = N`, the number of base samples N; the sweep runs N * (parameters + \
             2) points",
        ),
    ] {
        std::fs::write(
            d.path().join("s.toml"),
            format!(
                "# a comment\nbase = \"{}\"\ndesign = \"{design}\"\nruns = 5\n\n[[parameter]]\n\
                 path = \"country.XKX.military.budget\"\nrole = \"lever\"\nrange = [0.1, 0.5]\n",
                base.display()
            ),
        )
        .unwrap();
        let o = run_in(d.path(), &["sweep", "s.toml", "--out", "r.csv", "-q"]);
        let err = refused_for(&o, design);
        assert_eq!(
            first_error(&err),
            format!("s.toml:3:10: error: points: design `{design}` needs `points`"),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "3 | design = \"{design}\"\n  |          {}\n",
                "^".repeat(design.len() + 2)
            )),
            "{err}"
        );
        assert_eq!(help_line(&err), help, "{err}");
        assert!(!d.path().join("r.csv").exists());
    }
}
