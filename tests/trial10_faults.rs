//! Faults a new user's trial found (trial 10, 4 December 2026), each tested by what the user
//! sees, recomputed here from the inputs rather than read from what deter says of itself.

mod common;
use common::{run, stderr, stdout, succeeded, write};

/// A scenario starting in March whose crises can only arrive under a policy dated 2026-01.
fn march_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    write(
        dir,
        "yr.toml",
        "[scenario]\nname = \"Year label test\"\nstart = \"2025-03\"\nhorizon_years = 3\n\
         runs = 1000\n\
         [[country]]\nid = \"AAA\"\n[country.military]\nbudget = 1.0\n[country.economic]\ngdp = 50.0\n\
         [[country]]\nid = \"BBB\"\n[country.military]\nbudget = 1.0\n[country.economic]\ngdp = 50.0\n\
         [[rivalry]]\nchallenger = \"AAA\"\ntarget = \"BBB\"\nopportunity_rate = 0.0\n\
         nonstate_rate = 0.0\ntarget_trigger_rate = 0.0\n\
         [[policy]]\nid = \"opens\"\nstart = \"2026-01\"\n\
         changes = [{ path = \"rivalry.AAA-BBB.opportunity_rate\", set = 52.0 }]\n",
    )
}

/// A scenario starting in March has years of the horizon from March to February: the first
/// was labelled "2026" (the calendar year it ends in) in the table, the page and the JSON,
/// though the policy of 2026-01 was in force for two of its months. Each year now carries
/// its months, and tables and pages name it by them. The months are recomputed from the
/// start, and the policy's two months from the counts: crises arrive only under it, so the
/// first year holds between one and three twelfths of the second's (two twelfths, with the
/// rate moving with tension).
#[test]
fn a_year_of_a_horizon_that_starts_in_march_is_named_by_its_months() {
    let dir = tempfile::tempdir().unwrap();
    let f = march_scenario(dir.path());
    let o = run(&[
        "run",
        f.to_str().unwrap(),
        "--no-attribution",
        "--format",
        "json",
        "-q",
    ]);
    succeeded(&o);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let years = v["yearly"].as_array().unwrap();
    assert_eq!(years.len(), 3);
    for (y, year) in years.iter().enumerate() {
        let (a, b) = (2025 + y, 2026 + y);
        assert_eq!(year["first_month"], format!("{a}-03"), "{year}");
        assert_eq!(year["last_month"], format!("{b}-02"), "{year}");
        assert_eq!(year["year"], b as i64, "{year}");
    }
    let triggers = |y: usize| {
        years[y]["counts"]["crisis_triggers"]["mean"]
            .as_f64()
            .unwrap()
    };
    let share = triggers(0) / triggers(1);
    assert!(
        (1.0 / 12.0..3.0 / 12.0).contains(&share),
        "first year's triggers {} against the second's {}",
        triggers(0),
        triggers(1)
    );

    let o = run(&[
        "run",
        f.to_str().unwrap(),
        "--no-attribution",
        "--yearly",
        "-q",
    ]);
    succeeded(&o);
    let table = stdout(&o);
    for label in ["2025-03..2026-02", "2026-03..2027-02", "2027-03..2028-02"] {
        assert!(table.contains(&format!("  {label} ")), "{label}: {table}");
    }
    assert!(!table.lines().any(|l| l.starts_with("  2026 ")), "{table}");

    let page = dir.path().join("r.html");
    let o = run(&[
        "run",
        f.to_str().unwrap(),
        "--no-attribution",
        "--runs",
        "200",
        "-q",
        "--report",
        page.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<td>2025-03..2026-02</td>"), "no month label");
    assert!(!html.contains("<td>2026</td>"), "a calendar-year label");
    assert!(html.contains("The scenario starts in 2025-03"), "no note");
}
