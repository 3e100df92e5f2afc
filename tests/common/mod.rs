//! What the end-to-end test binaries share (`mod common;` in each; tests/hostile includes it
//! by path): running the `deter` binary and reading what it printed, the checks of a refusal
//! (exit 2, a message at `FILE:LINE:COL`), input files written into a test's temporary
//! directory, reports compared with their timing aside, and the signals and pipes of the
//! tests of interrupted commands. The assertions here carry `#[track_caller]`, so a failure
//! names the test's line.
#![allow(dead_code)]

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::Output;

// ---- Running `deter` ----------------------------------------------------------------------

/// The crate root: tests run there so that relative paths in messages are stable.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `deter` binary, run from the crate root.
pub fn deter() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("deter").expect("the deter binary is built");
    c.current_dir(root());
    c
}

/// The path of the `deter` binary, for the tests that start it as a process of their own
/// (to signal it, feed its pipes or run it under `sh`).
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_deter"))
}

/// `deter ARGS` run from the crate root, its exit status and both outputs captured.
pub fn run(args: &[&str]) -> Output {
    deter().args(args).output().expect("deter runs")
}

/// `deter ARGS` run from `dir` (relative paths in ARGS and in the files are read there), its
/// exit status and both outputs captured.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    deter()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("deter runs")
}

/// `deter sweep FILE --out OUT -q` run from the crate root.
pub fn sweep_to(file: &Path, out: &Path) -> Output {
    run(&[
        "sweep",
        file.to_str().expect("a UTF-8 path"),
        "--out",
        out.to_str().expect("a UTF-8 path"),
        "-q",
    ])
}

/// The partial files of a run in `n` shards: `deter run SCENARIO ARGS --shard K/N --out
/// PART` for each K, run from the crate root, `part(k)` naming shard K's file; each asserted
/// to succeed. The paths, in shard order.
pub fn run_shards(
    scenario: &str,
    args: &[&str],
    n: u32,
    part: impl Fn(u32) -> String,
) -> Vec<String> {
    (0..n)
        .map(|k| {
            let (shard, out) = (format!("{k}/{n}"), part(k));
            let mut all = vec!["run", scenario];
            all.extend_from_slice(args);
            all.extend(["--shard", &shard, "--out", &out]);
            let o = run(&all);
            assert_eq!(o.status.code(), Some(0), "{all:?}: {}", stderr(&o));
            out
        })
        .collect()
}

/// A finished command's standard error as text (invalid UTF-8 replaced).
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A finished command's standard output as text (invalid UTF-8 replaced).
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Assert that a command ended with exit 0; its standard error is the failure's message.
#[track_caller]
pub fn succeeded(o: &Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

/// [`succeeded`] of the command `what` (its arguments, its input), named in the failure.
#[track_caller]
pub fn succeeded_for(o: &Output, what: impl Display) {
    assert!(o.status.success(), "{what}: {}", stderr(o));
}

// ---- Refusals: exit 2 and a message at FILE:LINE:COL --------------------------------------

/// Assert that a command was refused (exit 2, the exit of every fault of the user's input)
/// and return its standard error.
#[track_caller]
pub fn refused(o: &Output) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    err
}

/// [`refused`] of the command `what` (its arguments, its input), named in the failure.
#[track_caller]
pub fn refused_for(o: &Output, what: impl Display) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{what}: {err}");
    err
}

/// Assert that a command's standard error holds `words`; the whole of it is the failure's
/// message.
#[track_caller]
pub fn stderr_says(o: &Output, words: &str) {
    let err = stderr(o);
    assert!(err.contains(words), "{err}");
}

/// The first `error:` line of a command's standard error `err` (a diagnostic's
/// "LOC: error: PROBLEM"), or "" when there is none.
pub fn first_error(err: &str) -> String {
    err.lines()
        .find(|l| l.contains(": error: "))
        .unwrap_or_default()
        .to_string()
}

