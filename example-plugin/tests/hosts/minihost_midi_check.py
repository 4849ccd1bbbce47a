"""minihost 0.11.0 process_midi: a note-on at sample k sounds at k + L."""
import sys

import minihost
import numpy as np

bundle = sys.argv[1]
RATE, BLOCK = 48000, 512
LATENCY = round(0.05 * RATE)
NOTE_AT = 5000

plugin = minihost.Plugin(bundle, sample_rate=RATE, max_block_size=BLOCK, in_channels=0, out_channels=2)
assert plugin.accepts_midi, "the instrument takes notes"
assert plugin.latency_samples == LATENCY, plugin.latency_samples
out = np.zeros((2, 12 * BLOCK * 2), dtype=np.float32)
silence = np.zeros((0, BLOCK), dtype=np.float32)
for start in range(0, out.shape[1], BLOCK):
    block = np.zeros((2, BLOCK), dtype=np.float32)
    notes = [(NOTE_AT - start, 0x90, 60, 96)] if start <= NOTE_AT < start + BLOCK else []
    plugin.process_midi(silence, block, notes)
    out[:, start : start + BLOCK] = block
for channel in out:
    onset = int(np.flatnonzero(channel)[0])
    assert onset == NOTE_AT + LATENCY, f"onset at {onset}, expected {NOTE_AT + LATENCY}"
    assert np.all(channel[onset:] == channel[onset]) and channel[onset] > 0, "a steady level from the onset on"
print(f"ok: note-on at {NOTE_AT} sounds at {NOTE_AT + LATENCY} (k + L), level {out[0, -1]:.4f}")
