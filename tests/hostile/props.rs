//! Property tests: random valid scenarios, with every number drawn from the extremes of its
//! documented range (FieldSpec min and max in src/scenario/params.rs) or from inside it, are
//! accepted, simulate without panicking, keep every run-level float finite, and give a JSON
//! report with no NaN or infinity where every probability and its interval satisfy
//! 0 <= lo <= p <= hi <= 1 (`deter::selfcheck`).
//!
//! Extending: when sweeps land, generate sweep files over the same ranges and check the sweep
//! report with `selfcheck::check_report_json`.

use proptest::prelude::*;

use deter::scenario::params::{
    AllianceParams, DeploymentParams, EconomicParams, FieldSpec, MilitaryParams, ModelParams,
    ParamDefault, PoliticalParams, PowerParams, RivalryParams,
};
use deter::selfcheck;

/// Where in its range a value is drawn.
#[derive(Debug, Clone, Copy)]
enum Pick {
    Min,
    Max,
    Default,
    Omit,
    Inside(f64),
}

fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![
        3 => Just(Pick::Min),
        3 => Just(Pick::Max),
        1 => Just(Pick::Default),
        1 => Just(Pick::Omit),
        3 => (0.0..=1.0f64).prop_map(Pick::Inside),
    ]
}

#[derive(Debug, Clone)]
struct Shape {
    countries: usize,
    powers: usize,
    alliances: usize,
    deployments: usize,
    rivalries: usize,
    policies: usize,
    horizon_years: u32,
    picks: Vec<Pick>,
    bits: Vec<u32>,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        (
            1usize..=5,
            0usize..=3,
            0usize..=2,
            0usize..=2,
            0usize..=5,
            0usize..=3,
        ),
        prop_oneof![Just(1u32), Just(2), Just(3), Just(200)],
        proptest::collection::vec(pick(), 64..256),
        proptest::collection::vec(any::<u32>(), 64),
    )
        .prop_map(|((c, p, a, d, r, pol), horizon_years, picks, bits)| Shape {
            countries: c,
            powers: p,
            alliances: a,
            deployments: d,
            rivalries: r,
            policies: pol,
            horizon_years,
            picks,
            bits,
        })
}

/// Builds the TOML text, consuming picks and bits in order (cyclically).
struct Gen<'a> {
    shape: &'a Shape,
    p: usize,
    b: usize,
}

