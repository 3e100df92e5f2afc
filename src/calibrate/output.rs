//! Calibration outputs: the posterior draws CSV (with a provenance header), the
//! per-generation diagnostics CSV, the resumable state (JSON) and the HTML report.
//! docs/CALIBRATION.md documents every column.

use std::fmt::Write as _;

#[cfg(feature = "html")]
use plotters::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::abc::{self, GenerationStats, Population, Settings, State, Stop};
use super::cases;
use super::spec::Calibration;
#[cfg(feature = "html")]
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Provenance shared by every output: engine version, seed, calibration hash.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub engine_version: String,
    pub seed: u64,
    /// SHA-256 of the calibration file and every record and scenario it names.
    pub calibration_sha256: String,
    /// The same with the calibration file's settings left out
    /// (`Calibration::content_sha256_besides_settings`): recorded in the state, so that a
    /// state whose settings differ says whether anything else differs too.
    pub besides_settings_sha256: String,
    /// What the calibration hash is made of, each part named as a message names it, with its
    /// own SHA-256, in order: the calibration file's content besides its settings, the fixed
    /// values of `set` and --set, and for each case its record, its scenario (after the fixed
    /// values) and whether it is held out. Recorded in the state, so that a refused
    /// `--resume` or fresh start says which part differs ([`differing_inputs`]).
    pub inputs: Vec<(String, String)>,
}

impl Provenance {
    fn header(&self, what: &str) -> String {
        format!(
            "# deter calibrate: {what}\n# engine_version = {}\n# seed = {}\n# calibration_sha256 = {}\n",
            self.engine_version, self.seed, self.calibration_sha256
        )
    }
}

/// The fixed parameters of a calibration (`set`, `--set`) as provenance lines,
/// `# set = PATH=VALUE` each (the `--set` that runs under the posterior must repeat), or
/// nothing when none is fixed. `deter run --posterior` reads them back
/// ([`crate::calibrate::nested::Posterior::fixed`]).
pub fn fixed_lines(cal: &Calibration) -> String {
    let mut out = String::new();
    for (path, value) in &cal.fixed {
        let _ = writeln!(out, "# set = {path}={value}");
    }
    out
}

/// Every finite float in shortest round-trip form; non-finite as `inf` (tolerance of
/// generation 0) or empty.
fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else if x == f64::INFINITY {
        "inf".into()
    } else {
        String::new()
    }
}

/// The posterior draws CSV: one row per particle of the final generation, parameter values,
/// the particle's normalised weight and its distance.
pub fn posterior_csv(cal: &Calibration, pop: &Population, prov: &Provenance) -> String {
    let mut out = prov.header("posterior draws (weighted particles of the last generation)");
    out.push_str(&fixed_lines(cal));
    out.push_str("draw");
    for p in &cal.parameters {
        let _ = write!(out, ",{}", p.path);
    }
    out.push_str(",weight,distance\n");
    for i in 0..pop.len() {
        let _ = write!(out, "{i}");
        for v in cases::values(cal, pop.particle(i)) {
            let _ = write!(out, ",{}", num(v));
        }
        let _ = writeln!(out, ",{},{}", num(pop.weights[i]), num(pop.distances[i]));
    }
    out
}

/// The per-generation diagnostics CSV.
pub fn diagnostics_csv(state: &State, prov: &Provenance) -> String {
    let mut out = prov.header("per-generation diagnostics");
    out.push_str("generation,tolerance,simulations,accepted,acceptance_rate,ess\n");
    for g in &state.history {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            g.index,
            num(g.tolerance),
            g.attempts,
            g.accepted,
            num(g.acceptance_rate()),
            num(g.ess)
        );
    }
    if let Some(s) = state.stopped {
        let _ = writeln!(out, "# stopped: {}", s.as_str());
    }
    out
}

/// An f64 as the 16 hex digits of its bits: exact through any JSON reader.
fn bits(x: f64) -> serde_json::Value {
    serde_json::Value::String(format!("{:016x}", x.to_bits()))
}

fn from_bits(v: &serde_json::Value) -> Option<f64> {
    v.as_str()
        .and_then(|s| u64::from_str_radix(s, 16).ok())
        .map(f64::from_bits)
}

/// The resumable state as JSON: settings, history, the last population, and the
/// calibration hash it belongs to. Floats are stored as their bits (hex), so a resumed
/// calibration continues from exactly the same numbers.
pub fn state_json(state: &State, prov: &Provenance) -> String {
    let s = &state.settings;
    let arr = |x: &[f64]| x.iter().map(|&v| bits(v)).collect::<Vec<_>>();
    let pop = state.population.as_ref().map(|p| {
        serde_json::json!({"u": arr(&p.u), "weights": arr(&p.weights), "distances": arr(&p.distances)})
    });
    let history: Vec<_> = state
        .history
        .iter()
        .map(|g| {
            serde_json::json!({
                "index": g.index, "tolerance": bits(g.tolerance),
                "attempts": g.attempts, "accepted": g.accepted, "ess": bits(g.ess),
            })
        })
        .collect();
    let v = serde_json::json!({
        "format": "deter-calibrate-state-1",
        "engine_version": prov.engine_version,
        "calibration_sha256": prov.calibration_sha256,
        "besides_settings_sha256": prov.besides_settings_sha256,
        "inputs": prov.inputs.iter().map(|(what, sha)| serde_json::json!({"input": what, "sha256": sha})).collect::<Vec<_>>(),
        "settings": {
            "particles": s.particles, "max_generations": s.max_generations, "quantile": s.quantile,
            "min_acceptance": s.min_acceptance, "target_tolerance": s.target_tolerance,
            "max_attempts_per_particle": s.max_attempts_per_particle, "seed": s.seed,
        },
        "d": state.d,
        "history": history,
        "population": pop,
        "stopped": state.stopped.map(Stop::as_str),
    });
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}

