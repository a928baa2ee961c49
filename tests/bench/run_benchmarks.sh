#!/usr/bin/env bash
# Runs WireStep's benchmarks and prints each capture mode as a ratio of the plain-socket
# baseline measured in the same run (absolute numbers depend on the machine; ratios less so).
set -euo pipefail
build="${1:-build/default}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$build/tests/bench/capture_overhead_bench" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/capture.json"

python3 - "$out/capture.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
rate = {}
for r in runs:
    if r.get("aggregate_name") != "median":
        continue
    name, size = r["run_name"].split("/")[:2]
    rate[(name, int(size))] = r["bytes_per_second"]
print("Capture overhead: bulk TCP over loopback, median of 3, ratio to plain sockets in the same run")
print(f"{'call size':>10} {'plain GB/s':>11} {'metadata':>9} {'payload':>9}")
for size in sorted({s for _, s in rate}, reverse=True):
    off = rate[("BM_Off", size)]
    meta = rate[("BM_Metadata", size)] / off
    payload = rate[("BM_Payload", size)] / off
    label = f"{size // 1024} KiB" if size >= 1024 else f"{size} B"
    print(f"{label:>10} {off / 1e9:>11.2f} {meta:>8.2f}x {payload:>8.2f}x")
PY

if [ -x "$build/tests/bench/timeline_frame_bench" ]; then
  "$build/tests/bench/timeline_frame_bench"
fi
