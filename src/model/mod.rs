//! The model: one run of the world, month by month.
//!
//! [`Compiled`] is built once per scenario (policy schedule, membership matrix, initial
//! state). [`World`] is one run's mutable state and [`RunRecord`] what the run reports; both
//! are allocated once per worker and reset for every run, so the per-run loop does not touch
//! the heap. **Architecture Invariant:** this module does no IO, knows nothing of threads,
//! and draws randomness only from the `Rng` it is handed.

pub mod crisis;
pub mod draws;
pub mod game;
pub mod streams;
pub mod units;

use rand::Rng;
use rand_distr::Beta;

use crate::outputs::{EventSet, N_COUNTS, count, event};
use crate::scenario::{
    Actor, AllianceParams, ChangeOp, DeploymentParams, EconomicParams, MilitaryParams, ModelParams,
    ParamRef, PoliticalParams, PowerParams, RivalryParams, Scenario,
};
use crate::stats::logistic;
use crisis::{LevelCosts, contest_success, fearon_war_probability, poisson_inversion};
pub use draws::{DrawCounts, Draws, RngDraws};
use game::{GAME_UNIFORMS, GameInputs};
use streams::{Stream, crisis_stream_id, run_key, stream_id};

/// Months per year: the model steps monthly.
pub const STEPS_PER_YEAR: u32 = 12;
const DT: f64 = 1.0 / STEPS_PER_YEAR as f64;
/// Ratios M_A / M_T are clamped to [1/BALANCE_CAP, BALANCE_CAP].
pub const BALANCE_CAP: f64 = 1e6;

/// How a crisis ended (docs/MODEL.md 7.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrisisOutcome {
    /// No challenge: general deterrence held.
    GeneralDeterrence = 0,
    /// Challenge stopped at level 3 or below, the challenger backed down.
    ImmediateDeterrence = 1,
    /// The target conceded.
    CoercionSuccess = 2,
    /// Use of force short of war (level 4).
    FailureLimited = 3,
    /// War (level 5).
    FailureWar = 4,
}

impl CrisisOutcome {
    pub const ALL: [CrisisOutcome; 5] = [
        CrisisOutcome::GeneralDeterrence,
        CrisisOutcome::ImmediateDeterrence,
        CrisisOutcome::CoercionSuccess,
        CrisisOutcome::FailureLimited,
        CrisisOutcome::FailureWar,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CrisisOutcome::GeneralDeterrence => "general_deterrence",
            CrisisOutcome::ImmediateDeterrence => "immediate_deterrence",
            CrisisOutcome::CoercionSuccess => "coercion_success",
            CrisisOutcome::FailureLimited => "failure_limited",
            CrisisOutcome::FailureWar => "failure_war",
        }
    }
}

/// What one run reports about one rivalry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RivalryRecord {
    /// Highest MID hostility level: 0 no crisis opportunity, 1 opportunity without challenge,
    /// 2 threat, 3 display, 4 use of force, 5 war.
    pub max_level: u8,
    /// Crisis opportunities.
    pub crises: u32,
    /// Disputes (MID level >= 2): threats and faits accomplis.
    pub disputes: u32,
    /// Faits accomplis: disputes that began with a use of force, no threat before it (each
    /// also counted in `disputes` and in `outcomes` as failure, limited or war).
    pub faits_accomplis: u32,
    /// Of the faits accomplis, those that became war and those on which sanctions were
    /// imposed (for tests: the war share and the sanctions of each path).
    pub fait_accompli_wars: u32,
    pub fait_accompli_sanctions: u32,
    /// Step of the first use of force, if any.
    pub first_force_step: Option<u32>,
    /// GDP lost by both sides to this rivalry's crises, sanctions and wars (in the scenario's currency unit).
    pub gdp_lost: f64,
    /// M_A / M_T at the end of the horizon (expected allied help).
    pub final_balance: f64,
    /// Sum of the challenger's expected costs by level, over challenge decisions.
    pub level_costs: LevelCosts,
    pub decisions: u32,
    pub outcomes: [u32; 5],
    pub commitments_invoked: u32,
    pub commitments_honoured: u32,
    /// Diagnostic, in no output: of the invoked commitments, those at which the casus
    /// foederis arose (Leeds, Long & Mitchell 2000; Leeds 2003): force was used against the
    /// treaty-protected target (a fait accompli, or force after the display), and of them
    /// those honoured (the protector committed, and so fought). A display the challenger
    /// backs down from and a restraint are none (docs/MODEL.md 7.9).
    pub casus_foederis: u32,
    pub casus_foederis_honoured: u32,
    /// Crises in which the West imposed sanctions (at the display or at the use of force).
    pub sanctions_imposed: u32,
    /// Of them, those imposed at the display of force, the only ones after which the
    /// challenger can still back down.
    pub sanctions_at_display: u32,
    /// Sanctions at the display after which the challenger backed down.
    pub sanctions_succeeded: u32,
    /// (opportunities, challenges) just after the target conceded, and after it stood firm.
    pub after_concession: (u32, u32),
    pub after_firm: (u32, u32),
    /// Tension and balance at the end of each year.
    pub yearly_tension: Vec<f64>,
    pub yearly_balance: Vec<f64>,
    /// Events of the whole run so far ([`crate::outputs::EventSet`] bits).
    pub events: EventSet,
    /// Events of the current year, moved to `yearly_events` at the year's end.
    pub year_events: EventSet,
    /// Events of each year.
    pub yearly_events: Vec<EventSet>,
    /// Highest MID level of the crisis being played (0 between crises).
    pub crisis_level: u8,
    /// Counts of the whole run ([`crate::outputs::COUNTS`] order).
    pub counts: [u32; N_COUNTS],
    /// Counts of the current year, moved to `yearly_counts` at the year's end.
    pub year_counts: [u32; N_COUNTS],
    /// Counts of each year ([`crate::outputs::COUNTS`] order).
    pub yearly_counts: Vec<[u32; N_COUNTS]>,
}

impl RivalryRecord {
    /// Record that the events `set` happened now (in the run and in the current year).
    #[inline]
    pub fn mark(&mut self, set: EventSet) {
        self.events |= set;
        self.year_events |= set;
    }

    /// Record that a crisis reached MID `level`: the highest level and the level events.
    #[inline]
    pub fn reach(&mut self, level: u8) {
        self.max_level = self.max_level.max(level);
        self.crisis_level = self.crisis_level.max(level);
        self.mark(event::levels_up_to(level));
    }

    /// Count one event of kind `kind` ([`crate::outputs::count`]) now.
    #[inline]
    pub fn add(&mut self, kind: usize) {
        self.counts[kind] += 1;
        self.year_counts[kind] += 1;
    }
}

/// What one run reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunRecord {
    pub rivalries: Vec<RivalryRecord>,
}

impl RunRecord {
    pub fn new(compiled: &Compiled) -> Self {
        let years = compiled.scenario.meta.horizon_years as usize;
        let r = RivalryRecord {
            yearly_tension: vec![0.0; years],
            yearly_balance: vec![0.0; years],
            yearly_events: vec![0; years],
            yearly_counts: vec![[0; N_COUNTS]; years],
            ..RivalryRecord::default()
        };
        Self {
            rivalries: vec![r; compiled.scenario.rivalries.len()],
        }
    }

    fn reset(&mut self) {
        for r in &mut self.rivalries {
            let (t, b, e, n) = (
                std::mem::take(&mut r.yearly_tension),
                std::mem::take(&mut r.yearly_balance),
                std::mem::take(&mut r.yearly_events),
                std::mem::take(&mut r.yearly_counts),
            );
            *r = RivalryRecord {
                yearly_tension: t,
                yearly_balance: b,
                yearly_events: e,
                yearly_counts: n,
                ..RivalryRecord::default()
            };
            r.yearly_tension.fill(0.0);
            r.yearly_balance.fill(0.0);
            r.yearly_events.fill(0);
            r.yearly_counts.fill([0; N_COUNTS]);
        }
    }

    /// Become a copy of `other` (a record of the same scenario), without allocating.
    pub fn copy_from(&mut self, other: &RunRecord) {
        for (r, o) in self.rivalries.iter_mut().zip(&other.rivalries) {
            let (mut t, mut b, mut e, mut n) = (
                std::mem::take(&mut r.yearly_tension),
                std::mem::take(&mut r.yearly_balance),
                std::mem::take(&mut r.yearly_events),
                std::mem::take(&mut r.yearly_counts),
            );
            t.copy_from_slice(&o.yearly_tension);
            b.copy_from_slice(&o.yearly_balance);
            e.copy_from_slice(&o.yearly_events);
            n.copy_from_slice(&o.yearly_counts);
            // Every other field is Copy: a field added that is not fails to compile here.
            *r = RivalryRecord {
                yearly_tension: t,
                yearly_balance: b,
                yearly_events: e,
                yearly_counts: n,
                ..*o
            };
        }
    }

    /// Whether every rivalry's run holds every event ([`event::ALL`]): nothing later in the
    /// run changes its events (they only accumulate).
    #[inline]
    pub fn events_complete(&self) -> bool {
        self.rivalries.iter().all(|r| r.events == event::ALL)
    }

    /// Region-wide highest level.
    pub fn max_level(&self) -> u8 {
        self.rivalries
            .iter()
            .map(|r| r.max_level)
            .max()
            .unwrap_or(0)
    }
}

/// One country's state during a run. Parameter blocks hold baselines; the dynamic values
/// (stock, GDP, readiness, cohesion, narrative, reputation) live beside them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CountryState {
    mil: MilitaryParams,
    pol: PoliticalParams,
    eco: EconomicParams,
    gdp: f64,
    capability: f64,
    readiness: f64,
    cohesion: f64,
    narrative: f64,
    reputation: f64,
    /// Procurement-efficiency multiplier from collective procurement.
    procurement_multiplier: f64,
    /// The share of this country's Western trade its patrons do not replace,
    /// `trade_west (1 - substitution)` ([`World::substitution`]): what sanctions cut, read in
    /// every crisis game. Refreshed with the step coefficients whenever a parameter changes.
    unsubstituted: f64,
    /// Whether any crisis or month reads this country's cohesion (it is some rivalry's
    /// target: target-initiated triggers, the concession payoff) and its narrative (some
    /// rivalry's challenger: non-state violence, the value of the stake). Neither is an
    /// output, so a country that is no target (challenger) leaves its cohesion (narrative)
    /// process undrawn: its own stream, read by nothing else, so no other number changes.
    reads_cohesion: bool,
    reads_narrative: bool,
    /// Per-step constants of this country's dynamics, derived from the blocks above by
    /// [`StepCoefficients::of`]; refreshed whenever a parameter changes.
    k: StepCoefficients,
}

/// Products of parameters that the monthly step would otherwise recompute. Each is the
/// exact left-to-right prefix of the expression it replaces, so results are bit-identical.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct StepCoefficients {
    /// (growth - sigma^2 / 2) dt
    gdp_drift: f64,
    /// sigma sqrt(dt)
    gdp_shock: f64,
    /// 1 - depreciation dt
    keep: f64,
    /// procurement_efficiency * procurement_multiplier * investment_share
    invest: f64,
    /// readiness_reversion dt
    readiness_rate: f64,
    /// cohesion_volatility sqrt(dt)
    cohesion_shock: f64,
    /// narrative_volatility sqrt(dt)
    narrative_shock: f64,
}

