//! `deter sweep FILE --report PAGE.html --plots DIR`: the sweep report's structure, its
//! standalone SVGs, and its layout in headless Chromium (no horizontal scrolling at 1280 px).
//!
//! The browser test needs `chromium` (Debian's package; `.ci/run` installs and requires it).
//! Without chromium on PATH when the tests are built, build.rs leaves
//! `cfg(deter_has_chromium)` unset and the test shows as ignored with the reason (it
//! printed `ok` when skipped).

use std::path::{Path, PathBuf};

mod common;
use common::{deter, write};

const GRID: &str = "scenarios/sweeps/kosovo-budget-x-nato.toml";
const OUTCOMES: [&str; 7] = [
    "crisis",
    "threat",
    "display",
    "use_of_force",
    "war",
    "deterrence_held",
    "non_state_incident",
];

fn sweep_report(file: &Path, dir: &Path) -> (String, PathBuf) {
    let html = dir.join("sweep.html");
    let plots = dir.join("plots");
    deter()
        .args(["sweep", file.to_str().unwrap(), "--quiet", "--threads", "2"])
        .arg("--out")
        .arg(dir.join("results.csv"))
        .arg("--report")
        .arg(&html)
        .arg("--plots")
        .arg(&plots)
        .assert()
        .success();
    (std::fs::read_to_string(&html).unwrap(), plots)
}

fn figure_ids(html: &str) -> Vec<String> {
    html.split("<figure id=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

/// A small Saltelli sweep over two parameters of the baseline.
fn saltelli_file(dir: &Path) -> PathBuf {
    let base = std::fs::canonicalize("scenarios/western-balkans-2024.toml").unwrap();
    let text = format!(
        "base = {:?}\nruns = 300\nseed = 3\ndesign = \"saltelli\"\npoints = 8\n\
         common_random_numbers = true\n\n[[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\n\
         role = \"lever\"\nrange = [0.2, 0.9]\n\n[[parameter]]\npath = \"alliance.NATO.reliability\"\n\
         role = \"uncertainty\"\nrange = [0.5, 0.9]\n",
        base.display().to_string()
    );
    write(dir, "saltelli.toml", &text)
}

#[test]
fn grid_report_has_the_design_a_heatmap_and_a_scatter_per_outcome_and_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let (html, plots) = sweep_report(Path::new(GRID), dir.path());
    for section in ["how-to-read", "design", "outcomes"] {
        assert!(
            html.contains(&format!("<section id=\"{section}\"")),
            "{section}"
        );
    }
    assert!(
        !html.contains("<section id=\"sensitivity\""),
        "no indices for a grid"
    );
    // The design table lists both parameters with their values.
    assert!(html.contains(
        "<td>country.XKX.military.budget</td><td>lever</td><td>values 0.162, 0.22, 0.33, 0.55</td>"
    ));
    assert!(html.contains("<td>deployment.KFOR.reliability</td><td>uncertainty</td>"));
    let ids = figure_ids(&html);
    let mut expected = Vec::new();
    for o in OUTCOMES {
        expected.push(format!("outcome-{o}-grid"));
        expected.push(format!("outcome-{o}-vs-country_XKX_military_budget"));
        expected.push(format!("outcome-{o}-vs-deployment_KFOR_reliability"));
    }
    assert_eq!(ids, expected);
    // Intervals say what they measure; a grid cell shows its percentage.
    assert!(html.contains("whiskers: Monte Carlo 95% interval (more runs narrow it; it says nothing about the model's assumptions)"));
    assert!(html.contains("over the horizon"));
    // --plots: one standalone SVG per figure, the same chart as in the page.
    let mut files: Vec<String> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = ids.iter().map(|i| format!("{i}.svg")).collect();
    want.sort();
    assert_eq!(files, want);
    for f in &files {
        let svg = std::fs::read_to_string(plots.join(f)).unwrap();
        assert!(svg.starts_with("<svg"), "{f}");
        assert!(html.contains(&svg), "{f} is the chart of the page");
    }
}

#[test]
fn saltelli_report_ranks_the_sobol_indices_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let file = saltelli_file(dir.path());
    let (html, _) = sweep_report(&file, dir.path());
    assert!(html.contains("<section id=\"sensitivity\""));
    let ids = figure_ids(&html);
    let sens: Vec<&String> = ids
        .iter()
        .filter(|i| i.starts_with("sensitivity-"))
        .collect();
    assert_eq!(sens.len(), deter::outputs::N_EVENTS);
    assert!(html.contains("ranked by total order ST (bars, with 95% bootstrap intervals)"));
    // No heatmap: not a grid; one scatter per outcome and parameter.
    assert_eq!(ids.iter().filter(|i| i.ends_with("-grid")).count(), 0);
    assert_eq!(
        ids.iter().filter(|i| i.contains("-vs-")).count(),
        2 * deter::outputs::N_EVENTS
    );
    // The ranking in the chart follows the saved sensitivity CSV (rank 1 drawn on top).
    let csv = std::fs::read_to_string(dir.path().join("results.sensitivity.csv")).unwrap();
    let first: Vec<&str> = csv
        .lines()
        .filter(|l| l.starts_with("use_of_force,"))
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    let chart = &html[html.find("id=\"sensitivity-use_of_force\"").unwrap()..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    // The y coordinate of each parameter's axis label: rank 1 highest (smallest y).
    let y_of = |label: &str| -> f64 {
        let end = chart.find(&format!("\n{label}\n</text>")).unwrap();
        let tag = &chart[chart[..end].rfind("<text").unwrap()..end];
        let y = &tag[tag.find(" y=\"").unwrap() + 4..];
        y[..y.find('"').unwrap()].parse().unwrap()
    };
    let ys: Vec<f64> = first.iter().map(|p| y_of(p)).collect();
    assert_eq!(first.len(), 2);
    assert!(ys[0] < ys[1], "{first:?} drawn at {ys:?}");
}

mod browser {
    use super::*;

    fn chromium() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os("DETER_CHROMIUM") {
            return Some(PathBuf::from(p));
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
            .find(|p| p.is_file())
    }

    /// Layout facts measured by the browser on a copy of the page with a probe script
    /// appended (the product pages carry no scripts).
    pub fn measure(browser: &Path, html: &str, width: u32, dir: &Path) -> serde_json::Value {
        let probe = dir.join("probe.html");
        let script = "<script>const d=document.documentElement;\
            const r=[...document.querySelectorAll('figure, table')].map(e=>e.getBoundingClientRect().right);\
            document.body.setAttribute('data-probe',JSON.stringify({scrollWidth:d.scrollWidth,\
            clientWidth:d.clientWidth,maxRight:Math.max(0,...r),figures:document.querySelectorAll('figure svg').length}));\
            </script>";
        std::fs::write(&probe, format!("{html}{script}")).unwrap();
        let profile = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=5000",
                "--dump-dom",
            ])
            .arg(format!("--window-size={width},1000"))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("file://{}", probe.display()))
            .output()
            .expect("chromium starts");
        let dom = String::from_utf8_lossy(&out.stdout);
        let at = dom
            .find("data-probe=\"")
            .unwrap_or_else(|| panic!("no probe in the DOM: {dom:.500}"));
        let raw = &dom[at + "data-probe=\"".len()..];
        let raw = raw[..raw.find('"').unwrap()].replace("&quot;", "\"");
        serde_json::from_str(&raw).unwrap()
    }

    #[test]
    #[cfg_attr(
        not(deter_has_chromium),
        ignore = "no chromium on PATH when the tests were built: the sweep report is not rendered in a browser (.ci/run installs and requires it)"
    )]
    fn sweep_report_fits_1280_px_and_every_chart_renders() {
        let browser = chromium().expect("chromium was on PATH when the tests were built");
        let dir = tempfile::tempdir().unwrap();
        let (html, _) = sweep_report(Path::new(GRID), dir.path());
        let m = measure(&browser, &html, 1280, dir.path());
        let (scroll, client) = (
            m["scrollWidth"].as_f64().unwrap(),
            m["clientWidth"].as_f64().unwrap(),
        );
        assert!(scroll <= client, "horizontal scrolling at 1280 px: {m}");
        assert!(m["maxRight"].as_f64().unwrap() <= client, "{m}");
        assert_eq!(
            m["figures"].as_u64().unwrap() as usize,
            figure_ids(&html).len(),
            "{m}"
        );
    }
}

