//! The record of a sweep kept beside its results file, `RESULTS.sweep` (`lxf.csv` ->
//! `lxf.csv.sweep`): what the rows depend on (the resume fingerprint), the sweep's plan
//! (points, and for levers x futures the policies and futures, x runs per point) and whether
//! every planned point was written. Readers of the results (`deter robust`, `deter discover`)
//! check it: a results file holds no row for the points a stopped sweep did not reach, so
//! without the plan a sweep stopped exactly between two policies looks complete.
//!
//! The file is three lines, each replaced atomically as a whole (`output::write_atomic`):
//!
//! 1. `deter sweep fingerprint (engine VERSION): ...` (what the fingerprint covers);
//! 2. the SHA-256 fingerprint `--resume` compares (lines 1 and 2 are what deter wrote before
//!    the record existed, so an older marker still resumes);
//! 3. the record, one JSON object ([`Record`]): `"status": "running"` written before the
//!    first point runs, `"complete"` after the last row is synced (`deter sweep`, the facade's
//!    `sweep`, and `deter merge` of a sweep's shards, which writes it complete).
//!
//! Completeness is then decided exactly: the results are complete when the record says
//! `complete` and the file holds its `points` rows (one per point), its header being the one
//! the record names (`header_sha256`). A kill during the last row's write, or between it and
//! the record, leaves `running`: incomplete, and `--resume` completes it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::design::Design;
use super::rows::RowFormat;
use super::spec::Sweep;
use crate::engine::until::UntilCi;
use crate::report::table::{count, thousands};

/// Version of the record's JSON object (`deter_sweep_record`).
pub const RECORD_VERSION: u32 = 1;

/// Largest record read back (a record lists the policy ids: far below this).
pub const MAX_RECORD_BYTES: usize = 1 << 20;

pub use crate::output::sha256_hex;

/// What a sweep's rows depend on besides the command line: the validated base scenario,
/// runs, seed, design, points, levels, common random numbers and parameters (and for levers x
/// futures the policies' validated scenarios and thresholds; `attribution`).
pub fn settings_text(s: &Sweep) -> String {
    format!(
        "{}\n{:?} {:?} {:?} {:?} {:?} {:?} {:?}{}",
        s.base.fingerprint(),
        s.runs,
        s.seed,
        s.design,
        s.points,
        s.levels,
        s.common_random_numbers,
        s.parameters,
        s.crossing
            .as_ref()
            .map_or(String::new(), |c| format!(" {c:?}")),
    ) + if s.attribution { " attribution" } else { "" }
}

/// SHA-256 identifying a validated sweep: the `sha256` of its partial files, and the
/// record's `sweep_sha256`.
pub fn sweep_hash(s: &Sweep) -> String {
    sha256_hex(settings_text(s).as_bytes())
}

/// Lines 1 and 2 of the record file: what `--resume` compares. Unchanged from the marker
/// deter wrote before the record existed (the same text for the same settings).
pub fn fingerprint(sweep: &Sweep, until: Option<&UntilCi>, format: RowFormat) -> String {
    format!(
        "{FINGERPRINT_START} (engine {}): base scenario, runs, seed, design, \
         parameters, --until-ci, --format\n{}\n",
        crate::ENGINE_VERSION,
        sha256_hex(format!("{} {:?}", settings_text(sweep), (until.copied(), format)).as_bytes())
    )
}

/// How every record file begins (its first line is the fingerprint's).
pub const FINGERPRINT_START: &str = "deter sweep fingerprint";

/// The name every record ends with (`results.csv` -> `results.csv.sweep`).
pub const RECORD_SUFFIX: &str = ".sweep";

/// Whether `path` is, or would be taken for, a sweep's record: its name ends in
/// [`RECORD_SUFFIX`], or it begins as a record does. An output named so would replace the
/// record of another sweep's results (whose `--resume` then called the results "started with
/// other sweep settings"), or be taken for one.
pub fn is_record(path: &Path) -> bool {
    path.as_os_str().as_encoded_bytes().ends_with(RECORD_SUFFIX.as_bytes())
        || crate::scenario::read_bounded(path, FINGERPRINT_START.len())
            .is_ok_and(|b| b.starts_with(FINGERPRINT_START.as_bytes()))
}

/// `results.csv` -> `results.csv.sweep`: the record beside a results file.
pub fn path_beside(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(RECORD_SUFFIX);
    out.with_file_name(name)
}

/// Write the record file beside the results `out` (atomically: a reader sees the old record
/// or the new one, never part of one).
pub fn write(out: &Path, fingerprint: &str, record: &Record) -> std::io::Result<()> {
    crate::output::write_atomic(&path_beside(out), record.text(fingerprint).as_bytes())
}

