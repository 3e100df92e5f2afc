//! The same fault gets the same message in every file kind and every command: a value is
//! located at its `FILE:LINE:COL` in every reader (CSV cells and header cells, JSON values of
//! a partial file or a resumed row), a number beyond the floats is worded as a scenario file's
//! key and `--set` word it, a fault of a file as a whole reads "FILE: error: PROBLEM" as
//! `deter validate` prints it, a help line shows what was expected, every flag's value is
//! refused in one form with its range in `--help`, and the library names its own settings
//! where the command line names its flags. Expected messages are taken from the readers that
//! already get them right (a TOML file's diagnostics, `--set`, `deter validate`), not from the
//! code under test.

use std::path::Path;
use std::process::Output;

mod common;
use common::{
    deter, first_error, flag_fault, flag_fault_help, refused, refused_for, root, run, scenario,
    stderr, stderr_says, succeeded, succeeded_for, sweep_to, write,
};

// ---- Values located at their cell: FILE:LINE:COL ----

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
        let s = write(
            d.path(),
            "values.toml",
            &format!(
                "base = {base:?}\nruns = 10\ndesign = \"grid\"\n\n[[parameter]]\npath = \
                 \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, {literal}]\n"
            ),
        );
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
        let post = write(
            d.path(),
            "post.csv",
            &format!("draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,{cell},1,0\n"),
        );
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
        refused(&o);
        let want = (
            format!("{p}:3:3"),
            format!("column `model.war_cost`: {words}"),
        );
        assert_eq!(fault(&stderr(&o)), Some(want.clone()), "{cell}");
        let s = common::futures_sweep(d.path(), "futures.toml", &base, "post.csv");
        let out = d.path().join("futures-out.csv");
        let o = sweep_to(&s, &out);
        refused(&o);
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
        let r = write(
            d.path(),
            "r.csv",
            &format!(
                "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
                 1,a,1,{cell},100,0.06,0.02\n2,b,0,0.3,100,0.07,0.02\n3,b,1,0.2,100,0.08,0.02\n"
            ),
        );
        // An outcome cell too (robust reads every outcome, discover the one it is asked).
        let r2 = write(
            d.path(),
            "r2.csv",
            &format!(
                "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
                 1,a,1,0.2,100,{cell},0.02\n2,b,0,0.3,100,0.07,0.02\n3,b,1,0.2,100,0.08,0.02\n"
            ),
        );
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
            refused_for(&o, format_args!("{args:?}"));
            assert_eq!(
                fault(&stderr(&o)),
                Some((at, format!("column `{column}`: {results_words}"))),
                "{args:?}"
            );
            assert!(!stderr(&o).contains("is not a number"), "{}", stderr(&o));
        }
    }
}

/// `deter robust` given a share of runs of 7 (a hand-edited results file): refused at the
/// cell's `FILE:LINE:COL` as every CSV reader's cell fault, with the line's excerpt.
#[test]
fn a_probability_out_of_range_in_results_is_located_at_its_cell() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("r.csv");
    // Line 4, column `war_p` (the 7th), which starts at byte 19 of the line: column 20.
    std::fs::write(
        &r,
        "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
         1,a,1,0.2,100,0.06,0.02\n2,b,0,0.3,100,0.07,7\n3,b,1,0.2,100,0.08,0.02\n",
    )
    .unwrap();
    let r = r.to_str().unwrap();
    let o = deter().args(["robust", r]).output().unwrap();
    refused(&o);
    let err = stderr(&o);
    let first = err.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "{r}:4:20: error: column `war_p`: expected a number in [0, 1] (a share of runs), \
             found 7"
        ),
        "{err}"
    );
    // The excerpt of the line, as every file kind's fault shows it.
    assert!(err.contains("2,b,0,0.3,100,0.07,7"), "{err}");
    assert!(!err.contains("row 4"), "{err}");
    assert!(!err.contains("is not a probability"), "{err}");
    // A negative share, the first of its column, in the other outcome column.
    std::fs::write(
        r,
        "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
         1,a,1,0.2,100,-0.5,0.02\n2,b,0,0.3,100,1.5,0.02\n3,b,1,0.2,100,0.08,0.02\n",
    )
    .unwrap();
    let o = deter().args(["robust", r]).output().unwrap();
    refused(&o);
    assert_eq!(
        stderr(&o).lines().next().unwrap_or_default(),
        format!(
            "{r}:3:15: error: column `use_of_force_p`: expected a number in [0, 1] (a share \
             of runs), found -0.5"
        ),
    );
}

/// The `FILE:LINE:COL` of every `error:` line of `err` that has one (`a.json:5:90: error:`).
fn located(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| l.split_once(": error: ").map(|(at, _)| at.to_string()))
        .collect()
}

/// A partial file that parses as JSON but holds a value of the wrong type or range (a count
/// of -9, a run count written as a string, a sum that is not a decimal integer) was reported
/// as "FILE: error: damaged partial file: ...", without the line and column every other
/// value's fault has (a JSON syntax error in the same file was located). It is located now
/// at the value, `FILE:LINE:COL`, with its excerpt, exit 2; a fault of the file as a whole
/// (another format version) stays at the file.
#[test]
fn a_damaged_value_in_a_partial_file_is_located_at_its_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    for k in 0..2 {
        let part = d.path().join(format!("part-{k}.json"));
        let o = common::run(&[
            "run",
            &base,
            "--runs",
            "20",
            "--no-attribution",
            "--shard",
            &format!("{k}/2"),
            "--out",
            part.to_str().unwrap(),
        ]);
        succeeded(&o);
    }
    let good = std::fs::read_to_string(d.path().join("part-0.json")).unwrap();
    let bad = d.path().join("bad.json");
    let other = d.path().join("part-1.json");
    let merge = |text: &str| {
        std::fs::write(&bad, text).unwrap();
        common::run(&["merge", bad.to_str().unwrap(), other.to_str().unwrap()])
    };
    // Where `needle` starts, as FILE:LINE:COL (1-based, in bytes: the text is ASCII).
    let at = |text: &str, needle: &str| {
        let i = text.find(needle).expect("the edit is in the file");
        let line = text[..i].matches('\n').count() + 1;
        let col = i - text[..i].rfind('\n').map_or(0, |j| j + 1) + 1;
        format!("{}:{line}:{col}", bad.display())
    };
    // (from, to, the value's text in `to`, what the message says)
    let runs = "\"aggregate\":{\"runs\":10,";
    assert!(good.contains(runs), "{good}");
    for (from, to, value, says) in [
        (
            runs,
            "\"aggregate\":{\"runs\":-9,",
            "-9",
            "parts[0].aggregate.runs: expected an integer in [0, 18446744073709551615], found -9",
        ),
        (
            runs,
            "\"aggregate\":{\"runs\":\"10\",",
            "\"10\"",
            "parts[0].aggregate.runs: expected an integer in [0, 18446744073709551615], found string",
        ),
    ] {
        let text = good.replacen(from, to, 1);
        let o = merge(&text);
        let err = refused(&o);
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(&format!("error: {says}")), "{err}");
        let i = text.find(to).unwrap() + to.find(value).unwrap();
        let line = text[..i].matches('\n').count() + 1;
        let col = i - text[..i].rfind('\n').map_or(0, |j| j + 1) + 1;
        assert_eq!(
            located(&err),
            vec![format!("{}:{line}:{col}", bad.display())],
            "{err}"
        );
    }
    // A sum that is not a decimal integer (i128 sums are written as strings).
    let sum = good.find("\"sum\":\"").expect("a sum");
    let end = sum + 7 + good[sum + 7..].find('"').unwrap();
    let text = format!("{}\"sum\":\"abc\"{}", &good[..sum], &good[end + 1..]);
    let o = merge(&text);
    let err = refused(&o);
    assert!(
        err.contains("error: damaged partial file: `abc` is not a decimal integer"),
        "{err}"
    );
    assert_eq!(located(&err), vec![at(&text, "\"abc\"")], "{err}");
    // Another format version is a fault of the file as a whole: no line and column.
    // The version the file holds, whatever this deter writes.
    let at = good.find("\"format_version\":").expect("a format version") + 17;
    let digits = good[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let version = good[at - 17..at + digits].to_string();
    let text = good.replacen(&version, "\"format_version\":2", 1);
    assert_ne!(text, good, "{version} not found");
    let o = merge(&text);
    refused(&o);
    assert!(
        stderr(&o).starts_with(&format!(
            "{}: error: partial format version 2",
            bad.display()
        )),
        "{}",
        stderr(&o)
    );
}

/// A `--posterior` column that is not a parameter of the scenario is located at its header
/// cell, `FILE:LINE:COL`, in the words and did-you-mean of the same path given to `--set`
/// (it said "error: parameter `PATH` of the draws: ..." with no file, line or column), in
/// `deter run` and `deter compare` alike.
#[test]
fn an_unknown_posterior_column_is_located_at_its_header_cell() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let post = d.path().join("post.csv");
    let header = "draw,model.war_cost,model.fait_acompli,weight,distance";
    std::fs::write(&post, format!("# a comment line\n{header}\n0,1.0,1,1,0\n")).unwrap();
    // The reference: the same path through `--set`.
    let o = deter()
        .args([
            "run",
            &base,
            "--runs",
            "10",
            "-q",
            "--set",
            "model.fait_acompli=1",
        ])
        .output()
        .unwrap();
    refused(&o);
    let reference = stderr(&o);
    let words = reference
        .lines()
        .find_map(|l| {
            l.split_once(": error: model.fait_acompli: ")
                .map(|x| x.1.to_string())
        })
        .expect("the --set fault");
    let help = reference
        .lines()
        .find(|l| l.contains("help: did you mean"))
        .expect("a did-you-mean")
        .trim()
        .to_string();
    // Line 2 (after the comment), column of the cell in the header, 1-based.
    let col = header.find("model.fait_acompli").unwrap() + 1;
    let at = format!(
        "{}:2:{col}: error: column `model.fait_acompli`: {words}",
        post.display()
    );
    let out = d.path().join("o.json");
    let runs: [Vec<&str>; 2] = [vec!["run", &base], vec!["compare", &base, &base]];
    for args in runs {
        let o = deter()
            .args(&args)
            .args([
                "--posterior",
                post.to_str().unwrap(),
                "--draws",
                "2",
                "--runs",
                "10",
            ])
            .args(["-q", "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        let err = refused_for(&o, format_args!("{args:?}"));
        // `deter compare A A` says first that it compares a file with itself.
        assert!(
            err.lines()
                .find(|l| !l.starts_with("warning: A and B are the same file"))
                == Some(at.as_str()),
            "{args:?}: expected `{at}`, got:\n{err}"
        );
        assert!(err.contains(&help), "{args:?}: no `{help}` in:\n{err}");
        assert!(!out.exists(), "{args:?}: an output was written");
    }
}

/// A `futures` file whose column names no parameter of the base scenario was located at the
/// sweep's `futures` key alone ("futures: post.csv: column `X` is not a parameter of the base
/// scenario"): it is at the header cell's `FILE:LINE:COL` in the words `deter run --posterior`
/// gives the same file, with its did-you-mean.
#[test]
fn an_unknown_futures_column_is_located_at_its_header_cell_with_a_did_you_mean() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    // Line 3 (after two comments), the third column, which starts at column 21.
    let post = write(
        d.path(),
        "post.csv",
        "# deter calibrate: posterior draws\n# a comment\n\
         draw,model.war_cost,model.war_cots,weight,distance\n0,0.5,1,1,0\n1,1.5,2,1,0\n",
    );
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
    refused(&o);
    let problem = "column `model.war_cots`: `model.war_cots` is not a parameter of this scenario";
    let help = "= help: did you mean `model.war_cost`?";
    assert_eq!(
        first_error(&stderr(&o)),
        format!("{p}:3:21: error: {problem}")
    );
    stderr_says(&o, help);
    let s = common::futures_sweep(d.path(), "futures.toml", &base, "post.csv");
    let out = d.path().join("out.csv");
    let o = sweep_to(&s, &out);
    refused(&o);
    assert_eq!(
        first_error(&stderr(&o)),
        format!(
            "{}:4:11: error: futures: post.csv:3:21: {problem}",
            s.display()
        )
    );
    stderr_says(&o, help);
    assert!(!out.exists());
}

// ---- Numbers beyond the floats, and values that are not numbers ----

/// The message part of every `error:` line: after `: error: ` (a TOML diagnostic) or after a
/// leading `error: ` (a message without an excerpt).
fn errors(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| {
            l.split_once(": error: ")
                .map(|(_, m)| m.to_string())
                .or_else(|| l.strip_prefix("error: ").map(str::to_string))
        })
        .collect()
}

