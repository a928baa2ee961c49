#!/bin/sh
# The app's lesson settings reach the run: blocking-vs-event-loop started with --clients 3
# (the same knob the lesson browser's slider sets) must draw exactly 3 clients in each of its
# 3 rounds on the Waits tab, not the default 20. Exit 77 (skipped) without Xvfb.
set -u
. "$(dirname "$0")/common.sh"
app=$1
out=$2
require_xvfb
mkdir -p "$out"
fresh_state "$out/state"
log="$out/settings.log"
run_app "$log" "$app" --lesson blocking-vs-event-loop --clients 3 --autoplay --speed 0 \
  --tab waits --frames 300 --screenshot "$out/settings.png"
line=$(self_check "$log")
bars=$(self_check_value "$line" waits_bars)
if [ "$bars" != 9 ]; then
  echo "FAIL: expected 9 client bars (3 clients x 3 rounds), self-check says: $line"
  exit 1
fi
echo "ok: 3 clients in each of 3 rounds"
