//! The guarantees README.md and ARCHITECTURE.md give for every command, each tested in a
//! command that broke it: Ctrl-C stops with exit 130 and leaves no partial output; the memory
//! guard refuses tallies over the limit before any work; an input is never overwritten, and
//! every file a command writes is checked against the inputs and the other outputs before any
//! work; an output through a symbolic link replaces the link's target, never the link; a
//! resume command deter records is one it accepts. Expected messages are taken from the
//! command or file kind that already gets them right, not from the code under test.

use std::path::Path;
use std::process::{Output, Stdio};

mod common;
use common::{
    bin, deter, json_without_timing, refused, refused_for, root, run, run_in, scenario, stderr,
    stderr_says, succeeded, succeeded_for, sweep_to, write,
};

// ---- Ctrl-C: exit 130, nothing partial written ----

/// A calibration over two historical cases whose first generation (the prior, `particles`
/// simulations of each case) takes long enough to be interrupted.
fn calibration_of(dir: &Path, particles: u32) -> std::path::PathBuf {
    let history = root().join("scenarios/history");
    let text = format!(
        "seed = 5\nparticles = {particles}\nmax_generations = 3\npredictive_draws = 20\n\
         statistics = [\"threat\", \"display\", \"use_of_force\", \"war\"]\n\
         cases = [\"{}\", \"{}\"]\n\
         [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
        history.join("serbia-kosovo.record.toml").display(),
        history.join("russia-georgia.record.toml").display()
    );
    write(dir, "slow.toml", &text)
}

/// Ctrl-C before the calibration's first generation finished said "0 finished
/// generation(s) kept in `OUT/state.json`; continue with --resume", but no state.json was
/// written and `--resume` then failed ("cannot read `OUT/state.json`"). It says what every
/// command interrupted before its first output says (README, exit 130: "no output
/// written"), and writes nothing.
#[cfg(unix)]
#[test]
fn a_calibration_interrupted_before_its_first_generation_does_not_advise_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let file = calibration_of(tmp.path(), 100_000);
    let out = tmp.path().join("out");
    let mut child = std::process::Command::new(bin())
        .args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--threads",
            "2",
        ])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it simulates (its worker threads exist): past reading its inputs.
    common::wait_until_simulating(&mut child, "calibrate");
    assert!(
        !out.join("state.json").exists(),
        "the first generation finished before the signal: raise `particles`"
    );
    let (code, err) = common::stopped_by_ctrl_c(&mut child, 6000, "calibrate");
    assert_eq!(code, Some(130), "{err}");
    assert!(!out.join("state.json").exists());
    assert_eq!(err, "deter: interrupted; no output written\n");
}

/// Ctrl-C during the calibration's posterior predictive check (after its last generation,
/// posterior.csv written, `predictive_draws` simulations for report.html) was ignored: the
/// command ran on to the end and exited 0. It stops (exit 130), says that the posterior is
/// written and the report is not, and `--resume` writes the four files byte for byte as an
/// uninterrupted run.
#[cfg(unix)]
#[test]
fn a_calibration_interrupted_in_its_predictive_check_stops_and_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let history = root().join("scenarios/history");
    let file = write(
        tmp.path(),
        "predictive.toml",
        &format!(
            "seed = 5\nparticles = 30\nmax_generations = 2\npredictive_draws = 20000\n\
             statistics = [\"threat\", \"display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\", \"{}\"]\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
            history.join("serbia-kosovo.record.toml").display(),
            history.join("russia-georgia.record.toml").display()
        ),
    );
    let args = |out: &Path| {
        let mut v: Vec<std::ffi::OsString> = ["calibrate", file.to_str().unwrap(), "--quiet"]
            .iter()
            .map(Into::into)
            .collect();
        v.extend(["--threads".into(), "2".into(), "--out".into(), out.into()]);
        v
    };
    let whole = tmp.path().join("whole");
    let ok = common::deter().args(args(&whole)).output().unwrap();
    succeeded(&ok);
    let cut = tmp.path().join("cut");
    let mut child =
        common::spawn_until_written(args(&cut), &cut.join("posterior.csv"), "calibrate");
    assert!(
        !cut.join("report.html").exists(),
        "the predictive check ended before the signal: raise `predictive_draws`"
    );
    let (code, err) = common::stopped_by_ctrl_c(&mut child, 6000, "calibrate");
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("the report was not written"), "{err}");
    assert!(!cut.join("report.html").exists());
    let mut resume = args(&cut);
    resume.push("--resume".into());
    let ok = common::deter().args(resume).output().unwrap();
    succeeded(&ok);
    for name in [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ] {
        let a = std::fs::read(whole.join(name)).unwrap();
        let b = std::fs::read(cut.join(name)).unwrap();
        assert!(a == b, "{name} differs after Ctrl-C and --resume");
    }
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
    let o = run_in(
        dir,
        &[
            "sweep",
            "g.toml",
            "--shard",
            "0/1",
            "--out",
            "part.json",
            "--quiet",
        ],
    );
    succeeded(&o);
    let mut child = std::process::Command::new(bin())
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
    common::interrupt(&child);
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

/// `deter run` of several files writes each window's charts (`--plots`) when the window
/// ends; a Ctrl-C in a later window said "deter: interrupted; no output written" (exit 130)
/// over the first files' charts, left in the directory. The charts are held (hidden
/// temporary files) and published with the other outputs at the end now: none is left, and
/// the directory is removed when the run created it (it was left empty), never when it
/// existed.
#[cfg(unix)]
#[test]
fn ctrl_c_after_the_first_files_charts_leaves_none_of_them() {
    for existed in [false, true] {
        ctrl_c_after_the_first_files_charts(existed);
    }
}

#[cfg(unix)]
fn ctrl_c_after_the_first_files_charts(existed: bool) {
    use std::time::Duration;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let text = std::fs::read_to_string(root().join("scenarios/western-balkans-2024.toml")).unwrap();
    let a = write(dir, "a.toml", &text);
    let b = write(dir, "b.toml", &text);
    // A directory the run creates, or one that exists.
    let plots = dir.join("charts");
    if existed {
        std::fs::create_dir_all(&plots).unwrap();
    }
    let page = dir.join("page.html");
    // One thread: one file a window, the second running for seconds after the first's charts.
    let mut child = std::process::Command::new(bin())
        .arg("run")
        .args([&a, &b])
        .args([
            "--threads",
            "1",
            "--runs",
            "200000",
            "--no-attribution",
            "-q",
        ])
        .arg("--plots")
        .arg(&plots)
        .arg("--report")
        .arg(&page)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first file's charts, published or held: the second file is running.
    let entries = |p: &Path| std::fs::read_dir(p).map_or(0, Iterator::count);
    for _ in 0..60_000 {
        if entries(&plots) > 0 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before its first file's charts"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let (code, err) = common::stopped_by_ctrl_c(&mut child, 6000, "deter run --plots");
    assert_eq!(code, Some(130), "{err}");
    assert!(
        err.contains("deter: interrupted; no output written"),
        "{err}"
    );
    assert!(!page.exists(), "the page was written");
    if !existed {
        assert!(!plots.exists(), "the directory the run created was left");
        return;
    }
    let left: Vec<String> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "left in --plots: {left:?}");
}

