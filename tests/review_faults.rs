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

/// `[country.military]` written before the first `[[country]]` was said only as "duplicate
/// key `country`" at the `[[country]]` three lines below, where nothing is wrong. It is now
/// said with the table header that made `country` a table, and how to order them, alike in
/// a scenario (validate, run) and a calibration file.
#[test]
fn a_table_written_before_its_array_of_tables_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "early.toml",
        "[scenario]\nname = \"x\"\nstart = \"2025-01\"\nhorizon_years = 2\n\n\
         [country.military]\nbudget = 1.0\n\n[[country]]\nid = \"AAA\"\n",
    );
    let calibration = write(
        dir.path(),
        "early-cal.toml",
        "seed = 1\ncases = []\n[parameter.prior]\nkind = \"uniform\"\n\n[[parameter]]\n\
         path = \"model.war_cost\"\n",
    );
    for (args, file, table, table_line, array_line, array) in [
        (
            vec!["validate"],
            &scenario,
            "country.military",
            6,
            9,
            "country",
        ),
        (
            vec!["run", "-q"],
            &scenario,
            "country.military",
            6,
            9,
            "country",
        ),
        (
            vec!["calibrate", "-q"],
            &calibration,
            "parameter.prior",
            3,
            6,
            "parameter",
        ),
    ] {
        let mut a = args.clone();
        a.push(file.to_str().unwrap());
        let o = run(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!(
                "{}:{array_line}:3: error: {array}: TOML syntax error: duplicate key `{array}`",
                file.display()
            )),
            "{args:?}: {err}"
        );
        assert!(
            err.contains(&format!(
                "{table_line} | [{table}]\n  | {} made a table here",
                "-".repeat(table.len() + 2)
            )),
            "{args:?}: {err}"
        );
        assert!(
            err.contains(&format!(
                "help: `[{table}]` comes before any `[[{array}]]`, so `{array}` is already a \
                 table: write `[{table}]` after the `[[{array}]]` it belongs to"
            )),
            "{args:?}: {err}"
        );
    }
    // A bare `[country]` before `[[country]]`: the help says to write the entry as one of
    // the array (moving it after `[[country]]` would be the same fault).
    let bare = write(
        dir.path(),
        "bare.toml",
        "[scenario]\nname = \"x\"\n\n[country]\nid = \"AAA\"\n\n[[country]]\nid = \"BBB\"\n",
    );
    let o = run(&["validate", bare.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains(
            "help: `[country]` makes `country` one table, and `[[country]]` an entry of an \
             array of tables: write each entry as `[[country]]`"
        ),
        "{err}"
    );
}

/// A power's capability written in millions beside countries' figures in billions (60,000
/// for 60) ran without a word, though a country's figures 1000x apart are warned of. Now
/// warned of alike in the file (validate, run) and by --set, with the ratio recomputed here
/// from the bundled file's largest stock (procurement_efficiency x investment_share x
/// budget / depreciation, at docs/SCENARIO.md's defaults 1, 0.25 and 0.08 where unwritten).
#[test]
fn a_power_capability_a_thousand_times_the_countries_is_warned_of() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(BUNDLED)).unwrap();
    let doc: toml::Value = toml::from_str(&text).unwrap();
    let stock = |c: &toml::Value| {
        let m = &c["military"];
        let f = |k: &str, d: f64| m.get(k).and_then(toml::Value::as_float).unwrap_or(d);
        m.get("capability")
            .and_then(toml::Value::as_float)
            .unwrap_or(
                f("procurement_efficiency", 1.0) * f("investment_share", 0.25) * f("budget", 0.0)
                    / f("depreciation", 0.08),
            )
    };
    let (id, largest) = doc["country"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), stock(c)))
        .fold((String::new(), 0.0), |b, x| if x.1 > b.1 { x } else { b });
    let said = format!(
        "warning: power.USA.capability: implausible currency figures: `power.USA.capability` \
         60000 is {:.0} times the largest country's capability stock ({id}: {largest})",
        60000.0 / largest
    );
    let o = run(&[
        "run",
        BUNDLED,
        "--set",
        "power.USA.capability=60000",
        "--runs",
        "10",
        "--no-attribution",
        "-q",
    ]);
    succeeded(&o);
    assert!(
        stderr(&o).contains(&format!("--set:1:22: {said}")),
        "{}",
        stderr(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "m.toml",
        &bundled_with("capability = 60.0", "capability = 60000.0"),
    );
    for args in [vec!["validate"], vec!["run", "--runs", "10", "-q"]] {
        let mut a = args.clone();
        a.push(f.to_str().unwrap());
        let o = run(&a);
        succeeded(&o);
        let err = stderr(&o);
        let file_said = said.replacen("power.USA.capability", "power[0].capability", 1);
        assert!(err.contains(&file_said), "{args:?}: {err}");
    }
    // A --set that replaces the file's figure: the file's warning is left out (it warned
    // of a figure the run does not use), whether the new value warns or not.
    for (value, warned) in [("60", false), ("70000", true)] {
        let o = run(&[
            "validate",
            f.to_str().unwrap(),
            "--set",
            &format!("power.USA.capability={value}"),
        ]);
        let err = stderr(&o);
        assert_eq!(
            err.matches("implausible").count(),
            usize::from(warned),
            "{value}: {err}"
        );
        assert!(!err.contains("60000 is"), "{value}: {err}");
    }
    // The bundled file itself: no such warning.
    let o = run(&["validate", BUNDLED]);
    assert!(!stderr(&o).contains("implausible"), "{}", stderr(&o));
}

/// Trial 12: the run page had no GDP lost (nor disputes, nor the final balance) though the
/// docs said it labels it with the unit; the JSON did not say its unit; a one-year horizon
/// read "1 years". The page's per-run cells now carry the JSON's values, the JSON its
/// `currency`, and a year is one year.
#[test]
fn the_run_page_shows_gdp_lost_in_the_unit_the_json_names() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let json = dir.path().join("r.json");
    let o = run(&[
        "run",
        BUNDLED,
        "--runs",
        "300",
        "--horizon-years",
        "1",
        "--no-attribution",
        "--out",
        json.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
        "-q",
    ]);
    succeeded(&o);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join(BUNDLED)).unwrap()).unwrap();
    let currency = doc["scenario"]["currency"].as_str().unwrap();
    assert_eq!(v["currency"], currency);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(&format!("GDP lost by challenger and target ({currency})")),
        "no GDP lost row with its unit"
    );
    for m in [
        "crises",
        "disputes",
        "gdp_lost",
        "final_balance",
        "years_to_first_use_of_force",
    ] {
        for q in ["mean", "p05", "p50", "p95"] {
            let key = format!("data-k=\"/metrics/{m}/{q}\" data-v=\"");
            let at = html.find(&key).unwrap_or_else(|| panic!("no cell {m} {q}")) + key.len();
            let shown: f64 = html[at..at + html[at..].find('"').unwrap()]
                .parse()
                .unwrap();
            assert_eq!(shown, v["metrics"][m][q].as_f64().unwrap(), "{m} {q}");
        }
    }
    assert!(html.contains("horizon 1 year;"), "page: horizon in years");
    assert!(!html.contains("1 years"), "page: 1 years");
    let o = run(&[
        "run",
        BUNDLED,
        "--runs",
        "300",
        "--horizon-years",
        "1",
        "--no-attribution",
    ]);
    succeeded(&o);
    assert!(
        stdout(&o).contains("(censored at 1 year:"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("1 years"), "{}", stdout(&o));
}

