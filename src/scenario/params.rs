//! Numeric parameter blocks and their specifications (unit, default, allowed range, doc).
//!
//! Every number a scenario file can set is declared once here, with the macro
//! [`param_block!`]. The same declaration drives the file reader (range checks, defaults,
//! did-you-mean on keys), the parameter paths used by policies and sweeps, and the
//! documentation test that keeps docs/SCENARIO.md complete.

/// Where a parameter's value comes from when the file does not give it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamDefault {
    /// The file must give it.
    Required,
    /// This value.
    Value(f64),
    /// Computed from other values (the text says how).
    Derived(&'static str),
}

/// The specification of one numeric parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub unit: &'static str,
    pub default: ParamDefault,
    pub min: f64,
    pub max: f64,
    pub doc: &'static str,
}

/// The help line of a value out of the range of parameter `path` (as `--set`, policies and
/// sweeps write it): "`PATH`: DOC". The same in every file kind and command (a scenario
/// field, `--set`, a policy change, a sweep, `[[uncertain]]`, calibration and futures values),
/// so a value out of range always names its target and what it means.
/// A value out of `spec`'s range, written `found` in its file, for the parameter `path`:
/// the message ("expected a number in [MIN, MAX] (UNIT), found FOUND") and its help line
/// ([`range_help`]). The one wording of this fault in every file kind (scenario, sweep,
/// levers and calibration TOML, `--posterior` and `futures` CSV cells) and `--set`.
pub fn range_fault(path: &str, spec: &FieldSpec, found: &str) -> (String, Option<String>) {
    (
        format!("expected {}, found {found}", spec.expected()),
        Some(range_help(path, spec)),
    )
}

/// A switch's `true` / `false` written as text (a CSV cell; `--set` reads them alike): 1 or
/// 0. None for any other text, or a parameter that is not a switch.
pub fn switch_word(spec: &FieldSpec, raw: &str) -> Option<f64> {
    match raw.trim() {
        "true" if spec.is_switch() => Some(1.0),
        "false" if spec.is_switch() => Some(0.0),
        _ => None,
    }
}

pub fn range_help(path: &str, spec: &FieldSpec) -> String {
    let doc = spec.doc.trim();
    if doc.is_empty() {
        format!("`{path}`")
    } else {
        format!("`{path}`: {doc}")
    }
}

impl FieldSpec {
    /// "a number in [0, 1]" style description of the allowed range.
    pub fn expected(&self) -> String {
        if self.is_switch() {
            return "true or false (or 0 or 1)".into();
        }
        if self.unit == DECIMAL_YEAR_UNIT {
            // A month's fraction in twelfths and the bounds as dates (`policy.ID.start`:
            // it said "[1900, 2300.9166666666665]").
            let ym = |x: f64| super::path::year_month_of(x);
            let year = |x: f64| match ym(x) {
                super::YearMonth { year, month: 1 } => format!("{year}"),
                super::YearMonth { year, month } => format!("{year} + {}/12", month - 1),
            };
            let date = |x: f64| {
                let d = ym(x);
                format!("{:04}-{:02}", d.year, d.month)
            };
            return format!(
                "a decimal year in [{}, {}] ({} to {})",
                year(self.min),
                year(self.max),
                date(self.min),
                date(self.max)
            );
        }
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.unit)
        };
        format!(
            "a number in [{}, {}]{}",
            fmt_bound(self.min),
            fmt_bound(self.max),
            unit
        )
    }

    /// Whether `x` is a value of the parameter: finite, in its range, and for a switch
    /// ([`Self::is_switch`]) 0 or 1 (a switch at 0.5 was taken as on).
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && x >= self.min && x <= self.max && (!self.is_switch() || x.fract() == 0.0)
    }

    /// A switch (`policy.ID.enabled`): on or off, written `true` / `false` or 1 / 0.
    pub fn is_switch(&self) -> bool {
        self.unit == SWITCH_UNIT
    }

    /// A date (`policy.ID.start`), a decimal year, written `YYYY-MM` in a scenario file.
    pub fn is_date(&self) -> bool {
        self.unit == DECIMAL_YEAR_UNIT
    }
}

/// The unit of a switch ([`FieldSpec::is_switch`]): its only values are 0 and 1.
pub const SWITCH_UNIT: &str = "0 or 1";

/// The unit of a date written as a decimal year, `year + (month - 1) / 12`
/// (`policy.ID.start`): its range is said in twelfths and as dates ([`FieldSpec::expected`]).
pub const DECIMAL_YEAR_UNIT: &str = "decimal year";

pub(crate) fn fmt_bound(x: f64) -> String {
    if x.abs() >= 1e5 && x.fract() == 0.0 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Declares a block of `f64` parameters with their specs and index-based access.
macro_rules! param_block {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $unit:literal, $default:expr, [$min:expr, $max:expr];
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: f64, )*
        }

        impl $name {
            pub const FIELDS: &'static [FieldSpec] = &[
                $( FieldSpec {
                    key: stringify!($field),
                    unit: $unit,
                    default: $default,
                    min: $min,
                    max: $max,
                    doc: concat!($($doc),*),
                }, )*
            ];

            /// Index of a field by key.
            pub fn index_of(key: &str) -> Option<usize> {
                Self::FIELDS.iter().position(|f| f.key == key)
            }

            /// Mutable access by index (the order of `FIELDS`).
            pub fn slot_mut(&mut self, index: usize) -> &mut f64 {
                let mut k = 0usize;
                $(
                    if index == k {
                        return &mut self.$field;
                    }
                    k += 1;
                )*
                let _ = k;
                panic!("field index {index} out of range for {}", stringify!($name))
            }

            pub fn get(&self, index: usize) -> f64 {
                let mut copy = *self;
                *copy.slot_mut(index)
            }

            /// Every field at its default; `Required` and `Derived` fields are NaN until set.
            pub fn defaults() -> Self {
                let mut block = Self { $( $field: f64::NAN, )* };
                for (i, spec) in Self::FIELDS.iter().enumerate() {
                    if let ParamDefault::Value(v) = spec.default {
                        *block.slot_mut(i) = v;
                    }
                }
                block
            }
        }

        impl ParamBlock for $name {
            fn fields() -> &'static [FieldSpec] {
                Self::FIELDS
            }
            fn slot(&mut self, index: usize) -> &mut f64 {
                self.slot_mut(index)
            }
        }
    };
}

