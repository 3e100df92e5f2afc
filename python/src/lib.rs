//! `deter._native`: the Python binding of the deter library, one thin layer.
//!
//! Every function takes plain values and returns the JSON (or CSV) the command line writes,
//! built by the same library calls; the `deter` Python package turns them into pandas
//! DataFrames. Runs release the GIL and stop on Ctrl-C: the run happens on a helper thread
//! while the calling thread, without the GIL, checks for Python signals every 50 ms and
//! sets the library's cancellation flag when one raises (KeyboardInterrupt).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use deter::cli::{scenario_hash, validate_runs};
use deter::engine::{self, Hooks, RunPlan};
use deter::model::Compiled;
use deter::report::compare::ComparisonReport;
use deter::report::{Report, RunInfo, Timing, finite, json};
use deter::scenario::overrides::{self, Applied};
use deter::scenario::{self, Diagnostics, Scenario};
use deter::sweep::rows::{RowFormat, Rows};
use deter::sweep::runner::{self, Exec, Sink, SweepError};
use deter::sweep::{self as sweeps, Design};
use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    _native,
    InputError,
    PyValueError,
    "Bad input: args are (text, problems as JSON); deter.ScenarioError is built from it."
);

/// A scenario source: `kind` is "path", "toml" (the text itself) or "json" (a mapping
/// serialised by Python, converted to TOML here).
fn load(
    kind: &str,
    source: &str,
    set: &[String],
    horizon_years: Option<u32>,
) -> PyResult<(Scenario, Vec<Applied>)> {
    let loaded = match kind {
        "path" => scenario::load_file(Path::new(source)),
        "toml" => scenario::parse_str(source, "<toml>"),
        "json" => {
            let value: serde_json::Value = serde_json::from_str(source)
                .map_err(|e| PyValueError::new_err(format!("scenario mapping: {e}")))?;
            let text = toml::to_string(&value).map_err(|e| {
                PyValueError::new_err(format!("scenario mapping is not TOML-shaped: {e}"))
            })?;
            scenario::parse_str(&text, "<dict>")
        }
        other => return Err(PyValueError::new_err(format!("unknown kind `{other}`"))),
    };
    let mut s = loaded.map_err(input_error)?;
    if let Some(h) = horizon_years {
        if h > 200 {
            return Err(PyValueError::new_err(format!(
                "horizon_years={h}: expected an integer in [0, 200]"
            )));
        }
        s.meta.horizon_years = h;
    }
    let applied = overrides::apply_texts(&mut s, set, "set=").map_err(input_error)?;
    Ok((s, applied))
}

/// Diagnostics -> InputError(text, problems JSON).
fn input_error(d: Diagnostics) -> PyErr {
    let problems: Vec<serde_json::Value> = d
        .errors()
        .map(|p| {
            serde_json::json!({
                "file": p.file, "line": p.line, "column": p.col, "key": p.path,
                "message": p.message, "help": p.help,
            })
        })
        .collect();
    InputError::new_err((d.to_string(), serde_json::Value::from(problems).to_string()))
}

fn threads_of(threads: Option<usize>) -> PyResult<usize> {
    match threads {
        None | Some(0) => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        Some(n) if n <= deter::MAX_THREADS => Ok(n),
        Some(n) => Err(PyValueError::new_err(format!(
            "threads={n}: at most {} (0 or None = all cores)",
            deter::MAX_THREADS
        ))),
    }
}

fn runs_of(runs: u64) -> PyResult<u64> {
    validate_runs(runs).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(runs)
}

/// Run `work` on a helper thread with the GIL released; poll for Python signals meanwhile
/// and, when a handler raises (Ctrl-C), set the cancellation flag, wait for the workers to
/// stop (they check it between runs) and return the handler's exception.
fn detached<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> Option<T> + Send,
) -> PyResult<T> {
    let cancel = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let handle = scope.spawn(|| work(&cancel));
        loop {
            py.detach(|| {
                let until = Instant::now() + Duration::from_millis(50);
                while !handle.is_finished() && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(2));
                }
            });
            if handle.is_finished() {
                break;
            }
            if let Err(e) = py.check_signals() {
                cancel.store(true, Ordering::SeqCst);
                let _ = py.detach(|| handle.join());
                return Err(e);
            }
        }
        match handle.join() {
            Ok(Some(v)) => Ok(v),
            // Cancelled without a Python exception pending (should not happen): say so.
            Ok(None) => Err(PyKeyboardInterrupt::new_err("interrupted")),
            Err(_) => Err(PyRuntimeError::new_err("deter: a worker panicked")),
        }
    })
}

