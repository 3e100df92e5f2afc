//! A partial file read piece by piece: its header, timing and source whole (small), its
//! parts one at a time, each handed to the caller and dropped before the next is read, so
//! that reading a file holds one part whatever the number of parts (a sweep shard's points).
//!
//! A pass accepts what the whole-file reader accepts (any JSON layout of the same keys and
//! values, a UTF-8 byte-order mark) and checks what it checks (format and version, each
//! part's types through the same serde types, the parts' checksum computed on the same
//! text); where it stops, the caller reads the file whole to say why in the words every
//! reader of it uses (`super::read_part`). It also rebuilds, piece by piece as it parses,
//! the bytes a shard writes for what it read (`partial::member` and the entries' writers,
//! into a hash) and says whether they are the file's ([`Outline::as_written`]): an edit
//! that leaves every value the same (an explicit `null`, a removed field that has a
//! default, spacing) passes the checks above, and the merge refuses it by that.

use std::io::{BufRead, Read, Write};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use sha2::Digest;

use super::partial::{
    self, FORMAT, FORMAT_VERSION, Hashing, Header, Part, PartsChecksum, RowsChecksum, Source,
    Timing,
};

/// What one pass over a partial file found besides its parts.
pub(super) struct Outline {
    pub header: Header,
    pub timing: Timing,
    pub source: Source,
    /// A nested run's posterior (`posterior`), when the file carries one.
    pub posterior: Option<Source>,
    /// SHA-256 of every byte of the file, to tell a second pass that read other bytes.
    pub digest: [u8; 32],
    /// Whether the file carries per-run rows (`per_run`).
    pub rows: bool,
    /// Whether the file is byte for byte what a shard writes for the values read from it
    /// (a UTF-8 byte-order mark aside, which every reader skips).
    pub as_written: bool,
}

/// Read the partial file `reader` gives, at most `limit` bytes of it, and hand each part to
/// `on_part` and each per-run row (without its newline) to `on_row`, in file order. The error
/// says where the pass stopped (a serde message, or `on_part`'s or `on_row`'s); the caller
/// decides what to report.
pub(super) fn pass<R: Read>(
    reader: R,
    limit: u64,
    on_part: &mut dyn FnMut(Part) -> Result<(), String>,
    on_row: &mut dyn FnMut(&str) -> Result<(), String>,
) -> Result<Outline, String> {
    let mut counted = Counted {
        inner: reader,
        hasher: sha2::Sha256::new(),
        read: 0,
        limit,
    };
    let mut parts = PartsChecksum::default();
    let mut rows = None;
    let mut rewrite = Rewrite::default();
    let (header, timing, source, posterior) = {
        let mut buffered = std::io::BufReader::with_capacity(64 << 10, &mut counted);
        // A UTF-8 byte-order mark is skipped, as every input kind skips it.
        if buffered
            .fill_buf()
            .map_err(|e| e.to_string())?
            .starts_with(b"\xef\xbb\xbf")
        {
            buffered.consume(3);
            rewrite.hasher.update(b"\xef\xbb\xbf");
        }
        let mut de = serde_json::Deserializer::from_reader(&mut buffered);
        let found = FileSeed {
            on_part,
            parts: &mut parts,
            on_row,
            rows: &mut rows,
            rewrite: &mut rewrite,
        }
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        found
    };
    if header.format != FORMAT || header.format_version != FORMAT_VERSION {
        return Err("not a partial file of this format version".into());
    }
    if parts.finish() != header.parts_sha256 {
        return Err("the parts do not match their checksum".into());
    }
    let has_rows = rows.is_some();
    if rows.map(RowsChecksum::finish) != header.per_run_sha256 {
        return Err("the per-run rows do not match their checksum".into());
    }
    let digest: [u8; 32] = counted.hasher.finalize().into();
    let rewritten: [u8; 32] = rewrite.hasher.finalize().into();
    Ok(Outline {
        header,
        timing,
        source,
        posterior,
        digest,
        rows: has_rows,
        as_written: rewrite.in_order && rewritten == digest,
    })
}

/// The bytes of a reader, counted and hashed on their way to the parser, refused past a
/// limit (as the whole-file reader refuses a larger file).
struct Counted<R> {
    inner: R,
    hasher: sha2::Sha256,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other(format!(
                "the file is larger than {} bytes",
                self.limit
            )));
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// The bytes a shard writes for the values a pass has read so far, hashed: each top-level
/// member as it comes ([`Rewrite::member`]), then its value as the writer writes it.
struct Rewrite {
    hasher: sha2::Sha256,
    /// The index in [`partial::KEYS`] the next member may have at least.
    next: usize,
    /// Whether the members came in the order the writer writes them.
    in_order: bool,
}

impl Default for Rewrite {
    fn default() -> Self {
        Self {
            hasher: sha2::Sha256::new(),
            next: 0,
            in_order: true,
        }
    }
}

