//! Parameter paths: `country.XKX.military.budget`, `alliance.NATO.reliability`,
//! `rivalry.SRB-XKX.monitoring`, `country.SRB.political.ties.CHN`, `policy.envoy.enabled`.
//!
//! Policies (changes at a date) and sweeps (changes per design point) address parameters
//! with the same paths; both resolve them once, before any run, into a [`ParamRef`].
//!
//! A policy's own values are parameters too (for sweeps, calibration and overrides, not for
//! other policies): `policy.ID.start` (a decimal year), `policy.ID.ramp_years`, and the
//! magnitude of its change k, `policy.ID.changes[k].set` (or `.add`, `.scale`, whichever the
//! change has), also by the change's `name`: `policy.envoy.monitoring_target`.

use super::params::{
    AllianceParams, DeploymentParams, EconomicParams, FieldSpec, MilitaryParams, ModelParams,
    ParamDefault, PoliticalParams, PowerParams, RivalryParams,
};
use super::{ChangeOp, Scenario, YearMonth};

/// A resolved parameter address. Indices refer to the scenario it was resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ParamRef {
    Model(usize),
    Military {
        country: usize,
        field: usize,
    },
    Political {
        country: usize,
        field: usize,
    },
    Economic {
        country: usize,
        field: usize,
    },
    Tie {
        country: usize,
        power: usize,
    },
    Power {
        power: usize,
        field: usize,
    },
    Alliance {
        alliance: usize,
        field: usize,
    },
    Deployment {
        deployment: usize,
        field: usize,
    },
    Rivalry {
        rivalry: usize,
        field: usize,
    },
    /// `policy.ID.enabled`: 0 or 1 (sweeps only).
    PolicyEnabled {
        policy: usize,
    },
    /// A value of policy `policy` (sweeps, calibration, overrides; not other policies).
    PolicyValue {
        policy: usize,
        field: PolicyField,
    },
}

/// Which value of a policy a [`ParamRef::PolicyValue`] addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum PolicyField {
    /// `policy.ID.start`: the start date as a decimal year, `year + (month - 1) / 12`
    /// (2026.5 is July 2026); a value set is rounded to the nearest month.
    Start,
    /// `policy.ID.ramp_years`: years over which the changes ramp in.
    RampYears,
    /// `policy.ID.changes[k].OP`: the magnitude of change `change`, whose operation is `op`
    /// and whose target's range is that of `target` (which bounds the magnitude).
    Change {
        change: usize,
        op: OpKind,
        target: SpecOf,
    },
}

/// The operation of a policy change, without its magnitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum OpKind {
    Set,
    Add,
    Scale,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Set => "set",
            OpKind::Add => "add",
            OpKind::Scale => "scale",
        }
    }

    pub fn of(op: ChangeOp) -> Self {
        match op {
            ChangeOp::Set(_) => OpKind::Set,
            ChangeOp::Add(_) => OpKind::Add,
            ChangeOp::Scale(_) => OpKind::Scale,
        }
    }

    /// The range of this operation's magnitude on a parameter specified by `target`: `set`
    /// within the parameter's range; `add` within plus or minus its width; `scale` a factor
    /// in [0, 1000].
    pub fn spec(self, target: FieldSpec) -> FieldSpec {
        match self {
            OpKind::Set => target,
            OpKind::Add => {
                let width = target.max - target.min;
                FieldSpec {
                    min: -width,
                    max: width,
                    ..target
                }
            }
            OpKind::Scale => FieldSpec {
                unit: "factor",
                min: 0.0,
                max: 1000.0,
                ..target
            },
        }
    }

    /// The change with magnitude `v`.
    pub fn with(self, v: f64) -> ChangeOp {
        match self {
            OpKind::Set => ChangeOp::Set(v),
            OpKind::Add => ChangeOp::Add(v),
            OpKind::Scale => ChangeOp::Scale(v),
        }
    }
}

/// Where a parameter's specification lives (a [`ParamRef`] without its entity), so that a
/// policy change's magnitude can be range-checked without the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SpecOf {
    Model(usize),
    Military(usize),
    Political(usize),
    Economic(usize),
    Tie,
    Power(usize),
    Alliance(usize),
    Deployment(usize),
    Rivalry(usize),
    Enabled,
}

impl SpecOf {
    pub fn spec(self) -> FieldSpec {
        match self {
            SpecOf::Model(f) => ModelParams::FIELDS[f],
            SpecOf::Military(f) => MilitaryParams::FIELDS[f],
            SpecOf::Political(f) => PoliticalParams::FIELDS[f],
            SpecOf::Economic(f) => EconomicParams::FIELDS[f],
            SpecOf::Tie => TIE_SPEC,
            SpecOf::Power(f) => PowerParams::FIELDS[f],
            SpecOf::Alliance(f) => AllianceParams::FIELDS[f],
            SpecOf::Deployment(f) => DeploymentParams::FIELDS[f],
            SpecOf::Rivalry(f) => RivalryParams::FIELDS[f],
            SpecOf::Enabled => ENABLED_SPEC,
        }
    }
}

