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
    PyKeyboardInterrupt, PyMemoryError, PyOSError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;

create_exception!(
    _native,
    InputError,
    PyValueError,
    "Bad input: args are (text, problems as JSON, the input file that does not exist or \
     None); deter.ScenarioError (deter.MissingFileError for a missing file) is built from it."
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

/// Diagnostics -> InputError(text, problems JSON, missing file). The missing file is the
/// path of an input file given to the function that does not exist (its one problem is the
/// command line's `FILE: error: cannot read file: REASON`, whatever the file's kind:
/// scenario, sweep, posterior, partial file), else None; a file named inside another (a
/// scenario's `extends`) is a fault of that file, located there.
fn input_error(d: deter::Diagnostics) -> PyErr {
    let mut errors = d.errors();
    let missing = match (errors.next(), errors.next()) {
        (Some(p), None)
            if p.line == 0
                && p.message.starts_with("cannot read file: ")
                && std::fs::symlink_metadata(&p.file)
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
        {
            Some(p.file.clone())
        }
        _ => None,
    };
    let problems: Vec<serde_json::Value> = d
        .errors()
        .map(|p| {
            serde_json::json!({
                "file": p.file, "line": p.line, "column": p.col, "key": p.path,
                "message": p.message, "help": p.help,
            })
        })
        .collect();
    InputError::new_err((
        d.to_string(),
        serde_json::Value::from(problems).to_string(),
        missing,
    ))
}

/// The name a scenario given as a Python mapping has in messages.
const DICT: &str = "<dict>";

/// A scenario source: `kind` is "path" (`source` a str), "toml" (the text itself) or "dict"
/// (a mapping, rendered as TOML here: [`dict_toml`]); `sets` what-ifs applied in order, each
/// list with the name it is given under (`set=`, `set_b=`). `horizon_years`: the horizon the
/// run will use when the caller gives one, against which the warnings that depend on it (a
/// policy that starts after it ends, a policy a what-if dates there) are checked, as `deter
/// run --horizon-years` checks them.
///
/// The warnings of the scenario as it is run (those `deter validate` prints, and every
/// command that runs it prints first: an intra-alliance rivalry, implausible currency
/// figures, a policy dated outside the horizon, ...; with what-ifs, those of `deter run
/// --set`: a policy a what-if dates after the horizon, a value a policy later overrides, scales or adds to) are
/// issued as Python `UserWarning`s, one per warning, in the command line's words
/// (file:line:col, key path, the source line, help), at the caller's line as [`warn_fixed`]
/// issues its own, once every what-if is applied (none when one is refused, as `deter run
/// --set` prints none). A mapping's problems and warnings name the key path in the mapping,
/// without a line and column ([`in_the_dict`]).
fn load(
    py: Python<'_>,
    command: &str,
    kind: &str,
    source: &Bound<'_, PyAny>,
    sets: &[(&[String], &str)],
    horizon_years: Option<u32>,
) -> PyResult<(Scenario, Vec<Applied>)> {
    load_once(
        py,
        command,
        kind,
        source,
        sets,
        horizon_years,
        &mut Vec::new(),
    )
}

/// [`load`], issuing only the warnings not in `said` (and adding them): a comparison of a
/// scenario with itself warns once, as `deter compare A A` does.
fn load_once(
    py: Python<'_>,
    command: &str,
    kind: &str,
    source: &Bound<'_, PyAny>,
    sets: &[(&[String], &str)],
    horizon_years: Option<u32>,
    said: &mut Vec<String>,
) -> PyResult<(Scenario, Vec<Applied>)> {
    let (s, applied, warnings) = load_held(command, kind, source, sets, horizon_years)?;
    issue(py, &warnings, said)?;
    Ok((s, applied))
}

/// [`load`], returning its warnings instead of issuing them: a nested run issues them once
/// it has read its posterior ([`read_posterior`]), whose column's warning may say one of
/// them in its place.
fn load_held(
    command: &str,
    kind: &str,
    source: &Bound<'_, PyAny>,
    sets: &[(&[String], &str)],
    horizon_years: Option<u32>,
) -> PyResult<(Scenario, Vec<Applied>, deter::Diagnostics)> {
    let (mut s, warnings) = match kind {
        "path" => {
            let path = source.extract::<String>()?;
            // A sweep, calibration or record file, or deter's own output, is refused with
            // what it is and which function reads it, as `deter run` refuses it.
            if let Some(d) = deter::cli::other_kind(Path::new(&path), "scenario", command) {
                return Err(input_error(d));
            }
            deter::load_with_warnings_at(Path::new(&path), horizon_years)
        }
        "toml" => {
            deter::parse_with_warnings_at(&source.extract::<String>()?, "<toml>", horizon_years)
        }
        "dict" => {
            let rendered = dict_toml(source)?;
            match deter::parse_with_warnings_at(&rendered.text, DICT, horizon_years) {
                Err(Error::Input(d)) => Err(Error::Input(in_the_dict(d, &rendered))),
                // A `None` (or a value TOML cannot hold) the reader took without complaint
                // (none should be): still refused.
                Ok(_) if !rendered.nones.is_empty() || !rendered.others.is_empty() => {
                    return Err(none_error(&rendered.nones, &rendered.others));
                }
                Ok((s, w)) => Ok((s, in_the_dict(w, &rendered))),
                Err(other) => Err(other),
            }
        }
        other => return Err(PyValueError::new_err(format!("unknown kind `{other}`"))),
    }
    .map_err(py_error)?;
    let mut applied = Vec::new();
    for &(texts, flag) in sets {
        let done = deter::apply_set(&mut s, texts, flag).map_err(|e| match e {
            Error::Input(mut d) => {
                for p in d.0.iter_mut().filter(|p| p.file == flag) {
                    let given = format!("`{flag}`: give `{}` a finite number", p.path);
                    given_not_a_file(&p.message, &mut p.help, &given);
                }
                Error::Input(d)
            }
            other => other,
        });
        applied.extend(done.map_err(py_error)?);
    }
    let warnings = deter::warnings_as_run(&s, warnings, sets, horizon_years);
    Ok((s, applied, warnings))
}

/// Issue `warnings` as `UserWarning`s at the caller's line, each not in `said` (and add it).
fn issue(py: Python<'_>, warnings: &deter::Diagnostics, said: &mut Vec<String>) -> PyResult<()> {
    for w in &warnings.0 {
        let text = w.to_string();
        if said.contains(&text) {
            continue;
        }
        said.push(text.clone());
        user_warning(py, &text)?;
    }
    Ok(())
}

/// What stands for a Python `None` in the TOML text of a scenario mapping: TOML has no null,
/// and no scenario key takes a date-time, so the reader refuses it at its key path with the
/// key's expectation ("expected a number in [0, 1], found datetime"), which
/// [`in_the_dict`] turns into "found None".
const NONE_MARK: &str = "1970-01-01T00:00:00Z";

/// A scenario mapping rendered as TOML text for the reader.
struct Rendered {
    text: String,
    /// Key paths of the `None`s (rendered as [`NONE_MARK`]).
    nones: Vec<String>,
    /// (key path, Python type) of the values TOML cannot hold (a set, a date), rendered as
    /// [`NONE_MARK`] too, so that the reader refuses each with its key's expectation.
    others: Vec<(String, String)>,
}

/// A scenario mapping as TOML text: the reader then checks it as it checks a file, each
/// value at the key path it has in the mapping (`country[0].military.budget`). A `None`
/// becomes [`NONE_MARK`], a float NaN or infinity TOML's `nan` / `inf` (refused by the reader
/// as in a file: "found NaN", with its help line), an integer past TOML's 64 bits its digits
/// (refused as in a file, "found 1180591620717411303424"). A value TOML cannot hold (a set,
/// an object) or a key that is not a string is an InputError at its key path.
fn dict_toml(source: &Bound<'_, PyAny>) -> PyResult<Rendered> {
    let mut walk = Walk::default();
    let root = walk.value(source, "")?;
    if !walk.faults.is_empty() {
        return Err(faults_error(&walk.faults));
    }
    let toml::Value::Table(table) = root else {
        return Err(PyValueError::new_err("scenario: expected a mapping"));
    };
    let mut text = toml::to_string(&table)
        .map_err(|e| PyValueError::new_err(format!("scenario mapping is not TOML-shaped: {e}")))?;
    // Integers past 64 bits, written as the digits the mapping holds (each stood in for by a
    // string found once in the text; else refused at its path without the reader).
    for (i, (path, digits)) in walk.big.iter().enumerate() {
        let quoted = format!("\"{}\"", big_mark(i));
        if text.matches(&quoted).count() == 1 {
            text = text.replace(&quoted, digits);
        } else {
            walk.faults.push((
                path.clone(),
                format!("the integer {digits} is out of TOML's 64-bit range"),
            ));
        }
    }
    if !walk.faults.is_empty() {
        return Err(faults_error(&walk.faults));
    }
    Ok(Rendered {
        text,
        nones: walk.nones,
        others: walk.others,
    })
}

/// The stand-in string of the `i`-th integer past 64 bits of a mapping.
fn big_mark(i: usize) -> String {
    format!("deter-big-integer-{i}-of-a-mapping")
}

/// The walk over a scenario mapping ([`dict_toml`]): what it found on the way.
#[derive(Default)]
struct Walk {
    nones: Vec<String>,
    /// (key path, digits) of each integer past 64 bits, in order.
    big: Vec<(String, String)>,
    /// (key path, Python type) of each value TOML cannot hold.
    others: Vec<(String, String)>,
    /// (key path, message) of each key that is not a string.
    faults: Vec<(String, String)>,
}

impl Walk {
    fn value(&mut self, v: &Bound<'_, PyAny>, path: &str) -> PyResult<toml::Value> {
        use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
        Ok(if v.is_none() {
            self.nones.push(path.to_string());
            toml::Value::Datetime(NONE_MARK.parse().expect("a valid TOML date-time"))
        } else if let Ok(b) = v.cast::<PyBool>() {
            toml::Value::Boolean(b.is_true())
        } else if v.is_instance_of::<PyInt>() {
            match v.extract::<i64>() {
                Ok(i) => toml::Value::Integer(i),
                Err(_) => {
                    self.big.push((path.to_string(), v.str()?.to_string()));
                    toml::Value::String(big_mark(self.big.len() - 1))
                }
            }
        } else if let Ok(f) = v.cast::<PyFloat>() {
            toml::Value::Float(f.value())
        } else if let Ok(t) = v.cast::<PyString>() {
            toml::Value::String(t.extract::<String>()?)
        } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
            let mut items = Vec::new();
            for (i, x) in v.try_iter()?.enumerate() {
                items.push(self.value(&x?, &format!("{path}[{i}]"))?);
            }
            toml::Value::Array(items)
        } else if v.is_instance_of::<PyDict>() || v.is_instance_of::<PyMapping>() {
            let mut table = toml::Table::new();
            for item in v.call_method0("items")?.try_iter()? {
                let (k, x): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
                let key = if let Ok(k) = k.cast::<PyString>() {
                    k.extract::<String>()?
                } else if k.is_instance_of::<PyInt>() && !k.is_instance_of::<PyBool>() {
                    // As `json.dumps` took it (an integer key, `{2025: ...}`): its digits.
                    k.str()?.to_string()
                } else {
                    let at = if path.is_empty() {
                        "(top level)".to_string()
                    } else {
                        path.to_string()
                    };
                    self.faults.push((
                        at,
                        format!(
                            "a key must be a string, found {} `{}`",
                            type_name(&k),
                            k.repr()?
                        ),
                    ));
                    continue;
                };
                let p = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let x = self.value(&x, &p)?;
                table.insert(key, x);
            }
            toml::Value::Table(table)
        } else if v.hasattr("__index__")? {
            // A NumPy integer, as an int.
            match v.extract::<i64>() {
                Ok(i) => toml::Value::Integer(i),
                Err(_) => {
                    self.big.push((
                        path.to_string(),
                        v.call_method0("__index__")?.str()?.to_string(),
                    ));
                    toml::Value::String(big_mark(self.big.len() - 1))
                }
            }
        } else if v.hasattr("__float__")? && !v.is_instance_of::<pyo3::types::PyComplex>() {
            // A NumPy float, as a float.
            toml::Value::Float(v.extract::<f64>()?)
        } else {
            self.others.push((path.to_string(), type_name(v)));
            toml::Value::Datetime(NONE_MARK.parse().expect("a valid TOML date-time"))
        })
    }
}

