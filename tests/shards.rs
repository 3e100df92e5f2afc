//! `deter run --shard K/N`, `deter sweep --shard K/N` and `deter merge`, driven as a user would
//! from the shell.
//! The invariant pinned here: merging the shards gives the unsharded run's output byte for
//! byte, apart from timing, for any number of shards and threads.

use std::path::Path;
use std::process::Output;

mod common;
use common::{root, succeeded, write};

const SCENARIO: &str = "scenarios/western-balkans-2024.toml";
const RUNS: &str = "1500";

/// Run the binary from the crate root (so the scenario path is the relative one users type).
fn deter(args: &[&str]) -> Output {
    deter_in(root(), args, &[])
}

fn deter_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = common::deter();
    cmd.current_dir(dir).args(args);
    for var in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the deter binary runs")
}

fn ok(out: Output) -> Vec<u8> {
    common::succeeded(&out);
    out.stdout
}

/// Exit code 2 with a message containing every one of `needles`.
fn refused(out: Output, needles: &[&str]) {
    let stderr = common::refused(&out);
    for n in needles {
        assert!(stderr.contains(n), "expected {n:?} in: {stderr}");
    }
}

/// The JSON report up to its `timing` object (the last key), byte for byte.
fn json_without_timing(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    let at = text.find("\n  \"timing\": {").expect("a timing object");
    text[..at].to_string()
}

/// The table without its second line (the one with wall time, speed and threads).
fn table_without_timing(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    let mut lines: Vec<&str> = text.split('\n').collect();
    assert!(
        lines[1].contains("runs/s") || lines[1].contains("total compute time"),
        "{}",
        lines[1]
    );
    lines.remove(1);
    lines.join("\n")
}

fn shard_files(dir: &Path, scenario: &str, n: u64, extra: &[&str]) -> Vec<String> {
    (0..n)
        .map(|k| {
            let out = dir.join(format!("part-{k}.json")).display().to_string();
            let shard = format!("{k}/{n}");
            // Alternate thread counts: results must not depend on them.
            let threads = if k % 2 == 0 { "1" } else { "2" };
            let mut args = vec![
                "run",
                scenario,
                "--runs",
                RUNS,
                "--shard",
                &shard,
                "--threads",
                threads,
                "--out",
                &out,
                "--quiet",
            ];
            args.extend_from_slice(extra);
            ok(deter(&args));
            out
        })
        .collect()
}

/// The partial files of shards `0..n` in a fixed shuffled order (shard `(5i + 3) mod n` at
/// place `i`; 5 is prime to the n the tests use): `deter merge` takes them in any order.
fn shuffled(parts: Vec<String>) -> Vec<String> {
    let n = parts.len();
    let order: Vec<usize> = (0..n).map(|i| (5 * i + 3) % n).collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "a permutation");
    order.into_iter().map(|k| parts[k].clone()).collect()
}

fn merge(parts: &[String], extra: &[&str]) -> Output {
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend_from_slice(extra);
    args.push("--quiet");
    deter(&args)
}

#[test]
fn merge_equals_the_unsharded_run_byte_for_byte_for_1_3_and_8_shards() {
    let whole_json = ok(deter(&[
        "run",
        SCENARIO,
        "--runs",
        RUNS,
        "--threads",
        "2",
        "--format",
        "json",
        "--quiet",
    ]));
    let whole_table = ok(deter(&["run", SCENARIO, "--runs", RUNS, "--quiet"]));
    let whole_csv = ok(deter(&[
        "run", SCENARIO, "--runs", RUNS, "--format", "csv", "--quiet",
    ]));
    for n in [1, 3, 8] {
        let dir = tempfile::tempdir().unwrap();
        let parts = shuffled(shard_files(dir.path(), SCENARIO, n, &[]));
        let json = ok(merge(&parts, &["--format", "json"]));
        assert_eq!(
            json_without_timing(&json),
            json_without_timing(&whole_json),
            "JSON, n = {n}"
        );
        let csv = ok(merge(&parts, &["--format", "csv"]));
        assert_eq!(csv, whole_csv, "CSV (has no timing), n = {n}");
        let table = ok(merge(&parts, &[]));
        assert_eq!(
            table_without_timing(&table),
            table_without_timing(&whole_table),
            "table, n = {n}"
        );
    }
}

#[test]
fn merge_writes_atomically_to_out_and_says_what_it_merged() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 2, &["--horizon-years", "3"]);
    let out = dir.path().join("merged.json").display().to_string();
    let res = deter(&[
        "merge", &parts[0], &parts[1], "--format", "json", "--out", &out,
    ]);
    succeeded(&res);
    assert!(res.stdout.is_empty());
    let note = String::from_utf8_lossy(&res.stderr);
    assert!(note.contains("2 shards of `scenarios/western-balkans-2024.toml`, 1,500 runs"));
    // The horizon override was recorded in the shards and applied again by the merge.
    let whole = ok(deter(&[
        "run",
        SCENARIO,
        "--runs",
        RUNS,
        "--horizon-years",
        "3",
        "--format",
        "json",
        "--quiet",
    ]));
    let merged = std::fs::read(&out).unwrap();
    assert_eq!(json_without_timing(&merged), json_without_timing(&whole));
}

#[test]
fn merge_refuses_duplicate_missing_and_mismatched_shards_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 3, &[]);
    refused(
        merge(&[parts[0].clone(), parts[2].clone()], &[]),
        &[
            "1 of 3 shards missing: shard 1 (units 500..1000); given: `",
            "part-0.json` (shard 0)",
        ],
    );
    let copy = dir.path().join("copy-of-1.json").display().to_string();
    std::fs::copy(&parts[1], &copy).unwrap();
    refused(
        merge(
            &[
                parts[0].clone(),
                parts[1].clone(),
                copy.clone(),
                parts[2].clone(),
            ],
            &[],
        ),
        &["copy-of-1.json", "part-1.json", "are both shard 1 of 3"],
    );
    let other_seed = dir.path().join("seed-7.json").display().to_string();
    ok(deter(&[
        "run",
        SCENARIO,
        "--runs",
        RUNS,
        "--seed",
        "7",
        "--shard",
        "1/3",
        "--out",
        &other_seed,
        "--quiet",
    ]));
    refused(
        merge(&[parts[0].clone(), other_seed, parts[2].clone()], &[]),
        &[
            // Located at the disagreeing value, line 2 (the header's line).
            "seed-7.json:2:",
            ": error: header.seed: the file does not belong with `",
            "seed is 7, not 20230924",
        ],
    );
    // A shard written by another build of deter (here: its fingerprint edited).
    let text = std::fs::read_to_string(&parts[1]).unwrap();
    let other_build = dir.path().join("other-build.json").display().to_string();
    let edited = text.replacen("\"engine_build\":\"", "\"engine_build\":\"other-", 1);
    assert_ne!(edited, text);
    std::fs::write(&other_build, edited).unwrap();
    refused(
        merge(&[parts[0].clone(), other_build, parts[2].clone()], &[]),
        &[
            "other-build.json:2:",
            ": error: header.engine_build: the file does not belong with `",
            "engine_build",
        ],
    );
    refused(
        merge(&[parts[0].clone(), SCENARIO.into()], &[]),
        // Said as what it is, as every command says another kind of file.
        &[
            "scenarios/western-balkans-2024.toml: error: this is a scenario file; `deter merge` \
             takes partial files",
        ],
    );
    refused(
        merge(&[dir.path().join("absent.json").display().to_string()], &[]),
        &["absent.json: error: cannot read file: "],
    );
}

#[test]
fn merge_rebuilds_a_moved_scenario_from_the_embedded_text_and_checks_a_given_one() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("balkans.toml");
    std::fs::copy(root().join(SCENARIO), &scenario).unwrap();
    let scenario_arg = scenario.display().to_string();
    let parts = shard_files(dir.path(), &scenario_arg, 2, &[]);
    let whole = ok(deter(&[
        "run",
        &scenario_arg,
        "--runs",
        RUNS,
        "--format",
        "json",
        "--quiet",
    ]));
    std::fs::remove_file(&scenario).unwrap();
    let merged = ok(merge(&parts, &["--format", "json"]));
    assert_eq!(json_without_timing(&merged), json_without_timing(&whole));

    // A different scenario given with --scenario is refused by hash.
    let edited = dir.path().join("edited.toml");
    let text = std::fs::read_to_string(root().join(SCENARIO)).unwrap();
    let edited_text = text.replacen("runs = 10000", "runs = 17", 1);
    assert_ne!(edited_text, text, "the bundled scenario sets runs = 10000");
    std::fs::write(&edited, edited_text).unwrap();
    refused(
        merge(&parts, &["--scenario", &edited.display().to_string()]),
        &[
            "--scenario:1:1: error: expected the scenario the shards ran, found `",
            "edited.toml`: validated content differs",
        ],
    );
}

