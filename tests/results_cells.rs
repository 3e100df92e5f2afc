//! Cells of the CSV files deter reads and writes: every cell of a results file's parameter
//! columns must read as a number (`deter discover` dropped a column with one bad cell and
//! its PRIM boxes changed), a ragged row or a file of another kind is reported at
//! `FILE:LINE:COL` like every other fault, and no cell deter writes reads as missing in pandas
//! or R (a scenario file named `NA`, a sweep policy `id = "NA"`).

mod common;

use std::path::{Path, PathBuf};

use common::{refused, refused_for, run, stderr, succeeded, write};

/// A sweep's results: parameters `a` and `b`, 40 points, `use_of_force_p` high exactly
/// where `a > 0.5` (so PRIM restricts `a`). Rows as `deter sweep` writes them: every estimate
/// a count out of `runs` with its Wilson interval is not needed by discover.
fn results_text() -> String {
    let mut text =
        String::from("point,a,b,runs,use_of_force_p,use_of_force_mc95_lo,use_of_force_mc95_hi\n");
    for k in 0..40u32 {
        let a = f64::from(k) / 40.0;
        let b = f64::from((k * 7) % 40) / 40.0;
        let p = if a > 0.5 { 0.3 } else { 0.05 };
        text.push_str(&format!("{k},{a},{b},100,{p},0,1\n"));
    }
    text
}

/// `text` with the cell of column `col` on line `line` (1-based; line 1 is the header)
/// replaced by `cell`.
fn with_cell(text: &str, line: usize, col: usize, cell: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[col] = cell;
                cells.join(",") + "\n"
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// The 1-based column (in characters) where cell `col` of `line` starts.
fn column_of(line: &str, col: usize) -> usize {
    line.split(',')
        .take(col)
        .map(|c| c.len() + 1)
        .sum::<usize>()
        + 1
}

#[test]
fn a_bad_cell_in_a_parameter_column_is_refused_at_its_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let good = results_text();
    let ok = write(d.path(), "good.csv", &good);
    let discover = |f: &Path, more: &[&str]| {
        let mut args = vec![
            "discover",
            f.to_str().unwrap(),
            "--outcome",
            "use_of_force",
            "--above",
            "0.1",
        ];
        args.extend(more);
        run(&args)
    };
    let o = discover(&ok, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("a"),
        "the clean file is analysed"
    );
    // The outcome column's fault, as the reference wording and layout.
    let bad_outcome = write(d.path(), "bad-outcome.csv", &with_cell(&good, 9, 4, "abc"));
    let o = discover(&bad_outcome, &[]);
    refused(&o);
    let line9 = with_cell(&good, 9, 4, "abc")
        .lines()
        .nth(8)
        .unwrap()
        .to_string();
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        format!(
            "{}:9:{}: error: column `use_of_force_p`: expected a number, found `abc`",
            bad_outcome.display(),
            column_of(&line9, 4)
        )
    );
    // The same fault in a parameter column, written as text or left blank: the same form,
    // exit 2, for discover (with and without --inputs naming it) and robust alike.
    for (cell, found) in [("abc", "found `abc`"), ("", "found nothing")] {
        let text = with_cell(&good, 9, 1, cell);
        let f = write(d.path(), "bad-param.csv", &text);
        let line9 = text.lines().nth(8).unwrap();
        let want = format!(
            "{}:9:{}: error: column `a`: expected a number, {found}",
            f.display(),
            column_of(line9, 1)
        );
        for o in [
            discover(&f, &[]),
            discover(&f, &["--inputs", "a,b"]),
            run(&["robust", f.to_str().unwrap()]),
        ] {
            refused_for(&o, format_args!("{cell:?}"));
            assert_eq!(stderr(&o).lines().next().unwrap(), want, "{}", stderr(&o));
            assert!(o.stdout.is_empty(), "no boxes from a file with a bad cell");
        }
    }
}

