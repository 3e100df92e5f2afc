//! The partial file a shard writes and `deter merge` reads (documented in docs/CLUSTER.md).
//!
//! A partial file is JSON with four top-level keys, one per line:
//! - `header`: what must agree between the shards of one invocation (format version, engine
//!   version and build, RNG, kind, input hash, seed, runs, points, units, n) plus this
//!   shard's `k` and its index range;
//! - `timing`: this shard's wall time and threads (informative; never compared);
//! - `parts`: one exactly mergeable aggregate per point touched by the shard (one for `run`);
//! - `per_run` (a run shard of `deter run --shard K/N --per-run-rows` only): the shard's rows of
//!   the per-run CSV, one JSON string per row, in run order, so that `deter merge --per-run`
//!   writes the unsharded run's `--per-run` file byte for byte;
//! - `source`: the input file's path and text, so that a merge job can rebuild the scenario.
//!
//! Exact encoding: counts are JSON integers (u64; at most [`crate::MAX_RUNS`] times a per-run
//! count, far below 2^53, so even readers that use doubles read them exactly); the fixed-point
//! sums of `ExactMoments` are `i128` and are written as decimal strings; histograms list
//! their non-zero bins as `[index, count]` pairs.
//!
//! The parts are the engine's own [`Aggregate`]s, serialised with serde (both ends are deter:
//! the header pins the binary), so a field added to a tally is carried without a mirror type.
//! A merge checks every part's shape against the scenario's ([`Aggregate::check_shape`]).

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::engine::Aggregate;

/// The value of `header.format`.
pub const FORMAT: &str = "deter-partial";
/// The value of `header.format_version`; bumped by any change a reader must know about.
pub const FORMAT_VERSION: u32 = 10;

/// What was sharded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `deter run`: one point, `units = runs`.
    Run,
    /// `deter sweep`: `points` points of `runs` runs; unit `p * runs + i` is run `i` of point `p`.
    Sweep,
    /// A nested run (`deter run FILE --posterior DRAWS.csv` or `[[uncertain]]` priors):
    /// `points` parameter draws of `runs` runs; unit `d * runs + i` is run `i` of draw `d`,
    /// drawing from stream `d * runs + i` as the unsharded nested run does.
    Nested,
}

/// Command-line overrides applied to the input after loading it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    pub horizon_years: Option<u32>,
}

/// This shard's place in the invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardHeader {
    pub k: u64,
    pub n: u64,
    /// Half-open range `first..end` of global work indices.
    pub first: u64,
    pub end: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    pub engine_version: String,
    /// SHA-256 of the deter executable that wrote the file: the crate version alone does not
    /// pin the numerics of a development build, and another compiler or libm may round
    /// differently. Shards of one merge must come from the same binary.
    pub engine_build: String,
    pub rng: String,
    pub kind: Kind,
    /// SHA-256 of the validated input after overrides (the report's `scenario_sha256`).
    pub sha256: String,
    pub overrides: Overrides,
    pub seed: u64,
    /// Runs per point.
    pub runs: u64,
    /// Points (1 for `run`).
    pub points: u64,
    /// Global work units, `points * runs`.
    pub units: u64,
    /// Whether each part carries the attribution's tallies (every run simulated under the
    /// level-removal variants too; `crate::attribution`).
    #[serde(default)]
    pub attribution: bool,
    /// The scenario's dated policies and the month each took effect, as its report lists them
    /// (`policies`, docs/OUTPUT.md; a sweep's: its base scenario's, before any point's
    /// values, and in a levers x futures sweep every policy option's, each once); absent
    /// without policies. Compared between the shards of one merge; a run's
    /// merge reports these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<crate::report::PolicyOut>,
    pub shard: ShardHeader,
    /// SHA-256 of the file's `parts` as compact JSON ([`parts_sha256`]): written by the shard,
    /// checked by every reader, so an edit or damage that leaves the parts consistent (a count
    /// lowered) is refused instead of merged. Not a signature: whoever edits the parts can
    /// write a new checksum.
    pub parts_sha256: String,
    /// SHA-256 of the file's per-run rows (each row and its newline, as the per-run CSV holds
    /// them), present exactly when the file carries them (`per_run`): checked by every reader
    /// as `parts_sha256` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_run_sha256: Option<String>,
    /// A nested run's shards under a posterior only: SHA-256 (hex) of the posterior CSV's text
    /// the shard read (the file's `posterior.text`), checked by every reader and compared
    /// between the shards of one merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior_sha256: Option<String>,
}

