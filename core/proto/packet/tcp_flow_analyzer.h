// TCP conversations read from the packets of a trace: relative numbers, the handshake and
// teardown, and what went wrong (retransmissions, duplicate ACKs, zero windows, reordering).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trace/trace.h"

namespace wirestep::proto {

// Bits of PacketAnalysis::notes: what a packet means in its connection.
enum TcpNote : std::uint32_t {
  kNoteHandshakeSyn = 1u << 0,      // the opening SYN
  kNoteHandshakeSynAck = 1u << 1,
  kNoteHandshakeAck = 1u << 2,      // the ACK that completes the handshake
  kNoteTeardownFin = 1u << 3,
  kNoteTeardownAck = 1u << 4,       // the ACK of a FIN
  kNoteReset = 1u << 5,
  kNoteRetransmission = 1u << 6,    // carries sequence space already sent
  kNoteFastRetransmission = 1u << 7,  // a retransmission after 3 duplicate ACKs
  kNoteDuplicateAck = 1u << 8,
  kNoteZeroWindow = 1u << 9,
  kNoteWindowUpdate = 1u << 10,
  kNoteOutOfOrder = 1u << 11,       // arrived with a sequence number below one already seen
  kNoteKeepAlive = 1u << 12,
};

struct PacketAnalysis {
  bool tcp = false;
  std::uint32_t relative_seq = 0;   // seq - ISN of the sender (the SYN is 0)
  std::uint32_t relative_ack = 0;   // ack - ISN of the receiver
  bool isn_known = false;           // false when the capture began mid-connection
  std::uint32_t payload_length = 0;
  std::uint32_t notes = 0;          // TcpNote bits
  std::uint32_t duplicate_ack_count = 0;  // n for the n-th duplicate ACK
  // The trace index of the packet a retransmission repeats, or of the ACK a duplicate ACK
  // repeats; nullopt otherwise.
  std::optional<std::size_t> repeats;
  // When the wire itself caused this (a retransmission repairing a packet the wire dropped):
  // the trace index of that Dropped packet event, so the UI can say "caused by drop #3".
  std::optional<std::size_t> caused_by_drop;

  bool has(TcpNote note) const { return (notes & note) != 0; }
  // "Retransmission (repairs the drop at #12)", "Dup ACK #2", "Handshake: SYN", ...
  std::string text() const;
};

// Reads Packet events of a trace in order, incrementally (update() only looks at new events),
// keyed by flow and direction. Only packets that reached their host (not Held, not Dropped)
// are analysed as traffic; Dropped ones are remembered so a later retransmission of the same
// bytes can be linked to them.
class TcpFlowAnalyzer {
 public:
  void update(const trace::Trace& trace);
  // The analysis of the packet at this trace index; nullopt for events that are not an
  // analysed TCP packet.
  const PacketAnalysis* at(std::size_t index) const;
  std::size_t analysed() const { return next_; }

 private:
  // Implementation detail of the analyser (per-direction state: ISN, highest seq sent, last
  // ack, dup-ack counter, dropped segments waiting for their repair).
  struct Direction;
  struct Flow;
  std::size_t next_ = 0;
  const trace::Trace* trace_ = nullptr;
  std::map<std::size_t, PacketAnalysis> results_;
  std::map<std::uint64_t, std::shared_ptr<Flow>> flows_;
};

}  // namespace wirestep::proto
