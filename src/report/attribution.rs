//! "Which level deters" in the reports: the Shapley attribution of `crate::attribution` as
//! JSON (`attribution` in a run, `attribution_shift` in a comparison; docs/OUTPUT.md), table
//! lines, tidy CSV rows and HTML sections. Every line says what the counterfactual is, the
//! unit (percentage points of a probability over the horizon) and the interval's kind.

use std::fmt::Write;

use serde::Serialize;
use serde::ser::SerializeMap;

#[cfg(feature = "html")]
use maud::{Markup, html};

use super::finite;
use crate::attribution::{self as attr, EventTally, LEVELS, PairedTally, REMOVED, Tally};
use crate::outputs::{EVENTS, N_EVENTS};

/// The counterfactual, in words (docs/MODEL.md 7.13).
pub const COUNTERFACTUAL: &str = "a level is removed from the defender side (the target and its protectors) in every crisis: military = the target's and its protectors' forces and their commitment to fight; political = pacts' treaty and reputation terms, tripwires, international monitoring (also where it lowers the rate of non-state incidents, so the political share includes the crises those incidents open), and the target's cohesion and reputation in its cost of conceding; economic = Western sanctions and the challenger's trade with the target. The challenger, everything else and every random draw are unchanged (docs/MODEL.md 7.13)";

/// The unit of every change, in words.
pub const UNITS: &str = "change in the probability that the event happens at least once over the horizon when levels are removed, as a probability difference (0.01 = 1 percentage point); positive: removing the level raises it. A level's value is its Shapley share: its removal's effect averaged over the six orders of removing the three levels; the three add up exactly to the change when all three are removed";

/// How to read a shift B - A of the attribution, in the comparison's table and page alike:
/// its sign, and what it cannot say (a trial's student read a sanctions policy's equal
/// shift of all three shares as the policy working through all three).
pub const READING_SHIFT: &str = "How to read B - A: + when removing the level (or all three) \
     raises the probability more under B than under A, so that under B the defenders hold back \
     more of the event; for deterrence held, where removing lowers the probability, - means \
     they hold up more of it. A shift of a share does not say which level a policy acted \
     through: a Shapley share averages a level's removal over the presence and absence of the \
     other two, so a policy on one level (sanctions) can move all three shares";

/// How to switch it off, in words.
pub const SWITCH_OFF: &str = "on by default in run and compare (8 simulations per run: the run itself and 7 level-removal variants); --no-attribution (Python: attribution=False) switches it off";

/// A change in P(event) with its paired 95% interval.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangeOut {
    /// The mean change, a probability difference.
    pub change: f64,
    /// Paired 95% interval (the change itself when every run gave the same value); null
    /// when the sample cannot support one (fewer than two runs: `undefined` says why).
    pub paired95_lo: Option<f64>,
    pub paired95_hi: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
    /// Six times the sum over runs of the per-run values: an exact integer (`change` =
    /// `sum6 / 6 / runs`).
    pub sum6: i64,
}

impl ChangeOut {
    fn of(sum6: i64, sq36: u64, runs: u64) -> Self {
        let m = attr::mean_interval(sum6, sq36, runs, 1.0);
        Self {
            change: finite(m.mean),
            paired95_lo: m.interval.map(|i| finite(i.0)),
            paired95_hi: m.interval.map(|i| finite(i.1)),
            undefined: m.undefined,
            sum6,
        }
    }
}

/// One variant: runs with the event, and their share.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VariantOut {
    pub count: u64,
    pub p: f64,
}

/// The eight variants keyed by the levels they remove ([`REMOVED`]: "none" is the run as it
/// is, "all" removes all three).
#[derive(Debug, Clone, PartialEq)]
pub struct Variants(pub [VariantOut; 8]);

impl Serialize for Variants {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(8))?;
        for (k, v) in REMOVED.iter().zip(&self.0) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The attribution of one event for one entity.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventAttributionOut {
    /// P(event) as is (every level present): the report's own probability.
    pub p_as_is: f64,
    /// P(event) with all three defender levels removed.
    pub p_all_removed: f64,
    /// `p_all_removed - p_as_is`, with its paired interval.
    pub removing_all: ChangeOut,
    /// Shapley shares of `removing_all`, one per level; they sum to it exactly (`sum6`).
    pub military: ChangeOut,
    pub political: ChangeOut,
    pub economic: ChangeOut,
    /// The change when one level alone is removed (the other two kept): `variants.<level>.p
    /// - p_as_is`, per level. Not a share: the three need not add up to `removing_all`.
    pub removing_alone: AloneOut,
    /// Every variant's count, keyed by the levels removed.
    pub variants: Variants,
}

/// The change in P(event) when one level alone is removed, per level: a probability
/// difference (0.01 = 1 percentage point), `(variants.<level>.count - variants.none.count) /
/// runs`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AloneOut {
    pub military: f64,
    pub political: f64,
    pub economic: f64,
}

impl AloneOut {
    /// The three changes, in [`LEVELS`] order.
    pub fn levels(&self) -> [f64; 3] {
        [self.military, self.political, self.economic]
    }
}

