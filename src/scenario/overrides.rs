//! Quick what-ifs: `--set rivalry.SRB-XKX.monitoring=0.7` (and Python's `set=`).
//!
//! An override is a parameter path ([`ParamRef`], the paths policies and sweeps use) and a
//! value, applied to a validated [`Scenario`] before it is compiled. It is checked exactly as
//! the same edit in the file would be: the path must exist (with a did-you-mean when it does
//! not) and the value must lie in the parameter's documented range; every problem is
//! reported, as a [`Diagnostic`] that points into the `PATH=VALUE` text.
//! The overrides applied are recorded in the report ([`crate::report::Report::overrides`]),
//! with the value each one replaced.

use super::{ChangeOp, Diagnostic, Diagnostics, ParamRef, Scenario};

/// One what-if: set the parameter at `path` to `value`. `text` is the original
/// `PATH=VALUE`, kept so that a diagnostic can point into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub path: String,
    pub value: f64,
    pub text: String,
}

/// An override as applied: the path, the new value and the value it replaced (the file's,
/// after `extends` and derivations).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Applied {
    /// The parameter path as given (`rivalry.SRB-XKX.monitoring`).
    pub path: String,
    /// The value set.
    pub value: f64,
    /// The value it replaced (the file's, after `extends` and derivations).
    pub replaced: f64,
    /// Whether the file did not write `replaced` but derived it from other values
    /// (a capability from its budget: [`Scenario::derived_here`]); the table and the page
    /// say "derived in the file" there, not "file". Not in the JSON, whose `replaced` is the
    /// value either way (docs/OUTPUT.md).
    #[serde(skip)]
    pub replaced_derived: bool,
}

/// The what-ifs of `list` in effect, with their index in it: a path set twice (`--set` and
/// `--set-b`, or `--set-b` twice) is shown once, at its last setting, the value the runs
/// used (each entry's `replaced` is the file's value).
pub fn in_effect(list: &[Applied]) -> impl Iterator<Item = (usize, &Applied)> {
    list.iter()
        .enumerate()
        .filter(|(i, o)| !list[i + 1..].iter().any(|later| later.path == o.path))
}

impl Applied {
    /// Whether the path set is a switch (`policy.ID.enabled`), set with `true` / `false`.
    pub fn is_switch(&self) -> bool {
        super::path::ParamRef::spec_by_shape(&self.path).is_some_and(|s| s.is_switch())
    }

    /// Where the replaced value came from, as the what-ifs line says it: "file", or
    /// "derived in the file" for a value the file derived rather than wrote.
    pub fn replaced_source(&self) -> &'static str {
        if self.replaced_derived {
            "derived in the file"
        } else {
            "file"
        }
    }

    /// The value set and the value it replaced as the report shows them: a switch
    /// (`policy.ID.enabled`) in the words of the scenario file, `true` / `false`, not 1 / 0;
    /// any other parameter as its number.
    pub fn shown(&self) -> (String, String) {
        let switch = self.is_switch();
        // A date (`policy.ID.start`) as its month, as the file writes it.
        let date = super::path::ParamRef::spec_by_shape(&self.path).is_some_and(|s| s.is_date());
        let word = |x: f64| {
            if switch {
                (if x != 0.0 { "true" } else { "false" }).to_string()
            } else if date && x.is_finite() {
                super::year_month_of(x).to_string()
            } else {
                x.to_string()
            }
        };
        (word(self.value), word(self.replaced))
    }
}

impl Override {
    /// A fault of this setting's value, located from after its `=` to its end.
    fn at_value(&self, origin: &str, message: String) -> Diagnostic {
        let at = self.text.find('=').map_or(0, |i| i + 1);
        Diagnostic::at(origin, &self.text, at..self.text.len(), &self.path, message)
    }

    /// Parse `PATH=VALUE`. `VALUE` is a number (`0.7`, `-1e3`) or `true` / `false`
    /// (1 / 0, for `policy.ID.enabled`). `origin` names where the text came from
    /// (`--set`) for the diagnostic.
    pub fn parse(text: &str, origin: &str) -> Result<Override, Box<Diagnostic>> {
        // No `=`, or nothing before it (`=0.7`): no path to set.
        let Some((path, value)) = text
            .split_once('=')
            .filter(|(path, _)| !path.trim().is_empty())
        else {
            return Err(Box::new(
                Diagnostic::at(
                    origin,
                    text,
                    0..text.len(),
                    "",
                    format!("expected PATH=VALUE, found `{text}`"),
                )
                .with_help(Some(
                    "for example --set rivalry.SRB-XKX.monitoring=0.7 (paths: docs/SCENARIO.md)"
                        .into(),
                )),
            ));
        };
        let (path, raw) = (path.trim(), value.trim());
        // A date path (`policy.ID.start`) takes the month as the file writes it, `YYYY-MM`,
        // as well as its decimal year.
        let month = ParamRef::spec_by_shape(path)
            .is_some_and(|s| s.is_date())
            .then(|| month_text(raw))
            .flatten();
        let value = match raw {
            _ if month.is_some() => month,
            "true" => Some(1.0),
            "false" => Some(0.0),
            // A literal that reads as 0 although it is not (`1e-400`) is refused as in a file.
            _ => super::input::value_text(raw, "a number").ok(),
        };
        match value {
            Some(value) => Ok(Override {
                path: path.to_string(),
                // `-0` is 0: recorded (the report's overrides) and applied as 0.
                value: value + 0.0,
                text: text.to_string(),
            }),
            None => {
                let at = text.find('=').map_or(0, |i| i + 1);
                Err(Box::new(Diagnostic::at(
                    origin,
                    text,
                    at..text.len(),
                    path,
                    format!("expected a finite number (or true / false), found `{raw}`"),
                )))
            }
        }
    }
}

