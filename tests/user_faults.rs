//! Faults a new user hit by using deter as README and docs/ describe it (trial 4), each
//! named after the fault's class: inputs read without a bound, inputs that block while
//! Ctrl-C cannot stop them, one fault worded differently by different commands, outputs
//! refused only after the work, a format that contradicts the file name, and `deter
//! robust` choosing its status quo silently. Expected messages are taken from the command
//! that already gets them right, not from the code under test.

use std::path::{Path, PathBuf};

mod common;
use common::{
    bin, deter, first_line, flag_fault, flag_fault_help, refused, refused_for, root, run, run_in,
    scenario, stderr, stderr_says, stdout, succeeded, succeeded_for, sweep_to, write,
};

/// A directory and a missing file given as a sweep's results: `deter robust` and `deter
/// discover` (and `deter merge` of a partial file, `--posterior` of a posterior) say what `deter validate` says of the
/// same path (`PATH: error: cannot read file: ...`), exit 2. They said `error: \`PATH\`:
/// ...` (merge: `error: cannot read \`PATH\`: ...`; `--posterior`: the message wrapped in a
/// second `error:` and a blank line).
#[test]
fn an_unreadable_results_file_gets_the_message_of_every_input_kind() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    let missing = d.path().join("missing.csv");
    let out = d.path().join("r.csv");
    let base = scenario("scenarios/western-balkans-2024.toml");
    for input in [&dir, &missing] {
        let input = input.to_str().unwrap();
        let reference = run(&["validate", input]);
        refused(&reference);
        let expected = first_line(&stderr(&reference)).to_string();
        assert!(
            expected.starts_with(&format!("{input}: error: cannot read file: ")),
            "{expected}"
        );
        for args in [
            vec!["robust", input, "--out", out.to_str().unwrap()],
            vec!["discover", input, "--outcome", "war", "--above", "0.1"],
            vec!["merge", input, "-q"],
            vec![
                "run",
                &base,
                "--posterior",
                input,
                "--draws",
                "2",
                "--runs",
                "5",
            ],
        ] {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            assert_eq!(first_line(&stderr(&o)), expected, "{args:?}");
        }
    }
    assert!(!out.exists());
}

/// `/dev/zero` as a results file: refused at the results files' size limit with the size
/// message of every input kind, in bounded memory. The reader trusted the file's length
/// (0 for a device) and read on until the kernel killed it (23 GB on the test machine), so
/// the process runs here under a 4 GB address-space limit: without the bound it aborts.
#[cfg(target_os = "linux")]
#[test]
fn a_results_file_is_read_with_a_size_bound() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r.csv");
    let gib = 1u64 << 30;
    let partial_limit = 256u64 << 20;
    let cases: Vec<(Vec<&str>, u64, &str)> = vec![
        (
            vec!["robust", "/dev/zero", "--out", out.to_str().unwrap()],
            gib,
            "results",
        ),
        (
            vec![
                "discover",
                "/dev/zero",
                "--outcome",
                "war",
                "--above",
                "0.1",
            ],
            gib,
            "results",
        ),
        (vec!["merge", "/dev/zero", "-q"], partial_limit, "partial"),
    ];
    for (args, limit, kind) in cases {
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
            .arg(bin())
            .args(&args)
            .output()
            .unwrap();
        refused_for(&o, format_args!("{args:?}: {o:?}"));
        assert_eq!(
            first_line(&stderr(&o)),
            format!(
                "/dev/zero: error: the file is larger than {limit} bytes, the limit for {kind} files"
            ),
            "{args:?}"
        );
    }
    assert!(!out.exists());
}

/// Ctrl-C while an input blocks (a FIFO whose writer sends nothing) ends every command that
/// reads files with exit 130 and no output (README, "Exit codes"). The handler only set a
/// flag that the simulation checks between runs, and the interrupted `open`/`read` was
/// restarted, so the process waited for the writer forever.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_ends_a_command_blocked_on_an_input_with_130() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let o = |name: &str| out.join(name).display().to_string();
    let cases: Vec<Vec<String>> = vec![
        // `run FIFO`, `compare FIFO`, `sweep FIFO`, `bench FIFO` and `calibrate FIFO` never
        // block: they refuse a pipe before reading
        // (`a_pipe_as_input_is_refused_up_front_by_commands_that_read_twice`).
        vec!["validate".into(), "FIFO".into()],
        vec!["robust".into(), "FIFO".into(), "--out".into(), o("r.csv")],
        vec![
            "discover".into(),
            "FIFO".into(),
            "--outcome".into(),
            "war".into(),
            "--above".into(),
            "0.1".into(),
        ],
        vec!["merge".into(), "FIFO".into(), "--out".into(), o("m.json")],
        vec![
            "run".into(),
            base.clone(),
            "--posterior".into(),
            "FIFO".into(),
            "--out".into(),
            o("n.json"),
        ],
        vec![
            "run".into(),
            "--files-from".into(),
            "FIFO".into(),
            "--out".into(),
            o("f.json"),
        ],
    ];
    for (k, case) in cases.iter().enumerate() {
        let fifo = d.path().join(format!("input-{k}"));
        common::make_fifo(&fifo);
        let args: Vec<String> = case
            .iter()
            .map(|a| {
                if a == "FIFO" {
                    fifo.display().to_string()
                } else {
                    a.clone()
                }
            })
            .collect();
        let mut child = std::process::Command::new(bin())
            .args(&args)
            .current_dir(root())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let writer = common::fifo_writer_once_read(&mut child, &fifo);
        common::interrupt(&child);
        assert!(
            common::ends_within(&mut child, 6000),
            "{args:?}: still blocked on its input after Ctrl-C"
        );
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(130), "{args:?}: {output:?}");
        assert!(
            stderr(&output).contains("interrupted; no output written"),
            "{args:?}: {}",
            stderr(&output)
        );
        drop(writer);
    }
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(left.is_empty(), "outputs left: {left:?}");
}

/// A levers x futures results file with policies `names` in 3 futures (values made up).
fn results_of(dir: &Path, names: &[&str]) -> PathBuf {
    let mut text = String::from("point,policy,future,x,runs,use_of_force_p,war_p\n");
    let mut point = 0;
    for (p, name) in names.iter().enumerate() {
        for f in 0..3 {
            let x = 0.1 * f as f64;
            let uof = 0.05 * (p + 1) as f64 + 0.03 * f as f64;
            text.push_str(&format!("{point},{name},{f},{x},100,{uof},{}\n", uof / 2.0));
            point += 1;
        }
    }
    let path = dir.join(format!("{}.csv", names.join("-")));
    std::fs::write(&path, text).unwrap();
    path
}

/// `deter robust` names a status quo by its policy's name only when the results cannot say
/// which it is, and now says so; with no such name it says every policy is ranked; with two
/// it refuses to guess (exit 2); `--status-quo` is taken as given, without the note.
#[test]
fn robust_says_how_it_chose_the_status_quo_and_never_guesses_between_two() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("table.csv");
    let page = d.path().join("page.html");
    let robust = |results: &Path, extra: &[&str]| {
        deter()
            .arg("robust")
            .arg(results)
            .args([
                "--out",
                out.to_str().unwrap(),
                "--report",
                page.to_str().unwrap(),
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    // By name: announced in the table and on the page.
    let o = robust(&results_of(d.path(), &["baseline", "envoy", "pact"]), &[]);
    succeeded(&o);
    let table = stdout(&o);
    let note = "`baseline` is taken as the status quo by its name";
    assert!(table.contains(note), "{table}");
    assert!(table.contains("--status-quo ID names another"), "{table}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<code>baseline</code> (taken by its name)"),
        "page"
    );
    assert!(
        html.contains("is taken as the status quo by its name"),
        "page"
    );
    // The status quo's row is the unranked one, in every outcome's table.
    let unranked: Vec<&str> = table
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .collect();
    assert_eq!(unranked.len(), 2, "{table}");
    assert!(unranked.iter().all(|l| l.contains("baseline")), "{table}");
    // No policy named like a status quo: said, and every policy ranked 1..3.
    let o = robust(&results_of(d.path(), &["today", "envoy", "pact"]), &[]);
    succeeded(&o);
    let table = stdout(&o);
    assert!(
        table.contains("No status quo: every policy is ranked"),
        "{table}"
    );
    assert!(!table.contains("not ranked)"), "{table}");
    let ranks: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("use of force"))
        .skip(2)
        .take(3)
        // `2~`: within Monte Carlo error of the rank above.
        .map(|l| l.split_whitespace().next().unwrap().trim_end_matches('~'))
        .collect();
    assert_eq!(ranks, ["1", "2", "3"], "{table}");
    // Two candidates: refused, both named, nothing written.
    std::fs::remove_file(&out).unwrap();
    std::fs::remove_file(&page).unwrap();
    let o = robust(&results_of(d.path(), &["baseline", "base", "pact"]), &[]);
    refused(&o);
    stderr_says(
        &o,
        "more than one policy is named like a status quo (`baseline`, `base`)",
    );
    assert!(!out.exists() && !page.exists());
    // Chosen with the flag: as given, no note.
    let o = robust(
        &results_of(d.path(), &["baseline", "base", "pact"]),
        &["--status-quo", "base"],
    );
    succeeded(&o);
    let table = stdout(&o);
    assert!(table.contains("Status quo `base`"), "{table}");
    assert!(!table.contains("by its name"), "{table}");
}

/// A levers x futures sweep over the bundled baseline and the envoy overlay.
fn lxf_sweep(dir: &Path) -> PathBuf {
    let text = format!(
        "base = {:?}\nruns = 40\nseed = 11\ndesign = \"lhs\"\npoints = 4\n\
         satisficing = {{ use_of_force = 0.2 }}\n\n\
         [[policy]]\nid = \"baseline\"\n\n\
         [[policy]]\nid = \"envoy\"\nfile = {:?}\n\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.4, 1.6]\n",
        scenario("scenarios/western-balkans-2024.toml"),
        scenario("scenarios/shea-special-envoy.toml"),
    );
    write(dir, "lxf.toml", &text)
}

/// The robustness page (the sweep's `RESULTS.robustness.html` and `deter robust --report`)
/// is the same byte for byte whatever the thread count, as every other report.
#[test]
fn robustness_pages_are_byte_identical_for_any_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let sweep = lxf_sweep(d.path());
    let mut pages = Vec::new();
    for threads in ["1", "2"] {
        let dir = d.path().join(format!("t{threads}"));
        std::fs::create_dir(&dir).unwrap();
        let go = |args: &[&str]| {
            let o = deter()
                .current_dir(&dir)
                .env("SOURCE_DATE_EPOCH", "0")
                .args(args)
                .output()
                .unwrap();
            succeeded_for(&o, format_args!("{args:?}: {o:?}"));
        };
        go(&[
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            "l.csv",
            "--threads",
            threads,
            "-q",
        ]);
        go(&[
            "robust", "l.csv", "--out", "r.csv", "--report", "r.html", "-q",
        ]);
        let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
        let page = read("l.robustness.html");
        assert!(
            String::from_utf8_lossy(&page).contains("Robustness across futures"),
            "not the robustness page"
        );
        pages.push((read("l.csv"), page, read("r.html")));
    }
    assert_eq!(
        pages[0].0, pages[1].0,
        "results differ between thread counts"
    );
    assert!(
        pages[0].1 == pages[1].1,
        "the sweep's robustness page differs between 1 and 2 threads"
    );
    assert!(
        pages[0].2 == pages[1].2,
        "deter robust --report differs between 1 and 2 threads"
    );
}

/// `--plots` naming an existing file is refused before any run in every command that has
/// the flag, with the message `deter sweep` already gave (exit 2). run, compare and merge
/// simulated first, then failed with `cannot create ...: File exists`, exit 1.
#[test]
fn plots_naming_a_file_is_refused_before_any_work_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let file = write(d.path(), "plots.txt", "not a directory");
    let f = file.to_str().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let reference = run(&["sweep", &sweep, "--plots", f, "-q"]);
    refused(&reference);
    let expected = first_line(&stderr(&reference)).to_string();
    assert_eq!(
        expected,
        format!(
            "--plots:1:1: error: expected a directory (created if missing), found `{f}`, a file \
             that exists"
        )
    );
    let mut parts = Vec::new();
    for k in 0..2 {
        let p = d
            .path()
            .join(format!("part-{k}.json"))
            .display()
            .to_string();
        let shard = format!("{k}/2");
        let o = run(&[
            "run", &base, "--runs", "20", "--shard", &shard, "--out", &p, "-q",
        ]);
        succeeded(&o);
        parts.push(p);
    }
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", &base, "--runs", "200", "--plots", f, "-q"],
        vec!["compare", &base, &base, "--runs", "200", "--plots", f, "-q"],
        vec!["merge", &parts[0], &parts[1], "--plots", f, "-q"],
    ];
    for args in cases {
        let o = deter()
            .env("DETER_COUNT_RUNS", "1")
            .args(&args)
            .output()
            .unwrap();
        refused_for(&o, format_args!("{args:?}"));
        assert_eq!(first_line(&stderr(&o)), expected, "{args:?}");
        assert!(
            stderr(&o).contains("deter: simulated 0 runs"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a directory");
}

/// `deter sweep --report` naming the base scenario (or any file the sweep reads through
/// it) is refused before any point is simulated, exit 2, with the message `--out` gets; it
/// was refused only after the whole sweep, exit 1, the results already written.
#[test]
fn a_sweep_refuses_every_output_naming_an_input_before_the_work() {
    let d = tempfile::tempdir().unwrap();
    // Named other than `.toml` (a `.toml` output is refused for its name alone, before
    // it is known as an input): the input through the base is what is tested here.
    let base = d.path().join("base.scenario");
    std::fs::copy(root().join("scenarios/western-balkans-2024.toml"), &base).unwrap();
    let before = std::fs::read(&base).unwrap();
    let sweep = write(
        d.path(),
        "grid.toml",
        "base = \"base.scenario\"\nruns = 20\ndesign = \"grid\"\n\n[[parameter]]\n\
         path = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.0]\n",
    );
    let results = d.path().join("grid.csv");
    let b = base.to_str().unwrap();
    let reference = run(&["sweep", sweep.to_str().unwrap(), "--out", b, "-q"]);
    refused(&reference);
    let expected = first_line(&stderr(&reference)).to_string();
    assert!(expected.contains("is also an input file"), "{expected}");
    let o = deter()
        .env("DETER_COUNT_RUNS", "1")
        .args([
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            results.to_str().unwrap(),
        ])
        .args(["--report", b, "-q"])
        .output()
        .unwrap();
    refused(&o);
    // The same words, at the flag that names the input (--report here).
    assert_eq!(
        first_line(&stderr(&o)),
        expected.replacen("--out:", "--report:", 1)
    );
    stderr_says(&o, "deter: simulated 0 runs");
    assert!(!results.exists(), "the sweep ran before the refusal");
    assert_eq!(std::fs::read(&base).unwrap(), before);
}

/// `deter sweep --out x.json` writes JSON Lines (as `deter merge` of sweep shards does with
/// the same name), never CSV in a `.json` file; a contradicting `--format` and `--out
/// x.html` are refused before the work, as in run, compare and merge.
#[test]
fn a_sweep_takes_its_format_from_the_out_extension_and_refuses_contradictions() {
    let d = tempfile::tempdir().unwrap();
    let sweep = scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let path = |n: &str| d.path().join(n).display().to_string();
    let o = run(&[
        "sweep",
        &sweep,
        "--runs",
        "10",
        "--out",
        &path("x.json"),
        "-q",
    ]);
    succeeded(&o);
    let o = run(&[
        "sweep",
        &sweep,
        "--runs",
        "10",
        "--format",
        "json",
        "--out",
        &path("y.jsonl"),
        "-q",
    ]);
    succeeded(&o);
    let json = std::fs::read_to_string(path("x.json")).unwrap();
    for line in json.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON Lines row");
        assert!(v.is_object());
    }
    assert_eq!(json, std::fs::read_to_string(path("y.jsonl")).unwrap());
    let o = run(&[
        "sweep",
        &sweep,
        "--runs",
        "10",
        "--out",
        &path("x.csv"),
        "-q",
    ]);
    succeeded(&o);
    assert!(
        std::fs::read_to_string(path("x.csv"))
            .unwrap()
            .starts_with("point,")
    );
    // Every flag's fault, at `--out`'s value (it said "error: --out `z.html` names an HTML
    // file, but ...").
    for (args, said, help) in [
        (
            vec!["--out", "z.html"],
            "expected a file for the results rows (--out never writes HTML), found `OUT`, the \
             name of an HTML file",
            "use --report `OUT` for the HTML page",
        ),
        (
            vec!["--out", "z.csv", "--format", "json"],
            "expected a file for the json rows (--format json), found `OUT`, the name of a CSV \
             file",
            "use --format csv (or give the file another extension)",
        ),
        (
            vec!["--out", "z.json", "--format", "csv"],
            "expected a file for the csv rows (--format csv), found `OUT`, the name of a JSON \
             file",
            "use --format json (or give the file another extension)",
        ),
    ] {
        let mut all = vec!["sweep", &sweep, "--runs", "10", "-q"];
        let named = path(args[1]);
        all.extend(
            args.iter()
                .map(|a| if *a == args[1] { named.as_str() } else { *a }),
        );
        let o = run(&all);
        refused_for(&o, format_args!("{all:?}"));
        assert_eq!(
            stderr(&o),
            common::flag_fault_help(
                "--out",
                &named,
                1,
                named.chars().count(),
                &said.replace("OUT", &named),
                &help.replace("OUT", &named)
            ),
            "{all:?}"
        );
        assert!(!Path::new(&named).exists(), "{all:?} wrote its output");
    }
}

/// An output option naming a device is refused without advice that only fits `--out`
/// (`omit --out to write to stdout` was printed for --report, --per-run and `deter init`).
#[cfg(unix)]
#[test]
fn refusing_a_device_gives_no_advice_about_another_option() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    for args in [
        vec![
            "run",
            base.as_str(),
            "--runs",
            "10",
            "--report",
            "/dev/null",
        ],
        vec![
            "run",
            base.as_str(),
            "--runs",
            "10",
            "--per-run",
            "/dev/null",
        ],
        vec!["init", "/dev/null", "--force"],
        // Without --force, the device is said as with it: "use --force to overwrite it" was
        // advised, and --force then refused the device.
        vec!["init", "/dev/null"],
    ] {
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        let e = stderr(&o);
        assert!(
            e.contains("expected a regular file, found `/dev/null`, a device"),
            "{args:?}: {e}"
        );
        assert!(!e.contains("--out"), "{args:?}: {e}");
        if args[0] == "init" {
            assert!(!e.contains("--force"), "{args:?}: {e}");
        }
    }
}

