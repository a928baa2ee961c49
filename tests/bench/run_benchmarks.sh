#!/usr/bin/env bash
# Runs WireStep's benchmarks and prints each capture mode as a ratio of the plain-socket
# baseline measured in the same run (absolute numbers depend on the machine; ratios less so).
set -euo pipefail
build="${1:-build/default}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Absolute rates from the separate benchmarks (median of 3); the ratios from BM_PairedRatio,
# which times the variants back to back in each iteration (see the benchmark's comment).
"$build/tests/bench/capture_overhead_bench" --benchmark_filter='BM_(Off|Metadata|Payload)/' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/rates.json"
"$build/tests/bench/capture_overhead_bench" --benchmark_filter='BM_PairedRatio' \
  --benchmark_format=json >"$out/paired.json"

python3 - "$out/rates.json" "$out/paired.json" <<'PY'
import json, sys
rate = {}
for r in json.load(open(sys.argv[1]))["benchmarks"]:
    if r.get("aggregate_name") == "median":
        name, size = r["run_name"].split("/")[:2]
        rate[(name, int(size))] = r["bytes_per_second"]
paired = {}
for r in json.load(open(sys.argv[2]))["benchmarks"]:
    size = int(r["run_name"].split("/")[1])
    paired[size] = (r["metadata_ratio"], r["payload_ratio"])
print("Capture overhead: bulk TCP over loopback; ratio = plain time / traced time, the median over")
print("iterations that each run plain, metadata and payload capture back to back")
print(f"{'call size':>10} {'plain GB/s':>11} {'metadata':>9} {'payload':>9}")
for size in sorted(paired, reverse=True):
    meta, payload = paired[size]
    label = f"{size // 1024} KiB" if size >= 1024 else f"{size} B"
    print(f"{label:>10} {rate[('BM_Off', size)] / 1e9:>11.2f} {meta:>8.2f}x {payload:>8.2f}x")
PY

if [ -x "$build/tests/bench/timeline_frame_bench" ]; then
  "$build/tests/bench/timeline_frame_bench"
fi
