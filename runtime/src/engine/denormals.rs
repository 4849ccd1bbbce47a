//! Flush-to-zero and denormals-are-zero for the threads that run the DSP.
//!
//! Subnormal floats are slow on x86 and never audible. More importantly here,
//! the worker and the audio thread must round the same way, or the worker's
//! output would differ from what the audio thread computes inline in the last
//! bit. Both run the DSP with FTZ and DAZ set.

/// Sets FTZ and DAZ for as long as it lives, then restores the previous mode.
pub struct FlushToZero {
    #[cfg(target_arch = "x86_64")]
    previous: u32,
}

#[cfg(target_arch = "x86_64")]
const FTZ_DAZ: u32 = (1 << 15) | (1 << 6);

impl FlushToZero {
    /// Enables FTZ and DAZ on this thread.
    #[cfg(target_arch = "x86_64")]
    pub fn enable() -> Self {
        let previous = read_mxcsr();
        write_mxcsr(previous | FTZ_DAZ);
        Self { previous }
    }

    #[cfg(not(target_arch = "x86_64"))]
    pub fn enable() -> Self {
        Self {}
    }
}

impl Drop for FlushToZero {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        write_mxcsr(self.previous);
    }
}

#[cfg(target_arch = "x86_64")]
fn read_mxcsr() -> u32 {
    let mut value = 0_u32;
    // SAFETY: `stmxcsr` stores the 32-bit MXCSR register to the given address,
    // which is a live, aligned u32 on this stack frame; it has no other effect.
    unsafe { std::arch::asm!("stmxcsr [{}]", in(reg) &mut value, options(nostack, preserves_flags)) };
    value
}

#[cfg(target_arch = "x86_64")]
fn write_mxcsr(value: u32) {
    // SAFETY: `ldmxcsr` loads MXCSR from a live u32; callers only pass a value read
    // from MXCSR with the FTZ/DAZ bits changed, both valid on every x86_64 CPU
    // with SSE2 (DAZ since the Pentium 4), so no reserved bit is set.
    unsafe { std::arch::asm!("ldmxcsr [{}]", in(reg) &value, options(nostack, preserves_flags, readonly)) };
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    #[test]
    fn flushes_subnormals_while_alive_and_restores_after() {
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        let half = std::hint::black_box(0.5_f32);
        assert!((tiny * half).is_subnormal(), "default mode keeps subnormals");
        {
            let _ftz = FlushToZero::enable();
            assert_eq!(std::hint::black_box(tiny * half), 0.0);
        }
        assert!((tiny * half).is_subnormal(), "previous mode restored");
    }
}
