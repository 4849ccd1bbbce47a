"""minihost 0.11.0 AudioDevice: kRealtime paced by a real audio clock (a
PulseAudio null sink), recorded from the sink's monitor with parec.

Usage: minihost_device_check.py BUNDLE BUFFER_FRAMES SECONDS [clean|underruns]
PULSE_SERVER must point at the server; WRITEAHEAD_STALL may inject stalls.
`underruns` is the control: stalls longer than the headroom must show up as
counted underruns and as silence in the recording.
"""
import os
import subprocess
import sys
import tempfile
import time

import minihost
import numpy as np

bundle, buffer_frames, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
expect = sys.argv[4] if len(sys.argv) > 4 else "clean"
RATE = 48000
stall = os.environ.get("WRITEAHEAD_STALL", "none")

t = np.arange(int(RATE * (seconds + 2))) / RATE
source = np.ascontiguousarray(
    np.stack([0.5 * np.sin(2 * np.pi * 441 * t), 0.4 * np.sin(2 * np.pi * 331 * t)]).astype(np.float32)
)

plugin = minihost.Plugin(bundle, sample_rate=RATE, max_block_size=1024, in_channels=2, out_channels=2)
names = [plugin.get_param_info(i)["name"] for i in range(plugin.num_params)]
underruns_index, fill_index = names.index("Underruns"), names.index("Buffer fill")

recording = os.path.join(tempfile.mkdtemp(), "monitor.raw")
recorder = subprocess.Popen(
    ["parec", "-d", "wa_test.monitor", "--rate=48000", "--channels=2", "--format=float32le", "--latency-msec=10", recording]
)
time.sleep(0.5)
device = minihost.AudioDevice(plugin, sample_rate=RATE, buffer_frames=buffer_frames, output_channels=2)
device.enable_input(source.shape[1])
assert device.write_input(source) == source.shape[1]
device.start()
fill_seen = 0.0
for _ in range(int(seconds * 10)):
    time.sleep(0.1)
    fill_seen = max(fill_seen, plugin.get_param(fill_index))
underruns = round(plugin.get_param(underruns_index) * 1_000_000)
device.stop()
time.sleep(0.5)
recorder.terminate()
recorder.wait()

print(f"device: {device.sample_rate:.0f} Hz, {device.buffer_frames}-frame callbacks, stall {stall}")
if expect == "underruns":
    assert underruns > 0, "stalls beyond the headroom were not counted as underruns"
    frames = np.fromfile(recording, dtype=np.float32).reshape(-1, 2)
    sounding = np.flatnonzero(np.abs(frames).max(axis=1) > 0.01)
    recorded = frames[sounding[0] : sounding[-1] + 1]
    silent = np.all(recorded == 0.0, axis=1)
    assert (silent[1:] & silent[:-1]).any(), "underruns were counted but no silence was recorded"
    print(f"ok (control): {underruns} underruns counted and heard as silence")
    sys.exit(0)
assert underruns == 0, f"the plugin reported {underruns} underruns"
assert fill_seen > 0.0, "the buffer-fill telemetry never moved: the worker was not ahead, or telemetry is broken"
print(f"ok: 0 underruns, buffer fill up to {100 * fill_seen:.1f} %")

frames = np.fromfile(recording, dtype=np.float32).reshape(-1, 2)
sounding = np.flatnonzero(np.abs(frames).max(axis=1) > 0.01)
assert sounding.size, "nothing was recorded"
recorded = frames[sounding[0] : sounding[-1] + 1]
assert len(recorded) >= RATE, f"only {len(recorded)} frames of sound were recorded"

silent = np.all(recorded == 0.0, axis=1)
gaps = np.flatnonzero(silent[1:] & silent[:-1])
assert gaps.size == 0, f"silent gaps inside the recording, first at frame {gaps[0]}"

inputs = source.T
starts = [k for k in range(RATE) if np.array_equal(inputs[k : k + 16], recorded[:16])]
assert starts, "the recorded sound is not the input"
start = starts[0]
same = np.array_equal(inputs[start : start + len(recorded)], recorded)
assert same, "the recording is not one unbroken run of the input: a frame was lost, repeated or changed"
print(f"ok: {len(recorded)} frames ({len(recorded) / RATE:.2f} s) recorded, exactly the input, no gap")