/// Small things a student meets: `deter robust` refuses a probability outside [0, 1] in a
/// hand-edited results file (it printed 700.0% and ranked it), at its cell's FILE:LINE:COL; `deter
/// init DIR` says the path is a directory instead of suggesting `--force`, which cannot help.
#[test]
fn robust_refuses_a_share_outside_0_1_and_init_does_not_suggest_force_for_a_directory() {
    let d = tempfile::tempdir().unwrap();
    let results = write(
        d.path(),
        "edited.csv",
        "point,policy,future,x,runs,use_of_force_p\n0,a,0,1,10,0.5\n1,b,0,1,10,7\n",
    );
    let out = d.path().join("t.csv");
    let o = run(&[
        "robust",
        results.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    refused(&o);
    stderr_says(
        &o,
        &format!(
            "{}:3:12: error: column `use_of_force_p`: expected a number in [0, 1] (a share of \
             runs), found 7",
            results.display()
        ),
    );
    assert!(!out.exists());
    let dir = d.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["init", dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        let e = stderr(&o);
        assert!(e.contains("a directory"), "{args:?}: {e}");
        assert!(!e.contains("--force"), "{args:?}: {e}");
    }
}

/// `deter sweep --resume` reads the settings fingerprint beside the results with a bound:
/// a marker that is `/dev/zero` (or any huge file) is "other sweep settings", exit 2. It
/// was read whole: under a 1 GB address-space limit the read failed and the marker was
/// called "missing"; without one, the process took every byte of memory.
#[cfg(target_os = "linux")]
#[test]
fn a_sweep_resume_marker_is_read_with_a_bound() {
    let d = tempfile::tempdir().unwrap();
    let sweep = scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let out = d.path().join("grid.csv");
    let o = run(&[
        "sweep",
        &sweep,
        "--runs",
        "5",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    succeeded(&o);
    let marker = d.path().join("grid.csv.sweep");
    std::fs::remove_file(&marker).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &marker).unwrap();
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(bin())
        .args(["sweep", &sweep, "--runs", "5", "--resume", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    refused(&o);
    stderr_says(&o, "started with other sweep settings");
}

/// `deter calibrate --resume` reads `state.json` with a bound: a state file larger than the
/// limit (a sparse file of 257 MiB) is refused at the limit, exit 2 (it was read whole: all
/// memory, or under a limit a failed read); `/dev/zero` there is refused as a device before
/// it is read, in the words of a fresh calibration.
#[cfg(target_os = "linux")]
#[test]
fn a_calibration_state_is_read_with_a_bound() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("cal");
    std::fs::create_dir(&out).unwrap();
    let resume = |out: &std::path::Path| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 2097152 && exec \"$0\" \"$@\"")
            .arg(bin())
            .current_dir(root())
            .args([
                "calibrate",
                "scenarios/history/calibrate.toml",
                "--resume",
                "-q",
                "--out",
            ])
            .arg(out)
            .output()
            .unwrap()
    };
    let big = std::fs::File::create(out.join("state.json")).unwrap();
    big.set_len((256u64 << 20) + (1 << 20)).unwrap();
    drop(big);
    let o = resume(&out);
    refused(&o);
    stderr_says(
        &o,
        &format!(
            "is larger than {} bytes, the limit for calibration state files",
            256u64 << 20
        ),
    );
    let zero = d.path().join("zero");
    std::fs::create_dir(&zero).unwrap();
    std::os::unix::fs::symlink("/dev/zero", zero.join("state.json")).unwrap();
    let o = resume(&zero);
    refused(&o);
    stderr_says(&o, "a device, a file calibrate writes");
}

/// A sweep file given as a pipe (`deter validate <(cat sweep.toml)`, here the test's stdin
/// as `/proc/self/fd/0`) is recognised from the text read once: it was checked as a
/// scenario ("base: unknown key", "missing the [scenario] table"). Its `base` is a path
/// beside the file, which a pipe has not, so it is refused in the words every command gives
/// a pipe; a scenario given so is still checked.
#[cfg(target_os = "linux")]
#[test]
fn validate_tells_a_piped_sweep_from_its_text() {
    let sweep = std::fs::read(root().join("scenarios/sweeps/proposals-x-futures.toml")).unwrap();
    let o = common::deter()
        .args(["validate", "/proc/self/fd/0"])
        .write_stdin(sweep)
        .output()
        .unwrap();
    let err = refused(&o);
    assert_eq!(
        first_line(&err),
        "/proc/self/fd/0: error: not a regular file (a pipe, `<(...)` or a device): deter \
         reads its input files more than once",
        "{err}"
    );
    assert!(err.contains("help: save it to a file first"), "{err}");
    assert!(
        !err.contains("unknown key") && !err.contains("[scenario]"),
        "{err}"
    );
    let scenario = std::fs::read(root().join("scenarios/western-balkans-2024.toml")).unwrap();
    let o = common::deter()
        .args(["validate", "/proc/self/fd/0"])
        .write_stdin(scenario)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(
        stdout(&o).contains(": ok (Western Balkans 2024"),
        "{}",
        stdout(&o)
    );
}

/// A scenario given as a FIFO (`deter validate <(cat s.toml)`, or a named pipe) is read
/// once: `deter validate` read it to tell its kind and then opened it again for the
/// scenario reader, which waited for a second writer forever.
#[cfg(target_os = "linux")]
#[test]
fn validate_reads_a_fifo_once() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("scenario.toml");
    common::make_fifo(&fifo);
    let text = std::fs::read(root().join("scenarios/western-balkans-2024.toml")).unwrap();
    let mut child = std::process::Command::new(bin())
        .arg("validate")
        .arg(&fifo)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut writer = common::fifo_writer_once_read(&mut child, &fifo);
    // The pipe holds 64 KiB; the scenario is smaller, so one write never blocks.
    assert!(text.len() < 60_000);
    writer.write_all(&text).unwrap();
    drop(writer);
    assert!(
        common::ends_within(&mut child, 6000),
        "deter validate still waits on a FIFO it has read"
    );
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(
        stdout(&o).contains(": ok (Western Balkans 2024"),
        "{}",
        stdout(&o)
    );
}

/// `--plots DIR` where a chart's file name is an input (here the scenario itself, named
/// `chart-survival.svg`): refused (exit 2) before any chart is written; four charts were
/// written, then the command failed on the fifth (exit 1).
#[test]
fn plots_that_would_replace_an_input_write_no_chart() {
    let d = tempfile::tempdir().unwrap();
    let plots = d.path().join("plots");
    std::fs::create_dir(&plots).unwrap();
    let input = plots.join("chart-survival.svg");
    std::fs::copy(root().join("scenarios/western-balkans-2024.toml"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let o = run(&[
        "run",
        input.to_str().unwrap(),
        "--runs",
        "20",
        "--no-attribution",
        "-q",
        "--plots",
        plots.to_str().unwrap(),
    ]);
    refused(&o);
    stderr_says(&o, "is also an input file");
    let names: Vec<_> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        ["chart-survival.svg"],
        "charts written before the refusal"
    );
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

/// A pipe as input (`deter run <(cat s.toml)`, a FIFO, a device) is refused up front with a
/// clear message by `run` (plain, `--shard`, `--posterior`), `compare` (either side),
/// `sweep`, `bench` and `calibrate`, which read their input more than once: the second read
/// said "the file is empty" (process substitution; `compare`, `sweep` and `bench` still did)
/// or waited forever (a named FIFO). Nothing is read from the pipe, so no writer is needed.
#[test]
fn a_pipe_as_input_is_refused_up_front_by_commands_that_read_twice() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("s.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(made.success(), "mkfifo failed");
    let post = common::write_posterior(dir.path(), &["model.war_cost"], &[(&[1.0], 1.0)]);
    let out = dir.path().join("calibration-out");
    let base = scenario("scenarios/western-balkans-2024.toml");
    // /dev/null first: without the refusal it fails at once, where the FIFO would wait.
    for input in ["/dev/null".to_string(), fifo.display().to_string()] {
        for args in [
            vec!["run", input.as_str(), "--runs", "10"],
            vec!["run", input.as_str(), "--runs", "10", "--shard", "1/2"],
            vec![
                "run",
                input.as_str(),
                "--posterior",
                post.to_str().unwrap(),
                "--draws",
                "2",
                "--runs",
                "10",
            ],
            vec![
                "calibrate",
                input.as_str(),
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ],
            vec!["compare", input.as_str(), base.as_str(), "--runs", "10"],
            vec!["compare", base.as_str(), input.as_str(), "--runs", "10"],
            vec!["sweep", input.as_str(), "--runs", "10"],
            vec!["bench", input.as_str(), "--runs", "10", "--repeat", "1"],
        ] {
            let o = run(&args);
            let err = refused_for(&o, format_args!("{args:?}"));
            assert_eq!(
                first_line(&err),
                format!(
                    "{input}: error: not a regular file (a pipe, `<(...)` or a device): deter \
                     reads its input files more than once"
                ),
                "{args:?}"
            );
            assert!(err.contains("help: save it to a file first"), "{err}");
        }
    }
}

/// The one out-of-range message, in every file kind and command: a value out of its
/// parameter's range reads "expected a number in [MIN, MAX] (UNIT), found LITERAL" with the
/// help line "`PATH`: DOC", naming the parameter the value was for. A scenario field and a
/// policy change had no help line, `--set` and a levers sweep's `set` the doc without the
/// path, a `--posterior` value none, a sweep's futures CSV its own words ("line 2:
/// `model.war_cost` = `50`: expected ..."). The expected help line is the sweep's, which
/// already named the parameter.
#[test]
fn a_value_out_of_range_gets_the_same_message_and_help_line_in_every_file_kind() {
    let d = tempfile::tempdir().unwrap();
    let w = |name: &str, text: String| {
        let p = write(d.path(), name, &text);
        p.to_str().unwrap().to_string()
    };
    let base = scenario("scenarios/western-balkans-2024.toml");
    let envoy = scenario("scenarios/shea-special-envoy.toml");
    let sweep = w(
        "sweep.toml",
        format!(
            "base = {base:?}\nruns = 10\n\n[[parameter]]\npath = \"model.war_cost\"\n\
             role = \"uncertainty\"\nvalues = [0.5, 50]\n"
        ),
    );
    let o = run(&["sweep", &sweep]);
    refused(&o);
    let help = stderr(&o)
        .lines()
        .find(|l| l.contains("= help:"))
        .map(|l| l.trim().to_string())
        .expect("the sweep names the parameter on a help line");
    assert!(
        help.starts_with("= help: `model.war_cost`: Challenger's cost of war at parity"),
        "{help}"
    );
    let expected = "expected a number in [0, 10] (stake units), found 50";
    let field = w(
        "field.toml",
        format!("extends = {base:?}\n\n[model]\nwar_cost = 50\n"),
    );
    let policy = w(
        "policy.toml",
        format!(
            "extends = {base:?}\n\n[[policy]]\nid = \"p\"\nstart = \"2026-01\"\n\
             changes = [{{ path = \"model.war_cost\", set = 50 }}]\n"
        ),
    );
    let uncertain = w(
        "uncertain.toml",
        format!(
            "extends = {base:?}\n\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 50]\n"
        ),
    );
    let history = root().join("scenarios/history");
    let calibration = w(
        "calibration.toml",
        format!(
            "particles = 10\nstatistics = [\"use_of_force\", \"war\"]\ncases = [{:?}]\n\n[[parameter]]\npath = \"model.war_cost\"\n\
             range = [0.1, 50]\n",
            history.join("serbia-kosovo.record.toml").to_str().unwrap()
        ),
    );
    let posterior = w(
        "posterior.csv",
        "draw,model.war_cost,weight,distance\n0,50,1,0\n".into(),
    );
    let futures = w(
        "futures.toml",
        format!(
            "base = {base:?}\nruns = 10\npoints = 2\nfutures = \"posterior.csv\"\n\n\
             [[policy]]\nid = \"base\"\n\n[[policy]]\nid = \"envoy\"\nfile = {envoy:?}\n"
        ),
    );
    let levers = w(
        "levers.toml",
        format!(
            "base = {base:?}\nruns = 10\npoints = 2\n\n[[policy]]\nid = \"base\"\n\n\
             [[policy]]\nid = \"more\"\nset = {{ \"model.war_cost\" = 50 }}\n\n\
             [[parameter]]\npath = \"model.war_uncertainty\"\nrole = \"uncertainty\"\n\
             range = [1, 2]\n"
        ),
    );
    let cases: Vec<Vec<&str>> = vec![
        vec!["validate", &field],
        vec!["run", &field],
        vec!["compare", &base, &field],
        vec!["validate", &policy],
        vec!["run", &base, "--set", "model.war_cost=50"],
        vec!["compare", &base, &base, "--set-b", "model.war_cost=50"],
        vec!["validate", &uncertain],
        vec!["validate", &sweep],
        vec!["validate", &calibration],
        vec!["calibrate", &calibration],
        vec!["run", &base, "--posterior", &posterior, "--draws", "2"],
        vec!["sweep", &futures],
        vec!["validate", &levers],
    ];
    for args in cases {
        let o = run(&args);
        let err = refused_for(&o, format_args!("{args:?}"));
        assert!(err.contains(expected), "{args:?}: {err}");
        let helps: Vec<&str> = err
            .lines()
            .filter(|l| l.contains("= help:"))
            .map(str::trim)
            .collect();
        assert_eq!(helps, [help.as_str()], "{args:?}: {err}");
    }
    // The futures CSV and the posterior word a bad cell alike: FILE:LINE:COL: column `PATH`.
    let o = run(&["sweep", &futures]);
    stderr_says(
        &o,
        &format!("posterior.csv:2:3: column `model.war_cost`: {expected}"),
    );
}

/// `deter run|compare|sweep --help` say where `--runs`, `--seed` and `--horizon-years` take
/// their defaults from. They shared one text: "the file's `runs`; for several scenario
/// files, the first's" (false for `run`, which runs each file with its own; compare takes
/// A's), and "(a sweep: per point)" and "compared files must agree" in every command.
#[test]
fn run_compare_and_sweep_help_say_where_each_default_comes_from() {
    let help = |cmd: &str| {
        let o = run(&[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0));
        stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let (r, c, s) = (help("run"), help("compare"), help("sweep"));
    for text in [&r, &c, &s] {
        assert!(!text.contains("the first's]"), "{text}");
    }
    assert!(r.contains("[default: each scenario file's `runs`"), "{r}");
    assert!(
        r.contains(
            "Master seed, 0 to 9,223,372,036,854,775,807 [default: each scenario file's `seed`]"
        ),
        "{r}"
    );
    assert!(!r.contains("a sweep"), "{r}");
    assert!(c.contains("[default: A's `runs`, the first file's"), "{c}");
    assert!(c.contains("[default: A's `seed`, the first file's]"), "{c}");
    assert!(c.contains("which must agree]"), "{c}");
    assert!(
        s.contains(
            "Replications per point, 1 to 1,000,000,000,000 [default: the sweep file's `runs`"
        ),
        "{s}"
    );
    assert!(!s.contains("compared files"), "{s}");
    // What the help says: run uses each file's runs and seed; compare uses A's for both.
    let d = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("src/scenario/template.toml")).unwrap();
    let a = d.path().join("a.toml");
    let b = d.path().join("b.toml");
    let set = |runs: &str, seed: &str| {
        base.replace("runs = 10000 ", &format!("runs = {runs} "))
            .replace("seed = 42 ", &format!("seed = {seed} "))
    };
    std::fs::write(&a, set("30", "5")).unwrap();
    std::fs::write(&b, set("20", "6")).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let o = run(&["run", a, b, "--no-attribution", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let runs_seeds: Vec<(u64, u64)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["runs"].as_u64().unwrap(), v["seed"].as_u64().unwrap()))
        .collect();
    assert_eq!(runs_seeds, [(30, 5), (20, 6)]);
    let o = run(&["compare", b, a, "--no-attribution", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["runs"].as_u64(), v["seed"].as_u64()),
        (Some(20), Some(6)),
        "{v}"
    );
}

/// A command whose stdout or stderr is closed by its reader (`deter validate *.toml | head
/// -1`, `deter calibrate ... 2>&1 | head -1`) loses the text it cannot show, never the
/// command: `println!`/`eprintln!` panicked (exit 101) in validate's listing, calibrate's
/// generation lines (the calibration stopped after one generation, its outputs unwritten),
/// the sweep's closing summary and every error message.
#[test]
fn a_closed_stdout_or_stderr_never_panics() {
    use std::process::{Command, Stdio};
    let d = tempfile::tempdir().unwrap();
    let history = root().join("scenarios/history");
    let cal = write(
        d.path(),
        "cal.toml",
        &format!(
            "seed = 5\nparticles = 10\nmax_generations = 2\npredictive_draws = 5\n\
             statistics = [\"use_of_force\", \"war\"]\ncases = [{:?}]\n\
             [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\n",
            history.join("serbia-kosovo.record.toml").to_str().unwrap()
        ),
    );
    let out = d.path().join("cal-out");
    let results = d.path().join("grid.csv");
    let base = scenario("scenarios/western-balkans-2024.toml");
    let envoy = scenario("scenarios/shea-special-envoy.toml");
    let sweep = scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    // (arguments, which stream is closed, the exit code the command has with it open)
    let cases: Vec<(Vec<&str>, &str, i32)> = vec![
        (vec!["validate", &base, &envoy, &base, &envoy], "stdout", 0),
        (
            vec![
                "calibrate",
                cal.to_str().unwrap(),
                "--threads",
                "1",
                "--out",
                out.to_str().unwrap(),
            ],
            "stderr",
            0,
        ),
        (
            vec![
                "sweep",
                &sweep,
                "--runs",
                "20",
                "--out",
                results.to_str().unwrap(),
            ],
            "stderr",
            0,
        ),
        (vec!["merge", &base], "stderr", 2),
        (vec!["run", &base, "--runs", "0"], "stderr", 2),
    ];
    for (args, closed, code) in cases {
        let mut c = Command::new(bin());
        c.args(&args).stdin(Stdio::null());
        if closed == "stdout" {
            c.stdout(Stdio::piped()).stderr(Stdio::null());
        } else {
            c.stderr(Stdio::piped()).stdout(Stdio::null());
        }
        let mut child = c.spawn().unwrap();
        // The reader goes away before the command writes anything.
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{args:?} with {closed} closed");
    }
    for name in [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ] {
        assert!(out.join(name).is_file(), "calibrate wrote {name}");
    }
    let rows = std::fs::read_to_string(&results).unwrap();
    assert_eq!(rows.lines().count(), 13, "the sweep's 12 points and header");
}

/// A value that is not a usable number gets the same message in a scenario file and in
/// `--set` (run, compare and Python's `set=` go through one reader): `--set
/// model.war_cost=nan` said "expected a finite number (or true / false), found `nan`", and
/// `=true` "expected a number, found a boolean", where the file names the range and, for
/// `nan` and `inf`, says they are not allowed. Expected: the scenario file's message.
#[test]
fn a_value_that_is_not_a_number_reads_the_same_in_a_file_and_in_set() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    // The message and help lines after "error: " (file:line:col differ by kind).
    let lines = |err: &str| -> Vec<String> {
        err.lines()
            .filter_map(|l| {
                l.split_once(": error: ")
                    .map(|(_, m)| m.to_string())
                    .or_else(|| l.trim().strip_prefix("= help: ").map(str::to_string))
            })
            .collect()
    };
    for value in ["nan", "inf", "-inf", "1e999", "true"] {
        let file = write(
            d.path(),
            "v.toml",
            &format!("extends = {base:?}\n\n[model]\nwar_cost = {value}\n"),
        );
        let o = run(&["validate", file.to_str().unwrap()]);
        refused(&o);
        let want = lines(&stderr(&o));
        assert!(
            want[0]
                .starts_with("model.war_cost: expected a number in [0, 10] (stake units), found"),
            "{want:?}"
        );
        if ["nan", "inf", "-inf"].contains(&value) {
            // The help is true of a file and of `--set` alike (it said "not allowed in input
            // files", of a `--set` value too).
            assert_eq!(
                want.last().map(String::as_str),
                Some("`nan` and `inf` are not allowed: give a finite number"),
                "{want:?}"
            );
        }
        let set = format!("model.war_cost={value}");
        for args in [
            vec!["run", &base, "--set", &set],
            vec!["compare", &base, &base, "--set-b", &set],
        ] {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            assert_eq!(lines(&stderr(&o)), want, "{args:?}: {}", stderr(&o));
        }
    }
}

/// A number TOML refuses (`.5`, `5.`, a leading zero `010`, `0_1`, `00.5`, `1.e3`) is refused
/// in `--set` and in an integer or number flag with the message the same text gets in a
/// file, located at the value (`--set model.war_cost=.5` and `--runs 010` were read as 0.5
/// and 10 while `war_cost = .5` in the file was a syntax error); a number TOML reads
/// (`1_0`, `+0.5`, `1e0`) is taken by both.
#[test]
fn a_number_toml_refuses_is_refused_in_set_and_flags_as_in_a_file() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let help = "a number is written as in a TOML file: a digit on both sides of a point \
                (`0.5`, `5.0`, not `.5`, `5.`), no leading zero (`10`, not `010`)";
    let file_message = |value: &str| -> String {
        let file = write(
            d.path(),
            "v.toml",
            &format!("extends = {base:?}\n\n[model]\nwar_cost = {value}\n"),
        );
        let o = run(&["validate", file.to_str().unwrap()]);
        refused_for(&o, format_args!("war_cost = {value}"));
        let err = stderr(&o);
        let line = err.lines().next().unwrap();
        line.split_once(": error: ").unwrap().1.to_string()
    };
    for value in [".5", "5.", "0_1", "010", "00.5", "1.e3", "-01"] {
        let said = file_message(value);
        assert!(
            said.starts_with("model.war_cost: TOML syntax error: "),
            "{said}"
        );
        let set = format!("model.war_cost={value}");
        for args in [
            vec!["validate", &base, "--set", &set],
            vec!["run", &base, "--set", &set],
        ] {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            assert_eq!(
                stderr(&o),
                common::flag_fault_help("--set", &set, 16, value.len(), &said, help),
                "{args:?}"
            );
        }
    }
    for (flag, value) in [
        ("--runs", "010"),
        ("--runs", "0_1"),
        ("--seed", "07"),
        ("--horizon-years", "05"),
        ("--until-ci", ".05"),
        ("--until-ci", "0.05."),
    ] {
        let args = ["run", &base, flag, value];
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        let err = stderr(&o);
        if value == "0.05." {
            // Not a number for TOML or Rust: the flag's own words, as before.
            assert!(
                err.contains("expected a half-width in (0, 0.5), found `0.05.`"),
                "{err}"
            );
            continue;
        }
        let said = file_message(value);
        let said = said.strip_prefix("model.war_cost: ").unwrap();
        assert_eq!(
            err,
            common::flag_fault_help(flag, value, 1, value.len(), said, help),
            "{args:?}"
        );
    }
    // What TOML reads is taken: digit separators, a sign, an exponent.
    for value in ["1_0", "+0.5", "1e0", "0.5"] {
        let set = format!("model.war_cost={value}");
        let o = run(&["validate", &base, "--set", &set]);
        assert!(o.status.success(), "{value}: {}", stderr(&o));
    }
    let o = run(&[
        "run",
        &base,
        "--runs",
        "1_0",
        "--horizon-years",
        "+1",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A switch (`model.commitment_at_attack`, 0 or 1) is turned by a policy's `set` (or `add`)
/// at once: its `scale` is refused at the value (`scale = 2` was taken, while `add = 0.5` was
/// refused), and so is a ramp of it, at `ramp_years` in the file and at the value in
/// `--set policy.ID.ramp_years=...` (the ramp passed through fractions the model reads as on).
#[test]
fn a_policy_cannot_scale_or_ramp_a_switch() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let policy = |ramp: &str, op: &str| {
        let text = format!(
            "extends = {base:?}\n\n[[policy]]\nid = \"commit\"\nstart = \"2026-01\"\n{ramp}\
             changes = [{{ path = \"model.commitment_at_attack\", {op} }}]\n"
        );
        write(d.path(), "p.toml", &text)
    };
    let validate = |file: &Path, set: &[&str]| {
        let mut args = vec!["validate", file.to_str().unwrap()];
        for s in set {
            args.extend(["--set", s]);
        }
        run(&args)
    };
    // scale: at its value, whatever the ramp.
    for ramp in ["", "ramp_years = 2\n"] {
        let file = policy(ramp, "scale = 2");
        let o = validate(&file, &[]);
        refused(&o);
        let err = stderr(&o);
        let line = if ramp.is_empty() { 6 } else { 7 };
        assert!(
            err.starts_with(&format!(
                "{}:{line}:59: error: policy[0].changes[0].scale: `model.commitment_at_attack` \
                 is a switch (0 or 1): `scale` cannot turn it on or off\n",
                file.display()
            )),
            "{err}"
        );
        assert!(
            err.contains(
                "= help: set it: { path = \"model.commitment_at_attack\", set = 1 } turns it \
                 on, `set = 0` off"
            ),
            "{err}"
        );
    }
    // A ramp of `set` or `add`: at `ramp_years`.
    for op in ["set = 1", "add = 1", "set = true"] {
        let file = policy("ramp_years = 2\n", op);
        let o = validate(&file, &[]);
        refused(&o);
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!(
                "{}:6:14: error: policy[0].ramp_years: `ramp_years = 2` would ramp \
                 `model.commitment_at_attack`, a switch (0 or 1), through fractions the model \
                 reads as on\n",
                file.display()
            )),
            "{op}: {err}"
        );
        assert!(err.contains("= help: a switch turns at once"), "{err}");
    }
    // At once (no ramp, or one of less than a month) it is taken, and a ramp set by `--set`
    // is refused at its value.
    for (ramp, op) in [
        ("", "set = 1"),
        ("ramp_years = 0\n", "set = true"),
        ("ramp_years = 0.05\n", "set = 1"),
    ] {
        let file = policy(ramp, op);
        let o = validate(&file, &[]);
        assert!(o.status.success(), "{ramp}: {}", stderr(&o));
    }
    let file = policy("", "set = 1");
    let o = validate(&file, &["policy.commit.ramp_years=3"]);
    refused(&o);
    assert!(
        stderr(&o).starts_with(
            "--set:1:26: error: policy.commit.ramp_years: `ramp_years = 3` would ramp \
             `model.commitment_at_attack`, a switch (0 or 1), through fractions the model reads \
             as on\n"
        ),
        "{}",
        stderr(&o)
    );
    let o = validate(&file, &["policy.commit.ramp_years=0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The switch written as its expectation says, `true`, in `[model]` too (it was "expected
    // true or false (or 0 or 1), found boolean").
    let file = write(
        d.path(),
        "m.toml",
        &format!("extends = {base:?}\n\n[model]\ncommitment_at_attack = true\n"),
    );
    let o = validate(&file, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A policy's start out of its range is said with its bounds as dates and twelfths ("[1900,
/// 2300 + 11/12] (1900-01 to 2300-12)"; it said "[1900, 2300.9166666666665]").
#[test]
fn a_policy_start_out_of_range_names_its_range_as_dates() {
    let envoy = scenario("scenarios/shea-special-envoy.toml");
    for value in ["3000", "1899.5", "x"] {
        let set = format!("policy.special-envoy.start={value}");
        let o = run(&["validate", &envoy, "--set", &set]);
        refused(&o);
        let found = if value == "x" {
            "`x`".to_string()
        } else {
            value.to_string()
        };
        let first = stderr(&o).lines().next().unwrap_or("").to_string();
        assert_eq!(
            first,
            format!(
                "--set:1:28: error: policy.special-envoy.start: expected a decimal year in \
                 [1900, 2300 + 11/12] (1900-01 to 2300-12), found {found}"
            )
        );
    }
    // The last month is in the range, the next is not.
    let o = run(&[
        "validate",
        &envoy,
        "--set",
        "policy.special-envoy.start=2300.9166666666665",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `deter compare` of two scenarios of different horizons is refused at the second file's
/// `horizon_years` (it named no file), with a help line naming both; where the second file
/// writes none, at the first's.
#[test]
fn compare_locates_different_horizons_at_the_second_files_key() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let short = write(
        d.path(),
        "short.toml",
        &format!("extends = {base:?}\n\n[scenario]\nhorizon_years = 7\n"),
    );
    let short = short.to_str().unwrap();
    let o = run(&["compare", &base, short, "--runs", "10"]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "{short}:4:17: error: scenario.horizon_years: the scenarios have different \
             horizons (10 and 7 years); common random numbers need the same horizon (use \
             --horizon-years)\n"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "= help: A ({base}) runs 10 years and B ({short}) 7: give both the same \
             `horizon_years`, or compare them over one with --horizon-years N"
        )),
        "{e}"
    );
    // B without the key: at A's.
    let same = write(d.path(), "same.toml", &format!("extends = {base:?}\n"));
    let o = run(&["compare", short, same.to_str().unwrap(), "--runs", "10"]);
    refused(&o);
    assert!(stderr(&o).starts_with(&format!("{short}:4:17: error: scenario.horizon_years: ")));
}

/// A nested run's budget refused at the flag that set it, with a help line: `--runs 1` (at
/// least 2 per draw) and draws x runs over the limit (at `--runs`; at `--draws` when `--runs`
/// is its default), in run and compare; it was a plain "error: --runs 1 per draw: ...".
#[test]
fn a_nested_runs_budget_is_refused_at_its_flag() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let u = write(
        d.path(),
        "u.toml",
        &format!(
            "extends = {base:?}\n\n[[uncertain]]\npath = \"model.war_cost\"\n\
             distribution = \"uniform\"\nrange = [0.5, 1.5]\n"
        ),
    );
    let u = u.to_str().unwrap();
    for cmd in [vec!["run", u], vec!["compare", u, u]] {
        for (extra, flag, value, said, help) in [
            (
                vec!["--runs", "1", "--draws", "3"],
                "--runs",
                "1",
                "expected at least 2 runs per draw, found 1",
                "a nested run estimates each draw's Monte Carlo spread from its runs: give \
                 --runs 2 or more",
            ),
            (
                vec!["--runs", "100000000000", "--draws", "1000"],
                "--runs",
                "100000000000",
                "expected draws x runs at most 1000000000000, found 1000 x 100000000000",
                "give fewer --draws or fewer --runs per draw",
            ),
        ] {
            let mut args = cmd.clone();
            args.extend(extra);
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            // After compare's warning that A and B are one file.
            let e = stderr(&o);
            let at = e.find(&format!("{flag}:1:1: ")).unwrap_or(0);
            assert_eq!(
                &e[at..],
                common::flag_fault_help(flag, value, 1, value.len(), said, help),
                "{args:?}"
            );
        }
    }
}

/// A numeric flag out of its range, negative, fractional, beyond 64 bits or a word gets one
/// message, "FLAG:1:1: error: expected ..., found VALUE" located in the value (as `--set`'s
/// and `--threshold`'s; it was "error: FLAG VALUE: expected ..."), exit 2, in every command
/// that takes the flag
/// (the message `--runs 0` already had). clap answered `--runs -1` and `--until-ci -0.1` with
/// "unexpected argument '-1' found" and the advice to write `-- -1` (which makes it a file
/// name), `--runs 1.5` with "invalid digit found in string", `--runs 2^64` with "number too
/// large to fit in target type", `--threads 5000` with "at most 1024 threads".
#[test]
fn every_numeric_flag_fault_gets_the_range_message_in_every_command() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let commands: [Vec<&str>; 3] = [
        vec!["run", &base],
        vec!["compare", &base, &base],
        vec!["sweep", &sweep],
    ];
    let faults: [(&str, &[&str], &str); 5] = [
        (
            "--runs",
            &["0", "-1", "1.5", "18446744073709551616", "ten"],
            "expected an integer in [1, 1000000000000]",
        ),
        (
            "--seed",
            &["-5", "9223372036854775808", "x"],
            "expected an integer in [0, 9223372036854775807]",
        ),
        (
            "--threads",
            &["-1", "1025", "2.0"],
            "expected an integer in [0, 1024] (0 = one per core)",
        ),
        (
            "--horizon-years",
            &["0", "-2", "201", "1.5"],
            "expected an integer in [1, 200]",
        ),
        (
            "--until-ci",
            &["0", "-0.1", "0.5", "nan", "abc"],
            "expected a half-width in (0, 0.5)",
        ),
    ];
    for cmd in &commands {
        for (flag, values, expected) in faults {
            for v in values {
                let mut args = cmd.clone();
                args.extend([flag, v]);
                let o = run(&args);
                refused_for(&o, format_args!("{args:?}"));
                // A number as written, a word quoted ("found `ten`", "found `nan`").
                let found = if ["ten", "x", "nan", "abc"].contains(v) {
                    format!("`{v}`")
                } else {
                    v.to_string()
                };
                assert_eq!(
                    stderr(&o),
                    flag_fault(flag, v, 1, &format!("{expected}, found {found}")),
                    "{args:?}"
                );
                assert!(o.stdout.is_empty(), "{args:?}");
            }
        }
    }
    for cmd in [vec!["run", &base], vec!["compare", &base, &base]] {
        let mut args = cmd.clone();
        args.extend(["--draws", "-3"]);
        let o = run(&args);
        assert_eq!(
            stderr(&o),
            flag_fault(
                "--draws",
                "-3",
                1,
                "expected an integer in [1, 1000000], found -3"
            ),
            "{args:?}"
        );
    }
}

/// `deter compare` says under its "years to first use of force" means that they are censored
/// at the horizon (as `run` does under its own line), in the table and on the page: without
/// it a student reads 8.72 years as the mean time to force among the runs that saw force.
#[test]
fn compare_says_the_years_to_first_use_of_force_are_censored() {
    let d = tempfile::tempdir().unwrap();
    let page = d.path().join("c.html");
    let a = scenario("scenarios/western-balkans-2024.toml");
    let b = scenario("scenarios/shea-special-envoy.toml");
    let o = run(&[
        "compare",
        &a,
        &b,
        "--runs",
        "200",
        "--horizon-years",
        "4",
        "--no-attribution",
        "--report",
        page.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let note = "censored at 4 years, a run without any use of force counts 4; the share of \
                such runs is deterrence held";
    let table = stdout(&o);
    let at = table.find("years to first use of force ").expect("the row");
    assert!(
        table[at..].lines().nth(1).unwrap().contains(note),
        "{table}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(note), "the page has the note");
}

/// `--until-ci` stopped by its cap names the cap, not a flag the user did not give: with
/// `--runs 1000` and no `--max-runs` it said "reached --max-runs 1000".
#[test]
fn until_ci_names_its_cap_when_it_stops_there() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let o = run(&[
        "run",
        &base,
        "--until-ci",
        "0.001",
        "--runs",
        "1000",
        "--no-attribution",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        table.contains(
            "stopped because it reached the cap of 1,000 runs (--max-runs; by default --runs, else \
             the file's runs) before every headline 95% half-width was <= 0.001"
        ),
        "{table}"
    );
    assert!(!table.contains("reached --max-runs"), "{table}");
    // Grammatical: the sentence has its subject.
    assert!(!table.contains("because reached"), "{table}");
}

/// `extends = ""` names no file: it said "the base scenario `` is not valid (see below)" over
/// ": error: cannot read file: ..." (a file with no name).
#[test]
fn an_empty_extends_is_refused_at_its_value() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "overlay.toml", "extends = \"\"\n");
    let o = run(&["validate", f.to_str().unwrap()]);
    refused(&o);
    let err = stderr(&o);
    assert!(
        err.contains(
            "overlay.toml:1:11: error: extends: expected the base scenario's file name, found an empty string"
        ),
        "{err}"
    );
    assert!(
        err.contains("= help: e.g. extends = \"western-balkans-2024.toml\""),
        "{err}"
    );
    assert!(!err.contains("not valid"), "{err}");
}

/// A file that names a file it cannot find (an overlay's `extends`, a sweep's `base`, a levers
/// sweep's policy `file`) gave two errors for one fault: "the base scenario `X` is not valid
/// (see below)" and "DIR/X: error: cannot read file: ...". Now one error at the value, in the
/// words of a file named in a file ("cannot read file `PATH`: REASON", the path it was looked
/// for), with a help line saying the name is read relative to the naming file's directory,
/// and that a file of that name in the current directory is not the one it names.
#[test]
fn a_named_file_that_cannot_be_read_is_one_error_at_its_name() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    // The base sits in the current directory, not beside the files that name it.
    std::fs::copy(
        scenario("scenarios/western-balkans-2024.toml"),
        d.path().join("wb.toml"),
    )
    .unwrap();
    write(&d.path().join("sub"), "ov.toml", "extends = \"wb.toml\"\n");
    write(
        &d.path().join("sub"),
        "sweep.toml",
        "base = \"wb.toml\"\nruns = 5\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.5, 1.0]\n",
    );
    write(
        &d.path().join("sub"),
        "levers.toml",
        "base = \"../wb.toml\"\nruns = 5\ndesign = \"lhs\"\npoints = 2\n[[policy]]\nid = \"baseline\"\n\
         [[policy]]\nid = \"envoy\"\nfile = \"wb.toml\"\n[[parameter]]\n\
         path = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.5, 1.0]\n",
    );
    let cases = [
        (
            &["validate", "sub/ov.toml"][..],
            "sub/ov.toml:1:11: error: extends: ",
            "the base scenario",
        ),
        (
            &["run", "sub/ov.toml", "--runs", "5"][..],
            "sub/ov.toml:1:11: error: extends: ",
            "the base scenario",
        ),
        (
            &["validate", "sub/sweep.toml"][..],
            "sub/sweep.toml:1:8: error: base: ",
            "the base scenario",
        ),
        (
            &["sweep", "sub/sweep.toml"][..],
            "sub/sweep.toml:1:8: error: base: ",
            "the base scenario",
        ),
        (
            &["validate", "sub/levers.toml"][..],
            "sub/levers.toml:9:8: error: policy[1].file: ",
            "the scenario of policy `envoy`",
        ),
    ];
    for (args, at, what) in cases {
        let o = common::run_in(d.path(), args);
        refused(&o);
        let e = stderr(&o);
        let want =
            format!("{at}cannot read file `sub/wb.toml`: No such file or directory (os error 2)\n");
        assert!(e.starts_with(&want), "{args:?}:\n{e}\nwant: {want}");
        assert!(
            e.contains(&format!(
                "= help: {what} `wb.toml` is looked for relative to the directory of this file, \
                 `sub`, not the current directory (which has a `wb.toml`)\n"
            )),
            "{args:?}:\n{e}"
        );
        assert!(e.ends_with("1 error found\n"), "{args:?}:\n{e}");
        assert!(!e.contains("not valid"), "{args:?}:\n{e}");
    }
}

/// A levers x futures sweep stopped during its first policy leaves every row of one policy,
/// each in a future of its own: `deter robust` reported "0 policies and the status quo across
/// N futures" and wrote a table. Refused as incomplete (exit 2), as a file with two policies
/// partly present is, and nothing is written.
#[test]
fn robust_refuses_the_results_of_a_sweep_stopped_during_its_first_policy() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("table.csv");
    for names in [&["baseline"][..], &["envoy"][..]] {
        let results = results_of(d.path(), names);
        let o = deter()
            .arg("robust")
            .arg(&results)
            .args(["--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        refused(&o);
        let e = stderr(&o);
        assert!(
            e.contains(&format!("only one policy (`{}`, in 3 futures)", names[0])),
            "{e}"
        );
        assert!(e.contains("an incomplete sweep?"), "{e}");
        assert!(e.contains("--resume"), "{e}");
        assert!(!out.exists(), "a table was written");
    }
    // A policy without a row for a future: at the policy cell of its first row, as every
    // cell's fault of a results file (it said "policy `envoy` has no row for future 1"
    // without a location).
    let full = results_of(d.path(), &["baseline", "envoy"]);
    let text = std::fs::read_to_string(&full).unwrap();
    let gap: String = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 5)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let gapped = write(d.path(), "gap.csv", &gap);
    let o = deter()
        .arg("robust")
        .arg(&gapped)
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "{}:5:3: error: column `policy`: policy `envoy` has no row for future 1 (an \
             incomplete sweep?)\n",
            gapped.display()
        )),
        "{e}"
    );
    assert!(e.contains("= help: future 1 has rows from line 3"), "{e}");
    assert!(!out.exists(), "a table was written");
    // Two policies, complete: accepted (the refusal is about the count, not the file).
    let o = deter()
        .arg("robust")
        .arg(results_of(d.path(), &["baseline", "envoy"]))
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    succeeded(&o);
}

