// Checkpoints: answers found in the trace after the question, typed answers judged, notes round-tripped.
#include "lesson/checkpoint.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "trace/trace_json.h"

namespace wirestep::lesson {
namespace {

void call(trace::Trace& t, std::string_view lane, trace::Call c, std::int64_t result, int err = 0) {
  trace::Event e;
  e.kind = trace::EventKind::SocketCall;
  e.lane = t.lane(lane);
  e.call = c;
  e.result = result;
  e.err = err;
  t.append(e, std::string_view{});
}

void note(trace::Trace& t, const std::string& text) {
  trace::Event e;
  e.kind = trace::EventKind::Note;
  e.lane = t.lane("lesson");
  t.append(e, text);
}

TEST(CheckpointTest, JudgesNumbersYesNoAndChoices) {
  EXPECT_TRUE(judge(AnswerKind::Number, " 06 ", "6"));
  EXPECT_FALSE(judge(AnswerKind::Number, "5", "6"));
  EXPECT_FALSE(judge(AnswerKind::Number, "six", "6"));
  EXPECT_FALSE(judge(AnswerKind::Number, "", "6"));
  EXPECT_TRUE(judge(AnswerKind::YesNo, "Y", "yes"));
  EXPECT_TRUE(judge(AnswerKind::YesNo, "no", "no"));
  EXPECT_FALSE(judge(AnswerKind::YesNo, "yes", "no"));
  EXPECT_FALSE(judge(AnswerKind::YesNo, "maybe", "no"));
  EXPECT_TRUE(judge(AnswerKind::Choice, "econnrefused", "ECONNREFUSED"));
  EXPECT_FALSE(judge(AnswerKind::Choice, "ETIMEDOUT", "ECONNREFUSED"));
}

TEST(CheckpointTest, FindsTheFirstMatchingCallAfterTheQuestion) {
  trace::Trace t;
  call(t, "server", trace::Call::Recv, 99);  // before the question: not the answer
  note(t, encode_checkpoint(ask_result("q", "server", trace::Call::Recv, "How many?"), std::string("6")));
  call(t, "client", trace::Call::Recv, 4);   // another lane
  EXPECT_FALSE(checkpoints_in(t).front().found) << "revealed before the answering call happened";
  call(t, "server", trace::Call::Recv, 6);
  call(t, "server", trace::Call::Recv, 0);
  const auto records = checkpoints_in(t);
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].found);
  EXPECT_EQ(records[0].found->truth, "6");
  EXPECT_EQ(records[0].found->event, 3u);
  EXPECT_TRUE(records[0].correct);
  EXPECT_EQ(reveal_text(records[0]), "You said 6; server's recv() returned 6: correct.");
}

TEST(CheckpointTest, ErrnoAndSuccessAnswers) {
  trace::Trace t;
  note(t, encode_checkpoint(ask_errno("e", "client", trace::Call::Connect, "Which?", {"none", "ECONNREFUSED"}),
                            std::string("none")));
  note(t, encode_checkpoint(ask_succeeds("s", "client", trace::Call::Connect, "Works?"), std::nullopt));
  call(t, "client", trace::Call::Connect, -1, ECONNREFUSED);
  const auto records = checkpoints_in(t);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].found->truth, "ECONNREFUSED");
  EXPECT_FALSE(records[0].correct);
  EXPECT_EQ(records[0].checkpoint.choices.size(), 2u);
  EXPECT_EQ(records[1].found->truth, "no");
  EXPECT_FALSE(records[1].answer);
  EXPECT_FALSE(records[1].correct);
  EXPECT_EQ(reveal_text(records[1]), "Not answered; client's connect() failed.");
}

TEST(CheckpointTest, SurvivesAJsonRoundTrip) {
  trace::Trace t;
  note(t, encode_checkpoint(ask_result("q", "server", trace::Call::Recv, "How \"many\"?"), std::string("11")));
  call(t, "server", trace::Call::Recv, 11);
  const auto back = trace::trace_from_json(nlohmann::json::parse(trace::trace_to_json(t).dump()));
  const auto records = checkpoints_in(*back);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].checkpoint.question, "How \"many\"?");
  EXPECT_EQ(records[0].answer, "11");
  EXPECT_TRUE(records[0].correct);
}

TEST(CheckpointTest, OrdinaryNotesAreNotCheckpoints) {
  EXPECT_FALSE(decode_checkpoint("listen"));
  EXPECT_FALSE(decode_checkpoint("checkpoint:{not json"));
  EXPECT_FALSE(decode_checkpoint("checkpoint:{\"id\":1}"));
}

}  // namespace
}  // namespace wirestep::lesson
