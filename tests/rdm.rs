//! `deter discover` and `deter robust` end to end: scenario discovery on a results file with
//! a known region of interest, the robustness table recomputed by hand, and bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

fn deter() -> Command {
    Command::cargo_bin("deter").expect("the binary is built")
}

/// A results file of 1,000 points over five parameters in [0, 1] (a fixed low-discrepancy
/// sequence, no randomness): `use_of_force_p` is 0.3 inside the box a in [0.2, 0.6],
/// c in [0.5, 1] and 0.1 outside, plus a small deterministic wobble.
fn synthetic(dir: &Path) -> (PathBuf, usize) {
    let mut text =
        String::from("point,a,b,c,d,e,runs,use_of_force_p,use_of_force_lo,use_of_force_hi\n");
    // Additive recurrence with the golden-ratio generalisation (Roberts 2018's R_d).
    let g = 1.1673039782614187_f64; // root of x^6 = x + 1
    let alpha: Vec<f64> = (1..=5).map(|j| 1.0 / g.powi(j)).collect();
    let mut cases = 0;
    for k in 0..1000u32 {
        let x: Vec<f64> = alpha
            .iter()
            .map(|a| (0.5 + a * f64::from(k + 1)).fract())
            .collect();
        let inside = (0.2..=0.6).contains(&x[0]) && (0.5..=1.0).contains(&x[2]);
        cases += usize::from(inside);
        let y = if inside { 0.3 } else { 0.1 } + 0.01 * (f64::from(k) * 0.7).sin();
        text.push_str(&format!(
            "{k},{},{},{},{},{},100,{y},0,1\n",
            x[0], x[1], x[2], x[3], x[4]
        ));
    }
    let path = dir.join("synthetic.csv");
    std::fs::write(&path, text).unwrap();
    (path, cases)
}

#[test]
fn discover_prints_the_known_box_and_writes_the_tradeoff_chart() {
    let dir = tempfile::tempdir().unwrap();
    let (results, cases) = synthetic(dir.path());
    let html = dir.path().join("prim.html");
    let out = deter()
        .arg("discover")
        .arg(&results)
        .args([
            "--outcome",
            "use_of_force",
            "--above",
            "0.2",
            "--boxes",
            "1",
        ])
        .arg("--report")
        .arg(&html)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let want = format!("use_of_force > 0.2: {cases} of 1000 points");
    assert!(text.contains(&want), "{text}");
    // The box restricts a and c only, close to the true limits.
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("parameter"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    let limits = |name: &str| -> (f64, f64) {
        let r = rows.iter().find(|r| r[0] == name).expect(name);
        (r[1].parse().unwrap(), r[2].parse().unwrap())
    };
    let (lo, hi) = limits("a");
    assert!((lo - 0.2).abs() < 0.02 && (hi - 0.6).abs() < 0.02, "{text}");
    let (lo, hi) = limits("c");
    assert!((lo - 0.5).abs() < 0.02 && hi > 0.98, "{text}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg") && page.contains("Box 1"));
    // Deterministic: the same text twice.
    deter()
        .arg("discover")
        .arg(&results)
        .args([
            "--outcome",
            "use_of_force",
            "--above",
            "0.2",
            "--boxes",
            "1",
        ])
        .assert()
        .success()
        .stdout(text);
}

#[test]
fn an_unknown_outcome_is_bad_input_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (results, _) = synthetic(dir.path());
    deter()
        .arg("discover")
        .arg(&results)
        .args(["--outcome", "use_of_forse", "--above", "0.2"])
        .assert()
        .code(2)
        .stderr(contains("--outcome: `use_of_forse` is not an outcome"))
        .stderr(contains("did you mean `use_of_force`?"));
    deter()
        .arg("discover")
        .arg(&results)
        .args(["--where", "regret_use_of_force > 0.1"])
        .assert()
        .code(2)
        .stderr(contains(
            "--where: `regret_use_of_force`: regret needs a levers x futures",
        ));
    deter()
        .arg("discover")
        .arg(&results)
        .args(["--where", "use_of_force = 0.1"])
        .assert()
        .code(2)
        .stderr(contains("--where"));
    deter()
        .arg("discover")
        .arg(&results)
        .args(["--outcome", "use_of_force"])
        .assert()
        .code(2);
    deter()
        .arg("discover")
        .arg(&results)
        .args([
            "--outcome",
            "use_of_force",
            "--above",
            "0.2",
            "--inputs",
            "a,bb",
        ])
        .assert()
        .code(2)
        .stderr(contains("--inputs: `bb` is not a parameter column"));
    deter()
        .arg("discover")
        .arg(dir.path().join("missing.csv"))
        .args(["--outcome", "use_of_force", "--above", "0.2"])
        .assert()
        .code(2);
}

/// Three policies x four futures; use_of_force values as in the unit test of the regret
/// arithmetic, rows in future-major order to check the grouping.
const LXF: &str = "point,policy,future,u,runs,use_of_force_p,use_of_force_lo,use_of_force_hi
0,A,0,0.1,100,0.10,0,1
1,B,0,0.1,100,0.15,0,1
2,C,0,0.1,100,0.05,0,1
3,A,1,0.4,100,0.20,0,1
4,B,1,0.4,100,0.15,0,1
5,C,1,0.4,100,0.30,0,1
6,A,2,0.6,100,0.30,0,1
7,B,2,0.6,100,0.15,0,1
8,C,2,0.6,100,0.10,0,1
9,A,3,0.9,100,0.40,0,1
10,B,3,0.9,100,0.15,0,1
11,C,3,0.9,100,0.50,0,1
";

#[test]
fn robust_ranks_by_maximum_regret_and_saves_beside_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("lxf.csv");
    std::fs::write(&results, LXF).unwrap();
    deter()
        .arg("robust")
        .arg(&results)
        .args(["--threshold", "use_of_force=0.2"])
        .assert()
        .success()
        .stdout(contains("3 policies across 4 futures"));
    let csv = std::fs::read_to_string(dir.path().join("lxf.robustness.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // B (max regret 0.10), A (0.25), C (0.35); satisficing at <= 0.2: 1, 0.5, 0.5.
    let order: Vec<&str> = rows.iter().map(|r| r[2]).collect();
    assert_eq!(order, ["B", "A", "C"]);
    let f = |s: &str| s.parse::<f64>().unwrap();
    assert!((f(rows[0][7]) - 0.10).abs() < 1e-12);
    assert!((f(rows[1][7]) - 0.25).abs() < 1e-12);
    assert!((f(rows[2][7]) - 0.35).abs() < 1e-12);
    assert_eq!((rows[0][10], rows[1][10], rows[2][10]), ("1", "0.5", "0.5"));
    // Regret as a discovery outcome: C's regret is large in futures with u >= 0.4.
    deter()
        .arg("discover")
        .arg(&results)
        .args(["--where", "regret_use_of_force > 0.1", "--policy", "C"])
        .assert()
        .success()
        .stdout(contains("under policy `C`: 2 of 4 points"));
    deter()
        .arg("discover")
        .arg(&results)
        .args(["--where", "regret_use_of_force > 0.1", "--policy", "c"])
        .assert()
        .code(2)
        .stderr(contains("--policy: `c` is not a policy"));
    deter()
        .arg("robust")
        .arg(&results)
        .args(["--threshold", "use_of_forse=0.2"])
        .assert()
        .code(2)
        .stderr(contains("--threshold: `use_of_forse`"))
        .stderr(contains("did you mean `use_of_force`?"));
}
