//! Names and numbers as people read them: outcomes shown by their declared label, never by
//! their JSON key (nested tables and pages, the run page's yearly tables, sweep charts, the
//! attribution and adaptive-stopping lines; the keys stay in JSON and CSV), counts with
//! thousands separators, and file names escaped before they reach the terminal. The expected
//! words are those of the ordinary terminal table (`deter run`), which already names every
//! outcome by its label, and of the diagnostics, which already escape a file name.

mod common;
use common::{run, scenario, stderr, succeeded, succeeded_for, write, write_posterior};

// ---- Outcomes by their label, not their JSON key ----

/// The outcome labels, in output order, as the terminal table of `deter run` prints them.
const LABELS: [&str; 7] = [
    "any crisis opportunity (context)",
    "threat (MID level >= 2)",
    "display of force (MID >= 3)",
    "use of force (MID >= 4)",
    "war (MID 5)",
    "deterrence held (no force)",
    "non-state violence (not MID)",
];

/// The JSON keys of the same outcomes (`outcomes.<key>`).
const KEYS: [&str; 7] = [
    "crisis",
    "threat",
    "display",
    "use_of_force",
    "war",
    "deterrence_held",
    "non_state_incident",
];

/// The per-year count labels, in output order.
const COUNT_LABELS: [&str; 7] = [
    "crisis triggers",
    "threats (MID 2)",
    "displays (MID 3)",
    "uses of force (MID 4)",
    "wars (MID 5)",
    "non-state incidents",
    "target-initiated triggers",
];

/// The JSON keys of the counts.
const COUNT_KEYS: [&str; 7] = [
    "crisis_triggers",
    "threats",
    "displays",
    "uses_of_force",
    "wars",
    "non_state_incidents",
    "target_triggers",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The seven rows under the table's `outcome` header line.
fn rows(out: &str) -> Vec<&str> {
    out.lines()
        .skip_while(|l| !l.starts_with("outcome "))
        .skip(1)
        .take(7)
        .collect()
}

#[test]
fn the_ordinary_table_uses_the_labels_this_file_expects() {
    // The reference the other tests rely on: `deter run` prints each label once.
    let base = scenario("scenarios/western-balkans-2024.toml");
    let o = run(&["run", &base, "--runs", "20", "--no-attribution"]);
    succeeded(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    for label in LABELS {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(label)),
            "{label}: {out}"
        );
    }
}

/// `deter run --posterior ... --format table` and `deter compare ... --posterior ...` label
/// each row by the outcome's label (the key was printed before); the JSON keeps the keys;
/// the HTML pages (table rows and per-draw strips) use the labels too.
#[test]
fn nested_tables_and_pages_name_outcomes_by_their_labels() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let post = write_posterior(
        d.path(),
        &["model.war_cost"],
        &[(&[1.0], 1.0), (&[2.0], 1.0), (&[1.5], 1.0)],
    );
    let post = post.to_str().unwrap();
    let common = ["--posterior", post, "--draws", "3", "--runs", "20", "-q"];
    let cases: [(&str, Vec<&str>); 2] = [
        ("run", vec!["run", &base]),
        ("compare", vec!["compare", &base, &base]),
    ];
    for (name, args) in cases {
        let mut a = args.clone();
        a.extend(common);
        a.extend(["--format", "table"]);
        let o = run(&a);
        succeeded_for(&o, format_args!("{name}"));
        let out = String::from_utf8(o.stdout).unwrap();
        let rows = rows(&out);
        assert_eq!(rows.len(), 7, "{name}: {out}");
        for (row, label) in rows.iter().zip(LABELS) {
            assert!(row.starts_with(label), "{name}: `{row}` is not `{label}`");
        }
        for key in KEYS.iter().filter(|k| k.contains('_')) {
            assert!(!out.contains(key), "{name}: key `{key}` shown: {out}");
        }

        // The JSON keeps the keys.
        let json = d.path().join(format!("{name}.json"));
        let mut a = args.clone();
        a.extend(common);
        a.extend(["--out", json.to_str().unwrap()]);
        let html = d.path().join(format!("{name}.html"));
        a.extend(["--report", html.to_str().unwrap()]);
        let o = run(&a);
        succeeded_for(&o, format_args!("{name}"));
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        let text = v.to_string();
        for key in KEYS {
            assert!(
                text.contains(&format!("\"outcome\":\"{key}\"")),
                "{name}: JSON lost `{key}`"
            );
        }
        let page = std::fs::read_to_string(&html).unwrap();
        for (label, key) in LABELS.iter().zip(KEYS) {
            let cell = format!("<tr><td>{}</td>", esc(label));
            assert!(page.contains(&cell), "{name}: no row `{cell}`");
            assert!(
                !page.contains(&format!("<td>{key}</td>")),
                "{name}: row named by key `{key}`"
            );
            // The per-draw strip of the outcome is labelled too (>= 2: table and strip).
            assert!(
                page.matches(&esc(label)).count() >= 2,
                "{name}: `{label}` not on its strip"
            );
        }
    }
}

