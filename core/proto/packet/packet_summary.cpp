// summarize(): header facts without allocating; tcp_flags_text() and describe() for display.
#include "proto/packet/packet_summary.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <string_view>

#include "proto/packet/ip_layout.h"
#include "proto/packet/packet_bytes.h"
#include "proto/packet/protocol_names.h"

namespace wirestep::proto {

namespace {

constexpr std::string_view kArrow = "\u2192";

trace::Address address_from(const PseudoHeader& pseudo, bool destination) {
  trace::Address a;
  a.family = pseudo.family;
  const auto& ip = destination ? pseudo.dst : pseudo.src;
  const std::size_t n = pseudo.family == 6 ? 16 : 4;
  std::transform(ip.begin(), ip.begin() + static_cast<std::ptrdiff_t>(n), a.ip.begin(),
                 [](std::byte b) { return std::to_integer<std::uint8_t>(b); });
  return a;
}

bool is_icmp(std::uint8_t version, std::uint8_t protocol) {
  return (version == 4 && protocol == kIpProtoIcmp) || (version == 6 && protocol == kIpProtoIcmpv6);
}

bool is_echo(std::uint8_t version, std::uint8_t type) {
  return version == 4 ? (type == 0 || type == 8) : (type == 128 || type == 129);
}

// Fills the transport facts; returns the reason they are incomplete, or nullptr.
const char* summarize_transport(const PacketBytes& p, const IpLayout& l, PacketSummary& s) {
  const std::uint32_t t = l.transport_offset;
  const std::uint32_t segment = l.transport_length();
  const PacketBytes bytes(p.sub(0, l.end));  // only the bytes this packet owns
  if (l.protocol == kIpProtoTcp) {
    s.transport = trace::Transport::Tcp;
    // Reads past the end give 0, so a cut header still yields the fields it does have.
    s.src.port = bytes.u16(t);
    s.dst.port = bytes.u16(t + 2);
    s.tcp_seq = bytes.u32(t + 4);
    s.tcp_ack = bytes.u32(t + 8);
    s.tcp_header_length = static_cast<std::uint8_t>((bytes.u8(t + 12) >> 4) * 4);
    s.tcp_flags = bytes.u8(t + 13);
    s.tcp_window = bytes.u16(t + 14);
    if (!bytes.has(t, 20)) return "TCP header truncated";
    if (s.tcp_header_length < 20) return "TCP header length below 20 bytes";
    if (s.tcp_header_length > segment) return "TCP header longer than the segment";
    s.payload_offset = t + s.tcp_header_length;
    s.payload_length = segment - s.tcp_header_length;
    if (!bytes.has(t, s.tcp_header_length)) return "TCP header truncated";
    return nullptr;
  }
  if (l.protocol == kIpProtoUdp) {
    s.transport = trace::Transport::Udp;
    s.src.port = bytes.u16(t);
    s.dst.port = bytes.u16(t + 2);
    if (!bytes.has(t, 8)) return "UDP header truncated";
    const std::uint16_t length = bytes.u16(t + 4);
    if (length < 8 || length > segment) return "UDP length does not fit the IP payload";
    s.payload_offset = t + 8;
    s.payload_length = length - 8u;
    return nullptr;
  }
  if (is_icmp(l.version, l.protocol)) {
    s.icmp = true;
    if (!bytes.has(t, 4)) return "ICMP header truncated";
    s.icmp_type = bytes.u8(t);
    s.icmp_code = bytes.u8(t + 1);
    if (is_echo(l.version, s.icmp_type)) {
      if (!bytes.has(t, 8)) return "ICMP echo header truncated";
      s.icmp_id = bytes.u16(t + 4);
      s.icmp_seq = bytes.u16(t + 6);
    }
    return nullptr;
  }
  return nullptr;
}

std::string ip_text(const trace::Address& a) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.family == 6 ? AF_INET6 : AF_INET, a.ip.data(), text, sizeof text);
  return text;
}

std::string icmp_text(const PacketSummary& s) {
  const bool v4 = s.ip_version == 4;
  const std::string_view type = v4 ? icmp_type_name(s.icmp_type) : icmpv6_type_name(s.icmp_type);
  const std::string_view code =
      v4 ? icmp_code_name(s.icmp_type, s.icmp_code) : icmpv6_code_name(s.icmp_type, s.icmp_code);
  std::string out =
      type.empty() ? fmt::format("type={} code={}", s.icmp_type, s.icmp_code) : std::string(type);
  if (!code.empty()) out += fmt::format(" ({})", code);
  if (is_echo(s.ip_version, s.icmp_type)) {
    out += fmt::format(" id=0x{:04x} seq={}", s.icmp_id, s.icmp_seq);
  }
  return out;
}

}  // namespace

