// Internet checksums (RFC 1071): plain, with the IPv4/IPv6 pseudo-header, and fixing them in place.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wirestep::proto {

// A running ones' complement sum. It remembers whether an odd number of bytes went in, so data
// may be added in pieces of any length and still sums as if it were one contiguous buffer.
class ChecksumSum {
 public:
  void add(std::span<const std::byte> bytes);
  void add_u16(std::uint16_t value);
  void add_u32(std::uint32_t value);
  // The sum folded to 16 bits (0xffff over data that carries a correct checksum).
  std::uint16_t folded() const;
  // The value a checksum field holds: the ones' complement of the folded sum.
  std::uint16_t checksum() const { return static_cast<std::uint16_t>(~folded()); }

 private:
  std::uint64_t sum_ = 0;
  bool odd_ = false;
};

// The part of the IP header a TCP, UDP or ICMPv6 checksum also covers, so a segment delivered
// to the wrong address or protocol fails its check.
struct PseudoHeader {
  std::uint8_t family = 4;          // 4 or 6
  std::array<std::byte, 16> src{};  // IPv4 uses the first 4 bytes
  std::array<std::byte, 16> dst{};
  std::uint8_t protocol = 0;  // IPv6: the upper-layer next header, after extensions
};

// Adds the pseudo-header for an upper-layer packet of upper_length bytes.
void add_pseudo_header(ChecksumSum& sum, const PseudoHeader& pseudo, std::uint32_t upper_length);

// RFC 1071 over data as it is. Over a header that carries a correct checksum the result is 0;
// over a header whose checksum field is zero it is the value to store there.
std::uint16_t internet_checksum(std::span<const std::byte> data);

// The same over the IPv4 (RFC 793/768) or IPv6 (RFC 8200 §8.1) pseudo-header plus the segment.
std::uint16_t pseudo_header_checksum_v4(std::span<const std::byte, 4> src,
                                        std::span<const std::byte, 4> dst, std::uint8_t protocol,
                                        std::span<const std::byte> segment);
std::uint16_t pseudo_header_checksum_v6(std::span<const std::byte, 16> src,
                                        std::span<const std::byte, 16> dst,
                                        std::uint8_t next_header,
                                        std::span<const std::byte> segment);
std::uint16_t pseudo_header_checksum(const PseudoHeader& pseudo,
                                     std::span<const std::byte> segment);

// The value the 16-bit checksum field at field_offset inside data should hold: the checksum
// computed with those two bytes taken as zero (and the pseudo-header, when one is given).
// A dissector uses it to say "should be 0x…" without copying the bytes.
std::uint16_t expected_checksum(std::span<const std::byte> data, std::size_t field_offset,
                                const PseudoHeader* pseudo = nullptr);

// The receiver's test (RFC 1071 §1): data that includes its checksum field sums to 0xffff.
// Accepts both forms of ones' complement zero, as receivers do.
bool verify_checksum(std::span<const std::byte> data, const PseudoHeader* pseudo = nullptr);

// Recomputes, in place, the IPv4 header checksum and the TCP, UDP, ICMP or ICMPv6 checksum of
// one IP packet: after the wire corrupts or edits bytes the receiver would otherwise drop it
// silently. A UDP-over-IPv4 checksum of zero means "not computed" and stays zero.
// Returns false when something could not be fixed: the buffer is not a whole IP packet (too
// short, malformed header), or it is a fragment (the transport checksum covers the whole
// datagram, which one fragment does not hold). Whatever could be fixed still is.
bool fix_checksums(std::span<std::byte> ip_packet);

}  // namespace wirestep::proto
