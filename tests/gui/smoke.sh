#!/bin/sh
# GUI smoke test for one lesson: run the app under Xvfb, take a screenshot, check it is not
# blank and that the app's self-check says it drew something. Exit 77 (skipped) without Xvfb.
set -u
app=$1
check=$2
lesson=$3
out=$4

if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "SKIP: xvfb-run is not installed (apt-get install xvfb); the GUI smoke test needs a virtual display"
  exit 77
fi

mkdir -p "$out"
png="$out/$lesson.png"
rm -f "$png"
# Progress and imgui.ini go to a throwaway place, never the user's.
WIRESTEP_STATE_DIR="$out/state-$lesson"
export WIRESTEP_STATE_DIR
rm -rf "$WIRESTEP_STATE_DIR"

log="$out/$lesson.log"
xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --lesson "$lesson" --autoplay --frames 120 --screenshot "$png" >"$log" 2>&1
status=$?
cat "$log"
if [ "$status" -ne 0 ]; then
  echo "FAIL: wirestep exited with $status"
  exit 1
fi

line=$(grep '^self-check:' "$log" | tail -n 1)
if [ -z "$line" ]; then
  echo "FAIL: no self-check line on stdout"
  exit 1
fi
drawn=$(echo "$line" | sed -n 's/.*drawn=\([0-9]*\).*/\1/p')
if [ -z "$drawn" ] || [ "$drawn" -le 0 ]; then
  echo "FAIL: the timeline drew nothing ($line)"
  exit 1
fi

"$check" "$png" 64 || { echo "FAIL: screenshot $png is blank or unreadable"; exit 1; }
echo "PASS: $line"