impl EventAttributionOut {
    fn from_tally(t: &EventTally, runs: u64) -> Self {
        let n = runs.max(1) as f64;
        // Variant r removes the levels in r, i.e. keeps the levels in !r.
        let variants = Variants(std::array::from_fn(|r| {
            let count = t.present[!r & 7];
            VariantOut {
                count,
                p: finite(count as f64 / n),
            }
        }));
        let level = |k: usize| ChangeOut::of(t.shapley6[k], t.shapley6_sq[k], runs);
        // Removing level k alone keeps the other two: present set 7 minus bit k.
        let alone = |k: usize| finite((t.present[7 & !(1 << k)] as f64 - t.present[7] as f64) / n);
        Self {
            p_as_is: finite(t.present[7] as f64 / n),
            p_all_removed: finite(t.present[0] as f64 / n),
            removing_all: ChangeOut::of(t.total6(), t.total6_sq, runs),
            military: level(0),
            political: level(1),
            economic: level(2),
            removing_alone: AloneOut {
                military: alone(0),
                political: alone(1),
                economic: alone(2),
            },
            variants,
        }
    }

    /// The three levels' values, in [`LEVELS`] order.
    pub fn levels(&self) -> [&ChangeOut; 3] {
        [&self.military, &self.political, &self.economic]
    }
}

/// One attribution per [`EVENTS`] entry; serialised keyed by the events' keys.
#[derive(Debug, Clone, PartialEq)]
pub struct EventsOut<T>(pub Vec<T>);

impl<T: Serialize> Serialize for EventsOut<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(N_EVENTS))?;
        for (e, v) in EVENTS.iter().zip(&self.0) {
            m.serialize_entry(e.key, v)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityAttributionOut {
    /// "region" or the rivalry's id.
    pub entity: String,
    pub events: EventsOut<EventAttributionOut>,
}

/// `attribution` in a run's JSON (docs/OUTPUT.md).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AttributionOut {
    pub counterfactual: &'static str,
    pub units: &'static str,
    pub method: &'static str,
    pub cost: &'static str,
    /// Runs, each simulated as is and under the 7 variants that remove a level.
    pub runs: u64,
    pub simulations_per_run: u32,
    /// The region first, then every rivalry in file order.
    pub entities: Vec<EntityAttributionOut>,
}

impl AttributionOut {
    /// From the tallies of `runs` runs; `ids` are the rivalries' ids in file order.
    pub fn build(t: &Tally, runs: u64, ids: &[&str]) -> Self {
        let names = std::iter::once("region").chain(ids.iter().copied());
        Self {
            counterfactual: COUNTERFACTUAL,
            units: UNITS,
            method: attr::METHOD,
            cost: SWITCH_OFF,
            runs,
            simulations_per_run: 8,
            entities: t
                .entities
                .iter()
                .zip(names)
                .map(|(e, name)| EntityAttributionOut {
                    entity: name.to_string(),
                    events: EventsOut::from_tally(e, runs),
                })
                .collect(),
        }
    }
}

impl EventsOut<EventAttributionOut> {
    /// One entity's attribution, event by event, from its tallies of `runs` runs: what
    /// [`AttributionOut::build`] writes for each entity and a sweep row for the region.
    pub fn from_tally(e: &[EventTally], runs: u64) -> Self {
        EventsOut(
            e.iter()
                .map(|x| EventAttributionOut::from_tally(x, runs))
                .collect(),
        )
    }
}

/// One level's attribution under A and B and the paired shift.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelShiftOut {
    /// The level's value under A and under B (as in `attribution`).
    pub a: f64,
    pub b: f64,
    /// `b - a`, with its paired 95% interval (run i of A and of B share their streams; the
    /// shift itself when every run gave the same shift; null with fewer than two runs).
    pub shift: f64,
    pub paired95_lo: Option<f64>,
    pub paired95_hi: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
    /// Six times the sum over runs of the per-run shifts (an exact integer).
    pub sum6: i64,
}

