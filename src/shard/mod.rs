//! Shards: splitting one invocation's work between independent processes (Slurm job array
//! tasks, GNU parallel jobs, machines) and merging their partial results exactly.
//!
//! The work of an invocation is a sequence of *work units* with a global index `g` in
//! `0..units`. For `deter run` a unit is a run (`units = runs`); for a sweep it is run `i` of
//! point `p`, with `g = p * runs + i`. Shard `k` of `n` (0-based, like `SLURM_ARRAY_TASK_ID`)
//! takes the contiguous block `floor(k * units / n) .. floor((k + 1) * units / n)`.
//!
//! **Architecture Invariants:**
//! - a shard changes *which* units a process simulates, never *how*: unit `g` draws from the
//!   same RNG stream whatever `n`, `k` or the thread count, so the union of the shards is the
//!   unsharded run;
//! - a partial file holds only exactly mergeable state (integer counts, histogram bins and
//!   fixed-point sums), so merging the shards in any order gives the unsharded aggregate bit
//!   for bit;
//! - this module knows nothing about Slurm beyond reading two environment variables in
//!   [`ShardSpec::resolve`].
//!
//! The file format is in [`partial`]; docs/CLUSTER.md explains the design for users.

mod canon;
pub mod partial;
mod stream;

pub use partial::{Kind, Part, PartialFile};

use stream::Outline;

use crate::engine::Aggregate;

use std::fmt;
use std::str::FromStr;

/// Shard `k` of `n`, 0-based: `k < n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    k: u64,
    n: u64,
}

impl Shard {
    /// `None` unless `n >= 1` and `k < n`.
    pub fn new(k: u64, n: u64) -> Option<Self> {
        (n >= 1 && k < n).then_some(Self { k, n })
    }

    pub fn k(self) -> u64 {
        self.k
    }

    pub fn n(self) -> u64 {
        self.n
    }

    /// The half-open block `first..end` of global work indices `0..units` that this shard
    /// takes. Blocks are contiguous, disjoint, cover `0..units`, and differ in size by at
    /// most one unit. Exact for every `u64` (computed in `u128`).
    pub fn range(self, units: u64) -> (u64, u64) {
        let at = |k: u64| (u128::from(k) * u128::from(units) / u128::from(self.n)) as u64;
        (at(self.k), at(self.k + 1))
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// What `--shard` was given: an explicit `K/N`, or `auto` (from the Slurm environment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSpec {
    Explicit(Shard),
    Auto,
}

/// Why a `--shard` value is not `K/N` or `auto`: what was expected (`expected`), the part of
/// the value at fault (`part`, a byte range of the value without its surrounding blanks), and
/// what to do (`help`). The command line says "expected EXPECTED, found PART" at that part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecFault {
    pub expected: String,
    pub part: std::ops::Range<usize>,
    pub help: String,
}

impl fmt::Display for SpecFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}; {}", self.expected, self.help)
    }
}

impl FromStr for ShardSpec {
    type Err = SpecFault;

    fn from_str(s: &str) -> Result<Self, SpecFault> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("auto") {
            return Ok(ShardSpec::Auto);
        }
        let first = "--shard 0/4 is the first of 4 shards";
        let Some((k, n)) = s.split_once('/') else {
            return Err(SpecFault {
                expected: "K/N (shard K of N, 0-based, e.g. 0/4) or `auto`".into(),
                part: 0..s.len(),
                help: format!("give K/N ({first}), or `auto` in a Slurm job array (--array=0-3)"),
            });
        };
        let k_part = 0..k.len();
        let n_part = k.len() + 1..s.len();
        let Some(k) = crate::scenario::input::parse_digits::<u64>(k) else {
            return Err(SpecFault {
                expected: "K a non-negative integer in K/N (the shard's number, 0-based)".into(),
                part: k_part,
                help: format!("shards are numbered from 0: {first}"),
            });
        };
        let Some(n) = crate::scenario::input::parse_digits::<u64>(n).filter(|&n| n >= 1) else {
            return Err(SpecFault {
                expected: "N a positive integer in K/N (the number of shards, at least 1)".into(),
                part: n_part,
                help: format!("N counts the shards: {first}"),
            });
        };
        Shard::new(k, n)
            .map(ShardSpec::Explicit)
            .ok_or_else(|| SpecFault {
                expected: format!("K below N = {n} in K/N"),
                part: k_part,
                help: format!(
                    "shards are numbered 0..{} (0-based, like SLURM_ARRAY_TASK_ID under \
                 --array=0-{})",
                    n - 1,
                    n - 1
                ),
            })
    }
}

/// Why `--shard auto` cannot name a shard: what was expected and found (the message), and
/// what to do (the help line); the command line locates it at `--shard`'s value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoFault {
    pub message: String,
    pub help: String,
}

impl ShardSpec {
    /// The concrete shard. `auto` reads `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT`
    /// through `env`, and refuses arrays whose ids are not exactly `0..COUNT` (a minimum
    /// other than 0 or a step other than 1), because shard ids must be `0..n`.
    pub fn resolve(self, env: impl Fn(&str) -> Option<String>) -> Result<Shard, AutoFault> {
        let fault = |message: String, help: String| AutoFault { message, help };
        match self {
            ShardSpec::Explicit(s) => Ok(s),
            ShardSpec::Auto => {
                let var = |name: &str| -> Result<Option<u64>, AutoFault> {
                    match env(name) {
                        None => Ok(None),
                        Some(v) => crate::scenario::input::parse_digits(&v)
                            .map(Some)
                            .ok_or_else(|| {
                                // A count of digits beyond 64 bits is an integer, only too
                                // large: said so, in the words of every number too large.
                                let digits = crate::scenario::input::toml_digits(&v);
                                let too_large = !digits.is_empty()
                                    && digits.bytes().all(|b| b.is_ascii_digit());
                                fault(
                                    format!(
                                        "expected {name} to be a non-negative integer, found \
                                         `{v}`{}",
                                        if too_large {
                                            ", a number too large to use"
                                        } else {
                                            ""
                                        }
                                    ),
                                    "Slurm sets it in a job array; outside one give the shard \
                                     as --shard K/N"
                                        .into(),
                                )
                            }),
                    }
                };
                let (id, count) = (var("SLURM_ARRAY_TASK_ID")?, var("SLURM_ARRAY_TASK_COUNT")?);
                let (Some(k), Some(n)) = (id, count) else {
                    let found = match (id, count) {
                        (None, None) => "neither",
                        (Some(_), _) => "only SLURM_ARRAY_TASK_ID",
                        (_, Some(_)) => "only SLURM_ARRAY_TASK_COUNT",
                    };
                    return Err(fault(
                        format!(
                            "expected a Slurm job array's SLURM_ARRAY_TASK_ID and \
                             SLURM_ARRAY_TASK_COUNT in the environment, found {found}"
                        ),
                        "run inside a Slurm job array (sbatch --array=0-N), or give the shard \
                         as --shard K/N (shard K of N, 0-based)"
                            .into(),
                    ));
                };
                let last = n.saturating_sub(1);
                let min = var("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
                if min != 0 {
                    return Err(fault(
                        format!("expected a job array numbered from 0, found one from {min}"),
                        format!(
                            "submit it with --array=0-{last} so that task ids are the shard \
                             numbers 0..{last}"
                        ),
                    ));
                }
                let step = var("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1);
                if step > 1 {
                    return Err(fault(
                        format!("expected a job array of step 1, found step {step}"),
                        format!(
                            "submit it with --array=0-{last} (step 1), or give the shard as \
                             --shard K/N"
                        ),
                    ));
                }
                Shard::new(k, n).ok_or_else(|| {
                    fault(
                        format!(
                            "expected SLURM_ARRAY_TASK_ID below SLURM_ARRAY_TASK_COUNT={n}, \
                             found {k}"
                        ),
                        format!("submit the array as --array=0-{last}"),
                    )
                })
            }
        }
    }
}

/// [`pieces_by_point`] as a list (tests).
#[cfg(test)]
pub fn split_by_point(first: u64, end: u64, runs: u64) -> Vec<(u64, u64, u64)> {
    pieces_by_point(first, end, runs).collect()
}

/// The pieces of the global block `first..end` that fall in each point of a sweep with
/// `runs` runs per point: `(point, first_run, count)` in index order, one at a time (a
/// shard of many points walks them without holding their list). For `deter run` (one
/// point) this is the single piece `(0, first, end - first)`.
pub fn pieces_by_point(first: u64, end: u64, runs: u64) -> impl Iterator<Item = (u64, u64, u64)> {
    let mut g = if runs == 0 { end } else { first };
    std::iter::from_fn(move || {
        if g >= end {
            return None;
        }
        let point = g / runs;
        let run = g % runs;
        let count = (runs - run).min(end - g);
        g += count;
        Some((point, run, count))
    })
}

/// A partial file checked whole by [`read_part`] and kept without its parts: its header,
/// timing and (for shard 0, the one a merge rebuilds the input from) source, and where to
/// read its parts again, one at a time, when they are merged ([`merge_points`]). Memory per
/// file is a header, whatever the number of points and runs the file holds.
#[derive(Debug, Clone)]
pub struct Named {
    /// The file as given, in messages.
    pub name: String,
    /// The file's header, but for its shard (`shard`, the file's own) and its parts'
    /// checksum (checked when it was read): shared with the first file read when the two
    /// agree in everything [`partial::Header::mismatch`] compares, so that memory per file
    /// is its shard range, whatever the number of files.
    pub header: std::sync::Arc<partial::Header>,
    /// This file's place in the invocation.
    pub shard: partial::ShardHeader,
    pub timing: partial::Timing,
    source: Option<Box<partial::Source>>,
    /// A nested run's posterior (shard 0's, as [`Named::source`]).
    posterior: Option<Box<partial::Source>>,
    input: Input,
    /// SHA-256 of the parts' `(point, first_run, runs)` in file order ([`cover_of`]).
    cover: [u8; 32],
    /// SHA-256 of the file's bytes when it was checked.
    digest: [u8; 32],
    /// Whether the file carries the per-run rows of its runs (`deter run --shard K/N
    /// --per-run-rows`), checked to list every run of its range, in order.
    pub rows: bool,
    /// Whether the file is byte for byte what its shard wrote for the values it holds
    /// ([`stream::Outline::as_written`]); [`merge_points`] refuses it otherwise.
    as_written: bool,
}

/// Where a partial file's bytes are read from.
#[derive(Debug, Clone)]
enum Input {
    /// A regular file, read again for the merge.
    Path(std::path::PathBuf),
    /// A pipe or a device, which gives its bytes once: read whole (bounded), as before
    /// streaming, and read from memory twice.
    Bytes(Vec<u8>),
}

impl Input {
    /// One pass over the file ([`stream::pass`]); an error says where it stopped.
    fn pass(
        &self,
        on_part: &mut dyn FnMut(Part) -> Result<(), String>,
        on_row: &mut dyn FnMut(&str) -> Result<(), String>,
    ) -> Result<Outline, String> {
        let limit = MAX_PARTIAL_BYTES as u64;
        match self {
            Input::Path(path) => {
                let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
                stream::pass(file, limit, on_part, on_row)
            }
            Input::Bytes(bytes) => stream::pass(bytes.as_slice(), limit, on_part, on_row),
        }
    }
}

impl Named {
    /// The input file the shard read: shard 0's (every file of a checked set has the same
    /// input by its hash; [`check_complete`] puts shard 0 first).
    pub fn source(&self) -> &partial::Source {
        self.source
            .as_ref()
            .expect("check_complete puts shard 0, which keeps its source, first")
    }

    /// The posterior CSV a nested run's shards read, shard 0's ([`Named::source`]): `None`
    /// for other kinds and for a nested run of `[[uncertain]]` priors alone.
    pub fn posterior(&self) -> Option<&partial::Source> {
        self.posterior.as_deref()
    }

    /// A partial file's bytes, checked as [`read_part`] checks a file (messages named `name`).
    #[cfg(test)]
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Self, ReadError> {
        checked(name.to_string(), Input::Bytes(bytes), None)
    }
}

/// The SHA-256 of a file's parts' `(point, first_run, runs)`, in order: what the file holds
/// point by point, compared with what its header's range implies without listing either.
fn cover_of(pieces: impl Iterator<Item = (u64, u64, u64)>) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (point, first_run, runs) in pieces {
        h.update(point.to_le_bytes());
        h.update(first_run.to_le_bytes());
        h.update(runs.to_le_bytes());
    }
    h.finalize().into()
}

/// Why shards cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// A fault of one file at a key of it (`header.seed`, `parts[0].aggregate.region`): the
    /// file-level diagnostic every file kind gives, `FILE: error: KEY: PROBLEM`.
    File(Box<crate::scenario::Diagnostic>),
    /// A fault of the set of files (a shard given twice or missing, runs that do not add up)
    /// or of the work done with them.
    Set(String),
    /// The cancellation flag was set (Ctrl-C, a Python `KeyboardInterrupt`): the merge
    /// stopped between two parts or rows and wrote nothing.
    Interrupted,
}