const START_SPEC: FieldSpec = FieldSpec {
    key: "start",
    unit: super::params::DECIMAL_YEAR_UNIT,
    default: ParamDefault::Value(2025.0),
    min: 1900.0,
    max: 2300.0 + 11.0 / 12.0,
    doc: "When the policy takes effect: year + (month - 1) / 12, rounded to the month.",
};

pub(crate) const RAMP_SPEC: FieldSpec = FieldSpec {
    key: "ramp_years",
    unit: "yr",
    default: ParamDefault::Value(0.0),
    min: 0.0,
    max: 100.0,
    doc: "Years over which the policy's changes move linearly to their targets.",
};

/// A decimal year (`year + (month - 1) / 12`) as a month, rounded to the nearest.
pub fn year_month_of(x: f64) -> YearMonth {
    let months = (x * 12.0).round() as i64;
    YearMonth {
        year: months.div_euclid(12) as i32,
        month: months.rem_euclid(12) as u32 + 1,
    }
}

/// A month as a decimal year.
pub fn decimal_year(ym: YearMonth) -> f64 {
    f64::from(ym.year) + f64::from(ym.month - 1) / 12.0
}

/// The forms of a parameter path, the help of a path that names no parameter by its shape.
pub(crate) const PATH_FORMS: &str = "a parameter path is `model.KEY`, \
     `country.ID.military.KEY` (`.political.KEY`, `.economic.KEY`, `.political.ties.POWER`), \
     `power.ID.KEY`, `alliance.ID.KEY`, `deployment.ID.KEY`, `rivalry.ID.KEY` or \
     `policy.ID.enabled` (`.start`, `.ramp_years`, `.NAME` of a change): docs/SCENARIO.md";

/// What a path that stops at an entity names (`rivalry.SRB-XKX`: "rivalry `SRB-XKX`",
/// `country.SRB.military`: "the `military` block of country `SRB`"), with the keys its
/// parameters take after it; `None` for any other path.
fn entity_named(path: &str, scenario: &Scenario) -> Option<(String, Vec<&'static str>)> {
    let keys = |fields: &[FieldSpec]| fields.iter().map(|f| f.key).collect::<Vec<_>>();
    let parts: Vec<&str> = path.split('.').collect();
    fn known<'a>(mut ids: impl Iterator<Item = &'a String>, id: &str) -> bool {
        ids.any(|x| x == id)
    }
    match parts.as_slice() {
        ["country", id] if scenario.country_index(id).is_some() => Some((
            format!("country `{id}`"),
            vec!["military.KEY", "political.KEY", "economic.KEY", "political.ties.POWER"],
        )),
        ["country", id, block] if scenario.country_index(id).is_some() => {
            let fields = match *block {
                "military" => keys(MilitaryParams::FIELDS),
                "political" => {
                    let mut k = keys(PoliticalParams::FIELDS);
                    k.push("ties.POWER");
                    k
                }
                "economic" => keys(EconomicParams::FIELDS),
                _ => return None,
            };
            Some((format!("the `{block}` block of country `{id}`"), fields))
        }
        ["power", id] if scenario.power_index(id).is_some() => {
            Some((format!("power `{id}`"), keys(PowerParams::FIELDS)))
        }
        ["alliance", id] if known(scenario.alliances.iter().map(|a| &a.id), id) => {
            Some((format!("alliance `{id}`"), keys(AllianceParams::FIELDS)))
        }
        ["deployment", id] if known(scenario.deployments.iter().map(|d| &d.id), id) => {
            Some((format!("deployment `{id}`"), keys(DeploymentParams::FIELDS)))
        }
        ["rivalry", id] if known(scenario.rivalries.iter().map(|r| &r.id), id) => {
            Some((format!("rivalry `{id}`"), keys(RivalryParams::FIELDS)))
        }
        ["policy", id] if known(scenario.policies.iter().map(|p| &p.id), id) => Some((
            format!("policy `{id}`"),
            vec!["enabled", "start", "ramp_years", "NAME (of a change)", "changes[K].OP"],
        )),
        _ => None,
    }
}

