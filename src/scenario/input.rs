//! The TOML input core shared by every file kind deter reads (scenario files and sweep
//! files): bounded reading, decoding (size, UTF-16, NUL bytes, UTF-8), parsing with spans,
//! syntax errors with their key path, unknown keys with a did-you-mean, type errors, exact
//! integers and finite numbers.
//!
//! **Architecture Invariant:** the same fault gets the same message in every file kind; a
//! reader for a new kind of file is a thin layer of key lists and checks over [`Input`].
//! Integers are read from their digits, never through a 64-bit float, so every value up to
//! `i64::MAX` is exact.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::diagnostic::{Diagnostic, Diagnostics};
use super::path::closest;

/// A TOML value with its byte span in the file.
pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

/// What a file kind says in file-level messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileKind {
    /// "scenario" or "sweep".
    pub noun: &'static str,
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// What a minimal file of this kind holds (for empty files).
    pub minimum: &'static str,
}

/// Read at most one byte more than `limit`, so that `/dev/zero`, a FIFO or a huge file cannot
/// exhaust memory before the size check (`bytes.len() > limit` means "too large").
///
/// While it runs, [`reading_inputs`] is true: opening or reading a FIFO blocks until a
/// writer comes, and the command line's Ctrl-C handler then ends the process (nothing is
/// written yet) instead of waiting for a check between runs that would never come.
pub fn read_bounded(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let _reading = READING.start();
    #[cfg(test)]
    READS.with(|n| n.set(n.get() + 1));
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
thread_local! {
    /// Files this thread has read through [`read_bounded`].
    static READS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// What `f` returns, and how many files it read through [`read_bounded`] (tests).
#[cfg(test)]
pub fn counting_reads<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let n = || READS.with(|n| n.get());
    let before = n();
    let out = f();
    (out, n() - before)
}

/// Inputs being opened or read right now ([`read_bounded`]).
static READING: crate::output::Activity = crate::output::Activity::new();

/// Whether an input file is being opened or read right now (in any thread).
pub fn reading_inputs() -> bool {
    READING.active()
}

/// `the file is larger than LIMIT bytes, the limit for NOUN files`: the one message for an
/// input over its size bound, in every file kind.
pub(crate) fn too_large(limit: usize, noun: &str) -> String {
    format!("the file is larger than {limit} bytes, the limit for {noun} files")
}

/// Read an input file that is not TOML (a sweep's results CSV) with the size bound and the
/// file-level messages of every TOML kind (`FILE: error: cannot read file: ...`,
/// [`too_large`]); records it as an input ([`crate::output::note_input`]).
pub(crate) fn read_input_bytes(
    path: &Path,
    noun: &str,
    limit: usize,
) -> Result<Vec<u8>, Diagnostics> {
    read_input(path, &path.display().to_string(), noun, limit)
}

/// The bytes of the input file at `path` (shown as `shown`), at most `limit` of them, with the
/// file-level messages of every kind (`noun` names the kind in [`too_large`]); recorded as an
/// input ([`crate::output::note_input`]). [`read_text`] and [`read_input_bytes`] read through it.
fn read_input(path: &Path, shown: &str, noun: &str, limit: usize) -> Result<Vec<u8>, Diagnostics> {
    crate::output::note_input(path);
    let bytes =
        read_bounded(path, limit).map_err(|e| Diagnostics(vec![unreadable(path, shown, noun, &e)]))?;
    if bytes.len() > limit {
        return Err(Diagnostics(vec![Diagnostic::file_level(
            shown,
            too_large(limit, noun),
        )]));
    }
    Ok(bytes)
}

/// `cannot read file: ERROR`, the one message for an input that cannot be read, in every file
/// kind; for `-` that does not exist (the Unix spelling of standard input, which no command
/// reads), it says so and what to do instead.
pub(crate) fn unreadable(path: &Path, shown: &str, noun: &str, e: &std::io::Error) -> Diagnostic {
    if path == Path::new("-") && e.kind() == std::io::ErrorKind::NotFound {
        // "scenario files", but "file lists" (not "file list files").
        let kind = if noun.ends_with("list") {
            format!("{noun}s")
        } else {
            format!("{noun} files")
        };
        return Diagnostic::file_level(
            shown,
            format!(
                "cannot read file: there is no file `-`, and reading {kind} from standard \
                 input is not supported"
            ),
        )
        .with_help(Some(
            "save it to a file and give that file's path instead of `-`".into(),
        ));
    }
    let d = Diagnostic::file_level(shown, format!("{CANNOT_READ}{e}"));
    match (e.kind(), similar_file(path)) {
        (std::io::ErrorKind::NotFound, Some(name)) => {
            d.with_help(Some(format!("did you mean `{}`?", with_file_name(shown, &name))))
        }
        _ => d,
    }
}

/// The name of the file beside `path` (in its directory) closest to its name, when `path`
/// does not exist and one is a letter or two from it (`scenario::closest`, the did-you-mean
/// of every name): `shea-special-envy.toml` -> `shea-special-envoy.toml`.
pub(crate) fn similar_file(path: &Path) -> Option<String> {
    if path.symlink_metadata().is_ok() {
        return None;
    }
    let name = path.file_name()?.to_str()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .take(10_000)
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n != name && !n.starts_with('.') && near_name(name, n))
        .collect();
    super::closest(name, &names).filter(|s| !s.contains('`'))
}

/// Whether the file name `b` is a letter or two from `a`: with the same extension, their stems
/// a letter or two apart and alike (`wb.toml` is not `ov.toml`, nor `no-such-base.toml`
/// `missing-base.toml`: names of one directory share extensions and words, which a similarity
/// of whole names counts); with another extension, one letter apart (`results.cs`).
fn near_name(a: &str, b: &str) -> bool {
    let ((sa, ea), (sb, eb)) = (
        a.rsplit_once('.').unwrap_or((a, "")),
        b.rsplit_once('.').unwrap_or((b, "")),
    );
    if ea == eb {
        strsim::damerau_levenshtein(sa, sb) <= 2
            && strsim::normalized_damerau_levenshtein(sa, sb) >= 0.6
    } else {
        strsim::damerau_levenshtein(a, b) <= 1
    }
}

/// `shown` (a path as the user wrote it) with its last component replaced by `name`.
pub(crate) fn with_file_name(shown: &str, name: &str) -> String {
    match shown.rfind('/') {
        Some(i) => format!("{}{name}", &shown[..=i]),
        None => name.to_string(),
    }
}

/// The start of [`unreadable`]'s message.
const CANNOT_READ: &str = "cannot read file: ";

/// Read and decode the file at `path` (shown as `shown` in diagnostics).
pub(crate) fn read_text(path: &Path, shown: &str, kind: FileKind) -> Result<String, Diagnostics> {
    let bytes = read_input(path, shown, kind.noun, kind.max_bytes)?;
    decode(&bytes, shown, kind)
}

