//! Calibration files (`deter calibrate CALIB.toml`, docs/CALIBRATION.md): which cases, which
//! parameters with which priors (the distributions sweeps use), which summary statistics, the
//! observation model and the budget. TOML with spans -> a validated [`Calibration`].

use std::path::{Path, PathBuf};

use std::ops::Range;

use toml::de::DeTable;

use super::abc::Settings;
use super::observe::{Observation, Statistic};
use super::record::{Record, load_case};
use crate::scenario::input::{self, FileKind, Input, join, lookup};
use crate::scenario::{Diagnostic, Diagnostics, ParamRef, Scenario, closest};
use crate::sweep::spec::{Bounds, Kind, Parameter, Role, read_range};

/// Largest calibration file accepted, in bytes.
pub const MAX_CALIB_BYTES: usize = 1024 * 1024;
/// Most parameters.
pub const MAX_PARAMETERS: usize = 32;
/// Most particles per generation.
pub const MAX_PARTICLES: u64 = 100_000;

/// One case: its record, its validated start-year scenario and its rivalries' indices.
#[derive(Debug, Clone)]
pub struct Case {
    pub record: Record,
    pub scenario: Scenario,
    pub rivalries: Vec<usize>,
    /// Each calibrated parameter resolved in this case's scenario: usually one reference; none
    /// for a parameter of another case; one per rivalry for a case parameter on `rivalry.*`.
    pub targets: Vec<Vec<ParamRef>>,
    /// Left out of the distance (leave-one-case-out): simulated only for the predictive check.
    pub held_out: bool,
}

/// A validated calibration.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The calibration file as given (tests and messages).
    #[cfg_attr(not(feature = "internals"), allow(dead_code))]
    pub file: String,
    pub name: String,
    pub settings: Settings,
    pub statistics: Vec<Statistic>,
    pub observation: Observation,
    pub parameters: Vec<Parameter>,
    pub cases: Vec<Case>,
    /// Posterior draws simulated for the posterior predictive check in the report.
    pub predictive_draws: usize,
    /// Also attribute each case's probabilities to the defenders' three levels over the
    /// predictive draws (`attribution = true`, `deter calibrate --attribution`): the
    /// predictive runs simulate the seven level-removal variants too (8x their work), and
    /// `attribution.json` and the report carry the Shapley attribution. Off by default.
    pub attribution: bool,
    /// SHA-256 (hex) of the calibration file's content as it was read (`content_sha256`:
    /// comments and layout aside), for its fingerprint.
    pub content_sha256: String,
    /// The same of the file without its settings ([`SETTINGS`]): a state whose settings
    /// differ is said to differ in them only when this fingerprint is the state's.
    pub content_sha256_besides_settings: String,
    /// Parameters fixed for the whole calibration, `(path, value)` in the order given: the
    /// file's `set` table, then `deter calibrate --set` (a later value of a path replaces
    /// its earlier one). Already applied to every case's scenario.
    pub fixed: Vec<(String, f64)>,
    /// The warnings of the cases' scenarios (those `deter validate` gives each), each once,
    /// in the order of the cases: `deter validate` of the file and `deter calibrate` print
    /// them.
    pub warnings: Vec<Diagnostic>,
}

impl Calibration {
    /// The `[[parameter]]` (its index and name) that a fixed `path` would also set: `path`
    /// resolves, in some case's scenario, to a parameter that case calibrates. None when it
    /// is not calibrated (or does not resolve).
    pub fn calibrated_as(&self, path: &str) -> Option<(usize, &str)> {
        self.cases.iter().find_map(|case| {
            let target = ParamRef::resolve(path, &case.scenario).ok()?;
            let i = case.targets.iter().position(|refs| refs.contains(&target))?;
            Some((i, self.parameters[i].path.as_str()))
        })
    }