/// A path that stops at an entity whose id is misspelt (`rivalry.SRB-XKV`, `country.SRX`):
/// its kind, the id as written and the closest ids of that kind (`closest`'s form: one id, or
/// ties joined by "` or `"), with the keys that follow the entity's path; `None` for any
/// other path, a known id, or no close id.
fn misspelt_entity(path: &str, scenario: &Scenario) -> Option<MisspeltEntity> {
    let [kind, id] = path.split('.').collect::<Vec<_>>()[..] else {
        return None;
    };
    let (kind, ids): (&'static str, Vec<String>) = match kind {
        "country" => ("country", scenario.countries.iter().map(|c| c.id.clone()).collect()),
        "power" => ("power", scenario.powers.iter().map(|p| p.id.clone()).collect()),
        "alliance" => ("alliance", scenario.alliances.iter().map(|a| a.id.clone()).collect()),
        "deployment" => (
            "deployment",
            scenario.deployments.iter().map(|d| d.id.clone()).collect(),
        ),
        "rivalry" => ("rivalry", scenario.rivalries.iter().map(|r| r.id.clone()).collect()),
        "policy" => ("policy", scenario.policies.iter().map(|p| p.id.clone()).collect()),
        _ => return None,
    };
    if ids.iter().any(|x| x == id) {
        return None;
    }
    let best = closest(id, &ids)?;
    // Every entity of a kind takes the same keys: read them off the first close one.
    let first = best.split('`').next().unwrap_or(&best);
    let (_, keys) = entity_named(&format!("{kind}.{first}"), scenario)?;
    Some(MisspeltEntity {
        kind,
        id: id.to_string(),
        best,
        keys,
    })
}

/// What [`misspelt_entity`] found.
struct MisspeltEntity {
    kind: &'static str,
    id: String,
    best: String,
    keys: Vec<&'static str>,
}

impl MisspeltEntity {
    /// "there is no rivalry `SRB-XKV`, and a path that stops at a rivalry names no parameter".
    fn message(&self) -> String {
        let MisspeltEntity { kind, id, .. } = self;
        format!("there is no {kind} `{id}`, and a path that stops at a {kind} names no parameter")
    }

    /// "did you mean rivalry `SRB-XKX`? give one of its keys, `rivalry.SRB-XKX.KEY`; KEY: ..."
    /// (with ties, "... `A` or `B`? give one of their keys, `rivalry.ID.KEY`; ...").
    fn help(&self) -> String {
        let MisspeltEntity {
            kind, best, keys, ..
        } = self;
        let keys = keys.join(", ");
        if best.contains('`') {
            format!("did you mean {kind} `{best}`? give one of their keys, `{kind}.ID.KEY`; KEY: {keys}")
        } else {
            format!("did you mean {kind} `{best}`? give one of its keys, `{kind}.{best}.KEY`; KEY: {keys}")
        }
    }
}

/// Why `path` is no parameter of `scenario`: "`PATH` is not a parameter of this scenario",
/// with the closest valid path when there is one. A path that stops at an entity
/// (`rivalry.SRB-XKX`, `country.SRB.military`) says what it names instead, where the closest
/// path would be any of its keys, and one that stops at a misspelt entity (`rivalry.SRB-XKV`)
/// names the closest entity and its keys ([`misspelt_entity`]); a key of the `[scenario]` table (`scenario.name`) says that
/// it is one. The same words in every reader of a path (`--set`, a policy's change, a sweep,
/// a prior, a column of draws); `--set` adds the keys or the forms as its help
/// ([`unresolved_help`]).
fn unresolved(path: &str, scenario: &Scenario) -> PathError {
    let message = format!("`{path}` is not a parameter of this scenario");
    if let Some((what, _)) = entity_named(path, scenario) {
        return PathError {
            message: format!("{message}: it names {what}, not one of its parameters (`{path}.KEY`)"),
            suggestion: None,
            hint: Some(unresolved_help(path, scenario)),
        };
    }
    if let Some(entity) = misspelt_entity(path, scenario) {
        return PathError {
            message: format!("{message}: {}", entity.message()),
            suggestion: None,
            hint: Some(entity.help()),
        };
    }
    let settings = ["runs", "seed", "horizon_years", "threads"];
    if let ["scenario", key] = path.split('.').collect::<Vec<_>>().as_slice()
        && !settings.contains(key)
    {
        // A key the table has (`scenario.name`): said so. A misspelt one (`scenario.rnus`)
        // is no key of it: the closest key or setting is the did-you-mean, as the same typo
        // in the file gets.
        if super::read::SCENARIO_KEYS.contains(key) {
            return PathError {
                message: format!(
                    "{message}: `{key}` is a key of the [scenario] table, not a parameter"
                ),
                suggestion: None,
                hint: Some(unresolved_help(path, scenario)),
            };
        }
        let keys: Vec<String> = super::read::SCENARIO_KEYS
            .iter()
            .chain(&["threads"])
            .map(|k| format!("scenario.{k}"))
            .collect();
        if let Some(meant) = closest(path, &keys) {
            return PathError {
                message,
                suggestion: Some(meant),
                hint: None,
            };
        }
    }
    let suggestion = closest(path, &scenario.all_paths());
    let hint = suggestion.is_none().then(|| unresolved_help(path, scenario));
    PathError {
        message,
        suggestion,
        hint,
    }
}

