//! Limits of `deter run`: run counts, threads, horizons, empty and large regions, missing
//! files.
//!
//! Extending: sweeps should get the same cases for their point count and per-point runs
//! (`--runs 0`, an absurd count, `--threads 0`), compare and merge for empty inputs.

use super::common::flag_fault;
use super::{ring_scenario, run, stderr, tempdir, write};

fn json_report(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "deter {args:?}:\n{}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    deter::selfcheck::check_report_json(&v).unwrap_or_else(|e| panic!("{e}"));
    v
}

#[test]
fn runs_zero_is_refused() {
    let out = run(&["run", "src/scenario/template.toml", "--runs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        flag_fault(
            "--runs",
            "0",
            1,
            "expected an integer in [1, 1000000000000], found 0"
        )
    );
}

#[test]
fn absurd_run_counts_are_refused_clearly() {
    for runs in ["1000000000001", "18446744073709551615"] {
        let out = run(&["run", "src/scenario/template.toml", "--runs", runs]);
        assert_eq!(out.status.code(), Some(2), "--runs {runs}");
        assert!(
            stderr(&out).starts_with("--runs:1:1: error: expected an integer in [1, "),
            "{}",
            stderr(&out)
        );
    }
    // Beyond u64, negative, a fraction, a word: the same message as 0 or 10^12 + 1, exit 2
    // (it was clap's "number too large to fit in target type", "invalid digit found in
    // string", or for "-1" "unexpected argument '-1' found" with the advice `-- -1`).
    for runs in ["18446744073709551616", "-1", "1e6", "1.5", "ten"] {
        let out = run(&["run", "src/scenario/template.toml", "--runs", runs]);
        assert_eq!(out.status.code(), Some(2), "--runs {runs}");
        let found = if runs == "ten" { "`ten`" } else { runs };
        assert_eq!(
            stderr(&out),
            flag_fault(
                "--runs",
                runs,
                1,
                &format!("expected an integer in [1, 1000000000000], found {found}")
            )
        );
    }
}

#[test]
fn threads_zero_means_one_per_core_and_does_not_change_results() {
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("timing");
        v
    };
    let base = [
        "run",
        "src/scenario/template.toml",
        "--runs",
        "300",
        "--format",
        "json",
    ];
    let all = json_report(&[&base[..], &["--threads", "0"]].concat());
    let one = json_report(&[&base[..], &["--threads", "1"]].concat());
    assert!(all["timing"]["threads"].as_u64().unwrap() >= 1);
    assert_eq!(strip(all), strip(one));
}

#[test]
fn absurd_thread_counts_are_refused_before_any_thread_starts() {
    for threads in ["1025", "100000", "18446744073709551615"] {
        let out = run(&["run", "src/scenario/template.toml", "--threads", threads]);
        assert_eq!(out.status.code(), Some(2), "--threads {threads}");
        assert!(
            stderr(&out).starts_with(&format!(
                "--threads:1:1: error: expected an integer in [0, 1024] (0 = one per core), \
                 found {threads}\n"
            )),
            "{}",
            stderr(&out)
        );
    }
}

