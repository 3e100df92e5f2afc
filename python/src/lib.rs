//! `deter._native`: the Python binding of the deter library, one thin layer over the
//! library facade (`deter::load`, `parse`, `apply_set`, `run`, `compare`, `run_nested`,
//! `compare_nested`, `sweep_streamed`).
//!
//! Every function takes plain values and returns the JSON (or CSV) the command line writes,
//! built by the same library calls; the `deter` Python package turns them into pandas
//! DataFrames. Runs release the GIL and stop on Ctrl-C: the work happens on a helper thread
//! while the calling thread, without the GIL, checks for Python signals every 50 ms and
//! sets the library's cancellation flag when one raises (KeyboardInterrupt).

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use deter::{Applied, Control, Error, Scenario, Settings};
use pyo3::create_exception;
use pyo3::exceptions::{
    PyKeyboardInterrupt, PyMemoryError, PyOSError, PyRuntimeError, PyValueError,
};
use pyo3::prelude::*;

create_exception!(
    _native,
    InputError,
    PyValueError,
    "Bad input: args are (text, problems as JSON); deter.ScenarioError is built from it."
);

/// A facade error as a Python exception.
fn py_error(e: Error) -> PyErr {
    match e {
        Error::Input(d) => input_error(d),
        Error::Invalid(m) => PyValueError::new_err(m),
        Error::TooLarge(m) => PyMemoryError::new_err(m),
        Error::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
        Error::Io(m) => PyOSError::new_err(m),
    }
}

/// Diagnostics -> InputError(text, problems JSON).
fn input_error(d: deter::Diagnostics) -> PyErr {
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

/// A scenario source: `kind` is "path", "toml" (the text itself) or "json" (a mapping
/// serialised by Python, converted to TOML here); `set` what-ifs applied (named `flag`).
///
/// The scenario's warnings (those `deter validate` prints, and every command that runs it
/// prints first: an intra-alliance rivalry, implausible currency figures, a policy dated
/// outside the horizon, ...) are issued as Python `UserWarning`s, one per warning, in the
/// command line's words (file:line:col, key path, the source line, help), at the caller's
/// line as [`warn_fixed`] issues its own.
fn load(
    py: Python<'_>,
    kind: &str,
    source: &str,
    set: &[String],
    flag: &str,
) -> PyResult<(Scenario, Vec<Applied>)> {
    let (mut s, warnings) = match kind {
        "path" => deter::load_with_warnings(Path::new(source)),
        "toml" => deter::parse_with_warnings(source, "<toml>"),
        "json" => {
            let value: serde_json::Value = serde_json::from_str(source)
                .map_err(|e| PyValueError::new_err(format!("scenario mapping: {e}")))?;
            let mut nones = Vec::new();
            let table = toml_of(value, "", &mut nones).map_err(|e| {
                PyValueError::new_err(format!("scenario mapping is not TOML-shaped: {e}"))
            })?;
            let text = toml::to_string(&table).map_err(|e| {
                PyValueError::new_err(format!("scenario mapping is not TOML-shaped: {e}"))
            })?;
            match deter::parse_with_warnings(&text, "<dict>") {
                Err(Error::Input(d)) if !nones.is_empty() => Err(Error::Input(nones_named(d))),
                // A `None` the reader took without complaint (none should be): still refused.
                Ok(_) if !nones.is_empty() => return Err(none_error(&nones)),
                other => other,
            }
        }
        other => return Err(PyValueError::new_err(format!("unknown kind `{other}`"))),
    }
    .map_err(py_error)?;
    for w in &warnings.0 {
        let text = w.to_string();
        let text = std::ffi::CString::new(text.trim_end().replace('\0', "")).expect("no NUL left");
        let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
        PyErr::warn(py, category.as_any(), &text, 3)?;
    }
    let applied = deter::apply_set(&mut s, set, flag).map_err(py_error)?;
    warn_set(py, &s, set, flag)?;
    Ok((s, applied))
}

/// Warn (a Python `UserWarning`) for each what-if of `set` that a policy of `s` overrides
/// later, in the words of `deter run --set` (`deter::set_warnings`).
fn warn_set(py: Python<'_>, s: &deter::Scenario, set: &[String], flag: &str) -> PyResult<()> {
    for w in &deter::set_warnings(s, set, flag).0 {
        let text = w.to_string();
        let text = std::ffi::CString::new(text.trim_end().replace('\0', "")).expect("no NUL left");
        let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
        PyErr::warn(py, category.as_any(), &text, 3)?;
    }
    Ok(())
}

/// What stands for a Python `None` in the TOML text of a scenario mapping: TOML has no null,
/// and no scenario key takes a date-time, so the reader refuses it at its key path with the
/// key's expectation ("expected a number in [0, 1], found datetime"), which
/// [`nones_named`] turns into "found None".
const NONE_MARK: &str = "1970-01-01T00:00:00Z";

/// A scenario mapping (a Python dict as JSON) as a TOML value: each `None` (JSON null)
/// becomes [`NONE_MARK`], its key path (`country[0].military.budget_share`) pushed on
/// `nones`. Errors: an integer past the signed 64-bit range TOML holds.
fn toml_of(
    v: serde_json::Value,
    path: &str,
    nones: &mut Vec<String>,
) -> Result<toml::Value, String> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => {
            nones.push(path.to_string());
            toml::Value::Datetime(NONE_MARK.parse().expect("a valid TOML date-time"))
        }
        J::Bool(b) => toml::Value::Boolean(b),
        J::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => toml::Value::Integer(i),
            (None, Some(x)) if !n.is_u64() => toml::Value::Float(x),
            _ => return Err(format!("{path}: the integer {n} is out of TOML's range")),
        },
        J::String(t) => toml::Value::String(t),
        J::Array(items) => toml::Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, x)| toml_of(x, &format!("{path}[{i}]"), nones))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(map) => {
            let mut table = toml::Table::new();
            for (k, x) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                table.insert(k, toml_of(x, &p, nones)?);
            }
            toml::Value::Table(table)
        }
    })
}