/// The help of a path that is no parameter and has no closer one ([`unresolved`]): the keys
/// that follow a path that stops at an entity ("its keys: ..."), where to write a key of the
/// `[scenario]` table, or the forms of a parameter path ([`PATH_FORMS`]).
pub(crate) fn unresolved_help(path: &str, scenario: &Scenario) -> String {
    if let Some((_, keys)) = entity_named(path, scenario) {
        return format!("give one of its keys, `{path}.KEY`; KEY: {}", keys.join(", "));
    }
    if let Some(entity) = misspelt_entity(path, scenario) {
        return entity.help();
    }
    if let Some(key) = path
        .strip_prefix("scenario.")
        .filter(|k| super::read::SCENARIO_KEYS.contains(k))
    {
        return format!(
            "write `{key}` in the scenario file's [scenario] table (or in an overlay that `extends` it); {PATH_FORMS}"
        );
    }
    PATH_FORMS.to_string()
}

/// Why a path did not resolve, with the closest valid path when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct PathError {
    pub message: String,
    pub suggestion: Option<String>,
    /// The help when there is no closer path: the keys after a path that stops at an
    /// entity, or the forms of a parameter path ([`unresolved_help`]).
    pub hint: Option<String>,
}

impl PathError {
    /// The help line of every reader of a path: "did you mean `PATH`?", else the hint.
    pub fn help(&self) -> Option<String> {
        match &self.suggestion {
            Some(s) => Some(format!("did you mean `{s}`?")),
            None => self.hint.clone(),
        }
    }
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        Ok(())
    }
}

const TIE_SPEC: FieldSpec = FieldSpec {
    key: "ties",
    unit: "",
    default: ParamDefault::Value(0.0),
    min: 0.0,
    max: 1.0,
    doc: "Tie to an outside power in [0, 1]: support in crises and substitution against sanctions.",
};

const ENABLED_SPEC: FieldSpec = FieldSpec {
    key: "enabled",
    unit: super::params::SWITCH_UNIT,
    default: ParamDefault::Value(1.0),
    min: 0.0,
    max: 1.0,
    doc: "Whether the policy applies.",
};

fn field(fields: &[FieldSpec], key: &str) -> Option<usize> {
    fields.iter().position(|f| f.key == key)
}

impl ParamRef {
    /// Resolve a dotted path against a scenario.
    pub fn resolve(path: &str, scenario: &Scenario) -> Result<ParamRef, PathError> {
        let parts: Vec<&str> = path.split('.').collect();
        let resolved = match parts.as_slice() {
            ["model", key] => field(ModelParams::FIELDS, key).map(ParamRef::Model),
            ["country", id, "political", "ties", power] => {
                match (scenario.country_index(id), scenario.power_index(power)) {
                    (Some(country), Some(power)) => Some(ParamRef::Tie { country, power }),
                    _ => None,
                }
            }
            ["country", id, block, key] => {
                scenario.country_index(id).and_then(|country| match *block {
                    "military" => field(MilitaryParams::FIELDS, key)
                        .map(|field| ParamRef::Military { country, field }),
                    "political" => field(PoliticalParams::FIELDS, key)
                        .map(|field| ParamRef::Political { country, field }),
                    "economic" => field(EconomicParams::FIELDS, key)
                        .map(|field| ParamRef::Economic { country, field }),
                    _ => None,
                })
            }
            ["power", id, key] => scenario.power_index(id).and_then(|power| {
                field(PowerParams::FIELDS, key).map(|field| ParamRef::Power { power, field })
            }),
            ["alliance", id, key] => scenario
                .alliances
                .iter()
                .position(|a| a.id == *id)
                .and_then(|alliance| {
                    field(AllianceParams::FIELDS, key)
                        .map(|field| ParamRef::Alliance { alliance, field })
                }),
            ["deployment", id, key] => scenario
                .deployments
                .iter()
                .position(|d| d.id == *id)
                .and_then(|deployment| {
                    field(DeploymentParams::FIELDS, key)
                        .map(|field| ParamRef::Deployment { deployment, field })
                }),
            ["rivalry", id, key] => scenario
                .rivalries
                .iter()
                .position(|r| r.id == *id)
                .and_then(|rivalry| {
                    field(RivalryParams::FIELDS, key)
                        .map(|field| ParamRef::Rivalry { rivalry, field })
                }),
            ["policy", id, "enabled"] => scenario
                .policies
                .iter()
                .position(|p| p.id == *id)
                .map(|policy| ParamRef::PolicyEnabled { policy }),
            ["policy", id, key] | ["policy", id, key, _] => {
                return Self::resolve_policy(path, id, &parts[2..], key, scenario);
            }
            _ => None,
        };
        if let (None, ["model", key]) = (resolved, parts.as_slice())
            && let Some(replacement) = super::params::removed_model_key(key)
        {
            return Err(PathError {
                message: super::params::removed_model_key_message(key, replacement),
                suggestion: None,
                hint: None,
            });
        }
        resolved.ok_or_else(|| unresolved(path, scenario))
    }