/// Hide the content of a file named by another file (a scenario's `extends`, a sweep's `base`,
/// a calibration's record) that turned out not to be TOML at all: its diagnostics in `shown`
/// become "not a TOML `noun` file (the first words of the fault; its content is not shown)",
/// without snippet, key path or help, so a mistyped path never prints a binary or private file.
/// A file whose name ends in `.toml` is the user's TOML file with a fault in it: its
/// diagnostics stay as `deter validate` gives them for the file itself (line, snippet, help).
pub(crate) fn conceal_not_toml(mut d: Diagnostics, shown: &str, noun: &str) -> Diagnostics {
    if shown.to_ascii_lowercase().ends_with(".toml") {
        return d;
    }
    for x in d.0.iter_mut().filter(|x| x.file == shown) {
        let not_toml = x.message.starts_with("TOML syntax error")
            || x.message.starts_with("the file is not valid UTF-8")
            || x.message.starts_with("the file contains a NUL byte");
        if not_toml {
            x.message = format!(
                "not a TOML {noun} file ({}; its content is not shown)",
                x.message.split(':').next().unwrap_or("unreadable")
            );
            x.snippet = None;
            x.path.clear();
            x.help = None;
        }
    }
    d
}

/// The UTF-8 byte-order mark some editors write at the start of a text file.
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// The one check of an input's byte-order mark, for every file kind and command (scenario,
/// sweep, calibration and record files, results CSV, partial files, draws): a UTF-16 file is
/// refused with one message; a UTF-8 mark is skipped (the text after it is read, its lines
/// and columns counted from it), so a file an editor saved "UTF-8 with BOM" reads as without.
pub(crate) fn skip_bom<'b>(bytes: &'b [u8], file: &str) -> Result<&'b [u8], Box<Diagnostic>> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Box::new(
            Diagnostic::file_level(
                file,
                "the file is UTF-16 text (it starts with a UTF-16 byte-order mark)".into(),
            )
            .with_help(Some("save the file as UTF-8 text".into())),
        ));
    }
    Ok(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes))
}

/// A fault inside the text at byte `at`: placed at its line and column (of the valid text
/// before it).
fn at_byte(bytes: &[u8], file: &str, at: usize, message: String) -> Diagnostic {
    let prefix = String::from_utf8_lossy(&bytes[..at]);
    let (line, col) = super::diagnostic::line_col(&prefix, prefix.len());
    let mut d = Diagnostic::file_level(file, message);
    d.line = line;
    d.col = col;
    d
}

/// [`at_byte`] in a TOML file: with the key path of the text there.
fn at_toml_byte(bytes: &[u8], file: &str, at: usize, message: String) -> Diagnostic {
    let mut d = at_byte(bytes, file, at, message);
    let prefix = String::from_utf8_lossy(&bytes[..at]);
    d.path = syntax_error_path(&prefix, prefix.len());
    d
}

/// The text of an input file's bytes, in every file kind and command: its byte-order mark
/// checked ([`skip_bom`]), then UTF-8, refused at the line and column of the first byte that
/// is not ("the file is not valid UTF-8 (invalid byte 0x..)").
pub(crate) fn utf8_text<'b>(bytes: &'b [u8], file: &str) -> Result<&'b str, Box<Diagnostic>> {
    utf8_after_bom(skip_bom(bytes, file)?, file)
}

/// [`utf8_text`] of bytes whose byte-order mark was already checked ([`skip_bom`]): a second
/// mark is text, not skipped again.
fn utf8_after_bom<'b>(bytes: &'b [u8], file: &str) -> Result<&'b str, Box<Diagnostic>> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = e.valid_up_to();
        Box::new(at_byte(
            bytes,
            file,
            good,
            format!(
                "the file is not valid UTF-8 (invalid byte 0x{:02x})",
                bytes[good]
            ),
        )
        .with_help(Some("save the file as UTF-8 text".into())))
    })
}

/// Check the bytes of an input file and return its text: size, byte-order mark, NUL bytes,
/// UTF-8.
pub(crate) fn decode(bytes: &[u8], file: &str, kind: FileKind) -> Result<String, Diagnostics> {
    let fail = |d: Diagnostic| Err(Diagnostics(vec![d]));
    if bytes.len() > kind.max_bytes {
        return fail(Diagnostic::file_level(
            file,
            too_large(kind.max_bytes, kind.noun),
        ));
    }
    let bytes = match skip_bom(bytes, file) {
        Ok(b) => b,
        Err(d) => return fail(*d),
    };
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return fail(at_toml_byte(
            bytes,
            file,
            at,
            format!(
                "the file contains a NUL byte: it is binary, not a TOML {} file",
                kind.noun
            ),
        ));
    }
    match utf8_after_bom(bytes, file) {
        Ok(s) => Ok(s.to_string()),
        Err(mut d) => {
            // The key path of the text before the fault, as every TOML fault has.
            let at = std::str::from_utf8(bytes).err().map_or(0, |e| e.valid_up_to());
            d.path = at_toml_byte(bytes, file, at, String::new()).path;
            fail(*d)
        }
    }
}

/// Parse decoded text: an empty file, a file of comments only and TOML syntax errors are
/// reported here, with the key path and a hint.
pub(crate) fn parse<'i>(
    src: &'i str,
    file: &str,
    kind: FileKind,
) -> Result<Spanned<DeTable<'i>>, Diagnostics> {
    // The same message for every file kind and command (`deter validate` cannot tell the
    // kind of an empty file); what this kind needs is the help line.
    let empty = |what: &str| {
        Err(Diagnostics(vec![
            Diagnostic::file_level(file, format!("the file {what}")).with_help(Some(format!(
                "a {} file needs at least {}",
                kind.noun, kind.minimum
            ))),
        ]))
    };
    if src.trim().is_empty() {
        return empty("is empty");
    }
    let doc = match DeTable::parse(src) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let mut msg = e.message().trim().to_string();
            let path = syntax_error_path(src, span.start);
            let text = src.get(span.clone()).unwrap_or("").trim();
            if msg == "duplicate key" && !text.is_empty() && text.len() <= 64 {
                msg = format!("duplicate key `{text}`");
            }
            let mut d = Diagnostic::at(
                file,
                src,
                span.clone(),
                &path,
                format!("TOML syntax error: {msg}"),
            )
            .with_help(lone_cr_help(src, span.start).or_else(|| syntax_help(src, span.start)));
            if msg.starts_with("duplicate key")
                && let Some((table, help)) = table_before_array(src, span.start)
            {
                d = d
                    .with_note_at(src, table, "made a table here")
                    .with_help(Some(help));
            }
            return Err(Diagnostics(vec![d]));
        }
    };
    if doc.get_ref().is_empty() {
        return empty("holds only comments");
    }
    Ok(doc)
}

