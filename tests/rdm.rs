//! `deter discover` and `deter robust` end to end: scenario discovery on a results file with
//! a known region of interest, the robustness table recomputed by hand, and bad input.

use std::path::{Path, PathBuf};

use predicates::str::contains;

mod common;
use common::{deter, refused, refused_for, stdout, succeeded, write};

/// A results file of 1,000 points over five parameters in [0, 1] (a fixed low-discrepancy
/// sequence, no randomness): `use_of_force_p` is 0.3 inside the box a in [0.2, 0.6],
/// c in [0.5, 1] and 0.1 outside, plus a small deterministic wobble.
fn synthetic(dir: &Path) -> (PathBuf, usize) {
    let mut text = String::from(
        "point,a,b,c,d,e,runs,use_of_force_p,use_of_force_mc95_lo,use_of_force_mc95_hi\n",
    );
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
    let path = write(dir, "synthetic.csv", &text);
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
    let want = format!("use_of_force > 0.2: {cases} of 1,000 points");
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
    // The quasi-p column is explained where it is printed: what, why quasi, the source.
    for out in [&text, &page] {
        for words in [
            "quasi-p: for each restricted parameter, the binomial probability",
            "not a significance test",
            "Bryant &",
            "EMA Workbench",
        ] {
            assert!(out.contains(words), "{words}: {out}");
        }
    }
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
        .stderr(contains(
            "--outcome:1:1: error: `use_of_forse` is not an outcome",
        ))
        .stderr(contains("did you mean `use_of_force`?"));
    deter()
        .arg("discover")
        .arg(&results)
        .args(["--where", "regret_use_of_force > 0.1"])
        .assert()
        .code(2)
        .stderr(contains(
            "--where:1:1: error: `regret_use_of_force`: regret needs a levers x futures",
        ))
        .stderr(contains("1 | regret_use_of_force > 0.1"))
        .stderr(contains("1 error found"));
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
        .stderr(contains("`bb` is not a parameter column"));
    deter()
        .arg("discover")
        .arg(dir.path().join("missing.csv"))
        .args(["--outcome", "use_of_force", "--above", "0.2"])
        .assert()
        .code(2);
}

/// A threshold outside [0, 1] on a probability selects every point or none: `--above 2`
/// and `--below -1` were accepted and printed "no case of interest" or a box of everything.
/// Refused in the form of `--set`'s (`FLAG:1:COL: error: COLUMN: expected ...`), exit 2; a column that is not a probability
/// keeps any finite threshold, and 0 and 1 stay accepted.
#[test]
fn discover_refuses_a_probability_threshold_outside_0_1() {
    let dir = tempfile::tempdir().unwrap();
    let (results, _) = synthetic(dir.path());
    let cases: [(&[&str], &str); 5] = [
        (
            &["--outcome", "use_of_force", "--above", "2"],
            "--above:1:1: error: use_of_force: expected a number in [0, 1] (`use_of_force` is a probability",
        ),
        (
            &["--outcome", "use_of_force", "--below", "-1"],
            "--below:1:1: error: use_of_force: expected a number in [0, 1]",
        ),
        (
            &["--outcome", "use_of_force_mc95_hi", "--above", "1.5"],
            "--above:1:1: error: use_of_force_mc95_hi: expected a number in [0, 1]",
        ),
        (
            &["--where", "use_of_force_p > 2"],
            "--where:1:18: error: use_of_force_p: expected a number in [0, 1]",
        ),
        (
            &["--where", "regret_use_of_force >= -0.5"],
            "--where:1:24: error: regret_use_of_force: expected a number in [0, 1]",
        ),
    ];
    for (args, want) in cases {
        deter()
            .arg("discover")
            .arg(&results)
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(want));
    }
    for args in [
        &["--outcome", "use_of_force", "--above", "0"][..],
        &["--outcome", "use_of_force", "--below", "1"][..],
    ] {
        deter()
            .arg("discover")
            .arg(&results)
            .args(args)
            .assert()
            .success();
    }
}

/// Three policies x four futures; use_of_force values as in the unit test of the regret
/// arithmetic, rows in future-major order to check the grouping.
const LXF: &str =
    "point,policy,future,u,runs,use_of_force_p,use_of_force_mc95_lo,use_of_force_mc95_hi
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
    let results = write(dir.path(), "lxf.csv", LXF);
    let page = dir.path().join("robust.html");
    deter()
        .arg("robust")
        .arg(&results)
        .args(["--threshold", "use_of_force=0.2", "--report"])
        .arg(&page)
        .assert()
        .success()
        .stdout(contains("3 policies across 4 futures"));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<svg")
            && html.contains("regret, use_of_force")
            && html.contains("use of force (MID &gt;= 4) (lower is better)"),
        "{html}"
    );
    assert!(
        html.contains("<td>B</td><td class=\"n\">15.0%</td>"),
        "{html}"
    );
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
    // Without float noise (`0.35` printed as `0.35000000000000003`): 12 significant digits.
    assert_eq!(
        (rows[0][7], rows[1][7], rows[2][7]),
        ("0.1", "0.25", "0.35")
    );
    for cell in rows.iter().flat_map(|r| r[4..9].iter()) {
        let digits = cell.trim_start_matches(['-', '0', '.']).replace('.', "");
        assert!(digits.len() <= 12, "float noise in `{cell}`: {csv}");
    }
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
        .stderr(contains("`c` is not a policy"));
    deter()
        .arg("robust")
        .arg(&results)
        .args(["--threshold", "use_of_forse=0.2"])
        .assert()
        .code(2)
        .stderr(contains("--threshold:1:1: error: `use_of_forse`"))
        .stderr(contains("did you mean `use_of_force`?"));
}

/// The LXF rows as `values[policy][future]` for policies in first-seen order.
fn lxf_values(text: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut names: Vec<String> = Vec::new();
    let mut values: Vec<Vec<f64>> = Vec::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let p = names.iter().position(|n| n == c[1]).unwrap_or_else(|| {
            names.push(c[1].to_string());
            values.push(vec![0.0; 4]);
            names.len() - 1
        });
        values[p][c[2].parse::<usize>().unwrap()] = c[5].parse().unwrap();
    }
    (names, values)
}

