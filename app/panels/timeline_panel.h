// Timeline: the ladder diagram of the trace (one lane per actor, time downward), with zoom, pan and selection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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
  // Draws into the current window's remaining space. Returns where the user put the replay
  // cursor by dragging on the time axis, as the number of events to show (replay only).
  std::optional<std::size_t> draw(const TimelineFeed& feed, view::Selection& selection);

  const view::FrameStats& stats() const { return list_.stats; }
  // The last frame as drawn: what File > Export ladder writes.
  const view::DrawList& draw_list() const { return list_; }
  const view::Viewport& viewport() const { return viewport_; }
  bool follow_live() const { return follow_; }
  // Back to following the newest events, with the whole trace fitted (Fit all, Home).
  void follow() {
    follow_ = true;
    auto_fit_ = true;
  }
  // Following the newest events (or the replay cursor) the way each spacing reads best: in Time
  // spacing the whole trace fitted; in Sequence spacing rows at a readable height, scrolling
  // once they fill the plot (fitting a whole lesson would squeeze its rows into dots).
  void follow_newest() {
    follow_ = true;
    auto_fit_ = view_.spacing == view::Spacing::Time;
    readable_rows_ = !auto_fit_;
  }
  void zoom(double factor);
  // Time (y follows the clock) or Sequence (one row per event); switching keeps the same
  // stretch of the trace in view.
  view::Spacing spacing() const { return view_.spacing; }
  void set_spacing(view::Spacing spacing);

 private:
  void update_view(const TimelineFeed& feed, const view::Viewport& viewport);
  void spacing_toggle();
  std::string scale_text() const;
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
  bool readable_rows_ = false;  // the next view update sets rows to Viewport::row_height()
  bool scrubbing_ = false;
  std::optional<std::pair<double, double>> zoom_to_;  // positions on the axis: a fold to open
};

}  // namespace wirestep::panels
