//! Note values (`1/8`, `1/4.`, `1/16t`): lengths in musical time, for DSP
//! synced to the host's tempo. One owner for their spelling: the generator
//! validates `plugins.toml` with [`NoteValue::parse`].

use std::fmt;

/// Straight, dotted (one and a half times as long) or triplet (two thirds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feel {
    Straight,
    Dotted,
    Triplet,
}

/// A length of `numerator / denominator` whole notes, straight, dotted or
/// triplet: `1/8` is an eighth note, `3/16` three sixteenths, `1/4.` a dotted
/// quarter, `1/8t` an eighth-note triplet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteValue {
    numerator: u32,
    denominator: u32,
    feel: Feel,
}

/// The denominators a note value may have.
pub const DENOMINATORS: &[u32] = &[1, 2, 4, 8, 16, 32, 64];
/// The largest numerator (`16/1`: sixteen bars of 4/4).
pub const MAX_NUMERATOR: u32 = 16;

/// Why a text is not a note value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteValueError {
    /// Not `N/D` with whole numbers, optionally followed by `.` or `t`.
    Form,
    /// `N` outside 1..=[`MAX_NUMERATOR`].
    Numerator,
    /// `D` not one of [`DENOMINATORS`].
    Denominator,
}

impl fmt::Display for NoteValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Form => write!(f, "a note value is N/D, optionally dotted (1/4.) or triplet (1/8t)"),
            Self::Numerator => write!(f, "the numerator must be 1 to {MAX_NUMERATOR}"),
            Self::Denominator => write!(f, "the denominator must be 1, 2, 4, 8, 16, 32 or 64"),
        }
    }
}

impl std::error::Error for NoteValueError {}

impl NoteValue {
    /// `numerator / denominator` whole notes, straight. Not checked: see
    /// [`Self::parse`] for the values plugins.toml accepts.
    pub const fn new(numerator: u32, denominator: u32) -> Self {
        Self { numerator, denominator, feel: Feel::Straight }
    }

    /// The same value dotted.
    pub const fn dotted(self) -> Self {
        Self { feel: Feel::Dotted, ..self }
    }

    /// The same value as a triplet.
    pub const fn triplet(self) -> Self {
        Self { feel: Feel::Triplet, ..self }
    }

    pub fn numerator(&self) -> u32 {
        self.numerator
    }

    pub fn denominator(&self) -> u32 {
        self.denominator
    }

    pub fn feel(&self) -> Feel {
        self.feel
    }

    /// The length in quarter notes: `1/8` is 0.5, `1/4.` 1.5, `1/8t` 1/3.
    pub fn quarter_notes(&self) -> f64 {
        let straight = 4.0 * f64::from(self.numerator) / f64::from(self.denominator);
        match self.feel {
            Feel::Straight => straight,
            Feel::Dotted => straight * 1.5,
            Feel::Triplet => straight * 2.0 / 3.0,
        }
    }

    /// Reads `N/D`, `N/D.` (dotted) or `N/Dt` (triplet), with `N` in
    /// 1..=[`MAX_NUMERATOR`] and `D` one of [`DENOMINATORS`].
    pub fn parse(text: &str) -> Result<Self, NoteValueError> {
        let (body, feel) = if let Some(body) = text.strip_suffix('.') {
            (body, Feel::Dotted)
        } else if let Some(body) = text.strip_suffix('t') {
            (body, Feel::Triplet)
        } else {
            (text, Feel::Straight)
        };
        let (numerator, denominator) = body.split_once('/').ok_or(NoteValueError::Form)?;
        let whole = |part: &str| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse::<u32>().ok()).flatten()
        };
        let (Some(numerator), Some(denominator)) = (whole(numerator), whole(denominator)) else {
            return Err(NoteValueError::Form);
        };
        if !(1..=MAX_NUMERATOR).contains(&numerator) {
            return Err(NoteValueError::Numerator);
        }
        if !DENOMINATORS.contains(&denominator) {
            return Err(NoteValueError::Denominator);
        }
        Ok(Self { numerator, denominator, feel })
    }
}

impl fmt::Display for NoteValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = match self.feel {
            Feel::Straight => "",
            Feel::Dotted => ".",
            Feel::Triplet => "t",
        };
        write!(f, "{}/{}{suffix}", self.numerator, self.denominator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_values_read_and_measure_as_musicians_write_them() {
        for (text, quarters) in [("1/8", 0.5), ("1/4.", 1.5), ("1/8t", 1.0 / 3.0), ("3/16", 0.75), ("2/1", 8.0)] {
            let value = NoteValue::parse(text).unwrap();
            assert!((value.quarter_notes() - quarters).abs() < 1e-15, "{text}");
            assert_eq!(value.to_string(), text);
        }
        assert_eq!(NoteValue::parse("1/8"), Ok(NoteValue::new(1, 8)));
        assert_eq!(NoteValue::parse("1/16t"), Ok(NoteValue::new(1, 16).triplet()));
    }

    #[test]
    fn anything_else_is_refused_with_its_reason() {
        for text in ["", "8", "1/", "/8", "1/8x", "1 /8", "-1/8", "1/8.t", "½", "1.5/8"] {
            assert_eq!(NoteValue::parse(text), Err(NoteValueError::Form), "{text:?}");
        }
        assert_eq!(NoteValue::parse("0/8"), Err(NoteValueError::Numerator));
        assert_eq!(NoteValue::parse("17/8"), Err(NoteValueError::Numerator));
        assert_eq!(NoteValue::parse("1/7"), Err(NoteValueError::Denominator));
        assert_eq!(NoteValue::parse("1/128"), Err(NoteValueError::Denominator));
    }
}