/// An overlay's shards merged after the overlay has moved: its embedded text's `extends` is
/// read relative to the directory the overlay was in (its recorded absolute path's), never
/// the current directory (docs/SCENARIO.md: `extends` "is
/// read relative to the directory of the file that holds it, never the current directory").
/// It was read against the current directory: "extends: cannot read file
/// `./western-balkans-2024.toml`" (trial 6).
#[test]
fn merge_reads_a_moved_overlays_extends_beside_it_not_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sc = d.join("sc");
    std::fs::create_dir(&sc).unwrap();
    for name in ["shea-special-envoy.toml", "western-balkans-2024.toml"] {
        std::fs::copy(root().join("scenarios").join(name), sc.join(name)).unwrap();
    }
    let overlay = "sc/shea-special-envoy.toml";
    let shard = |k: &str| {
        let out = format!("p{k}.json");
        let args = [
            "run",
            overlay,
            "--runs",
            "400",
            "--shard",
            &format!("{k}/2"),
        ];
        common::succeeded(&deter_in(
            d,
            &[&args[..], &["--out", &out, "-q"]].concat(),
            &[],
        ));
        out
    };
    let parts = [shard("0"), shard("1")];
    let whole = ok(deter_in(
        d,
        &["run", overlay, "--runs", "400", "--format", "json", "-q"],
        &[],
    ));
    let merge_in = |cwd: &Path| {
        let abs: Vec<String> = parts
            .iter()
            .map(|p| d.join(p).display().to_string())
            .collect();
        let args: Vec<&str> = ["merge"]
            .into_iter()
            .chain(abs.iter().map(String::as_str))
            .chain(["--format", "json", "-q"])
            .collect();
        deter_in(cwd, &args, &[])
    };
    // The overlay alone gone, merged from another directory: its base is read where the
    // overlay was (the recorded absolute path's directory).
    std::fs::rename(
        sc.join("shea-special-envoy.toml"),
        d.join("envoy-elsewhere.toml"),
    )
    .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let merged = ok(merge_in(elsewhere.path()));
    assert_eq!(json_without_timing(&merged), json_without_timing(&whole));
    // The tree moved away and `sc/` rebuilt with the base alone (the trial's steps), merged
    // from `d`, which holds no base: read in `sc/`, not in the current directory.
    std::fs::rename(&sc, d.join("gone")).unwrap();
    std::fs::create_dir(&sc).unwrap();
    std::fs::copy(
        root().join("scenarios/western-balkans-2024.toml"),
        sc.join("western-balkans-2024.toml"),
    )
    .unwrap();
    std::fs::remove_file(d.join("gone/western-balkans-2024.toml")).unwrap();
    let merged = ok(merge_in(d));
    assert_eq!(json_without_timing(&merged), json_without_timing(&whole));
}

#[test]
fn shard_auto_reads_the_slurm_array_variables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.json");
    let args = [
        "run",
        SCENARIO,
        "--runs",
        "10",
        "--shard",
        "auto",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    ok(deter_in(
        root(),
        &args,
        &[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ],
    ));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(r#""shard":{"k":1,"n":4,"first":2,"end":5}"#),
        "{}",
        &text[..400]
    );
    // Outside an array, or in one whose ids are not the shard numbers: refused as every
    // flag's fault, at `--shard`'s value, what to do in the help line ("error: --shard auto:
    // ..." was the plain form).
    refused(
        deter_in(root(), &args, &[]),
        &[
            "--shard:1:1: error: expected a Slurm job array's SLURM_ARRAY_TASK_ID and \
             SLURM_ARRAY_TASK_COUNT in the environment, found neither\n  |\n1 | auto\n  | ^^^^",
            "= help: run inside a Slurm job array (sbatch --array=0-N), or give the shard as \
             --shard K/N",
        ],
    );
    refused(
        deter_in(
            root(),
            &args,
            &[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ],
        ),
        &[
            "--shard:1:1: error: expected SLURM_ARRAY_TASK_ID below SLURM_ARRAY_TASK_COUNT=4, \
             found 4",
            "= help: submit the array as --array=0-3",
        ],
    );
    assert!(!out.exists() || std::fs::read_to_string(&out).unwrap() == text);
}

#[test]
fn bad_shard_arguments_are_usage_errors() {
    // Every shard fault reads as the other flags' do, located in the part of the value at
    // fault with "expected ..., found ..." and what to do (it said "`4/4`: K must be below
    // N", "`1/x`: N must be a positive integer", at the whole value, without "found"). A
    // negative K reaches the parser: clap said "unexpected argument '-1' found", advising
    // `-- -1`.
    let first = "--shard 0/4 is the first of 4 shards";
    let k_number = "expected K a non-negative integer in K/N (the shard's number, 0-based)";
    let k_help = format!("shards are numbered from 0: {first}");
    let n_number = "expected N a positive integer in K/N (the number of shards, at least 1)";
    let n_help = format!("N counts the shards: {first}");
    for cmd in ["run", "sweep"] {
        let file = if cmd == "run" {
            SCENARIO
        } else {
            "scenarios/sweeps/kosovo-budget-x-nato.toml"
        };
        for (value, col, len, said, help) in [
            (
                "-1/3",
                1,
                2,
                format!("{k_number}, found -1"),
                k_help.clone(),
            ),
            (
                "/3",
                1,
                1,
                format!("{k_number}, found nothing"),
                k_help.clone(),
            ),
            (
                "1/x",
                3,
                1,
                format!("{n_number}, found `x`"),
                n_help.clone(),
            ),
            ("1/0", 3, 1, format!("{n_number}, found 0"), n_help.clone()),
            (
                "2/",
                3,
                1,
                format!("{n_number}, found nothing"),
                n_help.clone(),
            ),
            (
                "4/4",
                1,
                1,
                "expected K below N = 4 in K/N, found 4".into(),
                "shards are numbered 0..3 (0-based, like SLURM_ARRAY_TASK_ID under --array=0-3)"
                    .into(),
            ),
            (
                "x",
                1,
                1,
                "expected K/N (shard K of N, 0-based, e.g. 0/4) or `auto`, found `x`".into(),
                format!("give K/N ({first}), or `auto` in a Slurm job array (--array=0-3)"),
            ),
        ] {
            let out = deter(&[cmd, file, "--shard", value]);
            common::refused(&out);
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                common::flag_fault_help("--shard", value, col, len, &said, &help),
                "{cmd} --shard {value}"
            );
        }
    }
    refused(
        deter(&["run", SCENARIO, "--shard", "0/2", "--format", "json"]),
        &["--format"],
    );
    refused(
        deter(&["run", SCENARIO, SCENARIO, "--shard", "0/2"]),
        &["--shard:1:1: error: expected one scenario file to shard, found 2 files"],
    );
    refused(
        deter(&["run", SCENARIO, "--shard", "0/2", "--report", "r.html"]),
        &["--report"],
    );
}

#[test]
fn merge_writes_the_html_report_of_the_merged_run() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 2, &[]);
    let html = dir.path().join("report.html");
    let out = dir.path().join("result.json");
    ok(merge(
        &parts,
        &[
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
            "--report",
            html.to_str().unwrap(),
        ],
    ));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") || page.starts_with("<!doctype html>"));
    assert!(page.contains("Western Balkans 2024"));
    assert!(page.contains("1500"));
    refused(
        merge(
            &parts,
            &[
                "--out",
                out.to_str().unwrap(),
                "--report",
                out.to_str().unwrap(),
            ],
        ),
        &[
            "--report:1:1: error: expected a file no other output option names",
            "which --out names too",
        ],
    );
}

/// Shards merge exactly also where every tally is in use: Kosovo in NATO, so crises reach
/// the protectors' decision and the commitment tallies are not zero (on the baseline they
/// are, and a merge that dropped them would go unseen).
#[test]
fn merge_is_exact_where_commitments_are_invoked() {
    let scenario = "scenarios/kosovo-nato-path.toml";
    let whole = ok(deter(&[
        "run", scenario, "--runs", RUNS, "--format", "json", "--quiet",
    ]));
    let v: serde_json::Value = serde_json::from_slice(&whole).unwrap();
    assert!(
        v["mechanisms"]["commitments"]["invoked"].as_u64().unwrap() > 0,
        "no commitment invoked: choose another scenario"
    );
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), scenario, 3, &[]);
    let json = ok(merge(&parts, &["--format", "json"]));
    assert_eq!(json_without_timing(&json), json_without_timing(&whole));
}

/// A shard whose tallies were edited so that an event holds in more runs than the shard has
/// is refused by the shape check, not merged into impossible probabilities.
#[test]
fn a_shard_with_an_event_in_more_runs_than_it_has_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 2, &[]);
    let text = std::fs::read_to_string(&parts[0]).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let agg = &mut v["parts"][0]["aggregate"];
    let runs = agg["runs"].as_u64().unwrap();
    agg["region"]["events"][0] = serde_json::json!(runs + 1);
    // With the checksum written anew: the shape check must refuse the parts themselves.
    v["header"]["parts_sha256"] = parts_sha256(&v["parts"]).into();
    std::fs::write(&parts[0], serde_json::to_vec(&v).unwrap()).unwrap();
    refused(
        merge(&parts, &[]),
        &["an event in more runs than there are"],
    );
}

/// Scale a moments object's sums as if every value were `k` times what it was: the sum and
/// its residual by `k`, the sums of squares by `k^2` (decimal strings, docs/CLUSTER.md).
fn scale_moments(m: &mut serde_json::Value, k: i128) {
    for (key, by) in [
        ("sum", k),
        ("sum_lo", k),
        ("sum_sq", k * k),
        ("sum_sq_lo", k * k),
    ] {
        let v: i128 = m[key].as_str().unwrap().parse().unwrap();
        m[key] = (v * by).to_string().into();
    }
}

/// A moments object as its shard writes it (keys in the order of `ExactMoments`).
fn moments_text(m: &serde_json::Value) -> String {
    format!(
        "{{\"n\":{},\"sum\":{},\"sum_sq\":{},\"sum_lo\":{},\"sum_sq_lo\":{}}}",
        m["n"], m["sum"], m["sum_sq"], m["sum_lo"], m["sum_sq_lo"]
    )
}

