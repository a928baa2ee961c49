// The bytes a transfer lesson sends: known at every offset, so the receiver can check each one.
#pragma once

#include <cstdint>
#include <span>

namespace wirestep::lessons {

// Pseudo-random bytes from a seed (splitmix64 of the 8-byte block index): the receiver makes
// the same bytes for the same offsets and compares, without the sender telling it anything.
// Random rather than "abcabc..." so a misplaced segment could never match by accident.
class TransferPattern {
 public:
  explicit TransferPattern(std::uint64_t seed) : seed_(seed) {}
  void fill(std::uint64_t offset, std::span<char> out) const;
  // The offset of the first byte of `got` (received at `offset`) that differs, or -1.
  std::int64_t first_mismatch(std::uint64_t offset, std::span<const char> got) const;

 private:
  std::uint64_t seed_;
};

// 64-bit FNV-1a over a stream fed in pieces: the same bytes in the same order give the same
// value however they were cut into recv() calls.
class StreamHash {
 public:
  void add(std::span<const char> bytes) {
    for (char c : bytes) value_ = (value_ ^ static_cast<std::uint8_t>(c)) * 1099511628211ull;
  }
  std::uint64_t value() const { return value_; }

 private:
  std::uint64_t value_ = 14695981039346656037ull;
};

}  // namespace wirestep::lessons
