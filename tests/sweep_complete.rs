//! A sweep's results record their plan and whether every point was written (`RESULTS.sweep`,
//! docs/SWEEPS.md "Complete and partial results"), and every reader that draws conclusions over
//! policies checks it. The fault this guards against: a levers x futures sweep of three
//! policies stopped exactly between the second and the third leaves rows that look complete
//! (every future of two policies, each in its place), and `deter robust` ranked two policies.
//!
//! The stop is made exact, not timed: the facade's sweep runs on one thread (points one after
//! the other, each a single block of runs) with a progress hook that sets the cancellation flag
//! once the runs of the first two policies are done; the flag is checked before every run, so
//! the third policy's first point never starts and every row of the first two is written.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use common::{
    deter, refused, refused_for, run, scenario, stderr, stderr_says, stdout, succeeded,
    succeeded_for, write,
};

const FUTURES: u64 = 3;
const RUNS: u64 = 40;

/// A levers x futures sweep of three policies in three futures, 40 runs per point.
fn three_policies(dir: &Path) -> PathBuf {
    write(
        dir,
        "three.toml",
        &format!(
            "base = \"{base}\"
runs = {RUNS}
seed = 17
design = \"lhs\"
points = {FUTURES}

[[policy]]
id = \"baseline\"

[[policy]]
id = \"envoy\"
file = \"{envoy}\"

[[policy]]
id = \"strong\"
set = {{ \"rivalry.SRB-XKX.monitoring\" = 0.9 }}

[[parameter]]
path = \"alliance.NATO.reliability\"
role = \"uncertainty\"
range = [0.5, 0.95]
",
            base = scenario("scenarios/western-balkans-2024.toml"),
            envoy = scenario("tests/data/envoy.toml"),
        ),
    )
}

/// Run `sweep` through the facade into `out` on one thread and stop it exactly after its
/// first `points` points (see the module docs).
fn stop_after(sweep: &Path, out: &Path, points: u64) {
    let cancel = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let hook = |n: u64| {
        if done.fetch_add(n, Ordering::SeqCst) + n >= points * RUNS {
            cancel.store(true, Ordering::SeqCst);
        }
    };
    let settings = deter::Settings {
        threads: 1,
        ..Default::default()
    };
    let control = deter::Control {
        cancel: Some(&cancel),
        progress: Some(&hook),
    };
    let r = deter::sweep(sweep, &settings, control, out, false);
    assert!(matches!(r, Err(deter::Error::Interrupted)), "{r:?}");
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn robust(results: &Path, extra: &[&str]) -> Output {
    deter()
        .arg("robust")
        .arg(results)
        .args(extra)
        .output()
        .unwrap()
}

fn discover(results: &Path, extra: &[&str]) -> Output {
    deter()
        .arg("discover")
        .arg(results)
        .args(extra)
        .output()
        .unwrap()
}

/// The command quoted in a message: the text between the backticks after `with `.
fn quoted_command(message: &str) -> String {
    let start = message.find("with `deter sweep").expect("a resume command") + 6;
    let end = start + message[start..].find('`').unwrap();
    message[start..end].to_string()
}

/// A complete CLI sweep of `sweep` into `dir/NAME`.
fn whole(sweep: &Path, dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    deter()
        .arg("sweep")
        .arg(sweep)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    out
}

#[test]
fn a_sweep_stopped_exactly_between_two_policies_is_refused_by_robust_until_resumed() {
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let full = whole(&sweep, d.path(), "full.csv");
    let part = d.path().join("part.csv");
    stop_after(&sweep, &part, 2 * FUTURES);

    // The file is exactly the first two policies' rows, each complete: what looked complete.
    let rows = lines(&part);
    assert_eq!(rows.len() as u64, 1 + 2 * FUTURES, "{rows:?}");
    assert_eq!(rows[..], lines(&full)[..rows.len()]);
    let record = std::fs::read_to_string(d.path().join("part.csv.sweep")).unwrap();
    assert!(record.contains("\"status\":\"running\""), "{record}");

    // robust refuses it, naming the policy not run and the command that completes it.
    let table = d.path().join("table.csv");
    let o = robust(&part, &["--out", table.to_str().unwrap()]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "`{}` is incomplete: its sweep planned 9 points (3 policies x 3 futures) x 40 runs \
             and the file holds 6 of them; policy `strong` (3 futures) not run. Complete it with \
             `deter sweep {} --out {} --format csv --resume`",
            part.display(),
            sweep.display(),
            part.display()
        )),
        "{e}"
    );
    assert!(
        !table.exists(),
        "a table was written for incomplete results"
    );

    // The command it names completes the file to the bytes of an uninterrupted sweep.
    let command = quoted_command(&e);
    let words: Vec<&str> = command.split(' ').collect();
    assert_eq!(&words[..2], ["deter", "sweep"]);
    deter().args(&words[1..]).arg("-q").assert().success();
    assert_eq!(std::fs::read(&part).unwrap(), std::fs::read(&full).unwrap());
    let record = std::fs::read_to_string(d.path().join("part.csv.sweep")).unwrap();
    assert!(record.contains("\"status\":\"complete\""), "{record}");

    // Now complete: ranked, every policy present, no statement about completeness.
    let o = robust(&part, &["--out", table.to_str().unwrap()]);
    succeeded(&o);
    let t = std::fs::read_to_string(&table).unwrap();
    for p in ["baseline", "envoy", "strong"] {
        assert!(t.contains(&format!(",{p},")), "{p} missing from\n{t}");
    }
    assert!(!stdout(&o).contains("Completeness cannot be checked"));
}

#[test]
fn discover_reports_partial_results_as_partial_and_refuses_regret_over_them() {
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let part = d.path().join("part.csv");
    stop_after(&sweep, &part, 2 * FUTURES);
    let page = d.path().join("prim.html");

    // PRIM over the points run: useful, and said to be partial, on the terminal and the page.
    let o = discover(
        &part,
        &[
            "--outcome",
            "use_of_force",
            "--above",
            "0.2",
            "--report",
            page.to_str().unwrap(),
        ],
    );
    succeeded(&o);
    let text = stdout(&o);
    let partial = "PARTIAL RESULTS: ";
    assert!(text.contains(partial), "{text}");
    assert!(
        text.contains("policy `strong` (3 futures) not run"),
        "{text}"
    );
    assert!(text.contains("--resume`"), "{text}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("PARTIAL RESULTS"), "the page does not say so");

    // Regret compares policies in each future: refused while a policy is missing.
    let o = discover(&part, &["--where", "regret_use_of_force > 0.01"]);
    refused(&o);
    let e = stderr(&o);
    assert!(e.contains("needs every policy's rows"), "{e}");
    assert!(e.contains("is incomplete"), "{e}");

    // The policy not run yet is named as such, not only as unknown.
    let o = discover(
        &part,
        &[
            "--outcome",
            "use_of_force",
            "--above",
            "0.2",
            "--policy",
            "strong",
        ],
    );
    refused(&o);
    stderr_says(&o, "policy `strong` (3 futures) not run");

    // A complete sweep's results: no statement.
    let full = whole(&sweep, d.path(), "full.csv");
    let o = discover(&full, &["--where", "regret_use_of_force > 0.01"]);
    succeeded(&o);
    assert!(!stdout(&o).contains(partial));
    assert!(!stdout(&o).contains("Completeness cannot be checked"));
}

/// Results without a record (standard output, an older deter, a copy) are still read, with
/// the statement that completeness cannot be checked; an older marker (the fingerprint only)
/// still resumes; a record of other results is not trusted.
#[test]
fn results_without_a_usable_record_are_read_with_a_statement() {
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let full = whole(&sweep, d.path(), "full.csv");
    let part = d.path().join("part.csv");
    stop_after(&sweep, &part, 2 * FUTURES);
    let marker = d.path().join("part.csv.sweep");
    let record = std::fs::read_to_string(&marker).unwrap();
    let page = d.path().join("robust.html");
    let table = d.path().join("table.csv");
    let args = [
        "--out",
        table.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
    ];

    // No record: ranked (two policies), and said to be unchecked on the terminal and page.
    std::fs::remove_file(&marker).unwrap();
    let o = robust(&part, &args);
    succeeded(&o);
    assert!(
        stdout(&o).contains("Completeness cannot be checked: there is no record"),
        "{}",
        stdout(&o)
    );
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("Completeness cannot be checked"),
        "the page does not say so"
    );
    let o = discover(&part, &["--outcome", "use_of_force", "--above", "0.2"]);
    succeeded(&o);
    assert!(stdout(&o).contains("Completeness cannot be checked"));

    // An older marker: the two fingerprint lines only. Read with the statement; resumes.
    let legacy: String = record.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(&marker, &legacy).unwrap();
    let o = robust(&part, &args);
    succeeded(&o);
    assert!(
        stdout(&o).contains("was written by an older deter and records no plan"),
        "{}",
        stdout(&o)
    );

    // A record written for other results (another header): not trusted.
    let other = record.replacen("\"header_sha256\":\"", "\"header_sha256\":\"0", 1);
    std::fs::write(&marker, &other).unwrap();
    let o = robust(&part, &args);
    succeeded(&o);
    assert!(
        stdout(&o).contains("was written for other results"),
        "{}",
        stdout(&o)
    );

    // The older marker resumes to the uninterrupted bytes, and leaves a full record.
    std::fs::write(&marker, &legacy).unwrap();
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&part)
        .args(["--format", "csv", "--resume", "-q"])
        .assert()
        .success();
    assert_eq!(std::fs::read(&part).unwrap(), std::fs::read(&full).unwrap());
    assert!(
        std::fs::read_to_string(&marker)
            .unwrap()
            .contains("\"status\":\"complete\"")
    );
}