impl Header {
    /// The first field (other than this shard's own position) in which `self` differs from
    /// `other`, as `(name, self's value, other's value)`.
    pub fn mismatch(&self, other: &Header) -> Option<(&'static str, String, String)> {
        // The values as the files hold them (JSON): `"sweep"`, not Rust's `Sweep`;
        // `{"horizon_years":5}`, not `Overrides { horizon_years: Some(5) }`.
        fn cmp<T: PartialEq + Serialize>(
            name: &'static str,
            a: &T,
            b: &T,
        ) -> Option<(&'static str, String, String)> {
            let json = |x: &T| serde_json::to_string(x).unwrap_or_default();
            (a != b).then(|| (name, json(a), json(b)))
        }
        cmp(
            "format_version",
            &self.format_version,
            &other.format_version,
        )
        .or_else(|| {
            cmp(
                "engine_version",
                &self.engine_version,
                &other.engine_version,
            )
        })
        .or_else(|| {
            cmp(
                "engine_build (the sha256 of the deter binary; a rebuild changes it)",
                &self.engine_build,
                &other.engine_build,
            )
        })
        .or_else(|| cmp("rng", &self.rng, &other.rng))
        .or_else(|| cmp("kind", &self.kind, &other.kind))
        .or_else(|| {
            // In words, as the table's line lists them: the JSON of two lists of policies
            // hides which month differs.
            let words = |p: &[crate::report::PolicyOut]| {
                if p.is_empty() {
                    "none".to_string()
                } else {
                    let items: Vec<String> = p.iter().map(|x| x.brief()).collect();
                    format!("`{}`", items.join("; "))
                }
            };
            (self.policies != other.policies).then(|| {
                (
                    "list of dated policies (each with the month it took effect)",
                    words(&self.policies),
                    words(&other.policies),
                )
            })
        })
        .or_else(|| {
            cmp(
                "sha256 (of the validated input)",
                &self.sha256,
                &other.sha256,
            )
        })
        .or_else(|| {
            cmp(
                "posterior_sha256 (of the posterior's text)",
                &self.posterior_sha256,
                &other.posterior_sha256,
            )
        })
        .or_else(|| cmp("overrides", &self.overrides, &other.overrides))
        .or_else(|| cmp("seed", &self.seed, &other.seed))
        .or_else(|| cmp("runs", &self.runs, &other.runs))
        .or_else(|| {
            cmp(
                "points (a sweep's design points, a nested run's --draws)",
                &self.points,
                &other.points,
            )
        })
        .or_else(|| cmp("units", &self.units, &other.units))
        .or_else(|| cmp("attribution", &self.attribution, &other.attribution))
        .or_else(|| cmp("shard count n", &self.shard.n, &other.shard.n))
    }
}

/// Informative timing of one shard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    pub wall_seconds: f64,
    pub threads: usize,
}

/// The input file the shard read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The path as given on the command line (shown in the table report).
    pub path: String,
    /// The absolute path when the shard ran: where a merge looks first.
    pub absolute_path: String,
    /// The file's text: the fallback when the file has moved or changed since.
    pub text: String,
}

/// The runs `first_run .. first_run + aggregate.runs` of one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub point: u64,
    pub first_run: u64,
    pub aggregate: Aggregate,
}

/// A whole partial file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialFile {
    pub header: Header,
    pub timing: Timing,
    pub parts: Vec<Part>,
    /// The shard's rows of the per-run CSV (without its header line), in run order: only in
    /// the files of `deter run --shard K/N --per-run-rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_run: Option<Vec<String>>,
    pub source: Source,
    /// The posterior CSV a nested run's shard read (its path as given, absolute path and
    /// text): only in the files of `deter run FILE --posterior DRAWS.csv --shard K/N`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<Source>,
}

/// What identifies the invocation a shard belongs to (every shard of it has the same).
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub kind: Kind,
    /// Fingerprint of the scenario (a run) or of the validated sweep.
    pub sha256: String,
    pub overrides: Overrides,
    pub seed: u64,
    /// Runs per point.
    pub runs: u64,
    /// Points (1 for a run).
    pub points: u64,
    /// Whether the parts carry the attribution's tallies.
    pub attribution: bool,
    /// A nested run's posterior: the SHA-256 of its text ([`PartialFile::posterior`]).
    pub posterior_sha256: Option<String>,
    /// The scenario's dated policies ([`crate::report::PolicyOut::of`] of the scenario as
    /// given, before pruning; a sweep's base scenario's): the header's `policies`.
    pub policies: Vec<crate::report::PolicyOut>,
}

