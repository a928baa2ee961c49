// PacketSummary: the few facts about an IP packet the timeline, the wire and tests need, fast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "trace/event.h"

namespace wirestep::proto {

// TCP flag bits as they sit in header byte 13.
struct TcpFlags {
  static constexpr std::uint8_t kFin = 0x01;
  static constexpr std::uint8_t kSyn = 0x02;
  static constexpr std::uint8_t kRst = 0x04;
  static constexpr std::uint8_t kPsh = 0x08;
  static constexpr std::uint8_t kAck = 0x10;
  static constexpr std::uint8_t kUrg = 0x20;
  static constexpr std::uint8_t kEce = 0x40;
  static constexpr std::uint8_t kCwr = 0x80;
};

struct PacketSummary {
  bool valid = false;       // false when anything needed was missing or malformed
  const char* reason = "";  // why not valid; static text, so summarize() never allocates

  std::uint8_t ip_version = 0;  // 4, 6, or 0 when the bytes are not an IP packet
  trace::Address src;           // port filled for TCP and UDP
  trace::Address dst;
  std::uint32_t ip_total_length = 0;  // as the header states it (IPv6: 40 + payload length)
  std::uint8_t ttl = 0;               // IPv4 TTL / IPv6 hop limit
  std::uint8_t ip_protocol = 0;       // upper-layer protocol number, after IPv6 extensions
  bool fragment = false;              // part of a fragmented datagram
  std::uint32_t fragment_offset = 0;  // bytes; non-zero means no transport header here

  trace::Transport transport = trace::Transport::None;
  bool icmp = false;  // ICMP over IPv4 or ICMPv6 over IPv6
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  std::uint16_t icmp_id = 0;  // echo request/reply only
  std::uint16_t icmp_seq = 0;

  std::uint32_t tcp_seq = 0;
  std::uint32_t tcp_ack = 0;
  std::uint8_t tcp_flags = 0;          // TcpFlags bits
  std::uint16_t tcp_window = 0;        // as sent, before any window scaling
  std::uint8_t tcp_header_length = 0;  // bytes, options included

  // TCP/UDP payload, as offsets into the IP packet. payload_length is what the headers state;
  // fewer bytes are present when the packet was truncated (valid is then false).
  std::uint32_t payload_offset = 0;
  std::uint32_t payload_length = 0;

  bool has_flag(std::uint8_t flag) const { return (tcp_flags & flag) == flag; }
};

// Reads the headers only; never allocates, throws or reads outside ip_packet.
PacketSummary summarize(std::span<const std::byte> ip_packet);

// "SYN, ACK" in header bit order (FIN first, as Wireshark prints them); "" for no flags.
std::string tcp_flags_text(std::uint8_t flags);

// The initial sequence numbers of a connection, so seq/ack can be shown relative to them
// (the SYN is seq=0, the first data byte seq=1). isn_src belongs to the packet's sender.
struct RelativeSeq {
  std::uint32_t isn_src = 0;
  std::uint32_t isn_dst = 0;
};

// One line for a timeline tooltip or the CLI, e.g.
// "TCP 10.77.0.1:41234 → 10.77.0.2:80 [SYN] seq=0 win=64240 len=0". Numbers are absolute
// unless relative is given. A malformed packet still says what is known plus why it is not.
std::string describe(const PacketSummary& summary,
                     std::optional<RelativeSeq> relative = std::nullopt);

}  // namespace wirestep::proto