    /// Fix parameters with `--set PATH=VALUE` texts, on top of the file's `set`: parsed,
    /// resolved and range-checked in every case's scenario by the `--set` of `deter run`
    /// ([`crate::scenario::overrides::apply_texts`], its messages), then refused if a path is
    /// also calibrated. On an error no scenario is changed.
    pub fn fix(&mut self, texts: &[String]) -> Result<(), Diagnostics> {
        use crate::scenario::overrides;
        if texts.is_empty() {
            return Ok(());
        }
        // A path that resolves in some case's scenario but not in another: named by the
        // first case it is missing in, as the file's `set` table names it (missing in every
        // case: `deter run --set`'s message, from `apply_texts` below).
        let labels: Vec<String> = self.cases.iter().map(in_case).collect();
        let mut diags = Diagnostics::default();
        for text in texts {
            let Ok(o) = overrides::Override::parse(text, "--set") else {
                continue;
            };
            let found: Vec<Result<ParamRef, _>> = self
                .cases
                .iter()
                .map(|c| ParamRef::resolve(&o.path, &c.scenario))
                .collect();
            let resolves: Vec<bool> = found.iter().map(Result::is_ok).collect();
            if !resolves.contains(&true) {
                continue;
            }
            if let Some((i, Err(e))) = found.into_iter().enumerate().find(|(_, r)| r.is_err()) {
                let e = overrides::missing_in_one(e, i, &resolves, &labels);
                let start = text.find(o.path.as_str()).unwrap_or(0);
                diags.0.push(
                    Diagnostic::at("--set", text, start..start + o.path.len(), &o.path, e.message.clone())
                        .with_help(e.help()),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let mut scenarios: Vec<Scenario> = self.cases.iter().map(|c| c.scenario.clone()).collect();
        for s in &mut scenarios {
            overrides::apply_texts(s, texts, "--set")?;
        }
        let mut set = Vec::new();
        for text in texts {
            let o = overrides::Override::parse(text, "--set").map_err(|d| Diagnostics(vec![*d]))?;
            if let Some((i, name)) = self.calibrated_as(&o.path) {
                let start = text.find(o.path.as_str()).unwrap_or(0);
                diags.0.push(
                    Diagnostic::at("--set", text, start..start + o.path.len(), &o.path, fixed_and_calibrated(&o.path, i, name))
                        .with_help(Some(FIXED_HELP.into())),
                );
            }
            set.push((o.path, o.value));
        }
        if diags.has_errors() {
            return Err(diags);
        }
        // A gated key fixed while its switch stays 0: `deter run --set`'s warning, once
        // (dropped below when a case's switch is on or a parameter draws it).
        for s in &scenarios {
            for w in overrides::gated_set_warnings(s, texts, "--set") {
                if !self.warnings.contains(&w) {
                    self.warnings.push(w);
                }
            }
        }
        for (case, s) in self.cases.iter_mut().zip(scenarios) {
            case.scenario = s;
        }
        for (path, value) in set {
            match self.fixed.iter_mut().find(|(p, _)| *p == path) {
                Some(f) => f.1 = value,
                None => self.fixed.push((path, value)),
            }
        }
        self.drop_gated_warnings();
        Ok(())
    }

    /// Drop the cases' warnings that a gated `[model]` key changes nothing when what is
    /// simulated turns its switch on: a case's scenario with the switch non-zero (the file's
    /// `set`, `--set`), or a `[[parameter]]` on the switch whose range reaches a non-zero
    /// value (the switch is drawn, so the key is read).
    fn drop_gated_warnings(&mut self) {
        let cases = &self.cases;
        let parameters = &self.parameters;
        crate::scenario::drop_gated_warnings(&mut self.warnings, |gate| {
            cases.iter().any(|c| {
                c.scenario.get(gate) != 0.0
                    || parameters
                        .iter()
                        .zip(&c.targets)
                        .any(|(p, refs)| refs.contains(&gate) && p.domain.reaches_nonzero())
            })
        });
    }

    /// Hold out the cases with these ids (leave-one-case-out). An unknown id is reported as
    /// an unknown `[[parameter]] case` is, located in the `--hold-out` value, with a
    /// did-you-mean over the case ids; a hold-out that leaves no case to calibrate on is
    /// refused.
    pub fn hold_out(&mut self, ids: &[String]) -> Result<(), Diagnostics> {
        let known: Vec<String> = self.cases.iter().map(|c| c.record.id.clone()).collect();
        let mut diags = Diagnostics::default();
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                // The same case twice: refused, as a path set twice in one file is, rather
                // than read as once (the record of the run would name it twice).
                diags.0.push(
                    Diagnostic::at(
                        "--hold-out",
                        id,
                        0..id.len(),
                        "",
                        format!("case `{id}` is held out twice"),
                    )
                    .with_help(Some("give each case to --hold-out once".into())),
                );
                continue;
            }
            match self.cases.iter_mut().find(|c| &c.record.id == id) {
                Some(case) => case.held_out = true,
                None => diags.0.push(
                    Diagnostic::at("--hold-out", id, 0..id.len(), "", unknown_case(id, &known))
                        .with_help(Some(case_help(id, &known))),
                ),
            }
        }
        if diags.0.is_empty() && self.cases.iter().all(|c| c.held_out) {
            diags.0.push(
                Diagnostic::file_level(
                    "--hold-out",
                    "holding out every case leaves no case to calibrate on".into(),
                )
                .with_help(Some(format!(
                    "hold out fewer of the cases: {}",
                    known.join(", ")
                ))),
            );
        }
        if diags.0.is_empty() {
            Ok(())
        } else {
            Err(diags)
        }
    }
}

/// "(in the scenario `FILE` of case `ID`)": which case's scenario a path of the calibration
/// (a `[[parameter]]`'s, a fixed value's) is missing in, after the message of `--set`.
fn in_case(case: &Case) -> String {
    format!(
        "(in the scenario `{}` of case `{}`)",
        case.record.scenario.display(),
        case.record.id
    )
}

/// The message for a fixed path (`set`, `--set`) that a `[[parameter]]` calibrates.
fn fixed_and_calibrated(path: &str, i: usize, name: &str) -> String {
    format!(
        "`{path}` is fixed here but also calibrated by parameter[{i}] (`{name}`): a parameter is either fixed or calibrated"
    )
}

/// The help of [`fixed_and_calibrated`].
const FIXED_HELP: &str = "remove it from `set` / `--set`, or remove its [[parameter]] table";

/// The message for a case id that names no case (`[[parameter]] case`, `--hold-out`).
fn unknown_case(id: &str, known: &[String]) -> String {
    format!("unknown case id `{id}`: the cases are {}", known.join(", "))
}

/// The did-you-mean for an unknown case id, or the list of cases.
fn case_help(id: &str, known: &[String]) -> String {
    match closest(id, known) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("the cases are {}", known.join(", ")),
    }
}

