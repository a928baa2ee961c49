#!/bin/sh
# GUI packet test: record connection-refused-and-lost-syn on the virtual wire with the CLI, open
# the trace in the app under Xvfb, and check the ladder drew its packets and the dropped SYN's
# cross. Exit 77 (skipped) without Xvfb or without the virtual wire (needs root or a user namespace).
set -u
. "$(dirname "$0")/common.sh"
app=$1
check=$2
out=$3

require_xvfb
mkdir -p "$out"
trace="$out/lost-syn.json"
png="$out/lost-syn.png"
log="$out/lost-syn.log"
rm -f "$trace" "$png"
"$app" run connection-refused-and-lost-syn --speed 0 --trace "$trace" >"$out/run.log" 2>&1
status=$?
if ! grep -q '^capture: virtual wire' "$out/run.log"; then
  echo "SKIP: the virtual wire is not available here:"
  head -n 3 "$out/run.log"
  exit 77
fi
if [ "$status" -ne 0 ]; then
  cat "$out/run.log"
  echo "FAIL: the lesson run exited with $status"
  exit 1
fi

fresh_state "$out/state-packets"
run_app "$log" "$app" --open "$trace" --frames 30 --screenshot "$png"
line=$(self_check "$log")
packets=$(self_check_value "$line" packets)
dropped=$(self_check_value "$line" dropped)
# The refused SYN and its RST, the dropped SYN, its retransmission, SYN-ACK and ACK; the teardown's
# last packets can cross after the lesson's trace was saved, so they are not counted on.
if [ -z "$packets" ] || [ "$packets" -lt 6 ]; then
  echo "FAIL: expected at least 6 packets on the ladder ($line)"
  exit 1
fi
if [ "$dropped" != "1" ]; then
  echo "FAIL: expected the dropped SYN drawn as one cross ($line)"
  exit 1
fi
"$check" "$png" 64 || { echo "FAIL: screenshot $png is blank or unreadable"; exit 1; }
echo "PASS: $line"