/// Index-based access shared by every parameter block (used by the reader).
pub trait ParamBlock {
    fn fields() -> &'static [FieldSpec];
    fn slot(&mut self, index: usize) -> &mut f64;
}

use ParamDefault::{Derived, Required, Value};

param_block! {
    /// Global model priors (`[model]`). All are modelling choices unless a source is named in
    /// docs/MODEL.md; set by hand against the Serbia -> Kosovo record (docs/MODEL.md section 8).
    pub struct ModelParams {
        /// Rationality beta_A of the challenger's logit choices in the crisis game (higher: closer to a strict best reply).
        rationality: "1 / stake unit", Value(10.0), [0.0, 100.0];
        /// Rationality beta_T of the target's logit choice (concede or resist).
        rationality_target: "1 / stake unit", Value(3.0), [0.0, 100.0];
        /// Rationality beta_P of the protectors' logit choice (commit or stay out).
        rationality_protector: "1 / stake unit", Value(5.0), [0.0, 100.0];
        /// Value of the status quo to a challenger, u_SQ: what it gives up by challenging.
        status_quo_value: "stake units", Value(0.25), [0.0, 10.0];
        /// Decisiveness m of the contest success function p = M_A^m / (M_A^m + M_T^m).
        decisiveness: "", Value(1.0), [0.0, 10.0];
        /// Sensitivity kappa of the crisis-opportunity rate to tension: rate * (1 + kappa * tension).
        tension_sensitivity: "", Value(1.0), [0.0, 20.0];
        /// Standard deviation of the challenger's misperception of p, in logit units, at zero monitoring.
        perception_noise: "logit units", Value(0.6), [0.0, 5.0];
        /// Challenger's cost of war at parity (p = 1/2) against the target alone, as a share of the stake; its denial part scales with 2 (1 - p), and when a protector commits the punishment term is added: war_cost (2 (1 - p) + punishment C_P / (C_P + K_A) + strategic_punishment s_P), K_A the challenger's effective capability (stock x quality x readiness).
        war_cost: "stake units", Value(0.8), [0.0, 10.0];
        /// Cost of limited force (MID 4) as a share of the cost of war, for every player.
        limited_force_cost: "", Value(0.3), [0.0, 1.0];
        /// Punishment: weight of the committed coalition's total capability C_P in the challenger's war cost, the term punishment C_P / (C_P + K_A) added to the denial term 2 (1 - p), whatever the local balance.
        punishment: "", Value(1.0), [0.0, 10.0];
        /// Punishment added by a strategic (nuclear) deterrent among the committed protectors.
        strategic_punishment: "", Value(1.0), [0.0, 10.0];
        /// Political cost of challenging under full international monitoring.
        monitoring_cost: "stake units", Value(0.25), [0.0, 10.0];
        /// Political cost of using force against a target whose treaty protector has committed, per unit of treaty weight.
        alliance_cost: "stake units", Value(0.15), [0.0, 10.0];
        /// Exchange rate of the economy into stake units: one stake unit is worth this share of the challenger's GDP.
        stake_gdp_share: "share of GDP", Value(0.0333), [1e-6, 10.0];
        /// Share of the challenger's GDP lost to a use of force per unit of the rivalry's trade intensity (lost bilateral trade).
        trade_gdp_loss: "share of GDP", Value(0.063), [0.0, 10.0];
        /// Share of the trade cost of a use of force that a dispute stopping short of force (a threat or a display) already costs the challenger: conflict of any intensity costs gains from trade (Polachek 1980), not only force.
        dispute_trade_share: "", Value(0.69), [0.0, 1.0];
        /// Audience cost of backing down, per rung climbed above the threat.
        audience_cost: "stake units", Value(0.02), [0.0, 10.0];
        /// Share of the war cost a display of force (MID level 3) carries.
        display_cost_factor: "", Value(0.0), [0.0, 1.0];
        /// Upper bound c_hat of the target's war cost, uniform on [0, c_hat] (Fearon 1995).
        war_uncertainty: "stake units", Value(2.0), [0.0, 100.0];
        /// The target's chance of not losing a war, as a multiple of its local odds 1 - p: q = min(1, war_resistance (1 - p)). It bounds P(war given force) by Fearon's limit q / c_hat (the challenger can demand at most the whole issue, so the target fights only if its cost of war is below q): a target that would lose badly accepts a limited fait accompli rather than fight (Fearon 1995; Tarar 2016; Altman 2017). The stronger side of asymmetric wars (ten times stronger or more) won only 71.5% of them (Arreguin-Toft 2001): the weaker side's chance is several times its local odds. Hand-set; 0: no war ever.
        war_resistance: "", Value(8.0), [0.0, 1000.0];
        /// Target's value of the issue, as a share of the stake: what it loses if it concedes, and p times this if force is used.
        target_stake: "stake units", Value(0.3), [0.0, 100.0];
        /// Target's added cost of conceding per unit of cohesion (domestic audience).
        concession_cohesion: "stake units", Value(0.25), [0.0, 10.0];
        /// Target's added cost of conceding per unit of reputation (its credibility in later crises).
        concession_reputation: "stake units", Value(0.25), [0.0, 10.0];
        /// Target's added cost of conceding per unit of the challenger's real local probability of winning with the protector out, p_0 (Goliath's curse: a target that yields to a state able to come back anticipates further demands, so compellent threats by much stronger challengers succeed less often; Sechser 2010): t_concede = stakes (target_stake + concession_cohesion cohesion + concession_reputation reputation + concession_power p_0). In the challenger's own game the target's cost uses its perceived p~_0, like every input that depends on p. 0: the concession's cost ignores the balance (the same numbers).
        concession_power: "stake units", Value(0.0), [0.0, 10.0];
        /// Horizon, in years, over which the target prices the further demands a concession invites (a concession tells the challenger that threats pay, so its own later crisis opportunities bring new demands: Huth 1988; Weisiger & Yarhi-Milo 2015): the target's cost of conceding rises by concession_demands times the challenger's own crisis opportunities per year at the current tension, opportunity_rate (1 + tension_sensitivity tension), times the target's value of the issue, target_stake stakes, each further demand priced at the value. It does not depend on the balance, so a stronger target does not concede more cheaply. 0: no such term (the same numbers).
        concession_demands: "yr", Value(0.0), [0.0, 100.0];
        /// Horizon, in years, over which the target prices the further demands a concession invites, each at its own loss in a challenge like this one: its value of resisting now, the display's probability times its expected payoff after the display (the same equilibrium loss it would face again). The target's cost of conceding rises by concession_demands_loss opportunity_rate (1 + tension_sensitivity tension) times that loss; a target that loses little by resisting (a protector answers the display) prices the further demands at little. 0: no such term (the same numbers).
        concession_demands_loss: "yr", Value(0.0), [0.0, 100.0];
        /// Target's added cost of conceding, per unit of stakes, when no protector stands behind it (no pact partner and no stationed force of positive capability: node 4 does not exist). A concession to a much stronger state is safe only if something checks the next demand: compellence needs the assurance that compliance brings no further demands (Schelling 1966), which a challenger able to come back cannot give (Sechser 2010; a commitment problem: Fearon 1995; Powell 2006), and a third party's guarantee is what makes a settlement that leaves a side exposed acceptable (Walter 1997). With a protector the term is 0 whatever its value, so a protected target's choices are unchanged; with the defenders' military level removed (the attribution's counterfactual) the target has no protector and pays it. Default 1 with the revealed cost of force (mobilisation_shock 0.3): the configuration that met the adoption rule written before measuring (33 of 35 validation readings hold against 31, none that held fails, the calibration's predictive check 24 of 24; docs/VALIDATION.md, "The target's concessions: why each cost of conceding moved the baseline, and the unguarded concession"). 0: no such term (the game of earlier versions).
        concession_unguarded: "stake units", Value(1.0), [0.0, 10.0];
        /// Probability that the challenger's display of force (MID 3) reveals to it a cost of using force it did not expect (mobilisation tests what force would take: Fearon 1997; Slantchev 2005): drawn after the protectors' move, known to the challenger alone, which then uses force or backs down knowing it; every earlier choice integrates over it. Default 0.3 (the MID data's share of disputes at a display or more that stop there, 0.28), with concession_unguarded 1: the configuration that met the adoption rule (docs/VALIDATION.md, "The target's concessions: why each cost of conceding moved the baseline, and the unguarded concession"). 0: no shock (the game of earlier versions).
        mobilisation_shock: "", Value(0.3), [0.0, 1.0];
        /// Challenger's added cost of using force when the display revealed it (military), per unit of stakes; read only when mobilisation_shock > 0. Default 2: force after a revealed cost is then rare in every dyad of the cases, so mobilisation_shock is the share of displays that stop short of force (docs/VALIDATION.md, "The lowest rungs: a cost of force the display reveals").
        mobilisation_shock_cost: "stake units", Value(2.0), [0.0, 100.0];
        /// Target's cost of war at parity, as a share of the stake; it scales with 2 p.
        target_war_cost: "stake units", Value(0.6), [0.0, 10.0];
        /// Protector's cost of staying out when the challenger uses force, per unit of treaty weight (reputation on all its commitments). Default 0.18, re-set from 0.15 with mobilisation_shock 0.3 (a protector that stays out pays only if force follows; docs/VALIDATION.md, "The lowest rungs").
        treaty_cost: "stake units", Value(0.18), [0.0, 10.0];
        /// Protector's cost of staying out when its forces in theatre are engaged, per unit of their share of the target side's local strength (tripwire). Default 2.45, re-set from 2.0 with mobilisation_shock 0.3 and treaty_cost 0.18 (docs/VALIDATION.md, "The lowest rungs").
        tripwire_cost: "stake units", Value(2.45), [0.0, 10.0];
        /// Protector's cost of committing (mobilisation, reinforcement).
        commit_cost: "stake units", Value(0.05), [0.0, 10.0];
        /// Protector's cost of war against the challenger, scaled by K_A / (K_A + C_P), K_A the challenger's effective capability (stock x quality x readiness).
        protector_war_cost: "stake units", Value(1.0), [0.0, 10.0];
        /// Protector's value of the target's security, as a share of the stake, times its treaty weight or tripwire share.
        protect_value: "stake units", Value(0.3), [0.0, 10.0];
        /// Mean-reversion rate of cohesion and narrative toward their baselines.
        political_reversion: "1/yr", Value(0.5), [0.0, 12.0];
        /// Mean-reversion rate of reputation toward its baseline.
        reputation_reversion: "1/yr", Value(0.2), [0.0, 12.0];
        /// Reputation a target loses when it concedes.
        reputation_loss: "", Value(0.15), [0.0, 1.0];
        /// Reputation a target gains when it stands firm and the challenger backs down.
        reputation_gain: "", Value(0.05), [0.0, 1.0];
        /// Tension jump when a crisis reaches a threat (MID level 2).
        tension_jump_threat: "", Value(0.05), [0.0, 1.0];
        /// Tension jump when a crisis reaches a display of force (MID level 3).
        tension_jump_display: "", Value(0.10), [0.0, 1.0];
        /// Tension jump when a crisis reaches use of force (MID level 4).
        tension_jump_force: "", Value(0.25), [0.0, 1.0];
        /// GDP share both sides lose to a use of force short of war.
        force_gdp_loss: "share of GDP", Value(0.005), [0.0, 1.0];
        /// GDP share the challenger loses to a war.
        war_gdp_loss_challenger: "share of GDP", Value(0.10), [0.0, 1.0];
        /// GDP share the target loses to a war.
        war_gdp_loss_target: "share of GDP", Value(0.20), [0.0, 1.0];
        /// GDP share a sanctioned challenger loses per unit of unsubstituted Western trade exposure.
        sanctions_gdp_loss: "share of GDP", Value(0.02), [0.0, 1.0];
        /// Gain in procurement efficiency from collective (coordinated NATO-standard) procurement.
        procurement_bonus: "", Value(0.15), [0.0, 2.0];
        /// Share of sanctions_credibility with which the West sanctions a mere display of force (MID 3). Displays are rarely sanctioned: none of Serbia's alerts and build-ups on the Kosovo boundary (2019, 2021, 2022, 2023) nor Russia's build-ups on Ukraine's border (2021) drew sanctions; sanctions followed uses of force (2014, 2022). Hand-set; 1 restores sanctions at the display with the full credibility.
        display_sanctions_share: "", Value(0.05), [0.0, 1.0];
        /// Reward a hawkish domestic audience gives the challenger for a display of force (MID 3) in a crisis that reacts to the target's move or to non-state violence (a target-initiated trigger or a non-state incident opened it), as a share of its value of revision V; kept whatever follows. Belligerence is rewarded by hawkish audiences (Kertzer & Brutger 2016) and a kin state answers moves against its kin with a show of support (Jenne 2007; Saideman & Ayres 2008): in the Serbia -> Kosovo record every display (2011, 2019, 2021, 2022, 2023) followed a move by Kosovo or violence in the north. 0: no reward.
        reaction_display_reward: "", Value(0.12), [0.0, 1.0];
        /// Domestic cost the challenger pays for letting a provocation stand: in a crisis that reacts to the target's move or to non-state violence (a target-initiated trigger or a non-state incident opened it), its status quo (no challenge) is worth reaction_inaction_cost * V less, V its value of revision; in a crisis the rivalry's own opportunity opens, nothing changes. Audiences judge a government by its country's reputation for resolve and national honour whether or not it made a threat (Snyder & Borghard 2011), audience costs exist in autocracies whose elites can punish the leader (Weeks 2008), and the cost of backing down rises as a confrontation goes on (Fearon 1994; Tomz 2007); no source sizes the cost of inaction. 0: no such term (the same numbers).
        reaction_inaction_cost: "", Value(0.0), [0.0, 1.0];
        /// The challenger's added reward for a display of force (MID 3), as a share of its value of revision V per unit of its memory of defeats in the rivalry, in every crisis: the memory gains 1 each time the challenger backs down after the target resisted (at the threat or after its display) and decays at defeat_memory_decay; the reward is defeat_memory * memory * V on top of the reaction's. A state defeated in one crisis turns to more coercive bargaining in the next with the same adversary (Leng 1983, "When will they ever learn?"; Leng 1988), and a rivalry's past confrontations make later, more escalatory conflict likelier (Hensel 1999). 0: no such term (the same numbers).
        defeat_memory: "", Value(0.0), [0.0, 1.0];
        /// Rate at which the challenger's memory of its defeats (defeat_memory) decays: each month not at war it is multiplied by exp(-defeat_memory_decay dt). Read only when defeat_memory > 0. Default 0.2, the model's rate of forgetting the target's crisis record (reputation_reversion): a half-life of ln 2 / 0.2 = 3.5 years.
        defeat_memory_decay: "1/yr", Value(0.2), [0.0, 12.0];
        /// Share of the challenger's memory of its defeats (defeat_memory) that a success wipes: when the target concedes, the memory is multiplied by 1 - defeat_memory_reset (1: the memory counts the defeats since the challenger's last success; a use of force has no realised winner in the model and neither adds nor resets). Read only when defeat_memory > 0. A state defeated in a crisis turns more coercive in the next with the same adversary, a victory brings no change (Leng 1983); the reset is a modelling choice (Leng's "no change" read literally keeps the coercion learned). 0: no reset (the same numbers).
        defeat_memory_reset: "", Value(0.0), [0.0, 1.0];
        /// How much a recent dispute raises the rivalry's crisis hazard: each of the three rates that open crises (the rivalry's own crisis opportunities, non-state incidents, target-initiated triggers) is multiplied by 1 + dispute_recency * e, where e, the recency of the rivalry's last dispute, is set to 1 at each dispute (a threat or a fait accompli) and multiplied by exp(-dispute_recency_decay dt) each month not at war (0 at the start). The hazard is then a function of the years t since the last dispute, 1 + dispute_recency exp(-dispute_recency_decay t): the probability of a militarized dispute in a dyad falls with the years of peace since its last one (Beck, Katz & Tucker 1998, peace years; Raknerud & Hegre 1997; Crescenzi & Enterline 2001). It acts on the rates only: the game of a crisis is unchanged. 0: no such term (the same numbers).
        dispute_recency: "", Value(0.0), [0.0, 10.0];
        /// Rate at which the recency of the rivalry's last dispute (dispute_recency) fades: each month not at war it is multiplied by exp(-dispute_recency_decay dt). Read only when dispute_recency > 0. Default 0.5, the rate at which the model's tension forgets a dispute (tension_reversion's default): a half-life of ln 2 / 0.5 = 1.4 years.
        dispute_recency_decay: "1/yr", Value(0.5), [0.0, 12.0];

        /// Share of the challenger's uncertainty about the target's resolve that a war in the rivalry resolves: when a war starts the rivalry's revealed information r is set to 1, and each month not at war it is multiplied by exp(-war_revelation_decay dt); in every later crisis of the rivalry P(war given force) (after a threat and after a fait accompli) is multiplied by 1 - war_revelation r: with that probability the challenger knows the target's cost of war and offers what it accepts, so bargaining does not fail. War follows from private information (Fearon 1995) and fighting reveals it: wars end when expectations converge (Slantchev 2003) and the peace after a war lasts longer where the war made the terms apparent (Werner & Yuen 2005). Default 1 (a war reveals all the uncertainty that caused it), adopted by the rule written before it was measured (docs/VALIDATION.md, "The top of the ladder: what a war reveals"); 0: no such term (the game of earlier versions).
        war_revelation: "", Value(1.0), [0.0, 1.0];
        /// Rate at which what a war revealed (war_revelation) fades: each month not at war the rivalry's revealed information is multiplied by exp(-war_revelation_decay dt). Read only when war_revelation > 0. Default 0.2, the model's rate of forgetting the target's crisis record (reputation_reversion): a half-life of ln 2 / 0.2 = 3.5 years; no source sizes it.
        war_revelation_decay: "1/yr", Value(0.2), [0.0, 12.0];
        /// Sensitivity of the non-state incident rate to tension: factor 1 + nonstate_tension * tension.
        nonstate_tension: "", Value(1.0), [0.0, 20.0];
        /// Sensitivity of the non-state incident rate to the challenger's narrative: factor 1 + nonstate_narrative * narrative (armed groups draw on the narrative that denies the target's claim).
        nonstate_narrative: "", Value(1.0), [0.0, 20.0];
        /// How much international monitoring suppresses non-state violence: factor 1 - nonstate_monitoring * monitoring (KFOR and EULEX patrols in northern Kosovo).
        nonstate_monitoring: "", Value(1.0), [0.0, 1.0];
        /// Probability that a non-state incident opens a crisis opportunity (Zvecan and Banjska 2023 each brought a Serbian display; the 2024 canal explosion did not).
        nonstate_crisis: "probability", Value(0.5), [0.0, 1.0];
        /// Tension jump per non-state incident.
        tension_jump_nonstate: "", Value(0.10), [0.0, 1.0];
        /// Sensitivity of the target-initiated trigger rate to the target's cohesion: factor 1 + target_trigger_cohesion * cohesion (a government with a broad domestic mandate asserts sovereignty: police operations, customs, licence plates).
        target_trigger_cohesion: "", Value(1.0), [0.0, 20.0];
        /// Tension jump per target-initiated trigger.
        tension_jump_target: "", Value(0.05), [0.0, 1.0];
        /// Mean duration of a war: each month at war it ends with probability 1 - exp(-dt / war_duration) (0: it ends after the month it began); then the rivalry's play resumes with the issue still open (a ceasefire or frozen conflict).
        war_duration: "yr", Value(1.0), [0.0, 1000.0];
        /// Weight a_F of the fait accompli (a use of force with no prior threat, MID 4) among the challenger's three actions at node 1: P(j) = a_j exp(beta_A U_j) / sum_l a_l exp(beta_A U_l), a_j = 1 for the status quo and the threat. 0: the challenger can only threaten (the crisis game before the fait accompli, the same numbers); 1: it can seize by a fait accompli in every crisis (Altman 2017), contested only by the forces in theatre (Shlapak & Johnson 2016). Between: the fait accompli's odds against each other action scaled by a_F.
        fait_accompli: "", Value(0.0), [0.0, 1.0];
        /// Protector's added cost of staying out after a fait accompli, per unit of treaty weight, on top of treaty_cost: the ally was attacked, the casus foederis has arisen, and abandoning it then is the breach that allies' reliability is measured on (Leeds 2003; Leeds, Long & Mitchell 2000) and that costs a state its reputation as an ally (Gibler 2008; Crescenzi et al. 2012); treaty_cost alone is what letting a threatened ally's use of force pass costs. Read only when the fait accompli is offered; 0: the same cost after an attack as after a threat.
        casus_foederis_cost: "stake units", Value(0.0), [0.0, 10.0];
        /// Factor on war_resistance in the target's chance of not losing a war to reverse a fait accompli: q^F = min(1, fait_accompli_resistance war_resistance (1 - p^F)), where a use of force after a threat has q = min(1, war_resistance (1 - p)) (p^F: the challenger's chance against the forces in theatre only; where the cap at 1 binds, a value below 1 can change nothing). A target facing a done deed, its forces unmobilised, must attack to undo it, and most faits accomplis do not lead to war (Altman 2017). Read only when the fait accompli is offered; 1: the same chance as after a threat.
        fait_accompli_resistance: "", Value(1.0), [0.0, 1.0];
        /// Weight a_R of alliance restraint among the protectors' three actions after a display of force (node 4): P(j) = a_j exp(beta_P U_j) / sum_l a_l exp(beta_P U_l) over commit, stay out (a_j = 1) and restrain (a_j = a_R). Restraint: the protector presses its protégé to concede at the display, and the target concedes (an ally's recommendation for settlement can make a target that values the alliance concede without further escalation: Fang, Johnson & Leeds 2014; allies restrain one another: Pressman 2008). 0: node 4 is commit or stay out (the same numbers).
        protector_restraint: "", Value(0.0), [0.0, 10.0];
        /// Protector's cost of restraining its protégé (pressing it to concede at a display), in stake units per unit of stakes. Read only when protector_restraint > 0. Default 0.05, the protector's cost of committing (commit_cost): pressing an ally is engagement short of fighting, priced as a mobilisation; no source sizes it.
        restraint_cost: "stake units", Value(0.05), [0.0, 10.0];
        /// Whether the protectors decide to commit (fight) or stay out after the challenger uses force, at the casus foederis, the challenger choosing force with only its expectation of that decision (1), or after the display, the challenger choosing force knowing their move (0). In the extended-immediate-deterrence models the crisis game follows, the defender's threat is known, the attacker decides whether to attack, and then the defender decides whether to fight (Huth 1988; Signorino & Tarar 2006); allies' reliability is coded where the casus foederis arises (Leeds, Long & Mitchell 2000; Leeds 2003). With 1 and protector_restraint > 0, the protectors' only move at the display is to restrain their protégé or not. 0: the game as before (the same numbers).
        commitment_at_attack: "0 or 1", Value(0.0), [0.0, 1.0];
        /// Whether the protectors move twice (1): after the display they commit (declare, mobilise, reinforce) or stay out, which the challenger sees before it chooses force; then, if it uses force, at the casus foederis, they fight or stay out, knowing their own first move. A commitment at the display has paid commit_cost and binds by reneging_cost (staying out after committing costs that on top of the cost of abandonment); a protector that stayed out at the display can still fight at the attack, paying commit_cost then. The record has both moves: statements and reinforcements answering a display, and the decision whether to fight once force is used (the extended-immediate-deterrence models: Huth 1988; Signorino & Tarar 2006; reliability coded at the casus foederis: Leeds, Long & Mitchell 2000; Leeds 2003). Refused with commitment_at_attack = 1 (one move, after the attack). 0: one move, at the display (the same numbers).
        protector_moves_twice: "0 or 1", Value(0.0), [0.0, 1.0];
        /// Protectors' cost of staying out at the casus foederis after they committed at the display (an audience and reputation cost of reneging on a public commitment: Fearon 1994, 1997; Gibler 2008), in stake units per unit of stakes, on top of their cost of abandonment (treaty and tripwire). Read only when protector_moves_twice is 1. 0: a commitment binds only by its sunk mobilisation cost.
        reneging_cost: "stake units", Value(0.0), [0.0, 10.0];
        /// Whether a protector that stayed out at the display (node 4) has abandoned its stationed force there (1): the tripwire's cost (tripwire_cost times the force's share, the stationed part of the cost of abandonment) is then a consequence of its first move, paid if the challenger uses force whatever the protector does at the casus foederis, so its decision to fight there (node 6) weighs only the treaty's cost of abandonment; a protector that committed at the display and stays out at node 6 still pays all of it. The record: KFOR answered the attack at Zvecan (2023) by reinforcement, a first move, not by fighting Serbian forces, a second. Read only when protector_moves_twice is 1. 0: at node 6 staying out costs the whole abandonment, tripwire included, whatever the first move (the same numbers).
        tripwire_at_display: "0 or 1", Value(0.0), [0.0, 1.0];
        /// Spread delta of the protectors' private resolve, in stake units per unit of stakes: each crisis the protectors are resolute or irresolute (theta = +1 or -1, probability 1/2 each, known to them alone), and their cost of staying out at the casus foederis (after the challenger's use of force, or a fait accompli) is their cost of abandonment plus theta delta stakes; each type commits by its own logit, and the challenger, which observes only a signal of the type (resolve_signal), chooses with its expectation over both. Resolve is private information and the challenger learns something of it before it attacks, so attacks fall disproportionately on irresolute protectors (Smith 1995; Fearon 1994, 1997; Morrow 1994). Read only when commitment_at_attack is 1; refused with protector_restraint > 0 (the protectors' move at the display would signal their type). 0: no private resolve (the same numbers).
        resolve_spread: "stake units", Value(0.0), [0.0, 10.0];
        /// Accuracy q of the challenger's signal of the protectors' resolve: at the start of each crisis it observes a signal equal to their type with probability q, and its belief that they are resolute is q after a resolute signal and 1 - q after an irresolute one (with the prior 1/2). 0.5: the signal says nothing; 1: the type is known. Read only when commitment_at_attack is 1 and resolve_spread > 0.
        resolve_signal: "", Value(0.5), [0.5, 1.0];
        /// How far the challenger underestimates the protectors' resolve at the casus foederis: in the game the challenger perceives, and only there, the protector's cost of staying out once force is used (after a threat its treaty and tripwire costs, after a fait accompli those and the casus_foederis_cost on top: the whole of pa and pa^F of section 7.6) is multiplied by 1 - protector_resolve_misjudged, so the challenger expects a commitment below the one the protector then makes; the target's and the protectors' choices come from the real game. Challengers underestimate the resolve of defenders and their allies (Jervis 1976; Lebow 1981; Levy 1983: 1914, Korea 1950, the Falklands 1982, Kuwait 1990). Read only when commitment_at_attack is 1. 0: no misjudgment (the same numbers).
        protector_resolve_misjudged: "", Value(0.0), [0.0, 1.0];
        /// How far a formal pact with a nuclear power lifts the challenger's misjudgment of the protectors' resolve: the challenger's discount becomes protector_resolve_misjudged (1 - misjudgment_pact_clarity B s_T), B the theatre's treaty weight and s_T the largest strategic deterrent among the target's treaty protector powers (not the deployments' contributors), so a written nuclear guarantee is misread less than a tripwire (Fuhrmann & Sechser 2014: formal defence pacts with nuclear states deter, deployed forces add no significant further deterrence). Read only when commitment_at_attack is 1 and protector_resolve_misjudged > 0. 0: the misjudgment the same against every protector (the same numbers).
        misjudgment_pact_clarity: "", Value(0.0), [0.0, 1.0];
        /// How far the protectors' cost of a limited use of force is priced by the force the challenger commits in theatre rather than its whole capability: P's cost of limited force is limited_force_cost protector_war_cost stakes K_l / (K_l + C_P) with K_l = (1 - limited_fight_in_theatre) K_A + limited_fight_in_theatre M_A (K_A the challenger's whole capability, M_A its committable local capability, challenger_share K_A plus its patrons' help in theatre), while P's cost of war stays priced by K_A. Limited war is fought with limited means in a limited theatre (Osgood 1957; Schelling 1966, ch. 3); escalation to general war is the separate rung. 0: the limited fight priced by the whole capability (the same numbers).
        limited_fight_in_theatre: "", Value(0.0), [0.0, 1.0];
    }
}

