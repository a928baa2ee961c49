// Positions along the ladder's vertical axis: nanoseconds in Time spacing, rows in Sequence spacing.
#include "view/timeline_axis.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wirestep::view {
namespace {

constexpr std::int64_t kEarliest = std::numeric_limits<std::int64_t>::min() / 2;
constexpr std::int64_t kLatest = std::numeric_limits<std::int64_t>::max() / 2;

std::int64_t to_time(double t) {
  if (t <= static_cast<double>(kEarliest)) return kEarliest;
  if (t >= static_cast<double>(kLatest)) return kLatest;
  return static_cast<std::int64_t>(std::floor(t));
}

}  // namespace

std::string_view to_string(Spacing spacing) { return spacing == Spacing::Sequence ? "sequence" : "time"; }

std::optional<Spacing> parse_spacing(std::string_view text) {
  if (text == "time") return Spacing::Time;
  if (text == "sequence") return Spacing::Sequence;
  return std::nullopt;
}

// ---------------------------------------------------------------- Track

std::size_t Track::lower_bound(std::int64_t t) const {
  return static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), t) - times.begin());
}
std::size_t Track::upper_bound(std::int64_t t) const {
  return static_cast<std::size_t>(std::upper_bound(times.begin(), times.end(), t) - times.begin());
}
std::size_t Track::index_bound(std::size_t limit) const {
  if (events.empty() || limit > events.back()) return events.size();
  return static_cast<std::size_t>(
      std::lower_bound(events.begin(), events.end(), limit, [](std::uint32_t e, std::size_t l) { return e < l; }) -
      events.begin());
}


// ---------------------------------------------------------------- Axis

double Axis::at_time(std::int64_t t, std::uint64_t event) const {
  if (spacing_ == Spacing::Time) return static_cast<double>(t);
  const auto& times = rows_->times;
  const std::size_t n = times.size();
  std::size_t lo = 0;
  std::size_t hi = n;
  if (const auto near = event != kNoEvent ? rows_->row_of(event) : std::nullopt) {
    const std::size_t row = *near;
    if (times[row] == t) return static_cast<double>(row);
    // A time is usually a few rows from its event's (a packet's capture just above the row that
    // delivered it): gallop out from there instead of searching a million rows.
    std::size_t step = 1;
    if (times[row] > t) {
      while (step <= row && times[row - step] >= t) step *= 2;
      lo = step <= row ? row - step : 0;
      hi = row + 1;
    } else {
      while (row + step < n && times[row + step] < t) step *= 2;
      lo = row + 1;
      hi = std::min(n, row + step + 1);
    }
  }
  const auto first = times.begin();
  const auto row = static_cast<std::size_t>(
      std::lower_bound(first + static_cast<std::ptrdiff_t>(lo), first + static_cast<std::ptrdiff_t>(hi), t) - first);
  if (row < n && times[row] == t) return static_cast<double>(row);
  return static_cast<double>(row) - 0.5;
}

double Axis::at_start(std::int64_t start, std::uint64_t event) const {
  if (spacing_ == Spacing::Sequence && event != kNoEvent) {
    if (const auto row = rows_->row_of(event)) return static_cast<double>(*row);
  }
  return at_time(start);
}

double Axis::at(const Track& track, std::size_t i) const {
  return spacing_ == Spacing::Sequence ? static_cast<double>(track.rows[i]) : static_cast<double>(track.times[i]);
}

std::size_t Axis::lower_bound(const Track& track, double p, std::size_t from, std::size_t to) const {
  if (from >= to) return from;
  if (spacing_ == Spacing::Sequence) {
    const auto first = track.rows.begin() + static_cast<std::ptrdiff_t>(from);
    const auto last = track.rows.begin() + static_cast<std::ptrdiff_t>(to);
    return static_cast<std::size_t>(
        std::lower_bound(first, last, p, [](std::uint32_t row, double x) { return row < x; }) - track.rows.begin());
  }
  const auto first = track.times.begin() + static_cast<std::ptrdiff_t>(from);
  const auto last = track.times.begin() + static_cast<std::ptrdiff_t>(to);
  return static_cast<std::size_t>(std::lower_bound(first, last, to_time(std::ceil(p))) - track.times.begin());
}

