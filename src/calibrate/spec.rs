//! Calibration files (`deter calibrate CALIB.toml`, docs/CALIBRATION.md): which cases, which
//! parameters with which priors (the distributions sweeps use), which summary statistics, the
//! observation model and the budget. TOML with spans -> a validated [`Calibration`].

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::abc::Settings;
use super::observe::{Observation, Statistic};
use super::record::{Record, load_record};
use super::toml_error;
use crate::scenario::{self, Diagnostic, Diagnostics, ParamRef, Scenario};
use crate::sweep::spec::{Domain, Kind, Marginal, Parameter, Role};

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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalib {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    seed: Option<Spanned<i64>>,
    #[serde(default)]
    particles: Option<Spanned<i64>>,
    #[serde(default)]
    max_generations: Option<Spanned<i64>>,
    #[serde(default)]
    quantile: Option<Spanned<f64>>,
    #[serde(default)]
    min_acceptance: Option<Spanned<f64>>,
    #[serde(default)]
    target_tolerance: Option<Spanned<f64>>,
    #[serde(default)]
    max_attempts_per_particle: Option<Spanned<i64>>,
    #[serde(default)]
    predictive_draws: Option<Spanned<i64>>,
    statistics: Spanned<Vec<Spanned<String>>>,
    cases: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    observation: Option<RawObservation>,
    parameter: Spanned<Vec<RawParameter>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObservation {
    #[serde(default)]
    detect: Option<RawDetect>,
    #[serde(default)]
    alternative: Option<RawAlternative>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetect {
    threat_or_display: Option<Spanned<f64>>,
    use_of_force: Option<Spanned<f64>>,
    war: Option<Spanned<f64>>,
    non_state: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlternative {
    high: Option<Spanned<f64>>,
    medium: Option<Spanned<f64>>,
    low: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    path: Spanned<String>,
    range: Spanned<Vec<f64>>,
    #[serde(default)]
    distribution: Option<Spanned<String>>,
    #[serde(default)]
    mean: Option<f64>,
    #[serde(default)]
    sd: Option<f64>,
    #[serde(default)]
    mode: Option<f64>,
    /// A case parameter: set in this case's scenario only (its own crisis rate, say);
    /// `rivalry.*.FIELD` then sets the field on every rivalry of the case's record.
    #[serde(default)]
    case: Option<Spanned<String>>,
}

impl Calibration {
    /// Hold out the cases with these ids (leave-one-case-out). Errors name an unknown id
    /// (with a did-you-mean) or a hold-out that would leave no case to calibrate on.
    pub fn hold_out(&mut self, ids: &[String]) -> Result<(), String> {
        for id in ids {
            let Some(case) = self.cases.iter_mut().find(|c| &c.record.id == id) else {
                let known: Vec<&str> = self.cases.iter().map(|c| c.record.id.as_str()).collect();
                let hint = known
                    .iter()
                    .map(|c| (strsim::normalized_damerau_levenshtein(id, c), *c))
                    .filter(|(x, _)| *x >= 0.6)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, c)| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "--hold-out {id}: no case with that id{hint}; the cases are {}",
                    known.join(", ")
                ));
            };
            case.held_out = true;
        }
        if self.cases.iter().all(|c| c.held_out) {
            return Err("--hold-out leaves no case to calibrate on".into());
        }
        Ok(())
    }
}

/// Read and validate a calibration file.
pub fn load_calibration(path: &Path) -> Result<Calibration, Diagnostics> {
    let shown = path.display().to_string();
    let src = super::read_text(path, &shown, MAX_CALIB_BYTES, "calibration")?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_calibration(&src, &shown, &dir)
}

