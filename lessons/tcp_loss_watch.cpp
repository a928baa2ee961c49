// TcpLossWatch: the flow analyzer's notes on packets, and TCP_INFO's Loss state, counted.
#include "tcp_loss_watch.h"

#include <algorithm>
#include <cstring>

#include "trace/tcp_metrics.h"

namespace wirestep::lessons {

bool TcpLossWatch::update(const trace::Trace& trace) {
  analyzer_.update(trace);
  const std::size_t end = analyzer_.analysed();
  const TcpLossTally before = tally_;
  for (; next_ < end; ++next_) {
    const trace::Event& e = trace[next_];
    if (const auto metrics = trace::tcp_metrics_of(e)) {
      constexpr std::uint8_t kLossState = 4;  // TCP_CA_Loss: the retransmission timer fired
      if (metrics->ca_state == kLossState && last_ca_state_ != kLossState) ++tally_.timeouts;
      last_ca_state_ = metrics->ca_state;
      tally_.max_backoff = std::max<std::uint64_t>(tally_.max_backoff, metrics->retransmits);
      tally_.bytes_acked = std::max(tally_.bytes_acked, metrics->bytes_acked);
      continue;
    }
    const proto::PacketAnalysis* a = analyzer_.at(next_);
    if (a == nullptr || a->has(proto::kNoteWireDuplicate)) continue;
    if (a->has(proto::kNoteWireDrop)) ++tally_.dropped;
    if (a->payload_length > 0) ++tally_.data_segments;
    if (a->has(proto::kNoteRetransmission)) {
      ++tally_.retransmissions;
      if (a->caused_by_drop) ++tally_.repairs;
    }
    if (a->has(proto::kNoteFastRetransmission)) ++tally_.fast_retransmissions;
    if (a->has(proto::kNoteDuplicateAck)) ++tally_.duplicate_acks;
  }
  return std::memcmp(&before, &tally_, sizeof before) != 0;
}

}  // namespace wirestep::lessons
