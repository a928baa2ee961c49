// dissect_udp(): the UDP header (RFC 768) with its length and checksum checked; payload.
#pragma once

#include "proto/field_tree.h"
#include "proto/packet/packet_slice.h"

namespace wirestep::proto {

// Adds the "User Datagram Protocol" row under parent and, beside it, a "Data" row.
void dissect_udp(FieldTree& tree, int parent, const PacketSlice& slice,
                 const TransportContext& context);

}  // namespace wirestep::proto
