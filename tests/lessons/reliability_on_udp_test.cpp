// Lesson reliability-on-udp: at 30 % loss every message arrives once and in order, the trace
// shows the retransmissions, and a window of 8 takes fewer round trips than stop-and-wait.
#include "reliability_on_udp.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "support/lesson_runner.h"
#include "support/wait.h"
#include "support/trace_queries.h"
#include "wire/wire_probe.h"

namespace wirestep {
namespace {

using lessons::ReliabilityOnUdp;

// The client's DATA sendto calls of each phase, split where the phase's socket was closed.
std::vector<std::vector<int>> data_sent_per_phase(const trace::Trace& trace) {
  std::vector<std::vector<int>> phases(1);
  for (const auto* e : testing::calls_of(trace, "client")) {
    if (e->call == trace::Call::Close) phases.emplace_back();
    int seq = -1;
    if (e->call == trace::Call::SendTo && std::sscanf(std::string(e->payload.text()).c_str(), "DATA %d", &seq) == 1) {
      phases.back().push_back(seq);
    }
  }
  phases.pop_back();  // nothing after the last close
  return phases;
}

// What the server's application got: the first copy of each in-order DATA, per phase.
std::vector<std::vector<int>> delivered_per_phase(const trace::Trace& trace) {
  std::vector<std::vector<int>> phases(1);
  int expected = 0;
  for (const auto* e : testing::calls_of(trace, "server")) {
    if (e->call == trace::Call::Close) {
      phases.emplace_back();
      expected = 0;
    }
    int seq = -1;
    if (e->call == trace::Call::RecvFrom && e->result > 0 &&
        std::sscanf(std::string(e->payload.text()).c_str(), "DATA %d", &seq) == 1 && seq == expected) {
      phases.back().push_back(seq);
      ++expected;
    }
  }
  phases.pop_back();
  return phases;
}

int round_trips(const std::vector<std::string>& notes, const std::string& phase) {
  for (const auto& note : notes) {
    int messages = 0;
    int rounds = 0;
    if (note.starts_with(phase + ": ") &&
        std::sscanf(note.c_str() + phase.size() + 2, "%d messages in %d round trips", &messages, &rounds) == 2) {
      return rounds;
    }
  }
  return -1;
}

void expect_reliable(bool on_wire) {
  lesson::RunOptions options;
  options.virtual_wire = on_wire;
  options.params.loss_percent = 30;
  options.params.seed = 5;
  options.params.window = 8;
  const auto run = testing::run_to_end("reliability-on-udp", options);
  const auto& trace = *run->trace();
  ASSERT_EQ(run->wire() != nullptr, on_wire);

  std::vector<int> all(ReliabilityOnUdp::kMessages);
  for (int i = 0; i < ReliabilityOnUdp::kMessages; ++i) all[i] = i;
  const auto delivered = delivered_per_phase(trace);
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0], all) << "stop-and-wait delivers every message once, in order";
  EXPECT_EQ(delivered[1], all) << "the window delivers every message once, in order";
  const auto server_notes = testing::notes_of(trace, "server");
  EXPECT_NE(std::find(server_notes.begin(), server_notes.end(),
                      "stop-and-wait: all 20 messages delivered exactly once and in order"),
            server_notes.end());
  EXPECT_NE(std::find(server_notes.begin(), server_notes.end(),
                      "window 8: all 20 messages delivered exactly once and in order"),
            server_notes.end());

  // Retransmissions: the same DATA sent more than once, and the timer's notes say why.
  const auto sent = data_sent_per_phase(trace);
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& phase : sent) {
    std::map<int, int> times;
    for (int seq : phase) ++times[seq];
    EXPECT_EQ(times.size(), static_cast<std::size_t>(ReliabilityOnUdp::kMessages));
    EXPECT_GT(phase.size(), times.size()) << "30 % loss makes the sender resend";
  }
  const auto client_notes = testing::notes_of(trace, "client");
  const auto timeouts = std::count_if(client_notes.begin(), client_notes.end(), [](const std::string& n) {
    return n.find("timer ran out") != std::string::npos && n.find("retransmission of") != std::string::npos;
  });
  EXPECT_GT(timeouts, 0);

  // The window pays off in round trips (counted, not timed). Stop-and-wait needs one per message
  // at least.
  const int one = round_trips(client_notes, "stop-and-wait");
  const int eight = round_trips(client_notes, "window 8");
  EXPECT_GE(one, ReliabilityOnUdp::kMessages);
  ASSERT_GT(eight, 0);
  EXPECT_LT(eight, one);
  // Stop-and-wait sends one datagram per round; so the rounds are its DATA sends.
  EXPECT_EQ(static_cast<int>(sent[0].size()), one);

  // The link really lost datagrams of both kinds.
  int dropped_data = 0;
  int dropped_acks = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    const bool drop = e.verdict == trace::Verdict::Dropped &&
                      (on_wire ? e.kind == trace::EventKind::Packet
                               : e.kind == trace::EventKind::Impairment && trace.lane_name(e.lane) == "relay");
    if (!drop) continue;
    (trace.lane_name(e.from) == "client" ? dropped_data : dropped_acks) += 1;
  }
  EXPECT_GT(dropped_data, 0);
  EXPECT_GT(dropped_acks, 0);
}

TEST(ReliabilityOnUdpLesson, ThroughTheRelayEveryMessageArrivesOnceAndInOrder) { expect_reliable(false); }

TEST(ReliabilityOnUdpLesson, OnTheWireEveryMessageArrivesOnceAndInOrder) {
  const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
  if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason;
  expect_reliable(true);
}

TEST(ReliabilityOnUdpLesson, WithoutLossTheWindowNeedsAboutMessagesOverWindowRounds) {
  lesson::RunOptions options;
  options.params.loss_percent = 0;  // a perfect link, not the lesson's default
  options.params.seed = 3;
  options.params.window = 5;
  const auto run = testing::run_to_end("reliability-on-udp", options);
  const auto notes = testing::notes_of(*run->trace(), "client");
  // 20 messages, 5 per round: 4 round trips; stop-and-wait: 20. (A one-in-a-million loss, or a
  // machine stalled past the timer, could add a round.)
  EXPECT_GE(round_trips(notes, "window 5"), 4);
  EXPECT_LE(round_trips(notes, "window 5"), 6);
  EXPECT_GE(round_trips(notes, "stop-and-wait"), 20);
}

// The app ends a run by cancelling the stepper's gates first and the socket waits a moment
// later. Actors that unwound at a gate leave the second phase's receiver with a few messages:
// the lesson must report a cancellation then, not a failure ("delivered 9 of 20").
TEST(ReliabilityOnUdpLesson, CancellingOnlyTheGatesEndsItCancelledNotFailed) {
  lesson::RunOptions options;
  options.mode = lesson::StepMode::Play;
  options.speed = 20;  // paced: the run is certainly mid-way when the gates close
  lesson::LessonRun run(testing::lesson_named("reliability-on-udp"), options);
  ASSERT_TRUE(testing::wait_until([&] { return testing::calls_of(*run.trace(), "client").size() >= 12; }));
  run.stepper().cancel();
  ASSERT_TRUE(run.wait(std::chrono::seconds(20)));
  EXPECT_EQ(run.state(), lesson::RunState::Cancelled) << run.error();
}

}  // namespace
}  // namespace wirestep
