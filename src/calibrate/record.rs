//! Historical records: a case's dated events (scenarios/history/*.record.toml) -> [`Record`].
//!
//! Coding rules and the meaning of every field: docs/HISTORY.md. Event types follow the MID
//! hostility levels (Palmer et al. 2022, "The MID5 dataset, 2011-2014", Conflict Management and
//! Peace Science 39(4)): 2 threat, 3 display, 4 use of force, 5 war; plus crisis triggers by the
//! target, non-state violence and economic coercion, which are not MID levels.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::scenario::input::{self, FileKind, Input, join, lookup};
use crate::scenario::{self, Diagnostics, Scenario, closest};

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
    /// SHA-256 (hex) of the record file's content as it was read (`content_sha256`: comments
    /// and layout aside), for the calibration's fingerprint.
    pub content_sha256: String,
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
        use super::observe::{K_NON_STATE, kind_of_level};
        let mut out = vec![[0u32; super::observe::KINDS]; self.years()];
        for (level, year) in self.crises(kinds) {
            if let Some(k) = kind_of_level(level) {
                out[year][k] += 1;
            }
        }
        for (e, k) in self.events.iter().zip(kinds) {
            if *k == Some(EventType::NonState) {
                out[(e.year - self.first_year) as usize][K_NON_STATE] += 1;
            }
        }
        out
    }
}

/// Record files, for the shared input core.
pub(crate) const RECORD_FILE: FileKind = FileKind {
    noun: "record",
    max_bytes: MAX_RECORD_BYTES,
    minimum: "a [case] table (id, name, scenario, rivalries, first_year, last_year) and the \
              [[event]] tables (see docs/HISTORY.md)",
};

const CASE_KEYS: [&str; 7] = [
    "id",
    "name",
    "scenario",
    "rivalries",
    "first_year",
    "last_year",
    "note",
];
const EVENT_KEYS: [&str; 9] = [
    "date",
    "type",
    "summary",
    "source",
    "certainty",
    "alternative",
    "verified",
    "dispute",
    "target",
];
const ALTERNATIVE_KEYS: [&str; 2] = ["type", "note"];

/// Where a record's links to its scenario are written, for messages about them.
struct Links {
    /// The `case.scenario` value.
    scenario: Range<usize>,
    /// Each `case.rivalries[i]` value.
    rivalries: Vec<Range<usize>>,
    /// The `case.last_year` value.
    last_year: Range<usize>,
}

/// Read and validate a record file (the record alone; [`load_case`] also checks the scenario
/// it names).
#[cfg(any(test, feature = "internals"))]
pub fn load_record(path: &Path) -> Result<Record, Diagnostics> {
    read_record(path).map(|(r, _, _)| r)
}

/// Validate record text (`path` locates the scenario it names; the scenario is not read).
#[cfg(any(test, feature = "internals"))]
pub fn parse_record(src: &str, shown: &str, path: &Path) -> Result<Record, Diagnostics> {
    let doc = input::parse(src, shown, RECORD_FILE)?;
    let mut r = Input::new(shown, src);
    let record = read(&mut r, doc.get_ref(), doc.span(), path, &mut None);
    let diags = r.finish();
    match record {
        Some((rec, _)) if !diags.has_errors() => Ok(rec),
        _ => Err(diags),
    }
}

#[cfg(any(test, feature = "internals"))]
fn read_record(path: &Path) -> Result<(Record, Links, String), Diagnostics> {
    read_record_or_scenario(path).map_err(|(d, _)| d)
}

/// [`read_record`], and when the record is refused but its `case.scenario` reads as a path,
/// that path and where it is written, so the scenario can still be checked (every problem).
#[allow(clippy::type_complexity)]
fn read_record_or_scenario(
    path: &Path,
) -> Result<(Record, Links, String), (Diagnostics, Option<(PathBuf, Range<usize>, String)>)> {
    let shown = path.display().to_string();
    let src = input::read_text(path, &shown, RECORD_FILE).map_err(|d| (d, None))?;
    let doc = input::parse(&src, &shown, RECORD_FILE).map_err(|d| (d, None))?;
    let mut r = Input::new(&shown, &src);
    let mut named = None;
    let record = read(&mut r, doc.get_ref(), doc.span(), path, &mut named);
    let diags = r.finish();
    match record {
        Some((rec, links)) if !diags.has_errors() => Ok((rec, links, src.clone())),
        _ => Err((diags, named.map(|(p, at)| (p, at, src.clone())))),
    }
}

