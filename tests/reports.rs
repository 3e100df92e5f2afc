//! Reports as a user sees them: the HTML page (structure, numbers, a real browser), the tidy
//! CSV, several files in one run, and `deter compare` with common random numbers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{has, html_page, parse_html, refused, root, succeeded, succeeded_for, texts, write};

const BUNDLED: &str = "scenarios/western-balkans-2024.toml";
const ENVOY: &str = "tests/data/envoy.toml";
const KFOR: &str = "tests/data/kfor.toml";

/// `deter ARGS` from the crate root, without colour, asserted to succeed.
fn deter(args: &[&str]) -> Output {
    let out = common::deter()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("deter runs");
    common::succeeded_for(&out, format_args!("deter {args:?} failed"));
    out
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn p(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// Every `data-k="POINTER" data-v="VALUE"` pair in a page; `None` for a cell that names its
/// pointer but holds no number (an undefined interval: its text says why).
fn data_cells(html: &str) -> Vec<(String, Option<f64>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("data-k=\"") {
        rest = &rest[i + 8..];
        let end = rest.find('"').expect("closing quote");
        let key = rest[..end].to_string();
        rest = &rest[end..];
        // data-v belongs to this cell only if it is inside the same tag.
        let tag_end = rest.find('>').expect("tag closes");
        let value = rest[..tag_end].find("data-v=\"").map(|j| {
            let v = &rest[j + 8..];
            let end = v.find('"').expect("closing quote");
            v[..end].parse::<f64>().expect("data-v is a number")
        });
        out.push((key, value));
        rest = &rest[tag_end..];
    }
    out
}

fn assert_matches_json(html: &str, json: &serde_json::Value) -> usize {
    let cells = data_cells(html);
    for (k, v) in &cells {
        let j = json
            .pointer(k)
            .unwrap_or_else(|| panic!("{k} is not in the JSON"));
        let Some(v) = v else {
            assert!(j.is_null(), "{k}: HTML shows no number, JSON has {j}");
            continue;
        };
        let j = j
            .as_f64()
            .unwrap_or_else(|| panic!("{k} is not a number in the JSON"));
        // serde_json's default float parser may be one ulp off the shortest representation
        // both sides were written with; anything more is a real mismatch.
        assert!(
            (j - v).abs() <= 4.0 * f64::EPSILON * j.abs(),
            "{k}: HTML shows {v}, JSON has {j}"
        );
    }
    cells.len()
}

fn assert_self_contained(html: &str) {
    for bad in [
        "<script",
        "src=",
        "href=",
        "@import",
        "url(",
        "<link",
        "@font-face",
    ] {
        assert!(!html.contains(bad), "the page must not contain `{bad}`");
    }
    assert!(
        !html.contains("class=\"chart-error\""),
        "a chart failed to draw"
    );
}

mod html {
    use super::*;

    #[test]
    fn report_has_every_chart_and_its_numbers_match_the_json() {
        let dir = tmp();
        let (json_path, html_path) = (p(dir.path(), "r.json"), p(dir.path(), "r.html"));
        deter(&[
            "run",
            BUNDLED,
            "--runs",
            "400",
            "--horizon-years",
            "3",
            "--format",
            "json",
            "--out",
            &json_path,
            "--report",
            &html_path,
            "--quiet",
        ]);
        let html = std::fs::read_to_string(&html_path).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_self_contained(&html);
        // One rivalry: its outcome chart would repeat the region-wide one.
        assert!(!html.contains("<figure id=\"chart-outcomes-0\""));
        assert!(html.contains("its figures are the region-wide ones above"));
        for id in [
            "chart-outcomes-region",
            "chart-escalation-0",
            "chart-levels",
            "chart-crises",
            "chart-survival",
            "chart-tension-0",
            "chart-balance-0",
        ] {
            let at = html
                .find(&format!("<figure id=\"{id}\""))
                .unwrap_or_else(|| panic!("chart {id} missing"));
            let fig = &html[at..at + html[at..].find("</figure>").unwrap()];
            assert!(fig.contains("<svg"), "{id} has no SVG");
            assert!(
                fig.matches("<rect").count()
                    + fig.matches("<polyline").count()
                    + fig.matches("<polygon").count()
                    > 3,
                "{id} draws nothing"
            );
        }
        for section in [
            "scenario",
            "outcomes",
            "escalation",
            "levels",
            "crises",
            "survival",
            "fans",
            "provenance",
        ] {
            assert!(
                html.contains(&format!("<section id=\"{section}\"")),
                "{section} missing"
            );
        }
        // Provenance: engine version, seed, runs, hash, RNG, date.
        let sha = json["scenario_sha256"].as_str().unwrap();
        assert!(html.contains(sha));
        assert!(html.contains(json["rng"].as_str().unwrap()));
        assert!(html.contains(&format!(
            "deter {}",
            json["engine_version"].as_str().unwrap()
        )));
        // 6 outcomes x 4 x 2 entities, 6 ladder rungs, 6 levels, 3 years x 10 bands, and more.
        let n = assert_matches_json(&html, &json);
        assert!(n >= 48 + 6 + 6 + 30, "only {n} numbers checked");
    }

    #[test]
    fn several_files_give_one_article_each_with_their_own_numbers() {
        let dir = tmp();
        let (json_path, html_path) = (p(dir.path(), "r.json"), p(dir.path(), "r.html"));
        deter(&[
            "run",
            BUNDLED,
            ENVOY,
            "--runs",
            "300",
            "--horizon-years",
            "2",
            "--format",
            "json",
            "--out",
            &json_path,
            "--report",
            &html_path,
            "--quiet",
        ]);
        let html = std::fs::read_to_string(&html_path).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        let arr = json.as_array().expect("several files give a JSON array");
        assert_eq!(arr.len(), 2);
        assert_eq!(arr[1]["scenario"], "Western Balkans 2024 + special envoy");
        let parts: Vec<&str> = html.split("<article data-report=").skip(1).collect();
        assert_eq!(parts.len(), 2);
        for (part, report) in parts.iter().zip(arr) {
            assert!(assert_matches_json(part, report) > 50);
        }
        assert!(parts[0].contains("<figure id=\"chart-survival\""));
        assert!(parts[1].contains("<figure id=\"s1-chart-survival\""));
    }

    #[test]
    fn balance_and_tension_bands_move_smoothly_not_from_bin_centre_to_bin_centre() {
        let v: serde_json::Value = serde_json::from_slice(
            &deter(&[
                "run",
                BUNDLED,
                "--runs",
                "2000",
                "--horizon-years",
                "10",
                "--format",
                "json",
            ])
            .stdout,
        )
        .unwrap();
        // Balance bins: 600 log bins over [1e-6, 1e6]; tension: 200 bins over [0, 1]. A
        // bin-centre quantile sits at t = k + 0.5 bins; interpolated ones anywhere.
        let log_bin = (1e12f64).ln() / 600.0;
        let mut centred = 0;
        let mut total = 0;
        for y in v["rivalries"][0]["yearly"].as_array().unwrap() {
            for q in ["p05", "p25", "p50", "p75", "p95"] {
                let b = y["balance"][q].as_f64().unwrap();
                let t = (b / 1e-6).ln() / log_bin;
                let x = y["tension"][q].as_f64().unwrap() * 200.0;
                for pos in [t, x] {
                    total += 1;
                    if (pos - pos.floor() - 0.5).abs() < 1e-6 {
                        centred += 1;
                    }
                }
            }
        }
        assert!(
            centred * 4 < total,
            "{centred} of {total} band values are bin centres: a staircase"
        );
    }

    #[test]
    fn chart_series_in_the_json_agree_with_the_rest_of_the_report() {
        let v: serde_json::Value = serde_json::from_slice(
            &deter(&[
                "run",
                BUNDLED,
                "--runs",
                "500",
                "--horizon-years",
                "3",
                "--format",
                "json",
            ])
            .stdout,
        )
        .unwrap();
        for (e, prefix) in [(&v, ""), (&v["rivalries"][0], "/rivalries/0")] {
            let surv: Vec<f64> = e["survival_by_month"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            assert_eq!(surv.len(), 36, "{prefix}");
            assert!(
                surv.windows(2).all(|w| w[1] <= w[0]),
                "{prefix}: not monotone"
            );
            for (y, year) in e["yearly"].as_array().unwrap().iter().enumerate() {
                let held = year["events_by_end"]["deterrence_held"]["p"]
                    .as_f64()
                    .unwrap();
                assert!(
                    (surv[12 * y + 11] - held).abs() < 1e-12,
                    "{prefix} year {y}"
                );
            }
            let hist: Vec<f64> = e["crises_histogram"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            let total: f64 = hist.iter().sum();
            let mean: f64 = hist.iter().enumerate().map(|(k, s)| k as f64 * s).sum();
            assert!((total - 1.0).abs() < 1e-9, "{prefix}");
            let want = e["metrics"]["crises"]["mean"].as_f64().unwrap();
            assert!((mean - want).abs() < 1e-9, "{prefix}: {mean} vs {want}");
        }
    }

    #[test]
    fn comparison_names_a_policy_only_b_has() {
        let v: serde_json::Value = serde_json::from_slice(
            &deter(&[
                "compare",
                BUNDLED,
                KFOR,
                "--runs",
                "20",
                "--horizon-years",
                "1",
                "--format",
                "json",
            ])
            .stdout,
        )
        .unwrap();
        let changes = v["changes"].as_array().unwrap();
        let kfor = changes
            .iter()
            .find(|c| c["what"].as_str().unwrap().starts_with("policy."))
            .unwrap_or_else(|| panic!("{changes:?}"));
        assert!(kfor["a"].is_null(), "{kfor}");
        assert!(
            kfor["b"]
                .as_str()
                .unwrap()
                .contains("deployment.KFOR.capability"),
            "{kfor}"
        );
        let same: serde_json::Value = serde_json::from_slice(
            &deter(&[
                "compare",
                BUNDLED,
                BUNDLED,
                "--runs",
                "20",
                "--horizon-years",
                "1",
                "--format",
                "json",
            ])
            .stdout,
        )
        .unwrap();
        assert_eq!(same["changes"], serde_json::json!([]));
    }

    /// A scenario whose name, description and policy carry markup and quotes.
    fn hostile_scenario(dir: &Path) -> String {
        let path = dir.join("hostile.toml");
        let base = root().join(BUNDLED);
        std::fs::write(
            &path,
            format!(
                r#"extends = "{}"

[scenario]
name = "Evil <script>&\"' name"
description = "A </body> <script>&\"' description"

[[country]]
id = "SRB"
name = "Serbia <script>&\"'"

[[policy]]
id = "envoy"
name = "Envoy <script>&\"'"
description = "Policy <script>&\"' text"
start = "2025-07"
changes = [{{ path = "rivalry.SRB-XKX.monitoring", set = 0.9 }}]
"#,
                base.display().to_string().replace('\\', "/")
            ),
        )
        .unwrap();
        path.display().to_string()
    }

    /// The hostile scenario's name where a run or comparison page shows it, as the page's
    /// DOM holds it: the page parses without an error, has no script element, and its title
    /// and its one heading end with the name as text (a reader sees `<script>`, a browser
    /// runs nothing). On the run page the description, the country and the policy are the
    /// whole text of their own elements too.
    fn assert_hostile_texts_in_place(page: &str, html: &str) {
        const NAME: &str = "Evil <script>&\"' name";
        let doc = html_page(page, &html);
        assert!(!has(&doc, "script"), "{html}: a script element");
        let (title, h1) = (texts(&doc, "head > title"), texts(&doc, "body h1"));
        assert!(
            title.len() == 1 && title[0].ends_with(NAME),
            "{html}: {title:?}"
        );
        assert!(h1.len() == 1 && h1[0].ends_with(NAME), "{html}: {h1:?}");
        if texts(&doc, "body h2")
            .iter()
            .any(|h| h == &format!("B: {NAME}"))
        {
            return; // The comparison page: B is the hostile scenario.
        }
        let lead = texts(&doc, "body p.lead");
        assert_eq!(lead, ["A </body> <script>&\"' description"], "{html}");
        let cells = texts(&doc, "table td");
        for cell in ["Serbia <script>&\"'", "Envoy <script>&\"'"] {
            assert!(
                cells.iter().any(|c| c.starts_with(cell)),
                "{html}: no cell `{cell}`"
            );
        }
        let small = texts(&doc, "body small");
        assert!(
            small.iter().any(|t| t == "Policy <script>&\"' text"),
            "{html}: {small:?}"
        );
    }

    #[test]
    fn hostile_names_are_escaped_on_the_run_and_comparison_pages() {
        let dir = tmp();
        let hostile = hostile_scenario(dir.path());
        let (run_json, run_html) = (p(dir.path(), "r.json"), p(dir.path(), "r.html"));
        let (cmp_json, cmp_html) = (p(dir.path(), "c.json"), p(dir.path(), "c.html"));
        for (command, json, html) in [
            (&["run", &hostile][..], &run_json, &run_html),
            (&["compare", BUNDLED, &hostile][..], &cmp_json, &cmp_html),
        ] {
            let common = ["--runs", "20", "--horizon-years", "1", "--no-attribution"];
            let out = ["--format", "json", "--out", json, "--report", html];
            deter(&[command, &common[..], &out[..]].concat());
        }
        for (html, json) in [(&run_html, &run_json), (&cmp_html, &cmp_json)] {
            let page = std::fs::read_to_string(html).unwrap();
            // No raw markup from the file: no script, one body, every text escaped.
            assert_self_contained(&page);
            assert_eq!(page.matches("</body>").count(), 1, "{html}");
            assert_hostile_texts_in_place(&page, html);
            assert!(
                page.contains("Evil &lt;script&gt;&amp;&quot;' name"),
                "{html}: the name is not shown escaped"
            );
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
            assert!(assert_matches_json(&page, &json) > 50, "{html}");
        }
        let page = std::fs::read_to_string(&run_html).unwrap();
        for text in [
            "A &lt;/body&gt; &lt;script&gt;&amp;&quot;' description",
            "Envoy &lt;script&gt;&amp;&quot;'",
            "Policy &lt;script&gt;&amp;&quot;' text",
        ] {
            assert!(page.contains(text), "the run page does not show {text}");
        }
    }

    /// The text of `page` from `<section id="ID"` to its `</section>` (sections do not nest).
    fn section<'a>(page: &'a str, id: &str) -> &'a str {
        let start = page
            .find(&format!("<section id=\"{id}\""))
            .unwrap_or_else(|| panic!("no section {id}"));
        let len = page[start..]
            .find("</section>")
            .expect("the section closes");
        &page[start..start + len + "</section>".len()]
    }

    /// With the attribution on (the default), the run and comparison pages of a scenario
    /// whose name, description, policy and country carry markup show it as text: the
    /// "which level deters" sections are there, hold no markup of the file's, and every tag
    /// of the pages nests (no tag left open). The section's own escaping of a text that
    /// reaches it (a rivalry's heading, an undefined interval's reason) is checked in
    /// `report::attribution`'s unit tests: a scenario file's ids cannot carry markup.
    #[test]
    fn hostile_names_stay_escaped_and_the_pages_nest_with_the_attribution_on() {
        let dir = tmp();
        let hostile = hostile_scenario(dir.path());
        let (run_json, run_html) = (p(dir.path(), "r.json"), p(dir.path(), "r.html"));
        let (cmp_json, cmp_html) = (p(dir.path(), "c.json"), p(dir.path(), "c.html"));
        for (command, json, html) in [
            (&["run", &hostile][..], &run_json, &run_html),
            (&["compare", BUNDLED, &hostile][..], &cmp_json, &cmp_html),
        ] {
            let common = ["--runs", "20", "--horizon-years", "1", "--quiet"];
            let out = ["--format", "json", "--out", json, "--report", html];
            deter(&[command, &common[..], &out[..]].concat());
        }
        for (html, json, id) in [
            (&run_html, &run_json, "attribution"),
            (&cmp_html, &cmp_json, "attribution-shift"),
        ] {
            let page = std::fs::read_to_string(html).unwrap();
            assert_self_contained(&page);
            assert_hostile_texts_in_place(&page, html);
            assert!(
                page.contains("Evil &lt;script&gt;&amp;&quot;' name"),
                "{html}: the name is not shown escaped"
            );
            let doc = html_page(&page, html);
            assert!(
                has(&doc, &format!("body section#{id} table")),
                "{html}: {id} has no table"
            );
            let s = section(&page, id);
            assert!(!s.contains("<script") && !s.contains("Evil"), "{html}: {s}");
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
            // At least every row's numbers other than the intervals' bounds (9 per event
            // on the run's page, 3 per event and part on the comparison's).
            assert!(assert_matches_json(s, &json) >= 63, "{html}: {id}");
        }
        let page = std::fs::read_to_string(&run_html).unwrap();
        for text in [
            "Serbia &lt;script&gt;&amp;&quot;'",
            "Envoy &lt;script&gt;&amp;&quot;'",
            "Policy &lt;script&gt;&amp;&quot;' text",
        ] {
            assert!(page.contains(text), "the run page does not show {text}");
        }
    }

    /// Every tag nests on the run and comparison pages of a scenario with three rivalries
    /// (the attribution's table per rivalry, several runs on one page, an interval undefined
    /// at one run), and the checker finds a tag left open or closed out of turn.
    #[test]
    fn the_run_and_comparison_pages_nest() {
        let dir = tmp();
        let baltic = "scenarios/history/russia-baltic-2014.toml";
        let (run_html, one_html) = (p(dir.path(), "r.html"), p(dir.path(), "one.html"));
        let cmp_html = p(dir.path(), "c.html");
        let common = ["--horizon-years", "2", "--quiet"];
        deter(
            &[
                &[
                    "run", baltic, BUNDLED, "--runs", "200", "--report", &run_html,
                ][..],
                &common,
            ]
            .concat(),
        );
        deter(
            &[
                &["run", baltic, "--runs", "1", "--report", &one_html][..],
                &common,
            ]
            .concat(),
        );
        deter(
            &[
                &["compare", baltic, baltic, "--set-b", "model.war_cost=1.2"][..],
                &["--runs", "200", "--report", &cmp_html],
                &common,
            ]
            .concat(),
        );
        for html in [&run_html, &one_html, &cmp_html] {
            let page = std::fs::read_to_string(html).unwrap();
            let doc = html_page(&page, html);
            // The rivalries' headings, in the body's sections.
            let rivalries = texts(&doc, "body section h3")
                .into_iter()
                .filter(|h| h.starts_with("Rivalry "))
                .count();
            assert!(rivalries >= 3, "{html}");
        }
        // The parser finds a tag left open, one closed out of turn, and a `<` that opens no
        // tag. (An omitted `</td>` is none: HTML5 lets a page leave it out.)
        let page = std::fs::read_to_string(&run_html).unwrap();
        let at = page.find("</table>").unwrap();
        let unclosed = format!("{}{}", &page[..at], &page[at + "</table>".len()..]);
        let swapped = page.replacen("</td></tr>", "</tr></td>", 1);
        let stray = page.replacen("</h1>", "</h1>< b>", 1);
        for (fault, bad) in [
            ("unclosed", unclosed),
            ("swapped", swapped),
            ("stray", stray),
        ] {
            assert_ne!(bad, page, "{fault}: the page changed");
            assert!(!parse_html(&bad).1.is_empty(), "{fault}: no parse error");
        }
    }

    #[test]
    fn comparison_page_matches_its_json() {
        let dir = tmp();
        let (json_path, html_path) = (p(dir.path(), "c.json"), p(dir.path(), "c.html"));
        deter(&[
            "compare",
            BUNDLED,
            ENVOY,
            "--runs",
            "400",
            "--horizon-years",
            "3",
            "--format",
            "json",
            "--out",
            &json_path,
            "--report",
            &html_path,
            "--quiet",
        ]);
        let html = std::fs::read_to_string(&html_path).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        assert_self_contained(&html);
        for id in [
            "chart-diff-0",
            "chart-levels",
            "chart-outcomes-A",
            "chart-outcomes-B",
            "chart-survival",
        ] {
            assert!(
                html.contains(&format!("<figure id=\"{id}\"")),
                "chart {id} missing"
            );
        }
        // One rivalry: the region-wide differences only (6 outcomes x 7, 3 means x 5, ...).
        assert!(assert_matches_json(&html, &json) > 55);
    }

    /// The page's per-run table named its rows by raw metric key ("crises", "disputes")
    /// where the terminal table says "crisis opportunities" and "disputes (MID >= 2)": every
    /// label of the terminal's "per run (mean)" rows, read from the terminal, heads a row of
    /// the page, and no raw key does.
    #[test]
    fn comparison_page_names_the_per_run_rows_as_the_table_does() {
        let dir = tmp();
        let html_path = p(dir.path(), "c.html");
        let out = deter(&[
            "compare",
            BUNDLED,
            ENVOY,
            "--runs",
            "50",
            "--horizon-years",
            "1",
            "--report",
            &html_path,
        ]);
        succeeded(&out);
        let table = String::from_utf8(out.stdout).unwrap();
        let mut lines = table.lines().skip_while(|l| !l.contains("per run (mean)"));
        lines.next().expect("the terminal's per-run rows");
        // A row: two-space indent, the label (padded to 33), then A's mean; a label longer
        // than that (GDP lost with its currency unit) on a line of its own, the numbers
        // indented on the next; the note under the rows is indented and in parentheses.
        let labels: Vec<String> = lines
            .take_while(|l| l.starts_with("  ") && !l.trim_start().starts_with('('))
            .filter(|l| !l.starts_with("   "))
            .map(|l| l[2..].split("  ").next().unwrap().to_string())
            .collect();
        assert_eq!(
            labels,
            [
                "crisis opportunities",
                "disputes (MID >= 2)",
                "GDP lost by challenger and target (USD bn, constant 2024 prices)",
                "years to first use of force"
            ],
            "{table}"
        );
        let html = std::fs::read_to_string(&html_path).unwrap();
        for l in &labels {
            let cell = format!("<tr><td>{}</td>", l.replace('>', "&gt;"));
            assert!(html.contains(&cell), "no row `{cell}` on the page");
        }
        for raw in ["crises", "disputes"] {
            assert!(
                !html.contains(&format!("<tr><td>{raw}</td>")),
                "raw key `{raw}` on the page"
            );
        }
    }
}

mod csv_format {
    use super::*;

    /// The rows after the `file` column (checked to be present and non-empty).
    fn rows(text: &str) -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            r.headers().unwrap().iter().collect::<Vec<_>>(),
            ["file", "scenario", "entity", "metric", "statistic", "value"]
        );
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                assert!(!rec[0].is_empty(), "empty file cell");
                rec.iter().skip(1).map(String::from).collect()
            })
            .collect()
    }

    #[test]
    fn csv_is_tidy_numeric_and_agrees_with_json() {
        let out = deter(&[
            "run",
            BUNDLED,
            "--runs",
            "300",
            "--horizon-years",
            "2",
            "--format",
            "csv",
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        let rows = rows(&text);
        assert!(rows.len() > 150);
        for r in &rows {
            assert_eq!(r.len(), 5);
            assert_eq!(r[0], "Western Balkans 2024");
            let v: f64 = r[4]
                .parse()
                .unwrap_or_else(|_| panic!("{r:?}: value not numeric"));
            assert!(v.is_finite());
        }
        // One key per row: (entity, metric, statistic) is unique.
        let mut keys: Vec<_> = rows.iter().map(|r| (&r[1], &r[2], &r[3])).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate rows");

        let json = deter(&[
            "run",
            BUNDLED,
            "--runs",
            "300",
            "--horizon-years",
            "2",
            "--format",
            "json",
        ]);
        let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let find = |e: &str, m: &str, s: &str| -> f64 {
            rows.iter()
                .find(|r| r[1] == e && r[2] == m && r[3] == s)
                .unwrap_or_else(|| panic!("no row {e} {m} {s}"))[4]
                .parse()
                .unwrap()
        };
        let close =
            |a: f64, b: f64| assert!((a - b).abs() <= 4.0 * f64::EPSILON * b.abs(), "{a} vs {b}");
        close(
            find("region", "use_of_force", "p"),
            json["outcomes"]["use_of_force"]["p"].as_f64().unwrap(),
        );
        close(
            find("SRB-XKX", "cost_composition_military", "share"),
            json["rivalries"][0]["cost_composition"]["military"]
                .as_f64()
                .unwrap(),
        );
        close(
            find("SRB-XKX", "tension_2026", "p95"),
            json["rivalries"][0]["yearly"][1]["tension"]["p95"]
                .as_f64()
                .unwrap(),
        );
        assert_eq!(find("scenario", "runs", "value"), 300.0);
    }

    #[test]
    fn several_files_give_one_table_with_a_scenario_column() {
        let out = deter(&[
            "run",
            BUNDLED,
            KFOR,
            "--runs",
            "200",
            "--horizon-years",
            "1",
            "--format",
            "csv",
        ]);
        let rows = rows(&String::from_utf8(out.stdout).unwrap());
        let mut names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        names.dedup();
        assert_eq!(
            names,
            [
                "Western Balkans 2024",
                "Western Balkans 2024 + KFOR reinforced"
            ]
        );
    }

    #[test]
    fn comparison_csv_has_paired_statistics() {
        let out = deter(&[
            "compare",
            BUNDLED,
            ENVOY,
            "--runs",
            "300",
            "--horizon-years",
            "2",
            "--format",
            "csv",
        ]);
        let rows = rows(&String::from_utf8(out.stdout).unwrap());
        for stat in [
            "p_a",
            "p_b",
            "diff",
            "paired95_lo",
            "paired95_hi",
            "unpaired95_lo",
            "unpaired95_hi",
            "excludes_zero",
            "shift",
        ] {
            assert!(rows.iter().any(|r| r[3] == stat), "no {stat} rows");
        }
        assert!(
            rows.iter()
                .all(|r| r[0] == "Western Balkans 2024 vs Western Balkans 2024 + special envoy")
        );
    }
}

mod several {
    use super::*;

    /// Sharing one pool changes nothing: each file's numbers are those of running it alone.
    #[test]
    fn several_files_give_the_numbers_of_each_file_alone() {
        let args = ["--runs", "500", "--horizon-years", "2", "--format", "json"];
        let both = deter(&[&["run", BUNDLED, KFOR, "--threads", "2"][..], &args].concat());
        let both: serde_json::Value = serde_json::from_slice(&both.stdout).unwrap();
        for (i, file) in [BUNDLED, KFOR].into_iter().enumerate() {
            let one = deter(&[&["run", file, "--threads", "1"][..], &args].concat());
            let one: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
            assert_eq!(
                common::without_timing(both[i].clone()),
                common::without_timing(one),
                "{file}"
            );
        }
    }
}

mod compare {
    use super::*;
    use deter::compare::{check, run_paired};
    use deter::engine::Hooks;
    use deter::model::Compiled;

    fn compiled(path: &str, horizon: u32) -> Compiled {
        let mut s = deter::scenario::load_file(&root().join(path)).expect("valid scenario");
        s.meta.horizon_years = horizon;
        Compiled::new(&s)
    }

    /// The point of common random numbers: for two policy variants of the bundled scenario,
    /// the paired interval of every outcome difference that is not degenerate is narrower than
    /// the interval two independent samples of the same size would give.
    #[test]
    fn paired_interval_is_narrower_than_unpaired_for_two_policy_variants() {
        for (fa, fb) in [
            (ENVOY, KFOR),
            (BUNDLED, "scenarios/shea-special-envoy.toml"),
        ] {
            paired_narrower(fa, fb);
        }
    }

    fn paired_narrower(fa: &str, fb: &str) {
        let (a, b) = (compiled(fa, 4), compiled(fb, 4));
        let pairing = check(&a, &b).unwrap();
        let cmp = run_paired(&a, &b, &pairing, 20230924, 3000, Hooks::default()).unwrap();
        let mut narrower = 0;
        for (k, t) in cmp.paired.region.events.iter().enumerate() {
            let (paired, unpaired) = (t.paired(), t.unpaired());
            assert!(
                paired.width() <= unpaired.width() + 1e-12,
                "{fa} vs {fb}, outcome {k}: {paired:?} vs {unpaired:?}"
            );
            if t.count_a() > 30 && t.count_a() < t.n() - 30 {
                assert!(
                    paired.width() < 0.9 * unpaired.width(),
                    "{fa} vs {fb}, outcome {k}: {paired:?} vs {unpaired:?}"
                );
                narrower += 1;
            }
        }
        assert!(
            narrower >= 3,
            "{fa} vs {fb}: too few informative outcomes: {narrower}"
        );
    }

    #[test]
    fn comparison_json_is_the_same_for_any_thread_count() {
        let run = |threads: &str| {
            let out = deter(&[
                "compare",
                BUNDLED,
                KFOR,
                "--runs",
                "600",
                "--horizon-years",
                "2",
                "--threads",
                threads,
                "--format",
                "json",
            ]);
            let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            for side in ["a", "b"] {
                v[side].as_object_mut().unwrap().remove("timing");
            }
            v.as_object_mut().unwrap().remove("timing");
            v
        };
        assert_eq!(run("1"), run("2"));
    }

    /// An outcome that happens in every run of A and of B (a crisis opportunity over ten
    /// years) has no discordant pair: its difference is exactly 0 in the sample, said
    /// "unchanged in every run" in the table and the page as the attribution says it, and
    /// carried as `a_only` = `b_only` = 0 in the JSON and the CSV. Its paired interval is
    /// Newcombe's, not a point: with no discordant pair among n, each side's Wilson interval
    /// is [n / (n + z^2), 1], so the interval is +-z^2 / (n + z^2), recomputed here.
    #[test]
    fn an_outcome_in_every_run_of_both_is_unchanged_in_every_run_in_every_format() {
        let dir = tmp();
        let page = p(dir.path(), "c.html");
        let base = [
            "compare",
            BUNDLED,
            "scenarios/serbia-eastern-pivot.toml",
            "--runs",
            "300",
            "--no-attribution",
        ];
        let run = |more: &[&str]| {
            let args: Vec<&str> = base.iter().chain(more).copied().collect();
            String::from_utf8(deter(&args).stdout).unwrap()
        };
        let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
        let outcomes = json["region"]["outcomes"].as_array().unwrap();
        let crisis = &outcomes[0];
        assert_eq!(crisis["outcome"], "crisis");
        assert_eq!(
            (crisis["p_a"].as_f64(), crisis["p_b"].as_f64()),
            (Some(1.0), Some(1.0))
        );
        assert_eq!(
            (crisis["a_only"].as_u64(), crisis["b_only"].as_u64()),
            (Some(0), Some(0))
        );
        assert_eq!(crisis["diff"].as_f64(), Some(0.0));
        let z2 = 1.959963984540054f64.powi(2);
        let half = z2 / (300.0 + z2);
        for (k, want) in [("paired95_lo", -half), ("paired95_hi", half)] {
            let got = crisis[k].as_f64().unwrap();
            assert!((got - want).abs() < 1e-9, "{k}: {got} vs {want}");
        }
        // The outcomes that do differ somewhere are not said unchanged.
        let moved: Vec<&str> = outcomes
            .iter()
            .filter(|o| o["a_only"].as_u64().unwrap() + o["b_only"].as_u64().unwrap() > 0)
            .map(|o| o["outcome"].as_str().unwrap())
            .collect();
        assert!(moved.contains(&"use_of_force"), "{moved:?}");

        let table = run(&[]);
        let line = |label: &str| {
            table
                .lines()
                .find(|l| l.trim_start().starts_with(label))
                .unwrap_or_else(|| panic!("no {label} line in\n{table}"))
                .to_string()
        };
        let crisis_line = line("any crisis opportunity (context)");
        assert!(
            crisis_line.ends_with("unchanged in every run"),
            "{crisis_line}"
        );
        assert!(crisis_line.contains("[-1.26, +1.26]"), "{crisis_line}");
        assert!(
            !line("use of force (MID >= 4)").contains("unchanged"),
            "{table}"
        );

        let csv = run(&["--format", "csv"]);
        for stat in ["a_only", "b_only"] {
            assert!(
                csv.lines()
                    .any(|l| l.ends_with(&format!(",region,crisis,{stat},0"))),
                "{stat} of crisis in\n{csv}"
            );
        }
        assert!(
            csv.lines()
                .any(
                    |l| l.contains(",region,use_of_force,a_only,") && !l.ends_with(",a_only,0")
                        || l.contains(",region,use_of_force,b_only,") && !l.ends_with(",b_only,0")
                ),
            "{csv}"
        );

        run(&["--report", &page]);
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            html.contains("data-k=\"/region/outcomes/0/diff\" data-v=\"0\">+0.00 pp (unchanged in every run)</td>"),
            "the page's crisis difference"
        );
        let force = html.find("data-k=\"/region/outcomes/3/diff\"").unwrap();
        let cell = &html[force..force + html[force..].find("</td>").unwrap()];
        assert!(!cell.contains("unchanged"), "{cell}");
    }

    #[test]
    fn different_horizons_are_refused() {
        let dir = tmp();
        let short = write(
            dir.path(),
            "short.toml",
            &format!(
                "extends = \"{}\"\n[scenario]\nhorizon_years = 3\n",
                root().join(BUNDLED).display()
            ),
        );
        let out = Command::new(common::bin())
            .current_dir(root())
            .args(["compare", BUNDLED, short.to_str().unwrap(), "--runs", "10"])
            .output()
            .unwrap();
        refused(&out);
        assert!(String::from_utf8_lossy(&out.stderr).contains("same horizon"));
    }
}

