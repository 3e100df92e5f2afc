//! Outputs and faults: output paths checked before any work, atomic writes, Ctrl-C
//! (SIGINT), SIGTERM and SIGHUP stop a run within a second with exit code 130 and no output, and a
//! SIGKILLed run leaves no truncated file.
//!
//! Extending: when sweeps land, a SIGINT test must check that the resumable file is complete
//! and resumes; compare and merge need the "output equals an input" cases for each input.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::common::{bin, wait_until_simulating};
use super::{root, run, stderr, tempdir, write};

/// A run that takes minutes: MAX_RUNS runs of the template (refused counts are tested in
/// limits.rs; this one is accepted, and counters stay far from overflow).
fn long_run(out: &Path) -> Child {
    let out = out.to_str().unwrap();
    let args = [
        "run",
        "src/scenario/template.toml",
        "--runs",
        "1000000000000",
    ];
    long_command(&[&args[..], &["--threads", "2", "--out", out]].concat())
}

/// `deter ARGS` started from the crate root, stdout and stderr piped.
pub(super) fn long_command(args: &[&str]) -> Child {
    Command::new(bin())
        .current_dir(root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start deter")
}

pub(super) fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(ok.success(), "kill {sig} failed");
}

/// Wait for the child with a deadline; kill it (and fail) if it does not exit.
pub(super) fn wait_within(
    child: &mut Child,
    limit: Duration,
) -> (std::process::ExitStatus, Duration) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return (status, start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("deter did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub(super) fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

/// SIGHUP (the terminal closed, an ssh session dropped) is handled as Ctrl-C is, which
/// README's exit codes say: 130, no output and no temporary file left.
#[test]
fn ctrl_c_stops_a_run_within_a_second_with_130_and_no_output() {
    for sig in ["-INT", "-TERM", "-HUP"] {
        let dir = tempdir();
        let out = dir.path().join("result.json");
        let mut child = long_run(&out);
        wait_until_simulating(&mut child, "the long run");
        signal(&child, sig);
        let (status, took) = wait_within(&mut child, Duration::from_secs(10));
        let mut err = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
        assert_eq!(status.code(), Some(130), "kill {sig}: {err}");
        assert!(
            took < Duration::from_secs(1),
            "kill {sig}: stopped after {took:?}"
        );
        assert!(err.contains("interrupted; no output written"), "{err}");
        assert!(
            leftovers(dir.path()).is_empty(),
            "left {:?}",
            leftovers(dir.path())
        );
    }
}

#[test]
fn sigkill_leaves_no_truncated_output() {
    let dir = tempdir();
    let out = dir.path().join("result.json");
    // A previous, complete result must survive a killed rerun intact.
    std::fs::write(&out, b"{\"previous\": true}\n").unwrap();
    let mut child = long_run(&out);
    wait_until_simulating(&mut child, "the long run");
    signal(&child, "-KILL");
    let (status, _) = wait_within(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), None, "killed by a signal");
    assert_eq!(std::fs::read(&out).unwrap(), b"{\"previous\": true}\n");
    assert_eq!(leftovers(dir.path()), vec!["result.json".to_string()]);
}

#[test]
fn output_is_written_atomically_and_completely() {
    let dir = tempdir();
    let out = dir.path().join("r.json");
    let o = run(&[
        "run",
        "src/scenario/template.toml",
        "--runs",
        "100",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    deter::selfcheck::check_report_json(&v).unwrap();
    assert_eq!(leftovers(dir.path()), vec!["r.json".to_string()]);
}

#[test]
fn missing_output_directory_is_refused_before_any_work() {
    let dir = tempdir();
    let out = dir.path().join("no/such/dir/r.json");
    let start = Instant::now();
    // A run that would take hours: the refusal must come first.
    let o = run(&[
        "run",
        "src/scenario/template.toml",
        "--runs",
        "1000000000000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert!(start.elapsed() < Duration::from_secs(10));
    // init writes TOML: a `.toml` name in the missing directory (a `.json` one is refused
    // for its extension first).
    let scenario = dir.path().join("no/such/dir/s.toml");
    let o = run(&["init", scenario.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
}

#[test]
fn output_that_is_a_directory_or_a_device_is_refused() {
    let dir = tempdir();
    let o = run(&[
        "run",
        "src/scenario/template.toml",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // At `--out`, with a help line (it was a plain "error: ... is a directory").
    assert!(
        stderr(&o).starts_with(&format!(
            "--out:1:1: error: expected a file, found `{}`, a directory\n",
            dir.path().display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("= help: --out names the file to write"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "run",
        "src/scenario/template.toml",
        "--runs",
        "10",
        "--out",
        "/dev/null",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected a regular file, found `/dev/null`, a device"),
        "{}",
        stderr(&o)
    );
    assert!(Path::new("/dev/null").exists());
}

#[test]
fn output_equal_to_an_input_is_refused_and_the_input_is_untouched() {
    let dir = tempdir();
    // Named `.scn`: an output with a `.toml` name is refused for its name first, whatever
    // it is (tests/review_faults.rs); here the input's identity under other spellings is.
    let base = write(dir.path(), "base.scn", deter::scenario::TEMPLATE);
    let overlay = write(
        dir.path(),
        "overlay.scn",
        "extends = \"base.scn\"\n\n[scenario]\nruns = 10\n",
    );
    let spellings = [
        (overlay.clone(), overlay.clone()),
        (overlay.clone(), dir.path().join("./sub/../overlay.scn")),
        // The base of an `extends` chain is an input too.
        (overlay.clone(), base.clone()),
    ];
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    for (input, out) in spellings {
        let before = std::fs::read(&out).unwrap();
        let o = run(&[
            "run",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("is also an input file"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(&out).unwrap(), before);
    }
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempdir();
    let f = write(dir.path(), "mine.toml", "# my work\n");
    let o = run(&["init", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "# my work\n");
    let o = run(&["init", f.to_str().unwrap(), "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        deter::scenario::TEMPLATE
    );
}

#[test]
#[cfg_attr(
    not(deter_has_dev_full),
    ignore = "no /dev/full on this system: a failing stdout is not tested"
)]
fn a_full_disk_on_stdout_is_a_runtime_failure() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(bin())
        .current_dir(root())
        .args(["run", "src/scenario/template.toml", "--runs", "10"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write to stdout"),
        "{}",
        stderr(&o)
    );
}