PacketSummary summarize(std::span<const std::byte> ip_packet) {
  PacketSummary s;
  const PacketBytes p(ip_packet);
  const IpLayout l = locate_ip(ip_packet);
  if (l.version != 4 && l.version != 6) {
    s.reason = l.problem;
    return s;
  }
  s.ip_version = l.version;
  if (p.has(0, l.version == 4 ? kIpv4MinHeader : kIpv6Header)) {
    s.src = address_from(l.pseudo, false);
    s.dst = address_from(l.pseudo, true);
    s.ip_total_length = l.total_length;
    s.ttl = l.ttl;
    s.ip_protocol = l.protocol;
    s.fragment = l.fragmented;
    s.fragment_offset = l.fragment_offset;
  }
  if (!l.ok()) {
    s.reason = l.problem;
    return s;
  }
  if (!l.first_fragment) {
    // Only the first fragment carries the transport header; later ones are bare data.
    if (l.protocol == kIpProtoTcp) s.transport = trace::Transport::Tcp;
    if (l.protocol == kIpProtoUdp) s.transport = trace::Transport::Udp;
    s.icmp = is_icmp(l.version, l.protocol);
  } else if (const char* problem = summarize_transport(p, l, s)) {
    s.reason = problem;
    return s;
  }
  if (l.truncated) {
    s.reason = "packet truncated";
    return s;
  }
  s.valid = true;
  return s;
}

std::string tcp_flags_text(std::uint8_t flags) {
  static constexpr std::string_view kNames[] = {"FIN", "SYN", "RST", "PSH",
                                                "ACK", "URG", "ECE", "CWR"};
  std::string out;
  for (int bit = 0; bit < 8; ++bit) {
    if ((flags & (1u << bit)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += kNames[bit];
  }
  return out;
}

std::string describe(const PacketSummary& s, std::optional<RelativeSeq> relative) {
  if (s.ip_version == 0) return fmt::format("Unreadable packet ({})", s.reason);
  const std::string_view ip = s.ip_version == 4 ? "IPv4" : "IPv6";
  if (s.src.empty()) return fmt::format("{} [{}]", ip, s.reason);
  std::string out;
  const bool ports = s.transport != trace::Transport::None && s.fragment_offset == 0;
  const std::string from = ports ? s.src.to_string() : ip_text(s.src);
  const std::string to = ports ? s.dst.to_string() : ip_text(s.dst);

  if (s.fragment_offset != 0) {
    const std::string_view name = ip_protocol_name(s.ip_protocol);
    out = fmt::format("{} {} {} {} fragment of {} at offset {}", ip, from, kArrow, to,
                      name.empty() ? fmt::format("protocol {}", s.ip_protocol) : std::string(name),
                      s.fragment_offset);
  } else if (s.transport == trace::Transport::Tcp) {
    const std::string flags = tcp_flags_text(s.tcp_flags);
    const std::uint32_t seq = relative ? s.tcp_seq - relative->isn_src : s.tcp_seq;
    out = fmt::format("TCP {} {} {} [{}] seq={}", from, kArrow, to,
                      flags.empty() ? "<none>" : flags, seq);
    if (s.has_flag(TcpFlags::kAck)) {
      out += fmt::format(" ack={}", relative ? s.tcp_ack - relative->isn_dst : s.tcp_ack);
    }
    out += fmt::format(" win={} len={}", s.tcp_window, s.payload_length);
  } else if (s.transport == trace::Transport::Udp) {
    out = fmt::format("UDP {} {} {} len={}", from, kArrow, to, s.payload_length);
  } else if (s.icmp) {
    out = fmt::format("{} {} {} {} {}", s.ip_version == 4 ? "ICMP" : "ICMPv6", from, kArrow, to,
                      icmp_text(s));
  } else {
    const std::string_view name = ip_protocol_name(s.ip_protocol);
    out = fmt::format("{} {} {} {} protocol {}{}", ip, from, kArrow, to, s.ip_protocol,
                      name.empty() ? "" : fmt::format(" ({})", name));
  }
  if (!s.valid) out += fmt::format(" [{}]", s.reason);
  return out;
}

}  // namespace wirestep::proto
