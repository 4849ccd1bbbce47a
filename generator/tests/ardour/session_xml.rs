//! What `ardour7-lua` cannot do headless, written into the saved `.ardour`
//! file: the track's region and its source, and the session range that
//! `ardour7-export` renders. Ardour 7 writes times as superclocks ("a…",
//! 282 240 000 per second) or beat ticks ("b…", 1920 per quarter note), and
//! a region's length with its position ("a<length>@a<position>"); a plain
//! number is read as samples at a rate not yet known while loading.

use super::smf::TICKS_PER_BEAT;

/// Superclock ticks per second (`Temporal::superclock_ticks_per_second`).
pub const SUPERCLOCKS_PER_SECOND: u64 = 282_240_000;

/// What the track plays from its playlist, from time 0.
pub enum Content<'a> {
    /// `file` (in the session's audiofiles folder) with `channels` channels,
    /// `frames` long: one source per channel, one region over all of them.
    Audio { file: &'a str, channels: usize, frames: usize },
    /// `file` (in the session's midifiles folder), `ticks` long.
    Midi { file: &'a str, ticks: u64 },
}

/// Returns the session file `xml` with `content` on the playlist of the only
/// track, the session range `[0, frames)` at `rate`, and region fades off.
pub fn with_content(xml: &str, content: &Content, frames: usize, rate: u32) -> String {
    let counter = attribute(xml, "<Session ", "id-counter").parse::<u64>().expect("id-counter is a number");
    let mut next_id = counter + 1;
    let mut id = || {
        next_id += 1;
        next_id - 1
    };
    let (sources, whole, in_playlist, playlist_type) = match *content {
        Content::Audio { file, channels, frames } => {
            let ids: Vec<u64> = (0..channels).map(|_| id()).collect();
            let sources: String = ids
                .iter()
                .enumerate()
                .map(|(c, id)| {
                    format!(
                        r#"    <Source name="{file}" type="audio" flags="" id="{id}" captured-for="" channel="{c}" origin=""/>{}"#,
                        "\n"
                    )
                })
                .collect();
            let length = format!("a{}@a0", frames as u64 * SUPERCLOCKS_PER_SECOND / u64::from(rate));
            let region = |id: u64, whole_file: bool| region("audio", file, id, whole_file, "a0", &length, &ids);
            (sources, region(id(), true), region(id(), false), "audio")
        }
        Content::Midi { file, ticks } => {
            let source = id();
            let sources = format!(
                r#"    <Source name="{file}" type="midi" flags="" id="{source}" captured-for="" origin=""/>{}"#,
                "\n"
            );
            let length = format!("b{ticks}@b0");
            let region = |id: u64, whole_file: bool| region("midi", file, id, whole_file, "b0", &length, &[source]);
            (sources, region(id(), true), region(id(), false), "midi")
        }
    };
    let end = frames as u64 * SUPERCLOCKS_PER_SECOND / u64::from(rate);
    let range = id();
    let mut xml = xml.replacen(&format!(r#"id-counter="{counter}""#), &format!(r#"id-counter="{}""#, next_id), 1);
    xml = replace_once(&xml, "<Sources/>", &format!("<Sources>\n{sources}  </Sources>"));
    xml = replace_once(&xml, "<Regions/>", &format!("<Regions>\n    {whole}\n  </Regions>"));
    let location = format!(
        r#"<Location id="{range}" name="session" start="a0" end="a{end}" flags="IsSessionRange" locked="0" timestamp="0" cue="0"/>"#
    );
    xml = replace_once(&xml, "<Locations/>", &format!("<Locations>\n    {location}\n  </Locations>"));
    xml = replace_once(
        &xml,
        r#"<Option name="use-region-fades" value="1"/>"#,
        r#"<Option name="use-region-fades" value="0"/>"#,
    );
    // The track's playlist, saved empty as one self-closing element.
    let marker = format!(r#"type="{playlist_type}""#);
    let start = xml.find("<Playlists>").expect("a <Playlists> element");
    let playlist = start + xml[start..].find("<Playlist ").expect("the track's playlist");
    let close = playlist + xml[playlist..].find("/>").expect("an empty playlist");
    assert!(xml[playlist..close].contains(&marker), "the playlist is not {marker}: {}", &xml[playlist..close]);
    format!("{}>\n      {in_playlist}\n    </Playlist>{}", &xml[..close], &xml[close + 2..])
}

/// A region of `kind` over `sources` from time 0, at unity gain, with no
/// fades and no envelope: it plays its source's samples unchanged.
fn region(kind: &str, name: &str, id: u64, whole_file: bool, start: &str, length: &str, sources: &[u64]) -> String {
    let channels = sources.len();
    let sources: String =
        sources.iter().enumerate().map(|(c, id)| format!(r#" source-{c}="{id}" master-source-{c}="{id}""#)).collect();
    let whole_file = u8::from(whole_file);
    format!(
        r#"<Region name="{name}" muted="0" opaque="1" locked="0" video-locked="0" automatic="0" whole-file="{whole_file}" import="0" external="0" sync-marked="0" left-of-split="0" right-of-split="0" hidden="0" position-locked="0" valid-transients="0" start="{start}" length="{length}" sync-position="{start}" ancestral-start="{start}" ancestral-length="{length}" stretch="1" shift="1" layering-index="0" tags="" contents="0" envelope-active="0" default-fade-in="0" default-fade-out="0" fade-in-active="0" fade-out-active="0" scale-amplitude="1" id="{id}" type="{kind}" first-edit="nothing" channels="{channels}"{sources}/>"#
    )
}

/// Ticks of `frames` at `rate` and Ardour's default 120 BPM, when `frames`
/// falls on a tick (every 25 frames at 48 kHz).
pub fn ticks(frames: usize, rate: u32) -> Option<u64> {
    let numerator = frames as u64 * u64::from(TICKS_PER_BEAT) * 2; // 2 beats per second
    numerator.is_multiple_of(u64::from(rate)).then(|| numerator / u64::from(rate))
}

fn attribute<'a>(xml: &'a str, element: &str, name: &str) -> &'a str {
    let at = xml.find(element).unwrap_or_else(|| panic!("no {element} in the session file"));
    let tag = &xml[at..at + xml[at..].find('>').unwrap()];
    let key = format!(r#" {name}=""#);
    let value = &tag[tag.find(&key).unwrap_or_else(|| panic!("{element} has no {name}")) + key.len()..];
    &value[..value.find('"').unwrap()]
}

fn replace_once(xml: &str, from: &str, to: &str) -> String {
    assert_eq!(xml.matches(from).count(), 1, "expected exactly one {from} in the session file Ardour saved");
    xml.replacen(from, to, 1)
}

/// Returns the session file `xml` with the state of its only plugin replaced
/// by `state` (the plugin's `getState` bytes). Ardour keeps a VST3 plugin's
/// state as a VST3 preset in base64 (`<chunk>`): "VST3", format 1, the class
/// id in 32 hex digits, the offset of a chunk list ("List", a count, then
/// per chunk its id, offset and size) that follows the data; "Comp" is the
/// component's state, "Cont" the controller's (kept as Ardour wrote it).
/// Loading the session hands "Comp" to the plugin's `setState`, whatever
/// the `<Port>` values beside it say.
pub fn with_plugin_state(xml: &str, state: &[u8]) -> String {
    let (start, end) = (xml.find("<chunk>").expect("a plugin chunk") + "<chunk>".len(), xml.find("</chunk>").unwrap());
    assert_eq!(xml.matches("<chunk>").count(), 1, "one plugin in the session");
    let preset = base64_decode(&xml[start..end]);
    let read_u32 = |at: usize| u32::from_le_bytes(preset[at..at + 4].try_into().unwrap());
    let read_i64 = |at: usize| i64::from_le_bytes(preset[at..at + 8].try_into().unwrap()) as usize;
    assert!(preset.starts_with(b"VST3") && read_u32(4) == 1, "a VST3 preset, format 1");
    let list = read_i64(40);
    assert_eq!(&preset[list..list + 4], b"List");
    let chunks: Vec<([u8; 4], &[u8])> = (0..read_u32(list + 4) as usize)
        .map(|i| {
            let entry = list + 8 + 20 * i;
            let (offset, size) = (read_i64(entry + 4), read_i64(entry + 12));
            (preset[entry..entry + 4].try_into().unwrap(), &preset[offset..offset + size])
        })
        .collect();
    let controller = chunks.iter().find(|(id, _)| id == b"Cont").map_or(&[][..], |(_, data)| *data);
    let mut out = preset[..40].to_vec();
    let list_at = 48 + state.len() + controller.len();
    out.extend_from_slice(&(list_at as i64).to_le_bytes());
    out.extend_from_slice(state);
    out.extend_from_slice(controller);
    out.extend_from_slice(b"List");
    out.extend_from_slice(&2_u32.to_le_bytes());
    for (id, offset, size) in [(b"Comp", 48, state.len()), (b"Cont", 48 + state.len(), controller.len())] {
        out.extend_from_slice(id);
        out.extend_from_slice(&(offset as i64).to_le_bytes());
        out.extend_from_slice(&(size as i64).to_le_bytes());
    }
    format!("{}{}{}", &xml[..start], base64_encode(&out), &xml[end..])
}

/// Returns the session file `xml` with the plugin's parameter `index`
/// automated: `points` as `(frame, value)` at `rate`, in the parameter's
/// plain units, linearly interpolated between points, in Play. The list
/// Ardour wrote when it inserted the plugin (empty, Off) is replaced; its
/// times become audio time (superclocks) so that any frame can be a point.
pub fn with_automation(xml: &str, index: usize, points: &[(usize, f64)], rate: u32) -> String {
    let id = format!("automation-id=\"parameter-{index}\"");
    let start = xml.find(&id).and_then(|at| xml[..at].rfind("<AutomationList ")).expect("the parameter's list");
    let end = start + xml[start..].find("/>").expect("an empty list") + 2;
    let list = &xml[start..end - 2];
    let list = list
        .replace("time-domain=\"BeatTime\"", "time-domain=\"AudioTime\"")
        .replace("state=\"Off\"", "state=\"Play\"");
    let list = list.replace("interpolation-style=\"Discrete\"", "interpolation-style=\"Linear\"");
    let events: String = points
        .iter()
        .map(|&(frame, value)| format!("a{} {value}\n", frame as u64 * SUPERCLOCKS_PER_SECOND / u64::from(rate)))
        .collect();
    format!("{}{list}>\n<events>{events}</events>\n</AutomationList>{}", &xml[..start], &xml[end..])
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let n = group.iter().enumerate().fold(0_u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= group.len() { BASE64[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let digits: Vec<u32> = text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .map(|c| BASE64.iter().position(|&d| d == c).expect("base64") as u32)
        .collect();
    let mut out = Vec::new();
    for group in digits.chunks(4) {
        let n = group.iter().enumerate().fold(0_u32, |n, (i, &d)| n | d << (18 - 6 * i));
        out.extend((0..group.len() - 1).map(|i| (n >> (16 - 8 * i)) as u8));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_every_length_and_matches_a_known_text() {
        assert_eq!(base64_encode(b"VST3\x01"), "VlNUMwE=");
        for len in 0..10 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 5) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)), bytes);
        }
    }
}
