// locate_ip(): strips Ethernet (with 802.1Q/802.1ad tags), Linux cooked and BSD loopback headers.
#include "capture/link_layer.h"

#include <fmt/format.h>

#include "capture/capture_format.h"

namespace wirestep::capture {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr std::uint16_t kEtherArp = 0x0806;
constexpr std::uint16_t kEtherVlan = 0x8100;     // 802.1Q
constexpr std::uint16_t kEtherQinQ = 0x88A8;     // 802.1ad service tag
constexpr std::uint16_t kEtherQinQOld = 0x9100;  // pre-standard QinQ, still seen in captures
constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kSllHeader = 16;
constexpr std::size_t kSll2Header = 20;
constexpr std::size_t kLoopbackHeader = 4;

unsigned byte_at(std::span<const std::byte> bytes, std::size_t at) { return std::to_integer<unsigned>(bytes[at]); }

std::uint16_t be16(std::span<const std::byte> bytes, std::size_t at) {
  return static_cast<std::uint16_t>(byte_at(bytes, at) << 8 | byte_at(bytes, at + 1));
}

LinkPayload skip(const char* why) { return LinkPayload{false, 0, why}; }

// The IP version the first byte at offset claims, 0 when there is no byte there.
unsigned ip_version(std::span<const std::byte> frame, std::size_t offset) {
  return offset < frame.size() ? byte_at(frame, offset) >> 4 : 0;
}

LinkPayload ip_at(std::span<const std::byte> frame, std::size_t offset, unsigned expected_version) {
  const unsigned version = ip_version(frame, offset);
  if (version == 0 && offset >= frame.size()) return skip("the frame ends where the IP packet should start");
  if (expected_version != 0 && version != expected_version) {
    return skip("the IP header's version does not match the link header");
  }
  if (version != 4 && version != 6) return skip("not an IPv4 or IPv6 packet");
  return LinkPayload{true, offset, ""};
}

LinkPayload by_ethertype(std::span<const std::byte> frame, std::uint16_t type, std::size_t offset) {
  if (type == kEtherIpv4) return ip_at(frame, offset, 4);
  if (type == kEtherIpv6) return ip_at(frame, offset, 6);
  if (type == kEtherArp) return skip("ARP, not IP");
  return skip("an ethertype other than IPv4 or IPv6");
}

LinkPayload ethernet(std::span<const std::byte> frame) {
  if (frame.size() < kEthernetHeader) return skip("shorter than an Ethernet header");
  std::size_t type_at = 12;
  std::uint16_t type = be16(frame, type_at);
  // Each VLAN tag adds 4 bytes (TPID, TCI) before the real ethertype; stacked tags are QinQ.
  while (type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld) {
    type_at += 4;
    if (frame.size() < type_at + 2) return skip("a VLAN tag cut short");
    type = be16(frame, type_at);
  }
  return by_ethertype(frame, type, type_at + 2);
}

// BSD loopback's 4-byte address family: host order of the capturing machine (NULL) or network
// order (LOOP). AF_INET is 2 everywhere; AF_INET6 differs: 10 Linux, 24 Net/OpenBSD, 28
// FreeBSD, 30 macOS. Reading both orders covers a file from any machine.
LinkPayload loopback(std::span<const std::byte> frame) {
  if (frame.size() < kLoopbackHeader) return skip("shorter than a loopback header");
  const std::uint32_t big = std::uint32_t{byte_at(frame, 0)} << 24 | std::uint32_t{byte_at(frame, 1)} << 16 |
                            std::uint32_t{byte_at(frame, 2)} << 8 | byte_at(frame, 3);
  const std::uint32_t little = std::uint32_t{byte_at(frame, 3)} << 24 | std::uint32_t{byte_at(frame, 2)} << 16 |
                               std::uint32_t{byte_at(frame, 1)} << 8 | byte_at(frame, 0);
  for (const std::uint32_t family : {big, little}) {
    if (family == 2) return ip_at(frame, kLoopbackHeader, 4);
    if (family == 10 || family == 24 || family == 28 || family == 30) return ip_at(frame, kLoopbackHeader, 6);
  }
  return skip("an address family other than IPv4 or IPv6");
}

}  // namespace

bool link_type_supported(std::uint32_t link_type) {
  switch (link_type) {
    case kLinkNull:
    case kLinkEthernet:
    case kLinkRaw:
    case kLinkLoop:
    case kLinkLinuxSll:
    case kLinkIpv4:
    case kLinkIpv6:
    case kLinkLinuxSll2:
      return true;
    default:
      return false;
  }
}

std::string link_type_name(std::uint32_t link_type) {
  switch (link_type) {
    case kLinkNull:
      return "BSD loopback (NULL)";
    case kLinkEthernet:
      return "Ethernet";
    case kLinkRaw:
      return "raw IP";
    case kLinkLoop:
      return "OpenBSD loopback (LOOP)";
    case kLinkLinuxSll:
      return "Linux cooked (SLL)";
    case kLinkIpv4:
      return "raw IPv4";
    case kLinkIpv6:
      return "raw IPv6";
    case kLinkLinuxSll2:
      return "Linux cooked v2 (SLL2)";
    default:
      return fmt::format("link type {}", link_type);
  }
}

LinkPayload locate_ip(std::uint32_t link_type, std::span<const std::byte> frame) {
  switch (link_type) {
    case kLinkRaw:
      return ip_at(frame, 0, 0);
    case kLinkIpv4:
      return ip_at(frame, 0, 4);
    case kLinkIpv6:
      return ip_at(frame, 0, 6);
    case kLinkEthernet:
      return ethernet(frame);
    case kLinkNull:
    case kLinkLoop:
      return loopback(frame);
    case kLinkLinuxSll:
      if (frame.size() < kSllHeader) return skip("shorter than a Linux cooked header");
      return by_ethertype(frame, be16(frame, 14), kSllHeader);
    case kLinkLinuxSll2:
      if (frame.size() < kSll2Header) return skip("shorter than a Linux cooked v2 header");
      return by_ethertype(frame, be16(frame, 0), kSll2Header);
    default:
      return skip("a link-layer type WireStep does not read");
  }
}

}  // namespace wirestep::capture
