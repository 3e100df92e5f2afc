//! Diagnostics for input files: `file:line:col`, the key path, what was expected, a hint,
//! and the source excerpt with its labels.
//!
//! The header line (`FILE:LINE:COL: error: KEY: PROBLEM`) is deter's own, so that editors and
//! scripts can jump to it; the excerpt under it (carets under the offending text, a second
//! label such as "first defined here", the help line) is rendered by `annotate-snippets`,
//! which measures columns in display width (wide characters, tabs) the way a terminal
//! draws them.
//!
//! **Architecture Invariant:** nothing a diagnostic prints can drive a terminal: control
//! characters in the file name, the message, the key path and the excerpt are shown as
//! printable stand-ins ([`printable`]).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Longest stretch of a source line kept in a diagnostic, in bytes either side of the label
/// (the renderer then trims the line to the terminal around the carets).
const EXCERPT_REACH: usize = 240;

/// Longest word (a run of letters, digits, `_` and `-`: a key, an id, a value) the header
/// line (key path, message) and the help line print whole. A longer one, copied from the
/// input (a key of 100,000 characters, a string pasted whole), printed the header 200 KB
/// long, the key twice, while the excerpt under it was cut: it keeps its first
/// [`WORD_HEAD`] and last [`WORD_TAIL`] characters around `...`, as the excerpt does, and
/// whatever surrounds it (`scenario.`, backticks) stays, so that a key is cut alike in
/// every file kind and in `--set`.
const WORD_REACH: usize = 120;
const WORD_HEAD: usize = 60;
const WORD_TAIL: usize = 40;

