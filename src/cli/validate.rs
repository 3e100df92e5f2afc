//! `deter validate`: check input files and list every problem.
//!
//! Accepts every file kind deter reads: scenarios, sweep files, calibration files and
//! historical records. The kind is recognised from the file's top-level tables (`[scenario]`;
//! `[case]` or a name ending in `.record.toml`; `cases`, `statistics` or another key only
//! calibration files have; `base`); anything else is checked as a scenario, so an unknown
//! file gets the scenario reader's located diagnostics. A record is checked with the
//! scenario it names (`calibrate::record::load_case`).

use std::path::{Path, PathBuf};

use super::CliError;
use crate::report::table::count;
use crate::scenario::kind::{Document, InputKind, input_kind, input_kind_of_text, kind_words_of};
use crate::scenario::{self, Diagnostics};

/// A count of items with its noun in agreement ("1 alliance", "2 alliances").
fn n(len: usize, one: &str, many: &str) -> String {
    count(len as u64, one, many)
}

/// A file of another kind than the command `command` reads (`wanted`) is refused at once
/// with what it is and which command reads it ("this is a scenario file; `deter calibrate`
/// takes a calibration file (docs/CALIBRATION.md)"), not with the reader's list of every key
/// it does not know.
pub(super) fn refuse_other_kind(path: &Path, wanted: &str, command: &str) -> Result<(), CliError> {
    match other_kind(path, wanted, &format!("deter {command}")) {
        Some(d) => Err(CliError::Input(d)),
        None => Ok(()),
    }
}

/// The refusal of [`refuse_other_kind`] for the caller `command` as it is named to the user
/// (`deter run` on the command line, `deter.run` in Python, whose help lines then name the
/// Python functions): None when `path` is of the kind `wanted`, or nothing tells its kind.
pub fn other_kind(path: &Path, wanted: &str, command: &str) -> Option<Diagnostics> {
    let doc = match wanted {
        "scenario" => "docs/SCENARIO.md",
        "sweep" => "docs/SWEEPS.md",
        _ => "docs/CALIBRATION.md",
    };
    // Read once for both questions: what deter wrote, and which kind of input it is.
    let read = Document::read(path)?;
    if let Some(what) = written_output(&read) {
        // deter's own output given as input: said what it is, as `deter validate` says it,
        // not where the TOML reading failed.
        return Some(Diagnostics(vec![scenario::Diagnostic::file_level(
            &path.display().to_string(),
            format!("this is {what}; `{command}` takes a {wanted} file ({doc})"),
        )]));
    }
    let (noun, reader) = kind_words_of(path, &read, command.starts_with("deter."))?;
    if noun == wanted {
        return None;
    }
    Some(Diagnostics(vec![
        scenario::Diagnostic::file_level(
            &path.display().to_string(),
            format!("this is a {noun} file; `{command}` takes a {wanted} file ({doc})"),
        )
        .with_help(Some(reader.to_string())),
    ]))
}

/// A regular file that a reader of deter's own outputs (`command`: `deter merge`, `deter
/// robust`, `deter discover`) could not read, recognised as another kind: deter's other
/// outputs ([`output_kind`]) and its TOML inputs, said as [`other_kind`] says them ("this is a
/// scenario file; `deter merge` takes partial files (docs/CLUSTER.md)"), not in the words of
/// the reader's first fault ("not a deter partial file: expected a JSON object"). None when
/// the file is what the command reads (`accepted`: the start of [`output_kind`]'s words for
/// it, whose own faults the reader reports), nothing tells its kind, or it is not a regular
/// file (a pipe is not read twice).
pub(super) fn other_kind_of_output(
    path: &Path,
    accepted: &str,
    command: &str,
    takes: &str,
) -> Option<Diagnostics> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let read = Document::read(path)?;
    let shown = path.display().to_string();
    let d = if let Some(what) = written_output(&read) {
        if what.starts_with(accepted) {
            return None;
        }
        scenario::Diagnostic::file_level(
            &shown,
            format!("this is {what}; `{command}` takes {takes}"),
        )
    } else {
        let (noun, reader) = kind_words_of(path, &read, false)?;
        scenario::Diagnostic::file_level(
            &shown,
            format!("this is a {noun} file; `{command}` takes {takes}"),
        )
        .with_help(Some(reader.to_string()))
    };
    Some(Diagnostics(vec![d]))
}

