// Timeline logic: the incremental index, send->recv matching and one frame's primitives, all without ImGui.
#include "view/timeline_layout.h"
#include "lesson/checkpoint.h"

#include "proto/packet/packet_summary.h"
#include "proto/packet/tcp_flow_analyzer.h"
#include "view/packet_caption.h"
#include "view/time_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <tuple>

namespace wirestep::view {
namespace {

using trace::Call;
using trace::Event;
using trace::EventKind;

// Paint order: primitives later in this order are drawn on top (the enum lists them so).
bool paints_before(const Prim& a, const Prim& b) { return a.kind < b.kind; }

std::tuple<int, long, std::string_view> lane_order(std::string_view name) {
  auto numbered = [&](std::string_view stem, int group) -> std::optional<std::tuple<int, long, std::string_view>> {
    if (name == stem) return std::tuple{group, 0L, name};
    if (name.size() > stem.size() + 1 && name.substr(0, stem.size()) == stem && name[stem.size()] == '#') {
      long number = 0;
      for (char c : name.substr(stem.size() + 1)) {
        if (c < '0' || c > '9') return std::tuple{group, std::numeric_limits<long>::max(), name};
        number = number * 10 + (c - '0');
      }
      return std::tuple{group, number, name};
    }
    return std::nullopt;
  };
  if (auto key = numbered("client", 0)) return *key;
  if (name == "wire") return {1, 0, name};
  if (name == "relay") return {1, 1, name};  // the user-space relay sits between them, like the wire
  if (auto key = numbered("server", 3)) return *key;
  return {2, 0, name};
}

// The first line of the bytes, printable characters only, cut short: an arrow's caption.
std::string caption(std::span<const std::byte> bytes, std::size_t max_chars) {
  std::string out;
  for (std::byte b : bytes) {
    const auto c = static_cast<unsigned char>(b);
    if (c == '\r' || c == '\n') break;
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  }
  return out;
}

std::string_view errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : "error";
}

std::uint32_t append_text(DrawList& out, std::string_view text, Prim& prim) {
  prim.text_begin = static_cast<std::uint32_t>(out.text.size());
  prim.text_size = static_cast<std::uint32_t>(text.size());
  out.text.append(text);
  return prim.text_size;
}

// At most `glyphs` characters of text, the last one an ellipsis when cut (UTF-8 aware): a cue
// label keeps to the room left of the first lane, and a measured note can be a whole sentence
// (the tooltip and the inspector show it all).
std::string fit_glyphs(std::string_view text, std::size_t glyphs) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (++count == glyphs) {
      // Is there more after this glyph? Then cut here and end with an ellipsis.
      std::size_t next = i + 1;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
      if (next >= text.size()) return std::string(text);
      return std::string(text.substr(0, i)) + "\u2026";
    }
  }
  return std::string(text);
}

// Clips the segment to the rows [top, bottom] so far-away ends do not strain float precision.
bool clip_rows(float& x0, float& y0, float& x1, float& y1, float top, float bottom) {
  if ((y0 < top && y1 < top) || (y0 > bottom && y1 > bottom)) return false;
  auto clip = [&](float& xa, float& ya, float xb, float yb) {
    if (ya < top) {
      xa = xa + (xb - xa) * (top - ya) / (yb - ya);
      ya = top;
    } else if (ya > bottom) {
      xa = xa + (xb - xa) * (bottom - ya) / (yb - ya);
      ya = bottom;
    }
  };
  clip(x0, y0, x1, y1);
  clip(x1, y1, x0, y0);
  return true;
}

// Walks one track's events between positions p0 and p1 below limit, grouping runs closer than
// fold_px pixels.
template <class Single, class Folded>
void walk(const Track& track, const Axis& axis, double p0, double p1, std::size_t limit, const TimelineView& view,
          float top, float fold_px, Single&& single, Folded&& folded) {
  std::size_t i = axis.lower_bound(track, p0);
  const std::size_t end = std::min(axis.upper_bound(track, p1), track.index_bound(limit));
  while (i < end) {
    const float y = view.y_of(axis.at(track, i), top);
    const std::size_t j = axis.lower_bound(track, view.at_y(y + fold_px, top), i + 1, end);
    if (j == i + 1) {
      single(i, y);
    } else {
      folded(i, j, y, view.y_of(axis.at(track, j - 1), top));
    }
    i = j;
  }
}

// Round times, at least four lines apart.
void time_ticks(const TimelineView& view, const Viewport& vp, std::int64_t t0, std::int64_t t1, DrawList& out) {
  const float top = vp.plot_top();
  const std::int64_t step = tick_step(view.per_px, vp.line_height * 4.0f);
  for (std::int64_t t = std::max<std::int64_t>(0, (std::max<std::int64_t>(t0, 0) + step - 1) / step * step); t <= t1;
       t += step) {
    Prim prim;
    prim.kind = PrimKind::AxisTick;
    prim.x0 = vp.x;
    prim.y0 = prim.y1 = view.y_of(static_cast<double>(t), top);
    if (prim.y0 < top) continue;
    prim.flags = kPrimLabel;
    append_text(out, tick_label(t, step), prim);
    out.prims.push_back(prim);
  }
}

// A row's time to `resolution`, but with three to six significant digits (the label has to fit
// the axis), cut rather than rounded: a label rounded up to "2.81 s" above one reading
// "2.80523 s" would run the clock backwards.
std::string row_time_label(std::int64_t t, std::int64_t resolution) {
  const double digits = std::floor(std::log10(std::max(1.0, std::abs(static_cast<double>(t)))));
  const auto finest = static_cast<std::int64_t>(std::pow(10.0, std::max(0.0, digits - 5)));
  const auto coarsest = static_cast<std::int64_t>(std::pow(10.0, std::max(0.0, digits - 2)));
  const std::int64_t step = std::clamp(resolution, finest, coarsest);
  // The power of ten tick_label will print to, for this step in t's unit.
  const double unit = digits >= 9 ? 1e9 : digits >= 6 ? 1e6 : digits >= 3 ? 1e3 : 1;
  const int decimals = std::clamp(static_cast<int>(std::ceil(std::log10(unit / static_cast<double>(step)) - 1e-9)), 0, 9);
  const auto cut = std::max<std::int64_t>(1, static_cast<std::int64_t>(unit / std::pow(10.0, decimals)));
  return tick_label(t >= 0 ? t - t % cut : t, step);
}

