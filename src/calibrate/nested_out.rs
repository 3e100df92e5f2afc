//! The outputs of a nested run or comparison (`--posterior` or `[[uncertain]]`): JSON, tidy CSV
//! and a self-contained HTML page (docs/CALIBRATION.md, docs/OUTPUT.md). Every format labels
//! the two kinds of interval in plain words: the **95% interval of the mean** (D draws x R
//! runs: what more draws and runs would fix; `mc_error` alone is what more runs would fix) and the **90% interval over uncertain parameters** (what we don't know). Field
//! names follow the interval convention: `mc95_lo`/`mc95_hi`, `param90_lo`/`param90_hi`.

use super::nested::{Draws, Nested, NestedComparison, OutcomeSummary};
#[cfg(feature = "html")]
use crate::report::html::page;
#[cfg(feature = "html")]
use maud::{Markup, html};
#[cfg(feature = "html")]
use crate::outputs::EVENTS;

/// JSON `schema_version` of these outputs.
pub const SCHEMA_VERSION: u32 = 2;

/// The 95% interval of the mean probability over D draws x R runs: mean +- 1.96 sd(p_d)/sqrt(D),
/// clipped to [0, 1]; the point of the mean when the draws do not vary; `None` when undefined
/// (D = 1).
pub fn mc95(o: &OutcomeSummary) -> Option<(f64, f64)> {
    super::nested::interval95(o.mean, o.se_mean).map(|(lo, hi)| (lo.max(0.0), hi.min(1.0)))
}

/// JSON value of an optional bound: null when undefined.
fn opt(v: Option<f64>) -> serde_json::Value {
    v.map_or(serde_json::Value::Null, |x| serde_json::json!(x))
}

/// What the draws are: "posterior `FILE`", "priors declared in the scenario ([[uncertain]])"
/// or both, with the paths of each; a posterior's case parameters `CASE/PATH` said apart, as
/// listed but not applied.
pub fn source_text(draws: &Draws, posterior_file: Option<&str>) -> String {
    let mut cases = Vec::new();
    let (post, prior): (Vec<&String>, Vec<&String>) = {
        let mut p = (Vec::new(), Vec::new());
        for (path, &f) in draws.paths.iter().zip(&draws.from_posterior) {
            if super::nested::is_case_column(path) {
                cases.push(path);
                continue;
            }
            if f { p.0.push(path) } else { p.1.push(path) }
        }
        p
    };
    let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    if let Some(f) = posterior_file {
        parts.push(format!("posterior {f} ({})", list(&post)));
        if !cases.is_empty() {
            parts.push(format!(
                "its case parameters {} drawn with its rows but not applied (each a historical \
                 case's own)",
                list(&cases)
            ));
        }
    }
    if !prior.is_empty() {
        parts.push(format!(
            "[[uncertain]] priors of the scenario ({})",
            list(&prior)
        ));
    }
    parts.join("; ")
}

fn draws_json(d: &Draws) -> serde_json::Value {
    serde_json::json!({
        "paths": d.paths,
        "from_posterior": d.from_posterior,
        "applied": d.applied(),
        "values": d.rows,
    })
}

