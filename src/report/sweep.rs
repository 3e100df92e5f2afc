//! The sweep report (`deter sweep FILE --report PAGE.html`): the design, each headline
//! outcome against each parameter (a heatmap for a two-parameter grid, else a scatter of
//! the points with their Monte Carlo intervals), and for Saltelli and Morris designs the
//! sensitivity indices as ranked bars with their intervals. [`charts`] gives the same
//! charts as standalone SVG files (`--plots DIR`).
//!
//! Inputs are the validated sweep, its design and each point's headline probabilities and runs
//! (what the runner returns); a point's interval is recomputed from its count (p x its runs)
//! with the Wilson score interval, as in the rows.


use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{
    BLUE, FONT, GREEN, GREY, ORANGE, PURPLE, VERMILLION, err, svg_sized as svg,
};
use maud::{PreEscaped, html};

use super::html::{figure, page, today};
use crate::outputs::EVENTS;
use crate::stats::wilson;
use crate::sweep::sensitivity::{self, BOOTSTRAP};
use crate::sweep::spec::{Domain, Marginal};
use crate::sweep::runner::PointOutput;
use crate::sweep::{Design, DesignKind, Sweep};

/// What the sweep report shows.
pub struct SweepView<'a> {
    pub sweep: &'a Sweep,
    pub design: &'a Design,
    /// Headline probabilities per point and the runs behind them (each point's own: under
    /// `--until-ci` they differ), in point order (`sweep::runner::Outputs`).
    pub outputs: &'a [PointOutput],
}

impl SweepView<'_> {
    /// The runs behind the points' probabilities, in words ("2,000 runs", or "1,000 to
    /// 3,000 runs" when `--until-ci` stopped the points apart).
    fn runs_words(&self) -> String {
        let runs: Vec<u64> = self.outputs.iter().map(|o| o.runs).collect();
        crate::sweep::runs_words(&runs)
    }
}

/// Whiskers are drawn when there are at most this many points (beyond, they hide the dots).
const MAX_WHISKER_POINTS: usize = 200;

/// One point of an outcome-against-parameter chart: x, p and its Monte Carlo 95% interval.
#[derive(Debug, Clone, Copy)]
struct Dot {
    x: f64,
    p: f64,
    lo: f64,
    hi: f64,
    /// The point's policy in a levers x futures sweep (its index), 0 otherwise.
    series: usize,
}

fn dots(v: &SweepView<'_>, outcome: usize, param: usize) -> Vec<Dot> {
    (0..v.design.n)
        .zip(v.outputs)
        .map(|(k, out)| {
            let x = v.design.values(&v.sweep.parameters, k)[param];
            let p = out.p[outcome];
            let count = (p * out.runs as f64).round() as u64;
            let w = wilson(count.min(out.runs), out.runs);
            Dot {
                x,
                p,
                lo: w.lo,
                hi: w.hi,
                series: policy_index(v.sweep, k),
            }
        })
        .collect()
}

/// The index of point `k`'s policy in a levers x futures sweep (points come policy by
/// policy, `futures` each), 0 in a sweep without policies.
fn policy_index(sweep: &Sweep, k: u64) -> usize {
    sweep
        .crossing
        .as_ref()
        .map_or(0, |c| (k / c.futures.max(1)) as usize)
}

/// The ids of a levers x futures sweep's policies, in point order (empty without policies).
fn policy_ids(sweep: &Sweep) -> Vec<&str> {
    sweep
        .crossing
        .as_ref()
        .map(|c| c.policies.iter().map(|p| p.id.as_str()).collect())
        .unwrap_or_default()
}

/// The colour of policy `i`'s dots (colour-blind safe; repeats after seven policies).
fn policy_colour(i: usize) -> RGBColor {
    const COLOURS: [RGBColor; 7] = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, GREY, BLACK];
    COLOURS[i % COLOURS.len()]
}

fn is_log(p: &crate::sweep::Parameter) -> bool {
    matches!(
        p.domain,
        Domain::Range {
            marginal: Marginal::LogUniform,
            ..
        }
    )
}

