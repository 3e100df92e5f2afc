//! Faults a new user's trial found (trial 7, 4 December 2026), each tested by what the user
//! sees: the bytes of the files written and the words of the refusals, recomputed here
//! rather than read from what deter says of itself.

use std::path::Path;

mod common;
use common::{refused, root, run, stderr, stdout, succeeded, write};

const BASELINE: &str = "scenarios/western-balkans-2024.toml";

fn baseline() -> String {
    root().join(BASELINE).display().to_string()
}

/// A small grid sweep of the baseline (4 points x 20 runs) in `dir`.
fn small_sweep(dir: &Path) -> String {
    let text = format!(
        "base = \"{}\"\nruns = 20\nseed = 5\ndesign = \"grid\"\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"lever\"\nvalues = [0.6, 0.9, 1.2, 1.5]\n",
        baseline()
    );
    write(dir, "grid.toml", &text).display().to_string()
}

/// [`small_sweep`] run to `dir/r.csv`: the sweep file, the results and their record.
fn swept(dir: &Path) -> (String, std::path::PathBuf, std::path::PathBuf) {
    let sweep = small_sweep(dir);
    let results = dir.join("r.csv");
    succeeded(&run(&[
        "sweep",
        &sweep,
        "--out",
        results.to_str().unwrap(),
        "-q",
    ]));
    (sweep, results, dir.join("r.csv.sweep"))
}

/// `deter merge --out m.jsonl` (or `.ndjson`) of a sweep's shards wrote CSV; the format of a
/// merged sweep's rows follows `deter sweep`'s one rule: `--format`, else the extension
/// (`.json`, `.jsonl`, `.ndjson`: JSON Lines), else CSV. The merged file is byte for byte the
/// unsharded sweep's JSON Lines, and its record resumes under the same name.
#[test]
fn merge_of_sweep_shards_writes_json_lines_to_a_jsonl_or_ndjson_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep = small_sweep(d);
    let whole = d.join("whole.jsonl");
    succeeded(&run(&[
        "sweep",
        &sweep,
        "--out",
        whole.to_str().unwrap(),
        "-q",
    ]));
    let expected = std::fs::read(&whole).unwrap();
    assert_eq!(expected.first(), Some(&b'{'), "the sweep writes JSON Lines");
    let parts: Vec<String> = (0..2)
        .map(|k| {
            let p = d.join(format!("p{k}.json")).display().to_string();
            let shard = format!("{k}/2");
            succeeded(&run(&[
                "sweep", &sweep, "--shard", &shard, "--out", &p, "-q",
            ]));
            p
        })
        .collect();
    for name in ["m.jsonl", "m.ndjson"] {
        let out = d.join(name);
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(String::as_str));
        args.extend(["--out", out.to_str().unwrap(), "-q"]);
        succeeded(&run(&args));
        assert_eq!(std::fs::read(&out).unwrap(), expected, "{name}");
        // Its record resumes it (complete) under the same name, without --format.
        let o = run(&[
            "sweep",
            &sweep,
            "--out",
            out.to_str().unwrap(),
            "--resume",
            "-q",
        ]);
        succeeded(&o);
        assert_eq!(std::fs::read(&out).unwrap(), expected, "{name} resumed");
    }
    // An explicit --format that contradicts the name is refused at --out, as the sweep does.
    let out = d.join("c.jsonl");
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--out", out.to_str().unwrap(), "--format", "csv"]);
    let err = refused(&run(&args));
    assert!(
        err.starts_with("--out:1:1: error: expected a file for the csv rows"),
        "{err}"
    );
    assert!(!out.exists());
}

/// The args that make a challenge cost nothing at any level (no stakes, no trade, no
/// sanctions' GDP loss): the cost composition is then a share of nothing.
const COSTLESS: [&str; 6] = [
    "--set",
    "model.sanctions_gdp_loss=0",
    "--set",
    "rivalry.SRB-XKX.stakes=0",
    "--set",
    "rivalry.SRB-XKX.trade=0",
];

