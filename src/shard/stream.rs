//! A partial file read piece by piece: its header, timing and source whole (small), its
//! parts one at a time, each handed to the caller and dropped before the next is read, so
//! that reading a file holds one part whatever the number of parts (a sweep shard's points).
//!
//! A pass accepts what the whole-file reader accepts (any JSON layout of the same keys and
//! values, a UTF-8 byte-order mark) and checks what it checks (format and version, each
//! part's types through the same serde types, the parts' checksum computed on the same
//! text); where it stops, the caller reads the file whole to say why in the words every
//! reader of it uses (`super::read_part`).

use std::io::{BufRead, Read};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use sha2::Digest;

use super::partial::{
    FORMAT, FORMAT_VERSION, Header, Part, PartsChecksum, RowsChecksum, Source, Timing,
};

/// What one pass over a partial file found besides its parts.
pub(super) struct Outline {
    pub header: Header,
    pub timing: Timing,
    pub source: Source,
    /// SHA-256 of every byte of the file, to tell a second pass that read other bytes.
    pub digest: [u8; 32],
    /// Whether the file carries per-run rows (`per_run`).
    pub rows: bool,
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
    let (header, timing, source) = {
        let mut buffered = std::io::BufReader::with_capacity(64 << 10, &mut counted);
        // A UTF-8 byte-order mark is skipped, as every input kind skips it.
        if buffered
            .fill_buf()
            .map_err(|e| e.to_string())?
            .starts_with(b"\xef\xbb\xbf")
        {
            buffered.consume(3);
        }
        let mut de = serde_json::Deserializer::from_reader(&mut buffered);
        let found = FileSeed {
            on_part,
            parts: &mut parts,
            on_row,
            rows: &mut rows,
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
    Ok(Outline {
        header,
        timing,
        source,
        digest: counted.hasher.finalize().into(),
        rows: has_rows,
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

/// The whole file: a JSON object of the keys of [`super::PartialFile`], each once, in any
/// order; the parts through [`PartsSeed`], the per-run rows (if any) through [`RowsSeed`].
struct FileSeed<'a> {
    on_part: &'a mut dyn FnMut(Part) -> Result<(), String>,
    parts: &'a mut PartsChecksum,
    on_row: &'a mut dyn FnMut(&str) -> Result<(), String>,
    rows: &'a mut Option<RowsChecksum>,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = (Header, Timing, Source);

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = (Header, Timing, Source);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a deter partial file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut header, mut timing, mut source, mut parts) = (None, None, None, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "header" if header.is_none() => header = Some(map.next_value::<Header>()?),
                "timing" if timing.is_none() => timing = Some(map.next_value::<Timing>()?),
                "source" if source.is_none() => source = Some(map.next_value::<Source>()?),
                "parts" if !parts => {
                    map.next_value_seed(PartsSeed {
                        on_part: &mut *self.on_part,
                        checksum: &mut *self.parts,
                    })?;
                    parts = true;
                }
                "per_run" if self.rows.is_none() => {
                    let mut checksum = RowsChecksum::default();
                    map.next_value_seed(RowsSeed {
                        on_row: &mut *self.on_row,
                        checksum: &mut checksum,
                    })?;
                    *self.rows = Some(checksum);
                }
                other => return Err(de::Error::custom(format!("unexpected key `{other}`"))),
            }
        }
        match (header, timing, source, parts) {
            (Some(h), Some(t), Some(s), true) => Ok((h, t, s)),
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
        while let Some(part) = seq.next_element::<Part>()? {
            self.checksum.add_part(&part);
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
        while let Some(row) = seq.next_element::<String>()? {
            self.checksum.add(&row);
            (self.on_row)(&row).map_err(de::Error::custom)?;
        }
        Ok(())
    }
}