/// Validate calibration text; case paths are relative to `dir`.
pub fn parse_calibration(src: &str, file: &str, dir: &Path) -> Result<Calibration, Diagnostics> {
    let raw: RawCalib = toml::from_str(src).map_err(|e| toml_error(file, src, &e))?;
    let mut diags: Vec<Diagnostic> = Vec::new();
    macro_rules! err {
        ($span:expr, $path:expr, $($m:tt)*) => {
            diags.push(Diagnostic::at(file, src, $span, $path, format!($($m)*)))
        };
    }
    let mut int = |v: &Option<Spanned<i64>>, key: &str, lo: i64, hi: i64, default: i64| -> i64 {
        match v {
            None => default,
            Some(x) if (lo..=hi).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                diags.push(Diagnostic::at(
                    file,
                    src,
                    x.span(),
                    key,
                    format!("expected an integer in [{lo}, {hi}], found {}", x.get_ref()),
                ));
                default
            }
        }
    };
    let d = Settings::default();
    let seed = int(&raw.seed, "seed", 0, i64::MAX, d.seed as i64) as u64;
    let particles = int(
        &raw.particles,
        "particles",
        10,
        MAX_PARTICLES as i64,
        d.particles as i64,
    ) as usize;
    let max_generations = int(
        &raw.max_generations,
        "max_generations",
        1,
        100,
        d.max_generations as i64,
    ) as usize;
    let max_attempts = int(
        &raw.max_attempts_per_particle,
        "max_attempts_per_particle",
        1,
        1_000_000_000,
        d.max_attempts_per_particle as i64,
    ) as u64;
    let predictive_draws = int(&raw.predictive_draws, "predictive_draws", 0, 100_000, 200) as usize;
    let mut real = |v: &Option<Spanned<f64>>, key: &str, lo: f64, hi: f64, default: f64| -> f64 {
        match v {
            None => default,
            Some(x) if x.get_ref().is_finite() && (lo..=hi).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                diags.push(Diagnostic::at(
                    file,
                    src,
                    x.span(),
                    key,
                    format!("expected a number in [{lo}, {hi}], found {}", x.get_ref()),
                ));
                default
            }
        }
    };
    let quantile = real(&raw.quantile, "quantile", 0.05, 0.95, d.quantile);
    let min_acceptance = real(
        &raw.min_acceptance,
        "min_acceptance",
        0.0,
        1.0,
        d.min_acceptance,
    );
    let target_tolerance = real(
        &raw.target_tolerance,
        "target_tolerance",
        0.0,
        1e12,
        d.target_tolerance,
    );
    let mut observation = Observation::default();
    if let Some(o) = &raw.observation {
        if let Some(det) = &o.detect {
            for (i, (v, k)) in [
                (&det.threat_or_display, "threat_or_display"),
                (&det.use_of_force, "use_of_force"),
                (&det.war, "war"),
                (&det.non_state, "non_state"),
            ]
            .into_iter()
            .enumerate()
            {
                observation.detect[i] = real(
                    v,
                    &format!("observation.detect.{k}"),
                    0.01,
                    1.0,
                    observation.detect[i],
                );
            }
        }
        if let Some(alt) = &o.alternative {
            for (i, (v, k)) in [
                (&alt.high, "high"),
                (&alt.medium, "medium"),
                (&alt.low, "low"),
            ]
            .into_iter()
            .enumerate()
            {
                observation.alternative[i] = real(
                    v,
                    &format!("observation.alternative.{k}"),
                    0.0,
                    1.0,
                    observation.alternative[i],
                );
            }
        }
    }

    let mut statistics = Vec::new();
    for (i, s) in raw.statistics.get_ref().iter().enumerate() {
        match Statistic::ALL.iter().find(|(k, _)| k == s.get_ref()) {
            Some((_, st)) if !statistics.contains(st) => statistics.push(*st),
            Some(_) => err!(
                s.span(),
                &format!("statistics[{i}]"),
                "`{}` is listed twice",
                s.get_ref()
            ),
            None => {
                let names: Vec<&str> = Statistic::ALL.iter().map(|(k, _)| *k).collect();
                let hint = names
                    .iter()
                    .map(|c| (strsim::normalized_damerau_levenshtein(s.get_ref(), c), *c))
                    .filter(|(x, _)| *x >= 0.6)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, c)| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                err!(
                    s.span(),
                    &format!("statistics[{i}]"),
                    "unknown statistic `{}`{hint}: the current model reports {}",
                    s.get_ref(),
                    names.join(", ")
                );
            }
        }
    }
    if raw.statistics.get_ref().is_empty() {
        err!(
            raw.statistics.span(),
            "statistics",
            "name at least one summary statistic"
        );
    }

    // Cases: each record and its scenario.
    let mut cases: Vec<Case> = Vec::new();
    for (i, c) in raw.cases.get_ref().iter().enumerate() {
        let at = format!("cases[{i}]");
        let path: PathBuf = dir.join(c.get_ref());
        let record = match load_record(&path) {
            Ok(r) => r,
            Err(inner) => {
                err!(
                    c.span(),
                    &at,
                    "the record `{}` is not valid (see below)",
                    c.get_ref()
                );
                diags.extend(inner.0);
                continue;
            }
        };
        let scenario = match scenario::load_file(&record.scenario) {
            Ok(s) => s,
            Err(inner) => {
                err!(
                    c.span(),
                    &at,
                    "the scenario `{}` of record `{}` is not valid (see below)",
                    record.scenario.display(),
                    c.get_ref()
                );
                diags.extend(inner.0);
                continue;
            }
        };
        if let Some(u) = scenario.uncertain.first() {
            err!(
                c.span(),
                &at,
                "the scenario `{}` of record `{}` declares [[uncertain]] priors (`{}`): calibrate \
                 them as [[parameter]] tables here instead",
                record.scenario.display(),
                c.get_ref(),
                u.path
            );
        }
        let years = scenario.meta.horizon_years as usize;
        if years != record.years() {
            err!(
                c.span(),
                &at,
                "the scenario `{}` runs {years} years but the record covers {} ({}-{})",
                record.scenario.display(),
                record.years(),
                record.first_year,
                record.last_year
            );
        }
        let mut rivalries = Vec::new();
        for id in &record.rivalries {
            match scenario.rivalries.iter().position(|r| &r.id == id) {
                Some(k) => rivalries.push(k),
                None => err!(
                    c.span(),
                    &at,
                    "record `{}` names rivalry `{id}`, which scenario `{}` does not have",
                    c.get_ref(),
                    record.scenario.display()
                ),
            }
        }
        cases.push(Case {
            record,
            scenario,
            rivalries,
            targets: Vec::new(),
            held_out: false,
        });
    }
    if raw.cases.get_ref().is_empty() {
        err!(raw.cases.span(), "cases", "name at least one record file");
    }

    // Parameters, resolved in every case's scenario.
    let mut parameters = Vec::new();
    if raw.parameter.get_ref().is_empty() || raw.parameter.get_ref().len() > MAX_PARAMETERS {
        err!(
            raw.parameter.span(),
            "parameter",
            "expected 1 to {MAX_PARAMETERS} [[parameter]] tables, found {}",
            raw.parameter.get_ref().len()
        );
    }
    for (i, p) in raw.parameter.get_ref().iter().enumerate() {
        let at = format!("parameter[{i}]");
        let raw_path = p.path.get_ref().clone();
        // A case parameter is named `CASE/PATH` in the outputs (posterior.csv columns).
        let (only, path) = match &p.case {
            None => (None, raw_path.clone()),
            Some(c) => match cases.iter().position(|k| &k.record.id == c.get_ref()) {
                Some(k) => (Some(k), format!("{}/{raw_path}", c.get_ref())),
                None => {
                    let known: Vec<&str> = cases.iter().map(|k| k.record.id.as_str()).collect();
                    let help = known
                        .iter()
                        .map(|k| (strsim::normalized_damerau_levenshtein(c.get_ref(), k), *k))
                        .filter(|(x, _)| *x >= 0.6)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, k)| format!("did you mean `{k}`?"));
                    diags.push(
                        Diagnostic::at(
                            file,
                            src,
                            c.span(),
                            &format!("{at}.case"),
                            format!(
                                "no case with id `{}`: the cases are {}",
                                c.get_ref(),
                                known.join(", ")
                            ),
                        )
                        .with_help(help),
                    );
                    continue;
                }
            },
        };
        if parameters.iter().any(|q: &Parameter| q.path == path) {
            err!(
                p.path.span(),
                &format!("{at}.path"),
                "`{path}` is calibrated twice"
            );
            continue;
        }
        if raw_path.starts_with("rivalry.*.") && only.is_none() {
            err!(
                p.path.span(),
                &format!("{at}.path"),
                "`rivalry.*` applies to the rivalries of one case: add `case = \"ID\"`"
            );
            continue;
        }
        let mut target = None;
        let mut ok = true;
        for (k, case) in cases.iter_mut().enumerate() {
            if only.is_some_and(|o| o != k) {
                case.targets.push(Vec::new());
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
                    Ok(r) => {
                        refs.push(r);
                        target.get_or_insert(r);
                    }
                    Err(e) => {
                        let help = e.suggestion.map(|s| format!("did you mean `{s}`?"));
                        diags.push(
                            Diagnostic::at(
                                file,
                                src,
                                p.path.span(),
                                &format!("{at}.path"),
                                format!(
                                    "{} (in the scenario of case `{}`)",
                                    e.message, case.record.id
                                ),
                            )
                            .with_help(help),
                        );
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                break;
            }
            case.targets.push(refs);
        }
        let Some(target) = target.filter(|_| ok) else {
            continue;
        };
        let r = p.range.get_ref();
        let spec = target.spec();
        if r.len() != 2
            || r[0] >= r[1]
            || r[0].is_nan()
            || r[1].is_nan()
            || !spec.contains(r[0])
            || !spec.contains(r[1])
        {
            err!(
                p.range.span(),
                &format!("{at}.range"),
                "expected [low, high] with low < high inside {}, found {r:?}",
                spec.expected()
            );
            continue;
        }
        let (lo, hi) = (r[0], r[1]);
        let dist = p
            .distribution
            .as_ref()
            .map_or("uniform", |d| d.get_ref().as_str());
        let marginal = match dist {
            "uniform" => Marginal::Uniform,
            "log-uniform" if lo > 0.0 => Marginal::LogUniform,
            "normal" => match (p.mean, p.sd) {
                (Some(mean), Some(sd)) if mean.is_finite() && sd.is_finite() && sd > 0.0 => {
                    Marginal::Normal { mean, sd }
                }
                _ => {
                    err!(
                        p.range.span(),
                        &at,
                        "a normal prior needs `mean` and `sd` > 0"
                    );
                    continue;
                }
            },
            "triangular" => match p.mode {
                Some(mode) if (lo..=hi).contains(&mode) => Marginal::Triangular { mode },
                _ => {
                    err!(
                        p.range.span(),
                        &at,
                        "a triangular prior needs `mode` inside the range"
                    );
                    continue;
                }
            },
            other => {
                let span = p.distribution.as_ref().map_or(p.path.span(), |d| d.span());
                err!(
                    span,
                    &format!("{at}.distribution"),
                    "expected uniform, log-uniform (positive range), normal or triangular, found `{other}`"
                );
                continue;
            }
        };
        parameters.push(Parameter {
            path,
            target,
            role: Role::Uncertainty,
            kind: Kind::Real,
            domain: Domain::Range {
                lo,
                hi,
                marginal,
                levels: None,
            },
        });
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    Ok(Calibration {
        file: file.to_string(),
        name: raw.name.unwrap_or_else(|| "calibration".into()),
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
    })
}