impl LevelShiftOut {
    /// Whether B - A is 0 in every run (its interval the point 0), said
    /// [`super::UNCHANGED`] beside it in tables (and flagged so by the Python package).
    pub fn unchanged_in_every_run(&self) -> bool {
        super::unchanged_in_every_run(self.shift, self.paired95_lo, self.paired95_hi)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventShiftOut {
    pub removing_all: LevelShiftOut,
    pub military: LevelShiftOut,
    pub political: LevelShiftOut,
    pub economic: LevelShiftOut,
}

impl EventShiftOut {
    /// The three levels' shifts, in [`LEVELS`] order.
    pub fn levels(&self) -> [&LevelShiftOut; 3] {
        [&self.military, &self.political, &self.economic]
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityShiftOut {
    pub entity: String,
    pub events: EventsOut<EventShiftOut>,
}

/// `attribution_shift` in a comparison's JSON: how B shifts the attribution.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AttributionShiftOut {
    pub counterfactual: &'static str,
    pub units: &'static str,
    pub method: &'static str,
    pub runs: u64,
    /// The region first, then every rivalry present in both scenarios.
    pub entities: Vec<EntityShiftOut>,
}

/// Units of the shift, in words.
pub const SHIFT_UNITS: &str = "B's attribution minus A's, per level and for removing all three, as a probability difference (0.01 = 1 percentage point), paired run by run";

impl AttributionShiftOut {
    /// From the paired tallies and both sides' attributions; `pairs` maps rivalries
    /// (index in A, index in B).
    pub fn build(
        t: &PairedTally,
        runs: u64,
        a: &AttributionOut,
        b: &AttributionOut,
        pairs: &[(usize, usize)],
    ) -> Self {
        let sides = std::iter::once((0, 0)).chain(pairs.iter().map(|&(x, y)| (x + 1, y + 1)));
        let entities = t
            .entities
            .iter()
            .zip(sides)
            .map(|(e, (ia, ib))| {
                let (ea, eb) = (&a.entities[ia], &b.entities[ib]);
                let events = e
                    .iter()
                    .enumerate()
                    .map(|(k, x)| {
                        let (va, vb) = (&ea.events.0[k], &eb.events.0[k]);
                        let shift = |sum6: i64, sq: u64, ca: &ChangeOut, cb: &ChangeOut| {
                            let m = attr::mean_interval(sum6, sq, runs, 2.0);
                            LevelShiftOut {
                                a: ca.change,
                                b: cb.change,
                                shift: finite(m.mean),
                                paired95_lo: m.interval.map(|i| finite(i.0)),
                                paired95_hi: m.interval.map(|i| finite(i.1)),
                                undefined: m.undefined,
                                sum6,
                            }
                        };
                        let level = |j: usize| {
                            shift(x.diff6[j], x.diff6_sq[j], va.levels()[j], vb.levels()[j])
                        };
                        EventShiftOut {
                            removing_all: shift(
                                x.total_diff6,
                                x.total_diff6_sq,
                                &va.removing_all,
                                &vb.removing_all,
                            ),
                            military: level(0),
                            political: level(1),
                            economic: level(2),
                        }
                    })
                    .collect();
                EntityShiftOut {
                    entity: ea.entity.clone(),
                    events: EventsOut(events),
                }
            })
            .collect();
        Self {
            counterfactual: COUNTERFACTUAL,
            units: SHIFT_UNITS,
            method: attr::METHOD,
            runs,
            entities,
        }
    }
}

/// Percentage points with one decimal, signed.
/// A change (a probability difference) in percentage points, signed, at the one decimal the
/// table, the HTML page and the comparison print: "+15.6", "-0.4", "+0.0" when it is zero; a
/// change that is not zero but rounds to 0.0 is "+<0.05" or "-<0.05", never "+0.0" or "-0.0".
pub fn pp(x: f64) -> String {
    if rounds_to_zero(x) {
        return format!("{}<0.05", if x < 0.0 { '-' } else { '+' });
    }
    super::percent_signed(x, 1)
}

/// A paired interval of a change in percentage points, signed, at one decimal: "-41.3 to
/// -40.2"; both ends rounding to zero, "within +-0.05" (never "-<0.05 to +<0.05":
/// [`super::tiny_interval`]).
pub fn pp_interval(lo: f64, hi: f64) -> String {
    super::tiny_interval(lo, hi, 1).unwrap_or_else(|| format!("{} to {}", pp(lo), pp(hi)))
}

/// An end of an interval whose direction the sentence's verb states, in percentage points at
/// one decimal, unsigned unless negative: "0.5", "-0.3"; one that is not zero but rounds to
/// 0.0 is "<0.05" or "-<0.05", never "0.0" (docs/OUTPUT.md, "Changes too small to print").
fn unsigned_end(x: f64) -> String {
    if rounds_to_zero(x) {
        return if x < 0.0 { "-<0.05" } else { "<0.05" }.to_string();
    }
    super::percent(x, 1)
}

/// Whether a change that is not zero prints as 0.0 percentage points at one decimal.
fn rounds_to_zero(x: f64) -> bool {
    x != 0.0 && super::percent(x.abs(), 1) == "0.0"
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Whether `c` is 0 in every run (its interval the point 0).
fn unchanged(c: &ChangeOut) -> bool {
    super::unchanged_in_every_run(c.change, c.paired95_lo, c.paired95_hi)
}

/// "raises P(use of force within 10 years) by 15.6 percentage points (paired 95% interval
/// 13.8 to 17.4)"; `p` is the event's probability in words ([`crate::outputs::Event::probability`]).
pub fn effect(p: &str, c: &ChangeOut) -> String {
    if unchanged(c) {
        return format!(
            "leaves {p} {} (paired 95% interval 0.0 to 0.0)",
            super::UNCHANGED
        );
    }
    // Not zero, but "by 0.0 percentage points" at the printed precision: said in words, with
    // no verb of direction either (the interval, as computed, gives the sign it has).
    let tiny = rounds_to_zero(c.change);
    let (verb, sign) = if c.change < 0.0 && !tiny {
        ("lowers", -1.0)
    } else {
        ("raises", 1.0)
    };
    let interval = match (c.paired95_lo, c.paired95_hi) {
        (Some(lo), Some(hi)) => {
            let (a, b) = if sign < 0.0 { (-hi, -lo) } else { (lo, hi) };
            match super::tiny_interval(a, b, 1) {
                Some(t) => format!("paired 95% interval {t}"),
                None => format!(
                    "paired 95% interval {} to {}",
                    unsigned_end(a),
                    unsigned_end(b)
                ),
            }
        }
        _ => format!(
            "paired 95% interval {}",
            super::table::readable_reason(c.undefined.as_deref().unwrap_or("undefined"))
        ),
    };
    // A zero change that is not known unchanged in every run (one run: no interval): no
    // verb of direction ("raises ... by 0.0 percentage points" contradicted its number).
    if c.sum6 == 0 {
        return format!("does not change {p} ({interval})");
    }
    if tiny {
        return format!("changes {p} by less than 0.05 percentage points ({interval})");
    }
    // An interval across zero does not establish the direction the verb states: said beside
    // it (the comparison marks the other kind with `*`).
    let across = match (c.paired95_lo, c.paired95_hi) {
        (Some(lo), Some(hi)) if lo < 0.0 && hi > 0.0 => ", which includes no change",
        _ => "",
    };
    format!(
        "{verb} {p} by {} percentage points ({interval}{across})",
        super::percent(sign * c.change, 1)
    )
}

/// A level's Shapley share, signed, in percentage points: "-40.7 (paired 95% interval
/// -41.3 to -40.2)".
fn share(c: &ChangeOut) -> String {
    if unchanged(c) {
        return format!(
            "{} (paired 95% interval +0.0 to +0.0, {})",
            pp(c.change),
            super::UNCHANGED
        );
    }
    match (c.paired95_lo, c.paired95_hi) {
        (Some(lo), Some(hi)) => format!(
            "{} (paired 95% interval {})",
            pp(c.change),
            pp_interval(lo, hi)
        ),
        _ => format!(
            "{} (paired 95% interval {})",
            pp(c.change),
            super::table::readable_reason(c.undefined.as_deref().unwrap_or("undefined"))
        ),
    }
}

/// An entity's heading, in the table and the HTML alike: with one rivalry only the region is
/// shown, and it says so.
fn entity_heading(entity: &str, single: Option<&str>) -> String {
    match (entity, single) {
        ("region", Some(id)) => format!("Region-wide (= rivalry {id}, the only one)"),
        ("region", None) => "Region-wide".into(),
        (id, _) => format!("Rivalry {id}"),
    }
}

/// How many of `n` entities (the region first) are shown: only the region when there is a
/// single rivalry (it is that rivalry).
fn shown_entities(n: usize, single: Option<&str>) -> usize {
    if single.is_some() { 1 } else { n }
}

/// Order of the events in the table: events first, the any crisis opportunity (context) last,
/// as in the outcome table.
fn table_order() -> impl Iterator<Item = usize> {
    let (context, events): (Vec<usize>, Vec<usize>) =
        (0..N_EVENTS).partition(|&k| EVENTS[k].key == "crisis");
    events.into_iter().chain(context)
}

/// The table section of a run: what it is, then per entity and event the change when all
/// three levels are removed and each level's Shapley share, every line in words. With one
/// rivalry only the region is shown (it is that rivalry).
pub fn table_section(out: &mut String, a: &AttributionOut, horizon: u32, single: Option<&str>) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Which level deters: Shapley attribution over the defender-side removal counterfactual."
    );
    let _ = writeln!(out, "  {}.", capitalised(SWITCH_OFF));
    let _ = writeln!(
        out,
        "  Removing a level: {}.",
        COUNTERFACTUAL.trim_start_matches("a level is removed from the defender side (the target and its protectors) in every crisis: ")
    );
    let _ = writeln!(
        out,
        "  Changes in percentage points of the probability over the {horizon}-year horizon, with paired 95% intervals over {} (common random numbers). For each event: the total change when all three levels are removed together, then that total split into the three levels' Shapley shares (a level's share is its removal's effect averaged over the six orders of removing the three levels; the shares add up to the total, and a share is not the effect of removing that level on its own), and beside each share the change when that level alone is removed.",
        super::table::count(a.runs, "run", "runs")
    );
    // Without a rivalry (the region alone, no rivalry named) every change is zero: said once,
    // as the outcome table says "no rivalry", instead of seven events of zeros.
    if single.is_none() && a.entities.len() <= 1 {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "  No rivalry: nothing to attribute (no crisis can happen, with or without the levels)."
        );
        return;
    }
    let shown = shown_entities(a.entities.len(), single);
    for e in &a.entities[..shown] {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", entity_heading(&e.entity, single));
        for k in table_order() {
            let x = &e.events.0[k];
            let p = EVENTS[k].probability(horizon);
            let _ = writeln!(
                out,
                "    {}: {}% as is, {}% with all three defender levels removed: removing all three {}; split into Shapley shares:",
                EVENTS[k].label,
                super::percent_of_share(x.p_as_is, 1),
                super::percent_of_share(x.p_all_removed, 1),
                effect(&p, &x.removing_all)
            );
            for (j, (name, c)) in LEVELS.iter().zip(x.levels()).enumerate() {
                let alone = &x.variants.0[1 << j];
                let diff = x.removing_alone.levels()[j];
                let _ = writeln!(
                    out,
                    "      {:<9} share {}; removing it alone: {}% -> {}%, {} percentage points",
                    name,
                    share(c),
                    super::percent_of_share(x.p_as_is, 1),
                    super::percent_of_share(alone.p, 1),
                    pp(diff)
                );
            }
        }
    }
}

/// The table section of a comparison: per entity, event and level, the attribution under A
/// and B and the paired shift B - A.
pub fn shift_table_section(
    out: &mut String,
    s: &AttributionShiftOut,
    horizon: u32,
    single: Option<&str>,
) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "How B shifts which level deters (Shapley attribution over the defender-side removal counterfactual)."
    );
    let _ = writeln!(out, "  {}.", capitalised(SWITCH_OFF));
    let _ = writeln!(
        out,
        "  Each line, in percentage points of the probability over the {horizon}-year horizon: the total change when all three defender levels are removed together, then each level's Shapley share of that total (its removal's effect averaged over the six orders of removing the three levels; not the effect of removing that level on its own), under A and under B, and B - A with its paired 95% interval ({} paired runs, common random numbers); B - A is computed before rounding, so it can differ by 0.1 from the difference of the two rounded figures.",
        super::table::thousands(s.runs)
    );
    let _ = writeln!(out, "  {READING_SHIFT}.");
    let shown = shown_entities(s.entities.len(), single);
    for e in &s.entities[..shown] {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", entity_heading(&e.entity, single));
        for k in table_order() {
            let x = &e.events.0[k];
            let p = EVENTS[k].probability(horizon);
            let _ = writeln!(out, "    {}", EVENTS[k].label);
            let names = ["all three", LEVELS[0], LEVELS[1], LEVELS[2]];
            let rows = [&x.removing_all, &x.military, &x.political, &x.economic];
            for (name, l) in names.iter().zip(rows) {
                let what = if *name == "all three" {
                    format!("removing all three defender levels changes {p} by")
                } else {
                    format!("the defenders' {name} level's Shapley share of that change:")
                };
                let interval = match (l.paired95_lo, l.paired95_hi) {
                    // B - A is 0 in every run: its interval, the point 0, in the words
                    // `deter run` gives its shares.
                    _ if l.unchanged_in_every_run() => {
                        format!("paired 95% interval +0.0 to +0.0, {}", super::UNCHANGED)
                    }
                    (Some(lo), Some(hi)) => {
                        format!("paired 95% interval {}", pp_interval(lo, hi))
                    }
                    _ => format!(
                        "paired 95% interval {}",
                        super::table::readable_reason(l.undefined.as_deref().unwrap_or("undefined"))
                    ),
                };
                let _ = writeln!(
                    out,
                    "      {what} {} percentage points under A, {} under B: B - A = {} percentage points ({interval})",
                    pp(l.a),
                    pp(l.b),
                    pp(l.shift)
                );
            }
        }
    }
}

