// Follows a lesson's trace as it grows and counts what TCP did about loss: drops, retransmissions,
// duplicate ACKs, fast retransmits, timeouts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/trace.h"

namespace wirestep::lessons {

struct TcpLossTally {
  std::uint64_t data_segments = 0;         // TCP packets with payload the senders sent (dropped ones too)
  std::uint64_t dropped = 0;               // TCP packets the wire dropped (data or ACK)
  std::uint64_t retransmissions = 0;       // data segments carrying bytes sent before
  std::uint64_t repairs = 0;               // retransmissions the analyzer links to a wire drop
  std::uint64_t fast_retransmissions = 0;  // retransmissions after three duplicate ACKs
  std::uint64_t duplicate_acks = 0;
  std::uint64_t timeouts = 0;     // times a sender's metrics entered the Loss state (RTO fired)
  std::uint64_t max_backoff = 0;  // most timeouts in a row for the same data
  std::uint64_t bytes_acked = 0;  // the most any sender's kernel reported acknowledged
};

// The lesson thread calls update() while its actors run; each call reads only new events.
class TcpLossWatch {
 public:
  // Returns true when something new happened since the last call.
  bool update(const trace::Trace& trace);
  const TcpLossTally& tally() const { return tally_; }

 private:
  proto::TcpFlowAnalyzer analyzer_;
  std::size_t next_ = 0;
  std::uint8_t last_ca_state_ = 0;
  TcpLossTally tally_;
};

}  // namespace wirestep::lessons