/// Check that the scenario a record names reads and is valid: a missing or unreadable file
/// is reported at `case.scenario`; an invalid one there too, with its own problems after.
fn scenario_problems(
    r: &mut Input<'_>,
    span: Range<usize>,
    rel: &str,
    path: &Path,
    warnings: &mut Diagnostics,
) -> Result<Scenario, Vec<scenario::Diagnostic>> {
    match scenario::load_base_with_warnings(path, None) {
        Ok((s, w)) => {
            warnings.0.extend(w.0);
            Ok(s)
        }
        Err(inner) => {
            if r.unreadable_named(span.clone(), "case.scenario", "the scenario", rel, path, &inner) {
                return Err(Vec::new());
            }
            r.error(
                span,
                "case.scenario",
                format!(
                    "the scenario `{rel}` (at `{}`) is not valid (see below)",
                    path.display()
                ),
            );
            Err(inner.0)
        }
    }
}

/// Read a record file and the start-year scenario it names, and check that they fit: the
/// scenario reads (a missing or invalid file is reported at `case.scenario`, its own problems
/// below), it has every rivalry of `case.rivalries` (an unknown id at its place, with a
/// did-you-mean) and it runs exactly the record's years. Returns the record, the scenario,
/// the index in the scenario of each of the record's rivalries, and the scenario's warnings
/// (those `deter validate` and `deter run` give it: `deter validate` of a record or a
/// calibration file and `deter calibrate` print them).
pub fn load_case(
    path: &Path,
) -> Result<(Record, Scenario, Vec<usize>, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::default();
    let shown = path.display().to_string();
    let (record, links, src) = match read_record_or_scenario(path) {
        Ok(x) => x,
        // The record is refused; the scenario it names is still checked, so that one run
        // reports every problem (a wrong id and a missing scenario file both).
        Err((mut diags, named)) => {
            if let Some((scen, at, src)) = named {
                let mut r = Input::new(&shown, &src);
                let rel = src.get(at.clone()).unwrap_or("").trim();
                let rel = rel.trim_matches('"').trim_matches('\'').to_string();
                let inner = scenario_problems(&mut r, at, &rel, &scen, &mut warnings).err();
                diags.0.extend(r.finish().0);
                diags.0.extend(inner.unwrap_or_default());
            }
            return Err(diags);
        }
    };
    let mut r = Input::new(&shown, &src);
    let rel = scenario_name(&src, &links);
    let scenario = match scenario_problems(
        &mut r,
        links.scenario.clone(),
        &rel,
        &record.scenario,
        &mut warnings,
    ) {
        Ok(s) => s,
        Err(inner) => {
            let mut d = r.finish();
            d.0.extend(inner);
            return Err(d);
        }
    };
    let ids: Vec<String> = scenario.rivalries.iter().map(|x| x.id.clone()).collect();
    let mut rivalries = Vec::new();
    for (i, (id, span)) in record.rivalries.iter().zip(&links.rivalries).enumerate() {
        match ids.iter().position(|x| x == id) {
            Some(k) => rivalries.push(k),
            None => {
                let help = match closest(id, &ids) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("the scenario's rivalries: {}", ids.join(", ")),
                };
                r.error(
                    span.clone(),
                    &format!("case.rivalries[{i}]"),
                    format!("unknown rivalry id `{id}` in the scenario `{rel}`"),
                )
                .help = Some(help);
            }
        }
    }
    let years = scenario.meta.horizon_years as usize;
    if years != record.years() {
        r.error(
            links.last_year.clone(),
            "case.last_year",
            format!(
                "the record covers {} years ({}-{}) but the scenario `{rel}` runs {years}",
                record.years(),
                record.first_year,
                record.last_year
            ),
        )
        .help = Some(format!(
            "set `horizon_years = {}` in the scenario's [scenario] table, or the record's years to its horizon",
            record.years()
        ));
    }
    let diags = r.finish();
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((record, scenario, rivalries, warnings))
}