std::size_t Axis::upper_bound(const Track& track, double p) const {
  if (spacing_ == Spacing::Sequence) {
    return static_cast<std::size_t>(
        std::upper_bound(track.rows.begin(), track.rows.end(), p, [](double x, std::uint32_t row) { return x < row; }) -
        track.rows.begin());
  }
  return track.upper_bound(to_time(p));
}

std::pair<std::int64_t, std::int64_t> Axis::times_covering(double p0, double p1) const {
  if (spacing_ == Spacing::Time) return {to_time(p0), to_time(std::ceil(p1))};
  const auto& times = rows_->times;
  // A position between two rows holds times between theirs, so widen to the rows around.
  const double first = std::floor(p0);
  const double last = std::ceil(p1);
  const std::int64_t t0 = first < 0 || times.empty() ? kEarliest
                          : first >= static_cast<double>(times.size()) ? times.back()
                                                                       : times[static_cast<std::size_t>(first)];
  const std::int64_t t1 = last < 0 ? (times.empty() ? kEarliest : times.front())
                          : last >= static_cast<double>(times.size()) ? kLatest
                                                                      : times[static_cast<std::size_t>(last)];
  return {t0, t1};
}

std::int64_t Axis::fold_end(std::int64_t t, double span, std::uint64_t event) const {
  if (spacing_ == Spacing::Time) return t + static_cast<std::int64_t>(std::max(1.0, span));
  const auto& times = rows_->times;
  const double target = std::ceil(at_time(t, event) + span);
  if (target >= static_cast<double>(times.size())) return kLatest;
  return std::max(t + 1, times[static_cast<std::size_t>(std::max(0.0, target))]);
}

double Axis::fit_span(float plot_height, float row_height) const {
  if (spacing_ == Spacing::Time) return 1000.0;
  return std::max(1.0, plot_height * TimelineView::kFitShare / std::max(row_height, 1.0f));
}

std::int64_t Axis::time_at(double p) const {
  if (spacing_ == Spacing::Time) return to_time(p);
  const auto& times = rows_->times;
  if (times.empty()) return 0;
  const double row = std::clamp(std::floor(p), 0.0, static_cast<double>(times.size() - 1));
  return times[static_cast<std::size_t>(row)];
}

std::size_t Axis::limit_at(const trace::Trace& trace, double p) const {
  if (spacing_ == Spacing::Time) return trace.lower_bound_time(to_time(p) + 1);
  const auto& events = rows_->events;
  const double next = std::floor(p) + 1;
  if (next < 0) return 0;
  if (next >= static_cast<double>(events.size())) return trace.size();
  return std::min<std::size_t>(events[static_cast<std::size_t>(next)], trace.size());
}

// ---------------------------------------------------------------- TimelineView

void TimelineView::zoom_about(float y, double factor, float plot_top) {
  const double p = at_y(y, plot_top);
  per_px = std::clamp(per_px * factor, min_per_px(), max_per_px());
  top = p - (y - plot_top) * per_px;
}

void TimelineView::fit(double p0, double p1, float plot_height, double min_span) {
  const double span = std::max(p1 - p0, min_span);
  const double height = std::max(plot_height, 10.0f);
  per_px = std::clamp(span / (height * kFitShare), min_per_px(), max_per_px());
  top = p0 - height * 0.03 * per_px;
}

TimelineView respace(const TimelineView& view, const Rows& rows, Spacing to, float plot_height) {
  if (view.spacing == to) return view;
  const Axis from_axis(rows, view.spacing);
  const Axis to_axis(rows, to);
  const double height = std::max(plot_height, 10.0f);
  const double p0 = to_axis.at_time(from_axis.time_at(view.top));
  double p1 = to_axis.at_time(from_axis.time_at(view.top + height * view.per_px));
  // Rows hold moments: the last row in view stays in view.
  if (to == Spacing::Sequence) p1 += 1;
  TimelineView out;
  out.spacing = to;
  const double least = to == Spacing::Sequence ? 1.0 : 1000.0;  // a row; a microsecond
  out.per_px = std::clamp(std::max(p1 - p0, least) / height, out.min_per_px(), out.max_per_px());
  out.top = p0;
  return out;
}

}  // namespace wirestep::view