// ---- The memory guard ----

/// `deter ARGS` from the crate root with its address space capped at 4 GB (`ulimit -v`), so
/// that a command missing the memory guard fails (an allocation failure aborts it) instead
/// of taking the machine's memory.
fn capped(args: &[&str]) -> Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4000000 && exec \"$0\" \"$@\"")
        .arg(bin())
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
    let p = write(dir, "huge.toml", &s);
    p.display().to_string()
}

/// The memory guard's refusal: exit 2, the scenario's size and the limit, no panic, no abort.
fn refused_by_the_memory_guard(o: &Output, what: &str) {
    let err = refused_for(o, what);
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
    write(
        d.path(),
        "huge.record.toml",
        "[case]\nid = \"huge\"\nname = \"huge\"\nscenario = \"huge.toml\"\nrivalries = [\"C0-C1\"]\n\
         first_year = 1900\nlast_year = 2099\n",
    );
    let cal = write(
        d.path(),
        "cal.toml",
        "name = \"huge\"\nseed = 1\nparticles = 10\nmax_generations = 1\npredictive_draws = 10\n\
         statistics = [\"use_of_force\"]\ncases = [\"huge.record.toml\"]\n\n[[parameter]]\n\
         path = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
    );
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
    stderr_says(&o, "case `huge`");
    assert!(!out.exists(), "calibrate created {}", out.display());
}

/// A valid scenario `name` of `rivalries` + 2 rivalries over 200 years (1,202: about 2.3
/// GiB of tallies a set, within the 8 GiB limit alone on two threads, three sets; 1,402:
/// about 2.7 GiB a set).
fn big(dir: &Path, name: &str, rivalries: usize) -> String {
    let mut s = String::from(
        "[scenario]\nname = \"big\"\nstart = \"1900-01\"\nhorizon_years = 200\nruns = 10\nseed = 3\n",
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
    for i in 0..rivalries {
        s += &format!(
            "\n[[rivalry]]\nid = \"R{i}\"\nchallenger = \"C{}\"\ntarget = \"C{}\"\n",
            i % 2,
            (i + 1) % 2
        );
    }
    let p = write(dir, name, &s);
    p.display().to_string()
}

/// `deter run big.toml big2.toml --threads 2` passed the memory guard (each file checked
/// alone: three tally sets of 2.3 GiB) although run simulates `--threads` files at once, and
/// aborted on an allocation failure (exit 134), leaving its hidden temporary file behind.
/// The guard now checks each window of files run at once, before any work: exit 2, no file.
/// Under the 4 GB address space the guard's ceiling is what that limit leaves (about 3.6
/// GiB), so each file here is 502 rivalries (three sets of about 1 GiB fit alone, six do not).
#[test]
fn run_with_several_files_checks_the_tallies_of_the_files_run_at_once() {
    let d = tempfile::tempdir().unwrap();
    let a = big(d.path(), "a.toml", 500);
    let b = big(d.path(), "b.toml", 500);
    let out = d.path().join("out.json");
    let o = capped(&[
        "run",
        &a,
        &b,
        "--runs",
        "1",
        "--threads",
        "2",
        "--format",
        "json",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = refused(&o);
    assert!(err.contains("these 2 files run at once"), "{err}");
    assert!(err.contains("a.toml`, `"), "{err}");
    assert!(
        err.contains("GiB limit left by the process's address-space limit"),
        "{err}"
    );
    let mut left: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["a.toml", "b.toml"], "left behind");
}

/// An allocation failure aborts the process (nothing unwinds, no destructor removes a
/// temporary file): `deter run` with several files and `--out` created its temporary file
/// for JSON's opening `[` before simulating, and an abort left it behind. The file is now
/// created with the first result, so an abort during the first window leaves nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_run_aborted_before_its_first_result_leaves_no_temporary_file() {
    let d = tempfile::tempdir().unwrap();
    let a = big(d.path(), "a.toml", 100);
    let b = big(d.path(), "b.toml", 0);
    let out = d.path().join("out.json");
    // An abort (SIGABRT, as an allocation failure raises) a second into the first file's
    // million runs: the memory guard now refuses what the address space cannot hold (its
    // ceiling is the smaller of 8 GiB and `ulimit -v`'s), so the abort is sent, not provoked.
    let o = std::process::Command::new("timeout")
        .args(["-s", "ABRT", "1"])
        .arg(bin())
        .args([
            "run",
            &a,
            &b,
            "--runs",
            "1000000",
            "--threads",
            "2",
            "--format",
            "json",
            "-q",
            "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .output()
        .expect("timeout runs deter");
    assert_eq!(o.status.code(), Some(124), "{}", stderr(&o));
    let mut left: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["a.toml", "b.toml"], "left behind");
}

// ---- Inputs never overwritten, outputs checked before any work ----

/// A sweep's `futures = "FILE"` is an input: `--out` or `--report` naming it, directly or
/// through a symbolic link, is refused (exit 2) and the file is left as it was (`deter
/// sweep` replaced it with its results, as no other input of any command is).
#[test]
fn a_sweeps_futures_file_is_never_overwritten() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let futures = d.path().join("draws.csv");
    let draws = "draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,1.5,1,0\n";
    std::fs::write(&futures, draws).unwrap();
    let sweep = write(
        d.path(),
        "sweep.toml",
        &format!(
            "base = {base:?}\nruns = 10\nseed = 1\nfutures = \"draws.csv\"\n\n[[policy]]\nid = \
             \"baseline\"\n\n[[policy]]\nid = \"fa\"\nset = {{ \"model.fait_accompli\" = 1 }}\n"
        ),
    );
    let link = d.path().join("link.csv");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&futures, &link).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(&futures, &link).unwrap();
    let mut cases = vec![vec!["--out", futures.to_str().unwrap()]];
    if cfg!(unix) {
        cases.push(vec!["--format", "csv", "--out", link.to_str().unwrap()]);
    }
    // `--report draws.csv` is now refused for its extension before the inputs are read; an
    // HTML name linked to the futures file must still be found to be the input.
    let other = d.path().join("r.csv");
    let page = d.path().join("page.html");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&futures, &page).unwrap();
    if cfg!(unix) {
        cases.push(vec![
            "--out",
            other.to_str().unwrap(),
            "--report",
            page.to_str().unwrap(),
        ]);
    }
    for extra in cases {
        let o = deter()
            .args(["sweep", sweep.to_str().unwrap(), "-q", "--threads", "1"])
            .args(&extra)
            .output()
            .unwrap();
        let err = refused_for(&o, format_args!("{extra:?}"));
        assert!(err.contains("is also an input file"), "{extra:?}: {err}");
        assert_eq!(
            std::fs::read_to_string(&futures).unwrap(),
            draws,
            "{extra:?}"
        );
    }
    // The sweep itself runs (the refusal is of the output, not of the file).
    let o = deter()
        .args(["sweep", sweep.to_str().unwrap(), "-q", "--threads", "1"])
        .args(["--out", other.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
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
        let expected = format!("found `{input}`, which is also an input file");
        let o = run_in(dir, &["sweep", &sweep_file, "--out", results, "--quiet"]);
        refused_for(&o, format_args!("sweep {sweep_file}"));
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
            let (shard, part) = (format!("{k}/2"), format!("part-{k}.json"));
            let o = run_in(
                dir,
                &[
                    "sweep",
                    &sweep_file,
                    "--shard",
                    &shard,
                    "--quiet",
                    "--out",
                    &part,
                ],
            );
            succeeded_for(&o, format_args!("shard {k} of {sweep_file}"));
        }
        let o = run_in(
            dir,
            &[
                "merge",
                "part-0.json",
                "part-1.json",
                "--out",
                results,
                "--quiet",
            ],
        );
        refused_for(&o, format_args!("merge for {input}"));
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

/// `--plots DIR` naming the same path as `--out`, `--report` or `--per-run` was not refused:
/// the command did all its work, created the directory (and wrote its charts), then failed
/// to write the file over it ("cannot write `r.html`: Is a directory", or for a sweep
/// "cannot create `r.csv`: File exists"), exit 1, a directory of charts left where a page was
/// asked for. It is refused before any work in every command with `--plots`, exit 2, in the
/// words of two outputs named alike, at `--plots`' value ("--plots:1:1: error: expected a
/// directory no other output option names, ..."), and nothing is written.
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
        succeeded(&o);
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
        let err = refused_for(&o, format_args!("{args:?}"));
        assert!(
            err.starts_with(&format!(
                "--plots:1:1: error: expected a directory no other output option names, found \
                 `{path}`, which --"
            )),
            "{args:?}: {err}"
        );
        assert!(!Path::new(&path).exists(), "{args:?} wrote {path}");
    }
}