/// Review of this session's changes (helper trial): a named policy magnitude was listed twice
/// (`changes[0].set` and its name), and B's seed and runs were said "not used" when B's file
/// gave neither (their defaults).
#[test]
fn a_named_magnitude_is_one_change_and_an_unwritten_seed_is_not_said() {
    let o = run(&[
        "compare",
        "scenarios/shea-special-envoy.toml",
        "scenarios/shea-special-envoy.toml",
        "--set-b",
        "policy.special-envoy.monitoring_target=0.8",
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
    let what: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["what"].as_str().unwrap())
        .collect();
    assert_eq!(what, ["policy.special-envoy.changes[0].set"]);
    // B writes no seed and no runs: nothing to say of them.
    let dir = tempfile::tempdir().unwrap();
    let text = bundled_with("", "");
    let bare: String = text
        .lines()
        .filter(|l| !l.starts_with("seed =") && !l.starts_with("runs ="))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(bare, text, "the bundled file writes a seed or runs");
    let a = write(dir.path(), "a.toml", &text);
    let b = write(dir.path(), "b.toml", &bare);
    let (_, err) = changes(&a, &b);
    assert!(!err.contains("is not used"), "{err}");
}

/// Review of this session's changes (helper trial): a state of this calibration damaged
/// inside (its population gone, its settings edited or missing, its stop removed or bogus)
/// was "this calibration, interrupted" to a fresh start, which told to resume it, and the
/// resume then said it was damaged, or ran on into a wrong state (a generation past
/// `max_generations`, a history 0, 0, 2). Now each is "not a calibration state" with the
/// same reason either way, and the file is left as it was.
#[test]
fn a_damaged_state_of_this_calibration_is_said_alike_fresh_and_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let history = common::root().join("scenarios/history");
    let f = write(
        dir.path(),
        "c.toml",
        &format!(
            "seed = 5\nparticles = 20\nmax_generations = 2\npredictive_draws = 5\n\
             statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\"]\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
            history.join("serbia-kosovo.record.toml").display()
        ),
    );
    let out = dir.path().join("cal");
    let calibrate = |more: &[&str]| {
        let mut a = vec![
            "calibrate",
            f.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ];
        a.extend(more);
        run(&a)
    };
    succeeded(&calibrate(&[]));
    let state = out.join("state.json");
    let finished: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(finished["stopped"], "max_generations", "{finished}");
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 6] = [
        ("its `population` is damaged", |v| {
            v.as_object_mut().unwrap().remove("population");
        }),
        ("its `stopped` is damaged", |v| {
            v["stopped"] = serde_json::Value::Null
        }),
        ("its `stopped` is damaged", |v| {
            v["stopped"] = "bogus".into()
        }),
        ("its `settings` are damaged (`particles`)", |v| {
            v.as_object_mut().unwrap().remove("settings");
        }),
        ("its `settings` are damaged (`seed`)", |v| {
            v["settings"]["seed"] = (-1).into()
        }),
        (
            "its `settings` are not those of the calibration its `calibration_sha256` names \
             (`particles`)",
            |v| v["settings"]["particles"] = 21.into(),
        ),
    ];
    for (why, edit) in edits {
        let mut v = finished.clone();
        edit(&mut v);
        let text = serde_json::to_string(&v).unwrap();
        std::fs::write(&state, &text).unwrap();
        let said = format!("whose `state.json` is not a calibration state ({why})");
        for (more, head) in [
            (
                &[][..],
                "expected a directory this calibration may start afresh in",
            ),
            (&["--resume"][..], "expected a calibration to --resume"),
        ] {
            let o = calibrate(more);
            assert_eq!(o.status.code(), Some(2), "{why} {more:?}");
            let err = stderr(&o);
            assert!(
                err.starts_with(&format!(
                    "--out:1:1: error: {head}, found `{}`, {said}",
                    out.display()
                )) && err.contains("--force"),
                "{why} {more:?}: {err}"
            );
            assert_eq!(
                std::fs::read_to_string(&state).unwrap(),
                text,
                "{why} {more:?}"
            );
        }
    }
    // The state as written resumes (finished: its outputs written again).
    std::fs::write(
        &state,
        serde_json::to_string_pretty(&finished).unwrap() + "\n",
    )
    .unwrap();
    succeeded(&calibrate(&["--resume"]));
}

/// Trial 12: a policy's change of a currency figure to an implausible value (a GDP in
/// millions beside a budget in billions; a power's capability scaled 1000x) ran without a
/// word, though `--set` of the same value was warned of. The same message now, at the
/// change's value.
#[test]
fn a_policy_moving_a_currency_figure_is_warned_of_as_set_is() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = write(
        dir.path(),
        "base.toml",
        &std::fs::read_to_string(root.join(BUNDLED)).unwrap(),
    );
    let f = write(
        dir.path(),
        "boom.toml",
        "extends = \"base.toml\"\n[[policy]]\nid = \"boom\"\nstart = \"2026-01\"\n\
         changes = [{ path = \"country.SRB.economic.gdp\", set = 95000.0 }, \
         { path = \"power.USA.capability\", scale = 1000.0 }]\n",
    );
    let o = run(&["validate", f.to_str().unwrap()]);
    succeeded(&o);
    let from_file = stderr(&o);
    // What --set of the same values says, after its location and path.
    let said = |set: &str| {
        let o = run(&["validate", base.to_str().unwrap(), "--set", set]);
        let err = stderr(&o);
        let line = err
            .lines()
            .find(|l| l.contains("implausible"))
            .unwrap_or_else(|| panic!("{set}: {err}"))
            .to_string();
        line.split_once(": warning: ")
            .and_then(|(_, rest)| rest.split_once(": "))
            .map(|(_, message)| message.to_string())
            .unwrap()
    };
    for (set, at) in [
        (
            "country.SRB.economic.gdp=95000",
            "boom.toml:5:55: warning: policy[0].changes[0].set: ",
        ),
        (
            "power.USA.capability=60000",
            "boom.toml:5:107: warning: policy[0].changes[1].scale: ",
        ),
    ] {
        let message = said(set);
        assert!(
            from_file.contains(&format!("{at}{message}")),
            "{set}: {message}\n{from_file}"
        );
    }
    // The bundled overlays' policies: none warned.
    for overlay in [
        "scenarios/mediu-tri-level.toml",
        "scenarios/combined-proposals.toml",
    ] {
        let o = run(&["validate", overlay]);
        assert!(
            !stderr(&o).contains("implausible"),
            "{overlay}: {}",
            stderr(&o)
        );
    }
}

