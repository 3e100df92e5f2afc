//! Faults a new user's trial found (trial 9, 4 December 2026), each tested by what the user
//! sees: the words and places of the refusals and warnings, recomputed here from the inputs
//! rather than read from what deter says of itself.

use std::path::{Path, PathBuf};

mod common;
use common::{deter, refused, root, run, scenario, stderr, stdout, succeeded, write};

fn baseline() -> String {
    root()
        .join("scenarios/western-balkans-2024.toml")
        .display()
        .to_string()
}

/// A normal prior far wider than its range: the truncated normal is nearly flat over the
/// range, so the values spread over it, whichever side of the range its mean is on (a warning
/// said "the values pile up near 1", or near 0.5 for a mean below the range). A narrow normal
/// centred below the range does pile its values up near 0.5, and is said to. The values are
/// recomputed from the sweep's rows.
#[test]
fn a_wide_normal_is_said_to_spread_and_a_narrow_one_outside_to_pile_up() {
    let dir = tempfile::tempdir().unwrap();
    for (mean, sd, spread) in [
        (0.75, 1000.0, true),
        (0.3, 1000.0, true),
        (0.3, 0.05, false),
    ] {
        let f = write(
            dir.path(),
            "n.toml",
            &format!(
                "base = \"{}\"\nruns = 1\ndesign = \"lhs\"\npoints = 200\nseed = 3\n\
                 [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
                 range = [0.5, 1.0]\ndistribution = \"normal\"\nmean = {mean}\nsd = {sd}\n",
                baseline()
            ),
        );
        let o = run(&["sweep", f.to_str().unwrap(), "-q"]);
        succeeded(&o);
        let err = stderr(&o);
        let rows = stdout(&o);
        let mut v: Vec<f64> = rows
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
        assert_eq!(v.len(), 200);
        v.sort_by(f64::total_cmp);
        let median = (v[99] + v[100]) / 2.0;
        if spread {
            // About a tenth of 200 LHS values in each tenth of the range.
            let top = v.iter().filter(|&&x| x > 0.95).count();
            assert!(
                (15..=25).contains(&top),
                "mean {mean}: {top} of 200 in the top tenth"
            );
            assert!(
                err.contains("the values spread almost evenly over the range"),
                "{err}"
            );
            assert!(!err.contains("pile up"), "{err}");
        } else {
            assert!(median < 0.55, "median {median}");
            assert!(err.contains("the values pile up near 0.5"), "{err}");
            // The share in the range said as one draw in so many: the normal's upper tail
            // four sds out, Q(4) = 3.1671e-5 (tables), is one draw in 31,574, said to two
            // significant digits (it was "only 3.2e-5").
            assert!(
                err.contains(
                    "normal(mean 0.3, sd 0.05) puts only about 1 in 32,000 of its draws in [0.5, 1]"
                ),
                "{err}"
            );
        }
    }
}

/// A reversed range is echoed as the file writes it (`[3.0, 0.1]` was said `[3, 0.1]`).
#[test]
fn a_reversed_range_is_echoed_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "r.toml",
        &format!(
            "base = \"{}\"\nruns = 1\npoints = 2\n[[parameter]]\npath = \"model.war_cost\"\n\
             role = \"uncertainty\"\nrange = [3.0, 0.1]\n",
            baseline()
        ),
    );
    let o = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("parameter[0].range: expected low < high, found `[3.0, 0.1]`"),
        "{err}"
    );
}

/// A two-policy levers x futures sweep (`now`: the base as it is; `envoy`: a file) run into
/// `dir/r.csv`.
fn levers_results(dir: &Path) -> PathBuf {
    let sweep = write(
        dir,
        "s.toml",
        &format!(
            "base = \"{}\"\nruns = 20\nseed = 5\ndesign = \"lhs\"\npoints = 2\n\n\
             [[policy]]\nid = \"now\"\n\n[[policy]]\nid = \"envoy\"\nfile = \"{}\"\n\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
             range = [0.5, 0.95]\n",
            baseline(),
            scenario("tests/data/envoy.toml"),
        ),
    );
    let out = dir.join("r.csv");
    succeeded(&run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]));
    out
}