/// A setting of this calibration that differs from the state's.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingChange {
    /// The calibration file's key (`particles`, `max_generations`, ..., `seed`).
    pub key: &'static str,
    /// Its value in the state, as JSON.
    pub state: serde_json::Value,
    /// Its value now.
    pub now: serde_json::Value,
}

/// Why [`parse_state`] refuses a state.
#[derive(Debug, Clone, PartialEq)]
pub enum StateFault {
    /// Not a calibration state, or one whose named part is damaged: "not JSON (...)",
    /// "its `format` is not deter-calibrate-state-1", "its `distances` are damaged".
    Damaged(String),
    /// A state of another calibration: the settings that differ (empty when what differs is
    /// only known by its hash: the file's text, a record, a case scenario, `set`), whether
    /// something known only by its hash differs besides them (`more`: false when the state's
    /// fingerprint without the settings is this calibration's), and the engine versions
    /// (state's, now) if they differ.
    Another {
        settings: Vec<SettingChange>,
        more: bool,
        engine: Option<(String, String)>,
        /// The parts besides the settings that differ, named ([`differing_inputs`]); None for
        /// a state written before they were recorded.
        inputs: Option<Vec<String>>,
    },
}

/// The parts of the calibration (`prov.inputs`) whose SHA-256 differs from the one recorded in
/// the state `v` (or that only one of them has), in this calibration's order then the state's;
/// None when the state records none (written before deter recorded them). When the fixed
/// values differ, the case scenarios (which take them) are left out: they differ with them.
pub fn differing_inputs(v: &serde_json::Value, prov: &Provenance) -> Option<Vec<String>> {
    let recorded: Vec<(String, String)> = v["inputs"]
        .as_array()?
        .iter()
        .map(|x| {
            Some((
                x["input"].as_str()?.to_string(),
                x["sha256"].as_str()?.to_string(),
            ))
        })
        .collect::<Option<_>>()?;
    let sha_in = |list: &[(String, String)], what: &str| {
        list.iter()
            .find(|(w, _)| w == what)
            .map(|(_, sha)| sha.clone())
    };
    let mut differ: Vec<String> = prov
        .inputs
        .iter()
        .filter(|(what, sha)| sha_in(&recorded, what).as_ref() != Some(sha))
        .map(|(what, _)| what.clone())
        .collect();
    differ.extend(
        recorded
            .iter()
            .filter(|(what, _)| sha_in(&prov.inputs, what).is_none())
            .map(|(what, _)| what.clone()),
    );
    if differ.iter().any(|w| w == FIXED_VALUES) {
        differ.retain(|w| !w.starts_with(SCENARIO_OF_CASE));
    }
    Some(differ)
}

/// The name of the fixed values' part in [`Provenance::inputs`].
pub const FIXED_VALUES: &str = "the fixed values of `set` and --set";
/// The start of the name of a case scenario's part in [`Provenance::inputs`].
pub const SCENARIO_OF_CASE: &str = "the scenario of case ";

/// [`Provenance::inputs`] of a calibration, each part's SHA-256 from `hash` of its text: the
/// calibration file besides its settings (`besides_settings`, its fingerprint), the fixed
/// values, and each case's record (`record_sha256`), scenario (`scenario_sha256`) and
/// held-out flag.
pub fn calibration_inputs(
    cal: &Calibration,
    besides_settings: &str,
    scenario_sha256: impl Fn(&crate::Scenario) -> String,
    hash: impl Fn(&str) -> String,
) -> Vec<(String, String)> {
    let mut fixed = String::new();
    for (path, value) in &cal.fixed {
        let _ = writeln!(fixed, "{path}={value}");
    }
    let mut inputs = vec![
        (
            "the calibration file's content besides its settings".to_string(),
            besides_settings.to_string(),
        ),
        (FIXED_VALUES.to_string(), hash(&fixed)),
    ];
    for c in &cal.cases {
        let id = &c.record.id;
        inputs.push((
            format!("the record of case `{id}`"),
            c.record.content_sha256.clone(),
        ));
        inputs.push((
            format!("{SCENARIO_OF_CASE}`{id}`"),
            scenario_sha256(&c.scenario),
        ));
        inputs.push((
            format!("whether case `{id}` is held out"),
            hash(if c.held_out { "held out" } else { "calibrated" }),
        ));
    }
    inputs
}

impl StateFault {
    /// What differs between the state and this calibration, as far as the state says:
    /// settings with both values, the named parts (or, for a state that does not name them
    /// and whose settings differ, that something else does too), the engine version.
    pub fn differences(&self) -> Vec<String> {
        let StateFault::Another {
            settings,
            more,
            engine,
            inputs,
        } = self
        else {
            return Vec::new();
        };
        let mut differs: Vec<String> = settings
            .iter()
            .map(|c| format!("`{}` {} in the state, {} now", c.key, c.state, c.now))
            .collect();
        let and = if differs.is_empty() { "" } else { "and in " };
        match inputs {
            Some(named) if *more && !named.is_empty() => {
                differs.push(format!("{and}{}", named.join(", ")));
            }
            _ if *more && !differs.is_empty() => differs.push(
                "and in the calibration file's other content, a record or case scenario, or \
                 the fixed values"
                    .into(),
            ),
            _ => {}
        }
        if let Some((then, now)) = engine {
            differs.push(format!("engine version {then} in the state, {now} now"));
        }
        differs
    }
}

