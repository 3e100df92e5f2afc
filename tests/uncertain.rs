//! `[[uncertain]]` priors in scenario files (docs/SCENARIO.md, "Uncertain parameters"):
//! `deter run` and `deter compare` then do nested Monte Carlo exactly as with `--posterior`.
//! Every claim is recomputed here from the outputs, not read from the summary the program
//! prints: the draws follow their priors, a degenerate prior reproduces a plain run, A and B
//! share draws and streams, and the CSV and HTML carry the same numbers with both kinds of
//! interval labelled in plain words. Bad files are refused with file:line:col, key path,
//! expectation and a did-you-mean.

mod common;
use common::{deter, refused, refused_for, root, succeeded, succeeded_for, write};

use std::path::{Path, PathBuf};

/// The template scenario with `extra` appended (priors), written to `dir/name`.
fn with_priors(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let base = std::fs::read_to_string(root().join("src/scenario/template.toml")).unwrap();
    write(dir, name, &format!("{base}\n{extra}"))
}

const WAR_COST: &str = "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\n";

fn json(args: &[&str]) -> serde_json::Value {
    let out = deter().args(args).arg("--quiet").output().unwrap();
    succeeded_for(&out, format_args!("deter {args:?}"));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The value of the tidy CSV row (entity, metric, statistic), as a number.
fn csv_value(rows: &[csv::StringRecord], entity: &str, metric: &str, stat: &str) -> f64 {
    rows.iter()
        .find(|x| &x[2] == entity && &x[3] == metric && &x[4] == stat)
        .unwrap_or_else(|| panic!("no row {entity} {metric} {stat}"))[5]
        .parse()
        .unwrap()
}

fn outcome<'a>(v: &'a serde_json::Value, key: &str, name: &str) -> &'a serde_json::Value {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == name)
        .unwrap()
}

#[test]
fn draws_follow_the_declared_prior() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    let f = file.to_str().unwrap();
    let v = json(&[
        "run",
        f,
        "--draws",
        "400",
        "--runs",
        "2",
        "--horizon-years",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(v["parameters"]["paths"][0], "model.war_cost");
    assert_eq!(v["parameters"]["from_posterior"][0], false);
    let mut x: Vec<f64> = v["parameters"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_f64().unwrap())
        .collect();
    assert_eq!(x.len(), 400);
    x.sort_by(f64::total_cmp);
    // Kolmogorov distance to uniform on [0.2, 2.0]. DKW: P(D > 0.1) <= 2 exp(-2 n 0.01)
    // = 6.7e-4 for n = 400 (fixed before looking; the draws are a fixed function of the seed).
    let d = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let f = (v - 0.2) / 1.8;
            (f - i as f64 / 400.0)
                .abs()
                .max((f - (i + 1) as f64 / 400.0).abs())
        })
        .fold(0.0, f64::max);
    assert!(d < 0.1, "Kolmogorov distance {d}");
    assert!(x[0] >= 0.2 && x[399] <= 2.0);
}