/// The `case.scenario` value as written in the record.
fn scenario_name(src: &str, links: &Links) -> String {
    let text = src.get(links.scenario.clone()).unwrap_or("").trim();
    text.trim_matches('"').trim_matches('\'').to_string()
}

/// The record's `case.id`: an id like a scenario's ids ([`Input::id`]), and, in a file named
/// `CASE.record.toml` (docs/HISTORY.md), equal to `CASE`: a calibration file names the record
/// by its file, and `[[parameter]] case` and `--hold-out` name the case by its id, so the two
/// must agree (a did-you-mean when the id is close to the file's name).
fn case_id(
    r: &mut Input<'_>,
    case: &DeTable<'_>,
    cspan: Range<usize>,
    path: &Path,
) -> Option<String> {
    let v = r.required(case, cspan, "case", "id", "\"serbia-kosovo\"")?;
    let id = r.id(v, "case.id")?;
    let file = path.file_name()?.to_string_lossy();
    let Some(stem) = file.strip_suffix(".record.toml") else {
        return Some(id);
    };
    if stem != id {
        let help = match closest(&id, &[stem.to_string()]) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!(
                "set `id = \"{stem}\"`, or rename the file `{id}.record.toml` (and the calibration \
                 file's `cases` entry with it)"
            ),
        };
        r.error(
            v.span(),
            "case.id",
            format!(
                "the case id `{id}` differs from the file's name `{file}`: a record `CASE.record.toml` \
                 has `id = \"CASE\"`, the name `[[parameter]] case` and `--hold-out` use"
            ),
        )
        .help = Some(help);
        return None;
    }
    Some(id)
}

