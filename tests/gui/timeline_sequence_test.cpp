// Sequence spacing: one row per marked event in trace order. Bursts come apart, pauses take one
// row, arrows join the rows of their ends, the axis gives rows their times, folding still works
// zoomed out, and the rows grow with the trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "support/ladder_trace.h"
#include "view/time_format.h"
#include "view/timeline_layout.h"

namespace wirestep::view {
namespace {

using trace::Call;
using trace::Event;
using trace::EventKind;

// A socket call recorded at t_ns on a lane; sends carry `result` bytes of 'x'.
std::size_t call(trace::Trace& t, std::string_view lane, Call c, std::int64_t t_ns, std::int64_t result = 0,
                 std::uint64_t offset = 0, std::int64_t dur_ns = 0) {
  testing::CallFields fields;
  fields.result = result;
  fields.offset = offset;
  fields.dur_ns = dur_ns;
  return static_cast<std::size_t>(testing::append_call(t, lane, c, t_ns, std::move(fields)));
}

std::size_t state(trace::Trace& t, std::string_view lane, std::int64_t t_ns) {
  Event e;
  e.kind = EventKind::TcpState;
  e.lane = t.lane(lane);
  e.t_ns = t_ns;
  e.old_state = 1;
  e.new_state = 2;
  return static_cast<std::size_t>(t.append_recorded(e, {}));
}

std::size_t cue(trace::Trace& t, std::int64_t t_ns, std::string_view anchor) {
  return static_cast<std::size_t>(testing::append_cue(t, t_ns, anchor));
}

// A packet the wire delivered at t_ns after dur_ns in flight (no bytes: the arrow needs none).
std::size_t packet(trace::Trace& t, bool from_client, std::int64_t t_ns, std::int64_t dur_ns) {
  Event e;
  e.kind = EventKind::Packet;
  e.lane = t.lane("wire");
  e.from = t.lane(from_client ? "client" : "server");
  e.to = t.lane(from_client ? "server" : "client");
  e.t_ns = t_ns;
  e.dur_ns = dur_ns;
  e.verdict = trace::Verdict::Delivered;
  return static_cast<std::size_t>(t.append_recorded(e, {}));
}

std::size_t metrics(trace::Trace& t, std::string_view lane, std::int64_t t_ns) {
  Event e;
  e.kind = EventKind::TcpMetrics;
  e.lane = t.lane(lane);
  e.t_ns = t_ns;
  return static_cast<std::size_t>(t.append_recorded(e, {}));
}

constexpr float kRowPx = 30;

// Sequence spacing with rows kRowPx tall and row 0 at the top of the plot.
FrameInput sequence_input(double first_row = 0, double rows_per_px = 1 / kRowPx) {
  FrameInput input;
  input.viewport = Viewport{0, 0, 1000, 600, 16, 8};
  input.view.spacing = Spacing::Sequence;
  input.view.per_px = rows_per_px;
  input.view.top = first_row - 0.5;
  return input;
}

std::vector<const Prim*> all(const DrawList& list, PrimKind kind) {
  std::vector<const Prim*> out;
  for (const Prim& p : list.prims) {
    if (p.kind == kind) out.push_back(&p);
  }
  return out;
}

const Prim* mark_of(const DrawList& list, std::size_t event) {
  for (const Prim& p : list.prims) {
    if ((p.kind == PrimKind::CallMark || p.kind == PrimKind::StateLabel || p.kind == PrimKind::CueMark) &&
        p.event == event && p.count == 1) {
      return &p;
    }
  }
  return nullptr;
}

float row_y(const FrameInput& input, double row) { return input.view.y_of(row, input.viewport.plot_top()); }

TEST(TimelineSequenceTest, EveryMarkedEventGetsARowInTraceOrder) {
  trace::Trace t;
  const std::size_t intro = cue(t, 5, "intro");
  const std::size_t listen = call(t, "server", Call::Listen, 10);
  metrics(t, "server", 11);  // plotted by the TCP graph, no mark here
  const std::size_t established = state(t, "server", 12);
  const std::size_t syn = packet(t, true, 20, 3);
  const std::size_t connect = call(t, "client", Call::Connect, 21);
  TimelineIndex index;
  index.update(t);
  const Rows& rows = index.rows();
  ASSERT_EQ(rows.size(), 5u);
  const std::vector<std::uint32_t> expected{static_cast<std::uint32_t>(intro), static_cast<std::uint32_t>(listen),
                                            static_cast<std::uint32_t>(established), static_cast<std::uint32_t>(syn),
                                            static_cast<std::uint32_t>(connect)};
  EXPECT_EQ(rows.events, expected);
  EXPECT_TRUE(std::is_sorted(rows.times.begin(), rows.times.end()));
  EXPECT_EQ(rows.row_of(syn), 3u);
  EXPECT_FALSE(rows.row_of(2)) << "a metrics sample has no row";
  // Each track knows its entries' rows.
  EXPECT_EQ(index.lane(t.lane("server"))->calls.rows.front(), 1u);
  EXPECT_EQ(index.lane(t.lane("server"))->states.rows.front(), 2u);
  EXPECT_EQ(index.cues().rows.front(), 0u);
}

TEST(TimelineSequenceTest, AMicrosecondBurstComesApart) {
  trace::Trace t;
  for (int i = 0; i < 10; ++i) call(t, i % 2 == 0 ? "client" : "server", Call::Close, 1'000 + i * 100);  // 100 ns apart
  TimelineIndex index;
  index.update(t);
  // Time spacing, the run fitted into the plot the way "Fit all" does with a 1 s trace: one fold per lane.
  FrameInput time_input = sequence_input();
  time_input.view.spacing = Spacing::Time;
  time_input.view.fit(0, 1'000'000'000, 570, 1000);
  DrawList list;
  build_frame(t, index, time_input, list);
  EXPECT_EQ(all(list, PrimKind::CallMark).size(), 0u);
  EXPECT_EQ(all(list, PrimKind::Fold).size(), 2u);
  // Sequence spacing: ten marks, a row apart, in the order recorded.
  const FrameInput input = sequence_input();
  build_frame(t, index, input, list);
  EXPECT_EQ(all(list, PrimKind::Fold).size(), 0u);
  ASSERT_EQ(all(list, PrimKind::CallMark).size(), 10u);
  for (std::size_t event = 0; event < 10; ++event) {
    const Prim* mark = mark_of(list, event);
    ASSERT_NE(mark, nullptr) << event;
    EXPECT_FLOAT_EQ(mark->y0, row_y(input, static_cast<double>(event))) << event;
    EXPECT_TRUE(mark->flags & kPrimLabel) << "a row is tall enough for the call's box";
  }
}

TEST(TimelineSequenceTest, ALongPauseTakesOneRowAndTheAxisSaysHowLong) {
  trace::Trace t;
  call(t, "client", Call::Socket, 1'000);
  call(t, "client", Call::Connect, 2'000);
  call(t, "client", Call::Send, 45'000'002'000, 3);  // the student stepped after 45 s
  TimelineIndex index;
  index.update(t);
  const FrameInput input = sequence_input();
  DrawList list;
  build_frame(t, index, input, list);
  ASSERT_NE(mark_of(list, 1), nullptr);
  ASSERT_NE(mark_of(list, 2), nullptr);
  EXPECT_FLOAT_EQ(mark_of(list, 2)->y0 - mark_of(list, 1)->y0, kRowPx) << "45 s takes no more room than 1 µs";
  EXPECT_FLOAT_EQ(mark_of(list, 1)->y0 - mark_of(list, 0)->y0, kRowPx);
  const auto pauses = all(list, PrimKind::AxisPause);
  ASSERT_EQ(pauses.size(), 1u);
  EXPECT_EQ(list.text_of(*pauses[0]), "+45 s");
  EXPECT_FLOAT_EQ(pauses[0]->y0, row_y(input, 1.5)) << "between the two rows";
  // The row after the pause carries its time, so the jump reads on the axis.
  const auto ticks = all(list, PrimKind::AxisTick);
  ASSERT_FALSE(ticks.empty());
  EXPECT_EQ(ticks.back()->event, 2u);
  EXPECT_FLOAT_EQ(ticks.back()->y0, mark_of(list, 2)->y0);
  EXPECT_EQ(list.text_of(*ticks.back()).substr(0, 4), "45.0");
}

TEST(TimelineSequenceTest, RowTimesReadInOrderWithEnoughDigitsAndNeverCollide) {
  trace::Trace t;
  // A paced run: bursts a few µs long, 0.4 s apart, from 2.4 s on.
  std::int64_t now = 2'400'000'000;
  for (int step = 0; step < 12; ++step) {
    for (int i = 0; i < 3; ++i) call(t, i == 1 ? "server" : "client", Call::Close, now + i * 5'000);
    now += 400'000'000;
  }
  TimelineIndex index;
  index.update(t);
  const FrameInput input = sequence_input();
  DrawList list;
  build_frame(t, index, input, list);
  std::vector<double> seconds;
  std::vector<float> ys;
  for (const Prim& p : list.prims) {
    if (p.kind != PrimKind::AxisTick && p.kind != PrimKind::AxisPause) continue;
    ys.push_back(p.y0);
    if (p.kind == PrimKind::AxisTick) {
      const std::string text(list.text_of(p));
      ASSERT_EQ(text.substr(text.size() - 2), " s") << text;
      seconds.push_back(std::stod(text));
      // Cut, not rounded: the label never reads later than the row happened.
      EXPECT_LE(seconds.back(), static_cast<double>(t[p.event].t_ns) / 1e9 + 1e-12) << text;
      EXPECT_LE(text.size(), 10u) << "fits the axis: " << text;
    }
  }
  ASSERT_GE(seconds.size(), 6u);
  EXPECT_TRUE(std::is_sorted(seconds.begin(), seconds.end()));
  EXPECT_EQ(std::adjacent_find(seconds.begin(), seconds.end()), seconds.end()) << "each label tells its row apart";
  std::sort(ys.begin(), ys.end());
  for (std::size_t i = 1; i < ys.size(); ++i) EXPECT_GE(ys[i] - ys[i - 1], 16 * 0.45f) << "labels overlap at " << ys[i];
  EXPECT_GE(all(list, PrimKind::AxisPause).size(), 5u);
}

TEST(TimelineSequenceTest, ArrowsJoinTheRowsOfTheirEnds) {
  trace::Trace t;
  const std::size_t send = call(t, "client", Call::Send, 1'000, 10, 0, 400);
  state(t, "client", 1'100);
  const std::size_t recv = call(t, "server", Call::Recv, 1'200, 10);
  // The receiver's thread stamped first: the reply's recv is recorded before its send.
  const std::size_t early_recv = call(t, "client", Call::Recv, 5'000, 4);
  const std::size_t late_send = call(t, "server", Call::Send, 5'100, 4, 0, 300);
  TimelineIndex index;
  index.update(t);
  const FrameInput input = sequence_input();
  DrawList list;
  build_frame(t, index, input, list);
  const auto arrows = all(list, PrimKind::Arrow);
  ASSERT_EQ(arrows.size(), 2u);
  const Prim* request = arrows[0]->event == send ? arrows[0] : arrows[1];
  const Prim* reply = arrows[0]->event == send ? arrows[1] : arrows[0];
  // From the send's box to the recv's, whatever the clock says.
  EXPECT_FLOAT_EQ(request->y0, row_y(input, 0));
  EXPECT_FLOAT_EQ(request->y1, row_y(input, 2));
  EXPECT_EQ(request->event2, recv);
  // Bytes never flow upwards: the late send's arrow leaves from when it began, above the recv.
  EXPECT_EQ(reply->event, late_send);
  EXPECT_EQ(reply->event2, early_recv);
  EXPECT_FLOAT_EQ(reply->y1, row_y(input, 3));
  EXPECT_FLOAT_EQ(reply->y0, row_y(input, 2.5));
}

TEST(TimelineSequenceTest, APacketEndsOnItsRowAndStartsWhereItWasCaptured) {
  trace::Trace t;
  call(t, "client", Call::Socket, 1'000);
  call(t, "server", Call::Socket, 2'000);
  const std::size_t quick = packet(t, true, 10'000, 2'000);  // captured after the row above: half a row
  call(t, "client", Call::Close, 11'000);
  call(t, "server", Call::Close, 12'000);
  const std::size_t delayed = packet(t, false, 30'000, 19'500);  // captured before the two closes
  TimelineIndex index;
  index.update(t);
  const FrameInput input = sequence_input();
  DrawList list;
  build_frame(t, index, input, list);
  const auto arrows = all(list, PrimKind::PacketArrow);
  ASSERT_EQ(arrows.size(), 2u);
  for (const Prim* arrow : arrows) {
    if (arrow->event == quick) {
      EXPECT_FLOAT_EQ(arrow->y1, row_y(input, 2));
      EXPECT_FLOAT_EQ(arrow->y0, row_y(input, 1.5));
    } else {
      EXPECT_EQ(arrow->event, delayed);
      EXPECT_FLOAT_EQ(arrow->y1, row_y(input, 5));
      EXPECT_FLOAT_EQ(arrow->y0, row_y(input, 2.5)) << "in flight while the two closes happened";
    }
  }
}

TEST(TimelineSequenceTest, HitTestingFindsTheEventOnEachRow) {
  trace::Trace t;
  std::vector<std::size_t> events;
  for (int i = 0; i < 12; ++i) {
    events.push_back(i % 3 == 2 ? state(t, "client", 1'000 + i) : call(t, i % 3 == 0 ? "client" : "server", Call::Close, 1'000 + i));
  }
  TimelineIndex index;
  index.update(t);
  const FrameInput input = sequence_input();
  DrawList list;
  build_frame(t, index, input, list);
  for (std::size_t row = 0; row < events.size(); ++row) {
    const Prim* mark = mark_of(list, events[row]);
    ASSERT_NE(mark, nullptr) << row;
    const float y = row_y(input, static_cast<double>(row));
    const auto hit = hit_test(list, input.viewport, mark->x0 + 3, y + 2);
    ASSERT_TRUE(hit) << row;
    EXPECT_EQ(list.prims[*hit].event, events[row]) << row;
  }
  // Halfway between two rows on an empty lane, nothing.
  EXPECT_FALSE(hit_test(list, input.viewport, 990, row_y(input, 3.5)));
}

TEST(TimelineSequenceTest, ZoomedOutRunsOfRowsStillFold) {
  trace::Trace t;
  constexpr int kCalls = 100'000;
  for (int i = 0; i < kCalls; ++i) call(t, i % 2 == 0 ? "client" : "server", Call::Close, 1'000 + i);
  TimelineIndex index;
  index.update(t);
  // 200 rows per pixel: the whole trace in 500 px.
  const FrameInput input = sequence_input(0, 200);
  DrawList list;
  build_frame(t, index, input, list);
  std::size_t folded = 0;
  for (const Prim* fold : all(list, PrimKind::Fold)) folded += fold->count;
  EXPECT_EQ(folded + all(list, PrimKind::CallMark).size(), static_cast<std::size_t>(kCalls));
  EXPECT_LE(list.stats.marks, 2u * 600 / 3 + 4) << "at most one mark per 3 px per lane";
  // Axis labels stay a few, not one per row.
  EXPECT_LE(all(list, PrimKind::AxisTick).size(), 600u / 40 + 1);
  // Zoomed in on rows 500..520, every call stands alone on its row.
  const FrameInput close = sequence_input(500);
  build_frame(t, index, close, list);
  EXPECT_EQ(all(list, PrimKind::Fold).size(), 0u);
  const Prim* mark = mark_of(list, 510);
  ASSERT_NE(mark, nullptr);
  EXPECT_FLOAT_EQ(mark->y0, row_y(close, 510));
}

TEST(TimelineSequenceTest, RowsGrowWithTheTraceAndKeepTheirNumbers) {
  trace::Trace t;
  call(t, "server", Call::Listen, 10);
  cue(t, 20, "connect");
  TimelineIndex index;
  index.update(t);
  ASSERT_EQ(index.rows().size(), 2u);
  const FrameInput input = sequence_input();
  DrawList list;
  build_frame(t, index, input, list);
  const float listen_y = mark_of(list, 0)->y0;

  call(t, "client", Call::Connect, 30);
  metrics(t, "client", 31);
  state(t, "client", 32);
  index.update(t);
  EXPECT_EQ(index.indexed(), 5u);
  ASSERT_EQ(index.rows().size(), 4u);
  EXPECT_EQ(index.rows().events.back(), 4u);
  build_frame(t, index, input, list);
  EXPECT_FLOAT_EQ(mark_of(list, 0)->y0, listen_y) << "new rows go below; old ones stay put";
  EXPECT_FLOAT_EQ(mark_of(list, 4)->y0, row_y(input, 3));

  // Indexed in one go, the same rows.
  TimelineIndex fresh;
  fresh.update(t);
  EXPECT_EQ(fresh.rows().events, index.rows().events);
  EXPECT_EQ(fresh.rows().times, index.rows().times);
}

TEST(TimelineSequenceTest, TheReplayCursorSitsOnTheLastRowShown) {
  trace::Trace t;
  for (int i = 0; i < 6; ++i) call(t, "client", Call::Close, 1'000 * (i + 1));
  TimelineIndex index;
  index.update(t);
  FrameInput input = sequence_input();
  input.limit = 4;
  input.replay = true;
  input.now_ns = t[3].t_ns;
  DrawList list;
  build_frame(t, index, input, list);
  EXPECT_EQ(all(list, PrimKind::CallMark).size(), 4u);
  const auto now = all(list, PrimKind::NowLine);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_FLOAT_EQ(now[0]->y0, row_y(input, 3));
}

TEST(TimelineAxisTest, TimesBetweenRowsSitHalfwayAndMapBack) {
  trace::Trace t;
  call(t, "client", Call::Socket, 100);
  call(t, "client", Call::Bind, 100);  // same nanosecond: its own row all the same
  call(t, "client", Call::Close, 900);
  TimelineIndex index;
  index.update(t);
  const Axis seq(index.rows(), Spacing::Sequence);
  EXPECT_DOUBLE_EQ(seq.at_time(100), 0);
  EXPECT_DOUBLE_EQ(seq.at_time(100, 1), 1) << "an event's own time is its own row";
  EXPECT_DOUBLE_EQ(seq.at_time(500), 1.5);
  EXPECT_DOUBLE_EQ(seq.at_time(50), -0.5);
  EXPECT_DOUBLE_EQ(seq.at_time(5'000), 2.5);
  EXPECT_DOUBLE_EQ(seq.at_start(40, 2), 2) << "a call is one moment: its row";
  EXPECT_EQ(seq.time_at(1.7), 100);
  EXPECT_EQ(seq.time_at(2.2), 900);
  EXPECT_EQ(seq.time_at(-3), 100);
  // The replay cursor dropped on a row shows everything up to that row.
  EXPECT_EQ(seq.limit_at(t, 0.2), 1u);
  EXPECT_EQ(seq.limit_at(t, 1.9), 2u);
  EXPECT_EQ(seq.limit_at(t, 2.0), 3u);
  EXPECT_EQ(seq.limit_at(t, -1.2), 0u);
  const auto [t0, t1] = seq.times_covering(0.5, 1.5);
  EXPECT_LE(t0, 100);
  EXPECT_GE(t1, 900);
  EXPECT_GT(seq.fold_end(100, 0.1), 100) << "always moves on";
  EXPECT_EQ(seq.fold_end(100, 1.5), 900);

  const Axis time(index.rows(), Spacing::Time);
  EXPECT_DOUBLE_EQ(time.at_time(500, 1), 500);
  EXPECT_DOUBLE_EQ(time.at_start(40, 2), 40);
  EXPECT_EQ(time.limit_at(t, 899.5), 2u);
  EXPECT_EQ(time.fold_end(100, 0.2), 101);
}

TEST(TimelineAxisTest, ASearchStartedFromAnEventsRowFindsWhatAFullSearchFinds) {
  trace::Trace t;
  std::int64_t now = 0;
  for (int i = 0; i < 500; ++i) {
    now += (i * 7919) % 5 == 0 ? 0 : (i * 104'729) % 3'000;  // ties, short and long gaps
    call(t, "client", Call::Close, now);
  }
  TimelineIndex index;
  index.update(t);
  const Axis axis(index.rows(), Spacing::Sequence);
  for (std::uint64_t hint = 0; hint < 500; hint += 7) {
    for (std::int64_t probe = -10; probe <= now + 10; probe += 997) {
      if (probe == t[hint].t_ns) continue;  // its own time is its own row, a search may find an earlier tie
      ASSERT_DOUBLE_EQ(axis.at_time(probe, hint), axis.at_time(probe)) << probe << " from row " << hint;
    }
  }
}

TEST(TimelineAxisTest, FittingAFewRowsKeepsThemReadable) {
  trace::Trace t;
  for (int i = 0; i < 3; ++i) call(t, "client", Call::Close, 1'000 * (i + 1));
  TimelineIndex index;
  index.update(t);
  const Axis axis(index.rows(), Spacing::Sequence);
  TimelineView view;
  view.spacing = Spacing::Sequence;
  const float plot = 570, row = 30;
  view.fit(-0.5, 2.5, plot, axis.fit_span(plot, row));
  EXPECT_NEAR(1 / view.per_px, row, 0.01) << "three rows do not fill the plot";
  view.fit(-0.5, 999.5, plot, axis.fit_span(plot, row));
  EXPECT_LT(1 / view.per_px, 1.0f) << "a thousand rows are squeezed to fit";
  EXPECT_DOUBLE_EQ(Axis(index.rows(), Spacing::Time).fit_span(plot, row), 1000);
}

TEST(TimelineAxisTest, SwitchingSpacingKeepsTheSameEventsInView) {
  trace::Trace t;
  for (int i = 0; i < 100; ++i) call(t, "client", Call::Close, 1'000'000LL * i * i);  // ever sparser
  TimelineIndex index;
  index.update(t);
  const float height = 600;
  TimelineView time;
  time.top = 1'000'000.0 * 40 * 40;
  time.per_px = 1'000'000.0 * (50 * 50 - 40 * 40) / height;  // rows 40..50 in view
  const TimelineView seq = respace(time, index.rows(), Spacing::Sequence, height);
  EXPECT_EQ(seq.spacing, Spacing::Sequence);
  EXPECT_NEAR(seq.at_y(0, 0), 40, 0.01);
  EXPECT_GE(seq.at_y(height, 0), 50);
  EXPECT_LE(seq.at_y(height, 0), 51.01);
  const TimelineView back = respace(seq, index.rows(), Spacing::Time, height);
  EXPECT_EQ(back.spacing, Spacing::Time);
  EXPECT_NEAR(back.top, time.top, 1);
  EXPECT_GE(back.at_y(height, 0), 1e6 * 50 * 50);
  // Zoom limits are the spacing's own.
  TimelineView rows = seq;
  rows.zoom_about(300, 1e-9, 0);
  EXPECT_DOUBLE_EQ(rows.per_px, TimelineView::kMinRowsPerPx);
}

TEST(TimelineSpacingTest, NamesRoundTrip) {
  EXPECT_EQ(parse_spacing("sequence"), Spacing::Sequence);
  EXPECT_EQ(parse_spacing(to_string(Spacing::Time)), Spacing::Time);
  EXPECT_FALSE(parse_spacing("rows"));
}

TEST(ViewTimeFormatTest, LongPausesReadInMinutesAndHours) {
  EXPECT_EQ(format_duration(45'000'000'000), "45 s");
  EXPECT_EQ(format_duration(1'200'000'000'000), "20 min");
  EXPECT_EQ(format_duration(7'200'000'000'000), "2 h");
  EXPECT_EQ(format_duration(350'000), "350 µs");
}

}  // namespace
}  // namespace wirestep::view