#[test]
fn a_single_value_prior_reproduces_a_plain_run_and_threads_do_not_matter() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(
        dir.path(),
        "s.toml",
        "[[uncertain]]\npath = \"model.war_cost\"\nvalues = [1.3]\n",
    );
    let f = file.to_str().unwrap();
    let args = [
        "run", f, "--draws", "1", "--runs", "600", "--seed", "7", "--format", "json",
    ];
    let nested1 = json(&[&args[..], &["--threads", "1"]].concat());
    let nested2 = json(&[&args[..], &["--threads", "2"]].concat());
    assert_eq!(nested1, nested2);
    // Draw 0 uses run streams 0..R of the seed: a plain run with the value set.
    let template = root().join("src/scenario/template.toml");
    let plain = json(&[
        "run",
        template.to_str().unwrap(),
        "--set",
        "model.war_cost=1.3",
        "--runs",
        "600",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    for name in ["crisis", "use_of_force", "war", "deterrence_held"] {
        let count = plain["outcomes"][name]["count"].as_f64().unwrap();
        let o = outcome(&nested1, "outcomes", name);
        assert_eq!(o["per_draw"][0].as_f64().unwrap(), count / 600.0, "{name}");
        assert_eq!(o["mean"].as_f64().unwrap(), count / 600.0, "{name}");
    }
}

#[test]
fn csv_and_html_carry_the_json_numbers_with_both_intervals_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    let f = file.to_str().unwrap();
    let common = [
        "run",
        f,
        "--draws",
        "8",
        "--runs",
        "200",
        "--horizon-years",
        "3",
    ];
    let v = json(&[&common[..], &["--format", "json"]].concat());
    let html = dir.path().join("r.html");
    let out = deter()
        .args(common)
        .args([
            "--format",
            "csv",
            "--quiet",
            "--report",
            html.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    succeeded(&out);
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["file", "scenario", "entity", "metric", "statistic", "value"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let get = |entity: &str, metric: &str, stat: &str| csv_value(&rows, entity, metric, stat);
    let war = outcome(&v, "outcomes", "war");
    for stat in [
        "mean",
        "param90_lo",
        "param90_hi",
        "mc95_lo",
        "mc95_hi",
        "mc_error",
    ] {
        assert_eq!(
            get("region", "war", stat),
            war[stat].as_f64().unwrap(),
            "{stat}"
        );
    }
    // Recomputed from the per-draw rows: the mean and the 5% / 95% quantiles (lower
    // weighted quantiles of 8 equal weights: the 1st and 8th smallest).
    let mut p: Vec<f64> = (0..8)
        .map(|d| get(&format!("draw:{d}"), "war", "p"))
        .collect();
    let mean = p.iter().sum::<f64>() / 8.0;
    assert!((mean - war["mean"].as_f64().unwrap()).abs() < 1e-12);
    p.sort_by(f64::total_cmp);
    assert!(p[0] <= war["param90_lo"].as_f64().unwrap());
    assert!(war["param90_hi"].as_f64().unwrap() <= p[7]);
    // Monte Carlo error: sqrt(sum p(1-p)/(R-1))/D.
    let se = (p.iter().map(|x| x * (1.0 - x)).sum::<f64>() / 199.0).sqrt() / 8.0;
    assert!((se - war["mc_error"].as_f64().unwrap()).abs() < 1e-12);
    assert!(
        (get("draw:3", "model.war_cost", "value")
            - v["parameters"]["values"][3][0].as_f64().unwrap())
        .abs()
            == 0.0
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("90% interval over uncertain parameters"));
    assert!(page.contains("95% interval of the mean"));
    assert!(page.contains(&format!("data-v=\"{}\"", war["mean"])));
    let table = deter().args(common).arg("--quiet").output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("90% interval over uncertain parameters"),
        "{text}"
    );
    assert!(
        text.contains("[[uncertain]] priors of the scenario (model.war_cost)"),
        "{text}"
    );
}

#[test]
fn the_interval_over_parameters_of_deterrence_held_mirrors_that_of_use_of_force() {
    // Reading fixed before measuring: with 20 draws the 90% interval is the 1st smallest and
    // the 1st largest per-draw value (ceil(0.05 * 20) = 1 from each end), so the interval of
    // deterrence_held = 1 - use_of_force is 1 minus use_of_force's, end for end. (The old
    // rule took the 19th smallest for the upper end: [0.0, 57.0] against [41.0, 99.0].)
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    let out = deter()
        .args([
            "run",
            file.to_str().unwrap(),
            "--draws",
            "20",
            "--runs",
            "200",
        ])
        .args(["--horizon-years", "3", "--format", "csv", "--quiet"])
        .output()
        .unwrap();
    succeeded(&out);
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let get = |entity: &str, metric: &str, stat: &str| csv_value(&rows, entity, metric, stat);
    for metric in ["use_of_force", "deterrence_held", "threat"] {
        let mut p: Vec<f64> = (0..20)
            .map(|d| get(&format!("draw:{d}"), metric, "p"))
            .collect();
        p.sort_by(f64::total_cmp);
        assert_eq!(get("region", metric, "param90_lo"), p[0], "{metric}");
        assert_eq!(get("region", metric, "param90_hi"), p[19], "{metric}");
    }
    let uof = |s| get("region", "use_of_force", s);
    let held = |s| get("region", "deterrence_held", s);
    assert!((held("param90_lo") - (1.0 - uof("param90_hi"))).abs() < 1e-12);
    assert!((held("param90_hi") - (1.0 - uof("param90_lo"))).abs() < 1e-12);
}

#[test]
fn compare_pairs_a_and_b_on_the_same_prior_draws_and_refuses_conflicting_priors() {
    let dir = tempfile::tempdir().unwrap();
    let a = with_priors(dir.path(), "a.toml", WAR_COST);
    let a = a.to_str().unwrap();
    let plain = root().join("src/scenario/template.toml");
    let run = |b: &str, threads: &str| {
        json(&[
            "compare",
            a,
            b,
            "--draws",
            "5",
            "--runs",
            "200",
            "--horizon-years",
            "4",
            "--format",
            "json",
            "--threads",
            threads,
        ])
    };
    // A against itself: every draw's effect is exactly zero.
    let same = run(a, "2");
    for e in same["effects"].as_array().unwrap() {
        assert!(e["per_draw"].as_array().unwrap().iter().all(|x| x == 0.0));
        assert_eq!(e["param90_lo"], 0.0);
    }
    // B without priors is run on A's draws: the same as with the prior in both files.
    let b_plain = run(plain.to_str().unwrap(), "1");
    assert_eq!(b_plain, run(plain.to_str().unwrap(), "2"));
    assert_eq!(b_plain["parameters"], same["parameters"]);
    // Different priors for one path cannot share draws.
    let b = with_priors(
        dir.path(),
        "b.toml",
        "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 3.0]\n",
    );
    let out = deter()
        .args(["compare", a, b.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    refused(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("different priors for `model.war_cost`"),
        "{err}"
    );
    let csv = deter()
        .args([
            "compare",
            a,
            a,
            "--draws",
            "3",
            "--runs",
            "50",
            "--horizon-years",
            "2",
        ])
        .args(["--format", "csv", "--quiet"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.contains(",region,war,param90_lo,0"), "{text}");
}

/// Each bad `[[uncertain]]` table: the message, its line and column, the key path.
#[test]
fn bad_priors_are_refused_with_file_line_col_key_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let template_lines = std::fs::read_to_string(root().join("src/scenario/template.toml"))
        .unwrap()
        .lines()
        .count();
    // (extra text, expected line offset of the fault in the extra text, expected fragments)
    let cases: [(&str, usize, &[&str]); 7] = [
        (
            "[[uncertain]]\npath = \"model.war_cots\"\nrange = [0.2, 2.0]\n",
            2,
            &["uncertain[0].path", "did you mean `model.war_cost`?"],
        ),
        (
            "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\ndistrbution = \"normal\"\n",
            4,
            &[
                "uncertain[0]",
                "distrbution",
                "did you mean `distribution`?",
            ],
        ),
        // An abbreviation of a key, too short for the edit distance: the key it abbreviates.
        (
            "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\ndist = \"normal\"\n",
            4,
            &[
                "uncertain[0].dist",
                "unknown key `dist`",
                "did you mean `distribution`?",
            ],
        ),
        (
            "[[uncertain]]\npath = \"model.war_cost\"\nrole = \"lever\"\nrange = [0.2, 2.0]\n",
            3,
            &["uncertain[0]", "role"],
        ),
        (
            "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 200.0]\n",
            3,
            &[
                "uncertain[0].range",
                "found 200.0",
                "help: `model.war_cost`: ",
            ],
        ),
        (
            "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\ndistribution = \"normal\"\n",
            1,
            &["uncertain[0]", "this distribution needs `mean`"],
        ),
        (
            "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\n\n\
             [[uncertain]]\npath = \"model.war_cost\"\nvalues = [1.0]\n",
            6,
            &["uncertain[1].path", "already has a prior"],
        ),
    ];
    for (i, (extra, line, fragments)) in cases.iter().enumerate() {
        let file = with_priors(dir.path(), &format!("bad{i}.toml"), extra);
        for cmd in [&["run"][..], &["validate"][..]] {
            let out = deter()
                .args(cmd)
                .arg(&file)
                .args(if cmd[0] == "run" {
                    &["--quiet"][..]
                } else {
                    &[][..]
                })
                .output()
                .unwrap();
            refused_for(&out, format_args!("case {i} {cmd:?}"));
            let err = String::from_utf8_lossy(&out.stderr);
            let at = format!("bad{i}.toml:{}:", template_lines + 1 + line);
            assert!(err.contains(&at), "case {i}: expected {at} in\n{err}");
            for f in *fragments {
                assert!(err.contains(f), "case {i}: expected `{f}` in\n{err}");
            }
        }
    }
}

#[test]
fn nested_runs_refuse_flags_they_cannot_honour() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    for extra in [&["--until-ci", "0.01"][..], &["--per-run", "rows.csv"][..]] {
        let out = deter()
            .args(["run", file.to_str().unwrap(), "--quiet"])
            .args(extra)
            .output()
            .unwrap();
        refused_for(&out, format_args!("{extra:?}"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("error: expected no --until-ci in nested Monte Carlo")
                || err.contains("error: expected no --per-run file in nested Monte Carlo"),
            "{err}"
        );
    }
    let two = deter()
        .args([
            "run",
            file.to_str().unwrap(),
            file.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    refused(&two);
    // Sharded, a nested run refuses the same flags in the same words (its shards: tests/shards.rs).
    let shard = deter()
        .args(["run", file.to_str().unwrap(), "--shard", "0/2", "--quiet"])
        .args(["--per-run-rows"])
        .output()
        .unwrap();
    refused(&shard);
    assert!(
        String::from_utf8_lossy(&shard.stderr)
            .contains("--per-run-rows does not apply to nested Monte Carlo ([[uncertain]] priors)"),
        "{}",
        String::from_utf8_lossy(&shard.stderr)
    );
}

/// The 95% interval of the mean over D draws counts the spread between draws: its half-width
/// is z sd(per_draw) / sqrt(D) (z = `stats::Z95`, the 1.96 of every interval), recomputed here
/// from the per-draw probabilities; an outcome the same in every draw has the point (sd 0);
/// with one draw it is undefined (null).
#[test]
fn the_interval_of_the_mean_counts_the_error_from_few_draws() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    let f = file.to_str().unwrap();
    let v = json(&[
        "run", f, "--draws", "12", "--runs", "100", "--seed", "3", "--format", "json",
    ]);
    let mut checked = 0;
    for o in v["outcomes"].as_array().unwrap() {
        let name = o["outcome"].as_str().unwrap();
        let p: Vec<f64> = o["per_draw"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let d = p.len() as f64;
        let mean = p.iter().sum::<f64>() / d;
        let sd = (p.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d - 1.0)).sqrt();
        let se = sd / d.sqrt();
        if se == 0.0 {
            // No variation: the point, as a mean over runs that did not vary.
            for end in ["mc95_lo", "mc95_hi"] {
                let v = o[end].as_f64().expect("no variation: the point, not null");
                assert!((v - mean).abs() < 1e-12, "{name}: {end} {v}, mean {mean}");
            }
            continue;
        }
        checked += 1;
        let lo = o["mc95_lo"].as_f64().unwrap();
        let hi = o["mc95_hi"].as_f64().unwrap();
        assert!(
            (lo - (mean - deter::stats::Z95 * se).max(0.0)).abs() < 1e-12,
            "{name} lo {lo}"
        );
        assert!(
            (hi - (mean + deter::stats::Z95 * se).min(1.0)).abs() < 1e-12,
            "{name} hi {hi}"
        );
    }
    assert!(checked >= 2, "too few outcomes vary across draws");
    let text = deter()
        .args([
            "run", f, "--draws", "12", "--runs", "100", "--seed", "3", "--quiet",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("95% interval of the mean (draws x runs)"),
        "{text}"
    );

    let one = with_priors(
        dir.path(),
        "one.toml",
        "[[uncertain]]\npath = \"model.war_cost\"\nvalues = [1.3]\n",
    );
    let one = one.to_str().unwrap();
    let v = json(&[
        "run", one, "--draws", "1", "--runs", "100", "--format", "json",
    ]);
    let war = outcome(&v, "outcomes", "war");
    assert!(
        war["mc95_lo"].is_null() && war["mc95_hi"].is_null(),
        "{war}"
    );
    assert_eq!(war["mc95_undefined"], "undefined (n = 1)");
    let text = deter()
        .args(["run", one, "--draws", "1", "--runs", "100", "--quiet"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("undefined (n = 1)"));
}

/// `true` / `false` for a numeric parameter is a type error (file:line:col, key path, exit 2)
/// in `[[uncertain]]` and in `--set`, never silently 1 / 0.
#[test]
fn booleans_for_numeric_parameters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(
        dir.path(),
        "b.toml",
        "[[uncertain]]\npath = \"model.war_cost\"\nvalues = [true, false]\n",
    );
    let out = deter()
        .args(["run", file.to_str().unwrap(), "--runs", "10", "--quiet"])
        .output()
        .unwrap();
    refused(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("uncertain[0].values[0]"), "{err}");
    assert!(err.contains("expected a number"), "{err}");
    assert!(err.contains("b.toml:"), "{err}");
    let template = root().join("src/scenario/template.toml");
    let out = deter()
        .args([
            "run",
            template.to_str().unwrap(),
            "--set",
            "model.war_cost=true",
        ])
        .args(["--runs", "10", "--quiet"])
        .output()
        .unwrap();
    refused(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("model.war_cost") && err.contains("expected a number"),
        "{err}"
    );
}

/// The scenario names show escaped on the nested pages of a run and of a comparison.
#[test]
fn nested_pages_escape_hostile_scenario_names() {
    let dir = tempfile::tempdir().unwrap();
    let a = with_priors(dir.path(), "a.toml", WAR_COST);
    let b = dir.path().join("b.toml");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(
        &b,
        text.replacen(
            "name = \"My region\"",
            "name = \"Evil <script>&\\\"' name\"",
            1,
        ),
    )
    .unwrap();
    let (run, cmp) = (dir.path().join("r.html"), dir.path().join("c.html"));
    let common = [
        "--draws",
        "2",
        "--runs",
        "20",
        "--horizon-years",
        "1",
        "--quiet",
    ];
    let ok = |args: &[&str]| {
        let out = deter().args(args).args(common).output().unwrap();
        succeeded(&out);
    };
    ok(&[
        "run",
        b.to_str().unwrap(),
        "--report",
        run.to_str().unwrap(),
    ]);
    ok(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--report",
        cmp.to_str().unwrap(),
    ]);
    for page in [run, cmp] {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(!html.contains("<script"), "raw markup on {page:?}");
        assert!(
            html.contains("<h1>Evil &lt;script&gt;&amp;&quot;' name")
                || html.contains("vs Evil &lt;script&gt;&amp;&quot;' name</h1>"),
            "{html}"
        );
    }
}

/// The warnings (`FILE:LINE:COL: warning: KEY: MESSAGE` and the lines under it up to the
/// help) in `err`, each as (header, help).
fn warnings_in(err: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = err.lines().peekable();
    while let Some(l) = lines.next() {
        if l.contains(": warning: ") {
            let help = lines
                .by_ref()
                .find(|h| h.trim_start().starts_with("= help: "))
                .unwrap_or_default()
                .trim_start()
                .to_string();
            out.push((l.to_string(), help));
        }
    }
    out
}

/// `--set PATH=VALUE` on a path a `[[uncertain]]` prior draws was silently replaced by the
/// draws (run, compare, validate said nothing). Each now warns, located at the prior
/// (file:line:col of its `path`), naming the path and the text and both ways out, in the
/// same words; compare also for a prior of the other file (A and B share the draws). The
/// replacement itself is recomputed from the JSON: no draw holds the value set.
#[test]
fn a_value_set_on_a_path_a_prior_draws_is_warned_at_the_prior() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    let plain = with_priors(dir.path(), "plain.toml", "");
    let f = file.to_str().unwrap();
    let p = plain.to_str().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l == "path = \"model.war_cost\"")
        .unwrap();
    let header = |flag: &str| {
        format!(
            "{f}:{line}:8: warning: uncertain[0].path: this prior draws `model.war_cost`: in every draw its values replace the value `model.war_cost=0.5` of `{flag}`"
        )
    };
    let help = |flag: &str| {
        format!(
            "= help: remove this [[uncertain]] entry to run with the value set, or drop `model.war_cost=0.5` from `{flag}` to keep the prior"
        )
    };
    // A horizon the template's policy (2027-01) starts within: no warning of its date.
    let small = [
        "--draws",
        "3",
        "--runs",
        "2",
        "--horizon-years",
        "3",
        "--quiet",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", f, "--set", "model.war_cost=0.5"], "--set"),
        (
            vec!["compare", f, p, "--set", "model.war_cost=0.5"],
            "--set",
        ),
        // B's value, replaced by A's prior: A and B run on the same draws.
        (
            vec!["compare", p, f, "--set", "model.war_cost=0.5"],
            "--set",
        ),
        (
            vec!["compare", f, p, "--set-b", "model.war_cost=0.5"],
            "--set-b",
        ),
        (vec!["validate", f, "--set", "model.war_cost=0.5"], "--set"),
    ];
    for (args, flag) in cases {
        let mut all = args.clone();
        if args[0] != "validate" {
            all.extend(small);
        }
        let out = deter().args(&all).output().unwrap();
        succeeded_for(&out, format_args!("deter {all:?}"));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        // A comparison of the file with priors against the plain one also warns that the
        // prior is one side's only (the other side runs on its draws too): apart, here.
        let (one_sided, w): (Vec<_>, Vec<_>) = warnings_in(&err)
            .into_iter()
            .partition(|(h, _)| h.contains("` has a prior in "));
        assert_eq!(w, vec![(header(flag), help(flag))], "deter {all:?}:\n{err}");
        assert_eq!(
            one_sided.len(),
            usize::from(args[0] == "compare"),
            "deter {all:?}:\n{err}"
        );
    }
    // The draws replace the value: none of the 20 draws is 0.5, all are in the prior's range.
    let v = json(&[
        "run",
        f,
        "--set",
        "model.war_cost=0.5",
        "--draws",
        "20",
        "--runs",
        "2",
        "--horizon-years",
        "3",
        "--format",
        "json",
    ]);
    let drawn: Vec<f64> = v["parameters"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_f64().unwrap())
        .collect();
    assert_eq!(drawn.len(), 20);
    assert!(
        drawn.iter().all(|&x| x != 0.5 && (0.2..=2.0).contains(&x)),
        "{drawn:?}"
    );
    // No prior on the path set: no warning.
    let out = deter()
        .args(["run", f, "--set", "model.punishment=0.5"])
        .args(small)
        .output()
        .unwrap();
    succeeded(&out);
    assert!(warnings_in(&String::from_utf8_lossy(&out.stderr)).is_empty());
}

/// `--set PATH=VALUE` on a path a `--posterior` column draws was silently replaced by the
/// draws, where the same `--set` on a path an `[[uncertain]]` prior draws is warned about.
/// Now warned in the prior's words (what draws it, the path, the text, both ways out), at
/// the column's header cell, in run and compare (`--set` once for A and B, `--set-b`); the
/// replacement itself is recomputed from the JSON: no draw holds the value set.
#[test]
fn a_value_set_on_a_path_a_posterior_column_draws_is_warned_at_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let plain = with_priors(dir.path(), "plain.toml", "");
    let prior = with_priors(dir.path(), "prior.toml", WAR_COST);
    let post = common::write_posterior(
        dir.path(),
        &["model.war_cost"],
        &[(&[0.8], 0.5), (&[1.2], 0.5)],
    );
    let (p, pr, po) = (
        plain.to_str().unwrap(),
        prior.to_str().unwrap(),
        post.to_str().unwrap(),
    );
    let small = [
        "--draws",
        "4",
        "--runs",
        "2",
        "--horizon-years",
        "3",
        "--quiet",
    ];
    // The prior's warning for the same --set: the words to match, but for what draws it.
    let out = deter()
        .args(["run", pr, "--set", "model.war_cost=0.5"])
        .args(small)
        .output()
        .unwrap();
    succeeded(&out);
    let prior_w = warnings_in(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(prior_w.len(), 1, "{prior_w:?}");
    let (h, help) = &prior_w[0];
    let message = h.split_once(": uncertain[0].path: this prior ").unwrap().1;
    let help = help
        .strip_prefix("= help: remove this [[uncertain]] entry ")
        .unwrap()
        .strip_suffix(" to keep the prior")
        .unwrap();
    let expected = |flag: &str| {
        (
            format!("{po}:2:6: warning: column `model.war_cost`: this column {message}")
                .replace("`--set`", &format!("`{flag}`")),
            format!("= help: remove this column {help} to keep the posterior's draws")
                .replace("`--set`", &format!("`{flag}`")),
        )
    };
    assert!(expected("--set").0.contains(
        "this column draws `model.war_cost`: in every draw its values replace the value \
         `model.war_cost=0.5` of `--set`"
    ));
    for (args, flag) in [
        (vec!["run", p, "--set", "model.war_cost=0.5"], "--set"),
        // A and B both given the value: said once.
        (
            vec!["compare", p, p, "--set", "model.war_cost=0.5"],
            "--set",
        ),
        (
            vec!["compare", p, p, "--set-b", "model.war_cost=0.5"],
            "--set-b",
        ),
    ] {
        let out = deter()
            .args(&args)
            .args(["--posterior", po])
            .args(small)
            .output()
            .unwrap();
        succeeded_for(&out, format_args!("deter {args:?}"));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            warnings_in(&err),
            vec![expected(flag)],
            "deter {args:?}:\n{err}"
        );
    }
    // The draws replace the value: every draw is one of the posterior's values, none 0.5.
    let v = json(&[
        "run",
        p,
        "--posterior",
        po,
        "--set",
        "model.war_cost=0.5",
        "--draws",
        "20",
        "--runs",
        "2",
        "--horizon-years",
        "3",
        "--format",
        "json",
    ]);
    let drawn: Vec<f64> = v["parameters"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_f64().unwrap())
        .collect();
    assert_eq!(drawn.len(), 20);
    assert!(drawn.iter().all(|&x| x == 0.8 || x == 1.2), "{drawn:?}");
    // A path no column draws: no warning.
    let out = deter()
        .args(["run", p, "--posterior", po, "--set", "model.punishment=0.5"])
        .args(small)
        .output()
        .unwrap();
    succeeded(&out);
    assert!(warnings_in(&String::from_utf8_lossy(&out.stderr)).is_empty());
}

/// A value set on a path that both an `[[uncertain]]` prior and a `--posterior` column draw
/// got two warnings: the prior's, whose help (remove this [[uncertain]] entry to run with the
/// value set) is wrong there, as the column still draws the path, and the column's. Now one
/// warning, at the column (which takes the prior's place), naming the prior where it is
/// written, and a help that removes both; in run and compare (`--set`, `--set-b`). The draws
/// are the posterior's (recomputed from the JSON: every draw 0.8 or 1.2).
#[test]
fn a_value_set_on_a_path_a_prior_and_a_column_draw_is_one_warning_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let prior = with_priors(dir.path(), "prior.toml", WAR_COST);
    let post = common::write_posterior(
        dir.path(),
        &["model.war_cost"],
        &[(&[0.8], 0.5), (&[1.2], 0.5)],
    );
    let (pr, po) = (prior.to_str().unwrap(), post.to_str().unwrap());
    let small = [
        "--draws",
        "4",
        "--runs",
        "2",
        "--horizon-years",
        "3",
        "--quiet",
    ];
    let text = std::fs::read_to_string(&prior).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l == "path = \"model.war_cost\"")
        .unwrap();
    for (args, flag) in [
        (vec!["run", pr, "--set", "model.war_cost=0.5"], "--set"),
        (
            vec!["compare", pr, pr, "--set", "model.war_cost=0.5"],
            "--set",
        ),
        (
            vec!["compare", pr, pr, "--set-b", "model.war_cost=0.5"],
            "--set-b",
        ),
    ] {
        let out = deter()
            .args(&args)
            .args(["--posterior", po])
            .args(small)
            .output()
            .unwrap();
        succeeded_for(&out, format_args!("deter {args:?}"));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let place = format!("{pr}:{line}:8");
        assert_eq!(
            warnings_in(&err),
            vec![(
                format!(
                    "{po}:2:6: warning: column `model.war_cost`: this column, in place of the \
                     [[uncertain]] prior ({place}), draws `model.war_cost`: in every draw its \
                     values replace the value `model.war_cost=0.5` of `{flag}`"
                ),
                format!(
                    "= help: remove this column and the [[uncertain]] entry ({place}) to run \
                     with the value set, or drop `model.war_cost=0.5` from `{flag}` to keep the \
                     posterior's draws"
                ),
            )],
            "deter {args:?}:\n{err}"
        );
    }
    // Without the posterior the prior's own warning stays.
    let out = deter()
        .args(["run", pr, "--set", "model.war_cost=0.5"])
        .args(small)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let w = warnings_in(&err);
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].1
            .starts_with("= help: remove this [[uncertain]] entry"),
        "{err}"
    );
    let v = json(&[
        "run",
        pr,
        "--posterior",
        po,
        "--set",
        "model.war_cost=0.5",
        "--draws",
        "20",
        "--runs",
        "2",
        "--horizon-years",
        "3",
        "--format",
        "json",
    ]);
    let drawn = v["parameters"]["values"].as_array().unwrap();
    assert_eq!(drawn.len(), 20);
    assert!(
        drawn
            .iter()
            .all(|r| r[0].as_f64() == Some(0.8) || r[0].as_f64() == Some(1.2)),
        "{drawn:?}"
    );
}

