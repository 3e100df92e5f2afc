//! JSON exporter: the stable, documented contract (docs/OUTPUT.md).

use std::io::Write;

use super::Report;

/// Pretty-printed JSON with a trailing newline.
pub fn to_json(report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    write_json(&mut out, report).expect("writing to memory cannot fail");
    out
}

/// [`to_json`] streamed to `w`: serialised straight into the writer, never held whole.
pub fn write_json<W: Write>(w: W, value: &impl serde::Serialize) -> std::io::Result<()> {
    let mut w = w;
    serde_json::to_writer_pretty(&mut w, value).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

/// A writer that prefixes every line of what goes through it with two spaces: a pretty JSON
/// value written through it is an element of a pretty array (a line starts with the first
/// byte written after a newline, so a value without a trailing newline gets no empty
/// indented line after it).
pub struct Indented<W: Write> {
    inner: W,
    at_line_start: bool,
}

impl<W: Write> Indented<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            at_line_start: true,
        }
    }
}

impl<W: Write> Write for Indented<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            if self.at_line_start {
                self.inner.write_all(b"  ")?;
                self.at_line_start = false;
            }
            let line = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.at_line_start = true;
                    &rest[..=i]
                }
                None => rest,
            };
            self.inner.write_all(line)?;
            rest = &rest[line.len()..];
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Pretty JSON of `value` without a trailing newline, every line indented by two spaces:
/// an element of a pretty array, streamed to `w`.
pub fn write_json_element<W: Write>(w: W, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(Indented::new(w), value).map_err(std::io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indenting writer gives the text a line-by-line prefix would, whatever the chunks
    /// the serialiser writes in.
    #[test]
    fn indented_writer_prefixes_every_line() {
        let text = b"{\n  \"a\": [\n    1\n  ]\n}";
        for chunk in 1..text.len() {
            let mut out = Vec::new();
            let mut w = Indented::new(&mut out);
            for part in text.chunks(chunk) {
                w.write_all(part).unwrap();
            }
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "  {\n    \"a\": [\n      1\n    ]\n  }",
                "chunks of {chunk}"
            );
        }
    }
}
