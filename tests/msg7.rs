//! The same fault gets the same message in every file kind and every command (msg7): a fresh
//! user's trial found CSV cells located without their column, results cells worded apart,
//! content faults in another form than `deter validate`'s, `1e-400` read as 0 in a resumed
//! JSON Lines row, a non-TOML file given to `deter validate` with no hint of what it is, the
//! library refusing an output in the command line's flags, and counts without separators.
//! Expected messages are taken from the readers that already got them right (a TOML file's
//! diagnostics), not from the code under test.

use std::path::Path;

mod common;
use common::{deter, run, scenario, stderr};

/// The first `error:` line of `err` as (location, problem): "LOC: error: PROBLEM" (the form
/// of every file kind's fault), or for a fault carried under a sweep's `futures` key
/// "SWEEP:L:C: error: futures: LOC: PROBLEM" (LOC, PROBLEM). None: no such line.
fn fault(err: &str) -> Option<(String, String)> {
    let line = err.lines().find(|l| l.contains(": error: "))?;
    let (at, problem) = line.split_once(": error: ")?;
    if let Some(inner) = problem.strip_prefix("futures: ") {
        // LOC is FILE:LINE:COL (three fields) before the problem.
        let mut parts = inner.splitn(4, ": ");
        let loc = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        return Some((loc.to_string(), rest.join(": ")));
    }
    Some((at.to_string(), problem.to_string()))
}

