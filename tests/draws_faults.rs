//! A file of draws (a posterior, a sweep's `futures`) with several faults reports every one,
//! as a scenario file does: each faulty row and cell at its `FILE:LINE:COL`, every unknown
//! column, every value out of range; a long run of faults is cut after the first ten with
//! the count of the others. The expected locations are recomputed here from the file's text
//! (the line, the 1-based character column of the cell), not read from deter.

mod common;
use common::{refused, root, run, write};

const BASELINE: &str = "scenarios/western-balkans-2024.toml";

fn baseline() -> String {
    root().join(BASELINE).display().to_string()
}

/// The `FILE:LINE:COL` of cell `col` (0-based) of line `line` (1-based) of `text`: the
/// column is the cell's first character after its leading blanks, counted from 1.
fn cell_at(file: &str, text: &str, line: usize, col: usize) -> String {
    let l = text.lines().nth(line - 1).unwrap();
    let before: usize = l.split(',').take(col).map(|c| c.chars().count() + 1).sum();
    let cell = l.split(',').nth(col).unwrap();
    let blanks = cell.chars().take_while(|c| c.is_whitespace()).count();
    format!("{file}:{line}:{}", before + blanks + 1)
}

/// The located headers ("LOC: error: ...") of a refusal, in the order printed.
fn located_errors(err: &str) -> Vec<String> {
    err.lines()
        .filter(|l| l.contains(": error: "))
        .map(|l| l.split(": error: ").next().unwrap().to_string())
        .collect()
}

/// Five faulty rows: a word for a number (line 2), a negative weight (3), a short row (4), a
/// draw given twice whose first row is itself at fault (5), two faulty cells in one row (6);
/// line 7 is sound. Every fault is reported, in the order of the file.
const FAULTY: &str = "draw,model.war_cost,weight\n1,abc,1\n2,3,-1\n3,4\n1,5,1\n4,x,y\n5,1,1\n";

fn faulty_locations(file: &str) -> Vec<String> {
    vec![
        cell_at(file, FAULTY, 2, 1),
        cell_at(file, FAULTY, 3, 2),
        format!("{file}:4:1"),
        cell_at(file, FAULTY, 5, 0),
        cell_at(file, FAULTY, 6, 1),
        cell_at(file, FAULTY, 6, 2),
    ]
}

#[test]
fn a_posterior_with_several_faulty_rows_reports_every_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = write(d, "d.csv", FAULTY);
    let file = p.display().to_string();
    let err = refused(&run(&[
        "run",
        &baseline(),
        "--posterior",
        &file,
        "--runs",
        "10",
    ]));
    assert_eq!(located_errors(&err), faulty_locations(&file), "{err}");
    assert!(
        err.contains("draw 1 appears twice (first on line 2)"),
        "{err}"
    );
    assert!(err.trim_end().ends_with("6 errors found"), "{err}");
    // The library's reader gives the same faults.
    match deter::read_posterior(&p) {
        Err(deter::Error::Input(ds)) => {
            let at: Vec<String> = ds
                .in_file_order()
                .iter()
                .map(|d| format!("{}:{}:{}", d.file, d.line, d.col))
                .collect();
            assert_eq!(at, faulty_locations(&file));
        }
        other => panic!("expected the file's faults, got {other:?}"),
    }
}

/// The same file as a sweep's `futures`: each fault under the `futures` key, in the file's
/// words and at its place in the file of draws.
#[test]
fn a_sweeps_futures_file_with_several_faults_reports_every_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "d.csv", FAULTY);
    let sweep = common::futures_sweep(d, "s.toml", &baseline(), "d.csv");
    let err = refused(&run(&["validate", sweep.to_str().unwrap()]));
    let inner: Vec<String> = err
        .lines()
        .filter_map(|l| l.split(": error: futures: ").nth(1))
        .map(|rest| rest.splitn(4, ':').take(3).collect::<Vec<_>>().join(":"))
        .collect();
    assert_eq!(inner, faulty_locations("d.csv"), "{err}");
}

/// Thirty rows with a word for a number: the first ten are shown, then the eleventh's place
/// with the count of the twenty not shown and the last line at fault.
#[test]
fn a_long_run_of_faulty_rows_shows_ten_and_counts_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut text = String::from("draw,model.war_cost,weight\n");
    for i in 0..30 {
        text.push_str(&format!("{i},w{i},1\n"));
    }
    let p = write(d, "e.csv", &text);
    let file = p.display().to_string();
    let err = refused(&run(&[
        "run",
        &baseline(),
        "--posterior",
        &file,
        "--runs",
        "10",
    ]));
    let expected: Vec<String> = (2..=12)
        .map(|line| cell_at(&file, &text, line, 1))
        .collect();
    assert_eq!(located_errors(&err), expected, "{err}");
    assert!(
        err.contains(&format!(
            "{}: error: 20 more faults from here to line 31, not shown (30 in all)",
            expected[10]
        )),
        "{err}"
    );
    assert!(!err.contains("`w11`"), "{err}");
    // The footer counts the faults, the twenty not shown among them, not the lines printed.
    assert!(err.trim_end().ends_with("30 errors found"), "{err}");
}

/// Two unknown columns (a misspelt parameter, a misspelt `weight`) are both refused at their
/// header cells with their did-you-means; two values out of range both at their cells.
#[test]
fn every_unknown_column_and_every_value_out_of_range_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let unknown = "draw,model.war_cots,weigth,model.war_cost\n1,1,1,1\n";
    let p = write(d, "u.csv", unknown);
    let file = p.display().to_string();
    let err = refused(&run(&[
        "run",
        &baseline(),
        "--posterior",
        &file,
        "--runs",
        "10",
    ]));
    assert_eq!(
        located_errors(&err),
        vec![cell_at(&file, unknown, 1, 1), cell_at(&file, unknown, 1, 2)],
        "{err}"
    );
    assert!(err.contains("did you mean `model.war_cost`?"), "{err}");
    assert!(err.contains("did you mean `weight`?"), "{err}");

    let ranged = "draw,model.war_cost\n1,11\n2,1\n3,12\n";
    let p = write(d, "r.csv", ranged);
    let file = p.display().to_string();
    for args in [
        vec!["run", &baseline(), "--posterior", &file, "--runs", "10"],
        vec![
            "compare",
            &baseline(),
            &baseline(),
            "--posterior",
            &file,
            "--runs",
            "10",
        ],
    ] {
        let err = refused(&run(&args));
        assert_eq!(
            located_errors(&err),
            vec![cell_at(&file, ranged, 2, 1), cell_at(&file, ranged, 4, 1)],
            "{args:?}: {err}"
        );
    }
}