/// JSON of a nested run (every float finite).
pub fn json(n: &Nested, scenario: &str, posterior_file: Option<&str>) -> String {
    let outcomes: Vec<_> = n
        .outcomes
        .iter()
        .zip(&n.per_draw)
        .map(|(o, p)| {
            let ci = mc95(o);
            // One draw has no spread over parameters: its 90% interval and its share of
            // variance are undefined (null), not a point and 0.
            let over = |x: f64| if n.draws >= 2 { serde_json::json!(x) } else { serde_json::Value::Null };
            serde_json::json!({
                "outcome": o.outcome,
                "mean": o.mean,
                "param90_lo": over(o.q05),
                "param90_hi": over(o.q95),
                "param90_undefined": if n.draws >= 2 { serde_json::Value::Null } else { serde_json::json!(ONE_DRAW) },
                "mc_error": o.mc_error,
                "se_mean": opt(o.se_mean),
                "mc95_lo": opt(ci.map(|c| c.0)),
                "mc95_hi": opt(ci.map(|c| c.1)),
                "mc95_undefined": if ci.is_none() { serde_json::json!(super::nested::undefined_reason(p)) } else { serde_json::Value::Null },
                "parametric_share_of_variance": over(o.parametric_share),
                "per_draw": p,
            })
        })
        .collect();
    let mut v = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "kind": "nested_run",
        "scenario": scenario,
        "posterior": posterior_file,
        "uncertain_parameters": source_text(&n.parameters, posterior_file),
        "engine_version": crate::ENGINE_VERSION,
        "seed": n.seed,
        "horizon_years": n.horizon_years,
        "draws": n.draws,
        "runs_per_draw": n.runs_per_draw,
        "intervals": {
            "param90": "90% interval over uncertain parameters: the 5% and 95% quantiles of the per-draw probabilities (what we don't know)",
            "mc_error": "Monte Carlo error from the finite runs per draw only (what more runs would fix)",
            "mc95": "95% interval of the mean over D parameter draws x R runs: mean +- 1.96 se_mean, se_mean = sd(per_draw) / sqrt(D) (what more draws and runs would fix); the point (mc95_lo = mc95_hi = mean, se_mean 0) when every draw gave the same value; null with mc95_undefined when D = 1",
        },
        "outcomes": outcomes,
        "parameters": draws_json(&n.parameters),
    });
    // Only with dated policies, as in a run's report (keys are only added).
    if !n.policies.is_empty() {
        v["policies"] = serde_json::to_value(&n.policies).unwrap_or_default();
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// JSON of a paired nested comparison.
pub fn compare_json(
    c: &NestedComparison,
    a: &str,
    b: &str,
    posterior_file: Option<&str>,
) -> String {
    let effects: Vec<_> = c
        .effects
        .iter()
        .zip(&c.per_draw)
        .map(|(e, p)| {
            let over = |x: f64| if c.draws >= 2 { serde_json::json!(x) } else { serde_json::Value::Null };
            serde_json::json!({
                "outcome": e.outcome, "mean_a": e.mean_a, "mean_b": e.mean_b,
                "effect_mean": e.mean,
                "param90_lo": over(e.q05),
                "param90_hi": over(e.q95),
                "param90_undefined": if c.draws >= 2 { serde_json::Value::Null } else { serde_json::json!(ONE_DRAW) },
                "mc_error": e.mc_error,
                "parametric_share_of_variance": over(e.parametric_share),
                "se_mean": opt(e.se_mean),
                "mc95_lo": opt(super::nested::interval95(e.mean, e.se_mean).map(|c| c.0)),
                "mc95_hi": opt(super::nested::interval95(e.mean, e.se_mean).map(|c| c.1)),
                "mc95_undefined": if e.se_mean.is_none() { serde_json::json!(super::nested::undefined_reason(p)) } else { serde_json::Value::Null },
                "share_of_draws_b_lower": e.p_b_lower,
                "share_of_draws_b_higher": e.p_b_higher,
                "per_draw": p,
            })
        })
        .collect();
    let mut v = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "kind": "nested_comparison",
        "a": a, "b": b, "posterior": posterior_file,
        "uncertain_parameters": source_text(&c.parameters, posterior_file),
        "engine_version": crate::ENGINE_VERSION, "seed": c.seed,
        "horizon_years": c.horizon_years,
        "draws": c.draws, "runs_per_draw": c.runs_per_draw,
        "intervals": {
            "param90": "90% interval over uncertain parameters of the effect B - A: the 5% and 95% quantiles of the per-draw effects",
            "mc_error": "Monte Carlo error of the mean effect from the finite runs per draw only, paired within each draw (what more runs would fix)",
            "mc95": "95% interval of the mean effect over D parameter draws x R runs: mean +- 1.96 sd(per_draw) / sqrt(D); the point (mc95_lo = mc95_hi = effect_mean, se_mean 0) when every draw gave the same effect; null with mc95_undefined when D = 1",
        },
        "effects": effects,
        "parameters": draws_json(&c.parameters),
    });
    // A's and B's dated policies as a nested run lists its own, when either side has any
    // (keys are only added).
    if c.policies.iter().any(|p| !p.is_empty()) {
        v["policies_a"] = serde_json::to_value(&c.policies[0]).unwrap_or_default();
        v["policies_b"] = serde_json::to_value(&c.policies[1]).unwrap_or_default();
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Tidy CSV rows (`file, scenario, entity, metric, statistic, value`, as `deter run --format csv`).
struct Rows {
    w: ::csv::Writer<Vec<u8>>,
    /// The `file` column: the scenario file(s) as given.
    file: String,
}

impl Rows {
    fn new(file: &str) -> Self {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.write_record(crate::report::csv::HEADER)
            .expect("writing to memory cannot fail");
        Self {
            w,
            file: crate::output::csv_path(file).into_owned(),
        }
    }

    fn row(&mut self, scenario: &str, entity: &str, metric: &str, statistic: &str, v: f64) {
        self.w
            .write_record([
                self.file.as_str(),
                scenario,
                entity,
                metric,
                statistic,
                &format!("{v}"),
            ])
            .expect("writing to memory cannot fail");
    }

    /// A row whose value may be undefined: an empty value cell.
    fn opt_row(
        &mut self,
        scenario: &str,
        entity: &str,
        metric: &str,
        statistic: &str,
        v: Option<f64>,
    ) {
        match v {
            Some(x) => self.row(scenario, entity, metric, statistic, x),
            None => self
                .w
                .write_record([self.file.as_str(), scenario, entity, metric, statistic, ""])
                .expect("writing to memory cannot fail"),
        }
    }

    /// Each draw's parameter values: `value` for a value set in the draw's scenario,
    /// `value_not_applied` for a calibration's case parameter `CASE/PATH` (drawn with its
    /// posterior row, never set), so that no reader of `value` takes it for an input of the runs.
    fn draws(&mut self, scenario: &str, d: &Draws) {
        let applied = d.applied();
        for (i, row) in d.rows.iter().enumerate() {
            for ((path, v), &set) in d.paths.iter().zip(row).zip(&applied) {
                let stat = if set { "value" } else { "value_not_applied" };
                self.row(scenario, &format!("draw:{i}"), path, stat, *v);
            }
        }
    }

    /// The month a policy took effect (`YYYY-MM`, or none) as rows `applied`,
    /// `in_effect_from_year`, `in_effect_from_month` of `entity`, as a run's CSV writes them.
    /// Each statistic with `suffix` (`_a`, `_b` in a comparison, as a comparison's CSV).
    fn policy_month(
        &mut self,
        scenario: &str,
        entity: &str,
        metric: &str,
        from: Option<&str>,
        suffix: &str,
    ) {
        let applied = f64::from(u8::from(from.is_some()));
        self.row(scenario, entity, metric, &format!("applied{suffix}"), applied);
        if let Some((y, m)) = from.and_then(|d| d.split_once('-')) {
            let (y, m): (f64, f64) = (y.parse().unwrap_or(0.0), m.parse().unwrap_or(0.0));
            self.row(scenario, entity, metric, &format!("in_effect_from_year{suffix}"), y);
            self.row(scenario, entity, metric, &format!("in_effect_from_month{suffix}"), m);
        }
    }

    /// The dated policies as written (entity `scenario`, metric `policy_<id>`), as a run's
    /// CSV writes them: `applied`, `in_effect_from_year`, `in_effect_from_month`, `ramp_years`
    /// (each with `suffix`: `_a`, `_b` in a comparison).
    fn policies(&mut self, scenario: &str, policies: &[super::nested::NestedPolicy], suffix: &str) {
        for p in policies {
            let m = format!("policy_{}", p.policy.id);
            let from = p.policy.in_effect_from.as_deref();
            self.policy_month(scenario, "scenario", &m, from, suffix);
            self.row(scenario, "scenario", &m, &format!("ramp_years{suffix}"), p.policy.ramp_years);
        }
    }

    /// The month each policy took effect in each draw's runs (entity `draw:D`, metric
    /// `policy_<id>`): `applied`, `in_effect_from_year`, `in_effect_from_month` (each with
    /// `suffix`).
    fn policies_per_draw(
        &mut self,
        scenario: &str,
        policies: &[super::nested::NestedPolicy],
        suffix: &str,
    ) {
        for p in policies {
            let m = format!("policy_{}", p.policy.id);
            for (d, from) in p.in_effect_from_per_draw.iter().enumerate() {
                self.policy_month(scenario, &format!("draw:{d}"), &m, from.as_deref(), suffix);
            }
        }
    }

    fn finish(self) -> Vec<u8> {
        self.w.into_inner().expect("writing to memory cannot fail")
    }
}

/// CSV of a nested run: per outcome (entity `region`) `mean`, `param90_lo`, `param90_hi`
/// (90% interval over uncertain parameters), `mc_error` (runs only), `se_mean`, `mc95_lo`, `mc95_hi` (95% interval of the mean over draws; the point when the draws do not vary, empty when undefined: D = 1),
/// `parametric_share`; then per draw (entity `draw:D`) each outcome's probability
/// (`p`) and each parameter's value (`value`).
pub fn csv(n: &Nested, file: &str, scenario: &str) -> Vec<u8> {
    let mut r = Rows::new(file);
    r.row(scenario, "scenario", "horizon_years", "value", f64::from(n.horizon_years));
    r.policies(scenario, &n.policies, "");
    for o in &n.outcomes {
        let ci = mc95(o);
        let over = |x: f64| (n.draws >= 2).then_some(x);
        for (stat, v) in [
            ("mean", Some(o.mean)),
            ("param90_lo", over(o.q05)),
            ("param90_hi", over(o.q95)),
            ("mc_error", Some(o.mc_error)),
            ("se_mean", o.se_mean),
            ("mc95_lo", ci.map(|c| c.0)),
            ("mc95_hi", ci.map(|c| c.1)),
            ("parametric_share", over(o.parametric_share)),
        ] {
            r.opt_row(scenario, "region", o.outcome, stat, v);
        }
    }
    for (o, p) in n.outcomes.iter().zip(&n.per_draw) {
        for (i, v) in p.iter().enumerate() {
            r.row(scenario, &format!("draw:{i}"), o.outcome, "p", *v);
        }
    }
    r.draws(scenario, &n.parameters);
    r.policies_per_draw(scenario, &n.policies, "");
    r.finish()
}

/// CSV of a paired nested comparison (`scenario` = `A vs B`): per outcome `mean_a`, `mean_b`,
/// `effect_mean`, `param90_lo`, `param90_hi`, `mc_error`, `mc95_lo`, `mc95_hi`,
/// `share_b_lower`, `share_b_higher`; per draw the effect (`effect`) and the parameter values.
pub fn compare_csv(c: &NestedComparison, files: &str, a: &str, b: &str) -> Vec<u8> {
    let name = format!("{a} vs {b}");
    let mut r = Rows::new(files);
    r.row(&name, "scenario", "horizon_years", "value", f64::from(c.horizon_years));
    r.policies(&name, &c.policies[0], "_a");
    r.policies(&name, &c.policies[1], "_b");
    for e in &c.effects {
        let ci = super::nested::interval95(e.mean, e.se_mean);
        let over = |x: f64| (c.draws >= 2).then_some(x);
        let share = over(e.parametric_share);
        for (stat, v) in [
            ("mean_a", Some(e.mean_a)),
            ("mean_b", Some(e.mean_b)),
            ("effect_mean", Some(e.mean)),
            ("param90_lo", over(e.q05)),
            ("param90_hi", over(e.q95)),
            ("mc_error", Some(e.mc_error)),
            ("parametric_share", share),
            ("se_mean", e.se_mean),
            ("mc95_lo", ci.map(|c| c.0)),
            ("mc95_hi", ci.map(|c| c.1)),
            ("share_b_lower", Some(e.p_b_lower)),
            ("share_b_higher", Some(e.p_b_higher)),
        ] {
            r.opt_row(&name, "region", e.outcome, stat, v);
        }
    }
    for (e, p) in c.effects.iter().zip(&c.per_draw) {
        for (i, v) in p.iter().enumerate() {
            r.row(&name, &format!("draw:{i}"), e.outcome, "effect", *v);
        }
    }
    r.draws(&name, &c.parameters);
    r.policies_per_draw(&name, &c.policies[0], "_a");
    r.policies_per_draw(&name, &c.policies[1], "_b");
    r.finish()
}

#[cfg(feature = "html")]
/// One strip chart per row: the per-draw values as dots on [lo, hi], the 90% interval over
/// uncertain parameters as a light band, the 95% interval of the mean as a dark band, the
/// mean as a line. `pct` formats an axis value.
struct Strip<'a> {
    label: &'a str,
    values: &'a [f64],
    mean: f64,
    param90: (f64, f64),
    mc95: Option<(f64, f64)>,
}

