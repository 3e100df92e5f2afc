//! Scenarios: the validated description of a region.
//!
//! Raw TOML is read by [`read`] into a [`Scenario`]; once built, a `Scenario` is valid:
//! every id it references exists, every number lies in its documented range.
//! **Architecture Invariant:** nothing downstream of this module sees raw TOML.

mod diagnostic;
pub mod diff;
pub mod kind;
pub(crate) mod input;
pub mod overrides;
pub mod params;
mod path;
mod read;

#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use diagnostic::{Diagnostic, Diagnostics, Excerpt, Severity, printable, printable_lines};
pub use input::read_bounded;
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use params::{
    AllianceParams, DeploymentParams, EconomicParams, FieldSpec, MilitaryParams, ModelParams,
    ParamDefault, PoliticalParams, PowerParams, RivalryParams, markdown_reference,
};
pub(crate) use path::{closest, year_month_of};
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use path::{OpKind, ParamRef, PathError, PolicyField, SpecOf};
pub(crate) use read::{SCENARIO_FILE, drop_gated_warnings, gate_of, gate_on};
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use read::{
    MAX_FILE_BYTES, TEMPLATE, load_base_with_warnings, load_file, load_file_with_inputs,
    load_file_with_inputs_and_warnings,
    load_file_with_warnings, load_text_with_warnings, parse_bytes, parse_str, parse_str_in,
    read_scenario_text,
    parse_str_with_warnings, parse_str_with_warnings_at,
};
pub(crate) use read::{may_reach_refused_pair, pair_key_of, refused_pair_reached};

/// NATO status of a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Status {
    NatoMember,
    NatoAspirant,
    PfpNeutral,
    None,
}

impl Status {
    pub const ALL: &'static [(&'static str, Status)] = &[
        ("nato_member", Status::NatoMember),
        ("nato_aspirant", Status::NatoAspirant),
        ("pfp_neutral", Status::PfpNeutral),
        ("none", Status::None),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map(|(k, _)| *k)
            .unwrap_or("none")
    }
}

/// A calendar month, the scenario's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct YearMonth {
    pub year: i32,
    /// 1..=12
    pub month: u32,
}

impl YearMonth {
    /// Months from `self` to `later` (negative if `later` is earlier).
    pub fn months_until(self, later: YearMonth) -> i64 {
        (later.year as i64 - self.year as i64) * 12 + later.month as i64 - self.month as i64
    }