/// The options a resume needs besides the sweep file, `--out` and `--resume`: those the
/// fingerprint covers, as `deter sweep` spells them (`--format`, `--runs`, `--seed`,
/// `--horizon-years`, `--until-ci`, `--max-runs`, `--attribution`, `--no-attribution`); a
/// resume without them is refused as "other sweep settings".
pub fn resume_args(
    format: Option<&str>,
    settings: &crate::settings::Settings,
    attribution: bool,
) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    let mut push = |flag: &str, value: Option<String>| {
        if let Some(value) = value {
            v.extend([flag.to_string(), value]);
        }
    };
    push("--format", format.map(str::to_string));
    push("--runs", settings.runs.map(|r| r.to_string()));
    push("--seed", settings.seed.map(|r| r.to_string()));
    push(
        "--horizon-years",
        settings.horizon_years.map(|r| r.to_string()),
    );
    push("--until-ci", settings.until_ci.map(|r| r.to_string()));
    // A cap without a target changes nothing (and `deter sweep` takes it only with one).
    push(
        "--max-runs",
        settings
            .max_runs
            .filter(|_| settings.until_ci.is_some())
            .map(|r| r.to_string()),
    );
    if attribution {
        v.push("--attribution".into());
    }
    if settings.no_attribution {
        v.push("--no-attribution".into());
    }
    v
}

/// The options a resume of merged shards' results `out` needs (`deter merge --out` writes
/// their record), as `deter sweep` would have recorded them for the same results: `--format`
/// only when `out`'s name does not already give the format (`r.csv` needs none, a CSV
/// written to `r.txt` needs `--format csv`), and the attribution flag the shards ran with
/// when it differs from the sweep file's `attribution` key (`file`), once: the flag wins over
/// the key.
pub fn merged_resume_args(
    out: &Path,
    format: RowFormat,
    file: bool,
    effective: bool,
) -> Vec<String> {
    let by_name = RowFormat::of_results(Some(out), None, crate::settings::Caller::Cli).ok();
    let mut v = Vec::new();
    if by_name != Some(format) {
        v.extend(["--format".to_string(), format.name().to_string()]);
    }
    match (file, effective) {
        (false, true) => v.push("--attribution".into()),
        (true, false) => v.push("--no-attribution".into()),
        _ => {}
    }
    v
}

/// Whether every planned point was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Written before the first point runs: the sweep has not (yet) finished.
    Running,
    /// Written after the last row was synced to disk.
    Complete,
}

/// Line 3 of the record file (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// [`RECORD_VERSION`].
    pub deter_sweep_record: u32,
    pub status: Status,
    /// Points of the design (one row each); for levers x futures, policies x futures.
    pub points: u64,
    /// Runs per point (the cap per point under `--until-ci`).
    pub runs_per_point: u64,
    /// `--until-ci`: each point stops at its target half-width, `runs_per_point` at most.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub until_ci: bool,
    /// Levers x futures: the policy ids, in point order (point k is future `k % futures`
    /// of policy `k / futures`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub futures: Option<u64>,
    /// SHA-256 of the results file's first line (its header), binding the record to it.
    pub header_sha256: String,
    /// SHA-256 of the validated sweep ([`sweep_hash`]; the shards' `sha256`).
    pub sweep_sha256: String,
    /// The sweep file as it was given, and the working directory it was given in.
    pub sweep_file: String,
    pub directory: String,
    /// When the sweep file's name or the directory is not UTF-8 (`sweep_file` and
    /// `directory` then hold them with U+FFFD for the bytes text cannot hold): the absolute
    /// path as a shell word with its bytes ([`shell_path`]), for the resume command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep_file_word: Option<String>,
    /// Options the resume needs besides the sweep file, `--out` and `--resume` (`--runs`,
    /// `--seed`, `--format`, ...), as given.
    pub resume_args: Vec<String>,
    /// SHA-256 of the whole results file, written with `complete` ([`Record::completed`]):
    /// binds a complete record to those rows, so results written over them (to standard
    /// output, by another sweep with the same header) are not called complete by it. Absent
    /// while running and in records written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_sha256: Option<String>,
    /// Levers x futures: the sweep file's `satisficing` thresholds (outcome -> probability),
    /// so that `deter robust RESULTS` recomputes the sweep's own robustness table without
    /// `--threshold`. Absent without thresholds and in records written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisficing: Option<std::collections::BTreeMap<String, f64>>,
    /// Levers x futures: the id of the policy that is the base scenario as it is (neither
    /// `file` nor `set`), the status quo of `deter robust RESULTS`. Absent when no policy is,
    /// and in records written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_policy: Option<String>,
}

impl Record {
    /// A running sweep's record: its plan (`runs_per_point`, a cap when `until_ci`), the
    /// results' `header` line, the sweep file as given and the options a resume needs.
    pub fn new(
        sweep: &Sweep,
        design: &Design,
        runs_per_point: u64,
        until_ci: bool,
        header: &str,
        sweep_file: &Path,
        resume_args: Vec<String>,
    ) -> Self {
        let directory = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        Self {
            deter_sweep_record: RECORD_VERSION,
            status: Status::Running,
            points: design.n,
            runs_per_point,
            until_ci,
            policies: sweep
                .crossing
                .as_ref()
                .map(|c| c.policies.iter().map(|p| p.id.clone()).collect()),
            futures: sweep.crossing.as_ref().map(|c| c.futures.max(1)),
            header_sha256: sha256_hex(header.as_bytes()),
            sweep_sha256: sweep_hash(sweep),
            sweep_file: sweep_file.display().to_string(),
            sweep_file_word: {
                let here = std::env::current_dir().unwrap_or_default();
                (sweep_file.to_str().is_none() || here.to_str().is_none())
                    .then(|| shell_path(&here.join(sweep_file)))
            },
            directory,
            resume_args,
            results_sha256: None,
            satisficing: sweep
                .crossing
                .as_ref()
                .filter(|c| !c.thresholds.is_empty())
                .map(|c| c.thresholds.iter().cloned().collect()),
            base_policy: sweep.crossing.as_ref().and_then(|c| {
                c.policies
                    .iter()
                    .find(|p| p.file.is_none() && p.settings.is_empty())
                    .map(|p| p.id.clone())
            }),
        }
    }