/// `YYYY-MM` (a month 01 to 12) as its decimal year, `year + (month - 1) / 12`; None for any
/// other text.
fn month_text(raw: &str) -> Option<f64> {
    let (y, m) = raw.split_once('-')?;
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4) || !digits(m, 2) {
        return None;
    }
    let (year, month) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    (1..=12)
        .contains(&month)
        .then(|| super::path::decimal_year(super::YearMonth { year, month }))
}

/// Apply overrides in order (a later one on the same path wins), each checked like the same
/// edit in the file: unknown paths get the closest valid path, values outside the range get
/// the range. On any problem nothing is reported as applied and the error lists them all.
pub fn apply(
    scenario: &mut Scenario,
    overrides: &[Override],
    origin: &str,
) -> Result<Vec<Applied>, Diagnostics> {
    let mut applied: Vec<Applied> = Vec::with_capacity(overrides.len());
    let mut diags = Diagnostics::default();
    for o in overrides {
        let target = match ParamRef::resolve(&o.path, scenario) {
            Ok(t) => t,
            Err(e) => {
                diags.0.push(unknown_path(origin, &o.text, &o.path, e));
                continue;
            }
        };
        let raw = o.text.split_once('=').map_or("", |(_, v)| v.trim());
        if matches!(raw, "true" | "false") && !matches!(target, ParamRef::PolicyEnabled { .. }) {
            // The wording of `war_cost = true` in a scenario file.
            diags.0.push(o.at_value(
                origin,
                format!("expected {}, found boolean", target.spec().expected()),
            ));
            continue;
        }
        // A path set twice: the earlier setting's value, put right by `record_files_values`.
        let replaced = scenario.get(target);
        let replaced_derived = scenario.derived_here(target);
        if scenario.set(target, o.value).is_err() {
            // The value as written (`1e308`, not its 309 digits), in the words the same value
            // gets in a scenario file, a policy change or a sweep.
            let (message, help) = super::params::range_fault(&o.path, &target.spec(), raw);
            diags.0.push(o.at_value(origin, message).with_help(help));
            continue;
        }
        // A ramp of a policy that turns a switch, as the file's `ramp_years` is refused.
        if let ParamRef::PolicyValue {
            policy,
            field: super::PolicyField::RampYears,
        } = target
            && let p = &scenario.policies[policy]
            && p.ramps()
            && let Some(c) = p.changes.iter().find(|c| c.target.spec().is_switch())
        {
            diags.0.push(
                o.at_value(
                    origin,
                    format!(
                        "`ramp_years = {raw}` would ramp `{}`, a switch (0 or 1), through \
                         fractions the model reads as on",
                        c.path
                    ),
                )
                .with_help(Some(format!(
                    "a switch turns at once: policy `{}` changes `{}`, so its changes cannot \
                     ramp",
                    p.id, c.path
                ))),
            );
            continue;
        }
        applied.push(Applied {
            path: o.path.clone(),
            value: o.value,
            replaced,
            replaced_derived,
        });
    }
    // The protectors' private resolve with alliance restraint, or their two moves with their
    // one move at the attack, one of them set here (the scenario's file refuses them together
    // in its `[model]`): said at the last setting of either.
    if !diags.has_errors()
        && let Some((keys, change, (message, help))) = super::read::refused_pair_reached(scenario)
        && let Some(o) = overrides.iter().rev().find(|o| {
            o.path
                .strip_prefix("model.")
                .is_some_and(|k| keys.contains(&k))
                || change.is_some_and(|(p, _)| {
                    o.path
                        .strip_prefix("policy.")
                        .and_then(|r| r.strip_prefix(scenario.policies[p].id.as_str()))
                        .is_some_and(|r| r.starts_with('.'))
                })
        })
    {
        let at = o.text.find(&o.path).unwrap_or(0);
        diags.0.push(
            Diagnostic::at(origin, &o.text, at..at + o.path.len(), &o.path, message)
                .with_help(Some(help)),
        );
    }
    record_files_values(&mut applied);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(applied)
    }
}

/// The text `PATH=VALUE` (from `origin`) whose `path` does not resolve (`e`): the message at
/// the path, with the closest valid path or, for a setting of the run, the flag that sets it.
fn unknown_path(
    origin: &str,
    text: &str,
    path: &str,
    e: super::path::PathError,
) -> Diagnostic {
    let help = match e.suggestion {
        Some(s) => Some(format!("did you mean `{s}`?")),
        None => setting_help(path, text.split_once('=').map_or("", |x| x.1), origin).or(e.hint),
    };
    let start = text.find(path).unwrap_or(0);
    Diagnostic::at(origin, text, start..start + path.len(), path, e.message).with_help(help)
}