/// Complete results cut afterwards (rows removed by hand, a copy cut short) are refused, and
/// a record that says complete for every row but one is not enough.
#[test]
fn complete_results_cut_afterwards_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let full = whole(&sweep, d.path(), "full.csv");
    let text = std::fs::read_to_string(&full).unwrap();
    let cut = d.path().join("cut.csv");
    let keep: String = text.lines().take(1 + 7).map(|l| format!("{l}\n")).collect();
    std::fs::write(&cut, keep).unwrap();
    std::fs::copy(
        d.path().join("full.csv.sweep"),
        d.path().join("cut.csv.sweep"),
    )
    .unwrap();
    let o = robust(&cut, &[]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.contains("the file was cut after the sweep finished; policy `strong` in 2 of its 3 futures not in it"),
        "{e}"
    );
    // Every row there, but the sweep never recorded its end (killed during or after the
    // last row's write): incomplete, and the resume completes it without running anything.
    let pending = d.path().join("pending.csv");
    std::fs::copy(&full, &pending).unwrap();
    let record = std::fs::read_to_string(d.path().join("full.csv.sweep")).unwrap();
    std::fs::write(
        d.path().join("pending.csv.sweep"),
        record.replace("\"status\":\"complete\"", "\"status\":\"running\""),
    )
    .unwrap();
    let o = robust(&pending, &[]);
    refused(&o);
    stderr_says(&o, "the sweep stopped before recording its end");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&pending)
        .args(["--resume", "-q"])
        .assert()
        .success();
    assert_eq!(std::fs::read(&pending).unwrap(), text.as_bytes());
    assert!(robust(&pending, &[]).status.success());
}