/// Results without their record whose status quo is taken by its name (`baseline`): the
/// table's line said "(the base scenario as it is)" above a note saying the results do not
/// say so; now "(taken by its name)". With the record, the line is the sweep's own table's.
#[test]
fn a_status_quo_taken_by_its_name_is_labelled_so() {
    let dir = tempfile::tempdir().unwrap();
    let results = levers_results(dir.path());
    let sweep_table = {
        let o = deter()
            .args(["robust", results.to_str().unwrap()])
            .output()
            .unwrap();
        succeeded(&o);
        stdout(&o)
    };
    assert!(
        sweep_table.contains("Status quo `now` (the base scenario as it is)"),
        "{sweep_table}"
    );
    let bare = dir.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    let text = std::fs::read_to_string(&results)
        .unwrap()
        .replace(",now,", ",baseline,");
    let copy = write(&bare, "r.csv", &text);
    let o = run(&["robust", copy.to_str().unwrap()]);
    succeeded(&o);
    let t = stdout(&o);
    assert!(
        t.contains("Status quo `baseline` (taken by its name)"),
        "{t}"
    );
    assert!(!t.contains("(the base scenario as it is)"), "{t}");
    assert!(t.contains("is taken as the status quo by its name"), "{t}");
}

/// A `future` cell that is no whole number (`x`, `1.5`, `01`) is refused at that cell by
/// `robust` and `discover` alike (robust blamed another row's policy; discover took `1.5`).
#[test]
fn a_future_that_is_no_whole_number_is_refused_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let results = levers_results(dir.path());
    let text = std::fs::read_to_string(&results).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let fc = header.iter().position(|c| *c == "future").unwrap();
    for bad in ["x", "1.5", "01"] {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
        cells[fc] = bad.to_string();
        lines[2] = cells.join(",");
        let edited = write(dir.path(), "f.csv", &(lines.join("\n") + "\n"));
        let col = cells[..fc]
            .iter()
            .map(|c| c.chars().count() + 1)
            .sum::<usize>()
            + 1;
        let at = format!("{}:3:{col}: error: column `future`: ", edited.display());
        for args in [
            vec!["robust", edited.to_str().unwrap()],
            vec![
                "discover",
                edited.to_str().unwrap(),
                "--outcome",
                "war",
                "--above",
                "0.1",
            ],
        ] {
            let err = refused(&run(&args));
            assert!(
                common::first_error(&err).starts_with(&at),
                "{args:?} with {bad}: {err}"
            );
            assert!(err.contains(&format!("found `{bad}`")), "{err}");
        }
    }
}

/// Regret is defined for objectives; `crisis` is context, which `robust` refuses as a
/// threshold: `discover` refused `regret_crisis` neither as a condition nor from its
/// did-you-means.
#[test]
fn discover_has_no_regret_of_the_crisis_context() {
    let dir = tempfile::tempdir().unwrap();
    let results = levers_results(dir.path());
    let r = results.to_str().unwrap();
    let err = refused(&run(&[
        "discover",
        r,
        "--policy",
        "envoy",
        "--where",
        "regret_crisis >= 0",
    ]));
    assert!(err.contains("`crisis` is context"), "{err}");
    let err = refused(&run(&[
        "discover",
        r,
        "--policy",
        "envoy",
        "--where",
        "regret_bogus > 0.05",
    ]));
    assert!(!err.contains("regret_crisis"), "{err}");
    // `runs` is named for what it is.
    let err = refused(&run(&["discover", r, "--outcome", "runs", "--above", "5"]));
    assert!(
        err.contains("`runs` is the number of runs behind each point"),
        "{err}"
    );
    assert!(!err.contains("column before `runs`"), "{err}");
}

/// `--set scenario.rnus=100` said "`rnus` is a key of the [scenario] table"; it is none: the
/// did-you-mean names `scenario.runs`, as the same typo in a file gets one. A key the table
/// has is still said to be one.
#[test]
fn a_misspelt_scenario_key_in_set_gets_its_did_you_mean() {
    let err = refused(&run(&[
        "run",
        &baseline(),
        "--runs",
        "10",
        "--set",
        "scenario.rnus=100",
    ]));
    assert!(!err.contains("is a key of the [scenario] table"), "{err}");
    assert!(err.contains("did you mean `scenario.runs`?"), "{err}");
    let err = refused(&run(&[
        "run",
        &baseline(),
        "--runs",
        "10",
        "--set",
        "scenario.name=x",
    ]));
    assert!(
        err.contains("`name` is a key of the [scenario] table"),
        "{err}"
    );
}

