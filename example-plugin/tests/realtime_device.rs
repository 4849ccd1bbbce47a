//! The example plugin in minihost's AudioDevice, paced by a real audio clock:
//! a PulseAudio server with a null sink, started here in user mode on a socket
//! in a temporary directory and stopped afterwards. The sink's monitor is
//! recorded with parec and checked sample for sample against the input, with
//! and without 20 ms stalls injected inside the DSP; a run with stalls beyond
//! the headroom proves the check sees underruns when there are some.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{bundles, python};

/// A PulseAudio server for one test, killed on drop.
struct PulseServer {
    process: Child,
    dir: PathBuf,
}

impl PulseServer {
    fn start() -> PulseServer {
        let dir = std::env::temp_dir().join(format!("writeahead-pulse-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pulse")).unwrap();
        let socket = dir.join("native");
        let process = Command::new("pulseaudio")
            .args(["--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n"])
            .arg("--load=module-null-sink sink_name=wa_test rate=48000 channels=2 format=float32le")
            .arg(format!("--load=module-native-protocol-unix socket={} auth-anonymous=1", socket.display()))
            .env("XDG_RUNTIME_DIR", &dir)
            .env("PULSE_RUNTIME_PATH", dir.join("pulse"))
            .env("HOME", &dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio starts (scripts/test.sh installs Debian's pulseaudio)");
        let server = PulseServer { process, dir };
        let started = Instant::now();
        while !server.answers() {
            assert!(started.elapsed() < Duration::from_secs(20), "pulseaudio did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn address(&self) -> String {
        format!("unix:{}", self.dir.join("native").display())
    }

    fn answers(&self) -> bool {
        Command::new("pactl")
            .arg("info")
            .env("PULSE_SERVER", self.address())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for PulseServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn play(server: &PulseServer, bundle: &Path, stall: Option<&str>, expect: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hosts");
    let mut command = Command::new("timeout");
    command
        .arg("120")
        .arg(python())
        .arg(dir.join("minihost_device_check.py"))
        .arg(bundle)
        .args(["1024", "3", expect])
        .current_dir(&dir)
        .env("PULSE_SERVER", server.address())
        .env_remove("WRITEAHEAD_STALL");
    if let Some(stall) = stall {
        command.env("WRITEAHEAD_STALL", stall);
    }
    let output = command.output().expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "stall {stall:?}: {}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One test, so the two runs never share the sink at the same time.
#[test]
fn paced_by_a_real_audio_clock_with_and_without_dsp_stalls() {
    let server = PulseServer::start();
    let bundle = &bundles().0;
    play(&server, bundle, None, "clean");
    play(&server, bundle, Some("dsp:20ms/100ms"), "clean");
    // The control: 80 ms inside the DSP is beyond the headroom (about 29 ms
    // here), so the check must see counted underruns and recorded silence.
    play(&server, bundle, Some("dsp:80ms/400ms"), "underruns");
}
