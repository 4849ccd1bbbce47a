//! The check that every error in a plugins.toml is shown with its place:
//! `--> FILE:LINE:COLUMN`, a position that exists in the file, the line and a
//! caret. Shared by the property tests and the input-limit tests.
#![allow(dead_code)]

use generator::diagnostic::{Diagnostic, render};

/// Checks what the generator prints for a refused file shown as `file` whose
/// text is `source`: nothing but error blocks, each placed at a position that
/// exists in `source`, then the count. Returns the number of errors.
///
/// An error printed without a place (`error: cannot read …`), with a place
/// outside the file, or without its line and caret fails the check.
pub fn check_rendering(file: &str, source: &str, rendered: &str) -> Result<usize, String> {
    let lines: Vec<&str> = rendered.lines().collect();
    let (footer, blocks) = lines.split_last().ok_or("nothing was printed")?;
    let count: usize = footer
        .strip_suffix(&format!(" in {file}"))
        .and_then(|rest| rest.strip_suffix(" errors").or_else(|| rest.strip_suffix(" error")))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("the last line is not the count of errors in {file}: {footer:?}"))?;
    let last_line = source.matches('\n').count() + 1;
    let mut shown = 0;
    let mut i = 0;
    while i < blocks.len() {
        let line = blocks[i];
        if line.is_empty() {
            i += 1;
            continue;
        }
        if !line.starts_with("error: ") {
            return Err(format!("printed outside an error block: {line:?}"));
        }
        shown += 1;
        let place = blocks
            .get(i + 1)
            .and_then(|l| l.trim_start().strip_prefix("--> "))
            .ok_or_else(|| format!("an error without a place: {line:?}"))?;
        let mut parts = place.rsplitn(3, ':');
        let (column, row, name) = (parts.next(), parts.next(), parts.next());
        let (Some(column), Some(row), Some(name)) = (column, row, name) else {
            return Err(format!("not FILE:LINE:COLUMN: {place:?}"));
        };
        let (Ok(row), Ok(column)) = (row.parse::<usize>(), column.parse::<usize>()) else {
            return Err(format!("not FILE:LINE:COLUMN: {place:?}"));
        };
        if name != file {
            return Err(format!("placed in {name:?}, not {file:?}: {line:?}"));
        }
        if !(1..=last_line).contains(&row) {
            return Err(format!("line {row} is not in the file ({last_line} lines): {line:?}"));
        }
        let text = source.split('\n').nth(row - 1).unwrap_or("");
        if !(1..=text.chars().count() + 1).contains(&column) {
            return Err(format!("column {column} is not on line {row} ({:?}): {line:?}", text));
        }
        let quoted = blocks.get(i + 3).is_some_and(|l| l.starts_with(&format!("{row} | ")));
        let caret = blocks.get(i + 4).is_some_and(|l| l.contains(" | ") && l.ends_with('^'));
        if !(blocks.get(i + 2).is_some_and(|l| l.trim_end().ends_with('|')) && quoted && caret) {
            return Err(format!("the line and caret are missing under {line:?}"));
        }
        i += 5;
        if blocks.get(i).is_some_and(|l| l.trim_start().starts_with("= hint: ")) {
            i += 1;
        }
    }
    if shown == 0 || shown != count {
        return Err(format!("{shown} errors shown, the count says {count}"));
    }
    Ok(shown)
}

/// Checks diagnostics of `source` (shown as `file`): at least one, every span
/// inside the file, and every one rendered with its place.
pub fn check_located(file: &str, source: &str, diagnostics: &[Diagnostic]) -> Result<(), String> {
    if diagnostics.is_empty() {
        return Err("refused without a diagnostic".into());
    }
    for diagnostic in diagnostics {
        let span = &diagnostic.span;
        if !(span.start <= span.end && span.end <= source.len()) {
            return Err(format!("span {span:?} is outside the file ({} bytes): {}", source.len(), diagnostic.message));
        }
    }
    let shown = check_rendering(file, source, &render(file, source, diagnostics))?;
    if shown != diagnostics.len() {
        return Err(format!("{} diagnostics, {shown} shown", diagnostics.len()));
    }
    Ok(())
}