/// The help for a path that names a setting of the run rather than a parameter
/// (`scenario.runs`, `seed`, `scenario.horizon_years`, `threads`): the flag that sets it,
/// `--runs 5` on the command line, `runs=5` in Python (an `origin` not starting with `--`).
fn setting_help(path: &str, value: &str, origin: &str) -> Option<String> {
    let mut parts = path.split('.');
    let (first, last) = (parts.next()?, path.rsplit('.').next()?);
    if path.split('.').count() > 2 || (path.contains('.') && first != "scenario") {
        return None;
    }
    let name = ["runs", "seed", "horizon_years", "threads"]
        .into_iter()
        .find(|n| *n == last)?;
    let value = value.trim();
    // A value the setting cannot take (`runs=many`) is not echoed as advice: the usage's
    // placeholder instead (`--runs N`).
    let value = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value
    } else {
        match name {
            "runs" => "N",
            "seed" => "S",
            "horizon_years" => "Y",
            _ => "T",
        }
    };
    let given = if origin.starts_with("--") {
        format!("--{} {value}", name.replace('_', "-"))
    } else {
        format!("{name}={value}")
    };
    Some(format!(
        "`{name}` is a setting of the run, not a parameter of the scenario: give `{given}`"
    ))
}

/// A `set = { "PATH" = VALUE, ... }` table of a file (a sweep's `[[policy]]`, a calibration),
/// the value `v` at key path `at`: each path resolved and each value range-checked in every
/// scenario of `scenarios` and set there, in the file's order, with the messages of `--set`
/// for the same fault (an unknown path with its did-you-mean, a value out of range with the
/// range), located at the key or the value in the file. A fault is reported once, for the
/// first scenario it is found in. Returns the `(path, value)` pairs set, or None (after
/// reporting) when anything was wrong; `true` / `false` read as 1 / 0.
///
/// `labels` names each scenario (a calibration's "(in the scenario `FILE` of case `ID`)"), or
/// is empty: a path that resolves in some of the scenarios but not in one is reported with
/// that one's label after the message ([`missing_in_one`]).
pub(crate) fn read_set_table(
    inp: &mut super::input::Input<'_>,
    v: &super::input::Val<'_>,
    at: &str,
    scenarios: &mut [&mut Scenario],
    labels: &[String],
) -> Option<Vec<(String, f64)>> {
    let table = inp.table(v, at)?;
    let mut settings = Vec::new();
    let mut ok = true;
    // The parameters set so far (as the first scenario resolves them) and each one's key: a
    // table cannot hold one key twice, but two spellings of one parameter (a policy change's
    // `name` and its `changes[K].OP`) it can, and the second replaced the first unsaid.
    let mut seen: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut first_keys: Vec<(String, String)> = Vec::new();
    'keys: for (k, v) in table.iter() {
        let path: &str = k.get_ref();
        let kp = format!("{at}.\"{path}\"");
        if let Some(target) = scenarios
            .first()
            .and_then(|s| ParamRef::resolve(path, s).ok())
        {
            let key = format!("{target:?}");
            let first = first_keys
                .iter()
                .find(|(t, _)| *t == key)
                .map(|(_, f)| f.clone());
            if !inp.check_duplicate(&mut seen, &key, k.span(), &kp, |line| {
                format!(
                    "`{path}` is set twice: it is the same scenario parameter as `{}` (line \
                     {line})",
                    first.unwrap_or_default()
                )
            }) {
                ok = false;
                continue 'keys;
            }
            first_keys.push((key, path.to_string()));
        }
        let value = match v.get_ref() {
            toml::de::DeValue::Boolean(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        };
        let mut value = value;
        let resolves: Vec<bool> = scenarios
            .iter()
            .map(|s| ParamRef::resolve(path, s).is_ok())
            .collect();
        for (i, s) in scenarios.iter_mut().enumerate() {
            let target = match ParamRef::resolve(path, s) {
                Ok(r) => r,
                Err(e) => {
                    let e = missing_in_one(e, i, &resolves, labels);
                    inp.error(k.span(), &kp, e.message.clone()).help = e.help();
                    ok = false;
                    continue 'keys;
                }
            };
            if value.is_none() {
                // The expectation names the range, as the scenario file and `--set` do.
                value = inp.number(v, &kp, &target.spec().expected());
            }
            let Some(x) = value else {
                ok = false;
                continue 'keys;
            };
            if s.set(target, x).is_err() {
                let found = inp.literal(v.span());
                let (message, help) = super::params::range_fault(path, &target.spec(), &found);
                inp.error(v.span(), &kp, message).help = help;
                ok = false;
                continue 'keys;
            }
        }
        if let Some(x) = value {
            // `-0` is recorded as 0, as `--set` records it.
            settings.push((path.to_string(), x + 0.0));
        }
    }
    ok.then_some(settings)
}

/// A path that did not resolve in scenario `i` (`e`) of several, `resolves` saying where it
/// does: when it resolves in another one and the scenarios are named (`labels`), the message
/// names the one it is missing in ("`PATH` is not a parameter of this scenario (in the
/// scenario `FILE` of case `ID`)"); else `e` as it is, the message of `--set` in one scenario.
pub(crate) fn missing_in_one(
    mut e: super::path::PathError,
    i: usize,
    resolves: &[bool],
    labels: &[String],
) -> super::path::PathError {
    if let Some(label) = labels.get(i)
        && resolves.iter().any(|&r| r)
    {
        e.message = format!("{} {label}", e.message);
    }
    e
}

/// The words of [`policy_resets`] for values a prior draws: a scenario's `[[uncertain]]`
/// entry, and a posterior (`--posterior`) used as the prior of a nested run, in the same
/// words for the same fault.
pub(crate) const PRIOR_RESET: (&str, &str, &str) = (
    "the scenario",
    "the values this prior draws",
    "(`enabled = false` in its [[policy]] table)",
);