impl StepCoefficients {
    fn of(s: &CountryState) -> Self {
        let sqrt_dt = DT.sqrt();
        let sigma = s.eco.volatility;
        Self {
            gdp_drift: (s.eco.growth - 0.5 * sigma * sigma) * DT,
            gdp_shock: sigma * sqrt_dt,
            keep: 1.0 - s.mil.depreciation * DT,
            invest: s.mil.procurement_efficiency
                * s.procurement_multiplier
                * s.mil.investment_share,
            readiness_rate: s.mil.readiness_reversion * DT,
            cohesion_shock: s.pol.cohesion_volatility * sqrt_dt,
            narrative_shock: s.pol.narrative_volatility * sqrt_dt,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct RivalryState {
    params: RivalryParams,
    /// Current tension (params.tension is the start value).
    tension: f64,
    at_war: bool,
    /// Last crisis: 0 none, 1 target conceded, 2 target stood firm.
    last_resistance: u8,
    /// The challenger's memory of its defeats in this rivalry (docs/MODEL.md 7.9): 1 added
    /// each time it backs down after the target resisted, decaying by
    /// `exp(-defeat_memory_decay dt)` each month the rivalry is not at war, multiplied by
    /// `1 - defeat_memory_reset` when the target concedes; 0 at the start.
    memory: f64,
    /// The recency of the rivalry's last dispute (docs/MODEL.md 7.4, 7.9): 1 at each dispute
    /// (a threat or a fait accompli), multiplied by `exp(-dispute_recency_decay dt)` each
    /// month the rivalry is not at war; 0 at the start. Read only when `dispute_recency` > 0.
    recency: f64,
    /// What the rivalry's last war revealed of the target's resolve (docs/MODEL.md 7.6, 7.9):
    /// 1 when a war starts, multiplied by `exp(-war_revelation_decay dt)` each month the
    /// rivalry is not at war; 0 at the start. Read only when `war_revelation` > 0.
    revealed: f64,
    /// Crises of this month still to play that react to the target's move or to non-state
    /// violence (docs/MODEL.md 7.4): they are played first.
    reactions: u32,
    /// The part of the forces around this rivalry's crises that depends on parameters and
    /// this run's treaty weights only ([`World::static_forces`]), computed when they change
    /// ([`World::refresh_forces`]) instead of in every crisis.
    forces: StaticForces,
}

/// Monthly factors that depend on the model's parameters only: each the value of the
/// expression the month would otherwise evaluate, computed when the parameters change
/// ([`World::refresh`]) instead of in every month that reads it (the same expression on the
/// same operands: the same bits).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct MonthFactors {
    /// A war's monthly probability of ending, `1 - exp(-dt / war_duration)` (1 at 0).
    war_end: f64,
    /// The fading of the memory of defeats in a month, `exp(-defeat_memory_decay dt)`.
    memory_keep: f64,
    /// The fading of what a war revealed in a month, `exp(-war_revelation_decay dt)`.
    revealed_keep: f64,
    /// The fading of a dispute's recency in a month, `exp(-dispute_recency_decay dt)`.
    recency_keep: f64,
}

impl MonthFactors {
    fn of(m: &ModelParams) -> Self {
        Self {
            war_end: if m.war_duration > 0.0 {
                -(-DT / m.war_duration).exp_m1()
            } else {
                1.0
            },
            memory_keep: (-m.defeat_memory_decay * DT).exp(),
            revealed_keep: (-m.war_revelation_decay * DT).exp(),
            recency_keep: (-m.dispute_recency_decay * DT).exp(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Ramp {
    target: ParamRef,
    from: f64,
    to: f64,
    start_step: u32,
    steps: u32,
}

/// A policy taking effect at a step.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PolicyEvent {
    step: u32,
    policy: usize,
}

/// One run's mutable state. Allocate once with [`World::new`], then [`simulate_run`] resets it.
///
/// `C`: whether the streams count their draws ([`World::draw_counts`], the RNG floor's
/// workload); off for the engine's runs ([`Compiled::new_world`]), on in
/// [`Compiled::new_counting_world`]. The draws and every result are the same either way.
#[derive(Debug, Clone, PartialEq)]
pub struct World<const C: bool = false> {
    model: ModelParams,
    countries: Vec<CountryState>,
    /// countries x powers
    ties: Vec<f64>,
    powers: Vec<PowerParams>,
    alliances: Vec<AllianceParams>,
    /// This run's reliability draw per alliance.
    reliability: Vec<f64>,
    /// alliances x actors (countries, then powers)
    membership: Vec<bool>,
    deployments: Vec<DeploymentParams>,
    rivalries: Vec<RivalryState>,
    ramps: Vec<Ramp>,
    next_event: usize,
    /// countries x actors: the highest reliability of a pact that country i shares with
    /// the actor (0 if none). Rebuilt after the per-run reliability draw and after any
    /// change of membership or reliability.
    pact: Vec<f64>,
    /// countries x actors: delta_actor * sqrt(iota_actor * iota_i), the share of the actor's
    /// capability that reaches country i's theatre through a pact.
    reach: Vec<f64>,
    /// countries x powers: tie * delta_p, help without a pact (alignment through the tie; no
    /// NATO interoperability factor).
    tie_reach: Vec<f64>,
    /// countries x actors: row i lists, in actor order, the first `helper_count[i]` actors
    /// whose help to country i can be non-zero (a pact, or a power with a non-zero tie
    /// reach). Every other actor adds exactly +0.0 to a finite sum, so skipping it changes
    /// no bit of the result.
    helpers: Vec<u32>,
    helper_count: Vec<u32>,
    /// Monthly factors of the model's parameters ([`MonthFactors`]), rebuilt with the tables
    /// above.
    month: MonthFactors,
    /// A parameter changed since the derived tables above were built.
    stale: bool,
    /// This run's key (module [`streams`]).
    key: [u8; 32],
    /// Per-process generators, laid out as [`Compiled::stream_ids`].
    streams: Vec<Stream<C>>,
    /// Draws taken by this run's crisis streams (each lives only for its crisis).
    crisis_draws: DrawCounts,
    /// The run's country shocks drawn ahead (steps x countries): a plain run of a scenario
    /// without policies that records no tape for variants draws each country stream's months
    /// in one loop into it ([`World::draw_shocks_ahead`], as a recording run does into its
    /// tape) and its months read them. Allocated once ([`Compiled::new_world`]); `ahead`
    /// says whether it holds this run's.
    shocks: Shocks,
    ahead: bool,
}

/// The attribution's variants simulated beside every run ([`Compiled::with_attribution`]).
pub const ATTRIBUTION_VARIANTS: usize = 7;

/// A scenario prepared for simulation.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The scenario as given (its figures in its own currency unit).
    pub scenario: Scenario,
    /// Its policies with their currency values in units of the reference GDP
    /// ([`units::in_model_units`]): what the runs apply.
    policies: Vec<crate::scenario::Policy>,
    /// The reference GDP in the scenario's currency unit ([`units::reference_gdp`]): a run's
    /// currency outputs (GDP lost) are its model values times this.
    unit: f64,
    /// The ranges of the currency parameters in units of the reference GDP, for the policies'
    /// clamps.
    limits: CurrencyLimits,
    initial: World,
    events: Vec<PolicyEvent>,
    steps: u32,
    n_actors: usize,
    deployment_host: Vec<usize>,
    max_ramps: usize,
    /// Per alliance: the prior its per-run reliability is drawn from.
    reliability_prior: Vec<ReliabilityPrior>,
    /// (index into `World::pact`, alliance) for every country, other actor and alliance
    /// holding both at the start of a run, in index then alliance order.
    shared: Vec<(usize, usize)>,
    /// Stream numbers of every persistent process: per country (gdp, cohesion, narrative),
    /// then per rivalry (tension, arrivals, nonstate, target), then per alliance (reliability).
    stream_ids: Vec<u64>,
    /// Per rivalry: the base of its crisis streams ([`streams::crisis_stream_id`]).
    crisis_base: Vec<u64>,
    /// Levels removed from the defender side ([`Removal`]); none for a plain run.
    removed: Removal,
    /// The attribution's seven level-removal variants, simulated beside every run when the
    /// attribution is on ([`Compiled::with_attribution`]); `None` for a plain run.
    attribution: Option<std::sync::Arc<[Compiled]>>,
}

/// The ranges of the currency parameters (`[min, max]` of each field spec whose unit is
/// a currency) in units of the reference GDP ([`units`]), computed once: a policy's change
/// of a currency figure is clamped to its range in the units the run simulates.
#[derive(Debug, Clone, Copy)]
struct CurrencyLimits {
    /// (min, max) as the spec writes them, then in units of the reference GDP.
    ranges: [((f64, f64), (f64, f64)); CurrencyLimits::MAX],
    len: usize,
}

impl CurrencyLimits {
    const MAX: usize = 8;

    fn of(unit: f64) -> Self {
        let mut out = Self {
            ranges: [((0.0, 0.0), (0.0, 0.0)); Self::MAX],
            len: 0,
        };
        let specs = MilitaryParams::FIELDS
            .iter()
            .chain(EconomicParams::FIELDS)
            .chain(PowerParams::FIELDS)
            .chain(DeploymentParams::FIELDS);
        for spec in specs.filter(|f| units::is_currency(f.unit)) {
            let range = (spec.min, spec.max);
            if out.ranges[..out.len].iter().all(|(r, _)| *r != range) {
                let per = |x| units::in_reference_units(x, unit);
                out.ranges[out.len] = (range, (per(spec.min), per(spec.max)));
                out.len += 1;
            }
        }
        out
    }

    /// The range of the parameter `spec` describes in the units the run simulates.
    fn range(&self, spec: &crate::scenario::params::FieldSpec) -> (f64, f64) {
        let range = (spec.min, spec.max);
        if units::is_currency(spec.unit)
            && let Some((_, model)) = self.ranges[..self.len].iter().find(|(r, _)| *r == range)
        {
            return *model;
        }
        range
    }
}

/// The defender-side removal counterfactual of the attribution (docs/MODEL.md 7.13): which
/// of the three levels the target side loses in every crisis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Removal {
    /// The target's and its protectors' forces and their commitment to fight: the target
    /// side's local capability, reinforcement, coalition and strategic deterrent are 0 and
    /// no protector moves.
    pub military: bool,
    /// Pacts' treaty and reputation terms and tripwires, international monitoring, the target's
    /// cohesion and reputation in its cost of conceding.
    pub political: bool,
    /// Western sanctions (credibility 0) and the challenger's trade with the target.
    pub economic: bool,
}

impl Removal {
    /// The removal with bit 0 military, bit 1 political, bit 2 economic.
    pub fn from_bits(bits: u8) -> Self {
        Self {
            military: bits & 1 != 0,
            political: bits & 2 != 0,
            economic: bits & 4 != 0,
        }
    }
}

/// Processes per country and per rivalry in [`Compiled::stream_ids`].
const COUNTRY_PROCESSES: [&str; 3] = ["gdp", "cohesion", "narrative"];
const RIVALRY_PROCESSES: [&str; 5] = ["tension", "arrivals", "nonstate", "target", "war"];
/// Streams per rivalry in [`Compiled::stream_ids`] (after the countries').
const RIVALRY_STREAMS: usize = RIVALRY_PROCESSES.len();

/// How an alliance's reliability is drawn at the start of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ReliabilityPrior {
    Fixed(f64),
    Beta(Beta<f64>),
}

impl ReliabilityPrior {
    fn of(p: &AllianceParams) -> Self {
        let mean = p.reliability;
        if mean <= 0.0 || mean >= 1.0 {
            return ReliabilityPrior::Fixed(mean.clamp(0.0, 1.0));
        }
        let k = p.reliability_concentration;
        match Beta::new(mean * k, (1.0 - mean) * k) {
            Ok(b) => ReliabilityPrior::Beta(b),
            Err(_) => ReliabilityPrior::Fixed(mean),
        }
    }
}

impl Compiled {
    /// Compile what can influence an output: `scenario` restricted by
    /// [`crate::engine::relevance::prune`] (byte-identical outputs; tests/relevance.rs).
    pub fn new(scenario: &Scenario) -> Self {
        Self::unpruned(&crate::engine::relevance::prune(scenario).0)
    }

    /// Compile every entity of `scenario`, relevant or not (for comparisons).
    pub fn unpruned(scenario: &Scenario) -> Self {
        // Simulated in units of the reference GDP (`units`): the scenario's currency unit
        // changes no number.
        let (s, unit) = units::in_model_units(scenario);
        let n_c = s.countries.len();
        let n_actors = n_c + s.powers.len();
        let actor_index = |a: Actor| match a {
            Actor::Country(i) => i,
            Actor::Power(p) => n_c + p,
        };
        let mut membership = vec![false; s.alliances.len() * n_actors];
        for (ai, a) in s.alliances.iter().enumerate() {
            for &m in &a.members {
                membership[ai * n_actors + actor_index(m)] = true;
            }
        }
        let mut ties = vec![0.0; n_c * s.powers.len()];
        for (ci, c) in s.countries.iter().enumerate() {
            for (pi, &t) in c.ties.iter().enumerate() {
                ties[ci * s.powers.len() + pi] = t;
            }
        }
        let mut countries: Vec<CountryState> = s
            .countries
            .iter()
            .map(|c| CountryState {
                mil: c.military,
                pol: c.political,
                eco: c.economic,
                gdp: c.economic.gdp,
                capability: c.military.capability,
                readiness: c.military.readiness,
                cohesion: c.political.cohesion,
                narrative: c.political.narrative,
                reputation: c.political.reputation,
                procurement_multiplier: 1.0,
                unsubstituted: 0.0,
                reads_cohesion: false,
                reads_narrative: false,
                k: StepCoefficients::default(),
            })
            .collect();
        for r in &s.rivalries {
            countries[r.target].reads_cohesion = true;
            countries[r.challenger].reads_narrative = true;
        }
        let rivalries = s
            .rivalries
            .iter()
            .map(|r| RivalryState {
                params: r.params,
                tension: r.params.tension,
                at_war: false,
                last_resistance: 0,
                memory: 0.0,
                recency: 0.0,
                revealed: 0.0,
                reactions: 0,
                // Computed by `refresh` below.
                forces: StaticForces {
                    stale: true,
                    ..StaticForces::default()
                },
            })
            .collect();
        let steps = s.steps();
        let mut events: Vec<PolicyEvent> = s
            .policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.enabled)
            .map(|(i, p)| PolicyEvent {
                step: s.meta.start.months_until(p.start).clamp(0, u32::MAX as i64) as u32,
                policy: i,
            })
            .collect();
        events.sort_by_key(|e| (e.step, e.policy));
        let max_ramps = s.policies.iter().map(|p| p.changes.len()).sum();
        let mut initial = World {
            model: s.model,
            countries,
            ties,
            powers: s.powers.iter().map(|p| p.params).collect(),
            alliances: s.alliances.iter().map(|a| a.params).collect(),
            reliability: s.alliances.iter().map(|a| a.params.reliability).collect(),
            membership,
            deployments: s.deployments.iter().map(|d| d.params).collect(),
            rivalries,
            ramps: Vec::with_capacity(max_ramps),
            next_event: 0,
            pact: vec![0.0; n_c * n_actors],
            reach: vec![0.0; n_c * n_actors],
            tie_reach: vec![0.0; n_c * s.powers.len()],
            helpers: vec![0; n_c * n_actors],
            helper_count: vec![0; n_c],
            // Computed by `refresh` below.
            month: MonthFactors::default(),
            stale: false,
            key: [0; 32],
            streams: Vec::new(),
            crisis_draws: DrawCounts::default(),
            shocks: Shocks::default(),
            ahead: false,
        };
        let mut stream_ids = Vec::new();
        for c in &s.countries {
            for p in COUNTRY_PROCESSES {
                stream_ids.push(stream_id("country", &c.id, p));
            }
        }
        for r in &s.rivalries {
            for p in RIVALRY_PROCESSES {
                stream_ids.push(stream_id("rivalry", &r.id, p));
            }
        }
        for a in &s.alliances {
            stream_ids.push(stream_id("alliance", &a.id, "reliability"));
        }
        let crisis_base = s
            .rivalries
            .iter()
            .map(|r| stream_id("rivalry", &r.id, "crisis"))
            .collect();
        initial.streams = vec![Stream::default(); stream_ids.len()];
        let deployment_host = s.deployments.iter().map(|d| d.host).collect();
        let reliability_prior = s
            .alliances
            .iter()
            .map(|a| ReliabilityPrior::of(&a.params))
            .collect();
        let mut shared = Vec::new();
        for i in 0..n_c {
            for actor in (0..n_actors).filter(|&x| x != i) {
                for a in 0..s.alliances.len() {
                    let row = a * n_actors;
                    if initial.membership[row + i] && initial.membership[row + actor] {
                        shared.push((i * n_actors + actor, a));
                    }
                }
            }
        }
        let limits = CurrencyLimits::of(unit);
        let mut compiled = Compiled {
            policies: s.policies.clone(),
            scenario: scenario.clone(),
            unit,
            limits,
            initial: initial.clone(),
            events,
            steps,
            n_actors,
            deployment_host,
            max_ramps,
            reliability_prior,
            shared,
            stream_ids,
            crisis_base,
            removed: Removal::default(),
            attribution: None,
        };
        initial.update_procurement(&compiled);
        initial.refresh(&compiled);
        compiled.initial = initial;
        compiled
    }

    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// This scenario with the defender-side levels in `removed` taken away in every crisis
    /// (the attribution's counterfactual; docs/MODEL.md 7.13). Streams are unchanged, so the
    /// variants of one run share their random numbers.
    pub fn with_removal(&self, removed: Removal) -> Self {
        let mut c = self.clone();
        c.removed = removed;
        c.attribution = None;
        c
    }

    /// This scenario with the attribution on: every run is also simulated, on the same
    /// streams, under the seven variants that remove at least one defender level (variant
    /// `s` keeps the levels in bit set `s`, bit 0 military, 1 political, 2 economic; the
    /// eighth, all levels present, is the run itself). `crate::attribution` tallies them.
    pub fn with_attribution(&self) -> Self {
        let plain = self.with_removal(self.removed);
        let variants: Vec<Compiled> = (0..ATTRIBUTION_VARIANTS as u8)
            .map(|s| plain.with_removal(Removal::from_bits(!s & 7)))
            .collect();
        let mut c = plain;
        c.attribution = Some(variants.into());
        c
    }

    /// The attribution's variants ([`Compiled::with_attribution`]), `None` when it is off.
    pub fn attribution_variants(&self) -> Option<&[Compiled]> {
        self.attribution.as_deref()
    }

    /// Heap bytes of one simulated world of `s` ([`Compiled::new_world`], its shocks
    /// included) and of the compiled scenario's own tables, from `s`'s sizes alone, before
    /// compiling it (the memory guard, [`crate::engine::check_memory`]). The world's tables
    /// of countries x actors (countries and powers: the pacts, their reach, the helpers;
    /// 20 bytes a pair) grow with the square of the countries: 1.3 GB a world at 8,000
    /// countries. An upper bound: every list counted at twice its length where it grows by
    /// pushing, the compiled scenario's tables counted with each world.
    pub fn world_bytes(s: &Scenario) -> u64 {
        use std::mem::size_of;
        let n = |x: usize| x as u64;
        let (c, p, a) = (n(s.countries.len()), n(s.powers.len()), n(s.alliances.len()));
        let (r, d) = (n(s.rivalries.len()), n(s.deployments.len()));
        let actors = c + p;
        let steps = u64::from(s.steps());
        let streams = n(COUNTRY_PROCESSES.len()) * c + n(RIVALRY_STREAMS) * r + a;
        let ramps: u64 = s.policies.iter().map(|x| n(x.changes.len())).sum();
        let world = c * n(size_of::<CountryState>())
            // ties, tie_reach
            + 2 * c * p * 8
            // membership
            + a * actors
            // pact, reach, helpers, helper_count
            + c * actors * (8 + 8 + 4)
            + c * 4
            + p * n(size_of::<PowerParams>())
            + a * n(size_of::<AllianceParams>() + 8)
            + d * n(size_of::<DeploymentParams>())
            + r * n(size_of::<RivalryState>())
            + ramps * n(size_of::<Ramp>())
            + streams * n(size_of::<Stream<false>>())
            + steps * c * n(size_of::<CountryShock>())
            + c;
        // The compiled scenario's: the pairs sharing a pact at the start (a country member
        // with each other member), the stream numbers, the policies' events.
        let shared: u64 = s
            .alliances
            .iter()
            .map(|al| {
                let countries = al
                    .members
                    .iter()
                    .filter(|m| matches!(m, Actor::Country(_)))
                    .count();
                n(countries) * n(al.members.len())
            })
            .sum();
        let compiled = 2 * shared * n(size_of::<(usize, usize)>())
            + 8 * (streams + r + d + n(s.policies.len()))
            + a * n(size_of::<ReliabilityPrior>());
        world + compiled
    }

    /// A fresh world for this scenario (allocates; call once per worker).
    pub fn new_world(&self) -> World {
        let mut w = self.initial.clone();
        w.ramps = Vec::with_capacity(self.max_ramps);
        w.shocks = Shocks::new(self);
        w
    }

    /// A fresh world whose streams count their draws ([`World::draw_counts`]): the same
    /// runs as [`Compiled::new_world`]'s, a little dearer (the RNG floor's count, tests).
    pub fn new_counting_world(&self) -> World<true> {
        let i = &self.initial;
        World {
            model: i.model,
            countries: i.countries.clone(),
            ties: i.ties.clone(),
            powers: i.powers.clone(),
            alliances: i.alliances.clone(),
            reliability: i.reliability.clone(),
            membership: i.membership.clone(),
            deployments: i.deployments.clone(),
            rivalries: i.rivalries.clone(),
            ramps: Vec::with_capacity(self.max_ramps),
            next_event: i.next_event,
            pact: i.pact.clone(),
            reach: i.reach.clone(),
            tie_reach: i.tie_reach.clone(),
            helpers: i.helpers.clone(),
            helper_count: i.helper_count.clone(),
            month: i.month,
            stale: i.stale,
            key: i.key,
            streams: vec![Stream::default(); i.streams.len()],
            crisis_draws: i.crisis_draws,
            shocks: Shocks::new(self),
            ahead: false,
        }
    }
}

/// Runs simulated by this process so far, every variant counted ([`simulated_runs`]).
static SIMULATED_RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many runs [`simulate_run`] has simulated in this process (each of the attribution's
/// variants counts as one run): the measure of work behind the cost claims of the
/// attribution (`DETER_COUNT_RUNS=1` makes the CLI print it to stderr). Never affects results.
pub fn simulated_runs() -> u64 {
    SIMULATED_RUNS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Count one run as simulated ([`simulated_runs`]) that was obtained by copying another's
/// record (an attribution variant the same as a run already simulated).
pub fn count_simulated_run() {
    SIMULATED_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Simulate one run from the start state. `master` is the run's own generator
/// (`engine::run_rng(seed, run)`); the run takes its 32-byte key from it and every process
/// draws from its own stream under that key (module [`streams`]). Allocation-free once
/// `world` and `record` exist.
pub fn simulate_run<R: Rng + ?Sized, const C: bool>(
    compiled: &Compiled,
    world: &mut World<C>,
    record: &mut RunRecord,
    master: &mut R,
) {
    simulate_run_leading(compiled, world, record, master, None, Tape::Off);
}

/// [`simulate_run`] as the lead of `followers`: each pair is a variant of this run's
/// scenario (`Compiled::with_removal`) and the place its run is kept. A variant must differ
/// from the lead's scenario only in how crises are decided (military or economic removed;
/// political only when the lead has it removed too: before and between crises the political
/// level also acts on the monitoring of non-state violence). Such a variant *is* the lead run,
/// state and events, until a crisis whose play differs from the lead's: there it takes a
/// copy of the lead's state just before that crisis ([`Follower::diverged`]) and
/// [`finish_follower`] completes its run. The variants' decisions are made in every crisis
/// the lead plays while they follow it, on the crisis's own random numbers (the same for
/// both), so nothing is drawn twice and no month is simulated twice while they agree.
pub fn simulate_run_leading<R: Rng + ?Sized, const C: bool>(
    compiled: &Compiled,
    world: &mut World<C>,
    record: &mut RunRecord,
    master: &mut R,
    followers: Option<&mut [(&Compiled, &mut Follower<C>)]>,
    tape: Tape<'_>,
) {
    lead_run::<R, C, false>(compiled, world, record, master, followers, tape);
}

/// [`simulate_run_leading`]; with `E` (a run of which only the events are read) it stops as
/// soon as its events are complete ([`RunRecord::events_complete`]): every other field of
/// its record is then that of the run so far.
#[inline(always)]
fn lead_run<R: Rng + ?Sized, const C: bool, const E: bool>(
    compiled: &Compiled,
    world: &mut World<C>,
    record: &mut RunRecord,
    master: &mut R,
    mut followers: Option<&mut [(&Compiled, &mut Follower<C>)]>,
    tape: Tape<'_>,
) {
    SIMULATED_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    world.start_run(compiled, record, run_key(master));
    // A run of a scenario without policies: the country shocks depend only on the run's key
    // and the countries' parameters, fixed for the run, so each country stream's months are
    // drawn in one loop (its draws in the same order: the same numbers), into the tape a
    // recording run fills for its variants (then read from it as they read it), or else
    // into the world's own table (never for a run that variants follow without a tape).
    let len = compiled.steps as usize * world.countries.len();
    let tape = match tape {
        Tape::Record(t) if compiled.events.is_empty() && t.0.len() == len => {
            world.draw_shocks_ahead(t);
            Tape::Replay(t)
        }
        Tape::Off
            if followers.is_none()
                && compiled.events.is_empty()
                && world.shocks.0.len() == len =>
        {
            let mut own = std::mem::take(&mut world.shocks);
            world.draw_shocks_ahead(&mut own);
            world.shocks = own;
            world.ahead = true;
            Tape::Off
        }
        Tape::Record(t) => {
            // Recorded month by month: no column is known to be 0 any longer.
            t.1.fill(0);
            Tape::Record(t)
        }
        tape => tape,
    };
    for (_, f) in followers.iter_mut().flat_map(|f| f.iter_mut()) {
        f.diverged = false;
    }
    run_steps::<C, E>(compiled, world, record, 0, followers, tape);
}

/// A variant's run kept beside a lead run ([`simulate_run_leading`]). Allocate once per
/// worker with [`Follower::new`]; following, diverging and finishing allocate nothing.
#[derive(Debug, Clone)]
pub struct Follower<const C: bool = false> {
    /// Whether the variant's play of some crisis of the last lead run differed from the
    /// lead's. If not, the variant's run was the lead's in its world and in everything the
    /// record says of events (events of the run and of each year, counts, levels, outcomes,
    /// yearly tension); if so, `record()` says the same of the variant's own run once
    /// [`finish_follower`] ran. Either way the record's diagnostics of the game before the
    /// divergence (`level_costs`, commitments invoked, yearly balances) are the lead's.
    pub diverged: bool,
    world: World<C>,
    record: RunRecord,
    step: u32,
    rivalry: usize,
    pending: u32,
    /// The variant's decision of the crisis where its play first differed, made beside the
    /// lead on the same state and random numbers: [`finish_follower`] applies it instead of
    /// deciding that crisis again.
    decision: Option<Decision>,
    /// Only the events of the variant's run are read ([`Follower::events_only`]).
    events_only: bool,
}

impl Follower<false> {
    pub fn new(compiled: &Compiled) -> Self {
        Self {
            diverged: false,
            world: compiled.new_world(),
            record: RunRecord::new(compiled),
            step: 0,
            rivalry: 0,
            pending: 0,
            decision: None,
            events_only: false,
        }
    }
}

impl<const C: bool> Follower<C> {
    /// The variant's own record (once it diverged and was finished: [`Follower::diverged`]
    /// says what of it is the variant's; all of it after [`Follower::simulate`]).
    pub fn record(&self) -> &RunRecord {
        &self.record
    }

    /// Whether only the events of the variant's runs are read (the attribution's tallies read
    /// nothing else). Then the variant is simulated only until its events are complete
    /// ([`RunRecord::events_complete`]): a lead it follows whose events are complete is not
    /// followed further (the variant's events would be those too, whatever it did next), and
    /// its own run, as a lead ([`Follower::simulate_leading`]) or once it left one
    /// ([`finish_follower`]), stops there. Its record's events are then those of its whole
    /// run; every other field is not.
    pub fn set_events_only(&mut self, on: bool) {
        self.events_only = on;
    }

    /// Simulate the variant's run `compiled` from the start on `master` into this follower
    /// ([`simulate_run`]), marking it diverged so [`Follower::record`] is its own.
    #[cfg(any(test, feature = "internals"))]
    pub fn simulate<R: Rng + ?Sized>(&mut self, compiled: &Compiled, master: &mut R) {
        simulate_run(compiled, &mut self.world, &mut self.record, master);
        self.diverged = true;
    }

    /// Simulate the variant's run `compiled` from the start on `master` into this follower
    /// as the lead of `followers` ([`simulate_run_leading`]).
    pub fn simulate_leading<R: Rng + ?Sized>(
        &mut self,
        compiled: &Compiled,
        master: &mut R,
        followers: &mut [(&Compiled, &mut Follower<C>)],
        tape: Tape<'_>,
    ) {
        let (w, r) = (&mut self.world, &mut self.record);
        if self.events_only {
            lead_run::<R, C, true>(compiled, w, r, master, Some(followers), tape);
        } else {
            lead_run::<R, C, false>(compiled, w, r, master, Some(followers), tape);
        }
    }
}

impl<const C: bool> Follower<C> {
    /// Whether this follower and `o`, both diverged and not yet finished, left their lead at
    /// the same crisis (the same month, rivalry and crisis of that month) with the same play
    /// of it. If they left the same lead run (the caller knows), they are then in the same
    /// state after that crisis, and one can follow the other's run from there
    /// ([`finish_follower_leading`]).
    pub fn left_with(&self, o: &Follower<C>) -> bool {
        self.diverged
            && o.diverged
            && (self.step, self.rivalry, self.pending) == (o.step, o.rivalry, o.pending)
            && match (&self.decision, &o.decision) {
                (Some(a), Some(b)) => a.play.same_course(&b.play),
                _ => false,
            }
    }

    /// Make a follower that left its lead with another ([`Follower::left_with`]) a follower
    /// of that other's run instead: pass it to [`finish_follower_leading`] of the other.
    pub fn rejoin(&mut self) {
        self.diverged = false;
        self.decision = None;
    }
}

/// Complete the run of a follower that diverged from its lead, under its own scenario
/// `compiled`, from the crisis where its play first differed: the same events, bit for bit,
/// as [`simulate_run`] of `compiled` from the start ([`Follower::diverged`]). That crisis is
/// played from the decision the variant made beside its lead (the same state and random
/// numbers: the same decision), not decided again. Does not count as a simulated run (the
/// caller counts each variant once).
pub fn finish_follower<const C: bool>(compiled: &Compiled, f: &mut Follower<C>, tape: Tape<'_>) {
    debug_assert!(f.diverged);
    if f.events_only {
        finish::<C, true>(compiled, f, None, tape);
    } else {
        finish::<C, false>(compiled, f, None, tape);
    }
}

/// [`finish_follower`] as the lead of `followers`: variants that left the same lead run at
/// the same crisis with the same play as `f` ([`Follower::left_with`], then
/// [`Follower::rejoin`]), so in the same state as `f` after it. Each follows `f`'s run as
/// variants follow a lead ([`simulate_run_leading`]) until a crisis whose play differs from
/// `f`'s, where it takes a copy of `f`'s state and decision ([`Follower::diverged`]) and is
/// finished in turn; one that never leaves has `f`'s events. Nothing is simulated twice
/// while they agree: the months and the crises' draws and forces are `f`'s.
pub fn finish_follower_leading<const C: bool>(
    compiled: &Compiled,
    f: &mut Follower<C>,
    followers: &mut [(&Compiled, &mut Follower<C>)],
    tape: Tape<'_>,
) {
    debug_assert!(f.diverged);
    if f.events_only {
        finish::<C, true>(compiled, f, Some(followers), tape);
    } else {
        finish::<C, false>(compiled, f, Some(followers), tape);
    }
}

#[inline(always)]
fn finish<const C: bool, const E: bool>(
    compiled: &Compiled,
    f: &mut Follower<C>,
    mut followers: Option<&mut [(&Compiled, &mut Follower<C>)]>,
    tape: Tape<'_>,
) {
    let (world, record) = (&mut f.world, &mut f.record);
    // The crisis where it left its lead (never one at war: the lead was playing it), then
    // the rest of that month. Its followers made the same play of that crisis.
    let (step, ri) = (f.step, f.rivalry);
    world.crisis(compiled, ri, step, record, f.pending, None, f.decision.take());
    world.rivalries_step(
        compiled,
        step,
        ri,
        Some(f.pending - 1),
        record,
        followers.as_deref_mut(),
    );
    end_of_step(compiled, world, record, f.step);
    run_steps::<C, E>(compiled, world, record, f.step + 1, followers, tape);
}

/// One country's shocks of one month: its GDP growth factor `exp(drift + sigma sqrt(dt) z)`
/// and its cohesion and narrative shocks (docs/MODEL.md 3.1), each 0 without volatility.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CountryShock {
    growth: f64,
    cohesion: f64,
    narrative: f64,
}

/// The country shocks of a run, month by month (steps x simulated countries). They depend
/// on the run's key, the countries' parameters and the policies' schedule only, never on
/// the run's state, so the attribution's variants of a run (which differ from it only in
/// crises) have the same: recorded once by the plain run, read by the variants instead of
/// drawing and exponentiating them again. Allocate once per worker with [`Shocks::new`].
///
/// The second vector says, per country, which of its cohesion (bit 0) and narrative (bit 1)
/// shocks are 0 in every month of the table: a column drawn ahead that the country does not
/// draw is written with zeros once and then left as it is ([`World::draw_shocks_ahead`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shocks(Vec<CountryShock>, Vec<u8>);

impl Shocks {
    pub fn new(compiled: &Compiled) -> Self {
        let n_c = compiled.initial.countries.len();
        Self(
            vec![CountryShock::default(); compiled.steps as usize * n_c],
            vec![0b11; n_c],
        )
    }
}

/// What a run does with its country shocks ([`Shocks`]).
#[derive(Debug)]
pub enum Tape<'a> {
    /// Draw them.
    Off,
    /// Draw them and record them: all at the run's start when the scenario has no policies
    /// (then the run reads them from the record as its variants do), month by month otherwise.
    Record(&'a mut Shocks),
    /// Read them from a run of the same key (drawing nothing from the country streams).
    Replay(&'a Shocks),
}

impl Tape<'_> {
    fn reborrow(&mut self) -> Tape<'_> {
        match self {
            Tape::Off => Tape::Off,
            Tape::Record(t) => Tape::Record(t),
            Tape::Replay(t) => Tape::Replay(t),
        }
    }
}

/// Steps `from..` of a run, then its final balances. With `E` (only the run's events are
/// read) the run stops before any step once its events are complete.
#[inline(always)]
fn run_steps<const C: bool, const E: bool>(
    compiled: &Compiled,
    world: &mut World<C>,
    record: &mut RunRecord,
    from: u32,
    mut followers: Option<&mut [(&Compiled, &mut Follower<C>)]>,
    mut tape: Tape<'_>,
) {
    for step in from..compiled.steps {
        if E && record.events_complete() {
            return;
        }
        world.step(
            compiled,
            step,
            record,
            followers.as_deref_mut(),
            tape.reborrow(),
        );
        end_of_step(compiled, world, record, step);
    }
    // A run of whole years ends on a year's end, whose balance `end_of_step` has just taken
    // in the same state: the final balance is that year's.
    let last_year = (compiled.steps > 0 && compiled.steps.is_multiple_of(STEPS_PER_YEAR))
        .then(|| (compiled.steps / STEPS_PER_YEAR - 1) as usize);
    for (ri, r) in compiled.scenario.rivalries.iter().enumerate() {
        let rec = &mut record.rivalries[ri];
        rec.final_balance = match last_year {
            Some(y) => rec.yearly_balance[y],
            None => world.balance(compiled, r.challenger, r.target),
        };
    }
}

/// The year-end bookkeeping after month `step`.
#[inline(always)]
fn end_of_step<const C: bool>(
    compiled: &Compiled,
    world: &World<C>,
    record: &mut RunRecord,
    step: u32,
) {
    if (step + 1).is_multiple_of(STEPS_PER_YEAR) {
        let year = (step / STEPS_PER_YEAR) as usize;
        for (ri, r) in compiled.scenario.rivalries.iter().enumerate() {
            let rec = &mut record.rivalries[ri];
            rec.yearly_tension[year] = world.rivalries[ri].tension;
            rec.yearly_balance[year] = world.balance(compiled, r.challenger, r.target);
            rec.yearly_events[year] = std::mem::take(&mut rec.year_events);
            rec.yearly_counts[year] = std::mem::take(&mut rec.year_counts);
        }
    }
}

/// Benchmark entry points into one run (benches/engine.rs): not part of the API.
#[doc(hidden)]
#[cfg(any(test, feature = "internals"))]
pub mod bench_hooks {
    use super::{Compiled, RunRecord, World, run_key};
    use rand::Rng;

    /// What [`super::simulate_run`] does before its first step.
    pub fn start_run<R: Rng + ?Sized>(
        c: &Compiled,
        w: &mut World,
        r: &mut RunRecord,
        master: &mut R,
    ) {
        w.start_run(c, r, run_key(master));
    }

    /// One monthly step.
    pub fn step(c: &Compiled, w: &mut World, r: &mut RunRecord, step: u32) {
        w.step(c, step, r, None, super::Tape::Off);
    }

    /// One crisis opportunity on rivalry `ri`, played through the game.
    pub fn crisis(c: &Compiled, w: &mut World, r: &mut RunRecord, ri: usize) {
        w.crisis(c, ri, 0, r, 1, None, None);
    }

    /// The crisis game of rivalry `ri` in the world's current state, without misperception:
    /// its inputs and equilibrium (for calibration and docs).
    pub fn game(
        c: &Compiled,
        w: &World,
        ri: usize,
    ) -> (super::game::GameInputs, super::game::Solution) {
        let th = w.theatre(c, ri);
        let m = w.model;
        let p = [
            super::contest_success(th.m_a, th.m_t0, m.decisiveness),
            super::contest_success(th.m_a, th.m_t0 + th.reinforce, m.decisiveness),
            super::contest_success(th.m_a, th.m_t0 + th.local, m.decisiveness),
        ];
        let g = w.game_inputs(c, ri, &th, p);
        (g, super::game::solve(&g))
    }
}

/// The random numbers one crisis consumes ([`World::crisis_draws`]).
#[derive(Debug, Clone, Copy)]
struct CrisisDraws {
    /// The misperception's standard normal (0 when the crisis has no misperception).
    z: f64,
    /// The game's uniforms.
    u: [f64; GAME_UNIFORMS],
    /// The uniform of the signal of the protectors' resolve (docs/MODEL.md 7.7): drawn after
    /// the eight only when the resolve is private (`commitment_at_attack` 1 and
    /// `resolve_spread` > 0), else 0 and not read. The signal is resolute when it is below 1/2.
    signal: f64,
    /// The uniform of the protectors' decision at the casus foederis when they move twice
    /// (`protector_moves_twice` 1), drawn after the signal's place; else 0 and not read.
    fight: f64,
}

/// What the players of one crisis decided ([`World::decide_in`]), before it is applied.
#[derive(Debug, Clone, Copy)]
struct Decision {
    play: game::Play,
    /// The challenger's expected payoff of challenging in the game it perceives, by level.
    a_challenge: game::Levels,
    /// The theatre's treaty bound (whether a commitment was invoked).
    bound: f64,
}

/// Forces around one crisis (docs/MODEL.md 7.5), capability units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Theatre {
    /// The challenger's committable local capability: theatre share x own + patrons' help
    /// (bar the target's protectors).
    m_a: f64,
    /// The challenger's whole capability (the punishment ratio's reference).
    own_a: f64,
    /// The target side's local capability if its protectors stay out.
    m_t0: f64,
    /// What the protectors add in theatre if they commit (forces in theatre, reinforcement,
    /// stationed deployments).
    reinforce: f64,
    /// The part of `reinforce` already in theatre (pact partners' in-theatre reach and the
    /// stationed deployments, not the reinforcement of far-away powers): what meets a fait
    /// accompli, which gives no warning (Shlapak & Johnson 2016).
    local: f64,
    /// Capability of the protector coalition, in and out of theatre (punishment).
    coalition: f64,
    /// Stationed deployments' capability (interoperability-weighted).
    deployed: f64,
    /// The coalition's treaty weight: its members' treaty weights (0 for a contributor
    /// without a pact) weighted by their capabilities (0 if none, docs/MODEL.md 7.5).
    bound: f64,
    /// Mandate-weighted stationed forces as a share of themselves plus the challenger's
    /// committable force.
    tripwire: f64,
    /// Strongest strategic deterrent among the protectors: treaty protector powers and the
    /// deployments' contributors (the punishment, docs/MODEL.md 7.5).
    strategic: f64,
    /// Strongest strategic deterrent among treaty protector powers only (`s_T`, not the
    /// deployments' contributors): what lifts the challenger's misjudgment of the
    /// protectors' resolve (`misjudgment_pact_clarity`, docs/MODEL.md 7.7).
    treaty_strategic: f64,
    /// Node 4 exists.
    protector: bool,
}

impl World<true> {
    /// The draws of the run so far, by kind, over every stream (the RNG floor's workload).
    /// Only a counting world has them ([`Compiled::new_counting_world`]).
    pub fn draw_counts(&self) -> DrawCounts {
        let mut d = self.crisis_draws;
        for g in &self.streams {
            d.add_stream(g);
        }
        d
    }
}

impl<const C: bool> World<C> {
    /// Reset to the start state, key every process stream under `key` and draw the per-run
    /// parameters.
    fn start_run(&mut self, c: &Compiled, record: &mut RunRecord, key: [u8; 32]) {
        self.reset(c);
        record.reset();
        self.key = key;
        for (g, &id) in self.streams.iter_mut().zip(&c.stream_ids) {
            *g = Stream::keyed(&key, id);
        }
        self.crisis_draws = DrawCounts::default();
        self.ahead = false;
        self.draw_run_parameters(c);
    }

    /// Draw the whole run's country shocks ahead into `table` (steps x countries), each
    /// country stream's months in one loop (its generator's state kept in registers): the
    /// numbers and the arithmetic of the month's own draws ([`World::step`]), in each
    /// stream's order. Only for a run whose countries' parameters cannot change (no policy).
    fn draw_shocks_ahead(&mut self, shocks: &mut Shocks) {
        let n_c = self.countries.len();
        let Shocks(table, zero) = shocks;
        let len = table.len();
        let (country_streams, _) = self.streams.split_at_mut(3 * n_c);
        for (i, (s, g)) in self
            .countries
            .iter()
            .zip(country_streams.chunks_exact_mut(3))
            .enumerate()
        {
            // Each stream copied into a local for its loop (its state stays in registers)
            // and put back after it. Country i's months: table[i], table[i + n_c], ...
            if s.eco.volatility > 0.0 {
                let (mut rng, scale) = (g[0].clone(), s.k.gdp_shock);
                let mut j = i;
                while j < len {
                    table[j].growth = scale * rng.normal();
                    j += n_c;
                }
                g[0] = rng;
                let drift = s.k.gdp_drift;
                let mut j = i;
                while j < len {
                    table[j].growth = crate::stats::exp::exp(drift + table[j].growth);
                    j += n_c;
                }
            } else {
                let growth = crate::stats::exp::exp(s.k.gdp_drift + 0.0);
                let mut j = i;
                while j < len {
                    table[j].growth = growth;
                    j += n_c;
                }
            }
            // A column the country does not draw is 0 in every month: written once, then
            // kept (`zero`).
            if s.reads_cohesion && s.pol.cohesion_volatility > 0.0 {
                let (mut rng, scale) = (g[1].clone(), s.k.cohesion_shock);
                let mut j = i;
                while j < len {
                    table[j].cohesion = scale * rng.normal();
                    j += n_c;
                }
                g[1] = rng;
                zero[i] &= !0b01;
            } else if zero[i] & 0b01 == 0 {
                let mut j = i;
                while j < len {
                    table[j].cohesion = 0.0;
                    j += n_c;
                }
                zero[i] |= 0b01;
            }
            if s.reads_narrative && s.pol.narrative_volatility > 0.0 {
                let (mut rng, scale) = (g[2].clone(), s.k.narrative_shock);
                let mut j = i;
                while j < len {
                    table[j].narrative = scale * rng.normal();
                    j += n_c;
                }
                g[2] = rng;
                zero[i] &= !0b10;
            } else if zero[i] & 0b10 == 0 {
                let mut j = i;
                while j < len {
                    table[j].narrative = 0.0;
                    j += n_c;
                }
                zero[i] |= 0b10;
            }
        }
    }

