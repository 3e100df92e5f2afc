//! Invariant checks for hostile input, shared by the fuzz target (fuzz/), the regression
//! tests of its findings (tests/hostile.rs) and the property tests.
//!
//! [`scenario_bytes`] is the whole pipeline on untrusted bytes: read, validate, print the
//! diagnostics, and for anything that validates a short simulation and a JSON report. It
//! panics when an invariant breaks; that is the point (the fuzzer reports the panic).
//!
//! Invariants checked:
//! - the reader returns (never panics), and its diagnostics print;
//! - a valid scenario simulates without panicking, every float a run reports is finite;
//! - the JSON report holds no `null` (serde_json's rendering of NaN and infinity), every
//!   probability `{p, lo, hi}` satisfies `0 <= lo <= p <= hi <= 1`, and every share lies in
//!   [0, 1].
//!
//! When sweeps, compare or merge land, add a `*_bytes` entry point per input kind here and
//! reuse [`check_report_json`] on their reports.

use serde_json::Value;

use crate::engine::Worker;
use crate::model::{Compiled, RunRecord};
use crate::report::{Report, RunInfo, json};
use crate::scenario::{self, Scenario};

/// Runs and horizon of the short simulation done on anything that validates.
pub const SHORT_RUNS: u64 = 3;
pub const SHORT_HORIZON_YEARS: u32 = 2;

/// Read `data` as a scenario file; if it validates, simulate it briefly and check the
/// report. Returns the scenario when it validated. Panics when an invariant breaks.
pub fn scenario_bytes(data: &[u8]) -> Option<Scenario> {
    match scenario::parse_bytes(data, "fuzz.toml") {
        Ok(s) => {
            let mut short = s.clone();
            short.meta.horizon_years = short.meta.horizon_years.min(SHORT_HORIZON_YEARS);
            let value = simulate_and_report(&short, SHORT_RUNS);
            if let Err(e) = check_report_json(&value) {
                panic!("report invariant broken: {e}");
            }
            Some(s)
        }
        Err(d) => {
            assert!(d.has_errors(), "a scenario was refused without an error");
            let text = d.to_string();
            assert!(!text.is_empty());
            None
        }
    }
}

