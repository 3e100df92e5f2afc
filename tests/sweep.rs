//! `deter sweep` and `deter run --until-ci` end to end: validation errors, thread-count
//! independence, resume after truncation, Ctrl-C and kill, common random numbers,
//! sensitivity output, adaptive stopping.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use predicates::str::contains;

mod common;
use common::{deter, refused, succeeded, write};

fn base() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/western-balkans-2024.toml")
        .display()
        .to_string()
}

/// Write a sweep file with the given body into `dir`.
fn sweep_file(dir: &Path, name: &str, head: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    let text = format!("base = \"{}\"\n{head}\n{body}", base());
    std::fs::write(&path, text).expect("writable temp dir");
    path
}

const GRID: &str = "[[parameter]]
path = \"country.XKX.military.budget\"
role = \"lever\"
values = [0.162, 0.4, 0.6]

[[parameter]]
path = \"alliance.NATO.reliability\"
role = \"uncertainty\"
range = [0.5, 0.9]
levels = 2
";

fn run_sweep(file: &Path, out: &Path, extra: &[&str]) {
    deter()
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .args(extra)
        .assert()
        .success();
}

#[test]
fn unknown_path_is_rejected_before_any_run_with_line_col_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(
        dir.path(),
        "bad.toml",
        "runs = 10",
        "[[parameter]]\npath = \"country.XKX.militry.budget\"\nrole = \"lever\"\nvalues = [0.2]\n",
    );
    let out = dir.path().join("r.csv");
    deter()
        .args(["sweep", f.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("bad.toml:4:8: error"))
        .stderr(contains("did you mean `country.XKX.military.budget`?"));
    assert!(!out.exists(), "no results file before validation passes");
}

/// A sweep file written with its keys under a `[sweep]` table (as other tools' experiment
/// files are laid out) got "missing required key `base`" and "unknown key `sweep`: did you
/// mean `seed`?" from `deter sweep`, and was read as a scenario by `deter validate` (four
/// errors about countries). Every command now says, at `[sweep]`, that the keys go at the top
/// (one error, exit 2); `deter run` names it a sweep file.
#[test]
fn a_sweep_file_with_a_sweep_table_is_told_where_its_keys_go() {
    let dir = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let f = write(
        dir.path(),
        "wrapped.toml",
        &format!(
            "[sweep]\nbase = {base:?}\nruns = 10\n[[parameter]]\n\
             path = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nvalues = [0.1, 0.2]\n"
        ),
    );
    let out = dir.path().join("r.csv");
    let f = f.to_str().unwrap();
    for args in [
        vec!["sweep", f, "--out", out.to_str().unwrap()],
        vec!["validate", f],
    ] {
        let o = common::run(&args);
        refused(&o);
        let e = common::stderr(&o);
        assert!(
            e.starts_with(&format!(
                "{f}:1:2: error: sweep: unknown key `sweep`: a sweep file has no `[sweep]` table\n"
            )),
            "{args:?}: {e}"
        );
        assert!(e.contains("delete the `[sweep]` line"), "{args:?}: {e}");
        assert!(e.ends_with("1 error found\n"), "{args:?}: {e}");
    }
    let o = common::run(&["run", f]);
    refused(&o);
    assert!(
        common::stderr(&o).contains("this is a sweep file"),
        "{}",
        common::stderr(&o)
    );
    assert!(!out.exists());
}

/// One scenario parameter under two names in one sweep file: a policy change's `name` and
/// its `changes[K].set`, or an index written `[00]`, resolve to the same parameter, and were
/// accepted (a grid of its values against themselves, the later one overriding the earlier
/// in every point; in a policy's `set` table the second value replaced the first unsaid).
/// Refused as the same path twice is, at the second's line and column, naming both, exit 2.
#[test]
fn a_parameter_swept_under_two_names_is_refused_at_the_second() {
    let dir = tempfile::tempdir().unwrap();
    let shea = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/shea-special-envoy.toml");
    for (first, second) in [
        (
            "policy.special-envoy.monitoring_target",
            "policy.special-envoy.changes[0].set",
        ),
        (
            "policy.special-envoy.changes[0].set",
            "policy.special-envoy.changes[00].set",
        ),
    ] {
        let path = dir.path().join("dup.toml");
        std::fs::write(
            &path,
            format!(
                "base = \"{}\"\nruns = 5\ndesign = \"grid\"\n\n\
                 [[parameter]]\npath = \"{first}\"\nrole = \"lever\"\nvalues = [0.5, 0.6]\n\n\
                 [[parameter]]\npath = \"{second}\"\nrole = \"lever\"\nvalues = [0.7, 0.8]\n",
                shea.display()
            ),
        )
        .unwrap();
        let out = dir.path().join("r.csv");
        for cmd in [
            vec!["validate"],
            vec!["sweep", "--out", out.to_str().unwrap()],
        ] {
            let o = common::run(&[&cmd[..1], &[path.to_str().unwrap()], &cmd[1..]].concat());
            let err = refused(&o);
            assert!(
                err.contains(&format!(
                    "dup.toml:11:8: error: parameter[1].path: `{second}` is swept twice: it is \
                     the same scenario parameter as `{first}` (line 6)"
                )),
                "{cmd:?}: {err}"
            );
            assert!(err.contains("first defined here"), "{err}");
        }
        assert!(!out.exists(), "nothing written");
    }
    // The same path twice keeps its words.
    let path = dir.path().join("same.toml");
    std::fs::write(
        &path,
        format!(
            "base = \"{}\"\nruns = 5\ndesign = \"grid\"\n\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"lever\"\nvalues = [0.5]\n\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"lever\"\nvalues = [0.7]\n",
            shea.display()
        ),
    )
    .unwrap();
    let err = refused(&common::run(&["sweep", path.to_str().unwrap()]));
    assert!(
        err.contains("same.toml:11:8: error: parameter[1].path: `model.war_cost` is swept twice\n"),
        "{err}"
    );
    // A levers x futures policy's `set` table: the second key.
    let path = dir.path().join("lxf.toml");
    std::fs::write(
        &path,
        format!(
            "base = \"{}\"\nruns = 5\ndesign = \"lhs\"\npoints = 2\n\n\
             [[policy]]\nid = \"baseline\"\n\n\
             [[policy]]\nid = \"envoy\"\nfile = \"{}\"\n\
             set = {{ \"policy.special-envoy.changes[0].set\" = 0.9, \
             \"policy.special-envoy.monitoring_target\" = 0.5 }}\n\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.4, 1.6]\n",
            base(),
            shea.display()
        ),
    )
    .unwrap();
    let err = refused(&common::run(&["sweep", path.to_str().unwrap()]));
    assert!(
        err.contains(
            "lxf.toml:12:54: error: policy[1].set.\"policy.special-envoy.monitoring_target\": \
             `policy.special-envoy.monitoring_target` is set twice: it is the same scenario \
             parameter as `policy.special-envoy.changes[0].set` (line 12)"
        ),
        "{err}"
    );
}