/// A posterior (`--posterior`, the prior of a nested run) with a column a dated policy of the
/// scenario changes: the policy replaces each draw from its start on, which was said of a
/// `[[uncertain]]` prior on the same path but not of the posterior's column. Now the same
/// message and help as the scenario file's, at the column's header cell, in run and compare;
/// silenced as there by disabling the policy.
#[test]
fn a_posterior_column_a_dated_policy_changes_is_warned_as_a_prior_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = "country.BBB.military.budget_share";
    let prior = with_priors(
        dir.path(),
        "prior.toml",
        &format!("[[uncertain]]\npath = \"{path}\"\nrange = [0.01, 0.03]\n"),
    );
    let plain = with_priors(dir.path(), "plain.toml", "");
    let post = common::write_posterior(dir.path(), &[path], &[(&[0.015], 0.5), (&[0.025], 0.5)]);
    let (pr, p, po) = (
        prior.to_str().unwrap(),
        plain.to_str().unwrap(),
        post.to_str().unwrap(),
    );
    // The scenario file's warning for its prior: the words to match.
    let out = deter().args(["validate", pr]).output().unwrap();
    succeeded(&out);
    let file_w = warnings_in(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(file_w.len(), 1, "{file_w:?}");
    let (h, help) = &file_w[0];
    let message = h.split_once(": uncertain[0].path: ").unwrap().1;
    assert!(
        message.contains("policy `target-defence` changes") && message.contains("this prior"),
        "{message}"
    );
    // The posterior's column header is on line 2 (after the comment), `draw,` before it.
    let expected = (
        format!("{po}:2:6: warning: column `{path}`: {message}"),
        help.clone(),
    );
    let small = [
        "--draws",
        "2",
        "--runs",
        "2",
        "--horizon-years",
        "5",
        "--quiet",
    ];
    for args in [
        vec!["run", p, "--posterior", po],
        vec![
            "compare",
            p,
            p,
            "--posterior",
            po,
            "--set-b",
            "model.war_cost=1",
        ],
    ] {
        let out = deter().args(&args).args(small).output().unwrap();
        succeeded_for(&out, format_args!("deter {args:?}"));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            warnings_in(&err),
            vec![expected.clone()],
            "deter {args:?}:\n{err}"
        );
    }
    // The policy disabled: nothing to say, as for the prior in the file.
    let out = deter()
        .args([
            "run",
            p,
            "--posterior",
            po,
            "--set",
            "policy.target-defence.enabled=false",
        ])
        .args(small)
        .output()
        .unwrap();
    succeeded(&out);
    assert!(warnings_in(&String::from_utf8_lossy(&out.stderr)).is_empty());
    // A horizon that ends before the policy starts (2027-01): it overrides nothing (the
    // file's own warning says the policy never takes effect; none about the column).
    let out = deter()
        .args(["run", p, "--posterior", po, "--draws", "2", "--runs", "2"])
        .args(["--horizon-years", "1", "--quiet"])
        .output()
        .unwrap();
    succeeded(&out);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!warnings_in(&err).is_empty(), "{err}");
    assert!(
        warnings_in(&err).iter().all(|(h, _)| !h.contains("column")),
        "{err}"
    );
}

