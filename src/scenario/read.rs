//! Reading scenario files: TOML with spans -> a validated [`Scenario`], collecting every
//! problem (not just the first) as a [`Diagnostic`] with file, line, column and key path.
//!
//! A file may start with `extends = "base.toml"`: it is then an overlay. The base is read
//! first; the overlay's tables patch entities with the same id, new ids are added, and every
//! value is validated exactly as in a full file.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::diagnostic::{Diagnostic, Diagnostics};
use super::params::{
    AllianceParams, DeploymentParams, EconomicParams, FieldSpec, MilitaryParams, ModelParams,
    ParamBlock, ParamDefault, PoliticalParams, PowerParams, RivalryParams,
};
use super::path::{ParamRef, closest};
use super::{
    Actor, Alliance, ChangeOp, Country, Deployment, Meta, OutsidePower, Policy, PolicyChange,
    Rivalry, Scenario, Status, YearMonth,
};

/// The commented template that `deter init` writes.
pub const TEMPLATE: &str = include_str!("template.toml");

/// Largest scenario file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Deepest `extends` chain accepted.
const MAX_EXTENDS_DEPTH: usize = 16;

type Val<'i> = Spanned<DeValue<'i>>;

/// Read, validate and return a scenario file (following `extends`).
pub fn load_file(path: &Path) -> Result<Scenario, Diagnostics> {
    load_file_with_inputs(path).0
}

/// [`load_file`], also returning every file it read: `path` and its `extends` bases.
pub fn load_file_with_inputs(path: &Path) -> (Result<Scenario, Diagnostics>, Vec<PathBuf>) {
    let mut stack = Vec::new();
    let mut read = Vec::new();
    let result = load_chain(path, &mut stack, &mut read);
    (result, read)
}

/// Validate scenario text that has no `extends` (or whose `extends` is relative to the
/// current directory). `file` is the name used in diagnostics.
pub fn parse_str(src: &str, file: &str) -> Result<Scenario, Diagnostics> {
    read_source(src, file, Path::new("."), &mut Vec::new(), &mut Vec::new())
}

/// Validate the bytes of a scenario file: size and UTF-8 are checked first, as for a file on
/// disk. `extends` is relative to the current directory.
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Scenario, Diagnostics> {
    let src = decode(bytes, file)?;
    read_source(&src, file, Path::new("."), &mut Vec::new(), &mut Vec::new())
}

/// Read at most one byte more than `limit`, so that `/dev/zero`, a FIFO or a huge file cannot
/// exhaust memory before the size check (`bytes.len() > limit` means "too large").
pub fn read_bounded(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn load_chain(
    path: &Path,
    stack: &mut Vec<PathBuf>,
    read: &mut Vec<PathBuf>,
) -> Result<Scenario, Diagnostics> {
    let shown = path.display().to_string();
    read.push(path.to_path_buf());
    let bytes = read_bounded(path, MAX_FILE_BYTES).map_err(|e| {
        Diagnostics(vec![Diagnostic::file_level(
            &shown,
            format!("cannot read file: {e}"),
        )])
    })?;
    let src = decode(&bytes, &shown)?;
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    stack.push(canonical);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let result = read_source(&src, &shown, &dir, stack, read);
    stack.pop();
    result
}

fn decode(bytes: &[u8], file: &str) -> Result<String, Diagnostics> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Diagnostics(vec![Diagnostic::file_level(
            file,
            format!("the file is larger than {MAX_FILE_BYTES} bytes, the limit for scenario files"),
        )]));
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Diagnostics(vec![
            Diagnostic::file_level(
                file,
                "the file is UTF-16 text (it starts with a UTF-16 byte-order mark)".into(),
            )
            .with_help(Some("save the file as UTF-8 text".into())),
        ]));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(Diagnostics(vec![Diagnostic::file_level(
            file,
            format!(
                "the file contains a NUL byte (at byte offset {at}): it is binary, not a TOML scenario"
            ),
        )]));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or("");
            let line = prefix.matches('\n').count() + 1;
            let col = prefix
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(0)
                + 1;
            let mut d = Diagnostic::file_level(
                file,
                format!(
                    "the file is not valid UTF-8 (invalid byte 0x{:02x} at byte offset {good})",
                    bytes[good]
                ),
            );
            d.line = line;
            d.col = col;
            d.path = syntax_error_path(prefix, prefix.len());
            Err(Diagnostics(vec![
                d.with_help(Some("save the file as UTF-8 text".into())),
            ]))
        }
    }
}

