// Every lesson's predict-then-reveal checkpoint, on real runs: the answer comes from the real call; nobody asked never blocks.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <regex>
#include <set>
#include <string>

#include "lesson/assets.h"
#include "lesson/checkpoint.h"
#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "wire/wire_probe.h"

namespace wirestep {
namespace {

struct Expected {
  const char* lesson;
  const char* truth;
  const char* wrong;
};

class LessonCheckpoint : public ::testing::TestWithParam<Expected> {};

TEST_P(LessonCheckpoint, HeadlessRunRecordsItUnansweredAndRevealed) {
  const auto run = testing::run_to_end(GetParam().lesson);  // no asker: must not block
  const auto records = lesson::checkpoints_in(*run->trace());
  ASSERT_GE(records.size(), 1u);
  EXPECT_FALSE(records[0].answer);
  ASSERT_TRUE(records[0].found);
  EXPECT_EQ(records[0].found->truth, GetParam().truth);
  EXPECT_FALSE(records[0].correct);
}

TEST_P(LessonCheckpoint, AnswersAreJudgedAgainstTheRealCall) {
  for (const bool right : {true, false}) {
    std::atomic<int> asked = 0;
    lesson::RunOptions options;
    options.checkpoint_asker = [&](const lesson::Checkpoint& checkpoint) -> std::optional<std::string> {
      EXPECT_FALSE(checkpoint.question.empty());
      ++asked;
      return std::string(right ? GetParam().truth : GetParam().wrong);
    };
    const auto run = testing::run_to_end(GetParam().lesson, options);
    const auto records = lesson::checkpoints_in(*run->trace());
    ASSERT_GE(records.size(), 1u);
    EXPECT_EQ(asked.load(), static_cast<int>(records.size()));
    EXPECT_EQ(records[0].correct, right) << lesson::reveal_text(records[0]);
  }
}

// `<!-- answer:ID -->` in the narration hides the explanation of checkpoint ID until it is
// revealed: an ID the lesson never asks would hide it for the whole run.
TEST_P(LessonCheckpoint, NarrationHidesOnlyAnswersTheLessonReveals) {
  const auto run = testing::run_to_end(GetParam().lesson);
  std::set<std::string> asked;
  for (const auto& record : lesson::checkpoints_in(*run->trace())) asked.insert(record.checkpoint.id);
  const std::string text = lesson::read_narration(testing::lesson_named(GetParam().lesson).info().narration);
  ASSERT_FALSE(text.empty());
  static const std::regex marker("<!--\\s*answer:([^ >]+)\\s*-->");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), marker); it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(asked.contains((*it)[1].str())) << "answer:" << (*it)[1].str() << " is never asked";
  }
}

INSTANTIATE_TEST_SUITE_P(Lessons, LessonCheckpoint,
                         ::testing::Values(Expected{"tcp-handshake", "6", "7"},
                                           Expected{"tcp-vs-udp-hello", "11", "6"},
                                           Expected{"connection-refused-and-lost-syn", "ECONNREFUSED", "none"},
                                           Expected{"http-is-text", "yes", "no"},
                                           Expected{"http-from-sockets", "yes", "no"},
                                           Expected{"http-frame-by-frame", "21", "115"},
                                           Expected{"blocking-vs-event-loop", "yes", "no"},
                                           // datagram 0 holds 24 bytes: sendto() says so, lost or not
                                           Expected{"udp-fire-and-forget", "24", "0"},
                                           Expected{"tcp-under-loss", "yes", "no"},
                                           // the socket tier loses nothing
                                           Expected{"tcp-vs-udp-side-by-side", "neither", "UDP"},
                                           Expected{"reliability-on-udp", "yes", "no"}),
                         [](const auto& info) {
                           std::string name = info.param.lesson;
                           for (char& c : name) if (c == '-') c = '_';
                           return name;
                         });

const lesson::CheckpointRecord* record_named(const std::vector<lesson::CheckpointRecord>& records, std::string_view id) {
  for (const auto& r : records) {
    if (r.checkpoint.id == id) return &r;
  }
  return nullptr;
}

#define SKIP_WITHOUT_WIRE()                                                                     \
  do {                                                                                          \
    const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);                    \
    if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason;                \
  } while (0)

// On the wire the handshake lesson also asks for the SYN-ACK's ack: the real packet says 1.
TEST(LessonCheckpointOnTheWire, TheSynAckCarriesAck1) {
  SKIP_WITHOUT_WIRE();
  lesson::RunOptions options;
  options.virtual_wire = true;
  options.checkpoint_asker = [](const lesson::Checkpoint& c) -> std::optional<std::string> {
    return c.id == "syn-ack" ? std::optional<std::string>("1") : std::nullopt;
  };
  const auto run = testing::run_to_end("tcp-handshake", options);
  ASSERT_NE(run->wire(), nullptr) << run->wire_error();
  const auto records = lesson::checkpoints_in(*run->trace());
  const auto* syn_ack = record_named(records, "syn-ack");
  ASSERT_NE(syn_ack, nullptr);
  ASSERT_TRUE(syn_ack->found);
  EXPECT_EQ(syn_ack->found->truth, "1");
  EXPECT_TRUE(syn_ack->correct) << lesson::reveal_text(*syn_ack);
  EXPECT_EQ((*run->trace())[syn_ack->found->event].kind, trace::EventKind::Packet);
  EXPECT_LT(syn_ack->asked_at, syn_ack->found->event);
}

// Without the wire nothing can answer a packet question, so none is asked.
TEST(LessonCheckpointOnTheWire, SocketTierAsksNoPacketQuestion) {
  const auto run = testing::run_to_end("tcp-handshake");
  EXPECT_EQ(record_named(lesson::checkpoints_in(*run->trace()), "syn-ack"), nullptr);
}

// "Will datagram 0 arrive?" is judged by the link's verdict; the receiver agrees with it: it
// read datagram 0 exactly when the answer is yes. Several seeds, so both answers occur.
void expect_arrival_matches_receiver(bool on_wire) {
  int yes = 0, no = 0;
  for (const std::uint64_t seed : {1, 2, 3, 4, 5, 6}) {
    lesson::RunOptions options;
    options.virtual_wire = on_wire;
    options.params.seed = seed;
    options.params.loss_percent = 50;
    const auto run = testing::run_to_end("udp-fire-and-forget", options);
    ASSERT_EQ(run->wire() != nullptr, on_wire) << run->wire_error();
    const auto records = lesson::checkpoints_in(*run->trace());
    const auto* arrives = record_named(records, "first-arrives");
    ASSERT_NE(arrives, nullptr);
    ASSERT_TRUE(arrives->found);
    bool got_zero = false;
    for (const auto* e : testing::calls_of(*run->trace(), "server")) {
      got_zero |= e->call == trace::Call::RecvFrom && e->result > 0 && e->payload.text().starts_with("0000/");
    }
    EXPECT_EQ(arrives->found->truth, got_zero ? "yes" : "no") << "seed " << seed;
    (got_zero ? yes : no) += 1;
  }
  EXPECT_GT(yes, 0);
  EXPECT_GT(no, 0) << "at 50 % loss six seeds should lose datagram 0 at least once";
}

TEST(LessonCheckpointOnTheWire, DatagramArrivalMatchesTheReceiver) {
  SKIP_WITHOUT_WIRE();
  expect_arrival_matches_receiver(true);
}

TEST(LessonCheckpointOnTheRelay, DatagramArrivalMatchesTheReceiver) { expect_arrival_matches_receiver(false); }

}  // namespace
}  // namespace wirestep