/// The partial file `text` with the moments at `pointer` edited by `edit`, in its shard's
/// layout (only the bytes of the edit change: a merge refuses any other), and its checksum
/// written anew. The region's tallies come before the rivalries' in a part: `last` edits the
/// last object with those moments (a one-rivalry scenario's rivalry, whose moments are the
/// region's).
fn with_moments_edited(
    text: &str,
    pointer: &str,
    last: bool,
    edit: impl Fn(&mut serde_json::Value),
) -> String {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let old = v.pointer(pointer).unwrap().clone();
    let mut new = old.clone();
    edit(&mut new);
    let (from, to) = (moments_text(&old), moments_text(&new));
    let at = if last {
        text.rfind(&from)
    } else {
        text.find(&from)
    };
    let at = at.unwrap_or_else(|| panic!("{pointer}: {from} is not in the file"));
    let mut edited = format!("{}{to}{}", &text[..at], &text[at + from.len()..]);
    let e: serde_json::Value = serde_json::from_str(&edited).unwrap();
    assert_eq!(
        e.pointer(pointer),
        Some(&new),
        "{pointer}: another object was edited"
    );
    let sum = v["header"]["parts_sha256"].as_str().unwrap();
    edited = edited.replacen(sum, &parts_sha256(&e["parts"]), 1);
    edited
}

/// Moments no runs could produce, edited into a shard with its checksum written anew (the
/// checksum is a check against accidents, not a signature: docs/CLUSTER.md), are refused at
/// the shard file and the part's key, as every fault of a part's tallies is, before any
/// output: a sum of squares below the square of the sum over the count, a mean outside the
/// values the distribution's histogram holds (or, for the years to the first use of force,
/// outside the months of its histogram), and more values than the runs.
#[test]
fn a_shard_with_moments_no_runs_could_produce_is_refused_at_the_part() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 2, &[]);
    let text = std::fs::read_to_string(&parts[0]).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let runs = v["parts"][0]["aggregate"]["runs"].as_u64().unwrap();
    let agg = "/parts/0/aggregate";
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: [(String, bool, Edit, &str); 5] = [
        (
            format!("{agg}/region/metrics/1/moments"),
            false,
            Box::new(|m| {
                assert_ne!(m["sum"], "0", "the edit needs disputes");
                m["sum_sq"] = "0".into();
                m["sum_sq_lo"] = "0".into();
            }),
            "parts[0].aggregate.region.metrics[1].moments: the sum of squares is below the \
             square of the sum over the count, which no values give",
        ),
        (
            format!("{agg}/rivalries/0/metrics/0/moments"),
            true,
            Box::new(|m| scale_moments(m, 1000)),
            "parts[0].aggregate.rivalries[0].metrics[0].moments: the mean",
        ),
        (
            format!("{agg}/region/first_force_years"),
            false,
            Box::new(|m| scale_moments(m, 100)),
            "parts[0].aggregate.region.first_force_years: the mean",
        ),
        (
            format!("{agg}/rivalries/0/level_costs/2"),
            true,
            Box::new(move |m| m["n"] = (runs + 1).into()),
            "parts[0].aggregate.rivalries[0].level_costs[2]: more values",
        ),
        (
            format!("{agg}/region/level_costs/0"),
            false,
            Box::new(|m| m["sum_sq"] = format!("-{}", m["sum"].as_str().unwrap()).into()),
            "parts[0].aggregate.region.level_costs[0]: the sum of squares is below",
        ),
    ];
    let out = dir.path().join("merged.json");
    let edited = dir.path().join("edited.json").display().to_string();
    for (pointer, last, edit, says) in cases {
        std::fs::write(&edited, with_moments_edited(&text, &pointer, last, edit)).unwrap();
        let o = merge(
            &[edited.clone(), parts[1].clone()],
            &["--format", "json", "--out", out.to_str().unwrap()],
        );
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{says}: {err}");
        assert!(
            err.starts_with(&format!("{edited}: error: {says}")),
            "{says}: {err}"
        );
        assert!(!out.exists(), "an output was written");
    }
    // A consistent edit (every disputes value doubled) is not refused: the checks refuse
    // what no runs could produce; they are no signature (docs/CLUSTER.md).
    let doubled = with_moments_edited(
        &text,
        &format!("{agg}/region/metrics/1/moments"),
        false,
        |m| scale_moments(m, 2),
    );
    std::fs::write(&edited, doubled).unwrap();
    succeeded(&merge(&[edited, parts[1].clone()], &["--format", "json"]));
}