/// Scatter of one outcome against one parameter, probabilities as percentages.
/// `policies`: the ids of a levers x futures sweep's policies, one colour and legend entry
/// each (empty: one series, no legend).
fn scatter(title: &str, x_desc: &str, points: &[Dot], log_x: bool, policies: &[&str]) -> String {
    let (mut x0, mut x1) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), d| {
            (a.min(d.x), b.max(d.x))
        });
    if !(x0.is_finite() && x1.is_finite()) {
        (x0, x1) = (0.0, 1.0);
    }
    let (y0, y1) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), d| {
            (a.min(d.lo), b.max(d.hi))
        });
    let pad = ((y1 - y0) * 0.08).max(0.005);
    let (y0, y1) = ((y0 - pad).max(0.0), (y1 + pad).min(1.0));
    let whiskers = points.len() <= MAX_WHISKER_POINTS;
    // Enough decimals that neighbouring tick labels differ.
    let span = 100.0 * (y1 - y0);
    let decimals = if span < 0.5 {
        2
    } else if span < 5.0 {
        1
    } else {
        0
    };
    svg(440, 300, |root| {
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(title, (FONT, 14))
            .margin(8)
            .margin_right(18)
            .x_label_area_size(44)
            .y_label_area_size(52);
        if log_x && x0 > 0.0 {
            let mut chart = builder
                .build_cartesian_2d((x0 / 1.1..x1 * 1.1).log_scale(), y0..y1)
                .map_err(err)?;
            mesh(decimals, &mut chart, x_desc)?;
            plot_dots(&mut chart, points, whiskers, policies)
        } else {
            let xpad = ((x1 - x0) * 0.05).max(1e-9);
            let mut chart = builder
                .build_cartesian_2d(x0 - xpad..x1 + xpad, y0..y1)
                .map_err(err)?;
            mesh(decimals, &mut chart, x_desc)?;
            plot_dots(&mut chart, points, whiskers, policies)
        }
    })
}

fn mesh<X: Ranged<ValueType = f64> + ValueFormatter<f64>>(
    decimals: usize,
    chart: &mut ChartContext<
        '_,
        SVGBackend<'_>,
        Cartesian2d<X, plotters::coord::types::RangedCoordf64>,
    >,
    x_desc: &str,
) -> Result<(), String> {
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .x_desc(x_desc)
        .y_desc("share of runs, %")
        .x_labels(6)
        .y_label_formatter(&|y| format!("{:.*}", decimals, 100.0 * y))
        .label_style((FONT, 12))
        .draw()
        .map_err(err)
}

fn plot_dots<'a, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<
        'a,
        SVGBackend<'a>,
        Cartesian2d<X, plotters::coord::types::RangedCoordf64>,
    >,
    points: &[Dot],
    whiskers: bool,
    policies: &[&str],
) -> Result<(), String> {
    if whiskers {
        chart
            .draw_series(points.iter().map(|d| {
                ErrorBar::new_vertical(d.x, d.lo, d.p, d.hi, GREY.mix(0.7).stroke_width(1), 5)
            }))
            .map_err(err)?;
    }
    if policies.is_empty() {
        chart
            .draw_series(
                points
                    .iter()
                    .map(|d| Circle::new((d.x, d.p), 3, BLUE.mix(0.75).filled())),
            )
            .map_err(err)?;
        return Ok(());
    }
    // Levers x futures: each future appears once per policy; one colour per policy, named
    // in the legend, so that the policies' dots are told apart.
    for (i, id) in policies.iter().enumerate() {
        let colour = policy_colour(i);
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|d| d.series == i)
                    .map(|d| Circle::new((d.x, d.p), 3, colour.mix(0.75).filled())),
            )
            .map_err(err)?
            .label(*id)
            .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .label_font((FONT, 12))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Heatmap of one outcome over a two-parameter grid, each cell labelled with its percentage.