/// Percentages where the reader expects them (probabilities as % of runs, regret in
/// percentage points) and the status quo shown for reference, not ranked: every number
/// recomputed here from the rows.
#[test]
fn robust_prints_percentages_and_shows_the_status_quo_unranked() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("lxf.csv");
    let text = LXF.replace(",A,", ",baseline,");
    std::fs::write(&results, &text).unwrap();
    let (names, v) = lxf_values(&text);
    let best: Vec<f64> = (0..4)
        .map(|f| v.iter().map(|row| row[f]).fold(f64::INFINITY, f64::min))
        .collect();
    let mean = |p: usize| v[p].iter().sum::<f64>() / 4.0;
    let max_regret = |p: usize| (0..4).map(|f| v[p][f] - best[f]).fold(0.0, f64::max);
    let run = |extra: &[&str]| {
        let out = deter()
            .arg("robust")
            .arg(&results)
            .args(["--threshold", "use_of_force=0.2"])
            .args(extra)
            .output()
            .unwrap();
        succeeded(&out);
        let table = String::from_utf8(out.stdout).unwrap();
        let csv = std::fs::read_to_string(dir.path().join("lxf.robustness.csv")).unwrap();
        (table, csv)
    };
    // The expected order: by maximum regret among the policies other than the status quo.
    let sq = names.iter().position(|n| n == "baseline").unwrap();
    let mut ranked: Vec<usize> = (0..names.len()).filter(|&p| p != sq).collect();
    ranked.sort_by(|&a, &b| max_regret(a).total_cmp(&max_regret(b)));
    let (table, csv) = run(&[]);
    assert!(
        table.contains("Robustness of 2 policies and the status quo across 4 futures"),
        "{table}"
    );
    assert!(table.contains("Status quo `baseline`"), "{table}");
    assert!(table.contains("<=20.0%"), "{table}");
    let lines: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("use of force"))
        .skip(2)
        .take(3)
        .collect();
    let order: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (c[0], c[1])
        })
        .collect();
    let mut expected: Vec<(String, &str)> = ranked
        .iter()
        .enumerate()
        .map(|(r, &p)| ((r + 1).to_string(), names[p].as_str()))
        .collect();
    expected.push(("-".into(), "baseline"));
    assert_eq!(
        order,
        expected
            .iter()
            .map(|(r, n)| (r.as_str(), *n))
            .collect::<Vec<_>>(),
        "{table}"
    );
    for (line, (_, name)) in lines.iter().zip(&expected) {
        let p = names.iter().position(|n| n == name).unwrap();
        let c: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(c[2], format!("{:.1}%", 100.0 * mean(p)), "{line}");
        // max regret "x.y pp": the 7th and 8th fields (after mean, p10, p90, one future's MC
        // half-width).
        assert_eq!(
            c[6..8].join(" "),
            format!("{:.1} pp", 100.0 * max_regret(p)),
            "{line}"
        );
    }
    assert!(lines[2].ends_with("(status quo, not ranked)"), "{table}");
    // One future's Monte Carlo half-width is not the mean's error: it is named so and stands
    // after the percentiles, not beside the mean ("mean  MC +-" read as the mean's +-).
    let head = table
        .lines()
        .find(|l| l.trim_start().starts_with("rank"))
        .unwrap();
    let at: Vec<usize> = [
        "mean",
        "p10",
        "p90",
        "1-future MC+-",
        "max regret",
        "MC +-",
        "p90 regret",
    ]
    .iter()
    .map(|h| {
        head.find(h)
            .unwrap_or_else(|| panic!("no `{h}` in `{head}`"))
    })
    .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{head}");
    assert!(
        table.contains("not the error of the mean over futures"),
        "{table}"
    );
    // The CSV keeps probabilities; the status quo's rank is empty and it is marked.
    assert!(csv.starts_with("outcome,rank,policy,futures,mean,p10,p90,max_regret,p90_regret,threshold,satisficing,status_quo,one_future_probability_mc95_halfwidth,max_regret_mc95_halfwidth,within_mc_error_of_above\n"));
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    for (row, (rank, name)) in rows.iter().zip(&expected) {
        let p = names.iter().position(|n| n == name).unwrap();
        assert_eq!(row[2], *name);
        assert_eq!(row[1], if rank == "-" { "" } else { rank.as_str() });
        assert_eq!(row[11], if rank == "-" { "1" } else { "0" });
        assert!((row[7].parse::<f64>().unwrap() - max_regret(p)).abs() < 1e-12);
    }
    // `--status-quo ""` ranks every row; `--status-quo C` takes C out of the ranking.
    let (table, _) = run(&["--status-quo", ""]);
    assert!(table.contains("Robustness of 3 policies"), "{table}");
    assert!(!table.contains("not ranked"), "{table}");
    let (table, csv) = run(&["--status-quo", "C"]);
    assert!(table.contains("Status quo `C`"), "{table}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("use_of_force,,C,") && l.split(',').nth(11) == Some("1")),
        "{csv}"
    );
    deter()
        .arg("robust")
        .arg(&results)
        .args(["--status-quo", "baselin"])
        .assert()
        .code(2)
        .stderr(contains(
            "--status-quo:1:1: error: `baselin` is not a policy",
        ))
        .stderr(contains("did you mean `baseline`?"));
}

/// A policy name holding a terminal escape (`\u{1b}[2J` clears the screen) is printed
/// escaped by `robust` and `discover`, as by every other printer, and kept as is in the CSV.
#[test]
fn discover_and_robust_escape_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let results = write(dir.path(), "lxf.csv", &LXF.replace(",C,", ",C\u{1b}[2J,"));
    let check = |out: std::process::Output| {
        succeeded(&out);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{1b}'), "raw escape printed:\n{text}");
        assert!(text.contains("C\\u{1b}[2J"), "{text}");
    };
    check(
        deter()
            .arg("robust")
            .arg(&results)
            .args(["--threshold", "use_of_force=0.2"])
            .output()
            .unwrap(),
    );
    let saved = std::fs::read_to_string(dir.path().join("lxf.robustness.csv")).unwrap();
    assert!(saved.contains("C\u{1b}[2J"), "the CSV keeps the name as is");
    check(
        deter()
            .arg("discover")
            .arg(&results)
            .args([
                "--where",
                "regret_use_of_force > 0.1",
                "--policy",
                "C\u{1b}[2J",
            ])
            .output()
            .unwrap(),
    );
    // And in an error message quoting it.
    let out = deter()
        .arg("discover")
        .arg(&results)
        .args([
            "--where",
            "regret_use_of_force > 0.1",
            "--policy",
            "\u{1b}[2J",
        ])
        .output()
        .unwrap();
    refused(&out);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        !err.contains('\u{1b}') && err.contains("\\u{1b}[2J"),
        "{err}"
    );
}

use common::scenario;

/// A levers x futures sweep: the base as it is, an overlay that changes nothing but the
/// name, and the envoy overlay, crossed with 6 LHS futures.
fn crossed(dir: &Path, extra: &str) -> PathBuf {
    write(
        dir,
        "same.toml",
        &format!(
            "extends = \"{}\"\n[scenario]\nname = \"renamed\"\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    write(
        dir,
        "crossed.toml",
        &format!(
            "base = \"{base}\"
runs = 200
seed = 5
design = \"lhs\"
points = 6
{extra}

[[policy]]
id = \"base\"

[[policy]]
id = \"same\"
file = \"same.toml\"

[[policy]]
id = \"envoy\"
file = \"{envoy}\"

[[parameter]]
path = \"alliance.NATO.reliability\"
role = \"uncertainty\"
range = [0.5, 0.95]

[[parameter]]
path = \"rivalry.SRB-XKX.sanctions_credibility\"
role = \"uncertainty\"
range = [0.2, 0.9]
",
            base = scenario("scenarios/western-balkans-2024.toml"),
            envoy = scenario("tests/data/envoy.toml"),
        ),
    )
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn levers_x_futures_meet_the_same_futures_and_run_streams() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = crossed(dir.path(), "satisficing = { use_of_force = 0.15 }");
    let out = dir.path().join("lxf.csv");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .args(["--threads", "2"])
        .assert()
        .success()
        // `base` (neither a file nor settings) is the status quo: shown, not ranked.
        .stdout(contains(
            "Robustness of 2 policies and the status quo across 6 futures",
        ))
        .stdout(contains("Status quo `base` (the base scenario as it is)"));
    let (header, rows) = csv_rows(&out);
    assert_eq!(
        &header[..5],
        [
            "point",
            "policy",
            "future",
            "alliance.NATO.reliability",
            "rivalry.SRB-XKX.sanctions_credibility"
        ]
    );
    assert_eq!(rows.len(), 18);
    let uf = header.iter().position(|c| c == "use_of_force_p").unwrap();
    for f in 0..6 {
        let (b, s, e) = (&rows[f], &rows[6 + f], &rows[12 + f]);
        assert_eq!(
            (b[1].as_str(), s[1].as_str(), e[1].as_str()),
            ("base", "same", "envoy")
        );
        assert_eq!(b[2], f.to_string());
        // Every policy meets the same future ...
        assert_eq!(b[3..5], s[3..5]);
        assert_eq!(b[3..5], e[3..5]);
        // ... and the same run streams: an identical scenario gives identical rows.
        assert_eq!(b[5..], s[5..]);
    }
    // The envoy raises monitoring: a real difference in some future.
    assert!((0..6).any(|f| rows[f][uf] != rows[12 + f][uf]));

    // Streams: future f's runs are the streams of point f of the same design without
    // policies and without common random numbers (f * runs + i), so the base policy's rows
    // equal that sweep's rows.
    let plain = dir.path().join("plain.toml");
    let text = std::fs::read_to_string(&sweep).unwrap();
    let cut = text.find("[[policy]]").unwrap();
    let params = text.find("[[parameter]]").unwrap();
    std::fs::write(
        &plain,
        format!(
            "{}{}",
            &text[..cut].replace("satisficing = { use_of_force = 0.15 }", ""),
            &text[params..]
        ),
    )
    .unwrap();
    let plain_out = dir.path().join("plain.csv");
    deter()
        .arg("sweep")
        .arg(&plain)
        .arg("--out")
        .arg(&plain_out)
        .arg("--quiet")
        .assert()
        .success();
    let (_, plain_rows) = csv_rows(&plain_out);
    for f in 0..6 {
        assert_eq!(plain_rows[f][1..], rows[f][3..], "future {f}");
    }

    // The robustness table, recomputed from the rows, and its charts beside it.
    let table = std::fs::read_to_string(dir.path().join("lxf.robustness.csv")).unwrap();
    let page = std::fs::read_to_string(dir.path().join("lxf.robustness.html")).unwrap();
    assert!(page.contains("<svg") && page.contains("regret, use_of_force"));
    let v = |p: usize, f: usize| rows[6 * p + f][uf].parse::<f64>().unwrap();
    for line in table.lines().filter(|l| l.starts_with("use_of_force,")) {
        let c: Vec<&str> = line.split(',').collect();
        let p = ["base", "same", "envoy"]
            .iter()
            .position(|x| *x == c[2])
            .unwrap();
        let max_regret = (0..6)
            .map(|f| v(p, f) - (0..3).map(|q| v(q, f)).fold(f64::INFINITY, f64::min))
            .fold(0.0, f64::max);
        let mean = (0..6).map(|f| v(p, f)).sum::<f64>() / 6.0;
        let sat = (0..6).filter(|&f| v(p, f) <= 0.15).count() as f64 / 6.0;
        assert!(
            (c[7].parse::<f64>().unwrap() - max_regret).abs() < 1e-12,
            "{line}"
        );
        assert!(
            (c[4].parse::<f64>().unwrap() - mean).abs() < 1e-12,
            "{line}"
        );
        assert!(
            (c[10].parse::<f64>().unwrap() - sat).abs() < 1e-12,
            "{line}"
        );
    }
    // `deter robust` on the results file gives the same table.
    let again = dir.path().join("again.csv");
    deter()
        .arg("robust")
        .arg(&out)
        .args(["--threshold", "use_of_force=0.15", "--quiet", "--out"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&again).unwrap(), table);

    // One thread: the same bytes.
    let one = dir.path().join("one.csv");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&one)
        .args(["--threads", "1", "--quiet"])
        .assert()
        .success();
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&out).unwrap());
}