impl std::fmt::Display for StateFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateFault::Damaged(why) => write!(f, "not a calibration state ({why})"),
            StateFault::Another { settings, .. } => {
                let differs = self.differences();
                write!(
                    f,
                    "the state belongs to another calibration (its file, a record or case \
                     scenario, or the fixed values of `set` and --set), seed or engine version"
                )?;
                if !differs.is_empty() {
                    write!(f, " (it differs in {}", differs.join(", "))?;
                    if !settings.is_empty() {
                        write!(f, ": a calibration's settings are part of what it is")?;
                    }
                    write!(f, ")")?;
                }
                write!(
                    f,
                    ": resume with the same file, --set values and seed, or remove it to start \
                     afresh"
                )
            }
        }
    }
}

/// Whether `text` is a calibration state at all: `Err` says why not ([`StateFault::Damaged`]'s
/// reason), the same for `--resume` and for a fresh start over it.
pub fn state_value(text: &str) -> Result<serde_json::Value, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if v["format"] != "deter-calibrate-state-1" {
        return Err("its `format` is not deter-calibrate-state-1".into());
    }
    Ok(v)
}

/// Read a state written by [`state_json`]; checks that it belongs to this calibration.
pub fn parse_state(
    text: &str,
    prov: &Provenance,
    settings: &Settings,
) -> Result<State, StateFault> {
    let v = state_value(text).map_err(StateFault::Damaged)?;
    let bad = |what: &str| StateFault::Damaged(format!("its `{what}` is damaged"));
    // The settings as this calibration has them, and whether the state's are of their kind
    // (a whole number or a number): a state without them, or with `"ten"`, is damaged, not
    // another calibration's.
    let now: [(&'static str, serde_json::Value, bool); 7] = [
        ("particles", settings.particles.into(), true),
        ("max_generations", settings.max_generations.into(), true),
        ("quantile", settings.quantile.into(), false),
        ("min_acceptance", settings.min_acceptance.into(), false),
        ("target_tolerance", settings.target_tolerance.into(), false),
        (
            "max_attempts_per_particle",
            settings.max_attempts_per_particle.into(),
            true,
        ),
        ("seed", settings.seed.into(), true),
    ];
    for (key, _, whole) in &now {
        let x = &v["settings"][*key];
        let ok = if *whole {
            x.as_u64().is_some()
        } else {
            x.as_f64().is_some_and(f64::is_finite)
        };
        if !ok {
            return Err(StateFault::Damaged(format!(
                "its `settings` are damaged (`{key}`)"
            )));
        }
    }
    let changes: Vec<SettingChange> = now
        .into_iter()
        .filter(|(k, x, _)| v["settings"][*k] != *x)
        .map(|(key, now, _)| SettingChange {
            key,
            state: v["settings"][key].clone(),
            now,
        })
        .collect();
    let ours = v["calibration_sha256"] == prov.calibration_sha256.as_str();
    let engine_same = v["engine_version"] == prov.engine_version.as_str();
    if ours && engine_same && !changes.is_empty() {
        // The hash covers the calibration file's text, settings included: a state of this
        // calibration with other settings was edited.
        return Err(StateFault::Damaged(format!(
            "its `settings` are not those of the calibration its `calibration_sha256` names \
             (`{}`)",
            changes[0].key
        )));
    }
    if !ours || !engine_same {
        // What the state says of itself that differs from this calibration, where it can
        // say it: its settings and engine version (a record's or scenario's text is known
        // only by its hash).
        let engine = (!engine_same).then(|| {
            (
                v["engine_version"].to_string(),
                prov.engine_version.to_string(),
            )
        });
        // Whether more than the settings differs: the state's fingerprint without them (a
        // state written before it was recorded: unknown, so said as possible).
        let more = changes.is_empty()
            || v["besides_settings_sha256"] != prov.besides_settings_sha256.as_str();
        return Err(StateFault::Another {
            settings: changes,
            more,
            engine,
            inputs: differing_inputs(&v, prov),
        });
    }
    let d = v["d"].as_u64().ok_or_else(|| bad("d"))? as usize;
    let mut history = Vec::new();
    for g in v["history"].as_array().ok_or_else(|| bad("history"))? {
        history.push(GenerationStats {
            index: g["index"].as_u64().ok_or_else(|| bad("index"))? as usize,
            tolerance: from_bits(&g["tolerance"]).ok_or_else(|| bad("tolerance"))?,
            attempts: g["attempts"].as_u64().ok_or_else(|| bad("attempts"))?,
            accepted: g["accepted"].as_u64().ok_or_else(|| bad("accepted"))?,
            ess: from_bits(&g["ess"]).ok_or_else(|| bad("ess"))?,
        });
    }
    let floats = |x: &serde_json::Value, what: &str| -> Result<Vec<f64>, StateFault> {
        x.as_array()
            .ok_or_else(|| bad(what))?
            .iter()
            .map(|e| from_bits(e).ok_or_else(|| bad(what)))
            .collect()
    };
    let population = match &v["population"] {
        serde_json::Value::Null => None,
        p => Some(Population {
            d,
            u: floats(&p["u"], "u")?,
            weights: floats(&p["weights"], "weights")?,
            distances: floats(&p["distances"], "distances")?,
        }),
    };
    if let Some(p) = &population
        && (p.u.len() != p.weights.len() * d || p.distances.len() != p.weights.len())
    {
        return Err(StateFault::Damaged(
            "its `population`'s lengths do not agree".into(),
        ));
    }
    // The generations in order, a population once there is one, a stop that is one, and a
    // stop once the last generation ran: anything else would resume into a wrong state.
    if history.iter().enumerate().any(|(i, g)| g.index != i) {
        return Err(bad("history"));
    }
    if history.is_empty() != population.is_none() {
        return Err(bad("population"));
    }
    let stopped = match &v["stopped"] {
        serde_json::Value::Null => None,
        x => Some(x.as_str().and_then(Stop::parse).ok_or_else(|| bad("stopped"))?),
    };
    if stopped.is_none() && history.len() >= settings.max_generations {
        return Err(bad("stopped"));
    }
    Ok(State {
        settings: settings.clone(),
        d,
        history,
        population,
        stopped,
    })
}

/// Per case and year, the posterior predictive distribution of what a coder would have
/// recorded that year (after the observation model): the 5%, 50% and 95% quantiles of the
/// number of crises (a threat or more) and of non-state incidents, over `m` posterior draws
/// (one run each, the datasets of [`predictive`]'s check).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearBand {
    /// Crises reaching a threat or more: 5%, 50%, 95%.
    pub crises: [u32; 3],
    /// Non-state incidents: 5%, 50%, 95%.
    pub non_state: [u32; 3],
}

