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

/// `compare A B` of two files printed no word of what B changes (only `--set-b` what-ifs
/// were listed; the JSON and the page had the list). The table now lists B's changes, read
/// here from the two files: one value B's file sets and one power only B has. The page's
/// section on the cost composition says it is a diagnostic, not which level deters (it was
/// headed "How the tri-level breakdown shifts" beside the attribution's shift), and the
/// attribution's shift says how to read its sign and that a share's shift does not name the
/// level a policy acted through.
#[test]
fn compare_of_two_files_lists_what_b_changes_and_reads_its_shift() {
    let dir = tempfile::tempdir().unwrap();
    let a = common::root().join("scenarios/western-balkans-2024.toml");
    let b = write(
        dir.path(),
        "b.toml",
        &format!(
            "extends = \"{}\"\n[[rivalry]]\nchallenger = \"SRB\"\ntarget = \"XKX\"\n\
             dissatisfaction = 0.6\n\
             [[power]]\nid = \"EUF\"\nname = \"EU force\"\ncapability = 40.0\nin_theatre = 1.0\n",
            a.display()
        ),
    );
    let page = dir.path().join("c.html");
    let o = run(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--runs",
        "200",
        "-q",
        "--report",
        page.to_str().unwrap(),
    ]);
    succeeded(&o);
    let table = stdout(&o);
    let line = table
        .lines()
        .find(|l| l.starts_with("B changes relative to A: "))
        .unwrap_or_else(|| panic!("no changes line: {table}"));
    // A's dissatisfaction as its file writes it.
    let text = std::fs::read_to_string(&a).unwrap();
    let dissatisfaction = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("dissatisfaction = "))
        .map(|v| v.split('#').next().unwrap().trim().parse::<f64>().unwrap())
        .expect("the baseline sets the rivalry's dissatisfaction");
    assert!(
        line.contains(&format!(
            "rivalry.SRB-XKX.dissatisfaction (A: {dissatisfaction}; B: 0.6)"
        )),
        "{line}"
    );
    assert!(
        line.contains("power.EUF (A: absent; B: EU force)"),
        "{line}"
    );
    assert!(
        table.contains("  How to read B - A: + when removing"),
        "{table}"
    );
    assert!(
        table.contains("a policy on one level (sanctions) can move all three shares"),
        "{table}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let levels = &html[html
        .find("<section id=\"levels\">")
        .expect("levels section")..];
    assert!(
        levels.starts_with(
            "<section id=\"levels\"><h2>How the composition of the challenger's expected cost \
             shifts</h2><p>A diagnostic, not an answer to which level deters"
        ),
        "{}",
        &levels[..300]
    );
    assert!(html.contains("<p>How to read B - A: + when removing"));

    // One file compared under --set-b: the what-ifs line says it, no changes line.
    let o = run(&[
        "compare",
        a.to_str().unwrap(),
        a.to_str().unwrap(),
        "--set-b",
        "rivalry.SRB-XKX.dissatisfaction=0.6",
        "--runs",
        "50",
        "-q",
        "--no-attribution",
    ]);
    succeeded(&o);
    assert!(!stdout(&o).contains("B changes relative to A"));
}

