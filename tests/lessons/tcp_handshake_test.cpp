// Lesson tcp-handshake: on the socket tier (calls and TCP states) and on the virtual wire
// (the real packets, stepped one at a time).
#include <gtest/gtest.h>

#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "support/wait.h"
#include "support/wire_queries.h"
#include "wire/wire_probe.h"

namespace wirestep {
namespace {

using testing::kAck;
using testing::kFin;
using testing::kSyn;
using testing::tcp_flags;

std::vector<std::string> states_of(const trace::Trace& trace, std::string_view lane) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind == trace::EventKind::TcpState && trace.lane_name(e.lane) == lane) {
      out.emplace_back(trace::tcp_state_name(e.new_state));
    }
  }
  return out;
}

bool wire_available() { return wire::probe_once().status(wire::Tier::VirtualWire).available; }

TEST(TcpHandshakeLesson, ClientClosesFirstAndWaitsInTimeWait) {
  const auto run = testing::run_to_end("tcp-handshake");
  const auto& trace = *run->trace();
  EXPECT_EQ(testing::call_names(testing::calls_of(trace, "client")),
            (std::vector<std::string>{"socket", "connect", "send", "recv", "shutdown", "recv", "close"}));
  const auto client_states = states_of(trace, "client");
  ASSERT_FALSE(client_states.empty());
  EXPECT_EQ(client_states.back(), "TIME_WAIT") << "the active closer waits";
  const auto server_states = states_of(trace, "server");
  EXPECT_NE(std::find(server_states.begin(), server_states.end(), "CLOSE_WAIT"), server_states.end());
  EXPECT_EQ(std::find(server_states.begin(), server_states.end(), "TIME_WAIT"), server_states.end())
      << "the passive closer does not";
}

TEST(TcpHandshakeLesson, OnTheWireTheHandshakeAndTeardownAreRealPackets) {
  if (!wire_available()) GTEST_SKIP() << wire::probe_once().status(wire::Tier::VirtualWire).reason;
  lesson::RunOptions options;
  options.virtual_wire = true;
  const auto run = testing::run_to_end("tcp-handshake", options);
  ASSERT_NE(run->wire(), nullptr) << run->wire_error();
  const auto& trace = *run->trace();
  // The last ACK of the teardown may land after the lesson's final call.
  ASSERT_TRUE(testing::wait_until([&] {
    const auto all = testing::packets(trace);
    return all.size() >= 9 && tcp_flags(*all.back()) == kAck;
  }));
  const auto packets = testing::packets(trace);
  const auto client = run->trace()->lane("client");
  EXPECT_EQ(tcp_flags(*packets[0]), kSyn);
  EXPECT_EQ(packets[0]->from, client);
  EXPECT_EQ(tcp_flags(*packets[1]), kSyn | kAck);
  EXPECT_EQ(tcp_flags(*packets[2]), kAck);
  EXPECT_EQ(testing::tcp_ack(*packets[1]) - testing::tcp_seq(*packets[0]), 1u) << "relative ack 1";
  std::vector<trace::LaneId> fin_senders;
  for (const auto* p : packets) {
    if (tcp_flags(*p) & kFin) fin_senders.push_back(p->from);
  }
  ASSERT_EQ(fin_senders.size(), 2u);
  EXPECT_EQ(fin_senders[0], client) << "the client closes first";
  // Data "hello\n": 6 bytes at relative seq 1, acknowledged with ack 7 by the server.
  const auto calls = testing::calls_of(trace, "client");
  EXPECT_EQ(calls[1]->local.to_string().rfind("10.77.0.1:", 0), 0u) << "the client lives on the wire";
}

TEST(TcpHandshakeLesson, FrameSteppingReleasesOnePacketPerStep) {
  if (!wire_available()) GTEST_SKIP() << wire::probe_once().status(wire::Tier::VirtualWire).reason;
  lesson::RunOptions options;
  options.virtual_wire = true;
  options.granularity = lesson::Granularity::Frames;
  options.mode = lesson::StepMode::Pause;
  lesson::LessonRun run(testing::lesson_named("tcp-handshake"), options);
  const auto& trace = *run.trace();
  ASSERT_TRUE(testing::wait_until([&] { return run.stepper().held_frames() == 1; })) << "the SYN waits";
  for (std::size_t n = 1; n <= 6; ++n) {
    run.stepper().step();
    ASSERT_TRUE(testing::wait_until([&] {
      return testing::packets(trace).size() == n && run.stepper().held_frames() >= 1;
    })) << "step " << n;
  }
  EXPECT_EQ(tcp_flags(*testing::packets(trace)[0]), kSyn);
  run.stepper().play();
  EXPECT_TRUE(run.wait(std::chrono::seconds(20)));
  EXPECT_EQ(run.state(), lesson::RunState::Finished) << run.error();
}

}  // namespace
}  // namespace wirestep
