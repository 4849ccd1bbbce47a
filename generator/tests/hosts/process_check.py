"""pedalboard over the files `generator process` rendered.

Reads the manifest the Rust test writes: per plugin its bundle, the input WAV
file (32-bit float), the output `generator process` wrote for it and the
input's length. pedalboard renders the input through the same bundle
(compensating the latency, as it does for effects); its output must equal the
first frames of the command's, sample for sample (a convolver: within the
entry's tolerance). Exits non-zero on the first mismatch.
"""
import json
import sys

import numpy as np
import pedalboard
from pedalboard.io import AudioFile

from convolver_tolerance import check_within


def read(path):
    with AudioFile(str(path)) as f:
        return f.read(f.frames), f.samplerate


def main(manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    for entry in manifest:
        audio, rate = read(entry["input"])
        plugin = pedalboard.load_plugin(entry["bundle"])
        got = plugin(audio, rate)
        theirs, _ = read(entry["output"])
        want = theirs[:, : entry["frames"]]
        if got.shape != want.shape:
            raise AssertionError(f"{entry['name']}: pedalboard gave {got.shape}, the command {want.shape}")
        tolerance = entry.get("tolerance")
        if tolerance is not None:
            # A convolver: its partitions follow the host's largest block,
            # and pedalboard's blocks are not the command's.
            check_within(entry["name"], got, want, tolerance, "the command's output")
            print(f"ok: {entry['name']} in pedalboard: the command's output, within the convolver's tolerance")
            continue
        if not np.array_equal(got, want):
            bad = np.argwhere(got != want)[0]
            raise AssertionError(
                f"{entry['name']}: channel {bad[0]} frame {bad[1]}: pedalboard {got[tuple(bad)]}, "
                f"the command {want[tuple(bad)]}"
            )
        print(f"ok: {entry['name']} in pedalboard: the command's output, sample for sample")
    print(f"ok: {len(manifest)} files in pedalboard")


if __name__ == "__main__":
    main(sys.argv[1])
