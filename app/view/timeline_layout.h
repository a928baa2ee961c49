// The ladder diagram's logic without ImGui: incremental indexes, time<->pixel mapping, folding, arrows, hit tests.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace wirestep::view {

inline constexpr std::uint64_t kNoEvent = ~std::uint64_t{0};

// Events of one kind on one lane, in trace order. Times ascend because Trace::append never
// lets time go backwards, so both arrays can be binary searched.
struct Track {
  std::vector<std::int64_t> times;
  std::vector<std::uint32_t> events;

  std::size_t size() const { return times.size(); }
  // First position with time >= t / > t.
  std::size_t lower_bound(std::int64_t t) const;
  std::size_t upper_bound(std::int64_t t) const;
  // First position whose trace index is >= limit (the replay cursor cuts here).
  std::size_t index_bound(std::size_t limit) const;
  void push(std::int64_t t, std::size_t index) {
    times.push_back(t);
    events.push_back(static_cast<std::uint32_t>(index));
  }
};

// Calls and TCP states are kept apart so a state change a microsecond after its call is drawn
// beside the call as a label instead of being folded into it.
struct LaneTrack {
  Track calls;
  Track states;
};

enum class ArrowKind : std::uint8_t { Data, Handshake };

// Bytes that crossed from one lane to another: a send matched with the recv that read them.
struct Arrow {
  std::uint32_t from_event = 0;  // the send / sendto / connect
  std::uint32_t to_event = 0;    // the recv / recvfrom / accept
  trace::LaneId from_lane = trace::kNoLane;
  trace::LaneId to_lane = trace::kNoLane;
  std::int64_t t_from = 0;  // the send's start: the earliest the bytes could have left
  std::int64_t t_to = 0;    // the recv's return
  std::uint64_t offset = 0;  // stream offset of the bytes both calls share
  std::uint32_t bytes = 0;
  ArrowKind kind = ArrowKind::Data;

  std::int64_t t_lo() const { return t_from < t_to ? t_from : t_to; }
  std::int64_t t_hi() const { return t_from < t_to ? t_to : t_from; }
};

// Matches sends with recvs as events arrive, never rescanning the trace. TCP: the send's and
// the recv's byte ranges [stream_offset, stream_offset + result) overlap in the same flow and
// direction (a send split over two recvs gives two arrows). UDP: datagrams in order, same size.
// TCP connect/accept of one flow give an inferred handshake arrow.
class ArrowIndex {
 public:
  void add(const trace::Event& event, std::size_t index);
  const std::vector<Arrow>& arrows() const { return arrows_; }
  // Calls visit(arrow, count) for arrows that cross [t0, t1] drawn from an event before
  // `limit`. Arrows whose later end is within fold_ns of a drawn one are counted into it.
  template <class Visit>
  void visit(std::int64_t t0, std::int64_t t1, std::size_t limit, std::int64_t fold_ns, Visit&& visit) const;

 private:
  // One direction of one flow, named by the sender's port. Not its IP: a socket bound
  // implicitly by sendto() records 0.0.0.0 while its peer sees 127.0.0.1.
  struct Key {
    trace::FlowId flow = 0;
    std::uint8_t family = 0;
    std::uint16_t port = 0;
    auto operator<=>(const Key&) const = default;
  };
  struct Segment {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::uint32_t event = 0;
    trace::LaneId lane = trace::kNoLane;
    std::int64_t t = 0;  // send: start; recv: return
    std::uint32_t size = 0;
  };
  struct Stream {
    std::vector<Segment> sends;  // ascending offsets (one sending socket per direction)
    std::vector<Segment> recvs;
    std::size_t udp_send_head = 0;  // first send not yet matched (datagrams)
    std::size_t udp_recv_head = 0;
  };
  struct Connect {
    std::uint32_t event = 0;
    trace::LaneId lane = trace::kNoLane;
    std::int64_t t_start = 0;
    std::int64_t t_end = 0;
  };
  // Arrows by how long they span (bucket = bit width of t_hi - t_lo), each sorted by t_hi,
  // so a time range query stops early: an arrow in bucket b starts at most 2^b before it ends.
  struct Bucket {
    std::vector<std::int64_t> t_hi;
    std::vector<std::uint32_t> arrow;
  };