/// A parameter table without `role` still has its values checked: `deter validate` and `deter
/// sweep` report every fault of the table (the missing role hid the rest).
#[test]
fn a_missing_role_does_not_hide_the_tables_other_faults() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(
        dir.path(),
        "bad.toml",
        "runs = 10",
        "[[parameter]]\npath = \"model.war_cost\"\nvalues = [0.5, 99]\n",
    );
    for cmd in ["validate", "sweep"] {
        deter()
            .args([cmd, f.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(contains("error: parameter[0].role: missing required key `role`"))
            .stderr(contains(
                "error: parameter[0].values[1]: expected a number in [0, 10] (stake units), found 99",
            ))
            .stderr(contains("2 errors found"));
    }
}

#[test]
fn out_of_range_value_is_rejected_at_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(
        dir.path(),
        "bad.toml",
        "runs = 10",
        "[[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"lever\"\nvalues = [0.5, 1.5]\n",
    );
    deter()
        .args(["sweep", f.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("bad.toml:6:16: error"))
        .stderr(contains("expected a number in [0, 1], found 1.5"));
}

#[test]
fn results_are_byte_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path(), "g.toml", "runs = 300\nseed = 5", GRID);
    for format in ["csv", "json"] {
        let a = dir.path().join(format!("a.{format}"));
        let b = dir.path().join(format!("b.{format}"));
        run_sweep(&f, &a, &["--threads", "1", "--format", format]);
        run_sweep(&f, &b, &["--threads", "2", "--format", format]);
        let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
        assert_eq!(a, b, "{format}");
        assert_eq!(
            a.iter().filter(|&&c| c == b'\n').count(),
            7,
            "header + 6 rows"
        );
    }
}

#[test]
fn resume_after_truncation_anywhere_completes_to_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path(), "g.toml", "runs = 200\nseed = 9", GRID);
    for format in ["csv", "json"] {
        resume_after_cuts(dir.path(), &f, format);
    }
}

fn resume_after_cuts(dir: &Path, f: &Path, format: &str) {
    let full = dir.join(format!("full.{format}"));
    run_sweep(f, &full, &["--format", format]);
    let bytes = std::fs::read(&full).unwrap();
    let newlines: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b'\n').collect();
    // Cut inside the header, right after it, inside row 2, right after row 2, inside the
    // last row: each is what a kill at some moment can leave.
    let cuts = [
        10,
        newlines[0] + 1,
        newlines[1] + 7,
        newlines[2] + 1,
        bytes.len() - 3,
        bytes.len(),
    ];
    for cut in cuts {
        let part = dir.join(format!("part-{cut}.{format}"));
        std::fs::write(&part, &bytes[..cut]).unwrap();
        // The settings fingerprint beside the results, as the interrupted sweep left it.
        let marker = |p: &Path| {
            p.with_file_name(format!(
                "{}.sweep",
                p.file_name().unwrap().to_string_lossy()
            ))
        };
        std::fs::copy(marker(&full), marker(&part)).unwrap();
        run_sweep(f, &part, &["--resume", "--format", format]);
        assert_eq!(
            std::fs::read(&part).unwrap(),
            bytes,
            "{format} cut at byte {cut}"
        );
    }
}

/// Two sweeps with `head`: `a.toml` of [`GRID`], `b.toml` of another grid, and where their
/// results go (`r.csv`).
fn two_grids(dir: &Path, head: &str) -> (PathBuf, PathBuf, PathBuf) {
    let a = sweep_file(dir, "a.toml", head, GRID);
    let b = sweep_file(dir, "b.toml", head, &GRID.replace("0.4, 0.6", "0.3, 0.6"));
    (a, b, dir.join("r.csv"))
}

#[test]
fn resume_refuses_a_results_file_from_another_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, out) = two_grids(dir.path(), "runs = 50");
    run_sweep(&a, &out, &[]);
    let resume_b = || {
        deter()
            .args(["sweep", b.to_str().unwrap(), "--out"])
            .args([out.to_str().unwrap(), "--resume"])
            .assert()
            .code(2)
    };
    // Another sweep file, no flag that differs: located at --out (tests/located_faults.rs).
    resume_b().stderr(contains(format!(
        "--out:1:1: error: expected results started with this sweep's settings, found `{}`, \
         started with other sweep settings",
        out.display()
    )));
    // Without the fingerprint file nothing proves where the rows come from: refused.
    std::fs::remove_file(dir.path().join("r.csv.sweep")).unwrap();
    resume_b().stderr(contains("fingerprint"));
}

