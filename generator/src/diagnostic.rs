//! Errors in `plugins.toml`, shown like a compiler shows them: the file, line
//! and column, the offending line with a caret under the value, and a hint.

use std::fmt::Write as _;
use std::ops::Range;

/// One problem at a byte span of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Self { span, message: message.into(), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_and_column(source: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(source.len());
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Renders every diagnostic, in source order, for `file`.
pub fn render(file: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.span.start, d.span.end));
    let mut out = String::new();
    for diagnostic in sorted {
        let (line, column) = line_and_column(source, diagnostic.span.start);
        let text = source.lines().nth(line - 1).unwrap_or("");
        let width = line.to_string().len();
        let on_line = text.chars().count().saturating_sub(column - 1);
        let span_chars = source
            .get(diagnostic.span.start..diagnostic.span.end.min(source.len()))
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count());
        let carets = span_chars.clamp(1, on_line.max(1));
        let _ = writeln!(out, "error: {}", diagnostic.message);
        let _ = writeln!(out, "{:width$}--> {file}:{line}:{column}", "");
        let _ = writeln!(out, "{:width$} |", "");
        let _ = writeln!(out, "{line} | {text}");
        let _ = writeln!(out, "{:width$} | {}{}", "", " ".repeat(column - 1), "^".repeat(carets));
        if let Some(hint) = &diagnostic.hint {
            let _ = writeln!(out, "{:width$} = hint: {hint}", "");
        }
        out.push('\n');
    }
    let count = diagnostics.len();
    let _ = write!(out, "{count} error{} in {file}", if count == 1 { "" } else { "s" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_value() {
        let source = "[defaults]\nvendor = \"x\"\nlatency_ms = 0\n";
        let at = source.find('0').unwrap();
        let shown = render("plugins.toml", source, &[Diagnostic::new(at..at + 1, "too small").hint("use 50")]);
        assert_eq!(
            shown,
            "error: too small\n --> plugins.toml:3:14\n  |\n3 | latency_ms = 0\n  |              ^\n  = hint: use 50\n\n1 error in plugins.toml"
        );
    }
}