/// The run page's yearly "Values" and "Counts" tables head their columns with the event and
/// count labels, not the keys (the `data-k` JSON pointers keep the keys).
#[test]
fn run_page_yearly_tables_head_columns_with_labels() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let html = d.path().join("r.html");
    let o = run(&[
        "run",
        &base,
        "--runs",
        "20",
        "--no-attribution",
        "-q",
        "--report",
        html.to_str().unwrap(),
    ]);
    succeeded(&o);
    let page = std::fs::read_to_string(&html).unwrap();
    let head = |summary: &str| -> String {
        let at = page
            .find(&format!("<summary>{summary}</summary>"))
            .unwrap_or_else(|| panic!("no {summary} table"));
        let rest = &page[at..];
        rest[..rest.find("</thead>").unwrap()].to_string()
    };
    let values = head("Values");
    for (label, key) in LABELS.iter().zip(KEYS) {
        let th = format!("<th class=\"n\">{} in year</th>", esc(label));
        assert!(values.contains(&th), "no `{th}` in {values}");
        assert!(!values.contains(&format!(">{key} in year<")), "{values}");
    }
    let counts = head("Counts");
    for (label, key) in COUNT_LABELS.iter().zip(COUNT_KEYS) {
        let th = format!("<th class=\"n\">{} mean</th>", esc(label));
        assert!(counts.contains(&th), "no `{th}` in {counts}");
        assert!(!counts.contains(&format!(">{key} mean<")), "{counts}");
    }
}