/// The record reader on the shared input core: keys, types and values, every problem.
fn read(
    r: &mut Input<'_>,
    root: &DeTable<'_>,
    span: Range<usize>,
    path: &Path,
    named: &mut Option<(PathBuf, Range<usize>)>,
) -> Option<(Record, Links)> {
    r.check_keys(root, "", &["case", "event"]);
    let Some(case_v) = lookup(root, "case") else {
        r.error(
            span.start..span.start,
            "case",
            "missing required table [case]".into(),
        )
        .help = Some(
            "a record starts with [case]: id, name, scenario, rivalries, first_year, last_year"
                .into(),
        );
        return None;
    };
    let case = r.table(case_v, "case")?;
    let cspan = case_v.span();
    r.check_keys(case, "case", &CASE_KEYS);
    // Written into outputs (report titles, posterior column names): no control characters.
    let text = |r: &mut Input<'_>, key: &str, example: &str| -> Option<String> {
        let v = r.required(case, cspan.clone(), "case", key, example)?;
        r.label(v, &join("case", key))
    };
    let id = case_id(r, case, cspan.clone(), path);
    let name = text(r, "name", "\"Serbia -> Kosovo\"");
    let scenario_v = r.required(
        case,
        cspan.clone(),
        "case",
        "scenario",
        "\"serbia-kosovo-2008.toml\"",
    );
    let scenario = scenario_v.and_then(|v| r.string(v, "case.scenario"));
    if let (Some(v), Some(s)) = (scenario_v, &scenario) {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        *named = Some((dir.join(s), v.span()));
    }
    if let Some(v) = lookup(case, "note") {
        r.prose(v, "case.note");
    }
    let mut rivalries = Vec::new();
    let mut rivalry_spans = Vec::new();
    let rivalries_v = r.required(case, cspan.clone(), "case", "rivalries", "[\"SRB-XKX\"]");
    if let Some(v) = rivalries_v
        && let Some(a) = r.array(v, "case.rivalries", "an array of rivalry ids")
    {
        if a.is_empty() {
            r.error(
                v.span(),
                "case.rivalries",
                "a case needs at least one rivalry id, e.g. [\"SRB-XKX\"]".into(),
            );
        }
        for (i, item) in a.iter().enumerate() {
            if let Some(s) = r.string(item, &format!("case.rivalries[{i}]")) {
                rivalries.push(s);
                rivalry_spans.push(item.span());
            }
        }
    }
    let year = |r: &mut Input<'_>, key: &str, example: &str| -> Option<(i32, Range<usize>)> {
        let v = r.required(case, cspan.clone(), "case", key, example)?;
        let y = r.integer(v, &join("case", key), 1800, 2200)?;
        Some((y as i32, v.span()))
    };
    let first = year(r, "first_year", "2008");
    let last = year(r, "last_year", "2024");
    let years = match (&first, &last) {
        (Some((f, _)), Some((l, _))) if f <= l => Some((*f, *l)),
        _ => None,
    };

    let mut events = Vec::new();
    for (i, t, espan) in r.entries(root, "event") {
        let p = format!("event[{i}]");
        if let Some(e) = event(r, t, espan, &p, years) {
            events.push(e);
        }
    }
    if let (Some((f, first_at)), Some((l, last_at))) = (&first, &last)
        && (l < f || l - f > 200)
    {
        // The key at fault is the one the record's own events contradict: a first year after
        // its events (`first_year = 2025` over events of 2008-2024) or a last year before
        // them. With no events to tell (or as many against each) it is `last_year`, the key
        // read second, which contradicts the first.
        let before = events.iter().filter(|e| e.year < *f).count();
        let after = events.iter().filter(|e| e.year > *l).count();
        let (at, key) = if l < f && before > after {
            (first_at, "case.first_year")
        } else {
            (last_at, "case.last_year")
        };
        let message = if l < f {
            format!("`first_year = {f}` is after `last_year = {l}`: a case runs from its first year to its last")
        } else {
            format!(
                "`first_year = {f}` to `last_year = {l}` is {} years: a case covers at most 201",
                l - f + 1
            )
        };
        r.error(at.clone(), key, message);
    }
    let (id, name, scenario, (first, _), (last, last_span)) =
        (id?, name?, scenario?, first?, last?);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let links = Links {
        scenario: scenario_v.map_or(cspan.clone(), |v| v.span()),
        rivalries: rivalry_spans,
        last_year: last_span,
    };
    Some((
        Record {
            file: path.to_path_buf(),
            id,
            name,
            scenario: dir.join(&scenario),
            rivalries,
            first_year: first,
            last_year: last,
            events,
            content_sha256: super::content_sha256(r.src),
        },
        links,
    ))
}

/// The year and month of a record's `date`: `YYYY-MM` or `YYYY-MM-DD`, with four digits of
/// year, two of month (01-12) and two of a day that exists in that month (the Gregorian
/// calendar's leap years); `None` for anything else (`2008-02-30`, `2008-2-17`, `2008-02-00`).
fn record_date(date: &str) -> Option<(i32, u32)> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = date.split('-').collect();
    let (y, m, d) = match parts[..] {
        [y, m] => (y, m, None),
        [y, m, d] => (y, m, Some(d)),
        _ => return None,
    };
    if !digits(y, 4) || !digits(m, 2) {
        return None;
    }
    let (year, month): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&month) {
        return None;
    }
    if let Some(d) = d
        && (!digits(d, 2) || !(1..=days_in_month(year, month)).contains(&d.parse::<u32>().ok()?))
    {
        return None;
    }
    Some((year, month))
}

/// The number of days of `month` (1-12) of `year` in the Gregorian calendar.
fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Why a date written `YYYY-MM-DD` with a month of 01-12 is no day of the calendar
/// (`2008-02-30`: "February 2008 has 29 days"); `None` for any other date, valid or not.
fn no_such_day(date: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ];
    let (ym, d) = date.rsplit_once('-')?;
    // `ym` a month, `YYYY-MM` (not a whole date: `2008-02-17-01` is no date at all).
    if ym.len() != 7 {
        return None;
    }
    let (year, month) = record_date(ym)?;
    if d.len() != 2 || !d.bytes().all(|b| b.is_ascii_digit()) || record_date(date).is_some() {
        return None;
    }
    let days = days_in_month(year, month);
    Some(format!(
        "no such day: {} {year} has {days} days",
        MONTHS[month as usize - 1]
    ))
}

