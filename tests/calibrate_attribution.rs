//! `deter calibrate` attributes only when asked (issue 13: the attribution is off by default
//! in calibration, with a flag or a file key to switch it on): `--attribution` or
//! `attribution = true` attributes each case's probabilities over the report's predictive
//! draws, into `attribution.json` and the report; the calibration's own simulations and every
//! other output are unchanged. The Shapley shares are recomputed here from the eight
//! variants' counts the file carries (the six orders of removing the three levels,
//! `common::shapley6_by_orders`, as tests/attribution.rs recomputes a run's).

use std::path::{Path, PathBuf};

mod common;
use common::{removal_of, root, run, shapley6_by_orders, stderr, succeeded, write};
use deter::model::Removal;

fn calibration(dir: &Path, name: &str, key: &str) -> PathBuf {
    let history = root().join("scenarios/history");
    write(
        dir,
        name,
        &format!(
            "{key}seed = 5\nparticles = 20\nmax_generations = 2\npredictive_draws = 40\n\
             statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\", \"{}\"]\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
            history.join("serbia-kosovo.record.toml").display(),
            history.join("russia-georgia.record.toml").display()
        ),
    )
}

fn calibrate(file: &Path, out: &Path, extra: &[&str]) -> String {
    let mut a = vec![
        "calibrate",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    a.extend_from_slice(extra);
    let o = run(&a);
    succeeded(&o);
    stderr(&o)
}

const LEVELS: [&str; 3] = ["military", "political", "economic"];

#[test]
fn calibrate_attributes_only_when_asked_and_its_shares_are_the_variants_shapley_values() {
    let dir = tempfile::tempdir().unwrap();
    let plain = calibration(dir.path(), "plain.toml", "");
    let off = dir.path().join("off");
    let note = calibrate(&plain, &off, &[]);
    assert!(!off.join("attribution.json").exists());
    assert!(
        note.contains("which level deters: not attributed"),
        "{note}"
    );
    let report_off = std::fs::read_to_string(off.join("report.html")).unwrap();
    assert!(report_off.contains("Not attributed: the attribution is off by default in calibrate"));

    let on = dir.path().join("on");
    let note = calibrate(&plain, &on, &["--attribution"]);
    assert!(note.contains("report.html, attribution.json"), "{note}");
    // The calibration itself is the same: its posterior, state and diagnostics, and the
    // report up to the attribution's section.
    for f in ["posterior.csv", "state.json", "diagnostics.csv"] {
        assert_eq!(
            std::fs::read(off.join(f)).unwrap(),
            std::fs::read(on.join(f)).unwrap(),
            "{f}"
        );
    }
    let report_on = std::fs::read_to_string(on.join("report.html")).unwrap();
    let head = "<h2>Which level deters in each case";
    let cut = |r: &str| r[..r.find(head).expect("the section")].to_string();
    assert_eq!(cut(&report_off), cut(&report_on));

    let text = std::fs::read_to_string(on.join("attribution.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["predictive_draws"], 40);
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    let mut nonzero = 0;
    for case in cases {
        let a = &case["attribution"];
        let runs = a["runs"].as_i64().unwrap();
        assert_eq!(runs, 40);
        for entity in a["entities"].as_array().unwrap() {
            for (event, x) in entity["events"].as_object().unwrap() {
                let variants = x["variants"].as_object().unwrap();
                let count = |rm: Removal| -> i64 {
                    let name = variants
                        .keys()
                        .find(|k| removal_of(k) == rm)
                        .expect("every removal has a variant");
                    variants[name]["count"].as_i64().unwrap()
                };
                let six = shapley6_by_orders(&count);
                for (l, level) in LEVELS.iter().enumerate() {
                    assert_eq!(
                        x[level]["sum6"].as_i64().unwrap(),
                        six[l],
                        "{event} {level}"
                    );
                    let change = x[level]["change"].as_f64().unwrap();
                    assert!(
                        (change - six[l] as f64 / 6.0 / runs as f64).abs() < 1e-12,
                        "{event} {level}"
                    );
                }
                // Efficiency: the shares add up to removing all three, exactly.
                let (none, all) = (count(Removal::default()), count(Removal::from_bits(7)));
                assert_eq!(six.iter().sum::<i64>(), 6 * (all - none), "{event}");
                nonzero += usize::from(all != none);
            }
        }
    }
    assert!(nonzero > 0, "no event moved when the levels were removed");

    // The file's key does what the flag does.
    let keyed = calibration(dir.path(), "keyed.toml", "attribution = true\n");
    let by_key = dir.path().join("key");
    calibrate(&keyed, &by_key, &[]);
    let a = |d: &Path| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("attribution.json")).unwrap())
                .unwrap();
        v["cases"].clone()
    };
    assert_eq!(a(&on), a(&by_key));

    // A calibration run again without the attribution over one that had it leaves no stale
    // attribution.json beside its new posterior.
    calibrate(&plain, &on, &["--force"]);
    assert!(!on.join("attribution.json").exists());
}