/// Trial 14: a JSON Lines sweep wrote its robustness table and page over those of a CSV
/// sweep of the same name (`lxf.csv` and `lxf.jsonl` both gave `lxf.robustness.csv`); and
/// `deter robust` on a complete sweep whose record names no base policy took `baseline` as
/// the status quo by its name, though the sweep's own table ranked it, and replaced that
/// table with a different one. Now the JSON Lines sweep's tables keep its extension, and
/// robust writes the sweep's own table.
#[test]
fn a_sweep_s_robustness_table_is_its_own_and_robust_gives_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = root.join(BUNDLED);
    // Every policy has a file or settings: no base policy; one is named `baseline`.
    let sweep = write(
        dir.path(),
        "lxf.toml",
        &format!(
            "base = \"{}\"\nruns = 40\nseed = 3\ndesign = \"lhs\"\npoints = 4\n\
             [[policy]]\nid = \"baseline\"\nset = {{ \"rivalry.SRB-XKX.tension\" = 0.5 }}\n\
             [[policy]]\nid = \"envoy\"\nset = {{ \"rivalry.SRB-XKX.monitoring\" = 0.7 }}\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
             range = [0.5, 1.5]\n",
            base.display()
        ),
    );
    let csv = dir.path().join("lxf.csv");
    let jsonl = dir.path().join("lxf.jsonl");
    for out in [&csv, &jsonl] {
        let o = run(&[
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--threads",
            "1",
            "-q",
        ]);
        succeeded(&o);
    }
    let table = std::fs::read(dir.path().join("lxf.robustness.csv")).unwrap();
    assert!(dir.path().join("lxf.jsonl.robustness.csv").exists());
    // The CSV sweep's table is its own: robust recomputes the same bytes.
    let again = dir.path().join("again.csv");
    let o = run(&[
        "robust",
        csv.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "-q",
    ]);
    succeeded(&o);
    assert_eq!(
        String::from_utf8_lossy(&std::fs::read(&again).unwrap()),
        String::from_utf8_lossy(&table)
    );
}

/// Trial 14: `deter sweep --plots DIR` warned only when DIR held the sweep file itself; a
/// DIR holding its base scenario got its charts written beside it without a word.
#[test]
fn a_sweep_s_charts_beside_its_base_scenario_are_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    write(
        dir.path(),
        "base.toml",
        &std::fs::read_to_string(root.join(BUNDLED)).unwrap(),
    );
    let sweeps = dir.path().join("sweeps");
    std::fs::create_dir(&sweeps).unwrap();
    let sweep = write(
        &sweeps,
        "g.toml",
        "base = \"../base.toml\"\nruns = 20\nseed = 3\ndesign = \"grid\"\n[[parameter]]\n\
         path = \"model.war_cost\"\nrole = \"lever\"\nvalues = [0.5, 1.0]\n",
    );
    let o = run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        sweeps.join("g.csv").to_str().unwrap(),
        "--plots",
        dir.path().to_str().unwrap(),
        "--horizon-years",
        "1",
        "--threads",
        "1",
        "-q",
    ]);
    succeeded(&o);
    assert!(
        stderr(&o).contains(&format!(
            "warning: --plots `{}` is the directory of the inputs (`base.toml`)",
            dir.path().display()
        )),
        "{}",
        stderr(&o)
    );
}

/// Trial 14: an unknown outcome in a sweep's `satisficing` was told "one of: crisis, ...",
/// and `crisis` is then refused (context, not an objective). The help lists only outcomes a
/// threshold can name.
#[test]
fn a_satisficing_outcome_s_help_lists_only_what_a_threshold_can_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sweep = write(
        dir.path(),
        "s.toml",
        &format!(
            "base = \"{}\"\nruns = 20\nseed = 3\ndesign = \"lhs\"\npoints = 2\n\
             satisficing = {{ qqqqqqqq = 0.1 }}\n\
             [[policy]]\nid = \"now\"\n[[policy]]\nid = \"envoy\"\n\
             set = {{ \"rivalry.SRB-XKX.monitoring\" = 0.7 }}\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n\
             range = [0.5, 1.5]\n",
            root.join(BUNDLED).display()
        ),
    );
    let o = run(&["validate", sweep.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let help = err
        .lines()
        .find(|l| l.contains("help: one of: "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(help.contains("use_of_force"), "{help}");
    assert!(!help.contains("crisis"), "{help}");
}

/// Trial 13: a path set twice (by --set and --set-b, or --set-b twice) was listed twice in
/// the what-ifs line, the replaced value too. Each path is now listed once, at the value
/// the runs used.
#[test]
fn a_what_if_set_twice_is_listed_once_at_the_value_used() {
    let o = run(&[
        "compare",
        BUNDLED,
        BUNDLED,
        "--set",
        "country.XKX.military.budget=0.5",
        "--set-b",
        "country.XKX.military.budget=0.5",
        "--set-b",
        "rivalry.SRB-XKX.tension=0.9",
        "--set-b",
        "rivalry.SRB-XKX.tension=0.5",
        "--runs",
        "20",
        "--horizon-years",
        "1",
        "--no-attribution",
    ]);
    succeeded(&o);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.starts_with("B what-ifs"))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        line.matches("country.XKX.military.budget = 0.5").count(),
        1,
        "{line}"
    );
    assert_eq!(line.matches("rivalry.SRB-XKX.tension").count(), 1, "{line}");
    assert!(line.contains("rivalry.SRB-XKX.tension = 0.5"), "{line}");
}

/// Trial 13: a --set that shrinks the countries' stocks left a power's capability unchecked
/// against them (the file's ratio, or none, was said). Now checked against the scenario run
/// and said at that --set; a --set that moves no stock (readiness) leaves the file's warning
/// at the file's figure.
#[test]
fn a_set_that_shrinks_the_countries_checks_the_powers_again() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "w6.toml",
        &bundled_with("capability = 60.0", "capability = 6000.0"),
    );
    let o = run(&["validate", f.to_str().unwrap()]);
    assert!(!stderr(&o).contains("implausible"), "{}", stderr(&o));
    let o = run(&[
        "validate",
        f.to_str().unwrap(),
        "--set",
        "country.SRB.military.budget=0.5",
    ]);
    let err = stderr(&o);
    assert!(
        err.contains(
            "--set:1:29: warning: country.SRB.military.budget: implausible currency figures: \
             `power.USA.capability` 6000 is"
        ),
        "{err}"
    );
    let big = write(
        dir.path(),
        "w60.toml",
        &bundled_with("capability = 60.0", "capability = 60000.0"),
    );
    let o = run(&[
        "validate",
        big.to_str().unwrap(),
        "--set",
        "country.SRB.military.readiness=0.5",
    ]);
    let err = stderr(&o);
    assert_eq!(err.matches("implausible").count(), 1, "{err}");
    assert!(
        err.contains("w60.toml:35:14: warning: power[0].capability"),
        "{err}"
    );
}