mod snapshots {
    use super::*;

    fn redact_timing(text: &str) -> String {
        text.lines()
            .map(|l| match l.find(" | ") {
                Some(i) if l.contains(" s, ") => format!("{} | [timing]", &l[..i]),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn table_snapshot() {
        let out = deter(&[
            "run",
            BUNDLED,
            "--runs",
            "500",
            "--horizon-years",
            "3",
            "--threads",
            "1",
        ]);
        insta::assert_snapshot!(redact_timing(&String::from_utf8(out.stdout).unwrap()));
    }

    #[test]
    fn csv_snapshot() {
        let out = deter(&[
            "run",
            BUNDLED,
            "--runs",
            "200",
            "--horizon-years",
            "2",
            "--format",
            "csv",
            // The attribution's rows are checked in tests/attribution.rs.
            "--no-attribution",
        ]);
        insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
    }

    #[test]
    fn comparison_table_snapshot() {
        let out = deter(&[
            "compare",
            BUNDLED,
            ENVOY,
            "--runs",
            "500",
            "--horizon-years",
            "3",
        ]);
        insta::assert_snapshot!(redact_timing(&String::from_utf8(out.stdout).unwrap()));
    }
}

mod browser {
    //! Renders the page in headless Chromium. `.ci/run` installs Debian's `chromium` and
    //! requires it (DETER_REQUIRE_TOOLS=1); elsewhere, without chromium on PATH, build.rs
    //! leaves `cfg(deter_has_chromium)` unset and the test shows as ignored with the reason.
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

    /// Render `html` to `png`; return Chromium's log (stderr).
    fn render(browser: &Path, html: &Path, png: &Path) -> String {
        let profile = tmp();
        let out = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=1000,3000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", html.display()))
            .output()
            .expect("chromium starts");
        succeeded_for(&out, format_args!("chromium failed"));
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Lines of Chromium's log that report a problem with the page itself.
    fn page_errors(log: &str) -> Vec<&str> {
        log.lines()
            .filter(|l| {
                l.contains(":CONSOLE")
                    || l.contains("Uncaught")
                    || l.contains("Failed to load resource")
                    || l.contains("net::ERR_")
            })
            .collect()
    }

    /// Share of pixels that are not (near) white, and the number of distinct colours.
    fn ink(png: &Path) -> (f64, usize) {
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let px = &buf[..info.buffer_size()];
        let mut inked = 0usize;
        let mut colours = std::collections::HashSet::new();
        let total = px.len() / channels;
        for c in px.chunks(channels) {
            if c[..3].iter().any(|&v| v < 235) {
                inked += 1;
            }
            if colours.len() < 10_000 {
                colours.insert((c[0], c[1], c[2]));
            }
        }
        (inked as f64 / total as f64, colours.len())
    }

    #[test]
    #[cfg_attr(
        not(deter_has_chromium),
        ignore = "no chromium on PATH when the tests were built: the HTML report is not rendered in a browser (.ci/run installs and requires it)"
    )]
    fn report_renders_in_headless_chromium_without_console_errors() {
        let browser = chromium().expect("chromium was on PATH when the tests were built");
        let dir = tmp();
        // First, the detector itself: a page with a console error must be caught.
        let bad = write(
            dir.path(),
            "bad.html",
            "<!DOCTYPE html><html><body><p>x</p><script>console.error('deliberate')</script></body></html>",
        );
        let log = render(&browser, &bad, &dir.path().join("bad.png"));
        assert!(
            !page_errors(&log).is_empty(),
            "the console-error detector missed a deliberate error:\n{log}"
        );

        let html = dir.path().join("report.html");
        deter(&[
            "run",
            BUNDLED,
            "--runs",
            "300",
            "--horizon-years",
            "3",
            "--report",
            html.to_str().unwrap(),
            "--quiet",
        ]);
        let png = dir.path().join("report.png");
        let log = render(&browser, &html, &png);
        let errors = page_errors(&log);
        assert!(errors.is_empty(), "console errors: {errors:#?}");
        let (share, colours) = ink(&png);
        assert!(
            share > 0.03,
            "the page looks blank: {:.1}% ink",
            100.0 * share
        );
        assert!(
            colours > 20,
            "the page has only {colours} colours: charts not drawn?"
        );
        // It prints: Chromium's print-to-PDF gives a multi-page document.
        let pdf = dir.path().join("report.pdf");
        let profile = tmp();
        let out = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", html.display()))
            .output()
            .unwrap();
        succeeded(&out);
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        let text = String::from_utf8_lossy(&bytes);
        let pages: u32 = text
            .split("/Count ")
            .skip(1)
            .filter_map(|t| t.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            .max()
            .unwrap_or(0);
        assert!(pages >= 2, "printed to {pages} pages");
        if let Some(keep) = std::env::var_os("DETER_KEEP_SCREENSHOT") {
            std::fs::copy(&png, keep).unwrap();
        }
    }

    const ARGS: [&str; 10] = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,2400",
    ];

    /// Lay the page out in Chromium at 1280 px and run `script` on it (a test-only copy of the
    /// page: the report itself has no script); `script` sets `window.M` to what it measured,
    /// which comes back through the dumped DOM.
    fn measure(browser: &Path, page: &str, script: &str) -> serde_json::Value {
        let dir = tmp();
        let html = dir.path().join("measured.html");
        let body_end = page.rfind("</body>").expect("a page");
        let probe = format!(
            "<script>window.M = null;\n{script}\ndocument.body.setAttribute('data-measure', JSON.stringify(window.M));</script>"
        );
        std::fs::write(
            &html,
            format!("{}{probe}{}", &page[..body_end], &page[body_end..]),
        )
        .unwrap();
        let profile = tmp();
        let out = Command::new(browser)
            .args(ARGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--dump-dom")
            .arg(format!("file://{}", html.display()))
            .output()
            .expect("chromium starts");
        succeeded_for(&out, format_args!("chromium failed"));
        let dom = String::from_utf8_lossy(&out.stdout);
        let at = dom.find("data-measure=\"").expect("the probe ran") + 14;
        let raw = &dom[at..at + dom[at..].find('"').unwrap()];
        let json = raw
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    fn run_page(scenario: &str, runs: &str, years: &str) -> String {
        let dir = tmp();
        let html = dir.path().join("r.html");
        deter(&[
            "run",
            scenario,
            "--runs",
            runs,
            "--horizon-years",
            years,
            "--report",
            html.to_str().unwrap(),
            "--quiet",
        ]);
        std::fs::read_to_string(html).unwrap()
    }

    fn f(v: &serde_json::Value, k: &str) -> f64 {
        v[k].as_f64().unwrap_or_else(|| panic!("no {k} in {v}"))
    }

    #[test]
    #[cfg_attr(
        not(deter_has_chromium),
        ignore = "no chromium on PATH when the tests were built (.ci/run installs and requires it)"
    )]
    fn countries_table_fits_1280_px_with_level_groups_above_their_columns() {
        let browser = chromium().unwrap();
        let page = run_page(BUNDLED, "50", "1");
        let m = measure(
            &browser,
            &page,
            r#"const t = document.querySelector('table.countries');
               const box = r => { const b = r.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, text: r.textContent}; };
               const rows = t.tHead.rows;
               window.M = { viewport: innerWidth, table: box(t), scroll: t.parentElement.scrollWidth,
                 client: t.parentElement.clientWidth,
                 groups: [...rows[0].cells].map(box), columns: [...rows[1].cells].map(box) };"#,
        );
        let table = &m["table"];
        assert!(
            f(table, "left") >= 0.0 && f(table, "right") <= f(&m, "viewport"),
            "the countries table leaves a 1280 px window: {m}"
        );
        assert!(
            f(&m, "scroll") <= f(&m, "client") + 1.0,
            "the countries table needs a horizontal scroll at 1280 px: {m}"
        );
        let columns = m["columns"].as_array().unwrap();
        let column = |name: &str| {
            columns
                .iter()
                .find(|c| c["text"] == name)
                .unwrap_or_else(|| panic!("no column {name}: {m}"))
        };
        for (group, first, last) in [
            ("military", "defence budget", "interop."),
            ("political", "cohesion", "reputation"),
            ("economic", "GDP", "trade with West"),
        ] {
            let g = m["groups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["text"] == group)
                .unwrap_or_else(|| panic!("no group header {group}: {m}"));
            let (a, b) = (column(first), column(last));
            assert!(
                f(g, "bottom") <= f(a, "top") + 0.5,
                "{group} is not above its columns: {g} vs {a}"
            );
            assert!(
                (f(g, "left") - f(a, "left")).abs() < 1.0
                    && (f(g, "right") - f(b, "right")).abs() < 1.0,
                "{group} does not span {first} .. {last}: {g} vs {a} .. {b}"
            );
        }
    }

    #[test]
    #[cfg_attr(
        not(deter_has_chromium),
        ignore = "no chromium on PATH when the tests were built (.ci/run installs and requires it)"
    )]
    fn escalation_chart_says_reached_at_least_and_one_rivalry_is_not_drawn_twice() {
        let browser = chromium().unwrap();
        let probe = r#"const texts = id => [...document.querySelectorAll('#' + id + ' svg text')].map(t => t.textContent.trim());
            window.M = { escalation: texts('chart-escalation-0'),
              outcomes: document.querySelectorAll('figure[id^="chart-outcomes-"]').length,
              yearly: document.querySelectorAll('figure[id^="chart-yearly-"]:not([id^="chart-yearly-counts-"])').length,
              levels: texts('chart-levels'), survival: texts('chart-survival') };"#;
        let one = measure(&browser, &run_page(BUNDLED, "200", "2"), probe);
        let esc: Vec<&str> = one["escalation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        for want in [
            "level 2 threat",
            "level 3 display",
            "level 4 use of force",
            "level 5 war",
        ] {
            assert!(esc.contains(&want), "{want} missing: {esc:?}");
        }
        assert!(
            esc.iter().any(|t| t.contains("reached at least")),
            "{esc:?}"
        );
        assert!(
            !esc.iter()
                .any(|t| t.contains("no challenge") || t.contains("level 1")),
            "level 1 is drawn: {esc:?}"
        );
        // One rivalry: one outcome chart, one yearly chart, one survival curve, one level row.
        assert_eq!(one["outcomes"], 1, "{one}");
        assert_eq!(one["yearly"], 1, "{one}");
        assert!(!one["survival"].to_string().contains("SRB-XKX"), "{one}");
        assert!(!one["levels"].to_string().contains("SRB-XKX"), "{one}");
        // Three rivalries: the region and each rivalry.
        let three = measure(
            &browser,
            &run_page("scenarios/history/russia-baltic-2014.toml", "100", "2"),
            probe,
        );
        assert_eq!(three["outcomes"], 4, "{three}");
        assert_eq!(three["yearly"], 4, "{three}");
    }