#[cfg(feature = "html")]
fn strips(title: &str, rows: &[Strip<'_>], lo: f64, hi: f64, unit: &str) -> Markup {
    let (w, left, right, row_h, top) = (720.0, 150.0, 20.0, 34.0, 28.0);
    let h = top + row_h * rows.len() as f64 + 30.0;
    let x = |v: f64| left + (v - lo) / (hi - lo).max(1e-12) * (w - left - right);
    let f1 = |v: f64| format!("{v:.1}");
    let axis_y = top + row_h * rows.len() as f64 + 4.0;
    html! {
        figure {
            svg viewBox={ "0 0 " (w) " " (h) } width="100%" role="img" aria-label=(title) {
                text x=(left) y="16" font-size="12" { (title) }
                @for (i, r) in rows.iter().enumerate() {
                    @let y = top + row_h * i as f64;
                    text x=(left - 8.0) y=(y + 16.0) font-size="11" text-anchor="end" { (r.label) }
                    rect x=(f1(x(r.param90.0))) y=(f1(y + 4.0))
                        width=(f1((x(r.param90.1) - x(r.param90.0)).max(1.0))) height="20" fill="#c6dbef" {
                        title { "90% interval over uncertain parameters" }
                    }
                    @if let Some(mc95) = r.mc95 {
                        rect x=(f1(x(mc95.0))) y=(f1(y + 10.0))
                            width=(f1((x(mc95.1) - x(mc95.0)).max(1.5))) height="8" fill="#08519c" {
                            title { "95% interval of the mean (draws x runs)" }
                        }
                    }
                    @for v in r.values {
                        circle cx=(f1(x(*v))) cy=(f1(y + 14.0)) r="1.6" fill="#444" fill-opacity="0.5" {}
                    }
                    line x1=(f1(x(r.mean))) x2=(f1(x(r.mean))) y1=(f1(y + 1.0)) y2=(f1(y + 27.0))
                        stroke="#d62728" stroke-width="2" {}
                }
                @for k in 0..=4 {
                    @let v = lo + (hi - lo) * k as f64 / 4.0;
                    text x=(f1(x(v))) y=(f1(axis_y + 12.0)) font-size="10" text-anchor="middle" {
                        (format!("{:.0}", 100.0 * v)) (unit)
                    }
                }
            }
            figcaption {
                "Dots: each parameter draw; light band: the 90% interval over uncertain parameters; \
                 dark band: the 95% interval of the mean (draws x runs); red line: the mean."
            }
        }
    }
}

#[cfg(feature = "html")]
fn legend() -> Markup {
    html! {
        p {
            "Two kinds of interval, in plain words. The " b { "90% interval over uncertain parameters" }
            " is the range of the answer across what we don't know (the 5% and 95% \
             quantiles over parameter draws): once each draw has runs enough, more runs do not \
             narrow it (where the share of variance from parameters is below half, it is mostly \
             run-to-run noise, and more runs per draw do narrow it). The "
            b { "95% interval of the mean" }
            " is the error of the mean from having only D parameter draws and R runs each \
             (sd of the per-draw values / sqrt(D)): more draws narrow it; it is the point of the mean, \
             \"unchanged in every draw\", when every draw gave the same value, and undefined for \
             one draw."
        }
    }
}

#[cfg(feature = "html")]
/// A horizon in words: `1 year`, `10 years`.
fn years(y: u32) -> String {
    format!("{y} year{}", if y == 1 { "" } else { "s" })
}

#[cfg(feature = "html")]
/// A self-contained HTML page of a nested run: the table with both intervals labelled,
/// a strip chart per outcome, and the draws' parameter values summarised.
pub fn html(n: &Nested, scenario: &str, posterior_file: Option<&str>) -> String {
    let rows: Vec<Strip<'_>> = n
        .outcomes
        .iter()
        .zip(&n.per_draw)
        .zip(&EVENTS)
        .map(|((o, p), e)| Strip {
            label: e.label,
            values: p,
            mean: o.mean,
            param90: (o.q05, o.q95),
            mc95: mc95(o),
        })
        .collect();
    let body = html! {
        h1 { (scenario) }
        p {
            "Nested Monte Carlo: " (crate::report::table::count(n.draws, "parameter draw", "parameter draws")) " x "
            (crate::report::table::count(n.runs_per_draw, "run", "runs")) " each (seed " (n.seed) "), horizon "
            (years(n.horizon_years)) ", engine "
            (crate::ENGINE_VERSION) ". Uncertain parameters: " (source_text(&n.parameters, posterior_file)) "."
        }
        @if !n.policies.is_empty() {
            p class="policies" {
                "Policies, from their dates: "
                @for (i, p) in n.policies.iter().enumerate() {
                    @if i > 0 { "; " }
                    (p.brief())
                }
            }
        }
        (legend())
        table {
            thead { tr {
                th { "outcome" } th { "mean" } th { "90% interval over uncertain parameters" }
                th { "95% interval of the mean (draws x runs)" } th { "share of variance from parameters" }
            } }
            tbody {
                @for ((o, p), e) in n.outcomes.iter().zip(&n.per_draw).zip(&EVENTS) {
                    tr {
                        td { (e.label) }
                        td class="n" data-v=(o.mean) { (crate::report::share_percent(o.mean)) }
                        td class="n" {
                            (super::nested::parameter_interval_cell(
                                n.draws,
                                super::nested::noisy(o.q05, o.q95, o.parametric_share),
                                super::nested::pct_interval(o.q05, o.q95),
                            ))
                        }
                        td class="n" {
                            (super::nested::mean_interval_cell(mc95(o), o.se_mean, p, super::nested::pct_interval))
                        }
                        td class="n" { (super::nested::share_cell(n.draws, o.parametric_share)) }
                    }
                }
            }
        }
        @let note = super::nested::noise_note(
            n.outcomes.iter().map(|o| super::nested::noisy(o.q05, o.q95, o.parametric_share)),
            n.runs_per_draw,
        );
        @if !note.is_empty() { p class="note" { (note.trim_end()) } }
        (strips("Probability of each outcome, per parameter draw", &rows, 0.0, 1.0, "%"))
        (draws_table(&n.parameters))
    };
    page(&format!("{scenario}: nested Monte Carlo"), body)
}

/// Why a nested run's 90% interval over uncertain parameters (and its share of variance) is
/// null: one draw has no spread over parameters.
const ONE_DRAW: &str = "one parameter draw: no spread over parameters to take quantiles of";

#[cfg(feature = "html")]
/// A self-contained HTML page of a paired nested comparison.
/// `files`: the files A and B were read from, beside their names.
pub fn compare_html(
    c: &NestedComparison,
    a: &str,
    bname: &str,
    files: (&str, &str),
    posterior_file: Option<&str>,
) -> String {
    let pts = |x: f64| crate::report::percent_signed(x, 1);
    let lo = c.per_draw.iter().flatten().fold(0.0f64, |m, &x| m.min(x));
    let hi = c.per_draw.iter().flatten().fold(0.0f64, |m, &x| m.max(x));
    let (lo, hi) = if hi - lo < 1e-9 {
        (-0.01, 0.01)
    } else {
        (lo, hi)
    };
    let rows: Vec<Strip<'_>> = c
        .effects
        .iter()
        .zip(&c.per_draw)
        .zip(&EVENTS)
        .map(|((e, p), ev)| Strip {
            label: ev.label,
            values: p,
            mean: e.mean,
            param90: (e.q05, e.q95),
            mc95: super::nested::interval95(e.mean, e.se_mean),
        })
        .collect();
    let body = html! {
        h1 { (a) " vs " (bname) }
        p {
            "A: " (a) " (" (files.0) "). B: " (bname) " (" (files.1) "). " (crate::report::table::count(c.draws, "parameter draw", "parameter draws"))
            " x " (crate::report::table::count(c.runs_per_draw, "run", "runs"))
            " each, A and B on the same draws and run streams (seed " (c.seed) "), horizon "
            (years(c.horizon_years)) ", engine "
            (crate::ENGINE_VERSION) ". Uncertain parameters: " (source_text(&c.parameters, posterior_file))
            ". Effects are B - A in percentage points (pp)."
        }
        @let any = c.policies.iter().any(|p| !p.is_empty());
        @for (label, policies) in [("A policies", &c.policies[0]), ("B policies", &c.policies[1])] {
            @if !policies.is_empty() {
                p class="policies" {
                    (label) ", from their dates: "
                    @for (i, p) in policies.iter().enumerate() {
                        @if i > 0 { "; " }
                        (p.brief())
                    }
                }
            } @else if any {
                p class="policies" { (label) ": none" }
            }
        }
        (legend())
        table {
            thead { tr {
                th { "outcome" } th { "A" } th { "B" } th { "B - A" }
                th { "90% interval over uncertain parameters" } th { "95% interval of the mean" }
                th { "share of draws where B is lower" }
            } }
            tbody {
                @for ((e, p), ev) in c.effects.iter().zip(&c.per_draw).zip(&EVENTS) {
                    tr {
                        td { (ev.label) }
                        td class="n" { (crate::report::share_percent(e.mean_a)) }
                        td class="n" { (crate::report::share_percent(e.mean_b)) }
                        td class="n" data-v=(e.mean) { (pts(e.mean)) " pp" }
                        td class="n" {
                            (super::nested::parameter_interval_cell(
                                c.draws,
                                super::nested::noisy(e.q05, e.q95, e.parametric_share),
                                super::nested::pts_interval(e.q05, e.q95),
                            ))
                        }
                        td class="n" {
                            (super::nested::mean_interval_cell(super::nested::interval95(e.mean, e.se_mean), e.se_mean, p, super::nested::pts_interval))
                        }
                        td class="n" { (crate::report::share_percent(e.p_b_lower)) }
                    }
                }
            }
        }
        @let note = super::nested::noise_note(
            c.effects.iter().map(|e| super::nested::noisy(e.q05, e.q95, e.parametric_share)),
            c.runs_per_draw,
        );
        @if !note.is_empty() { p class="note" { (note.trim_end()) } }
        (strips(
            "Effect B - A on each outcome, per parameter draw (percentage points)",
            &rows,
            lo,
            hi,
            "",
        ))
        (draws_table(&c.parameters))
    };
    page(&format!("{a} vs {bname}: nested Monte Carlo"), body)
}

#[cfg(feature = "html")]
/// The parameter draws summarised: per path, its origin and the 5%, 50% and 95% of its values.
fn draws_table(d: &Draws) -> Markup {
    let w = vec![1.0; d.rows.len()];
    html! {
        h2 { "Parameter draws" }
        table {
            thead { tr {
                th { "parameter" } th { "from" } th { "5%" } th { "median" } th { "95%" }
            } }
            tbody {
                @for (k, path) in d.paths.iter().enumerate() {
                    @let col: Vec<f64> = d.rows.iter().map(|r| r[k]).collect();
                    @let from = if super::nested::is_case_column(path) {
                        "posterior (a historical case's own parameter: not set here)"
                    } else if d.from_posterior[k] {
                        "posterior"
                    } else {
                        "[[uncertain]] prior"
                    };
                    tr {
                        td { (path) } td { (from) }
                        @for q in [0.05, 0.5, 0.95] {
                            td class="n" { (format!("{:.4}", super::abc::weighted_quantile(&col, &w, q))) }
                        }
                    }
                }
            }
        }
    }
}
