// Entry point of packet dissection: picks the IP version, then the transport dissector.
#include "proto/packet/packet_dissector.h"

#include <fmt/format.h>

#include <string>

#include "proto/packet/icmp_dissector.h"
#include "proto/packet/icmpv6_dissector.h"
#include "proto/packet/ip_layout.h"
#include "proto/packet/ipv4_dissector.h"
#include "proto/packet/ipv6_dissector.h"
#include "proto/packet/layer_writer.h"
#include "proto/packet/protocol_names.h"
#include "proto/packet/tcp_dissector.h"
#include "proto/packet/udp_dissector.h"

namespace wirestep::proto {

FieldTree dissect_packet(std::span<const std::byte> ip_packet) {
  FieldTree tree;
  dissect_ip(tree, -1, PacketSlice{ip_packet, 0, ip_packet.size(), false});
  return tree;
}

void dissect_ip(FieldTree& tree, int parent, const PacketSlice& slice) {
  LayerWriter w(tree, slice);
  if (w.captured() == 0) {
    w.truncated(parent, "IP header", kIpv4MinHeader);
    return;
  }
  const std::uint8_t version = w.u8(0) >> 4;
  if (version == 4) {
    dissect_ipv4(tree, parent, slice);
  } else if (version == 6) {
    dissect_ipv6(tree, parent, slice);
  } else {
    const int row = w.add(parent, "Not an IP packet",
                          fmt::format("version {} (IP packets start with 4 or 6)", version), 0,
                          w.captured(), FieldSeverity::Error);
    w.add(row, "Version", std::to_string(version), 0, 1, FieldSeverity::Error);
  }
}

void dissect_transport(FieldTree& tree, int parent, const PacketSlice& slice,
                       std::uint8_t ip_version, std::uint8_t protocol,
                       const TransportContext& context) {
  if (protocol == kIpProtoTcp) {
    dissect_tcp(tree, parent, slice, context);
  } else if (protocol == kIpProtoUdp) {
    dissect_udp(tree, parent, slice, context);
  } else if (protocol == kIpProtoIcmp && ip_version == 4) {
    dissect_icmp(tree, parent, slice, context);
  } else if (protocol == kIpProtoIcmpv6 && ip_version == 6) {
    dissect_icmpv6(tree, parent, slice, context);
  } else if (slice.length > 0) {
    // Not a protocol we dissect: the bytes still get a row so the hex view is not blank.
    LayerWriter w(tree, slice);
    const std::string_view name = ip_protocol_name(protocol);
    w.add(parent, std::string(kDataLayer),
          fmt::format("{} of protocol {}{}", bytes_text(w.captured()), protocol,
                      name.empty() ? "" : fmt::format(" ({})", name)),
          0, w.captured());
    if (!slice.complete() && !slice.quoted) {
      w.truncated(parent, "Payload", slice.length);
    }
  }
}

}  // namespace wirestep::proto
