// dissect_icmpv6(): ICMPv6 (RFC 4443) and neighbour discovery (RFC 4861) messages.
#pragma once

#include "proto/field_tree.h"
#include "proto/packet/packet_slice.h"

namespace wirestep::proto {

// Adds the "Internet Control Message Protocol v6" row under parent; an error's quoted packet
// is dissected as that row's children.
void dissect_icmpv6(FieldTree& tree, int parent, const PacketSlice& slice,
                    const TransportContext& context);

}  // namespace wirestep::proto