/// A sweep's `futures` (a posterior as the futures' draws) with a column a dated policy of
/// the base changes was said nothing of, where a `[[parameter]]` on the same path is warned
/// about: now the `[[parameter]]`'s words, at the column's header cell under `futures`, in
/// `deter validate` and `deter sweep` alike. And a policy's `set` on a path the futures draw
/// (replaced in every future, as `--set` by a prior's draws) is warned about at what draws it.
#[test]
fn a_sweep_warns_of_draws_a_policy_overrides_and_of_values_the_draws_replace() {
    let dir = tempfile::tempdir().unwrap();
    let path = "country.BBB.military.budget_share";
    with_priors(dir.path(), "base.toml", "");
    common::write_posterior(dir.path(), &[path], &[(&[0.015], 0.5), (&[0.025], 0.5)]);
    let futures = write(
        dir.path(),
        "futures.toml",
        "base = \"base.toml\"\nruns = 2\nfutures = \"posterior.csv\"\n",
    );
    let param = write(
        dir.path(),
        "param.toml",
        &format!(
            "base = \"base.toml\"\nruns = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"{path}\"\nrole = \"uncertainty\"\nvalues = [0.015, 0.025]\n"
        ),
    );
    let message = |f: &std::path::Path| {
        let out = deter().args(["validate"]).arg(f).output().unwrap();
        succeeded(&out);
        warnings_in(&String::from_utf8_lossy(&out.stderr))
    };
    let by_param = message(&param);
    assert_eq!(by_param.len(), 1, "{by_param:?}");
    let words = by_param[0]
        .0
        .split_once(": parameter[0].path: ")
        .unwrap()
        .1
        .to_string();
    assert!(words.contains("policy `target-defence`"), "{words}");
    let f = futures.to_str().unwrap();
    let expected = (
        format!("{f}:3:11: warning: futures: posterior.csv:2:6: column `{path}`: {words}"),
        by_param[0].1.clone(),
    );
    assert_eq!(message(&futures), vec![expected.clone()]);
    let out = deter()
        .args(["sweep", f, "--quiet", "--horizon-years", "3"])
        .output()
        .unwrap();
    succeeded(&out);
    assert_eq!(
        warnings_in(&String::from_utf8_lossy(&out.stderr)),
        vec![expected]
    );

    // A lever set on a path the futures draw: the draws replace it in every future.
    let lever = format!("[[policy]]\nid = \"a\"\nset = {{ \"{path}\" = 0.02 }}\n");
    let p = write(
        dir.path(),
        "lever.toml",
        &format!(
            "base = \"base.toml\"\nruns = 2\ndesign = \"grid\"\n{lever}[[parameter]]\npath = \"{path}\"\nrole = \"uncertainty\"\nvalues = [0.015, 0.025]\n"
        ),
    );
    let w = message(&p);
    let replaced = format!(
        "{}:8:8: warning: parameter[0].path: this parameter draws `{path}`: in every draw its values replace the value `{path} = 0.02` of `policy[0].set`",
        p.display()
    );
    assert!(w.iter().any(|(h, _)| *h == replaced), "{w:?}");
}

