#!/bin/sh
# `wirestep run --seed/--loss/--window`: bad values are refused with a message naming the flag
# and exit code 2; good ones reach the lesson (its link note shows the seed and the loss).
set -u
wirestep=$1
fail=0
expect_usage() {
  out=$("$wirestep" run udp-fire-and-forget "$@" 2>&1 >/dev/null)
  code=$?
  flag=$1
  if [ "$code" -ne 2 ] || ! printf '%s' "$out" | grep -q -- "$flag"; then
    echo "FAIL: run $* gave exit $code and said: $out"
    fail=1
  fi
}
expect_usage --loss 120
expect_usage --loss abc
expect_usage --window 0
expect_usage --window 65
expect_usage --seed -3
expect_usage --seed x
out=$("$wirestep" run udp-fire-and-forget --tier sockets --speed 0 --seed 9 --loss 35 2>&1)
code=$?
if [ "$code" -ne 0 ] || ! printf '%s' "$out" | grep -q "user-space relay on 127.0.0.1: loss 35 %.*seed 9"; then
  echo "FAIL: run --seed 9 --loss 35 gave exit $code:"; printf '%s\n' "$out" | head -20
  fail=1
fi
out=$("$wirestep" run reliability-on-udp --tier sockets --speed 0 --window 4 2>&1)
if ! printf '%s' "$out" | grep -q "window 4: all 20 messages delivered exactly once and in order"; then
  echo "FAIL: run reliability-on-udp --window 4:"; printf '%s\n' "$out" | tail -20
  fail=1
fi
[ "$fail" -eq 0 ] && echo "run flags: all checks passed"
exit "$fail"