#[test]
fn resume_refuses_a_partial_file_started_with_another_seed() {
    let dir = tempfile::tempdir().unwrap();
    let a = sweep_file(dir.path(), "a.toml", "runs = 50\nseed = 1", GRID);
    let b = sweep_file(dir.path(), "b.toml", "runs = 50\nseed = 2", GRID);
    let out = dir.path().join("r.csv");
    run_sweep(&a, &out, &[]);
    assert!(dir.path().join("r.csv.sweep").exists());
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&out, &text[..text.len() / 2]).unwrap();
    // Same header and grid values: only the fingerprint tells the seeds apart.
    deter()
        .args([
            "sweep",
            b.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--resume",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "--out:1:1: error: expected results started with this sweep's settings",
        ));
    run_sweep(&a, &out, &["--resume"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
}

fn lines(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Start a slow sweep, wait for `rows` finished rows, send `signal`, then resume and
/// compare with an uninterrupted sweep.
fn interrupt_and_resume(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nrange = [0.1, 0.9]\nlevels = 12\n";
    let f = sweep_file(dir.path(), "slow.toml", "runs = 3000\nseed = 1", body);
    let full = dir.path().join("full.csv");
    run_sweep(&f, &full, &[]);
    let part = dir.path().join("part.csv");
    let mut child = StdCommand::new(common::bin())
        .args([
            "sweep",
            f.to_str().unwrap(),
            "--out",
            part.to_str().unwrap(),
        ])
        .args(["-q", "--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while lines(&part) < 3 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    StdCommand::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let done = lines(&part);
    assert!(
        done < 13,
        "the sweep was interrupted before its end ({done} lines)"
    );
    assert!(!status.success());
    if signal == "-INT" {
        assert_eq!(status.code(), Some(130), "Ctrl-C exits with 130");
    }
    run_sweep(&f, &part, &["--resume"]);
    assert_eq!(
        std::fs::read(&part).unwrap(),
        std::fs::read(&full).unwrap(),
        "resumed after {signal} with {done} lines written"
    );
}

#[test]
fn ctrl_c_leaves_a_file_that_resume_completes_identically() {
    interrupt_and_resume("-INT");
}

#[test]
fn kill_leaves_a_file_that_resume_completes_identically() {
    interrupt_and_resume("-KILL");
}

#[test]
fn common_random_numbers_give_identical_points_identical_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\nvalues = [0.3, 0.3]\n";
    let crn = sweep_file(
        dir.path(),
        "crn.toml",
        "runs = 200\ncommon_random_numbers = true",
        body,
    );
    let ind = sweep_file(dir.path(), "ind.toml", "runs = 200", body);
    let rows = |f: &Path, name: &str| -> Vec<String> {
        let out = dir.path().join(name);
        run_sweep(f, &out, &[]);
        std::fs::read_to_string(out)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split_once(',').unwrap().1.to_string())
            .collect()
    };
    let c = rows(&crn, "crn.csv");
    assert_eq!(c[0], c[1], "same stream for run i at every point");
    let i = rows(&ind, "ind.csv");
    assert_ne!(i[0], i[1], "independent streams differ");
}

#[test]
fn saltelli_sweep_saves_a_ranked_sensitivity_table_beside_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\nrange = [0.15, 0.6]\n\n\
                [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nrange = [0.2, 0.9]\n";
    let f = sweep_file(
        dir.path(),
        "s.toml",
        "runs = 100\ndesign = \"saltelli\"\npoints = 8",
        body,
    );
    let out = dir.path().join("s.csv");
    deter()
        .args(["sweep", f.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout(contains("Sobol' indices"))
        .stdout(contains("total order ST"));
    assert_eq!(lines(&out), 1 + 8 * 4);
    let table = std::fs::read_to_string(dir.path().join("s.sensitivity.csv")).unwrap();
    assert!(table.starts_with(
        "outcome,rank,parameter,role,S1,S1_boot95_lo,S1_boot95_hi,ST,ST_boot95_lo,ST_boot95_hi\n"
    ));
    assert_eq!(table.lines().count(), 1 + deter::outputs::N_EVENTS * 2);

    let m = sweep_file(
        dir.path(),
        "m.toml",
        "runs = 100\ndesign = \"morris\"\npoints = 4",
        body,
    );
    let out = dir.path().join("m.csv");
    run_sweep(&m, &out, &[]);
    let table = std::fs::read_to_string(dir.path().join("m.sensitivity.csv")).unwrap();
    assert!(table.starts_with("outcome,rank,parameter,role,mu_star,mu,sigma,effects\n"));
}

#[test]
fn until_ci_stops_at_a_block_boundary_deterministically_and_says_why() {
    let json = |threads: &str| -> serde_json::Value {
        let out = deter()
            .args([
                "run",
                &base(),
                "--format",
                "json",
                "-q",
                "--threads",
                threads,
            ])
            .args(["--until-ci", "0.02", "--max-runs", "20000"])
            .output()
            .unwrap();
        succeeded(&out);
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_object_mut().unwrap().remove("timing");
        v
    };
    let (a, b) = (json("1"), json("2"));
    assert_eq!(a, b);
    let s = &a["stopping"];
    assert_eq!(s["reason"], "target_reached");
    let runs = s["runs"].as_u64().unwrap();
    assert_eq!(runs % 1000, 0);
    assert_eq!(a["runs"].as_u64(), Some(runs));
    assert!(s["widest_half_width"].as_f64().unwrap() <= 0.02);

    // The cap wins when the target is out of reach; without the option, no `stopping`.
    let capped = deter()
        .args(["run", &base(), "--format", "json", "-q"])
        .args(["--until-ci", "0.001", "--max-runs", "1500"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&capped.stdout).unwrap();
    assert_eq!(v["stopping"]["reason"], "max_runs");
    assert_eq!(v["runs"], 1500);
    let plain = deter()
        .args(["run", &base(), "--format", "json", "-q", "--runs", "100"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(v.get("stopping").is_none());
}

#[test]
fn until_ci_in_a_sweep_stops_each_point_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path(), "g.toml", "runs = 4000", GRID);
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    run_sweep(&f, &a, &["--until-ci", "0.03", "--threads", "1"]);
    run_sweep(&f, &b, &["--until-ci", "0.03", "--threads", "2"]);
    let text = std::fs::read_to_string(&a).unwrap();
    assert_eq!(text, std::fs::read_to_string(&b).unwrap());
    for row in text.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        let runs: u64 = cells[3].parse().unwrap();
        assert!(runs.is_multiple_of(1000) && runs <= 4000, "{row}");
        assert!(cells[4] == "target_reached" || runs == 4000, "{row}");
    }
}

/// A results CSV as its header's column names and its rows' cells.
fn csv_table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (head, rows)
}

/// The cells of column `name` of every row, read as numbers.
fn column(table: &(Vec<String>, Vec<Vec<String>>), name: &str) -> Vec<f64> {
    let at = table
        .0
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("{name}"));
    table.1.iter().map(|r| r[at].parse().unwrap()).collect()
}

/// `deter sweep --until-ci`: the tables after the sweep and its page took the sweep's `runs`
/// (the cap per point) for every point, where each point stopped at its own count: the
/// robustness table's Monte Carlo errors ("each probability rests on 3000 runs per future"
/// over rows of 1,000 and 2,000 runs), the sensitivity table's title and noise note, the
/// page's lead and captions (and the whiskers' intervals). Each is recomputed here from the
/// runs the written rows hold: the robustness table is the one `deter robust` computes from
/// the rows, and the sensitivity note's Monte Carlo variance is p (1 - p) times the mean of
/// 1 / runs over the rows.
#[test]
fn until_ci_tables_and_page_rest_on_the_runs_each_point_reached() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let war_cost = "[[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
                    range = [0.2, 3.0]\n";
    // Levers x futures: the sweep's robustness table against `deter robust` of its rows.
    let shea = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/shea-special-envoy.toml");
    let lxf = sweep_file(
        d,
        "lxf.toml",
        &format!(
            "runs = 3000\nseed = 3\ndesign = \"lhs\"\npoints = 4\n\
             satisficing = {{ use_of_force = 0.10 }}\n\n\
             [[policy]]\nid = \"baseline\"\n\n[[policy]]\nid = \"envoy\"\nfile = \"{}\"\n",
            shea.display()
        ),
        war_cost,
    );
    let results = d.join("lxf.csv");
    let out = deter()
        .args([
            "sweep",
            lxf.to_str().unwrap(),
            "--until-ci",
            "0.025",
            "--out",
        ])
        .arg(&results)
        .output()
        .unwrap();
    succeeded(&out);
    let runs = column(&csv_table(&results), "runs");
    let (lo, hi) = runs
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), &r| (l.min(r), h.max(r)));
    assert!(
        lo < hi && hi < 3000.0,
        "points stopped apart, under the cap: {runs:?}"
    );
    let said = String::from_utf8(out.stdout).unwrap();
    // Counts written as every table writes them: 1,000.
    let grouped = |x: f64| {
        let digits = (x as u64).to_string();
        let mut s = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                s.push(',');
            }
            s.push(c);
        }
        s
    };
    assert!(
        said.contains(&format!(
            "each probability rests on {} to {} runs per future",
            grouped(lo),
            grouped(hi)
        )),
        "{said}"
    );
    let swept = std::fs::read(d.join("lxf.robustness.csv")).unwrap();
    let robust = d.join("robust.csv");
    deter()
        .args(["robust", results.to_str().unwrap(), "-q", "--out"])
        .arg(&robust)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8(swept).unwrap(),
        std::fs::read_to_string(&robust).unwrap(),
        "the sweep's robustness table is the one of its rows"
    );

    // Saltelli: the sensitivity table's title and noise note, and the page.
    let sal = sweep_file(
        d,
        "sal.toml",
        "runs = 3000\nseed = 3\ndesign = \"saltelli\"\npoints = 2\n",
        &format!(
            "{war_cost}\n[[parameter]]\npath = \"country.XKX.military.budget\"\n\
             role = \"lever\"\nrange = [0.15, 0.6]\n"
        ),
    );
    let (results, page) = (d.join("sal.csv"), d.join("sal.html"));
    let out = deter()
        .args([
            "sweep",
            sal.to_str().unwrap(),
            "--until-ci",
            "0.025",
            "--out",
        ])
        .arg(&results)
        .arg("--report")
        .arg(&page)
        .output()
        .unwrap();
    succeeded(&out);
    let table = csv_table(&results);
    let runs = column(&table, "runs");
    let (lo, hi) = runs
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), &r| (l.min(r), h.max(r)));
    assert!(
        lo < hi && hi < 3000.0,
        "points stopped apart, under the cap: {runs:?}"
    );
    let words = format!(
        "{},{:03} to {},{:03} runs",
        lo as u64 / 1000,
        lo as u64 % 1000,
        hi as u64 / 1000,
        hi as u64 % 1000
    );
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains(&format!("8 points, {words} each;")), "{said}");
    // The noise note of `crisis` (near 1 everywhere: noise), from the rows' runs.
    let p = column(&table, "crisis_p");
    let mean = p.iter().sum::<f64>() / p.len() as f64;
    let inv = runs.iter().map(|r| 1.0 / r).sum::<f64>() / runs.len() as f64;
    let noise = format!("{:.2e}", mean * (1.0 - mean) * inv);
    let crisis = said.split("\ncrisis\n").nth(1).expect("the crisis section");
    assert!(
        crisis
            .lines()
            .next()
            .unwrap()
            .contains(&format!("Monte Carlo variance of one point ({noise})")),
        "{crisis}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(&format!("8 points x {words}, seed 3")),
        "the page's lead"
    );
    assert!(
        html.contains(&format!("the share of its {words} in which")),
        "the captions"
    );
}

