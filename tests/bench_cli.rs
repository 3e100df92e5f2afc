//! `deter bench`: prints the numbers it promises (values are timings, so only their presence
//! is checked; the numbers themselves live in BENCHMARKS.md).

use assert_cmd::Command;
use predicates::prelude::*;

fn deter() -> Command {
    Command::cargo_bin("deter").expect("binary built")
}

#[test]
fn bench_reports_floor_ratio_speedup_and_machine() {
    deter()
        .args(["bench", "--runs", "300", "--repeat", "1", "--threads", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("RNG floor, 1 thread"))
        .stdout(predicate::str::contains("x floor"))
        .stdout(predicate::str::contains("speedup 1 -> 2 threads"))
        .stdout(predicate::str::contains("logical cores"))
        .stdout(predicate::str::contains("build profile"))
        .stdout(predicate::str::contains("normals"))
        // Issue 15: the pruned state count and the speedup it buys.
        .stdout(predicate::str::contains(
            "simulating 2 of 7 countries, 1 of 1 rivalries",
        ))
        .stdout(predicate::str::contains("speedup from pruning"));
}

/// The `ns/run` cell of the table row starting with `label`.
fn ns_per_run(out: &str, label: &str) -> f64 {
    let line = out
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no row `{label}` in:\n{out}"));
    let cells: Vec<&str> = line[label.len()..].split_whitespace().collect();
    cells[0]
        .parse()
        .unwrap_or_else(|_| panic!("ns/run of `{line}`"))
}

/// The number before `x` after `prefix`, e.g. "speedup from pruning (1 thread): 1.53x".
fn ratio_after(out: &str, prefix: &str) -> f64 {
    let at = out
        .find(prefix)
        .unwrap_or_else(|| panic!("no `{prefix}` in:\n{out}"));
    let rest = &out[at + prefix.len()..];
    rest[..rest.find('x').unwrap()].trim().parse().unwrap()
}

fn bench_output(threads: &str) -> String {
    let out = deter()
        .args([
            "bench",
            "--runs",
            "2000",
            "--repeat",
            "1",
            "--threads",
            threads,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The printed speedups are the ratios of the printed timings (recomputed here from the
/// ns/run column, to within its rounding to whole nanoseconds), and each rate is 10^9 / ns
/// with thousands separators.
#[test]
fn bench_speedups_and_rates_are_the_ratios_of_its_own_timings() {
    let out = bench_output("2");
    let one = ns_per_run(&out, "engine, 1 thread");
    let two = ns_per_run(&out, "engine, 2 threads");
    let full = ns_per_run(&out, "engine unpruned, 1 thr.");
    // Relative rounding error of a ratio of two integers rounded to the unit, plus the
    // printed ratio's own rounding to 0.01.
    let close = |printed: f64, num: f64, den: f64| {
        let r = num / den;
        let slack = r * (0.5 / num + 0.5 / den) + 0.005 + 1e-9;
        assert!(
            (printed - r).abs() <= slack,
            "printed {printed}x, timings give {r} (+- {slack}):\n{out}"
        );
    };
    close(ratio_after(&out, "speedup 1 -> 2 threads:"), one, two);
    close(
        ratio_after(&out, "speedup from pruning (1 thread):"),
        full,
        one,
    );
    let line = out
        .lines()
        .find(|l| l.starts_with("engine, 1 thread"))
        .unwrap();
    let rate: f64 = line
        .split_whitespace()
        .nth(4)
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    let expected = 1e9 / one;
    assert!(
        (rate - expected).abs() <= expected * 0.5 / one + 1.0,
        "rate {rate} vs 10^9/ns = {expected}:\n{out}"
    );
    if rate >= 1000.0 {
        assert!(
            line.split_whitespace().nth(4).unwrap().contains(','),
            "{line}"
        );
    }
}

/// On one thread there is no parallel measurement: the efficiency is never above 100%, and
/// the counts agree with their nouns.
#[test]
fn bench_on_one_thread_reports_no_parallel_gain() {
    let out = bench_output("1");
    assert!(out.contains("engine, 1 thread "), "{out}");
    assert!(!out.contains("1 threads"), "{out}");
    assert!(out.contains("speedup 1 -> 1 thread: 1.00x"), "{out}");
    for (at, _) in out.match_indices("efficiency ") {
        let pct: f64 = out[at + 11..].split('%').next().unwrap().parse().unwrap();
        assert!(pct <= 100.0, "{out}");
    }
    assert!(
        out.contains("2,000 runs x 120 steps per measurement"),
        "{out}"
    );
}

#[test]
fn bench_sweep_points_reports_time_outside_simulation() {
    deter()
        .args(["bench", "--sweep-points", "3", "--runs-per-point", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "3 points x 5 runs = 15 runs on 1 thread",
        ))
        .stdout(predicate::str::contains("outside simulation"));
}

#[test]
fn bench_rejects_zero_runs() {
    deter().args(["bench", "--runs", "0"]).assert().code(2);
}
