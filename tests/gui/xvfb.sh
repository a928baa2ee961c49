#!/bin/sh
# Runs a command under a virtual display and exits with the command's own status. xvfb-run's
# status can be its own: 5 when it failed to remove its temporary directory (seen once while
# other GUI tests ran in parallel), which says nothing about the command.
#   tests/gui/xvfb.sh COMMAND [ARGS...]
status_file=$(mktemp)
xvfb-run -a -s "-screen 0 1600x1000x24" sh -c '"$@"; echo $? >"$0"' "$status_file" "$@"
xvfb_status=$?
status=$(cat "$status_file" 2>/dev/null)
rm -f "$status_file"
if [ -z "$status" ]; then
  echo "xvfb.sh: xvfb-run failed (status $xvfb_status) before the command finished" >&2
  exit "$xvfb_status"
fi
exit "$status"
