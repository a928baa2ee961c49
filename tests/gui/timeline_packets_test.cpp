// Timeline packet arrows: captions in relative numbers, drops stopping at the wire, held packets
// waiting, retransmissions linked to their drop, inferred arrows hidden per flow, hit testing.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "proto/packet/tcp_flow_analyzer.h"
#include "support/tcp_trace_builder.h"
#include "view/timeline_layout.h"

namespace wirestep::view {
namespace {

using testing::WireSegment;
using trace::Verdict;

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kAck = 0x10, kPsh = 0x08;
constexpr std::uint32_t kClientIsn = 1000, kServerIsn = 5000;

// A packet recorded the way the wire records it, at a time the test chooses: it left its host
// at t_ns - dur_ns and the wire delivered (or dropped, or held) it at t_ns.
std::size_t packet(trace::Trace& t, WireSegment w, std::int64_t t_ns, std::int64_t dur_ns = 0) {
  const auto bytes = testing::wire_segment_bytes(w);
  trace::Event e;
  e.kind = trace::EventKind::Packet;
  e.lane = t.lane("wire");
  e.from = t.lane(w.from_client ? "client" : "server");
  e.to = t.lane(w.from_client ? "server" : "client");
  e.transport = trace::Transport::Tcp;
  const trace::Address client = testing::test_client_address(w.client_port);
  const trace::Address server = testing::test_server_address();
  e.local = w.from_client ? client : server;
  e.peer = w.from_client ? server : client;
  e.flow = t.flow_of(client, server);
  e.verdict = w.verdict;
  e.link = w.link;
  e.t_ns = t_ns;
  e.dur_ns = dur_ns;
  e.payload_size = static_cast<std::uint32_t>(bytes.size());
  return static_cast<std::size_t>(t.append_recorded(e, bytes));
}

std::size_t impairment(trace::Trace& t, std::size_t packet_index, std::int64_t t_ns, std::string_view why) {
  trace::Event e;
  e.kind = trace::EventKind::Impairment;
  e.lane = t.lane("wire");
  e.verdict = Verdict::Dropped;
  e.link = packet_index;
  e.t_ns = t_ns;
  e.payload_size = static_cast<std::uint32_t>(why.size());
  return static_cast<std::size_t>(t.append_recorded(e, std::as_bytes(std::span(why.data(), why.size()))));
}

std::size_t call(trace::Trace& t, std::string_view lane, trace::Call c, std::int64_t t_ns, std::int64_t result,
                 std::uint64_t offset, trace::FlowId flow, std::int64_t dur_ns = 0) {
  trace::Event e;
  e.kind = trace::EventKind::SocketCall;
  e.lane = t.lane(lane);
  e.call = c;
  e.transport = trace::Transport::Tcp;
  e.t_ns = t_ns;
  e.dur_ns = dur_ns;
  e.result = result;
  e.stream_offset = offset;
  e.flow = flow;
  const bool client = lane == "client";
  e.local = client ? testing::test_client_address() : testing::test_server_address();
  e.peer = client ? testing::test_server_address() : testing::test_client_address();
  std::string payload(c == trace::Call::Send && result > 0 ? static_cast<std::size_t>(result) : 0, 'x');
  e.payload_size = static_cast<std::uint32_t>(payload.size());
  return static_cast<std::size_t>(t.append_recorded(e, std::as_bytes(std::span(payload.data(), payload.size()))));
}

struct Frame {
  TimelineIndex index;
  proto::TcpFlowAnalyzer analyzer;
  FrameInput input;
  DrawList list;