/// A number literal with a nonzero digit that reads as 0 (`1e-400`) was refused in every
/// TOML file kind and in `--set`, but every CSV input read it as 0: a `--posterior` draw, a
/// sweep's `futures` draw (or its weight), a results cell for `deter robust` and `deter
/// discover` (a parameter's boundary `x <= 0` in a PRIM box), and a kept row of `deter sweep
/// --resume`. Each now refuses it, exit 2, at FILE:LINE:COL of the cell, with the words a
/// TOML file gives the same literal ("found `1e-400`, a number too small to use (it reads as
/// 0)"). `0e-400` is still 0.
#[test]
fn a_csv_cell_that_underflows_to_zero_is_refused_at_its_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let tail = "a number too small to use (it reads as 0)";
    // The words of the same literal in a sweep file's values (a TOML reader).
    let sweep = write(
        d.path(),
        "values.toml",
        &format!(
            "base = {base:?}\nruns = 10\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1e-400]\n"
        ),
    );
    let o = run(&["validate", sweep.to_str().unwrap()]);
    let toml = errors(&stderr(&o));
    assert_eq!(
        toml,
        vec![format!(
            "parameter[0].values[1]: expected a number in [0, 10] (stake units), found \
             `1e-400`, {tail}"
        )]
    );
    let toml_words = toml[0].split_once(": ").unwrap().1.to_string();

    // `--posterior`: a parameter's cell and a weight's cell.
    let post = d.path().join("post.csv");
    let p = post.to_str().unwrap();
    for (text, at, column, expected) in [
        (
            "draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,1e-400,1,0\n",
            "3:3",
            "model.war_cost",
            "a number in [0, 10] (stake units)",
        ),
        (
            "# a comment\ndraw,model.war_cost,weight,distance\n0,0.5,1,0\n1,  0.5, 1e-400,0\n",
            "4:10",
            "weight",
            "a number >= 0",
        ),
    ] {
        std::fs::write(&post, text).unwrap();
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
        refused(&o);
        // The form of every file kind's fault: FILE:LINE:COL: error: COLUMN: PROBLEM.
        let said = format!("column `{column}`: expected {expected}, found `1e-400`, {tail}");
        assert_eq!(errors(&stderr(&o)), vec![said.clone()]);
        assert!(
            stderr(&o).starts_with(&format!("{p}:{at}: error: ")),
            "{}",
            stderr(&o)
        );
        let want = format!("{p}:{at}: {said}");
        if column == "model.war_cost" {
            assert!(want.ends_with(&toml_words), "{want}\n{toml_words}");
        }
        // The same file as a sweep's futures: the same words, under the sweep's `futures`.
        let s = common::futures_sweep(d.path(), "futures.toml", &base, "post.csv");
        let out = d.path().join("f.csv");
        let o = sweep_to(&s, &out);
        refused(&o);
        assert_eq!(
            errors(&stderr(&o)),
            vec![format!("futures: {}", want.replacen(p, "post.csv", 1))]
        );
        assert!(stderr(&o).starts_with(&format!("{}:4:11: error: ", s.display())));
        assert!(!out.exists());
    }
    // `0e-400` is a zero written with an exponent: still 0 (model.war_cost may be 0).
    std::fs::write(
        &post,
        "draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,0e-400,1,0\n",
    )
    .unwrap();
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
    succeeded(&o);

    // Results read by `deter robust` and `deter discover`: an outcome's cell and a
    // parameter's (PRIM drew the box boundary `x <= 0` from it).
    let results = d.path().join("r.csv");
    let r = results.to_str().unwrap();
    for (row, at, column) in [
        ("1,a,1,0.2,100,1e-400,0.02", "3:15", "use_of_force_p"),
        ("1,a,1,1e-400,100,0.06,0.02", "3:7", "x"),
    ] {
        std::fs::write(
            &results,
            format!(
                "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
                 {row}\n2,b,0,0.3,100,0.07,0.02\n3,b,1,0.2,100,0.08,0.02\n"
            ),
        )
        .unwrap();
        let want = vec![format!(
            "column `{column}`: expected a number, found `1e-400`, {tail}"
        )];
        for args in [
            vec!["robust", r],
            vec![
                "discover",
                r,
                "--outcome",
                "use_of_force",
                "--above",
                "0.06",
            ],
        ] {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            assert_eq!(errors(&stderr(&o)), want, "{args:?}");
            assert!(
                stderr(&o).starts_with(&format!("{r}:{at}: error: ")),
                "{}",
                stderr(&o)
            );
        }
    }
}

/// A kept row of `deter sweep --resume` whose probability reads `1e-400` where deter wrote
/// `0` passed the check that every kept estimate is a count out of the runs (it read as 0),
/// and the completed file held a value deter never writes. The row is refused as one that
/// cannot be read, exit 2.
#[test]
fn a_resumed_row_with_a_cell_that_underflows_to_zero_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let s = write(
        d.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    );
    let out = d.path().join("r.csv");
    let args = [
        "sweep",
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--horizon-years",
        "1",
        "-q",
    ];
    let o = run(&args);
    succeeded(&o);
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    // A probability of 0 in row 0 (over one year and 5 runs, war at least).
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    let c = header
        .iter()
        .enumerate()
        .position(|(j, h)| h.ends_with("_p") && cells[j] == "0")
        .expect("a probability of 0 in row 0");
    let name = header[c].to_string();
    cells[c] = "1e-400".into();
    lines[1] = cells.join(",");
    // Cut after the sweep finished: the resume checks the kept rows and completes the file.
    lines.truncate(2);
    std::fs::write(&out, lines.join("\n") + "\n").unwrap();
    let o = run(&[&args[..], &["--resume"]].concat());
    refused(&o);
    // At the cell's line and column, in the words of every reader (it said "row 0 cannot be
    // read").
    let col = lines[1][..lines[1].find("1e-400").unwrap()].chars().count() + 1;
    assert!(
        stderr(&o).starts_with(&format!(
            "{}:2:{col}: error: column `{}`: expected a number, found `1e-400`, a number too \
             small to use (it reads as 0)",
            out.display(),
            name
        )),
        "{}",
        stderr(&o)
    );
}

/// A sweep of two points at `dir/s.toml`, its results written to `dir/NAME`.
fn small_sweep(dir: &Path, name: &str) -> (Vec<String>, std::path::PathBuf) {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let s = write(
        dir,
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    );
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
    succeeded(&o);
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
    refused(&o);
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

/// A number beyond the floats (`1e-400` reads as 0, `1e999` as infinity) said "expected a
/// number, found ..." in a sweep's `values` and `range`, a `--posterior` cell and a `futures`
/// cell, where a scenario file's key and `--set` name the parameter's range: every reader
/// says "expected a number in [0, 10] (stake units), found `LITERAL`, ..." for
/// `model.war_cost`.
#[test]
fn a_number_beyond_the_floats_names_the_parameters_range_in_every_reader() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let history = common::root().join("scenarios/history");
    for (literal, tail) in [
        ("1e-400", "a number too small to use (it reads as 0)"),
        ("1e999", "a number too large to use"),
        ("-2.5E-999", "a number too small to use (it reads as 0)"),
    ] {
        // The words of a scenario file's key: the reference.
        let want = format!("expected a number in [0, 10] (stake units), found `{literal}`, {tail}");
        let file = write(
            dir,
            "s.toml",
            &format!("extends = {base:?}\n\n[model]\nwar_cost = {literal}\n"),
        );
        let o = run(&["validate", file.to_str().unwrap()]);
        assert_eq!(
            first_error(&stderr(&o)),
            format!("{}:4:12: error: model.war_cost: {want}", file.display())
        );
        let write = |name: &str, text: String| {
            let p = write(dir, name, &text);
            p.display().to_string()
        };
        let sweep_head = format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n"
        );
        let values = write(
            "values.toml",
            format!("{sweep_head}values = [0.5, {literal}]\n"),
        );
        let range = write(
            "range.toml",
            format!("{sweep_head}range = [{literal}, 2]\n"),
        );
        let post = write(
            "post.csv",
            format!("draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,{literal},1,0\n"),
        );
        let futures = write(
            "futures.toml",
            format!("base = {base:?}\nruns = 5\npoints = 2\nfutures = \"post.csv\"\n"),
        );
        let calibration = write(
            "cal.toml",
            format!(
                "seed = 5\nparticles = 20\nmax_generations = 1\ncases = [{:?}]\n\
                 statistics = [\"use_of_force\"]\n\
                 set = {{ \"model.war_cost\" = {literal} }}\n\n[[parameter]]\npath = \
                 \"model.decisiveness\"\nrange = [0.1, 1]\n",
                history
                    .join("serbia-kosovo.record.toml")
                    .display()
                    .to_string()
            ),
        );
        let out = dir.join("out.csv").display().to_string();
        let set = format!("model.war_cost={literal}");
        let cases: Vec<(Vec<&str>, String)> = vec![
            (
                vec!["run", &base, "--set", &set],
                format!("--set:1:16: error: model.war_cost: {want}"),
            ),
            (
                vec!["validate", &values],
                format!("{values}:8:16: error: parameter[0].values[1]: {want}"),
            ),
            (
                vec!["validate", &range],
                format!("{range}:8:10: error: parameter[0].range: {want}"),
            ),
            (
                vec![
                    "run",
                    &base,
                    "--posterior",
                    &post,
                    "--draws",
                    "2",
                    "--runs",
                    "5",
                    "-q",
                ],
                format!("{post}:3:3: error: column `model.war_cost`: {want}"),
            ),
            (
                vec!["sweep", &futures, "--out", &out, "-q"],
                format!(
                    "{futures}:4:11: error: futures: post.csv:3:3: column `model.war_cost`: {want}"
                ),
            ),
            (
                vec!["validate", &calibration],
                format!("{calibration}:6:28: error: set.\"model.war_cost\": {want}"),
            ),
        ];
        for (args, said) in cases {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            assert_eq!(first_error(&stderr(&o)), said, "{args:?}: {}", stderr(&o));
        }
    }
}

/// A number out of an integer setting's range read "found float" when written with a point
/// or an exponent (`runs = 1e300`) but "found 99999999999999999999999" when written with
/// digits: the same fault, two wordings. Now every reader names the value as written, as a
/// number out of a parameter's range is named (`--set` and a scenario's `[model]`): "expected
/// an integer in [1, 1000000000000], found 1e300", in a scenario, a sweep and a calibration
/// file alike (`validate` and the command that runs it), and `--runs` in the same words,
/// located in its value.
#[test]
fn a_number_out_of_an_integer_range_is_named_as_written_in_every_file_kind() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let out = dir.join("out").display().to_string();
    for literal in [
        "1e300",
        "99999999999999999999999",
        "-1e300",
        "1.5",
        "10.5e0",
    ] {
        let runs = format!("expected an integer in [1, 1000000000000], found {literal}");
        let file = |name: &str, text: String| write(dir, name, &text).display().to_string();
        let s = file(
            "s.toml",
            format!("extends = {base:?}\n\n[scenario]\nruns = {literal}\n"),
        );
        let sweep = file(
            "sweep.toml",
            format!(
                "base = {base:?}\nruns = {literal}\ndesign = \"lhs\"\npoints = 2\n\n\
                 [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
                 range = [0.5, 1.0]\n"
            ),
        );
        let cal = calibration_with(
            dir,
            "cal.toml",
            "particles",
            &format!("particles = {literal}"),
        );
        let particles = format!("expected an integer in [10, 100000], found {literal}");
        let cases: Vec<(Vec<&str>, String)> = vec![
            (
                vec!["validate", &s],
                format!("{s}:4:8: error: scenario.runs: {runs}"),
            ),
            (
                vec!["run", &s],
                format!("{s}:4:8: error: scenario.runs: {runs}"),
            ),
            (
                vec!["validate", &sweep],
                format!("{sweep}:2:8: error: runs: {runs}"),
            ),
            (
                vec!["sweep", &sweep, "--out", &out],
                format!("{sweep}:2:8: error: runs: {runs}"),
            ),
            (
                vec!["validate", &cal],
                format!("{cal}:7:13: error: particles: {particles}"),
            ),
            (
                vec!["calibrate", &cal, "--out", &out],
                format!("{cal}:7:13: error: particles: {particles}"),
            ),
            (
                vec!["run", &base, "--runs", literal],
                format!("--runs:1:1: error: {runs}"),
            ),
        ];
        for (args, said) in cases {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            let e = stderr(&o);
            let first = e
                .lines()
                .find(|l| l.contains("error: "))
                .unwrap_or_default();
            assert_eq!(first, said, "{args:?}: {e}");
            assert!(!e.contains("found float"), "{args:?}: {e}");
        }
    }
    // An integral value written as a float gets the integer to write.
    let s = write(
        dir,
        "s.toml",
        &format!("extends = {base:?}\n\n[scenario]\nruns = 1e3\n"),
    );
    let o = run(&["validate", s.to_str().unwrap()]);
    refused(&o);
    assert!(
        stderr(&o).contains(
            "= help: write it as an integer, without a decimal point or exponent: `1000`"
        ),
        "{}",
        stderr(&o)
    );
    // A number out of a parameter's range: the same form, in a file and in `--set`.
    for literal in ["1e300", "99999999999999999999999"] {
        let want = format!("expected a number in [0, 10] (stake units), found {literal}");
        let s = write(
            dir,
            "m.toml",
            &format!("extends = {base:?}\n\n[model]\nwar_cost = {literal}\n"),
        );
        let o = run(&["validate", s.to_str().unwrap()]);
        assert_eq!(
            first_error(&stderr(&o)),
            format!("{}:4:12: error: model.war_cost: {want}", s.display())
        );
        let set = format!("model.war_cost={literal}");
        let o = run(&["validate", &base, "--set", &set]);
        assert_eq!(
            first_error(&stderr(&o)),
            format!("--set:1:16: error: model.war_cost: {want}")
        );
    }
}

/// A `set` table's value that is not a usable number (a calibration's `set`, a sweep
/// policy's `set`) gets the words of the same value in a scenario file's `[model]` (and of
/// `--set`): "expected a number in [0, 1], found ..." (the table said "expected a number,
/// found ...", without the range, although docs/CALIBRATION.md promises `--set`'s messages).
#[test]
fn a_set_tables_non_number_reads_as_in_a_scenario_file() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    let history = common::root().join("scenarios/history");
    // "PROBLEM" after "KEY: " on the first error line.
    let problem = |o: &Output, key: &str| -> String {
        refused(o);
        let err = stderr(o);
        let line = err
            .lines()
            .find(|l| l.contains(": error: "))
            .unwrap()
            .to_string();
        let (_, p) = line
            .split_once(&format!(": error: {key}: "))
            .unwrap_or_else(|| panic!("{err}"));
        p.to_string()
    };
    for literal in ["1e-400", "\"abc\"", "1e999"] {
        // The reference: the scenario file.
        let f = write(
            d.path(),
            "s.toml",
            &text.replacen(
                "\n[model]\n",
                &format!("\n[model]\nfait_accompli = {literal}\n"),
                1,
            ),
        );
        let o = deter()
            .args(["validate", f.to_str().unwrap()])
            .output()
            .unwrap();
        let want = problem(&o, "model.fait_accompli");
        assert!(want.starts_with("expected a number in [0, 1]"), "{want}");
        let key = "set.\"model.fait_accompli\"";
        // A calibration's `set`.
        let c = write(
            d.path(),
            "c.toml",
            &format!(
                "seed = 5\nparticles = 20\nmax_generations = 2\npredictive_draws = 5\n\
                 statistics = [\"war\"]\ncases = [\"{}\"]\n\
                 set = {{ \"model.fait_accompli\" = {literal} }}\n\n[[parameter]]\n\
                 path = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
                history.join("serbia-kosovo.record.toml").display()
            ),
        );
        let out = d.path().join("o");
        let o = deter()
            .args([
                "calibrate",
                c.to_str().unwrap(),
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(problem(&o, key), want, "calibration set, {literal}");
        assert!(!out.join("posterior.csv").exists());
        // A sweep policy's `set`.
        let w = write(
            d.path(),
            "w.toml",
            &format!(
                "base = {base:?}\nruns = 10\nseed = 1\ndesign = \"lhs\"\npoints = 2\n\n\
                 [[policy]]\nid = \"p\"\nset = {{ \"model.fait_accompli\" = {literal} }}\n\n\
                 [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
                 range = [0.5, 1.5]\n"
            ),
        );
        let o = deter()
            .args(["validate", w.to_str().unwrap()])
            .output()
            .unwrap();
        let got = problem(&o, &format!("policy[0].{key}"));
        assert_eq!(got, want, "sweep policy set, {literal}");
    }
}

// ---- A file's fault: "FILE: error: PROBLEM" ----

/// Content faults of `deter robust`, `deter discover` and `deter merge` printed "error:
/// `FILE`: PROBLEM" where `deter validate` prints "FILE: error: PROBLEM": one form for all.
#[test]
fn content_faults_of_robust_discover_and_merge_take_validates_form() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "x.csv", "a,b\n1,2\n");
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
        refused_for(&o, format_args!("{args:?}"));
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

