#!/usr/bin/env bash
# Runs every check and test of the project, from a fresh clone.
#
# What it needs and installs: the Rust toolchain's clippy and rustfmt components
# (added through rustup when missing), the crates pinned in Cargo.lock, the
# Debian libraries the host wheels load, Debian's Ardour 7, and an X server
# with Mesa's software OpenGL for the editor tests (Xvfb; apt-get, when
# missing), mdbook for the book (built into target/tools), and a Python
# virtualenv in target/venv with the pinned VST3 hosts (pedalboard, DawDreamer,
# minihost). The RealtimeSanitizer step needs the machine's nightly toolchain.
# It runs as root (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components"
for component in clippy rustfmt; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done
cargo fetch --locked

step "real VST3 hosts: Debian libraries, PulseAudio (a real audio clock), Ardour 7 and a virtualenv with the pinned PyPI hosts"
host_libs=(libgl1 libglib2.0-0 libatomic1 libasound2 pulseaudio pulseaudio-utils libpulse0)
if ! dpkg -s "${host_libs[@]}" >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq "${host_libs[@]}"
fi
# Ardour 7.3 for generator/tests/generated_in_ardour.rs: its headless session
# tool (ardour7-lua), exporter (ardour7-export) and VST3 scanner. Without the
# recommended video timeline: ffmpeg and about 90 more packages no test uses
# (57 packages instead of 146; 8 to 16 s on the project's machine).
if ! dpkg-query -W -f='${Status}' ardour 2>/dev/null | grep -q '^install ok installed$'; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ardour
fi
# The editors' display: Xvfb, with Mesa's software OpenGL (EGL and GLX) for
# egui, and libxkbcommon-x11 for baseview's keyboard.
editor_libs=(xvfb libgl1-mesa-dri libegl1 libglx-mesa0 libxkbcommon-x11-0)
if ! dpkg -s "${editor_libs[@]}" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${editor_libs[@]}"
fi
requirements=example-plugin/tests/hosts/requirements.txt
if [ ! -x target/venv/bin/python ] || ! cmp -s "$requirements" target/venv/requirements.txt; then
    rm -rf target/venv
    python3 -m venv target/venv
    target/venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" target/venv/requirements.txt
fi
export HOSTS_PYTHON="$PWD/target/venv/bin/python"

step "an X server for the editor tests (Xvfb on a free display, stopped at exit)"
# -noreset: the server keeps the atoms tests and hosts create between clients.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1600x1200x24 -noreset -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$display" ] || { echo "Xvfb did not start on :$display" >&2; exit 1; }
export DISPLAY=":$display"

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "API documentation builds without a warning (broken intra-doc links included)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "the book (docs/book): built with mdbook 0.5.4 from the registry (installed once into target/tools), every link checked"
if [ "$(target/tools/bin/mdbook --version 2>/dev/null)" != "mdbook v0.5.4" ]; then
    cargo install mdbook --version =0.5.4 --locked --no-default-features --features search --root target/tools
fi
target/tools/bin/mdbook build docs/book
python3 scripts/check-links.py target/book README.md generator/tests/ardour/README.md

step "plugins/ is what plugins.toml renders (the generated crates are committed)"
cargo run -q --locked -p generator -- check

step "unit, property, model, no-alloc, stress and real-host tests (Rust host, PyPI hosts, Ardour), the generator end to end; benches run once each in test mode"
cargo test --workspace --all-targets --locked

step "doc tests (including the compile-fail proofs that ring halves are not Sync)"
cargo test --workspace --doc --locked

step "stress tests optimised (tighter interleavings than the debug build reaches)"
cargo test --release -p runtime --test stress --locked

step "loom model of the ring protocol (its own workspace: see loom-tests/Cargo.toml)"
# Preemption bound 3: the published loom practice; it still finds a Relaxed
# publish of a position within the first interleavings.
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom LOOM_MAX_PREEMPTIONS=3 \
    cargo test --manifest-path loom-tests/Cargo.toml --release --locked
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
    cargo clippy --manifest-path loom-tests/Cargo.toml --all-targets --locked -- -D warnings

step "RealtimeSanitizer over every audio-thread path (nightly toolchain)"
if ! rustup toolchain list | grep -q '^nightly'; then
    echo "the nightly toolchain is missing; RealtimeSanitizer needs it (-Zsanitizer=realtime)" >&2
    exit 1
fi
RUSTFLAGS="-Zsanitizer=realtime --cfg rtsan" CARGO_TARGET_DIR=target/rtsan \
    cargo +nightly test -p runtime --test rtsan --target "$(rustc -vV | sed -n 's/^host: //p')" --locked

step "the main job, as the README runs it: plugins.toml -> crates -> release builds -> bundles"
cargo run -q --locked -p generator
