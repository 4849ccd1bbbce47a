//! Writes WA Reverb's generated impulse response as the WAVE file plugins.toml
//! names (`irs/wa-reverb.wav`): `cargo run -p runtime --example wa_reverb_ir`
//! (or give another path). The file is committed; the test
//! `the_shipped_wa_reverb_file_is_the_generated_response` checks that this
//! writes the same bytes, so the file in the repository is the one the code
//! makes, on any machine.

use runtime::dsp::convolver::reverb;

fn main() -> std::io::Result<()> {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../irs/wa-reverb.wav");
    let path = std::env::args().nth(1).unwrap_or_else(|| default.to_string());
    std::fs::write(&path, reverb::wav_bytes())?;
    println!("wrote {path}");
    Ok(())
}
