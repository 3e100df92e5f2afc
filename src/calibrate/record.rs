//! Historical records: a case's dated events (scenarios/history/*.record.toml) -> [`Record`].
//!
//! Coding rules and the meaning of every field: docs/HISTORICAL-CASES.md. Event types follow the MID
//! hostility levels (Palmer et al. 2022, "The MID5 dataset, 2011-2014", Conflict Management and
//! Peace Science 39(4)): 2 threat, 3 display, 4 use of force, 5 war; plus crisis triggers by the
//! target, non-state violence and economic coercion, which are not MID levels.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::toml_error;
use crate::scenario::{Diagnostic, Diagnostics};

/// Largest record file accepted, in bytes.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// The type of a coded event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A crisis trigger initiated by the target (a law, a police operation, a tariff).
    Trigger,
    /// MID level 2: an explicit threat to use force.
    Threat,
    /// MID level 3: a display of force (alert, mobilisation, build-up, show of force).
    Display,
    /// MID level 4: use of force by state forces.
    UseOfForce,
    /// MID level 5: war.
    War,
    /// Violence by armed groups the state does not acknowledge.
    NonState,
    /// Economic coercion (embargo, blockade): recorded, not a MID level.
    Economic,
}

impl EventType {
    pub const ALL: [(&'static str, EventType); 7] = [
        ("trigger", EventType::Trigger),
        ("threat", EventType::Threat),
        ("display", EventType::Display),
        ("use_of_force", EventType::UseOfForce),
        ("war", EventType::War),
        ("non_state", EventType::NonState),
        ("economic", EventType::Economic),
    ];

    #[cfg(any(test, feature = "internals"))]
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("trigger", |(k, _)| k)
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(k, _)| *k == s).map(|(_, t)| *t)
    }

    /// The MID hostility level of the event type (2 threat, 3 display, 4 use of force, 5 war),
    /// or 0 for the types that are not MID levels (triggers, non-state violence, economic
    /// coercion).
    pub fn mid_level(self) -> u8 {
        match self {
            EventType::Threat => 2,
            EventType::Display => 3,
            EventType::UseOfForce => 4,
            EventType::War => 5,
            _ => 0,
        }
    }
}

/// How sure the coding of an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    High,
    Medium,
    Low,
}

impl Certainty {
    pub const ALL: [(&'static str, Certainty); 3] = [
        ("high", Certainty::High),
        ("medium", Certainty::Medium),
        ("low", Certainty::Low),
    ];

    #[cfg(any(test, feature = "internals"))]
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::High => "high",
            Certainty::Medium => "medium",
            Certainty::Low => "low",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One coded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub year: i32,
    pub month: u32,
    pub date: String,
    pub kind: EventType,
    pub certainty: Certainty,
    /// The other reading where the coding is disputed: `Some(None)` means "not an event".
    pub alternative: Option<Option<EventType>>,
    pub summary: String,
    pub source: String,
    pub verified: bool,
    /// The dispute (crisis) the event belongs to: events with the same id are incidents of
    /// one crisis, counted once at its highest level (the model's unit, as a MID is the MID
    /// data's); `None` = a crisis of its own.
    pub dispute: Option<String>,
}

/// A case: its scenario, the rivalries it covers and its dated events.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub file: PathBuf,
    pub id: String,
    pub name: String,
    /// The start-year scenario, resolved relative to the record file.
    pub scenario: PathBuf,
    /// Rivalry ids ("CHALLENGER-TARGET") whose events the record counts together.
    pub rivalries: Vec<String>,
    pub first_year: i32,
    pub last_year: i32,
    pub events: Vec<Event>,
}

impl Record {
    pub fn years(&self) -> usize {
        (self.last_year - self.first_year + 1) as usize
    }

    /// Events of `kind` per year (index 0 = `first_year`), under the primary reading.
    pub fn yearly(&self, kind: EventType) -> Vec<u32> {
        let mut out = vec![0; self.years()];
        for e in self.events.iter().filter(|e| e.kind == kind) {
            out[(e.year - self.first_year) as usize] += 1;
        }
        out
    }

    /// The crises when event `i` reads as `kinds[i]` (`None` = not an event): events sharing
    /// a `dispute` id form one crisis, every other event is its own. Each crisis as (highest
    /// MID level, index of the year in which an event first reached it), in order of first
    /// event; level 0 = no MID level (a trigger, non-state violence or economic coercion only).
    pub fn crises(&self, kinds: &[Option<EventType>]) -> Vec<(u8, usize)> {
        let mut ids: Vec<Option<&str>> = Vec::new();
        let mut out: Vec<(u8, usize)> = Vec::new();
        for (e, k) in self.events.iter().zip(kinds) {
            let level = k.map_or(0, EventType::mid_level);
            let year = (e.year - self.first_year) as usize;
            let at = match e.dispute.as_deref() {
                Some(id) => ids.iter().position(|x| *x == Some(id)),
                None => None,
            };
            match at {
                Some(j) if level > out[j].0 => out[j] = (level, year),
                Some(_) => {}
                None => {
                    ids.push(e.dispute.as_deref());
                    out.push((level, year));
                }
            }
        }
        out
    }

