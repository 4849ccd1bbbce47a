"""Test signals shared by the host checks."""
import numpy as np


def impulses(channels, frames, at=(1000, 30000)):
    """Silence with a 1.0 impulse at each index in `at` (0.5 on the right channel)."""
    x = np.zeros((channels, frames), dtype=np.float32)
    for index in at:
        x[0, index] = 1.0
        x[-1, index] = 0.5
    return x


def noise(channels, frames, seed=7):
    return np.random.default_rng(seed).uniform(-0.9, 0.9, (channels, frames)).astype(np.float32)


def delayed(x, latency):
    """`x` delayed by `latency` frames, same length."""
    y = np.zeros_like(x)
    y[:, latency:] = x[:, : x.shape[1] - latency]
    return y


def check_equal(name, got, want):
    if got.shape != want.shape:
        raise AssertionError(f"{name}: shape {got.shape}, expected {want.shape}")
    diff = np.flatnonzero((got != want).any(axis=0))
    if diff.size:
        i = diff[0]
        raise AssertionError(f"{name}: {diff.size} frames differ, first at {i}: got {got[:, i]}, expected {want[:, i]}")
    print(f"ok: {name}")