    /// Current tension of rivalry `ri`.
    pub fn tension(&self, ri: usize) -> f64 {
        self.rivalries[ri].tension
    }

    /// Current GDP of country `ci` in units of the scenario's reference GDP
    /// ([`units::reference_gdp`]).
    pub fn gdp(&self, ci: usize) -> f64 {
        self.countries[ci].gdp
    }

    /// Whether rivalry `ri` (scenario order) is at war now: its play is suspended until the
    /// war ends (docs/MODEL.md 7.9).
    pub fn at_war(&self, ri: usize) -> bool {
        self.rivalries[ri].at_war
    }

    /// Become a copy of `o` (a world of the same scenario), without allocating.
    fn copy_from(&mut self, o: &World<C>) {
        let mut v = (
            std::mem::take(&mut self.countries),
            std::mem::take(&mut self.ties),
            std::mem::take(&mut self.powers),
            std::mem::take(&mut self.alliances),
            std::mem::take(&mut self.reliability),
            std::mem::take(&mut self.membership),
            std::mem::take(&mut self.deployments),
            std::mem::take(&mut self.rivalries),
            std::mem::take(&mut self.ramps),
            std::mem::take(&mut self.pact),
            std::mem::take(&mut self.reach),
            std::mem::take(&mut self.tie_reach),
            std::mem::take(&mut self.helpers),
            std::mem::take(&mut self.helper_count),
            std::mem::take(&mut self.streams),
            std::mem::take(&mut self.shocks),
        );
        v.0.copy_from_slice(&o.countries);
        v.1.copy_from_slice(&o.ties);
        v.2.copy_from_slice(&o.powers);
        v.3.copy_from_slice(&o.alliances);
        v.4.copy_from_slice(&o.reliability);
        v.5.copy_from_slice(&o.membership);
        v.6.copy_from_slice(&o.deployments);
        v.7.copy_from_slice(&o.rivalries);
        // The ramps in force vary in number; the capacity holds them all (`new_world`).
        v.8.clear();
        v.8.extend_from_slice(&o.ramps);
        v.9.copy_from_slice(&o.pact);
        v.10.copy_from_slice(&o.reach);
        v.11.copy_from_slice(&o.tie_reach);
        v.12.copy_from_slice(&o.helpers);
        v.13.copy_from_slice(&o.helper_count);
        v.14.clone_from_slice(&o.streams);
        // The shocks drawn ahead only if `o` has them (never a run that variants follow).
        if o.ahead {
            v.15.0.copy_from_slice(&o.shocks.0);
            v.15.1.copy_from_slice(&o.shocks.1);
        }
        // Every other field is Copy: a field added that is not fails to compile here.
        *self = World {
            countries: v.0,
            ties: v.1,
            powers: v.2,
            alliances: v.3,
            reliability: v.4,
            membership: v.5,
            deployments: v.6,
            rivalries: v.7,
            ramps: v.8,
            pact: v.9,
            reach: v.10,
            tie_reach: v.11,
            helpers: v.12,
            helper_count: v.13,
            streams: v.14,
            shocks: v.15,
            ..*o
        };
    }

    fn reset(&mut self, c: &Compiled) {
        let i = &c.initial;
        self.model = i.model;
        self.countries.copy_from_slice(&i.countries);
        self.ties.copy_from_slice(&i.ties);
        self.powers.copy_from_slice(&i.powers);
        self.alliances.copy_from_slice(&i.alliances);
        self.reliability.copy_from_slice(&i.reliability);
        self.membership.copy_from_slice(&i.membership);
        self.deployments.copy_from_slice(&i.deployments);
        self.rivalries.copy_from_slice(&i.rivalries);
        self.ramps.clear();
        self.next_event = 0;
        self.pact.copy_from_slice(&i.pact);
        self.reach.copy_from_slice(&i.reach);
        self.tie_reach.copy_from_slice(&i.tie_reach);
        self.helpers.copy_from_slice(&i.helpers);
        self.helper_count.copy_from_slice(&i.helper_count);
        self.month = i.month;
        self.stale = false;
    }

    /// Per-run parameter uncertainty: each alliance's reliability from its Beta prior, on
    /// the alliance's own stream.
    fn draw_run_parameters(&mut self, c: &Compiled) {
        let first = c.stream_ids.len() - c.reliability_prior.len();
        for (a, prior) in c.reliability_prior.iter().enumerate() {
            self.reliability[a] = match prior {
                ReliabilityPrior::Fixed(x) => *x,
                ReliabilityPrior::Beta(b) => self.streams[first + a].beta(b),
            };
        }
        // `reset` restored the start-of-run pacts and helper lists. If every reliability has
        // the sign it had there, the lists still hold and only the pact values change: the
        // same maxima over the same alliances as `refresh_pacts`, without its full scan.
        let same_signs = self
            .reliability
            .iter()
            .zip(&c.initial.reliability)
            .all(|(x, y)| (*x > 0.0) == (*y > 0.0));
        if same_signs {
            for &(k, _) in &c.shared {
                self.pact[k] = 0.0;
            }
            for &(k, a) in &c.shared {
                self.pact[k] = self.pact[k].max(self.reliability[a]);
            }
        } else {
            self.refresh_pacts(c);
        }
        self.refresh_forces(c);
    }

    /// Rebuild [`World::pact`] from membership and this run's reliabilities, and the
    /// helper lists from the pacts and [`World::tie_reach`].
    fn refresh_pacts(&mut self, c: &Compiled) {
        let n_c = self.countries.len();
        let n_p = self.powers.len();
        let n_alliances = self.alliances.len();
        for i in 0..n_c {
            let mut count = 0;
            for actor in 0..c.n_actors {
                let mut rho = 0.0f64;
                if actor != i {
                    for a in 0..n_alliances {
                        let row = a * c.n_actors;
                        if self.membership[row + i] && self.membership[row + actor] {
                            rho = rho.max(self.reliability[a]);
                        }
                    }
                }
                self.pact[i * c.n_actors + actor] = rho;
                let tie = actor >= n_c && self.tie_reach[i * n_p + (actor - n_c)] != 0.0;
                if actor != i && (rho > 0.0 || tie) {
                    self.helpers[i * c.n_actors + count] = actor as u32;
                    count += 1;
                }
            }
            self.helper_count[i] = count as u32;
        }
    }

    /// Rebuild every table derived from parameters: step coefficients, pacts, reach.
    fn refresh(&mut self, c: &Compiled) {
        self.month = MonthFactors::of(&self.model);
        for s in &mut self.countries {
            s.k = StepCoefficients::of(s);
        }
        let n_c = self.countries.len();
        for i in 0..n_c {
            self.countries[i].unsubstituted =
                self.countries[i].eco.trade_west * (1.0 - self.substitution(i));
        }
        let n_p = self.powers.len();
        for i in 0..n_c {
            let iota_i = self.countries[i].mil.interoperability;
            for actor in 0..c.n_actors {
                let (delta, iota) = if actor < n_c {
                    let m = &self.countries[actor].mil;
                    (m.expeditionary, m.interoperability)
                } else {
                    let p = &self.powers[actor - n_c];
                    (p.in_theatre, p.interoperability)
                };
                self.reach[i * c.n_actors + actor] = delta * (iota * iota_i).sqrt();
                if actor >= n_c {
                    let tie = self.ties[i * n_p + (actor - n_c)];
                    // Alignment, not NATO interoperability: a patron helps through its tie.
                    self.tie_reach[i * n_p + (actor - n_c)] = tie * delta;
                }
            }
        }
        self.refresh_pacts(c);
        self.refresh_forces(c);
        self.stale = false;
    }

    /// Recompute every rivalry's [`StaticForces`] from the current parameters, treaty weights
    /// and derived tables: after [`World::refresh`] and after the run's reliability draw, the
    /// only places where what they read changes.
    fn refresh_forces(&mut self, c: &Compiled) {
        for ri in 0..self.rivalries.len() {
            self.rivalries[ri].forces = self.static_forces(c, ri);
        }
    }

    fn actor_index(&self, a: Actor) -> usize {
        match a {
            Actor::Country(i) => i,
            Actor::Power(p) => self.countries.len() + p,
        }
    }

    fn update_procurement(&mut self, c: &Compiled) {
        let n_c = self.countries.len();
        for ci in 0..n_c {
            let collective =
                c.scenario.alliances.iter().enumerate().any(|(ai, a)| {
                    a.collective_procurement && self.membership[ai * c.n_actors + ci]
                });
            self.countries[ci].procurement_multiplier = if collective {
                1.0 + self.model.procurement_bonus
            } else {
                1.0
            };
        }
        self.stale = true;
    }

    fn own_capability(&self, i: usize) -> f64 {
        let s = &self.countries[i];
        s.capability * s.mil.quality * s.readiness
    }

    /// Outside power `j`'s capability: its size times its quality (docs/MODEL.md 7.5).
    fn power_capability(&self, j: usize) -> f64 {
        let p = &self.powers[j];
        p.capability * p.quality
    }

    /// The reported local balance's side of country `i` (docs/MODEL.md 7.11): own capability,
    /// pact partners' reach weighted by this run's treaty weight, patrons' help through their
    /// ties, and stationed deployments weighted by their mandate. A summary for the yearly
    /// and final balance outputs; the crisis game counts forces by theatre (`theatre`).
    /// `excluded` names the powers that give `i` no tie help: as in the crisis (7.5), the
    /// target's protectors on the challenger's side.
    fn expected_capability(&self, c: &Compiled, i: usize, excluded: impl Fn(usize) -> bool) -> f64 {
        let mut capability = self.own_capability(i);
        let n_c = self.countries.len();
        let n_p = self.powers.len();
        let row = i * c.n_actors;
        let pact = &self.pact[row..row + c.n_actors];
        let reach = &self.reach[row..row + c.n_actors];
        let helpers = &self.helpers[row..row + self.helper_count[i] as usize];
        for &actor in helpers {
            let actor = actor as usize;
            let rho = pact[actor];
            let cap = if actor < n_c {
                self.own_capability(actor)
            } else {
                self.power_capability(actor - n_c)
            };
            if rho > 0.0 {
                capability += rho * reach[actor] * cap;
            } else if actor >= n_c && !excluded(actor) {
                capability += self.tie_reach[i * n_p + (actor - n_c)] * cap;
            }
        }
        for (d, params) in self.deployments.iter().enumerate() {
            if c.deployment_host[d] == i {
                capability += params.reliability * params.interoperability * params.capability;
            }
        }
        capability
    }

    /// M_A / M_T with expected allied help, clamped to [1e-6, 1e6]. A power cannot stand on
    /// both sides (docs/MODEL.md 7.5 and 7.11): one of the target's protectors
    /// ([`World::protects`]) gives the challenger no tie help here either.
    fn balance(&self, c: &Compiled, challenger: usize, target: usize) -> f64 {
        let a = self.expected_capability(c, challenger, |actor| {
            self.protects(c, challenger, target, actor)
        });
        let t = self.expected_capability(c, target, |_| false);
        if t <= 0.0 {
            return BALANCE_CAP;
        }
        (a / t).clamp(1.0 / BALANCE_CAP, BALANCE_CAP)
    }

    /// Share of a country's lost Western trade its patrons replace: sum of tie x substitution, at most 0.9.
    fn substitution(&self, i: usize) -> f64 {
        let n_p = self.powers.len();
        let s: f64 = (0..n_p)
            .map(|p| self.ties[i * n_p + p] * self.powers[p].substitution)
            .sum();
        s.clamp(0.0, 0.9)
    }

    fn get(&self, r: ParamRef) -> f64 {
        match r {
            ParamRef::Model(f) => self.model.get(f),
            ParamRef::Military { country, field } => {
                let s = &self.countries[country];
                match MilitaryParams::FIELDS[field].key {
                    "capability" => s.capability,
                    // The budget in force is the share of current GDP, not the start-year figure.
                    "budget" => s.mil.budget_share * s.gdp,
                    _ => s.mil.get(field),
                }
            }
            ParamRef::Political { country, field } => self.countries[country].pol.get(field),
            ParamRef::Economic { country, field } => {
                let s = &self.countries[country];
                if EconomicParams::FIELDS[field].key == "gdp" {
                    s.gdp
                } else {
                    s.eco.get(field)
                }
            }
            ParamRef::Tie { country, power } => self.ties[country * self.powers.len() + power],
            ParamRef::Power { power, field } => self.powers[power].get(field),
            ParamRef::Alliance { alliance, field } => self.alliances[alliance].get(field),
            ParamRef::Deployment { deployment, field } => self.deployments[deployment].get(field),
            ParamRef::Rivalry { rivalry, field } => self.rivalries[rivalry].params.get(field),
            ParamRef::PolicyEnabled { .. } | ParamRef::PolicyValue { .. } => 1.0,
        }
    }

    /// Set a parameter during a run. Mean-reverting quantities (readiness, cohesion,
    /// narrative, reputation, tension) move their baseline and their current value together.
    fn set(&mut self, c: &Compiled, r: ParamRef, value: f64) {
        let (min, max) = c.limits.range(&r.spec());
        let value = value.clamp(min, max);
        let old = self.get(r);
        match r {
            ParamRef::Model(f) => *self.model.slot_mut(f) = value,
            ParamRef::Military { country, field } => {
                let s = &mut self.countries[country];
                match MilitaryParams::FIELDS[field].key {
                    "capability" => s.capability = value,
                    "readiness" => {
                        s.readiness = (s.readiness + value - old).clamp(0.0, 1.0);
                        s.mil.readiness = value;
                    }
                    "budget" => {
                        // A budget change is a change of the share of current GDP.
                        s.mil.budget = value;
                        s.mil.budget_share = (value / s.gdp).min(0.5);
                    }
                    _ => *s.mil.slot_mut(field) = value,
                }
            }
            ParamRef::Political { country, field } => {
                let s = &mut self.countries[country];
                match PoliticalParams::FIELDS[field].key {
                    "cohesion" => s.cohesion = (s.cohesion + value - old).clamp(0.0, 1.0),
                    "narrative" => s.narrative = (s.narrative + value - old).clamp(0.0, 1.0),
                    "reputation" => s.reputation = (s.reputation + value - old).clamp(0.0, 1.0),
                    _ => {}
                }
                *s.pol.slot_mut(field) = value;
            }
            ParamRef::Economic { country, field } => {
                let s = &mut self.countries[country];
                if EconomicParams::FIELDS[field].key == "gdp" {
                    s.gdp = value;
                } else {
                    *s.eco.slot_mut(field) = value;
                }
            }
            ParamRef::Tie { country, power } => {
                let n_p = self.powers.len();
                self.ties[country * n_p + power] = value;
            }
            ParamRef::Power { power, field } => *self.powers[power].slot_mut(field) = value,
            ParamRef::Alliance { alliance, field } => {
                if AllianceParams::FIELDS[field].key == "reliability" {
                    self.reliability[alliance] =
                        (self.reliability[alliance] + value - old).clamp(0.0, 1.0);
                }
                *self.alliances[alliance].slot_mut(field) = value;
            }
            ParamRef::Deployment { deployment, field } => {
                *self.deployments[deployment].slot_mut(field) = value
            }
            ParamRef::Rivalry { rivalry, field } => {
                let st = &mut self.rivalries[rivalry];
                if RivalryParams::FIELDS[field].key == "tension" {
                    st.tension = (st.tension + value - old).clamp(0.0, 1.0);
                    st.params.baseline_tension =
                        (st.params.baseline_tension + value - old).clamp(0.0, 1.0);
                }
                *st.params.slot_mut(field) = value;
            }
            ParamRef::PolicyEnabled { .. } | ParamRef::PolicyValue { .. } => {}
        }
        if matches!(r, ParamRef::Model(_)) {
            self.update_procurement(c);
        }
        self.stale = true;
    }

    fn apply_policies(&mut self, c: &Compiled, step: u32) {
        while self.next_event < c.events.len() && c.events[self.next_event].step <= step {
            let policy = &c.policies[c.events[self.next_event].policy];
            self.next_event += 1;
            let ramp_steps = policy.ramp_steps();
            for change in &policy.changes {
                let from = self.get(change.target);
                let (min, max) = c.limits.range(&change.target.spec());
                let to = match change.op {
                    ChangeOp::Set(v) => v,
                    op => op.apply(from),
                }
                .clamp(min, max);
                if ramp_steps <= 1 {
                    self.set(c, change.target, to);
                } else {
                    self.ramps.push(Ramp {
                        target: change.target,
                        from,
                        to,
                        start_step: step,
                        steps: ramp_steps,
                    });
                }
            }
            if !policy.joins.is_empty() {
                for &(alliance, member) in &policy.joins {
                    let idx = alliance * c.n_actors + self.actor_index(member);
                    self.membership[idx] = true;
                }
                self.update_procurement(c);
            }
        }
        for k in 0..self.ramps.len() {
            let r = self.ramps[k];
            let done = step.saturating_sub(r.start_step) + 1;
            if done <= r.steps {
                let frac = done as f64 / r.steps as f64;
                self.set(c, r.target, r.from + (r.to - r.from) * frac);
            }
        }
        if self.stale {
            self.refresh(c);
        }
    }

    /// One month: policies, the countries' month, then the rivalries' month.
    /// Inlined into the run's loop of months (`run_steps`): called out of line, each month
    /// paid the call, the saving and restoring of registers, and the reloads of what the
    /// months share (callgrind, BENCHMARKS.md: 164.8k -> 157.7k instructions per baseline run).
    #[inline(always)]
    fn step(
        &mut self,
        c: &Compiled,
        step: u32,
        record: &mut RunRecord,
        followers: Option<&mut [(&Compiled, &mut Follower<C>)]>,
        mut tape: Tape<'_>,
    ) {
        if self.next_event < c.events.len() || !self.ramps.is_empty() {
            self.apply_policies(c, step);
        }
        let m = self.model;
        let theta = m.political_reversion * DT;
        let reputation_rate = m.reputation_reversion * DT;
        // The constant factors come from `s.k` (StepCoefficients): same products, same order.
        let n_c = self.countries.len();
        let (country_streams, _) = self.streams.split_at_mut(3 * n_c);
        // One country's month from its shocks (GDP growth factor, cohesion and narrative
        // shocks), which depend on its parameters and its streams only, not on its state.
        let update = |s: &mut CountryState, k: &CountryShock| {
            s.gdp *= k.growth;
            // Military: budget from its share of GDP, perpetual inventory, readiness reverts.
            let budget = s.mil.budget_share * s.gdp;
            s.capability = s.capability * s.k.keep + s.k.invest * budget * DT;
            s.readiness += s.k.readiness_rate * (s.mil.readiness - s.readiness);
            // Politics: Ornstein-Uhlenbeck toward the baselines, clipped to [0, 1].
            s.cohesion =
                (s.cohesion + theta * (s.pol.cohesion - s.cohesion) + k.cohesion).clamp(0.0, 1.0);
            s.narrative = (s.narrative + theta * (s.pol.narrative - s.narrative) + k.narrative)
                .clamp(0.0, 1.0);
            s.reputation += reputation_rate * (s.pol.reputation - s.reputation);
        };
        let table = match &tape {
            Tape::Replay(t) => Some(&t.0[..]),
            _ if self.ahead => Some(&self.shocks.0[..]),
            _ => None,
        };
        if let Some(table) = table {
            let row = &table[step as usize * n_c..][..n_c];
            for (s, k) in self.countries.iter_mut().zip(row) {
                update(s, k);
            }
        } else {
            for (i, (s, g)) in self
                .countries
                .iter_mut()
                .zip(country_streams.chunks_exact_mut(3))
                .enumerate()
            {
                // Economy: geometric Brownian motion.
                let shock = if s.eco.volatility > 0.0 {
                    s.k.gdp_shock * g[0].normal()
                } else {
                    0.0
                };
                let k = CountryShock {
                    growth: crate::stats::exp::exp(s.k.gdp_drift + shock),
                    cohesion: if s.reads_cohesion && s.pol.cohesion_volatility > 0.0 {
                        s.k.cohesion_shock * g[1].normal()
                    } else {
                        0.0
                    },
                    narrative: if s.reads_narrative && s.pol.narrative_volatility > 0.0 {
                        s.k.narrative_shock * g[2].normal()
                    } else {
                        0.0
                    },
                };
                if let Tape::Record(t) = &mut tape {
                    t.0[step as usize * n_c + i] = k;
                }
                update(s, &k);
            }
        }
        self.rivalries_step(c, step, 0, None, record, followers);
    }

    /// The rivalries' part of month `step`, from rivalry `first` on: each rivalry's tension,
    /// non-state incidents, target-initiated triggers and crisis count, then its crises. With
    /// `pending`, rivalry `first` has been updated already and has that many crises to play
    /// (a follower finishing its run, [`finish_follower`]). `followers` decide every crisis
    /// beside this run ([`simulate_run_leading`]).
    #[inline(always)]
    fn rivalries_step(
        &mut self,
        c: &Compiled,
        step: u32,
        first: usize,
        pending: Option<u32>,
        record: &mut RunRecord,
        mut followers: Option<&mut [(&Compiled, &mut Follower<C>)]>,
    ) {
        // A war ends this month with probability 1 - exp(-dt / war_duration) (docs/MODEL.md
        // 7.9): a ceasefire or frozen conflict, after which the rivalry's play resumes. The
        // probability is the world's monthly factor ([`MonthFactors`]).
        let n_c = self.countries.len();
        for ri in first..self.rivalries.len() {
            let crises = match pending {
                Some(n) if ri == first => n,
                _ => {
                    if self.rivalries[ri].at_war {
                        let first = 3 * n_c + RIVALRY_STREAMS * ri;
                        if self.streams[first + 4].uniform() < self.month.war_end {
                            self.rivalries[ri].at_war = false;
                        }
                        continue;
                    }
                    self.rivalry_month(c, ri, record)
                }
            };
            for j in 0..crises {
                if self.rivalries[ri].at_war {
                    break;
                }
                self.crisis(
                    c,
                    ri,
                    step,
                    record,
                    crises - j,
                    followers.as_deref_mut(),
                    None,
                );
            }
        }
    }

    /// Rivalry `ri`'s month before its crises: tension, non-state incidents (each may open a
    /// crisis), target-initiated triggers, and the crisis opportunities. Returns how many
    /// crises to play.
    #[inline(always)]
    fn rivalry_month(&mut self, c: &Compiled, ri: usize, record: &mut RunRecord) -> u32 {
        let sqrt_dt = DT.sqrt();
        // The model's parameters read in place too: a copy kept about ten of them on the
        // stack, a load and a store each a month before they were read (callgrind,
        // BENCHMARKS.md, issue 15 on speed17).
        let m = &self.model;
        let n_c = self.countries.len();
        let first = 3 * n_c + RIVALRY_STREAMS * ri;
        let st = &mut self.rivalries[ri];
        // Read in place: a copy of the parameter block cost about 30 loads and stores a
        // month (callgrind, BENCHMARKS.md, issue 15 on speed9).
        let p = &st.params;
        let g = &mut self.streams[first..first + RIVALRY_STREAMS];
        let tz = if p.tension_volatility > 0.0 {
            p.tension_volatility * sqrt_dt * g[0].normal()
        } else {
            0.0
        };
        st.tension =
            (st.tension + p.tension_reversion * DT * (p.baseline_tension - st.tension) + tz)
                .clamp(0.0, 1.0);
        // The challenger's memory of its defeats fades (docs/MODEL.md 7.9); read only when
        // `defeat_memory` > 0, so at 0 no instruction is spent on it.
        if m.defeat_memory > 0.0 {
            st.memory *= self.month.memory_keep;
        }
        // The recency of the last dispute fades, and multiplies the three rates that open
        // crises (docs/MODEL.md 7.4); read only when `dispute_recency` > 0 (nothing to fade
        // before the rivalry's first dispute); the factor is the world's ([`MonthFactors`]).
        let hazard = if m.dispute_recency > 0.0 {
            if st.recency > 0.0 {
                st.recency *= self.month.recency_keep;
            }
            1.0 + m.dispute_recency * st.recency
        } else {
            1.0
        };
        // What the last war revealed fades likewise; read only when `war_revelation` > 0.
        // (Nothing to fade until the rivalry's first war.) Both factors are the world's
        // ([`MonthFactors`]), computed when the parameters change, not every month.
        if m.war_revelation > 0.0 && st.revealed > 0.0 {
            st.revealed *= self.month.revealed_keep;
        }
        let rec = &mut record.rivalries[ri];
        // Non-state violence (its own stream): incidents raise tension and may open a
        // crisis; never a MID level.
        let mut triggered = 0u32;
        if p.nonstate_rate > 0.0 {
            let rv = &c.scenario.rivalries[ri];
            let narrative = self.countries[rv.challenger].narrative;
            let monitoring = if c.removed.political {
                0.0
            } else {
                p.monitoring
            };
            let rate = p.nonstate_rate
                * (1.0 + m.nonstate_tension * st.tension)
                * (1.0 + m.nonstate_narrative * narrative)
                * (1.0 - m.nonstate_monitoring * monitoring)
                * hazard
                * DT;
            let incidents = poisson_inversion(rate, g[2].uniform());
            for _ in 0..incidents {
                rec.add(count::NON_STATE);
                rec.mark(event::NON_STATE);
                st.tension = (st.tension + m.tension_jump_nonstate).min(1.0);
                triggered += u32::from(g[2].uniform() < m.nonstate_crisis);
            }
        }
        // Target-initiated triggers (their own stream): each raises tension and opens a
        // crisis opportunity.
        let mut target_triggers = 0u32;
        if p.target_trigger_rate > 0.0 {
            let cohesion = self.countries[c.scenario.rivalries[ri].target].cohesion;
            let rate = p.target_trigger_rate
                * (1.0 + m.target_trigger_cohesion * cohesion)
                * hazard
                * DT;
            target_triggers = poisson_inversion(rate, g[3].uniform());
            for _ in 0..target_triggers {
                rec.add(count::TARGET_TRIGGERS);
                st.tension = (st.tension + m.tension_jump_target).min(1.0);
            }
        }
        let rate = p.opportunity_rate * (1.0 + m.tension_sensitivity * st.tension) * hazard * DT;
        let opportunities = poisson_inversion(rate, g[1].uniform());
        st.reactions = target_triggers + triggered;
        target_triggers + triggered + opportunities
    }

