// dissect_ipv6(): the IPv6 header and its extension headers, then the layer they carry.
#pragma once

#include "proto/field_tree.h"
#include "proto/packet/packet_slice.h"

namespace wirestep::proto {

// Adds the "Internet Protocol Version 6" row under parent (extension headers are its children)
// and, beside it, the upper layer.
void dissect_ipv6(FieldTree& tree, int parent, const PacketSlice& slice);

}  // namespace wirestep::proto
