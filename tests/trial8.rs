//! Faults a fresh user met in trial 8 (README.md and docs/ followed as written, then hostile
//! input), each test named after the guarantee it restores. Expected messages are taken
//! from the command or file kind that already gets them right, not from the code under test.

use std::path::Path;
use std::process::Output;

mod common;
use common::{root, stderr};

/// `deter ARGS` from the crate root with its address space capped at 4 GB (`ulimit -v`), so
/// that a command missing the memory guard fails (an allocation failure aborts it) instead
/// of taking the machine's memory.
fn capped(args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("deter");
    std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4000000 && exec \"$0\" \"$@\"")
        .arg(bin)
        .args(args)
        .current_dir(root())
        .output()
        .expect("sh runs deter")
}

/// A valid scenario of 4,002 rivalries over 200 years from 1900: tallies of several GiB per
/// worker, over the 8 GiB limit with two workers.
fn huge(dir: &Path) -> String {
    let mut s = String::from(
        "[scenario]\nname = \"huge\"\nstart = \"1900-01\"\nhorizon_years = 200\nruns = 10\nseed = 3\n",
    );
    for i in 0..2 {
        s += &format!(
            "\n[[country]]\nid = \"C{i}\"\n[country.military]\nbudget = {}\n[country.economic]\ngdp = {}\n",
            1 + i,
            20 + 5 * i
        );
    }
    s += "\n[[rivalry]]\nchallenger = \"C0\"\ntarget = \"C1\"\n";
    s += "\n[[rivalry]]\nchallenger = \"C1\"\ntarget = \"C0\"\n";
    for i in 0..4000 {
        s += &format!(
            "\n[[rivalry]]\nid = \"R{i}\"\nchallenger = \"C{}\"\ntarget = \"C{}\"\n",
            i % 2,
            (i + 1) % 2
        );
    }
    let p = dir.join("huge.toml");
    std::fs::write(&p, s).unwrap();
    p.display().to_string()
}

/// The memory guard's refusal: exit 2, the scenario's size and the limit, no panic, no abort.
fn refused_by_the_memory_guard(o: &Output, what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{what}: {err}");
    assert!(err.contains("4002 rivalries x 200 years"), "{what}: {err}");
    assert!(err.contains("GiB limit"), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
}

/// `deter bench FILE` and `deter calibrate` simulated without the memory guard that `run`,
/// `compare`, `sweep`, `merge` and nested runs apply before any work: a scenario whose
/// tallies need 6.7 GiB per worker took 15 GB of memory in `deter bench` (uncapped) and
/// aborted `deter calibrate` on an allocation failure (exit 134, an empty output directory
/// left). Both refuse it now, exit 2, before any work, with the words of `deter run`.
#[test]
fn bench_and_calibrate_refuse_tallies_over_the_memory_limit_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let huge = huge(d.path());
    let record = d.path().join("huge.record.toml");
    std::fs::write(
        &record,
        "[case]\nid = \"huge\"\nname = \"huge\"\nscenario = \"huge.toml\"\nrivalries = [\"C0-C1\"]\n\
         first_year = 1900\nlast_year = 2099\n",
    )
    .unwrap();
    let cal = d.path().join("cal.toml");
    std::fs::write(
        &cal,
        "name = \"huge\"\nseed = 1\nparticles = 10\nmax_generations = 1\npredictive_draws = 10\n\
         statistics = [\"use_of_force\"]\ncases = [\"huge.record.toml\"]\n\n[[parameter]]\n\
         path = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
    )
    .unwrap();
    // The same scenario is refused by `deter run` (the words to match).
    let o = capped(&["run", &huge, "--runs", "1", "--threads", "2"]);
    refused_by_the_memory_guard(&o, "run");

    let o = capped(&[
        "bench",
        &huge,
        "--runs",
        "1",
        "--repeat",
        "1",
        "--threads",
        "2",
    ]);
    refused_by_the_memory_guard(&o, "bench");
    let o = capped(&[
        "bench",
        &huge,
        "--sweep-points",
        "1",
        "--runs-per-point",
        "1",
    ]);
    refused_by_the_memory_guard(&o, "bench --sweep-points");

    let out = d.path().join("calibration");
    let o = capped(&[
        "calibrate",
        cal.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--threads",
        "2",
    ]);
    refused_by_the_memory_guard(&o, "calibrate");
    assert!(stderr(&o).contains("case `huge`"), "{}", stderr(&o));
    assert!(!out.exists(), "calibrate created {}", out.display());
}