    /// Mark the record complete: every row of `results` is written and synced. Its SHA-256
    /// (read back in blocks) binds the record to them.
    pub fn completed(&mut self, results: &Path) -> std::io::Result<()> {
        self.results_sha256 = Some(file_sha256(results)?.0);
        self.status = Status::Complete;
        Ok(())
    }
}

/// Mark `record` complete ([`Record::completed`]: every row of the results `out` is
/// written and synced) and write it beside them; a failure says "cannot write `PATH`:
/// REASON" of the file that could not be read or written. Shared by `deter sweep`, `deter
/// merge` of sweep shards and the facade's sweeps.
pub fn write_complete(out: &Path, fingerprint: &str, record: &mut Record) -> Result<(), String> {
    record
        .completed(out)
        .and_then(|()| write(out, fingerprint, record))
        .map_err(|e| crate::output::cannot_write(path_beside(out), &e))
}

/// SHA-256 of the file at `path` (read in blocks) and its number of newlines.
fn file_sha256(path: &Path) -> std::io::Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut hash = Sha256::new();
    let mut block = vec![0u8; 1 << 16];
    let mut lines = 0u64;
    loop {
        match f.read(&mut block)? {
            0 => break,
            n => {
                hash.update(&block[..n]);
                lines += block[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            }
        }
    }
    let hex = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((hex, lines))
}

/// A resume (or a fresh start) a sweep's results refuse ([`check_resume`],
/// [`unfinished_same_sweep`]): for the command line, what was expected and found and what to
/// do, located at `flag`'s value `value` (`--out`, or the first overriding flag whose value
/// differs from the one the results were started with); for the library, one sentence
/// (`help` None, `flag` empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeFault {
    pub flag: &'static str,
    pub value: String,
    pub message: String,
    pub help: Option<String>,
}

impl ResumeFault {
    fn said(message: String) -> Self {
        ResumeFault {
            flag: "",
            value: String::new(),
            message,
            help: None,
        }
    }

    fn at_out(out: &Path, message: String, help: String) -> Self {
        ResumeFault {
            flag: "--out",
            value: out.display().to_string(),
            message,
            help: Some(help),
        }
    }
}

