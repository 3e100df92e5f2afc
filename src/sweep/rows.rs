//! The sweep results file: one line per point, CSV (with a header) or JSON Lines (with a
//! first line describing the sweep). Text is a pure function of the point's parameter
//! values and aggregate, so a resumed sweep writes exactly the bytes an uninterrupted one
//! would. Floats are written in Rust's shortest round-trip form; reports never carry NaN.

use std::fmt::Write;

use serde::Serialize;

use super::spec::Sweep;
use crate::engine::until::Stopping;
use crate::report::{MetricOut, Outcomes, Report, finite};

/// Output format of the results file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    Csv,
    Json,
}

/// The six headline outcomes, in column order.
pub const OUTCOMES: [&str; 6] = [
    "crisis",
    "threat",
    "display",
    "use_of_force",
    "war",
    "deterrence_held",
];

const METRICS: [&str; 4] = ["crises", "disputes", "gdp_lost", "final_balance"];
const METRIC_STATS: [&str; 5] = ["mean", "sd", "p05", "p50", "p95"];

/// Formats the lines of one sweep's results file.
#[derive(Debug, Clone)]
pub struct Rows {
    pub format: RowFormat,
    paths: Vec<String>,
    adaptive: bool,
}

#[derive(Serialize)]
struct JsonPrefix<'a> {
    point: u64,
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
    common_random_numbers: bool,
    parameters: Vec<JsonParam<'a>>,
}

fn metric_values(m: &MetricOut) -> [f64; 5] {
    [m.mean, m.sd, m.p05, m.p50, m.p95]
}

impl Rows {
    pub fn new(format: RowFormat, sweep: &Sweep, adaptive: bool) -> Self {
        Self {
            format,
            paths: sweep.parameters.iter().map(|p| p.path.clone()).collect(),
            adaptive,
        }
    }

    /// The first line of the file.
    pub fn header(&self, sweep: &Sweep) -> String {
        match self.format {
            RowFormat::Csv => {
                let mut cols: Vec<String> = vec!["point".into()];
                cols.extend(self.paths.iter().cloned());
                cols.push("runs".into());
                if self.adaptive {
                    cols.extend(["stop".into(), "widest_half_width".into()]);
                }
                for o in OUTCOMES {
                    for s in ["p", "lo", "hi"] {
                        cols.push(format!("{o}_{s}"));
                    }
                }
                for m in METRICS {
                    for s in METRIC_STATS {
                        cols.push(format!("{m}_{s}"));
                    }
                }
                for s in ["mean", "p50", "censored_share"] {
                    cols.push(format!("years_to_first_use_of_force_{s}"));
                }
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
                    common_random_numbers: sweep.common_random_numbers,
                    parameters: sweep
                        .parameters
                        .iter()
                        .map(|p| JsonParam {
                            path: &p.path,
                            role: p.role.as_str(),
                        })
                        .collect(),
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
                for v in values {
                    let _ = write!(s, ",{}", finite(*v));
                }
                s.push(',');
                s
            }
            RowFormat::Json => {
                let finite_values: Vec<f64> = values.iter().map(|v| finite(*v)).collect();
                let mut s = serde_json::to_string(&JsonPrefix {
                    point: k,
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
        report: &Report,
        stopping: Option<&Stopping>,
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
                for metric in [&m.crises, &m.disputes, &m.gdp_lost, &m.final_balance] {
                    for x in metric_values(metric) {
                        let _ = write!(s, ",{x}");
                    }
                }
                let t = &m.years_to_first_use_of_force;
                let _ = write!(s, ",{},{},{}", t.mean, t.p50, t.censored_share);
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
                };
                let body = serde_json::to_string(&rest).expect("serialises");
                s.push_str(&body[1..]); // drop the opening brace
                s.push('\n');
            }
        }
        s
    }

    /// The six headline probabilities of a line written by [`Rows::row`].
    /// The runs and every headline outcome's (p, lo, hi) of a row written by [`Rows::row`].
    pub fn estimates_of(&self, line: &str) -> Option<(u64, [[f64; 3]; 6])> {
        let mut out = [[0.0; 3]; 6];
        match self.format {
            RowFormat::Csv => {
                let cells: Vec<&str> = line.trim_end().split(',').collect();
                let runs = cells.get(1 + self.paths.len())?.parse().ok()?;
                let first = 1 + self.paths.len() + 1 + if self.adaptive { 2 } else { 0 };
                for (i, o) in out.iter_mut().enumerate() {
                    for (j, x) in o.iter_mut().enumerate() {
                        *x = cells.get(first + 3 * i + j)?.parse().ok()?;
                    }
                }
                Some((runs, out))
            }
            RowFormat::Json => {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                for (o, name) in out.iter_mut().zip(OUTCOMES) {
                    for (x, key) in o.iter_mut().zip(["p", "lo", "hi"]) {
                        *x = v["outcomes"][name][key].as_f64()?;
                    }
                }
                Some((v["runs"].as_u64()?, out))
            }
        }
    }

    /// Whether rows carry --until-ci columns (runs vary by point).
    pub fn is_adaptive(&self) -> bool {
        self.adaptive
    }

    pub fn outcomes_of(&self, line: &str) -> Option<[f64; 6]> {
        let mut out = [0.0; 6];
        match self.format {
            RowFormat::Csv => {
                let cells: Vec<&str> = line.trim_end().split(',').collect();
                let first = 1 + self.paths.len() + 1 + if self.adaptive { 2 } else { 0 };
                for (i, o) in out.iter_mut().enumerate() {
                    *o = cells.get(first + 3 * i)?.parse().ok()?;
                }
            }
            RowFormat::Json => {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                for (o, name) in out.iter_mut().zip(OUTCOMES) {
                    *o = v["outcomes"][name]["p"].as_f64()?;
                }
            }
        }
        Some(out)
    }
}