impl MergeError {
    /// A fault of the file `f` at `key` (`header.seed`, `header.shard.k`, `parts`): located
    /// at the line and column of that key's value in the file, as every reader locates a
    /// value's fault (`FILE:LINE:COL: error: KEY: PROBLEM` with the excerpt), in the bytes
    /// the merge already holds for a pipe or a device (opening a FIFO again would wait for a
    /// writer that never comes) and in a regular file read again (a fault is rare; the merge
    /// keeps no text of a regular file). One that no longer reads as it did gives the
    /// file-level diagnostic.
    fn at(f: &Named, key: &str, problem: String) -> Self {
        let file = f.name.as_str();
        let again;
        let bytes = match &f.input {
            Input::Bytes(bytes) => Some(bytes.as_slice()),
            Input::Path(path) if std::fs::metadata(path).is_ok_and(|m| m.is_file()) => {
                again = crate::scenario::read_bounded(path, MAX_PARTIAL_BYTES).ok();
                again.as_deref()
            }
            Input::Path(_) => None,
        };
        let located = bytes.and_then(|bytes| {
            let text = crate::scenario::input::utf8_text(bytes, file)
                .ok()?
                .to_string();
            let span = json_value_span(text.as_bytes(), key)?;
            Some(crate::scenario::Diagnostic::at(
                file,
                &text,
                span,
                key,
                problem.clone(),
            ))
        });
        let d = located.unwrap_or_else(|| {
            let mut d = crate::scenario::Diagnostic::file_level(file, problem);
            d.path = key.to_string();
            d
        });
        MergeError::File(Box::new(d))
    }
}

/// The byte range of the value at the dotted `key` (object members only: `header.shard.k`)
/// of the JSON `text`; `None` when the text has no such member or is not JSON there.
fn json_value_span(text: &[u8], key: &str) -> Option<std::ops::Range<usize>> {
    fn ws(t: &[u8], i: &mut usize) {
        while *i < t.len() && t[*i].is_ascii_whitespace() {
            *i += 1;
        }
    }
    // A string at `i` (its opening quote): its raw content, `i` past its closing quote.
    fn string<'t>(t: &'t [u8], i: &mut usize) -> Option<&'t [u8]> {
        if t.get(*i) != Some(&b'"') {
            return None;
        }
        let start = *i + 1;
        let mut j = start;
        while j < t.len() {
            match t[j] {
                b'\\' => j += 2,
                b'"' => {
                    *i = j + 1;
                    return Some(&t[start..j]);
                }
                _ => j += 1,
            }
        }
        None
    }
    // Past the value at `i`.
    fn skip(t: &[u8], i: &mut usize) -> Option<()> {
        match *t.get(*i)? {
            b'"' => string(t, i).map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                while *i < t.len() {
                    match t[*i] {
                        b'"' => {
                            string(t, i)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                *i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    *i += 1;
                }
                None
            }
            _ => {
                while *i < t.len()
                    && !matches!(t[*i], b',' | b'}' | b']')
                    && !t[*i].is_ascii_whitespace()
                {
                    *i += 1;
                }
                Some(())
            }
        }
    }
    fn find(t: &[u8], i: &mut usize, want: &[&str]) -> Option<std::ops::Range<usize>> {
        ws(t, i);
        let start = *i;
        let Some((first, rest)) = want.split_first() else {
            skip(t, i)?;
            return Some(start..*i);
        };
        if t.get(*i) != Some(&b'{') {
            return None;
        }
        *i += 1;
        loop {
            ws(t, i);
            let k = string(t, i)?;
            ws(t, i);
            if t.get(*i) != Some(&b':') {
                return None;
            }
            *i += 1;
            if k == first.as_bytes() {
                return find(t, i, rest);
            }
            ws(t, i);
            skip(t, i)?;
            ws(t, i);
            if t.get(*i) == Some(&b',') {
                *i += 1;
            } else {
                return None;
            }
        }
    }
    let want: Vec<&str> = key.split('.').collect();
    find(text, &mut 0, &want)
}

/// The diagnostic of a file that is not byte for byte what its shard wrote for the values it
/// holds: at the first byte where it differs from those ([`PartialFile::to_bytes`] of the
/// file read whole), with the key path there, what the shard writes there and what the file
/// has. File-level when the file no longer reads (it changed since it was checked).
fn not_as_written(f: &Named) -> crate::scenario::Diagnostic {
    let file = f.name.as_str();
    let help = WRITE_AGAIN;
    let edited = "the file was edited after its shard wrote it: only the bytes a shard \
                  writes are merged, even where an edit leaves every value the same (an \
                  explicit `null`, a removed field that has a default, spacing)";
    let bytes = match &f.input {
        Input::Bytes(bytes) => Ok(bytes.clone()),
        Input::Path(path) => read_whole(path, file).map_err(|_| ()),
    };
    let located = bytes.ok().and_then(|bytes| {
        let text = crate::scenario::input::utf8_text(&bytes, file)
            .ok()?
            .to_string();
        let value = serde_json::from_str(&text).ok()?;
        let written = PartialFile::from_value(value).ok()?.to_bytes();
        let have = text.as_bytes();
        let at = have
            .iter()
            .zip(&written)
            .position(|(a, b)| a != b)
            .unwrap_or(have.len().min(written.len()));
        // From the start of the word that differs (a key with its opening quote, a number):
        // the two agree before `at`.
        let word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'.');
        let mut at = at;
        // A character edited into another that starts with the same byte: from its start.
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        while at > 0 && word(have[at - 1]) {
            at -= 1;
        }
        if at > 0 && have[at - 1] == b'"' && (at < 2 || matches!(have[at - 2], b'{' | b',')) {
            at -= 1;
        }
        let shown = |b: &[u8]| {
            // A CR LF line end (a file converted to Windows line ends) was "a line break"
            // against the shard's line break: the two read alike.
            if b.first() == Some(&b'\r') {
                return if b.get(1) == Some(&b'\n') {
                    "a carriage return (`\\r`) before the line break: CR LF line ends, as a \
                     conversion to Windows line ends writes them"
                        .to_string()
                } else {
                    "a carriage return (`\\r`)".to_string()
                };
            }
            let s = String::from_utf8_lossy(b);
            let line = s.lines().next().unwrap_or("");
            if line.is_empty() {
                return if s.is_empty() {
                    "the end of the file".to_string()
                } else {
                    "a line break".to_string()
                };
            }
            let cut: String = line.chars().take(32).collect();
            let more = if cut.len() < line.len() { "..." } else { "" };
            format!("`{}{more}`", crate::scenario::printable(&cut))
        };
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        Some(crate::scenario::Diagnostic::at(
            file,
            &text,
            at..end,
            &json_path_at(have, at),
            format!(
                "{DAMAGED}: here its shard writes {}, the file has {}; {edited}",
                shown(&written[at.min(written.len())..]),
                shown(&have[at..])
            ),
        ))
    });
    located
        .unwrap_or_else(|| {
            crate::scenario::Diagnostic::file_level(file, format!("{DAMAGED}: {edited}"))
        })
        .with_help(Some(help.into()))
}

