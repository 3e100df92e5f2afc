//! Every command runs on the one driver (src/engine/driver.rs), so every command inherits its
//! cancellation and its memory guard:
//! - Ctrl-C stops `run`, `compare`, `sweep` and their sharded variants with 10^12 runs of
//!   work promptly, with exit code 130 and no output (a sweep keeps its header-only,
//!   resumable results file: no point finished);
//! - a valid scenario whose tallies would not fit in memory is refused with exit code 2 and
//!   a message by every command that would simulate it, before any work;
//! - nested Monte Carlo (`--posterior`, `[[uncertain]]` priors) runs on the same driver:
//!   the same Ctrl-C and memory guarantees.

use std::path::Path;
use std::time::Duration;

use super::common::wait_until_simulating;
use super::faults::{leftovers, long_command, signal, wait_within};
use super::{ring_scenario, root, run, stderr, tempdir, write};

const TEMPLATE: &str = "src/scenario/template.toml";
const MAX_RUNS: &str = "1000000000000";

/// A sweep of the template with `points` points and `runs` runs each.
fn sweep_file(dir: &Path, base: &Path, runs: &str) -> String {
    let text = format!(
        "base = {:?}\nruns = {runs}\nseed = 1\n\n[[parameter]]\npath = \"rivalry.AAA-BBB.monitoring\"\n\
         role = \"lever\"\nvalues = [0.2, 0.5]\n",
        base.display().to_string()
    );
    write(dir, "sweep.toml", &text).display().to_string()
}

/// Start `args` (with `--out DIR/out`), wait until it simulates, send SIGINT; it must exit
/// with 130 well within a generous bound (the design target is one second, within one run of
/// the template), and `check` decides what it may have left in DIR.
fn interrupt(args: &[&str], check: impl Fn(&Path, &str)) {
    let dir = tempdir();
    let out = dir.path().join("out");
    // `DIR/NAME`: another output of the command, in DIR.
    let inside: Vec<String> = args
        .iter()
        .map(|a| match a.strip_prefix("DIR/") {
            Some(name) => dir.path().join(name).display().to_string(),
            None => a.to_string(),
        })
        .collect();
    let mut all: Vec<&str> = inside.iter().map(String::as_str).collect();
    all.extend(["--threads", "2", "--out", out.to_str().unwrap()]);
    let mut child = long_command(&all);
    wait_until_simulating(&mut child, "the long run");
    signal(&child, "-INT");
    let (status, took) = wait_within(&mut child, Duration::from_secs(20));
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "deter {args:?}: {err}");
    // Generous: a regression (a loop that ignores the flag) takes minutes, not seconds.
    assert!(took < Duration::from_secs(5), "deter {args:?}: {took:?}");
    check(dir.path(), &err);
}

fn nothing_written(dir: &Path, err: &str) {
    assert!(err.contains("interrupted"), "{err}");
    assert!(leftovers(dir).is_empty(), "left {:?}", leftovers(dir));
}

#[test]
fn ctrl_c_stops_run_compare_and_shards_with_130_and_no_output() {
    interrupt(&["run", TEMPLATE, "--runs", MAX_RUNS], nothing_written);
    interrupt(
        &["compare", TEMPLATE, TEMPLATE, "--runs", MAX_RUNS],
        nothing_written,
    );
    interrupt(
        &["run", TEMPLATE, "--runs", MAX_RUNS, "--shard", "1/2"],
        nothing_written,
    );
    interrupt(
        &[
            "run", TEMPLATE, TEMPLATE, "--runs", MAX_RUNS, "--format", "json",
        ],
        nothing_written,
    );
}

/// The outputs added beside `--out` (`--per-run`, `--report`, `--plots`) and adaptive
/// stopping (`--until-ci`) are left unwritten by Ctrl-C too, in run and compare.
#[test]
fn ctrl_c_leaves_no_per_run_rows_page_or_charts_and_stops_adaptive_runs() {
    interrupt(
        &[
            "run",
            TEMPLATE,
            "--runs",
            MAX_RUNS,
            "--per-run",
            "DIR/rows.csv",
            "--report",
            "DIR/page.html",
            "--plots",
            "DIR/plots",
        ],
        nothing_written,
    );
    interrupt(
        &[
            "compare",
            TEMPLATE,
            TEMPLATE,
            "--runs",
            MAX_RUNS,
            "--report",
            "DIR/page.html",
            "--plots",
            "DIR/plots",
        ],
        nothing_written,
    );
    for command in [&["run", TEMPLATE][..], &["compare", TEMPLATE, TEMPLATE][..]] {
        let mut args = command.to_vec();
        args.extend(["--until-ci", "0.000001", "--max-runs", MAX_RUNS]);
        interrupt(&args, nothing_written);
    }
}

