"""DawDreamer 0.9.0: no latency compensation, so the output is the input shifted by L."""
import sys

import dawdreamer
from signals import check_equal, delayed, impulses, noise

buffered_path, unbuffered_path = sys.argv[1:3]
RATE, BLOCK = 48000, 512
LATENCY = round(0.05 * RATE)


def render(path, x):
    engine = dawdreamer.RenderEngine(RATE, BLOCK)
    source = engine.make_playback_processor("source", x)
    plugin = engine.make_plugin_processor("plugin", path)
    engine.load_graph([(source, []), (plugin, ["source"])])
    engine.render(x.shape[1] / RATE)
    return plugin.get_latency_samples(), engine.get_audio()[:, : x.shape[1]]


latency, y = render(buffered_path, impulses(2, RATE))
assert latency == LATENCY, latency
print(f"ok: get_latency_samples() = {latency}")
check_equal("impulse at k comes out at k + L", y, delayed(impulses(2, RATE), LATENCY))

x = noise(2, 2 * RATE)
_, buffered = render(buffered_path, x)
unbuffered_latency, unbuffered = render(unbuffered_path, x)
assert unbuffered_latency == 0, unbuffered_latency
check_equal("buffered equals unbuffered shifted by L", buffered, delayed(unbuffered, LATENCY))
