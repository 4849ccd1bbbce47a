"""pedalboard 0.9.26: kOffline, 8192-frame blocks, compensates the reported latency."""
import sys

import numpy as np
import pedalboard
from signals import check_equal, impulses, noise

buffered_path, unbuffered_path = sys.argv[1:3]
RATE = 44100
buffered = pedalboard.load_plugin(buffered_path)
unbuffered = pedalboard.load_plugin(unbuffered_path)
assert buffered.reported_latency_samples == round(0.05 * RATE), buffered.reported_latency_samples
assert unbuffered.reported_latency_samples == 0, unbuffered.reported_latency_samples
print(f"ok: latency {buffered.reported_latency_samples} buffered, 0 unbuffered")

x = impulses(2, RATE)
check_equal("impulses come back at their own index (PDC)", buffered.process(x, RATE), x)

x = noise(2, 3 * RATE + 123)
check_equal("buffered equals unbuffered, noise", buffered.process(x, RATE), unbuffered.process(x, RATE))

for plugin in (buffered, unbuffered):
    plugin.gain_db = -6.0
y = buffered.process(x, RATE)
check_equal("-6 dB gain, buffered equals unbuffered", y, unbuffered.process(x, RATE))
check_equal("-6 dB gain is the input times 10^(-6/20)", y, x * np.float32(10 ** (-6 / 20)))

buffered.bypass = True
check_equal("bypass: the input, on time", buffered.process(x, RATE), x)
