//! Running a sweep: every (point, run) pair is work for one rayon pool; results are written
//! point by point, in point order, as each point completes.
//!
//! **Work index.** Point `k`'s run `i` is global work item `w = k * stride + i` and draws
//! from `run_rng(seed, w)` (with common random numbers: `run_rng(seed, i)` at every point).
//! `stride` is the sweep's runs per point (the cap, under `--until-ci`). A shard can take any
//! contiguous range of `w`; per-point [`Aggregate`]s merge exactly, so pieces of a point
//! computed anywhere combine into the same row.
//!
//! **Scheduling.** Threads take blocks of at most [`BLOCK_RUNS`] runs from a shared queue;
//! a block never spans two points. A new point is opened only when the queue is empty, so
//! every core is busy whether the sweep has 3 points or 10,000, and at most about one point
//! per thread is in flight: memory does not depend on points x runs.
//!
//! **Architecture Invariant:** a row is a pure function of (sweep, k): aggregates are
//! integer-exact and merged in any order, adaptive checks happen only at fixed run counts,
//! and rows are written in point order. Hence byte-identical files for any thread count,
//! and a resumed sweep completes a file exactly as an uninterrupted one would have.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::design::Design;
use super::record::{self, Record};
use super::rows::{Caller, Rows};
use super::spec::Sweep;
use crate::engine::driver::{Units, run_block};
use crate::engine::until::{self, ADAPTIVE_BLOCK, Stopping, UntilCi};
use crate::engine::{Aggregate, BLOCK_RUNS, Hooks, RunPlan, Runs, Worker};
use crate::model::Compiled;
use crate::scenario::Scenario;
use crate::outputs::N_EVENTS;
use crate::report::{Headline, PolicyOut};

/// Where rows go.
pub enum Sink {
    /// A file: appended to and synced after each batch of rows.
    File(File),
    /// Standard output (no resume).
    Stdout,
    /// A channel: each batch of rows is sent as one string as soon as it is written (the
    /// Python package streams rows this way). A closed receiver stops the sweep
    /// ([`SweepError::Closed`]); a bounded channel makes the sweep wait for its reader.
    Channel(std::sync::mpsc::SyncSender<String>),
    /// A file and a channel: each batch of rows is appended to the file as [`Sink::File`]
    /// does, then sent as [`Sink::Channel`] does (the Python package's `sweep(out=...)`).
    Tee(File, std::sync::mpsc::SyncSender<String>),
}

/// Options of one sweep execution.
pub struct Exec<'a> {
    pub rows: Rows,
    pub until: Option<UntilCi>,
    pub cancel: Option<&'a AtomicBool>,
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// Why a sweep stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("interrupted")]
    Interrupted,
    #[error("{0}")]
    Io(String),
    /// Results a resume (or a fresh start) may not take, located at the flag at fault on
    /// the command line ([`record::ResumeFault`]).
    #[error("{0}")]
    Resume(record::ResumeFault),
    /// A kept row's cell cannot be read (`1e-400`): located as every reader's cell fault.
    #[error("{}", .0.one_line())]
    Cell(Box<crate::scenario::Diagnostic>),
    /// An output the sweep may not write (an input, a sweep's record, a read-only file...),
    /// refused before any point runs.
    #[error("{0}")]
    Refused(String),
    /// Standard output was closed (`deter sweep ... | head`): not an error.
    #[error("output closed")]
    Closed,
}

/// A finished point's headline probabilities and the runs they rest on: its row's `runs`,
/// the sweep's runs per point, or under `--until-ci` the count the point stopped at (at most
/// the cap). The tables and the page after a sweep read both: a probability's Monte Carlo
/// error is that of its own runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointOutput {
    /// The region-wide probability of each outcome, in the order of [`crate::outputs::EVENTS`].
    pub p: [f64; N_EVENTS],
    /// The runs behind them.
    pub runs: u64,
}

/// The headline probabilities of every point and their runs, in point order (for the
/// sensitivity analysis, the robustness table and the page).
pub type Outputs = Vec<PointOutput>;

struct Open {
    compiled: Arc<Compiled>,
    values: Vec<f64>,
    /// The point's tallies, all its finished blocks merged: none until its first block is
    /// done, whose worker's tallies become them (merged into empty tallies they would be the
    /// same, integer for integer), so a point allocates no tallies besides its workers'.
    agg: Option<Aggregate>,
    /// Runs scheduled so far, and the end of the current stage.
    scheduled: u64,
    outstanding: u64,
}