/// `-` (the Unix spelling of standard input) said "cannot read file: No such file or
/// directory" with no hint. Every command that reads a file now says that standard input is
/// not read and what to do, exit 2, with the "cannot read file" prefix of every unreadable
/// input; a file that is really named `-` is still read.
#[test]
fn a_dash_for_standard_input_is_explained_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["run", "-"], "scenario"),
        (&["validate", "-"], "scenario"),
        (&["compare", "-", "-"], "scenario"),
        (&["sweep", "-"], "sweep"),
        (&["robust", "-"], "results"),
        (&["discover", "-", "--where", "a > 1"], "results"),
    ];
    for (args, noun) in cases {
        let o = deter().current_dir(d.path()).args(args).output().unwrap();
        refused_for(&o, format_args!("{args:?}: {o:?}"));
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "-: error: cannot read file: there is no file `-`, and reading {noun} files \
                 from standard input is not supported"
            )),
            "{args:?}: {e}"
        );
        assert!(
            e.contains("help: save it to a file and give that file's path instead of `-`"),
            "{args:?}: {e}"
        );
    }
    // The list of `--files-from` is a file list, not a "file list file".
    let o = deter()
        .current_dir(d.path())
        .args(["run", "--files-from", "-"])
        .output()
        .unwrap();
    let e = refused(&o);
    assert!(
        e.contains(
            "there is no file `-`, and reading file lists from standard input is not supported"
        ),
        "{e}"
    );
    // A file named `-` is a file.
    std::fs::copy(
        root().join("scenarios/western-balkans-2024.toml"),
        d.path().join("-"),
    )
    .unwrap();
    let o = deter()
        .current_dir(d.path())
        .args(["validate", "-"])
        .output()
        .unwrap();
    succeeded(&o);
    assert!(stdout(&o).starts_with("-: ok"), "{}", stdout(&o));
}

// Trial 6: faults of a fresh user (README, docs/*.md and --help only), one test each.

/// A small plain sweep over the bundled baseline (4 LHS points x 40 runs).
fn small_sweep(dir: &Path) -> PathBuf {
    let text = format!(
        "base = {:?}\nruns = 40\nseed = 11\ndesign = \"lhs\"\npoints = 4\n\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.4, 1.6]\n",
        scenario("scenarios/western-balkans-2024.toml"),
    );
    write(dir, "sweep.toml", &text)
}

/// Two sweeps writing the same `--out` at once interleaved their rows (and tore some) in one
/// file, and both exited 0. The second is now refused (exit 2, as every output a command may
/// not write; it was exit 1, a runtime failure) before it writes anything:
/// neither the results nor the resume marker change. The test holds the lock a running sweep
/// holds (an exclusive lock on the results file), so no timing is involved.
#[test]
fn a_second_sweep_on_the_same_results_file_is_refused_while_the_first_runs() {
    let d = tempfile::tempdir().unwrap();
    let sweep = small_sweep(d.path());
    let out = write(d.path(), "r.csv", "rows of a sweep in progress\n");
    let held = std::fs::OpenOptions::new().write(true).open(&out).unwrap();
    held.lock().unwrap();
    for extra in [&[][..], &["--resume"][..]] {
        let mut args = vec![
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        args.push("-q");
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        stderr_says(&o, "is being written by another deter sweep right now");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "rows of a sweep in progress\n"
        );
        assert!(!d.path().join("r.csv.sweep").exists());
    }
    // Once the lock is released the same command runs, and writes the results.
    drop(held);
    let o = sweep_to(&sweep, &out);
    succeeded(&o);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 5);
}