#[test]
fn bundled_sweeps_are_valid() {
    for name in [
        "kosovo-budget-x-nato.toml",
        "saltelli-levers.toml",
        "proposals-factorial.toml",
        "proposals-x-futures.toml",
        "envoy-magnitude-x-futures.toml",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/sweeps")
            .join(name);
        if let Err(e) = deter::sweep::load_sweep(&path) {
            panic!("{name}: {e}");
        }
    }
}

/// `--plots` naming an existing file is refused before any run (exit 2), with the message
/// `deter calibrate --out` gives: no results file is written.
#[test]
fn a_plots_path_that_is_a_file_is_refused_before_any_run() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path(), "sw.toml", "runs = 10", GRID);
    let out = dir.path().join("ok.csv");
    let plots = write(dir.path(), "wb.toml", "not a directory");
    deter()
        .args(["sweep", f.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(["--plots", plots.to_str().unwrap(), "-q"])
        .assert()
        .code(2)
        .stderr(contains(format!(
            "--plots:1:1: error: expected a directory (created if missing), found `{}`, a file \
             that exists",
            plots.display()
        )));
    assert!(
        !out.exists(),
        "the sweep ran before the output paths were checked"
    );
}

/// The stderr of `deter sweep FILE --out OUT ARGS` (exit 0 asserted).
fn sweep_stderr(file: &Path, out: &Path, extra: &[&str]) -> String {
    let o = deter()
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{extra:?}: {err}");
    err
}

const OVERRIDES: &str = "overrides the values this sweep gives it";
const NEVER: &str = "after the horizon ends";

/// A base policy that starts after the horizon run never takes effect, so it overrides no
/// swept parameter: `deter sweep --horizon-years 1` of a base whose policy `calm` starts in
/// its third year warned that `calm` overrides the swept monitoring (checked against the
/// base's 10 years) beside the warning that `calm` never takes effect. Conversely a policy
/// after the base's own horizon overrides nothing without the flag and does within a
/// longer `--horizon-years`.
#[test]
fn a_base_policy_after_the_horizon_run_overrides_no_swept_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    let warn = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warn");
    let file = warn.join("sweep-varies-a-policy-parameter.toml");
    let err = sweep_stderr(&file, &out, &[]);
    assert!(err.contains(OVERRIDES), "{err}");
    let err = sweep_stderr(&file, &out, &["--horizon-years", "1"]);
    assert!(!err.contains(OVERRIDES), "{err}");
    assert!(
        err.contains(&format!("policy `calm` starts 2027-01, {NEVER}")),
        "{err}"
    );
    // `late` starts 2040-01, after the base's own 10 years (2035-01).
    let file = write(
        dir.path(),
        "late.toml",
        &format!(
            "base = \"{}\"\nruns = 10\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"country.AAA.military.budget\"\nrole = \"lever\"\nvalues = [1.0, 2.0]\n",
            warn.join("policy-after-horizon.toml").display()
        ),
    );
    let err = sweep_stderr(&file, &out, &[]);
    assert!(!err.contains(OVERRIDES), "{err}");
    let err = sweep_stderr(&file, &out, &["--horizon-years", "20"]);
    assert!(
        err.contains("policy `late` changes `country.AAA.military.budget` from 2040-01"),
        "{err}"
    );
}