/// The sweep report's chart titles and captions say "P(use of force)", the label without
/// its parenthesis as the attribution text does, not "P(use_of_force)"; file names and
/// figure ids keep the keys. Checked for the outcome scatters and the Morris ranking.
#[test]
fn sweep_chart_titles_name_outcomes_by_their_labels() {
    let d = tempfile::tempdir().unwrap();
    let file = write(
        d.path(),
        "m.toml",
        &format!(
            "base = {:?}\nruns = 40\nseed = 1\ndesign = \"morris\"\npoints = 2\n\n\
             [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"uncertainty\"\n\
             range = [0.2, 0.8]\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let html = d.path().join("s.html");
    let plots = d.path().join("plots");
    let o = run(&[
        "sweep",
        file.to_str().unwrap(),
        "-q",
        "--out",
        d.path().join("r.csv").to_str().unwrap(),
        "--report",
        html.to_str().unwrap(),
        "--plots",
        plots.to_str().unwrap(),
    ]);
    succeeded(&o);
    let page = std::fs::read_to_string(&html).unwrap();
    let svg = std::fs::read_to_string(
        plots.join("outcome-use_of_force-vs-rivalry_SRB-XKX_monitoring.svg"),
    )
    .expect("the plot file keeps the key in its name");
    assert!(svg.contains("P(use of force) over the horizon"), "{svg}");
    for (label, key) in LABELS.iter().zip(KEYS) {
        let name = label.split(" (").next().unwrap();
        for title in [
            format!("P({}) over the horizon", esc(name)),
            format!("P({}): Morris mu*", esc(name)),
        ] {
            assert!(page.contains(&title), "no `{title}`");
        }
        if key != name {
            assert!(!page.contains(&format!("P({key})")), "`P({key})` shown");
            assert!(!svg.contains(&format!("P({key})")), "`P({key})` in the SVG");
        }
    }
}

/// The adaptive-stopping line of `deter run` and `deter compare` (`--until-ci`) named the
/// widest outcome by its key, "(widest: use_of_force at 0.0268)"; it names it as the
/// attribution text does, "(widest: use of force at ...)". The JSON's `stopping.widest` keeps
/// the key.
#[test]
fn adaptive_stopping_names_the_widest_outcome_by_its_label() {
    let base = scenario("scenarios/western-balkans-2024.toml");
    let cases: [Vec<&str>; 2] = [
        vec!["run", &base, "--until-ci", "0.05"],
        vec![
            "compare",
            &base,
            &base,
            "--set-b",
            "model.war_cost=1.0",
            "--until-ci",
            "0.05",
        ],
    ];
    for args in cases {
        let mut a = args.clone();
        a.extend(["--no-attribution", "--format", "json"]);
        let o = run(&a);
        succeeded_for(&o, format_args!("{args:?}"));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let key = v["stopping"]["widest"]
            .as_str()
            .expect("stopping.widest")
            .to_string();
        let i = KEYS.iter().position(|k| *k == key).expect("an outcome key");
        let name = LABELS[i].split(" (").next().unwrap();
        let mut a = args.clone();
        a.push("--no-attribution");
        let o = run(&a);
        succeeded_for(&o, format_args!("{args:?}"));
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        let line = text
            .lines()
            .find(|l| l.contains("Adaptive stopping"))
            .unwrap_or_else(|| panic!("{args:?}: no stopping line in {text}"));
        assert!(line.contains(&format!("(widest: {name} at ")), "{line}");
        if name != key {
            assert!(!line.contains(&key), "{line}");
        }
    }
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
    succeeded(&o);
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
        "any crisis opportunity",
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
    succeeded(&o);
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

// ---- Counts with thousands separators ----

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
    // compare: the crisis opportunity never varies (its shifts are "unchanged in every
    // run"); every other count is grouped.
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
    succeeded(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains(", unchanged in every run)"), "{out}");
    assert!(out.contains("1,500 paired runs"), "{out}");
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
    succeeded(&o);
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
    succeeded(&o);
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

/// `deter discover`'s heading printed "1749 of 2212 points" where every other count on the
/// terminal has thousands separators ("25,762 runs").
#[test]
fn discovers_counts_have_thousands_separators() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("big.csv");
    let mut text = String::from("point,x,runs,use_of_force_p\n");
    let n = 2212;
    let mut hits = 0;
    for k in 0..n {
        let x = k as f64 / n as f64;
        let p = if x > 0.2 { 0.9 } else { 0.1 };
        hits += usize::from(p > 0.5);
        text.push_str(&format!("{k},{x},100,{p}\n"));
    }
    std::fs::write(&r, text).unwrap();
    assert_eq!(hits, 1769);
    let o = run(&[
        "discover",
        r.to_str().unwrap(),
        "--outcome",
        "use_of_force",
        "--above",
        "0.5",
        "--boxes",
        "1",
    ]);
    succeeded(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    let heading = out.lines().next().unwrap();
    assert!(
        heading.ends_with("use_of_force > 0.5: 1,769 of 2,212 points (80.0%)"),
        "{heading}"
    );
    let boxline = out.lines().find(|l| l.starts_with("box 1")).unwrap();
    assert!(
        boxline.contains("(1,800 points, 1,769 cases of interest)"),
        "{boxline}"
    );
}

// ---- File names on the terminal ----

/// A file name holding an escape (`ESC[2J` clears the screen) or a bidi override (U+202E
/// reverses what follows) was printed as is in the title of `deter run`'s and `deter
/// compare`'s table, the nested table's posterior line and the notes on standard error
/// (`deter: resuming FILE`, calibrate's `wrote DIR/...`): diagnostics escape them, these did
/// not. Each is shown as a `\u{..}` escape, as a diagnostic shows it.
#[test]
fn a_file_name_cannot_drive_the_terminal_from_a_table_or_a_note() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let a = d.path().join("a\u{1b}[2J.toml");
    let b = d.path().join("b\u{202e}lmth.toml");
    std::fs::copy(&base, &a).unwrap();
    std::fs::copy(&base, &b).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let post = common::write_posterior(
        d.path(),
        &["model.war_cost"],
        &[(&[0.5], 1.0), (&[0.9], 1.0)],
    );
    let post2 = d.path().join("p\u{1b}]0;title\u{7}.csv");
    std::fs::rename(&post, &post2).unwrap();
    let sweep = write(
        d.path(),
        "s\u{1b}[31m.toml",
        &format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    );
    let out = d.path().join("r.csv");
    let s = sweep.to_str().unwrap();
    let o = out.to_str().unwrap();
    assert!(run(&["sweep", s, "--out", o, "-q"]).status.success());
    let p = post2.to_str().unwrap();
    for args in [
        vec!["run", a, "--runs", "10", "--no-attribution"],
        vec!["compare", a, b, "--runs", "10", "--no-attribution"],
        vec!["run", b, "--posterior", p, "--draws", "2", "--runs", "5"],
        vec!["sweep", s, "--out", o, "--resume"],
    ] {
        let r = run(&args);
        succeeded_for(&r, format_args!("{args:?}"));
        let all = format!("{}{}", String::from_utf8_lossy(&r.stdout), stderr(&r));
        for c in ['\u{1b}', '\u{202e}', '\u{7}'] {
            assert!(
                !all.contains(c),
                "{args:?} printed U+{:04X}:\n{all}",
                c as u32
            );
        }
        assert!(
            all.contains("\\u{1b}") || all.contains("\\u{202e}"),
            "{args:?}: {all}"
        );
    }
}

// ---- A change below the printed precision ----

/// A change that is not zero but rounds to 0.0 at the one decimal printed is said so: the
/// table's sentence "changes P(...) by less than 0.05 percentage points" (it said "raises
/// P(...) by 0.0 percentage points", or "lowers ... by 0.0", a verb its number contradicted),
/// and every number of the table, the HTML page and the comparison "+<0.05" / "-<0.05" (they
/// printed "+0.0" and "-0.0"); a zero change stays "+0.0", a visible one its one decimal.
#[test]
fn a_change_below_the_printed_precision_is_said_so_in_every_view() {
    use deter::report::attribution::{ChangeOut, effect, pp};
    let change = |x: f64, sum6: i64| ChangeOut {
        change: x,
        paired95_lo: Some(x - 0.0012),
        paired95_hi: Some(x + 0.0012),
        undefined: None,
        sum6,
    };
    let p = "P(war within 10 years)";
    assert_eq!(
        effect(p, &change(0.0004, 12)),
        "changes P(war within 10 years) by less than 0.05 percentage points (paired 95% \
         interval -0.1 to 0.2)"
    );
    assert_eq!(
        effect(p, &change(-0.0004, -12)),
        "changes P(war within 10 years) by less than 0.05 percentage points (paired 95% \
         interval -0.2 to 0.1)"
    );
    // A visible change keeps its verb and number.
    assert_eq!(
        effect(p, &change(-0.0156, -468)),
        "lowers P(war within 10 years) by 1.6 percentage points (paired 95% interval 1.4 to \
         1.7)"
    );
    assert_eq!(pp(0.0004), "+<0.05");
    assert_eq!(pp(-0.0004), "-<0.05");
    assert_eq!(pp(0.0), "+0.0");
    assert_eq!(pp(-0.156), "-15.6");
    assert_eq!(pp(0.0006), "+0.1");
    // In a run: the bundled baseline at 1,000 runs, whose economic share of the non-state
    // incidents is 2/6 of a run in 1,000 (0.033 points; JSON `sum6` 2), printed "+0.0".
    let o = run(&[
        "run",
        &scenario("scenarios/western-balkans-2024.toml"),
        "--runs",
        "1000",
    ]);
    succeeded(&o);
    let table = String::from_utf8(o.stdout).unwrap();
    let start = table
        .find("Which level deters")
        .expect("the attribution section");
    let lines: Vec<&str> = table[start..].lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("non-state"))
        .expect("the non-state incidents' block");
    let economic = lines[at + 1..at + 4]
        .iter()
        .find(|l| l.trim_start().starts_with("economic"))
        .expect("the economic share");
    assert!(economic.contains("share +<0.05 ("), "{economic}");
}

// ---- GDP lost in the scenario's currency ----

/// "GDP lost (bn)" was fixed text: a scenario in `currency = "EUR m"` showed its losses as
/// billions. The table labels them in the scenario's unit (`[scenario].currency`, default
/// "USD bn (current)", after a comma: "GDP lost by challenger and target, USD bn (current)", not nested parentheses);
/// a unit too long for the label column puts the label on a line of its
/// own and the numbers under their headers on the next. The label says whose GDP it is
/// (docs/MODEL.md 7.9: the challenger's to sanctions, the challenger's and the target's to
/// uses of force and wars): "GDP lost" alone read as the region's, or the target's.
#[test]
fn gdp_lost_is_labelled_in_the_scenarios_currency() {
    let d = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(scenario("tests/warn/sweep-base.toml")).unwrap();
    let eur = write(
        d.path(),
        "eur.toml",
        &base.replace("name = \"warn\"", "name = \"warn\"\ncurrency = \"EUR m\""),
    );
    let plain = write(d.path(), "plain.toml", &base);
    for (file, label) in [
        (
            eur.to_str().unwrap(),
            "GDP lost by challenger and target (EUR m)",
        ),
        (
            plain.to_str().unwrap(),
            "GDP lost by challenger and target, USD bn (current)",
        ),
    ] {
        let o = run(&["run", file, "--runs", "20"]);
        succeeded(&o);
        let table = String::from_utf8_lossy(&o.stdout);
        let line = table
            .lines()
            .find(|l| l.trim_start().starts_with("GDP lost"))
            .unwrap_or_else(|| panic!("{table}"));
        // On its own line when too long for the label column, else before the numbers.
        assert!(
            line == format!("  {label}") || line.starts_with(&format!("  {label} ")),
            "{table}"
        );
        assert!(!table.contains("(bn)"), "{table}");
    }
    let o = run(&["run", "scenarios/western-balkans-2024.toml", "--runs", "20"]);
    succeeded(&o);
    let table = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = table.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == "  GDP lost by challenger and target (USD bn, constant 2024 prices)")
        .unwrap_or_else(|| panic!("{table}"));
    let header = lines[..at]
        .iter()
        .rev()
        .find(|l| l.contains("per run, over"))
        .unwrap();
    let numbers = lines[at + 1];
    assert!(numbers.starts_with("  ") && numbers.trim_start().len() < numbers.len() - 30);
    assert_eq!(
        numbers.len(),
        header.len(),
        "the columns line up:\n{header}\n{numbers}"
    );
}