/// A chart file of `--plots DIR` was checked only after the work: a read-only chart (or one
/// the command read) in DIR stopped `deter run` and `deter compare` after the whole run, and
/// `deter sweep` after the whole sweep (its rows written, its record `complete`). Every chart
/// file is now checked with the other outputs before any work: exit 2 in the words of a
/// read-only `--out`, immediately even with a billion runs to do, nothing written.
#[test]
fn a_read_only_chart_of_plots_is_refused_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let envoy = common::scenario("scenarios/shea-special-envoy.toml");
    let sweep = dir.join("grid.toml");
    std::fs::write(
        &sweep,
        format!(
            "base = \"{base}\"\nruns = 1000000000\nseed = 3\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.0]\n"
        ),
    )
    .unwrap();
    let plots = dir.join("plots");
    std::fs::create_dir(&plots).unwrap();
    let p = |name: &str| dir.join(name).display().to_string();
    let pl = plots.display().to_string();
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "chart-survival.svg",
            ["run", &base, "--runs", "1000000000", "--out", &p("r.json")]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
        (
            "chart-diff-0.svg",
            [
                "compare",
                &base,
                &envoy,
                "--runs",
                "1000000000",
                "--out",
                &p("c.json"),
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        (
            "outcome-war-vs-model_war_cost.svg",
            ["sweep", sweep.to_str().unwrap(), "--out", &p("s.csv")]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
    ];
    for (chart, mut args) in cases {
        let chart = plots.join(chart);
        std::fs::write(&chart, "kept").unwrap();
        let mut perms = std::fs::metadata(&chart).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&chart, perms).unwrap();
        args.extend(["--plots", &pl, "--threads", "1", "-q"].map(String::from));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("deter"))
            .args(&args)
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        assert!(
            common::ends_within(&mut child, 6000),
            "{args:?}: still working after 60 s: the chart was not checked before the work"
        );
        let o = child.wait_with_output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!(
                "--plots:1:1: error: expected a file deter may replace, found `{}`, a read-only \
                 file, a chart --plots writes",
                chart.display()
            )),
            "{args:?}: {err}"
        );
        assert_eq!(std::fs::read_to_string(&chart).unwrap(), "kept");
        let mut perms = std::fs::metadata(&chart).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&chart, perms).unwrap();
        std::fs::remove_file(&chart).unwrap();
    }
    let mut left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["grid.toml", "plots"], "written");
}

// ---- Symbolic links ----

