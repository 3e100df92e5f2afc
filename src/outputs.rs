//! Outputs declared once: every outcome event and every per-run metric deter reports.
//!
//! The engine tallies, the JSON report, the terminal table, the tidy CSV, the sweep rows, the
//! comparison and the HTML page all iterate over [`EVENTS`] and [`METRICS`]; none of them
//! lists an outcome by name. Adding an event means: give it a bit in [`event`], set the bit in
//! the model where it happens (`RivalryRecord::mark`), and add a row to [`EVENTS`]. Adding a
//! distribution metric means: record its per-run value in `RivalryRecord` and add a row to
//! [`METRICS`]. Every output format, per-year probabilities, the shard file format, sweep
//! columns, sensitivity analysis and paired comparisons follow (ARCHITECTURE.md, "Cost of a
//! change").
//!
//! **Architecture Invariant:** output code never matches on an event or metric key; the
//! tables are the only list.

use crate::model::RivalryRecord;
use crate::stats::BinLayout;

/// The events that happened to one rivalry within some window of time (a year, or the
/// horizon), one bit per kind of event (see [`event`]). Windows combine by bitwise OR.
pub type EventSet = u16;

/// Bits of an [`EventSet`]: the MID hostility levels reached (Jones, Bremer and Singer 1996:
/// 1 no militarised action, 2 threat, 3 display, 4 use of force, 5 war).
pub mod event {
    use super::EventSet;
    /// A crisis opportunity arose (MID level >= 1).
    pub const CRISIS: EventSet = 1 << 0;
    /// The challenger threatened (MID level >= 2).
    pub const THREAT: EventSet = 1 << 1;
    /// A display of force (MID level >= 3).
    pub const DISPLAY: EventSet = 1 << 2;
    /// Use of force (MID level >= 4).
    pub const USE_OF_FORCE: EventSet = 1 << 3;
    /// War (MID level 5).
    pub const WAR: EventSet = 1 << 4;
    /// A non-state violent incident (armed groups the state does not acknowledge: Banjska
    /// 2023). Not a MID level: never a use of force by the state.
    pub const NON_STATE: EventSet = 1 << 5;
    /// Every event a run can record: once a window holds them all, nothing later changes
    /// which of [`super::EVENTS`] hold in it.
    pub const ALL: EventSet = levels_up_to(5) | NON_STATE;

    /// The bits a crisis that reached MID `level` sets: every level up to it.
    #[inline]
    pub const fn levels_up_to(level: u8) -> EventSet {
        let l = if level > 5 { 5 } else { level };
        ((1u32 << l) - 1) as EventSet
    }
}

/// One reported event: "happened at least once in the window".
#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// Key in JSON, CSV and sweep columns (`outcomes.<key>`).
    pub key: &'static str,
    /// Label in the terminal table and the HTML page.
    pub label: &'static str,
    /// What the event is, in words that fit "the share of runs in which ..., over the
    /// horizon" (MID spelled out on first use), for captions and reports that explain
    /// themselves.
    pub meaning: &'static str,
    /// Whether the event holds for a window in which the events `set` happened. Must be a
    /// function of the set only, so that a year's, a cumulative and the horizon's value are
    /// computed alike.
    pub holds: fn(EventSet) -> bool,
    /// `Some(state)` for an event that is a state lasting the whole window rather than
    /// something that happened at least once in it: "no use of force" for deterrence held
    /// (no use of force in any month of the window). `None` for every "at least once" event.
    pub throughout: Option<&'static str>,
    /// Context, not an objective: the crisis opportunity says how often the challenger
    /// could escalate, not whether deterrence worked. Tables show it last; robustness
    /// rankings (`deter robust`, levers x futures sweeps) do not rank policies on it.
    pub context: bool,
}

