// Every lesson's predict-then-reveal checkpoint, on real runs: the answer comes from the real call; nobody asked never blocks.
#include <gtest/gtest.h>

#include <atomic>

#include "lesson/checkpoint.h"
#include "support/lesson_runner.h"

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

INSTANTIATE_TEST_SUITE_P(Lessons, LessonCheckpoint,
                         ::testing::Values(Expected{"tcp-handshake", "6", "7"},
                                           Expected{"tcp-vs-udp-hello", "11", "6"},
                                           Expected{"connection-refused-and-lost-syn", "ECONNREFUSED", "none"},
                                           Expected{"http-is-text", "yes", "no"},
                                           Expected{"http-from-sockets", "yes", "no"},
                                           Expected{"http-frame-by-frame", "21", "115"},
                                           Expected{"blocking-vs-event-loop", "yes", "no"}),
                         [](const auto& info) {
                           std::string name = info.param.lesson;
                           for (char& c : name) if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace wirestep
