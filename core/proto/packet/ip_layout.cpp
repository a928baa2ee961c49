// Locates header, extension headers and transport header of an IP packet without allocating.
#include "proto/packet/ip_layout.h"

#include <algorithm>

#include "proto/packet/packet_bytes.h"

namespace wirestep::proto {

bool is_ipv6_extension(std::uint8_t next_header) {
  switch (next_header) {
    case kIpProtoHopByHop:
    case kIpProtoRouting:
    case kIpProtoFragment:
    case kIpProtoDestOptions:
    case kIpProtoAh: return true;
    default: return false;
  }
}

namespace {

std::uint32_t clamp32(std::size_t n) {
  return static_cast<std::uint32_t>(std::min<std::size_t>(n, UINT32_MAX));
}

void finish_lengths(IpLayout& l, std::size_t captured) {
  l.end = std::min(l.total_length, clamp32(captured));
  l.truncated = captured < l.total_length;
}

void locate_ipv4(const PacketBytes& p, IpLayout& l) {
  if (!p.has(0, kIpv4MinHeader)) {
    l.problem = "IPv4 header truncated";
    return;
  }
  l.header_length = (p.u8(0) & 0x0fu) * 4u;
  l.total_length = p.u16(2);
  l.ttl = p.u8(8);
  l.protocol = p.u8(9);
  l.pseudo.family = 4;
  l.pseudo.protocol = l.protocol;
  std::copy_n(p.span().begin() + 12, 4, l.pseudo.src.begin());
  std::copy_n(p.span().begin() + 16, 4, l.pseudo.dst.begin());
  const std::uint16_t frag = p.u16(6);
  l.fragment_offset = (frag & 0x1fffu) * 8u;
  l.fragmented = (frag & 0x2000u) != 0 || l.fragment_offset != 0;
  l.first_fragment = l.fragment_offset == 0;
  if (l.header_length < kIpv4MinHeader) {
    l.problem = "IPv4 header length below 20 bytes";
    return;
  }
  if (l.total_length == 0 && p.size() > l.header_length) {
    l.total_length = clamp32(p.size());
    l.length_from_capture = true;
  }
  finish_lengths(l, p.size());
  if (!p.has(0, l.header_length)) {
    l.problem = "IPv4 header truncated";
    return;
  }
  if (l.total_length < l.header_length) {
    l.problem = "IPv4 total length smaller than its header";
    return;
  }
  l.transport_offset = l.header_length;
}

void locate_ipv6(const PacketBytes& p, IpLayout& l) {
  if (!p.has(0, kIpv6Header)) {
    l.problem = "IPv6 header truncated";
    return;
  }
  l.header_length = kIpv6Header;
  l.total_length = static_cast<std::uint32_t>(kIpv6Header) + p.u16(4);
  l.ttl = p.u8(7);
  l.pseudo.family = 6;
  std::copy_n(p.span().begin() + 8, 16, l.pseudo.src.begin());
  std::copy_n(p.span().begin() + 24, 16, l.pseudo.dst.begin());
  if (p.u16(4) == 0 && p.size() > kIpv6Header) {
    // A jumbogram (RFC 2675) or a capture with offloads: the captured bytes are the packet.
    l.total_length = clamp32(p.size());
    l.length_from_capture = true;
  }
  finish_lengths(l, p.size());

  std::uint8_t next = p.u8(6);
  std::uint32_t offset = static_cast<std::uint32_t>(kIpv6Header);
  while (is_ipv6_extension(next)) {
    if (l.extension_count == kMaxIpExtensionHeaders) {
      l.protocol = next;
      l.transport_offset = offset;
      l.problem = "too many IPv6 extension headers";
      return;
    }
    if (offset + 2u > l.end) {
      l.protocol = next;
      l.transport_offset = offset;
      l.problem = "IPv6 extension header truncated";
      return;
    }
    std::uint32_t length = 8;
    if (next == kIpProtoAh) {
      length = (p.u8(offset + 1u) + 2u) * 4u;
    } else if (next != kIpProtoFragment) {
      length = (p.u8(offset + 1u) + 1u) * 8u;
    }
    l.extensions[l.extension_count++] = IpExtensionHeader{next, offset, length};
    if (offset + length > l.end) {
      l.protocol = next;
      l.transport_offset = offset;
      l.problem = "IPv6 extension header truncated";
      return;
    }
    if (next == kIpProtoFragment) {
      const std::uint16_t frag = p.u16(offset + 2u);
      l.fragment_offset = (frag >> 3) * 8u;
      l.fragmented = true;
      l.first_fragment = l.fragment_offset == 0;
    }
    next = p.u8(offset);
    offset += length;
    // Past a non-first fragment's header come data bytes, not another header.
    if (!l.first_fragment) break;
  }
  l.protocol = next;
  l.pseudo.protocol = next;
  l.transport_offset = offset;
}

}  // namespace

IpLayout locate_ip(std::span<const std::byte> packet) {
  const PacketBytes p(packet);
  IpLayout l;
  if (p.size() == 0) {
    l.problem = "empty packet";
    return l;
  }
  l.version = p.u8(0) >> 4;
  if (l.version == 4) {
    locate_ipv4(p, l);
  } else if (l.version == 6) {
    locate_ipv6(p, l);
  } else {
    l.problem = "not an IP packet";
  }
  return l;
}

}  // namespace wirestep::proto