/// A shard whose parts were edited consistently (a count lowered, as a hand edit or damage
/// could) passes every shape check, and was merged into other probabilities: the checksum its
/// shard wrote refuses it, at FILE:LINE:COL of the checksum, before any output.
#[test]
fn a_shard_whose_parts_were_edited_consistently_is_refused_by_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 3, &[]);
    let text = std::fs::read_to_string(&parts[1]).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The checksum is recomputed here independently of deter: SHA-256 of the parts' compact
    // JSON (docs/CLUSTER.md).
    let written = v["header"]["parts_sha256"].as_str().unwrap().to_string();
    assert_eq!(written, parts_sha256(&v["parts"]));
    let agg = &mut v["parts"][0]["aggregate"];
    let events = agg["region"]["events"][0].as_u64().unwrap();
    assert!(events >= 5, "the edit needs an event to lower");
    agg["region"]["events"][0] = serde_json::json!(events - 5);
    let edited = dir.path().join("edited.json").display().to_string();
    std::fs::write(&edited, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = dir.path().join("merged.json");
    let o = merge(
        &[parts[0].clone(), edited.clone(), parts[2].clone()],
        &["--format", "json", "--out", out.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    let edited_text = std::fs::read_to_string(&edited).unwrap();
    let col = edited_text.find(&written).unwrap(); // the opening quote is one before
    assert!(
        err.starts_with(&format!(
            "{edited}:1:{col}: error: header.parts_sha256: damaged partial file: its parts do \
             not match the checksum its shard wrote"
        )),
        "{err}"
    );
    assert!(!out.exists(), "an output was written");
    // Unedited, the same shards merge.
    let o = merge(
        &parts,
        &["--format", "json", "--out", out.to_str().unwrap()],
    );
    succeeded(&o);
}

/// The page without its provenance section (which holds the date and the timing).
fn without_provenance(page: &str) -> String {
    let start = page
        .find("<section id=\"provenance\"")
        .expect("a provenance section");
    let end = start + page[start..].find("</section>").unwrap() + "</section>".len();
    format!("{}{}", &page[..start], &page[end..])
}

/// Every chart of the merged report is drawn from the merged runs: the page equals, chart for
/// chart and number for number, the one `deter run --report` writes for the same runs
/// unsharded (an aggregate of no runs, or of one shard, draws different charts).
#[test]
fn merge_report_equals_the_unsharded_report() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 3, &[]);
    let merged = dir.path().join("merged.html");
    ok(merge(
        &parts,
        &[
            "--out",
            dir.path().join("m.json").to_str().unwrap(),
            "--report",
            merged.to_str().unwrap(),
        ],
    ));
    let whole = dir.path().join("whole.html");
    ok(deter(&[
        "run",
        SCENARIO,
        "--runs",
        RUNS,
        "--quiet",
        "--out",
        dir.path().join("w.json").to_str().unwrap(),
        "--report",
        whole.to_str().unwrap(),
    ]));
    let merged = std::fs::read_to_string(merged).unwrap();
    let whole = std::fs::read_to_string(whole).unwrap();
    assert!(merged.matches("<svg").count() >= 3, "too few charts");
    // Compared as the sorted list of its SVG elements and HTML tags: plotters' histogram
    // emits its bars in hash-map order, which differs between two identical runs.
    let elements = |page: &str| {
        let mut v: Vec<String> = without_provenance(page)
            .split('>')
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    let (a, b) = (elements(&merged), elements(&whole));
    assert_eq!(
        a.len(),
        b.len(),
        "the pages have different numbers of elements"
    );
    let differing: Vec<_> = a.iter().zip(&b).filter(|(x, y)| x != y).take(5).collect();
    assert!(
        differing.is_empty(),
        "the merged report differs from the unsharded one: {differing:#?}"
    );
}

// ---- deter sweep --shard K/N ----

/// A Saltelli sweep of 8 points x 7 runs (56 units: no shard count below divides it evenly
/// into points), so that shards straddle point boundaries and a sensitivity table follows.
fn saltelli_sweep(dir: &Path, name: &str, crn: bool) -> String {
    let path = dir.join(name);
    let text = format!(
        "base = \"{}\"\nruns = 7\nseed = 5\ndesign = \"saltelli\"\npoints = 2\n\
         common_random_numbers = {crn}\n\n\
         [[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\nrange = [0.15, 0.6]\n\n\
         [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nrange = [0.2, 0.9]\n",
        root().join(SCENARIO).display()
    );
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn sweep_shards(dir: &Path, sweep: &str, n: u64) -> Vec<String> {
    (0..n)
        .map(|k| {
            let out = dir
                .join(format!("sweep-part-{k}.json"))
                .display()
                .to_string();
            let shard = format!("{k}/{n}");
            let threads = if k % 2 == 0 { "1" } else { "2" };
            ok(deter(&[
                "sweep",
                sweep,
                "--shard",
                &shard,
                "--threads",
                threads,
                "--out",
                &out,
                "-q",
            ]));
            out
        })
        .collect()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("`{}`: {e}", path.display()))
}

#[test]
fn sweep_merge_equals_the_unsharded_sweep_byte_for_byte_for_1_3_and_8_shards() {
    for crn in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let sweep = saltelli_sweep(d, "s.toml", crn);
        let whole = d.join("whole.csv");
        ok(deter(&[
            "sweep",
            &sweep,
            "--out",
            whole.to_str().unwrap(),
            "-q",
        ]));
        let whole_jsonl = ok(deter(&["sweep", &sweep, "--format", "json", "-q"]));
        let whole_sensitivity = read(&d.join("whole.sensitivity.csv"));
        assert_eq!(String::from_utf8_lossy(&read(&whole)).lines().count(), 9);
        for n in [1u64, 3, 8] {
            let parts = shuffled(sweep_shards(d, &sweep, n));
            let merged = d.join(format!("merged-{n}.csv"));
            ok(merge(&parts, &["--out", merged.to_str().unwrap()]));
            assert_eq!(read(&merged), read(&whole), "CSV, n = {n}, crn = {crn}");
            assert_eq!(
                read(&d.join(format!("merged-{n}.sensitivity.csv"))),
                whole_sensitivity,
                "sensitivity, n = {n}, crn = {crn}"
            );
            let jsonl = ok(merge(&parts, &["--format", "json"]));
            assert_eq!(jsonl, whole_jsonl, "JSON Lines, n = {n}, crn = {crn}");
            for p in parts {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
}

#[test]
fn sweep_shards_refuse_resume_and_until_ci_and_merge_checks_the_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep = saltelli_sweep(d, "s.toml", false);
    let out = d.join("p.json").display().to_string();
    for extra in [["--resume"], ["--until-ci"]] {
        let mut args = vec!["sweep", &sweep, "--shard", "0/2", "--out", &out];
        args.extend_from_slice(&extra);
        if extra[0] == "--until-ci" {
            args.push("0.05");
        }
        refused(deter(&args), &["--shard", extra[0]]);
    }

    let parts = sweep_shards(d, &sweep, 2);
    let whole = ok(deter(&["sweep", &sweep, "-q"]));
    // Moved: rebuilt from the embedded text (the base scenario is still where it was).
    let moved = d.join("moved.toml");
    std::fs::rename(&sweep, &moved).unwrap();
    assert_eq!(ok(merge(&parts, &[])), whole);
    // An edited sweep given with --sweep is refused by hash; the original is accepted.
    let text = std::fs::read_to_string(&moved).unwrap();
    let edited = write(d, "edited.toml", &text.replace("seed = 5", "seed = 6"));
    refused(
        merge(&parts, &["--sweep", &edited.display().to_string()]),
        &[
            "--sweep:1:1: error: expected the sweep the shards ran, found `",
            "edited.toml`: the validated sweep",
            "differs",
        ],
    );
    assert_eq!(
        ok(merge(&parts, &["--sweep", &moved.display().to_string()])),
        whole
    );
    // A run shard does not merge with sweep shards.
    let run_part = shard_files(d, SCENARIO, 2, &[]);
    refused(
        merge(&[parts[0].clone(), run_part[1].clone()], &[]),
        &[
            "error: header.kind: the file does not belong with",
            "its kind is \"run\", not \"sweep\"",
        ],
    );
}

/// A grid sweep of 2 points x 7 runs whose file says `attribution = {attribution}`.
fn attribution_sweep(dir: &Path, name: &str, attribution: bool) -> String {
    let path = dir.join(name);
    let text = format!(
        "base = \"{}\"\nruns = 7\nseed = 5\ndesign = \"grid\"\nattribution = {attribution}\n\n\
         [[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\nvalues = [0.15, 0.6]\n",
        root().join(SCENARIO).display()
    );
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// `deter sweep FILE --shard K/N --no-attribution` over a file's `attribution = true`: the
/// shards ran without the attribution (their header says so), but `deter merge` only ever
/// turned the file's key on, rebuilt the sweep with it and refused every such shard as
/// another sweep ("the validated sweep ... differs from what the shards ran"). The flag wins
/// over the key at the merge as in the shard: the merged results are the unsharded sweep's
/// with the same flag, byte for byte, and their record's resume command gives the flag once.
/// (And `--attribution` over a file's `attribution = false`, the other way round.)
#[test]
fn sweep_shards_of_an_attribution_flag_against_the_files_key_merge_as_the_unsharded_sweep() {
    for (key, flag) in [(true, "--no-attribution"), (false, "--attribution")] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let sweep = attribution_sweep(d, "s.toml", key);
        let whole = d.join("whole.csv");
        ok(deter(&[
            "sweep",
            &sweep,
            flag,
            "--out",
            whole.to_str().unwrap(),
            "-q",
        ]));
        let whole_jsonl = ok(deter(&["sweep", &sweep, flag, "--format", "json", "-q"]));
        let parts: Vec<String> = (0..2)
            .map(|k| {
                let out = d.join(format!("part-{k}.json")).display().to_string();
                let shard = format!("{k}/2");
                ok(deter(&[
                    "sweep", &sweep, "--shard", &shard, flag, "--out", &out, "-q",
                ]));
                out
            })
            .collect();
        let merged = d.join("merged.csv");
        ok(merge(&parts, &["--out", merged.to_str().unwrap()]));
        assert_eq!(read(&merged), read(&whole), "CSV, {flag}");
        let header = String::from_utf8(read(&whole)).unwrap();
        assert_eq!(
            header.lines().next().unwrap().contains("attribution_"),
            !key,
            "{flag}: {header}"
        );
        assert_eq!(
            ok(merge(&parts, &["--format", "json"])),
            whole_jsonl,
            "JSON Lines, {flag}"
        );
        // The merged record's resume command holds the flag once, as the unsharded sweep's
        // record does (no `--format csv`, which `merged.csv` already says: the merge recorded
        // it where the sweep did not), and the merged results resume (complete) under it.
        let resume_args = |record: &str| -> serde_json::Value {
            let record = String::from_utf8(read(&d.join(record))).unwrap();
            let last: serde_json::Value =
                serde_json::from_str(record.lines().nth(2).expect("the record's line 3")).unwrap();
            last["resume_args"].clone()
        };
        assert_eq!(resume_args("merged.csv.sweep"), serde_json::json!([flag]));
        assert_eq!(
            resume_args("merged.csv.sweep"),
            resume_args("whole.csv.sweep")
        );
        // Rows whose file name does not say their format: the format is recorded.
        let txt = d.join("merged.txt");
        ok(merge(
            &parts,
            &["--out", txt.to_str().unwrap(), "--format", "json"],
        ));
        assert_eq!(
            resume_args("merged.txt.sweep"),
            serde_json::json!(["--format", "json", flag])
        );
        ok(deter(&[
            "sweep",
            &sweep,
            flag,
            "--out",
            merged.to_str().unwrap(),
            "--resume",
            "-q",
        ]));
        assert_eq!(read(&merged), read(&whole), "resumed, {flag}");
    }
}

/// `deter sweep --shard --report` was refused with "give --format, --report and --plots to
/// `deter merge PARTS`", and `deter merge PARTS --report` of those shards with "a sweep's page
/// is written by `deter sweep FILE --report PAGE`": each sent the user to the other, and a
/// sharded sweep had no page. The merge writes the page and the charts, byte for byte those
/// of the unsharded sweep; the shard's refusal, its --help and the merge's --help say so.
#[test]
fn a_sharded_sweeps_page_and_charts_are_written_by_the_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep = saltelli_sweep(d, "s.toml", false);
    let page = d.join("r.html").display().to_string();
    let part = d.join("p.json").display().to_string();
    let o = deter(&[
        "sweep", &sweep, "--shard", "0/2", "--out", &part, "--report", &page,
    ]);
    let err = common::refused(&o);
    assert!(
        err.contains("--report:1:1: error: expected no --report with --shard")
            && err.contains("`deter merge PARTS --out RESULTS --report PAGE`"),
        "{err}"
    );
    let help = String::from_utf8(ok(deter(&["sweep", "--help"]))).unwrap();
    assert!(
        help.contains("deter merge PARTS --report PAGE"),
        "sweep --help: {help}"
    );
    let help = String::from_utf8(ok(deter(&["merge", "--help"]))).unwrap();
    assert!(
        help.contains("--report <") && help.contains("--plots <"),
        "{help}"
    );

    let whole = d.join("whole.csv");
    let (whole_page, whole_plots) = (d.join("whole.html"), d.join("whole-plots"));
    ok(deter(&[
        "sweep",
        &sweep,
        "--out",
        whole.to_str().unwrap(),
        "--report",
        whole_page.to_str().unwrap(),
        "--plots",
        whole_plots.to_str().unwrap(),
        "-q",
    ]));
    let parts = sweep_shards(d, &sweep, 3);
    let merged = d.join("merged.csv");
    let (merged_page, merged_plots) = (d.join("merged.html"), d.join("merged-plots"));
    ok(merge(
        &parts,
        &[
            "--out",
            merged.to_str().unwrap(),
            "--report",
            merged_page.to_str().unwrap(),
            "--plots",
            merged_plots.to_str().unwrap(),
        ],
    ));
    assert_eq!(read(&merged), read(&whole));
    assert_eq!(
        String::from_utf8(read(&merged_page)).unwrap(),
        String::from_utf8(read(&whole_page)).unwrap(),
        "the page"
    );
    let charts = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    read(&e.path()),
                )
            })
            .collect();
        v.sort();
        v
    };
    let drawn = charts(&whole_plots);
    assert!(!drawn.is_empty());
    assert_eq!(charts(&merged_plots), drawn, "the charts");
    // The page may not take the name of a file written beside the results.
    let o = merge(
        &parts,
        &[
            "--out",
            merged.to_str().unwrap(),
            "--report",
            d.join("merged.csv.sweep").to_str().unwrap(),
        ],
    );
    common::refused(&o);
}

