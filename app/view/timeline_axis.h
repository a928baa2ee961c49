// The ladder's vertical axis: where each time and event sits (Time or Sequence spacing) and which stretch of it is on screen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "trace/trace.h"

namespace wirestep::view {

inline constexpr std::uint64_t kNoEvent = ~std::uint64_t{0};

// How the ladder spaces events down the page.
enum class Spacing : std::uint8_t {
  Time,      // y follows the clock: pauses show, a burst of microseconds folds into one mark
  Sequence,  // one row per marked event in trace order: bursts come apart, pauses take no room
};
std::string_view to_string(Spacing spacing);  // "time", "sequence"
std::optional<Spacing> parse_spacing(std::string_view text);

// Events of one kind on one lane, in trace order. Times ascend because Trace::append never
// lets time go backwards, and rows ascend because they are handed out in trace order, so all
// three arrays can be binary searched.
struct Track {
  std::vector<std::int64_t> times;
  std::vector<std::uint32_t> rows;  // each event's row in Sequence spacing
  std::vector<std::uint32_t> events;

  std::size_t size() const { return times.size(); }
  // First position with time >= t / > t.
  std::size_t lower_bound(std::int64_t t) const;
  std::size_t upper_bound(std::int64_t t) const;
  // First position whose trace index is >= limit (the replay cursor cuts here).
  std::size_t index_bound(std::size_t limit) const;
  void push(std::int64_t t, std::size_t index, std::size_t row) {
    times.push_back(t);
    rows.push_back(static_cast<std::uint32_t>(row));
    events.push_back(static_cast<std::uint32_t>(index));
  }
};

// Sequence spacing's rows: one per event that gets a mark of its own (a call, a TCP state
// change, a packet, a narration cue), in trace order, so their times ascend too.
struct Rows {
  static constexpr std::uint32_t kNoRow = ~std::uint32_t{0};

  std::vector<std::int64_t> times;
  std::vector<std::uint32_t> events;
  // By trace index: each arrow end asks for its event's row, so the lookup is O(1).
  std::vector<std::uint32_t> by_event;

  std::size_t size() const { return times.size(); }
  std::size_t push(std::int64_t t, std::size_t event) {
    const std::size_t row = times.size();
    times.push_back(t);
    events.push_back(static_cast<std::uint32_t>(event));
    if (by_event.size() <= event) by_event.resize(event + 1, kNoRow);
    by_event[event] = static_cast<std::uint32_t>(row);
    return row;
  }
  // The row of a trace event; nullopt when it has none (a TCP metrics sample, an impairment).
  std::optional<std::size_t> row_of(std::uint64_t event) const {
    if (event >= by_event.size() || by_event[event] == kNoRow) return std::nullopt;
    return by_event[event];
  }
};

// The first half of the y mapping and the only code that knows the spacing: where a time or an
// event sits as a "position", which is nanoseconds in Time spacing and rows in Sequence
// spacing. TimelineView maps positions to pixels. build_frame, the panel's zoom, follow and
// scrubbing all go through here rather than testing the spacing themselves.
class Axis {
 public:
  Axis(const Rows& rows, Spacing spacing) : rows_(&rows), spacing_(spacing) {}
  Spacing spacing() const { return spacing_; }

  // Where time t sits. `event` names the event t belongs to, if any: in Sequence spacing t is
  // then that event's row (when it has one and t is its time), and the search for any other
  // time starts from there. Any other time sits on the first row with that same time, or
  // halfway between the two rows around it: a packet captured just before the row that
  // delivers it starts half a row above, so its arrow still slopes down.
  double at_time(std::int64_t t, std::uint64_t event = kNoEvent) const;
  // Where a call that began at `start` and is marked at `event` begins. In Sequence spacing a
  // call is one moment, its own row: the arrow of a send leaves from the send's box.
  double at_start(std::int64_t start, std::uint64_t event) const;
  // Entry i of a track, and the first entry in [from, to) at or after position p.
  double at(const Track& track, std::size_t i) const;
  std::size_t lower_bound(const Track& track, double p, std::size_t from, std::size_t to) const;
  std::size_t lower_bound(const Track& track, double p) const { return lower_bound(track, p, 0, track.size()); }
  // The first entry after position p.
  std::size_t upper_bound(const Track& track, double p) const;
  // Times wide enough that every time whose position is in [p0, p1] is inside (the arrow index
  // is kept by time).
  std::pair<std::int64_t, std::int64_t> times_covering(double p0, double p1) const;
  // The first time whose position is at least `span` past t's (t belonging to `event`, as for
  // at_time): arrows that end before it are folded into the one ending at t. Always later than t.
  std::int64_t fold_end(std::int64_t t, double span, std::uint64_t event = kNoEvent) const;
  // The time at position p; in Sequence spacing the time of the last row at or above p.
  std::int64_t time_at(double p) const;
  // The replay cursor put at position p: how many events show. In Time spacing every event up
  // to the time there; in Sequence spacing everything before the next row.
  std::size_t limit_at(const trace::Trace& trace, double p) const;
  // Blocked bars shorter than this are left out. In Sequence spacing a call that began after
  // the row above it blocked while nothing else happened, which rows cannot show.
  double min_bar() const { return spacing_ == Spacing::Sequence ? 1.0 : 0.0; }
  // The least a fit shows: a microsecond; or as many rows as TimelineView::fit spreads over the
  // plot at row_height, so fitting a handful of rows does not blow them up to fill the screen.
  double fit_span(float plot_height, float row_height) const;

 private:
  const Rows* rows_;
  Spacing spacing_;
};

// The window onto the axis: which position is at the top of the plot and how many positions
// one pixel holds (ns per pixel in Time spacing, rows per pixel in Sequence spacing).
struct TimelineView {
  static constexpr double kFitShare = 0.92;  // of the plot's height a fit fills (3 % above, 5 % below)
  static constexpr double kMinNsPerPx = 0.5;
  static constexpr double kMaxNsPerPx = 1e11;
  static constexpr double kMinRowsPerPx = 1.0 / 240;  // a row at most 240 px tall
  static constexpr double kMaxRowsPerPx = 1e5;

  Spacing spacing = Spacing::Time;
  double top = 0;
  double per_px = 1e6;

  float y_of(double position, float plot_top) const {
    return plot_top + static_cast<float>((position - top) / per_px);
  }
  double at_y(float y, float plot_top) const { return top + (y - plot_top) * per_px; }
  double min_per_px() const { return spacing == Spacing::Sequence ? kMinRowsPerPx : kMinNsPerPx; }
  double max_per_px() const { return spacing == Spacing::Sequence ? kMaxRowsPerPx : kMaxNsPerPx; }
  // Scales by factor (> 1 zooms out) keeping the position under pixel row y where it was.
  void zoom_about(float y, double factor, float plot_top);
  void pan_px(float dy) { top -= dy * per_px; }
  // Shows [p0, p1] in a plot of this height, with a little room below; at least min_span.
  void fit(double p0, double p1, float plot_height, double min_span);
};

// The same stretch of the trace in the other spacing: the times at the top and bottom of the
// plot stay there, so switching keeps the events on screen on screen.
TimelineView respace(const TimelineView& view, const Rows& rows, Spacing to, float plot_height);

}  // namespace wirestep::view
