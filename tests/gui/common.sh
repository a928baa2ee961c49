# Sourced by the GUI test scripts: what each of them does before and around the app.

# Exit 77 (ctest: skipped) when there is no virtual display to run the app in.
require_xvfb() {
  if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "SKIP: xvfb-run is not installed (apt-get install xvfb); the GUI test needs a virtual display"
    exit 77
  fi
}

# fresh_state DIR: the app's progress and imgui.ini go to a throwaway place, never the user's.
fresh_state() {
  WIRESTEP_STATE_DIR=$1
  export WIRESTEP_STATE_DIR
  rm -rf "$WIRESTEP_STATE_DIR"
}

# run_app LOG COMMAND [ARGS...]: runs the app under Xvfb with its output in LOG, shows the log,
# and fails the test when the app exits with anything but 0.
run_app() {
  run_app_log=$1
  shift
  "$(dirname "$0")/xvfb.sh" "$@" >"$run_app_log" 2>&1
  run_app_status=$?
  cat "$run_app_log"
  if [ "$run_app_status" -ne 0 ]; then
    echo "FAIL: wirestep exited with $run_app_status"
    exit 1
  fi
}

# self_check LOG: the app's last self-check line; self_check_value LINE NAME: one number of it.
self_check() { grep '^self-check:' "$1" | tail -n 1; }
self_check_value() { echo "$1" | sed -n "s/.*[ :]$2=\([0-9]*\).*/\1/p"; }