  void push(const Arrow& arrow);
  void match_tcp(Stream& stream, const Segment& segment, bool is_send);
  void match_udp(Stream& stream, const Segment& segment, bool is_send);

  const trace::Trace* trace_ = nullptr;
  std::map<Key, Stream> streams_;
  std::map<trace::FlowId, Connect> connects_;
  std::map<trace::FlowId, Connect> accepts_;
  std::vector<Arrow> arrows_;
  std::array<Bucket, 65> buckets_{};

  friend class TimelineIndex;
};

// Everything the timeline needs from the trace, grown as events arrive (update is O(new)).
class TimelineIndex {
 public:
  void update(const trace::Trace& trace);
  std::size_t indexed() const { return indexed_; }
  const trace::Trace* trace() const { return trace_; }

  const LaneTrack* lane(trace::LaneId id) const { return id < lanes_.size() ? &lanes_[id] : nullptr; }
  const Track& cues() const { return cues_; }
  const ArrowIndex& arrows() const { return arrows_; }
  // Lanes drawn as columns, left to right: clients, wire, other actors, server. A lane with only
  // narration cues (the "lesson" lane) is no column: its cues mark the time axis instead.
  const std::vector<trace::LaneId>& columns() const { return columns_; }

 private:
  const trace::Trace* trace_ = nullptr;
  std::size_t indexed_ = 0;
  std::vector<LaneTrack> lanes_;
  Track cues_;
  ArrowIndex arrows_;
  std::vector<trace::LaneId> columns_;
};

// Where the timeline is drawn, in screen pixels, and the font's size (for label spacing).
struct Viewport {
  float x = 0;
  float y = 0;
  float width = 800;
  float height = 600;
  float line_height = 16;
  float char_width = 8;

  float header_height() const { return line_height * 1.8f; }
  float axis_width() const { return char_width * 11; }
  // Room left of the first lane for narration cue labels, right of the last for TCP states.
  float cue_width() const { return char_width * 17; }
  float state_width() const { return char_width * 14; }
  float plot_top() const { return y + header_height(); }
  float plot_bottom() const { return y + height; }
};

// The time window: which time is at the top of the plot and how many ns one pixel is.
struct TimelineView {
  static constexpr double kMinNsPerPx = 0.5;
  static constexpr double kMaxNsPerPx = 1e11;

  double top_ns = 0;
  double ns_per_px = 1e6;

  float y_of(std::int64_t t_ns, float plot_top) const {
    return plot_top + static_cast<float>((static_cast<double>(t_ns) - top_ns) / ns_per_px);
  }
  double t_of(float y, float plot_top) const { return top_ns + (y - plot_top) * ns_per_px; }
  // Scales by factor (> 1 zooms out) keeping the time under pixel row y where it was.
  void zoom_about(float y, double factor, float plot_top);
  void pan_px(float dy) { top_ns -= dy * ns_per_px; }
  // Shows [t0, t1] in a plot of this height, with a little room below.
  void fit(std::int64_t t0, std::int64_t t1, float plot_height);
};

// In paint order: later kinds are drawn on top of earlier ones.
enum class PrimKind : std::uint8_t {
  LaneLine,    // x0, y0..y1; text = lane name
  AxisTick,    // y0; text = time
  CueMark,     // y0 on the axis; text = cue anchor (a fold when count > 1)
  NowLine,     // y0: the live "now" or the replay cursor
  BlockBar,    // x0, y0..y1: the call blocked this long
  Handshake,   // inferred TCP handshake: SYN, SYN-ACK, ACK zig-zag between (x0, y0) and (x1, y1)
  Arrow,       // (x0, y0) -> (x1, y1); text = bytes and a preview
  Fold,        // x0, y0..y1: `count` events too close to tell apart
  CallMark,    // centred at (x0, y0); text = short call label
  StateLabel,  // TCP state change, text left-aligned at (x0, y0)
  Pending,     // the call waiting at the stepper's gate, at (x0, y0)
};

enum PrimFlag : std::uint8_t {
  kPrimError = 1,     // the call failed
  kPrimSelected = 2,
  kPrimHovered = 4,
  kPrimLabel = 8,     // there is room for its text
  kPrimReplay = 16,   // NowLine: the replay cursor rather than live time
};