    /// Rows (top, bottom) of the image where bar-blue pixels appear, grouped into bands.
    fn bar_bands(px: &[u8], width: usize, channels: usize) -> Vec<(usize, usize)> {
        let height = px.len() / channels / width;
        let blue = |y: usize| {
            (0..width).any(|x| {
                let c = &px[(y * width + x) * channels..];
                (c[0] as i32 - 64).abs() < 20
                    && (c[1] as i32 - 149).abs() < 20
                    && (c[2] as i32 - 196).abs() < 20
            })
        };
        let mut bands = Vec::new();
        let mut start = None;
        for y in 0..height {
            match (blue(y), start) {
                (true, None) => start = Some(y),
                (false, Some(s)) => {
                    bands.push((s, y));
                    start = None;
                }
                _ => {}
            }
        }
        bands
    }

    #[test]
    #[cfg_attr(
        not(deter_has_chromium),
        ignore = "no chromium on PATH when the tests were built (.ci/run installs and requires it)"
    )]
    fn whiskers_are_visible_at_any_run_count() {
        use deter::report::charts::{Bar, probability_bars};
        let browser = chromium().unwrap();
        // Intervals as 20 runs, 10^4 runs and 10^9 runs would give (half-widths 20%, 1%,
        // 3e-5), at the ends of the scale and in the middle.
        let bars = [
            Bar {
                label: "a",
                p: 0.5,
                lo: 0.3,
                hi: 0.7,
            },
            Bar {
                label: "b",
                p: 0.5,
                lo: 0.49,
                hi: 0.51,
            },
            Bar {
                label: "c",
                p: 0.5,
                lo: 0.49997,
                hi: 0.50003,
            },
            Bar {
                label: "d",
                p: 1.0,
                lo: 0.99997,
                hi: 1.0,
            },
            Bar {
                label: "e",
                p: 0.3,
                lo: 0.29997,
                hi: 0.30003,
            },
        ];
        let dir = tmp();
        let html = write(
            dir.path(),
            "bars.html",
            &format!(
                "<!DOCTYPE html><html><body style=\"margin:0\">{}</body></html>",
                probability_bars("t", &bars)
            ),
        );
        let png = dir.path().join("bars.png");
        render(&browser, &html, &png);
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let (width, channels) = (info.width as usize, info.color_type.samples());
        let px = &buf[..info.buffer_size()];
        let bands = bar_bands(px, width, channels);
        assert_eq!(bands.len(), bars.len(), "bars found: {bands:?}");
        for ((top, bottom), bar) in bands.iter().zip(&bars) {
            let dark = (*top..*bottom)
                .flat_map(|y| (0..width).map(move |x| (y, x)))
                .filter(|&(y, x)| {
                    px[(y * width + x) * channels..][..3]
                        .iter()
                        .all(|&v| v < 60)
                })
                .count();
            assert!(
                dark >= 12,
                "bar {}: whisker not visible ({dark} dark pixels)",
                bar.label
            );
        }
    }

    #[test]
    #[cfg_attr(
        not(deter_has_chromium),
        ignore = "no chromium on PATH when the tests were built (.ci/run installs and requires it)"
    )]
    fn comparison_page_says_what_b_changes_overlays_survival_and_spans_interval_headers() {
        let browser = chromium().unwrap();
        let dir = tmp();
        let (json, html) = (p(dir.path(), "c.json"), p(dir.path(), "c.html"));
        deter(&[
            "compare",
            BUNDLED,
            BUNDLED,
            "--set-b",
            "rivalry.SRB-XKX.monitoring=0.9",
            "--runs",
            "300",
            "--horizon-years",
            "3",
            "--format",
            "json",
            "--out",
            &json,
            "--report",
            &html,
            "-q",
        ]);
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        // The bundled file's monitoring, read from the file itself.
        let text = std::fs::read_to_string(root().join(BUNDLED)).unwrap();
        let doc: toml::Value = toml::from_str(&text).unwrap();
        let before = doc["rivalry"][0]["monitoring"].as_float().unwrap();
        assert_eq!(
            v["changes"],
            serde_json::json!([{"what": "rivalry.SRB-XKX.monitoring", "a": before, "b": 0.9}])
        );
        let page = std::fs::read_to_string(&html).unwrap();
        let m = measure(
            &browser,
            &page,
            r#"const box = e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, text: e.textContent}; };
               const changes = [...document.querySelectorAll('#changes tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()));
               const legend = [...document.querySelectorAll('#chart-survival svg text')].map(t => t.textContent.trim());
               const lines = document.querySelectorAll('#chart-survival svg polyline').length;
               const t = document.querySelector('#differences table');
               const head = [...t.tHead.rows[0].cells].map(c => ({...box(c), span: c.colSpan}));
               const first = [...t.tBodies[0].rows[0].cells].map(box);
               window.M = {changes, legend, lines, head, first};"#,
        );
        assert_eq!(
            m["changes"],
            serde_json::json!([["rivalry.SRB-XKX.monitoring", before.to_string(), "0.9"]]),
            "{m}"
        );
        let legend = m["legend"].to_string();
        assert!(
            legend.contains("\"A\"") && legend.contains("\"B\""),
            "{legend}"
        );
        assert!(
            m["lines"].as_u64().unwrap() >= 2,
            "A and B are not both drawn: {m}"
        );
        // Each interval header spans exactly the two cells (low, high) below it.
        let head = m["head"].as_array().unwrap();
        let first = m["first"].as_array().unwrap();
        let mut col = 0;
        let mut spanning = 0;
        for h in head {
            let span = h["span"].as_u64().unwrap() as usize;
            if h["text"].as_str().unwrap().contains("interval") {
                assert_eq!(span, 2, "{h}");
                let (lo, hi) = (&first[col], &first[col + 1]);
                assert!(
                    (f(h, "left") - f(lo, "left")).abs() < 1.0
                        && (f(h, "right") - f(hi, "right")).abs() < 1.0,
                    "{h} does not span {lo} and {hi}"
                );
                spanning += 1;
            }
            col += span;
        }
        assert_eq!(spanning, 2, "{m}");
    }
    /// One section of a page (`<section id="ID">` .. `</section>`) on a page of its own, with
    /// the page's own head (its CSS), for a screenshot of that section alone.
    fn section_page(page: &str, id: &str) -> String {
        let body = page.find("<body>").expect("a body") + "<body>".len();
        let start = page
            .find(&format!("<section id=\"{id}\""))
            .unwrap_or_else(|| panic!("no section {id}"));
        let end = start + page[start..].find("</section>").unwrap() + "</section>".len();
        format!("{}{}</body></html>\n", &page[..body], &page[start..end])
    }

    /// The "which level deters" sections as a reader sees them at 1280 px: the run page's
    /// `#attribution` and the comparison page's `#attribution-shift` are drawn (a screenshot
    /// of each section alone has ink and no console error), fit the window without a
    /// horizontal scroll, every group header spans exactly the columns under it, every row
    /// has as many cells as the header, and every number a reader sees is the JSON's value
    /// (data-v) as printed (percentage points or percent, one decimal).
    #[test]
    #[cfg_attr(
        not(deter_has_chromium),
        ignore = "no chromium on PATH when the tests were built (.ci/run installs and requires it)"
    )]
    fn attribution_sections_lay_out_in_chromium_with_their_numbers() {
        let browser = chromium().unwrap();
        let dir = tmp();
        let run_html = p(dir.path(), "r.html");
        let cmp_html = p(dir.path(), "c.html");
        deter(&[
            "run",
            BUNDLED,
            "--runs",
            "200",
            "--horizon-years",
            "2",
            "--report",
            &run_html,
            "-q",
        ]);
        deter(&[
            "compare",
            BUNDLED,
            ENVOY,
            "--runs",
            "200",
            "--horizon-years",
            "2",
            "--report",
            &cmp_html,
            "-q",
        ]);
        let probe = |id: &str| {
            format!(
                r#"const s = document.getElementById('{id}');
                   const box = e => {{ const b = e.getBoundingClientRect(); return {{left: b.left, right: b.right, top: b.top, bottom: b.bottom, text: e.textContent.trim(), span: e.colSpan || 1}}; }};
                   const tables = [...s.querySelectorAll('table.attribution')].map(t => ({{
                     box: box(t), scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth,
                     head: [...t.tHead.rows].map(r => [...r.cells].map(box)),
                     rows: [...t.tBodies[0].rows].map(r => [...r.cells].map(c => ({{...box(c), k: c.getAttribute('data-k'), v: c.getAttribute('data-v')}})))
                   }}));
                   window.M = {{ section: box(s), viewport: innerWidth, page: document.documentElement.scrollWidth, tables }};"#
            )
        };
        for (html, id, columns) in [
            (&run_html, "attribution", 18),
            (&cmp_html, "attribution-shift", 7),
        ] {
            let page = std::fs::read_to_string(html).unwrap();
            // The screenshot of the section alone.
            let alone = dir.path().join(format!("{id}.html"));
            std::fs::write(&alone, section_page(&page, id)).unwrap();
            let png = dir.path().join(format!("{id}.png"));
            let log = render(&browser, &alone, &png);
            let errors = page_errors(&log);
            assert!(errors.is_empty(), "{id}: console errors: {errors:#?}");
            let (share, _) = ink(&png);
            assert!(
                share > 0.01,
                "{id}: the section looks blank: {:.2}% ink",
                100.0 * share
            );

            let m = measure(&browser, &page, &probe(id));
            assert!(
                f(&m["section"], "bottom") - f(&m["section"], "top") > 100.0,
                "{id} is not laid out: {m}"
            );
            assert!(
                f(&m, "page") <= f(&m, "viewport"),
                "{id}: the page scrolls sideways at 1280 px: {}",
                m["page"]
            );
            let tables = m["tables"].as_array().unwrap();
            assert!(!tables.is_empty(), "{id}: no table");
            let mut numbers = 0;
            for t in tables {
                assert!(
                    f(t, "scroll") <= f(t, "client") + 1.0,
                    "{id}: a table needs a horizontal scroll at 1280 px: {}",
                    t["box"]
                );
                // The last header row names the columns; a header of the row above spans
                // exactly the cells under it.
                let head = t["head"].as_array().unwrap();
                let names = head.last().unwrap().as_array().unwrap();
                if head.len() > 1 {
                    let mut col = 0usize;
                    for g in head[0].as_array().unwrap() {
                        let span = g["span"].as_u64().unwrap() as usize;
                        if span > 1 {
                            let (a, b) = (&names[col], &names[col + span - 1]);
                            assert!(
                                (f(g, "left") - f(a, "left")).abs() < 1.0
                                    && (f(g, "right") - f(b, "right")).abs() < 1.0,
                                "{id}: {} does not span its columns {a} .. {b}",
                                g["text"]
                            );
                            assert!(
                                f(g, "bottom") <= f(a, "top") + 0.5,
                                "{id}: {g} not above {a}"
                            );
                            col += span;
                        }
                    }
                }
                for row in t["rows"].as_array().unwrap() {
                    let cells = row.as_array().unwrap();
                    let width: u64 = cells.iter().map(|c| c["span"].as_u64().unwrap()).sum();
                    assert_eq!(width, columns, "{id}: a row of {width} columns: {row}");
                    for c in cells {
                        let Some(v) = c["v"].as_str() else { continue };
                        let v: f64 = v.parse().unwrap();
                        let text = c["text"].as_str().unwrap();
                        // A change 0 in every run: its number, and the words beside it.
                        let text = text
                            .strip_suffix(" (unchanged in every run)")
                            .unwrap_or(text);
                        // Not zero, below the printed precision: "+<0.05" / "-<0.05".
                        if let Some(sign) = text.strip_suffix("<0.05") {
                            assert!(
                                v != 0.0 && (100.0 * v).abs() < 0.05 + 1e-9,
                                "{id}: {} shows {text} for {v}",
                                c["k"]
                            );
                            assert_eq!(sign == "-", v < 0.0, "{id}: {text} for {v}");
                            continue;
                        }
                        let shown: f64 = text.trim_end_matches('%').parse().unwrap_or_else(|_| {
                            panic!("{id}: `{text}` is not a number ({})", c["k"])
                        });
                        assert!(
                            (shown - 100.0 * v).abs() <= 0.05 + 1e-9,
                            "{id}: {} shows {text} for {v}",
                            c["k"]
                        );
                        numbers += 1;
                    }
                }
            }
            assert!(numbers >= 50, "{id}: only {numbers} numbers");
        }
    }
}