/// A read-only robustness file beside a sweep's results is refused before any work at
/// `--out`'s value, as every output's fault (it was a bare `error:`).
#[test]
fn a_read_only_file_beside_a_sweeps_results_is_refused_at_out() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep = write(
        d,
        "s.toml",
        &format!(
            "base = \"{}\"\nruns = 5\nseed = 5\ndesign = \"lhs\"\npoints = 2\n\n\
             [[policy]]\nid = \"now\"\n\n[[policy]]\nid = \"envoy\"\nfile = \"{}\"\n\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
             range = [0.5, 0.95]\n",
            baseline(),
            scenario("tests/data/envoy.toml"),
        ),
    );
    let ro = write(d, "new.robustness.csv", "kept\n");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = d.join("new.csv");
    let o = run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let err = refused(&o);
    assert!(
        err.starts_with(&format!(
            "--out:1:1: error: expected a file deter may replace, found `{}`, a read-only file",
            ro.display()
        )),
        "{err}"
    );
    assert!(err.contains("--out also writes"), "{err}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "kept\n");
}

/// A flag that takes one value given twice: said at the second as such (it was "expected no
/// --files-from with --files-from").
#[test]
fn a_flag_given_twice_is_refused_at_its_second_value() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", &format!("{}\n", baseline()));
    let b = write(dir.path(), "b.txt", &format!("{}\n", baseline()));
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let err = refused(&run(&[
        "run",
        "--files-from",
        a,
        "--files-from",
        b,
        "--runs",
        "10",
    ]));
    assert!(
        err.starts_with(&format!(
            "--files-from:1:1: error: expected --files-from once, found `{b}` a second time"
        )),
        "{err}"
    );
    assert!(!err.contains("with --files-from"), "{err}");
}

/// `deter compare A A --set-b PATH=VALUE` where VALUE is the one A has compared a scenario
/// with itself without a word (the same file without `--set-b` is warned of). The value A
/// has is read from `deter run --set`'s `replaced` row, not from the scenario file; a value A
/// does not have draws no warning.
#[test]
fn a_set_b_that_gives_b_only_what_a_has_is_warned_of() {
    let b = baseline();
    let o = run(&[
        "run",
        &b,
        "--set",
        "model.war_cost=2",
        "--format",
        "csv",
        "--runs",
        "2",
        "-q",
    ]);
    succeeded(&o);
    let rows = stdout(&o);
    let had = rows
        .lines()
        .find(|l| l.contains(",set_model.war_cost,replaced,"))
        .and_then(|l| l.rsplit(',').next())
        .unwrap()
        .to_string();
    let warning = "warning: A and B are the same scenario: every value --set-b gives B is one \
                   A has already, so every difference B - A is 0";
    let set = format!("model.war_cost={had}");
    let o = run(&["compare", &b, &b, "--runs", "100", "--set-b", &set, "-q"]);
    succeeded(&o);
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    let other: f64 = had.parse::<f64>().unwrap() + 0.1;
    let set = format!("model.war_cost={other}");
    let o = run(&["compare", &b, &b, "--runs", "100", "--set-b", &set, "-q"]);
    succeeded(&o);
    assert!(!stderr(&o).contains("same scenario"), "{}", stderr(&o));
}

/// A shard without `--out` wrote its partial file (machine JSON) to a terminal; it is now
/// refused before any work at `--shard`'s value, in `deter run` and `deter sweep` alike. A
/// terminal is made with util-linux's `script` (ignored, with its reason, where the tests
/// were built without it).
#[test]
#[cfg_attr(
    not(deter_has_script),
    ignore = "no util-linux `script` on PATH when the tests were built: a shard on a terminal is not tested"
)]
fn a_shard_without_out_is_refused_when_standard_output_is_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = root().join("scenarios/sweeps/envoy-magnitude-x-futures.toml");
    let bin = common::bin();
    for cmd in [
        format!(
            "{} run {} --shard 0/2 --runs 100 -q",
            bin.display(),
            baseline()
        ),
        format!("{} sweep {} --shard 0/2 -q", bin.display(), sweep.display()),
    ] {
        let o = std::process::Command::new("script")
            .args(["-qec", &cmd])
            .arg(dir.path().join("typescript"))
            .output()
            .unwrap();
        // `script` shows what the terminal showed and exits with the command's status.
        let shown = String::from_utf8_lossy(&o.stdout).replace('\r', "");
        assert_eq!(o.status.code(), Some(2), "{cmd}: {shown}");
        assert!(
            shown.starts_with(
                "--shard:1:1: error: expected --out PART with --shard: standard output is a \
                 terminal"
            ),
            "{cmd}: {shown}"
        );
        assert!(!shown.contains("deter-partial"), "{cmd}: {shown}");
    }
}

/// Not a terminal (captured, as a redirection): the partial file still goes to standard
/// output.
#[test]
fn a_shard_without_out_writes_its_partial_file_to_a_redirected_output() {
    let o = run(&["run", &baseline(), "--shard", "0/2", "--runs", "100", "-q"]);
    succeeded(&o);
    assert!(stdout(&o).contains("\"format\":\"deter-partial\""));
}