/// `deter merge` reported the shards' summed wall times as "10.22 s, 294 runs/s on 2
/// threads" although the shards ran apart on 2, 1 and 2 threads. It says what is true: the
/// shards' total compute time and each shard's threads, in the table and in the JSON.
#[test]
fn merge_reports_the_shards_total_compute_time_and_each_shards_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for (k, threads) in [(0, "2"), (1, "1"), (2, "2")] {
        let part = dir.path().join(format!("part-{k}.json"));
        ok(deter(&[
            "run",
            SCENARIO,
            "--runs",
            "300",
            "--shard",
            &format!("{k}/3"),
            "--threads",
            threads,
            "-q",
            "--out",
            part.to_str().unwrap(),
        ]));
        parts.push(part.display().to_string());
    }
    // The shards' own wall times, read from their files.
    let walls: f64 = parts
        .iter()
        .map(|p| {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            v["timing"]["wall_seconds"]
                .as_f64()
                .expect("a shard's wall time")
        })
        .sum();
    let table = String::from_utf8(ok(merge(&parts, &["--format", "table"]))).unwrap();
    let line = table.lines().nth(1).unwrap();
    assert!(
        line.contains(&format!(
            "3 shards: total compute time {walls:.2} s; threads per shard 2, 1, 2"
        )),
        "{line}"
    );
    assert!(
        !line.contains("runs/s") && !line.contains("on 2 threads"),
        "{line}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&ok(merge(&parts, &["--format", "json"]))).unwrap();
    assert_eq!(
        json["timing"]["shard_threads"],
        serde_json::json!([2, 1, 2])
    );
    let w = json["timing"]["wall_seconds"].as_f64().unwrap();
    assert!((w - walls).abs() < 1e-6, "{w} vs {walls}");
}

/// SHA-256 (hex) of a partial file's parts as compact JSON: the checksum `header.parts_sha256`
/// (docs/CLUSTER.md), computed here without deter's code.
fn parts_sha256(parts: &serde_json::Value) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(serde_json::to_vec(parts).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A shard given as a named pipe (FIFO) whose fault is located at a line and column: the
/// merge re-opened the file by its path to find the line, and a FIFO, whose writer had gone,
/// blocked it forever. The line and column now come from the bytes already read: the command
/// ends with the located error, exit 2, well within the timeout.
#[cfg(unix)]
#[test]
fn a_faulty_shard_in_a_fifo_is_located_without_opening_it_again() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let mut parts = Vec::new();
    for k in 0..2 {
        let part = dir.path().join(format!("part-{k}.json"));
        let o = deter(&[
            "run",
            &base,
            "--runs",
            "20",
            "--no-attribution",
            "--shard",
            &format!("{k}/2"),
            "--out",
            part.to_str().unwrap(),
        ]);
        succeeded(&o);
        parts.push(part);
    }
    // Shard 1 of another seed: a fault of its header, located at `header.seed`.
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&parts[1]).unwrap()).unwrap();
    v["header"]["seed"] = serde_json::json!(7);
    let bytes = serde_json::to_vec_pretty(&v).unwrap();
    let seed_line = String::from_utf8_lossy(&bytes)
        .lines()
        .position(|l| l.trim_start().starts_with("\"seed\": 7"))
        .unwrap()
        + 1;
    let fifo = dir.path().join("shard-1.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(&fifo, bytes))
    };
    let mut child = std::process::Command::new(common::bin())
        .args(["merge", parts[0].to_str().unwrap(), fifo.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("deter merge of a FIFO still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    writer.join().unwrap().unwrap();
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let at = format!("{}:{seed_line}:", fifo.display());
    assert!(
        err.starts_with(&at) && err.contains(": error: header.seed: the file does not belong with"),
        "{err}\nwant the error at {at}"
    );
}

/// `deter merge --per-run PATH` writes the per-run CSV of the shards' runs, carried in their
/// partial files by `deter run --shard K/N --per-run-rows`: byte for byte one process's
/// `deter run --per-run PATH`, for 1, 3 and 7 shards given in any order; the report merged
/// beside it is the one of shards without rows. Recomputed here without deter: the file's
/// header, one row per run (the baseline has one rivalry), runs 0..RUNS in order. Before,
/// `deter merge` had no --per-run and `deter run --shard` refused --per-run.
#[test]
fn merge_per_run_equals_one_process_per_run_byte_for_byte_for_1_3_and_7_shards() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.csv");
    let whole_csv = ok(deter(&[
        "run",
        SCENARIO,
        "--runs",
        RUNS,
        "--no-attribution",
        "--per-run",
        whole.to_str().unwrap(),
        "--format",
        "csv",
        "--quiet",
    ]));
    let whole_rows = read(&whole);
    let text = String::from_utf8(whole_rows.clone()).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("run,rivalry,"), "{text}");
    let runs: Vec<u64> = lines
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(runs, (0..RUNS.parse::<u64>().unwrap()).collect::<Vec<_>>());
    for n in [1, 3, 7] {
        let sub = tempfile::tempdir().unwrap();
        let extra = ["--no-attribution", "--per-run-rows"];
        let parts = shuffled(shard_files(sub.path(), SCENARIO, n, &extra));
        let rows = sub.path().join("rows.csv");
        let csv = ok(merge(
            &parts,
            &["--per-run", rows.to_str().unwrap(), "--format", "csv"],
        ));
        assert!(read(&rows) == whole_rows, "per-run CSV, n = {n}");
        assert_eq!(csv, whole_csv, "report CSV, n = {n}");
        // Shards without rows merge to the same report; --per-run refuses them by name.
        let apart = sub.path().join("plain");
        std::fs::create_dir(&apart).unwrap();
        let plain = shard_files(&apart, SCENARIO, n, &["--no-attribution"]);
        assert_eq!(
            ok(merge(&plain, &["--format", "csv"])),
            whole_csv,
            "n = {n}"
        );
        let again = sub.path().join("again.csv");
        refused(
            merge(&plain, &["--per-run", again.to_str().unwrap()]),
            &[
                &format!("`{}`", plain[0]),
                "carries no per-run rows",
                "--per-run-rows",
            ],
        );
        assert!(!again.exists());
    }
}

/// The faults around per-run rows in shards, each refused with what to do: --per-run PATH
/// given to a shard, --per-run-rows without --shard, --per-run on sweep shards, and rows
/// edited after the shard wrote them (the checksum, as the parts').
#[test]
fn per_run_rows_in_shards_are_refused_where_they_cannot_be_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.csv");
    let rows = rows.to_str().unwrap();
    refused(
        deter(&["run", SCENARIO, "--shard", "0/2", "--per-run", rows]),
        &[
            "--per-run:1:1: error: expected no --per-run file with --shard",
            "--per-run-rows",
            "deter merge",
        ],
    );
    refused(deter(&["run", SCENARIO, "--per-run-rows"]), &["--shard"]);
    let sweep = saltelli_sweep(dir.path(), "s.toml", false);
    let parts = sweep_shards(dir.path(), &sweep, 2);
    refused(
        merge(&parts, &["--per-run", rows]),
        &[
            "shards of a `deter sweep`",
            "--per-run applies to `deter run` shards",
        ],
    );
    let parts = shard_files(
        dir.path(),
        SCENARIO,
        3,
        &["--no-attribution", "--per-run-rows"],
    );
    let text = std::fs::read_to_string(&parts[1]).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let row = v["per_run"][3].as_str().unwrap().to_string();
    let (run, rest) = row.split_once(',').unwrap();
    let (rivalry, rest) = rest.split_once(',').unwrap();
    let level: u8 = rest[..1].parse().unwrap();
    let edited_row = format!("{run},{rivalry},{}{}", (level + 1) % 6, &rest[1..]);
    v["per_run"][3] = serde_json::json!(edited_row);
    let edited = dir.path().join("edited.json").display().to_string();
    std::fs::write(&edited, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = merge(
        &[parts[0].clone(), edited.clone(), parts[2].clone()],
        &["--per-run", rows],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with(&format!("{edited}:1:"))
            && err.contains(
                "error: header.per_run_sha256: damaged partial file: its per-run rows do not \
                 match the checksum its shard wrote"
            ),
        "{err}"
    );
    assert!(!Path::new(rows).exists(), "an output was written");
    succeeded(&merge(&parts, &["--per-run", rows]));
}

/// Edits that leave every value of a partial file the same passed `deter merge` (its
/// checksum is of the parts' values, and the header is read by value): an explicit `null`
/// for a field that is absent when empty, a field that has a default removed, a space. The
/// merge now refuses a file that is not byte for byte what its shard wrote, at the first
/// byte that differs (FILE:LINE:COL, the key path there, what the shard writes there and
/// what the file has), exit 2, nothing written; unedited, the same shards merge.
#[test]
fn a_shard_edited_without_changing_any_value_is_refused_where_it_differs() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 2, &["--no-attribution"]);
    let text = std::fs::read_to_string(&parts[1]).unwrap();
    // The aggregate (without the attribution's tallies) ends its part's line.
    let part_end = "]}}\n],\n\"source\"";
    assert_eq!(text.matches(part_end).count(), 1, "one part, one line");
    // (edit, the edited text, where the first differing token starts, key path, what the
    // shard writes there, what the file has)
    let cases = [
        (
            "explicit null",
            text.replace(part_end, "],\"attribution\":null}}\n],\n\"source\""),
            text.find(part_end).unwrap() + 1,
            "parts[0].aggregate",
            "`}}`",
            "`,\"attribution\":null}}`",
        ),
        (
            "removed default",
            text.replace("\"attribution\":false,", ""),
            text.find("\"attribution\":false,").unwrap(),
            "header",
            "`\"attribution\":false,\"shard\":{\"k\"...`",
            "`\"shard\":{\"k\":1,\"n\":2,\"first\":750...`",
        ),
        (
            "a space",
            text.replace("\"seed\":", "\"seed\": "),
            text.find("\"seed\":").unwrap() + "\"seed\":".len(),
            "header.seed",
            "`20230924,",
            "` 20230924,",
        ),
    ];
    let out = dir.path().join("merged.json");
    for (edit, edited_text, at, key, writes, has) in cases {
        let edited = dir.path().join("edited.json").display().to_string();
        std::fs::write(&edited, &edited_text).unwrap();
        // The values are the same: the file reads as the shard's did.
        let value = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
        let mut same = value(&edited_text);
        if edit == "explicit null" {
            let agg = same["parts"][0]["aggregate"].as_object_mut().unwrap();
            assert!(agg.remove("attribution").unwrap().is_null());
        } else if edit == "removed default" {
            same["header"]["attribution"] = false.into();
        }
        assert_eq!(same, value(&text), "{edit}");
        let o = merge(
            &[parts[0].clone(), edited.clone()],
            &["--format", "json", "--out", out.to_str().unwrap()],
        );
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{edit}: {err}");
        let line = edited_text[..at].matches('\n').count() + 1;
        let col = at - edited_text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
        let head = format!(
            "{edited}:{line}:{col}: error: {key}: damaged partial file: here its shard writes \
             {writes}"
        );
        assert!(err.starts_with(&head), "{edit}: want {head}\n{err}");
        assert!(
            err.contains(&format!(", the file has {has}")),
            "{edit}: {err}"
        );
        assert!(
            err.contains("the file was edited after its shard wrote it"),
            "{edit}: {err}"
        );
        assert!(!out.exists(), "{edit}: an output was written");
    }
    succeeded(&merge(
        &parts,
        &["--format", "json", "--out", out.to_str().unwrap()],
    ));
}