/// A cost composition of nothing was reported as 0%, 0%, 0% (shares that do not sum to 1),
/// and `compare` read a shift of -13.5, -34.5 and -52.0 points from it. It is undefined: JSON
/// `null` with its reason beside it, no CSV rows, "undefined" in the table, and no shift.
#[test]
fn a_cost_composition_of_nothing_is_undefined_not_zero() {
    let b = baseline();
    let mut args = vec!["run", b.as_str(), "--runs", "300", "--no-attribution"];
    args.extend(COSTLESS);
    // The run itself has challenges: it is the composition, not the run, that is empty.
    let json = run(&[args.as_slice(), &["--format", "json"]].concat());
    succeeded(&json);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v["outcomes"]["threat"]["p"].as_f64().unwrap() > 0.0);
    for (what, at) in [("region", &v), ("rivalry", &v["rivalries"][0])] {
        assert!(
            at["cost_composition"].is_null(),
            "{what}: {}",
            at["cost_composition"]
        );
        assert_eq!(
            at["cost_composition_undefined"], "undefined (no challenge decision had a cost)",
            "{what}"
        );
    }
    // The baseline's composition is defined, with a null reason, and sums to 1.
    let base = run(&[
        "run",
        &b,
        "--runs",
        "300",
        "--no-attribution",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&base.stdout).unwrap();
    assert!(v["cost_composition_undefined"].is_null());
    let c = &v["cost_composition"];
    let sum: f64 = ["military", "political", "economic"]
        .iter()
        .map(|k| c[k].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-9, "{c}");
    let csv = run(&[args.as_slice(), &["--format", "csv"]].concat());
    succeeded(&csv);
    assert!(
        !stdout(&csv).contains("cost_composition"),
        "{}",
        stdout(&csv)
    );
    let table = run(&args);
    assert!(
        stdout(&table).contains(
            "challenger's expected cost of challenging, by level: undefined (no challenge \
             decision had a cost)"
        ),
        "{}",
        stdout(&table)
    );
    assert!(!stdout(&table).contains("military 0%"));
    // A comparison with one side undefined reads no shift.
    let mut cmp = vec![
        "compare",
        b.as_str(),
        b.as_str(),
        "--runs",
        "300",
        "--no-attribution",
    ];
    let b_sets: Vec<&str> = COSTLESS
        .iter()
        .map(|a| if *a == "--set" { "--set-b" } else { a })
        .collect();
    cmp.extend(&b_sets);
    let o = run(&[cmp.as_slice(), &["--format", "json"]].concat());
    succeeded(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let l = &v["region"]["cost_composition"];
    assert!(
        l["a"].is_object() && l["b"].is_null() && l["shift"].is_null(),
        "{l}"
    );
    assert!(
        l["a_undefined"].is_null() && l["b_undefined"].is_string(),
        "{l}"
    );
    assert!(l["shift_undefined"].is_string(), "{l}");
    let o = run(&cmp);
    succeeded(&o);
    let text = stdout(&o);
    assert!(text.contains("; no shift"), "{text}");
    assert!(!text.contains("-52.0 pp"), "{text}");
}

/// A number flag given without its value (`--runs` last, or before another flag) was
/// refused as "expected a path, found nothing ... give --runs a path"; it is refused in the
/// words of its own parser, as `--runs ""` is. A path flag keeps its words.
#[test]
fn a_number_flag_without_its_value_is_refused_as_a_number_not_a_path() {
    let b = baseline();
    for (flag, tail) in [
        ("--runs", vec![]),
        ("--runs", vec!["--seed", "3"]),
        ("--seed", vec![]),
        ("--threads", vec![]),
        ("--until-ci", vec![]),
        ("--horizon-years", vec![]),
    ] {
        let mut missing = vec!["run", b.as_str(), flag];
        missing.extend(&tail);
        let err = refused(&run(&missing));
        let mut empty = vec!["run", b.as_str(), flag, ""];
        empty.extend(&tail);
        let said = refused(&run(&empty));
        assert_eq!(err, said, "{flag} {tail:?}");
        assert!(!err.contains("a path"), "{flag}: {err}");
    }
    let err = refused(&run(&["run", &b, "--out"]));
    assert!(err.contains("expected a path, found nothing"), "{err}");
}

/// `bench --runs-per-point` without `--sweep-points` ran an ordinary bench and ignored it;
/// it is refused at its value.
#[test]
fn bench_runs_per_point_without_sweep_points_is_refused() {
    let o = run(&[
        "bench",
        "--runs-per-point",
        "10",
        "--runs",
        "100",
        "--repeat",
        "1",
    ]);
    let err = refused(&o);
    assert!(
        err.starts_with(
            "--runs-per-point:1:1: error: expected --runs-per-point only with --sweep-points"
        ),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

/// Any output but a sweep's own results replaced a sweep's results without a word (`deter
/// run --out r.csv` over an unfinished sweep's `r.csv` left a record of rows that were gone):
/// every command's output option refuses a file with a sweep's record beside it, and leaves
/// both untouched; the sweep's own `--out` still resumes it.
#[test]
fn no_other_output_replaces_a_sweeps_results() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (sweep, results, record) = swept(d);
    let r = results.to_str().unwrap();
    let (rows, kept) = (
        std::fs::read(&results).unwrap(),
        std::fs::read(&record).unwrap(),
    );
    let b = baseline();
    let part = d.join("part.json").display().to_string();
    succeeded(&run(&[
        "run", &b, "--runs", "20", "--shard", "0/1", "--out", &part, "-q",
    ]));
    for args in [
        vec!["run", b.as_str(), "--runs", "20", "--out", r],
        vec!["run", b.as_str(), "--runs", "20", "--per-run", r],
        vec![
            "compare",
            b.as_str(),
            b.as_str(),
            "--runs",
            "20",
            "--out",
            r,
        ],
        vec![
            "run",
            b.as_str(),
            "--runs",
            "20",
            "--shard",
            "0/1",
            "--out",
            r,
        ],
        vec!["merge", part.as_str(), "--out", r],
    ] {
        let o = run(&args);
        let err = refused(&o);
        assert!(
            err.contains(&format!(
                "error: expected a file that holds no sweep's results, found `{r}`, beside its \
                 sweep's record `{}`",
                record.display()
            )),
            "{args:?}: {err}"
        );
        assert_eq!(std::fs::read(&results).unwrap(), rows, "{args:?}");
        assert_eq!(std::fs::read(&record).unwrap(), kept, "{args:?}");
    }
    // `deter robust` of another sweep's results onto these.
    let other = d.join("other.csv");
    std::fs::copy(&results, &other).unwrap();
    let err = refused(&run(&["robust", other.to_str().unwrap(), "--out", r]));
    assert!(err.contains("holds no sweep's results"), "{err}");
    // The sweep's own --out resumes (complete: nothing to add) and writes the same rows.
    succeeded(&run(&["sweep", &sweep, "--out", r, "--resume", "-q"]));
    assert_eq!(std::fs::read(&results).unwrap(), rows);
}

/// A scenario without a rivalry: the warning said "every outcome is 0" where deterrence held
/// is 100%, and the table pointed to "per rivalry below" with no rivalry below.
#[test]
fn a_scenario_without_a_rivalry_is_described_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.toml");
    succeeded(&run(&["init", f.to_str().unwrap()]));
    let text = std::fs::read_to_string(&f).unwrap();
    // The template's rivalry table, to its end (the next table or the file's end).
    let start = text
        .find("[[rivalry]]")
        .expect("the template has a rivalry");
    let end = text[start + 1..]
        .find("\n[")
        .map_or(text.len(), |i| start + 1 + i + 1);
    let no_rivalry = write(
        dir.path(),
        "n.toml",
        &format!("{}{}", &text[..start], &text[end..]),
    );
    let o = run(&["run", no_rivalry.to_str().unwrap(), "--runs", "50"]);
    succeeded(&o);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(!err.contains("every outcome is 0"), "{err}");
    assert!(
        err.contains("every event's probability is 0 (deterrence holds in every run)"),
        "{err}"
    );
    assert!(!out.contains("per rivalry below"), "{out}");
    assert!(
        out.contains("deterrence held (no force)        100.0%"),
        "{out}"
    );
}

/// Results of a sweep stopped before it finished (its record says `running`) with a row a
/// resume refuses (an interval that is not its count's): the resume's help said "leave out
/// --resume to start afresh", and leaving it out was refused ("`--resume` completes it"), each
/// sending the user to the other. The resume's help now names the way out both agree on:
/// remove the results and their record.
#[test]
fn a_refused_resume_of_an_unfinished_sweep_does_not_send_the_user_in_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (sweep, results, record) = swept(d);
    let r = results.to_str().unwrap();
    let text = std::fs::read_to_string(&record).unwrap();
    assert!(text.contains("\"status\":\"complete\""));
    // As a sweep stopped midway leaves it (its record says running) ...
    std::fs::write(
        &record,
        text.replace("\"status\":\"complete\"", "\"status\":\"running\""),
    )
    .unwrap();
    // ... with point 1's threat interval edited (column 8, `threat_mc95_lo`).
    let rows = std::fs::read_to_string(&results).unwrap();
    let mut lines: Vec<String> = rows.lines().map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[7] = "0.5";
    lines[2] = cells.join(",");
    std::fs::write(&results, lines.join("\n") + "\n").unwrap();
    let resume = refused(&run(&["sweep", &sweep, "--out", r, "--resume"]));
    assert!(
        resume.contains("the results do not belong to this sweep"),
        "{resume}"
    );
    let afresh = refused(&run(&["sweep", &sweep, "--out", r]));
    let removal = format!("remove `{r}` and its record `{}`", record.display());
    for (what, err) in [("--resume", &resume), ("afresh", &afresh)] {
        assert!(err.contains(&removal), "{what}: {err}");
    }
    assert!(!resume.contains("leave out --resume"), "{resume}");
    // The way out works: removed, the sweep starts afresh.
    std::fs::remove_file(&results).unwrap();
    std::fs::remove_file(&record).unwrap();
    succeeded(&run(&["sweep", &sweep, "--out", r, "-q"]));
}