/// `deter merge` of a sweep's shards writes the record of complete results: readers accept
/// them without a statement, and `deter sweep --resume` recognises them as this sweep's.
#[test]
fn merged_sweep_shards_carry_a_complete_record() {
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let full = whole(&sweep, d.path(), "full.csv");
    for k in 0..2 {
        deter()
            .arg("sweep")
            .arg(&sweep)
            .args(["--shard", &format!("{k}/2"), "-q", "--out"])
            .arg(d.path().join(format!("p{k}.json")))
            .assert()
            .success();
    }
    let merged = d.path().join("merged.csv");
    deter()
        .arg("merge")
        .args((0..2).map(|k| d.path().join(format!("p{k}.json"))))
        .arg("--out")
        .arg(&merged)
        .arg("-q")
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&merged).unwrap(),
        std::fs::read(&full).unwrap()
    );
    let record = std::fs::read_to_string(d.path().join("merged.csv.sweep")).unwrap();
    assert!(record.contains("\"status\":\"complete\""), "{record}");
    assert!(record.contains("\"points\":9"), "{record}");
    let o = robust(&merged, &[]);
    succeeded(&o);
    assert!(!stdout(&o).contains("Completeness cannot be checked"));
    // The record is an input of the readers: no output of theirs replaces it.
    let marker = d.path().join("merged.csv.sweep");
    for args in [
        vec!["robust".to_string()],
        vec![
            "discover".to_string(),
            "--where".into(),
            "war > 0.1".into(),
            "--report".into(),
        ],
    ] {
        let mut c = deter();
        c.arg(&args[0]).arg(&merged).args(&args[1..]);
        if args[0] == "robust" {
            c.arg("--out");
        }
        let o = c.arg(&marker).output().unwrap();
        refused_for(&o, format_args!("{args:?}: {o:?}"));
        assert_eq!(
            std::fs::read_to_string(&marker).unwrap(),
            record,
            "{args:?}"
        );
    }
    // The same fingerprint as the sweep's own: a resume accepts the file and changes nothing.
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&merged)
        .args(["--resume", "-q"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&merged).unwrap(),
        std::fs::read(&full).unwrap()
    );
}