mod terminal {
    use super::*;

    fn has_escape(bytes: &[u8]) -> bool {
        bytes.contains(&0x1b)
    }

    #[test]
    fn no_colour_when_stdout_is_not_a_terminal() {
        let out = Command::new(common::bin())
            .current_dir(root())
            .env_remove("NO_COLOR")
            .args(["run", BUNDLED, "--runs", "100", "--horizon-years", "1"])
            .output()
            .unwrap();
        succeeded(&out);
        assert!(!has_escape(&out.stdout));
    }

    /// Under a pseudo-terminal (util-linux `script`), colour appears unless NO_COLOR is set.
    #[test]
    #[cfg_attr(
        not(deter_has_script),
        ignore = "no util-linux `script` on PATH when the tests were built: colour on a terminal is not tested"
    )]
    fn colour_on_a_terminal_unless_no_color() {
        let script = which_script().expect("`script` was on PATH when the tests were built");
        let cmd = format!(
            "{} run {BUNDLED} --runs 100 --horizon-years 1 --quiet",
            env!("CARGO_BIN_EXE_deter")
        );
        let run = |no_color: bool| {
            let mut c = Command::new(&script);
            c.current_dir(root()).args(["-qec", &cmd, "/dev/null"]);
            if no_color {
                c.env("NO_COLOR", "1");
            } else {
                c.env_remove("NO_COLOR");
            }
            let out = c.output().unwrap();
            succeeded(&out);
            out.stdout
        };
        let coloured = run(false);
        assert!(has_escape(&coloured), "no colour on a terminal");
        assert!(String::from_utf8_lossy(&coloured).contains("Region-wide"));
        assert!(!has_escape(&run(true)), "colour despite NO_COLOR");
    }

    fn which_script() -> Result<PathBuf, ()> {
        let path = std::env::var_os("PATH").ok_or(())?;
        std::env::split_paths(&path)
            .map(|d| d.join("script"))
            .find(|p| p.is_file())
            .ok_or(())
    }
}