/// An `extends` that names a sweep, calibration or record file, and a sweep's `base` that
/// names a calibration or record file, got the scenario reader's errors about every key of
/// that file (nine for a sweep file: "missing the [scenario] table", "unknown key `base`",
/// ...); each is said once, at the key, as what the file is.
#[test]
fn a_base_of_another_kind_is_said_once_as_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (other, noun) in [
        ("scenarios/sweeps/saltelli-levers.toml", "sweep"),
        ("scenarios/history/calibrate.toml", "calibration"),
        (
            "scenarios/history/serbia-kosovo.record.toml",
            "historical record",
        ),
    ] {
        let path = root().join(other).display().to_string();
        let overlay = write(d, "ex.toml", &format!("extends = \"{path}\"\n"));
        let err = refused(&run(&["validate", overlay.to_str().unwrap()]));
        assert!(
            err.starts_with(&format!(
                "{}:1:11: error: extends: expected a base scenario, found `{path}`, a {noun} file",
                overlay.display()
            )),
            "{other}: {err}"
        );
        assert!(err.ends_with("1 error found\n"), "{other}: {err}");
        if noun == "sweep" {
            continue;
        }
        let sweep = write(
            d,
            "s.toml",
            &format!(
                "base = \"{path}\"\nruns = 10\ndesign = \"grid\"\n[[parameter]]\n\
                 path = \"model.war_cost\"\nrole = \"lever\"\nvalues = [1.0]\n"
            ),
        );
        let err = refused(&run(&["validate", sweep.to_str().unwrap()]));
        assert!(
            err.starts_with(&format!(
                "{}:1:8: error: base: expected a base scenario, found `{path}`, a {noun} file",
                sweep.display()
            )),
            "{other}: {err}"
        );
        assert!(err.ends_with("1 error found\n"), "{other}: {err}");
    }
}

