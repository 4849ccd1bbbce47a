//! Plugin names as file names. A plugin's name names its bundle folder
//! `<name>.vst3` and the library `<name>.so` inside it, so it must be one
//! plain file name on every system a bundle may be copied to: no path
//! separator, nothing Windows or a FAT/exFAT/NTFS drive refuses, not hidden,
//! not a device name. (`runtime::bundle::write_bundle` refuses a name
//! that reads as a path on its own; these rules are stricter, and explain.)

/// Why a name cannot be a portable file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hint: String,
}

/// Characters no file name may hold on Windows, nor on FAT, exFAT and NTFS
/// drives mounted anywhere (USB sticks, shared partitions): `/` and `\` are
/// path separators, `:` starts a drive or stream name, the rest are wildcards,
/// quotes and redirections. Control characters are refused for every host
/// string elsewhere (see `text`).
const NOT_IN_FILE_NAMES: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// Device names Windows reserves, whatever the case and whatever follows the
/// first dot: `con`, `Con.txt` and `con.vst3` all open the console.
const DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "conin$", "conout$", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "com¹", "com²", "com³", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8",
    "lpt9", "lpt¹", "lpt²", "lpt³",
];

const PLAIN: &str = "letters, digits, spaces and punctuation other than / \\ : * ? \" < > |";

/// Why `name` cannot name the bundle `<name>.vst3`, if it cannot.
pub fn file_name_problem(name: &str) -> Option<Problem> {
    let problem = |message: String, hint: &str| Some(Problem { message, hint: hint.to_string() });
    if let Some(c) = name.chars().find(|c| NOT_IN_FILE_NAMES.contains(c)) {
        let why = match c {
            '/' | '\\' => "a path separator",
            ':' => "a drive or stream separator on Windows",
            _ => "refused in file names on Windows and FAT/exFAT/NTFS drives",
        };
        return problem(
            format!("the name contains `{c}`, {why}"),
            &format!("the name is also the bundle's file name `<name>.vst3`: use {PLAIN}"),
        );
    }
    if name.starts_with('.') {
        return problem(
            "the name starts with `.`".into(),
            "the bundle `<name>.vst3` would be hidden, and `..` names the folder above: start with a letter or digit",
        );
    }
    if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
        return problem(
            "the name starts or ends with a space".into(),
            "hosts and file managers trim it, and Windows drops trailing spaces from file names: remove it",
        );
    }
    if name.ends_with('.') {
        return problem(
            "the name ends with `.`".into(),
            "Windows drops trailing dots from file names, so the bundle would not be found: remove it",
        );
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end().to_lowercase();
    if DEVICE_NAMES.contains(&stem.as_str()) {
        return problem(
            format!("the name makes the file name `{name}.vst3`, which Windows reserves for the device `{stem}`"),
            "con, prn, aux, nul, com0-9 and lpt0-9 name devices on Windows, even with an extension: add a word",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass() {
        for name in
            ["WA Gain", "Bob's Gain", "Über Gain", "AUX Send", "Con Brio", "Gain 2.0", "COM10", "nullify", "a.b"]
        {
            assert_eq!(file_name_problem(name), None, "{name}");
        }
    }

    #[test]
    fn paths_and_unportable_names_are_refused() {
        for name in [
            "../../escape pwn",
            "/tmp/abs",
            "a/b",
            "a\\b",
            "..",
            ".hidden",
            "C:evil",
            "what?",
            "a*b",
            "\"quoted\"",
            "<x>",
            "a|b",
            "con",
            "CON",
            "Nul.txt",
            "aux .txt",
            "com1",
            "LPT9.vst3",
            "com²",
            "trailing.",
            "trailing ",
            " leading",
        ] {
            assert!(file_name_problem(name).is_some(), "{name}");
        }
    }
}