fn read_source(
    src: &str,
    file: &str,
    dir: &Path,
    stack: &mut Vec<PathBuf>,
    read: &mut Vec<PathBuf>,
) -> Result<Scenario, Diagnostics> {
    if src.trim().is_empty() {
        return Err(Diagnostics(vec![Diagnostic::file_level(
            file,
            "the file is empty; a scenario needs at least a [scenario] table and one [[country]] \
             (run `deter init` for a template)"
                .into(),
        )]));
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
            let d = Diagnostic::at(
                file,
                src,
                span.clone(),
                &path,
                format!("TOML syntax error: {msg}"),
            )
            .with_help(syntax_help(src, span.start));
            return Err(Diagnostics(vec![d]));
        }
    };
    let root = doc.get_ref();
    if root.is_empty() {
        return Err(Diagnostics(vec![Diagnostic::file_level(
            file,
            "the file holds only comments; a scenario needs at least a [scenario] table and \
             one [[country]] (run `deter init` for a template)"
                .into(),
        )]));
    }
    let mut reader = Reader {
        file,
        src,
        diags: Vec::new(),
    };

    let base = match lookup(root, "extends") {
        None => None,
        Some(v) => {
            let Some(rel) = reader.string(v, "extends") else {
                return Err(Diagnostics(reader.diags));
            };
            let base_path = dir.join(&rel);
            let canonical = base_path
                .canonicalize()
                .unwrap_or_else(|_| base_path.clone());
            if stack.contains(&canonical) {
                reader.error(
                    v.span(),
                    "extends",
                    format!("`extends` cycle: `{rel}` is already being read"),
                );
                return Err(Diagnostics(reader.diags));
            }
            if stack.len() >= MAX_EXTENDS_DEPTH {
                reader.error(
                    v.span(),
                    "extends",
                    format!("`extends` chain deeper than {MAX_EXTENDS_DEPTH} files"),
                );
                return Err(Diagnostics(reader.diags));
            }
            match load_chain(&base_path, stack, read) {
                Ok(base) => Some(base),
                Err(inner) => {
                    reader.error(
                        v.span(),
                        "extends",
                        format!("the base scenario `{rel}` is not valid (see below)"),
                    );
                    reader.diags.extend(inner.0);
                    return Err(Diagnostics(reader.diags));
                }
            }
        }
    };

    let scenario = reader.scenario(root, doc.span(), base);
    // Report this file's problems in the order of the file (the reader visits tables, not
    // lines); problems of a base file stay after the `extends` error that announces them.
    reader.diags.sort_by_key(|d| {
        if d.file == file {
            (0, d.line, d.col)
        } else {
            (1, 0, 0)
        }
    });
    let diags = Diagnostics(reader.diags);
    match scenario {
        Some(s) if !diags.has_errors() => Ok(s),
        _ => Err(diags),
    }
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
/// reader counts them (`country[1].military`), and the key of the line holding `at`.
fn syntax_error_path(src: &str, at: usize) -> String {
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
        // The error is in a header: name the table being opened.
        let name = line.trim_start_matches('[');
        let name = name.split(']').next().unwrap_or("").trim();
        let ok = name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        return if ok { name.to_string() } else { header };
    }
    let key = match line.split_once('=') {
        Some((k, _)) if !line.starts_with('[') && !line.starts_with('#') => k.trim(),
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

fn lookup<'t, 'i>(t: &'t DeTable<'i>, key: &str) -> Option<&'t Val<'i>> {
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

fn key_span(t: &DeTable<'_>, key: &str) -> Option<Range<usize>> {
    t.iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(k, _)| k.span())
}

struct Reader<'a> {
    file: &'a str,
    src: &'a str,
    diags: Vec<Diagnostic>,
}

const TOP_KEYS: &[&str] = &[
    "extends",
    "scenario",
    "model",
    "power",
    "country",
    "alliance",
    "deployment",
    "rivalry",
    "policy",
];
const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "start",
    "horizon_years",
    "runs",
    "seed",
    "currency",
];
const POWER_KEYS: &[&str] = &["id", "name"];
const COUNTRY_KEYS: &[&str] = &["id", "name", "status", "military", "political", "economic"];
const ALLIANCE_KEYS: &[&str] = &["id", "name", "members", "collective_procurement"];
const DEPLOYMENT_KEYS: &[&str] = &["id", "name", "host", "contributors"];
const RIVALRY_KEYS: &[&str] = &["id", "challenger", "target"];
const POLICY_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "start",
    "enabled",
    "ramp_years",
    "changes",
    "join",
];
const CHANGE_KEYS: &[&str] = &["path", "set", "add", "scale"];
const JOIN_KEYS: &[&str] = &["alliance", "member"];

/// Largest number of entities of one kind (countries, rivalries...) in a scenario.
pub const MAX_ENTITIES: usize = 10_000;