/// A posterior over one model parameter, and the template with a prior: nested Monte Carlo
/// (2 draws x 5 x 10^11 runs) goes through the same driver and must stop as fast.
fn nested_inputs(dir: &Path) -> (String, String) {
    let post = write(
        dir,
        "posterior.csv",
        "draw,model.war_cost,weight,distance\n0,0.8,0.5,0\n1,1.2,0.5,0\n",
    );
    let template = std::fs::read_to_string(root().join(TEMPLATE)).unwrap();
    let priors = write(
        dir,
        "priors.toml",
        &format!("{template}\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\n"),
    );
    (post.display().to_string(), priors.display().to_string())
}

#[test]
fn ctrl_c_stops_nested_runs_and_comparisons_with_130_and_no_output() {
    let dir = tempdir();
    let (post, priors) = nested_inputs(dir.path());
    let half = "500000000000";
    interrupt(
        &[
            "run",
            TEMPLATE,
            "--posterior",
            &post,
            "--draws",
            "2",
            "--runs",
            half,
        ],
        nothing_written,
    );
    interrupt(
        &[
            "run", &priors, "--draws", "2", "--runs", half, "--format", "csv",
        ],
        nothing_written,
    );
    interrupt(
        &["compare", TEMPLATE, &priors, "--draws", "2", "--runs", half],
        nothing_written,
    );
}

#[test]
fn ctrl_c_stops_sweeps_and_sweep_shards_with_130() {
    let dir = tempdir();
    // 2 points x 5 x 10^11 runs: 10^12 units of work.
    let sweep = sweep_file(dir.path(), &root().join(TEMPLATE), "500000000000");
    interrupt(&["sweep", &sweep, "--shard", "0/3"], nothing_written);
    interrupt(&["sweep", &sweep], |dir, err| {
        assert!(err.contains("--resume"), "{err}");
        // No point finished: the results file holds its header only.
        let text = std::fs::read_to_string(dir.join("out")).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
    });
}

/// 4,002 rivalries over 200 years: about 5 GiB of tallies per worker (limits.rs has `run`).
fn huge(dir: &Path) -> String {
    let mut text = ring_scenario(2, 200);
    for i in 0..4000 {
        text += &format!(
            "\n[[rivalry]]\nid = \"R{i}\"\nchallenger = \"C{}\"\ntarget = \"C{}\"\n",
            i % 2,
            (i + 1) % 2
        );
    }
    write(dir, "huge.toml", &text).display().to_string()
}

#[test]
fn the_memory_guard_refuses_cleanly_in_every_command() {
    let dir = tempdir();
    let huge = huge(dir.path());
    let sweep = {
        let text = format!(
            "base = {huge:?}\nruns = 10\nseed = 1\n\n[[parameter]]\npath = \"rivalry.R0.monitoring\"\n\
             role = \"lever\"\nvalues = [0.2, 0.5]\n"
        );
        write(dir.path(), "huge-sweep.toml", &text)
            .display()
            .to_string()
    };
    let out = dir.path().join("out").display().to_string();
    let one = ["--threads", "2", "--out", out.as_str()];
    // Nested runs of the huge scenario: by a posterior, and by a prior declared in it.
    let post = write(
        dir.path(),
        "posterior.csv",
        "draw,model.war_cost,weight,distance\n0,0.8,1,0\n",
    )
    .display()
    .to_string();
    let priors = {
        let text = std::fs::read_to_string(&huge).unwrap();
        write(
            dir.path(),
            "huge-priors.toml",
            &format!("{text}\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\n"),
        )
        .display()
        .to_string()
    };
    for args in [
        vec!["run", huge.as_str(), "--runs", "1"],
        vec!["run", huge.as_str(), "--runs", "10", "--shard", "0/2"],
        vec!["compare", huge.as_str(), huge.as_str(), "--runs", "1"],
        vec!["sweep", sweep.as_str()],
        vec!["sweep", sweep.as_str(), "--shard", "0/2"],
        vec![
            "run",
            huge.as_str(),
            "--posterior",
            post.as_str(),
            "--draws",
            "2",
            "--runs",
            "2",
        ],
        vec!["run", priors.as_str(), "--draws", "2", "--runs", "2"],
        vec![
            "run",
            huge.as_str(),
            "--posterior",
            post.as_str(),
            "--draws",
            "2",
            "--runs",
            "2",
            "--shard",
            "0/2",
        ],
        vec![
            "compare",
            huge.as_str(),
            priors.as_str(),
            "--posterior",
            post.as_str(),
            "--runs",
            "2",
        ],
    ] {
        let all = [&args[..], &one[..]].concat();
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "deter {all:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("4002 rivalries x 200 years"),
            "deter {all:?}: {}",
            stderr(&o)
        );
        // Every command names the files it refuses, as `deter run` does: "FILE: ..." (both
        // for a comparison).
        let files: Vec<&str> = args[1..]
            .iter()
            .take_while(|a| !a.starts_with("--"))
            .copied()
            .collect();
        assert!(
            stderr(&o).contains(&format!("error: {}: ", files.join(" and "))),
            "deter {all:?}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("GiB limit"), "{}", stderr(&o));
        assert!(!Path::new(&out).exists(), "deter {all:?} wrote {out}");
    }
}