/// Text a sweep page takes from files (the sweep file's name, the base scenario's name)
/// shows escaped: markup and quotes in them are text, never tags.
#[test]
fn hostile_names_are_escaped_on_the_sweep_page() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize("scenarios/western-balkans-2024.toml").unwrap();
    let scenario = write(
        dir.path(),
        "hostile.toml",
        &format!(
            "extends = {:?}\n[scenario]\nname = \"Evil <script>&\\\"' name\"\n",
            base.display().to_string()
        ),
    );
    let sweep = write(
        dir.path(),
        "sweep <script>&'.toml",
        &format!(
            "base = {:?}\nruns = 20\nseed = 3\ndesign = \"grid\"\n\n[[parameter]]\n\
             path = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nvalues = [0.2, 0.9]\n",
            scenario.display().to_string()
        ),
    );
    let (html, _) = sweep_report(&sweep, dir.path());
    assert!(!html.contains("<script"), "raw markup on the page");
    // In the page as a browser reads it: no script element, the names as text where the
    // page shows them (the sweep file's in the title and heading, the base scenario's in
    // the lead paragraph).
    let doc = common::html_page(&html, &"the sweep page");
    assert!(!common::has(&doc, "script"), "{html}");
    let name = "/sweep <script>&'.toml";
    let (title, h1) = (
        common::texts(&doc, "head > title"),
        common::texts(&doc, "body h1"),
    );
    assert!(
        title.len() == 1 && title[0].starts_with("deter sweep: ") && title[0].ends_with(name),
        "{title:?}"
    );
    assert!(
        h1.len() == 1 && h1[0].starts_with("Sweep: ") && h1[0].ends_with(name),
        "{h1:?}"
    );
    let lead = common::texts(&doc, "body p.lead");
    assert!(
        lead.len() == 1 && lead[0].starts_with("Base scenario: Evil <script>&\"' name ("),
        "{lead:?}"
    );
    assert!(
        html.contains("Evil &lt;script&gt;&amp;&quot;' name"),
        "{html}"
    );
    assert!(html.contains("sweep &lt;script&gt;&amp;'.toml"));
}