/// The whole standard error of a flag's value refused as `--set`'s is (deter's one form of a
/// located fault): "FLAG:1:COL: error: SAID", the value `text` quoted under it with carets
/// under its part from character `col` (1-based) to the end, blanks aside, and "1 error
/// found". Recomputed here from the value as typed, not from deter's renderer.
pub fn flag_fault(flag: &str, text: &str, col: usize, said: &str) -> String {
    let under = text.chars().skip(col - 1).collect::<String>();
    format!(
        "{flag}:1:{col}: error: {said}\n  |\n1 | {text}\n  | {}{}\n1 error found\n",
        " ".repeat(col - 1),
        "^".repeat(under.trim_end().chars().count().max(1))
    )
    .replace("1 | \n", "1 |\n")
}

/// [`flag_fault`] of a part of the value, `len` characters from character `col`, with the
/// help line that says what to do: "FLAG:1:COL: error: SAID", the value with carets under the
/// part, "= help: HELP", "1 error found".
pub fn flag_fault_help(
    flag: &str,
    text: &str,
    col: usize,
    len: usize,
    said: &str,
    help: &str,
) -> String {
    format!(
        "{flag}:1:{col}: error: {said}\n  |\n1 | {text}\n  | {}{}\n  |\n  = help: {help}\n1 error \
         found\n",
        " ".repeat(col - 1),
        "^".repeat(len)
    )
}

/// The first line of a message, past the run count that `DETER_COUNT_RUNS` prints.
pub fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.starts_with("deter: simulated "))
        .unwrap_or("")
}

// ---- Input files ---------------------------------------------------------------------------

/// A file of the scenarios/ or tests/data/ tree, as an absolute path string.
pub fn scenario(rel: &str) -> String {
    root().join(rel).display().to_string()
}

/// Write `text` to `dir/name` (a scenario, sweep or other input in a test's temporary
/// directory) and return its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write the test input");
    p
}

/// The text of a valid scenario `name` of two countries and `rivalries` rivalries between
/// them (`R0`, `R1`, ...) from `start` (`YYYY-MM`) over `years` years, 2 runs, seed 3: its
/// tallies grow with the rivalries and the years (the memory tests' scenarios).
pub fn rivalries_scenario(name: &str, start: &str, years: u32, rivalries: usize) -> String {
    let mut s = format!(
        "[scenario]\nname = \"{name}\"\nstart = \"{start}\"\nhorizon_years = {years}\nruns = 2\n\
         seed = 3\n"
    );
    for i in 0..2 {
        s += &format!(
            "\n[[country]]\nid = \"C{i}\"\n[country.military]\nbudget = {}\n\
             [country.economic]\ngdp = {}\n",
            1 + i,
            20 + 5 * i
        );
    }
    for i in 0..rivalries {
        s += &format!(
            "\n[[rivalry]]\nid = \"R{i}\"\nchallenger = \"C{}\"\ntarget = \"C{}\"\n",
            i % 2,
            (i + 1) % 2
        );
    }
    s
}

/// Write `dir/NAME`: a sweep of 2 points of 5 runs over the scenario `base`, its futures
/// drawn from `futures` (a posterior's CSV, named relative to the sweep), and return its path.
pub fn futures_sweep(dir: &Path, name: &str, base: &str, futures: &str) -> PathBuf {
    write(
        dir,
        name,
        &format!("base = {base:?}\nruns = 5\npoints = 2\nfutures = {futures:?}\n"),
    )
}