impl std::fmt::Display for ResumeFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.help {
            Some(h) => write!(f, "{}; {h}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

/// The overriding flags a record keeps ([`resume_args`]), in the order a resume compares them.
const OVERRIDES: [&str; 8] = [
    "--format",
    "--runs",
    "--seed",
    "--horizon-years",
    "--until-ci",
    "--max-runs",
    "--attribution",
    "--no-attribution",
];

/// The value of `flag` in options as [`resume_args`] spells them: `Some(flag)` for a switch
/// given, `Some(VALUE)` for a flag with a value, None when absent.
fn override_value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let at = args.iter().position(|a| a == flag)?;
    match flag {
        "--attribution" | "--no-attribution" => Some(&args[at]),
        _ => args.get(at + 1).map(String::as_str),
    }
}

/// The first overriding flag given now (`given`, as [`resume_args`] spells them) whose value
/// differs from the one the results were started with (`started`): the flag, its value now,
/// and the one it was started with. None when every flag given now was given so then (a
/// flag left out now, or another sweep file, cannot be pointed at).
fn differing_flag(
    started: &[String],
    given: &[String],
) -> Option<(&'static str, String, Option<String>)> {
    OVERRIDES.iter().find_map(|&flag| {
        let now = override_value(given, flag)?;
        let then = override_value(started, flag);
        (then != Some(now)).then(|| (flag, now.to_string(), then.map(str::to_string)))
    })
}

/// Whether the results `out` that exist may be completed by a resume of the sweep whose
/// [`fingerprint`] is `fingerprint` (`deter sweep --out OUT --resume`, the Python package's
/// `sweep(out=OUT, resume=True)`): their record must be there and begin with that
/// fingerprint (nothing else proves the rows come from this sweep), and the rows must be
/// those it recorded ([`written_over`]). On the command line the refusal is located at
/// `--out`, or at the first overriding flag of `given` (the resume's options, as
/// [`resume_args`] spells them) whose value differs from the one the results were started
/// with; the library's is one sentence naming `` `out` ``.
pub fn check_resume(
    out: &Path,
    fingerprint: &str,
    caller: super::rows::Caller,
    given: &[String],
) -> Result<(), ResumeFault> {
    let marker = path_beside(out);
    let cli = caller == super::rows::Caller::Cli;
    let settings = match caller {
        super::rows::Caller::Cli => "--until-ci or --format",
        super::rows::Caller::Library => "`until_ci`, `max_runs` or the format",
    };
    // Read with a bound (the fingerprint's length, plus one byte): a marker that is
    // `/dev/zero` or a huge file is only "other settings", never all memory. The fingerprint
    // is the first two lines; the record follows (an older marker has no record and still
    // resumes).
    let afresh = afresh(caller);
    let Ok(found) = crate::scenario::read_bounded(&marker, fingerprint.len()) else {
        if cli {
            return Err(ResumeFault::at_out(
                out,
                format!(
                    "expected results with their sweep's record, found `{}`, whose settings \
                     fingerprint `{}` is missing: nothing proves its rows come from this sweep",
                    out.display(),
                    marker.display()
                ),
                afresh,
            ));
        }
        return Err(ResumeFault::said(format!(
            "cannot resume `{}`: its settings fingerprint `{}` is missing, so nothing proves \
             its rows come from this sweep; {afresh}",
            out.display(),
            marker.display()
        )));
    };
    if !matches!(found.strip_prefix(fingerprint.as_bytes()), Some(b"" | b"{")) {
        if cli {
            let record = read_record(out);
            // What this file was started with, and the way to complete it.
            // A complete sweep's results have nothing left to resume: said as what they are.
            let help = match &record {
                Some(r) if complete_as_recorded(out, r) => format!(
                    "`{}` holds the complete results of `{}`: nothing is left to resume; \
                     {afresh}",
                    out.display(),
                    r.started_command(out)
                ),
                Some(r) => format!(
                    "`{}` resumes with `{}`: to complete it, run that; else {afresh}",
                    out.display(),
                    r.resume_command(out)
                ),
                None => afresh,
            };
            if let Some((flag, now, then)) = record
                .as_ref()
                .and_then(|r| differing_flag(&r.resume_args, given))
            {
                let message = match (then, now == flag) {
                    (None, true) => format!(
                        "expected no {flag} (`{}` was started without it)",
                        out.display()
                    ),
                    (None, false) => format!(
                        "expected no {flag} (`{}` was started without one), found `{now}`",
                        out.display()
                    ),
                    (Some(then), _) => format!(
                        "expected {flag} {then} (`{}` was started with it), found `{now}`",
                        out.display()
                    ),
                };
                return Err(ResumeFault {
                    flag,
                    value: now,
                    message,
                    help: Some(help),
                });
            }
            return Err(ResumeFault::at_out(
                out,
                format!(
                    "expected results started with this sweep's settings, found `{}`, started \
                     with other sweep settings (seed, runs, design, parameters, base scenario, \
                     {settings}; see `{}`)",
                    out.display(),
                    marker.display()
                ),
                help,
            ));
        }
        return Err(ResumeFault::said(format!(
            "`{}` was started with other sweep settings (seed, runs, design, parameters, base \
             scenario, {settings}; see `{}`); {afresh}",
            out.display(),
            marker.display()
        )));
    }
    if written_over(out) {
        if cli {
            return Err(ResumeFault::at_out(
                out,
                format!(
                    "expected the rows its record `{}` recorded complete, found `{}`, written \
                     over since (by a sweep to standard output, or edited)",
                    marker.display(),
                    out.display()
                ),
                afresh,
            ));
        }
        return Err(ResumeFault::said(format!(
            "`{}` does not hold the rows its record `{}` recorded complete: it was written \
             over (by a sweep to standard output, or edited); remove both or choose another \
             `out`",
            out.display(),
            marker.display(),
        )));
    }
    Ok(())
}

/// Results `out` that a sweep started without a resume would replace although they hold
/// finished rows of this very sweep (their record begins with `fingerprint` and says
/// `running`: the sweep was stopped before it finished): the refusal, naming the command
/// that completes them (`--resume`, located at `--out`; or `resume=True` for `caller`
/// Library) and how to start afresh. None when there is nothing of this sweep to lose (no
/// record, another sweep's, complete results, or no row past the header).
/// `kept_rows` counts the rows of `out` that are this sweep's (its header, then each row at
/// its design point); it is asked only when the record is this sweep's and `running`.
pub fn unfinished_same_sweep(
    out: &Path,
    fingerprint: &str,
    caller: super::rows::Caller,
    kept_rows: impl FnOnce() -> Option<u64>,
) -> Option<ResumeFault> {
    let found = crate::scenario::read_bounded(&path_beside(out), MAX_RECORD_BYTES).ok()?;
    if !found.starts_with(fingerprint.as_bytes()) {
        return None;
    }
    let record = read_record(out)?;
    if record.status != Status::Running {
        return None;
    }
    let rows = kept_rows().filter(|&n| n > 0)?;
    let held = format!(
        "{rows} finished point{} of the {} of this same sweep",
        if rows == 1 { "" } else { "s" },
        record.points,
    );
    let remove = format!(
        "to start afresh anyway, remove `{}` and its record `{}` first",
        out.display(),
        path_beside(out).display()
    );
    Some(match caller {
        super::rows::Caller::Cli => ResumeFault::at_out(
            out,
            format!(
                "expected results this sweep may start afresh over, found `{}`, which holds \
                 {held}, stopped before it finished",
                out.display()
            ),
            format!(
                "starting afresh would discard them: `{}` completes it; {remove}",
                record.resume_command(out)
            ),
        ),
        super::rows::Caller::Library => ResumeFault::said(format!(
            "`out` `{}` holds {held}, which was stopped before it finished; starting afresh \
             would discard them: `resume=True` completes it; {remove}",
            out.display()
        )),
    })
}

/// What to do with results a resume refuses, in the words of `caller`: another output, or a
/// fresh start over them (a sweep without `--resume` replaces its results and their record:
/// `deter sweep` has no `--force`, and needs none).
pub fn afresh(caller: super::rows::Caller) -> String {
    match caller {
        super::rows::Caller::Cli => "choose another --out, or leave out --resume to start \
                                     afresh over it (its rows and record are replaced)"
            .into(),
        super::rows::Caller::Library => {
            "choose another `out` (removing it would lose the rows it holds)".into()
        }
    }
}

/// [`afresh`] for results `out` whose rows a resume refused as not this sweep's: when their
/// record says a sweep was stopped before it finished, leaving out `--resume` is refused too
/// (it would discard that sweep's rows: [`unfinished_same_sweep`]), so the way to start
/// afresh is to remove both (each refusal sent the user to the other).
pub fn afresh_over(out: &Path, caller: super::rows::Caller) -> String {
    let stopped = read_record(out).is_some_and(|r| r.status == Status::Running);
    match caller {
        super::rows::Caller::Cli if stopped => format!(
            "choose another --out, or remove `{}` and its record `{}` to start afresh over \
             it (its record says a sweep was stopped before it finished, so a sweep without \
             --resume would refuse to discard its rows)",
            out.display(),
            path_beside(out).display()
        ),
        _ => afresh(caller),
    }
}

/// The record beside the results `results` (line 3 of their record file), if it is there
/// and reads as one. Read without recording the record as an input: a resume replaces it.
fn read_record(results: &Path) -> Option<Record> {
    let bytes = crate::scenario::read_bounded(&path_beside(results), MAX_RECORD_BYTES).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    serde_json::from_str(text.lines().nth(2)?).ok()
}

/// Whether the results at `results` are exactly the rows their record (beside them)
/// recorded complete: nothing is left for a resume of that sweep to do.
fn complete_as_recorded(results: &Path, record: &Record) -> bool {
    record.status == Status::Complete
        && record.results_sha256.as_deref().is_some_and(|recorded| {
            file_sha256(results).is_ok_and(|(hash, lines)| {
                lines == record.points + 1 && hash == recorded
            })
        })
}

/// Whether the results at `results` hold every point their record (beside them) recorded
/// complete, but other rows than it recorded: written over by another sweep (to standard
/// output, `deter sweep ... > results`) or edited. `deter sweep --resume` refuses them (its
/// checks of each kept row cannot see another seed's rows of a grid); a file cut short after
/// the sweep finished is not this (the resume completes it).
pub fn written_over(results: &Path) -> bool {
    let Some(record) = read_record(results) else {
        return false;
    };
    let Some(recorded) = record.results_sha256.as_deref() else {
        return false;
    };
    match file_sha256(results) {
        // A header line, then one line per point.
        Ok((hash, lines)) => {
            record.status == Status::Complete && lines == record.points + 1 && hash != recorded
        }
        Err(_) => false,
    }
}

impl Record {

