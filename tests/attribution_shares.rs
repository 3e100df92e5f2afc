//! "Which level deters" as a reader sees it: the printed attribution says what its numbers
//! are. The total change when all three defender levels are removed, split into the three
//! levels' Shapley shares, with beside each share the change when that level alone is
//! removed, all checked against the JSON variants' counts of the same run (recomputed here,
//! not read from the code's own claims). And "deterrence held" is never called an event
//! that happens "at least once": it is no use of force over the whole horizon.

mod common;
use common::{root, succeeded_for};

use serde_json::Value;

const BUNDLED: &str = "scenarios/western-balkans-2024.toml";
const RUNS: u64 = 1000;

fn deter_ok(args: &[&str]) -> std::process::Output {
    let out = common::run(args);
    succeeded_for(&out, format_args!("deter {args:?} failed"));
    out
}

/// The table and the JSON of the same run (same seed, same runs).
fn table_and_json(dir: &std::path::Path) -> (String, Value) {
    let runs = RUNS.to_string();
    let table = deter_ok(&["run", BUNDLED, "--runs", &runs]);
    let json = dir.join("r.json");
    let json_s = json.display().to_string();
    deter_ok(&["run", BUNDLED, "--runs", &runs, "--out", &json_s]);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (String::from_utf8(table.stdout).unwrap(), v)
}

/// A signed number of percentage points as printed: "+58.7", "-10.3"; "+<0.05" / "-<0.05"
/// (not zero, below the printed precision) read as 0, within the rounding of the others.
fn signed(s: &str) -> f64 {
    if matches!(s.trim(), "+<0.05" | "-<0.05") {
        return 0.0;
    }
    s.trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: `{s}`"))
}

/// Every event line of the region's attribution: (label, total printed, the three level
/// lines).
fn attribution_blocks(table: &str) -> Vec<(String, String, Vec<String>)> {
    let start = table
        .find("Which level deters")
        .expect("the attribution section");
    let lines: Vec<&str> = table[start..].lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("    ") && !l.starts_with("      ") && l.contains(" as is, ") {
            let (label, rest) = l.trim().split_once(": ").unwrap();
            let levels = lines[i + 1..i + 4].iter().map(|s| s.to_string()).collect();
            out.push((label.to_string(), rest.to_string(), levels));
        }
    }
    out
}

#[test]
fn each_printed_single_removal_effect_is_the_difference_of_the_variants_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (table, json) = table_and_json(dir.path());
    let region = &json["attribution"]["entities"][0]["events"];
    let blocks = attribution_blocks(&table);
    assert_eq!(blocks.len(), 7, "{table}");
    let mut checked = 0;
    for (label, _, levels) in &blocks {
        // The event's key: the outcome table's label names it in the JSON's `outcomes`.
        let key = [
            "crisis",
            "threat",
            "display",
            "use_of_force",
            "war",
            "deterrence_held",
            "non_state_incident",
        ]
        .into_iter()
        .find(|k| {
            let l = label.to_lowercase();
            match *k {
                "crisis" => l.starts_with("any crisis opportunity"),
                "threat" => l.starts_with("threat"),
                "display" => l.starts_with("display of force"),
                "use_of_force" => l.starts_with("use of force"),
                "war" => l.starts_with("war"),
                "deterrence_held" => l.starts_with("deterrence held"),
                _ => l.starts_with("non-state"),
            }
        })
        .unwrap_or_else(|| panic!("unknown event `{label}`"));
        let v = &region[key]["variants"];
        let none = v["none"]["count"].as_u64().unwrap() as f64;
        for (line, level) in levels.iter().zip(["military", "political", "economic"]) {
            let line = line.trim();
            assert!(line.starts_with(level), "{line}");
            // "... removing it alone: 10.3% -> 0.0%, -10.3 percentage points"
            let (_, alone) = line
                .split_once("removing it alone: ")
                .unwrap_or_else(|| panic!("no single-removal effect beside the share: {line}"));
            let (ps, change) = alone.split_once(", ").unwrap();
            let change = signed(change.trim_end_matches(" percentage points"));
            let count = v[level]["count"].as_u64().unwrap() as f64;
            let expected = 100.0 * (count - none) / RUNS as f64;
            assert!(
                (change - expected).abs() <= 0.05 + 1e-9,
                "{key}, {level} alone: printed {change}, counts give {expected}"
            );
            let (from, to) = ps.split_once(" -> ").unwrap();
            let pct = |s: &str| s.trim_end_matches('%').parse::<f64>().unwrap();
            assert!((pct(from) - 100.0 * none / RUNS as f64).abs() <= 0.05 + 1e-9);
            assert!((pct(to) - 100.0 * count / RUNS as f64).abs() <= 0.05 + 1e-9);
            checked += 1;
        }
    }
    assert_eq!(checked, 21);
}