/// Write `dir/posterior.csv` as `deter calibrate` does: a provenance comment, the header
/// `draw,PATH...,weight,distance` and one row per draw (`values` then `weight`; distance 0).
pub fn write_posterior(dir: &Path, paths: &[&str], rows: &[(&[f64], f64)]) -> PathBuf {
    let mut text = format!(
        "# deter calibrate: posterior draws\ndraw,{},weight,distance\n",
        paths.join(",")
    );
    for (i, (values, weight)) in rows.iter().enumerate() {
        let v: Vec<String> = values.iter().map(|x| x.to_string()).collect();
        text.push_str(&format!("{i},{},{weight},0\n", v.join(",")));
    }
    let p = dir.join("posterior.csv");
    std::fs::write(&p, text).expect("write the posterior");
    p
}

// ---- Reports compared with their timing aside ----------------------------------------------

/// A JSON report without its `timing` object, the one part that differs between runs of the
/// same inputs (wall time, speed, threads).
pub fn without_timing(mut report: serde_json::Value) -> serde_json::Value {
    report
        .as_object_mut()
        .expect("a JSON report is an object")
        .remove("timing");
    report
}

/// The JSON report a command printed or wrote (`bytes`), without its `timing` object.
pub fn json_without_timing(bytes: &[u8]) -> serde_json::Value {
    without_timing(serde_json::from_slice(bytes).expect("a JSON report"))
}

// ---- Interrupted commands: signals and pipes -----------------------------------------------

/// Wait until `child` simulates: its Ctrl-C handler thread and its workers exist (Linux:
/// /proc/PID/task holds three tasks or more; elsewhere a pause), so a signal reaches the
/// handler, not the default action. Panics if `child` ends first (`what` names it). A guard
/// against signalling too early, not a timing assertion.
#[track_caller]
pub fn wait_until_simulating(child: &mut std::process::Child, what: impl Display) {
    let tasks = format!("/proc/{}/task", child.id());
    for _ in 0..1000 {
        assert!(
            child.try_wait().expect("the child's status").is_none(),
            "{what} ended early"
        );
        match std::fs::read_dir(&tasks).map(Iterator::count) {
            Ok(n) if n >= 3 => break,
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_millis(800));
                break;
            }
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
}

/// Start `deter` with `args` (stdout discarded, stderr piped for [`stopped_by_ctrl_c`]) and
/// return once `file` exists, the point a test of an interrupted command signals at. Panics
/// if the child ends first (`what` names it); gives up waiting after about two minutes.
#[track_caller]
pub fn spawn_until_written<I, S>(args: I, file: &Path, what: impl Display) -> std::process::Child
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut child = std::process::Command::new(bin())
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starting deter");
    for _ in 0..60_000 {
        if file.exists() {
            break;
        }
        assert!(
            child.try_wait().expect("the child's status").is_none(),
            "{what} ended early"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child
}

/// Send `child` SIGINT, as Ctrl-C does (`kill -INT PID`).
#[cfg(unix)]
#[track_caller]
pub fn interrupt(child: &std::process::Child) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -INT {}", child.id());
}

/// Send `child` SIGINT ([`interrupt`]) and wait for it to end, within `ticks` x 10 ms (else it
/// is killed and the test fails: `what` ignored the signal); its exit code and standard error
/// (piped by the caller).
#[cfg(unix)]
#[track_caller]
pub fn stopped_by_ctrl_c(
    child: &mut std::process::Child,
    ticks: u32,
    what: impl Display,
) -> (Option<i32>, String) {
    interrupt(child);
    assert!(ends_within(child, ticks), "{what} ignored SIGINT");
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().expect("stderr piped"), &mut err)
        .expect("the child's stderr");
    (child.wait().expect("the child's status").code(), err)
}