/// Per-year probabilities (issue 12): the cumulative share of runs with a use of force by the
/// end of year y is recomputed from the per-run CSV's month of first use of force; every
/// event's last cumulative value is its probability over the horizon; cumulative shares never
/// fall (never rise for `deterrence_held`) and bound the in-year shares; the CSV and the
/// `--yearly` table carry the same counts.
#[test]
fn yearly_event_probabilities_match_the_runs() {
    let dir = tmp();
    let (json, per_run) = (p(dir.path(), "r.json"), p(dir.path(), "runs.csv"));
    let args = [
        "run",
        BUNDLED,
        "--runs",
        "3000",
        "--seed",
        "5",
        "--horizon-years",
        "6",
        "-q",
    ];
    let mut with = args.to_vec();
    with.extend(["--format", "json", "--out", &json, "--per-run", &per_run]);
    deter(&with);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let years = v["yearly"].as_array().unwrap();
    assert_eq!(years.len(), 6);

    // Independent: months of first use of force, from the per-run rows (empty = none).
    let text = std::fs::read_to_string(&per_run).unwrap();
    let mut first_force: Vec<Option<u32>> = Vec::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        first_force.push(cells[5].parse().ok());
    }
    assert_eq!(first_force.len(), 3000);
    for (y, year) in years.iter().enumerate() {
        let by_end = first_force
            .iter()
            .filter(|m| m.is_some_and(|m| m < 12 * (y as u32 + 1)))
            .count() as u64;
        assert_eq!(
            year["events_by_end"]["use_of_force"]["count"], by_end,
            "year {y}"
        );
        assert_eq!(
            year["events_by_end"]["deterrence_held"]["count"],
            3000 - by_end,
            "year {y}"
        );
    }

    let keys: Vec<String> = v["outcomes"].as_object().unwrap().keys().cloned().collect();
    let count = |y: &serde_json::Value, w: &str, k: &str| y[w][k]["count"].as_u64().unwrap();
    for k in &keys {
        let held = k == "deterrence_held";
        assert_eq!(
            count(&years[0], "events_in_year", k),
            count(&years[0], "events_by_end", k)
        );
        assert_eq!(
            count(&years[5], "events_by_end", k),
            v["outcomes"][k]["count"].as_u64().unwrap(),
            "{k}: by the last year's end = over the horizon"
        );
        for w in years.windows(2) {
            let (a, b) = (
                count(&w[0], "events_by_end", k),
                count(&w[1], "events_by_end", k),
            );
            assert!(if held { b <= a } else { b >= a }, "{k}: {a} then {b}");
            let in_year = count(&w[1], "events_in_year", k);
            assert!(if held { in_year >= b } else { in_year <= b }, "{k}");
        }
    }

    // CSV: the same counts under `<event>_by_<year>`.
    let csv = String::from_utf8(deter(&[&args[..], &["--format", "csv"]].concat()).stdout).unwrap();
    let year0 = years[0]["year"].as_i64().unwrap();
    let row = format!(
        "region,use_of_force_by_{},count,{}",
        year0 + 5,
        count(&years[5], "events_by_end", "use_of_force")
    );
    assert!(csv.lines().any(|l| l.ends_with(&row)), "{row}");

    // Table: one line per year in each of the two blocks.
    let table = String::from_utf8(deter(&[&args[..], &["--yearly"]].concat()).stdout).unwrap();
    assert!(table.contains("share of runs by the year's end"), "{table}");
    let last = format!(
        "{:.1}%",
        100.0
            * years[5]["events_by_end"]["use_of_force"]["p"]
                .as_f64()
                .unwrap()
    );
    assert!(
        table
            .lines()
            .any(|l| l.trim_start().starts_with(&(year0 + 5).to_string()) && l.contains(&last)),
        "{table}"
    );
}

/// A share of nothing is undefined: with no alliance, no commitment is ever invoked, and
/// JSON says null / "undefined (n = 0)" and CSV has no p or interval rows, never
/// p = 0 with [0, 1].
#[test]
fn commitments_honoured_with_no_commitment_invoked_is_undefined() {
    let dir = tmp();
    let f = p(dir.path(), "no-alliance.toml");
    std::fs::write(
        &f,
        "[scenario]\nname = \"no alliance\"\nstart = \"2025-01\"\nhorizon_years = 3\n\
         [[country]]\nid = \"A\"\n[country.military]\nbudget = 2.0\n\
         [country.economic]\ngdp = 50.0\n\
         [[country]]\nid = \"B\"\n[country.military]\nbudget = 0.5\n\
         [country.economic]\ngdp = 10.0\n\
         [[rivalry]]\nchallenger = \"A\"\ntarget = \"B\"\n",
    )
    .unwrap();
    let out = deter(&["run", &f, "--runs", "200", "--format", "json", "-q"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &v["mechanisms"]["commitments"];
    assert_eq!(m["invoked"], 0, "{m}");
    assert!(m["honoured"].is_null(), "{m}");
    assert_eq!(m["honoured_undefined"], "undefined (n = 0)");
    let out = deter(&["run", &f, "--runs", "200", "--format", "csv", "-q"]);
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let cell = |stat: &str| -> String {
        rows.iter()
            .find(|x| &x[2] == "region" && &x[3] == "commitments_honoured" && &x[4] == stat)
            .unwrap_or_else(|| panic!("no row {stat}"))[5]
            .to_string()
    };
    assert_eq!(cell("n"), "0");
    assert_eq!(cell("count"), "0");
    for stat in ["p", "mc95_lo", "mc95_hi"] {
        assert!(
            !rows
                .iter()
                .any(|x| &x[2] == "region" && &x[3] == "commitments_honoured" && &x[4] == stat),
            "{stat}: a share of nothing has no value"
        );
    }
}

/// Interval names say what they measure (docs/OUTPUT.md): `mc95_*` for Monte Carlo Wilson
/// intervals, `paired95_*`/`unpaired95_*` for differences, in JSON, CSV and sweep rows; no
/// bare `lo`/`hi` or `ci_*` is left anywhere, and `schema_version` is 2.
mod interval_names {
    use super::*;

    /// Every object key anywhere in `v`.
    fn keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    out.insert(k.clone());
                    keys(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }

    /// Every object that carries `p` and `count` (a probability) has both Monte Carlo bounds
    /// around `p`; returns how many there were.
    fn probabilities(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(m) => {
                let own = if m.contains_key("p") && m.contains_key("count") {
                    let (lo, p, hi) = (
                        m["mc95_lo"].as_f64().expect("mc95_lo"),
                        m["p"].as_f64().unwrap(),
                        m["mc95_hi"].as_f64().expect("mc95_hi"),
                    );
                    assert!(lo <= p && p <= hi, "{v}");
                    1
                } else {
                    0
                };
                // The attribution's removal variants are counts behind paired differences:
                // their intervals are those of the differences (`paired95_*`), not their own.
                own + m
                    .iter()
                    .filter(|(k, _)| k.as_str() != "variants")
                    .map(|(_, x)| probabilities(x))
                    .sum::<usize>()
            }
            serde_json::Value::Array(a) => a.iter().map(probabilities).sum(),
            _ => 0,
        }
    }

    const OLD: [&str; 8] = [
        "lo",
        "hi",
        "ci_lo",
        "ci_hi",
        "paired",
        "unpaired",
        "diff_lo",
        "unpaired_lo",
    ];

    #[test]
    fn json_csv_and_sweep_rows_name_intervals_by_what_they_measure() {
        let run: serde_json::Value = serde_json::from_slice(
            &deter(&[
                "run",
                BUNDLED,
                "--runs",
                "200",
                "--horizon-years",
                "2",
                "--format",
                "json",
            ])
            .stdout,
        )
        .unwrap();
        assert_eq!(run["schema_version"], 2);
        let mut k = std::collections::BTreeSet::new();
        keys(&run, &mut k);
        for old in OLD {
            assert!(!k.contains(old), "run JSON still has `{old}`");
        }
        // outcomes (6) + mechanisms (4) + 2 x 6 per year, region and each rivalry.
        assert!(probabilities(&run) >= 2 * (10 + 2 * 6 * 2));

        let cmp: serde_json::Value = serde_json::from_slice(
            &deter(&[
                "compare",
                BUNDLED,
                ENVOY,
                "--runs",
                "200",
                "--horizon-years",
                "2",
                "--format",
                "json",
            ])
            .stdout,
        )
        .unwrap();
        assert_eq!(cmp["schema_version"], 2);
        let mut k = std::collections::BTreeSet::new();
        keys(&cmp, &mut k);
        for old in OLD {
            assert!(!k.contains(old), "comparison JSON still has `{old}`");
        }
        for o in cmp["region"]["outcomes"].as_array().unwrap() {
            let (lo, d, hi) = (
                o["paired95_lo"].as_f64().unwrap(),
                o["diff"].as_f64().unwrap(),
                o["paired95_hi"].as_f64().unwrap(),
            );
            assert!(lo <= d && d <= hi, "{o}");
            assert!(
                o["unpaired95_lo"].is_f64() && o["unpaired95_hi"].is_f64(),
                "{o}"
            );
        }
        for m in cmp["region"]["metrics"].as_array().unwrap() {
            assert!(
                m.get("paired95_lo").is_some() && m.get("paired95_hi").is_some(),
                "{m}"
            );
        }

        let csv = String::from_utf8(
            deter(&[
                "run",
                BUNDLED,
                "--runs",
                "200",
                "--horizon-years",
                "2",
                "--format",
                "csv",
            ])
            .stdout,
        )
        .unwrap();
        let stats: std::collections::BTreeSet<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').nth(1).unwrap())
            .collect();
        assert!(
            stats.contains("mc95_lo") && stats.contains("mc95_hi"),
            "{stats:?}"
        );
        for old in OLD {
            assert!(!stats.contains(old), "run CSV still has `{old}`");
        }
        let ccsv = String::from_utf8(
            deter(&[
                "compare",
                BUNDLED,
                ENVOY,
                "--runs",
                "200",
                "--horizon-years",
                "2",
                "--format",
                "csv",
            ])
            .stdout,
        )
        .unwrap();
        for old in ["diff_lo", "diff_hi", "unpaired_lo", "unpaired_hi", "ci_lo"] {
            assert!(
                !ccsv.contains(&format!(",{old},")),
                "comparison CSV still has `{old}`"
            );
        }

        let dir = tmp();
        let out = p(dir.path(), "rows.csv");
        deter(&[
            "sweep",
            "scenarios/sweeps/kosovo-budget-x-nato.toml",
            "--out",
            &out,
            "-q",
        ]);
        let header = std::fs::read_to_string(&out).unwrap();
        let header = header.lines().next().unwrap();
        assert!(
            header.contains(",use_of_force_p,use_of_force_mc95_lo,use_of_force_mc95_hi,"),
            "{header}"
        );
    }
}

/// `--plots DIR` for run and compare: every chart of the HTML report as a standalone SVG,
/// never over a file the command reads.
mod plots {
    use super::*;

    /// The figure ids of a page, in order.
    fn figure_ids(html: &str) -> Vec<String> {
        html.split("<figure id=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect()
    }

    fn check_dir(dir: &Path, html: &str) {
        let ids = figure_ids(html);
        assert!(ids.len() >= 5, "{ids:?}");
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut want: Vec<String> = ids.iter().map(|i| format!("{i}.svg")).collect();
        want.sort();
        assert_eq!(names, want);
        for id in &ids {
            let svg = std::fs::read_to_string(dir.join(format!("{id}.svg"))).unwrap();
            assert!(svg.starts_with("<?xml"), "{id}");
            assert!(
                svg.contains("<svg") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""),
                "{id}"
            );
            assert!(svg.trim_end().ends_with("</svg>"), "{id}");
            // The same drawing as in the page.
            let at = html.find(&format!("<figure id=\"{id}\"")).unwrap();
            let fig = &html[at..];
            let inner = &fig[fig.find("<svg").unwrap()..fig.find("</svg>").unwrap()];
            let body = inner.split_once('>').unwrap().1;
            assert!(svg.contains(body), "{id}: not the page's chart");
        }
    }

    #[test]
    fn run_and_compare_write_every_chart_of_their_report() {
        let dir = tmp();
        let (page, plots) = (dir.path().join("r.html"), dir.path().join("plots"));
        deter(&[
            "run",
            BUNDLED,
            "--runs",
            "200",
            "--horizon-years",
            "2",
            "-q",
            "--report",
            page.to_str().unwrap(),
            "--plots",
            plots.to_str().unwrap(),
        ]);
        check_dir(&plots, &std::fs::read_to_string(&page).unwrap());
        let (page, plots) = (dir.path().join("c.html"), dir.path().join("cplots"));
        deter(&[
            "compare",
            BUNDLED,
            KFOR,
            "--runs",
            "200",
            "--horizon-years",
            "2",
            "-q",
            "--report",
            page.to_str().unwrap(),
            "--plots",
            plots.to_str().unwrap(),
        ]);
        check_dir(&plots, &std::fs::read_to_string(&page).unwrap());
        // Without --report, the same charts.
        let only = dir.path().join("only");
        deter(&[
            "run",
            BUNDLED,
            "--runs",
            "200",
            "--horizon-years",
            "2",
            "-q",
            "--plots",
            only.to_str().unwrap(),
        ]);
        assert_eq!(
            std::fs::read_dir(&only).unwrap().count(),
            figure_ids(&std::fs::read_to_string(dir.path().join("r.html")).unwrap()).len()
        );
    }

    /// `deter ARGS` with the charts it drew counted (`DETER_COUNT_CHARTS`): how many.
    fn charts_drawn(args: &[&str]) -> usize {
        let out = common::deter()
            .env("NO_COLOR", "1")
            .env("DETER_COUNT_CHARTS", "1")
            .args(args)
            .output()
            .expect("deter runs");
        succeeded_for(&out, format_args!("deter {args:?} failed"));
        let err = String::from_utf8_lossy(&out.stderr);
        err.lines()
            .find_map(|l| l.strip_prefix("deter: drew ")?.strip_suffix(" charts"))
            .unwrap_or_else(|| panic!("no chart count: {err}"))
            .parse()
            .unwrap()
    }

    /// The `.svg` files of a directory.
    fn svg_files(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "svg")
            })
            .count()
    }

    /// `--plots` beside `--report` draws each chart once, in every command that has both:
    /// the page and the chart files take the same drawing, and the chart names are checked
    /// (before the work, and again before the first file is written) without drawing. Before,
    /// `deter merge --report --plots` drew every chart three times (four when the directory
    /// existed): 23 s against 2.4 s without `--plots` at 800 rivalries over 20 years.
    #[test]
    fn each_chart_is_drawn_once_for_the_page_and_the_plots() {
        let dir = tmp();
        let d = dir.path();
        let small = ["--runs", "40", "--horizon-years", "2", "-q"];
        let part = p(d, "part.json");
        let mut shard = vec!["run", BUNDLED, "--shard", "0/1", "--out", &part];
        shard.extend(small);
        deter(&shard);
        let cases: [(&str, Vec<&str>); 4] = [
            ("run", vec!["run", BUNDLED, KFOR]),
            ("compare", vec!["compare", BUNDLED, KFOR]),
            ("merge", vec!["merge", &part]),
            (
                "sweep",
                vec![
                    "sweep",
                    "scenarios/sweeps/kosovo-budget-x-nato.toml",
                    "--out",
                ],
            ),
        ];
        for (what, command) in cases {
            // A new directory, then the same one again (its chart names checked first).
            for round in ["new", "existing"] {
                let page = p(d, &format!("{what}.html"));
                let plots = p(d, &format!("{what}-plots"));
                let out = p(d, &format!("{what}-{round}.csv"));
                let mut args = command.clone();
                if what == "sweep" {
                    args.push(&out);
                }
                match what {
                    "merge" => args.push("-q"),
                    _ => args.extend(small),
                }
                args.extend(["--report", &page, "--plots", &plots]);
                let drawn = charts_drawn(&args);
                let files = svg_files(Path::new(&plots));
                assert!(files >= 5, "{what}: {files} charts");
                assert_eq!(drawn, files, "{what} ({round} directory): charts drawn");
            }
        }
    }

    #[test]
    fn plots_never_replace_a_file_the_command_reads() {
        let dir = tmp();
        let plots = dir.path().join("plots");
        std::fs::create_dir_all(&plots).unwrap();
        // The scenario itself, under the name one chart would take.
        let input = plots.join("chart-survival.svg");
        let text = std::fs::read_to_string(root().join(BUNDLED)).unwrap();
        std::fs::write(&input, &text).unwrap();
        for cmd in ["run", "compare"] {
            let mut args = vec![cmd, input.to_str().unwrap()];
            if cmd == "compare" {
                args.push(input.to_str().unwrap());
            }
            args.extend([
                "--runs",
                "50",
                "--horizon-years",
                "1",
                "-q",
                "--plots",
                plots.to_str().unwrap(),
            ]);
            let out = Command::new(common::bin())
                .current_dir(root())
                .args(&args)
                .output()
                .unwrap();
            assert!(!out.status.success(), "{cmd}: replaced its input");
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("chart-survival.svg"),
                "{cmd}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(std::fs::read_to_string(&input).unwrap(), text, "{cmd}");
        }
    }
}