/// The template scenario (`deter init`) written to `dir/NAME`, with `extra` appended.
fn template_with(dir: &Path, name: &str, extra: &str) -> std::path::PathBuf {
    let f = dir.join(format!("{name}.tmp.toml"));
    succeeded(&run(&["init", f.to_str().unwrap()]));
    let text = std::fs::read_to_string(&f).unwrap() + extra;
    write(dir, name, &text)
}

/// A nested comparison of a file with its copy plus `[[uncertain]]` priors compared the file
/// with itself without a word (A is run on B's draws of the path); two different priors for
/// one path were refused unlocated. The one-sided prior is now warned at its `path`, with the
/// value the other side's file gives; the conflict is refused at B's prior.
#[test]
fn a_nested_comparison_says_what_its_priors_compare() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = template_with(d, "a.toml", "");
    let prior =
        |lo: &str| format!("\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [{lo}, 2.0]\n");
    let with = template_with(d, "b.toml", &prior("0.2"));
    let other = template_with(d, "c.toml", &prior("0.3"));
    let (a, b, c) = (
        plain.to_str().unwrap(),
        with.to_str().unwrap(),
        other.to_str().unwrap(),
    );
    // The line of B's prior's `path` key, counted here.
    let text = std::fs::read_to_string(&with).unwrap();
    let line = text
        .lines()
        .position(|l| l == "path = \"model.war_cost\"")
        .unwrap()
        + 1;
    let o = run(&["compare", a, b, "--draws", "4", "--runs", "20"]);
    succeeded(&o);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{b}:{line}:8: warning: uncertain[0].path: `model.war_cost` has a prior in B only: \
             A is run on the same draws of it, not at its own value (0.8)"
        )),
        "{err}"
    );
    // The same prior on both sides: nothing to warn about.
    let o = run(&["compare", b, b, "--draws", "4", "--runs", "20"]);
    succeeded(&o);
    assert!(!stderr(&o).contains("has a prior in"), "{}", stderr(&o));
    // Two priors for one path: refused at B's, located.
    let o = run(&["compare", b, c, "--draws", "4", "--runs", "20"]);
    let err = refused(&o);
    assert!(
        err.starts_with(&format!(
            "{c}:{line}:8: error: uncertain[0].path: A and B declare different priors for \
             `model.war_cost`"
        )),
        "{err}"
    );
    assert!(err.ends_with("1 error found\n"), "{err}");
}

