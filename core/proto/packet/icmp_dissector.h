// dissect_icmp(): ICMP for IPv4 (RFC 792) with echo fields and the quoted packet of errors.
#pragma once

#include "proto/field_tree.h"
#include "proto/packet/packet_slice.h"

namespace wirestep::proto {

// Adds the "Internet Control Message Protocol" row under parent. For an error (destination
// unreachable, time exceeded, ...) the IP header and transport header it quotes are dissected
// as that row's children, with offsets into the same buffer.
void dissect_icmp(FieldTree& tree, int parent, const PacketSlice& slice,
                  const TransportContext& context);

}  // namespace wirestep::proto