/// The cost composition is printed so that its three shares add up to 100% exactly
/// (largest-remainder rounding), in the table (whole percents) and the HTML (tenths), while
/// the JSON keeps the exact shares.
mod composition {
    use super::*;
    use deter::report::largest_remainder;

    /// Random triples (a fixed-seed generator, no dependency on deter's): the rounded units
    /// add up to the total and each is within one unit of its exact quota; a triple whose
    /// shares are already whole is unchanged.
    #[test]
    fn largest_remainder_sums_to_the_total_within_one_unit_of_each_quota() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            // SplitMix64 (Steele, Lea & Flood 2014).
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut naive_off = 0;
        for i in 0..100_000 {
            let mut x = [next(), next(), next()];
            if i % 7 == 0 {
                x[i % 3] = 0.0; // a level with no cost
            }
            let sum: f64 = x.iter().sum();
            let shares = x.map(|v| v / sum);
            for total in [100u32, 1000] {
                let r = largest_remainder(shares, total);
                assert_eq!(r.iter().sum::<u32>(), total, "{shares:?}");
                for k in 0..3 {
                    let quota = f64::from(total) * shares[k];
                    assert!((f64::from(r[k]) - quota).abs() < 1.0, "{shares:?} -> {r:?}");
                    assert!(
                        r[k] == quota.floor() as u32 || r[k] == quota.ceil() as u32,
                        "{shares:?} -> {r:?}"
                    );
                }
                let naive: u32 = shares
                    .iter()
                    .map(|s| (f64::from(total) * s).round() as u32)
                    .sum();
                naive_off += usize::from(naive != total);
            }
        }
        // The case this exists for is common: rounding each alone misses the total.
        assert!(naive_off > 10_000, "{naive_off}");
        assert_eq!(largest_remainder([0.25, 0.5, 0.25], 100), [25, 50, 25]);
        assert_eq!(largest_remainder([1.0 / 3.0; 3], 100), [34, 33, 33]);
        assert_eq!(largest_remainder([0.0; 3], 100), [0, 0, 0]);
    }

    /// Parse "military M%, political P%, economic E%" from a table line.
    fn shares_in(line: &str) -> [u32; 3] {
        let mut out = [0; 3];
        for (k, level) in ["military ", "political ", "economic "].iter().enumerate() {
            let at = line.find(level).unwrap() + level.len();
            let end = at + line[at..].find('%').unwrap();
            out[k] = line[at..end].parse().unwrap();
        }
        out
    }

    #[test]
    fn printed_shares_add_up_to_100_in_table_and_html_over_many_seeds() {
        let dir = tmp();
        let mut checked = 0;
        for (file, seed) in [BUNDLED, ENVOY, KFOR]
            .iter()
            .flat_map(|f| ["1", "2", "3", "4", "5", "6"].map(|s| (*f, s)))
        {
            let json_path = p(dir.path(), "r.json");
            let page = p(dir.path(), "r.html");
            let out = deter(&[
                "run",
                file,
                "--runs",
                "60",
                "--horizon-years",
                "2",
                "--seed",
                seed,
                "--no-attribution",
                "--threads",
                "1",
            ]);
            let table = String::from_utf8(out.stdout).unwrap();
            deter(&[
                "run",
                file,
                "--runs",
                "60",
                "--horizon-years",
                "2",
                "--seed",
                seed,
                "--no-attribution",
                "--threads",
                "1",
                "--format",
                "json",
                "--out",
                &json_path,
                "--report",
                &page,
                "--quiet",
            ]);
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
            let exact: Vec<[f64; 3]> = std::iter::once(&json)
                .chain(json["rivalries"].as_array().unwrap())
                .map(|e| {
                    let c = &e["cost_composition"];
                    ["military", "political", "economic"].map(|k| c[k].as_f64().unwrap())
                })
                .collect();
            // Table: one line per rivalry, whole percents adding to 100, each within one
            // point of the exact share.
            let lines: Vec<&str> = table
                .lines()
                .filter(|l| l.contains("challenger's expected cost of challenging, by level"))
                .collect();
            assert_eq!(lines.len(), exact.len() - 1, "{table}");
            for (line, x) in lines.iter().zip(&exact[1..]) {
                let s = shares_in(line);
                if x.iter().sum::<f64>() == 0.0 {
                    assert_eq!(s, [0, 0, 0]);
                    continue;
                }
                assert_eq!(s.iter().sum::<u32>(), 100, "{line}");
                for k in 0..3 {
                    assert!(
                        (f64::from(s[k]) - 100.0 * x[k]).abs() < 1.0,
                        "{line} vs {x:?}"
                    );
                }
                checked += 1;
            }
            // HTML: the composition table's rows, in tenths of a percent.
            let html = std::fs::read_to_string(&page).unwrap();
            let section = &html[html.find("<section id=\"levels\"").unwrap()..];
            let section = &section[..section.find("</section>").unwrap()];
            for row in section.split("<tr><td>").skip(1) {
                let cells: Vec<(f64, f64)> = row
                    .split("data-v=\"")
                    .skip(1)
                    .map(|c| {
                        let v: f64 = c[..c.find('"').unwrap()].parse().unwrap();
                        let t = &c[c.find('>').unwrap() + 1..c.find("%<").unwrap()];
                        (v, t.parse().unwrap())
                    })
                    .collect();
                assert_eq!(cells.len(), 3, "{row}");
                let shown: f64 = cells.iter().map(|c| c.1).sum();
                if cells.iter().all(|c| c.0 == 0.0) {
                    continue;
                }
                assert!((shown - 100.0).abs() < 1e-9, "{row}: {shown}");
                for (v, t) in cells {
                    assert!((t - 100.0 * v).abs() < 0.1 + 1e-9, "{row}");
                }
            }
        }
        assert!(checked >= 18, "{checked}");
    }
}

/// Every HTML report is byte-identical across repeated runs and thread counts (with the
/// date pinned by SOURCE_DATE_EPOCH): run, compare, sweep and merge. Each page is written by
/// two processes (so anything depending on a per-process hash seed differs) with different
/// `--threads`; merge from two and from three shards.
mod reproducible {
    use super::*;

    fn page(args: &[&str], out: &Path) -> Vec<u8> {
        let status = Command::new(common::bin())
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args(args)
            .arg("--quiet")
            .status()
            .expect("deter runs");
        assert!(status.success(), "deter {args:?}");
        std::fs::read(out).expect("the page was written")
    }