/// The run page's escalation ladder summed the highest-level shares into its column
/// "reached at least this level" (0.85349999... printed 85.3% beside the outcomes table's
/// 85.4% for use of force, in a student's scenario of 2,000 runs). Reaching at least a level
/// is the outcome threat, display, use of force or war: each cell now carries that outcome's
/// value, checked against the JSON, and its text is the value rounded half up at one decimal.
#[test]
fn the_ladders_reached_at_least_column_is_the_outcomes_value() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::root().join("tests/data/south-caucasus.toml");
    let page = dir.path().join("r.html");
    let args = |extra: &[&str]| {
        let mut v = vec![
            "run".to_string(),
            file.display().to_string(),
            "--runs".into(),
            "2000".into(),
            "-q".into(),
            "--no-attribution".into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let json = run(&args(&["--format", "json"])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    succeeded(&json);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let o = run(&args(&["--report", page.to_str().unwrap()])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    let ladder = &html[html.find("<section id=\"escalation\">").unwrap()..];
    let ladder = &ladder[..ladder.find("</section>").unwrap()];
    let escalation: Vec<f64> = v["rivalries"][0]["escalation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let mut differs = false;
    for (k, key) in [
        (2, "threat"),
        (3, "display"),
        (4, "use_of_force"),
        (5, "war"),
    ] {
        let p = v["rivalries"][0]["outcomes"][key]["p"].as_f64().unwrap();
        // The value rounded half up at one decimal of a percent, from its decimal text.
        let tenths = (p * 1000.0 + 0.5 + 1e-9).floor() / 10.0;
        let cell = format!(
            "<td class=\"n\" data-k=\"/rivalries/0/outcomes/{key}/p\" data-v=\"{p}\">{tenths:.1}%</td>"
        );
        assert!(ladder.contains(&cell), "{key}: no {cell}");
        let summed: f64 = escalation[k..].iter().sum();
        differs |= format!("{:.1}", summed * 100.0) != format!("{tenths:.1}");
    }
    // The case is one where the old sums printed otherwise.
    assert!(
        differs,
        "the scenario no longer shows the old column's fault"
    );
}

/// After `--resume`, `deter calibrate` said the whole calibration's simulations were done
/// "in" the resumed session's seconds. A resumed calibration now says its count in all and
/// what this session did. The counts are recomputed from diagnostics.csv's `simulations`
/// column; a finished calibration resumed (to write its report) did none.
#[test]
fn a_resumed_calibration_says_what_this_session_did() {
    let dir = tempfile::tempdir().unwrap();
    let history = common::root().join("scenarios/history");
    let file = write(
        dir.path(),
        "tiny.toml",
        &format!(
            "seed = 5\nparticles = 20\nmax_generations = 2\npredictive_draws = 5\n\
             statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\", \"{}\"]\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
            history.join("serbia-kosovo.record.toml").display(),
            history.join("russia-georgia.record.toml").display()
        ),
    );
    let out = dir.path().join("cal");
    let calibrate = |extra: &[&str]| {
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
    };
    let first = calibrate(&[]);
    let diagnostics = std::fs::read_to_string(out.join("diagnostics.csv")).unwrap();
    let mut lines = diagnostics.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "simulations").unwrap();
    let (mut sims, mut generations) = (0u64, 0usize);
    for l in lines {
        sims += l.split(',').nth(col).unwrap().parse::<u64>().unwrap();
        generations += 1;
    }
    let grouped = |n: u64| {
        let d = n.to_string();
        let mut s = String::new();
        for (i, c) in d.chars().enumerate() {
            if i > 0 && (d.len() - i).is_multiple_of(3) {
                s.push(',');
            }
            s.push(c);
        }
        s
    };
    let all = format!("{} simulations ({} runs)", grouped(sims), grouped(2 * sims));
    assert!(first.contains(&format!("; {all} in ")), "{first}");
    assert!(!first.contains("this session"), "{first}");

    let resumed = calibrate(&["--resume"]);
    assert!(
        resumed.contains(&format!(
            "; {all} in all; this session, resumed after {generations} generations, \
             0 simulations (0 runs) in "
        )),
        "{resumed}"
    );
}

/// A two-country scenario with the given rivalry sides and the countries' names.
fn two_countries(dir: &std::path::Path, challenger: &str, target: &str) -> std::path::PathBuf {
    write(
        dir,
        "two.toml",
        &format!(
            "[scenario]\nname = \"t\"\nstart = \"2025-01\"\nhorizon_years = 2\n\
             [[country]]\nid = \"AZE\"\nname = \"Azerbaijan\"\n[country.military]\nbudget = 1.0\n\
             [country.economic]\ngdp = 50.0\n\
             [[country]]\nid = \"ARM\"\nname = \"Հայաստան\"\n[country.military]\nbudget = 1.0\n\
             [country.economic]\ngdp = 20.0\n\
             [[rivalry]]\nchallenger = \"{challenger}\"\ntarget = \"{target}\"\n"
        ),
    )
}

/// An id that differs only in case (`aze`) got "known ids: AZE, ARM", no did-you-mean; a
/// country's name given for its id (`Հայաստան`) got no pointer to its id.
#[test]
fn an_id_in_the_wrong_case_or_a_name_for_an_id_is_pointed_to_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let f = two_countries(dir.path(), "aze", "Հայաստան");
    let o = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("rivalry[0].challenger: unknown country id `aze`"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `AZE`?"), "{err}");
    assert!(
        err.contains("rivalry[0].target: expected a country id, found `Հայաստան`, a name"),
        "{err}"
    );
    assert!(
        err.contains(
            "help: `Հայաստան` is the name `Հայաստան` of `ARM`: refer to it by its id, `ARM`"
        ),
        "{err}"
    );
}

/// More countries than a scenario may hold: the one fault at `country`, not one more
/// "unknown country id" for every reference to a country the refused array held (10,002
/// countries gave 10,003 errors and took 15 s).
#[test]
fn a_refused_country_array_is_one_fault_not_one_per_reference() {
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        String::from("[scenario]\nname = \"many\"\nstart = \"2025-01\"\nhorizon_years = 1\n");
    for i in 0..10_002 {
        text.push_str(&format!(
            "[[country]]\nid = \"C{i}\"\n[country.military]\nbudget = 1.0\n[country.economic]\ngdp = 50.0\n"
        ));
    }
    for i in 0..20 {
        text.push_str(&format!(
            "[[rivalry]]\nchallenger = \"C{}\"\ntarget = \"C{}\"\n",
            2 * i,
            2 * i + 1
        ));
    }
    let f = write(dir.path(), "many.toml", &text);
    let o = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("country: 10002 entries; at most 10000 are allowed"),
        "{err:.2000}"
    );
    assert!(!err.contains("unknown country id"), "{err:.2000}");
    assert!(err.trim_end().ends_with("1 error found"), "{err:.2000}");
}

/// Another file given for a file of draws: the calibration's diagnostics.csv (it was
/// "column `tolerance`: expected a number, found inf"), a page ("the cells are in quotes"),
/// a JSON state ("2 cells, the header has 1"), and a spreadsheet's `;`-separated export.
#[test]
fn another_kind_of_file_for_a_file_of_draws_is_named_for_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = common::root().join("scenarios/western-balkans-2024.toml");
    let cases = [
        (
            "diagnostics.csv",
            "# deter calibrate: per-generation diagnostics\n# seed = 1\n\
             generation,tolerance,simulations\n0,inf,20\n",
            "found the calibration's per-generation diagnostics file",
        ),
        (
            "report.html",
            "<!DOCTYPE html>\n<html lang=\"en\"><head></head></html>\n",
            "found an HTML page",
        ),
        (
            "state.json",
            "{\n  \"format\": \"deter-calibrate-state-1\"\n}\n",
            "found a JSON file",
        ),
        (
            "excel.csv",
            "draw;model.war_cost;weight\n0;0.5;1\n",
            "expected cells separated by commas, found them separated by `;`",
        ),
    ];
    for (name, text, says) in cases {
        let p = write(dir.path(), name, text);
        let o = run(&[
            "run",
            baseline.to_str().unwrap(),
            "--posterior",
            p.to_str().unwrap(),
            "--runs",
            "10",
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = stderr(&o);
        // At the file's first line (the page's, the JSON's, the header).
        assert!(
            err.contains(&format!("{}:1:1: error: ", p.display())),
            "{name}: {err}"
        );
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.trim_end().ends_with("1 error found"), "{name}: {err}");
    }
}

/// A resume refused because the calibration changed named only "another calibration"; where
/// the change is one of its settings it now says which (`max_generations` 8 -> 9 in the
/// trial). A damaged state said "...damaged (distances); or leave out --resume", an "or"
/// with no first way.
#[test]
fn a_refused_resume_names_the_setting_that_changed_and_a_damaged_state_its_one_way() {
    let dir = tempfile::tempdir().unwrap();
    let history = common::root().join("scenarios/history");
    let text = |generations: u32| {
        format!(
            "seed = 5\nparticles = 20\nmax_generations = {generations}\npredictive_draws = 5\n\
             statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\"]\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
            history.join("serbia-kosovo.record.toml").display()
        )
    };
    let f = write(dir.path(), "c.toml", &text(2));
    let out = dir.path().join("cal");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "calibrate".to_string(),
            f.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "-q".into(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let o = run(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    succeeded(&o);
    std::fs::write(&f, text(3)).unwrap();
    let o = run(&args(&["--resume"])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    // Located at the key in the calibration file (its third line: `max_generations = 3`),
    // with the state's value to resume with; more generations are no extension.
    let at = format!("{}:3:19: error: max_generations: ", f.display());
    assert!(
        err.starts_with(&format!(
            "{at}expected `max_generations` = 2, the setting of the calibration in `{}` that \
             --resume continues, found 3",
            out.join("state.json").display()
        )),
        "{err}"
    );
    assert!(
        err.contains("cannot be extended with more generations")
            && err.contains("resume with `max_generations = 2`, or leave out --resume"),
        "{err}"
    );
    // Fewer generations are refused too, located the same way, and not called an extension
    // (the trial 12 review: "cannot be extended" was said of a decrease).
    std::fs::write(&f, text(1)).unwrap();
    let o = run(&args(&["--resume"])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with(&at), "{err}");
    assert!(!err.contains("extended"), "{err}");
    assert!(err.contains("found 1"), "{err}");
    // A damaged state: its one way out, no dangling "or".
    let state = out.join("state.json");
    let damaged = std::fs::read_to_string(&state)
        .unwrap()
        .replace("\"distances\"", "\"distancez\"");
    std::fs::write(&f, text(2)).unwrap();
    std::fs::write(&state, damaged).unwrap();
    let o = run(&args(&["--resume"])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("whose `state.json` is not a calibration state (its `distances` is damaged)")
            && err.contains("help: it cannot be resumed: leave out --resume"),
        "{err}"
    );
    assert!(!err.contains("resumed: or "), "{err}");
}

/// The 90% interval over uncertain parameters of a nested run holds run noise too when each
/// draw has few runs (20 runs a draw gave non-state violence [90.0%, 100.0%] with 0% of its
/// variance from the parameters), though the table said "more runs do not narrow it"; and
/// one draw printed a point for it. An interval whose spread is less than half the
/// parameters' is now marked `*` with a note, and one draw's is undefined. The marks are
/// recomputed from the per-draw probabilities of the JSON: the share of their variance over
/// draws that exceeds the runs' binomial noise (sum of p (1 - p) / (R - 1) over draws, / D).
#[test]
fn a_nested_interval_that_is_mostly_run_noise_is_marked_and_one_draws_is_undefined() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = common::root().join("scenarios/western-balkans-2024.toml");
    let post = write(
        dir.path(),
        "post.csv",
        "draw,model.war_cost\n0,0.6\n1,0.8\n2,1.0\n3,1.2\n4,1.4\n5,0.7\n6,0.9\n7,1.1\n",
    );
    let args = |draws: &str, extra: &[&str]| {
        let mut a: Vec<String> = [
            "run",
            baseline.to_str().unwrap(),
            "--posterior",
            post.to_str().unwrap(),
            "--draws",
            draws,
            "--runs",
            "20",
            "-q",
            "--no-attribution",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let go = |a: Vec<String>| {
        let o = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
        succeeded(&o);
        stdout(&o)
    };
    let json: serde_json::Value =
        serde_json::from_str(&go(args("8", &["--format", "json"]))).unwrap();
    let table = go(args("8", &[]));
    let mut any = false;
    for (o, e) in json["outcomes"].as_array().unwrap().iter().zip([
        "any crisis opportunity (context)",
        "threat (MID level >= 2)",
        "display of force (MID >= 3)",
        "use of force (MID >= 4)",
        "war (MID 5)",
        "deterrence held (no force)",
        "non-state violence (not MID)",
    ]) {
        let p: Vec<f64> = o["per_draw"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let d = p.len() as f64;
        let mean = p.iter().sum::<f64>() / d;
        let var = p.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d - 1.0);
        let noise = p.iter().map(|x| x * (1.0 - x) / 19.0).sum::<f64>() / d;
        let share = if var > 0.0 {
            ((var - noise) / var).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let spread = p.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
            > p.iter().cloned().fold(f64::INFINITY, f64::min);
        let marked = spread && share < 0.5;
        any |= marked;
        let line = table
            .lines()
            .find(|l| l.starts_with(e))
            .unwrap_or_else(|| panic!("{e}: {table}"));
        assert_eq!(
            line.contains("] *"),
            marked,
            "{e} (share {share:.3}): {line}"
        );
    }
    assert!(
        any,
        "no interval was mostly noise at 20 runs a draw: {table}"
    );
    assert!(
        table.contains("at 20 runs a draw it is mostly run-to-run noise"),
        "{table}"
    );

    let one = go(args("1", &[]));
    let line = one.lines().find(|l| l.starts_with("use of force")).unwrap();
    assert_eq!(line.matches("undefined (one draw)").count(), 2, "{one}");
    // One draw in JSON: no interval over parameters, no share of variance, and why.
    let json: serde_json::Value =
        serde_json::from_str(&go(args("1", &["--format", "json"]))).unwrap();
    for o in json["outcomes"].as_array().unwrap() {
        assert!(
            o["param90_lo"].is_null() && o["param90_hi"].is_null(),
            "{o}"
        );
        assert!(o["parametric_share_of_variance"].is_null(), "{o}");
        assert!(o["param90_undefined"].is_string(), "{o}");
    }
    // The page marks what the table marks, with the note.
    let page = dir.path().join("n.html");
    go(args("8", &["--report", page.to_str().unwrap()]));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("] *</td>"), "no mark on the page");
    assert!(html.contains("at 20 runs a draw it is mostly run-to-run noise"));
}

/// One country's GDP given in millions beside budgets in billions (a budget of 0.007% of its
/// GDP) validated without a word; a budget below a ten-thousandth of GDP is now warned of at
/// the budget (exit 0), with its share recomputed here; a budget of 0 (no armed forces) is not.
#[test]
fn a_budget_below_a_ten_thousandth_of_gdp_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    for (budget, gdp, warned) in [
        (1.7, 24_000.0, true),
        (0.0, 24_000.0, false),
        (1.7, 24.0, false),
    ] {
        let f = write(
            dir.path(),
            "u.toml",
            &format!(
                "[scenario]\nname = \"u\"\nstart = \"2025-01\"\nhorizon_years = 2\n\
                 [[country]]\nid = \"AAA\"\n[country.military]\nbudget = {budget}\n\
                 [country.economic]\ngdp = {gdp}\n"
            ),
        );
        let o = run(&["validate", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let err = stderr(&o);
        // 1.7 / 24,000 = 7.083e-5 of GDP: 0.0071% at two significant digits.
        let says = "country[0].military.budget: implausible currency figures: the defence \
                    budget 1.7 is 0.0071% of GDP 24000 (below 0.01% of GDP";
        assert_eq!(
            err.contains(says),
            warned,
            "budget {budget}, gdp {gdp}: {err}"
        );
    }
}

/// `--set` is checked like the same edit in the file, but its currency figures were not: a
/// budget set below 0.01% (or above half) of GDP was run without a word. They are now warned
/// of at the `--set` value, and a file's warning that a `--set` mends is no longer said.
#[test]
fn a_set_currency_figure_is_checked_as_the_files_are() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "u.toml",
        "[scenario]\nname = \"u\"\nstart = \"2025-01\"\nhorizon_years = 2\n\
         [[country]]\nid = \"AAA\"\n[country.military]\nbudget = 1.7\n\
         [country.economic]\ngdp = 24000.0\n",
    );
    let validate = |set: Option<&str>| {
        let mut a = vec!["validate", f.to_str().unwrap()];
        if let Some(s) = set {
            a.extend(["--set", s]);
        }
        let o = run(&a);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stderr(&o)
    };
    // The file's own figures: 1.7 of 24,000 is 0.0071%.
    assert!(validate(None).contains("u.toml:8:10: warning: country[0].military.budget: implausible currency figures: the defence budget 1.7 is 0.0071% of GDP 24000"));
    // GDP set to 24 mends it: no currency warning left.
    assert!(!validate(Some("country.AAA.economic.gdp=24")).contains("implausible"));
    // A budget set to 0.5 (0.0021% of 24,000) and to 20,000 (0.83 times it): at the value.
    let err = validate(Some("country.AAA.military.budget=0.5"));
    assert!(err.contains("--set:1:29: warning: country.AAA.military.budget: implausible currency figures: the defence budget 0.5 is 0.0021% of GDP 24000"), "{err}");
    assert_eq!(err.matches("implausible").count(), 1, "{err}");
    let err = validate(Some("country.AAA.military.budget=20000"));
    assert!(
        err.contains("the defence budget 20000 is 0.83 times GDP 24000 (above half of GDP"),
        "{err}"
    );
}
