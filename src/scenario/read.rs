//! Reading scenario files: TOML with spans -> a validated [`Scenario`], collecting every
//! problem (not just the first) as a [`Diagnostic`] with file, line, column and key path.
//!
//! A file may start with `extends = "base.toml"`: it is then an overlay. The base is read
//! first; the overlay's tables patch entities with the same id, new ids are added, and every
//! value is validated exactly as in a full file.

use std::ops::{Deref, DerefMut, Range};
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, Diagnostics};
use super::input::{self, FileKind, Input, Val, join, lookup};
use super::params::{
    AllianceParams, DeploymentParams, EconomicParams, FieldSpec, MilitaryParams, ModelParams,
    ParamBlock, ParamDefault, PoliticalParams, PowerParams, RivalryParams, fmt_bound,
};
use super::path::{OpKind, ParamRef, closest};
use crate::settings::GivenHorizon;
use super::{
    Actor, Alliance, Country, Deployment, Meta, OutsidePower, Policy, PolicyChange, Rivalry,
    Scenario, Status, YearMonth,
};

/// A GDP from which on a country's figures are taken to be in a large currency unit: a tenth
/// of the largest GDP lost the outputs keep (about 1e6, `stats::MOMENT_LIMIT` and the top of
/// the GDP-lost histogram), beyond any economy in billions of US dollars or euros.
const LARGE_GDP: f64 = 1e5;

/// A ratio in words for warnings: whole numbers from 10, two decimals from 0.01.
fn ratio_text(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}")
    } else if x >= 0.01 {
        format!("{x:.2}")
    } else {
        format!("{x:.1e}")
    }
}

/// A warning of one country's currency figures ([`currency_warnings`]): the figure it is
/// about (`military.budget`, `economic.gdp`, `military.capability`), its words and help.
pub(crate) struct CurrencyWarning {
    pub field: &'static str,
    pub message: String,
    pub help: &'static str,
}

/// The currency figures of one country that are implausible together or too large for the
/// outputs (a GDP of [`LARGE_GDP`] or more: a large currency unit, whose GDP lost could reach
/// the clamp of the moments, [`crate::stats::MOMENT_LIMIT`]): a defence budget above half of
/// GDP (the model caps the budget share at 0.5) or above zero and below 0.01% of it, or a
/// capability stock more than a thousand times (or less than a thousandth of) its budget.
/// Each suggests that some figures changed unit (millions for billions) and others did not.
/// The file's reader says them at the figures, `--set` at its value: one rule, one message.
pub(crate) fn currency_warnings(c: &Country) -> Vec<CurrencyWarning> {
    let mut out = Vec::new();
    let (budget, gdp) = (c.military.budget, c.economic.gdp);
    if budget.is_finite() && gdp.is_finite() && gdp > 0.0 && budget > 0.5 * gdp {
        out.push(CurrencyWarning {
            field: "military.budget",
            message: format!(
                "implausible currency figures: the defence budget {} is {} times GDP {} (above half of GDP; the budget share is capped at 0.5)",
                fmt_bound(budget),
                ratio_text(budget / gdp),
                fmt_bound(gdp)
            ),
            help: "a factor like 1000 suggests a partial change of unit (millions for billions): give every currency figure of the scenario in its `currency` unit",
        });
    }
    // A budget that is not zero but below a ten-thousandth of GDP (a trial's GDP given in
    // millions beside a budget in billions: 0.007%): smaller than any country's that keeps
    // armed forces (the smallest, Iceland's coast guard and Mauritius's, are about 0.1-0.2%
    // of GDP: SIPRI Military Expenditure Database).
    if budget.is_finite() && gdp.is_finite() && budget > 0.0 && budget < 1e-4 * gdp {
        out.push(CurrencyWarning {
            field: "military.budget",
            message: format!(
                "implausible currency figures: the defence budget {} is {} of GDP {} (below 0.01% of GDP, less than any country that keeps armed forces spends)",
                fmt_bound(budget),
                small_percent(budget / gdp),
                fmt_bound(gdp)
            ),
            help: "a factor like 1000 suggests a partial change of unit (millions for billions): give every currency figure of the scenario in its `currency` unit; a country without armed forces has budget 0",
        });
    }
    if gdp.is_finite() && gdp >= LARGE_GDP {
        out.push(CurrencyWarning {
            field: "economic.gdp",
            message: format!(
                "GDP {} is beyond any economy in billions of US dollars or euros: a run's GDP lost is kept only up to {} (2^20) in the `gdp_lost` mean and sd, and up to 1e6 in its quantiles: a larger loss is counted as that much",
                fmt_bound(gdp),
                crate::stats::MOMENT_LIMIT as u64
            ),
            help: "give the scenario's currency figures in a larger unit (billions of a currency worth more, or trillions), with `currency` naming it: the model's outputs do not depend on the unit",
        });
    }
    let cap = c.military.capability;
    if c.capability_given && cap.is_finite() && budget.is_finite() && budget > 0.0 && cap > 0.0 {
        let r = cap / budget;
        if !(1e-3..=1e3).contains(&r) {
            out.push(CurrencyWarning {
                field: "military.capability",
                message: format!(
                    "implausible currency figures: the capability stock {} is {} times the defence budget {} (three orders of magnitude or more)",
                    fmt_bound(cap),
                    ratio_text(r),
                    fmt_bound(budget)
                ),
                help: "a capability stock is a few years of procurement (default: procurement_efficiency x investment_share x budget / depreciation, about 3 budgets); a factor like 1000 suggests a partial change of unit",
            });
        }
    }
    out
}

/// The capability of an outside power or a deployment (`capability`, what it can commit in
/// the theatre, on the countries' scale) more than a thousand times the largest country's
/// capability stock: as implausible as a country's stock a thousand times its budget, and
/// as likely a partial change of unit (a power's capability in millions beside countries'
/// figures in billions). `largest` is (the country's id, its capability). Said by the file's
/// reader at the figure and by `--set` at its value: one rule, one message.
pub(crate) fn outside_capability_warning(
    entity: &str,
    cap: f64,
    largest: Option<(&str, f64)>,
) -> Option<CurrencyWarning> {
    let (id, k) = largest?;
    if !(cap.is_finite() && k.is_finite() && k > 0.0 && cap > 1e3 * k) {
        return None;
    }
    Some(CurrencyWarning {
        field: "capability",
        message: format!(
            "{} {} is {} times the largest country's capability stock ({id}: {}) (three orders of magnitude or more)",
            outside_capability_words(entity),
            fmt_bound(cap),
            ratio_text(cap / k),
            fmt_bound(k)
        ),
        help: "a power's or deployment's capability is what it can commit in the theatre, on the scale of the countries' capability stocks; a factor like 1000 suggests a partial change of unit (millions for billions): give every currency figure of the scenario in its `currency` unit",
    })
}

/// Every outside power's and deployment's capability, as (`power` or `deployment`, id,
/// capability).
pub(crate) fn outside_capabilities(s: &Scenario) -> Vec<(&'static str, &str, f64)> {
    let powers = s
        .powers
        .iter()
        .map(|p| ("power", p.id.as_str(), p.params.capability));
    let deployments = s
        .deployments
        .iter()
        .map(|d| ("deployment", d.id.as_str(), d.params.capability));
    powers.chain(deployments).collect()
}

/// The entity (`power.USA`, `deployment.KFOR`) whose `capability` `r` is, if it is an outside
/// power's or a deployment's.
pub(crate) fn outside_capability_of(s: &Scenario, r: ParamRef) -> Option<String> {
    if r.spec().key != "capability" {
        return None;
    }
    match r {
        ParamRef::Power { power, .. } => Some(format!("power.{}", s.powers[power].id)),
        ParamRef::Deployment { deployment, .. } => {
            Some(format!("deployment.{}", s.deployments[deployment].id))
        }
        _ => None,
    }
}

/// The start of [`outside_capability_warning`]'s message for `entity` (`power.USA`,
/// `deployment.KFOR`): a value `--set` gives replaces the file's warning that starts so.
pub(crate) fn outside_capability_words(entity: &str) -> String {
    format!("implausible currency figures: `{entity}.capability`")
}

/// The country with the largest capability stock, as (id, capability), if any is positive.
pub(crate) fn largest_capability(s: &Scenario) -> Option<(&str, f64)> {
    s.countries
        .iter()
        .map(|c| (c.id.as_str(), c.military.capability))
        .filter(|(_, k)| k.is_finite() && *k > 0.0)
        .fold(None, |best: Option<(&str, f64)>, x| match best {
            Some(b) if b.1 >= x.1 => Some(b),
            _ => Some(x),
        })
}

/// A share far below 1% as a percent with two significant digits: 6.9e-5 -> "0.0069%".
fn small_percent(x: f64) -> String {
    let pct = 100.0 * x;
    let decimals = (1.0 - pct.log10().floor()).clamp(0.0, 20.0) as usize;
    format!("{pct:.decimals$}%")
}

/// The commented template that `deter init` writes.
pub const TEMPLATE: &str = include_str!("template.toml");

/// Largest scenario file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Deepest `extends` chain accepted.
const MAX_EXTENDS_DEPTH: usize = 16;

/// Scenario files, for the shared input core.
pub(crate) const SCENARIO_FILE: FileKind = FileKind {
    noun: "scenario",
    max_bytes: MAX_FILE_BYTES,
    minimum: "a [scenario] table and one [[country]] (run `deter init` for a template)",
};

/// Read, validate and return a scenario file (following `extends`).
pub fn load_file(path: &Path) -> Result<Scenario, Diagnostics> {
    load_file_with_inputs(path).0
}

/// [`load_file`], also returning the warnings of a valid file and its `extends` bases
/// (`deter validate` prints them; they never stop a run).
pub fn load_file_with_warnings(path: &Path) -> Result<(Scenario, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::default();
    let s = load_chain_warn(path, &mut Vec::new(), &mut Vec::new(), false, &mut warnings)?;
    Ok((s, warnings))
}

/// The text of the scenario file `path`, read once (a pipe gives its bytes once), with the
/// scenario reader's faults for a file it cannot read.
pub fn read_scenario_text(path: &Path) -> Result<String, Diagnostics> {
    input::read_text(path, &path.display().to_string(), SCENARIO_FILE)
}

/// [`load_file_with_warnings`] of the text `src` already read from `path`
/// ([`read_scenario_text`]): `extends` is resolved beside `path`, as for the file read here.
pub fn load_text_with_warnings(
    path: &Path,
    src: &str,
) -> Result<(Scenario, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::default();
    let mut stack = vec![path.canonicalize().unwrap_or_else(|_| path.to_path_buf())];
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let shown = path.display().to_string();
    let s = read_source_at(
        src,
        &shown,
        &dir,
        &mut stack,
        &mut vec![path.to_path_buf()],
        &mut warnings,
        None,
    )?;
    Ok((s, warnings))
}

/// [`load_file`], also returning every file it read: `path` and its `extends` bases.
pub fn load_file_with_inputs(path: &Path) -> (Result<Scenario, Diagnostics>, Vec<PathBuf>) {
    let mut stack = Vec::new();
    let mut read = Vec::new();
    let result = load_chain(path, &mut stack, &mut read, false);
    (result, read)
}

/// [`load_file_with_inputs`], also returning the warnings of a valid file and its `extends`
/// bases: what `deter validate` prints, which `deter run` and `compare` print too.
/// `horizon`: the run's horizon when the caller gives one (`--horizon-years`, a program's
/// `horizon_years`): the warnings that depend on the horizon (a policy that starts after it
/// ends) are checked against the horizon actually used, and name it as the caller does;
/// `None`, the file's own `scenario.horizon_years`. The returned scenario keeps the file's
/// horizon (the caller applies the setting).
pub fn load_file_with_inputs_and_warnings(
    path: &Path,
    horizon: Option<GivenHorizon>,
) -> (Result<(Scenario, Diagnostics), Diagnostics>, Vec<PathBuf>) {
    let mut stack = Vec::new();
    let mut read = Vec::new();
    let mut warnings = Diagnostics::default();
    let result = load_chain_at(path, &mut stack, &mut read, false, &mut warnings, horizon);
    (result.map(|s| (s, warnings)), read)
}

/// Validate scenario text that has no `extends` (or whose `extends` is relative to the
/// current directory). `file` is the name used in diagnostics.
pub fn parse_str(src: &str, file: &str) -> Result<Scenario, Diagnostics> {
    read_source(src, file, Path::new("."), &mut Vec::new(), &mut Vec::new())
}

/// [`parse_str`] of a text that was the file `file` in the directory `dir`: its `extends`
/// are read relative to `dir`, as [`load_file`] reads them relative to the file's own
/// directory (`deter merge` rebuilding a scenario from a partial file's embedded text).
pub fn parse_str_in(src: &str, file: &str, dir: &Path) -> Result<Scenario, Diagnostics> {
    read_source(src, file, dir, &mut Vec::new(), &mut Vec::new())
}

/// [`parse_str`], also returning the warnings of a valid text (those `deter validate` prints
/// for the same file).
pub fn parse_str_with_warnings(
    src: &str,
    file: &str,
) -> Result<(Scenario, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::default();
    let s = read_source_at(
        src,
        file,
        Path::new("."),
        &mut Vec::new(),
        &mut Vec::new(),
        &mut warnings,
        None,
    )?;
    Ok((s, warnings))
}