fn heatmap(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    xs: &[f64],
    ys: &[f64],
    cell: &dyn Fn(usize, usize) -> Option<f64>,
) -> String {
    let (nx, ny) = (xs.len() as i32, ys.len() as i32);
    let values: Vec<f64> = (0..xs.len())
        .flat_map(|i| (0..ys.len()).filter_map(move |j| cell(i, j)))
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    svg(440, 300, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 14))
            .margin(8)
            .margin_right(18)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(
                (0..(nx - 1).max(1)).into_segmented(),
                (0..(ny - 1).max(1)).into_segmented(),
            )
            .map_err(err)?;
        let fmt = |v: f64| {
            let s = format!("{v:.4}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        let label = |axis: &[f64], v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => axis.get(*i as usize).map(|v| fmt(*v)).unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(xs.len() + 1)
            .y_labels(ys.len() + 1)
            .x_label_formatter(&|v| label(xs, v))
            .y_label_formatter(&|v| label(ys, v))
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        for i in 0..xs.len() {
            for j in 0..ys.len() {
                let Some(v) = cell(i, j) else { continue };
                let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                let shade = RGBColor(
                    (235.0 - 200.0 * t) as u8,
                    (243.0 - 130.0 * t) as u8,
                    (250.0 - 70.0 * t) as u8,
                );
                let (x, y) = (i as i32, j as i32);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [
                            (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                            (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
                        ],
                        shade.filled(),
                    )))
                    .map_err(err)?;
                let ink = if t > 0.55 { WHITE } else { BLACK };
                let style = (FONT, 13)
                    .into_font()
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                chart
                    .draw_series(std::iter::once(Text::new(
                        crate::report::share_percent(v),
                        (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                        style,
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    })
}

/// One ranked bar: a parameter's index and its interval (lo = hi = value when none).
struct IndexBar {
    label: String,
    value: f64,
    lo: f64,
    hi: f64,
    /// A second, lighter bar (first-order S1 beside total-order ST; Morris sigma).
    second: Option<(f64, f64, f64)>,
}

fn ranked_bars(title: &str, x_desc: &str, bars: &[IndexBar]) -> String {
    let n = bars.len() as i32;
    let height = 90 + 40 * bars.len() as u32;
    let top = bars
        .iter()
        .flat_map(|b| [b.hi, b.value, b.second.map_or(0.0, |s| s.2)])
        .fold(0.01f64, f64::max)
        * 1.1;
    let bottom = bars
        .iter()
        .flat_map(|b| [b.lo, b.second.map_or(0.0, |s| s.1)])
        .fold(0.0f64, f64::min);
    svg(720, height, |root| {
        let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 15))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(250)
            .build_cartesian_2d(bottom..top, (0..(n - 1).max(1)).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .disable_y_mesh()
            .x_desc(x_desc)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels
                    .get((n - 1 - *i) as usize)
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        for (i, b) in bars.iter().enumerate() {
            let row = n - 1 - i as i32;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(row)),
                        (b.value, SegmentValue::CenterOf(row)),
                    ],
                    BLUE.mix(0.85).filled(),
                )))
                .map_err(err)?;
            if b.hi > b.lo {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_horizontal(
                        SegmentValue::CenterOf(row),
                        b.lo,
                        b.value,
                        b.hi,
                        BLACK.stroke_width(1),
                        8,
                    )))
                    .map_err(err)?;
            }
            if let Some((v, lo, hi)) = b.second {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (v, SegmentValue::CenterOf(row)),
                        4,
                        ORANGE.filled(),
                    )))
                    .map_err(err)?;
                if hi > lo {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![
                                (lo, SegmentValue::CenterOf(row)),
                                (hi, SegmentValue::CenterOf(row)),
                            ],
                            ORANGE.stroke_width(1),
                        )))
                        .map_err(err)?;
                }
            }
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
                VERMILLION.stroke_width(1),
            )))
            .map_err(err)?;
        Ok(())
    })
}

/// The grid axes of a two-parameter grid design, or None.
fn grid_axes(v: &SweepView<'_>) -> Option<(Vec<f64>, Vec<f64>)> {
    if v.sweep.design != DesignKind::Grid || v.sweep.parameters.len() != 2 {
        return None;
    }
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    for k in 0..v.design.n {
        let val = v.design.values(&v.sweep.parameters, k);
        if !xs.contains(&val[0]) {
            xs.push(val[0]);
        }
        if !ys.contains(&val[1]) {
            ys.push(val[1]);
        }
    }
    xs.sort_by(f64::total_cmp);
    ys.sort_by(f64::total_cmp);
    Some((xs, ys))
}