/// A partial file converted to CR LF line ends (a copy through a Windows share or an editor)
/// was refused as "here its shard writes a line break, the file has a line break": the CR
/// and the line break it precedes read alike. It is named as what it is, at its byte.
#[test]
fn a_shard_with_crlf_line_ends_is_refused_naming_the_carriage_return() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 2, &["--no-attribution"]);
    let text = std::fs::read_to_string(&parts[1]).unwrap();
    let edited = dir.path().join("crlf.json").display().to_string();
    std::fs::write(&edited, text.replace('\n', "\r\n")).unwrap();
    // The first line break follows the opening brace: line 1, column 2.
    assert!(text.starts_with("{\n"), "{}", &text[..2]);
    let out = dir.path().join("merged.json");
    let o = merge(
        &[parts[0].clone(), edited.clone()],
        &["--format", "json", "--out", out.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    let head = format!(
        "{edited}:1:2: error: damaged partial file: here its shard writes a line break, the \
         file has a carriage return (`\\r`) before the line break: CR LF line ends"
    );
    assert!(err.starts_with(&head), "want {head}\n{err}");
    assert!(!out.exists(), "an output was written");
}

/// `deter merge` guarded three sets of tallies (the merged aggregate, a template, a part)
/// where it holds two (the merged aggregate and the part being added: tests/memory.rs
/// measures it), so a run it can merge within the limit was refused. A scenario whose two
/// sets fit in the limit and three do not now passes the guard: its partial file (one with
/// no part, whose fault the merge finds after the guard, before allocating any tallies)
/// reaches the merge's own checks; one whose two sets pass the limit is refused by the guard
/// (exit 2, nothing written).
#[test]
fn the_merge_guard_counts_the_two_sets_a_merge_holds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let limit = 8u64 << 30;
    let scenario_of = |rivalries| common::rivalries_scenario("big", "1900-01", 200, rivalries);
    let set = |text: &str| {
        let s = deter::scenario::parse_str(text, "big.toml").unwrap();
        deter::engine::Aggregate::estimated_bytes(&deter::model::Compiled::new(&s))
    };
    // The fewest rivalries (in steps of 100) whose three sets pass the limit.
    let rivalries = (1..)
        .map(|k| 100 * k)
        .find(|&r| 3 * set(&scenario_of(r)) > limit)
        .unwrap();
    assert!(
        2 * set(&scenario_of(rivalries)) <= limit,
        "{rivalries} rivalries: two sets over the limit"
    );
    // The fewest rivalries whose two sets pass the limit: refused by the guard, before any
    // tallies are made (the nested run's merge has the same pair of cases).
    let over = (rivalries / 100..)
        .map(|k| 100 * k)
        .find(|&r| 2 * set(&scenario_of(r)) > limit)
        .unwrap();
    // A partial file of one run of it, shard 0 of 1, that holds no part: a small scenario's
    // shard with the big one's fingerprint and source (the merge finds the missing part
    // after its memory guard, before it allocates any tallies).
    write(d, "small.toml", &scenario_of(2));
    succeeded(&deter_in(
        d,
        &[
            "run",
            "small.toml",
            "--runs",
            "1",
            "--shard",
            "0/1",
            "--no-attribution",
            "--out",
            "part.json",
            "-q",
        ],
        &[],
    ));
    let part = d.join("part.json");
    let small: serde_json::Value = serde_json::from_slice(&std::fs::read(&part).unwrap()).unwrap();
    for (rivalries, guarded) in [(rivalries, false), (over, true)] {
        let text = scenario_of(rivalries);
        let big = write(d, "big.toml", &text);
        let mut v = small.clone();
        let fingerprint = deter::scenario::parse_str(&text, "big.toml")
            .unwrap()
            .fingerprint();
        v["header"]["sha256"] = fingerprint.into();
        v["parts"] = serde_json::json!([]);
        v["header"]["parts_sha256"] = parts_sha256(&v["parts"]).into();
        v["source"] = serde_json::json!({
            "path": "big.toml",
            "absolute_path": big.display().to_string(),
            "text": text,
        });
        std::fs::write(&part, serde_json::to_vec(&v).unwrap()).unwrap();
        let out = d.join("merged.json");
        let o = deter_in(
            d,
            &[
                "merge",
                "part.json",
                "--format",
                "json",
                "--out",
                "merged.json",
                "-q",
            ],
            &[],
        );
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{rivalries} rivalries: {err}");
        assert_eq!(
            err.contains("GiB limit"),
            guarded,
            "{rivalries} rivalries: {err}"
        );
        if !guarded {
            assert!(
                err.contains("parts: they do not cover the file's units 0..1"),
                "{err}"
            );
        }
        assert!(
            !out.exists(),
            "{rivalries} rivalries: an output was written"
        );
    }
}

// ---- Nested runs (`--posterior`, `[[uncertain]]`) across shards ---------------------------

/// The bytes every output of a nested run gives (table, JSON, CSV, and the page of
/// `--report`), for `deter run` (`cmd` = its arguments) or `deter merge`: the table without
/// its timing line (as a plain run's, [`table_without_timing`]), the others whole.
fn nested_outputs(dir: &Path, cmd: &[&str], tag: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for format in ["table", "json", "csv"] {
        let mut args = cmd.to_vec();
        args.extend(["--format", format, "--quiet"]);
        let bytes = ok(deter(&args));
        let bytes = if format == "table" {
            table_without_timing(&bytes).into_bytes()
        } else {
            bytes
        };
        out.push((format.to_string(), bytes));
    }
    let page = dir.join(format!("{tag}.html")).display().to_string();
    let mut args = cmd.to_vec();
    args.extend(["--report", &page, "--quiet"]);
    ok(deter(&args));
    out.push(("html".into(), std::fs::read(&page).unwrap()));
    out
}

/// The partial files of a nested run's shards `0..n`, each with `threads(k)` threads.
fn nested_shards(
    dir: &Path,
    run: &[&str],
    n: u64,
    tag: &str,
    threads: impl Fn(u64) -> u64,
) -> Vec<String> {
    (0..n)
        .map(|k| {
            let out = dir.join(format!("{tag}-{k}.json")).display().to_string();
            let (shard, t) = (format!("{k}/{n}"), threads(k).to_string());
            let mut args = run.to_vec();
            args.extend(["--shard", &shard, "--threads", &t, "--out", &out, "--quiet"]);
            ok(deter(&args));
            out
        })
        .collect()
}

/// A posterior of two parameters and three weighted particles, in `dir`.
fn nested_posterior(dir: &Path) -> String {
    common::write_posterior(
        dir,
        &["model.war_cost", "model.rationality"],
        &[(&[0.6, 0.8], 0.2), (&[1.2, 0.9], 0.5), (&[1.5, 0.7], 0.3)],
    )
    .display()
    .to_string()
}

/// `deter run FILE --posterior DRAWS.csv --draws D --shard K/N` then `deter merge` writes
/// every output of the unsharded nested run byte for byte (there is no timing in them), for
/// N = 1, 2, 3 (with 5 draws of 30 runs, shards 1 and 2 of 3 split a draw), shards of one and
/// two threads, parts in any order; and the same for a scenario with `[[uncertain]]` priors.
/// The unsharded run itself gives the same bytes with one and two threads.
#[test]
fn nested_merge_equals_the_unsharded_nested_run_byte_for_byte_for_1_2_3_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let post = nested_posterior(d);
    let run = [
        "run",
        SCENARIO,
        "--posterior",
        &post,
        "--draws",
        "5",
        "--runs",
        "30",
    ];
    let mut one = run.to_vec();
    one.extend(["--threads", "1"]);
    let mut two = run.to_vec();
    two.extend(["--threads", "2"]);
    let whole = nested_outputs(d, &one, "whole-1");
    assert_eq!(whole, nested_outputs(d, &two, "whole-2"), "threads 1 and 2");
    let json: serde_json::Value = serde_json::from_slice(&whole[1].1).unwrap();
    assert_eq!(json["kind"], "nested_run");
    assert_eq!(json["draws"], 5);
    for n in [1u64, 2, 3] {
        for (label, threads) in [("alternating", 0u64), ("two", 2)] {
            let tag = format!("p{n}-{label}");
            let parts = nested_shards(d, &run, n, &tag, |k| {
                if threads == 0 { k % 2 + 1 } else { threads }
            });
            let head = std::fs::read_to_string(&parts[0]).unwrap();
            assert!(head.contains("\"kind\":\"nested\""), "{}", &head[..400]);
            let mut cmd = vec!["merge"];
            let parts = shuffled(parts);
            cmd.extend(parts.iter().map(String::as_str));
            let merged = nested_outputs(d, &cmd, &format!("{tag}-merged"));
            for ((format, a), (_, b)) in whole.iter().zip(&merged) {
                assert!(
                    a == b,
                    "n = {n}, {label} threads, {format}:\n{}\n---\n{}",
                    String::from_utf8_lossy(a),
                    String::from_utf8_lossy(b)
                );
            }
        }
    }
    // Priors declared in the scenario: the same, through their own path.
    let priors = write(
        d,
        "unc.toml",
        &format!(
            "extends = \"{}\"\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 1.5]\n",
            root().join(SCENARIO).display()
        ),
    );
    let p = priors.display().to_string();
    let run = ["run", p.as_str(), "--draws", "4", "--runs", "25"];
    let whole = nested_outputs(d, &run, "unc-whole");
    let parts = nested_shards(d, &run, 3, "unc", |k| k % 2 + 1);
    let mut cmd = vec!["merge"];
    cmd.extend(parts.iter().map(String::as_str));
    assert!(
        whole == nested_outputs(d, &cmd, "unc-merged"),
        "[[uncertain]]"
    );
}

