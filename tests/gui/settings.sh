#!/bin/sh
# The app's lesson settings reach the run: blocking-vs-event-loop started with --clients 3
# (the same knob the lesson browser's slider sets) must draw exactly 3 clients in each of its
# 3 rounds on the Waits tab, not the default 20. Exit 77 (skipped) without Xvfb.
set -u
app=$1
out=$2
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "SKIP: xvfb-run is not installed (apt-get install xvfb); the GUI test needs a virtual display"
  exit 77
fi
mkdir -p "$out"
WIRESTEP_STATE_DIR="$out/state"
export WIRESTEP_STATE_DIR
rm -rf "$WIRESTEP_STATE_DIR"
log="$out/settings.log"
"$(dirname "$0")/xvfb.sh" "$app" --lesson blocking-vs-event-loop --clients 3 --autoplay --speed 0 \
  --tab waits --frames 300 --screenshot "$out/settings.png" >"$log" 2>&1
status=$?
cat "$log"
if [ "$status" -ne 0 ]; then
  echo "FAIL: wirestep exited with $status"
  exit 1
fi
line=$(grep '^self-check:' "$log" | tail -n 1)
bars=$(echo "$line" | sed -n 's/.*waits_bars=\([0-9]*\).*/\1/p')
if [ "$bars" != 9 ]; then
  echo "FAIL: expected 9 client bars (3 clients x 3 rounds), self-check says: $line"
  exit 1
fi
echo "ok: 3 clients in each of 3 rounds"
