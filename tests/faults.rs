//! Regression tests for issue 11: faults found by replaying other tools' bug reports
//! (EMA Workbench, Mesa, NetLogo, SALib, numpy, pandas) and by a code review. Each test is
//! named after the fault's class, not the one input, and recomputes the right value
//! independently of the code under test.
//!
//! Item 1 (integers read exactly) is in tests/hostile/input_core.rs, item 10 (MSRV) in
//! tests/msrv.rs.

use std::path::{Path, PathBuf};
use std::process::Output;

use rand::{RngExt, SeedableRng};

mod common;
use common::{
    refused, refused_for, root, run, run_in, stderr, stderr_says, stdout, succeeded, sweep_to,
    write,
};

fn base() -> PathBuf {
    root().join("scenarios/western-balkans-2024.toml")
}

/// A small scenario: B challenges A; C has no rivalry and no ties (its parameters change
/// nothing).
fn small_scenario(name: &str) -> String {
    format!(
        "[scenario]\nname = \"{name}\"\nruns = 40\nseed = 5\n\
         [[country]]\nid = \"A\"\n[country.military]\nbudget = 1\n[country.economic]\ngdp = 20\n\
         [[country]]\nid = \"B\"\n[country.military]\nbudget = 3\n[country.economic]\ngdp = 40\n\
         [[country]]\nid = \"C\"\n[country.military]\nbudget = 2\n[country.economic]\ngdp = 30\n\
         [[rivalry]]\nchallenger = \"B\"\ntarget = \"A\"\nopportunity_rate = 2.0\n"
    )
}

// ---- 2. A truncated normal with its mean outside the range landed at the wrong end ----