impl Event {
    /// The event's name in running text, its [`label`](Event::label) without the trailing
    /// parenthesis: "display of force" for "display of force (MID >= 3)", as in "P(display
    /// of force within 10 years)".
    pub fn name(&self) -> &'static str {
        self.label
            .split_once(" (")
            .map_or(self.label, |(name, _)| name)
    }

    /// The event's probability over a horizon of `years`, in words: "P(war within 10
    /// years)" for an event that happens at least once, "P(no use of force over the 10
    /// years)" for one that holds throughout ([`throughout`](Event::throughout)).
    pub fn probability(&self, years: u32) -> String {
        match (self.throughout, years) {
            (Some(state), 1) => format!("P({state} over the year)"),
            (Some(state), _) => format!("P({state} over the {years} years)"),
            (None, 1) => format!("P({} within 1 year)", self.name()),
            (None, _) => format!("P({} within {years} years)", self.name()),
        }
    }
}

/// Every reported event, in output order. The count is [`N_EVENTS`].
pub const EVENTS: [Event; 7] = [
    Event {
        key: "crisis",
        label: "any crisis opportunity (context)",
        meaning: "a crisis opportunity arose (a moment when the challenger could escalate, whether or not it did)",
        holds: |s| s & event::CRISIS != 0,
        throughout: None,
        context: true,
    },
    Event {
        key: "threat",
        label: "threat (MID level >= 2)",
        meaning: "the challenger threatened force (MID level 2 or more; MID = militarised interstate dispute, Jones, Bremer and Singer 1996)",
        holds: |s| s & event::THREAT != 0,
        throughout: None,
        context: false,
    },
    Event {
        key: "display",
        label: "display of force (MID >= 3)",
        meaning: "the challenger displayed force (MID level 3 or more)",
        holds: |s| s & event::DISPLAY != 0,
        throughout: None,
        context: false,
    },
    Event {
        key: "use_of_force",
        label: "use of force (MID >= 4)",
        meaning: "force was used (MID level 4 or more)",
        holds: |s| s & event::USE_OF_FORCE != 0,
        throughout: None,
        context: false,
    },
    Event {
        key: "war",
        label: "war (MID 5)",
        meaning: "the rivalry went to war (MID level 5)",
        holds: |s| s & event::WAR != 0,
        throughout: None,
        context: false,
    },
    Event {
        key: "deterrence_held",
        label: "deterrence held (no force)",
        meaning: "deterrence held: force was never used, in any month of the horizon",
        holds: |s| s & event::USE_OF_FORCE == 0,
        throughout: Some("no use of force"),
        context: false,
    },
    Event {
        key: "non_state_incident",
        label: "non-state violence (not MID)",
        meaning: "a non-state violent incident happened (armed groups the state does not acknowledge; not a use of force by a state, not a MID level)",
        holds: |s| s & event::NON_STATE != 0,
        throughout: None,
        context: false,
    },
];

/// Number of reported events.
pub const N_EVENTS: usize = EVENTS.len();

/// Indices into [`COUNTS`]: the kinds of event counted per rivalry, run and year.
pub mod count {
    /// Crisis triggers: crisis opportunities from every source (the rivalry's own arrivals,
    /// target-initiated triggers and non-state incidents that open a crisis).
    pub const CRISIS_TRIGGERS: usize = 0;
    /// Crises whose highest MID level was a threat (2).
    pub const THREATS: usize = 1;
    /// Crises whose highest MID level was a display of force (3).
    pub const DISPLAYS: usize = 2;
    /// Crises whose highest MID level was a use of force short of war (4).
    pub const USES_OF_FORCE: usize = 3;
    /// Crises that ended in war (MID 5).
    pub const WARS: usize = 4;
    /// Non-state violent incidents (not a MID level).
    pub const NON_STATE: usize = 5;
    /// Crisis triggers started by the target or its side (a police operation, a declaration).
    pub const TARGET_TRIGGERS: usize = 6;

    /// The count a crisis that reached MID `level` adds to (none below a threat).
    #[inline]
    pub const fn of_level(level: u8) -> Option<usize> {
        match level {
            2 => Some(THREATS),
            3 => Some(DISPLAYS),
            4 => Some(USES_OF_FORCE),
            5 => Some(WARS),
            _ => None,
        }
    }
}

/// One kind of event counted per rivalry, run and year (the dated record's units).
#[derive(Debug, Clone, Copy)]
pub struct Count {
    /// Key in JSON (`yearly[y].counts.<key>`), CSV and the table.
    pub key: &'static str,
    /// Label in the terminal table and the HTML page.
    pub label: &'static str,
    /// What is counted, in words that fit "the number of ... in the year".
    pub meaning: &'static str,
}