/// Per case and statistic, the sorted simulated counts of the posterior predictive check.
pub type PredictiveCounts = Vec<Vec<Vec<u32>>>;

/// The posterior predictive check: for `m` draws resampled from the posterior, one simulated
/// (observed-through-the-observation-model) dataset each, per case and year. Returns per case
/// and statistic the sorted simulated counts, and per case and year the bands
/// ([`YearBand`]), both from the same datasets, simulated once. Deterministic for a seed;
/// parallel over draws. `cancel` (Ctrl-C) is checked before each draw: set, no result
/// ([`crate::engine::Interrupted`]).
///
/// With `cal.attribution` each draw's runs also simulate the seven level-removal variants;
/// their tallies, merged over the draws per case, are the third element (`None` per case
/// without it): the attribution over the posterior predictive, one run per draw.
#[allow(clippy::type_complexity)]
pub fn predictive(
    cal: &Calibration,
    pop: &Population,
    m: usize,
    seed: u64,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<
    (
        PredictiveCounts,
        Vec<Vec<YearBand>>,
        Vec<Option<crate::attribution::Tally>>,
    ),
    crate::engine::Interrupted,
> {
    use super::observe::{K_NON_STATE, crises};
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5050_4343_4845_434b);
    let idx = abc::resample(&pop.weights, m, &mut rng);
    type Draw = (
        Vec<Vec<[u32; super::observe::KINDS]>>,
        Vec<Option<crate::attribution::Tally>>,
    );
    let draws: Vec<Draw> = idx
        .par_iter()
        .enumerate()
        .map(|(k, &i)| {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return None;
            }
            let values = cases::values(cal, pop.particle(i));
            let (years, _, tallies) = cases::simulate_years_attributed(
                cal,
                &values,
                seed.wrapping_add(1 + k as u64) ^ 0x9e37_79b9,
                true,
                cal.attribution,
            );
            Some((years, tallies))
        })
        .collect::<Option<_>>()
        .ok_or(crate::engine::Interrupted)?;
    // Per case, the draws' tallies merged (integer sums: the order of merging is immaterial).
    let mut attribution: Vec<Option<crate::attribution::Tally>> = vec![None; cal.cases.len()];
    for (_, tallies) in &draws {
        for (merged, t) in attribution.iter_mut().zip(tallies) {
            match (merged.as_mut(), t) {
                (Some(m), Some(t)) => m.merge(t),
                (None, Some(t)) => *merged = Some(t.clone()),
                _ => {}
            }
        }
    }
    let sims: Vec<Vec<Vec<[u32; super::observe::KINDS]>>> =
        draws.into_iter().map(|(years, _)| years).collect();
    // Per case and statistic (every case is simulated: `all`), as `cases::simulate` sums them.
    let totals = (0..cal.cases.len())
        .map(|c| {
            cal.statistics
                .iter()
                .map(|s| {
                    let mut v: Vec<u32> = sims.iter().map(|sim| s.of_years(&sim[c])).collect();
                    v.sort_unstable();
                    v
                })
                .collect()
        })
        .collect();
    let bands = cal
        .cases
        .iter()
        .enumerate()
        .map(|(c, case)| {
            (0..case.record.years())
                .map(|y| {
                    let mut crises: Vec<u32> = sims.iter().map(|s| crises(&s[c][y])).collect();
                    let mut ns: Vec<u32> = sims.iter().map(|s| s[c][y][K_NON_STATE]).collect();
                    crises.sort_unstable();
                    ns.sort_unstable();
                    let q = |v: &[u32]| [0.05, 0.5, 0.95].map(|p| count_quantile(v, p));
                    YearBand {
                        crises: q(&crises),
                        non_state: q(&ns),
                    }
                })
                .collect()
        })
        .collect();
    Ok((totals, bands, attribution))
}

/// How the calibration's attribution is switched, in words (its JSON's `cost` and the
/// report's section).
pub const ATTRIBUTION_SWITCH: &str = "off by default in calibrate; `attribution = true` in the \
     calibration file or `deter calibrate --attribution` turns it on for the report's \
     predictive draws (one run a draw, 8 simulations a run: the run itself and 7 \
     level-removal variants; the calibration's own simulations never attribute)";

/// The `cost` of an attribution a calibration wrote (it is on).
pub const ATTRIBUTION_ON: &str = "on for this calibration (--attribution or `attribution = \
     true`; off by default in calibrate): the report's predictive draws only, one run a draw, \
     8 simulations a run (the run itself and 7 level-removal variants); the calibration's own \
     simulations never attribute";