/// `deter run --yearly` heads its yearly columns with keys (`display`, `target_triggers`):
/// the table says what each key is, once (not once per rivalry), with the label the other
/// tables use for the event and, for a count, what it counts, and where each value's interval is.
#[test]
fn the_yearly_terminal_tables_say_what_each_column_key_is() {
    let o = run(&[
        "run",
        &scenario("scenarios/history/russia-baltic-2014.toml"),
        "--runs",
        "20",
        "--no-attribution",
        "--yearly",
        "-q",
    ]);
    succeeded(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    for (key, label) in KEYS.iter().zip(LABELS) {
        let said = format!("{key} = {label}");
        assert_eq!(
            out.matches(&said).count(),
            1,
            "`{said}` not once in:\n{out}"
        );
    }
    for key in COUNT_KEYS {
        let said = format!("; {key} = ");
        let first = format!("counts (mean per run in the year): {key} = ");
        assert!(
            out.contains(&said) || out.contains(&first),
            "no `{key} = ...` in:\n{out}"
        );
    }
    assert!(
        out.contains("target_triggers = crisis triggers started by the target or its side"),
        "{out}"
    );
    assert!(
        out.contains("Monte Carlo 95% interval: --format json or csv"),
        "{out}"
    );
    // Without --yearly there is no yearly table to explain.
    let o = run(&[
        "run",
        &scenario("scenarios/western-balkans-2024.toml"),
        "--runs",
        "20",
        "--no-attribution",
        "-q",
    ]);
    succeeded(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(!out.contains("target_triggers"), "{out}");
}

/// The protectors' line of a run's table said "protectors' commitments honoured when invoked
/// (node 4 of the crisis game): 36.1% of 2,502": of 2,502 what, in the model's node numbers.
/// It now says what was counted over all runs, as the sanctions line does, and its count and
/// share are the JSON's (`mechanisms.commitments`), recomputed from the counts.
#[test]
fn the_protectors_line_says_what_it_counts_in_all_runs() {
    let template = scenario("src/scenario/template.toml");
    // The template's challenger as it was before the template became a calmer first example
    // (dissatisfaction 0.7, not 0.2): over a thousand crises reach the protectors in 300 runs,
    // so the count is written with a thousands separator.
    let args = [
        "run",
        &template,
        "--runs",
        "300",
        "--seed",
        "3",
        "--no-attribution",
        "--set",
        "rivalry.AAA-BBB.dissatisfaction=0.7",
        "-q",
    ];
    let o = run(&args);
    succeeded(&o);
    let table = String::from_utf8(o.stdout).unwrap();
    let o = run(&[&args[..], &["--format", "json"]].concat());
    succeeded(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["rivalries"][0]["mechanisms"]["commitments"];
    let invoked = c["invoked"].as_u64().unwrap();
    let honoured = c["honoured"]["count"].as_u64().unwrap();
    assert!(invoked > 1000, "{c}");
    let grouped = format!("{},{:03}", invoked / 1000, invoked % 1000);
    let said = format!(
        "crises that reached the protectors' decision whether to commit ({grouped} in all runs): they committed in {:.1}%",
        100.0 * honoured as f64 / invoked as f64
    );
    assert!(table.contains(&said), "no `{said}` in:\n{table}");
    assert!(!table.contains("node 4"), "{table}");
}

// ---- Words that say what a figure is ----

/// The sweep page said a crisis opportunity was "a dispute that could escalate", while the
/// terminal table defines it as "a moment when the challenger could escalate, whether or not
/// it did" and counts disputes (MID >= 2) apart: the page now uses
/// the table's definition, taken here from `deter run`'s own output.
#[test]
fn sweep_page_does_not_call_a_crisis_opportunity_a_dispute() {
    let d = tempfile::tempdir().unwrap();
    let table = run(&[
        "run",
        &scenario("scenarios/western-balkans-2024.toml"),
        "--runs",
        "20",
        "--no-attribution",
    ]);
    succeeded(&table);
    let table = String::from_utf8_lossy(&table.stdout).to_string();
    let definition = table
        .lines()
        .find_map(|l| l.trim().strip_prefix("(crisis opportunity: "))
        .and_then(|l| l.strip_suffix(')'))
        .expect("the table defines a crisis opportunity")
        // the definition, before the note's pointer to the rivalries' "no challenge"
        .split("; per rivalry below")
        .next()
        .unwrap()
        .to_string();
    let file = write(
        d.path(),
        "g.toml",
        &format!(
            "base = {:?}\nruns = 20\nseed = 1\ndesign = \"grid\"\n\n\
             [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\n\
             values = [0.2, 0.8]\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    );
    let html = d.path().join("s.html");
    succeeded(&run(&[
        "sweep",
        file.to_str().unwrap(),
        "-q",
        "--out",
        d.path().join("r.csv").to_str().unwrap(),
        "--report",
        html.to_str().unwrap(),
    ]));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains("a dispute that could escalate"), "{page}");
    assert!(
        page.contains(&format!(
            "a crisis opportunity arose ({})",
            esc(&definition)
        )),
        "the table's definition `{definition}` on the page"
    );
}

/// With several rivalries the region-wide "final balance M_A/M_T" is each run's largest
/// balance over the rivalries (docs/OUTPUT.md), not a regional aggregate, and the table said
/// nothing of it: 19.35 region-wide beside a rivalry at 1.69. It now says so, and the figure
/// is that: recomputed here from the per-run rows as each run's maximum over the rivalries.
#[test]
fn region_wide_final_balance_is_said_to_be_the_largest_over_rivalries() {
    let d = tempfile::tempdir().unwrap();
    // Two rivalries of very different balances: C0 -> C1 and C1 -> C0.
    let file = write(
        d.path(),
        "two.toml",
        &common::rivalries_scenario("two", "2025-01", 5, 2),
    );
    let per_run = d.path().join("rows.csv");
    let json = d.path().join("r.json");
    let args = [
        "run",
        file.to_str().unwrap(),
        "--runs",
        "300",
        "--no-attribution",
    ];
    let table = run(&args);
    succeeded(&table);
    let table = String::from_utf8_lossy(&table.stdout).to_string();
    assert!(
        table.contains(
            "    (final balance, region-wide: in each run the largest M_A/M_T of the 2 rivalries, the most challenger-favourable; each rivalry's is under it below)"
        ),
        "{table}"
    );
    let mut with_files = args.to_vec();
    with_files.extend([
        "--per-run",
        per_run.to_str().unwrap(),
        "--out",
        json.to_str().unwrap(),
    ]);
    succeeded(&run(&with_files));
    let rows = std::fs::read_to_string(&per_run).unwrap();
    let mut lines = rows.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (run_col, balance) = (
        header.iter().position(|h| *h == "run").unwrap(),
        header.iter().position(|h| *h == "final_balance").unwrap(),
    );
    let mut largest: std::collections::BTreeMap<u64, f64> = Default::default();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let b: f64 = cells[balance].parse().unwrap();
        let e = largest
            .entry(cells[run_col].parse().unwrap())
            .or_insert(f64::NEG_INFINITY);
        *e = e.max(b);
    }
    assert_eq!(largest.len(), 300);
    let mean = largest.values().sum::<f64>() / 300.0;
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let reported = report["metrics"]["final_balance"]["mean"].as_f64().unwrap();
    assert!(
        (reported - mean).abs() <= 1e-9 * mean.abs(),
        "region-wide mean {reported}, mean of the per-run maxima {mean}"
    );
    // One rivalry: the region is the rivalry, nothing to say.
    let one = write(
        d.path(),
        "one.toml",
        &common::rivalries_scenario("one", "2025-01", 5, 1),
    );
    let o = run(&[
        "run",
        one.to_str().unwrap(),
        "--runs",
        "20",
        "--no-attribution",
    ]);
    succeeded(&o);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("final balance, region-wide"));
}

// ---- Years to first use of force at one precision ----

/// The row of years to first use of force printed each number at the precision of its
/// magnitude ("0.887  0  0.667  2.75" for the 2004 Georgia case: three decimals beside two,
/// and a bare 0); its quantiles are months / 12 and its mean a restricted mean in years, so
/// every column has two decimals, the digits of the JSON's value rounded there.
#[test]
fn years_to_first_use_of_force_has_two_decimals_in_every_column() {
    let d = tempfile::tempdir().unwrap();
    let file = scenario("scenarios/history/russia-georgia-2004.toml");
    let args = ["run", file.as_str(), "--runs", "1000", "--no-attribution"];
    let o = run(&args);
    succeeded(&o);
    let table = String::from_utf8_lossy(&o.stdout).into_owned();
    let json = d.path().join("r.json");
    let json_s = json.to_str().unwrap();
    succeeded(&run(&[&args[..], &["--out", json_s]].concat()));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let m = &v["metrics"]["years_to_first_use_of_force"];
    let row = table
        .lines()
        .find(|l| l.trim_start().starts_with("years to first use of force"))
        .unwrap_or_else(|| panic!("{table}"));
    let printed: Vec<&str> = row
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .split_whitespace()
        .collect();
    let want: Vec<String> = ["mean", "p05", "p50", "p95"]
        .iter()
        .map(|k| format!("{:.2}", m[k].as_f64().unwrap()))
        .collect();
    assert_eq!(printed, want, "{row}");
    // The case shows the old fault: values below 1 (three decimals) beside values above it.
    let below_one = |k: &str| m[k].as_f64().unwrap() < 1.0;
    assert!(below_one("mean") && !below_one("p95"), "{row}");
}

/// The tables of a nested run and a nested comparison lacked the `deter VERSION | ...` line
/// and the timing the plain run and compare tables carry: each opens with it now and carries
/// its timing after the runs line, in the plain tables' words ("S s, N runs/s on T threads";
/// "pairs/s" for a comparison).
#[test]
fn nested_tables_are_headed_and_timed_as_the_plain_tables() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let file = common::write(
        d.path(),
        "u.toml",
        &format!(
            "extends = {base:?}\n\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 1.0]\n"
        ),
    );
    let file = file.to_str().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let table = |args: &[&str]| {
        let o = run(args);
        succeeded(&o);
        String::from_utf8(o.stdout).unwrap()
    };
    let plain = table(&["run", &base, "--runs", "50", "--threads", "1"]);
    let nested = table(&[
        "run",
        file,
        "--draws",
        "3",
        "--runs",
        "50",
        "--threads",
        "1",
    ]);
    let title = format!("deter {version} | Western Balkans 2024 (");
    for t in [&plain, &nested] {
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with(&title), "{t}");
        assert!(lines[1].ends_with(" runs/s on 1 thread"), "{t}");
        assert!(lines[1].contains(" | "), "{t}");
    }
    assert!(nested.starts_with(&format!("{title}{file})\n")), "{nested}");
    let plain = table(&["compare", &base, &base, "--runs", "50", "--threads", "1"]);
    let nested = table(&[
        "compare",
        file,
        file,
        "--draws",
        "3",
        "--runs",
        "50",
        "--threads",
        "1",
    ]);
    for t in [&plain, &nested] {
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], format!("deter {version} | compare"), "{t}");
        assert!(lines[1].starts_with("  A: Western Balkans 2024 ("), "{t}");
        assert!(lines[2].starts_with("  B: Western Balkans 2024 ("), "{t}");
        assert!(lines[3].ends_with(" pairs/s on 1 thread"), "{t}");
    }
}
