"""Every generated plugin in pedalboard, DawDreamer and minihost.

Reads the manifest the Rust test writes: per plugin its bundle, channels,
latency and the expected output (its DSP run directly, before the latency) for
a noise input (effects) or two note events (instruments). Asserts every host's
output equals it sample for sample, at the position that host's latency
handling puts it. Then:
- "layouts": the plugins in their other layouts (a stereo file through the
  mono-first WA Tremolo), in pedalboard and minihost, which negotiate the
  plugin's buses (DawDreamer 0.9.0's set_bus does not reach the plugin);
- "tails": minihost's MIDI renderer, which renders for as long as the plugin
  reports its tail after the last note (2 s when it reports none), renders a
  2.5 s synth release whole;
- "presets": each shipped preset chosen by name in pedalboard's program
  list, and rendered.
Exits non-zero on the first mismatch.
"""
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "example-plugin/tests/hosts"))
from signals import check_equal, delayed  # noqa: E402

from convolver_tolerance import check_within  # noqa: E402

import dawdreamer  # noqa: E402
import minihost  # noqa: E402
import pedalboard  # noqa: E402

RATE, BLOCK = 48000, 512


def check_notes(name, got, want):
    """Instruments: hosts scale MIDI velocity 127 to 1.0 with a rounding error
    (JUCE's 127 * (1 / 127.0f) is 1.0000001), so the level may differ in the
    last bit; where the sound starts and stops must not differ at all."""
    if got.shape != want.shape:
        raise AssertionError(f"{name}: shape {got.shape}, expected {want.shape}")
    sounding = np.flatnonzero((got != 0).any(axis=0)), np.flatnonzero((want != 0).any(axis=0))
    if not np.array_equal(*sounding):
        raise AssertionError(f"{name}: sounds at frames {sounding[0][[0, -1]]}, expected {sounding[1][[0, -1]]}")
    error = np.abs(got - want).max() / np.abs(want).max()
    if error > 1e-6:
        raise AssertionError(f"{name}: level differs by {error:.2e} of full scale")
    print(f"ok: {name} (frames {sounding[1][0]} to {sounding[1][-1]})")


def check_sound(entry, name, got, want):
    """An effect's output: bit for bit, or, for a convolver (an f32 partitioned
    convolution against its f64 model), within the entry's tolerance: the
    relative RMS error per channel and the largest error relative to the
    model's peak (at least 1). See generator/tests/e2e/convolver.rs."""
    tolerance = entry.get("tolerance")
    if tolerance is None:
        check_equal(name, got, want)
        return
    check_within(name, got, want, tolerance, "the model")
    print(f"ok: {name} (within the convolver's tolerance)")


def load(entry, name):
    data = np.fromfile(Path(entry["dir"]) / name, dtype="<f4")
    return data.reshape(entry["channels"], entry["frames"])


def midi(note):
    frame, on, pitch, velocity = note
    return bytes([0x90 if on else 0x80, pitch, velocity if on else 0]), frame


def pedalboard_check(entry, x, want):
    plugin = pedalboard.load_plugin(entry["bundle"])
    if entry["instrument"]:
        messages = [(message, frame / RATE) for message, frame in map(midi, entry["notes"])]
        got = plugin(messages, duration=entry["frames"] / RATE, sample_rate=RATE, num_channels=entry["channels"])
        # pedalboard compensates latency for effects only.
        check_notes(f"{entry['name']} in pedalboard: notes, delayed by L", got, delayed(want, entry["latency"]))
    else:
        got = plugin.process(x, RATE)
        check_sound(entry, f"{entry['name']} in pedalboard: on time (PDC)", got, want)
    # pedalboard loads at 44.1 kHz; the latency it reads now is the one at 48 kHz.
    assert plugin.reported_latency_samples == entry["latency"], plugin.reported_latency_samples