/// A `.toml` file named by another file (a scenario's `extends`, a sweep's `base`) with a
/// TOML syntax error was said as "not a TOML scenario file (TOML syntax error; its content is
/// not shown)": no line, no snippet, no help, where `deter validate` of the file itself
/// locates the fault and says how to mend it. Now the same diagnostic in every command; a
/// file of another name is still never echoed (tests/faults.rs).
#[test]
fn a_syntax_error_in_a_named_toml_file_is_said_as_in_the_file_itself() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(
        dir.path(),
        "base.toml",
        "[scenario]\nname = \"b\"\nstart = \"2025-01\"\nhorizon_years = 2\n\n\
         [country.military]\nbudget = 1.0\n\n[[country]]\nid = \"AAA\"\n",
    );
    let overlay = write(
        dir.path(),
        "over.toml",
        "extends = \"base.toml\"\n[scenario]\nname = \"o\"\n",
    );
    let sweep = write(
        dir.path(),
        "s.toml",
        "base = \"base.toml\"\n[[parameter]]\npath = \"model.war_cost\"\nrole = \"lever\"\n\
         values = [1]\n",
    );
    let own = stderr(&run(&["validate", base.to_str().unwrap()]));
    let shown = format!(
        "{}:9:3: error: country: TOML syntax error: duplicate key `country`",
        base.display()
    );
    assert!(own.contains(&shown), "{own}");
    // The base's diagnostic, whole: from its first line to its help.
    let start = own.find(&shown).unwrap();
    let end = own.find(" it belongs to").unwrap();
    let block = &own[start..end];
    assert!(block.contains("made a table here"), "{block}");
    for args in [
        vec!["validate", overlay.to_str().unwrap()],
        vec!["run", "-q", overlay.to_str().unwrap()],
        vec!["sweep", "-q", sweep.to_str().unwrap()],
        vec!["validate", sweep.to_str().unwrap()],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains(block),
            "{args:?}:\n{err}\n--- validate of the base:\n{own}"
        );
        assert!(!err.contains("its content is not shown"), "{args:?}: {err}");
    }
}

/// A comment added to a calibration file (or its record) made it "another calibration": its
/// fingerprint was of the bytes, so a finished calibration run again into its directory was
/// refused as another calibration's results, and `--resume` of an interrupted one likewise.
/// Now the fingerprint is of the content (comments, blank lines and the order of keys
/// aside): the annotated file is the same calibration, with the same `calibration_sha256`;
/// a changed value is still another.
#[test]
fn a_comment_in_a_calibration_file_keeps_it_the_same_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let history = root.join("scenarios/history");
    std::fs::copy(
        history.join("serbia-kosovo-2008.toml"),
        dir.path().join("serbia-kosovo-2008.toml"),
    )
    .unwrap();
    let record = std::fs::read_to_string(history.join("serbia-kosovo.record.toml")).unwrap();
    write(dir.path(), "serbia-kosovo.record.toml", &record);
    let body = "seed = 5\nparticles = 10\nmax_generations = 1\npredictive_draws = 5\n\
                statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
                cases = [\"serbia-kosovo.record.toml\"]\n\
                [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\n";
    let cal = write(dir.path(), "cal.toml", body);
    let out = dir.path().join("out");
    let calibrate = || {
        run(&[
            "calibrate",
            cal.to_str().unwrap(),
            "--quiet",
            "--threads",
            "1",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    succeeded(&calibrate());
    let fingerprint = || {
        std::fs::read_to_string(out.join("posterior.csv"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("# calibration_sha256 = "))
            .unwrap()
            .to_string()
    };
    let first = fingerprint();
    // Annotated: a comment line, a trailing comment, a blank line, two keys swapped; the
    // record too.
    let annotated = format!(
        "# Serbia -> Kosovo only, a smoke test\nparticles = 10 # few\nseed = 5\n\n{}",
        body.replacen("seed = 5\nparticles = 10\n", "", 1)
    );
    write(dir.path(), "cal.toml", &annotated);
    write(
        dir.path(),
        "serbia-kosovo.record.toml",
        &format!("# checked against the sources, 4 December\n{record}"),
    );
    let o = calibrate();
    succeeded(&o);
    assert!(
        !stderr(&o).contains("another calibration"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fingerprint(), first);
    // A changed value is another calibration: refused without --force, as before.
    write(
        dir.path(),
        "cal.toml",
        &annotated.replace("seed = 5", "seed = 6"),
    );
    let o = calibrate();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("another calibration"), "{}", stderr(&o));
}

/// `--out DIR` whose `state.json` is a directory: a fresh calibration is refused at `--out`
/// (exit 2, "a file calibrate writes"), `--resume` said only "cannot read ...: Is a
/// directory", unlocated. Now one message for both.
#[test]
fn a_state_that_is_a_directory_is_said_alike_fresh_and_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let record = root.join("scenarios/history/serbia-kosovo.record.toml");
    let cal = write(
        dir.path(),
        "cal.toml",
        &format!(
            "seed = 5\nparticles = 10\nmax_generations = 1\npredictive_draws = 5\n\
             statistics = [\"use_of_force\"]\ncases = [\"{}\"]\n[[parameter]]\npath = \"model.status_quo_value\"\n\
             range = [0.0, 1.0]\n",
            record.display()
        ),
    );
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("state.json")).unwrap();
    let said = |resume: bool| {
        let mut args = vec!["calibrate", cal.to_str().unwrap(), "--quiet", "--out"];
        args.push(out.to_str().unwrap());
        if resume {
            args.push("--resume");
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "resume {resume}");
        stderr(&o)
    };
    let fresh = said(false);
    let expected = format!(
        "--out:1:1: error: expected a file, found `{}`, a directory, a file calibrate writes",
        out.join("state.json").display()
    );
    assert!(fresh.starts_with(&expected), "{fresh}");
    assert_eq!(said(true), fresh);
}

/// An output named as a TOML file (`--report baseline.toml`, `--out other.toml`) was
/// written: a scenario file not read by the command was replaced by an HTML page, a table or
/// CSV rows (exit 0). deter writes no TOML but `deter init`'s template, so every output
/// option refuses a `.toml` name at its value, exit 2, the file untouched; `init` still
/// writes one.
#[test]
fn no_output_option_writes_over_a_toml_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = std::fs::read_to_string(root.join(BUNDLED)).unwrap();
    let a = write(dir.path(), "a.toml", &bundled);
    let other = write(dir.path(), "Other.TOML", &bundled);
    let sweep = write(
        dir.path(),
        "s.toml",
        "base = \"a.toml\"\nruns = 10\n[[parameter]]\npath = \"model.war_cost\"\n\
         role = \"lever\"\nvalues = [1, 2]\n",
    );
    let results = dir.path().join("g.csv");
    succeeded(&run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "-q",
        "--out",
        results.to_str().unwrap(),
    ]));
    let parts: Vec<String> = (0..2)
        .map(|k| {
            let p = dir.path().join(format!("p{k}.json"));
            succeeded(&run(&[
                "run",
                a.to_str().unwrap(),
                "--runs",
                "10",
                "-q",
                "--shard",
                &format!("{k}/2"),
                "--out",
                p.to_str().unwrap(),
            ]));
            p.to_str().unwrap().to_string()
        })
        .collect();
    let o = other.to_str().unwrap();
    let (a, sweep, results) = (
        a.to_str().unwrap(),
        sweep.to_str().unwrap(),
        results.to_str().unwrap(),
    );
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "--report",
            vec!["run", a, "--runs", "10", "-q", "--report", o],
        ),
        ("--out", vec!["run", a, "--runs", "10", "-q", "--out", o]),
        (
            "--per-run",
            vec!["run", a, "--runs", "10", "-q", "--per-run", o],
        ),
        (
            "--out",
            vec!["run", a, "--runs", "10", "-q", "--shard", "0/2", "--out", o],
        ),
        (
            "--out",
            vec!["compare", a, a, "--runs", "10", "-q", "--out", o],
        ),
        ("--out", vec!["sweep", sweep, "-q", "--out", o]),
        ("--report", vec!["robust", results, "--report", o]),
        ("--out", vec!["robust", results, "--out", o]),
        ("--out", vec!["merge", &parts[0], &parts[1], "--out", o]),
    ];
    for (flag, args) in &cases {
        let out = run(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with(&format!(
                "{flag}:1:1: error: expected a file that is no TOML input, found `{o}`, the \
                 name of a TOML file"
            )),
            "{args:?}: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(&other).unwrap(),
            bundled,
            "{args:?} wrote over it"
        );
    }
    let template = dir.path().join("new.toml");
    succeeded(&run(&["init", template.to_str().unwrap()]));
    assert!(template.is_file());
}