/// A duplicate key at an array-of-tables header `[[X]]` whose name an earlier table header
/// took (`[X]` or `[X.sub]`, as `[country.military]` written before the first `[[country]]`):
/// the earlier header's span and a help line. The reader says only "duplicate key" at
/// `[[X]]`, which is not where the fault is.
fn table_before_array(src: &str, at: usize) -> Option<(Range<usize>, String)> {
    let name_of = |header: &str, open: &str, close: &str| -> Option<String> {
        let inner = header.trim().strip_prefix(open)?;
        let inner = inner.split('#').next()?.trim_end().strip_suffix(close)?;
        Some(inner.split('.').map(str::trim).collect::<Vec<_>>().join("."))
    };
    let line_start = src[..at.min(src.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = src[line_start..].lines().next()?;
    let array = name_of(line, "[[", "]]")?;
    let mut offset = 0;
    for l in src[..line_start].split_inclusive('\n') {
        let t = l.trim_start();
        if !t.starts_with("[[")
            && let Some(table) = name_of(t, "[", "]")
            && (table == array || table.starts_with(&format!("{array}.")))
        {
            let start = offset + (l.len() - t.len());
            let end = start + t.trim_end().len();
            let help = if table == array {
                format!(
                    "`[{array}]` makes `{array}` one table, and `[[{array}]]` an entry of an \
                     array of tables: write each entry as `[[{array}]]`"
                )
            } else {
                format!(
                    "`[{table}]` comes before any `[[{array}]]`, so `{array}` is already a \
                     table: write `[{table}]` after the `[[{array}]]` it belongs to"
                )
            };
            return Some((start..end, help));
        }
        offset += l.len();
    }
    None
}

/// A hint for a syntax error at a carriage return not followed by a newline. A file saved
/// with the classic Mac OS line endings (a carriage return alone) is one line to a TOML
/// reader: its first fault was said at line 1 and a column past the first line's end, with
/// no word of the line endings.
fn lone_cr_help(src: &str, at: usize) -> Option<String> {
    let bytes = src.as_bytes();
    let lone = |i: usize| bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) != Some(&b'\n');
    // The reader's span is the byte after the carriage return (or the return itself).
    if !(lone(at) || (at > 0 && lone(at - 1))) {
        return None;
    }
    let lone_crs = (0..bytes.len()).filter(|&i| lone(i)).count();
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    Some(if lone_crs > newlines {
        format!(
            "the file ends its lines with a carriage return alone (classic Mac OS line endings: \
             {lone_crs} of them, {newlines} newlines), so it reads as {} line{} and its \
             positions count newlines only: save it with LF or CR LF line endings (e.g. \
             `tr '\\r' '\\n' < FILE > NEW`)",
            newlines + 1,
            if newlines == 0 { "" } else { "s" },
        )
    } else {
        "a carriage return here is not followed by a newline: a line ends with LF or CR LF; \
         remove the stray carriage return"
            .to_string()
    })
}

/// A hint for the commonest syntax error: an unquoted string value (`status = nato_member`).
fn syntax_help(src: &str, at: usize) -> Option<String> {
    let at = (0..=at.min(src.len()))
        .rev()
        .find(|&i| src.is_char_boundary(i))?;
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = src[line_start..].lines().next()?;
    let (key, value) = line.split_once('=')?;
    let value = value.split('#').next()?.trim();
    let word = value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'))
        && !matches!(value, "true" | "false" | "nan" | "inf");
    word.then(|| format!("strings must be quoted: {} = \"{value}\"", key.trim()))
}

/// The key path of a syntax error, best effort from the text alone (the document did not
/// parse): the last table header before `at`, with array-of-tables indices counted as the
/// readers count them (`country[1].military`), and the key of the line holding `at`.
pub(crate) fn syntax_error_path(src: &str, at: usize) -> String {
    let mut at = at.min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut header = String::new();
    for line in src[..line_start].lines() {
        let line = line.trim();
        let (name, is_array) = if let Some(rest) = line.strip_prefix("[[") {
            (rest.split("]]").next().unwrap_or(""), true)
        } else if let Some(rest) = line.strip_prefix('[') {
            (rest.split(']').next().unwrap_or(""), false)
        } else {
            continue;
        };
        let name: String = name.split('.').map(str::trim).collect::<Vec<_>>().join(".");
        if is_array {
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => counts.push((name.clone(), 0)),
            }
        }
        // Index every array-of-tables prefix: [country.military] -> country[k].military.
        let mut path = String::new();
        let mut prefix = String::new();
        for part in name.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
                path.push('.');
            }
            prefix.push_str(part);
            path.push_str(part);
            if let Some((_, c)) = counts.iter().find(|(n, _)| *n == prefix) {
                path.push_str(&format!("[{c}]"));
            }
        }
        header = path;
    }
    let line = src[line_start..].lines().next().unwrap_or("").trim();
    if line.starts_with('[') {
        // The error is in a header: name the table being opened, its array-of-tables
        // prefixes indexed as above (a second `[country.political]` in the second country
        // is `country[1].political`, as every other fault in that table is named).
        let name = line.trim_start_matches('[');
        let name = name.split(']').next().unwrap_or("").trim();
        let ok = name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !ok {
            return header;
        }
        let parts: Vec<&str> = name.split('.').map(str::trim).collect();
        let mut path = String::new();
        let mut prefix = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                prefix.push('.');
                path.push('.');
            }
            prefix.push_str(part);
            path.push_str(part);
            // The last part is the table or array being opened, not one of its elements.
            if i + 1 < parts.len()
                && let Some((_, c)) = counts.iter().find(|(n, _)| *n == prefix)
            {
                path.push_str(&format!("[{c}]"));
            }
        }
        return path;
    }
    let key = match line.split_once('=') {
        Some((k, _)) if !line.starts_with('#') => k.trim(),
        _ => "",
    };
    let key_ok = !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '"'));
    let key: String = if key_ok {
        key.split('.')
            .map(|k| k.trim().trim_matches('"'))
            .collect::<Vec<_>>()
            .join(".")
    } else {
        String::new()
    };
    match (header.is_empty(), key.is_empty()) {
        (true, _) => key,
        (false, true) => header,
        (false, false) => format!("{header}.{key}"),
    }
}

/// The value under `key` of a table.
pub(crate) fn lookup<'t, 'i>(t: &'t DeTable<'i>, key: &str) -> Option<&'t Val<'i>> {
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

/// `path.key`, or `key` at the top level.
/// Whether `c` is a control character or an invisible format / bidirectional character
/// that no name may hold ([`Input::label`]).
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The exact value of a TOML integer literal (decimal, hex, octal or binary, with `_`
/// separators), or None when it does not fit in an i128.
pub(crate) fn integer_value(literal: &str, radix: u32) -> Option<i128> {
    let digits: String = literal.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits.trim_start_matches('+')),
    };
    let body = body
        .trim_start_matches("0x")
        .trim_start_matches("0o")
        .trim_start_matches("0b");
    let x = i128::from_str_radix(body, radix).ok()?;
    Some(if neg { -x } else { x })
}