/// Two `deter calibrate` on one `--out` directory: each output is written atomically, but the
/// second would leave its `state.json` beside the first's posterior. While one calibration
/// holds the directory another is refused (exit 2, as a sweep on locked results) before it
/// writes anything; once it is
/// released the same command runs and writes every output.
#[test]
fn a_second_calibration_on_the_same_directory_is_refused_while_the_first_runs() {
    let d = tempfile::tempdir().unwrap();
    let history = root().join("scenarios/history");
    let cal = write(
        d.path(),
        "cal.toml",
        &format!(
            "seed = 5\nparticles = 10\nmax_generations = 2\npredictive_draws = 5\n\
             statistics = [\"use_of_force\", \"war\"]\ncases = [{:?}]\n\
             [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\n",
            history.join("serbia-kosovo.record.toml").to_str().unwrap()
        ),
    );
    let out = d.path().join("cal-out");
    std::fs::create_dir(&out).unwrap();
    let held = std::fs::File::open(&out).unwrap();
    held.lock().unwrap();
    let args = [
        "calibrate",
        cal.to_str().unwrap(),
        "--threads",
        "1",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    for extra in [&[][..], &["--resume"][..]] {
        let mut a = args.to_vec();
        a.extend_from_slice(extra);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(2), "{a:?}: {o:?}");
        stderr_says(&o, "is being written by another deter calibrate right now");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "{a:?} wrote");
    }
    drop(held);
    let o = run(&args);
    succeeded(&o);
    for name in [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ] {
        assert!(out.join(name).is_file(), "calibrate wrote {name}");
    }
    // A state of this calibration that looks interrupted (no stop reason) while another
    // calibrate holds the directory: that one is writing it right now, so the refusal is the
    // lock's, not "interrupted ... --resume" (which the check of the state gave when it ran
    // before the lock); once released, the interrupted state is named as before.
    let state = out.join("state.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    v["stopped"] = serde_json::Value::Null;
    // Interrupted before its last generation (a state with every generation of
    // `max_generations = 2` and no stop is damaged, not interrupted).
    let generations = v["history"].as_array_mut().unwrap();
    generations.truncate(1);
    std::fs::write(&state, serde_json::to_vec(&v).unwrap()).unwrap();
    let before = std::fs::read(&state).unwrap();
    let held = std::fs::File::open(&out).unwrap();
    held.lock().unwrap();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    stderr_says(&o, "is being written by another deter calibrate right now");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("holds this calibration"), "{err}");
    drop(held);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    stderr_says(&o, "holds this calibration, interrupted after");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "a refusal rewrote the state"
    );
}

/// `--plots DIR` where no directory can be created (here under `/proc`, refused to every
/// user, root included) was found only after the whole simulation: `deter run` exited 1
/// after writing its `--out`, `deter sweep` after writing every row, `deter calibrate --out`
/// said "cannot create" with exit 1 while an unwritable `--out FILE` got exit 2 before any
/// work. Every command now refuses it before any work with the message of an unwritable
/// `--out` ("cannot write to directory `DIR`: REASON", without the probe file's name), exit 2,
/// and writes nothing.
#[cfg(target_os = "linux")]
#[test]
fn an_output_directory_that_cannot_be_created_is_refused_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = small_sweep(d.path());
    let out = d.path().join("out.json");
    let csv = d.path().join("r.csv");
    let (o, s, c) = (
        out.to_str().unwrap(),
        sweep.to_str().unwrap(),
        csv.to_str().unwrap(),
    );
    let plots = "/proc/deter-plots-test";
    // The reference: an --out in the same directory.
    let reference = run(&[
        "run",
        &base,
        "--runs",
        "20",
        "--out",
        "/proc/deter-out.json",
    ]);
    refused(&reference);
    let expected = stderr(&reference);
    // At `--out`, in the words of a directory option's fault, with a help line.
    let at_out = "--out:1:1: error: expected a file in a directory deter can create files in, \
                  found `/proc/deter-out.json`: ";
    assert!(
        expected.starts_with(&format!("{at_out}cannot write to directory `/proc`: ")),
        "{expected}"
    );
    assert!(
        expected.contains(
            "= help: --out names the file to write: name one in a directory you can write to"
        ),
        "{expected}"
    );
    assert!(
        !expected.contains(".tmp") && !expected.contains("at path"),
        "{expected}"
    );
    // The real cause: `/proc` exists; it does not take new files (the system's bare "No
    // such file or directory" named a missing file that is not the fault).
    assert!(
        expected.contains("it exists but does not accept new files")
            && expected.contains("virtual file system"),
        "{expected}"
    );
    let calib = scenario("scenarios/history/calibrate.toml");
    // The directories' options say it at their value, in the same words after "found".
    let reason = expected
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches(at_out)
        .trim_end();
    for (flag, args) in [
        (
            "--plots",
            vec!["run", &base, "--runs", "20", "--out", o, "--plots", plots],
        ),
        (
            "--plots",
            vec![
                "compare", &base, &base, "--runs", "20", "--out", o, "--plots", plots,
            ],
        ),
        (
            "--plots",
            vec!["sweep", s, "--out", c, "--plots", plots, "-q"],
        ),
        ("--out", vec!["calibrate", &calib, "--out", plots, "-q"]),
    ] {
        let r = run(&args);
        refused_for(&r, format_args!("{args:?}: {r:?}"));
        let said = format!(
            "{flag}:1:1: error: expected a directory deter can create files in, found \
             `{plots}`: {reason}\n"
        );
        assert!(stderr(&r).starts_with(&said), "{args:?}: {}", stderr(&r));
        assert!(!out.exists() && !csv.exists(), "{args:?} wrote its output");
    }
}

/// Start `deter ARGS`, wait until it simulates (its worker threads exist), send SIGINT and
/// return its exit code and standard error. The wait for the exit is a guard against a hang,
/// not a timing assertion.
#[cfg(unix)]
fn interrupt_sweep(args: &[String]) -> (Option<i32>, String) {
    use std::process::Stdio;
    let mut child = std::process::Command::new(bin())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    common::wait_until_simulating(&mut child, format_args!("{args:?}"));
    common::stopped_by_ctrl_c(&mut child, 2000, format_args!("{args:?}"))
}

/// An interrupted sweep run with `--runs`, `--seed` (or `--horizon-years`, `--until-ci`,
/// `--format`, ...) said "run `deter sweep FILE --out OUT --resume` to complete it"; that
/// command, without the options, was refused (exit 2: "was started with other sweep
/// settings"). The advice now carries every option the resume fingerprint covers, and
/// following it resumes the sweep (here interrupted again: exit 130, not 2).
#[cfg(unix)]
#[test]
fn the_resume_advice_of_an_interrupted_sweep_is_a_command_that_resumes_it() {
    let d = tempfile::tempdir().unwrap();
    let sweep = small_sweep(d.path());
    let out = d.path().join("r.csv");
    let args: Vec<String> = [
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--runs",
        "100000000000",
        "--seed",
        "5",
        "--format",
        "csv",
        "--threads",
        "2",
        "-q",
    ]
    .map(String::from)
    .to_vec();
    let (code, err) = interrupt_sweep(&args);
    assert_eq!(code, Some(130), "{err}");
    let advice = err
        .split("run `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .unwrap_or_else(|| panic!("no advice in {err}"));
    assert!(
        advice.contains("--runs 100000000000") && advice.contains("--seed 5"),
        "{advice}"
    );
    let words: Vec<String> = advice
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect();
    assert_eq!(
        words.last().map(String::as_str),
        Some("--resume"),
        "{advice}"
    );
    let (code, err) = interrupt_sweep(&words);
    assert_eq!(code, Some(130), "{advice}: {err}");
}

/// `deter bench` kept clap's messages for its numeric flags after every other command got the
/// range message ("error: FLAG VALUE: expected ..."): `--runs -5` and `--seed -1` said
/// "unexpected argument '-5' found" with the advice to write `-- -5`, `--runs 1.5` "invalid
/// digit found in string", and `--repeat 0` ran once as if it were 1. The messages are taken
/// from `deter run`, which gets them right; bench's own flags read the same way.
#[test]
fn bench_flags_get_the_range_message_of_every_command() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    for (flag, value) in [
        ("--runs", "-5"),
        ("--runs", "1.5"),
        ("--runs", "0"),
        ("--seed", "-1"),
        ("--seed", "abc"),
        ("--threads", "-1"),
    ] {
        let reference = run(&["run", &base, flag, value]);
        refused(&reference);
        let expected = first_line(&stderr(&reference)).to_string();
        assert!(
            expected.starts_with(&format!("{flag}:1:1: error: expected ")),
            "{expected}"
        );
        let o = run(&["bench", flag, value]);
        refused_for(&o, format_args!("{flag} {value}: {o:?}"));
        assert_eq!(first_line(&stderr(&o)), expected, "{flag} {value}");
    }
    for (flag, value, range) in [
        ("--repeat", "0", "[1, 1000]"),
        ("--repeat", "-1", "[1, 1000]"),
        ("--sweep-points", "-1", "[1, 1000000000000]"),
        ("--sweep-points", "0", "[1, 1000000000000]"),
        ("--runs-per-point", "abc", "[1, 1000000000000]"),
    ] {
        let mut args = vec!["bench", flag, value];
        if flag == "--runs-per-point" {
            args.extend(["--sweep-points", "1"]);
        }
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}: {o:?}"));
        let found = if value == "abc" { "`abc`" } else { value };
        assert_eq!(
            stderr(&o),
            flag_fault(
                flag,
                value,
                1,
                &format!("expected an integer in {range}, found {found}")
            ),
            "{args:?}"
        );
    }
}

/// A record's event `date` was read by its year and month only: `2008-02-30`, `2008-02-00`,
/// `2008-2-17` and `2008-02-banana` passed `deter validate` and calibrated. A date must be
/// `YYYY-MM` or `YYYY-MM-DD` with a day that exists; anything else gets the message a month
/// 13 already got, at the value.
#[test]
fn a_record_date_that_does_not_exist_is_refused_at_its_value() {
    let d = tempfile::tempdir().unwrap();
    let history = root().join("scenarios/history");
    std::fs::copy(
        history.join("serbia-kosovo-2008.toml"),
        d.path().join("serbia-kosovo-2008.toml"),
    )
    .unwrap();
    let text = std::fs::read_to_string(history.join("serbia-kosovo.record.toml")).unwrap();
    let first = "date = \"2008-02-17\"";
    assert!(text.contains(first));
    let record = d.path().join("serbia-kosovo.record.toml");
    let line = text[..text.find(first).unwrap()].lines().count() + 1;
    for bad in [
        "2008-13-01",
        "2008-02-30",
        "2007-02-29",
        "2008-04-31",
        "2008-02-00",
        "2008-2-17",
        "2008-02-banana",
        "2008-02-17-01",
        "08-02-17",
    ] {
        std::fs::write(
            &record,
            text.replacen(first, &format!("date = \"{bad}\""), 1),
        )
        .unwrap();
        let o = run(&["validate", record.to_str().unwrap()]);
        refused_for(&o, format_args!("{bad}: {o:?}"));
        assert!(
            stderr(&o).starts_with(&format!(
                "{}:{line}:8: error: event[0].date: expected a date as \"YYYY-MM\" or \"YYYY-MM-DD\", found \"{bad}\"",
                record.display()
            )),
            "{bad}: {}",
            stderr(&o)
        );
        // A day the month does not have is said so, with the month's length (computed here
        // by the calendar's rule, not read from the message's code).
        let help = stderr(&o)
            .lines()
            .find_map(|l| l.trim().strip_prefix("= help: ").map(str::to_string));
        let want = match bad {
            "2008-02-30" => Some("no such day: February 2008 has 29 days"),
            "2007-02-29" => Some("no such day: February 2007 has 28 days"),
            "2008-04-31" => Some("no such day: April 2008 has 30 days"),
            "2008-02-00" => Some("no such day: February 2008 has 29 days"),
            _ => None,
        };
        assert_eq!(help.as_deref(), want, "{bad}: {}", stderr(&o));
    }
    for good in ["2008-02-29", "2008-02", "2008-12-31"] {
        std::fs::write(
            &record,
            text.replacen(first, &format!("date = \"{good}\""), 1),
        )
        .unwrap();
        let o = run(&["validate", record.to_str().unwrap()]);
        succeeded_for(&o, format_args!("{good}: {o:?}"));
    }
}

/// `deter robust --threshold use_of_force=2` printed a satisficing column "<=200.0%" met in
/// every future (and `=-1` one met in none), and a second `--threshold` for the same outcome
/// silently replaced the first, while the sweep file's `satisficing` and `deter discover
/// --above` refuse a probability outside [0, 1]. Both are refused (exit 2) before anything
/// is written, in the words and form of `discover --above`.
#[test]
fn robust_refuses_a_threshold_outside_0_1_and_two_for_one_outcome() {
    let d = tempfile::tempdir().unwrap();
    let results = results_of(d.path(), &["baseline", "pact"]);
    let r = results.to_str().unwrap();
    let out = d.path().join("rob.csv");
    let reference = run(&["discover", r, "--outcome", "use_of_force", "--above", "2"]);
    refused(&reference);
    assert!(stderr(&reference).contains(
        ": expected a number in [0, 1] (`use_of_force` is a probability, a share of runs;"
    ));
    for (args, expected) in [
        (
            vec!["--threshold", "use_of_force=2"],
            "--threshold:1:14: error: use_of_force: expected a number in [0, 1] \
             (`use_of_force` is a probability, a share of runs; a threshold outside it is met \
             in every future or in none), found 2",
        ),
        (
            vec!["--threshold", "war=-1"],
            "--threshold:1:5: error: war: expected a number in [0, 1] (`war` is a probability, \
             a share of runs; a threshold outside it is met in every future or in none), found \
             -1",
        ),
        (
            vec!["--threshold", "war=0.1", "--threshold", "war=0.2"],
            "--threshold:1:1: error: `war` has a threshold already (`war=0.1`); give one per \
             outcome",
        ),
    ] {
        let mut all = vec!["robust", r, "--out", out.to_str().unwrap()];
        all.extend(args);
        let o = run(&all);
        refused_for(&o, format_args!("{all:?}: {o:?}"));
        assert_eq!(first_line(&stderr(&o)), expected, "{all:?}");
        assert!(!out.exists());
    }
    let o = run(&[
        "robust",
        r,
        "--out",
        out.to_str().unwrap(),
        "--threshold",
        "war=1",
    ]);
    succeeded(&o);
}

/// A calibration's posterior as a sweep's `futures` (docs/SWEEPS.md: "such as `deter
/// calibrate`'s posterior"): the bundled calibration's posterior has case parameters
/// (`serbia-kosovo/rivalry.*.opportunity_rate`), which `deter run --posterior` skips and the
/// sweep refused ("is not a parameter of the base scenario"), followed by a second, false
/// error ("points: a grid takes its points from each parameter's `values` or `levels`") on
/// every fault of the file. A column named twice passed both readers, the later value
/// winning. Now: case columns are skipped, one error per fault, a repeated column refused by
/// both readers in the same words.
#[test]
fn a_calibration_posterior_gives_a_sweep_its_futures_and_a_repeated_column_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let posterior = write(
        d.path(),
        "posterior.csv",
        "# deter calibrate: posterior draws\n\
         draw,model.war_cost,serbia-kosovo/rivalry.*.opportunity_rate,weight,distance\n\
         0,0.5,1.2,0.25,3\n1,1.5,0.4,0.75,2\n",
    );
    let sweep = write(
        d.path(),
        "sweep.toml",
        &format!(
            "base = {:?}\nruns = 20\npoints = 4\nfutures = \"posterior.csv\"\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let out = d.path().join("r.csv");
    let (s, o) = (sweep.to_str().unwrap(), out.to_str().unwrap());
    let r = run(&["sweep", s, "--out", o, "-q"]);
    succeeded(&r);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("point,model.war_cost,runs,"), "{text}");
    // Every future is one of the two draws' values.
    for row in text.lines().skip(1) {
        let v = row.split(',').nth(1).unwrap();
        assert!(v == "0.5" || v == "1.5", "{row}");
    }
    // A fault of the file: one error, located at `futures`.
    std::fs::write(
        &posterior,
        "draw,model.war_cost,weight,distance\n0,0.5,-1,0\n",
    )
    .unwrap();
    let r = run(&["sweep", s, "--out", o, "-q"]);
    refused(&r);
    assert!(stderr(&r).ends_with("1 error found\n"), "{}", stderr(&r));
    assert!(
        !stderr(&r).contains("a grid takes its points"),
        "{}",
        stderr(&r)
    );
    // A repeated column, in both readers.
    std::fs::write(
        &posterior,
        "draw,model.war_cost,model.war_cost,weight,distance\n0,0.5,0.6,1,0\n",
    )
    .unwrap();
    let said = "column `model.war_cost` appears twice (columns 2 and 3)";
    let r = run(&["sweep", s, "--out", o, "-q"]);
    refused(&r);
    // At the second occurrence in both (the sweep's carried under its `futures` key).
    stderr_says(
        &r,
        &format!("futures: posterior.csv:1:21: column `model.war_cost`: {said}"),
    );
    let base = scenario("scenarios/western-balkans-2024.toml");
    let p = posterior.to_str().unwrap();
    let r = run(&[
        "run",
        &base,
        "--posterior",
        p,
        "--draws",
        "2",
        "--runs",
        "5",
        "-q",
    ]);
    refused(&r);
    assert_eq!(
        first_line(&stderr(&r)),
        format!("{p}:1:21: error: column `model.war_cost`: {said}")
    );
    // A draw twice: refused at its repeated cell, in the words of the other readers'
    // repeated rows (it was accepted, the draw's parameters counted twice).
    std::fs::write(
        &posterior,
        "draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,0.6,1,0\n0,0.7,1,0\n",
    )
    .unwrap();
    let r = run(&[
        "run",
        &base,
        "--posterior",
        p,
        "--draws",
        "2",
        "--runs",
        "5",
        "-q",
    ]);
    refused(&r);
    let e = stderr(&r);
    assert_eq!(
        first_line(&e),
        format!("{p}:4:1: error: column `draw`: draw 0 appears twice (first on line 2)")
    );
    assert!(e.contains("remove the repeated row"), "{e}");
    assert!(e.ends_with("1 error found\n"), "{e}");
}

/// A draw id twice in a sweep's `futures` (a row pasted again, two files joined) was taken,
/// the draw counted twice in the resampling, where `deter run --posterior` refuses it at its
/// cell. Now refused by both readers in the same words and help, at the repeated cell (by
/// value: `0.0` repeats `0`); a `draw` cell that is not a number, in the posterior's words.
/// Two columns of a file of draws that spell one scenario parameter two ways (a policy
/// change's `name` and its `changes[K].set`; an index written `[00]`) were both read, the
/// later silently winning in every draw: refused at the second, naming the first, in `run
/// --posterior`, `compare --posterior` and a sweep's `futures` alike, as a column named twice
/// is (exit 2).
#[test]
fn a_file_of_draws_naming_one_parameter_in_two_columns_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let envoy = scenario("scenarios/shea-special-envoy.toml");
    let both = scenario("scenarios/combined-proposals.toml");
    let posterior = write(
        d.path(),
        "posterior.csv",
        "draw,policy.special-envoy.changes[0].set,policy.special-envoy.monitoring_target,weight,distance\n\
         0,0.6,0.7,1,0\n1,0.5,0.8,1,0\n",
    );
    let p = posterior.to_str().unwrap();
    let said = format!(
        "{p}:1:42: error: column `policy.special-envoy.monitoring_target`: \
         `policy.special-envoy.monitoring_target` is the same scenario parameter as column \
         `policy.special-envoy.changes[0].set` (columns 2 and 3)"
    );
    let nested = ["--posterior", p, "--draws", "2", "--runs", "5", "-q"];
    let r = run(&[&["run", envoy.as_str()][..], &nested[..]].concat());
    refused(&r);
    assert_eq!(first_line(&stderr(&r)), said);
    assert!(
        stderr(&r).contains("give each parameter one column"),
        "{}",
        stderr(&r)
    );
    assert!(stderr(&r).ends_with("1 error found\n"), "{}", stderr(&r));
    let r = run(&[&["compare", envoy.as_str(), both.as_str()][..], &nested[..]].concat());
    refused(&r);
    assert_eq!(first_line(&stderr(&r)), said);
    // An index written `[00]`, in a sweep's futures: at the futures key, the same words.
    std::fs::write(
        &posterior,
        "draw,policy.special-envoy.changes[0].set,policy.special-envoy.changes[00].set,weight,distance\n\
         0,0.6,0.7,1,0\n",
    )
    .unwrap();
    let sweep = write(
        d.path(),
        "sweep.toml",
        &format!("base = {envoy:?}\nruns = 20\npoints = 2\nfutures = \"posterior.csv\"\n"),
    );
    let out = d.path().join("r.csv");
    let r = run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    refused(&r);
    stderr_says(
        &r,
        "futures: posterior.csv:1:42: column `policy.special-envoy.changes[00].set`: \
         `policy.special-envoy.changes[00].set` is the same scenario parameter as column \
         `policy.special-envoy.changes[0].set` (columns 2 and 3)",
    );
    assert!(!out.exists());
}