/// Every per-year count, in output order (indices in [`count`]). Each crisis is counted once,
/// at its highest MID level, as the MID data code a dispute by its highest hostility level
/// (Jones, Bremer and Singer 1996), so threats + displays + uses of force + wars = disputes.
pub const COUNTS: [Count; 7] = [
    Count {
        key: "crisis_triggers",
        label: "crisis triggers",
        meaning: "crisis opportunities from every source (the rivalry's own arrivals, target-initiated triggers, non-state incidents that open a crisis)",
    },
    Count {
        key: "threats",
        label: "threats (MID 2)",
        meaning: "crises whose highest level was a threat (MID 2)",
    },
    Count {
        key: "displays",
        label: "displays (MID 3)",
        meaning: "crises whose highest level was a display of force (MID 3)",
    },
    Count {
        key: "uses_of_force",
        label: "uses of force (MID 4)",
        meaning: "crises whose highest level was a use of force short of war (MID 4)",
    },
    Count {
        key: "wars",
        label: "wars (MID 5)",
        meaning: "crises that ended in war (MID 5)",
    },
    Count {
        key: "non_state_incidents",
        label: "non-state incidents",
        meaning: "non-state violent incidents (not a MID level, never a use of force by a state)",
    },
    Count {
        key: "target_triggers",
        label: "target-initiated triggers",
        meaning: "crisis triggers started by the target or its side (a police operation, a declaration); each is also a crisis trigger",
    },
];

/// Number of per-year counts.
pub const N_COUNTS: usize = COUNTS.len();

/// Layout of one rivalry's (or the region's) count of one kind in one year: one bin per
/// integer 0..=31; larger counts are kept exactly in the histogram's overflow (quantiles and
/// the mean are exact whatever the count).
pub const YEAR_COUNT_LAYOUT: BinLayout = BinLayout::Integer { bins: 33 };

/// Which of [`EVENTS`] hold for a window with events `set`, in table order.
#[inline]
pub fn event_flags(set: EventSet) -> [bool; N_EVENTS] {
    EVENTS.map(|e| (e.holds)(set))
}

/// How a metric's region-wide value combines the rivalries' values of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// The sum over rivalries, in rivalry order.
    Sum,
    /// The largest value (and at least 0).
    Max,
}

/// One per-run quantity summarised by its distribution (mean, sd, p05, p50, p95).
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Key in JSON (`metrics.<key>`), CSV and sweep columns.
    pub key: &'static str,
    /// Label in the terminal table (with its unit).
    pub label: &'static str,
    /// Histogram layout of the quantiles (fixed, so that shards agree).
    pub layout: BinLayout,
    /// The run's value for one rivalry.
    pub of: fn(&RivalryRecord) -> f64,
    /// The run's region-wide value from the rivalries' values.
    pub region: Combine,
    /// Whether and how `deter compare` reports the paired difference of its means.
    pub paired: Paired,
}

/// How `deter compare` pairs a metric's per-run values (docs/OUTPUT.md, "Comparison").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paired {
    /// Not compared run by run (the final balance: a ratio, summarised by the worst rivalry).
    No,
    /// An integer count per run: exact integer sums of the differences.
    Count,
    /// An amount per run (GDP lost, in the scenario's currency unit): sums in the fixed point
    /// of each side's own mean.
    Amount,
}

/// Layout of per-run counts: one bin per integer 0..=255; larger counts are kept exactly in
/// the histogram's overflow, so count quantiles are exact for any count.
pub const COUNT_LAYOUT: BinLayout = BinLayout::Integer { bins: 257 };
/// Layout of GDP losses (in the scenario's currency unit), log bins from 1e-4 to 1e6.
pub const GDP_LAYOUT: BinLayout = BinLayout::Log {
    lo: 1e-4,
    hi: 1e6,
    bins: 500,
};
/// Layout of military balances M_A / M_T, log bins from 1e-6 to 1e6.
pub const BALANCE_LAYOUT: BinLayout = BinLayout::Log {
    lo: 1e-6,
    hi: 1e6,
    bins: 600,
};
/// Layout of tension in [0, 1].
pub const TENSION_LAYOUT: BinLayout = BinLayout::Linear {
    lo: 0.0,
    hi: 1.0,
    bins: 200,
};