/// Cancellation is checked before every run, not every block: with a slow scenario (120
/// rivalries over 200 years, about 60 ms a run here) a block of `BLOCK_RUNS` (256) runs takes
/// over 10 s. Ctrl-C once runs are under way: stopping at the next block would finish the
/// blocks under way, at least 256 runs; stopping at the next run finishes at most one run per
/// thread beyond those done. The runs are counted by the engine (`DETER_COUNT_RUNS`), not
/// timed, so the reading does not depend on the machine's load.
#[test]
fn ctrl_c_stops_within_one_run_of_a_slow_scenario() {
    let dir = tempdir();
    let f = write(dir.path(), "slow.toml", &ring_scenario(120, 200));
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(super::common::bin())
        .current_dir(root())
        .env("DETER_COUNT_RUNS", "1")
        .args([
            "run",
            f.to_str().unwrap(),
            "--runs",
            MAX_RUNS,
            "--threads",
            "2",
            "--no-attribution",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start deter");
    wait_until_simulating(&mut child, "the long run");
    // Well inside the first blocks, not before them: wait for 2.5 s of the process's CPU time
    // (its start takes about 0.5 s; then some 30 runs of 60 ms), read from /proc, so that a
    // loaded machine only makes the wait longer.
    let stat = format!("/proc/{}/stat", child.id());
    let cpu_ticks = || -> u64 {
        let text = std::fs::read_to_string(&stat).unwrap_or_default();
        // Fields after the command name in parentheses: utime is the 14th field of the line.
        let rest = text.rsplit_once(')').map_or("", |(_, r)| r);
        rest.split_whitespace()
            .nth(11)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let start = std::time::Instant::now();
    while cpu_ticks() < 250 && start.elapsed() < Duration::from_secs(300) {
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(&child, "-INT");
    // A guard against a hang only; the reading is the count below.
    let (status, _) = wait_within(&mut child, Duration::from_secs(300));
    assert_eq!(status.code(), Some(130));
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    let simulated: u64 = err
        .lines()
        .find_map(|l| l.strip_prefix("deter: simulated ")?.strip_suffix(" runs"))
        .unwrap_or_else(|| panic!("no count of simulated runs: {err}"))
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(simulated > 0, "stopped before the first run: {err}");
    assert!(
        simulated < deter::engine::BLOCK_RUNS,
        "{simulated} runs simulated after Ctrl-C: the blocks under way were finished"
    );
    assert!(!out.exists(), "left {:?}", leftovers(dir.path()));
}

/// 20 rivalries over 200 years from 1900: about 40 MiB of tallies a set, so 257 sets (256
/// threads and the merged ones) are over the 8 GiB limit and two are far within it.
fn wide(dir: &Path, name: &str) -> String {
    let mut text = String::from(
        "[scenario]\nname = \"wide\"\nstart = \"1900-01\"\nhorizon_years = 200\nruns = 10\nseed = 3\n",
    );
    for i in 0..2 {
        text += &format!(
            "\n[[country]]\nid = \"C{i}\"\n[country.military]\nbudget = {}\n[country.economic]\ngdp = {}\n",
            1 + i,
            20 + 5 * i
        );
    }
    text += "\n[[rivalry]]\nchallenger = \"C0\"\ntarget = \"C1\"\n";
    text += "\n[[rivalry]]\nchallenger = \"C1\"\ntarget = \"C0\"\n";
    for i in 0..18 {
        text += &format!(
            "\n[[rivalry]]\nid = \"R{i}\"\nchallenger = \"C{}\"\ntarget = \"C{}\"\n",
            i % 2,
            (i + 1) % 2
        );
    }
    write(dir, name, &text).display().to_string()
}

/// The memory guard counted one set of tallies per thread, but the runs are handed to the
/// threads in blocks of 256: a job of fewer blocks than threads keeps the other threads
/// idle, with no tallies. `deter run big.toml --threads 16 --runs 100` (420 rivalries over
/// 200 years) was refused at 13.4 GiB where one worker's 1.6 GiB was needed. Every command
/// with the guard counts the threads given runs now: on 256 threads a scenario of about 40
/// MiB a set runs one run (or a shard's few, a sweep's two points, a calibration's ten
/// particles, `--until-ci`'s stages of 1,000) where all of them were refused, and a job
/// with a block for every thread is still refused, before any work (exit 2, nothing
/// written). The bytes of a set are recomputed here from the engine's own estimate (the
/// one `tests/alloc.rs` holds to what the tallies allocate), the limits from the sets.
#[test]
fn the_memory_guard_counts_the_threads_given_runs_in_every_command() {
    let dir = tempdir();
    let d = dir.path();
    let file = wide(d, "wide.toml");
    let other = wide(d, "other.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let set = {
        let s = deter::scenario::parse_str(&text, "wide.toml").unwrap();
        deter::engine::Aggregate::estimated_bytes(
            &deter::model::Compiled::new(&s).with_attribution(),
        )
    };
    let limit = 8u64 << 30;
    // What the test rests on: 257 sets are over the limit, a comparison's 2 x 5 within it.
    assert!(
        257 * set > limit && 10 * 2 * set < limit,
        "{set} bytes a set"
    );
    let priors = write(
        d,
        "priors.toml",
        &format!("{text}\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\n"),
    )
    .display()
    .to_string();
    let post = write(
        d,
        "posterior.csv",
        "draw,model.war_cost,weight,distance\n0,0.8,1,0\n",
    )
    .display()
    .to_string();
    let sweep_of = |name: &str, runs: u64| {
        let text = format!(
            "base = {file:?}\nruns = {runs}\nseed = 1\n\n[[parameter]]\npath = \"rivalry.R0.monitoring\"\n\
             role = \"lever\"\nvalues = [0.2, 0.5]\n"
        );
        write(d, name, &text).display().to_string()
    };
    // Two points of one run: two blocks, two threads with tallies (each with its point's).
    let sweep_small = sweep_of("small-sweep.toml", 1);
    // Two points of 256 x 256 runs: a block for every thread.
    let sweep_large = sweep_of("large-sweep.toml", 256 * 256);
    write(
        d,
        "wide.record.toml",
        "[case]\nid = \"wide\"\nname = \"wide\"\nscenario = \"wide.toml\"\nrivalries = [\"C0-C1\"]\n\
         first_year = 1900\nlast_year = 2099\n",
    );
    let calibration = |name: &str, particles: u64| {
        let text = format!(
            "name = \"wide\"\nseed = 1\nparticles = {particles}\nmax_generations = 1\n\
             predictive_draws = 0\nstatistics = [\"use_of_force\"]\ncases = [\"wide.record.toml\"]\n\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n"
        );
        write(d, name, &text).display().to_string()
    };
    let cal_small = calibration("small-cal.toml", 10);
    let cal_large = calibration("large-cal.toml", 1000);
    let out = d.join("out");
    let out_s = out.display().to_string();
    let rows = d.join("rows.csv").display().to_string();
    let many = 256u64 * 256;
    let many_s = many.to_string();
    // (what, accepted: few runs, refused: a block for every thread). `--out` is added to
    // every command but bench (which writes no file) and calibrate (a directory).
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        (
            "run",
            vec!["run", &file, "--runs", "1"],
            vec!["run", &file, "--runs", &many_s],
        ),
        (
            "run of two files",
            vec!["run", &file, &other, "--runs", "1", "--format", "json"],
            vec!["run", &file, &other, "--runs", &many_s, "--format", "json"],
        ),
        (
            // A shard's own runs count: 1,000,000 runs in 8,192 shards are 123 runs each.
            "run --shard",
            vec!["run", &file, "--runs", "1000000", "--shard", "0/8192"],
            vec!["run", &file, "--runs", "1000000", "--shard", "0/2"],
        ),
        (
            // Stages of 1,000 runs: four blocks at a time, however many runs it may reach.
            "run --until-ci",
            vec![
                "run",
                &file,
                "--until-ci",
                "0.4",
                "--max-runs",
                "1000000",
                "--no-attribution",
            ],
            vec!["run", &file, "--runs", &many_s],
        ),
        (
            "run --per-run",
            vec!["run", &file, "--runs", "1", "--per-run", &rows],
            vec!["run", &file, "--runs", &many_s, "--per-run", &rows],
        ),
        (
            "compare",
            vec!["compare", &file, &other, "--runs", "1"],
            vec!["compare", &file, &other, "--runs", &many_s],
        ),
        (
            "compare --until-ci",
            vec![
                "compare",
                &file,
                &other,
                "--until-ci",
                "0.4",
                "--max-runs",
                "1000000",
                "--no-attribution",
            ],
            vec!["compare", &file, &other, "--runs", &many_s],
        ),
        (
            "sweep",
            vec!["sweep", &sweep_small],
            vec!["sweep", &sweep_large],
        ),
        (
            "sweep --shard",
            vec!["sweep", &sweep_small, "--shard", "0/2"],
            vec!["sweep", &sweep_large, "--shard", "0/2"],
        ),
        (
            "run --posterior",
            vec![
                "run",
                &file,
                "--posterior",
                &post,
                "--draws",
                "2",
                "--runs",
                "2",
            ],
            vec![
                "run",
                &file,
                "--posterior",
                &post,
                "--draws",
                "2",
                "--runs",
                &many_s,
            ],
        ),
        (
            "run with priors",
            vec!["run", &priors, "--draws", "2", "--runs", "2"],
            vec!["run", &priors, "--draws", "2", "--runs", &many_s],
        ),
        (
            "nested run --shard",
            vec![
                "run", &priors, "--draws", "2", "--runs", "2", "--shard", "0/2",
            ],
            vec![
                "run", &priors, "--draws", "2", "--runs", &many_s, "--shard", "0/2",
            ],
        ),
        (
            "nested compare",
            vec![
                "compare",
                &file,
                &priors,
                "--posterior",
                &post,
                "--runs",
                "2",
                "--draws",
                "2",
            ],
            vec![
                "compare",
                &file,
                &priors,
                "--posterior",
                &post,
                "--runs",
                &many_s,
                "--draws",
                "2",
            ],
        ),
        (
            "bench",
            vec!["bench", &file, "--runs", "1", "--repeat", "1"],
            vec!["bench", &file, "--runs", &many_s, "--repeat", "1"],
        ),
        (
            "calibrate",
            vec!["calibrate", &cal_small],
            vec!["calibrate", &cal_large],
        ),
    ];
    // Every case is tried, and every fault reported at once.
    let mut faults = Vec::new();
    for (what, small, large) in cases {
        for (args, accepted) in [(small, true), (large, false)] {
            let _ = std::fs::remove_dir_all(&out);
            let _ = std::fs::remove_file(&out);
            let _ = std::fs::remove_file(d.join("out.sweep"));
            let all = on_threads(&args, "256", &out_s, &[]);
            let o = run(&all);
            let err = stderr(&o);
            let code = o.status.code();
            let fault = if accepted {
                (code != Some(0)
                    || err.contains("GiB limit")
                    || (args[0] != "bench" && !out.exists()))
                .then(|| format!("{what}: not accepted: deter {all:?}: {code:?}: {err}"))
            } else {
                (code != Some(2)
                    || !err.contains("GiB limit")
                    || err.contains("panicked")
                    || out.exists())
                .then(|| format!("{what}: not refused: deter {all:?}: {code:?}: {err}"))
            };
            faults.extend(fault);
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// `COUNTRIES` countries, all but the first in one pact, and one rivalry (C0 against C1)
/// over one year: every country is relevant (an ally of the target), so each simulated world
/// holds its tables of countries x actors, while the tallies are one rivalry's.
/// `args` of one of the guard's commands on `threads` threads, with its output flags: a
/// benchmark writes nothing, a calibration its directory (`--force`: over an earlier one),
/// every other command `out`; quiet. `extra` goes after those of a command that writes a
/// file other than a calibration (`--no-attribution`).
fn on_threads<'a>(
    args: &[&'a str],
    threads: &'a str,
    out: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--threads", threads]);
    match args[0] {
        "bench" => {}
        "calibrate" => all.extend(["--out", out, "--force", "-q"]),
        _ => {
            all.extend(["--out", out, "-q"]);
            all.extend(extra);
        }
    }
    all
}

/// deter with `args` under an address-space limit of `limit_kib` KiB (`ulimit -v`), from
/// the repository's root, ended by `timeout` after 20 s (exit 124: a hang is a fault here
/// rather than a blocked suite).
fn under_limit(limit_kib: u64, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {limit_kib} && exec timeout 20 \"$0\" \"$@\""
        ))
        .arg(super::common::bin())
        .args(args)
        .current_dir(super::root())
        .output()
        .expect("deter runs")
}

fn pact_of_many(countries: usize) -> String {
    let mut s = String::from(
        "[scenario]\nname = \"pact of many\"\nstart = \"2000-01\"\nhorizon_years = 1\nruns = 2\nseed = 3\n",
    );
    for i in 0..countries {
        s += &format!(
            "\n[[country]]\nid = \"C{i}\"\n[country.military]\nbudget = {}\n[country.economic]\ngdp = {}\n",
            1 + i % 3,
            20 + i % 7
        );
    }
    let members: Vec<String> = (1..countries).map(|i| format!("\"C{i}\"")).collect();
    s += &format!(
        "\n[[alliance]]\nid = \"PACT\"\nmembers = [{}]\n\n[[rivalry]]\nchallenger = \"C0\"\ntarget = \"C1\"\n",
        members.join(", ")
    );
    s
}

/// The commands that simulate `pact_of_many(countries)` in `d`, each with the guard before
/// any work: runs (plain, without the attribution, a shard), a comparison, a sweep and its
/// shard, nested runs (a posterior, priors, their shard, a comparison), a benchmark and a
/// calibration, `many` runs each.
fn commands_of_many(d: &Path, countries: usize, many: &str) -> Vec<Vec<String>> {
    let text = pact_of_many(countries);
    let file = write(d, "pact.toml", &text).display().to_string();
    let priors = write(
        d,
        "priors.toml",
        &format!("{text}\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\n"),
    )
    .display()
    .to_string();
    let post = write(
        d,
        "posterior.csv",
        "draw,model.war_cost,weight,distance\n0,0.8,1,0\n",
    )
    .display()
    .to_string();
    let sweep = write(
        d,
        "sweep.toml",
        &format!(
            "base = {file:?}\nruns = {many}\nseed = 1\n\n[[parameter]]\npath = \"rivalry.C0-C1.monitoring\"\n\
             role = \"lever\"\nvalues = [0.2, 0.5]\n"
        ),
    )
    .display()
    .to_string();
    write(
        d,
        "pact.record.toml",
        "[case]\nid = \"pact\"\nname = \"pact\"\nscenario = \"pact.toml\"\nrivalries = [\"C0-C1\"]\n\
         first_year = 2000\nlast_year = 2000\n",
    );
    let cal = write(
        d,
        "cal.toml",
        "name = \"pact\"\nseed = 1\nparticles = 1000\nmax_generations = 1\npredictive_draws = 0\n\
         statistics = [\"use_of_force\"]\ncases = [\"pact.record.toml\"]\n\n\
         [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
    )
    .display()
    .to_string();
    let m = many;
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", &file, "--runs", m],
        vec!["run", &file, "--runs", m, "--no-attribution"],
        vec!["run", &file, "--runs", m, "--shard", "0/2"],
        vec!["compare", &file, &priors, "--runs", m],
        vec!["sweep", &sweep],
        vec!["sweep", &sweep, "--shard", "0/2"],
        vec![
            "run",
            &file,
            "--posterior",
            &post,
            "--draws",
            "2",
            "--runs",
            m,
        ],
        vec!["run", &priors, "--draws", "2", "--runs", m],
        vec![
            "run", &priors, "--draws", "2", "--runs", m, "--shard", "0/2",
        ],
        vec![
            "compare",
            &file,
            &priors,
            "--posterior",
            &post,
            "--runs",
            m,
            "--draws",
            "2",
        ],
        vec!["bench", &file, "--runs", m, "--repeat", "1"],
        vec!["calibrate", &cal],
    ];
    cases
        .into_iter()
        .map(|c| c.into_iter().map(String::from).collect())
        .collect()
}

/// The memory guard counted the tallies and run records only, but each simulated world (a
/// worker's, each attribution variant's, the compiled scenario's) holds tables of countries
/// x actors (the pacts, their reach, the helpers: 20 bytes a pair), allocated when the
/// scenario is compiled, before the guard ran: 8,000 countries in a chain of rivalries
/// aborted `deter run` ("memory allocation of 512000000 bytes failed", signal 6) under
/// `ulimit -v 2000000`. The guard now counts the worlds, from the scenario's sizes before
/// compiling it. 2,000 countries in one pact and one rivalry over a year: 129 sets of its
/// tallies fit in the 8 GiB (a few hundred KiB each), 129 sets of one world each do not
/// (0.08 GB a world by the 20 bytes a pair alone). Every command that simulates refuses it
/// with exit 2 and the guard's message, before compiling (so within a fraction of a second),
/// under a 4 GB address space (where the build before aborted).
#[test]
fn the_memory_guard_counts_the_worlds_before_compiling_in_every_command() {
    const COUNTRIES: u64 = 2000;
    const SETS: u64 = 129;
    let limit = 8u64 << 30;
    // What the test rests on, recomputed: the tallies fit, the worlds' pairs alone do not.
    let tallies = deter::engine::Aggregate::estimated_bytes_of(1, 1, 12, Some(7));
    assert!(SETS * tallies < limit / 100, "{tallies} bytes a set");
    assert!(SETS * 20 * COUNTRIES * COUNTRIES > limit);
    let dir = tempdir();
    let d = dir.path();
    let out = d.join("out");
    let out_s = out.display().to_string();
    let cases = commands_of_many(d, COUNTRIES as usize, &(256u64 * 128).to_string());
    let mut faults = Vec::new();
    for args in &cases {
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_file(&out);
        // 128 threads: their stacks (16 MiB each) fit the 4 GB address space, as 256 do not
        // (`--threads` refuses those at its value, `threads_past_the_address_space...`).
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let all = on_threads(&args, "128", &out_s, &[]);
        // A 4 GB address space: the build before allocated the worlds and aborted, or ran
        // for minutes under the cap; `timeout` ends such a run (exit 124, a fault) so that a
        // regression fails here rather than holding the suite.
        let o = under_limit(4_000_000, &all);
        let err = stderr(&o);
        let code = o.status.code();
        if code != Some(2)
            || !err.contains("2000 countries")
            || !err.contains("simulated worlds need about")
            || !err.contains("GiB limit")
            || err.contains("panicked")
            || err.contains("memory allocation")
            || err.contains("backtrace")
            || out.exists()
        {
            faults.push(format!("not refused: deter {all:?}: {code:?}: {err}"));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// The memory guard's ceiling was a fixed 8 GiB whatever the process could map: under
/// `ulimit -v 2000000` (1.9 GiB) the run of 8,000 countries in one pact without the
/// attribution (two sets of 3.1 GiB estimated, within 8 GiB; a peak of 3.6 GiB measured
/// uncapped) was let through and aborted when compiling ("memory allocation of 1073741824
/// bytes failed", signal 6). The ceiling is now the smaller of 8 GiB and the address-space
/// limit less what the process maps besides (`engine::driver::Ceiling`): every command that
/// simulates refuses it with exit 2, saying which limit and its value.
#[test]
fn the_memory_guard_refuses_past_the_address_space_limit_in_every_command() {
    // What the test rests on, recomputed: the worlds' pairs alone of two sets need more than
    // the 1.9 GiB, and fit in the fixed 8 GiB.
    let pairs = 2 * 20 * 8000u64 * 8000;
    assert!(pairs > 2_000_000 << 10 && pairs < 8 << 30, "{pairs}");
    let ceiling = deter::engine::driver::Ceiling::of(Some(2_000_000 << 10), 1);
    assert!(ceiling.bytes < 2_000_000 << 10 && ceiling.address_space.is_some());
    let dir = tempdir();
    let d = dir.path();
    let out = d.join("out");
    let out_s = out.display().to_string();
    let cases = commands_of_many(d, 8000, "2");
    let mut faults = Vec::new();
    for args in &cases {
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_file(&out);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let all = on_threads(&args, "1", &out_s, &["--no-attribution"]);
        if all.iter().filter(|a| **a == "--no-attribution").count() > 1 {
            continue;
        }
        let o = under_limit(2_000_000, &all);
        let err = stderr(&o);
        let code = o.status.code();
        if code != Some(2)
            || !err.contains("8000 countries")
            || !err.contains("GiB limit left by the process's address-space limit (`ulimit -v` 2000000 KiB = 1.9 GiB")
            || !err.contains("raise the address-space limit")
            || err.contains("panicked")
            || err.contains("memory allocation")
            || out.exists()
        {
            faults.push(format!("not refused: deter {all:?}: {code:?}: {err}"));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// `deter run --threads 32` under `ulimit -v 260000` (254 MiB): the memory guard counted
/// the sets of tallies (three for 300 runs), not the pool's 32 stacks of 16 MiB, so the pool
/// did not start, and the run fell to rayon's global pool, whose start failed too: "The
/// global thread pool has not been initialized" (a panic, exit 101), or with 1024 threads
/// "memory allocation of 384 bytes failed" (exit 134). `--threads` is now refused at its
/// value past the threads whose stacks the limit leaves room for, in every command; a pool
/// that still does not start (its threads' malloc arenas near the limit) is asked again
/// with fewer threads (the same bytes), never the global pool. `timeout` turns a hang into
/// exit 124, a fault here rather than a blocked suite.
#[test]
fn threads_past_the_address_space_limit_are_refused_at_their_value_not_a_panic() {
    let limit_kib = 260_000u64;
    // What the test rests on, recomputed: 32 stacks of 16 MiB do not fit in 254 MiB, and
    // the guard's three sets of a bundled scenario's tallies do.
    assert!(32 * (16u64 << 20) > limit_kib << 10);
    let most = deter::engine::driver::most_threads(Some(limit_kib << 10)).unwrap();
    assert_eq!(most, ((limit_kib << 10) - (160 << 20)) / (16 << 20));
    let dir = tempdir();
    let out = dir.path().join("out.json");
    let out_s = out.display().to_string();
    let s = "scenarios/western-balkans-2024.toml";
    let b = "scenarios/kosovo-nato-path.toml";
    let under = |args: &[&str]| under_limit(limit_kib, args);
    let mut faults = Vec::new();
    let refused: Vec<Vec<&str>> = vec![
        vec![
            "run",
            s,
            "--runs",
            "300",
            "--threads",
            "32",
            "--out",
            &out_s,
        ],
        vec![
            "run",
            s,
            "--runs",
            "300",
            "--threads",
            "1024",
            "--out",
            &out_s,
        ],
        vec![
            "compare",
            s,
            b,
            "--runs",
            "300",
            "--threads",
            "32",
            "--out",
            &out_s,
        ],
        vec!["bench", s, "--threads", "32"],
    ];
    for args in &refused {
        let _ = std::fs::remove_file(&out);
        let o = under(args);
        let err = stderr(&o);
        let threads = args[args.iter().position(|a| *a == "--threads").unwrap() + 1];
        let want = format!(
            "--threads:1:1: error: expected at most {most} threads under the address-space \
             limit (`ulimit -v` {limit_kib} KiB), found `{threads}`"
        );
        if o.status.code() != Some(2)
            || !err.contains(&want)
            || !err.contains("use fewer --threads, or raise the address-space limit")
            || err.contains("panicked")
            || out.exists()
        {
            faults.push(format!("deter {args:?}: {:?}: {err}", o.status.code()));
        }
    }
    // Within the limit's threads: run (or refused by the memory guard, exit 2), never a
    // panic or an abort, whatever the arenas of the started threads take (five tries: the
    // pool's start raced its threads' arenas).
    for _ in 0..5 {
        let _ = std::fs::remove_file(&out);
        let args = [
            "run",
            s,
            "--runs",
            "300",
            "--threads",
            &most.to_string(),
            "--out",
            &out_s,
        ];
        let o = under(&args);
        let err = stderr(&o);
        let ok = match o.status.code() {
            Some(0) => out.exists(),
            Some(2) => !out.exists() && err.contains("GiB limit"),
            _ => false,
        };
        if !ok || err.contains("panicked") || err.contains("memory allocation") {
            faults.push(format!("deter {args:?}: {:?}: {err}", o.status.code()));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// The memory guard's margin under an address-space limit counted a stack per set of
/// tallies, not the pool's threads: on 8 threads a job of one block of runs (two sets:
/// one worker's and the merged one) was counted 2 stacks of 16 MiB where the pool starts 8:
/// the margin did not hold the address space the pool takes. It is now the process's mapped
/// bytes and one stack per thread of the pool. Under a limit of exactly those (160 MiB and
/// 8 stacks: `--threads 8` is the most it takes) nothing is left for the sets, and every
/// command that simulates refuses before any work, saying the 8 threads' stacks; the build
/// before let them all through but the calibration (its 9 sets counted 9 stacks), and they
/// ran: the 160 MiB for what the process maps is an upper bound (76 MiB measured), so the
/// guard errs on refusing.
#[test]
fn the_memory_guards_margin_counts_the_pools_threads_not_the_sets() {
    const THREADS: u64 = 8;
    let limit = (160u64 << 20) + THREADS * (16 << 20);
    let limit_kib = limit >> 10;
    // What the test rests on, recomputed: the limit takes 8 threads and no more, the margin
    // of 8 stacks leaves no byte, and 2 stacks (the sets of a run of one block) left 96 MiB.
    assert_eq!(
        deter::engine::driver::most_threads(Some(limit)),
        Some(THREADS)
    );
    let ceiling = deter::engine::driver::Ceiling::of(Some(limit), THREADS);
    assert_eq!(ceiling.bytes, 0);
    assert_eq!(
        deter::engine::driver::Ceiling::of(Some(limit), 2).bytes,
        96 << 20
    );
    let dir = tempdir();
    let d = dir.path();
    let out = d.join("out");
    let out_s = out.display().to_string();
    let mut faults = Vec::new();
    for args in &commands_of_many(d, 2, "2") {
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_file(&out);
        let threads = THREADS.to_string();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let all = on_threads(&args, &threads, &out_s, &[]);
        let o = under_limit(limit_kib, &all);
        let err = stderr(&o);
        let code = o.status.code();
        if code != Some(2)
            || !err.contains(&format!("(`ulimit -v` {limit_kib} KiB"))
            || !err.contains("its code, its inputs and the stacks of 8 worker threads, 16 MiB each")
            || err.contains("panicked")
            || out.exists()
        {
            faults.push(format!("not refused: deter {all:?}: {code:?}: {err}"));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}