/// An `--out` that is a symbolic link was replaced by a regular file (the temporary file was
/// renamed onto the link): `deter run ... --out /dev/stdout > o.txt`, a common idiom, replaced
/// the system's `/dev/stdout` link (here: a link to `/proc/self/fd/1` in a temporary
/// directory, never the real one), and a link to a results file elsewhere was cut off from
/// it. The output now replaces the file the link leads to; the link stays.
#[cfg(target_os = "linux")]
#[test]
fn an_output_through_a_symbolic_link_replaces_its_target_not_the_link() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let args = ["run", &base, "--runs", "10", "--no-attribution"];
    let reference = run(&[&args[..], &["--format", "json"]].concat()).stdout;
    assert!(reference.starts_with(b"{"));
    std::fs::create_dir(d.path().join("elsewhere")).unwrap();
    let link = d.path().join("results.json");
    std::os::unix::fs::symlink("elsewhere/r.json", &link).unwrap();
    let stdout = d.path().join("stdout-link.json");
    std::os::unix::fs::symlink("/proc/self/fd/1", &stdout).unwrap();
    let captured = d.path().join("captured.txt");
    for (out, target) in [
        (&link, d.path().join("elsewhere/r.json")),
        (&stdout, captured.clone()),
    ] {
        let o = std::process::Command::new(bin())
            .args(args)
            .arg("--out")
            .arg(out)
            .stdout(std::fs::File::create(&captured).unwrap())
            .output()
            .unwrap();
        succeeded(&o);
        let kept = std::fs::symlink_metadata(out).unwrap();
        assert!(
            kept.file_type().is_symlink(),
            "{} was replaced",
            out.display()
        );
        let json = std::fs::read(&target).unwrap();
        let (a, b) = (json_without_timing(&json), json_without_timing(&reference));
        assert_eq!(a, b, "{}", target.display());
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
        let err = refused_for(&o, format_args!("{args:?}"));
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

// ---- Resume ----

/// The resume command a sweep's record gives (`RESULTS.sweep`: the sweep file, where it was
/// given from, and the options), as `deter robust` and `deter discover` print it.
fn advised(out: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(format!("{}.sweep", out.display())).unwrap();
    let record: serde_json::Value = serde_json::from_str(text.lines().nth(2).unwrap()).unwrap();
    let file = std::path::Path::new(record["sweep_file"].as_str().unwrap());
    let file = std::path::Path::new(record["directory"].as_str().unwrap()).join(file);
    let mut words = vec![
        "sweep".to_string(),
        file.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    words.extend(
        record["resume_args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string()),
    );
    words.push("--resume".into());
    words
}

/// The library's `deter::sweep` wrote CSV rows to `r.json` (and JSON Lines to `r.csv`, rows
/// to `r.html`) with a record advising `--format csv --out r.json --resume`, which `deter
/// sweep` refuses ("expected a file for the csv rows (--format csv), found `r.json`, the name
/// of a JSON file"); a seed above 2^63 - 1, which
/// `--seed` refuses; and `--max-runs` without `--until-ci`, which `deter sweep` takes only
/// with it. Every results file the library writes now has a resume command `deter sweep`
/// accepts (run here as advised: it completes, exit 0, and leaves the file as it was), and
/// what it could not advise exactly is refused before any work, as `deter sweep` refuses it.
#[test]
fn every_resume_command_the_librarys_sweep_records_is_accepted_by_deter_sweep() {
    use deter::{Control, Error, Settings};
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let s = write(
        d.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    );
    let plain = Settings {
        threads: 1,
        ..Settings::default()
    };
    let varied = Settings {
        runs: Some(7),
        seed: Some(3),
        horizon_years: Some(2),
        until_ci: Some(0.3),
        max_runs: Some(9),
        ..plain.clone()
    };
    let capped = Settings {
        max_runs: Some(9),
        no_attribution: true,
        ..plain.clone()
    };
    let written = [
        ("r.csv", false, &plain),
        ("r.json", true, &plain),
        ("R.JSON", true, &varied),
        ("r.txt", false, &varied),
        ("r", true, &capped),
    ];
    for (name, json, settings) in written {
        let out = d.path().join(name);
        deter::sweep(&s, settings, Control::default(), &out, json)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let before = std::fs::read(&out).unwrap();
        let words = advised(&out);
        let o = deter().args(&words).arg("-q").output().unwrap();
        succeeded_for(&o, format_args!("{name}: {words:?}"));
        assert_eq!(std::fs::read(&out).unwrap(), before, "{name}");
    }
    let huge = Settings {
        seed: Some(u64::MAX),
        ..plain.clone()
    };
    let refused = [
        // The library's own arguments (`out`, `json`), not the command line's flags.
        (
            "c.json",
            false,
            &plain,
            "names a JSON file, but `json` is false (CSV rows); pass `json` true",
        ),
        (
            "j.csv",
            true,
            &plain,
            "names a CSV file, but `json` is true (JSON rows); pass `json` false",
        ),
        (
            "p.html",
            false,
            &plain,
            "names an HTML file, but `out` receives the results rows",
        ),
        (
            "s.csv",
            false,
            &huge,
            "`seed` 18446744073709551615: expected an integer in [0, 9223372036854775807]",
        ),
    ];
    for (name, json, settings, said) in refused {
        let out = d.path().join(name);
        match deter::sweep(&s, settings, Control::default(), &out, json) {
            Err(Error::Invalid(m)) => assert!(m.contains(said), "{name}: {m}"),
            other => panic!("{name}: {:?}", other.map(|y| y.len())),
        }
        assert!(!out.exists(), "{name}");
        assert!(!d.path().join(format!("{name}.sweep")).exists(), "{name}");
    }
}

// ---- The same guarantees through the library's sweeps (`deter::sweep`, `sweep_streamed_to`) ----

/// A grid sweep of `points` values of one parameter, `runs` runs each, over the bundled
/// scenario (absolute path), written as `dir/name`.
fn library_grid(dir: &Path, name: &str, points: usize, runs: u64) -> std::path::PathBuf {
    let values: Vec<String> = (0..points)
        .map(|i| format!("{}", 0.3 + 0.6 * i as f64 / points as f64))
        .collect();
    write(
        dir,
        name,
        &format!(
            "base = \"{}\"\nruns = {runs}\nseed = 3\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"deployment.KFOR.reliability\"\nrole = \"uncertainty\"\n\
             values = [{}]\n",
            scenario("scenarios/western-balkans-2024.toml"),
            values.join(", ")
        ),
    )
}

fn one_thread() -> deter::Settings {
    deter::Settings {
        threads: 1,
        ..deter::Settings::default()
    }
}

/// `deter::sweep_streamed_to` into `out` (with `resume`), the rows drained.
fn library_sweep_streamed(sweep: &Path, out: &Path, resume: bool) -> Result<(), deter::Error> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1 << 16);
    let r = deter::sweep_streamed_to(
        sweep,
        &one_thread(),
        deter::Control::default(),
        out,
        resume,
        tx,
    );
    drop(rx);
    r.map(|_| ())
}

/// A fresh library sweep into `out`: `sweep_streamed_to` when `streamed`, else `sweep`.
fn library_sweep_by(
    streamed: bool,
    sweep: &Path,
    settings: &deter::Settings,
    out: &Path,
) -> Result<(), deter::Error> {
    let control = deter::Control::default();
    if streamed {
        let (tx, _rx) = std::sync::mpsc::sync_channel(1 << 16);
        deter::sweep_streamed_to(sweep, settings, control, out, false, tx).map(|_| ())
    } else {
        deter::sweep(sweep, settings, control, out, false).map(|_| ())
    }
}

/// `deter sweep --out` refuses, before any work, results that would replace an input (the
/// sweep file, its base scenario) or a sweep's record, and a results file another sweep is
/// writing. The library's sweeps wrote the results file with the command line's rows but not
/// its checks: `deter::sweep` truncated the sweep file or the base scenario named as `out`
/// (only `sweep_streamed_to` checked inputs), both replaced another sweep's record named as
/// `out`, and `deter::sweep` took no lock. They share the command line's prelude now
/// (`sweep::runner::Results`): each is refused with the command line's words, said of the
/// argument `out`, nothing written.
#[test]
fn the_librarys_sweeps_refuse_what_deter_sweep_refuses_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let sweep = library_grid(d.path(), "g.toml", 2, 5);
    let base = root().join("scenarios/western-balkans-2024.toml");
    let cli_sweep = |out: &Path| sweep_to(&sweep, out);
    // Another sweep's results and record, from the command line.
    let o = cli_sweep(&d.path().join("other.csv"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let record = d.path().join("other.csv.sweep");
    // The command line's words for the same output (`error: ` taken off).
    let expected = |path: &Path| -> String {
        let o = cli_sweep(path);
        refused(&o);
        // Located at the flag now ("--out:1:1: error: ..."): the message itself.
        let e = stderr(&o);
        let first = e.lines().next().unwrap().to_string();
        first.split_once("error: ").unwrap().1.to_string()
    };
    let before = |p: &Path| std::fs::read(p).unwrap();
    for (out, what) in [
        (sweep.clone(), "the sweep file"),
        (base.clone(), "the base scenario"),
        (record.clone(), "another sweep's record"),
    ] {
        let words = expected(&out);
        let kept = before(&out);
        for streamed in [false, true] {
            let r = library_sweep_by(streamed, &sweep, &one_thread(), &out);
            match r {
                // Said of the argument that named the output, as the command line says it of
                // its option.
                Err(deter::Error::Invalid(m)) => {
                    assert_eq!(m, format!("`out`: {words}"), "{what}, streamed: {streamed}")
                }
                other => panic!("{what}, streamed: {streamed}: {:?}", other.err()),
            }
            assert_eq!(
                before(&out),
                kept,
                "{what} written over, streamed: {streamed}"
            );
            assert!(
                !d.path().join("g.toml.sweep").exists(),
                "a record beside the sweep file"
            );
        }
    }
    // Results another sweep is writing right now (it holds the lock): refused, untouched.
    let busy = write(d.path(), "busy.csv", "rows being written\n");
    let lock = std::fs::File::open(&busy).unwrap();
    lock.try_lock().unwrap();
    for streamed in [false, true] {
        let r = library_sweep_by(streamed, &sweep, &one_thread(), &busy);
        match r {
            // Refused as every output the sweep may not write (`deter sweep`: exit 2).
            Err(deter::Error::Invalid(m)) => assert!(
                m.starts_with(&format!(
                    "`{}` is being written by another deter sweep right now",
                    busy.display()
                )),
                "{m}"
            ),
            other => panic!("streamed: {streamed}: {:?}", other.err()),
        }
        assert_eq!(std::fs::read(&busy).unwrap(), b"rows being written\n");
        assert!(!d.path().join("busy.csv.sweep").exists());
    }
    drop(lock);
}

/// Ctrl-C (the library's cancellation flag) in the middle of a library sweep leaves the
/// finished rows and a running record, which `sweep_streamed_to(resume = true)` and `deter
/// sweep --resume` both complete to the bytes of an uninterrupted sweep.
#[test]
fn a_library_sweep_interrupted_leaves_a_file_its_resume_completes() {
    let d = tempfile::tempdir().unwrap();
    let sweep = library_grid(d.path(), "g.toml", 6, 20);
    let whole = d.path().join("whole.csv");
    library_sweep_by(false, &sweep, &one_thread(), &whole).unwrap();
    for (i, by_cli) in [false, true].into_iter().enumerate() {
        let part = d.path().join(format!("part-{i}.csv"));
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let done = std::sync::atomic::AtomicU64::new(0);
        let progress = |n: u64| {
            // Stop in the third point.
            if done.fetch_add(n, std::sync::atomic::Ordering::SeqCst) + n >= 50 {
                cancel.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        };
        let control = deter::Control {
            cancel: Some(&cancel),
            progress: Some(&progress),
        };
        let r = deter::sweep(&sweep, &one_thread(), control, &part, false);
        assert!(matches!(r, Err(deter::Error::Interrupted)), "{:?}", r.err());
        let kept = std::fs::read_to_string(&part).unwrap();
        let rows = kept.lines().count();
        assert!((2..7).contains(&rows), "{rows} lines kept:\n{kept}");
        assert!(std::fs::read(&whole).unwrap().starts_with(kept.as_bytes()));
        let record = std::fs::read_to_string(d.path().join(format!("part-{i}.csv.sweep"))).unwrap();
        assert!(record.contains("\"status\":\"running\""), "{record}");
        if by_cli {
            let o = run(&[
                "sweep",
                sweep.to_str().unwrap(),
                "--out",
                part.to_str().unwrap(),
                "--resume",
                "-q",
            ]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        } else {
            library_sweep_streamed(&sweep, &part, true).unwrap();
        }
        assert_eq!(
            std::fs::read(&part).unwrap(),
            std::fs::read(&whole).unwrap(),
            "by the command line: {by_cli}"
        );
    }
}

/// The memory guard of `deter sweep` bounded the base scenario's tallies only, but a levers x
/// futures sweep runs each policy's own scenario (`file = ...`), which may have more
/// rivalries or a longer horizon: a small base with a policy file of 4,002 rivalries over 200
/// years passed the guard and aborted on an allocation failure (exit 134, under a 4 GB cap),
/// leaving a results file and a `running` record behind. The guard now bounds the largest
/// point, naming the policy, before any work, on the command line, in a shard and in the
/// library; nothing is written.
#[test]
fn a_sweep_whose_policy_scenario_is_over_the_memory_limit_is_refused_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    big(d.path(), "small.toml", 0);
    huge(d.path());
    let sweep = d.path().join("lxf.toml");
    std::fs::write(
        &sweep,
        "base = \"small.toml\"\nruns = 1\nseed = 3\ndesign = \"grid\"\n\
         [[policy]]\nid = \"now\"\n[[policy]]\nid = \"big\"\nfile = \"huge.toml\"\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.0]\n",
    )
    .unwrap();
    let out = d.path().join("r.csv");
    let part = d.path().join("part.json");
    let (sweep_s, out_s, part_s) = (
        sweep.to_str().unwrap(),
        out.to_str().unwrap(),
        part.to_str().unwrap(),
    );
    for args in [
        vec!["sweep", sweep_s, "--out", out_s, "--threads", "2", "-q"],
        vec![
            "sweep",
            sweep_s,
            "--shard",
            "0/2",
            "--out",
            part_s,
            "--threads",
            "2",
            "-q",
        ],
    ] {
        let o = capped(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("policy `big`: 4002 rivalries x 200 years"),
            "{err}"
        );
        assert!(err.contains("GiB limit"), "{err}");
    }
    let two = deter::Settings {
        threads: 2,
        ..deter::Settings::default()
    };
    for streamed in [false, true] {
        match library_sweep_by(streamed, &sweep, &two, &out) {
            Err(deter::Error::TooLarge(m)) => {
                assert!(
                    m.contains("policy `big`: 4002 rivalries x 200 years"),
                    "{m}"
                );
            }
            other => panic!("streamed: {streamed}: {:?}", other.err()),
        }
    }
    let mut left: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["huge.toml", "lxf.toml", "small.toml"], "left behind");
}

/// The memory guard of `deter sweep` holds for the library's sweeps: a base scenario whose
/// tallies are over the limit is refused before any work ([`deter::Error::TooLarge`], in the
/// words of `deter run`), and no results file or record is created.
#[test]
fn the_librarys_sweeps_refuse_tallies_over_the_memory_limit_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let huge = huge(d.path());
    let sweep = write(
        d.path(),
        "huge-sweep.toml",
        &format!(
            "base = \"{huge}\"\nruns = 1\nseed = 3\ndesign = \"grid\"\n[[parameter]]\n\
             path = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.0]\n"
        ),
    );
    let out = d.path().join("r.csv");
    let two = deter::Settings {
        threads: 2,
        ..deter::Settings::default()
    };
    for streamed in [false, true] {
        let r = library_sweep_by(streamed, &sweep, &two, &out);
        match r {
            Err(deter::Error::TooLarge(m)) => {
                assert!(m.contains("4002 rivalries x 200 years"), "{m}");
                assert!(m.contains("GiB limit"), "{m}");
            }
            other => panic!("streamed: {streamed}: {:?}", other.err()),
        }
        assert!(!out.exists());
        assert!(!d.path().join("r.csv.sweep").exists());
    }
}

/// Ctrl-C before any point of a sweep finished said "the finished points are in `s.csv`" of
/// a file that held only its header. It says that no point finished and that the file holds
/// only its header, with the command that runs the sweep; the file is the header alone.
#[cfg(unix)]
#[test]
fn a_sweep_interrupted_before_its_first_point_says_none_finished() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "s.toml",
        &format!(
            "base = \"{}\"\nruns = 1000000000\n[[parameter]]\npath = \
             \"country.AAA.military.budget\"\nrole = \"lever\"\nvalues = [1.0, 2.0]\n",
            scenario("tests/warn/sweep-base.toml")
        ),
    );
    let out = tmp.path().join("s.csv");
    let mut child = std::process::Command::new(bin())
        .args(["sweep", file.to_str().unwrap(), "--quiet", "--threads", "2"])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    common::wait_until_simulating(&mut child, "sweep");
    let (code, err) = common::stopped_by_ctrl_c(&mut child, 6000, "sweep");
    assert_eq!(code, Some(130), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 1, "only the header: {text}");
    assert!(!err.contains("the finished points are in"), "{err}");
    assert!(
        err.starts_with(&format!(
            "deter: interrupted; no point finished: `{}` holds only its header; run `deter sweep",
            out.display()
        )),
        "{err}"
    );
    assert!(err.contains("--resume"), "{err}");
}

