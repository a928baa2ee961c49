// One trace event as one readable line of the headless live timeline.
#pragma once

#include <string>

#include "trace/trace.h"

namespace wirestep::proto {
struct PacketAnalysis;
}

namespace wirestep::cli {

// "  0.001234  client    send(fd 5, 78 B) = 78  \"GET / HTTP/1.1\\r\\nHost: ...\""
// A packet with its TCP analysis (when given) shows relative seq/ack and what it means
// ("Retransmission — repairs the packet the wire dropped (#12)").
std::string event_line(const trace::Trace& trace, const trace::Event& event,
                       const proto::PacketAnalysis* analysis = nullptr);
// The call or state part alone, without time and lane: "connect(fd 4, 127.0.0.1:80) = 0".
std::string event_summary(const trace::Trace& trace, const trace::Event& event,
                          const proto::PacketAnalysis* analysis = nullptr);
// "ECONNREFUSED (Connection refused)"
std::string errno_text(int err);

}  // namespace wirestep::cli