/// The values of the first parameter at every point of a sweep's CSV results.
fn first_parameter_values(csv: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| h.contains("alliance.NATO.reliability"))
        .unwrap_or_else(|| panic!("no parameter column in {header:?}"));
    lines
        .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn truncated_distributions_are_right_in_both_tails() {
    let dir = tempfile::tempdir().unwrap();
    // Mean of normal(m, 0.1) truncated to [0.5, 0.95]: m + 0.1 (phi(a) - phi(b)) / (Q(a) -
    // Q(b)), by the Mills ratio R(z) = Q(z)/phi(z) ~ 1/z - 1/z^3 + 3/z^5 far in the tail:
    // from below, 0.5 + 0.1 / (a R(a)) - ... ~ 0.5 + 0.1 (1/a - 2/a^3) (a = 9);
    // from above, mirrored about the range.
    let mills = |z: f64| 1.0 / z - 2.0 / z.powi(3) + 10.0 / z.powi(5);
    for (mean, expected) in [
        (-0.4, 0.5 + 0.1 * mills(9.0)),
        (5.0, 0.95 - 0.1 * mills(40.5)),
    ] {
        let f = write(
            dir.path(),
            "n.toml",
            &format!(
                "base = \"{}\"\nruns = 1\ndesign = \"lhs\"\npoints = 200\nseed = 3\n\
                 [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
                 range = [0.5, 0.95]\ndistribution = \"normal\"\nmean = {mean}\nsd = 0.1\n",
                base().display()
            ),
        );
        let o = run(&["sweep", f.to_str().unwrap(), "-q"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v = first_parameter_values(&stdout(&o));
        assert_eq!(v.len(), 200);
        let m = v.iter().sum::<f64>() / v.len() as f64;
        // LHS with 200 strata: the sample mean is within a few 1e-4 of the true mean.
        assert!(
            (m - expected).abs() < 2e-3,
            "mean {mean}: sample mean {m}, expected {expected}"
        );
        // And the user is told that the range holds almost none of the normal.
        stderr_says(&o, "values pile up near");
    }
}

// ---- 3. The "mostly noise" note was silent at runs = 1 ----

#[test]
fn noise_diagnostic_never_certifies_noise_as_signal() {
    // Two parameters with no effect at all: every point's probability is an independent
    // binomial(runs, 0.3) / runs. The sensitivity table must say "noise" for each outcome.
    let dir = tempfile::tempdir().unwrap();
    for design in ["saltelli", "morris"] {
        for runs in [1u64, 2, 20] {
            let f = write(
                dir.path(),
                "s.toml",
                &format!(
                    "base = \"{}\"\nruns = {runs}\ndesign = \"{design}\"\npoints = 16\nseed = 3\n\
                     [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
                     range = [0.5, 0.95]\n\
                     [[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\n\
                     range = [0.1, 0.5]\n",
                    base().display()
                ),
            );
            let sweep = deter::sweep::load_sweep(&f).unwrap();
            let design = deter::sweep::Design::new(&sweep);
            let mut rng = rand::rngs::StdRng::seed_from_u64(runs);
            let outputs: Vec<deter::sweep::runner::PointOutput> = (0..design.n)
                .map(|_| deter::sweep::runner::PointOutput {
                    p: std::array::from_fn(|_| {
                        let hits = (0..runs).filter(|_| rng.random::<f64>() < 0.3).count();
                        hits as f64 / runs as f64
                    }),
                    runs,
                })
                .collect();
            let report = deter::sweep::sensitivity(&sweep, &design, &outputs).unwrap();
            let notes = report.table.matches("note:").count();
            assert_eq!(
                notes,
                deter::outputs::N_EVENTS,
                "{} runs = {runs}: every outcome is noise\n{}",
                sweep.design.as_str(),
                report.table
            );
        }
    }
}

// ---- 8. `extends = "/etc/passwd"` printed that file's first line ----

#[test]
fn files_named_by_extends_or_base_are_never_echoed_unless_toml() {
    let dir = tempfile::tempdir().unwrap();
    let secrets: [&[u8]; 4] = [
        b"root:x:0:0:SECRET-LINE:/root:/bin/bash\n",
        b"password = hunter2SECRET\n",
        b"[SECRET-HEADER\nx = 1\n",
        b"token = \"SECRET\xe9\"\n",
    ];
    for secret in secrets {
        let target = dir.path().join("secret.txt");
        std::fs::write(&target, secret).unwrap();
        let target = target.canonicalize().unwrap();
        let overlay = write(
            dir.path(),
            "o.toml",
            &format!("extends = \"{}\"\n", target.display()),
        );
        let sweep = write(
            dir.path(),
            "s.toml",
            &format!(
                "base = \"{}\"\n[[parameter]]\npath = \"model.x\"\nrole = \"lever\"\nvalues = [1]\n",
                target.display()
            ),
        );
        for args in [
            vec!["validate", overlay.to_str().unwrap()],
            vec!["run", overlay.to_str().unwrap()],
            vec!["sweep", sweep.to_str().unwrap()],
        ] {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            let e = stderr(&o);
            assert!(!e.contains("SECRET"), "{args:?} echoed the file:\n{e}");
            assert!(!e.contains("root:x"), "{args:?} echoed the file:\n{e}");
            assert!(e.contains("not a TOML scenario file"), "{e}");
        }
    }
}

// ---- 9. Terminal escape sequences in a scenario were printed raw ----

#[test]
fn terminal_output_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "\\u001b[2J\\u001b]0;pwned\\u0007evil\\u000d\\u202e";
    let f = write(dir.path(), "e.toml", &small_scenario(evil));
    let bad = write(
        dir.path(),
        "b.toml",
        &format!("{}\"\\u001b[31mkey\" = 1\n", small_scenario(evil)),
    );
    let ok = |o: &Output| {
        for (what, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text
                    .chars()
                    .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}'),
                "{what} holds a control character: {text:?}"
            );
        }
    };
    // Names with control characters are refused at validation (exit 2); the message
    // itself must not hold them raw.
    let validate = run(&["validate", f.to_str().unwrap()]);
    refused(&validate);
    stderr_says(&validate, "control or invisible");
    ok(&validate);
    let ran = run(&["run", f.to_str().unwrap(), "--runs", "10"]);
    refused(&ran);
    ok(&ran);
    let compare = run(&[
        "compare",
        f.to_str().unwrap(),
        f.to_str().unwrap(),
        "--runs",
        "10",
    ]);
    ok(&compare);
    let bad_file = run(&["validate", bad.to_str().unwrap()]);
    refused(&bad_file);
    ok(&bad_file);
}

// ---- 6. `--out` could overwrite an input reached through `base` or `extends` ----

#[test]
fn no_output_may_replace_any_file_the_command_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root_s = write(d, "root.toml", &small_scenario("root"));
    let b = write(
        d,
        "b.toml",
        "extends = \"root.toml\"\n[scenario]\nname = \"b\"\n",
    );
    let o = write(
        d,
        "o.toml",
        "extends = \"b.toml\"\n[scenario]\nname = \"o\"\n",
    );
    let s = write(
        d,
        "s.toml",
        "base = \"b.toml\"\nruns = 2\n[[parameter]]\npath = \"country.C.military.budget\"\n\
         role = \"lever\"\nvalues = [1, 2]\n",
    );
    let part = d.join("part.json");
    let made = run(&[
        "run",
        o.to_str().unwrap(),
        "--runs",
        "20",
        "--shard",
        "0/1",
        "--out",
        part.to_str().unwrap(),
    ]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let originals: Vec<(PathBuf, Vec<u8>)> = [&root_s, &b, &o, &s, &part]
        .iter()
        .map(|p| (p.to_path_buf(), std::fs::read(p).unwrap()))
        .collect();
    let p = |x: &PathBuf| x.to_str().unwrap().to_string();
    let cases: Vec<Vec<String>> = vec![
        // sweep: its base, and the base's `extends` base
        vec!["sweep".into(), p(&s), "--out".into(), p(&b)],
        vec!["sweep".into(), p(&s), "--out".into(), p(&root_s)],
        vec![
            "sweep".into(),
            p(&s),
            "--shard".into(),
            "0/2".into(),
            "--out".into(),
            p(&b),
        ],
        // run: through a two-level extends chain, also sharded and per run
        vec!["run".into(), p(&o), "--out".into(), p(&root_s)],
        vec![
            "run".into(),
            p(&o),
            "--shard".into(),
            "0/2".into(),
            "--out".into(),
            p(&root_s),
        ],
        vec!["run".into(), p(&o), "--per-run".into(), p(&b)],
        vec!["run".into(), p(&o), "--report".into(), p(&root_s)],
        // compare: either side's chain
        vec!["compare".into(), p(&o), p(&root_s), "--out".into(), p(&b)],
        vec![
            "compare".into(),
            p(&root_s),
            p(&o),
            "--report".into(),
            p(&b),
        ],
        // merge: the partial file itself, and the scenario chain it reads
        vec!["merge".into(), p(&part), "--out".into(), p(&part)],
        vec!["merge".into(), p(&part), "--out".into(), p(&o)],
        vec!["merge".into(), p(&part), "--out".into(), p(&root_s)],
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let res = run(&args);
        refused_for(&res, format_args!("{args:?}"));
        // A `.toml` output is refused for its name in every command, before it is known as
        // an input (an `extends` base, a sweep's base, a partial file's scenario are read
        // later); any other input as one.
        let said = if args.last().unwrap().ends_with(".toml") {
            "the name of a TOML file"
        } else {
            "is also an input file"
        };
        assert!(stderr(&res).contains(said), "{args:?}: {}", stderr(&res));
        for (path, bytes) in &originals {
            assert_eq!(
                &std::fs::read(path).unwrap(),
                bytes,
                "{args:?} changed {path:?}"
            );
        }
    }
}

// ---- 5. `--resume` without the fingerprint file mixed two sweeps ----

fn grid_sweep(dir: &Path, seed: u64, crn: bool) -> PathBuf {
    write(
        dir,
        &format!("g-{seed}-{crn}.toml"),
        &format!(
            "base = \"{}\"\nruns = 30\nseed = {seed}\ncommon_random_numbers = {crn}\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
             values = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]\n",
            base().display()
        ),
    )
}

