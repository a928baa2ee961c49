// Loss: what the wire (or the relay) did to the packets of each direction and what TCP did about
// it, in plain words, with small plots of sent vs lost and of the bytes the applications received.
#pragma once

#include <cstddef>

#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/trace.h"
#include "view/loss_stats.h"

namespace wirestep::panels {

class LossPanel {
 public:
  // Counts the events before `limit` (the replay cursor); the analyzer gives TCP's notes.
  void draw(const trace::Trace* trace, const proto::TcpFlowAnalyzer* analyzer, std::size_t limit);
  // What the panel counted when it was last drawn (the self-check reports it).
  const view::LossStats& stats() const { return stats_; }

 private:
  view::LossStats stats_;
};

}  // namespace wirestep::panels