/// `deter compare A B --set X` gave a warning of the value both sides share twice, once per
/// side (`--set (for A: ...)` and `--set (for B: ...)`), word for word the same. Now once, as
/// `--set`; a warning that differs between the sides still names each.
#[test]
fn a_set_warning_both_sides_give_is_said_once() {
    let envoy = "scenarios/shea-special-envoy.toml";
    let o = run(&[
        "compare",
        BUNDLED,
        envoy,
        "--runs",
        "5",
        "--no-attribution",
        "--set",
        "power.USA.capability=9000000",
    ]);
    succeeded(&o);
    let err = stderr(&o);
    let warned: Vec<&str> = err.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(
        warned[0].starts_with("--set:1:22: warning: power.USA.capability: implausible currency"),
        "{err}"
    );
    // B's own --set-b: said for B alone.
    let o = run(&[
        "compare",
        BUNDLED,
        envoy,
        "--runs",
        "5",
        "--no-attribution",
        "--set-b",
        "power.USA.capability=9000000",
    ]);
    let err = stderr(&o);
    let warned: Vec<&str> = err.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(
        warned[0].starts_with(&format!("--set-b (for B: {envoy}):1:22: warning: ")),
        "{err}"
    );
}

/// A base whose power's capability is implausible (60000 among countries of a few units),
/// extended by an overlay that replaces the figure: the overlay was warned of the base's
/// figure, which it does not run. Now the base's warning is judged on the overlay's
/// scenario: left out where the overlay writes the figure (its own warning speaks if the
/// new one is implausible too), kept, at the base's figure, where the overlay keeps it.
#[test]
fn an_overlay_that_replaces_a_base_s_implausible_capability_is_not_warned_of_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "base.toml",
        &bundled_with("capability = 60.0", "capability = 60000.0"),
    );
    let overlay = |name: &str, extra: &str| {
        write(
            dir.path(),
            name,
            &format!("extends = \"base.toml\"\n[scenario]\nname = \"o\"\n{extra}"),
        )
    };
    let said = |f: &std::path::Path| {
        let o = run(&["validate", f.to_str().unwrap()]);
        succeeded(&o);
        let err = stderr(&o);
        err.lines()
            .filter(|l| l.contains("warning:") && l.contains("implausible currency"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let base = dir.path().join("base.toml");
    assert_eq!(said(&base).len(), 1, "the base alone is warned of");
    // Keeps the figure: the base's warning, at the base's figure.
    let keeps = overlay("keeps.toml", "");
    let kept = said(&keeps);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].contains("base.toml:"), "{kept:?}");
    assert!(kept[0].contains("60000 is"), "{kept:?}");
    // Replaces it with a plausible figure: nothing.
    let plausible = overlay(
        "plausible.toml",
        "[[power]]\nid = \"USA\"\ncapability = 60.0\n",
    );
    assert_eq!(said(&plausible), Vec::<String>::new());
    // Replaces it with another implausible one: the overlay's own warning alone.
    let other = overlay(
        "other.toml",
        "[[power]]\nid = \"USA\"\ncapability = 90000.0\n",
    );
    let own = said(&other);
    assert_eq!(own.len(), 1, "{own:?}");
    assert!(
        own[0].contains("other.toml:") && own[0].contains("90000 is"),
        "{own:?}"
    );
}

/// Trial 16 (a policy student): a run over uncertain parameters dropped "which level deters"
/// without a word (`deter run` and `deter compare` give it by default); the table now says
/// it is not computed there, and where it is.
#[test]
fn a_nested_run_says_it_has_no_attribution() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let f = write(
        dir.path(),
        "unc.toml",
        &format!(
            "extends = \"{}\"\n[[uncertain]]\npath = \"deployment.KFOR.capability\"\n\
             range = [1.5, 3.0]\n",
            root.join(BUNDLED).display()
        ),
    );
    let said = "Which level deters: not computed over uncertain parameters";
    let o = run(&["run", f.to_str().unwrap(), "--draws", "3", "--runs", "20"]);
    succeeded(&o);
    assert!(stdout(&o).contains(said), "{}", stdout(&o));
    let o = run(&[
        "compare",
        f.to_str().unwrap(),
        f.to_str().unwrap(),
        "--draws",
        "3",
        "--runs",
        "20",
    ]);
    succeeded(&o);
    assert!(stdout(&o).contains(said), "{}", stdout(&o));
    // A plain run has the attribution, and no such line.
    let o = run(&["run", BUNDLED, "--runs", "20"]);
    assert!(!stdout(&o).contains(said));
    assert!(stdout(&o).contains("Which level deters: Shapley attribution"));
}

