//! How the generator words what it prints: counts with the right plural, and
//! the command a hint tells the user to run, spelled as they would type it
//! (with `--config` when they gave one, so the hint acts on the same file).

use std::path::Path;

/// `1 crate`, `2 crates`: `one` and `many` are the two forms.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `cargo run -p generator -- COMMAND [--config PATH]`; an empty command is
/// the default one (`build`).
pub fn command_line(command: &str, config: Option<&Path>) -> String {
    let mut line = String::from("cargo run -p generator");
    if !command.is_empty() || config.is_some() {
        line.push_str(" --");
    }
    if !command.is_empty() {
        line.push(' ');
        line.push_str(command);
    }
    if let Some(config) = config {
        line.push_str(" --config ");
        line.push_str(&shell_word(&config.display().to_string()));
    }
    line
}

/// `word` as a POSIX shell reads it back: as it is when it is plain, else in
/// single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_one_thing_and_many_things() {
        assert_eq!(count(1, "crate", "crates"), "1 crate");
        assert_eq!(count(0, "crate", "crates"), "0 crates");
        assert_eq!(count(2, "bundle was", "bundles were"), "2 bundles were");
    }

    #[test]
    fn a_hint_keeps_the_config_the_user_gave() {
        assert_eq!(command_line("", None), "cargo run -p generator");
        assert_eq!(command_line("install", None), "cargo run -p generator -- install");
        assert_eq!(
            command_line("install", Some(Path::new("my plugins/p.toml"))),
            "cargo run -p generator -- install --config 'my plugins/p.toml'"
        );
        assert_eq!(command_line("", Some(Path::new("a/p.toml"))), "cargo run -p generator -- --config a/p.toml");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