/// The first `error:` line of `err` split as (location, rest): "LOC: error: REST".
fn first_fault(err: &str) -> (String, String) {
    let line = err
        .lines()
        .find(|l| l.contains("error: "))
        .unwrap_or_else(|| panic!("no error line in {err}"));
    let (at, rest) = line
        .split_once("error: ")
        .unwrap_or_else(|| panic!("not `LOC: error: ...`: {line}"));
    (at.trim_end_matches(": ").to_string(), rest.to_string())
}

/// `deter merge`'s consistency faults (an event in more runs than the part has, a file of
/// another invocation, parts that do not cover the file's range) said "error: `bad.json`:
/// KEY: PROBLEM", with the file inside the message, where every other command's file fault
/// reads "FILE: error: KEY: PROBLEM" (a damaged value of the same file:
/// "bad.json:5:90: error: damaged partial file: ..."). They take that layout now, exit 2.
#[test]
fn merge_consistency_faults_take_the_file_fault_layout() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let mut parts = Vec::new();
    for k in 0..2 {
        let part = d.path().join(format!("part-{k}.json"));
        let o = run(&[
            "run",
            &base,
            "--runs",
            "20",
            "--no-attribution",
            "--shard",
            &format!("{k}/2"),
            "--out",
            part.to_str().unwrap(),
        ]);
        succeeded(&o);
        parts.push(part);
    }
    let part0: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&parts[0]).unwrap()).unwrap();
    let part1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&parts[1]).unwrap()).unwrap();
    let bad = d.path().join("bad.json");
    let name = bad.display().to_string();
    // (which part is edited, the edit, the key, what the problem says)
    type Edit = fn(&mut serde_json::Value);
    let cases: [(usize, Edit, &str, &str); 3] = [
        (
            0,
            |v| v["parts"][0]["aggregate"]["region"]["events"][0] = serde_json::json!(11),
            "parts[0].aggregate.region",
            "an event in more runs than there are (10)",
        ),
        (
            1,
            |v| v["header"]["seed"] = serde_json::json!(7),
            "header.seed",
            "does not belong with",
        ),
        (
            1,
            |v| v["parts"][0]["first_run"] = serde_json::json!(11),
            "parts",
            "do not cover",
        ),
    ];
    for (k, edit, key, says) in cases {
        let mut v = if k == 0 { part0.clone() } else { part1.clone() };
        edit(&mut v);
        // With the checksum written anew: each check must refuse the edit itself.
        v["header"]["parts_sha256"] = parts_sha256(&v["parts"]).into();
        std::fs::write(&bad, serde_json::to_vec(&v).unwrap()).unwrap();
        let other = parts[1 - k].to_str().unwrap();
        let args: Vec<&str> = if k == 0 {
            vec!["merge", &name, other]
        } else {
            vec!["merge", other, &name]
        };
        let o = run(&args);
        let err = refused(&o);
        assert!(!err.contains("panicked"), "{err}");
        let (at, rest) = first_fault(&err);
        // At the disagreeing value's line and column (`tests/messages.rs`
        // shards_that_disagree_are_located_at_the_disagreeing_value checks where).
        // (A damaged aggregate's fault stays the file's.)
        if key.starts_with("header.") || key == "parts" {
            let place = at
                .strip_prefix(&format!("{name}:"))
                .unwrap_or_else(|| panic!("{err}"));
            assert!(
                place.split(':').count() == 2
                    && place.split(':').all(|n| n.parse::<usize>().is_ok()),
                "{err}"
            );
        } else {
            assert_eq!(at, name, "{err}");
        }
        assert!(rest.starts_with(&format!("{key}: ")), "{err}");
        assert!(rest.contains(says), "{err}");
        assert!(
            !rest.contains('`') || !rest.contains(&format!("`{name}`")),
            "{err}"
        );
    }
}

/// `deter robust` on results that are not levers x futures (a grid's) said "error: not a
/// levers x futures results file (...) (in `grid.csv`)", the file at the end in another
/// layout than every file fault's; it reads "grid.csv: error: not a levers x futures results
/// file ...", exit 2. A flag's fault keeps its flag (`--threshold`). (`deter run
/// --files-from` with an empty list: tests/cli.rs files_from_runs_the_listed_files_...)
#[test]
fn robust_on_results_that_are_not_levers_x_futures_takes_the_file_fault_layout() {
    let d = tempfile::tempdir().unwrap();
    let grid = write(
        d.path(),
        "grid.csv",
        "point,model.war_cost,runs,use_of_force_p,use_of_force_mc95_lo,use_of_force_mc95_hi\n\
         0,0.5,100,0.2,0.1,0.3\n1,1.0,100,0.1,0.05,0.2\n",
    );
    let name = grid.display().to_string();
    let o = run(&["robust", &name]);
    let err = refused(&o);
    let (at, rest) = first_fault(&err);
    assert_eq!(at, name, "{err}");
    assert!(
        rest.starts_with("not a levers x futures results file"),
        "{err}"
    );
    assert!(!rest.contains("(in `"), "{err}");
    // A flag's fault is the flag's.
    let o = run(&["robust", &name, "--threshold", "use_of_forse=0.2"]);
    let err = refused(&o);
    assert!(
        err.starts_with("--threshold:1:1: error: `use_of_forse`"),
        "{err}"
    );
}

/// A fault of a file of draws as a whole reads "FILE: PROBLEM" under a sweep's `futures` key,
/// the form `deter run --posterior` prints ("FILE: error: PROBLEM") and of a fault on one of
/// its lines ("FILE:LINE:COL: ..."); it read "`FILE`: PROBLEM".
#[test]
fn a_whole_file_fault_of_futures_reads_as_the_posteriors() {
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let draws = d.path().join("draws.csv");
    let s = common::futures_sweep(d.path(), "s.toml", &base, "draws.csv");
    let p = draws.to_str().unwrap();
    let cases: [&[u8]; 4] = [
        b"",
        b"# deter calibrate: posterior draws\n",
        b"draw,model.war_cost,weight,distance\n0,0.5,0,0\n",
        b"draw,model.war_cost,weight,distance\n0,\xff,1,0\n",
    ];
    for text in cases {
        std::fs::write(&draws, text).unwrap();
        let o = deter()
            .args([
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
            .output()
            .unwrap();
        refused(&o);
        let err = stderr(&o);
        let line = err.lines().next().unwrap_or_default();
        // "FILE: error: PROBLEM", or for a fault inside the text (a byte that is not UTF-8)
        // "FILE:LINE:COL: error: PROBLEM", as a TOML file locates it.
        let (at, problem) = line
            .strip_prefix(p)
            .and_then(|x| x.split_once(": error: "))
            .unwrap_or_else(|| panic!("{line}"));
        let out = d.path().join("r.csv");
        let o = deter()
            .args(["sweep", s.to_str().unwrap(), "-q", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        refused(&o);
        let err = stderr(&o);
        let line = err.lines().next().unwrap_or_default();
        assert!(
            line.ends_with(&format!(": error: futures: draws.csv{at}: {problem}")),
            "{line}\nposterior: {problem}"
        );
        assert!(!err.contains("`draws.csv`"), "{err}");
    }
}

/// An empty file got "the file is empty" (with what the kind needs) from every TOML reader,
/// but "not a deter sweep results file ..." from `deter robust` and `deter discover`, "not a
/// deter partial file: invalid JSON (EOF while parsing a value at line 1 column 0)" from
/// `deter merge`, and "no header line" from `--posterior` and a sweep's `futures`. Each now
/// says "FILE: error: the file is empty" with what its kind holds, exit 2, as `deter
/// validate` says of the same file.
#[test]
fn an_empty_file_is_called_empty_by_every_reader() {
    let d = tempfile::tempdir().unwrap();
    let empty = write(d.path(), "empty.csv", "\n  \n");
    let e = empty.to_str().unwrap();
    let first = |o: &Output| stderr(o).lines().next().unwrap_or_default().to_string();
    let reference = run(&["validate", e]);
    refused(&reference);
    let said = format!("{e}: error: the file is empty");
    assert_eq!(first(&reference), said);
    let base = scenario("scenarios/western-balkans-2024.toml");
    for args in [
        vec!["robust", e],
        vec!["discover", e, "--outcome", "war", "--above", "0.1"],
        vec!["merge", e],
        vec![
            "run",
            &base,
            "--posterior",
            e,
            "--runs",
            "5",
            "--draws",
            "2",
        ],
    ] {
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        assert_eq!(first(&o), said, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(" = help: a "),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).ends_with("1 error found\n"), "{args:?}");
    }
    let s = write(
        d.path(),
        "futures.toml",
        &format!("base = {base:?}\nruns = 5\nfutures = \"empty.csv\"\n"),
    );
    let o = run(&["sweep", s.to_str().unwrap()]);
    refused(&o);
    assert!(
        first(&o).ends_with("error: futures: empty.csv: the file is empty"),
        "{}",
        stderr(&o)
    );
}

/// A sweep's `futures` naming a directory or a missing file said "`DIR`: cannot read `DIR`:
/// Is a directory": the words of no other reader. A file named in a file now gets the words
/// of a `--files-from` list's missing file, "cannot read file `PATH`: REASON", with the path
/// it was looked for (relative to the sweep file), exit 2.
#[test]
fn a_futures_file_that_cannot_be_read_gets_the_words_of_a_file_named_in_a_file() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    std::fs::create_dir(d.path().join("adir")).unwrap();
    let s = d.path().join("s.toml");
    for (name, reason) in [("adir", "Is a directory"), ("nope.csv", "No such file")] {
        std::fs::write(
            &s,
            format!("base = {base:?}\nruns = 5\nfutures = \"{name}\"\n"),
        )
        .unwrap();
        let o = run(&["sweep", s.to_str().unwrap()]);
        refused(&o);
        let want = format!(
            "futures: {name}: cannot read file `{}`: {reason}",
            d.path().join(name).display()
        );
        assert!(
            errors(&stderr(&o))[0].starts_with(&want),
            "{}\nwant: {want}",
            stderr(&o)
        );
    }
}

// ---- Help lines: what was expected ----

/// `deter validate results.csv` reported a TOML syntax error and nothing of what the file
/// is: deter's own outputs (a sweep's results, CSV or JSON Lines) and a file of draws are
/// said to be what they are, with the command that reads them; another CSV gets a help line naming what validate
/// reads and what the file looks like.
#[test]
fn validate_says_what_a_file_that_is_not_toml_looks_like() {
    let d = tempfile::tempdir().unwrap();
    let (_, results) = small_sweep(d.path(), "r.csv");
    let (_, rows) = small_sweep(d.path(), "r.jsonl.json");
    let draws = write(
        d.path(),
        "post.csv",
        "draw,model.war_cost,weight,distance\n0,0.5,1,0\n",
    );
    let checks = "`deter validate` checks TOML input files (scenario, sweep, calibration and \
                  historical record files)";
    for (file, is) in [
        (
            results.as_path(),
            "this is a sweep's results file: `deter robust` and `deter discover` read it",
        ),
        (
            rows.as_path(),
            "this is a sweep's results file (JSON Lines): `deter sweep --resume` completes it",
        ),
        (
            draws.as_path(),
            "this is a file of draws (`posterior.csv` of `deter calibrate`): `deter run \
             --posterior` and a sweep's `futures` read it",
        ),
    ] {
        let o = run(&["validate", file.to_str().unwrap()]);
        refused(&o);
        let err = stderr(&o);
        assert!(!err.contains("TOML syntax error"), "{err}");
        assert!(
            err.contains(&format!("{}: error: {is}; {checks}", file.display())),
            "{err}"
        );
    }
    let reads = "`deter validate` reads TOML input files (scenario, sweep, calibration and \
                 historical record files)";
    let other = write(d.path(), "other.csv", "a,b\n1,2\n");
    let o = run(&["validate", other.to_str().unwrap()]);
    refused(&o);
    let err = stderr(&o);
    assert!(err.contains(": error: TOML syntax error"), "{err}");
    let help = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("= help: "))
        .unwrap_or_else(|| panic!("no help line: {err}"));
    assert!(
        help.starts_with(&format!("{reads}; this looks like a CSV file")),
        "{help}"
    );
    // A TOML file with a syntax error gets no such line.
    let t = write(d.path(), "broken.toml", "[scenario\nname = \"x\"\n");
    let o = run(&["validate", t.to_str().unwrap()]);
    refused(&o);
    assert!(!stderr(&o).contains("this looks like"), "{}", stderr(&o));
}

/// scenarios/history/calibrate.toml with its cases' paths absolute and the line starting
/// with `key = ` replaced by `line`, written to `dir/name`.
fn calibration_with(dir: &std::path::Path, name: &str, key: &str, line: &str) -> String {
    let history = common::root().join("scenarios/history");
    let text = std::fs::read_to_string(history.join("calibrate.toml")).unwrap();
    let mut out = String::new();
    let mut replaced = false;
    for l in text.lines() {
        if l.starts_with(&format!("{key} = ")) {
            out.push_str(line);
            replaced = true;
        } else if l.trim_start().starts_with('"') && l.contains(".record.toml") {
            let rel = l.trim().trim_end_matches(',').trim_matches('"');
            out.push_str(&format!(
                "    {:?},",
                history.join(rel).display().to_string()
            ));
        } else {
            out.push_str(l);
        }
        out.push('\n');
    }
    assert!(replaced, "no `{key} = ` line");
    let p = write(dir, name, &out);
    p.display().to_string()
}

/// `[observation] detect = 0.8` said "expected a table, found float" with no example: it
/// gets the help line of a missing required key ("e.g. KEY = EXAMPLE"), showing the table
/// form; the example, put in place of the bare number, is a valid calibration. The same for
/// `alternative`.
#[test]
fn a_bare_number_for_an_observation_table_shows_the_table_form() {
    let d = tempfile::tempdir().unwrap();
    for (key, bare) in [("detect", "0.8"), ("alternative", "0.25")] {
        let bad = calibration_with(d.path(), "bad.toml", key, &format!("{key} = {bare}"));
        for args in [
            vec!["validate", bad.as_str()],
            vec!["calibrate", bad.as_str()],
        ] {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            let err = stderr(&o);
            assert!(
                err.contains(&format!(
                    ": error: observation.{key}: expected a table, found float\n"
                )),
                "{err}"
            );
            let help = err
                .lines()
                .find_map(|l| l.trim().strip_prefix("= help: "))
                .unwrap_or_else(|| panic!("no help line: {err}"));
            let example = help
                .strip_prefix(&format!("e.g. {key} = {{"))
                .unwrap_or_else(|| panic!("not the table form: {help}"));
            assert!(example.ends_with('}'), "{help}");
            // The example as the file's line: a valid calibration.
            let good = calibration_with(
                d.path(),
                "good.toml",
                key,
                help.strip_prefix("e.g. ").unwrap(),
            );
            let o = run(&["validate", &good]);
            assert_eq!(o.status.code(), Some(0), "{help}: {}", stderr(&o));
        }
    }
}

// ---- Command-line flags: one form for every value refused, the range in --help ----

/// A small levers x futures results file (4 points of 2 policies) at `dir/r.csv`, with
/// P(use of force) from 0.05 to 0.08.
fn small_results(dir: &std::path::Path) -> String {
    let r = write(
        dir,
        "r.csv",
        "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
         1,a,1,0.2,100,0.06,0.02\n2,b,0,0.3,100,0.07,0.02\n3,b,1,0.2,100,0.08,0.02\n",
    );
    r.to_str().unwrap().to_string()
}

/// `deter discover --boxes -1` got clap's "unexpected argument '-1' found" (and `1.5`, `ten`
/// clap's "invalid digit found in string"); every integer flag of deter says "FLAG:1:1:
/// error: expected an integer in [MIN, MAX], found TEXT", located in the value, for every
/// fault alike, as `--runs` does, exit 2.
#[test]
fn discover_boxes_gets_the_range_message_of_every_integer_flag() {
    let d = tempfile::tempdir().unwrap();
    let r = small_results(d.path());
    let base = scenario("scenarios/western-balkans-2024.toml");
    let reference = run(&["run", &base, "--runs", "-1"]);
    refused(&reference);
    assert!(
        stderr(&reference).starts_with("--runs:1:1: error: expected an integer in [1, "),
        "{}",
        stderr(&reference)
    );
    for text in ["-1", "0", "1.5", "ten", "101", "99999999999999999999999"] {
        let o = run(&[
            "discover",
            &r,
            "--outcome",
            "use_of_force",
            "--above",
            "0.06",
            "--boxes",
            text,
        ]);
        refused_for(&o, format_args!("{text}"));
        let found = if text == "ten" {
            "`ten`".to_string()
        } else {
            text.to_string()
        };
        assert_eq!(
            stderr(&o),
            flag_fault(
                "--boxes",
                text,
                1,
                &format!("expected an integer in [1, 100], found {found}")
            ),
            "{text}"
        );
    }
    let o = run(&[
        "discover",
        &r,
        "--outcome",
        "use_of_force",
        "--above",
        "0.06",
        "--boxes",
        "100",
    ]);
    succeeded(&o);
}

/// Every flag with a fixed list of choices, in every command, as `deter --help` and each
/// command's `--help` list them ("Possible values:"): a value that is none of them got clap's
/// "error: invalid value 'xml' for '--format <FORMAT>'" and its list; it is refused in the
/// form of every flag's fault, exit 2: "FLAG:1:1: error: expected one of `a`, `b`, found
/// `xml`", the value underlined, and a did-you-mean when one choice is a letter away (the
/// first choice without its last letter). The choices are read from the help, not the code.
#[test]
fn a_value_that_is_none_of_a_flags_choices_is_refused_as_every_flags_fault() {
    let help = stderr_or_out(&run(&["--help"]));
    let commands: Vec<String> = help
        .split("Commands:")
        .nth(1)
        .expect("a command list")
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(String::from)
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    let mut seen = Vec::new();
    for cmd in &commands {
        let help = stderr_or_out(&run(&[cmd, "--help"]));
        let lines: Vec<&str> = help.lines().collect();
        let mut flag = None;
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            if t.starts_with("--") && l.starts_with("      --")
                || t.starts_with("-") && l.starts_with("  -")
            {
                flag = t
                    .split([' ', ','])
                    .find(|w| w.starts_with("--"))
                    .map(String::from);
            }
            if t != "Possible values:" {
                continue;
            }
            let flag = flag
                .clone()
                .unwrap_or_else(|| panic!("{cmd}: no flag before line {i}"));
            let choices: Vec<String> = lines[i + 1..]
                .iter()
                .map_while(|l| l.trim_start().strip_prefix("- "))
                .map(|c| c.split(':').next().unwrap().trim().to_string())
                .collect();
            assert!(!choices.is_empty(), "{cmd} {flag}");
            let listed: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
            let expected = format!("expected one of {}", listed.join(", "));
            let near = &choices[0][..choices[0].len() - 1];
            for (text, dym) in [("xml", None), (near, Some(&choices[0]))] {
                let o = run(&[cmd, &flag, text]);
                refused_for(&o, format_args!("{cmd} {flag} {text}"));
                let mut want = flag_fault(&flag, text, 1, &format!("{expected}, found `{text}`"));
                if let Some(c) = dym {
                    want = want.replace(
                        "1 error found\n",
                        &format!("  |\n  = help: did you mean `{c}`?\n1 error found\n"),
                    );
                }
                assert_eq!(stderr(&o), want, "{cmd} {flag} {text}");
            }
            seen.push(format!("{cmd} {flag}"));
        }
    }
    // The commands that take one today: a flag lost from the help would go unseen.
    for must in [
        "run --format",
        "compare --format",
        "sweep --format",
        "merge --format",
    ] {
        assert!(seen.iter().any(|s| s == must), "{must} not found: {seen:?}");
    }
}