#[test]
fn a_repeated_draw_in_a_sweeps_futures_is_refused_as_the_posterior_refuses_it() {
    let d = tempfile::tempdir().unwrap();
    let posterior = write(
        d.path(),
        "posterior.csv",
        "draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,0.6,1,0\n0.0,0.7,1,0\n",
    );
    let sweep = write(
        d.path(),
        "sweep.toml",
        &format!(
            "base = {:?}\nruns = 5\npoints = 2\nfutures = \"posterior.csv\"\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let out = d.path().join("r.csv");
    let (s, o, p) = (
        sweep.to_str().unwrap(),
        out.to_str().unwrap(),
        posterior.to_str().unwrap(),
    );
    let said = "column `draw`: draw 0.0 appears twice (first on line 2)";
    let help = "= help: a file of draws holds one row per draw: remove the repeated row";
    let r = run(&["sweep", s, "--out", o, "-q"]);
    let e = refused(&r);
    stderr_says(&r, &format!("futures: posterior.csv:4:1: {said}"));
    assert!(e.contains(help), "{e}");
    assert!(e.ends_with("1 error found\n"), "{e}");
    assert!(!out.exists());
    let base = scenario("scenarios/western-balkans-2024.toml");
    let posterior_run = |text: &str| {
        std::fs::write(&posterior, text).unwrap();
        run(&[
            "run",
            &base,
            "--posterior",
            p,
            "--draws",
            "2",
            "--runs",
            "5",
            "-q",
        ])
    };
    let r =
        posterior_run("draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,0.6,1,0\n0.0,0.7,1,0\n");
    let e = refused(&r);
    assert_eq!(first_line(&e), format!("{p}:4:1: error: {said}"));
    assert!(e.contains(help), "{e}");
    // A draw id that is not a number: the same words in both.
    let r = posterior_run("draw,model.war_cost,weight,distance\n0,0.5,1,0\nx,0.6,1,0\n");
    let e = refused(&r);
    let words = first_line(&e)
        .strip_prefix(&format!("{p}:3:1: error: "))
        .unwrap_or_else(|| panic!("{e}"))
        .to_string();
    let r = run(&["sweep", s, "--out", o, "-q"]);
    refused(&r);
    stderr_says(&r, &format!("futures: posterior.csv:3:1: {words}"));
    // Distinct ids, no `draw` column: taken.
    std::fs::write(&posterior, "model.war_cost,weight\n0.5,1\n0.5,1\n").unwrap();
    succeeded(&run(&["sweep", s, "--out", o, "-q"]));
}

/// A path of a `--files-from` list that does not exist said only "nope.toml: error: cannot
/// read file: No such file or directory", without the list's file and line (a scenario file
/// given as the list by mistake gave one such line per line of TOML). It is now reported at
/// its line of the list, with where a relative path is read from; the files that exist are
/// not run.
#[test]
fn a_missing_file_of_a_files_from_list_is_reported_at_its_line() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("scenarios/western-balkans-2024.toml"),
        d.path().join("wb.toml"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("list.txt"),
        "wb.toml\n  # a comment\n\n  nope.toml\n",
    )
    .unwrap();
    let o = deter()
        .current_dir(d.path())
        .args([
            "run",
            "--files-from",
            "list.txt",
            "--runs",
            "10",
            "--no-attribution",
        ])
        .output()
        .unwrap();
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with(
            "list.txt:4:3: error: cannot read file `nope.toml`: No such file or directory"
        ),
        "{e}"
    );
    assert!(
        e.contains(
            "help: a relative path in a --files-from list is read from the current directory"
        ),
        "{e}"
    );
    assert!(e.ends_with("1 error found\n"), "{e}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

/// A scenario given as the list of `--files-from` (`deter run --files-from wb.toml`, for
/// `deter run wb.toml`) was read as a list: one "cannot read file `[scenario]`" error per line
/// of TOML, 100 of them for the bundled baseline. A file of a kind deter knows (a scenario,
/// sweep, calibration or record, or a file deter wrote) is now refused as what it is, in the
/// words `deter run` gives a file of the wrong kind, one error, exit 2; a real list, and a
/// list given as a pipe, still run.
#[test]
fn a_scenario_given_as_a_files_from_list_is_refused_as_what_it_is() {
    let d = tempfile::tempdir().unwrap();
    let wb = root().join("scenarios/western-balkans-2024.toml");
    std::fs::copy(&wb, d.path().join("wb.toml")).unwrap();
    let sweep = root().join("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let calib = root().join("scenarios/history/calibrate.toml");
    for (list, noun, help) in [
        (
            wb.to_str().unwrap(),
            "scenario",
            "help: give a scenario file as an argument: `deter run FILE`",
        ),
        (
            sweep.to_str().unwrap(),
            "sweep",
            "help: `deter sweep FILE --out RESULTS.csv` runs it",
        ),
        (
            calib.to_str().unwrap(),
            "calibration",
            "help: `deter calibrate FILE` runs it",
        ),
    ] {
        let o = run_in(
            d.path(),
            &[
                "run",
                "--files-from",
                list,
                "--runs",
                "10",
                "--no-attribution",
            ],
        );
        let e = refused_for(&o, list);
        assert!(
            e.starts_with(&format!(
                "{list}: error: this is a {noun} file; `--files-from` takes a file list: one \
                 scenario file path a line\n"
            )),
            "{e}"
        );
        assert!(e.contains(help), "{e}");
        assert!(e.ends_with("\n1 error found\n"), "{e}");
        assert!(!e.contains("cannot read file"), "{e}");
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    }
    // A partial file deter wrote: said what it is.
    let part = d.path().join("part-0.json");
    succeeded(&run_in(
        d.path(),
        &[
            "run",
            "wb.toml",
            "--runs",
            "20",
            "--shard",
            "0/2",
            "--out",
            "part-0.json",
            "-q",
        ],
    ));
    let o = run_in(
        d.path(),
        &[
            "run",
            "--files-from",
            part.to_str().unwrap(),
            "--runs",
            "10",
        ],
    );
    let e = refused(&o);
    assert!(
        e.contains(
            "error: this is a partial file (a shard's or a stopped run's): `deter merge` reads \
             it; `--files-from` takes a file list: one scenario file path a line"
        ),
        "{e}"
    );
    // A list still runs, as a file and as a pipe.
    std::fs::write(d.path().join("list.txt"), "# the baseline\nwb.toml\n").unwrap();
    succeeded(&run_in(
        d.path(),
        &[
            "run",
            "--files-from",
            "list.txt",
            "--runs",
            "10",
            "--no-attribution",
        ],
    ));
    #[cfg(unix)]
    {
        let o = std::process::Command::new("sh")
            .current_dir(d.path())
            .arg("-c")
            .arg(format!(
                "cat list.txt | \"{}\" run --files-from /dev/stdin --runs 10 --no-attribution",
                bin().display()
            ))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
    }
}

/// Only the missing entries of a `--files-from` list were reported at their lines: an entry
/// that is a directory, that goes through a file (`wb.toml/x`: not a directory) or that is a
/// pipe was reported without the list's FILE:LINE, and only once the missing ones were fixed
/// (one kind of fault a round: the missing files, then the pipes, then the rest). Every
/// entry that cannot be read is now reported at its line of the list, in one message, exit 2,
/// before any file is read; the readable entries are not run.
#[test]
fn every_unreadable_entry_of_a_files_from_list_is_reported_at_its_line_at_once() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("scenarios/western-balkans-2024.toml"),
        d.path().join("wb.toml"),
    )
    .unwrap();
    std::fs::create_dir(d.path().join("adir")).unwrap();
    let mut lines = vec!["wb.toml", "adir", "wb.toml/x", "nope.toml"];
    #[cfg(unix)]
    {
        let fifo = d.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            lines.push("fifo");
        }
    }
    std::fs::write(d.path().join("list.txt"), lines.join("\n") + "\n").unwrap();
    let o = deter()
        .current_dir(d.path())
        .args([
            "run",
            "--files-from",
            "list.txt",
            "--runs",
            "10",
            "--no-attribution",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let e = stderr(&o);
    assert!(
        e.starts_with("list.txt:2:1: error: cannot read file `adir`: Is a directory"),
        "{e}"
    );
    assert!(
        e.contains("\nlist.txt:3:1: error: cannot read file `wb.toml/x`: Not a directory"),
        "{e}"
    );
    assert!(
        e.contains(
            "\nlist.txt:4:1: error: cannot read file `nope.toml`: No such file or directory"
        ),
        "{e}"
    );
    let faults = lines.len() - 1;
    if lines.contains(&"fifo") {
        assert!(
            e.contains(
                "\nlist.txt:5:1: error: `fifo` is not a regular file (a pipe, `<(...)` or a device)"
            ),
            "{e}"
        );
    }
    assert!(e.ends_with(&format!("{faults} errors found\n")), "{e}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

/// The same fault of a file of draws read as `deter run --posterior` and as a sweep's
/// `futures` was worded three ways apart: "negative weight -1" against "line 2: weight `-1` is
/// not a number >= 0", "expected 4 finite numbers separated by commas" against "line 2: 3
/// cells, the header has 4", "no draws with positive weight" against "no draw with a positive
/// weight". Each now reads the same in both ("FILE:LINE: ..." as a value out of range already
/// did), the sweep's located at its `futures` key.
#[test]
fn a_file_of_draws_gets_the_same_words_as_a_posterior_and_as_futures() {
    let d = tempfile::tempdir().unwrap();
    let draws = d.path().join("draws.csv");
    let sweep = write(
        d.path(),
        "sweep.toml",
        &format!(
            "base = {:?}\nruns = 20\npoints = 4\nfutures = \"draws.csv\"\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let base = scenario("scenarios/western-balkans-2024.toml");
    let (p, s) = (draws.to_str().unwrap(), sweep.to_str().unwrap());
    let out = d.path().join("r.csv");
    for (text, said) in [
        (
            "draw,model.war_cost,weight,distance\n0,0.5,-1,0\n1,0.6,1,0\n",
            "draws.csv:2:7: column `weight`: expected a number >= 0, found -1",
        ),
        (
            "draw,model.war_cost,weight,distance\n0,0.5,1\n",
            "draws.csv:2:1: 3 cells, the header has 4",
        ),
        (
            "draw,model.war_cost,weight,distance\n0,0.5,0,0\n",
            "draws.csv: no draw with a positive weight",
        ),
        // Weights whose sum is beyond the floats: `--posterior` took the second row for every
        // draw (half the draws should be 0.5), the futures said "no draw with a positive
        // weight" of two positive weights.
        (
            "draw,model.war_cost,weight,distance\n0,0.5,1e308,0\n1,0.6,1e308,0\n",
            "draws.csv: the weights add up to more than the largest number (about 1.8e308): \
             divide them by a common factor (deter calibrate writes weights that add up to 1)",
        ),
    ] {
        // The form of every file kind's fault: "FILE:LINE:COL: error: PROBLEM".
        let (at, problem) = match said.split_once(": ") {
            Some((at, problem)) => (at.replacen("draws.csv", p, 1), problem),
            None => unreachable!(),
        };
        std::fs::write(&draws, text).unwrap();
        let r = run(&[
            "run",
            &base,
            "--posterior",
            p,
            "--draws",
            "2",
            "--runs",
            "5",
            "-q",
        ]);
        refused(&r);
        assert_eq!(first_line(&stderr(&r)), format!("{at}: error: {problem}"));
        let r = run(&["sweep", s, "--out", out.to_str().unwrap(), "-q"]);
        refused(&r);
        let e = stderr(&r);
        // Carried under the sweep's `futures` key: a fault of a line "FILE:LINE:COL: ...";
        // of the whole file "FILE: ...", the same form (polish7).
        let said = format!("error: futures: {said}");
        assert!(
            e.lines().next().unwrap().ends_with(&said),
            "{e}\nexpected: {said}"
        );
    }
}

/// `deter robust RESULTS --out RESULTS.sweep` (or `--report`, and `deter discover --report`)
/// replaced the sweep's resume marker with a table, after which `deter sweep --resume`
/// refused the results as "started with other sweep settings". The marker is refused as an
/// output as the results themselves are.
#[test]
fn robust_and_discover_never_replace_a_sweeps_resume_marker() {
    let d = tempfile::tempdir().unwrap();
    let results = results_of(d.path(), &["baseline", "pact"]);
    let marker = PathBuf::from(format!("{}.sweep", results.display()));
    std::fs::write(&marker, "fingerprint\n").unwrap();
    let (r, m) = (results.to_str().unwrap(), marker.to_str().unwrap());
    for args in [
        vec!["robust", r, "--out", m],
        vec!["robust", r, "--report", m],
        vec![
            "discover",
            r,
            "--outcome",
            "war",
            "--above",
            "0.1",
            "--report",
            m,
        ],
    ] {
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}: {o:?}"));
        assert_eq!(
            first_line(&stderr(&o)),
            format!(
                "{}:1:1: error: expected a file that is none of the command's inputs, found \
                 `{m}`, which is also an input file",
                args[args.len() - 2]
            )
        );
        assert_eq!(std::fs::read_to_string(&marker).unwrap(), "fingerprint\n");
    }
}

/// A truncated or edited partial file said "`trunc-1.json`: not a deter partial file: invalid
/// JSON (EOF while parsing a string at line 7 column 8785)": the position inside the
/// sentence, where no editor jumps to it. It gets the form of every file kind's syntax error
/// (`FILE:LINE:COL: error: TOML syntax error: ...` for a scenario): `FILE:LINE:COL: error:
/// JSON syntax error: ...` with the excerpt, exit 2. Line and column are counted here from
/// the bytes written.
#[test]
fn a_partial_file_that_is_not_json_is_located_at_its_fault() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let o = deter()
        .current_dir(d.path())
        .args([
            "run",
            &base,
            "--runs",
            "40",
            "--shard",
            "1/2",
            "--out",
            "part-1.json",
        ])
        .output()
        .unwrap();
    succeeded(&o);
    let whole = std::fs::read(d.path().join("part-1.json")).unwrap();
    // Truncated: the fault is the end of the file, on its last line.
    let cut = &whole[..whole.len() - 300];
    std::fs::write(d.path().join("trunc-1.json"), cut).unwrap();
    let line = cut.iter().filter(|&&b| b == b'\n').count() + 1;
    let last = cut.iter().rposition(|&b| b == b'\n').unwrap() + 1;
    let col = String::from_utf8_lossy(&cut[last..]).chars().count();
    // Edited: a stray character at the start of line 3.
    let mut edited = Vec::new();
    for (i, l) in whole.split_inclusive(|&b| b == b'\n').enumerate() {
        if i == 2 {
            edited.push(b'x');
        }
        edited.extend_from_slice(l);
    }
    std::fs::write(d.path().join("edited-1.json"), edited).unwrap();
    for (file, at, words) in [
        (
            "trunc-1.json",
            format!("{line}:{col}"),
            "JSON syntax error: EOF while parsing",
        ),
        (
            "edited-1.json",
            "3:1".to_string(),
            "JSON syntax error: key must be a string",
        ),
    ] {
        let o = deter()
            .current_dir(d.path())
            .args(["merge", file])
            .output()
            .unwrap();
        refused(&o);
        let e = stderr(&o);
        assert!(
            e.starts_with(&format!("{file}:{at}: error: {words}")),
            "{e}"
        );
        assert!(!e.contains(" at line "), "{e}");
        assert!(e.ends_with("1 error found\n"), "{e}");
        assert!(o.stdout.is_empty());
    }
}

/// An empty value where a path is required (`--out ""`, `--out=`, `--plots ""`, an empty
/// file argument) got clap's "a value is required for '--out <OUT>' but none was supplied",
/// although a value was given. Every path flag and argument says it in the words of every
/// flag's fault, "FLAG VALUE: expected ...", exit 2, before any work; a flag with a list of
/// values is refused as any value not in it ("--format:1:1: error: expected one of `table`,
/// `json`, `csv`, found nothing"). `deter run ""` named its argument `[FILES]`, and an empty file
/// after the first (`deter run A ""`, past clap) said "cannot read file": both `FILES`, as
/// `deter validate ""` (and Python's `deter.run("")`, with its keyword) says it.
#[test]
fn an_empty_path_is_refused_with_the_flag_and_what_it_expects() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let cases: [(Vec<&str>, &str); 11] = [
        (vec!["run", ""], "FILES \"\": expected a path"),
        (
            vec!["run", &base, "", "--runs", "5"],
            "FILES \"\": expected a path",
        ),
        (
            vec!["run", "--runs", "5", &base, &base, ""],
            "FILES \"\": expected a path",
        ),
        (
            vec!["run", &base, "--out", ""],
            "--out \"\": expected a path",
        ),
        (vec!["run", &base, "--out="], "--out \"\": expected a path"),
        (
            vec!["compare", &base, &base, "--report", ""],
            "--report \"\": expected a path",
        ),
        (
            vec!["sweep", &sweep, "--out", ""],
            "--out \"\": expected a path",
        ),
        (
            vec!["run", &base, "--plots", ""],
            "--plots \"\": expected a directory",
        ),
        (
            vec!["calibrate", &base, "--out", ""],
            "--out \"\": expected a path",
        ),
        (vec!["validate", ""], "FILES \"\": expected a path"),
        (
            vec!["discover", "", "--outcome", "war", "--above", "0.1"],
            "RESULTS \"\": expected a path",
        ),
    ];
    for (args, want) in cases {
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        // A flag's empty value is located at the flag, as `--runs ""` is; an argument's
        // said in words.
        let expected = match want.split_once(" \"\": ") {
            Some((flag, what)) if flag.starts_with("--") => {
                let what = what.trim_start_matches("expected ");
                flag_fault_help(
                    flag,
                    "",
                    1,
                    1,
                    &format!("expected {what}, found nothing"),
                    &format!("give {flag} {what}"),
                )
                .replace("1 | \n", "1 |\n")
            }
            _ => format!("error: {want}, not an empty value\n"),
        };
        assert_eq!(stderr(&o), expected, "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    let o = run(&["run", &base, "--format", ""]);
    refused(&o);
    assert!(
        stderr(&o).starts_with(
            "--format:1:1: error: expected one of `table`, `json`, `csv`, found nothing\n"
        ),
        "{o:?}"
    );
}

/// A literal with a nonzero digit that reads as zero (`1e-400`, below the floats' exponent)
/// was accepted as 0: `--set model.war_cost=1e-400` ran with war costing nothing. Refused at
/// its value, exit 2, with the same lines in a scenario file, in `--set` and `--set-b`, and
/// in a sweep file's values, in the words of a literal beyond the floats ("a number too
/// large to use"); a zero written with an exponent (`0e-400`) stays 0.
#[test]
fn a_literal_that_underflows_to_zero_is_refused_in_every_file_kind_and_in_set() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let lines = |err: &str| -> Vec<String> {
        err.lines()
            .filter_map(|l| {
                l.split_once(": error: ")
                    .map(|(_, m)| m.to_string())
                    .or_else(|| l.trim().strip_prefix("= help: ").map(str::to_string))
            })
            .collect()
    };
    for value in ["1e-400", "-2.5E-999", "0.001e-330"] {
        let file = write(
            d.path(),
            "v.toml",
            &format!("extends = {base:?}\n\n[model]\nwar_cost = {value}\n"),
        );
        let o = run(&["validate", file.to_str().unwrap()]);
        refused(&o);
        let want = lines(&stderr(&o));
        assert_eq!(
            want,
            vec![format!(
                "model.war_cost: expected a number in [0, 10] (stake units), found `{value}`, \
                 a number too small to use (it reads as 0)"
            )]
        );
        assert!(stderr(&o).starts_with(&format!("{}:4:12: error: ", file.display())));
        let set = format!("model.war_cost={value}");
        for args in [
            vec!["run", &base, "--set", &set],
            vec!["compare", &base, &base, "--set-b", &set],
        ] {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            assert_eq!(lines(&stderr(&o)), want, "{args:?}: {}", stderr(&o));
            assert!(stderr(&o).starts_with("--set"), "{args:?}");
        }
        let sweep = write(
            d.path(),
            "s.toml",
            &format!(
                "base = {base:?}\nruns = 10\ndesign = \"grid\"\n\n[[parameter]]\npath = \
                 \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, {value}]\n"
            ),
        );
        let o = run(&["validate", sweep.to_str().unwrap()]);
        refused(&o);
        assert_eq!(
            lines(&stderr(&o)),
            vec![format!(
                "parameter[0].values[1]: expected a number in [0, 10] (stake units), found \
                 `{value}`, a number too small to use (it reads as 0)"
            )]
        );
    }
    let o = run(&[
        "run",
        &base,
        "--set",
        "model.war_cost=0e-400",
        "--runs",
        "10",
        "--no-attribution",
        "--format",
        "json",
    ]);
    succeeded(&o);
}

/// `-` as an output names a file called `-` in deter (standard output is the default when no
/// output is named), where many tools read it as standard output: every output option of
/// every command refuses it before any work, and nothing named `-` appears.
#[test]
fn a_dash_as_output_is_refused_by_every_command_not_written_as_a_file() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("western-balkans-2024.toml");
    let other = scenario("mediu-tri-level.toml");
    let sweep = root().join("scenarios/sweeps/proposals-factorial.toml");
    let sweep = sweep.to_str().unwrap();
    let calib = root().join("scenarios/history/calibrate.toml");
    let calib = calib.to_str().unwrap();
    let results = d.path().join("r.csv");
    let r = results.to_str().unwrap();
    let o = deter()
        .current_dir(d.path())
        .args(["sweep", sweep, "--runs", "5", "--out", r, "-q"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", &base, "--runs", "5", "--out", "-"],
        vec!["run", &base, "--runs", "5", "--report", "-"],
        vec!["compare", &base, &other, "--runs", "5", "--out", "-"],
        vec!["sweep", sweep, "--runs", "5", "--out", "-"],
        vec!["sweep", sweep, "--runs", "5", "--plots", "-"],
        vec!["calibrate", calib, "--out", "-"],
        vec!["robust", r, "--out", "-"],
        vec!["robust", r, "--report", "-"],
        vec!["discover", r, "--report", "-"],
    ];
    for args in cases {
        let o = deter().current_dir(d.path()).args(&args).output().unwrap();
        refused_for(&o, format_args!("{args:?}"));
        assert!(
            stderr(&o).contains(
                "output path `-` would be a file named `-`, not standard output: leave the \
                 option out to write to standard output, or write `./-` for a file of that name"
            ),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(
            !d.path().join("-").exists(),
            "{args:?} wrote a file or directory named -"
        );
    }
}

/// A table-typed key given a bare value (`military = 2.2`, `ties = 0.8`, a sweep's
/// `satisficing = 0.1` or a policy's `set = 0.7`) said "expected a table, found float" with
/// nothing more; it gets the help line of a missing required key showing the table form,
/// as the calibration's `[observation] detect = 0.8` does, and the example, put in the file
/// in place of the bare value, is valid.
#[test]
fn a_bare_value_for_any_table_key_shows_the_table_form() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    // (key, the file around it with `VALUE` where the value goes, the key path).
    let scenario_text =
        |line: &str| format!("extends = \"{base}\"\n\n[[country]]\nid = \"SRB\"\n{line}\n");
    let sweep_text = |satisficing: &str, set: &str| {
        format!(
            "base = \"{base}\"\nruns = 10\ndesign = \"lhs\"\npoints = 2\nsatisficing = \
             {satisficing}\n\n[[policy]]\nid = \"base\"\n\n[[policy]]\nid = \"envoy\"\nset = \
             {set}\n\n[[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \
             \"uncertainty\"\nrange = [0.5, 0.9]\n"
        )
    };
    let ok_set = "{ \"rivalry.SRB-XKX.monitoring\" = 0.5 }";
    type FileWith<'a> = Box<dyn Fn(&str) -> String + 'a>;
    let cases: Vec<(&str, FileWith<'_>, &str)> = vec![
        (
            "military",
            Box::new(move |v| scenario_text(&format!("military = {v}"))),
            "country[0].military",
        ),
        (
            "political",
            Box::new(move |v| scenario_text(&format!("political = {v}"))),
            "country[0].political",
        ),
        (
            "economic",
            Box::new(move |v| scenario_text(&format!("economic = {v}"))),
            "country[0].economic",
        ),
        (
            "ties",
            Box::new(move |v| scenario_text(&format!("political = {{ ties = {v} }}"))),
            "country[0].political.ties",
        ),
        (
            "satisficing",
            Box::new(move |v| sweep_text(v, ok_set)),
            "satisficing",
        ),
        (
            "set",
            Box::new(move |v| sweep_text("{ war = 0.03 }", v)),
            "policy[1].set",
        ),
    ];
    for (key, file, path) in cases {
        let bad = d.path().join(format!("bad-{key}.toml"));
        std::fs::write(&bad, file("0.8")).unwrap();
        let o = run(&["validate", bad.to_str().unwrap()]);
        let err = refused_for(&o, format_args!("{key}"));
        assert!(
            err.contains(&format!(": error: {path}: expected a table, found float\n")),
            "{key}: {err}"
        );
        let help = err
            .lines()
            .find_map(|l| l.trim().strip_prefix("= help: "))
            .unwrap_or_else(|| panic!("{key}: no help line: {err}"));
        let example = help
            .strip_prefix(&format!("e.g. {key} = "))
            .unwrap_or_else(|| panic!("{key}: not the key's example: {help}"));
        assert!(example.starts_with('{') && example.ends_with('}'), "{help}");
        let good = d.path().join(format!("good-{key}.toml"));
        std::fs::write(&good, file(example)).unwrap();
        let o = run(&["validate", good.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{key}: {help}: {}", stderr(&o));
    }
}

/// A record whose id differs from its file's name and whose `case.scenario` names a missing
/// file: `deter validate` reported only the id (the record was refused before its scenario
/// was looked for). Both are reported, each at its place, and so is an invalid scenario.
#[test]
fn validate_reports_a_records_wrong_id_and_its_missing_or_invalid_scenario() {
    let d = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(scenario("scenarios/history/serbia-kosovo.record.toml")).unwrap();
    let line = |key: &str| {
        1 + text
            .lines()
            .position(|l| l.starts_with(&format!("{key} =")))
            .unwrap()
    };
    let (id_line, scen_line) = (line("id"), line("scenario"));
    let bad: String = text
        .lines()
        .map(|l| match l {
            l if l.starts_with("id =") => "id = \"serbia-kosov\"".to_string(),
            l if l.starts_with("scenario =") => "scenario = \"nope.toml\"".to_string(),
            l => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(d.path(), "serbia-kosovo.record.toml", &bad);
    let o = common::run_in(d.path(), &["validate", "serbia-kosovo.record.toml"]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "serbia-kosovo.record.toml:{id_line}:6: error: case.id: the case id `serbia-kosov` differs"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "serbia-kosovo.record.toml:{scen_line}:12: error: case.scenario: cannot read file \
             `nope.toml`: No such file or directory"
        )),
        "{e}"
    );
    assert!(e.ends_with("2 errors found\n"), "{e}");
    // An invalid scenario: the record's line, then the scenario's own problem.
    write(d.path(), "nope.toml", "[scenario]\nname = 3\n");
    let o = common::run_in(d.path(), &["validate", "serbia-kosovo.record.toml"]);
    refused(&o);
    let e = stderr(&o);
    assert!(e.contains("error: case.id:"), "{e}");
    assert!(
        e.contains(&format!(
            "serbia-kosovo.record.toml:{scen_line}:12: error: case.scenario: the scenario \
             `nope.toml`"
        )),
        "{e}"
    );
    assert!(e.contains("nope.toml:2:"), "{e}");
}

/// `deter init x.json` wrote the TOML template into a `.json` name without a word. A name
/// whose extension is another format's is refused (exit 2, nothing written), as `--out`
/// refuses one that contradicts its format; any other name is taken.
#[test]
fn init_refuses_a_name_of_another_format() {
    let d = tempfile::tempdir().unwrap();
    for (name, named) in [
        ("x.json", "a JSON"),
        ("x.CSV", "a CSV"),
        ("x.html", "an HTML"),
    ] {
        let o = common::run_in(d.path(), &["init", name]);
        refused(&o);
        let stem = name.split('.').next().unwrap();
        assert_eq!(
            first_line(&stderr(&o)),
            format!(
                "PATH:1:1: error: expected the name of a TOML file, found the name of {named} \
                 file: init writes a TOML scenario"
            )
        );
        assert!(
            stderr(&o).contains(&format!("help: use `{stem}.toml`")),
            "{}",
            stderr(&o)
        );
        assert!(!d.path().join(name).exists(), "{name} written");
    }
    for name in ["x.toml", "x.txt", "x"] {
        let o = common::run_in(d.path(), &["init", name]);
        succeeded(&o);
        assert!(d.path().join(name).exists(), "{name} not written");
    }
}

/// A policy's switch `policy.ID.enabled` took any number in [0, 1]: `--set
/// policy.ID.enabled=0.5`, a posterior column's 0.3 and a sweep's `range = [0, 1]` with `kind =
/// "real"` ran with the policy on (every value but 0 was on), recorded as "enabled = 0.5",
/// while a sweep's `values = [0, 0.5]` said "expected an integer" and the scenario file's
/// `enabled = 2` "expected true or false". A switch now takes only off and on (`false` /
/// `true`, 0 / 1) everywhere, a value between in one wording ("expected true or false (or 0 or
/// 1), found 0.5", exit 2), a range on it is refused, and `true` in a posterior cell is read as
/// `--set` reads it.
#[test]
fn a_policy_switch_takes_only_off_and_on_in_every_input_kind() {
    let d = tempfile::tempdir().unwrap();
    let envoy = scenario("scenarios/shea-special-envoy.toml");
    let expected = "expected true or false (or 0 or 1), found 0.5";
    // --set (and what --set checks in `validate`).
    for cmd in [
        &["validate"][..],
        &["run", "--runs", "10", "--no-attribution"][..],
    ] {
        let mut args = cmd.to_vec();
        args.extend([envoy.as_str(), "--set", "policy.special-envoy.enabled=0.5"]);
        let o = run(&args);
        let e = refused_for(&o, format_args!("{args:?}"));
        assert!(
            e.starts_with(&format!(
                "--set:1:30: error: policy.special-envoy.enabled: {expected}\n"
            )),
            "{e}"
        );
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    }
    // A sweep's values, and a range on a switch, whatever its kind.
    let sweep = |name: &str, domain: &str| {
        write(
            d.path(),
            name,
            &format!(
                "base = {envoy:?}\nruns = 10\npoints = 2\ndesign = \"lhs\"\n[[parameter]]\n\
                 role = \"lever\"\npath = \"policy.special-envoy.enabled\"\n{domain}\n"
            ),
        )
    };
    let values = sweep("values.toml", "values = [0, 0.5]");
    let e = refused(&run(&["validate", values.to_str().unwrap()]));
    assert!(
        e.contains(&format!(
            "values.toml:8:14: error: parameter[0].values[1]: {expected}"
        )),
        "{e}"
    );
    let range = sweep("range.toml", "range = [0, 1]\nkind = \"real\"");
    let e = refused(&run(&["validate", range.to_str().unwrap()]));
    assert!(
        e.contains(
            "range.toml:8:9: error: parameter[0].range: `policy.special-envoy.enabled` is a \
             switch: it takes `values = [false, true]`, not a `range`"
        ),
        "{e}"
    );
    // A scenario's [[uncertain]] values.
    let prior = write(
        d.path(),
        "prior.toml",
        &format!(
            "extends = {envoy:?}\n[[uncertain]]\npath = \"policy.special-envoy.enabled\"\n\
             values = [0, 0.5]\n"
        ),
    );
    let e = refused(&run(&["validate", prior.to_str().unwrap()]));
    assert!(
        e.contains(&format!(
            "prior.toml:4:14: error: uncertain[0].values[1]: {expected}"
        )),
        "{e}"
    );
    // A posterior's column: 0.5 refused at its cell, `true` and `false` read as 1 and 0.
    let post = write(
        d.path(),
        "post.csv",
        "draw,policy.special-envoy.enabled,weight,distance\n0,1,1,0\n1,0.5,1,0\n",
    );
    let e = refused(&run(&[
        "run",
        &envoy,
        "--posterior",
        post.to_str().unwrap(),
        "--draws",
        "2",
        "--runs",
        "5",
        "--no-attribution",
    ]));
    assert!(
        e.starts_with(&format!(
            "{}:3:3: error: column `policy.special-envoy.enabled`: {expected}\n",
            post.display()
        )),
        "{e}"
    );
    let words = write(
        d.path(),
        "words.csv",
        "draw,policy.special-envoy.enabled,weight,distance\n0,true,1,0\n1,false,1,0\n",
    );
    succeeded(&run(&[
        "run",
        &envoy,
        "--posterior",
        words.to_str().unwrap(),
        "--draws",
        "2",
        "--runs",
        "5",
        "--no-attribution",
    ]));
}

/// Every multi-error report lists its errors in the order of the file: a sweep file whose
/// parameters miss `role` listed a parameter's `path` error (7:8) before its missing `role`
/// (6:1, the `[[parameter]]` header), and an unknown key (12:1) before the next missing role
/// (9:1).
#[test]
fn a_sweep_files_errors_are_listed_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let base = common::root().join("scenarios/western-balkans-2024.toml");
    let text = format!(
        "base = \"{}\"\nruns = 10\ndesign = \"lhs\"\npoints = 4\n# a comment\n\
         [[parameter]]\npath = \"model.war_cst\"\nrange = [0.5, 1.5]\n\
         [[parameter]]\npath = \"model.war_uncertainty\"\nrange = [1.0, 4.0]\nbogus = 3\n",
        base.display()
    );
    let file = write(dir.path(), "s.toml", &text);
    let o = common::run(&["validate", file.to_str().unwrap()]);
    refused(&o);
    let err = String::from_utf8(o.stderr).unwrap();
    let at: Vec<(usize, usize)> = err
        .lines()
        .filter(|l| l.contains(": error: "))
        .map(|l| {
            let p: Vec<&str> = l.split(':').collect();
            (p[1].parse().unwrap(), p[2].parse().unwrap())
        })
        .collect();
    assert_eq!(at, [(6, 1), (7, 8), (9, 1), (12, 1)], "{err}");
}

/// deter's own outputs and inputs given to a command that reads another kind are said as what
/// they are, in the words of every command (`PATH: error: this is WHAT; `deter CMD` takes
/// ...`). A calibration's `posterior.csv`, `diagnostics.csv`, `state.json` and page and a
/// sweep's `RESULTS.sensitivity.csv` were TOML syntax errors to `run`, `sweep`, `calibrate`,
/// `bench` and `validate`; `merge` said of any such file "not a deter partial file: expected a
/// JSON object", `robust` and `discover` "not a deter sweep results file" (a scenario too), and
/// a partial file was "a JSON Lines results file" to them.
#[test]
fn deters_own_files_given_to_the_wrong_command_are_said_as_what_they_are() {
    let d = tempfile::tempdir().unwrap();
    let history = root().join("scenarios/history");
    let calib = write(
        d.path(),
        "c.toml",
        &format!(
            "seed = 5\nparticles = 10\nmax_generations = 1\npredictive_draws = 5\n\
             statistics = [\"use_of_force\"]\ncases = [\"{}\"]\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
            history.join("serbia-kosovo.record.toml").display()
        ),
    );
    let out = d.path().join("cal");
    let o = run(&[
        "calibrate",
        calib.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    succeeded(&o);
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = write(
        d.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 10\ndesign = \"saltelli\"\npoints = 4\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.5, 2]\n\
             [[parameter]]\npath = \"model.rationality\"\nrole = \"uncertainty\"\nrange = [1, 10]\n"
        ),
    );
    let results = d.path().join("r.csv");
    succeeded(&sweep_to(&sweep, &results));
    let part = d.path().join("part-0.json");
    succeeded(&run(&[
        "run",
        &base,
        "--runs",
        "10",
        "--no-attribution",
        "--shard",
        "0/2",
        "--out",
        part.to_str().unwrap(),
    ]));
    let cases: [(PathBuf, &str); 7] = [
        (
            out.join("posterior.csv"),
            "a file of draws (`posterior.csv` of `deter calibrate`)",
        ),
        (
            out.join("diagnostics.csv"),
            "a calibration's diagnostics (`diagnostics.csv` of",
        ),
        (
            out.join("state.json"),
            "a calibration's state (`DIR/state.json` of",
        ),
        (out.join("report.html"), "a page deter wrote (`--report`)"),
        (
            d.path().join("r.sensitivity.csv"),
            "a sweep's sensitivity table",
        ),
        (part.clone(), "a partial file"),
        (PathBuf::from(&base), "a scenario file"),
    ];
    for (file, what) in &cases {
        let f = file.to_str().unwrap();
        let mut commands: Vec<(&str, Vec<&str>)> = vec![
            ("deter merge", vec!["merge", f]),
            ("deter robust", vec!["robust", f]),
            (
                "deter discover",
                vec!["discover", f, "--outcome", "war", "--above", "0.1"],
            ),
        ];
        if !f.ends_with(".json") && !f.ends_with("western-balkans-2024.toml") {
            commands.extend([
                ("deter run", vec!["run", f, "--runs", "5"]),
                ("deter sweep", vec!["sweep", f]),
                ("deter calibrate", vec!["calibrate", f]),
                ("deter bench", vec!["bench", f, "--runs", "5"]),
                ("deter validate", vec!["validate", f]),
            ]);
        }
        for (command, args) in commands {
            if *what == "a partial file" && command == "deter merge" {
                continue;
            }
            let err = refused_for(&run(&args), format_args!("{args:?}"));
            let line = first_line(&err);
            assert!(
                line.starts_with(&format!("{f}: error: this is {what}")),
                "{args:?}: {line}"
            );
            assert!(line.contains(&format!("`{command}` ")), "{args:?}: {line}");
        }
    }
}

/// `deter merge --scenario FILE` (and `--sweep FILE`) checks the file as every command checks
/// its input: every fault located, with its did-you-mean; another kind of file said as what it
/// is; one that cannot be read in the words of every input kind. It said only the first
/// line of the first fault, inside a message of its own ("error: --scenario `bad.toml`:
/// bad.toml:1:1: error: scenario.name: missing required key `name`; give the file the shards
/// ran"), so a misspelt key lost its did-you-mean and a sweep file was "base: unknown key".
#[test]
fn merge_checks_a_given_scenario_or_sweep_as_every_command_checks_its_input() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = write(
        d.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 10\n[[parameter]]\npath = \"model.war_cost\"\n\
             role = \"uncertainty\"\nvalues = [0.5, 2]\n"
        ),
    );
    let typo = write(d.path(), "typo.toml", "[scenario]\nnmae = \"x\"\n");
    let missing = d.path().join("missing.toml");
    let mut run_parts = Vec::new();
    let mut sweep_parts = Vec::new();
    for k in 0..2 {
        let p = d.path().join(format!("run-{k}.json"));
        let shard = format!("{k}/2");
        succeeded(&run(&[
            "run",
            &base,
            "--runs",
            "10",
            "--no-attribution",
            "--shard",
            &shard,
            "--out",
            p.to_str().unwrap(),
        ]));
        run_parts.push(p.display().to_string());
        let p = d.path().join(format!("sweep-{k}.json"));
        succeeded(&run(&[
            "sweep",
            sweep.to_str().unwrap(),
            "--shard",
            &shard,
            "--out",
            p.to_str().unwrap(),
        ]));
        sweep_parts.push(p.display().to_string());
    }
    let (s, t, m) = (
        sweep.display().to_string(),
        typo.display().to_string(),
        missing.display().to_string(),
    );
    for (parts, flag, file, as_run) in [
        (&run_parts, "--scenario", &t, vec!["validate", t.as_str()]),
        (&run_parts, "--scenario", &s, vec!["run", s.as_str()]),
        (&run_parts, "--scenario", &m, vec!["validate", m.as_str()]),
        (&sweep_parts, "--sweep", &base, vec!["sweep", base.as_str()]),
    ] {
        let mut args: Vec<&str> = vec!["merge"];
        args.extend(parts.iter().map(String::as_str));
        args.extend([flag, file.as_str()]);
        let got = refused_for(&run(&args), format_args!("{args:?}"));
        let want = refused_for(&run(&as_run), format_args!("{as_run:?}"));
        // The same report, the command named in the kind's refusal aside.
        let want = want
            .replace("`deter run` takes", &format!("`deter merge {flag}` takes"))
            .replace(
                "`deter sweep` takes",
                &format!("`deter merge {flag}` takes"),
            );
        assert_eq!(got, want, "{args:?}");
    }
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(run_parts.iter().map(String::as_str));
    args.extend(["--scenario", t.as_str()]);
    assert!(stderr(&run(&args)).contains("help: did you mean `name`?"));
}

/// A policy phased in over one year reads "over 1 year", not "over 1 years", in the
/// comparison's list of what B changes (table, JSON, page) and the run page's policies.
#[test]
fn a_ramp_of_one_year_is_said_in_the_singular() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let envoy = scenario("scenarios/shea-special-envoy.toml");
    let page = d.path().join("run.html");
    let o = run(&[
        "compare",
        &base,
        &envoy,
        "--runs",
        "10",
        "--no-attribution",
        "--format",
        "json",
    ]);
    succeeded(&o);
    let json = stdout(&o);
    assert!(json.contains("(from 2026-01 over 1 year)"), "{json}");
    succeeded(&run(&[
        "run",
        &envoy,
        "--runs",
        "10",
        "--no-attribution",
        "--quiet",
        "--report",
        page.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("2026-01 (over 1 year)"), "run page");
    assert!(!json.contains("1 years") && !html.contains("1 years"));
}

/// A file name a letter or two from a file beside it (`shea-special-envy.toml`) said only
/// "cannot read file: No such file or directory", in every command and file kind: a
/// misspelt key gets a did-you-mean, a misspelt file name got none. Now the closest file
/// in that directory is named, as the path was written (relative to the naming file for a
/// file named in a file), in the same words everywhere; a name close to nothing gets none.
#[test]
fn a_misspelt_file_name_gets_a_did_you_mean_in_every_command_and_file_kind() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    for f in ["western-balkans-2024.toml", "shea-special-envoy.toml"] {
        std::fs::copy(root().join("scenarios").join(f), dir.join(f)).unwrap();
    }
    write(
        dir,
        "overlay.toml",
        "extends = \"western-balkans-2042.toml\"\n",
    );
    std::fs::create_dir(dir.join("sweeps")).unwrap();
    write(
        dir,
        "sweeps/base.toml",
        "base = \"../western-balkans-2042.toml\"\nruns = 2\ndesign = \"grid\"\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.0]\n",
    );
    write(
        dir,
        "sweeps/policy.toml",
        "base = \"../western-balkans-2024.toml\"\nruns = 2\ndesign = \"grid\"\n\
         [[policy]]\nid = \"envoy\"\nfile = \"../shea-special-envy.toml\"\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.0]\n",
    );
    write(dir, "results.csv", "point,runs\n0,1\n");
    let posterior = "--posterior";
    let cases: [(&[&str], &str); 8] = [
        (
            &["run", "western-balkans-2042.toml"],
            "`western-balkans-2024.toml`",
        ),
        (
            &["validate", "./shea-special-envy.toml"],
            "`./shea-special-envoy.toml`",
        ),
        (
            &[
                "compare",
                "western-balkans-2024.toml",
                "shea-special-envy.toml",
            ],
            "`shea-special-envoy.toml`",
        ),
        (&["run", "overlay.toml"], "`western-balkans-2024.toml`"),
        (
            &["sweep", "sweeps/base.toml"],
            "`../western-balkans-2024.toml`",
        ),
        (
            &["sweep", "sweeps/policy.toml"],
            "`../shea-special-envoy.toml`",
        ),
        (&["robust", "result.csv"], "`results.csv`"),
        (
            &["run", "western-balkans-2024.toml", posterior, "results.cs"],
            "`results.csv`",
        ),
    ];
    for (args, name) in cases {
        let o = run_in(dir, args);
        let e = refused_for(&o, format_args!("{args:?}"));
        assert!(e.contains("cannot read file"), "{args:?}: {e}");
        assert!(
            e.contains(&format!("did you mean {name}?")),
            "{args:?}: {e}"
        );
    }
    // Nothing a letter or two away: no suggestion (`no-such-base.toml` is not
    // `missing-base.toml`, nor `wb.toml` `ov.toml`, though they share a word or an extension).
    write(dir, "missing-base.toml", "");
    write(dir, "ov.toml", "");
    for name in ["zzz.toml", "no-such-base.toml", "wb.toml"] {
        let o = run_in(dir, &["run", name]);
        let e = refused(&o);
        assert!(!e.contains("did you mean"), "{e}");
    }
}

/// A record whose years are in the wrong order: the error is at the key whose value the
/// record's own events contradict, and names both years. `first_year = 2025` over events of
/// 2008-2024 was reported at `case.last_year` (the key the user had not touched); a
/// `last_year = 2007` before them is reported at `case.last_year`. Checked through a
/// calibration file that uses the record, as a user meets it.
#[test]
fn a_records_years_in_the_wrong_order_are_reported_at_the_year_the_events_contradict() {
    let d = tempfile::tempdir().unwrap();
    let history = PathBuf::from(scenario("scenarios/history"));
    let text = std::fs::read_to_string(history.join("serbia-kosovo.record.toml")).unwrap();
    let line = |key: &str| {
        1 + text
            .lines()
            .position(|l| l.starts_with(&format!("{key} =")))
            .unwrap()
    };
    let cal = std::fs::read_to_string(history.join("calibrate.toml")).unwrap();
    let cal = cal.replace(
        "\"serbia-kosovo.record.toml\"",
        &format!("{:?}", d.path().join("serbia-kosovo.record.toml")),
    );
    let cal = ["russia-georgia", "russia-ukraine", "russia-baltic"]
        .iter()
        .fold(cal, |c, n| {
            let file = format!("{n}.record.toml");
            c.replace(
                &format!("\"{file}\""),
                &format!("{:?}", history.join(&file)),
            )
        });
    write(d.path(), "calibrate.toml", &cal);
    std::fs::copy(
        history.join("serbia-kosovo-2008.toml"),
        d.path().join("serbia-kosovo-2008.toml"),
    )
    .unwrap();
    for (key, value, at) in [
        ("first_year", "2025", "first_year"),
        ("last_year", "2007", "last_year"),
    ] {
        let (first, last) = if key == "first_year" {
            (value, "2024")
        } else {
            ("2008", value)
        };
        let bad: String = text
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key} =")) {
                    format!("{key} = {value}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        write(d.path(), "serbia-kosovo.record.toml", &bad);
        let o = run_in(d.path(), &["validate", "calibrate.toml"]);
        refused(&o);
        let e = stderr(&o);
        let want = format!(
            "serbia-kosovo.record.toml:{}:{}: error: case.{at}: `first_year = {first}` is after \
             `last_year = {last}`: a case runs from its first year to its last",
            line(at),
            at.len() + 4
        );
        assert!(e.contains(&want), "{key} = {value}: want {want}\n{e}");
    }
}

/// `deter init -` and `deter init EXISTING` were refused on a plain "error:" line while init's
/// file-system faults were located at PATH; `--shard 01/3` was taken as shard 1 of 3 while
/// `--runs 010` is refused in TOML's words. Each is now located at the value (the part at
/// fault for `--shard`), with a help line, exit 2, nothing written.
#[test]
fn init_refusals_and_a_shards_leading_zero_are_located() {
    let d = tempfile::tempdir().unwrap();
    let o = common::run_in(d.path(), &["init", "-"]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with("PATH:1:1: error: expected the name of the file to write, found `-`"),
        "{e}"
    );
    assert!(e.contains("help: name the file, or write `./-`"), "{e}");
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
    write(d.path(), "x.toml", "kept");
    let o = common::run_in(d.path(), &["init", "x.toml"]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with(
            "PATH:1:1: error: expected a file that does not exist, found `x.toml`, which does\n"
        ),
        "{e}"
    );
    assert!(e.contains("help: use --force to overwrite it"), "{e}");
    assert_eq!(
        std::fs::read_to_string(d.path().join("x.toml")).unwrap(),
        "kept"
    );
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let sweep = common::scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let out = d.path().join("part.json");
    let out_s = out.display().to_string();
    for (shard, col, zero) in [("01/3", 1, "01"), ("0/03", 3, "03"), (" 1/003", 4, "003")] {
        for args in [
            vec![
                "run",
                base.as_str(),
                "--shard",
                shard,
                "--out",
                &out_s,
                "-q",
            ],
            vec![
                "sweep",
                sweep.as_str(),
                "--shard",
                shard,
                "--out",
                &out_s,
                "-q",
            ],
        ] {
            let o = common::run_in(d.path(), &args);
            refused_for(&o, format_args!("{args:?}"));
            let e = stderr(&o);
            assert!(
                e.starts_with(&format!(
                    "--shard:1:{col}: error: TOML syntax error: unexpected leading zero"
                )),
                "{args:?}: {e}"
            );
            let caret = format!("{}{}", " ".repeat(col - 1), "^".repeat(zero.len()));
            assert!(e.contains(&format!("| {caret}\n")), "{args:?}: {e}");
            assert!(
                e.contains("no leading zero (`10`, not `010`)"),
                "{args:?}: {e}"
            );
            assert!(!out.exists(), "{args:?}");
        }
    }
}

/// A sweep's `futures` file whose column names are in quotes (R's `write.csv`) was read with
/// `"draw"` as a parameter's path ("`"draw"` is not a parameter of this scenario"), while
/// `--posterior` said the cells are in quotes and how to write them plain. The sweep now says
/// it in the posterior's words, at the `futures` key and the file's header line; the help
/// line (which held runs of blanks) is one sentence in both.
#[test]
fn a_sweeps_futures_with_quoted_column_names_says_so() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "q.csv",
        "# R\n\"draw\",\"model.war_cost\",\"weight\",\"distance\"\n0,0.8,1,0\n1,1.2,1,0\n",
    );
    let base = scenario("scenarios/western-balkans-2024.toml");
    write(
        d.path(),
        "s.toml",
        &format!("base = {base:?}\nruns = 10\nseed = 1\npoints = 2\nfutures = \"q.csv\"\n"),
    );
    let o = run_in(d.path(), &["sweep", "s.toml", "-q", "--out", "r.csv"]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with(
            "s.toml:5:11: error: futures: q.csv:2:1: expected a header \
             `draw,PATH...,weight,distance` (a posterior.csv of deter calibrate)\n"
        ),
        "{e}"
    );
    let help = "help: the cells are in quotes: a file of draws is read as written, plain \
                comma-separated cells as deter calibrate writes them; write it without quotes \
                (R: `write.csv(x, FILE, quote = FALSE, row.names = FALSE)`; pandas: \
                `x.to_csv(FILE, index = False)`)\n";
    assert!(e.contains(help), "{e}");
    assert!(!d.path().join("r.csv").exists());
    let o = run_in(
        d.path(),
        &[
            "run",
            &base,
            "--posterior",
            "q.csv",
            "--draws",
            "2",
            "--runs",
            "10",
            "-q",
        ],
    );
    refused(&o);
    assert!(stderr(&o).contains(help), "{}", stderr(&o));
}

/// A sweep whose `base` is itself a sweep file got the scenario reader's errors about that
/// file's keys (`base`, `runs`, `[[parameter]]` unknown in a scenario). It is now said as what
/// it is, at the `base` key, in `deter sweep` and `deter validate` alike, exit 2.
#[test]
fn a_sweeps_base_that_is_a_sweep_file_is_said_so_at_base() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let grid = "runs = 10\nseed = 1\n[[parameter]]\npath = \"model.war_cost\"\nvalues = [0.5, 1]\n";
    write(d.path(), "inner.toml", &format!("base = {base:?}\n{grid}"));
    write(
        d.path(),
        "outer.toml",
        &format!("base = \"inner.toml\"\n{grid}"),
    );
    for args in [
        vec!["sweep", "outer.toml", "-q", "--out", "r.csv"],
        vec!["validate", "outer.toml"],
    ] {
        let o = run_in(d.path(), &args);
        refused_for(&o, format_args!("{args:?}"));
        let e = stderr(&o);
        assert!(
            e.starts_with(
                "outer.toml:1:8: error: base: expected a base scenario, found `inner.toml`, a \
                 sweep file\n"
            ),
            "{args:?}: {e}"
        );
        assert!(e.ends_with("1 error found\n"), "{args:?}: {e}");
        assert!(!d.path().join("r.csv").exists());
    }
}

/// An output path that is a FIFO, a device, a loop of symbolic links, a read-only file or
/// one of the command's inputs is refused at the flag that named it, in every command that
/// writes files, in the form of the output faults already located ("--out:1:1: error:
/// expected a file in an existing directory, ..."): they were plain "error: output path `x`
/// is not a regular file ..." lines that named no flag. Each case: the command, the flag,
/// its value, and the words after "found `VALUE`, ".
#[cfg(unix)]
#[test]
fn every_output_path_fault_is_located_at_its_flag_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let results = dir.join("grid.csv");
    let small = write(
        dir,
        "small.toml",
        &std::fs::read_to_string(&sweep)
            .unwrap()
            .replace("runs = 2000", "runs = 5")
            .replace("../western-balkans-2024.toml", &base),
    );
    succeeded(&sweep_to(&small, &results));
    let fifo = dir.join("ff");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let lp = dir.join("loop1");
    std::os::unix::fs::symlink(dir.join("loop2"), &lp).unwrap();
    std::os::unix::fs::symlink(&lp, dir.join("loop2")).unwrap();
    let ro = write(dir, "ro.csv", "kept\n");
    let mut perm = std::fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o444);
    std::fs::set_permissions(&ro, perm).unwrap();
    let (fifo, lp, ro, res) = (
        fifo.to_str().unwrap(),
        lp.to_str().unwrap(),
        ro.to_str().unwrap(),
        results.to_str().unwrap(),
    );
    let small = small.to_str().unwrap();
    let run_ = ["run", base.as_str(), "--runs", "5"];
    let compare = ["compare", base.as_str(), base.as_str(), "--runs", "5"];
    let sweep_ = ["sweep", small];
    let robust = ["robust", res];
    let discover = ["discover", res, "--outcome", "war", "--above", "0.5"];
    let merge = ["merge", res];
    let shard = ["run", base.as_str(), "--runs", "5", "--shard", "1/2"];
    let a_fifo = "a FIFO".to_string();
    let input = "which is also an input file".to_string();
    // A `.toml` output is refused for its name first, whether or not it is an input.
    let toml = "the name of a TOML file (deter reads scenario, sweep, calibration and record \
                files as TOML, and writes none but `deter init`'s template)"
        .to_string();
    let mut cases: Vec<(Vec<&str>, &str, &str, String)> = Vec::new();
    for (cmd, flags) in [
        (&run_[..], &["--out", "--report", "--per-run"][..]),
        (&compare[..], &["--out", "--report"][..]),
        (&sweep_[..], &["--out", "--report"][..]),
        (&robust[..], &["--out", "--report"][..]),
        (&discover[..], &["--report"][..]),
        (&merge[..], &["--out", "--report", "--per-run"][..]),
        (&shard[..], &["--out"][..]),
    ] {
        for &flag in flags {
            cases.push((cmd.to_vec(), flag, fifo, a_fifo.clone()));
        }
        let flag = flags[0];
        cases.push((cmd.to_vec(), flag, "/dev/null", "a device".into()));
        cases.push((
            cmd.to_vec(),
            flag,
            lp,
            "a symbolic link that leads to no file (too many levels of symbolic links)".into(),
        ));
        cases.push((cmd.to_vec(), flag, ro, "a read-only file".into()));
    }
    cases.push((run_.to_vec(), "--out", &base, toml.clone()));
    cases.push((compare.to_vec(), "--report", &base, toml.clone()));
    cases.push((sweep_.to_vec(), "--out", small, toml.clone()));
    cases.push((sweep_.to_vec(), "--report", &base, toml.clone()));
    cases.push((robust.to_vec(), "--out", res, input.clone()));
    cases.push((discover.to_vec(), "--report", res, input.clone()));
    cases.push((merge.to_vec(), "--out", res, input.clone()));
    for (cmd, flag, value, found) in &cases {
        let mut args = cmd.clone();
        args.extend([*flag, *value]);
        let o = run(&args);
        let err = refused_for(&o, format_args!("{args:?}"));
        let want = format!("{flag}:1:1: error: expected ");
        assert!(err.starts_with(&want), "{args:?}: {err}");
        let first = err.lines().next().unwrap();
        assert!(
            first.ends_with(&format!("found `{value}`, {found}")),
            "{args:?}: {err}"
        );
        assert!(err.contains("  = help: "), "{args:?}: {err}");
    }
    // `deter init PATH` names its file with its argument.
    for (value, found) in [(fifo, &a_fifo), ("/dev/null", &"a device".to_string())] {
        let o = run(&["init", value, "--force"]);
        let err = refused(&o);
        assert!(
            err.starts_with(&format!(
                "PATH:1:1: error: expected a regular file, found `{value}`, {found}\n"
            )),
            "{err}"
        );
    }
    // A chart file in --plots that is a FIFO: at --plots, the chart named.
    let plots = dir.join("plots");
    std::fs::create_dir(&plots).unwrap();
    let chart = plots.join("chart-survival.svg");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&chart)
            .status()
            .unwrap()
            .success()
    );
    let plots = plots.to_str().unwrap();
    let grid = dir.join("plots/outcome-war-grid.svg");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&grid)
            .status()
            .unwrap()
            .success()
    );
    let sweep_plots = ["sweep", small, "--out", "g2.csv"];
    for (cmd, chart) in [
        (&run_[..], &chart),
        (&compare[..], &chart),
        (&sweep_plots[..], &grid),
    ] {
        let mut args = cmd.to_vec();
        args.extend(["--plots", plots]);
        // (compare's warning that A and B are one file comes first)
        let err = refused(&run(&args));
        assert!(
            err.contains(&format!(
                "--plots:1:1: error: expected a regular file, found `{}`, a FIFO, a chart \
                 --plots writes\n",
                chart.display()
            )),
            "{args:?}: {err}"
        );
    }
}