/// The Python type name of `v` (`set`, `datetime.date`) for a message.
fn type_name(v: &Bound<'_, PyAny>) -> String {
    let t = v.get_type();
    let name = t
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into());
    match t.module().map(|m| m.to_string()) {
        Ok(m) if m != "builtins" => format!("{m}.{name}"),
        _ => name,
    }
}

/// The reader's problems (or warnings) with a scenario mapping's TOML text, in the mapping's
/// terms: each names its key path in the mapping with no line and column and no excerpt (the
/// text is the package's rendering, which the caller never sees); a line of that text named
/// in a message ("first defined on line 8") becomes the key path there; a `None` (read as
/// [`NONE_MARK`]) is "found None", with how to give the key no value. Problems of another
/// file (a base the mapping `extends`) are left as they are.
fn in_the_dict(mut d: deter::Diagnostics, rendered: &Rendered) -> deter::Diagnostics {
    for p in d.0.iter_mut().filter(|p| p.file == DICT) {
        // An empty mapping is no file: said of the dict, with what a scenario dict needs.
        if p.message == "the file is empty" {
            p.message = "the dict is empty".into();
            p.help = Some(
                "a scenario dict needs at least a \"scenario\" dict and a \"country\" list of one dict, \
                 shaped like the TOML file (docs/SCENARIO.md)"
                    .into(),
            );
        }
        if let Some(head) = p.message.strip_suffix("found datetime") {
            if let Some((_, t)) = rendered.others.iter().find(|(at, _)| *at == p.path) {
                p.message = format!("{head}found {t}");
            } else if !rendered.nones.is_empty() {
                p.message = format!("{head}found None");
                p.help.get_or_insert_with(|| {
                    "TOML has no null: leave the key out for its default, or give a value".into()
                });
            }
        }
        let given = format!("a scenario dict: give `{}` a finite number", p.path);
        given_not_a_file(&p.message, &mut p.help, &given);
        p.message = lines_as_paths(&p.message, &rendered.text);
        p.line = 0;
        p.col = 0;
        p.snippet = None;
    }
    d
}