/// The reader's problems with a mapping's `None`s (read as [`NONE_MARK`]) in Python's words:
/// "found datetime" -> "found None", with how to give the key no value, and without the
/// excerpt of the generated TOML (it would show a date the caller never wrote).
fn nones_named(mut d: deter::Diagnostics) -> deter::Diagnostics {
    for p in &mut d.0 {
        if let Some(head) = p.message.strip_suffix("found datetime") {
            p.message = format!("{head}found None");
            p.help.get_or_insert_with(|| {
                "TOML has no null: leave the key out for its default, or give a value".into()
            });
            p.snippet = None;
        }
    }
    d
}

/// A `None` the reader did not refuse on its own, refused at its key path (InputError).
fn none_error(paths: &[String]) -> PyErr {
    let problems: Vec<serde_json::Value> = paths
        .iter()
        .map(|p| {
            serde_json::json!({
                "file": "<dict>", "line": 0, "column": 0, "key": p,
                "message": "expected a value, found None",
                "help": "TOML has no null: leave the key out for its default, or give a value",
            })
        })
        .collect();
    let text: String = paths
        .iter()
        .map(|p| format!("<dict>: error: {p}: expected a value, found None\n"))
        .collect();
    InputError::new_err((text, serde_json::Value::from(problems).to_string()))
}

/// Adaptive stopping (`deter run|compare|sweep --until-ci H --max-runs N`): the target
/// half-width and the cap on runs, both None when not asked for.
#[derive(Clone, Copy, Default)]
struct Until {
    until_ci: Option<f64>,
    max_runs: Option<u64>,
}

fn settings(
    runs: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    horizon_years: Option<u32>,
    attribution: bool,
    until: Until,
) -> PyResult<Settings> {
    let threads = threads.unwrap_or(0);
    if threads > deter::MAX_THREADS {
        return Err(PyValueError::new_err(format!(
            "threads={threads}: at most {} (0 or None = all cores)",
            deter::MAX_THREADS
        )));
    }
    Ok(Settings {
        runs,
        seed,
        threads,
        horizon_years,
        no_attribution: !attribution,
        until_ci: until.until_ci,
        max_runs: until.max_runs,
    })
}