/// The policy scenarios of a levers x futures sweep (`file = ...`) are run at the sweep's
/// `--horizon-years` too: a policy of one that starts after it is warned about, located in
/// that file, in the words `deter run --horizon-years` gives it; a warning of the base that
/// the policy scenario extends is said once.
#[test]
fn a_levers_x_futures_sweeps_policy_scenarios_are_checked_against_the_horizon_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warn/sweep-base.toml");
    let watch = write(
        dir.path(),
        "watch.toml",
        &format!(
            "extends = \"{}\"\n\n[[policy]]\nid = \"watch\"\nstart = \"2028-01\"\nchanges = \
             [{{ path = \"country.AAA.military.budget\", set = 2.0 }}]\n",
            base.display()
        ),
    );
    let file = write(
        dir.path(),
        "lxf.toml",
        &format!(
            "base = \"{}\"\nruns = 10\ndesign = \"lhs\"\npoints = 2\n\n[[policy]]\nid = \
             \"base\"\n\n[[policy]]\nid = \"watch\"\nfile = \"watch.toml\"\n\n[[parameter]]\n\
             path = \"country.BBB.military.budget\"\nrole = \"uncertainty\"\nrange = [1.0, 2.0]\n",
            base.display()
        ),
    );
    let err = sweep_stderr(&file, &out, &[]);
    assert!(!err.contains(NEVER), "{err}");
    // The reference: `deter run` of the policy scenario at that horizon.
    let o = deter()
        .args([
            "run",
            watch.to_str().unwrap(),
            "--horizon-years",
            "1",
            "--runs",
            "10",
        ])
        .output()
        .unwrap();
    let reference = String::from_utf8_lossy(&o.stderr).into_owned();
    let line = |err: &str, id: &str| {
        err.lines()
            .filter(|l| l.contains(&format!("policy `{id}` starts")))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let expected = line(&reference, "watch");
    assert_eq!(expected.len(), 1, "{reference}");
    assert!(expected[0].starts_with(&format!("{}:5:9: warning:", watch.display())));
    let err = sweep_stderr(&file, &out, &["--horizon-years", "1"]);
    assert_eq!(line(&err, "watch"), expected, "{err}");
    assert!(err.contains("or lengthen `--horizon-years` (1)"), "{err}");
    assert_eq!(line(&err, "calm").len(), 1, "{err}");
}