/// Largest number of entries of one array (countries, rivalries, parameters...).
pub const MAX_ENTRIES: usize = 10_000;

/// The diagnostics of one input file being read, and the typed accessors that produce them.
pub(crate) struct Input<'a> {
    pub file: &'a str,
    pub src: &'a str,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Input<'a> {
    pub fn new(file: &'a str, src: &'a str) -> Self {
        Self {
            file,
            src,
            diags: Vec::new(),
        }
    }

    /// Record an error at `span` of the file; returns it to add a help line.
    pub fn error(&mut self, span: Range<usize>, path: &str, message: String) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::at(self.file, self.src, span, path, message));
        self.diags.last_mut().expect("just pushed")
    }

    /// A file this one names at `span` (under `key`: a scenario's `extends`, a sweep's `base`,
    /// a policy's `file`, a calibration's cases and a case's scenario, written `rel` and
    /// resolved to `path`) did not load, with the problems `inner`. When the named file itself
    /// cannot be read, that is one fault and one error, here, in the words of a file named in a
    /// file ("cannot read file `PATH`: REASON"), with a help line saying where `REL` was looked
    /// for; returns false otherwise (the caller says the file is not valid and adds its
    /// problems).
    pub fn unreadable_named(
        &mut self,
        span: Range<usize>,
        key: &str,
        what: &str,
        rel: &str,
        path: &Path,
        inner: &Diagnostics,
    ) -> bool {
        let shown = path.display().to_string();
        let reason = match inner.0.as_slice() {
            [d] if d.file == shown && d.line == 0 => match d.message.strip_prefix(CANNOT_READ) {
                Some(reason) => reason,
                None => return false,
            },
            _ => return false,
        };
        // The words of a file named in a file (`--files-from`, a sweep's `futures`).
        let message = format!("cannot read file `{shown}`: {reason}");
        let here = Path::new(self.file).parent().filter(|d| !d.as_os_str().is_empty());
        let help = match here {
            Some(dir) if Path::new(rel).is_relative() => {
                let also = if Path::new(rel).is_file() {
                    format!(", not the current directory (which has a `{rel}`)")
                } else {
                    String::new()
                };
                Some(format!(
                    "{what} `{rel}` is looked for relative to the directory of this file, `{}`{also}",
                    dir.display()
                ))
            }
            _ => None,
        };
        // A name a letter or two from a file beside it: the did-you-mean of every name.
        let help = match similar_file(path) {
            Some(name) => {
                let dym = format!("did you mean `{}`?", with_file_name(rel, &name));
                Some(help.map_or(dym.clone(), |h| format!("{h}; {dym}")))
            }
            None => help,
        };
        self.error(span, key, message).help = help;
        true
    }

    /// Record a warning at `span` (file:line:col and key path like an error; exit status 0).
    pub fn warn(&mut self, span: Range<usize>, path: &str, message: String) -> &mut Diagnostic {
        let d = Diagnostic::at(self.file, self.src, span, path, message).warning();
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    /// The problems found, as the error of a reader (None when there are none).
    pub fn finish(self) -> Diagnostics {
        Diagnostics(self.diags)
    }

    /// Report keys not in `allowed`, with a did-you-mean.
    pub fn check_keys(&mut self, t: &DeTable<'_>, path: &str, allowed: &[&str]) {
        // In the file's order (the table iterates its keys sorted by name).
        let mut keys: Vec<_> = t.iter().collect();
        keys.sort_by_key(|(k, _)| k.span().start);
        for (k, _) in keys {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                if path == "model"
                    && let Some(replacement) = super::params::removed_model_key(key)
                {
                    // The same message as the path `model.KEY` in a policy, sweep or --set.
                    self.error(
                        k.span(),
                        &join(path, key),
                        super::params::removed_model_key_message(key, replacement),
                    );
                    continue;
                }
                let candidates: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
                // A near key, or else the one key the word abbreviates (`dist` for
                // `distribution`: too short a word for the edit distance to find it).
                let abbreviates: Vec<&&str> = allowed
                    .iter()
                    .filter(|a| key.len() >= 3 && a.starts_with(key))
                    .collect();
                let near = closest(key, &candidates).or(match abbreviates[..] {
                    [one] => Some(one.to_string()),
                    _ => None,
                });
                let help = match near {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("allowed keys here: {}", allowed.join(", ")),
                };
                self.error(k.span(), &join(path, key), format!("unknown key `{key}`"))
                    .help = Some(help);
            }
        }
    }

    pub fn type_error(&mut self, v: &Val<'_>, path: &str, expected: &str) {
        let found = v.get_ref().type_str();
        self.error(
            v.span(),
            path,
            format!("expected {expected}, found {found}"),
        );
    }

    pub fn string(&mut self, v: &Val<'_>, path: &str) -> Option<String> {
        match v.get_ref().as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.type_error(v, path, "a string");
                None
            }
        }
    }

    /// An id (of a country, a rivalry, a historical case...): 1-64 characters of A-Z, a-z,
    /// 0-9, `_` and `-`, and not a word pandas or R read as a missing value in CSV output.
    /// One rule and one message for every file kind.
    pub fn id(&mut self, v: &Val<'_>, path: &str) -> Option<String> {
        let s = self.string(v, path)?;
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            self.error(v.span(), path, format!("invalid id `{s}`")).help =
                Some("ids are 1-64 characters of A-Z, a-z, 0-9, `_` and `-` (e.g. `SRB`)".into());
            return None;
        }
        if !self.not_missing(v, path, &s) {
            return None;
        }
        Some(s)
    }

    /// Whether the id `s` (the value `v` at `path`) is not a word pandas or R read as a
    /// missing value in CSV output; if it is, the error every id kind gives it (a country's,
    /// a rivalry's, a sweep policy's: one rule, one message).
    pub fn not_missing(&mut self, v: &Val<'_>, path: &str, s: &str) -> bool {
        if crate::output::reads_as_missing(s) {
            self.error(
                v.span(),
                path,
                format!("invalid id `{s}`: pandas and R read it as a missing value in CSV output"),
            )
            .help = Some("choose another id, e.g. a country code such as `SRB`".into());
            return false;
        }
        true
    }

    /// A name written into outputs (CSV cells, HTML titles, terminal tables): a string
    /// without control characters (NUL, BEL, ESC, newline, tab...) or invisible format and
    /// bidirectional characters (U+200B..U+200F, U+202A..U+202E, U+2060..U+2069, U+FEFF),
    /// which would corrupt a terminal, a CSV row or reorder the text shown.
    pub fn label(&mut self, v: &Val<'_>, path: &str) -> Option<String> {
        let s = self.string(v, path)?;
        if let Some(c) = s.chars().find(|&c| is_hidden_char(c)) {
            self.error(
                v.span(),
                path,
                format!(
                    "expected a name without control or invisible characters, found U+{:04X}",
                    u32::from(c)
                ),
            )
            .help = Some(format!(
                "use printable characters only, e.g. {}",
                if path.ends_with("currency") {
                    "\"USD bn (current)\""
                } else {
                    "\"Western Balkans 2024\""
                }
            ));
            return None;
        }
        Some(s)
    }

    /// Prose written into outputs (a `description`, shown in HTML reports and tables): like
    /// [`Input::label`], but line breaks and tabs are allowed (TOML multi-line strings).
    pub fn prose(&mut self, v: &Val<'_>, path: &str) -> Option<String> {
        let s = self.string(v, path)?;
        if let Some(c) = s
            .chars()
            .find(|&c| is_hidden_char(c) && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.error(
                v.span(),
                path,
                format!(
                    "expected text without control or invisible characters (line breaks and tabs aside), found U+{:04X}",
                    u32::from(c)
                ),
            )
            .help = Some("use printable characters only, e.g. \"Serbia's pivot east\"".into());
            return None;
        }
        Some(s)
    }

    pub fn boolean(&mut self, v: &Val<'_>, path: &str) -> Option<bool> {
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.type_error(v, path, "true or false");
                None
            }
        }
    }

    /// One of `options` by name, with a did-you-mean.
    pub fn choice<T: Copy>(&mut self, v: &Val<'_>, path: &str, options: &[(&str, T)]) -> Option<T> {
        self.choice_or_alias(v, path, options, &[])
    }

    /// [`Input::choice`] whose did-you-mean also knows other names of the options that no
    /// spelling distance finds (`aliases`: `("latin-hypercube", "lhs")`): a value that is
    /// one of them, whatever its case and punctuation (`Latin_Hypercube`), or an option in
    /// another case (`LHS`), is refused with "did you mean `lhs`?". The value itself is
    /// still refused: a file says the name the output and the docs use.
    pub fn choice_or_alias<T: Copy>(
        &mut self,
        v: &Val<'_>,
        path: &str,
        options: &[(&str, T)],
        aliases: &[(&str, &str)],
    ) -> Option<T> {
        let s = self.string(v, path)?;
        if let Some((_, t)) = options.iter().find(|(k, _)| *k == s) {
            return Some(*t);
        }
        let names: Vec<String> = options.iter().map(|(k, _)| k.to_string()).collect();
        let folded = |t: &str| -> String {
            t.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let named = names
            .iter()
            .map(|n| (n.as_str(), n.as_str()))
            .chain(aliases.iter().copied())
            .find(|(other, _)| folded(other) == folded(&s))
            .map(|(_, m)| m.to_string());
        let help = match named.or_else(|| closest(&s, &names)) {
            Some(m) => format!("did you mean `{m}`?"),
            None => format!("one of: {}", names.join(", ")),
        };
        self.error(v.span(), path, format!("unknown value `{s}`"))
            .help = Some(help);
        None
    }

    /// The source text of a value, shortened for messages.
    pub fn literal(&self, span: Range<usize>) -> String {
        let text = self.src.get(span).unwrap_or("").trim();
        match text.char_indices().nth(40) {
            Some((cut, _)) => format!("{}...", &text[..cut]),
            None => text.to_string(),
        }
    }

    /// A finite number (an integer or a float), or an error naming `expected`.
    pub fn number(&mut self, v: &Val<'_>, path: &str, expected: &str) -> Option<f64> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => integer_value(i.as_str(), i.radix()).map(|x| x as f64),
            DeValue::Float(f) => {
                let text: String = f.as_str().chars().filter(|c| *c != '_').collect();
                text.parse::<f64>().ok()
            }
            _ => {
                self.type_error(v, path, expected);
                return None;
            }
        };
        let literal = self.literal(v.span());
        // An integer beyond i128 is a number too large to use, as a float beyond f64.
        match number_literal(Some(parsed.unwrap_or(f64::INFINITY)), &literal, expected) {
            Ok(x) => Some(x),
            Err((message, help)) => {
                self.error(v.span(), path, message).help = help;
                None
            }
        }
    }

    /// A value of the parameter `target` (as `--set`, policies and sweeps write its path),
    /// specified by `spec`, at key path `path`: the number, or the fault in the words of
    /// [`super::params::parameter_text`] (the range in every expectation, [`number_literal`];
    /// out of range [`super::params::range_fault`] with its help line).
    pub fn parameter(
        &mut self,
        v: &Val<'_>,
        path: &str,
        target: &str,
        spec: &super::FieldSpec,
    ) -> Option<f64> {
        // A switch is written as its expectation says, `true` / `false` or 1 / 0 (`true`
        // was refused with "expected true or false (or 0 or 1), found boolean").
        if let (true, DeValue::Boolean(b)) = (spec.is_switch(), v.get_ref()) {
            return Some(f64::from(u8::from(*b)));
        }
        let x = self.number(v, path, &spec.expected())?;
        if !spec.contains(x) {
            let found = self.literal(v.span());
            let (message, help) = super::params::range_fault(target, spec, &found);
            self.error(v.span(), path, message).help = help;
            return None;
        }
        Some(x)
    }

    /// An integer in `[min, max]`, read exactly from its digits. A number that is not an
    /// integer (`1e300`, `1.5`, `1e3`) is named as written, as an integer out of the range
    /// is and as a number out of its range is in every reader ("expected an integer in [1,
    /// 1000000000000], found 1e300"); one the float readers refuse (`nan`, `1e999`) gets
    /// their words ([`number_literal`]). An integral float in range gets a help line with the
    /// integer to write.
    pub fn integer(&mut self, v: &Val<'_>, path: &str, min: i128, max: i128) -> Option<i128> {
        let expected = format!("an integer in [{min}, {max}]");
        let DeValue::Integer(i) = v.get_ref() else {
            if !matches!(v.get_ref(), DeValue::Float(_)) {
                self.type_error(v, path, &expected);
                return None;
            }
            let x = self.number(v, path, &expected)?;
            let found = self.literal(v.span());
            let help = (x.fract() == 0.0 && x >= min as f64 && x <= max as f64)
                .then(|| format!("write it as an integer, without a decimal point or exponent: `{}`", x as i128));
            self.error(v.span(), path, format!("expected {expected}, found {found}"))
                .help = help;
            return None;
        };
        match integer_value(i.as_str(), i.radix()) {
            Some(x) if (min..=max).contains(&x) => Some(x),
            _ => {
                let found = self.literal(v.span());
                self.error(
                    v.span(),
                    path,
                    format!("expected {expected}, found {found}"),
                );
                None
            }
        }
    }

    /// An unsigned integer in `[min, max]`, exactly.
    pub fn unsigned(&mut self, v: &Val<'_>, path: &str, min: u64, max: u64) -> Option<u64> {
        self.integer(v, path, i128::from(min), i128::from(max))
            .map(|x| x as u64)
    }

    /// A table. A value of another type is refused ("expected a table, found float"); for a
    /// key of [`TABLE_EXAMPLES`] (`detect = 0.8`, `military = 2.2`, `satisficing = 0.1`, ...)
    /// with the help line of a missing required key ([`Input::required`]), "e.g. KEY =
    /// EXAMPLE", showing the table form: one path for every file kind.
    pub fn table<'t, 'i>(&mut self, v: &'t Val<'i>, path: &str) -> Option<&'t DeTable<'i>> {
        let t = v.get_ref().as_table();
        if t.is_none() {
            self.type_error(v, path, "a table");
            let key = path.rsplit('.').next().unwrap_or(path);
            if let Some((_, example)) = TABLE_EXAMPLES.iter().find(|(k, _)| *k == key)
                && let Some(d) = self.diags.last_mut()
            {
                d.help = Some(example_help(key, example));
            }
        }
        t
    }

    /// An array of at most [`MAX_ENTRIES`] items.
    pub fn array<'t, 'i>(
        &mut self,
        v: &'t Val<'i>,
        path: &str,
        expected: &str,
    ) -> Option<&'t DeArray<'i>> {
        match v.get_ref().as_array() {
            Some(a) if a.len() > MAX_ENTRIES => {
                self.error(
                    v.span(),
                    path,
                    format!("{} entries; at most {MAX_ENTRIES} are allowed", a.len()),
                );
                None
            }
            Some(a) => Some(a),
            None => {
                self.type_error(v, path, expected);
                None
            }
        }
    }

    /// The tables of the array of tables under `key` of `root`, as (index, table, span).
    pub fn entries<'t, 'i>(
        &mut self,
        root: &'t DeTable<'i>,
        key: &str,
    ) -> Vec<(usize, &'t DeTable<'i>, Range<usize>)> {
        let Some(v) = lookup(root, key) else {
            return Vec::new();
        };
        let Some(arr) = self.array(v, key, &format!("an array of tables ([[{key}]])")) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in arr.iter().enumerate() {
            let path = format!("{key}[{i}]");
            if let Some(t) = self.table(item, &path) {
                out.push((i, t, item.span()));
            }
        }
        out
    }

    /// Record `name` (found at `span`) among `seen`; if it was already there, report
    /// `message` with a second label at the first definition and return false.
    pub fn check_duplicate(
        &mut self,
        seen: &mut Vec<(String, Range<usize>)>,
        name: &str,
        span: Range<usize>,
        path: &str,
        message: impl FnOnce(usize) -> String,
    ) -> bool {
        if let Some((_, first)) = seen.iter().find(|(s, _)| s == name) {
            let first = first.clone();
            let line = super::diagnostic::line_col(self.src, first.start).0;
            let d = Diagnostic::at(self.file, self.src, span, path, message(line)).with_note_at(
                self.src,
                first,
                "first defined here",
            );
            self.diags.push(d);
            return false;
        }
        seen.push((name.to_string(), span));
        true
    }

    /// A finite number in `[min, max]`: "expected a number in [min, max], found LITERAL" as
    /// a scenario field out of its range.
    pub fn number_in(&mut self, v: &Val<'_>, path: &str, min: f64, max: f64) -> Option<f64> {
        let expected = format!(
            "a number in [{}, {}]",
            super::params::fmt_bound(min),
            super::params::fmt_bound(max)
        );
        let x = self.number(v, path, &expected)?;
        if !(min..=max).contains(&x) {
            let found = self.literal(v.span());
            self.error(
                v.span(),
                path,
                format!("expected {expected}, found {found}"),
            );
            return None;
        }
        Some(x)
    }

    /// The value of required key `key` of table `t` (at `span`, key path `path`), or the
    /// error "missing required key" with an example (`key = EXAMPLE`).
    pub fn required<'t, 'i>(
        &mut self,
        t: &'t DeTable<'i>,
        span: Range<usize>,
        path: &str,
        key: &str,
        example: &str,
    ) -> Option<&'t Val<'i>> {
        let v = lookup(t, key);
        if v.is_none() {
            self.error(
                span,
                &join(path, key),
                format!("missing required key `{key}`"),
            )
            .help = Some(example_help(key, example));
        }
        v
    }
}

