//! Faults a tester found after trial 8 (polish8): messages out of the layout every other
//! command uses, outcomes named apart from their declared label, counts without thousands
//! separators, a flag's help without its range. Expected words are taken from the readers
//! and commands that already get them right, not from the code under test.

mod common;
use common::{run, scenario, stderr};

/// The first `error:` line of `err` split as (location, rest): "LOC: error: REST".
fn first_fault(err: &str) -> (String, String) {
    let line = err
        .lines()
        .find(|l| l.contains("error: "))
        .unwrap_or_else(|| panic!("no error line in {err}"));
    let (at, rest) = line
        .split_once("error: ")
        .unwrap_or_else(|| panic!("not `LOC: error: ...`: {line}"));
    (at.trim_end_matches(": ").to_string(), rest.to_string())
}

/// `deter merge`'s consistency faults (an event in more runs than the part has, a file of
/// another invocation, parts that do not cover the file's range) said "error: `bad.json`:
/// KEY: PROBLEM", with the file inside the message, where every other command's file fault
/// reads "FILE: error: KEY: PROBLEM" (a damaged value of the same file:
/// "bad.json:5:90: error: damaged partial file: ..."). They take that layout now, exit 2.
#[test]
fn merge_consistency_faults_take_the_file_fault_layout() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let mut parts = Vec::new();
    for k in 0..2 {
        let part = d.path().join(format!("part-{k}.json"));
        let o = run(&[
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
        assert!(o.status.success(), "{}", stderr(&o));
        parts.push(part);
    }
    let part0: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&parts[0]).unwrap()).unwrap();
    let part1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&parts[1]).unwrap()).unwrap();
    let bad = d.path().join("bad.json");
    let name = bad.display().to_string();
    // (which part is edited, the edit, the key, what the problem says)
    type Edit = fn(&mut serde_json::Value);
    let cases: [(usize, Edit, &str, &str); 3] = [
        (
            0,
            |v| v["parts"][0]["aggregate"]["region"]["events"][0] = serde_json::json!(11),
            "parts[0].aggregate.region",
            "an event in more runs than there are (10)",
        ),
        (
            1,
            |v| v["header"]["seed"] = serde_json::json!(7),
            "header.seed",
            "does not belong with",
        ),
        (
            1,
            |v| v["parts"][0]["first_run"] = serde_json::json!(11),
            "parts",
            "do not cover",
        ),
    ];
    for (k, edit, key, says) in cases {
        let mut v = if k == 0 { part0.clone() } else { part1.clone() };
        edit(&mut v);
        std::fs::write(&bad, serde_json::to_vec(&v).unwrap()).unwrap();
        let other = parts[1 - k].to_str().unwrap();
        let args: Vec<&str> = if k == 0 {
            vec!["merge", &name, other]
        } else {
            vec!["merge", other, &name]
        };
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        let (at, rest) = first_fault(&err);
        assert_eq!(at, name, "{err}");
        assert!(rest.starts_with(&format!("{key}: ")), "{err}");
        assert!(rest.contains(says), "{err}");
        assert!(
            !rest.contains('`') || !rest.contains(&format!("`{name}`")),
            "{err}"
        );
    }
}

