//! Charts for the HTML report, drawn with plotters' SVG backend into strings.
//!
//! plotters is built without default features: no system fonts are needed, text is written
//! as SVG `<text>` (sized by plotters' built-in estimate) and the browser renders it with
//! its own sans-serif font. Every function returns one `<svg>` element.

use maud::html;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Colours shared by the charts and the CSS (colour-blind safe, Okabe-Ito).
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const GREY: RGBColor = RGBColor(90, 90, 90);
/// Okabe-Ito reddish purple.
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
const SERIES: [RGBColor; 4] = [BLUE, VERMILLION, GREEN, ORANGE];

/// The font family every chart names (the browser's own sans-serif).
pub(crate) const FONT: &str = "sans-serif";
const WIDTH: u32 = 720;

/// The drawing area of one SVG chart (shared by the run, comparison and sweep reports).
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Charts drawn by this process (`DETER_COUNT_CHARTS=1` makes the CLI print it to stderr):
/// each chart of a command is drawn once, whether it goes to the page, to `--plots` or both.
static DRAWN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// Set by [`undrawn`]: every chart is left empty (no `<svg>`), not drawn.
    static UNDRAWN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The charts drawn so far by this process ([`svg_sized`] counts them).
pub fn drawn() -> u64 {
    DRAWN.load(std::sync::atomic::Ordering::Relaxed)
}

/// `f` with every chart this thread would draw left empty: the page's text around the
/// charts (their figure ids, what `--plots` checks before it writes) without drawing one.
pub fn undrawn<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            UNDRAWN.with(|u| u.set(self.0));
        }
    }
    let _reset = Reset(UNDRAWN.with(|u| u.replace(true)));
    f()
}

/// Draw a chart [`WIDTH`] pixels wide into a fresh SVG string.
fn svg(height: u32, draw: impl FnOnce(&Area<'_>) -> Result<(), String>) -> String {
    svg_sized(WIDTH, height, draw)
}

/// The one chart setup of every report: a white `width` x `height` SVG drawn by `draw`; on a
/// drawing error, a visible message in place of the chart.
pub(crate) fn svg_sized(
    width: u32,
    height: u32,
    draw: impl FnOnce(&Area<'_>) -> Result<(), String>,
) -> String {
    if UNDRAWN.with(std::cell::Cell::get) {
        return String::new();
    }
    DRAWN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut out = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|_| draw(&root))
            .and_then(|_| root.present().map_err(|e| e.to_string()))
    };
    match result {
        Ok(()) => out,
        Err(e) => html! { p class="chart-error" { "chart could not be drawn: " (e) } }.into_string(),
    }
}

/// What a yearly chart shows in its place when the horizon is shorter than a year.
fn no_yearly_values() -> String {
    html! { p { "No yearly values: the horizon is shorter than a year." } }.into_string()
}

/// Upper end of a segmented axis with `n` categories: plotters' integer ranges include their
/// end, so `0..n - 1` gives exactly `n` segments.
fn last(n: i32) -> i32 {
    (n - 1).max(1)
}

