//! The plugin descriptor hosts list: id, names, version and features, as C
//! strings owned for as long as the module is initialised.

use std::ffi::{CStr, CString, c_char};

use clap_sys::plugin::clap_plugin_descriptor;
use clap_sys::plugin_features::{
    CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_INSTRUMENT, CLAP_PLUGIN_FEATURE_MONO,
    CLAP_PLUGIN_FEATURE_STEREO, CLAP_PLUGIN_FEATURE_SURROUND, CLAP_PLUGIN_FEATURE_SYNTHESIZER,
};
use clap_sys::version::CLAP_VERSION;

use crate::plugin::{PluginInfo, PluginKind};

/// The plugin's CLAP id: `writeahead.` and its class id in 32 lower-case hex
/// digits. Hosts save it in sessions, so it is as stable as the VST3 class id
/// it is made from (derived from vendor and name, or set in plugins.toml).
pub fn plugin_id(info: &PluginInfo) -> String {
    let hex: String = info.class_id.iter().map(|word| format!("{word:08x}")).collect();
    format!("writeahead.{hex}")
}

/// The features hosts sort plugins by: what it is, and its channel layout.
pub(crate) fn features(info: &PluginInfo) -> Vec<&'static CStr> {
    let mut features = match info.kind {
        PluginKind::Effect => vec![CLAP_PLUGIN_FEATURE_AUDIO_EFFECT],
        PluginKind::Instrument => vec![CLAP_PLUGIN_FEATURE_INSTRUMENT, CLAP_PLUGIN_FEATURE_SYNTHESIZER],
    };
    features.push(match info.channels() {
        1 => CLAP_PLUGIN_FEATURE_MONO,
        2 => CLAP_PLUGIN_FEATURE_STEREO,
        _ => CLAP_PLUGIN_FEATURE_SURROUND,
    });
    features
}

/// A C string of `text`, without the NULs a C string cannot hold (the
/// generator refuses control characters in every string a host shows).
fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "")).unwrap_or_default()
}

/// The descriptor and the memory its pointers point into.
pub(crate) struct Descriptor {
    raw: clap_plugin_descriptor,
    id: CString,
    _strings: Vec<CString>,
    _features: Vec<*const c_char>,
}

// SAFETY: the raw pointers point into the CStrings and the feature list this
// value owns (heap memory that does not move with it) and into 'static
// feature strings; nothing writes through them.
unsafe impl Send for Descriptor {}

impl Descriptor {
    pub(crate) fn new(info: &PluginInfo) -> Self {
        let id = c_string(&plugin_id(info));
        let kind = match info.kind {
            PluginKind::Effect => "effect",
            PluginKind::Instrument => "instrument",
        };
        let description = format!("{}: a write-ahead {kind}, {} ch", info.name, info.channels());
        let strings: Vec<CString> =
            [info.name, info.vendor, info.url, info.version, &description, ""].into_iter().map(c_string).collect();
        let mut feature_list: Vec<*const c_char> = features(info).into_iter().map(CStr::as_ptr).collect();
        feature_list.push(std::ptr::null());
        let raw = clap_plugin_descriptor {
            clap_version: CLAP_VERSION,
            id: id.as_ptr(),
            name: strings[0].as_ptr(),
            vendor: strings[1].as_ptr(),
            url: strings[2].as_ptr(),
            manual_url: strings[5].as_ptr(),
            support_url: strings[5].as_ptr(),
            version: strings[3].as_ptr(),
            description: strings[4].as_ptr(),
            features: feature_list.as_ptr(),
        };
        Self { raw, id, _strings: strings, _features: feature_list }
    }

    pub(crate) fn raw(&self) -> *const clap_plugin_descriptor {
        &self.raw
    }

    pub(crate) fn id(&self) -> &CStr {
        &self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_class_id_and_features_from_kind_and_channels() {
        let info = PluginInfo {
            name: "N",
            vendor: "V",
            url: "",
            email: "",
            version: "1.0.0",
            class_id: [0xE7E6_4DF9, 1, 0xABCD, 0],
            kind: PluginKind::Instrument,
            layouts: &[6],
            latency_ms: 50.0,
            latency_ceiling_ms: None,
            buffering: true,
            params: &[],
            meter_params: false,
            presets: &[],
            editor: None,
        };
        assert_eq!(plugin_id(&info), "writeahead.e7e64df9000000010000abcd00000000");
        let names: Vec<&str> = features(&info).iter().map(|f| f.to_str().unwrap()).collect();
        assert_eq!(names, ["instrument", "synthesizer", "surround"]);
        let descriptor = Descriptor::new(&info);
        // SAFETY: the descriptor's strings live as long as it does.
        let name = unsafe { CStr::from_ptr(descriptor.raw.name) };
        assert_eq!(name.to_str(), Ok("N"));
        // SAFETY: the feature list is NUL-pointer terminated and alive.
        let count = (0..).take_while(|i| unsafe { !(*descriptor.raw.features.add(*i)).is_null() }).count();
        assert_eq!(count, 3);
    }
}