#[test]
fn levers_x_futures_bad_input_is_located_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = crossed(dir.path(), "satisficing = { use_of_forse = 0.15 }");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .assert()
        .code(2)
        .stderr(contains("crossed.toml:6:"))
        .stderr(contains("did you mean `use_of_force`?"));
    let sweep = crossed(dir.path(), "");
    let text = std::fs::read_to_string(&sweep).unwrap();
    for (from, to, want) in [
        ("file = \"same.toml\"", "file = \"nope.toml\"", "nope.toml"),
        (
            "id = \"same\"",
            "id = \"base\"",
            "policy `base` is defined twice",
        ),
        (
            "id = \"envoy\"\n",
            "id = \"envoy\"\nset = { \"rivalry.SRB-XKX.monitorin\" = 0.9 }\n",
            "did you mean `rivalry.SRB-XKX.monitoring`?",
        ),
        (
            "id = \"envoy\"\n",
            "id = \"envoy\"\nset = { \"rivalry.SRB-XKX.monitoring\" = 1.9 }\n",
            "policy[2].set.\"rivalry.SRB-XKX.monitoring\": expected a number in [0, 1], found 1.9",
        ),
        (
            "role = \"uncertainty\"\nrange = [0.5",
            "role = \"lever\"\nrange = [0.5",
            "[[policy]]",
        ),
        ("design = \"lhs\"", "design = \"saltelli\"", "design"),
    ] {
        assert!(text.contains(from), "{from}");
        std::fs::write(&sweep, text.replacen(from, to, 1)).unwrap();
        deter()
            .arg("sweep")
            .arg(&sweep)
            .assert()
            .code(2)
            .stderr(contains("crossed.toml:"))
            .stderr(contains(want));
    }
}

fn outcomes_json(args: &[&str]) -> serde_json::Value {
    let out = deter().args(args).output().unwrap();
    succeeded(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["outcomes"].clone()
}

#[test]
fn policy_magnitudes_are_parameters_of_set_and_sweeps() {
    let shea = scenario("scenarios/shea-special-envoy.toml");
    let base = scenario("scenarios/western-balkans-2024.toml");
    let common = ["--runs", "400", "--seed", "3", "--format", "json", "-q"];
    // The envoy raising monitoring to the baseline's own 0.4 is no policy at all.
    let none = outcomes_json(
        &[
            &[
                "run",
                &shea,
                "--set",
                "policy.special-envoy.changes[0].set=0.4",
            ][..],
            &common[..],
        ]
        .concat(),
    );
    let baseline = outcomes_json(&[&["run", &base][..], &common[..]].concat());
    assert_eq!(none, baseline);
    let envoy = outcomes_json(&[&["run", &shea][..], &common[..]].concat());
    assert_ne!(envoy, baseline);
    // Starting it after the horizon is no policy either.
    let late = outcomes_json(
        &[
            &["run", &shea, "--set", "policy.special-envoy.start=2099"][..],
            &common[..],
        ]
        .concat(),
    );
    assert_eq!(late, baseline);

    // Bad input: the operation the change does not have, a value out of the target's
    // range, an unknown policy: exit 2, located, with a did-you-mean.
    deter()
        .args([
            "run",
            &shea,
            "-q",
            "--set",
            "policy.special-envoy.changes[0].add=0.1",
        ])
        .assert()
        .code(2)
        .stderr(contains("is a `set`, not `add`"))
        .stderr(contains(
            "did you mean `policy.special-envoy.changes[0].set`?",
        ));
    deter()
        .args([
            "run",
            &shea,
            "-q",
            "--set",
            "policy.special-envoy.changes[0].set=1.5",
        ])
        .assert()
        .code(2)
        .stderr(contains("expected a number in [0, 1]"));

    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("magnitude.toml");
    let write = |path: &str, values: &str| {
        std::fs::write(
            &sweep,
            format!(
                "base = \"{shea}\"\nruns = 200\ndesign = \"grid\"\ncommon_random_numbers = true\n\n\
                 [[parameter]]\npath = \"{path}\"\nrole = \"uncertainty\"\nvalues = {values}\n"
            ),
        )
        .unwrap();
    };
    write("policy.special-envoy.changes[0].set", "[0.4, 0.9]");
    let out = dir.path().join("m.csv");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let (header, rows) = csv_rows(&out);
    assert_eq!(header[1], "policy.special-envoy.changes[0].set");
    assert_eq!((rows[0][1].as_str(), rows[1][1].as_str()), ("0.4", "0.9"));
    write("policy.special-envoi.start", "[2026, 2028]");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .assert()
        .code(2)
        .stderr(contains("magnitude.toml:7:8"))
        .stderr(contains("did you mean `policy.special-envoy.start`?"));
    write("policy.special-envoy.changes[0].set", "[0.4, 1.2]");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .assert()
        .code(2)
        .stderr(contains("magnitude.toml:9:"))
        .stderr(contains("found 1.2"));
}

#[test]
fn a_named_policy_magnitude_reads_naturally_in_sweeps_and_set() {
    let shea = scenario("scenarios/shea-special-envoy.toml");
    let common = ["--runs", "300", "--seed", "4", "--format", "json", "-q"];
    let by_name = outcomes_json(
        &[
            &[
                "run",
                &shea,
                "--set",
                "policy.special-envoy.monitoring_target=0.9",
            ][..],
            &common[..],
        ]
        .concat(),
    );
    let by_index = outcomes_json(
        &[
            &[
                "run",
                &shea,
                "--set",
                "policy.special-envoy.changes[0].set=0.9",
            ][..],
            &common[..],
        ]
        .concat(),
    );
    assert_eq!(by_name, by_index);
    deter()
        .args([
            "run",
            &shea,
            "-q",
            "--set",
            "policy.special-envoy.monitoring_targt=0.9",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "did you mean `policy.special-envoy.monitoring_target`?",
        ));

    // Bad names in a scenario file: located, exit 2.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("named.toml");
    let base = scenario("scenarios/western-balkans-2024.toml");
    for (changes, want) in [
        (
            "{ path = \"rivalry.SRB-XKX.monitoring\", set = 0.7, name = \"start\" }",
            "named.toml:7:",
        ),
        (
            "{ path = \"rivalry.SRB-XKX.monitoring\", set = 0.7, name = \"a b\" }",
            "expected an identifier",
        ),
        (
            "{ path = \"rivalry.SRB-XKX.monitoring\", set = 0.7, name = \"m\" },\n  \
             { path = \"rivalry.SRB-XKX.sanctions_credibility\", set = 0.7, name = \"m\" }",
            "`m` names two changes",
        ),
    ] {
        std::fs::write(
            &file,
            format!(
                "extends = \"{base}\"\n\n[[policy]]\nid = \"p\"\nstart = \"2026-01\"\nchanges = [\n  {changes}\n]\n"
            ),
        )
        .unwrap();
        deter()
            .args(["validate"])
            .arg(&file)
            .assert()
            .code(2)
            .stderr(contains(want));
    }
}

#[test]
fn levers_x_futures_shards_and_resume_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = crossed(dir.path(), "satisficing = { war = 0.05 }");
    let whole = dir.path().join("whole.csv");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&whole)
        .arg("-q")
        .assert()
        .success();
    for k in 0..3 {
        deter()
            .arg("sweep")
            .arg(&sweep)
            .args(["--shard", &format!("{k}/3"), "-q", "--out"])
            .arg(dir.path().join(format!("p{k}.json")))
            .assert()
            .success();
    }
    let merged = dir.path().join("merged.csv");
    deter()
        .arg("merge")
        .args((0..3).map(|k| dir.path().join(format!("p{k}.json"))))
        .arg("--out")
        .arg(&merged)
        .arg("-q")
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&merged).unwrap(),
        std::fs::read(&whole).unwrap()
    );
    assert_eq!(
        std::fs::read(dir.path().join("merged.robustness.csv")).unwrap(),
        std::fs::read(dir.path().join("whole.robustness.csv")).unwrap()
    );
    // Resume after a cut in the middle of the second policy's rows.
    let text = std::fs::read_to_string(&whole).unwrap();
    let cut: usize = text.lines().take(9).map(|l| l.len() + 1).sum::<usize>() + 7;
    let partial = write(dir.path(), "partial.csv", &text[..cut]);
    std::fs::copy(
        dir.path().join("whole.csv.sweep"),
        dir.path().join("partial.csv.sweep"),
    )
    .unwrap();
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&partial)
        .args(["--resume", "-q"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&partial).unwrap(), text);
}

