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