/// A `--files-from LIST` that is a file deter reads or writes (a scenario given as the list
/// by mistake): refused at once with what it is, in the words of [`other_kind`], not read
/// as a list (each line of a scenario was "cannot read file `[scenario]`", one error a line).
pub(super) fn refuse_as_file_list(list: &Path) -> Result<(), CliError> {
    if !std::fs::metadata(list).is_ok_and(|m| m.is_file()) {
        // A pipe (`--files-from <(ls *.toml)`) is read once, as the list it is.
        return Ok(());
    }
    let takes = "`--files-from` takes a file list: one scenario file path a line";
    let shown = list.display().to_string();
    let Some(doc) = Document::read(list) else {
        return Ok(());
    };
    let d = if let Some(what) = written_output(&doc) {
        scenario::Diagnostic::file_level(&shown, format!("this is {what}; {takes}"))
    } else {
        let Some((noun, reader)) = kind_words_of(list, &doc, false) else {
            return Ok(());
        };
        let help = if noun == "scenario" {
            "give a scenario file as an argument: `deter run FILE`".to_string()
        } else {
            reader.to_string()
        };
        scenario::Diagnostic::file_level(&shown, format!("this is a {noun} file; {takes}"))
            .with_help(Some(help))
    };
    Err(CliError::Input(Diagnostics(vec![d])))
}

/// What a regular file read as `doc` that deter wrote is ([`output_kind`]), when it is not
/// TOML: None for a TOML file, one deter did not write, or one that is not a regular file
/// (the reader of the command then reports what it finds).
fn written_output(doc: &Document) -> Option<&'static str> {
    if !doc.regular || doc.is_toml() {
        return None;
    }
    output_kind(&doc.text)
}

/// An empty (or comments-only) file has no key to tell its kind by: the message is the one
/// every command gives ("the file is empty"), and the help says what each kind `deter
/// validate` reads needs at least.
fn empty_help(d: &mut Diagnostics) {
    use crate::scenario::input::FileKind;
    let kinds: [FileKind; 4] = [
        scenario::SCENARIO_FILE,
        crate::sweep::spec::SWEEP_FILE,
        crate::calibrate::spec::CALIBRATION_FILE,
        crate::calibrate::record::RECORD_FILE,
    ];
    for x in
        d.0.iter_mut()
            .filter(|x| x.line == 0 && x.message.starts_with("the file "))
    {
        if x.message == "the file is empty" || x.message == "the file holds only comments" {
            let each: Vec<String> = kinds
                .iter()
                .map(|k| format!("a {} file needs at least {}", k.noun, k.minimum))
                .collect();
            x.help = Some(each.join("; "));
        }
    }
}

/// What a file that is not TOML looks like, by its first line, and which command reads it:
/// a sweep's results (CSV or JSON Lines), a partial file, or any CSV or JSON; `None` when it
/// looks like none of them (a file of draws is said as what it is, [`output_kind`]).
fn looks_like(text: &str) -> Option<&'static str> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let cells: Vec<&str> = first.split(',').map(str::trim).collect();
    Some(if first.starts_with('{') {
        if text.contains("\"deter-partial\"") {
            "this looks like a partial file: `deter merge` reads it"
        } else if first.starts_with("{\"deter_sweep\"") {
            "this looks like a sweep's results file (JSON Lines): `deter sweep --resume` \
             completes it, `deter robust` and `deter discover` read the CSV form"
        } else {
            "this looks like a JSON file"
        }
    } else if cells.first() == Some(&"point") && cells.contains(&"runs") {
        "this looks like a sweep's results file: `deter robust` and `deter discover` read it"
    } else if cells.len() > 1 && !first.contains('=') {
        "this looks like a CSV file"
    } else {
        return None;
    })
}

