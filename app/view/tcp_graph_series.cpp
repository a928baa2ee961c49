// TcpGraphSeries: the flow analyzer's relative numbers and notes per packet, TcpMetrics per lane,
// send()/recv() progress, gathered per TCP flow as the trace grows.
#include "view/tcp_graph_series.h"

#include <algorithm>
#include <cmath>

#include "proto/packet/packet_summary.h"

namespace wirestep::view {
namespace {

template <typename Map>
const typename Map::mapped_type& largest(const Map& map, auto size_of) {
  static const typename Map::mapped_type kEmpty{};
  const typename Map::mapped_type* best = &kEmpty;
  std::uint64_t best_size = 0;
  for (const auto& [lane, series] : map) {
    const std::uint64_t size = size_of(series);
    if (best == &kEmpty || size > best_size) {
      best = &series;
      best_size = size;
    }
  }
  return *best;
}

}  // namespace

const DirectionSeries& TcpFlowSeries::data_direction() const {
  return directions[1].payload_bytes > directions[0].payload_bytes ? directions[1] : directions[0];
}

const DirectionSeries& TcpFlowSeries::ack_direction() const {
  return &data_direction() == &directions[0] ? directions[1] : directions[0];
}

const std::vector<MetricsPoint>& TcpFlowSeries::sender_metrics() const {
  return largest(metrics, [](const std::vector<MetricsPoint>& points) {
    return points.empty() ? 0 : points.back().metrics.bytes_acked + 1;
  });
}

const std::vector<StreamPoint>& TcpFlowSeries::most_sent() const {
  return largest(sent, [](const std::vector<StreamPoint>& p) { return p.empty() ? 0 : p.back().offset + 1; });
}

const std::vector<StreamPoint>& TcpFlowSeries::most_read() const {
  return largest(read, [](const std::vector<StreamPoint>& p) { return p.empty() ? 0 : p.back().offset + 1; });
}

std::pair<std::int64_t, std::int64_t> TcpFlowSeries::shown_range() const {
  const std::int64_t end = t_last_data > t_first ? t_last_data + (t_last_data - t_first) / 20 : t_last;
  return {t_first, std::max(std::min(end, t_last), t_first + 1'000'000)};
}

const MetricsPoint* TcpFlowSeries::metrics_at(std::int64_t t_ns) const {
  const auto& points = sender_metrics();
  auto after = std::upper_bound(points.begin(), points.end(), t_ns,
                                [](std::int64_t t, const MetricsPoint& p) { return t < p.t_ns; });
  return after == points.begin() ? nullptr : &*std::prev(after);
}

const SegmentPoint* TcpFlowSeries::nearest_segment(std::int64_t t_ns, double seq, double ns_per_px, double bytes_per_px,
                                                   double max_distance_px) const {
  const auto& segments = data_direction().segments;
  const auto window_ns = static_cast<std::int64_t>(max_distance_px * ns_per_px);
  auto it = std::lower_bound(segments.begin(), segments.end(), t_ns - window_ns,
                             [](const SegmentPoint& p, std::int64_t t) { return p.t_ns < t; });
  const SegmentPoint* best = nullptr;
  double best_distance = max_distance_px;
  for (; it != segments.end() && it->t_ns <= t_ns + window_ns; ++it) {
    const double dx = static_cast<double>(it->t_ns - t_ns) / ns_per_px;
    // The segment is a vertical bar from seq to seq + length: distance to the bar.
    const double top = it->seq + static_cast<double>(it->length);
    const double dy = seq < it->seq ? (it->seq - seq) / bytes_per_px : seq > top ? (seq - top) / bytes_per_px : 0.0;
    const double distance = std::sqrt(dx * dx + dy * dy);
    if (distance <= best_distance) {
      best = &*it;
      best_distance = distance;
    }
  }
  return best;
}

TcpFlowSeries& TcpGraphSeries::series_for(trace::FlowId id, const trace::Event& e) {
  auto [it, created] = flows_.try_emplace(id);
  TcpFlowSeries& series = it->second;
  if (created) {
    series.flow = id;
    series.t_first = e.t_ns;
    order_.push_back(id);
  }
  if (series.label.empty() && !e.local.empty() && !e.peer.empty()) {
    series.label = e.local.to_string() + " \xE2\x86\x92 " + e.peer.to_string();
  }
  series.t_last = std::max(series.t_last, e.t_ns);
  return series;
}

void TcpGraphSeries::update(const trace::Trace& trace) {
  if (trace_ != &trace) {
    *this = TcpGraphSeries{};
    trace_ = &trace;
  }
  analyzer_.update(trace);
  const std::size_t end = analyzer_.analysed();
  for (; next_ < end; ++next_) {
    const trace::Event& e = trace[next_];
    if (e.flow == trace::kNoFlow || e.transport != trace::Transport::Tcp) continue;
    if (e.kind == trace::EventKind::TcpMetrics) {
      if (const auto m = trace::tcp_metrics_of(e)) series_for(e.flow, e).metrics[e.lane].push_back({e.t_ns, *m, next_});
      continue;
    }
    if (e.kind == trace::EventKind::SocketCall) {
      if (e.result <= 0 || (e.call != trace::Call::Send && e.call != trace::Call::Recv)) continue;
      auto& series = series_for(e.flow, e);
      auto& points = e.call == trace::Call::Send ? series.sent[e.lane] : series.read[e.lane];
      points.push_back({e.t_ns, e.stream_offset + static_cast<std::uint64_t>(e.result), next_});
      series.t_last_data = e.t_ns;
      continue;
    }
    if (e.kind != trace::EventKind::Packet) continue;
    const proto::PacketAnalysis* a = analyzer_.at(next_);
    if (a == nullptr || a->has(proto::kNoteWireDuplicate)) continue;
    auto& series = series_for(e.flow, e);
    std::size_t d = 0;
    if (series.directions[0].from == trace::kNoLane || series.directions[0].from == e.from) {
      series.directions[0].from = e.from;
    } else {
      d = 1;
      series.directions[1].from = e.from;
    }
    DirectionSeries& direction = series.directions[d];
    if (a->payload_length > 0) {
      SegmentMark mark = SegmentMark::Data;
      if (a->has(proto::kNoteWireDrop) || a->has(proto::kNoteWireDamaged)) {
        mark = SegmentMark::Dropped;
      } else if (a->has(proto::kNoteRetransmission)) {
        mark = SegmentMark::Retransmission;
      }
      direction.segments.push_back({e.t_ns, a->relative_seq, a->payload_length, next_, mark});
      direction.payload_bytes += a->payload_length;
      series.t_last_data = e.t_ns;
    }
    // An ACK counts once it reached the data's sender; a dropped one never told it anything.
    const proto::PacketSummary summary = proto::summarize(e.payload.span());
    if ((summary.tcp_flags & 0x10) != 0 && !a->has(proto::kNoteWireDrop) && !a->has(proto::kNoteWireDamaged)) {
      direction.acks.push_back({e.t_ns, a->relative_ack, next_, a->has(proto::kNoteDuplicateAck)});
    }
  }
}

const TcpFlowSeries* TcpGraphSeries::flow(trace::FlowId id) const {
  const auto it = flows_.find(id);
  return it == flows_.end() ? nullptr : &it->second;
}

trace::FlowId TcpGraphSeries::busiest_flow() const {
  trace::FlowId best = trace::kNoFlow;
  std::pair<std::size_t, std::uint64_t> best_score{0, 0};
  for (trace::FlowId id : order_) {
    const TcpFlowSeries& s = flows_.at(id);
    const std::uint64_t bytes =
        s.data_direction().payload_bytes + (s.most_sent().empty() ? 0 : s.most_sent().back().offset);
    const std::pair<std::size_t, std::uint64_t> score{s.sender_metrics().size(), bytes};
    if (best == trace::kNoFlow || score > best_score) {
      best = id;
      best_score = score;
    }
  }
  return best;
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
  std::vector<double> out;
  if (!(hi > lo) || count < 1) return out;
  const double raw = (hi - lo) / count;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * power;
    if (step >= raw) break;
  }
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push_back(v == 0 ? 0 : v);
  return out;
}

}  // namespace wirestep::view