/// The merge of a nested run's shards refuses, naming the file and the reason (exit 2,
/// nothing written), a missing or duplicated shard, a posterior text or parts edited after
/// the shard wrote them, a shard of another posterior, and a plain run's shard among them;
/// and the flags a nested run cannot honour.
#[test]
fn nested_merge_refuses_missing_duplicated_edited_and_foreign_parts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let post = nested_posterior(d);
    let run = [
        "run",
        SCENARIO,
        "--posterior",
        &post,
        "--draws",
        "4",
        "--runs",
        "20",
    ];
    let parts = nested_shards(d, &run, 3, "p", |_| 1);
    let out = d.join("merged.json");
    let o = out.display().to_string();
    let merge_to = |files: &[&str], extra: &[&str]| {
        let mut args = vec!["merge"];
        args.extend(files);
        args.extend(["--out", &o, "--quiet"]);
        args.extend(extra);
        deter(&args)
    };
    let (p0, p1, p2) = (parts[0].as_str(), parts[1].as_str(), parts[2].as_str());
    refused(
        merge_to(&[p0, p2], &[]),
        &["1 of 3 shards missing: shard 1 (units 26..53)", p0, p2],
    );
    refused(
        merge_to(&[p0, p1, p1, p2], &[]),
        &[&format!(
            "PART:1:1: error: expected each partial file once, found `{p1}` given twice"
        )],
    );
    // The posterior's text edited in one part: at its checksum.
    let text = std::fs::read_to_string(p1).unwrap();
    let edited = d.join("edited.json");
    std::fs::write(&edited, text.replace("0,0.6,0.8,0.2,0", "0,0.7,0.8,0.2,0")).unwrap();
    let e = edited.display().to_string();
    refused(
        merge_to(&[p0, &e, p2], &[]),
        &[
            &format!("{e}:2:"),
            "header.posterior_sha256: damaged partial file: its posterior's text does not \
             match the checksum its shard wrote",
        ],
    );
    // A count lowered in its parts: at the parts' checksum.
    let at = text.find("\"events\":[").unwrap() + "\"events\":[".len();
    let len = text[at..].find(',').unwrap();
    let count: u64 = text[at..at + len].parse().unwrap();
    let changed = if count == 0 { 1 } else { count - 1 };
    let counts = d.join("counts.json");
    std::fs::write(
        &counts,
        format!("{}{changed}{}", &text[..at], &text[at + len..]),
    )
    .unwrap();
    let c = counts.display().to_string();
    refused(
        merge_to(&[p0, &c, p2], &[]),
        &[
            &format!("{c}:2:"),
            "header.parts_sha256: damaged partial file: its parts do not match the checksum",
        ],
    );
    // A shard of the same run with other --draws: said in the flag's words (it said "its
    // points is 5, not 4").
    let mut more_draws = run.to_vec();
    more_draws[5] = "5";
    let more = nested_shards(d, &more_draws, 3, "draws", |_| 1);
    refused(
        merge_to(&[p0, &more[1], p2], &[]),
        &[
            "header.points: the file does not belong with",
            "its points (a sweep's design points, a nested run's --draws) is 5, not 4",
        ],
    );
    // A shard of the same scenario under another posterior.
    let other_dir = tempfile::tempdir().unwrap();
    let other = common::write_posterior(
        other_dir.path(),
        &["model.war_cost", "model.rationality"],
        &[(&[0.6, 0.8], 0.5), (&[1.2, 0.9], 0.5)],
    )
    .display()
    .to_string();
    let mut foreign_run = run.to_vec();
    foreign_run[3] = &other;
    let foreign = nested_shards(d, &foreign_run, 3, "foreign", |_| 1);
    refused(
        merge_to(&[p0, &foreign[1], p2], &[]),
        &[
            &format!("{}:2:", foreign[1]),
            &format!(
                "header.posterior_sha256: the file does not belong with `{p0}`: its \
                 posterior_sha256 (of the posterior's text) is"
            ),
        ],
    );
    // A plain run's shard among them.
    let plain = d.join("plain.json").display().to_string();
    ok(deter(&[
        "run", SCENARIO, "--runs", "80", "--shard", "1/3", "--out", &plain, "--quiet",
    ]));
    refused(
        merge_to(&[p0, &plain, p2], &[]),
        &[
            &format!("{plain}:2:"),
            "header.kind: the file does not belong with",
        ],
    );
    for (flag, extra) in [
        ("--yearly", &["--yearly"][..]),
        ("--per-run", &["--per-run", "rows.csv"][..]),
    ] {
        refused(
            merge_to(&[p0, p1, p2], extra),
            &[&format!(
                "these are shards of a nested run (--posterior); {flag} does not apply to nested \
                 Monte Carlo"
            )],
        );
    }
    assert!(!out.exists(), "nothing written");
    ok(merge_to(&[p2, p1, p0], &[]));
    assert!(out.exists());
}

/// `--shard auto` takes the shard from the Slurm array variables for a nested run as for a
/// plain one: the parts merge to the unsharded nested run.
#[test]
fn nested_shard_auto_reads_the_slurm_array_variables() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let post = nested_posterior(d);
    let run = [
        "run",
        SCENARIO,
        "--posterior",
        &post,
        "--draws",
        "3",
        "--runs",
        "20",
        "--format",
        "json",
        "--quiet",
    ];
    let whole = ok(deter(&run));
    let parts: Vec<String> = (0..2)
        .map(|k| {
            let out = d.join(format!("auto-{k}.json")).display().to_string();
            let id = k.to_string();
            ok(deter_in(
                root(),
                &[
                    "run",
                    SCENARIO,
                    "--posterior",
                    &post,
                    "--draws",
                    "3",
                    "--runs",
                    "20",
                    "--shard",
                    "auto",
                    "--out",
                    &out,
                    "--quiet",
                ],
                &[
                    ("SLURM_ARRAY_TASK_ID", &id),
                    ("SLURM_ARRAY_TASK_COUNT", "2"),
                ],
            ));
            out
        })
        .collect();
    let mut cmd = vec!["merge", "--format", "json", "--quiet"];
    cmd.extend(parts.iter().map(String::as_str));
    assert!(ok(deter(&cmd)) == whole);
    // Outside an array, refused as a plain run's shard.
    refused(
        deter(&[
            "run",
            SCENARIO,
            "--posterior",
            &post,
            "--draws",
            "3",
            "--runs",
            "20",
            "--shard",
            "auto",
            "--quiet",
        ]),
        &[
            "--shard:1:1: error: expected a Slurm job array's SLURM_ARRAY_TASK_ID and \
           SLURM_ARRAY_TASK_COUNT in the environment, found neither",
        ],
    );
}

/// The memory guard covers a nested run's merge, counting the two sets every merge holds
/// (one draw's merged tallies and the part being added): a nested part whose scenario's two
/// sets pass the limit is refused by the guard, before any tallies are made; one whose two
/// sets fit (three would not) is not.
#[test]
fn the_merge_guard_covers_a_nested_runs_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let limit = 8u64 << 30;
    let prior = "[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 1.5]\n";
    let scenario_of = |rivalries| {
        format!(
            "{}\n{prior}",
            common::rivalries_scenario("big", "1900-01", 200, rivalries)
        )
    };
    let set = |text: &str| {
        let s = deter::scenario::parse_str(text, "big.toml").unwrap();
        deter::engine::Aggregate::estimated_bytes(&deter::model::Compiled::new(&s))
    };
    let fits = (1..)
        .map(|k| 100 * k)
        .find(|&r| 3 * set(&scenario_of(r)) > limit)
        .unwrap();
    assert!(2 * set(&scenario_of(fits)) <= limit);
    let over = (fits / 100..)
        .map(|k| 100 * k)
        .find(|&r| 2 * set(&scenario_of(r)) > limit)
        .unwrap();
    // A small scenario's nested shard, given the big one's fingerprint and text (its parts
    // emptied: the merge finds them missing after its guard, before it makes any tallies).
    write(d, "small.toml", &scenario_of(2));
    succeeded(&deter_in(
        d,
        &[
            "run",
            "small.toml",
            "--draws",
            "2",
            "--runs",
            "2",
            "--shard",
            "0/1",
            "--out",
            "part.json",
            "-q",
        ],
        &[],
    ));
    let part = d.join("part.json");
    let small: serde_json::Value = serde_json::from_slice(&std::fs::read(&part).unwrap()).unwrap();
    for (rivalries, guarded) in [(fits, false), (over, true)] {
        let text = scenario_of(rivalries);
        let big = write(d, "big.toml", &text);
        let mut v = small.clone();
        v["header"]["sha256"] = deter::scenario::parse_str(&text, "big.toml")
            .unwrap()
            .fingerprint()
            .into();
        v["parts"] = serde_json::json!([]);
        v["header"]["parts_sha256"] = parts_sha256(&v["parts"]).into();
        v["source"] = serde_json::json!({
            "path": "big.toml",
            "absolute_path": big.display().to_string(),
            "text": text,
        });
        std::fs::write(&part, serde_json::to_vec(&v).unwrap()).unwrap();
        let o = deter_in(d, &["merge", "part.json", "--format", "json", "-q"], &[]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(
            err.contains("GiB limit"),
            guarded,
            "{rivalries} rivalries: {err}"
        );
        if !guarded {
            assert!(
                err.contains("parts: they do not cover the file's units 0..4"),
                "{err}"
            );
        }
    }
}