#[test]
fn futures_can_be_draws_from_a_weighted_posterior() {
    let dir = tempfile::tempdir().unwrap();
    let posterior = dir.path().join("posterior.csv");
    // Four draws; the third has weight 0 and must never be a future.
    let written = common::write_posterior(
        dir.path(),
        &["model.war_cost", "alliance.NATO.reliability"],
        &[
            (&[0.5, 0.6], 0.4),
            (&[1.2, 0.9], 0.4),
            (&[3.0, 0.7], 0.0),
            (&[0.8, 0.8], 0.2),
        ],
    );
    assert_eq!(written, posterior);
    let sweep = dir.path().join("draws.toml");
    let write = |futures: &str, extra: &str| {
        std::fs::write(
            &sweep,
            format!(
                "base = \"{}\"\nruns = 100\npoints = 10\nfutures = \"{futures}\"\n{extra}\n\n\
                 [[policy]]\nid = \"base\"\n\n[[policy]]\nid = \"envoy\"\nfile = \"{}\"\n",
                scenario("scenarios/western-balkans-2024.toml"),
                scenario("tests/data/envoy.toml"),
            ),
        )
        .unwrap();
    };
    write("posterior.csv", "");
    let out = dir.path().join("d.csv");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let (header, rows) = csv_rows(&out);
    assert_eq!(
        &header[3..5],
        ["model.war_cost", "alliance.NATO.reliability"]
    );
    assert_eq!(rows.len(), 20);
    let drawn: Vec<(&str, &str)> = rows[..10]
        .iter()
        .map(|r| (r[3].as_str(), r[4].as_str()))
        .collect();
    // Systematic resampling of weights 0.4, 0.4, 0, 0.2 to 10: exactly 4, 4, 0 and 2 copies.
    let count = |v: (&str, &str)| drawn.iter().filter(|d| **d == v).count();
    assert_eq!(count(("0.5", "0.6")), 4);
    assert_eq!(count(("1.2", "0.9")), 4);
    assert_eq!(count(("0.8", "0.8")), 2);
    // Both policies meet the same futures.
    for f in 0..10 {
        assert_eq!(rows[f][3..5], rows[10 + f][3..5]);
    }
    // Bad files: located at the `futures` key, with a did-you-mean.
    std::fs::write(&posterior, "draw,model.war_cots,weight\n0,0.5,1\n").unwrap();
    deter()
        .arg("sweep")
        .arg(&sweep)
        .assert()
        .code(2)
        .stderr(contains("draws.toml:4:11"))
        .stderr(contains("did you mean `model.war_cost`?"));
    std::fs::write(&posterior, "draw,model.war_cost,weight\n0,50,1\n").unwrap();
    deter()
        .arg("sweep")
        .arg(&sweep)
        .assert()
        .code(2)
        .stderr(contains(
            "posterior.csv:2:3: column `model.war_cost`: expected a number in [0, 10] (stake units), found 50",
        ));
    write("posterior.csv", "design = \"lhs\"");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .assert()
        .code(2)
        .stderr(contains("`design` does not go with `futures`"));
}

/// `--step` past the last step of the peeling was clamped to the last step silently (`--step
/// 9999` printed "peeling step 36 of 36"). Refused with the range message of every integer
/// flag, naming the steps of this peeling, exit 2; the last step itself stays accepted.
#[test]
fn discover_refuses_a_step_past_the_end_of_the_peeling() {
    let dir = tempfile::tempdir().unwrap();
    let (results, _) = synthetic(dir.path());
    let base = [
        "--outcome",
        "use_of_force",
        "--above",
        "0.2",
        "--boxes",
        "1",
    ];
    let out = deter()
        .arg("discover")
        .arg(&results)
        .args(base)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let last: usize = text
        .split("peeling step ")
        .nth(1)
        .and_then(|s| s.split(" of ").nth(1))
        .and_then(|s| s.split(',').next())
        .expect("the trajectory's length is printed")
        .parse()
        .unwrap();
    assert!(last > 5, "{text}");
    let at_last = deter()
        .arg("discover")
        .arg(&results)
        .args(base)
        .args(["--step", &last.to_string()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(at_last)
            .unwrap()
            .contains(&format!("peeling step {last} of {last},")),
    );
    // A step that is not a step number (negative, fractional, a word) gets the same range
    // (clap said "unexpected argument '-1' found" and "invalid digit found in string").
    let beyond = (last + 1).to_string();
    for step in [
        beyond.as_str(),
        "9999",
        "-1",
        "1.5",
        "ten",
        "18446744073709551616",
    ] {
        let o = deter()
            .arg("discover")
            .arg(&results)
            .args(base)
            .args(["--step", step])
            .output()
            .unwrap();
        refused(&o);
        let found = if step == "ten" { "`ten`" } else { step };
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            common::flag_fault(
                "--step",
                step,
                1,
                &format!(
                    "expected an integer in [0, {last}] (the steps of box 1's peeling; 0 is the \
                     box of every point), found {found}"
                )
            )
        );
        assert!(o.stdout.is_empty());
    }
}