/// [`detached`] for work that streams nothing back: `work` gets a [`Control`] whose cancel
/// flag Ctrl-C (KeyboardInterrupt) sets, and no progress callback.
fn cancellable<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(Control<'_>) -> Result<T, Error> + Send,
) -> PyResult<T> {
    detached(
        py,
        None::<mpsc::Receiver<()>>,
        |_, _| Ok(()),
        |cancel| {
            work(Control {
                cancel: Some(cancel),
                progress: None,
            })
        },
    )
}

/// The posterior CSV at `path` (`deter calibrate`'s posterior.csv), if one is given, checked
/// against `scenarios`: its faults located as the command line locates them (InputError).
fn read_posterior(
    path: Option<&str>,
    scenarios: &[&Scenario],
) -> PyResult<Option<deter::Posterior>> {
    path.map(|p| deter::read_posterior_for(Path::new(p), scenarios).map_err(py_error))
        .transpose()
}

/// Run `work` on a helper thread with the GIL released; meanwhile take what it sends on
/// `rx` and hand it to `on_item` (with the GIL), and poll for Python signals. When a signal
/// handler or `on_item` raises, set the cancellation flag, drop the receiver (a sender
/// blocked on it returns), wait for the workers to stop (they check the flag between runs)
/// and return that exception.
fn detached<T: Send, M: Send>(
    py: Python<'_>,
    rx: Option<mpsc::Receiver<M>>,
    mut on_item: impl FnMut(Python<'_>, M) -> PyResult<()>,
    work: impl FnOnce(&AtomicBool) -> Result<T, Error> + Send,
) -> PyResult<T> {
    let cancel = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let handle = scope.spawn(|| work(&cancel));
        let mut rx = rx;
        loop {
            let waiting = rx.take();
            let (item, back) = py.detach(|| match waiting {
                Some(r) => (r.recv_timeout(Duration::from_millis(50)).ok(), Some(r)),
                None => {
                    let until = std::time::Instant::now() + Duration::from_millis(50);
                    while !handle.is_finished() && std::time::Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    (None, None)
                }
            });
            rx = back;
            let failed = match item {
                Some(m) => on_item(py, m).err(),
                None => None,
            }
            .or_else(|| py.check_signals().err());
            if let Some(e) = failed {
                cancel.store(true, Ordering::SeqCst);
                drop(rx.take());
                let _ = py.detach(|| handle.join());
                return Err(e);
            }
            if handle.is_finished() {
                // Rows sent just before the end are still queued.
                if let Some(r) = rx.take() {
                    for m in r.try_iter() {
                        on_item(py, m)?;
                    }
                }
                break;
            }
        }
        match handle.join() {
            Ok(r) => r.map_err(py_error),
            Err(_) => Err(PyRuntimeError::new_err("deter: a worker panicked")),
        }
    })
}

/// Run one scenario; returns the JSON report (docs/OUTPUT.md), as `deter run --format json`.
#[pyfunction]
#[pyo3(signature = (kind, source, runs=None, seed=None, threads=None, set=Vec::new(), horizon_years=None, attribution=true, until_ci=None, max_runs=None))]
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
    attribution: bool,
    until_ci: Option<f64>,
    max_runs: Option<u64>,
) -> PyResult<String> {
    let (scenario, applied) = load(py, kind, source, &set, "set=")?;
    let until = Until { until_ci, max_runs };
    let settings = settings(runs, seed, threads, horizon_years, attribution, until)?;
    let mut report = cancellable(py, |control| deter::run(&scenario, &settings, control))?;
    report.overrides = applied;
    Ok(deter::report_json(&report))
}

