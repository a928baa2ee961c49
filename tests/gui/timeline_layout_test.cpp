// Timeline view logic: visible ranges, folding, zoom, send->recv matching, hit testing.
#include "view/timeline_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "support/ladder_trace.h"

namespace wirestep::view {
namespace {

using trace::Call;
using trace::Event;
using trace::EventKind;

using testing::append_cue;
using testing::append_call;

trace::Address addr(std::uint16_t port) { return testing::loopback_address(port); }

// Appends a socket call recorded at t_ns on a lane; payload defaults to `result` bytes of 'x'.
std::uint64_t call(trace::Trace& t, std::string_view lane, Call c, std::int64_t t_ns, std::int64_t result = 0,
                   std::uint64_t offset = 0, trace::FlowId flow = 1, trace::Transport transport = trace::Transport::Tcp,
                   std::string payload = {}, std::int64_t dur_ns = 0) {
  testing::CallFields fields;
  fields.result = result;
  fields.offset = offset;
  fields.dur_ns = dur_ns;
  fields.flow = flow;
  fields.transport = transport;
  fields.payload = std::move(payload);
  return append_call(t, lane, c, t_ns, std::move(fields));
}

void note(trace::Trace& t, std::int64_t t_ns, std::string_view anchor) { append_cue(t, t_ns, anchor); }

std::size_t count_kind(const DrawList& list, PrimKind kind) {
  return static_cast<std::size_t>(
      std::count_if(list.prims.begin(), list.prims.end(), [&](const Prim& p) { return p.kind == kind; }));
}

FrameInput input_for(double top_ns, double ns_per_px) {
  FrameInput input;
  input.viewport = Viewport{0, 0, 1000, 600, 16, 8};
  input.view.top = top_ns;
  input.view.per_px = ns_per_px;
  return input;
}

TEST(TrackTest, BinarySearchFindsTheVisibleRange) {
  Track track;
  for (int i = 0; i < 1000; ++i) track.push(i * 10, static_cast<std::size_t>(i), static_cast<std::size_t>(i));
  EXPECT_EQ(track.lower_bound(0), 0u);
  EXPECT_EQ(track.lower_bound(55), 6u);
  EXPECT_EQ(track.upper_bound(60), 7u);
  EXPECT_EQ(track.lower_bound(100000), 1000u);
  EXPECT_EQ(track.index_bound(500), 500u);
  EXPECT_EQ(track.index_bound(4999), 1000u);
}

// Without the wire a user-space relay decides each datagram's fate: its drops are red marks
// on the relay's column ("✗ dropped"), what it passed on is plain.
TEST(TimelineLayoutTest, RelayDropsAreRedMarksOnTheRelaysColumn) {
  trace::Trace t;
  call(t, "client", Call::SendTo, 1'000'000, 24);
  const auto relay_event = [&](std::int64_t t_ns, trace::Verdict verdict) {
    Event e;
    e.kind = EventKind::Impairment;
    e.lane = t.lane("relay");
    e.from = t.lane("client");
    e.to = t.lane("server");
    e.verdict = verdict;
    e.transport = trace::Transport::Udp;
    e.t_ns = t_ns;
    t.append_recorded(e, std::span<const std::byte>{});
  };
  relay_event(2'000'000, trace::Verdict::Dropped);
  relay_event(40'000'000, trace::Verdict::Delivered);
  TimelineIndex index;
  index.update(t);
  auto input = input_for(0, 100'000);
  DrawList list;
  build_frame(t, index, input, list);
  std::vector<std::pair<std::string, bool>> relay_marks;  // label, drawn as an error
  for (const auto& p : list.prims) {
    if (p.kind == PrimKind::CallMark && t[p.event].kind == EventKind::Impairment) {
      relay_marks.emplace_back(std::string(list.text_of(p)), (p.flags & kPrimError) != 0);
      EXPECT_EQ(p.lane, t.lane("relay"));
    }
  }
  const std::vector<std::pair<std::string, bool>> expected = {{"\u2717 dropped", true}, {"passed on", false}};
  EXPECT_EQ(relay_marks, expected);
}

TEST(TimelineLayoutTest, DrawsOnlyEventsInsideTheViewport) {
  trace::Trace t;
  for (int i = 0; i < 100; ++i) call(t, "client", Call::Close, 1'000'000LL * i);  // 1 ms apart
  TimelineIndex index;
  index.update(t);
  // 1 µs per pixel: the plot (600 - header) shows about 0.57 ms starting at 10 ms.
  auto input = input_for(10'000'000, 10'000);
  DrawList list;
  build_frame(t, index, input, list);
  const float top = input.viewport.plot_top();
  const auto visible_ms = static_cast<int>((input.viewport.plot_bottom() - top) * 10'000 / 1'000'000);
  const std::size_t marks = count_kind(list, PrimKind::CallMark);
  EXPECT_GE(marks, static_cast<std::size_t>(visible_ms));
  EXPECT_LE(marks, static_cast<std::size_t>(visible_ms) + 2);
  for (const auto& p : list.prims) {
    if (p.kind == PrimKind::CallMark) {
      EXPECT_GE(t[p.event].t_ns, 9'000'000);
    }
  }
}

TEST(TimelineLayoutTest, FoldsDenseRunsWithACount) {
  trace::Trace t;
  for (int i = 0; i < 10; ++i) call(t, "client", Call::Close, 1000 + i);  // 1 ns apart
  call(t, "client", Call::Close, 50'000);
  TimelineIndex index;
  index.update(t);
  DrawList list;
  build_frame(t, index, input_for(0, 100), list);  // 100 ns per pixel
  ASSERT_EQ(count_kind(list, PrimKind::Fold), 1u);
  ASSERT_EQ(count_kind(list, PrimKind::CallMark), 1u);
  const auto fold = std::find_if(list.prims.begin(), list.prims.end(), [](const Prim& p) { return p.kind == PrimKind::Fold; });
  EXPECT_EQ(fold->count, 10u);
  EXPECT_EQ(fold->event, 0u);
  EXPECT_EQ(fold->event2, 9u);
  // Zoomed in far enough, the run is ten single marks.
  build_frame(t, index, input_for(998, 0.25), list);  // 4 px apart
  EXPECT_EQ(count_kind(list, PrimKind::Fold), 0u);
  EXPECT_EQ(count_kind(list, PrimKind::CallMark), 10u);
}

TEST(TimelineLayoutTest, ZoomKeepsThePointUnderTheCursor) {
  TimelineView view;
  view.top = 1'000'000;
  view.per_px = 50;
  const float top = 40;
  const double before = view.at_y(300, top);
  view.zoom_about(300, 0.5, top);
  EXPECT_NEAR(view.at_y(300, top), before, 1e-6);
  EXPECT_DOUBLE_EQ(view.per_px, 25);
  view.zoom_about(300, 8, top);
  EXPECT_NEAR(view.at_y(300, top), before, 1e-6);
  view.zoom_about(300, 1e-30, top);  // clamped, point still fixed
  EXPECT_DOUBLE_EQ(view.per_px, TimelineView::kMinNsPerPx);
  EXPECT_NEAR(view.at_y(300, top), before, 1e-6);
}

TEST(ArrowIndexTest, ASendSplitOverTwoRecvsGivesTwoArrows) {
  trace::Trace t;
  call(t, "client", Call::Send, 1000, 100, 0, 7, trace::Transport::Tcp, {}, 50);
  call(t, "server", Call::Recv, 2000, 60, 0, 7);
  call(t, "server", Call::Recv, 3000, 40, 60, 7);
  TimelineIndex index;
  index.update(t);
  const auto& arrows = index.arrows().arrows();
  ASSERT_EQ(arrows.size(), 2u);
  EXPECT_EQ(arrows[0].from_event, 0u);
  EXPECT_EQ(arrows[0].to_event, 1u);
  EXPECT_EQ(arrows[0].bytes, 60u);
  EXPECT_EQ(arrows[0].t_from, 950);  // the send's start
  EXPECT_EQ(arrows[1].to_event, 2u);
  EXPECT_EQ(arrows[1].bytes, 40u);
  EXPECT_EQ(arrows[1].offset, 60u);
}

TEST(ArrowIndexTest, MatchesARecvRecordedBeforeItsSendAndTwoSendsIntoOneRecv) {
  trace::Trace t;
  // The receiver's thread stamped first: recv 11 B at offset 0 before "hello " and "world".
  call(t, "server", Call::Recv, 1000, 11, 0, 3);
  call(t, "client", Call::Send, 1001, 6, 0, 3, trace::Transport::Tcp, "hello ");
  call(t, "client", Call::Send, 1002, 5, 6, 3, trace::Transport::Tcp, "world");
  // Another flow's bytes at the same offsets must not match.
  call(t, "server", Call::Recv, 1003, 6, 0, 4);
  TimelineIndex index;
  index.update(t);
  const auto& arrows = index.arrows().arrows();
  ASSERT_EQ(arrows.size(), 2u);
  EXPECT_EQ(arrows[0].from_event, 1u);
  EXPECT_EQ(arrows[1].from_event, 2u);
  EXPECT_EQ(arrows[0].to_event, 0u);
  EXPECT_EQ(arrows[1].to_event, 0u);
}

TEST(ArrowIndexTest, DatagramsMatchInOrderAndHandshakeIsInferred) {
  trace::Trace t;
  call(t, "client", Call::Connect, 100, 0, 0, 9, trace::Transport::Tcp, {}, 40);
  call(t, "server", Call::Accept, 200, 6, 0, 9);
  call(t, "client", Call::SendTo, 1000, 6, 0, 5, trace::Transport::Udp, "hello ");
  call(t, "client", Call::SendTo, 1100, 5, 6, 5, trace::Transport::Udp, "world");
  call(t, "server", Call::RecvFrom, 1200, 6, 0, 5, trace::Transport::Udp, "hello ");
  call(t, "server", Call::RecvFrom, 1300, 5, 6, 5, trace::Transport::Udp, "world");
  TimelineIndex index;
  index.update(t);
  const auto& arrows = index.arrows().arrows();
  ASSERT_EQ(arrows.size(), 3u);
  EXPECT_EQ(arrows[0].kind, ArrowKind::Handshake);
  EXPECT_EQ(arrows[0].t_from, 60);
  EXPECT_EQ(arrows[1].from_event, 2u);
  EXPECT_EQ(arrows[1].to_event, 4u);
  EXPECT_EQ(arrows[2].from_event, 3u);
  EXPECT_EQ(arrows[2].to_event, 5u);
}

TEST(ArrowIndexTest, AnImplicitlyBoundSenderStillMatches) {
  trace::Trace t;
  // sendto() on an unbound socket records its local address as 0.0.0.0:port; the receiver
  // sees 127.0.0.1:port. Same flow, same port: the same datagram.
  Event send;
  send.kind = EventKind::SocketCall;
  send.transport = trace::Transport::Udp;
  send.lane = t.lane("client");
  send.call = Call::SendTo;
  send.result = 3;
  send.flow = 2;
  send.local = addr(35733);
  send.local.ip = {};
  send.peer = addr(48702);
  send.t_ns = 10;
  send.payload_size = 3;
  t.append_recorded(send, std::as_bytes(std::span("abc", 3)));
  Event recv = send;
  recv.lane = t.lane("server");
  recv.call = Call::RecvFrom;
  recv.local = addr(48702);
  recv.peer = addr(35733);
  recv.t_ns = 20;
  t.append_recorded(recv, std::as_bytes(std::span("abc", 3)));
  TimelineIndex index;
  index.update(t);
  ASSERT_EQ(index.arrows().arrows().size(), 1u);
}

TEST(ArrowIndexTest, IndexGrowsIncrementallyAndLanesAreOrdered) {
  trace::Trace t;
  note(t, 10, "intro");
  call(t, "server", Call::Listen, 20);
  TimelineIndex index;
  index.update(t);
  EXPECT_EQ(index.indexed(), 2u);
  ASSERT_EQ(index.columns().size(), 1u);  // the "lesson" cue lane is no column
  call(t, "client#2", Call::Send, 30, 4, 0, 1);
  call(t, "client", Call::Socket, 31);
  call(t, "server", Call::Recv, 40, 4, 0, 1);
  index.update(t);
  EXPECT_EQ(index.indexed(), 5u);
  ASSERT_EQ(index.columns().size(), 3u);
  EXPECT_EQ(t.lane_name(index.columns()[0]), "client");
  EXPECT_EQ(t.lane_name(index.columns()[1]), "client#2");
  EXPECT_EQ(t.lane_name(index.columns()[2]), "server");
  EXPECT_EQ(index.cues().size(), 1u);
  // client#2 has its own address in a real run; here the flow ties it to the server's recv.
  EXPECT_EQ(index.arrows().arrows().size(), 1u);
}

TEST(ArrowIndexTest, TheRelayLaneStandsBetweenClientAndServer) {
  trace::Trace t;
  call(t, "server", Call::Bind, 10);
  trace::Event verdict;
  verdict.kind = trace::EventKind::Impairment;
  verdict.lane = t.lane("relay");
  verdict.from = t.lane("client");
  verdict.to = t.lane("server");
  verdict.verdict = trace::Verdict::Dropped;
  t.append(verdict, "dropped by the relay: loss 30 %, seed 7");
  call(t, "client", Call::SendTo, 30);
  TimelineIndex index;
  index.update(t);
  ASSERT_EQ(index.columns().size(), 3u);
  EXPECT_EQ(t.lane_name(index.columns()[0]), "client");
  EXPECT_EQ(t.lane_name(index.columns()[1]), "relay");
  EXPECT_EQ(t.lane_name(index.columns()[2]), "server");
}

TEST(HitTestTest, FindsMarksAndArrowsUnderThePointer) {
  trace::Trace t;
  call(t, "client", Call::Send, 100'000, 10, 0, 1);
  call(t, "server", Call::Recv, 300'000, 10, 0, 1);
  TimelineIndex index;
  index.update(t);
  auto input = input_for(0, 1000);
  DrawList list;
  build_frame(t, index, input, list);
  ASSERT_EQ(count_kind(list, PrimKind::CallMark), 2u);
  ASSERT_EQ(count_kind(list, PrimKind::Arrow), 1u);
  const auto mark = std::find_if(list.prims.begin(), list.prims.end(), [](const Prim& p) { return p.kind == PrimKind::CallMark; });
  auto hit = hit_test(list, input.viewport, mark->x0 + 2, mark->y0 + 1);
  ASSERT_TRUE(hit);
  EXPECT_EQ(list.prims[*hit].event, mark->event);
  const auto arrow = std::find_if(list.prims.begin(), list.prims.end(), [](const Prim& p) { return p.kind == PrimKind::Arrow; });
  hit = hit_test(list, input.viewport, (arrow->x0 + arrow->x1) / 2, (arrow->y0 + arrow->y1) / 2);
  ASSERT_TRUE(hit);
  EXPECT_EQ(list.prims[*hit].kind, PrimKind::Arrow);
  EXPECT_EQ(list.prims[*hit].event2, 1u);
  EXPECT_FALSE(hit_test(list, input.viewport, 990, 590));
}

TEST(TimelineLayoutTest, ReplayCursorHidesLaterEventsAndArrows) {
  trace::Trace t;
  call(t, "client", Call::Send, 100'000, 10, 0, 1);
  call(t, "server", Call::Recv, 300'000, 10, 0, 1);
  TimelineIndex index;
  index.update(t);
  auto input = input_for(0, 1000);
  input.limit = 1;
  DrawList list;
  build_frame(t, index, input, list);
  EXPECT_EQ(count_kind(list, PrimKind::CallMark), 1u);
  EXPECT_EQ(count_kind(list, PrimKind::Arrow), 0u);
}

TEST(TimeAxisTest, TickStepsAndLabelsAreRound) {
  EXPECT_EQ(tick_step(1000, 60), 100'000);
  EXPECT_EQ(tick_step(1000, 70), 100'000);
  EXPECT_EQ(tick_step(1000, 110), 200'000);
  EXPECT_EQ(tick_label(0, 1000), "0");
  EXPECT_EQ(tick_label(350'000, 50'000), "350 µs");
  EXPECT_EQ(tick_label(1'000'120'000, 10'000), "1.00012 s");
  EXPECT_EQ(tick_label(1'500'000, 500'000), "1.5 ms");
}

TEST(CallLabelTest, SaysWhatTheCallDid) {
  Event e;
  e.kind = EventKind::SocketCall;
  e.call = Call::Send;
  e.result = 89;
  EXPECT_EQ(call_label(e), "send 89 B");
  e.call = Call::Recv;
  e.result = 0;
  EXPECT_EQ(call_label(e), "recv EOF");
  e.call = Call::Connect;
  e.result = -1;
  e.err = 111;
  EXPECT_EQ(call_label(e), "connect(): ECONNREFUSED");
}

}  // namespace
}  // namespace wirestep::view