def dawdreamer_check(entry, x, want):
    engine = dawdreamer.RenderEngine(RATE, BLOCK)
    plugin = engine.make_plugin_processor("plugin", entry["bundle"])
    if entry["instrument"]:
        (on, _, pitch, velocity), (off, _, _, _) = entry["notes"]
        plugin.add_midi_note(pitch, velocity, on / RATE, (off - on) / RATE)
        engine.load_graph([(plugin, [])])
    else:
        source = engine.make_playback_processor("source", x)
        engine.load_graph([(source, []), (plugin, ["source"])])
    engine.render(entry["frames"] / RATE)
    assert plugin.get_latency_samples() == entry["latency"], plugin.get_latency_samples()
    got = engine.get_audio()[:, : entry["frames"]]
    what = f"{entry['name']} in DawDreamer: delayed by L (no PDC)"
    if entry["instrument"]:
        check_notes(what, got, delayed(want, entry["latency"]))
    else:
        check_sound(entry, what, got, delayed(want, entry["latency"]))


def minihost_check(entry, x, want):
    channels = entry["channels"]
    inputs = 0 if entry["instrument"] else channels
    plugin = minihost.Plugin(
        entry["bundle"], sample_rate=RATE, max_block_size=BLOCK, in_channels=inputs, out_channels=channels
    )
    assert plugin.latency_samples == entry["latency"], plugin.latency_samples
    got = np.zeros((channels, entry["frames"]), dtype=np.float32)
    for start in range(0, entry["frames"], BLOCK):
        out = np.zeros((channels, min(BLOCK, entry["frames"] - start)), dtype=np.float32)
        if entry["instrument"]:
            notes = [
                (frame - start, message[0], message[1], message[2])
                for message, frame in map(midi, entry["notes"])
                if start <= frame < start + out.shape[1]
            ]
            plugin.process_midi(np.zeros((0, out.shape[1]), dtype=np.float32), out, notes)
        else:
            plugin.process(np.ascontiguousarray(x[:, start : start + out.shape[1]]), out)
        got[:, start : start + out.shape[1]] = out
    what = f"{entry['name']} in minihost (real-time, unpaced): delayed by L"
    if entry["instrument"]:
        check_notes(what, got, delayed(want, entry["latency"]))
    else:
        check_sound(entry, what, got, delayed(want, entry["latency"]))


def tremolo_envelope(entry, beats):
    """The gain a synced tremolo applies at each output frame when the host's
    musical position of each input frame is `beats`: input frame t - L."""
    gain = 1 - entry["depth"] * (1 - np.cos(2 * np.pi * beats / entry["sync_quarter_notes"])) / 2
    return np.concatenate([np.zeros(entry["latency"]), gain[: len(beats) - entry["latency"]]])


def first_departure(got, want, tolerance):
    """The first frame where `got` differs from `want` by more than `tolerance`."""
    away = np.flatnonzero(np.abs(got - want) > tolerance)
    return int(away[0]) if away.size else None


def dawdreamer_beats(frames, bpm, ppqn=1):
    """The musical position DawDreamer reports for every frame: it starts at
    beat 0, reads the tempo for each block at the block's start (from the BPM
    automation, float32, one value per 1/ppqn beat) and advances by whole
    blocks (RenderEngine::render)."""
    beats, ppq = np.zeros(frames), 0.0
    bpm = np.atleast_1d(np.asarray(bpm, dtype=np.float32))
    for start in range(0, frames, BLOCK):
        tempo = float(bpm[min(len(bpm) - 1, int(ppqn * ppq))])
        k = np.arange(min(BLOCK, frames - start))
        beats[start : start + len(k)] = ppq + k * tempo / (60 * RATE)
        ppq += BLOCK / (RATE * 60) * tempo
    return beats