impl Gen<'_> {
    fn pick(&mut self) -> Pick {
        let x = self.shape.picks[self.p % self.shape.picks.len()];
        self.p += 1;
        x
    }

    fn bits(&mut self) -> u32 {
        let x = self.shape.bits[self.b % self.shape.bits.len()];
        self.b += 1;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        self.bits() as usize % n.max(1)
    }

    fn value(&mut self, spec: &FieldSpec) -> Option<f64> {
        let required = spec.default == ParamDefault::Required;
        let x = match self.pick() {
            Pick::Min => spec.min,
            Pick::Max => spec.max,
            Pick::Default => match spec.default {
                ParamDefault::Value(v) => v,
                _ if required => spec.min,
                _ => return None,
            },
            Pick::Omit if !required => return None,
            Pick::Omit => spec.max,
            Pick::Inside(f) => (spec.min + f * (spec.max - spec.min)).clamp(spec.min, spec.max),
        };
        // A switch (`model.commitment_at_attack`) takes 0 or 1 only: inside its range, the
        // nearer.
        Some(if spec.is_switch() { x.round() } else { x })
    }

    fn block(&mut self, out: &mut String, fields: &[FieldSpec]) {
        let mut restraint = 0.0;
        let mut at_attack = 0.0;
        for f in fields {
            if let Some(x) = self.value(f) {
                // The protectors' private resolve is refused with alliance restraint, and
                // their two moves with their one move at the attack (docs/MODEL.md 7.7): a
                // valid scenario never has either pair in `[model]`.
                if f.key == "resolve_spread" && x > 0.0 && restraint > 0.0 {
                    continue;
                }
                if f.key == "protector_moves_twice" && x > 0.0 && at_attack > 0.0 {
                    continue;
                }
                if f.key == "protector_restraint" {
                    restraint = x;
                }
                if f.key == "commitment_at_attack" {
                    at_attack = x;
                }
                out.push_str(&format!("{} = {x:?}\n", f.key));
            }
        }
    }

    fn subset(&mut self, ids: &[String]) -> String {
        let mask = self.bits();
        let chosen: Vec<String> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << (i % 32)) != 0)
            .map(|(_, id)| format!("\"{id}\""))
            .collect();
        format!("[{}]", chosen.join(", "))
    }

    fn scenario(&mut self) -> String {
        let s = self.shape;
        let mut t = format!(
            "[scenario]\nname = \"prop\"\nstart = \"2025-{:02}\"\nhorizon_years = {}\nseed = {}\n\n[model]\n",
            1 + self.below(12),
            s.horizon_years,
            self.bits()
        );
        self.block(&mut t, ModelParams::FIELDS);
        let powers: Vec<String> = (0..s.powers).map(|i| format!("P{i}")).collect();
        let countries: Vec<String> = (0..s.countries).map(|i| format!("C{i}")).collect();
        for p in &powers {
            t += &format!("\n[[power]]\nid = \"{p}\"\n");
            self.block(&mut t, PowerParams::FIELDS);
        }
        let statuses = ["nato_member", "nato_aspirant", "pfp_neutral", "none"];
        for c in &countries {
            let status = statuses[self.below(4)];
            t += &format!(
                "\n[[country]]\nid = \"{c}\"\nstatus = \"{status}\"\n[country.military]\n"
            );
            self.block(&mut t, MilitaryParams::FIELDS);
            t += "[country.political]\n";
            self.block(&mut t, PoliticalParams::FIELDS);
            if !powers.is_empty() {
                let ties: Vec<String> = powers
                    .iter()
                    .map(|p| {
                        let spec = FieldSpec {
                            min: 0.0,
                            max: 1.0,
                            ..PoliticalParams::FIELDS[0]
                        };
                        format!("{p} = {:?}", self.value(&spec).unwrap_or(0.5))
                    })
                    .collect();
                t += &format!("ties = {{ {} }}\n", ties.join(", "));
            }
            t += "[country.economic]\n";
            self.block(&mut t, EconomicParams::FIELDS);
        }
        let actors: Vec<String> = countries.iter().chain(&powers).cloned().collect();
        let mut alliances = Vec::new();
        for i in 0..s.alliances {
            alliances.push(format!("A{i}"));
            let members = self.subset(&actors);
            let collective = self.bits().is_multiple_of(2);
            t += &format!(
                "\n[[alliance]]\nid = \"A{i}\"\nmembers = {members}\ncollective_procurement = {collective}\n"
            );
            self.block(&mut t, AllianceParams::FIELDS);
        }
        for i in 0..s.deployments {
            let host = &countries[self.below(countries.len())];
            let contributors = self.subset(&actors);
            t += &format!(
                "\n[[deployment]]\nid = \"D{i}\"\nhost = \"{host}\"\ncontributors = {contributors}\n"
            );
            self.block(&mut t, DeploymentParams::FIELDS);
        }
        let mut rivalries = Vec::new();
        if countries.len() >= 2 {
            for i in 0..s.rivalries {
                let a = self.below(countries.len());
                let b = (a + 1 + self.below(countries.len() - 1)) % countries.len();
                rivalries.push(format!("R{i}"));
                t += &format!(
                    "\n[[rivalry]]\nid = \"R{i}\"\nchallenger = \"{}\"\ntarget = \"{}\"\n",
                    countries[a], countries[b]
                );
                self.block(&mut t, RivalryParams::FIELDS);
            }
        }
        for i in 0..s.policies {
            let (path, spec) = self.param_path(&countries, &powers, &alliances, &rivalries);
            let op = match self.below(3) {
                0 => format!("set = {:?}", self.value(&spec).unwrap_or(spec.min)),
                1 => {
                    let w = spec.max - spec.min;
                    // Defaults of their own: the target field's default may lie outside these ranges.
                    let add = FieldSpec {
                        min: -w,
                        max: w,
                        default: ParamDefault::Value(0.0),
                        ..spec
                    };
                    format!("add = {:?}", self.value(&add).unwrap_or(0.0))
                }
                _ => {
                    let scale = FieldSpec {
                        min: 0.0,
                        max: 1000.0,
                        default: ParamDefault::Value(1.0),
                        ..spec
                    };
                    format!("scale = {:?}", self.value(&scale).unwrap_or(1.0))
                }
            };
            let ramp = FieldSpec {
                min: 0.0,
                max: 100.0,
                default: ParamDefault::Value(0.0),
                ..spec
            };
            let year = 2024 + self.below(s.horizon_years as usize + 3);
            t += &format!(
                "\n[[policy]]\nid = \"pol{i}\"\nstart = \"{year}-{:02}\"\nramp_years = {:?}\nenabled = {}\nchanges = [{{ path = \"{path}\", {op} }}]\n",
                1 + self.below(12),
                self.value(&ramp).unwrap_or(0.0),
                !self.bits().is_multiple_of(4)
            );
            if !alliances.is_empty() {
                let a = &alliances[self.below(alliances.len())];
                let m = &actors[self.below(actors.len())];
                t += &format!("join = [{{ alliance = \"{a}\", member = \"{m}\" }}]\n");
            }
        }
        t
    }

    /// A random parameter path a policy may change, with its spec.
    fn param_path(
        &mut self,
        countries: &[String],
        powers: &[String],
        alliances: &[String],
        rivalries: &[String],
    ) -> (String, FieldSpec) {
        loop {
            match self.below(7) {
                0 => {
                    let f = ModelParams::FIELDS[self.below(ModelParams::FIELDS.len())];
                    // A policy's `add` or `scale` cannot keep a switch at 0 or 1.
                    if !f.is_switch() {
                        return (format!("model.{}", f.key), f);
                    }
                }
                1..=3 => {
                    let c = &countries[self.below(countries.len())];
                    let (block, fields) = match self.below(3) {
                        0 => ("military", MilitaryParams::FIELDS),
                        1 => ("political", PoliticalParams::FIELDS),
                        _ => ("economic", EconomicParams::FIELDS),
                    };
                    let f = fields[self.below(fields.len())];
                    return (format!("country.{c}.{block}.{}", f.key), f);
                }
                4 if !powers.is_empty() => {
                    let p = &powers[self.below(powers.len())];
                    let f = PowerParams::FIELDS[self.below(PowerParams::FIELDS.len())];
                    return (format!("power.{p}.{}", f.key), f);
                }
                5 if !alliances.is_empty() => {
                    let a = &alliances[self.below(alliances.len())];
                    let f = AllianceParams::FIELDS[self.below(AllianceParams::FIELDS.len())];
                    return (format!("alliance.{a}.{}", f.key), f);
                }
                6 if !rivalries.is_empty() => {
                    let r = &rivalries[self.below(rivalries.len())];
                    let f = RivalryParams::FIELDS[self.below(RivalryParams::FIELDS.len())];
                    return (format!("rivalry.{r}.{}", f.key), f);
                }
                _ => {}
            }
        }
    }
}