/// Compare two scenarios with common random numbers; returns the JSON of
/// `deter compare --format json`. `set` applies to both sides, `set_b` to B only.
#[pyfunction]
#[pyo3(signature = (kind_a, source_a, kind_b, source_b, runs=None, seed=None, threads=None, set=Vec::new(), set_b=Vec::new(), horizon_years=None, attribution=true, until_ci=None, max_runs=None))]
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
    attribution: bool,
    until_ci: Option<f64>,
    max_runs: Option<u64>,
) -> PyResult<String> {
    let (sa, set_a) = load(py, kind_a, source_a, &set, "set=")?;
    let (mut sb, mut applied_b) = load(py, kind_b, source_b, &set, "set=")?;
    applied_b.extend(deter::apply_set(&mut sb, &set_b, "set_b=").map_err(py_error)?);
    warn_set(py, &sb, &set_b, "set_b=")?;
    let until = Until { until_ci, max_runs };
    let settings = settings(runs, seed, threads, horizon_years, attribution, until)?;
    let mut report = cancellable(py, |control| deter::compare(&sa, &sb, &settings, control))?;
    report.a.overrides = set_a;
    report.b.overrides = applied_b;
    let mut out = serde_json::to_string_pretty(&report).expect("a comparison serialises");
    out.push('\n');
    Ok(out)
}

/// Warn (a Python `UserWarning`, as `warnings.warn`) once per fixed value of `posterior`'s
/// calibration (its `# set = PATH=VALUE` lines) that `scenario` does not have, in the words
/// `deter run --posterior` prints after "warning: " ([`deter::fixed_mismatches`]); nothing is
/// changed; `side` ("A", "B") prefixes it as `deter compare --posterior` does. At the
/// caller's line: the native function is called by `_call` from the package's `run_nested` /
/// `compare_nested` (stack level 3). An error when a warnings filter turns the warning into
/// one.
fn warn_fixed(
    py: Python<'_>,
    posterior: Option<&deter::Posterior>,
    scenario: &Scenario,
    side: Option<&str>,
) -> PyResult<()> {
    let Some(p) = posterior else {
        return Ok(());
    };
    for w in deter::fixed_mismatches(p, scenario) {
        let w = side.map_or_else(|| w.clone(), |s| format!("{s}: {w}"));
        // A message holds no NUL (paths and numbers of a file read as UTF-8 text lines).
        let text = std::ffi::CString::new(w.replace('\0', "")).expect("no NUL left");
        let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
        PyErr::warn(py, category.as_any(), &text, 3)?;
    }
    Ok(())
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
    let (scenario, _) = load(py, kind, source, &set, "set=")?;
    let post = read_posterior(posterior.as_deref(), &[&scenario])?;
    warn_fixed(py, post.as_ref(), &scenario, None)?;
    let settings = settings(runs, seed, threads, horizon_years, false, Until::default())?;
    let nested = cancellable(py, |control| {
        deter::run_nested(&scenario, post.as_ref(), &settings, draws, control)
    })?;
    Ok(deter::nested_json(
        &nested,
        &scenario.meta.name,
        posterior.as_deref(),
    ))
}

/// A nested comparison over uncertain parameters: A and B on the same parameter draws (a
/// posterior file and/or the `[[uncertain]]` priors both files declare, merged by path) and,
/// within each draw, the same run streams; returns the JSON of
/// `deter compare A B --posterior ... --format json` (docs/OUTPUT.md, "Nested runs"). `runs`
/// is per draw; `seed` defaults to A's. `set` applies to both sides, `set_b` to B only.
#[pyfunction]
#[pyo3(signature = (kind_a, source_a, kind_b, source_b, posterior=None, draws=None, runs=None, seed=None, threads=None, set=Vec::new(), set_b=Vec::new(), horizon_years=None))]
#[allow(clippy::too_many_arguments)]
fn compare_nested(
    py: Python<'_>,
    kind_a: &str,
    source_a: &str,
    kind_b: &str,
    source_b: &str,
    posterior: Option<String>,
    draws: Option<u64>,
    runs: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    set: Vec<String>,
    set_b: Vec<String>,
    horizon_years: Option<u32>,
) -> PyResult<String> {
    let (sa, _) = load(py, kind_a, source_a, &set, "set=")?;
    let (mut sb, _) = load(py, kind_b, source_b, &set, "set=")?;
    deter::apply_set(&mut sb, &set_b, "set_b=").map_err(py_error)?;
    warn_set(py, &sb, &set_b, "set_b=")?;
    let post = read_posterior(posterior.as_deref(), &[&sa, &sb])?;
    // Each side, as `deter compare --posterior` warns.
    warn_fixed(py, post.as_ref(), &sa, Some("A"))?;
    warn_fixed(py, post.as_ref(), &sb, Some("B"))?;
    let settings = settings(runs, seed, threads, horizon_years, false, Until::default())?;
    let c = cancellable(py, |control| {
        deter::compare_nested(&sa, &sb, post.as_ref(), &settings, draws, control)
    })?;
    Ok(deter::nested_comparison_json(
        &c,
        &sa.meta.name,
        &sb.meta.name,
        posterior.as_deref(),
    ))
}