/// Every distribution metric, in output order. The count is [`N_METRICS`]. Years to the
/// first use of force, censored at the horizon, is reported beside them
/// (`metrics.years_to_first_use_of_force`).
pub const METRICS: [Metric; 4] = [
    Metric {
        key: "crises",
        label: "crisis opportunities",
        layout: COUNT_LAYOUT,
        of: |r| f64::from(r.crises),
        region: Combine::Sum,
        paired: Paired::Count,
    },
    Metric {
        key: "disputes",
        label: "disputes (MID >= 2)",
        layout: COUNT_LAYOUT,
        of: |r| f64::from(r.disputes),
        region: Combine::Sum,
        paired: Paired::Count,
    },
    Metric {
        key: "gdp_lost",
        label: "GDP lost by challenger and target",
        layout: GDP_LAYOUT,
        of: |r| r.gdp_lost,
        region: Combine::Sum,
        paired: Paired::Amount,
    },
    Metric {
        key: "final_balance",
        label: "final balance M_A/M_T",
        layout: BALANCE_LAYOUT,
        of: |r| r.final_balance,
        region: Combine::Max,
        paired: Paired::No,
    },
];

/// The words a metric is shown under in tables and pages: its label, and for GDP lost the
/// scenario's money unit (`[scenario].currency`, e.g. "GDP lost (EUR m)"); `currency` names
/// the unit, or the two units of a comparison whose scenarios differ in it. A unit with
/// parentheses of its own (the default "USD bn (current)") follows a comma instead, "GDP
/// lost, USD bn (current)", never "GDP lost (USD bn (current))". The one place a label meets
/// its unit: the table, the comparison table and page call it.
pub fn metric_label(m: &Metric, currency: &str) -> String {
    if m.key != "gdp_lost" {
        m.label.to_string()
    } else if currency.contains(['(', ')']) {
        format!("{}, {currency}", m.label)
    } else {
        format!("{} ({currency})", m.label)
    }
}

/// Number of distribution metrics.
pub const N_METRICS: usize = METRICS.len();

/// Key of the censored time-to-event metric reported beside [`METRICS`].
pub const YEARS_TO_FORCE: &str = "years_to_first_use_of_force";

/// Index of an event by key (for tests and callers that name one).
pub fn event_index(key: &str) -> Option<usize> {
    EVENTS.iter().position(|e| e.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reported event is a function of the bits of [`event::ALL`] only: a run whose
    /// events hold all of them reports the same whatever else it records later (the
    /// attribution's variants stop there). An event bit added without widening `ALL` fails
    /// here.
    #[test]
    fn every_event_reads_only_the_bits_of_all() {
        for set in 0..=EventSet::MAX {
            assert_eq!(event_flags(set), event_flags(set & event::ALL), "{set:#x}");
            assert_eq!(
                event_flags(set | event::ALL),
                event_flags(event::ALL),
                "{set:#x}"
            );
        }
    }

    #[test]
    fn level_bits_match_the_mid_scale() {
        assert_eq!(event::levels_up_to(0), 0);
        assert_eq!(event::levels_up_to(1), event::CRISIS);
        assert_eq!(
            event::levels_up_to(4),
            event::CRISIS | event::THREAT | event::DISPLAY | event::USE_OF_FORCE
        );
        assert_eq!(event::levels_up_to(9), event::levels_up_to(5));
        // The six headline flags of a run that reached level L, as deter always defined them.
        for level in 0..=5u8 {
            let flags = event_flags(event::levels_up_to(level));
            let expected = [
                level >= 1,
                level >= 2,
                level >= 3,
                level >= 4,
                level >= 5,
                level < 4,
                false,
            ];
            assert_eq!(flags, expected, "level {level}");
        }
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = EVENTS.iter().map(|e| e.key).collect();
        keys.extend(METRICS.iter().map(|m| m.key));
        keys.push(YEARS_TO_FORCE);
        keys.extend(COUNTS.iter().map(|c| c.key));
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
