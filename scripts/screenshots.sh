#!/usr/bin/env bash
# Regenerates the README's editor screenshots: the generic editor (WA Gain)
# and WA Custom's custom editor, each open in the Rust VST3 test host with
# audio running for a few seconds, captured from the X server.
#
# Runs on the X server DISPLAY names, or starts Xvfb for the run (Debian's
# `xvfb`, with Mesa's software OpenGL; scripts/test.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DISPLAY:-}" ]; then
    display=99
    while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
    Xvfb ":$display" -screen 0 1600x1200x24 -noreset -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
    export DISPLAY=":$display"
fi

cargo test --locked -p generator --test generated_editors the_editor_shows_the_engine_live_while_audio_runs \
    -- --exact --nocapture
cp target/editor-shots/wa-gain-live.png docs/book/src/images/editor-generic.png
cp target/editor-shots/wa-custom-live.png docs/book/src/images/editor-custom.png
echo "wrote docs/book/src/images/editor-generic.png and docs/book/src/images/editor-custom.png"