/// A value the same in every parameter draw (here the outcomes a few runs always reach, and
/// every effect of a file compared with itself) has its interval of the mean over draws, the
/// point: sd 0 over the draws, so mean +- 1.96 x 0, as `deter run` and `deter compare` give
/// a mean over runs that did not vary (docs/OUTPUT.md). It had none (JSON `null` with
/// "undefined (no variation among n = 2 draws)", an empty CSV cell, the words alone in the
/// tables and pages). JSON and CSV carry the point (`se_mean` 0, `mc95_lo` = `mc95_hi` =
/// the mean, no `mc95_undefined`), the table and the page the point with "unchanged in every
/// draw" beside it; one draw stays undefined ("undefined (n = 1)").
#[test]
fn a_value_the_same_in_every_draw_has_its_point_interval() {
    let d = tempfile::tempdir().unwrap();
    let base = root()
        .join("scenarios/western-balkans-2024.toml")
        .display()
        .to_string();
    let post = write(
        d.path(),
        "post.csv",
        "draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,0.6,1,0\n",
    );
    let post = post.to_str().unwrap();
    let nested = ["--posterior", post, "--draws", "2", "--runs", "20", "-q"];
    let page = d.path().join("page.html");
    for (first, key, mean_key, point_words) in [
        (
            &["run", &base][..],
            "outcomes",
            "mean",
            "[100.0%, 100.0%], unchanged in every draw",
        ),
        (
            &["compare", &base, &base][..],
            "effects",
            "effect_mean",
            "[+0.0, +0.0] pp, unchanged in every draw",
        ),
    ] {
        let o = deter()
            .args(first)
            .args(nested)
            .args(["--report", page.to_str().unwrap()])
            .output()
            .unwrap();
        succeeded_for(&o, format_args!("{first:?}"));
        let table = String::from_utf8_lossy(&o.stdout).into_owned();
        let html = std::fs::read_to_string(&page).unwrap();
        for (what, text) in [("table", &table), ("page", &html)] {
            assert!(text.contains(point_words), "{first:?} {what}:\n{text}");
            assert!(!text.contains("no variation"), "{first:?} {what}:\n{text}");
        }
        let o = deter()
            .args(first)
            .args(nested)
            .args(["--format", "json"])
            .output()
            .unwrap();
        succeeded(&o);
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(!json.to_string().contains("no variation"), "{json}");
        // Rows whose draws agree: the point, recomputed here from `per_draw`.
        let mut points = 0;
        for row in json[key].as_array().unwrap() {
            let p: Vec<f64> = row["per_draw"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            if p.iter().all(|x| *x == p[0]) {
                points += 1;
                let mean = row[mean_key].as_f64().unwrap();
                assert_eq!(row["se_mean"].as_f64(), Some(0.0), "{row}");
                assert_eq!(row["mc95_lo"].as_f64(), Some(mean), "{row}");
                assert_eq!(row["mc95_hi"].as_f64(), Some(mean), "{row}");
                assert!(row["mc95_undefined"].is_null(), "{row}");
            } else {
                assert!(row["se_mean"].as_f64().unwrap() > 0.0, "{row}");
            }
        }
        assert!(points > 0, "{json}");
        // The CSV: no empty cell.
        let o = deter()
            .args(first)
            .args(nested)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        succeeded(&o);
        let csv = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            csv.lines().all(|l| !l.ends_with(',')),
            "{first:?} CSV:\n{csv}"
        );
    }
}