/// A command's help: clap prints it on stdout.
fn stderr_or_out(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The number flags of `deter discover` and `deter robust` read `1e-400` as 0 (`--above
/// 1e-400` selected every point with P > 0, `--where "use_of_force > 1e-400"` and
/// `--threshold use_of_force=1e-400` alike), and clap answered `--alpha -1` with "unexpected
/// argument '-1' found" and `--above ten` with "invalid float literal". Each is refused, exit
/// 2, with the words the same value gets in `--set` and every input file. A threshold's value
/// (`--above`, `--below`, `--where`, `--threshold`) is refused in the form of `--set`'s:
/// `FLAG:1:COL: error: OUTCOME: expected a number in [0, 1] (...), found ...`, the value
/// underlined in an excerpt of the flag's text, whatever the fault (`abc` said "expected a
/// number", without the range, and none of them had the location); the other number flags
/// (`--alpha`, `--min-mass`) in the same form, their range said ("--alpha:1:1: error:
/// expected a share in (0, 0.5), found -1"; they said "error: --alpha -1: expected ...").
#[test]
fn discovers_and_robusts_number_flags_refuse_what_they_cannot_read_as_every_flag_does() {
    let d = tempfile::tempdir().unwrap();
    let r = small_results(d.path());
    let tail = "a number too small to use (it reads as 0)";
    let discover = ["discover", r.as_str(), "--outcome", "use_of_force"];
    let range = |what: &str| {
        format!(
            "use_of_force: expected a number in [0, 1] (`use_of_force` is a probability, a share \
             of runs; a threshold outside it {what})"
        )
    };
    let select = range("selects every point or none");
    let met = range("is met in every future or in none");
    // (arguments, flag, the flag's text, column of the value, what is said after `error: `)
    let located: Vec<(Vec<&str>, &str, &str, usize, String)> = vec![
        (
            [&discover[..], &["--above", "1e-400"]].concat(),
            "--above",
            "1e-400",
            1,
            format!("{select}, found `1e-400`, {tail}"),
        ),
        (
            [&discover[..], &["--above", "ten"]].concat(),
            "--above",
            "ten",
            1,
            format!("{select}, found `ten`"),
        ),
        (
            [&discover[..], &["--below", "-0.5"]].concat(),
            "--below",
            "-0.5",
            1,
            format!("{select}, found -0.5"),
        ),
        (
            vec!["discover", &r, "--where", "use_of_force > 1e-400"],
            "--where",
            "use_of_force > 1e-400",
            16,
            format!("{select}, found `1e-400`, {tail}"),
        ),
        (
            vec!["discover", &r, "--where", "use_of_force >= abc"],
            "--where",
            "use_of_force >= abc",
            17,
            format!("{select}, found `abc`"),
        ),
        (
            vec!["robust", &r, "--threshold", "use_of_force=1e-400"],
            "--threshold",
            "use_of_force=1e-400",
            14,
            format!("{met}, found `1e-400`, {tail}"),
        ),
        (
            vec!["robust", &r, "--threshold", "use_of_force=abc"],
            "--threshold",
            "use_of_force=abc",
            14,
            format!("{met}, found `abc`"),
        ),
        (
            vec!["robust", &r, "--threshold", "use_of_force=1.5"],
            "--threshold",
            "use_of_force=1.5",
            14,
            format!("{met}, found 1.5"),
        ),
    ];
    for (args, flag, text, col, said) in located {
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        assert_eq!(stderr(&o), flag_fault(flag, text, col, &said), "{args:?}");
    }
    // `-0` is in the range and reads as 0 (it was echoed "use_of_force < -0").
    for args in [
        [&discover[..], &["--below", "-0"]].concat(),
        vec!["discover", &r, "--where", "use_of_force < -0"],
    ] {
        let o = run(&args);
        succeeded(&o);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("use_of_force < 0 "), "{args:?}: {out}");
        assert!(!out.contains("-0"), "{args:?}: {out}");
    }
    let alpha = "expected a share in (0, 0.5)";
    let mass = "expected a share in (0, 1)";
    let cases: Vec<(&str, &str, String)> = vec![
        ("--alpha", "-1", format!("{alpha}, found -1")),
        ("--alpha", "0.5", format!("{alpha}, found 0.5")),
        (
            "--alpha",
            "1e-400",
            format!("{alpha}, found `1e-400`, {tail}"),
        ),
        ("--alpha", "abc", format!("{alpha}, found `abc`")),
        ("--min-mass", "x", format!("{mass}, found `x`")),
        ("--min-mass", "1", format!("{mass}, found 1")),
        ("--min-mass", "-0.2", format!("{mass}, found -0.2")),
    ];
    for (flag, text, said) in cases {
        let args = [&discover[..], &["--above", "0.06", flag, text]].concat();
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        assert_eq!(stderr(&o), flag_fault(flag, text, 1, &said), "{args:?}");
    }
    // A `--where` or `--threshold` not of its form, located alike (they said "error: --where
    // `use_of_force`: expected ..." on one line).
    // The missing operator says what to write (tests/located_faults.rs: an unknown one too).
    let o = run(&["discover", r.as_str(), "--where", "use_of_force"]);
    refused(&o);
    assert_eq!(
        stderr(&o),
        flag_fault_help(
            "--where",
            "use_of_force",
            1,
            12,
            "expected COLUMN > NUMBER (or >=, <, <=)",
            "write COLUMN OP NUMBER, OP one of >, >=, <, <= (`--where 'use_of_force_p > 0.2'`)"
        )
    );
    for (args, flag, text, said) in [
        (
            vec!["discover", r.as_str(), "--where", "> 0.1"],
            "--where",
            "> 0.1",
            "no column before `>`",
        ),
        (
            vec!["robust", r.as_str(), "--threshold", "use_of_force"],
            "--threshold",
            "use_of_force",
            "expected OUTCOME=VALUE, found `use_of_force`",
        ),
    ] {
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        assert_eq!(stderr(&o), flag_fault(flag, text, 1, said), "{args:?}");
    }
    // The form and words of `--set` for the same literals: location, range, excerpt.
    let base = scenario("scenarios/western-balkans-2024.toml");
    let o = run(&["run", &base, "--set", "model.war_cost=1e-400"]);
    assert!(stderr(&o).contains(&format!("found `1e-400`, {tail}")));
    let o = run(&["run", &base, "--set", "model.war_cost=abc"]);
    assert!(
        stderr(&o).starts_with(
            "--set:1:16: error: model.war_cost: expected a number in [0, 10] (stake units), \
             found `abc`\n  |\n1 | model.war_cost=abc\n  |                ^^^\n"
        ),
        "{}",
        stderr(&o)
    );
    let o = run(&[&discover[..], &["--above", "0.06", "--alpha", "0.1"]].concat());
    succeeded(&o);
}

/// `deter discover --step N` was checked against the peeling only when a box was peeled:
/// with no case of interest (nothing to peel) `--step 5`, `--step -1` and `--step ten` were
/// accepted silently and printed "no box". Each is refused, exit 2, saying there is no step
/// to choose and why, as a step past a peeling's end is refused; both located in the value,
/// as every flag's value is.
#[test]
fn discover_refuses_a_step_when_no_box_was_peeled() {
    let d = tempfile::tempdir().unwrap();
    let r = small_results(d.path());
    // Peeled: the range of the peeling (the reference message).
    let o = run(&[
        "discover",
        &r,
        "--outcome",
        "use_of_force",
        "--above",
        "0.06",
        "--step",
        "5",
    ]);
    refused(&o);
    assert!(stderr(&o).starts_with("--step:1:1: error: expected an integer in [0, "));
    for text in ["5", "0", "-1", "ten"] {
        let o = run(&[
            "discover",
            &r,
            "--outcome",
            "use_of_force",
            "--above",
            "0.5",
            "--step",
            text,
        ]);
        refused_for(&o, format_args!("{text}"));
        assert_eq!(
            stderr(&o),
            flag_fault(
                "--step",
                text,
                1,
                &format!(
                    "there is no step to choose: no box was peeled, none of the 4 points is a \
                     case of interest (use_of_force > 0.5); run without --step (in `{r}`)"
                )
            )
        );
        assert!(o.stdout.is_empty());
    }
    // Without --step the same analysis says "no box", exit 0.
    let o = run(&[
        "discover",
        &r,
        "--outcome",
        "use_of_force",
        "--above",
        "0.5",
    ]);
    succeeded(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("no case of interest: no box"));
}

/// The help of `flag` in `deter CMD --help` (its lines up to the next flag), in one line.
fn flag_help(cmd: &str, flag: &str) -> String {
    let o = run(&[cmd, "--help"]);
    succeeded(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    let mut lines = text.lines().skip_while(|l| {
        !l.trim_start()
            .strip_prefix(flag)
            .is_some_and(|r| r.starts_with(' ') || r.is_empty())
    });
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no {flag} in `deter {cmd} --help`:\n{text}"));
    let mut help = first.trim().to_string();
    for l in lines {
        if l.trim_start().starts_with('-') || l.trim().is_empty() {
            break;
        }
        help.push(' ');
        help.push_str(l.trim());
    }
    help
}

/// 1234567 -> "1,234,567", written here apart from the crate's function.
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `--draws --help` did not give its range (1 to 1,000,000) where `--horizon-years --help`
/// did. Every integer flag's help gives the range its parser accepts, from the constants the
/// settings layer checks: the help's bounds are accepted and one past them refused.
#[test]
fn every_integer_flags_help_gives_its_range() {
    let cases: &[(&str, &str, u64, u64)] = &[
        ("run", "--runs", 1, deter::MAX_RUNS),
        ("run", "--seed", 0, deter::settings::MAX_SEED),
        ("run", "--threads", 0, deter::MAX_THREADS as u64),
        ("run", "--horizon-years", 1, 200),
        ("run", "--max-runs", 1, deter::MAX_RUNS),
        ("run", "--draws", 1, 1_000_000),
        ("compare", "--runs", 1, deter::MAX_RUNS),
        ("compare", "--seed", 0, deter::settings::MAX_SEED),
        ("compare", "--horizon-years", 1, 200),
        ("compare", "--draws", 1, 1_000_000),
        ("sweep", "--runs", 1, deter::MAX_RUNS),
        ("sweep", "--seed", 0, deter::settings::MAX_SEED),
        ("sweep", "--horizon-years", 1, 200),
        ("sweep", "--threads", 0, deter::MAX_THREADS as u64),
        ("calibrate", "--threads", 0, deter::MAX_THREADS as u64),
        ("bench", "--runs", 1, deter::MAX_RUNS),
        ("bench", "--repeat", 1, 1_000),
        ("bench", "--seed", 0, deter::settings::MAX_SEED),
        ("bench", "--sweep-points", 1, deter::MAX_RUNS),
        ("bench", "--runs-per-point", 1, deter::MAX_RUNS),
        ("discover", "--boxes", 1, 100),
    ];
    for &(cmd, flag, min, max) in cases {
        let help = flag_help(cmd, flag);
        let range = format!("{} to {}", grouped(min), grouped(max));
        assert!(
            help.contains(&range),
            "deter {cmd} {flag}: `{help}` lacks `{range}`"
        );
    }
    // The range stated is the one enforced: one past the top is refused with that range.
    let base = scenario("scenarios/western-balkans-2024.toml");
    let o = run(&["run", &base, "--draws", "1000001", "--runs", "10"]);
    refused(&o);
    stderr_says(&o, "1000000");
}

/// Levers x futures results (two policies, eight futures of one input `u`), written to `dir`.
fn lxf_results(dir: &std::path::Path) -> String {
    let mut t = String::from("point,policy,future,unit,runs,use_of_force_p\n");
    let mut k = 0;
    for p in ["baseline", "combined"] {
        for f in 0..8u32 {
            let y = if f > 3 { 0.3 } else { 0.05 };
            t.push_str(&format!("{k},{p},{f},{},100,{y}\n", f64::from(f) / 8.0));
            k += 1;
        }
    }
    let path = write(dir, "whole.csv", &t);
    path.display().to_string()
}

/// `deter discover --outcome use_of_forc` said "...; did you mean `use_of_force`?;
/// outcomes: ..." inside one line. The did-you-mean is a help line, located in the flag's
/// value, as `deter run --set` gives its own (the reference, run here); the same for
/// `--where`, `--policy` and `--inputs`.
#[test]
fn discovers_did_you_mean_is_a_help_line_as_every_commands() {
    let reference = run(&[
        "run",
        "tests/warn/sweep-base.toml",
        "--runs",
        "10",
        "--set",
        "model.war_cots=1",
    ]);
    refused(&reference);
    let r = stderr(&reference);
    assert!(r.starts_with("--set:1:1: error: "), "{r}");
    assert!(
        r.contains("\n  = help: did you mean `model.war_cost`?\n"),
        "{r}"
    );
    assert!(r.ends_with("1 error found\n"), "{r}");
    let d = tempfile::tempdir().unwrap();
    let results = lxf_results(d.path());
    let cases: [(&[&str], &str, &str, &str); 4] = [
        (
            &[
                "--policy",
                "combined",
                "--outcome",
                "use_of_forc",
                "--above",
                "0.1",
            ],
            "--outcome:1:1: error: `use_of_forc` is not an outcome of this results file; \
             outcomes: `use_of_force`, `regret_OUTCOME`, any column after `runs`",
            "1 | use_of_forc\n  | ^^^^^^^^^^^",
            "use_of_force",
        ),
        (
            &["--where", "use_of_forc > 0.1"],
            "--where:1:1: error: `use_of_forc` is not an outcome of this results file; \
             outcomes: `use_of_force`, `regret_OUTCOME`, any column after `runs`",
            "1 | use_of_forc > 0.1\n  | ^^^^^^^^^^^\n",
            "use_of_force",
        ),
        (
            &[
                "--policy",
                "combnied",
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
            ],
            "--policy:1:1: error: `combnied` is not a policy of the results (baseline, combined)",
            "1 | combnied\n  | ^^^^^^^^",
            "combined",
        ),
        (
            &[
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
                "--inputs",
                "unti",
            ],
            "--inputs:1:1: error: `unti` is not a parameter column of these results; \
             parameter columns: `unit`",
            "1 | unti\n  | ^^^^",
            "unit",
        ),
    ];
    for (args, first, excerpt, meant) in cases {
        let mut all = vec!["discover", results.as_str()];
        all.extend_from_slice(args);
        let o = run(&all);
        refused_for(&o, format_args!("{args:?}"));
        let err = stderr(&o);
        assert_eq!(
            err.lines().next().unwrap(),
            format!("{first} (in `{results}`)"),
            "{args:?}"
        );
        assert!(!err.contains("; did you mean"), "{err}");
        assert!(err.contains(excerpt), "{args:?}: {err}");
        assert!(
            err.contains(&format!("\n  = help: did you mean `{meant}`?\n")),
            "{args:?}: {err}"
        );
        assert!(err.ends_with("1 error found\n"), "{err}");
        assert!(o.stdout.is_empty());
    }
}

/// An unknown name with no close one (`deter discover --outcome zzzz`, `deter robust
/// --status-quo qqqq`) was said as "error: --outcome: `zzzz` is not ...", while the same fault
/// with a close name was located in the flag's value ("--outcome:1:1: error: ..."). Both are
/// located alike now, with the same excerpt: the first line of each is the one the close
/// name gets with that name replaced, and only the help line (the did-you-mean) is missing.
#[test]
fn an_unknown_name_without_a_close_one_is_located_as_one_with_it() {
    let d = tempfile::tempdir().unwrap();
    let results = lxf_results(d.path());
    // (command and flags with a far name, the same with a close name, the far and close
    // names, the flag and where the name starts in its value)
    type Case<'a> = (
        &'a [&'a str],
        &'a [&'a str],
        &'a str,
        &'a str,
        &'a str,
        usize,
    );
    let cases: [Case; 6] = [
        (
            &[
                "discover",
                "--policy",
                "combined",
                "--outcome",
                "zzzz",
                "--above",
                "0.1",
            ],
            &[
                "discover",
                "--policy",
                "combined",
                "--outcome",
                "use_of_forc",
                "--above",
                "0.1",
            ],
            "zzzz",
            "use_of_forc",
            "--outcome",
            1,
        ),
        (
            &["discover", "--where", "zzzz > 0.1"],
            &["discover", "--where", "use_of_forc > 0.1"],
            "zzzz",
            "use_of_forc",
            "--where",
            1,
        ),
        (
            &[
                "discover",
                "--policy",
                "qqqq",
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
            ],
            &[
                "discover",
                "--policy",
                "combnied",
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
            ],
            "qqqq",
            "combnied",
            "--policy",
            1,
        ),
        (
            &[
                "discover",
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
                "--inputs",
                "unit,qqqq",
            ],
            &[
                "discover",
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
                "--inputs",
                "unit,unti",
            ],
            "qqqq",
            "unti",
            "--inputs",
            6,
        ),
        (
            &["robust", "--threshold", "zzzz=0.1"],
            &["robust", "--threshold", "use_of_forse=0.1"],
            "zzzz",
            "use_of_forse",
            "--threshold",
            1,
        ),
        (
            &["robust", "--status-quo", "qqqq"],
            &["robust", "--status-quo", "baselin"],
            "qqqq",
            "baselin",
            "--status-quo",
            1,
        ),
    ];
    let said = |args: &[&str]| {
        let mut all = vec![args[0], results.as_str()];
        all.extend_from_slice(&args[1..]);
        let o = run(&all);
        refused_for(&o, format_args!("{all:?}"));
        assert!(o.stdout.is_empty());
        stderr(&o)
    };
    for (far, close, far_name, close_name, flag, col) in cases {
        let (got, reference) = (said(far), said(close));
        let first = got.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("{flag}:1:{col}: error: `{far_name}` ")),
            "{far:?}: {got}"
        );
        // The close name's first line, its name replaced (a list of names may follow it).
        let want = reference.lines().next().unwrap().replacen(
            &format!("`{close_name}`"),
            &format!("`{far_name}`"),
            1,
        );
        assert_eq!(first, want, "{far:?}");
        let caret = format!("{}{}", " ".repeat(col - 1), "^".repeat(far_name.len()));
        assert!(got.contains(&format!("\n  | {caret}\n")), "{far:?}: {got}");
        assert!(!got.contains("help:"), "{far:?}: no name is close: {got}");
        assert!(reference.contains("= help: did you mean"), "{reference}");
        assert!(got.ends_with("1 error found\n"), "{got}");
    }
}

