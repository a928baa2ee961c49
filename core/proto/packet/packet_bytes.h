// Bounds-checked big-endian reads over a packet buffer: out-of-range reads yield 0, never UB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace wirestep::proto {

// Every parser here reads attacker-controlled bytes (anything can arrive on the wire or in a
// trace file), so reads check bounds themselves instead of trusting each caller's arithmetic.
class PacketBytes {
 public:
  PacketBytes() = default;
  explicit PacketBytes(std::span<const std::byte> bytes) : bytes_(bytes) {}

  std::size_t size() const { return bytes_.size(); }
  std::span<const std::byte> span() const { return bytes_; }

  // True when [offset, offset + length) lies inside the buffer (overflow-safe).
  bool has(std::size_t offset, std::size_t length) const {
    return offset <= bytes_.size() && length <= bytes_.size() - offset;
  }

  std::uint8_t u8(std::size_t offset) const {
    return has(offset, 1) ? std::to_integer<std::uint8_t>(bytes_[offset]) : 0;
  }
  std::uint16_t u16(std::size_t offset) const {
    if (!has(offset, 2)) return 0;
    return static_cast<std::uint16_t>(u8(offset) << 8 | u8(offset + 1));
  }
  std::uint32_t u32(std::size_t offset) const {
    if (!has(offset, 4)) return 0;
    return std::uint32_t{u16(offset)} << 16 | u16(offset + 2);
  }

  // The part of [offset, offset + length) that exists; empty when offset is past the end.
  std::span<const std::byte> sub(std::size_t offset, std::size_t length) const {
    if (offset >= bytes_.size()) return {};
    const std::size_t n = length < bytes_.size() - offset ? length : bytes_.size() - offset;
    return bytes_.subspan(offset, n);
  }

 private:
  std::span<const std::byte> bytes_;
};

}  // namespace wirestep::proto