/// [`parse_str_with_warnings`] for a run at `horizon` when one is given: the warnings
/// that depend on the horizon (a policy that starts after it ends) are checked against it, as
/// [`load_file_with_inputs_and_warnings`] checks a file's. The scenario keeps the text's horizon.
pub fn parse_str_with_warnings_at(
    src: &str,
    file: &str,
    horizon: Option<GivenHorizon>,
) -> Result<(Scenario, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::default();
    let s = read_source_at(
        src,
        file,
        Path::new("."),
        &mut Vec::new(),
        &mut Vec::new(),
        &mut warnings,
        horizon,
    )?;
    Ok((s, warnings))
}

/// Validate the bytes of a scenario file: size and UTF-8 are checked first, as for a file on
/// disk. `extends` is relative to the current directory.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Scenario, Diagnostics> {
    let src = input::decode(bytes, file, SCENARIO_FILE)?;
    read_source(&src, file, Path::new("."), &mut Vec::new(), &mut Vec::new())
}

/// Read a scenario named by another file (a sweep's `base`, a record's `case.scenario`): as
/// [`load_file`], except that if it is not TOML, nothing of its content is shown (see
/// [`load_chain`]). Also returns the base's warnings (those `deter validate` and `deter run`
/// give for it), checked against `horizon` when the caller gives one: a sweep and a
/// calibration print them once, before their own.
pub fn load_base_with_warnings(
    path: &Path,
    horizon: Option<GivenHorizon>,
) -> Result<(Scenario, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::default();
    let s = load_chain_at(
        path,
        &mut Vec::new(),
        &mut Vec::new(),
        true,
        &mut warnings,
        horizon,
    )?;
    Ok((s, warnings))
}

/// Read `path` and the chain of files it `extends`. A file named by another (`is_base`)
/// that is not TOML at all (`extends = "/etc/passwd"`) is reported without its content:
/// no excerpt, no key, no hint quoting its text.
fn load_chain(
    path: &Path,
    stack: &mut Vec<PathBuf>,
    read: &mut Vec<PathBuf>,
    is_base: bool,
) -> Result<Scenario, Diagnostics> {
    load_chain_warn(path, stack, read, is_base, &mut Diagnostics::default())
}

/// [`load_chain`], adding the warnings of every valid file of the chain to `warnings`.
fn load_chain_warn(
    path: &Path,
    stack: &mut Vec<PathBuf>,
    read: &mut Vec<PathBuf>,
    is_base: bool,
    warnings: &mut Diagnostics,
) -> Result<Scenario, Diagnostics> {
    load_chain_at(path, stack, read, is_base, warnings, None)
}

/// [`load_chain_warn`], checking the policies' dates against `horizon` (the caller's, named
/// as the caller names it) instead of the file's horizon when it is given.
fn load_chain_at(
    path: &Path,
    stack: &mut Vec<PathBuf>,
    read: &mut Vec<PathBuf>,
    is_base: bool,
    warnings: &mut Diagnostics,
    horizon: Option<GivenHorizon>,
) -> Result<Scenario, Diagnostics> {
    let shown = path.display().to_string();
    read.push(path.to_path_buf());
    let conceal = |e: Diagnostics| {
        if is_base {
            input::conceal_not_toml(e, &shown, "scenario")
        } else {
            e
        }
    };
    let src = input::read_text(path, &shown, SCENARIO_FILE).map_err(conceal)?;
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    stack.push(canonical);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let result = read_source_at(&src, &shown, &dir, stack, read, warnings, horizon)
        .map_err(conceal);
    stack.pop();
    result
}

fn read_source(
    src: &str,
    file: &str,
    dir: &Path,
    stack: &mut Vec<PathBuf>,
    read: &mut Vec<PathBuf>,
) -> Result<Scenario, Diagnostics> {
    read_source_at(src, file, dir, stack, read, &mut Diagnostics::default(), None)
}

fn read_source_at(
    src: &str,
    file: &str,
    dir: &Path,
    stack: &mut Vec<PathBuf>,
    read: &mut Vec<PathBuf>,
    warnings: &mut Diagnostics,
    horizon: Option<GivenHorizon>,
) -> Result<Scenario, Diagnostics> {
    let doc = input::parse(src, file, SCENARIO_FILE)?;
    let root = doc.get_ref();
    let mut reader = Reader(Input::new(file, src), horizon, Vec::new(), Vec::new());

    let base = match lookup(root, "extends") {
        None => None,
        Some(v) => {
            let Some(rel) = reader.string(v, "extends") else {
                return Err(reader.0.finish());
            };
            if rel.trim().is_empty() {
                // `dir.join("")` is the directory itself: it said "the base scenario `` is
                // not valid" over an unnamed file's "cannot read file".
                reader
                    .error(
                        v.span(),
                        "extends",
                        "expected the base scenario's file name, found an empty string".into(),
                    )
                    .help = Some(
                    "e.g. extends = \"western-balkans-2024.toml\" (relative to this file)".into(),
                );
                return Err(reader.0.finish());
            }
            let base_path = dir.join(&rel);
            let canonical = base_path
                .canonicalize()
                .unwrap_or_else(|_| base_path.clone());
            if stack.contains(&canonical) {
                reader.error(
                    v.span(),
                    "extends",
                    format!("`extends` cycle: `{rel}` is already being read"),
                );
                return Err(reader.0.finish());
            }
            if stack.len() >= MAX_EXTENDS_DEPTH {
                reader.error(
                    v.span(),
                    "extends",
                    format!("`extends` chain deeper than {MAX_EXTENDS_DEPTH} files"),
                );
                return Err(reader.0.finish());
            }
            // A base that is a pipe or a device (a FIFO, `/dev/stdin`, `/dev/zero`): `deter
            // run` reads a scenario's files twice (every file checked before any runs), and
            // a FIFO gives its text once, so the second read waited forever with nothing on
            // the screen. Refused here, in every command, as a command-line input is.
            if std::fs::metadata(&base_path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
                reader
                    .error(
                        v.span(),
                        "extends",
                        format!(
                            "expected the base scenario's file, found `{rel}`, which is not a \
                             regular file (a pipe, `<(...)` or a device): deter reads a base \
                             scenario more than once"
                        ),
                    )
                    .help = Some("save it to a file first and name that file".into());
                return Err(reader.0.finish());
            }
            match load_chain_at(&base_path, stack, read, true, warnings, horizon) {
                Ok(base) => Some(base),
                Err(inner) => {
                    let (span, what) = (v.span(), "the base scenario");
                    // A sweep, calibration or record file: said as what it is, once (it got
                    // the scenario reader's errors about each of its keys).
                    if let Some((noun, reader_words)) = super::kind::not_a_scenario(&base_path) {
                        reader
                            .error(
                                span,
                                "extends",
                                format!(
                                    "expected a base scenario, found `{rel}`, a {noun} file"
                                ),
                            )
                            .help = Some(format!(
                            "extends names a scenario file to build on; {reader_words}"
                        ));
                        return Err(reader.0.finish());
                    }
                    if !reader.unreadable_named(span.clone(), "extends", what, &rel, &base_path, &inner) {
                        reader.error(
                            span,
                            "extends",
                            format!(
                                "the base scenario `{rel}` (at `{}`) is not valid (see below)",
                                base_path.display()
                            ),
                        );
                        reader.diags.extend(inner.0);
                    }
                    return Err(reader.0.finish());
                }
            }
        }
    };

    // The switches the base turns on, for a `[model]` switch this file turns off.
    let base_on: Vec<&str> = base.as_ref().map_or(Vec::new(), |b| {
        GATES
            .iter()
            .map(|&(gate, ..)| gate)
            .filter(|gate| gate_on(b, gate))
            .collect()
    });
    let scenario = reader.scenario(root, doc.span(), base);
    if let Some(s) = &scenario {
        reader.check_switched_off(root, s, &base_on);
    }
    // Report this file's problems in the order of the file (the reader visits tables, not
    // lines); problems of a base file stay after the `extends` error that announces them.
    reader.diags.sort_by_key(|d| {
        if d.file == file {
            (0, d.line, d.col)
        } else {
            (1, 0, 0)
        }
    });
    let diags = reader.0.finish();
    match scenario {
        Some(s) if !diags.has_errors() => {
            // A base's warning that a gated `[model]` key changes nothing is false when this
            // overlay turns the switch on: in its `[model]`, or by a policy or prior of its
            // own (this file's own keys were judged on `s` already).
            drop_gated_warnings(&mut warnings.0, |gate| {
                s.get(gate) != 0.0 || switched_on(&s, gate)
            });
            rejudge_outside_capabilities(&mut warnings.0, &diags.0, &s);
            warnings.0.extend(diags.0);
            Ok(s)
        }
        _ => Err(diags),
    }
}

/// A base's warnings of an implausible power's or deployment's capability
/// ([`outside_capability_warning`]), judged again on the scenario the overlay makes (`s`):
/// dropped where the overlay writes the figure itself (its own warning, in `own`, speaks for
/// it) or where the figure is plausible beside the overlay's countries; said with the ratio
/// to the overlay's largest stock where that changed. (The base's warning was said of a
/// figure the overlay replaced.)
fn rejudge_outside_capabilities(base: &mut Vec<Diagnostic>, own: &[Diagnostic], s: &Scenario) {
    let largest = largest_capability(s);
    base.retain_mut(|w| {
        let Some((kind, id, cap)) = outside_capabilities(s).into_iter().find(|(k, id, _)| {
            w.message
                .starts_with(&outside_capability_words(&format!("{k}.{id}")))
        }) else {
            return true;
        };
        let words = outside_capability_words(&format!("{kind}.{id}"));
        if own.iter().any(|d| d.message.starts_with(&words)) {
            return false;
        }
        match outside_capability_warning(&format!("{kind}.{id}"), cap, largest) {
            Some(now) => {
                w.message = now.message;
                true
            }
            None => false,
        }
    });
}

fn key_span(t: &DeTable<'_>, key: &str) -> Option<Range<usize>> {
    t.iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(k, _)| k.span())
}

/// The scenario reader: the shared input core plus the scenario's keys and checks.
/// The input core over one file, and the horizon of the run when the caller gives one
/// (`--horizon-years`, a program's `horizon_years`), against which dated entries are checked.
/// The last field: the powers' ids this file defines, at their spans (a country's id that
/// is a power's points at the power's).
struct Reader<'a>(
    Input<'a>,
    Option<GivenHorizon>,
    Vec<Dropped>,
    Vec<(String, Range<usize>)>,
);

/// A rivalry left out of the scenario after its fault was reported (an unknown challenger
/// or target, the same country on both sides, `rivalry` not an array of tables): a
/// parameter path that names it (`rivalry.AZE-ARM.monitoring` in a policy change) would not
/// resolve for that one reason, and is not reported again (the root cause is said once).
enum Dropped {
    /// Every rivalry (`rivalry` is not an array of tables, or an entry not a table).
    Every,
    /// The rivalry with this explicit id.
    Id(String),
    /// A rivalry without an explicit id, whose id would have been `CHALLENGER-TARGET`: any
    /// id starting `CHALLENGER-` or ending `-TARGET`, as written in the file.
    Sides(Option<String>, Option<String>),
}

impl Dropped {
    fn covers(&self, id: &str) -> bool {
        match self {
            Dropped::Every => true,
            Dropped::Id(x) => x == id,
            Dropped::Sides(c, t) => {
                c.as_ref()
                    .is_some_and(|c| id.starts_with(&format!("{c}-")))
                    || t.as_ref().is_some_and(|t| id.ends_with(&format!("-{t}")))
            }
        }
    }
}

impl<'a> Deref for Reader<'a> {
    type Target = Input<'a>;
    fn deref(&self) -> &Input<'a> {
        &self.0
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

const TOP_KEYS: &[&str] = &[
    "extends",
    "scenario",
    "model",
    "power",
    "country",
    "alliance",
    "deployment",
    "rivalry",
    "policy",
    "uncertain",
];
/// The keys of a scenario file's `[scenario]` table.
pub(crate) const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "start",
    "horizon_years",
    "runs",
    "seed",
    "currency",
];
const POWER_KEYS: &[&str] = &["id", "name"];
const COUNTRY_KEYS: &[&str] = &["id", "name", "status", "military", "political", "economic"];
const ALLIANCE_KEYS: &[&str] = &["id", "name", "members", "collective_procurement"];
const DEPLOYMENT_KEYS: &[&str] = &["id", "name", "host", "contributors"];
const RIVALRY_KEYS: &[&str] = &["id", "challenger", "target"];
const POLICY_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "start",
    "enabled",
    "ramp_years",
    "changes",
    "join",
];
const CHANGE_KEYS: &[&str] = &["path", "set", "add", "scale", "name"];
const JOIN_KEYS: &[&str] = &["alliance", "member"];

/// Largest number of entities of one kind (countries, rivalries...) in a scenario.
pub const MAX_ENTITIES: usize = input::MAX_ENTRIES;

impl<'a> Reader<'a> {
    fn id(&mut self, v: &Val<'_>, path: &str) -> Option<String> {
        self.0.id(v, path)
    }

    /// A number in the range of `spec`, the parameter whose path (as `--set`, policies and
    /// sweeps write it) is `target`. Out of range: "expected a number in [MIN, MAX] (UNIT),
    /// found LITERAL" with the help line "`TARGET`: DOC", the message of the same fault in
    /// every file kind and `--set`.
    fn number(
        &mut self,
        v: &Val<'_>,
        path: &str,
        spec: &FieldSpec,
        target: &str,
    ) -> Option<f64> {
        self.0.parameter(v, path, target, spec)
    }