/// The command line's own sweep, stopped by a real Ctrl-C wherever it is: its message and
/// `deter robust`'s name the same resume command, which completes the file identically.
#[cfg(unix)]
#[test]
fn a_ctrl_c_of_deter_sweep_leaves_results_robust_refuses_until_resumed() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let slow = ["--runs", "3000"];
    let full = d.path().join("full.csv");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&full)
        .args(slow)
        .arg("-q")
        .assert()
        .success();
    let part = d.path().join("part.csv");
    let child = Command::new(common::bin())
        .current_dir(common::root())
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&part)
        .args(slow)
        .args(["-q", "--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let count = |p: &Path| {
        std::fs::read(p)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0)
    };
    // A guard against hanging, not a timing assertion.
    while count(&part) < 2 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{o:?}");
    let rows = count(&part) - 1;
    assert!((1..9).contains(&rows), "stopped with {rows} rows");
    let said = stderr(&o);
    let o = robust(&part, &[]);
    refused(&o);
    let e = stderr(&o);
    assert!(e.contains("is incomplete"), "{e}");
    let command = quoted_command(&e);
    assert_eq!(
        command,
        format!(
            "deter sweep {} --out {} --runs 3000 --resume",
            sweep.display(),
            part.display()
        )
    );
    assert!(
        said.contains(&format!("run `{command}` to complete it")),
        "{said}"
    );
    let words: Vec<&str> = command.split(' ').collect();
    deter().args(&words[1..]).arg("-q").assert().success();
    assert_eq!(std::fs::read(&part).unwrap(), std::fs::read(&full).unwrap());
    assert!(robust(&part, &[]).status.success());
}

/// A complete sweep of one policy is not called incomplete: the record says it ran whole.
#[test]
fn a_complete_sweep_of_one_policy_is_not_called_incomplete() {
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let text = std::fs::read_to_string(&sweep).unwrap();
    let one = d.path().join("one.toml");
    let cut = text.find("[[policy]]\nid = \"envoy\"").unwrap();
    let rest = &text[text.find("[[parameter]]").unwrap()..];
    std::fs::write(&one, format!("{}{rest}", &text[..cut])).unwrap();
    let out = whole(&one, d.path(), "one.csv");
    let o = robust(&out, &[]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.contains("the sweep has only one policy (`baseline`, in 3 futures)"),
        "{e}"
    );
    assert!(!e.contains("incomplete"), "{e}");
}

// ---- A record beside results written over it ----

/// A levers x futures sweep file of 2 policies (`baseline` and `second`, the envoy overlay)
/// in 3 futures of `runs` runs, at `dir/NAME`.
fn levers_sweep(dir: &std::path::Path, name: &str, second: &str, runs: u32) -> String {
    let s = write(
        dir,
        name,
        &format!(
            "base = {:?}\nruns = {runs}\ndesign = \"lhs\"\npoints = 3\n\n[[policy]]\nid = \
             \"baseline\"\n\n[[policy]]\nid = \"{second}\"\nfile = {:?}\n\n[[parameter]]\npath \
             = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\nrange = [0.5, 0.95]\n",
            scenario("scenarios/western-balkans-2024.toml"),
            scenario("scenarios/shea-special-envoy.toml"),
        ),
    );
    s.to_str().unwrap().to_string()
}