/// A column before `runs` (the point number, a parameter) is not an outcome: `--outcome
/// point --above 5` was accepted and PRIM explained the point numbers by the parameters.
/// Refused like an unknown outcome, exit 2, with a did-you-mean and the file's outcomes;
/// a column after `runs` that is not a probability keeps any finite threshold.
#[test]
fn discover_refuses_a_column_before_runs_as_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("point,a,b,runs,use_of_force_p,years_mean\n");
    for k in 0..40u32 {
        let a = f64::from(k) / 40.0;
        let b = f64::from(k * 7 % 40) / 40.0;
        let p = if a > 0.5 { 0.3 } else { 0.1 };
        text.push_str(&format!("{k},{a},{b},100,{p},{}\n", 10.0 * a));
    }
    let results = write(dir.path(), "small.csv", &text);
    let r = results.display().to_string();
    let outcomes = "; outcomes: `use_of_force`, any column after `runs` (in `";
    let cases: [(&[&str], String); 4] = [
        (
            &["--outcome", "point", "--above", "5"],
            format!(
                "--outcome:1:1: error: `point` is not an outcome of this results file (it is a \
                 column before `runs`: the point number or a parameter){outcomes}{r}`)\n  |\n1 \
                 | point\n  | ^^^^^\n1 error found\n"
            ),
        ),
        (
            &["--outcome", "a", "--above", "0.5"],
            format!(
                "--outcome:1:1: error: `a` is not an outcome of this results file (it is a \
                 column before `runs`: the point number or a parameter){outcomes}{r}`)\n  |\n1 \
                 | a\n  | ^\n1 error found\n"
            ),
        ),
        (
            &["--where", "b > 0.5"],
            format!(
                "--where:1:1: error: `b` is not an outcome of this results file (it is a column \
                 before `runs`: the point number or a parameter){outcomes}{r}`)\n  |\n1 | b > \
                 0.5\n  | ^\n1 error found\n"
            ),
        ),
        (
            &["--outcome", "years_meen", "--above", "2"],
            format!(
                "--outcome:1:1: error: `years_meen` is not an outcome of this results \
                 file{outcomes}{r}`)\n  |\n1 | years_meen\n  | ^^^^^^^^^^\n  |\n  = help: \
                 did you mean `years_mean`?\n1 error found\n"
            ),
        ),
    ];
    for (args, want) in cases {
        let o = deter()
            .arg("discover")
            .arg(&results)
            .args(args)
            .output()
            .unwrap();
        refused_for(&o, format_args!("{args:?}: {o:?}"));
        assert_eq!(String::from_utf8_lossy(&o.stderr), want, "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    for args in [
        &["--where", "years_mean > 2"][..],
        &["--outcome", "years_mean", "--below", "-1"][..],
        &["--outcome", "use_of_force", "--above", "0.2"][..],
    ] {
        deter()
            .arg("discover")
            .arg(&results)
            .args(args)
            .assert()
            .success();
    }
}

/// A small levers x futures results file: policies `baseline` and `envoy` in two futures.
fn two_policies(dir: &Path) -> PathBuf {
    let mut text = String::from("point,policy,future,a,runs,use_of_force_p\n");
    for (k, (p, f, a, y)) in [
        ("baseline", 0, 0.2, 0.3),
        ("baseline", 1, 0.7, 0.1),
        ("envoy", 0, 0.2, 0.2),
        ("envoy", 1, 0.7, 0.15),
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!("{k},{p},{f},{a},10,{y}\n"));
    }
    write(dir, "two.csv", &text)
}

/// The analyses' refusals are rendered from their fields, not found in their text: a
/// `--status-quo` whose words hold "headline outcome (" was shown as a `--threshold` fault
/// ("--threshold: --status-quo: ..."), and a `--policy` holding a backtick was underlined
/// only up to it (the name was cut from the message at its first backtick). A policy that
/// is not in the results is said alike by both: `discover --policy` said "is not a policy of
/// these results" without the policies `robust --status-quo` lists for the same fault.
#[test]
fn analysis_refusals_name_the_flag_and_underline_the_name_given() {
    let dir = tempfile::tempdir().unwrap();
    let results = two_policies(dir.path());
    let r = results.display().to_string();
    let o = deter()
        .arg("robust")
        .arg(&results)
        .args(["--status-quo", "headline outcome (x"])
        .output()
        .unwrap();
    refused(&o);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "--status-quo:1:1: error: `headline outcome (x` is not a policy of the results \
             (baseline, envoy) (in `{r}`)\n  |\n1 | headline outcome (x\n  | \
             ^^^^^^^^^^^^^^^^^^^\n1 error found\n"
        )
    );
    let o = deter()
        .arg("discover")
        .arg(&results)
        .args(["--outcome", "use_of_force", "--above", "0.2"])
        .args(["--policy", "envoi`"])
        .output()
        .unwrap();
    refused(&o);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "--policy:1:1: error: `envoi`` is not a policy of the results (baseline, envoy) \
             (in `{r}`)\n  |\n1 | envoi`\n  | ^^^^^^\n  |\n  = help: did you mean \
             `envoy`?\n1 error found\n"
        )
    );
}

/// `robust`'s --threshold and --status-quo faults as discover renders its flags' (trial10
/// F5, F11): located in the flag's value, the did-you-mean on its own help line; and only a
/// name robust accepts is suggested (`crisi` must not suggest `crisis`, refused as context).
#[test]
fn robust_flag_faults_are_located_as_discover_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let results = two_policies(dir.path());
    let r = results.display().to_string();
    let run = |args: &[&str]| {
        let o = deter()
            .arg("robust")
            .arg(&results)
            .args(args)
            .output()
            .unwrap();
        refused(&o);
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    assert_eq!(
        run(&["--status-quo", "envoi`"]),
        format!(
            "--status-quo:1:1: error: `envoi`` is not a policy of the results (baseline, \
             envoy) (in `{r}`)\n  |\n1 | envoi`\n  | ^^^^^^\n  |\n  = help: did you mean \
             `envoy`?\n1 error found\n"
        )
    );
    let ranked = "threat, display, use_of_force, war, deterrence_held, non_state_incident";
    assert_eq!(
        run(&["--threshold", "war=0.1", "--threshold", " thret=0.5"]),
        format!(
            "--threshold:1:2: error: `thret` is not a headline outcome robustness ranks \
             ({ranked}) (in `{r}`)\n  |\n1 |  thret=0.5\n  |  ^^^^^\n  |\n  = help: did you \
             mean `threat`?\n1 error found\n"
        )
    );
    let crisi = run(&["--threshold", "crisi=0.5"]);
    assert!(!crisi.contains("`crisis`"), "{crisi}");
    assert!(!crisi.contains("did you mean"), "{crisi}");
}

/// `robust` and `discover` suggest a misspelt name as every file kind does (a scenario's ids,
/// a sweep's keys, a calibration's cases: `scenario::closest`): every name equally close is
/// listed, in the results' order. They had their own did-you-mean (Jaro-Winkler, one name:
/// the last of the equally close), which named `envoy-c` alone here.
#[test]
fn robust_and_discover_list_every_equally_close_name_as_every_file_kind_does() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("lxf.csv");
    let text = LXF
        .replace(",A,", ",envoy-a,")
        .replace(",B,", ",envoy-b,")
        .replace(",C,", ",envoy-c,");
    std::fs::write(&results, &text).unwrap();
    let want = "= help: did you mean `envoy-a`, `envoy-b` or `envoy-c`?";
    for args in [
        vec![
            "robust",
            "--threshold",
            "use_of_force=0.2",
            "--status-quo",
            "envoy-d",
        ],
        vec![
            "discover",
            "--outcome",
            "use_of_force",
            "--above",
            "0.2",
            "--policy",
            "envoy-d",
        ],
    ] {
        let o = deter()
            .arg(args[0])
            .arg(&results)
            .args(&args[1..])
            .output()
            .unwrap();
        refused(&o);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{}: {err}", args[0]);
    }
}