/// A nested comparison's per-file figures are those of the nested runs of each file: with
/// the same seed, draws and runs, draw d of A and of B takes the parameter values and the run
/// streams (d x R .. (d + 1) x R) that `deter run FILE` gives its draw d, as a plain
/// comparison's sides are plain runs. The comparison gave draw d a seed of its own, so A
/// compared with itself read 25.0% where `deter run A` read 22.5%. Recomputed here from the
/// outputs: every mean of A and B, every per-draw effect against the runs' per-draw
/// probabilities, and the tables' A and B columns against the run tables' means; with
/// `[[uncertain]]` priors and with `--posterior`.
#[test]
fn a_nested_comparisons_per_file_figures_are_the_nested_runs() {
    let dir = tempfile::tempdir().unwrap();
    let prior = with_priors(dir.path(), "prior.toml", WAR_COST);
    let plain = with_priors(dir.path(), "plain.toml", "");
    let post = common::write_posterior(
        dir.path(),
        &["model.war_cost"],
        &[(&[0.4], 0.3), (&[1.0], 0.3), (&[1.8], 0.4)],
    );
    let what_if = "rivalry.AAA-BBB.monitoring=0.8";
    let small = [
        "--runs",
        "20",
        "--draws",
        "3",
        "--horizon-years",
        "4",
        "--seed",
        "9",
    ];
    for (file, extra) in [
        (prior.to_str().unwrap(), vec![]),
        (
            plain.to_str().unwrap(),
            vec!["--posterior", post.to_str().unwrap()],
        ),
    ] {
        let with = |args: &[&str]| -> Vec<String> {
            args.iter()
                .chain(&small)
                .chain(&extra)
                .map(|s| s.to_string())
                .collect()
        };
        let json = |args: &[&str]| -> serde_json::Value {
            let v = with(args);
            json(&v.iter().map(String::as_str).collect::<Vec<_>>())
        };
        let run_a = json(&["run", file, "--format", "json"]);
        let run_b = json(&["run", file, "--set", what_if, "--format", "json"]);
        let cmp = json(&[
            "compare", file, file, "--set-b", what_if, "--format", "json",
        ]);
        assert_eq!(cmp["parameters"], run_a["parameters"], "{file} {extra:?}");
        assert_eq!(cmp["parameters"], run_b["parameters"], "{file} {extra:?}");
        let mut moved = false;
        for e in cmp["effects"].as_array().unwrap() {
            let name = e["outcome"].as_str().unwrap();
            let (a, b) = (
                outcome(&run_a, "outcomes", name),
                outcome(&run_b, "outcomes", name),
            );
            assert_eq!(
                e["mean_a"], a["mean"],
                "{name} {extra:?}: A {e} against run {a}"
            );
            assert_eq!(
                e["mean_b"], b["mean"],
                "{name} {extra:?}: B {e} against run {b}"
            );
            let (pa, pb, delta) = (
                a["per_draw"].as_array().unwrap(),
                b["per_draw"].as_array().unwrap(),
                e["per_draw"].as_array().unwrap(),
            );
            assert_eq!(delta.len(), 3);
            for d in 0..3 {
                let want = pb[d].as_f64().unwrap() - pa[d].as_f64().unwrap();
                let got = delta[d].as_f64().unwrap();
                assert!(
                    (got - want).abs() < 1e-12,
                    "{name} draw {d}: {got} against {want}"
                );
                moved |= got != 0.0;
            }
        }
        // The what-if moves something, so B's figures are B's, not A's again.
        assert!(moved, "{extra:?}: the what-if changed nothing");
        // The tables: each outcome's A and B columns are the run tables' means.
        let text = |args: &[&str]| {
            let out = deter().args(with(args)).arg("--quiet").output().unwrap();
            succeeded(&out);
            String::from_utf8(out.stdout).unwrap()
        };
        let mean_of = |table: &str, label: &str| -> String {
            let line = table.lines().find(|l| l.starts_with(label)).unwrap();
            line[label.len()..]
                .split_whitespace()
                .next()
                .unwrap()
                .to_string()
        };
        let (ta, tb) = (text(&["run", file]), text(&["run", file, "--set", what_if]));
        let tc = text(&["compare", file, file, "--set-b", what_if]);
        for label in [
            "use of force (MID >= 4)",
            "war (MID 5)",
            "threat (MID level >= 2)",
        ] {
            let line = tc.lines().find(|l| l.starts_with(label)).unwrap();
            let cells: Vec<&str> = line[label.len()..].split_whitespace().collect();
            assert_eq!(cells[0], mean_of(&ta, label), "{label}:\n{tc}\n{ta}");
            assert_eq!(cells[1], mean_of(&tb, label), "{label}:\n{tc}\n{tb}");
        }
    }
}