/// The warning for a value given to `path` (`target`) of `scenario` that an enabled policy of
/// the scenario later changes: one `(message, help)` per such policy that starts before the
/// horizon ends (`horizon_years`, else the scenario's own), saying which policy, from which
/// month and how: a `set` overrides the value given from then on; a `scale` or an `add`
/// acts on it (the value given still counts), said as such. `scenario_noun` names the scenario ("the
/// scenario", "the base scenario") and `given` what gave the value ("the value `--set`
/// gives it", "the values this sweep gives it"): the one wording of `--set`, Python's
/// `set=` and a sweep's parameters. The help ends with `disable`, how to disable it there.
pub(crate) fn policy_resets(
    scenario: &Scenario,
    target: ParamRef,
    path: &str,
    horizon_years: Option<u32>,
    (scenario_noun, given, disable): (&str, &str, &str),
) -> Vec<(String, String)> {
    let horizon = i64::from(horizon_years.unwrap_or(scenario.meta.horizon_years)) * 12;
    scenario
        .policies
        .iter()
        .filter(|x| x.enabled && scenario.meta.start.months_until(x.start) < horizon)
        .filter(|x| x.changes.iter().any(|c| c.target == target))
        .map(|policy| {
            let ops: Vec<ChangeOp> = policy
                .changes
                .iter()
                .filter(|c| c.target == target)
                .map(|c| c.op)
                .collect();
            let head = format!(
                "{scenario_noun}'s policy `{}` changes `{path}` from {:04}-{:02}",
                policy.id, policy.start.year, policy.start.month
            );
            let disable = disable.replace("{id}", &policy.id);
            if ops.iter().any(|op| matches!(op, ChangeOp::Set(_))) {
                // A `set` replaces the value given: it no longer counts from the date on.
                return (
                    format!("{head}: from then on it overrides {given}"),
                    format!(
                        "vary the policy instead (`policy.{}.enabled`, or its change's value), or disable it {disable}",
                        policy.id
                    ),
                );
            }
            // `scale` and `add` act on the value given: it still counts after the date.
            let acts: Vec<String> = ops
                .iter()
                .enumerate()
                .map(|(i, op)| {
                    let what = if i == 0 { given } else { "it" };
                    match op {
                        ChangeOp::Scale(v) => format!("scales {what} by {v}"),
                        ChangeOp::Add(v) => format!("adds {v} to {what}"),
                        ChangeOp::Set(v) => format!("sets {what} to {v}"),
                    }
                })
                .collect();
            (
                format!("{head}: from then on it {}", acts.join(", then ")),
                format!(
                    "the value given still counts: the policy acts on it from that month; to keep the value as given, disable the policy {disable}"
                ),
            )
        })
        .collect()
}

/// Warnings for `PATH=VALUE` texts (`--set`, Python's `set=`) applied to `scenario`: each
/// path an enabled policy of the scenario changes later ([`policy_resets`]), pointing at the
/// path in the text. Checked on the scenario as overridden, so `policy.ID.enabled=false`
/// among the texts silences its policy. Texts that do not parse or resolve are skipped (their
/// errors come from [`apply_texts`]). `flag` names what gave the values (`--set`, `set=`).
pub fn policy_warnings<S: AsRef<str>>(
    scenario: &Scenario,
    texts: &[S],
    origin: &str,
    flag: &str,
) -> Diagnostics {
    let given = format!("the value `{flag}` gives it");
    let mut warnings = Diagnostics::default();
    let mut seen = Vec::new();
    for t in texts {
        let Ok(o) = Override::parse(t.as_ref(), origin) else {
            continue;
        };
        let Ok(target) = ParamRef::resolve(&o.path, scenario) else {
            continue;
        };
        let start = o.text.find(o.path.as_str()).unwrap_or(0);
        // A path set twice: the last value holds (each text is applied in turn), said at the
        // later text; its policy resets are warned about once.
        if let Some((_, earlier)) = seen.iter().find(|(t, _)| *t == target) {
            warnings.0.push(
                Diagnostic::at(
                    origin,
                    &o.text,
                    start..start + o.path.len(),
                    &o.path,
                    format!("set twice (first as `{earlier}`): this later value replaces it"),
                )
                .with_help(Some(format!("give `{flag}` once for each path")))
                .warning(),
            );
            continue;
        }
        seen.push((target, o.text.clone()));
        warnings
            .0
            .extend(replaced_by_prior(&scenario.uncertain, scenario, target, &o, flag));
        for (message, help) in policy_resets(
            scenario,
            target,
            &o.path,
            None,
            (
                "the scenario",
                &given,
                &format!("(`{flag} policy.{{id}}.enabled=false`)"),
            ),
        ) {
            warnings.0.push(
                Diagnostic::at(origin, &o.text, start..start + o.path.len(), &o.path, message)
                    .with_help(Some(help))
                    .warning(),
            );
        }
    }
    warnings
}