/// Each case's attribution over the predictive draws (`runs` of them, one run each): the
/// Shapley attribution of every probability over the case's horizon to the defenders' three
/// levels ([`crate::report::attribution::AttributionOut`]), `None` for a case without a tally.
pub fn case_attributions(
    cal: &Calibration,
    tallies: &[Option<crate::attribution::Tally>],
    runs: u64,
) -> Vec<Option<crate::report::attribution::AttributionOut>> {
    cal.cases
        .iter()
        .zip(tallies)
        .map(|(case, t)| {
            t.as_ref().map(|t| {
                let ids: Vec<&str> = case.scenario.rivalries.iter().map(|r| r.id.as_str()).collect();
                let mut a = crate::report::attribution::AttributionOut::build(t, runs, &ids);
                a.cost = ATTRIBUTION_ON;
                a
            })
        })
        .collect()
}

/// `attribution.json`: per case (its id and horizon) its attribution over the predictive
/// draws ([`case_attributions`]).
pub fn attribution_json(
    cal: &Calibration,
    prov: &Provenance,
    attributions: &[Option<crate::report::attribution::AttributionOut>],
) -> String {
    let cases: Vec<serde_json::Value> = cal
        .cases
        .iter()
        .zip(attributions)
        .filter_map(|(case, a)| {
            a.as_ref().map(|a| {
                serde_json::json!({
                    "case": case.record.id,
                    "horizon_years": case.scenario.meta.horizon_years,
                    "held_out": case.held_out,
                    "attribution": a,
                })
            })
        })
        .collect();
    let v = serde_json::json!({
        "engine_version": prov.engine_version,
        "calibration_sha256": prov.calibration_sha256,
        "seed": prov.seed,
        "predictive_draws": attributions.iter().flatten().next().map_or(0, |a| a.runs),
        "cases": cases,
    });
    let mut text = serde_json::to_string_pretty(&v).expect("JSON of plain values");
    text.push('\n');
    text
}

#[cfg(feature = "html")]
/// One case's per-year chart: the predictive 5-95% band and median of the recorded crises and
/// non-state incidents per year, with the record's counts drawn on top (crosses).
fn yearly_chart(
    case: &str,
    first_year: i32,
    bands: &[YearBand],
    obs: &[[u32; super::observe::KINDS]],
) -> String {
    use super::observe::{K_NON_STATE, crises};
    let n = bands.len() as i32;
    let crises_obs: Vec<u32> = obs.iter().map(crises).collect();
    let ns_obs: Vec<u32> = obs.iter().map(|y| y[K_NON_STATE]).collect();
    let ymax = bands
        .iter()
        .flat_map(|b| [b.crises[2], b.non_state[2]])
        .chain(crises_obs.iter().copied())
        .chain(ns_obs.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f64
        + 0.8;
    let series = [
        (
            "crises (threat or more)",
            RGBColor(0, 114, 178),
            bands.iter().map(|b| b.crises).collect::<Vec<_>>(),
            crises_obs,
            -0.12,
        ),
        (
            "non-state incidents",
            RGBColor(213, 94, 0),
            bands.iter().map(|b| b.non_state).collect::<Vec<_>>(),
            ns_obs,
            0.12,
        ),
    ];
    svg(W + 160, H + 40, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(case, ("sans-serif", 14))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(
                (first_year as f64 - 0.6)..(first_year as f64 + n as f64 - 0.4),
                0.0..ymax,
            )
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_label_formatter(&|x| format!("{:.0}", x))
            .y_desc("recorded in the year")
            .label_style(("sans-serif", 11))
            .draw()
            .map_err(|e| e.to_string())?;
        for (name, colour, q, obs, dx) in &series {
            let (colour, dx) = (*colour, *dx);
            chart
                .draw_series(q.iter().enumerate().map(|(y, q)| {
                    let x = first_year as f64 + y as f64 + dx;
                    Rectangle::new(
                        [
                            (x - 0.1, f64::from(q[0])),
                            (x + 0.1, f64::from(q[2]) + 0.04),
                        ],
                        colour.mix(0.25).filled(),
                    )
                }))
                .map_err(|e| e.to_string())?
                .label(format!("{name}: predictive 5-95%, median"))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 4), (x + 12, y + 4)], colour.mix(0.4).filled())
                });
            chart
                .draw_series(q.iter().enumerate().map(|(y, q)| {
                    let x = first_year as f64 + y as f64 + dx;
                    PathElement::new(
                        vec![(x - 0.12, f64::from(q[1])), (x + 0.12, f64::from(q[1]))],
                        colour.stroke_width(2),
                    )
                }))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(obs.iter().enumerate().map(|(y, &o)| {
                    let x = first_year as f64 + y as f64 + dx;
                    Cross::new((x, f64::from(o)), 5, BLACK.stroke_width(2))
                }))
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .border_style(BLACK)
            .label_font(("sans-serif", 10))
            .draw()
            .map_err(|e| e.to_string())
    })
}

/// Quantile q of sorted counts by rank: for `q <= 1/2` the `ceil(q n)`-th smallest, for
/// `q > 1/2` the `ceil((1 - q) n)`-th largest, so a central interval's ends are mirror images
/// (the rule of [`super::abc::weighted_quantile`] with equal weights).
pub fn count_quantile(sorted: &[u32], q: f64) -> u32 {
    let n = sorted.len();
    if n == 0 {
        return 0;
    }
    let rank = |t: f64| ((t * n as f64 * (1.0 - 1e-9)).ceil() as usize).clamp(1, n);
    if q > 0.5 {
        sorted[n - rank(1.0 - q)]
    } else {
        sorted[rank(q) - 1]
    }
}

#[cfg(feature = "html")]
const W: u32 = 360;
#[cfg(feature = "html")]
const H: u32 = 240;