// Sequence spacing: rows hide the clock, so the axis gives it back. Every few rows carry their
// real time, all to one resolution (fine enough to tell the closest two apart, so decimal
// points line up); when rows are tall enough, a pause between two rows says how long it was
// ("+45 s"), and the row after it is labelled so the jump is visible. Costs O(labels), not
// O(rows): a zoomed-out view of a million rows only visits the labelled ones.
void row_ticks(const Rows& rows, const TimelineView& view, const Viewport& vp, DrawList& out) {
  constexpr std::int64_t kPauseNs = 100'000'000;  // a step, a timeout: longer than any burst of work
  const std::size_t n = rows.size();
  if (n == 0) return;
  const float top = vp.plot_top();
  const float lh = vp.line_height;
  const double first = std::max(0.0, std::ceil(view.at_y(top + lh * 0.5f, top)));
  const double last = std::min(static_cast<double>(n - 1), std::floor(view.at_y(vp.plot_bottom() - lh * 0.5f, top)));
  if (first > last) return;
  const auto r0 = static_cast<std::size_t>(first);
  const auto r1 = static_cast<std::size_t>(last);
  const double row_px = 1.0 / view.per_px;
  // Labels every k rows (1, 2, 5, 10, ...), at least two and a half lines apart.
  const auto k = static_cast<std::size_t>(tick_step(view.per_px, lh * 2.5f));

  std::vector<std::size_t> labelled;
  float last_label = -1e9f;
  auto want = [&](std::size_t row) {
    const float y = view.y_of(static_cast<double>(row), top);
    if (y - last_label < lh * 1.1f) return;
    labelled.push_back(row);
    last_label = y;
  };
  if (row_px < lh * 1.2f) {
    // Too dense for pauses to be told apart: just the rows that are multiples of k.
    for (std::size_t row = (r0 + k - 1) / k * k; row <= r1; row += k) want(row);
  } else {
    // Few rows in view: look at each. A pause shows just above its row; the row after it is
    // labelled even off the k grid so the clock's jump reads at once.
    for (std::size_t row = r0; row <= r1; ++row) {
      const bool after_pause = row > 0 && rows.times[row] - rows.times[row - 1] >= kPauseNs;
      if (after_pause) {
        Prim pause;
        pause.kind = PrimKind::AxisPause;
        pause.x0 = vp.x;
        pause.y0 = pause.y1 = view.y_of(static_cast<double>(row) - 0.5, top);
        pause.flags = kPrimLabel;
        append_text(out, "+" + format_duration(rows.times[row] - rows.times[row - 1]), pause);
        out.prims.push_back(pause);
        // The pause's words take the axis between the two rows.
        last_label = std::max(last_label, pause.y0 - lh * 0.2f);
      }
      if (after_pause || row == r0 || row % k == 0) want(row);
    }
  }

  std::int64_t resolution = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 1; i < labelled.size(); ++i) {
    const std::int64_t step = rows.times[labelled[i]] - rows.times[labelled[i - 1]];
    if (step > 0) resolution = std::min(resolution, step);
  }
  std::optional<Prim> above;  // by its place in out.text, which may move as it grows
  for (const std::size_t row : labelled) {
    Prim prim;
    prim.kind = PrimKind::AxisTick;
    prim.x0 = vp.x;
    prim.y0 = prim.y1 = view.y_of(static_cast<double>(row), top);
    prim.event = rows.events[row];
    prim.flags = kPrimLabel;
    append_text(out, row_time_label(rows.times[row], resolution), prim);
    // A label that reads like the one above it (a burst finer than six digits) says nothing new.
    if (above && out.text_of(prim) == out.text_of(*above)) {
      out.text.resize(prim.text_begin);
      continue;
    }
    out.prims.push_back(prim);
    above = prim;
  }
}

}  // namespace

// ---------------------------------------------------------------- ArrowIndex

void ArrowIndex::push(const Arrow& arrow) {
  const auto index = static_cast<std::uint32_t>(arrows_.size());
  arrows_.push_back(arrow);
  // An inferred arrow of a flow whose packets are on display would draw the same thing twice.
  if (arrow.kind != ArrowKind::Packet && flow_has_packets(arrow.flow)) return;
  const auto span = static_cast<std::uint64_t>(arrow.t_hi() - arrow.t_lo());
  auto& buckets = arrow.kind == ArrowKind::Packet ? packet_buckets_ : buckets_;
  Bucket& bucket = buckets[static_cast<std::size_t>(std::bit_width(span))];
  // Arrows arrive nearly in t_hi order: the insertion point is almost always the end.
  auto at = std::upper_bound(bucket.t_hi.begin(), bucket.t_hi.end(), arrow.t_hi());
  const auto pos = at - bucket.t_hi.begin();
  bucket.t_hi.insert(at, arrow.t_hi());
  bucket.arrow.insert(bucket.arrow.begin() + pos, index);
}

void ArrowIndex::hide_inferred(trace::FlowId flow) {
  // Once per flow, and only when a capture stamped a packet after a call it caused (libpcap).
  for (Bucket& bucket : buckets_) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < bucket.arrow.size(); ++i) {
      if (arrows_[bucket.arrow[i]].flow == flow) continue;
      bucket.arrow[kept] = bucket.arrow[i];
      bucket.t_hi[kept] = bucket.t_hi[i];
      ++kept;
    }
    bucket.arrow.resize(kept);
    bucket.t_hi.resize(kept);
  }
}

std::optional<std::uint32_t> ArrowIndex::isn(trace::FlowId flow, const trace::Address& sender) const {
  const auto found = isns_.find({flow, sender.port});
  if (found == isns_.end()) return std::nullopt;
  return found->second;
}

void ArrowIndex::add_packet(const Event& e, std::uint32_t index) {
  if (e.flow != trace::kNoFlow) {
    if (e.flow >= packet_flows_.size()) packet_flows_.resize(static_cast<std::size_t>(e.flow) + 1, 0);
    if (packet_flows_[e.flow] == 0) {
      packet_flows_[e.flow] = 1;
      hide_inferred(e.flow);
    }
  }
  if (e.transport == trace::Transport::Tcp && e.payload.size >= 20) {
    const proto::PacketSummary summary = proto::summarize(e.payload.span());
    if (summary.transport == trace::Transport::Tcp && summary.has_flag(proto::TcpFlags::kSyn)) {
      isns_.try_emplace({e.flow, summary.src.port}, summary.tcp_seq);
    }
  }
  if (e.verdict == trace::Verdict::Held) {
    held_by_seq_[e.seq] = held_.size();
    held_.push_back({index, kNoEvent});
    return;
  }
  // A packet the wire let go after holding it links to the Held event, directly or through the
  // Impairment that says why it was late, doubled or damaged.
  if (e.link != trace::kNoSeq && trace_ != nullptr) {
    std::uint64_t held_seq = e.link;
    if (held_seq < trace_->size() && (*trace_)[held_seq].kind == EventKind::Impairment) {
      held_seq = (*trace_)[held_seq].link;
    }
    if (const auto found = held_by_seq_.find(held_seq); found != held_by_seq_.end()) {
      HeldPacket& held = held_[found->second];
      held.released = std::min<std::uint64_t>(held.released, index);
    }
  }
  if (e.from == trace::kNoLane) return;
  Arrow arrow;
  arrow.kind = ArrowKind::Packet;
  arrow.from_event = arrow.to_event = index;
  arrow.from_lane = e.from;
  arrow.to_lane = e.to;
  arrow.t_from = e.t_ns - std::max<std::int64_t>(0, e.dur_ns);
  arrow.t_to = e.t_ns;
  arrow.flow = e.flow;
  push(arrow);
}