/// A plotters error as the message [`svg_sized`] shows.
pub(crate) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The frame shared by the row charts (probability bars, level bars, differences): `labels`
/// top to bottom on a segmented y axis 170 px wide, `x` on a linear axis labelled by `x_fmt`
/// (with `x_labels` ticks and an axis title `x_desc` where given), no horizontal grid lines.
#[allow(clippy::too_many_arguments)]
fn row_chart<'a, 'b>(
    root: &'a Area<'b>,
    title: &str,
    labels: &[&str],
    x: std::ops::Range<f64>,
    x_area: u32,
    x_labels: Option<usize>,
    x_desc: Option<&str>,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Result<RowChart<'a, 'b>, String> {
    let n = labels.len() as i32;
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 16))
        .margin(8)
        .margin_right(24)
        .x_label_area_size(x_area)
        .y_label_area_size(170)
        .build_cartesian_2d(x, (0..last(n)).into_segmented())
        .map_err(err)?;
    let y_fmt = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => labels
            .get((n - 1 - *i) as usize)
            .map(|l| l.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE.mix(0.0)).disable_y_mesh();
    if let Some(k) = x_labels {
        mesh.x_labels(k);
    }
    if let Some(d) = x_desc {
        mesh.x_desc(d);
    }
    mesh.x_label_formatter(x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// A [`row_chart`] over shares in [0, 1], ticked every 10%.
fn share_row_chart<'a, 'b>(
    root: &'a Area<'b>,
    title: &str,
    labels: &[&str],
) -> Result<RowChart<'a, 'b>, String> {
    row_chart(root, title, labels, 0f64..1f64, 28, Some(11), None, &percent_tick)
}

/// The chart a [`row_chart`] frame draws on.
type RowChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordi32>,
    >,
>;

/// Percent ticks of a [0, 1] axis.
fn percent_tick(x: &f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// One labelled probability with its interval.
pub struct Bar<'a> {
    pub label: &'a str,
    pub p: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Horizontal bars with confidence-interval whiskers, probabilities on [0, 1].
pub fn probability_bars(title: &str, bars: &[Bar<'_>]) -> String {
    let n = bars.len() as i32;
    let height = 70 + 34 * bars.len() as u32;
    svg(height, |root| {
        let labels: Vec<&str> = bars.iter().map(|b| b.label).collect();
        let mut chart = share_row_chart(root, title, &labels)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let row = n - 1 - i as i32;
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(row)),
                        (b.p.clamp(0.0, 1.0), SegmentValue::Exact(row + 1)),
                    ],
                    BLUE.mix(0.75).filled(),
                );
                r.set_margin(6, 6, 0, 0);
                r
            }))
            .map_err(err)?;
        // Whiskers: a line from lo to hi with a cap at each end, drawn over a white halo so
        // they stand out against the bar's end; the caps have a fixed height in pixels, so an
        // interval narrower than a pixel (many runs) still shows as a black tick.
        for (colour, width, cap) in [(WHITE, 6, 9), (BLACK, 2, 7)] {
            chart
                .draw_series(bars.iter().enumerate().map(|(i, b)| {
                    let y = SegmentValue::CenterOf(n - 1 - i as i32);
                    PathElement::new(
                        vec![(b.lo.clamp(0.0, 1.0), y.clone()), (b.hi.clamp(0.0, 1.0), y)],
                        colour.stroke_width(width),
                    )
                }))
                .map_err(err)?;
            for end in [0, 1] {
                chart
                    .draw_series(bars.iter().enumerate().map(|(i, b)| {
                        let x = if end == 0 { b.lo } else { b.hi };
                        EmptyElement::at((
                            x.clamp(0.0, 1.0),
                            SegmentValue::CenterOf(n - 1 - i as i32),
                        )) + PathElement::new(vec![(0, -cap), (0, cap)], colour.stroke_width(width))
                    }))
                    .map_err(err)?;
            }
        }
        Ok(())
    })
}

/// Vertical bars over labelled categories (escalation ladder, crisis histogram), with
/// `values` as shares in [0, 1].
pub fn category_bars(title: &str, x_desc: &str, labels: &[String], values: &[f64]) -> String {
    let n = values.len() as i32;
    let top = values.iter().cloned().fold(0.0f64, f64::max).max(1e-9) * 1.1;
    let top = top.clamp(0.01, 1.0);
    svg(300, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d((0..last(n)).into_segmented(), 0f64..top)
            .map_err(err)?;
        let step = (labels.len() / 16).max(1);
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .disable_x_mesh()
            .x_desc(x_desc)
            .y_desc("share of runs")
            .x_labels(labels.len().min(40))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if (*i as usize).is_multiple_of(step) => {
                    labels.get(*i as usize).cloned().unwrap_or_default()
                }
                _ => String::new(),
            })
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        // The bars in category order, as plotters' `Histogram` series would draw them
        // (a segment wide, 4 px margins) but without its hash map, whose iteration order
        // differs from process to process: the page must be byte-reproducible.
        let xs = chart.as_coord_spec().x_spec().clone();
        let bars = values.iter().enumerate().filter_map(|(i, &v)| {
            let at = xs.index_of(&SegmentValue::Exact(i as i32))?;
            let (x, nx) = (xs.from_index(at)?, xs.from_index(at + 1)?);
            let mut rect = Rectangle::new([(x, v), (nx, 0.0)], BLUE.mix(0.8).filled());
            rect.set_margin(0, 0, 4, 4);
            Some(rect)
        });
        chart.draw_series(bars).map_err(err)?;
        Ok(())
    })
}