#[test]
fn the_printed_shares_add_up_to_the_printed_total_and_say_they_are_shares() {
    let dir = tempfile::tempdir().unwrap();
    let (table, json) = table_and_json(dir.path());
    let region = &json["attribution"]["entities"][0]["events"];
    for (label, rest, levels) in attribution_blocks(&table) {
        let shares: Vec<f64> = levels
            .iter()
            .map(|l| {
                let (_, s) = l
                    .split_once(" share ")
                    .unwrap_or_else(|| panic!("no share: {l}"));
                signed(s.split_whitespace().next().unwrap())
            })
            .collect();
        // The total: "removing all three raises/lowers P(...) by X percentage points" or
        // "leaves P(...) unchanged in every run".
        let total = if rest.contains("unchanged in every run")
            || rest.contains("by less than 0.05 percentage points")
        {
            0.0
        } else {
            let (_, by) = rest.split_once(") by ").unwrap();
            let x: f64 = by.split_whitespace().next().unwrap().parse().unwrap();
            if rest.contains("removing all three lowers") {
                -x
            } else {
                x
            }
        };
        let sum: f64 = shares.iter().sum();
        // Each printed number is rounded to 0.05 pp: four roundings.
        assert!(
            (sum - total).abs() <= 0.2 + 1e-9,
            "{label}: shares {shares:?} add up to {sum}, the total printed is {total}"
        );
    }
    // Exactly, in the JSON: the levels' sum6 add up to removing_all's, which is 6 (all -
    // none) of the variants' counts.
    for (key, e) in region.as_object().unwrap() {
        let s = |k: &str| e[k]["sum6"].as_i64().unwrap();
        let v = |k: &str| e["variants"][k]["count"].as_i64().unwrap();
        assert_eq!(
            s("military") + s("political") + s("economic"),
            s("removing_all"),
            "{key}"
        );
        assert_eq!(s("removing_all"), 6 * (v("all") - v("none")), "{key}");
        // The single-removal changes the JSON adds: the variants' counts, not shares.
        for level in ["military", "political", "economic"] {
            let alone = e["removing_alone"][level].as_f64().unwrap();
            let want = (v(level) - v("none")) as f64 / RUNS as f64;
            assert!(
                (alone - want).abs() < 1e-12,
                "{key} {level}: {alone} vs {want}"
            );
        }
    }
    // The misreading the old wording invited: a share read as the effect of removing one
    // level ("removing the defenders' military level lowers P(war) by 40.7 points").
    assert!(
        !table.contains("removing the defenders' military level lowers"),
        "{table}"
    );
    assert!(table.contains("a share is not the effect of removing that level on its own"));
}