void ArrowIndex::match_tcp(Stream& stream, const Segment& segment, bool is_send, trace::FlowId flow) {
  std::vector<Segment>& other = is_send ? stream.recvs : stream.sends;
  auto it = std::partition_point(other.begin(), other.end(),
                                 [&](const Segment& s) { return s.end <= segment.begin; });
  for (; it != other.end() && it->begin < segment.end; ++it) {
    const Segment& send = is_send ? segment : *it;
    const Segment& recv = is_send ? *it : segment;
    Arrow arrow;
    arrow.from_event = send.event;
    arrow.to_event = recv.event;
    arrow.from_lane = send.lane;
    arrow.to_lane = recv.lane;
    arrow.t_from = send.t;
    arrow.t_to = recv.t;
    arrow.flow = flow;
    arrow.offset = std::max(send.begin, recv.begin);
    arrow.bytes = static_cast<std::uint32_t>(std::min(send.end, recv.end) - arrow.offset);
    push(arrow);
  }
  std::vector<Segment>& own = is_send ? stream.sends : stream.recvs;
  own.push_back(segment);
}

void ArrowIndex::match_udp(Stream& stream, const Segment& segment, bool is_send, trace::FlowId flow) {
  auto same_datagram = [&](const Segment& a, const Segment& b) {
    if (a.size != b.size) return false;
    if (trace_ == nullptr) return true;
    const auto pa = (*trace_)[a.event].payload;
    const auto pb = (*trace_)[b.event].payload;
    const auto n = std::min(pa.size, pb.size);
    return n == 0 || std::memcmp(pa.data, pb.data, n) == 0;
  };
  // The other side's queue of unmatched datagrams. A receiver can be recorded before its sender
  // (whichever thread stamps first), so both sides queue. A datagram lost on the way is skipped
  // when a later one matches; the search is bounded so a flood of losses stays cheap.
  std::vector<Segment>& other = is_send ? stream.recvs : stream.sends;
  std::size_t& head = is_send ? stream.udp_recv_head : stream.udp_send_head;
  constexpr std::size_t kSearch = 64;
  for (std::size_t i = head; i < other.size() && i < head + kSearch; ++i) {
    if (!same_datagram(other[i], segment)) continue;
    const Segment& send = is_send ? segment : other[i];
    const Segment& recv = is_send ? other[i] : segment;
    Arrow arrow;
    arrow.from_event = send.event;
    arrow.to_event = recv.event;
    arrow.from_lane = send.lane;
    arrow.to_lane = recv.lane;
    arrow.t_from = send.t;
    arrow.t_to = recv.t;
    arrow.flow = flow;
    arrow.offset = send.begin;
    arrow.bytes = send.size;
    push(arrow);
    head = i + 1;
    return;
  }
  std::vector<Segment>& own = is_send ? stream.sends : stream.recvs;
  own.push_back(segment);
}

void ArrowIndex::add(const Event& e, std::size_t index) {
  const auto event = static_cast<std::uint32_t>(index);
  if (e.kind == EventKind::Packet) {
    add_packet(e, event);
    return;
  }
  if (e.kind != EventKind::SocketCall) return;
  if (e.flow == trace::kNoFlow) return;

  if (e.transport == trace::Transport::Tcp && (e.call == Call::Connect || e.call == Call::Accept)) {
    if (e.result < 0) return;
    const bool is_connect = e.call == Call::Connect;
    Connect mine{event, e.lane, e.t_ns - e.dur_ns, e.t_ns};
    auto& others = is_connect ? accepts_ : connects_;
    auto found = others.find(e.flow);
    if (found == others.end()) {
      (is_connect ? connects_ : accepts_)[e.flow] = mine;
      return;
    }
    const Connect& connect = is_connect ? mine : found->second;
    const Connect& accept = is_connect ? found->second : mine;
    Arrow arrow;
    arrow.kind = ArrowKind::Handshake;
    arrow.from_event = connect.event;
    arrow.to_event = accept.event;
    arrow.from_lane = connect.lane;
    arrow.to_lane = accept.lane;
    // The kernels finish the handshake while connect() runs; accept() may come much later.
    arrow.t_from = connect.t_start;
    arrow.t_to = connect.t_end;
    arrow.flow = e.flow;
    push(arrow);
    others.erase(found);
    return;
  }

  const bool is_send = e.call == Call::Send || e.call == Call::SendTo;
  const bool is_recv = e.call == Call::Recv || e.call == Call::RecvFrom;
  if ((!is_send && !is_recv) || e.result <= 0) return;
  const trace::Address& source = is_send ? e.local : e.peer;
  Key key{e.flow, source.family, source.port};
  Segment segment;
  segment.begin = e.stream_offset;
  segment.end = e.stream_offset + static_cast<std::uint64_t>(e.result);
  segment.event = event;
  segment.lane = e.lane;
  segment.t = is_send ? e.t_ns - e.dur_ns : e.t_ns;
  segment.size = static_cast<std::uint32_t>(e.result);
  Stream& stream = streams_[key];
  if (e.transport == trace::Transport::Udp) {
    match_udp(stream, segment, is_send, e.flow);
  } else {
    match_tcp(stream, segment, is_send, e.flow);
  }
}

// ---------------------------------------------------------------- TimelineIndex