#[cfg(feature = "html")]
fn svg(
    w: u32,
    h: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), String>,
) -> String {
    let mut out = String::new();
    let r = {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|_| draw(&root))
            .and_then(|_| root.present().map_err(|e| e.to_string()))
    };
    match r {
        Ok(()) => out,
        Err(e) => html! { p { "chart could not be drawn: " (e) } }.into_string(),
    }
}

#[cfg(feature = "html")]
/// Weighted histogram densities of `x` on [lo, hi] with `bins` bins.
fn histogram(x: &[f64], w: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut h = vec![0.0; bins];
    let total: f64 = w.iter().sum();
    let width = (hi - lo) / bins as f64;
    for (&xi, &wi) in x.iter().zip(w) {
        let b = (((xi - lo) / width) as usize).min(bins - 1);
        h[b] += wi / total / width;
    }
    h
}

#[cfg(feature = "html")]
fn prior_posterior_chart(
    name: &str,
    lo: f64,
    hi: f64,
    prior: &[f64],
    post: &[f64],
    wpost: &[f64],
) -> String {
    let bins = 20;
    let hp = histogram(prior, &vec![1.0; prior.len()], lo, hi, bins);
    let hq = histogram(post, wpost, lo, hi, bins);
    let ymax = hp.iter().chain(&hq).copied().fold(0.0, f64::max).max(1e-12) * 1.1;
    svg(W, H, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(name, ("sans-serif", 14))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(lo..hi, 0.0..ymax)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .y_desc("density")
            .label_style(("sans-serif", 11))
            .draw()
            .map_err(|e| e.to_string())?;
        let width = (hi - lo) / bins as f64;
        let step = |h: &[f64]| -> Vec<(f64, f64)> {
            let mut pts = vec![(lo, 0.0)];
            for (b, &y) in h.iter().enumerate() {
                pts.push((lo + b as f64 * width, y));
                pts.push((lo + (b + 1) as f64 * width, y));
            }
            pts.push((hi, 0.0));
            pts
        };
        chart
            .draw_series(LineSeries::new(
                step(&hp),
                RGBColor(90, 90, 90).stroke_width(1),
            ))
            .map_err(|e| e.to_string())?
            .label("prior")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], RGBColor(90, 90, 90)));
        chart
            .draw_series(LineSeries::new(
                step(&hq),
                RGBColor(0, 114, 178).stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label("posterior")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], RGBColor(0, 114, 178)));
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .label_font(("sans-serif", 11))
            .draw()
            .map_err(|e| e.to_string())
    })
}

#[cfg(feature = "html")]
fn scatter_chart(nx: &str, ny: &str, pts: &[(f64, f64)], xr: (f64, f64), yr: (f64, f64)) -> String {
    svg(W, H + 20, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc(nx)
            .y_desc(ny)
            .label_style(("sans-serif", 11))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                pts.iter()
                    .map(|&p| Circle::new(p, 2, RGBColor(0, 114, 178).mix(0.4).filled())),
            )
            .map_err(|e| e.to_string())?;
        Ok(())
    })
}

#[cfg(feature = "html")]
/// Per case: each statistic's posterior predictive 5-95% and 25-75% ranges and median, with
/// the observed count on top.
fn predictive_chart(case: &str, labels: &[&str], pred: &[Vec<u32>], obs: &[u32]) -> String {
    let ymax = pred
        .iter()
        .map(|s| count_quantile(s, 0.95))
        .chain(obs.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * 1.15;
    let n = labels.len();
    svg(W + 120, H, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(case, ("sans-serif", 14))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..ymax)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                    labels[i as usize].to_string()
                } else {
                    String::new()
                }
            })
            .y_desc("events over the case's years")
            .label_style(("sans-serif", 11))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, s) in pred.iter().enumerate() {
            let x = i as f64;
            let q = |p| f64::from(count_quantile(s, p));
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.3, q(0.05)), (x + 0.3, q(0.95))],
                    RGBColor(0, 114, 178).mix(0.2).filled(),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.3, q(0.25)), (x + 0.3, q(0.75))],
                    RGBColor(0, 114, 178).mix(0.45).filled(),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(LineSeries::new(
                    vec![(x - 0.3, q(0.5)), (x + 0.3, q(0.5))],
                    RGBColor(0, 114, 178).stroke_width(2),
                ))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Cross::new(
                    (x, f64::from(obs[i])),
                    7,
                    RGBColor(213, 94, 0).stroke_width(3),
                )))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}

/// Whether each observed count lies in the central 90% of its posterior predictive
/// distribution, per case and statistic.
pub fn inside_90(pred: &[Vec<Vec<u32>>], obs: &[Vec<u32>]) -> Vec<Vec<bool>> {
    pred.iter()
        .zip(obs)
        .map(|(pc, oc)| {
            pc.iter()
                .zip(oc)
                .map(|(s, &o)| count_quantile(s, 0.05) <= o && o <= count_quantile(s, 0.95))
                .collect()
        })
        .collect()
}

