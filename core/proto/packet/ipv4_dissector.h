// dissect_ipv4(): the IPv4 header's fields, then the layer it carries.
#pragma once

#include "proto/field_tree.h"
#include "proto/packet/packet_slice.h"

namespace wirestep::proto {

// Adds the "Internet Protocol Version 4" row under parent and, beside it, the transport layer.
void dissect_ipv4(FieldTree& tree, int parent, const PacketSlice& slice);

}  // namespace wirestep::proto
