// The few words a packet arrow carries on the ladder ("SYN seq=0", "ACK 1:46 (45 B)") and its marks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "proto/packet/packet_summary.h"
#include "trace/event.h"

namespace wirestep::proto {
struct PacketAnalysis;
}

namespace wirestep::view {

// Flags first (PSH left out: it changes nothing a student sees), then the sequence space:
// "seq=0" for a segment without data, "1:46 (45 B)" for data, with "ack=" where it is news
// (segments without data). Numbers are relative when `relative` is given. What the analyzer
// knows is added in brackets: "(retransmission of #12)", "(retransmission, repairs drop #22)", "(dup ACK 2)", "(out of order)". UDP:
// "UDP 12 B"; ICMP: "ICMP 3/3".
std::string packet_caption(const trace::Event& packet, const proto::PacketSummary& summary,
                           std::optional<proto::RelativeSeq> relative, const proto::PacketAnalysis* analysis);

// PacketMark bits (timeline_layout.h) for the wire's verdict and the analyzer's notes.
std::uint16_t packet_marks(const trace::Event& packet, const proto::PacketSummary& summary,
                           const proto::PacketAnalysis* analysis);

}  // namespace wirestep::view