    /// The whole record file: the `fingerprint` lines, then this record.
    pub fn text(&self, fingerprint: &str) -> String {
        fingerprint.to_string() + &serde_json::to_string(self).expect("serialises") + "\n"
    }

    /// `1,500 points (3 policies x 500 futures) x 200 runs`.
    pub fn plan(&self) -> String {
        let shape = match (&self.policies, self.futures) {
            (Some(p), Some(f)) => format!(
                " ({} x {})",
                count(p.len() as u64, "policy", "policies"),
                count(f, "future", "futures")
            ),
            _ => String::new(),
        };
        format!(
            "{}{shape} x {}{}",
            count(self.points, "point", "points"),
            if self.until_ci { "up to " } else { "" },
            count(self.runs_per_point, "run", "runs")
        )
    }

    /// The command that completes `results` (the path as the reader was given it): the
    /// sweep file as it was given when the reader works in the same directory, else made
    /// absolute from the recorded one; words a shell would split are quoted.
    pub fn resume_command(&self, results: &Path) -> String {
        format!("{} --resume", self.started_command(results))
    }

    /// The command that wrote the results `results` as this record describes them: the
    /// sweep file, `--out` and the options given ([`Record::resume_command`] without
    /// `--resume`).
    pub fn started_command(&self, results: &Path) -> String {
        let here = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let file = Path::new(&self.sweep_file);
        let file = if here == self.directory || file.is_absolute() || self.directory.is_empty() {
            file.to_path_buf()
        } else {
            Path::new(&self.directory).join(file)
        };
        // A sweep file whose name (or directory) is not UTF-8: the word recorded with its
        // bytes, absolute (`sweep_file` holds it as text, which cannot).
        let file = match &self.sweep_file_word {
            Some(w) => w.clone(),
            None => shell_path(&file),
        };
        let mut words = vec![
            "deter".to_string(),
            "sweep".into(),
            file,
            "--out".into(),
            shell_path(results),
        ];
        words.extend(self.resume_args.iter().map(|w| shell_word(w)));
        words.join(" ")
    }
}

/// A word as a POSIX shell reads it back (`shlex::try_quote`: as is when it holds only
/// characters no shell treats specially, else quoted). A word cannot hold a NUL byte (no
/// argument or path can); one that did would be quoted without it.
pub fn shell_word(w: &str) -> String {
    match shlex::try_quote(w) {
        Ok(q) => q.into_owned(),
        Err(_) => shell_word(&w.replace('\0', "")),
    }
}

/// A path as a word of a command line: relative ones that start with `-` (which the
/// command would read as an option) are written `./-NAME`.
pub fn path_word(p: &Path) -> String {
    let text = p.display().to_string();
    if p.is_relative() && text.starts_with('-') {
        format!("./{text}")
    } else {
        text
    }
}

/// A path as a word of a command line a shell reads back as that path: [`path_word`] through
/// [`shell_word`]; a path that is not UTF-8 (which no text can hold) as `$'...'` with each
/// byte outside printable ASCII written `\xHH`, the quoting of bash, zsh, ksh and POSIX.1-2024
/// `sh` (docs/SWEEPS.md, "Interrupted sweeps").
pub fn shell_path(p: &Path) -> String {
    #[cfg(unix)]
    if p.to_str().is_none() {
        use std::os::unix::ffi::OsStrExt;
        let bytes = p.as_os_str().as_bytes();
        let dash: &[u8] = if p.is_relative() && bytes.first() == Some(&b'-') {
            b"./"
        } else {
            b""
        };
        let mut w = String::from("$'");
        for &b in dash.iter().chain(bytes) {
            match b {
                b'\\' | b'\'' => {
                    w.push('\\');
                    w.push(char::from(b));
                }
                0x20..=0x7e => w.push(char::from(b)),
                _ => w.push_str(&format!("\\x{b:02x}")),
            }
        }
        w.push('\'');
        return w;
    }
    shell_word(&path_word(p))
}

/// The path a word written by [`shell_path`] names: `$'...'` with its bytes (`\\`, `\'` and
/// `\xHH` escapes), else a word as a POSIX shell reads it (`shlex`). None: not one such word.
pub fn path_of_shell_word(word: &str) -> Option<PathBuf> {
    #[cfg(unix)]
    if let Some(body) = word.strip_prefix("$'").and_then(|w| w.strip_suffix('\'')) {
        use std::os::unix::ffi::OsStringExt;
        let b = body.as_bytes();
        let mut bytes = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match (b[i], b.get(i + 1)) {
                (b'\\', Some(&c @ (b'\\' | b'\''))) => {
                    bytes.push(c);
                    i += 2;
                }
                (b'\\', Some(b'x')) => {
                    let hex = std::str::from_utf8(b.get(i + 2..i + 4)?).ok()?;
                    bytes.push(u8::from_str_radix(hex, 16).ok()?);
                    i += 4;
                }
                (b'\\' | b'\'', _) => return None,
                (c, _) => {
                    bytes.push(c);
                    i += 1;
                }
            }
        }
        return Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)));
    }
    match shlex::split(word)?.as_slice() {
        [one] => Some(PathBuf::from(one)),
        _ => None,
    }
}