/// How the table-typed keys of deter's input files are written, by key (the last part of
/// the key path): the help line [`Input::table`] gives a value of another type, where a
/// bare number is the likely slip. Scenarios (`[country.military]`, `[country.political]`,
/// its `ties`, `[country.economic]`), sweeps (`satisficing`, a policy's `set`) and
/// calibration files (`[observation]`'s `detect` and `alternative`).
pub(crate) const TABLE_EXAMPLES: [(&str, &str); 8] = [
    ("military", "{ budget = 2.2, readiness = 0.65 }"),
    ("political", "{ cohesion = 0.6, ties = { USA = 0.8 } }"),
    ("ties", "{ USA = 0.8, TUR = 0.5 }"),
    ("economic", "{ gdp = 89.0, growth = 0.035 }"),
    ("satisficing", "{ use_of_force = 0.10, war = 0.03 }"),
    ("set", "{ \"rivalry.SRB-XKX.monitoring\" = 0.7 }"),
    (
        "detect",
        "{ threat_or_display = 0.8, use_of_force = 0.95, war = 1.0, non_state = 0.9 }",
    ),
    ("alternative", "{ high = 0.05, medium = 0.25, low = 0.5 }"),
];

/// The help line that shows how a key is written: "e.g. KEY = EXAMPLE".
fn example_help(key: &str, example: &str) -> String {
    format!("e.g. {key} = {example}")
}