    /// Per-year counts ([`crate::calibrate::observe::KINDS`]) when event `i` reads as
    /// `kinds[i]`: crises at their highest level, counted in the year that level was reached,
    /// and non-state incidents, each in its year.
    pub fn years_of(&self, kinds: &[Option<EventType>]) -> Vec<[u32; super::observe::KINDS]> {
        use super::observe::{K_NON_STATE, K_THREAT_OR_DISPLAY, K_USE_OF_FORCE, K_WAR};
        let mut out = vec![[0u32; super::observe::KINDS]; self.years()];
        for (level, year) in self.crises(kinds) {
            let k = match level {
                2 | 3 => K_THREAT_OR_DISPLAY,
                4 => K_USE_OF_FORCE,
                5 => K_WAR,
                _ => continue,
            };
            out[year][k] += 1;
        }
        for (e, k) in self.events.iter().zip(kinds) {
            if *k == Some(EventType::NonState) {
                out[(e.year - self.first_year) as usize][K_NON_STATE] += 1;
            }
        }
        out
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    case: RawCase,
    #[serde(default)]
    event: Vec<RawEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    name: String,
    scenario: String,
    rivalries: Spanned<Vec<String>>,
    first_year: Spanned<i32>,
    last_year: Spanned<i32>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    date: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    summary: String,
    source: String,
    certainty: Spanned<String>,
    #[serde(default)]
    alternative: Option<RawAlternative>,
    verified: bool,
    /// The crisis the event belongs to (docs/HISTORICAL-CASES.md, rule 10).
    #[serde(default)]
    dispute: Option<String>,
    /// Which of the case's targets (several-target cases); informational.
    #[serde(default)]
    #[allow(dead_code)]
    target: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlternative {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    #[allow(dead_code)]
    note: String,
}

/// Read and validate a record file.
pub fn load_record(path: &Path) -> Result<Record, Diagnostics> {
    let shown = path.display().to_string();
    let src = super::read_text(path, &shown, MAX_RECORD_BYTES, "record")?;
    parse_record(&src, &shown, path)
}

/// Validate record text (`path` locates the scenario it names).
pub fn parse_record(src: &str, shown: &str, path: &Path) -> Result<Record, Diagnostics> {
    let raw: RawRecord = toml::from_str(src).map_err(|e| toml_error(shown, src, &e))?;
    let mut diags = Vec::new();
    let mut err = |span: Range<usize>, at: &str, m: String| {
        diags.push(Diagnostic::at(shown, src, span, at, m));
    };
    let (first, last) = (
        *raw.case.first_year.get_ref(),
        *raw.case.last_year.get_ref(),
    );
    if !(1800..=2200).contains(&first) || last < first || last - first > 200 {
        err(
            raw.case.last_year.span(),
            "case.last_year",
            format!(
                "expected 1800 <= first_year <= last_year <= first_year + 200, found {first}..{last}"
            ),
        );
    }
    if raw.case.rivalries.get_ref().is_empty() {
        err(
            raw.case.rivalries.span(),
            "case.rivalries",
            "a case needs at least one rivalry id, e.g. [\"SRB-XKX\"]".into(),
        );
    }
    let mut events = Vec::new();
    for (i, e) in raw.event.iter().enumerate() {
        let p = format!("event[{i}]");
        let date = e.date.get_ref();
        let parts: Vec<&str> = date.split('-').collect();
        let year = parts.first().and_then(|y| y.parse::<i32>().ok());
        let month = parts.get(1).and_then(|m| m.parse::<u32>().ok());
        let (Some(year), Some(month)) = (year, month) else {
            err(
                e.date.span(),
                &format!("{p}.date"),
                format!("expected a date YYYY-MM or YYYY-MM-DD, found `{date}`"),
            );
            continue;
        };
        if !(1..=12).contains(&month) || year < first || year > last {
            err(
                e.date.span(),
                &format!("{p}.date"),
                format!("`{date}` is outside the case's years {first}-{last} or not a valid month"),
            );
            continue;
        }
        let names: Vec<&str> = EventType::ALL.iter().map(|(k, _)| *k).collect();
        let Some(kind) = EventType::parse(e.kind.get_ref()) else {
            err(
                e.kind.span(),
                &format!("{p}.type"),
                format!(
                    "unknown event type `{}`: one of {}",
                    e.kind.get_ref(),
                    names.join(", ")
                ),
            );
            continue;
        };
        let Some(certainty) = Certainty::ALL
            .iter()
            .find(|(k, _)| k == e.certainty.get_ref())
            .map(|(_, c)| *c)
        else {
            err(
                e.certainty.span(),
                &format!("{p}.certainty"),
                format!(
                    "unknown certainty `{}`: one of high, medium, low",
                    e.certainty.get_ref()
                ),
            );
            continue;
        };
        let alternative = match &e.alternative {
            None => None,
            Some(a) if a.kind.get_ref() == "none" => Some(None),
            Some(a) => match EventType::parse(a.kind.get_ref()) {
                Some(t) => Some(Some(t)),
                None => {
                    err(
                        a.kind.span(),
                        &format!("{p}.alternative.type"),
                        format!(
                            "unknown event type `{}`: one of none, {}",
                            a.kind.get_ref(),
                            names.join(", ")
                        ),
                    );
                    continue;
                }
            },
        };
        events.push(Event {
            year,
            month,
            date: date.clone(),
            kind,
            certainty,
            alternative,
            summary: e.summary.clone(),
            source: e.source.clone(),
            verified: e.verified,
            dispute: e.dispute.clone(),
        });
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(Record {
        file: path.to_path_buf(),
        id: raw.case.id,
        name: raw.case.name,
        scenario: dir.join(&raw.case.scenario),
        rivalries: raw.case.rivalries.into_inner(),
        first_year: first,
        last_year: last,
        events,
    })
}