/// `deter discover`'s second box was printed with its points and cases counted among the
/// points outside the first box, without saying so (its ranges, applied to all the data, hold
/// more): a later box now says where it was found and how many points and cases were there,
/// recounted here from the trajectory's first row.
#[test]
fn a_later_prim_box_says_it_was_found_outside_the_earlier_boxes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let results = d.join("lxf.csv");
    let sweep = root().join("scenarios/sweeps/proposals-x-futures.toml");
    succeeded(&run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--runs",
        "50",
        "--out",
        results.to_str().unwrap(),
        "-q",
    ]));
    let o = run(&[
        "discover",
        results.to_str().unwrap(),
        "--policy",
        "combined",
        "--outcome",
        "use_of_force",
        "--above",
        "0.1",
    ]);
    succeeded(&o);
    let text = stdout(&o);
    let Some(at) = text.find("\nbox 2 ") else {
        panic!("expected a second box:\n{text}");
    };
    // The trajectory of box 2 starts from the points box 1 left.
    let head = text
        .lines()
        .find(|l| l.starts_with("peeling trajectory of box 2 ("))
        .unwrap();
    let inside = &head["peeling trajectory of box 2 (".len()..head.len() - 2];
    let (points, cases) = inside.split_once(", ").unwrap();
    let note = text[at..].lines().nth(2).unwrap();
    assert_eq!(
        note,
        format!(
            "  (found among the {points} and {} outside box 1: its points and cases are counted \
             there; its ranges applied to all the data hold more)",
            cases.replace(" cases", " cases of interest")
        )
    );
    assert!(
        !text[..at].contains("found among"),
        "box 1 is found among every point"
    );
}

