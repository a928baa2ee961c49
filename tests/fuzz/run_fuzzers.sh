#!/usr/bin/env bash
# Runs every built libFuzzer target for a bounded time; exits non-zero if any of them crashed.
#   tests/fuzz/run_fuzzers.sh [BUILD_DIR] [SECONDS]
#     BUILD_DIR  the fuzz preset's build tree (default build/fuzz)
#     SECONDS    fuzzing time per target (default $WIRESTEP_FUZZ_SECONDS, else 60)
# Targets are those CMake listed in BUILD_DIR/tests/fuzz/fuzz_targets.txt (one per *_fuzz.cpp),
# run one after another (the machine has two cores, shared). Each starts from the checked-in seeds in tests/fuzz/corpus/<name>/
# (<name> = the target without _fuzz) plus what earlier runs found, kept in
# BUILD_DIR/fuzz/corpus/<target>/, so repeated local runs go deeper. A crashing input is saved
# as BUILD_DIR/fuzz/artifacts/<target>/crash-<sha1>: reproduce it with `<target> <that file>`,
# and once fixed, copy it into tests/fuzz/corpus/<name>/ so ctest --preset fuzz replays it.
set -euo pipefail
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir="${1:-$source_dir/build/fuzz}"
seconds="${2:-${WIRESTEP_FUZZ_SECONDS:-60}}"

if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "run_fuzzers.sh: SECONDS must be a positive whole number, not '$seconds'" >&2
  exit 2
fi
list="$build_dir/tests/fuzz/fuzz_targets.txt"
if [ ! -f "$list" ]; then
  echo "run_fuzzers.sh: $list not found; configure and build the fuzz preset first:" >&2
  echo "  cmake --preset fuzz && cmake --build --preset fuzz   (or ./build.sh fuzz)" >&2
  exit 2
fi

# Readable stack traces in crash reports (llvm-14 ships the symbolizer without a plain name).
for symbolizer in /usr/lib/llvm-14/bin/llvm-symbolizer /usr/bin/llvm-symbolizer-14; do
  if [ -x "$symbolizer" ]; then
    export ASAN_SYMBOLIZER_PATH="$symbolizer" UBSAN_SYMBOLIZER_PATH="$symbolizer"
    break
  fi
done
# Leaks count as failures; UBSan reports stop the run (the build also has -fno-sanitize-recover).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

targets=()
while IFS= read -r target; do
  [ -n "$target" ] || continue
  path="$build_dir/tests/fuzz/$target"
  if [ ! -x "$path" ]; then
    echo "run_fuzzers.sh: $path is not built: cmake --build --preset fuzz" >&2
    exit 1
  fi
  targets+=("$path")
done <"$list"
if [ ${#targets[@]} -eq 0 ]; then
  echo "run_fuzzers.sh: no fuzz targets listed in $list (no tests/fuzz/*_fuzz.cpp?)" >&2
  exit 1
fi

passed=0
failed=()
for path in "${targets[@]}"; do
  target="$(basename "$path")"
  name="${target%_fuzz}"
  corpus="$build_dir/fuzz/corpus/$target"
  artifacts="$build_dir/fuzz/artifacts/$target"
  log="$build_dir/fuzz/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"

  # The first directory receives new inputs; the seed directory is only read.
  inputs=("$corpus")
  [ -d "$source_dir/tests/fuzz/corpus/$name" ] && inputs+=("$source_dir/tests/fuzz/corpus/$name")
  options=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$artifacts/")
  [ -f "$source_dir/tests/fuzz/$name.dict" ] && options+=(-dict="$source_dir/tests/fuzz/$name.dict")

  echo "== $target: fuzzing for $seconds s (log: $log)"
  marker="$artifacts/.run-start"
  touch "$marker"
  start=$SECONDS
  if "$path" "${options[@]}" "${inputs[@]}" >"$log" 2>&1; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
    echo "   ok: ${runs:-?} inputs in $((SECONDS - start)) s, corpus $(find "$corpus" -type f | wc -l) files"
    passed=$((passed + 1))
  else
    status=$?
    echo "   FAILED (exit $status) after $((SECONDS - start)) s; from its log:"
    # The report itself (what and where), not the shadow-byte legend after it.
    first="$(grep -n -m1 -E '==ERROR|runtime error|ERROR: libFuzzer|Test unit written' "$log" | cut -d: -f1 || true)"
    if [ -n "$first" ]; then
      sed -n "${first},$((first + 40))p" "$log" | sed 's/^/   | /'
    else
      tail -n 40 "$log" | sed 's/^/   | /'
    fi
    # Only this run's inputs: artifacts of earlier runs stay for reference but are not news.
    while IFS= read -r crash; do
      echo "   input: $crash  (reproduce: $path $crash)"
    done < <(find "$artifacts" -type f ! -name .run-start -newer "$marker")
    failed+=("$target")
  fi
done

echo "fuzz: ${passed} passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed fuzz targets: ${failed[*]}" >&2
  exit 1
fi