/// Calibration files, for the shared input core.
pub(crate) const CALIBRATION_FILE: FileKind = FileKind {
    noun: "calibration",
    max_bytes: MAX_CALIB_BYTES,
    minimum: "`statistics`, `cases` and one [[parameter]] (see docs/CALIBRATION.md)",
};

/// The calibration file's settings that a state records and compares (`settings` of
/// `state.json`): a state differing in them is another calibration's, said key by key.
pub const SETTINGS: [&str; 7] = [
    "particles",
    "max_generations",
    "quantile",
    "min_acceptance",
    "target_tolerance",
    "max_attempts_per_particle",
    "seed",
];

const TOP_KEYS: [&str; 16] = [
    "attribution",
    "name",
    "description",
    "seed",
    "particles",
    "max_generations",
    "quantile",
    "min_acceptance",
    "target_tolerance",
    "max_attempts_per_particle",
    "predictive_draws",
    "statistics",
    "cases",
    "observation",
    "parameter",
    "set",
];
const PARAM_KEYS: [&str; 7] = [
    "path",
    "range",
    "distribution",
    "mean",
    "sd",
    "mode",
    "case",
];
const ALTERNATIVE_KEYS: [&str; 3] = ["high", "medium", "low"];
/// Read and validate a calibration file.
pub fn load_calibration(path: &Path) -> Result<Calibration, Diagnostics> {
    let shown = path.display().to_string();
    let src = input::read_text(path, &shown, CALIBRATION_FILE)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_calibration(&src, &shown, &dir)
}

/// Validate calibration text; case paths are relative to `dir`. Read through the shared
/// input core (file:line:col, key path, expectation, did-you-mean), as scenario and sweep
/// files are; every record a case names is read with [`super::record::load_case`].
pub fn parse_calibration(src: &str, file: &str, dir: &Path) -> Result<Calibration, Diagnostics> {
    let doc = input::parse(src, file, CALIBRATION_FILE)?;
    let mut r = Input::new(file, src);
    let cal = read(&mut r, doc.get_ref(), doc.span(), file, dir);
    let diags = r.finish();
    match cal {
        // The file's own warnings after its cases' (those of their scenarios).
        Some(mut c) if !diags.has_errors() => {
            c.warnings.extend(diags.0);
            Ok(c)
        }
        _ => Err(diags),
    }
}

