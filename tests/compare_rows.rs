//! `deter compare`'s differences of means per run: every row (crises, disputes, GDP lost,
//! years to first use of force) carries its paired 95% interval, recomputed here from the
//! per-run rows of `deter run` on each side (the two sides of a comparison are those plain
//! runs, run i of both on stream i); GDP lost is compared only in one currency unit; and the
//! order in which a comparison of a file with itself warns and a flag is refused.

use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::{refused, run, stderr, stdout, succeeded, write};

const BALTIC: &str = "scenarios/history/russia-baltic-2014.toml";
const BALKANS: &str = "scenarios/western-balkans-2024.toml";
const Z95: f64 = 1.959963984540054;

/// The per-run rows of `deter run FILE --per-run`, keyed by run: per rivalry id the values
/// of (crises, disputes, gdp_lost, months to first use of force or None).
type Rows = BTreeMap<u64, BTreeMap<String, (f64, f64, f64, Option<f64>)>>;

fn per_run(dir: &Path, name: &str, extra: &[&str]) -> Rows {
    let out = dir.join(name);
    let out_s = out.to_str().unwrap();
    let mut args = vec![
        "run",
        BALTIC,
        "--runs",
        "400",
        "--seed",
        "17",
        "--no-attribution",
        "--per-run",
        out_s,
        "--format",
        "json",
        "--out",
    ];
    let json = dir.join(format!("{name}.json"));
    args.push(json.to_str().unwrap());
    args.extend(extra);
    succeeded(&run(&args));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |k: &str| header.iter().position(|h| *h == k).unwrap();
    let (ir, iv, ic, id, ig, im) = (
        col("run"),
        col("rivalry"),
        col("crises"),
        col("disputes"),
        col("gdp_lost"),
        col("first_force_month"),
    );
    let mut rows = Rows::new();
    for l in lines {
        let c: Vec<&str> = l.split(',').collect();
        let f = |i: usize| c[i].parse::<f64>().unwrap();
        let month = (!c[im].is_empty()).then(|| f(im));
        rows.entry(c[ir].parse().unwrap())
            .or_default()
            .insert(c[iv].to_string(), (f(ic), f(id), f(ig), month));
    }
    rows
}

/// Mean and paired 95% interval of the per-run differences `ds`, computed directly.
fn interval(ds: &[f64]) -> (f64, f64, f64) {
    let n = ds.len() as f64;
    let m = ds.iter().sum::<f64>() / n;
    let var = ds.iter().map(|d| (d - m) * (d - m)).sum::<f64>() / (n - 1.0);
    let h = Z95 * (var / n).sqrt();
    (m, m - h, m + h)
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * (1.0 + want.abs()),
        "{what}: {got} vs {want} recomputed"
    );
}

