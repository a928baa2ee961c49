// The TCP graph's data: per TCP flow, the time/sequence points of its packets and its sender's metrics.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/tcp_metrics.h"
#include "trace/trace.h"

namespace wirestep::view {

// How a data segment is drawn in the time/sequence (Stevens) graph.
enum class SegmentMark : std::uint8_t { Data, Retransmission, Dropped };

struct SegmentPoint {
  std::int64_t t_ns = 0;
  std::uint32_t seq = 0;  // relative: the first data byte is 1
  std::uint32_t length = 0;
  std::size_t event = 0;  // trace index, so a click can select the packet
  SegmentMark mark = SegmentMark::Data;
};

struct AckPoint {
  std::int64_t t_ns = 0;
  std::uint32_t ack = 0;  // relative to the other side's ISN
  std::size_t event = 0;
  bool duplicate = false;
};

// Bytes the applications moved, from send()/recv() results: what the socket tier can show when
// there are no packets (the sending kernel's segments are then unseen).
struct StreamPoint {
  std::int64_t t_ns = 0;
  std::uint64_t offset = 0;  // stream bytes moved so far, after this call
  std::size_t event = 0;
};

struct MetricsPoint {
  std::int64_t t_ns = 0;
  trace::TcpMetrics metrics;
  std::size_t event = 0;
};

// One direction of a connection: the packets one host sent.
struct DirectionSeries {
  trace::LaneId from = trace::kNoLane;  // the sending host's lane ("client")
  std::vector<SegmentPoint> segments;   // packets with payload
  std::vector<AckPoint> acks;           // what this side acknowledged of the other's data
  std::uint64_t payload_bytes = 0;
};

struct TcpFlowSeries {
  trace::FlowId flow = trace::kNoFlow;
  std::string label;                          // "10.77.0.1:41234 → 10.77.0.2:80", from the first event that named it
  std::array<DirectionSeries, 2> directions;  // in the order their first packet was seen
  // Per lane that recorded metrics for this flow (normally one: the sender's socket).
  std::map<trace::LaneId, std::vector<MetricsPoint>> metrics;
  std::map<trace::LaneId, std::vector<StreamPoint>> sent;  // send() per lane
  std::map<trace::LaneId, std::vector<StreamPoint>> read;  // recv() per lane
  std::int64_t t_first = 0;
  std::int64_t t_last = 0;
  std::int64_t t_last_data = 0;  // the last segment with payload or send()/recv() that moved bytes

  // The time range a graph of this flow shows: from its first event until a little after the
  // last data moved (the FINs and samples of a slow, stepped close would squeeze the transfer).
  std::pair<std::int64_t, std::int64_t> shown_range() const;

  bool has_packets() const { return !directions[0].segments.empty() || !directions[0].acks.empty(); }
  // The direction that carried the most payload (the bulk sender's): its segments are the dots,
  // the other direction's ACKs are the line.
  const DirectionSeries& data_direction() const;
  const DirectionSeries& ack_direction() const;
  // The metrics of the lane that saw the most bytes acknowledged: the sender. Empty when none.
  const std::vector<MetricsPoint>& sender_metrics() const;
  // The send()/recv() series of the lanes that moved the most bytes.
  const std::vector<StreamPoint>& most_sent() const;
  const std::vector<StreamPoint>& most_read() const;
  // The metrics in force at time t (the last sample at or before it), or null.
  const MetricsPoint* metrics_at(std::int64_t t_ns) const;
  // The segment closest to (t, seq) in plot space given the scales, within max_distance px.
  const SegmentPoint* nearest_segment(std::int64_t t_ns, double seq, double ns_per_px, double bytes_per_px,
                                      double max_distance_px) const;
};

// Reads a growing trace incrementally (update() looks only at new events). Not thread-safe: the
// GUI thread owns it. Given another trace it starts over.
class TcpGraphSeries {
 public:
  void update(const trace::Trace& trace);
  // TCP flows that have packets, metrics or data calls, in the order they first appeared.
  const std::vector<trace::FlowId>& flows() const { return order_; }
  const TcpFlowSeries* flow(trace::FlowId id) const;
  // The flow a graph shows when the user picked none: the one with the most metrics samples,
  // else the most payload; kNoFlow when there is no TCP flow.
  trace::FlowId busiest_flow() const;

 private:
  TcpFlowSeries& series_for(trace::FlowId id, const trace::Event& e);

  const trace::Trace* trace_ = nullptr;
  std::size_t next_ = 0;
  proto::TcpFlowAnalyzer analyzer_;
  std::map<trace::FlowId, TcpFlowSeries> flows_;
  std::vector<trace::FlowId> order_;
};

// About `count` round axis values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten.
std::vector<double> nice_ticks(double lo, double hi, int count);

}  // namespace wirestep::view
