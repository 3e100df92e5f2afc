//! `deter bench`: prints the numbers it promises. Timings are never asserted (they live in
//! BENCHMARKS.md); every figure derived from them (runs/s, ratios to the floor, speedups,
//! efficiency) is recomputed here from the printed timings, and the draw counts and pruned
//! state counts are recomputed independently from the scenario and the model's run records.

use predicates::prelude::*;

mod common;
use common::{deter, succeeded};

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
    succeeded(&out);
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
    // One row per measurement: the parallel row would repeat the one-thread row.
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("engine, 1 thread "))
            .count(),
        1,
        "{out}"
    );
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

/// `--sweep-points` times its own points (`--runs-per-point` runs each, on 1 thread): a
/// `--runs`, `--repeat` or `--threads` beside it was ignored without a word ("5 points x 100
/// runs" after `--runs 1000`). Each is refused, naming both flags, exit 2, nothing printed.
#[test]
fn bench_sweep_points_refuses_the_flags_it_would_ignore() {
    for (flag, value) in [("--runs", "1000"), ("--repeat", "1"), ("--threads", "1")] {
        let out = deter()
            .args(["bench", "--sweep-points", "2", flag, value])
            .output()
            .expect("deter bench");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
        assert!(out.stdout.is_empty(), "{flag}");
        // Located at the later flag's value, as every refused combination of flags.
        assert!(
            err.starts_with(&format!(
                "{flag}:1:1: error: expected no {flag} with --sweep-points, found {value}"
            )),
            "{flag}: {err}"
        );
    }
}

#[test]
fn bench_rejects_zero_runs() {
    deter().args(["bench", "--runs", "0"]).assert().code(2);
}

/// The numbers on the line of `out` that starts with `label`, in order.
fn numbers_after(out: &str, label: &str) -> Vec<f64> {
    let line = out
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no line starting with {label:?} in\n{out}"));
    // Thousands separators ("13,983") join their digits; ", " separates items.
    let rest: Vec<char> = line[label.len()..].chars().collect();
    let text: String = rest
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !(c == ','
                && i > 0
                && rest[i - 1].is_ascii_digit()
                && rest.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        })
        .map(|(_, &c)| c)
        .collect();
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|w| !w.is_empty() && *w != ".")
        .map(|w| w.parse().unwrap())
        .collect()
}

/// `x` printed with `decimals` decimals is consistent with the exact value `exact`, whose
/// inputs were themselves printed rounded: `slack` is the error those roundings allow.
fn consistent(printed: f64, exact: f64, decimals: i32, slack: f64) -> bool {
    (printed - exact).abs() <= 0.5 * 10f64.powi(-decimals) + slack + 1e-9
}