impl PartialFile {
    /// The partial file of `shard` of `inv`: this binary's format, engine and RNG, the shard's
    /// range of the `points x runs` work units, its parts, and the input file it read
    /// (`file` as given, and its `text`). The one place a partial file is built, for run and
    /// sweep shards alike.
    pub fn of_shard(
        inv: Invocation,
        shard: super::Shard,
        timing: Timing,
        parts: Vec<Part>,
        file: &std::path::Path,
        text: String,
    ) -> Self {
        let mut checksum = PartsChecksum::default();
        for part in &parts {
            checksum.add_part(part);
        }
        let parts_sha256 = checksum.finish();
        Self {
            header: header_of(inv, shard, parts_sha256),
            timing,
            parts,
            per_run: None,
            source: source_of(file, text),
            posterior: None,
        }
    }

    /// Write this file with the per-run rows `rows` reads (the per-run CSV of the shard's
    /// runs, its header line first, as [`crate::engine::run_with_rows`] writes it) to `w`:
    /// the header gains their checksum ([`rows_sha256`]), and the rows go one JSON string
    /// per line into `per_run`, copied a line at a time (memory does not grow with the runs).
    pub fn write_with_rows<W: Write + ?Sized, R: std::io::BufRead + std::io::Seek>(
        &self,
        w: &mut W,
        rows: &mut R,
    ) -> std::io::Result<()> {
        rows.seek(std::io::SeekFrom::Start(0))?;
        let mut checksum = RowsChecksum::default();
        for_each_row(rows, |row| {
            checksum.add(row);
            Ok(())
        })?;
        let mut header = self.header.clone();
        header.per_run_sha256 = Some(checksum.finish());
        rows.seek(std::io::SeekFrom::Start(0))?;
        let mut per_run = |w: &mut W| -> std::io::Result<()> {
            let mut first = true;
            for_each_row(rows, |row| write_entry(w, std::mem::take(&mut first), row))
        };
        write_layout(
            w,
            &header,
            &self.timing,
            |w| {
                for (i, p) in self.parts.iter().enumerate() {
                    write_entry(w, i == 0, p)?;
                }
                Ok(())
            },
            Some(&mut per_run),
            &self.source,
            self.posterior.as_ref(),
        )
    }

