//! The sweep results file: one line per point, CSV (with a header) or JSON Lines (with a
//! first line describing the sweep). Text is a pure function of the point's parameter
//! values and aggregate, so a resumed sweep writes exactly the bytes an uninterrupted one
//! would. Floats are written in Rust's shortest round-trip form; reports never carry NaN.

use std::fmt::Write;

use serde::Serialize;

use super::spec::Sweep;
use crate::engine::until::Stopping;
use crate::outputs::{EVENTS, METRICS, N_EVENTS, YEARS_TO_FORCE};
use crate::report::{Headline, MetricOut, Outcomes, PolicyOut, finite};

/// Output format of the results file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    Csv,
    Json,
}

impl RowFormat {
    /// The name `deter sweep --format` takes.
    pub fn name(self) -> &'static str {
        match self {
            RowFormat::Csv => "csv",
            RowFormat::Json => "json",
        }
    }

    /// The format of a results file `out` (None: standard output) asked for as `asked`: it,
    /// else the extension (`.json`, `.jsonl`, `.ndjson`: JSON Lines; `.csv`: CSV; in any case), else CSV. Refused
    /// before any work: an extension that contradicts `asked`, and `.html`/`.htm` (the page is
    /// `--report`), so rows never land in a file a program would parse as something else and
    /// the resume command a record gives (`--format` with `--out`) is one `deter sweep`
    /// accepts. The one rule of `deter sweep` and the library's `deter::sweep`.
    pub fn of_results(
        out: Option<&std::path::Path>,
        asked: Option<RowFormat>,
        caller: Caller,
    ) -> Result<RowFormat, FormatFault> {
        let ext = out
            .and_then(|o| o.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let shown = out.map(|o| o.display().to_string()).unwrap_or_default();
        let named = match ext.as_deref() {
            // JSON Lines' own extensions name it too (`results.jsonl`: it wrote CSV).
            Some("json" | "jsonl" | "ndjson") => Some(RowFormat::Json),
            Some("csv") => Some(RowFormat::Csv),
            Some("html" | "htm") => {
                return Err(match caller {
                    Caller::Cli => FormatFault {
                        message: format!(
                            "expected a file for the results rows (--out never writes HTML), \
                             found `{shown}`, the name of an HTML file"
                        ),
                        help: Some(format!("use --report `{shown}` for the HTML page")),
                    },
                    Caller::Library => FormatFault::said(format!(
                        "`out` `{shown}` names an HTML file, but `out` receives the results \
                         rows; give it a .csv or .json extension"
                    )),
                });
            }
            _ => None,
        };
        match (asked, named) {
            (Some(f), Some(n)) if f != n => Err(match caller {
                Caller::Cli => FormatFault {
                    message: format!(
                        "expected a file for the {f} rows (--format {f}), found `{shown}`, the \
                         name of a {} file",
                        n.name().to_uppercase(),
                        f = f.name(),
                    ),
                    help: Some(format!(
                        "use --format {} (or give the file another extension)",
                        n.name()
                    )),
                },
                Caller::Library => FormatFault::said(format!(
                    "`out` `{shown}` names a {} file, but `json` is {} ({} rows); pass `json` \
                     {} (or give the file another extension)",
                    n.name().to_uppercase(),
                    f == RowFormat::Json,
                    f.name().to_uppercase(),
                    n == RowFormat::Json
                )),
            }),
            (Some(f), _) => Ok(f),
            (None, n) => Ok(n.unwrap_or(RowFormat::Csv)),
        }
    }
}

/// A results file whose extension contradicts its format ([`RowFormat::of_results`]): what
/// was expected and found (`message`), and for the command line what to do (`help`), which
/// locates it at `--out`'s value; the library's words are one sentence (`help` None).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatFault {
    pub message: String,
    pub help: Option<String>,
}

impl FormatFault {
    fn said(message: String) -> Self {
        FormatFault {
            message,
            help: None,
        }
    }
}

/// Who gave a rule its values, for the words of its refusal: the command line's flags
/// (`--out`, `--format`, `--report`, `--seed`) or the library's arguments (`deter::sweep`'s
/// `out` and `json`, `Settings::seed`). One rule, each caller's names
/// ([`RowFormat::of_results`], `settings::check_seed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// The `deter` command line: its flags.
    Cli,
    /// A program calling the library: its functions' arguments.
    Library,
}

const METRIC_STATS: [&str; 5] = ["mean", "sd", "p05", "p50", "p95"];

