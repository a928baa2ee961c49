// Loss statistics from hand-built traces: drops and copies per direction, held packets counted
// once, the relay's datagram verdicts, TCP's reaction, goodput buckets, and incremental reading.
#include <gtest/gtest.h>

#include <numeric>

#include "support/tcp_trace_builder.h"
#include "support/trace_builder.h"
#include "view/loss_stats.h"

namespace wirestep::view {
namespace {

using testing::WireTraceBuilder;
using trace::Verdict;

constexpr std::int64_t kMs = 1'000'000;

std::vector<std::uint8_t> client_datagram(std::string_view text = "hello") {
  return testing::udp_v4(40000, 9000, testing::text_bytes(text));
}
std::vector<std::uint8_t> server_datagram(std::string_view text = "hi") {
  testing::Ipv4Spec ip;
  std::swap(ip.src, ip.dst);
  return testing::udp_v4(9000, 40000, testing::text_bytes(text), ip);
}

// A packet the wire dropped, followed by the Impairment event that says why, as the wire does.
void dropped(WireTraceBuilder& b, std::int64_t t, trace::LaneId from, trace::LaneId to,
             const std::vector<std::uint8_t>& ip) {
  const std::uint64_t seq = b.packet(t, from, to, ip, Verdict::Dropped);
  b.impairment(t, Verdict::Dropped, seq, "loss 10 %");
}

// What the relay records for one datagram: no packet, an Impairment naming both ends.
void relay(trace::Trace& trace, std::int64_t t, std::string_view from, std::string_view to, Verdict verdict) {
  trace::Event e;
  e.kind = trace::EventKind::Impairment;
  e.lane = trace.lane("relay");
  e.t_ns = t;
  e.from = trace.lane(from);
  e.to = trace.lane(to);
  e.verdict = verdict;
  e.transport = trace::Transport::Udp;
  e.requested = 40;
  const std::string_view why = "loss 10 %";
  trace.append_recorded(e, std::as_bytes(std::span(why.data(), why.size())));
}

void recv_call(trace::Trace& trace, std::int64_t t, std::string_view lane, trace::Call call, std::int64_t result) {
  trace::Event e;
  e.kind = trace::EventKind::SocketCall;
  e.lane = trace.lane(lane);
  e.t_ns = t;
  e.call = call;
  e.result = result;
  trace.append_recorded(e, {});
}

const DirectionStats* find(const LossStats& stats, trace::LaneId from, trace::LaneId to) {
  for (const DirectionStats& d : stats.directions()) {
    if (d.from == from && d.to == to) return &d;
  }
  return nullptr;
}

std::uint64_t sum(const std::vector<std::uint64_t>& v) { return std::accumulate(v.begin(), v.end(), std::uint64_t{0}); }

TEST(LossStats, DropsAreCountedPerDirection) {
  WireTraceBuilder b;
  b.packet(1 * kMs, b.client, b.server, client_datagram());
  dropped(b, 2 * kMs, b.client, b.server, client_datagram());
  b.packet(3 * kMs, b.client, b.server, client_datagram());
  dropped(b, 4 * kMs, b.client, b.server, client_datagram());
  b.packet(5 * kMs, b.server, b.client, server_datagram());
  dropped(b, 6 * kMs, b.server, b.client, server_datagram());
  dropped(b, 7 * kMs, b.server, b.client, server_datagram());

  LossStats stats;
  stats.update(b.trace, nullptr);
  EXPECT_TRUE(stats.saw_packets());
  EXPECT_FALSE(stats.relayed());
  ASSERT_EQ(stats.directions().size(), 2u) << "the wire's Impairment events explain packets; they are no traffic";
  const DirectionStats* up = find(stats, b.client, b.server);
  const DirectionStats* down = find(stats, b.server, b.client);
  ASSERT_NE(up, nullptr);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(up->counts.sent, 4u);
  EXPECT_EQ(up->counts.arrived, 2u);
  EXPECT_EQ(up->counts.dropped, 2u);
  EXPECT_EQ(up->counts.lost(), 2u);
  EXPECT_EQ(down->counts.sent, 3u);
  EXPECT_EQ(down->counts.arrived, 1u);
  EXPECT_EQ(down->counts.dropped, 2u);
  EXPECT_EQ(stats.total().dropped, 4u);
  EXPECT_EQ(sum(up->sent_per_bucket), 4u);
  EXPECT_EQ(sum(up->lost_per_bucket), 2u);
  EXPECT_EQ(sum(down->lost_per_bucket), 2u);

  // Both directions between the same two hosts side by side, the first sender first.
  ASSERT_EQ(stats.pairs().size(), 1u);
  const LanePair& pair = stats.pairs()[0];
  EXPECT_EQ(pair.a, b.client);
  EXPECT_EQ(pair.b, b.server);
  EXPECT_EQ(&stats.directions()[static_cast<std::size_t>(pair.a_to_b)], up);
  EXPECT_EQ(&stats.directions()[static_cast<std::size_t>(pair.b_to_a)], down);

  // The cumulative plot ends at the totals.
  const auto sent = plot_values(up->sent_per_bucket, stats.bucket_count(), true);
  const auto lost = plot_values(up->lost_per_bucket, stats.bucket_count(), true);
  ASSERT_EQ(sent.size(), stats.bucket_count());
  EXPECT_EQ(sent.back(), 4.0f);
  EXPECT_EQ(lost.back(), 2.0f);
  EXPECT_TRUE(std::is_sorted(sent.begin(), sent.end()));
}

TEST(LossStats, DuplicatesAreTheLinksCopiesNotSends) {
  WireTraceBuilder b;
  const std::uint64_t why = b.impairment(1 * kMs, Verdict::Duplicated, trace::kNoSeq, "duplicate 5 %");
  b.packet(1 * kMs, b.client, b.server, client_datagram(), Verdict::Delivered, why);
  b.packet(2 * kMs, b.client, b.server, client_datagram(), Verdict::Duplicated, why);
  b.packet(2 * kMs, b.client, b.server, client_datagram(), Verdict::Duplicated, why);

  LossStats stats;
  stats.update(b.trace, nullptr);
  const DirectionStats* up = find(stats, b.client, b.server);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->counts.sent, 1u) << "the sender sent it once";
  EXPECT_EQ(up->counts.arrived, 1u);
  EXPECT_EQ(up->counts.duplicated, 2u);
  EXPECT_EQ(up->counts.lost(), 0u);
  EXPECT_EQ(sum(up->sent_per_bucket), 1u);
}

TEST(LossStats, AHeldPacketCountsOnceWhenTheWireDecides) {
  WireTraceBuilder b;
  const std::uint64_t held_a = b.packet(1 * kMs, b.client, b.server, client_datagram("a"), Verdict::Held);
  const std::uint64_t held_b = b.packet(2 * kMs, b.client, b.server, client_datagram("b"), Verdict::Held);
  const std::uint64_t held_c = b.packet(3 * kMs, b.client, b.server, client_datagram("c"), Verdict::Held);

  LossStats stats;
  stats.update(b.trace, nullptr);
  const DirectionStats* up = find(stats, b.client, b.server);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->counts.held_now, 3u);
  EXPECT_EQ(up->counts.sent, 0u) << "held is not traffic yet";
  EXPECT_EQ(sum(up->sent_per_bucket), 0u);