/// A `[[parameter]]` on a `[model]` key read only under a switch (`model.restraint_cost`
/// under `model.protector_restraint`) while the switch is 0 in every case it applies to
/// (after the file's `set`) and no parameter draws it above 0: its draws change nothing, so
/// its posterior is its prior, which the outputs would show as calibrated. Warned at its
/// `path` in the words of a prior's and a `--posterior` column's warning on such a key (a
/// sweep's parameter is warned alike), and dropped as they are when `calibrate --set` turns
/// the switch on ([`Calibration::fix`]).
fn warn_gated_parameters(
    r: &mut Input<'_>,
    parameters: &[Parameter],
    cases: &[Case],
    paths: &[(Range<usize>, String)],
) {
    use crate::scenario::params::ModelParams;
    for (i, (p, (span, at))) in parameters.iter().zip(paths).enumerate() {
        let ParamRef::Model(k) = p.target else {
            continue;
        };
        let key = ModelParams::FIELDS[k].key;
        let Some((gate, when)) = crate::scenario::gate_of(key) else {
            continue;
        };
        let Some(g) = ModelParams::index_of(gate).map(ParamRef::Model) else {
            continue;
        };
        let mut applies = cases.iter().filter(|c| c.targets.get(i).is_some_and(|t| !t.is_empty()));
        let on = applies.any(|c| {
            crate::scenario::gate_on(&c.scenario, gate)
                || parameters
                    .iter()
                    .zip(&c.targets)
                    .any(|(q, refs)| refs.contains(&g) && q.domain.reaches_nonzero())
        });
        if on {
            continue;
        }
        let scope = match p.path.split_once('/') {
            Some((case, _)) => format!("in case `{case}`"),
            None => "in every case".to_string(),
        };
        r.warn(
            span.clone(),
            at,
            format!(
                "this parameter calibrates `model.{key}`, which is read only when {when}: with \
                 `model.{gate}` 0 {scope} and no parameter drawing it, the draws change \
                 nothing (its posterior is its prior)"
            ),
        )
        .help = Some(format!(
            "fix `model.{gate}` above 0 in `set`, or calibrate it too, or remove this parameter"
        ));
    }
}

/// An optional integer setting in `[lo, hi]` (its default when absent).
fn int(r: &mut Input<'_>, t: &DeTable<'_>, key: &str, lo: u64, hi: u64, default: u64) -> u64 {
    match lookup(t, key) {
        Some(v) => r.unsigned(v, key, lo, hi).unwrap_or(default),
        None => default,
    }
}

/// An optional number in `[lo, hi]` under `key` of `t` (key path `path`), `default` if absent.
fn real(
    r: &mut Input<'_>,
    t: &DeTable<'_>,
    path: &str,
    key: &str,
    lo: f64,
    hi: f64,
    default: f64,
) -> f64 {
    match lookup(t, key) {
        Some(v) => r.number_in(v, &join(path, key), lo, hi).unwrap_or(default),
        None => default,
    }
}

