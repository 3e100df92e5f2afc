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
/// highest level (threat, display, use of force, war) and non-state incidents.
pub const KINDS: usize = 5;
/// Index of crises whose highest level was a threat (MID 2).
pub const K_THREAT: usize = 0;
/// Index of crises whose highest level was a display of force (MID 3).
pub const K_DISPLAY: usize = 1;
/// Index of crises whose highest level was a use of force short of war (MID 4).
pub const K_USE_OF_FORCE: usize = 2;
/// Index of crises that ended in war (MID 5).
pub const K_WAR: usize = 3;
/// Index of non-state violent incidents (not a MID level).
pub const K_NON_STATE: usize = 4;
/// The crisis kinds (a threat or more), in the order of their MID levels.
const CRISIS_KINDS: [usize; 4] = [K_THREAT, K_DISPLAY, K_USE_OF_FORCE, K_WAR];

/// The crises (a threat or more, any highest level) of one year's counts.
pub fn crises(year: &[u32; KINDS]) -> u32 {
    CRISIS_KINDS.iter().map(|&k| year[k]).sum()
}

/// A summary statistic of one case over its years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// Crises whose highest level was a threat or a display of force (MID levels 2-3): the
    /// sum of [`Statistic::Threat`] and [`Statistic::Display`].
    ThreatOrDisplay,
    /// Crises whose highest level was a threat (MID level 2): the target conceded or the
    /// challenger backed down after it.
    Threat,
    /// Crises whose highest level was a display of force (MID level 3).
    Display,
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
    /// Every statistic by its name in a calibration file: the one list of the names (the
    /// `statistics` array and the keys of `[observation] detect` are read against it).
    pub const ALL: [(&'static str, Statistic); 8] = [
        ("threat_or_display", Statistic::ThreatOrDisplay),
        ("threat", Statistic::Threat),
        ("display", Statistic::Display),
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
            Statistic::Threat => "crises ending at a threat",
            Statistic::Display => "crises ending at a display of force",
            Statistic::UseOfForce => "crises reaching a use of force short of war",
            Statistic::War => "wars",
            Statistic::NonState => "non-state violent incidents",
            Statistic::CrisisYears => "years with a crisis (threat or more)",
            Statistic::ForceYears => "years with a use of force or war",
        }
    }

    /// The kinds a counting statistic adds up (its `[observation] detect` key sets their
    /// detection probability); `None` for the per-year statistics, which are read from the
    /// kinds after detection and have no detection of their own.
    pub fn kinds(self) -> Option<&'static [usize]> {
        match self {
            Statistic::ThreatOrDisplay => Some(&[K_THREAT, K_DISPLAY]),
            Statistic::Threat => Some(&[K_THREAT]),
            Statistic::Display => Some(&[K_DISPLAY]),
            Statistic::UseOfForce => Some(&[K_USE_OF_FORCE]),
            Statistic::War => Some(&[K_WAR]),
            Statistic::NonState => Some(&[K_NON_STATE]),
            Statistic::CrisisYears | Statistic::ForceYears => None,
        }
    }

    /// The names that are keys of `[observation] detect`: the counting statistics of
    /// [`Statistic::ALL`], in its order.
    pub fn detect_keys() -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|(_, s)| s.kinds().is_some())
            .map(|(k, _)| *k)
            .collect()
    }

    /// The statistic that counts `kind` alone ([`K_THREAT`] .. [`K_NON_STATE`]).
    pub fn of_kind(kind: usize) -> Option<Statistic> {
        Self::ALL
            .iter()
            .find(|(_, s)| s.kinds() == Some(&[kind]))
            .map(|(_, s)| *s)
    }

    /// Which statistic an event of type `t` counts towards, if any (the finest: a threat
    /// counts towards [`Statistic::Threat`], and towards [`Statistic::ThreatOrDisplay`] too).
    #[cfg(any(test, feature = "internals"))]
    pub fn of_event(t: EventType) -> Option<Statistic> {
        Self::of_level(t.mid_level())
    }

    /// Which statistic a crisis whose highest MID level is `level` counts towards, if any
    /// (the finest, as [`Statistic::of_event`]).
    #[cfg(any(test, feature = "internals"))]
    pub fn of_level(level: u8) -> Option<Statistic> {
        Self::of_kind(kind_of_level(level)?)
    }

    /// The statistic from per-year counts (`KINDS` per year, after the observation model).
    pub fn of_years(self, years: &[[u32; KINDS]]) -> u32 {
        match self {
            Statistic::CrisisYears => years.iter().filter(|y| crises(y) > 0).count() as u32,
            Statistic::ForceYears => years
                .iter()
                .filter(|y| y[K_USE_OF_FORCE] + y[K_WAR] > 0)
                .count() as u32,
            counted => {
                let kinds = counted.kinds().unwrap_or(&[]);
                years
                    .iter()
                    .map(|y| kinds.iter().map(|&k| y[k]).sum::<u32>())
                    .sum()
            }
        }
    }
}

/// The kind a crisis whose highest MID level is `level` is counted as (2 threat, 3 display,
/// 4 use of force, 5 war), or `None` below a threat.
pub fn kind_of_level(level: u8) -> Option<usize> {
    match level {
        2 => Some(K_THREAT),
        3 => Some(K_DISPLAY),
        4 => Some(K_USE_OF_FORCE),
        5 => Some(K_WAR),
        _ => None,
    }
}