/// A horizon of 0 years simulates no month: every probability would print 0% (with an
/// interval) as if it were a finding. Refused with the range message, in the file and as a
/// flag, in every command that takes either.
#[test]
fn zero_horizon_is_refused_with_the_range_in_every_command() {
    let dir = tempdir();
    let f = write(dir.path(), "h0.toml", &ring_scenario(3, 0));
    let f = f.to_str().unwrap();
    for args in [&["validate", f][..], &["run", f], &["compare", f, f]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains(
                "h0.toml:3:17: error: scenario.horizon_years: expected an integer in [1, 200], found 0"
            ),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let t = "src/scenario/template.toml";
    for args in [
        &["run", t, "--horizon-years", "0"][..],
        &["compare", t, t, "--horizon-years", "0"],
        &[
            "sweep",
            "scenarios/sweeps/kosovo-budget-x-nato.toml",
            "--horizon-years",
            "0",
        ],
        &["run", t, "--horizon-years", "-1"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let v = args[args.len() - 1];
        assert_eq!(
            stderr(&out),
            flag_fault(
                "--horizon-years",
                v,
                1,
                &format!("expected an integer in [1, 200], found {v}")
            ),
            "{args:?}"
        );
        assert!(out.stdout.is_empty());
    }
    // The shortest horizon is accepted.
    let v = json_report(&[
        "run",
        t,
        "--runs",
        "50",
        "--horizon-years",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(v["horizon_years"], 1);
}

#[test]
fn horizon_override_out_of_range_is_refused() {
    let out = run(&[
        "run",
        "src/scenario/template.toml",
        "--horizon-years",
        "201",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .starts_with("--horizon-years:1:1: error: expected an integer in [1, 200], found 201")
    );
    // The documented maximum itself is accepted.
    let out = run(&[
        "run",
        "src/scenario/template.toml",
        "--horizon-years",
        "200",
        "--runs",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_region_without_rivalries_is_valid_and_nothing_happens() {
    let dir = tempdir();
    let f = write(dir.path(), "calm.toml", &ring_scenario(1, 5));
    let v = json_report(&[
        "run",
        f.to_str().unwrap(),
        "--runs",
        "100",
        "--format",
        "json",
    ]);
    assert_eq!(v["rivalries"].as_array().unwrap().len(), 0);
    assert_eq!(v["outcomes"]["crisis"]["count"], 0);
    assert_eq!(v["outcomes"]["deterrence_held"]["p"], 1.0);
    let out = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_two_hundred_country_region_runs() {
    let dir = tempdir();
    let f = write(dir.path(), "big.toml", &ring_scenario(200, 5));
    let v = json_report(&[
        "run",
        f.to_str().unwrap(),
        "--runs",
        "8",
        "--format",
        "json",
    ]);
    assert_eq!(v["rivalries"].as_array().unwrap().len(), 200);
    let out = run(&["run", f.to_str().unwrap(), "--runs", "8"]);
    assert_eq!(out.status.code(), Some(0), "table output: {}", stderr(&out));
}

#[test]
fn a_region_whose_tallies_would_exhaust_memory_is_refused_before_running() {
    // 4002 rivalries x 200 years of yearly histograms: about 5 GiB per worker.
    let dir = tempdir();
    let mut text = ring_scenario(2, 200);
    for i in 0..4000 {
        text += &format!(
            "\n[[rivalry]]\nid = \"R{i}\"\nchallenger = \"C{}\"\ntarget = \"C{}\"\n",
            i % 2,
            (i + 1) % 2
        );
    }
    let f = write(dir.path(), "huge.toml", &text);
    let start = std::time::Instant::now();
    let out = run(&["run", f.to_str().unwrap(), "--threads", "1", "--runs", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("4002 rivalries x 200 years"),
        "{}",
        stderr(&out)
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn endless_inputs_are_read_with_a_bound() {
    // Under a 2 GB address-space limit, so that a regression fails instead of eating memory.
    let bin = super::common::bin();
    for cmd in ["validate", "run", "sweep", "merge"] {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v 2000000; exec '{}' {cmd} /dev/zero",
                bin.display()
            ))
            .output()
            .expect("run sh");
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", stderr(&out));
        // `run` and `sweep` read their inputs twice, so they refuse a device before reading
        // it; `validate` refuses one in their words (a pipe it reads once); `merge` reads to
        // the bound.
        let want = if cmd == "run" || cmd == "sweep" || cmd == "validate" {
            "not a regular file"
        } else {
            "larger than"
        };
        assert!(stderr(&out).contains(want), "{cmd}: {}", stderr(&out));
    }
}

#[test]
fn missing_unreadable_and_directory_inputs_are_bad_input() {
    let dir = tempdir();
    let cases = [
        ("no-such-file.toml".to_string(), "cannot read file"),
        (dir.path().display().to_string(), "cannot read file"),
    ];
    for (file, msg) in cases {
        for cmd in ["run", "validate"] {
            let out = run(&[cmd, &file]);
            assert_eq!(out.status.code(), Some(2), "{cmd} {file}");
            assert!(stderr(&out).contains(msg), "{}", stderr(&out));
        }
    }
}

#[test]
fn unknown_flags_and_subcommands_are_usage_errors() {
    for args in [
        &["run"][..],
        &["frobnicate"],
        &["run", "x.toml", "--format", "xml"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Exit codes"));
}

/// An `extends` base that is a FIFO or a device is refused at the `extends` value (exit 2),
/// as the same file given on the command line is refused. `deter run` reads a scenario's
/// files twice (every file checked before any runs): a FIFO base gave its text to the first
/// read and the second waited forever, with nothing on the screen; `/dev/zero` was read up to
/// the size bound and `/dev/stdin` read the terminal.
#[cfg(target_os = "linux")]
#[test]
fn an_extends_base_that_is_a_pipe_or_a_device_is_refused_at_its_key() {
    use std::io::Write;
    let dir = tempdir();
    let base = std::fs::read(super::root().join("scenarios/western-balkans-2024.toml")).unwrap();
    let fifo = dir.path().join("base.fifo");
    super::common::make_fifo(&fifo);
    for (base_path, shown) in [
        (fifo.display().to_string(), "base.fifo"),
        ("/dev/zero".to_string(), "/dev/zero"),
        ("/dev/stdin".to_string(), "/dev/stdin"),
    ] {
        let overlay = write(
            dir.path(),
            "overlay.toml",
            &format!("extends = \"{base_path}\"\n\n[scenario]\nname = \"over a pipe\"\n"),
        );
        for cmd in ["run", "validate"] {
            let mut args = vec![cmd, overlay.to_str().unwrap()];
            if cmd == "run" {
                args.extend(["--runs", "10", "--no-attribution", "--quiet"]);
            }
            let mut child = std::process::Command::new(super::common::bin())
                .args(&args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            // A writer for the FIFO, as `deter run <(cat base.toml)` would have: it gives the
            // base's text once, to whichever read comes first.
            let writer = (shown == "base.fifo").then(|| {
                let fifo = fifo.clone();
                let base = base.clone();
                std::thread::spawn(move || {
                    if let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                        let _ = w.write_all(&base);
                    }
                })
            });
            assert!(
                super::common::ends_within(&mut child, 3000),
                "deter {args:?}: still waiting on its base `{shown}` after 30 s"
            );
            let out = child.wait_with_output().unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "deter {args:?}: {err}");
            assert!(out.stdout.is_empty(), "deter {args:?}: wrote output");
            let at = format!("{}:1:11: error: extends: ", overlay.display());
            assert!(
                err.contains(&at) && err.contains("not a regular file"),
                "deter {args:?}: expected a refusal at `{at}`:\n{err}"
            );
            assert!(err.contains("help: save it to a file first"), "{err}");
            if let Some(w) = writer {
                // Unblock the writer if nothing read the FIFO (a non-blocking open for reading
                // never waits, whether or not the writer is still there).
                use std::os::unix::fs::OpenOptionsExt;
                let _ = std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(0o4000) // O_NONBLOCK on Linux
                    .open(&fifo);
                w.join().unwrap();
            }
        }
    }
}

/// `deter discover` with extreme but valid values (a minimum mass and an alpha of 1e-9 or
/// 5e-324, a threshold of 1e-9, a parameter column of subnormal values) says them in
/// exponent form, on the terminal and on its page: Rust's `{}` of 5e-324 is 327 characters of
/// decimals, which made the title line hundreds of characters long, and a box limit of 1e-320
/// was printed to 327 decimals.
#[test]
fn discover_says_extreme_values_in_exponent_form() {
    let dir = tempdir();
    let mut text = String::from("point,a,runs,use_of_force_p,war_p\n");
    for k in 0..40u32 {
        // `a` in [0, 4e-320): subnormal, exact multiples of the smallest float.
        let a = f64::from(k) * 1e-321;
        let p = if k >= 20 { 0.3 } else { 0.0 };
        text.push_str(&format!("{k},{a:e},100,{p},0\n"));
    }
    let results = write(dir.path(), "tiny.csv", &text);
    let page = dir.path().join("prim.html");
    let out = run(&[
        "discover",
        results.to_str().unwrap(),
        "--outcome",
        "use_of_force",
        "--above",
        "1e-9",
        "--min-mass",
        "5e-324",
        "--alpha",
        "1e-9",
        "--report",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let title = stdout.lines().next().unwrap();
    assert!(
        title.starts_with(
            "Scenario discovery (PRIM; alpha 1e-9, minimum mass 5e-324): use_of_force > 1e-9"
        ),
        "{title}"
    );
    // No number anywhere is written with a run of 20 zeros.
    let zeros = "0".repeat(20);
    assert!(!stdout.contains(&zeros), "{stdout}");
    // The box's limits on `a` (about 2e-320 to 3.9e-320) and the top of its range.
    let limits = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("a "))
        .unwrap_or_else(|| panic!("no box line for `a`:\n{stdout}"));
    assert_eq!(limits.matches("e-320").count(), 3, "{limits}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("PRIM with alpha 1e-9 and minimum mass 5e-324."),
        "the page's lead"
    );
    assert!(!html.contains(&zeros), "the page writes a number in full");
}