fn read(
    r: &mut Input<'_>,
    root: &DeTable<'_>,
    span: Range<usize>,
    file: &str,
    dir: &Path,
) -> Option<Calibration> {
    r.check_keys(root, "", &TOP_KEYS);
    let name = match lookup(root, "name") {
        Some(v) => r.label(v, "name"),
        None => Some("calibration".into()),
    };
    if let Some(v) = lookup(root, "description") {
        r.prose(v, "description");
    }
    let d = Settings::default();
    let seed = int(r, root, "seed", 0, i64::MAX as u64, d.seed);
    let particles = int(r, root, "particles", 10, MAX_PARTICLES, d.particles as u64) as usize;
    let max_generations =
        int(r, root, "max_generations", 1, 100, d.max_generations as u64) as usize;
    let max_attempts = int(
        r,
        root,
        "max_attempts_per_particle",
        1,
        1_000_000_000,
        d.max_attempts_per_particle,
    );
    let predictive_draws = int(r, root, "predictive_draws", 0, 100_000, 200) as usize;
    let attribution = match lookup(root, "attribution") {
        Some(v) => r.boolean(v, "attribution").unwrap_or(false),
        None => false,
    };
    let quantile = real(r, root, "", "quantile", 0.05, 0.95, d.quantile);
    let min_acceptance = real(r, root, "", "min_acceptance", 0.0, 1.0, d.min_acceptance);
    let target_tolerance = real(
        r,
        root,
        "",
        "target_tolerance",
        0.0,
        1e12,
        d.target_tolerance,
    );

    let mut observation = Observation::default();
    if let Some(v) = lookup(root, "observation")
        && let Some(o) = r.table(v, "observation")
    {
        r.check_keys(o, "observation", &["detect", "alternative"]);
        if let Some(v) = lookup(o, "detect")
            && let Some(t) = r.table(v, "observation.detect")
        {
            detect(r, t, &mut observation);
        }
        if let Some(v) = lookup(o, "alternative")
            && let Some(t) = r.table(v, "observation.alternative")
        {
            r.check_keys(t, "observation.alternative", &ALTERNATIVE_KEYS);
            for (i, k) in ALTERNATIVE_KEYS.iter().enumerate() {
                let x = observation.alternative[i];
                observation.alternative[i] = real(r, t, "observation.alternative", k, 0.0, 1.0, x);
            }
        }
    }

    let mut statistics = Vec::new();
    if let Some(v) = r.required(
        root,
        span.start..span.start,
        "",
        "statistics",
        "[\"use_of_force\", \"war\"]",
    ) && let Some(items) = r.array(v, "statistics", "an array of statistic names")
    {
        if items.is_empty() {
            r.error(
                v.span(),
                "statistics",
                "name at least one summary statistic".into(),
            )
            .help = Some(format!("one or more of: {}", stat_names().join(", ")));
        }
        let mut seen = Vec::new();
        for (i, s) in items.iter().enumerate() {
            let at = format!("statistics[{i}]");
            let Some(st) = r.choice(s, &at, &Statistic::ALL) else {
                continue;
            };
            let name = Statistic::ALL
                .iter()
                .find(|(_, x)| *x == st)
                .map_or("", |(k, _)| *k);
            if r.check_duplicate(&mut seen, name, s.span(), &at, |line| {
                format!("`{name}` is listed twice (first on line {line})")
            }) {
                statistics.push(st);
            }
        }
    }

    // Cases: each record and its scenario.
    let mut cases: Vec<Case> = Vec::new();
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut case_ok = true;
    if let Some(v) = r.required(
        root,
        span.start..span.start,
        "",
        "cases",
        "[\"serbia-kosovo.record.toml\"]",
    ) && let Some(items) = r.array(v, "cases", "an array of record files")
    {
        if items.is_empty() {
            r.error(v.span(), "cases", "name at least one record file".into())
                .help =
                Some("e.g. cases = [\"serbia-kosovo.record.toml\"] (relative to this file)".into());
            case_ok = false;
        }
        let mut seen = Vec::new();
        for (i, c) in items.iter().enumerate() {
            let at = format!("cases[{i}]");
            let Some(rel) = r.string(c, &at) else {
                case_ok = false;
                continue;
            };
            let path: PathBuf = dir.join(&rel);
            let (record, scenario, rivalries) = match load_case(&path) {
                Ok((record, scenario, rivalries, w)) => {
                    for d in w.0 {
                        if !warnings.contains(&d) {
                            warnings.push(d);
                        }
                    }
                    (record, scenario, rivalries)
                }
                Err(inner) => {
                    if !r.unreadable_named(c.span(), &at, "the record", &rel, &path, &inner) {
                        r.error(
                            c.span(),
                            &at,
                            format!(
                                "the record `{rel}` (at `{}`) is not valid (see below)",
                                path.display()
                            ),
                        );
                        r.diags.extend(
                            input::conceal_not_toml(inner, &path.display().to_string(), "record")
                                .0,
                        );
                    }
                    case_ok = false;
                    continue;
                }
            };
            if !r.check_duplicate(&mut seen, &record.id, c.span(), &at, |line| {
                format!(
                    "case `{}` is listed twice (first on line {line})",
                    record.id
                )
            }) {
                case_ok = false;
                continue;
            }
            if let Some(u) = scenario.uncertain.first() {
                r.error(
                    c.span(),
                    &at,
                    format!(
                        "the scenario `{}` of record `{rel}` declares [[uncertain]] priors (`{}`): \
                         calibrate them as [[parameter]] tables here instead",
                        record.scenario.display(),
                        u.path
                    ),
                );
            }
            cases.push(Case {
                record,
                scenario,
                rivalries,
                targets: Vec::new(),
                held_out: false,
            });
        }
    }

    // Fixed parameters: the `set` table, applied to every case's scenario as `--set` is.
    let mut fixed = Vec::new();
    let mut set_ok = true;
    if case_ok && let Some(v) = lookup(root, "set") {
        let labels: Vec<String> = cases.iter().map(in_case).collect();
        let mut scenarios: Vec<&mut Scenario> = cases.iter_mut().map(|c| &mut c.scenario).collect();
        match crate::scenario::overrides::read_set_table(r, v, "set", &mut scenarios, &labels) {
            Some(f) => fixed = f,
            None => set_ok = false,
        }
    }

    // Parameters, resolved in every case's scenario.
    let mut parameters: Vec<Parameter> = Vec::new();
    let tables = r.entries(root, "parameter");
    if tables.is_empty() || tables.len() > MAX_PARAMETERS {
        let at = lookup(root, "parameter").map_or(span.start..span.start, |v| v.span());
        r.error(
            at,
            "parameter",
            format!(
                "expected 1 to {MAX_PARAMETERS} [[parameter]] tables, found {}",
                tables.len()
            ),
        )
        .help =
            Some("e.g. [[parameter]] with path = \"model.war_cost\" and range = [0.1, 3.0]".into());
    }
    // Case parameters need every case: a broken record would misplace them.
    let mut paths: Vec<(Range<usize>, String)> = Vec::new();
    if case_ok {
        for (i, t, pspan) in tables {
            let p = format!("parameter[{i}]");
            let at = lookup(t, "path").map_or(pspan.clone(), |v| v.span());
            if let Some(x) = parameter(r, t, pspan, &p, &mut cases, &parameters) {
                parameters.push(x);
                paths.push((at, join(&p, "path")));
            }
        }
        warn_gated_parameters(r, &parameters, &cases, &paths);
    }
    let mut cal = Calibration {
        file: file.to_string(),
        name: name.clone().unwrap_or_default(),
        settings: Settings {
            particles,
            max_generations,
            quantile,
            min_acceptance,
            target_tolerance,
            max_attempts_per_particle: max_attempts,
            seed,
        },
        statistics,
        observation,
        parameters,
        cases,
        predictive_draws,
        attribution,
        content_sha256: super::content_sha256(r.src),
        content_sha256_besides_settings: super::content_sha256_without(r.src, &SETTINGS),
        fixed,
        warnings,
    };
    // A fixed path that a [[parameter]] also calibrates is refused at its key.
    if set_ok
        && let Some(v) = lookup(root, "set")
        && let Some(t) = v.get_ref().as_table()
    {
        for (k, _) in t.iter() {
            let path: &str = k.get_ref();
            if let Some((i, name)) = cal.calibrated_as(path) {
                r.error(
                    k.span(),
                    &format!("set.\"{path}\""),
                    fixed_and_calibrated(path, i, name),
                )
                .help = Some(FIXED_HELP.into());
            }
        }
    }
    cal.drop_gated_warnings();
    cal.name = name?;
    Some(cal)
}

