//! Summary statistics and the observation model: how a simulated history becomes what a
//! coder would have recorded, and how the record's disputed codings are read.
//!
//! Two sources of coding uncertainty (docs/HISTORY.md, "Observation model"):
//! - **Unobserved events** (forward, exact): each event the model simulates is in the record
//!   with probability `detect[statistic]` independently (binomial thinning), so a quiet display
//!   that no source reported does not count against the model.
//! - **Disputed codings** (the record's side): an event with an `alternative` reading takes
//!   that reading with probability `alternative[certainty]` (high, medium, low). Each simulated
//!   dataset is compared with one such reading, drawn afresh, so the ABC acceptance averages
//!   over the readings (the record is not treated as exact).

use rand::{Rng, RngExt};

use super::record::{EventType, Record};
use crate::outputs::{N_COUNTS, count};

/// What the model and the record are both counted in, per case and year: crises at their
/// highest level (threat or display, use of force, war) and non-state incidents.
pub const KINDS: usize = 4;
/// Index of crises whose highest level was a threat or a display (MID 2-3).
pub const K_THREAT_OR_DISPLAY: usize = 0;
/// Index of crises whose highest level was a use of force short of war (MID 4).
pub const K_USE_OF_FORCE: usize = 1;
/// Index of crises that ended in war (MID 5).
pub const K_WAR: usize = 2;
/// Index of non-state violent incidents (not a MID level).
pub const K_NON_STATE: usize = 3;

/// A summary statistic of one case over its years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// Crises whose highest level was a threat or a display of force (MID levels 2-3).
    ThreatOrDisplay,
    /// Crises whose highest level was a use of force short of war (MID level 4).
    UseOfForce,
    /// Crises that ended in war (MID level 5).
    War,
    /// Non-state violent incidents (armed groups the state does not acknowledge).
    NonState,
    /// Per-year: the number of years with at least one recorded crisis (MID level 2 or more).
    CrisisYears,
    /// Per-year: the number of years with at least one recorded use of force or war.
    ForceYears,
}

impl Statistic {
    pub const ALL: [(&'static str, Statistic); 6] = [
        ("threat_or_display", Statistic::ThreatOrDisplay),
        ("use_of_force", Statistic::UseOfForce),
        ("war", Statistic::War),
        ("non_state", Statistic::NonState),
        ("crisis_years", Statistic::CrisisYears),
        ("force_years", Statistic::ForceYears),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("war", |(k, _)| k)
    }

    /// Plain-words label for reports.
    pub fn label(self) -> &'static str {
        match self {
            Statistic::ThreatOrDisplay => "crises ending at a threat or display of force",
            Statistic::UseOfForce => "crises reaching a use of force short of war",
            Statistic::War => "wars",
            Statistic::NonState => "non-state violent incidents",
            Statistic::CrisisYears => "years with a crisis (threat or more)",
            Statistic::ForceYears => "years with a use of force or war",
        }
    }

    /// Which statistic an event of type `t` counts towards, if any.
    #[cfg(any(test, feature = "internals"))]
    pub fn of_event(t: EventType) -> Option<Statistic> {
        Self::of_level(t.mid_level())
    }

    /// Which statistic a crisis whose highest MID level is `level` counts towards, if any.
    #[cfg(any(test, feature = "internals"))]
    pub fn of_level(level: u8) -> Option<Statistic> {
        match level {
            2 | 3 => Some(Statistic::ThreatOrDisplay),
            4 => Some(Statistic::UseOfForce),
            5 => Some(Statistic::War),
            _ => None,
        }
    }

    /// The statistic from per-year counts (`KINDS` per year, after the observation model).
    pub fn of_years(self, years: &[[u32; KINDS]]) -> u32 {
        let total = |k: usize| years.iter().map(|y| y[k]).sum::<u32>();
        match self {
            Statistic::ThreatOrDisplay => total(K_THREAT_OR_DISPLAY),
            Statistic::UseOfForce => total(K_USE_OF_FORCE),
            Statistic::War => total(K_WAR),
            Statistic::NonState => total(K_NON_STATE),
            Statistic::CrisisYears => years
                .iter()
                .filter(|y| y[K_THREAT_OR_DISPLAY] + y[K_USE_OF_FORCE] + y[K_WAR] > 0)
                .count() as u32,
            Statistic::ForceYears => years
                .iter()
                .filter(|y| y[K_USE_OF_FORCE] + y[K_WAR] > 0)
                .count() as u32,
        }
    }
}

