//! Faults found by review and a new user's trial (trial 12, 4 December 2026) that no issue
//! names, each tested by what the user sees, recomputed here from the inputs.

mod common;
use common::{run, stderr, stdout, succeeded, write};

const BUNDLED: &str = "scenarios/western-balkans-2024.toml";

/// The bundled scenario's text with `from` replaced once by `to`.
fn bundled_with(from: &str, to: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(BUNDLED)).unwrap();
    assert!(text.contains(from), "the bundled file writes {from:?}");
    text.replacen(from, to, 1)
}

/// The JSON `changes` of `deter compare A B` and its stderr.
fn changes(a: &std::path::Path, b: &std::path::Path) -> (Vec<String>, String) {
    let o = run(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--runs",
        "20",
        "--horizon-years",
        "1",
        "--no-attribution",
        "--format",
        "json",
    ]);
    succeeded(&o);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let what = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["what"].as_str().unwrap().to_string())
        .collect();
    (what, stderr(&o))
}

/// B raises Serbia's budget: `changes` listed the budget and, beside it, the share of GDP
/// and the capability derived from it, as if B had set three values. Now only the edit.
#[test]
fn a_comparison_lists_the_edit_not_the_values_derived_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(BUNDLED)).unwrap();
    let doc: toml::Value = toml::from_str(&text).unwrap();
    let serbia = doc["country"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_str() == Some("SRB"))
        .unwrap();
    let budget = serbia["military"]["budget"].as_float().unwrap();
    // The budget's line in the file, rewritten at twice the value.
    let line = text
        .lines()
        .find(|l| {
            l.trim_start().starts_with("budget = ")
                && l.split('=')
                    .nth(1)
                    .unwrap()
                    .split('#')
                    .next()
                    .unwrap()
                    .trim()
                    .parse::<f64>()
                    == Ok(budget)
        })
        .unwrap();
    let a = write(dir.path(), "a.toml", &text);
    let b = write(
        dir.path(),
        "b.toml",
        &text.replacen(line, &format!("budget = {}", 2.0 * budget), 1),
    );
    let (what, _) = changes(&a, &b);
    assert_eq!(what, ["country.SRB.military.budget"]);
}

/// A renamed country was no change at all ("B changes relative to A: nothing").
#[test]
fn a_comparison_lists_a_renamed_country() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.toml", &bundled_with("", ""));
    let b = write(
        dir.path(),
        "b.toml",
        &bundled_with("name = \"Serbia\"", "name = \"Republic of Serbia\""),
    );
    let (what, _) = changes(&a, &b);
    assert_eq!(what, ["country.SRB.name"]);
}

/// B's file gives another seed: compare runs both on A's, silently, and called the two
/// files different scenarios though every difference was 0. Now it says B's seed is not
/// used, and that the two are the same scenario.
#[test]
fn a_comparison_says_b_s_own_seed_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(BUNDLED)).unwrap();
    let doc: toml::Value = toml::from_str(&text).unwrap();
    let seed = doc["scenario"]["seed"].as_integer().unwrap();
    let a = write(dir.path(), "a.toml", &text);
    let b = write(
        dir.path(),
        "b.toml",
        &text.replacen(
            &format!("seed = {seed}"),
            &format!("seed = {}", seed + 1),
            1,
        ),
    );
    let (what, err) = changes(&a, &b);
    assert!(what.is_empty(), "{what:?}");
    assert!(
        err.contains(&format!(
            "note: B's `seed` ({}; A's: {seed}) is not used",
            seed + 1
        )),
        "{err}"
    );
    assert!(err.contains("A and B are the same scenario"), "{err}");
    // With --seed, both run on it: nothing to say of B's.
    let o = run(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--runs",
        "20",
        "--seed",
        "3",
        "--horizon-years",
        "1",
        "--no-attribution",
        "-q",
    ]);
    succeeded(&o);
    assert!(!stderr(&o).contains("is not used"), "{}", stderr(&o));
}