/// The rows of a table's block that starts with the line beginning `first` (its header),
/// up to the first blank line.
fn table_block<'a>(text: &'a str, first: &str) -> (&'a str, Vec<&'a str>) {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(first));
    let header = lines
        .next()
        .unwrap_or_else(|| panic!("no header `{first}`:\n{text}"));
    (header, lines.take_while(|l| !l.trim().is_empty()).collect())
}

/// Every row's cell of each column in `left` starts where its header starts (two spaces
/// before it), and of each column in `right` ends where its header ends.
fn assert_aligned(text: &str, left: &[&str], right: &[&str]) {
    let (header, rows) = table_block(text, "outcome");
    assert_eq!(rows.len(), 7, "{text}");
    let at = |title: &str| {
        header
            .find(title)
            .unwrap_or_else(|| panic!("{title}:\n{text}"))
    };
    for row in &rows {
        let b = row.as_bytes();
        for title in left {
            let c = at(title);
            assert!(
                b.get(c).is_some_and(|x| *x != b' ') && &row[c - 2..c] == "  ",
                "`{title}` starts at column {c}, not this row's cell:\n{header}\n{row}\n\n{text}"
            );
        }
        for title in right {
            let end = at(title) + title.len();
            assert!(
                b[end - 1] != b' ' && b.get(end).is_none_or(|x| *x == b' '),
                "`{title}` ends at column {end}, not this row's cell:\n{header}\n{row}\n\n{text}"
            );
        }
    }
}

/// The nested tables' columns: each cell under its header. The run's table printed the 95%
/// interval of the mean in a column narrower than its header, so the last column's values
/// stood under the header before it ("[40.7%, 54.4%]                0%" against "... (draws x
/// runs)  share of variance from parameters").
#[test]
fn the_nested_tables_columns_line_up_under_their_headers() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    let f = file.to_str().unwrap();
    for draws in ["1", "6"] {
        let small = [
            "--draws",
            draws,
            "--runs",
            "40",
            "--horizon-years",
            "4",
            "--quiet",
        ];
        let out = deter().args(["run", f]).args(small).output().unwrap();
        succeeded(&out);
        let run = String::from_utf8(out.stdout).unwrap();
        assert_aligned(
            &run,
            &[
                "90% interval over uncertain parameters",
                "95% interval of the mean (draws x runs)",
                "share of variance from parameters",
            ],
            &["mean"],
        );
        let out = deter()
            .args(["compare", f, f, "--set-b", "rivalry.AAA-BBB.monitoring=0.8"])
            .args(small)
            .output()
            .unwrap();
        succeeded(&out);
        let cmp = String::from_utf8(out.stdout).unwrap();
        assert_aligned(
            &cmp,
            &[
                "90% interval over uncertain parameters",
                "95% interval of the mean",
                "share of draws where B is lower",
            ],
            &[" A", " B", "B - A"],
        );
    }
}

/// The nested tables say over which window each probability is: "deter run" says "at least
/// once in 10 years"; the nested run's and comparison's tables named no horizon at all, so
/// `--horizon-years 3` printed probabilities a reader could only take for the file's 10 years.
#[test]
fn nested_tables_name_the_horizon_their_probabilities_cover() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    let file = file.to_str().unwrap();
    let template = root().join("src/scenario/template.toml");
    let template = template.to_str().unwrap();
    for args in [&["run", file][..], &["compare", template, file][..]] {
        let out = deter()
            .args(args)
            .args([
                "--draws",
                "2",
                "--runs",
                "50",
                "--horizon-years",
                "3",
                "--quiet",
            ])
            .output()
            .unwrap();
        succeeded_for(&out, format_args!("deter {args:?}"));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("horizon 3 years"), "deter {args:?}:\n{text}");
        assert!(
            text.contains("at least once over the 3 years of the horizon"),
            "deter {args:?}:\n{text}"
        );
        assert!(!text.contains("10 years"), "deter {args:?}:\n{text}");
    }
}