/// Results written to standard output over a file beside which an earlier `deter sweep
/// --out` left its record (`deter sweep OTHER > r.csv`): the record's header matched theirs
/// (same parameters), so `deter robust` and `deter discover` took the earlier sweep's plan as
/// theirs and called the rows complete (another policy, other runs per point), and `deter
/// sweep --resume` re-marked another seed's rows of a grid as its own. The record is trusted
/// only for the rows it recorded: a complete record binds the whole file's SHA-256, and every
/// record the runs and policy of each row; otherwise both readers say completeness cannot be
/// checked, and the resume is refused, exit 2.
#[test]
fn a_record_beside_other_results_written_over_it_is_not_trusted() {
    let d = tempfile::tempdir().unwrap();
    let first = levers_sweep(d.path(), "l1.toml", "envoy", 5);
    let other_policy = levers_sweep(d.path(), "l2.toml", "envoy2", 5);
    let other_runs = levers_sweep(d.path(), "l3.toml", "envoy", 7);
    let out = d.path().join("r.csv");
    let r = out.to_str().unwrap();
    let o = run(&["sweep", &first, "--out", r, "-q"]);
    succeeded(&o);
    let cannot = "Completeness cannot be checked: the record";
    let readers = |r: &str| -> Vec<String> {
        [
            vec!["robust", r],
            vec!["discover", r, "--outcome", "use_of_force", "--above", "0.1"],
        ]
        .iter()
        .map(|args| {
            let o = run(args);
            succeeded_for(&o, format_args!("{args:?}"));
            String::from_utf8_lossy(&o.stdout).into_owned()
        })
        .collect()
    };
    for text in readers(r) {
        assert!(!text.contains("Completeness cannot be checked"), "{text}");
    }
    let record = format!("{r}.sweep");
    let complete = std::fs::read_to_string(&record).unwrap();
    // The same record, as an interrupted sweep (or an older deter) leaves it: no file hash.
    let running = {
        let mut lines: Vec<String> = complete.lines().map(str::to_string).collect();
        let mut v: serde_json::Value = serde_json::from_str(&lines[2]).unwrap();
        v["status"] = "running".into();
        v.as_object_mut().unwrap().remove("results_sha256");
        lines[2] = v.to_string();
        lines.join("\n") + "\n"
    };
    for (sweep, why) in [
        (
            &other_policy,
            "row 3 is of policy `envoy2`, where its plan has policy `envoy`",
        ),
        (&other_runs, "row 0 has 7 runs, its plan 5"),
    ] {
        let o = run(&["sweep", sweep, "-q"]);
        succeeded(&o);
        std::fs::write(&out, &o.stdout).unwrap();
        for (marker, said) in [
            (
                &complete,
                "their rows differ from the rows it recorded complete",
            ),
            (&running, why),
        ] {
            std::fs::write(&record, marker).unwrap();
            for text in readers(r) {
                assert!(
                    text.contains(&format!(
                        "{cannot} `{record}` was written for other results ({said})"
                    )),
                    "{text}"
                );
                assert!(!text.contains("PARTIAL RESULTS"), "{text}");
            }
        }
    }

    // A grid's rows of another seed pass every check of a kept row; the record's file hash
    // tells them apart, and the resume is refused.
    let grid = write(
        d.path(),
        "g.toml",
        &format!(
            "base = {:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let g = grid.to_str().unwrap();
    let gout = d.path().join("g.csv");
    let go = gout.to_str().unwrap();
    assert!(run(&["sweep", g, "--out", go, "-q"]).status.success());
    // Resuming complete results as they are: nothing to do.
    let o = run(&["sweep", g, "--out", go, "--resume", "-q"]);
    succeeded(&o);
    let seed9 = run(&["sweep", g, "--seed", "9", "-q"]).stdout;
    std::fs::write(&gout, &seed9).unwrap();
    let o = run(&["sweep", g, "--out", go, "--resume", "-q"]);
    refused(&o);
    stderr_says(
        &o,
        &format!(
            "--out:1:1: error: expected the rows its record `{go}.sweep` recorded complete, \
             found `{go}`, written over since"
        ),
    );
    assert_eq!(std::fs::read(&gout).unwrap(), seed9);
}

/// The command printed after an interrupted sweep, between "run `" and "` to complete it".
fn printed_command(err: &str) -> String {
    let start = err.find("run `").expect("a resume command") + 5;
    let end = err.rfind("` to complete it").expect("a resume command");
    err[start..end].to_string()
}

/// The `--resume` command an interrupted sweep prints, with file names holding a space,
/// quotes, `$`, a backtick, a backslash, `;`, `&`, `!` and a leading `-`: a POSIX shell
/// (`sh -c`) reads it back as the same words, and run so it completes the file as an
/// uninterrupted sweep writes it. (The sweep file and results name are given relative to the
/// directory the command runs in, as a user types them.)
#[cfg(unix)]
#[test]
fn the_printed_resume_command_is_read_back_by_a_shell_whatever_the_names_hold() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("a b $HOME 'q\" `c` \\ ;&!");
    std::fs::create_dir(&dir).unwrap();
    let text = std::fs::read_to_string(three_policies(d.path())).unwrap();
    let name = "s $x 'q\" `id`.toml";
    write(&dir, name, &text);
    let slow = ["--runs", "3000", "-q", "--threads", "1"];
    let full = d.path().join("full.csv");
    deter()
        .current_dir(&dir)
        .args(["sweep", name, "--out"])
        .arg(&full)
        .args(slow)
        .assert()
        .success();
    let results = "-r `x` ;$y 'z\".csv";
    let part = dir.join(results);
    let child = Command::new(common::bin())
        .current_dir(&dir)
        .args(["sweep", name, &format!("--out={results}")])
        .args(slow)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let count = |p: &Path| {
        std::fs::read(p)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0)
    };
    // A guard against hanging, not a timing assertion.
    while count(&part) < 2 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{o:?}");
    let command = printed_command(&stderr(&o));
    let rest = command
        .strip_prefix("deter ")
        .unwrap_or_else(|| panic!("{command}"));
    let script = format!("exec '{}' {rest} -q", common::bin().display());
    let o = Command::new("sh")
        .current_dir(&dir)
        .args(["-c", &script])
        .output()
        .unwrap();
    succeeded_for(&o, format_args!("sh -c {script}"));
    assert_eq!(
        std::fs::read(&part).unwrap(),
        std::fs::read(&full).unwrap(),
        "{command}"
    );
}