    /// The file's bytes ([`PartialFile::write_to`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out)
            .expect("writing to memory cannot fail");
        out
    }

    /// Write the file to `w`, one top-level key per line, so that `head -n 2` shows the
    /// header; each part is serialised straight to `w`, never held as text.
    pub fn write_to<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        let mut per_run = |w: &mut W| -> std::io::Result<()> {
            for (i, row) in self.per_run.iter().flatten().enumerate() {
                write_entry(w, i == 0, row)?;
            }
            Ok(())
        };
        let per_run: Option<RowsWriter<'_, W>> = match self.per_run {
            Some(_) => Some(&mut per_run),
            None => None,
        };
        write_layout(
            w,
            &self.header,
            &self.timing,
            |w| {
                for (i, p) in self.parts.iter().enumerate() {
                    write_entry(w, i == 0, p)?;
                }
                Ok(())
            },
            per_run,
            &self.source,
            self.posterior.as_ref(),
        )
    }

    /// Read a partial file. The error says what is wrong, without the file name (the caller
    /// adds it). `deter merge` reads through [`super::read_part`], which locates a JSON
    /// syntax error.
    #[cfg(test)]
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("not a deter partial file: invalid JSON ({e})"))?;
        Self::from_value(value)
    }

    /// A partial file from its parsed JSON (as `from_bytes` reads it).
    pub fn from_value(value: serde_json::Value) -> Result<Self, String> {
        let header = value.get("header");
        let format = header
            .and_then(|h| h.get("format"))
            .and_then(|f| f.as_str());
        if format != Some(FORMAT) {
            return Err(format!(
                "not a deter partial file (no header.format = \"{FORMAT}\"); partial files \
                 are written by `deter run|sweep FILE --shard K/N --out PART`"
            ));
        }
        let raw = header.and_then(|h| h.get("format_version"));
        let version = raw.and_then(|v| v.as_u64());
        // A `format_version` that is not a whole number (`"7"`, `7.5`, `-1`) is a damaged
        // value, said by the reader at the value as every wrongly typed value is: it was
        // "partial format version missing".
        let mistyped = raw.is_some_and(|v| v.as_u64().is_none());
        // No `format_version` but a key the header does not know (`format_versio`): that
        // key is the fault, said by the reader as every unknown key is.
        let unknown = header
            .and_then(|h| h.as_object())
            .is_some_and(|h| !h.contains_key("format_version"))
            && serde_json::from_value::<Self>(value.clone())
                .is_err_and(|e| e.to_string().starts_with("unknown field `"));
        if version != Some(u64::from(FORMAT_VERSION)) && !unknown && !mistyped {
            let engine = header
                .and_then(|h| h.get("engine_version"))
                .and_then(|v| v.as_str())
                .unwrap_or("unknown");
            return Err(format!(
                "partial format version {} (written by deter {engine}); this deter {} reads \
                 version {FORMAT_VERSION}: merge with the deter that wrote the shards",
                version.map_or("missing".to_string(), |v| v.to_string()),
                crate::ENGINE_VERSION
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("{}: {e}", super::DAMAGED))
    }
}

/// The header of `shard` of `inv` whose parts have the checksum `parts_sha256`: this binary's
/// format, engine and RNG, the shard's range of the `points x runs` work units.
fn header_of(inv: Invocation, shard: super::Shard, parts_sha256: String) -> Header {
    let units = inv.points * inv.runs;
    let (first, end) = shard.range(units);
    Header {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        engine_version: crate::ENGINE_VERSION.into(),
        engine_build: engine_build(),
        rng: crate::engine::RNG_NAME.into(),
        kind: inv.kind,
        sha256: inv.sha256,
        overrides: inv.overrides,
        seed: inv.seed,
        runs: inv.runs,
        points: inv.points,
        units,
        attribution: inv.attribution,
        policies: inv.policies,
        shard: ShardHeader {
            k: shard.k(),
            n: shard.n(),
            first,
            end,
        },
        parts_sha256,
        per_run_sha256: None,
        posterior_sha256: inv.posterior_sha256,
    }
}

/// The input file the shard read: `file` as given, its absolute path and its `text`.
pub fn source_of(file: &std::path::Path, text: String) -> Source {
    Source {
        path: file.display().to_string(),
        absolute_path: std::path::absolute(file)
            .unwrap_or_else(|_| file.to_path_buf())
            .display()
            .to_string(),
        text,
    }
}

/// The one layout of a partial file, one top-level key per line: the header, the timing,
/// the parts (written by `parts`, each entry as [`write_entry`] writes it), the per-run rows
/// when there are (written by `per_run`, each as [`write_entry`] writes it), the source and,
/// for a nested run under a posterior, the posterior.
/// A reader rebuilds these bytes from what it parsed, piece by piece ([`member`] and the
/// entries' writers), to refuse a file that is not byte for byte as its shard wrote it.
fn write_layout<W: Write + ?Sized>(
    w: &mut W,
    header: &Header,
    timing: &Timing,
    parts: impl FnOnce(&mut W) -> std::io::Result<()>,
    per_run: Option<RowsWriter<'_, W>>,
    source: &Source,
    posterior: Option<&Source>,
) -> std::io::Result<()> {
    member(w, "header")?;
    w.write_all(json(header).as_bytes())?;
    member(w, "timing")?;
    w.write_all(json(timing).as_bytes())?;
    member(w, "parts")?;
    w.write_all(b"[")?;
    parts(w)?;
    w.write_all(ARRAY_END)?;
    if let Some(per_run) = per_run {
        member(w, "per_run")?;
        w.write_all(b"[")?;
        per_run(w)?;
        w.write_all(ARRAY_END)?;
    }
    member(w, "source")?;
    w.write_all(json(source).as_bytes())?;
    if let Some(posterior) = posterior {
        member(w, "posterior")?;
        w.write_all(json(posterior).as_bytes())?;
    }
    w.write_all(FILE_END)
}

/// The top-level keys of a partial file, in the order the file holds them.
pub const KEYS: [&str; 6] = [
    "header",
    "timing",
    "parts",
    "per_run",
    "source",
    "posterior",
];

/// What closes an array of entries (`parts`, `per_run`): on its own line.
pub const ARRAY_END: &[u8] = b"\n]";

/// What closes the file.
pub const FILE_END: &[u8] = b"\n}\n";

/// Open the top-level member `key` of a partial file, on its own line: after the file's
/// opening brace for the first key (`header`), after a comma for the others.
pub fn member<W: Write + ?Sized>(w: &mut W, key: &str) -> std::io::Result<()> {
    let open = if key == KEYS[0] { "{" } else { "," };
    write!(w, "{open}\n\"{key}\":")
}

/// Write the top-level value `v` (the header, the timing or the source) as the file holds it.
pub fn write_value<W: Write + ?Sized, T: Serialize>(w: &mut W, v: &T) -> std::io::Result<()> {
    w.write_all(json(v).as_bytes())
}

/// What writes a file's per-run rows into `W` ([`write_layout`]).
type RowsWriter<'a, W> = &'a mut dyn FnMut(&mut W) -> std::io::Result<()>;

/// Each row of a per-run CSV `rows` reads after its header line, without its newline.
fn for_each_row<R: std::io::BufRead>(
    rows: &mut R,
    mut f: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut line = String::new();
    let mut header = true;
    loop {
        line.clear();
        if rows.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if std::mem::take(&mut header) {
            continue;
        }
        f(line.strip_suffix('\n').unwrap_or(&line))?;
    }
}

/// The checksum of a file's per-run rows (`header.per_run_sha256`): SHA-256 (hex) of each row
/// followed by a newline, the bytes the per-run CSV holds for them; computed by the shard that
/// writes them and by every reader.
#[derive(Default)]
pub struct RowsChecksum {
    hasher: sha2::Sha256,
}

impl RowsChecksum {
    /// Add the next row (without its newline).
    pub fn add(&mut self, row: &str) {
        use sha2::Digest;
        self.hasher.update(row.as_bytes());
        self.hasher.update(b"\n");
    }

    /// The checksum (hex) of the rows added.
    pub fn finish(self) -> String {
        use sha2::Digest;
        self.hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Write one entry of an array of the file (a part of `parts`, a row of `per_run` without
/// its newline) as the file holds it: on its own line, after a comma unless it is the
/// `first`; serialised straight to `w`, never held as text.
pub fn write_entry<W: Write + ?Sized, T: Serialize + ?Sized>(
    w: &mut W,
    first: bool,
    v: &T,
) -> std::io::Result<()> {
    w.write_all(if first { b"\n" } else { b",\n" })?;
    serde_json::to_writer(&mut *w, v).map_err(std::io::Error::from)
}

/// A writer that counts the bytes through it.
struct Counting<'a, W> {
    inner: &'a mut W,
    bytes: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The parts of a sweep shard, written one point at a time as each completes (in point
/// order), so that a shard's memory holds one point's tallies whatever the number of points
/// it covers: each entry goes to an unnamed temporary file (nothing is left behind by
/// Ctrl-C, a failure or a kill) and into the running checksum (`header.parts_sha256`, which
/// the header, written first, carries). [`PartsSpool::write_file`] then writes the whole
/// partial file, byte for byte what [`PartialFile::to_bytes`] gives for the same parts.
pub struct PartsSpool {
    file: std::io::BufWriter<std::fs::File>,
    checksum: PartsChecksum,
    parts: u64,
    bytes: u64,
    cap: u64,
}

/// The most bytes of parts a sweep shard writes: what `deter merge` reads of a partial file
/// ([`super::MAX_PARTIAL_BYTES`]) less room for the header, timing and the embedded sweep
/// file. A shard whose parts pass it stops ([`PartsSpool::full`]) rather than write a file no
/// merge can read.
pub const PARTS_CAP: u64 = super::MAX_PARTIAL_BYTES as u64 - (2 << 20);

impl PartsSpool {
    /// An empty spool in `dir` (the directory of the partial file, so that the spool takes
    /// the space the file will take, where it will take it), full past `cap` bytes of parts
    /// ([`PARTS_CAP`] for `deter sweep --shard`; tests reach a small cap with a few parts).
    pub fn new_in(dir: &std::path::Path, cap: u64) -> std::io::Result<Self> {
        Ok(Self {
            file: std::io::BufWriter::new(tempfile::tempfile_in(dir)?),
            checksum: PartsChecksum::default(),
            parts: 0,
            bytes: 0,
            cap,
        })
    }

    /// Whether the parts written so far are past the cap: the shard must stop.
    pub fn full(&self) -> bool {
        self.bytes > self.cap
    }

    /// Append one part (parts come in the order the file lists them).
    pub fn push(&mut self, part: &Part) -> std::io::Result<()> {
        let mut counting = Counting {
            inner: &mut self.file,
            bytes: 0,
        };
        write_entry(&mut counting, self.parts == 0, part)?;
        self.bytes += counting.bytes;
        self.checksum.add_part(part);
        self.parts += 1;
        Ok(())
    }

    /// Bytes of the parts written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Write the partial file of `shard` of `inv` with these parts to `w`: header (with the
    /// parts' checksum), `timing`, the spooled parts copied through a small buffer, and the
    /// input `file` with its `text` (and a nested run's `posterior`).
    #[allow(clippy::too_many_arguments)]
    pub fn write_file<W: Write>(
        self,
        w: &mut W,
        inv: Invocation,
        shard: super::Shard,
        timing: Timing,
        file: &std::path::Path,
        text: String,
        posterior: Option<&Source>,
    ) -> std::io::Result<()> {
        use std::io::Seek;
        let Self {
            file: spool,
            checksum,
            ..
        } = self;
        let parts_sha256 = checksum.finish();
        let mut spool = spool.into_inner().map_err(|e| e.into_error())?;
        spool.seek(std::io::SeekFrom::Start(0))?;
        let header = header_of(inv, shard, parts_sha256);
        write_layout(
            w,
            &header,
            &timing,
            |w| std::io::copy(&mut spool, w).map(|_| ()),
            None,
            &source_of(file, text),
            posterior,
        )
    }
}

/// The checksum of a partial file's `parts` (`header.parts_sha256`): SHA-256 (hex) of their
/// compact JSON as serde_json writes the parsed value, so a writer (from the typed parts) and
/// a reader (from the file's JSON) compute it on the same text, whatever the file's spacing.
pub fn parts_sha256(parts: &serde_json::Value) -> String {
    crate::output::sha256_hex(&serde_json::to_vec(parts).expect("JSON values always serialise"))
}

/// [`parts_sha256`] computed one part at a time, on the same text (`[`, each part's compact
/// JSON separated by `,`, `]`): by a shard that spools its parts ([`PartsSpool`]) and by a
/// merge that streams them (`super::stream`), neither holding the whole array.
#[derive(Default)]
pub struct PartsChecksum {
    hasher: sha2::Sha256,
    parts: u64,
}

impl PartsChecksum {
    /// Add the next part, as the JSON value the file holds.
    #[cfg(test)]
    pub fn add(&mut self, part: &serde_json::Value) {
        use sha2::Digest;
        self.hasher.update(if self.parts == 0 { "[" } else { "," });
        self.hasher
            .update(serde_json::to_vec(part).expect("JSON values always serialise"));
        self.parts += 1;
    }

    /// Add the next part, typed: the same text as [`PartsChecksum::add`] of its JSON value,
    /// streamed into the hash without building the value (`super::canon`).
    pub fn add_part(&mut self, part: &Part) {
        use sha2::Digest;
        self.hasher.update(if self.parts == 0 { "[" } else { "," });
        super::canon::write(part, &mut Hashing(&mut self.hasher))
            .expect("partial-file types always serialise");
        self.parts += 1;
    }

    /// The checksum (hex) of the parts added.
    pub fn finish(mut self) -> String {
        use sha2::Digest;
        self.hasher.update(if self.parts == 0 { "[]" } else { "]" });
        self.hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A hash as a writer.
pub struct Hashing<'a>(pub &'a mut sha2::Sha256);

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// SHA-256 (hex) of the running executable, or `"unknown"` if it cannot be read.
pub fn engine_build() -> String {
    std::env::current_exe()
        .and_then(std::fs::read)
        .map(|bytes| crate::output::sha256_hex(&bytes))
        .unwrap_or_else(|_| "unknown".into())
}

/// Compact JSON of a partial-file type. These always serialise: no maps, and the only float
/// (`timing.wall_seconds`) is made finite by the writer (serde_json would write NaN as null).
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("partial-file types always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The running checksum a shard and a streaming merge compute equals the whole array's,
    /// for none, one and several parts (a change to either form alone turns this red).
    #[test]
    fn the_running_checksum_is_the_whole_arrays() {
        let values: Vec<serde_json::Value> = vec![
            serde_json::json!({"point": 0, "tallies": {"runs": "12", "xs": [1, 2.5, -3]}}),
            serde_json::json!({"point": 1, "tallies": {}}),
            serde_json::json!([null, true, "a,b]"]),
        ];
        for n in 0..=values.len() {
            let mut running = PartsChecksum::default();
            for v in &values[..n] {
                running.add(v);
            }
            let whole = serde_json::Value::Array(values[..n].to_vec());
            assert_eq!(running.finish(), parts_sha256(&whole), "{n} parts");
        }
    }
}
