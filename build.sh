#!/usr/bin/env bash
# WireStep set-up on Debian 12: installs what is missing, builds, then runs the app or the tests.
#   ./build.sh app [ARGS...]   build and launch the app (ARGS go to wirestep)
#   ./build.sh test [PRESET] [CTEST ARGS]  build and run the test suite (PRESET: default, asan, tsan)
#   ./build.sh deps            only install the Debian packages
#   ./build.sh bench           build and run the benchmarks (see tests/bench/)
#   ./build.sh fuzz [SECONDS]  build the libFuzzer targets (clang-14) and fuzz each for SECONDS (60)
set -euo pipefail
cd "$(dirname "$0")"

# libmd4c-html0: Debian 12's md4c CMake config checks that the HTML library exists, although
# WireStep only uses the parser; without it find_package(md4c) stops the configure.
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libimgui-dev libglfw3-dev libgl-dev libstb-dev libmd4c-dev libmd4c-html0 fonts-dejavu-core
  libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev libpcap-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  xvfb xauth
  curl python3 python3-requests python3-aiohttp chromium xdotool
  tshark
)

# Only `./build.sh fuzz` needs these: libFuzzer and the sanitizer runtimes come with clang's
# compiler-rt; llvm-14 has the symbolizer that makes crash reports readable.
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev llvm-14)

# Installs PACKAGES plus any extra packages given as arguments, skipping what is there.
install_deps() {
  local missing=()
  for package in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  # tshark's package asks whether non-root users may capture: answer no before installing
  # (the tests capture as root or skip), so the install never stops at a question.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
  # Through env: sudo drops the caller's environment, and with it DEBIAN_FRONTEND.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  local preset="$1"
  local extra=()
  # CI treats warnings as errors; a developer's build just shows them.
  if [ -n "${CI:-}" ]; then extra+=(-DWIRESTEP_WERROR=ON); fi
  cmake --preset "$preset" "${extra[@]}" >/dev/null
  cmake --build --preset "$preset"
}

command="${1:-app}"
shift || true
case "$command" in
  deps)
    install_deps
    ;;
  app)
    install_deps
    build default
    exec ./build/default/app/wirestep "$@"
    ;;
  test)
    preset="${1:-default}"
    shift || true
    install_deps
    build "$preset"
    # Any further arguments go to ctest (CI narrows the tsan run with -R).
    ctest --preset "$preset" -j "$(nproc)" "$@"
    ;;
  bench)
    install_deps
    build default
    tests/bench/run_benchmarks.sh build/default
    ;;
  fuzz)
    seconds="${1:-60}"
    install_deps "${FUZZ_PACKAGES[@]}"
    build fuzz
    ctest --preset fuzz  # replays the checked-in seeds: quick, and a fixed crash stays fixed
    tests/fuzz/run_fuzzers.sh build/fuzz "$seconds"
    ;;
  *)
    echo "usage: ./build.sh app [ARGS...] | test [default|asan|tsan] | deps | bench | fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
