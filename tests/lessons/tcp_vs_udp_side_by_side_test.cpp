// Lesson tcp-vs-udp-side-by-side: on the wire UDP loses datagrams (the receiver's count matches the
// wire's drops) while TCP delivers every message in order at a higher worst-case latency; on the
// socket tier both arrive whole and the lesson says why.
#include "tcp_vs_udp_side_by_side.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "support/wire_session.h"
#include "trace/tcp_metrics.h"

namespace wirestep {
namespace {

using Lesson = lessons::TcpVsUdpSideBySide;

// The last note on `lane` that starts with `starts`, or "".
std::string note_on(const trace::Trace& trace, std::string_view lane, std::string_view starts) {
  std::string found;
  for (const auto& text : testing::notes_of(trace, lane)) {
    if (text.starts_with(starts)) found = text;
  }
  return found;
}

// Message numbers in the datagrams the UDP receiver's recvfrom() calls returned.
std::set<std::uint32_t> udp_received(const trace::Trace& trace) {
  std::set<std::uint32_t> out;
  for (const auto* e : testing::calls_of(trace, "server#udp")) {
    if (e->call != trace::Call::RecvFrom || e->result < 16) continue;
    std::uint32_t number = 0;
    std::memcpy(&number, e->payload.data, sizeof number);
    out.insert(number);
  }
  return out;
}

// The message numbers in the TCP receiver's byte stream, in the order the application read them.
std::vector<std::uint32_t> tcp_received(const trace::Trace& trace) {
  const std::string stream = testing::payload_of(testing::calls_of(trace, "server#tcp"), trace::Call::Recv);
  std::vector<std::uint32_t> out;
  for (std::size_t at = 0; at + Lesson::kMessageBytes <= stream.size(); at += Lesson::kMessageBytes) {
    std::uint32_t number = 0;
    std::memcpy(&number, stream.data() + at, sizeof number);
    out.push_back(number);
  }
  return out;
}

void expect_tcp_whole(const trace::Trace& trace) {
  const auto numbers = tcp_received(trace);
  ASSERT_EQ(numbers.size(), Lesson::kMessages);
  for (std::uint32_t n = 0; n < numbers.size(); ++n) ASSERT_EQ(numbers[n], n) << "TCP delivers in order";
  EXPECT_NE(note_on(trace, "server#tcp", "TCP: 400 of 400 messages arrived in order, 0 lost"), "");
}

TEST(TcpVsUdpSideBySideLesson, OnTheWireUdpLosesDataAndTcpLosesTime) {
  WIRESTEP_SKIP_WITHOUT_WIRE();
  lesson::RunOptions options;
  options.virtual_wire = true;
  const auto run = testing::run_to_end("tcp-vs-udp-side-by-side", options);
  ASSERT_NE(run->wire(), nullptr) << run->wire_error();
  const auto& trace = *run->trace();
  expect_tcp_whole(trace);

  std::size_t udp_dropped = 0;
  std::size_t tcp_dropped = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind != trace::EventKind::Packet || e.verdict != trace::Verdict::Dropped) continue;
    (e.transport == trace::Transport::Udp ? udp_dropped : tcp_dropped) += 1;
  }
  const auto udp = udp_received(trace);
  EXPECT_GT(udp_dropped, 0u) << "4 % of 400 datagrams";
  EXPECT_GT(tcp_dropped, 0u);
  EXPECT_EQ(udp.size() + udp_dropped, Lesson::kMessages) << "every datagram the wire let through arrived";
  const std::string udp_note = note_on(trace, "server#udp", "UDP: ");
  EXPECT_NE(
      udp_note.find(std::to_string(udp.size()) + " of 400 datagrams arrived, " + std::to_string(udp_dropped) + " lost"),
      std::string::npos)
      << udp_note;

  // Latency from each message's stamp to the recv that handed its last byte to the application:
  // UDP's worst stays near the wire's 10 ms, TCP's includes at least one repair (a round trip or
  // more on top) for the messages held behind a lost segment.
  std::int64_t udp_worst = 0;
  for (const auto* e : testing::calls_of(trace, "server#udp")) {
    if (e->call != trace::Call::RecvFrom || e->result < 16) continue;
    std::int64_t produced = 0;
    std::memcpy(&produced, e->payload.data + 8, sizeof produced);
    udp_worst = std::max(udp_worst, e->t_ns - produced);
  }
  std::int64_t tcp_worst = 0;
  std::string stream;
  std::size_t next_message = 0;
  for (const auto* e : testing::calls_of(trace, "server#tcp")) {
    if (e->call != trace::Call::Recv || e->result <= 0) continue;
    stream += e->payload.text();
    for (; (next_message + 1) * Lesson::kMessageBytes <= stream.size(); ++next_message) {
      std::int64_t produced = 0;
      std::memcpy(&produced, stream.data() + next_message * Lesson::kMessageBytes + 8, sizeof produced);
      tcp_worst = std::max(tcp_worst, e->t_ns - produced);
    }
  }
  EXPECT_EQ(next_message, Lesson::kMessages);
  EXPECT_GE(udp_worst, Lesson::kOneWayDelayNs);
  EXPECT_GT(tcp_worst, udp_worst + Lesson::kOneWayDelayNs) << "TCP paid for its losses in time";

  bool metrics = false;
  for (std::size_t i = 0; i < trace.size() && !metrics; ++i) {
    metrics = trace.lane_name(trace[i].lane) == "client#tcp" && trace::tcp_metrics_of(trace[i]).has_value();
  }
  EXPECT_TRUE(metrics) << "the TCP sender's figures are recorded for the graph";
  EXPECT_NE(note_on(trace, "wire", "the same wire for both"), "");
  const auto cues = testing::cues(trace);
  for (const char* cue : {"impaired", "streams", "compare", "done"}) {
    EXPECT_NE(std::find(cues.begin(), cues.end(), cue), cues.end()) << cue;
  }
}

TEST(TcpVsUdpSideBySideLesson, OnTheSocketTierBothArriveWholeAndItSaysWhy) {
  const auto run = testing::run_to_end("tcp-vs-udp-side-by-side");
  const auto& trace = *run->trace();
  expect_tcp_whole(trace);
  EXPECT_EQ(udp_received(trace).size(), Lesson::kMessages) << "loopback lost nothing";
  EXPECT_NE(note_on(trace, "wire", "socket tier: no wire"), "");
  const auto cues = testing::cues(trace);
  EXPECT_NE(std::find(cues.begin(), cues.end(), "no-wire"), cues.end());
}

}  // namespace
}  // namespace wirestep