/// `deter bench --runs 500 --sweep-points 3` was refused in clap's words ("the argument
/// '--runs <RUNS>' cannot be used with ...") with a usage line that made both look required;
/// it is now located at the later flag's value, in either order, as every combination the
/// commands refuse is located.
#[test]
fn flags_clap_refuses_together_are_located() {
    for (args, said) in [
        (
            ["bench", "--sweep-points", "3", "--runs", "500"],
            "--runs:1:1: error: expected no --runs with --sweep-points, found 500",
        ),
        (
            ["bench", "--runs", "500", "--sweep-points", "3"],
            "--sweep-points:1:1: error: expected no --sweep-points with --runs, found 3",
        ),
    ] {
        let err = refused(&run(&args));
        assert!(err.starts_with(said), "{err}");
        assert!(!err.contains("Usage:"), "{err}");
        assert!(err.ends_with("1 error found\n"), "{err}");
    }
    let err = refused(&run(&["bench", "--sweep-points", "3", "--repeat=2"]));
    assert!(
        err.starts_with("--repeat:1:1: error: expected no --repeat with --sweep-points, found 2"),
        "{err}"
    );
}

/// A run of one replication reported every metric's standard deviation as 0, where the
/// sample standard deviation (n - 1 in the denominator) of one value is undefined: now JSON
/// `null`, no CSV `sd` row and an empty sweep cell. With two runs it is defined, and equals
/// the sample standard deviation of the two runs' per-run values, recomputed here.
#[test]
fn a_metrics_sd_is_undefined_for_one_run_and_the_sample_sd_for_two() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json = |runs: &str| -> serde_json::Value {
        let o = run(&["run", &baseline(), "--runs", runs, "--format", "json", "-q"]);
        succeeded(&o);
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let one = json("1");
    for m in [
        "crises",
        "disputes",
        "gdp_lost",
        "final_balance",
        "years_to_first_use_of_force",
    ] {
        assert!(
            one["metrics"][m]["sd"].is_null(),
            "{m}: {}",
            one["metrics"][m]
        );
        assert!(one["rivalries"][0]["metrics"][m]["sd"].is_null(), "{m}");
    }
    let o = run(&["run", &baseline(), "--runs", "1", "--format", "csv", "-q"]);
    succeeded(&o);
    assert!(
        !stdout(&o).lines().any(|l| l.contains(",sd,")),
        "{}",
        stdout(&o)
    );

    // Two runs: the sample sd of the per-run crises, recomputed from the per-run rows.
    let per_run = d.join("runs.csv");
    let o = run(&[
        "run",
        &baseline(),
        "--runs",
        "2",
        "--format",
        "json",
        "-q",
        "--per-run",
        per_run.to_str().unwrap(),
    ]);
    succeeded(&o);
    let two: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = std::fs::read_to_string(&per_run).unwrap();
    let col = rows
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == "crises")
        .unwrap();
    let x: Vec<f64> = rows
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
        .collect();
    assert_eq!(x.len(), 2);
    let sd = (x[0] - x[1]).abs() / 2f64.sqrt();
    let got = two["metrics"]["crises"]["sd"].as_f64().unwrap();
    assert!((got - sd).abs() <= 1e-9 * sd.max(1.0), "{got} against {sd}");

    // A sweep point of one run: the sd cells empty, the mean cells not.
    let sweep = write(
        d,
        "one.toml",
        &format!(
            "base = \"{}\"\nruns = 1\nseed = 5\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"lever\"\nvalues = [0.6, 0.9]\n",
            baseline()
        ),
    );
    let out = d.join("one.csv");
    succeeded(&run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]));
    let text = std::fs::read_to_string(&out).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    for row in text.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        for m in ["crises", "gdp_lost"] {
            let at = |stat: &str| {
                header
                    .iter()
                    .position(|h| *h == format!("{m}_{stat}"))
                    .unwrap()
            };
            assert_eq!(cells[at("sd")], "", "{m}_sd in {row}");
            assert!(!cells[at("mean")].is_empty(), "{m}_mean in {row}");
        }
    }
}