/// `deter robust` on results that are not levers x futures (a grid's) said "error: not a
/// levers x futures results file (...) (in `grid.csv`)", the file at the end in another
/// layout than every file fault's; it reads "grid.csv: error: not a levers x futures results
/// file ...", exit 2. A flag's fault keeps its flag (`--threshold`). (`deter run
/// --files-from` with an empty list: tests/cli.rs files_from_runs_the_listed_files_...)
#[test]
fn robust_on_results_that_are_not_levers_x_futures_takes_the_file_fault_layout() {
    let d = tempfile::tempdir().unwrap();
    let grid = d.path().join("grid.csv");
    std::fs::write(
        &grid,
        "point,model.war_cost,runs,use_of_force_p,use_of_force_mc95_lo,use_of_force_mc95_hi\n\
         0,0.5,100,0.2,0.1,0.3\n1,1.0,100,0.1,0.05,0.2\n",
    )
    .unwrap();
    let name = grid.display().to_string();
    let o = run(&["robust", &name]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let (at, rest) = first_fault(&err);
    assert_eq!(at, name, "{err}");
    assert!(
        rest.starts_with("not a levers x futures results file"),
        "{err}"
    );
    assert!(!rest.contains("(in `"), "{err}");
    // A flag's fault is the flag's.
    let o = run(&["robust", &name, "--threshold", "use_of_forse=0.2"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: --threshold: `use_of_forse`"),
        "{err}"
    );
}

/// The event named on a line `P(NAME within N years)`, if any.
fn p_names(line: &str) -> Vec<String> {
    line.match_indices("P(")
        .filter_map(|(i, _)| {
            let rest = &line[i + 2..];
            rest.find(" within ").map(|j| rest[..j].to_string())
        })
        .collect()
}

/// The attribution lines named outcomes by their JSON keys in words ("P(non state incident
/// within 10 years)", "P(display within 10 years)") where the table above says
/// "non-state violence (not MID)" and "display of force (MID >= 3)". Each line now names its
/// outcome as the label it stands under, without the label's parenthesis, in `run` and in
/// `compare`'s shift section.
#[test]
fn attribution_lines_name_each_outcome_by_its_table_label() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    // The label without its parenthesis: "display of force (MID >= 3)" -> "display of force".
    let name_of = |label: &str| label.split(" (").next().unwrap().to_string();
    let o = run(&["run", &base, "--runs", "200", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let mut seen = 0;
    let mut current: Option<String> = None;
    for line in out.lines() {
        // "    LABEL: 99.2% as is, ...: removing all three raises P(NAME within ...), of which"
        if let Some((label, rest)) = line.trim_start().split_once(": ")
            && rest.contains("as is,")
        {
            current = Some(name_of(label));
        }
        for name in p_names(line) {
            if name == "event" {
                continue; // the explanation's "P(event within 10 years)"
            }
            let want = current
                .as_deref()
                .unwrap_or_else(|| panic!("no label above: {line}"));
            assert_eq!(name, want, "{line}");
            seen += 1;
        }
    }
    // 6 outcomes on their total's line (the level lines give shares, in points; deterrence
    // held is "P(no use of force over the 10 years)").
    assert_eq!(seen, 6, "{out}");
    assert!(
        out.contains("P(no use of force over the 10 years)"),
        "{out}"
    );
    for name in [
        "display of force",
        "non-state violence",
        "crisis opportunity",
    ] {
        assert!(out.contains(&format!("P({name} within 10 years)")), "{out}");
    }

    // compare: "    LABEL" then "removing all three ... changes P(NAME within ...)" and the
    // three shares.
    let o = run(&[
        "compare",
        &base,
        &base,
        "--runs",
        "100",
        "--quiet",
        "--set-b",
        "model.war_cost=1.0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let shift = out
        .split("How B shifts which level deters")
        .nth(1)
        .expect("a shift section");
    let mut seen = 0;
    let mut current: Option<String> = None;
    for line in shift.lines() {
        if line.starts_with("    ") && !line.starts_with("     ") {
            current = Some(name_of(line.trim()));
        }
        for name in p_names(line) {
            if name == "event" {
                continue;
            }
            assert_eq!(Some(name.as_str()), current.as_deref(), "{line}");
            seen += 1;
        }
    }
    assert_eq!(seen, 6, "{shift}");
}

/// Every run of four or more digits in `text` that is not a decimal's fraction, a year of a
/// citation (1900 to 2099: the counts the tests print are outside it) or part of a longer
/// token (a hash, a path): a count printed without separators.
fn ungrouped_counts(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i).copied();
            let glued = |b: Option<u8>| {
                b.is_some_and(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b',' | b'-' | b'_' | b'/')
                })
            };
            // "1,075.4": the integer part before a decimal point counts; a fraction does not.
            let standalone = !glued(before) && (!glued(after) || after == Some(b'.'));
            let year =
                i - start == 4 && (1900..2100).contains(&text[start..i].parse::<u32>().unwrap());
            if i - start >= 4 && standalone && !year {
                found.push(text[start..i].to_string());
            }
        } else {
            i += 1;
        }
    }
    found
}