/// `deter robust RESULTS` without `--out` writes `RESULTS.robustness.csv`: a fault of that
/// default path was located at `--out`, a flag the user never gave. It is located at RESULTS,
/// the path it is derived from, says it is the default and how to choose another.
#[cfg(unix)]
#[test]
fn robusts_default_table_fault_is_located_at_results_not_at_an_out_never_given() {
    let d = tempfile::tempdir().unwrap();
    let results = results_of(d.path(), &["status_quo", "pact"]);
    let table = results.with_file_name("status_quo-pact.robustness.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&table)
            .status()
            .unwrap()
            .success()
    );
    let r = results.to_str().unwrap();
    let err = refused(&run(&["robust", r]));
    assert_eq!(
        err,
        common::flag_fault_help(
            "RESULTS",
            r,
            1,
            r.chars().count(),
            &format!(
                "expected a regular file, found `{}`, a FIFO, the default output path derived \
                 from RESULTS",
                table.display()
            ),
            "choose where to write the table with --out FILE",
        )
    );
}

/// A sweep's `[[parameter]]` or a scenario's `[[uncertain]]` prior that varies
/// `policy.ID.ramp_years` of a policy turning a switch was taken (`values = [0, 3]` ramped
/// `model.commitment_at_attack` through fractions at the points of 3), while the policy
/// file's `ramp_years` and `--set policy.ID.ramp_years=3` are refused. It is refused in their
/// words, at the values (or range) that ramp, with their help; values that turn it at once
/// (0, or less than a month) are taken.
#[test]
fn a_sweep_or_a_prior_cannot_ramp_a_policy_that_turns_a_switch() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let policy = write(
        d.path(),
        "p.toml",
        &format!(
            "extends = {base:?}\n\n[[policy]]\nid = \"commit\"\nstart = \"2026-01\"\n\
             changes = [{{ path = \"model.commitment_at_attack\", set = 1 }}]\n"
        ),
    );
    let sweep = |name: &str, domain: &str| {
        write(
            d.path(),
            name,
            &format!(
                "base = {:?}\nruns = 10\nseed = 1\n\n[[parameter]]\n\
                 path = \"policy.commit.ramp_years\"\nrole = \"lever\"\n{domain}\n",
                policy.display().to_string()
            ),
        )
    };
    let prior = |name: &str, domain: &str| {
        write(
            d.path(),
            name,
            &format!(
                "extends = \"p.toml\"\n\n[[uncertain]]\npath = \"policy.commit.ramp_years\"\n{domain}\n"
            ),
        )
    };
    let words = "would ramp `model.commitment_at_attack`, a switch (0 or 1), through fractions \
                 the model reads as on\n";
    let help = "= help: a switch turns at once: policy `commit` changes \
                `model.commitment_at_attack`, so its changes cannot ramp";
    for (file, line, key, domain, x) in [
        (
            sweep("s1.toml", "values = [0, 3]"),
            8,
            "parameter[0].values",
            "values = [0, 3]",
            "3",
        ),
        (
            sweep("s2.toml", "range = [0, 2]\nlevels = 3"),
            8,
            "parameter[0].range",
            "range = [0, 2]",
            "2",
        ),
        (
            prior("u1.toml", "range = [0, 2.5]"),
            5,
            "uncertain[0].range",
            "range = [0, 2.5]",
            "2.5",
        ),
        (
            prior("u2.toml", "values = [1, 0]"),
            5,
            "uncertain[0].values",
            "values = [1, 0]",
            "1",
        ),
    ] {
        let o = run(&["validate", file.to_str().unwrap()]);
        refused(&o);
        let err = stderr(&o);
        let col = domain.find('[').unwrap() + 1;
        assert!(
            err.starts_with(&format!(
                "{}:{line}:{col}: error: {key}: `ramp_years = {x}` {words}",
                file.display()
            )),
            "{domain}: {err}"
        );
        assert!(err.contains(help), "{domain}: {err}");
    }
    for file in [
        sweep("s3.toml", "values = [0, 0.05]"),
        prior("u3.toml", "range = [0, 0.05]"),
    ] {
        let o = run(&["validate", file.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

/// The protectors' private resolve with alliance restraint (`model.resolve_spread` and
/// `model.protector_restraint` both above 0) is refused in a scenario's `[model]` and by
/// `--set`, but a sweep or a scenario's priors reaching both were taken. They are refused in
/// the same words and help, at the path of the last parameter (or prior) of either, with the
/// largest values it reaches; one of them alone is taken.
#[test]
fn a_sweep_or_priors_reaching_private_resolve_with_restraint_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = write(
        d.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 10\nseed = 1\n\n[[parameter]]\npath = \"model.resolve_spread\"\n\
             role = \"lever\"\nvalues = [0, 0.5]\n\n[[parameter]]\npath = \"model.protector_restraint\"\n\
             role = \"lever\"\nvalues = [0, 1]\n"
        ),
    );
    let priors = write(
        d.path(),
        "u.toml",
        &format!(
            "extends = {base:?}\n\n[[uncertain]]\npath = \"model.resolve_spread\"\nrange = [0, 0.5]\n\n\
             [[uncertain]]\npath = \"model.protector_restraint\"\nrange = [0, 1]\n"
        ),
    );
    let words = "`model.resolve_spread` (0.5) cannot be combined with `model.protector_restraint` \
                 (1): with restraint the protectors move at the display, before the challenger's \
                 use of force, and the challenger would learn of their resolve from that move, \
                 which the model does not solve\n";
    let help = "= help: set `resolve_spread` to 0 (no private resolve) or `protector_restraint` \
                to 0 (no restraint) in [model]";
    for (file, at) in [
        (&sweep, "11:8: error: parameter[1].path"),
        (&priors, "8:8: error: uncertain[1].path"),
    ] {
        let o = run(&["validate", file.to_str().unwrap()]);
        refused(&o);
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}:{at}: {words}", file.display())),
            "{err}"
        );
        assert!(err.contains(help), "{err}");
    }
    // The same words from `--set` (the reference).
    let o = run(&[
        "validate",
        &base,
        "--set",
        "model.resolve_spread=0.5",
        "--set",
        "model.protector_restraint=1",
    ]);
    refused(&o);
    assert!(
        stderr(&o).contains(&words[..words.len() - 1]),
        "{}",
        stderr(&o)
    );
    // One of them alone: taken.
    let one = write(
        d.path(),
        "one.toml",
        &format!(
            "extends = {base:?}\n\n[[uncertain]]\npath = \"model.resolve_spread\"\nrange = [0, 0.5]\n"
        ),
    );
    let o = run(&["validate", one.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The protectors' two moves with their one move at the attack (`model.protector_moves_twice`
/// and `model.commitment_at_attack` both 1) are refused in a scenario's `[model]` and by
/// `--set`; a dated policy's `set` turning one on while the other is on, a sweep's parameters
/// or a scenario's priors reaching both were taken. Every path is refused in the words of
/// `--set`, at the policy's change, the sweep's or the prior's path. A policy's `set` of
/// `model.protector_restraint` while `model.resolve_spread` is on likewise. A disabled policy
/// and a policy that turns the other off at the same date are taken.
#[test]
fn every_path_to_two_moves_with_the_move_at_the_attack_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let words = "`model.protector_moves_twice` (1) cannot be combined with \
                 `model.commitment_at_attack` (1): the protectors either move once, after the \
                 attack, or twice, at the display and again at the attack";
    let help = "= help: set `protector_moves_twice` to 0 (one move) or `commitment_at_attack` to \
                0 (the first move at the display) in [model]";
    // The reference: `--set`.
    let o = run(&[
        "validate",
        &base,
        "--set",
        "model.protector_moves_twice=1",
        "--set",
        "model.commitment_at_attack=1",
    ]);
    refused(&o);
    assert!(stderr(&o).contains(words), "{}", stderr(&o));
    assert!(stderr(&o).contains(help), "{}", stderr(&o));
    let policy = |name: &str, model: &str, changes: &str, extra: &str| {
        write(
            d.path(),
            name,
            &format!(
                "extends = {base:?}\n\n[model]\n{model}\n\n[[policy]]\nid = \"turn\"\n\
                 start = \"2026-01\"\nchanges = [{changes}]\n{extra}"
            ),
        )
    };
    let sweep = write(
        d.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 10\nseed = 1\n\n[[parameter]]\npath = \"model.commitment_at_attack\"\n\
             role = \"lever\"\nvalues = [0, 1]\n\n[[parameter]]\npath = \"model.protector_moves_twice\"\n\
             role = \"lever\"\nvalues = [0, 1]\n"
        ),
    );
    let priors = write(
        d.path(),
        "u.toml",
        &format!(
            "extends = {base:?}\n\n[model]\ncommitment_at_attack = 1\n\n[[uncertain]]\n\
             path = \"model.protector_moves_twice\"\nvalues = [0, 1]\n"
        ),
    );
    let change = "{ path = \"model.protector_moves_twice\", set = 1 }";
    for (file, at, words) in [
        (
            policy("p.toml", "commitment_at_attack = 1", change, ""),
            "9:21: error: policy[0].changes[0].path",
            words,
        ),
        (sweep, "11:8: error: parameter[1].path", words),
        (priors, "7:8: error: uncertain[0].path", words),
        (
            policy(
                "r.toml",
                "resolve_spread = 0.5",
                "{ path = \"model.protector_restraint\", set = 1 }",
                "",
            ),
            "9:21: error: policy[0].changes[0].path",
            "`model.resolve_spread` (0.5) cannot be combined with `model.protector_restraint` (1)",
        ),
    ] {
        let o = run(&["validate", file.to_str().unwrap()]);
        refused(&o);
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}:{at}: {words}", file.display())),
            "{err}"
        );
    }
    // `--set` turning one on while a policy turns the other: at the `--set`.
    let p = policy("q.toml", "", change, "");
    let o = run(&[
        "validate",
        p.to_str().unwrap(),
        "--set",
        "model.commitment_at_attack=1",
    ]);
    refused(&o);
    assert!(stderr(&o).contains(words), "{}", stderr(&o));
    // Taken: the policy disabled, or turning the other off at the same date.
    for file in [
        policy(
            "off.toml",
            "commitment_at_attack = 1",
            change,
            "enabled = false\n",
        ),
        policy(
            "swap.toml",
            "commitment_at_attack = 1",
            &format!("{change}, {{ path = \"model.commitment_at_attack\", set = 0 }}"),
            "",
        ),
    ] {
        let o = run(&["validate", file.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", file.display(), stderr(&o));
    }
}

/// A dated policy switched off (`enabled = false`) whose change turns on the second switch of
/// a refused pair, enabled by a sweep's `[[parameter]]` (lever or uncertainty), a sweep
/// policy's `set`, a prior, a column of `--posterior` or of a sweep's `futures`; and the
/// second switch itself set by a sweep policy's `set` or drawn by a file of draws: each was
/// taken (the runs made on the refused trees), while the file, `--set` and a policy's own
/// change are refused. Each is refused now in their words, at what reaches it.
#[test]
fn a_lever_or_draw_enabling_a_policy_into_a_refused_pair_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let words = "`model.protector_moves_twice` (1) cannot be combined with \
                 `model.commitment_at_attack` (1): the protectors either move once, after the \
                 attack, or twice, at the display and again at the attack";
    let help = "= help: set `protector_moves_twice` to 0 (one move) or `commitment_at_attack` to \
                0 (the first move at the display) in [model]";
    let pol = write(
        d.path(),
        "pol.toml",
        &format!(
            "extends = {base:?}\n[model]\nprotector_moves_twice = 1\n[[policy]]\nid = \"atk\"\n\
             start = \"2027-01\"\nenabled = false\n\
             changes = [{{ path = \"model.commitment_at_attack\", set = 1 }}]\n"
        ),
    );
    // The policy switched off is taken, and `--set` enabling it refused (the reference).
    let o = run(&["validate", pol.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "validate",
        pol.to_str().unwrap(),
        "--set",
        "policy.atk.enabled=1",
    ]);
    refused(&o);
    assert!(stderr(&o).contains(words), "{}", stderr(&o));
    let sweep = |name: &str, body: &str| {
        write(
            d.path(),
            name,
            &format!("base = \"pol.toml\"\nruns = 10\n{body}"),
        )
    };
    let draws = |name: &str, body: &str| write(d.path(), name, body);
    draws("enable.csv", "draw,policy.atk.enabled\n1,0\n2,1\n");
    draws(
        "turn.csv",
        "draw,model.war_cost,model.commitment_at_attack\n1,0.3,0\n2,0.3,1\n",
    );
    let lever = sweep(
        "lever.toml",
        "[[parameter]]\npath = \"policy.atk.enabled\"\nrole = \"lever\"\nvalues = [0, 1]\n",
    );
    let future = sweep(
        "future.toml",
        "[[parameter]]\npath = \"policy.atk.enabled\"\nrole = \"uncertainty\"\nvalues = [0, 1]\n",
    );
    let set_enable = sweep(
        "set_enable.toml",
        "[[policy]]\nid = \"baseline\"\n[[policy]]\nid = \"on\"\n\
         set = { \"model.war_cost\" = 0.3, \"policy.atk.enabled\" = 1 }\n",
    );
    let set_switch = sweep(
        "set_switch.toml",
        "[[policy]]\nid = \"baseline\"\n[[policy]]\nid = \"on\"\n\
         set = { \"model.commitment_at_attack\" = 1 }\n",
    );
    let futures = sweep("futures.toml", "futures = \"enable.csv\"\n");
    let futures_switch = sweep("futures_switch.toml", "futures = \"turn.csv\"\n");
    let prior = write(
        d.path(),
        "prior.toml",
        "extends = \"pol.toml\"\n[[uncertain]]\npath = \"policy.atk.enabled\"\nvalues = [0, 1]\n",
    );
    let path = |p: &std::path::PathBuf| p.display().to_string();
    for (args, at) in [
        (
            vec!["validate".to_string(), path(&lever)],
            format!("{}:4:8: error: parameter[0].path: ", path(&lever)),
        ),
        (
            vec!["validate".to_string(), path(&future)],
            format!("{}:4:8: error: parameter[0].path: ", path(&future)),
        ),
        (
            vec!["validate".to_string(), path(&set_enable)],
            format!(
                "{}:7:33: error: policy[1].set.\"policy.atk.enabled\": ",
                path(&set_enable)
            ),
        ),
        (
            vec!["validate".to_string(), path(&set_switch)],
            format!(
                "{}:7:9: error: policy[1].set.\"model.commitment_at_attack\": ",
                path(&set_switch)
            ),
        ),
        (
            vec!["validate".to_string(), path(&futures)],
            format!(
                "{}:3:11: error: futures: enable.csv:3:3: column `policy.atk.enabled`: ",
                path(&futures)
            ),
        ),
        (
            vec!["validate".to_string(), path(&futures_switch)],
            format!(
                "{}:3:11: error: futures: turn.csv:3:7: column `model.commitment_at_attack`: ",
                path(&futures_switch)
            ),
        ),
        (
            vec!["validate".to_string(), path(&prior)],
            format!("{}:3:8: error: uncertain[0].path: ", path(&prior)),
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        refused(&o);
        let err = stderr(&o);
        assert!(err.contains(&format!("{at}{words}")), "{at}\n{err}");
        assert!(err.contains(help), "{err}");
    }
    // `--posterior`, the same rows: at the row's cell.
    for (csv, at) in [
        (
            "enable.csv",
            "enable.csv:3:3: error: column `policy.atk.enabled`: ",
        ),
        (
            "turn.csv",
            "turn.csv:3:7: error: column `model.commitment_at_attack`: ",
        ),
    ] {
        let post = d.path().join(csv);
        let o = run(&[
            "run",
            pol.to_str().unwrap(),
            "--posterior",
            post.to_str().unwrap(),
            "--draws",
            "2",
            "--runs",
            "10",
        ]);
        refused(&o);
        let err = stderr(&o);
        assert!(err.contains(&format!("{at}{words}")), "{err}");
        assert!(err.contains(help), "{err}");
    }
    // Taken: the lever or draw that leaves the policy off, or a draw of the switch at 0.
    draws("off.csv", "draw,policy.atk.enabled\n1,0\n2,0\n");
    let off = sweep("off.toml", "futures = \"off.csv\"\n");
    let o = run(&["validate", off.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `deter validate /dev/null` said "the file is empty" where `deter run` (and every command
/// that reads its inputs) refuses a device: the same words now.
#[test]
fn validate_refuses_a_device_in_the_words_of_run() {
    let reference = stderr(&run(&["run", "/dev/null"]));
    let o = run(&["validate", "/dev/null"]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.contains("not a regular file (a pipe, `<(...)` or a device)"),
        "{e}"
    );
    assert_eq!(first_line(&e), first_line(&reference), "{e}\n{reference}");
    assert!(!e.contains("the file is empty"), "{e}");
}

/// `--runs N` beside `--until-ci` and `--max-runs` (trial 5): adaptive stopping's cap is
/// `--max-runs`, and `--runs` only its default, so `--runs` was dropped without a word. Every
/// command that stops adaptively (run, compare, sweep) now says so (not refused: a sweep's
/// resume command repeats the flags it was given), and not under --quiet.
#[test]
fn runs_beside_until_ci_and_max_runs_is_said_to_be_unused() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = small_sweep(d.path());
    let said = "deter: --runs 300 is not used: with --max-runs, --until-ci adds runs in blocks \
                of 1,000 up to --max-runs 1000";
    let until = ["--until-ci", "0.3", "--max-runs", "1000", "--runs", "300"];
    for command in [
        vec!["run", base.as_str(), "--no-attribution", "--format", "json"],
        vec!["compare", base.as_str(), base.as_str(), "--no-attribution"],
        vec!["sweep", sweep.to_str().unwrap()],
    ] {
        let args: Vec<&str> = command.iter().copied().chain(until).collect();
        let o = run(&args);
        succeeded_for(&o, format_args!("{args:?}"));
        stderr_says(&o, said);
        let quiet: Vec<&str> = args.iter().copied().chain(["--quiet"]).collect();
        let o = run(&quiet);
        succeeded_for(&o, format_args!("{quiet:?}"));
        assert!(!stderr(&o).contains("is not used"), "{quiet:?}");
        // Without --max-runs, --runs is the cap and nothing is said.
        let capped: Vec<&str> = command
            .iter()
            .copied()
            .chain(["--until-ci", "0.3", "--runs", "300"])
            .collect();
        let o = run(&capped);
        succeeded_for(&o, format_args!("{capped:?}"));
        assert!(!stderr(&o).contains("is not used"), "{capped:?}");
    }
}

/// `deter sweep --resume` onto results that do not exist yet starts from the first point (a
/// requeued array task runs the same command either way) but said nothing (trial 5); it now
/// says so. And `--out results.jsonl` without `--format` wrote CSV: `.jsonl` and `.ndjson`
/// name JSON Lines as `.json` does.
#[test]
fn a_resume_from_nothing_is_said_and_jsonl_names_json_lines() {
    let d = tempfile::tempdir().unwrap();
    let sweep = small_sweep(d.path());
    for name in ["r.jsonl", "r.NDJSON"] {
        let out = d.path().join(name);
        let args = [
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--resume",
        ];
        let o = run(&args);
        succeeded(&o);
        stderr_says(
            &o,
            &format!(
                "deter: --resume: `{}` does not exist yet, so the sweep starts from its first \
                 point",
                out.display()
            ),
        );
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(text.lines().count(), 5, "{text}");
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("a JSON Lines row");
            assert!(v.is_object(), "{line}");
        }
        // Resumed once complete: nothing said of a start from nothing.
        let o = run(&args);
        assert!(!stderr(&o).contains("does not exist yet"), "{o:?}");
    }
    // Contradicted by --format, refused as `.json` is.
    let o = run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        d.path().join("x.jsonl").to_str().unwrap(),
        "--format",
        "csv",
    ]);
    refused(&o);
    stderr_says(&o, "the name of a JSON file");
}

/// `deter robust --out r.html` (and `--per-run r.html`) is refused, but its help named only
/// `r.csv` (trial 5): every command with a rows file has `--report` for the page, which the
/// help now names too.
#[test]
fn an_html_name_for_rows_points_to_report() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let results = d.path().join("results.csv");
    let sweep = small_sweep(d.path());
    succeeded(&run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        results.to_str().unwrap(),
        "--quiet",
    ]));
    let page = d.path().join("r.html");
    let page = page.to_str().unwrap();
    let rows = d.path().join("r.csv");
    for (flag, args) in [
        (
            "--out",
            vec!["robust", results.to_str().unwrap(), "--out", page],
        ),
        ("--per-run", vec!["run", base.as_str(), "--per-run", page]),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let len = page.chars().count();
        assert_eq!(
            stderr(&o),
            flag_fault_help(
                flag,
                page,
                1,
                len,
                &format!(
                    "expected a file for CSV rows ({flag} writes CSV rows), found `{page}`, the \
                     name of an HTML file"
                ),
                &format!(
                    "use `{}` for the rows, or --report `{page}` for the HTML page",
                    rows.display()
                ),
            ),
            "{args:?}"
        );
    }
}