/// The help line of a NaN or an infinity refused where the user gave no file (a scenario
/// dict's value, a `set=` value): the reader's "`nan` and `inf` are not allowed: give a
/// finite number" said of what was given instead, `given` ("a scenario dict: give
/// `country[0].military.budget` a finite number"), the key named as the message names it.
/// Any other problem's help is left as it is.
fn given_not_a_file(message: &str, help: &mut Option<String>, given: &str) {
    let found = message.rsplit_once("found ").map(|(_, f)| f);
    if help.is_some() && matches!(found, Some("NaN" | "inf" | "-inf")) {
        *help = Some(format!("`nan` and `inf` are not allowed in {given}"));
    }
}

/// `message` with each "line N" of the rendered text `text` replaced by the key path of the
/// value on that line (`` `country[0].id` ``); as it is when that line holds no value.
fn lines_as_paths(message: &str, text: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        let after = &rest[at + "line ".len()..];
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        let path = digits
            .parse::<usize>()
            .ok()
            .and_then(|n| path_on_line(text, n));
        let before = &rest[..at];
        match path {
            // "first defined on line 8" -> "first defined at `country[0].id`".
            Some(p) => match before.strip_suffix("on ") {
                Some(head) => out.push_str(&format!("{head}at `{p}`")),
                None => out.push_str(&format!("{before}`{p}`")),
            },
            None => {
                out.push_str(before);
                out.push_str(&rest[at..at + "line ".len() + digits.len()]);
            }
        }
        rest = &after[digits.len()..];
    }
    out.push_str(rest);
    out
}