/// Run one scenario; returns the JSON report (docs/OUTPUT.md), as `deter run --format json`.
#[pyfunction]
#[pyo3(signature = (kind, source, runs=None, seed=None, threads=None, set=Vec::new(), horizon_years=None))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    kind: &str,
    source: &str,
    runs: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    set: Vec<String>,
    horizon_years: Option<u32>,
) -> PyResult<String> {
    let (scenario, applied) = load(kind, source, &set, horizon_years)?;
    let runs = runs_of(runs.unwrap_or(scenario.meta.runs))?;
    let seed = seed.unwrap_or(scenario.meta.seed);
    let threads = threads_of(threads)?;
    let compiled = Compiled::new(&scenario);
    engine::check_memory(&compiled, threads).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let plan = RunPlan {
        seed,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    let started = Instant::now();
    let aggregate = detached(py, |cancel| {
        let hooks = Hooks {
            cancel: Some(cancel),
            progress: None,
        };
        engine::with_threads(threads, || engine::run(&compiled, &plan, hooks)).ok()
    })?;
    let info = RunInfo {
        scenario_sha256: scenario_hash(&scenario),
        seed,
        wall_seconds: started.elapsed().as_secs_f64(),
        threads,
    };
    let mut report = Report::build(&compiled, &aggregate, &info);
    report.overrides = applied;
    Ok(String::from_utf8(json::to_json(&report)).expect("JSON is UTF-8"))
}

/// Compare two scenarios with common random numbers; returns the JSON of
/// `deter compare --format json`. `set` applies to both sides, `set_b` to B only.
#[pyfunction]
#[pyo3(signature = (kind_a, source_a, kind_b, source_b, runs=None, seed=None, threads=None, set=Vec::new(), set_b=Vec::new(), horizon_years=None))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    kind_a: &str,
    source_a: &str,
    kind_b: &str,
    source_b: &str,
    runs: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    set: Vec<String>,
    set_b: Vec<String>,
    horizon_years: Option<u32>,
) -> PyResult<String> {
    let (sa, set_a) = load(kind_a, source_a, &set, horizon_years)?;
    let (mut sb, mut applied_b) = load(kind_b, source_b, &set, horizon_years)?;
    applied_b.extend(overrides::apply_texts(&mut sb, &set_b, "set_b=").map_err(input_error)?);
    let runs = runs_of(runs.unwrap_or(sa.meta.runs))?;
    let seed = seed.unwrap_or(sa.meta.seed);
    let threads = threads_of(threads)?;
    let (ca, cb) = (Compiled::new(&sa), Compiled::new(&sb));
    let pairing =
        deter::compare::check(&ca, &cb).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let started = Instant::now();
    let cmp = detached(py, |cancel| {
        let hooks = Hooks {
            cancel: Some(cancel),
            progress: None,
        };
        engine::with_threads(threads, || {
            deter::compare::run_paired(&ca, &cb, &pairing, seed, runs, hooks)
        })
        .ok()
    })?;
    let wall = started.elapsed().as_secs_f64();
    let report_of = |c: &Compiled, s: &Scenario, agg, applied: Vec<Applied>| {
        let info = RunInfo {
            scenario_sha256: scenario_hash(s),
            seed,
            wall_seconds: wall,
            threads,
        };
        let mut r = Report::build(c, agg, &info);
        r.overrides = applied;
        r
    };
    let ra = report_of(&ca, &sa, &cmp.a, set_a);
    let rb = report_of(&cb, &sb, &cmp.b, applied_b);
    let wall = finite(wall.max(0.0));
    let timing = Timing {
        wall_seconds: wall,
        runs_per_second: if wall > 0.0 {
            finite(runs as f64 / wall)
        } else {
            0.0
        },
        threads,
    };
    let report = ComparisonReport::build(&cmp, ra, rb, timing);
    let mut out = serde_json::to_string_pretty(&report).expect("a comparison serialises");
    out.push('\n');
    Ok(out)
}