#[test]
fn a_ragged_row_is_reported_at_its_line_in_the_csv_readers_words() {
    let d = tempfile::tempdir().unwrap();
    let mut text: String = results_text()
        .lines()
        .take(11)
        .map(|l| format!("{l}\n"))
        .collect();
    text.push_str("10,0.25,3\n");
    let f = write(d.path(), "ragged.csv", &text);
    for args in [
        vec!["robust", f.to_str().unwrap()],
        vec![
            "discover",
            f.to_str().unwrap(),
            "--outcome",
            "use_of_force",
            "--above",
            "0.1",
        ],
    ] {
        let o = run(&args);
        refused(&o);
        let e = stderr(&o);
        assert_eq!(
            e.lines().next().unwrap(),
            format!("{}:12:1: error: 3 cells, the header has 7", f.display()),
            "{e}"
        );
        // The line itself is shown, not the csv crate's three numberings of it.
        assert!(e.contains("10,0.25,3"), "{e}");
        assert!(!e.contains("record 10") && !e.contains("byte:"), "{e}");
    }
}

#[test]
fn merge_of_a_file_that_is_not_json_is_located_at_its_first_character() {
    let d = tempfile::tempdir().unwrap();
    // A TOML file of no kind deter reads (a scenario is said as what it is).
    let f = write(d.path(), "my.toml", "[settings]\nname = \"x\"\n");
    let o = run(&["merge", f.to_str().unwrap()]);
    refused(&o);
    let e = stderr(&o);
    assert_eq!(
        e.lines().next().unwrap(),
        format!(
            "{}:1:1: error: not a deter partial file: expected a JSON object (`{{`), found `[`",
            f.display()
        ),
        "{e}"
    );
    assert!(!e.contains("at line 1 column 1"), "{e}");
}

/// A small scenario (the template), written as `name` in `dir`.
fn template(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    let o = common::deter()
        .current_dir(dir)
        .args(["init", name])
        .output()
        .unwrap();
    succeeded(&o);
    p
}

