//! Parameter paths: `country.XKX.military.budget`, `alliance.NATO.reliability`,
//! `rivalry.SRB-XKX.monitoring`, `country.SRB.political.ties.CHN`, `policy.envoy.enabled`.
//!
//! Policies (changes at a date) and sweeps (changes per design point) address parameters
//! with the same paths; both resolve them once, before any run, into a [`ParamRef`].

use super::Scenario;
use super::params::{
    AllianceParams, DeploymentParams, EconomicParams, FieldSpec, MilitaryParams, ModelParams,
    ParamDefault, PoliticalParams, PowerParams, RivalryParams,
};

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
}

/// Why a path did not resolve, with the closest valid path when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct PathError {
    pub message: String,
    pub suggestion: Option<String>,
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
    unit: "0 or 1",
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
            _ => None,
        };
        resolved.ok_or_else(|| PathError {
            message: format!("`{path}` is not a parameter of this scenario"),
            suggestion: closest(path, &scenario.all_paths()),
        })
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
        }
    }

    /// Whether a policy may change it during a run (structural switches may not).
    pub fn is_dynamic(self) -> bool {
        !matches!(self, ParamRef::PolicyEnabled { .. })
    }
}

/// The closest candidate by normalised Damerau-Levenshtein similarity, if any is close enough.
pub fn closest(word: &str, candidates: &[String]) -> Option<String> {
    candidates
        .iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(word, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.clone())
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
        out.extend(
            self.policies
                .iter()
                .map(|p| format!("policy.{}.enabled", p.id)),
        );
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
        }
        self.derive();
        Ok(())
    }
}