/// Issue 15: `deter bench` reports the floor, the pruned state count and the speedups; each
/// derived figure agrees with the printed timings, and the draw counts with an independent
/// count from the run records (a deliberate error in any of them turns this red).
#[test]
fn bench_figures_agree_with_the_printed_timings_and_independent_counts() {
    use deter::engine::run_rng;
    use deter::model::{Compiled, RunRecord, bench_hooks};

    let runs = 300u64;
    let out = deter()
        .args(["bench", "--runs", "300", "--repeat", "1", "--threads", "2"])
        .output()
        .unwrap();
    succeeded(&out);
    let out = String::from_utf8(out.stdout).unwrap();

    // Timing-derived figures, from the printed ns/run (rounded to 1 ns).
    let floor = numbers_after(&out, "RNG floor, 1 thread");
    let one = numbers_after(&out, "engine, 1 thread");
    let full = numbers_after(&out, "engine unpruned, 1 thr.");
    let two = numbers_after(&out, "engine, 2 threads");
    for row in [&floor, &one, &full, &two] {
        let (ns, rate) = (row[0], row[1]);
        // runs/s = 1e9 / (ns/run); ns was rounded by at most 0.5.
        let exact = 1e9 / ns;
        assert!(
            consistent(rate, exact, 0, exact * 0.5 / ns),
            "{row:?}\n{out}"
        );
    }
    let ratio_slack = |a: f64, b: f64| (a / b) * (0.5 / a + 0.5 / b) * 1.01;
    assert_eq!(floor[2], 1.0, "{out}");
    assert!(
        consistent(one[2], one[0] / floor[0], 2, ratio_slack(one[0], floor[0])),
        "x floor of the engine: {out}"
    );
    assert!(
        consistent(
            full[2],
            full[0] / floor[0],
            2,
            ratio_slack(full[0], floor[0])
        ),
        "x floor of the unpruned engine: {out}"
    );
    let pruning = numbers_after(&out, "speedup from pruning (1 thread):")[0];
    assert!(
        consistent(pruning, full[0] / one[0], 2, ratio_slack(full[0], one[0])),
        "{out}"
    );
    let sp = numbers_after(&out, "speedup 1 -> 2 threads:");
    let speedup = one[0] / two[0];
    assert!(
        consistent(sp[0], speedup, 2, ratio_slack(one[0], two[0])),
        "{out}"
    );
    assert!(
        consistent(
            sp[1],
            100.0 * speedup / 2.0,
            0,
            50.0 * ratio_slack(one[0], two[0])
        ),
        "parallel efficiency: {out}"
    );

    // The pruned state count, recomputed from the file: all its countries and rivalries, of
    // which the rivalry's two players are simulated (no pact protects either).
    let text = include_str!("../scenarios/western-balkans-2024.toml");
    let count = |table: &str| text.lines().filter(|l| l.trim() == table).count();
    let (countries, rivalries) = (count("[[country]]"), count("[[rivalry]]"));
    assert_eq!((countries, rivalries), (7, 1));
    assert!(
        out.contains(&format!(
            "simulating 2 of {countries} countries, 1 of {rivalries} rivalries"
        )),
        "{out}"
    );

    // The floor's draws: the mean over the counted runs (min(2000, runs) = 300, seed of the
    // file), recomputed from each run's record month by month, not from the streams' counters.
    // Each month: 2 countries x 2 normals (GDP; the target's cohesion, the challenger's
    // narrative: neither reads the other's, so it is not drawn); while the rivalry is
    // not at war: its tension normal and three uniforms (arrivals, non-state incidents,
    // target-initiated triggers: both rates are positive in the baseline), one more per
    // non-state incident (does it open a crisis); while it is at war: one uniform (does the
    // war end); each crisis: one misperception normal and 8 uniforms (docs/MODEL.md 3.1).
    // Streams: 2 x 3 country processes, 5 rivalry processes, one per crisis.
    let scenario = deter::scenario::parse_str(text, "western-balkans-2024.toml").unwrap();
    let c = Compiled::new(&scenario);
    let (mut w, mut r) = (c.new_world(), RunRecord::new(&c));
    let (mut normals, mut uniforms, mut streams) = (0u64, 0u64, 0u64);
    for i in 0..runs {
        bench_hooks::start_run(&c, &mut w, &mut r, &mut run_rng(scenario.meta.seed, i));
        let (mut live_months, mut war_months) = (0u64, 0u64);
        for step in 0..c.steps() {
            if w.at_war(0) {
                war_months += 1;
            } else {
                live_months += 1;
            }
            bench_hooks::step(&c, &mut w, &mut r, step);
        }
        let crises = u64::from(r.rivalries[0].crises);
        let incidents = u64::from(r.rivalries[0].counts[deter::outputs::count::NON_STATE]);
        normals += 4 * u64::from(c.steps()) + live_months + crises;
        uniforms += 3 * live_months + war_months + incidents + 8 * crises;
        streams += 11 + crises;
    }
    let mean = |x: u64| x as f64 / runs as f64;
    let draws = numbers_after(&out, "draws per run that can affect an output");
    // [counted runs, normals, uniforms, Beta, streams, words]
    assert_eq!(draws[0], runs as f64, "{out}");
    assert!(
        consistent(draws[1], mean(normals), 1, 0.0),
        "normals: {out}"
    );
    assert!(
        consistent(draws[2], mean(uniforms), 1, 0.0),
        "uniforms: {out}"
    );
    assert_eq!(draws[3], 0.0, "no Beta: NATO is pruned ({out})");
    assert!(
        consistent(draws[4], mean(streams), 1, 0.0),
        "streams: {out}"
    );
    // A uniform takes one 64-bit word; a ziggurat normal one, or more when rejected (about
    // 1.2% of the time: Marsaglia & Tsang 2000, 256 layers).
    let least = mean(normals + uniforms);
    assert!(
        draws[5] >= least - 0.05 && draws[5] <= 1.05 * least,
        "u64 words {} against {least} draws: {out}",
        draws[5]
    );
}

/// Start `deter bench ARGS`, wait until its Ctrl-C handler is installed (Linux: its handler
/// thread beside the main one in /proc/PID/task; elsewhere a pause) and a little longer, so
/// that the signal finds it inside the loops bench times itself, then send SIGINT.
#[cfg(unix)]
fn bench_interrupted(args: &[&str]) -> (Option<i32>, String, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(common::bin())
        .arg("bench")
        .args(args)
        .current_dir(common::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("deter bench starts");
    let tasks = format!("/proc/{}/task", child.id());
    for _ in 0..500 {
        match std::fs::read_dir(&tasks).map(Iterator::count) {
            Ok(n) if n >= 2 => break,
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_millis(800));
                break;
            }
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    // 10^12 runs: minutes of work for a loop that ignores the flag; the bound is 20 s.
    let (code, err) = common::stopped_by_ctrl_c(&mut child, 2_000, format!("deter bench {args:?}"));
    let mut out = String::new();
    child
        .stdout
        .as_mut()
        .expect("stdout piped")
        .read_to_string(&mut out)
        .expect("bench's stdout");
    (code, out, err)
}

/// Ctrl-C stops `deter bench` in the RNG floor's loop and in a sweep point's runs (loops bench
/// times itself, outside the engine's driver): exit 130, "interrupted", no table printed.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_bench_in_its_own_timing_loops() {
    for args in [
        &["--runs", "1000000000000", "--repeat", "1", "--threads", "1"][..],
        &["--sweep-points", "1", "--runs-per-point", "1000000000000"][..],
    ] {
        let (code, out, err) = bench_interrupted(args);
        assert_eq!(code, Some(130), "deter bench {args:?}: {err}");
        assert!(err.contains("interrupted"), "deter bench {args:?}: {err}");
        assert!(out.is_empty(), "deter bench {args:?} printed: {out}");
    }
}