/// Every mean-difference row of the comparison (region and each rivalry) has the interval
/// recomputed from the per-run rows: the mean of the per-run differences B - A +- 1.96
/// standard errors, runs as units (region: the rivalries' counts and GDP summed per run, the
/// earliest first use of force); GDP lost among them, in the scenario's unit.
#[test]
fn every_mean_difference_row_has_the_paired_interval_of_the_per_run_differences() {
    let dir = tempfile::tempdir().unwrap();
    let set = "model.war_cost=2";
    let a = per_run(dir.path(), "a.csv", &[]);
    let b = per_run(dir.path(), "b.csv", &["--set", set]);
    let out = run(&[
        "compare",
        BALTIC,
        BALTIC,
        "--set-b",
        set,
        "--runs",
        "400",
        "--seed",
        "17",
        "--no-attribution",
        "--format",
        "json",
    ]);
    succeeded(&out);
    let cmp: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let horizon_months = 12.0 * cmp["a"]["horizon_years"].as_f64().unwrap();
    let entities: Vec<&serde_json::Value> = std::iter::once(&cmp["region"])
        .chain(cmp["rivalries"].as_array().unwrap())
        .collect();
    assert_eq!(entities.len(), 4, "the region and three rivalries");
    let mut gdp_moved = false;
    for e in entities {
        let entity = e["entity"].as_str().unwrap();
        // One side's value per run of a metric, for this entity.
        let value = |rows: &Rows, run: u64, k: usize| -> f64 {
            let rs: Vec<&(f64, f64, f64, Option<f64>)> = rows[&run]
                .iter()
                .filter(|(id, _)| entity == "region" || id.as_str() == entity)
                .map(|(_, v)| v)
                .collect();
            match k {
                0 => rs.iter().map(|v| v.0).sum(),
                1 => rs.iter().map(|v| v.1).sum(),
                2 => rs.iter().fold(0.0, |s, v| s + v.2),
                _ => rs.iter().filter_map(|v| v.3).fold(horizon_months, f64::min) / 12.0,
            }
        };
        let metrics = e["metrics"].as_array().unwrap();
        let keys: Vec<&str> = metrics
            .iter()
            .map(|m| m["metric"].as_str().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "crises",
                "disputes",
                "gdp_lost",
                "years_to_first_use_of_force"
            ],
            "{entity}"
        );
        for (k, m) in metrics.iter().enumerate() {
            let what = format!("{entity} {}", keys[k]);
            let ds: Vec<f64> = (0..400)
                .map(|i| value(&b, i, k) - value(&a, i, k))
                .collect();
            let (mean, lo, hi) = interval(&ds);
            close(m["diff"].as_f64().unwrap(), mean, &what);
            close(
                m["paired95_lo"].as_f64().unwrap(),
                lo,
                &format!("{what} lo"),
            );
            close(
                m["paired95_hi"].as_f64().unwrap(),
                hi,
                &format!("{what} hi"),
            );
            assert!(m.get("undefined").is_none(), "{what}: {m}");
            assert_eq!(
                m["excludes_zero"].as_bool().unwrap(),
                lo > 0.0 || hi < 0.0,
                "{what}"
            );
            let mean_a = (0..400).map(|i| value(&a, i, k)).sum::<f64>() / 400.0;
            close(
                m["mean_a"].as_f64().unwrap(),
                mean_a,
                &format!("{what} mean_a"),
            );
            if k == 2 && lo < hi {
                gdp_moved = true;
            }
        }
    }
    assert!(gdp_moved, "a GDP lost that varies between runs somewhere");
    assert!(cmp.get("gdp_lost_not_compared").is_none());

    // The CSV carries the same intervals, the table and the page print them.
    let csv = stdout(&run(&[
        "compare",
        BALTIC,
        BALTIC,
        "--set-b",
        set,
        "--runs",
        "400",
        "--seed",
        "17",
        "--no-attribution",
        "--format",
        "csv",
    ]));
    let m = &cmp["region"]["metrics"][2];
    for stat in ["mean_a", "mean_b", "diff", "paired95_lo", "paired95_hi"] {
        let want = m[stat].as_f64().unwrap();
        let line = csv
            .lines()
            .find(|l| l.contains(&format!(",region,gdp_lost,{stat},")))
            .unwrap_or_else(|| panic!("no region gdp_lost {stat} row in\n{csv}"));
        let got: f64 = line.rsplit(',').next().unwrap().parse().unwrap();
        close(got, want, stat);
    }
    let table = stdout(&run(&[
        "compare",
        BALTIC,
        BALTIC,
        "--set-b",
        set,
        "--runs",
        "400",
        "--seed",
        "17",
        "--no-attribution",
    ]));
    let want = format!(
        "[{:+.3}, {:+.3}]",
        m["paired95_lo"].as_f64().unwrap(),
        m["paired95_hi"].as_f64().unwrap()
    );
    let gdp = table
        .lines()
        .skip_while(|l| {
            !l.contains("GDP lost by challenger and target (USD bn, constant 2014 prices)")
        })
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(gdp.contains(&want), "{want} in\n{table}");
    let page = dir.path().join("c.html");
    succeeded(&run(&[
        "compare",
        BALTIC,
        BALTIC,
        "--set-b",
        set,
        "--runs",
        "400",
        "--seed",
        "17",
        "--no-attribution",
        "--report",
        page.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(&page).unwrap();
    for end in ["lo", "hi"] {
        let v = m[format!("paired95_{end}")].as_f64().unwrap();
        let cell = format!("data-k=\"/region/metrics/2/paired95_{end}\" data-v=\"{v}\">{v:+.3}<");
        assert!(html.contains(&cell), "{cell}");
    }
}

/// A file compared with itself: every difference of means is 0 in every run. Each row still
/// has its interval (the point 0: the standard error of differences that never vary is 0)
/// in the JSON, the CSV, the table and the page, and the table and page say "unchanged in
/// every run" beside it, as they do for an outcome.
#[test]
fn a_difference_zero_in_every_run_has_its_interval_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("same.html");
    let base = [
        "compare",
        BALKANS,
        BALKANS,
        "--runs",
        "60",
        "--no-attribution",
    ];
    let with = |more: &[&str]| {
        let args: Vec<&str> = base.iter().chain(more).copied().collect();
        let o = run(&args);
        succeeded(&o);
        stdout(&o)
    };
    let cmp: serde_json::Value = serde_json::from_str(&with(&["--format", "json"])).unwrap();
    let metrics = cmp["region"]["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), 4);
    for m in metrics {
        assert_eq!(m["diff"].as_f64(), Some(0.0), "{m}");
        assert_eq!(m["paired95_lo"].as_f64(), Some(0.0), "{m}");
        assert_eq!(m["paired95_hi"].as_f64(), Some(0.0), "{m}");
        assert!(m.get("undefined").is_none(), "{m}");
    }
    let csv = with(&["--format", "csv"]);
    assert!(!csv.contains("interval_undefined_n"), "{csv}");
    assert!(csv.contains(",region,disputes,paired95_lo,0\n"), "{csv}");
    let table = with(&[]);
    let disputes = table
        .lines()
        .find(|l| l.trim_start().starts_with("disputes (MID >= 2)"))
        .unwrap();
    assert!(disputes.contains("[+0.000, +0.000]"), "{disputes}");
    assert!(disputes.ends_with("unchanged in every run"), "{disputes}");
    with(&["--report", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(
            "data-k=\"/region/metrics/1/diff\" data-v=\"0\">+0.000 (unchanged in every run)</td>"
        ),
        "the page's disputes difference"
    );
    assert!(html.contains("data-k=\"/region/metrics/1/paired95_lo\" data-v=\"0\">+0.000<"));
}

/// Scenarios in different currency units: GDP lost is not compared (B - A would mix units),
/// said on stderr before the runs, in the table and the page, and in the JSON; every other
/// row is there.
#[test]
fn gdp_lost_in_different_currency_units_is_not_compared_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let eur = write(
        dir.path(),
        "eur.toml",
        &format!(
            "extends = \"{}\"\n[scenario]\ncurrency = \"EUR bn\"\n",
            root.join(BALKANS).display()
        ),
    );
    let eur = eur.to_str().unwrap();
    let why = "GDP lost is not compared: the scenarios count money in different currency units, \
               A in `USD bn, constant 2024 prices`, B in `EUR bn`, so B - A would mix them;";
    for format in ["json", "table"] {
        let o = run(&[
            "compare",
            BALKANS,
            eur,
            "--runs",
            "50",
            "--no-attribution",
            "--format",
            format,
        ]);
        succeeded(&o);
        assert!(
            stderr(&o).contains(&format!("warning: {why}")),
            "{}",
            stderr(&o)
        );
        let out = stdout(&o);
        if format == "json" {
            let cmp: serde_json::Value = serde_json::from_str(&out).unwrap();
            let keys: Vec<&str> = cmp["region"]["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["metric"].as_str().unwrap())
                .collect();
            assert_eq!(keys, ["crises", "disputes", "years_to_first_use_of_force"]);
            assert!(
                cmp["gdp_lost_not_compared"]
                    .as_str()
                    .unwrap()
                    .starts_with(why),
                "{}",
                cmp["gdp_lost_not_compared"]
            );
        } else {
            assert!(out.contains(why), "{out}");
        }
    }
    // The same unit: compared (the row is there, no sentence).
    let o = run(&[
        "compare",
        BALKANS,
        BALKANS,
        "--runs",
        "20",
        "--no-attribution",
    ]);
    succeeded(&o);
    assert!(!stderr(&o).contains("not compared"));
    assert!(
        stdout(&o).contains("GDP lost by challenger and target (USD bn, constant 2024 prices)")
    );
}

/// `deter compare A A` with a flag refused for another reason (`--draws` with nothing
/// uncertain) still says first that it compares a file with itself.
#[test]
fn the_same_file_warning_comes_before_a_refusal_of_the_flags() {
    let o = run(&["compare", BALKANS, BALKANS, "--draws", "5"]);
    let err = refused(&o);
    let warning = err
        .find("warning: A and B are the same file with the same values")
        .unwrap_or_else(|| panic!("no same-file warning in\n{err}"));
    let refusal = err
        .find("--draws:1:1: error: expected --posterior FILE or [[uncertain]] priors")
        .expect(&err);
    assert!(warning < refusal, "{err}");
}

/// A read and B refused: A's warnings come before B's fault (they were lost), as
/// `deter.compare` and `deter.compare_nested` issue them.
#[test]
fn as_warnings_come_before_bs_fault() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.toml", "this is = = broken\n");
    let a = "tests/warn/budget-above-gdp.toml";
    for extra in [&[][..], &["--draws", "2"][..]] {
        let mut args = vec!["compare", a, bad.to_str().unwrap(), "--runs", "5"];
        args.extend_from_slice(extra);
        let err = refused(&run(&args));
        let warning = err
            .find(&format!("{a}:8:10: warning: country[0].military.budget"))
            .unwrap_or_else(|| panic!("no warning of A in\n{err}"));
        let fault = err.find("bad.toml:1:6: error:").expect(&err);
        assert!(warning < fault, "{err}");
    }
}
