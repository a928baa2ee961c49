#!/bin/sh
# GUI smoke test for one lesson: run the app under Xvfb, take a screenshot, check it is not
# blank and that the app's self-check says it drew something. Exit 77 (skipped) without Xvfb.
# An optional fifth argument brings that details tab to the front (--tab); for "loss" the
# self-check must also say the Loss tab counted packets, for "waits" that the Waits tab drew
# client bars (that lesson runs unpaced, so its rounds are done within the frames). An optional
# sixth sets the timeline's spacing (--spacing) and runs the lesson unpaced, a whole lesson in a
# few milliseconds: with "sequence" every event must get its own row, so nothing may be folded.
set -u
. "$(dirname "$0")/common.sh"
app=$1
check=$2
lesson=$3
out=$4
tab=${5:-}
spacing=${6:-}

require_xvfb

mkdir -p "$out"
name=$lesson${tab:+-$tab}${spacing:+-$spacing}
png="$out/$name.png"
rm -f "$png"
fresh_state "$out/state-$name"

log="$out/$name.log"
if [ -n "$spacing" ]; then
  run_app "$log" "$app" --lesson "$lesson" --autoplay --speed 0 --frames 150 \
    --spacing "$spacing" --screenshot "$png"
elif [ -n "$tab" ]; then
  pace=""
  [ "$tab" = waits ] && pace="--speed 0"
  # Paced at one call per 0.4 s, the first packets leave a second or two in: give them time.
  # shellcheck disable=SC2086 # $pace is either empty or two words
  run_app "$log" "$app" --lesson "$lesson" --autoplay --frames 300 --tab "$tab" $pace \
    --screenshot "$png"
else
  run_app "$log" "$app" --lesson "$lesson" --autoplay --frames 120 --screenshot "$png"
fi

line=$(self_check "$log")
if [ -z "$line" ]; then
  echo "FAIL: no self-check line on stdout"
  exit 1
fi
drawn=$(self_check_value "$line" drawn)
if [ -z "$drawn" ] || [ "$drawn" -le 0 ]; then
  echo "FAIL: the timeline drew nothing ($line)"
  exit 1
fi

if [ -n "$spacing" ]; then
  case "$line" in
    *" spacing=$spacing"*) ;;
    *) echo "FAIL: the timeline is not in $spacing spacing ($line)"; exit 1 ;;
  esac
  folds=$(self_check_value "$line" folds)
  if [ "$spacing" = sequence ] && [ "$folds" != 0 ]; then
    echo "FAIL: one row per event, yet $folds runs were folded ($line)"
    exit 1
  fi
fi

if [ "$tab" = loss ]; then
  sent=$(self_check_value "$line" loss_sent)
  packets=$(self_check_value "$line" packets)
  if [ "$sent" = 0 ] && [ "$packets" = 0 ]; then
    # Without the virtual wire (no root, no user namespaces) a lesson that needs it records
    # socket calls only: there is nothing the Loss tab could count.
    echo "SKIP: no packet or relayed datagram was recorded here ($line)"
    exit 77
  fi
  if [ -z "$sent" ] || [ "$sent" -le 0 ]; then
    echo "FAIL: the Loss tab counted no packet or datagram ($line)"
    exit 1
  fi
fi

if [ "$tab" = waits ]; then
  bars=$(self_check_value "$line" waits_bars)
  if [ -z "$bars" ] || [ "$bars" -le 0 ]; then
    echo "FAIL: the Waits tab drew no client bar ($line)"
    exit 1
  fi
fi

"$check" "$png" 64 || { echo "FAIL: screenshot $png is blank or unreadable"; exit 1; }
echo "PASS: $line"