/// Every reader of a CSV cell, one fault at a time: the cell's `FILE:LINE:COL`, then
/// "column `NAME`: PROBLEM" in the words a TOML file gives the same literal.
#[test]
fn the_same_cell_fault_gets_the_same_message_in_every_reader() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    // The words of the TOML readers for the same literal (a sweep file's values), which
    // every CSV reader must repeat.
    let toml_words = |literal: &str| {
        let s = d.path().join("values.toml");
        std::fs::write(
            &s,
            format!(
                "base = {base:?}\nruns = 10\ndesign = \"grid\"\n\n[[parameter]]\npath = \
                 \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, {literal}]\n"
            ),
        )
        .unwrap();
        let o = run(&["validate", s.to_str().unwrap()]);
        let (_, problem) = fault(&stderr(&o)).expect("a TOML fault");
        problem
            .strip_prefix("parameter[0].values[1]: ")
            .unwrap()
            .to_string()
    };
    // (literal as written in a TOML array, as written in a CSV cell).
    for (toml_literal, cell) in [("1e-400", "1e-400"), ("99", "99"), ("", "abc")] {
        // A TOML file has no bare text where a number goes (it is a string there, "found
        // string"): a cell's text is quoted as the TOML readers quote a literal, with the
        // parameter's range as in `--set model.war_cost=abc` (leftovers8: every reader of a
        // parameter's value names its range).
        let words = if toml_literal.is_empty() {
            "expected a number in [0, 10] (stake units), found `abc`".to_string()
        } else {
            toml_words(toml_literal)
        };
        // A results cell is no parameter's value (the range is the sweep's): the same words
        // without the range.
        let results_words = words.replace("a number in [0, 10] (stake units)", "a number");
        // A posterior (`deter run --posterior`) and a sweep's `futures`, cell of line 3.
        let post = d.path().join("post.csv");
        std::fs::write(
            &post,
            format!("draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,{cell},1,0\n"),
        )
        .unwrap();
        let p = post.to_str().unwrap();
        let o = run(&[
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
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let want = (
            format!("{p}:3:3"),
            format!("column `model.war_cost`: {words}"),
        );
        assert_eq!(fault(&stderr(&o)), Some(want.clone()), "{cell}");
        let s = d.path().join("futures.toml");
        std::fs::write(
            &s,
            format!("base = {base:?}\nruns = 5\npoints = 2\nfutures = \"post.csv\"\n"),
        )
        .unwrap();
        let out = d.path().join("futures-out.csv");
        let o = run(&[
            "sweep",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(
            fault(&stderr(&o)),
            Some(("post.csv:3:3".to_string(), want.1.clone())),
            "{cell}: {}",
            stderr(&o)
        );
        // Results read by `deter robust` and `deter discover`: a parameter cell (`x`) of a
        // levers x futures results file, on line 3 at column 7. The range of a parameter is
        // the sweep's, not known from results: only the number faults apply.
        if cell == "99" {
            continue;
        }
        let r = d.path().join("r.csv");
        std::fs::write(
            &r,
            format!(
                "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
                 1,a,1,{cell},100,0.06,0.02\n2,b,0,0.3,100,0.07,0.02\n3,b,1,0.2,100,0.08,0.02\n"
            ),
        )
        .unwrap();
        // An outcome cell too (robust reads every outcome, discover the one it is asked).
        let r2 = d.path().join("r2.csv");
        std::fs::write(
            &r2,
            format!(
                "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
                 1,a,1,0.2,100,{cell},0.02\n2,b,0,0.3,100,0.07,0.02\n3,b,1,0.2,100,0.08,0.02\n"
            ),
        )
        .unwrap();
        let (r, r2) = (r.to_str().unwrap(), r2.to_str().unwrap());
        let mut readers = vec![
            (vec!["robust", r2], format!("{r2}:3:15"), "use_of_force_p"),
            (
                vec![
                    "discover",
                    r2,
                    "--outcome",
                    "use_of_force",
                    "--above",
                    "0.06",
                ],
                format!("{r2}:3:15"),
                "use_of_force_p",
            ),
        ];
        if cell == "1e-400" {
            // A parameter cell that reads as 0 is refused when the file is read; one that is
            // not a number leaves the column out of PRIM's inputs (a column of names).
            readers.push((vec!["robust", r], format!("{r}:3:7"), "x"));
        }
        for (args, at, column) in readers {
            let o = run(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
            assert_eq!(
                fault(&stderr(&o)),
                Some((at, format!("column `{column}`: {results_words}"))),
                "{args:?}"
            );
            assert!(!stderr(&o).contains("is not a number"), "{}", stderr(&o));
        }
    }
}

/// A sweep of two points at `dir/s.toml`, its results written to `dir/NAME`.
fn small_sweep(dir: &Path, name: &str) -> (Vec<String>, std::path::PathBuf) {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let s = dir.join("s.toml");
    std::fs::write(
        &s,
        format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    )
    .unwrap();
    let out = dir.join(name);
    let args = vec![
        "sweep".to_string(),
        s.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--horizon-years".into(),
        "1".into(),
        "-q".into(),
    ];
    let o = deter().args(&args).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (args, out)
}

/// A JSON Lines row kept by `deter sweep --resume` whose probability reads `1e-400` was read
/// as 0 by serde, passed as a count out of the runs, and the completed file held a value
/// deter never writes. It is refused, exit 2, at its line and column with its key path, in
/// the words of every reader.
#[test]
fn a_resumed_json_lines_row_that_underflows_to_zero_is_refused_at_its_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let (args, out) = small_sweep(d.path(), "r.json");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Row 0 (line 2): the first probability written as 0 becomes 1e-400.
    let row = &lines[1];
    let v: serde_json::Value = serde_json::from_str(row).unwrap();
    let (key, _) = v["outcomes"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, o)| o["p"] == serde_json::json!(0.0) || o["p"] == serde_json::json!(0))
        .expect("a probability of 0 in row 0");
    let needle = format!("\"{key}\":{{\"p\":");
    let at = row.find(&needle).expect("the outcome's p") + needle.len();
    let end = at + row[at..].find([',', '}']).unwrap();
    let edited = format!("{}1e-400{}", &row[..at], &row[end..]);
    assert!(
        serde_json::from_str::<serde_json::Value>(&edited).unwrap()["outcomes"][key]["p"].as_f64()
            == Some(0.0),
        "serde reads it as 0"
    );
    lines[1] = edited;
    lines.truncate(2);
    std::fs::write(&out, lines.join("\n") + "\n").unwrap();
    let before = std::fs::read(&out).unwrap();
    let o = deter().args(&args).arg("--resume").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let col = lines[1][..at].chars().count() + 1;
    assert_eq!(
        fault(&stderr(&o)),
        Some((
            format!("{}:2:{col}", out.display()),
            format!(
                "outcomes.{key}.p: expected a number, found `1e-400`, a number too small to use \
                 (it reads as 0)"
            )
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        before,
        "the file is left as it was"
    );
}

/// Content faults of `deter robust`, `deter discover` and `deter merge` printed "error:
/// `FILE`: PROBLEM" where `deter validate` prints "FILE: error: PROBLEM": one form for all.
#[test]
fn content_faults_of_robust_discover_and_merge_take_validates_form() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("x.csv");
    std::fs::write(&f, "a,b\n1,2\n").unwrap();
    let x = f.to_str().unwrap();
    for (args, problem) in [
        (
            vec!["robust", x],
            "not a deter sweep results file (its header should start with `point` and have a \
             `runs` column)",
        ),
        (
            vec!["discover", x, "--outcome", "war", "--above", "0.1"],
            "not a deter sweep results file (its header should start with `point` and have a \
             `runs` column)",
        ),
        (
            vec!["merge", x],
            // Located, as every file kind's fault (F23).
            ":1:1: error: not a deter partial file: expected a JSON object (`{`), found `a`",
        ),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let sep = if problem.starts_with(':') {
            ""
        } else {
            ": error: "
        };
        assert_eq!(
            stderr(&o).lines().next(),
            Some(format!("{x}{sep}{problem}").as_str()),
            "{args:?}"
        );
        assert!(!stderr(&o).contains(&format!("`{x}`")), "{}", stderr(&o));
    }
    // validate's own form of a file-level fault, for comparison.
    let o = run(&["validate", d.path().join("missing.toml").to_str().unwrap()]);
    assert!(
        stderr(&o).starts_with(&format!(
            "{}: error: ",
            d.path().join("missing.toml").display()
        )),
        "{}",
        stderr(&o)
    );
}

/// `deter validate results.csv` reported a TOML syntax error and nothing of what the file
/// is: a help line now names what validate reads and what the file looks like.
#[test]
fn validate_says_what_a_file_that_is_not_toml_looks_like() {
    let d = tempfile::tempdir().unwrap();
    let (_, results) = small_sweep(d.path(), "r.csv");
    let (_, rows) = small_sweep(d.path(), "r.jsonl.json");
    let draws = d.path().join("post.csv");
    std::fs::write(&draws, "draw,model.war_cost,weight,distance\n0,0.5,1,0\n").unwrap();
    let reads = "`deter validate` reads TOML input files (scenario, sweep, calibration and \
                 historical record files)";
    for (file, like) in [
        (
            results.as_path(),
            "this looks like a sweep's results file: `deter robust` and `deter discover` read it",
        ),
        (
            rows.as_path(),
            "this looks like a sweep's results file (JSON Lines)",
        ),
        (
            draws.as_path(),
            "this looks like a file of draws (a posterior)",
        ),
    ] {
        let o = run(&["validate", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(": error: TOML syntax error"), "{err}");
        let help = err
            .lines()
            .find_map(|l| l.trim().strip_prefix("= help: "))
            .unwrap_or_else(|| panic!("no help line: {err}"));
        assert!(help.starts_with(&format!("{reads}; {like}")), "{help}");
    }
    // A TOML file with a syntax error gets no such line.
    let t = d.path().join("broken.toml");
    std::fs::write(&t, "[scenario\nname = \"x\"\n").unwrap();
    let o = run(&["validate", t.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("this looks like"), "{}", stderr(&o));
}

/// `deter discover`'s heading printed "1749 of 2212 points" where every other count on the
/// terminal has thousands separators ("25,762 runs").
#[test]
fn discovers_counts_have_thousands_separators() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("big.csv");
    let mut text = String::from("point,x,runs,use_of_force_p\n");
    let n = 2212;
    let mut hits = 0;
    for k in 0..n {
        let x = k as f64 / n as f64;
        let p = if x > 0.2 { 0.9 } else { 0.1 };
        hits += usize::from(p > 0.5);
        text.push_str(&format!("{k},{x},100,{p}\n"));
    }
    std::fs::write(&r, text).unwrap();
    assert_eq!(hits, 1769);
    let o = run(&[
        "discover",
        r.to_str().unwrap(),
        "--outcome",
        "use_of_force",
        "--above",
        "0.5",
        "--boxes",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let heading = out.lines().next().unwrap();
    assert!(
        heading.ends_with("use_of_force > 0.5: 1,769 of 2,212 points (80.0%)"),
        "{heading}"
    );
    let boxline = out.lines().find(|l| l.starts_with("box 1")).unwrap();
    assert!(
        boxline.contains("(1,800 points, 1,769 cases of interest)"),
        "{boxline}"
    );
}