// ---- The library names its settings, the command line its flags ----

/// A seed above 2^63 - 1: the library's sweep (and its nested run) names its own argument,
/// `Settings::seed` ("`seed` N: ..."), the command line its flag ("--seed N: ..."), with the
/// same range (a TOML integer is a signed 64-bit integer: 2^63 - 1 = 9223372036854775807).
#[test]
fn a_seed_out_of_range_is_named_as_its_caller_gave_it() {
    use deter::{Control, Error, Settings};
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let s = write(
        d.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    );
    let range = "expected an integer in [0, 9223372036854775807]";
    let huge = Settings {
        seed: Some(u64::MAX),
        threads: 1,
        ..Settings::default()
    };
    let out = d.path().join("r.csv");
    match deter::sweep(&s, &huge, Control::default(), &out, false) {
        Err(Error::Invalid(m)) => {
            assert_eq!(m, format!("`seed` 18446744073709551615: {range}"));
        }
        other => panic!("{:?}", other.map(|y| y.len())),
    }
    assert!(!out.exists());
    // The largest seed is taken (the bound is inclusive).
    let largest = Settings {
        seed: Some(9_223_372_036_854_775_807),
        ..huge.clone()
    };
    deter::sweep(&s, &largest, Control::default(), &out, false).unwrap();
    std::fs::remove_file(&out).unwrap();
    std::fs::remove_file(d.path().join("r.csv.sweep")).unwrap();
    let scenario = deter::load(std::path::Path::new(&base)).unwrap();
    match deter::run_nested(&scenario, None, &huge, Some(2), Control::default()) {
        Err(Error::Invalid(m)) => {
            assert_eq!(m, format!("`seed` 18446744073709551615: {range}"));
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a seed out of range was taken"),
    }
    // The command line: its flag.
    let o = deter()
        .args(["sweep", s.to_str().unwrap(), "-q", "--out"])
        .arg(&out)
        .args(["--seed", "18446744073709551615"])
        .output()
        .unwrap();
    refused(&o);
    assert_eq!(
        stderr(&o),
        flag_fault(
            "--seed",
            "18446744073709551615",
            1,
            &format!("{range}, found 18446744073709551615")
        )
    );
}

/// The library's `deter::run`, `deter::run_nested` and `deter::sweep` refused a setting out of
/// range in the command line's words ("--runs 0: ...", "--horizon-years 0: ..."), flags a
/// program never wrote: they name the fields of `deter::Settings` (and `draws`, the argument
/// of the nested run), as `seed` was already named (the test above), with the same ranges; the
/// command line keeps its flags. The Python package's keyword arguments have the fields'
/// names (`runs=`, `horizon_years=`, `draws=`), so its errors name them too. The flags'
/// faults are located in their values, the same range said.
#[test]
fn the_library_names_its_own_settings_and_the_command_line_its_flags() {
    use deter::{Control, Error, Settings};
    let base = scenario("scenarios/western-balkans-2024.toml");
    let s = deter::load(std::path::Path::new(&base)).unwrap();
    let invalid = |r: Result<(), Error>| match r {
        Err(Error::Invalid(m)) => m,
        other => panic!("expected Error::Invalid, got {other:?}"),
    };
    let run = |settings: Settings| invalid(deter::run(&s, &settings, Control::default()).map(drop));
    let max = 1_000_000_000_000u64;
    // (settings, the library's words, the flags that say the same on the command line and
    // their words).
    let cases: Vec<(Settings, String, Vec<&str>, String)> = vec![
        (
            Settings {
                runs: Some(0),
                ..Default::default()
            },
            format!("`runs` 0: expected an integer in [1, {max}]"),
            vec!["--runs", "0"],
            format!("expected an integer in [1, {max}], found 0"),
        ),
        (
            Settings {
                horizon_years: Some(0),
                ..Default::default()
            },
            "`horizon_years` 0: expected an integer in [1, 200]".to_string(),
            vec!["--horizon-years", "0"],
            "expected an integer in [1, 200], found 0".to_string(),
        ),
        (
            Settings {
                until_ci: Some(0.7),
                ..Default::default()
            },
            "`until_ci` 0.7: expected a half-width in (0, 0.5)".to_string(),
            vec!["--until-ci", "0.7"],
            "expected a half-width in (0, 0.5), found 0.7".to_string(),
        ),
        (
            Settings {
                until_ci: Some(0.01),
                max_runs: Some(0),
                ..Default::default()
            },
            format!("`max_runs` 0: expected an integer in [1, {max}]"),
            vec!["--until-ci", "0.01", "--max-runs", "0"],
            format!("expected an integer in [1, {max}], found 0"),
        ),
    ];
    for (settings, library, flags, cli) in cases {
        assert_eq!(run(settings.clone()), library);
        let o = common::run(&[&["run", base.as_str()][..], &flags[..]].concat());
        refused_for(&o, format_args!("{flags:?}"));
        let (flag, value) = (flags[flags.len() - 2], flags[flags.len() - 1]);
        assert_eq!(stderr(&o), flag_fault(flag, value, 1, &cli), "{flags:?}");
    }
    // A nested run: `draws` and `runs` per draw.
    let nested = |draws: Option<u64>, runs: Option<u64>| {
        let settings = Settings {
            runs,
            ..Default::default()
        };
        invalid(deter::run_nested(&s, None, &settings, draws, Control::default()).map(drop))
    };
    let e = nested(Some(0), Some(10));
    assert_eq!(e, "`draws` 0: expected an integer in [1, 1000000]");
    let e = nested(Some(2), Some(1));
    assert!(
        e.starts_with("`runs` 1 per draw: expected at least 2"),
        "{e}"
    );
    // A sweep.
    let d = tempfile::tempdir().unwrap();
    let sweep = write(
        d.path(),
        "s.toml",
        &format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    );
    let out = d.path().join("r.csv");
    let settings = Settings {
        runs: Some(0),
        ..Default::default()
    };
    let e = invalid(deter::sweep(&sweep, &settings, Control::default(), &out, false).map(drop));
    assert_eq!(e, format!("`runs` 0: expected an integer in [1, {max}]"));
    assert!(!out.exists());
}

/// Two scenarios of different horizons were refused by the library (`deter::compare`,
/// `deter::compare_nested`, and so the Python package) with "... (use --horizon-years)", a
/// flag no program has; it names the setting `horizon_years` there, as every other setting
/// out of range is named (`settings::setting_name`). The command line keeps its flag, with
/// and without `--posterior`.
#[test]
fn different_horizons_are_refused_in_each_callers_words() {
    let text = std::fs::read_to_string(root().join("tests/warn/sweep-base.toml")).unwrap();
    let short = text.replacen("[scenario]", "[scenario]\nhorizon_years = 4", 1);
    assert_ne!(short, text, "the fixture has a [scenario] table");
    let a = deter::parse(&text, "a.toml").unwrap();
    let b = deter::parse(&short, "b.toml").unwrap();
    let settings = deter::Settings {
        runs: Some(10),
        threads: 1,
        ..Default::default()
    };
    let expected = format!(
        "the scenarios have different horizons ({} and 4 years); common random numbers need \
         the same horizon (use `horizon_years`)",
        a.meta.horizon_years
    );
    match deter::compare(&a, &b, &settings, deter::Control::default()) {
        Err(deter::Error::Invalid(m)) => assert_eq!(m, expected),
        other => panic!("expected Error::Invalid, got {:?}", other.map(|_| ())),
    }
    let tmp = tempfile::tempdir().unwrap();
    let uncertain = "\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 1.0]\n";
    let (ua, ub) = (format!("{text}{uncertain}"), format!("{short}{uncertain}"));
    let na = deter::parse(&ua, "a.toml").unwrap();
    let nb = deter::parse(&ub, "b.toml").unwrap();
    match deter::compare_nested(
        &na,
        &nb,
        None,
        &settings,
        Some(2),
        deter::Control::default(),
    ) {
        Err(deter::Error::Invalid(m)) => assert_eq!(m, expected),
        other => panic!("expected Error::Invalid, got {:?}", other.map(|_| ())),
    }
    // The command line: its flag, in both comparisons.
    let (fa, fb) = (tmp.path().join("a.toml"), tmp.path().join("b.toml"));
    std::fs::write(&fa, &ua).unwrap();
    std::fs::write(&fb, &ub).unwrap();
    let cli = expected.replace("`horizon_years`", "--horizon-years");
    let plain = [
        "compare",
        fa.to_str().unwrap(),
        fb.to_str().unwrap(),
        "--runs",
        "10",
        "--no-attribution",
    ];
    // Located at B's `horizon_years` (A's when B sets none), with both files in the help.
    let located = format!(
        "{}:2:17: error: scenario.horizon_years: {cli}\n",
        fb.display()
    );
    let out = common::run(&plain);
    refused(&out);
    let text = common::stderr(&out);
    assert!(text.starts_with(&located), "{text}");
    assert!(text.contains(&format!("A ({})", fa.display())), "{text}");
    let nested = [
        "compare",
        fa.to_str().unwrap(),
        fb.to_str().unwrap(),
        "--runs",
        "10",
        "--draws",
        "2",
    ];
    let out = common::run(&nested);
    refused(&out);
    assert_eq!(common::stderr(&out), text);
}

/// Through the library (and so the Python package) a posterior column that is not a
/// parameter of the scenario was "parameter `X` of the draws: `X` is not a parameter of this
/// scenario", with no `FILE:LINE:COL`; `deter::read_posterior_for` locates every fault of the
/// file as `deter run --posterior` does, with the same text.
#[test]
fn a_posterior_fault_is_located_by_the_library_as_by_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let post = common::write_posterior(
        tmp.path(),
        &["model.war_cost", "model.war_cots"],
        &[(&[0.5, 0.5], 1.0), (&[0.9, 0.7], 1.0)],
    );
    let file = common::scenario("scenarios/western-balkans-2024.toml");
    let s = deter::load(Path::new(&file)).unwrap();
    let cli = common::run(&[
        "run",
        &file,
        "--posterior",
        post.to_str().unwrap(),
        "--draws",
        "2",
        "--runs",
        "10",
        "-q",
    ]);
    refused(&cli);
    let want = common::stderr(&cli);
    assert!(
        want.contains("posterior.csv:2:21: error: column `model.war_cots`"),
        "{want}"
    );
    match deter::read_posterior_for(&post, &[&s]) {
        Err(deter::Error::Input(d)) => assert_eq!(d.to_string(), want),
        other => panic!("expected Error::Input, got {:?}", other.map(|_| ())),
    }
    // A file without the fault reads as `read_posterior` reads it.
    let good = common::write_posterior(tmp.path(), &["model.war_cost"], &[(&[0.5], 1.0)]);
    assert_eq!(
        deter::read_posterior_for(&good, &[&s]).unwrap(),
        deter::read_posterior(&good).unwrap()
    );
}

