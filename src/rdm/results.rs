//! A sweep's results file (CSV, docs/SWEEPS.md) read back for analysis: the parameter
//! columns (between `point` and `runs`), the outcome columns, and for a levers x futures
//! sweep the `policy` and `future` columns, from which regret columns are derived.

use std::path::Path;

use super::robust::{self, Direction};
use crate::outputs::{EVENTS, N_EVENTS};
use crate::scenario::input::parse_digits;

/// Largest results file read, in bytes.
pub const MAX_RESULTS_BYTES: usize = 1 << 30;

/// Why [`Results::read`] refused a file.
#[derive(Debug, Clone)]
pub enum ReadError {
    /// It could not be read, or is larger than [`MAX_RESULTS_BYTES`]: the file-level message
    /// of every input kind.
    File(crate::scenario::Diagnostics),
    /// It was read but is not a results file, or a cell cannot be read: the diagnostic of
    /// every file kind (`FILE: error: ...`, a cell's at `FILE:LINE:COL`).
    Content(crate::scenario::Diagnostics),
    /// It holds no row and its record says the sweep has points to run (a sweep stopped
    /// before its first point finished leaves only the header): the words results holding
    /// some of the points get, with the command that completes them.
    Incomplete(String),
}

/// Why an analysis of a results file refused it ([`Results::numeric`], [`Results::outcome`],
/// [`Results::matrix`], and through them [`super::discover`] and [`super::robustness`]), in
/// fields the command line renders: a cell's fault as the diagnostic of every file kind, a
/// name that is not in the results with its did-you-mean apart from the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A cell the analysis reads cannot be used (not a number, or a share of runs outside
    /// [0, 1]): its diagnostic, at `FILE:LINE:COL` with the column as its key.
    Cell(Box<crate::scenario::Diagnostic>),
    /// A name asked for that the results do not hold (an outcome, a policy, a parameter
    /// column, a threshold's outcome, a status quo), or hold but cannot serve here (a
    /// threshold on a context outcome, a regret without policies): located at the name in
    /// the flag's text as any unknown name is.
    Unknown {
        /// The name as given.
        name: String,
        /// What is wrong, without the did-you-mean.
        message: String,
        /// The closest names the results hold (`scenario::closest`, the did-you-mean of every
        /// input kind: every name equally close, joined), if any is close.
        suggestion: Option<String>,
    },
    /// Anything else: what is wrong.
    Other(String),
}

impl Refusal {
    /// A name not in the results: `message` with the closest of `candidates` to `name`.
    pub fn unknown<'c>(
        name: &str,
        message: String,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Self {
        Refusal::Unknown {
            name: name.to_string(),
            message,
            suggestion: crate::scenario::closest(
                name,
                &candidates
                    .into_iter()
                    .map(str::to_string)
                    .collect::<Vec<_>>(),
            ),
        }
    }