    /// The specification of the parameter `path` names by its shape alone, without a
    /// scenario to resolve its ids in (`model.war_cost`, `country.ID.military.budget`,
    /// `rivalry.ID.monitoring`, `policy.ID.start`; a calibration's case parameter
    /// `CASE/PATH` by its PATH): what a file of draws read before its scenario is known
    /// expects of a cell ("a number in [MIN, MAX] (UNIT)"). None when the shape names no
    /// parameter, or one whose range is its scenario's (a policy change's magnitude, bounded
    /// by its target's range).
    pub fn spec_by_shape(path: &str) -> Option<FieldSpec> {
        let path = path.rsplit_once('/').map_or(path, |(_, p)| p).trim();
        let parts: Vec<&str> = path.split('.').collect();
        let spec = |fields: &[FieldSpec], key: &str| field(fields, key).map(|f| fields[f]);
        match parts.as_slice() {
            ["model", key] => spec(ModelParams::FIELDS, key),
            ["country", _, "political", "ties", _] => Some(TIE_SPEC),
            ["country", _, "military", key] => spec(MilitaryParams::FIELDS, key),
            ["country", _, "political", key] => spec(PoliticalParams::FIELDS, key),
            ["country", _, "economic", key] => spec(EconomicParams::FIELDS, key),
            ["power", _, key] => spec(PowerParams::FIELDS, key),
            ["alliance", _, key] => spec(AllianceParams::FIELDS, key),
            ["deployment", _, key] => spec(DeploymentParams::FIELDS, key),
            ["rivalry", _, key] => spec(RivalryParams::FIELDS, key),
            ["policy", _, "enabled"] => Some(ENABLED_SPEC),
            ["policy", _, "start"] => Some(START_SPEC),
            ["policy", _, "ramp_years"] => Some(RAMP_SPEC),
            _ => None,
        }
    }

    /// `policy.ID.start`, `.ramp_years`, `.changes[k].OP` or `.NAME`.
    fn resolve_policy(
        path: &str,
        id: &str,
        rest: &[&str],
        key: &str,
        scenario: &Scenario,
    ) -> Result<ParamRef, PathError> {
        let not_found = || unresolved(path, scenario);
        let Some(policy) = scenario.policies.iter().position(|p| p.id == id) else {
            return Err(not_found());
        };
        let pol = &scenario.policies[policy];
        let field = match rest {
            ["start"] => PolicyField::Start,
            ["ramp_years"] => PolicyField::RampYears,
            [changes, op] => {
                let k = changes
                    .strip_prefix("changes[")
                    .and_then(|r| r.strip_suffix(']'))
                    .and_then(|k| k.parse::<usize>().ok())
                    .ok_or_else(not_found)?;
                let Some(c) = pol.changes.get(k) else {
                    return Err(PathError {
                        message: format!(
                            "`{path}`: policy `{id}` has {} change(s), numbered from 0",
                            pol.changes.len()
                        ),
                        suggestion: closest(path, &scenario.all_paths()),
                        hint: None,
                    });
                };
                let kind = OpKind::of(c.op);
                if kind.as_str() != *op {
                    return Err(PathError {
                        message: format!(
                            "`{path}`: change {k} of policy `{id}` is a `{}`, not `{op}`",
                            kind.as_str()
                        ),
                        suggestion: Some(format!("policy.{id}.changes[{k}].{}", kind.as_str())),
                        hint: None,
                    });
                }
                PolicyField::Change {
                    change: k,
                    op: kind,
                    target: c.target.spec_of(),
                }
            }
            [name] => match pol
                .changes
                .iter()
                .position(|c| c.name.as_deref() == Some(*name))
            {
                Some(k) => {
                    let c = &pol.changes[k];
                    PolicyField::Change {
                        change: k,
                        op: OpKind::of(c.op),
                        target: c.target.spec_of(),
                    }
                }
                None => return Err(not_found()),
            },
            _ => return Err(not_found()),
        };
        let _ = key;
        Ok(ParamRef::PolicyValue { policy, field })
    }

    /// Where this parameter's specification lives.
    pub fn spec_of(self) -> SpecOf {
        match self {
            ParamRef::Model(f) => SpecOf::Model(f),
            ParamRef::Military { field, .. } => SpecOf::Military(field),
            ParamRef::Political { field, .. } => SpecOf::Political(field),
            ParamRef::Economic { field, .. } => SpecOf::Economic(field),
            ParamRef::Tie { .. } => SpecOf::Tie,
            ParamRef::Power { field, .. } => SpecOf::Power(field),
            ParamRef::Alliance { field, .. } => SpecOf::Alliance(field),
            ParamRef::Deployment { field, .. } => SpecOf::Deployment(field),
            ParamRef::Rivalry { field, .. } => SpecOf::Rivalry(field),
            // Policies cannot change policy values; never the target of a change.
            ParamRef::PolicyEnabled { .. } | ParamRef::PolicyValue { .. } => SpecOf::Enabled,
        }
    }