/// `s` with every word of more than [`WORD_REACH`] characters cut in its middle.
fn bounded(s: &str) -> Cow<'_, str> {
    let in_word = |c: char| c == '_' || c == '-' || !(c.is_whitespace() || c.is_ascii_punctuation());
    let mut run = 0;
    let mut long = false;
    for c in s.chars() {
        run = if in_word(c) { run + 1 } else { 0 };
        long |= run > WORD_REACH;
    }
    if !long {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut word: Vec<char> = Vec::new();
    let flush = |word: &mut Vec<char>, out: &mut String| {
        if word.len() > WORD_REACH {
            out.extend(&word[..WORD_HEAD]);
            out.push_str("...");
            out.extend(&word[word.len() - WORD_TAIL..]);
        } else {
            out.extend(word.iter());
        }
        word.clear();
    };
    for c in s.chars() {
        if in_word(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    Cow::Owned(out)
}

/// A source excerpt: whole lines of the file, the first of them numbered `line_start`, and
/// the labelled byte ranges within `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// 1-based number of the first line of `text`.
    pub line_start: usize,
    /// Byte offset of `text` in the file.
    pub offset: usize,
    /// The lines, control characters already replaced (same byte offsets as the file).
    pub text: String,
    /// The byte range underlined with carets.
    pub primary: Range<usize>,
    /// A second labelled range, e.g. where a duplicate was first defined.
    pub secondary: Option<(Range<usize>, String)>,
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    /// 1-based line and column (the column in characters); 0 for a file-level problem.
    pub line: usize,
    pub col: usize,
    /// Key path such as `country[2].military.budget`; empty for file-level problems.
    pub path: String,
    pub message: String,
    pub help: Option<String>,
    /// The source lines shown under the header.
    pub snippet: Option<Excerpt>,
    /// How many faults this diagnostic reports: 1, or N for one that stands for N faults
    /// not shown one by one ("N more faults from here to line L, not shown"); the footer
    /// "K errors found" sums it over the errors.
    pub count: usize,
}

impl Diagnostic {
    /// A diagnostic for the byte range `span` of `src`.
    pub fn at(file: &str, src: &str, span: Range<usize>, path: &str, message: String) -> Self {
        let start = floor_char_boundary(src, span.start);
        let (line, col) = line_col(src, start);
        let end = floor_char_boundary(src, span.end.max(start));
        Self {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            col,
            path: path.to_string(),
            message,
            help: None,
            snippet: Some(excerpt(src, start..end, None)),
            count: 1,
        }
    }

    /// A diagnostic without a position (a missing file, an unreadable one).
    pub fn file_level(file: &str, message: String) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_string(),
            line: 0,
            col: 0,
            path: String::new(),
            message,
            help: None,
            snippet: None,
            count: 1,
        }
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Add a second label at `span` of `src` (the same text the diagnostic was made from),
    /// such as "first defined here". The excerpt then spans both places; the lines between
    /// them are folded by the renderer.
    pub fn with_note_at(mut self, src: &str, span: Range<usize>, label: &str) -> Self {
        if let Some(ex) = &self.snippet {
            let primary_abs = ex.offset + ex.primary.start..ex.offset + ex.primary.end;
            let start = floor_char_boundary(src, span.start);
            let end = floor_char_boundary(src, span.end.max(start));
            self.snippet = Some(excerpt(src, primary_abs, Some((start..end, label))));
        }
        self
    }

    /// The header line's location and message without the severity: "FILE:LINE:COL: KEY:
    /// MESSAGE", for a message carried inside another (a sweep's `futures` under its key) or
    /// through a library function's text error.
    pub fn one_line(&self) -> String {
        let mut s = if self.line > 0 {
            format!("{}:{}:{}", self.file, self.line, self.col)
        } else {
            self.file.clone()
        };
        if !self.path.is_empty() {
            s.push_str(": ");
            s.push_str(&bounded(&self.path));
        }
        s.push_str(": ");
        s.push_str(&bounded(&self.message));
        s
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

fn floor_char_boundary(src: &str, mut at: usize) -> usize {
    at = at.min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(src: &str, mut at: usize) -> usize {
    at = at.min(src.len());
    while !src.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Line (1-based) and column (1-based, in characters) of byte `at` of `src`.
pub(crate) fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = floor_char_boundary(src, at);
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = src[..at].matches('\n').count() + 1;
    (line, src[line_start..at].chars().count() + 1)
}

/// The lines of `src` holding `primary` (and `secondary`), cut to [`EXCERPT_REACH`] bytes
/// around the labels on very long lines, with the labels' ranges made relative to the text.
fn excerpt(src: &str, primary: Range<usize>, secondary: Option<(Range<usize>, &str)>) -> Excerpt {
    let lo = secondary
        .as_ref()
        .map_or(primary.start, |(s, _)| s.start.min(primary.start));
    let hi = secondary
        .as_ref()
        .map_or(primary.end, |(s, _)| s.end.max(primary.end));
    let line_begin = src[..lo].rfind('\n').map_or(0, |i| i + 1);
    let line_finish = src[hi..].find('\n').map_or(src.len(), |i| hi + i);
    // On a long line, keep a window around the labels (whole characters).
    let from = ceil_char_boundary(src, line_begin.max(lo.saturating_sub(EXCERPT_REACH)));
    let to = floor_char_boundary(src, line_finish.min(hi.saturating_add(EXCERPT_REACH)));
    // CRLF line ends become a space before the newline (same offsets); any other control
    // character a stand-in.
    let raw = &src[from..to];
    let text: String = raw
        .char_indices()
        .map(|(i, c)| {
            if c == '\r' && (raw[i + 1..].starts_with('\n') || i + 1 == raw.len()) {
                ' '
            } else {
                stand_in(c)
            }
        })
        .collect();
    let clamp = |r: &Range<usize>| {
        let s = r.start.clamp(from, from + text.len()) - from;
        let e = r.end.clamp(from, from + text.len()) - from;
        s..e.max(s)
    };
    let line_start = src[..from].matches('\n').count() + 1;
    Excerpt {
        line_start,
        offset: from,
        primary: clamp(&primary),
        secondary: secondary.map(|(s, l)| (clamp(&s), l.to_string())),
        text,
    }
}

/// A printable character of the same UTF-8 length for a control or invisible formatting
/// character (so byte offsets stay valid); other characters unchanged.
fn stand_in(c: char) -> char {
    let invisible = matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
    if (c.is_control() && c != '\t' && c != '\n') || invisible {
        match c.len_utf8() {
            1 => '?',
            2 => '\u{bf}',
            3 => '\u{fffd}',
            _ => '\u{1f5f5}',
        }
    } else {
        c
    }
}

/// `s` on one line, with control characters (ESC, CR, LF, BEL...) and invisible bidirectional formatting
/// characters shown as `\u{..}` escapes, so that text from an input file printed to a
/// terminal cannot move the cursor, clear the screen or reorder what is shown.
pub fn printable(s: &str) -> Cow<'_, str> {
    let plain = |c: char| c == '\t' || (c != '\n' && stand_in(c) == c);
    if s.chars().all(plain) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if plain(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// [`printable`] line by line: a multi-line text (a table, a message) keeps its line breaks
/// and loses every other control character, so nothing it prints can drive a terminal.
pub fn printable_lines(s: &str) -> Cow<'_, str> {
    if s.split('\n')
        .all(|l| matches!(printable(l), Cow::Borrowed(_)))
    {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.split('\n').map(printable).collect::<Vec<_>>().join("\n"))
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = printable(&self.file);
        if self.line > 0 {
            write!(f, "{file}:{}:{}: {kind}", self.line, self.col)?;
        } else {
            write!(f, "{file}: {kind}")?;
        }
        let message = bounded(&self.message);
        let message = printable(&message);
        if self.path.is_empty() {
            writeln!(f, ": {message}")?;
        } else {
            writeln!(f, ": {}: {message}", printable(&bounded(&self.path)))?;
        }
        let help = self.help.as_deref().map(bounded);
        let help = help.as_deref().map(printable);
        let mut group = Group::with_level(match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        });
        if let Some(ex) = &self.snippet {
            let mut snippet = Snippet::source(ex.text.as_str())
                .line_start(ex.line_start)
                .fold(true)
                .annotation(AnnotationKind::Primary.span(ex.primary.clone()));
            if let Some((span, label)) = &ex.secondary {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(span.clone())
                        .label(label.as_str()),
                );
            }
            group = group.element(snippet);
        } else if help.is_none() {
            return Ok(());
        }
        if let Some(help) = &help {
            group = group.element(Level::HELP.message(help.as_ref()));
        }
        let rendered = Renderer::plain().render(&[group]);
        writeln!(f, "{}", rendered.trim_end_matches('\n'))
    }
}