/// The key path (`country[0].id`) of the first value that starts on line `line` (1-based) of
/// the TOML text `text`, if any.
fn path_on_line(text: &str, line: usize) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    fn walk(
        v: &DeValue<'_>,
        start: usize,
        path: String,
        text: &str,
        line: usize,
    ) -> Option<String> {
        match v {
            DeValue::Table(t) => t.iter().find_map(|(k, x)| {
                let p = if path.is_empty() {
                    k.get_ref().to_string()
                } else {
                    format!("{path}.{}", k.get_ref())
                };
                walk(x.get_ref(), x.span().start, p, text, line)
            }),
            DeValue::Array(a) => a.iter().enumerate().find_map(|(i, x)| {
                walk(
                    x.get_ref(),
                    x.span().start,
                    format!("{path}[{i}]"),
                    text,
                    line,
                )
            }),
            _ => (text[..start.min(text.len())].matches('\n').count() + 1 == line).then_some(path),
        }
    }
    let doc = DeTable::parse(text).ok()?;
    doc.get_ref().iter().find_map(|(k, x)| {
        walk(
            x.get_ref(),
            x.span().start,
            k.get_ref().to_string(),
            text,
            line,
        )
    })
}

/// Keys of a mapping that are not strings, refused at their key paths (InputError).
fn faults_error(faults: &[(String, String)]) -> PyErr {
    problems_error(faults.iter().map(|(p, m)| (p.clone(), m.clone(), None)))
}

/// A `None` (or a value TOML cannot hold) the reader did not refuse on its own, refused at its
/// key path (InputError).
fn none_error(nones: &[String], others: &[(String, String)]) -> PyErr {
    let help = "TOML has no null: leave the key out for its default, or give a value";
    problems_error(
        nones
            .iter()
            .map(|p| {
                (
                    p.clone(),
                    "expected a value, found None".to_string(),
                    Some(help),
                )
            })
            .chain(
                others
                    .iter()
                    .map(|(p, t)| (p.clone(), format!("expected a value, found {t}"), None)),
            ),
    )
}

/// Problems of a scenario mapping at key paths, in the words of the reader's diagnostics
/// without a position: "<dict>: error: KEY: MESSAGE", the help line under it (InputError).
fn problems_error<'a>(problems: impl Iterator<Item = (String, String, Option<&'a str>)>) -> PyErr {
    let problems: Vec<_> = problems.collect();
    let mut text = String::new();
    for (path, message, help) in &problems {
        text.push_str(&format!("{DICT}: error: {path}: {message}\n"));
        if let Some(h) = help {
            text.push_str(&format!("  = help: {h}\n"));
        }
    }
    let n = problems.len();
    text.push_str(&format!(
        "{n} error{} found\n",
        if n == 1 { "" } else { "s" }
    ));
    let json: Vec<serde_json::Value> = problems
        .iter()
        .map(|(path, message, help)| {
            serde_json::json!({
                "file": DICT, "line": 0, "column": 0, "key": path,
                "message": message, "help": help,
            })
        })
        .collect();
    InputError::new_err((
        text,
        serde_json::Value::from(json).to_string(),
        None::<String>,
    ))
}

/// The budget of a nested run (`draws`, `runs` per draw: at least 2 runs, draws x runs at
/// most the engine's cap), checked after the scenarios are read and their warnings (and the
/// posterior's) issued, as `deter run --posterior --draws --runs` checks it; each setting's
/// own range is checked before any file is read ([`count`], [`settings`]), as the command
/// line's flag parsers do.
fn nested_budget(draws: Option<u64>, runs: Option<u64>) -> PyResult<()> {
    deter::settings::check_nested(draws, runs, deter::settings::Caller::Library)
        .map(|_| ())
        .map_err(|e| PyValueError::new_err(e.0))
}