param_block! {
    /// Military state of a country (`[country.military]`).
    pub struct MilitaryParams {
        /// Defence spending in the start year, in the scenario's currency unit.
        budget: "currency unit/yr", Required, [0.0, 1e5];
        /// Defence spending as a share of GDP; it follows GDP. Default: budget / gdp.
        budget_share: "share of GDP", Derived("budget / economic.gdp"), [0.0, 0.5];
        /// Capability stock K (equipment-equivalent). Default: the steady state of the perpetual inventory.
        capability: "currency unit", Derived("procurement_efficiency * investment_share * budget / depreciation"), [0.0, 1e7];
        /// Readiness in [0, 1]: the share of the stock usable at short notice.
        readiness: "", Value(0.6), [0.0, 1.0];
        /// Mean-reversion rate of readiness toward its baseline.
        readiness_reversion: "1/yr", Value(0.5), [0.0, 12.0];
        /// NATO interoperability in [0, 1]: how well allied forces combine with this one.
        interoperability: "", Value(0.5), [0.0, 1.0];
        /// Quality multiplier of modern systems (drones, air defence); 1 = average.
        quality: "", Value(1.0), [0.05, 10.0];
        /// Procurement efficiency eta: capability bought per unit of investment.
        procurement_efficiency: "", Value(1.0), [0.0, 5.0];
        /// Share of the budget that buys capability (the rest: personnel, operations).
        investment_share: "share of budget", Value(0.25), [0.0, 1.0];
        /// Depreciation rate of the capability stock.
        depreciation: "1/yr", Value(0.08), [0.001, 1.0];
        /// Share of the force an ally can bring into a partner's theatre (delta for a country ally).
        expeditionary: "", Value(0.2), [0.0, 1.0];
    }
}