    /// The did-you-mean of an unknown name, as a help line says it: "did you mean `X`?".
    pub fn did_you_mean(&self) -> Option<String> {
        match self {
            Refusal::Unknown {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            _ => None,
        }
    }
}

/// One line: a cell's fault as "FILE:LINE:COL: KEY: MESSAGE"; an unknown name's message
/// followed by its did-you-mean ("...; did you mean `X`?").
impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Cell(d) => f.write_str(&d.one_line()),
            Refusal::Unknown { message, .. } => {
                f.write_str(message)?;
                match self.did_you_mean() {
                    Some(h) => write!(f, "; {h}"),
                    None => Ok(()),
                }
            }
            Refusal::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Refusal {}

/// The headline outcomes, as the results file names them (`NAME_p`): the keys of
/// [`crate::outputs::EVENTS`].
pub const OUTCOMES: [&str; N_EVENTS] = {
    let mut keys = [""; N_EVENTS];
    let mut i = 0;
    while i < N_EVENTS {
        keys[i] = EVENTS[i].key;
        i += 1;
    }
    keys
};

/// A results file in memory: its header and its cells, row by row.
#[derive(Debug, Clone)]
pub struct Results {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per column, the fault of its first cell that is not a number, at `FILE:LINE:COL` in
    /// the words of every CSV reader (`None`: every cell is a number).
    pub faults: Vec<Option<crate::scenario::Diagnostic>>,
    /// A levers x futures file's first policy without a row for some future: "policy `P` has
    /// no row for future F", at the `policy` cell of that policy's first row, reported when
    /// an analysis needs every pair ([`Results::matrix`]; `None`: every pair has its row).
    pub gap: Option<crate::scenario::Diagnostic>,
    /// SHA-256 of the file's first line (its header, with its newline): what binds the
    /// sweep's record beside the file to it ([`crate::sweep::record`]).
    pub header_sha256: String,
    /// SHA-256 of the whole file: what binds a complete record to these rows.
    pub sha256: String,
}

/// Whether the record beside the results at `path`, whose first line is `header` (with its
/// newline), is theirs and says their sweep is still `running` (stopped before it finished:
/// its last row may be cut short).
fn stopped_sweep(path: &Path, header: &[u8]) -> bool {
    use crate::sweep::record::{Beside, Status, read_beside, sha256_hex};
    matches!(read_beside(path), Beside::Record(r)
        if r.status == Status::Running && r.header_sha256 == sha256_hex(header))
}

/// Why [`Results::parse_located`] refused bytes: a fault of a cell, its message already at
/// `FILE:LINE:COL`, or of the file as a whole.
enum Fault {
    Located(Box<crate::scenario::Diagnostic>),
    File(String),
    /// A header and no row: said by [`no_rows`], which consults the sweep's record.
    NoRows,
}

/// A results file with its header and no row, as a file of draws with no draw is said.
const NO_ROWS: &str = "the file has no rows (header only)";

/// Why results `bytes` (read from `path`, shown as `shown`) with a header and no row are
/// refused: when their record plans points (a sweep stopped before its first point
/// finished), incomplete in the words of results holding some of them, with the command
/// that completes them; otherwise as a file of draws with no draw is.
fn no_rows(path: &Path, bytes: &[u8], shown: &str) -> ReadError {
    let first = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes, |i| &bytes[..=i]);
    let header = String::from_utf8_lossy(first);
    let policies = header
        .trim_end()
        .split(',')
        .any(|c| c == "policy")
        .then(Vec::new);
    let read = crate::sweep::record::RowsRead {
        rows: 0,
        header_sha256: &crate::sweep::record::sha256_hex(first),
        results_sha256: &crate::sweep::record::sha256_hex(bytes),
        runs: Vec::new(),
        policies,
    };
    match crate::sweep::record::check(path, &read) {
        crate::sweep::record::Completeness::Incomplete(m) => ReadError::Incomplete(m),
        _ => ReadError::Content(crate::scenario::Diagnostics(vec![
            crate::scenario::Diagnostic::file_level(shown, NO_ROWS.into()).with_help(Some(
                "a results file holds a header line starting with `point` and one row per \
                 point, as `deter sweep --out RESULTS.csv` writes it"
                    .into(),
            )),
        ])),
    }
}

/// One column of a levers x futures results file as a policies x futures table.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyMatrix {
    /// Policy names, in order of first appearance.
    pub policies: Vec<String>,
    /// Future ids, in order of first appearance.
    pub futures: Vec<String>,
    /// `values[p][f]`.
    pub values: Vec<Vec<f64>>,
}