/// Every fault of a file said in one pass (trial 5): a sweep's `runs` of the wrong type hid
/// its design's missing `points`, and a parameter with another fault (no `role`) hid that
/// its path was swept twice, each said only once the other was mended; a rivalry whose
/// challenger was an unknown id had its out-of-range parameters said only after the id was
/// mended. All are now said together, in file order, by `validate` and by the command that
/// reads the file.
#[test]
fn every_fault_of_a_sweep_or_a_rivalry_is_said_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let sweep = write(
        dir.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = \"many\"\nseed = 1\ndesign = \"lhs\"\n\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.4, 1.6]\n\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.5, 1.6]\n\n\
             [[parameter]]\npath = \"model.status_quo_value\"\nrange = [2.0, 1.0]\n"
        ),
    );
    // "LINE:COL KEY" of each error line "FILE:LINE:COL: error: KEY: ...".
    let said = |o: &std::process::Output| -> Vec<String> {
        stderr(o)
            .lines()
            .filter_map(|l| {
                let (at, rest) = l.split_once(": error: ")?;
                let (_, line_col) = at.split_once(".toml:")?;
                Some(format!("{line_col} {}", rest.split(':').next()?))
            })
            .collect()
    };
    let expected = [
        "2:8 runs",
        "4:10 points",
        "6:1 parameter[0].role",
        "10:1 parameter[1].role",
        "11:8 parameter[1].path",
        "14:1 parameter[2].role",
        "16:9 parameter[2].range",
    ];
    for command in ["validate", "sweep"] {
        let o = run(&[command, sweep.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{command}");
        assert_eq!(said(&o), expected, "{command}: {}", stderr(&o));
        stderr_says(&o, "`model.war_cost` is swept twice");
        stderr_says(&o, "7 errors found");
    }
    let template = std::fs::read_to_string(root().join("src/scenario/template.toml")).unwrap();
    let text = template
        .replacen("challenger = \"AAA\"", "challenger = \"AAX\"", 1)
        .replacen("\ntension = 0.5", "\ntension = 5.0", 1);
    assert_ne!(text, template);
    let file = write(dir.path(), "r.toml", &text);
    for command in ["validate", "run"] {
        let o = run(&[command, file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{command}");
        let err = stderr(&o);
        assert!(
            err.contains("rivalry[0].challenger: unknown country id `AAX`"),
            "{err}"
        );
        assert!(
            err.contains("rivalry[0].tension: expected a number in [0, 1], found 5.0"),
            "{command}: {err}"
        );
        stderr_says(&o, "2 errors found");
    }
}

/// A `--until-ci` run's CSV could not tell a run that met its target from one the cap stopped
/// (trial 6): `--until-ci 0.03 --runs 5000` gave the CSV of a plain `--runs 1000`. The CSV of
/// `run` and `compare` now carries the JSON's `stopping` in numbers; recomputed here from the
/// JSON of the same command, for a target met and a target the cap stops.
#[test]
fn an_adaptive_runs_csv_says_whether_its_target_was_met() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    for (target, cap, reached) in [("0.05", "3000", 1), ("0.001", "1000", 0)] {
        for command in [
            vec!["run", base.as_str()],
            vec!["compare", base.as_str(), base.as_str()],
        ] {
            let args: Vec<&str> = command
                .iter()
                .copied()
                .chain([
                    "--until-ci",
                    target,
                    "--max-runs",
                    cap,
                    "--no-attribution",
                    "-q",
                ])
                .collect();
            let json = run(&[&args[..], &["--format", "json"]].concat());
            succeeded(&json);
            let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
            let s = &v["stopping"];
            assert_eq!(s["reason"] == "target_reached", reached == 1, "{s}");
            let csv = run(&[&args[..], &["--format", "csv"]].concat());
            succeeded(&csv);
            let rows = stdout(&csv);
            let value = |stat: &str| -> String {
                rows.lines()
                    .find_map(|l| {
                        let cells: Vec<&str> = l.rsplitn(4, ',').collect();
                        (cells.len() == 4
                            && cells[2] == "stopping"
                            && cells[1] == stat
                            && cells[3].ends_with(",scenario"))
                        .then(|| cells[0].to_string())
                    })
                    .unwrap_or_else(|| panic!("{args:?}: no stopping {stat} row: {rows}"))
            };
            assert_eq!(value("target_reached"), reached.to_string(), "{args:?}");
            assert_eq!(value("max_runs"), s["max_runs"].to_string(), "{args:?}");
            assert_eq!(
                value("target_half_width").parse::<f64>().unwrap(),
                s["target_half_width"].as_f64().unwrap()
            );
            assert_eq!(
                value("widest_half_width").parse::<f64>().unwrap(),
                s["widest_half_width"].as_f64().unwrap()
            );
        }
    }
    // Without --until-ci, no stopping rows.
    let o = run(&[
        "run",
        &base,
        "--runs",
        "100",
        "--no-attribution",
        "--format",
        "csv",
        "-q",
    ]);
    assert!(!stdout(&o).contains(",stopping,"), "{}", stdout(&o));
}