/// The warning for a value that override `o` (given by `flag`: `--set`, `--set-b`, `set=`)
/// gives to `target`, a parameter one of `priors` draws: every draw of the nested run
/// replaces it. Located at the prior (its `path` key in the file that declares it), naming
/// the path and the text, with the two ways out. The one wording of `deter run`, `deter
/// compare`, `deter validate` and Python's `set=`.
pub(crate) fn replaced_by_prior(
    priors: &[super::Uncertain],
    scenario: &Scenario,
    target: ParamRef,
    o: &Override,
    flag: &str,
) -> Option<Diagnostic> {
    // Resolved in `scenario`: a prior of the other file of a comparison names the same path.
    let u = priors
        .iter()
        .find(|u| ParamRef::resolve(&u.path, scenario).is_ok_and(|t| t == target))?;
    let (message, help) = replaced_by_draws(&u.path, &o.text, flag, PRIOR_DRAWS);
    Some(u.written_at.warning(&u.path, message, help))
}

/// What draws a parameter, in [`replaced_by_draws`]: what it is called where the warning
/// points ("this prior"), how to remove it ("this [[uncertain]] entry") and what is kept
/// without the value set ("the prior").
pub(crate) type Drawer<'a> = (&'a str, &'a str, &'a str);

/// A scenario's `[[uncertain]]` prior, for [`replaced_by_draws`].
pub(crate) const PRIOR_DRAWS: Drawer<'static> =
    ("this prior", "this [[uncertain]] entry", "the prior");

/// The one wording (message, help) of a value `text` given by `by` (`--set`, a sweep
/// policy's `set`) to `path`, a parameter that `drawer` draws: in every draw the draws
/// replace it. Said at what draws it (a prior, a sweep's parameter or column of draws).
pub(crate) fn replaced_by_draws(
    path: &str,
    text: &str,
    by: &str,
    (what, remove, kept): Drawer<'_>,
) -> (String, String) {
    (
        format!("{what} draws `{path}`: in every draw its values replace the value `{text}` of `{by}`"),
        format!("remove {remove} to run with the value set, or drop `{text}` from `{by}` to keep {kept}"),
    )
}

/// Warnings for `PATH=VALUE` texts (given by `flag`) on parameters that `priors` draw
/// ([`replaced_by_prior`]), for priors that are not the scenario's own: `deter compare`
/// draws A and B from the priors of both files, so B's value is replaced by A's prior too.
/// Texts that do not parse or resolve in `scenario` are skipped.
pub fn prior_warnings<S: AsRef<str>>(
    priors: &[super::Uncertain],
    scenario: &Scenario,
    texts: &[S],
    origin: &str,
    flag: &str,
) -> Diagnostics {
    let mut out = Diagnostics::default();
    for t in texts {
        let Ok(o) = Override::parse(t.as_ref(), origin) else {
            continue;
        };
        let Ok(target) = ParamRef::resolve(&o.path, scenario) else {
            continue;
        };
        if let Some(d) = replaced_by_prior(priors, scenario, target, &o, flag)
            && !out.0.contains(&d)
        {
            out.0.push(d);
        }
    }
    out
}

/// A path set more than once (twice by one `--set`, or by `--set` and compare's `--set-b`)
/// replaced the earlier setting, but the record gives the value the file had (the table's
/// "file: X", the CSV's `replaced`): each later setting of a path takes the first's
/// `replaced`. `applied` in the order the settings were applied.
pub fn record_files_values(applied: &mut [Applied]) {
    for i in 1..applied.len() {
        if let Some(first) = applied[..i].iter().find(|a| a.path == applied[i].path) {
            let (replaced, derived) = (first.replaced, first.replaced_derived);
            applied[i].replaced = replaced;
            applied[i].replaced_derived = derived;
        }
    }
}

/// Parse and apply `PATH=VALUE` texts in one step (what `--set` and Python's `set=` do),
/// reporting every problem: malformed texts, unknown paths and values out of range.
pub fn apply_texts<S: AsRef<str>>(
    scenario: &mut Scenario,
    texts: &[S],
    origin: &str,
) -> Result<Vec<Applied>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut parsed = Vec::with_capacity(texts.len());
    for t in texts {
        match Override::parse(t.as_ref(), origin) {
            Ok(o) => parsed.push(o),
            Err(d) => diags.0.push(not_a_number(*d, t.as_ref(), scenario)),
        }
    }
    match apply(scenario, &parsed, origin) {
        Ok(applied) if !diags.has_errors() => Ok(applied),
        Ok(_) => Err(diags),
        Err(more) => {
            diags.0.extend(more.0);
            Err(diags)
        }
    }
}

/// The warning of each text of `texts` (given by `origin`: `--set`, `set=`) that moves a
/// gated `[model]` key from its default while its switch stays 0 in `s` (the scenario with
/// the texts applied): the value changes nothing, in the words of the same key written in
/// `[model]`, located at the text's value. Every command with `--set` says it so (`run`,
/// `compare`, `validate`, `calibrate`).
pub fn gated_set_warnings(s: &Scenario, texts: &[String], origin: &str) -> Vec<Diagnostic> {
    let mut added = Vec::new();
    for text in texts {
        let Some((path, _)) = text.split_once('=') else {
            continue;
        };
        let Ok(ParamRef::Model(i)) = ParamRef::resolve(path.trim(), s) else {
            continue;
        };
        let key = super::params::ModelParams::FIELDS[i].key;
        let Some((gate, when)) = super::read::gate_of(key) else {
            continue;
        };
        if super::read::gate_on(s, gate)
            || s.model.get(i) == super::params::ModelParams::defaults().get(i)
        {
            continue;
        }
        let at = text.find('=').map_or(0, |i| i + 1);
        added.push(
            Diagnostic::at(
                origin,
                text,
                at..text.len(),
                path.trim(),
                format!(
                    "`model.{key}` is read only when {when}: with `model.{gate}` 0 it \
                     changes nothing"
                ),
            )
            .with_help(Some(format!(
                "set `model.{gate}` above 0 as well (e.g. model.{gate}=1), or leave this \
                 value out"
            )))
            .warning(),
        );
    }
    added
}