// ---- Text encodings: one message, from one place, in every file kind ----

/// `text` as UTF-16 (little-endian, with its byte-order mark), and as UTF-8 with a mark.
fn utf16(text: &[u8]) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for u in String::from_utf8_lossy(text).encode_utf16() {
        out.extend(u.to_le_bytes());
    }
    out
}

fn with_bom(text: &[u8]) -> Vec<u8> {
    [b"\xef\xbb\xbf".as_slice(), text].concat()
}

/// A file in UTF-16 gets one message whatever its kind and whatever command reads it: the
/// scenario reader's ("FILE: error: the file is UTF-16 text (it starts with a UTF-16
/// byte-order mark)", help "save the file as UTF-8 text", exit 2), for a scenario, a sweep, a
/// calibration, a historical record, a results CSV (`discover`, `robust`), a partial file
/// (`merge`), a posterior (`run --posterior`) and a sweep's `futures` draws. A file saved
/// "UTF-8 with BOM" reads as without it in every kind: the same exit status and the same
/// output. (The results CSV, the partial file, the posterior and the draws said "CSV parse
/// error: invalid utf-8", "expected a JSON object, found `\u{feff}`" or "not valid UTF-8",
/// or took the mark into their first column's name.)
#[test]
fn utf16_and_a_utf8_byte_order_mark_get_one_treatment_in_every_file_kind() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    // The historical cases: calibration, records and their scenarios side by side.
    for f in std::fs::read_dir(root().join("scenarios/history")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
    }
    let base = scenario("scenarios/western-balkans-2024.toml");
    std::fs::copy(&base, dir.join("base.toml")).unwrap();
    std::fs::write(
        dir.join("sweep.toml"),
        "base = \"base.toml\"\nruns = 10\nseed = 1\ndesign = \"grid\"\n[[parameter]]\n\
         path = \"country.XKX.military.budget\"\nrole = \"lever\"\nvalues = [0.1, 0.2]\n",
    )
    .unwrap();
    let at = |name: &str| dir.join(name).display().to_string();
    // A levers x futures results file, and a run's two shards.
    std::fs::write(
        dir.join("lxf.toml"),
        "base = \"base.toml\"\nruns = 10\nseed = 1\ndesign = \"lhs\"\npoints = 2\n\
         [[policy]]\nid = \"a\"\n[[policy]]\nid = \"b\"\nset = { \"country.XKX.military.budget\" = 0.3 }\n\
         [[parameter]]\npath = \"deployment.KFOR.reliability\"\nrole = \"uncertainty\"\nrange = [0.5, 0.9]\n",
    )
    .unwrap();
    let o = run(&["sweep", &at("lxf.toml"), "--out", &at("results.csv"), "-q"]);
    succeeded(&o);
    for k in 0..2 {
        let o = run(&[
            "run",
            &at("base.toml"),
            "--runs",
            "10",
            "--no-attribution",
            "--shard",
            &format!("{k}/2"),
            "--out",
            &at(&format!("part-{k}.json")),
        ]);
        succeeded(&o);
    }
    let posterior =
        common::write_posterior(dir, &["model.war_cost"], &[(&[1.0], 1.0), (&[2.0], 1.0)]);
    std::fs::copy(&posterior, dir.join("draws.csv")).unwrap();
    std::fs::write(
        dir.join("futures.toml"),
        "base = \"base.toml\"\nruns = 10\nseed = 1\nfutures = \"FUTURES\"\n\
         [[policy]]\nid = \"a\"\n",
    )
    .unwrap();
    // (file the fault is in, the command; FILE in the command stands for that file).
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("base.toml", vec!["validate".into(), "FILE".into()]),
        (
            "base.toml",
            vec!["run".into(), "FILE".into(), "--runs".into(), "5".into()],
        ),
        ("sweep.toml", vec!["validate".into(), "FILE".into()]),
        (
            "sweep.toml",
            vec!["sweep".into(), "FILE".into(), "-q".into()],
        ),
        ("calibrate.toml", vec!["validate".into(), "FILE".into()]),
        (
            "serbia-kosovo.record.toml",
            vec!["validate".into(), "FILE".into()],
        ),
        (
            "results.csv",
            vec![
                "discover".into(),
                "FILE".into(),
                "--outcome".into(),
                "crisis".into(),
                "--above".into(),
                "0.5".into(),
            ],
        ),
        ("results.csv", vec!["robust".into(), "FILE".into()]),
        (
            "part-1.json",
            vec!["merge".into(), at("part-0.json"), "FILE".into()],
        ),
        (
            "draws.csv",
            vec![
                "run".into(),
                at("base.toml"),
                "--runs".into(),
                "5".into(),
                "--no-attribution".into(),
                "--posterior".into(),
                "FILE".into(),
            ],
        ),
        ("draws.csv", vec!["validate".into(), at("futures.toml")]),
    ];
    std::fs::write(
        dir.join("futures.toml"),
        std::fs::read_to_string(dir.join("futures.toml"))
            .unwrap()
            .replace("FUTURES", "draws.csv"),
    )
    .unwrap();
    let want = "error: the file is UTF-16 text (it starts with a UTF-16 byte-order mark)";
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    for (name, args) in &cases {
        let good = std::fs::read(dir.join(name)).unwrap();
        for (variant, bytes) in [("u16", utf16(&good)), ("bom", with_bom(&good))] {
            // A copy of every file, the one under test re-encoded: names (a record's case id
            // is its file's) and relative paths stay as they are.
            let vdir = dir.join(variant);
            std::fs::create_dir_all(&vdir).unwrap();
            for f in &files {
                std::fs::copy(f, vdir.join(f.file_name().unwrap())).unwrap();
            }
            std::fs::write(vdir.join(name), &bytes).unwrap();
            let root_dir = dir.display().to_string();
            let v_dir = vdir.display().to_string();
            let args_v: Vec<String> = args
                .iter()
                .map(|a| if a == "FILE" { at(name) } else { a.clone() })
                .map(|a| a.replace(&root_dir, &v_dir))
                .collect();
            let args_v: Vec<&str> = args_v.iter().map(String::as_str).collect();
            let o = run(&args_v);
            let err = stderr(&o);
            assert!(!err.contains("panicked"), "{err}");
            if variant == "u16" {
                refused_for(&o, format_args!("{args_v:?}"));
                let (loc, problem) = fault(&err).unwrap_or_else(|| panic!("{args_v:?}: {err}"));
                // A sweep's `futures` file is named as the sweep names it.
                let shown = if args[1] == at("futures.toml") {
                    name.to_string()
                } else {
                    vdir.join(name).display().to_string()
                };
                assert_eq!(
                    format!("{loc}: error: {problem}"),
                    format!("{shown}: {want}"),
                    "{args_v:?}: {err}"
                );
                assert!(
                    err.contains("save the file as UTF-8 text"),
                    "{args_v:?}: {err}"
                );
            } else {
                // The reference: the same command on the files without the mark.
                let args_r: Vec<String> = args
                    .iter()
                    .map(|a| if a == "FILE" { at(name) } else { a.clone() })
                    .collect();
                let args_r: Vec<&str> = args_r.iter().map(String::as_str).collect();
                let r = run(&args_r);
                assert_eq!(
                    o.status.code(),
                    r.status.code(),
                    "{args_v:?}: {err}\nvs {}",
                    stderr(&r)
                );
                // Outputs name the files they read: compared with the directory made alike,
                // timings aside.
                let alike = |text: &[u8]| {
                    String::from_utf8_lossy(text)
                        .replace(&v_dir, &root_dir)
                        .lines()
                        .filter(|l| !l.contains(" runs/s") && !l.contains(" s on "))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                assert_eq!(alike(&o.stdout), alike(&r.stdout), "{args_v:?}");
                assert_eq!(alike(&o.stderr), alike(&r.stderr), "{args_v:?}");
            }
        }
    }
}

// ---- `deter merge`: shards that disagree, located in the file that disagrees ----

/// The 1-based line and column of the first `needle` in `text`, after `needle`'s own length
/// when `past` (the value after a key).
fn line_col_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("in the file") + needle.len();
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
    (line, col)
}