/// The file stem of every chart of the sweep report, in page order, from the sweep alone (its
/// design and parameters, no rows): the names `--plots` writes, known before any work.
/// [`charts`] names its charts from this list, so the two cannot differ.
pub fn chart_stems(sweep: &crate::sweep::Sweep) -> Vec<String> {
    let grid = sweep.design == DesignKind::Grid && sweep.parameters.len() == 2;
    let mut out = Vec::new();
    let policies = policy_ids(sweep);
    for e in &EVENTS {
        if grid && policies.is_empty() {
            out.push(format!("outcome-{}-grid", e.key));
        } else if grid {
            // Levers x futures: one heatmap per policy (a cell is one future of one policy).
            out.extend(
                policies
                    .iter()
                    .map(|id| format!("outcome-{}-grid-{id}", e.key)),
            );
        }
        for p in &sweep.parameters {
            out.push(format!("outcome-{}-vs-{}", e.key, p.path.replace('.', "_")));
        }
    }
    if matches!(sweep.design, DesignKind::Saltelli | DesignKind::Morris) {
        out.extend(EVENTS.iter().map(|e| format!("sensitivity-{}", e.key)));
    }
    out
}

/// Every chart of the sweep report: (file stem, section, caption, SVG), in page order.
pub fn charts(v: &SweepView<'_>) -> Vec<(String, &'static str, String, String)> {
    let mut out = Vec::new();
    let mut stems = chart_stems(v.sweep).into_iter();
    let mut stem = || stems.next().expect("chart_stems names every chart");
    let params = &v.sweep.parameters;
    let policies = policy_ids(v.sweep);
    let grid = grid_axes(v);
    for (o, name) in EVENTS.iter().map(|e| e.name()).enumerate() {
        let title = format!("P({name}) over the horizon");
        if let Some((xs, ys)) = &grid {
            // (policy, x, y, p) of every point; one heatmap per policy (a single one, policy
            // 0, in a sweep without policies).
            let cells: Vec<(usize, f64, f64, f64)> = (0..v.design.n)
                .zip(v.outputs)
                .map(|(k, out)| {
                    let val = v.design.values(params, k);
                    (policy_index(v.sweep, k), val[0], val[1], out.p[o])
                })
                .collect();
            let named: Vec<Option<&str>> = if policies.is_empty() {
                vec![None]
            } else {
                policies.iter().map(|id| Some(*id)).collect()
            };
            for (pi, id) in named.iter().enumerate() {
                let cell = |i: usize, j: usize| {
                    cells
                        .iter()
                        .find(|c| c.0 == pi && c.1 == xs[i] && c.2 == ys[j])
                        .map(|c| c.3)
                };
                let (title, under) = match id {
                    Some(id) => (
                        format!("{title}, policy {id}"),
                        format!(" under policy `{id}`"),
                    ),
                    None => (title.clone(), String::new()),
                };
                out.push((
                    stem(),
                    "outcomes",
                    format!(
                        "Share of runs in which {}, over the horizon, at each grid point{under} \
                         ({} each); darker is higher, the shading spans this chart's lowest \
                         to highest value.",
                        EVENTS[o].meaning,
                        v.runs_words()
                    ),
                    heatmap(&title, &params[0].path, &params[1].path, xs, ys, &cell),
                ));
            }
        }
        for (i, p) in params.iter().enumerate() {
            let points = dots(v, o, i);
            out.push((
                stem(),
                "outcomes",
                format!(
                    "Each dot is one design point{}: the share of its {} in which {}, over \
                     the horizon{}.",
                    if policies.is_empty() {
                        ""
                    } else {
                        ", one future under one policy (each future appears once per policy; \
                         colours: the policies, in the legend)"
                    },
                    v.runs_words(),
                    EVENTS[o].meaning,
                    if points.len() <= MAX_WHISKER_POINTS {
                        "; whiskers: Monte Carlo 95% interval (more runs narrow it; it says \
                         nothing about the model's assumptions)"
                    } else {
                        ""
                    }
                ),
                scatter(
                    &format!("{title} vs {}", p.path),
                    &p.path,
                    &points,
                    is_log(p),
                    &policies,
                ),
            ));
        }
    }
    let d = params.len();
    match v.sweep.design {
        DesignKind::Saltelli => {
            for (o, name) in EVENTS.iter().map(|e| e.name()).enumerate() {
                let y: Vec<f64> = v.outputs.iter().map(|r| r.p[o]).collect();
                let ix = sensitivity::sobol_from_saltelli(&y, d, BOOTSTRAP, v.sweep.seed);
                let mut order: Vec<usize> = (0..d).collect();
                order.sort_by(|&a, &b| ix.total[b].value.total_cmp(&ix.total[a].value));
                let bars: Vec<IndexBar> = order
                    .iter()
                    .map(|&i| IndexBar {
                        label: params[i].path.clone(),
                        value: ix.total[i].value,
                        lo: ix.total[i].lo,
                        hi: ix.total[i].hi,
                        second: Some((ix.first[i].value, ix.first[i].lo, ix.first[i].hi)),
                    })
                    .collect();
                out.push((
                    stem(),
                    "sensitivity",
                    format!(
                        "Sobol' indices of P({name}), ranked by total order ST (bars, with 95% \
                         bootstrap intervals); dots: first order S1 with its interval. ST is the \
                         share of the variance of P({name}) across the design that involves the \
                         parameter, including interactions."
                    ),
                    ranked_bars(
                        &format!("P({name}): Sobol' total-order index ST"),
                        "share of the variance across the design",
                        &bars,
                    ),
                ));
            }
        }
        DesignKind::Morris => {
            for (o, name) in EVENTS.iter().map(|e| e.name()).enumerate() {
                let y: Vec<f64> = v.outputs.iter().map(|r| r.p[o]).collect();
                let ix = sensitivity::morris_from_design(&y, v.design);
                let mut order: Vec<usize> = (0..d).collect();
                order.sort_by(|&a, &b| ix[b].mu_star.total_cmp(&ix[a].mu_star));
                let bars: Vec<IndexBar> = order
                    .iter()
                    .map(|&i| IndexBar {
                        label: params[i].path.clone(),
                        value: ix[i].mu_star,
                        lo: ix[i].mu_star,
                        hi: ix[i].mu_star,
                        second: ix[i].sigma.map(|s| (s, s, s)),
                    })
                    .collect();
                // With one trajectory each parameter has one elementary effect: no spread.
                let sigma = match ix.iter().find(|m| m.sigma.is_none()) {
                    Some(m) => format!("sigma {} (one trajectory)", m.sigma_text()),
                    None => "dots: sigma (non-linearity or interactions)".into(),
                };
                out.push((
                    stem(),
                    "sensitivity",
                    format!(
                        "Morris elementary effects on P({name}), ranked by mu* (bars: mean absolute \
                         change of the probability per unit of the parameter's range); {sigma}. \
                         Morris gives no interval."
                    ),
                    ranked_bars(
                        &format!("P({name}): Morris mu*"),
                        "change in probability per unit of the parameter's range",
                        &bars,
                    ),
                ));
            }
        }
        _ => {}
    }
    assert!(stems.next().is_none(), "chart_stems names no chart that is not drawn");
    out
}