/// A sweep file and results whose names are not UTF-8: the printed `--resume` command wrote
/// them through `Path::display` (each such byte as U+FFFD), a command naming files that do
/// not exist. Now each is `$'...'` with its bytes (`\xff`), which bash reads back as the
/// name: run so, the command completes the file as an uninterrupted sweep writes it. The
/// sweep file is given relative and the command runs in another directory, so the recorded
/// absolute name is the one printed.
#[cfg(unix)]
#[test]
fn the_printed_resume_command_names_files_whose_names_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join(OsStr::from_bytes(b"d\xff 'x'"));
    std::fs::create_dir(&dir).unwrap();
    let text = std::fs::read_to_string(three_policies(d.path())).unwrap();
    let name = OsStr::from_bytes(b"s\xfe.toml");
    std::fs::write(dir.join(name), &text).unwrap();
    let slow = ["--runs", "3000", "-q", "--threads", "1"];
    let full = d.path().join("full.csv");
    deter()
        .current_dir(&dir)
        .arg("sweep")
        .arg(name)
        .arg("--out")
        .arg(&full)
        .args(slow)
        .assert()
        .success();
    let part = dir.join(OsStr::from_bytes(b"-r\x80.csv"));
    let child = Command::new(common::bin())
        .current_dir(&dir)
        .arg("sweep")
        .arg(name)
        .arg("--out")
        .arg(&part)
        .args(slow)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let count = |p: &Path| {
        std::fs::read(p)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0)
    };
    // A guard against hanging, not a timing assertion.
    while count(&part) < 2 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{o:?}");
    let command = printed_command(&stderr(&o));
    assert!(!command.contains('\u{fffd}'), "{command}");
    assert!(command.contains(r"s\xfe.toml'"), "{command}");
    assert!(command.contains(r"-r\x80.csv'"), "{command}");
    let rest = command
        .strip_prefix("deter ")
        .unwrap_or_else(|| panic!("{command}"));
    let script = format!("exec '{}' {rest} -q", common::bin().display());
    // Run elsewhere: the sweep file's recorded absolute name is what the command holds.
    let o = Command::new("bash")
        .current_dir(d.path())
        .args(["-c", &script])
        .output()
        .unwrap();
    succeeded_for(&o, format_args!("bash -c {script}"));
    assert_eq!(
        std::fs::read(&part).unwrap(),
        std::fs::read(&full).unwrap(),
        "{command}"
    );
}

