"""The convolver's tolerance, as generator/tests/e2e/convolver.rs states it:
per channel, the RMS error relative to the reference's RMS, and the largest
single error relative to the reference's peak (at least 1). A convolver's
output is compared so, not bit for bit: its partitions follow the host's
largest block, so hosts with other blocks round differently."""
import numpy as np


def check_within(name, got, want, tolerance, against):
    """Raises AssertionError when `got` is outside `tolerance` (a dict with
    `relative_rms` and `max_error`) of `want`; `against` names the reference
    in the message."""
    if got.shape != want.shape:
        raise AssertionError(f"{name}: shape {got.shape}, {against} {want.shape}")
    for c in range(want.shape[0]):
        error = got[c].astype(np.float64) - want[c]
        norm = np.sqrt(np.sum(want[c].astype(np.float64) ** 2))
        relative = np.sqrt(np.sum(error**2)) / norm if norm > 0 else np.sqrt(np.sum(error**2))
        peak = max(1.0, float(np.abs(want[c]).max()))
        worst = int(np.argmax(np.abs(error)))
        if relative > tolerance["relative_rms"] or abs(error[worst]) > tolerance["max_error"] * peak:
            raise AssertionError(
                f"{name}: channel {c} is {relative:.2e} relative RMS from {against}; worst frame {worst}: "
                f"got {got[c, worst]}, {against} {want[c, worst]}"
            )