    /// One crisis opportunity on rivalry `ri`, on its own stream: the rivalry's crisis number
    /// `rec.crises` (0-based) of this run, the first of the `pending` left this month. Each
    /// follower still on this run decides the same crisis on the same random numbers; one
    /// whose play differs takes a copy of the state before it ([`simulate_run_leading`]).
    /// With `decided`, the crisis is played from that decision without deciding it again.
    #[allow(clippy::too_many_arguments)]
    fn crisis(
        &mut self,
        c: &Compiled,
        ri: usize,
        step: u32,
        record: &mut RunRecord,
        pending: u32,
        followers: Option<&mut [(&Compiled, &mut Follower<C>)]>,
        decided: Option<Decision>,
    ) {
        let d = match decided {
            // Decided already, in this state on this crisis's random numbers (a follower's
            // first crisis after it left its lead: [`Follower::decision`]). A counting world
            // decides again, to count the crisis's draws.
            Some(d) if !C => d,
            _ => self.decide_crisis(c, ri, step, record, pending, followers),
        };
        // This crisis is played: one reaction fewer left this month.
        let st = &mut self.rivalries[ri];
        st.reactions = st.reactions.saturating_sub(1);
        let rec = &mut record.rivalries[ri];
        rec.crisis_level = 0;
        self.play_crisis(c, ri, step, &d, rec);
        rec.add(count::CRISIS_TRIGGERS);
        if let Some(k) = count::of_level(rec.crisis_level) {
            rec.add(k);
        }
        rec.crisis_level = 0;
    }

    /// Decide the crisis on rivalry `ri` under `c` ([`World::crisis`]), and beside it the
    /// crisis of every follower still with this run: a follower whose play differs takes a
    /// copy of this state and record and its decision, and leaves.
    #[inline(always)]
    fn decide_crisis(
        &mut self,
        c: &Compiled,
        ri: usize,
        step: u32,
        record: &RunRecord,
        pending: u32,
        followers: Option<&mut [(&Compiled, &mut Follower<C>)]>,
    ) -> Decision {
        let mut g = Stream::keyed(
            &self.key,
            crisis_stream_id(c.crisis_base[ri], record.rivalries[ri].crises),
        );
        let draws = self.crisis_draws(c, ri, &mut g);
        // The forces around the crisis are the same for the run and every variant deciding
        // beside it; a variant that removes the same of the military and political levels
        // (it differs in the economic one) has the same theatre and probabilities too.
        let forces = self.forces(c, ri);
        let th = forces.under(c.removed);
        let p = self.balance_probabilities(c, ri, &th, &draws);
        let d = self.decide_in(c, ri, &draws, &th, p);
        // A follower of which only the events are read follows no further once this run's
        // events are complete: its own would be complete too ([`Follower::set_events_only`]).
        let complete = followers.is_some() && record.events_complete();
        for (v, f) in followers.into_iter().flatten() {
            if f.diverged || (f.events_only && complete) {
                continue;
            }
            let same = |r: Removal| (r.military, r.political);
            let dv = if same(v.removed) == same(c.removed) {
                self.decide_in(v, ri, &draws, &th, p)
            } else {
                let th = forces.under(v.removed);
                let p = self.balance_probabilities(v, ri, &th, &draws);
                self.decide_in(v, ri, &draws, &th, p)
            };
            if !dv.play.same_course(&d.play) {
                f.world.copy_from(self);
                f.record.copy_from(record);
                (f.step, f.rivalry, f.pending, f.diverged) = (step, ri, pending, true);
                f.decision = Some(dv);
            }
        }
        if C {
            self.crisis_draws.add_stream(&g);
        }
        d
    }

    /// The random numbers of a crisis on rivalry `ri`, from its stream in model order: the
    /// misperception's normal (only when there is misperception) and the game's uniforms.
    /// The same for every variant of the run that keeps or removes the political level as
    /// `c` does (the misperception depends on the level only through monitoring).
    #[inline(always)]
    fn crisis_draws(&self, c: &Compiled, ri: usize, rng: &mut Stream<C>) -> CrisisDraws {
        let noise = self.perception_noise(c, ri);
        let z = if noise > 0.0 { rng.normal() } else { 0.0 };
        let mut u = [0.0; GAME_UNIFORMS];
        for x in &mut u {
            *x = rng.uniform();
        }
        // The signal of the protectors' resolve: a ninth uniform, after the eight (so every
        // node's uniform within the crisis is the one without it), only when it is read.
        let signal = if self.model.commitment_at_attack != 0.0 && self.model.resolve_spread > 0.0
        {
            rng.uniform()
        } else {
            0.0
        };
        // The uniform of the protectors' decision at the casus foederis when they move twice
        // (docs/MODEL.md 7.7): after the eight and the signal, only when it is read.
        let fight = if self.model.protector_moves_twice != 0.0 {
            rng.uniform()
        } else {
            0.0
        };
        CrisisDraws {
            z,
            u,
            signal,
            fight,
        }
    }

    /// The scale of the challenger's misperception of the balance, shrinking with
    /// monitoring.
    #[inline(always)]
    fn perception_noise(&self, c: &Compiled, ri: usize) -> f64 {
        let monitoring = if c.removed.political {
            0.0
        } else {
            self.rivalries[ri].params.monitoring
        };
        self.model.perception_noise * (1.0 - monitoring)
    }

    /// The forces and commitments around a crisis on rivalry A -> T (docs/MODEL.md 7.5):
    /// the challenger's committable local capability, the target side's local capability
    /// with and without its protectors' commitment, and the protectors' aggregate terms.
    #[cfg(any(test, feature = "internals"))]
    fn theatre(&self, c: &Compiled, ri: usize) -> Theatre {
        self.forces(c, ri).under(c.removed)
    }

    /// [`World::theatre`] before any level is removed: the forces and commitments around a
    /// crisis on rivalry `ri` in the world's state, the same for every variant of the run
    /// (the levels act only in [`Forces::under`]), so a crisis computes them once for the
    /// run and the variants deciding beside it.
    ///
    /// Only the two players' own capabilities change from month to month; everything else
    /// ([`World::static_forces`]: the patrons' help, the protectors' and the stationed
    /// forces' terms) depends on parameters and the run's treaty weights, and is taken from
    /// the rivalry's [`StaticForces`] unless some term is a country's own capability. The
    /// values are those the whole computation gives, bit for bit: the same operations on the
    /// same operands in the same order, done earlier (ARCHITECTURE.md, "precomputation
    /// never changes a bit").
    #[inline(always)]
    fn forces(&self, c: &Compiled, ri: usize) -> Forces {
        let rv = &c.scenario.rivalries[ri];
        let (a, t) = (rv.challenger, rv.target);
        let st = &self.rivalries[ri];
        let s = if st.forces.stale {
            self.static_forces(c, ri)
        } else {
            st.forces
        };
        let own_a = self.own_capability(a);
        let mut th = s.th;
        th.m_a = st.params.challenger_share * own_a + s.tie_a;
        th.own_a = own_a;
        th.m_t0 = self.own_capability(t) + s.tie_t;
        Forces {
            th,
            tripwire: s.tripwire,
        }
    }

    /// The terms of [`World::forces`] on rivalry `ri` besides the two players' own
    /// capabilities (docs/MODEL.md 7.5): the patrons' help to each player through their ties
    /// (none to the challenger from one of the target's protectors, [`World::protects`]),
    /// and the target's protectors (pact partners bar the challenger, and the forces
    /// stationed in it with their contributors). `stale` if one of them is a country's own
    /// capability (a country ally or contributor), which changes every month.
    fn static_forces(&self, c: &Compiled, ri: usize) -> StaticForces {
        let rv = &c.scenario.rivalries[ri];
        let (a, t) = (rv.challenger, rv.target);
        let n_c = self.countries.len();
        let n_p = self.powers.len();
        let mut stale = false;
        let mut cap_of = |actor: usize| {
            if actor < n_c {
                stale = true;
                self.own_capability(actor)
            } else {
                self.power_capability(actor - n_c)
            }
        };
        // Help without a pact: patrons' forces in theatre through their tie (alignment, not
        // NATO interoperability). Powers only, so never a country's own capability; a pact
        // partner of `i` is its protector instead. `excluded` names the powers that stand on
        // the other side of this crisis.
        let tie_help = |i: usize, excluded: &dyn Fn(usize) -> bool| {
            let row = i * c.n_actors;
            let helpers = &self.helpers[row..row + self.helper_count[i] as usize];
            let mut help = 0.0;
            for &actor in helpers {
                let actor = actor as usize;
                if actor < n_c || self.pact[row + actor] > 0.0 || excluded(actor) {
                    continue;
                }
                help += self.tie_reach[i * n_p + (actor - n_c)] * self.power_capability(actor - n_c);
            }
            help
        };
        // A power cannot stand on both sides of one crisis: one of T's protectors gives A no
        // tie help (a tie to T alone excludes nobody). The challenger's pact partners are not
        // players of the crisis (7.5), so nothing excludes a power from T's tie help.
        let tie_a = tie_help(a, &|actor| self.protects(c, a, t, actor));
        let tie_t = tie_help(t, &|_| false);
        // Protectors: T's pact partners (bar the challenger) and the forces stationed in T.
        let row = t * c.n_actors;
        let helpers = &self.helpers[row..row + self.helper_count[t] as usize];
        let mut th = Theatre::default();
        // The coalition's treaty weight is its members' treaty weights weighted by their
        // capabilities (a contributor without a pact weighs 0): a pact binds the coalition as
        // far as the forces it binds, so a pact with a partner of no forces binds nobody else.
        // Summed relative to the highest weight, so that a coalition bound by one pact alone
        // has exactly that pact's weight (the sums are the same operations on the same terms).
        let b_max = helpers
            .iter()
            .map(|&actor| actor as usize)
            .filter(|&actor| actor != a)
            .map(|actor| self.pact[row + actor])
            .fold(0.0, f64::max);
        let mut bound_weighted = 0.0;
        for &actor in helpers {
            let actor = actor as usize;
            let b = self.pact[row + actor];
            if actor == a || b <= 0.0 {
                continue;
            }
            let cap = cap_of(actor);
            bound_weighted += (b / b_max) * cap;
            th.coalition += cap;
            // reach = delta x interoperability with the target (in theatre for a power, the
            // expeditionary share for a country ally).
            let in_theatre = self.reach[row + actor] * cap;
            th.reinforce += in_theatre;
            th.local += in_theatre;
            if actor >= n_c {
                let p = &self.powers[actor - n_c];
                let iota = (p.interoperability * self.countries[t].mil.interoperability).sqrt();
                th.reinforce += p.reinforcement * iota * cap;
                th.strategic = th.strategic.max(p.strategic);
                th.treaty_strategic = th.treaty_strategic.max(p.strategic);
            }
        }
        let mut tripwire = 0.0;
        let deployments = &c.scenario.deployments;
        for (d, dp) in self.deployments.iter().enumerate() {
            if !self.stationed_in(c, t, d) {
                continue;
            }
            let k = dp.interoperability * dp.capability;
            th.deployed += k;
            tripwire += dp.reliability * k;
            // Its contributors fight with everything if they commit (punishment), each
            // counted once: not if a pact or an earlier deployment already counted it (an
            // earlier one counts only if it was not skipped above).
            for (j, &who) in deployments[d].contributors.iter().enumerate() {
                let actor = self.actor_index(who);
                let counted = actor == a
                    || self.pact[row + actor] > 0.0
                    || (0..d).any(|e| self.stationed_in(c, t, e) && self.contributes(c, e, actor))
                    || deployments[d].contributors[..j].contains(&who);
                if counted {
                    continue;
                }
                let cap = cap_of(actor);
                th.coalition += cap;
                if actor >= n_c {
                    let p = &self.powers[actor - n_c];
                    let iota = (p.interoperability * self.countries[t].mil.interoperability).sqrt();
                    th.reinforce += p.reinforcement * iota * cap;
                    th.strategic = th.strategic.max(p.strategic);
                }
            }
        }
        // `coalition` holds the members' capabilities only here, before the stationed forces.
        th.bound = if th.coalition > 0.0 {
            b_max * (bound_weighted / th.coalition)
        } else {
            0.0
        };
        th.coalition += th.deployed;
        th.reinforce += th.deployed;
        th.local += th.deployed;
        StaticForces {
            tie_a,
            tie_t,
            th,
            tripwire,
            stale,
        }
    }

    /// Whether deployment `d` is a force stationed in country `t` that counts in its theatre
    /// (docs/MODEL.md 7.5): hosted by `t`, of positive capability `iota_d K_d`. A force of no
    /// capability is nobody's tripwire and makes nobody a protector: it changes nothing.
    fn stationed_in(&self, c: &Compiled, t: usize, d: usize) -> bool {
        let dp = &self.deployments[d];
        c.deployment_host[d] == t && dp.interoperability * dp.capability > 0.0
    }

    /// Whether `actor` is a contributor of deployment `d`.
    fn contributes(&self, c: &Compiled, d: usize, actor: usize) -> bool {
        c.scenario.deployments[d]
            .contributors
            .iter()
            .any(|&x| self.actor_index(x) == actor)
    }

    /// Whether `actor` is one of `t`'s protectors in a crisis on rivalry `a -> t`, the set
    /// docs/MODEL.md 7.5 aggregates into P: a pact partner of `t` other than `a` (this run's
    /// treaty weight above 0), or a contributor of a force stationed in `t` that counts
    /// ([`World::stationed_in`]).
    fn protects(&self, c: &Compiled, a: usize, t: usize, actor: usize) -> bool {
        actor != a
            && (self.pact[t * c.n_actors + actor] > 0.0
                || (0..self.deployments.len())
                    .any(|d| self.stationed_in(c, t, d) && self.contributes(c, d, actor)))
    }
}

/// The terms of a rivalry's forces that do not change from month to month
/// ([`World::static_forces`]): `th` holds the protectors' terms (its `m_a`, `own_a` and `m_t0`
/// are 0), `tie_a` and `tie_t` the patrons' help to the challenger (bar the target's
/// protectors) and to the target.
/// `stale`: some term is a country's own capability, so [`World::forces`] computes them
/// again in every crisis.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct StaticForces {
    tie_a: f64,
    tie_t: f64,
    th: Theatre,
    tripwire: f64,
    stale: bool,
}

/// The forces and commitments around a crisis before any level is removed
/// ([`World::forces`]): the theatre without its tripwire share and node-4 flag, and the
/// mandate-weighted stationed forces.
#[derive(Debug, Clone, Copy)]
struct Forces {
    th: Theatre,
    tripwire: f64,
}

impl Forces {
    /// The theatre with the defender-side levels in `removed` taken away.
    #[inline(always)]
    fn under(&self, removed: Removal) -> Theatre {
        let (mut th, mut tripwire) = (self.th, self.tripwire);
        let m_a = th.m_a;
        if removed.military {
            th.m_t0 = 0.0;
            th.reinforce = 0.0;
            th.local = 0.0;
            th.coalition = 0.0;
            th.strategic = 0.0;
            th.treaty_strategic = 0.0;
            th.deployed = 0.0;
            th.bound = 0.0;
            tripwire = 0.0;
        }
        if removed.political {
            th.bound = 0.0;
            tripwire = 0.0;
        }
        // The tripwire: the mandate-weighted stationed forces against the force that would
        // engage them (not against the host's own forces: a host that arms itself does not
        // make its protectors less engaged).
        let engaged = th.deployed + m_a;
        th.tripwire = if engaged > 0.0 {
            tripwire / engaged
        } else {
            0.0
        };
        th.protector = !removed.military && (th.bound > 0.0 || th.deployed > 0.0);
        th
    }
}
/// What the crisis game's payoffs that depend on A's probabilities of prevailing are
/// computed from ([`World::game_inputs_apart`]).
struct BalanceTerms<'m> {
    m: &'m ModelParams,
    stake: f64,
    value: f64,
    punish: f64,
    political: [f64; 2],
    trade: f64,
    unrevealed: f64,
    concede_before_power: f64,
    demands: f64,
    unguarded: f64,
    p_abandon: f64,
    bound: f64,
    /// The challenger's discount of the protector's cost of staying out at the casus
    /// foederis, `m_eff = m (1 - w B s_T)` (`protector_resolve_misjudged` `m`, lifted by
    /// `misjudgment_pact_clarity` `w`; docs/MODEL.md 7.7): `m` itself when `w` is 0.
    misjudged: f64,
}

impl BalanceTerms<'_> {
    /// Write into `g` the payoffs that depend on A's probabilities of prevailing `p` (after a
    /// threat with the protector out, in; after a fait accompli with the protector in,
    /// against the forces in theatre only) (docs/MODEL.md 7.6): every other field of `g` is
    /// left as it is.
    #[inline(always)]
    fn set_balance(&self, g: &mut GameInputs, p: [f64; 3]) {
        let (m, stake, punish, political, trade) =
            (self.m, self.stake, self.punish, self.political, self.trade);
        let war_cost = [
            m.war_cost * stake * 2.0 * (1.0 - p[0]),
            m.war_cost * stake * (2.0 * (1.0 - p[1]) + punish),
        ];
        // Fearon (1995) with the issue bounded: the target fights only if its cost of war is
        // below its chance of not losing the war, q_k = min(1, war_resistance (1 - p_k)).
        // Arrays written out, not `[0, 1].map(..)`: the same arithmetic, without temporaries
        // that LLVM may copy into the inputs (a 300-byte `memcpy` per call in some builds).
        // `resistance` is `war_resistance` after a threat, scaled by
        // `fait_accompli_resistance` against a done deed.
        let war_k = |cost: f64, p: f64, k: usize, resistance: f64| {
            let c_a = (cost + political[k] + trade) / self.value.max(1e-9);
            let q = (resistance * (1.0 - p)).min(1.0);
            let w = fearon_war_probability(c_a, m.war_uncertainty, q);
            if m.war_revelation > 0.0 {
                w * self.unrevealed
            } else {
                w
            }
        };
        let t_war = [
            m.target_war_cost * stake * 2.0 * p[0],
            m.target_war_cost * stake * 2.0 * p[1],
        ];
        // The fait accompli with P in: only the forces in theatre on the target's side
        // (`p[2]`), the committed coalition's punishment in full; with P out its balance, and
        // so every cost, is the threat's (`p[0]`).
        g.fa = if m.fait_accompli > 0.0 {
            let fa_war_cost = m.war_cost * stake * (2.0 * (1.0 - p[2]) + punish);
            let t_war_fa = m.target_war_cost * stake * 2.0 * p[2];
            // A target facing a done deed fights to reverse it with its chance of not losing
            // scaled by `fait_accompli_resistance` (1: as after a threat, the same numbers).
            let resistance = m.fait_accompli_resistance * m.war_resistance;
            game::FaitAccompli {
                p: [p[0], p[2]],
                a_force_cost: [
                    m.limited_force_cost * war_cost[0],
                    m.limited_force_cost * fa_war_cost,
                ],
                a_war_cost: [war_cost[0], fa_war_cost],
                war: [
                    war_k(war_cost[0], p[0], 0, resistance),
                    war_k(fa_war_cost, p[2], 1, resistance),
                ],
                t_force_cost: [
                    m.limited_force_cost * t_war[0],
                    m.limited_force_cost * t_war_fa,
                ],
                t_war_cost: [t_war[0], t_war_fa],
                // The ally was attacked (the casus foederis): abandoning it costs
                // `casus_foederis_cost` more per unit of treaty weight than `p_abandon`.
                p_abandon: self.p_abandon + m.casus_foederis_cost * self.bound * stake,
            }
        } else {
            // Not offered: the game does not read it (`game::solve`, `game::play`).
            game::FaitAccompli::default()
        };
        g.p = [p[0], p[1]];
        g.a_force_cost = [
            m.limited_force_cost * war_cost[0],
            m.limited_force_cost * war_cost[1],
        ];
        g.a_war_cost = war_cost;
        g.war = [
            war_k(war_cost[0], p[0], 0, m.war_resistance),
            war_k(war_cost[1], p[1], 1, m.war_resistance),
        ];
        // Goliath's curse (Sechser 2010): conceding to a challenger able to come back
        // invites further demands, so the cost of conceding rises with its chance of
        // winning with the protector out, `p[0]` (real in the real game, A's perceived
        // one in A's game). It is the balance, not the target's cohesion or reputation, so
        // the political level's removal keeps it. At `concession_power` 0 the sum is the
        // one before it, bit for bit (x + 0 = x).
        // The further demands a concession invites (docs/MODEL.md 7.6): the challenger's
        // own crisis opportunities over `concession_demands` years at the current
        // tension, each priced at the target's value of the issue. No balance in it, and
        // not the political level (the political level's removal keeps it). At 0 the sum
        // is the one before it, bit for bit (x + 0 = x).
        // The unguarded concession (docs/MODEL.md 7.6): with no protector (node 4 absent)
        // nothing checks the challenger's next demand, so conceding costs
        // `concession_unguarded` more per unit of stakes; with one, 0 is added whatever
        // the value, bit for bit (x + 0 = x).
        g.t_concede = stake
            * (self.concede_before_power
                + m.concession_power * p[0]
                + self.demands
                + self.unguarded);
        g.t_force_cost = [
            m.limited_force_cost * t_war[0],
            m.limited_force_cost * t_war[1],
        ];
        g.t_war_cost = t_war;
    }

    /// The game the challenger perceives: `g` (built by [`World::game_inputs_apart`]) with its
    /// balance `p_seen` written in ([`Self::set_balance`]) and, with `commitment_at_attack`
    /// 1 and a discount `m_eff = m (1 - w B s_T)` > 0 (`protector_resolve_misjudged` `m`,
    /// `misjudgment_pact_clarity` `w`, the treaty weight `B`, the treaty protector powers'
    /// strongest strategic deterrent `s_T`), the protector's cost of staying out at the casus
    /// foederis (after a threat and after a fait accompli) scaled by `1 - m_eff`: the
    /// challenger underestimates the protector's resolve (Jervis 1976; Lebow 1981; Levy 1983),
    /// less so a written nuclear guarantee (Fuhrmann & Sechser 2014; docs/MODEL.md 7.7).
    /// Returns whether it misjudges it (with `m_eff` 0, or the commitment decided at the
    /// display, nothing is scaled: the same bits).
    #[inline(always)]
    fn set_seen(&self, g: &mut GameInputs, p_seen: [f64; 3]) -> bool {
        self.set_balance(g, p_seen);
        let x = self.misjudged;
        if !g.commit_at_attack || x <= 0.0 {
            return false;
        }
        g.p_abandon *= 1.0 - x;
        g.fa.p_abandon *= 1.0 - x;
        true
    }

    /// The real game's inputs from the perceived game's `seen` ([`Self::set_seen`]): its
    /// balance `p_real` written in and the protector's real cost of staying out (the target
    /// and the protectors know the protector's resolve).
    #[inline(always)]
    fn set_real(&self, g: &mut GameInputs, p_real: [f64; 3]) {
        g.p_abandon = self.p_abandon;
        self.set_balance(g, p_real);
    }
}


/// The challenger's reward for a display of force, in stake units (docs/MODEL.md 7.6): a
/// hawkish audience's `reaction_display_reward` share of the value of revision `value` in a
/// reaction crisis, plus `defeat_memory` times the challenger's memory of its defeats
/// `memory` (7.9) times `value` in every crisis: a state defeated in earlier crises of the
/// rivalry turns to more coercive bargaining in the next (Leng 1983). At `defeat_memory` 0
/// the reward is the one before the term, bit for bit.
#[inline(always)]
fn display_reward(
    reaction: bool,
    reaction_reward: f64,
    defeat_memory: f64,
    memory: f64,
    value: f64,
) -> f64 {
    let reward = if reaction {
        reaction_reward * value
    } else {
        0.0
    };
    if defeat_memory > 0.0 {
        reward + defeat_memory * memory * value
    } else {
        reward
    }
}

/// The challenger's payoff of the status quo (no challenge), in stake units (docs/MODEL.md
/// 7.6): `status_quo_value`, less the audience cost of inaction `reaction_inaction_cost V` in a
/// reaction crisis (opened by the target's move or by non-state violence), where letting the
/// provocation stand costs the government at home (Snyder & Borghard 2011; Weeks 2008). A
/// crisis the challenger's own opportunity opens is not read. At `reaction_inaction_cost` 0
/// the payoff is `status_quo_value`, bit for bit.
#[inline(always)]
fn status_quo(status_quo_value: f64, reaction: bool, inaction_cost: f64, value: f64) -> f64 {
    if reaction && inaction_cost > 0.0 {
        status_quo_value - inaction_cost * value
    } else {
        status_quo_value
    }
}

impl<const C: bool> World<C> {

    /// The crisis game's payoffs for rivalry `ri` with A's probabilities of prevailing `p`
    /// (after a threat with the protector out, in; after a fait accompli with the protector
    /// in, against the forces in theatre only) (docs/MODEL.md 7.6).
    #[cfg(any(test, feature = "internals"))]
    fn game_inputs(&self, c: &Compiled, ri: usize, th: &Theatre, p: [f64; 3]) -> GameInputs {
        let (mut g, terms) = self.game_inputs_apart(c, ri, th);
        terms.set_balance(&mut g, p);
        g
    }