/// Shards that do not belong together (another seed, another scenario) and two files that
/// are the same shard are refused at the FILE:LINE:COL of the disagreeing value in the file
/// that disagrees (`"seed":5`, `"sha256":...`, `"k":1`, `"policies":...`), with its key
/// path, as every reader locates a value (they were file-level: "FILE: error: header.seed:
/// ..."). Shards of scenarios with other dated policies are told by the policies first (the
/// months that differ, in words), before the scenario's fingerprint.
#[test]
fn shards_that_disagree_are_located_at_the_disagreeing_value() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let other = scenario("tests/data/baltic-type.toml");
    let dated = scenario("scenarios/kosovo-nato-path.toml");
    let at = |name: &str| d.path().join(name).display().to_string();
    let shard = |file: &str, seed: &str, k: u32, out: &str| {
        let o = run(&[
            "run",
            file,
            "--runs",
            "10",
            "--seed",
            seed,
            "--no-attribution",
            "--shard",
            &format!("{k}/2"),
            "--out",
            &at(out),
        ]);
        succeeded(&o);
    };
    shard(&base, "1", 0, "a0.json");
    shard(&base, "1", 1, "a1.json");
    shard(&base, "5", 1, "seed.json");
    shard(&other, "1", 1, "other.json");
    shard(&dated, "1", 1, "dated.json");
    std::fs::copy(at("a1.json"), at("again.json")).unwrap();
    for (parts, file, key, needle) in [
        (
            vec!["a0.json", "seed.json"],
            "seed.json",
            "header.seed",
            "\"seed\":",
        ),
        (
            vec!["a0.json", "other.json"],
            "other.json",
            "header.sha256",
            "\"sha256\":",
        ),
        (
            vec!["a0.json", "a1.json", "again.json"],
            "again.json",
            "header.shard.k",
            "\"shard\":{\"k\":",
        ),
        (
            vec!["a0.json", "dated.json"],
            "dated.json",
            "header.policies",
            "\"policies\":",
        ),
    ] {
        let args: Vec<String> = std::iter::once("merge".to_string())
            .chain(parts.iter().map(|p| at(p)))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        let text = std::fs::read_to_string(at(file)).unwrap();
        let (line, col) = line_col_of(&text, needle);
        let (loc, problem) = fault(&stderr(&o)).expect("a located fault");
        assert_eq!(loc, format!("{}:{line}:{col}", at(file)), "{}", stderr(&o));
        assert!(problem.starts_with(&format!("{key}: ")), "{problem}");
    }
}

/// SHA-256 (hex) of a partial file's parts as compact JSON: the checksum `header.parts_sha256`
/// (docs/CLUSTER.md), computed here without deter's code.
fn parts_sha256(parts: &serde_json::Value) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(serde_json::to_vec(parts).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---- An unknown path whatever its value ----

/// A misspelt path with a value that is not a number: a policy's change in a scenario file
/// named the path ("is not a parameter of this scenario", with its did-you-mean), `--set`
/// named the value ("expected a finite number (or true / false)") and hid the path, so the
/// user fixed the value and only then learnt that the path was wrong. One message now. And a
/// sweep whose one policy has that fault warned besides that `model.war_cost` "cannot
/// influence any output": the analysis ran over the policies read, none.
#[test]
fn an_unknown_path_is_named_whatever_its_value_in_set_and_in_files() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    // (problem, help) of the first error.
    let said = |o: &Output, key: &str| -> (String, String) {
        refused(o);
        let err = stderr(o);
        let line = err.lines().find(|l| l.contains(": error: ")).unwrap();
        let (_, p) = line
            .split_once(&format!(": error: {key}: "))
            .unwrap_or_else(|| panic!("{err}"));
        let help = err
            .lines()
            .find_map(|l| l.trim().strip_prefix("= help: "))
            .unwrap_or_default();
        (p.to_string(), help.to_string())
    };
    for (path, value) in [
        ("rivalry.SRB-XKX.monitorin", "\"high\""),
        ("rivalry.SRB-XKX.monitorin", "0.5"),
        ("country.XKX.status", "\"nato_member\""),
    ] {
        let overlay = write(
            d.path(),
            "p.toml",
            &format!(
                "extends = {base:?}\n[[policy]]\nid = \"x\"\nname = \"x\"\nstart = \"2026-01\"\n\
                 changes = [{{ path = \"{path}\", set = {value} }}]\n"
            ),
        );
        let o = deter()
            .args(["validate", overlay.to_str().unwrap()])
            .output()
            .unwrap();
        let want = said(&o, "policy[0].changes[0].path");
        assert_eq!(
            want.0,
            format!("`{path}` is not a parameter of this scenario")
        );
        let text = format!("{path}={}", value.trim_matches('"'));
        let o = run(&["run", &base, "--runs", "10", "--set", &text]);
        assert_eq!(said(&o, path), want, "--set {text}");
        // A sweep policy's `set`: the path, and no other fault.
        let w = write(
            d.path(),
            "w.toml",
            &format!(
                "base = {base:?}\nruns = 10\nseed = 1\ndesign = \"lhs\"\npoints = 2\n\n\
                 [[policy]]\nid = \"p\"\nset = {{ \"{path}\" = {value} }}\n\n\
                 [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
                 range = [0.5, 1.5]\n"
            ),
        );
        let o = deter()
            .args(["validate", w.to_str().unwrap()])
            .output()
            .unwrap();
        let key = format!("policy[0].set.\"{path}\"");
        assert_eq!(said(&o, &key), want, "sweep policy set");
        let err = stderr(&o);
        assert!(!err.contains("warning"), "{err}");
        assert!(err.ends_with("1 error found\n"), "{err}");
    }
}

/// A scenario (or any TOML file of a known kind) given as `--posterior` got "expected a
/// header `draw,...`" at its first table, where every command that takes a file names the
/// kind it was given ("this is a scenario file; `deter calibrate` takes a calibration file").
/// `deter run --posterior` and `deter compare --posterior` now say what the file is and what
/// the flag takes, as `deter calibrate` and `--files-from` say it, exit 2.
#[test]
fn a_file_of_another_kind_as_posterior_is_named_by_its_kind() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let cal = scenario("scenarios/history/calibrate.toml");
    // The reference: how `deter calibrate` names a scenario file it was given.
    let reference = first_error(&refused(&run(&["calibrate", &base])));
    assert!(
        reference.contains("this is a scenario file; `deter calibrate` takes"),
        "{reference}"
    );
    for (file, noun) in [(&base, "scenario"), (&cal, "calibration")] {
        for cmd in [
            vec!["run", base.as_str()],
            vec!["compare", base.as_str(), base.as_str()],
        ] {
            let mut args = cmd.clone();
            args.extend(["--posterior", file, "--draws", "2", "--runs", "5", "-q"]);
            let err = refused(&run(&args));
            // `deter compare A A` says first that it compares a file with itself.
            let first = err
                .lines()
                .find(|l| !l.starts_with("warning: A and B are the same file"))
                .unwrap_or_default();
            assert_eq!(
                first,
                format!(
                    "{file}: error: this is a {noun} file; `--posterior` takes a file of draws: a \
                     header `draw,PATH...,weight,distance` and one row per draw, as `deter \
                     calibrate` writes its posterior.csv"
                ),
                "{args:?}\n{err}"
            );
            assert!(!err.contains("expected a header"), "{err}");
        }
    }
}