/// Counts printed for people without thousands separators: "n = 10000 runs" in compare's
/// attribution lines, "50 parameter draws x 1000 runs each" in the nested table, "mean of 2000
/// runs" and "1075.4 u64 words" in `deter bench`, whose header also said
/// "(scenarios/western-balkans-2024.toml (bundled))". Each is grouped as every other count
/// is ("10,000 runs"), from the one separator function; the seed (an identifier) is not.
#[test]
fn counts_printed_for_people_have_thousands_separators() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    // compare: the crisis opportunity never varies, its intervals are undefined with n.
    let o = run(&[
        "compare",
        &base,
        &base,
        "--runs",
        "1500",
        "--quiet",
        "--set-b",
        "model.war_cost=1.0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("no variation among n = 1,500 runs"), "{out}");
    let body: String = out.lines().skip(4).collect::<Vec<_>>().join("\n");
    assert_eq!(ungrouped_counts(&body), Vec::<String>::new(), "{out}");

    // The nested table (a posterior of two draws of one parameter).
    let post = common::write_posterior(
        d.path(),
        &["model.war_cost"],
        &[(&[0.5], 1.0), (&[0.8], 1.0)],
    );
    let o = run(&[
        "run",
        &base,
        "--posterior",
        post.to_str().unwrap(),
        "--draws",
        "2",
        "--runs",
        "1200",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("2 parameter draws x 1,200 runs each"), "{out}");
    // The seed is an identifier, not a count.
    let without_seed = out.replace("seed 20230924", "");
    assert_eq!(
        ungrouped_counts(&without_seed),
        Vec::<String>::new(),
        "{out}"
    );

    // bench: 2,000 runs counted, u64 words over a thousand per run, the bundled file named
    // once in one parenthesis.
    let o = run(&["bench", "--runs", "2000", "--repeat", "1", "--threads", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let draws = out
        .lines()
        .find(|l| l.starts_with("draws per run"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(draws.contains("mean of 2,000 runs"), "{draws}");
    assert_eq!(ungrouped_counts(draws), Vec::<String>::new(), "{draws}");
    let head = out.lines().next().unwrap();
    assert_eq!(head.matches('(').count(), 1, "{head}");
    assert!(
        head.contains("scenarios/western-balkans-2024.toml"),
        "{head}"
    );
}

/// The help of `flag` in `deter CMD --help` (its lines up to the next flag), in one line.
fn flag_help(cmd: &str, flag: &str) -> String {
    let o = run(&[cmd, "--help"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let mut lines = text.lines().skip_while(|l| {
        !l.trim_start()
            .strip_prefix(flag)
            .is_some_and(|r| r.starts_with(' ') || r.is_empty())
    });
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no {flag} in `deter {cmd} --help`:\n{text}"));
    let mut help = first.trim().to_string();
    for l in lines {
        if l.trim_start().starts_with('-') || l.trim().is_empty() {
            break;
        }
        help.push(' ');
        help.push_str(l.trim());
    }
    help
}

/// 1234567 -> "1,234,567", written here apart from the crate's function.
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `--draws --help` did not give its range (1 to 1,000,000) where `--horizon-years --help`
/// did. Every integer flag's help gives the range its parser accepts, from the constants the
/// settings layer checks: the help's bounds are accepted and one past them refused.
#[test]
fn every_integer_flags_help_gives_its_range() {
    let cases: &[(&str, &str, u64, u64)] = &[
        ("run", "--runs", 1, deter::MAX_RUNS),
        ("run", "--seed", 0, deter::settings::MAX_SEED),
        ("run", "--threads", 0, deter::MAX_THREADS as u64),
        ("run", "--horizon-years", 1, 200),
        ("run", "--max-runs", 1, deter::MAX_RUNS),
        ("run", "--draws", 1, 1_000_000),
        ("compare", "--runs", 1, deter::MAX_RUNS),
        ("compare", "--seed", 0, deter::settings::MAX_SEED),
        ("compare", "--horizon-years", 1, 200),
        ("compare", "--draws", 1, 1_000_000),
        ("sweep", "--runs", 1, deter::MAX_RUNS),
        ("sweep", "--seed", 0, deter::settings::MAX_SEED),
        ("sweep", "--horizon-years", 1, 200),
        ("sweep", "--threads", 0, deter::MAX_THREADS as u64),
        ("calibrate", "--threads", 0, deter::MAX_THREADS as u64),
        ("bench", "--runs", 1, deter::MAX_RUNS),
        ("bench", "--repeat", 1, 1_000),
        ("bench", "--seed", 0, deter::settings::MAX_SEED),
        ("bench", "--sweep-points", 1, deter::MAX_RUNS),
        ("bench", "--runs-per-point", 1, deter::MAX_RUNS),
        ("discover", "--boxes", 1, 100),
    ];
    for &(cmd, flag, min, max) in cases {
        let help = flag_help(cmd, flag);
        let range = format!("{} to {}", grouped(min), grouped(max));
        assert!(
            help.contains(&range),
            "deter {cmd} {flag}: `{help}` lacks `{range}`"
        );
    }
    // The range stated is the one enforced: one past the top is refused with that range.
    let base = scenario("scenarios/western-balkans-2024.toml");
    let o = run(&["run", &base, "--draws", "1000001", "--runs", "10"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("1000000"), "{}", stderr(&o));
}