/// Every file a levers x futures sweep writes (results, record, robustness table and page
/// beside them, --report, --plots) is checked apart before any work: naming one twice is
/// refused with exit 2 in the words `deter robust` gives, and nothing is written.
#[test]
fn a_sweeps_outputs_naming_its_own_files_beside_the_results_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "lxf.toml",
        &format!(
            "base = \"{}\"\nruns = 10\ndesign = \"lhs\"\npoints = 2\n\n[[policy]]\nid = \
             \"base\"\n\n[[policy]]\nid = \"more\"\nset = {{ \"country.XKX.military.budget\" = \
             0.4 }}\n\n[[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
             range = [0.4, 1.6]\n",
            base()
        ),
    );
    let out = dir.path().join("q.csv");
    let beside = |suffix: &str| dir.path().join(format!("q{suffix}"));
    // (`--report q.robustness.csv` is refused for its extension before this check: an HTML
    // page named as a CSV file, tests/output_files.rs.)
    for (flag, path) in [
        ("--report", beside(".robustness.html")),
        ("--plots", beside(".csv.sweep")),
        ("--plots", beside(".robustness.csv")),
        ("--plots", beside(".robustness.html")),
    ] {
        let o = deter()
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-q",
                flag,
                path.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flag} {}: {err}", path.display());
        assert!(
            err.starts_with(&format!(
                "{flag}:1:1: error: expected {} no other output option names, found `{}`, \
                 which --out (",
                if flag == "--plots" {
                    "a directory"
                } else {
                    "a file"
                },
                path.display()
            )),
            "{err}"
        );
        assert!(!out.exists(), "{flag}: the sweep ran");
        assert!(!path.exists(), "{flag}: {} written", path.display());
    }
    // The same files named apart: the sweep runs and writes each.
    let report = dir.path().join("page.html");
    run_sweep(&file, &out, &["--report", report.to_str().unwrap()]);
    for f in [
        &report,
        &beside(".robustness.csv"),
        &beside(".robustness.html"),
    ] {
        assert!(f.exists(), "{}", f.display());
    }
}

/// A refused resume said "remove it or choose another --out": not that a sweep without
/// `--resume` starts afresh over the file (there is no `--force` to look for), nor, for a
/// file started with other settings, the command it was started with. It says both now; and
/// the way it names is one deter takes: the recorded command completes the file, and a
/// sweep without `--resume` replaces it.
#[test]
fn a_refused_resume_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, out) = two_grids(dir.path(), "runs = 50\nseed = 1");
    run_sweep(&a, &out, &["--seed", "7"]);
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&out, &text[..text.len() / 2]).unwrap();
    // `deter sweep FILE --out OUT --resume`, refused: its message.
    let refused = |file: &Path| {
        let o = deter()
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--resume",
            ])
            .output()
            .unwrap();
        refused(&o);
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let afresh = "choose another --out, or leave out --resume to start afresh over it (its \
                  rows and record are replaced)";
    let e = refused(&a);
    let recorded = format!(
        "deter sweep {} --out {} --seed 7 --resume",
        a.display(),
        out.display()
    );
    assert!(
        e.contains(&format!(
            "= help: `{}` resumes with `{recorded}`: to complete it, run that; else {afresh}",
            out.display()
        )),
        "{e}"
    );
    // The command it names completes the file.
    let words: Vec<&str> = recorded.split(' ').skip(1).collect();
    deter().args(&words).arg("-q").assert().success();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    // Results without their record, and rows of another design point: the same way out.
    std::fs::remove_file(dir.path().join("r.csv.sweep")).unwrap();
    let e = refused(&b);
    assert!(
        e.contains("fingerprint") && e.contains(&format!("= help: {afresh}\n")),
        "{e}"
    );
    run_sweep(&b, &out, &[]);
    let first = std::fs::read_to_string(&out).unwrap();
    // The header, then point 1's row where point 0's belongs.
    let lines: Vec<&str> = first.split_inclusive('\n').collect();
    std::fs::write(&out, format!("{}{}", lines[0], lines[2])).unwrap();
    let e = refused(&b);
    assert!(
        e.contains(&format!(
            "{}:2:1: error: the results do not belong to this sweep",
            out.display()
        )) && e.contains(&format!("= help: {afresh}")),
        "{e}"
    );
    // The refusal leaves the record as it was: complete (it was rewritten `running` first).
    let record = std::fs::read_to_string(dir.path().join("r.csv.sweep")).unwrap();
    // The record file's third line is the record (src/sweep/record.rs).
    let record: serde_json::Value = serde_json::from_str(record.lines().nth(2).unwrap()).unwrap();
    assert_eq!(record["status"], "complete", "{record}");
    // Leaving out --resume starts afresh over it, as said.
    run_sweep(&b, &out, &[]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
}