void TimelineIndex::update(const trace::Trace& trace) {
  if (trace_ != &trace) {
    *this = TimelineIndex{};
    trace_ = &trace;
    arrows_.trace_ = &trace;
  }
  const std::size_t size = trace.size();
  if (size == indexed_) return;
  bool new_column = false;
  for (std::size_t i = indexed_; i < size; ++i) {
    const Event& e = trace[i];
    if (e.kind == EventKind::Note) {
      if (!lesson::is_checkpoint_note(e)) cues_.push(e.t_ns, i, rows_.push(e.t_ns, i));  // the checkpoint window shows those
      continue;
    }
    if (e.lane == trace::kNoLane) continue;
    if (e.kind == EventKind::TcpMetrics) continue;  // thousands of samples: the TCP graph tab plots them
    if (e.lane >= lanes_.size()) lanes_.resize(static_cast<std::size_t>(e.lane) + 1);
    if (e.kind != EventKind::Packet && lanes_[e.lane].calls.size() == 0 && lanes_[e.lane].states.size() == 0 &&
        !lanes_[e.lane].packets) {
      new_column = true;
    }
    LaneTrack& lane = lanes_[e.lane];
    if (e.kind == EventKind::Packet) {
      // Drawn as an arrow between the hosts' columns, not as a mark on the wire's. The hosts are
      // columns even when only packets name them (a capture file has no socket calls).
      for (const trace::LaneId id : {e.lane, e.from, e.to}) {
        if (id == trace::kNoLane) continue;
        if (id >= lanes_.size()) lanes_.resize(static_cast<std::size_t>(id) + 1);
        if (!lanes_[id].packets && lanes_[id].calls.size() == 0 && lanes_[id].states.size() == 0) new_column = true;
        lanes_[id].packets = true;
      }
      if (e.from != trace::kNoLane) rows_.push(e.t_ns, i);  // its arrow is its mark
      arrows_.add(e, i);
    } else if (e.kind == EventKind::Impairment && e.link != trace::kNoSeq) {
      // What the wire did to a packet shows on the packet's arrow (a cross, a caption); a mark on
      // the wire's column would cover the cross. The inspector gives the reason.
      continue;
    } else if (e.kind == EventKind::TcpState) {
      lane.states.push(e.t_ns, i, rows_.push(e.t_ns, i));
    } else {
      lane.calls.push(e.t_ns, i, rows_.push(e.t_ns, i));
      arrows_.add(e, i);
    }
  }
  indexed_ = size;
  if (new_column) {
    columns_.clear();
    for (std::size_t id = 0; id < lanes_.size(); ++id) {
      if (lanes_[id].calls.size() > 0 || lanes_[id].states.size() > 0 || lanes_[id].packets) {
        columns_.push_back(static_cast<trace::LaneId>(id));
      }
    }
    std::stable_sort(columns_.begin(), columns_.end(), [&](trace::LaneId a, trace::LaneId b) {
      return lane_order(trace.lane_name(a)) < lane_order(trace.lane_name(b));
    });
  }
}

// ---------------------------------------------------------------- labels

std::string call_label(const Event& e) {
  if (e.kind == EventKind::Packet) return fmt::format("packet {} B", e.payload_size);
  if (e.kind == EventKind::Impairment) {
    // A relay's decision about one datagram (the wire's own decisions show on packet arrows).
    switch (e.verdict) {
      case trace::Verdict::Dropped: return "\u2717 dropped";
      case trace::Verdict::Delivered: return "passed on";
      case trace::Verdict::Delayed: return "held back";
      case trace::Verdict::Duplicated: return "copied";
      case trace::Verdict::Corrupted: return "damaged";
      case trace::Verdict::Held: return "held";
    }
    return std::string(trace::to_string(e.verdict));
  }
  if (e.kind == EventKind::TcpState) return std::string(trace::tcp_state_name(e.new_state));
  if (e.kind == EventKind::Note) return std::string(e.payload.text());
  std::string name;
  switch (e.call) {
    case Call::Socket:
      name = e.transport == trace::Transport::Udp ? "socket(UDP)" : "socket(TCP)";
      break;
    case Call::Send:
    case Call::SendTo:
    case Call::Recv:
    case Call::RecvFrom:
      if (e.result == 0 && (e.call == Call::Recv || e.call == Call::RecvFrom)) {
        name = fmt::format("{} EOF", trace::to_string(e.call));
      } else if (e.result > 0) {
        name = fmt::format("{} {} B", trace::to_string(e.call), e.result);
      } else {
        name = std::string(trace::to_string(e.call));
      }
      break;
    default:
      name = fmt::format("{}()", trace::to_string(e.call));
  }
  if (e.result < 0) name += fmt::format(": {}", errno_name(e.err));
  return name;
}

std::int64_t tick_step(double ns_per_px, float min_px) {
  const double raw = std::max(1.0, ns_per_px * min_px);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw) return std::max<std::int64_t>(1, static_cast<std::int64_t>(m * power));
  }
  return static_cast<std::int64_t>(10 * power);
}

std::string tick_label(std::int64_t t_ns, std::int64_t step_ns) {
  if (t_ns == 0) return "0";
  const double magnitude = std::abs(static_cast<double>(t_ns));
  double unit = 1;
  const char* name = "ns";
  if (magnitude >= 1e9) {
    unit = 1e9;
    name = "s";
  } else if (magnitude >= 1e6) {
    unit = 1e6;
    name = "ms";
  } else if (magnitude >= 1e3) {
    unit = 1e3;
    name = "µs";
  }
  const int decimals =
      std::clamp(static_cast<int>(std::ceil(std::log10(unit / static_cast<double>(std::max<std::int64_t>(step_ns, 1))) - 1e-9)), 0, 9);
  return fmt::format("{:.{}f} {}", static_cast<double>(t_ns) / unit, decimals, name);
}

// ---------------------------------------------------------------- frame

std::vector<LaneColumn> lane_columns(const TimelineIndex& index, const Viewport& viewport) {
  std::vector<LaneColumn> columns;
  const auto& lanes = index.columns();
  // Outer lanes sit as far apart as the cue labels (left) and state labels (right) allow, so
  // arrows between them are long enough to carry a caption.
  const float half_box = viewport.char_width * 6;
  float left = viewport.x + viewport.axis_width() + viewport.cue_width() + half_box;
  float right = viewport.x + viewport.width - viewport.state_width() - half_box;
  // Big text in a narrow panel (presenter mode), or a third lane (the wire): lanes far enough
  // apart beat unclipped labels. The state room goes first (a state label may then run past the
  // edge), the cue room last: without it the cue labels sit under the first lane's call boxes.
  const float min_gap = viewport.char_width * 18;
  const auto crowded = [&] {
    return lanes.size() > 1 && right - left < min_gap * static_cast<float>(lanes.size() - 1);
  };
  if (crowded()) right = viewport.x + viewport.width - half_box;
  if (crowded()) left = viewport.x + viewport.axis_width() + half_box;
  right = std::max(left + 1, right);
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const float x = lanes.size() == 1
                        ? (left + right) / 2
                        : left + (right - left) * static_cast<float>(i) / static_cast<float>(lanes.size() - 1);
    columns.push_back({lanes[i], x});
  }
  return columns;
}