/// What a file deter wrote is, by its first line, and which command reads it: a run's or
/// comparison's output (CSV or JSON), a sweep's results, record or sensitivity table, a
/// partial file, a calibration's posterior, diagnostics or state, a page; None for anything
/// else ([`looks_like`] then says what it looks like).
fn output_kind(text: &str) -> Option<&'static str> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let cells: Vec<&str> = first.split(',').map(str::trim).collect();
    Some(
        if text.contains("\"deter-partial\"") && first.starts_with('{') {
            "a partial file (a shard's or a stopped run's): `deter merge` reads it"
        } else if first.starts_with("{\"deter_sweep\"") {
            "a sweep's results file (JSON Lines): `deter sweep --resume` completes it"
        } else if (first.starts_with('{') || first == "[" || first.starts_with("[{"))
            && text.contains("\"schema_version\"")
        {
            // One scenario's report, or an array of several (`deter run A B --format json`).
            "deter's JSON output (`--format json`): read it with any JSON reader (docs/OUTPUT.md)"
        } else if first.starts_with('{') && text.contains("\"deter-calibrate-state") {
            "a calibration's state (`DIR/state.json` of `deter calibrate --out DIR`): `deter \
             calibrate CALIB.toml --out DIR --resume` reads it"
        } else if first.starts_with("deter sweep fingerprint") {
            "a sweep's record (`RESULTS.sweep`, beside its results): `deter sweep --resume`, \
             `deter robust` and `deter discover` read it with the results"
        } else if cells.starts_with(&["run", "rivalry", "max_level"]) {
            "deter's per-run file (`--per-run`): read it with any CSV reader (docs/OUTPUT.md)"
        } else if cells.starts_with(&["outcome", "rank", "policy"]) {
            "the table of `deter robust` (`RESULTS.robustness.csv`): read it with any CSV reader"
        } else if first.starts_with("<!DOCTYPE html")
            && text.contains("<meta name=\"generator\" content=\"deter ")
        {
            "a page deter wrote (`--report`): open it in a web browser"
        } else if cells.first() == Some(&"point") && cells.contains(&"runs") {
            "a sweep's results file: `deter robust` and `deter discover` read it"
        } else if cells.first() == Some(&"draw") && cells.contains(&"weight") {
            "a file of draws (`posterior.csv` of `deter calibrate`): `deter run --posterior` and \
             a sweep's `futures` read it"
        } else if cells.starts_with(&["generation", "tolerance"]) {
            "a calibration's diagnostics (`diagnostics.csv` of `deter calibrate`): read it with \
             any CSV reader"
        } else if cells.starts_with(&["outcome", "rank", "parameter", "role"]) {
            "a sweep's sensitivity table (`RESULTS.sensitivity.csv`): read it with any CSV reader"
        } else if cells.starts_with(&["file", "scenario", "entity", "metric", "statistic", "value"])
        {
            "deter's CSV output (`--format csv`): read it with any CSV reader (docs/OUTPUT.md)"
        } else {
            return None;
        },
    )
}

/// A file that is not TOML but looks like another kind ([`looks_like`]): its TOML syntax
/// error gets a help line naming what `deter validate` reads and what the file looks like.
fn not_toml_help(path: &Path, d: &mut Diagnostics) {
    let Ok(bytes) = scenario::input::read_bounded(path, scenario::MAX_FILE_BYTES) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    if text.parse::<toml::Table>().is_ok() {
        return;
    }
    let name = path.display().to_string();
    if let Some(what) = output_kind(&text)
        && let Some(x) =
            d.0.iter_mut()
                .find(|x| x.file == name && x.message.starts_with("TOML syntax error"))
    {
        // deter's own output: said what it is, not where the TOML reading failed.
        *x = scenario::Diagnostic::file_level(
            &name,
            format!(
                "this is {what}; `deter validate` checks TOML input files (scenario, sweep, \
                 calibration and historical record files)"
            ),
        );
        return;
    }
    let Some(like) = looks_like(&text) else {
        return;
    };
    if let Some(x) =
        d.0.iter_mut()
            .find(|x| x.file == name && x.message.starts_with("TOML syntax error"))
    {
        let reads = format!(
            "`deter validate` reads TOML input files (scenario, sweep, calibration and historical \
             record files); {like}"
        );
        x.help = Some(match x.help.take() {
            Some(h) => format!("{h}; {reads}"),
            None => reads,
        });
    }
}