/// The command an interrupted sweep prints keeps its `--report` and `--plots`: it said `deter
/// sweep s.toml --out s.csv --resume`, and the resumed sweep, run as told, wrote no page.
#[cfg(unix)]
#[test]
fn an_interrupted_sweeps_command_keeps_its_report_and_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "s.toml",
        &format!(
            "base = \"{}\"\nruns = 1000000000\n[[parameter]]\npath = \
             \"country.AAA.military.budget\"\nrole = \"lever\"\nvalues = [1.0, 2.0]\n",
            scenario("tests/warn/sweep-base.toml")
        ),
    );
    let (out, page, charts) = (
        tmp.path().join("s.csv"),
        tmp.path().join("page.html"),
        tmp.path().join("charts"),
    );
    let mut child = std::process::Command::new(bin())
        .args(["sweep", file.to_str().unwrap(), "--quiet", "--threads", "2"])
        .arg("--out")
        .arg(&out)
        .arg("--report")
        .arg(&page)
        .arg("--plots")
        .arg(&charts)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    common::wait_until_simulating(&mut child, "sweep");
    let (code, err) = common::stopped_by_ctrl_c(&mut child, 6000, "sweep");
    assert_eq!(code, Some(130), "{err}");
    let tail = format!(
        "--resume --report {} --plots {}`",
        page.display(),
        charts.display()
    );
    assert!(err.contains(&tail), "expected `{tail}` in:\n{err}");
}