/// `draws` in its own range ([1, 10^6]), checked before any file is read, as the command
/// line's parser of `--draws` refuses it; the budget it makes with `runs` is
/// [`nested_budget`]'s, after the warnings. (`runs` at its default per draw: draws in range
/// always fit the cap with it.)
fn nested_draws(draws: Option<Count>) -> PyResult<Option<u64>> {
    let draws = count(draws, "draws", 1, deter::settings::MAX_DRAWS)?;
    nested_budget(draws, None)?;
    Ok(draws)
}

/// An integer setting as Python gives it (`runs`, `seed`, `threads`, `horizon_years`,
/// `max_runs`, `draws`): its value, or the text of an int it cannot be, for its refusal
/// ([`count`]). A bool is one: `True` is an int in Python, and `runs=True` ran 1 run,
/// `horizon_years=True` a 1-year horizon, without a word; so is an int below 0 or past 64
/// bits (PyO3's OverflowError named no argument). A value that is not an int at all
/// (`runs="10"`, `runs=1.5`) is [`Count::NotInt`], refused as a TypeError in the same words
/// (PyO3's own, "'str' object cannot be interpreted as an integer", named no argument).
#[derive(Clone)]
enum Count {
    Value(u64),
    Refused(String),
    NotInt(String),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Count {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        use pyo3::types::{PyBool, PyInt};
        if obj.is_instance_of::<PyBool>() {
            // As Python writes it (`True`), as `--runs true` names what was typed.
            return Ok(Count::Refused(obj.repr()?.to_string()));
        }
        match obj.extract::<u64>() {
            Ok(n) => Ok(Count::Value(n)),
            Err(_) if obj.is_instance_of::<PyInt>() => Ok(Count::Refused(obj.str()?.to_string())),
            // Not an int at all (`runs="10"`, `runs=1.5`): as Python writes it (`'10'`).
            Err(_) => Ok(Count::NotInt(obj.repr()?.to_string())),
        }
    }
}

/// The integer setting `field` as given, None when not given; a value it cannot be
/// ([`Count::Refused`], or past `u64` for the type `T` it is held in) refused in the library's
/// words, the keyword and the range of the command line's flag ("`runs` True: expected an
/// integer in [1, 1000000000000]"; `--runs true` is refused with the same range, located in
/// its value). Values in `T` are range-checked by the library's checks ([`settings`]). A
/// value that is not an int ([`Count::NotInt`]) is a TypeError in the same words ("`runs`
/// '10': expected an integer in [1, 1000000000000]", the range `--runs abc` is refused with).
fn count<T: TryFrom<u64>>(
    v: Option<Count>,
    field: &str,
    min: u64,
    max: u64,
) -> PyResult<Option<T>> {
    use deter::settings::{Caller, integer_out_of_range, setting_name};
    let words = |text: &dyn std::fmt::Display| {
        let mut m = integer_out_of_range(&setting_name(Caller::Library, field), text, min, max);
        if field == "threads" {
            m.push_str(THREADS_NOTE);
        }
        m
    };
    let refuse = |text: &dyn std::fmt::Display| PyValueError::new_err(words(text));
    match v {
        None => Ok(None),
        Some(Count::Value(n)) => T::try_from(n).map(Some).map_err(|_| refuse(&n)),
        Some(Count::Refused(text)) => Err(refuse(&text)),
        Some(Count::NotInt(text)) => Err(PyTypeError::new_err(words(&text))),
    }
}

/// What `--threads` adds to its range: 0 is not "no thread".
const THREADS_NOTE: &str = " (0 = one per core)";

/// Adaptive stopping (`deter run|compare|sweep --until-ci H --max-runs N`): the target
/// half-width and the cap on runs, both None when not asked for.
#[derive(Clone, Default)]
struct Until {
    until_ci: Option<f64>,
    max_runs: Option<Count>,
}

/// The settings a caller gave, each checked as the command line checks its flag before it
/// reads any file, in the package's words (the keyword: "`runs` 0: expected an integer in
/// [1, 1000000000000]"): `runs`, `seed`, `threads`, `horizon_years`, `until_ci` and
/// `max_runs` in their ranges, `max_runs` only with `until_ci` (`--max-runs` requires
/// `--until-ci`). The library checks them again when it resolves them.
fn settings(
    runs: Option<Count>,
    seed: Option<Count>,
    threads: Option<Count>,
    horizon_years: Option<Count>,
    attribution: bool,
    until: Until,
) -> PyResult<Settings> {
    use deter::settings::{self as s, Caller};
    let invalid = |e: s::SettingsError| PyValueError::new_err(e.0);
    let max_threads = deter::MAX_THREADS as u64;
    let threads: usize = count(threads, "threads", 0, max_threads)?.unwrap_or(0);
    if threads > deter::MAX_THREADS {
        return Err(PyValueError::new_err(format!(
            "{}{THREADS_NOTE}",
            s::integer_out_of_range("`threads`", threads, 0, max_threads)
        )));
    }
    let runs = count(runs, "runs", 1, deter::MAX_RUNS)?;
    let seed = count(seed, "seed", 0, s::MAX_SEED)?;
    let (lo, hi) = (s::MIN_HORIZON_YEARS.into(), s::MAX_HORIZON_YEARS.into());
    let horizon_years: Option<u32> = count(horizon_years, "horizon_years", lo, hi)?;
    let max_runs = count(until.max_runs, "max_runs", 1, deter::MAX_RUNS)?;
    if let Some(r) = runs {
        s::check_runs("`runs`", r).map_err(invalid)?;
    }
    if let Some(x) = seed {
        s::check_seed(x, Caller::Library).map_err(invalid)?;
    }
    if let Some(h) = horizon_years {
        s::check_horizon(h, Caller::Library).map_err(invalid)?;
    }
    if let Some(t) = until.until_ci {
        s::check_until_ci(t, Caller::Library).map_err(invalid)?;
    }
    if let Some(m) = max_runs {
        s::check_runs("`max_runs`", m).map_err(invalid)?;
        if until.until_ci.is_none() {
            return Err(PyValueError::new_err(MAX_RUNS_ALONE));
        }
    }
    Ok(Settings {
        runs,
        seed,
        threads,
        horizon_years,
        no_attribution: !attribution,
        until_ci: until.until_ci,
        max_runs,
    })
}

