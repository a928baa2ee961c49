// Timeline: the ladder diagram of the trace (one lane per actor, time downward), with zoom, pan and selection.
#pragma once

#include <cstdint>
#include <optional>

#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/trace.h"
#include "view/selection.h"
#include "view/timeline_layout.h"

namespace wirestep::panels {

// What the timeline is asked to show this frame.
struct TimelineFeed {
  const trace::Trace* trace = nullptr;
  std::uint64_t generation = 0;   // changes when a different trace is shown
  std::size_t limit = 0;          // events [0, limit) are shown
  bool live = false;              // events are still arriving
  bool replay = false;            // limit is a replay cursor the user can scrub
  std::int64_t min_span_ns = 0;   // following live, keep at least this much time in view
  std::optional<view::PendingMark> pending;
  const proto::TcpFlowAnalyzer* analyzer = nullptr;  // relative numbers and meaning of packets
  bool packet_next = false;  // stepping frames and a packet waits: the oldest held one goes next
};

class TimelinePanel {
 public:
  // Draws into the current window's remaining space. Returns a time the user scrubbed to by
  // dragging on the time axis (replay only).
  std::optional<std::int64_t> draw(const TimelineFeed& feed, view::Selection& selection);

  const view::FrameStats& stats() const { return list_.stats; }
  // The last frame as drawn: what File > Export ladder writes.
  const view::DrawList& draw_list() const { return list_; }
  const view::Viewport& viewport() const { return viewport_; }
  bool follow_live() const { return follow_; }
  // Back to following the newest events, with the whole trace fitted.
  void follow() {
    follow_ = true;
    auto_fit_ = true;
  }
  void zoom(double factor);

 private:
  void update_view(const TimelineFeed& feed, const view::Viewport& viewport);
  void paint(const trace::Trace& trace, const view::Viewport& viewport) const;
  void tooltip(const trace::Trace& trace, const view::Prim& prim) const;

  view::TimelineIndex index_;
  const proto::TcpFlowAnalyzer* analyzer_ = nullptr;  // this frame's, for tooltips
  view::TimelineView view_;
  view::DrawList list_;
  view::Viewport viewport_;
  std::uint64_t generation_ = ~std::uint64_t{0};
  bool follow_ = true;
  bool auto_fit_ = true;
  bool scrubbing_ = false;
  std::optional<std::pair<std::int64_t, std::int64_t>> zoom_to_;
};

}  // namespace wirestep::panels