/// The workers' stacks are the engine's own, not the platform's default: rayon runs stolen
/// halves of a range of runs on the stack of the worker that waits, so their depth depends on
/// the machine's load, and a comparison of 10,000 runs needed between 1 and 1.5 MiB of the 2
/// MiB default (it overflowed on a loaded machine: "thread has overflowed its stack", exit
/// 134). Here the default is cut to 768 KiB (`RUST_MIN_STACK`, which sets the stack of every
/// thread the program does not size itself): the comparison still completes, and gives the
/// bytes of a run with the default.
#[test]
fn a_comparison_does_not_depend_on_the_platforms_default_thread_stack() {
    let args = [
        "compare",
        "scenarios/western-balkans-2024.toml",
        "scenarios/serbia-eastern-pivot.toml",
        "--runs",
        "10000",
        "--no-attribution",
        "--threads",
        "2",
        "--format",
        "json",
    ];
    let small = std::process::Command::new(common::bin())
        .current_dir(common::root())
        .env("RUST_MIN_STACK", "786432")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        small.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&small.stderr)
    );
    let plain = std::process::Command::new(common::bin())
        .current_dir(common::root())
        .env_remove("RUST_MIN_STACK")
        .args(args)
        .output()
        .unwrap();
    // A comparison's timing is each side's.
    let untimed = |bytes: &[u8]| {
        let mut v = common::json_without_timing(bytes);
        for side in ["a", "b"] {
            v[side].as_object_mut().unwrap().remove("timing");
        }
        v
    };
    assert_eq!(untimed(&small.stdout), untimed(&plain.stdout));
}

// ---- claims23: guarantees on paths added later ----
//
// The guarantees of README.md and ARCHITECTURE.md against every command that could break
// them (an audit of 1 December 2026; "-": the command cannot break it). The tests named here
// are the ones that check each pair; `+` marks the pairs this audit found untested and
// added.
//
// Ctrl-C: 130, nothing partial (sweep and calibrate keep what --resume needs)
//   run, run FILE..., run --shard, compare, nested run/compare: hostile/driver.rs
//                              ctrl_c_stops_*, ctrl_c_stops_within_one_run_*;
//   `+` run --per-run/--report/--plots, compare --report/--plots, run/compare --until-ci:
//                              hostile/driver.rs ctrl_c_leaves_no_per_run_rows_*;
//   sweep, sweep --shard:      hostile/driver.rs ctrl_c_stops_sweeps_*, sweep.rs
//                              interrupt_and_resume, guarantees.rs
//                              a_sweep_interrupted_before_its_first_point_*;
//   library sweep:             a_library_sweep_interrupted_leaves_a_file_its_resume_completes;
//   `+` library run (until_ci), compare, run_nested, compare_nested (Python's):
//                              the_librarys_runs_comparisons_and_nested_runs_stop_on_*;
//   merge:                     ctrl_c_stops_a_merge_with_130_and_nothing_written;
//   `+` library merge, merge_with_rows, merge_nested (Python's merge, merge_nested; FALSE
//                              before left24: no cancellation): facade.rs merge_*,
//                              python/tests/test_ctrl_c.py;
//   calibrate:                 a_calibration_interrupted_*,
//                              calibrate.rs an_interrupted_and_resumed_calibration_*;
//   `+` calibrate --hold-out:  a_held_out_calibration_interrupted_and_resumed_*;
//   bench:                     bench_cli.rs bench_interrupted;
//   `+` discover, robust (FALSE before claims23: the flag was never checked; now the handler
//                              exits 130 itself): ctrl_c_stops_discover_at_once;
//   `+` discover, robust while writing their outputs (FALSE before left24: the writes
//                              finished, exit 0 or 130): ctrl_c_while_robust_writes_*;
//   validate, init: inputs read under the reading handler; nothing long to stop.
// Memory guard: refused before any work, exit 2
//   run, run --shard, compare, sweep, sweep --shard, nested run/compare: hostile/driver.rs
//   the_memory_guard_refuses_cleanly_in_every_command; `+` nested run --shard (same test);
//   run FILE...:                run_with_several_files_checks_the_tallies_*;
//   bench, calibrate (every case, held out or not): bench_and_calibrate_refuse_*;
//   sweep policy scenarios, library sweeps: a_sweep_whose_policy_scenario_*,
//                              the_librarys_sweeps_refuse_tallies_*;
//   `+` library run, compare, run_nested, compare_nested:
//                              the_librarys_runs_comparisons_and_nested_runs_refuse_*;
//   merge of a nested run:     shards.rs the_merge_guard_covers_a_nested_runs_merge;
//   `+` merge of a run:        shards.rs the_merge_guard_counts_the_two_sets_a_merge_holds
//                              (only the case under the limit was checked);
//   merge of a sweep:          untested (a sweep's partial file over the limit cannot be made
//                              by deter; the merge shares `runner::check_memory` with sweep).
// No input overwritten; outputs checked before any work; read-only refused
//   every command and output flag: output_files.rs every_command_refuses_a_read_only_*,
//   an_output_that_cannot_be_written_*, guarantees.rs files_a_sweep_writes_beside_*,
//   plots_named_as_another_output_*, calibrate_refuses_an_input_as_output_*.
// Byte-identical for any thread count / shard split / resume
//   run (JSON, --per-run, --report): cli.rs json_is_byte_identical_*,
//   per_run_rows_are_in_run_order_*, reports.rs run_and_compare_reports_*;
//   compare: reports.rs comparison_json_is_the_same_*; sweep, merge: sweep.rs
//   results_are_byte_identical_*, reports.rs sweep_and_merge_reports_*; shards: shards.rs;
//   nested: calibrate.rs deter_run_posterior_*, uncertain.rs a_single_value_prior_*;
//   robust --report: user_faults.rs robustness_pages_are_byte_identical_*;
//   calibrate: calibrate.rs deter_calibrate_is_deterministic_*, a_resumed_calibration_*;
//   `+` calibrate --hold-out (threads, and a --resume with another hold-out refused):
//   a_held_out_calibration_is_the_same_for_any_thread_count_and_resumes_only_as_itself.
// Exit codes and the error format: messages.rs, user_faults.rs, hostile/ (every command).
// Atomic outputs, no temporary file left: a_run_aborted_before_its_first_result_*,
//   output_files.rs a_full_disk_names_the_output_never_its_temporary_file.