    fn assert_same(what: &str, a: &[u8], b: &[u8]) {
        if a != b {
            let at = a
                .iter()
                .zip(b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let show = |x: &[u8]| {
                String::from_utf8_lossy(&x[at.saturating_sub(80)..(at + 80).min(x.len())])
                    .into_owned()
            };
            panic!(
                "{what}: pages differ at byte {at}:\n{}\n---\n{}",
                show(a),
                show(b)
            );
        }
    }

    #[test]
    fn run_and_compare_reports_are_byte_identical_for_any_thread_count() {
        let dir = tmp();
        let out = dir.path().join("r.html");
        let o = out.to_str().unwrap();
        for file in [BUNDLED, "scenarios/history/russia-baltic-2014.toml"] {
            let run = |threads: &str| {
                page(
                    &[
                        "run",
                        file,
                        "--runs",
                        "150",
                        "--horizon-years",
                        "3",
                        "--threads",
                        threads,
                        "--report",
                        o,
                    ],
                    &out,
                )
            };
            assert_same(file, &run("1"), &run("2"));
        }
        let cmp = |threads: &str| {
            page(
                &[
                    "compare",
                    BUNDLED,
                    ENVOY,
                    "--runs",
                    "150",
                    "--horizon-years",
                    "3",
                    "--threads",
                    threads,
                    "--report",
                    o,
                ],
                &out,
            )
        };
        assert_same("compare", &cmp("1"), &cmp("2"));
    }

    /// The comparison page is written one part at a time (a section; in the differences,
    /// the attribution's shift and the tri-level table, one entity's part): a part left out,
    /// doubled, cut at the wrong place or written out of turn changes the page's bytes. The
    /// page of a fixed comparison (three rivalries; what-ifs on both sides; B changing a
    /// value of A's file; the attribution's shift) equals, byte for byte, the page that the
    /// build before the streaming wrote, sections rendered whole, with the same command
    /// and date (tests/data/comparison-page/expected.html). Regenerate it only with a change
    /// meant to alter the page.
    #[test]
    fn comparison_page_is_the_page_the_whole_sections_gave() {
        let dir = tmp();
        let out = dir.path().join("c.html");
        let o = out.to_str().unwrap();
        let page = page(
            &[
                "compare",
                "tests/data/comparison-page/a.toml",
                "tests/data/comparison-page/b.toml",
                "--set",
                "model.war_cost=0.9",
                "--set-b",
                "power.DEU.in_theatre=0.2",
                "--runs",
                "200",
                "--horizon-years",
                "2",
                "--report",
                o,
            ],
            &out,
        );
        let expected = std::fs::read(root().join("tests/data/comparison-page/expected.html"))
            .expect("the expected page");
        // The case has what the parts are cut around: every rivalry's differences and shift.
        let text = String::from_utf8_lossy(&expected);
        for id in ["chart-diff-3", "attribution-shift", "chart-levels"] {
            assert!(text.contains(id), "{id}");
        }
        assert_same("compare --report", &page, &expected);
    }

    /// The run page is written one part at a time (a section; in the outcomes, the escalation
    /// ladder, the attribution and the sections by year, one rivalry's or entity's part): a
    /// part left out, doubled, cut at the wrong place or written out of turn changes the
    /// page's bytes. The page of two fixed runs (three rivalries, then one; a what-if; the
    /// attribution) equals, byte for byte, the page that the build before the streaming of
    /// those sections wrote, with the same command and date
    /// (tests/data/run-page/expected.html). Regenerate it only with a change meant to alter
    /// the page.
    #[test]
    fn run_page_is_the_page_the_whole_sections_gave() {
        let dir = tmp();
        let out = dir.path().join("r.html");
        let o = out.to_str().unwrap();
        let page = page(
            &[
                "run",
                "tests/data/comparison-page/a.toml",
                "tests/data/baltic-type.toml",
                "--set",
                "model.war_cost=0.9",
                "--runs",
                "200",
                "--horizon-years",
                "2",
                "--report",
                o,
            ],
            &out,
        );
        let expected = std::fs::read(root().join("tests/data/run-page/expected.html"))
            .expect("the expected page");
        // The case has what the parts are cut around: each rivalry's outcomes and ladder,
        // each entity's attribution, in both articles (one rivalry in the second).
        let text = String::from_utf8_lossy(&expected);
        for id in [
            "chart-outcomes-2",
            "chart-escalation-2",
            "id=\"attribution\"",
            "s1-chart-escalation-0",
            "id=\"s1-attribution\"",
        ] {
            assert!(text.contains(id), "{id}");
        }
        assert_same("run --report", &page, &expected);
    }

    #[test]
    fn sweep_and_merge_reports_are_byte_identical_for_any_thread_count_and_split() {
        let dir = tmp();
        let out = dir.path().join("s.html");
        let o = out.to_str().unwrap();
        let csv = p(dir.path(), "s.csv");
        let sweep = |threads: &str| {
            std::fs::remove_file(&csv).ok();
            page(
                &[
                    "sweep",
                    "scenarios/sweeps/kosovo-budget-x-nato.toml",
                    "--runs",
                    "30",
                    "--horizon-years",
                    "2",
                    "--threads",
                    threads,
                    "--out",
                    &csv,
                    "--report",
                    o,
                ],
                &out,
            )
        };
        assert_same("sweep", &sweep("1"), &sweep("2"));

        let merged = |shards: u32| {
            let mut parts = Vec::new();
            for k in 0..shards {
                let part = p(dir.path(), &format!("part-{shards}-{k}.json"));
                page(
                    &[
                        "run",
                        BUNDLED,
                        "--runs",
                        "150",
                        "--horizon-years",
                        "3",
                        "--shard",
                        &format!("{k}/{shards}"),
                        "--out",
                        &part,
                    ],
                    Path::new(&part),
                );
                parts.push(part);
            }
            let mut args = vec!["merge"];
            args.extend(parts.iter().map(String::as_str));
            args.extend(["--report", o]);
            page(&args, &out)
        };
        assert_same("merge", &merged(2), &merged(3));
    }
}

/// The note under the region-wide table said of crisis opportunities "most pass without any
/// militarised action", false for the template `deter init` writes, whose own rivalry line
/// said "no challenge 4.9%" (of its crisis opportunities). The note now says only what holds
/// in every scenario (an opportunity, whether or not the challenger acted on it) and where
/// the share that passed without a challenge is; here that share is recomputed from the
/// rivalry line and the claim the note no longer makes is false.
#[test]
fn the_crisis_note_claims_nothing_the_numbers_contradict() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path().join("t.toml");
    let o = deter(&["init", t.to_str().unwrap()]);
    succeeded(&o);
    // The template's challenger as it was when the note was wrong (dissatisfaction 0.7: the
    // template now has 0.2, a calmer first example, where most opportunities do pass).
    let o = deter(&[
        "run",
        t.to_str().unwrap(),
        "--runs",
        "2000",
        "--no-attribution",
        "--set",
        "rivalry.AAA-BBB.dissatisfaction=0.7",
    ]);
    succeeded(&o);
    let table = String::from_utf8(o.stdout).unwrap();
    let note = table
        .lines()
        .find(|l| l.trim_start().starts_with("(crisis opportunity:"))
        .unwrap_or_else(|| panic!("no crisis note:\n{table}"));
    assert_eq!(
        note.trim(),
        "(crisis opportunity: a moment when the challenger could escalate, whether or not it \
         did; per rivalry below, \"no challenge\" is the share of its opportunities that \
         passed without any militarised action)"
    );
    // The share the note points to: under half in this file, so "most pass without" was false.
    let share: f64 = table
        .split("no challenge ")
        .nth(1)
        .and_then(|r| r.split('%').next())
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("no `no challenge` share:\n{table}"));
    assert!(share < 50.0, "{share}");
}

mod policies {
    //! Every output names the dated policies the numbers include and the month each took
    //! effect: a run of a scenario with policies printed its results without them.
    use super::*;

    /// `(id, start as written)` of every `[[policy]]` written in the scenario file `path`
    /// (or in the file it `extends`, first), read here from the TOML, not from deter.
    fn written(path: &str) -> Vec<(String, String)> {
        let text = std::fs::read_to_string(root().join(path)).expect("scenario");
        let doc: toml::Table = toml::from_str(&text).expect("TOML");
        let mut out = match doc.get("extends").and_then(|e| e.as_str()) {
            Some(base) => {
                let dir = Path::new(path).parent().expect("dir");
                written(dir.join(base).to_str().expect("path"))
            }
            None => Vec::new(),
        };
        for p in doc
            .get("policy")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
        {
            out.push((
                p["id"].as_str().expect("id").to_string(),
                p["start"].as_str().expect("start").to_string(),
            ));
        }
        out
    }

    fn run(args: &[&str]) -> String {
        String::from_utf8(deter(args).stdout).expect("UTF-8")
    }

