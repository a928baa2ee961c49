// dissect_tcp(): the TCP header (RFC 9293) with flags, verified checksum and options; payload.
#pragma once

#include "proto/field_tree.h"
#include "proto/packet/packet_slice.h"

namespace wirestep::proto {

// Adds the "Transmission Control Protocol" row under parent and, beside it, a "Data" row for
// the payload. The checksum is verified over the pseudo-header when the whole segment is here.
void dissect_tcp(FieldTree& tree, int parent, const PacketSlice& slice,
                 const TransportContext& context);

}  // namespace wirestep::proto
