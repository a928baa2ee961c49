// Where the IP packet starts inside one captured frame, for each link-layer type the reader knows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace wirestep::capture {

// What a frame carries as far as WireStep cares: an IP packet at ip_offset, or nothing the
// trace can hold (ARP, LLDP, a frame too short for its own header) and why.
struct LinkPayload {
  bool is_ip = false;
  std::size_t ip_offset = 0;
  const char* skipped_because = "";  // static text, so unpacking never allocates
};

// LINKTYPE_ETHERNET, RAW, IPV4, IPV6, NULL, LOOP, LINUX_SLL and LINUX_SLL2.
bool link_type_supported(std::uint32_t link_type);
// "Ethernet", "raw IP", ... or "link type 147" for others.
std::string link_type_name(std::uint32_t link_type);

// Never reads outside frame. Only IPv4 and IPv6 count as IP: the payload's first nibble must
// agree with what the link header announced.
LinkPayload locate_ip(std::uint32_t link_type, std::span<const std::byte> frame);

}  // namespace wirestep::capture
