// The inspector's field tree for a Packet event: what the wire did, what the packet means, then its dissection.
#pragma once

#include <cstddef>

#include "proto/field_tree.h"
#include "trace/trace.h"

namespace wirestep::proto {
struct PacketAnalysis;
}

namespace wirestep::view {

// Rows about the packet (path, what the wire did and why, the analyzer's sentence, relative
// seq/ack) cover no bytes; then the IP packet dissected (core/proto/packet) with every field's
// offset and length in the packet's bytes, so the hex view and the tree select each other.
// Sequence and acknowledgment numbers show the relative number beside the absolute one when
// `analysis` knows the connection's ISNs.
proto::FieldTree packet_fields(const trace::Trace& trace, std::size_t index, const proto::PacketAnalysis* analysis);

}  // namespace wirestep::view
