//! Facts every bundled scenario must state alike. A fact left at its default in one file
//! while another file states it is silent in the file that omits it until a what-if reads it
//! (a pact with the United States that carried no strategic deterrent in the Georgia and
//! Ukraine cases; the Serbia -> Kosovo hindcast's United States, a KFOR contributor, without
//! the deterrent the 2024 baseline gives it).

use std::path::{Path, PathBuf};

/// The nuclear-weapon states (the five of the Non-Proliferation Treaty and the four outside
/// it), by the ISO 3166 alpha-3 ids the scenarios use for powers.
const NUCLEAR: [&str; 9] = [
    "USA", "RUS", "GBR", "FRA", "CHN", "IND", "PAK", "PRK", "ISR",
];

/// Every scenario file under `scenarios/` (sweeps, calibrations and records skipped: they
/// have no `[[power]]`).
fn bundled_scenarios() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        &mut out,
    );
    out
}

#[test]
fn every_bundled_scenarios_nuclear_powers_carry_their_strategic_deterrent() {
    let mut powers_seen = 0;
    let mut missing = Vec::new();
    for path in bundled_scenarios() {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: toml::Table = toml::from_str(&text).unwrap();
        let Some(powers) = doc.get("power").and_then(|p| p.as_array()) else {
            continue;
        };
        for p in powers {
            let id = p.get("id").and_then(|v| v.as_str()).unwrap_or("");
            if !NUCLEAR.contains(&id) {
                continue;
            }
            powers_seen += 1;
            let strategic = p
                .get("strategic")
                .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
                .unwrap_or(0.0);
            if strategic != 1.0 {
                missing.push(format!(
                    "{}: power {id} has strategic = {strategic}",
                    path.display()
                ));
            }
        }
    }
    // The baseline alone names three nuclear powers; the cases add more.
    assert!(powers_seen >= 8, "only {powers_seen} nuclear powers found");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