/// Wilson score interval (z = 1.96) of `k` of `n`, computed here from its formula.
fn wilson95(k: usize, n: usize) -> (f64, f64) {
    let (k, n, z) = (k as f64, n as f64, 1.96_f64);
    let p = k / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let d = 1.0 + z * z / n;
    (
        ((centre - half) / d).max(0.0),
        ((centre + half) / d).min(1.0),
    )
}

/// `deter discover` gives every coverage and density it prints its 95% interval (Wilson, as
/// every share of a sample deter prints): coverage over all the cases of interest, density
/// over the box's points, on the box lines (terminal and page) and on every step of the
/// peeling trajectory, and says what the interval covers and leaves out. The figures had no
/// statement of their sampling error. The intervals are recomputed here from the printed
/// counts.
#[test]
fn discover_gives_coverage_and_density_their_95_intervals() {
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
            "2",
        ])
        .arg("--report")
        .arg(&html)
        .output()
        .unwrap();
    succeeded(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    let num = |s: &str| -> f64 { s.trim_matches(|c| "[],()".contains(c)).parse().unwrap() };
    let interval = |lo: &str, hi: &str, k: usize, n: usize, what: &str| {
        let (wl, wh) = wilson95(k, n);
        assert!(
            (num(lo) - wl).abs() <= 5e-4,
            "{what}: {lo} vs {wl} ({k} of {n})\n{text}"
        );
        assert!(
            (num(hi) - wh).abs() <= 5e-4,
            "{what}: {hi} vs {wh} ({k} of {n})\n{text}"
        );
    };
    // The box lines: "box 1 (...): coverage C [lo, hi], density D [lo, hi], mass M (n points,
    // k cases of interest)".
    let boxes: Vec<&str> = text.lines().filter(|l| l.starts_with("box ")).collect();
    assert_eq!(boxes.len(), 2, "{text}");
    for line in boxes {
        let w: Vec<&str> = line
            .split(": ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .collect();
        assert_eq!(
            (w[0], w[4], w[8]),
            ("coverage", "density", "mass"),
            "{line}"
        );
        let n: usize = w[10]
            .trim_start_matches('(')
            .replace(',', "")
            .parse()
            .unwrap();
        let k: usize = w[12].replace(',', "").parse().unwrap();
        interval(w[2], w[3], k, cases, "coverage");
        interval(w[6], w[7], k, n, "density");
        // The page says the same figures.
        let on_page = line.split(": ").nth(1).unwrap();
        assert!(
            page.contains(on_page.split(" (").next().unwrap()),
            "{on_page}\n{page}"
        );
    }
    // Every step of every trajectory: "step points coverage [lo, hi] density [lo, hi] mass ...".
    let mut steps = 0;
    for part in text.split("peeling trajectory of box ").skip(1) {
        let rows = part
            .lines()
            .skip(2)
            .take_while(|l| !l.trim().is_empty())
            .map(|l| l.split_whitespace().collect::<Vec<_>>());
        let eligible_hits: usize = part
            .split(" points, ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap();
        assert!(eligible_hits <= cases);
        for w in rows {
            let n: usize = w[1].parse().unwrap();
            // The step's cases of interest, from its coverage (about 200 cases: exact).
            let k = (num(w[2]) * cases as f64).round() as usize;
            assert!(
                (num(w[5]) * n as f64 - k as f64).abs() <= 5e-4 * n as f64 + 1e-9,
                "{w:?}"
            );
            interval(w[3], w[4], k, cases, "trajectory coverage");
            interval(w[6], w[7], k, n, "trajectory density");
            steps += 1;
        }
    }
    assert!(steps > 10, "{text}");
    // What the interval is, where the figures are printed.
    for out in [&text, &page] {
        for words in [
            "Wilson 95% interval",
            "the search that chose the box",
            "runs",
        ] {
            assert!(out.contains(words), "{words}: {out}");
        }
    }
}

/// A results file with `\r\n` line endings (Python's csv module, Excel): a bad cell and a
/// ragged row are located at the line and column, with the line shown, as with `\n` endings
/// (they were one line early, at column 1, with an empty line), in `discover` and `robust`.
#[test]
fn a_crlf_results_files_faults_are_located_as_with_lf_endings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    let bad_cell = LXF.replace("3,A,1,0.4,", "3,A,1,zz,");
    let ragged = LXF.replace("5,C,1,0.4,100,0.30,0,1", "5,C,1,0.4,100,0.30,0,1,9");
    let commands = RESULTS_READERS;
    for (text, at, line) in [
        (&bad_cell, ":5:7: error", "3,A,1,zz,100,0.20,0,1"),
        (&ragged, ":7:1: error", "5,C,1,0.4,100,0.30,0,1,9"),
    ] {
        for args in commands {
            let stderr = |text: &str| {
                std::fs::write(&path, text).unwrap();
                let o = deter()
                    .args(&args[..1])
                    .arg(&path)
                    .args(&args[1..])
                    .output()
                    .unwrap();
                refused_for(&o, format_args!("{args:?}"));
                String::from_utf8_lossy(&o.stderr).into_owned()
            };
            let lf = stderr(text);
            let crlf = stderr(&text.replace('\n', "\r\n"));
            assert!(lf.contains(&format!("{}{at}", path.display())), "{lf}");
            assert!(lf.contains(line), "{lf}");
            assert_eq!(crlf, lf, "{args:?}");
        }
    }
}

/// The two readers of a results file, each with the arguments it needs besides the file.
const RESULTS_READERS: [&[&str]; 2] = [
    &["robust"],
    &[
        "discover",
        "--policy",
        "A",
        "--outcome",
        "use_of_force",
        "--above",
        "0.1",
    ],
];

/// Every results reader checks the cells' range at once: a share of runs out of [0, 1] and a
/// `runs` that is not a positive integer are refused at FILE:LINE:COL, exit 2, by `discover`
/// (which used a share of 1.7) as by `robust` (both read a `runs` of 1.5, -3 or 0).
#[test]
fn results_cells_out_of_range_are_refused_by_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    let commands = RESULTS_READERS;
    for (cell, at, expected) in [
        ("100,1.7,", ":5:15: error", "expected a number in [0, 1]"),
        ("100,-0.2,", ":5:15: error", "expected a number in [0, 1]"),
        ("1.5,0.20,", ":5:11: error", "expected a positive integer"),
        ("-3,0.20,", ":5:11: error", "expected a positive integer"),
        ("0,0.20,", ":5:11: error", "expected a positive integer"),
    ] {
        let text = LXF.replace("3,A,1,0.4,100,0.20,", &format!("3,A,1,0.4,{cell}"));
        std::fs::write(&path, text).unwrap();
        for args in commands {
            let o = deter()
                .args(&args[..1])
                .arg(&path)
                .args(&args[1..])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{args:?} {cell}: {err}");
            assert!(err.contains(&format!("{}{at}", path.display())), "{err}");
            assert!(err.contains(expected), "{err}");
        }
    }
}