/// Whether a number literal with a nonzero digit reads as zero: its exponent is below the
/// floats' (`1e-400`), so it would be used as 0 silently. `text` is the literal as written
/// (a file's or `--set`'s); only the digits before the exponent count.
pub(crate) fn underflows_to_zero(text: &str) -> bool {
    let t = text.trim();
    if t.starts_with("0x") || t.starts_with("0o") || t.starts_with("0b") {
        return false;
    }
    let mantissa = t.split(['e', 'E']).next().unwrap_or("");
    mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// The message of a literal that underflows to zero ([`underflows_to_zero`]), in a file and
/// in `--set` alike: "expected EXPECTED, found `1e-400`, a number too small to use (it reads
/// as 0)", the words of a literal beyond the floats ("a number too large to use").
pub(crate) fn too_small(expected: &str, literal: &str) -> String {
    format!("expected {expected}, found `{literal}`, a number too small to use (it reads as 0)")
}

/// A number written as text (a `--set` value, a cell of a CSV input: a posterior, a sweep's
/// `futures`, sweep results): the finite value, or the problem and its help line in the
/// words the same literal gets in a TOML file: `nan`/`inf` "found NaN" with the help line,
/// a literal beyond the floats "found `1e999`, a number too large to use", one that reads as
/// 0 [`too_small`], nothing "found nothing", anything else "found `TEXT`".
/// Digit separators are read as TOML reads them ([`parse_digits`]: `1_000`).
pub(crate) fn number_text(raw: &str, expected: &str) -> Result<f64, (String, Option<String>)> {
    let raw = raw.trim();
    number_literal(parse_digits(raw), raw, expected)
}

/// The fault TOML finds in a number written as a value's text (a `--set` value, an integer or
/// number flag's value), as the same text in a file gets it: "TOML syntax error: invalid
/// mantissa, expected digits" for `.5`, "invalid fraction" for `5.`, "unexpected leading zero"
/// for `010` or `0_1`, with the help line [`TOML_NUMBER_HELP`]. None for a text TOML reads as
/// a number (`1_000`, `+0.5`, `1e05`), and for a text that is no number at all (`ten`, `nan`,
/// `inf`: their own words, [`number_literal`]). A file's value is parsed by TOML itself; this
/// parses the text as the value of a one-line TOML document, so the two cannot differ.
pub(crate) fn toml_number_fault(text: &str) -> Option<(String, Option<String>)> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    // Only a text the number readers would take (digits, sign, point, exponent, separators):
    // nothing else reaches the document below (no `#`, no newline, no second key).
    if lower.contains("nan") || lower.contains("inf") || parse_digits::<f64>(t).is_none() {
        return None;
    }
    let e = DeTable::parse(&format!("v = {t}")).err()?;
    Some((
        format!("TOML syntax error: {}", e.message().trim()),
        Some(TOML_NUMBER_HELP.to_string()),
    ))
}