def dawdreamer_tempo_check(entry):
    """A synced plugin in DawDreamer follows the engine's BPM (set_bpm) and its
    BPM automation: DawDreamer hands plugins a JUCE play head (playing, the
    tempo, 4/4, the position in quarter notes), which JUCE passes on as the
    VST3 ProcessContext. Fed 1.0, the output is the tremolo's gain."""
    frames = 2 * RATE
    ones = np.ones((entry["channels"], frames), dtype=np.float32)

    def render(bpm, ppqn=None):
        engine = dawdreamer.RenderEngine(RATE, BLOCK)
        if ppqn is None:
            engine.set_bpm(bpm)
        else:
            engine.set_bpm(np.asarray(bpm, dtype=np.float32), ppqn)
        plugin = engine.make_plugin_processor("plugin", entry["bundle"])
        source = engine.make_playback_processor("source", ones)
        engine.load_graph([(source, []), (plugin, ["source"])])
        engine.render(frames / RATE)
        return engine.get_audio()[0, :frames]

    period = entry["sync_quarter_notes"] * 60 * RATE
    for bpm in (90.0, 150.0):
        got = render(bpm)
        away = first_departure(got, tremolo_envelope(entry, dawdreamer_beats(frames, bpm)), 1e-6)
        if away is not None:
            raise AssertionError(f"{entry['name']} in DawDreamer at {bpm} BPM: gain off at frame {away}")
        print(f"ok: {entry['name']} in DawDreamer at {bpm:g} BPM: one period every {period / bpm:g} frames")
    # 120 BPM for two beats, then 90: DawDreamer changes tempo at the first
    # block starting at or after beat 2, and the plugin from that frame + L on
    # (the position goes on, so the gain departs one frame later).
    automation = [120.0, 120.0] + [90.0] * 8
    got = render(automation, 1)
    beats = dawdreamer_beats(frames, automation)
    change = next(start for start in range(0, frames, BLOCK) if beats[start] >= 2.0)
    away = first_departure(got, tremolo_envelope(entry, beats), 1e-6)
    if away is not None:
        raise AssertionError(f"{entry['name']} in DawDreamer with BPM automation: gain off at frame {away}")
    slower = first_departure(got, tremolo_envelope(entry, dawdreamer_beats(frames, 120.0)), 1e-6)
    if slower != change + entry["latency"] + 1:
        raise AssertionError(f"{entry['name']}: the tempo change at {change} acted at {slower}, latency {entry['latency']}")
    print(f"ok: {entry['name']} in DawDreamer: 120 to 90 BPM at frame {change} acts at frame {slower} (L + 1 later)")


def minihost_timeline_check(entry):
    """minihost reports whatever set_transport was last told, unchanged from
    block to block; a host playing a timeline tells it every block. Blocks of
    512 cut at a jump (beat 1.125 to beat 100.25) and a tempo change (120 to
    90 BPM): the gain follows the timeline, and each change acts at its frame
    + L (the tempo change, whose position goes on, one frame after)."""
    frames, jump, tempo_change = 80_000, 27_000, 50_000

    def beats_of(sections):
        beats = np.zeros(frames)
        for i, (start, bpm, at) in enumerate(sections):
            end = sections[i + 1][0] if i + 1 < len(sections) else frames
            beats[start:end] = at + np.arange(end - start) * bpm / (60 * RATE)
        return beats

    at_change = 100.25 + (tempo_change - jump) * 120 / (60 * RATE)
    sections = [(0, 120.0, 0.0), (jump, 120.0, 100.25), (tempo_change, 90.0, at_change)]
    beats = beats_of(sections)
    channels = entry["channels"]
    plugin = minihost.Plugin(
        entry["bundle"], sample_rate=RATE, max_block_size=BLOCK, in_channels=channels, out_channels=channels
    )
    got = np.zeros((channels, frames), dtype=np.float32)
    cuts = sorted(set(range(0, frames, BLOCK)) | {jump, tempo_change}) + [frames]
    for start, end in zip(cuts, cuts[1:]):
        bpm = next(bpm for at, bpm, _ in reversed(sections) if at <= start)
        plugin.set_transport(bpm, position_samples=start, position_beats=float(beats[start]), is_playing=True)
        out = np.zeros((channels, end - start), dtype=np.float32)
        plugin.process(np.ones((channels, end - start), dtype=np.float32), out)
        got[:, start:end] = out
    name, latency = f"{entry['name']} in minihost (real-time, unpaced)", entry["latency"]
    away = first_departure(got[0], tremolo_envelope(entry, beats), 1e-6)
    if away is not None:
        raise AssertionError(f"{name}: gain off the host's timeline at frame {away}")
    jumped = first_departure(got[0], tremolo_envelope(entry, beats_of(sections[:1])), 1e-3)
    slower = first_departure(got[0], tremolo_envelope(entry, beats_of(sections[:2])), 1e-6)
    if (jumped, slower) != (jump + latency, tempo_change + latency + 1):
        raise AssertionError(f"{name}: the jump acted at {jumped}, the tempo change at {slower}, latency {latency}")
    print(f"ok: {name}: a jump at frame {jump} acts at {jumped}, 120 to 90 BPM at {tempo_change} acts at {slower}")


