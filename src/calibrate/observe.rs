//! Summary statistics and the observation model: how a simulated history becomes what a
//! coder would have recorded, and how the record's disputed codings are read.
//!
//! Two sources of coding uncertainty (docs/HISTORICAL-CASES.md, "Observation model"):
//! - **Unobserved events** (forward, exact): each event the model simulates is in the record
//!   with probability `detect[statistic]` independently (binomial thinning), so a quiet display
//!   that no source reported does not count against the model.
//! - **Disputed codings** (the record's side): an event with an `alternative` reading takes
//!   that reading with probability `alternative[certainty]` (high, medium, low). Each simulated
//!   dataset is compared with one such reading, drawn afresh, so the ABC acceptance averages
//!   over the readings (the record is not treated as exact).

use rand::{Rng, RngExt};

use super::record::{EventType, Record};
use crate::model::{CrisisOutcome, RivalryRecord};

/// A summary statistic: a count of events over a case's years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// Threats and displays of force (MID levels 2-3).
    ThreatOrDisplay,
    /// Uses of force short of war (MID level 4).
    UseOfForce,
    /// Wars (MID level 5).
    War,
}

impl Statistic {
    pub const ALL: [(&'static str, Statistic); 3] = [
        ("threat_or_display", Statistic::ThreatOrDisplay),
        ("use_of_force", Statistic::UseOfForce),
        ("war", Statistic::War),
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
            Statistic::ThreatOrDisplay => "threats and displays of force",
            Statistic::UseOfForce => "uses of force short of war",
            Statistic::War => "wars",
        }
    }

    /// Which statistic an event of type `t` counts towards, if any.
    pub fn of_event(t: EventType) -> Option<Statistic> {
        Self::of_level(t.mid_level())
    }

    /// Which statistic a crisis whose highest MID level is `level` counts towards, if any.
    pub fn of_level(level: u8) -> Option<Statistic> {
        match level {
            2 | 3 => Some(Statistic::ThreatOrDisplay),
            4 => Some(Statistic::UseOfForce),
            5 => Some(Statistic::War),
            _ => None,
        }
    }

    /// The count in one run's record of one rivalry. The current model records challenges
    /// (levels 2-5) and crisis outcomes; threats and displays are the challenges that ended
    /// below level 4.
    pub fn simulated(self, r: &RivalryRecord) -> u32 {
        let force = r.outcomes[CrisisOutcome::FailureLimited as usize];
        let war = r.outcomes[CrisisOutcome::FailureWar as usize];
        match self {
            Statistic::ThreatOrDisplay => r.disputes.saturating_sub(force + war),
            Statistic::UseOfForce => force,
            Statistic::War => war,
        }
    }
}

/// The observation model's probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Probability that an event of each statistic is in the record (index: `Statistic::ALL`).
    pub detect: [f64; 3],
    /// Probability that a disputed event takes its alternative reading, by certainty
    /// (high, medium, low).
    pub alternative: [f64; 3],
}

impl Default for Observation {
    /// Documented defaults (docs/HISTORICAL-CASES.md): threats and displays are often unreported
    /// (0.8), uses of force rarely (0.95), wars never (1.0); a disputed coding flips with
    /// probability 0.05, 0.25, 0.5 for high, medium, low certainty.
    fn default() -> Self {
        Self {
            detect: [0.8, 0.95, 1.0],
            alternative: [0.05, 0.25, 0.5],
        }
    }
}

fn stat_index(s: Statistic) -> usize {
    Statistic::ALL
        .iter()
        .position(|(_, x)| *x == s)
        .unwrap_or(0)
}

impl Observation {
    /// Thin a simulated count: each event recorded with probability `detect[s]`.
    pub fn thin<R: Rng + ?Sized>(&self, s: Statistic, count: u32, rng: &mut R) -> u32 {
        let p = self.detect[stat_index(s)];
        if p >= 1.0 {
            return count;
        }
        (0..count).filter(|_| rng.random::<f64>() < p).count() as u32
    }

    /// One reading of the record, counted for each of `stats`: each disputed event takes its
    /// alternative with its certainty's probability (one draw per disputed event, in record
    /// order), then each crisis (the events sharing a `dispute` id, or a single event) counts
    /// once, at its highest level under that reading, towards the statistic of that level. One
    /// reading serves every statistic, so an event is never war in one count and use of force
    /// in another.
    pub fn read<R: Rng + ?Sized>(
        &self,
        record: &Record,
        stats: &[Statistic],
        rng: &mut R,
    ) -> Vec<u32> {
        let kinds: Vec<Option<EventType>> = record
            .events
            .iter()
            .map(|e| match e.alternative {
                Some(alt) if rng.random::<f64>() < self.alternative[e.certainty.index()] => alt,
                _ => Some(e.kind),
            })
            .collect();
        count_levels(&record.dispute_levels(&kinds), stats)
    }

    /// The count of `s` under the primary reading: crises at their highest level.
    pub fn primary(record: &Record, s: Statistic) -> u32 {
        count_levels(&record.primary_dispute_levels(), &[s])[0]
    }
}

/// Crises per statistic, from their highest levels.
fn count_levels(levels: &[u8], stats: &[Statistic]) -> Vec<u32> {
    stats
        .iter()
        .map(|&s| {
            levels
                .iter()
                .filter(|&&l| Statistic::of_level(l) == Some(s))
                .count() as u32
        })
        .collect()
}