/// Tidy CSV cells `(entity, metric, statistic, value)` of a run's attribution: metric
/// `attribution_<event>_<part>` (part: `removing_all`, `military`, `political`, `economic`)
/// with statistics `change`, `paired95_lo`, `paired95_hi` (or `interval_undefined_n`) and
/// `sum6`; `attribution_<event>_removed_<variant>` with `count` and `p`.
pub fn csv_cells(a: &AttributionOut) -> Vec<(String, String, &'static str, String)> {
    let mut rows = Vec::new();
    for e in &a.entities {
        for (ev, x) in EVENTS.iter().zip(&e.events.0) {
            let parts = [
                ("removing_all", &x.removing_all),
                ("military", &x.military),
                ("political", &x.political),
                ("economic", &x.economic),
            ];
            for (part, c) in parts {
                let m = format!("attribution_{}_{part}", ev.key);
                rows.push((
                    e.entity.clone(),
                    m.clone(),
                    "change",
                    format!("{}", c.change),
                ));
                match (c.paired95_lo, c.paired95_hi) {
                    (Some(lo), Some(hi)) => {
                        rows.push((e.entity.clone(), m.clone(), "paired95_lo", format!("{lo}")));
                        rows.push((e.entity.clone(), m.clone(), "paired95_hi", format!("{hi}")));
                    }
                    _ => rows.push((
                        e.entity.clone(),
                        m.clone(),
                        "interval_undefined_n",
                        a.runs.to_string(),
                    )),
                }
                rows.push((e.entity.clone(), m, "sum6", c.sum6.to_string()));
            }
            for (name, v) in REMOVED.iter().zip(&x.variants.0) {
                let m = format!("attribution_{}_removed_{name}", ev.key);
                rows.push((e.entity.clone(), m.clone(), "count", v.count.to_string()));
                rows.push((e.entity.clone(), m, "p", format!("{}", v.p)));
            }
        }
    }
    rows
}