impl<'a> Reader<'a> {
    fn error(&mut self, span: Range<usize>, path: &str, message: String) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::at(self.file, self.src, span, path, message));
        self.diags.last_mut().expect("just pushed")
    }

    fn join(path: &str, key: &str) -> String {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    }

    /// Report keys not in `allowed`, with a did-you-mean.
    fn check_keys(&mut self, t: &DeTable<'_>, path: &str, allowed: &[&str]) {
        for (k, _) in t.iter() {
            let key = k.get_ref().as_ref();
            if !allowed.contains(&key) {
                let candidates: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
                let help = match closest(key, &candidates) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("allowed keys here: {}", allowed.join(", ")),
                };
                self.error(
                    k.span(),
                    &Self::join(path, key),
                    format!("unknown key `{key}`"),
                )
                .help = Some(help);
            }
        }
    }

    fn type_error(&mut self, v: &Val<'_>, path: &str, expected: &str) {
        let found = v.get_ref().type_str();
        self.error(
            v.span(),
            path,
            format!("expected {expected}, found {found}"),
        );
    }

    fn string(&mut self, v: &Val<'_>, path: &str) -> Option<String> {
        match v.get_ref().as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.type_error(v, path, "a string");
                None
            }
        }
    }

    fn id(&mut self, v: &Val<'_>, path: &str) -> Option<String> {
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
        Some(s)
    }

    fn boolean(&mut self, v: &Val<'_>, path: &str) -> Option<bool> {
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.type_error(v, path, "true or false");
                None
            }
        }
    }

    /// The source text of a value, shortened for messages.
    fn literal(&self, span: Range<usize>) -> String {
        let text = self.src.get(span).unwrap_or("").trim();
        match text.char_indices().nth(40) {
            Some((cut, _)) => format!("{}...", &text[..cut]),
            None => text.to_string(),
        }
    }

    fn raw_number(&mut self, v: &Val<'_>, path: &str, expected: &str) -> Option<f64> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => {
                let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
                let (neg, body) = match digits.strip_prefix('-') {
                    Some(rest) => (true, rest.to_string()),
                    None => (false, digits.trim_start_matches('+').to_string()),
                };
                let body = body
                    .trim_start_matches("0x")
                    .trim_start_matches("0o")
                    .trim_start_matches("0b");
                i128::from_str_radix(body, i.radix())
                    .ok()
                    .map(|x| if neg { -(x as f64) } else { x as f64 })
            }
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
        match parsed {
            Some(x) if x.is_finite() => Some(x),
            Some(x) if literal.contains("nan") || literal.contains("inf") => {
                self.error(v.span(), path, format!("expected {expected}, found {x}"))
                    .help = Some("`nan` and `inf` are not allowed in scenarios".into());
                None
            }
            _ => {
                self.error(
                    v.span(),
                    path,
                    format!("expected {expected}, found `{literal}`, a number too large to use"),
                );
                None
            }
        }
    }

    fn number(&mut self, v: &Val<'_>, path: &str, spec: &FieldSpec) -> Option<f64> {
        let expected = spec.expected();
        let x = self.raw_number(v, path, &expected)?;
        if !spec.contains(x) {
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

    fn integer(&mut self, v: &Val<'_>, path: &str, min: u64, max: u64) -> Option<u64> {
        let expected = format!("an integer in [{min}, {max}]");
        if !matches!(v.get_ref(), DeValue::Integer(_)) {
            self.type_error(v, path, &expected);
            return None;
        }
        let x = self.raw_number(v, path, &expected)?;
        if x < min as f64 || x > max as f64 {
            let found = self.literal(v.span());
            self.error(
                v.span(),
                path,
                format!("expected {expected}, found {found}"),
            );
            return None;
        }
        Some(x as u64)
    }

    fn table<'t, 'i>(&mut self, v: &'t Val<'i>, path: &str) -> Option<&'t DeTable<'i>> {
        match v.get_ref().as_table() {
            Some(t) => Some(t),
            None => {
                self.type_error(v, path, "a table");
                None
            }
        }
    }

    fn array<'t, 'i>(
        &mut self,
        v: &'t Val<'i>,
        path: &str,
        expected: &str,
    ) -> Option<&'t DeArray<'i>> {
        match v.get_ref().as_array() {
            Some(a) if a.len() > MAX_ENTITIES => {
                self.error(
                    v.span(),
                    path,
                    format!("{} entries; at most {MAX_ENTITIES} are allowed", a.len()),
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

    fn year_month(&mut self, v: &Val<'_>, path: &str) -> Option<YearMonth> {
        let expected = "a date as \"YYYY-MM\", a year such as 2025, or a TOML date";
        let ym = match v.get_ref() {
            DeValue::String(s) => {
                let mut it = s.splitn(2, '-');
                let y = it.next().and_then(|y| y.trim().parse::<i32>().ok());
                let m = it
                    .next()
                    .map(|m| m.trim().parse::<u32>().ok())
                    .unwrap_or(Some(1));
                match (y, m) {
                    (Some(year), Some(month)) => Some(YearMonth { year, month }),
                    _ => None,
                }
            }
            DeValue::Integer(_) => self.raw_number(v, path, expected).map(|y| YearMonth {
                year: y as i32,
                month: 1,
            }),
            DeValue::Datetime(d) => d.date.map(|d| YearMonth {
                year: d.year as i32,
                month: d.month as u32,
            }),
            _ => None,
        };
        match ym {
            Some(ym) if (1900..=2300).contains(&ym.year) && (1..=12).contains(&ym.month) => {
                Some(ym)
            }
            _ => {
                let found = match v.get_ref() {
                    DeValue::String(s) => format!("\"{s}\""),
                    DeValue::Integer(_) | DeValue::Float(_) | DeValue::Datetime(_) => {
                        self.literal(v.span())
                    }
                    other => other.type_str().to_string(),
                };
                self.error(
                    v.span(),
                    path,
                    format!("expected {expected} (years 1900-2300), found {found}"),
                );
                None
            }
        }
    }

    /// Read the numeric keys of a parameter block into `block`. Keys not present keep the
    /// block's current value (a default, or the base scenario's value in an overlay).
    /// For a new entity, a missing `Required` key is an error. Returns the keys given.
    fn block<B: ParamBlock>(
        &mut self,
        t: &DeTable<'_>,
        path: &str,
        header: Range<usize>,
        block: &mut B,
        is_new: bool,
    ) -> Vec<&'static str> {
        let mut given = Vec::new();
        for (i, spec) in B::fields().iter().enumerate() {
            match lookup(t, spec.key) {
                Some(v) => {
                    if let Some(x) = self.number(v, &Self::join(path, spec.key), spec) {
                        *block.slot(i) = x;
                        given.push(spec.key);
                    }
                }
                None if is_new && spec.default == ParamDefault::Required => {
                    self.error(
                        header.clone(),
                        &Self::join(path, spec.key),
                        format!("missing required key `{}`", spec.key),
                    )
                    .help = Some(format!(
                        "add `{} = ...`: {} ({})",
                        spec.key,
                        spec.doc,
                        spec.expected()
                    ));
                }
                None => {}
            }
        }
        given
    }

    fn keys_of(fields: &[FieldSpec], extra: &[&'static str]) -> Vec<&'static str> {
        extra
            .iter()
            .copied()
            .chain(fields.iter().map(|f| f.key))
            .collect()
    }

    /// The array-of-tables under `key`, as (index, table, span) triples.
    fn entries<'t, 'i>(
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

    fn required_id(&mut self, t: &DeTable<'_>, path: &str, span: Range<usize>) -> Option<String> {
        match lookup(t, "id") {
            Some(v) => self.id(v, &Self::join(path, "id")),
            None => {
                self.error(
                    span,
                    &Self::join(path, "id"),
                    "missing required key `id`".into(),
                )
                .help = Some("every entry needs a unique `id`, e.g. id = \"SRB\"".into());
                None
            }
        }
    }

    fn optional_string(&mut self, t: &DeTable<'_>, key: &str, path: &str) -> Option<String> {
        lookup(t, key).and_then(|v| self.string(v, &Self::join(path, key)))
    }

    /// Resolve an id to a country or power, reporting unknown ids with a did-you-mean.
    fn actor_ref(
        &mut self,
        v: &Val<'_>,
        path: &str,
        s: &Scenario,
        countries_only: bool,
    ) -> Option<Actor> {
        let id = self.id(v, path)?;
        let found = if countries_only {
            s.country_index(&id).map(Actor::Country)
        } else {
            s.actor(&id)
        };
        if found.is_none() {
            let mut ids: Vec<String> = s.countries.iter().map(|c| c.id.clone()).collect();
            if !countries_only {
                ids.extend(s.powers.iter().map(|p| p.id.clone()));
            }
            let what = if countries_only {
                "country"
            } else {
                "country or power"
            };
            let help = match closest(&id, &ids) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("known ids: {}", ids.join(", ")),
            };
            self.error(v.span(), path, format!("unknown {what} id `{id}`"))
                .help = Some(help);
        }
        found
    }

    fn actor_list(
        &mut self,
        t: &DeTable<'_>,
        key: &str,
        path: &str,
        s: &Scenario,
    ) -> Option<Vec<Actor>> {
        let v = lookup(t, key)?;
        let p = Self::join(path, key);
        let arr = self.array(v, &p, "an array of ids")?;
        let mut out = Vec::new();
        for (i, item) in arr.iter().enumerate() {
            if let Some(a) = self.actor_ref(item, &format!("{p}[{i}]"), s, false) {
                if out.contains(&a) {
                    self.error(
                        item.span(),
                        &format!("{p}[{i}]"),
                        format!("`{}` is listed twice", s.actor_id(a)),
                    );
                } else {
                    out.push(a);
                }
            }
        }
        Some(out)
    }

    /// The header of an entry of an array of tables: unknown keys, its required `id`, and
    /// duplicates among the entries seen so far. Returns the id and its span.
    fn entry_id(
        &mut self,
        t: &DeTable<'_>,
        path: &str,
        span: Range<usize>,
        allowed: &[&str],
        seen: &mut Vec<(String, usize)>,
    ) -> Option<(String, Range<usize>)> {
        self.check_keys(t, path, allowed);
        let id = self.required_id(t, path, span.clone())?;
        let id_span = lookup(t, "id").map(|v| v.span()).unwrap_or(span);
        if !self.check_duplicate(seen, &id, id_span.clone(), &format!("{path}.id")) {
            return None;
        }
        Some((id, id_span))
    }

    fn check_duplicate(
        &mut self,
        seen: &mut Vec<(String, usize)>,
        id: &str,
        span: Range<usize>,
        path: &str,
    ) -> bool {
        if let Some((_, line)) = seen.iter().find(|(s, _)| s == id) {
            let line = *line;
            self.error(
                span,
                path,
                format!("duplicate id `{id}` (first defined on line {line})"),
            );
            return false;
        }
        let line = self.src[..span.start.min(self.src.len())]
            .matches('\n')
            .count()
            + 1;
        seen.push((id.to_string(), line));
        true
    }

    fn scenario(
        &mut self,
        root: &DeTable<'_>,
        root_span: Range<usize>,
        base: Option<Scenario>,
    ) -> Option<Scenario> {
        self.check_keys(root, "", TOP_KEYS);
        let is_overlay = base.is_some();
        let mut s = base.unwrap_or_else(|| Scenario {
            meta: Meta {
                name: String::new(),
                description: String::new(),
                start: YearMonth {
                    year: 2025,
                    month: 1,
                },
                horizon_years: 10,
                runs: 10_000,
                seed: 1,
                currency: "USD bn (current)".into(),
            },
            model: ModelParams::defaults(),
            powers: Vec::new(),
            countries: Vec::new(),
            alliances: Vec::new(),
            deployments: Vec::new(),
            rivalries: Vec::new(),
            policies: Vec::new(),
        });

        self.meta(root, root_span.clone(), &mut s.meta, is_overlay);
        if let Some(v) = lookup(root, "model") {
            if let Some(t) = self.table(v, "model") {
                self.check_keys(t, "model", &Self::keys_of(ModelParams::FIELDS, &[]));
                self.block(t, "model", v.span(), &mut s.model, false);
            }
        }
        self.powers(root, &mut s);
        let errors_before = self.diags.len();
        self.countries(root, &mut s);
        // When [[country]] entries were given but none was valid, their errors say why.
        if s.countries.is_empty() && self.diags.len() == errors_before {
            self.error(
                0..0,
                "country",
                "no countries: a scenario needs at least one [[country]]".into(),
            );
        }
        self.alliances(root, &mut s);
        self.deployments(root, &mut s);
        self.rivalries(root, &mut s);
        s.derive();
        self.policies(root, &mut s);
        Some(s)
    }

    fn meta(
        &mut self,
        root: &DeTable<'_>,
        root_span: Range<usize>,
        m: &mut Meta,
        is_overlay: bool,
    ) {
        let Some(v) = lookup(root, "scenario") else {
            if !is_overlay {
                self.error(
                    root_span.start..root_span.start,
                    "scenario",
                    "missing the [scenario] table".into(),
                )
                .help = Some("add [scenario] with at least name = \"...\"".into());
            }
            return;
        };
        let Some(t) = self.table(v, "scenario") else {
            return;
        };
        self.check_keys(t, "scenario", SCENARIO_KEYS);
        match lookup(t, "name") {
            Some(n) => {
                if let Some(name) = self.string(n, "scenario.name") {
                    m.name = name;
                }
            }
            None if !is_overlay => {
                self.error(
                    v.span(),
                    "scenario.name",
                    "missing required key `name`".into(),
                );
            }
            None => {}
        }
        if let Some(d) = self.optional_string(t, "description", "scenario") {
            m.description = d;
        }
        if let Some(c) = self.optional_string(t, "currency", "scenario") {
            m.currency = c;
        }
        if let Some(v) = lookup(t, "start") {
            if let Some(ym) = self.year_month(v, "scenario.start") {
                m.start = ym;
            }
        }
        if let Some(v) = lookup(t, "horizon_years") {
            if let Some(h) = self.integer(v, "scenario.horizon_years", 0, 200) {
                m.horizon_years = h as u32;
            }
        }
        if let Some(v) = lookup(t, "runs") {
            if let Some(r) = self.integer(v, "scenario.runs", 1, crate::MAX_RUNS) {
                m.runs = r;
            }
        }
        if let Some(v) = lookup(t, "seed") {
            if let Some(x) = self.integer(v, "scenario.seed", 0, i64::MAX as u64) {
                m.seed = x;
            }
        }
    }

    fn powers(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let allowed = Self::keys_of(PowerParams::FIELDS, POWER_KEYS);
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, t, span) in self.entries(root, "power") {
            let path = format!("power[{i}]");
            let Some((id, _)) = self.entry_id(t, &path, span.clone(), &allowed, &mut seen) else {
                continue;
            };
            let name = self.optional_string(t, "name", &path);
            match s.power_index(&id) {
                Some(k) => {
                    let p = &mut s.powers[k];
                    if let Some(n) = name {
                        p.name = n;
                    }
                    self.block(t, &path, span, &mut p.params, false);
                }
                None => {
                    let mut params = PowerParams::defaults();
                    self.block(t, &path, span, &mut params, true);
                    s.powers.push(OutsidePower {
                        name: name.unwrap_or_else(|| id.clone()),
                        id,
                        params,
                    });
                    for c in &mut s.countries {
                        c.ties.push(0.0);
                    }
                }
            }
        }
    }

    fn countries(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, t, span) in self.entries(root, "country") {
            let path = format!("country[{i}]");
            let Some((id, id_span)) =
                self.entry_id(t, &path, span.clone(), COUNTRY_KEYS, &mut seen)
            else {
                continue;
            };
            if s.power_index(&id).is_some() {
                self.error(
                    id_span,
                    &format!("{path}.id"),
                    format!("`{id}` is already the id of a power"),
                );
                continue;
            }
            let existing = s.country_index(&id);
            let is_new = existing.is_none();
            let mut c = match existing {
                Some(k) => s.countries[k].clone(),
                None => Country {
                    id: id.clone(),
                    name: id.clone(),
                    status: Status::None,
                    military: MilitaryParams::defaults(),
                    political: PoliticalParams::defaults(),
                    ties: vec![0.0; s.powers.len()],
                    economic: EconomicParams::defaults(),
                    budget_share_given: false,
                    capability_given: false,
                },
            };
            if let Some(n) = self.optional_string(t, "name", &path) {
                c.name = n;
            }
            if let Some(v) = lookup(t, "status") {
                let p = format!("{path}.status");
                if let Some(st) = self.string(v, &p) {
                    match Status::ALL.iter().find(|(k, _)| *k == st) {
                        Some((_, status)) => c.status = *status,
                        None => {
                            let names: Vec<String> =
                                Status::ALL.iter().map(|(k, _)| k.to_string()).collect();
                            let help = closest(&st, &names)
                                .map(|x| format!("did you mean `{x}`?"))
                                .unwrap_or_else(|| format!("one of: {}", names.join(", ")));
                            self.error(v.span(), &p, format!("unknown status `{st}`"))
                                .help = Some(help);
                        }
                    }
                }
            }
            // For a new country, military (budget) and economic (gdp) are required.
            let mil_path = format!("{path}.military");
            match lookup(t, "military") {
                Some(v) => {
                    if let Some(mt) = self.table(v, &mil_path) {
                        self.check_keys(mt, &mil_path, &Self::keys_of(MilitaryParams::FIELDS, &[]));
                        let given = self.block(mt, &mil_path, v.span(), &mut c.military, is_new);
                        c.budget_share_given |= given.contains(&"budget_share");
                        c.capability_given |= given.contains(&"capability");
                    }
                }
                None if is_new => {
                    self.error(
                        span.clone(),
                        &mil_path,
                        "missing required table [country.military]".into(),
                    )
                    .help = Some("add a [country.military] table with at least `budget`".into());
                }
                None => {}
            }
            let pol_path = format!("{path}.political");
            if let Some(v) = lookup(t, "political") {
                if let Some(pt) = self.table(v, &pol_path) {
                    self.check_keys(
                        pt,
                        &pol_path,
                        &Self::keys_of(PoliticalParams::FIELDS, &["ties"]),
                    );
                    self.block(pt, &pol_path, v.span(), &mut c.political, false);
                    if let Some(tv) = lookup(pt, "ties") {
                        let ties_path = format!("{pol_path}.ties");
                        if let Some(tt) = self.table(tv, &ties_path) {
                            for (k, val) in tt.iter() {
                                let key = k.get_ref().as_ref();
                                let p = format!("{ties_path}.{key}");
                                match s.power_index(key) {
                                    Some(pi) => {
                                        let spec = ParamRef::Tie {
                                            country: 0,
                                            power: 0,
                                        }
                                        .spec();
                                        if let Some(x) = self.number(val, &p, &spec) {
                                            c.ties[pi] = x;
                                        }
                                    }
                                    None => {
                                        let ids: Vec<String> =
                                            s.powers.iter().map(|p| p.id.clone()).collect();
                                        let help = closest(key, &ids)
                                            .map(|x| format!("did you mean `{x}`?"))
                                            .unwrap_or_else(|| {
                                                format!(
                                                    "ties name outside powers; known: {}",
                                                    ids.join(", ")
                                                )
                                            });
                                        self.error(
                                            k.span(),
                                            &p,
                                            format!("unknown power id `{key}`"),
                                        )
                                        .help = Some(help);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let eco_path = format!("{path}.economic");
            match lookup(t, "economic") {
                Some(v) => {
                    if let Some(et) = self.table(v, &eco_path) {
                        self.check_keys(et, &eco_path, &Self::keys_of(EconomicParams::FIELDS, &[]));
                        self.block(et, &eco_path, v.span(), &mut c.economic, is_new);
                    }
                }
                None if is_new => {
                    self.error(
                        span.clone(),
                        &eco_path,
                        "missing required table [country.economic]".into(),
                    )
                    .help = Some("add a [country.economic] table with at least `gdp`".into());
                }
                None => {}
            }
            if is_new && s.countries.len() >= MAX_ENTITIES {
                self.error(span, &path, format!("more than {MAX_ENTITIES} countries"));
                continue;
            }
            match existing {
                Some(k) => s.countries[k] = c,
                None => s.countries.push(c),
            }
        }
    }

    fn alliances(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let allowed = Self::keys_of(AllianceParams::FIELDS, ALLIANCE_KEYS);
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, t, span) in self.entries(root, "alliance") {
            let path = format!("alliance[{i}]");
            let Some((id, _)) = self.entry_id(t, &path, span.clone(), &allowed, &mut seen) else {
                continue;
            };
            let existing = s.alliances.iter().position(|a| a.id == id);
            let mut a = match existing {
                Some(k) => s.alliances[k].clone(),
                None => Alliance {
                    id: id.clone(),
                    name: id.clone(),
                    members: Vec::new(),
                    collective_procurement: false,
                    params: AllianceParams::defaults(),
                },
            };
            if let Some(n) = self.optional_string(t, "name", &path) {
                a.name = n;
            }
            match self.actor_list(t, "members", &path, s) {
                Some(m) => a.members = m,
                None if existing.is_none() && lookup(t, "members").is_none() => {
                    self.error(
                        span.clone(),
                        &format!("{path}.members"),
                        "missing required key `members`".into(),
                    );
                }
                None => {}
            }
            if let Some(v) = lookup(t, "collective_procurement") {
                if let Some(b) = self.boolean(v, &format!("{path}.collective_procurement")) {
                    a.collective_procurement = b;
                }
            }
            self.block(t, &path, span, &mut a.params, existing.is_none());
            match existing {
                Some(k) => s.alliances[k] = a,
                None => s.alliances.push(a),
            }
        }
    }

    fn deployments(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let allowed = Self::keys_of(DeploymentParams::FIELDS, DEPLOYMENT_KEYS);
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, t, span) in self.entries(root, "deployment") {
            let path = format!("deployment[{i}]");
            let Some((id, _)) = self.entry_id(t, &path, span.clone(), &allowed, &mut seen) else {
                continue;
            };
            let existing = s.deployments.iter().position(|d| d.id == id);
            let host = match lookup(t, "host") {
                Some(v) => self
                    .actor_ref(v, &format!("{path}.host"), s, true)
                    .map(|a| match a {
                        Actor::Country(c) => c,
                        Actor::Power(_) => unreachable!("countries_only"),
                    }),
                None => {
                    if existing.is_none() {
                        self.error(
                            span.clone(),
                            &format!("{path}.host"),
                            "missing required key `host`".into(),
                        );
                    }
                    None
                }
            };
            let mut d = match existing {
                Some(k) => s.deployments[k].clone(),
                None => Deployment {
                    id: id.clone(),
                    name: id.clone(),
                    host: host.unwrap_or(0),
                    contributors: Vec::new(),
                    params: DeploymentParams::defaults(),
                },
            };
            if let Some(h) = host {
                d.host = h;
            }
            if let Some(n) = self.optional_string(t, "name", &path) {
                d.name = n;
            }
            if let Some(c) = self.actor_list(t, "contributors", &path, s) {
                d.contributors = c;
            }
            self.block(t, &path, span, &mut d.params, existing.is_none());
            match existing {
                Some(k) => s.deployments[k] = d,
                None => s.deployments.push(d),
            }
        }
    }

    fn rivalries(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let allowed = Self::keys_of(RivalryParams::FIELDS, RIVALRY_KEYS);
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, t, span) in self.entries(root, "rivalry") {
            let path = format!("rivalry[{i}]");
            self.check_keys(t, &path, &allowed);
            let side = |r: &mut Self, key: &str| -> Option<usize> {
                match lookup(t, key) {
                    Some(v) => r
                        .actor_ref(v, &format!("{path}.{key}"), s, true)
                        .map(|a| match a {
                            Actor::Country(c) => c,
                            Actor::Power(_) => unreachable!("countries_only"),
                        }),
                    None => None,
                }
            };
            let challenger = side(self, "challenger");
            let target = side(self, "target");
            let explicit_id = match lookup(t, "id") {
                Some(v) => self.id(v, &format!("{path}.id")),
                None => None,
            };
            let id = match (&explicit_id, challenger, target) {
                (Some(id), _, _) => id.clone(),
                (None, Some(c), Some(tg)) => {
                    format!("{}-{}", s.countries[c].id, s.countries[tg].id)
                }
                _ => {
                    for key in ["challenger", "target"] {
                        if lookup(t, key).is_none() {
                            self.error(
                                span.clone(),
                                &format!("{path}.{key}"),
                                format!("missing required key `{key}`"),
                            );
                        }
                    }
                    continue;
                }
            };
            if !self.check_duplicate(&mut seen, &id, span.clone(), &path) {
                continue;
            }
            let existing = s.rivalries.iter().position(|r| r.id == id);
            let mut r = match existing {
                Some(k) => s.rivalries[k].clone(),
                None => {
                    let (Some(c), Some(tg)) = (challenger, target) else {
                        for key in ["challenger", "target"] {
                            if lookup(t, key).is_none() {
                                self.error(
                                    span.clone(),
                                    &format!("{path}.{key}"),
                                    format!("missing required key `{key}`"),
                                );
                            }
                        }
                        continue;
                    };
                    Rivalry {
                        id: id.clone(),
                        challenger: c,
                        target: tg,
                        params: RivalryParams::defaults(),
                        baseline_tension_given: false,
                    }
                }
            };
            if let Some(c) = challenger {
                r.challenger = c;
            }
            if let Some(tg) = target {
                r.target = tg;
            }
            if r.challenger == r.target {
                self.error(
                    span.clone(),
                    &path,
                    "challenger and target are the same country".into(),
                );
                continue;
            }
            let given = self.block(t, &path, span, &mut r.params, existing.is_none());
            r.baseline_tension_given |= given.contains(&"baseline_tension");
            match existing {
                Some(k) => s.rivalries[k] = r,
                None => s.rivalries.push(r),
            }
        }
    }

    fn policies(&mut self, root: &DeTable<'_>, s: &mut Scenario) {
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, t, span) in self.entries(root, "policy") {
            let path = format!("policy[{i}]");
            let Some((id, _)) = self.entry_id(t, &path, span.clone(), POLICY_KEYS, &mut seen)
            else {
                continue;
            };
            let existing = s.policies.iter().position(|p| p.id == id);
            let mut p = match existing {
                Some(k) => s.policies[k].clone(),
                None => Policy {
                    id: id.clone(),
                    name: id.clone(),
                    description: String::new(),
                    start: s.meta.start,
                    enabled: true,
                    ramp_years: 0.0,
                    changes: Vec::new(),
                    joins: Vec::new(),
                },
            };
            if let Some(n) = self.optional_string(t, "name", &path) {
                p.name = n;
            }
            if let Some(d) = self.optional_string(t, "description", &path) {
                p.description = d;
            }
            match lookup(t, "start") {
                Some(v) => {
                    if let Some(ym) = self.year_month(v, &format!("{path}.start")) {
                        p.start = ym;
                    }
                }
                None if existing.is_none() => {
                    self.error(
                        span.clone(),
                        &format!("{path}.start"),
                        "missing required key `start`".into(),
                    )
                    .help =
                        Some("the date the policy takes effect, e.g. start = \"2026-01\"".into());
                }
                None => {}
            }
            if let Some(v) = lookup(t, "enabled") {
                if let Some(b) = self.boolean(v, &format!("{path}.enabled")) {
                    p.enabled = b;
                }
            }
            if let Some(v) = lookup(t, "ramp_years") {
                let spec = FieldSpec {
                    key: "ramp_years",
                    unit: "yr",
                    default: ParamDefault::Value(0.0),
                    min: 0.0,
                    max: 100.0,
                    doc: "",
                };
                if let Some(x) = self.number(v, &format!("{path}.ramp_years"), &spec) {
                    p.ramp_years = x;
                }
            }
            if let Some(v) = lookup(t, "changes") {
                let cp = format!("{path}.changes");
                if let Some(arr) =
                    self.array(v, &cp, "an array of tables { path = ..., set = ... }")
                {
                    p.changes.clear();
                    for (j, item) in arr.iter().enumerate() {
                        let ip = format!("{cp}[{j}]");
                        let Some(ct) = self.table(item, &ip) else {
                            continue;
                        };
                        if let Some(change) = self.change(ct, &ip, item.span(), s) {
                            p.changes.push(change);
                        }
                    }
                }
            }
            if let Some(v) = lookup(t, "join") {
                let jp = format!("{path}.join");
                if let Some(arr) = self.array(
                    v,
                    &jp,
                    "an array of tables { alliance = ..., member = ... }",
                ) {
                    p.joins.clear();
                    for (j, item) in arr.iter().enumerate() {
                        let ip = format!("{jp}[{j}]");
                        let Some(jt) = self.table(item, &ip) else {
                            continue;
                        };
                        self.check_keys(jt, &ip, JOIN_KEYS);
                        let alliance = match lookup(jt, "alliance") {
                            Some(av) => self.id(av, &format!("{ip}.alliance")).and_then(|aid| {
                                let found = s.alliances.iter().position(|a| a.id == aid);
                                if found.is_none() {
                                    let ids: Vec<String> =
                                        s.alliances.iter().map(|a| a.id.clone()).collect();
                                    let help =
                                        closest(&aid, &ids).map(|x| format!("did you mean `{x}`?"));
                                    self.error(
                                        av.span(),
                                        &format!("{ip}.alliance"),
                                        format!("unknown alliance id `{aid}`"),
                                    )
                                    .help = help;
                                }
                                found
                            }),
                            None => {
                                self.error(
                                    item.span(),
                                    &format!("{ip}.alliance"),
                                    "missing required key `alliance`".into(),
                                );
                                None
                            }
                        };
                        let member = match lookup(jt, "member") {
                            Some(mv) => self.actor_ref(mv, &format!("{ip}.member"), s, false),
                            None => {
                                self.error(
                                    item.span(),
                                    &format!("{ip}.member"),
                                    "missing required key `member`".into(),
                                );
                                None
                            }
                        };
                        if let (Some(a), Some(m)) = (alliance, member) {
                            p.joins.push((a, m));
                        }
                    }
                }
            }
            // Warn only when nothing was asked; a change that failed has its own error.
            let asked: usize = ["changes", "join"]
                .iter()
                .filter_map(|k| lookup(t, k))
                .map(|v| v.get_ref().as_array().map_or(1, |a| a.len()))
                .sum();
            if p.changes.is_empty() && p.joins.is_empty() && asked == 0 {
                self.diags.push(
                    Diagnostic::at(
                        self.file,
                        self.src,
                        span.clone(),
                        &path,
                        format!("policy `{id}` changes nothing"),
                    )
                    .with_help(Some(
                        "add `changes = [{ path = ..., set = ... }]` or `join = [...]`".into(),
                    ))
                    .warning(),
                );
            }
            match existing {
                Some(k) => s.policies[k] = p,
                None => s.policies.push(p),
            }
        }
    }

    fn change(
        &mut self,
        t: &DeTable<'_>,
        path: &str,
        span: Range<usize>,
        s: &Scenario,
    ) -> Option<PolicyChange> {
        self.check_keys(t, path, CHANGE_KEYS);
        let pv = match lookup(t, "path") {
            Some(v) => v,
            None => {
                self.error(
                    span,
                    &format!("{path}.path"),
                    "missing required key `path`".into(),
                )
                .help =
                    Some("a parameter path such as \"country.XKX.military.budget_share\"".into());
                return None;
            }
        };
        let target_path = self.string(pv, &format!("{path}.path"))?;
        let target = match ParamRef::resolve(&target_path, s) {
            Ok(r) if r.is_dynamic() => r,
            Ok(_) => {
                self.error(
                    pv.span(),
                    &format!("{path}.path"),
                    format!("`{target_path}` cannot change during a run"),
                );
                return None;
            }
            Err(e) => {
                self.error(pv.span(), &format!("{path}.path"), e.message)
                    .help = e.suggestion.map(|x| format!("did you mean `{x}`?"));
                return None;
            }
        };
        let ops: Vec<&str> = ["set", "add", "scale"]
            .into_iter()
            .filter(|k| lookup(t, k).is_some())
            .collect();
        if ops.len() != 1 {
            let span = key_span(t, ops.get(1).copied().unwrap_or("path")).unwrap_or(span);
            self.error(
                span,
                path,
                "give exactly one of `set`, `add` or `scale`".into(),
            );
            return None;
        }
        let key = ops[0];
        let v = lookup(t, key).expect("checked");
        let vp = format!("{path}.{key}");
        let spec = target.spec();
        let op = match key {
            "set" => ChangeOp::Set(self.number(v, &vp, &spec)?),
            "add" => {
                let width = spec.max - spec.min;
                let add_spec = FieldSpec {
                    min: -width,
                    max: width,
                    ..spec
                };
                ChangeOp::Add(self.number(v, &vp, &add_spec)?)
            }
            _ => {
                let scale_spec = FieldSpec {
                    unit: "factor",
                    min: 0.0,
                    max: 1000.0,
                    ..spec
                };
                ChangeOp::Scale(self.number(v, &vp, &scale_spec)?)
            }
        };
        Some(PolicyChange {
            path: target_path,
            target,
            op,
            name: None,
        })
    }
}
