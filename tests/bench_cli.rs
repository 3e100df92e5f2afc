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

#[test]
fn bench_sweep_points_reports_time_outside_simulation() {
    deter()
        .args(["bench", "--sweep-points", "3", "--runs-per-point", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 points x 5 runs = 15 runs"))
        .stdout(predicate::str::contains("outside simulation"));
}

#[test]
fn bench_rejects_zero_runs() {
    deter().args(["bench", "--runs", "0"]).assert().code(2);
}
