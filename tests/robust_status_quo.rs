//! `deter robust`'s status quo: the sweep's record beside the results names the policy that is
//! the base scenario as it is, so it is taken without `--status-quo` even when its id is not
//! `baseline`; a status quo chosen with `--status-quo` is labelled as chosen, not as the base
//! scenario as it is.

mod common;
use common::{deter, scenario, stderr, write};

/// Runs a two-policy levers x futures sweep (`now`: the base as it is; `envoy`: a file) into
/// `dir/r.csv`; returns the results path.
fn swept(dir: &std::path::Path) -> std::path::PathBuf {
    let sweep = write(
        dir,
        "s.toml",
        &format!(
            "base = \"{}\"\nruns = 20\nseed = 5\ndesign = \"lhs\"\npoints = 2\n\n\
             [[policy]]\nid = \"now\"\n\n[[policy]]\nid = \"envoy\"\nfile = \"{}\"\n\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
             range = [0.5, 0.95]\n",
            scenario("scenarios/western-balkans-2024.toml"),
            scenario("tests/data/envoy.toml"),
        ),
    );
    let out = dir.join("r.csv");
    let o = deter()
        .args([
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

fn robust(results: &std::path::Path, extra: &[&str]) -> String {
    let o = deter()
        .args(["robust", results.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_status_quo_comes_from_the_record_and_a_chosen_one_is_labelled_chosen() {
    let d = tempfile::tempdir().unwrap();
    let results = swept(d.path());
    // Without the flag: `now`, by the record (before: "No status quo: every policy is
    // ranked ... the results do not say which policy is the base scenario as it is"), in the
    // words of the sweep's own table.
    let t = robust(&results, &[]);
    assert!(
        t.contains("Status quo `now` (the base scenario as it is)"),
        "{t}"
    );
    assert!(!t.contains("do not say"), "{t}");
    // A status quo chosen with the flag is not called the base scenario as it is.
    let t = robust(&results, &["--status-quo", "envoy"]);
    assert!(
        t.contains(
            "Status quo `envoy` (chosen with --status-quo; the base scenario as it is is `now`, by the sweep's record)"
        ),
        "{t}"
    );
    let t = robust(&results, &["--status-quo", "now"]);
    assert!(
        t.contains("Status quo `now` (the base scenario as it is)"),
        "{t}"
    );
    // Results without their record: a chosen status quo is only chosen.
    let bare = d.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    let copy = bare.join("r.csv");
    std::fs::copy(&results, &copy).unwrap();
    let t = robust(&copy, &["--status-quo", "envoy"]);
    assert!(
        t.contains("Status quo `envoy` (chosen with --status-quo; the results do not say which policy is the base scenario as it is)"),
        "{t}"
    );
}