#[test]
fn deterrence_held_is_no_use_of_force_over_the_horizon_not_an_event_at_least_once() {
    let out = deter_ok(&["run", BUNDLED, "--runs", "200", "--horizon-years", "4"]);
    let table = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    let at_least_once = lines
        .iter()
        .position(|l| l.contains("event, at least once in 4 years"))
        .expect("the outcome table's header");
    let held = lines
        .iter()
        .position(|l| l.trim_start().starts_with("deterrence held"))
        .expect("the deterrence held row");
    // Between the "at least once" header and the row, a heading that says "throughout".
    let heading = lines[at_least_once + 1..held]
        .iter()
        .rposition(|l| l.trim_start().starts_with("event, "))
        .map(|i| lines[at_least_once + 1 + i]);
    assert_eq!(
        heading.map(str::trim),
        Some("event, throughout the 4 years"),
        "{table}"
    );
    assert!(!table.contains("P(deterrence held within"), "{table}");
    assert!(
        table.contains("P(no use of force over the 4 years)"),
        "{table}"
    );
    // The rows after it are its own: the per-run table follows a blank line.
    assert!(lines[held + 1].trim_start().starts_with('('), "{table}");
    let _ = root();
}

/// `num / den` (a probability or a change in one) in percent at one decimal, rounded half
/// away from zero from the exact fraction of the run counts (not from a float), signed when
/// `signed`; a change that is not zero but rounds to 0.0 as the table says it, "+<0.05".
fn exact_pp(num: i64, den: i64, signed: bool) -> String {
    let tenths = (2 * 1000 * num.unsigned_abs() + den as u64) / (2 * den as u64);
    let sign = if num < 0 { "-" } else { "+" };
    if signed && tenths == 0 && num != 0 {
        return format!("{sign}<0.05");
    }
    let body = format!("{}.{}", tenths / 10, tenths % 10);
    match (signed, num < 0) {
        (true, _) => format!("{sign}{body}"),
        (false, true) => format!("-{body}"),
        (false, false) => body,
    }
}

/// A probability `num / den` of runs as the tables print it: `exact_pp`'s tenths, but a
/// share that is neither 0 nor 1 never as either ("<0.1", ">99.9").
fn exact_share(num: i64, den: i64) -> String {
    let text = exact_pp(num, den, false);
    match text.as_str() {
        "0.0" if num > 0 => "<0.1".into(),
        "100.0" if num < den => ">99.9".into(),
        _ => text,
    }
}

fn event_key(label: &str) -> &'static str {
    let l = label.to_lowercase();
    [
        ("any crisis opportunity", "crisis"),
        ("threat", "threat"),
        ("display of force", "display"),
        ("use of force", "use_of_force"),
        ("war", "war"),
        ("deterrence held", "deterrence_held"),
        ("non-state", "non_state_incident"),
    ]
    .into_iter()
    .find(|(start, _)| l.starts_with(start))
    .unwrap_or_else(|| panic!("unknown event `{label}`"))
    .1
}