param_block! {
    /// Political state of a country (`[country.political]`).
    pub struct PoliticalParams {
        /// Societal cohesion and resilience in [0, 1].
        cohesion: "", Value(0.6), [0.0, 1.0];
        /// Volatility of cohesion.
        cohesion_volatility: "1/sqrt(yr)", Value(0.05), [0.0, 2.0];
        /// Intensity of a revisionist narrative in [0, 1]; raises the value of revising the status quo.
        narrative: "", Value(0.2), [0.0, 1.0];
        /// Volatility of the narrative.
        narrative_volatility: "1/sqrt(yr)", Value(0.05), [0.0, 2.0];
        /// Reputation: credibility as seen by rivals, in [0, 1].
        reputation: "", Value(0.5), [0.0, 1.0];
    }
}

param_block! {
    /// Economic state of a country (`[country.economic]`).
    pub struct EconomicParams {
        /// Gross domestic product in the start year.
        gdp: "currency unit", Required, [0.001, 1e6];
        /// Mean real growth rate g of GDP.
        growth: "1/yr", Value(0.03), [-0.5, 0.5];
        /// Volatility s of GDP growth (geometric Brownian motion).
        volatility: "1/sqrt(yr)", Value(0.03), [0.0, 1.0];
        /// Share of trade with the West (EU, US and allies): exposure to Western sanctions.
        trade_west: "share", Value(0.5), [0.0, 1.0];
    }
}

