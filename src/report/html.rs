//! HTML exporter: one self-contained page (inline CSS and SVG; no scripts, fonts or
//! anything else fetched) that opens in any browser and prints cleanly.
//!
//! Every number taken from a [`Report`] is written with `data-k` (a JSON pointer into that
//! report's JSON, or the comparison's) and `data-v` (the exact value), so tests can check the
//! page against the JSON of the same run. Charts come from [`super::charts`]; everything a
//! page shows is read from the [`Report`] (the JSON contract), never from engine tallies.
//! Pages are maud templates: every text interpolated into them is escaped by maud.

use maud::{DOCTYPE, Markup, PreEscaped, Render, html};

use super::charts::{self, Band, Bar, Curve, DiffRow, LevelRow};
use super::compare::{ComparisonReport, IntervalOut};
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
td.n.wraps { white-space: normal; }
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

/// A table cell holding a number from the JSON at pointer `k`, shown as `text`.
pub(super) fn num_cell(k: &str, v: f64, text: impl Render) -> Markup {
    html! { td class="n" data-k=(k) data-v=(v) { (text) } }
}

/// [`num_cell`] whose text may wrap (a number with words beside it, "+0.0 (unchanged in
/// every run)", in a table of many columns that must fit the page).
pub(super) fn wrapping_num_cell(k: &str, v: f64, text: impl Render) -> Markup {
    html! { td class="n wraps" data-k=(k) data-v=(v) { (text) } }
}

/// One cell spanning an interval's two columns whose ends both round to zero, in the
/// words of [`super::tiny_interval`] (`text`); each end keeps its pointer and value.
pub(super) fn tiny_interval_cell(k_lo: &str, lo: f64, k_hi: &str, hi: f64, text: &str) -> Markup {
    html! {
        td class="n" colspan="2" {
            span data-k=(k_lo) data-v=(lo) { (text) }
            span data-k=(k_hi) data-v=(hi) {}
        }
    }
}

/// A number from the JSON at pointer `k` inside a sentence.
fn num_span(k: &str, v: f64, text: impl Render) -> Markup {
    html! { span data-k=(k) data-v=(v) { (text) } }
}

/// The two cells (low, high) of an interval, or one cell spanning both that says why there
/// is none ("undefined (n = 1)").
fn interval_cells(
    k: &str,
    i: Option<&IntervalOut>,
    undefined: &Option<String>,
    fmt: impl Fn(f64) -> String,
) -> Markup {
    html! {
        @if let Some(t) = i.and_then(|i| super::tiny_interval(i.lo, i.hi, 2)) {
            (tiny_interval_cell(&format!("{k}_lo"), i.map_or(0.0, |i| i.lo), &format!("{k}_hi"), i.map_or(0.0, |i| i.hi), &format!("{t} pp")))
        } @else if let Some(i) = i {
            (num_cell(&format!("{k}_lo"), i.lo, fmt(i.lo)))
            (num_cell(&format!("{k}_hi"), i.hi, fmt(i.hi)))
        } @else {
            td class="n" colspan="2" data-k={ (k) "_lo" } {
                (super::table::readable_reason(undefined.as_deref().unwrap_or("undefined")))
            }
        }
    }
}

/// The two cells (low, high) of a difference of means per run's paired interval, in the
/// metric's own unit at three decimals, or one cell spanning both that says why there is none
/// ("undefined (n = 1)").
fn mean_interval_cells(k: &str, m: &super::compare::MeanDiff) -> Markup {
    html! {
        @if let Some(i) = &m.paired {
            (num_cell(&format!("{k}_lo"), i.lo, format!("{:+.3}", i.lo)))
            (num_cell(&format!("{k}_hi"), i.hi, format!("{:+.3}", i.hi)))
        } @else {
            td class="n" colspan="2" data-k={ (k) "_lo" } {
                (super::table::readable_reason(m.undefined.as_deref().unwrap_or("undefined")))
            }
        }
    }
}

fn share_cell(k: &str, v: f64) -> Markup {
    num_cell(k, v, super::share_percent(v))
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

/// A plain numeric cell with two decimals.
fn f2(x: f64) -> Markup {
    html! { td class="n" { (format!("{x:.2}")) } }
}

/// The colour key of the three levels, before a chart's caption.
fn level_key() -> Markup {
    html! {
        span class="key mil" {} "military"
        span class="key pol" {} "political"
        span class="key eco" {} "economic. "
    }
}

/// A chart (`svg`, drawn by [`super::charts`]) with its caption.
pub(crate) fn figure(id: &str, svg: String, caption: impl Render) -> Markup {
    html! {
        figure id=(id) class="chart" { (PreEscaped(svg)) figcaption { (caption) } }
    }
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

/// A whole self-contained page with the report's style around `body`.
pub fn page(title: &str, body: Markup) -> String {
    let mut out = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "deter " (crate::ENGINE_VERSION) };
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body { (body) }
        }
    }
    .into_string();
    out.push('\n');
    out
}