/// The first `keep` lines (header + rows) of `path`, as an interrupted sweep leaves them.
fn truncate_lines(path: &Path, keep: usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let kept: String = text.split_inclusive('\n').take(keep).collect();
    std::fs::write(path, kept).unwrap();
}

#[test]
fn results_are_resumed_only_when_provably_from_the_same_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let res = d.join("r.csv");
    let marker = d.join("r.csv.sweep");
    let sweep = |f: &Path, extra: &[&str]| {
        let mut args = vec![
            "sweep",
            f.to_str().unwrap(),
            "--out",
            res.to_str().unwrap(),
            "-q",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let f = grid_sweep(d, 17, false);
    assert_eq!(sweep(&f, &[]).status.code(), Some(0));
    let full17 = std::fs::read(&res).unwrap();

    // The case: 5 rows kept, the side file deleted, the seed changed.
    truncate_lines(&res, 6);
    std::fs::remove_file(&marker).unwrap();
    let f = grid_sweep(d, 18, false);
    let before = std::fs::read(&res).unwrap();
    let o = sweep(&f, &["--resume"]);
    refused(&o);
    stderr_says(&o, "fingerprint");
    assert_eq!(
        std::fs::read(&res).unwrap(),
        before,
        "the refused resume wrote"
    );

    // Every setting the rows depend on is in the fingerprint: seed, common random numbers,
    // --until-ci, --format.
    let f = grid_sweep(d, 17, false);
    assert_eq!(sweep(&f, &[]).status.code(), Some(0));
    truncate_lines(&res, 4);
    for (file, extra) in [
        (grid_sweep(d, 18, false), vec![]),
        (grid_sweep(d, 17, true), vec![]),
        (grid_sweep(d, 17, false), vec!["--until-ci", "0.2"]),
        (grid_sweep(d, 17, false), vec!["--format", "json"]),
    ] {
        let mut args = vec!["--resume"];
        args.extend(extra.iter().copied());
        let o = sweep(&file, &args);
        refused_for(&o, format_args!("{args:?}"));
    }

    // Edited `runs` or outcome values in a kept row are detected.
    let f = grid_sweep(d, 17, false);
    let text = String::from_utf8(full17.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let runs_col = header.iter().position(|h| *h == "runs").unwrap();
    let p_col = header.iter().position(|h| h.ends_with("_p")).unwrap();
    for (col, value) in [(runs_col, "31"), (p_col, "0.5")] {
        let mut row: Vec<String> = lines[2].split(',').map(str::to_string).collect();
        if row[col] == value {
            continue;
        }
        row[col] = value.to_string();
        let edited = format!("{}\n{}\n{}\n", lines[0], lines[1], row.join(","));
        // Restore a valid fingerprint for these settings first.
        std::fs::write(&res, &full17).unwrap();
        assert_eq!(sweep(&f, &["--resume"]).status.code(), Some(0));
        std::fs::write(&res, &edited).unwrap();
        let o = sweep(&f, &["--resume"]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "edited column {}: {}",
            header[col],
            stderr(&o)
        );
        stderr_says(&o, "design point 1's row");
    }

    // And an honest interruption still resumes to the byte-identical file.
    std::fs::write(&res, &full17).unwrap();
    assert_eq!(sweep(&f, &["--resume"]).status.code(), Some(0));
    truncate_lines(&res, 3);
    assert_eq!(sweep(&f, &["--resume"]).status.code(), Some(0));
    assert_eq!(std::fs::read(&res).unwrap(), full17);
}

// ---- 12. The product cited notes a user does not have ----

#[test]
fn every_reference_in_the_product_points_at_something_a_user_has() {
    let forbidden = [
        "MODEL-NOTES",
        "MODEL-2.md",
        "shared/HISTORY",
        "../shared",
        "../../shared",
    ];
    let mut stack: Vec<PathBuf> = [
        "src",
        "scenarios",
        "docs",
        "tests",
        "examples",
        "python",
        "benches",
        "README.md",
        "ARCHITECTURE.md",
        "BENCHMARKS.md",
        "CHANGELOG.md",
    ]
    .iter()
    .map(|p| root().join(p))
    .collect();
    let mut bad = Vec::new();
    while let Some(p) = stack.pop() {
        let rel = p
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel == "tests/faults.rs" || rel.contains("target") {
            continue;
        }
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            for (i, line) in text.lines().enumerate() {
                if forbidden.iter().any(|f| line.contains(f)) {
                    bad.push(format!("{rel}:{}: {line}", i + 1));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "references to notes users do not have:\n{}",
        bad.join("\n")
    );
    // The source article is named so that a student can cite it.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("The Balkans Between NATO Drones and Eastern Missiles"));
}

// ---- 7. Zero-width intervals claimed certainty ----

#[test]
fn no_interval_or_significance_where_the_sample_cannot_support_one() {
    let dir = tempfile::tempdir().unwrap();
    let a = base();
    let b = root().join("scenarios/mediu-tri-level.toml");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let compare = |x: &str, y: &str, runs: &str, format: &str| {
        let o = run(&["compare", x, y, "--runs", runs, "--format", format, "-q"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    // n = 1: every paired interval is undefined, in every format.
    let v: serde_json::Value = serde_json::from_str(&compare(a, b, "1", "json")).unwrap();
    let entities: Vec<&serde_json::Value> = std::iter::once(&v["region"])
        .chain(v["rivalries"].as_array().unwrap())
        .collect();
    for e in &entities {
        for d in e["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .chain(e["metrics"].as_array().unwrap())
        {
            assert_eq!(d.get("paired95_lo"), Some(&serde_json::Value::Null), "{d}");
            assert_eq!(d.get("paired95_hi"), Some(&serde_json::Value::Null), "{d}");
            assert_eq!(d["excludes_zero"], false, "{d}");
            assert_eq!(d["undefined"], "undefined (n = 1)", "{d}");
        }
    }
    let table = compare(a, b, "1", "table");
    assert!(table.contains("undefined (n = 1)"), "{table}");
    assert!(
        !table.contains(" *"),
        "significance claimed at n = 1:\n{table}"
    );
    let csv = compare(a, b, "1", "csv");
    assert!(
        !csv.contains("paired95_lo") && csv.contains("interval_undefined_n"),
        "{csv}"
    );
    let page = dir.path().join("c.html");
    let o = run(&[
        "compare",
        a,
        b,
        "--runs",
        "1",
        "-q",
        "--report",
        page.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("undefined (n = 1)")
    );

    // Zero variance: a scenario against itself differs by exactly 0 in every run; the
    // paired interval of a mean per run is then the point 0 (its standard error is 0), never
    // a significant difference, and the table says "unchanged in every run" beside it.
    let v: serde_json::Value = serde_json::from_str(&compare(a, a, "50", "json")).unwrap();
    for m in v["region"]["metrics"].as_array().unwrap() {
        assert_eq!(m["paired95_lo"].as_f64(), Some(0.0), "{m}");
        assert_eq!(m["paired95_hi"].as_f64(), Some(0.0), "{m}");
        assert_eq!(m["excludes_zero"], false);
        assert!(m.get("undefined").is_none(), "{m}");
    }
    // With a real sample the intervals are there and have width.
    let v: serde_json::Value = serde_json::from_str(&compare(a, b, "400", "json")).unwrap();
    let crises = &v["region"]["metrics"][0];
    assert!(crises["paired95_hi"].as_f64().unwrap() > crises["paired95_lo"].as_f64().unwrap());

    // Saltelli with one base sample gave S1 = ST = 2.000 [2.000, 2.000]: refused.
    let s = write(
        dir.path(),
        "s.toml",
        &format!(
            "base = \"{}\"\nruns = 5\ndesign = \"saltelli\"\npoints = 1\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
             range = [0.5, 0.95]\n\
             [[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\n\
             range = [0.1, 0.5]\n",
            a
        ),
    );
    let o = run(&["sweep", s.to_str().unwrap()]);
    refused(&o);
    stderr_says(&o, "n = 1");

    // Morris with one trajectory: one elementary effect per parameter, so sigma (their
    // standard deviation) is undefined: said in the table and the HTML, empty in the CSV;
    // mu* is still given. With two trajectories sigma is a number everywhere.
    let morris = |points: u32| {
        write(
            dir.path(),
            &format!("m{points}.toml"),
            &format!(
                "base = \"{}\"\nruns = 20\ndesign = \"morris\"\npoints = {points}\n\
                 [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
                 range = [0.5, 0.95]\n\
                 [[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\n\
                 range = [0.1, 0.5]\n",
                a
            ),
        )
    };
    for points in [1u32, 2] {
        let m = morris(points);
        let results = dir.path().join(format!("m{points}.csv"));
        let html = dir.path().join(format!("m{points}.html"));
        let o = run(&[
            "sweep",
            m.to_str().unwrap(),
            "--out",
            results.to_str().unwrap(),
            "--report",
            html.to_str().unwrap(),
        ]);
        succeeded(&o);
        let table =
            std::fs::read_to_string(dir.path().join(format!("m{points}.sensitivity.csv"))).unwrap();
        let html = std::fs::read_to_string(&html).unwrap();
        let mut r = ::csv::Reader::from_reader(table.as_bytes());
        let head = r.headers().unwrap().clone();
        let col = |k: &str| head.iter().position(|h| h == k).unwrap();
        let rows: Vec<_> = r.records().map(|x| x.unwrap()).collect();
        assert!(!rows.is_empty());
        for row in &rows {
            let n: u64 = row[col("effects")].parse().unwrap();
            assert_eq!(n, u64::from(points), "{table}");
            let sigma = &row[col("sigma")];
            if points == 1 {
                assert_eq!(sigma, "", "sigma given from one effect:\n{table}");
            } else {
                assert!(sigma.parse::<f64>().unwrap() >= 0.0, "{table}");
            }
            assert!(row[col("mu_star")].parse::<f64>().is_ok());
        }
        let said = "undefined (n = 1)";
        assert_eq!(stdout(&o).contains(said), points == 1, "{}", stdout(&o));
        assert_eq!(
            html.contains(said),
            points == 1,
            "HTML with {points} trajectories"
        );
    }
}

// ---- 4. pandas read some names and ids as missing ----

/// Every cell of `csv`, checked against the values pandas' `read_csv` (and R's `read.csv`)
/// read as missing by default: the list from the pandas documentation, typed here
/// independently of deter's own list.
fn assert_no_missing_cells(what: &str, csv: &str) {
    const PANDAS_DEFAULT_NA: &[&str] = &[
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ];
    let mut r = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let mut width = None;
    for (i, rec) in r.records().enumerate() {
        let rec = rec.unwrap_or_else(|e| panic!("{what}: row {i}: {e}"));
        assert_eq!(
            *width.get_or_insert(rec.len()),
            rec.len(),
            "{what}: ragged row {i}"
        );
        for cell in rec.iter() {
            assert!(
                !PANDAS_DEFAULT_NA.contains(&cell),
                "{what}: row {i} has a cell pandas reads as missing: {cell:?}"
            );
        }
    }
}

#[test]
fn csv_outputs_load_in_pandas_and_r_without_cleanup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Names and ids pandas would read as missing are refused when read, and so is "".
    for (name, id) in [
        ("NA", "A"),
        ("N/A", "A"),
        ("", "A"),
        ("null", "A"),
        ("ok", "NULL"),
    ] {
        let text = small_scenario(name)
            .replace("id = \"A\"", &format!("id = \"{id}\""))
            .replace("target = \"A\"", &format!("target = \"{id}\""));
        let f = write(d, "na.toml", &text);
        let o = run(&["validate", f.to_str().unwrap()]);
        refused_for(&o, format_args!("name {name:?} id {id:?}"));
        stderr_says(&o, "missing value");
    }
    // Two files with one name share a CSV, told apart by the `file` column (the path as
    // given); one file given twice cannot.
    let a = write(d, "a.toml", &small_scenario("same"));
    let b = write(d, "b.toml", &small_scenario("same"));
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let o = run(&["run", a, b, "--format", "csv", "--runs", "20", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    assert_eq!(
        table.lines().next(),
        Some("file,scenario,entity,metric,statistic,value")
    );
    let files: std::collections::BTreeSet<String> = table
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(files, [a.to_string(), b.to_string()].into_iter().collect());
    let rows_of = |f: &str| {
        table
            .lines()
            .filter(|l| l.starts_with(&format!("{f},")))
            .count()
    };
    assert_eq!(rows_of(a), rows_of(b));
    let o = run(&["run", a, a, "--format", "csv"]);
    refused(&o);
    // Located at the file, as every argument's fault (it was an unlocated "error: ...").
    stderr_says(
        &o,
        &format!(
            "FILES:1:1: error: expected each file once with --format csv, found `{a}` given twice"
        ),
    );

    // Every CSV deter writes, from every bundled scenario, has no missing cell and no two
    // rows with one (scenario, entity, metric, statistic) key (the pivot recipe's premise).
    let bundled: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["run"];
    args.extend(bundled.iter().map(String::as_str));
    args.extend(["--runs", "50", "--format", "csv"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let run_csv = stdout(&o);
    assert_no_missing_cells("run", &run_csv);
    let mut keys: Vec<String> = run_csv
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string())
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len(),
        n,
        "duplicate keys: the pivot in docs/OUTPUT.md would fail"
    );

    // Every row's `file` is the path as given, and (file, entity, metric, statistic) is a
    // key on its own.
    for line in run_csv.lines().skip(1) {
        let file = line.split(',').next().unwrap();
        assert!(bundled.iter().any(|b| b == file), "file `{file}`");
    }
    let mut keys: Vec<String> = run_csv
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            [cells[0], cells[2], cells[3], cells[4]].join(",")
        })
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len(),
        n,
        "(file, entity, metric, statistic) is not a key"
    );

    let c = run(&[
        "compare",
        &bundled[0],
        &bundled[1],
        "--runs",
        "1",
        "--format",
        "csv",
        "-q",
    ]);
    assert_eq!(c.status.code(), Some(0), "{}", stderr(&c));
    assert_no_missing_cells("compare", &stdout(&c));
    let pair = format!("{} vs {}", bundled[0], bundled[1]);
    for line in stdout(&c).lines().skip(1) {
        assert!(line.starts_with(&format!("{pair},")), "{line}");
    }

    // merge: the file the shards ran.
    let parts: Vec<String> = (0..2)
        .map(|k| {
            let p = d.join(format!("part{k}.json")).display().to_string();
            let o = run(&[
                "run",
                &bundled[0],
                "--runs",
                "40",
                "--shard",
                &format!("{k}/2"),
                "--out",
                &p,
                "-q",
            ]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            p
        })
        .collect();
    let mut margs = vec!["merge"];
    margs.extend(parts.iter().map(String::as_str));
    margs.extend(["--format", "csv", "-q"]);
    let m = run(&margs);
    assert_eq!(m.status.code(), Some(0), "{}", stderr(&m));
    assert_no_missing_cells("merge", &stdout(&m));
    for line in stdout(&m).lines().skip(1) {
        assert!(line.starts_with(&format!("{},", bundled[0])), "{line}");
    }

    let s = write(
        d,
        "s.toml",
        &format!(
            "base = \"{}\"\nruns = 3\ndesign = \"saltelli\"\npoints = 4\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
             range = [0.5, 0.95]\n\
             [[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\n\
             range = [0.1, 0.5]\n",
            base().display()
        ),
    );
    let res = d.join("r.csv");
    let o = sweep_to(&s, &res);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_no_missing_cells("sweep", &std::fs::read_to_string(&res).unwrap());
    assert_no_missing_cells(
        "sensitivity",
        &std::fs::read_to_string(d.join("r.sensitivity.csv")).unwrap(),
    );
}

// ---- 13. Tests that let bugs through: each claim recomputed independently ----

/// Wilson score interval (Wilson 1927) at z = 1.959964, written here from the formula, not
/// taken from deter.
fn wilson(count: u64, n: u64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let (k, n) = (count as f64, n as f64);
    let p = k / n;
    let den = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / den;
    let half = z / den * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[test]
fn until_ci_stops_at_the_first_block_whose_recomputed_half_widths_meet_the_target() {
    let target = 0.02;
    let o = run(&[
        "run",
        base().to_str().unwrap(),
        "--until-ci",
        &target.to_string(),
        "--max-runs",
        "20000",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = v["runs"].as_u64().unwrap();
    let mut widest = 0.0f64;
    for (name, p) in v["outcomes"].as_object().unwrap() {
        let count = p["count"].as_u64().unwrap();
        let (lo, hi) = wilson(count, n);
        assert!(
            (p["mc95_lo"].as_f64().unwrap() - lo).abs() < 1e-12,
            "{name}"
        );
        assert!(
            (p["mc95_hi"].as_f64().unwrap() - hi).abs() < 1e-12,
            "{name}"
        );
        widest = widest.max((hi - lo) / 2.0);
    }
    assert!(
        widest <= target,
        "stopped at {n} runs with half-width {widest}"
    );
    let stop = &v["stopping"];
    assert!((stop["widest_half_width"].as_f64().unwrap() - widest).abs() < 1e-12);
    // Not later than needed: one block fewer would not have met the target (same stream, so
    // rerun with exactly n - 1000 runs and recompute).
    if n > 1000 {
        let o = run(&[
            "run",
            base().to_str().unwrap(),
            "--runs",
            &(n - 1000).to_string(),
            "--format",
            "json",
            "-q",
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let before = v["outcomes"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| {
                let (lo, hi) = wilson(p["count"].as_u64().unwrap(), n - 1000);
                (hi - lo) / 2.0
            })
            .fold(0.0, f64::max);
        assert!(before > target, "{} runs already met the target", n - 1000);
    }
}

#[test]
fn sensitivity_tables_rank_and_label_the_right_parameters() {
    // Output = 0.7 u0 + 0.05 u2, nothing from u1: parameter 0 must rank first with its own
    // path and role, parameter 1 last, in both the table and the CSV, for both designs.
    let dir = tempfile::tempdir().unwrap();
    for design in ["saltelli", "morris"] {
        let f = write(
            dir.path(),
            "s.toml",
            &format!(
                "base = \"{}\"\nruns = 1000\ndesign = \"{design}\"\npoints = 64\nseed = 3\n\
                 [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
                 range = [0.0, 1.0]\n\
                 [[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\n\
                 range = [0.1, 0.5]\n\
                 [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\n\
                 range = [0.0, 1.0]\n",
                base().display()
            ),
        );
        let sweep = deter::sweep::load_sweep(&f).unwrap();
        let design_ = deter::sweep::Design::new(&sweep);
        let outputs: Vec<deter::sweep::runner::PointOutput> = (0..design_.n)
            .map(|k| {
                let v = design_.values(&sweep.parameters, k);
                deter::sweep::runner::PointOutput {
                    p: [0.7 * v[0] + 0.05 * v[2]; deter::outputs::N_EVENTS],
                    runs: sweep.runs,
                }
            })
            .collect();
        let report = deter::sweep::sensitivity(&sweep, &design_, &outputs).unwrap();
        let rows: Vec<Vec<&str>> = report
            .csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        for outcome_rows in rows.chunks(3) {
            assert_eq!(outcome_rows[0][1], "1");
            assert_eq!(
                outcome_rows[0][2], "alliance.NATO.reliability",
                "{design}: {outcome_rows:?}"
            );
            assert_eq!(outcome_rows[0][3], "uncertainty");
            assert_eq!(outcome_rows[1][2], "rivalry.SRB-XKX.monitoring", "{design}");
            assert_eq!(
                outcome_rows[2][2], "country.XKX.military.budget",
                "{design}"
            );
            assert_eq!(outcome_rows[2][3], "lever");
            assert_eq!(outcome_rows[2][1], "3");
        }
        // The table shows the same order.
        let table = &report.table;
        let first = table.find("alliance.NATO.reliability").unwrap();
        let last = table.find("country.XKX.military.budget").unwrap();
        assert!(first < last, "{table}");
    }
}

#[test]
fn compare_csv_carries_the_paired_interval_not_the_unpaired_one() {
    let a = base();
    let b = root().join("scenarios/shea-special-envoy.toml");
    let run = |format: &str| {
        let o = run(&[
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--runs",
            "2000",
            "--format",
            format,
            "-q",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let v: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let csv = run("csv");
    // Columns by their header names.
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |k: &str| head.iter().position(|h| *h == k).unwrap();
    let (ce, cm, cs, cv) = (col("entity"), col("metric"), col("statistic"), col("value"));
    let cell = |entity: &str, metric: &str, stat: &str| -> f64 {
        csv.lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|c| c[ce] == entity && c[cm] == metric && c[cs] == stat)
            .unwrap_or_else(|| panic!("no {entity} {metric} {stat}"))[cv]
            .parse()
            .unwrap()
    };
    let mut differ = false;
    for o in v["region"]["outcomes"].as_array().unwrap() {
        let m = o["outcome"].as_str().unwrap();
        assert_eq!(
            cell("region", m, "paired95_lo"),
            o["paired95_lo"].as_f64().unwrap(),
            "{m}"
        );
        assert_eq!(
            cell("region", m, "paired95_hi"),
            o["paired95_hi"].as_f64().unwrap(),
            "{m}"
        );
        assert_eq!(
            cell("region", m, "unpaired95_lo"),
            o["unpaired95_lo"].as_f64().unwrap()
        );
        differ |= o["paired95_lo"] != o["unpaired95_lo"] || o["paired95_hi"] != o["unpaired95_hi"];
    }
    assert!(
        differ,
        "paired and unpaired intervals coincide everywhere: the test is blind"
    );
}

#[test]
fn visible_html_numbers_match_their_data_values() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let o = run(&[
        "run",
        base().to_str().unwrap(),
        "--runs",
        "500",
        "-q",
        "--report",
        page.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    let mut checked = 0;
    for piece in html.split("data-v=\"").skip(1) {
        let (v, rest) = piece.split_once('"').unwrap();
        let Some(text) = rest.strip_prefix('>').and_then(|r| r.split('<').next()) else {
            continue;
        };
        let Ok(x) = v.parse::<f64>() else { continue };
        if let Some(pct) = text.strip_suffix('%') {
            let shown: f64 = pct.parse().unwrap_or_else(|_| panic!("{text}"));
            assert!(
                (shown - 100.0 * x).abs() <= 0.05 + 1e-9,
                "visible {text} for data-v {v}"
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} percentage cells found");
}

#[test]
fn threads_zero_means_every_core() {
    let o = run(&[
        "run",
        base().to_str().unwrap(),
        "--runs",
        "2000",
        "--threads",
        "0",
        "--format",
        "json",
        "-q",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cores = std::thread::available_parallelism().unwrap().get() as u64;
    assert_eq!(v["timing"]["threads"].as_u64(), Some(cores.min(1024)));
}

#[test]
#[cfg_attr(
    not(deter_has_dev_full),
    ignore = "not Linux: `ulimit -f` behaviour is tested on Linux"
)]
fn outputs_replace_the_old_file_whole_or_not_at_all() {
    // Under `ulimit -f 8` (8 KiB) a large output cannot be written: an atomic writer leaves
    // the previous file as it was; writing in place would truncate it.
    let dir = tempfile::tempdir().unwrap();
    let bin = common::bin();
    for opt in ["--out", "--per-run"] {
        let target = dir.path().join(format!("old{opt}.json"));
        std::fs::write(&target, "OLD CONTENT\n").unwrap();
        let script = format!(
            "ulimit -f 8; exec '{}' run '{}' --runs 3000 --format json -q {opt} '{}'",
            bin.display(),
            base().display(),
            target.display()
        );
        let o = std::process::Command::new("sh")
            .args(["-c", &script])
            .output()
            .unwrap();
        assert!(!o.status.success(), "{opt}: the output fitted in 8 KiB");
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "OLD CONTENT\n",
            "{opt}: the old file was damaged"
        );
    }
    // Whole outputs written at the end (compare, merge, sweep tables) go through the other
    // atomic writer: the same guarantee.
    let target = write(dir.path(), "old-compare.json", "OLD CONTENT\n");
    let script = format!(
        "ulimit -f 8; exec '{}' compare '{}' '{}' --runs 300 --format json -q --out '{}'",
        bin.display(),
        base().display(),
        base().display(),
        target.display()
    );
    let o = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(!o.status.success(), "compare: the output fitted in 8 KiB");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "OLD CONTENT\n",
        "compare --out: the old file was damaged"
    );
}

/// Past the file size limit (`ulimit -f`) the kernel sends SIGXFSZ, whose default action
/// killed deter: exit 153 (not a code the README lists), the output's hidden temporary file
/// (`.deter-XXXXXX.tmp`) left beside it, and a sweep's `--resume` command never printed. Now
/// the write fails as any write that cannot be made: "cannot write `PATH`: File too large",
/// exit 1, no temporary file; the sweep keeps its rows and its `--resume` completes them.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "not Linux: `ulimit -f` behaviour is tested on Linux"
)]
fn a_file_size_limit_fails_the_write_instead_of_killing_deter() {
    let dir = tempfile::tempdir().unwrap();
    let bin = common::bin();
    let limited = |args: String| {
        std::process::Command::new("sh")
            .args([
                "-c",
                &format!("ulimit -f 8; exec '{}' {args}", bin.display()),
            ])
            .output()
            .unwrap()
    };
    let temporary = || -> Vec<String> {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".deter-"))
            .collect()
    };
    // Whole outputs (compare) and streamed ones (run's JSON written as it is built).
    for (cmd, name) in [
        (
            format!(
                "compare '{}' '{}' --runs 300 --format json -q --no-attribution --out",
                base().display(),
                root().join("scenarios/shea-special-envoy.toml").display()
            ),
            "c.json",
        ),
        (
            format!(
                "run '{}' --runs 300 --format json -q --yearly --out",
                base().display()
            ),
            "r.json",
        ),
    ] {
        let out = dir.path().join(name);
        let o = limited(format!("{cmd} '{}'", out.display()));
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", stderr(&o));
        assert_eq!(
            stderr(&o).lines().next().unwrap_or_default(),
            format!(
                "error: cannot write `{}`: File too large (os error 27)",
                out.display()
            ),
            "{cmd}"
        );
        assert!(!out.exists(), "{cmd}");
        assert_eq!(
            temporary(),
            Vec::<String>::new(),
            "{cmd}: a temporary file left"
        );
    }
    // A sweep: the rows that fit are kept, and the printed command completes them.
    let sweep = write(
        dir.path(),
        "g.toml",
        &format!(
            "base = \"{}\"\nruns = 5\nseed = 3\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"deployment.KFOR.reliability\"\nrole = \"uncertainty\"\n\
             values = [{}]\n",
            base().display(),
            (0..60)
                .map(|i| format!("{}", 0.3 + 0.01 * i as f64))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let s = sweep.to_str().unwrap();
    let whole = dir.path().join("whole.csv");
    succeeded(&run(&["sweep", s, "--out", whole.to_str().unwrap(), "-q"]));
    assert!(std::fs::metadata(&whole).unwrap().len() > 8 * 1024);
    let out = dir.path().join("s.csv");
    let o = limited(format!("sweep '{s}' --out '{}' -q", out.display()));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "error: cannot write `{}`: File too large (os error 27)",
            out.display()
        )),
        "{e}"
    );
    let resume = format!("deter sweep {s} --out {} --resume", out.display());
    assert!(e.contains(&resume), "the resume command: {e}");
    succeeded(&run(&[
        "sweep",
        s,
        "--out",
        out.to_str().unwrap(),
        "--resume",
        "-q",
    ]));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&whole).unwrap());
}

/// The paired interval of a per-run metric in `deter compare` is the normal interval of the
/// run-by-run differences, recomputed here from the two `--per-run` files (run i of A and B
/// share stream i): mean, sample standard deviation (n - 1) and z = 1.959964.
#[test]
fn compare_paired_metric_interval_is_recomputed_from_the_runs() {
    let dir = tempfile::tempdir().unwrap();
    let a = base();
    let b = root().join("scenarios/mediu-tri-level.toml");
    let per_run = |f: &Path, name: &str| -> Vec<f64> {
        let p = dir.path().join(name);
        let o = run(&[
            "run",
            f.to_str().unwrap(),
            "--runs",
            "300",
            "--format",
            "json",
            "-q",
            "--per-run",
            p.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = std::fs::read_to_string(&p).unwrap();
        let head: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let c = head.iter().position(|h| *h == "crises").unwrap();
        text.lines()
            .skip(1)
            .map(|l| l.split(',').nth(c).unwrap().parse().unwrap())
            .collect()
    };
    let (xa, xb) = (per_run(&a, "a.csv"), per_run(&b, "b.csv"));
    assert_eq!(xa.len(), 300);
    let d: Vec<f64> = xa.iter().zip(&xb).map(|(x, y)| y - x).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = 1.959_963_984_540_054 * sd / n.sqrt();
    let o = run(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--runs",
        "300",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = v["region"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "crises")
        .unwrap();
    let (lo, hi) = (
        m["paired95_lo"].as_f64().unwrap(),
        m["paired95_hi"].as_f64().unwrap(),
    );
    assert!((m["diff"].as_f64().unwrap() - mean).abs() < 1e-9, "{m}");
    assert!(
        (lo - (mean - half)).abs() < 1e-9,
        "lo {lo} vs {}",
        mean - half
    );
    assert!(
        (hi - (mean + half)).abs() < 1e-9,
        "hi {hi} vs {}",
        mean + half
    );
}

// ---- A normal prior with nothing drawable in its range ----

/// A normal prior whose range lies so many sds from its mean that the standardised bounds
/// overflow (sd 1e-320; mean 1e200 with sd 1e-200) was accepted with a warning and then
/// gave NaN values: `deter sweep` and `deter calibrate` panicked, a scenario's
/// `[[uncertain]]` failed at its first draw. It is refused on reading, at the
/// `distribution`, with the same words in the three kinds of file (exit 2), its numbers
/// written compactly.
#[test]
fn a_normal_prior_with_nothing_drawable_in_its_range_is_refused_on_reading() {
    let dir = tempfile::tempdir().unwrap();
    let record = root().join("scenarios/history/serbia-kosovo.record.toml");
    for (mean, sd, shown) in [
        ("5", "1e-320", "normal(mean 5, sd 1e-320)"),
        ("1e200", "1e-200", "normal(mean 1e200, sd 1e-200)"),
    ] {
        let prior =
            format!("range = [0.4, 1.6]\ndistribution = \"normal\"\nmean = {mean}\nsd = {sd}\n");
        let sweep = write(
            dir.path(),
            "s.toml",
            &format!(
                "base = \"{}\"\nruns = 2\ndesign = \"lhs\"\npoints = 4\nseed = 3\n\
                 [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n{prior}",
                base().display()
            ),
        );
        let cal = write(
            dir.path(),
            "c.toml",
            &format!(
                "name = \"c\"\nseed = 1\nparticles = 10\nmax_generations = 1\n\
                 predictive_draws = 10\nstatistics = [\"use_of_force\"]\ncases = [{:?}]\n\
                 [[parameter]]\npath = \"model.war_cost\"\n{prior}",
                record.display()
            ),
        );
        let text = std::fs::read_to_string(base()).unwrap();
        let scen = write(
            dir.path(),
            "u.toml",
            &format!("{text}\n[[uncertain]]\npath = \"model.war_cost\"\n{prior}"),
        );
        let calibration = dir.path().join("cal-out");
        let cases: [(&Path, Vec<&str>); 4] = [
            (&sweep, vec!["sweep", sweep.to_str().unwrap(), "-q"]),
            (&sweep, vec!["validate", sweep.to_str().unwrap()]),
            (
                &cal,
                vec![
                    "calibrate",
                    cal.to_str().unwrap(),
                    "--out",
                    calibration.to_str().unwrap(),
                    "-q",
                ],
            ),
            (
                &scen,
                vec![
                    "run",
                    scen.to_str().unwrap(),
                    "--draws",
                    "2",
                    "--runs",
                    "1",
                    "-q",
                ],
            ),
        ];
        for (file, args) in cases {
            let o = run(&args);
            let e = refused_for(&o, format_args!("{args:?}"));
            assert!(!e.contains("panicked"), "{args:?}: {e}");
            let body = std::fs::read_to_string(file).unwrap();
            let line = body
                .lines()
                .position(|l| l.starts_with("distribution = \"normal\""))
                .unwrap()
                + 1;
            let at = format!("{}:{line}:16", file.display());
            assert!(e.contains(&at), "{args:?}: no {at} in {e}");
            assert!(
                e.contains(&format!(
                    "{shown} puts no mass that can be drawn in [0.4, 1.6]"
                )),
                "{args:?}: {e}"
            );
        }
        assert!(!calibration.exists());
    }
}

// ---- A JSON Lines sweep resumed under another spelling of its path ----

/// An interrupted JSON Lines sweep started as `(cd sc && deter sweep sweeps/s.toml --out
/// ABS)` could not be resumed as `deter sweep ABS/sc/sweeps/s.toml --out REL --resume`: its
/// header records the sweep's path as typed and the two spellings differ, so it was refused
/// ("its header differs; remove it ..."), as CSV (no path in its header) was not. The rows
/// depend on the sweep's content, which its record's fingerprint checks: it resumes, and
/// the file ends byte-identical to a fresh run under the second spelling.
#[test]
fn a_json_lines_sweep_resumes_whatever_the_spelling_of_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("sc");
    std::fs::create_dir_all(sc.join("sweeps")).unwrap();
    std::fs::write(
        sc.join("sweeps/s.toml"),
        format!(
            "base = \"{}\"\nruns = 3\ndesign = \"grid\"\nseed = 4\n[[parameter]]\nrole = \"lever\"\n\
             path = \"model.war_cost\"\nvalues = [0.5, 1.0, 1.5, 2.0]\n",
            base().display()
        ),
    )
    .unwrap();
    let results = dir.path().join("k2.json");
    let o = run_in(
        &sc,
        &[
            "sweep",
            "sweeps/s.toml",
            "-q",
            "--out",
            results.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Interrupted after two points: the header and two rows kept, the record not complete.
    let text = std::fs::read_to_string(&results).unwrap();
    let kept: String = text.split_inclusive('\n').take(3).collect();
    std::fs::write(&results, kept).unwrap();
    let record = dir.path().join("k2.json.sweep");
    let r = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        r.replace("\"status\":\"complete\"", "\"status\":\"running\""),
    )
    .unwrap();

    let absolute = sc.join("sweeps/s.toml");
    let args = [
        "sweep",
        absolute.to_str().unwrap(),
        "-q",
        "--out",
        "k2.json",
    ];
    let o = run_in(dir.path(), &[&args[..], &["--resume"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            absolute.to_str().unwrap(),
            "-q",
            "--out",
            "fresh.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&results).unwrap(),
        std::fs::read_to_string(dir.path().join("fresh.json")).unwrap()
    );
    // Another sweep's results are still refused, saying what removing them would lose.
    let o = run_in(
        dir.path(),
        &[&args[..], &["--resume", "--runs", "5"]].concat(),
    );
    refused(&o);
    stderr_says(&o, "its rows and record are replaced");
    assert!(!stderr(&o).contains("remove it or"), "{}", stderr(&o));
}