/// The warnings of a scenario as it is run once `--set` texts replaced values of it: the
/// file's `warnings` (checked at the horizon run), less those about the start of a policy
/// that a text dates anew and those about a gated `[model]` key whose switch a text turns
/// on, plus those the new date brings (a start after the horizon ends, or before the
/// scenario starts), at the text, in the file's words. `s`: the scenario with the
/// texts applied and the horizon run; `sets`: each text with its origin (`--set`, `set=`);
/// `horizon`: the horizon the caller gave (`--horizon-years`, `horizon_years`), if any.
pub fn warnings_with_sets(
    s: &Scenario,
    warnings: Diagnostics,
    sets: &[(&[String], &str)],
    horizon: Option<crate::settings::GivenHorizon>,
) -> Diagnostics {
    let mut redated: Vec<&str> = Vec::new();
    let mut added = Vec::new();
    for (texts, origin) in sets {
        for text in texts.iter() {
            let Some((path, _)) = text.split_once('=') else {
                continue;
            };
            let Ok(ParamRef::PolicyValue {
                policy,
                field: crate::scenario::PolicyField::Start,
            }) = ParamRef::resolve(path.trim(), s)
            else {
                continue;
            };
            let p = &s.policies[policy];
            redated.push(&p.id);
            let at = text.find('=').map_or(0, |i| i + 1);
            for (message, help) in super::read::policy_date_warnings(
                s.meta.start,
                s.meta.horizon_years,
                horizon,
                &p.id,
                p.start,
            ) {
                added.push(
                    Diagnostic::at(origin, text, at..text.len(), path.trim(), message)
                        .with_help(Some(help))
                        .warning(),
                );
            }
        }
    }
    // A gated `[model]` key a text moves from its default while its switch stays 0 in
    // what is run: in the words of the same key written in `[model]`, at the text.
    for (texts, origin) in sets {
        added.extend(gated_set_warnings(s, texts, origin));
    }
    // A country's currency figures a text changes: checked as the file's are, with the
    // values run, at the last text that changes them (the file's own warnings of that
    // country's figures no longer hold and are left out).
    let mut recounted: Vec<usize> = Vec::new();
    // A currency warning said at a text's value (`PATH=VALUE`), under its path.
    let at_value = |origin: &str, text: &str, w: super::read::CurrencyWarning| {
        let path = text.split_once('=').map_or("", |(p, _)| p.trim());
        let at = text.find('=').map_or(0, |i| i + 1);
        Diagnostic::at(origin, text, at..text.len(), path, w.message)
            .with_help(Some(w.help.into()))
            .warning()
    };
    let mut at_text: Vec<(usize, &str, &String)> = Vec::new();
    for (texts, origin) in sets {
        for text in texts.iter() {
            let Some((path, _)) = text.split_once('=') else {
                continue;
            };
            let country = match ParamRef::resolve(path.trim(), s) {
                Ok(ParamRef::Military { country, .. } | ParamRef::Economic { country, .. }) => country,
                _ => continue,
            };
            at_text.retain(|(c, _, _)| *c != country);
            at_text.push((country, origin, text));
            if !recounted.contains(&country) {
                recounted.push(country);
            }
        }
    }
    for (country, origin, text) in &at_text {
        for w in super::read::currency_warnings(&s.countries[*country]) {
            added.push(at_value(origin, text, w));
        }
    }
    // A power's or deployment's capability a text sets: checked as the file's is, the
    // file's warning of the figure it replaces left out.
    let mut replaced_capability: Vec<String> = Vec::new();
    for (texts, origin) in sets {
        for text in texts.iter() {
            let Some((path, _)) = text.split_once('=') else {
                continue;
            };
            let Some((entity, cap)) = ParamRef::resolve(path.trim(), s)
                .ok()
                .and_then(|r| Some((super::read::outside_capability_of(s, r)?, s.get(r))))
            else {
                continue;
            };
            replaced_capability.push(super::read::outside_capability_words(&entity));
            let largest = super::read::largest_capability(s);
            if let Some(w) = super::read::outside_capability_warning(&entity, cap, largest) {
                added.push(at_value(origin, text, w));
            }
        }
    }
    // A country's figure a text changes moves the largest capability stock: every other
    // power's and deployment's capability is checked again against the scenario run, the
    // file's warnings of them left out (their ratio was the file's), and a warning that
    // still holds said at the last such text.
    let moves_a_stock = |text: &str| {
        let path = text.split_once('=').map_or("", |(p, _)| p.trim());
        matches!(
            ParamRef::resolve(path, s),
            Ok(ParamRef::Military { field, .. }) if matches!(
                super::MilitaryParams::FIELDS[field].key,
                "budget" | "capability" | "procurement_efficiency" | "investment_share" | "depreciation"
            )
        )
    };
    let stock_text = sets
        .iter()
        .flat_map(|(texts, origin)| texts.iter().map(move |t| (*origin, t)))
        .rfind(|(_, t)| moves_a_stock(t));
    if let Some((origin, text)) = stock_text {
        let largest = super::read::largest_capability(s);
        for (kind, id, cap) in super::read::outside_capabilities(s) {
            let entity = format!("{kind}.{id}");
            let words = super::read::outside_capability_words(&entity);
            if replaced_capability.contains(&words) {
                continue;
            }
            replaced_capability.push(words);
            if let Some(w) = super::read::outside_capability_warning(&entity, cap, largest) {
                added.push(at_value(origin, text, w));
            }
        }
    }
    let currency_of_recounted = |d: &Diagnostic| {
        recounted.iter().any(|c| d.path.starts_with(&format!("country[{c}]."))
            && (d.message.starts_with("implausible currency figures")
                || d.message.starts_with("GDP ")))
    };
    let mut out: Vec<Diagnostic> = warnings
        .0
        .into_iter()
        .filter(|d| {
            !redated
                .iter()
                .any(|id| d.message.starts_with(&format!("policy `{id}` starts ")))
                && !currency_of_recounted(d)
                && !replaced_capability
                    .iter()
                    .any(|w| d.message.starts_with(w.as_str()))
        })
        .collect();
    for d in added {
        // Each once (a text given twice, or for A and B alike).
        if !out.contains(&d) {
            out.push(d);
        }
    }
    // A gated key's switch a text turns on (`model.fait_accompli=1`): the key is read.
    super::drop_gated_warnings(&mut out, |gate| s.get(gate) != 0.0);
    Diagnostics(out)
}

