//! What kind of input file a path holds (scenario, sweep, calibration, historical record),
//! recognised from its top-level keys, and the words that name a file of the wrong kind: one
//! recognition for `deter validate`, every command's file-kind refusals and the library
//! (`api`), with or without the command line.

use std::path::Path;

use crate::scenario::{self, Diagnostics};

/// The file kinds `deter validate` recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A scenario file (`[scenario]`, or anything no other kind claims).
    Scenario,
    /// A sweep file (`base`).
    Sweep,
    /// A calibration file (`cases`, `statistics`, ...).
    Calibration,
    /// A historical record (`[case]`, or a name ending in `.record.toml`).
    Record,
    /// No key to tell the kind by (an empty file, or comments only): read as a scenario, and
    /// an empty-file message lists what every kind needs.
    Unknown,
}

/// A file read once for every question asked of its kind ([`input_kind_of`],
/// [`definite_kind_of`], [`kind_words_of`], and what deter wrote: `cli::validate`): its text
/// and, when it is a TOML table, its top-level keys.
pub struct Document {
    /// The file's text (invalid UTF-8 replaced).
    pub text: String,
    /// The top-level keys of the text parsed as TOML; None when it is not TOML.
    table: Option<std::collections::BTreeSet<String>>,
    /// Whether the path is a regular file (a FIFO gives its bytes once: read here, it is
    /// recognised only as certainly as its text tells).
    pub regular: bool,
}

impl Document {
    /// Read and parse `path` (at most [`scenario::MAX_FILE_BYTES`]); None when it cannot be
    /// read.
    pub fn read(path: &Path) -> Option<Self> {
        let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let bytes = scenario::input::read_bounded(path, scenario::MAX_FILE_BYTES).ok()?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let table = text
            .parse::<toml::Table>()
            .ok()
            .map(|t| t.keys().cloned().collect());
        Some(Self {
            text,
            table,
            regular,
        })
    }

    /// Whether the text is TOML.
    pub fn is_toml(&self) -> bool {
        self.table.is_some()
    }

    /// The top-level keys: the table's, or for text that is not valid TOML, those its lines
    /// show (table headers, and the keys before the first one).
    fn keys(&self) -> std::collections::BTreeSet<String> {
        if let Some(table) = &self.table {
            return table.clone();
        }
        let mut keys = std::collections::BTreeSet::new();
        let mut top = true;
        for line in self.text.lines().map(str::trim) {
            if let Some(h) = line.strip_prefix('[') {
                top = false;
                let name = h.trim_start_matches('[').split([']', '.']).next();
                keys.insert(name.unwrap_or("").trim().to_string());
            } else if top && let Some((k, _)) = line.split_once('=') {
                keys.insert(k.trim().to_string());
            }
        }
        keys
    }
}

/// Recognise the kind of `path` from its top-level keys (a record also by its name,
/// `CASE.record.toml`, as docs/HISTORY.md names them); `Scenario` when it cannot tell
/// (unreadable, or a `[scenario]` table), so the scenario reader reports the problem;
/// `Unknown` when the file has no key at all (empty, or comments only). A file
/// that is not valid TOML (or not UTF-8) is recognised from its lines (table headers and the
/// keys before the first one), so its faults get the messages of its own kind.
///
/// Only a regular file is read here: a FIFO (`deter validate <(...)`) can be read once, so it
/// goes to the scenario reader whole (this read consumed it and the reader's waited forever).
pub fn input_kind(path: &Path) -> InputKind {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return InputKind::Scenario;
    }
    Document::read(path).map_or(InputKind::Scenario, |doc| input_kind_of(path, &doc))
}

/// [`input_kind`] of the text `text` already read from `path` (a pipe, read once): told
/// from the text as a regular file's is.
pub fn input_kind_of_text(path: &Path, text: &str) -> InputKind {
    let doc = Document {
        text: text.to_string(),
        table: text
            .parse::<toml::Table>()
            .ok()
            .map(|t| t.keys().cloned().collect()),
        regular: true,
    };
    input_kind_of(path, &doc)
}

/// [`input_kind`] of `path` read as `doc`; `Scenario` for a file that is not regular.
pub fn input_kind_of(path: &Path, doc: &Document) -> InputKind {
    if !doc.regular {
        return InputKind::Scenario;
    }
    let table = doc.keys();
    let has = |k: &str| table.contains(k);
    let calibration_keys = [
        "statistics",
        "cases",
        "particles",
        "max_generations",
        "observation",
    ];
    if table.is_empty() && !path.to_string_lossy().ends_with(".record.toml") {
        InputKind::Unknown
    } else if has("scenario") {
        InputKind::Scenario
    } else if has("case") || path.to_string_lossy().ends_with(".record.toml") {
        InputKind::Record
    } else if calibration_keys.iter().any(|k| has(k)) {
        InputKind::Calibration
    } else if has("base") || (has("sweep") && !has("country")) {
        // A `[sweep]` table is a sweep file laid out as other tools' experiment files are:
        // its reader says where the keys go.
        InputKind::Sweep
    } else {
        InputKind::Scenario
    }
}

/// The kind of the file `path` read as `doc` when its keys say it for certain (a
/// `[scenario]` table or `[[country]]`, a record's `case`, a calibration's keys, a sweep's
/// `base`); None when nothing tells (the reader of the command then reports what it finds).
pub fn definite_kind_of(path: &Path, doc: &Document) -> Option<InputKind> {
    let keys = doc.table.as_ref()?;
    let kind = input_kind_of(path, doc);
    match kind {
        InputKind::Scenario if keys.contains("scenario") || keys.contains("country") => {
            Some(kind)
        }
        InputKind::Sweep | InputKind::Calibration | InputKind::Record => Some(kind),
        _ => None,
    }
}