/// A sweep killed (or stopped by a full disk) while writing a row leaves part of that row
/// after the last newline (docs/SWEEPS.md). The readers take the file as `--resume` does, cut
/// after its last newline while the record says `running`: `robust` refuses it as
/// incomplete, naming what is missing and the command, and `discover` runs on the rows
/// present with PARTIAL RESULTS; both said "LINE:1: error: N cells, the header has M".
#[test]
fn a_row_cut_short_by_a_stopped_sweep_is_read_as_the_resume_reads_it() {
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let full = whole(&sweep, d.path(), "full.csv");
    let part = d.path().join("part.csv");
    stop_after(&sweep, &part, 2 * FUTURES);
    // Half of the next row, as a write cut short leaves it.
    let next = &lines(&full)[1 + 2 * FUTURES as usize];
    let mut bytes = std::fs::read(&part).unwrap();
    bytes.extend_from_slice(&next.as_bytes()[..next.len() / 2]);
    std::fs::write(&part, &bytes).unwrap();

    let o = robust(&part, &[]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.contains("and the file holds 6 of them; policy `strong` (3 futures) not run"),
        "{e}"
    );
    assert!(e.contains("--resume`"), "{e}");
    assert!(!e.contains("cells, the header has"), "{e}");

    let o = discover(&part, &["--outcome", "use_of_force", "--above", "0.2"]);
    succeeded(&o);
    let text = stdout(&o);
    assert!(text.contains("PARTIAL RESULTS: "), "{text}");
    assert!(
        text.contains("policy `strong` (3 futures) not run"),
        "{text}"
    );

    // The resume completes it to the uninterrupted sweep's bytes, as before.
    let command = quoted_command(&e);
    let words: Vec<&str> = command.split(' ').collect();
    deter().args(&words[1..]).arg("-q").assert().success();
    assert_eq!(std::fs::read(&part).unwrap(), std::fs::read(&full).unwrap());

    // Complete results cut short afterwards, and results without a record, are not cut: the
    // cell count is the fault there.
    let mut bytes = std::fs::read(&full).unwrap();
    bytes.truncate(bytes.len() - 10);
    std::fs::write(&full, &bytes).unwrap();
    let o = robust(&full, &[]);
    refused(&o);
    stderr_says(&o, "cells, the header has");
    std::fs::remove_file(d.path().join("full.csv.sweep")).unwrap();
    let o = robust(&full, &[]);
    refused(&o);
    stderr_says(&o, "cells, the header has");
}

/// A sweep stopped before its first point finished leaves the results' header and a record
/// that says `running`: `deter robust` and `deter discover` said "no rows", without the
/// command that runs the sweep, where results holding one point are "incomplete" with it.
/// The same file without its record has no rows, said as a file of draws with none is.
#[test]
fn results_stopped_before_their_first_point_are_incomplete_with_the_resume_command() {
    let d = tempfile::tempdir().unwrap();
    let sweep = three_policies(d.path());
    let full = whole(&sweep, d.path(), "full.csv");
    // What the stop leaves: the header, and the record as the sweep wrote it at its start.
    let part = d.path().join("part.csv");
    let header = lines(&full)[0].clone();
    std::fs::write(&part, format!("{header}\n")).unwrap();
    let record = std::fs::read_to_string(d.path().join("full.csv.sweep"))
        .unwrap()
        .replace("\"status\":\"complete\"", "\"status\":\"running\"");
    assert!(record.contains("\"status\":\"running\""), "{record}");
    std::fs::write(d.path().join("part.csv.sweep"), record).unwrap();

    let expected = format!(
        "`{}` is incomplete: its sweep planned 9 points (3 policies x 3 futures) x 40 runs and \
         the file holds 0 of them; policy `baseline` (3 futures), policy `envoy` (3 futures), \
         policy `strong` (3 futures) not run. Complete it with `deter sweep {} --out {} --resume`",
        part.display(),
        sweep.display(),
        part.display()
    );
    let o = robust(&part, &[]);
    refused(&o);
    assert!(stderr(&o).contains(&expected), "{}", stderr(&o));
    let o = discover(&part, &["--outcome", "war", "--above", "0.1"]);
    refused(&o);
    assert!(stderr(&o).contains(&expected), "{}", stderr(&o));

    // Without its record: no rows, with what a results file holds.
    std::fs::remove_file(d.path().join("part.csv.sweep")).unwrap();
    for o in [
        robust(&part, &[]),
        discover(&part, &["--outcome", "war", "--above", "0.1"]),
    ] {
        refused(&o);
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "{}: error: the file has no rows (header only)",
                part.display()
            )) && e.contains("one row per point"),
            "{e}"
        );
    }
}