/// Every problem found in one or more files; the error type of scenario loading.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The diagnostics of severity error (not warnings), in order.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Whether any diagnostic is an error (the input is refused, exit 2).
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

impl Diagnostics {
    /// The diagnostics in the order of the files: each file's by line and column, the files
    /// in the order they first appear (a base file's problems stay after the `extends` error
    /// of the file that announces them). Readers visit tables and checks, not lines: a sweep
    /// file's missing `role` (at a `[[parameter]]` header) came after the same parameter's
    /// `path` error below it. Every multi-error report of every file kind prints this order.
    pub fn in_file_order(&self) -> Vec<&Diagnostic> {
        let mut files: Vec<&str> = Vec::new();
        for d in &self.0 {
            if !files.contains(&d.file.as_str()) {
                files.push(&d.file);
            }
        }
        let mut v: Vec<&Diagnostic> = self.0.iter().collect();
        v.sort_by_key(|d| {
            let file = files.iter().position(|f| *f == d.file).unwrap_or(0);
            (file, d.line, d.col)
        });
        v
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.in_file_order() {
            write!(f, "{d}")?;
        }
        let n: usize = self.errors().map(|d| d.count).sum();
        if n > 0 {
            writeln!(f, "{n} error{} found", if n == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Display column (terminal cells) of byte `at` in `line`: wide characters take 2.
    fn cells(line: &str) -> usize {
        line.chars()
            .map(|c| {
                if ('\u{1100}'..='\u{115f}').contains(&c)
                    || ('\u{2e80}'..='\u{a4cf}').contains(&c)
                    || ('\u{ac00}'..='\u{d7a3}').contains(&c)
                    || ('\u{f900}'..='\u{faff}').contains(&c)
                    || ('\u{ff00}'..='\u{ff60}').contains(&c)
                    || ('\u{1f300}'..='\u{1faff}').contains(&c)
                {
                    2
                } else {
                    1
                }
            })
            .sum()
    }

    #[test]
    fn locates_line_and_column() {
        let src = "a = 1\nbudget = -3\n";
        let d = Diagnostic::at("f.toml", src, 15..17, "x.budget", "bad".into());
        assert_eq!((d.line, d.col), (2, 10));
        let text = d.to_string();
        assert!(
            text.starts_with("f.toml:2:10: error: x.budget: bad"),
            "{text}"
        );
        assert!(text.contains("budget = -3"));
        assert!(text.contains("^^"), "{text}");
    }

    #[test]
    fn carets_sit_under_the_value_after_wide_characters() {
        // CJK and emoji take two terminal cells each: the caret must account for it.
        for prefix in ["名前", "🇽🇰 flag", "ａｂｃ"] {
            let src = format!("name = \"{prefix}\" x = 1\n");
            let at = src.find('x').unwrap();
            let d = Diagnostic::at("f.toml", &src, at..at + 1, "k", "bad".into());
            let text = d.to_string();
            let line = text.lines().find(|l| l.contains("name =")).unwrap();
            let caret = text.lines().find(|l| l.contains('^')).unwrap();
            let x_cells = cells(&line[..line.find('x').unwrap()]);
            let caret_cells = cells(&caret[..caret.find('^').unwrap()]);
            assert_eq!(caret_cells, x_cells, "{prefix}:\n{text}");
        }
    }

    #[test]
    fn a_second_label_points_at_the_first_definition() {
        let src = "[[country]]\nid = \"A\"\n\n\n\n[[country]]\nid = \"A\"\n";
        let second = src.rfind("\"A\"").unwrap();
        let first = src.find("\"A\"").unwrap();
        let d = Diagnostic::at(
            "f.toml",
            src,
            second..second + 3,
            "country[1].id",
            "dup".into(),
        )
        .with_note_at(src, first..first + 3, "first defined here");
        let text = d.to_string();
        assert!(text.starts_with("f.toml:7:6: error"), "{text}");
        assert!(text.contains("first defined here"), "{text}");
        assert!(text.contains("2 |") && text.contains("7 |"), "{text}");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let src = "name = \"\u{1b}[2J\u{7}\u{202e}x\"\n";
        let d = Diagnostic::at(
            "f\u{1b}.toml",
            src,
            7..src.len() - 1,
            "k\u{1b}",
            "m\u{1b}[31m".into(),
        )
        .with_help(Some("h\u{1b}".into()));
        let text = d.to_string();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(!text.contains('\u{202e}'), "{text:?}");
        assert_eq!(printable("a\u{1b}[2J"), "a\\u{1b}[2J");
    }

    #[test]
    fn long_lines_are_shown_as_a_window_around_the_column() {
        let src = format!("a = [{}x]\n", "1, ".repeat(5000));
        let at = src.find('x').unwrap();
        let d = Diagnostic::at("f.toml", &src, at..at + 1, "a", "bad".into());
        let text = d.to_string();
        assert!(text.lines().all(|l| l.chars().count() < 200), "{text}");
        let snippet = text.lines().find(|l| l.contains('x')).unwrap();
        let caret = text.lines().find(|l| l.contains('^')).unwrap();
        assert_eq!(caret.find('^'), snippet.find('x'), "{text}");
    }
}