void build_frame(const trace::Trace& trace, const TimelineIndex& index, const FrameInput& input, DrawList& out) {
  out.clear();
  const Viewport& vp = input.viewport;
  const TimelineView& view = input.view;
  const float top = vp.plot_top();
  const float bottom = vp.plot_bottom();
  const float lh = vp.line_height;
  const std::size_t limit = std::min(input.limit, index.indexed());
  const Axis axis(index.rows(), view.spacing);
  // Positions a line above and below the plot, so marks half out of view are still drawn.
  const double p0 = view.at_y(top - lh, top);
  const double p1 = view.at_y(bottom + lh, top);
  const auto [t0, t1] = axis.times_covering(p0, p1);
  auto y_at = [&](std::int64_t t, std::uint64_t event = kNoEvent) { return view.y_of(axis.at_time(t, event), top); };

  auto flags_for = [&](std::size_t event) {
    std::uint8_t flags = 0;
    if (input.selected && *input.selected == event) flags |= kPrimSelected;
    if (input.hovered && *input.hovered == event) flags |= kPrimHovered;
    return flags;
  };

  // Lanes: x by lane id for the arrows.
  const auto columns = lane_columns(index, vp);
  std::vector<float> lane_x(trace.lane_count() + 1, -1.0f);
  for (const auto& column : columns) {
    if (column.lane >= lane_x.size()) lane_x.resize(column.lane + 1u, -1.0f);
    lane_x[column.lane] = column.x;
    Prim prim;
    prim.kind = PrimKind::LaneLine;
    prim.lane = column.lane;
    prim.x0 = prim.x1 = column.x;
    prim.y0 = vp.y;
    prim.y1 = bottom;
    append_text(out, trace.lane_name(column.lane), prim);
    out.prims.push_back(prim);
  }
  out.stats.lanes = columns.size();

  // The time axis.
  if (view.spacing == Spacing::Sequence) {
    row_ticks(index.rows(), view, vp, out);
  } else {
    time_ticks(view, vp, t0, t1, out);
  }

  // Narration cues on the axis.
  {
    float last_label = -1e9f;
    const float x = vp.x + vp.axis_width() - vp.char_width * 0.5f;
    // "§ " and a character's gap to the first lane's boxes come off the cue room.
    const auto label_glyphs = static_cast<std::size_t>(std::max(6.0f, vp.cue_width() / vp.char_width - 3));
    walk(
        index.cues(), axis, p0, p1, limit, view, top, input.fold_px,
        [&](std::size_t i, float y) {
          const std::size_t event = index.cues().events[i];
          Prim prim;
          prim.kind = PrimKind::CueMark;
          prim.x0 = x;
          prim.y0 = prim.y1 = y;
          prim.event = event;
          prim.flags = flags_for(event);
          if (y - last_label >= lh) {
            prim.flags |= kPrimLabel;
            last_label = y;
          }
          append_text(out, fit_glyphs(trace[event].payload.text(), label_glyphs), prim);
          out.prims.push_back(prim);
          ++out.stats.cues;
        },
        [&](std::size_t i, std::size_t j, float y, float y_end) {
          Prim prim;
          prim.kind = PrimKind::CueMark;
          prim.x0 = x;
          prim.y0 = y;
          prim.y1 = y_end;
          prim.count = static_cast<std::uint32_t>(j - i);
          prim.event = index.cues().events[i];
          prim.event2 = index.cues().events[j - 1];
          if (y - last_label >= lh) {
            prim.flags |= kPrimLabel;
            last_label = y;
          }
          const std::string more = fmt::format(" +{}", j - i - 1);
          append_text(out,
                      fit_glyphs(trace[prim.event].payload.text(), label_glyphs > more.size() + 1 ? label_glyphs - more.size() : 1) + more,
                      prim);
          out.prims.push_back(prim);
          out.stats.cues += j - i;
        });
  }

  // Calls, blocked bars and TCP states, lane by lane.
  for (const auto& column : columns) {
    const LaneTrack* lane = index.lane(column.lane);
    if (lane == nullptr) continue;
    float last_label = -1e9f;
    // A labelled call is a box a line and 6 px tall: two of them closer than this would overlap
    // (one row per event puts calls of one lane a row apart).
    const float label_gap = lh + 8.0f;
    auto bar = [&](const Event& e, std::size_t event) {
      if (e.dur_ns <= 0) return;
      const double start = axis.at_time(e.t_ns - e.dur_ns, event);
      const double end = axis.at_time(e.t_ns, event);
      if (end - start < std::max(axis.min_bar(), view.per_px * 2)) return;
      Prim prim;
      prim.kind = PrimKind::BlockBar;
      prim.lane = column.lane;
      prim.x0 = prim.x1 = column.x;
      prim.y0 = std::max(top - lh, view.y_of(start, top));
      prim.y1 = std::min(bottom + lh, view.y_of(end, top));
      prim.event = event;
      prim.flags = flags_for(event);
      out.prims.push_back(prim);
    };
    walk(
        lane->calls, axis, p0, p1, limit, view, top, input.fold_px,
        [&](std::size_t i, float y) {
          const std::size_t event = lane->calls.events[i];
          const Event& e = trace[event];
          bar(e, event);
          Prim prim;
          prim.kind = PrimKind::CallMark;
          prim.lane = column.lane;
          prim.x0 = prim.x1 = column.x;
          prim.y0 = prim.y1 = y;
          prim.event = event;
          prim.flags = flags_for(event);
          if (e.kind == EventKind::SocketCall && e.result < 0) prim.flags |= kPrimError;
          // A datagram the relay dropped is drawn like a failed call: red, at the relay.
          if (e.kind == EventKind::Impairment && e.verdict == trace::Verdict::Dropped) prim.flags |= kPrimError;
          if (y - last_label >= label_gap) {
            prim.flags |= kPrimLabel;
            last_label = y;
          }
          append_text(out, call_label(e), prim);
          out.prims.push_back(prim);
          ++out.stats.marks;
        },
        [&](std::size_t i, std::size_t j, float y, float y_end) {
          Prim prim;
          prim.kind = PrimKind::Fold;
          prim.lane = column.lane;
          prim.x0 = prim.x1 = column.x;
          prim.y0 = y;
          prim.y1 = y_end;
          prim.count = static_cast<std::uint32_t>(j - i);
          prim.event = lane->calls.events[i];
          prim.event2 = lane->calls.events[j - 1];
          if (y - last_label >= label_gap) {
            prim.flags |= kPrimLabel;
            last_label = y;
          }
          out.prims.push_back(prim);
          ++out.stats.marks;
          ++out.stats.folds;
        });
    // A call still blocked across the bottom edge ended below it; a lane's calls run one after
    // another, so it is among the first few that end there.
    const std::size_t after = std::min(axis.upper_bound(lane->calls, p1), lane->calls.index_bound(limit));
    const std::size_t after_end = std::min(lane->calls.index_bound(limit), after + 4);
    for (std::size_t i = after; i < after_end; ++i) {
      const std::size_t event = lane->calls.events[i];
      const Event& e = trace[event];
      if (axis.at_time(e.t_ns - e.dur_ns, event) <= p1) bar(e, event);
    }

    float last_state = -1e9f;
    const float state_x = column.x + vp.char_width * 6.5f;
    walk(
        lane->states, axis, p0, p1, limit, view, top, input.fold_px,
        [&](std::size_t i, float y) {
          const std::size_t event = lane->states.events[i];
          Prim prim;
          prim.kind = PrimKind::StateLabel;
          prim.lane = column.lane;
          prim.x0 = prim.x1 = state_x;
          prim.y0 = prim.y1 = y;
          prim.event = event;
          prim.flags = flags_for(event);
          if (y - last_state >= lh * 1.05f) {
            prim.flags |= kPrimLabel;
            last_state = y;
          }
          append_text(out, trace::tcp_state_name(trace[event].new_state), prim);
          out.prims.push_back(prim);
          ++out.stats.marks;
        },
        [&](std::size_t i, std::size_t j, float y, float y_end) {
          Prim prim;
          prim.kind = PrimKind::Fold;
          prim.lane = column.lane;
          prim.x0 = prim.x1 = state_x;
          prim.y0 = y;
          prim.y1 = y_end;
          prim.count = static_cast<std::uint32_t>(j - i);
          prim.event = lane->states.events[i];
          prim.event2 = lane->states.events[j - 1];
          out.prims.push_back(prim);
          ++out.stats.marks;
          ++out.stats.folds;
        });
  }

  // Real packets: relative numbers from the analyzer when it has seen the packet, else from the
  // SYNs the index has seen (held packets are not traffic to the analyzer yet).
  auto relative_for = [&](const Event& e, const proto::PacketSummary& summary,
                          const proto::PacketAnalysis* analysis) -> std::optional<proto::RelativeSeq> {
    if (analysis != nullptr && analysis->tcp && analysis->isn_known) {
      return proto::RelativeSeq{summary.tcp_seq - analysis->relative_seq, summary.tcp_ack - analysis->relative_ack};
    }
    const auto isn_src = index.arrows().isn(e.flow, summary.src);
    if (!isn_src) return std::nullopt;
    const auto isn_dst = index.arrows().isn(e.flow, summary.dst);
    return proto::RelativeSeq{*isn_src, isn_dst ? *isn_dst : summary.tcp_ack - 1};
  };
  auto analysis_of = [&](std::size_t event) -> const proto::PacketAnalysis* {
    return input.analyzer != nullptr ? input.analyzer->at(event) : nullptr;
  };
  // Where a packet stops short of its receiver: on the wire's column (the middle, failing that).
  auto wire_x = [&](const Event& e, float x_from, float x_to) {
    if (e.lane < lane_x.size() && lane_x[e.lane] >= 0) return lane_x[e.lane];
    return (x_from + x_to) / 2;
  };
  auto packet_arrow = [&](const Arrow& arrow, std::uint32_t count) {
    const Event& e = trace[arrow.from_event];
    float x0 = lane_x[arrow.from_lane];
    if (x0 < 0) return;
    const float x_to = arrow.to_lane < lane_x.size() ? lane_x[arrow.to_lane] : -1.0f;
    const bool stops = e.verdict == trace::Verdict::Dropped || x_to < 0;
    if (x_to < 0 && !stops) return;
    float x1 = stops ? wire_x(e, x0, x_to < 0 ? x0 : x_to) : x_to;
    if (x1 == x0) return;
    // The packet's row is when the wire delivered (or dropped) it: the arrow ends there and
    // starts where it was captured.
    float y0 = y_at(arrow.t_from, arrow.from_event);
    float y1 = y_at(arrow.t_to, arrow.to_event);
    if (!clip_rows(x0, y0, x1, y1, top - lh, bottom + lh)) return;
    Prim prim;
    prim.kind = PrimKind::PacketArrow;
    prim.lane = arrow.from_lane;
    prim.x0 = x0;
    prim.y0 = y0;
    prim.x1 = x1;
    prim.y1 = y1;
    prim.count = count;
    prim.event = arrow.from_event;
    prim.flags = flags_for(arrow.from_event);
    // Selecting the Held event of a packet since released lights the arrow it became.
    if (e.link != trace::kNoSeq && e.link < limit) {
      std::uint64_t held = e.link;
      if (trace[held].kind == EventKind::Impairment && trace[held].link < limit) held = trace[held].link;
      if (trace[held].kind == EventKind::Packet && trace[held].verdict == trace::Verdict::Held) {
        prim.flags |= flags_for(static_cast<std::size_t>(held));
      }
    }
    out.stats.packets += count;
    ++out.stats.arrows;
    if (count > 1) {
      append_text(out, fmt::format("×{} packets", count), prim);
      out.prims.push_back(prim);
      return;
    }
    const proto::PacketAnalysis* analysis = analysis_of(arrow.from_event);
    const proto::PacketSummary summary = proto::summarize(e.payload.span());
    prim.packet = packet_marks(e, summary, analysis);
    if (prim.packet & kPacketDropped) ++out.stats.dropped;
    append_text(out, packet_caption(e, summary, relative_for(e, summary, analysis), analysis), prim);
    out.prims.push_back(prim);
    // A retransmission that repairs a drop: a dotted line back to the drop's cross.
    if (analysis != nullptr && analysis->caused_by_drop && *analysis->caused_by_drop < limit) {
      const Event& drop = trace[*analysis->caused_by_drop];
      if (drop.from >= lane_x.size() || lane_x[drop.from] < 0) return;
      const float drop_to = drop.to < lane_x.size() && lane_x[drop.to] >= 0 ? lane_x[drop.to] : lane_x[drop.from];
      Prim link;
      link.kind = PrimKind::PacketLink;
      link.lane = arrow.from_lane;
      link.x0 = drop.verdict == trace::Verdict::Dropped ? wire_x(drop, lane_x[drop.from], drop_to) : drop_to;
      link.y0 = y_at(drop.t_ns, *analysis->caused_by_drop);
      link.x1 = lane_x[arrow.from_lane];
      link.y1 = y_at(arrow.t_from, arrow.from_event);
      link.event = arrow.from_event;
      link.event2 = *analysis->caused_by_drop;
      if (clip_rows(link.x0, link.y0, link.x1, link.y1, top - lh, bottom + lh)) out.prims.push_back(link);
    }
  };

  // Packets the wire holds for a step: an arrow from the sender to the wire that grows while it
  // waits. The kernel's timers keep running, so a held SYN can be followed by its retransmission,
  // held behind it: both wait at the wire, the later one marked as the repeat it is.
  {
    const std::int64_t now = input.clock_ns >= 0 ? input.clock_ns
                             : input.now_ns >= 0  ? input.now_ns
                                                  : (limit > 0 ? trace[limit - 1].t_ns : 0);
    std::vector<std::size_t> waiting;  // held events still waiting at the cursor, oldest first
    for (const auto& held : index.arrows().held()) {
      if (held.event < limit && held.released >= limit) waiting.push_back(held.event);
    }
    for (std::size_t w = 0; w < waiting.size(); ++w) {
      const std::size_t event = waiting[w];
      const Event& e = trace[event];
      if (e.from >= lane_x.size() || lane_x[e.from] < 0) continue;
      float x0 = lane_x[e.from];
      const float x_to = e.to < lane_x.size() && lane_x[e.to] >= 0 ? lane_x[e.to] : x0;
      float x1 = wire_x(e, x0, x_to);
      float y0 = y_at(e.t_ns, event);
      float y1 = now > e.t_ns ? y_at(now) : y0;
      if (x1 == x0 || !clip_rows(x0, y0, x1, y1, top - lh, bottom + lh)) continue;
      const proto::PacketSummary summary = proto::summarize(e.payload.span());
      Prim prim;
      prim.kind = PrimKind::PacketArrow;
      prim.lane = e.from;
      prim.x0 = x0;
      prim.y0 = y0;
      prim.x1 = x1;
      prim.y1 = y1;
      prim.event = event;
      prim.flags = flags_for(event);
      prim.packet = packet_marks(e, summary, nullptr);
      if (w == 0 && input.packet_next) prim.packet |= kPacketNext;
      std::string text = fmt::format("{}held {}: {}", w == 0 && input.packet_next ? "next: packet, " : "",
                                     format_duration(std::max<std::int64_t>(0, now - e.t_ns)),
                                     packet_caption(e, summary, relative_for(e, summary, nullptr), nullptr));
      for (std::size_t earlier = 0; earlier < w; ++earlier) {
        const Event& first = trace[waiting[earlier]];
        const proto::PacketSummary before = proto::summarize(first.payload.span());
        if (first.flow == e.flow && before.src == summary.src && before.tcp_seq == summary.tcp_seq &&
            before.tcp_flags == summary.tcp_flags && before.payload_length == summary.payload_length &&
            summary.transport == trace::Transport::Tcp) {
          prim.packet |= kPacketHeldRepeat;
          prim.event2 = waiting[earlier];
          text += fmt::format(" again (#{} still waits)", waiting[earlier]);
          break;
        }
      }
      append_text(out, text, prim);
      out.prims.push_back(prim);
      ++out.stats.arrows;
      ++out.stats.packets;
    }
  }

  // Arrows between lanes.
  const double fold_span = input.fold_px * view.per_px;
  auto fold_end = [&](const Arrow& arrow) {
    return axis.fold_end(arrow.t_hi(), fold_span, arrow.t_hi() == arrow.t_to ? arrow.to_event : arrow.from_event);
  };
  index.arrows().visit(t0, t1, limit, fold_end, [&](const Arrow& arrow, std::uint32_t count) {
    if (arrow.from_lane >= lane_x.size()) return;
    if (arrow.kind == ArrowKind::Packet) {
      packet_arrow(arrow, count);
      return;
    }
    if (arrow.to_lane >= lane_x.size()) return;
    float x0 = lane_x[arrow.from_lane];
    float x1 = lane_x[arrow.to_lane];
    if (x0 < 0 || x1 < 0 || arrow.from_lane == arrow.to_lane) return;
    // From the send's box to the recv's (in Time spacing from when the send began). A recv
    // recorded before its send (its thread stamped first) takes the send's start instead, so
    // bytes never flow upwards.
    double from = axis.at_start(arrow.t_from, arrow.from_event);
    const double to = axis.at_time(arrow.t_to, arrow.to_event);
    if (from > to) from = axis.at_time(arrow.t_from);
    float y0 = view.y_of(from, top);
    float y1 = view.y_of(to, top);
    // The handshake is inferred, so it is drawn as a schematic: three legs tall enough to read,
    // ending when connect() returned.
    if (arrow.kind == ArrowKind::Handshake) y0 = std::min(y0, y1 - lh * 2.4f);
    if (!clip_rows(x0, y0, x1, y1, top - lh, bottom + lh)) return;
    Prim prim;
    prim.kind = arrow.kind == ArrowKind::Handshake ? PrimKind::Handshake : PrimKind::Arrow;
    prim.lane = arrow.from_lane;
    prim.x0 = x0;
    prim.y0 = y0;
    prim.x1 = x1;
    prim.y1 = y1;
    prim.count = count;
    prim.event = arrow.from_event;
    prim.event2 = arrow.to_event;
    prim.flags = static_cast<std::uint8_t>(flags_for(arrow.from_event) | flags_for(arrow.to_event));
    if (arrow.kind == ArrowKind::Handshake) {
      append_text(out, "SYN, SYN-ACK, ACK (inferred)", prim);
    } else if (count > 1) {
      append_text(out, fmt::format("×{}", count), prim);
    } else {
      const Event& send = trace[arrow.from_event];
      const std::uint64_t skip = arrow.offset - send.stream_offset;
      std::string text = fmt::format("{} B", arrow.bytes);
      if (skip < send.payload.size) {
        const auto bytes = send.payload.span().subspan(
            static_cast<std::size_t>(skip), std::min<std::size_t>(arrow.bytes, send.payload.size - skip));
        const std::string words = caption(bytes, 26);
        if (!words.empty()) text += "  \"" + words + "\"";
      }
      append_text(out, text, prim);
    }
    out.prims.push_back(prim);
    ++out.stats.arrows;
  });

  // The call waiting at the gate, and the live time / replay cursor.
  if (input.now_ns >= 0) {
    Prim prim;
    prim.kind = PrimKind::NowLine;
    prim.x0 = vp.x + vp.axis_width();
    prim.x1 = vp.x + vp.width;
    prim.y0 = prim.y1 = y_at(input.now_ns, input.replay && limit > 0 ? limit - 1 : kNoEvent);
    prim.flags = input.replay ? kPrimReplay : 0;
    if (prim.y0 >= top - 1 && prim.y0 <= bottom + 1) out.prims.push_back(prim);
  }
  if (input.pending && input.pending->lane < lane_x.size() && lane_x[input.pending->lane] >= 0) {
    Prim prim;
    prim.kind = PrimKind::Pending;
    prim.lane = input.pending->lane;
    prim.x0 = prim.x1 = lane_x[input.pending->lane];
    const std::int64_t at = input.now_ns >= 0 ? input.now_ns : (limit > 0 ? trace[limit - 1].t_ns : 0);
    prim.y0 = prim.y1 = std::clamp(y_at(at) + lh * 1.2f, top, bottom - lh);
    prim.flags = kPrimLabel;
    append_text(out, input.pending->label, prim);
    out.prims.push_back(prim);
  }

  std::stable_sort(out.prims.begin(), out.prims.end(), paints_before);

  // Arrow captions only where they do not sit on one another: walk arrows top to bottom, real
  // packets first (they are what happened; inferred arrows are a guess).
  std::vector<float> placed;
  for (const PrimKind kind : {PrimKind::PacketArrow, PrimKind::Arrow}) {
    auto first_arrow = std::find_if(out.prims.begin(), out.prims.end(), [&](const Prim& p) { return p.kind == kind; });
    auto last_arrow = std::find_if(first_arrow, out.prims.end(), [&](const Prim& p) { return p.kind != kind; });
    std::sort(first_arrow, last_arrow, [](const Prim& a, const Prim& b) { return a.y0 + a.y1 < b.y0 + b.y1; });
    // Each caption tries the middle of its arrow, then nearer either end, and takes the first
    // spot clear of the captions already placed (arrows fanning into one recv, say).
    for (auto it = first_arrow; it != last_arrow; ++it) {
      for (float t : {0.5f, 0.25f, 0.75f}) {
        const float y = it->y0 + (it->y1 - it->y0) * t;
        const bool clear =
            std::none_of(placed.begin(), placed.end(), [&](float p) { return std::abs(p - y) < lh * 1.1f; });
        if (clear) {
          it->flags |= kPrimLabel;
          it->label_t = t;
          placed.push_back(y);
          break;
        }
      }
      if (placed.size() > 256) placed.erase(placed.begin(), placed.begin() + 128);  // only nearby ones matter
    }
  }
  for (auto& prim : out.prims) {
    if (prim.kind == PrimKind::Handshake) prim.flags |= kPrimLabel;
  }
}