/// The key path (`header`, `parts[0].aggregate.region`) of the innermost object member or
/// array element that byte `at` of the JSON `text` is in: a member whose value is complete
/// before `at` is not (the path is then its object's). The members before `at` are complete
/// JSON; what follows need not be.
fn json_path_at(text: &[u8], at: usize) -> String {
    enum Frame {
        /// An object, the key of the member being read (none between members) and whether
        /// that member's value (an object or array) is complete.
        Object(Option<String>, bool),
        /// An array, and the index of the element being read.
        Array(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let end = at.min(text.len());
    while i < end {
        match text[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < text.len() && text[j] != b'"' {
                    j += if text[j] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(key @ None, _)) = stack.last_mut()
                    && j < end
                {
                    *key = Some(String::from_utf8_lossy(&text[start..j]).into_owned());
                }
                i = j + 1;
                continue;
            }
            b'{' => stack.push(Frame::Object(None, false)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
                if let Some(Frame::Object(_, done)) = stack.last_mut() {
                    *done = true;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key, done)) => (*key, *done) = (None, false),
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key), false) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(..) => break,
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

impl fmt::Display for MergeError {
    /// One line: `FILE: KEY: PROBLEM` for a file's fault, the message for the set's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::File(d) => f.write_str(&d.one_line()),
            MergeError::Set(m) => f.write_str(m),
            MergeError::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl From<String> for MergeError {
    fn from(m: String) -> Self {
        MergeError::Set(m)
    }
}

/// Largest partial file read (a sweep shard holds one small aggregate per point).
pub const MAX_PARTIAL_BYTES: usize = 256 << 20;

/// What a partial file that parses as JSON but holds a value of the wrong type or range is
/// called in its diagnostic.
pub const DAMAGED: &str = "damaged partial file";

/// The help line of every fault of a partial file itself: it cannot be mended, only written
/// again.
const WRITE_AGAIN: &str = "a partial file is written whole by `deter run|sweep FILE --shard K/N \
                           --out PART`; write this shard again";

/// Why a partial file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The file could not be read, or is larger than [`MAX_PARTIAL_BYTES`]: the file as
    /// given and the file-level message every input kind gives for it.
    Io { file: String, message: String },
    /// It is not JSON (a truncated or edited file): located at the fault, in the words of
    /// every file kind's syntax error (`FILE:LINE:COL: error: JSON syntax error: ...`).
    Syntax(Box<crate::scenario::Diagnostic>),
    /// It is not a partial file of this deter, or it is damaged: the file-level diagnostic
    /// of every file kind (`FILE: error: ...`).
    Invalid(Box<crate::scenario::Diagnostic>),
    /// The cancellation flag was set while the file was read ([`read_part`]'s `cancel`).
    Interrupted,
}

/// Whether the cancellation flag a merge was given is set: checked before each part and
/// each per-run row a pass over a partial file reads, so that a merge stops within one of
/// them (a pass that stopped for it is reported as interrupted, whatever it read).
pub fn cancelled(cancel: Option<&std::sync::atomic::AtomicBool>) -> bool {
    cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
}

/// What a pass's callback returns to stop it when the merge is cancelled ([`cancelled`]).
const STOPPED: &str = "interrupted";

/// A JSON syntax error of `bytes` (read from `file`) as a located diagnostic: the message
/// without serde_json's trailing position, which the header line gives.
pub fn json_syntax_error(
    file: &str,
    bytes: &[u8],
    e: &serde_json::Error,
) -> crate::scenario::Diagnostic {
    json_error_at(file, bytes, e, JSON_SYNTAX)
}

const JSON_SYNTAX: &str = "JSON syntax error";

/// The byte range of the JSON scalar (a number, `true`/`false`/`null`, or a string with its
/// quotes) that ends at or just before byte `at` of `text`, past a closing `,`, `]` or `}`.
fn value_before(text: &[u8], at: usize) -> Option<std::ops::Range<usize>> {
    let mut last = at.min(text.len().checked_sub(1)?);
    while matches!(text[last], b',' | b']' | b'}' | b' ' | b'\n') {
        last = last.checked_sub(1)?;
    }
    if text[last] == b'"' {
        let open = text[..last].iter().rposition(|&b| b == b'"')?;
        return Some(open..last + 1);
    }
    let scalar = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.');
    if !scalar(text[last]) {
        return None;
    }
    let start = text[..last]
        .iter()
        .rposition(|&b| !scalar(b))
        .map_or(0, |i| i + 1);
    Some(start..last + 1)
}

/// The byte offset in `text` where serde_json stopped with `e`.
fn error_offset(text: &str, e: &serde_json::Error) -> usize {
    // serde_json counts lines from 1 and columns in bytes from 1 (0 before the first byte).
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + e.column().saturating_sub(1)).min(text.len())
}

/// A serde_json error of `bytes` (read from `file`) located where the parser stopped:
/// `FILE:LINE:COL: error: WHAT: MESSAGE` with the line's excerpt. For a syntax error
/// ([`json_syntax_error`]) and for a value of the wrong type or range in a partial file that
/// parses as JSON ("damaged partial file: invalid value: integer `-9`, expected u64").
pub fn json_error_at(
    file: &str,
    bytes: &[u8],
    e: &serde_json::Error,
    what: &str,
) -> crate::scenario::Diagnostic {
    let text = String::from_utf8_lossy(bytes);
    let at = error_offset(&text, e);
    let full = e.to_string();
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(m, _)| m)
        .to_string();
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    // A value's fault (not a syntax error): serde_json stops just past the value; the span
    // is the whole value (a number, or a string with its quotes).
    let span = if what == JSON_SYNTAX {
        at..end
    } else {
        value_before(text.as_bytes(), at).unwrap_or(at..end)
    };
    crate::scenario::Diagnostic::at(file, &text, span, "", format!("{what}: {message}"))
}

/// A key a partial file's reader does not know (serde's "unknown field `sede`, expected one
/// of ..." and its 16 names), said as every file kind says it: at its line and column, with
/// its key path (`header.sede`), "unknown key `sede`" and a did-you-mean (or the keys allowed
/// there). None for any other fault.
fn unknown_key_at(
    file: &str,
    bytes: &[u8],
    located: &serde_json::Error,
) -> Option<crate::scenario::Diagnostic> {
    let full = located.to_string();
    let (key, rest) = full.strip_prefix("unknown field `")?.split_once('`')?;
    // ", expected one of `a`, `b` at line ..." (or "expected `a`", or "there are no fields").
    let rest = rest.rsplit_once(" at line ").map_or(rest, |(r, _)| r);
    let allowed: Vec<String> = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let path = key_path(&value, key, String::new())?;
    let mut d = json_error_at(file, bytes, located, DAMAGED);
    d.path = path;
    d.message = format!("unknown key `{key}`");
    d.help = Some(match crate::scenario::closest(key, &allowed) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("allowed keys here: {}", allowed.join(", ")),
    });
    Some(d)
}

/// A value of the wrong type or out of its type's range (serde's "invalid type: string
/// \"seven\", expected u64"), said as every file kind says it: at the value, with its key
/// path (`header.seed`) and "expected an integer in [0, 18446744073709551615], found string".
/// None for any other fault.
fn type_fault_at(
    file: &str,
    bytes: &[u8],
    located: &serde_json::Error,
) -> Option<crate::scenario::Diagnostic> {
    let full = located.to_string();
    let full = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(m, _)| m);
    let (kind, rest) = full
        .strip_prefix("invalid type: ")
        .map(|r| (true, r))
        .or_else(|| full.strip_prefix("invalid value: ").map(|r| (false, r)))?;
    let (_, expected) = rest.rsplit_once(", expected ")?;
    let range = |min: i128, max: i128| format!("an integer in [{min}, {max}]");
    let expected = match expected {
        "u8" => range(0, u8::MAX.into()),
        "u16" => range(0, u16::MAX.into()),
        "u32" => range(0, u32::MAX.into()),
        "u64" | "usize" => range(0, u64::MAX.into()),
        "i32" => range(i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => range(i64::MIN.into(), i64::MAX.into()),
        "f64" | "f32" => "a number".to_string(),
        "a sequence" => "an array".to_string(),
        e if e.starts_with("struct ") || e == "a map" => "an object".to_string(),
        e => e.to_string(),
    };
    let text = String::from_utf8_lossy(bytes);
    let at = value_before(text.as_bytes(), error_offset(&text, located))?;
    let value = text.get(at.clone())?;
    // A value's type as every file kind names it; a value of the right type out of range
    // as written.
    let found = if !kind {
        crate::scenario::printable(value).into_owned()
    } else {
        match value.as_bytes().first()? {
            b'"' => "string".to_string(),
            b't' | b'f' => "boolean".to_string(),
            b'n' => "null".to_string(),
            b'{' => "object".to_string(),
            b'[' => "array".to_string(),
            _ if value.contains(['.', 'e', 'E']) => "float".to_string(),
            _ => "integer".to_string(),
        }
    };
    let d = crate::scenario::Diagnostic::at(
        file,
        &text,
        at.clone(),
        &json_path_at(bytes, at.start),
        format!("expected {expected}, found {found}"),
    );
    Some(d.with_help(Some(WRITE_AGAIN.into())))
}