/// Formats the lines of one sweep's results file.
#[derive(Debug, Clone)]
pub struct Rows {
    pub format: RowFormat,
    paths: Vec<String>,
    adaptive: bool,
    /// Levers x futures: the policy ids and the futures per policy (point k is future
    /// `k % futures` of policy `k / futures`); the rows then carry `policy` and `future`.
    policies: Option<(Vec<String>, u64)>,
    /// The sweep carries the attribution: region-wide `attribution_*` columns.
    attribution: bool,
}

#[derive(Serialize)]
struct JsonPrefix<'a> {
    point: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    future: Option<u64>,
    values: &'a [f64],
}

#[derive(Serialize)]
struct JsonStopping<'a> {
    reason: &'a str,
    widest: &'a str,
    widest_half_width: f64,
}

#[derive(Serialize)]
struct JsonRest<'a> {
    runs: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopping: Option<JsonStopping<'a>>,
    outcomes: &'a Outcomes,
    metrics: &'a crate::report::Metrics,
    /// The region's attribution, when the sweep carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    attribution: Option<
        &'a crate::report::attribution::EventsOut<crate::report::attribution::EventAttributionOut>,
    >,
    /// The point's dated policies and the month each took effect in its runs (a run's
    /// `policies`); absent without policies.
    #[serde(skip_serializing_if = "<[PolicyOut]>::is_empty")]
    policies: &'a [PolicyOut],
}

#[derive(Serialize)]
struct JsonParam<'a> {
    path: &'a str,
    role: &'a str,
}

#[derive(Serialize)]
struct JsonHeader<'a> {
    deter_sweep: &'a str,
    engine_version: &'a str,
    rng: &'a str,
    design: &'a str,
    seed: u64,
    runs: u64,
    horizon_years: u32,
    common_random_numbers: bool,
    /// Rows carry the region's attribution (`deter sweep --attribution`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    attribution: bool,
    parameters: Vec<JsonParam<'a>>,
    /// Settings from the command line that replaced the file's.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    overrides: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    policies: Option<&'a [String]>,
}

/// The attribution columns of a sweep row, per event: removing all three levels, then each
/// level's Shapley share.
const ATTRIBUTION_PARTS: [&str; 4] = ["removing_all", "military", "political", "economic"];

fn attribution_part(
    e: &crate::report::attribution::EventAttributionOut,
    part: usize,
) -> &crate::report::attribution::ChangeOut {
    match part {
        0 => &e.removing_all,
        1 => &e.military,
        2 => &e.political,
        _ => &e.economic,
    }
}

/// A metric's cells: mean, sd (None for fewer than two runs: an empty cell), p05, p50, p95.
fn metric_values(m: &MetricOut) -> [Option<f64>; 5] {
    [Some(m.mean), m.sd, Some(m.p05), Some(m.p50), Some(m.p95)]
}

impl Rows {
    pub fn new(format: RowFormat, sweep: &Sweep, adaptive: bool) -> Self {
        Self {
            format,
            paths: sweep.parameters.iter().map(|p| p.path.clone()).collect(),
            adaptive,
            policies: sweep.crossing.as_ref().map(|c| {
                (
                    c.policies.iter().map(|p| p.id.clone()).collect(),
                    c.futures.max(1),
                )
            }),
            attribution: sweep.attribution,
        }
    }

    /// Point `k`'s policy id and future, for levers x futures sweeps.
    fn policy_future(&self, k: u64) -> Option<(&str, u64)> {
        let (ids, futures) = self.policies.as_ref()?;
        let p = ids.get((k / futures) as usize)?;
        Some((p.as_str(), k % futures))
    }

    /// The first line of the file.
    pub fn header(&self, sweep: &Sweep) -> String {
        match self.format {
            RowFormat::Csv => {
                let mut cols: Vec<String> = vec!["point".into()];
                if self.policies.is_some() {
                    cols.extend(["policy".into(), "future".into()]);
                }
                cols.extend(self.paths.iter().cloned());
                cols.push("runs".into());
                cols.extend(result_columns(self.adaptive, self.attribution));
                cols.join(",") + "\n"
            }
            RowFormat::Json => {
                let h = JsonHeader {
                    deter_sweep: &sweep.file,
                    engine_version: crate::ENGINE_VERSION,
                    rng: crate::engine::RNG_NAME,
                    design: sweep.design.as_str(),
                    seed: sweep.seed,
                    runs: sweep.runs,
                    horizon_years: sweep.base.meta.horizon_years,
                    overrides: &sweep.overrides,
                    common_random_numbers: sweep.common_random_numbers,
                    attribution: self.attribution,
                    parameters: sweep
                        .parameters
                        .iter()
                        .map(|p| JsonParam {
                            path: &p.path,
                            role: p.role.as_str(),
                        })
                        .collect(),
                    policies: self.policies.as_ref().map(|(ids, _)| ids.as_slice()),
                };
                serde_json::to_string(&h).expect("serialises") + "\n"
            }
        }
    }