/// A misspelt key in a partial file (`"seed"` edited to `"sede"`) is said as every file kind
/// says an unknown key: file:line:col, the key path, "unknown key" and a did-you-mean; it
/// was serde's "unknown field `sede`, expected one of" and 17 names.
#[test]
fn a_misspelt_key_in_a_partial_file_gets_its_key_path_and_a_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 3, &[]);
    let text = std::fs::read_to_string(&parts[1]).unwrap();
    assert_eq!(
        text.matches("\"seed\"").count(),
        1,
        "one `seed` key to misspell"
    );
    let edited = text.replace("\"seed\"", "\"sede\"");
    std::fs::write(&parts[1], &edited).unwrap();
    let at = edited.find("\"sede\"").unwrap();
    let line = edited[..at].matches('\n').count() + 1;
    let col = at - edited[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    let o = merge(&parts, &[]);
    let err = common::refused(&o);
    assert!(
        err.starts_with(&format!(
            "{}:{line}:{col}: error: header.sede: unknown key `sede`",
            parts[1]
        )),
        "{err}"
    );
    assert!(err.contains("help: did you mean `seed`?"), "{err}");
    assert!(!err.contains("expected one of"), "{err}");
}

/// Shard 1 of 3 of the test scenario with its text edited by `edit`, and the merge's
/// diagnostic of it: (the edited text, the path of the edited file, stderr).
fn merge_edited(edit: impl Fn(&str) -> String) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_files(dir.path(), SCENARIO, 3, &["--no-attribution"]);
    let text = std::fs::read_to_string(&parts[1]).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changes the file");
    std::fs::write(&parts[1], &edited).unwrap();
    let err = common::refused(&merge(&parts, &[]));
    (edited, parts[1].clone(), err)
}

/// FILE:LINE:COL of byte `at` of `text` (ASCII).
fn located_at(file: &str, text: &str, at: usize) -> String {
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{file}:{line}:{col}")
}

/// A key given twice in a partial file (`"seed":7,"seed":8`) is said as a duplicated key
/// in every file kind: at the second one, with its key path; it was serde's file-level
/// "damaged partial file: duplicate field `seed` at line 2 column 609".
#[test]
fn a_duplicated_key_in_a_partial_file_is_located_with_its_key_path() {
    let (text, file, err) = merge_edited(|t| {
        let i = t.find("\"seed\"").unwrap();
        format!("{}\"seed\": 8, {}", &t[..i], &t[i..])
    });
    let second = text.find("\"seed\"").unwrap()
        + 1
        + text[text.find("\"seed\"").unwrap() + 1..]
            .find("\"seed\"")
            .unwrap();
    assert!(
        err.starts_with(&format!(
            "{}: error: header.seed: JSON syntax error: duplicate key `seed`",
            located_at(&file, &text, second)
        )),
        "{err}"
    );
    assert!(!err.contains("duplicate field"), "{err}");
}

/// A value of the wrong type in a partial file's header (`"seed": "seven"`) is said as every
/// file kind says it: its key path and "expected an integer in [...], found string"; it was
/// serde's `invalid type: string "seven", expected u64` without the key.
#[test]
fn a_wrong_type_in_a_partial_files_header_names_its_key_path_and_expectation() {
    let (text, file, err) = merge_edited(|t| {
        let i = t.find("\"seed\":").unwrap() + 7;
        let end = i + t[i..].find([',', '\n']).unwrap();
        format!("{}\"seven\"{}", &t[..i], &t[end..])
    });
    let at = text.find("\"seven\"").unwrap();
    assert!(
        err.starts_with(&format!(
            "{}: error: header.seed: expected an integer in [0, 18446744073709551615], found string",
            located_at(&file, &text, at)
        )),
        "{err}"
    );
    assert!(!err.contains("invalid type"), "{err}");
}

/// A misspelt `format_version` (`format_versio`) is an unknown key with a did-you-mean, as
/// every misspelt key; it was "partial format version missing (written by deter X); this
/// deter X reads version 6: merge with the deter that wrote the shards" although the same
/// deter wrote it.
#[test]
fn a_misspelt_format_version_in_a_partial_file_is_an_unknown_key_not_another_version() {
    let (text, file, err) =
        merge_edited(|t| t.replacen("\"format_version\"", "\"format_versio\"", 1));
    let at = text.find("\"format_versio\"").unwrap();
    assert!(
        err.starts_with(&format!(
            "{}: error: header.format_versio: unknown key `format_versio`",
            located_at(&file, &text, at)
        )),
        "{err}"
    );
    assert!(
        err.contains("help: did you mean `format_version`?"),
        "{err}"
    );
    assert!(!err.contains("merge with the deter that wrote"), "{err}");
}

/// A `format_version` that is not a whole number (`"7"`, `7.5`, `-1`) said "partial format
/// version missing (written by deter X); this deter X reads version N": the key is there,
/// its value is damaged. Said at the value now, as every wrongly typed value of a partial
/// file is, with the help to write the shard again.
#[test]
fn a_format_version_of_the_wrong_type_is_a_damaged_value_not_a_missing_one() {
    for bad in ["\"7\"", "7.5", "-1", "null"] {
        let (text, file, err) = merge_edited(|t| {
            let at = t.find("\"format_version\":").unwrap() + "\"format_version\":".len();
            let end = at + t[at..].find(',').unwrap();
            format!("{}{bad}{}", &t[..at], &t[end..])
        });
        let at =
            text.find(&format!("\"format_version\":{bad}")).unwrap() + "\"format_version\":".len();
        assert!(
            err.starts_with(&format!(
                "{}: error: header.format_version: expected ",
                located_at(&file, &text, at)
            )),
            "{bad}: {err}"
        );
        assert!(!err.contains("missing"), "{bad}: {err}");
        assert!(err.contains("write this shard again"), "{bad}: {err}");
    }
}

/// docs/CLUSTER.md names the partial file's `format_version` a reader must know: the number
/// there is the one a shard writes (it said 6 after shards had written 7 for a day).
#[test]
fn cluster_md_names_the_format_version_shards_write() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/western-balkans-2024.toml");
    let parts = shard_files(dir.path(), scenario.to_str().unwrap(), 1, &[]);
    let text = std::fs::read_to_string(&parts[0]).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let written = value["header"]["format_version"].as_u64().unwrap();
    let docs = std::fs::read_to_string(root().join("docs/CLUSTER.md")).unwrap();
    let at = docs
        .find("`format_version` (")
        .expect("CLUSTER.md names the format version");
    let named: String = docs[at + "`format_version` (".len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    assert_eq!(named, written.to_string(), "docs/CLUSTER.md's header row");
}

/// A shard writes its partial file, JSON whatever its name: `--out part-0.csv` (or `.html`)
/// wrote JSON under a CSV or HTML name, exit 0, where `--out x.html` without `--shard` is
/// refused. `deter run` and `deter sweep` refuse it at the value, exit 2, nothing written.
#[test]
fn a_shard_named_as_a_csv_or_html_file_is_refused_at_its_out() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = root().join("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let sweep = sweep.to_str().unwrap();
    let uncertain = write(
        dir.path(),
        "uncertain.toml",
        &format!(
            "extends = \"{}\"\n\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 1.0]\n",
            root().join(SCENARIO).display()
        ),
    )
    .display()
    .to_string();
    for (command, input, name, named) in [
        ("run", SCENARIO, "part-0.csv", "a CSV"),
        ("run", SCENARIO, "part-0.HTML", "an HTML"),
        ("sweep", sweep, "part-0.csv", "a CSV"),
        ("sweep", sweep, "part-0.htm", "an HTML"),
        // A nested run's shard (a scenario with `[[uncertain]]` priors, drawn twice).
        ("run", uncertain.as_str(), "part-0.csv", "a CSV"),
    ] {
        let out = dir.path().join(name);
        let shown = out.display().to_string();
        let mut args = vec![command, input, "--shard", "0/2", "--out", &shown, "--quiet"];
        if input == uncertain {
            args.extend(["--draws", "2", "--runs", "10"]);
        }
        let o = deter(&args);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{command} {name}: {err}");
        assert!(
            err.starts_with(&format!(
                "--out:1:1: error: expected a file for the shard's partial file (JSON: --shard \
                 writes it), found `{shown}`, the name of {named} file"
            )),
            "{command} {name}: {err}"
        );
        assert!(
            err.contains(&format!(
                "help: use `{}`",
                out.with_extension("json").display()
            )),
            "{command} {name}: {err}"
        );
        assert!(!out.exists(), "{command} {name}: written");
    }
}