/// The same sweep command given again without `--resume` over the results it left when it was
/// stopped (its record `running`, finished rows kept) threw those rows away and started afresh,
/// without a word (hours of a long sweep lost to a repeated command): it is refused, exit 2,
/// before anything is written, naming the command that completes it and how to start afresh.
/// Complete results, and those of another sweep, are still replaced as before.
#[test]
fn an_interrupted_sweep_is_not_started_afresh_by_the_same_command() {
    let dir = tempfile::tempdir().unwrap();
    let file = sweep_file(dir.path(), "g.toml", "runs = 40\nseed = 3", GRID);
    let out = dir.path().join("r.csv");
    run_sweep(&file, &out, &[]);
    let full = std::fs::read_to_string(&out).unwrap();
    // What a Ctrl-C after two points leaves: the header and two rows, the record `running`.
    let kept: String = full.split_inclusive('\n').take(3).collect();
    std::fs::write(&out, &kept).unwrap();
    let marker = dir.path().join("r.csv.sweep");
    let record = std::fs::read_to_string(&marker).unwrap();
    let running = record.replace("\"status\":\"complete\"", "\"status\":\"running\"");
    assert_ne!(running, record);
    std::fs::write(&marker, &running).unwrap();
    let o = deter()
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "--out:1:1: error: expected results this sweep may start afresh over, found `{}`, \
             which holds 2 finished points of the 6 of this same sweep",
            out.display()
        )) && err.contains("--resume` completes it")
            && err.contains("to start afresh anyway, remove"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), kept);
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), running);
    // --resume completes it, byte for byte; the complete results are then replaced by the
    // same command without it, as before.
    run_sweep(&file, &out, &["--resume"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), full);
    run_sweep(&file, &out, &[]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), full);
}

/// A sweep point's figures are `deter run`'s for its values: point 0, and with common random
/// numbers every point, draws run i from stream i as `deter run BASE --set PATH=VALUE` does,
/// so its probabilities are the run's exactly; without common random numbers point k draws
/// from streams k x runs + i (docs/SWEEPS.md, "Work index"), an independent sample, so point
/// 1 differs from the run of its value where the common-random-numbers sweep's does not.
#[test]
fn a_sweep_points_figures_are_the_runs_of_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        "[[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n";
    let head = "runs = 300\nseed = 9\nattribution = false";
    let values = ["0.5", "1.5"];
    // The run of each value: its probabilities by event, from the tidy CSV.
    let runs: Vec<std::collections::HashMap<String, f64>> = values
        .iter()
        .map(|v| {
            let out = deter()
                .args([
                    "run",
                    &base(),
                    "--runs",
                    "300",
                    "--seed",
                    "9",
                    "--no-attribution",
                ])
                .args([
                    "--set",
                    &format!("model.war_cost={v}"),
                    "--format",
                    "csv",
                    "-q",
                ])
                .output()
                .unwrap();
            succeeded(&out);
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .filter_map(|l| {
                    let c: Vec<&str> = l.split(',').collect();
                    (c.len() == 6 && c[2] == "region" && c[4] == "p")
                        .then(|| (c[3].to_string(), c[5].parse().unwrap()))
                })
                .collect()
        })
        .collect();
    let events = [
        "threat",
        "display",
        "use_of_force",
        "war",
        "deterrence_held",
    ];
    for crn in [true, false] {
        let head = format!("{head}\ncommon_random_numbers = {crn}");
        let file = sweep_file(dir.path(), &format!("s{crn}.toml"), &head, body);
        let out = dir.path().join(format!("s{crn}.csv"));
        run_sweep(&file, &out, &[]);
        let text = std::fs::read_to_string(&out).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        for (k, row) in lines.enumerate() {
            let cells: Vec<&str> = row.split(',').collect();
            let p = |e: &str| -> f64 {
                let j = header.iter().position(|h| *h == format!("{e}_p")).unwrap();
                cells[j].parse().unwrap()
            };
            let same = events.iter().all(|e| p(e) == runs[k][*e]);
            if crn || k == 0 {
                for e in events {
                    assert_eq!(p(e), runs[k][e], "crn {crn}, point {k}, {e}");
                }
            } else {
                assert!(
                    !same,
                    "point {k} without common random numbers equals the run"
                );
            }
        }
    }
}