#[cfg(feature = "html")]
const REPORT_CSS: &str = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}\
     table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\
     th{background:#f3f3f3}.fig{display:inline-block;vertical-align:top;margin:4px}\
     .note{color:#555;font-size:90%}";

#[cfg(feature = "html")]
/// The HTML report.
pub fn report_html(
    cal: &Calibration,
    state: &State,
    prov: &Provenance,
    pred: &[Vec<Vec<u32>>],
    yearly: &[Vec<YearBand>],
    attributions: &[Option<crate::report::attribution::AttributionOut>],
) -> String {
    let dot = PreEscaped(" &middot; ");
    let body = html! {
        h1 { "Calibration: " (cal.name) }
        p class="note" {
            "deter " (prov.engine_version) (dot) "seed " (prov.seed) (dot) "calibration SHA-256 "
            (prov.calibration_sha256) (dot)
            "approximate Bayesian computation by sequential Monte Carlo \
             (Beaumont et al. 2009, adaptive tolerances). Stopped: "
            (state.stopped.map_or("not finished", Stop::as_str)) "."
        }
        @if !cal.fixed.is_empty() {
            p class="note" {
                "Fixed for the whole calibration (" code { "set" } ", " code { "--set" } "): "
                @for (i, (p, v)) in cal.fixed.iter().enumerate() {
                    @if i > 0 { ", " }
                    code { (p) } " = " (v)
                }
                ". Run under this posterior with the same " code { "--set" } "."
            }
        }
        h2 { "Generations" }
        table {
            tr {
                th { "generation" } th { "tolerance" } th { "simulations" } th { "acceptance rate" }
                th { "effective sample size" }
            }
            @for g in &state.history {
                tr {
                    td { (g.index) }
                    td {
                        @if g.tolerance.is_finite() {
                            (format!("{:.3}", g.tolerance))
                        } @else {
                            (PreEscaped("&infin;"))
                        }
                    }
                    td { (g.attempts) }
                    td { (format!("{:.3}", g.acceptance_rate())) }
                    td { (format!("{:.0}", g.ess)) }
                }
            }
        }
        @if let Some(pop) = state.population.as_ref() {
            (posterior_html(cal, pop, prov, pred, yearly))
            (attribution_html(cal, attributions))
        } @else {
            p { "No generation finished." }
        }
    };
    let mut out = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="generator" content={ "deter " (crate::ENGINE_VERSION) };
                title { (cal.name) }
                style { (PreEscaped(REPORT_CSS)) }
            }
            body { (body) }
        }
    }
    .into_string();
    out.push('\n');
    out
}

/// The report's sections on the last population: prior and posterior, correlated pairs,
/// the posterior predictive check and the record per year.
#[cfg(feature = "html")]
fn posterior_html(
    cal: &Calibration,
    pop: &Population,
    prov: &Provenance,
    pred: &[Vec<Vec<u32>>],
    yearly: &[Vec<YearBand>],
) -> Markup {
    // Parameter values of the posterior particles; prior draws from the unit cube directly.
    let post_vals: Vec<Vec<f64>> = (0..pop.len())
        .map(|i| cases::values(cal, pop.particle(i)))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(prov.seed ^ 0x5052_494f_5200);
    let prior_n = 4000;
    let range = |k: usize| match cal.parameters[k].domain {
        crate::sweep::spec::Domain::Range { lo, hi, .. } => (lo, hi),
        _ => (0.0, 1.0),
    };
    let mut rows = Vec::new();
    let mut figs = Vec::new();
    for (k, p) in cal.parameters.iter().enumerate() {
        let x: Vec<f64> = post_vals.iter().map(|v| v[k]).collect();
        let mean: f64 = x.iter().zip(&pop.weights).map(|(a, w)| a * w).sum::<f64>()
            / pop.weights.iter().sum::<f64>();
        let q = |p| abc::weighted_quantile(&x, &pop.weights, p);
        let (lo, hi) = range(k);
        rows.push(html! {
            tr {
                td style="text-align:left" { (p.path) }
                td { "[" (lo) ", " (hi) "]" }
                @for v in [mean, q(0.05), q(0.5), q(0.95)] { td { (format!("{v:.4}")) } }
            }
        });
        let prior: Vec<f64> = (0..prior_n)
            .map(|_| p.value_at(rand::RngExt::random::<f64>(&mut rng)))
            .collect();
        figs.push(prior_posterior_chart(&p.path, lo, hi, &prior, &x, &pop.weights));
    }
    // Most correlated pairs.
    let d = cal.parameters.len();
    let mut pairs = Vec::new();
    for a in 0..d {
        for b in a + 1..d {
            let xa: Vec<f64> = post_vals.iter().map(|v| v[a]).collect();
            let xb: Vec<f64> = post_vals.iter().map(|v| v[b]).collect();
            pairs.push((weighted_corr(&xa, &xb, &pop.weights), a, b));
        }
    }
    pairs.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
    let idx = if d >= 2 {
        abc::resample(&pop.weights, 600, &mut rng)
    } else {
        Vec::new()
    };
    // Posterior predictive.
    let obs = cases::observed(cal);
    let inside = inside_90(pred, &obs);
    let labels: Vec<&str> = cal.statistics.iter().map(|s| s.as_str()).collect();
    let obs_years = cases::observed_years(cal);
    let fig = |svg: String| html! { div class="fig" { (PreEscaped(svg)) } };
    html! {
        h2 { "Prior and posterior" }
        table {
            tr {
                th { "parameter" } th { "prior range" } th { "posterior mean" } th { "5%" }
                th { "50%" } th { "95%" }
            }
            @for row in rows { (row) }
        }
        @for svg in figs { (fig(svg)) }
        @if d >= 2 {
            h2 { "Most correlated pairs (posterior)" }
            @for &(r, a, b) in pairs.iter().take(3) {
                @let pts: Vec<(f64, f64)> = idx
                    .iter()
                    .map(|&i| (post_vals[i][a], post_vals[i][b]))
                    .collect();
                @let (na, nb) = (&cal.parameters[a].path, &cal.parameters[b].path);
                div class="fig" {
                    p { (na) " vs " (nb) ": weighted correlation " (format!("{r:.2}")) }
                    (PreEscaped(scatter_chart(na, nb, &pts, range(a), range(b))))
                }
            }
        }
        h2 { "Posterior predictive check" }
        p {
            "For each case, the counts a coder would have \
             recorded (after the observation model) in datasets simulated at parameters drawn from \
             the posterior: light band 5-95%, dark band 25-75%, line the median; the cross is the \
             observed record (primary reading)."
        }
        @for (c, case) in cal.cases.iter().enumerate() {
            (fig(predictive_chart(&case_name(case), &labels, &pred[c], &obs[c])))
        }
        table {
            tr {
                th { "case" } th { "statistic" } th { "observed" } th { "predictive 5%" }
                th { "median" } th { "95%" } th { "inside central 90%" }
            }
            @for (c, case) in cal.cases.iter().enumerate() {
                @for (s, st) in cal.statistics.iter().enumerate() {
                    @let sorted = &pred[c][s];
                    tr {
                        td style="text-align:left" { (case_name(case)) }
                        td style="text-align:left" { (st.label()) }
                        td { (obs[c][s]) }
                        @for q in [0.05, 0.5, 0.95] { td { (count_quantile(sorted, q)) } }
                        td { @if inside[c][s] { "yes" } @else { b { "no" } } }
                    }
                }
            }
        }
        h2 { "Per year: posterior predictive and the record" }
        p {
            "For each year, what a coder \
             would have recorded in datasets simulated at parameters drawn from the posterior (after \
             the observation model): the 5-95% band and median (bar) of the number of crises reaching \
             a threat or more, and of non-state incidents; the crosses are the record (primary reading; \
             each crisis counted once, in the year it reached its highest level)."
        }
        @for (c, case) in cal.cases.iter().enumerate() {
            @if let Some(y) = yearly.get(c) {
                (fig(yearly_chart(&case_name(case), case.record.first_year, y, &obs_years[c])))
            }
        }
        h2 { "The observed record per year" }
        @for case in &cal.cases {
            @let r = &case.record;
            @let per: Vec<Vec<u32>> = super::EventType::ALL
                .iter()
                .map(|(_, t)| r.yearly(*t))
                .collect();
            h3 { (r.name) }
            table {
                tr {
                    th { "year" }
                    @for (name, _) in super::EventType::ALL { th { (name) } }
                }
                @for y in 0..r.years() {
                    tr {
                        td { (r.first_year + y as i32) }
                        @for col in &per {
                            td { @if col[y] != 0 { (col[y]) } }
                        }
                    }
                }
            }
        }
    }
}