  Frame() {
    input.viewport = Viewport{0, 0, 1000, 600, 16, 8};
    input.view.top = 0;
    input.view.per_px = 100;  // 1 px = 100 ns: 60 µs in view, the tests' packets are a few µs apart
    input.analyzer = &analyzer;
  }
  const DrawList& build(const trace::Trace& t) {
    index.update(t);
    analyzer.update(t);
    build_frame(t, index, input, list);
    return list;
  }
  float x_of(const trace::Trace& t, std::string_view lane) const {
    for (const auto& column : lane_columns(index, input.viewport)) {
      if (t.lane_name(column.lane) == lane) return column.x;
    }
    return -1;
  }
  float y_of(std::int64_t t_ns) const { return input.view.y_of(t_ns, input.viewport.plot_top()); }
  std::vector<const Prim*> all(PrimKind kind) const {
    std::vector<const Prim*> out;
    for (const Prim& p : list.prims) {
      if (p.kind == kind) out.push_back(&p);
    }
    return out;
  }
  const Prim* packet_arrow(std::size_t event) const {
    for (const Prim& p : list.prims) {
      if (p.kind == PrimKind::PacketArrow && p.event == event) return &p;
    }
    return nullptr;
  }
  std::string text(const Prim* p) const { return p == nullptr ? "" : std::string(list.text_of(*p)); }
};

// SYN, SYN-ACK, ACK and 45 bytes of data, each 1 µs in flight, 2 µs apart.
struct Handshake {
  trace::Trace t;
  std::size_t syn, synack, ack, data;
  Handshake() {
    syn = packet(t, {.seq = kClientIsn, .flags = kSyn}, 2000, 1000);
    synack = packet(t, {.from_client = false, .seq = kServerIsn, .ack = kClientIsn + 1, .flags = kSyn | kAck}, 4000, 1000);
    ack = packet(t, {.seq = kClientIsn + 1, .ack = kServerIsn + 1, .flags = kAck}, 6000, 1000);
    data = packet(t, {.seq = kClientIsn + 1, .ack = kServerIsn + 1, .flags = kAck | kPsh, .payload = std::string(45, 'a')},
                  8000, 1000);
  }
};

TEST(TimelinePackets, EachPacketIsAnArrowFromSenderToReceiverSlopedByItsTimeInFlight) {
  Handshake h;
  Frame f;
  f.build(h.t);
  EXPECT_EQ(f.list.stats.packets, 4u);
  const Prim* syn = f.packet_arrow(h.syn);
  ASSERT_NE(syn, nullptr);
  EXPECT_FLOAT_EQ(syn->x0, f.x_of(h.t, "client"));
  EXPECT_FLOAT_EQ(syn->x1, f.x_of(h.t, "server"));
  EXPECT_FLOAT_EQ(syn->y0, f.y_of(1000)) << "it left when the wire read it from the client";
  EXPECT_FLOAT_EQ(syn->y1, f.y_of(2000)) << "it arrived when the wire delivered it";
  EXPECT_EQ(f.text(syn), "SYN seq=0");
  const Prim* synack = f.packet_arrow(h.synack);
  ASSERT_NE(synack, nullptr);
  EXPECT_FLOAT_EQ(synack->x0, f.x_of(h.t, "server"));
  EXPECT_FLOAT_EQ(synack->x1, f.x_of(h.t, "client"));
  EXPECT_EQ(f.text(synack), "SYN ACK seq=0 ack=1");
  EXPECT_EQ(f.text(f.packet_arrow(h.ack)), "ACK seq=1 ack=1");
  EXPECT_EQ(f.text(f.packet_arrow(h.data)), "ACK 1:46 (45 B)");
  // The wire is a column between the hosts, but its packets are arrows, not marks on it.
  EXPECT_GT(f.x_of(h.t, "wire"), f.x_of(h.t, "client"));
  EXPECT_LT(f.x_of(h.t, "wire"), f.x_of(h.t, "server"));
  EXPECT_TRUE(f.all(PrimKind::CallMark).empty());
}

TEST(TimelinePackets, HitTestingAPacketArrowSelectsItsEvent) {
  Handshake h;
  Frame f;
  f.build(h.t);
  const Prim* data = f.packet_arrow(h.data);
  ASSERT_NE(data, nullptr);
  const float x = (data->x0 + data->x1) / 2;
  const float y = (data->y0 + data->y1) / 2 + 2;
  const auto hit = hit_test(f.list, f.input.viewport, x, y);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(f.list.prims[*hit].event, h.data);
  EXPECT_FALSE(hit_test(f.list, f.input.viewport, x, y + 40).has_value()) << "nothing 40 px below";
}

TEST(TimelinePackets, ADroppedPacketStopsAtTheWireWithACrossAndItsRetransmissionLinksBack) {
  trace::Trace t;
  const std::size_t dropped = packet(t, {.seq = kClientIsn, .flags = kSyn, .verdict = Verdict::Dropped}, 2000);
  impairment(t, dropped, 2100, "scripted: drop syn#1");
  const std::size_t again = packet(t, {.seq = kClientIsn, .flags = kSyn}, 20000, 1000);
  Frame f;
  f.build(t);
  const Prim* cross = f.packet_arrow(dropped);
  ASSERT_NE(cross, nullptr);
  EXPECT_TRUE(cross->packet & kPacketDropped);
  EXPECT_FLOAT_EQ(cross->x0, f.x_of(t, "client"));
  EXPECT_FLOAT_EQ(cross->x1, f.x_of(t, "wire")) << "it never got past the wire";
  EXPECT_FLOAT_EQ(cross->y1, f.y_of(2000));
  EXPECT_EQ(f.text(cross), "dropped: SYN seq=0");
  EXPECT_EQ(f.list.stats.dropped, 1u);
  // The Impairment says why on inspection; as a mark on the wire it would cover the cross.
  EXPECT_TRUE(f.all(PrimKind::CallMark).empty());

  const Prim* retransmission = f.packet_arrow(again);
  ASSERT_NE(retransmission, nullptr);
  EXPECT_TRUE(retransmission->packet & kPacketRetransmission);
  EXPECT_FALSE(retransmission->packet & kPacketDropped);
  EXPECT_EQ(f.text(retransmission), "SYN seq=0 (retransmission, repairs drop #0)");
  const auto links = f.all(PrimKind::PacketLink);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_FLOAT_EQ(links[0]->x0, cross->x1);
  EXPECT_FLOAT_EQ(links[0]->y0, cross->y1);
  EXPECT_FLOAT_EQ(links[0]->x1, retransmission->x0);
  EXPECT_FLOAT_EQ(links[0]->y1, retransmission->y0);
  EXPECT_EQ(links[0]->event, again);
  EXPECT_EQ(links[0]->event2, dropped);
}

TEST(TimelinePackets, InferredArrowsAreHiddenOnlyForFlowsWithRealPackets) {
  trace::Trace t;
  Handshake h;  // packets of the test's flow
  trace::Trace& tr = h.t;
  const trace::FlowId with_packets = tr[h.syn].flow;
  const trace::FlowId socket_only = with_packets + 1;
  for (trace::FlowId flow : {with_packets, socket_only}) {
    const std::int64_t base = flow == with_packets ? 10000 : 40000;
    call(tr, "client", trace::Call::Connect, base, 0, 0, flow, 500);
    call(tr, "server", trace::Call::Accept, base + 1000, 7, 0, flow);
    call(tr, "client", trace::Call::Send, base + 2000, 45, 0, flow);
    call(tr, "server", trace::Call::Recv, base + 3000, 45, 0, flow);
  }
  Frame f;
  f.build(tr);
  const auto handshakes = f.all(PrimKind::Handshake);
  const auto arrows = f.all(PrimKind::Arrow);
  ASSERT_EQ(handshakes.size(), 1u) << "only the flow without packets keeps its inferred handshake";
  ASSERT_EQ(arrows.size(), 1u);
  EXPECT_GE(tr[handshakes[0]->event].t_ns, 40000);
  EXPECT_GE(tr[arrows[0]->event].t_ns, 40000);
  EXPECT_EQ(f.list.stats.packets, 4u);

  // A capture can stamp a packet after the call it caused: the inferred arrow already indexed
  // goes when the flow's first packet arrives.
  trace::Trace late;
  const trace::FlowId flow = late.flow_of(testing::test_client_address(), testing::test_server_address());
  call(late, "client", trace::Call::Send, 1000, 5, 0, flow);
  call(late, "server", trace::Call::Recv, 2000, 5, 0, flow);
  Frame g;
  g.build(late);
  EXPECT_EQ(g.all(PrimKind::Arrow).size(), 1u);
  packet(late, {.seq = kClientIsn + 1, .ack = kServerIsn + 1, .flags = kAck, .payload = "hello"}, 2500, 100);
  g.build(late);
  EXPECT_TRUE(g.all(PrimKind::Arrow).empty());
  EXPECT_EQ(g.all(PrimKind::PacketArrow).size(), 1u);
}

TEST(TimelinePackets, HeldPacketsWaitAtTheWireAndTheKernelsRetransmissionWaitsBehind) {
  trace::Trace t;
  const std::size_t held = packet(t, {.seq = kClientIsn, .flags = kSyn, .verdict = Verdict::Held}, 1000);
  Frame f;
  f.input.view.per_px = 1e7;  // 1 px = 10 ms: seconds of waiting
  f.input.clock_ns = 600'000'000;
  f.input.packet_next = true;
  f.build(t);
  const Prim* waiting = f.packet_arrow(held);
  ASSERT_NE(waiting, nullptr);
  EXPECT_TRUE(waiting->packet & kPacketHeld);
  EXPECT_TRUE(waiting->packet & kPacketNext);
  EXPECT_FLOAT_EQ(waiting->x1, f.x_of(t, "wire"));
  EXPECT_FLOAT_EQ(waiting->y0, f.y_of(1000));
  EXPECT_FLOAT_EQ(waiting->y1, f.y_of(600'000'000)) << "it grows with the clock while it waits";
  EXPECT_EQ(f.text(waiting), "next: packet, held 600 ms: SYN seq=0");

  // A second later the client's kernel sends the SYN again: it waits behind the first.
  const std::size_t repeat = packet(t, {.seq = kClientIsn, .flags = kSyn, .verdict = Verdict::Held}, 1'000'001'000);
  f.input.clock_ns = 1'500'000'000;
  f.build(t);
  const Prim* second = f.packet_arrow(repeat);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(second->packet & kPacketHeldRepeat);
  EXPECT_FALSE(second->packet & kPacketNext);
  EXPECT_EQ(second->event2, held);
  EXPECT_EQ(f.text(second), "held 500 ms: SYN seq=0 again (#0 still waits)");
  EXPECT_EQ(f.text(f.packet_arrow(held)), "next: packet, held 1.5 s: SYN seq=0");

  // A step releases the first: it becomes an arrow from when it left to when it arrived, and the
  // repeat is next.
  const std::size_t delivered =
      packet(t, {.seq = kClientIsn, .flags = kSyn, .link = held}, 1'600'000'000, 1'600'000'000 - 1000);
  f.input.clock_ns = 1'700'000'000;
  f.build(t);
  EXPECT_EQ(f.packet_arrow(held), nullptr);
  const Prim* arrived = f.packet_arrow(delivered);
  ASSERT_NE(arrived, nullptr);
  EXPECT_FALSE(arrived->packet & kPacketHeld);
  EXPECT_FLOAT_EQ(arrived->y0, f.y_of(1000));
  EXPECT_FLOAT_EQ(arrived->x1, f.x_of(t, "server"));
  ASSERT_NE(f.packet_arrow(repeat), nullptr);
  EXPECT_TRUE(f.packet_arrow(repeat)->packet & kPacketNext);
  // The Held event, selected in the inspector, lights the arrow it became.
  f.input.selected = held;
  f.build(t);
  EXPECT_TRUE(f.packet_arrow(delivered)->flags & kPrimSelected);
  EXPECT_FALSE(f.packet_arrow(repeat)->flags & kPrimSelected);
  f.input.selected.reset();

  // Replaying with the cursor before the release, the first still waits there.
  f.input.limit = delivered;
  f.input.clock_ns = -1;
  f.build(t);
  ASSERT_NE(f.packet_arrow(held), nullptr);
  EXPECT_EQ(f.packet_arrow(delivered), nullptr);
}

TEST(TimelinePackets, ThousandsOfPacketsFoldWhenZoomedOut) {
  trace::Trace t;
  std::uint32_t seq = kClientIsn + 1;
  for (int i = 0; i < 5000; ++i) {
    packet(t, {.seq = seq, .ack = kServerIsn + 1, .flags = kAck, .payload = "0123456789"}, 1000 + i * 1000, 500);
    seq += 10;
  }
  Frame f;
  f.input.view.per_px = 6'000'000.0 / 600;  // the whole 5 ms in 600 px: a packet a pixel
  f.build(t);
  EXPECT_EQ(f.list.stats.packets, 5000u) << "every packet is counted in some arrow or fold";
  EXPECT_LT(f.list.stats.arrows, 400u) << "but far fewer are drawn";
  const auto arrows = f.all(PrimKind::PacketArrow);
  EXPECT_TRUE(std::any_of(arrows.begin(), arrows.end(), [&](const Prim* p) {
    return p->count > 1 && f.text(p) == "×" + std::to_string(p->count) + " packets";
  }));
}

}  // namespace
}  // namespace wirestep::view