/// Simulate `runs` runs of `s` on this thread, check every run record, and return the JSON
/// report as a value.
pub fn simulate_and_report(s: &Scenario, runs: u64) -> Value {
    let compiled = Compiled::new(s);
    let plan = crate::engine::RunPlan {
        seed: s.meta.seed,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    let mut worker = Worker::new(&compiled);
    for i in 0..runs {
        worker.run_range(&compiled, &plan, i, 1);
        if let Err(e) = check_record(worker.last_record()) {
            panic!("run {i}: {e}");
        }
    }
    let info = RunInfo {
        scenario_sha256: String::new(),
        seed: s.meta.seed,
        wall_seconds: 0.0,
        threads: 1,
        policies: crate::report::PolicyOut::of(s),
    };
    let report = Report::build(&compiled, &worker.aggregate, &info);
    let bytes = json::to_json(&report);
    serde_json::from_slice(&bytes).expect("the report is valid JSON")
}

/// Every float of a run record is finite, and its balances are positive.
pub fn check_record(r: &RunRecord) -> Result<(), String> {
    for (i, rv) in r.rivalries.iter().enumerate() {
        let c = &rv.level_costs;
        let named = [
            ("gdp_lost", rv.gdp_lost),
            ("final_balance", rv.final_balance),
            ("level_costs.military", c.military),
            ("level_costs.political", c.political),
            ("level_costs.economic", c.economic),
        ];
        for (name, x) in named {
            if !x.is_finite() {
                return Err(format!("rivalry {i}: {name} = {x}"));
            }
        }
        if rv.gdp_lost < 0.0 {
            return Err(format!("rivalry {i}: negative gdp_lost {}", rv.gdp_lost));
        }
        for (y, &x) in rv.yearly_tension.iter().enumerate() {
            if !(0.0..=1.0).contains(&x) {
                return Err(format!("rivalry {i}: tension {x} in year {y}"));
            }
        }
        for (y, &x) in rv.yearly_balance.iter().enumerate() {
            if !x.is_finite() || x <= 0.0 {
                return Err(format!("rivalry {i}: balance {x} in year {y}"));
            }
        }
        if rv.max_level > 5 {
            return Err(format!("rivalry {i}: MID level {}", rv.max_level));
        }
    }
    Ok(())
}

/// Check a JSON report: no `null` anywhere (except a value undefined on purpose: null with a
/// string `KEY_undefined` beside it, or that reason itself when the value is defined), every
/// number finite, every `{p, mc95_lo, mc95_hi}` object a probability with its interval, every
/// `shares`/`escalation`/`cost_composition` value in
/// [0, 1]. Works on any report shape (run, and later sweep or compare), by key names.
pub fn check_report_json(v: &Value) -> Result<(), String> {
    walk(v, "$", false)
}

fn walk(v: &Value, path: &str, share: bool) -> Result<(), String> {
    match v {
        Value::Null => Err(format!("{path} is null (NaN or infinity?)")),
        Value::Number(n) => {
            let x = n
                .as_f64()
                .ok_or_else(|| format!("{path} is not a number"))?;
            if !x.is_finite() {
                return Err(format!("{path} = {x}"));
            }
            if share && !(0.0..=1.0).contains(&x) {
                return Err(format!("{path} = {x}, outside [0, 1]"));
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), share)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            if let (Some(p), Some(lo), Some(hi)) = (
                map.get("p").and_then(Value::as_f64),
                map.get("mc95_lo").and_then(Value::as_f64),
                map.get("mc95_hi").and_then(Value::as_f64),
            ) {
                let ok =
                    (0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi) && lo <= p && p <= hi;
                if !ok {
                    return Err(format!("{path}: p = {p}, interval [{lo}, {hi}]"));
                }
            }
            // An interval the sample cannot support is null, with the reason beside it.
            let undefined = map.get("undefined").is_some_and(Value::is_string);
            for (k, item) in map {
                if undefined && item.is_null() && k.starts_with("paired95_") {
                    continue;
                }
                let is_share = share
                    || matches!(
                        k.as_str(),
                        "shares"
                            | "escalation"
                            | "cost_composition"
                            | "censored_share"
                            | "tension"
                            | "p"
                            | "crises_histogram"
                            | "survival_by_month"
                    );
                // A value that is undefined on purpose (a share of n = 0) is null with its
                // reason beside it (`KEY_undefined`, a string); `KEY_undefined` is null when
                // the value is defined. Any other null is a bug.
                let reason = |key: &str| map.get(key).is_some_and(Value::is_string);
                if item.is_null()
                    && (reason(&format!("{k}_undefined"))
                        || k.strip_suffix("_undefined")
                            .is_some_and(|base| map.get(base).is_some_and(|b| !b.is_null())))
                {
                    continue;
                }
                walk(item, &format!("{path}.{k}"), is_share)?;
            }
            Ok(())
        }
        Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_checker_catches_bad_intervals_and_nulls() {
        let ok: Value = serde_json::json!({"a": {"p": 0.5, "mc95_lo": 0.4, "mc95_hi": 0.6}});
        assert!(check_report_json(&ok).is_ok());
        let inverted = serde_json::json!({"a": {"p": 0.7, "mc95_lo": 0.4, "mc95_hi": 0.6}});
        assert!(check_report_json(&inverted).is_err());
        let null = serde_json::json!({"metrics": {"mean": null}});
        assert!(check_report_json(&null).is_err());
        let share = serde_json::json!({"shares": {"war": 1.5}});
        assert!(check_report_json(&share).is_err());
        let why =
            serde_json::json!({"x": {"change": 0, "paired95_lo": null, "undefined": "n = 1"}});
        assert!(check_report_json(&why).is_ok());
        let no_why = serde_json::json!({"x": {"change": 0, "paired95_lo": null}});
        assert!(check_report_json(&no_why).is_err());
    }

    #[test]
    fn template_passes_every_check() {
        assert!(scenario_bytes(scenario::TEMPLATE.as_bytes()).is_some());
    }
}
