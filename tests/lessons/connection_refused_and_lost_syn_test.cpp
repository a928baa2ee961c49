// Lesson connection-refused-and-lost-syn: ECONNREFUSED on every tier; on the virtual wire the
// RST itself, the dropped first SYN and the kernel's retransmission a second later.
#include <gtest/gtest.h>

#include <cerrno>

#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "support/wait.h"
#include "support/wire_queries.h"
#include "wire/wire_probe.h"

namespace wirestep {
namespace {

using testing::kAck;
using testing::kRst;
using testing::kSyn;
using testing::tcp_flags;

std::vector<const trace::Event*> connects(const trace::Trace& trace) {
  std::vector<const trace::Event*> out;
  for (const auto* e : testing::calls_of(trace, "client")) {
    if (e->call == trace::Call::Connect) out.push_back(e);
  }
  return out;
}

TEST(ConnectionRefusedAndLostSynLesson, AClosedPortRefusesAtOnce) {
  const auto run = testing::run_to_end("connection-refused-and-lost-syn");
  const auto calls = connects(*run->trace());
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]->result, -1);
  EXPECT_EQ(calls[0]->err, ECONNREFUSED);
  EXPECT_EQ(calls[1]->result, 0);
  const auto cues = testing::cues(*run->trace());
  EXPECT_NE(std::find(cues.begin(), cues.end(), "lost-syn-needs-wire"), cues.end())
      << "on the socket tier the lesson says it cannot drop packets";
}

TEST(ConnectionRefusedAndLostSynLesson, OnTheWireTheRstAndTheRetransmittedSynAreReal) {
  const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
  if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason;
  lesson::RunOptions options;
  options.virtual_wire = true;
  const auto run = testing::run_to_end("connection-refused-and-lost-syn", options);
  const auto& trace = *run->trace();
  const auto arrived = testing::packets(trace);
  ASSERT_GE(arrived.size(), 2u);
  // Part one: SYN, then RST+ACK from the server; connect() failed with ECONNREFUSED.
  EXPECT_EQ(tcp_flags(*arrived[0]), kSyn);
  EXPECT_EQ(tcp_flags(*arrived[1]), kRst | kAck);
  EXPECT_EQ(arrived[1]->from, run->trace()->lane("server"));
  // Part two: exactly one packet dropped, the first SYN of the second connection...
  const auto dropped = testing::packets(trace, trace::Verdict::Dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(tcp_flags(*dropped[0]), kSyn);
  // ...and the same SYN arrived again at least 0.9 s later.
  const auto again = std::find_if(arrived.begin(), arrived.end(), [&](const trace::Event* p) {
    return tcp_flags(*p) == kSyn && testing::tcp_seq(*p) == testing::tcp_seq(*dropped[0]);
  });
  ASSERT_NE(again, arrived.end());
  EXPECT_GE((*again)->t_ns - dropped[0]->t_ns, 900'000'000);
  const auto calls = connects(trace);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]->err, ECONNREFUSED);
  EXPECT_EQ(calls[1]->result, 0);
  EXPECT_GE(calls[1]->dur_ns, 900'000'000) << "connect() waited for the retransmission";
  const auto cues = testing::cues(trace);
  EXPECT_NE(std::find(cues.begin(), cues.end(), "lost-syn"), cues.end());
}

}  // namespace
}  // namespace wirestep
