//! Diagnostics for scenario files: file:line:col, the key path, what was expected, and a hint.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Longest stretch of a source line shown under a diagnostic, in characters.
const SNIPPET_WIDTH: usize = 100;

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    /// 1-based line and column (in characters).
    pub line: usize,
    pub col: usize,
    /// Key path such as `country[2].military.budget`; empty for file-level problems.
    pub path: String,
    pub message: String,
    pub help: Option<String>,
    /// The source line and the span within it to underline (character offsets).
    pub snippet: Option<(String, usize, usize)>,
}

impl Diagnostic {
    /// Build a diagnostic for the byte range `span` of `src`.
    pub fn at(
        file: &str,
        src: &str,
        span: std::ops::Range<usize>,
        path: &str,
        message: String,
    ) -> Self {
        let start = span.start.min(src.len());
        let (line, col, text) = locate(src, start);
        let line_start = start - text_prefix_len(src, start);
        let end = span.end.clamp(start, src.len());
        let line_end = line_start + text.len();
        let underline_chars = src[start..end.min(line_end).max(start)]
            .chars()
            .count()
            .max(1);
        Self {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            col,
            path: path.to_string(),
            message,
            help: None,
            snippet: Some((text.to_string(), col - 1, underline_chars)),
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
        }
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

fn text_prefix_len(src: &str, at: usize) -> usize {
    let at = floor_char_boundary(src, at);
    at - src[..at].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

fn floor_char_boundary(src: &str, mut at: usize) -> usize {
    at = at.min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Line (1-based), column (1-based, in characters) and the text of the line holding byte `at`.
fn locate(src: &str, at: usize) -> (usize, usize, &str) {
    let at = floor_char_boundary(src, at);
    let line_start = src[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = src[at..].find('\n').map(|i| at + i).unwrap_or(src.len());
    let line = src[..at].matches('\n').count() + 1;
    let col = src[line_start..at].chars().count() + 1;
    (line, col, src[line_start..line_end].trim_end_matches('\r'))
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line > 0 {
            write!(f, "{}:{}:{}: {kind}", self.file, self.line, self.col)?;
        } else {
            write!(f, "{}: {kind}", self.file)?;
        }
        if self.path.is_empty() {
            writeln!(f, ": {}", self.message)?;
        } else {
            writeln!(f, ": {}: {}", self.path, self.message)?;
        }
        if let Some((text, col, len)) = &self.snippet {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            // Control characters would garble the terminal: show them escaped.
            let chars: Vec<char> = text
                .chars()
                .map(|c| if c.is_control() && c != '\t' { '?' } else { c })
                .collect();
            // A very long line (minified or generated input) is shown as a window around
            // the column, so one diagnostic stays a few lines long.
            let col = (*col).min(chars.len());
            let from = if chars.len() > SNIPPET_WIDTH {
                col.saturating_sub(SNIPPET_WIDTH / 3)
            } else {
                0
            };
            let to = (from + SNIPPET_WIDTH).min(chars.len());
            let prefix = if from > 0 { "..." } else { "" };
            let suffix = if to < chars.len() { "..." } else { "" };
            let shown: String = chars[from..to].iter().collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {prefix}{shown}{suffix}")?;
            let lead: String = " ".repeat(prefix.len())
                + &chars[from..col]
                    .iter()
                    .map(|&c| if c == '\t' { '\t' } else { ' ' })
                    .collect::<String>();
            let width = (*len).min(to.saturating_sub(col)).max(1);
            writeln!(f, "{pad} | {lead}{}", "^".repeat(width))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found in one or more files; the error type of scenario loading.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            write!(f, "{d}")?;
        }
        let n = self.errors().count();
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
        assert!(text.contains("^^"));
    }

    #[test]
    fn long_lines_are_shown_as_a_window_around_the_column() {
        let src = format!("a = [{}x]\n", "1, ".repeat(5000));
        let at = src.find('x').unwrap();
        let d = Diagnostic::at("f.toml", &src, at..at + 1, "a", "bad".into());
        let text = d.to_string();
        assert!(text.lines().all(|l| l.chars().count() < 200), "{text}");
        let snippet = text.lines().nth(2).unwrap();
        let caret = text.lines().nth(3).unwrap();
        let x_col = snippet.find('x').unwrap();
        assert_eq!(caret.find('^'), Some(x_col), "{text}");
    }
}
