//! `sync` and `sync_rate`: a tremolo whose LFO follows the host's tempo and
//! musical position, one period per note value (`"1/8"`, `"1/4."`,
//! `"1/8t"`), instead of a rate in hertz.

use runtime::dsp::NoteValue;
use toml::de::DeValue;

use crate::config::{Dsp, Table};
use crate::diagnostic::Diagnostic;

/// The rate of a synced tremolo when `sync_rate` is not given.
pub const DEFAULT_SYNC_RATE: NoteValue = NoteValue::new(1, 8);

const EXAMPLES: &str = "e.g. \"1/8\" (an eighth note), \"1/4.\" (a dotted quarter), \"1/16t\" (a sixteenth-note \
                        triplet), \"2/1\" (two bars of 4/4)";

/// Reads `sync` and `sync_rate` from a plugin's table: the note value of one
/// period when the plugin is synced, `None` when it is not (or a key is
/// wrong: the problem is in `errors`). `dsp` is the plugin's DSP, if known.
pub(crate) fn read(table: &Table<'_>, dsp: Option<Dsp>, errors: &mut Vec<Diagnostic>) -> Option<NoteValue> {
    let synced = table.boolean("sync", errors).unwrap_or(false);
    let rate = table.get("sync_rate");
    if !synced {
        if let Some(rate) = rate {
            errors.push(
                Diagnostic::new(rate.span(), "`sync_rate` is only for a tremolo with sync = true")
                    .hint("add sync = true to follow the host's tempo at this rate, or remove sync_rate"),
            );
        }
        return None;
    }
    if let Some(dsp) = dsp
        && dsp != Dsp::Tremolo
    {
        let span = table.get("sync").map(|v| v.span()).unwrap_or_default();
        errors.push(Diagnostic::new(span, format!("dsp `{}` cannot sync to the host's tempo", dsp.name())).hint(
            "only dsp = \"tremolo\" has a synced rate; a custom DSP reads the host's tempo and position \
                 from AudioBlock::transport()",
        ));
        return None;
    }
    let Some(rate) = rate else { return Some(DEFAULT_SYNC_RATE) };
    let DeValue::String(text) = rate.get_ref() else {
        errors.push(
            Diagnostic::new(rate.span(), "`sync_rate` must be a note value in quotes").hint(EXAMPLES.to_string()),
        );
        return None;
    };
    match NoteValue::parse(text) {
        Ok(note) => Some(note),
        Err(why) => {
            errors.push(
                Diagnostic::new(rate.span(), format!("`{text}` is not a note value: {why}")).hint(EXAMPLES.to_string()),
            );
            None
        }
    }
}

/// The Rust expression that makes the synced processor: the note value
/// spelled with `NoteValue`'s const constructors, and the plugin's `PARAMS`
/// (its depth's range, default and smoothing).
pub fn processor(note: NoteValue) -> String {
    let feel = match note.feel() {
        runtime::dsp::note::Feel::Straight => "",
        runtime::dsp::note::Feel::Dotted => ".dotted()",
        runtime::dsp::note::Feel::Triplet => ".triplet()",
    };
    format!(
        "|| runtime::dsp::tremolo::Tremolo::synced_with(runtime::dsp::NoteValue::new({}, {}){feel}, PARAMS)",
        note.numerator(),
        note.denominator()
    )
}