    #[test]
    fn a_run_names_its_policies_and_when_each_took_effect_in_every_format() {
        let file = "scenarios/combined-proposals.toml";
        let policies = written(file);
        assert!(policies.len() >= 5, "{policies:?}");
        let base = ["run", file, "--runs", "50", "--no-attribution", "--quiet"];
        let json: serde_json::Value =
            serde_json::from_str(&run(&[&base[..], &["--format", "json"]].concat())).unwrap();
        let listed = json["policies"].as_array().expect("`policies` in the JSON");
        assert_eq!(listed.len(), policies.len());
        for ((id, start), p) in policies.iter().zip(listed) {
            assert_eq!(p["id"], id.as_str());
            assert_eq!(p["start"], start.as_str());
            // Every policy of the file starts within the horizon, after the start: in effect
            // from its own date.
            assert_eq!(p["in_effect_from"], start.as_str(), "{id}");
            assert_eq!(p["enabled"], true);
        }
        let table = run(&base);
        let line = table
            .lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.starts_with("Policies: "))
            .unwrap_or_else(|| panic!("no policies line under the header:\n{table}"));
        for (id, start) in &policies {
            assert!(line.contains(&format!("{id} from {start}")), "{id}: {line}");
        }
        let csv = run(&[&base[..], &["--format", "csv"]].concat());
        for (id, start) in &policies {
            let (y, m) = start.split_once('-').unwrap();
            let m = m.trim_start_matches('0');
            for (stat, v) in [
                ("applied", "1"),
                ("in_effect_from_year", y),
                ("in_effect_from_month", m),
            ] {
                let row = format!(",scenario,policy_{id},{stat},{v}\n");
                assert!(csv.contains(&row), "no `{row}` in the CSV");
            }
        }
        let dir = tmp();
        let page_path = p(dir.path(), "r.html");
        run(&[&base[..], &["--report", &page_path]].concat());
        let page = std::fs::read_to_string(&page_path).unwrap();
        for (id, start) in &policies {
            assert!(
                page.contains(&format!("<code>{id}</code>"))
                    && page.contains(&format!(" from {start}")),
                "{id} from {start} not on the page"
            );
        }
        assert!(page.contains("<p class=\"policies\">Policies, from their dates: "));
    }

    #[test]
    fn a_policy_dated_before_the_start_or_after_the_horizon_says_so() {
        let early = run(&[
            "run",
            "tests/warn/policy-before-start.toml",
            "--runs",
            "20",
            "--no-attribution",
            "--quiet",
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&early).unwrap();
        assert_eq!(v["policies"][0]["start"], "2020-06");
        assert_eq!(
            v["policies"][0]["in_effect_from"], "2025-01",
            "the first month"
        );
        let late_args = [
            "run",
            "tests/warn/policy-after-horizon.toml",
            "--runs",
            "20",
            "--no-attribution",
            "--quiet",
        ];
        let late: serde_json::Value =
            serde_json::from_str(&run(&[&late_args[..], &["--format", "json"]].concat())).unwrap();
        assert_eq!(
            late["policies"][0]["in_effect_from"],
            serde_json::Value::Null
        );
        assert_eq!(
            late["policies"][0]["in_effect_from_undefined"],
            "never applied: dated at or after the horizon's end (2035-01)"
        );
        assert_eq!(
            v["policies"][0]["in_effect_from_undefined"],
            serde_json::Value::Null
        );
        let table = run(&late_args);
        assert!(
            table.contains("Policies: late (from 2040-01, after the horizon: not applied)"),
            "{table}"
        );
        let csv = run(&[&late_args[..], &["--format", "csv"]].concat());
        assert!(csv.contains(",scenario,policy_late,applied,0\n"), "{csv}");
        assert!(!csv.contains("policy_late,in_effect_from"), "{csv}");
    }

    #[test]
    fn a_comparison_names_both_sides_policies() {
        let a = "scenarios/western-balkans-2024.toml";
        let b = "scenarios/mediu-tri-level.toml";
        let policies = written(b);
        assert!(written(a).is_empty());
        let base = [
            "compare",
            a,
            b,
            "--runs",
            "50",
            "--no-attribution",
            "--quiet",
        ];
        let table = run(&base);
        assert!(table.contains("\nA policies: none\n"), "{table}");
        let line = table
            .lines()
            .find(|l| l.starts_with("B policies: "))
            .unwrap_or_else(|| panic!("no B policies line:\n{table}"));
        for (id, start) in &policies {
            assert!(line.contains(&format!("{id} from {start}")), "{id}: {line}");
        }
        let json: serde_json::Value =
            serde_json::from_str(&run(&[&base[..], &["--format", "json"]].concat())).unwrap();
        assert!(json["a"].get("policies").is_none());
        assert_eq!(
            json["b"]["policies"].as_array().unwrap().len(),
            policies.len()
        );
        let csv = run(&[&base[..], &["--format", "csv"]].concat());
        for (id, _) in &policies {
            assert!(
                csv.contains(&format!(",scenario,policy_{id},applied_b,1\n")),
                "{id}"
            );
        }
        let dir = tmp();
        let page_path = p(dir.path(), "c.html");
        run(&[&base[..], &["--report", &page_path]].concat());
        let page = std::fs::read_to_string(&page_path).unwrap();
        assert!(page.contains("A policies: none"), "A's note");
        assert!(page.contains("<th>B policies</th>"), "B's provenance row");
        for (id, _) in &policies {
            assert!(page.contains(&format!("<code>{id}</code>")), "{id}");
        }
    }

    /// `(first month, months of the horizon)` of the bundled scenario envoy.toml extends,
    /// read here from its TOML: `start = "YYYY-MM"` as months since year 0, and
    /// `horizon_years` x 12.
    fn window() -> (i64, i64) {
        let text = std::fs::read_to_string(root().join(BUNDLED)).expect("scenario");
        let doc: toml::Table = toml::from_str(&text).expect("TOML");
        let s = &doc["scenario"];
        let (y, m) = s["start"].as_str().unwrap().split_once('-').unwrap();
        let first = y.parse::<i64>().unwrap() * 12 + m.parse::<i64>().unwrap() - 1;
        (first, s["horizon_years"].as_integer().unwrap() * 12)
    }

    /// The month a policy whose start is the decimal year `x` (`year + (month - 1) / 12`, to
    /// the nearest month: docs/SCENARIO.md) takes effect in a run of the bundled scenario:
    /// its own month, the scenario's first for one dated before it, none at or after the
    /// horizon's end. Recomputed here from the rule, not by deter.
    fn month_of(x: f64) -> Option<String> {
        let (first, months) = window();
        let m = ((x * 12.0).round() as i64).max(first);
        (m < first + months).then(|| format!("{:04}-{:02}", m / 12, m % 12 + 1))
    }

    /// The envoy scenario (policy `envoy`, written from 2025-07) with a prior over its start
    /// spanning dates before the scenario's start and after its horizon.
    fn uncertain_start(dir: &Path) -> String {
        let envoy = root().join(ENVOY).display().to_string();
        let text = format!(
            "extends = {envoy:?}\n\n[[uncertain]]\npath = \"policy.envoy.start\"\n\
             range = [2023.0, 2037.0]\n"
        );
        write(dir, "uncertain-start.toml", &text)
            .display()
            .to_string()
    }

    /// The header of the partial file `path` (its second line, `"header":{...},`).
    fn header_of(path: &str) -> serde_json::Value {
        let text = std::fs::read_to_string(path).unwrap();
        let line = text.lines().nth(1).unwrap().trim_end_matches(',');
        serde_json::from_str::<serde_json::Value>(&format!("{{{line}}}")).unwrap()["header"].clone()
    }

    #[test]
    fn a_nested_run_names_its_policies_and_the_month_of_each_draw() {
        let dir = tmp();
        let file = uncertain_start(dir.path());
        let base = [
            "run",
            file.as_str(),
            "--draws",
            "24",
            "--runs",
            "4",
            "--quiet",
        ];
        let json_text = run(&[&base[..], &["--format", "json"]].concat());
        let json: serde_json::Value = serde_json::from_str(&json_text).unwrap();
        let policies = json["policies"].as_array().expect("`policies` in the JSON");
        assert_eq!(policies.len(), 1);
        let envoy = &policies[0];
        // As written, as a run lists it.
        assert_eq!(envoy["id"], "envoy");
        assert_eq!(envoy["start"], "2025-07");
        assert_eq!(envoy["in_effect_from"], "2025-07");
        let paths = json["parameters"]["paths"].as_array().unwrap();
        assert_eq!(paths, &[serde_json::json!("policy.envoy.start")]);
        let values = json["parameters"]["values"].as_array().unwrap();
        let per_draw = envoy["in_effect_from_per_draw"]
            .as_array()
            .expect("per draw");
        assert_eq!(per_draw.len(), values.len());
        let expected: Vec<Option<String>> = values
            .iter()
            .map(|row| month_of(row[0].as_f64().unwrap()))
            .collect();
        for (d, (got, want)) in per_draw.iter().zip(&expected).enumerate() {
            assert_eq!(got.as_str(), want.as_deref(), "draw {d}: {}", values[d]);
        }
        // The prior's range reaches before the start and past the horizon: the draws test
        // all three cases.
        let (first, _) = window();
        let first = format!("{:04}-{:02}", first / 12, first % 12 + 1);
        assert!(expected.iter().any(Option::is_none), "{expected:?}");
        assert!(expected.contains(&Some(first)), "{expected:?}");
        let csv = run(&[&base[..], &["--format", "csv"]].concat());
        assert!(
            csv.contains(",scenario,policy_envoy,in_effect_from_month,7\n"),
            "{csv}"
        );
        for (d, want) in expected.iter().enumerate() {
            let row = |stat: &str, v: &str| format!(",draw:{d},policy_envoy,{stat},{v}\n");
            match want {
                Some(m) => {
                    let (y, mo) = m.split_once('-').unwrap();
                    assert!(csv.contains(&row("applied", "1")), "draw {d}");
                    assert!(csv.contains(&row("in_effect_from_year", y)), "draw {d}");
                    let mo = mo.trim_start_matches('0');
                    assert!(csv.contains(&row("in_effect_from_month", mo)), "draw {d}");
                }
                None => assert!(csv.contains(&row("applied", "0")), "draw {d}"),
            }
        }
        let applied: Vec<&String> = expected.iter().flatten().collect();
        let (lo, hi) = (applied.iter().min().unwrap(), applied.iter().max().unwrap());
        let never = expected.len() - applied.len();
        let words = format!(
            "Policies: envoy from 2025-07 (in the draws: from {lo} to {hi}; not applied in \
             {never} of {})",
            expected.len()
        );
        let table = run(&base);
        assert!(table.contains(&words), "{words}\n{table}");
        let page_path = p(dir.path(), "n.html");
        run(&[&base[..], &["--report", &page_path]].concat());
        let page = std::fs::read_to_string(&page_path).unwrap();
        assert!(
            page.contains(&format!(
                "<p class=\"policies\">{}",
                words.replace("Policies:", "Policies, from their dates:")
            )),
            "{page}"
        );
        // Its shards merge to the same bytes, the policies included.
        let mut parts = Vec::new();
        for k in 0..3 {
            let part = p(dir.path(), &format!("n{k}.part"));
            let shard = format!("{k}/3");
            run(&[&base[..], &["--shard", &shard, "--out", &part]].concat());
            parts.push(part);
        }
        let header = header_of(&parts[0]);
        assert_eq!(
            header["policies"][0]["in_effect_from"], "2025-07",
            "{header}"
        );
        let merged = run(&[
            &["merge"],
            &parts.iter().map(String::as_str).collect::<Vec<_>>()[..],
            &["--format", "json", "--quiet"],
        ]
        .concat());
        assert_eq!(merged, json_text);
    }

    /// A nested comparison names A's and B's dated policies as a nested run names its own
    /// (out29 left it out): the JSON's `policies_a` and `policies_b` with the month of each
    /// draw (recomputed from the drawn decimal years), the CSV's rows of each side with the
    /// statistics' `_a` and `_b` (entity `scenario`, and `draw:D`), the table's and the
    /// page's lines in the nested run's words under a comparison's labels.
    #[test]
    fn a_nested_comparison_names_both_sides_policies_and_the_month_of_each_draw() {
        let dir = tmp();
        let a = uncertain_start(dir.path());
        let b = root().join(ENVOY).display().to_string();
        let base = [
            "compare",
            a.as_str(),
            b.as_str(),
            "--draws",
            "12",
            "--runs",
            "4",
            "--quiet",
        ];
        let json: serde_json::Value =
            serde_json::from_str(&run(&[&base[..], &["--format", "json"]].concat())).unwrap();
        assert_eq!(json["kind"], "nested_comparison");
        let values = json["parameters"]["values"].as_array().unwrap();
        let expected: Vec<Option<String>> = values
            .iter()
            .map(|row| month_of(row[0].as_f64().unwrap()))
            .collect();
        assert!(expected.iter().any(Option::is_none), "{expected:?}");
        for side in ["policies_a", "policies_b"] {
            let listed = json[side].as_array().unwrap_or_else(|| panic!("`{side}`"));
            assert_eq!(listed.len(), 1, "{side}");
            assert_eq!(listed[0]["id"], "envoy", "{side}");
            assert_eq!(listed[0]["in_effect_from"], "2025-07", "{side}");
            let per_draw = listed[0]["in_effect_from_per_draw"].as_array().unwrap();
            let got: Vec<Option<&str>> = per_draw.iter().map(|m| m.as_str()).collect();
            let want: Vec<Option<&str>> = expected.iter().map(|m| m.as_deref()).collect();
            assert_eq!(got, want, "{side}");
        }
        let csv = run(&[&base[..], &["--format", "csv"]].concat());
        for side in ["_a", "_b"] {
            assert!(
                csv.contains(&format!(
                    ",scenario,policy_envoy,in_effect_from_month{side},7\n"
                )),
                "{side}: {csv}"
            );
            for (d, want) in expected.iter().enumerate() {
                let row =
                    |stat: &str, v: &str| format!(",draw:{d},policy_envoy,{stat}{side},{v}\n");
                match want {
                    Some(m) => {
                        let (y, _) = m.split_once('-').unwrap();
                        assert!(csv.contains(&row("applied", "1")), "draw {d}{side}");
                        assert!(
                            csv.contains(&row("in_effect_from_year", y)),
                            "draw {d}{side}"
                        );
                    }
                    None => assert!(csv.contains(&row("applied", "0")), "draw {d}{side}"),
                }
            }
        }
        let applied: Vec<&String> = expected.iter().flatten().collect();
        let (lo, hi) = (applied.iter().min().unwrap(), applied.iter().max().unwrap());
        let never = expected.len() - applied.len();
        let words = format!(
            "envoy from 2025-07 (in the draws: from {lo} to {hi}; not applied in {never} of {})",
            expected.len()
        );
        let table = run(&base);
        for label in ["A policies", "B policies"] {
            assert!(
                table.contains(&format!("{label}: {words}\n")),
                "{label}\n{table}"
            );
        }
        let page_path = p(dir.path(), "nc.html");
        run(&[&base[..], &["--report", &page_path]].concat());
        let page = std::fs::read_to_string(&page_path).unwrap();
        for label in ["A policies", "B policies"] {
            let note = format!("<p class=\"policies\">{label}, from their dates: {words}</p>");
            assert!(page.contains(&note), "{note}\n{page}");
        }
    }

    #[test]
    fn a_sweeps_records_carry_each_points_months() {
        let dir = tmp();
        let envoy = root().join(ENVOY).display().to_string();
        let starts = [2023.5, 2026.5, 2030.25, 2036.0];
        let sweep = write(
            dir.path(),
            "starts.toml",
            &format!(
                "base = {envoy:?}\nruns = 4\nseed = 5\ndesign = \"grid\"\n\n[[parameter]]\n\
                 path = \"policy.envoy.start\"\nrole = \"lever\"\nvalues = {starts:?}\n"
            ),
        )
        .display()
        .to_string();
        let full = p(dir.path(), "full.json");
        run(&[
            "sweep", &sweep, "--format", "json", "--out", &full, "--quiet",
        ]);
        let text = std::fs::read_to_string(&full).unwrap();
        let records: Vec<serde_json::Value> = text
            .lines()
            .skip(1)
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(records.len(), starts.len());
        for (r, &x) in records.iter().zip(&starts) {
            assert_eq!(r["values"][0].as_f64(), Some(x));
            let listed = r["policies"].as_array().expect("`policies` in the record");
            assert_eq!(listed.len(), 1);
            assert_eq!(listed[0]["id"], "envoy");
            assert_eq!(
                listed[0]["in_effect_from"].as_str(),
                month_of(x).as_deref(),
                "{x}"
            );
        }
        assert!(
            records
                .iter()
                .any(|r| r["policies"][0]["in_effect_from"].is_null())
        );
        // A CSV row's columns are its header's: unchanged.
        let csv = run(&["sweep", &sweep, "--quiet"]);
        assert!(!csv.contains("policies"), "{csv}");
        // The page names the policy in a nested run's words, with the months over the points
        // (recomputed from the swept decimal years).
        let months: Vec<Option<String>> = starts.iter().map(|&x| month_of(x)).collect();
        let applied: Vec<&String> = months.iter().flatten().collect();
        let (lo, hi) = (applied.iter().min().unwrap(), applied.iter().max().unwrap());
        let never = months.len() - applied.len();
        assert!(never > 0 && lo != hi, "{months:?}");
        let note = format!(
            "<p class=\"policies\">Policies, from their dates: envoy from 2025-07 (in the \
             points: from {lo} to {hi}; not applied in {never} of {})</p>",
            months.len()
        );
        let page_path = p(dir.path(), "starts.html");
        run(&[
            "sweep",
            &sweep,
            "--report",
            &page_path,
            "--out",
            &p(dir.path(), "s.csv"),
            "--quiet",
        ]);
        let page = std::fs::read_to_string(&page_path).unwrap();
        assert!(page.contains(&note), "{note}\n{page}");
        // The merged shards' records are the unsharded ones, byte for byte.
        let mut parts = Vec::new();
        for k in 0..2 {
            let part = p(dir.path(), &format!("s{k}.part"));
            let shard = format!("{k}/2");
            run(&[
                "sweep", &sweep, "--shard", &shard, "--out", &part, "--quiet",
            ]);
            parts.push(part);
        }
        let merged = p(dir.path(), "merged.json");
        run(&[
            "merge", &parts[0], &parts[1], "--format", "json", "--out", &merged, "--quiet",
        ]);
        assert_eq!(std::fs::read_to_string(&merged).unwrap(), text);
    }

    #[test]
    fn shards_record_their_policies_and_shards_of_other_policies_are_refused() {
        let dir = tmp();
        let envoy = std::fs::read_to_string(root().join(ENVOY)).unwrap();
        let bundled = root().join(BUNDLED).display().to_string();
        let late = write(
            dir.path(),
            "late.toml",
            &envoy
                .replace("start = \"2025-07\"", "start = \"2027-01\"")
                .replace(
                    "\"../../scenarios/western-balkans-2024.toml\"",
                    &format!("{bundled:?}"),
                ),
        )
        .display()
        .to_string();
        let part = |file: &str, k: u32, name: &str| {
            let out = p(dir.path(), name);
            let shard = format!("{k}/2");
            run(&[
                "run", file, "--runs", "20", "--shard", &shard, "--out", &out, "--quiet",
            ]);
            out
        };
        let (a0, a1, b1) = (
            part(ENVOY, 0, "a0.part"),
            part(ENVOY, 1, "a1.part"),
            part(&late, 1, "b1.part"),
        );
        for (path, month) in [(&a0, "2025-07"), (&b1, "2027-01")] {
            let h = header_of(path);
            assert_eq!(h["policies"][0]["id"], "envoy", "{h}");
            assert_eq!(h["policies"][0]["in_effect_from"], month, "{h}");
        }
        let merged = run(&["merge", &a0, &a1, "--format", "json", "--quiet"]);
        let merged: serde_json::Value = serde_json::from_str(&merged).unwrap();
        let whole = run(&["run", ENVOY, "--runs", "20", "--format", "json", "--quiet"]);
        let whole: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(merged["policies"], whole["policies"]);
        assert_eq!(merged["policies"][0]["in_effect_from"], "2025-07");
        let out = common::deter()
            .args(["merge", &a0, &b1, "--quiet"])
            .output()
            .unwrap();
        let err = refused(&out);
        assert!(err.contains("header.policies"), "{err}");
        assert!(
            err.contains("`envoy from 2027-01`, not `envoy from 2025-07`"),
            "{err}"
        );
        // The dated policies differ with the validated input: the root is named too.
        assert!(
            err.contains("and its validated input differs, header.sha256"),
            "{err}"
        );
    }

    /// A levers x futures sweep's shard records the dated policies of every policy option it
    /// ran, not its base scenario's alone (which has none here: the header said nothing of
    /// the options' `envoy`); shards of sweeps whose options date their policies otherwise
    /// are refused at `header.policies`.
    #[test]
    fn a_levers_x_futures_shard_records_every_options_policies() {
        let dir = tmp();
        let envoy = std::fs::read_to_string(root().join(ENVOY)).unwrap();
        let bundled = root().join(BUNDLED).display().to_string();
        assert!(
            !std::fs::read_to_string(root().join(BUNDLED))
                .unwrap()
                .contains("[[policy]]")
        );
        let late = write(
            dir.path(),
            "late.toml",
            &envoy
                .replace("start = \"2025-07\"", "start = \"2027-01\"")
                .replace(
                    "\"../../scenarios/western-balkans-2024.toml\"",
                    &format!("{bundled:?}"),
                ),
        )
        .display()
        .to_string();
        let envoy_path = root().join(ENVOY).display().to_string();
        let sweep = |name: &str, options: &[(&str, &str)]| {
            let mut text = format!(
                "base = {bundled:?}\nruns = 4\nseed = 5\ndesign = \"lhs\"\npoints = 2\n\n\
                 [[policy]]\nid = \"base\"\n"
            );
            for (id, file) in options {
                text.push_str(&format!("\n[[policy]]\nid = {id:?}\nfile = {file:?}\n"));
            }
            text.push_str(
                "\n[[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\n\
                 range = [0.5, 0.95]\n",
            );
            write(dir.path(), name, &text).display().to_string()
        };
        let both = sweep("both.toml", &[("envoy", &envoy_path), ("late", &late)]);
        let one = sweep("one.toml", &[("envoy", &envoy_path), ("late", &envoy_path)]);
        let part = |file: &str, k: u32, name: &str| {
            let out = p(dir.path(), name);
            let shard = format!("{k}/2");
            run(&["sweep", file, "--shard", &shard, "--out", &out, "--quiet"]);
            out
        };
        let (b0, o1) = (part(&both, 0, "b0.part"), part(&one, 1, "o1.part"));
        let months = |path: &str| -> Vec<String> {
            let h = header_of(path);
            h["policies"]
                .as_array()
                .unwrap_or_else(|| panic!("`policies` in {h}"))
                .iter()
                .map(|p| format!("{} {}", p["id"].as_str().unwrap(), p["in_effect_from"]))
                .collect()
        };
        assert_eq!(
            months(&b0),
            ["envoy \"2025-07\"", "envoy \"2027-01\""],
            "each option's policies, in the options' order"
        );
        assert_eq!(months(&o1), ["envoy \"2025-07\""], "listed once");
        let out = common::deter()
            .args(["merge", &b0, &o1, "--quiet"])
            .output()
            .unwrap();
        let err = refused(&out);
        assert!(err.contains("header.policies"), "{err}");
    }
}