/// Nested Monte Carlo over uncertain parameters (a posterior file and/or the scenario's
/// `[[uncertain]]` priors); returns the JSON of `deter run --posterior ... --format json`
/// (docs/OUTPUT.md, "Nested runs"). `runs` is per draw.
#[pyfunction]
#[pyo3(signature = (kind, source, posterior=None, draws=None, runs=None, seed=None, threads=None, set=Vec::new(), horizon_years=None))]
#[allow(clippy::too_many_arguments)]
fn run_nested(
    py: Python<'_>,
    kind: &str,
    source: &str,
    posterior: Option<String>,
    draws: Option<u64>,
    runs: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    set: Vec<String>,
    horizon_years: Option<u32>,
) -> PyResult<String> {
    let (scenario, _) = load(kind, source, &set, horizon_years)?;
    let post = match &posterior {
        Some(p) => Some(deter::read_posterior(Path::new(p)).map_err(api_error)?),
        None => None,
    };
    let settings = deter::Settings {
        runs,
        seed,
        threads: threads_of(threads)?,
        ..Default::default()
    };
    let nested = detached(py, |cancel| {
        let control = Hooks {
            cancel: Some(cancel),
            progress: None,
        };
        Some(deter::run_nested(
            &scenario,
            post.as_ref(),
            &settings,
            draws,
            control,
        ))
    })?
    .map_err(api_error)?;
    Ok(deter::calibrate::nested_out::json(
        &nested,
        &scenario.meta.name,
        posterior.as_deref(),
    ))
}

/// A library error -> a Python exception (bad values are ValueError; Ctrl-C is
/// KeyboardInterrupt).
fn api_error(e: deter::Error) -> PyErr {
    match e {
        deter::Error::Input(d) => input_error(d),
        deter::Error::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
        deter::Error::Io(m) => PyOSError::new_err(m),
        other => PyValueError::new_err(other.to_string()),
    }
}

/// Run a sweep file, writing its CSV results (the rows of `deter sweep --out FILE`) to
/// `out`; returns the sensitivity CSV for Saltelli and Morris designs, else None.
#[pyfunction]
#[pyo3(signature = (path, out, threads=None))]
fn sweep(
    py: Python<'_>,
    path: &str,
    out: &str,
    threads: Option<usize>,
) -> PyResult<Option<String>> {
    let sweep = sweeps::load_sweep(Path::new(path)).map_err(input_error)?;
    let threads = threads_of(threads)?;
    let design = Design::new(&sweep);
    let stride = runner::stride(&sweep, None);
    if design
        .n
        .checked_mul(stride)
        .is_none_or(|w| w > deter::MAX_RUNS)
    {
        return Err(PyValueError::new_err(format!(
            "{} points x {stride} runs exceeds the limit of {} runs",
            design.n,
            deter::MAX_RUNS
        )));
    }
    let rows = Rows::new(RowFormat::Csv, &sweep, false);
    let (file, start, outputs) =
        runner::open_results(Path::new(out), false, &sweep, &design, &rows)
            .map_err(|e| PyOSError::new_err(e.to_string()))?;
    let result = detached(py, |cancel| {
        let exec = Exec {
            rows,
            until: None,
            cancel: Some(cancel),
            progress: None,
        };
        let mut sink = Sink::File(file);
        match engine::with_threads(threads, || {
            runner::run_sweep(&sweep, &design, start, outputs, &mut sink, &exec)
        }) {
            Err(SweepError::Interrupted) => None,
            other => Some(other),
        }
    })?;
    let outputs = result.map_err(|e| PyOSError::new_err(e.to_string()))?;
    Ok(sweeps::sensitivity(&sweep, &design, &outputs).map(|r| r.csv))
}

/// Check a scenario; returns a JSON summary (name and entity counts) or raises InputError.
#[pyfunction]
#[pyo3(signature = (kind, source, set=Vec::new()))]
fn validate(kind: &str, source: &str, set: Vec<String>) -> PyResult<String> {
    let (s, applied) = load(kind, source, &set, None)?;
    Ok(serde_json::json!({
        "scenario": s.meta.name,
        "countries": s.countries.len(),
        "powers": s.powers.len(),
        "alliances": s.alliances.len(),
        "deployments": s.deployments.len(),
        "rivalries": s.rivalries.len(),
        "policies": s.policies.len(),
        "runs": s.meta.runs,
        "seed": s.meta.seed,
        "horizon_years": s.meta.horizon_years,
        "overrides": applied,
        "parameters": s.all_paths(),
    })
    .to_string())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("ENGINE_VERSION", deter::ENGINE_VERSION)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(run_nested, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    Ok(())
}
