// Address, DSCP and ECN texts for the IP dissectors.
#include "proto/packet/ip_field_text.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <sys/socket.h>

namespace wirestep::proto {

std::string ip_address_text(std::span<const std::byte> address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.size() == 4) {
    inet_ntop(AF_INET, address.data(), text, sizeof text);
  } else if (address.size() == 16) {
    inet_ntop(AF_INET6, address.data(), text, sizeof text);
  }
  return text;
}

std::string dscp_text(std::uint8_t dscp) {
  if (dscp == 46) return "EF (46)";
  if (dscp % 8 == 0) return fmt::format("CS{} ({})", dscp / 8, dscp);
  // Assured forwarding: class in the top three bits, drop precedence 1-3 next (RFC 2597).
  const unsigned cls = dscp >> 3;
  const unsigned drop = (dscp >> 1) & 3u;
  if ((dscp & 1u) == 0 && cls >= 1 && cls <= 4 && drop >= 1) {
    return fmt::format("AF{}{} ({})", cls, drop, dscp);
  }
  return std::to_string(dscp);
}

std::string ecn_text(std::uint8_t ecn) {
  switch (ecn & 3u) {
    case 0: return "Not-ECT (0)";
    case 1: return "ECT(1) (1)";
    case 2: return "ECT(0) (2)";
    default: return "CE: congestion experienced (3)";
  }
}

}  // namespace wirestep::proto
