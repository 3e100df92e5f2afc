//! Memory of `deter run` over many scenario files (issue 12): results stream in file order
//! and only a window of files is in flight, so the peak resident set of a run over 4,000
//! files is within 10% of the same run over 400 files, beyond what the command line itself
//! costs: clap keeps about 240 bytes per argument (1 MB for 4,000 file names, measured the
//! same way on `deter validate`, which keeps nothing per file), so that cost is measured on
//! `deter validate FILES...` and allowed for. Before streaming, each file's aggregate
//! (about 0.1 MB for a 2-year template) stayed until the end: 400 MB for 4,000 files.
//!
//! Measured from outside: the child's `VmHWM` (peak resident set of its own address space,
//! reset at exec) in /proc/PID/status, read until it exits. `wait4`'s `ru_maxrss` would also
//! count this test process's pages at the fork. Linux only.
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Peak RSS in KiB of `deter run FILES... ARGS` started in `dir`.
fn peak_rss_kib(dir: &Path, command: &str, files: &[String], args: &[&str]) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deter"))
        .current_dir(dir)
        .arg(command)
        .args(files)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start deter");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        // VmHWM only grows; once the process is a zombie the line is gone.
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(
                status.success(),
                "deter run over {} files: {status}",
                files.len()
            );
            return peak;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn peak_memory_of_4000_files_is_within_10_percent_of_400() {
    let dir = tempfile::tempdir().unwrap();
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/scenario/template.toml"
    ))
    .unwrap();
    let mut names = Vec::new();
    for i in 0..4000 {
        // Short relative names: the argument list itself is part of the measured memory.
        let name = format!("{i:04}.toml");
        // Distinct scenario names: one CSV table holds them all.
        let text = template.replacen("name = \"My region\"", &format!("name = \"region {i}\""), 1);
        assert_ne!(text, template);
        std::fs::write(dir.path().join(&name), text).unwrap();
        names.push(name);
    }
    // Both measured before this process reads anything large: a forked child's peak
    // includes the parent's pages at the fork.
    let args = |out| {
        [
            "--runs",
            "2",
            "--horizon-years",
            "2",
            "--threads",
            "2",
            "--format",
            "csv",
            "--out",
            out,
            "-q",
        ]
    };
    let small = peak_rss_kib(dir.path(), "run", &names[..400], &args("small.csv"));
    let large = peak_rss_kib(dir.path(), "run", &names, &args("large.csv"));
    let argv_small = peak_rss_kib(dir.path(), "validate", &names[..400], &[]);
    let argv_large = peak_rss_kib(dir.path(), "validate", &names, &[]);
    let argv = argv_large.saturating_sub(argv_small);
    let out_small = std::fs::read_to_string(dir.path().join("small.csv")).unwrap();
    let out_large = std::fs::read_to_string(dir.path().join("large.csv")).unwrap();
    // Every file was reported (one `runs` row each), so the large run did all the work.
    let count = |t: &str| t.lines().filter(|l| l.contains(",scenario,runs,")).count();
    assert_eq!((count(&out_small), count(&out_large)), (400, 4000));
    let report = format!(
        "peak RSS of run: {small} KiB over 400 files, {large} KiB over 4,000; of validate \
         (the command line's cost): {argv_small} KiB and {argv_large} KiB"
    );
    assert!((large - argv) as f64 <= 1.10 * small as f64, "{report}");
    eprintln!("{report}");
}
