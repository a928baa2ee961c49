// TCP graph: for one TCP connection, the time/sequence (Stevens) graph of its packets above the
// sender's congestion window, slow start threshold and round trip time over the same time axis.
#pragma once

#include "trace/trace.h"
#include "view/selection.h"
#include "view/tcp_graph_series.h"

namespace wirestep::panels {

class TcpGraphPanel {
 public:
  // Clicking a segment selects its packet (the timeline and inspector follow).
  void draw(const trace::Trace* trace, view::Selection& selection);

 private:
  view::TcpGraphSeries series_;
  trace::FlowId chosen_ = trace::kNoFlow;  // kNoFlow: follow the busiest flow
};

}  // namespace wirestep::panels
