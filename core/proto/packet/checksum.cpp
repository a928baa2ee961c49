// RFC 1071 sums, pseudo-header variants and the in-place fixer the wire uses after edits.
#include "proto/packet/checksum.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "proto/packet/ip_layout.h"
#include "proto/packet/packet_bytes.h"

namespace wirestep::proto {

namespace {

// The ones' complement sum of the 16-bit words of data (even length), folded to 16 bits, in
// the byte order of memory. The sum does not depend on byte order (RFC 1071 §2(B)): on a
// little-endian machine this adds byte-swapped words, and swapping the folded result gives
// the big-endian sum. Since 2^32 = 1 in ones' complement arithmetic on 16 bits, the two
// 32-bit halves of each 8 bytes can be added as plain numbers into 64-bit accumulators and
// folded once at the end (no carry is lost below 2^31 additions). The wire sums every byte
// of a bulk transfer (see OffloadSegmenter), so this runs at memory speed.
std::uint16_t native_word_sum(const std::byte* data, std::size_t size) {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::size_t i = 0;
  for (; i + 16 <= size; i += 16) {
    std::uint64_t first;
    std::uint64_t second;
    std::memcpy(&first, data + i, 8);
    std::memcpy(&second, data + i + 8, 8);
    a += (first & 0xffffffff) + (first >> 32);
    b += (second & 0xffffffff) + (second >> 32);
  }
  for (; i + 2 <= size; i += 2) {
    std::uint16_t word;
    std::memcpy(&word, data + i, 2);
    a += word;
  }
  std::uint64_t sum = (a & 0xffffffff) + (a >> 32) + (b & 0xffffffff) + (b >> 32);
  while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
  auto folded = static_cast<std::uint16_t>(sum);
  if constexpr (std::endian::native == std::endian::little) {
    folded = static_cast<std::uint16_t>((folded << 8) | (folded >> 8));
  }
  return folded;
}

}  // namespace

void ChecksumSum::add(std::span<const std::byte> bytes) {
  std::size_t i = 0;
  if (odd_ && !bytes.empty()) {
    // The previous piece ended mid-word: this byte is that word's low half.
    sum_ += std::to_integer<std::uint8_t>(bytes[0]);
    odd_ = false;
    i = 1;
  }
  const std::size_t even = (bytes.size() - i) & ~std::size_t{1};
  // A 64-bit accumulator cannot overflow for any buffer that fits in memory, so the carries
  // are folded once at the end instead of after every word.
  sum_ += native_word_sum(bytes.data() + i, even);
  i += even;
  if (i < bytes.size()) {
    sum_ += std::uint32_t{std::to_integer<std::uint8_t>(bytes[i])} << 8;
    odd_ = true;
  }
}

void ChecksumSum::add_u16(std::uint16_t value) {
  const std::byte b[2] = {std::byte(value >> 8), std::byte(value & 0xff)};
  add(b);
}

void ChecksumSum::add_u32(std::uint32_t value) {
  add_u16(static_cast<std::uint16_t>(value >> 16));
  add_u16(static_cast<std::uint16_t>(value & 0xffff));
}

std::uint16_t ChecksumSum::folded() const {
  std::uint64_t s = sum_;
  while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

void add_pseudo_header(ChecksumSum& sum, const PseudoHeader& pseudo, std::uint32_t upper_length) {
  const std::size_t n = pseudo.family == 6 ? 16 : 4;
  sum.add(std::span<const std::byte>(pseudo.src.data(), n));
  sum.add(std::span<const std::byte>(pseudo.dst.data(), n));
  // IPv4 carries a 16-bit length and IPv6 a 32-bit one; with the zero bytes around them both
  // add up the same way, as do the zero-padded protocol byte and next header.
  sum.add_u32(upper_length);
  sum.add_u16(pseudo.protocol);
}

std::uint16_t internet_checksum(std::span<const std::byte> data) {
  ChecksumSum sum;
  sum.add(data);
  return sum.checksum();
}

std::uint16_t pseudo_header_checksum(const PseudoHeader& pseudo,
                                     std::span<const std::byte> segment) {
  ChecksumSum sum;
  add_pseudo_header(sum, pseudo, static_cast<std::uint32_t>(segment.size()));
  sum.add(segment);
  return sum.checksum();
}

std::uint16_t pseudo_header_checksum_v4(std::span<const std::byte, 4> src,
                                        std::span<const std::byte, 4> dst, std::uint8_t protocol,
                                        std::span<const std::byte> segment) {
  PseudoHeader pseudo;
  pseudo.family = 4;
  std::copy(src.begin(), src.end(), pseudo.src.begin());
  std::copy(dst.begin(), dst.end(), pseudo.dst.begin());
  pseudo.protocol = protocol;
  return pseudo_header_checksum(pseudo, segment);
}

std::uint16_t pseudo_header_checksum_v6(std::span<const std::byte, 16> src,
                                        std::span<const std::byte, 16> dst,
                                        std::uint8_t next_header,
                                        std::span<const std::byte> segment) {
  PseudoHeader pseudo;
  pseudo.family = 6;
  std::copy(src.begin(), src.end(), pseudo.src.begin());
  std::copy(dst.begin(), dst.end(), pseudo.dst.begin());
  pseudo.protocol = next_header;
  return pseudo_header_checksum(pseudo, segment);
}

std::uint16_t expected_checksum(std::span<const std::byte> data, std::size_t field_offset,
                                const PseudoHeader* pseudo) {
  ChecksumSum sum;
  if (pseudo != nullptr) add_pseudo_header(sum, *pseudo, static_cast<std::uint32_t>(data.size()));
  const std::size_t cut = std::min(field_offset, data.size());
  sum.add(data.first(cut));
  static constexpr std::byte kZero[2] = {};
  sum.add(std::span<const std::byte>(kZero, std::min<std::size_t>(2, data.size() - cut)));
  if (cut + 2 < data.size()) sum.add(data.subspan(cut + 2));
  return sum.checksum();
}

bool verify_checksum(std::span<const std::byte> data, const PseudoHeader* pseudo) {
  ChecksumSum sum;
  if (pseudo != nullptr) add_pseudo_header(sum, *pseudo, static_cast<std::uint32_t>(data.size()));
  sum.add(data);
  return sum.folded() == 0xffff;
}

namespace {

void store_u16(std::span<std::byte> bytes, std::size_t offset, std::uint16_t value) {
  bytes[offset] = std::byte(value >> 8);
  bytes[offset + 1] = std::byte(value & 0xff);
}

// Where the transport checksum sits, or 0 when the protocol has none we know.
std::size_t checksum_field(std::uint8_t protocol, std::uint8_t version) {
  switch (protocol) {
    case kIpProtoTcp: return 16;
    case kIpProtoUdp: return 6;
    case kIpProtoIcmp: return version == 4 ? 2 : 0;
    case kIpProtoIcmpv6: return version == 6 ? 2 : 0;
    default: return 0;
  }
}

}  // namespace

bool fix_checksums(std::span<std::byte> ip_packet) {
  const IpLayout l = locate_ip(ip_packet);
  if (l.version == 4 && l.header_length >= kIpv4MinHeader && l.header_length <= ip_packet.size()) {
    const auto header = ip_packet.first(l.header_length);
    store_u16(header, 10, expected_checksum(header, 10));
  }
  if (!l.ok() || l.truncated || l.fragmented) return false;

  const std::size_t field = checksum_field(l.protocol, l.version);
  if (field == 0) return true;  // a protocol without a checksum we know: nothing to fix
  const auto segment = ip_packet.subspan(l.transport_offset, l.transport_length());
  if (segment.size() < field + 2) return false;
  if (l.protocol == kIpProtoUdp) {
    const PacketBytes p(segment);
    if (l.version == 4 && p.u16(6) == 0) return true;  // the sender chose "no checksum"
    // UDP may end before the IP payload does; its checksum covers only its own length.
    const std::uint16_t udp_length = p.u16(4);
    if (udp_length < 8 || udp_length > segment.size()) return false;
    const auto datagram = segment.first(udp_length);
    std::uint16_t value = expected_checksum(datagram, field, &l.pseudo);
    // Zero on the wire means "none", so a computed zero is sent as its other form, 0xffff.
    if (value == 0) value = 0xffff;
    store_u16(datagram, field, value);
    return true;
  }
  const bool uses_pseudo = l.protocol != kIpProtoIcmp;
  store_u16(segment, field, expected_checksum(segment, field, uses_pseudo ? &l.pseudo : nullptr));
  return true;
}

}  // namespace wirestep::proto
