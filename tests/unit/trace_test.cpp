// Trace store: concurrent producers with a live reader, caps and counters, lanes, time search.
#include "trace/trace.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace wirestep::trace {
namespace {

Event note_on(LaneId lane) {
  Event e;
  e.kind = EventKind::Note;
  e.lane = lane;
  return e;
}

TEST(Trace, ConcurrentAppendsAreAllKeptAndReadersOnlySeeCompleteEvents) {
  Trace trace;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::atomic<bool> writers_done{false};
  std::atomic<std::size_t> reader_checked{0};
  std::atomic<bool> reader_ok{true};

  std::jthread reader([&] {
    std::size_t seen = 0;
    std::int64_t last_t = 0;
    while (!writers_done.load() || seen < trace.size()) {
      const std::size_t available = trace.size();
      for (; seen < available; ++seen) {
        const Event& e = trace[seen];
        // Each payload says which thread and which message it was: it must be intact.
        const std::string expected = "t" + std::to_string(e.fd) + ":" + std::to_string(e.result);
        if (e.seq != seen || e.t_ns < last_t || e.payload.text() != expected) reader_ok = false;
        last_t = e.t_ns;
      }
      reader_checked = seen;
    }
  });
  {
    std::vector<std::jthread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&trace, t] {
        const LaneId lane = trace.lane("writer#" + std::to_string(t));
        for (int i = 0; i < kPerThread; ++i) {
          Event e = note_on(lane);
          e.fd = t;
          e.result = i;
          trace.append(e, "t" + std::to_string(t) + ":" + std::to_string(i));
        }
      });
    }
  }
  writers_done = true;
  reader.join();
  EXPECT_TRUE(reader_ok.load());
  EXPECT_EQ(trace.size(), std::size_t{kThreads * kPerThread});
  EXPECT_EQ(reader_checked.load(), trace.size());
  EXPECT_EQ(trace.lane_count(), std::size_t{kThreads});
  EXPECT_EQ(trace.dropped_events(), 0u);
}

TEST(Trace, EventCapDropsAndCountsInsteadOfBlocking) {
  TraceLimits limits;
  limits.max_events = 100;
  Trace trace(limits);
  const LaneId lane = trace.lane("client");
  int kept = 0;
  for (int i = 0; i < 150; ++i) {
    if (trace.append(note_on(lane)) != kNoSeq) ++kept;
  }
  EXPECT_EQ(kept, 100);
  EXPECT_EQ(trace.size(), 100u);
  EXPECT_EQ(trace.dropped_events(), 50u);
}

TEST(Trace, PayloadCapCutsBytesButKeepsTheEventAndItsRealSize) {
  TraceLimits limits;
  limits.max_payload_bytes = 10;
  Trace trace(limits);
  const LaneId lane = trace.lane("client");
  trace.append(note_on(lane), std::string_view("0123456"));
  const auto seq = trace.append(note_on(lane), std::string_view("abcdefgh"));
  ASSERT_NE(seq, kNoSeq);
  const Event& cut = trace[seq];
  EXPECT_EQ(cut.payload.text(), "abc");
  EXPECT_EQ(cut.payload_size, 8u);
  EXPECT_TRUE(cut.payload_truncated());
  EXPECT_EQ(trace.dropped_payload_bytes(), 5u);
  EXPECT_EQ(trace[0].payload.text(), "0123456");
}

// Events whose payloads lie back to back in one buffer, sized "abc", "defgh", "ij".
std::vector<Event> run_of_three(LaneId lane) {
  std::vector<Event> run(3, note_on(lane));
  run[0].payload_size = 3;
  run[1].payload_size = 5;
  run[2].payload_size = 2;
  for (std::size_t i = 0; i < run.size(); ++i) run[i].fd = static_cast<int>(i);
  return run;
}

TEST(Trace, ARunIsAppendedInOrderEachEventWithItsOwnBytes) {
  Trace trace;
  const LaneId lane = trace.lane("wire");
  trace.append(note_on(lane), std::string_view("before"));
  const std::string bytes = "abcdefghij";
  const auto first = trace.append_run(run_of_three(lane), std::as_bytes(std::span(bytes.data(), bytes.size())));
  ASSERT_EQ(first, 1u);
  ASSERT_EQ(trace.size(), 4u);
  EXPECT_EQ(trace[1].payload.text(), "abc");
  EXPECT_EQ(trace[2].payload.text(), "defgh");
  EXPECT_EQ(trace[3].payload.text(), "ij");
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(trace[i].seq, i);
    EXPECT_EQ(trace[i].fd, static_cast<int>(i - 1)) << "each event keeps its own fields";
    EXPECT_EQ(trace[i].t_ns, trace[1].t_ns) << "cut at one moment, recorded at one time";
    EXPECT_FALSE(trace[i].payload_truncated());
  }
  EXPECT_GE(trace[1].t_ns, trace[0].t_ns);
  EXPECT_EQ(trace.payload_bytes(), 6u + 10u);
}