    /// The start of point `k`'s line: its index and parameter values (checked on resume).
    pub fn prefix(&self, k: u64, values: &[f64]) -> String {
        match self.format {
            RowFormat::Csv => {
                let mut s = k.to_string();
                if let Some((p, f)) = self.policy_future(k) {
                    let _ = write!(s, ",{p},{f}");
                }
                for v in values {
                    let _ = write!(s, ",{}", finite(*v));
                }
                s.push(',');
                s
            }
            RowFormat::Json => {
                let finite_values: Vec<f64> = values.iter().map(|v| finite(*v)).collect();
                let pf = self.policy_future(k);
                let mut s = serde_json::to_string(&JsonPrefix {
                    point: k,
                    policy: pf.map(|x| x.0),
                    future: pf.map(|x| x.1),
                    values: &finite_values,
                })
                .expect("serialises");
                s.pop(); // the closing brace
                s.push(',');
                s
            }
        }
    }

    /// Point `k`'s full line, with the trailing newline.
    pub fn row(
        &self,
        k: u64,
        values: &[f64],
        report: &Headline,
        stopping: Option<&Stopping>,
        policies: &[PolicyOut],
    ) -> String {
        let mut s = self.prefix(k, values);
        match self.format {
            RowFormat::Csv => {
                let _ = write!(s, "{}", report.runs);
                if self.adaptive {
                    match stopping {
                        Some(st) => {
                            let _ = write!(
                                s,
                                ",{},{}",
                                st.reason.as_str(),
                                finite(st.widest_half_width)
                            );
                        }
                        None => s.push_str(",,"),
                    }
                }
                for (_, p) in report.outcomes.entries() {
                    let _ = write!(s, ",{},{},{}", p.p, p.lo, p.hi);
                }
                let m = &report.metrics;
                for (_, metric) in m.entries() {
                    for x in metric_values(metric) {
                        match x {
                            Some(x) => {
                                let _ = write!(s, ",{x}");
                            }
                            None => s.push(','),
                        }
                    }
                }
                let t = &m.years_to_first_use_of_force;
                let _ = write!(s, ",{},{},{}", t.mean, t.p50, t.censored_share);
                if self.attribution {
                    let region = report.attribution.as_ref().map(|a| &a.0);
                    for k in 0..N_EVENTS {
                        for part in 0..ATTRIBUTION_PARTS.len() {
                            match region.map(|r| attribution_part(&r[k], part)) {
                                Some(c) => {
                                    let cell =
                                        |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
                                    let _ = write!(
                                        s,
                                        ",{},{},{}",
                                        c.change,
                                        cell(c.paired95_lo),
                                        cell(c.paired95_hi)
                                    );
                                }
                                None => s.push_str(",,,"),
                            }
                        }
                    }
                }
                s.push('\n');
            }
            RowFormat::Json => {
                let rest = JsonRest {
                    runs: report.runs,
                    stopping: stopping.map(|st| JsonStopping {
                        reason: st.reason.as_str(),
                        widest: st.widest,
                        widest_half_width: finite(st.widest_half_width),
                    }),
                    outcomes: &report.outcomes,
                    metrics: &report.metrics,
                    attribution: report.attribution.as_ref(),
                    policies,
                };
                let body = serde_json::to_string(&rest).expect("serialises");
                s.push_str(&body[1..]); // drop the opening brace
                s.push('\n');
            }
        }
        s
    }

    /// The runs and every headline outcome's (p, lo, hi) of a row written by [`Rows::row`]
    /// (None: not such a row; a cell that reads as 0 although it is not, `1e-400`, is not
    /// one deter wrote).
    pub fn estimates_of(&self, line: &str) -> Option<(u64, [[f64; 3]; N_EVENTS])> {
        let mut out = [[0.0; 3]; N_EVENTS];
        match self.format {
            RowFormat::Csv => {
                let cells: Vec<&str> = line.trim_end().split(',').collect();
                let runs_at = 1 + if self.policies.is_some() { 2 } else { 0 } + self.paths.len();
                let runs = crate::scenario::input::parse_digits(cells.get(runs_at)?)?;
                let first = runs_at + 1 + if self.adaptive { 2 } else { 0 };
                for (i, o) in out.iter_mut().enumerate() {
                    for (j, x) in o.iter_mut().enumerate() {
                        *x = number(cells.get(first + 3 * i + j)?)?;
                    }
                }
                Some((runs, out))
            }
            RowFormat::Json => {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                for (o, e) in out.iter_mut().zip(&EVENTS) {
                    for (x, key) in o.iter_mut().zip(["p", "mc95_lo", "mc95_hi"]) {
                        *x = v["outcomes"][e.key][key].as_f64()?;
                    }
                }
                Some((v["runs"].as_u64()?, out))
            }
        }
    }