/// The sweep file the record beside `results` names (made absolute from the directory it
/// was given in when it was given relative), if there is a readable record: an input of every
/// command that reads those results (`robust`, `discover`), which no output may replace.
/// A sweep file whose name (or directory) is not UTF-8 is the path of its bytes, from the
/// record's `sweep_file_word` ([`path_of_shell_word`]): `sweep_file` holds it as text, with
/// U+FFFD for those bytes, the name of no file.
pub fn recorded_sweep_file(results: &Path) -> Option<PathBuf> {
    let Beside::Record(r) = read_beside(results) else {
        return None;
    };
    if let Some(path) = r.sweep_file_word.as_deref().and_then(path_of_shell_word) {
        return Some(path);
    }
    let file = Path::new(&r.sweep_file);
    if r.sweep_file.is_empty() {
        None
    } else if file.is_absolute() || r.directory.is_empty() {
        Some(file.to_path_buf())
    } else {
        Some(Path::new(&r.directory).join(file))
    }
}

/// What is beside a results file.
#[derive(Debug, Clone, PartialEq)]
pub enum Beside {
    /// No record file: results written to standard output, or copied without it.
    Missing,
    /// A marker from before the record existed (the fingerprint lines only).
    Legacy,
    /// A file that is not a record (its reason).
    Unreadable(String),
    Record(Box<Record>),
}