TEST(Trace, ARunUnderThePayloadCapKeepsWhatFitsInOrder) {
  TraceLimits limits;
  limits.max_payload_bytes = 6;
  Trace trace(limits);
  const LaneId lane = trace.lane("wire");
  const std::string bytes = "abcdefghij";
  ASSERT_EQ(trace.append_run(run_of_three(lane), std::as_bytes(std::span(bytes.data(), bytes.size()))), 0u);
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_EQ(trace[0].payload.text(), "abc");
  EXPECT_EQ(trace[1].payload.text(), "def") << "the second is cut where the cap falls";
  EXPECT_TRUE(trace[1].payload_truncated());
  EXPECT_EQ(trace[2].payload.size, 0u);
  EXPECT_EQ(trace[2].payload_size, 2u) << "the real size stays";
  EXPECT_EQ(trace.dropped_payload_bytes(), 4u);
}

TEST(Trace, ARunPastTheEventCapKeepsTheFirstAndCountsTheRest) {
  TraceLimits limits;
  limits.max_events = 3;
  Trace trace(limits);
  const LaneId lane = trace.lane("wire");
  trace.append(note_on(lane));
  const std::string bytes = "abcdefghij";
  const auto span = std::as_bytes(std::span(bytes.data(), bytes.size()));
  EXPECT_EQ(trace.append_run(run_of_three(lane), span), 1u);
  EXPECT_EQ(trace.size(), 3u);
  EXPECT_EQ(trace[2].payload.text(), "defgh");
  EXPECT_EQ(trace.dropped_events(), 1u);
  EXPECT_EQ(trace.append_run(run_of_three(lane), span), kNoSeq) << "a full trace takes none";
  EXPECT_EQ(trace.dropped_events(), 4u);
  EXPECT_EQ(trace.append_run({}, {}), kNoSeq);
}

TEST(Trace, SizesOnlyModeKeepsNoBytes) {
  TraceLimits limits;
  limits.keep_payload = false;
  Trace trace(limits);
  const auto seq = trace.append(note_on(trace.lane("client")), std::string_view("hello"));
  EXPECT_EQ(trace[seq].payload.size, 0u);
  EXPECT_EQ(trace[seq].payload_size, 5u);
  EXPECT_EQ(trace.payload_bytes(), 0u);
}

TEST(Trace, PayloadsStayPutAsTheArenaGrows) {
  Trace trace;
  const LaneId lane = trace.lane("client");
  const std::string big(ByteArena::kBlockSize, 'B');
  const auto first = trace.append(note_on(lane), std::string_view("first"));
  const std::byte* address = trace[first].payload.data;
  for (int i = 0; i < 8; ++i) trace.append(note_on(lane), std::string_view(big));
  for (int i = 0; i < 100000; ++i) trace.append(note_on(lane), std::string_view("small payload"));
  EXPECT_EQ(trace[first].payload.data, address);
  EXPECT_EQ(trace[first].payload.text(), "first");
  EXPECT_EQ(trace[1].payload.text(), big);
}

TEST(Trace, LanesAreInternedByName) {
  Trace trace;
  const LaneId client = trace.lane("client");
  const LaneId server = trace.lane("server");
  EXPECT_NE(client, server);
  EXPECT_EQ(trace.lane("client"), client);
  EXPECT_EQ(trace.lane_name(server), "server");
  EXPECT_EQ(trace.lane_count(), 2u);
}

TEST(Trace, FlowsAreTheSameFromEitherEnd) {
  Trace trace;
  Address a{4, 1000, {127, 0, 0, 1}};
  Address b{4, 2000, {127, 0, 0, 1}};
  Address c{4, 3000, {127, 0, 0, 1}};
  const FlowId ab = trace.flow_of(a, b);
  EXPECT_EQ(trace.flow_of(b, a), ab);
  EXPECT_NE(trace.flow_of(a, c), ab);
  EXPECT_NE(ab, kNoFlow);
}

TEST(Trace, TimesNeverGoBackwardsAndCanBeSearched) {
  Trace trace;
  const LaneId lane = trace.lane("client");
  Event e = note_on(lane);
  for (std::int64_t t : {100, 200, 150, 400}) {  // 150 arrives late: it is raised to 200
    e.t_ns = t;
    trace.append_recorded(e, {});
  }
  EXPECT_EQ(trace[2].t_ns, 200);
  EXPECT_EQ(trace.lower_bound_time(0), 0u);
  EXPECT_EQ(trace.lower_bound_time(101), 1u);
  EXPECT_EQ(trace.lower_bound_time(200), 1u);
  EXPECT_EQ(trace.lower_bound_time(201), 3u);
  EXPECT_EQ(trace.lower_bound_time(401), 4u);
}

TEST(Trace, WaitForMoreWakesWhenAnotherThreadAppends) {
  Trace trace;
  const LaneId lane = trace.lane("client");
  std::jthread producer([&] { trace.append(note_on(lane)); });
  // The generous timeout only bounds a failure; the append wakes the wait.
  EXPECT_EQ(trace.wait_for_more(0, std::chrono::seconds(10)), 1u);
}

}  // namespace
}  // namespace wirestep::trace