/// A file of draws given as a named pipe (`--posterior <(...)`) is read once, by the reader
/// of draws: the recognition of a scenario given by mistake read it first, so the reader
/// found it empty ("the file is empty"). The nested run from the pipe equals the run from
/// the same draws in a regular file.
#[cfg(target_os = "linux")]
#[test]
fn a_posterior_given_as_a_pipe_is_read_once() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain = with_priors(dir.path(), "plain.toml", "");
    let post = common::write_posterior(
        dir.path(),
        &["model.war_cost"],
        &[(&[0.8], 0.5), (&[1.2], 0.5)],
    );
    let text = std::fs::read(&post).unwrap();
    let pipe = dir.path().join("draws.fifo");
    common::make_fifo(&pipe);
    let args = |p: &Path| -> Vec<String> {
        [
            "run",
            plain.to_str().unwrap(),
            "--posterior",
            p.to_str().unwrap(),
            "--draws",
            "3",
            "--runs",
            "4",
            "--horizon-years",
            "2",
            "--quiet",
            "--format",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let from_file = deter().args(args(&post)).output().unwrap();
    succeeded(&from_file);
    let mut child = std::process::Command::new(common::bin())
        .args(args(&pipe))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut writer = common::fifo_writer_once_read(&mut child, &pipe);
    writer.write_all(&text).unwrap();
    drop(writer);
    assert!(
        common::ends_within(&mut child, 12000),
        "deter run waits on a pipe it has read"
    );
    let from_pipe = child.wait_with_output().unwrap();
    succeeded(&from_pipe);
    // The same report but for the path it names.
    let named = String::from_utf8(from_pipe.stdout)
        .unwrap()
        .replace(pipe.to_str().unwrap(), post.to_str().unwrap());
    assert_eq!(
        common::json_without_timing(named.as_bytes()),
        common::json_without_timing(&from_file.stdout)
    );
}

/// A nested run and a nested comparison say their horizon in the JSON (`horizon_years`, the
/// key and place of a plain run's), the CSV (entity `scenario`, as a plain run's) and the
/// page, as the table does: each probability is over it.
#[test]
fn nested_json_csv_and_pages_say_their_horizon() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_priors(dir.path(), "s.toml", WAR_COST);
    let f = file.to_str().unwrap();
    // A plain run (no priors): the key the nested outputs take.
    let plain_file = with_priors(dir.path(), "plain.toml", "");
    let plain = json(&[
        "run",
        plain_file.to_str().unwrap(),
        "--runs",
        "20",
        "--horizon-years",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(plain["horizon_years"], 3);
    assert!(plain.get("draws").is_none(), "{plain}");
    let nested = ["--draws", "2", "--runs", "20", "--horizon-years", "3"];
    for cmd in [vec!["run", f], vec!["compare", f, f]] {
        let v = json(&[&cmd[..], &nested[..], &["--format", "json"]].concat());
        assert_eq!(v["horizon_years"], 3, "{cmd:?}: {v}");
        let page = dir.path().join("p.html");
        let out = deter()
            .args(&cmd)
            .args(nested)
            .args([
                "--format",
                "csv",
                "--quiet",
                "--report",
                page.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        succeeded(&out);
        let csv = String::from_utf8(out.stdout).unwrap();
        assert!(
            csv.lines()
                .any(|l| l.ends_with(",scenario,horizon_years,value,3")),
            "{cmd:?}: {csv}"
        );
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(html.contains("horizon 3 years"), "{cmd:?}");
    }
}

/// A nested comparison named A and B by their scenarios' names only ("A: South Caucasus
/// 2025 / B: South Caucasus 2025": an overlay that keeps its base's name could not be told
/// apart from it), and wrote "pts" where every other output writes "pp". Each side is named
/// with its file, as a plain comparison names it, in the table and the page; the unit is
/// "pp".
#[test]
fn nested_compare_names_each_side_with_its_file_and_says_pp() {
    let d = tempfile::tempdir().unwrap();
    let a = with_priors(d.path(), "a.toml", WAR_COST);
    let b = write(
        d.path(),
        "b.toml",
        "extends = \"a.toml\"\n[model]\nwar_cost = 0.9\n",
    );
    let (a, b) = (a.display().to_string(), b.display().to_string());
    let name = std::fs::read_to_string(&a)
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("name = \"")?
                .strip_suffix('"')
                .map(String::from)
        })
        .expect("the template's name");
    let page = d.path().join("page.html");
    let o = deter()
        .args([
            "compare",
            &a,
            &b,
            "--draws",
            "4",
            "--runs",
            "20",
            "--no-attribution",
            "-q",
        ])
        .args(["--report", page.to_str().unwrap()])
        .output()
        .unwrap();
    succeeded(&o);
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(
        table.starts_with(&format!(
            "deter {} | compare\n  A: {name} ({a})\n  B: {name} ({b})\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{table}"
    );
    assert!(!table.contains(" pts"), "{table}");
    assert!(table.contains(" pp  ") && table.contains("] pp"), "{table}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(&format!("A: {name} ({a}). B: {name} ({b}).")),
        "{html}"
    );
    assert!(!html.contains(" pts"), "{html}");
}

/// A calibration's posterior has case columns `CASE/PATH` (one historical case's own
/// parameter): `deter run --posterior` draws them with their row but never sets them, and its
/// JSON listed them among `parameters` with their values like the parameters it set. Each
/// format now says which were applied: JSON `parameters.applied` (false for a case column),
/// CSV statistic `value_not_applied` in place of `value`, the table's and the JSON's
/// "Uncertain parameters" words, a nested comparison alike. Recomputed: a posterior whose
/// case column alone differs gives the same probabilities draw by draw (the column is indeed
/// not applied), and one whose applied column differs does not.
#[test]
fn a_posteriors_case_columns_are_said_not_applied_in_every_format() {
    let d = tempfile::tempdir().unwrap();
    let case = "serbia-kosovo/rivalry.*.opportunity_rate";
    let posterior = |name: &str, war: [f64; 2], rate: [f64; 2]| {
        write(
            d.path(),
            name,
            &format!(
                "# deter calibrate: posterior draws\ndraw,model.war_cost,{case},weight,distance\n\
                 0,{},{},1,0\n1,{},{},1,0\n",
                war[0], rate[0], war[1], rate[1]
            ),
        )
        .display()
        .to_string()
    };
    let p = posterior("p.csv", [0.3, 1.8], [0.1, 0.9]);
    let other_case = posterior("q.csv", [0.3, 1.8], [5.0, 0.01]);
    let other_war = posterior("r.csv", [1.8, 0.3], [0.1, 0.9]);
    let base = root().join("scenarios/western-balkans-2024.toml");
    let base = base.to_str().unwrap();
    let nested = |post: &str, format: &str| {
        let out = deter()
            .args([
                "run",
                base,
                "--posterior",
                post,
                "--draws",
                "4",
                "--runs",
                "200",
            ])
            .args(["--seed", "5", "-q", "--format", format])
            .output()
            .unwrap();
        succeeded_for(&out, format_args!("{post} {format}"));
        String::from_utf8(out.stdout).unwrap()
    };
    let v: serde_json::Value = serde_json::from_str(&nested(&p, "json")).unwrap();
    let params = &v["parameters"];
    assert_eq!(params["paths"], serde_json::json!(["model.war_cost", case]));
    assert_eq!(params["applied"], serde_json::json!([true, false]));
    assert_eq!(params["from_posterior"], serde_json::json!([true, true]));
    let words = v["uncertain_parameters"].as_str().unwrap();
    assert!(
        words.contains(&format!(
            "its case parameters {case} drawn with its rows but not applied"
        )),
        "{words}"
    );
    // Not applied indeed: the case column alone changed, the same probabilities draw by draw
    // (the rows are drawn by weight, equal here, so each draw keeps its war cost).
    let per_draw = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["per_draw"].clone())
            .collect()
    };
    let q: serde_json::Value = serde_json::from_str(&nested(&other_case, "json")).unwrap();
    assert_ne!(q["parameters"]["values"], v["parameters"]["values"]);
    assert_eq!(per_draw(&q), per_draw(&v));
    let r: serde_json::Value = serde_json::from_str(&nested(&other_war, "json")).unwrap();
    assert_ne!(per_draw(&r), per_draw(&v));
    // CSV: the case column's draws under `value_not_applied`, the applied one's under `value`,
    // with the JSON's values.
    let csv = nested(&p, "csv");
    let mut seen = (0, 0);
    for line in csv.lines().filter(|l| l.contains(",draw:")) {
        let cells: Vec<&str> = line.split(',').collect();
        let (entity, metric, stat, value) = (cells[2], cells[3], cells[4], cells[5]);
        let k = entity
            .strip_prefix("draw:")
            .unwrap()
            .parse::<usize>()
            .unwrap();
        let column = match metric {
            "model.war_cost" => 0,
            m if m == case => 1,
            _ => continue,
        };
        let want = if column == 0 {
            "value"
        } else {
            "value_not_applied"
        };
        assert_eq!(stat, want, "{line}");
        assert_eq!(
            value.parse::<f64>().unwrap(),
            v["parameters"]["values"][k][column].as_f64().unwrap(),
            "{line}"
        );
        if column == 0 {
            seen.0 += 1
        } else {
            seen.1 += 1
        }
    }
    assert_eq!(seen, (4, 4), "{csv}");
    // The table's words.
    let table = nested(&p, "table");
    assert!(
        table.contains(&format!(
            "its case parameters {case} drawn with its rows but not applied"
        )),
        "{table}"
    );
    // A nested comparison's JSON alike.
    let out = deter()
        .args([
            "compare",
            base,
            base,
            "--posterior",
            &p,
            "--draws",
            "2",
            "--runs",
            "20",
        ])
        .args(["-q", "--format", "json"])
        .output()
        .unwrap();
    succeeded(&out);
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(c["parameters"]["applied"], serde_json::json!([true, false]));
}