/// A kept line of a resumed results file that is not this sweep's was refused naming no
/// line: "`r.csv` does not belong to this sweep (row 2 has other parameter values than
/// design point 2)", and so of a blank line, or of a header saved with CR LF line ends by
/// another program. Each is refused now at its line and column, as every input's fault, with
/// what is there, exit 2, the file untouched.
#[test]
fn a_resumed_line_that_is_not_this_sweeps_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path(), "g.toml", "runs = 50\nseed = 9", GRID);
    let full = dir.path().join("full.csv");
    run_sweep(&f, &full, &[]);
    let text = std::fs::read_to_string(&full).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let part = dir.path().join("part.csv");
    std::fs::copy(
        dir.path().join("full.csv.sweep"),
        dir.path().join("part.csv.sweep"),
    )
    .unwrap();
    // Row 1 with its first parameter value edited: at that cell.
    let second = lines[2].find(',').unwrap() + 1;
    let edited = format!("{}9{}", &lines[2][..second], &lines[2][second..]);
    let header = lines[0].trim_end();
    let cases = [
        (
            format!("{}{}\n{}", lines[0], lines[1], lines[2]),
            3,
            1,
            "a blank line where design point 1's row belongs".to_string(),
        ),
        (
            format!("{}{}{}", lines[0], lines[1], lines[3]),
            3,
            1,
            "this row is not design point 1's, whose point number and parameter values are `"
                .to_string(),
        ),
        (
            format!("{}{}{edited}", lines[0], lines[1]),
            3,
            second + 1,
            "this row is not design point 1's".to_string(),
        ),
        (
            format!("{header}\r\n{}", lines[1]),
            1,
            header.rfind(',').unwrap() + 2,
            "its lines end in CR LF (the file was saved by another program)".to_string(),
        ),
        (
            format!("\u{feff}{}{}", lines[0], lines[1]),
            1,
            1,
            "it starts with a byte order mark".to_string(),
        ),
        (
            format!("point,x{}", &lines[0][5..]),
            1,
            7,
            "its header differs from the one this sweep writes".to_string(),
        ),
    ];
    for (kept, line, col, what) in cases {
        std::fs::write(&part, &kept).unwrap();
        let o = deter()
            .args(["sweep", f.to_str().unwrap(), "--out"])
            .args([part.to_str().unwrap(), "--resume", "-q"])
            .output()
            .unwrap();
        let err = refused(&o);
        let at = format!(
            "{}:{line}:{col}: error: the results do not belong to this sweep: {what}",
            part.display()
        );
        assert!(err.contains(&at), "expected `{at}` in:\n{err}");
        assert!(
            err.contains("leave out --resume to start afresh over it"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&part).unwrap(), kept, "{what}");
    }
}

/// A grid over more than the limit of points was refused at the file's first character, at a
/// key it cannot take: "g.toml:1:1: error: points: the design has more than 1000000 points".
/// It is refused at its `design` (else its first parameter's path) with the counts it
/// multiplies, exit 2.
#[test]
fn a_grid_over_the_limit_of_points_is_refused_at_its_design_with_its_counts() {
    let dir = tempfile::tempdir().unwrap();
    let body: String = [
        "rivalry.SRB-XKX.monitoring",
        "rivalry.SRB-XKX.tension",
        "model.war_cost",
    ]
    .iter()
    .map(|p| format!("[[parameter]]\npath = \"{p}\"\nrole = \"uncertainty\"\nrange = [0.1, 0.9]\nlevels = 101\n"))
    .collect();
    for (head, at) in [
        ("runs = 1\ndesign = \"grid\"", ":3:10: error: design: "),
        ("runs = 1", ":4:8: error: design: "),
    ] {
        let f = sweep_file(dir.path(), "g.toml", head, &body);
        let o = deter()
            .args(["validate", f.to_str().unwrap()])
            .output()
            .unwrap();
        let err = refused(&o);
        let want = format!(
            "{}{at}a grid of 101 x 101 x 101 points (each parameter's number of values or \
             levels multiplied), more than the limit of 1000000",
            f.display()
        );
        assert!(err.contains(&want), "expected `{want}` in:\n{err}");
    }
}

/// `design = "latin-hypercube"` got "one of: grid, random, lhs, ...", where `sobel` gets
/// "did you mean `sobol`?": no spelling distance leads from a design's other name to the
/// name deter uses. The other names (and an option in another case, `LHS`) get the
/// did-you-mean of every enumerated value now; a near spelling keeps its own, and a word
/// that is none of them still lists the designs. Read by `deter validate` and `deter sweep`
/// alike.
#[test]
fn a_designs_other_name_gets_a_did_you_mean() {
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    for (design, help) in [
        ("latin-hypercube", "did you mean `lhs`?"),
        ("Latin_Hypercube", "did you mean `lhs`?"),
        ("latin hypercube sampling", "did you mean `lhs`?"),
        ("LHS", "did you mean `lhs`?"),
        ("full-factorial", "did you mean `grid`?"),
        ("monte-carlo", "did you mean `random`?"),
        ("elementary-effects", "did you mean `morris`?"),
        ("sobel", "did you mean `sobol`?"),
        (
            "kriging",
            "one of: grid, random, lhs, sobol, saltelli, morris",
        ),
    ] {
        let file = common::write(
            d.path(),
            "s.toml",
            &format!(
                "base = {base:?}\nruns = 1\ndesign = {design:?}\npoints = 2\n\n[[parameter]]\n\
                 path = \"model.war_cost\"\nrange = [0.5, 1.0]\nrole = \"uncertainty\"\n"
            ),
        );
        let f = file.to_str().unwrap();
        let want = format!(
            "{f}:3:10: error: design: unknown value `{design}`\n  |\n3 | design = {design:?}\n  | \
             {}{}\n  |\n  = help: {help}\n1 error found\n",
            " ".repeat("design = ".len()),
            "^".repeat(design.len() + 2)
        );
        for args in [vec!["validate", f], vec!["sweep", f, "-q"]] {
            let o = common::run(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            assert_eq!(common::stderr(&o), want, "{args:?}");
        }
    }
}

/// The closing note of a levers x futures sweep names every analysis file it wrote: the
/// robustness table and its page (it named only the table).
#[test]
fn the_closing_note_names_the_robustness_table_and_its_page() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("lxf.csv");
    let o = deter()
        .args([
            "sweep",
            "scenarios/sweeps/proposals-x-futures.toml",
            "--out",
            out.to_str().unwrap(),
            "--runs",
            "20",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let (table, page) = (
        d.path().join("lxf.robustness.csv"),
        d.path().join("lxf.robustness.html"),
    );
    assert!(table.is_file() && page.is_file());
    assert!(
        err.contains(&format!(
            "deter: robustness table saved to `{}`, its page to `{}`\n",
            table.display(),
            page.display()
        )),
        "{err}"
    );
}