/// `[observation] detect`: one probability per counting statistic's name
/// ([`Statistic::detect_keys`]), set on the kinds it adds up (`threat_or_display` on threats
/// and displays alike). Two keys that set one kind (`threat_or_display` with `threat` or
/// `display`) are refused at the later one, with the earlier one noted: the file would give
/// two probabilities for one kind of crisis.
fn detect(r: &mut Input<'_>, t: &DeTable<'_>, observation: &mut Observation) {
    let keys = Statistic::detect_keys();
    r.check_keys(t, "observation.detect", &keys);
    // Each kind of crisis or incident, by the name of its own statistic, with the key that
    // set it.
    let mut seen: Vec<(String, Range<usize>)> = Vec::new();
    let mut set_by: Vec<(usize, &'static str)> = Vec::new();
    // In the file's order, so the later of two keys is the one refused.
    let mut entries: Vec<_> = t.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (k, v) in entries {
        let key: &str = k.get_ref();
        let Some(&(name, stat)) = Statistic::ALL.iter().find(|(n, _)| *n == key) else {
            continue;
        };
        let Some(kinds) = stat.kinds() else {
            continue;
        };
        let path = join("observation.detect", name);
        let mut fresh = true;
        for &kind in kinds {
            let Some(own) = Statistic::of_kind(kind) else {
                continue;
            };
            let other = set_by.iter().find(|(x, _)| *x == kind).map_or("", |(_, n)| *n);
            let wide = if kinds.len() > 1 { name } else { other };
            if !r.check_duplicate(&mut seen, own.as_str(), k.span(), &path, |line| {
                format!(
                    "`{name}` and `{other}` (line {line}) both give the probability that {} \
                     are recorded; give `{wide}` alone (it sets threats and displays alike) or \
                     `threat` and `display` apart",
                    own.label()
                )
            }) {
                fresh = false;
                break;
            }
            set_by.push((kind, name));
        }
        if !fresh {
            continue;
        }
        if let Some(x) = r.number_in(v, &path, 0.01, 1.0) {
            for &i in kinds {
                observation.detect[i] = x;
            }
        }
    }
}

fn stat_names() -> Vec<&'static str> {
    Statistic::ALL.iter().map(|(k, _)| *k).collect()
}