/// Every number of the attribution, in the table and on the page, has the digits of its
/// quantity rounded at the printed precision, recomputed from the JSON's counts (`count`,
/// `sum6`) of the same run: a probability `count / runs`, a total or a share `sum6 / 6 runs`,
/// a single removal's change `(count - count_none) / runs`, rounded half away from zero.
/// At 2,000 runs a probability of an odd count is a tie at one decimal (0.9655 -> 96.55%):
/// `100.0 * p` rounded as a float fell either side of it (96.5% for 0.9655, and 75.5 for a
/// total of 0.7555 whose ends printed 24.4% and 100.0%), while a reader rounding the JSON's
/// 0.7555 gets 75.6.
#[test]
fn every_attribution_number_is_its_quantity_rounded_in_the_table_and_the_page() {
    const N: i64 = 2000;
    let dir = tempfile::tempdir().unwrap();
    let n = N.to_string();
    let json = dir.path().join("r.json");
    let page = dir.path().join("r.html");
    let table = deter_ok(&["run", BUNDLED, "--runs", &n]);
    let table = String::from_utf8(table.stdout).unwrap();
    deter_ok(&[
        "run",
        BUNDLED,
        "--runs",
        &n,
        "--out",
        json.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let region = &v["attribution"]["entities"][0]["events"];
    let count =
        |key: &str, variant: &str| region[key]["variants"][variant]["count"].as_i64().unwrap();
    let sum6 = |key: &str, part: &str| region[key][part]["sum6"].as_i64().unwrap();
    let interval = |key: &str, part: &str, flip: bool| {
        let lo = region[key][part]["paired95_lo"].as_f64().unwrap();
        let hi = region[key][part]["paired95_hi"].as_f64().unwrap();
        if flip {
            format!("{:.1} to {:.1}", -100.0 * hi, -100.0 * lo)
        } else {
            format!("{:.1} to {:.1}", 100.0 * lo, 100.0 * hi)
        }
    };
    let mut ties = 0;
    let mut checked = 0;
    for (label, rest, levels) in attribution_blocks(&table) {
        let key = event_key(&label);
        let (none, all) = (count(key, "none"), count(key, "all"));
        ties += usize::from(none % 2 == 1) + usize::from(sum6(key, "removing_all") % 6 != 0);
        let head = format!(
            "{}% as is, {}% with all three",
            exact_share(none, N),
            exact_share(all, N)
        );
        assert!(
            rest.starts_with(&head),
            "{label}: `{rest}` is not `{head}...`"
        );
        // The outcome table prints the same probability with the same digits.
        let row = table
            .lines()
            .find(|l| l.trim_start().starts_with(&label) && !l.contains(" as is, "))
            .unwrap_or_else(|| panic!("{label}: no outcome row"));
        assert!(
            row.contains(&format!("{}%", exact_share(none, N))),
            "{label}: outcome row `{row}`"
        );
        if rest.contains(") by ") {
            let total = sum6(key, "removing_all");
            let flip = total < 0;
            let by = format!(
                "by {} percentage points (paired 95% interval {})",
                exact_pp(total.abs(), 6 * N, false),
                interval(key, "removing_all", flip)
            );
            assert!(rest.contains(&by), "{label}: `{rest}` lacks `{by}`");
            checked += 1;
        }
        for (line, level) in levels.iter().zip(["military", "political", "economic"]) {
            let share = format!("share {} (", exact_pp(sum6(key, level), 6 * N, true));
            assert!(line.contains(&share), "{label}: `{line}` lacks `{share}`");
            let alone = format!(
                "removing it alone: {}% -> {}%, {} percentage points",
                exact_share(none, N),
                exact_share(count(key, level), N),
                exact_pp(count(key, level) - none, N, true)
            );
            assert!(
                line.ends_with(&alone),
                "{label}: `{line}` is not `...{alone}`"
            );
            ties += usize::from(count(key, level) % 2 == 1);
            checked += 1;
        }
    }
    assert!(checked >= 21, "{table}");
    assert!(
        ties > 0,
        "the run has no tie to round: pick another run count"
    );

    // The page: every attribution cell of a probability, a change or a single removal's
    // change has the same digits (its `data-k` names the JSON value).
    let html = std::fs::read_to_string(&page).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let cells = scraper::Selector::parse("section#attribution [data-k]").unwrap();
    let mut seen = 0;
    for cell in doc.select(&cells) {
        let k = cell.value().attr("data-k").unwrap();
        let text: String = cell.text().collect();
        let text = text.split(" (").next().unwrap().trim().to_string();
        let parts: Vec<&str> = k.split('/').collect();
        // /attribution/entities/0/events/KEY/...
        if parts[3] != "0" {
            continue;
        }
        let key = parts[5];
        let want = match &parts[6..] {
            ["p_as_is"] => format!("{}%", exact_share(count(key, "none"), N)),
            ["p_all_removed"] => format!("{}%", exact_share(count(key, "all"), N)),
            [part, "change"] => exact_pp(sum6(key, part), 6 * N, true),
            ["removing_alone", level] => exact_pp(count(key, level) - count(key, "none"), N, true),
            _ => continue,
        };
        assert_eq!(text, want, "{k}");
        seen += 1;
    }
    assert_eq!(seen, 7 * (2 + 4 + 3), "{html}");
}