/// `deter calibrate --hold-out CASE` (added after the calibration's thread and resume tests)
/// writes the same four files for one thread and two; its state is another calibration's
/// than the one without the hold-out or with another case held out, so `--resume` with a
/// different `--hold-out` is refused (exit 2, nothing replaced), and with the same one it
/// changes nothing.
#[test]
fn a_held_out_calibration_is_the_same_for_any_thread_count_and_resumes_only_as_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let file = calibration_of(tmp.path(), 40);
    let file = file.to_str().unwrap();
    let files = [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ];
    let read = |dir: &Path| -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|f| std::fs::read(dir.join(f)).unwrap())
            .collect()
    };
    let calibrate = |out: &Path, more: &[&str]| {
        let mut c = deter();
        c.args(["calibrate", file, "--quiet", "--out"])
            .arg(out)
            .args(more);
        c.output().unwrap()
    };
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("held-out-{threads}"));
        let o = calibrate(&out, &["--hold-out", "serbia-kosovo", "--threads", threads]);
        succeeded_for(&o, format_args!("--threads {threads}"));
        outs.push(out);
    }
    let whole = read(&outs[0]);
    for (name, (a, b)) in files.iter().zip(whole.iter().zip(read(&outs[1]))) {
        assert!(*a == b, "{name} differs between 1 and 2 threads");
    }
    let html = String::from_utf8_lossy(&whole[3]).into_owned();
    assert!(
        html.contains("(held out)"),
        "no held-out case in the report"
    );
    for other in [&[][..], &["--hold-out", "russia-georgia"][..]] {
        let mut more = vec!["--resume", "--threads", "2"];
        more.extend(other);
        let o = calibrate(&outs[0], &more);
        let err = refused_for(&o, format_args!("--resume {other:?}"));
        assert!(
            err.contains("the state belongs to another calibration"),
            "{other:?}: {err}"
        );
        assert!(read(&outs[0]) == whole, "{other:?}: the results changed");
    }
    let o = calibrate(
        &outs[0],
        &["--resume", "--hold-out", "serbia-kosovo", "--threads", "2"],
    );
    succeeded(&o);
    assert!(
        read(&outs[0]) == whole,
        "a resume of a finished calibration"
    );
}

/// The library's run, comparison and nested runs (what Python's `run`, `compare`,
/// `run_nested` and `compare_nested` call), each as a function of (scenario, settings,
/// control), the error it returned if any.
type LibraryCall<'a> = (
    &'static str,
    Box<
        dyn Fn(&deter::Scenario, &deter::Settings, deter::Control<'_>) -> Option<deter::Error>
            + Sync
            + 'a,
    >,
);

/// [`LibraryCall`]s of every kind, the nested ones with a posterior of two draws in `dir`
/// and with a prior on `model.war_cost`.
fn library_calls(dir: &Path) -> Vec<LibraryCall<'static>> {
    let post = write(
        dir,
        "posterior.csv",
        "draw,model.war_cost,weight,distance\n0,0.8,0.5,0\n1,1.2,0.5,0\n",
    );
    let post: &'static deter::Posterior =
        Box::leak(Box::new(deter::read_posterior(&post).unwrap()));
    let with_prior = |s: &deter::Scenario| {
        let mut v = s.clone();
        let template = std::fs::read_to_string(root().join("src/scenario/template.toml")).unwrap();
        let prior = "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\n";
        v.uncertain = deter::parse(&format!("{template}\n{prior}"), "priors.toml")
            .unwrap()
            .uncertain;
        v
    };
    vec![
        ("run", Box::new(|s, st, c| deter::run(s, st, c).err())),
        (
            "compare",
            Box::new(|s, st, c| deter::compare(s, s, st, c).err()),
        ),
        (
            "run_nested with a posterior",
            Box::new(move |s, st, c| deter::run_nested(s, Some(post), st, Some(2), c).err()),
        ),
        (
            "run_nested with priors",
            Box::new(move |s, st, c| deter::run_nested(&with_prior(s), None, st, Some(2), c).err()),
        ),
        (
            "compare_nested",
            Box::new(move |s, st, c| {
                deter::compare_nested(s, &with_prior(s), Some(post), st, Some(2), c).err()
            }),
        ),
    ]
}

/// The library's run, comparison and nested runs stop on a cancel flag with
/// `Error::Interrupted` whatever the run count (10^12 here; a watchdog turns a call that
/// ignores the flag into a failure, not a hang), adaptive stopping included, as the command
/// line's do on the same driver. Only the library's run (a flag set before the call) and its
/// sweeps were tested.
#[test]
fn the_librarys_runs_comparisons_and_nested_runs_stop_on_the_cancel_flag() {
    use std::sync::atomic::AtomicBool;
    let d = tempfile::tempdir().unwrap();
    let template = deter::load(&root().join("src/scenario/template.toml")).unwrap();
    let cancel = AtomicBool::new(true);
    let stopped = deter::Control {
        cancel: Some(&cancel),
        progress: None,
    };
    let endless = deter::Settings {
        runs: Some(deter::MAX_RUNS / 2),
        threads: 2,
        ..deter::Settings::default()
    };
    let adaptive = deter::Settings {
        runs: None,
        until_ci: Some(1e-6),
        max_runs: Some(deter::MAX_RUNS),
        ..endless.clone()
    };
    for (name, call) in &library_calls(d.path()) {
        for (how, settings) in [("fixed", &endless), ("until_ci", &adaptive)] {
            if how == "until_ci" && name.contains("nested") {
                continue; // adaptive stopping is not offered with nested runs
            }
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::scope(|s| {
                s.spawn(|| tx.send(call(&template, settings, stopped)).unwrap());
                let got = rx
                    .recv_timeout(std::time::Duration::from_secs(60))
                    .unwrap_or_else(|_| {
                        // The scope would wait for the call: end the test process instead.
                        eprintln!("{name} ({how}) ignored the cancel flag");
                        std::process::exit(101)
                    });
                assert!(
                    matches!(got, Some(deter::Error::Interrupted)),
                    "{name} ({how}): {got:?}"
                );
            });
        }
    }
}