/// A value that is not a finite number, on a path of `scenario`: the message the same value
/// gets in a scenario file (`[model] war_cost = nan`), with the parameter's range. `nan` and
/// `inf` get "found NaN" / "found inf" and the file's help line, a number beyond the floats
/// "found `1e999`, a number too large to use", anything else "found `TEXT`". A path that
/// does not resolve is the fault named, with its did-you-mean, as in a file (a policy's
/// `{ path = "country.XKX.status", set = "nato_member" }`: "is not a parameter of this
/// scenario"; a value's expectation means nothing without a parameter). `d` (the parse's own
/// message) is kept for a text without `=`.
fn not_a_number(d: Diagnostic, text: &str, scenario: &Scenario) -> Diagnostic {
    let Some((path, raw)) = text.split_once('=') else {
        return d;
    };
    let (path, raw) = (path.trim(), raw.trim());
    if path.is_empty() {
        // `=0.7`: no path, the parse's "expected PATH=VALUE" (it was "`` is not a parameter").
        return d;
    }
    let target = match ParamRef::resolve(path, scenario) {
        Ok(target) => target,
        Err(e) => return unknown_path(&d.file, text, path, e),
    };
    let expected = target.spec().expected();
    let Err((message, help)) = super::input::value_text(raw, &expected) else {
        return d;
    };
    let at = text.find('=').map_or(0, |i| i + 1);
    Diagnostic::at(&d.file, text, at..text.len(), path, message).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Scenario {
        super::super::parse_str(super::super::TEMPLATE, "template.toml").expect("template")
    }

    #[test]
    fn sets_a_value_and_records_what_it_replaced() {
        let mut s = baseline();
        let path = s
            .all_paths()
            .into_iter()
            .find(|p| p.ends_with(".monitoring"));
        let path = path.expect("the template has a rivalry");
        let target = ParamRef::resolve(&path, &s).unwrap();
        let before = s.get(target);
        let applied = apply_texts(&mut s, &[format!("{path}=0.25")], "--set").unwrap();
        assert_eq!(s.get(target), 0.25);
        assert_eq!(applied[0].replaced, before);
        assert_eq!(applied[0].value, 0.25);
    }

    #[test]
    fn unknown_path_gets_a_did_you_mean_and_bad_values_the_range() {
        let mut s = baseline();
        let err = apply_texts(
            &mut s,
            &[
                "model.war_cots=1.0",
                "model.war_cost=-5",
                "model.war_cost=abc",
            ],
            "--set",
        )
        .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.0.len(), 3, "{text}");
        // The file's wording, with the range: `[model] war_cost = "abc"` in a scenario.
        assert!(
            text.contains("expected a number in [0, 10] (stake units), found `abc`"),
            "{text}"
        );
        assert!(text.contains("did you mean `model.war_cost`?"), "{text}");
        assert!(text.contains("expected"), "{text}");
        // Parse errors first, then path and range errors, each pointing into its text.
        assert_eq!(err.0[0].path, "model.war_cost");
        assert_eq!(err.0[1].path, "model.war_cots");
        assert_eq!((err.0[1].line, err.0[1].col), (1, 1));
        assert_eq!(err.0[2].col, "model.war_cost=".len() + 1);
    }

    #[test]
    fn a_boolean_for_a_numeric_parameter_is_a_type_error() {
        let mut s = baseline();
        for v in ["true", "false"] {
            let err = apply_texts(&mut s, &[format!("model.war_cost={v}")], "--set").unwrap_err();
            let text = err.to_string();
            // The wording of `[model] war_cost = true` in a scenario file.
            assert!(
                text.contains("expected a number in [0, 10] (stake units), found boolean"),
                "{text}"
            );
            assert!(text.contains("model.war_cost"), "{text}");
        }
    }

    /// A refused pair of `[model]` switches (docs/MODEL.md 7.7): `first` then `second` in a
    /// file's `[model]` refused at `second`'s value with `first`'s name and the help to set
    /// `second` to 0, either alone read; by `--set`, refused at the setting that makes the
    /// pair, whichever comes first, and the first setting alone read.
    fn assert_pair_refused(first: (&str, &str), second: (&str, &str), set_first: &str) {
        let template = super::super::TEMPLATE;
        let line_of = |(k, v): (&str, &str)| format!("{k} = {v}\n");
        let both = template.replacen(
            "[model]\n",
            &format!("[model]\n{}{}", line_of(first), line_of(second)),
            1,
        );
        assert_ne!(both, template, "the template has a [model] table");
        let err = super::super::parse_str(&both, "t.toml").unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.path, format!("model.{}", second.0), "{err}");
        let line = both.lines().position(|l| l.starts_with(second.0)).unwrap() + 1;
        assert_eq!((d.line, d.col), (line, second.0.len() + 4), "{err}");
        let text = err.to_string();
        let with = format!("cannot be combined with `model.{}` ({})", first.0, first.1);
        assert!(text.contains(&with), "{text}");
        assert!(text.contains(&format!("set `{}` to 0", second.0)), "{text}");
        for one in [first, second] {
            let alone = template.replacen("[model]\n", &format!("[model]\n{}", line_of(one)), 1);
            assert!(super::super::parse_str(&alone, "t.toml").is_ok(), "{one:?}");
        }
        let as_set = |(k, v): (&str, &str)| format!("model.{k}={v}");
        for texts in [
            [as_set(first), as_set(second)],
            [as_set(second), format!("model.{}={set_first}", first.0)],
        ] {
            let mut s = baseline();
            let err = apply_texts(&mut s, &texts, "--set").unwrap_err();
            let text = err.to_string();
            assert_eq!(err.0.len(), 1, "{text}");
            assert_eq!(err.0[0].path, texts[1].split('=').next().unwrap(), "{text}");
            assert!(text.contains("cannot be combined with"), "{text}");
            let mut s = baseline();
            assert!(apply_texts(&mut s, &texts[..1], "--set").is_ok());
        }
    }

    /// The protectors' private resolve with alliance restraint is refused where it is set;
    /// with the file's restraint on, a `--set` of the spread alone is refused too.
    #[test]
    fn the_private_resolve_with_restraint_is_refused_where_it_is_set() {
        assert_pair_refused(("protector_restraint", "1"), ("resolve_spread", "0.5"), "2");
        let template = super::super::TEMPLATE;
        let mut s = super::super::parse_str(
            &template.replacen("[model]\n", "[model]\nprotector_restraint = 1\n", 1),
            "t.toml",
        )
        .unwrap();
        let err = apply_texts(&mut s, &["model.resolve_spread=1".to_string()], "--set");
        assert!(err.unwrap_err().to_string().contains("cannot be combined with"));
    }

    /// The protectors' two moves with their one move at the attack are refused where they
    /// are set; one of them alone is read.
    #[test]
    fn the_two_moves_with_the_move_at_the_attack_are_refused_where_they_are_set() {
        assert_pair_refused(("commitment_at_attack", "1"), ("protector_moves_twice", "1"), "1");
    }

    #[test]
    fn missing_equals_sign_is_refused() {
        let err = Override::parse("model.war_cost", "--set").unwrap_err();
        assert!(err.message.contains("PATH=VALUE"), "{}", err.message);
    }

    /// An unknown path with a value that is not a number (`country.BBB.status=nato_member`,
    /// a misspelt path with a word) said "expected a finite number (or true / false)" and hid
    /// the path's did-you-mean; a policy's change in a file names the path. Now `--set` too.
    #[test]
    fn an_unknown_path_is_named_whatever_its_value() {
        for (text, help) in [
            (
                "rivalry.AAA-BBB.monitorin=high",
                Some("did you mean `rivalry.AAA-BBB.monitoring`?"),
            ),
            ("rivalry.AAA-BBB.monitorin=0.5", Some("did you mean `rivalry.AAA-BBB.monitoring`?")),
            (
                "country.BBB.status=nato_member",
                Some(super::super::path::PATH_FORMS),
            ),
            (
                "runs=many",
                Some("`runs` is a setting of the run, not a parameter of the scenario: give `--runs N`"),
            ),
        ] {
            let mut s = baseline();
            let err = apply_texts(&mut s, &[text], "--set").unwrap_err();
            assert_eq!(err.0.len(), 1, "{text}");
            let path = text.split_once('=').unwrap().0;
            assert_eq!(
                err.0[0].message,
                format!("`{path}` is not a parameter of this scenario"),
                "{text}"
            );
            assert_eq!(err.0[0].help.as_deref(), help, "{text}");
        }
        // A known path with a word: the parameter's range, as before.
        let err = apply_texts(&mut baseline(), &["rivalry.AAA-BBB.monitoring=high"], "--set")
            .unwrap_err();
        assert_eq!(err.0[0].message, "expected a number in [0, 1], found `high`");
    }

    /// `--set =0.7` said "`` is not a parameter of this scenario", with no help.
    #[test]
    fn an_empty_path_is_refused_as_a_missing_one() {
        for text in ["=0.7", " =0.7"] {
            let err = Override::parse(text, "--set").unwrap_err();
            assert_eq!(err.message, format!("expected PATH=VALUE, found `{text}`"));
            assert!(err.help.is_some());
        }
    }
}