/// What `deter validate` checks of a file that is not a scenario: a sweep, calibration or
/// historical record file (recognised as `deter validate` recognises it). None for a
/// scenario, or a file nothing tells the kind of; else the kind ("sweep", "calibration",
/// "historical record"), the words `deter validate` prints in its `ok (...)` line and the
/// file's warnings, or its faults. The one check of `deter validate` and Python's
/// `deter.validate`.
pub fn check_other(f: &Path) -> Option<Result<(&'static str, String, Diagnostics), Diagnostics>> {
    Some(match input_kind(f) {
        InputKind::Scenario | InputKind::Unknown => return None,
        InputKind::Sweep => crate::sweep::spec::load_sweep(f).map(|s| {
            let words = format!(
                "sweep file: {}, {} per point",
                n(s.parameters.len(), "parameter", "parameters"),
                count(s.runs, "run", "runs")
            );
            ("sweep", words, Diagnostics(s.warnings.to_vec()))
        }),
        InputKind::Calibration => crate::calibrate::spec::load_calibration(f).map(|c| {
            (
                "calibration",
                calibration_words(&c),
                Diagnostics(c.warnings),
            )
        }),
        // The record and the scenario it names: the scenario reads, has the record's
        // rivalries and runs its years (calibrate::record::load_case).
        InputKind::Record => crate::calibrate::record::load_case(f).map(|(r, s, _, w)| {
            let words = format!(
                "historical record {}: {}, {}-{}; scenario {}",
                scenario::printable(&r.name),
                n(r.events.len(), "event", "events"),
                r.first_year,
                r.last_year,
                scenario::printable(&s.meta.name)
            );
            ("historical record", words, w)
        }),
    })
}

/// What `deter validate` says of a calibration file that checks: its name, cases and
/// parameters.
fn calibration_words(c: &crate::calibrate::spec::Calibration) -> String {
    format!(
        "calibration file {}: {}, {}",
        scenario::printable(&c.name),
        n(c.cases.len(), "case", "cases"),
        n(c.parameters.len(), "parameter", "parameters")
    )
}