/// One run's per-year counts of one rivalry in the record's kinds (the engine counts every
/// crisis once, at its highest level, in the year it happened: `crate::outputs::count`).
pub fn simulated_years(yearly_counts: &[[u32; N_COUNTS]], years: usize) -> Vec<[u32; KINDS]> {
    (0..years)
        .map(|y| match yearly_counts.get(y) {
            Some(c) => [
                c[count::THREATS],
                c[count::DISPLAYS],
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
    /// [`K_THREAT`], [`K_DISPLAY`], [`K_USE_OF_FORCE`], [`K_WAR`], [`K_NON_STATE`]).
    pub detect: [f64; KINDS],
    /// Probability that a disputed event takes its alternative reading, by certainty
    /// (high, medium, low).
    pub alternative: [f64; 3],
}

impl Default for Observation {
    /// Documented defaults (docs/HISTORY.md): threats and displays are often unreported
    /// (0.8 each), uses of force rarely (0.95), wars never (1.0), non-state incidents sometimes
    /// (0.9: riots and ambushes are reported, small incidents are not all coded); a disputed
    /// coding flips with probability 0.05, 0.25, 0.5 for high, medium, low certainty.
    fn default() -> Self {
        Self {
            detect: [0.8, 0.8, 0.95, 1.0, 0.9],
            alternative: [0.05, 0.25, 0.5],
        }
    }
}

impl Observation {
    /// Thin per-year counts: each crisis or incident is recorded with probability
    /// `detect[kind]`, independently, year by year and kind by kind (in that order). One
    /// uniform draw per crisis or incident of a kind with `detect` < 1, threats before
    /// displays: with threats and displays detected alike, the recorded threats plus displays
    /// are those of thinning their sum (the same draws against the same probability).
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// A file that gives `threat_or_display` (before threats and displays were counted apart,
    /// one kind thinned with `detect.threat_or_display`) keeps its numbers: thinning threats
    /// and displays with one probability records, in sum, the crises that thinning their sum
    /// records, every other kind is the same and the stream is left where it was.
    #[test]
    fn thinning_threats_and_displays_alike_is_thinning_their_sum() {
        let obs = Observation::default();
        let mut years_rng = ChaCha8Rng::seed_from_u64(11);
        for seed in 0..200 {
            let apart: Vec<[u32; KINDS]> = (0..6)
                .map(|_| std::array::from_fn(|_| years_rng.random_range(0..5)))
                .collect();
            // The sum in the threat's place, no display: the kinds as they were.
            let mut summed: Vec<[u32; KINDS]> = apart
                .iter()
                .map(|y| {
                    let mut s = *y;
                    s[K_THREAT] += s[K_DISPLAY];
                    s[K_DISPLAY] = 0;
                    s
                })
                .collect();
            let mut thinned = apart.clone();
            let mut a = ChaCha8Rng::seed_from_u64(seed);
            let mut b = ChaCha8Rng::seed_from_u64(seed);
            obs.thin(&mut thinned, &mut a);
            obs.thin(&mut summed, &mut b);
            for (t, s) in thinned.iter().zip(&summed) {
                assert_eq!(t[K_THREAT] + t[K_DISPLAY], s[K_THREAT], "seed {seed}");
                assert_eq!(t[K_USE_OF_FORCE..], s[K_USE_OF_FORCE..], "seed {seed}");
            }
            assert_eq!(a.random::<u64>(), b.random::<u64>(), "seed {seed}");
            // Each statistic from the thinned years: threat_or_display is their sum.
            let of = |s: Statistic| s.of_years(&thinned);
            assert_eq!(
                of(Statistic::ThreatOrDisplay),
                of(Statistic::Threat) + of(Statistic::Display)
            );
            assert_eq!(of(Statistic::ThreatOrDisplay), Statistic::Threat.of_years(&summed));
        }
    }

    /// Every statistic's name is in `Statistic::ALL` once, and the detection keys are the
    /// counting statistics, each kind alone under the statistic of its own name.
    #[test]
    fn statistic_names_are_listed_once_and_detect_keys_follow_them() {
        let names: Vec<&str> = Statistic::ALL.iter().map(|(k, _)| *k).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(n), "{n} twice");
            assert_eq!(Statistic::ALL[i].1.as_str(), *n);
        }
        assert_eq!(
            Statistic::detect_keys(),
            ["threat_or_display", "threat", "display", "use_of_force", "war", "non_state"]
        );
        let own: Vec<&str> = (0..KINDS)
            .map(|k| Statistic::of_kind(k).map_or("", Statistic::as_str))
            .collect();
        assert_eq!(own, ["threat", "display", "use_of_force", "war", "non_state"]);
        for level in 0..=6u8 {
            let want = match level {
                2 => Some(Statistic::Threat),
                3 => Some(Statistic::Display),
                4 => Some(Statistic::UseOfForce),
                5 => Some(Statistic::War),
                _ => None,
            };
            assert_eq!(Statistic::of_level(level), want, "level {level}");
        }
    }

    /// The engine's per-year counts become the record's kinds one to one: threats and
    /// displays apart, each from its own count.
    #[test]
    fn simulated_years_take_threats_and_displays_from_their_own_counts() {
        let mut yearly = vec![[0u32; N_COUNTS]; 2];
        yearly[0][count::THREATS] = 3;
        yearly[0][count::DISPLAYS] = 2;
        yearly[1][count::USES_OF_FORCE] = 1;
        yearly[1][count::WARS] = 1;
        yearly[1][count::NON_STATE] = 4;
        let years = simulated_years(&yearly, 3);
        assert_eq!(years, vec![[3, 2, 0, 0, 0], [0, 0, 1, 1, 4], [0; KINDS]]);
        assert_eq!(Statistic::Threat.of_years(&years), 3);
        assert_eq!(Statistic::Display.of_years(&years), 2);
        assert_eq!(Statistic::ThreatOrDisplay.of_years(&years), 5);
        assert_eq!(Statistic::CrisisYears.of_years(&years), 2);
        assert_eq!(Statistic::ForceYears.of_years(&years), 1);
    }
}
