// TCP graph series from hand-built traces: segments by relative seq with drops and their repairs
// marked, the ACK line, the sender's metrics, send()/recv() progress without packets, and ticks.
#include <gtest/gtest.h>

#include "support/tcp_trace_builder.h"
#include "view/tcp_graph_series.h"

namespace wirestep::view {
namespace {

using testing::TcpConversation;
constexpr auto kAck = TcpConversation::kAck;

std::size_t append_metrics(trace::Trace& trace, std::string_view lane, trace::FlowId flow, std::uint32_t cwnd,
                           std::uint64_t acked) {
  trace::TcpMetrics m;
  m.snd_cwnd = cwnd;
  m.bytes_acked = acked;
  m.rtt_us = 20'000;
  trace::Event e;
  e.kind = trace::EventKind::TcpMetrics;
  e.transport = trace::Transport::Tcp;
  e.lane = trace.lane(lane);
  e.flow = flow;
  return static_cast<std::size_t>(trace.append(e, trace::metrics_bytes(m)));
}

TEST(TcpGraphSeries, DataSegmentsDropsRepairsAndAcks) {
  TcpConversation c;  // handshake done: client seq 1, server seq 1
  const std::string mss(100, 'x');
  c.client(1, 1, mss);
  const std::size_t lost = c.client(101, 1, mss, kAck, trace::Verdict::Dropped);
  c.client(201, 1, mss);
  c.server(1, 101);
  c.server(1, 101);  // duplicate ACK: 101..200 is missing
  const std::size_t repair = c.client(101, 1, mss);
  c.server(1, 301);

  TcpGraphSeries series;
  series.update(c.trace);
  ASSERT_EQ(series.flows().size(), 1u);
  const TcpFlowSeries* flow = series.flow(c.flow());
  ASSERT_NE(flow, nullptr);
  EXPECT_TRUE(flow->has_packets());
  EXPECT_EQ(series.busiest_flow(), c.flow());
  EXPECT_EQ(flow->label, "10.77.0.1:41234 \xE2\x86\x92 10.77.0.2:80");
  EXPECT_EQ(flow->t_last_data, c.trace[repair].t_ns) << "the last segment that carried bytes";
  const auto [t0, t1] = flow->shown_range();
  EXPECT_EQ(t0, c.trace[0].t_ns) << "from the SYN";
  EXPECT_GE(t1, flow->t_last_data);
  EXPECT_LE(t1, std::max(flow->t_last, t0 + 1'000'000)) << "never wider than the flow, at least 1 ms";

  const DirectionSeries& data = flow->data_direction();
  EXPECT_EQ(c.trace.lane_name(data.from), "client");
  ASSERT_EQ(data.segments.size(), 4u);
  EXPECT_EQ(data.segments[0].seq, 1u);
  EXPECT_EQ(data.segments[0].length, 100u);
  EXPECT_EQ(data.segments[0].mark, SegmentMark::Data);
  EXPECT_EQ(data.segments[1].mark, SegmentMark::Dropped);
  EXPECT_EQ(data.segments[1].event, lost);
  EXPECT_EQ(data.segments[1].seq, 101u);
  EXPECT_EQ(data.segments[3].mark, SegmentMark::Retransmission);
  EXPECT_EQ(data.segments[3].event, repair);
  EXPECT_EQ(data.segments[3].seq, 101u);

  const DirectionSeries& acks = flow->ack_direction();
  EXPECT_EQ(c.trace.lane_name(acks.from), "server");
  ASSERT_GE(acks.acks.size(), 3u);
  const auto& last = acks.acks.back();
  EXPECT_EQ(last.ack, 301u);
  EXPECT_FALSE(last.duplicate);
  EXPECT_TRUE(acks.acks[acks.acks.size() - 2].duplicate || acks.acks[acks.acks.size() - 3].duplicate);
}

TEST(TcpGraphSeries, UpdatingInPiecesGivesTheSameSeriesAsAtOnce) {
  TcpConversation c;
  TcpGraphSeries piecewise;
  for (std::uint32_t i = 0; i < 5; ++i) {
    c.client(1 + i * 10, 1, std::string(10, 'a'));
    piecewise.update(c.trace);
    c.server(1, 11 + i * 10);
  }
  piecewise.update(c.trace);
  TcpGraphSeries whole;
  whole.update(c.trace);
  const auto& a = piecewise.flow(c.flow())->data_direction().segments;
  const auto& b = whole.flow(c.flow())->data_direction().segments;
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].event, b[i].event);
  EXPECT_EQ(piecewise.flow(c.flow())->ack_direction().acks.size(), whole.flow(c.flow())->ack_direction().acks.size());
}