param_block! {
    /// An outside power (`[[power]]`): USA, Turkey, Germany, China, Russia, the EU.
    pub struct PowerParams {
        /// Capability the power could bring to this region at full commitment.
        capability: "currency unit", Required, [0.0, 1e7];
        /// Quality multiplier of that capability.
        quality: "", Value(1.0), [0.05, 10.0];
        /// Share delta of that capability already in theatre (an eFP battlegroup ~1, a distant patron ~0).
        in_theatre: "", Value(0.0), [0.0, 1.0];
        /// Interoperability of its forces with NATO partners.
        interoperability: "", Value(0.9), [0.0, 1.0];
        /// Share of a client's lost Western trade the power can replace, per unit of tie.
        substitution: "", Value(0.0), [0.0, 1.0];
        /// Share of its capability that reaches the theatre within a crisis if it commits as a protector (reinforcement).
        reinforcement: "", Value(0.1), [0.0, 1.0];
        /// Strategic (nuclear) deterrent in [0, 1]: adds strategic_punishment to a challenger's war cost when the power commits.
        strategic: "", Value(0.0), [0.0, 1.0];
    }
}

param_block! {
    /// An alliance (`[[alliance]]`).
    pub struct AllianceParams {
        /// Prior mean of the pact's treaty weight b in [0, 1], drawn per run: it scales a protector's cost of abandoning the target (treaty_cost) and its value of the target's security. Whether a commitment is honoured is the protector's decision in the crisis game; the honoured share emerges (Leeds 2003: about 0.75).
        reliability: "", Value(0.77), [0.0, 1.0];
        /// Concentration alpha + beta of the Beta prior on the treaty weight, drawn once per run (20 with mean 0.77 -> Beta(15.4, 4.6)).
        reliability_concentration: "", Value(20.0), [0.5, 1e6];
    }
}