/// Tidy CSV cells of a comparison's shift: metric `attribution_shift_<event>_<part>` with
/// statistics `a`, `b`, `shift`, `paired95_lo`, `paired95_hi` (or `interval_undefined_n`)
/// and `sum6`.
pub fn shift_csv_cells(s: &AttributionShiftOut) -> Vec<(String, String, &'static str, String)> {
    let mut rows = Vec::new();
    for e in &s.entities {
        for (ev, x) in EVENTS.iter().zip(&e.events.0) {
            let parts = [
                ("removing_all", &x.removing_all),
                ("military", &x.military),
                ("political", &x.political),
                ("economic", &x.economic),
            ];
            for (part, l) in parts {
                let m = format!("attribution_shift_{}_{part}", ev.key);
                let id = e.entity.clone();
                rows.push((id.clone(), m.clone(), "a", format!("{}", l.a)));
                rows.push((id.clone(), m.clone(), "b", format!("{}", l.b)));
                rows.push((id.clone(), m.clone(), "shift", format!("{}", l.shift)));
                match (l.paired95_lo, l.paired95_hi) {
                    (Some(lo), Some(hi)) => {
                        rows.push((id.clone(), m.clone(), "paired95_lo", format!("{lo}")));
                        rows.push((id.clone(), m.clone(), "paired95_hi", format!("{hi}")));
                    }
                    _ => rows.push((
                        id.clone(),
                        m.clone(),
                        "interval_undefined_n",
                        s.runs.to_string(),
                    )),
                }
                rows.push((id, m, "sum6", l.sum6.to_string()));
            }
        }
    }
    rows
}