/// Policy names and the results file's name show escaped on the robustness and discovery
/// pages: markup and quotes in them are text, never tags.
#[test]
fn discover_and_robust_pages_escape_hostile_names() {
    let dir = tempfile::tempdir().unwrap();
    let results = write(
        dir.path(),
        "lxf <b>&'.csv",
        &LXF.replace(",C,", ",\"C <script>&\"\"'\","),
    );
    let (robust, discover) = (dir.path().join("r.html"), dir.path().join("d.html"));
    deter()
        .arg("robust")
        .arg(&results)
        .args(["--threshold", "use_of_force=0.2", "--report"])
        .arg(&robust)
        .assert()
        .success();
    deter()
        .arg("discover")
        .arg(&results)
        .args(["--outcome", "use_of_force", "--above", "0.2", "--report"])
        .arg(&discover)
        .assert()
        .success();
    let robust = std::fs::read_to_string(&robust).unwrap();
    assert!(!robust.contains("<script"), "raw markup on the page");
    assert!(robust.contains("C &lt;script&gt;&amp;&quot;'"), "{robust}");
    for page in [&robust, &std::fs::read_to_string(&discover).unwrap()] {
        assert!(!page.contains("<b>"), "raw markup on the page");
        assert!(page.contains("lxf &lt;b&gt;&amp;'.csv"), "{page}");
        // As a browser reads the page: no script or bold element, the file's path the text
        // of a code element.
        let doc = common::html_page(page, &"the page");
        assert!(!common::has(&doc, "script, b"), "{page}");
        let code = common::texts(&doc, "body code");
        assert!(
            code.iter().any(|c| c.ends_with("/lxf <b>&'.csv")),
            "{code:?}"
        );
    }
    // The robustness page shows the policy's name as the text of a table cell.
    let doc = common::html_page(&robust, &"the robustness page");
    let cells = common::texts(&doc, "table td");
    assert!(cells.iter().any(|c| c == "C <script>&\"'"), "{cells:?}");
}

/// A point twice in a results file (a row pasted again, two files joined) is refused at the
/// repeated row's cell by both readers, with the line of the first: `discover` counted the
/// row twice ("11 of 13 points" in a 12-point sweep) and `robust` said only "policy `A`
/// appears twice in future 1", without a place. A policy twice in one future under another
/// point number gets the same treatment.
#[test]
fn a_point_or_a_policy_twice_in_a_future_is_refused_by_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 3] = [
        &["robust"],
        &["discover", "--outcome", "use_of_force", "--above", "0.1"],
        &[
            "discover",
            "--policy",
            "A",
            "--outcome",
            "use_of_force",
            "--above",
            "0.1",
        ],
    ];
    for (extra, at, expected) in [
        (
            "3,A,1,0.4,100,0.20,0,1\n",
            ":14:1: error: column `point`: ",
            "point 3 appears twice (first on line 5)",
        ),
        (
            "12,A,1,0.4,100,0.20,0,1\n",
            ":14:4: error: column `policy`: ",
            "policy `A` appears twice in future 1 (first on line 5)",
        ),
    ] {
        let path = write(dir.path(), "r.csv", &format!("{LXF}{extra}"));
        for args in commands {
            let o = deter()
                .args(&args[..1])
                .arg(&path)
                .args(&args[1..])
                .output()
                .unwrap();
            let err = refused_for(&o, format!("{args:?} {extra}"));
            assert!(
                err.contains(&format!("{}{at}{expected}", path.display())),
                "{args:?}: {err}"
            );
        }
    }
}

/// Wilson's 95% half-width written out: z sqrt(p (1 - p) / n + z^2 / (4 n^2)) / (1 + z^2 / n).
fn wilson_half(p: f64, n: f64) -> f64 {
    let z: f64 = 1.959_963_984_540_054;
    z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n)
}

/// Two futures, 200 runs each: A's max regret (0.22 - 0.20 = 2 pp, in future 1) is far
/// inside the Monte Carlo error of a 20-25% probability (about +-6 pp each); C's (0.60 -
/// 0.20 = 40 pp) is not. The table, the CSV and the page say so, and use `run`'s labels.
#[test]
fn robust_says_the_monte_carlo_error_and_flags_rankings_it_cannot_separate() {
    let dir = tempfile::tempdir().unwrap();
    let results = write(
        dir.path(),
        "lxf.csv",
        "point,policy,future,u,runs,use_of_force_p
0,A,0,0.1,200,0.25
1,A,1,0.9,200,0.22
2,B,0,0.1,200,0.25
3,B,1,0.9,200,0.20
4,C,0,0.1,200,0.25
5,C,1,0.9,200,0.60
",
    );
    let page = dir.path().join("r.html");
    let o = common::run(&[
        "robust",
        &results.display().to_string(),
        "--status-quo",
        "",
        "--report",
        &page.display().to_string(),
    ]);
    succeeded(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("200 runs per future"), "{text}");
    assert!(
        text.contains("use of force (MID >= 4) (lower is better)"),
        "{text}"
    );
    assert!(!text.contains("\nuse_of_force ("), "{text}");
    let row = |name: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("{name}: {text}"))
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    // B ranks first; A second, within the error of B (`2~`); C third, separable (`3`).
    assert_eq!(row("B")[0], "1", "{text}");
    assert_eq!(row("A")[0], "2~", "{text}");
    assert_eq!(row("C")[0], "3", "{text}");
    assert!(
        text.contains("~ its max regret is within Monte Carlo error"),
        "{text}"
    );
    // A's regret in future 1: 0.22 and 0.20 from 200 runs each, in quadrature.
    let a_regret = wilson_half(0.22, 200.0).hypot(wilson_half(0.20, 200.0));
    assert_eq!(row("A")[8], format!("+-{:.1}", 100.0 * a_regret), "{text}");
    let a_prob =
        ((wilson_half(0.25, 200.0).powi(2) + wilson_half(0.22, 200.0).powi(2)) / 2.0).sqrt();
    assert_eq!(row("A")[5], format!("+-{:.1}", 100.0 * a_prob), "{text}");
    let csv = std::fs::read_to_string(dir.path().join("lxf.robustness.csv")).unwrap();
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |n: &str| {
        head.iter()
            .position(|h| *h == n)
            .unwrap_or_else(|| panic!("{n}: {csv}"))
    };
    let a: Vec<&str> = csv
        .lines()
        .find(|l| l.contains(",A,"))
        .unwrap()
        .split(',')
        .collect();
    let c: Vec<&str> = csv
        .lines()
        .find(|l| l.contains(",C,"))
        .unwrap()
        .split(',')
        .collect();
    let f = |s: &str| s.parse::<f64>().unwrap();
    assert!(
        (f(a[col("max_regret_mc95_halfwidth")]) - a_regret).abs() < 1e-9,
        "{csv}"
    );
    assert!(
        (f(a[col("one_future_probability_mc95_halfwidth")]) - a_prob).abs() < 1e-9,
        "{csv}"
    );
    assert_eq!(a[col("within_mc_error_of_above")], "1", "{csv}");
    assert_eq!(c[col("within_mc_error_of_above")], "0", "{csv}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("200 runs per future") && html.contains("1-future MC+-"),
        "{html}"
    );
}

/// A results file whose header names a column twice was read with the first copy (the
/// second silently ignored) by `robust` and `discover`, while a file of draws refuses the
/// same fault: refused now in the draws' words, at the second copy.
#[test]
fn a_results_column_named_twice_is_refused_as_in_a_file_of_draws() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(two_policies(dir.path()))
        .unwrap()
        .replacen("use_of_force_p\n", "use_of_force_p,use_of_force_p\n", 1)
        .replace('\n', ",0.5\n")
        .replacen("use_of_force_p,0.5\n", "use_of_force_p\n", 1);
    let results = write(dir.path(), "dup.csv", &text);
    let r = results.display().to_string();
    for args in [
        vec!["robust", r.as_str()],
        vec![
            "discover",
            r.as_str(),
            "--outcome",
            "use_of_force",
            "--above",
            "0.2",
        ],
    ] {
        let o = deter().args(&args).output().unwrap();
        let err = refused(&o);
        assert!(
            err.starts_with(&format!(
                "{r}:1:43: error: column `use_of_force_p`: column `use_of_force_p` appears \
                 twice (columns 6 and 7)"
            )),
            "{args:?}: {err}"
        );
        assert!(err.contains("help: name each column once"), "{err}");
    }
}

