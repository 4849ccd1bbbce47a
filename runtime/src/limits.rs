//! The limits of a plugin, in one place: the runtime enforces them, and the
//! generator imports them to validate `plugins.toml`, so a config that
//! validates always builds a plugin that runs.

/// Audio channels of one bus (1 to 8: mono up to 7.1).
pub const MAX_CHANNELS: usize = 8;

/// The write-ahead latency a plugin gets unless it says otherwise.
pub const DEFAULT_LATENCY_MS: f64 = 50.0;
/// The shortest write-ahead latency: below a millisecond the worker cannot get
/// ahead of any host block, so buffering would only cost.
pub const MIN_LATENCY_MS: f64 = 1.0;
/// The longest write-ahead latency.
pub const MAX_LATENCY_MS: f64 = 1000.0;

/// Parameters one plugin may declare (its own; bypass and the meters come on
/// top). Every parameter is sent to the processor again after a reset, through
/// an event queue sized for this.
pub const MAX_PARAMS: usize = 512;

// Strings hosts read from fixed-size VST3 fields, NUL included. A longer
// string would be cut (at a byte, maybe inside a UTF-8 sequence), so the
// generator refuses it. Each limit is that of the smallest field the string
// lands in; `vst3::strings` checks them against the bindings.

/// A plugin's name, in UTF-8 bytes: `PClassInfo::name` and `PClassInfo2::name`
/// are `char8[64]` (`PClassInfoW::name`, `char16[64]`, holds at least as many
/// UTF-16 units as there are bytes).
pub const MAX_NAME_BYTES: usize = 63;
/// The vendor, in UTF-8 bytes: `PFactoryInfo::vendor` and `PClassInfo2::vendor`
/// are `char8[64]`.
pub const MAX_VENDOR_BYTES: usize = 63;
/// The vendor's web address, in bytes: `PFactoryInfo::url` is `char8[256]`.
pub const MAX_URL_BYTES: usize = 255;
/// The vendor's e-mail address, in bytes: `PFactoryInfo::email` is `char8[128]`.
pub const MAX_EMAIL_BYTES: usize = 127;
/// The plugin's version, in bytes: `PClassInfo2::version` is `char8[64]`.
pub const MAX_VERSION_BYTES: usize = 63;
/// A parameter's title, in UTF-16 units: `ParameterInfo::title` and
/// `ParameterInfo::shortTitle` are `String128` (`char16[128]`).
pub const MAX_PARAM_TITLE_UTF16: usize = 127;
/// A parameter's units, in UTF-16 units. They fill `ParameterInfo::units` (a
/// `String128`) and also follow the value in the `String128` that
/// `IEditController::getParamStringByValue` fills (`"12.50 dB"`): 32 leaves
/// 95 units there for the value and a space, room for any value below 10^90
/// written with two decimals.
pub const MAX_PARAM_UNITS_UTF16: usize = 32;

/// The smallest editor window, in logical pixels (width, height): room for
/// the header and one control.
pub const EDITOR_MIN_SIZE: (u32, u32) = (240, 160);
/// The largest editor size a plugin may ask to open at, in logical pixels.
pub const EDITOR_MAX_SIZE: (u32, u32) = (4096, 4096);

/// Presets one plugin may list (VST3 shows them as one program list).
pub const MAX_PRESETS: usize = 128;
/// A preset's name, in UTF-16 units: VST3's `getProgramName` fills a
/// `String128`.
pub const MAX_PRESET_NAME_UTF16: usize = 127;

// Impulse responses (`dsp = "convolver"`): the generator refuses a file past
// these limits, and the runtime refuses one loaded while playing.

/// The longest impulse response, in seconds at its own rate. Longer ones are
/// refused rather than silently cut: 60 s of a true-stereo response already
/// takes about 150 MB once transformed.
pub const MAX_IR_SECONDS: f64 = 60.0;
/// The largest impulse response file, in bytes: 60 s of true stereo at
/// 96 kHz in 32-bit samples is about 92 MB. The file is embedded in the
/// plugin's library, or read whole into memory when loaded while playing.
pub const MAX_IR_FILE_BYTES: u64 = 96 << 20;
/// The longest impulse response path a plugin's saved state holds, in UTF-8
/// bytes (Linux's `PATH_MAX`, NUL excluded).
pub const MAX_IR_PATH_BYTES: usize = 4095;

/// Named values one stepped parameter may list (`values`): a menu's worth.
pub const MAX_VALUE_NAMES: usize = 128;