    fn year_month(&mut self, v: &Val<'_>, path: &str) -> Option<YearMonth> {
        let expected = "a date as \"YYYY-MM\", a year such as 2025, or a TOML date";
        let ym = match v.get_ref() {
            DeValue::String(s) => {
                // Digits only, as the record's dates: `parse` alone also took " 2025", "+2025",
                // "2025-+1" and "2025-1".
                let digits = |x: &str, n: usize| x.len() == n && x.bytes().all(|b| b.is_ascii_digit());
                let mut it = s.splitn(2, '-');
                let y = it.next().filter(|y| digits(y, 4)).and_then(|y| y.parse::<i32>().ok());
                let m = match it.next() {
                    Some(m) if digits(m, 2) => m.parse::<u32>().ok(),
                    Some(_) => None,
                    None => Some(1),
                };
                match (y, m) {
                    (Some(year), Some(month)) => Some(YearMonth { year, month }),
                    _ => None,
                }
            }
            DeValue::Integer(i) => input::integer_value(i.as_str(), i.radix())
                .and_then(|y| i32::try_from(y).ok())
                .map(|year| YearMonth { year, month: 1 }),
            DeValue::Datetime(d) => d.date.map(|d| YearMonth {
                year: d.year as i32,
                month: d.month as u32,
            }),
            _ => None,
        };
        match ym {
            Some(ym) if (1900..=2300).contains(&ym.year) && (1..=12).contains(&ym.month) => {
                Some(ym)
            }
            _ => {
                let found = match v.get_ref() {
                    DeValue::String(s) => format!("\"{s}\""),
                    DeValue::Integer(_) | DeValue::Float(_) | DeValue::Datetime(_) => {
                        self.literal(v.span())
                    }
                    other => other.type_str().to_string(),
                };
                // A whole date in quotes ("2025-01-01") is a string, not the TOML date the
                // message offers: say how the date is written.
                let quoted_date = match v.get_ref() {
                    DeValue::String(s) => s
                        .parse::<toml::value::Datetime>()
                        .ok()
                        .and_then(|d| d.date)
                        .filter(|d| (1900..=2300).contains(&d.year)),
                    _ => None,
                };
                let key = path.rsplit('.').next().unwrap_or(path);
                let d = self.error(
                    v.span(),
                    path,
                    format!("expected {expected} (years 1900-2300), found {found}"),
                );
                if let Some(date) = quoted_date {
                    d.help = Some(format!(
                        "a TOML date is written without quotes: `{key} = {}`; or the month in \
                         quotes: `{key} = \"{:04}-{:02}\"`",
                        v.get_ref().as_str().unwrap_or_default(),
                        date.year,
                        date.month
                    ));
                }
                None
            }
        }
    }