    /// The specification (unit, range, doc) of the addressed parameter.
    pub fn spec(self) -> FieldSpec {
        match self {
            ParamRef::Model(f) => ModelParams::FIELDS[f],
            ParamRef::Military { field, .. } => MilitaryParams::FIELDS[field],
            ParamRef::Political { field, .. } => PoliticalParams::FIELDS[field],
            ParamRef::Economic { field, .. } => EconomicParams::FIELDS[field],
            ParamRef::Tie { .. } => TIE_SPEC,
            ParamRef::Power { field, .. } => PowerParams::FIELDS[field],
            ParamRef::Alliance { field, .. } => AllianceParams::FIELDS[field],
            ParamRef::Deployment { field, .. } => DeploymentParams::FIELDS[field],
            ParamRef::Rivalry { field, .. } => RivalryParams::FIELDS[field],
            ParamRef::PolicyEnabled { .. } => ENABLED_SPEC,
            ParamRef::PolicyValue { field, .. } => match field {
                PolicyField::Start => START_SPEC,
                PolicyField::RampYears => RAMP_SPEC,
                PolicyField::Change { op, target, .. } => op.spec(target.spec()),
            },
        }
    }

    /// What reads this parameter, when a run reads it only before its first policy applies,
    /// so that a policy changing it (at any date, before the start included) changes nothing;
    /// None for a parameter a run reads after its policies apply (docs/MODEL.md 7.10). The
    /// one such parameter is an alliance's `reliability_concentration`, read only by each
    /// run's draw of the treaty weight (7.11), made before the first month's policies.
    pub fn read_before_policies(self) -> Option<&'static str> {
        match self {
            ParamRef::Alliance { field, .. }
                if AllianceParams::FIELDS[field].key == "reliability_concentration" =>
            {
                Some("each run's draw of the treaty weight")
            }
            _ => None,
        }
    }

    /// Whether a policy may change it during a run (structural switches and policies' own
    /// values may not).
    pub fn is_dynamic(self) -> bool {
        !matches!(
            self,
            ParamRef::PolicyEnabled { .. } | ParamRef::PolicyValue { .. }
        )
    }
}