/// Trial 16: the comparison's footnote called every interval "Monte Carlo 95% interval
/// (Wilson)", beside the Newcombe intervals of differences it had just named; and the
/// attribution's counterfactual said monitoring is removed "in every crisis", though its
/// removal also raises the rate of non-state incidents, and so the crises they open.
#[test]
fn the_comparison_s_footnote_and_the_counterfactual_say_what_they_compute() {
    let o = run(&[
        "compare",
        BUNDLED,
        "scenarios/shea-special-envoy.toml",
        "--runs",
        "50",
        "--no-attribution",
    ]);
    succeeded(&o);
    let table = stdout(&o);
    let footnote = table
        .lines()
        .find(|l| l.starts_with("MC 95%: "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(!footnote.contains("Wilson"), "{footnote}");
    assert!(footnote.contains("of the difference"), "{footnote}");
    let o = run(&["run", BUNDLED, "--runs", "20"]);
    let table = stdout(&o);
    assert!(
        table.contains(
            "international monitoring (also where it lowers the rate of non-state incidents, so \
             the political share includes the crises those incidents open)"
        ),
        "{table}"
    );
}

/// Trial 16: `compare A B --set PATH=V` with a path only B has (B's policy) was refused for
/// A with the generic list of path forms; the help now says that --set sets both sides and
/// --set-b sets B alone.
#[test]
fn a_set_path_only_b_has_points_to_set_b() {
    let o = run(&[
        "compare",
        BUNDLED,
        "scenarios/shea-special-envoy.toml",
        "--runs",
        "20",
        "--set",
        "policy.special-envoy.enabled=false",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "help: `policy.special-envoy.enabled` is a parameter of B \
             (`scenarios/shea-special-envoy.toml`) only, and --set sets both sides: use \
             --set-b to set it on B alone"
        ),
        "{err}"
    );
    // As told: it runs.
    let o = run(&[
        "compare",
        BUNDLED,
        "scenarios/shea-special-envoy.toml",
        "--runs",
        "20",
        "--set-b",
        "policy.special-envoy.enabled=false",
    ]);
    succeeded(&o);
}

/// Trial 16: `--set policy.ID.start=2027-07`, the month as every file and output writes it,
/// was refused (only the decimal year 2027.5 was taken), and the what-ifs line showed
/// "2027.5 (file: 2026)". The month is taken now, as its decimal year (the same runs), and
/// the line shows months.
#[test]
fn a_policy_start_is_set_by_its_month() {
    let envoy = "scenarios/shea-special-envoy.toml";
    let json = |value: &str| {
        let o = run(&[
            "run",
            envoy,
            "--runs",
            "200",
            "--no-attribution",
            "--format",
            "json",
            "--set",
            &format!("policy.special-envoy.start={value}"),
        ]);
        succeeded(&o);
        let mut v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v.as_object_mut().unwrap().remove("timing");
        v
    };
    let by_month = json("2027-07");
    assert_eq!(by_month, json("2027.5"));
    assert_eq!(by_month["overrides"][0]["value"], 2027.5);
    let o = run(&[
        "run",
        envoy,
        "--runs",
        "20",
        "--no-attribution",
        "--set",
        "policy.special-envoy.start=2027-07",
    ]);
    assert!(
        stdout(&o)
            .contains("What-ifs (--set): policy.special-envoy.start = 2027-07 (file: 2026-01)"),
        "{}",
        stdout(&o)
    );
    // Not a month: refused as before; a month on a path that is no date is no number.
    for (set, said) in [
        (
            "policy.special-envoy.start=2027-13",
            "expected a decimal year",
        ),
        ("model.war_cost=2027-07", "expected a number"),
    ] {
        let o = run(&["run", envoy, "--runs", "20", "--set", set]);
        assert_eq!(o.status.code(), Some(2), "{set}");
        assert!(stderr(&o).contains(said), "{set}: {}", stderr(&o));
    }
}

/// The share a table prints for `p` is true to it: "100.0" only for 1, "0.0" only for 0,
/// ">99.9" and "<0.1" for what rounds to either without being it, and otherwise `p` in
/// percent rounded to one decimal (recomputed here from the JSON's value).
fn printed_share_is_true_to(printed: &str, p: f64) -> bool {
    match printed {
        ">99.9" => p > 0.999 && p < 1.0,
        "<0.1" => p > 0.0 && p < 0.001,
        "100.0" => p == 1.0,
        "0.0" => p == 0.0,
        text => text
            .parse::<f64>()
            .is_ok_and(|v| (v - 100.0 * p).abs() <= 0.05 + 1e-9 && v > 0.0 && v < 100.0),
    }
}

/// Trial 16: a probability of 0.9996 printed "100.0%", which says the event happened in
/// every run. Reading fixed before measuring: the baseline over 8 years, 10,000 runs, has
/// crisis opportunities in 0.9996 of its runs (read from its JSON; Wilson interval 0.9990 to
/// 0.9998), and the table, the page and a comparison's table print every outcome's share,
/// and the table the ends of its interval, true to the JSON's values.
#[test]
fn a_share_that_is_not_one_never_prints_as_a_hundred_percent() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("run.html");
    let common_args = [
        "--runs",
        "10000",
        "--horizon-years",
        "8",
        "--no-attribution",
    ];
    let json = run(&[&["run", BUNDLED, "--format", "json"][..], &common_args].concat());
    succeeded(&json);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let outcomes = v["outcomes"].as_object().unwrap();
    let p_crisis = outcomes["crisis"]["p"].as_f64().unwrap();
    assert!(
        p_crisis > 0.9995 && p_crisis < 1.0,
        "the reading needs a share that rounds to 100.0: {p_crisis}"
    );
    let table = run(&[
        &["run", BUNDLED, "--report", page.to_str().unwrap()][..],
        &common_args,
    ]
    .concat());
    succeeded(&table);
    let text = stdout(&table);
    let labels = [
        ("threat", "threat (MID level >= 2)"),
        ("display", "display of force (MID >= 3)"),
        ("use_of_force", "use of force (MID >= 4)"),
        ("war", "war (MID 5)"),
        ("non_state_incident", "non-state violence (not MID)"),
        ("crisis", "any crisis opportunity (context)"),
        ("deterrence_held", "deterrence held (no force)"),
    ];
    for (key, label) in labels {
        let p = outcomes[key]["p"].as_f64().unwrap();
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no row {label}:\n{text}"));
        let printed = line[line.find(label).unwrap() + label.len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches('%');
        assert!(
            printed_share_is_true_to(printed, p),
            "{key}: printed {printed}% for {p}:\n{line}"
        );
        // The ends of its Monte Carlo interval, "[ 99.9%, >99.9%]", are shares too.
        let bracket = &line[line.find('[').unwrap() + 1..line.find(']').unwrap()];
        let ends: Vec<&str> = bracket
            .split(',')
            .map(|e| e.trim().trim_end_matches('%'))
            .collect();
        for (end, k) in ends.iter().zip(["mc95_lo", "mc95_hi"]) {
            let x = outcomes[key][k].as_f64().unwrap();
            assert!(
                printed_share_is_true_to(end, x),
                "{key}: {k} printed {end}% for {x}:\n{line}"
            );
        }
    }
    // The page: the cell whose data-v is the crisis share shows it as the table does.
    let html = std::fs::read_to_string(&page).unwrap();
    let at = html
        .find("outcomes/crisis/p")
        .expect("the page has the crisis share's cell");
    let cell = &html[at..at + html[at..].find("</td>").unwrap()];
    let shown = &cell[cell.rfind('>').unwrap() + 1..];
    assert_eq!(shown.replace("&gt;", ">"), ">99.9%", "{cell}");
    // A comparison of the scenario with itself prints P(A) and P(B) alike.
    let compare = run(&[&["compare", BUNDLED, BUNDLED][..], &common_args].concat());
    succeeded(&compare);
    let text = stdout(&compare);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("any crisis opportunity"))
        .unwrap_or_else(|| panic!("no crisis row:\n{text}"));
    assert_eq!(
        line.matches(">99.9%").count(),
        2,
        "P(A) and P(B) of {p_crisis}:\n{line}"
    );
}

/// Review: `--set country.SRB.military.capability=30` listed "(file: 6.875)", but the file
/// writes no capability for Serbia: the 6.875 is derived from its budget. Now the table and
/// the page say "derived in the file", at the value the JSON's `replaced` gives; a value the
/// file writes (a power's capability) stays "(file: ...)".
#[test]
fn a_what_if_over_a_derived_value_says_it_was_derived() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join(BUNDLED)).unwrap()).unwrap();
    let serbia = doc["country"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_str() == Some("SRB"))
        .unwrap();
    assert!(
        serbia["military"].get("capability").is_none(),
        "the reading needs a capability the file derives"
    );
    let usa = doc["power"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_str() == Some("USA"))
        .unwrap();
    let usa_capability = usa["capability"].as_float().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("c.html");
    let sets = [
        "--set-b",
        "country.SRB.military.capability=30",
        "--set-b",
        "power.USA.capability=50",
        "--runs",
        "20",
        "--horizon-years",
        "1",
        "--no-attribution",
    ];
    let json = run(&[
        &["compare", BUNDLED, BUNDLED, "--format", "json"][..],
        &sets,
    ]
    .concat());
    succeeded(&json);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let overrides = v["b"]["overrides"]
        .as_array()
        .unwrap_or_else(|| panic!("B's overrides: {v}"));
    let derived = overrides[0]["replaced"].as_f64().unwrap();
    assert_eq!(overrides[1]["replaced"].as_f64(), Some(usa_capability));
    let o = run(&[
        &[
            "compare",
            BUNDLED,
            BUNDLED,
            "--report",
            page.to_str().unwrap(),
        ][..],
        &sets,
    ]
    .concat());
    succeeded(&o);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.starts_with("B what-ifs"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains(&format!(
            "country.SRB.military.capability = 30 (derived in the file: {derived})"
        )),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "power.USA.capability = 50 (file: {usa_capability})"
        )),
        "{line}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    // Every what-ifs note of the page (its header and B's side) says it alike.
    let listed = html
        .matches("<code>country.SRB.military.capability</code> = ")
        .count();
    assert!(listed >= 1, "the page lists the what-if");
    assert_eq!(
        html.matches("(derived in the file: ").count(),
        listed,
        "the page's what-ifs"
    );
}