  // a: released late and doubled, both copies linking to the wire's explanation of the hold.
  const std::uint64_t why = b.impairment(10 * kMs, Verdict::Delayed, held_a, "reorder: held back 10 ms");
  b.packet(20 * kMs, b.client, b.server, client_datagram("a"), Verdict::Delayed, why);
  b.packet(21 * kMs, b.client, b.server, client_datagram("a"), Verdict::Duplicated, why);
  // b: released as it was (linking straight to the hold).
  b.packet(22 * kMs, b.client, b.server, client_datagram("b"), Verdict::Delivered, held_b);
  stats.update(b.trace, nullptr);
  up = find(stats, b.client, b.server);
  EXPECT_EQ(up->counts.held_now, 1u);
  EXPECT_EQ(up->counts.sent, 2u);
  EXPECT_EQ(up->counts.delayed, 1u);
  EXPECT_EQ(up->counts.duplicated, 1u);
  EXPECT_EQ(up->counts.arrived, 2u);

  // c: dropped on release; the drop's explanation follows it.
  const std::uint64_t drop = b.packet(30 * kMs, b.client, b.server, client_datagram("c"), Verdict::Dropped, held_c);
  b.impairment(30 * kMs, Verdict::Dropped, drop, "loss 10 %");
  stats.update(b.trace, nullptr);
  up = find(stats, b.client, b.server);
  EXPECT_EQ(up->counts.held_now, 0u);
  EXPECT_EQ(up->counts.sent, 3u);
  EXPECT_EQ(up->counts.dropped, 1u);
  EXPECT_EQ(up->counts.arrived, 2u);
  EXPECT_EQ(stats.directions().size(), 1u);
}