    /// Read the numeric keys of a parameter block into `block`. Keys not present keep the
    /// block's current value (a default, or the base scenario's value in an overlay).
    /// For a new entity, a missing `Required` key is an error. Returns the keys given.
    /// `target`: the block's parameter path prefix (`country.XKX.military`), for messages.
    fn block<B: ParamBlock>(
        &mut self,
        t: &DeTable<'_>,
        path: &str,
        target: &str,
        header: Range<usize>,
        block: &mut B,
        is_new: bool,
    ) -> Vec<&'static str> {
        let mut given = Vec::new();
        for (i, spec) in B::fields().iter().enumerate() {
            match lookup(t, spec.key) {
                Some(v) => {
                    if let Some(x) = self.number(v, &join(path, spec.key), spec, &join(target, spec.key)) {
                        *block.slot(i) = x;
                        given.push(spec.key);
                    }
                }
                None if is_new && spec.default == ParamDefault::Required => {
                    self.error(
                        header.clone(),
                        &join(path, spec.key),
                        format!("missing required key `{}`", spec.key),
                    )
                    .help = Some(format!(
                        "add `{} = ...`, {}: {}",
                        spec.key,
                        spec.expected(),
                        spec.doc.trim()
                    ));
                }
                None => {}
            }
        }
        given
    }

    fn keys_of(fields: &[FieldSpec], extra: &[&'static str]) -> Vec<&'static str> {
        extra
            .iter()
            .copied()
            .chain(fields.iter().map(|f| f.key))
            .collect()
    }

    fn required_id(&mut self, t: &DeTable<'_>, path: &str, span: Range<usize>) -> Option<String> {
        match lookup(t, "id") {
            Some(v) => self.id(v, &join(path, "id")),
            None => {
                self.error(span, &join(path, "id"), "missing required key `id`".into())
                    .help = Some("every entry needs a unique `id`, e.g. id = \"SRB\"".into());
                None
            }
        }
    }

    fn optional_string(&mut self, t: &DeTable<'_>, key: &str, path: &str) -> Option<String> {
        lookup(t, key).and_then(|v| match key {
            "name" | "currency" => self.label(v, &join(path, key)),
            "description" => self.prose(v, &join(path, key)),
            _ => self.string(v, &join(path, key)),
        })
    }

    /// Resolve an id to a country or power, reporting unknown ids with a did-you-mean.
    fn actor_ref(
        &mut self,
        v: &Val<'_>,
        path: &str,
        s: &Scenario,
        countries_only: bool,
    ) -> Option<Actor> {
        // A country's or power's name given for its id (`Հայաստան` for `ARM`), whether or
        // not it could be an id: pointed to the id.
        let named = |word: &str| {
            let word = word.to_lowercase();
            s.countries
                .iter()
                .map(|c| (&c.name, &c.id))
                .chain(
                    s.powers
                        .iter()
                        .filter(|_| !countries_only)
                        .map(|p| (&p.name, &p.id)),
                )
                .find(|(name, id)| {
                    !name.is_empty() && name.to_lowercase() == word && id.to_lowercase() != word
                })
                .map(|(name, id)| (name.clone(), id.clone()))
        };
        if let Some(word) = v.get_ref().as_str()
            && s.actor(word).is_none()
            && let Some((name, i)) = named(word)
        {
            let what = if countries_only { "country" } else { "country or power" };
            let is = if name == word { "is" } else { "is, but for case," };
            self.error(v.span(), path, format!("expected a {what} id, found `{word}`, a name"))
                .help = Some(format!(
                "`{word}` {is} the name `{name}` of `{i}`: refer to it by its id, `{i}`"
            ));
            return None;
        }
        let id = self.id(v, path)?;
        let found = if countries_only {
            s.country_index(&id).map(Actor::Country)
        } else {
            s.actor(&id)
        };
        // Without any country read (none given, or `country` refused: over the limit of
        // entries, not an array of tables) that fault is reported at `country`: every id
        // would be unknown for that one reason (10,002 countries gave 10,002 more errors).
        if found.is_none() && !s.countries.is_empty() {
            let mut ids: Vec<String> = s.countries.iter().map(|c| c.id.clone()).collect();
            if !countries_only {
                ids.extend(s.powers.iter().map(|p| p.id.clone()));
            }
            let what = if countries_only {
                "country"
            } else {
                "country or power"
            };
            let help = match closest(&id, &ids) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("known ids: {}", ids.join(", ")),
            };
            self.error(v.span(), path, format!("unknown {what} id `{id}`"))
                .help = Some(help);
        }
        found
    }

    fn actor_list(
        &mut self,
        t: &DeTable<'_>,
        key: &str,
        path: &str,
        s: &Scenario,
    ) -> Option<Vec<Actor>> {
        let v = lookup(t, key)?;
        let p = join(path, key);
        let arr = self.array(v, &p, "an array of ids")?;
        let mut out = Vec::new();
        for (i, item) in arr.iter().enumerate() {
            if let Some(a) = self.actor_ref(item, &format!("{p}[{i}]"), s, false) {
                if out.contains(&a) {
                    self.error(
                        item.span(),
                        &format!("{p}[{i}]"),
                        format!("`{}` is listed twice", s.actor_id(a)),
                    );
                } else {
                    out.push(a);
                }
            }
        }
        Some(out)
    }

    /// The header of an entry of an array of tables: unknown keys, its required `id`, and
    /// duplicates among the entries seen so far. Returns the id and its span.
    fn entry_id(
        &mut self,
        t: &DeTable<'_>,
        path: &str,
        span: Range<usize>,
        allowed: &[&str],
        seen: &mut Vec<(String, Range<usize>)>,
    ) -> Option<(String, Range<usize>)> {
        self.check_keys(t, path, allowed);
        let id = self.required_id(t, path, span.clone())?;
        let id_span = lookup(t, "id").map(|v| v.span()).unwrap_or(span);
        if !self.check_duplicate(seen, &id, id_span.clone(), &format!("{path}.id"), |line| {
            format!("duplicate id `{id}` (first defined on line {line})")
        }) {
            return None;
        }
        Some((id, id_span))
    }

    /// Errors said so far in this file.
    fn errors(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == super::diagnostic::Severity::Error)
            .count()
    }

    /// An overlay's entry of `kind` whose `id` is none of its base's (`base_ids`), refused for
    /// what it lacks (errors said since `errors_before`: a new entry needs its required keys)
    /// while its id is close to one of the base's: the id it likely meant, as an unknown id
    /// anywhere else is said with its did-you-mean. An entry with a new id adds an entity, so
    /// the misspelt id alone was said only as the keys a new one lacks.
    fn new_id_meant(
        &mut self,
        (kind, id, id_span, path): (&str, &str, Range<usize>, &str),
        base_ids: &[String],
        errors_before: usize,
    ) {
        if self.errors() == errors_before {
            return;
        }
        let Some(meant) = closest(id, base_ids) else {
            return;
        };
        self.error(
            id_span,
            &format!("{path}.id"),
            format!(
                "no {kind} `{id}` in the base scenario: this entry adds a new {kind}, which lacks what a new one needs"
            ),
        )
        .help = Some(format!(
            "did you mean `{meant}`? (an overlay's entry with an id of its base changes that {kind})"
        ));
    }

    fn scenario(
        &mut self,
        root: &DeTable<'_>,
        root_span: Range<usize>,
        base: Option<Scenario>,
    ) -> Option<Scenario> {
        self.check_keys(root, "", TOP_KEYS);
        let is_overlay = base.is_some();
        let mut s = base.unwrap_or_else(|| Scenario {
            meta: Meta {
                name: String::new(),
                description: String::new(),
                start: YearMonth {
                    year: 2025,
                    month: 1,
                },
                horizon_years: 10,
                runs: 10_000,
                seed: 1,
                currency: "USD bn (current)".into(),
                runs_given: false,
                seed_given: false,
            },
            model: ModelParams::defaults(),
            powers: Vec::new(),
            countries: Vec::new(),
            alliances: Vec::new(),
            deployments: Vec::new(),
            rivalries: Vec::new(),
            policies: Vec::new(),
            uncertain: Vec::new(),
        });

        self.meta(root, root_span.clone(), &mut s.meta, is_overlay);
        if let Some(v) = lookup(root, "model")
            && let Some(t) = self.table(v, "model")
        {
            self.check_keys(t, "model", &Self::keys_of(ModelParams::FIELDS, &[]));
            self.block(t, "model", "model", v.span(), &mut s.model, false);
        }
        self.powers(root, &mut s);
        let errors_before = self.diags.len();
        self.countries(root, &mut s);
        // When [[country]] entries were given but none was valid, their errors say why.
        if s.countries.is_empty() && self.diags.len() == errors_before {
            self.error(
                0..0,
                "country",
                "no countries: a scenario needs at least one [[country]]".into(),
            );
        }
        self.alliances(root, &mut s);
        self.deployments(root, &mut s);
        self.rivalries(root, &mut s);
        // Valid, but nothing can happen: every outcome is 0 and no balance exists. Said once,
        // by the file that starts the chain of `extends` (an overlay cannot remove a rivalry).
        let refused = self
            .diags
            .iter()
            .any(|d| d.severity == super::diagnostic::Severity::Error);
        if s.rivalries.is_empty() && !is_overlay && !refused {
            self.warn(
                0..0,
                "rivalry",
                "no rivalry: no crisis can happen; every event's probability is 0 (deterrence holds in every run)".into(),
            )
            .help = Some(
                "add a [[rivalry]] table with its challenger and target, e.g. challenger = \"SRB\" and target = \"XKX\""
                    .into(),
            );
        }
        s.derive();
        self.check_outside_capability(root, &s);
        let gated_changes = self.policies(root, &mut s);
        self.check_policy_currency(root, &s);
        self.check_bare_ties(root, &s);
        let priors = self.uncertain(root, &mut s);
        self.check_gated_keys_inert(root, &s, &gated_changes, &priors);
        self.check_resolve_with_restraint(root, &s);
        Some(s)
    }

    /// Refuse the protectors' private resolve (`model.resolve_spread` > 0) with alliance
    /// restraint (`model.protector_restraint` > 0) in the scenario's `[model]` (this file's or
    /// its base's): with restraint the protectors move at the display, before the
    /// challenger's use of force, and the challenger would learn of their resolve from that
    /// move, a belief fixed point the model does not solve (docs/MODEL.md 7.7); and the
    /// protectors' two moves with their one move at the attack (`model.protector_moves_twice`
    /// and `model.commitment_at_attack`), alternative trees. Said at the key this file writes,
    /// the spread's (the two moves') first.
    fn check_resolve_with_restraint(&mut self, root: &DeTable<'_>, s: &Scenario) {
        let Some((keys, change, fault)) = refused_pair_reached(s) else {
            return;
        };
        let (message, help) = fault;
        // A policy's change that reaches it, where this file writes it.
        if let Some((p, j)) = change
            && let Some((i, span)) = policy_change_span(root, &s.policies[p].id, j)
        {
            let at = format!("policy[{i}].changes[{j}].path");
            self.error(span, &at, message).help = Some(help);
            return;
        }
        let model = lookup(root, "model").and_then(|v| v.get_ref().as_table());
        let (key, span) = keys
            .into_iter()
            .find_map(|k| model.and_then(|t| lookup(t, k)).map(|v| (k, v.span())))
            .unwrap_or((keys[0], 0..0));
        self.error(span, &format!("model.{key}"), message).help = Some(help);
    }

    /// Warn about each tie this file gives a country to an outside power that carries nothing:
    /// the power has no forces in theatre and replaces no trade (`in_theatre` and
    /// `substitution` 0, and no enabled policy changes either) and is in no pact and no
    /// deployment. Such a tie is inert: the runs are bit for bit those without it
    /// (`engine::relevance::tie_carries`), whatever the power's values, and a sweep of them
    /// is said to change nothing.
    fn check_bare_ties(&mut self, root: &DeTable<'_>, s: &Scenario) {
        // Read again for the spans: only a file without errors (whose errors were said once).
        if self
            .diags
            .iter()
            .any(|d| d.severity == super::diagnostic::Severity::Error)
        {
            return;
        }
        for (i, t, _) in self.entries(root, "country") {
            let Some(id) = lookup(t, "id").and_then(|v| v.get_ref().as_str().map(str::to_string))
            else {
                continue;
            };
            let Some(ci) = s.country_index(&id) else {
                continue;
            };
            let Some(ties) = lookup(t, "political")
                .and_then(|v| v.get_ref().as_table())
                .and_then(|pt| lookup(pt, "ties"))
                .and_then(|v| v.get_ref().as_table())
            else {
                continue;
            };
            for (k, val) in ties.iter() {
                let key = k.get_ref().as_ref();
                let Some(pi) = s.power_index(key) else {
                    continue;
                };
                let tie = s.countries[ci].ties.get(pi).copied().unwrap_or(0.0);
                if tie == 0.0 || crate::engine::relevance::tie_carries(s, pi, &[]) {
                    continue;
                }
                // A power the scenario links otherwise (a pact, a force it contributes to)
                // is read there; only a power whose ties are its only link is flagged, whose
                // every value is then inert.
                let actor = Actor::Power(pi);
                let linked = s.alliances.iter().any(|a| a.members.contains(&actor))
                    || s.policies.iter().any(|x| x.enabled && !x.joins.is_empty())
                    || s.deployments.iter().any(|d| d.contributors.contains(&actor));
                if linked {
                    continue;
                }
                self.warn(
                    val.span(),
                    &format!("country[{i}].political.ties.{key}"),
                    format!(
                        "the tie of `{id}` to `{key}` is inert: `{key}` has nothing in theatre (`in_theatre` 0) and replaces no trade (`substitution` 0), so no value of the tie changes an outcome"
                    ),
                )
                .help = Some(format!(
                    "give power `{key}` an `in_theatre` share (its forces that help `{id}` through the tie) or a `substitution` share, or remove the tie; a pact or a deployment brings a distant power in without forces in theatre"
                ));
            }
        }
    }

    /// `[[uncertain]]`: priors over parameter paths, read by the sweep's parameter reader
    /// (same keys, distributions, ranges and messages; no `role`, no grid `levels`). An
    /// overlay's entry replaces its base's entry for the same path.
    /// Read this file's `[[uncertain]]` priors into `s`; returns each prior read (its target,
    /// the span of its `path` and the key path `uncertain[i].path`) for the warnings.
    fn uncertain(
        &mut self,
        root: &DeTable<'_>,
        s: &mut Scenario,
    ) -> Vec<(ParamRef, Range<usize>, String)> {
        use crate::sweep::spec::{Usage, read_parameter};
        let mut read = Vec::new();
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        for (i, t, span) in self.entries(root, "uncertain") {
            let p = format!("uncertain[{i}]");
            let Some(parameter) =
                read_parameter(&mut self.0, t, span.clone(), &p, s, Usage::Uncertain)
            else {
                continue;
            };
            let at = lookup(t, "path").map_or(span, |v| v.span());
            let path = parameter.path.clone();
            let at_path = at.clone();
            let fresh = self.check_duplicate(&mut seen, &path, at, &format!("{p}.path"), |line| {
                format!(
                    "`{path}` already has a prior (line {line}): one [[uncertain]] per parameter"
                )
            });
            if !fresh {
                continue;
            }
            // A dated policy that changes the parameter replaces each draw from its start on,
            // as it replaces a value `--set` or a sweep gives it: the one warning of
            // `overrides::policy_resets`, at the prior's path.
            for (message, help) in super::overrides::policy_resets(
                s,
                parameter.target,
                &path,
                self.1.map(|h| h.years),
                super::overrides::PRIOR_RESET,
            ) {
                self.warn(at_path.clone(), &format!("{p}.path"), message).help = Some(help);
            }
            read.push((parameter.target, at_path.clone(), format!("{p}.path")));
            let written_at = super::WrittenAt(Some(Box::new(Diagnostic::at(
                self.file,
                self.src,
                at_path,
                &format!("{p}.path"),
                String::new(),
            ))));
            let u = super::Uncertain {
                path: path.clone(),
                parameter,
                written_at,
            };
            match s.uncertain.iter().position(|x| x.path == path) {
                Some(k) => s.uncertain[k] = u,
                None => s.uncertain.push(u),
            }
        }
        // Priors that reach the private resolve with restraint, refused as the file's
        // `[model]` and `--set` refuse them: at the last prior of either.
        let priors: Vec<_> = s.uncertain.iter().map(|u| u.parameter.clone()).collect();
        if let Some((i, message, help)) =
            crate::sweep::spec::refused_pair_reached_by(s, &priors)
            && let Some((_, at, key)) = read.iter().find(|(t, _, _)| *t == priors[i].target)
        {
            self.error(at.clone(), key, message).help = Some(help);
        }
        read
    }

    fn meta(
        &mut self,
        root: &DeTable<'_>,
        root_span: Range<usize>,
        m: &mut Meta,
        is_overlay: bool,
    ) {
        let Some(v) = lookup(root, "scenario") else {
            if !is_overlay {
                self.error(
                    root_span.start..root_span.start,
                    "scenario",
                    "missing the [scenario] table".into(),
                )
                .help = Some("add [scenario] with at least name = \"...\"".into());
            }
            return;
        };
        let Some(t) = self.table(v, "scenario") else {
            return;
        };
        self.check_keys(t, "scenario", SCENARIO_KEYS);
        match lookup(t, "name") {
            Some(n) => {
                if let Some(name) = self.label(n, "scenario.name") {
                    if name.trim().is_empty() || crate::output::reads_as_missing(&name) {
                        self.error(
                            n.span(),
                            "scenario.name",
                            format!(
                                "expected a name, found \"{name}\", which pandas and R read as \
                                 a missing value in CSV output"
                            ),
                        )
                        .help = Some("a descriptive name, e.g. \"Western Balkans 2024\"".into());
                    } else {
                        m.name = name;
                    }
                }
            }
            None if !is_overlay => {
                self.error(
                    v.span(),
                    "scenario.name",
                    "missing required key `name`".into(),
                );
            }
            None => {}
        }
        if let Some(d) = self.optional_string(t, "description", "scenario") {
            m.description = d;
        }
        if let Some(c) = self.optional_string(t, "currency", "scenario") {
            if c.trim().is_empty() {
                // It labels every money figure: "GDP lost ()" said nothing.
                let span = lookup(t, "currency").map_or(v.span(), |x| x.span());
                self.error(
                    span,
                    "scenario.currency",
                    format!("expected a currency unit, found \"{c}\""),
                )
                .help = Some(
                    "name the unit of every budget, GDP and capability, e.g. \"USD bn (current)\", \
                     or leave the key out for that default"
                        .into(),
                );
            } else {
                m.currency = c;
            }
        }
        if let Some(v) = lookup(t, "start")
            && let Some(ym) = self.year_month(v, "scenario.start")
        {
            m.start = ym;
        }
        if let Some(v) = lookup(t, "horizon_years")
            && let Some(h) = self.unsigned(
                v,
                "scenario.horizon_years",
                u64::from(crate::settings::MIN_HORIZON_YEARS),
                u64::from(crate::settings::MAX_HORIZON_YEARS),
            )
        {
            m.horizon_years = h as u32;
        }
        if let Some(v) = lookup(t, "runs")
            && let Some(r) = self.unsigned(v, "scenario.runs", 1, crate::MAX_RUNS)
        {
            m.runs = r;
            m.runs_given = true;
        }
        if let Some(v) = lookup(t, "seed")
            && let Some(x) = self.unsigned(v, "scenario.seed", 0, i64::MAX as u64)
        {
            m.seed = x;
            m.seed_given = true;
        }
    }

    fn powers(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let allowed = Self::keys_of(PowerParams::FIELDS, POWER_KEYS);
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        let base_ids: Vec<String> = s.powers.iter().map(|p| p.id.clone()).collect();
        for (i, t, span) in self.entries(root, "power") {
            let path = format!("power[{i}]");
            let Some((id, id_span)) = self.entry_id(t, &path, span.clone(), &allowed, &mut seen)
            else {
                continue;
            };
            let errors_before = self.errors();
            let name = self.optional_string(t, "name", &path);
            match s.power_index(&id) {
                Some(k) => {
                    let p = &mut s.powers[k];
                    if let Some(n) = name {
                        p.name = n;
                    }
                    self.block(t, &path, &format!("power.{id}"), span, &mut p.params, false);
                }
                None => {
                    let mut params = PowerParams::defaults();
                    self.block(t, &path, &format!("power.{id}"), span, &mut params, true);
                    self.new_id_meant(("power", &id, id_span, &path), &base_ids, errors_before);
                    s.powers.push(OutsidePower {
                        name: name.unwrap_or_else(|| id.clone()),
                        id,
                        params,
                    });
                    for c in &mut s.countries {
                        c.ties.push(0.0);
                    }
                }
            }
        }
        self.3 = seen;
    }

    fn countries(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        let base_ids: Vec<String> = s.countries.iter().map(|c| c.id.clone()).collect();
        for (i, t, span) in self.entries(root, "country") {
            let path = format!("country[{i}]");
            let Some((id, id_span)) =
                self.entry_id(t, &path, span.clone(), COUNTRY_KEYS, &mut seen)
            else {
                continue;
            };
            let errors_before = self.errors();
            if s.power_index(&id).is_some() {
                // Ids are unique among powers and countries: said as a duplicate id is, with
                // the power's definition when this file has it (an overlay's base may).
                match self.3.iter().find(|(p, _)| *p == id).map(|(_, sp)| sp.clone()) {
                    Some(first) => {
                        let line = super::diagnostic::line_col(self.src, first.start).0;
                        let d = Diagnostic::at(
                            self.file,
                            self.src,
                            id_span,
                            &format!("{path}.id"),
                            format!(
                                "`{id}` is already the id of a power (first defined on line \
                                 {line})"
                            ),
                        )
                        .with_note_at(self.src, first, "first defined here");
                        self.diags.push(d);
                    }
                    None => {
                        self.error(
                            id_span,
                            &format!("{path}.id"),
                            format!("`{id}` is already the id of a power"),
                        );
                    }
                }
                continue;
            }
            let existing = s.country_index(&id);
            let is_new = existing.is_none();
            let mut c = match existing {
                Some(k) => s.countries[k].clone(),
                None => Country {
                    id: id.clone(),
                    name: id.clone(),
                    status: Status::None,
                    military: MilitaryParams::defaults(),
                    political: PoliticalParams::defaults(),
                    ties: vec![0.0; s.powers.len()],
                    economic: EconomicParams::defaults(),
                    budget_share_given: false,
                    capability_given: false,
                },
            };
            if let Some(n) = self.optional_string(t, "name", &path) {
                c.name = n;
            }
            if let Some(v) = lookup(t, "status") {
                let p = format!("{path}.status");
                if let Some(st) = self.string(v, &p) {
                    match Status::ALL.iter().find(|(k, _)| *k == st) {
                        Some((_, status)) => c.status = *status,
                        None => {
                            let names: Vec<String> =
                                Status::ALL.iter().map(|(k, _)| k.to_string()).collect();
                            let help = closest(&st, &names)
                                .map(|x| format!("did you mean `{x}`?"))
                                .unwrap_or_else(|| format!("one of: {}", names.join(", ")));
                            self.error(v.span(), &p, format!("unknown status `{st}`"))
                                .help = Some(help);
                        }
                    }
                }
            }
            // For a new country, military (budget) and economic (gdp) are required.
            let mil_path = format!("{path}.military");
            match lookup(t, "military") {
                Some(v) => {
                    if let Some(mt) = self.table(v, &mil_path) {
                        self.check_keys(mt, &mil_path, &Self::keys_of(MilitaryParams::FIELDS, &[]));
                        let given = self.block(
                            mt,
                            &mil_path,
                            &format!("country.{id}.military"),
                            v.span(),
                            &mut c.military,
                            is_new,
                        );
                        c.budget_share_given |= given.contains(&"budget_share");
                        c.capability_given |= given.contains(&"capability");
                    }
                }
                None if is_new => {
                    self.error(
                        span.clone(),
                        &mil_path,
                        "missing required table [country.military]".into(),
                    )
                    .help = Some("add a [country.military] table with at least `budget`".into());
                }
                None => {}
            }
            let pol_path = format!("{path}.political");
            if let Some(v) = lookup(t, "political")
                && let Some(pt) = self.table(v, &pol_path)
            {
                self.check_keys(
                    pt,
                    &pol_path,
                    &Self::keys_of(PoliticalParams::FIELDS, &["ties"]),
                );
                self.block(
                    pt,
                    &pol_path,
                    &format!("country.{id}.political"),
                    v.span(),
                    &mut c.political,
                    false,
                );
                if let Some(tv) = lookup(pt, "ties") {
                    let ties_path = format!("{pol_path}.ties");
                    if let Some(tt) = self.table(tv, &ties_path) {
                        for (k, val) in tt.iter() {
                            let key = k.get_ref().as_ref();
                            let p = format!("{ties_path}.{key}");
                            match s.power_index(key) {
                                Some(pi) => {
                                    let spec = ParamRef::Tie {
                                        country: 0,
                                        power: 0,
                                    }
                                    .spec();
                                    let tp = format!("country.{id}.political.ties.{key}");
                                    if let Some(x) = self.number(val, &p, &spec, &tp) {
                                        c.ties[pi] = x;
                                    }
                                }
                                None => {
                                    let ids: Vec<String> =
                                        s.powers.iter().map(|p| p.id.clone()).collect();
                                    let help = closest(key, &ids)
                                        .map(|x| format!("did you mean `{x}`?"))
                                        .unwrap_or_else(|| {
                                            format!(
                                                "ties name outside powers; known: {}",
                                                ids.join(", ")
                                            )
                                        });
                                    self.error(k.span(), &p, format!("unknown power id `{key}`"))
                                        .help = Some(help);
                                }
                            }
                        }
                    }
                }
            }
            let eco_path = format!("{path}.economic");
            match lookup(t, "economic") {
                Some(v) => {
                    if let Some(et) = self.table(v, &eco_path) {
                        self.check_keys(et, &eco_path, &Self::keys_of(EconomicParams::FIELDS, &[]));
                        self.block(
                            et,
                            &eco_path,
                            &format!("country.{id}.economic"),
                            v.span(),
                            &mut c.economic,
                            is_new,
                        );
                    }
                }
                None if is_new => {
                    self.error(
                        span.clone(),
                        &eco_path,
                        "missing required table [country.economic]".into(),
                    )
                    .help = Some("add a [country.economic] table with at least `gdp`".into());
                }
                None => {}
            }
            self.check_currency(t, &path, span.clone(), &c);
            if is_new {
                let at = ("country", id.as_str(), id_span, path.as_str());
                self.new_id_meant(at, &base_ids, errors_before);
            }
            if is_new && s.countries.len() >= MAX_ENTITIES {
                self.error(span, &path, format!("more than {MAX_ENTITIES} countries"));
                continue;
            }
            match existing {
                Some(k) => s.countries[k] = c,
                None => s.countries.push(c),
            }
        }
    }

    /// Warn about a `[model]` key written away from its default while the key that switches
    /// its term on is 0: the model reads it only when that term is on (docs/MODEL.md, the
    /// parameter tables), so the value changes nothing. The same of a policy of this file
    /// that changes such a key (`changes` in `gated`, with the span of its `path`): it
    /// changes nothing either. Neither is said when a policy sets the switch (`set` or `add`,
    /// whatever the magnitude, which `--set` or a sweep may vary) or a prior draws it: the
    /// key is then read. One table for every such pair, [`GATES`].
    fn check_gated_keys_inert(
        &mut self,
        root: &DeTable<'_>,
        s: &Scenario,
        gated: &[GatedChange],
        priors: &[(ParamRef, Range<usize>, String)],
    ) {
        let m = &s.model;
        let d = ModelParams::defaults();
        let value = |p: &ModelParams, key: &str| {
            p.get(ModelParams::index_of(key).expect("a key of the table of gates"))
        };
        let model = lookup(root, "model").and_then(|v| v.get_ref().as_table());
        for &(gate, when, example, keys) in GATES {
            if value(m, gate) != 0.0 || gate_switched_on(s, gate) {
                continue;
            }
            for &key in keys {
                if let Some(t) = model
                    && value(m, key) != value(&d, key)
                    && let Some(v) = lookup(t, key)
                {
                    self.warn(
                        v.span(),
                        &format!("model.{key}"),
                        format!(
                            "`model.{key}` is read only when {when}: with `model.{gate}` 0 it changes nothing"
                        ),
                    )
                    .help = Some(format!(
                        "set `{gate}` in [model] above 0 (e.g. {example}, or remove this key"
                    ));
                }
                for c in gated.iter().filter(|c| c.key == key) {
                    let (message, help) = policy_gated_warning(&c.id, &c.name, key, gate, when, example);
                    self.warn(c.span.clone(), &c.at, message).help = Some(help);
                }
                // A prior of this file on the key: its draws change nothing either.
                let target = ModelParams::index_of(key).map(ParamRef::Model);
                for (_, span, at) in priors.iter().filter(|(t, ..)| Some(*t) == target) {
                    self.warn(
                        span.clone(),
                        at,
                        format!(
                            "this prior draws `model.{key}`, which is read only when {when}: with \
                             `model.{gate}` 0 and no policy or prior setting it, the draws change nothing"
                        ),
                    )
                    .help = Some(format!(
                        "set `{gate}` in [model] above 0 (e.g. {example}, or draw it with a \
                         prior too, or remove this prior"
                    ));
                }
            }
        }
    }

    /// A switch of [`GATES`] the base turns on (`base_on`) and this file's `[model]` turns
    /// off (and no policy or prior of the scenario turns on again): each gated key the base
    /// sets away from its default, not written in this file, changes nothing. Warned at the
    /// switch in the words of [`Self::check_gated_keys_inert`] (a key this file writes is
    /// warned there, at the key).
    fn check_switched_off(&mut self, root: &DeTable<'_>, s: &Scenario, base_on: &[&str]) {
        let Some(model) = lookup(root, "model").and_then(|v| v.get_ref().as_table()) else {
            return;
        };
        let d = ModelParams::defaults();
        for &(gate, when, example, keys) in GATES {
            if !base_on.contains(&gate) || gate_on(s, gate) {
                continue;
            }
            let Some(switch) = lookup(model, gate) else {
                continue;
            };
            for &key in keys {
                let Some(i) = ModelParams::index_of(key) else {
                    continue;
                };
                if lookup(model, key).is_some() || s.model.get(i) == d.get(i) {
                    continue;
                }
                let value = s.model.get(i);
                self.warn(
                    switch.span(),
                    &format!("model.{gate}"),
                    format!(
                        "`model.{key}` ({value}, set by the base scenario) is read only when \
                         {when}: with `model.{gate}` 0 it changes nothing"
                    ),
                )
                .help = Some(format!(
                    "keep `{gate}` in [model] above 0 (e.g. {example}, or set `{key}` back to \
                     its default ({}) here",
                    d.get(i)
                ));
            }
        }
    }

    /// Warn about a currency figure a policy of this file moves to a value implausible beside
    /// the others (the country's [`currency_warnings`], an outside power's or deployment's
    /// [`outside_capability_warning`]), at the change's value: the warnings `--set` gives the
    /// same value, that the figure as the file writes it does not already give.
    fn check_policy_currency(&mut self, root: &DeTable<'_>, s: &Scenario) {
        let Some(items) = lookup(root, "policy").and_then(|v| v.get_ref().as_array()) else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(t) = item.get_ref().as_table() else {
                continue;
            };
            let Some(p) = lookup(t, "id")
                .and_then(|v| v.get_ref().as_str())
                .and_then(|id| s.policies.iter().find(|p| p.id == id))
            else {
                continue;
            };
            let Some(changes) = lookup(t, "changes").and_then(|v| v.get_ref().as_array()) else {
                continue;
            };
            for (j, (change, ch)) in changes.iter().zip(&p.changes).enumerate() {
                let Some((key, value)) = change.get_ref().as_table().and_then(|ct| {
                    ["set", "add", "scale"]
                        .into_iter()
                        .find_map(|k| lookup(ct, k).map(|v| (k, v.span())))
                }) else {
                    continue;
                };
                let now = s.get(ch.target);
                let target = match ch.op {
                    super::ChangeOp::Set(v) => v,
                    super::ChangeOp::Add(v) => now + v,
                    super::ChangeOp::Scale(v) => now * v,
                };
                let found: Vec<(String, &'static str)> = match ch.target {
                    ParamRef::Military { country, .. } | ParamRef::Economic { country, .. } => {
                        let mut moved = s.clone();
                        if moved.set(ch.target, target).is_err() {
                            continue;
                        }
                        let before: Vec<String> = currency_warnings(&s.countries[country])
                            .into_iter()
                            .map(|w| w.message)
                            .collect();
                        currency_warnings(&moved.countries[country])
                            .into_iter()
                            .filter(|w| !before.contains(&w.message))
                            .map(|w| (w.message, w.help))
                            .collect()
                    }
                    r => match outside_capability_of(s, r) {
                        Some(entity) => {
                            let largest = largest_capability(s);
                            outside_capability_warning(&entity, target, largest)
                                .filter(|_| {
                                    outside_capability_warning(&entity, now, largest).is_none()
                                })
                                .map(|w| (w.message, w.help))
                                .into_iter()
                                .collect()
                        }
                        None => Vec::new(),
                    },
                };
                for (message, help) in found {
                    let path = format!("policy[{i}].changes[{j}].{key}");
                    self.warn(value.clone(), &path, message).help = Some(help.into());
                }
            }
        }
    }

    /// Warn about a power's or deployment's `capability` this file writes that is implausible
    /// beside the countries' ([`outside_capability_warning`]), at the figure.
    fn check_outside_capability(&mut self, root: &DeTable<'_>, s: &Scenario) {
        let largest = largest_capability(s);
        let capabilities = outside_capabilities(s);
        for kind in ["power", "deployment"] {
            let Some(items) = lookup(root, kind).and_then(|v| v.get_ref().as_array()) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let Some(t) = item.get_ref().as_table() else {
                    continue;
                };
                let (Some(id), Some(v)) = (
                    lookup(t, "id").and_then(|v| v.get_ref().as_str()),
                    lookup(t, "capability"),
                ) else {
                    continue;
                };
                let Some(&(_, _, cap)) = capabilities.iter().find(|(k, x, _)| *k == kind && *x == id)
                else {
                    continue;
                };
                if let Some(w) = outside_capability_warning(&format!("{kind}.{id}"), cap, largest) {
                    self.warn(v.span(), &format!("{kind}[{i}].capability"), w.message)
                        .help = Some(w.help.into());
                }
            }
        }
    }

    /// Warn about currency figures of one country that are implausible together or too large
    /// for the outputs ([`currency_warnings`]), each at the figure it names (the country's
    /// table when the file does not write it).
    fn check_currency(&mut self, t: &DeTable<'_>, path: &str, span: Range<usize>, c: &Country) {
        let sub = |table: &str, key: &str| -> Option<Range<usize>> {
            let v = lookup(t, table)?;
            let tt = v.get_ref().as_table()?;
            lookup(tt, key).map(|x| x.span())
        };
        for w in currency_warnings(c) {
            let (table, key) = w.field.split_once('.').expect("a field `table.key`");
            let at = sub(table, key).unwrap_or_else(|| span.clone());
            self.warn(at, &format!("{path}.{}", w.field), w.message).help = Some(w.help.into());
        }
    }

    fn alliances(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let allowed = Self::keys_of(AllianceParams::FIELDS, ALLIANCE_KEYS);
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        let base_ids: Vec<String> = s.alliances.iter().map(|a| a.id.clone()).collect();
        for (i, t, span) in self.entries(root, "alliance") {
            let path = format!("alliance[{i}]");
            let Some((id, id_span)) = self.entry_id(t, &path, span.clone(), &allowed, &mut seen)
            else {
                continue;
            };
            let errors_before = self.errors();
            let existing = s.alliances.iter().position(|a| a.id == id);
            let mut a = match existing {
                Some(k) => s.alliances[k].clone(),
                None => Alliance {
                    id: id.clone(),
                    name: id.clone(),
                    members: Vec::new(),
                    collective_procurement: false,
                    params: AllianceParams::defaults(),
                },
            };
            if let Some(n) = self.optional_string(t, "name", &path) {
                a.name = n;
            }
            match self.actor_list(t, "members", &path, s) {
                Some(m) => {
                    // Valid, but a pact of no one deters nothing: say so, as a policy that
                    // changes nothing is said.
                    if let (true, Some(v)) = (m.is_empty(), lookup(t, "members")) {
                        self.warn(
                            v.span(),
                            &format!("{path}.members"),
                            format!("alliance `{id}` has no members: it commits no one"),
                        )
                        .help = Some(
                            "list its members, e.g. members = [\"ALB\", \"USA\"], or remove the alliance"
                                .into(),
                        );
                    }
                    // An overlay's members that make a rivalry of its base intra-alliance
                    // (both sides members where the base had not both): warned at the
                    // members in the rivalry's words, as a file whose `members` list both
                    // sides is warned at its rivalry (read after the alliances).
                    let was = existing.map_or(&[][..], |k| &s.alliances[k].members[..]);
                    let both = |l: &[Actor], r: &Rivalry| {
                        l.contains(&Actor::Country(r.challenger))
                            && l.contains(&Actor::Country(r.target))
                    };
                    let made: Vec<(usize, usize)> = s
                        .rivalries
                        .iter()
                        .filter(|r| both(&m, r) && !both(was, r))
                        .map(|r| (r.challenger, r.target))
                        .collect();
                    if let Some(v) = lookup(t, "members") {
                        for (c, tg) in made {
                            let (c, tg) = (&s.countries[c].id, &s.countries[tg].id);
                            let (message, help) = intra_alliance_words(c, tg, &id);
                            self.warn(v.span(), &format!("{path}.members"), message).help =
                                Some(help);
                        }
                    }
                    a.members = m;
                }
                None if existing.is_none() && lookup(t, "members").is_none() => {
                    self.error(
                        span.clone(),
                        &format!("{path}.members"),
                        "missing required key `members`".into(),
                    );
                }
                None => {}
            }
            if let Some(v) = lookup(t, "collective_procurement")
                && let Some(b) = self.boolean(v, &format!("{path}.collective_procurement"))
            {
                a.collective_procurement = b;
            }
            let tp = format!("alliance.{id}");
            self.block(t, &path, &tp, span, &mut a.params, existing.is_none());
            if existing.is_none() {
                let at = ("alliance", id.as_str(), id_span, path.as_str());
                self.new_id_meant(at, &base_ids, errors_before);
            }
            match existing {
                Some(k) => s.alliances[k] = a,
                None => s.alliances.push(a),
            }
        }
    }

    fn deployments(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let allowed = Self::keys_of(DeploymentParams::FIELDS, DEPLOYMENT_KEYS);
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        let base_ids: Vec<String> = s.deployments.iter().map(|d| d.id.clone()).collect();
        for (i, t, span) in self.entries(root, "deployment") {
            let path = format!("deployment[{i}]");
            let Some((id, id_span)) = self.entry_id(t, &path, span.clone(), &allowed, &mut seen)
            else {
                continue;
            };
            let errors_before = self.errors();
            let existing = s.deployments.iter().position(|d| d.id == id);
            let host = match lookup(t, "host") {
                Some(v) => self
                    .actor_ref(v, &format!("{path}.host"), s, true)
                    .map(|a| match a {
                        Actor::Country(c) => c,
                        Actor::Power(_) => unreachable!("countries_only"),
                    }),
                None => {
                    if existing.is_none() {
                        self.error(
                            span.clone(),
                            &format!("{path}.host"),
                            "missing required key `host`".into(),
                        );
                    }
                    None
                }
            };
            let mut d = match existing {
                Some(k) => s.deployments[k].clone(),
                None => Deployment {
                    id: id.clone(),
                    name: id.clone(),
                    host: host.unwrap_or(0),
                    contributors: Vec::new(),
                    params: DeploymentParams::defaults(),
                },
            };
            if let Some(h) = host {
                d.host = h;
            }
            if let Some(n) = self.optional_string(t, "name", &path) {
                d.name = n;
            }
            if let Some(c) = self.actor_list(t, "contributors", &path, s) {
                d.contributors = c;
            }
            let tp = format!("deployment.{id}");
            self.block(t, &path, &tp, span, &mut d.params, existing.is_none());
            if existing.is_none() {
                let at = ("deployment", id.as_str(), id_span, path.as_str());
                self.new_id_meant(at, &base_ids, errors_before);
            }
            match existing {
                Some(k) => s.deployments[k] = d,
                None => s.deployments.push(d),
            }
        }
    }

    /// The parameters of a rivalry dropped for a fault in its sides (an unknown id, a side
    /// missing, one country on both sides): still checked, so every fault of the entry is
    /// said in one pass, not the others only after the sides are mended.
    fn params_of_dropped(&mut self, t: &DeTable<'_>, path: &str, target: &str, header: Range<usize>) {
        let mut discarded = RivalryParams::defaults();
        self.block(t, path, target, header, &mut discarded, false);
    }

    fn rivalries(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let allowed = Self::keys_of(RivalryParams::FIELDS, RIVALRY_KEYS);
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        let base_ids: Vec<String> = s.rivalries.iter().map(|r| r.id.clone()).collect();
        let entries = self.entries(root, "rivalry");
        if let Some(v) = lookup(root, "rivalry")
            && v.get_ref().as_array().is_none_or(|a| a.len() != entries.len())
        {
            self.2.push(Dropped::Every);
        }
        for (i, t, span) in entries {
            let path = format!("rivalry[{i}]");
            self.check_keys(t, &path, &allowed);
            let side = |r: &mut Self, key: &str| -> Option<usize> {
                match lookup(t, key) {
                    Some(v) => r
                        .actor_ref(v, &format!("{path}.{key}"), s, true)
                        .map(|a| match a {
                            Actor::Country(c) => c,
                            Actor::Power(_) => unreachable!("countries_only"),
                        }),
                    None => None,
                }
            };
            let challenger = side(self, "challenger");
            let target = side(self, "target");
            let explicit_id = match lookup(t, "id") {
                Some(v) => self.id(v, &format!("{path}.id")),
                None => None,
            };
            let id = match (&explicit_id, challenger, target) {
                (Some(id), _, _) => id.clone(),
                (None, Some(c), Some(tg)) => {
                    format!("{}-{}", s.countries[c].id, s.countries[tg].id)
                }
                _ => {
                    for key in ["challenger", "target"] {
                        if lookup(t, key).is_none() {
                            self.error(
                                span.clone(),
                                &format!("{path}.{key}"),
                                format!("missing required key `{key}`"),
                            );
                        }
                    }
                    let written = |key: &str| {
                        lookup(t, key).and_then(|v| v.get_ref().as_str().map(str::to_string))
                    };
                    self.2
                        .push(Dropped::Sides(written("challenger"), written("target")));
                    self.params_of_dropped(t, &path, &path, span.clone());
                    continue;
                }
            };
            if !self.check_duplicate(&mut seen, &id, span.clone(), &path, |line| {
                format!("duplicate id `{id}` (first defined on line {line})")
            }) {
                continue;
            }
            let existing = s.rivalries.iter().position(|r| r.id == id);
            let mut r = match existing {
                Some(k) => s.rivalries[k].clone(),
                None => {
                    let (Some(c), Some(tg)) = (challenger, target) else {
                        let errors_before = self.errors();
                        for key in ["challenger", "target"] {
                            if lookup(t, key).is_none() {
                                self.error(
                                    span.clone(),
                                    &format!("{path}.{key}"),
                                    format!("missing required key `{key}`"),
                                );
                            }
                        }
                        if explicit_id.is_some() {
                            let id_span = lookup(t, "id").map_or(span.clone(), |v| v.span());
                            let at = ("rivalry", id.as_str(), id_span, path.as_str());
                            self.new_id_meant(at, &base_ids, errors_before);
                        }
                        self.params_of_dropped(t, &path, &format!("rivalry.{id}"), span.clone());
                        self.2.push(Dropped::Id(id));
                        continue;
                    };
                    Rivalry {
                        id: id.clone(),
                        challenger: c,
                        target: tg,
                        params: RivalryParams::defaults(),
                        baseline_tension_given: false,
                    }
                }
            };
            if let Some(c) = challenger {
                r.challenger = c;
            }
            if let Some(tg) = target {
                r.target = tg;
            }
            if r.challenger == r.target {
                self.error(
                    span.clone(),
                    &path,
                    "challenger and target are the same country".into(),
                );
                self.params_of_dropped(t, &path, &format!("rivalry.{id}"), span.clone());
                self.2.push(Dropped::Id(id));
                continue;
            }
            let shared = s.alliances.iter().find(|a| {
                a.members.contains(&Actor::Country(r.challenger))
                    && a.members.contains(&Actor::Country(r.target))
            });
            if let Some(a) = shared {
                let (c, tg) = (&s.countries[r.challenger].id, &s.countries[r.target].id);
                let (message, help) = intra_alliance_words(c, tg, &a.id);
                // Said once in a file: an overlay's `members` that made it are warned at.
                if !self.diags.iter().any(|d| d.message == message) {
                    self.warn(span.clone(), &path, message).help = Some(help);
                }
            }
            let tp = format!("rivalry.{id}");
            let given = self.block(t, &path, &tp, span.clone(), &mut r.params, existing.is_none());
            r.baseline_tension_given |= given.contains(&"baseline_tension");
            match existing {
                Some(k) => s.rivalries[k] = r,
                None => s.rivalries.push(r),
            }
        }
    }

    /// Read the `[[policy]]` entries into `s`, returning their changes of a key that a
    /// switch gates ([`GATES`]), checked once the whole file is read.
    fn policies(&mut self, root: &DeTable<'_>, s: &mut Scenario) -> Vec<GatedChange> {
        let mut gated = Vec::new();
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        let base_ids: Vec<String> = s.policies.iter().map(|p| p.id.clone()).collect();
        for (i, t, span) in self.entries(root, "policy") {
            let path = format!("policy[{i}]");
            // A policy whose id repeats an earlier one's is refused for that, and still read
            // (then dropped), so that its own faults are reported too.
            let repeated = lookup(t, "id")
                .and_then(|v| v.get_ref().as_str().map(str::to_string))
                .filter(|id| seen.iter().any(|(x, _)| x == id));
            let (id, duplicate) =
                match self.entry_id(t, &path, span.clone(), POLICY_KEYS, &mut seen) {
                    Some((id, _)) => (id, false),
                    None => match repeated {
                        Some(id) => (id, true),
                        None => continue,
                    },
                };
            let existing = s
                .policies
                .iter()
                .position(|p| p.id == id)
                .filter(|_| !duplicate);
            let mut p = match existing {
                Some(k) => s.policies[k].clone(),
                None => Policy {
                    id: id.clone(),
                    name: id.clone(),
                    description: String::new(),
                    start: s.meta.start,
                    enabled: true,
                    ramp_years: 0.0,
                    changes: Vec::new(),
                    joins: Vec::new(),
                },
            };
            if let Some(n) = self.optional_string(t, "name", &path) {
                p.name = n;
            }
            if let Some(d) = self.optional_string(t, "description", &path) {
                p.description = d;
            }
            match lookup(t, "start") {
                Some(v) => {
                    if let Some(ym) = self.year_month(v, &format!("{path}.start")) {
                        p.start = ym;
                        for (message, help) in policy_date_warnings(
                            s.meta.start,
                            s.meta.horizon_years,
                            self.1,
                            &id,
                            ym,
                        ) {
                            self.warn(v.span(), &format!("{path}.start"), message).help =
                                Some(help);
                        }
                    }
                }
                None if existing.is_none() => {
                    let errors_before = self.errors();
                    self.error(
                        span.clone(),
                        &format!("{path}.start"),
                        "missing required key `start`".into(),
                    )
                    .help =
                        Some("the date the policy takes effect, e.g. start = \"2026-01\"".into());
                    if !duplicate {
                        let id_span = lookup(t, "id").map_or(span.clone(), |v| v.span());
                        let at = ("policy", id.as_str(), id_span, path.as_str());
                        self.new_id_meant(at, &base_ids, errors_before);
                    }
                }
                None => {}
            }
            if let Some(v) = lookup(t, "enabled")
                && let Some(b) = self.boolean(v, &format!("{path}.enabled"))
            {
                p.enabled = b;
            }
            if let Some(v) = lookup(t, "ramp_years") {
                let tp = format!("policy.{id}.ramp_years");
                let at = format!("{path}.ramp_years");
                if let Some(x) = self.number(v, &at, &super::path::RAMP_SPEC, &tp) {
                    p.ramp_years = x;
                }
            }
            if let Some(v) = lookup(t, "changes") {
                let cp = format!("{path}.changes");
                if let Some(arr) =
                    self.array(v, &cp, "an array of tables { path = ..., set = ... }")
                {
                    p.changes.clear();
                    let mut names: Vec<(String, Range<usize>)> = Vec::new();
                    // The parameters changed so far, with the span of their `path` value.
                    let mut targets: Vec<(super::path::ParamRef, Range<usize>)> = Vec::new();
                    for (j, item) in arr.iter().enumerate() {
                        let ip = format!("{cp}[{j}]");
                        let Some(ct) = self.table(item, &ip) else {
                            continue;
                        };
                        if let Some(change) = self.change(ct, &ip, item.span(), s) {
                            // A change's name addresses its magnitude: unique per policy.
                            if let (Some(n), Some(nv)) = (&change.name, lookup(ct, "name"))
                                && !self.check_duplicate(
                                    &mut names,
                                    n,
                                    nv.span(),
                                    &format!("{ip}.name"),
                                    |line| {
                                        format!("`{n}` names two changes (first on line {line})")
                                    },
                                )
                            {
                                continue;
                            }
                            // Two changes of one parameter are legal (they apply in turn) but
                            // rarely meant: said where the second is, as a warning.
                            if let Some(pv) = lookup(ct, "path") {
                                if let Some((_, first)) =
                                    targets.iter().find(|(t, _)| *t == change.target)
                                {
                                    let first = first.clone();
                                    let line =
                                        super::diagnostic::line_col(self.src, first.start).0;
                                    let (file, src) = (self.file, self.src);
                                    self.diags.push(
                                        Diagnostic::at(
                                            file,
                                            src,
                                            pv.span(),
                                            &format!("{ip}.path"),
                                            format!(
                                                "policy `{id}` changes `{}` twice (first on \
                                                 line {line}): did you mean one change?",
                                                change.path
                                            ),
                                        )
                                        .with_note_at(src, first, "first changed here")
                                        .with_help(Some(
                                            "give each parameter one change (`set`, `add` or \
                                             `scale`) per policy"
                                                .into(),
                                        ))
                                        .warning(),
                                    );
                                } else {
                                    targets.push((change.target, pv.span()));
                                }
                                // A parameter read only before the first policy applies:
                                // the change is legal and does nothing, at any date.
                                if let Some(reader) = change.target.read_before_policies() {
                                    let (message, help) =
                                        policy_read_before_warning(&id, &change, reader);
                                    self.warn(pv.span(), &format!("{ip}.path"), message).help =
                                        Some(help);
                                }
                                if let ParamRef::Model(k) = change.target
                                    && let Some(key) = GATES
                                        .iter()
                                        .flat_map(|g| g.3.iter())
                                        .find(|key| **key == ModelParams::FIELDS[k].key)
                                {
                                    gated.push(GatedChange {
                                        span: pv.span(),
                                        at: format!("{ip}.path"),
                                        id: id.clone(),
                                        name: change.name.clone(),
                                        key,
                                    });
                                }
                            }
                            p.changes.push(change);
                        }
                    }
                }
            }
            self.check_switch_ramp(t, &path, span.clone(), &p);
            if let Some(v) = lookup(t, "join") {
                let jp = format!("{path}.join");
                if let Some(arr) = self.array(
                    v,
                    &jp,
                    "an array of tables { alliance = ..., member = ... }",
                ) {
                    p.joins.clear();
                    // The file's index of each join kept, for the message of a repeated one.
                    let mut kept: Vec<usize> = Vec::new();
                    for (j, item) in arr.iter().enumerate() {
                        let ip = format!("{jp}[{j}]");
                        let Some(jt) = self.table(item, &ip) else {
                            continue;
                        };
                        self.check_keys(jt, &ip, JOIN_KEYS);
                        let alliance = match lookup(jt, "alliance") {
                            Some(av) => self.id(av, &format!("{ip}.alliance")).and_then(|aid| {
                                let found = s.alliances.iter().position(|a| a.id == aid);
                                if found.is_none() {
                                    let ids: Vec<String> =
                                        s.alliances.iter().map(|a| a.id.clone()).collect();
                                    let help =
                                        closest(&aid, &ids).map(|x| format!("did you mean `{x}`?"));
                                    self.error(
                                        av.span(),
                                        &format!("{ip}.alliance"),
                                        format!("unknown alliance id `{aid}`"),
                                    )
                                    .help = help;
                                }
                                found
                            }),
                            None => {
                                self.error(
                                    item.span(),
                                    &format!("{ip}.alliance"),
                                    "missing required key `alliance`".into(),
                                );
                                None
                            }
                        };
                        let member = match lookup(jt, "member") {
                            Some(mv) => self.actor_ref(mv, &format!("{ip}.member"), s, false),
                            None => {
                                self.error(
                                    item.span(),
                                    &format!("{ip}.member"),
                                    "missing required key `member`".into(),
                                );
                                None
                            }
                        };
                        if let (Some(a), Some(m)) = (alliance, member) {
                            let (aid, mid) = (&s.alliances[a].id, s.actor_id(m));
                            if let Some(k) = p.joins.iter().position(|&x| x == (a, m)) {
                                let k = kept[k];
                                // As a member listed twice in `members` is refused.
                                self.error(
                                    item.span(),
                                    &ip,
                                    format!("`{mid}` joins `{aid}` twice (first in {jp}[{k}])"),
                                )
                                .help = Some("give each join once".into());
                                continue;
                            }
                            if s.alliances[a].members.contains(&m) {
                                self.warn(
                                    item.span(),
                                    &ip,
                                    format!(
                                        "`{mid}` is already a member of `{aid}`: this join changes nothing"
                                    ),
                                )
                                .help = Some(format!(
                                    "remove the join, or `{mid}` from the members of `{aid}` if it is to join at the policy's start"
                                ));
                            } else {
                                // A rivalry the join makes intra-alliance: warned at the join in
                                // the words of the rivalry's own warning (`validate` warns of a
                                // rivalry whose sides the file's `members` list both).
                                let member_then = |x: usize| {
                                    let x = Actor::Country(x);
                                    x == m
                                        || s.alliances[a].members.contains(&x)
                                        || p.joins.contains(&(a, x))
                                };
                                let made = s.rivalries.iter().find(|r| {
                                    (Actor::Country(r.challenger) == m
                                        || Actor::Country(r.target) == m)
                                        && member_then(r.challenger)
                                        && member_then(r.target)
                                });
                                if let Some(r) = made {
                                    let (c, tg) =
                                        (&s.countries[r.challenger].id, &s.countries[r.target].id);
                                    let (message, help) = intra_alliance_words(c, tg, aid);
                                    self.warn(item.span(), &ip, message).help = Some(help);
                                }
                            }
                            p.joins.push((a, m));
                            kept.push(j);
                        }
                    }
                }
            }
            // Warn only when nothing was asked; a change that failed has its own error.
            let asked: usize = ["changes", "join"]
                .iter()
                .filter_map(|k| lookup(t, k))
                .map(|v| v.get_ref().as_array().map_or(1, |a| a.len()))
                .sum();
            if p.changes.is_empty() && p.joins.is_empty() && asked == 0 {
                let (file, src) = (self.file, self.src);
                self.diags.push(
                    Diagnostic::at(
                        file,
                        src,
                        span.clone(),
                        &path,
                        format!("policy `{id}` changes nothing"),
                    )
                    .with_help(Some(
                        "add `changes = [{ path = ..., set = ... }]` or `join = [...]`".into(),
                    ))
                    .warning(),
                );
            }
            match existing {
                _ if duplicate => {}
                Some(k) => s.policies[k] = p,
                None => s.policies.push(p),
            }
        }
        gated
    }

    /// Refuse a policy `p` (table `t` at `path`) that ramps (`ramp_years` of more than a
    /// month) a change of a switch (`model.commitment_at_attack`, 0 or 1): the ramp passed
    /// through fractions that the model reads as on. Located at `ramp_years`, or where this
    /// file does not write it, at the switch's change.
    fn check_switch_ramp(&mut self, t: &DeTable<'_>, path: &str, span: Range<usize>, p: &Policy) {
        if !p.ramps() {
            return;
        }
        let Some((k, change)) = p
            .changes
            .iter()
            .enumerate()
            .find(|(_, c)| c.target.spec().is_switch())
        else {
            return;
        };
        let change_path = lookup(t, "changes")
            .and_then(|v| v.get_ref().as_array())
            .and_then(|a| a.get(k))
            .and_then(|c| c.get_ref().as_table())
            .and_then(|c| lookup(c, "path"))
            .map(|v| (v.span(), format!("{path}.changes[{k}].path")));
        let (at, key) = match (lookup(t, "ramp_years"), change_path) {
            (Some(v), _) => (v.span(), format!("{path}.ramp_years")),
            (None, Some(c)) => c,
            (None, None) => (span, path.to_string()),
        };
        self.error(
            at,
            &key,
            format!(
                "`ramp_years = {}` would ramp `{}`, a switch (0 or 1), through fractions the \
                 model reads as on",
                p.ramp_years, change.path
            ),
        )
        .help = Some(format!(
            "a switch turns at once: change `{}` in a policy of its own without `ramp_years` \
             (it turns at that policy's `start`)",
            change.path
        ));
    }

    fn change(
        &mut self,
        t: &DeTable<'_>,
        path: &str,
        span: Range<usize>,
        s: &Scenario,
    ) -> Option<PolicyChange> {
        self.check_keys(t, path, CHANGE_KEYS);
        let pv = match lookup(t, "path") {
            Some(v) => v,
            None => {
                self.error(
                    span,
                    &format!("{path}.path"),
                    "missing required key `path`".into(),
                )
                .help =
                    Some("a parameter path such as \"country.XKX.military.budget_share\"".into());
                return None;
            }
        };
        let target_path = self.string(pv, &format!("{path}.path"))?;
        let target = match ParamRef::resolve(&target_path, s) {
            Ok(r) if r.is_dynamic() => r,
            Ok(_) => {
                self.error(
                    pv.span(),
                    &format!("{path}.path"),
                    format!("`{target_path}` cannot change during a run"),
                )
                .help = Some(format!(
                    "a policy's own values are read when the run is set up, before any policy \
                     applies: vary it with `--set {target_path}=VALUE` or a sweep's [[parameter]]"
                ));
                return None;
            }
            Err(e) => {
                // A path through a rivalry left out for a fault already reported: said once,
                // at its cause.
                let dropped = match target_path.split('.').collect::<Vec<_>>().as_slice() {
                    ["rivalry", id, ..] => {
                        !s.rivalries.iter().any(|r| r.id == *id)
                            && self.2.iter().any(|d| d.covers(id))
                    }
                    _ => false,
                };
                if !dropped {
                    self.error(pv.span(), &format!("{path}.path"), e.message)
                        .help = e.help();
                }
                return None;
            }
        };
        let ops: Vec<&str> = ["set", "add", "scale"]
            .into_iter()
            .filter(|k| lookup(t, k).is_some())
            .collect();
        if ops.len() != 1 {
            let span = key_span(t, ops.get(1).copied().unwrap_or("path")).unwrap_or(span);
            self.error(
                span,
                path,
                "give exactly one of `set`, `add` or `scale`".into(),
            );
            return None;
        }
        let key = ops[0];
        let v = lookup(t, key).expect("checked");
        let vp = format!("{path}.{key}");
        // The magnitude's range: the same rule as `policy.ID.changes[k].OP` in sweeps.
        let kind = match key {
            "set" => OpKind::Set,
            "add" => OpKind::Add,
            _ => OpKind::Scale,
        };
        // A switch is on or off: a factor of it means nothing (`scale = 2` of 1 is 2, of 0 is 0).
        if kind == OpKind::Scale && target.spec().is_switch() {
            self.error(
                v.span(),
                &vp,
                format!("`{target_path}` is a switch (0 or 1): `scale` cannot turn it on or off"),
            )
            .help = Some(format!(
                "set it: {{ path = \"{target_path}\", set = 1 }} turns it on, `set = 0` off"
            ));
            return None;
        }
        let op = kind.with(self.number(v, &vp, &kind.spec(target.spec()), &target_path)?);
        let name = match lookup(t, "name") {
            None => None,
            Some(nv) => {
                let np = format!("{path}.name");
                let n = self.string(nv, &np)?;
                let ident = n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ident || matches!(n.as_str(), "enabled" | "start" | "ramp_years") {
                    self.error(
                        nv.span(),
                        &np,
                        format!(
                            "`{n}`: expected an identifier (letters, digits, `_`) other than \
                             `enabled`, `start` and `ramp_years`"
                        ),
                    )
                    .help = Some("e.g. name = \"monitoring_target\"".into());
                    return None;
                }
                Some(n)
            }
        };
        Some(PolicyChange {
            path: target_path,
            target,
            op,
            name,
        })
    }
}