/// `deter sweep --out R` also writes `R.sweep` (its record), and after a Saltelli or Morris
/// design `R'.sensitivity.csv`, after levers x futures `R'.robustness.csv` and `.html` (R' =
/// R without its extension). Only `--out` and `--report` were checked against the inputs
/// before the work: an input at one of those names (the sweep file, its base scenario) was
/// refused only when it came to be written, exit 1, after the whole sweep, leaving an empty
/// results file (`w` beside `w.sweep`) or complete results without their analysis. `deter
/// merge --out` of sweep shards checked the record only. Each is refused now before any
/// work, exit 2, in the words of `--out` itself, and nothing is written.
#[test]
fn files_a_sweep_writes_beside_its_results_are_checked_against_the_inputs_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let base = std::fs::read_to_string(root().join("scenarios/western-balkans-2024.toml")).unwrap();
    let sweep =
        |design: &str, parameters: &str| format!("runs = 10\nseed = 1\n{design}\n{parameters}");
    let lever = "[[parameter]]\npath = \"model.war_cost\"\nrole = \"lever\"\n";
    let future = "[[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n";
    // (input file name, its text, results name): the input sits where the sweep writes a file.
    let cases: Vec<(&str, String, &str)> = vec![
        // The record `w.sweep` of `--out w` is the sweep file itself.
        (
            "w.sweep",
            format!(
                "base = \"base.toml\"\n{}",
                sweep(
                    "design = \"grid\"",
                    &format!("{lever}values = [0.5, 1.0]\n")
                )
            ),
            "w",
        ),
        // The sensitivity table of a Morris design is the base scenario.
        ("m.sensitivity.csv", base.clone(), "m.csv"),
        // The robustness table and page of levers x futures are the base scenario.
        ("x.robustness.csv", base.clone(), "x.csv"),
        ("y.robustness.html", base.clone(), "y.csv"),
    ];
    std::fs::write(dir.join("base.toml"), &base).unwrap();
    for (input, text, results) in &cases {
        std::fs::write(dir.join(input), text).unwrap();
        let sweep_file = if input.ends_with(".sweep") {
            input.to_string()
        } else {
            let design = if input.starts_with('m') {
                sweep(
                    "design = \"morris\"\npoints = 2",
                    &format!(
                        "{lever}range = [0.5, 1.0]\n\n[[parameter]]\npath = \"model.rationality\"\n\
                         role = \"lever\"\nrange = [1.0, 10.0]\n"
                    ),
                )
            } else {
                sweep(
                    "design = \"random\"\npoints = 2\n\n[[policy]]\nid = \"a\"\n\n[[policy]]\n\
                     id = \"b\"\nset = { \"rivalry.SRB-XKX.monitoring\" = 0.7 }\n",
                    &format!("{future}range = [0.5, 1.0]\n"),
                )
            };
            let name = format!("{}.toml", &results[..1]);
            std::fs::write(dir.join(&name), format!("base = {input:?}\n{design}")).unwrap();
            name
        };
        let before = std::fs::read(dir.join(input)).unwrap();
        let expected =
            format!("output path `{input}` is also an input file; refusing to overwrite it");
        let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("deter"))
            .args(["sweep", &sweep_file, "--out", results, "--quiet"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(2),
            "sweep {sweep_file}: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(&expected),
            "sweep {sweep_file}: {}",
            stderr(&o)
        );
        assert!(
            !dir.join(results).exists(),
            "sweep {sweep_file} wrote {results}"
        );
        assert_eq!(
            std::fs::read(dir.join(input)).unwrap(),
            before,
            "{input} replaced"
        );

        // The shards of the same sweep, merged to the same results.
        for k in 0..2 {
            let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("deter"))
                .args([
                    "sweep",
                    &sweep_file,
                    "--shard",
                    &format!("{k}/2"),
                    "--quiet",
                ])
                .args(["--out", &format!("part-{k}.json")])
                .current_dir(dir)
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "shard {k} of {sweep_file}: {}",
                stderr(&o)
            );
        }
        let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("deter"))
            .args([
                "merge",
                "part-0.json",
                "part-1.json",
                "--out",
                results,
                "--quiet",
            ])
            .current_dir(dir)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(2),
            "merge for {input}: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(&expected),
            "merge for {input}: {}",
            stderr(&o)
        );
        assert!(
            !dir.join(results).exists(),
            "merge for {input} wrote {results}"
        );
        assert_eq!(
            std::fs::read(dir.join(input)).unwrap(),
            before,
            "{input} replaced"
        );
    }
}

/// The `FILE:LINE:COL` of every `error:` line of `err` that has one (`a.json:5:90: error:`).
fn located(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| l.split_once(": error: ").map(|(at, _)| at.to_string()))
        .collect()
}