struct Prim {
  PrimKind kind = PrimKind::LaneLine;
  std::uint8_t flags = 0;
  trace::LaneId lane = trace::kNoLane;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::uint32_t count = 1;
  std::uint32_t text_begin = 0;
  std::uint32_t text_size = 0;
  std::uint64_t event = kNoEvent;   // trace index (the first one of a fold)
  std::uint64_t event2 = kNoEvent;  // an arrow's receiving end; a fold's last event
  float label_t = 0.5f;             // where along an arrow its caption sits (0 = start)
};

struct FrameStats {
  std::size_t marks = 0;   // calls, states and folds drawn
  std::size_t arrows = 0;
  std::size_t lanes = 0;
  std::size_t cues = 0;
  std::size_t drawn() const { return marks + arrows; }
};

// One frame of the timeline as primitives in paint order; reused between frames so building a
// frame does not allocate once warm.
struct DrawList {
  std::vector<Prim> prims;
  std::string text;
  FrameStats stats;

  void clear() {
    prims.clear();
    text.clear();
    stats = {};
  }
  std::string_view text_of(const Prim& prim) const {
    return std::string_view(text).substr(prim.text_begin, prim.text_size);
  }
};

struct PendingMark {
  trace::LaneId lane = trace::kNoLane;
  std::string label;  // "next: connect()"
};

struct FrameInput {
  Viewport viewport;
  TimelineView view;
  std::size_t limit = ~std::size_t{0};  // draw events [0, limit) only (the replay cursor)
  std::optional<std::size_t> selected;
  std::optional<std::size_t> hovered;
  std::optional<PendingMark> pending;
  std::int64_t now_ns = -1;  // live time line; < 0 for none
  bool replay = false;       // now_ns is the replay cursor
  float fold_px = 3.0f;      // marks closer than this on one lane fold into one
};

// The x of each column lane (NaN-free: lanes that are no column are absent).
struct LaneColumn {
  trace::LaneId lane;
  float x;
};
std::vector<LaneColumn> lane_columns(const TimelineIndex& index, const Viewport& viewport);

void build_frame(const trace::Trace& trace, const TimelineIndex& index, const FrameInput& input, DrawList& out);

// The three legs of a handshake primitive (SYN, SYN-ACK, ACK) as x/y pairs: 4 points.
std::array<float, 8> handshake_points(const Prim& prim);

// The primitive under (x, y), preferring marks over arrows over cues; nullopt for none.
std::optional<std::size_t> hit_test(const DrawList& list, const Viewport& viewport, float x, float y);

// Short words for a call mark: "connect()", "send 89 B", "recv EOF", "connect: ECONNREFUSED".
std::string call_label(const trace::Event& event);
// A tick step of 1, 2 or 5 x 10^k ns giving ticks at least min_px apart.
std::int64_t tick_step(double ns_per_px, float min_px);
// A tick label with just enough decimals for the step: "1.00012 s", "350 µs".
std::string tick_label(std::int64_t t_ns, std::int64_t step_ns);

// ---- template body ----
template <class Visit>
void ArrowIndex::visit(std::int64_t t0, std::int64_t t1, std::size_t limit, std::int64_t fold_ns,
                       Visit&& visit) const {
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    const Bucket& bucket = buckets_[b];
    if (bucket.t_hi.empty()) continue;
    const std::int64_t max_span = b >= 63 ? INT64_MAX / 4 : (std::int64_t{1} << b);
    const std::int64_t stop = t1 > INT64_MAX - max_span ? INT64_MAX : t1 + max_span;
    auto it = std::lower_bound(bucket.t_hi.begin(), bucket.t_hi.end(), t0);
    const auto end = bucket.t_hi.end();
    while (it != end && *it <= stop) {
      const std::size_t pos = static_cast<std::size_t>(it - bucket.t_hi.begin());
      const Arrow& arrow = arrows_[bucket.arrow[pos]];
      if (arrow.t_lo() > t1 || arrow.from_event >= limit || arrow.to_event >= limit) {
        ++it;
        continue;
      }
      auto next = it + 1;
      if (fold_ns > 0) {
        next = std::lower_bound(it + 1, end, *it + fold_ns);
      }
      visit(arrow, static_cast<std::uint32_t>(next - it));
      it = next;
    }
  }
}

}  // namespace wirestep::view