/// One row of a stacked tri-level bar: military, political, economic shares.
pub struct LevelRow<'a> {
    pub label: &'a str,
    pub shares: [f64; 3],
}

/// Stacked horizontal bars: which share of the challenger's expected cost comes from each level.
pub fn level_bars(title: &str, rows: &[LevelRow<'_>]) -> String {
    let n = rows.len() as i32;
    let height = 90 + 34 * rows.len() as u32;
    let colours = [BLUE, ORANGE, GREEN];
    svg(height, |root| {
        let labels: Vec<&str> = rows.iter().map(|r| r.label).collect();
        let mut chart = share_row_chart(root, title, &labels)?;
        for (k, colour) in colours.iter().enumerate() {
            chart
                .draw_series(rows.iter().enumerate().map(|(i, r)| {
                    let row = n - 1 - i as i32;
                    let start: f64 = r.shares[..k].iter().sum();
                    let end = (start + r.shares[k]).min(1.0);
                    let mut rect = Rectangle::new(
                        [
                            (start, SegmentValue::Exact(row)),
                            (end, SegmentValue::Exact(row + 1)),
                        ],
                        colour.filled(),
                    );
                    rect.set_margin(6, 6, 0, 0);
                    rect
                }))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// A named step curve over years.
pub struct Curve<'a> {
    pub label: &'a str,
    /// (years, value) points.
    pub points: Vec<(f64, f64)>,
}

/// Survival curves: share of runs without use of force by each time.
pub fn survival(title: &str, horizon_years: f64, curves: &[Curve<'_>]) -> String {
    svg(340, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..horizon_years.max(1.0 / 12.0), 0f64..1.02f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_desc("years from the start")
            .y_desc("no use of force yet")
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        for (i, c) in curves.iter().enumerate() {
            let colour = SERIES[i % SERIES.len()];
            chart
                .draw_series(LineSeries::new(
                    c.points.iter().copied(),
                    colour.stroke_width(2),
                ))
                .map_err(err)?
                .label(c.label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .label_font((FONT, 12))
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// Probabilities by calendar year: one line with markers per curve (points are
/// (year, probability)), y on [0, 1].
pub fn by_year(title: &str, y_desc: &str, curves: &[Curve<'_>]) -> String {
    lines_by_year(title, y_desc, curves, 1.0, true)
}

/// Mean counts by calendar year: one line with markers per curve (points are (year, mean
/// count per run)), y from 0 to a little above the largest mean.
pub fn counts_by_year(title: &str, y_desc: &str, curves: &[Curve<'_>]) -> String {
    let top = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.1))
        .fold(0.0f64, f64::max);
    let top = if top > 0.0 && top.is_finite() {
        top
    } else {
        1.0
    };
    lines_by_year(title, y_desc, curves, top, false)
}

/// The number of labels to ask of a year axis over `[x0, x1]` (whole years at its ends'
/// halves): one per year up to 12, so that the axis's round steps (1, 2, 5, 10 years) fall on
/// whole years only. More labels than years put ticks between two years, each printed as the
/// nearer year ("2026 2026 2027") and one of them before the horizon.
fn year_labels(x0: f64, x1: f64) -> usize {
    ((x1 - x0).round() as usize).clamp(1, 12)
}

fn lines_by_year(
    title: &str,
    y_desc: &str,
    curves: &[Curve<'_>],
    top: f64,
    percent: bool,
) -> String {
    let years = curves.iter().flat_map(|c| c.points.iter().map(|p| p.0));
    let (x0, x1) = years.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    if x0 > x1 {
        return no_yearly_values();
    }
    svg(340, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x0 - 0.5..x1 + 0.5, 0f64..top * 1.02)
            .map_err(err)?;
        let y_label = move |y: &f64| {
            if percent {
                format!("{:.0}%", 100.0 * y)
            } else {
                format!("{y:.2}")
            }
        };
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_desc("year")
            .y_desc(y_desc)
            .x_labels(year_labels(x0 - 0.5, x1 + 0.5))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&y_label)
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        const COLOURS: [RGBColor; 7] = [GREY, ORANGE, GREEN, VERMILLION, BLUE, BLACK, PURPLE];
        for (i, c) in curves.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(
                    c.points.iter().copied(),
                    colour.stroke_width(2),
                ))
                .map_err(err)?
                .label(c.label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
            chart
                .draw_series(c.points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .label_font((FONT, 12))
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// One year's percentile band.
#[derive(Debug, Clone, Copy)]
pub struct Band {
    pub year: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// A fan chart: p5-p95 and p25-p75 bands and the median per year. `log` puts y on a log scale.
pub fn fan(title: &str, y_desc: &str, bands: &[Band], log: bool) -> String {
    if bands.is_empty() {
        return no_yearly_values();
    }
    let x0 = bands[0].year - 0.5;
    let x1 = bands[bands.len() - 1].year + 0.5;
    svg(320, |root| {
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(title, (FONT, 16))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(64);
        let outer = |b: &Band| [(b.year, b.p05), (b.year, b.p95)];
        let inner = |b: &Band| [(b.year, b.p25), (b.year, b.p75)];
        let median: Vec<(f64, f64)> = bands.iter().map(|b| (b.year, b.p50)).collect();
        let poly = |f: &dyn Fn(&Band) -> [(f64, f64); 2]| -> Vec<(f64, f64)> {
            let mut pts: Vec<(f64, f64)> = bands.iter().map(|b| f(b)[1]).collect();
            pts.extend(bands.iter().rev().map(|b| f(b)[0]));
            pts
        };
        let (outer_pts, inner_pts) = (poly(&outer), poly(&inner));
        let positive = |y: f64| y.max(1e-6);
        let lo = bands
            .iter()
            .map(|b| positive(b.p05))
            .fold(f64::MAX, f64::min);
        let hi = bands.iter().map(|b| positive(b.p95)).fold(0.0, f64::max);
        // A log axis only labels powers of ten: use it when the values span more than 20x.
        if log && hi / lo > 20.0 {
            let (lo, hi) = (lo / 1.5, hi * 1.5);
            let mut chart = builder
                .build_cartesian_2d(x0..x1, (lo..hi).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE.mix(0.0))
                .x_desc("year (end)")
                .y_desc(y_desc)
                .x_labels(year_labels(x0, x1))
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.3}"))
                .label_style((FONT, 12))
                .draw()
                .map_err(err)?;
            let clip = |v: Vec<(f64, f64)>| {
                v.into_iter()
                    .map(|(x, y)| (x, positive(y)))
                    .collect::<Vec<_>>()
            };
            chart
                .draw_series(std::iter::once(Polygon::new(
                    clip(outer_pts),
                    BLUE.mix(0.2).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Polygon::new(
                    clip(inner_pts),
                    BLUE.mix(0.4).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(clip(median), BLUE.stroke_width(2)))
                .map_err(err)?;
        } else {
            let (y0, y1) = if log {
                let pad = (hi - lo).max(0.05 * hi) * 0.15;
                ((lo - pad).max(0.0), hi + pad)
            } else {
                (0.0, 1.0)
            };
            let mut chart = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE.mix(0.0))
                .x_desc("year (end)")
                .y_desc(y_desc)
                .x_labels(year_labels(x0, x1))
                .x_label_formatter(&|x| format!("{x:.0}"))
                .label_style((FONT, 12))
                .draw()
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outer_pts,
                    BLUE.mix(0.2).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Polygon::new(
                    inner_pts,
                    BLUE.mix(0.4).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(median, BLUE.stroke_width(2)))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// Forest plot of differences with their intervals (compare): one row per label.
pub struct DiffRow<'a> {
    pub label: &'a str,
    pub diff: f64,
    pub lo: f64,
    pub hi: f64,
}

pub fn differences(title: &str, rows: &[DiffRow<'_>]) -> String {
    let n = rows.len() as i32;
    let height = 80 + 34 * rows.len() as u32;
    let span = rows
        .iter()
        .flat_map(|r| [r.lo.abs(), r.hi.abs()])
        .fold(0.005f64, f64::max)
        * 1.15;
    svg(height, |root| {
        let labels: Vec<&str> = rows.iter().map(|r| r.label).collect();
        let points = |x: &f64| {
            let v = 100.0 * x;
            if v.abs() < 0.05 {
                "0".to_string()
            } else {
                format!("{v:+.1}")
            }
        };
        let desc = "P(B) - P(A), percentage points";
        let mut chart = row_chart(
            root,
            title,
            &labels,
            -span..span,
            36,
            None,
            Some(desc),
            &points,
        )?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
                GREY.stroke_width(1),
            )))
            .map_err(err)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let row = n - 1 - i as i32;
                let colour = if r.lo > 0.0 || r.hi < 0.0 {
                    VERMILLION
                } else {
                    GREY
                };
                ErrorBar::new_horizontal(
                    SegmentValue::CenterOf(row),
                    r.lo,
                    r.diff,
                    r.hi,
                    colour.stroke_width(2),
                    10,
                )
            }))
            .map_err(err)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                Circle::new(
                    (r.diff, SegmentValue::CenterOf(n - 1 - i as i32)),
                    4,
                    BLACK.filled(),
                )
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// One series of (coverage, density) points of a PRIM peeling trajectory, with the index
/// of the chosen box.
pub struct Trajectory<'a> {
    pub label: &'a str,
    pub points: &'a [(f64, f64)],
    pub chosen: usize,
}

/// The coverage / density trade-off of scenario discovery (Bryant & Lempert 2010): each
/// peeling step a point, the chosen box ringed. Both axes on [0, 1].
pub fn tradeoff(title: &str, series: &[Trajectory<'_>]) -> String {
    svg(420, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..1.02f64, 0f64..1.02f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_desc("coverage (share of the cases of interest in the box)")
            .y_desc("density (share of the box that are cases)")
            .x_label_formatter(&|x| format!("{:.0}%", 100.0 * x))
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        for (i, s) in series.iter().enumerate() {
            let colour = SERIES[i % SERIES.len()];
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    colour.mix(0.5).stroke_width(1),
                ))
                .map_err(err)?;
            chart
                .draw_series(s.points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                .map_err(err)?
                .label(s.label)
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
            if let Some(&p) = s.points.get(s.chosen) {
                chart
                    .draw_series(std::iter::once(Circle::new(p, 8, BLACK.stroke_width(2))))
                    .map_err(err)?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .label_font((FONT, 12))
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The year labels of `svg`'s x axis: the texts that are four-digit years.
    fn year_labels_of(svg: &str) -> Vec<u32> {
        svg.split('>')
            .filter_map(|s| s.split('<').next())
            .map(str::trim)
            .filter(|s| s.len() == 4)
            .filter_map(|s| s.parse().ok())
            .filter(|y| (1900..2200).contains(y))
            .collect()
    }

    /// A chart by year labels each year once, none outside the horizon (three years printed
    /// "2026" at 2025.5, 2026.0 and 2026.5), and whole years only, every 1, 2 or 5 years on
    /// long horizons, for both kinds of chart by year (lines and fans).
    #[test]
    fn a_chart_by_year_labels_each_year_once_inside_the_horizon() {
        for years in [1u32, 2, 3, 7, 10, 13, 25, 50] {
            let points: Vec<(f64, f64)> = (0..years)
                .map(|k| (f64::from(2026 + k), 0.1 + 0.01 * f64::from(k)))
                .collect();
            let bands: Vec<Band> = points
                .iter()
                .map(|&(year, p)| Band { year, p05: p / 2.0, p25: p, p50: p, p75: p, p95: 2.0 * p })
                .collect();
            let curve = Curve { label: "use of force", points };
            let charts = [
                ("lines", by_year("P by year", "share", std::slice::from_ref(&curve))),
                ("fan", fan("Fan", "balance", &bands, false)),
                ("log fan", fan("Fan", "balance", &bands, true)),
            ];
            for (kind, svg) in charts {
                let labels = year_labels_of(&svg);
                let last = 2026 + years - 1;
                assert!(!labels.is_empty(), "{kind}, {years} years: no label");
                assert!(
                    labels.iter().all(|y| (2026..=last).contains(y)),
                    "{kind}, {years} years: {labels:?}"
                );
                assert!(
                    labels.windows(2).all(|w| w[0] < w[1]),
                    "{kind}, {years} years: a label repeated or out of order: {labels:?}"
                );
                assert!(labels.len() <= 12, "{kind}, {years} years: {labels:?}");
                if years <= 12 {
                    assert_eq!(labels.len() as u32, years, "{kind}: {labels:?}");
                }
            }
        }
    }
}