/// Review: a calibration resumed after both a setting (`max_generations`) and something
/// else (a prior's range) changed named only the setting, so setting it back was refused
/// again with no word of why. Now a last fault says the calibration differs besides its
/// settings; when only the setting changed, it is not said.
#[test]
fn a_resume_refused_for_more_than_its_settings_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let history = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let text = |generations: u32, high: &str| {
        format!(
            "seed = 5\nparticles = 20\nmax_generations = {generations}\npredictive_draws = 5\n\
             statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\"]\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, {high}]\n",
            history.join("serbia-kosovo.record.toml").display()
        )
    };
    let f = write(dir.path(), "c.toml", &text(2, "3.0"));
    let out = dir.path().join("cal");
    let (f_s, out_s) = (f.to_str().unwrap(), out.to_str().unwrap());
    succeeded(&run(&["calibrate", f_s, "--out", out_s, "-q"]));
    let resume = || run(&["calibrate", f_s, "--out", out_s, "-q", "--resume"]);
    let besides = "differs besides its settings too";
    // The setting alone: one fault, at the key.
    std::fs::write(&f, text(3, "3.0")).unwrap();
    let o = resume();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("expected `max_generations` = 2"), "{err}");
    assert!(!err.contains(besides), "{err}");
    assert!(err.trim_end().ends_with("1 error found"), "{err}");
    // The setting and a prior's range: both said.
    std::fs::write(&f, text(3, "2.5")).unwrap();
    let o = resume();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("expected `max_generations` = 2"), "{err}");
    assert!(
        err.contains(&format!(
            "{}: error: the calibration in `{}` {besides}",
            f.display(),
            out.join("state.json").display()
        )),
        "{err}"
    );
    assert!(err.trim_end().ends_with("2 errors found"), "{err}");
    // Setting it back alone is still refused, as the fault said, and without settings.
    std::fs::write(&f, text(2, "2.5")).unwrap();
    let o = resume();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("another calibration"), "{}", stderr(&o));
    // The files it started with resume it.
    std::fs::write(&f, text(2, "3.0")).unwrap();
    succeeded(&resume());
}

/// Trial 18: three faults said in other words than their siblings. A country whose id is a
/// power's was refused without the power's line, where a duplicate id shows its first
/// definition; an overlay's invalid base was named without the path it resolved to, where a
/// sweep's base, a record's scenario and a calibration's cases give it; a sweep's empty
/// `values` said "`values` is empty" with no help, where an empty `cases` or `statistics`
/// says what to name.
#[test]
fn a_fault_is_said_as_its_siblings_say_it() {
    let dir = tempfile::tempdir().unwrap();
    let bundled =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BUNDLED))
            .unwrap();
    // A country with a power's id: the power's definition shown, as a duplicate's.
    let clash = write(
        dir.path(),
        "clash.toml",
        &bundled.replacen("id = \"MNE\"", "id = \"USA\"", 1),
    );
    let power_line = bundled
        .lines()
        .position(|l| l.starts_with("id = \"USA\""))
        .unwrap()
        + 1;
    let o = run(&["validate", clash.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "`USA` is already the id of a power (first defined on line {power_line})"
        )),
        "{err}"
    );
    assert!(err.contains("first defined here"), "{err}");
    // An overlay whose base is not valid: the base named with where it was found.
    write(dir.path(), "empty.toml", "");
    let overlay = write(dir.path(), "ov.toml", "extends = \"empty.toml\"\n");
    let o = run(&["validate", overlay.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "the base scenario `empty.toml` (at `{}`) is not valid (see below)",
            dir.path().join("empty.toml").display()
        )),
        "{err}"
    );
    // A sweep's empty `values`: what to name, with the parameter's range.
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BUNDLED);
    let sweep = write(
        dir.path(),
        "sv.grid",
        &format!(
            "base = \"{}\"\nruns = 5\ndesign = \"grid\"\n[[parameter]]\npath = \"model.war_cost\"\n\
             role = \"uncertainty\"\nvalues = []\n",
            base.display()
        ),
    );
    let o = run(&["validate", sweep.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("parameter[0].values: name at least one value"),
        "{err}"
    );
    assert!(
        err.contains(
            "help: `values = [...]`: the values of `model.war_cost` to take, each a number in"
        ),
        "{err}"
    );
}