fn domain_text(p: &crate::sweep::Parameter) -> String {
    match &p.domain {
        Domain::Values(v) => format!(
            "values {}",
            v.iter()
                .map(|x| format!("{x}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Domain::Range {
            lo,
            hi,
            marginal,
            levels,
        } => {
            let m = match marginal {
                Marginal::Uniform => "uniform".to_string(),
                Marginal::LogUniform => "log-uniform".to_string(),
                Marginal::Normal { mean, sd } => format!("normal (mean {mean}, sd {sd})"),
                Marginal::Triangular { mode } => format!("triangular (mode {mode})"),
            };
            let l = levels.map_or(String::new(), |l| format!(", {l} levels"));
            format!("[{lo}, {hi}], {m}{l}")
        }
    }
}

/// The page's notes naming the dated policies the points ran, in a nested run's words
/// ([`crate::calibrate::nested::NestedPolicy::brief_over`]): each policy as its scenario
/// gives it, with the months it took effect in over the points when their values moved it
/// (the months each point's JSON Lines record gives). One note for a sweep; one per policy
/// option of a levers x futures sweep, over its points. Empty without dated policies.
fn policies_notes(v: &SweepView<'_>) -> Vec<String> {
    use crate::calibrate::nested::NestedPolicy;
    let s = v.sweep;
    let n = v.design.n;
    // (label, the scenario, its points)
    let groups: Vec<(String, &crate::scenario::Scenario, Vec<u64>)> = match &s.crossing {
        None => vec![("Policies".to_string(), &s.base, (0..n).collect())],
        Some(c) => c
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let f = c.futures.max(1);
                let points = (i as u64 * f..((i as u64 + 1) * f).min(n)).collect();
                (format!("Policies of `{}`", p.id), &p.scenario, points)
            })
            .collect(),
    };
    let mut notes = Vec::new();
    for (label, scenario, points) in groups {
        let written = crate::report::PolicyOut::of(scenario);
        if written.is_empty() {
            continue;
        }
        let per_point: Vec<Vec<crate::report::PolicyOut>> = points
            .iter()
            .map(|&k| {
                let values = v.design.values(&s.parameters, k);
                crate::sweep::runner::point_policies(s, k, &values)
            })
            .collect();
        let items: Vec<String> = written
            .into_iter()
            .enumerate()
            .map(|(i, policy)| {
                let months = per_point
                    .iter()
                    .map(|ps| ps.get(i).and_then(|p| p.in_effect_from.clone()))
                    .collect();
                NestedPolicy {
                    policy,
                    in_effect_from_per_draw: months,
                }
                .brief_over("points")
            })
            .collect();
        notes.push(format!("{label}, from their dates: {}", items.join("; ")));
    }
    notes
}