/// One `[[event]]` table (key path `p`); `years` = the case's first and last year, when valid.
fn event(
    r: &mut Input<'_>,
    t: &DeTable<'_>,
    span: Range<usize>,
    p: &str,
    years: Option<(i32, i32)>,
) -> Option<Event> {
    r.check_keys(t, p, &EVENT_KEYS);
    let req =
        |r: &mut Input<'_>, key: &str, example: &str| r.required(t, span.clone(), p, key, example);
    let date_v = req(r, "date", "\"2008-02-17\"");
    let kind_v = req(r, "type", "\"display\"");
    let summary_v = req(r, "summary", "\"what happened\"");
    let source_v = req(r, "source", "\"where it was checked\"");
    let certainty_v = req(r, "certainty", "\"high\"");
    let verified_v = req(r, "verified", "true");
    let mut when = None;
    if let Some(v) = date_v
        && let Some(date) = r.string(v, &join(p, "date"))
    {
        match record_date(&date) {
            Some((year, month)) => match years {
                Some((first, last)) if year < first || year > last => {
                    r.error(
                        v.span(),
                        &join(p, "date"),
                        format!("`{date}` is outside the case's years {first}-{last}"),
                    );
                }
                _ => when = Some((year, month, date)),
            },
            _ => {
                let d = r.error(
                    v.span(),
                    &join(p, "date"),
                    format!("expected a date as \"YYYY-MM\" or \"YYYY-MM-DD\", found \"{date}\""),
                );
                if let Some(help) = no_such_day(&date) {
                    d.help = Some(help);
                }
            }
        }
    }
    let kind = kind_v.and_then(|v| r.choice(v, &join(p, "type"), &EventType::ALL));
    let summary = summary_v.and_then(|v| r.prose(v, &join(p, "summary")));
    let source = source_v.and_then(|v| r.string(v, &join(p, "source")));
    let certainty = certainty_v.and_then(|v| r.choice(v, &join(p, "certainty"), &Certainty::ALL));
    let verified = verified_v.and_then(|v| r.boolean(v, &join(p, "verified")));
    let dispute = lookup(t, "dispute").and_then(|v| r.string(v, &join(p, "dispute")));
    if let Some(v) = lookup(t, "target") {
        r.string(v, &join(p, "target"));
    }
    if let Some(v) = lookup(t, "note") {
        r.prose(v, &join(p, "note"));
    }
    // Outer Option: read without error; then the event's own `alternative` (none given, or
    // the other reading, `None` inside meaning "not an event").
    let mut alternative: Option<Option<Option<EventType>>> = Some(None);
    if let Some(v) = lookup(t, "alternative") {
        let at = join(p, "alternative");
        alternative = None;
        if let Some(a) = r.table(v, &at) {
            r.check_keys(a, &at, &ALTERNATIVE_KEYS);
            let kind_v = r.required(a, v.span(), &at, "type", "\"none\"");
            let note_v = r.required(a, v.span(), &at, "note", "\"who disputes the coding\"");
            if let Some(n) = note_v {
                r.prose(n, &join(&at, "note"));
            }
            let mut options: Vec<(&str, Option<EventType>)> = vec![("none", None)];
            options.extend(EventType::ALL.iter().map(|(k, t)| (*k, Some(*t))));
            alternative = kind_v.and_then(|k| r.choice(k, &join(&at, "type"), &options).map(Some));
        }
    }
    let (year, month, date) = when?;
    Some(Event {
        year,
        month,
        date,
        kind: kind?,
        certainty: certainty?,
        alternative: alternative?,
        summary: summary?,
        source: source?,
        verified: verified?,
        dispute,
    })
}