TEST(LossStats, ADamagedPacketTheReceiverThrowsAwayIsLost) {
  WireTraceBuilder b;
  auto damaged = client_datagram("payload");
  damaged.back() ^= 0x01;  // after the checksum was computed: the receiver drops it
  b.packet(1 * kMs, b.client, b.server, damaged, Verdict::Corrupted);
  // A corruption that left the checksum valid (here: none at all) reaches the receiver.
  b.packet(2 * kMs, b.client, b.server, client_datagram("payload"), Verdict::Corrupted);

  LossStats stats;
  stats.update(b.trace, nullptr);
  const DirectionStats* up = find(stats, b.client, b.server);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->counts.sent, 2u);
  EXPECT_EQ(up->counts.damaged, 2u);
  EXPECT_EQ(up->counts.discarded, 1u);
  EXPECT_EQ(up->counts.arrived, 1u);
  EXPECT_EQ(up->counts.lost(), 1u);
  EXPECT_EQ(sum(up->lost_per_bucket), 1u);
}

TEST(LossStats, TheRelaysImpairmentEventsAreDatagrams) {
  trace::Trace trace;
  relay(trace, 1 * kMs, "client", "server", Verdict::Delivered);
  relay(trace, 2 * kMs, "client", "server", Verdict::Dropped);
  relay(trace, 3 * kMs, "client", "server", Verdict::Delayed);
  relay(trace, 4 * kMs, "client", "server", Verdict::Corrupted);
  relay(trace, 4 * kMs, "client", "server", Verdict::Duplicated);
  relay(trace, 5 * kMs, "server", "client", Verdict::Delivered);

  LossStats stats;
  stats.update(trace, nullptr);
  EXPECT_TRUE(stats.saw_packets());
  EXPECT_TRUE(stats.relayed());
  const DirectionStats* up = find(stats, trace.lane("client"), trace.lane("server"));
  const DirectionStats* down = find(stats, trace.lane("server"), trace.lane("client"));
  ASSERT_NE(up, nullptr);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(up->counts.sent, 4u);
  EXPECT_EQ(up->counts.dropped, 1u);
  EXPECT_EQ(up->counts.delayed, 1u);
  EXPECT_EQ(up->counts.damaged, 1u);
  EXPECT_EQ(up->counts.discarded, 0u) << "the relay's damaged datagram still reaches the receiver";
  EXPECT_EQ(up->counts.arrived, 3u);
  EXPECT_EQ(up->counts.duplicated, 1u);
  EXPECT_EQ(down->counts.sent, 1u);
  EXPECT_EQ(down->counts.arrived, 1u);
}

TEST(LossStats, TcpRetransmissionsAndDuplicateAcksComeFromTheAnalyzer) {
  testing::TcpConversation c;
  const std::string mss(100, 'x');
  c.client(1, 1, mss);
  c.client(101, 1, mss, testing::TcpConversation::kAck, Verdict::Dropped);
  c.client(201, 1, mss);
  c.client(301, 1, mss);
  c.client(401, 1, mss);
  c.server(1, 101);
  c.server(1, 101);
  c.server(1, 101);
  c.server(1, 101);
  c.client(101, 1, mss);  // the fast retransmission after three duplicate ACKs
  c.server(1, 501);

  proto::TcpFlowAnalyzer analyzer;
  analyzer.update(c.trace);
  LossStats stats;
  stats.update(c.trace, &analyzer);
  const trace::LaneId client = c.trace.lane("client");
  const trace::LaneId server = c.trace.lane("server");
  const DirectionStats* up = find(stats, client, server);
  const DirectionStats* down = find(stats, server, client);
  ASSERT_NE(up, nullptr);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(up->counts.sent, 8u) << "SYN, ACK, five segments, one repair";
  EXPECT_EQ(up->counts.tcp_packets, 8u);
  EXPECT_EQ(up->counts.dropped, 1u);
  EXPECT_EQ(up->counts.retransmissions, 1u);
  EXPECT_EQ(up->counts.fast_retransmissions, 1u);
  EXPECT_EQ(up->counts.duplicate_acks, 0u);
  EXPECT_EQ(down->counts.duplicate_acks, 3u);
  EXPECT_EQ(down->counts.retransmissions, 0u);

  // Without the analyzer there are no TCP counters, and the packets still count.
  LossStats bare;
  bare.update(c.trace, nullptr);
  EXPECT_EQ(find(bare, client, server)->counts.retransmissions, 0u);
  EXPECT_EQ(find(bare, client, server)->counts.sent, 8u);
}