param_block! {
    /// Forces stationed in a country (`[[deployment]]`): KFOR, an eFP battlegroup.
    pub struct DeploymentParams {
        /// Capability of the force in theatre (delta = 1 by definition).
        capability: "currency unit", Required, [0.0, 1e7];
        /// Weight of the force's mandate in its contributors' cost of staying out (tripwire), in [0, 1].
        reliability: "", Value(0.85), [0.0, 1.0];
        /// Interoperability of the force with the host's forces.
        interoperability: "", Value(0.9), [0.0, 1.0];
    }
}

param_block! {
    /// A directed rivalry challenger -> target (`[[rivalry]]`).
    pub struct RivalryParams {
        /// Value of the contested issue to the challenger.
        stakes: "stake units", Value(1.0), [0.0, 100.0];
        /// Challenger's dissatisfaction with the status quo in [0, 1]; 0 = satisfied.
        dissatisfaction: "", Value(0.5), [0.0, 1.0];
        /// Tension at the start.
        tension: "", Value(0.3), [0.0, 1.0];
        /// Long-run tension it reverts to. Default: the starting tension.
        baseline_tension: "", Derived("tension"), [0.0, 1.0];
        /// Mean-reversion rate of tension.
        tension_reversion: "1/yr", Value(0.5), [0.0, 12.0];
        /// Volatility of tension.
        tension_volatility: "1/sqrt(yr)", Value(0.1), [0.0, 2.0];
        /// Base rate lambda of crisis opportunities, before the tension factor.
        opportunity_rate: "1/yr", Value(0.5), [0.0, 52.0];
        /// Trade intensity between the two, in [0, 1] (share of the challenger's trade).
        trade: "share", Value(0.05), [0.0, 1.0];
        /// International monitoring of the dyad in [0, 1] (KFOR, EU, a special envoy).
        monitoring: "", Value(0.3), [0.0, 1.0];
        /// Probability the West imposes sanctions when the challenger uses force (if it has not sanctioned the display already); at a display of force it sanctions with this probability times model.display_sanctions_share.
        sanctions_credibility: "probability", Value(0.5), [0.0, 1.0];
        /// Share of the challenger's capability it can commit against this target (theatre share; 1 = all of it).
        challenger_share: "", Value(1.0), [0.0, 1.0];
        /// Base rate of non-state violent incidents (armed groups the challenger's state does not acknowledge: Banjska 2023), before the tension, narrative and monitoring factors. Never a use of force by a state. Default: about 0.4 a year in the Serbia -> Kosovo baseline (2008-2024: Mitrovica 2008, the 2011 and 2022 barricades, Zvecan and Banjska 2023, the 2024 canal explosion), set for that one region and taken by any rivalry that leaves the key out: set 0 for a region where no such armed group fights over the issue (`deter init`'s template states it).
        nonstate_rate: "1/yr", Value(0.3), [0.0, 52.0];
        /// Base rate of crisis triggers started by the target or its side (a police operation, a declaration, customs or licence-plate rules), before the cohesion factor; each raises tension and opens a crisis opportunity. Default: about 0.5 a year in the baseline (2008-2024: independence, 2011 customs, 2018 tariffs, police operations 2019 and 2021-2023, licence plates 2021-2022, the 2024 dinar rule), set for that one region and taken by any rivalry that leaves the key out: set 0 where the target makes no such moves.
        target_trigger_rate: "1/yr", Value(0.3), [0.0, 52.0];
    }
}

