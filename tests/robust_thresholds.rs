//! `deter robust` ranks policies on objectives only (the crisis opportunity is context), and
//! recomputes the sweep's own table from its results: the sweep file's `satisficing`
//! thresholds travel with the results (in the record beside them), or the output says
//! there are none.

mod common;
use common::{refused, root, stderr_says, succeeded, write};

/// A small levers x futures sweep with satisficing thresholds, run into `dir`: the results'
/// path.
fn swept(dir: &std::path::Path) -> std::path::PathBuf {
    let base = root().join("scenarios/western-balkans-2024.toml");
    let envoy = root().join("scenarios/shea-special-envoy.toml");
    let text = format!(
        "base = \"{}\"\nruns = 30\nseed = 3\ndesign = \"lhs\"\npoints = 4\n\
         satisficing = {{ use_of_force = 0.3, war = 0.05 }}\n\
         [[policy]]\nid = \"baseline\"\n[[policy]]\nid = \"envoy\"\nfile = \"{}\"\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.4, 1.6]\n",
        base.display(),
        envoy.display()
    );
    let s = write(dir, "lxf.toml", &text);
    let out = dir.join("lxf.csv");
    let o = common::run(&[
        "sweep",
        &s.display().to_string(),
        "--out",
        &out.display().to_string(),
        "-q",
    ]);
    succeeded(&o);
    out
}

/// The CSV rows' (outcome, policy, threshold, satisficing) cells.
fn satisficing_cells(csv: &str) -> Vec<(String, String, String, String)> {
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let (o, p, t, s) = (
        col("outcome"),
        col("policy"),
        col("threshold"),
        col("satisficing"),
    );
    lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[o].into(), c[p].into(), c[t].into(), c[s].into())
        })
        .collect()
}