#[test]
fn a_file_path_that_reads_as_missing_is_written_so_that_it_does_not() {
    let d = tempfile::tempdir().unwrap();
    for name in ["NA", "nan", "None", "NULL"] {
        template(d.path(), name);
        let o = common::deter()
            .current_dir(d.path())
            .args(["run", name, "--runs", "10", "--format", "csv", "--quiet"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let mut r = csv::Reader::from_reader(o.stdout.as_slice());
        assert_eq!(r.headers().unwrap().get(0), Some("file"));
        let mut rows = 0;
        for rec in r.records() {
            let rec = rec.unwrap();
            // `./NA` is the same file, and no reader takes it for a missing value.
            assert_eq!(rec.get(0), Some(format!("./{name}").as_str()));
            rows += 1;
        }
        assert!(rows > 100, "{rows} rows");
        // The comparison's `A vs B` key, too.
        let o = common::deter()
            .current_dir(d.path())
            .args([
                "compare", name, name, "--runs", "10", "--format", "csv", "--quiet",
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let text = String::from_utf8_lossy(&o.stdout);
        let second = text.lines().nth(1).unwrap();
        assert!(
            second.starts_with(&format!("./{name} vs ./{name},")),
            "{second}"
        );
    }
    // A path that does not read as missing is written as given.
    template(d.path(), "NAB");
    let o = common::deter()
        .current_dir(d.path())
        .args(["run", "NAB", "--runs", "10", "--format", "csv", "--quiet"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.lines().nth(1).unwrap().starts_with("NAB,"), "{text}");
}

#[test]
fn a_sweep_policy_id_that_reads_as_missing_is_refused_as_a_scenario_id_is() {
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    // The scenario id's message, the reference.
    let scenario_text =
        std::fs::read_to_string(&base)
            .unwrap()
            .replacen("id = \"SRB\"", "id = \"NA\"", 1);
    let s = write(d.path(), "s.toml", &scenario_text);
    let o = run(&["validate", s.to_str().unwrap()]);
    refused(&o);
    let scenario_msg = stderr(&o)
        .lines()
        .find(|l| l.contains("invalid id `NA`"))
        .map(|l| l.split_once("invalid id").unwrap().1.to_string())
        .expect("the scenario id is refused");
    for word in ["NA", "nan", "None", "NULL", "N/A", "null"] {
        let sweep = format!(
            "base = \"{base}\"\nruns = 10\nseed = 1\ndesign = \"grid\"\n\
             [[policy]]\nid = \"baseline\"\n[[policy]]\nid = \"{word}\"\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.0]\n"
        );
        let f = write(d.path(), "lxf.toml", &sweep);
        let out = d.path().join("lxf.csv");
        let o = run(&["sweep", f.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        refused_for(&o, format_args!("{word}"));
        let e = stderr(&o);
        if word == "N/A" {
            // `/` is not a character of a policy id in the first place.
            assert!(e.contains("policy[1].id"), "{e}");
        } else {
            let line = e
                .lines()
                .find(|l| l.contains("policy[1].id"))
                .unwrap_or_else(|| panic!("{word}: {e}"));
            assert!(
                line.ends_with(&format!(
                    "invalid id `{word}`{}",
                    scenario_msg.trim_start_matches(" `NA`")
                )),
                "{line} / {scenario_msg}"
            );
        }
        assert!(!out.exists(), "nothing written");
    }
}

/// A levers x futures results file whose `policy` or `future` cell is empty, or a word pandas
/// and R read as missing, is refused at that cell by `robust` and `discover` alike (exit 2):
/// a sweep writes both in every row, and a policy id cannot be such a word. Read as a name,
/// `discover` counted a policy `` (or `NA`) among the policies without a word, and `robust`
/// said another policy "has no row for future 1" at that policy's first row, not at the
/// damaged one.
#[test]
fn an_empty_or_missing_policy_or_future_cell_is_refused_at_that_cell() {
    let d = tempfile::tempdir().unwrap();
    let mut good = String::from("point,policy,future,a,runs,use_of_force_p,war_p\n");
    let mut point = 0;
    for policy in ["baseline", "envoy"] {
        for future in 0..6u32 {
            let a = f64::from(future) / 6.0;
            let p = if a > 0.4 { 0.3 } else { 0.05 };
            good.push_str(&format!("{point},{policy},{future},{a},100,{p},0.01\n"));
            point += 1;
        }
    }
    let ok = write(d.path(), "good.csv", &good);
    let discover = |f: &Path| {
        run(&[
            "discover",
            f.to_str().unwrap(),
            "--outcome",
            "use_of_force",
            "--above",
            "0.1",
        ])
    };
    let o = discover(&ok);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("all 2 policies"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = run(&[
        "robust",
        ok.to_str().unwrap(),
        "--out",
        d.path().join("r.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Line 9 is envoy's future 1 (line 1 the header, lines 2-7 the baseline's futures).
    for (col, name, cell, want) in [
        (1, "policy", "", "expected a policy id, found nothing"),
        (
            1,
            "policy",
            "NA",
            "expected a policy id, found `NA`, which pandas and R read as a missing value",
        ),
        (2, "future", "", "expected a future's number, found nothing"),
        (
            2,
            "future",
            "nan",
            "expected a future's number, found `nan`, which pandas and R read as a missing value",
        ),
    ] {
        let text = with_cell(&good, 9, col, cell);
        let f = write(d.path(), "bad.csv", &text);
        let line9 = text.lines().nth(8).unwrap();
        let at = format!(
            "{}:9:{}: error: column `{name}`: {want}",
            f.display(),
            column_of(line9, col)
        );
        for o in [
            discover(&f),
            run(&[
                "robust",
                f.to_str().unwrap(),
                "--out",
                d.path().join("r.csv").to_str().unwrap(),
            ]),
        ] {
            let err = refused_for(&o, format_args!("{name} {cell:?}"));
            assert_eq!(err.lines().next().unwrap(), at, "{err}");
            assert!(o.stdout.is_empty(), "no table from a damaged file");
        }
    }
}