TEST(LossStats, ASegmentTheWireHeldBackArrivesOutOfOrder) {
  testing::TcpConversation c;
  const std::string mss(100, 'x');
  c.client(1, 1, mss);
  c.client(201, 1, mss);
  c.client(101, 1, mss, testing::TcpConversation::kAck, Verdict::Delayed);
  proto::TcpFlowAnalyzer analyzer;
  analyzer.update(c.trace);
  LossStats stats;
  stats.update(c.trace, &analyzer);
  const DirectionStats* up = find(stats, c.trace.lane("client"), c.trace.lane("server"));
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->counts.delayed, 1u);
  EXPECT_EQ(up->counts.out_of_order, 1u);
  EXPECT_EQ(up->counts.retransmissions, 0u);
}

TEST(LossStats, GoodputBucketsSumToTheBytesReceived) {
  trace::Trace trace;
  std::uint64_t server_bytes = 0;
  std::uint64_t client_bytes = 0;
  // Ten seconds of receives, far more than kMaxBuckets first-size buckets: they must merge.
  for (int i = 0; i < 1500; ++i) {
    const std::int64_t t = i * 7 * kMs;
    const std::int64_t n = 100 + i % 37;
    recv_call(trace, t, "server", trace::Call::RecvFrom, n);
    server_bytes += static_cast<std::uint64_t>(n);
    if (i % 10 == 0) {
      recv_call(trace, t, "client", trace::Call::Recv, 1000);
      client_bytes += 1000;
    }
    if (i % 100 == 0) {
      recv_call(trace, t, "client", trace::Call::Recv, -1);   // an error moves no bytes
      recv_call(trace, t, "client", trace::Call::Recv, 0);    // end of stream
      recv_call(trace, t, "client", trace::Call::Send, 500);  // sent, not received
    }
  }
  LossStats stats;
  stats.update(trace, nullptr);
  EXPECT_FALSE(stats.saw_packets());
  EXPECT_TRUE(stats.directions().empty());
  ASSERT_EQ(stats.goodput().size(), 2u);
  const LaneGoodput& server = stats.goodput()[0];
  const LaneGoodput& client = stats.goodput()[1];
  EXPECT_EQ(trace.lane_name(server.lane), "server");
  EXPECT_EQ(server.bytes, server_bytes);
  EXPECT_EQ(sum(server.per_bucket), server_bytes);
  EXPECT_EQ(client.bytes, client_bytes);
  EXPECT_EQ(sum(client.per_bucket), client_bytes);

  // The whole run in at most kMaxBuckets buckets, and not needlessly few.
  const std::int64_t span = trace[trace.size() - 1].t_ns - stats.origin_ns();
  EXPECT_LE(stats.bucket_count(), LossStats::kMaxBuckets);
  EXPECT_GT(stats.bucket_count(), LossStats::kMaxBuckets / 2);
  EXPECT_GT(static_cast<std::int64_t>(stats.bucket_count()) * stats.bucket_ns(), span);
  EXPECT_LE(server.per_bucket.size(), stats.bucket_count());
  const auto plotted = plot_values(server.per_bucket, stats.bucket_count(), false);
  EXPECT_EQ(std::accumulate(plotted.begin(), plotted.end(), 0.0), static_cast<double>(server_bytes));
}

// A run with everything: drops both ways, holds, copies, relay datagrams, receives, over a
// span long enough to merge buckets several times.
void mixed_run(WireTraceBuilder& b) {
  for (int i = 0; i < 400; ++i) {
    const std::int64_t t = i * 23 * kMs;
    if (i % 7 == 0) {
      dropped(b, t, b.client, b.server, client_datagram());
    } else if (i % 11 == 0) {
      const std::uint64_t held = b.packet(t, b.client, b.server, client_datagram(), Verdict::Held);
      const std::uint64_t why = b.impairment(t + kMs, Verdict::Delayed, held, "reorder");
      b.packet(t + 2 * kMs, b.client, b.server, client_datagram(), Verdict::Delayed, why);
      b.packet(t + 2 * kMs, b.client, b.server, client_datagram(), Verdict::Duplicated, why);
    } else {
      b.packet(t, b.client, b.server, client_datagram());
    }
    if (i % 5 == 0) b.packet(t + kMs, b.server, b.client, server_datagram());
    if (i % 13 == 0) dropped(b, t + kMs, b.server, b.client, server_datagram());
    if (i % 3 == 0) relay(b.trace, t + 2 * kMs, "client", "server", i % 2 == 0 ? Verdict::Dropped : Verdict::Delivered);
    recv_call(b.trace, t + 3 * kMs, "server", trace::Call::RecvFrom, 40 + i % 9);
  }
}

