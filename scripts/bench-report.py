#!/usr/bin/env python3
"""Prints the README's benchmark tables from criterion's results.

Run `cargo bench -p benches` first. Every figure is a ratio of median times
measured in the same run, so a noisy machine shifts both sides alike.
"""
import json
import pathlib
import sys
from collections import defaultdict

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
median = {}  # (group, function, parameter) -> ns
for bench in root.glob("**/new/benchmark.json"):
    meta = json.loads(bench.read_text())
    estimates = json.loads((bench.parent / "estimates.json").read_text())
    key = (meta["group_id"], meta["function_id"], int(meta["value_str"]))
    median[key] = estimates["median"]["point_estimate"]

if not median:
    sys.exit(f"no criterion results under {root}: run `cargo bench -p benches` first")


def ratio(group, baseline, subject, size):
    base, subj = median.get((group, baseline, size)), median.get((group, subject, size))
    return f"{base / subj:.2f}x" if base and subj else "-"


print("Ring: block written and read back, speed of the ring relative to each baseline (> 1 = ring faster)\n")
print("| channels | frames | ring ns | vs memcpy (2 copies) | vs rtrb chunks | vs masked loop |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
ring_groups = sorted({g for g, _, _ in median if g.startswith("ring_write_read/")})
for group in ring_groups:
    sizes = sorted({s for g, _, s in median if g == group})
    for size in sizes:
        ns = median.get((group, "ring", size))
        print(f"| {group.split('/')[1]} | {size} | {ns:.0f} | {ratio(group, 'memcpy', 'ring', size)} "
              f"| {ratio(group, 'rtrb_chunks', 'ring', size)} | {ratio(group, 'masked_loop', 'ring', size)} |")

print("\nKernels: SIMD speed-up over the scalar reference (> 1 = SIMD faster)\n")
kernel_groups = sorted({g for g, _, _ in median if g.startswith("kernel/")})
sizes = sorted({s for g, _, s in median if g.startswith("kernel/")})
print("| kernel | " + " | ".join(f"{s} samples" for s in sizes) + " |")
print("| --- |" + " ---: |" * len(sizes))
for group in kernel_groups:
    cells = [ratio(group, "scalar", "simd", s) for s in sizes]
    print(f"| {group.split('/', 1)[1]} | " + " | ".join(cells) + " |")

audio_groups = sorted({g for g, _, _ in median if g.startswith("audio_thread/")})
if audio_groups:
    print("\nAudio thread per block, worker ahead (48 kHz stereo): time relative to two memcpys of the block (< 2 is the target)\n")
    print("| DSP | frames | two memcpys ns | buffered ns | buffered / memcpys | memcpys from another core ns | buffered / those | unbuffered inline ns |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for group in audio_groups:
        for size in sorted({s for g, _, s in median if g == group}):
            base = median.get((group, "two_memcpy", size))
            buffered = median.get((group, "buffered_worker_ahead", size))
            inline = median.get((group, "unbuffered_inline", size))
            cross = median.get((group, "two_memcpy_cross_core", size))
            print(f"| {group.split('/')[1]} | {size} | {base:.0f} | {buffered:.0f} | {buffered / base:.2f}x "
                  f"| {cross:.0f} | {buffered / cross:.2f}x | {inline:.0f} |")