// ---------------------------------------------------------------- hit testing

PacketTone packet_tone(std::uint16_t marks) {
  // The worst thing that happened wins: a dropped retransmission is first of all dropped.
  if (marks & (kPacketDropped | kPacketCorrupted | kPacketReset)) return PacketTone::Error;
  if (marks & (kPacketHeld | kPacketHeldRepeat)) return PacketTone::Held;
  if (marks & kPacketRetransmission) return PacketTone::Retransmission;
  return PacketTone::Plain;
}

bool packet_caption_tinted(std::uint16_t marks) {
  return (marks & (kPacketDropped | kPacketHeld | kPacketRetransmission | kPacketReset | kPacketDuplicated |
                   kPacketOutOfOrder)) != 0;
}

std::array<float, 8> handshake_points(const Prim& p) {
  const float h = p.y1 - p.y0;
  return {p.x0, p.y0, p.x1, p.y0 + h / 3, p.x0, p.y0 + 2 * h / 3, p.x1, p.y1};
}

namespace {
float segment_distance(float x, float y, float x0, float y0, float x1, float y1) {
  const float dx = x1 - x0;
  const float dy = y1 - y0;
  const float length2 = dx * dx + dy * dy;
  float t = length2 > 0 ? ((x - x0) * dx + (y - y0) * dy) / length2 : 0;
  t = std::clamp(t, 0.0f, 1.0f);
  const float px = x0 + t * dx - x;
  const float py = y0 + t * dy - y;
  return std::sqrt(px * px + py * py);
}
}  // namespace