/// Keys of `[model]` removed with model 2 (the crisis game), each with what replaces it: the
/// migration message of a file, a policy or sweep path, or a `--set` that still uses one.
pub const REMOVED_MODEL_KEYS: &[(&str, &str)] = &[
    (
        "sanctions_cost",
        "`model.sanctions_gdp_loss` (share of the challenger's GDP lost to sanctions per unit of unsubstituted Western trade), converted to stake units by `model.stake_gdp_share`; the old default 0.6 stake units corresponds to sanctions_gdp_loss = 0.02",
    ),
    (
        "trade_cost",
        "`model.trade_gdp_loss` (share of the challenger's GDP lost per unit of the rivalry's trade intensity), converted to stake units by `model.stake_gdp_share`; the old default 1.9 stake units corresponds to trade_gdp_loss = 0.063",
    ),
    (
        "resolve_intercept",
        "`model.target_stake` (the target's value of the issue) and `model.rationality_target`: the target's resolve is now its decision in the crisis game",
    ),
    (
        "resolve_cohesion",
        "`model.concession_cohesion` (the target's cost of conceding per unit of cohesion, stake units)",
    ),
    (
        "resolve_reputation",
        "`model.concession_reputation` (the target's cost of conceding per unit of reputation, stake units)",
    ),
    (
        "resolve_commitment",
        "`model.treaty_cost` and `model.protect_value` (both scaled by the pact's treaty weight `alliance.ID.reliability`): a protector's help is now its decision in the crisis game",
    ),
];

