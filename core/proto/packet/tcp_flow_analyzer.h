// TCP conversations read from the packets of a trace: relative numbers, the handshake and
// teardown, and what went wrong (retransmissions, duplicate ACKs, zero windows, reordering).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
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
  // The wire's doing, not the sender's: a second copy of a packet the wire duplicated
  // (repeats = the first copy). Its sequence numbers are not judged again.
  kNoteWireDuplicate = 1u << 13,
  // The wire dropped this packet: it never reached its host. The sender did send it, so it
  // counts as sent sequence space (what it carried comes again as a retransmission).
  kNoteWireDrop = 1u << 14,
  // The wire flipped a bit and the checksum no longer matches: the receiving kernel discards
  // it silently, so for TCP it is as good as dropped.
  kNoteWireDamaged = 1u << 15,
};

struct PacketAnalysis {
  bool tcp = false;
  std::uint32_t relative_seq = 0;   // seq - ISN of the sender (the SYN is 0)
  std::uint32_t relative_ack = 0;   // ack - ISN of the receiver (0 when the ACK flag is off)
  bool isn_known = false;           // false when the capture began mid-connection
  std::uint32_t payload_length = 0;
  std::uint32_t notes = 0;          // TcpNote bits
  // n for the n-th duplicate ACK; for a fast retransmission, the duplicate ACKs before it.
  std::uint32_t duplicate_ack_count = 0;
  // The trace index of the packet a retransmission repeats, of the ACK a duplicate ACK
  // repeats, or of the first copy of a wire duplicate; nullopt otherwise.
  std::optional<std::size_t> repeats;
  // When the wire itself caused this (a retransmission repairing a packet the wire dropped):
  // the trace index of that Dropped packet event, so the UI can say "caused by drop #3".
  std::optional<std::size_t> caused_by_drop;
  // caused_by_drop points at a packet the wire damaged (bad checksum) rather than dropped.
  bool caused_by_damage = false;

  bool has(TcpNote note) const { return (notes & note) != 0; }
  // "Retransmission — repairs the packet the wire dropped (#12)", "Duplicate ACK #2 (of #7)",
  // "Handshake 1/3: SYN", ... Parts are joined with "; ". Empty for ordinary data and ACKs
  // of a connection whose start was seen.
  std::string text() const;
};

// Whether an arrived packet was accepted by the receiving kernel: true for every verdict but
// Held and Dropped, except a Corrupted packet whose IP or TCP/UDP checksum no longer matches
// (the wire damaged it without fixing the checksum; the receiver drops it silently).
bool reached_receiver(const trace::Event& packet);

// Reads Packet events of a trace in order, incrementally (update() only looks at new events),
// keyed by flow and direction. Only packets that reached their host (not Held, not Dropped)
// are analysed as traffic; Dropped ones (and damaged ones) are remembered as sent so a later
// retransmission of the same bytes can be linked to them, and get an analysis of their own
// with kNoteWireDrop (kNoteWireDamaged) so the UI can show their relative numbers. Held
// events are not traffic (the same packet arrives, or is dropped, later) and are skipped.
//
// Not thread-safe: one thread (the GUI's) calls update() and at(). Pointers returned by at()
// stay valid across later update() calls; an analyzer serves one trace (given another one,
// it starts over).
class TcpFlowAnalyzer {
 public:
  TcpFlowAnalyzer();
  ~TcpFlowAnalyzer();
  TcpFlowAnalyzer(TcpFlowAnalyzer&&) noexcept;
  TcpFlowAnalyzer& operator=(TcpFlowAnalyzer&&) noexcept;

  void update(const trace::Trace& trace);
  // The analysis of the packet at this trace index; nullptr for events that are not an
  // analysed TCP packet.
  const PacketAnalysis* at(std::size_t index) const;
  // Trace events looked at so far: update() continues from here.
  std::size_t analysed() const { return next_; }

 private:
  // Per-direction state (ISN, highest seq sent, last ack, dup-ack counter, dropped segments
  // waiting for their repair) and per-connection state; defined in the .cpp.
  struct Direction;
  struct Flow;
  void reset();
  void analyse(std::size_t index, const trace::Event& event);
  Flow& flow_for(const trace::Event& event, const trace::Address& src, const trace::Address& dst);

  std::size_t next_ = 0;
  const trace::Trace* trace_ = nullptr;
  // Analyses in trace order: indices_[i] is the trace index of results_[i]. A deque so that
  // pointers handed out by at() survive later appends.
  std::vector<std::size_t> indices_;
  std::deque<PacketAnalysis> results_;
  // By trace flow id; a packet without one (kNoFlow) gets an id above 2^32 from its addresses.
  std::map<std::uint64_t, std::unique_ptr<Flow>> flows_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> unnamed_flows_;
};

}  // namespace wirestep::proto