/// Cells of one change: the value (tagged with its JSON pointer `{k}/{leaf}`; "+0.0
/// (unchanged in every run)" when its interval is the point 0, as a comparison's difference
/// of means per run says it), then its interval's bounds (`{k}/paired95_lo`,
/// `{k}/paired95_hi`), or one cell saying why there is none (fewer than two runs).
#[cfg(feature = "html")]
fn html_change_cells(
    k: &str,
    leaf: &str,
    change: f64,
    lo: Option<f64>,
    hi: Option<f64>,
    undefined: &Option<String>,
) -> Markup {
    use super::html::num_cell;
    let unchanged = super::unchanged_in_every_run(change, lo, hi);
    html! {
        @if unchanged {
            // The words wrap under the number: the run's table has 17 columns to fit.
            (super::html::wrapping_num_cell(&format!("{k}/{leaf}"), change, format!("{} ({})", pp(change), super::UNCHANGED)))
        } @else {
            (num_cell(&format!("{k}/{leaf}"), change, pp(change)))
        }
        @if let (Some(lo), Some(hi)) = (lo, hi) {
            @if let Some(t) = super::tiny_interval(lo, hi, 1) {
                // One cell in the table's words, both ends still given as data.
                (super::html::tiny_interval_cell(&format!("{k}/paired95_lo"), lo, &format!("{k}/paired95_hi"), hi, &t))
            } @else {
                (num_cell(&format!("{k}/paired95_lo"), lo, pp(lo)))
                (num_cell(&format!("{k}/paired95_hi"), hi, pp(hi)))
            }
        } @else {
            // The reason ("undefined (n = 1)") wraps, so that the table fits the page.
            td class="n undef" colspan="2" {
                (super::table::readable_reason(undefined.as_deref().unwrap_or("undefined")))
            }
        }
    }
}

#[cfg(feature = "html")]
const HTML_PARTS: [(&str, &str); 4] = [
    ("removing_all", "all three"),
    ("military", "military"),
    ("political", "political"),
    ("economic", "economic"),
];

/// The run report's section "Which level deters" (`<section id="attribution">`): what the
/// counterfactual is, then per entity a table of every event's change when all three levels
/// are removed and each level's Shapley share, in percentage points with paired 95%
/// intervals. Every number is tagged with its JSON pointer (`data-k`). `single`: the id of
/// the only rivalry, whose table is the region's. Handed to `put` one part at a time (the
/// section's head, each entity's table, its end), so a page of thousands of rivalries holds
/// one rivalry's table, not the section.
#[cfg(feature = "html")]
pub fn write_section(
    a: &AttributionOut,
    horizon: u32,
    single: Option<&str>,
    put: &mut dyn FnMut(Markup) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use maud::PreEscaped;
    put(html! {
        (PreEscaped("<section id=\"attribution\">"))
        h2 { "Which level deters" }
        p {
            "How much the probability of each event over the " (horizon) "-year horizon rises (+) or falls (-), in percentage points, when the defenders lose their levels. "
            "Counterfactual: " (COUNTERFACTUAL) ". "
            "First the total change when all three levels are removed together; then that total split into the three levels' Shapley shares (a level's share is its removal's effect averaged over the six orders of removing the three levels; the three shares add up exactly to the total, and a share is not the effect of removing that level on its own); beside each share, the change when that level alone is removed (the other two kept). "
            "Intervals (of the total and the shares): " (attr::METHOD) ". "
            "Attribution is " (a.cost) ". It does not say what any real policy would achieve, only what the model attributes to each level."
        }
    })?;
    let shown = shown_entities(a.entities.len(), single);
    for (ei, e) in a.entities[..shown].iter().enumerate() {
        put(attribution_entity(ei, e, single))?;
    }
    put(html! { (PreEscaped("</section>")) })
}