/// The report's section "Which level deters in each case": per case, region-wide, the change
/// in each event's probability over the case's horizon when the defenders' three levels are
/// removed, and its three Shapley shares, over the predictive draws (`attribution.json` has
/// every rivalry and the variants' counts); a note when the attribution is off.
#[cfg(feature = "html")]
fn attribution_html(
    cal: &Calibration,
    attributions: &[Option<crate::report::attribution::AttributionOut>],
) -> maud::Markup {
    use crate::outputs::EVENTS;
    use crate::report::attribution::{pp, pp_interval};
    let cell = |c: &crate::report::attribution::ChangeOut| match (c.paired95_lo, c.paired95_hi) {
        (Some(lo), Some(hi)) => format!("{} [{}]", pp(c.change), pp_interval(lo, hi)),
        _ => pp(c.change),
    };
    html! {
        h2 { "Which level deters in each case (posterior predictive)" }
        @if !cal.attribution {
            p class="note" {
                "Not attributed: the attribution is " (ATTRIBUTION_SWITCH) "."
            }
        } @else {
            p {
                "For each case, region-wide, over the predictive draws (one run a draw, at \
                 parameters drawn from the posterior): how much the probability of each event \
                 over the case's horizon rises (+) or falls (-), in percentage points, when the \
                 defenders lose all three levels, and that total split into the military, \
                 political and economic levels' Shapley shares (they add up to it exactly), \
                 with paired 95% intervals. Counterfactual: "
                (crate::report::attribution::COUNTERFACTUAL) ". It says what the model, \
                 calibrated, attributes to each level, not what any real policy achieved. \
                 Every rivalry, the variants' counts and the levels removed alone: "
                code { "attribution.json" } "."
            }
            @for (case, a) in cal.cases.iter().zip(attributions) {
                @if let Some(a) = a {
                    h3 { (case_name(case)) " (" (a.runs) " draws)" }
                    table {
                        tr {
                            th { "event" } th { "P as is" } th { "all three removed (pp)" }
                            th { "military (pp)" } th { "political (pp)" } th { "economic (pp)" }
                        }
                        @for (e, x) in EVENTS.iter().zip(&a.entities[0].events.0) {
                            tr {
                                td style="text-align:left" { (e.label) }
                                td { (crate::report::percent(x.p_as_is, 1)) "%" }
                                td { (cell(&x.removing_all)) }
                                td { (cell(&x.military)) }
                                td { (cell(&x.political)) }
                                td { (cell(&x.economic)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(feature = "html")]
fn case_name(case: &super::spec::Case) -> String {
    if case.held_out {
        format!("{} (held out)", case.record.name)
    } else {
        case.record.name.clone()
    }
}

#[cfg(feature = "html")]
fn weighted_corr(a: &[f64], b: &[f64], w: &[f64]) -> f64 {
    let t: f64 = w.iter().sum();
    let ma = a.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / t;
    let mb = b.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / t;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for ((x, y), w) in a.iter().zip(b).zip(w) {
        sab += w * (x - ma) * (y - mb);
        saa += w * (x - ma) * (x - ma);
        sbb += w * (y - mb) * (y - mb);
    }
    if saa > 0.0 && sbb > 0.0 {
        sab / (saa * sbb).sqrt()
    } else {
        0.0
    }
}