/// A posterior of a header and no row got "no draw with a positive weight", as if its rows
/// had weight 0; a sweep's `futures` of the same file said the same. Both now say the file
/// has no draws (header only), at the file, with what a file of draws holds, as an empty file
/// is said.
#[test]
fn a_file_of_draws_with_only_a_header_is_said_to_have_no_draws() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let draws = write(
        d.path(),
        "draws.csv",
        "# deter calibrate: posterior draws\ndraw,model.war_cost,weight,distance\n",
    );
    let p = draws.to_str().unwrap();
    let err = refused(&run(&[
        "run",
        &base,
        "--posterior",
        p,
        "--draws",
        "2",
        "--runs",
        "5",
        "-q",
    ]));
    assert_eq!(
        err.lines().next().unwrap_or_default(),
        format!("{p}: error: the file has no draws (header only)"),
        "{err}"
    );
    assert!(
        err.contains("help: a file of draws holds a header"),
        "{err}"
    );
    assert!(!err.contains("positive weight"), "{err}");
    let s = common::futures_sweep(d.path(), "s.toml", &base, "draws.csv");
    let out = d.path().join("r.csv");
    let o = deter()
        .args(["sweep", s.to_str().unwrap(), "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = refused(&o);
    let line = err.lines().next().unwrap_or_default();
    assert!(
        line.ends_with(": error: futures: draws.csv: the file has no draws (header only)"),
        "{line}"
    );
}

/// A TOML syntax error on the header of a sub-table of an array of tables (a second
/// `[country.political]` in the second country) was named `country.political`, without the
/// index every other fault in that table carries (`country[1].political.cohesion`): the key
/// path of a header names its array-of-tables prefixes as the headers before it do.
#[test]
fn a_duplicated_sub_table_of_an_array_of_tables_is_named_with_its_index() {
    let dir = tempfile::tempdir().unwrap();
    let body = |second_political: &str| {
        format!(
            "[scenario]\nname = \"x\"\n\n\
             [[country]]\nid = \"A\"\n[country.military]\nbudget = 1\n[country.economic]\ngdp = 10\n\n\
             [[country]]\nid = \"B\"\n[country.military]\nbudget = 1\n[country.economic]\ngdp = 10\n\
             [country.political]\ncohesion = 0.5\n{second_political}\n\n\
             [[rivalry]]\nchallenger = \"A\"\ntarget = \"B\"\n"
        )
    };
    // The same table's value fault: the reader's own key path for it.
    let value = write(dir.path(), "value.toml", &body("narrative = 7"));
    let err = refused(&deter().arg("validate").arg(&value).output().unwrap());
    assert!(
        first_error(&err).contains(": error: country[1].political.narrative: "),
        "{err}"
    );
    // The header given twice: a syntax error, named with the same prefix.
    let twice = write(
        dir.path(),
        "twice.toml",
        &body("[country.political]\nnarrative = 0.2"),
    );
    for command in ["validate", "run"] {
        let err = refused(&deter().arg(command).arg(&twice).output().unwrap());
        let line = first_error(&err);
        assert!(
            line.ends_with(
                ":19:10: error: country[1].political: TOML syntax error: duplicate key `political`"
            ),
            "{command}: {err}"
        );
    }
    // In the first country: index 0. A header outside any array keeps its plain name.
    let first = write(
        dir.path(),
        "first.toml",
        "[scenario]\nname = \"x\"\n[[country]]\nid = \"A\"\n[country.military]\nbudget = 1\n\
         [country.military]\nbudget = 2\n",
    );
    let err = refused(&deter().arg("validate").arg(&first).output().unwrap());
    assert!(
        first_error(&err).contains(": error: country[0].military: TOML syntax error"),
        "{err}"
    );
    let scenario_twice = write(
        dir.path(),
        "scenario.toml",
        "[scenario]\nname = \"x\"\n[scenario]\nname = \"y\"\n",
    );
    let err = refused(
        &deter()
            .arg("validate")
            .arg(&scenario_twice)
            .output()
            .unwrap(),
    );
    assert!(
        first_error(&err)
            .contains(": error: scenario: TOML syntax error: duplicate key `scenario`"),
        "{err}"
    );
}

/// A rivalry whose target is an unknown id was reported, then once more per policy change
/// on that rivalry ("`rivalry.AAA-BBB.monitoring` is not a parameter of this scenario"),
/// errors that vanished once the id was fixed: the root cause is said once. A path to a
/// rivalry no entry could have defined is still reported; so is every path when `rivalry`
/// is no array of tables only once, at `rivalry`.
#[test]
fn a_rivalry_with_an_unknown_target_is_reported_once_not_once_per_policy_change() {
    let d = tempfile::tempdir().unwrap();
    let template =
        std::fs::read_to_string(common::root().join("src/scenario/template.toml")).unwrap();
    let changes = "\n[[policy]]\nid = \"watch\"\nstart = \"2026-01\"\nchanges = [\
                   { path = \"rivalry.AAA-BBB.dissatisfaction\", set = 0.3 }, \
                   { path = \"rivalry.AAA-BBB.monitoring\", add = 0.2 }]\n";
    let typo = template.replacen("target = \"BBB\"", "target = \"BBX\"", 1);
    assert_ne!(typo, template);
    let file = write(d.path(), "typo.toml", &format!("{typo}{changes}"));
    let o = common::run(&["validate", file.to_str().unwrap()]);
    let err = refused(&o);
    assert!(
        err.contains("rivalry[0].target: unknown country id `BBX`"),
        "{err}"
    );
    assert!(
        !err.contains("is not a parameter of this scenario"),
        "{err}"
    );
    assert!(err.ends_with("1 error found\n"), "{err}");
    // Fixed, the same file validates: the suppressed errors were consequences only.
    let fixed = write(d.path(), "fixed.toml", &format!("{template}{changes}"));
    common::succeeded(&common::run(&["validate", fixed.to_str().unwrap()]));
    // A path to a rivalry the dropped entry could not have been is still an error.
    let other = changes.replace("AAA-BBB.monitoring", "CCC-AAA.monitoring");
    let file = write(d.path(), "other.toml", &format!("{typo}{other}"));
    let err = refused(&common::run(&["validate", file.to_str().unwrap()]));
    assert!(
        err.contains("`rivalry.CCC-AAA.monitoring` is not a parameter of this scenario"),
        "{err}"
    );
    assert!(
        !err.contains("`rivalry.AAA-BBB.dissatisfaction` is not"),
        "{err}"
    );
    assert!(err.ends_with("2 errors found\n"), "{err}");
}

/// A `--posterior` column holding a `/` is a calibration's case column `CASE/PATH`, listed
/// and never set; one that only looks like one (`/model.war_cost`, `a/b/model.war_cost`,
/// `model.war_cost/`) was taken in silence as "drawn but not applied" (exit 0). Refused at
/// its header cell now, in `run` and `compare`, and so by a sweep's `futures` (which left it
/// out in silence); a well-formed case column is read as before.
#[test]
fn a_posterior_column_that_only_looks_like_a_case_column_is_refused_at_its_cell() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let post = d.path().join("post.csv");
    for bad in ["/model.war_cost", "a/b/model.war_cost", "model.war_cost/"] {
        let header = format!("draw,model.war_uncertainty,{bad},weight,distance");
        std::fs::write(&post, format!("{header}\n0,0.5,1.0,1,0\n1,0.6,1.0,1,0\n")).unwrap();
        let col = header.find(bad).unwrap() + 1;
        let want = format!(
            "{}:1:{col}: error: column `{bad}`: expected a parameter path, or a calibration's \
             case column `CASE/PATH` (one case id, one `/`, a path)",
            post.display()
        );
        for cmd in [&["run", &base][..], &["compare", &base, &base][..]] {
            let o = deter()
                .args(cmd)
                .args([
                    "--runs",
                    "5",
                    "--draws",
                    "2",
                    "-q",
                    "--no-attribution",
                    "--posterior",
                ])
                .arg(&post)
                .output()
                .unwrap();
            let err = refused(&o);
            let first = err.lines().find(|l| l.contains(": error: ")).unwrap_or("");
            assert_eq!(first, want, "{bad} {cmd:?}: {err}");
            assert!(o.stdout.is_empty(), "{bad} {cmd:?}");
        }
        // A sweep's `futures` reads the same file alike (it left the column out).
        let sweep = d.path().join("futures.toml");
        std::fs::write(
            &sweep,
            format!(
                "base = \"{base}\"\nruns = 5\nfutures = \"post.csv\"\npoints = 2\n\
                 [[policy]]\nid = \"baseline\"\n"
            ),
        )
        .unwrap();
        let o = deter().arg("validate").arg(&sweep).output().unwrap();
        let err = refused(&o);
        assert!(
            err.contains(&format!(
                "futures: post.csv:1:{col}: column `{bad}`: expected a parameter path, or a \
                 calibration's case column `CASE/PATH`"
            )),
            "{bad}: {err}"
        );
    }
    let header =
        "draw,model.war_uncertainty,serbia-kosovo/rivalry.*.opportunity_rate,weight,distance";
    std::fs::write(&post, format!("{header}\n0,0.5,1.0,1,0\n")).unwrap();
    let o = deter()
        .args([
            "run",
            &base,
            "--runs",
            "5",
            "--draws",
            "2",
            "-q",
            "--no-attribution",
            "--posterior",
        ])
        .arg(&post)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// One rule for every integer and number flag's text, TOML's for a value (as in a file):
/// blanks around it are ignored and an underscore between two digits is a digit separator.
/// `--runs ' 5'` was accepted while `--runs 1_000` was refused. Both now read as the plain
/// number (the same output); an underscore anywhere else is refused as written.
#[test]
fn integer_and_number_flags_read_toml_digit_separators_and_blanks() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let csv = |runs: &str, seed: &str, ci: Option<&str>| {
        let mut args = vec![
            "run", &base, "--runs", runs, "--seed", seed, "--format", "csv", "--quiet",
        ];
        if let Some(ci) = ci {
            args.extend(["--until-ci", ci, "--max-runs", "2_0"]);
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let plain = csv("10", "12", None);
    assert_eq!(csv("1_0", "1_2", None), plain);
    assert_eq!(csv(" 10", "12 ", None), plain);
    assert_eq!(
        csv("10", "12", Some("0.4_5")),
        csv("10", "12", Some("0.45"))
    );
    for bad in ["1__0", "_10", "10_", "1_e1"] {
        let o = run(&["run", &base, "--runs", bad, "--quiet"]);
        refused(&o);
        assert!(
            stderr(&o).starts_with(&format!(
                "--runs:1:1: error: expected an integer in [1, {}], found `{bad}`",
                deter::MAX_RUNS
            )),
            "{bad}: {}",
            stderr(&o)
        );
    }
}

/// Every number a user writes as text is read by the one rule of the integer and number flags,
/// TOML's (`runs = 1_000` in a file): a `--set` value, a cell of a posterior (`--posterior`, a
/// sweep's `futures`), of sweep results (`deter robust`, `deter discover`), a threshold's
/// value and `--shard`'s K/N. `--set model.war_cost=1_0` was refused while `--runs 1_000` was
/// taken. Each is compared with the same input written without separators (the same output),
/// and an underscore anywhere else is refused as written, at its place.
#[test]
fn every_number_written_as_text_reads_toml_digit_separators() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let ok = |args: &[&str]| {
        let o = run(args);
        succeeded_for(&o, format_args!("{args:?}"));
        o.stdout
    };
    // `--set`: an integer and a fraction.
    let set = |v: &str| {
        let s = format!("model.war_cost={v}");
        ok(&[
            "run", &base, "--runs", "20", "--set", &s, "--format", "csv", "-q",
        ])
    };
    assert_eq!(set("1_0"), set("10"));
    assert_eq!(set("0.2_5"), set("0.25"));
    let o = run(&["run", &base, "--set", "model.war_cost=1__0", "-q"]);
    refused(&o);
    assert!(
        stderr(&o).starts_with(
            "--set:1:16: error: model.war_cost: expected a number in [0, 10] (stake units), \
             found `1__0`"
        ),
        "{}",
        stderr(&o)
    );
    // A posterior's cells (the draw's id, a parameter, a weight), read by `--posterior` and
    // by a sweep's `futures`.
    let posterior = |rows: &str| {
        write(
            d.path(),
            "post.csv",
            &format!("draw,model.war_cost,weight,distance\n0,0.5,1,0\n{rows}\n"),
        )
    };
    let p = d.path().join("post.csv");
    let p = p.to_str().unwrap();
    let draws = || {
        ok(&[
            "run",
            &base,
            "--posterior",
            p,
            "--draws",
            "2",
            "--runs",
            "5",
            "--format",
            "csv",
            "-q",
        ])
    };
    let s = common::futures_sweep(d.path(), "futures.toml", &base, "post.csv");
    let out = d.path().join("futures-out.csv");
    let swept = || {
        let _ = std::fs::remove_file(&out);
        let _ = std::fs::remove_file(d.path().join("futures-out.csv.sweep"));
        succeeded(&sweep_to(&s, &out));
        std::fs::read_to_string(&out).unwrap()
    };
    posterior("10,2.50,10,0");
    let (plain, plain_sweep) = (draws(), swept());
    posterior("1_0,2.5_0,1_0,0");
    assert_eq!(draws(), plain);
    assert_eq!(swept(), plain_sweep);
    posterior("10,2.5__0,10,0");
    let o = run(&["run", &base, "--posterior", p, "--draws", "2", "-q"]);
    refused(&o);
    assert_eq!(
        fault(&stderr(&o)),
        Some((
            format!("{p}:3:4"),
            "column `model.war_cost`: expected a number in [0, 10] (stake units), found \
             `2.5__0`"
                .to_string()
        )),
        "{}",
        stderr(&o)
    );
    // Sweep results: a count of runs and a share of runs, read by `robust` and `discover`,
    // and a threshold's value.
    let results = |first: &str| {
        write(
            d.path(),
            "r.csv",
            &format!(
                "point,policy,future,x,runs,use_of_force_p,war_p\n{first}\n\
                 1,a,1,0.2,100,0.06,0.02\n2,b,0,0.3,100,0.07,0.02\n3,b,1,0.2,100,0.08,0.02\n"
            ),
        )
    };
    let r = d.path().join("r.csv");
    let r = r.to_str().unwrap();
    let read = |above: &str| {
        (
            ok(&["robust", r]),
            ok(&["discover", r, "--outcome", "use_of_force", "--above", above]),
        )
    };
    results("0,a,0,0.1,100,0.05,0.02");
    let plain = read("0.06");
    results("0,a,0,0.1,1_00,0.0_5,0.02");
    assert_eq!(read("0.0_6"), plain);
    results("0,a,0,0.1,1_00_,0.05,0.02");
    let o = run(&["robust", r]);
    refused(&o);
    assert_eq!(
        fault(&stderr(&o)),
        Some((
            format!("{r}:2:11"),
            "column `runs`: expected a positive integer (a count of runs), found 1_00_".to_string()
        )),
        "{}",
        stderr(&o)
    );
    // `--shard K/N`: shard 1 of 10 (the partial files alike but for their timing line).
    let partial = |shard: &str, name: &str| {
        let f = d.path().join(name);
        ok(&[
            "run",
            &base,
            "--runs",
            "20",
            "--shard",
            shard,
            "--out",
            f.to_str().unwrap(),
            "-q",
        ]);
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.contains("\n\"timing\":"), "{text}");
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("\"timing\":"))
            .collect();
        lines.join("\n")
    };
    assert_eq!(partial("1/1_0", "a.partial"), partial("1/10", "b.partial"));
}

/// A negative weight in a `--posterior` file was said "found `-1`", with backticks, where a
/// TOML file and `--set` say a number as it is written ("found -1"); backticks are for a
/// literal that is no usable number (`1e-400`, `ten`). Each says "found -1" now: the words
/// of the three read here are compared, not copied from the code.
#[test]
fn a_negative_number_is_found_as_written_in_a_posterior_as_in_toml_and_set() {
    let d = tempfile::tempdir().unwrap();
    let text = common::rivalries_scenario("negative", "2000-01", 2, 1);
    let toml = common::write(
        d.path(),
        "neg.toml",
        &format!("{text}\n[model]\nwar_cost = -1\n"),
    );
    let plain = common::write(d.path(), "plain.toml", &text);
    let post = common::write(
        d.path(),
        "post.csv",
        "draw,model.war_cost,weight,distance\n0,0.5,-1,0\n1,0.6,1,0\n",
    );
    let (toml, plain, post) = (
        toml.display().to_string(),
        plain.display().to_string(),
        post.display().to_string(),
    );
    for (args, expected) in [
        (vec!["validate", toml.as_str()], "war_cost"),
        (
            vec!["run", plain.as_str(), "--set", "model.war_cost=-1", "-q"],
            "war_cost",
        ),
        (
            vec![
                "run",
                plain.as_str(),
                "--posterior",
                post.as_str(),
                "--draws",
                "2",
                "--runs",
                "2",
                "-q",
            ],
            "column `weight`: expected a number >= 0",
        ),
    ] {
        let o = run(&args);
        let err = refused_for(&o, format_args!("{args:?}"));
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(err.contains(", found -1\n"), "{args:?}: {err}");
        assert!(!err.contains("`-1`"), "{args:?}: {err}");
    }
}

/// A file saved with the classic Mac OS line endings (a carriage return alone) is one line
/// to a TOML reader: it was refused at "1:39" with "carriage return must be followed by
/// newline" and no word of the line endings. The help line now says so, with the count of
/// each, and how to convert it; a stray carriage return in a file of newlines is said as
/// one. The same in every TOML file kind (a scenario, a sweep file) and command.
#[test]
fn a_file_of_carriage_returns_alone_is_said_to_have_classic_mac_line_endings() {
    let d = tempfile::tempdir().unwrap();
    let mac = |from: &str, name: &str| {
        let text = std::fs::read_to_string(root().join(from)).unwrap();
        let lines = text.matches('\n').count();
        (
            common::write(d.path(), name, &text.replace('\n', "\r")),
            lines,
        )
    };
    let (s, s_lines) = mac("scenarios/western-balkans-2024.toml", "mac.toml");
    let (w, w_lines) = mac(
        "scenarios/sweeps/kosovo-budget-x-nato.toml",
        "mac-sweep.toml",
    );
    let cases = [
        (vec!["validate", s.to_str().unwrap()], &s, s_lines),
        (
            vec!["run", s.to_str().unwrap(), "--runs", "10"],
            &s,
            s_lines,
        ),
        (vec!["sweep", w.to_str().unwrap()], &w, w_lines),
    ];
    for (args, file, crs) in cases {
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        let err = stderr(&o);
        let first = err.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("{}:1:", file.display()))
                && first.ends_with("TOML syntax error: carriage return must be followed by newline, expected newline"),
            "{args:?}: {err}"
        );
        let help = format!(
            "= help: the file ends its lines with a carriage return alone (classic Mac OS line \
             endings: {crs} of them, 0 newlines), so it reads as 1 line and its positions \
             count newlines only: save it with LF or CR LF line endings (e.g. `tr '\\r' '\\n' \
             < FILE > NEW`)"
        );
        assert!(err.contains(&help), "{args:?}: {err}");
    }
    // One stray carriage return in a file of newlines: said as one, at its line.
    let text = std::fs::read_to_string(root().join("scenarios/western-balkans-2024.toml"))
        .unwrap()
        .replacen("\n", "\r", 3)
        .replacen("\r", "\n", 2);
    let f = common::write(d.path(), "stray.toml", &text);
    let o = run(&["validate", f.to_str().unwrap()]);
    refused(&o);
    let err = stderr(&o);
    assert!(err.starts_with(&format!("{}:3:", f.display())), "{err}");
    assert!(
        err.contains("= help: a carriage return here is not followed by a newline: a line ends with LF or CR LF; remove the stray carriage return"),
        "{err}"
    );
}

/// An overlay's entry whose id misspells one of its base's (`[[country]] id = "XKV"` for
/// `XKX`) adds a new entity, and was refused only for the keys a new one lacks, with no word
/// of the id: the id it likely meant is said at it, as an unknown id anywhere else is, for
/// each kind of entry. An entry that adds a complete new entity is not questioned.
#[test]
fn an_overlay_entry_with_a_misspelt_id_of_its_base_says_the_id_meant() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/kosovo-nato-path.toml");
    for (entry, at, kind, id, meant) in [
        (
            "[[country]]\nid = \"XKV\"\n[country.military]\nbudget_share = 0.03\n",
            "3:6: error: country[0].id",
            "country",
            "XKV",
            "XKX",
        ),
        (
            "[[power]]\nid = \"USB\"\nin_theatre = 0.3\n",
            "3:6: error: power[0].id",
            "power",
            "USB",
            "USA",
        ),
        (
            "[[deployment]]\nid = \"KFRO\"\nreliability = 0.9\n",
            "3:6: error: deployment[0].id",
            "deployment",
            "KFRO",
            "KFOR",
        ),
        (
            "[[policy]]\nid = \"ksf-grwth\"\nenabled = false\n",
            "3:6: error: policy[0].id",
            "policy",
            "ksf-grwth",
            "ksf-growth",
        ),
        (
            "[[rivalry]]\nid = \"SRB-XKV\"\nbaseline_tension = 0.3\n",
            "3:6: error: rivalry[0].id",
            "rivalry",
            "SRB-XKV",
            "SRB-XKX",
        ),
    ] {
        let f = write(d.path(), "o.toml", &format!("extends = {base:?}\n{entry}"));
        let o = run(&["validate", f.to_str().unwrap()]);
        let err = refused(&o);
        assert!(
            err.contains(&format!(
                "{}:{at}: no {kind} `{id}` in the base scenario: this entry adds a new {kind}, \
                 which lacks what a new one needs",
                f.display()
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "= help: did you mean `{meant}`? (an overlay's entry with an id of its base \
                 changes that {kind})"
            )),
            "{err}"
        );
    }
    // A new alliance, complete, though its id is near the base's `NATO`: taken (an overlay
    // adds entities).
    let f = write(
        d.path(),
        "n.toml",
        &format!("extends = {base:?}\n[[alliance]]\nid = \"NATP\"\nmembers = [\"ALB\"]\n"),
    );
    let o = run(&["validate", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}