/// [`write_section`] in memory.
#[cfg(all(test, feature = "html"))]
pub fn html_section(a: &AttributionOut, horizon: u32, single: Option<&str>) -> String {
    let mut out = String::new();
    write_section(a, horizon, single, &mut |part| {
        out.push_str(&part.into_string());
        Ok(())
    })
    .expect("writing to memory cannot fail");
    out
}

/// One entity's part of [`write_section`]: its heading and table.
#[cfg(feature = "html")]
fn attribution_entity(ei: usize, e: &EntityAttributionOut, single: Option<&str>) -> Markup {
    use super::html::num_cell;
    html! {
        h3 { (entity_heading(&e.entity, single)) }
        div class="scroll bleed" { table class="wide attribution" {
            thead {
                tr {
                    th rowspan="2" { "event" }
                    th rowspan="2" class="n" { "P as is" }
                    th rowspan="2" class="n" { "P, all three removed" }
                    th colspan="3" class="n" { "removing all three: total (pp)" }
                    @for (_, level) in &HTML_PARTS[1..] {
                        th colspan="4" class="n" { (level) " level (pp)" }
                    }
                }
                tr {
                    th class="n" { "change" }
                    th class="n" { "paired 95% lo" }
                    th class="n" { "hi" }
                    @for _ in 0..3 {
                        th class="n" { "Shapley share" }
                        th class="n" { "paired 95% lo" }
                        th class="n" { "hi" }
                        th class="n" { "removed alone" }
                    }
                }
            }
            tbody {
                @for k in table_order() {
                    @let x = &e.events.0[k];
                    @let base = format!("/attribution/entities/{ei}/events/{}", EVENTS[k].key);
                    @let parts = [&x.removing_all, &x.military, &x.political, &x.economic];
                    tr {
                        td { (EVENTS[k].label) }
                        (num_cell(&format!("{base}/p_as_is"), x.p_as_is, super::share_percent(x.p_as_is)))
                        (num_cell(&format!("{base}/p_all_removed"), x.p_all_removed, super::share_percent(x.p_all_removed)))
                        @for (j, ((key, _), c)) in HTML_PARTS.iter().zip(parts).enumerate() {
                            (html_change_cells(&format!("{base}/{key}"), "change", c.change, c.paired95_lo, c.paired95_hi, &c.undefined))
                            @if j > 0 {
                                @let v = x.removing_alone.levels()[j - 1];
                                (num_cell(&format!("{base}/removing_alone/{key}"), v, pp(v)))
                            }
                        }
                    }
                }
            }
        } }
    }
}

/// The comparison report's section "How B shifts which level deters"
/// (`<section id="attribution-shift">`): per entity, event and level, the attribution under
/// A and B and the paired shift B - A. `single`: as in [`write_section`]. Handed to `put` one
/// part at a time (the section's head, then each entity's table, then its end), so a page of
/// thousands of rivalries holds one rivalry's table, not the section.
#[cfg(feature = "html")]
pub fn write_shift_section(
    s: &AttributionShiftOut,
    horizon: u32,
    single: Option<&str>,
    put: &mut dyn FnMut(Markup) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use maud::PreEscaped;
    put(html! {
        (PreEscaped("<section id=\"attribution-shift\">"))
        h2 { "How B shifts which level deters" }
        p {
            "For each event: the total change in its probability over the " (horizon) "-year horizon when all three defender levels are removed together, then each level's Shapley share of that total (its removal's effect averaged over the six orders of removing the three levels; not the effect of removing that level on its own), under A and under B, in percentage points (+: removing raises the probability), and B - A. "
            "Counterfactual: " (COUNTERFACTUAL) ". "
            "Intervals: paired 95% intervals of B - A, run i of A and of B sharing their random numbers. Attribution is " (SWITCH_OFF) "."
        }
        p { (READING_SHIFT) "." }
    })?;
    let shown = shown_entities(s.entities.len(), single);
    for (ei, e) in s.entities[..shown].iter().enumerate() {
        put(shift_entity(ei, e, single))?;
    }
    put(html! { (PreEscaped("</section>")) })
}

/// [`write_shift_section`] in memory.
#[cfg(all(test, feature = "html"))]
pub fn html_shift_section(s: &AttributionShiftOut, horizon: u32, single: Option<&str>) -> String {
    let mut out = String::new();
    write_shift_section(s, horizon, single, &mut |part| {
        out.push_str(&part.into_string());
        Ok(())
    })
    .expect("writing to memory cannot fail");
    out
}

/// One entity's part of [`write_shift_section`]: its heading and table.
#[cfg(feature = "html")]
fn shift_entity(ei: usize, e: &EntityShiftOut, single: Option<&str>) -> Markup {
    use super::html::num_cell;
    html! {
        h3 { (entity_heading(&e.entity, single)) }
        div class="scroll" { table class="attribution" {
            thead {
                tr {
                    th { "event" }
                    th { "part" }
                    th class="n" { "A (pp)" }
                    th class="n" { "B (pp)" }
                    th class="n" { "B - A (pp)" }
                    th class="n" { "paired 95% lo" }
                    th class="n" { "hi" }
                }
            }
            tbody {
                @for k in table_order() {
                    @let x = &e.events.0[k];
                    @let base = format!("/attribution_shift/entities/{ei}/events/{}", EVENTS[k].key);
                    @let parts = [&x.removing_all, &x.military, &x.political, &x.economic];
                    @for ((key, label), l) in HTML_PARTS.iter().zip(parts) {
                        @let k2 = format!("{base}/{key}");
                        tr {
                            td { (EVENTS[k].label) }
                            td {
                                @if *label == "all three" {
                                    "all three levels: total"
                                } @else {
                                    (label) " level: Shapley share"
                                }
                            }
                            (num_cell(&format!("{k2}/a"), l.a, pp(l.a)))
                            (num_cell(&format!("{k2}/b"), l.b, pp(l.b)))
                            (html_change_cells(&k2, "shift", l.shift, l.paired95_lo, l.paired95_hi, &l.undefined))
                        }
                    }
                }
            }
        } }
    }
}