/// Check `files`; `set`: the `--set PATH=VALUE` what-ifs, applied to each scenario as
/// `deter run --set` applies them (the same parsing, messages and checks; the warnings are
/// those of the scenario as `deter run --set` runs it: a policy a text dates after the
/// horizon is said). A file of another kind with `--set` is refused.
pub fn validate(files: &[PathBuf], set: &[String]) -> Result<(), CliError> {
    let mut all = Diagnostics::default();
    for f in files {
        let mut warnings = Diagnostics::default();
        let name = f.display().to_string();
        let shown = scenario::printable(&name);
        // A pipe (`deter validate <(cat sweep.toml)`) gives its bytes once: read here, its
        // kind is told from that text (a regular file's from its own read). A scenario is
        // checked from the same text; a file of another kind names paths beside itself (a
        // sweep's `base`), which a pipe has not, so it is refused as every command refuses a
        // pipe (it was checked as a scenario: "base: unknown key").
        // A device (`/dev/null`, a terminal) is no pipe of a file's text: refused in the words
        // of every other command (it read as "the file is empty").
        #[cfg(unix)]
        if std::fs::metadata(f).is_ok_and(|m| {
            use std::os::unix::fs::FileTypeExt;
            m.file_type().is_char_device() || m.file_type().is_block_device()
        }) && let Err(CliError::Input(d)) = super::refuse_pipes(std::iter::once(f))
        {
            all.0.extend(d.0);
            continue;
        }
        let piped = if std::fs::metadata(f).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            match scenario::read_scenario_text(f) {
                Ok(text) => Some(text),
                Err(d) => {
                    all.0.extend(d.0);
                    continue;
                }
            }
        } else {
            None
        };
        let kind = piped
            .as_deref()
            .map_or_else(|| input_kind(f), |t| input_kind_of_text(f, t));
        if piped.is_some() && !matches!(kind, InputKind::Scenario | InputKind::Unknown) {
            if let Err(CliError::Input(d)) = super::refuse_pipes(std::iter::once(f)) {
                all.0.extend(d.0);
            }
            continue;
        }
        if !set.is_empty()
            && let Some(refusal) = crate::scenario::kind::refuse_set(f, false)
        {
            // Located at the first --set's value, as every fault of a flag is.
            return Err(super::FlagFault::new("--set", &set[0], refusal).into());
        }
        let checked = match kind {
            InputKind::Scenario | InputKind::Unknown => piped
                .as_deref()
                .map_or_else(
                    || scenario::load_file_with_warnings(f),
                    |t| scenario::load_text_with_warnings(f, t),
                )
                .and_then(|(mut s, w)| {
                    let origin = super::run::set_origin(f, files.len());
                    crate::scenario::overrides::apply_texts(&mut s, set, &origin)?;
                    // The warnings of the scenario as `deter run --set` runs it.
                    let mut w = crate::scenario::overrides::warnings_with_sets(
                        &s,
                        w,
                        &[(set, &origin)],
                        None,
                    );
                    w.0.extend(
                        crate::scenario::overrides::policy_warnings(&s, set, &origin, "--set").0,
                    );
                    Ok((s, w))
                })
                .map(|(s, w)| {
                    warnings.0.extend(w.0);
                    format!(
                        "ok ({}: {}, {}, {}, {}, {}, {})",
                        scenario::printable(&s.meta.name),
                        n(s.countries.len(), "country", "countries"),
                        n(s.powers.len(), "power", "powers"),
                        n(s.alliances.len(), "alliance", "alliances"),
                        n(s.deployments.len(), "deployment", "deployments"),
                        n(s.rivalries.len(), "rivalry", "rivalries"),
                        n(s.policies.len(), "policy", "policies")
                    )
                }),
            // `--set` on a calibration file: fixed in every case, with the checks and
            // warnings of `deter calibrate --set` (its faults first, then the cases'
            // warnings with the fixed values).
            InputKind::Calibration if !set.is_empty() => {
                crate::calibrate::spec::load_calibration(f).and_then(|mut c| {
                    c.fix(set)?;
                    warnings.0.extend(std::mem::take(&mut c.warnings));
                    Ok(format!("ok ({}, with --set)", calibration_words(&c)))
                })
            }
            _ => match check_other(f) {
                Some(Ok((_, words, w))) => {
                    warnings.0.extend(w.0);
                    Ok(format!("ok ({words})"))
                }
                Some(Err(d)) => Err(d),
                None => unreachable!("a file of another kind than a scenario"),
            },
        };
        match checked {
            Ok(line) => {
                say!("{shown}: {line}");
                // Warnings: located like errors, exit status 0.
                if !warnings.0.is_empty() {
                    note_raw!("{warnings}");
                }
            }
            Err(mut d) => {
                if kind == InputKind::Unknown {
                    empty_help(&mut d);
                }
                if std::fs::metadata(f).is_ok_and(|m| m.is_file()) {
                    not_toml_help(f, &mut d);
                }
                all.0.extend(d.0)
            }
        }
    }
    if all.has_errors() {
        Err(CliError::Input(all))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::scenario::input::counting_reads as reads;

    /// A file of another kind, or deter's own output, given where a command wants a
    /// scenario or a file list is named from one read of it (it was read three times: for
    /// what deter wrote, for its kind, and for its keys).
    #[test]
    fn a_file_of_another_kind_is_named_from_one_read() {
        let dir = tempfile::tempdir().unwrap();
        let sweep = dir.path().join("w.toml");
        std::fs::write(&sweep, "base = \"s.toml\"\n").unwrap();
        let rows = dir.path().join("rows.csv");
        std::fs::write(&rows, crate::engine::run_rows_header()).unwrap();
        for path in [&sweep, &rows] {
            let (refused, n) = reads(|| other_kind(path, "scenario", "deter run"));
            assert!(refused.is_some(), "{}", path.display());
            assert_eq!(n, 1, "{}", path.display());
            let (refused, n) = reads(|| refuse_as_file_list(path));
            assert!(refused.is_err(), "{}", path.display());
            assert_eq!(n, 1, "{}", path.display());
        }
    }
}
