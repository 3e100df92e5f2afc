//! Flags that a mode of a command cannot honour are refused before any work, with a message
//! that says why and what to do, never accepted and ignored: `--plots`/`--yearly` with nested
//! Monte Carlo, `--runs`/`--seed`/`--horizon-years` with `deter sweep --shard`, `--set` with
//! `deter run --shard`, `--format table`/`--yearly` when merging a sweep's shards.

mod common;

use std::path::{Path, PathBuf};

use common::{refused, refused_for, run, stderr, write};

fn base() -> String {
    common::scenario("scenarios/western-balkans-2024.toml")
}

#[test]
fn nested_runs_refuse_plots_and_yearly() {
    let d = tempfile::tempdir().unwrap();
    let post = common::write_posterior(
        d.path(),
        &["model.war_cost"],
        &[(&[0.6], 0.5), (&[1.2], 0.5)],
    );
    let p = post.to_str().unwrap();
    let b = base();
    let plots = d.path().join("plots");
    let pl = plots.to_str().unwrap();
    // The run works without them.
    let o = run(&["run", &b, "--posterior", p, "--draws", "2", "--runs", "10"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // With --posterior, and with [[uncertain]] priors in the file.
    let priors = write(
        d.path(),
        "unc.toml",
        &format!(
            "extends = \"{b}\"\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 1.5]\n"
        ),
    );
    let pr = priors.to_str().unwrap();
    for (args, flag, what) in [
        (
            vec![
                "run",
                b.as_str(),
                "--posterior",
                p,
                "--draws",
                "2",
                "--runs",
                "10",
                "--plots",
                pl,
            ],
            "--plots",
            "--posterior",
        ),
        (
            vec![
                "run",
                b.as_str(),
                "--posterior",
                p,
                "--draws",
                "2",
                "--runs",
                "10",
                "--yearly",
            ],
            "--yearly",
            "--posterior",
        ),
        (
            vec!["run", pr, "--draws", "2", "--runs", "10", "--plots", pl],
            "--plots",
            "[[uncertain]] priors",
        ),
        (
            vec!["run", pr, "--draws", "2", "--runs", "10", "--yearly"],
            "--yearly",
            "[[uncertain]] priors",
        ),
        (
            vec![
                "run",
                b.as_str(),
                "--posterior",
                p,
                "--draws",
                "2",
                "--until-ci",
                "0.05",
            ],
            "--until-ci",
            "--posterior",
        ),
        (
            vec!["run", pr, "--draws", "2", "--until-ci", "0.05"],
            "--until-ci",
            "[[uncertain]] priors",
        ),
    ] {
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        // A flag with a value is refused at it, as --per-run is (and as `deter compare`
        // refuses --plots and --until-ci); a switch has no value and is said on one line.
        let want = match flag {
            "--plots" => common::flag_fault_help(
                flag,
                pl,
                1,
                pl.chars().count(),
                &format!("expected no --plots in nested Monte Carlo ({what}), found `{pl}`"),
                "run without --plots (--report draws the charts)",
            ),
            "--until-ci" => common::flag_fault_help(
                flag,
                "0.05",
                1,
                4,
                &format!("expected no --until-ci in nested Monte Carlo ({what}), found `0.05`"),
                "a nested run's budget is its draws and runs per draw: give --draws and --runs, \
                 without --until-ci",
            ),
            _ => format!(
                "error: {flag} does not apply to nested Monte Carlo ({what}); run without it\n"
            ),
        };
        assert_eq!(stderr(&o), want, "{args:?}");
        assert!(o.stdout.is_empty());
        assert!(!plots.exists(), "no charts' directory");
    }
    let o = run(&[
        "compare",
        &b,
        &b,
        "--posterior",
        p,
        "--draws",
        "2",
        "--runs",
        "10",
        "--plots",
        pl,
    ]);
    refused(&o);
    // After the warning that A and B are one file, said as soon as both are read.
    let e = stderr(&o);
    let e = e
        .strip_prefix("warning: A and B are the same file")
        .and_then(|rest| rest.split_once('\n'))
        .map_or(e.as_str(), |(_, after)| after);
    assert!(
        e.starts_with(&format!(
            "--plots:1:1: error: expected no --plots in a nested comparison over uncertain \
             parameters ([[uncertain]] priors or --posterior), found `{pl}`"
        )),
        "{}",
        stderr(&o)
    );
    assert!(e.contains("help: run without --plots"), "{e}");
    // --until-ci, with priors and with --posterior (which clap refused bare: "the argument
    // '--posterior <DRAWS.csv>' cannot be used with '--until-ci <HALF_WIDTH>'"), at its value.
    for from in [&["--draws", "2"][..], &["--posterior", p][..]] {
        let mut args = vec!["compare", pr, &b, "--runs", "10", "--until-ci", "0.05"];
        args.extend_from_slice(from);
        let o = run(&args);
        refused_for(&o, format_args!("{args:?}"));
        let e = stderr(&o);
        assert!(
            e.starts_with(
                "--until-ci:1:1: error: expected no --until-ci in a nested comparison over \
             uncertain parameters ([[uncertain]] priors or --posterior), found `0.05`"
            ),
            "{e}"
        );
        assert!(
            e.contains("help: a nested comparison's budget is its draws"),
            "{e}"
        );
    }
    assert!(!plots.exists());
}

/// A grid sweep of three points.
fn sweep(dir: &Path) -> PathBuf {
    write(
        dir,
        "g.toml",
        &format!(
            "base = \"{}\"\nruns = 10\nseed = 3\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
             values = [0.5, 0.7, 0.9]\n",
            base()
        ),
    )
}

#[test]
fn sweep_shards_refuse_overrides_with_the_reason_and_the_way() {
    let d = tempfile::tempdir().unwrap();
    let s = sweep(d.path());
    let part = d.path().join("p.json");
    for (flag, value) in [("--runs", "20"), ("--seed", "4"), ("--horizon-years", "5")] {
        let o = run(&[
            "sweep",
            s.to_str().unwrap(),
            "--shard",
            "0/2",
            flag,
            value,
            "--out",
            part.to_str().unwrap(),
        ]);
        refused_for(&o, format_args!("{flag}"));
        let e = stderr(&o);
        // At the flag's value, as `deter run --shard`'s --set is.
        assert!(
            e.starts_with(&format!(
                "{flag}:1:1: error: expected no {flag} with --shard, found `{value}`\n"
            )) && e.contains("= help: `deter merge` rebuilds the sweep from its file")
                && e.contains("write them into the sweep file")
                && e.contains("docs/CLUSTER.md"),
            "{e}"
        );
        assert!(!e.contains("cannot be used with"), "{e}");
        assert!(!part.exists());
    }
    // The limits are listed where the user looks for them.
    let cluster = std::fs::read_to_string(common::root().join("docs/CLUSTER.md")).unwrap();
    assert!(
        cluster.contains(
            "`deter sweep --shard` does not take `--runs`, `--seed` or `--horizon-years`"
        )
    );
    assert!(cluster.contains("`deter run --shard` does not take `--set`"));
    let o = run(&["sweep", "--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("not --runs, --seed, --horizon-years"));
}

/// `deter merge` of a sweep's shards refuses what only a run's shards take: a table and
/// `--yearly` (a sweep's results are rows), a page, charts and a scenario file, each flag with
/// a value at that value, as every flag's fault, and nothing is written.
#[test]
fn merging_sweep_shards_refuses_a_runs_flags_at_their_values() {
    let d = tempfile::tempdir().unwrap();
    let s = sweep(d.path());
    let mut parts = Vec::new();
    for k in 0..2 {
        let part = d.path().join(format!("p-{k}.json"));
        let o = run(&[
            "sweep",
            s.to_str().unwrap(),
            "--shard",
            &format!("{k}/2"),
            "--out",
            part.to_str().unwrap(),
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        parts.push(part.display().to_string());
    }
    let merge = |more: &[&str]| {
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(String::as_str));
        args.extend(more);
        run(&args)
    };
    let o = merge(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("point,"));
    // `--yearly` (a switch, no value to locate).
    let o = merge(&["--yearly"]);
    refused(&o);
    assert_eq!(
        stderr(&o).trim_end(),
        format!(
            "error: `{}`: these are shards of a `deter sweep`; --yearly applies to `deter run` \
             shards (a sweep's results are rows: --format csv or json)",
            parts[0]
        )
    );
    assert!(o.stdout.is_empty(), "no rows written");
    // A run's flags with a value, refused as every flag's fault at its value: "error: `PART`:
    // these are shards of a `deter sweep`; --report ... apply to `deter run` shards" was the
    // plain form of one message for three flags. (`--report` and `--plots` are a sweep's
    // shards' too: `deter sweep --shard` sends them to the merge.)
    let run_shards = "expected shards of a `deter run`, found shards of a `deter sweep`";
    for (more, message, help) in [
        (
            ["--format", "table"],
            "expected one of `csv`, `json` (a sweep's results), found `table`".to_string(),
            "= help: `PART` and the others are shards of a `deter sweep`, whose results are rows; \
             `table` is a run's format",
        ),
        (
            ["--scenario", s.to_str().unwrap()],
            format!("{run_shards} (`PART`)"),
            "= help: a sweep's shards are rebuilt from their sweep file: give it with --sweep \
             FILE if it has moved",
        ),
    ] {
        let o = merge(&more);
        refused_for(&o, format_args!("{more:?}"));
        let e = stderr(&o).replace(&parts[0], "PART");
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(
            lines.first().copied().unwrap_or_default(),
            format!("{}:1:1: error: {message}", more[0]),
            "{e}"
        );
        assert_eq!(
            lines.get(2).copied(),
            Some(format!("1 | {}", more[1]).as_str()),
            "{e}"
        );
        assert!(e.contains(help), "{e}");
        assert!(o.stdout.is_empty(), "no rows written");
    }
}

/// `deter run --shard` with `--posterior`, `--draws` or a scenario with `[[uncertain]]`
/// priors shards the nested run (tests/shards.rs merges it); `--draws` with nothing uncertain
/// is refused sharded as unsharded, in the same words, and `--set` as a plain run's shard
/// refuses it. docs/CLUSTER.md lists the refusals of `--shard`, each with what to do instead.
#[test]
fn run_shards_of_nested_runs_refuse_what_the_unsharded_run_refuses() {
    let d = tempfile::tempdir().unwrap();
    let post = common::write_posterior(
        d.path(),
        &["model.war_cost"],
        &[(&[0.6], 0.5), (&[1.2], 0.5)],
    );
    let part = d.path().join("p.json");
    let b = base();
    let o = run(&[
        "run",
        &b,
        "--runs",
        "10",
        "--draws",
        "2",
        "--posterior",
        post.to_str().unwrap(),
        "--shard",
        "0/2",
        "--out",
        part.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&part).unwrap();
    assert!(text.contains("\"kind\":\"nested\""), "{}", &text[..300]);
    std::fs::remove_file(&part).unwrap();
    let unsharded = run(&["run", &b, "--runs", "10", "--draws", "2"]);
    let sharded = run(&[
        "run",
        &b,
        "--runs",
        "10",
        "--draws",
        "2",
        "--shard",
        "0/2",
        "--out",
        part.to_str().unwrap(),
    ]);
    let e = refused(&sharded);
    assert_eq!(e, refused(&unsharded));
    assert!(e.contains("nothing is uncertain"), "{e}");
    assert!(!part.exists());
    let set = run(&[
        "run",
        &b,
        "--runs",
        "10",
        "--draws",
        "2",
        "--posterior",
        post.to_str().unwrap(),
        "--set",
        "model.war_cost=1",
        "--shard",
        "0/2",
        "--out",
        part.to_str().unwrap(),
    ]);
    let e = refused(&set);
    assert!(
        e.starts_with("--set:1:1: error: expected no --set with --shard, found `model.war_cost=1`"),
        "{e}"
    );
    assert!(!part.exists());
    let cluster = std::fs::read_to_string(common::root().join("docs/CLUSTER.md")).unwrap();
    for refused in [
        "`--shard` does not take `--until-ci`",
        "`deter sweep --shard` does not take `--resume`",
    ] {
        assert!(cluster.contains(refused), "docs/CLUSTER.md: {refused}");
    }
}

/// The flag combinations that were still refused on one plain line ("error: --shard takes
/// one scenario file, not 2", "error: --shard does not take --set: ...", "error: --per-run
/// does not apply to nested Monte Carlo ...", "error: `a.csv` is named by two output
/// options", "error: --plots `f` exists and is not a directory ...", "error: output
/// directory `nodir` does not exist") are every flag's fault now, at the value of the flag
/// refused: "FLAG:1:1: error: expected ..., found ...", the value underlined, what to do in
/// the help line, exit 2, nothing written.
#[test]
fn flag_combinations_are_refused_at_the_flags_value() {
    let d = tempfile::tempdir().unwrap();
    let b = base();
    let other = write(
        d.path(),
        "other.toml",
        &std::fs::read_to_string(&b).unwrap(),
    )
    .display()
    .to_string();
    let post = common::write_posterior(d.path(), &["model.war_cost"], &[(&[0.6], 1.0)]);
    let p = post.to_str().unwrap();
    let path = |name: &str| d.path().join(name).display().to_string();
    let (rows, same, page, part) = (
        path("rows.csv"),
        path("same.csv"),
        path("same.html"),
        path("part.json"),
    );
    let sweep = common::scenario("scenarios/sweeps/kosovo-budget-x-nato.toml");
    let file = write(d.path(), "afile", "not a directory")
        .display()
        .to_string();
    let (nodir, missing) = (path("nodir"), path("nodir/plots"));
    let at = |flag: &str, text: &str, said: &str, help: &str| {
        common::flag_fault_help(flag, text, 1, text.chars().count(), said, help)
    };
    let twice = |flag: &str, text: &str, first: &str| {
        at(
            flag,
            text,
            &format!(
                "expected {} no other output option names, found `{text}`, which {first} names \
                 too",
                if flag == "--plots" {
                    "a directory"
                } else {
                    "a file"
                }
            ),
            &format!(
                "give {flag} a name of its own: two outputs of one command in one file would be \
                 written over each other"
            ),
        )
    };
    let plots_file = at(
        "--plots",
        &file,
        &format!("expected a directory (created if missing), found `{file}`, a file that exists"),
        "name a directory: --plots `DIR` (created if missing)",
    );
    let plots_missing = at(
        "--plots",
        &missing,
        &format!(
            "expected a directory in an existing directory, found `{missing}`, whose directory \
             `{nodir}` does not exist"
        ),
        &format!(
            "--plots creates its own directory only: create `{nodir}` first, or name a \
             directory in an existing one"
        ),
    );
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["run", &b, &other, "--shard", "0/2"],
            at(
                "--shard",
                "0/2",
                &format!("expected one scenario file to shard, found 2 files (`{b}`, `{other}`)"),
                "shard each file separately: `deter run FILE --shard K/N` for each file, and \
                 `deter merge` each file's parts",
            ),
        ),
        (
            vec![
                "run",
                &b,
                "--shard",
                "0/2",
                "--set",
                "model.war_cost=1",
                "--out",
                &part,
            ],
            at(
                "--set",
                "model.war_cost=1",
                "expected no --set with --shard, found `model.war_cost=1`",
                "`deter merge` rebuilds the scenario from the file's text embedded in the partial \
                 files and checks every shard against it, and a --set is not in that text; write \
                 the what-if into a copy of the scenario file and shard the copy (docs/CLUSTER.md)",
            ),
        ),
        (
            vec![
                "run",
                &b,
                "--shard",
                "0/2",
                "--per-run",
                &rows,
                "--out",
                &part,
            ],
            at(
                "--per-run",
                &rows,
                &format!("expected no --per-run file with --shard, found `{rows}`"),
                "a shard carries its per-run rows in its partial file with --per-run-rows, and \
                 `deter merge PARTS --per-run PATH` writes them as one per-run CSV, byte for byte \
                 that of the unsharded run (docs/CLUSTER.md)",
            ),
        ),
        (
            vec![
                "run",
                &b,
                "--posterior",
                p,
                "--draws",
                "2",
                "--runs",
                "10",
                "--per-run",
                &rows,
            ],
            at(
                "--per-run",
                &rows,
                &format!(
                    "expected no --per-run file in nested Monte Carlo (--posterior), found `{rows}`"
                ),
                "a nested run's runs are per parameter draw and it writes no per-run rows; run \
                 without --per-run (or without the draws, for a plain run's rows)",
            ),
        ),
        (
            vec!["run", &b, &other, "--per-run", &rows],
            at(
                "--per-run",
                &rows,
                &format!(
                    "expected one scenario file for its per-run rows, found 2 files (`{b}`, \
                     `{other}`)"
                ),
                "write each file's rows separately: `deter run FILE --per-run ROWS.csv` for \
                 each file",
            ),
        ),
        (
            vec!["run", &b, &other, "--posterior", p, "--draws", "2"],
            at(
                "--posterior",
                p,
                &format!(
                    "expected one scenario file for nested Monte Carlo (--posterior), found 2 \
                     files (`{b}`, `{other}`)"
                ),
                "run the files one at a time: `deter run FILE --posterior DRAWS.csv` for each \
                 file",
            ),
        ),
        (
            vec!["run", &b, "--shard", "0/2", "--until-ci", "0.05"],
            at(
                "--until-ci",
                "0.05",
                "expected no --until-ci with --shard, found `0.05`",
                "every shard must run the same fixed number of runs for `deter merge` to add \
                 them up, and --until-ci stops each at its own count; give --runs (or run \
                 unsharded with --until-ci)",
            ),
        ),
        (
            vec!["run", &b, "--out", &same, "--per-run", &same],
            twice("--per-run", &same, "--out"),
        ),
        (
            vec!["run", &b, "--report", &page, "--plots", &page],
            twice("--plots", &page, "--report"),
        ),
        (
            vec!["compare", &b, &other, "--out", &page, "--report", &page],
            twice("--report", &page, "--out"),
        ),
        (
            vec!["merge", &part, "--out", &same, "--per-run", &same],
            twice("--per-run", &same, "--out"),
        ),
        (
            vec!["sweep", &sweep, "--out", &page, "--report", &page],
            twice("--report", &page, "--out"),
        ),
        (vec!["run", &b, "--plots", &file], plots_file.clone()),
        (
            vec!["compare", &b, &other, "--plots", &file],
            plots_file.clone(),
        ),
        (
            vec!["sweep", &sweep, "--plots", &file, "--out", &same],
            plots_file.clone(),
        ),
        (vec!["run", &b, "--plots", &missing], plots_missing.clone()),
        (
            vec!["sweep", &sweep, "--plots", &missing, "--out", &same],
            plots_missing.clone(),
        ),
    ];
    for (args, want) in cases {
        let o = run(&args);
        let err = refused_for(&o, format_args!("{args:?}"));
        assert_eq!(err, want, "deter {args:?}");
        assert!(o.stdout.is_empty(), "deter {args:?}");
        for written in [&rows, &same, &page, &part, &missing] {
            assert!(
                !Path::new(written).exists(),
                "deter {args:?} wrote {written}"
            );
        }
    }
}

/// The pairs of flags clap refused bare ("error: the argument '--per-run <PATH>' cannot be
/// used with '--until-ci <HALF_WIDTH>'": neither where nor why) are refused as every flag's
/// fault: at the refused flag's value, "FLAG:1:1: error: expected no FLAG with OTHER, found
/// `VALUE`" (a switch: "expected no FLAG with OTHER"), why and what to do in the help line,
/// exit 2, nothing written; in `run`, `sweep`, `merge` and `discover`.
#[test]
fn pairs_clap_refused_bare_are_refused_at_the_refused_flags_value() {
    let d = tempfile::tempdir().unwrap();
    let b = base();
    let sw = sweep(d.path()).display().to_string();
    let p = |name: &str| d.path().join(name).display().to_string();
    let (part, rows, page, charts) = (p("part.json"), p("rows.csv"), p("r.html"), p("charts"));
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["run", &b, "--per-run", &rows, "--until-ci", "0.05"],
            "--until-ci:1:1: error: expected no --until-ci with --per-run, found `0.05`\n".into(),
        ),
        (
            vec![
                "run", &b, "--shard", "0/2", "--out", &part, "--format", "json",
            ],
            "--format:1:1: error: expected no --format with --shard, found `json`\n".into(),
        ),
        (
            vec![
                "run", &b, "--shard", "0/2", "--out", &part, "--report", &page,
            ],
            format!("--report:1:1: error: expected no --report with --shard, found `{page}`\n"),
        ),
        (
            vec![
                "run", &b, "--shard", "0/2", "--out", &part, "--plots", &charts,
            ],
            format!("--plots:1:1: error: expected no --plots with --shard, found `{charts}`\n"),
        ),
        (
            vec![
                "sweep", &sw, "--shard", "0/2", "--out", &part, "--format", "csv",
            ],
            "--format:1:1: error: expected no --format with --shard, found `csv`\n".into(),
        ),
        (
            vec![
                "sweep", &sw, "--shard", "0/2", "--out", &part, "--report", &page,
            ],
            format!("--report:1:1: error: expected no --report with --shard, found `{page}`\n"),
        ),
        (
            vec![
                "sweep",
                &sw,
                "--out",
                &rows,
                "--attribution",
                "--no-attribution",
            ],
            "--no-attribution:1:1: error: expected no --no-attribution with --attribution\n".into(),
        ),
        (
            vec!["merge", &part, "--scenario", &b, "--sweep", &sw],
            format!("--sweep:1:1: error: expected no --sweep with --scenario, found `{sw}`\n"),
        ),
        (
            vec![
                "discover",
                &rows,
                "--outcome",
                "use_of_force",
                "--above",
                "0.1",
                "--where",
                "use_of_force_p > 0.2",
            ],
            "--where:1:1: error: expected no --where with --outcome, found `use_of_force_p > \
             0.2`\n"
                .into(),
        ),
        (
            vec![
                "discover",
                &rows,
                "--where",
                "use_of_force_p > 0.2",
                "--above",
                "0.1",
            ],
            "--above:1:1: error: expected no --above with --where, found `0.1`\n".into(),
        ),
    ];
    for (args, first) in cases {
        let e = refused_for(&run(&args), format_args!("{args:?}"));
        assert!(e.starts_with(&first), "{args:?}: {e}");
        assert!(e.contains("= help: "), "{args:?}: {e}");
        assert!(!e.contains("cannot be used with"), "{args:?}: {e}");
        for written in [&part, &rows, &page, &charts] {
            assert!(!Path::new(written).exists(), "{args:?} wrote {written}");
        }
    }
    // A sharded sweep with --until-ci and --max-runs: both refused, each at its value.
    let args = [
        "sweep",
        &sw,
        "--shard",
        "0/2",
        "--out",
        &part,
        "--until-ci",
        "0.05",
        "--max-runs",
        "100",
    ];
    let e = refused_for(&run(&args), format_args!("{args:?}"));
    assert!(
        e.starts_with("--until-ci:1:1: error: expected no --until-ci with --shard, found `0.05`\n")
            && e.contains(
                "--max-runs:1:1: error: expected no --max-runs with --shard, found `100`\n"
            ),
        "{e}"
    );
    assert!(!Path::new(&part).exists());
}

/// A flag given without the one it needs was clap's bare "error: the following required
/// arguments were not provided: --until-ci <HALF_WIDTH>" (neither where nor why): it is
/// refused at its own value, "FLAG:1:1: error: expected OTHER with FLAG, found `VALUE` without
/// it" (a switch: "expected OTHER with FLAG"), what to do in the help line, exit 2, nothing
/// written; in `run`, `compare`, `sweep` and `discover`.
#[test]
fn a_flag_without_the_one_it_needs_is_refused_at_its_value() {
    let d = tempfile::tempdir().unwrap();
    let b = base();
    let sw = sweep(d.path()).display().to_string();
    let rows = d.path().join("rows.csv").display().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["run", &b, "--max-runs", "100"],
            "--max-runs:1:1: error: expected --until-ci with --max-runs, found `100` without it\n",
        ),
        (
            vec!["compare", &b, &b, "--max-runs", "5"],
            "--max-runs:1:1: error: expected --until-ci with --max-runs, found `5` without it\n",
        ),
        (
            vec!["sweep", &sw, "--max-runs", "50"],
            "--max-runs:1:1: error: expected --until-ci with --max-runs, found `50` without it\n",
        ),
        (
            vec!["run", &b, "--per-run-rows"],
            "--per-run-rows:1:1: error: expected --shard with --per-run-rows\n",
        ),
        (
            vec!["sweep", &sw, "--resume"],
            "--resume:1:1: error: expected --out with --resume\n",
        ),
        (
            vec!["discover", &rows, "--outcome", "use_of_force"],
            "--outcome:1:1: error: expected --above or --below with --outcome, found \
             `use_of_force` without it\n",
        ),
    ];
    for (args, first) in cases {
        let o = run(&args);
        let e = refused_for(&o, format_args!("{args:?}"));
        assert!(e.starts_with(first), "{args:?}: {e}");
        assert!(e.contains("= help: "), "{args:?}: {e}");
        assert!(!e.contains("required arguments"), "{args:?}: {e}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!Path::new(&rows).exists());
    }
}