fn scenario_section(s: &Scenario) -> Markup {
    let actors = |list: &[Actor]| {
        list.iter()
            .map(|&a| s.actor_id(a))
            .collect::<Vec<_>>()
            .join(", ")
    };
    html! {
        section id="scenario" {
            h2 { "Scenario" }
            p {
                "Start " (s.meta.start.to_string()) ", horizon " (super::years(s.meta.horizon_years)) "; money in "
                (s.meta.currency) "."
            }
            h3 { "Countries" }
            div class="scroll bleed" {
                table class="wide countries" {
                    thead {
                        tr {
                            th colspan="3" {}
                            th class="group g-mil" colspan="5" { "military" }
                            th class="group g-pol" colspan="3" { "political" }
                            th class="group g-eco" colspan="3" { "economic" }
                        }
                        tr {
                            th { "id" } th { "name" } th { "status" }
                            @for h in ["defence budget", "% GDP", "capability", "readiness", "interop.",
                                "cohesion", "narrative", "reputation", "GDP", "growth", "trade with West"] {
                                th class="n" { (h) }
                            }
                        }
                    }
                    tbody {
                        @for c in &s.countries {
                            @let (m, p, e) = (&c.military, &c.political, &c.economic);
                            tr {
                                td { (c.id) } td { (c.name) } td { (c.status.as_str()) }
                                td class="n" { (num(m.budget)) }
                                td class="n" { (format!("{:.1}", 100.0 * m.budget_share)) }
                                td class="n" { (num(m.capability)) }
                                (f2(m.readiness)) (f2(m.interoperability))
                                (f2(p.cohesion)) (f2(p.narrative)) (f2(p.reputation))
                                td class="n" { (num(e.gdp)) }
                                td class="n" { (format!("{:.1}%", 100.0 * e.growth)) }
                                td class="n" { (format!("{:.0}%", 100.0 * e.trade_west)) }
                            }
                        }
                    }
                }
            }
            @if !s.powers.is_empty() {
                h3 { "Outside powers" }
                table {
                    thead { tr {
                        th { "id" } th { "name" } th class="n" { "capability" }
                        th class="n" { "in theatre" } th class="n" { "interop." }
                        th class="n" { "substitution" }
                    } }
                    tbody {
                        @for p in &s.powers {
                            tr {
                                td { (p.id) } td { (p.name) }
                                td class="n" { (num(p.params.capability)) }
                                (f2(p.params.in_theatre)) (f2(p.params.interoperability))
                                (f2(p.params.substitution))
                            }
                        }
                    }
                }
            }
            @if !s.alliances.is_empty() || !s.deployments.is_empty() {
                h3 { "Alliances and forces in theatre" }
                table {
                    thead { tr {
                        th { "id" } th { "name" } th { "members / contributors" }
                        th class="n" { "reliability" }
                    } }
                    tbody {
                        @for a in &s.alliances {
                            tr {
                                td { (a.id) } td { (a.name) } td { (actors(&a.members)) }
                                (f2(a.params.reliability))
                            }
                        }
                        @for d in &s.deployments {
                            tr {
                                td { (d.id) } td { (d.name) " (in " (s.countries[d.host].id) ")" }
                                td { (actors(&d.contributors)) } (f2(d.params.reliability))
                            }
                        }
                    }
                }
            }
            h3 { "Rivalries" }
            table {
                thead { tr {
                    th { "id" } th { "challenger" } th { "target" }
                    @for h in ["stakes", "dissatisfaction", "tension", "opportunities/yr", "monitoring",
                        "sanctions credibility"] {
                        th class="n" { (h) }
                    }
                } }
                tbody {
                    @for r in &s.rivalries {
                        @let p = &r.params;
                        tr {
                            td { (r.id) } td { (s.countries[r.challenger].id) }
                            td { (s.countries[r.target].id) }
                            @for x in [p.stakes, p.dissatisfaction, p.tension, p.opportunity_rate,
                                p.monitoring, p.sanctions_credibility] {
                                (f2(x))
                            }
                        }
                    }
                }
            }
            h3 { "Policies" }
            @if s.policies.is_empty() {
                p { "None." }
            } @else {
                table {
                    thead { tr {
                        th { "id" } th { "name" } th { "from" } th { "enabled" } th { "changes" }
                    } }
                    tbody {
                        @for p in &s.policies {
                            @let changes = p.changes.iter().map(|c| {
                                let op = match c.op {
                                    crate::scenario::ChangeOp::Set(v) => format!("= {v}"),
                                    crate::scenario::ChangeOp::Add(v) => format!("+= {v}"),
                                    crate::scenario::ChangeOp::Scale(v) => format!("*= {v}"),
                                };
                                format!("{} {op}", c.path)
                            }).chain(p.joins.iter().map(|&(a, m)| {
                                format!("{} joins {}", s.actor_id(m), s.alliances[a].id)
                            }));
                            tr {
                                td { (p.id) }
                                td { (p.name) br; small { (p.description) } }
                                td {
                                    (p.start.to_string())
                                    @if p.ramp_years > 0.0 {
                                        " (over " (p.ramp_years)
                                        @if p.ramp_years == 1.0 { " year)" } @else { " years)" }
                                    }
                                }
                                td { @if p.enabled { "yes" } @else { "no" } }
                                td {
                                    @for (i, c) in changes.enumerate() {
                                        @if i > 0 { br; }
                                        (c)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn outcome_table(prefix: &str, o: &Outcomes) -> Markup {
    html! {
        table class="outcomes" {
            thead { tr {
                th { "over the horizon" } th class="n" { "probability" }
                th class="n ci" colspan="2" { "Monte Carlo 95% interval" } th class="n" { "runs" }
            } }
            tbody {
                @for ((key, p), e) in o.entries().zip(&EVENTS) {
                    @let k = format!("{prefix}/outcomes/{key}");
                    tr {
                        td { (e.label) }
                        (share_cell(&format!("{k}/p"), p.p))
                        (share_cell(&format!("{k}/mc95_lo"), p.lo))
                        (share_cell(&format!("{k}/mc95_hi"), p.hi))
                        (num_cell(&format!("{k}/count"), p.count as f64, p.count))
                    }
                }
            }
        }
    }
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

/// A bar of the levels chart; None for an undefined composition (no challenge decision had
/// a cost), which has no bar.
fn level_row<'a>(label: &'a str, l: Option<&LevelsOut>) -> Option<LevelRow<'a>> {
    l.map(|l| LevelRow {
        label,
        shares: [l.military, l.political, l.economic],
    })
}

/// A table row saying a composition is undefined (no challenge decision had a cost).
fn levels_undefined_row(label: &str) -> Markup {
    html! {
        tr {
            td { (label) }
            td colspan="3" { (super::COST_COMPOSITION_UNDEFINED) }
        }
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

/// A table of the three levels around `rows`.
fn levels_table(rows: Markup) -> Markup {
    html! { table { (levels_table_head()) tbody { (rows) } } }
}

/// The head of a table of the three levels.
fn levels_table_head() -> Markup {
    html! {
        thead { tr {
            th {} th class="n" { "military" } th class="n" { "political" }
            th class="n" { "economic" }
        } }
    }
}

/// A row of [`levels_table`]: `label`, then each level's number at `{k}/military`, ...
fn levels_row(label: &str, k: &str, l: [f64; 3], shown: impl Fn(usize) -> String) -> Markup {
    html! {
        tr {
            td { (label) }
            @for (i, level) in ["military", "political", "economic"].iter().enumerate() {
                (num_cell(&format!("{k}/{level}"), l[i], shown(i)))
            }
        }
    }
}

/// The whole article at once: the reference [`write_article`] is tested against.
#[cfg(test)]
fn run_article(v: &RunView<'_>, index: usize) -> Markup {
    let r = v.report;
    let s = v.scenario;
    let single = r.rivalries.len() == 1;
    html! {
        article data-report=(index) {
            (article_head(v))
            (scenario_section(s))
            (whole(|put| write_outcomes(r, single, put)))
            (whole(|put| write_escalation(r, put)))
            // Which level deters (the attribution), when it was computed.
            @if let Some(a) = &r.attribution {
                @let only = single.then(|| r.rivalries[0].id.as_str());
                (whole(|put| super::attribution::write_section(a, r.horizon_years, only, put)))
            }
            (levels_section(r, single))
            (crises_section(r))
            (survival_section(r, single))
            (yearly_section(r, single))
            (fans_section(r))
            (run_provenance(v))
        }
    }
}

/// The section "Outcome probabilities", handed to `put` one part at a time: its head with the
/// region's chart and table, each rivalry's (when there are several), its end.
fn write_outcomes(
    r: &Report,
    single: bool,
    put: &mut dyn FnMut(Markup) -> std::io::Result<()>,
) -> std::io::Result<()> {
    put(html! {
        (PreEscaped("<section id=\"outcomes\">"))
        h2 { "Outcome probabilities" }
        p {
            "Share of runs in which each event happened at least once within the horizon (deterrence held: \
             no use of force in any month of the horizon, a state that holds throughout), with \
             Monte Carlo 95% intervals (Wilson; whiskers): more runs narrow them; they say nothing \
             about the model's assumptions. MID: militarised interstate dispute hostility level."
        }
        h3 { "Region-wide" }
        (figure(
            "chart-outcomes-region",
            charts::probability_bars("Region-wide", &outcome_bars(&r.outcomes)),
            "Region-wide: any rivalry.",
        ))
        (outcome_table("", &r.outcomes))
        @if let [rv] = r.rivalries.as_slice() {
            p class="note" {
                "One rivalry (" (rv.challenger) " -> " (rv.target)
                "): its figures are the region-wide ones above."
            }
        }
    })?;
    for (i, rv) in r.rivalries.iter().enumerate().filter(|_| !single) {
        let title = format!("{} ({} -> {})", rv.id, rv.challenger, rv.target);
        put(html! {
            h3 { "Rivalry " (title) }
            (figure(
                &format!("chart-outcomes-{i}"),
                charts::probability_bars(&title, &outcome_bars(&rv.outcomes)),
                format!("Rivalry {title}."),
            ))
            (outcome_table(&format!("/rivalries/{i}"), &rv.outcomes))
        })?;
    }
    put(html! { (PreEscaped("</section>")) })
}

/// The section "Escalation ladder", handed to `put` one part at a time: its head, each
/// rivalry's chart and table, its end.
fn write_escalation(
    r: &Report,
    put: &mut dyn FnMut(Markup) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let labels: Vec<String> = LEVEL_LABELS[2..]
        .iter()
        .map(|s| format!("level {s}"))
        .collect();
    put(html! {
        (PreEscaped("<section id=\"escalation\">"))
        h2 { "Escalation ladder" }
        p {
            "Share of runs whose crises reached at least each MID (militarised interstate \
             dispute) hostility level at least once: 2 threat, 3 display of force, 4 use of force, \
             5 war. The table also gives the highest level each run reached (0: no crisis \
             opportunity; 1: opportunities, none challenged)."
        }
    })?;
    for (i, rv) in r.rivalries.iter().enumerate() {
        // Reaching at least MID level k (2..5) is the event threat, display, use of force or
        // war (EVENTS[k - 1]): its share is the outcome's, read from its count, not a sum of
        // the highest-level shares (85.349999...% printed 85.3% beside the outcome's 85.4%).
        let reached: Vec<f64> = (2..6).map(|k| rv.outcomes.0[k - 1].p).collect();
        put(html! {
            (figure(
                &format!("chart-escalation-{i}"),
                charts::category_bars(
                    &format!("{}: reached at least level k", rv.id),
                    "reached at least MID level k",
                    &labels,
                    &reached,
                ),
                format!("Rivalry {}: share of runs that reached at least each level.", rv.id),
            ))
            table {
                thead { tr {
                    th { "MID level" } th class="n" { "highest level reached" }
                    th class="n" { "reached at least this level" }
                } }
                tbody {
                    @for (k, label) in LEVEL_LABELS.iter().enumerate() {
                        tr {
                            td { (label) }
                            (share_cell(&format!("/rivalries/{i}/escalation/{k}"), rv.escalation[k]))
                            @if k >= 2 {
                                (share_cell(&format!("/rivalries/{i}/outcomes/{}/p", EVENTS[k - 1].key), reached[k - 2]))
                            } @else {
                                td class="n" {}
                            }
                        }
                    }
                }
            }
        })?;
    }
    put(html! { (PreEscaped("</section>")) })
}

/// A section written part by part (`write`), rendered whole: what `run_article` holds.
#[cfg(test)]
fn whole(
    write: impl FnOnce(&mut dyn FnMut(Markup) -> std::io::Result<()>) -> std::io::Result<()>,
) -> Markup {
    let mut out = String::new();
    write(&mut |part| {
        out.push_str(&part.into_string());
        Ok(())
    })
    .expect("writing to memory cannot fail");
    PreEscaped(out)
}

fn levels_section(r: &Report, single: bool) -> Markup {
    let mut rows: Vec<LevelRow<'_>> = level_row("region", r.cost_composition.as_ref())
        .into_iter()
        .collect();
    rows.extend(
        r.rivalries
            .iter()
            .filter(|_| !single)
            .filter_map(|rv| level_row(&rv.id, rv.cost_composition.as_ref())),
    );
    let line = |label: &str, prefix: &str, l: &Option<LevelsOut>| match l {
        Some(l) => {
            // Tenths of a percent by the largest-remainder method: the row adds up to 100.0%.
            let t = l.rounded(1000);
            levels_row(
                label,
                &format!("{prefix}/cost_composition"),
                [l.military, l.political, l.economic],
                |k| format!("{}.{}%", t[k] / 10, t[k] % 10),
            )
        }
        None => levels_undefined_row(label),
    };
    html! {
        section id="levels" {
            h2 { "Composition of the challenger's expected cost" }
            p {
                "A diagnostic, not an answer to which level deters: the share of the challenger's \
                 expected cost of challenging in the crisis game that comes from the military, political \
                 and economic levels (summed over challenge decisions)."
            }
            (figure(
                "chart-levels",
                charts::level_bars("Tri-level breakdown", &rows),
                html! { (level_key()) "Shares of the challenger's expected cost by level." },
            ))
            (levels_table(html! {
                (line("region", "", &r.cost_composition))
                @for (i, rv) in r.rivalries.iter().enumerate().filter(|_| !single) {
                    (line(&rv.id, &format!("/rivalries/{i}"), &rv.cost_composition))
                }
            }))
        }
    }
}

fn crises_section(r: &Report) -> Markup {
    let crises = &r.metrics.distributions[0];
    let shares = &r.crises_histogram;
    let labels: Vec<String> = (0..shares.len()).map(|k| k.to_string()).collect();
    html! {
        section id="crises" {
            h2 { "Crises per run" }
            p {
                "Crisis opportunities per run, all rivalries together. Mean "
                (num_span(&format!("/metrics/{}/mean", METRICS[0].key), crises.mean, num(crises.mean)))
                " (p5 " (num(crises.p05)) ", median " (num(crises.p50)) ", p95 " (num(crises.p95)) ")."
            }
            (figure(
                "chart-crises",
                charts::category_bars("Crisis opportunities per run", "crises", &labels, shares),
                "Histogram of crisis opportunities per run.",
            ))
            (per_run_table(r))
        }
    }
}

/// Every per-run amount of the table's "per run" block (crises, disputes, GDP lost in the
/// scenario's unit, the final balance, years to first use of force): mean and the 5%, 50%
/// and 95% quantiles over runs, region-wide, each cell carrying its JSON value.
fn per_run_table(r: &Report) -> Markup {
    let m = &r.metrics;
    let t = &m.years_to_first_use_of_force;
    let row = |key: &str, label: String, v: [f64; 4], text: fn(f64) -> String| {
        html! {
            tr {
                td { (label) }
                @for (q, x) in ["mean", "p05", "p50", "p95"].iter().zip(v) {
                    (num_cell(&format!("/metrics/{key}/{q}"), x, text(x)))
                }
            }
        }
    };
    html! {
        table {
            thead {
                tr {
                    th { "per run, over " (super::years(r.horizon_years)) ", all rivalries" }
                    th class="n" { "mean" } th class="n" { "p5" } th class="n" { "p50" } th class="n" { "p95" }
                }
            }
            tbody {
                @for (k, ((key, d), def)) in m.entries().zip(&METRICS).enumerate() {
                    @if m.defined(k) {
                        (row(key, crate::outputs::metric_label(def, &r.currency), [d.mean, d.p05, d.p50, d.p95], num))
                    } @else {
                        tr { td { (crate::outputs::metric_label(def, &r.currency)) } td colspan="4" { "no rivalry: no value" } }
                    }
                }
                (row(
                    crate::outputs::YEARS_TO_FORCE,
                    "years to first use of force".into(),
                    [t.mean, t.p05, t.p50, t.p95],
                    super::table::years,
                ))
            }
        }
        p class="note" {
            "GDP lost is the challengers' and targets' together, summed over rivalries; the balance is the most challenger-favourable rivalry's at the horizon's end. "
            (super::table::censored_note(r.horizon_years))
        }
    }
}

fn survival_section(r: &Report, single: bool) -> Markup {
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
    html! {
        section id="survival" {
            h2 { "Time to first use of force" }
            p {
                "Share of runs without any use of force (MID level 4 or 5) by each time. At the horizon: "
                (num_span("/metrics/years_to_first_use_of_force/censored_share", censored, super::share_percent(censored)))
                "."
            }
            (figure(
                "chart-survival",
                charts::survival("Survival: no use of force yet", horizon, &curves),
                "Kaplan-Meier-style step curve; every run is observed to the horizon, so nothing is censored early.",
            ))
        }
    }
}

/// The fans section's heading and introduction.
fn fans_head() -> Markup {
    html! {
        h2 { "Tension and balance by year" }
        p {
            "Per-year percentile bands at each year's end: p5-p95 (light), p25-p75 (dark), median (line). \
             The balance is M_A / M_T (challenger over target, whole military capabilities, allies included; not the share each side commits to the theatre, which the crisis uses; log scale)."
        }
    }
}

/// Rivalry `i`'s fans: tension and balance charts and their table.
fn fans_rivalry(i: usize, rv: &super::RivalryOut) -> Markup {
    html! {
        @let bands = |f: &dyn Fn(&super::YearOut) -> Option<&super::BandOut>| -> Vec<Band> {
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
        h3 { "Rivalry " (rv.id) }
        (figure(
            &format!("chart-tension-{i}"),
            charts::fan(
                &format!("{}: tension", rv.id),
                "tension",
                &bands(&|y| y.tension.as_ref()),
                false,
            ),
            "Tension in [0, 1].",
        ))
        (figure(
            &format!("chart-balance-{i}"),
            charts::fan(
                &format!("{}: balance M_A/M_T (whole capabilities)", rv.id),
                "M_A / M_T",
                &bands(&|y| y.balance.as_ref()),
                true,
            ),
            "Balance of whole military capabilities, challenger over target (allies included).",
        ))
        (yearly_table(
            "Band values",
            html! {
                @for name in ["tension", "balance"] {
                    th class="n" { (name) " p5" }
                    @for q in ["p25", "p50", "p75", "p95"] { th class="n" { (q) } }
                }
            },
            &rv.yearly,
            |y, yo| html! {
                @for (name, b) in [("tension", &yo.tension), ("balance", &yo.balance)] {
                    @if let Some(b) = b {
                        @for (q, x) in [("p05", b.p05), ("p25", b.p25), ("p50", b.p50), ("p75", b.p75), ("p95", b.p95)] {
                            (num_cell(&format!("/rivalries/{i}/yearly/{y}/{name}/{q}"), x, num(x)))
                        }
                    }
                }
            },
        ))
    }
}

#[cfg(test)]
fn fans_section(r: &Report) -> Markup {
    html! {
        section id="fans" {
            (fans_head())
            @for (i, rv) in r.rivalries.iter().enumerate() {
                (fans_rivalry(i, rv))
            }
        }
    }
}

fn run_provenance(v: &RunView<'_>) -> Markup {
    let r = v.report;
    html! {
        section id="provenance" {
            h2 { "Provenance" }
            table { tbody {
                tr { th { "engine" } td { "deter " (r.engine_version) } }
                tr { th { "scenario file" } td { (v.source) } }
                tr { th { "scenario SHA-256" } td { code { (r.scenario_sha256) } } }
                tr { th { "seed" } td data-k="/seed" data-v=(r.seed as f64) { (r.seed) } }
                tr { th { "runs" } td data-k="/runs" data-v=(r.runs as f64) { (r.runs) } }
                tr {
                    th { "horizon" }
                    td { (super::years(r.horizon_years)) ", " (r.steps_per_year) " steps per year" }
                }
                (overrides_row("what-ifs (--set)", "", &r.overrides))
                tr { th { "RNG" } td { (r.rng) } }
                tr { th { "date" } td { (today()) } }
            } }
            p { "Same scenario, seed, runs and engine version give the same numbers on any number of threads." }
        }
    }
}

/// Per year, region-wide and per rivalry: the cumulative share of runs with each event by
/// the year's end (chart) and the share in the year and by its end (table).
/// The entities of the yearly section, in order: (index, title, JSON pointer prefix, years);
/// an entity without years has no entry (its index is skipped).
fn yearly_entities(
    r: &Report,
    single: bool,
) -> impl Iterator<Item = (usize, String, String, &[super::YearOut])> {
    std::iter::once(("Region-wide".to_string(), String::new(), &r.yearly[..]))
        .chain(
            r.rivalries
                .iter()
                .enumerate()
                .filter(move |_| !single)
                .map(|(i, rv)| {
                    (
                        format!("Rivalry {}", rv.id),
                        format!("/rivalries/{i}"),
                        &rv.yearly[..],
                    )
                }),
        )
        .enumerate()
        .filter(|(_, e)| !e.2.is_empty())
        .map(|(n, (title, prefix, years))| (n, title, prefix, years))
}

/// The yearly section's heading and introduction.
/// `years` (the region's) name the years of the horizon: when they are not calendar years
/// (a start after January), the introduction says how they are labelled and plotted.
fn yearly_head(years: &[super::YearOut]) -> Markup {
    html! {
        h2 { "Events by year" }
        p {
            "Share of runs in which each event happened by the end of each year (lines), and \
             in the year itself (table). For deterrence held: no use of force so far, or in the year."
        }
        @if let Some(y) = years.first().filter(|y| !y.first_month.ends_with("-01")) {
            p {
                "The scenario starts in " (y.first_month) ", so each year of the horizon runs \
                 twelve months from it (" (y.label()) ", ...): the tables name each by its \
                 months, the charts place it at the calendar year it ends in (" (y.year) ")."
            }
        }
    }
}

/// One entity of the yearly section: its charts and tables.
fn yearly_entity(n: usize, title: &str, prefix: &str, years: &[super::YearOut]) -> Markup {
    html! {
        @let curves: Vec<Curve<'_>> = EVENTS
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
        @let counts: Vec<Curve<'_>> = COUNTS
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
        h3 { (title) }
        (figure(
            &format!("chart-yearly-{n}"),
            charts::by_year(
                &format!("{title}: by the end of each year"),
                "share of runs",
                &curves,
            ),
            "Cumulative share of runs with each event by the end of the year.",
        ))
        (yearly_table(
            "Values",
            html! {
                @for e in &EVENTS {
                    th class="n" { (e.label) " in year" } th class="n" { "by its end" }
                }
            },
            years,
            |y, yo| html! {
                @let k = format!("{prefix}/yearly/{y}");
                @for (e, (a, b)) in EVENTS.iter().zip(yo.events_in_year.0.iter().zip(&yo.events_by_end.0)) {
                    (share_cell(&format!("{k}/events_in_year/{}/p", e.key), a.p))
                    (share_cell(&format!("{k}/events_by_end/{}/p", e.key), b.p))
                }
            },
        ))
        (figure(
            &format!("chart-yearly-counts-{n}"),
            charts::counts_by_year(
                &format!("{title}: events counted in each year"),
                "mean count per run",
                &counts,
            ),
            "Mean number of events in each year per run. Each crisis is counted once, at its \
             highest MID level; non-state incidents are not MID levels and never a use of force \
             by a state.",
        ))
        (yearly_table(
            "Counts",
            html! {
                @for c in &COUNTS {
                    th class="n" { (c.label) " mean" } th class="n" { "p95" }
                }
            },
            years,
            |y, yo| html! {
                @for (c, v) in COUNTS.iter().zip(&yo.counts.0) {
                    @let k = format!("{prefix}/yearly/{y}/counts/{}", c.key);
                    (num_cell(&format!("{k}/mean"), v.mean, num(v.mean)))
                    (num_cell(&format!("{k}/p95"), v.p95, num(v.p95)))
                }
            },
        ))
    }
}

#[cfg(test)]
fn yearly_section(r: &Report, single: bool) -> Markup {
    html! {
        section id="yearly" {
            (yearly_head(&r.yearly))
            @for (n, title, prefix, years) in yearly_entities(r, single) {
                (yearly_entity(n, &title, &prefix, years))
            }
        }
    }
}

/// A table by year behind a `<details>` summary: the year, then `head`'s columns and each
/// year's `cells` (the year's index and values).
fn yearly_table(
    summary: &str,
    head: Markup,
    years: &[super::YearOut],
    cells: impl Fn(usize, &super::YearOut) -> Markup,
) -> Markup {
    html! {
        details {
            summary { (summary) }
            table {
                thead { tr { th { "year" } (head) } }
                tbody {
                    @for (y, yo) in years.iter().enumerate() {
                        tr { td { (yo.label()) } (cells(y, yo)) }
                    }
                }
            }
        }
    }
}

/// The page for one or more runs (`deter run FILE... --report`).
#[cfg(test)]
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
    let mut out = page(&title, html! {});
    out.truncate(out.len() - PAGE_END.len());
    out
}

/// Every chart of a page or article: (figure id, its `<svg>` element as a standalone SVG
/// document), in page order: what [`FigureCutter`] cuts as the text is written.
#[cfg(test)]
pub fn figures(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<figure id=\"") {
        rest = &rest[at + 12..];
        let Some(end) = rest.find('"') else { break };
        let id = rest[..end].to_string();
        let close = rest.find("</figure>").unwrap_or(rest.len());
        let fig = &rest[..close];
        if let Some(svg) = standalone_svg(fig) {
            out.push((id, svg));
        }
        rest = &rest[close..];
    }
    out
}

/// The chart of a figure's text (from its id to its `</figure>`) as a standalone SVG
/// document, if it holds one.
fn standalone_svg(fig: &str) -> Option<String> {
    let (a, b) = (fig.find("<svg")?, fig.rfind("</svg>")?);
    let mut svg = fig.get(a..b + 6)?.to_string();
    if !svg.contains("xmlns=") {
        svg = svg.replacen("<svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"", 1);
    }
    Some(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}\n"))
}

/// [`figures`] of a page or article as it is written (`--plots DIR`): each chart is handed
/// to `on` (figure id, standalone SVG) as soon as its `</figure>` is written, and the text
/// before it dropped, so the whole page is never held (an article is written one part at a
/// time, [`write_article`]). Call [`FigureCutter::finish`] at the end: the charts handed on
/// are exactly [`figures`] of the whole text, in order.
pub struct FigureCutter<F> {
    /// The text not yet cut: an unfinished figure, or what could start a mark.
    pending: Vec<u8>,
    on: F,
    /// A figure's id was not closed by a `"`: [`figures`] stops there.
    stopped: bool,
}

const FIGURE_MARK: &[u8] = b"<figure id=\"";

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Cut every figure complete in `text` (`last`: the text is whole, so a figure not closed
/// runs to its end, as in [`figures`]), handing each chart to `on`; the bytes consumed
/// (what follows must be kept and written again with the next text).
fn cut_figures(
    text: &[u8],
    last: bool,
    stopped: &mut bool,
    on: &mut dyn FnMut(String, String) -> std::io::Result<()>,
) -> std::io::Result<usize> {
    let utf8 = |b: &[u8]| {
        std::str::from_utf8(b)
            .map(str::to_string)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    };
    let mut done = 0;
    while !*stopped {
        let here = &text[done..];
        let Some(at) = find_bytes(here, FIGURE_MARK) else {
            // Keep what could be the start of a mark.
            return Ok(done + here.len() - (FIGURE_MARK.len() - 1).min(here.len()));
        };
        let from = at + FIGURE_MARK.len();
        let rest = &here[from..];
        let Some(end) = rest.iter().position(|&b| b == b'"') else {
            *stopped = last;
            return Ok(done + at);
        };
        let close = match find_bytes(rest, b"</figure>") {
            Some(c) => c,
            None if last => rest.len(),
            None => return Ok(done + at),
        };
        let id = utf8(&rest[..end])?;
        if let Some(svg) = standalone_svg(&utf8(&rest[..close])?) {
            on(id, svg)?;
        }
        done += from + close;
    }
    Ok(text.len())
}

impl<F: FnMut(String, String) -> std::io::Result<()>> FigureCutter<F> {
    pub fn new(on: F) -> Self {
        Self {
            pending: Vec::new(),
            on,
            stopped: false,
        }
    }

    /// The end of the text: cut what remains.
    pub fn finish(mut self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        cut_figures(&pending, true, &mut self.stopped, &mut self.on).map(|_| ())
    }
}

impl<F: FnMut(String, String) -> std::io::Result<()>> std::io::Write for FigureCutter<F> {
    /// Cut straight from `buf` (a whole part of an article), keeping only an unfinished
    /// figure's text: no copy of the page, nor a buffer that grows with its parts.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.stopped {
            return Ok(buf.len());
        }
        if self.pending.is_empty() {
            let used = cut_figures(buf, false, &mut self.stopped, &mut self.on)?;
            self.pending.extend_from_slice(&buf[used..]);
        } else {
            self.pending.extend_from_slice(buf);
            let used = cut_figures(&self.pending, false, &mut self.stopped, &mut self.on)?;
            self.pending.drain(..used);
        }
        if self.pending.is_empty() {
            // An unfinished figure's buffer is not kept once it is cut.
            self.pending = Vec::new();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The id of every figure of a page or article, whether or not it holds a chart
/// ([`figures`] takes those that do): the names `--plots` may write, known before any work.
#[cfg(test)]
pub fn figure_ids(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<figure id=\"") {
        rest = &rest[at + 12..];
        let Some(end) = rest.find('"') else { break };
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// [`figure_ids`] of a page or article as it is written: each id is handed to `on` as soon
/// as its closing quote is written, and the text before it dropped, so the page is never held
/// whole. The ids handed on are exactly [`figure_ids`] of the whole text, in order.
pub struct FigureIds<F> {
    pending: Vec<u8>,
    on: F,
}

impl<F: FnMut(String) -> std::io::Result<()>> FigureIds<F> {
    pub fn new(on: F) -> Self {
        Self {
            pending: Vec::new(),
            on,
        }
    }
}

impl<F: FnMut(String) -> std::io::Result<()>> std::io::Write for FigureIds<F> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        loop {
            let Some(at) = find_bytes(&self.pending, FIGURE_MARK) else {
                let keep = (FIGURE_MARK.len() - 1).min(self.pending.len());
                self.pending.drain(..self.pending.len() - keep);
                break;
            };
            let from = at + FIGURE_MARK.len();
            let Some(end) = self.pending[from..].iter().position(|&b| b == b'"') else {
                self.pending.drain(..at);
                break;
            };
            let id = std::str::from_utf8(&self.pending[from..from + end])
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?
                .to_string();
            (self.on)(id)?;
            self.pending.drain(..from + end);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The end of a page.
pub const PAGE_END: &str = "</body></html>\n";

/// The article of run `index` of a page ([`write_article`] in memory).
#[cfg(test)]
pub fn article(v: &RunView<'_>, index: usize) -> String {
    let mut out = Vec::new();
    write_article(&mut out, v, index).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("maud writes UTF-8")
}

/// The article of run `index` of a page, streamed to `w` one part at a time (a section, or
/// in the sections by year one rivalry's charts and tables), never rendered whole: the page
/// of thousands of rivalries holds one part in memory. The same text as rendering
/// `run_article` at once, which the tests check.
pub fn write_article<W: std::io::Write>(
    mut w: W,
    v: &RunView<'_>,
    index: usize,
) -> std::io::Result<()> {
    let r = v.report;
    let s = v.scenario;
    let single = r.rivalries.len() == 1;
    let mut put = |part: Markup| -> std::io::Result<()> {
        let text = part.into_string();
        if index > 0 {
            // Element ids stay unique on a page with several scenarios (no part boundary
            // falls inside an attribute).
            w.write_all(text.replace(" id=\"", &format!(" id=\"s{index}-")).as_bytes())
        } else {
            w.write_all(text.as_bytes())
        }
    };
    put(html! { (PreEscaped(format!("<article data-report=\"{index}\">"))) })?;
    put(article_head(v))?;
    put(scenario_section(s))?;
    // The sections with a part per rivalry (or entity), one part at a time.
    write_outcomes(r, single, &mut put)?;
    write_escalation(r, &mut put)?;
    if let Some(a) = &r.attribution {
        let only = single.then(|| r.rivalries[0].id.as_str());
        super::attribution::write_section(a, r.horizon_years, only, &mut put)?;
    }
    put(levels_section(r, single))?;
    put(crises_section(r))?;
    put(survival_section(r, single))?;
    put(html! { (PreEscaped("<section id=\"yearly\">")) (yearly_head(&r.yearly)) })?;
    for (n, title, prefix, years) in yearly_entities(r, single) {
        put(yearly_entity(n, &title, &prefix, years))?;
    }
    put(html! { (PreEscaped("</section><section id=\"fans\">")) (fans_head()) })?;
    for (i, rv) in r.rivalries.iter().enumerate() {
        put(fans_rivalry(i, rv))?;
    }
    put(html! { (PreEscaped("</section>")) (run_provenance(v)) (PreEscaped("</article>\n")) })
}

/// An article's header: the scenario's name and description, and its what-ifs.
fn article_head(v: &RunView<'_>) -> Markup {
    html! {
        header { h1 { (v.report.scenario) } p class="lead" { (v.scenario.meta.description) } }
        (overrides_note(html! { "What-ifs (" code { "--set" } ")" }, "", &v.report.overrides))
        (policies_note("Policies", &v.report.policies, false))
    }
}

/// The dated policies of a report as inline text: `id` (name) from `YYYY-MM` over N years,
/// or why it was not applied.
fn policies_items(policies: &[super::PolicyOut]) -> Markup {
    html! {
        @for (i, p) in policies.iter().enumerate() {
            @if i > 0 { "; " }
            code { (p.id) } " (" (p.name) ")"
            @match &p.in_effect_from {
                Some(from) => {
                    " from " (from)
                    @if p.ramp_years > 0.0 {
                        " over " (p.ramp_years) @if p.ramp_years == 1.0 { " year" } @else { " years" }
                    }
                }
                None => {
                    @if p.enabled {
                        " (from " (p.start) ", after the horizon: not applied)"
                    } @else {
                        " (disabled: not applied)"
                    }
                }
            }
        }
    }
}

/// A note under the page's header naming the dated policies the numbers below include
/// (`none` for a comparison's side without any when `always`; nothing otherwise).
fn policies_note(label: &str, policies: &[super::PolicyOut], always: bool) -> Markup {
    html! {
        @if !policies.is_empty() {
            p class="policies" { (label) ", from their dates: " (policies_items(policies)) }
        } @else if always {
            p class="policies" { (label) ": none" }
        }
    }
}

/// The provenance table's row of dated policies (empty without them unless `always`).
fn policies_row(label: &str, policies: &[super::PolicyOut], always: bool) -> Markup {
    html! {
        @if !policies.is_empty() {
            tr { th { (label) } td { (policies_items(policies)) } }
        } @else if always {
            tr { th { (label) } td { "none" } }
        }
    }
}

/// The `--set` what-ifs of a report as inline text: `path = value (file: replaced)`, each
/// number carrying its JSON pointer under `prefix` (`""` for a run, `/a` or `/b` for a side
/// of a comparison). Empty without what-ifs.
fn overrides_items(prefix: &str, overrides: &[crate::scenario::overrides::Applied]) -> Markup {
    html! {
        @for (n, (i, o)) in crate::scenario::overrides::in_effect(overrides).enumerate() {
            @if n > 0 { "; " }
            code { (o.path) } " = "
            // A switch in the scenario file's words (`true` / `false`), a number as a number.
            @if !o.is_switch() {
                (num_span(&format!("{prefix}/overrides/{i}/value"), o.value, o.value))
                " (" (o.replaced_source()) ": "
                (num_span(&format!("{prefix}/overrides/{i}/replaced"), o.replaced, o.replaced))
            } @else {
                (o.shown().0) " (" (o.replaced_source()) ": " (o.shown().1)
            }
            ")"
        }
    }
}

/// A note under the page's header naming the what-ifs the numbers below include.
fn overrides_note(
    label: Markup,
    prefix: &str,
    overrides: &[crate::scenario::overrides::Applied],
) -> Markup {
    html! {
        @if !overrides.is_empty() {
            p class="whatifs" {
                (label) ", applied before the run: " (overrides_items(prefix, overrides))
            }
        }
    }
}

/// The provenance table's row of what-ifs (empty without them).
fn overrides_row(
    label: &str,
    prefix: &str,
    overrides: &[crate::scenario::overrides::Applied],
) -> Markup {
    html! {
        @if !overrides.is_empty() {
            tr { th { (label) } td { (overrides_items(prefix, overrides)) } }
        }
    }
}

/// What B changes relative to A (the comparison's `changes`), as a table.
fn changes_section(c: &ComparisonReport) -> Markup {
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::Null => html! { em { "absent" } },
        serde_json::Value::String(t) => html! { (t) },
        other => html! { (other.to_string()) },
    };
    html! {
        section id="changes" {
            h2 { "What B changes relative to A" }
            @if c.changes.is_empty() {
                p { "Nothing: the two validated scenarios have the same entities, policies and parameter values." }
            } @else {
                p {
                    "Computed from the two validated scenarios (after " code { "extends" } " and "
                    code { "--set" } "): every parameter whose value differs, and what exists on one side only."
                }
                table class="changes" {
                    thead { tr { th { "what" } th { "A" } th { "B" } } }
                    tbody {
                        @for ch in &c.changes {
                            tr { td { code { (ch.what) } } td { (show(&ch.a)) } td { (show(&ch.b)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The region-wide entity then each rivalry's (`/rivalries/{i}`), with one rivalry only the
/// region (its figures are that rivalry's): (index, JSON pointer prefix, entity).
fn comparison_entities(
    c: &ComparisonReport,
) -> impl Iterator<Item = (usize, String, &crate::report::compare::EntityComparison)> {
    let single = c.rivalries.len() == 1;
    std::iter::once(&c.region)
        .chain(&c.rivalries)
        .enumerate()
        .filter(move |&(ei, _)| ei == 0 || !single)
        .map(|(ei, e)| {
            let prefix = if ei == 0 {
                "/region".to_string()
            } else {
                format!("/rivalries/{}", ei - 1)
            };
            (ei, prefix, e)
        })
}

/// The head of a table of differences B - A: the first columns, then the paired interval.
fn diff_table(first: Markup, more: Markup, rows: Markup) -> Markup {
    html! {
        table {
            thead { tr {
                (first) th class="n" { "B - A" }
                th class="n ci" colspan="2" { "paired Monte Carlo 95% interval" }
                (more)
            } }
            tbody { (rows) }
        }
    }
}

/// The section "Differences B - A", handed to `put` one part at a time: its head, each
/// entity's chart and tables (the region, then each rivalry), its end.
fn write_differences(
    c: &ComparisonReport,
    put: &mut dyn FnMut(Markup) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let single = c.rivalries.len() == 1;
    let currency = super::table::comparison_currency(c);
    put(html! {
        (PreEscaped("<section id=\"differences\">"))
        h2 { "Differences B - A" }
        p { "Paired 95% intervals (" (c.method) "). Red whiskers exclude zero." }
        // With one rivalry the region-wide figures are that rivalry's: show them once.
        @if single {
            p class="note" {
                "One rivalry (" (c.rivalries[0].entity) "): its differences are the region-wide ones."
            }
        }
    })?;
    for (ei, prefix, e) in comparison_entities(c) {
        put(differences_of(c, &currency, ei, &prefix, e))?;
    }
    put(html! { (PreEscaped("</section>")) })
}

/// One entity's part of [`write_differences`]: its heading, chart and tables.
fn differences_of(
    c: &ComparisonReport,
    currency: &str,
    ei: usize,
    prefix: &str,
    e: &crate::report::compare::EntityComparison,
) -> Markup {
    let pp = |x: f64| format!("{} pp", super::percent_signed(x, 2));
    let yes_no = |b: bool| if b { "yes" } else { "no" };
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
    html! {
        h3 { (e.entity) }
        (figure(
            &format!("chart-diff-{ei}"),
            charts::differences(&format!("{}: B - A", e.entity), &rows),
            "Difference in probability with paired 95% interval.",
        ))
        (diff_table(
            html! { th { "outcome" } th class="n" { "P(A)" } th class="n" { "P(B)" } },
            html! {
                th class="n ci" colspan="2" { "unpaired interval (reference)" }
                th { "excludes 0" }
            },
            html! {
                @for (j, (o, ev)) in e.outcomes.iter().zip(&EVENTS).enumerate() {
                    @let k = format!("{prefix}/outcomes/{j}");
                    tr {
                        td { (ev.label) }
                        (share_cell(&format!("{k}/p_a"), o.p_a))
                        (share_cell(&format!("{k}/p_b"), o.p_b))
                        (num_cell(&format!("{k}/diff"), o.diff, if o.unchanged_in_every_run() { format!("{} ({})", pp(o.diff), super::UNCHANGED) } else { pp(o.diff) }))
                        (interval_cells(&format!("{k}/paired95"), o.paired.as_ref(), &o.undefined, pp))
                        (interval_cells(&format!("{k}/unpaired95"), o.unpaired.as_ref(), &o.undefined, pp))
                        td class=(yes_no(o.excludes_zero)) { (yes_no(o.excludes_zero)) }
                    }
                }
            },
        ))
        (diff_table(
            html! { th { "per run" } th class="n" { "mean A" } th class="n" { "mean B" } },
            html! {},
            html! {
                @for (j, m) in e.metrics.iter().enumerate() {
                    @let k = format!("{prefix}/metrics/{j}");
                    tr {
                        td { (super::table::metric_label(m.metric, currency)) }
                        (num_cell(&format!("{k}/mean_a"), m.mean_a, super::table::metric_mean(m.metric, m.mean_a)))
                        (num_cell(&format!("{k}/mean_b"), m.mean_b, super::table::metric_mean(m.metric, m.mean_b)))
                        (num_cell(&format!("{k}/diff"), m.diff, if m.unchanged_in_every_run() { format!("{:+.3} ({})", m.diff, super::UNCHANGED) } else { format!("{:+.3}", m.diff) }))
                        (mean_interval_cells(&format!("{k}/paired95"), m))
                    }
                }
            },
        ))
        @if let Some(why) = &c.gdp_lost_not_compared {
            p class="note" { (why) }
        }
        p class="note" { (super::table::censored_note(c.a.horizon_years)) }
    }
}

/// The section "How the composition of the challenger's expected cost shifts", handed to `put` one part at a time: its
/// head and chart (one drawing of every entity's bars), its table's rows one entity at a
/// time, its end.
fn write_comparison_levels(
    c: &ComparisonReport,
    put: &mut dyn FnMut(Markup) -> std::io::Result<()>,
) -> std::io::Result<()> {
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
        rows.extend(level_row(la, e.cost_composition.a.as_ref()));
        rows.extend(level_row(lb, e.cost_composition.b.as_ref()));
    }
    put(html! {
        (PreEscaped("<section id=\"levels\">"))
        h2 { "How the composition of the challenger's expected cost shifts" }
        p {
            "A diagnostic, not an answer to which level deters (that is the attribution's \
             shift above): the share of the challenger's expected cost of challenging that \
             comes from the military, political and economic levels, under A and under B. A \
             policy can move these shares one way and the attribution the other."
        }
        (figure(
            "chart-levels",
            charts::level_bars("Cost composition, A and B", &rows),
            html! { (level_key()) "Share of the challenger's expected cost by level, under A and under B." },
        ))
        (PreEscaped("<table>")) (levels_table_head()) (PreEscaped("<tbody>"))
    })?;
    for (_, prefix, e) in comparison_entities(c) {
        let label = format!("{} shift B - A", e.entity);
        let Some(s) = &e.cost_composition.shift else {
            // A side undefined (no challenge decision had a cost): no shift to read.
            put(levels_undefined_row(&label))?;
            continue;
        };
        let l = [s.military, s.political, s.economic];
        put(levels_row(
            &label,
            &format!("{prefix}/cost_composition/shift"),
            l,
            |k| format!("{} pp", super::percent_signed(l[k], 1)),
        ))?;
    }
    put(html! { (PreEscaped("</tbody></table></section>")) })
}

/// The page of a comparison (`deter compare --report`): differences with paired intervals,
/// the tri-level shift, then each scenario's outcome bars. Streamed to `w` one part at a
/// time (a section; in the differences, the attribution's shift and the tri-level table, one
/// entity's part), never rendered whole: a page of thousands of rivalries holds one part.
pub fn write_comparison<W: std::io::Write>(
    mut w: W,
    c: &ComparisonReport,
    a: &RunView<'_>,
    b: &RunView<'_>,
) -> std::io::Result<()> {
    let mut put = |part: Markup| w.write_all(part.into_string().as_bytes());
    // The page's head and `<body>`: an empty page without its end.
    let mut start = page(
        &format!("deter compare: {} vs {}", c.a.scenario, c.b.scenario),
        html! {},
    );
    start.truncate(start.len() - PAGE_END.len());
    put(PreEscaped(start))?;
    let any_policies = !c.a.policies.is_empty() || !c.b.policies.is_empty();
    put(html! {
        (PreEscaped("<article data-report=\"comparison\">"))
        header {
            h1 { (c.a.scenario) " vs " (c.b.scenario) }
            p class="lead" {
                "A = " (c.a.scenario) " (" (a.source) "); B = " (c.b.scenario) " (" (b.source)
                "). Both run with common random numbers: run i of A and \
                 run i of B use the same random stream, so differences come from the scenarios, not from chance draws."
            }
        }
        (overrides_note(html! { "A what-ifs (" code { "--set" } ")" }, "/a", &c.a.overrides))
        (overrides_note(
            html! { "B what-ifs (" code { "--set" } ", " code { "--set-b" } ")" },
            "/b",
            &c.b.overrides,
        ))
        (policies_note("A policies", &c.a.policies, any_policies))
        (policies_note("B policies", &c.b.policies, any_policies))
    })?;
    put(changes_section(c))?;
    // The sections with a part per rivalry, one part at a time.
    write_differences(c, &mut put)?;
    // How B shifts which level deters, when the attribution was computed.
    if let Some(shift) = &c.attribution_shift {
        let single =
            c.rivalries.len() == 1 && c.a.rivalries.len() == 1 && c.b.rivalries.len() == 1;
        let only = single.then(|| c.rivalries[0].entity.as_str());
        super::attribution::write_shift_section(shift, c.a.horizon_years, only, &mut put)?;
    }
    write_comparison_levels(c, &mut put)?;
    put(html! {
        section id="survival" {
            h2 { "Time to first use of force, A and B" }
            p { "Share of runs without any use of force (MID level 4 or 5) by each time, region-wide." }
            (figure(
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
                format!("A = {}, B = {}.", c.a.scenario, c.b.scenario),
            ))
        }
    })?;
    // Each side's outcome bars.
    for (side, rep) in [("A", &c.a), ("B", &c.b)] {
        put(html! {
            section id={ "side-" (side) } {
                h2 { (side) ": " (rep.scenario) }
                (figure(
                    &format!("chart-outcomes-{side}"),
                    charts::probability_bars(
                        &format!("{side}: region-wide"),
                        &outcome_bars(&rep.outcomes),
                    ),
                    "Outcome probabilities (share of runs over the horizon) with Monte Carlo 95% intervals (Wilson): more runs narrow them; they say nothing about the model's assumptions.",
                ))
            }
        })?;
    }
    put(html! {
        section id="provenance" {
            h2 { "Provenance" }
            table { tbody {
                tr { th { "engine" } td { "deter " (c.engine_version) } }
                @for (side, rep, view) in [("A", &c.a, a), ("B", &c.b, b)] {
                    tr {
                        th { (side) }
                        td { (rep.scenario) " (" (view.source) "), SHA-256 " code { (rep.scenario_sha256) } }
                    }
                }
                tr { th { "seed" } td data-k="/seed" data-v=(c.seed) { (c.seed) } }
                tr { th { "runs (pairs)" } td data-k="/runs" data-v=(c.runs) { (c.runs) } }
                (overrides_row("A what-ifs (--set)", "/a", &c.a.overrides))
                (overrides_row("B what-ifs (--set, --set-b)", "/b", &c.b.overrides))
                (policies_row("A policies", &c.a.policies, any_policies))
                (policies_row("B policies", &c.b.policies, any_policies))
                tr { th { "RNG" } td { (c.rng) } }
                tr { th { "date" } td { (today()) } }
            } }
        }
        (PreEscaped("</article>"))
    })?;
    put(PreEscaped(PAGE_END.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The charts cut from a text as it is written, in chunks of any size (a mark or a
    /// multi-byte character split between two), are the charts cut from the whole text:
    /// unclosed last figure, a figure without a chart and an id never closed included.
    #[test]
    fn charts_cut_as_written_are_the_charts_of_the_whole_text() {
        let texts = [
            "<p>é</p><figure id=\"a\"><svg x>1</svg></figure><figure id=\"none\">no chart\
             </figure>é<figure id=\"b\"><svg xmlns=\"y\">2</svg><svg>3</svg></figure>\
             <figure id=\"c\"><svg>4</svg>",
            "<figure id=\"a\"><svg>1</svg></figure><figure id=\"open",
            "",
        ];
        for text in texts {
            let whole = figures(text);
            for chunk in [1, 2, 5, 13, 1000] {
                let mut cut = Vec::new();
                let mut cutter = FigureCutter::new(|id, svg| {
                    cut.push((id, svg));
                    Ok(())
                });
                for piece in text.as_bytes().chunks(chunk) {
                    std::io::Write::write_all(&mut cutter, piece).unwrap();
                }
                cutter.finish().unwrap();
                assert_eq!(cut, whole, "chunks of {chunk} of {text:?}");
            }
        }
        assert_eq!(figures(texts[0]).len(), 3);
        for text in texts {
            for chunk in [1, 2, 5, 13, 1000] {
                let mut ids = Vec::new();
                let mut scan = FigureIds::new(|id| {
                    ids.push(id);
                    Ok(())
                });
                for piece in text.as_bytes().chunks(chunk) {
                    std::io::Write::write_all(&mut scan, piece).unwrap();
                }
                assert_eq!(ids, figure_ids(text), "chunks of {chunk} of {text:?}");
            }
        }
    }

    /// The article streamed one part at a time is the article rendered at once, ids
    /// prefixed on a second article: region, rivalries, attribution and yearly tables alike.
    #[test]
    fn streamed_article_is_the_article_rendered_at_once() {
        let mut text = String::from(
            "[scenario]\nname = \"three\"\nstart = \"2000-01\"\nhorizon_years = 3\nruns = 10\nseed = 3\n",
        );
        for i in 0..2 {
            text += &format!(
                "\n[[country]]\nid = \"C{i}\"\n[country.military]\nbudget = {}\n[country.economic]\ngdp = {}\n",
                1 + i,
                20 + 5 * i
            );
        }
        for (a, b) in [(0, 1), (1, 0), (0, 1)] {
            text += &format!("\n[[rivalry]]\nid = \"R{a}{b}-{}\"\nchallenger = \"C{a}\"\ntarget = \"C{b}\"\n", text.len());
        }
        let scenario = crate::scenario::parse_str(&text, "three.toml").expect("valid");
        for compiled in [
            crate::model::Compiled::new(&scenario),
            crate::model::Compiled::new(&scenario).with_attribution(),
        ] {
            let plan = crate::engine::RunPlan {
                seed: 1,
                first: 0,
                count: 20,
                stream_offset: 0,
            };
            let mut worker = crate::engine::Worker::new(&compiled);
            worker.run_range(&compiled, &plan, 0, plan.count);
            let info = super::super::RunInfo {
                scenario_sha256: "x".into(),
                seed: 1,
                wall_seconds: 1.0,
                threads: 1,
                policies: crate::report::PolicyOut::of(&scenario),
            };
            let report = Report::build(&compiled, &worker.aggregate, &info);
            let view = RunView {
                report: &report,
                scenario: &scenario,
                source: "three.toml",
            };
            for index in [0, 2] {
                let mut whole = run_article(&view, index).into_string();
                whole.push('\n');
                if index > 0 {
                    whole = whole.replace(" id=\"", &format!(" id=\"s{index}-"));
                }
                assert!(whole.contains("chart-tension-2"), "the article has every rivalry");
                assert_eq!(article(&view, index), whole, "article {index}");
            }
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