/// The closest candidates by normalised Damerau-Levenshtein similarity, if any is close
/// enough. Every candidate equally close to the best is listed, in the candidates' order,
/// joined so that the callers' "did you mean `{s}`?" reads "did you mean `HRV` or `SRB`?".
pub fn closest(word: &str, candidates: &[String]) -> Option<String> {
    // A word that differs only in case is that candidate, however short (`aze` for `AZE`
    // scores 0 by edit distance).
    let folded = word.to_lowercase();
    let same_but_case: Vec<&String> = candidates
        .iter()
        .filter(|c| c.to_lowercase() == folded)
        .collect();
    if let [one] = same_but_case.as_slice() {
        return Some((*one).clone());
    }
    let scored: Vec<(f64, &String)> = candidates
        .iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(word, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .collect();
    let best = scored.iter().map(|x| x.0).fold(f64::NEG_INFINITY, f64::max);
    let mut ties: Vec<&String> = Vec::new();
    for (score, c) in &scored {
        if *score == best && !ties.contains(c) {
            ties.push(c);
        }
    }
    match ties.as_slice() {
        [] => None,
        [one] => Some((*one).clone()),
        [init @ .., last] => Some(format!(
            "{}` or `{last}",
            init.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("`, `")
        )),
    }
}

#[cfg(test)]
mod closest_tests {
    #[test]
    fn equally_close_candidates_are_all_listed() {
        let ids: Vec<String> = ["HRV", "SRB", "XKX"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        // SRV -> HRV (one substitution) and SRB (one substitution): both listed.
        let s = super::closest("SRV", &ids).unwrap();
        assert_eq!(
            format!("did you mean `{s}`?"),
            "did you mean `HRV` or `SRB`?"
        );
        assert_eq!(super::closest("SRBB", &ids).as_deref(), Some("SRB"));
        assert_eq!(super::closest("QQQQQ", &ids), None);
    }
}

impl Scenario {
    /// Every valid parameter path of this scenario, in a stable order.
    pub fn all_paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        let keys = |prefix: String, fields: &[FieldSpec], out: &mut Vec<String>| {
            out.extend(fields.iter().map(|f| format!("{prefix}.{}", f.key)))
        };
        keys("model".into(), ModelParams::FIELDS, &mut out);
        for c in &self.countries {
            keys(
                format!("country.{}.military", c.id),
                MilitaryParams::FIELDS,
                &mut out,
            );
            keys(
                format!("country.{}.political", c.id),
                PoliticalParams::FIELDS,
                &mut out,
            );
            keys(
                format!("country.{}.economic", c.id),
                EconomicParams::FIELDS,
                &mut out,
            );
            out.extend(
                self.powers
                    .iter()
                    .map(|p| format!("country.{}.political.ties.{}", c.id, p.id)),
            );
        }
        for p in &self.powers {
            keys(format!("power.{}", p.id), PowerParams::FIELDS, &mut out);
        }
        for a in &self.alliances {
            keys(
                format!("alliance.{}", a.id),
                AllianceParams::FIELDS,
                &mut out,
            );
        }
        for d in &self.deployments {
            keys(
                format!("deployment.{}", d.id),
                DeploymentParams::FIELDS,
                &mut out,
            );
        }
        for r in &self.rivalries {
            keys(format!("rivalry.{}", r.id), RivalryParams::FIELDS, &mut out);
        }
        for p in &self.policies {
            out.push(format!("policy.{}.enabled", p.id));
            out.push(format!("policy.{}.start", p.id));
            out.push(format!("policy.{}.ramp_years", p.id));
            for (k, c) in p.changes.iter().enumerate() {
                out.push(format!(
                    "policy.{}.changes[{k}].{}",
                    p.id,
                    OpKind::of(c.op).as_str()
                ));
                if let Some(n) = &c.name {
                    out.push(format!("policy.{}.{n}", p.id));
                }
            }
        }
        out
    }

    /// Current value of a parameter.
    pub fn get(&self, r: ParamRef) -> f64 {
        match r {
            ParamRef::Model(f) => self.model.get(f),
            ParamRef::Military { country, field } => self.countries[country].military.get(field),
            ParamRef::Political { country, field } => self.countries[country].political.get(field),
            ParamRef::Economic { country, field } => self.countries[country].economic.get(field),
            ParamRef::Tie { country, power } => self.countries[country].ties[power],
            ParamRef::Power { power, field } => self.powers[power].params.get(field),
            ParamRef::Alliance { alliance, field } => self.alliances[alliance].params.get(field),
            ParamRef::Deployment { deployment, field } => {
                self.deployments[deployment].params.get(field)
            }
            ParamRef::Rivalry { rivalry, field } => self.rivalries[rivalry].params.get(field),
            ParamRef::PolicyEnabled { policy } => {
                f64::from(u8::from(self.policies[policy].enabled))
            }
            ParamRef::PolicyValue { policy, field } => {
                let p = &self.policies[policy];
                match field {
                    PolicyField::Start => decimal_year(p.start),
                    PolicyField::RampYears => p.ramp_years,
                    PolicyField::Change { change, .. } => match p.changes[change].op {
                        ChangeOp::Set(v) | ChangeOp::Add(v) | ChangeOp::Scale(v) => v,
                    },
                }
            }
        }
    }

    /// Whether the parameter's value is derived here from others (a `Derived` default the
    /// file and every override left alone: `military.budget_share`, `military.capability`,
    /// `baseline_tension`), so it moves whenever its inputs do.
    pub fn derived_here(&self, r: ParamRef) -> bool {
        match r {
            ParamRef::Military { country, field } => {
                let c = &self.countries[country];
                match MilitaryParams::FIELDS[field].key {
                    "budget_share" => !c.budget_share_given,
                    "capability" => !c.capability_given,
                    _ => false,
                }
            }
            ParamRef::Rivalry { rivalry, field } => {
                RivalryParams::FIELDS[field].key == "baseline_tension"
                    && !self.rivalries[rivalry].baseline_tension_given
            }
            _ => false,
        }
    }

    /// Set a parameter, range-checked, and re-derive what depends on it.
    pub fn set(&mut self, r: ParamRef, value: f64) -> Result<(), String> {
        let spec = r.spec();
        if !spec.contains(value) {
            return Err(format!("expected {}, found {value}", spec.expected()));
        }
        match r {
            ParamRef::Model(f) => *self.model.slot_mut(f) = value,
            ParamRef::Military { country, field } => {
                let c = &mut self.countries[country];
                *c.military.slot_mut(field) = value;
                match MilitaryParams::FIELDS[field].key {
                    "budget_share" => c.budget_share_given = true,
                    "capability" => c.capability_given = true,
                    _ => {}
                }
            }
            ParamRef::Political { country, field } => {
                *self.countries[country].political.slot_mut(field) = value
            }
            ParamRef::Economic { country, field } => {
                *self.countries[country].economic.slot_mut(field) = value
            }
            ParamRef::Tie { country, power } => self.countries[country].ties[power] = value,
            ParamRef::Power { power, field } => *self.powers[power].params.slot_mut(field) = value,
            ParamRef::Alliance { alliance, field } => {
                *self.alliances[alliance].params.slot_mut(field) = value
            }
            ParamRef::Deployment { deployment, field } => {
                *self.deployments[deployment].params.slot_mut(field) = value
            }
            ParamRef::Rivalry { rivalry, field } => {
                let r = &mut self.rivalries[rivalry];
                *r.params.slot_mut(field) = value;
                if RivalryParams::FIELDS[field].key == "baseline_tension" {
                    r.baseline_tension_given = true;
                }
            }
            ParamRef::PolicyEnabled { policy } => self.policies[policy].enabled = value != 0.0,
            ParamRef::PolicyValue { policy, field } => {
                let p = &mut self.policies[policy];
                match field {
                    PolicyField::Start => p.start = year_month_of(value),
                    PolicyField::RampYears => p.ramp_years = value,
                    PolicyField::Change { change, op, .. } => p.changes[change].op = op.with(value),
                }
            }
        }
        self.derive();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_file;

    fn envoy() -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/shea-special-envoy.toml");
        load_file(&path).expect("the bundled scenario is valid")
    }

    #[test]
    fn a_policy_change_magnitude_is_a_range_checked_parameter() {
        let mut s = envoy();
        let r = ParamRef::resolve("policy.special-envoy.changes[0].set", &s).unwrap();
        assert_eq!(s.get(r), 0.7);
        // The range is the target's (rivalry monitoring, a share in [0, 1]).
        let monitoring = ParamRef::resolve("rivalry.SRB-XKX.monitoring", &s).unwrap();
        assert_eq!(r.spec(), monitoring.spec());
        s.set(r, 0.9).unwrap();
        let p = s.policies.iter().find(|p| p.id == "special-envoy").unwrap();
        assert_eq!(p.changes[0].op, ChangeOp::Set(0.9));
        assert!(s.set(r, 1.5).is_err());
        assert!(!r.is_dynamic(), "policies cannot change policy values");
    }

    #[test]
    fn start_and_ramp_are_parameters() {
        let mut s = envoy();
        let start = ParamRef::resolve("policy.special-envoy.start", &s).unwrap();
        assert_eq!(s.get(start), 2026.0);
        s.set(start, 2027.5).unwrap();
        let p = |s: &Scenario| s.policies.iter().find(|p| p.id == "special-envoy").cloned();
        assert_eq!(
            p(&s).unwrap().start,
            YearMonth {
                year: 2027,
                month: 7
            }
        );
        assert!(s.set(start, 1800.0).is_err());
        let ramp = ParamRef::resolve("policy.special-envoy.ramp_years", &s).unwrap();
        assert_eq!(s.get(ramp), 1.0);
        s.set(ramp, 4.0).unwrap();
        assert_eq!(p(&s).unwrap().ramp_years, 4.0);
        assert!(s.set(ramp, -1.0).is_err());
    }

    #[test]
    fn decimal_years_round_to_the_month() {
        assert_eq!(
            year_month_of(2026.0),
            YearMonth {
                year: 2026,
                month: 1
            }
        );
        assert_eq!(
            year_month_of(2026.99),
            YearMonth {
                year: 2027,
                month: 1
            }
        );
        assert_eq!(
            year_month_of(2026.95),
            YearMonth {
                year: 2026,
                month: 12
            }
        );
        for m in 1..=12 {
            let ym = YearMonth {
                year: 2030,
                month: m,
            };
            assert_eq!(year_month_of(decimal_year(ym)), ym);
        }
    }

    #[test]
    fn a_named_change_is_addressed_by_its_name() {
        let mut s = envoy();
        let p = s
            .policies
            .iter_mut()
            .find(|p| p.id == "special-envoy")
            .unwrap();
        p.changes[0].name = Some("monitoring_target".into());
        let by_name = ParamRef::resolve("policy.special-envoy.monitoring_target", &s).unwrap();
        let by_index = ParamRef::resolve("policy.special-envoy.changes[0].set", &s).unwrap();
        assert_eq!(by_name, by_index);
        assert!(
            s.all_paths()
                .contains(&"policy.special-envoy.monitoring_target".to_string())
        );
    }

    #[test]
    fn bad_policy_paths_say_what_exists() {
        let s = envoy();
        let e = ParamRef::resolve("policy.special-envoy.changes[0].add", &s).unwrap_err();
        assert!(e.message.contains("is a `set`, not `add`"), "{e}");
        assert_eq!(
            e.suggestion.as_deref(),
            Some("policy.special-envoy.changes[0].set")
        );
        let e = ParamRef::resolve("policy.special-envoy.changes[3].set", &s).unwrap_err();
        assert!(e.message.contains("has 1 change(s)"), "{e}");
        let e = ParamRef::resolve("policy.special-envoi.start", &s).unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("policy.special-envoy.start"));
        let e = ParamRef::resolve("policy.special-envoy.ramp_yeas", &s).unwrap_err();
        assert_eq!(
            e.suggestion.as_deref(),
            Some("policy.special-envoy.ramp_years")
        );
        assert!(ParamRef::resolve("policy.special-envoy.changes[x].set", &s).is_err());
        assert!(ParamRef::resolve("policy.special-envoy.changes[0].set.x", &s).is_err());
    }
}