/// A partial file that parses as JSON but holds a value of the wrong type or range (a count
/// of -9, a run count written as a string, a sum that is not a decimal integer) was reported
/// as "FILE: error: damaged partial file: ...", without the line and column every other
/// value's fault has (a JSON syntax error in the same file was located). It is located now
/// at the value, `FILE:LINE:COL`, with its excerpt, exit 2; a fault of the file as a whole
/// (another format version) stays at the file.
#[test]
fn a_damaged_value_in_a_partial_file_is_located_at_its_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    for k in 0..2 {
        let part = d.path().join(format!("part-{k}.json"));
        let o = common::run(&[
            "run",
            &base,
            "--runs",
            "20",
            "--no-attribution",
            "--shard",
            &format!("{k}/2"),
            "--out",
            part.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let good = std::fs::read_to_string(d.path().join("part-0.json")).unwrap();
    let bad = d.path().join("bad.json");
    let other = d.path().join("part-1.json");
    let merge = |text: &str| {
        std::fs::write(&bad, text).unwrap();
        common::run(&["merge", bad.to_str().unwrap(), other.to_str().unwrap()])
    };
    // Where `needle` starts, as FILE:LINE:COL (1-based, in bytes: the text is ASCII).
    let at = |text: &str, needle: &str| {
        let i = text.find(needle).expect("the edit is in the file");
        let line = text[..i].matches('\n').count() + 1;
        let col = i - text[..i].rfind('\n').map_or(0, |j| j + 1) + 1;
        format!("{}:{line}:{col}", bad.display())
    };
    // (from, to, the value's text in `to`, what the message says)
    let runs = "\"aggregate\":{\"runs\":10,";
    assert!(good.contains(runs), "{good}");
    for (from, to, value, says) in [
        (
            runs,
            "\"aggregate\":{\"runs\":-9,",
            "-9",
            "invalid value: integer `-9`, expected u64",
        ),
        (
            runs,
            "\"aggregate\":{\"runs\":\"10\",",
            "\"10\"",
            "invalid type: string \"10\", expected u64",
        ),
    ] {
        let text = good.replacen(from, to, 1);
        let o = merge(&text);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.contains(&format!("error: damaged partial file: {says}")),
            "{err}"
        );
        let i = text.find(to).unwrap() + to.find(value).unwrap();
        let line = text[..i].matches('\n').count() + 1;
        let col = i - text[..i].rfind('\n').map_or(0, |j| j + 1) + 1;
        assert_eq!(
            located(&err),
            vec![format!("{}:{line}:{col}", bad.display())],
            "{err}"
        );
    }
    // A sum that is not a decimal integer (i128 sums are written as strings).
    let sum = good.find("\"sum\":\"").expect("a sum");
    let end = sum + 7 + good[sum + 7..].find('"').unwrap();
    let text = format!("{}\"sum\":\"abc\"{}", &good[..sum], &good[end + 1..]);
    let o = merge(&text);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: damaged partial file: `abc` is not a decimal integer"),
        "{err}"
    );
    assert_eq!(located(&err), vec![at(&text, "\"abc\"")], "{err}");
    // Another format version is a fault of the file as a whole: no line and column.
    let text = good.replacen("\"format_version\":3", "\"format_version\":2", 1);
    let o = merge(&text);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!(
            "{}: error: partial format version 2",
            bad.display()
        )),
        "{}",
        stderr(&o)
    );
}

/// `deter merge` never looked at the Ctrl-C flag: the handler took the signal, so Ctrl-C
/// (or SIGTERM) in the middle of a long merge was ignored and the merge went on to write
/// its outputs, exit 0 (README: "130 interrupted ... no partial output is left"). It stops
/// now after the part being read, or between two points of a sweep's rows, exit 130, with
/// nothing written and no temporary file left.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_stops_a_merge_with_130_and_nothing_written() {
    use std::time::{Duration, Instant};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    // 4,000 points of one run each: a partial file of about 80 MB, seconds to merge.
    let values: Vec<String> = (0..4000)
        .map(|i| format!("{}", 0.1 + i as f64 * 0.0005))
        .collect();
    std::fs::write(
        dir.join("g.toml"),
        format!(
            "base = {:?}\nruns = 1\ndesign = \"grid\"\n\n[[parameter]]\npath = \"model.war_cost\"\n\
             role = \"lever\"\nvalues = [{}]\n",
            common::scenario("scenarios/western-balkans-2024.toml"),
            values.join(", ")
        ),
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("deter");
    let o = std::process::Command::new(&bin)
        .args([
            "sweep",
            "g.toml",
            "--shard",
            "0/1",
            "--out",
            "part.json",
            "--quiet",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut child = std::process::Command::new(&bin)
        .args(["merge", "part.json", "--out", "results.csv"])
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The Ctrl-C handler's thread exists (/proc/PID/task holds two tasks): a signal reaches
    // the handler, not the default action. A guard against hanging, not a timing assertion.
    let tasks = format!("/proc/{}/task", child.id());
    let start = Instant::now();
    while std::fs::read_dir(&tasks).map_or(0, Iterator::count) < 2 {
        assert!(child.try_wait().unwrap().is_none(), "the merge ended early");
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no handler thread"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the merge ended before the signal"
    );
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the merge did not stop"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(
        err.contains("deter: interrupted; no output written"),
        "{err}"
    );
    let mut left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["g.toml", "part.json"], "left behind");
}

