//! HTML exporter: one self-contained page (inline CSS and SVG; no scripts, fonts or
//! anything else fetched) that opens in any browser and prints cleanly.
//!
//! Every number taken from a [`Report`] is written with `data-k` (a JSON pointer into that
//! report's JSON, or the comparison's) and `data-v` (the exact value), so tests can check the
//! page against the JSON of the same run. Charts come from [`super::charts`]; everything a
//! page shows is read from the [`Report`] (the JSON contract), never from engine tallies.

use std::fmt::Write;

use super::charts::{self, Band, Bar, Curve, DiffRow, LevelRow};
use super::compare::ComparisonReport;
use super::{LevelsOut, Outcomes, Report};
use crate::model::STEPS_PER_YEAR;
use crate::outputs::{COUNTS, EVENTS, METRICS};
use crate::scenario::{Actor, Scenario};

/// Everything the page of one run needs.
pub struct RunView<'a> {
    pub report: &'a Report,
    pub scenario: &'a Scenario,
    /// The file it came from, for the provenance table.
    pub source: &'a str,
}

const LEVEL_LABELS: [&str; 6] = [
    "0 no opportunity",
    "1 no challenge",
    "2 threat",
    "3 display",
    "4 use of force",
    "5 war",
];

const CSS: &str = r#"
:root { --ink: #1d1d1f; --muted: #5a5a5a; --line: #d0d0d0; --accent: #0072b2; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 980px; padding: 24px; line-height: 1.45; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; border-bottom: 2px solid var(--accent); padding-bottom: 2px; margin-top: 1.8em; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
p.lead { color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 0.88em; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.n.undef { white-space: normal; text-align: center; }
figure { margin: 10px 0 16px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.85em; }
details summary { cursor: pointer; color: var(--accent); font-size: 0.9em; }
.yes { color: #b34700; font-weight: 600; }
.chart-error { color: #b00020; font-weight: 600; }
.scroll { overflow-x: auto; }
table.wide { font-size: 0.78em; }
table.wide th { white-space: normal; }
.bleed { width: min(1232px, calc(100vw - 48px)); margin-left: calc((100% - min(1232px, calc(100vw - 48px))) / 2); }
th.group { text-align: center; border-bottom: 3px solid var(--line); }
th.g-mil { border-bottom-color: #0072b2; } th.g-pol { border-bottom-color: #e69f00; } th.g-eco { border-bottom-color: #009e73; }
th.ci { text-align: center; }
p.note { color: var(--muted); font-style: italic; }
.key { display: inline-block; width: 0.9em; height: 0.9em; vertical-align: -0.1em; margin: 0 0.25em 0 0.8em; }
.mil { background: #0072b2; } .pol { background: #e69f00; } .eco { background: #009e73; }
article + article { border-top: 4px double var(--line); margin-top: 3em; }
@page { margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  .scroll { overflow: visible; }
  .bleed { width: auto; margin-left: 0; }
  table.wide { font-size: 0.6em; }
  details summary { display: none; }
  article + article { break-before: page; }
}
"#;

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A table cell holding a number from the JSON at pointer `k`, shown as `text`.
pub(super) fn cell(k: &str, v: f64, text: String) -> String {
    format!(
        "<td class=\"n\" data-k=\"{}\" data-v=\"{v}\">{}</td>",
        esc(k),
        esc(&text)
    )
}

/// The two cells (low, high) of an interval, or one cell spanning both that says why there
/// is none ("undefined (n = 1)").
fn interval_cells(
    k: &str,
    i: Option<&crate::report::compare::IntervalOut>,
    undefined: &Option<String>,
    fmt: impl Fn(f64) -> String,
) -> String {
    match i {
        Some(i) => {
            cell(&format!("{k}_lo"), i.lo, fmt(i.lo)) + &cell(&format!("{k}_hi"), i.hi, fmt(i.hi))
        }
        None => format!(
            "<td class=\"n\" colspan=\"2\" data-k=\"{}_lo\">{}</td>",
            esc(k),
            esc(&super::table::readable_reason(
                undefined.as_deref().unwrap_or("undefined")
            ))
        ),
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn pct_cell(k: &str, v: f64) -> String {
    cell(k, v, pct(v))
}

fn num(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

const LEVEL_KEY: &str = "<span class=\"key mil\"></span>military<span class=\"key pol\"></span>political<span class=\"key eco\"></span>economic. ";

fn figure(id: &str, svg: String, caption: &str) -> String {
    format!(
        "<figure id=\"{}\" class=\"chart\">{svg}<figcaption>{caption}</figcaption></figure>\n",
        esc(id)
    )
}

/// Today's date (UTC) as YYYY-MM-DD, or the date of `SOURCE_DATE_EPOCH` when set (for
/// reproducible pages).
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), by eras of 400 years.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"deter {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        crate::ENGINE_VERSION,
        esc(title)
    );
}

/// A self-contained page with the report's style around `body` (HTML).
pub fn page(title: &str, body: &str) -> String {
    let mut out = String::new();
    head(&mut out, title);
    out.push_str(body);
    out.push_str("</body>\n</html>\n");
    out
}

fn scenario_section(out: &mut String, s: &Scenario) {
    let _ = writeln!(out, "<section id=\"scenario\"><h2>Scenario</h2>");
    let _ = writeln!(
        out,
        "<p>Start {}, horizon {} years; money in {}.</p>",
        s.meta.start,
        s.meta.horizon_years,
        esc(&s.meta.currency)
    );
    let _ = writeln!(
        out,
        "<h3>Countries</h3><div class=\"scroll bleed\"><table class=\"wide countries\"><thead>\
         <tr><th colspan=\"3\"></th><th class=\"group g-mil\" colspan=\"5\">military</th>\
         <th class=\"group g-pol\" colspan=\"3\">political</th><th class=\"group g-eco\" colspan=\"3\">economic</th></tr>\
         <tr><th>id</th><th>name</th><th>status</th>\
         <th class=\"n\">defence budget</th><th class=\"n\">% GDP</th><th class=\"n\">capability</th>\
         <th class=\"n\">readiness</th><th class=\"n\">interop.</th><th class=\"n\">cohesion</th>\
         <th class=\"n\">narrative</th><th class=\"n\">reputation</th><th class=\"n\">GDP</th>\
         <th class=\"n\">growth</th><th class=\"n\">trade with West</th></tr></thead><tbody>"
    );
    for c in &s.countries {
        let (m, p, e) = (&c.military, &c.political, &c.economic);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td>\
             <td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td class=\"n\">{:.0}%</td></tr>",
            esc(&c.id),
            esc(&c.name),
            c.status.as_str(),
            num(m.budget),
            100.0 * m.budget_share,
            num(m.capability),
            m.readiness,
            m.interoperability,
            p.cohesion,
            p.narrative,
            p.reputation,
            num(e.gdp),
            100.0 * e.growth,
            100.0 * e.trade_west
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");
    let actors = |list: &[Actor]| {
        list.iter()
            .map(|&a| esc(s.actor_id(a)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !s.powers.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Outside powers</h3><table><thead><tr><th>id</th><th>name</th><th class=\"n\">capability</th>\
             <th class=\"n\">in theatre</th><th class=\"n\">interop.</th><th class=\"n\">substitution</th></tr></thead><tbody>"
        );
        for p in &s.powers {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td></tr>",
                esc(&p.id),
                esc(&p.name),
                num(p.params.capability),
                p.params.in_theatre,
                p.params.interoperability,
                p.params.substitution
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }
    if !s.alliances.is_empty() || !s.deployments.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Alliances and forces in theatre</h3><table><thead><tr><th>id</th><th>name</th>\
             <th>members / contributors</th><th class=\"n\">reliability</th></tr></thead><tbody>"
        );
        for a in &s.alliances {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:.2}</td></tr>",
                esc(&a.id),
                esc(&a.name),
                actors(&a.members),
                a.params.reliability
            );
        }
        for d in &s.deployments {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{} (in {})</td><td>{}</td><td class=\"n\">{:.2}</td></tr>",
                esc(&d.id),
                esc(&d.name),
                esc(&s.countries[d.host].id),
                actors(&d.contributors),
                d.params.reliability
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }
    let _ = writeln!(
        out,
        "<h3>Rivalries</h3><table><thead><tr><th>id</th><th>challenger</th><th>target</th>\
         <th class=\"n\">stakes</th><th class=\"n\">dissatisfaction</th><th class=\"n\">tension</th>\
         <th class=\"n\">opportunities/yr</th><th class=\"n\">monitoring</th><th class=\"n\">sanctions credibility</th></tr></thead><tbody>"
    );
    for r in &s.rivalries {
        let p = &r.params;
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td>\
             <td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td></tr>",
            esc(&r.id),
            esc(&s.countries[r.challenger].id),
            esc(&s.countries[r.target].id),
            p.stakes,
            p.dissatisfaction,
            p.tension,
            p.opportunity_rate,
            p.monitoring,
            p.sanctions_credibility
        );
    }
    let _ = writeln!(out, "</tbody></table>");
    let _ = writeln!(out, "<h3>Policies</h3>");
    if s.policies.is_empty() {
        let _ = writeln!(out, "<p>None.</p>");
    } else {
        let _ = writeln!(
            out,
            "<table><thead><tr><th>id</th><th>name</th><th>from</th><th>enabled</th><th>changes</th></tr></thead><tbody>"
        );
        for p in &s.policies {
            let changes: Vec<String> =
                p.changes
                    .iter()
                    .map(|c| {
                        let op = match c.op {
                            crate::scenario::ChangeOp::Set(v) => format!("= {v}"),
                            crate::scenario::ChangeOp::Add(v) => format!("+= {v}"),
                            crate::scenario::ChangeOp::Scale(v) => format!("*= {v}"),
                        };
                        esc(&format!("{} {op}", c.path))
                    })
                    .chain(p.joins.iter().map(|&(a, m)| {
                        esc(&format!("{} joins {}", s.actor_id(m), s.alliances[a].id))
                    }))
                    .collect();
            let ramp = if p.ramp_years > 0.0 {
                format!(" (over {} years)", p.ramp_years)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}<br><small>{}</small></td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
                esc(&p.id),
                esc(&p.name),
                esc(&p.description),
                p.start,
                esc(&ramp),
                if p.enabled { "yes" } else { "no" },
                changes.join("<br>")
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }
    let _ = writeln!(out, "</section>");
}

fn outcome_table(out: &mut String, prefix: &str, o: &Outcomes) {
    let _ = writeln!(
        out,
        "<table class=\"outcomes\"><thead><tr><th>over the horizon</th><th class=\"n\">probability</th>\
         <th class=\"n ci\" colspan=\"2\">Monte Carlo 95% interval</th><th class=\"n\">runs</th></tr></thead><tbody>"
    );
    for ((key, p), e) in o.entries().zip(&EVENTS) {
        let label = e.label;
        let k = format!("{prefix}/outcomes/{key}");
        let _ = writeln!(
            out,
            "<tr><td>{label}</td>{}{}{}{}</tr>",
            pct_cell(&format!("{k}/p"), p.p),
            pct_cell(&format!("{k}/mc95_lo"), p.lo),
            pct_cell(&format!("{k}/mc95_hi"), p.hi),
            cell(&format!("{k}/count"), p.count as f64, p.count.to_string())
        );
    }
    let _ = writeln!(out, "</tbody></table>");
}

fn outcome_bars<'a>(o: &'a Outcomes) -> Vec<Bar<'a>> {
    o.entries()
        .zip(&EVENTS)
        .map(|((_, p), e)| Bar {
            label: e.label,
            p: p.p,
            lo: p.lo,
            hi: p.hi,
        })
        .collect()
}

fn level_row<'a>(label: &'a str, l: &LevelsOut) -> LevelRow<'a> {
    LevelRow {
        label,
        shares: [l.military, l.political, l.economic],
    }
}

/// Survival S(t) = share of runs without use of force by t (years), as a step curve, from
/// a report's `survival_by_month`.
pub fn survival_points(by_month: &[f64]) -> Vec<(f64, f64)> {
    let mut pts = vec![(0.0, 1.0)];
    let mut alive = 1.0;
    for (m, &s) in by_month.iter().enumerate() {
        let x = (m + 1) as f64 / STEPS_PER_YEAR as f64;
        if s != alive {
            pts.push((x, alive));
            pts.push((x, s));
            alive = s;
        }
    }
    pts.push((by_month.len() as f64 / STEPS_PER_YEAR as f64, alive));
    pts
}

fn run_article(out: &mut String, v: &RunView<'_>, index: usize) {
    let r = v.report;
    let s = v.scenario;
    let _ = writeln!(
        out,
        "<article data-report=\"{index}\">\n<header><h1>{}</h1><p class=\"lead\">{}</p></header>",
        esc(&r.scenario),
        esc(&s.meta.description)
    );
    out.push_str(&overrides_note(
        "What-ifs (<code>--set</code>)",
        "",
        &r.overrides,
    ));
    scenario_section(out, s);

    // Outcomes.
    let _ = writeln!(
        out,
        "<section id=\"outcomes\"><h2>Outcome probabilities</h2>\
         <p>Share of runs in which each event happened at least once within the horizon (deterrence held: \
         no use of force in any month of the horizon, a state that holds throughout), with \
         Monte Carlo 95% intervals (Wilson; whiskers): more runs narrow them; they say nothing \
         about the model's assumptions. MID: militarised interstate dispute hostility level.</p>"
    );
    let _ = writeln!(out, "<h3>Region-wide</h3>");
    out.push_str(&figure(
        "chart-outcomes-region",
        charts::probability_bars("Region-wide", &outcome_bars(&r.outcomes)),
        "Region-wide: any rivalry.",
    ));
    outcome_table(out, "", &r.outcomes);
    let single = r.rivalries.len() == 1;
    if let [rv] = r.rivalries.as_slice() {
        let _ = writeln!(
            out,
            "<p class=\"note\">One rivalry ({} -> {}): its figures are the region-wide ones above.</p>",
            esc(&rv.challenger),
            esc(&rv.target)
        );
    }
    for (i, rv) in r.rivalries.iter().enumerate().filter(|_| !single) {
        let title = format!("{} ({} -> {})", rv.id, rv.challenger, rv.target);
        let _ = writeln!(out, "<h3>Rivalry {}</h3>", esc(&title));
        out.push_str(&figure(
            &format!("chart-outcomes-{i}"),
            charts::probability_bars(&title, &outcome_bars(&rv.outcomes)),
            &esc(&format!("Rivalry {title}.")),
        ));
        outcome_table(out, &format!("/rivalries/{i}"), &rv.outcomes);
    }
    let _ = writeln!(out, "</section>");

    // Escalation ladder.
    let _ = writeln!(
        out,
        "<section id=\"escalation\"><h2>Escalation ladder</h2>\
         <p>Share of runs whose crises reached at least each MID (militarised interstate \
         dispute) hostility level at least once: 2 threat, 3 display of force, 4 use of force, \
         5 war. The table also gives the highest level each run reached (0: no crisis \
         opportunity; 1: opportunities, none challenged).</p>"
    );
    for (i, rv) in r.rivalries.iter().enumerate() {
        let reached: Vec<f64> = (2..6).map(|k| rv.escalation[k..].iter().sum()).collect();
        let labels: Vec<String> = LEVEL_LABELS[2..]
            .iter()
            .map(|s| format!("level {s}"))
            .collect();
        out.push_str(&figure(
            &format!("chart-escalation-{i}"),
            charts::category_bars(
                &format!("{}: reached at least level k", rv.id),
                "reached at least MID level k",
                &labels,
                &reached,
            ),
            &esc(&format!(
                "Rivalry {}: share of runs that reached at least each level.",
                rv.id
            )),
        ));
        let _ = writeln!(
            out,
            "<table><thead><tr><th>MID level</th><th class=\"n\">highest level reached</th>\
             <th class=\"n\">reached at least this level</th></tr></thead><tbody>"
        );
        for (k, label) in LEVEL_LABELS.iter().enumerate() {
            let at_least: f64 = rv.escalation[k..].iter().sum();
            let _ = writeln!(
                out,
                "<tr><td>{label}</td>{}<td class=\"n\">{}</td></tr>",
                pct_cell(&format!("/rivalries/{i}/escalation/{k}"), rv.escalation[k]),
                if k >= 2 { pct(at_least) } else { String::new() }
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }
    let _ = writeln!(out, "</section>");

    // Which level deters (the attribution), when it was computed.
    if let Some(a) = &r.attribution {
        let only = (r.rivalries.len() == 1).then(|| r.rivalries[0].id.as_str());
        super::attribution::html_section(out, a, r.horizon_years, only);
    }

    // Tri-level breakdown.
    let _ = writeln!(
        out,
        "<section id=\"levels\"><h2>Composition of the challenger's expected cost</h2>\
         <p>A diagnostic, not an answer to which level deters: the share of the challenger's \
         expected cost of challenging in the crisis game that comes from the military, political \
         and economic levels (summed over challenge decisions).</p>"
    );
    let mut rows = vec![level_row("region", &r.cost_composition)];
    rows.extend(
        r.rivalries
            .iter()
            .filter(|_| !single)
            .map(|rv| level_row(&rv.id, &rv.cost_composition)),
    );
    out.push_str(&figure(
        "chart-levels",
        charts::level_bars("Tri-level breakdown", &rows),
        &format!("{LEVEL_KEY}Shares of the challenger's expected cost by level."),
    ));
    let _ = writeln!(
        out,
        "<table><thead><tr><th></th><th class=\"n\">military</th><th class=\"n\">political</th>\
         <th class=\"n\">economic</th></tr></thead><tbody>"
    );
    let level_line = |out: &mut String, label: &str, prefix: &str, l: &LevelsOut| {
        // Tenths of a percent by the largest-remainder method: the row adds up to 100.0%.
        let t = l.rounded(1000);
        let shown = |k: usize| format!("{}.{}%", t[k] / 10, t[k] % 10);
        let _ = writeln!(
            out,
            "<tr><td>{}</td>{}{}{}</tr>",
            esc(label),
            cell(
                &format!("{prefix}/cost_composition/military"),
                l.military,
                shown(0)
            ),
            cell(
                &format!("{prefix}/cost_composition/political"),
                l.political,
                shown(1)
            ),
            cell(
                &format!("{prefix}/cost_composition/economic"),
                l.economic,
                shown(2)
            )
        );
    };
    level_line(out, "region", "", &r.cost_composition);
    for (i, rv) in r.rivalries.iter().enumerate().filter(|_| !single) {
        level_line(
            out,
            &rv.id,
            &format!("/rivalries/{i}"),
            &rv.cost_composition,
        );
    }
    let _ = writeln!(out, "</tbody></table></section>");

    // Crisis counts.
    let crises = &r.metrics.distributions[0];
    let _ = writeln!(
        out,
        "<section id=\"crises\"><h2>Crises per run</h2><p>Crisis opportunities per run, all \
         rivalries together. Mean {} (p5 {}, median {}, p95 {}).</p>",
        cell(
            &format!("/metrics/{}/mean", METRICS[0].key),
            crises.mean,
            num(crises.mean)
        )
        .replace("<td class=\"n\"", "<span")
        .replace("</td>", "</span>"),
        num(crises.p05),
        num(crises.p50),
        num(crises.p95)
    );
    let shares = &r.crises_histogram;
    let labels: Vec<String> = (0..shares.len()).map(|k| k.to_string()).collect();
    out.push_str(&figure(
        "chart-crises",
        charts::category_bars("Crisis opportunities per run", "crises", &labels, shares),
        "Histogram of crisis opportunities per run.",
    ));
    let _ = writeln!(out, "</section>");

    // Survival.
    let horizon = r.survival_by_month.len() as f64 / f64::from(STEPS_PER_YEAR);
    let mut curves = vec![Curve {
        label: "region",
        points: survival_points(&r.survival_by_month),
    }];
    for rv in r.rivalries.iter().filter(|_| !single) {
        curves.push(Curve {
            label: &rv.id,
            points: survival_points(&rv.survival_by_month),
        });
    }
    let censored = r.metrics.years_to_first_use_of_force.censored_share;
    let _ = writeln!(
        out,
        "<section id=\"survival\"><h2>Time to first use of force</h2>\
         <p>Share of runs without any use of force (MID level 4 or 5) by each time. At the \
         horizon: {}.</p>",
        cell(
            "/metrics/years_to_first_use_of_force/censored_share",
            censored,
            pct(censored)
        )
        .replace("<td class=\"n\"", "<span")
        .replace("</td>", "</span>")
    );
    out.push_str(&figure(
        "chart-survival",
        charts::survival("Survival: no use of force yet", horizon, &curves),
        "Kaplan-Meier-style step curve; every run is observed to the horizon, so nothing is censored early.",
    ));
    let _ = writeln!(out, "</section>");

    // Per-year probabilities.
    yearly_section(out, r, single);

    // Fan charts.
    let _ = writeln!(
        out,
        "<section id=\"fans\"><h2>Tension and balance by year</h2>\
         <p>Per-year percentile bands at each year's end: p5-p95 (light), p25-p75 (dark), median (line). \
         The balance is M_A / M_T (challenger over target, whole military capabilities, allies included; not the share each side commits to the theatre, which the crisis uses; log scale).</p>"
    );
    for (i, rv) in r.rivalries.iter().enumerate() {
        let bands = |f: &dyn Fn(&super::YearOut) -> Option<&super::BandOut>| -> Vec<Band> {
            rv.yearly
                .iter()
                .filter_map(|y| {
                    let b = f(y)?;
                    Some(Band {
                        year: f64::from(y.year),
                        p05: b.p05,
                        p25: b.p25,
                        p50: b.p50,
                        p75: b.p75,
                        p95: b.p95,
                    })
                })
                .collect()
        };
        let _ = writeln!(out, "<h3>Rivalry {}</h3>", esc(&rv.id));
        out.push_str(&figure(
            &format!("chart-tension-{i}"),
            charts::fan(
                &format!("{}: tension", rv.id),
                "tension",
                &bands(&|y| y.tension.as_ref()),
                false,
            ),
            "Tension in [0, 1].",
        ));
        out.push_str(&figure(
            &format!("chart-balance-{i}"),
            charts::fan(
                &format!("{}: balance M_A/M_T (whole capabilities)", rv.id),
                "M_A / M_T",
                &bands(&|y| y.balance.as_ref()),
                true,
            ),
            "Balance of whole military capabilities, challenger over target (allies included).",
        ));
        let _ = writeln!(
            out,
            "<details><summary>Band values</summary><table><thead><tr><th>year</th>\
             <th class=\"n\">tension p5</th><th class=\"n\">p25</th><th class=\"n\">p50</th><th class=\"n\">p75</th><th class=\"n\">p95</th>\
             <th class=\"n\">balance p5</th><th class=\"n\">p25</th><th class=\"n\">p50</th><th class=\"n\">p75</th><th class=\"n\">p95</th></tr></thead><tbody>"
        );
        for (y, yo) in rv.yearly.iter().enumerate() {
            let _ = write!(out, "<tr><td>{}</td>", yo.year);
            for (name, b) in [("tension", &yo.tension), ("balance", &yo.balance)] {
                let Some(b) = b else { continue };
                for (q, x) in [
                    ("p05", b.p05),
                    ("p25", b.p25),
                    ("p50", b.p50),
                    ("p75", b.p75),
                    ("p95", b.p95),
                ] {
                    out.push_str(&cell(
                        &format!("/rivalries/{i}/yearly/{y}/{name}/{q}"),
                        x,
                        num(x),
                    ));
                }
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</tbody></table></details>");
    }
    let _ = writeln!(out, "</section>");

    // Provenance.
    let _ = writeln!(
        out,
        "<section id=\"provenance\"><h2>Provenance</h2><table><tbody>\
         <tr><th>engine</th><td>deter {}</td></tr>\
         <tr><th>scenario file</th><td>{}</td></tr>\
         <tr><th>scenario SHA-256</th><td><code>{}</code></td></tr>\
         <tr><th>seed</th>{}</tr>\
         <tr><th>runs</th>{}</tr>\
         <tr><th>horizon</th><td>{} years, {} steps per year</td></tr>\
         {}<tr><th>RNG</th><td>{}</td></tr>\
         <tr><th>date</th><td>{}</td></tr>\
         </tbody></table><p>Same scenario, seed, runs and engine version give the same numbers on any number of threads.</p></section>",
        esc(r.engine_version),
        esc(v.source),
        esc(&r.scenario_sha256),
        cell("/seed", r.seed as f64, r.seed.to_string()).replace("class=\"n\" ", ""),
        cell("/runs", r.runs as f64, r.runs.to_string()).replace("class=\"n\" ", ""),
        r.horizon_years,
        r.steps_per_year,
        overrides_row("what-ifs (--set)", "", &r.overrides),
        esc(r.rng),
        today()
    );
    let _ = writeln!(out, "</article>");
}

/// Per year, region-wide and per rivalry: the cumulative share of runs with each event by
/// the year's end (chart) and the share in the year and by its end (table).
fn yearly_section(out: &mut String, r: &Report, single: bool) {
    let _ = writeln!(
        out,
        "<section id=\"yearly\"><h2>Events by year</h2>\
         <p>Share of runs in which each event happened by the end of each year (lines), and \
         in the year itself (table). For deterrence held: no use of force so far, or in the year.</p>"
    );
    let entities = std::iter::once(("Region-wide".to_string(), String::new(), &r.yearly)).chain(
        r.rivalries
            .iter()
            .enumerate()
            .filter(|_| !single)
            .map(|(i, rv)| {
                (
                    format!("Rivalry {}", rv.id),
                    format!("/rivalries/{i}"),
                    &rv.yearly,
                )
            }),
    );
    for (n, (title, prefix, years)) in entities.enumerate() {
        if years.is_empty() {
            continue;
        }
        let curves: Vec<Curve<'_>> = EVENTS
            .iter()
            .enumerate()
            .map(|(k, e)| Curve {
                label: e.label,
                points: years
                    .iter()
                    .map(|y| (f64::from(y.year), y.events_by_end.0[k].p))
                    .collect(),
            })
            .collect();
        let _ = writeln!(out, "<h3>{}</h3>", esc(&title));
        out.push_str(&figure(
            &format!("chart-yearly-{n}"),
            charts::by_year(
                &format!("{title}: by the end of each year"),
                "share of runs",
                &curves,
            ),
            "Cumulative share of runs with each event by the end of the year.",
        ));
        let _ = write!(
            out,
            "<details><summary>Values</summary><table><thead><tr><th>year</th>"
        );
        for e in &EVENTS {
            let _ = write!(
                out,
                "<th class=\"n\">{} in year</th><th class=\"n\">by its end</th>",
                esc(e.label)
            );
        }
        let _ = writeln!(out, "</tr></thead><tbody>");
        for (y, yo) in years.iter().enumerate() {
            let _ = write!(out, "<tr><td>{}</td>", yo.year);
            for (e, (a, b)) in EVENTS
                .iter()
                .zip(yo.events_in_year.0.iter().zip(&yo.events_by_end.0))
            {
                let k = format!("{prefix}/yearly/{y}");
                out.push_str(&pct_cell(&format!("{k}/events_in_year/{}/p", e.key), a.p));
                out.push_str(&pct_cell(&format!("{k}/events_by_end/{}/p", e.key), b.p));
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</tbody></table></details>");
        let counts: Vec<Curve<'_>> = COUNTS
            .iter()
            .enumerate()
            .map(|(k, c)| Curve {
                label: c.label,
                points: years
                    .iter()
                    .map(|y| (f64::from(y.year), y.counts.0[k].mean))
                    .collect(),
            })
            .collect();
        out.push_str(&figure(
            &format!("chart-yearly-counts-{n}"),
            charts::counts_by_year(
                &format!("{title}: events counted in each year"),
                "mean count per run",
                &counts,
            ),
            "Mean number of events in each year per run. Each crisis is counted once, at its \
             highest MID level; non-state incidents are not MID levels and never a use of force \
             by a state.",
        ));
        let _ = write!(
            out,
            "<details><summary>Counts</summary><table><thead><tr><th>year</th>"
        );
        for c in &COUNTS {
            let _ = write!(
                out,
                "<th class=\"n\">{} mean</th><th class=\"n\">p95</th>",
                esc(c.label)
            );
        }
        let _ = writeln!(out, "</tr></thead><tbody>");
        for (y, yo) in years.iter().enumerate() {
            let _ = write!(out, "<tr><td>{}</td>", yo.year);
            for (c, v) in COUNTS.iter().zip(&yo.counts.0) {
                let k = format!("{prefix}/yearly/{y}/counts/{}", c.key);
                out.push_str(&cell(&format!("{k}/mean"), v.mean, num(v.mean)));
                out.push_str(&cell(&format!("{k}/p95"), v.p95, num(v.p95)));
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</tbody></table></details>");
    }
    let _ = writeln!(out, "</section>");
}

/// The page for one or more runs (`deter run FILE... --report`).
pub fn to_html(runs: &[RunView<'_>]) -> String {
    let mut out = page_start(runs.len(), runs.first().map(|v| v.report.scenario.as_str()));
    for (i, v) in runs.iter().enumerate() {
        out.push_str(&article(v, i));
    }
    out.push_str(PAGE_END);
    out
}

/// The start of the page of `n` runs (`first`: the first scenario's name), for writing the
/// page one article at a time: [`page_start`], [`article`] per run, [`PAGE_END`].
pub fn page_start(n: usize, first: Option<&str>) -> String {
    let title = match (n, first) {
        (1, Some(name)) => format!("deter: {name}"),
        _ => format!("deter: {n} scenarios"),
    };
    let mut out = String::new();
    head(&mut out, &title);
    out
}

/// Every chart of a page or article: (figure id, its `<svg>` element as a standalone SVG
/// document), in page order (`--plots DIR`).
pub fn figures(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<figure id=\"") {
        rest = &rest[at + 12..];
        let Some(end) = rest.find('"') else { break };
        let id = rest[..end].to_string();
        let close = rest.find("</figure>").unwrap_or(rest.len());
        let fig = &rest[..close];
        if let (Some(a), Some(b)) = (fig.find("<svg"), fig.rfind("</svg>")) {
            let mut svg = fig[a..b + 6].to_string();
            if !svg.contains("xmlns=") {
                svg = svg.replacen("<svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"", 1);
            }
            out.push((
                id,
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}\n"),
            ));
        }
        rest = &rest[close..];
    }
    out
}

/// The end of a page.
pub const PAGE_END: &str = "</body>\n</html>\n";

/// The article of run `index` of a page.
pub fn article(v: &RunView<'_>, index: usize) -> String {
    let mut article = String::new();
    run_article(&mut article, v, index);
    if index > 0 {
        // Element ids stay unique on a page with several scenarios.
        article = article.replace(" id=\"", &format!(" id=\"s{index}-"));
    }
    article
}

/// The `--set` what-ifs of a report as inline text: `path = value (file: replaced)`, each
/// number carrying its JSON pointer under `prefix` (`""` for a run, `/a` or `/b` for a side
/// of a comparison). Empty without what-ifs.
fn overrides_items(prefix: &str, overrides: &[crate::scenario::overrides::Applied]) -> String {
    let items: Vec<String> = overrides
        .iter()
        .enumerate()
        .map(|(i, o)| {
            format!(
                "<code>{}</code> = <span data-k=\"{prefix}/overrides/{i}/value\" data-v=\"{}\">{}</span> \
                 (file: <span data-k=\"{prefix}/overrides/{i}/replaced\" data-v=\"{}\">{}</span>)",
                esc(&o.path),
                o.value,
                o.value,
                o.replaced,
                o.replaced
            )
        })
        .collect();
    items.join("; ")
}

/// A note under the page's header naming the what-ifs the numbers below include.
fn overrides_note(
    label: &str,
    prefix: &str,
    overrides: &[crate::scenario::overrides::Applied],
) -> String {
    if overrides.is_empty() {
        return String::new();
    }
    format!(
        "<p class=\"whatifs\">{label}, applied before the run: {}</p>\n",
        overrides_items(prefix, overrides)
    )
}

/// The provenance table's row of what-ifs (empty without them).
fn overrides_row(
    label: &str,
    prefix: &str,
    overrides: &[crate::scenario::overrides::Applied],
) -> String {
    if overrides.is_empty() {
        return String::new();
    }
    format!(
        "<tr><th>{}</th><td>{}</td></tr>",
        esc(label),
        overrides_items(prefix, overrides)
    )
}

/// What B changes relative to A (the comparison's `changes`), as a table.
fn changes_section(out: &mut String, c: &ComparisonReport) {
    let _ = writeln!(
        out,
        "<section id=\"changes\"><h2>What B changes relative to A</h2>"
    );
    if c.changes.is_empty() {
        let _ = writeln!(
            out,
            "<p>Nothing: the two validated scenarios have the same entities, policies and parameter values.</p></section>"
        );
        return;
    }
    let _ = writeln!(
        out,
        "<p>Computed from the two validated scenarios (after <code>extends</code> and <code>--set</code>): \
         every parameter whose value differs, and what exists on one side only.</p>\
         <table class=\"changes\"><thead><tr><th>what</th><th>A</th><th>B</th></tr></thead><tbody>"
    );
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "<em>absent</em>".to_string(),
        serde_json::Value::String(t) => esc(t),
        other => esc(&other.to_string()),
    };
    for ch in &c.changes {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&ch.what),
            show(&ch.a),
            show(&ch.b)
        );
    }
    let _ = writeln!(out, "</tbody></table></section>");
}

/// The page of a comparison (`deter compare --report`): differences with paired intervals,
/// the tri-level shift, then each scenario's outcome bars.
pub fn comparison_to_html(c: &ComparisonReport, a: &RunView<'_>, b: &RunView<'_>) -> String {
    let mut out = String::new();
    head(
        &mut out,
        &format!("deter compare: {} vs {}", c.a.scenario, c.b.scenario),
    );
    let _ = writeln!(
        out,
        "<article data-report=\"comparison\">\n<header><h1>{} vs {}</h1>\
         <p class=\"lead\">A = {} ({}); B = {} ({}). Both run with common random numbers: run i of A and \
         run i of B use the same random stream, so differences come from the scenarios, not from chance draws.</p></header>",
        esc(&c.a.scenario),
        esc(&c.b.scenario),
        esc(&c.a.scenario),
        esc(a.source),
        esc(&c.b.scenario),
        esc(b.source)
    );
    out.push_str(&overrides_note(
        "A what-ifs (<code>--set</code>)",
        "/a",
        &c.a.overrides,
    ));
    out.push_str(&overrides_note(
        "B what-ifs (<code>--set</code>, <code>--set-b</code>)",
        "/b",
        &c.b.overrides,
    ));
    changes_section(&mut out, c);
    let _ = writeln!(
        out,
        "<section id=\"differences\"><h2>Differences B - A</h2><p>Paired 95% intervals ({}). \
         Red whiskers exclude zero.</p>",
        esc(c.method)
    );
    // With one rivalry the region-wide figures are that rivalry's: show them once.
    let single = c.rivalries.len() == 1;
    if single {
        let _ = writeln!(
            out,
            "<p class=\"note\">One rivalry ({}): its differences are the region-wide ones.</p>",
            esc(&c.rivalries[0].entity)
        );
    }
    for (ei, e) in std::iter::once(&c.region)
        .chain(&c.rivalries)
        .enumerate()
        .filter(|&(ei, _)| ei == 0 || !single)
    {
        let prefix = if ei == 0 {
            "/region".to_string()
        } else {
            format!("/rivalries/{}", ei - 1)
        };
        let rows: Vec<DiffRow<'_>> = e
            .outcomes
            .iter()
            .zip(&EVENTS)
            .map(|(o, ev)| DiffRow {
                label: ev.label,
                diff: o.diff,
                // No interval: a point without a bar (a zero-width bar would claim certainty).
                lo: o.paired.as_ref().map_or(o.diff, |i| i.lo),
                hi: o.paired.as_ref().map_or(o.diff, |i| i.hi),
            })
            .collect();
        let _ = writeln!(out, "<h3>{}</h3>", esc(&e.entity));
        out.push_str(&figure(
            &format!("chart-diff-{ei}"),
            charts::differences(&format!("{}: B - A", e.entity), &rows),
            "Difference in probability with paired 95% interval.",
        ));
        let _ = writeln!(
            out,
            "<table><thead><tr><th>outcome</th><th class=\"n\">P(A)</th><th class=\"n\">P(B)</th>\
             <th class=\"n\">B - A</th><th class=\"n ci\" colspan=\"2\">paired Monte Carlo 95% interval</th>\
             <th class=\"n ci\" colspan=\"2\">unpaired interval (reference)</th><th>excludes 0</th></tr></thead><tbody>"
        );
        for (j, (o, ev)) in e.outcomes.iter().zip(&EVENTS).enumerate() {
            let label = ev.label;
            let k = format!("{prefix}/outcomes/{j}");
            let pp = |x: f64| format!("{:+.2} pp", 100.0 * x);
            let _ = writeln!(
                out,
                "<tr><td>{label}</td>{}{}{}{}{}<td class=\"{}\">{}</td></tr>",
                pct_cell(&format!("{k}/p_a"), o.p_a),
                pct_cell(&format!("{k}/p_b"), o.p_b),
                cell(&format!("{k}/diff"), o.diff, pp(o.diff)),
                interval_cells(
                    &format!("{k}/paired95"),
                    o.paired.as_ref(),
                    &o.undefined,
                    pp
                ),
                interval_cells(
                    &format!("{k}/unpaired95"),
                    o.unpaired.as_ref(),
                    &o.undefined,
                    pp
                ),
                if o.excludes_zero { "yes" } else { "no" },
                if o.excludes_zero { "yes" } else { "no" }
            );
        }
        let _ = writeln!(out, "</tbody></table>");
        let _ = writeln!(
            out,
            "<table><thead><tr><th>per run</th><th class=\"n\">mean A</th><th class=\"n\">mean B</th>\
             <th class=\"n\">B - A</th><th class=\"n ci\" colspan=\"2\">paired Monte Carlo 95% interval</th></tr></thead><tbody>"
        );
        for (j, m) in e.metrics.iter().enumerate() {
            let k = format!("{prefix}/metrics/{j}");
            let _ = writeln!(
                out,
                "<tr><td>{}</td>{}{}{}{}</tr>",
                esc(&super::table::metric_label(m.metric)),
                cell(&format!("{k}/mean_a"), m.mean_a, num(m.mean_a)),
                cell(&format!("{k}/mean_b"), m.mean_b, num(m.mean_b)),
                cell(&format!("{k}/diff"), m.diff, format!("{:+.3}", m.diff)),
                interval_cells(
                    &format!("{k}/paired95"),
                    m.paired.as_ref(),
                    &m.undefined,
                    |x| { format!("{x:+.3}") }
                )
            );
        }
        let _ = writeln!(out, "</tbody></table>");
        let _ = writeln!(
            out,
            "<p class=\"note\">{}</p>",
            esc(&super::table::censored_note(c.a.horizon_years))
        );
    }
    let _ = writeln!(out, "</section>");

    // How B shifts which level deters, when the attribution was computed.
    if let Some(shift) = &c.attribution_shift {
        let single = c.rivalries.len() == 1 && c.a.rivalries.len() == 1 && c.b.rivalries.len() == 1;
        let only = single.then(|| c.rivalries[0].entity.as_str());
        super::attribution::html_shift_section(&mut out, shift, c.a.horizon_years, only);
    }

    // Tri-level shift.
    let _ = writeln!(
        out,
        "<section id=\"levels\"><h2>How the tri-level breakdown shifts</h2>"
    );
    let single = c.rivalries.len() == 1;
    let labels: Vec<(String, String)> = std::iter::once(&c.region)
        .chain(c.rivalries.iter().filter(|_| !single))
        .map(|e| (format!("{} A", e.entity), format!("{} B", e.entity)))
        .collect();
    let mut rows = Vec::new();
    for (e, (la, lb)) in std::iter::once(&c.region)
        .chain(c.rivalries.iter().filter(|_| !single))
        .zip(&labels)
    {
        rows.push(level_row(la, &e.cost_composition.a));
        rows.push(level_row(lb, &e.cost_composition.b));
    }
    out.push_str(&figure(
        "chart-levels",
        charts::level_bars("Tri-level breakdown, A and B", &rows),
        &format!(
            "{LEVEL_KEY}Share of the challenger's expected cost by level, under A and under B."
        ),
    ));
    let _ = writeln!(
        out,
        "<table><thead><tr><th></th><th class=\"n\">military</th><th class=\"n\">political</th>\
         <th class=\"n\">economic</th></tr></thead><tbody>"
    );
    for (ei, e) in std::iter::once(&c.region)
        .chain(&c.rivalries)
        .enumerate()
        .filter(|&(ei, _)| ei == 0 || !single)
    {
        let prefix = if ei == 0 {
            "/region".to_string()
        } else {
            format!("/rivalries/{}", ei - 1)
        };
        let s = &e.cost_composition.shift;
        let pp = |x: f64| format!("{:+.1} pp", 100.0 * x);
        let _ = writeln!(
            out,
            "<tr><td>{} shift B - A</td>{}{}{}</tr>",
            esc(&e.entity),
            cell(
                &format!("{prefix}/cost_composition/shift/military"),
                s.military,
                pp(s.military)
            ),
            cell(
                &format!("{prefix}/cost_composition/shift/political"),
                s.political,
                pp(s.political)
            ),
            cell(
                &format!("{prefix}/cost_composition/shift/economic"),
                s.economic,
                pp(s.economic)
            )
        );
    }
    let _ = writeln!(out, "</tbody></table></section>");

    // Survival of A and B on one chart.
    let _ = writeln!(
        out,
        "<section id=\"survival\"><h2>Time to first use of force, A and B</h2>\
         <p>Share of runs without any use of force (MID level 4 or 5) by each time, region-wide.</p>"
    );
    out.push_str(&figure(
        "chart-survival",
        charts::survival(
            "No use of force yet: A and B",
            c.a.survival_by_month.len() as f64 / f64::from(STEPS_PER_YEAR),
            &[
                Curve {
                    label: "A",
                    points: survival_points(&c.a.survival_by_month),
                },
                Curve {
                    label: "B",
                    points: survival_points(&c.b.survival_by_month),
                },
            ],
        ),
        &format!("A = {}, B = {}.", esc(&c.a.scenario), esc(&c.b.scenario)),
    ));
    let _ = writeln!(out, "</section>");

    // Each side's outcome bars.
    for (side, rep) in [("A", &c.a), ("B", &c.b)] {
        let _ = writeln!(
            out,
            "<section id=\"side-{side}\"><h2>{side}: {}</h2>",
            esc(&rep.scenario)
        );
        out.push_str(&figure(
            &format!("chart-outcomes-{side}"),
            charts::probability_bars(
                &format!("{side}: region-wide"),
                &outcome_bars(&rep.outcomes),
            ),
            "Outcome probabilities (share of runs over the horizon) with Monte Carlo 95% intervals (Wilson): more runs narrow them; they say nothing about the model's assumptions.",
        ));
        let _ = writeln!(out, "</section>");
    }

    let _ = writeln!(
        out,
        "<section id=\"provenance\"><h2>Provenance</h2><table><tbody>\
         <tr><th>engine</th><td>deter {}</td></tr>\
         <tr><th>A</th><td>{} ({}), SHA-256 <code>{}</code></td></tr>\
         <tr><th>B</th><td>{} ({}), SHA-256 <code>{}</code></td></tr>\
         <tr><th>seed</th><td data-k=\"/seed\" data-v=\"{}\">{}</td></tr>\
         <tr><th>runs (pairs)</th><td data-k=\"/runs\" data-v=\"{}\">{}</td></tr>\
         {}{}<tr><th>RNG</th><td>{}</td></tr><tr><th>date</th><td>{}</td></tr>\
         </tbody></table></section>\n</article>",
        esc(c.engine_version),
        esc(&c.a.scenario),
        esc(a.source),
        esc(&c.a.scenario_sha256),
        esc(&c.b.scenario),
        esc(b.source),
        esc(&c.b.scenario_sha256),
        c.seed,
        c.seed,
        c.runs,
        c.runs,
        overrides_row("A what-ifs (--set)", "/a", &c.a.overrides),
        overrides_row("B what-ifs (--set, --set-b)", "/b", &c.b.overrides),
        esc(c.rng),
        today()
    );
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
