//! Reports as a user sees them: the HTML page (structure, numbers, a real browser), the tidy
//! CSV, several files in one run, and `deter compare` with common random numbers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BUNDLED: &str = "scenarios/western-balkans-2024.toml";
const ENVOY: &str = "tests/data/envoy.toml";
const KFOR: &str = "tests/data/kfor.toml";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn deter(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_deter"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("deter runs");
    assert!(
        out.status.success(),
        "deter {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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
        for id in [
            "chart-outcomes-region",
            "chart-outcomes-0",
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
            "chart-diff-1",
            "chart-levels",
            "chart-outcomes-A",
            "chart-outcomes-B",
            "chart-survival-A",
            "chart-survival-B",
        ] {
            assert!(
                html.contains(&format!("<figure id=\"{id}\"")),
                "chart {id} missing"
            );
        }
        assert!(assert_matches_json(&html, &json) > 80);
    }
}

mod csv_format {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            r.headers().unwrap().iter().collect::<Vec<_>>(),
            ["scenario", "entity", "metric", "statistic", "value"]
        );
        r.records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
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
            find("SRB-XKX", "deterrence_military", "share"),
            json["rivalries"][0]["deterrence_levels"]["military"]
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
            "diff_lo",
            "diff_hi",
            "unpaired_lo",
            "unpaired_hi",
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

    fn without_timing(mut v: serde_json::Value) -> serde_json::Value {
        v.as_object_mut().unwrap().remove("timing");
        v
    }

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
                without_timing(both[i].clone()),
                without_timing(one),
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

    #[test]
    fn different_horizons_are_refused() {
        let dir = tmp();
        let short = dir.path().join("short.toml");
        std::fs::write(
            &short,
            format!(
                "extends = \"{}\"\n[scenario]\nhorizon_years = 3\n",
                root().join(BUNDLED).display()
            ),
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_deter"))
            .current_dir(root())
            .args(["compare", BUNDLED, short.to_str().unwrap(), "--runs", "10"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
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
        assert!(
            out.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
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
        let bad = dir.path().join("bad.html");
        std::fs::write(&bad, "<!DOCTYPE html><html><body><p>x</p><script>console.error('deliberate')</script></body></html>").unwrap();
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
        assert!(out.status.success());
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
}

mod terminal {
    use super::*;

    fn has_escape(bytes: &[u8]) -> bool {
        bytes.contains(&0x1b)
    }

    #[test]
    fn no_colour_when_stdout_is_not_a_terminal() {
        let out = Command::new(env!("CARGO_BIN_EXE_deter"))
            .current_dir(root())
            .env_remove("NO_COLOR")
            .args(["run", BUNDLED, "--runs", "100", "--horizon-years", "1"])
            .output()
            .unwrap();
        assert!(out.status.success());
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
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
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
            .find(|x| &x[1] == "region" && &x[2] == "commitments_honoured" && &x[3] == stat)
            .unwrap_or_else(|| panic!("no row {stat}"))[4]
            .to_string()
    };
    assert_eq!(cell("n"), "0");
    assert_eq!(cell("count"), "0");
    for stat in ["p", "ci_lo", "ci_hi"] {
        assert!(
            !rows
                .iter()
                .any(|x| &x[1] == "region" && &x[2] == "commitments_honoured" && &x[3] == stat),
            "{stat}: a share of nothing has no value"
        );
    }
}
