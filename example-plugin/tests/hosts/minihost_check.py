"""minihost 0.11.0: Plugin.process runs kRealtime but unpaced (as fast as Python calls)."""
import sys

import numpy as np
import minihost
from signals import check_equal, delayed, noise

buffered_path, unbuffered_path = sys.argv[1:3]
RATE, BLOCK = 48000, 512
LATENCY = round(0.05 * RATE)


def run(plugin, x, double=False):
    y = np.zeros(x.shape, dtype=np.float64 if double else np.float32)
    for start in range(0, x.shape[1], BLOCK):
        block = np.ascontiguousarray(x[:, start : start + BLOCK])
        out = np.zeros_like(block)
        (plugin.process_double if double else plugin.process)(block, out)
        y[:, start : start + BLOCK] = out
    return y


def open_plugin(path):
    return minihost.Plugin(path, sample_rate=RATE, max_block_size=BLOCK, in_channels=2, out_channels=2)


x = noise(2, 2 * RATE)
plugin = open_plugin(buffered_path)
assert plugin.latency_samples == LATENCY, plugin.latency_samples
print(f"ok: latency_samples = {plugin.latency_samples}")
realtime = run(plugin, x)
check_equal("unpaced realtime: complete, never silent, input delayed by L", realtime, delayed(x, LATENCY))

offline = open_plugin(buffered_path)
offline.non_realtime = True
check_equal("offline output equals realtime output", run(offline, x), realtime)

reference = run(open_plugin(unbuffered_path), x)
check_equal("buffered equals unbuffered delayed by L", realtime, delayed(reference, LATENCY))

assert plugin.supports_double
doubled = open_plugin(buffered_path)
check_equal("process_double equals the 32-bit path", run(doubled, x.astype(np.float64), double=True), realtime.astype(np.float64))

plugin.set_param(0, 0.375)  # -6 dB on -24..24
state = plugin.get_state()
restored = open_plugin(buffered_path)
restored.set_state(state)
assert restored.get_param(0) == 0.375, restored.get_param(0)
assert restored.get_state() == state, "state must round-trip byte for byte"
print("ok: get_state/set_state round trip")