TEST(TcpGraphSeries, TheSendersMetricsAreTheLaneWithTheMostAcknowledged) {
  TcpConversation c;
  const trace::FlowId flow = c.flow();
  append_metrics(c.trace, "server", flow, 10, 1);
  const std::size_t first = append_metrics(c.trace, "client", flow, 10, 1000);
  const std::size_t second = append_metrics(c.trace, "client", flow, 20, 5000);
  TcpGraphSeries series;
  series.update(c.trace);
  const TcpFlowSeries* s = series.flow(flow);
  ASSERT_NE(s, nullptr);
  const auto& metrics = s->sender_metrics();
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[0].event, first);
  EXPECT_EQ(metrics[1].metrics.snd_cwnd, 20u);
  // The metrics in force at a time: the last sample at or before it.
  EXPECT_EQ(s->metrics_at(c.trace[second].t_ns)->event, second);
  EXPECT_EQ(s->metrics_at(c.trace[second].t_ns - 1)->event, first);
  EXPECT_EQ(s->metrics_at(c.trace[first].t_ns - 1), nullptr);
}

TEST(TcpGraphSeries, WithoutPacketsSendAndRecvCallsShowTheStream) {
  trace::Trace trace;
  const trace::Address client = testing::test_client_address();
  const trace::Address server = testing::test_server_address();
  const trace::FlowId flow = trace.flow_of(client, server);
  const auto call = [&](std::string_view lane, trace::Call kind, std::uint64_t offset, std::int64_t result) {
    trace::Event e;
    e.kind = trace::EventKind::SocketCall;
    e.transport = trace::Transport::Tcp;
    e.lane = trace.lane(lane);
    e.call = kind;
    e.flow = flow;
    e.stream_offset = offset;
    e.result = result;
    e.local = lane == "client" ? client : server;
    e.peer = lane == "client" ? server : client;
    trace.append(e);
  };
  call("client", trace::Call::Send, 0, 1000);
  call("client", trace::Call::Send, 1000, 500);
  call("server", trace::Call::Recv, 0, 1200);
  call("server", trace::Call::Recv, 1200, 0);  // end of stream: not progress
  TcpGraphSeries series;
  series.update(trace);
  const TcpFlowSeries* s = series.flow(flow);
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->has_packets());
  ASSERT_EQ(s->most_sent().size(), 2u);
  EXPECT_EQ(s->most_sent().back().offset, 1500u);
  ASSERT_EQ(s->most_read().size(), 1u);
  EXPECT_EQ(s->most_read().back().offset, 1200u);
  EXPECT_EQ(series.busiest_flow(), flow);
}

TEST(TcpGraphSeries, NearestSegmentFindsTheBarUnderTheMouse) {
  TcpConversation c;
  const std::size_t a = c.client(1, 1, std::string(100, 'a'));
  const std::size_t b = c.client(101, 1, std::string(100, 'b'));
  TcpGraphSeries series;
  series.update(c.trace);
  const TcpFlowSeries* s = series.flow(c.flow());
  // 1 ns per pixel and 1 byte per pixel: b is at (t_b, 101..201).
  EXPECT_EQ(s->nearest_segment(c.trace[b].t_ns, 150, 1, 1, 5)->event, b);
  EXPECT_EQ(s->nearest_segment(c.trace[a].t_ns, 50, 1, 1, 5)->event, a);
  EXPECT_EQ(s->nearest_segment(c.trace[b].t_ns, 400, 1, 1, 5), nullptr) << "too far above the bar";
}

TEST(TcpGraphSeries, AnotherTraceStartsOver) {
  TcpConversation one;
  one.client(1, 1, "hello");
  TcpGraphSeries series;
  series.update(one.trace);
  ASSERT_EQ(series.flows().size(), 1u);
  trace::Trace empty;
  series.update(empty);
  EXPECT_TRUE(series.flows().empty());
  EXPECT_EQ(series.busiest_flow(), trace::kNoFlow);
}

TEST(NiceTicks, RoundStepsCoverTheRange) {
  EXPECT_EQ(nice_ticks(0, 10, 5), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(nice_ticks(0, 1000, 4), (std::vector<double>{0, 500, 1000}));
  const auto ticks = nice_ticks(13, 87, 4);
  ASSERT_FALSE(ticks.empty());
  EXPECT_GE(ticks.front(), 13);
  EXPECT_LE(ticks.back(), 87);
  EXPECT_TRUE(nice_ticks(5, 5, 4).empty());
}

}  // namespace
}  // namespace wirestep::view