/// One `[[parameter]]` table (key path `p`): its `case` (a case parameter), its path resolved
/// in the scenario of every case it applies to (each case's `targets` gets its references),
/// and its range and prior, read as a sweep's are ([`read_range`]).
fn parameter(
    r: &mut Input<'_>,
    t: &DeTable<'_>,
    span: Range<usize>,
    p: &str,
    cases: &mut [Case],
    earlier: &[Parameter],
) -> Option<Parameter> {
    r.check_keys(t, p, &PARAM_KEYS);
    let path_v = r.required(t, span.clone(), p, "path", "\"model.war_cost\"")?;
    let raw_path = r.string(path_v, &join(p, "path"))?;
    // A case parameter is named `CASE/PATH` in the outputs (posterior.csv columns).
    let (only, path) = match lookup(t, "case") {
        None => (None, raw_path.clone()),
        Some(v) => {
            let id = r.string(v, &join(p, "case"))?;
            let ids: Vec<String> = cases.iter().map(|k| k.record.id.clone()).collect();
            match ids.iter().position(|k| *k == id) {
                Some(k) => (Some(k), format!("{id}/{raw_path}")),
                None => {
                    r.error(v.span(), &join(p, "case"), unknown_case(&id, &ids))
                        .help = Some(case_help(&id, &ids));
                    return None;
                }
            }
        }
    };
    if earlier.iter().any(|q| q.path == path) {
        r.error(
            path_v.span(),
            &join(p, "path"),
            format!("`{path}` is calibrated twice"),
        );
        return None;
    }
    if raw_path.starts_with("rivalry.*.") && only.is_none() {
        r.error(
            path_v.span(),
            &join(p, "path"),
            "`rivalry.*` applies to the rivalries of one case: add `case = \"ID\"`".into(),
        );
        return None;
    }
    // Resolve in every case it applies to; keep the references only when all resolve.
    let mut target = None;
    let mut found: Vec<Vec<ParamRef>> = Vec::new();
    for (k, case) in cases.iter().enumerate() {
        if only.is_some_and(|o| o != k) {
            found.push(Vec::new());
            continue;
        }
        let paths: Vec<String> = match raw_path.strip_prefix("rivalry.*.") {
            Some(field) => case
                .record
                .rivalries
                .iter()
                .map(|id| format!("rivalry.{id}.{field}"))
                .collect(),
            None => vec![raw_path.clone()],
        };
        let mut refs = Vec::new();
        for one in &paths {
            match ParamRef::resolve(one, &case.scenario) {
                Ok(x) => {
                    refs.push(x);
                    target.get_or_insert(x);
                }
                Err(e) => {
                    let help = match e.help() {
                        Some(h) => h,
                        None => "calibrated paths look like model.war_cost or, with `case`, rivalry.*.opportunity_rate (see docs/CALIBRATION.md)".into(),
                    };
                    r.error(
                        path_v.span(),
                        &join(p, "path"),
                        format!("{} {}", e.message, in_case(case)),
                    )
                    .help = Some(help);
                    return None;
                }
            }
        }
        found.push(refs);
    }
    let target = target?;
    let rv = r.required(t, span.clone(), p, "range", "[0.1, 3.0]")?;
    let bounds = Bounds {
        path: &raw_path,
        spec: target.spec(),
        kind: Kind::Real,
    };
    let domain = read_range(r, t, span, p, rv, &bounds, None)?;
    for (case, refs) in cases.iter_mut().zip(found) {
        case.targets.push(refs);
    }
    Some(Parameter {
        path,
        target,
        role: Role::Uncertainty,
        kind: Kind::Real,
        domain,
    })
}