/// `--plots DIR` naming the same path as `--out`, `--report` or `--per-run` was not refused:
/// the command did all its work, created the directory (and wrote its charts), then failed
/// to write the file over it ("cannot write `r.html`: Is a directory", or for a sweep
/// "cannot create `r.csv`: File exists"), exit 1, a directory of charts left where a page was
/// asked for. It is refused before any work in every command with `--plots`, exit 2, in the
/// words of two output files named alike ("`X` is named by two output options"), and nothing
/// is written.
#[test]
fn plots_named_as_another_output_is_refused_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let envoy = common::scenario("scenarios/shea-special-envoy.toml");
    let sweep = common::scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let p = |name: &str| dir.join(name).display().to_string();
    for k in 0..2 {
        let o = common::run(&[
            "run",
            &base,
            "--runs",
            "10",
            "--no-attribution",
            "--shard",
            &format!("{k}/2"),
            "--out",
            &p(&format!("part-{k}.json")),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (part0, part1) = (p("part-0.json"), p("part-1.json"));
    let runs = ["--runs", "10", "--no-attribution"];
    let cases: Vec<(String, Vec<String>)> = vec![
        (
            p("a.html"),
            ["run", &base, "--report", &p("a.html")]
                .iter()
                .chain(&runs)
                .map(|s| s.to_string())
                .collect(),
        ),
        (
            p("b.json"),
            ["run", &base, "--out", &p("b.json")]
                .iter()
                .chain(&runs)
                .map(|s| s.to_string())
                .collect(),
        ),
        (
            p("c.csv"),
            ["run", &base, "--per-run", &p("c.csv")]
                .iter()
                .chain(&runs)
                .map(|s| s.to_string())
                .collect(),
        ),
        (
            p("d.json"),
            ["compare", &base, &envoy, "--out", &p("d.json")]
                .iter()
                .chain(&runs)
                .map(|s| s.to_string())
                .collect(),
        ),
        (
            p("e.html"),
            ["merge", &part0, &part1, "--report", &p("e.html")]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
        (
            p("f.csv"),
            ["sweep", &sweep, "--runs", "5", "--out", &p("f.csv")]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
    ];
    for (path, mut args) in cases {
        args.extend(["--plots".to_string(), path.clone()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = common::run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!("`{path}` is named by two output options")),
            "{args:?}: {err}"
        );
        assert!(!Path::new(&path).exists(), "{args:?} wrote {path}");
    }
}

/// `--out` naming a loop of symbolic links (`a -> b -> a`) replaced the link `a` with the
/// output, exit 0, where README promises that a link's target is replaced, never the link
/// (the loop was meant to "fail at write", but after the bounded hops the rename lands on the
/// link). It is refused before any work, exit 2, as reading such a path is refused ("too
/// many levels of symbolic links"), and both links stay.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_loop_of_symbolic_links_is_refused_and_the_links_stay() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a.json"), d.path().join("b.json"));
    std::os::unix::fs::symlink("b.json", &a).unwrap();
    std::os::unix::fs::symlink("a.json", &b).unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let sweep = common::scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let out = a.to_str().unwrap();
    for args in [
        vec![
            "run",
            &base,
            "--runs",
            "10",
            "--no-attribution",
            "--out",
            out,
        ],
        vec![
            "run",
            &base,
            "--runs",
            "10",
            "--no-attribution",
            "--report",
            out,
        ],
        vec!["sweep", &sweep, "--runs", "5", "--out", out],
    ] {
        let o = common::run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("too many levels of symbolic links"),
            "{args:?}: {err}"
        );
        for link in [&a, &b] {
            let m = std::fs::symlink_metadata(link).unwrap();
            assert!(
                m.file_type().is_symlink(),
                "{args:?} replaced {}",
                link.display()
            );
        }
    }
}