/// Read the record beside `results` (bounded: a `/dev/zero` there is unreadable, not all
/// memory).
pub fn read_beside(results: &Path) -> Beside {
    let path = path_beside(results);
    let bytes = match crate::scenario::read_bounded(&path, MAX_RECORD_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Beside::Missing,
        Err(e) => return Beside::Unreadable(e.to_string()),
    };
    // An input: no output of the reading command may replace it.
    crate::output::note_input(&path);
    if bytes.len() > MAX_RECORD_BYTES {
        return Beside::Unreadable(crate::scenario::input::too_large(
            MAX_RECORD_BYTES,
            "sweep record",
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    if !first.starts_with("deter sweep fingerprint") {
        return Beside::Unreadable("it is not a deter sweep record".into());
    }
    let _fingerprint = lines.next();
    match lines.next() {
        None => Beside::Legacy,
        Some(json) => match serde_json::from_str::<Record>(json) {
            Ok(r) => Beside::Record(Box::new(r)),
            Err(e) => Beside::Unreadable(format!("its record line cannot be read: {e}")),
        },
    }
}

/// What a reader may conclude about a results file's completeness.
#[derive(Debug, Clone, PartialEq)]
pub enum Completeness {
    /// Every planned point has its row.
    Complete,
    /// Rows are missing: the message names them and the resume command.
    Incomplete(String),
    /// Nothing says (no record, an older one, or one for other results): the statement.
    Unknown(String),
}

/// The rows of a results file a reader has, for [`check`]: the number of rows, the SHA-256
/// of its first line and of the whole file, each row's `runs`, and for levers x futures
/// results each row's policy id.
pub struct RowsRead<'a> {
    pub rows: u64,
    pub header_sha256: &'a str,
    pub results_sha256: &'a str,
    /// Each row's `runs` cell (None: not a whole number).
    pub runs: Vec<Option<u64>>,
    pub policies: Option<Vec<&'a str>>,
}

/// Why `record` (whose header is the results') describes other results than `read`, if
/// it does: a complete record whose file hash differs while every row is there, a row
/// whose runs are not the plan's, or a row whose policy is not the plan's at that point
/// (point k is future `k % futures` of policy `k / futures`).
fn other_results(record: &Record, read: &RowsRead<'_>) -> Option<String> {
    if read.rows == record.points
        && record.status == Status::Complete
        && record
            .results_sha256
            .as_deref()
            .is_some_and(|h| h != read.results_sha256)
    {
        return Some("their rows differ from the rows it recorded complete".into());
    }
    for (k, runs) in read.runs.iter().enumerate() {
        let fits = match runs {
            Some(n) if record.until_ci => *n >= 1 && *n <= record.runs_per_point,
            Some(n) => *n == record.runs_per_point,
            None => false,
        };
        if !fits {
            let runs = runs.map_or("no whole number of".to_string(), thousands);
            return Some(format!(
                "row {k} has {runs} runs, its plan {}{}",
                if record.until_ci { "up to " } else { "" },
                thousands(record.runs_per_point)
            ));
        }
    }
    if let (Some(ids), Some(f), Some(rows)) = (&record.policies, record.futures, &read.policies)
    {
        for (k, id) in rows.iter().enumerate() {
            let planned = ids.get(k / f.max(1) as usize).map(String::as_str);
            if planned != Some(*id) {
                return Some(format!(
                    "row {k} is of policy `{id}`, where its plan has {}",
                    planned.map_or("no point".to_string(), |p| format!("policy `{p}`"))
                ));
            }
        }
    }
    None
}

/// Whether the results at `path` (read as `read`) hold every point their record plans.
pub fn check(path: &Path, read: &RowsRead<'_>) -> Completeness {
    let marker = path_beside(path);
    let unknown = |why: String| {
        Completeness::Unknown(format!(
            "Completeness cannot be checked: {why}, so nothing says whether every point of \
             the sweep was run (a sweep stopped between two points leaves rows that look \
             complete)."
        ))
    };
    let record = match read_beside(path) {
        Beside::Record(r) => *r,
        Beside::Missing => {
            return unknown(format!(
                "there is no record `{}` beside the results (`deter sweep --out` and `deter \
                 merge --out` write one; results written to standard output, by an older \
                 deter, or copied without it have none)",
                marker.display()
            ));
        }
        Beside::Legacy => {
            return unknown(format!(
                "`{}` was written by an older deter and records no plan",
                marker.display()
            ));
        }
        Beside::Unreadable(why) => {
            return unknown(format!("`{}` cannot be read: {why}", marker.display()));
        }
    };
    if record.header_sha256 != read.header_sha256 {
        return unknown(format!(
            "the record `{}` was written for other results (their header differs)",
            marker.display()
        ));
    }
    if let Some(why) = other_results(&record, read) {
        return unknown(format!(
            "the record `{}` was written for other results ({why})",
            marker.display()
        ));
    }
    let n = read.rows;
    if n == record.points && record.status == Status::Complete {
        return Completeness::Complete;
    }
    let resume = record.resume_command(path);
    if n > record.points {
        return Completeness::Incomplete(format!(
            "`{}` has {} rows, more than the {} its sweep planned ({}): the file was \
             edited or belongs to another sweep; run the sweep again",
            path.display(),
            thousands(n),
            thousands(record.points),
            record.plan()
        ));
    }
    let missing = missing_points(&record, read);
    let status = if n == record.points {
        // Every row is there, but the sweep never recorded its end: it stopped while
        // writing the last row (which may be cut short) or just after.
        "the sweep stopped before recording its end (the last row may be cut short)".to_string()
    } else if record.status == Status::Complete {
        format!(
            "the file was cut after the sweep finished; {} not in it",
            missing
        )
    } else {
        format!("{missing} not run")
    };
    Completeness::Incomplete(format!(
        "`{}` is incomplete: its sweep planned {} and the file holds {} of them; {status}. \
         Complete it with `{resume}`",
        path.display(),
        record.plan(),
        thousands(n),
    ))
}

/// What is missing, in the sweep's terms: "policy `c` (500 futures)", "policy `b` in 380 of
/// its 500 futures" (a policy stopped midway), or "points 40 to 63" (a sweep without policies).
fn missing_points(record: &Record, read: &RowsRead<'_>) -> String {
    if let (Some(ids), Some(f), Some(rows)) = (&record.policies, record.futures, &read.policies)
    {
        let mut parts = Vec::new();
        for id in ids {
            let have = rows.iter().filter(|p| **p == id.as_str()).count() as u64;
            if have == 0 {
                parts.push(format!("policy `{id}` ({})", count(f, "future", "futures")));
            } else if have < f {
                parts.push(format!(
                    "policy `{id}` in {} of its {} futures",
                    thousands(f - have),
                    thousands(f)
                ));
            }
        }
        if !parts.is_empty() {
            return parts.join(", ");
        }
    }
    let first = read.rows;
    if first + 1 == record.points {
        format!("point {first}")
    } else {
        format!("points {first} to {}", record.points - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path written as a shell word by `shell_path` reads back as that path, bytes and all
    /// (`recorded_sweep_file` compares the sweep file so).
    #[test]
    fn a_shell_word_reads_back_as_its_path() {
        let mut paths = vec![
            PathBuf::from("/d/s.toml"),
            PathBuf::from("/d x/it's.toml"),
            PathBuf::from("-s.toml"),
        ];
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            for b in [&b"/d\xff 'x'/s\xfe.toml"[..], b"-r\x80\\.csv", b"/a\x01\x7f"] {
                paths.push(PathBuf::from(std::ffi::OsStr::from_bytes(b)));
            }
        }
        for p in paths {
            let word = shell_path(&p);
            let back = path_of_shell_word(&word);
            // `-s.toml` is written `./-s.toml`: the same file.
            let want = if p.as_os_str().as_encoded_bytes().first() == Some(&b'-') {
                Path::new(".").join(&p)
            } else {
                p.clone()
            };
            assert_eq!(back, Some(want), "{word}");
        }
        assert_eq!(path_of_shell_word("$'a\\x4'"), None);
        assert_eq!(path_of_shell_word("a b"), None);
    }

    fn record(directory: &str) -> Record {
        Record {
            deter_sweep_record: RECORD_VERSION,
            status: Status::Running,
            points: 1500,
            runs_per_point: 200,
            until_ci: false,
            policies: Some(vec!["a".into(), "b".into(), "c".into()]),
            futures: Some(500),
            header_sha256: sha256_hex(b"point,policy,future,x,runs\n"),
            sweep_sha256: String::new(),
            sweep_file: "sweeps/s.toml".into(),
            sweep_file_word: None,
            directory: directory.into(),
            resume_args: vec!["--runs".into(), "200".into()],
            results_sha256: None,
            satisficing: None,
            base_policy: None,
        }
    }

    #[test]
    fn the_plan_and_the_resume_command_are_worded_for_the_reader() {
        let here = std::env::current_dir().unwrap().display().to_string();
        let r = record(&here);
        assert_eq!(
            r.plan(),
            "1,500 points (3 policies x 500 futures) x 200 runs"
        );
        assert_eq!(
            r.resume_command(Path::new("out dir/r.csv")),
            "deter sweep sweeps/s.toml --out 'out dir/r.csv' --runs 200 --resume"
        );
        // Read from another directory: the sweep file is made absolute.
        let r = record("/elsewhere");
        assert_eq!(
            r.resume_command(Path::new("r.csv")),
            "deter sweep /elsewhere/sweeps/s.toml --out r.csv --runs 200 --resume"
        );
        let r = Record {
            until_ci: true,
            policies: None,
            futures: None,
            ..r
        };
        assert_eq!(r.plan(), "1,500 points x up to 200 runs");
    }

    #[test]
    fn missing_points_are_named_by_policy_or_by_index() {
        let r = record("/x");
        let mut rows = vec!["a"; 500];
        rows.extend(vec!["b"; 120]);
        let read = RowsRead {
            rows: 620,
            header_sha256: &r.header_sha256,
            results_sha256: "",
            runs: vec![Some(200); 620],
            policies: Some(rows),
        };
        assert_eq!(
            missing_points(&r, &read),
            "policy `b` in 380 of its 500 futures, policy `c` (500 futures)"
        );
        let plain = Record {
            policies: None,
            futures: None,
            ..r
        };
        let read = RowsRead {
            rows: 40,
            header_sha256: "",
            results_sha256: "",
            runs: vec![Some(200); 40],
            policies: None,
        };
        assert_eq!(missing_points(&plain, &read), "points 40 to 1499");
    }

    #[test]
    fn shell_words_are_quoted_only_when_a_shell_would_split_them() {
        assert_eq!(shell_word("scenarios/sweeps/a-b_c.toml"), "scenarios/sweeps/a-b_c.toml");
        assert_eq!(shell_word("my results.csv"), "'my results.csv'");
        assert_eq!(shell_word(""), "''");
        // Whatever a name holds, a shell reads the word back as it was.
        for w in ["it's", "a \"b\" $HOME `x` \\ ! * ? [a] {a,b} ~ # ; & | < > ( )", "x\ny", "é €"] {
            assert_eq!(shlex::split(&shell_word(w)), Some(vec![w.to_string()]), "{w}");
        }
        assert_eq!(path_word(Path::new("-r.csv")), "./-r.csv");
        assert_eq!(path_word(Path::new("/x/-r.csv")), "/x/-r.csv");
    }
}
