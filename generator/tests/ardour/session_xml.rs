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