#[test]
fn robust_without_threshold_recomputes_the_sweeps_own_satisficing_table() {
    let dir = tempfile::tempdir().unwrap();
    let results = swept(dir.path());
    let sweep_table = std::fs::read_to_string(dir.path().join("lxf.robustness.csv")).unwrap();
    let out = dir.path().join("again.csv");
    let o = common::run(&[
        "robust",
        &results.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    succeeded(&o);
    let again = std::fs::read_to_string(&out).unwrap();
    let cells = satisficing_cells(&again);
    assert_eq!(cells, satisficing_cells(&sweep_table));
    // The sweep's thresholds are there (not empty cells), for the outcomes it named.
    assert!(
        cells
            .iter()
            .any(|(o, _, t, s)| o == "use_of_force" && t == "0.3" && !s.is_empty()),
        "{again}"
    );
    assert!(
        cells.iter().any(|(o, _, t, _)| o == "war" && t == "0.05"),
        "{again}"
    );
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(
        table.contains("Satisficing thresholds: the sweep file's"),
        "{table}"
    );
    // --threshold replaces them, and says so.
    let o = common::run(&[
        "robust",
        &results.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--threshold",
        "war=0.2",
    ]);
    succeeded(&o);
    let cells = satisficing_cells(&std::fs::read_to_string(&out).unwrap());
    assert!(
        cells
            .iter()
            .all(|(o, _, t, _)| (o == "war") != t.is_empty())
    );
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .contains("from --threshold")
    );
    // Results copied without their record: no thresholds, and the output says why.
    let copy = dir.path().join("copy.csv");
    std::fs::copy(&results, &copy).unwrap();
    let o = common::run(&[
        "robust",
        &copy.display().to_string(),
        "--out",
        &dir.path().join("c.csv").display().to_string(),
    ]);
    succeeded(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("No satisficing share"), "{text}");
    assert!(text.contains("--threshold OUTCOME=VALUE"), "{text}");
}

#[test]
fn the_crisis_opportunity_is_context_and_never_ranked() {
    let dir = tempfile::tempdir().unwrap();
    let results = swept(dir.path());
    let sweep_table = std::fs::read_to_string(dir.path().join("lxf.robustness.csv")).unwrap();
    let out = dir.path().join("r.csv");
    let o = common::run(&[
        "robust",
        &results.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    succeeded(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.contains("crisis (lower is better)"), "{text}");
    assert!(text.contains("Not ranked: `crisis`"), "{text}");
    for csv in [std::fs::read_to_string(&out).unwrap(), sweep_table] {
        assert!(!csv.lines().any(|l| l.starts_with("crisis,")), "{csv}");
        assert!(csv.lines().any(|l| l.starts_with("use_of_force,")), "{csv}");
    }
    // A threshold for it would never be used: refused, in robust and in a sweep file.
    let o = common::run(&[
        "robust",
        &results.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--threshold",
        "crisis=0.5",
    ]);
    refused(&o);
    // Located at the name in the flag's text, as an unknown outcome is.
    stderr_says(&o, "--threshold:1:1: error: `crisis` is context");
    stderr_says(&o, "1 | crisis=0.5");
    stderr_says(&o, "1 error found");
    let s = dir.path().join("lxf.toml");
    let text = std::fs::read_to_string(&s)
        .unwrap()
        .replace("war = 0.05", "crisis = 0.5");
    std::fs::write(&s, text).unwrap();
    let v = common::run(&["validate", &s.display().to_string()]);
    refused(&v);
    stderr_says(&v, "`crisis` is context");
}

/// Results given as a pipe (`deter robust <(cat RESULTS.csv)`, here the test's stdin as
/// `/proc/self/fd/0`): the default table beside the results has no directory to go to, so
/// the refusal says the input is a pipe and asks for --out (it said "cannot write to
/// directory `/proc/self/fd`"); with --out the pipe is read and the table written
/// (the sweep's own, its thresholds given).
#[cfg(target_os = "linux")]
#[test]
fn robust_on_a_pipe_asks_for_out_instead_of_naming_the_pipes_directory() {
    let dir = tempfile::tempdir().unwrap();
    let results = swept(dir.path());
    let text = std::fs::read(&results).unwrap();
    let o = common::deter()
        .args(["robust", "/proc/self/fd/0"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let err = refused(&o);
    assert!(
        err.contains(
            "`/proc/self/fd/0` is not a regular file (a pipe, `<(...)` or a device), so there \
             is no directory beside it"
        ) && err.contains("give --out PATH")
            && !err.contains("cannot write to directory"),
        "{err}"
    );
    let out = dir.path().join("piped.csv");
    let o = common::deter()
        .args([
            "robust",
            "/proc/self/fd/0",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        // A pipe has no sweep record beside it: the sweep's own thresholds, given.
        .args(["--threshold", "use_of_force=0.3", "--threshold", "war=0.05"])
        .write_stdin(text)
        .output()
        .unwrap();
    succeeded(&o);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(dir.path().join("lxf.robustness.csv")).unwrap()
    );
}

/// The table `deter sweep` prints after a levers x futures sweep says where its satisficing
/// thresholds came from and what the satisficing column counts (futures, not runs), as
/// `deter robust` does for the same table; without thresholds, that there are none.
#[test]
fn the_sweeps_own_robustness_table_says_its_thresholds_and_what_satisficing_counts() {
    let dir = tempfile::tempdir().unwrap();
    let base = root().join("scenarios/western-balkans-2024.toml");
    let envoy = root().join("scenarios/shea-special-envoy.toml");
    let sweep = |name: &str, satisficing: &str| {
        let text = format!(
            "base = \"{}\"\nruns = 20\nseed = 3\ndesign = \"lhs\"\npoints = 3\n{satisficing}\n\
             [[policy]]\nid = \"baseline\"\n[[policy]]\nid = \"envoy\"\nfile = \"{}\"\n\
             [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.4, 1.6]\n",
            base.display(),
            envoy.display()
        );
        let s = write(dir.path(), &format!("{name}.toml"), &text);
        let out = dir.path().join(format!("{name}.csv"));
        let o = common::run(&[
            "sweep",
            &s.display().to_string(),
            "--out",
            &out.display().to_string(),
        ]);
        succeeded(&o);
        (String::from_utf8(o.stdout).unwrap(), out)
    };
    let (table, results) = sweep("with", "satisficing = { use_of_force = 0.3, war = 0.05 }");
    assert!(
        table.contains("Satisficing thresholds: the sweep file's (use_of_force = 0.3, war = 0.05)"),
        "{table}"
    );
    let counts = "is the share of futures in which the policy's probability meets the threshold";
    assert!(table.contains(counts), "{table}");
    // The page says it too, of its satisficing column.
    let page = std::fs::read_to_string(dir.path().join("with.robustness.html")).unwrap();
    assert!(
        page.contains("Satisficing: the satisficing column (its threshold in brackets) is the share of futures"),
        "the page"
    );
    let o = common::run(&[
        "robust",
        &results.display().to_string(),
        "--out",
        &dir.path().join("again.csv").display().to_string(),
    ]);
    succeeded(&o);
    assert!(String::from_utf8(o.stdout).unwrap().contains(counts));
    let (table, _) = sweep("without", "");
    assert!(table.contains("No satisficing share"), "{table}");
    assert!(!table.contains(counts), "{table}");
}
