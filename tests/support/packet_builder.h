// Builds IPv4/IPv6 packets byte by byte for dissector tests, with its own reference checksum.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace wirestep::testing {

using Ip4 = std::array<std::uint8_t, 4>;
using Ip6 = std::array<std::uint8_t, 16>;

// Deliberately the plainest RFC 1071 loop, sharing no code with proto/packet/checksum.cpp, so
// a test that finds a built packet "correct" checks the production code against an
// independent implementation rather than against itself.
inline std::uint16_t reference_checksum(const std::vector<std::uint8_t>& data) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < data.size(); i += 2) {
    std::uint32_t word = std::uint32_t{data[i]} << 8;
    if (i + 1 < data.size()) word |= data[i + 1];
    sum += word;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

// Appends big-endian fields; patch() rewrites a 16-bit field once its value is known.
class ByteWriter {
 public:
  ByteWriter& u8(std::uint32_t v) {
    bytes_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  ByteWriter& u16(std::uint32_t v) { return u8(v >> 8).u8(v); }
  ByteWriter& u32(std::uint32_t v) { return u16(v >> 16).u16(v); }
  ByteWriter& raw(std::span<const std::uint8_t> v) {
    bytes_.insert(bytes_.end(), v.begin(), v.end());
    return *this;
  }
  ByteWriter& raw(std::initializer_list<std::uint8_t> v) {
    bytes_.insert(bytes_.end(), v.begin(), v.end());
    return *this;
  }
  void patch16(std::size_t offset, std::uint16_t v) {
    bytes_[offset] = static_cast<std::uint8_t>(v >> 8);
    bytes_[offset + 1] = static_cast<std::uint8_t>(v);
  }
  std::size_t size() const { return bytes_.size(); }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

inline std::vector<std::byte> to_bytes(const std::vector<std::uint8_t>& v) {
  std::vector<std::byte> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = std::byte{v[i]};
  return out;
}

inline std::vector<std::uint8_t> text_bytes(std::string_view s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

struct TcpSpec {
  std::uint16_t src_port = 41234;
  std::uint16_t dst_port = 80;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 64240;
  std::uint16_t urgent = 0;
  std::vector<std::uint8_t> options{};  // must be a multiple of 4 bytes
  std::vector<std::uint8_t> payload{};
};

struct Ipv4Spec {
  Ip4 src{10, 77, 0, 1};
  Ip4 dst{10, 77, 0, 2};
  std::uint16_t id = 0x1c46;
  std::uint16_t flags_fragment = 0x4000;  // DF
  std::uint8_t ttl = 64;
  std::vector<std::uint8_t> options{};  // must be a multiple of 4 bytes
};

struct Ipv6Spec {
  Ip6 src{0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  Ip6 dst{0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  std::uint8_t hop_limit = 64;
  std::uint32_t flow_label = 0x12345;
  std::uint8_t traffic_class = 0;
  // Raw extension headers placed before the upper layer; the first byte of each is its
  // next-header field and is filled in by the builder.
  std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>> extensions;
};

// The upper-layer bytes with their checksum field filled, pseudo-header included if needed.
inline std::vector<std::uint8_t> with_checksum(std::vector<std::uint8_t> upper, std::size_t field,
                                               const std::vector<std::uint8_t>& pseudo) {
  std::vector<std::uint8_t> all = pseudo;
  all.insert(all.end(), upper.begin(), upper.end());
  std::uint16_t c = reference_checksum(all);
  if (c == 0 && field == 6) c = 0xffff;  // UDP sends a computed zero as 0xffff
  upper[field] = static_cast<std::uint8_t>(c >> 8);
  upper[field + 1] = static_cast<std::uint8_t>(c);
  return upper;
}

inline std::vector<std::uint8_t> pseudo_v4(const Ipv4Spec& ip, std::uint8_t protocol,
                                           std::size_t length) {
  ByteWriter w;
  w.raw(ip.src).raw(ip.dst).u8(0).u8(protocol).u16(static_cast<std::uint32_t>(length));
  return w.bytes();
}

inline std::vector<std::uint8_t> pseudo_v6(const Ipv6Spec& ip, std::uint8_t next,
                                           std::size_t length) {
  ByteWriter w;
  w.raw(ip.src).raw(ip.dst).u32(static_cast<std::uint32_t>(length)).u8(0).u8(0).u8(0).u8(next);
  return w.bytes();
}

inline std::vector<std::uint8_t> ipv4_packet(const Ipv4Spec& ip, std::uint8_t protocol,
                                             const std::vector<std::uint8_t>& upper) {
  ByteWriter w;
  const std::size_t header = 20 + ip.options.size();
  w.u8(0x40 | static_cast<std::uint32_t>(header / 4))
      .u8(0)
      .u16(static_cast<std::uint32_t>(header + upper.size()))
      .u16(ip.id)
      .u16(ip.flags_fragment)
      .u8(ip.ttl)
      .u8(protocol)
      .u16(0)
      .raw(ip.src)
      .raw(ip.dst)
      .raw(ip.options);
  w.patch16(10, reference_checksum(w.bytes()));
  w.raw(upper);
  return w.bytes();
}

inline std::vector<std::uint8_t> ipv6_packet(const Ipv6Spec& ip, std::uint8_t next,
                                             const std::vector<std::uint8_t>& upper) {
  std::vector<std::uint8_t> chain;
  std::uint8_t first = next;
  if (!ip.extensions.empty()) {
    first = ip.extensions.front().first;
    for (std::size_t i = 0; i < ip.extensions.size(); ++i) {
      std::vector<std::uint8_t> ext = ip.extensions[i].second;
      ext[0] = i + 1 < ip.extensions.size() ? ip.extensions[i + 1].first : next;
      chain.insert(chain.end(), ext.begin(), ext.end());
    }
  }
  ByteWriter w;
  w.u32(0x60000000u | std::uint32_t{ip.traffic_class} << 20 | (ip.flow_label & 0xfffffu))
      .u16(static_cast<std::uint32_t>(chain.size() + upper.size()))
      .u8(first)
      .u8(ip.hop_limit)
      .raw(ip.src)
      .raw(ip.dst)
      .raw(chain)
      .raw(upper);
  return w.bytes();
}

inline std::vector<std::uint8_t> tcp_segment(const TcpSpec& t) {
  ByteWriter w;
  const std::size_t header = 20 + t.options.size();
  w.u16(t.src_port)
      .u16(t.dst_port)
      .u32(t.seq)
      .u32(t.ack)
      .u8(static_cast<std::uint32_t>(header / 4) << 4)
      .u8(t.flags)
      .u16(t.window)
      .u16(0)
      .u16(t.urgent)
      .raw(t.options)
      .raw(t.payload);
  return w.bytes();
}

inline std::vector<std::uint8_t> udp_datagram(std::uint16_t src_port, std::uint16_t dst_port,
                                              const std::vector<std::uint8_t>& payload) {
  ByteWriter w;
  w.u16(src_port)
      .u16(dst_port)
      .u16(static_cast<std::uint32_t>(8 + payload.size()))
      .u16(0)
      .raw(payload);
  return w.bytes();
}

// An ICMP or ICMPv6 message: type, code, checksum (0 here), four type-specific bytes, body.
inline std::vector<std::uint8_t> icmp_message(std::uint8_t type, std::uint8_t code,
                                              std::uint32_t rest,
                                              const std::vector<std::uint8_t>& body) {
  ByteWriter w;
  w.u8(type).u8(code).u16(0).u32(rest).raw(body);
  return w.bytes();
}

inline std::vector<std::uint8_t> tcp_v4(const TcpSpec& t, const Ipv4Spec& ip = {}) {
  const auto seg = tcp_segment(t);
  return ipv4_packet(ip, 6, with_checksum(seg, 16, pseudo_v4(ip, 6, seg.size())));
}

inline std::vector<std::uint8_t> tcp_v6(const TcpSpec& t, const Ipv6Spec& ip = {}) {
  const auto seg = tcp_segment(t);
  return ipv6_packet(ip, 6, with_checksum(seg, 16, pseudo_v6(ip, 6, seg.size())));
}

inline std::vector<std::uint8_t> udp_v4(std::uint16_t src_port, std::uint16_t dst_port,
                                        const std::vector<std::uint8_t>& payload,
                                        const Ipv4Spec& ip = {}) {
  const auto d = udp_datagram(src_port, dst_port, payload);
  return ipv4_packet(ip, 17, with_checksum(d, 6, pseudo_v4(ip, 17, d.size())));
}

inline std::vector<std::uint8_t> udp_v6(std::uint16_t src_port, std::uint16_t dst_port,
                                        const std::vector<std::uint8_t>& payload,
                                        const Ipv6Spec& ip = {}) {
  const auto d = udp_datagram(src_port, dst_port, payload);
  return ipv6_packet(ip, 17, with_checksum(d, 6, pseudo_v6(ip, 17, d.size())));
}

inline std::vector<std::uint8_t> icmp_v4(std::uint8_t type, std::uint8_t code, std::uint32_t rest,
                                         const std::vector<std::uint8_t>& body,
                                         const Ipv4Spec& ip = {}) {
  return ipv4_packet(ip, 1, with_checksum(icmp_message(type, code, rest, body), 2, {}));
}

inline std::vector<std::uint8_t> icmp_v6(std::uint8_t type, std::uint8_t code, std::uint32_t rest,
                                         const std::vector<std::uint8_t>& body,
                                         const Ipv6Spec& ip = {}) {
  const auto m = icmp_message(type, code, rest, body);
  return ipv6_packet(ip, 58, with_checksum(m, 2, pseudo_v6(ip, 58, m.size())));
}

// Linux's SYN options: MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (20 bytes).
inline std::vector<std::uint8_t> linux_syn_options(std::uint32_t tsval, std::uint32_t tsecr = 0) {
  ByteWriter w;
  w.raw({2, 4, 0x05, 0xb4, 4, 2, 8, 10}).u32(tsval).u32(tsecr).raw({1, 3, 3, 7});
  return w.bytes();
}

}  // namespace wirestep::testing