/// A misspelt outcome column (`use_of_forc_p`) silently dropped "use of force" from
/// robust's tables: an unknown column a letter or two from one a sweep writes is refused
/// with a did-you-mean, as a misspelt key is in every file kind; a column of the user's own,
/// far from every known one, is still read.
#[test]
fn a_misspelt_results_column_is_refused_with_a_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(two_policies(dir.path())).unwrap();
    let results = write(
        dir.path(),
        "typo.csv",
        &text.replacen("use_of_force_p", "use_of_forc_p", 1),
    );
    let r = results.display().to_string();
    for args in [
        vec!["robust", r.as_str()],
        vec!["discover", r.as_str(), "--outcome", "war", "--above", "0.2"],
    ] {
        let o = deter().args(&args).output().unwrap();
        let err = refused(&o);
        assert!(
            err.starts_with(&format!(
                "{r}:1:28: error: column `use_of_forc_p`: unknown column `use_of_forc_p`"
            )),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("help: did you mean `use_of_force_p`?"),
            "{err}"
        );
    }
    let own = write(
        dir.path(),
        "own.csv",
        &text
            .replacen("use_of_force_p\n", "use_of_force_p,my_cost\n", 1)
            .replace("\n", ",1\n")
            .replacen("my_cost,1\n", "my_cost\n", 1),
    );
    succeeded(&deter().arg("robust").arg(&own).output().unwrap());
}

/// `deter robust` without `--threshold` takes the sweep file's `satisficing` from the record
/// beside the results: an outcome there that robustness cannot rank (a record edited, or
/// written for other results) was said as "--threshold: `wor` is not ..." although no
/// `--threshold` was given. It is the record's fault, said at the record, exit 2, with the way
/// to replace it.
#[test]
fn robust_says_a_recorded_thresholds_fault_at_the_record_not_at_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = crossed(dir.path(), "satisficing = { war = 0.05 }");
    let out = dir.path().join("r.csv");
    deter()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let record = dir.path().join("r.csv.sweep");
    let text = std::fs::read_to_string(&record).unwrap();
    assert!(text.contains("\"satisficing\":{\"war\":0.05}"), "{text}");
    std::fs::write(
        &record,
        text.replace(
            "\"satisficing\":{\"war\":0.05}",
            "\"satisficing\":{\"wor\":0.05}",
        ),
    )
    .unwrap();
    let o = deter().arg("robust").arg(&out).arg("-q").output().unwrap();
    refused_for(&o, "robust with the record's thresholds");
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!err.contains("--threshold:"), "{err}");
    assert!(
        err.starts_with(&format!(
            "{}: error: satisficing: `wor` is not a headline outcome robustness ranks",
            record.display()
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `war`?"), "{err}");
    assert!(
        err.contains("help: give --threshold OUTCOME=VALUE"),
        "{err}"
    );
}

/// `discover` and `robust` refused a share of runs out of [0, 1] in any share column, read
/// or not, but took a share column holding no number at all (`abc`) when they did not read
/// it, though both are the same damage: a column of shares that is not what `deter sweep`
/// wrote. Both are refused at once now, at FILE:LINE:COL, by both readers, whatever they
/// read: a file with a damaged column is not analysed in part.
#[test]
fn a_share_column_holding_no_number_is_refused_as_one_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    let commands = RESULTS_READERS;
    // `use_of_force_mc95_lo`: a share column neither command reads.
    for (cell, found) in [
        (
            "7",
            "expected a number in [0, 1] (a share of runs), found 7",
        ),
        ("abc", "expected a number, found `abc`"),
        ("", "expected a number, found nothing"),
    ] {
        let text = LXF.replace(
            "3,A,1,0.4,100,0.20,0,1",
            &format!("3,A,1,0.4,100,0.20,{cell},1"),
        );
        std::fs::write(&path, text).unwrap();
        for args in commands {
            let o = deter()
                .args(&args[..1])
                .arg(&path)
                .args(&args[1..])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{args:?} {cell:?}: {err}");
            let at = format!(
                "{}:5:20: error: column `use_of_force_mc95_lo`: {found}",
                path.display()
            );
            assert!(err.starts_with(&at), "{args:?} {cell:?}: {err}");
            assert!(
                err.contains("= help: `use_of_force_mc95_lo` holds shares of runs, from 0 to 1"),
                "{err}"
            );
        }
    }
}

/// Every count `deter discover` prints agrees with its number: a results file of one point
/// that is a case of interest is "1 of 1 point", "(1 point, 1 case of interest)" and a
/// trajectory "(1 point, 1 case)", where it said "1 points" and "1 cases"; a file of two
/// points keeps the plural; and one point that is no case, with a step asked, is "the one
/// point is not a case of interest", not "none of the 1 points".
#[test]
fn discover_says_one_point_and_one_case_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let header = "point,a,runs,use_of_force_p,use_of_force_mc95_lo,use_of_force_mc95_hi\n";
    let one = write(
        dir.path(),
        "one.csv",
        &format!("{header}0,0.5,100,0.3,0.2,0.4\n"),
    );
    let args = ["--outcome", "use_of_force", "--above", "0.2"];
    let discover = |file: &Path, extra: &[&str]| {
        deter()
            .arg("discover")
            .arg(file)
            .args(args)
            .args(extra)
            .output()
            .unwrap()
    };
    let o = discover(&one, &[]);
    succeeded(&o);
    let text = stdout(&o);
    for said in [
        ": 1 of 1 point (100.0%)",
        "(1 point, 1 case of interest)",
        "peeling trajectory of box 1 (1 point, 1 case):",
    ] {
        assert!(text.contains(said), "{said:?} not in:\n{text}");
    }
    assert!(
        !text.contains("1 points") && !text.contains("1 case of interests"),
        "{text}"
    );
    let two = write(
        dir.path(),
        "two.csv",
        &format!("{header}0,0.5,100,0.3,0.2,0.4\n1,0.7,100,0.3,0.2,0.4\n"),
    );
    let o = discover(&two, &[]);
    succeeded(&o);
    let text = stdout(&o);
    for said in [
        ": 2 of 2 points",
        "(2 points, 2 cases of interest)",
        "(2 points, 2 cases):",
    ] {
        assert!(text.contains(said), "{said:?} not in:\n{text}");
    }
    let none = write(
        dir.path(),
        "none.csv",
        &format!("{header}0,0.5,100,0.1,0.05,0.15\n"),
    );
    let err = refused(&discover(&none, &["--step", "1"]));
    assert!(
        err.contains("the one point is not a case of interest (use_of_force"),
        "{err}"
    );
}

/// `--inputs` names a column that is not a parameter: the parameter columns are listed, as
/// `--outcome` lists the outcomes (`runs`, a column of these results, had no did-you-mean
/// and no list). An empty name (a comma at an end, two commas) is said as empty and located
/// where it is: it was "`` is not a parameter column", the whole value underlined.
#[test]
fn discover_inputs_faults_name_the_parameter_columns_and_locate_an_empty_name() {
    let dir = tempfile::tempdir().unwrap();
    let (results, _) = synthetic(dir.path());
    let said = |inputs: &str| {
        let o = deter()
            .arg("discover")
            .arg(&results)
            .args(["--outcome", "use_of_force", "--above", "0.2"])
            .args(["--inputs", inputs])
            .output()
            .unwrap();
        let e = refused(&o);
        assert!(o.stdout.is_empty());
        e
    };
    let list = "parameter columns: `a`, `b`, `c`, `d`, `e`";
    let e = said("a,runs");
    assert!(
        e.starts_with(&format!(
            "--inputs:1:3: error: `runs` is not a parameter column of these results; {list} (in \
             `{}`)\n",
            results.display()
        )),
        "{e}"
    );
    assert!(e.contains("\n1 | a,runs\n  |   ^^^^\n"), "{e}");
    for (inputs, col) in [("a,", 3), ("a,,b", 3), (",a", 1)] {
        let e = said(inputs);
        assert!(
            e.starts_with(&format!(
                "--inputs:1:{col}: error: expected a parameter column's name, found an empty \
                 name; {list} (in `{}`)\n",
                results.display()
            )),
            "{inputs}: {e}"
        );
    }
}
