//! Faults left over by earlier trials (trial 7) and faults a fresh user met following
//! README.md and docs/, each named after the fault's class. Expected messages are taken
//! from the command or file kind that already gets them right, not from the code under test.

use std::process::Output;

mod common;
use common::{run, scenario, stderr};

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
    let sweep = d.path().join("values.toml");
    std::fs::write(
        &sweep,
        format!(
            "base = {base:?}\nruns = 10\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1e-400]\n"
        ),
    )
    .unwrap();
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
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
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
        let s = d.path().join("futures.toml");
        std::fs::write(
            &s,
            format!("base = {base:?}\nruns = 5\npoints = 2\nfutures = \"post.csv\"\n"),
        )
        .unwrap();
        let out = d.path().join("f.csv");
        let o = run(&[
            "sweep",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
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
    assert!(o.status.success(), "{}", stderr(&o));

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
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
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
    let s = d.path().join("s.toml");
    std::fs::write(
        &s,
        format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    )
    .unwrap();
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
    assert!(o.status.success(), "{}", stderr(&o));
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
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
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

/// A small levers x futures results file (4 points of 2 policies) at `dir/r.csv`, with
/// P(use of force) from 0.05 to 0.08.
fn small_results(dir: &std::path::Path) -> String {
    let r = dir.join("r.csv");
    std::fs::write(
        &r,
        "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
         1,a,1,0.2,100,0.06,0.02\n2,b,0,0.3,100,0.07,0.02\n3,b,1,0.2,100,0.08,0.02\n",
    )
    .unwrap();
    r.to_str().unwrap().to_string()
}

/// `deter discover --boxes -1` got clap's "unexpected argument '-1' found" (and `1.5`, `ten`
/// clap's "invalid digit found in string"); every integer flag of deter says "FLAG TEXT:
/// expected an integer in [MIN, MAX]" for every fault alike, as `--runs` does, exit 2.
#[test]
fn discover_boxes_gets_the_range_message_of_every_integer_flag() {
    let d = tempfile::tempdir().unwrap();
    let r = small_results(d.path());
    let base = scenario("scenarios/western-balkans-2024.toml");
    let reference = run(&["run", &base, "--runs", "-1"]);
    assert_eq!(reference.status.code(), Some(2));
    assert!(
        stderr(&reference).starts_with("error: --runs -1: expected an integer in [1, "),
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
        assert_eq!(o.status.code(), Some(2), "{text}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            format!("error: --boxes {text}: expected an integer in [1, 100]\n"),
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
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `deter discover --step N` was checked against the peeling only when a box was peeled:
/// with no case of interest (nothing to peel) `--step 5`, `--step -1` and `--step ten` were
/// accepted silently and printed "no box". Each is refused, exit 2, saying there is no step
/// to choose and why, as a step past a peeling's end is refused.
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
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("error: --step 5: expected an integer in [0, "));
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
        assert_eq!(o.status.code(), Some(2), "{text}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            format!(
                "error: --step {text}: there is no step to choose: no box was peeled, none \
                 of the 4 points is a case of interest (use_of_force > 0.5); run without \
                 --step (in `{r}`)\n"
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
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("no case of interest: no box"));
}

/// The number flags of `deter discover` and `deter robust` read `1e-400` as 0 (`--above
/// 1e-400` selected every point with P > 0, `--where "use_of_force > 1e-400"` and
/// `--threshold use_of_force=1e-400` alike), and clap answered `--alpha -1` with "unexpected
/// argument '-1' found" and `--above ten` with "invalid float literal". Each is refused, exit
/// 2, in the form of every flag ("FLAG TEXT: expected ...") with the words the same value gets
/// in `--set` and every input file.
#[test]
fn discovers_and_robusts_number_flags_refuse_what_they_cannot_read_as_every_flag_does() {
    let d = tempfile::tempdir().unwrap();
    let r = small_results(d.path());
    let tail = "a number too small to use (it reads as 0)";
    let discover = ["discover", r.as_str(), "--outcome", "use_of_force"];
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            [&discover[..], &["--above", "1e-400"]].concat(),
            format!("--above 1e-400: expected a number, found `1e-400`, {tail}"),
        ),
        (
            vec!["discover", &r, "--where", "use_of_force > 1e-400"],
            format!("--where `use_of_force > 1e-400`: expected a number, found `1e-400`, {tail}"),
        ),
        (
            vec!["robust", &r, "--threshold", "use_of_force=1e-400"],
            format!("--threshold `use_of_force=1e-400`: expected a number, found `1e-400`, {tail}"),
        ),
        (
            [&discover[..], &["--above", "ten"]].concat(),
            "--above ten: expected a number, found `ten`".into(),
        ),
        (
            [&discover[..], &["--above", "0.06", "--alpha", "-1"]].concat(),
            "--alpha -1: expected a share in (0, 0.5)".into(),
        ),
        (
            [&discover[..], &["--above", "0.06", "--alpha", "1e-400"]].concat(),
            format!("--alpha 1e-400: expected a share in (0, 0.5), found `1e-400`, {tail}"),
        ),
        (
            [&discover[..], &["--above", "0.06", "--min-mass", "x"]].concat(),
            "--min-mass x: expected a share in (0, 1), found `x`".into(),
        ),
    ];
    for (args, said) in cases {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), format!("error: {said}\n"), "{args:?}");
    }
    // The words of `--set` for the same literal.
    let base = scenario("scenarios/western-balkans-2024.toml");
    let o = run(&["run", &base, "--set", "model.war_cost=1e-400"]);
    assert!(stderr(&o).contains(&format!("found `1e-400`, {tail}")));
    let o = run(&[&discover[..], &["--above", "0.06", "--alpha", "0.1"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
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
    let empty = d.path().join("empty.csv");
    std::fs::write(&empty, "\n  \n").unwrap();
    let e = empty.to_str().unwrap();
    let first = |o: &Output| stderr(o).lines().next().unwrap_or_default().to_string();
    let reference = run(&["validate", e]);
    assert_eq!(reference.status.code(), Some(2));
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
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(first(&o), said, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(" = help: a "),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).ends_with("1 error found\n"), "{args:?}");
    }
    let s = d.path().join("futures.toml");
    std::fs::write(
        &s,
        format!("base = {base:?}\nruns = 5\nfutures = \"empty.csv\"\n"),
    )
    .unwrap();
    let o = run(&["sweep", s.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
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
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
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