/// The refusal of `max_runs` without `until_ci` (the command line's `--max-runs` requires
/// `--until-ci`: a cap on adaptive stopping, which runs only when a target is given).
const MAX_RUNS_ALONE: &str =
    "`max_runs` caps the runs of adaptive stopping: give `until_ci` with it (or use `runs`)";

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
/// Its warnings, those `deter run --posterior` and `deter compare --posterior` print (a
/// column a dated policy changes, a value of `set=` / `set_b=` on a path a column draws:
/// [`deter::read_posterior_with_warnings`]), are issued as `UserWarning`s in the command
/// line's words, at the caller's line, once each. Each scenario comes with the what-if lists
/// applied to it, by the name they were given under.
///
/// `loaded` (the scenarios' warnings, held by [`load_held`]) are issued first, each not in
/// `said`, less those a column's warning says in their place
/// ([`deter::without_covered_priors`]: a value set on a path both a prior and a column draw).
fn read_posterior(
    py: Python<'_>,
    path: Option<&str>,
    scenarios: &[(&Scenario, deter::SetLists<'_>)],
    loaded: deter::Diagnostics,
    said: &mut Vec<String>,
) -> PyResult<Option<deter::Posterior>> {
    let Some(p) = path else {
        issue(py, &loaded, said)?;
        return Ok(None);
    };
    let (post, warnings) = match deter::read_posterior_with_warnings(Path::new(p), scenarios) {
        Ok(x) => x,
        Err(e) => {
            issue(py, &loaded, said)?;
            return Err(py_error(e));
        }
    };
    issue(
        py,
        &deter::without_covered_priors(loaded, &post, scenarios),
        said,
    )?;
    for w in &warnings.0 {
        user_warning(py, &w.to_string())?;
    }
    Ok(Some(post))
}

/// Issue `text` as a Python `UserWarning` at the caller's line (the native function is
/// called by `_call` from the package's function: stack level 3). An error when a warnings
/// filter turns the warning into one.
fn user_warning(py: Python<'_>, text: &str) -> PyResult<()> {
    let text = std::ffi::CString::new(text.trim_end().replace('\0', "")).expect("no NUL left");
    let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
    PyErr::warn(py, category.as_any(), &text, 3)
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
    source: Bound<'_, PyAny>,
    runs: Option<Count>,
    seed: Option<Count>,
    threads: Option<Count>,
    set: Vec<String>,
    horizon_years: Option<Count>,
    attribution: bool,
    until_ci: Option<f64>,
    max_runs: Option<Count>,
) -> PyResult<String> {
    let until = Until { until_ci, max_runs };
    let settings = settings(runs, seed, threads, horizon_years, attribution, until)?;
    let sets = [(set.as_slice(), "set=")];
    let (scenario, applied) = load(
        py,
        "deter.run",
        kind,
        &source,
        &sets,
        settings.horizon_years,
    )?;
    let mut report = cancellable(py, |control| deter::run(&scenario, &settings, control))?;
    report.overrides = applied;
    Ok(deter::report_json(&report))
}

/// Compare two scenarios with common random numbers; returns the JSON of
/// `deter compare --format json` and the JSON of its differences unchanged in every run
/// ([`unchanged`]). `set` applies to both sides, `set_b` to B only.
#[pyfunction]
#[pyo3(signature = (kind_a, source_a, kind_b, source_b, runs=None, seed=None, threads=None, set=Vec::new(), set_b=Vec::new(), horizon_years=None, attribution=true, until_ci=None, max_runs=None))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    kind_a: &str,
    source_a: Bound<'_, PyAny>,
    kind_b: &str,
    source_b: Bound<'_, PyAny>,
    runs: Option<Count>,
    seed: Option<Count>,
    threads: Option<Count>,
    set: Vec<String>,
    set_b: Vec<String>,
    horizon_years: Option<Count>,
    attribution: bool,
    until_ci: Option<f64>,
    max_runs: Option<Count>,
) -> PyResult<(String, String)> {
    let until = Until { until_ci, max_runs };
    let settings = settings(runs, seed, threads, horizon_years, attribution, until)?;
    let mut said = Vec::new();
    let h = settings.horizon_years;
    let (sets_a, sets_b) = (
        [(set.as_slice(), "set=")],
        [(set.as_slice(), "set="), (set_b.as_slice(), "set_b=")],
    );
    let (sa, set_a) = load_once(
        py,
        "deter.compare",
        kind_a,
        &source_a,
        &sets_a,
        h,
        &mut said,
    )?;
    let (sb, applied_b) = load_once(
        py,
        "deter.compare",
        kind_b,
        &source_b,
        &sets_b,
        h,
        &mut said,
    )?;
    // As `deter compare` warns before it runs.
    if let Some(why) = deter::gdp_lost_not_compared(&sa, &sb) {
        user_warning(py, &why)?;
    }
    let mut report = cancellable(py, |control| deter::compare(&sa, &sb, &settings, control))?;
    report.a.overrides = set_a;
    report.b.overrides = applied_b;
    let mut out = serde_json::to_string_pretty(&report).expect("a comparison serialises");
    out.push('\n');
    Ok((out, unchanged(&report).to_string()))
}

/// The differences of `report` that are 0 in every run, which `deter compare`'s table says
/// "unchanged in every run" beside, decided by the same library methods: `outcomes` and
/// `metrics` as `[scope, key]` pairs, `attribution_shift` as `[scope, outcome, level]`
/// (`level` "all" for removing all three), each in the report's order.
fn unchanged(report: &deter::ComparisonReport) -> serde_json::Value {
    let (mut outcomes, mut metrics, mut shifts) = (Vec::new(), Vec::new(), Vec::new());
    for e in std::iter::once(&report.region).chain(&report.rivalries) {
        for o in e.outcomes.iter().filter(|o| o.unchanged_in_every_run()) {
            outcomes.push(serde_json::json!([e.entity, o.outcome]));
        }
        for m in e.metrics.iter().filter(|m| m.unchanged_in_every_run()) {
            metrics.push(serde_json::json!([e.entity, m.metric]));
        }
    }
    for e in report.attribution_shift.iter().flat_map(|a| &a.entities) {
        for (event, x) in deter::outputs::EVENTS.iter().zip(&e.events.0) {
            // "all" for removing all three, then the levels in the library's order.
            let levels = ["military", "political", "economic"]
                .into_iter()
                .zip(x.levels());
            for (level, l) in std::iter::once(("all", &x.removing_all)).chain(levels) {
                if l.unchanged_in_every_run() {
                    shifts.push(serde_json::json!([e.entity, event.key, level]));
                }
            }
        }
    }
    serde_json::json!({ "outcomes": outcomes, "metrics": metrics, "attribution_shift": shifts })
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
    source: Bound<'_, PyAny>,
    posterior: Option<String>,
    draws: Option<Count>,
    runs: Option<Count>,
    seed: Option<Count>,
    threads: Option<Count>,
    set: Vec<String>,
    horizon_years: Option<Count>,
) -> PyResult<String> {
    let settings = settings(runs, seed, threads, horizon_years, false, Until::default())?;
    // Each setting's own range first (as the command line's flag parsers); the budget
    // (draws x runs) after the scenario's and the posterior's warnings, as `deter run`.
    let draws = nested_draws(draws)?;
    let sets = [(set.as_slice(), "set=")];
    let (scenario, _, loaded) = load_held(
        "deter.run_nested",
        kind,
        &source,
        &sets,
        settings.horizon_years,
    )?;
    let post = read_posterior(
        py,
        posterior.as_deref(),
        &[(&scenario, &sets)],
        loaded,
        &mut Vec::new(),
    )?;
    warn_fixed(py, post.as_ref(), &scenario, None)?;
    nested_budget(draws, settings.runs)?;
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
    source_a: Bound<'_, PyAny>,
    kind_b: &str,
    source_b: Bound<'_, PyAny>,
    posterior: Option<String>,
    draws: Option<Count>,
    runs: Option<Count>,
    seed: Option<Count>,
    threads: Option<Count>,
    set: Vec<String>,
    set_b: Vec<String>,
    horizon_years: Option<Count>,
) -> PyResult<String> {
    let settings = settings(runs, seed, threads, horizon_years, false, Until::default())?;
    // As in `run_nested`: the budget after the warnings, as `deter compare` checks it.
    let draws = nested_draws(draws)?;
    let mut said = Vec::new();
    let h = settings.horizon_years;
    let (sets_a, sets_b) = (
        [(set.as_slice(), "set=")],
        [(set.as_slice(), "set="), (set_b.as_slice(), "set_b=")],
    );
    let (sa, _, mut loaded) = load_held("deter.compare_nested", kind_a, &source_a, &sets_a, h)?;
    // A read, B refused: A's warnings before B's fault, as `deter compare` says them (and
    // `compare` issues them); held otherwise until the posterior is read.
    let (sb, _, loaded_b) = match load_held("deter.compare_nested", kind_b, &source_b, &sets_b, h) {
        Ok(x) => x,
        Err(e) => {
            issue(py, &loaded, &mut said)?;
            return Err(e);
        }
    };
    loaded.0.extend(loaded_b.0);
    let post = read_posterior(
        py,
        posterior.as_deref(),
        &[(&sa, &sets_a), (&sb, &sets_b)],
        loaded,
        &mut said,
    )?;
    // Each side, as `deter compare --posterior` warns.
    warn_fixed(py, post.as_ref(), &sa, Some("A"))?;
    warn_fixed(py, post.as_ref(), &sb, Some("B"))?;
    nested_budget(draws, settings.runs)?;
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
    threads: Option<Count>,
    runs: Option<Count>,
    seed: Option<Count>,
    horizon_years: Option<Count>,
    out: Option<String>,
    resume: bool,
    until_ci: Option<f64>,
    max_runs: Option<Count>,
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
    // A scenario, calibration or record file, or deter's own output, is refused with what
    // it is and which function reads it, as `deter sweep` refuses it.
    if let Some(d) = deter::cli::other_kind(Path::new(path), "sweep", "deter.sweep") {
        return Err(input_error(d));
    }
    // The sweep's warnings, as `deter sweep` prints them before it runs (see `load`), and
    // those a shorter `horizon_years` brings to its base scenario.
    for w in deter::sweep_warnings_at(Path::new(path), settings.horizon_years).map_err(py_error)? {
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

/// Merge the partial files of a sharded `deter run FILE --shard K/N --out PART` (every shard
/// once, any order); returns the JSON report of `deter merge --format json`. With `per_run`,
/// also writes the merged run's per-run CSV there, as `deter merge --per-run PATH` (the
/// shards must carry their rows: `--per-run-rows`). The GIL is released while it merges;
/// Ctrl-C stops it within one part or per-run row read (KeyboardInterrupt, nothing
/// written), as it stops a run.
#[pyfunction]
#[pyo3(signature = (parts, per_run=None))]
fn merge(py: Python<'_>, parts: Vec<String>, per_run: Option<String>) -> PyResult<String> {
    let parts: Vec<std::path::PathBuf> = parts.into_iter().map(Into::into).collect();
    let report = cancellable(py, |control| match &per_run {
        Some(path) => deter::merge_with_rows(&parts, Path::new(path), control),
        None => deter::merge(&parts, control),
    })?;
    Ok(deter::report_json(&report))
}

/// Merge the partial files of a sharded nested run (`deter run FILE --posterior DRAWS.csv
/// --draws D --shard K/N --out PART`, or a scenario with `[[uncertain]]` priors; every shard
/// once, any order); returns the JSON `run_nested` returns for the same inputs, which is the
/// text of `deter merge --format json` (`deter::merge_nested`, then `deter::nested_json`,
/// with the scenario's name and the posterior named as the shards were given it). The GIL
/// is released while it merges; Ctrl-C stops it as it stops [`merge`].
#[pyfunction]
#[pyo3(signature = (parts))]
fn merge_nested(py: Python<'_>, parts: Vec<String>) -> PyResult<String> {
    let parts: Vec<std::path::PathBuf> = parts.into_iter().map(Into::into).collect();
    let merged = cancellable(py, |control| deter::merge_nested(&parts, control))?;
    Ok(deter::nested_json(
        &merged.nested,
        &merged.scenario.meta.name,
        merged.posterior_file.as_deref(),
    ))
}

/// Check a scenario; returns a JSON summary (name and entity counts) or raises InputError.
#[pyfunction]
#[pyo3(signature = (kind, source, set=Vec::new()))]
fn validate(
    py: Python<'_>,
    kind: &str,
    source: Bound<'_, PyAny>,
    set: Vec<String>,
) -> PyResult<String> {
    // A sweep, calibration or historical record file is checked as `deter validate` checks
    // it (its faults raised, its warnings issued), summarised by its kind and the words of
    // `deter validate`'s `ok (...)` line.
    if kind == "path" {
        let path = source.extract::<String>()?;
        // What-ifs with a file of another kind: refused before the file is checked, in the
        // words `deter validate --set` refuses them with.
        if !set.is_empty()
            && let Some(refusal) = deter::refuse_set(Path::new(&path))
        {
            return Err(PyValueError::new_err(refusal));
        }
        if let Some(checked) = deter::cli::check_other(Path::new(&path)) {
            let (what, words, warnings) = checked.map_err(input_error)?;
            issue(py, &warnings, &mut Vec::new())?;
            return Ok(serde_json::json!({ "kind": what, "summary": words }).to_string());
        }
    }
    let (s, applied) = load(
        py,
        "deter.validate",
        kind,
        &source,
        &[(set.as_slice(), "set=")],
        None,
    )?;
    Ok(serde_json::json!({
        "kind": "scenario",
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
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(merge_nested, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    Ok(())
}
