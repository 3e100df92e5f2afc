//! Outcomes shown to people by their declared label, never by their JSON key (labels8): the
//! nested tables and pages (`--posterior`), the run page's yearly "Values" and "Counts"
//! tables, and the sweep charts' titles. The expected words are those of the ordinary
//! terminal table (`deter run`), which already names every outcome by its label; the keys
//! stay in JSON and CSV.

mod common;
use common::{run, scenario, stderr, write_posterior};

/// The outcome labels, in output order, as the terminal table of `deter run` prints them.
const LABELS: [&str; 7] = [
    "crisis opportunity (context)",
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
    assert!(o.status.success(), "{}", stderr(&o));
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
        assert!(o.status.success(), "{name}: {}", stderr(&o));
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
        assert!(o.status.success(), "{name}: {}", stderr(&o));
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
    assert!(o.status.success(), "{}", stderr(&o));
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
    let file = d.path().join("m.toml");
    std::fs::write(
        &file,
        format!(
            "base = {:?}\nruns = 40\nseed = 1\ndesign = \"morris\"\npoints = 2\n\n\
             [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"uncertainty\"\n\
             range = [0.2, 0.8]\n",
            scenario("scenarios/western-balkans-2024.toml")
        ),
    )
    .unwrap();
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
    assert!(o.status.success(), "{}", stderr(&o));
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
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
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
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
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