/// A file of draws (`--posterior FILE`; `posterior=` in Python, `python`) that is a TOML
/// file of a definite kind (a scenario given twice by mistake): refused at once with what it
/// is and which command reads it, in the words of [`other_kind`] and `--files-from`, not as
/// a CSV whose header is wrong. None when nothing tells its kind (the reader then reports
/// what it finds), and for a path that is not a regular file: a FIFO (`--posterior <(...)`)
/// gives its bytes once, to the reader of draws, as [`input_kind`] leaves it to the scenario
/// reader.
pub fn refuse_as_draws(path: &Path, python: bool) -> Option<Diagnostics> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let (noun, reader) = kind_words(path, python)?;
    let flag = if python { "posterior=" } else { "--posterior" };
    Some(Diagnostics(vec![
        scenario::Diagnostic::file_level(
            &path.display().to_string(),
            format!(
                "this is a {noun} file; `{flag}` takes a file of draws: a header \
                 `draw,PATH...,weight,distance` and one row per draw, as `deter calibrate` \
                 writes its posterior.csv"
            ),
        )
        .with_help(Some(reader.to_string())),
    ]))
}

/// The refusal of what-ifs (`--set`, Python's `set=`) given with a sweep or historical record
/// file (or, in the Python package, which has no calibrate, a calibration file), decided from
/// the file's kind alone ([`input_kind`]) before the file is checked, in the words of the CLI
/// or (`python`) of the Python package: the same fault, the same message and the same order
/// in `deter validate` and `deter.validate`. None for a scenario file (or one of no definite
/// kind), and for a calibration file in the CLI (`deter validate CALIB --set` checks the
/// values as `deter calibrate --set` fixes them).
pub fn refuse_set(path: &Path, python: bool) -> Option<String> {
    let noun = match input_kind(path) {
        InputKind::Sweep => "sweep",
        // `deter calibrate --set` fixes a parameter in every case: `deter validate --set`
        // checks a calibration file as it would (the Python package has no calibrate).
        InputKind::Calibration if python => "calibration",
        InputKind::Record => "historical record",
        InputKind::Calibration | InputKind::Scenario | InputKind::Unknown => return None,
    };
    let (flag, like) = if python {
        ("set=", "`deter.run(set=...)`")
    } else {
        ("--set", "`deter run --set`")
    };
    Some(format!(
        "{flag} applies to scenario files, as in {like}: `{}` is a {noun} file",
        scenario::printable(&path.display().to_string())
    ))
}

/// What a TOML file `path` of a definite kind ([`definite_kind_of`]) is and which command reads
/// it, in the words of the CLI or (`python`) of the Python package: None when nothing tells.
pub fn kind_words(path: &Path, python: bool) -> Option<(&'static str, &'static str)> {
    kind_words_of(path, &Document::read(path)?, python)
}

/// [`kind_words`] of a file named where a scenario is expected (an `extends`, a sweep's
/// `base`) that is of another definite kind (sweep, calibration, historical record): its
/// noun and what reads it, so the reference is refused as what the file is rather than with
/// the scenario reader's errors about every key of it. None for a scenario or a file of no
/// definite kind.
pub fn not_a_scenario(path: &Path) -> Option<(&'static str, &'static str)> {
    kind_words(path, false).filter(|(noun, _)| *noun != "scenario")
}

/// [`kind_words`] of `path` read as `doc`.
pub fn kind_words_of(
    path: &Path,
    doc: &Document,
    python: bool,
) -> Option<(&'static str, &'static str)> {
    let kind = definite_kind_of(path, doc)?;
    Some(match kind {
        InputKind::Scenario if python => ("scenario", "`deter.run` and `deter.compare` run it"),
        InputKind::Scenario => ("scenario", "`deter run` and `deter compare` run it"),
        InputKind::Sweep if python => ("sweep", "`deter.sweep(FILE)` runs it"),
        InputKind::Sweep => ("sweep", "`deter sweep FILE --out RESULTS.csv` runs it"),
        InputKind::Calibration => ("calibration", "`deter calibrate FILE` runs it"),
        InputKind::Record => (
            "historical record",
            "a calibration file's `cases` name it; `deter validate` checks it",
        ),
        InputKind::Unknown => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::scenario::input::counting_reads as reads;

    /// Which kind a file is, and the words naming it, come from one read and one parse of
    /// it (a recognition read it twice: for its kind, then again for its keys).
    #[test]
    fn a_files_kind_and_words_take_one_read() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("s.toml", "[scenario]\nname = \"s\"\n", Some(InputKind::Scenario)),
            ("w.toml", "base = \"s.toml\"\n", Some(InputKind::Sweep)),
            ("c.toml", "cases = []\n", Some(InputKind::Calibration)),
            ("x.record.toml", "[case]\nid = \"x\"\n", Some(InputKind::Record)),
            ("n.toml", "runs = 3\n", None),
            ("bad.toml", "[scenario\n", None),
        ];
        for (name, text, kind) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let doc = Document::read(&path).unwrap();
            assert_eq!(definite_kind_of(&path, &doc), kind, "{name}");
            let (words, n) = reads(|| kind_words(&path, false));
            assert_eq!((words.is_some(), n), (kind.is_some(), 1), "{name}");
            let (refused, n) = reads(|| refuse_as_draws(&path, false));
            assert_eq!((refused.is_some(), n), (kind.is_some(), 1), "{name}");
        }
    }
}