/// The first key that an object of the JSON `text` (valid JSON) holds twice, said as every
/// file kind says a duplicated key: at its second occurrence, with its key path and
/// "JSON syntax error: duplicate key `seed`" (a parser keeps one of the two silently).
/// serde_json reads the text again into [`UniqueKeys`], which stops at the repeated key; the
/// error's line and column are just past that key's closing quote.
fn duplicate_key_at(file: &str, text: &str) -> Option<crate::scenario::Diagnostic> {
    let e = serde_json::from_str::<UniqueKeys>(text).err()?;
    if !e.to_string().starts_with(DUPLICATE) {
        return None;
    }
    let t = text.as_bytes();
    // The key as written, with its quotes: back from its closing quote to the opening one,
    // the first quote not escaped by an odd run of backslashes.
    let close = error_offset(text, &e);
    let open = (0..close).rev().find(|&j| {
        t[j] == b'"' && t[..j].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
    })?;
    let key: String = serde_json::from_str(text.get(open..close + 1)?).ok()?;
    let object = json_path_at(t, open);
    let path = if object.is_empty() {
        key.clone()
    } else {
        format!("{object}.{key}")
    };
    let d = crate::scenario::Diagnostic::at(
        file,
        text,
        open..close + 1,
        &path,
        format!(
            "{JSON_SYNTAX}: duplicate key `{}`",
            crate::scenario::printable(&key)
        ),
    );
    Some(d.with_help(Some(WRITE_AGAIN.into())))
}

/// The error [`UniqueKeys`] stops with.
const DUPLICATE: &str = "duplicate key";

/// Any JSON value, read only to refuse an object that holds a key twice ([`duplicate_key_at`]).
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueKeys)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut keys = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key) {
                return Err(serde::de::Error::custom(DUPLICATE));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(self)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }
}

/// The key path (`header.sede`, `parts[0].x`) of the first object member named `key` in
/// `value`, `at` being `value`'s own path.
fn key_path(value: &serde_json::Value, key: &str, at: String) -> Option<String> {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match value {
        serde_json::Value::Object(m) => {
            if m.contains_key(key) {
                return Some(join(key));
            }
            m.iter().find_map(|(k, v)| key_path(v, key, join(k)))
        }
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| key_path(v, key, format!("{at}[{i}]"))),
        _ => None,
    }
}

/// Read one partial file and check it whole, piece by piece (one part in memory at a time):
/// JSON, format and version, every part's types, the parts' checksum. Where the file fails a
/// check, it is read again whole, bounded so that `/dev/zero`, a FIFO or a runaway file
/// cannot exhaust memory, to say why in the words of every input kind ([`whole_fault`]).
/// A pipe or a device is read whole (bounded) once and kept. The messages name the file as
/// given.
///
/// The header is shared with `like`'s (the first file of the set) when the two agree in
/// everything [`partial::Header::mismatch`] compares, so a merge keeps one header however
/// many files it reads; kept whole otherwise (the set's check, [`check_complete`], then
/// refuses it in its words).
/// `cancel`: the merge's cancellation flag, checked before each part and row
/// ([`ReadError::Interrupted`]).
pub fn read_part(
    path: &std::path::Path,
    like: Option<&Named>,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Named, ReadError> {
    let name = path.display().to_string();
    let input = if std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        Input::Path(path.to_path_buf())
    } else {
        Input::Bytes(read_whole(path, &name)?)
    };
    let mut named = checked(name, input, cancel)?;
    if let Some(like) = like
        && named.header.mismatch(&like.header).is_none()
    {
        named.header = like.header.clone();
    }
    Ok(named)
}

/// The file at `path` whole, at most [`MAX_PARTIAL_BYTES`]: unreadable or too large in the
/// words of every input kind.
fn read_whole(path: &std::path::Path, name: &str) -> Result<Vec<u8>, ReadError> {
    crate::scenario::input::read_input_bytes(path, "partial", MAX_PARTIAL_BYTES).map_err(|d| {
        ReadError::Io {
            file: name.to_string(),
            message: d
                .0
                .into_iter()
                .next()
                .map(|d| d.message)
                .unwrap_or_default(),
        }
    })
}

/// [`read_part`] of `input`, named `name`.
fn checked(
    name: String,
    input: Input,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Named, ReadError> {
    use sha2::Digest;
    let mut cover = sha2::Sha256::new();
    // The first and last run of the per-run rows, which list the runs in order, each run's
    // rows together.
    let mut runs: Option<(u64, u64)> = None;
    let outline = input.pass(
        &mut |part| {
            if cancelled(cancel) {
                return Err(STOPPED.into());
            }
            cover.update(part.point.to_le_bytes());
            cover.update(part.first_run.to_le_bytes());
            cover.update(part.aggregate.runs.to_le_bytes());
            Ok(())
        },
        &mut |row| {
            if cancelled(cancel) {
                return Err(STOPPED.into());
            }
            let run = row
                .split_once(',')
                .and_then(|(r, _)| r.parse::<u64>().ok())
                .filter(|_| !row.contains(['\n', '\r']))
                .ok_or_else(|| format!("per_run: `{row}` is not a row of the per-run CSV"))?;
            runs = Some(match runs {
                None => (run, run),
                Some((first, last)) if run == last || run == last + 1 => (first, run),
                Some((_, last)) => {
                    return Err(format!(
                        "per_run: run {run} follows run {last}: the rows list every run of \
                         the shard once, in order"
                    ));
                }
            });
            Ok(())
        },
    );
    if cancelled(cancel) {
        return Err(ReadError::Interrupted);
    }
    let outline = outline.and_then(|o| {
        let s = o.header.shard;
        let held = runs.map_or((s.first, s.first), |(first, last)| (first, last + 1));
        if o.rows && held != (s.first, s.end) {
            return Err(format!(
                "per_run: the rows hold runs {}..{}, the shard's range is {}..{}",
                held.0, held.1, s.first, s.end
            ));
        }
        if o.header.posterior_sha256 != posterior_checksum(o.posterior.as_ref()) {
            return Err("posterior: the text does not match its checksum".into());
        }
        Ok(o)
    });
    match outline {
        Ok(o) => Ok(Named {
            rows: o.rows,
            as_written: o.as_written,
            name,
            source: (o.header.shard.k == 0).then(|| Box::new(o.source)),
            posterior: o.posterior.filter(|_| o.header.shard.k == 0).map(Box::new),
            shard: o.header.shard,
            header: std::sync::Arc::new(o.header),
            timing: o.timing,
            input,
            cover: cover.finalize().into(),
            digest: o.digest,
        }),
        Err(stopped) => {
            let bytes = match &input {
                Input::Path(path) => read_whole(path, &name)?,
                Input::Bytes(bytes) => bytes.clone(),
            };
            Err(whole_fault(&name, &bytes).err().unwrap_or_else(|| {
                // Read whole, the file passes (it changed meanwhile): what stopped the pass.
                ReadError::Invalid(Box::new(crate::scenario::Diagnostic::file_level(
                    &name,
                    format!("{DAMAGED}: {stopped}"),
                )))
            }))
        }
    }
}

/// What is wrong with a partial file's `bytes` (read from `name`), found reading it whole:
/// `Ok` if nothing is. The one source of a partial file's messages.
fn whole_fault(name: &str, bytes: &[u8]) -> Result<(), ReadError> {
    let name = name.to_string();
    // The byte-order mark and UTF-8: the words of every input kind.
    let bytes = crate::scenario::input::utf8_text(bytes, &name)
        .map_err(ReadError::Invalid)?
        .as_bytes();
    // Empty: the words of every input kind, with what a partial file holds.
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Syntax(Box::new(
            crate::scenario::Diagnostic::file_level(&name, "the file is empty".into())
                .with_help(Some(WRITE_AGAIN.into())),
        )));
    }
    // A file that does not open a JSON object is another kind of file (a scenario given
    // by mistake): said so. One that does is a damaged partial file: located at its fault.
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            ReadError::Syntax(Box::new(
                json_syntax_error(&name, bytes, &e).with_help(Some(WRITE_AGAIN.into())),
            ))
        } else {
            // At its first character, as every file kind's fault (`my.toml:1:1: ...`;
            // it was file-level, with serde's "at line 1 column 1" inside the message).
            let text = String::from_utf8_lossy(bytes);
            let at = text.find(|c: char| !c.is_whitespace()).unwrap_or(0);
            let first = text[at..].chars().next().unwrap_or(' ');
            let d = crate::scenario::Diagnostic::at(
                &name,
                &text,
                at..at + first.len_utf8(),
                "",
                format!(
                    "not a deter partial file: expected a JSON object (`{{`), found `{}`",
                    first.escape_default()
                ),
            );
            ReadError::Invalid(Box::new(d.with_help(Some(
                "partial files are written by `deter run|sweep FILE --shard K/N --out PART`".into(),
            ))))
        }
    })?;
    // A key given twice: the parser above kept one of the two.
    if let Some(d) = duplicate_key_at(&name, &String::from_utf8_lossy(bytes)) {
        return Err(ReadError::Syntax(Box::new(d)));
    }
    let checksum = partial::parts_sha256(&value["parts"]);
    // The per-run rows' checksum, when the file has rows that are strings (other values are
    // refused below as values of the wrong type).
    let rows_checksum = value["per_run"].as_array().map(|rows| {
        let mut c = partial::RowsChecksum::default();
        for row in rows.iter().filter_map(|r| r.as_str()) {
            c.add(row);
        }
        c.finish()
    });
    let file = PartialFile::from_value(value).map_err(|e| {
        // A value of the wrong type or out of its type's range: at its line and column (the
        // same bytes read again as a partial file, which locates it), as every file kind
        // locates a value's fault; a fault of the file as a whole (not a partial file, another
        // format version) stays file-level.
        if e.starts_with(DAMAGED)
            && let Err(located) = serde_json::from_slice::<PartialFile>(bytes)
            && located.line() > 0
        {
            if let Some(d) = unknown_key_at(&name, bytes, &located) {
                return ReadError::Invalid(Box::new(d));
            }
            if let Some(d) = type_fault_at(&name, bytes, &located) {
                return ReadError::Invalid(Box::new(d));
            }
            return ReadError::Invalid(Box::new(
                json_error_at(&name, bytes, &located, DAMAGED).with_help(Some(WRITE_AGAIN.into())),
            ));
        }
        ReadError::Invalid(Box::new(crate::scenario::Diagnostic::file_level(&name, e)))
    })?;
    // Parts edited or damaged after the shard wrote them, consistently enough to pass every
    // other check (a count lowered): at the checksum the shard wrote.
    if checksum != file.header.parts_sha256 {
        let text = String::from_utf8_lossy(bytes);
        let span = json_value_span(bytes, "header.parts_sha256").unwrap_or(0..0);
        let d = crate::scenario::Diagnostic::at(
            &name,
            &text,
            span,
            "header.parts_sha256",
            format!(
                "{DAMAGED}: its parts do not match the checksum its shard wrote (their SHA-256 \
                 is {checksum}): the file was edited or damaged after it was written"
            ),
        );
        return Err(ReadError::Invalid(Box::new(
            d.with_help(Some(WRITE_AGAIN.into())),
        )));
    }
    // Per-run rows edited, added or taken away after the shard wrote them: at the checksum
    // (or, when the file has rows and no checksum, at the rows).
    if rows_checksum != file.header.per_run_sha256 {
        let text = String::from_utf8_lossy(bytes);
        let (key, span) = match json_value_span(bytes, "header.per_run_sha256") {
            Some(span) => ("header.per_run_sha256", span),
            None => ("per_run", json_value_span(bytes, "per_run").unwrap_or(0..0)),
        };
        let d = crate::scenario::Diagnostic::at(
            &name,
            &text,
            span,
            key,
            format!(
                "{DAMAGED}: its per-run rows do not match the checksum its shard wrote (their \
                 SHA-256 is {}): the file was edited or damaged after it was written",
                rows_checksum
                    .as_deref()
                    .unwrap_or("absent: the file has no rows")
            ),
        );
        return Err(ReadError::Invalid(Box::new(
            d.with_help(Some(WRITE_AGAIN.into())),
        )));
    }
    // A nested run's posterior text edited, added or taken away after the shard wrote it: at
    // the checksum (or, when the file has the text and no checksum, at the text).
    let posterior = posterior_checksum(file.posterior.as_ref());
    if posterior != file.header.posterior_sha256 {
        let text = String::from_utf8_lossy(bytes);
        let (key, span) = match json_value_span(bytes, "header.posterior_sha256") {
            Some(span) => ("header.posterior_sha256", span),
            None => (
                "posterior",
                json_value_span(bytes, "posterior").unwrap_or(0..0),
            ),
        };
        let d = crate::scenario::Diagnostic::at(
            &name,
            &text,
            span,
            key,
            format!(
                "{DAMAGED}: its posterior's text does not match the checksum its shard wrote \
                 (its SHA-256 is {}): the file was edited or damaged after it was written",
                posterior
                    .as_deref()
                    .unwrap_or("absent: the file has no posterior")
            ),
        );
        return Err(ReadError::Invalid(Box::new(
            d.with_help(Some(WRITE_AGAIN.into())),
        )));
    }
    Ok(())
}

