// What the impairment policy needs to know about one IP packet: who sent it, its kind, sizes, time.
#pragma once

#include <compare>
#include <cstdint>

#include "trace/event.h"

namespace wirestep::wire {

// TCP header flag bits (RFC 9293, plus ECE/CWR from RFC 3168). Kept here rather than in proto/
// so the policy stays independent of the dissectors.
namespace tcp_flag {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
inline constexpr std::uint8_t kEce = 0x40;
inline constexpr std::uint8_t kCwr = 0x80;
}  // namespace tcp_flag

// A lesson host by its position in the lesson's host list. 0 and 1 are the client and server
// every two-host lesson has; multi-client lessons number further hosts 2, 3, ...
using HostIndex = std::uint8_t;
inline constexpr HostIndex kClientHost = 0;
inline constexpr HostIndex kServerHost = 1;

// Which way a packet travels. A pair rather than a single sender index because a server with
// several clients sends on several links, and each link has its own impairment and RNG.
struct Direction {
  HostIndex from = kClientHost;
  HostIndex to = kServerHost;
  friend auto operator<=>(const Direction&, const Direction&) = default;
};

inline constexpr Direction kClientToServer{kClientHost, kServerHost};
inline constexpr Direction kServerToClient{kServerHost, kClientHost};

struct PacketFacts {
  Direction direction;
  trace::Transport transport = trace::Transport::None;
  std::uint8_t tcp_flags = 0;        // 0 for anything but TCP
  std::uint32_t payload_length = 0;  // transport payload bytes (what a "data segment" carries)
  std::uint32_t size = 0;            // the whole IP packet, headers included
  std::int64_t now_ns = 0;           // when the wire read it, on the trace's clock
  // Bytes of IP header (with extension headers) before the transport header; 0 = unknown.
  // Only used to aim a header corruption at the transport header instead of the IP header.
  std::uint16_t ip_header_length = 0;

  bool has(std::uint8_t flags) const { return (tcp_flags & flags) == flags; }
  std::uint32_t header_length() const { return size >= payload_length ? size - payload_length : 0; }
};

}  // namespace wirestep::wire
