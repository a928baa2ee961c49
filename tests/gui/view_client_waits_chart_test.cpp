// The Waits chart from hand-built traces: every round on the longest round's scale, rows in the
// order the clients were answered, a client still waiting, tick marks and the hover text.
#include <gtest/gtest.h>

#include <string>

#include "lesson/client_waits.h"
#include "support/client_trace_builder.h"
#include "view/client_waits_chart.h"

namespace wirestep::testing {
namespace {

TEST(WaitsChart, EveryRoundOnTheLongestRoundsScale) {
  ClientTraceBuilder b;
  two_rounds(b);
  const auto rounds = lesson::client_rounds(b.trace);
  const view::WaitsChart chart = view::layout_waits(rounds);
  ASSERT_EQ(chart.rounds.size(), 2u);
  // Blocking: from the first connect (10 ms) to its last call (91 ms).
  EXPECT_EQ(chart.span_ns, 81 * kMs);
  EXPECT_EQ(chart.rounds[0].title, "Round 1: blocking server");
  EXPECT_EQ(chart.rounds[1].title, "Round 2: evented server");
  EXPECT_EQ(chart.rounds[0].caption, "first byte after 39 ms to 70 ms · at most 1 connection open at once");

  const auto at = [&](std::int64_t ns) { return static_cast<float>(static_cast<double>(ns) / (81.0 * kMs)); };
  const view::WaitBar& slow = chart.rounds[0].bars[1];  // client#2, blocking: answered second
  EXPECT_EQ(slow.number, 2);
  EXPECT_EQ(slow.client, 1u);
  EXPECT_FLOAT_EQ(slow.connected, 0.0f);
  EXPECT_FLOAT_EQ(slow.first_byte, at(70 * kMs));
  EXPECT_FLOAT_EQ(slow.done, at(80 * kMs));
  EXPECT_TRUE(slow.answered);
  EXPECT_TRUE(slow.finished);
  // Evented, on the same scale: its origin is its own first connect (110 ms).
  // Rows in the order of the first bytes: client#2 was answered before client#1 this time.
  const view::WaitBar& quick = chart.rounds[1].bars[0];
  EXPECT_EQ(quick.number, 2);
  EXPECT_EQ(quick.client, 1u);
  EXPECT_EQ(chart.rounds[1].bars[1].number, 1);
  EXPECT_EQ(chart.rounds[1].origin_ns, 110 * kMs);
  EXPECT_FLOAT_EQ(quick.connected, at(1 * kMs));
  EXPECT_FLOAT_EQ(quick.first_byte, at(15 * kMs));
  EXPECT_LT(quick.done, slow.first_byte);  // the same wait is the same length in both rounds

  ASSERT_FALSE(chart.ticks.empty());
  EXPECT_EQ(chart.ticks.front().label, "0");
  EXPECT_FLOAT_EQ(chart.ticks.front().at, 0.0f);
  for (const auto& tick : chart.ticks) {
    EXPECT_GE(tick.at, 0.0f);
    EXPECT_LE(tick.at, 1.0f);
  }
  EXPECT_EQ(chart.ticks[1].label, "20 ms");
}

TEST(WaitsChart, TheTooltipTellsTheNumbers) {
  ClientTraceBuilder b;
  two_rounds(b);
  const auto rounds = lesson::client_rounds(b.trace);
  const view::WaitsChart chart = view::layout_waits(rounds);
  EXPECT_EQ(view::wait_tooltip(rounds[0], rounds[0].clients[1], chart.rounds[0].origin_ns),
            "client#2, blocking server\n"
            "connected at 0\n"
            "first byte at +70 ms: waited 70 ms\n"
            "done at +80 ms: served in 10 ms");
}

TEST(WaitsChart, AClientStillWaitsToTheRoundsLastEvent) {
  ClientTraceBuilder b;
  waiting_and_refused(b);
  const auto rounds = lesson::client_rounds(b.trace);
  const auto& c = rounds[0].clients;
  const view::WaitsChart chart = view::layout_waits(rounds);
  ASSERT_EQ(chart.rounds.size(), 1u);
  const auto& bars = chart.rounds[0].bars;
  EXPECT_EQ(chart.rounds[0].origin_ns, 10 * kMs);
  EXPECT_EQ(chart.span_ns, 40 * kMs);  // to the round's last event
  // Still waiting: the wait runs to the round's last event, and nothing is served.
  EXPECT_FLOAT_EQ(bars[0].first_byte, 1.0f);
  EXPECT_FALSE(bars[0].answered);
  EXPECT_TRUE(bars[1].failed);
  EXPECT_FLOAT_EQ(bars[2].connected, 0.5f);
  EXPECT_FLOAT_EQ(bars[2].first_byte, 0.75f);  // it waited until the reset
  EXPECT_NE(view::wait_tooltip(rounds[0], c[0], chart.rounds[0].origin_ns).find("still waiting"), std::string::npos);
  EXPECT_NE(view::wait_tooltip(rounds[0], c[1], chart.rounds[0].origin_ns).find("connect() failed"), std::string::npos);
}

TEST(WaitsChart, RoundsWithoutClientsAreLeftOut) {
  ClientTraceBuilder b;
  b.cue(0, "blocking-server");
  b.call(1 * kMs, "server", Call::Accept, 4);
  b.cue(2 * kMs, "evented-server");
  b.client("client#1", 5 * kMs, 6 * kMs, 7 * kMs);
  const view::WaitsChart chart = view::layout_waits(lesson::client_rounds(b.trace));
  ASSERT_EQ(chart.rounds.size(), 1u);
  EXPECT_EQ(chart.rounds[0].round, 1u);
  EXPECT_EQ(chart.rounds[0].title, "Round 2: evented server");  // numbered as the lesson's rounds
}

TEST(WaitsChart, ClientsOutsideAnyRoundAreJustClients) {
  ClientTraceBuilder b;
  b.client("client#1", 5 * kMs, 6 * kMs, 7 * kMs);
  EXPECT_EQ(view::layout_waits(lesson::client_rounds(b.trace)).rounds[0].title, "Clients");
}

}  // namespace
}  // namespace wirestep::testing