/// The texts of the chart of the figure `id` of `html`, trimmed, in drawing order.
fn chart_texts(html: &str, id: &str) -> Vec<String> {
    let start = html
        .find(&format!("<figure id=\"{id}\""))
        .unwrap_or_else(|| panic!("no figure `{id}`"));
    let figure = &html[start..];
    let figure = &figure[..figure.find("</figure>").unwrap()];
    figure
        .split("</text>")
        .filter_map(|s| s.rsplit('>').next())
        .map(|t| t.trim().to_string())
        .collect()
}

/// The cells' percentages of the heatmap of the figure `id` of `html`.
fn cell_texts(html: &str, id: &str) -> Vec<String> {
    chart_texts(html, id)
        .into_iter()
        .filter(|t| t.ends_with('%') && t.len() > 1)
        .collect()
}

/// A levers x futures sweep's page: each future is a point once per policy. The page drew
/// them all in one colour with no word of the policies, a two-parameter grid's heatmap
/// showed the first policy's values only (the others' points fell on the same cells, unseen),
/// and the lead said that run i used the same random stream at every point, which is false
/// across futures (stream `f * runs + i`). Now: a heatmap per policy with that policy's
/// values (checked against the results file's rows), the scatters' dots coloured by policy
/// with the ids in a legend, and the lead says how the streams are shared.
#[test]
fn levers_x_futures_page_tells_the_policies_apart() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = std::fs::canonicalize("scenarios").unwrap();
    let text = format!(
        "base = {:?}\nruns = 100\nseed = 3\ndesign = \"grid\"\n\n\
         [[policy]]\nid = \"baseline\"\n\n[[policy]]\nid = \"envoy\"\nfile = {:?}\n\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.4, 1.6]\n\n\
         [[parameter]]\npath = \"deployment.KFOR.reliability\"\nrole = \"uncertainty\"\n\
         values = [0.5, 0.9]\n",
        scenarios
            .join("western-balkans-2024.toml")
            .display()
            .to_string(),
        scenarios
            .join("shea-special-envoy.toml")
            .display()
            .to_string(),
    );
    let file = write(dir.path(), "lxf.toml", &text);
    let (html, plots) = sweep_report(&file, dir.path());

    // Each policy's heatmap holds that policy's rows of the results, as written there.
    let results = std::fs::read_to_string(dir.path().join("results.csv")).unwrap();
    let mut lines = results.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (policy, p) = (col("policy"), col("use_of_force_p"));
    let mut by_policy: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let x: f64 = cells[p].parse().unwrap();
        by_policy
            .entry(cells[policy].to_string())
            .or_default()
            .push(format!("{:.1}%", 100.0 * x));
    }
    assert_eq!(by_policy.len(), 2, "{results}");
    assert_ne!(
        by_policy["baseline"], by_policy["envoy"],
        "the policies differ"
    );
    for (id, mut want) in by_policy {
        let mut got = cell_texts(&html, &format!("outcome-use_of_force-grid-{id}"));
        got.sort();
        want.sort();
        assert_eq!(got, want, "policy `{id}`'s heatmap");
        assert!(
            plots
                .join(format!("outcome-use_of_force-grid-{id}.svg"))
                .is_file()
        );
    }
    assert!(
        !html.contains("id=\"outcome-use_of_force-grid\""),
        "no heatmap mixing the policies"
    );

    // The scatter names the policies in its legend.
    let texts = chart_texts(&html, "outcome-use_of_force-vs-model_war_cost");
    for id in ["baseline", "envoy"] {
        assert!(
            texts.iter().any(|t| t == id),
            "legend entry `{id}`: {texts:?}"
        );
    }
    let start = html
        .find("<figure id=\"outcome-use_of_force-vs-model_war_cost\"")
        .unwrap();
    let figure = &html[start..start + html[start..].find("</figure>").unwrap()];
    assert!(figure.contains("one future under one policy"));

    // The streams as they are: shared across the policies within a future only.
    assert!(
        !html.contains("run i uses the same random stream at every point"),
        "false for the futures"
    );
    assert!(html.contains("2 policies (baseline, envoy) in each of 4 futures"));
    assert!(html.contains("in each future every policy runs on the same random streams"));
}
