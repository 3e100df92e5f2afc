//! Faults a fresh user's trial (break7) found, each with the reader that already got it right
//! as the reference: the expected words come from `--set`, not from the code under test.

use std::process::Output;

mod common;
use common::{deter, scenario};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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
    assert_eq!(o.status.code(), Some(2));
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
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.lines().next() == Some(at.as_str()),
            "{args:?}: expected `{at}`, got:\n{err}"
        );
        assert!(err.contains(&help), "{args:?}: no `{help}` in:\n{err}");
        assert!(!out.exists(), "{args:?}: an output was written");
    }
}