/// Every `[model]` key read only while another key, its switch, is non-zero: (the switch,
/// when the keys are read, an example that switches it on, the keys it gates). The fait
/// accompli's two parameters (`fait_accompli`), the memory's decay and reset
/// (`defeat_memory`), the fading of a dispute's recency (`dispute_recency`), the revealed
/// cost of force (`mobilisation_shock`), the fading of what a war revealed
/// (`war_revelation`), the restraint's cost (`protector_restraint`), the reneging cost and
/// the tripwire abandoned at the display (`protector_moves_twice`), and the protectors'
/// resolve at the casus foederis, a chain: the private resolve and the misjudgment
/// (`commitment_at_attack`), the signal (`resolve_spread`), the pact's clarity
/// (`protector_resolve_misjudged`). Each key is gated by one switch only, so a key whose
/// switch is itself inert is warned once, at that switch's key.
const GATES: &[(&str, &str, &str, &[&str])] = &[
    (
        "fait_accompli",
        "the fait accompli is offered",
        "fait_accompli = 1) to offer the move",
        &["casus_foederis_cost", "fait_accompli_resistance"],
    ),
    (
        "defeat_memory",
        "the challenger remembers its defeats",
        "defeat_memory = 0.12) to switch the memory on",
        &["defeat_memory_decay", "defeat_memory_reset"],
    ),
    (
        "dispute_recency",
        "a recent dispute raises the crisis hazard",
        "dispute_recency = 1) to switch the term on",
        &["dispute_recency_decay"],
    ),
    (
        "mobilisation_shock",
        "a display can reveal a cost of force",
        "mobilisation_shock = 0.3) to switch the revealed cost on",
        &["mobilisation_shock_cost"],
    ),
    (
        "war_revelation",
        "a war reveals the target's resolve",
        "war_revelation = 1) to let a war reveal it",
        &["war_revelation_decay"],
    ),
    (
        "protector_restraint",
        "a protector can restrain its protégé",
        "protector_restraint = 1) to offer restraint",
        &["restraint_cost"],
    ),
    (
        "commitment_at_attack",
        "the protectors decide at the casus foederis",
        "commitment_at_attack = 1) to let the protectors decide after the attack",
        &["resolve_spread", "protector_resolve_misjudged"],
    ),
    (
        "protector_moves_twice",
        "the protectors move twice",
        "protector_moves_twice = 1) to let the protectors decide again at the attack",
        &["reneging_cost", "tripwire_at_display"],
    ),
    (
        "resolve_spread",
        "the protectors' resolve is private",
        "resolve_spread = 0.5) to make their resolve private",
        &["resolve_signal"],
    ),
    (
        "protector_resolve_misjudged",
        "the challenger misjudges the protectors' resolve",
        "protector_resolve_misjudged = 0.75) to let the challenger misjudge it",
        &["misjudgment_pact_clarity"],
    ),
];