def minihost_tail_check(entry):
    channels, latency = entry["channels"], entry["latency"]
    plugin = minihost.Plugin(
        entry["bundle"], sample_rate=RATE, max_block_size=BLOCK, in_channels=0, out_channels=channels
    )
    plugin.set_param(entry["param"], entry["normalized"])
    # The change travels with the audio: the DSP (and the tail it reports)
    # has it once the host has played past the latency.
    for _ in range(latency // BLOCK + 2):
        plugin.process_midi(np.zeros((0, BLOCK), dtype=np.float32), np.zeros((channels, BLOCK), dtype=np.float32), [])
    tail = round(plugin.tail_seconds * RATE)
    assert tail == entry["tail"], f"{entry['name']}: tail {tail} frames, expected {entry['tail']}"
    song = minihost.MidiFile()
    song.ticks_per_quarter = 480
    track = song.add_track()
    song.add_tempo(track, 0, 120.0)
    song.add_note_on(track, 0, 0, 69, 127)
    song.add_note_off(track, 96, 0, 69, 0)  # 0.1 s at 120 bpm
    got = minihost.render_midi(plugin, song, block_size=BLOCK, as_=np.ndarray)
    want = np.fromfile(Path(entry["dir"]) / "expected.f32", dtype="<f4").reshape(channels, entry["frames"])
    rendered = got.shape[1]
    last = int(np.flatnonzero((np.abs(want) >= 1e-5).any(axis=0))[-1])
    if last >= rendered:
        raise AssertionError(f"{entry['name']}: minihost rendered {rendered} frames, the release sounds until {last}")
    check_notes(f"{entry['name']} in minihost's MIDI renderer: the {tail}-frame tail renders the whole release", got, want[:, :rendered])


JUCE_BASE64 = ".ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+"


def juce_base64(data):
    """JUCE's MemoryBlock::toBase64Encoding: the size, a dot, then 6 bits per
    character taken from the bytes least significant bit first."""
    bits = int.from_bytes(data, "little")
    chars = (len(data) * 8 + 5) // 6
    return f"{len(data)}." + "".join(JUCE_BASE64[(bits >> (6 * i)) & 63] for i in range(chars))


def juce_unbase64(text):
    size, _, chars = text.partition(".")
    bits = sum(JUCE_BASE64.index(c) << (6 * i) for i, c in enumerate(chars))
    return (bits & ((1 << (8 * int(size))) - 1)).to_bytes(int(size), "little")


def component_state(juce_state):
    """The plugin's own state bytes inside a JUCE host's state ("VC2!", a
    size, XML with the component state in JUCE's base64)."""
    xml = juce_state[8:].decode().rstrip("\0")
    return juce_unbase64(xml.split("<IComponent>")[1].split("</IComponent>")[0])


def minihost_old_state_check(entry):
    """A state release 0.1.0 saved loads in minihost: its JUCE host state
    (what a DAW built on JUCE stores in its project) carries those bytes as
    the component state. Every parameter then reads the saved value."""
    old = entry["old_state"]
    channels = entry["channels"]
    plugin = minihost.Plugin(
        entry["bundle"], sample_rate=RATE, max_block_size=BLOCK, in_channels=0 if entry["instrument"] else channels,
        out_channels=channels,
    )
    ours = plugin.get_state()
    assert juce_base64(component_state(ours)) == ours[8:].decode().split("<IComponent>")[1].split("</IComponent>")[0]
    saved = Path(old["path"]).read_bytes()
    xml = ours[8:].decode().rstrip("\0")
    head, rest = xml.split("<IComponent>")
    xml = head + "<IComponent>" + juce_base64(saved) + "</IComponent>" + rest.split("</IComponent>", 1)[1]
    body = xml.encode() + b"\0"
    plugin.set_state(b"VC2!" + len(body).to_bytes(4, "little") + body)
    for index, want in old["values"]:
        got = plugin.get_param(index)
        if abs(got - want) > 1e-6:
            raise AssertionError(f"{entry['name']}: after loading its 0.1.0 state, parameter {index} reads {got}, saved {want}")
    print(f"ok: {entry['name']} in minihost: its 0.1.0 state loads, {len(old['values'])} saved values read back")


def minihost_smoothing_check(entry):
    """A gain change a host makes between two blocks ramps, in the output,
    from that block's first frame + L over the parameter's smooth_ms: the
    gain before it up to frame k + L - 1, strictly between the two gains and
    moving one way over the ramp, exactly the new gain from its last frame
    on. Fed 1.0, the output is the gain. Without smoothing the output jumps
    at k + L."""
    smooth, channels, latency = entry["smoothing"], entry["channels"], entry["latency"]
    plugin = minihost.Plugin(
        entry["bundle"], sample_rate=RATE, max_block_size=BLOCK, in_channels=channels, out_channels=channels
    )
    plugin.set_param(smooth["index"], smooth["from"])
    k, frames, ramp = 8 * BLOCK, 16 * BLOCK + latency + smooth["frames"], int(smooth["frames"])
    got = np.zeros((channels, frames), dtype=np.float32)
    for start in range(0, frames, BLOCK):
        if start == k:
            plugin.set_param(smooth["index"], smooth["to"])
        n = min(BLOCK, frames - start)
        out = np.zeros((channels, n), dtype=np.float32)
        plugin.process(np.ones((channels, n), dtype=np.float32), out)
        got[:, start : start + n] = out
    name = f"{entry['name']} in minihost"
    g0, g1 = smooth["from_gain"], smooth["to_gain"]
    for c in range(channels):
        before, during, after = got[c, latency : k + latency], got[c, k + latency : k + latency + ramp - 1], got[c, k + latency + ramp - 1 :]
        if np.max(np.abs(before - g0)) > 1e-6 or np.max(np.abs(after - g1)) > 1e-6:
            raise AssertionError(f"{name}: gain {before[-1]} before frame {k + latency}, {after[0]} from {k + latency + ramp - 1}; want {g0}, {g1}")
        if not (np.all(np.diff(during) < 0) and during[0] < g0 and during[-1] > g1):
            raise AssertionError(f"{name}: no ramp from frame {k + latency} over {ramp} frames: {during[:4]} ... {during[-4:]}")
    print(f"ok: {name}: a gain change at frame {k} ramps from frame {k + latency} over {ramp} frames ({g0:.4f} to {g1:.4f})")


def pedalboard_preset_check(entry):
    """A preset chosen from the program list the way a pedalboard user does:
    by name, through the `preset` parameter JUCE makes of the VST3
    program-change parameter; the render must be the DSP at its values."""
    plugin = pedalboard.load_plugin(entry["bundle"])
    preset = plugin.parameters["preset"]
    if list(preset.valid_values) != entry["presets"]:
        raise AssertionError(f"{entry['name']}: pedalboard lists {list(preset.valid_values)}, expected {entry['presets']}")
    plugin.preset = entry["preset"]
    got = plugin.process(load(entry, "input.f32"), RATE)
    check_equal(f"{entry['name']} in pedalboard: preset {entry['preset']!r}", got, load(entry, "expected.f32"))


manifest = json.loads(Path(sys.argv[1]).read_text())
for entry in manifest["plugins"]:
    x = None if entry["instrument"] else load(entry, "input.f32")
    want = load(entry, "expected.f32")
    pedalboard_check(entry, x, want)
    dawdreamer_check(entry, x, want)
    minihost_check(entry, x, want)
    if entry["sync_quarter_notes"] is not None:
        dawdreamer_tempo_check(entry)
        minihost_timeline_check(entry)
    if entry["old_state"] is not None:
        minihost_old_state_check(entry)
    if entry["smoothing"] is not None:
        minihost_smoothing_check(entry)
for entry in manifest["layouts"]:
    entry = dict(entry, name=f"{entry['name']} in {entry['channels']} channels")
    x = None if entry["instrument"] else load(entry, "input.f32")
    want = load(entry, "expected.f32")
    pedalboard_check(entry, x, want)
    minihost_check(entry, x, want)
for entry in manifest["tails"]:
    minihost_tail_check(entry)
for entry in manifest["presets"]:
    pedalboard_preset_check(entry)
print(
    f"ok: {len(manifest['plugins'])} plugins in pedalboard, DawDreamer and minihost, "
    f"{len(manifest['layouts'])} more layouts, {len(manifest['tails'])} tails, {len(manifest['presets'])} presets"
)
