// Where the parts of one IPv4/IPv6 packet lie: header, IPv6 extension headers, transport header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/packet/checksum.h"

namespace wirestep::proto {

// IP protocol numbers (IANA) that this module treats specially.
inline constexpr std::uint8_t kIpProtoHopByHop = 0;
inline constexpr std::uint8_t kIpProtoIcmp = 1;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr std::uint8_t kIpProtoRouting = 43;
inline constexpr std::uint8_t kIpProtoFragment = 44;
inline constexpr std::uint8_t kIpProtoEsp = 50;
inline constexpr std::uint8_t kIpProtoAh = 51;
inline constexpr std::uint8_t kIpProtoIcmpv6 = 58;
inline constexpr std::uint8_t kIpProtoNoNext = 59;
inline constexpr std::uint8_t kIpProtoDestOptions = 60;

inline constexpr std::size_t kIpv4MinHeader = 20;
inline constexpr std::size_t kIpv6Header = 40;

// True for the IPv6 extension headers whose length we know how to read (RFC 8200 §4, AH).
bool is_ipv6_extension(std::uint8_t next_header);

struct IpExtensionHeader {
  std::uint8_t type = 0;  // the next-header value that announced it
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

// Real packets carry one or two extension headers; a bound keeps the walk allocation-free and
// stops a crafted chain of thousands from costing anything.
inline constexpr std::size_t kMaxIpExtensionHeaders = 8;

struct IpLayout {
  std::uint8_t version = 0;          // 4 or 6; 0 when there is not even a version nibble
  std::uint32_t header_length = 0;   // IPv4: IHL × 4; IPv6: 40 (extensions are listed apart)
  std::uint32_t total_length = 0;    // the length the header states (IPv6: 40 + payload length)
  bool length_from_capture = false;  // the header said 0 (TSO / jumbogram): the capture decides
  std::uint32_t end = 0;             // min(total_length, buffer): the end of the bytes we have
  bool truncated = false;            // the buffer holds fewer bytes than total_length
  std::uint8_t ttl = 0;              // IPv4 TTL or IPv6 hop limit
  std::uint8_t protocol = 0;         // the upper-layer protocol, after any extension headers
  std::uint32_t transport_offset = 0;
  bool fragmented = false;            // part of a fragmented datagram
  bool first_fragment = true;         // fragment offset 0: the transport header is in this one
  std::uint32_t fragment_offset = 0;  // in bytes
  std::array<IpExtensionHeader, kMaxIpExtensionHeaders> extensions{};
  std::uint8_t extension_count = 0;
  PseudoHeader pseudo;  // addresses + upper-layer protocol for transport checksums
  // Why the transport header could not be located (nullptr when it could). Static text.
  const char* problem = nullptr;

  bool ok() const { return problem == nullptr; }
  // Bytes the IP layer says belong to the upper layer.
  std::uint32_t transport_length() const {
    return total_length > transport_offset ? total_length - transport_offset : 0;
  }
};

// Never allocates, never reads outside packet.
IpLayout locate_ip(std::span<const std::byte> packet);

}  // namespace wirestep::proto