impl Results {
    /// Read a CSV results file (a header, then one row per point).
    ///
    /// Read with a size bound (`/dev/zero`, a FIFO or a runaway file cannot exhaust memory);
    /// a file that cannot be read or is too large gives the file-level message every input
    /// kind gives ([`ReadError::File`]); a file that is not a results file, [`ReadError::Content`].
    pub fn read(path: &Path) -> Result<Self, ReadError> {
        let bytes = crate::scenario::input::read_input_bytes(path, "results", MAX_RESULTS_BYTES)
            .map_err(ReadError::File)?;
        let shown = path.display().to_string();
        // The byte-order mark and UTF-8: the words of every input kind.
        let bytes = crate::scenario::input::utf8_text(&bytes, &shown)
            .map_err(|d| ReadError::File(crate::scenario::Diagnostics(vec![*d])))?
            .as_bytes();
        // Empty: the words of every input kind, with what a results file holds.
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ReadError::File(crate::scenario::Diagnostics(vec![
                crate::scenario::Diagnostic::file_level(&shown, "the file is empty".into())
                    .with_help(Some(
                        "a results file holds a header line starting with `point` and one row \
                         per point, as `deter sweep --out RESULTS.csv` writes it"
                            .into(),
                    )),
            ])));
        }
        // A sweep stopped while writing a row (a kill, a full disk) leaves part of it after
        // the last newline while its record says `running` (docs/SWEEPS.md): read the rows
        // before it, as `deter sweep --resume` keeps them, so that the record's plan says what
        // is missing. Complete results cut short, and results without a record, are read whole
        // (their cut row is the fault).
        let bytes = match bytes.iter().rposition(|&b| b == b'\n') {
            Some(last)
                if last + 1 < bytes.len()
                    && stopped_sweep(
                        path,
                        &bytes[..=bytes.iter().position(|&b| b == b'\n').unwrap_or(last)],
                    ) =>
            {
                &bytes[..=last]
            }
            _ => bytes,
        };
        Self::parse_located(bytes, &shown).map_err(|e| match e {
            Fault::NoRows => no_rows(path, bytes, &shown),
            Fault::Located(d) => ReadError::Content(crate::scenario::Diagnostics(vec![*d])),
            Fault::File(m) => ReadError::Content(crate::scenario::Diagnostics(vec![
                crate::scenario::Diagnostic::file_level(&shown, m),
            ])),
        })
    }

    /// Parse CSV bytes (see [`Results::read`]); messages name the file `results`.
    #[cfg(test)]
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        Self::parse_located(bytes, "results").map_err(|e| match e {
            Fault::Located(d) => d.one_line(),
            Fault::File(m) => m,
            Fault::NoRows => NO_ROWS.into(),
        })
    }

    /// Parse CSV bytes read from `file` (its name in messages).
    ///
    /// A number cell that reads as 0 although it is not (`1e-400`, below the floats'
    /// exponent) is refused at `FILE:LINE:COL` in the words of every input kind: read as 0,
    /// a parameter's boundary or an outcome would be analysed at a value the file does not
    /// hold. `policy` and `future` are names, not numbers.
    fn parse_located(bytes: &[u8], file: &str) -> Result<Self, Fault> {
        if bytes.first() == Some(&b'{') {
            return Err(Fault::File(
                "this is a JSON Lines results file; run the sweep with \
                 --format csv (the default) to analyse it"
                    .into(),
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| Fault::File(format!("not a CSV results file: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        if columns.first().map(String::as_str) != Some("point")
            || !columns.iter().any(|c| c == "runs")
        {
            return Err(Fault::File(
                "not a deter sweep results file (its header should start with \
                 `point` and have a `runs` column)"
                    .into(),
            ));
        }
        // The header: at its line, as every CSV reader locates a cell.
        let header_at = |j: usize, message: &str, help: Option<String>| {
            let (n, line) = crate::scenario::input::csv_record_line(bytes, 0);
            let name = columns[j].trim();
            Fault::Located(Box::new(crate::scenario::input::csv_cell(
                file, n, &line, j, name, message, help,
            )))
        };
        // A column named twice: the first copy was read, the second silently ignored. In
        // the words of a file of draws.
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        if let Some((j, m)) = crate::calibrate::nested::repeated_column(&names) {
            return Err(header_at(j, &m, Some("name each column once".into())));
        }
        // A column after `runs` that a sweep does not write but is a letter or two from one
        // it does (`use_of_forc_p`): a misspelt outcome, silently dropped from every table
        // that outcome would be in. Refused with a did-you-mean, as a misspelt key in every
        // file kind is; a column far from every known one (a column of the user's own) is
        // read as before.
        let known = crate::sweep::rows::result_columns(true, true);
        let runs_end = columns
            .iter()
            .position(|c| c == "runs")
            .map_or(0, |r| r + 1);
        for (j, c) in columns.iter().enumerate().skip(runs_end) {
            let c = c.trim();
            if known.iter().any(|k| k == c) {
                continue;
            }
            let near: Vec<String> = known
                .iter()
                .filter(|k| strsim::damerau_levenshtein(c, k) <= 2)
                .cloned()
                .collect();
            if let Some(s) = crate::scenario::closest(c, &near) {
                return Err(header_at(
                    j,
                    &format!("unknown column `{c}`"),
                    Some(format!("did you mean `{s}`?")),
                ));
            }
        }
        let mut rows = Vec::new();
        let mut faults: Vec<Option<crate::scenario::Diagnostic>> = vec![None; columns.len()];
        let probability: Vec<bool> = columns.iter().map(|c| super::is_probability(c)).collect();
        // The point number, the parameters and `runs`: numbers by construction (a boolean
        // parameter is 0/1), so every cell must read. A column with one bad cell was dropped
        // from the parameters without a word, and PRIM's boxes changed (F22).
        let runs_at = columns.iter().position(|c| c == "runs").unwrap_or(0);
        let strict: Vec<bool> = columns
            .iter()
            .enumerate()
            .map(|(j, c)| j <= runs_at && !matches!(c.as_str(), "policy" | "future"))
            .collect();
        // The number and text of the line a record read from byte `start` begins on, as
        // every line-reading CSV reader gives them (with `\r\n` endings too).
        let line_at = |start: usize| crate::scenario::input::csv_record_line(bytes, start);
        // The point numbers and (policy, future) pairs read so far, with their lines.
        let mut points: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
        let mut pairs: std::collections::HashMap<(String, String), usize> =
            std::collections::HashMap::new();
        let pair = (
            columns.iter().position(|c| c == "policy"),
            columns.iter().position(|c| c == "future"),
        );
        // Policies (with the number and text of their first row's line) and futures (with
        // their first line), in order of first appearance: where a missing pair is said.
        let mut first_of_policy: Vec<(String, usize, String)> = Vec::new();
        let mut first_of_future: Vec<(String, usize)> = Vec::new();
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.map_err(|e| {
                // A row with more or fewer cells than the header (a line cut short, a cell
                // added): at its line, in the words of every CSV reader; the csv crate's text
                // numbered the one place three ways ("row 101: ... record 100 (line: 101,
                // byte: ...)").
                let (pos, message) = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        pos: Some(pos),
                        expected_len,
                        len,
                    } => (
                        pos.clone(),
                        format!("{len} cells, the header has {expected_len}"),
                    ),
                    csv::ErrorKind::Utf8 {
                        pos: Some(pos),
                        err,
                    } => (
                        pos.clone(),
                        format!("not valid UTF-8 (cell {})", err.field() + 1),
                    ),
                    _ => return Fault::File(format!("line {}: {e}", i + 2)),
                };
                let (n, line) = line_at(pos.byte() as usize);
                Fault::Located(Box::new(crate::scenario::input::csv_line(
                    file, n, &line, message,
                )))
            })?;
            // Cell `j` of this row at `FILE:LINE:COL` with `message` and `help`.
            let locate = |j: usize, name: &str, m: &str, help: Option<String>| {
                let (line, text) = rec
                    .position()
                    .map_or_else(|| (i + 2, String::new()), |p| line_at(p.byte() as usize));
                crate::scenario::input::csv_cell(file, line, &text, j, name, m, help)
            };
            for (j, cell) in rec.iter().enumerate() {
                let name = columns.get(j).map_or("", String::as_str);
                if matches!(name, "policy" | "future") {
                    // Names, not numbers; but a sweep never writes an empty one, nor one that
                    // pandas and R read as missing (a policy id cannot be one): such a cell is
                    // damage. Read as a name, `discover` counted a policy `` among the
                    // policies, and `robust` said another policy "has no row for future F" at
                    // that policy's first row, not here.
                    let word = cell.trim();
                    if word.is_empty() || crate::output::reads_as_missing(word) {
                        let found = if word.is_empty() {
                            "nothing".to_string()
                        } else {
                            format!("`{word}`, which pandas and R read as a missing value")
                        };
                        let what = if name == "policy" {
                            "a policy id"
                        } else {
                            "a future's number"
                        };
                        return Err(Fault::Located(Box::new(locate(
                            j,
                            name,
                            &format!("expected {what}, found {found}"),
                            Some(format!(
                                "a levers x futures sweep writes its `{name}` in every row"
                            )),
                        ))));
                    }
                    // A future is a number as a sweep writes it (0, 1, 2, ...): `1.5`, `x`
                    // or `01` is no future of the sweep (read as a name, `01` and `1` were
                    // two futures, and `robust` said another row had no row for one).
                    if name == "future"
                        && parse_digits::<u64>(word).is_none_or(|n| n.to_string() != word)
                    {
                        return Err(Fault::Located(Box::new(locate(
                            j,
                            name,
                            &format!(
                                "expected a future's number (a whole number, as a sweep \
                                 writes it: 0, 1, 2, ...), found `{word}`"
                            ),
                            Some(
                                "a levers x futures sweep writes its `future` in every row".into(),
                            ),
                        ))));
                    }
                    continue;
                }
                // `runs`: a count of runs, a positive integer (1.5, -3 and 0 were read).
                if j == runs_at && parse_digits::<u64>(cell).is_none_or(|n| n == 0) {
                    return Err(Fault::Located(Box::new(locate(
                        j,
                        name,
                        &format!(
                            "expected a positive integer (a count of runs), found {}",
                            cell.trim()
                        ),
                        None,
                    ))));
                }
                if let Some(x) = parse_digits::<f64>(cell)
                    && x.is_finite()
                    && x != 0.0
                {
                    // A share of runs out of [0, 1] (a hand-edited 7 would be printed
                    // as 700.0% and ranked): refused at its cell, whatever reads the file.
                    if !(0.0..=1.0).contains(&x) && probability.get(j) == Some(&true) {
                        return Err(Fault::Located(Box::new(locate(
                            j,
                            name,
                            &format!(
                                "expected a number in [0, 1] (a share of runs), found {}",
                                cell.trim()
                            ),
                            Some(format!("`{name}` holds shares of runs, from 0 to 1")),
                        ))));
                    }
                    continue;
                }
                // A share column that holds no number is the damage of one that holds 7: refused
                // at once, whatever reads the file (it was kept for the column's use, so a
                // reader that did not use it analysed a damaged file without a word).
                // (A literal that reads as 0, `1e-400`, keeps the words of every column's.)
                if probability.get(j) == Some(&true) && parse_digits::<f64>(cell) != Some(0.0) {
                    // In the words of a cell that is no number in every reader.
                    let expected = "a number";
                    if let Err((m, help)) = crate::scenario::input::number_text(cell, expected) {
                        let help = help.or_else(|| {
                            Some(format!("`{name}` holds shares of runs, from 0 to 1"))
                        });
                        return Err(Fault::Located(Box::new(locate(j, name, &m, help))));
                    }
                    continue;
                }
                let Err((m, help)) = crate::scenario::input::number_text(cell, "a number") else {
                    continue;
                };
                // A literal that reads as 0 is refused at once; a column with a cell that
                // is not a number keeps its first such cell's fault, reported when the
                // column is used as numbers ([`Results::numeric`]).
                let underflow = parse_digits::<f64>(cell) == Some(0.0);
                if !underflow
                    && strict.get(j) != Some(&true)
                    && faults.get(j).is_none_or(Option::is_some)
                {
                    continue;
                }
                let at = locate(j, name, &m, help);
                if underflow || strict.get(j) == Some(&true) {
                    return Err(Fault::Located(Box::new(at)));
                }
                faults[j] = Some(at);
            }
            // A point twice (a row pasted again, two results files joined): both readers
            // refuse it at its cell, as `robust` refused the same policy twice in a future
            // and `discover` counted the row twice.
            let line = rec
                .position()
                .map_or(i + 2, |p| line_at(p.byte() as usize).0);
            let twice = |j: usize, message: String| {
                Fault::Located(Box::new(locate(
                    j,
                    &columns[j],
                    &message,
                    Some("a sweep writes one row per point: remove the repeated row".into()),
                )))
            };
            if let Some(point) = rec.get(0).and_then(parse_digits::<f64>) {
                // By value (`2` and `2.0` are one point; `-0` is `0`).
                let key = (point + 0.0).to_bits();
                if let Some(&first) = points.get(&key) {
                    return Err(twice(
                        0,
                        format!(
                            "point {} appears twice (first on line {first})",
                            rec[0].trim()
                        ),
                    ));
                }
                points.insert(key, line);
            }
            if let (Some(pc), Some(fc)) = (pair.0, pair.1)
                && let (Some(p), Some(f)) = (rec.get(pc), rec.get(fc))
            {
                let key = (p.to_string(), f.to_string());
                if let Some(&first) = pairs.get(&key) {
                    return Err(twice(
                        pc,
                        format!("policy `{p}` appears twice in future {f} (first on line {first})"),
                    ));
                }
                pairs.insert(key, line);
                if !first_of_policy.iter().any(|(x, ..)| x == p) {
                    let text = rec
                        .position()
                        .map_or_else(String::new, |at| line_at(at.byte() as usize).1);
                    first_of_policy.push((p.to_string(), line, text));
                }
                if !first_of_future.iter().any(|(x, _)| x == f) {
                    first_of_future.push((f.to_string(), line));
                }
            }
            rows.push(rec.iter().map(str::to_string).collect());
        }
        if rows.is_empty() {
            return Err(Fault::NoRows);
        }
        let first = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes, |i| &bytes[..=i]);
        // The first (policy, future) without a row, in the order `matrix` reads them.
        let gap = pair.0.and_then(|pc| {
            first_of_policy.iter().find_map(|(p, line, text)| {
                let (f, f_line) = first_of_future
                    .iter()
                    .find(|(f, _)| !pairs.contains_key(&(p.clone(), f.clone())))?;
                Some(crate::scenario::input::csv_cell(
                    file,
                    *line,
                    text,
                    pc,
                    "policy",
                    &format!("policy `{p}` has no row for future {f} (an incomplete sweep?)"),
                    Some(format!(
                        "future {f} has rows from line {f_line}: a levers x futures sweep writes \
                         one row for every policy in every future"
                    )),
                ))
            })
        });
        Ok(Self {
            columns,
            rows,
            faults,
            gap,
            header_sha256: crate::sweep::record::sha256_hex(first),
            sha256: crate::sweep::record::sha256_hex(bytes),
        })
    }

    /// Whether these results, read from `path`, hold every point their sweep planned: the
    /// record beside them ([`crate::sweep::record::check`]).
    pub fn completeness(&self, path: &Path) -> crate::sweep::record::Completeness {
        let policies = self.column("policy").map(|pc| {
            self.rows
                .iter()
                .map(|r| r[pc].as_str())
                .collect::<Vec<&str>>()
        });
        crate::sweep::record::check(
            path,
            &crate::sweep::record::RowsRead {
                rows: self.rows.len() as u64,
                header_sha256: &self.header_sha256,
                results_sha256: &self.sha256,
                runs: self.column("runs").map_or_else(Vec::new, |c| {
                    self.rows.iter().map(|r| parse_digits(&r[c])).collect()
                }),
                policies,
            },
        )
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Whether rows carry `policy` and `future` (a levers x futures sweep).
    pub fn has_policies(&self) -> bool {
        self.column("policy").is_some() && self.column("future").is_some()
    }

    /// Column `c` as numbers (the error: the first cell that is not a finite number, at
    /// `FILE:LINE:COL` with the words every CSV reader gives it).
    pub fn numeric(&self, c: usize) -> Result<Vec<f64>, Refusal> {
        if let Some(Some(fault)) = self.faults.get(c) {
            return Err(Refusal::Cell(Box::new(fault.clone())));
        }
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                parse_digits::<f64>(&r[c])
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        Refusal::Other(format!(
                            "column `{}`, row {}: `{}` is not a number",
                            self.columns[c],
                            i + 2,
                            r[c]
                        ))
                    })
            })
            .collect()
    }

    /// The parameter columns: between `point` and `runs`, numeric, except `policy` and
    /// `future`.
    pub fn inputs(&self) -> Vec<usize> {
        let end = self.column("runs").unwrap_or(self.columns.len());
        (1..end)
            .filter(|&c| !matches!(self.columns[c].as_str(), "policy" | "future"))
            .filter(|&c| self.numeric(c).is_ok())
            .collect()
    }

    /// Names an analysis may ask for: outcomes (`use_of_force` for `use_of_force_p`), every
    /// numeric column after `runs`, and with policies `regret_OUTCOME`.
    pub fn outcome_names(&self) -> Vec<String> {
        let mut names: Vec<String> = OUTCOMES
            .iter()
            .filter(|o| self.column(&format!("{o}_p")).is_some())
            .map(|o| o.to_string())
            .collect();
        let start = self.column("runs").map_or(0, |r| r + 1);
        names.extend(self.columns[start..].iter().cloned());
        if self.has_policies() {
            names.extend(
                OUTCOMES
                    .iter()
                    .filter(|o| self.column(&format!("{o}_p")).is_some())
                    .filter(|o| !super::is_context(o))
                    .map(|o| format!("regret_{o}")),
            );
        }
        names
    }

    /// The index of column `name` if it is an outcome column (after `runs`).
    fn outcome_column(&self, name: &str) -> Option<usize> {
        let start = self.column("runs").map_or(0, |r| r + 1);
        self.column(name).filter(|&c| c >= start)
    }

    /// The values of an outcome by name: an outcome (`use_of_force` -> column
    /// `use_of_force_p`), any column after `runs`, or `regret_OUTCOME` (levers x futures
    /// results). A column before `runs` (the point number, a parameter) is not an outcome.
    /// Err: a cell's fault, or an unknown name with its did-you-mean and the outcomes of the
    /// file.
    pub fn outcome(&self, name: &str) -> Result<Vec<f64>, Refusal> {
        if let Some(c) = self
            .outcome_column(&format!("{name}_p"))
            .or_else(|| self.outcome_column(name))
        {
            return self.numeric(c);
        }
        if let Some(o) = name.strip_prefix("regret_")
            && let Some(c) = self.outcome_column(&format!("{o}_p"))
        {
            // Regret ranks policies on an objective; context (the crisis opportunity) is
            // not one, as `robust` says of a threshold for it.
            if super::is_context(o) {
                return Err(Refusal::Unknown {
                    name: name.to_string(),
                    message: format!(
                        "`{name}`: `{o}` is context (how often the challenger could escalate), \
                         not an objective: no policy is better for it, so it has no regret"
                    ),
                    suggestion: None,
                });
            }
            if !self.has_policies() {
                return Err(Refusal::Unknown {
                    name: name.to_string(),
                    message: format!(
                        "`{name}`: regret needs a levers x futures results file (with \
                         `policy` and `future` columns)"
                    ),
                    suggestion: None,
                });
            }
            return self.regret(c, Direction::of_outcome(o));
        }
        let names = self.outcome_names();
        let why = if name == "runs" {
            " (`runs` is the number of runs behind each point's estimates)"
        } else if self.column(name).is_some() {
            " (it is a column before `runs`: the point number or a parameter)"
        } else {
            ""
        };
        let mut outcomes: Vec<String> = OUTCOMES
            .iter()
            .filter(|o| self.column(&format!("{o}_p")).is_some())
            .map(|o| format!("`{o}`"))
            .collect();
        if self.has_policies() {
            outcomes.push("`regret_OUTCOME`".into());
        }
        outcomes.push("any column after `runs`".into());
        Err(Refusal::unknown(
            name,
            format!(
                "`{name}` is not an outcome of this results file{why}; outcomes: {}",
                outcomes.join(", ")
            ),
            names.iter().map(String::as_str),
        ))
    }

    /// Policies and futures in order of first appearance, and `values[p][f]` of column `c`.
    pub fn matrix(&self, c: usize) -> Result<PolicyMatrix, Refusal> {
        let (pc, fc) = match (self.column("policy"), self.column("future")) {
            (Some(p), Some(f)) => (p, f),
            _ => {
                return Err(Refusal::Other(
                    "not a levers x futures results file (no `policy` and `future` \
                            columns)"
                        .into(),
                ));
            }
        };
        let v = self.numeric(c)?;
        let mut policies: Vec<String> = Vec::new();
        let mut futures: Vec<String> = Vec::new();
        let mut at = Vec::with_capacity(self.rows.len());
        for r in &self.rows {
            let p = match policies.iter().position(|x| *x == r[pc]) {
                Some(p) => p,
                None => {
                    policies.push(r[pc].clone());
                    policies.len() - 1
                }
            };
            let f = match futures.iter().position(|x| *x == r[fc]) {
                Some(f) => f,
                None => {
                    futures.push(r[fc].clone());
                    futures.len() - 1
                }
            };
            at.push((p, f));
        }
        let mut m = vec![vec![f64::NAN; futures.len()]; policies.len()];
        for (&(p, f), x) in at.iter().zip(&v) {
            if !m[p][f].is_nan() {
                return Err(Refusal::Other(format!(
                    "policy `{}` appears twice in future {}",
                    policies[p], futures[f]
                )));
            }
            m[p][f] = *x;
        }
        // A missing pair: at the policy's first row ([`Results::gap`], found as the rows
        // were read; it said "policy `P` has no row for future F" without a location).
        if let Some(d) = &self.gap {
            return Err(Refusal::Cell(Box::new(d.clone())));
        }
        for (p, row) in m.iter().enumerate() {
            if let Some(f) = row.iter().position(|x| x.is_nan()) {
                return Err(Refusal::Other(format!(
                    "policy `{}` has no row for future {} (an incomplete sweep?)",
                    policies[p], futures[f]
                )));
            }
        }
        Ok(PolicyMatrix {
            policies,
            futures,
            values: m,
        })
    }

    /// Regret of each row's policy in its future for column `c` (see [`robust::regret`]).
    fn regret(&self, c: usize, direction: Direction) -> Result<Vec<f64>, Refusal> {
        let PolicyMatrix {
            policies,
            futures,
            values,
        } = self.matrix(c)?;
        let r = robust::regret(&values, direction);
        let (pc, fc) = (
            self.column("policy").unwrap_or(0),
            self.column("future").unwrap_or(0),
        );
        Ok(self
            .rows
            .iter()
            .map(|row| {
                let p = policies.iter().position(|x| *x == row[pc]).unwrap_or(0);
                let f = futures.iter().position(|x| *x == row[fc]).unwrap_or(0);
                r[p][f]
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LXF: &str =
        "point,policy,future,a,runs,use_of_force_p,use_of_force_mc95_lo,use_of_force_mc95_hi
0,none,0,0.5,10,0.3,0,1
1,none,1,0.7,10,0.1,0,1
2,envoy,0,0.5,10,0.2,0,1
3,envoy,1,0.7,10,0.15,0,1
";

    #[test]
    fn outcomes_resolve_by_short_name_column_or_regret() {
        let r = Results::parse(LXF.as_bytes()).unwrap();
        assert_eq!(r.inputs(), vec![3]);
        assert_eq!(
            r.outcome("use_of_force").unwrap(),
            vec![0.3, 0.1, 0.2, 0.15]
        );
        assert_eq!(r.outcome("use_of_force_mc95_hi").unwrap(), vec![1.0; 4]);
        let reg = r.outcome("regret_use_of_force").unwrap();
        let want = [0.1, 0.0, 0.0, 0.05];
        for (g, w) in reg.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{reg:?}");
        }
    }

    #[test]
    fn an_unknown_outcome_gets_a_did_you_mean() {
        let r = Results::parse(LXF.as_bytes()).unwrap();
        let e = r.outcome("use_of_forse").unwrap_err();
        assert_eq!(
            e.did_you_mean().as_deref(),
            Some("did you mean `use_of_force`?")
        );
        assert!(matches!(&e, Refusal::Unknown { name, .. } if name == "use_of_forse"));
        let e = r.outcome("regret_use_of_forse").unwrap_err();
        assert_eq!(
            e.did_you_mean().as_deref(),
            Some("did you mean `regret_use_of_force`?")
        );
    }

    #[test]
    fn an_incomplete_levers_x_futures_file_is_refused() {
        let text: String = LXF.lines().take(4).map(|l| format!("{l}\n")).collect();
        let r = Results::parse(text.as_bytes()).unwrap();
        let e = r.outcome("regret_use_of_force").unwrap_err().to_string();
        // At the policy cell of the policy's first row (line 4), as every cell's fault.
        assert!(
            e.starts_with("results:4:3: column `policy`: policy `envoy` has no row for future 1"),
            "{e}"
        );
    }
}