void expect_same(const LossStats& a, const LossStats& b) {
  EXPECT_EQ(a.read(), b.read());
  EXPECT_EQ(a.bucket_ns(), b.bucket_ns());
  EXPECT_EQ(a.bucket_count(), b.bucket_count());
  ASSERT_EQ(a.directions().size(), b.directions().size());
  for (std::size_t i = 0; i < a.directions().size(); ++i) {
    const DirectionStats& x = a.directions()[i];
    const DirectionStats& y = b.directions()[i];
    EXPECT_EQ(x.from, y.from);
    EXPECT_EQ(x.to, y.to);
    EXPECT_EQ(x.counts, y.counts) << "direction " << i;
    EXPECT_EQ(plot_values(x.sent_per_bucket, a.bucket_count(), false),
              plot_values(y.sent_per_bucket, b.bucket_count(), false));
    EXPECT_EQ(plot_values(x.lost_per_bucket, a.bucket_count(), false),
              plot_values(y.lost_per_bucket, b.bucket_count(), false));
  }
  ASSERT_EQ(a.goodput().size(), b.goodput().size());
  for (std::size_t i = 0; i < a.goodput().size(); ++i) {
    EXPECT_EQ(a.goodput()[i].bytes, b.goodput()[i].bytes);
    EXPECT_EQ(plot_values(a.goodput()[i].per_bucket, a.bucket_count(), false),
              plot_values(b.goodput()[i].per_bucket, b.bucket_count(), false));
  }
}

TEST(LossStats, ReadingInPiecesEqualsReadingAtOnce) {
  WireTraceBuilder b;
  mixed_run(b);
  LossStats whole;
  whole.update(b.trace, nullptr);
  ASSERT_GT(whole.bucket_ns(), LossStats::kFirstBucketNs) << "the run is long enough to merge buckets";
  ASSERT_EQ(whole.directions().size(), 2u);

  LossStats pieces;
  for (std::size_t limit = 0; limit <= b.trace.size(); limit += 17) pieces.update(b.trace, nullptr, limit);
  pieces.update(b.trace, nullptr);
  expect_same(pieces, whole);

  // An analyzer that has read less holds the reader back: it goes on where the analyzer went.
  proto::TcpFlowAnalyzer behind;
  LossStats follows;
  follows.update(b.trace, &behind);
  EXPECT_EQ(follows.read(), 0u);
  behind.update(b.trace);
  follows.update(b.trace, &behind);
  expect_same(follows, whole);
}

std::uint64_t whole_sent(const WireTraceBuilder& b) {
  LossStats stats;
  stats.update(b.trace, nullptr);
  return stats.total().sent;
}

TEST(LossStats, AReplayCursorMovedBackStartsOver) {
  WireTraceBuilder b;
  mixed_run(b);
  const std::size_t half = b.trace.size() / 2;
  LossStats at_half;
  at_half.update(b.trace, nullptr, half);
  LossStats moved;
  moved.update(b.trace, nullptr);
  moved.update(b.trace, nullptr, half);
  expect_same(moved, at_half);
  EXPECT_LT(moved.total().sent, whole_sent(b));
}

TEST(LossStats, AnotherTraceStartsOver) {
  WireTraceBuilder first;
  mixed_run(first);
  trace::Trace second;
  relay(second, 5 * kMs, "alice", "bob", Verdict::Dropped);
  LossStats stats;
  stats.update(first.trace, nullptr);
  stats.update(second, nullptr);
  ASSERT_EQ(stats.directions().size(), 1u);
  EXPECT_EQ(stats.total().sent, 1u);
  EXPECT_EQ(stats.total().dropped, 1u);
  EXPECT_TRUE(stats.goodput().empty());
  EXPECT_EQ(stats.bucket_ns(), LossStats::kFirstBucketNs);
}

}  // namespace
}  // namespace wirestep::view
