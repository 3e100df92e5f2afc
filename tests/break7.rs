//! Faults a fresh user's trial (break7) found, each with the reader that already got it right
//! as the reference: the expected words come from `--set`, not from the code under test.

use std::process::Output;

mod common;
use common::{deter, scenario, stderr};

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
        assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
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
        let f = d.path().join("s.toml");
        std::fs::write(
            &f,
            text.replacen(
                "\n[model]\n",
                &format!("\n[model]\nfait_accompli = {literal}\n"),
                1,
            ),
        )
        .unwrap();
        let o = deter()
            .args(["validate", f.to_str().unwrap()])
            .output()
            .unwrap();
        let want = problem(&o, "model.fait_accompli");
        assert!(want.starts_with("expected a number in [0, 1]"), "{want}");
        let key = "set.\"model.fait_accompli\"";
        // A calibration's `set`.
        let c = d.path().join("c.toml");
        std::fs::write(
            &c,
            format!(
                "seed = 5\nparticles = 20\nmax_generations = 2\npredictive_draws = 5\n\
                 statistics = [\"war\"]\ncases = [\"{}\"]\n\
                 set = {{ \"model.fait_accompli\" = {literal} }}\n\n[[parameter]]\n\
                 path = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
                history.join("serbia-kosovo.record.toml").display()
            ),
        )
        .unwrap();
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
        let w = d.path().join("w.toml");
        std::fs::write(
            &w,
            format!(
                "base = {base:?}\nruns = 10\nseed = 1\ndesign = \"lhs\"\npoints = 2\n\n\
                 [[policy]]\nid = \"p\"\nset = {{ \"model.fait_accompli\" = {literal} }}\n\n\
                 [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
                 range = [0.5, 1.5]\n"
            ),
        )
        .unwrap();
        let o = deter()
            .args(["validate", w.to_str().unwrap()])
            .output()
            .unwrap();
        let got = problem(&o, &format!("policy[0].{key}"));
        assert_eq!(got, want, "sweep policy set, {literal}");
    }
}
