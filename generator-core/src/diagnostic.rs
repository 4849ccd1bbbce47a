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

/// Characters of a source line shown at most; a longer line is cut around the
/// caret and marked with `…`.
const SHOWN_CHARS: usize = 100;

/// Renders every diagnostic, in source order, for `file`.
pub fn render(file: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.span.start, d.span.end));
    let mut out = String::new();
    for diagnostic in sorted {
        let (line, column) = line_and_column(source, diagnostic.span.start);
        let text: Vec<char> = source.lines().nth(line - 1).unwrap_or("").chars().collect();
        let width = line.to_string().len();
        let at = (column - 1).min(text.len());
        // The part of the line shown: all of it, or a window around the caret.
        let start = at.saturating_sub(SHOWN_CHARS / 3).min(text.len().saturating_sub(SHOWN_CHARS));
        let end = (start + SHOWN_CHARS).min(text.len());
        let (before, after) = (if start > 0 { "…" } else { "" }, if end < text.len() { "…" } else { "" });
        let shown: String = text[start..end].iter().map(|c| visible(*c)).collect();
        // Tabs stay tabs under the line, so the caret lines up in a terminal.
        let pad: String = before
            .chars()
            .map(|_| ' ')
            .chain(text[start..at].iter().map(|c| if *c == '\t' { '\t' } else { ' ' }))
            .collect();
        let span_chars = source
            .get(diagnostic.span.start..diagnostic.span.end.min(source.len()))
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count());
        let carets = span_chars.clamp(1, (end - at).max(1));
        // A message may quote the file (`unknown dsp "…"`): one line, too.
        let message: String = diagnostic.message.chars().map(visible).collect();
        let _ = writeln!(out, "error: {message}");
        let _ = writeln!(out, "{:width$}--> {file}:{line}:{column}", "");
        let _ = writeln!(out, "{:width$} |", "");
        let _ = writeln!(out, "{line} | {before}{shown}{after}");
        let _ = writeln!(out, "{:width$} | {pad}{}", "", "^".repeat(carets));
        if let Some(hint) = &diagnostic.hint {
            let hint: String = hint.chars().map(visible).collect();
            let _ = writeln!(out, "{:width$} = hint: {hint}", "");
        }
        out.push('\n');
    }
    let count = diagnostics.len();
    let _ = write!(out, "{count} error{} in {file}", if count == 1 { "" } else { "s" });
    out
}

/// `c` as it may be printed on one line of a terminal: control characters
/// (other than tab) as their Unicode pictures (`␀`, `␍`, `␛`), characters
/// that break or reorder the line as U+FFFD.
fn visible(c: char) -> char {
    match c {
        '\t' => c,
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or(char::REPLACEMENT_CHARACTER),
        '\u{7F}' => '\u{2421}',
        c if crate::text::is_refused(c) => char::REPLACEMENT_CHARACTER,
        c => c,
    }
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

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let source = format!("url = \"{}\"\n", "u".repeat(10_000));
        let shown = render("plugins.toml", &source, &[Diagnostic::new(6..source.len() - 1, "too long")]);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[3], format!("1 | url = \"{}…", "u".repeat(SHOWN_CHARS - 7)));
        assert_eq!(lines[4], format!("  | {}{}", " ".repeat(6), "^".repeat(SHOWN_CHARS - 6)));
        // The closing quote: the window ends with the line, `…` before it.
        let at = source.len() - 2;
        let shown = render("plugins.toml", &source, &[Diagnostic::new(at..at + 1, "here")]);
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[1].ends_with("plugins.toml:1:10008"), "{shown}");
        assert_eq!(lines[3], format!("1 | …{}\"", "u".repeat(SHOWN_CHARS - 1)));
        assert_eq!(lines[4], format!("  | {}^", " ".repeat(SHOWN_CHARS)));
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        let source = "\tvendor = \"a\rb\u{1b}[2J\u{202e}\"\n";
        let at = source.find('"').unwrap();
        let shown = render("plugins.toml", source, &[Diagnostic::new(at..at + 1, "bad `a\nb`").hint("x\ry")]);
        assert!(shown.starts_with("error: bad `a␊b`\n"), "{shown:?}");
        assert!(shown.contains("1 | \tvendor = \"a␍b␛[2J\u{FFFD}\"\n  | \t         ^\n"), "{shown:?}");
        assert!(shown.contains("= hint: x␍y\n"), "{shown:?}");
    }
}