impl Rewrite {
    /// The writer's bytes up to the value of the top-level member `key`.
    fn member(&mut self, key: &str) {
        let at = partial::KEYS.iter().position(|k| *k == key);
        self.in_order &= at.is_some_and(|at| at >= self.next);
        self.next = at.map_or(self.next, |at| at + 1);
        self.write(|w| partial::member(w, key));
    }

    /// Add what `f` writes to the hash.
    fn write(&mut self, f: impl FnOnce(&mut Hashing<'_>) -> std::io::Result<()>) {
        f(&mut Hashing(&mut self.hasher)).expect("a hash takes every byte");
    }
}

/// The whole file: a JSON object of the keys of [`super::PartialFile`], each once, in any
/// order; the parts through [`PartsSeed`], the per-run rows (if any) through [`RowsSeed`].
struct FileSeed<'a> {
    on_part: &'a mut dyn FnMut(Part) -> Result<(), String>,
    parts: &'a mut PartsChecksum,
    on_row: &'a mut dyn FnMut(&str) -> Result<(), String>,
    rows: &'a mut Option<RowsChecksum>,
    rewrite: &'a mut Rewrite,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = (Header, Timing, Source, Option<Source>);

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = (Header, Timing, Source, Option<Source>);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a deter partial file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut header, mut timing, mut source, mut parts) = (None, None, None, false);
        let mut posterior = None;
        let rewrite = self.rewrite;
        while let Some(key) = map.next_key::<String>()? {
            rewrite.member(&key);
            match key.as_str() {
                "header" if header.is_none() => {
                    let h = map.next_value::<Header>()?;
                    rewrite.write(|w| partial::write_value(w, &h));
                    header = Some(h);
                }
                "timing" if timing.is_none() => {
                    let t = map.next_value::<Timing>()?;
                    rewrite.write(|w| partial::write_value(w, &t));
                    timing = Some(t);
                }
                "source" if source.is_none() => {
                    let s = map.next_value::<Source>()?;
                    rewrite.write(|w| partial::write_value(w, &s));
                    source = Some(s);
                }
                "posterior" if posterior.is_none() => {
                    let s = map.next_value::<Source>()?;
                    rewrite.write(|w| partial::write_value(w, &s));
                    posterior = Some(s);
                }
                "parts" if !parts => {
                    rewrite.write(|w| w.write_all(b"["));
                    map.next_value_seed(PartsSeed {
                        on_part: &mut *self.on_part,
                        checksum: &mut *self.parts,
                        rewrite: &mut *rewrite,
                    })?;
                    rewrite.write(|w| w.write_all(partial::ARRAY_END));
                    parts = true;
                }
                "per_run" if self.rows.is_none() => {
                    let mut checksum = RowsChecksum::default();
                    rewrite.write(|w| w.write_all(b"["));
                    map.next_value_seed(RowsSeed {
                        on_row: &mut *self.on_row,
                        checksum: &mut checksum,
                        rewrite: &mut *rewrite,
                    })?;
                    rewrite.write(|w| w.write_all(partial::ARRAY_END));
                    *self.rows = Some(checksum);
                }
                other => return Err(de::Error::custom(format!("unexpected key `{other}`"))),
            }
        }
        rewrite.write(|w| w.write_all(partial::FILE_END));
        match (header, timing, source, parts) {
            (Some(h), Some(t), Some(s), true) => Ok((h, t, s, posterior)),
            _ => Err(de::Error::custom("a key of the partial file is missing")),
        }
    }
}

/// The `parts` array, one element at a time: each parsed as a [`Part`] straight from the
/// text, added to the running [`PartsChecksum`] (its canonical JSON, the text a JSON value
/// of it writes: the values the merge reads are the ones the checksum covers), handed on and
/// dropped. Parsed as a JSON value first, a part of a large scenario took several times its
/// tallies.
struct PartsSeed<'a> {
    on_part: &'a mut dyn FnMut(Part) -> Result<(), String>,
    checksum: &'a mut PartsChecksum,
    rewrite: &'a mut Rewrite,
}

impl<'de> DeserializeSeed<'de> for PartsSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PartsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the array of a partial file's parts")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut first = true;
        while let Some(part) = seq.next_element::<Part>()? {
            self.checksum.add_part(&part);
            let first = std::mem::take(&mut first);
            self.rewrite
                .write(|w| partial::write_entry(w, first, &part));
            (self.on_part)(part).map_err(de::Error::custom)?;
        }
        Ok(())
    }
}

/// The `per_run` array, one row at a time: each added to the running [`RowsChecksum`],
/// handed on and dropped.
struct RowsSeed<'a> {
    on_row: &'a mut dyn FnMut(&str) -> Result<(), String>,
    checksum: &'a mut RowsChecksum,
    rewrite: &'a mut Rewrite,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the array of a partial file's per-run rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut first = true;
        while let Some(row) = seq.next_element::<String>()? {
            self.checksum.add(&row);
            let first = std::mem::take(&mut first);
            self.rewrite.write(|w| partial::write_entry(w, first, &row));
            (self.on_row)(&row).map_err(de::Error::custom)?;
        }
        Ok(())
    }
}