/// Runs `first..end` of one point, taken one block at a time (a stage of 10^12 runs is one
/// task, not 4 x 10^9 of them).
struct Task {
    point: u64,
    first: u64,
    end: u64,
    compiled: Arc<Compiled>,
}

struct State {
    queue: VecDeque<Task>,
    next_point: u64,
    open: BTreeMap<u64, Open>,
    /// Finished rows waiting for earlier points.
    done: BTreeMap<u64, (String, PointOutput)>,
    next_write: u64,
    outputs: Outputs,
    error: Option<SweepError>,
}

/// Prepare the results file for writing: fresh (header written) or resumed (complete rows
/// checked against the design, a partial last line cut off). Returns the number of points
/// already done and their outputs.
pub fn open_results(
    path: &Path,
    resume: bool,
    sweep: &Sweep,
    design: &Design,
    rows: &Rows,
    caller: Caller,
) -> Result<(File, u64, Outputs), SweepError> {
    let io = |e: std::io::Error| SweepError::Io(crate::output::cannot_write(path, &e));
    let header = rows.header(sweep);
    if !(resume && path.exists()) {
        let mut f = File::create(path).map_err(io)?;
        f.write_all(header.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        return Ok((f, 0, Vec::new()));
    }
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    let mut text = Vec::new();
    f.read_to_end(&mut text).map_err(io)?;
    // Keep whole lines only: a kill during a write leaves at most one partial last line.
    let keep = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let text = String::from_utf8_lossy(&text[..keep]).into_owned();
    let mut lines = text.split_inclusive('\n');
    // A kept line that is not this sweep's: at its line and column, as every input's fault
    // (it said "`r.csv` does not belong to this sweep (row 5 has other parameter values
    // than design point 5)", naming no line, and so of a blank line).
    let file = path.display().to_string();
    let not_ours = |at: std::ops::Range<usize>, what: String| {
        SweepError::Cell(Box::new(
            crate::scenario::Diagnostic::at(
                &file,
                &text,
                at,
                "",
                format!("the results do not belong to this sweep: {what}"),
            )
            .with_help(Some(record::afresh_over(path, caller))),
        ))
    };
    let mut outputs = Vec::new();
    let mut at = match lines.next() {
        None => {
            // Not even the header survived.
            f.set_len(0).map_err(io)?;
            f.seek(SeekFrom::Start(0)).map_err(io)?;
            f.write_all(header.as_bytes()).map_err(io)?;
            f.sync_all().map_err(io)?;
            return Ok((f, 0, outputs));
        }
        Some(h) if !same_header(h, &header) => {
            let cut = differs_at(h, &header);
            // Saved by another program (a spreadsheet, an editor): said as such, since the
            // header then looks the same.
            let what = if h.strip_suffix("\r\n") == header.strip_suffix('\n') {
                "its lines end in CR LF (the file was saved by another program), where this \
                 sweep writes LF"
            } else if h.strip_prefix('\u{feff}') == Some(header.as_str()) {
                "it starts with a byte order mark (the file was saved by another program), \
                 which this sweep does not write"
            } else {
                "its header differs from the one this sweep writes"
            };
            return Err(not_ours(cut..cell_end(h, cut), what.into()));
        }
        Some(h) => h.len(),
    };
    let renamed = !text.starts_with(&header);
    for (k, line) in lines.enumerate() {
        let start = at;
        at += line.len();
        let whole = start..start + line.trim_end_matches(['\n', '\r']).len();
        let k = k as u64;
        if k >= design.n {
            return Err(not_ours(
                whole,
                format!("it has more than the design's {} rows", design.n),
            ));
        }
        let values = design.values(&sweep.parameters, k);
        let prefix = rows.prefix(k, &values);
        if !line.starts_with(&prefix) {
            if whole.is_empty() {
                return Err(not_ours(
                    whole,
                    format!("a blank line where design point {k}'s row belongs"),
                ));
            }
            let cut = differs_at(line, &prefix);
            return Err(not_ours(
                start + cut..start + cell_end(line, cut),
                format!(
                    "this row is not design point {k}'s, whose point number and parameter \
                     values are `{}`",
                    prefix.trim_end_matches(',')
                ),
            ));
        }
        // A number that reads as 0 although it is not (`1e-400`) is refused at its line
        // and column in the words of every reader: serde and the CSV cells read it as 0.
        if let Some(fault) = rows.underflow(&file, &header, k as usize + 2, line) {
            return Err(SweepError::Cell(Box::new(fault)));
        }
        let y = rows
            .outcomes_of(line)
            .ok_or_else(|| not_ours(whole.clone(), format!("design point {k}'s row cannot be read")))?;
        let runs = check_kept_row(rows, line, sweep.runs)
            .map_err(|what| not_ours(whole.clone(), format!("design point {k}'s row: {what}")))?;
        outputs.push(PointOutput { p: y, runs });
    }
    if renamed {
        // The same sweep named another way: the kept rows under this invocation's header
        // (the one its record names), replaced atomically.
        let first = text.find('\n').map_or(text.len(), |i| i + 1);
        let mut bytes = header.clone().into_bytes();
        bytes.extend_from_slice(&text.as_bytes()[first..]);
        crate::output::write_atomic(path, &bytes).map_err(io)?;
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        f.seek(SeekFrom::End(0)).map_err(io)?;
        return Ok((f, outputs.len() as u64, outputs));
    }
    f.set_len(keep as u64).map_err(io)?;
    f.seek(SeekFrom::End(0)).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok((f, outputs.len() as u64, outputs))
}

/// The number of whole rows of the results `path` that are this sweep's: its header first,
/// then each row at its design point (as [`open_results`] checks a resumed file's rows);
/// None when the file cannot be read or a line is not this sweep's.
fn rows_of_this_sweep(path: &Path, sweep: &Sweep, design: &Design, rows: &Rows) -> Option<u64> {
    let text = std::fs::read(path).ok()?;
    let keep = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let text = String::from_utf8_lossy(&text[..keep]);
    let mut lines = text.split_inclusive('\n');
    if !same_header(lines.next()?, &rows.header(sweep)) {
        return None;
    }
    let mut n = 0u64;
    for (k, line) in lines.enumerate() {
        let k = k as u64;
        if k >= design.n || !line.starts_with(&rows.prefix(k, &design.values(&sweep.parameters, k))) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// Whether a results file's first line `kept` is `header`, the one this sweep writes. A
/// JSON Lines header records the sweep file's path as typed (`deter_sweep`), which says
/// nothing of the rows: the same sweep named another way (another directory, an absolute
/// path) resumes, as CSV does (what the rows depend on is checked by the sweep's record).
fn same_header(kept: &str, header: &str) -> bool {
    if kept == header {
        return true;
    }
    let without_path = |line: &str| -> Option<serde_json::Value> {
        let mut v: serde_json::Value = serde_json::from_str(line).ok()?;
        v.as_object_mut()?.remove("deter_sweep")?;
        Some(v)
    };
    matches!((without_path(kept), without_path(header)), (Some(a), Some(b)) if a == b)
}

/// The byte at which `line` first differs from `expected` (a kept line's fault is shown
/// there), at a character boundary of `line`.
fn differs_at(line: &str, expected: &str) -> usize {
    let i = line
        .bytes()
        .zip(expected.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(line.len().min(expected.len()));
    let i = (0..=i).rev().find(|&j| line.is_char_boundary(j)).unwrap_or(0);
    if line.starts_with('{') {
        // JSON Lines: at the character that differs.
        return i;
    }
    // CSV: at the start of the cell it is in.
    line[..i].rfind(',').map_or(0, |c| c + 1)
}

/// The end of the cell of `line` that starts at or contains byte `from`: the next comma or
/// the line's end (without its newline).
fn cell_end(line: &str, from: usize) -> usize {
    let body = line.trim_end_matches(['\n', '\r']).len();
    let from = from.min(body);
    line[from..body].find(',').map_or(body, |c| from + c).max(from)
}

/// A kept row must be one deter could have written for this sweep: `runs` is the sweep's
/// (any count, under --until-ci), and every headline estimate is count / runs for a whole
/// count with its Wilson interval. An edited `runs` or outcome value is caught here. Returns
/// the row's runs.
fn check_kept_row(rows: &Rows, line: &str, runs: u64) -> Result<u64, String> {
    let (n, estimates) = rows
        .estimates_of(line)
        .ok_or_else(|| "it cannot be read".to_string())?;
    if n == 0 || (!rows.is_adaptive() && n != runs) {
        return Err(format!("it has {n} runs, the sweep {runs}"));
    }
    for [p, lo, hi] in estimates {
        let count = (p * n as f64).round();
        let w = crate::stats::wilson(count as u64, n);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9;
        if !(close(p, w.p) && close(lo, w.lo) && close(hi, w.hi)) {
            return Err(format!(
                "an estimate {p} [{lo}, {hi}] is not a count out of {n} runs with its interval"
            ));
        }
    }
    Ok(n)
}

/// Runs per point and the stride between points' streams.
pub fn stride(sweep: &Sweep, until: Option<&UntilCi>) -> u64 {
    until.map_or(sweep.runs, |u| u.max_runs)
}

/// The sweep's work, points x [`stride`] runs, checked against [`crate::MAX_RUNS`]; the
/// message names both factors. Shared by `deter sweep` and the facade's sweeps.
pub fn check_work(design: &Design, stride: u64) -> Result<(), String> {
    if design
        .n
        .checked_mul(stride)
        .is_none_or(|w| w > crate::MAX_RUNS)
    {
        return Err(format!(
            "{} points x {stride} runs exceeds the limit of {} runs",
            design.n,
            crate::MAX_RUNS
        ));
    }
    Ok(())
}

/// Tally sets a sweep of `design`'s points, `stride` runs each, holds on `threads` threads,
/// for [`check_memory`]: per thread given a block, its worker's and about one open point's,
/// and the merged ones. Threads take blocks of at most [`BLOCK_RUNS`] runs of one point, so
/// a sweep of fewer blocks than threads keeps the other threads idle, with no tallies.
pub fn tally_sets(design: &Design, stride: u64, threads: usize) -> u64 {
    let blocks = design.n.saturating_mul(stride.div_ceil(BLOCK_RUNS));
    2 * (threads.max(1) as u64).min(blocks.max(1)) + 1
}

/// The memory guard of a sweep ([`crate::engine::check_memory_for`]) for `tallies`
/// aggregates of its **largest** point. Every point runs the base scenario or, in levers x
/// futures, its policy's (`file = ...`, with its `set`), and a policy's file may hold more
/// rivalries or a longer horizon than the base: the base alone let such a sweep through to
/// an allocation failure. A point's values never change a tally's size (they set
/// parameters), so the largest of these scenarios bounds every point. The refusal names the
/// policy whose scenario is over the limit.
/// `stacks`: the worker threads of its pool ([`crate::engine::driver::stacks`]; 0 for a
/// merge, on the calling thread).
pub fn check_memory(sweep: &Sweep, tallies: u64, stacks: u64) -> Result<(), String> {
    // From the scenarios' sizes, before compiling any (the worlds compiling allocates grow
    // with the square of the countries): the estimate [`crate::engine::check_memory_for`]
    // makes of the compiled scenario, which keeps what `prune` keeps.
    let mut largest: Option<(u64, Scenario, Option<&str>)> = None;
    let policies = sweep.crossing.iter().flat_map(|c| &c.policies);
    let scenarios = std::iter::once((&sweep.base, None))
        .chain(policies.map(|p| (&p.scenario, Some(p.id.as_str()))));
    for (scenario, policy) in scenarios {
        let kept = crate::engine::relevance::prune(scenario).0;
        let bytes = crate::engine::set_bytes_of(&kept, sweep.attribution);
        if largest.as_ref().is_none_or(|(b, _, _)| bytes > *b) {
            largest = Some((bytes, kept, policy));
        }
    }
    let Some((_, kept, policy)) = largest else {
        return Ok(());
    };
    crate::engine::check_scenario_memory_as(&kept, sweep.attribution, tallies, stacks).map_err(|e| match policy {
        Some(id) => format!("policy `{id}`: {e}"),
        None => e,
    })
}

/// A fault of writing rows ([`run_sweep`]'s [`SweepError::Io`], which does not know the
/// file) named by the results file `path`: "cannot write `PATH`: REASON", the words of every
/// output that cannot be written (a full disk named no file).
pub fn written_to(e: SweepError, path: &Path) -> SweepError {
    match e {
        SweepError::Io(m) => SweepError::Io(crate::output::cannot_write(path, &m)),
        other => other,
    }
}

/// The results file of a sweep that writes one (`deter sweep --out`, the facade's `sweep`
/// and `sweep_streamed_to`): the one prelude both take before the first point, and the one
/// ending after the last. Holds the exclusive lock on the results until dropped.
pub struct Results {
    path: std::path::PathBuf,
    fingerprint: String,
    record: Record,
    _lock: Option<File>,
}

/// What [`Results::open`] hands the sweep: the results, their file open for appending, the
/// points already done and their outputs.
pub type Opened = (Results, File, u64, Outputs);

impl Results {
    /// Open the results `out` of the sweep whose [`record::fingerprint`] is `fingerprint`
    /// and whose running record is `record`, before any point runs:
    /// 1. `out` is checked as an output ([`crate::output::check_outputs`]: not an input read
    ///    so far nor `sweep_file`, not a sweep's record, not read-only, ...), and so is the
    ///    record's place beside it unless a resume will read the record there first;
    /// 2. the results are locked: a second sweep on them is refused before it writes anything
    ///    (the rows of both would interleave);
    /// 3. with `resume`, results that exist must be this sweep's ([`record::check_resume`],
    ///    naming the output as `caller` does);
    /// 4. the running record is written beside them (Ctrl-C or a failure from now on leaves
    ///    a file `--resume` completes);
    /// 5. the results are created with their header, or their kept rows checked
    ///    ([`open_results`]).
    ///
    /// A refused output is [`SweepError::Refused`] (or [`SweepError::Resume`], in the resume's
    /// words), a write that fails "cannot write `PATH`: REASON" ([`SweepError::Io`]).
    pub fn open(
        out: &Path,
        sweep_file: &Path,
        resume: bool,
        caller: Caller,
        (sweep, design, rows): (&Sweep, &Design, &Rows),
        fingerprint: String,
        record: Record,
    ) -> Result<Opened, SweepError> {
        let existed = out.exists();
        let inputs = [sweep_file.to_path_buf()];
        match caller {
            Caller::Cli => crate::output::check_outputs(&[&out.to_path_buf()], &inputs),
            Caller::Library => crate::output::check_output_argument(out, "out", &inputs),
        }
        .map_err(SweepError::Refused)?;
        if !(resume && existed) {
            crate::output::check_writable(&record::path_beside(out), &[])
                .map_err(SweepError::Refused)?;
        }
        let cannot = |path: &Path, e: &dyn std::fmt::Display| {
            SweepError::Io(crate::output::cannot_write(path, e))
        };
        // Created empty if missing, never truncated here.
        let handle = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(out)
            .map_err(|e| cannot(out, &e))?;
        // Another sweep writing the results now: refused as every output this one may not
        // write (exit 2), before anything is written.
        let lock = crate::output::lock_exclusive(handle, out, "deter sweep", caller)
            .map_err(SweepError::Refused)?;
        if resume && existed {
            record::check_resume(out, &fingerprint, caller, &record.resume_args)
                .map_err(SweepError::Resume)?;
        } else if existed
            && let Some(refusal) = record::unfinished_same_sweep(out, &fingerprint, caller, || {
                rows_of_this_sweep(out, sweep, design, rows)
            })
        {
            // The finished rows of this sweep, stopped midway, are not thrown away by a
            // command given again without `--resume`.
            return Err(SweepError::Resume(refusal));
        }
        // A resume checks the kept rows before it writes the record: a refused one ("does not
        // belong to this sweep") left a record that said `complete` saying `running`.
        let (file, start, kept) = if resume && existed {
            let opened = open_results(out, resume, sweep, design, rows, caller)?;
            record::write(out, &fingerprint, &record)
                .map_err(|e| cannot(&record::path_beside(out), &e))?;
            opened
        } else {
            record::write(out, &fingerprint, &record)
                .map_err(|e| cannot(&record::path_beside(out), &e))?;
            open_results(out, resume, sweep, design, rows, caller)?
        };
        let results = Self {
            path: out.to_path_buf(),
            fingerprint,
            record,
            _lock: lock,
        };
        Ok((results, file, start, kept))
    }

    /// The command that completes these results after an interruption.
    pub fn resume_command(&self) -> String {
        self.record.resume_command(&self.path)
    }

    /// Every row is written and synced ([`run_sweep`] syncs at its end): the record says
    /// so, bound to the rows ([`record::write_complete`]). The lock stays held.
    pub fn complete(&mut self) -> Result<(), SweepError> {
        record::write_complete(&self.path, &self.fingerprint, &mut self.record)
            .map_err(SweepError::Io)
    }
}

/// Run points `start..design.n` and write their rows to `sink`, in order.
pub fn run_sweep(
    sweep: &Sweep,
    design: &Design,
    start: u64,
    mut outputs: Outputs,
    sink: &mut Sink,
    exec: &Exec<'_>,
) -> Result<Outputs, SweepError> {
    let stride = stride(sweep, exec.until.as_ref());
    let state = Mutex::new(State {
        queue: VecDeque::new(),
        next_point: start,
        open: BTreeMap::new(),
        done: BTreeMap::new(),
        next_write: start,
        outputs: std::mem::take(&mut outputs),
        error: None,
    });
    let wake = Condvar::new();
    let sink = Mutex::new((sink, std::time::Instant::now()));
    let cancelled = || exec.cancel.is_some_and(|c| c.load(Ordering::Relaxed));

    let work = || {
        // Tallies this thread is done with (a finished point's, or a block's merged into its
        // point's): emptied and reused by its next block instead of allocated.
        let mut spare: Option<Aggregate> = None;
        loop {
            if cancelled() {
                wake.notify_all();
                return;
            }
            let task = {
                let mut st = state.lock().expect("no panics under the lock");
                loop {
                    if st.error.is_some() || cancelled() {
                        break None;
                    }
                    if let Some(mut t) = st.queue.pop_front() {
                        // One block now; the rest of the range stays first in line.
                        let end = (t.first + BLOCK_RUNS).min(t.end);
                        if end < t.end {
                            st.queue.push_front(Task {
                                first: end,
                                compiled: Arc::clone(&t.compiled),
                                ..t
                            });
                        }
                        t.end = end;
                        break Some(t);
                    }
                    if st.next_point < design.n {
                        let k = st.next_point;
                        st.next_point += 1;
                        drop(st);
                        let values = design.values(&sweep.parameters, k);
                        let compiled = point_scenario(sweep, k, &values);
                        st = state.lock().expect("no panics under the lock");
                        let first_stage = stage_end(0, stride, exec.until.is_some());
                        let compiled = Arc::new(compiled);
                        let mut open = Open {
                            compiled,
                            values,
                            agg: None,
                            scheduled: 0,
                            outstanding: 0,
                        };
                        schedule(&mut st.queue, k, &mut open, first_stage, false);
                        st.open.insert(k, open);
                        continue;
                    }
                    if st.open.is_empty() {
                        break None;
                    }
                    st = wake
                        .wait_timeout(st, Duration::from_millis(50))
                        .expect("no panics under the lock")
                        .0;
                }
            };
            let Some(task) = task else {
                wake.notify_all();
                return;
            };
            let offset = sweep.stream_offset(task.point, stride);
            let count = task.end - task.first;
            let units = Runs {
                compiled: &task.compiled,
                plan: RunPlan {
                    seed: sweep.seed,
                    first: task.first,
                    count,
                    stream_offset: offset,
                },
            };
            let mut worker = match spare.take() {
                Some(agg) => Worker::with_aggregate(&task.compiled, agg.reused_for(&task.compiled)),
                None => units.worker(),
            };
            let hooks = Hooks {
                cancel: exec.cancel,
                progress: exec.progress,
            };
            if run_block(&units, &mut worker, task.first, count, &hooks).is_err() {
                // Cancelled mid-block: the point stays unfinished and is not written.
                wake.notify_all();
                return;
            }
            let mut st = state.lock().expect("no panics under the lock");
            let k = task.point;
            let finished = {
                let open = st.open.get_mut(&k).expect("an open point");
                let agg = match open.agg.take() {
                    Some(mut agg) => {
                        agg.merge(&worker.aggregate);
                        spare = Some(worker.aggregate);
                        agg
                    }
                    None => worker.aggregate,
                };
                let agg = open.agg.insert(agg);
                open.outstanding -= 1;
                if open.outstanding > 0 {
                    None
                } else {
                    let stop = exec.until.as_ref().and_then(|u| until::check(agg, u));
                    if exec.until.is_some() && stop.is_none() {
                        let end = stage_end(open.scheduled, stride, true);
                        let mut q = std::mem::take(&mut st.queue);
                        let open = st.open.get_mut(&k).expect("an open point");
                        schedule(&mut q, k, open, end, true);
                        st.queue = q;
                        wake.notify_all();
                        None
                    } else {
                        if let (Some(p), Some(s)) = (exec.progress, stop.as_ref()) {
                            p(stride - s.runs);
                        }
                        Some(stop)
                    }
                }
            };
            if let Some(stop) = finished {
                let open = st.open.remove(&k).expect("an open point");
                let line = point_row(&exec.rows, sweep, k, &open, stop.as_ref());
                let y = report_outputs(&open);
                spare = open.agg;
                st.done.insert(k, (line, y));
                // Write every row that is now in order.
                let mut batch = String::new();
                while let Some((line, y)) = {
                    let nw = st.next_write;
                    st.done.remove(&nw)
                } {
                    batch.push_str(&line);
                    st.outputs.push(y);
                    st.next_write += 1;
                }
                if !batch.is_empty() {
                    let mut guard = sink.lock().expect("no panics under the lock");
                    let (sink, last_sync) = &mut *guard;
                    if let Err(e) = write_durably(sink, batch.as_bytes(), last_sync) {
                        st.error = Some(if e.kind() == std::io::ErrorKind::BrokenPipe {
                            SweepError::Closed
                        } else {
                            SweepError::Io(e.to_string())
                        });
                    }
                }
                wake.notify_all();
            }
        }
    };
    rayon::broadcast(|_| work());
    let (sink, _) = sink.into_inner().expect("no panics under the lock");
    if let Sink::File(f) | Sink::Tee(f, _) = sink {
        f.sync_all()
            .map_err(|e| SweepError::Io(e.to_string()))?;
    }
    let st = state.into_inner().expect("no panics under the lock");
    if let Some(e) = st.error {
        return Err(e);
    }
    if st.next_write < design.n {
        return Err(SweepError::Interrupted);
    }
    Ok(st.outputs)
}

/// The end (exclusive) of the stage that starts at `scheduled` runs.
fn stage_end(scheduled: u64, stride: u64, adaptive: bool) -> u64 {
    if adaptive {
        (scheduled + ADAPTIVE_BLOCK).min(stride)
    } else {
        stride
    }
}

/// Queue the blocks of runs `open.scheduled..end` of point `k` (at the front when `urgent`:
/// an older point's next stage goes before new points).
fn schedule(queue: &mut VecDeque<Task>, k: u64, open: &mut Open, end: u64, urgent: bool) {
    if open.scheduled >= end {
        return;
    }
    let task = Task {
        point: k,
        first: open.scheduled,
        end,
        compiled: Arc::clone(&open.compiled),
    };
    open.outstanding += (end - open.scheduled).div_ceil(BLOCK_RUNS);
    open.scheduled = end;
    if urgent {
        queue.push_front(task);
    } else {
        queue.push_back(task);
    }
}

/// Point `k`'s scenario (the base, or its policy's) with its `values` set (pre-validated:
/// cannot fail).
pub fn point_scenario(sweep: &Sweep, k: u64, values: &[f64]) -> Compiled {
    let c = Compiled::new(&point_input(sweep, k, values));
    if sweep.attribution {
        c.with_attribution()
    } else {
        c
    }
}

/// Point `k`'s scenario with its `values` set, as given (before pruning).
fn point_input(sweep: &Sweep, k: u64, values: &[f64]) -> Scenario {
    let (base, targets) = sweep.scenario_of(k);
    let mut s = base.clone();
    for (t, &v) in targets.iter().zip(values) {
        s.set(*t, v)
            .expect("sweep values are validated against the parameter ranges");
    }
    s
}

/// The dated policies of point `k`'s scenario and the month each took effect in its runs
/// (its `values` may move a policy's start or switch it off): a JSON Lines record's
/// `policies`, computed from the point's scenario as a run's report computes them (empty
/// without policies).
pub fn point_policies(sweep: &Sweep, k: u64, values: &[f64]) -> Vec<PolicyOut> {
    if sweep.scenario_of(k).0.policies.is_empty() {
        return Vec::new();
    }
    PolicyOut::of(&point_input(sweep, k, values))
}

fn point_row(rows: &Rows, sweep: &Sweep, k: u64, open: &Open, stop: Option<&Stopping>) -> String {
    row_of(
        rows,
        sweep,
        k,
        &open.values,
        &open.compiled,
        open.agg.as_ref().expect("a finished point has merged tallies"),
        stop,
    )
}

fn report_outputs(open: &Open) -> PointOutput {
    outputs_of(open.agg.as_ref().expect("a finished point has merged tallies"))
}

/// Point `k`'s row, from its values, scenario and complete aggregate: what `run_sweep`
/// writes, and what `deter merge` writes for the merged shards of a sweep.
pub fn row_of(
    rows: &Rows,
    sweep: &Sweep,
    k: u64,
    values: &[f64],
    compiled: &Compiled,
    agg: &Aggregate,
    stop: Option<&Stopping>,
) -> String {
    // Only a JSON Lines record names the policies (a CSV row's columns are the header's).
    let policies = if rows.is_json() {
        point_policies(sweep, k, values)
    } else {
        Vec::new()
    };
    rows.row(k, values, &Headline::build(compiled, agg), stop, &policies)
}

/// The headline probabilities of a point's aggregate and its runs (the sensitivity
/// analysis's inputs).
pub fn outputs_of(agg: &Aggregate) -> PointOutput {
    let runs = agg.runs.max(1) as f64;
    let mut y = [0.0; N_EVENTS];
    for (o, &c) in y.iter_mut().zip(&agg.region.events) {
        *o = c as f64 / runs;
    }
    PointOutput {
        p: y,
        runs: agg.runs,
    }
}

/// Rows reach the OS at once (a killed process loses none of them) and the disk at least
/// every [`SYNC_INTERVAL`] and at the end (an OS crash loses at most that much).
const SYNC_INTERVAL: Duration = Duration::from_millis(250);

fn write_durably(
    sink: &mut Sink,
    bytes: &[u8],
    last_sync: &mut std::time::Instant,
) -> std::io::Result<()> {
    match sink {
        Sink::File(f) => write_file(f, bytes, last_sync),
        Sink::Tee(f, tx) => {
            write_file(f, bytes, last_sync)?;
            tx.send(String::from_utf8_lossy(bytes).into_owned())
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
        }
        Sink::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()
        }
        Sink::Channel(tx) => tx
            .send(String::from_utf8_lossy(bytes).into_owned())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe)),
    }
}

/// [`Sink::File`]'s write: appended, synced at least every [`SYNC_INTERVAL`].
fn write_file(
    f: &mut File,
    bytes: &[u8],
    last_sync: &mut std::time::Instant,
) -> std::io::Result<()> {
    f.write_all(bytes)?;
    if last_sync.elapsed() >= SYNC_INTERVAL {
        f.sync_data()?;
        *last_sync = std::time::Instant::now();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Hooks;
    use crate::sweep::rows::RowFormat;
    use crate::sweep::spec::parse_sweep;

    #[test]
    fn point_k_run_i_draws_from_global_stream_k_times_runs_plus_i() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let src = "base = \"scenarios/western-balkans-2024.toml\"\nruns = 40\nseed = 11\n\
                   [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nvalues = [0.2, 0.5, 0.8]\n";
        let sweep = parse_sweep(src, "t.toml", root).unwrap();
        let design = Design::new(&sweep);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let exec = Exec {
            rows: Rows::new(RowFormat::Csv, &sweep, false),
            until: None,
            cancel: None,
            progress: None,
        };
        let (file, start, kept) = open_results(&path, false, &sweep, &design, &exec.rows, Caller::Cli).unwrap();
        let out = run_sweep(&sweep, &design, start, kept, &mut Sink::File(file), &exec).unwrap();
        assert_eq!(out.len(), 3);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for k in 0..3u64 {
            let values = design.values(&sweep.parameters, k);
            let compiled = point_scenario(&sweep, k, &values);
            // A shard holding global work items [k*40, k*40+15) and another the rest.
            let part = |first: u64, count: u64| {
                let plan = RunPlan {
                    seed: 11,
                    first,
                    count,
                    stream_offset: k * 40,
                };
                crate::engine::run(&compiled, &plan, Hooks::default()).unwrap()
            };
            let mut agg = part(15, 25);
            agg.merge(&part(0, 15));
            let open = Open {
                compiled: Arc::new(compiled),
                values: values.clone(),
                agg: Some(agg),
                scheduled: 40,
                outstanding: 0,
            };
            assert_eq!(
                lines[k as usize + 1],
                point_row(&exec.rows, &sweep, k, &open, None)
            );
        }
    }
}