    /// The first number of a row (line `n` of `file`, under the results' `header` line)
    /// that reads as 0 although it is not (`1e-400`), as the diagnostic every reader gives
    /// it: "FILE:LINE:COL: error: column `NAME`: expected a number, found `1e-400`, a number
    /// too small to use (it reads as 0)" (a JSON Lines row: its key path, `outcomes.war.p`,
    /// for the column). `None`: there is none.
    pub fn underflow(
        &self,
        file: &str,
        header: &str,
        n: usize,
        line: &str,
    ) -> Option<crate::scenario::Diagnostic> {
        let line = line.trim_end();
        match self.format {
            RowFormat::Csv => line.split(',').enumerate().find_map(|(j, cell)| {
                let name = header.trim_end().split(',').nth(j).unwrap_or_default();
                if matches!(name, "policy" | "future") || crate::scenario::input::parse_digits::<f64>(cell) != Some(0.0) {
                    return None;
                }
                let (m, help) = crate::scenario::input::number_text(cell, "a number").err()?;
                Some(crate::scenario::input::csv_cell(file, n, line, j, name, &m, help))
            }),
            RowFormat::Json => {
                let (at, path, literal) = crate::scenario::input::json_underflow(line)?;
                let m = crate::scenario::input::too_small("a number", &literal);
                let mut d =
                    crate::scenario::Diagnostic::at(file, line, at..at + literal.len(), &path, m);
                d.line = n;
                if let Some(ex) = &mut d.snippet {
                    ex.line_start = n;
                }
                Some(d)
            }
        }
    }

    /// Whether rows are JSON Lines records (which name the point's dated policies).
    pub fn is_json(&self) -> bool {
        self.format == RowFormat::Json
    }

    /// Whether rows carry --until-ci columns (runs vary by point).
    pub fn is_adaptive(&self) -> bool {
        self.adaptive
    }

    /// The headline probabilities of a line written by [`Rows::row`].
    pub fn outcomes_of(&self, line: &str) -> Option<[f64; N_EVENTS]> {
        let mut out = [0.0; N_EVENTS];
        match self.format {
            RowFormat::Csv => {
                let cells: Vec<&str> = line.trim_end().split(',').collect();
                let first = 1
                    + if self.policies.is_some() { 2 } else { 0 }
                    + self.paths.len()
                    + 1
                    + if self.adaptive { 2 } else { 0 };
                for (i, o) in out.iter_mut().enumerate() {
                    *o = number(cells.get(first + 3 * i)?)?;
                }
            }
            RowFormat::Json => {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                for (o, e) in out.iter_mut().zip(&EVENTS) {
                    *o = v["outcomes"][e.key]["p"].as_f64()?;
                }
            }
        }
        Some(out)
    }
}

/// A number cell of a results row, read as every CSV input reads one
/// ([`crate::scenario::input::number_text`]: `1e-400` is not 0).
fn number(cell: &str) -> Option<f64> {
    crate::scenario::input::number_text(cell, "a number").ok()
}

/// The columns of a CSV results file after `runs`, in order: the stopping rule's two when
/// `adaptive`, every event's probability and interval, every metric's statistics, the years
/// to the first use of force, and the attribution's when `attribution`. What readers of
/// results know a sweep writes (`deter robust` and `deter discover` tell a misspelt one).
pub fn result_columns(adaptive: bool, attribution: bool) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    if adaptive {
        cols.extend(["stop".into(), "widest_half_width".into()]);
    }
    for e in &EVENTS {
        for s in ["p", "mc95_lo", "mc95_hi"] {
            cols.push(format!("{}_{s}", e.key));
        }
    }
    for m in &METRICS {
        for s in METRIC_STATS {
            cols.push(format!("{}_{s}", m.key));
        }
    }
    for s in ["mean", "p50", "censored_share"] {
        cols.push(format!("{YEARS_TO_FORCE}_{s}"));
    }
    if attribution {
        for e in &EVENTS {
            for part in ATTRIBUTION_PARTS {
                for s in ["change", "paired95_lo", "paired95_hi"] {
                    cols.push(format!("attribution_{}_{part}_{s}", e.key));
                }
            }
        }
    }
    cols
}