/// Run a sweep file and stream its results CSV (the bytes of `deter sweep --out FILE`):
/// `on_rows(text, runs_done)` is called with the header line, then with each batch of rows
/// as soon as the library writes it (point order), `runs_done` being the runs simulated so
/// far over all points. The library waits for each batch to be taken (a rendezvous channel),
/// so rows reach Python while the sweep runs, not at its end. Returns the sensitivity CSV
/// for Saltelli and Morris designs, else None. When `on_rows` raises, the sweep stops and
/// the exception propagates.
///
/// `runs` (per point), `seed`, `horizon_years`, `until_ci` and `max_runs` replace the sweep
/// file's as `deter sweep --runs --seed --horizon-years --until-ci --max-runs` do. With
/// `out`, the rows are also written to that results file with its record `OUT.sweep`, as
/// `deter sweep --out OUT` writes them; `resume` completes the results an interrupted sweep
/// left there (`--resume`), `on_rows` then getting the header and the rows this call adds.
#[pyfunction]
#[pyo3(signature = (path, on_rows, threads=None, runs=None, seed=None, horizon_years=None, out=None, resume=false, until_ci=None, max_runs=None))]
#[allow(clippy::too_many_arguments)]
fn sweep(
    py: Python<'_>,
    path: &str,
    on_rows: Bound<'_, PyAny>,
    threads: Option<usize>,
    runs: Option<u64>,
    seed: Option<u64>,
    horizon_years: Option<u32>,
    out: Option<String>,
    resume: bool,
    until_ci: Option<f64>,
    max_runs: Option<u64>,
) -> PyResult<Option<String>> {
    if resume && out.is_none() {
        return Err(PyValueError::new_err(
            "`resume` completes a results file: give it as `out` (the same file, the same \
             arguments as the interrupted sweep)",
        ));
    }
    let until = Until { until_ci, max_runs };
    // Sweeps attribute only when their file asks (`attribution = true`).
    let settings = settings(runs, seed, threads, horizon_years, true, until)?;
    // The sweep's warnings, as `deter sweep` prints them before it runs (see `load`), and
    // those a shorter `horizon_years` brings to its base scenario.
    for w in deter::sweep_warnings_at(Path::new(path), horizon_years).map_err(py_error)? {
        let text = std::ffi::CString::new(w.trim_end().replace('\0', "")).expect("no NUL left");
        let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
        PyErr::warn(py, category.as_any(), &text, 3)?;
    }
    let (tx, rx) = mpsc::sync_channel::<String>(0);
    let done = AtomicU64::new(0);
    let tick = |n: u64| {
        done.fetch_add(n, Ordering::Relaxed);
    };
    detached(
        py,
        Some(rx),
        |_, text| {
            on_rows.call1((text, done.load(Ordering::Relaxed)))?;
            Ok(())
        },
        |cancel| {
            let control = Control {
                cancel: Some(cancel),
                progress: Some(&tick),
            };
            match &out {
                None => deter::sweep_streamed(Path::new(path), &settings, control, tx),
                Some(o) => deter::sweep_streamed_to(
                    Path::new(path),
                    &settings,
                    control,
                    Path::new(o),
                    resume,
                    tx,
                ),
            }
        },
    )
}

/// Check a scenario; returns a JSON summary (name and entity counts) or raises InputError.
#[pyfunction]
#[pyo3(signature = (kind, source, set=Vec::new()))]
fn validate(py: Python<'_>, kind: &str, source: &str, set: Vec<String>) -> PyResult<String> {
    let (s, applied) = load(py, kind, source, &set, "set=")?;
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
    m.add_function(wrap_pyfunction!(compare_nested, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    Ok(())
}