/// The pairs of `[model]` keys that are refused together, each in the order its fault is
/// said at ([`refused_model_pair`]): the one list every reader that can reach a pair (a
/// policy's `set`, a sweep's parameters, priors, a file of draws) checks its paths against.
pub(crate) const REFUSED_MODEL_PAIRS: [[&str; 2]; 2] = [
    ["resolve_spread", "protector_restraint"],
    ["protector_moves_twice", "commitment_at_attack"],
];

/// Whether a value written at `target` can reach a refused pair ([`REFUSED_MODEL_PAIRS`]):
/// a `[model]` key of a pair, or a dated policy's `enabled` or one of its changes (its `set`
/// may hold a key of a pair). The test of every reader that varies values (a sweep's
/// parameters, priors, a file of draws) before it checks [`refused_pair_reached`].
pub(crate) fn may_reach_refused_pair(target: &ParamRef) -> bool {
    match *target {
        ParamRef::Model(k) => REFUSED_MODEL_PAIRS
            .iter()
            .flatten()
            .any(|&p| p == ModelParams::FIELDS[k].key),
        ParamRef::PolicyEnabled { .. } => true,
        ParamRef::PolicyValue { field, .. } => {
            matches!(field, super::path::PolicyField::Change { .. })
        }
        _ => false,
    }
}