/// What replaces the removed `[model]` key `key`, if it is one of [`REMOVED_MODEL_KEYS`].
pub fn removed_model_key(key: &str) -> Option<&'static str> {
    REMOVED_MODEL_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, replacement)| *replacement)
}

/// The migration message of the removed `[model]` key `key`: the same wherever it appears
/// (a `[model]` table, a policy or sweep path, `--set`).
pub fn removed_model_key_message(key: &str, replacement: &str) -> String {
    format!("`model.{key}` was removed in model 2 (the crisis game); replaced by {replacement}")
}

/// The key of every parameter block, for documentation and path resolution.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub const BLOCKS: &[(&str, &[FieldSpec])] = &[
    ("model", ModelParams::FIELDS),
    ("country.military", MilitaryParams::FIELDS),
    ("country.political", PoliticalParams::FIELDS),
    ("country.economic", EconomicParams::FIELDS),
    ("power", PowerParams::FIELDS),
    ("alliance", AllianceParams::FIELDS),
    ("deployment", DeploymentParams::FIELDS),
    ("rivalry", RivalryParams::FIELDS),
];

/// Markdown tables of every numeric parameter (the generated part of docs/SCENARIO.md).
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn markdown_reference() -> String {
    use std::fmt::Write;
    let table_name = |block: &str| match block {
        "model" => "[model]".to_string(),
        "country.military" => "[country.military]".to_string(),
        "country.political" => "[country.political]".to_string(),
        "country.economic" => "[country.economic]".to_string(),
        other => format!("[[{other}]]"),
    };
    let mut out = String::new();
    for (block, fields) in BLOCKS {
        let _ = writeln!(out, "### `{}`\n", table_name(block));
        let _ = writeln!(out, "| key | unit | default | range | meaning |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for f in *fields {
            let default = match f.default {
                ParamDefault::Required => "required".to_string(),
                ParamDefault::Value(v) => format!("{v}"),
                ParamDefault::Derived(how) => format!("`{how}`"),
            };
            let unit = if f.unit.is_empty() { "-" } else { f.unit };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | [{}, {}] | {} |",
                f.key,
                unit,
                default,
                fmt_bound(f.min),
                fmt_bound(f.max),
                f.doc.trim()
            );
        }
        let _ = writeln!(out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_lie_in_their_ranges() {
        for (block, fields) in BLOCKS {
            for f in *fields {
                assert!(f.min <= f.max, "{block}.{}", f.key);
                if let ParamDefault::Value(v) = f.default {
                    assert!(f.contains(v), "{block}.{} default {v} outside range", f.key);
                }
                assert!(!f.doc.is_empty(), "{block}.{} has no doc", f.key);
            }
        }
    }

    /// `deter init` must start from the documented defaults: every `[model]` value the
    /// template sets equals the default declared here (it once set rationality 5 and
    /// status_quo_value 0.05 where the defaults are 10 and 0.25, so use of force was 100%).
    #[test]
    fn the_init_template_sets_the_documented_model_defaults() {
        let doc: toml::Table = toml::from_str(crate::scenario::TEMPLATE).expect("template parses");
        let model = doc["model"].as_table().expect("[model] table");
        assert!(!model.is_empty());
        for (key, v) in model {
            let x = v
                .as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .unwrap_or_else(|| panic!("model.{key} is not a number"));
            let f = ModelParams::FIELDS
                .iter()
                .find(|f| f.key == key)
                .unwrap_or_else(|| panic!("model.{key} is not a model parameter"));
            match f.default {
                ParamDefault::Value(d) => assert_eq!(x, d, "template model.{key}"),
                _ => panic!("model.{key} has no numeric default"),
            }
        }
    }

    /// The rivalry's rates of non-state violence and of target-initiated triggers default to
    /// values set against Serbia -> Kosovo: a region written from `deter init` got them without
    /// a word (non-state violence in nearly every run). The template states both, at their
    /// declared defaults (so its numbers are those of a file that leaves them out), and says
    /// what they stand for and that 0 means none.
    #[test]
    fn the_init_template_states_the_rivalry_rates_set_against_one_region() {
        let doc: toml::Table = toml::from_str(crate::scenario::TEMPLATE).expect("template parses");
        let rivalries = doc["rivalry"].as_array().expect("[[rivalry]]");
        assert!(!rivalries.is_empty());
        for key in ["nonstate_rate", "target_trigger_rate"] {
            let f = RivalryParams::FIELDS
                .iter()
                .find(|f| f.key == key)
                .unwrap_or_else(|| panic!("rivalry.{key} is not a rivalry parameter"));
            let ParamDefault::Value(d) = f.default else {
                panic!("rivalry.{key} has no numeric default")
            };
            for r in rivalries {
                let v = r.get(key).unwrap_or_else(|| panic!("the template's rivalry leaves `{key}` out"));
                assert_eq!(v.as_float(), Some(d), "template rivalry.{key}");
            }
            let comment = crate::scenario::TEMPLATE
                .lines()
                .take_while(|l| !l.starts_with(&format!("{key} =")))
                .filter(|l| l.starts_with('#'))
                .collect::<Vec<_>>()
                .join(" ");
            for says in ["Serbia -> Kosovo", &format!("{key} = 0.0")] {
                assert!(comment.contains(says), "the template does not say `{says}` before `{key}`");
            }
        }
    }

    #[test]
    fn slot_access_round_trips() {
        let mut m = MilitaryParams::defaults();
        let i = MilitaryParams::index_of("quality").unwrap();
        *m.slot_mut(i) = 2.5;
        assert_eq!(m.quality, 2.5);
        assert_eq!(m.get(i), 2.5);
    }
}