/// The help line of a number TOML refuses ([`toml_number_fault`]).
pub(crate) const TOML_NUMBER_HELP: &str = "a number is written as in a TOML file: a digit on \
     both sides of a point (`0.5`, `5.0`, not `.5`, `5.`), no leading zero (`10`, not `010`)";

/// [`number_text`] for the text of a TOML value (a `--set` value, a number flag's value):
/// first refused where TOML refuses it ([`toml_number_fault`]).
pub(crate) fn value_text(raw: &str, expected: &str) -> Result<f64, (String, Option<String>)> {
    match toml_number_fault(raw) {
        Some(fault) => Err(fault),
        None => number_text(raw, expected),
    }
}

/// The one rule of every number a user writes as text (an integer or number flag's value, a
/// `--set` value, a CSV cell), TOML's for a value: blanks around it are ignored (`--runs ' 5'`,
/// as `runs =  5`), and an underscore between two digits is a digit separator (`--runs 1_000`,
/// `--set model.war_cost=1_0`, a cell `1_000`, as `runs = 1_000` in a file). Any other
/// underscore is kept, and the value refused as written (`1__0`, `_10`, `10_`).
/// A flag's or a `--set` value is a TOML value, so it is also refused where TOML refuses it
/// ([`toml_number_fault`]: `.5`, `5.`, `010`); a CSV cell, written by any tool, is not.
pub(crate) fn toml_digits(text: &str) -> std::borrow::Cow<'_, str> {
    let t = text.trim();
    let b = t.as_bytes();
    let separator = |i: usize| {
        i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit()
    };
    if b.contains(&b'_') && (0..b.len()).all(|i| b[i] != b'_' || separator(i)) {
        t.replace('_', "").into()
    } else {
        t.into()
    }
}

/// `text` read as a `T` (`f64`, `u64`, ...) by [`toml_digits`]' rule: the one parse of every
/// number a user writes as text, so that no reader takes `1_000` where another refuses it.
pub(crate) fn parse_digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    toml_digits(text).parse().ok()
}

/// The one wording of a number literal that is not a usable number, in a TOML file (a value
/// the parser read, `parsed`) and in text (`--set`, a CSV cell: `parsed` None when it does
/// not read as a number), `literal` as written: `nan`/`inf` "expected EXPECTED, found NaN"
/// with the help line, a literal beyond the floats "found `1e999`, a number too large to
/// use", one that reads as 0 [`too_small`], nothing "found nothing", anything else "found
/// `TEXT`". EXPECTED names the parameter's range where one is known (`FieldSpec::expected`,
/// through [`super::params::parameter_text`] and `Input::parameter`).
pub(crate) fn number_literal(
    parsed: Option<f64>,
    literal: &str,
    expected: &str,
) -> Result<f64, (String, Option<String>)> {
    let lower = literal.to_ascii_lowercase();
    match parsed {
        Some(x) if lower.contains("nan") || lower.contains("inf") => Err((
            format!("expected {expected}, found {x}"),
            Some("`nan` and `inf` are not allowed: give a finite number".to_string()),
        )),
        Some(x) if x == 0.0 && underflows_to_zero(literal) => {
            Err((too_small(expected, literal), None))
        }
        Some(x) if x.is_finite() => Ok(x),
        Some(_) => Err((
            format!("expected {expected}, found `{literal}`, a number too large to use"),
            None,
        )),
        None if literal.is_empty() => Err((format!("expected {expected}, found nothing"), None)),
        None => Err((format!("expected {expected}, found `{literal}`"), None)),
    }
}

/// A fault of cell `j` (0-based) of line `line` (number `n`, 1-based) of the CSV input
/// `file`, in column `name`, as the diagnostic of every file kind: "FILE:LINE:COL: error:
/// column `NAME`: MESSAGE" with the line's excerpt under it and the help line ([`number_text`]
/// words the message and its help). The one form of every CSV reader's cell fault
/// (`--posterior`, a sweep's `futures`, results read by `deter robust`/`deter discover`, rows
/// kept by `deter sweep --resume`), as a TOML value's fault is `FILE:LINE:COL: error: KEY:
/// MESSAGE`.
pub(crate) fn csv_cell(
    file: &str,
    n: usize,
    line: &str,
    j: usize,
    name: &str,
    message: &str,
    help: Option<String>,
) -> super::Diagnostic {
    let col = csv_column(line, j);
    let start = line.char_indices().nth(col - 1).map_or(line.len(), |(i, _)| i);
    let end = start + line[start..].find(',').unwrap_or(line.len() - start);
    let end = start + line[start..end].trim_end().len();
    let mut d = super::Diagnostic::at(
        file,
        line,
        start..end.max(start),
        &format!("column `{name}`"),
        message.to_string(),
    )
    .with_help(help);
    d.line = n;
    if let Some(ex) = &mut d.snippet {
        ex.line_start = n;
    }
    d
}

/// The number (1-based) and text of the line on which the CSV record read from byte `start`
/// of `bytes` begins, as every line-reading CSV reader (`--posterior`, a sweep's `futures`:
/// [`str::lines`]) numbers and shows it. The csv crate starts a record that follows a `\r\n`
/// ending at that ending's `\n` (its `\r` ended the record before), so its line number
/// and byte are one line early: line endings at `start` are skipped, and the line counted
/// from the bytes.
pub(crate) fn csv_record_line(bytes: &[u8], start: usize) -> (usize, String) {
    let mut start = start.min(bytes.len());
    while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
        start += 1;
    }
    let n = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
    let text = bytes[start..].split(|&b| b == b'\n').next().unwrap_or_default();
    let text = String::from_utf8_lossy(text).trim_end_matches('\r').to_string();
    (n, text)
}