#[cfg(all(test, feature = "html"))]
mod html_tests {
    use super::*;

    /// Text with every character HTML gives a meaning to.
    const HOSTILE: &str = "R<script>alert(1)</script>&\"'";
    const ESCAPED: &str = "R&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;'";

    /// A run's attribution over two rivalries (the first named `HOSTILE`) of one run, so
    /// that every interval is undefined; the first undefined reason also carries `HOSTILE`.
    fn attribution() -> AttributionOut {
        let t = Tally {
            entities: vec![Default::default(); 3],
        };
        let mut a = AttributionOut::build(&t, 1, &[HOSTILE, "R2"]);
        a.entities[1].events.0[0].military.undefined = Some(format!("undefined ({HOSTILE})"));
        a
    }

    /// The markup of `html` outside its text: every `<...>` tag, in order.
    fn tags(html: &str) -> Vec<&str> {
        html.match_indices('<')
            .map(|(i, _)| &html[i..=i + html[i..].find('>').unwrap()])
            .collect()
    }

    fn assert_escaped(html: &str, n_rows: usize) {
        assert!(
            html.contains(&format!("<h3>Rivalry {ESCAPED}</h3>")),
            "the rivalry's heading is not escaped: {html}"
        );
        assert!(!html.contains("<script"), "raw markup from a name: {html}");
        assert!(!html.contains("\"'"), "a raw quote: {html}");
        // The markup is exactly the template's: no tag comes from the text.
        let tags = tags(html);
        for t in &tags {
            let name = t
                .trim_start_matches("</")
                .trim_start_matches('<')
                .split([' ', '>'])
                .next()
                .unwrap();
            let known = [
                "section", "h2", "h3", "p", "div", "table", "thead", "tbody", "tr", "th", "td",
            ];
            assert!(known.contains(&name), "unexpected tag {t}");
        }
        let count = |t: &str| tags.iter().filter(|x| x.starts_with(t)).count();
        assert_eq!(count("<tr>"), n_rows);
        assert_eq!(count("</tr>"), n_rows);
        assert_eq!(count("<td"), count("</td>"));
        assert_eq!(count("<table"), 3);
        assert_eq!(count("</table>"), 3);
    }

    #[test]
    fn the_attribution_section_escapes_names_and_reasons() {
        let a = attribution();
        let html = html_section(&a, 10, None);
        // Per entity: two heading rows and one per event.
        assert_escaped(&html, 3 * (2 + N_EVENTS));
        assert!(
            html.contains(&format!(
                "<td class=\"n undef\" colspan=\"2\">undefined ({ESCAPED})</td>"
            )),
            "the undefined reason is not escaped: {html}"
        );
        // The other intervals' reason (one run), each beside its change.
        assert!(html.contains("<td class=\"n undef\" colspan=\"2\">undefined (n = 1)</td>"));
    }

    #[test]
    fn the_attribution_shift_section_escapes_names() {
        let a = attribution();
        let s = AttributionShiftOut::build(&PairedTally::new(2), 1, &a, &a, &[(0, 0), (1, 1)]);
        let html = html_shift_section(&s, 10, None);
        // Per entity: one heading row and one per event and part (all three, three levels).
        assert_escaped(&html, 3 * (1 + 4 * N_EVENTS));
        // The shift's own pointer is `shift`.
        assert!(html.contains("data-k=\"/attribution_shift/entities/1/events/threat/military/shift\""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An end of the interval of a change that rounds to 0.0 but is not zero is "<0.05" (the
    /// table said "paired 95% interval 0.0 to 0.5" where the JSON's lower end was 0.00031).
    #[test]
    fn an_interval_end_too_small_to_print_is_said_below_005() {
        let c = ChangeOut {
            change: 0.003,
            paired95_lo: Some(0.00031),
            paired95_hi: Some(0.0052),
            undefined: None,
            sum6: 36,
        };
        let s = effect("P(display of force within 8 years)", &c);
        assert!(s.contains("(paired 95% interval <0.05 to 0.5)"), "{s}");
        let lowered = ChangeOut {
            change: -0.003,
            paired95_lo: Some(-0.0052),
            paired95_hi: Some(-0.00031),
            ..c
        };
        let s = effect("P(x)", &lowered);
        assert!(s.starts_with("lowers P(x) by 0.3"), "{s}");
        assert!(s.contains("(paired 95% interval <0.05 to 0.5)"), "{s}");
    }
}