    /// The crisis game's payoffs for rivalry `ri` apart from those that depend on A's
    /// probabilities of prevailing (left at 0), and the terms [`BalanceTerms::set_balance`]
    /// computes those from: the game the challenger perceives and the real one differ only
    /// in them, so the real game's inputs are the perceived game's with its own balance
    /// written in (the same arithmetic, the same bits as building them whole).
    #[inline(always)]
    fn game_inputs_apart<'m>(
        &'m self,
        c: &Compiled,
        ri: usize,
        th: &Theatre,
    ) -> (GameInputs, BalanceTerms<'m>) {
        let m = &self.model;
        let rv = &c.scenario.rivalries[ri];
        let (a, t) = (rv.challenger, rv.target);
        let params = &self.rivalries[ri].params;
        let stake = params.stakes;
        let value = stake * params.dissatisfaction * (1.0 + self.countries[a].narrative);
        // A crisis that reacts to the target's move or to non-state violence: a hawkish
        // domestic audience rewards a display of force (Kertzer & Brutger 2016), in
        // proportion to how much it values the issue (docs/MODEL.md 7.6).
        let reaction = self.rivalries[ri].reactions > 0;
        // Denial and punishment (Snyder 1961) are separate terms of A's cost of war: the
        // local fight costs 2 (1 - p); a committed coalition punishes by its total
        // capability and strategic deterrent whatever the local outcome, so a pact with a
        // great power deters even where the local balance is hopeless (Fuhrmann & Sechser
        // 2014). At parity (p = 1/2) this equals model 2's first, multiplicative, form.
        let coalition_share = if th.coalition > 0.0 {
            th.coalition / (th.coalition + th.own_a)
        } else {
            0.0
        };
        let punish = m.punishment * coalition_share + m.strategic_punishment * th.strategic;
        let rm = c.removed;
        let monitoring = if rm.political { 0.0 } else { params.monitoring };
        let political = [
            m.monitoring_cost * monitoring * stake,
            (m.monitoring_cost * monitoring + m.alliance_cost * th.bound) * stake,
        ];
        // Economy in stake units: GDP shares divided by the stake's worth in GDP.
        let unsubstituted = self.countries[a].unsubstituted;
        let sanctions = m.sanctions_gdp_loss * unsubstituted / m.stake_gdp_share;
        let trade = if rm.economic {
            0.0
        } else {
            m.trade_gdp_loss * params.trade / m.stake_gdp_share
        };
        // With `war_revelation` > 0, the share `war_revelation r` of the challenger's
        // uncertainty that the rivalry's last war resolved (`r`, faded since) bargains with
        // complete information, so with no war (Fearon 1995; Slantchev 2003); 0: not read.
        let unrevealed = if m.war_revelation > 0.0 {
            1.0 - m.war_revelation * self.rivalries[ri].revealed
        } else {
            1.0
        };
        let ts = &self.countries[t];
        let p_abandon = (m.treaty_cost * th.bound + m.tripwire_cost * th.tripwire) * stake;
        // The target's price of the further demands a concession invites, per unit of stakes:
        // `concession_demands` years of the challenger's own crisis opportunities at the
        // current tension (`m` of 7.4 per year), each at the target's value of the issue.
        let rate_now =
            params.opportunity_rate * (1.0 + m.tension_sensitivity * self.rivalries[ri].tension);
        let demands = m.concession_demands * rate_now * m.target_stake;
        let unguarded = if th.protector {
            0.0
        } else {
            m.concession_unguarded
        };
        let p_war = if th.coalition > 0.0 {
            m.protector_war_cost * stake * th.own_a / (th.own_a + th.coalition)
        } else {
            m.protector_war_cost * stake
        };
        // P's cost of a limited use of force: with `limited_fight_in_theatre` `v` > 0 priced
        // by the challenger's force in the fight, `K_l = (1 - v) K_A + v M_A` (at 1 the force
        // it commits in theatre, `M_A`), since a limited war is fought with limited means in
        // a limited theatre (Osgood 1957; Schelling 1966); war keeps the whole capability
        // (docs/MODEL.md 7.6). At `v` 0 (or without a coalition) it is `p_war`'s share, bit
        // for bit.
        let p_force = if m.limited_fight_in_theatre > 0.0 && th.coalition > 0.0 {
            let v = m.limited_fight_in_theatre;
            let engaged = (1.0 - v) * th.own_a + v * th.m_a;
            m.limited_force_cost
                * (m.protector_war_cost * stake * engaged / (engaged + th.coalition))
        } else {
            m.limited_force_cost * p_war
        };
        // The target's cost of conceding before its balance term (below, in
        // `set_balance`): the sum's terms in the order of its formula, so the same bits.
        let concede_before_power = if rm.political {
            m.target_stake
        } else {
            m.target_stake
                + m.concession_cohesion * ts.cohesion
                + m.concession_reputation * ts.reputation
        };
        let g = GameInputs {
            beta_a: m.rationality,
            beta_t: m.rationality_target,
            beta_p: m.rationality_protector,
            status_quo: status_quo(
                m.status_quo_value,
                reaction,
                m.reaction_inaction_cost,
                value,
            ),
            value,
            audience: m.audience_cost * stake,
            display_cost: m.display_cost_factor * m.war_cost * stake,
            display_reward: display_reward(
                reaction,
                m.reaction_display_reward,
                m.defeat_memory,
                self.rivalries[ri].memory,
                value,
            ),
            sanctions,
            sanction_prob: if rm.economic {
                0.0
            } else {
                params.sanctions_credibility
            },
            sanction_prob_display: if rm.economic {
                0.0
            } else {
                m.display_sanctions_share * params.sanctions_credibility
            },
            a_political: political,
            trade,
            trade_dispute: m.dispute_trade_share * trade,
            // The same horizon's further demands priced at T's own loss of resisting (solved
            // at node 2, `game::solve`).
            t_demands: m.concession_demands_loss * rate_now,
            t_value: stake * m.target_stake,
            protector: th.protector,
            p_commit_cost: m.commit_cost * stake,
            p_abandon,
            p_force_cost: p_force,
            p_war_cost: p_war,
            p_value: m.protect_value * th.bound.max(th.tripwire) * stake,
            fa_weight: m.fait_accompli,
            // The cost of force a display may reveal (docs/MODEL.md 7.7): the challenger's
            // own, so no level's removal touches it.
            shock_prob: m.mobilisation_shock,
            shock_cost: m.mobilisation_shock_cost * stake,
            // Alliance restraint (docs/MODEL.md 7.7): P's third action at node 4, pressing its
            // protégé to concede at the display; its cost is P's own, so no level's removal
            // touches it (the military level's removes the protector, and node 4 with it).
            restraint_weight: m.protector_restraint,
            p_restrain_cost: m.restraint_cost * stake,
            // Extended immediate deterrence (docs/MODEL.md 7.7): P decides at the casus
            // foederis, after A's use of force.
            commit_at_attack: m.commitment_at_attack != 0.0,
            // The protectors' second move, at the casus foederis (docs/MODEL.md 7.7): the
            // reneging cost is P's own, so no level's removal touches it.
            moves_twice: m.protector_moves_twice != 0.0,
            p_renege: m.reneging_cost * stake,
            // The tripwire abandoned at the display (docs/MODEL.md 7.7): the stationed part of
            // `p_abandon`, paid after force by a protector that stayed out at node 4 whatever
            // it does at node 6; read only when P moves twice (0 otherwise, so not read).
            p_tripwire_display: if m.protector_moves_twice != 0.0 && m.tripwire_at_display != 0.0
            {
                m.tripwire_cost * th.tripwire * stake
            } else {
                0.0
            },
            // The protectors' private resolve (docs/MODEL.md 7.7): the spread of their cost of
            // staying out at the casus foederis, in stake units like `p_abandon`; read only
            // with the commitment at the attack (0 otherwise, so not read).
            resolve_spread: if m.commitment_at_attack != 0.0 {
                m.resolve_spread * stake
            } else {
                0.0
            },
            // Written from the crisis's signal (`decide_in`).
            resolve_belief: 0.5,
            // Written by `set_balance`.
            p: [0.0; 2],
            a_force_cost: [0.0; 2],
            a_war_cost: [0.0; 2],
            war: [0.0; 2],
            t_concede: 0.0,
            t_force_cost: [0.0; 2],
            t_war_cost: [0.0; 2],
            fa: game::FaitAccompli::default(),
        };
        let terms = BalanceTerms {
            m,
            stake,
            value,
            punish,
            political,
            trade,
            unrevealed,
            concede_before_power,
            demands,
            unguarded,
            p_abandon,
            bound: th.bound,
            // The misjudgment lifted by a formal pact with a nuclear power (docs/MODEL.md
            // 7.7; Fuhrmann & Sechser 2014): read only through `set_seen`, with the
            // commitment at the attack. At `w` 0 the discount is `m` itself, bit for bit.
            misjudged: if m.misjudgment_pact_clarity > 0.0 {
                m.protector_resolve_misjudged
                    * (1.0 - m.misjudgment_pact_clarity * th.bound * th.treaty_strategic)
            } else {
                m.protector_resolve_misjudged
            },
        };
        (g, terms)
    }

    /// A's probabilities of prevailing in the crisis on rivalry `ri` with the protectors out
    /// and in after a threat, and in against a fait accompli (the forces in theatre only),
    /// real and as A perceives them (`[p_real, p_seen]`), in theatre `th` of `c`.
    /// They depend on `c` only through the military level (in `th`) and the political one
    /// (monitoring narrows the misperception).
    #[inline(always)]
    fn balance_probabilities(
        &self,
        c: &Compiled,
        ri: usize,
        th: &Theatre,
        draws: &CrisisDraws,
    ) -> [[f64; 3]; 2] {
        let m = self.model;
        let p1 = contest_success(th.m_a, th.m_t0 + th.reinforce, m.decisiveness);
        // Against a fait accompli only the forces in theatre: the same as `p1` when nothing
        // comes from afar, and not read when the challenger has no fait accompli.
        let same = m.fait_accompli <= 0.0 || th.local == th.reinforce;
        let p_real = [
            contest_success(th.m_a, th.m_t0, m.decisiveness),
            p1,
            if same {
                p1
            } else {
                contest_success(th.m_a, th.m_t0 + th.local, m.decisiveness)
            },
        ];
        // Misperception of the balance, shrinking with monitoring: one normal shifts the
        // log-odds of all of A's probabilities.
        let noise = self.perception_noise(c, ri);
        let p_seen = if noise > 0.0 {
            let z = noise * draws.z;
            let seen = |p: f64| {
                let pc = p.clamp(1e-12, 1.0 - 1e-12);
                logistic(crate::stats::exp::ln(pc / (1.0 - pc)) + z)
            };
            let s1 = seen(p_real[1]);
            [seen(p_real[0]), s1, if same { s1 } else { seen(p_real[2]) }]
        } else {
            p_real
        };
        [p_real, p_seen]
    }

    /// The crisis game on rivalry `ri` in the world's current state under `c` (module
    /// [`game`]), in its theatre `th` under `c` with its balance probabilities
    /// ([`World::balance_probabilities`]): the challenger decides in the game it perceives,
    /// the target and protectors in the real one, on the crisis's random numbers `draws`.
    /// Changes nothing.
    #[inline(always)]
    fn decide_in(
        &self,
        c: &Compiled,
        ri: usize,
        draws: &CrisisDraws,
        th: &Theatre,
        [p_real, p_seen]: [[f64; 3]; 2],
    ) -> Decision {
        // The real game decides only what follows a challenge or a fait accompli
        // (`game::play` reads it, and its inputs, only then): built and solved only then,
        // unless it is the game the challenger perceives. Without either `play` is given the
        // perceived game in its
        // place (it reads neither), so no game is built or zeroed for nothing.
        // The real game's inputs are the perceived game's with the real balance written in
        // (`BalanceTerms::set_balance`): the other payoffs are computed once.
        // With the protector's resolve misjudged the two games differ in P's cost of staying
        // out too (`BalanceTerms::set_seen`), whatever the balance.
        let (mut seen_inputs, terms) = self.game_inputs_apart(c, ri, th);
        // The challenger's belief that the protectors are resolute, from the signal it
        // observed (`q` after a resolute signal, `1 - q` after an irresolute one); the real
        // game is solved with the same signal (docs/MODEL.md 7.7). Read only with the resolve
        // private (`game::GameInputs::private_resolve`).
        seen_inputs.resolve_belief = game::resolve_belief(self.model.resolve_signal, draws.signal);
        let misjudged = terms.set_seen(&mut seen_inputs, p_seen);
        #[cfg(test)]
        tests::played(&seen_inputs);
        let seen = game::solve(&seen_inputs);
        let play = if (p_seen == p_real && !misjudged) || !seen.acts(draws.u[0]) {
            game::play(&seen, &seen, &seen_inputs, &draws.u, draws.fight)
        } else {
            let mut real_inputs = seen_inputs;
            terms.set_real(&mut real_inputs, p_real);
            #[cfg(test)]
            tests::played(&real_inputs);
            game::play(
                &seen,
                &game::solve_responses(&real_inputs),
                &real_inputs,
                &draws.u,
                draws.fight,
            )
        };
        Decision {
            play,
            a_challenge: seen.a_challenge,
            bound: th.bound,
        }
    }

    /// Apply the decided crisis `d` on rivalry `ri` to the world and the rivalry's record.
    fn play_crisis(
        &mut self,
        c: &Compiled,
        ri: usize,
        step: u32,
        d: &Decision,
        rec: &mut RivalryRecord,
    ) {
        let m = self.model;
        let rv = &c.scenario.rivalries[ri];
        let (a, t) = (rv.challenger, rv.target);
        let pl = d.play;
        rec.crises += 1;
        rec.reach(1);
        // Diagnostic: composition of the challenger's expected cost of challenging.
        rec.level_costs.military += d.a_challenge.military;
        rec.level_costs.political += d.a_challenge.political;
        rec.level_costs.economic += d.a_challenge.economic;
        rec.decisions += 1;

        let st = &mut self.rivalries[ri];
        match st.last_resistance {
            1 => {
                rec.after_concession.0 += 1;
                rec.after_concession.1 += u32::from(pl.disputed());
            }
            2 => {
                rec.after_firm.0 += 1;
                rec.after_firm.1 += u32::from(pl.disputed());
            }
            _ => {}
        }
        // Only the next opportunity after a crisis counts (set again below if challenged).
        st.last_resistance = 0;
        if pl.fait_accompli {
            // A use of force with no prior threat (MID 4, or 5 with war): one dispute; the
            // protectors decide at once; no concession, no standing firm, no reputation change.
            rec.disputes += 1;
            rec.faits_accomplis += 1;
            if m.dispute_recency > 0.0 {
                st.recency = 1.0;
            }
            if pl.protector_moved && d.bound > 0.0 {
                rec.commitments_invoked += 1;
                rec.commitments_honoured += u32::from(pl.committed);
                // The ally was attacked: the casus foederis arose.
                rec.casus_foederis += 1;
                rec.casus_foederis_honoured += u32::from(pl.committed);
            }
            rec.fait_accompli_wars += u32::from(pl.war);
            rec.fait_accompli_sanctions += u32::from(pl.sanctioned);
            self.use_force(c, ri, step, &pl, rec);
            return;
        }
        if !pl.challenged {
            rec.outcomes[CrisisOutcome::GeneralDeterrence as usize] += 1;
            return;
        }
        // Level 2: threat.
        rec.disputes += 1;
        if m.dispute_recency > 0.0 {
            st.recency = 1.0;
        }
        rec.reach(2);
        st.tension = (st.tension + m.tension_jump_threat).min(1.0);
        if !pl.resisted {
            // The target concedes at the threat.
            self.conceded(ri, t, rec);
            return;
        }
        st.last_resistance = 2;
        if !pl.displayed {
            // A backs down at the threat: a defeat it remembers (docs/MODEL.md 7.9).
            st.memory += 1.0;
            self.stood_firm(t, rec);
            return;
        }
        // Level 3: display. The West may sanction; the protectors decide.
        rec.reach(3);
        st.tension = (st.tension + m.tension_jump_display).min(1.0);
        let unsubstituted = self.countries[a].unsubstituted;
        if pl.sanctioned_display {
            rec.sanctions_imposed += 1;
            rec.sanctions_at_display += 1;
            let sa = &mut self.countries[a];
            let loss = m.sanctions_gdp_loss * unsubstituted * sa.gdp;
            sa.gdp -= loss;
            rec.gdp_lost += loss * c.unit;
        }
        if pl.protector_moved && d.bound > 0.0 {
            rec.commitments_invoked += 1;
            rec.commitments_honoured += u32::from(pl.committed);
        }
        if pl.restrained {
            // Alliance restraint (docs/MODEL.md 7.9): the protector pressed the target to
            // concede at the display. A concession (coercion success, highest MID level 3):
            // memory "conceded", reputation lost, A's memory of defeats reset by its share;
            // the commitment invoked above was not honoured; a sanctions episode at the
            // display did not succeed (A did not back down).
            self.conceded(ri, t, rec);
            return;
        }
        if !pl.forced {
            if pl.sanctioned_display {
                rec.sanctions_succeeded += 1;
            }
            // A backs down after its display: a defeat it remembers (docs/MODEL.md 7.9).
            self.rivalries[ri].memory += 1.0;
            self.stood_firm(t, rec);
            return;
        }
        if pl.protector_moved && d.bound > 0.0 {
            // Force after the display against a treaty-protected target: the casus foederis
            // arose, honoured if the protector's forces are in the fight (it committed at node
            // 4, at the attack, or, moving twice, fought at node 6).
            rec.casus_foederis += 1;
            rec.casus_foederis_honoured += u32::from(pl.fought_at_attack());
        }
        self.use_force(c, ri, step, &pl, rec);
    }

    /// The use of force of play `pl` on rivalry `ri` (after a display or by a fait
    /// accompli): level 4, tension, sanctions not yet imposed, the GDP losses, and war or
    /// limited force (docs/MODEL.md 7.9).
    fn use_force(
        &mut self,
        c: &Compiled,
        ri: usize,
        step: u32,
        pl: &game::Play,
        rec: &mut RivalryRecord,
    ) {
        let m = self.model;
        let rv = &c.scenario.rivalries[ri];
        let (a, t) = (rv.challenger, rv.target);
        let unsubstituted = self.countries[a].unsubstituted;
        rec.reach(4);
        if rec.first_force_step.is_none() {
            rec.first_force_step = Some(step);
        }
        let st = &mut self.rivalries[ri];
        st.tension = (st.tension + m.tension_jump_force).min(1.0);
        if pl.sanctioned && !pl.sanctioned_display {
            rec.sanctions_imposed += 1;
            let sa = &mut self.countries[a];
            let loss = m.sanctions_gdp_loss * unsubstituted * sa.gdp;
            sa.gdp -= loss;
            rec.gdp_lost += loss * c.unit;
        }
        for who in [a, t] {
            let s = &mut self.countries[who];
            let loss = m.force_gdp_loss * s.gdp;
            s.gdp -= loss;
            rec.gdp_lost += loss * c.unit;
        }
        if pl.war {
            rec.reach(5);
            rec.outcomes[CrisisOutcome::FailureWar as usize] += 1;
            self.rivalries[ri].at_war = true;
            // The war reveals the target's resolve (docs/MODEL.md 7.6); read only when
            // `war_revelation` > 0.
            if m.war_revelation > 0.0 {
                self.rivalries[ri].revealed = 1.0;
            }
            for (who, share) in [(a, m.war_gdp_loss_challenger), (t, m.war_gdp_loss_target)] {
                let s = &mut self.countries[who];
                let loss = share * s.gdp;
                s.gdp -= loss;
                rec.gdp_lost += loss * c.unit;
            }
        } else {
            rec.outcomes[CrisisOutcome::FailureLimited as usize] += 1;
        }
    }

    /// The target conceded (at the threat, or at the display when its protector restrained
    /// it): coercion succeeds, the rivalry's memory is "conceded", a success wipes
    /// `defeat_memory_reset` of the challenger's memory of its defeats (read only when the
    /// memory is read) and the target's reputation falls by `reputation_loss`
    /// (docs/MODEL.md 7.9).
    fn conceded(&mut self, ri: usize, target: usize, rec: &mut RivalryRecord) {
        let m = self.model;
        let st = &mut self.rivalries[ri];
        st.last_resistance = 1;
        if m.defeat_memory > 0.0 && m.defeat_memory_reset > 0.0 {
            st.memory *= 1.0 - m.defeat_memory_reset;
        }
        rec.outcomes[CrisisOutcome::CoercionSuccess as usize] += 1;
        let ts = &mut self.countries[target];
        ts.reputation = (ts.reputation - m.reputation_loss).max(0.0);
    }

    fn stood_firm(&mut self, target: usize, rec: &mut RivalryRecord) {
        rec.outcomes[CrisisOutcome::ImmediateDeterrence as usize] += 1;
        let ts = &mut self.countries[target];
        ts.reputation = (ts.reputation + self.model.reputation_gain).min(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    thread_local! {
        /// The games the crises of this thread solve, when a test collects them
        /// ([`games_played`]).
        static PLAYED: std::cell::RefCell<Option<Vec<game::GameInputs>>> =
            const { std::cell::RefCell::new(None) };
    }

    /// Called by every crisis with each game it solves (the challenger's perceived game and,
    /// when they differ, the real one the target and protectors decide in).
    pub(super) fn played(g: &game::GameInputs) {
        PLAYED.with(|p| {
            if let Some(v) = p.borrow_mut().as_mut() {
                v.push(*g);
            }
        });
    }

    /// The games solved by the crises of runs `0..runs` of `c` under `seed`, simulated on
    /// this thread by the engine's own run ([`simulate_run`]).
    fn games_played(c: &Compiled, seed: u64, runs: u64) -> Vec<game::GameInputs> {
        PLAYED.with(|p| *p.borrow_mut() = Some(Vec::new()));
        let (mut w, mut r) = (c.new_world(), RunRecord::new(c));
        for i in 0..runs {
            simulate_run(c, &mut w, &mut r, &mut crate::engine::run_rng(seed, i));
        }
        PLAYED.with(|p| p.borrow_mut().take()).expect("collected")
    }

    /// Strategic consistency on the engine's own crises (docs/VALIDATION.md group 6): the
    /// games the crises of the baseline and the four historical cases solve (their own
    /// seeds, 200 runs each) are taken eight per scenario, evenly spread over the order they
    /// were played in; at every node of each, the mover's continuation value equals the mean
    /// realised payoff of continuing by the equilibrium (the checks of
    /// `game::tests::consistent`, 200,000 plays each, 4.5 standard errors). The hand-made
    /// games of `game::tests` check the solver; these check it on the inputs the engine
    /// builds (the theatre's forces, the economy's conversion, reputations and misperception).
    #[test]
    fn the_engines_crises_are_strategically_consistent() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let files = [
            "western-balkans-2024.toml",
            "history/serbia-kosovo-2008.toml",
            "history/russia-georgia-2004.toml",
            "history/russia-ukraine-2013.toml",
            "history/russia-baltic-2014.toml",
        ];
        let (mut checked, mut nodes) = (0u64, 0usize);
        for (f, file) in files.iter().enumerate() {
            let s = crate::scenario::load_file(&root.join(file)).unwrap();
            let c = Compiled::new(&s);
            let games = games_played(&c, s.meta.seed, 200);
            assert!(games.len() >= 8, "{file}: {} games", games.len());
            let stride = games.len() / 8;
            for (k, g) in games.iter().step_by(stride).take(8).enumerate() {
                let made = game::tests::consistent(g, 1000 + 10 * f as u64 + k as u64);
                eprintln!("{file}: game {} of {}: {made} nodes checked", k * stride, games.len());
                nodes += made;
                checked += 1;
            }
        }
        assert_eq!(checked, 40);
        // Not vacuous: most games reach their display and the protectors' decisions.
        eprintln!("{nodes} nodes checked in {checked} games");
        assert!(nodes >= 40 * 6, "{nodes} nodes checked");
    }

    /// Every scenario file of the repository (scenarios/ and tests/) that loads.
    fn repository_scenarios() -> Vec<(String, crate::scenario::Scenario)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "toml") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        walk(&root.join("scenarios"), &mut files);
        walk(&root.join("tests"), &mut files);
        files.sort();
        files
            .into_iter()
            .filter_map(|f| {
                let s = crate::scenario::load_file(&f).ok()?;
                Some((f.display().to_string(), s))
            })
            .collect()
    }

    /// The forces kept in a rivalry's state ([`StaticForces`]) are, after the run's start
    /// and after every month (policies, ramps, joins, the reliability draw), bit for bit
    /// what [`World::static_forces`] computes from the world at that moment; and both the
    /// kept and the recomputed path (a country among the protectors) are exercised.
    #[test]
    fn kept_forces_are_the_forces_of_the_current_world() {
        let all = repository_scenarios();
        assert!(all.len() >= 10, "found {} scenarios", all.len());
        let (mut kept, mut recomputed) = (0u64, 0u64);
        for (name, s) in &all {
            for c in [Compiled::new(s), Compiled::unpruned(s)] {
                let mut w = c.new_world();
                let mut rec = RunRecord::new(&c);
                for run in 0..12u64 {
                    let mut rng = ChaCha8Rng::seed_from_u64(run);
                    w.start_run(&c, &mut rec, run_key(&mut rng));
                    let mut check = |w: &World, when: &str| {
                        for ri in 0..w.rivalries.len() {
                            let f = w.rivalries[ri].forces;
                            if f.stale {
                                recomputed += 1;
                            } else {
                                kept += 1;
                                assert_eq!(f, w.static_forces(&c, ri), "{name}: {when}");
                            }
                        }
                    };
                    check(&w, "start");
                    for step in 0..c.steps {
                        w.step(&c, step, &mut rec, None, Tape::Off);
                        end_of_step(&c, &w, &mut rec, step);
                        check(&w, &format!("run {run} month {step}"));
                    }
                }
            }
        }
        assert!(kept > 0 && recomputed > 0, "kept {kept}, recomputed {recomputed}");
    }

    /// A plain run that draws its country shocks ahead ([`World::draw_shocks_ahead`]), into
    /// the world's own table or into the tape it records for its variants, is the run that
    /// draws them month by month, bit for bit: its record, its countries' final state, every
    /// stream's final state and the tape recorded, for 12 runs of every scenario file of the
    /// repository, pruned and unpruned (the files with policies draw month by month both
    /// ways; at least one file takes each path).
    #[test]
    fn shocks_drawn_ahead_are_the_months_own() {
        let all = repository_scenarios();
        assert!(all.len() >= 10, "found {} scenarios", all.len());
        let (mut ahead, mut monthly) = (0u64, 0u64);
        for (name, s) in &all {
            for c in [Compiled::new(s), Compiled::unpruned(s)] {
                let (mut w1, mut w2) = (c.new_world(), c.new_world());
                let (mut r1, mut r2) = (RunRecord::new(&c), RunRecord::new(&c));
                let (mut t1, mut t2) = (Shocks::new(&c), Shocks::new(&c));
                for run in 0..12u64 {
                    let what = format!("{name}, run {run}");
                    let same = |w1: &World, w2: &World, r1: &RunRecord, r2: &RunRecord, how| {
                        assert_eq!(format!("{r1:?}"), format!("{r2:?}"), "{what} {how}: record");
                        assert_eq!(
                            format!("{:?}", w1.countries),
                            format!("{:?}", w2.countries),
                            "{what} {how}: countries"
                        );
                        assert_eq!(w1.streams, w2.streams, "{what} {how}: streams");
                    };
                    simulate_run(&c, &mut w1, &mut r1, &mut ChaCha8Rng::seed_from_u64(run));
                    if w1.ahead {
                        ahead += 1;
                    } else {
                        monthly += 1;
                    }
                    w2.start_run(&c, &mut r2, run_key(&mut ChaCha8Rng::seed_from_u64(run)));
                    run_steps::<false, false>(&c, &mut w2, &mut r2, 0, None, Tape::Off);
                    assert!(!w2.ahead);
                    same(&w1, &w2, &r1, &r2, "own table");
                    // Recording a tape: ahead (no policies) into the tape, or month by month.
                    let mut master = ChaCha8Rng::seed_from_u64(run);
                    simulate_run_leading(&c, &mut w1, &mut r1, &mut master, None, Tape::Record(&mut t1));
                    assert!(!w1.ahead);
                    w2.start_run(&c, &mut r2, run_key(&mut ChaCha8Rng::seed_from_u64(run)));
                    run_steps::<false, false>(&c, &mut w2, &mut r2, 0, None, Tape::Record(&mut t2));
                    same(&w1, &w2, &r1, &r2, "tape");
                    assert!(t1.0 == t2.0, "{what}: tape");
                }
            }
        }
        assert!(ahead > 0 && monthly > 0, "ahead {ahead}, monthly {monthly}");
    }

    #[test]
    fn world_reset_restores_initial_state() {
        let s = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let c = Compiled::new(&s);
        let mut w = c.new_world();
        let mut rec = RunRecord::new(&c);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        simulate_run(&c, &mut w, &mut rec, &mut rng);
        let first = rec.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        simulate_run(&c, &mut w, &mut rec, &mut rng);
        assert_eq!(first, rec, "a run depends only on its RNG stream");
    }

    /// A policy setting a mean-reverting quantity (cohesion) moves its baseline to the new
    /// value and its current value by the same change (docs/MODEL.md 7.10, the baseline-shift
    /// rule): current 0.4, baseline b, new baseline 0.3 gives current 0.4 + 0.3 - b; clipped
    /// to [0, 1].
    #[test]
    fn setting_cohesion_moves_its_current_value_by_the_change_of_its_baseline() {
        let s = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let c = Compiled::new(&s);
        let mut w = c.new_world();
        let field = PoliticalParams::FIELDS
            .iter()
            .position(|f| f.key == "cohesion")
            .unwrap();
        let r = ParamRef::Political { country: 0, field };
        let b = w.countries[0].pol.cohesion;
        assert!((b - 0.3).abs() > 0.05 && b < 0.9, "baseline {b}");
        w.countries[0].cohesion = 0.4;
        w.set(&c, r, 0.3);
        assert_eq!(w.countries[0].pol.cohesion, 0.3);
        assert!((w.countries[0].cohesion - (0.4 + 0.3 - b)).abs() < 1e-12);
        // Clipped: a rise of the baseline by more than the room above the current value.
        w.countries[0].cohesion = 0.95;
        w.set(&c, r, 0.5);
        assert_eq!(w.countries[0].cohesion, 1.0);
    }

    /// Cohesion stays in [0, 1] (docs/MODEL.md 7.3: the Ornstein-Uhlenbeck step is clipped):
    /// a target at full cohesion, its baseline, with a volatility of 0.5 (a monthly shock sd
    /// of 0.14) is pushed above 1 in about half its months and held at 1.
    #[test]
    fn cohesion_is_clipped_to_the_unit_interval() {
        let mut s =
            crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let t = s.rivalries[0].target;
        s.countries[t].political.cohesion = 1.0;
        s.countries[t].political.cohesion_volatility = 0.5;
        let c = Compiled::new(&s);
        let mut w = c.new_world();
        let mut r = RunRecord::new(&c);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        bench_hooks::start_run(&c, &mut w, &mut r, &mut rng);
        let mut at_one = 0;
        for step in 0..48 {
            bench_hooks::step(&c, &mut w, &mut r, step);
            let x = w.countries[t].cohesion;
            assert!((0.0..=1.0).contains(&x), "month {step}: cohesion {x}");
            at_one += usize::from(x == 1.0);
        }
        assert!(at_one > 0);
    }

    /// `s` with the parameter at `path` set to `v` (checked as `--set` checks it).
    fn with_value(s: &crate::scenario::Scenario, path: &str, v: f64) -> crate::scenario::Scenario {
        let mut s = s.clone();
        let r = crate::scenario::ParamRef::resolve(path, &s).unwrap();
        s.set(r, v).unwrap();
        s
    }

    /// The template scenario with its rivalry's dissatisfaction at 0.7 (the template's value
    /// before it became a calmer first example, at 0.2, where the game's P(war given force) is
    /// 0): a challenger whose force risks war, which the tests of the war terms need.
    fn template_at_risk_of_war() -> crate::scenario::Scenario {
        let file = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let path = format!("rivalry.{}.dissatisfaction", file.rivalries[0].id);
        with_value(&file, &path, 0.7)
    }

    /// The template scenario with its rivalry's stakes S = 1.7 and dissatisfaction D = 0.65
    /// (values no default shares, so a term that drops or swaps a factor fails), and the
    /// challenger's value of revision `V = S D (1 + n_A)` computed from them (docs/MODEL.md 7.6).
    fn valued_template() -> (crate::scenario::Scenario, f64) {
        let file = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let id = file.rivalries[0].id.clone();
        let (stakes, dissatisfaction) = (1.7, 0.65);
        let base = with_value(&file, &format!("rivalry.{id}.stakes"), stakes);
        let base = with_value(&base, &format!("rivalry.{id}.dissatisfaction"), dissatisfaction);
        let narrative = base.countries[base.rivalries[0].challenger]
            .political
            .narrative;
        (base, stakes * dissatisfaction * (1.0 + narrative))
    }

    /// A term of the target's cost of conceding (docs/MODEL.md 7.6) at one value of its
    /// parameter (`what`, for the messages), from the game without it (`g0`, `s0`) to the game
    /// with it (`g`, `sol`): `t_concede` moves by exactly `added` and no other input moves;
    /// the target's resist probability rises above `last` (the previous, smaller value's; set
    /// to this one's), its log-odds by exactly `beta_t` times `added` (node 2 is
    /// `logistic(beta_T (d DT + tk))` and nothing after node 2 depends on `tk`), and what
    /// follows the target's choice is untouched.
    fn assert_concession_term(
        what: &str,
        (g0, s0): (&GameInputs, &game::Solution),
        (g, sol): (&GameInputs, &game::Solution),
        added: f64,
        beta_t: f64,
        last: &mut f64,
    ) {
        let logit = |r: f64| (r / (1.0 - r)).ln();
        assert!(
            (g.t_concede - g0.t_concede - added).abs() < 1e-12,
            "{what}: t_concede {} -> {}, added {added}",
            g0.t_concede,
            g.t_concede
        );
        // Everything but the target's cost of conceding is unchanged.
        assert_eq!(
            GameInputs {
                t_concede: g0.t_concede,
                ..*g
            },
            *g0,
            "{what}"
        );
        assert!(sol.resist > *last, "{what}: resistance did not rise");
        *last = sol.resist;
        let moved = logit(sol.resist) - logit(s0.resist);
        assert!(
            (moved - beta_t * added).abs() < 1e-9,
            "{what}: logit moved {moved}, beta_T x added {}",
            beta_t * added
        );
        assert_eq!(sol.display, s0.display, "{what}");
        assert_eq!(sol.t_resist, s0.t_resist, "{what}");
    }

    /// Goliath's curse (Sechser 2010; docs/MODEL.md 7.6): `model.concession_power` adds
    /// `stakes concession_power p_0` to the target's cost of conceding, with `p_0` the
    /// challenger's probability of winning with the protector out of the game being built (the
    /// real one in the real game, the perceived one in A's), as [`assert_concession_term`]
    /// checks a term; at 0 the inputs are those of a scenario that never names the parameter,
    /// bit for bit.
    #[test]
    fn concession_power_raises_resistance_by_the_logit_of_its_term() {
        let file = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        // Stakes 1.7 so that a formula without them fails; rationality_target as in the file.
        let base = with_value(
            &file,
            &format!("rivalry.{}.stakes", file.rivalries[0].id),
            1.7,
        );
        let stakes = 1.7;
        let beta_t = base.model.rationality_target;
        assert!(beta_t > 0.0);
        let inputs = |s: &crate::scenario::Scenario, p: [f64; 3]| {
            let c = Compiled::new(s);
            let w = c.new_world();
            let th = w.theatre(&c, 0);
            let g = w.game_inputs(&c, 0, &th, p);
            (g, game::solve(&g))
        };
        // Distinct probabilities by P's move and path, so a term read from the wrong one
        // (p_1, p^F_1) fails; one game as the real one (T's view), one as A's perceived one.
        for p in [[0.9, 0.35, 0.2], [0.3, 0.1, 0.05]] {
            let (g0, s0) = inputs(&base, p);
            let (gz, _) = inputs(&with_value(&base, "model.concession_power", 0.0), p);
            assert_eq!(g0, gz, "concession_power 0 changes the inputs");
            let mut last = s0.resist;
            for cp in [0.25, 0.5, 1.0, 2.0] {
                let (g, sol) = inputs(&with_value(&base, "model.concession_power", cp), p);
                assert_concession_term(
                    &format!("p {p:?}, concession_power {cp}"),
                    (&g0, &s0),
                    (&g, &sol),
                    stakes * cp * p[0],
                    beta_t,
                    &mut last,
                );
            }
        }
    }

    /// The further demands a concession invites (docs/MODEL.md 7.6): `model.concession_demands`
    /// adds `stakes concession_demands opportunity_rate (1 + tension_sensitivity tension)
    /// target_stake` to the target's cost of conceding, the same whatever the balance (so a
    /// stronger target does not concede more cheaply, unlike Goliath's curse); the target's
    /// log-odds of resisting move by exactly `beta_T` times it and nothing after node 2 moves;
    /// at 0 the inputs are those of a scenario that never names the parameter, bit for bit.
    #[test]
    fn concession_demands_prices_the_challengers_opportunities_whatever_the_balance() {
        let file = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let id = file.rivalries[0].id.clone();
        // Values no default shares, so a formula that drops or swaps a factor fails.
        let (stakes, rate, tension, kappa, target_stake) = (1.7, 0.7, 0.4, 1.3, 0.45);
        let mut base = with_value(&file, &format!("rivalry.{id}.stakes"), stakes);
        base = with_value(&base, &format!("rivalry.{id}.opportunity_rate"), rate);
        base = with_value(&base, &format!("rivalry.{id}.tension"), tension);
        base = with_value(&base, "model.tension_sensitivity", kappa);
        base = with_value(&base, "model.target_stake", target_stake);
        let beta_t = base.model.rationality_target;
        assert!(beta_t > 0.0);
        let inputs = |s: &crate::scenario::Scenario, p: [f64; 3]| {
            let c = Compiled::new(s);
            let w = c.new_world();
            assert_eq!(w.tension(0), tension);
            let th = w.theatre(&c, 0);
            let g = w.game_inputs(&c, 0, &th, p);
            (g, game::solve(&g))
        };
        for p in [[0.9, 0.35, 0.2], [0.3, 0.1, 0.05], [0.999, 0.999, 0.999]] {
            let (g0, s0) = inputs(&base, p);
            let (gz, _) = inputs(&with_value(&base, "model.concession_demands", 0.0), p);
            assert_eq!(g0, gz, "concession_demands 0 changes the inputs");
            let mut last = s0.resist;
            for cd in [0.5, 1.0, 2.0, 4.0] {
                let (g, sol) = inputs(&with_value(&base, "model.concession_demands", cd), p);
                assert_concession_term(
                    &format!("p {p:?}, concession_demands {cd}"),
                    (&g0, &s0),
                    (&g, &sol),
                    stakes * cd * rate * (1.0 + kappa * tension) * target_stake,
                    beta_t,
                    &mut last,
                );
            }
        }
    }

    /// The challenger's memory of its defeats (docs/MODEL.md 7.6, 7.9): `model.defeat_memory`
    /// adds `defeat_memory h V` to A's reward for a display in every crisis (on top of a
    /// reaction crisis's `reaction_display_reward V`), with `V = S D (1 + n_A)` computed here
    /// from the scenario's own values, so A's log-odds of displaying move by exactly `beta_A`
    /// times it and nothing else of the inputs moves; at 0 the inputs are those of a world
    /// with no memory, bit for bit, whatever the memory.
    #[test]
    fn a_remembered_defeat_adds_its_share_of_the_value_to_the_display() {
        let (base, value) = valued_template();
        let beta_a = base.model.rationality;
        let reward = base.model.reaction_display_reward;
        assert!(beta_a > 0.0 && reward > 0.0);
        let inputs = |s: &crate::scenario::Scenario, memory: f64, reaction: bool| {
            let c = Compiled::new(s);
            let mut w = c.new_world();
            w.rivalries[0].memory = memory;
            w.rivalries[0].reactions = u32::from(reaction);
            let th = w.theatre(&c, 0);
            let g = w.game_inputs(&c, 0, &th, [0.6, 0.3, 0.2]);
            (g, game::solve(&g))
        };
        let logit = |r: f64| (r / (1.0 - r)).ln();
        for reaction in [false, true] {
            let (g0, s0) = inputs(&base, 0.0, reaction);
            let before = if reaction { reward * value } else { 0.0 };
            assert!((g0.display_reward - before).abs() < 1e-12);
            // Off (the default): the memory is not read.
            assert_eq!(base.model.defeat_memory, 0.0, "the default is not 0");
            assert_eq!(inputs(&base, 2.5, reaction).0, g0);
            for (w, h) in [(0.12, 1.0), (0.12, 2.5), (0.3, 0.4)] {
                let (g, sol) = inputs(&with_value(&base, "model.defeat_memory", w), h, reaction);
                let added = w * h * value;
                assert!(
                    (g.display_reward - before - added).abs() < 1e-12,
                    "w {w}, h {h}: reward {} -> {}, added {added}",
                    g0.display_reward,
                    g.display_reward
                );
                assert_eq!(
                    GameInputs {
                        display_reward: g0.display_reward,
                        ..g
                    },
                    g0
                );
                let moved = logit(sol.display) - logit(s0.display);
                assert!(
                    (moved - beta_a * added).abs() < 1e-9,
                    "w {w}, h {h}: logit moved {moved}, beta_A x added {}",
                    beta_a * added
                );
            }
        }
    }

    /// The audience cost of inaction (docs/MODEL.md 7.6): `model.reaction_inaction_cost`
    /// lowers A's status quo by `reaction_inaction_cost V` in a reaction crisis only, with
    /// `V = S D (1 + n_A)` computed here from the scenario's own values. Closed form on the
    /// game (no fait accompli offered, node 1 two-action): A's log-odds of challenging move by
    /// exactly `beta_A` times the cost, nodes 2 to 5 do not move, so A's probability of a
    /// display in the crisis, `P(challenge) P(T resists) P(A displays | resisted)`, rises by
    /// the factor of the challenge alone; in a crisis the rivalry's own opportunity opens the
    /// inputs are those of the term at 0, bit for bit, and at 0 the inputs of a reaction crisis
    /// are those of the game before the term, bit for bit.
    #[test]
    fn inaction_costs_its_share_of_the_value_in_a_reaction_crisis_only() {
        let (base, value) = valued_template();
        assert_eq!(base.model.fait_accompli, 0.0, "node 1 is not two-action");
        let beta_a = base.model.rationality;
        let u_sq = base.model.status_quo_value;
        assert!(beta_a > 0.0 && value > 0.0);
        let inputs = |s: &crate::scenario::Scenario, reaction: bool| {
            let c = Compiled::new(s);
            let mut w = c.new_world();
            w.rivalries[0].reactions = u32::from(reaction);
            let th = w.theatre(&c, 0);
            let g = w.game_inputs(&c, 0, &th, [0.6, 0.3, 0.2]);
            (g, game::solve(&g))
        };
        let logit = |r: f64| (r / (1.0 - r)).ln();
        let displays = |s: &game::Solution| s.challenge * s.resist * s.display;
        // Off (the default): the status quo is `status_quo_value` in every crisis.
        assert_eq!(base.model.reaction_inaction_cost, 0.0, "the default is not 0");
        let (own0, own_sol0) = inputs(&base, false);
        let (re0, re_sol0) = inputs(&base, true);
        assert_eq!(own0.status_quo.to_bits(), u_sq.to_bits());
        assert_eq!(re0.status_quo.to_bits(), u_sq.to_bits());
        let mut last = displays(&re_sol0);
        for cost in [0.03, 0.06, 0.12, 0.3] {
            let on = with_value(&base, "model.reaction_inaction_cost", cost);
            // A crisis the challenger's own opportunity opens: nothing moves.
            let (own, own_sol) = inputs(&on, false);
            assert_eq!(own, own0, "cost {cost}: an own crisis's inputs moved");
            assert_eq!(own_sol, own_sol0, "cost {cost}: an own crisis's play moved");
            // A reaction crisis: the status quo falls by cost V, and nothing else moves.
            let (re, re_sol) = inputs(&on, true);
            assert!(
                (re.status_quo - (u_sq - cost * value)).abs() < 1e-12,
                "cost {cost}: status quo {} against {}",
                re.status_quo,
                u_sq - cost * value
            );
            assert_eq!(
                GameInputs {
                    status_quo: re0.status_quo,
                    ..re
                },
                re0
            );
            let moved = logit(re_sol.challenge) - logit(re_sol0.challenge);
            assert!(
                (moved - beta_a * cost * value).abs() < 1e-9,
                "cost {cost}: logit of the challenge moved {moved}, beta_A cost V {}",
                beta_a * cost * value
            );
            assert_eq!(
                (re_sol.resist, re_sol.display, re_sol.force, re_sol.commit),
                (re_sol0.resist, re_sol0.display, re_sol0.force, re_sol0.commit),
                "cost {cost}: a node after the challenge moved"
            );
            assert_eq!(re_sol.a_challenge, re_sol0.a_challenge);
            let p = displays(&re_sol);
            assert!(
                p > last,
                "cost {cost}: P(display) in a reaction crisis {p} not above {last}"
            );
            let expected = displays(&re_sol0) * re_sol.challenge / re_sol0.challenge;
            assert!((p - expected).abs() < 1e-12);
            last = p;
        }
    }

    /// The setup of the tests of a crisis's feedback on one rivalry: the template scenario
    /// with `model`'s values set and its first rivalry's three crisis rates 0 (no crisis but
    /// those a test plays), and a world started on a run key of seed 5. Returns the rivalry's
    /// id, the compiled scenario, the world, its record and the generator (for more runs).
    fn one_rivalry_played_by_hand(
        model: [(&str, f64); 2],
    ) -> (String, Compiled, World, RunRecord, ChaCha8Rng) {
        use crate::scenario::ParamRef;
        let mut s = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let id = s.rivalries[0].id.clone();
        let rates = ["opportunity_rate", "nonstate_rate", "target_trigger_rate"]
            .map(|rate| (format!("rivalry.{id}.{rate}"), 0.0));
        for (path, v) in model.map(|(p, v)| (p.to_string(), v)).into_iter().chain(rates) {
            let r = ParamRef::resolve(&path, &s).unwrap();
            s.set(r, v).unwrap();
        }
        let c = Compiled::new(&s);
        let mut w = c.new_world();
        let mut rec = RunRecord::new(&c);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        w.start_run(&c, &mut rec, run_key(&mut rng));
        (id, c, w, rec, rng)
    }

    /// Rivalry 0's crisis in month 0 played as `play` (its decision taken as given).
    fn play_by_hand(c: &Compiled, w: &mut World, rec: &mut RunRecord, play: game::Play) {
        let d = Decision {
            play,
            a_challenge: game::Levels::default(),
            bound: 0.0,
        };
        w.play_crisis(c, 0, 0, &d, &mut rec.rivalries[0]);
    }

    /// The perpetual inventory of capability: each month capital keeps `1 - depreciation dt`
    /// and gains `procurement_efficiency investment_share budget dt`. With GDP constant
    /// (growth and volatility 0) the recursion is linear with the fixed point
    /// `K* = e i budget / depreciation` (the derived default), so a capability started at `K0`
    /// is `K* + (K0 - K*) (1 - depreciation / 12)^n` after `n` months. Here e = 1, i = 0.25,
    /// budget 2, depreciation 0.2: K* = 2.5, K0 = 5.
    #[test]
    fn capability_follows_the_perpetual_inventory_closed_form() {
        use crate::scenario::ParamRef;
        let mut s = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let id = s.rivalries[0].id.clone();
        let settings = [
            ("country.AAA.economic.growth".to_string(), 0.0),
            ("country.AAA.economic.volatility".to_string(), 0.0),
            ("country.AAA.military.depreciation".to_string(), 0.2),
            ("country.AAA.military.capability".to_string(), 5.0),
        ];
        let rates = ["opportunity_rate", "nonstate_rate", "target_trigger_rate"]
            .map(|rate| (format!("rivalry.{id}.{rate}"), 0.0));
        for (path, v) in settings.into_iter().chain(rates) {
            let r = ParamRef::resolve(&path, &s).unwrap();
            s.set(r, v).unwrap();
        }
        let c = Compiled::new(&s);
        let ci = c.scenario.countries.iter().position(|x| x.id == "AAA").unwrap();
        let mut w = c.new_world();
        let mut rec = RunRecord::new(&c);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        w.start_run(&c, &mut rec, run_key(&mut rng));
        // The world's capability is in units of the reference GDP (`units`).
        assert_eq!(w.countries[ci].capability, units::in_reference_units(5.0, c.unit));
        let (fixed, keep): (f64, f64) = (1.0 * 0.25 * 2.0 / 0.2, 1.0 - 0.2 / 12.0);
        for step in 0..24 {
            w.step(&c, step, &mut rec, None, Tape::Off);
            let n = i32::try_from(step).unwrap() + 1;
            let expected = fixed + (5.0 - fixed) * keep.powi(n);
            let got = w.countries[ci].capability * c.unit;
            assert!(
                (got - expected).abs() < 1e-9 * expected,
                "month {n}: {got}, expected {expected}"
            );
        }
    }

    /// The memory's dynamics (docs/MODEL.md 7.9): 1 added when the challenger backs down after
    /// the target resisted (at the threat, and after its display), nothing when the target
    /// concedes or force is used; then, in months with no crisis, multiplied by
    /// `exp(-defeat_memory_decay dt)` each month: `exp(-defeat_memory_decay)` after a year.
    #[test]
    fn the_memory_of_defeats_counts_back_downs_and_fades_at_its_rate() {
        let decay = 0.37;
        let (_, c, mut w, mut rec, _) = one_rivalry_played_by_hand([
            ("model.defeat_memory", 0.12),
            ("model.defeat_memory_decay", decay),
        ]);
        assert_eq!(w.rivalries[0].memory, 0.0);
        let play = |w: &mut World, rec: &mut RunRecord, pl: game::Play| {
            play_by_hand(&c, w, rec, pl);
            w.rivalries[0].memory
        };
        let threat = game::Play {
            challenged: true,
            resisted: true,
            ..game::Play::default()
        };
        let display = game::Play {
            displayed: true,
            ..threat
        };
        // Backing down at the threat, then after a display: two defeats.
        assert_eq!(play(&mut w, &mut rec, threat), 1.0);
        assert_eq!(play(&mut w, &mut rec, display), 2.0);
        // No challenge, a concession, a use of force: no defeat.
        assert_eq!(play(&mut w, &mut rec, game::Play::default()), 2.0);
        let conceded = game::Play {
            challenged: true,
            ..game::Play::default()
        };
        assert_eq!(play(&mut w, &mut rec, conceded), 2.0);
        let forced = game::Play {
            forced: true,
            ..display
        };
        assert_eq!(play(&mut w, &mut rec, forced), 2.0);
        w.rivalries[0].at_war = false;
        for step in 0..12 {
            w.step(&c, step, &mut rec, None, Tape::Off);
        }
        let after = w.rivalries[0].memory;
        let expected = 2.0 * (-decay).exp();
        assert!(
            (after - expected).abs() < 1e-12,
            "after a year {after}, expected {expected}"
        );
    }

    /// A success resets the memory (docs/MODEL.md 7.9): when the target concedes, the
    /// challenger's memory of its defeats `h` becomes `(1 - defeat_memory_reset) h`; a
    /// back-down still adds 1 and a use of force leaves it; with the reset 0, or the memory
    /// off (`defeat_memory` 0, whatever the reset), a concession leaves `h` as it was.
    #[test]
    fn a_success_wipes_its_share_of_the_memory_of_defeats() {
        use crate::scenario::ParamRef;
        let world = |memory: f64, reset: f64| {
            let mut s =
                crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
            for (path, v) in [
                ("model.defeat_memory", memory),
                ("model.defeat_memory_reset", reset),
            ] {
                let r = ParamRef::resolve(path, &s).unwrap();
                s.set(r, v).unwrap();
            }
            s
        };
        let threat = game::Play {
            challenged: true,
            resisted: true,
            ..game::Play::default()
        };
        let conceded = game::Play {
            challenged: true,
            ..game::Play::default()
        };
        let forced = game::Play {
            displayed: true,
            forced: true,
            ..threat
        };
        // (defeat_memory, reset, the memory after: 3 back-downs, a concession, a use of
        // force, a back-down); 0.35 and 1.0 worked by hand from the equation.
        for (memory, reset, expected) in [
            (0.12, 0.35, [1.0, 2.0, 3.0, 1.95, 1.95, 2.95]),
            (0.12, 1.0, [1.0, 2.0, 3.0, 0.0, 0.0, 1.0]),
            (0.12, 0.0, [1.0, 2.0, 3.0, 3.0, 3.0, 4.0]),
            (0.0, 1.0, [1.0, 2.0, 3.0, 3.0, 3.0, 4.0]),
        ] {
            let s = world(memory, reset);
            let c = Compiled::new(&s);
            let mut w = c.new_world();
            let mut rec = RunRecord::new(&c);
            let mut rng = ChaCha8Rng::seed_from_u64(11);
            w.start_run(&c, &mut rec, run_key(&mut rng));
            let mut got = [0.0; 6];
            for (k, pl) in [threat, threat, threat, conceded, forced, threat]
                .into_iter()
                .enumerate()
            {
                let d = Decision {
                    play: pl,
                    a_challenge: game::Levels::default(),
                    bound: 0.0,
                };
                w.play_crisis(&c, 0, 0, &d, &mut rec.rivalries[0]);
                w.rivalries[0].at_war = false;
                got[k] = w.rivalries[0].memory;
            }
            for (g, e) in got.iter().zip(expected) {
                assert!(
                    (g - e).abs() < 1e-12,
                    "defeat_memory {memory}, reset {reset}: memory {got:?}, expected {expected:?}"
                );
            }
        }
    }

    /// What a war revealed (docs/MODEL.md 7.6): with `model.war_revelation` rho and the
    /// rivalry's revealed information r, every P(war given force) of the game's inputs, after a
    /// threat and after a fait accompli, is the one of r = 0 times exactly `1 - rho r`, and no
    /// other input moves; rho r = 1 gives no war; at rho 0 (the game of earlier versions; the
    /// default is 1) r is not read: the inputs are those of r = 0, bit for bit, whatever r.
    #[test]
    fn a_revealed_resolve_scales_war_by_the_unrevealed_share() {
        let file = template_at_risk_of_war();
        assert_eq!(file.model.war_revelation, 1.0, "the default is not 1");
        // Off, so what the term does is measured from the game without it.
        let base = with_value(&file, "model.fait_accompli", 1.0);
        let base = with_value(&base, "model.war_revelation", 0.0);
        let inputs = |s: &crate::scenario::Scenario, revealed: f64| {
            let c = Compiled::new(s);
            let mut w = c.new_world();
            w.rivalries[0].revealed = revealed;
            let th = w.theatre(&c, 0);
            w.game_inputs(&c, 0, &th, [0.6, 0.3, 0.2])
        };
        let g0 = inputs(&base, 0.0);
        assert!(g0.war.iter().chain(&g0.fa.war).all(|&x| x > 0.0), "{g0:?}");
        assert_eq!(inputs(&base, 0.7), g0);
        for (rho, r) in [(1.0, 1.0), (1.0, 0.37), (0.45, 0.8), (0.3, 0.0)] {
            let g = inputs(&with_value(&base, "model.war_revelation", rho), r);
            let keep = 1.0 - rho * r;
            for (now, before) in g.war.iter().chain(&g.fa.war).zip(g0.war.iter().chain(&g0.fa.war)) {
                assert!(
                    (now - before * keep).abs() < 1e-15,
                    "rho {rho}, r {r}: war {before} -> {now}, expected x{keep}"
                );
            }
            if rho * r == 1.0 {
                assert_eq!([g.war, g.fa.war], [[0.0; 2]; 2]);
            }
            let mut same = g;
            same.war = g0.war;
            same.fa.war = g0.fa.war;
            assert_eq!(same, g0, "rho {rho}, r {r}: an input other than P(war) moved");
        }
    }

    /// The revealed information's dynamics (docs/MODEL.md 7.9): set to 1 when a war starts
    /// (not by a limited use of force), then, in months not at war with no crisis, multiplied
    /// by `exp(-war_revelation_decay dt)` each month: `exp(-war_revelation_decay)` after a
    /// year; with `war_revelation` 0 a war leaves it at 0.
    #[test]
    fn what_a_war_revealed_is_set_by_a_war_and_fades_at_its_rate() {
        use crate::scenario::ParamRef;
        let file = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let id = file.rivalries[0].id.clone();
        let decay = 0.37;
        for rho in [1.0, 0.0] {
            let mut s = file.clone();
            for (path, v) in [
                ("model.war_revelation".to_string(), rho),
                ("model.war_revelation_decay".to_string(), decay),
                (format!("rivalry.{id}.opportunity_rate"), 0.0),
                (format!("rivalry.{id}.nonstate_rate"), 0.0),
                (format!("rivalry.{id}.target_trigger_rate"), 0.0),
            ] {
                let r = ParamRef::resolve(&path, &s).unwrap();
                s.set(r, v).unwrap();
            }
            let c = Compiled::new(&s);
            let mut w = c.new_world();
            let mut rec = RunRecord::new(&c);
            let mut rng = ChaCha8Rng::seed_from_u64(5);
            w.start_run(&c, &mut rec, run_key(&mut rng));
            assert_eq!(w.rivalries[0].revealed, 0.0);
            let play = |w: &mut World, rec: &mut RunRecord, pl: game::Play| {
                let d = Decision {
                    play: pl,
                    a_challenge: game::Levels::default(),
                    bound: 0.0,
                };
                w.play_crisis(&c, 0, 0, &d, &mut rec.rivalries[0]);
                w.rivalries[0].revealed
            };
            let forced = game::Play {
                challenged: true,
                resisted: true,
                displayed: true,
                forced: true,
                ..game::Play::default()
            };
            assert_eq!(play(&mut w, &mut rec, forced), 0.0, "limited force");
            let war = game::Play {
                war: true,
                ..forced
            };
            assert_eq!(play(&mut w, &mut rec, war), rho, "rho {rho}");
            assert!(w.rivalries[0].at_war);
            w.rivalries[0].at_war = false;
            for step in 0..12 {
                w.step(&c, step, &mut rec, None, Tape::Off);
            }
            let after = w.rivalries[0].revealed;
            let expected = rho * (-decay).exp();
            assert!(
                (after - expected).abs() < 1e-12,
                "rho {rho}: after a year {after}, expected {expected}"
            );
        }
    }

    /// The recency of the last dispute (docs/MODEL.md 7.4, 7.9): set to 1 by a threat and by a
    /// fait accompli, left by an opportunity not disputed; multiplied by
    /// `exp(-dispute_recency_decay dt)` each month; and each of the three rates that open
    /// crises multiplied by `1 + dispute_recency e`: with `e` held at 1 (decay 0) and no
    /// dispute, a year's mean crises per month are the three rates' sum times `1 + a`.
    #[test]
    fn a_disputes_recency_is_set_by_a_dispute_fades_and_scales_the_crisis_hazard() {
        use crate::scenario::ParamRef;
        let file = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let decay = 0.37;
        let (id, c, mut w, mut rec, mut rng) = one_rivalry_played_by_hand([
            ("model.dispute_recency", 1.0),
            ("model.dispute_recency_decay", decay),
        ]);
        assert_eq!(w.rivalries[0].recency, 0.0);
        let play = |w: &mut World, rec: &mut RunRecord, pl: game::Play| {
            play_by_hand(&c, w, rec, pl);
            w.rivalries[0].recency
        };
        assert_eq!(play(&mut w, &mut rec, game::Play::default()), 0.0);
        let threat = game::Play {
            challenged: true,
            resisted: true,
            ..game::Play::default()
        };
        assert_eq!(play(&mut w, &mut rec, threat), 1.0);
        w.rivalries[0].recency = 0.25;
        let seized = game::Play {
            fait_accompli: true,
            ..game::Play::default()
        };
        assert_eq!(play(&mut w, &mut rec, seized), 1.0);
        w.rivalries[0].at_war = false;
        w.rivalries[0].recency = 1.0;
        for step in 0..12 {
            w.step(&c, step, &mut rec, None, Tape::Off);
        }
        let after = w.rivalries[0].recency;
        let expected = (-decay).exp();
        assert!(
            (after - expected).abs() < 1e-12,
            "after a year {after}, expected {expected}"
        );
        // The hazard: e held at 1 (decay 0), fixed tension, every rate on; the mean crises a
        // month against (own + non-state x nonstate_crisis + target) x (1 + a), for a = 0 and 1.5.
        for a in [0.0, 1.5] {
            let mut s = file.clone();
            for (path, v) in [
                ("model.dispute_recency".to_string(), a),
                ("model.dispute_recency_decay".to_string(), 0.0),
                ("model.nonstate_crisis".to_string(), 1.0),
                (format!("rivalry.{id}.tension"), 0.4),
                (format!("rivalry.{id}.baseline_tension"), 0.4),
                (format!("rivalry.{id}.tension_volatility"), 0.0),
                (format!("rivalry.{id}.opportunity_rate"), 3.0),
                (format!("rivalry.{id}.nonstate_rate"), 2.0),
                (format!("rivalry.{id}.target_trigger_rate"), 1.0),
                ("model.tension_jump_nonstate".to_string(), 0.0),
                ("model.tension_jump_target".to_string(), 0.0),
            ] {
                let r = ParamRef::resolve(&path, &s).unwrap();
                s.set(r, v).unwrap();
            }
            let c = Compiled::new(&s);
            let mut w = c.new_world();
            let mut rec = RunRecord::new(&c);
            w.start_run(&c, &mut rec, run_key(&mut rng));
            w.rivalries[0].recency = 1.0;
            let m = w.model;
            let rv = &c.scenario.rivalries[0];
            let (narrative, monitoring, cohesion) = (
                w.countries[rv.challenger].narrative,
                w.rivalries[0].params.monitoring,
                w.countries[rv.target].cohesion,
            );
            let months = 40_000;
            let mut total = 0u64;
            for _ in 0..months {
                total += u64::from(w.rivalry_month(&c, 0, &mut rec));
            }
            let per_month = (3.0 * (1.0 + m.tension_sensitivity * 0.4)
                + 2.0
                    * (1.0 + m.nonstate_tension * 0.4)
                    * (1.0 + m.nonstate_narrative * narrative)
                    * (1.0 - m.nonstate_monitoring * monitoring)
                + 1.0 * (1.0 + m.target_trigger_cohesion * cohesion))
                * (1.0 + a)
                * DT;
            let mean = total as f64 / months as f64;
            let se = (per_month / months as f64).sqrt();
            assert!(
                (mean - per_month).abs() < 4.5 * se,
                "a {a}: {mean} crises a month, expected {per_month} (se {se})"
            );
        }
    }

    /// The unguarded concession (docs/MODEL.md 7.6): with no protector (node 4 absent)
    /// `model.concession_unguarded` adds `stakes concession_unguarded` to the target's cost of
    /// conceding, the target's log-odds of resisting move by exactly `beta_T` times it and
    /// nothing after node 2 moves; with a protector the inputs are those of 0, bit for bit,
    /// whatever its value; and 0 leaves the inputs of a scenario that never names it.
    #[test]
    fn an_unguarded_concession_costs_its_term_and_only_without_a_protector() {
        let file = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        let id = file.rivalries[0].id.clone();
        // A stake no default shares, so a term not scaled by it fails; the term off (0, the
        // game without it; the default is 1), so what it adds is measured from 0.
        let stakes = 1.7;
        let base = with_value(
            &with_value(&file, &format!("rivalry.{id}.stakes"), stakes),
            "model.concession_unguarded",
            0.0,
        );
        let beta_t = base.model.rationality_target;
        assert!(beta_t > 0.0);
        // The rivalry's own theatre, with node 4 switched on and off (the test reads the
        // term's gate, not how a scenario comes to have a protector).
        let inputs = |s: &crate::scenario::Scenario, p: [f64; 3], protector: bool| {
            let c = Compiled::new(s);
            let w = c.new_world();
            let mut th = w.theatre(&c, 0);
            th.protector = protector;
            let g = w.game_inputs(&c, 0, &th, p);
            (g, game::solve(&g))
        };
        for p in [[0.9, 0.35, 0.2], [0.3, 0.1, 0.05], [0.99, 0.99, 0.99]] {
            for protector in [true, false] {
                let (g0, s0) = inputs(&base, p, protector);
                // The default is the term at 1 (docs/MODEL.md 2.1).
                let default = with_value(&file, &format!("rivalry.{id}.stakes"), stakes);
                let (gd, _) = inputs(&default, p, protector);
                let (g1, _) = inputs(&with_value(&base, "model.concession_unguarded", 1.0), p, protector);
                assert_eq!(gd, g1, "the default is not concession_unguarded 1");
                let mut last = s0.resist;
                for cu in [0.25, 1.0, 2.5] {
                    let (g, sol) =
                        inputs(&with_value(&base, "model.concession_unguarded", cu), p, protector);
                    if protector {
                        assert_eq!(g, g0, "p {p:?}, {cu}: a protected target's inputs moved");
                        assert_eq!(sol.resist, s0.resist);
                        continue;
                    }
                    assert_concession_term(
                        &format!("p {p:?}, concession_unguarded {cu}"),
                        (&g0, &s0),
                        (&g, &sol),
                        stakes * cu,
                        beta_t,
                        &mut last,
                    );
                }
            }
        }
    }

    /// The real game's inputs are the perceived game's with the real balance written in
    /// (`BalanceTerms::set_balance`, as `World::decide_in` builds them): equal, bit for bit,
    /// to the inputs built for the real balance alone, with and without the fait accompli
    /// and a protector; and two balances' inputs differ in every field that depends on the
    /// balance and in no other, so a field `set_balance` failed to write would stay the
    /// perceived game's and show here.
    #[test]
    fn the_real_games_inputs_are_the_perceived_games_with_the_real_balance() {
        let file = template_at_risk_of_war();
        // The concession's cost depends on the balance only with `concession_power` > 0.
        let file = with_value(&file, "model.concession_power", 0.8);
        let balances = [[0.9, 0.35, 0.2], [0.3, 0.1, 0.05], [0.62, 0.48, 0.4]];
        let bits = |g: &GameInputs| format!("{g:?}");
        for fa in [0.0, 0.6] {
            let s = with_value(&file, "model.fait_accompli", fa);
            let c = Compiled::new(&s);
            let w = c.new_world();
            for protector in [true, false] {
                let mut th = w.theatre(&c, 0);
                th.protector = protector;
                let whole = |p: [f64; 3]| {
                    let (mut g, terms) = w.game_inputs_apart(&c, 0, &th);
                    terms.set_balance(&mut g, p);
                    g
                };
                for seen in balances {
                    for real in balances {
                        let (mut g, terms) = w.game_inputs_apart(&c, 0, &th);
                        terms.set_balance(&mut g, seen);
                        assert_eq!(bits(&g), bits(&whole(seen)));
                        terms.set_balance(&mut g, real);
                        assert_eq!(bits(&g), bits(&whole(real)), "{fa} {protector} {seen:?} {real:?}");
                        if seen == real {
                            continue;
                        }
                        let (a, b) = (whole(seen), whole(real));
                        let apart = |g: &GameInputs| GameInputs {
                            p: [0.0; 2],
                            a_force_cost: [0.0; 2],
                            a_war_cost: [0.0; 2],
                            war: [0.0; 2],
                            t_concede: 0.0,
                            t_force_cost: [0.0; 2],
                            t_war_cost: [0.0; 2],
                            fa: game::FaitAccompli::default(),
                            ..*g
                        };
                        assert_eq!(bits(&apart(&a)), bits(&apart(&b)));
                        let differ = [
                            a.p != b.p,
                            a.a_force_cost != b.a_force_cost,
                            a.a_war_cost != b.a_war_cost,
                            a.war != b.war,
                            a.t_concede != b.t_concede,
                            a.t_force_cost != b.t_force_cost,
                            a.t_war_cost != b.t_war_cost,
                            (a.fa != b.fa) == (fa > 0.0),
                        ];
                        assert!(differ.iter().all(|&d| d), "{fa} {protector} {seen:?} {real:?}: {differ:?}");
                    }
                }
            }
        }
    }

    /// The template at risk of war with `fait_accompli` `fa`, `commitment_at_attack`
    /// `at_attack` and `protector_resolve_misjudged` `m`.
    fn misjudging(fa: f64, at_attack: f64, m: f64) -> crate::scenario::Scenario {
        misjudging_file(&template_at_risk_of_war(), fa, at_attack, m)
    }

    /// `file` with `fait_accompli` `fa`, `commitment_at_attack` `at_attack` and
    /// `protector_resolve_misjudged` `m`.
    fn misjudging_file(
        file: &crate::scenario::Scenario,
        fa: f64,
        at_attack: f64,
        m: f64,
    ) -> crate::scenario::Scenario {
        let s = with_value(file, "model.fait_accompli", fa);
        let s = with_value(&s, "model.commitment_at_attack", at_attack);
        with_value(&s, "model.protector_resolve_misjudged", m)
    }

    /// The protector's resolve misjudged (docs/MODEL.md 7.7): in the game the challenger
    /// perceives (`BalanceTerms::set_seen`, as `World::decide_in` builds it) P's cost of
    /// staying out at the casus foederis, after a threat and after a fait accompli, is `1 - m`
    /// times the one built whole, and nothing else differs; the real game's inputs
    /// (`BalanceTerms::set_real`) are the ones built whole for the real balance, bit for bit.
    /// With `m` 0, or the commitment decided at the display, the perceived game's inputs are
    /// the whole ones too.
    #[test]
    fn the_misjudged_resolve_scales_the_perceived_abandonment_only() {
        let balances = [[0.9, 0.35, 0.2], [0.3, 0.1, 0.05]];
        let bits = |g: &GameInputs| format!("{g:?}");
        for fa in [0.0, 0.6] {
            for at_attack in [0.0, 1.0] {
                for m in [0.0, 0.4, 1.0] {
                    let s = misjudging(fa, at_attack, m);
                    let c = Compiled::new(&s);
                    let w = c.new_world();
                    let th = w.theatre(&c, 0);
                    assert!(th.protector);
                    let whole = |p: [f64; 3]| {
                        let (mut g, terms) = w.game_inputs_apart(&c, 0, &th);
                        terms.set_balance(&mut g, p);
                        g
                    };
                    let scale = if at_attack == 1.0 { 1.0 - m } else { 1.0 };
                    for seen in balances {
                        for real in balances {
                            let at = format!("fa {fa}, at_attack {at_attack}, m {m}, {seen:?} {real:?}");
                            let (mut g, terms) = w.game_inputs_apart(&c, 0, &th);
                            let misjudged = terms.set_seen(&mut g, seen);
                            assert_eq!(misjudged, at_attack == 1.0 && m > 0.0, "{at}");
                            let ws = whole(seen);
                            assert!(ws.p_abandon > 0.0, "{at}");
                            assert_eq!(ws.fa.p_abandon > 0.0, fa > 0.0, "{at}");
                            assert_eq!(g.p_abandon, scale * ws.p_abandon, "{at}");
                            assert_eq!(g.fa.p_abandon, scale * ws.fa.p_abandon, "{at}");
                            let rest = GameInputs {
                                p_abandon: ws.p_abandon,
                                fa: game::FaitAccompli {
                                    p_abandon: ws.fa.p_abandon,
                                    ..g.fa
                                },
                                ..g
                            };
                            assert_eq!(bits(&rest), bits(&ws), "{at}");
                            terms.set_real(&mut g, real);
                            assert_eq!(bits(&g), bits(&whole(real)), "{at}");
                        }
                    }
                }
            }
        }
    }

    /// The template at risk of war with its protectors rewritten: outside powers `NUKE`
    /// (strategic deterrent 0.8), `SMALLNUKE` (0.3), `BIGNUKE` (1.0) and `CONV` (none) added,
    /// the pact's `members` as given (`None`: no pact at all), and with `tripwire` a force
    /// stationed in the target whose only contributor is `BIGNUKE`, in no pact with it.
    fn protected_by(members: Option<&str>, tripwire: bool) -> crate::scenario::Scenario {
        let powers = "[[power]]\nid = \"NUKE\"\nname = \"Nuclear ally\"\ncapability = 40.0\nstrategic = 0.8\n\n\
             [[power]]\nid = \"SMALLNUKE\"\nname = \"Small nuclear ally\"\ncapability = 10.0\nstrategic = 0.3\n\n\
             [[power]]\nid = \"BIGNUKE\"\nname = \"Nuclear contributor\"\ncapability = 60.0\nstrategic = 1.0\n\n\
             [[power]]\nid = \"CONV\"\nname = \"Conventional ally\"\ncapability = 30.0\n\n[[country]]\n";
        let text = crate::scenario::TEMPLATE.replacen("[[country]]\n", powers, 1);
        let pact = "[[alliance]]\nid = \"PACT\"\nname = \"Defensive pact\"\nmembers = [\"BBB\", \"CCC\"]\n";
        assert!(text.contains(pact));
        let mut text = match members {
            Some(m) => text.replace(
                "members = [\"BBB\", \"CCC\"]",
                &format!("members = [{m}]"),
            ),
            None => text.replace(pact, "[[alliance]]\nid = \"PACT\"\nname = \"Defensive pact\"\nmembers = [\"CCC\", \"AAA\"]\n"),
        };
        if tripwire {
            text.push_str(
                "\n[[deployment]]\nid = \"TRIP\"\nname = \"Tripwire\"\nhost = \"BBB\"\n\
                 contributors = [\"BIGNUKE\"]\ncapability = 2.0\n",
            );
        }
        let s = crate::scenario::parse_str(&text, "protected.toml").unwrap();
        with_value(&s, &format!("rivalry.{}.dissatisfaction", s.rivalries[0].id), 0.7)
    }

    /// The coalition's treaty weight `B` (docs/MODEL.md 7.5) is its members' treaty weights
    /// weighted by their capabilities, a contributor without a pact weighing 0: recomputed
    /// here from the file's capabilities and the run's pact weights. A pact with a partner of
    /// no forces beside a stationed force binds nobody (`B` 0, so it adds no cost of
    /// abandoning the target and no value of its security), where the highest weight of any
    /// pact bound the whole coalition; a coalition bound by one pact alone has exactly that
    /// pact's weight.
    #[test]
    fn a_pact_binds_the_coalition_as_far_as_the_forces_it_binds() {
        // (the theatre, CCC's capability and pact weight, BIGNUKE's capability, NUKE's pact
        // weight); an actor the relevance pruning dropped (no part in the crisis) reads 0.
        let theatre = |s: &crate::scenario::Scenario| {
            let c = Compiled::new(s);
            let w = c.new_world();
            let th = w.theatre(&c, 0);
            let n_c = c.scenario.countries.len();
            let country = |id: &str| c.scenario.countries.iter().position(|x| x.id == id);
            let power = |id: &str| c.scenario.powers.iter().position(|x| x.id == id).map(|p| n_c + p);
            let t = country("BBB").unwrap();
            let cap = |actor: Option<usize>| match actor {
                Some(i) if i < n_c => w.own_capability(i),
                Some(i) => w.power_capability(i - n_c),
                None => 0.0,
            };
            let pact = |actor: Option<usize>| actor.map_or(0.0, |i| w.pact[t * c.n_actors + i]);
            (th, cap(country("CCC")), pact(country("CCC")), cap(power("BIGNUKE")), pact(power("NUKE")))
        };
        // A country ally beside a stationed force whose contributor has no pact.
        let file = protected_by(Some("\"BBB\", \"CCC\""), true);
        let (th, cap_ccc, b, cap_big, _) = theatre(&file);
        assert!(b > 0.0 && cap_ccc > 0.0 && cap_big > 0.0);
        let want = b * cap_ccc / (cap_ccc + cap_big);
        assert!((th.bound - want).abs() <= 1e-12, "B {} against {want}", th.bound);
        assert!(th.bound < 0.5 * b, "B {} of b {b}", th.bound);
        // The same ally with no forces: the pact binds nobody, the stationed force protects.
        let unarmed = with_value(&file, "country.CCC.military.capability", 0.0);
        let (th, cap_ccc, b, ..) = theatre(&unarmed);
        assert_eq!((cap_ccc > 0.0, b > 0.0), (false, true));
        assert_eq!(th.bound, 0.0);
        assert!(th.protector && th.deployed > 0.0);
        // One pact alone: exactly its weight, however many members it binds.
        let (th, _, _, _, b) = theatre(&protected_by(Some("\"BBB\", \"NUKE\", \"CONV\""), false));
        assert!(b > 0.0);
        assert_eq!(th.bound, b);
        let (th, _, _, _, b) = theatre(&protected_by(Some("\"BBB\", \"NUKE\""), false));
        assert_eq!(th.bound, b);
    }

    /// The tripwire abandoned at the display (`model.tripwire_at_display`, docs/MODEL.md 7.7):
    /// with the protectors moving twice, the game's `p_tripwire_display` is the tripwire's
    /// part of the cost of abandonment, `tripwire_cost trip S`, the whole `p_abandon` of the
    /// same crisis with `treaty_cost` 0 (bit for bit), so less than `p_abandon` under a pact
    /// and 0 without a stationed force; with either switch off it is 0, and no other input
    /// moves.
    #[test]
    fn the_tripwire_at_the_display_is_the_stationed_part_of_the_abandonment() {
        let bits = |g: &GameInputs| format!("{g:?}");
        let inputs = |s: &crate::scenario::Scenario| {
            let c = Compiled::new(s);
            let w = c.new_world();
            let th = w.theatre(&c, 0);
            assert!(th.protector);
            w.game_inputs_apart(&c, 0, &th).0
        };
        for (members, trip) in [
            (Some("\"BBB\", \"CCC\""), true),
            (Some("\"BBB\", \"CCC\""), false),
            (None, true),
        ] {
            let file = protected_by(members, trip);
            let at = format!("{members:?}, tripwire {trip}");
            for (twice, at_display) in [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)] {
                let s = with_value(&file, "model.protector_moves_twice", twice);
                let s = with_value(&s, "model.tripwire_at_display", at_display);
                let g = inputs(&s);
                let off = inputs(&with_value(&s, "model.tripwire_at_display", 0.0));
                let stationed = inputs(&with_value(&s, "model.treaty_cost", 0.0)).p_abandon;
                assert_eq!(stationed > 0.0, trip, "{at}");
                if twice == 1.0 && at_display == 1.0 {
                    assert_eq!(g.p_tripwire_display, stationed, "{at}");
                    assert_eq!(g.p_tripwire_display < g.p_abandon, members.is_some(), "{at}");
                } else {
                    assert_eq!(g.p_tripwire_display, 0.0, "{at}");
                }
                let rest = GameInputs {
                    p_tripwire_display: 0.0,
                    ..g
                };
                assert_eq!(bits(&rest), bits(&off), "{at}");
            }
        }
    }

    /// The misjudgment lifted by a nuclear pact (docs/MODEL.md 7.7): with
    /// `commitment_at_attack` 1, `protector_resolve_misjudged` `m` and
    /// `misjudgment_pact_clarity` `w`, the challenger's perceived cost of staying out at the
    /// casus foederis, after a threat and after a fait accompli, is `1 - m (1 - w B s_T)` times
    /// the real one, `B` the treaty weight and `s_T` the strongest strategic deterrent among the
    /// target's *treaty* protector powers, here written down from the file (0.8: `NUKE` beside
    /// `SMALLNUKE`'s 0.3; 0 for a pact with a conventional power or a country, or with no pact),
    /// never the stationed force's nuclear contributor (`BIGNUKE`, 1.0, which 7.5's `s_P`
    /// counts); nothing else of the perceived game moves, the real game is the one built
    /// whole, and at `w` 0 the perceived cost is `(1 - m)` times the real one, bit for bit.
    #[test]
    fn a_nuclear_pact_lifts_the_misjudged_resolve_and_a_tripwire_does_not() {
        let balances = [[0.9, 0.35, 0.2], [0.3, 0.1, 0.05]];
        let bits = |g: &GameInputs| format!("{g:?}");
        // (what, the pact's members, the tripwire, s_T, s_P) from the file.
        let cases = [
            ("a pact with two nuclear powers, a nuclear contributor", Some("\"BBB\", \"CCC\", \"SMALLNUKE\", \"NUKE\""), true, 0.8, 1.0),
            ("a pact with two nuclear powers", Some("\"BBB\", \"NUKE\", \"SMALLNUKE\""), false, 0.8, 0.8),
            ("a pact with a conventional power, a nuclear contributor", Some("\"BBB\", \"CCC\", \"CONV\""), true, 0.0, 1.0),
            ("a pact with a country", Some("\"BBB\", \"CCC\""), false, 0.0, 0.0),
            ("no pact, a nuclear contributor", None, true, 0.0, 1.0),
        ];
        let mut lifted = 0;
        for (what, members, tripwire, s_t, s_p) in cases {
            let file = protected_by(members, tripwire);
            for fa in [0.0, 0.6] {
                for m in [0.0, 0.75, 1.0] {
                    for w in [0.0, 0.5, 1.0] {
                        let s = with_value(&misjudging_file(&file, fa, 1.0, m), "model.misjudgment_pact_clarity", w);
                        let c = Compiled::new(&s);
                        let world = c.new_world();
                        let th = world.theatre(&c, 0);
                        assert!(th.protector, "{what}");
                        assert_eq!(th.strategic, s_p, "{what}: s_P");
                        assert_eq!(th.bound > 0.0, members.is_some(), "{what}: B {}", th.bound);
                        let b = th.bound;
                        let whole = |p: [f64; 3]| {
                            let (mut g, terms) = world.game_inputs_apart(&c, 0, &th);
                            terms.set_balance(&mut g, p);
                            g
                        };
                        let m_eff = m * (1.0 - w * b * s_t);
                        let scale = 1.0 - m_eff;
                        if m > 0.0 && scale > 1.0 - m {
                            lifted += 1;
                        }
                        for seen in balances {
                            for real in balances {
                                let at = format!("{what}: fa {fa}, m {m}, w {w}, B {b}, {seen:?} {real:?}");
                                let (mut g, terms) = world.game_inputs_apart(&c, 0, &th);
                                let misjudged = terms.set_seen(&mut g, seen);
                                assert_eq!(misjudged, m_eff > 0.0, "{at}");
                                let ws = whole(seen);
                                assert!(ws.p_abandon > 0.0, "{at}");
                                let close = |a: f64, e: f64| (a - e).abs() <= 1e-14 * e.abs();
                                assert!(close(g.p_abandon, scale * ws.p_abandon), "{at}: {} vs {}", g.p_abandon, scale * ws.p_abandon);
                                assert!(close(g.fa.p_abandon, scale * ws.fa.p_abandon), "{at}");
                                if w == 0.0 || s_t == 0.0 {
                                    assert_eq!(g.p_abandon, (1.0 - m) * ws.p_abandon, "{at}");
                                    assert_eq!(g.fa.p_abandon, (1.0 - m) * ws.fa.p_abandon, "{at}");
                                }
                                let rest = GameInputs {
                                    p_abandon: ws.p_abandon,
                                    fa: game::FaitAccompli {
                                        p_abandon: ws.fa.p_abandon,
                                        ..g.fa
                                    },
                                    ..g
                                };
                                assert_eq!(bits(&rest), bits(&ws), "{at}");
                                terms.set_real(&mut g, real);
                                assert_eq!(bits(&g), bits(&whole(real)), "{at}");
                            }
                        }
                    }
                }
            }
        }
        // Lifted: the two nuclear pacts at w 0.5 and 1, m 0.75 and 1, both fait accompli values.
        assert_eq!(lifted, 2 * 2 * 2 * 2, "{lifted}");
    }

    /// The template with four more powers tied to the challenger `AAA`, each with its tie
    /// help to `AAA` (tie x in_theatre x capability x quality) written beside it, and the
    /// template's `PATRON` brought into theatre: `PATRON` 0.6 x 0.02 x 50 x 1 = 0.6; `ALLY`, in
    /// the pact with the target `BBB`, 0.3 x 0.05 x 20 x 1.5 = 0.45; `KEEPER`, with no pact,
    /// the contributor of `GUARD` stationed in `BBB`, 0.5 x 0.04 x 10 x 1.2 = 0.24;
    /// `BYSTANDER`, tied to `BBB` too (0.7) and protecting nobody, 0.2 x 0.1 x 8 x 1 = 0.16;
    /// `AWAY`, the contributor of a force stationed in the ally `CCC`, not in `BBB`, 0.4 x
    /// 0.05 x 10 x 1 = 0.2. `BBB`'s own ties: `BYSTANDER` 0.7 x 0.1 x 8 = 0.56 and `KEEPER`
    /// 0.5 x 0.04 x 12 = 0.24.
    fn tied_to_both_sides() -> crate::scenario::Scenario {
        let powers = "[[power]]\nid = \"ALLY\"\nname = \"Treaty protector\"\ncapability = 20.0\nquality = 1.5\nin_theatre = 0.05\n\n\
             [[power]]\nid = \"KEEPER\"\nname = \"Contributor\"\ncapability = 10.0\nquality = 1.2\nin_theatre = 0.04\n\n\
             [[power]]\nid = \"BYSTANDER\"\nname = \"Tied to both\"\ncapability = 8.0\nin_theatre = 0.1\n\n\
             [[power]]\nid = \"AWAY\"\nname = \"Contributor elsewhere\"\ncapability = 10.0\nin_theatre = 0.05\n\n\
             [[country]]\nid = \"AAA\"\n";
        let mut text = crate::scenario::TEMPLATE.to_string();
        for (from, to) in [
            ("in_theatre = 0.0 ", "in_theatre = 0.02"),
            ("[[country]]\nid = \"AAA\"\n", powers),
            (
                "ties = { PATRON = 0.6 }",
                "ties = { PATRON = 0.6, ALLY = 0.3, KEEPER = 0.5, BYSTANDER = 0.2, AWAY = 0.4 }",
            ),
            ("cohesion = 0.8\n", "cohesion = 0.8\nties = { BYSTANDER = 0.7, KEEPER = 0.5 }\n"),
            ("members = [\"BBB\", \"CCC\"]", "members = [\"BBB\", \"CCC\", \"ALLY\"]"),
        ] {
            assert_eq!(text.matches(from).count(), 1, "{from}");
            text = text.replacen(from, to, 1);
        }
        text.push_str(
            "\n[[deployment]]\nid = \"GUARD\"\nname = \"Stationed force\"\nhost = \"BBB\"\n\
             contributors = [\"KEEPER\"]\ncapability = 2.0\n\n\
             [[deployment]]\nid = \"ELSEWHERE\"\nname = \"Force in the ally\"\nhost = \"CCC\"\n\
             contributors = [\"AWAY\"]\ncapability = 1.0\n",
        );
        crate::scenario::parse_str(&text, "tied.toml").unwrap()
    }

    /// A power cannot stand on both sides of one crisis (docs/MODEL.md 7.5): in a crisis on
    /// `AAA -> BBB`, `M_A = challenger_share K_A + H_A` (share 0.35) counts the tie help of
    /// the powers tied to `AAA` that are not among `BBB`'s protectors ([`tied_to_both_sides`]:
    /// `PATRON` 0.6, `BYSTANDER` 0.16, tied to `BBB` as well, and `AWAY` 0.2, whose force is
    /// stationed elsewhere), never that of `BBB`'s treaty protector (`ALLY` 0.45) nor of the
    /// contributor of the force stationed in `BBB` (`KEEPER` 0.24). Each comes back as soon as
    /// it stops protecting `BBB`: the pact's treaty weight 0 (no pact), the force's capability
    /// 0 (no force). The target's side, `M_T0 = K_T + H_T`, keeps its own patrons' help
    /// (`BYSTANDER` 0.56 and `KEEPER` 0.24, a contributor without a pact) in every case, both
    /// as compiled and unpruned.
    #[test]
    fn a_protector_of_the_target_gives_the_challenger_no_tie_help() {
        let file = tied_to_both_sides();
        let id = file.rivalries[0].id.clone();
        let share = 0.35;
        let file = with_value(&file, &format!("rivalry.{id}.challenger_share"), share);
        let (patron, ally, keeper, bystander, away) = (0.6, 0.45, 0.24, 0.16, 0.2);
        let h_t = 0.56 + 0.24;
        let no_pact = with_value(&file, "alliance.PACT.reliability", 0.0);
        let no_force = with_value(&file, "deployment.GUARD.capability", 0.0);
        let neither = with_value(&no_force, "alliance.PACT.reliability", 0.0);
        // (what, the file, H_A written down, B > 0, Dep > 0)
        let cases = [
            ("ALLY by treaty, KEEPER by its force", &file, patron + bystander + away, true, true),
            ("no pact: ALLY helps", &no_pact, patron + bystander + away + ally, false, true),
            ("no force: KEEPER helps", &no_force, patron + bystander + away + keeper, true, false),
            ("neither", &neither, patron + bystander + away + ally + keeper, false, false),
        ];
        for (what, s, h_a, bound, deployed) in cases {
            // Unpruned too: the relevance pruning drops `ELSEWHERE` (its host is in no
            // rivalry), so only there is `AWAY` a contributor of a force stationed elsewhere.
            let unpruned = Compiled::unpruned(s);
            assert_eq!(unpruned.scenario.deployments.len(), 2, "{what}");
            for c in [Compiled::new(s), unpruned] {
                let w = c.new_world();
                let (a, t) = (c.scenario.rivalries[0].challenger, c.scenario.rivalries[0].target);
                let th = w.theatre(&c, 0);
                // The protectors are those the case says (so the exclusion is not vacuous).
                assert_eq!(th.bound > 0.0, bound, "{what}: B {}", th.bound);
                assert_eq!(th.deployed > 0.0, deployed, "{what}: Dep {}", th.deployed);
                let k_a = w.own_capability(a);
                assert!(k_a > 0.0 && th.own_a == k_a, "{what}");
                // The help written down is in the file's currency; the world's capabilities
                // are in units of the reference GDP (`units`).
                let (h_a, h_t) = (h_a / c.unit, h_t / c.unit);
                let m_a = share * k_a + h_a;
                assert!(
                    (th.m_a - m_a).abs() <= 1e-12 * m_a,
                    "{what}: M_A {} against {m_a} (H_A {h_a}, counted {})",
                    th.m_a,
                    th.m_a - share * k_a
                );
                let m_t0 = w.own_capability(t) + h_t;
                assert!(
                    (th.m_t0 - m_t0).abs() <= 1e-12 * m_t0,
                    "{what}: M_T0 {} against {m_t0}",
                    th.m_t0
                );
            }
        }
    }

    /// The reported balance (docs/MODEL.md 7.11) counts the challenger's tie help as the
    /// crisis does (7.5): none from one of the target's protectors. With the cases of
    /// [`a_protector_of_the_target_gives_the_challenger_no_tie_help`], the challenger's side
    /// is its whole capability plus the tie help written down there (the template's
    /// challenger has no pact partner and hosts no force), the target's side read from its
    /// own terms, and the balance their ratio.
    #[test]
    fn the_reported_balance_counts_no_tie_help_from_a_protector_of_the_target() {
        let file = tied_to_both_sides();
        let (patron, ally, keeper, bystander, away) = (0.6, 0.45, 0.24, 0.16, 0.2);
        let no_pact = with_value(&file, "alliance.PACT.reliability", 0.0);
        let no_force = with_value(&file, "deployment.GUARD.capability", 0.0);
        let neither = with_value(&no_force, "alliance.PACT.reliability", 0.0);
        let cases = [
            ("ALLY by treaty, KEEPER by its force", &file, patron + bystander + away),
            ("no pact: ALLY helps", &no_pact, patron + bystander + away + ally),
            ("no force: KEEPER helps", &no_force, patron + bystander + away + keeper),
            ("neither", &neither, patron + bystander + away + ally + keeper),
        ];
        for (what, s, h_a) in cases {
            let c = Compiled::new(s);
            let w = c.new_world();
            let (a, t) = (c.scenario.rivalries[0].challenger, c.scenario.rivalries[0].target);
            let m_a = w.own_capability(a) + h_a / c.unit;
            let m_t = w.expected_capability(&c, t, |_| false);
            let expected = m_a / m_t;
            let got = w.balance(&c, a, t);
            assert!(
                (got - expected).abs() <= 1e-12 * expected,
                "{what}: balance {got} against {expected} (M_A {m_a}, M_T {m_t})"
            );
        }
    }

    /// The protectors' cost of a limited fight priced in theatre (`limited_fight_in_theatre`
    /// `v`, docs/MODEL.md 7.6): with the challenger's theatre share 0.35 and its patron's
    /// help in theatre `H_A` written down from the file (tie 0.6 x in_theatre 0.02 x
    /// capability 50 x quality 1 = 0.6), the limited fight is priced by `K_l = (1 - v) K_A +
    /// v (0.35 K_A + H_A)`, `pl = limited_force_cost protector_war_cost S K_l / (K_l + C_P)`,
    /// at `v` 0, 0.5 and 1, while war keeps the whole capability, `pw = protector_war_cost S
    /// K_A / (K_A + C_P)`; nothing else of the game's inputs moves, and at `v` 0 `pl` is
    /// `limited_force_cost pw` bit for bit.
    #[test]
    fn the_limited_fight_is_priced_by_the_force_committed_in_theatre() {
        let base = template_at_risk_of_war();
        let id = base.rivalries[0].id.clone();
        let (share, stake) = (0.35, 1.7);
        let base = with_value(&base, &format!("rivalry.{id}.challenger_share"), share);
        let base = with_value(&base, &format!("rivalry.{id}.stakes"), stake);
        let base = with_value(&base, "power.PATRON.in_theatre", 0.02);
        let h_a = 0.6 * 0.02 * 50.0 * 1.0;
        let (lfc, pwc) = (0.37, 0.9);
        let base = with_value(&base, "model.limited_force_cost", lfc);
        let base = with_value(&base, "model.protector_war_cost", pwc);
        let bits = |g: &GameInputs| format!("{g:?}");
        let inputs = |s: &crate::scenario::Scenario| {
            let c = Compiled::new(s);
            let world = c.new_world();
            let th = world.theatre(&c, 0);
            let (mut g, terms) = world.game_inputs_apart(&c, 0, &th);
            terms.set_balance(&mut g, [0.8, 0.4, 0.3]);
            (g, th)
        };
        let (g0, th0) = inputs(&base);
        let (k_a, c_p) = (th0.own_a, th0.coalition);
        assert!(th0.protector && c_p > 0.0 && k_a > 0.0, "{k_a} {c_p}");
        // The help written down is in the file's currency, the world's capabilities in units
        // of the reference GDP (`units`).
        let m_a = share * k_a + h_a / Compiled::new(&base).unit;
        assert!((th0.m_a - m_a).abs() <= 1e-12 * m_a, "M_A {} vs {m_a}", th0.m_a);
        let pw = pwc * stake * k_a / (k_a + c_p);
        let mut last = f64::INFINITY;
        for v in [0.0, 0.5, 1.0] {
            let (g, _) = inputs(&with_value(&base, "model.limited_fight_in_theatre", v));
            let k_l = (1.0 - v) * k_a + v * m_a;
            let pl = lfc * pwc * stake * k_l / (k_l + c_p);
            let close = |a: f64, e: f64| (a - e).abs() <= 1e-12 * e.abs();
            assert!(close(g.p_force_cost, pl), "v {v}: pl {} vs {pl}", g.p_force_cost);
            assert!(close(g.p_war_cost, pw), "v {v}: pw {} vs {pw}", g.p_war_cost);
            assert_eq!(g.p_war_cost, g0.p_war_cost, "v {v}");
            // The force in theatre is below the whole capability here, so pl falls with v.
            assert!(g.p_force_cost < last, "v {v}: {} not below {last}", g.p_force_cost);
            last = g.p_force_cost;
            if v == 0.0 {
                assert_eq!(g.p_force_cost, lfc * g.p_war_cost);
            }
            let rest = GameInputs {
                p_force_cost: g0.p_force_cost,
                ..g
            };
            assert_eq!(bits(&rest), bits(&g0), "v {v}");
        }
        // At v 1 the limited fight's share is M_A's, well below K_A's.
        assert!(last < 0.8 * lfc * pw, "{last} vs {}", lfc * pw);
    }

    /// A crisis with the protector's resolve misjudged (`World::decide_in`) is played with
    /// P's commitment from the real game even when A perceives the balance as it is (no
    /// misperception: the two games then differ in P's cost of staying out alone): a `u_4`
    /// between the perceived and the real P(commit) commits.
    #[test]
    fn a_crisis_with_a_misjudged_resolve_commits_as_the_real_protector_does() {
        let p = [0.6, 0.4, 0.3];
        let s = misjudging(0.0, 1.0, 1.0);
        let c = Compiled::new(&s);
        let w = c.new_world();
        let th = w.theatre(&c, 0);
        let (mut seen, terms) = w.game_inputs_apart(&c, 0, &th);
        assert!(terms.set_seen(&mut seen, p));
        let mut real = seen;
        terms.set_real(&mut real, p);
        let (ss, sr) = (game::solve(&seen), game::solve(&real));
        // Challenge, resist, display, no sanctions at the display, force; u_4 between.
        assert!(ss.commit[0] < sr.commit[0], "{} vs {}", ss.commit[0], sr.commit[0]);
        let mut u = [0.0; GAME_UNIFORMS];
        u[3] = 1.0 - 1e-12;
        u[4] = 0.5 * (ss.commit[0] + sr.commit[0]);
        u[6] = 0.5;
        u[7] = 0.5;
        let d = w.decide_in(&c, 0, &CrisisDraws {
                z: 0.0,
                u,
                signal: 0.0,
                fight: 0.0,
            }, &th, [p, p]);
        let pl = d.play;
        assert!(pl.challenged && pl.displayed && pl.forced && pl.protector_moved, "{pl:?}");
        assert!(pl.committed, "{pl:?}");
    }

    /// With the protector's resolve misjudged (`m` > 0, `commitment_at_attack` 1) and the
    /// same balance in both games, the challenger's perceived game has P commit at the casus
    /// foederis less often than the real one and A use force more often, each probability
    /// recomputed from its logit with P's cost of staying out `(1 - m) p_abandon` and
    /// `p_abandon` (docs/MODEL.md 7.7); with `m` 0 the two games are the same.
    #[test]
    fn a_misjudged_resolve_lowers_the_expected_commitment_and_raises_force() {
        let logistic = |x: f64| 1.0 / (1.0 + crate::stats::exp::exp(-x));
        let p = [0.6, 0.4, 0.3];
        for m in [0.0, 0.3, 0.8] {
            let s = misjudging(0.0, 1.0, m);
            let c = Compiled::new(&s);
            let w = c.new_world();
            let th = w.theatre(&c, 0);
            let (mut seen, terms) = w.game_inputs_apart(&c, 0, &th);
            terms.set_seen(&mut seen, p);
            let mut real = seen;
            terms.set_real(&mut real, p);
            let (ss, sr) = (game::solve(&seen), game::solve(&real));
            let abandon = real.p_abandon;
            assert!(abandon > 0.0);
            for s in 0..2 {
                let sig = if s == 1 { 1.0 } else { real.sanction_prob };
                // P's payoff of the use of force with k, its cost of staying out `out`.
                let vp = |k: usize, out: f64| {
                    let end = |war: bool| {
                        let fight = if war { real.p_war_cost } else { real.p_force_cost };
                        -real.p[k] * real.p_value
                            - if k == 1 { real.p_commit_cost + fight } else { out }
                    };
                    real.war[k] * end(true) + (1.0 - real.war[k]) * end(false)
                };
                let commit = |out: f64| logistic(real.beta_p * (vp(1, out) - vp(0, out)));
                let (c_seen, c_real) = (commit((1.0 - m) * abandon), commit(abandon));
                assert!((ss.commit[s] - c_seen).abs() < 1e-12, "{m} {s}: {} vs {c_seen}", ss.commit[s]);
                assert!((sr.commit[s] - c_real).abs() < 1e-12, "{m} {s}: {} vs {c_real}", sr.commit[s]);
                // A's value of force with k (its payoffs are the same in both games).
                let fa = |k: usize| {
                    let end = |war: bool| {
                        sig * real.a_force_end(k, war, true).total()
                            + (1.0 - sig) * real.a_force_end(k, war, false).total()
                    };
                    real.war[k] * end(true) + (1.0 - real.war[k]) * end(false)
                };
                let ba = real.a_back_display(s).total();
                let force = |c: f64| logistic(real.beta_a * (c * fa(1) + (1.0 - c) * fa(0) - ba));
                let (f_seen, f_real) = (force(c_seen), force(c_real));
                // P(force) without the revealed cost (`force_shocked` is the one with it).
                assert!((ss.force[s][0] - f_seen).abs() < 1e-12, "{m} {s}: {} vs {f_seen}", ss.force[s][0]);
                assert!((sr.force[s][0] - f_real).abs() < 1e-12, "{m} {s}: {} vs {f_real}", sr.force[s][0]);
                if m > 0.0 {
                    assert!(c_seen < c_real, "{m} {s}: {c_seen} vs {c_real}");
                    assert!(ss.commit[s] < sr.commit[s], "{m} {s}");
                    assert!(f_seen > f_real, "{m} {s}: {f_seen} vs {f_real}");
                    assert!(ss.force[s][0] > sr.force[s][0], "{m} {s}");
                } else {
                    assert_eq!(format!("{seen:?}"), format!("{real:?}"));
                    assert_eq!(ss.commit[s], sr.commit[s]);
                }
            }
        }
    }

    /// The cost of force a display may reveal (docs/MODEL.md 7.7): `model.mobilisation_shock`
    /// is the game's probability `pi` as it is, `model.mobilisation_shock_cost` its added cost
    /// per unit of stakes, in the game the challenger perceives and in the real one alike
    /// (the challenger's own cost: no balance in it), and nothing else of the inputs moves.
    #[test]
    fn mobilisation_shock_enters_the_game_as_its_probability_and_cost_per_stake() {
        let file = crate::scenario::parse_str(crate::scenario::TEMPLATE, "template.toml").unwrap();
        // The shock off (0, the game without it; the default is 0.3).
        let base = with_value(
            &with_value(
                &file,
                &format!("rivalry.{}.stakes", file.rivalries[0].id),
                1.7,
            ),
            "model.mobilisation_shock",
            0.0,
        );
        let inputs = |s: &crate::scenario::Scenario, p: [f64; 3]| {
            let c = Compiled::new(s);
            let w = c.new_world();
            let th = w.theatre(&c, 0);
            w.game_inputs(&c, 0, &th, p)
        };
        for p in [[0.9, 0.35, 0.2], [0.3, 0.1, 0.05]] {
            let g0 = inputs(&base, p);
            assert_eq!(g0.shock_prob, 0.0);
            let on = with_value(&base, "model.mobilisation_shock", 0.3);
            let g = inputs(&with_value(&on, "model.mobilisation_shock_cost", 2.5), p);
            assert_eq!(g.shock_prob, 0.3);
            assert!((g.shock_cost - 2.5 * 1.7).abs() < 1e-12, "{}", g.shock_cost);
            assert_eq!(
                GameInputs {
                    shock_prob: 0.0,
                    shock_cost: g0.shock_cost,
                    ..g
                },
                g0
            );
            // Force after a display is less sure with the shock on. (Whether the target then
            // resists more depends on its protector, which commits less when force is less
            // sure: here it resists a little less; without a protector it resists more,
            // `game::tests::a_revealed_cost_of_force_matches_its_closed_form`.)
            let (s0, s1) = (game::solve(&g0), game::solve(&g));
            for (s, k) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                let f1 = g.shock_prob * s1.force_shocked[s][k]
                    + (1.0 - g.shock_prob) * s1.force[s][k];
                assert!(f1 < s0.force[s][k], "({s}, {k}): {f1} vs {}", s0.force[s][k]);
                assert_eq!(s1.force[s][k], s0.force[s][k]);
            }
        }
    }

    /// Regression: `get` returned the start-year budget, so a policy on `budget` started
    /// from a stale figure and a neutral change (scale 1) cut the share of a grown GDP.
    #[test]
    fn neutral_budget_policy_changes_nothing() {
        let base = "[scenario]\nname = \"t\"\nstart = \"2025-01\"\nhorizon_years = 8\n\
            [[country]]\nid = \"A\"\n[country.military]\nbudget = 2.0\n\
            [country.economic]\ngdp = 50.0\ngrowth = 0.1\n\
            [[country]]\nid = \"B\"\n[country.military]\nbudget = 0.5\n\
            [country.economic]\ngdp = 10.0\n\
            [[rivalry]]\nchallenger = \"A\"\ntarget = \"B\"\n";
        let with_policy = format!(
            "{base}[[policy]]\nid = \"p\"\nstart = \"2029-01\"\n\
             changes = [{{ path = \"country.A.military.budget\", scale = 1.0 }}]\n"
        );
        let run = |src: &str| {
            let s = crate::scenario::parse_str(src, "t.toml").unwrap();
            let c = Compiled::new(&s);
            let mut w = c.new_world();
            let mut rec = RunRecord::new(&c);
            let mut rng = ChaCha8Rng::seed_from_u64(3);
            simulate_run(&c, &mut w, &mut rec, &mut rng);
            rec
        };
        let (a, b) = (run(base), run(&with_policy));
        for (x, y) in a.rivalries[0]
            .yearly_balance
            .iter()
            .zip(&b.rivalries[0].yearly_balance)
        {
            assert!((x - y).abs() <= 1e-9 * x.abs(), "{x} vs {y}");
        }
    }

    /// Alliance restraint's feedbacks (docs/MODEL.md 7.9): a crisis in which the protector
    /// restrained the target after the challenger's display is a concession at MID level 3:
    /// coercion success, the target's reputation falls by `reputation_loss`, the memory reads
    /// "conceded", the commitment invoked is not honoured, a sanctions episode at the display
    /// does not succeed, and the challenger's memory of defeats does not grow.
    #[test]
    fn a_restrained_crisis_is_a_concession_at_the_display() {
        let (_, c, mut w, mut rec, _) = one_rivalry_played_by_hand([
            ("model.protector_restraint", 1.0),
            ("model.defeat_memory", 0.12),
        ]);
        let t = c.scenario.rivalries[0].target;
        let rep0 = w.countries[t].reputation;
        assert!(rep0 > w.model.reputation_loss, "{rep0}");
        let play = game::Play {
            challenged: true,
            resisted: true,
            displayed: true,
            sanctioned_display: true,
            sanctioned: true,
            protector_moved: true,
            restrained: true,
            ..game::Play::default()
        };
        let d = Decision {
            play,
            a_challenge: game::Levels::default(),
            bound: 0.6,
        };
        w.play_crisis(&c, 0, 0, &d, &mut rec.rivalries[0]);
        let r = &rec.rivalries[0];
        assert_eq!(r.crisis_level, 3);
        assert_eq!(r.outcomes[CrisisOutcome::CoercionSuccess as usize], 1);
        assert_eq!(r.outcomes[CrisisOutcome::ImmediateDeterrence as usize], 0);
        assert_eq!((r.commitments_invoked, r.commitments_honoured), (1, 0));
        assert_eq!((r.sanctions_imposed, r.sanctions_succeeded), (1, 0));
        assert!((w.countries[t].reputation - (rep0 - w.model.reputation_loss)).abs() < 1e-15);
        assert_eq!(w.rivalries[0].last_resistance, 1);
        assert_eq!(w.rivalries[0].memory, 0.0);
    }

    /// The casus foederis count (docs/MODEL.md 7.9; Leeds, Long & Mitchell 2000): ten crises
    /// played by hand, each with the increments of (invoked, honoured, casus foederis,
    /// honoured at it) worked out by hand. Force against a treaty-protected target (`bound >
    /// 0`) is a casus foederis, by a fait accompli or after a display, honoured when the
    /// protector committed; a display the challenger backs down from, a restraint, a threat
    /// and force against a target with only a tripwire (`bound` 0) are none.
    #[test]
    fn the_casus_foederis_is_force_against_a_treaty_protected_target() {
        let (_, c, mut w, mut rec, _) = one_rivalry_played_by_hand([
            ("model.protector_restraint", 1.0),
            ("model.defeat_memory", 0.12),
        ]);
        let fa = |committed| game::Play {
            fait_accompli: true,
            forced: true,
            protector_moved: true,
            committed,
            ..game::Play::default()
        };
        let display = |committed, restrained, forced| game::Play {
            challenged: true,
            resisted: true,
            displayed: true,
            protector_moved: true,
            committed,
            restrained,
            forced,
            ..game::Play::default()
        };
        let threat = game::Play {
            challenged: true,
            resisted: true,
            ..game::Play::default()
        };
        // (play, bound, increments of invoked, honoured, casus foederis, honoured at it).
        let crises = [
            (fa(true), 0.6, [1, 1, 1, 1]),
            (fa(false), 0.6, [1, 0, 1, 0]),
            (fa(true), 0.0, [0, 0, 0, 0]),
            (display(true, false, true), 0.6, [1, 1, 1, 1]),
            (display(false, false, true), 0.6, [1, 0, 1, 0]),
            (display(true, false, false), 0.6, [1, 1, 0, 0]),
            (display(false, false, false), 0.6, [1, 0, 0, 0]),
            (display(false, true, false), 0.6, [1, 0, 0, 0]),
            (display(true, false, true), 0.0, [0, 0, 0, 0]),
            (threat, 0.6, [0, 0, 0, 0]),
        ];
        let mut want = [0u32; 4];
        for (i, (play, bound, inc)) in crises.into_iter().enumerate() {
            let d = Decision {
                play,
                a_challenge: game::Levels::default(),
                bound,
            };
            w.play_crisis(&c, 0, 0, &d, &mut rec.rivalries[0]);
            for (x, y) in want.iter_mut().zip(inc) {
                *x += y;
            }
            let r = &rec.rivalries[0];
            let got = [
                r.commitments_invoked,
                r.commitments_honoured,
                r.casus_foederis,
                r.casus_foederis_honoured,
            ];
            assert_eq!(got, want, "after crisis {i}: {play:?}, bound {bound}");
        }
        assert_eq!(want, [7, 3, 4, 2]);
    }

    /// Alliance restraint at the scenario level (docs/MODEL.md 7.7): with `a_R` 1 the share of
    /// crises ending at a display of force (highest MID level 3) rises against a protected
    /// target (Serbia -> Kosovo 2008, KFOR and the United States: paired over the same 400
    /// runs, the lower end of the 99% interval of the per-run difference in crises at a
    /// display above 0, and the share of crises higher), and against an unprotected one
    /// (Russia -> Georgia 2004: no node 4) every run's record is the same, bit for bit.
    #[test]
    fn restraint_raises_displays_against_a_protected_target_only() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let load = |f: &str| crate::scenario::load_file(&root.join(f)).unwrap();
        let records = |s: &crate::scenario::Scenario, n: u64| {
            let c = Compiled::new(s);
            let mut w = c.new_world();
            let mut rec = RunRecord::new(&c);
            (0..n)
                .map(|run| {
                    let mut rng = ChaCha8Rng::seed_from_u64(run);
                    simulate_run(&c, &mut w, &mut rec, &mut rng);
                    rec.clone()
                })
                .collect::<Vec<_>>()
        };
        let displays = |r: &RunRecord| f64::from(r.rivalries[0].counts[crate::outputs::count::DISPLAYS]);
        let crises = |r: &RunRecord| f64::from(r.rivalries[0].crises);
        let kosovo = load("scenarios/history/serbia-kosovo-2008.toml");
        let n = 400;
        let (off, on) = (
            records(&kosovo, n),
            records(&with_value(&kosovo, "model.protector_restraint", 1.0), n),
        );
        let d: Vec<f64> = off.iter().zip(&on).map(|(a, b)| displays(b) - displays(a)).collect();
        let mean = d.iter().sum::<f64>() / n as f64;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let se = (var / n as f64).sqrt();
        assert!(mean - 2.576 * se > 0.0, "displays per run: {mean} +- {se}");
        let share = |v: &[RunRecord]| {
            v.iter().map(displays).sum::<f64>() / v.iter().map(crises).sum::<f64>()
        };
        assert!(share(&on) > share(&off), "{} vs {}", share(&on), share(&off));
        let georgia = load("scenarios/history/russia-georgia-2004.toml");
        let (off, on) = (
            records(&georgia, 200),
            records(&with_value(&georgia, "model.protector_restraint", 1.0), 200),
        );
        assert!(off.iter().map(displays).sum::<f64>() > 0.0);
        assert_eq!(off, on, "restraint moved a record without a protector");
    }
}