/// The library's run, comparison and nested runs refuse tallies over the memory limit with
/// `Error::TooLarge` before any work, as the command line's do (only its sweeps were
/// tested). Run in a copy of this test process with its address space capped at 4 GB, as
/// [`capped`] runs deter, so that a call missing the guard fails there instead of taking
/// the machine's memory.
#[test]
fn the_librarys_runs_comparisons_and_nested_runs_refuse_tallies_over_the_limit() {
    const CHILD: &str = "DETER_TEST_LIBRARY_GUARD";
    if std::env::var_os(CHILD).is_none() {
        let name = "the_librarys_runs_comparisons_and_nested_runs_refuse_tallies_over_the_limit";
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 4000000 && exec \"$0\" \"$@\"")
            .arg(std::env::current_exe().unwrap())
            .args(["--exact", name, "--nocapture", "--test-threads", "1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success() && out.contains("1 passed"),
            "{}\n{}",
            out,
            String::from_utf8_lossy(&o.stderr)
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let huge = deter::load(Path::new(&huge(d.path()))).unwrap();
    let small = deter::Settings {
        runs: Some(2),
        threads: 2,
        ..deter::Settings::default()
    };
    for (name, call) in &library_calls(d.path()) {
        match call(&huge, &small, deter::Control::default()) {
            Some(deter::Error::TooLarge(m)) => {
                assert!(m.contains("4002 rivalries x 200 years"), "{name}: {m}");
                assert!(m.contains("GiB limit"), "{name}: {m}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

/// `deter discover` and `deter robust` simulate nothing, so their work never looked at the
/// Ctrl-C flag: on 200,000 results rows discover ran on for minutes after Ctrl-C and would
/// have written its page. Ctrl-C now stops them at once (exit 130, nothing written), as every
/// command that simulates (robust by the same switch; discover is the slow one).
#[cfg(unix)]
#[test]
fn ctrl_c_stops_discover_at_once() {
    let d = tempfile::tempdir().unwrap();
    let base = root().join("src/scenario/template.toml");
    let sweep = write(
        d.path(),
        "big.toml",
        &format!(
            "base = {:?}\nruns = 1\nseed = 1\ndesign = \"lhs\"\npoints = 200000\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.5, 2.0]\nrole = \"uncertainty\"\n\
             [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\nrole = \"uncertainty\"\n",
            base.display().to_string()
        ),
    );
    let results = d.path().join("big.csv");
    let o = run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        results.to_str().unwrap(),
        "-q",
        "--no-attribution",
    ]);
    succeeded(&o);
    let r = results.to_str().unwrap();
    let page = d.path().join("page.html");
    let p = page.to_str().unwrap();
    let args = vec![
        "discover",
        r,
        "--outcome",
        "war",
        "--above",
        "0.5",
        "--boxes",
        "20",
        "--report",
        p,
    ];
    let mut child = std::process::Command::new(bin())
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(child.try_wait().unwrap().is_none(), "{args:?} ended early");
    let (code, err) = common::stopped_by_ctrl_c(&mut child, 2000, args[0]);
    assert_eq!(code, Some(130), "{args:?}: {err}");
    assert!(
        err.ends_with("deter: interrupted; no output written\n"),
        "{err}"
    );
    assert!(!page.exists(), "{args:?} wrote its page");
}

/// A Ctrl-C that came while `deter robust` (or `discover`) wrote its outputs let the writes
/// finish and exited 0: the handler, seeing an output pending, left the stop to the command,
/// which had no cancellation point left. The outputs are now written to their temporary
/// files first and published only if no Ctrl-C came meanwhile: exit 130, "no output
/// written", neither the page nor the CSV nor a temporary file left. The process is stopped
/// (SIGSTOP) as soon as a temporary output appears, sent SIGINT, and continued; a signal
/// handled only after the publishing check may let both outputs finish (exit 0, both
/// whole), never one of them.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_while_robust_writes_its_outputs_leaves_none() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let text = format!(
        "base = {:?}\nruns = 5\nseed = 3\ndesign = \"lhs\"\npoints = 3\n\
         [[policy]]\nid = \"baseline\"\n\
         [[policy]]\nid = \"envoy\"\nfile = {:?}\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.4, 1.6]\n",
        common::scenario("scenarios/western-balkans-2024.toml"),
        common::scenario("scenarios/shea-special-envoy.toml"),
    );
    write(dir, "lxf.toml", &text);
    succeeded(&run_in(
        dir,
        &["sweep", "lxf.toml", "--out", "lxf.csv", "-q"],
    ));
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    // The sweep's files (results, record, robustness summary and page).
    let inputs = listing();
    let signal = |sig: &str, pid: u32| {
        let sent = std::process::Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill {sig}");
    };
    let mut caught = 0;
    for _ in 0..40 {
        let mut child = std::process::Command::new(bin())
            .args(["robust", "lxf.csv", "--out", "r.csv", "--report", "r.html"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut signalled = false;
        while child.try_wait().unwrap().is_none() {
            if listing().iter().any(|n| n.starts_with(".deter-")) {
                signal("-STOP", child.id());
                signal("-INT", child.id());
                signal("-CONT", child.id());
                signalled = true;
                break;
            }
        }
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let left = listing();
        match out.status.code() {
            Some(130) => {
                assert!(signalled, "{err}");
                assert_eq!(err, "deter: interrupted; no output written\n");
                assert_eq!(left, inputs, "written after Ctrl-C");
                caught += 1;
            }
            Some(0) => {
                // Never signalled, or the signal was handled once the outputs were being
                // published: both whole.
                let mut all = inputs.clone();
                all.extend(["r.csv".to_string(), "r.html".to_string()]);
                all.sort();
                assert_eq!(left, all, "{err}");
                std::fs::remove_file(dir.join("r.csv")).unwrap();
                std::fs::remove_file(dir.join("r.html")).unwrap();
            }
            other => panic!("{other:?}: {err}"),
        }
        if caught >= 3 {
            break;
        }
    }
    assert!(caught > 0, "no Ctrl-C during the writes stopped robust");
}

/// `deter calibrate --hold-out CASE` interrupted by Ctrl-C once its first generation is
/// saved, then resumed (`--resume` with the same hold-out), writes the four files byte for
/// byte as the uninterrupted held-out calibration (checked before for the calibration
/// without a hold-out only).
#[cfg(unix)]
#[test]
fn a_held_out_calibration_interrupted_and_resumed_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    // About a second of generations: the signal comes between the first and the last.
    let file = calibration_of(tmp.path(), 3000);
    let args = |out: &Path| {
        let mut v: Vec<std::ffi::OsString> = ["calibrate", file.to_str().unwrap(), "--quiet"]
            .iter()
            .map(Into::into)
            .collect();
        v.extend(["--hold-out", "serbia-kosovo", "--threads", "2", "--out"].map(Into::into));
        v.push(out.into());
        v
    };
    let whole = tmp.path().join("whole");
    succeeded(&common::deter().args(args(&whole)).output().unwrap());
    let cut = tmp.path().join("cut");
    let mut child = common::spawn_until_written(args(&cut), &cut.join("state.json"), "calibrate");
    assert!(
        !cut.join("posterior.csv").exists(),
        "the calibration ended before the signal: raise `particles`"
    );
    let (code, err) = common::stopped_by_ctrl_c(&mut child, 6000, "calibrate");
    assert_eq!(code, Some(130), "{err}");
    let mut resume = args(&cut);
    resume.push("--resume".into());
    succeeded(&common::deter().args(resume).output().unwrap());
    for name in [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ] {
        let a = std::fs::read(whole.join(name)).unwrap();
        let b = std::fs::read(cut.join(name)).unwrap();
        assert!(a == b, "{name} differs after Ctrl-C and --resume");
    }
}