/// The checksum of a nested run's posterior text (`header.posterior_sha256`): SHA-256 (hex)
/// of its bytes; `None` without a posterior.
pub fn posterior_checksum(posterior: Option<&partial::Source>) -> Option<String> {
    posterior.map(|p| crate::output::sha256_hex(p.text.as_bytes()))
}

/// Write the per-run rows of checked run shards (from [`check_complete`], every one carrying
/// rows: [`Named::rows`]) to `w`, each followed by a newline, in shard order (which is run
/// order), reading each file again one row at a time: the rows of the unsharded run's
/// per-run CSV after its header line, byte for byte. A file whose bytes changed since
/// [`read_part`] checked them is refused (the inner error); a write that fails is the outer.
/// `cancel` is checked before each row ([`MergeError::Interrupted`]).
pub fn write_rows(
    files: &[Named],
    w: &mut dyn std::io::Write,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Result<(), MergeError>, std::io::Error> {
    for f in files {
        let mut failed = None;
        let read = f.input.pass(&mut |_| Ok(()), &mut |row| {
            if cancelled(cancel) {
                return Err(STOPPED.into());
            }
            w.write_all(row.as_bytes())
                .and_then(|_| w.write_all(b"\n"))
                .map_err(|e| {
                    let m = e.to_string();
                    failed = Some(e);
                    m
                })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        if cancelled(cancel) {
            return Ok(Err(MergeError::Interrupted));
        }
        if read.map(|o| o.digest) != Ok(f.digest) {
            return Ok(Err(MergeError::File(Box::new(
                crate::scenario::Diagnostic::file_level(
                    &f.name,
                    format!(
                        "{DAMAGED}: the file changed while it was being merged (its bytes \
                         differ from those checked before the merge); merge again once \
                         nothing writes it"
                    ),
                ),
            ))));
        }
    }
    Ok(Ok(()))
}

/// Why checked run shards cannot give the merged run's per-run CSV: the first that carries
/// no rows (and how many others), in the words of `deter merge --per-run` and of the
/// library's merge, `flag` naming the option (`--per-run`, `` `per_run` ``). None when every
/// shard carries them.
pub fn without_rows(files: &[Named], flag: &str) -> Option<String> {
    let f = files.iter().find(|f| !f.rows)?;
    let without = files.iter().filter(|f| !f.rows).count();
    Some(format!(
        "`{}`{}: the shard carries no per-run rows (it ran without --per-run-rows), so {flag} \
         cannot write the run's per-run CSV; run every shard again with `deter run FILE \
         --shard K/N --out PART --per-run-rows`, or merge without {flag}",
        f.name,
        if without > 1 {
            format!(" (and {} other of the {} shards)", without - 1, files.len())
        } else {
            String::new()
        }
    ))
}

/// Write the per-run CSV of checked run shards that carry their rows to `path`, atomically:
/// its header line, then each shard's rows ([`write_rows`]), byte for byte the unsharded
/// `deter run --per-run` file. The outer error is a write that failed (nothing is left at
/// `path`); the inner, a file that changed since it was checked or the merge cancelled
/// (`cancel`; nothing is left at `path` either).
pub fn write_rows_file(
    files: &[Named],
    path: &std::path::Path,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Result<(), MergeError>, std::io::Error> {
    use std::io::Write;
    let mut file = crate::output::AtomicFile::create(path)?;
    {
        let mut w = std::io::BufWriter::with_capacity(64 << 10, file.file());
        w.write_all(crate::engine::run_rows_header().as_bytes())?;
        if let Err(e) = write_rows(files, &mut w, cancel)? {
            return Ok(Err(e));
        }
        w.flush()?;
    }
    file.commit().map(Ok)
}

/// The checked shards of a run ([`check_complete`]) merged into one aggregate of
/// `compiled`'s shape, with the run's timing: the shards' summed wall time (compute time,
/// not elapsed time) and the largest thread count of any shard, and each shard's threads in
/// shard order. Refuses shards whose runs do not add up to their header's. `cancel`: as
/// [`merge_points`].
pub fn merge_run(
    files: &[Named],
    compiled: &crate::model::Compiled,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<(Aggregate, crate::report::RunInfo, Vec<usize>), MergeError> {
    let header = &files[0].header;
    // Each empty aggregate is made when it is needed, none kept beside the merged one.
    let mut merged: Option<Aggregate> = None;
    merge_points(
        files,
        cancel,
        |_| Aggregate::new(compiled),
        |_, agg| {
            merged = Some(agg);
            Ok(())
        },
    )?;
    let aggregate = merged.unwrap_or_else(|| Aggregate::new(compiled));
    if aggregate.runs != header.runs {
        return Err(MergeError::Set(format!(
            "the shards hold {} runs, but their header says {}",
            aggregate.runs, header.runs
        )));
    }
    let info = crate::report::RunInfo {
        scenario_sha256: header.sha256.clone(),
        seed: header.seed,
        wall_seconds: files.iter().map(|f| f.timing.wall_seconds).sum(),
        threads: files.iter().map(|f| f.timing.threads).max().unwrap_or(1),
        // What the shards recorded of the scenario they were given (the same in every file:
        // `Header::mismatch`), the list an unsharded run of it reports.
        policies: header.policies.clone(),
    };
    let threads = files.iter().map(|f| f.timing.threads).collect();
    Ok((aggregate, info, threads))
}

/// Check that `files` are exactly the shards `0..n` of one invocation, each once, each with
/// the index range its `k` implies; return them ordered by `k`. Every message names a file.
pub fn check_complete(mut files: Vec<Named>) -> Result<Vec<Named>, MergeError> {
    let Some(first) = files.first() else {
        return Err(MergeError::Set("no partial files given".into()));
    };
    let reference = std::sync::Arc::clone(&first.header);
    let ref_name = first.name.clone();
    let h = &reference;
    let units_ok =
        h.points.checked_mul(h.runs) == Some(h.units) && (h.kind != Kind::Run || h.points == 1);
    if !units_ok {
        return Err(MergeError::at(
            first,
            "header.units",
            format!(
                "the header says {} points x {} runs = {} units, which does not add up",
                h.points, h.runs, h.units
            ),
        ));
    }
    for f in &files {
        if let Some((field, here, there)) = f.header.mismatch(h) {
            let key = if field.starts_with("shard count n") {
                "shard.n"
            } else if field.starts_with("list of dated policies") {
                "policies"
            } else {
                field.split(' ').next().unwrap_or(field)
            };
            // Dated policies come first for their words (which month differs), but they
            // differ with the validated input: a shard of another scenario is told so too.
            let input_too = if key == "policies" && f.header.sha256 != h.sha256 {
                " (and its validated input differs, header.sha256: a shard of another \
                 scenario, or of this one edited)"
            } else {
                ""
            };
            return Err(MergeError::at(
                f,
                &format!("header.{key}"),
                format!(
                    "the file does not belong with `{ref_name}`: its {field} is {here}, not \
                     {there}{input_too}; merge only the shards of one invocation"
                ),
            ));
        }
    }
    let n = h.shard.n;
    for f in &files {
        let s = f.shard;
        let Some(shard) = Shard::new(s.k, n) else {
            return Err(MergeError::at(
                f,
                "header.shard",
                format!(
                    "shard {} of {n} does not exist (shards are 0..{})",
                    s.k,
                    n.saturating_sub(1)
                ),
            ));
        };
        let (a, b) = shard.range(h.units);
        if (s.first, s.end) != (a, b) {
            return Err(MergeError::at(
                f,
                "header.shard",
                format!(
                    "shard {shard} must cover units {a}..{b}, but the file says {}..{}; the \
                     file is damaged or was edited",
                    s.first, s.end
                ),
            ));
        }
    }
    files.sort_by_key(|f| f.shard.k);
    for w in files.windows(2) {
        if w[0].shard.k == w[1].shard.k {
            let k = w[0].shard.k;
            if w[0].name == w[1].name {
                return Err(MergeError::Set(format!(
                    "`{}` (shard {k} of {n}) is given twice",
                    w[0].name
                )));
            }
            // Overlapping shards: at the second file's shard number.
            return Err(MergeError::at(
                &w[1],
                "header.shard.k",
                format!(
                    "`{}` and `{}` are both shard {k} of {n}; give each shard once",
                    w[0].name, w[1].name
                ),
            ));
        }
    }
    if files.len() as u64 != n {
        let have: std::collections::BTreeSet<u64> = files.iter().map(|f| f.shard.k).collect();
        let missing: Vec<u64> = (0..n).filter(|k| !have.contains(k)).take(10).collect();
        let count = n - files.len() as u64;
        let list = missing
            .iter()
            .map(|&k| {
                let (a, b) = Shard::new(k, n).map_or((0, 0), |s| s.range(h.units));
                format!("shard {k} (units {a}..{b})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let given = files
            .iter()
            .take(10)
            .map(|f| format!("`{}` (shard {})", f.name, f.shard.k))
            .collect::<Vec<_>>()
            .join(", ");
        let flags = missing
            .iter()
            .take(3)
            .map(|&k| format!("`--shard {k}/{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(MergeError::Set(format!(
            "{count} of {n} shards missing: {list}{}; given: {given}{}; run the missing \
             shards by the same command with {flags}{}, then merge all {n}",
            if count > missing.len() as u64 {
                ", ..."
            } else {
                ""
            },
            if files.len() > 10 { ", ..." } else { "" },
            if count > 3 { ", ..." } else { "" },
        )));
    }
    Ok(files)
}

/// The tally sets a merge holds at most, for the memory guard: the merged aggregate of the
/// point being merged and the part being added to it ([`merge_points`] checks a part's shape
/// against the merged aggregate itself and makes each point's empty aggregate only when the
/// point begins, so no template or copy is kept beside them).
pub const MERGE_SETS: u64 = 2;

/// Merge checked shards (from [`check_complete`]) point by point, in global index order,
/// reading each file's parts again one at a time. `template(p)` is an empty aggregate of
/// point `p`'s scenario; `emit(p, aggregate)` receives each point once all its runs are
/// merged, in point order, so memory holds one point and one part at a time, whatever the
/// size of the files. A file whose bytes changed since [`read_part`] checked them is refused
/// (after the points it completed were emitted). `cancel`, the merge's cancellation flag, is
/// checked before each part ([`MergeError::Interrupted`]).
pub fn merge_points(
    files: &[Named],
    cancel: Option<&std::sync::atomic::AtomicBool>,
    template: impl Fn(u64) -> Aggregate,
    mut emit: impl FnMut(u64, Aggregate) -> Result<(), String>,
) -> Result<(), MergeError> {
    let Some(first) = files.first() else {
        return Err(MergeError::Set("no partial files given".into()));
    };
    let runs = first.header.runs;
    // (point, merged): the merged aggregate is also the shape a part is checked against
    // (merging keeps a shape), so no copy of the template is held beside it.
    let mut current: Option<(u64, Aggregate)> = None;
    for f in files {
        let s = f.shard;
        if f.cover != cover_of(pieces_by_point(s.first, s.end, runs)) {
            return Err(MergeError::at(
                f,
                "parts",
                format!(
                    "they do not cover the file's units {}..{} point by point; the file is \
                     damaged or was edited",
                    s.first, s.end
                ),
            ));
        }
        let mut i = 0usize;
        let mut fault = None;
        let mut add = |part: Part| -> Result<(), MergeError> {
            if cancelled(cancel) {
                return Err(MergeError::Interrupted);
            }
            if current.as_ref().is_none_or(|c| c.0 != part.point) {
                if let Some((p, agg)) = current.take() {
                    emit(p, agg).map_err(MergeError::Set)?;
                }
                current = Some((part.point, template(part.point)));
            }
            let (_, merged) = current.as_mut().expect("set above");
            part.aggregate.check_shape(merged).map_err(|e| {
                MergeError::File(Box::new(crate::scenario::Diagnostic::file_level(
                    &f.name,
                    format!("parts[{i}].{e}"),
                )))
            })?;
            merged.merge(&part.aggregate);
            i += 1;
            Ok(())
        };
        let read = f.input.pass(
            &mut |part| {
                add(part).map_err(|e| {
                    let m = e.to_string();
                    fault = Some(e);
                    m
                })
            },
            // The rows are passed over (a run's shard may carry millions).
            &mut |_| {
                if cancelled(cancel) {
                    Err(STOPPED.into())
                } else {
                    Ok(())
                }
            },
        );
        if let Some(e) = fault {
            return Err(e);
        }
        if cancelled(cancel) {
            return Err(MergeError::Interrupted);
        }
        if read.map(|o| o.digest) != Ok(f.digest) {
            return Err(MergeError::File(Box::new(
                crate::scenario::Diagnostic::file_level(
                    &f.name,
                    format!(
                        "{DAMAGED}: the file changed while it was being merged (its bytes \
                         differ from those checked before the merge); merge again once \
                         nothing writes it"
                    ),
                ),
            )));
        }
        // Edited where every check above holds (an explicit `null`, a removed field that
        // has a default, spacing): refused after them, so that an edit they name is named.
        if !f.as_written {
            return Err(MergeError::File(Box::new(not_as_written(f))));
        }
    }
    if let Some((p, agg)) = current.take() {
        emit(p, agg).map_err(MergeError::Set)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> Result<ShardSpec, String> {
        s.parse().map_err(|e: SpecFault| e.to_string())
    }

    #[test]
    fn shards_tile_the_index_range_for_any_split() {
        for units in [0u64, 1, 2, 7, 100, 1001, 10_000] {
            for n in [1u64, 2, 3, 4, 7, 8, 16, 1000] {
                let mut next = 0;
                let mut sizes = Vec::new();
                for k in 0..n {
                    let (a, b) = Shard::new(k, n).unwrap().range(units);
                    assert_eq!(a, next, "units {units} n {n} k {k}");
                    assert!(b >= a);
                    sizes.push(b - a);
                    next = b;
                }
                assert_eq!(next, units);
                let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(hi - lo <= 1, "balanced: {sizes:?}");
            }
        }
    }

    #[test]
    fn shard_range_does_not_overflow_near_u64_max() {
        let (a, b) = Shard::new(2, 3).unwrap().range(u64::MAX);
        assert_eq!(b, u64::MAX);
        assert_eq!(a, u64::MAX / 3 * 2);
    }

    #[test]
    fn parses_k_of_n_and_auto() {
        assert_eq!(
            spec("3/8").unwrap(),
            ShardSpec::Explicit(Shard::new(3, 8).unwrap())
        );
        assert_eq!(
            spec(" 0/1 ").unwrap(),
            ShardSpec::Explicit(Shard::new(0, 1).unwrap())
        );
        assert_eq!(spec("auto").unwrap(), ShardSpec::Auto);
        assert!(spec("8/8").unwrap_err().contains("0..7"));
        assert!(spec("1/0").unwrap_err().contains("at least 1"));
        // The part at fault: K of `-1/4`, N of `1/0`, K of `8/8`, all of `3`.
        let part = |v: &str| v.parse::<ShardSpec>().unwrap_err().part;
        assert_eq!(part("-1/4"), 0..2);
        assert_eq!(part(" 1/0 "), 2..3);
        assert_eq!(part("8/8"), 0..1);
        assert_eq!(part("3"), 0..1);
        assert!(spec("-1/4").is_err());
        assert!(spec("3").unwrap_err().contains("K/N"));
        assert!(spec("a/4").is_err());
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_reads_the_slurm_array_variables() {
        let got = ShardSpec::Auto.resolve(env(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_STEP", "1"),
        ]));
        assert_eq!(got, Ok(Shard::new(2, 4).unwrap()));
    }

    #[test]
    fn auto_refuses_arrays_that_do_not_number_shards_from_zero() {
        let words = |e: AutoFault| format!("{} / {}", e.message, e.help);
        let missing = words(ShardSpec::Auto.resolve(env(&[])).unwrap_err());
        assert!(missing.contains("SLURM_ARRAY_TASK_ID"), "{missing}");
        assert!(missing.contains("found neither"), "{missing}");
        let one_based = words(
            ShardSpec::Auto
                .resolve(env(&[
                    ("SLURM_ARRAY_TASK_ID", "4"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                ]))
                .unwrap_err(),
        );
        assert!(one_based.contains("--array=0-3"), "{one_based}");
        let stepped = words(
            ShardSpec::Auto
                .resolve(env(&[
                    ("SLURM_ARRAY_TASK_ID", "4"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                    ("SLURM_ARRAY_TASK_STEP", "4"),
                ]))
                .unwrap_err(),
        );
        assert!(stepped.contains("step 4"), "{stepped}");
        let garbage = words(
            ShardSpec::Auto
                .resolve(env(&[
                    ("SLURM_ARRAY_TASK_ID", "x"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                ]))
                .unwrap_err(),
        );
        assert!(
            garbage
                .contains("expected SLURM_ARRAY_TASK_ID to be a non-negative integer, found `x`"),
            "{garbage}"
        );
        assert!(!garbage.contains("too large"), "{garbage}");
        // 2^64 and more: an integer, only too large.
        let huge = words(
            ShardSpec::Auto
                .resolve(env(&[
                    ("SLURM_ARRAY_TASK_ID", "0"),
                    ("SLURM_ARRAY_TASK_COUNT", "99999999999999999999"),
                ]))
                .unwrap_err(),
        );
        assert!(
            huge.contains(
                "expected SLURM_ARRAY_TASK_COUNT to be a non-negative integer, found \
                 `99999999999999999999`, a number too large to use"
            ),
            "{huge}"
        );
    }

    /// The key path of a byte of JSON: the member or element it is in, its object's once
    /// the member's value is complete; a comma or bracket in a string counts for nothing.
    #[test]
    fn the_key_path_at_a_byte_of_json() {
        let t = br#"{"a":{"b":[1,{"c":2}],"d":3},"e":"x,]y"}"#;
        let text = std::str::from_utf8(t).unwrap();
        let path = |s: &str| json_path_at(t, text.find(s).unwrap());
        assert_eq!(path("1,"), "a.b[0]");
        assert_eq!(path("2}"), "a.b[1].c");
        assert_eq!(path(",\"d\""), "a");
        assert_eq!(path("3}"), "a.d");
        assert_eq!(path("y\""), "e");
        assert_eq!(path("{\"a\""), "");
    }

    /// A key given twice in an object of valid JSON: at the second occurrence as written
    /// (its quotes included, escapes and all), with its object's key path; a string value
    /// equal to a key, the same key in two objects and an escaped quote count for nothing.
    #[test]
    fn a_key_given_twice_is_found_at_its_second_occurrence_with_its_path() {
        let at = |text: &str| {
            duplicate_key_at("p.json", text).map(|d| (d.line, d.col, d.path, d.message))
        };
        let said = |k: &str| format!("JSON syntax error: duplicate key `{k}`");
        assert_eq!(at(r#"{"a":1,"b":"a","c":{"a":2}}"#), None);
        assert_eq!(at(r#"{"a":1,"b":2}"#), None);
        assert_eq!(
            at("{\"seed\": 7,\n \"seed\": 8}"),
            Some((2, 2, "seed".into(), said("seed")))
        );
        assert_eq!(
            at(r#"{"h":{"x":[1,{"q\"k":1,"y":"q\"k","q\"k":2}]}}"#),
            Some((1, 35, r#"h.x[1].q"k"#.into(), said(r#"q"k"#)))
        );
        assert_eq!(
            at(r#"{"a\\":1,"a\\":2}"#),
            Some((1, 10, r#"a\"#.into(), said(r#"a\"#)))
        );
        assert_eq!(
            at("[{\"é\":1},{\"é\":1,\"é\":2}]"),
            Some((1, 17, "[1].é".into(), said("é")))
        );
    }

    #[test]
    fn split_by_point_follows_point_boundaries() {
        assert_eq!(split_by_point(3, 9, 10), vec![(0, 3, 6)]);
        assert_eq!(
            split_by_point(7, 25, 10),
            vec![(0, 7, 3), (1, 0, 10), (2, 0, 5)]
        );
        assert_eq!(split_by_point(5, 5, 10), vec![]);
        assert_eq!(split_by_point(0, 10, 10), vec![(0, 0, 10)]);
    }

    // End-to-end through the file format, at the library level.
    mod exact_merge {
        use super::super::partial::*;
        use super::super::*;
        use crate::engine::{self, Hooks, RunPlan};
        use crate::model::Compiled;

        fn compiled() -> Compiled {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios/western-balkans-2024.toml");
            let mut s = crate::scenario::load_file(&path).expect("bundled scenario is valid");
            s.meta.horizon_years = 3;
            Compiled::new(&s)
        }

        fn simulate(c: &Compiled, first: u64, count: u64, threads: usize) -> Aggregate {
            let plan = RunPlan {
                seed: 11,
                first,
                count,
                stream_offset: 0,
            };
            engine::with_threads(threads, || engine::run(c, &plan, Hooks::default()))
                .expect("not cancelled")
        }

        fn partial(c: &Compiled, runs: u64, shard: Shard) -> PartialFile {
            let (first, end) = shard.range(runs);
            let agg = simulate(c, first, end - first, 1);
            PartialFile {
                header: Header {
                    format: FORMAT.into(),
                    format_version: FORMAT_VERSION,
                    engine_version: crate::ENGINE_VERSION.into(),
                    engine_build: "test".into(),
                    rng: crate::engine::RNG_NAME.into(),
                    kind: Kind::Run,
                    sha256: "test".into(),
                    overrides: Overrides::default(),
                    seed: 11,
                    runs,
                    points: 1,
                    units: runs,
                    attribution: false,
                    policies: Vec::new(),
                    shard: ShardHeader {
                        k: shard.k(),
                        n: shard.n(),
                        first,
                        end,
                    },
                    // Set by `named_of`, as the shard sets it.
                    parts_sha256: String::new(),
                    per_run_sha256: None,
                    posterior_sha256: None,
                },
                timing: Timing {
                    wall_seconds: 0.0,
                    threads: 1,
                },
                parts: (end > first)
                    .then(|| Part {
                        point: 0,
                        first_run: first,
                        aggregate: agg.clone(),
                    })
                    .into_iter()
                    .collect(),
                per_run: None,
                source: Source {
                    path: "s.toml".into(),
                    absolute_path: "/s.toml".into(),
                    text: String::new(),
                },
                posterior: None,
            }
        }

        fn merge_files(c: &Compiled, files: Vec<Named>) -> Result<Aggregate, String> {
            let files = check_complete(files).map_err(|e| e.to_string())?;
            let template = Aggregate::new(c);
            let mut out = None;
            merge_points(
                &files,
                None,
                |_| template.clone(),
                |p, a| {
                    assert_eq!(p, 0);
                    out = Some(a);
                    Ok(())
                },
            )
            .map_err(|e| e.to_string())?;
            Ok(out.expect("one point"))
        }

        /// `file` with its parts' checksum, read back through its bytes as a merge reads it.
        fn named_of(name: &str, mut file: PartialFile) -> Named {
            file.header.parts_sha256 = parts_sha256(&serde_json::to_value(&file.parts).unwrap());
            Named::from_bytes(name, file.to_bytes()).expect("a well-formed partial file")
        }

        fn named(c: &Compiled, runs: u64, k: u64, n: u64) -> Named {
            let file = partial(c, runs, Shard::new(k, n).unwrap());
            named_of(&format!("part-{k}.json"), file)
        }

        #[test]
        fn aggregate_survives_the_file_format_exactly() {
            let c = compiled();
            let agg = simulate(&c, 5, 300, 2);
            let text = serde_json::to_string(&agg).unwrap();
            let back: Aggregate = serde_json::from_str(&text).unwrap();
            back.check_shape(&Aggregate::new(&c)).unwrap();
            assert_eq!(back, agg);
        }

        #[test]
        fn merged_shards_equal_the_unsharded_aggregate_for_n_1_3_8() {
            let c = compiled();
            let runs = 700;
            let whole = simulate(&c, 0, runs, 2);
            for n in [1u64, 3, 8] {
                // Shards given in reverse order: the merge sorts them.
                let files = (0..n).rev().map(|k| named(&c, runs, k, n)).collect();
                assert_eq!(merge_files(&c, files).unwrap(), whole, "n = {n}");
            }
        }

        /// A sweep-shaped invocation: 3 points of 50 runs, unit `p * 50 + i` drawing from
        /// stream `p * 50 + i`, cut into shards that straddle point boundaries.
        #[test]
        fn sweep_shaped_shards_merge_point_by_point_to_the_unsharded_points() {
            let c = compiled();
            let (points, runs) = (3u64, 50u64);
            let point_whole = |p: u64| {
                let plan = RunPlan {
                    seed: 11,
                    first: 0,
                    count: runs,
                    stream_offset: p * runs,
                };
                engine::run(&c, &plan, Hooks::default()).expect("not cancelled")
            };
            for n in [1u64, 4, 7] {
                let files: Vec<Named> = (0..n)
                    .map(|k| {
                        let shard = Shard::new(k, n).unwrap();
                        let (first, end) = shard.range(points * runs);
                        let parts = split_by_point(first, end, runs)
                            .into_iter()
                            .map(|(p, first_run, count)| {
                                let plan = RunPlan {
                                    seed: 11,
                                    first: first_run,
                                    count,
                                    stream_offset: p * runs,
                                };
                                let agg = engine::run(&c, &plan, Hooks::default()).unwrap();
                                Part {
                                    point: p,
                                    first_run,
                                    aggregate: agg.clone(),
                                }
                            })
                            .collect();
                        let mut file = partial(&c, runs, shard);
                        file.header.kind = Kind::Sweep;
                        file.header.points = points;
                        file.header.units = points * runs;
                        file.header.shard.first = first;
                        file.header.shard.end = end;
                        file.parts = parts;
                        named_of(&format!("sweep-{k}.json"), file)
                    })
                    .collect();
                let files = check_complete(files).unwrap();
                let template = Aggregate::new(&c);
                let mut got = Vec::new();
                merge_points(
                    &files,
                    None,
                    |_| template.clone(),
                    |p, a| {
                        got.push((p, a));
                        Ok(())
                    },
                )
                .unwrap();
                assert_eq!(got.len(), points as usize, "n = {n}");
                for (p, agg) in got {
                    assert_eq!(agg, point_whole(p), "n = {n}, point {p}");
                }
                // Cancelled once the first point is out (Ctrl-C, a Python KeyboardInterrupt):
                // no part is merged after it, so no point follows.
                let cancel = std::sync::atomic::AtomicBool::new(false);
                let mut emitted = 0;
                let stopped = merge_points(
                    &files,
                    Some(&cancel),
                    |_| template.clone(),
                    |_, _| {
                        emitted += 1;
                        cancel.store(true, std::sync::atomic::Ordering::SeqCst);
                        Ok(())
                    },
                );
                assert_eq!(
                    (stopped, emitted),
                    (Err(MergeError::Interrupted), 1),
                    "n = {n}"
                );
                // The per-run CSV of a cancelled merge: nothing, not even its temporary file.
                let dir = tempfile::tempdir().unwrap();
                let out = dir.path().join("rows.csv");
                let written = write_rows_file(&files, &out, Some(&cancel)).unwrap();
                assert_eq!(written, Err(MergeError::Interrupted));
                assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
            }
        }

        /// Partial files on disk are checked whole, then read again part by part to merge:
        /// a file whose bytes changed between the two readings (a shard writing it again) is
        /// refused by name, even when the new bytes are a valid partial file.
        #[test]
        fn a_file_that_changes_between_check_and_merge_is_refused() {
            let c = compiled();
            let dir = tempfile::tempdir().unwrap();
            let runs = 40;
            let write = |k: u64, threads: usize| {
                let mut file = partial(&c, runs, Shard::new(k, 2).unwrap());
                file.header.parts_sha256 =
                    parts_sha256(&serde_json::to_value(&file.parts).unwrap());
                // Written again with another thread count: another valid file of the shard.
                file.timing.threads = threads;
                let path = dir.path().join(format!("part-{k}.json"));
                std::fs::write(&path, file.to_bytes()).unwrap();
                path
            };
            let paths = [write(0, 1), write(1, 1)];
            let read =
                |p: &std::path::Path| read_part(p, None, None).map_err(|_| "unread").unwrap();
            let files = check_complete(paths.iter().map(|p| read(p)).collect()).unwrap();
            let whole = simulate(&c, 0, runs, 1);
            assert_eq!(merge_files(&c, files.clone()).unwrap(), whole);
            write(1, 7);
            let e = merge_files(&c, files).unwrap_err();
            assert!(
                e.starts_with(&format!(
                    "{}: damaged partial file: the file changed while it was being merged",
                    paths[1].display()
                )),
                "{e}"
            );
        }

        #[test]
        fn a_file_that_agrees_with_the_first_shares_its_header_and_keeps_its_own_shard() {
            let c = compiled();
            let dir = tempfile::tempdir().unwrap();
            let write = |k: u64, seed: u64| {
                let mut file = partial(&c, 40, Shard::new(k, 3).unwrap());
                file.header.seed = seed;
                file.header.parts_sha256 =
                    parts_sha256(&serde_json::to_value(&file.parts).unwrap());
                let path = dir.path().join(format!("part-{k}-{seed}.json"));
                std::fs::write(&path, file.to_bytes()).unwrap();
                path
            };
            let read =
                |p: &std::path::Path, like| read_part(p, like, None).map_err(|_| "unread").unwrap();
            let first = read(&write(0, 7), None);
            let second = read(&write(1, 7), Some(&first));
            assert!(std::sync::Arc::ptr_eq(&first.header, &second.header));
            assert_eq!(
                (second.shard.k, second.shard.first, second.shard.end),
                (1, 13, 26)
            );
            // Another invocation's file keeps its own header, which the set's check refuses.
            let foreign = read(&write(2, 8), Some(&first));
            assert!(!std::sync::Arc::ptr_eq(&first.header, &foreign.header));
            assert_eq!(foreign.header.seed, 8);
            let e = check_complete(vec![first, second, foreign])
                .unwrap_err()
                .to_string();
            assert!(e.contains("its seed is 8, not 7"), "{e}");
        }

        #[test]
        fn more_shards_than_runs_leaves_empty_shards_that_merge() {
            let c = compiled();
            let whole = simulate(&c, 0, 3, 1);
            let files = (0..5).map(|k| named(&c, 3, k, 5)).collect();
            assert_eq!(merge_files(&c, files).unwrap(), whole);
        }

        #[test]
        fn refuses_duplicate_missing_and_foreign_shards_naming_the_file() {
            let c = compiled();
            let runs = 40;
            let dup = vec![
                named(&c, runs, 0, 3),
                named(&c, runs, 1, 3),
                named(&c, runs, 1, 3),
                named(&c, runs, 2, 3),
            ];
            let e = merge_files(&c, dup).unwrap_err();
            assert!(
                e.contains("`part-1.json` (shard 1 of 3) is given twice"),
                "{e}"
            );

            let missing = vec![named(&c, runs, 0, 4), named(&c, runs, 3, 4)];
            let e = merge_files(&c, missing).unwrap_err();
            assert!(
                e.contains("2 of 4 shards missing: shard 1 (units 10..20), shard 2 (units 20..30); given: `part-0.json` (shard 0), `part-3.json` (shard 3)"),
                "{e}"
            );
            assert!(
                e.contains("run the missing shards by the same command with `--shard 1/4`, `--shard 2/4`, then merge all 4"),
                "{e}"
            );

            let mut foreign = partial(&c, runs, Shard::new(1, 2).unwrap());
            foreign.header.seed = 12;
            let foreign = named_of("other.json", foreign);
            let e = merge_files(&c, vec![named(&c, runs, 0, 2), foreign]).unwrap_err();
            assert!(
                e.starts_with("other.json:")
                    && e.contains(": header.seed: the file does not belong with `part-0.json`"),
                "{e}"
            );
            assert!(e.contains("seed is 12, not 11"), "{e}");

            let mut other_n = named(&c, runs, 1, 3);
            other_n.name = "three.json".into();
            let e = merge_files(&c, vec![named(&c, runs, 0, 2), other_n]).unwrap_err();
            assert!(
                e.starts_with("three.json:")
                    && e.contains(": header.")
                    && e.contains("shard count n"),
                "{e}"
            );
        }

        #[test]
        fn refuses_edited_ranges_and_damaged_aggregates() {
            let c = compiled();
            let runs = 40;
            let one = || partial(&c, runs, Shard::new(1, 2).unwrap());
            let mut moved = one();
            moved.header.shard.first = 21;
            let moved = named_of("part-1.json", moved);
            let e = merge_files(&c, vec![named(&c, runs, 0, 2), moved]).unwrap_err();
            assert!(
                e.starts_with("part-1.json:")
                    && e.contains(": header.shard: shard 1/2 must cover units 20..40"),
                "{e}"
            );

            let mut short = one();
            short.parts[0].aggregate.runs -= 1;
            let short = named_of("part-1.json", short);
            let e = merge_files(&c, vec![named(&c, runs, 0, 2), short]).unwrap_err();
            assert!(
                e.starts_with("part-1.json:")
                    && e.contains(": parts: they do not cover the file's units"),
                "{e}"
            );

            let mut bins = one();
            bins.parts[0].aggregate.rivalries[0].yearly_tension.pop();
            let bins = named_of("part-1.json", bins);
            let e = merge_files(&c, vec![named(&c, runs, 0, 2), bins]).unwrap_err();
            assert!(
                e.contains("parts[0].aggregate.rivalries[0]: the number of years differs"),
                "{e}"
            );

            let mut events = one();
            events.parts[0].aggregate.region.events[4] = 21;
            let events = named_of("part-1.json", events);
            let e = merge_files(&c, vec![named(&c, runs, 0, 2), events]).unwrap_err();
            assert!(
                e.contains("aggregate.region: an event in more runs than there are (20)"),
                "{e}"
            );

            let mut year = one();
            let h = &mut year.parts[0].aggregate.rivalries[0].yearly_balance[1];
            h.record(1.0);
            let year = named_of("part-1.json", year);
            let e = merge_files(&c, vec![named(&c, runs, 0, 2), year]).unwrap_err();
            assert!(
                e.contains("rivalries[0].yearly bands: 21 observations, expected one per run (20)"),
                "{e}"
            );

            let mut v = serde_json::to_value(one()).unwrap();
            v["parts"][0]["aggregate"]["region"]["level_costs"][1]["sum"] = "1.5".into();
            let e = PartialFile::from_bytes(v.to_string().as_bytes()).unwrap_err();
            assert!(e.contains("`1.5` is not a decimal integer"), "{e}");
        }

        #[test]
        fn from_bytes_explains_foreign_and_future_files() {
            let e = PartialFile::from_bytes(b"{\"runs\": 3}").unwrap_err();
            assert!(e.contains("not a deter partial file"), "{e}");
            let e = PartialFile::from_bytes(b"not json").unwrap_err();
            assert!(e.contains("invalid JSON"), "{e}");
            let future = br#"{"header":{"format":"deter-partial","format_version":99,"engine_version":"9.0.0"}}"#;
            let e = PartialFile::from_bytes(future).unwrap_err();
            assert!(e.contains("version 99 (written by deter 9.0.0)"), "{e}");
        }

        #[test]
        fn i128_sums_beyond_f64_precision_round_trip_as_strings() {
            let big = i128::MAX / 3;
            let m = crate::stats::ExactMoments::from_parts(7, -big, big, big, -big);
            let mut agg = Aggregate::new(&compiled());
            agg.region.level_costs[0] = m.clone();
            let text = serde_json::to_string(&agg).unwrap();
            assert!(text.contains(&format!("\"{}\"", -big)), "{text}");
            let back: Aggregate = serde_json::from_str(&text).unwrap();
            assert_eq!(back.region.level_costs[0], m);
        }
    }
}