    /// The month `months` after `self` (before it, if negative): 2025-01 plus 120 is
    /// 2035-01, the first month past a 10-year horizon; plus 119 is 2034-12, its last.
    pub fn plus_months(self, months: i64) -> YearMonth {
        let m = i64::from(self.month) - 1 + months;
        YearMonth {
            year: (i64::from(self.year) + m.div_euclid(12)) as i32,
            month: (m.rem_euclid(12) + 1) as u32,
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The `[scenario]` table: name, clock and run defaults.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Meta {
    pub name: String,
    pub description: String,
    pub start: YearMonth,
    pub horizon_years: u32,
    pub runs: u64,
    pub seed: u64,
    pub currency: String,
    /// Whether the file (or a base it extends) writes `runs` and `seed`, rather than leaving
    /// them at their defaults; not part of the scenario's fingerprint.
    #[serde(skip)]
    pub runs_given: bool,
    #[serde(skip)]
    pub seed_given: bool,
}

/// Either side of an alliance or deployment: a regional country or an outside power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Actor {
    Country(usize),
    Power(usize),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Country {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub military: MilitaryParams,
    pub political: PoliticalParams,
    /// Ties to outside powers in [0, 1], indexed like `Scenario::powers`.
    pub ties: Vec<f64>,
    pub economic: EconomicParams,
    /// Whether `military.budget_share` and `military.capability` were given rather than derived.
    pub budget_share_given: bool,
    pub capability_given: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutsidePower {
    pub id: String,
    pub name: String,
    pub params: PowerParams,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Alliance {
    pub id: String,
    pub name: String,
    pub members: Vec<Actor>,
    pub collective_procurement: bool,
    pub params: AllianceParams,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    /// Index of the host country.
    pub host: usize,
    pub contributors: Vec<Actor>,
    pub params: DeploymentParams,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rivalry {
    /// "CHALLENGER-TARGET" unless the file names it.
    pub id: String,
    pub challenger: usize,
    pub target: usize,
    pub params: RivalryParams,
    /// Whether `baseline_tension` was given rather than derived from `tension`.
    pub baseline_tension_given: bool,
}

/// How a policy change combines with the current value.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum ChangeOp {
    Set(f64),
    Add(f64),
    Scale(f64),
}

impl ChangeOp {
    pub fn apply(self, current: f64) -> f64 {
        match self {
            ChangeOp::Set(v) => v,
            ChangeOp::Add(v) => current + v,
            ChangeOp::Scale(v) => current * v,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PolicyChange {
    pub path: String,
    pub target: ParamRef,
    pub op: ChangeOp,
    /// A name for the change's magnitude, addressable as `policy.ID.NAME`.
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub description: String,
    pub start: YearMonth,
    pub enabled: bool,
    /// Years over which the change moves linearly from the current value to its target; 0 = at once.
    pub ramp_years: f64,
    pub changes: Vec<PolicyChange>,
    /// (alliance index, new member) pairs that take effect at the start date.
    pub joins: Vec<(usize, Actor)>,
}

impl Policy {
    /// The months its changes ramp over (`ramp_years` rounded to months); 1 or fewer: at once.
    pub fn ramp_steps(&self) -> u32 {
        (self.ramp_years * crate::model::STEPS_PER_YEAR as f64).round() as u32
    }

    /// Whether its changes ramp (more than one month), rather than apply at once.
    pub fn ramps(&self) -> bool {
        self.ramp_steps() > 1
    }
}

/// An uncertain parameter declared by the scenario (`[[uncertain]]`, docs/SCENARIO.md): a
/// prior over one parameter path, in the distributions sweeps use (docs/SWEEPS.md). A
/// scenario with any makes `deter run` and `deter compare` do nested Monte Carlo over draws
/// from the priors (src/calibrate/nested.rs).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Uncertain {
    /// The parameter path, as written.
    pub path: String,
    /// The resolved parameter and its prior (role "uncertainty").
    #[serde(rename = "prior", serialize_with = "prior_text")]
    pub parameter: crate::sweep::spec::Parameter,
    /// Where the prior is written (its `path` key in the file that declares it), for a
    /// warning about it; not part of the prior (two priors are equal wherever written, and
    /// the fingerprint leaves it out).
    #[serde(skip)]
    pub written_at: WrittenAt,
}

/// Where a prior is written: a warning located at its `path` key (file, line, column, key
/// path and excerpt) with no message yet; empty for a prior a program built. Equal to any
/// other: it says where a value came from, not what it is.
#[derive(Debug, Clone, Default)]
pub struct WrittenAt(pub Option<Box<Diagnostic>>);

impl PartialEq for WrittenAt {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl WrittenAt {
    /// Where the prior is written, as `FILE:LINE:COL` (its `path` key); None for a prior a
    /// program built.
    pub fn place(&self) -> Option<String> {
        self.0
            .as_ref()
            .map(|d| format!("{}:{}:{}", d.file, d.line, d.col))
    }

    /// A warning `message` with `help` at this place: located at the prior in its file, or
    /// (a prior a program built) at `path` in a file named `uncertain`.
    pub fn warning(&self, path: &str, message: String, help: String) -> Diagnostic {
        self.error(path, message, help).warning()
    }

    /// An error `message` with `help` at this place, as [`WrittenAt::warning`] locates one.
    pub fn error(&self, path: &str, message: String, help: String) -> Diagnostic {
        let mut d = match &self.0 {
            Some(d) => (**d).clone(),
            None => Diagnostic::file_level("uncertain", String::new()),
        };
        if d.path.is_empty() {
            d.path = path.to_string();
        }
        d.message = message;
        d.with_help(Some(help))
    }
}

/// The prior in the scenario's fingerprint: its kind and domain, exactly.
fn prior_text<S: serde::Serializer>(
    p: &crate::sweep::spec::Parameter,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{:?} {:?}", p.kind, p.domain))
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Scenario {
    /// `[scenario]`: name, start month, horizon, runs, seed, currency.
    pub meta: Meta,
    /// `[model]`: the behavioural parameters (docs/MODEL.md).
    pub model: ModelParams,
    /// `[[power]]`: outside powers (capability, presence in theatre, strategic deterrent).
    pub powers: Vec<OutsidePower>,
    /// `[[country]]`: countries with their military, political and economic levels.
    pub countries: Vec<Country>,
    /// `[[alliance]]`: pacts with their members and terms.
    pub alliances: Vec<Alliance>,
    /// `[[deployment]]`: forces placed in a country by contributors.
    pub deployments: Vec<Deployment>,
    /// `[[rivalry]]`: challenger -> target pairs, each with its crisis process.
    pub rivalries: Vec<Rivalry>,
    /// `[[policy]]`: dated changes of parameters.
    pub policies: Vec<Policy>,
    /// Uncertain parameters with their priors (`[[uncertain]]`); left out of the fingerprint
    /// when there are none, so scenarios without them keep their `scenario_sha256`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Vec<Uncertain>,
}

impl Scenario {
    /// Index of the country with id `id` in `countries`, if any.
    pub fn country_index(&self, id: &str) -> Option<usize> {
        self.countries.iter().position(|c| c.id == id)
    }

    /// Index of the outside power with id `id` in `powers`, if any.
    pub fn power_index(&self, id: &str) -> Option<usize> {
        self.powers.iter().position(|p| p.id == id)
    }

    /// The country or outside power with id `id`, if any.
    pub fn actor(&self, id: &str) -> Option<Actor> {
        self.country_index(id)
            .map(Actor::Country)
            .or_else(|| self.power_index(id).map(Actor::Power))
    }

    /// The id of actor `a` (a country or an outside power). Panics only if `a` does not come
    /// from this scenario.
    pub fn actor_id(&self, a: Actor) -> &str {
        match a {
            Actor::Country(i) => &self.countries[i].id,
            Actor::Power(i) => &self.powers[i].id,
        }
    }

    /// SHA-256 (hex) of a canonical serialisation of this validated scenario: its JSON (every
    /// field, in declaration order; floats in shortest round-trip form), after `extends`,
    /// overrides and derivation. Identifies exactly what is simulated, whatever the file's
    /// formatting, comments or key order; recorded as `scenario_sha256` in every output and
    /// checked by `deter merge`.
    pub fn fingerprint(&self) -> String {
        let text = serde_json::to_vec(self).expect("a validated scenario serialises");
        crate::output::sha256_hex(&text)
    }

    /// Number of monthly steps in the horizon.
    pub fn steps(&self) -> u32 {
        self.meta.horizon_years * 12
    }

    /// Fill every `Derived` parameter from the values it depends on. Called by the reader and
    /// after any change through a parameter path, so derived values never go stale.
    pub fn derive(&mut self) {
        for c in &mut self.countries {
            let m = &mut c.military;
            if !c.budget_share_given {
                m.budget_share = (m.budget / c.economic.gdp).min(0.5);
            }
            if !c.capability_given {
                m.capability =
                    m.procurement_efficiency * m.investment_share * m.budget / m.depreciation;
            }
        }
        for r in &mut self.rivalries {
            if !r.baseline_tension_given {
                r.params.baseline_tension = r.params.tension;
            }
        }
    }
}
