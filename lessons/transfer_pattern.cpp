// TransferPattern: splitmix64 blocks, byte by byte.
#include "transfer_pattern.h"

#include <algorithm>

namespace wirestep::lessons {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

void TransferPattern::fill(std::uint64_t offset, std::span<char> out) const {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint64_t at = offset + i;
    out[i] = static_cast<char>(splitmix64(seed_ ^ (at >> 3)) >> ((at & 7) * 8));
  }
}

std::int64_t TransferPattern::first_mismatch(std::uint64_t offset, std::span<const char> got) const {
  char expected[4096];
  for (std::size_t done = 0; done < got.size();) {
    const std::size_t n = std::min(sizeof expected, got.size() - done);
    fill(offset + done, std::span(expected, n));
    for (std::size_t i = 0; i < n; ++i) {
      if (expected[i] != got[done + i]) return static_cast<std::int64_t>(offset + done + i);
    }
    done += n;
  }
  return -1;
}

}  // namespace wirestep::lessons