/// The self-contained sweep report page, its [`charts`] drawn once (`--plots` writes the same
/// drawings).
pub fn to_html(v: &SweepView<'_>, charts: &[(String, &'static str, String, String)]) -> String {
    let s = v.sweep;
    let body = html! {
        style {
            (PreEscaped(".grid { display: flex; flex-wrap: wrap; gap: 0 16px; } .grid figure { flex: 1 1 440px; max-width: 100%; }"))
        }
        h1 { "Sweep: " (s.file) }
        p class="lead" {
            "Base scenario: " (s.base.meta.name) " (" (s.base_path.display().to_string()) "). "
            (s.design.as_str()) " design, " (super::table::count(v.design.n, "point", "points")) " x "
            (v.runs_words()) ", seed " (s.seed)
            @if let Some(c) = &s.crossing {
                // Levers x futures: the streams are shared across policies within a future,
                // not across futures (docs/SWEEPS.md, "Levers x futures").
                ": " (super::table::count(c.policies.len() as u64, "policy", "policies")) " (" (policy_ids(s).join(", ")) ") in each of "
                (super::table::count(c.futures, "future", "futures")) ", common random numbers across the policies (in each future "
                "every policy runs on the same random streams; different futures on different "
                "streams)"
            } @else if s.common_random_numbers {
                ", common random numbers (run i uses the same random stream at every point)"
            }
            ". deter " (crate::ENGINE_VERSION) ", " (today()) "."
        }
        @for note in policies_notes(v) {
            p class="policies" { (note) }
        }
        section id="how-to-read" {
            h2 { "How to read this page" }
            p {
                "One run is one simulated history of the region over the " (s.base.meta.horizon_years)
                "-year horizon. Each probability is the share of a \
                 point's runs in which the event happened at least once over the horizon (deterrence \
                 held: no use of force in any month of it). Intervals \
                 are Monte Carlo 95% intervals: more runs narrow them; they say nothing about the \
                 model's assumptions. MID: militarised interstate dispute level (1 no militarised \
                 action, 2 threat, 3 display, 4 use of force, 5 war)."
            }
        }
        section id="design" {
            h2 { "Design" }
            table {
                thead { tr { th { "parameter" } th { "role" } th { "domain" } } }
                tbody {
                    @for p in &s.parameters {
                        tr { td { (p.path) } td { (p.role.as_str()) } td { (domain_text(p)) } }
                    }
                }
            }
        }
        @for (section, heading) in [
            ("outcomes", "Each outcome against each parameter"),
            ("sensitivity", "Sensitivity indices"),
        ] {
            @let in_section: Vec<_> = charts.iter().filter(|c| c.1 == section).collect();
            @if !in_section.is_empty() {
                section id=(section) {
                    h2 { (heading) }
                    div class="grid" {
                        @for (id, _, caption, svg) in in_section {
                            (figure(id, svg.clone(), caption))
                        }
                    }
                }
            }
        }
    };
    page(&format!("deter sweep: {}", s.file), body)
}