/// Review: the per-run rows (`--per-run`) had no column for non-state incidents or the
/// record's other counts, so "non-state violence 98.9%" and the yearly counts could not be
/// recomputed from them. Each row now ends with the run's count of each kind (docs/OUTPUT.md):
/// the share of rows with an incident is the reported probability, each column's mean over
/// the rows is the sum over the years of the yearly count's mean, and a row's highest level
/// agrees with its counts.
#[test]
fn the_per_run_rows_carry_the_runs_counts() {
    let dir = tempfile::tempdir().unwrap();
    let rows_path = dir.path().join("rows.csv");
    let json_path = dir.path().join("run.json");
    succeeded(&run(&[
        "run",
        BUNDLED,
        "--runs",
        "600",
        "--no-attribution",
        "--format",
        "json",
        "--quiet",
        "--per-run",
        rows_path.to_str().unwrap(),
        "--out",
        json_path.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&rows_path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let kinds = [
        "crisis_triggers",
        "threats",
        "displays",
        "uses_of_force",
        "wars",
        "non_state_incidents",
        "target_triggers",
    ];
    assert_eq!(
        &header[header.len() - kinds.len()..],
        &kinds[..],
        "{header:?}"
    );
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 600);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let n = rows.len() as f64;
    let count = |r: &Vec<&str>, k: &str| r[col(k)].parse::<u64>().unwrap();
    let with_incident = rows
        .iter()
        .filter(|r| count(r, "non_state_incidents") > 0)
        .count() as f64;
    assert_eq!(
        with_incident / n,
        v["outcomes"]["non_state_incident"]["p"].as_f64().unwrap()
    );
    for k in kinds {
        let mean = rows.iter().map(|r| count(r, k)).sum::<u64>() as f64 / n;
        let yearly: f64 = v["yearly"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y["counts"][k]["mean"].as_f64().unwrap())
            .sum();
        assert!(
            (mean - yearly).abs() < 1e-9,
            "{k}: rows {mean}, yearly {yearly}"
        );
    }
    for r in &rows {
        // Each crisis opportunity is one trigger (docs/OUTPUT.md).
        assert_eq!(r[col("crisis_triggers")], r[col("crises")], "{r:?}");
        let level: u8 = r[col("max_level")].parse().unwrap();
        let highest = [
            ("wars", 5),
            ("uses_of_force", 4),
            ("displays", 3),
            ("threats", 2),
        ]
        .into_iter()
        .find(|(k, _)| count(r, k) > 0)
        .map_or(0, |(_, l)| l);
        if level >= 2 {
            assert_eq!(highest, level, "{r:?}");
        } else {
            assert_eq!(highest, 0, "{r:?}");
        }
    }
}

/// Review: a calibration refused at `--resume` (or at a fresh start without --force) because
/// a record, a case scenario or a fixed value changed said only "another calibration (its
/// file, a record or case scenario, or the fixed values of `set` and --set), seed or engine
/// version", so the user had to find which of a dozen files they had touched. The state now
/// records each part's fingerprint, and the refusal names the part that differs; a state
/// without them (an older deter's) is refused in the general words as before.
#[test]
fn a_refused_calibration_names_the_part_that_differs() {
    let dir = tempfile::tempdir().unwrap();
    let history = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let record = std::fs::read_to_string(history.join("serbia-kosovo.record.toml")).unwrap();
    let scenario = std::fs::read_to_string(history.join("serbia-kosovo-2008.toml")).unwrap();
    write(dir.path(), "serbia-kosovo.record.toml", &record);
    write(dir.path(), "serbia-kosovo-2008.toml", &scenario);
    let f = write(
        dir.path(),
        "c.toml",
        "seed = 5\nparticles = 20\nmax_generations = 2\npredictive_draws = 5\n\
         statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
         cases = [\"serbia-kosovo.record.toml\"]\n[[parameter]]\npath = \"model.war_cost\"\n\
         range = [0.1, 3.0]\n",
    );
    let out = dir.path().join("cal");
    let (f_s, out_s) = (f.to_str().unwrap(), out.to_str().unwrap());
    succeeded(&run(&["calibrate", f_s, "--out", out_s, "-q"]));
    let refused = |more: &[&str]| {
        let mut args = vec!["calibrate", f_s, "--out", out_s, "-q"];
        args.extend(more);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{more:?}: {}", stderr(&o));
        stderr(&o)
    };
    let record_part = "the record of case `serbia-kosovo`";
    let scenario_part = "the scenario of case `serbia-kosovo`";
    let fixed_part = "the fixed values of `set` and --set";
    // A record edited (a coding's certainty): named, alone, at --resume and at a fresh start.
    let edited = record.replacen("certainty = \"high\"", "certainty = \"medium\"", 1);
    assert_ne!(edited, record);
    write(dir.path(), "serbia-kosovo.record.toml", &edited);
    let err = refused(&["--resume"]);
    assert!(
        err.contains(&format!("(it differs in {record_part})")),
        "{err}"
    );
    let err = refused(&[]);
    assert!(
        err.contains(&format!(
            "is not this calibration's: it differs in {record_part})"
        )),
        "{err}"
    );
    write(dir.path(), "serbia-kosovo.record.toml", &record);
    // The case scenario edited: named, and not the record.
    let scenario_edited = scenario.replacen("stakes = 1.0", "stakes = 0.9", 1);
    assert_ne!(scenario_edited, scenario);
    write(dir.path(), "serbia-kosovo-2008.toml", &scenario_edited);
    let err = refused(&["--resume"]);
    assert!(
        err.contains(&format!("(it differs in {scenario_part})")),
        "{err}"
    );
    write(dir.path(), "serbia-kosovo-2008.toml", &scenario);
    // A fixed value: named; the scenario, which takes it, is not named beside it.
    let err = refused(&["--resume", "--set", "model.war_uncertainty=2"]);
    assert!(
        err.contains(&format!("(it differs in {fixed_part})")),
        "{err}"
    );
    assert!(!err.contains(scenario_part), "{err}");
    // A setting and the record: the setting at its key, the record in the last fault.
    std::fs::write(
        &f,
        std::fs::read_to_string(&f)
            .unwrap()
            .replace("seed = 5", "seed = 6"),
    )
    .unwrap();
    write(dir.path(), "serbia-kosovo.record.toml", &edited);
    let err = refused(&["--resume"]);
    assert!(err.contains("expected `seed` = 5"), "{err}");
    assert!(
        err.contains(&format!(
            "differs besides its settings too (in {record_part})"
        )),
        "{err}"
    );
    // A state that records no parts (an older deter's): the general words.
    std::fs::write(
        &f,
        std::fs::read_to_string(&f)
            .unwrap()
            .replace("seed = 6", "seed = 5"),
    )
    .unwrap();
    let state = out.join("state.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("inputs");
    std::fs::write(&state, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let err = refused(&["--resume"]);
    assert!(
        err.contains(
            "the state belongs to another calibration (its file, a record or case scenario"
        ),
        "{err}"
    );
    assert!(!err.contains(record_part), "{err}");
    // The files it started with resume it.
    write(dir.path(), "serbia-kosovo.record.toml", &record);
    succeeded(&run(&["calibrate", f_s, "--out", out_s, "-q", "--resume"]));
}

/// Review: `deter merge p0.json p0.json` said "error: `p0.json` (shard 0 of 2) is given
/// twice" with no place, where `deter run a a --format csv` locates a file given twice at
/// the argument. Now merge does too, before any part is read, and a hard link of a part is
/// the same file under another name.
#[test]
fn a_partial_file_given_twice_is_refused_at_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let p0 = dir.path().join("p0.json");
    let p0_str = p0.to_str().unwrap();
    succeeded(&run(&[
        "run",
        BUNDLED,
        "--runs",
        "40",
        "--horizon-years",
        "1",
        "--no-attribution",
        "--shard",
        "0/2",
        "--out",
        p0_str,
        "--quiet",
    ]));
    let o = run(&["merge", p0_str, p0_str]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "PART:1:1: error: expected each partial file once, found `{p0_str}` given twice\n"
        )),
        "{err}"
    );
    assert!(
        err.contains("help: give each shard's partial file once"),
        "{err}"
    );
    let link = dir.path().join("link.json");
    std::fs::hard_link(&p0, &link).unwrap();
    let o = run(&["merge", p0_str, link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "found `{}` given twice (as `{p0_str}` before it)",
            link.display()
        )),
        "{err}"
    );
}