/// The `[model]` key `target` writes, if it is one.
pub(crate) fn pair_key_of(target: &ParamRef) -> Option<&'static str> {
    match *target {
        ParamRef::Model(k) => Some(ModelParams::FIELDS[k].key),
        _ => None,
    }
}

/// The `[model]` keys a refused combination of `m` is said at, in order of preference, with
/// its (message, help) ([`resolve_with_restraint`], [`moves_twice_at_attack`]); `None` when
/// no combination is refused.
pub(crate) fn refused_model_pair(
    m: &ModelParams,
) -> Option<([&'static str; 2], (String, String))> {
    if let Some(f) = resolve_with_restraint(m) {
        return Some((REFUSED_MODEL_PAIRS[0], f));
    }
    moves_twice_at_attack(m).map(|f| (REFUSED_MODEL_PAIRS[1], f))
}

/// The warning (message, help) of a rivalry whose challenger `c` and target `tg` are both
/// members of alliance `aid`, in the same words wherever it is said: at the rivalry, at a
/// policy's `join` that makes it, at an overlay's `members` that make it of its base's rivalry.
fn intra_alliance_words(c: &str, tg: &str, aid: &str) -> (String, String) {
    (
        format!(
            "intra-alliance rivalry: challenger `{c}` and target `{tg}` are both members of alliance `{aid}`"
        ),
        format!(
            "the pact never makes `{c}` defend `{tg}` against itself (a rival's forces never count for the other side); check that the rivalry or the membership is meant"
        ),
    )
}

/// The file's index of the `[[policy]]` with id `id` in `root` and the span of the `path` of
/// its change `j`, when this file writes that policy's changes.
fn policy_change_span(root: &DeTable<'_>, id: &str, j: usize) -> Option<(usize, Range<usize>)> {
    let arr = lookup(root, "policy")?.get_ref().as_array()?;
    arr.iter().enumerate().rev().find_map(|(i, item)| {
        let t = item.get_ref().as_table()?;
        if lookup(t, "id")?.get_ref().as_str()? != id {
            return None;
        }
        let change = lookup(t, "changes")?.get_ref().as_array()?.get(j)?;
        let path = lookup(change.get_ref().as_table()?, "path")?;
        Some((i, path.span()))
    })
}

/// A refused combination (`refused_model_pair`) that `s` reaches during a run: in its
/// `[model]`, or once its enabled policies' changes of `[model]` keys apply, date by date in
/// the order of their start (a ramping change counted on at both of its ends while it moves).
/// The keys, the (policy, change) indices of the last change of either key at the date it is
/// reached (`None` when `[model]` has it), and the refusal.
pub(crate) type PairReached = ([&'static str; 2], Option<(usize, usize)>, (String, String));

pub(crate) fn refused_pair_reached(s: &Scenario) -> Option<PairReached> {
    if let Some((keys, fault)) = refused_model_pair(&s.model) {
        return Some((keys, None, fault));
    }
    let mut order: Vec<usize> = (0..s.policies.len())
        .filter(|&p| s.policies[p].enabled)
        .collect();
    order.sort_by_key(|&p| s.policies[p].start);
    let mut m = s.model;
    let mut at = 0;
    while at < order.len() {
        let start = s.policies[order[at]].start;
        let mut during = m;
        let mut changed: Vec<(usize, usize, usize)> = Vec::new();
        while at < order.len() && s.policies[order[at]].start == start {
            let p = &s.policies[order[at]];
            for (j, c) in p.changes.iter().enumerate() {
                if let ParamRef::Model(k) = c.target {
                    let old = m.get(k);
                    let new = c.op.apply(old);
                    *m.slot_mut(k) = new;
                    *during.slot_mut(k) = if p.ramps() { old.max(new) } else { new };
                    changed.push((order[at], j, k));
                }
            }
            at += 1;
        }
        if let Some((keys, fault)) = refused_model_pair(&m).or_else(|| refused_model_pair(&during))
        {
            let last = changed
                .iter()
                .rev()
                .find(|(_, _, k)| keys.contains(&ModelParams::FIELDS[*k].key))
                .or(changed.last())
                .map(|&(p, j, _)| (p, j));
            return Some((keys, last, fault));
        }
    }
    None
}

/// The refusal (message, help) of the protectors' two moves with their one move at the attack
/// in `m` (`model.protector_moves_twice` and `model.commitment_at_attack` both 1): the two are
/// alternative trees (docs/MODEL.md 7.7); `None` when at most one of them is on.
pub(crate) fn moves_twice_at_attack(m: &ModelParams) -> Option<(String, String)> {
    let get = |k: &str| m.get(ModelParams::index_of(k).expect("a [model] key"));
    let (twice, at_attack) = (get("protector_moves_twice"), get("commitment_at_attack"));
    if twice == 0.0 || at_attack == 0.0 {
        return None;
    }
    Some((
        format!(
            "`model.protector_moves_twice` ({twice}) cannot be combined with \
             `model.commitment_at_attack` ({at_attack}): the protectors either move once, after \
             the attack, or twice, at the display and again at the attack"
        ),
        "set `protector_moves_twice` to 0 (one move) or `commitment_at_attack` to 0 (the first \
         move at the display) in [model]"
            .to_string(),
    ))
}

/// The refusal (message, help) of the protectors' private resolve with alliance restraint in
/// `m` (`model.resolve_spread` > 0 and `model.protector_restraint` > 0), in the words of every
/// reader (a scenario file, `--set`); `None` when at most one of them is on.
pub(crate) fn resolve_with_restraint(m: &ModelParams) -> Option<(String, String)> {
    let get = |k: &str| m.get(ModelParams::index_of(k).expect("a [model] key"));
    let (spread, restraint) = (get("resolve_spread"), get("protector_restraint"));
    if spread <= 0.0 || restraint <= 0.0 {
        return None;
    }
    Some((
        format!(
            "`model.resolve_spread` ({spread}) cannot be combined with \
             `model.protector_restraint` ({restraint}): with restraint the protectors move at \
             the display, before the challenger's use of force, and the challenger would learn \
             of their resolve from that move, which the model does not solve"
        ),
        "set `resolve_spread` to 0 (no private resolve) or `protector_restraint` to 0 (no \
         restraint) in [model]"
            .to_string(),
    ))
}

/// The switch (`fait_accompli`, ...) of a warning of [`Reader::check_gated_keys_inert`]: a
/// key written, or changed by a policy, while that switch is 0 in the file. A value that
/// turns it on elsewhere (`--set model.GATE=1`, a sweep's parameter or lever) makes the
/// warning false: the callers that know of such values drop it
/// ([`drop_gated_warnings`]).
fn gated_warning_switch(d: &Diagnostic) -> Option<&'static str> {
    if d.severity != super::diagnostic::Severity::Warning {
        return None;
    }
    GATES
        .iter()
        .map(|&(gate, ..)| gate)
        .find(|gate| d.message.contains(&format!("with `model.{gate}` 0 ")))
}

/// Drop from `diags` each warning that a gated `[model]` key changes nothing
/// ([`gated_warning_switch`]) whose switch `on` says is non-zero in some setting that will be
/// simulated (a `--set` value, a value a sweep gives it): the key is then read.
pub(crate) fn drop_gated_warnings(diags: &mut Vec<Diagnostic>, on: impl Fn(ParamRef) -> bool) {
    diags.retain(|d| {
        gated_warning_switch(d)
            .and_then(ModelParams::index_of)
            .is_none_or(|index| !on(ParamRef::Model(index)))
    });
}

/// A policy change of this file on a key of [`GATES`], for
/// [`Reader::check_gated_keys_inert`]: the span and key path of its `path` value, the policy's
/// id, the change's name and the `[model]` key it changes.
struct GatedChange {
    span: Range<usize>,
    at: String,
    id: String,
    name: Option<String>,
    key: &'static str,
}

/// Whether `model.{gate}` can be non-zero in a run of `s` although the file leaves it 0: a
/// policy (enabled or not: `--set` or a sweep may enable it) sets it or adds to it, whatever
/// the magnitude (which `--set` or a sweep may vary), or a prior draws it (a value other than
/// 0: a prior of `values = [0]` leaves it off). A scaled 0 stays 0.
fn gate_switched_on(s: &Scenario, gate: &str) -> bool {
    ModelParams::index_of(gate).is_some_and(|index| switched_on(s, ParamRef::Model(index)))
}

/// The switch of a gated `[model]` key of [`GATES`] (`restraint_cost`: `protector_restraint`)
/// and the words of its warning, `(gate, when)`; `None` for a key read whatever the switches.
pub(crate) fn gate_of(key: &str) -> Option<(&'static str, &'static str)> {
    GATES
        .iter()
        .find(|(.., keys)| keys.contains(&key))
        .map(|&(gate, when, ..)| (gate, when))
}

/// Whether the switch `gate` can be non-zero in a run of `s`: non-zero in it, or set by a
/// policy or drawn by a prior of it ([`gate_switched_on`]).
pub(crate) fn gate_on(s: &Scenario, gate: &str) -> bool {
    ModelParams::index_of(gate).is_some_and(|i| s.model.get(i) != 0.0) || gate_switched_on(s, gate)
}

/// [`gate_switched_on`] of the switch `target` (`ParamRef::Model`).
fn switched_on(s: &Scenario, target: ParamRef) -> bool {
    s.policies.iter().any(|p| {
        p.changes
            .iter()
            .any(|c| c.target == target && !matches!(c.op, super::ChangeOp::Scale(_)))
    }) || s
        .uncertain
        .iter()
        // A prior that draws only 0 (`values = [0]`) leaves the switch off.
        .any(|u| u.parameter.target == target && u.parameter.domain.reaches_nonzero())
}

/// The warning (message, help) of policy `id`'s change of `model.{key}`, read only when
/// `when`, while `model.{gate}` is 0 and no policy sets it: the change has no effect. In the
/// words of the same key written in `[model]` and of [`policy_read_before_warning`].
fn policy_gated_warning(
    id: &str,
    name: &Option<String>,
    key: &str,
    gate: &str,
    when: &str,
    example: &str,
) -> (String, String) {
    let named = match name {
        Some(n) => format!(", nor has its magnitude `policy.{id}.{n}` in `--set` or a sweep"),
        None => String::new(),
    };
    (
        format!(
            "policy `{id}` changes `model.{key}`, which is read only when {when}: with \
             `model.{gate}` 0 and no policy setting it, the change has no effect{named}"
        ),
        format!(
            "set `{gate}` in [model] above 0 (e.g. {example}, or in a policy, or remove this \
             change"
        ),
    )
}

/// The warning (message, help) of policy `id`'s `change` of a parameter that only `reader`
/// reads, before the run's first policies apply ([`ParamRef::read_before_policies`]): the
/// change has no effect at any date; the ways that do change the value act before the draw.
fn policy_read_before_warning(id: &str, change: &PolicyChange, reader: &str) -> (String, String) {
    let path = &change.path;
    let named = match &change.name {
        Some(n) => format!(", nor has its magnitude `policy.{id}.{n}` in `--set` or a sweep"),
        None => String::new(),
    };
    (
        format!(
            "policy `{id}` changes `{path}`, which is read only by {reader}, made before \
             any policy applies (even one dated before the start): the change has no \
             effect{named}"
        ),
        format!(
            "a policy cannot change what is drawn before it applies: give the value in the \
             file, or vary it with `--set {path}=VALUE`, a sweep's [[parameter]] or an \
             [[uncertain]] prior (each acts before the draw); remove this change"
        ),
    )
}

/// The warnings a policy's start `ym` gets (message, help), in every command: before the
/// scenario starts (it takes effect in the first month), or at or after the end of the
/// horizon (it never takes effect). `horizon_years`: the file's; `given`: the caller's
/// (`--horizon-years`, a program's `horizon_years`), which replaces it and is named in the
/// help as the caller names it.
pub(crate) fn policy_date_warnings(
    start: YearMonth,
    horizon_years: u32,
    given: Option<GivenHorizon>,
    id: &str,
    ym: YearMonth,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let months = start.months_until(ym);
    let horizon_years = given.map_or(horizon_years, |h| h.years);
    let horizon = i64::from(horizon_years) * 12;
    if months < 0 {
        // The simulation starts it in its first month (no earlier month exists), as if
        // dated then: said, as the converse below is.
        let (y, m) = (start.year, start.month);
        out.push((
            format!(
                "policy `{id}` starts {:04}-{:02}, before the scenario starts ({y:04}-{m:02}): \
                 it takes effect in the first month, as if dated {y:04}-{m:02}",
                ym.year, ym.month
            ),
            format!(
                "date it {y:04}-{m:02} or later, or move `scenario.start` back (a policy in \
                 force before the start belongs in the base values)"
            ),
        ));
    }
    if months >= horizon {
        // The first month past the horizon, and its last.
        let (past, last) = (start.plus_months(horizon), start.plus_months(horizon - 1));
        out.push((
            format!(
                "policy `{id}` starts {ym}, after the horizon ends (its last month is {last}): \
                 it never takes effect"
            ),
            match given {
                Some(h) => format!(
                    "start it before {past}, or lengthen `{}` ({})",
                    h.name, h.years
                ),
                None => format!(
                    "start it before {past}, or lengthen `scenario.horizon_years` \
                     ({horizon_years})"
                ),
            },
        ));
    }
    out
}