/// A named pipe at `path` (`mkfifo`), for the tests of commands reading a FIFO input.
#[cfg(target_os = "linux")]
pub fn make_fifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// The writer's end of the FIFO `path`, opened once `child` has opened the reader's end (a
/// non-blocking open for writing fails until then): `child` is then past its set-up, blocked
/// reading. Panics if `child` ends first or has not opened it within about a minute (a guard
/// against hanging the test run, not a timing assertion).
#[cfg(target_os = "linux")]
pub fn fifo_writer_once_read(child: &mut std::process::Child, path: &Path) -> std::fs::File {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000; // Linux, every architecture deter builds on
    for _ in 0..6000 {
        if let Ok(w) = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(path)
        {
            return w;
        }
        assert!(
            child.try_wait().expect("the child's status").is_none(),
            "the command ended before it read {}",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the command never opened {}", path.display());
}

/// Whether `child` ends within `ticks` x 10 ms; if not it is killed (a guard against hanging
/// the test run, not a timing assertion).
pub fn ends_within(child: &mut std::process::Child, ticks: u32) -> bool {
    for _ in 0..ticks {
        if child.try_wait().expect("the child's status").is_some() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = child.kill();
    false
}

/// The parse errors of an HTML page as a conforming HTML5 parser reports them (html5ever,
/// the parser of Servo, with its exact messages): a tag closed out of turn (`</td>` where
/// `<tr>` is open), an element still open where the spec says it must not be (a `<div>` at
/// `</body>`), a `<` that starts no tag (a text that was not escaped), a script never closed,
/// a missing doctype. End tags the spec lets a page omit (`</td>`, `</p>`, `</li>`) are no
/// error. With the page, as a browser builds it: the tests look their elements up in it.
pub fn parse_html(page: &str) -> (scraper::Html, Vec<String>) {
    use html5ever::tendril::TendrilSink;
    let opts = html5ever::ParseOpts {
        tokenizer: html5ever::tokenizer::TokenizerOpts {
            exact_errors: true,
            ..Default::default()
        },
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            exact_errors: true,
            ..Default::default()
        },
    };
    let doc = html5ever::driver::parse_document(
        scraper::HtmlTreeSink::new(scraper::Html::new_document()),
        opts,
    )
    .one(page);
    let errors = doc.errors.iter().map(|e| e.to_string()).collect();
    (doc, errors)
}

/// The page parsed by [`parse_html`]; the test fails, listing them, on any parse error.
#[track_caller]
pub fn html_page(page: &str, what: &dyn Display) -> scraper::Html {
    let (doc, errors) = parse_html(page);
    assert_eq!(errors, Vec::<String>::new(), "{what}: HTML5 parse errors");
    doc
}

/// The text of every element of `doc` that the CSS `selector` matches, in document order
/// (entities decoded: the text a reader sees).
pub fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let s = scraper::Selector::parse(selector).expect("a valid selector");
    doc.select(&s).map(|e| e.text().collect()).collect()
}

/// Whether `doc` has an element that the CSS `selector` matches.
pub fn has(doc: &scraper::Html, selector: &str) -> bool {
    let s = scraper::Selector::parse(selector).expect("a valid selector");
    doc.select(&s).next().is_some()
}

// ---- The attribution's Shapley shares, recomputed ------------------------------------------

/// The set of levels a variant name removes ("none", "military+economic", "all", ...),
/// read from the words themselves.
pub fn removal_of(name: &str) -> deter::model::Removal {
    let has = |l: &str| name == "all" || name.split('+').any(|x| x == l);
    deter::model::Removal {
        military: has("military"),
        political: has("political"),
        economic: has("economic"),
    }
}

/// Six times the Shapley values of the removal game from variant counts, by averaging the
/// marginal effect of each level over the 3! orders of removal (not the weights formula the
/// library uses): `w(R)` = count with the levels in R removed minus the count as is.
pub fn shapley6_by_orders(count: &dyn Fn(deter::model::Removal) -> i64) -> [i64; 3] {
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let set = |removed: &[usize]| deter::model::Removal {
        military: removed.contains(&0),
        political: removed.contains(&1),
        economic: removed.contains(&2),
    };
    let mut phi = [0i64; 3];
    for o in orders {
        for (j, &i) in o.iter().enumerate() {
            phi[i] += count(set(&o[..=j])) - count(set(&o[..j]));
        }
    }
    phi
}