proptest! {
    // A fixed seed keeps CI deterministic; explore further by changing it or raising `cases`.
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_230_924),
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_scenarios_at_range_extremes_give_finite_bounded_reports(shape in shape()) {
        let text = Gen { shape: &shape, p: 0, b: 0 }.scenario();
        let s = match deter::scenario::parse_str(&text, "prop.toml") {
            Ok(s) => s,
            Err(d) => panic!("generated scenario refused:\n{d}\n{text}"),
        };
        let report = selfcheck::simulate_and_report(&s, 3);
        if let Err(e) = selfcheck::check_report_json(&report) {
            panic!("{e}\n{text}");
        }
    }
}

/// Every parameter at its minimum at once, then every parameter at its maximum at once,
/// over the longest horizon.
#[test]
fn all_minimum_and_all_maximum_scenarios_run() {
    for pick in [Pick::Min, Pick::Max] {
        let shape = Shape {
            countries: 4,
            powers: 2,
            alliances: 2,
            deployments: 2,
            rivalries: 4,
            policies: 3,
            horizon_years: 200,
            picks: vec![pick],
            bits: (0..64).map(|i| i * 7 + 1).collect(),
        };
        let text = Gen {
            shape: &shape,
            p: 0,
            b: 0,
        }
        .scenario();
        let s = deter::scenario::parse_str(&text, "extreme.toml")
            .unwrap_or_else(|d| panic!("{d}\n{text}"));
        let report = selfcheck::simulate_and_report(&s, 4);
        selfcheck::check_report_json(&report).unwrap_or_else(|e| panic!("{e}\n{text}"));
    }
}