std::optional<std::size_t> hit_test(const DrawList& list, const Viewport& viewport, float x, float y) {
  const float lh = viewport.line_height;
  const float cw = viewport.char_width;
  int best_rank = 99;
  float best_distance = 1e30f;
  std::optional<std::size_t> best;
  auto consider = [&](std::size_t i, int rank, float distance) {
    if (rank < best_rank || (rank == best_rank && distance < best_distance)) {
      best_rank = rank;
      best_distance = distance;
      best = i;
    }
  };
  for (std::size_t i = 0; i < list.prims.size(); ++i) {
    const Prim& p = list.prims[i];
    switch (p.kind) {
      case PrimKind::CallMark:
      case PrimKind::Pending: {
        const float half_w = (p.flags & kPrimLabel) ? p.text_size * cw * 0.5f + cw : 6.0f;
        const float half_h = (p.flags & kPrimLabel) ? lh * 0.6f : 4.0f;
        if (std::abs(x - p.x0) <= half_w && std::abs(y - p.y0) <= half_h) consider(i, 0, std::abs(y - p.y0));
        break;
      }
      case PrimKind::StateLabel: {
        const float w = (p.flags & kPrimLabel) ? p.text_size * cw : 6.0f;
        if (x >= p.x0 - 4 && x <= p.x0 + w + 4 && std::abs(y - p.y0) <= lh * 0.5f) consider(i, 0, std::abs(y - p.y0));
        break;
      }
      case PrimKind::Fold:
        if (std::abs(x - p.x0) <= 8 && y >= p.y0 - 4 && y <= p.y1 + 4) consider(i, 0, std::abs(y - (p.y0 + p.y1) / 2));
        break;
      case PrimKind::BlockBar:
        if (std::abs(x - p.x0) <= 6 && y >= p.y0 && y <= p.y1) consider(i, 1, std::abs(x - p.x0));
        break;
      case PrimKind::Arrow:
      case PrimKind::PacketArrow: {
        const float distance = segment_distance(x, y, p.x0, p.y0, p.x1, p.y1);
        if (distance <= 5) consider(i, 2, distance);
        break;
      }
      case PrimKind::Handshake: {
        const auto pts = handshake_points(p);
        float distance = 1e30f;
        for (int leg = 0; leg < 3; ++leg) {
          distance = std::min(distance, segment_distance(x, y, pts[leg * 2], pts[leg * 2 + 1], pts[leg * 2 + 2], pts[leg * 2 + 3]));
        }
        if (distance <= 5) consider(i, 2, distance);
        break;
      }
      case PrimKind::CueMark:
        if (x >= viewport.x && x <= p.x0 + 6 && y >= p.y0 - lh * 0.5f && y <= p.y1 + lh * 0.5f) {
          consider(i, 3, std::abs(y - p.y0));
        }
        break;
      default:
        break;
    }
  }
  return best;
}

}  // namespace wirestep::view
