// Which Packet events of a trace belong in a capture file, and what the wire did to each.
#pragma once

#include <cstddef>
#include <vector>

#include "capture/wire_comments.h"
#include "trace/trace.h"

namespace wirestep::capture {

struct PacketToWrite {
  std::size_t index = 0;  // of the Packet event in the trace
  PacketFate fate;
};

// The first count events of trace, in order. A Held record is the same packet as its later
// delivery or drop, so it is left out and its waiting time goes into that record's fate
// instead; a packet still held when the recording ended is kept (it was on the wire). Reasons
// come from the wire's Impairment events: the one after a drop links to the dropped packet;
// a delivered copy links to the one that explains it, which links to the Held record.
std::vector<PacketToWrite> packets_to_write(const trace::Trace& trace, std::size_t count);

}  // namespace wirestep::capture