/// One run's per-year counts of one rivalry in the record's kinds (the engine counts every
/// crisis once, at its highest level, in the year it happened: `crate::outputs::count`).
pub fn simulated_years(yearly_counts: &[[u32; N_COUNTS]], years: usize) -> Vec<[u32; KINDS]> {
    (0..years)
        .map(|y| match yearly_counts.get(y) {
            Some(c) => [
                c[count::THREATS] + c[count::DISPLAYS],
                c[count::USES_OF_FORCE],
                c[count::WARS],
                c[count::NON_STATE],
            ],
            None => [0; KINDS],
        })
        .collect()
}

/// The observation model's probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Probability that a simulated crisis or incident of each kind is in the record (index:
    /// [`K_THREAT_OR_DISPLAY`], [`K_USE_OF_FORCE`], [`K_WAR`], [`K_NON_STATE`]).
    pub detect: [f64; KINDS],
    /// Probability that a disputed event takes its alternative reading, by certainty
    /// (high, medium, low).
    pub alternative: [f64; 3],
}

impl Default for Observation {
    /// Documented defaults (docs/HISTORY.md): threats and displays are often unreported
    /// (0.8), uses of force rarely (0.95), wars never (1.0), non-state incidents sometimes
    /// (0.9: riots and ambushes are reported, small incidents are not all coded); a disputed
    /// coding flips with probability 0.05, 0.25, 0.5 for high, medium, low certainty.
    fn default() -> Self {
        Self {
            detect: [0.8, 0.95, 1.0, 0.9],
            alternative: [0.05, 0.25, 0.5],
        }
    }
}

impl Observation {
    /// Thin per-year counts: each crisis or incident is recorded with probability
    /// `detect[kind]`, independently, year by year and kind by kind (in that order).
    pub fn thin<R: Rng + ?Sized>(&self, years: &mut [[u32; KINDS]], rng: &mut R) {
        for y in years.iter_mut() {
            for (k, n) in y.iter_mut().enumerate() {
                let p = self.detect[k];
                if p < 1.0 {
                    *n = (0..*n).filter(|_| rng.random::<f64>() < p).count() as u32;
                }
            }
        }
    }

    /// One reading of the record: each disputed event takes its alternative with its
    /// certainty's probability (one draw per disputed event, in record order); returns the
    /// per-year counts of crises at their highest level (in the year of the event that
    /// reached it) and of non-state incidents ([`Record::years_of`]). One reading serves every
    /// statistic, so an event is never war in one count and use of force in another.
    pub fn read_years<R: Rng + ?Sized>(&self, record: &Record, rng: &mut R) -> Vec<[u32; KINDS]> {
        let kinds: Vec<Option<EventType>> = record
            .events
            .iter()
            .map(|e| match e.alternative {
                Some(alt) if rng.random::<f64>() < self.alternative[e.certainty.index()] => alt,
                _ => Some(e.kind),
            })
            .collect();
        record.years_of(&kinds)
    }

    /// One reading of the record, counted for each of `stats`.
    pub fn read<R: Rng + ?Sized>(
        &self,
        record: &Record,
        stats: &[Statistic],
        rng: &mut R,
    ) -> Vec<u32> {
        let years = self.read_years(record, rng);
        stats.iter().map(|s| s.of_years(&years)).collect()
    }

    /// The count of `s` under the primary reading.
    pub fn primary(record: &Record, s: Statistic) -> u32 {
        s.of_years(&Self::primary_years(record))
    }

    /// Per-year counts under the primary reading.
    pub fn primary_years(record: &Record) -> Vec<[u32; KINDS]> {
        let kinds: Vec<Option<EventType>> = record.events.iter().map(|e| Some(e.kind)).collect();
        record.years_of(&kinds)
    }
}