/// A fault of line `line` (number `n`, 1-based) of the CSV input `file` as a whole (a row
/// with too few cells, a header naming a column twice): "FILE:LINE:1: error: MESSAGE" with
/// the line's excerpt, the form of [`csv_cell`] for every CSV reader.
pub(crate) fn csv_line(file: &str, n: usize, line: &str, message: String) -> super::Diagnostic {
    let mut d = super::Diagnostic::at(file, line, 0..line.len(), "", message);
    d.line = n;
    if let Some(ex) = &mut d.snippet {
        ex.line_start = n;
    }
    d
}

/// A diagnostic as one line with its help line after it ("FILE:LINE:COL: KEY: MESSAGE\n =
/// help: HELP"), for the library's text errors (`Error::Invalid`).
pub(crate) fn one_line_with_help(d: &super::Diagnostic) -> String {
    match &d.help {
        Some(h) => format!("{}\n = help: {h}", d.one_line()),
        None => d.one_line(),
    }
}

/// [`csv_cell`] on one line, for a message that carries it inside another (a sweep's
/// `futures` under its key): "FILE:LINE:COL: column `NAME`: MESSAGE".
pub(crate) fn csv_fault(file: &str, n: usize, line: &str, j: usize, name: &str, message: &str) -> String {
    csv_cell(file, n, line, j, name, message, None).one_line()
}

/// Column (1-based, in characters) of cell `j` (0-based) of a CSV line: where its text
/// starts, past blanks; commas inside double quotes do not separate cells. For the
/// `FILE:LINE:COL` of a fault in a cell, as a TOML file's faults are located.
pub(crate) fn csv_column(line: &str, j: usize) -> usize {
    let (mut cell, mut quoted, mut start) = (0, false, 0);
    for (i, c) in line.char_indices() {
        if cell == j {
            start = i;
            break;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                cell += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    if cell < j {
        start = line.len();
    }
    let blanks = line[start..].len() - line[start..].trim_start().len();
    line[..start + blanks].chars().count() + 1
}

/// The first number of a JSON text (a JSON Lines row) that reads as 0 although it is not
/// (`1e-400`; serde reads it as 0): its byte offset, its key path (`outcomes.war.p`,
/// `a[2]`) and the literal. The JSON readers refuse it in the words of every reader
/// ([`too_small`]), located as a CSV cell or a TOML value is.
pub(crate) fn json_underflow(text: &str) -> Option<(usize, String, String)> {
    // One frame per open object (its current key) or array (its current index).
    enum Frame {
        Obj(String),
        Arr(usize),
    }
    let path = |stack: &[Frame]| {
        let mut p = String::new();
        for f in stack {
            match f {
                Frame::Obj(k) if p.is_empty() => p.push_str(k),
                Frame::Obj(k) => {
                    p.push('.');
                    p.push_str(k);
                }
                Frame::Arr(i) => p.push_str(&format!("[{i}]")),
            }
        }
        p
    };
    let b = text.as_bytes();
    let (mut stack, mut i, mut last) = (Vec::new(), 0, String::new());
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                last = text.get(start..i.min(b.len())).unwrap_or_default().to_string();
            }
            b':' => {
                if let Some(Frame::Obj(k)) = stack.last_mut() {
                    *k = std::mem::take(&mut last);
                }
            }
            b'{' => stack.push(Frame::Obj(String::new())),
            b'[' => stack.push(Frame::Arr(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(Frame::Arr(n)) = stack.last_mut() {
                    *n += 1;
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let literal = &text[start..i];
                if literal.parse::<f64>() == Ok(0.0) && underflows_to_zero(literal) {
                    return Some((start, path(&stack), literal.to_string()));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One byte-order mark is skipped, in `utf8_text` and in `decode` alike; a second is
    /// text (U+FEFF), not skipped again.
    #[test]
    fn one_utf8_byte_order_mark_is_skipped_not_two() {
        let one = b"\xef\xbb\xbfa = 1";
        let two = b"\xef\xbb\xbf\xef\xbb\xbfa = 1";
        assert_eq!(utf8_text(one, "f").unwrap(), "a = 1");
        assert_eq!(utf8_text(two, "f").unwrap(), "\u{feff}a = 1");
        let kind = crate::scenario::read::SCENARIO_FILE;
        assert_eq!(decode(one, "f", kind).unwrap(), "a = 1");
        assert_eq!(decode(two, "f", kind).unwrap(), "\u{feff}a = 1");
    }

    #[test]
    fn integer_literals_are_exact_in_every_radix() {
        assert_eq!(
            integer_value("9007199254740993", 10),
            Some(9007199254740993)
        );
        assert_eq!(
            integer_value("9_223_372_036_854_775_807", 10),
            Some(i64::MAX as i128)
        );
        assert_eq!(integer_value("-17", 10), Some(-17));
        assert_eq!(integer_value("+17", 10), Some(17));
        assert_eq!(integer_value("0xff", 16), Some(255));
        assert_eq!(integer_value("0o17", 8), Some(15));
        assert_eq!(integer_value("0b101", 2), Some(5));
        assert_eq!(integer_value(&"9".repeat(60), 10), None);
    }

    #[test]
    fn only_a_nonzero_mantissa_underflows() {
        for t in ["1e-400", "-2.5E-999", "0.001e-330", "1_0e-400"] {
            assert!(underflows_to_zero(t), "{t}");
        }
        for t in ["0", "0.0", "-0.0", "0e-400", "0.000e5", "0x0"] {
            assert!(!underflows_to_zero(t), "{t}");
        }
    }

    #[test]
    fn a_json_number_that_reads_as_zero_is_found_with_its_key_path() {
        let row = r#"{"point":0,"x":"1e-400","outcomes":{"war":{"p":1e-400}},"a":[0,2E-999]}"#;
        let (at, path, literal) = json_underflow(row).unwrap();
        assert_eq!((&row[at..at + 6], path.as_str(), literal.as_str()), ("1e-400", "outcomes.war.p", "1e-400"));
        let (_, path, literal) = json_underflow(r#"{"a":[0,2E-999]}"#).unwrap();
        assert_eq!((path.as_str(), literal.as_str()), ("a[1]", "2E-999"));
        assert_eq!(json_underflow(r#"{"a":0e-400,"b":"1e-400","c":-0.0}"#), None);
    }

    #[test]
    fn a_csv_cell_is_located_at_its_first_character() {
        assert_eq!(csv_column("0,1e-400,1", 0), 1);
        assert_eq!(csv_column("0,1e-400,1", 1), 3);
        assert_eq!(csv_column("0, 1e-400,1", 1), 4);
        assert_eq!(csv_column("é,\"a,b\",x", 2), 9);
        assert_eq!(csv_column("0,1", 2), 4);
    }
}
