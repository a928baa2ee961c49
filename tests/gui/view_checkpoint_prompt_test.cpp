// The GUI's checkpoint logic: ask blocks until answered, skipped or closed; typed answers are checked before sending.
#include "view/checkpoint_prompt.h"

#include <gtest/gtest.h>

#include <future>

namespace wirestep::view {
namespace {

lesson::Checkpoint question() { return lesson::ask_result("q", "server", trace::Call::Recv, "How many?"); }

template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 20000 && !pred(); ++i) std::this_thread::yield();
  return pred();
}

TEST(CheckpointPromptTest, AskWaitsForTheAnswer) {
  CheckpointPrompt prompt;
  EXPECT_FALSE(prompt.waiting());
  auto asked = std::async(std::launch::async, [&] { return prompt.ask(question()); });
  ASSERT_TRUE(eventually([&] { return prompt.waiting().has_value(); }));
  EXPECT_EQ(prompt.waiting()->question, "How many?");
  EXPECT_EQ(asked.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);  // still blocked
  prompt.answer("6");
  EXPECT_EQ(asked.get(), "6");
  EXPECT_FALSE(prompt.waiting());
}

TEST(CheckpointPromptTest, SkipAndCloseAnswerNothing) {
  CheckpointPrompt prompt;
  auto skipped = std::async(std::launch::async, [&] { return prompt.ask(question()); });
  ASSERT_TRUE(eventually([&] { return prompt.waiting().has_value(); }));
  prompt.skip();
  EXPECT_FALSE(skipped.get());

  auto closed = std::async(std::launch::async, [&] { return prompt.ask(question()); });
  ASSERT_TRUE(eventually([&] { return prompt.waiting().has_value(); }));
  prompt.close();
  EXPECT_FALSE(closed.get());
  EXPECT_FALSE(prompt.ask(question()));  // a retired run never blocks again
}

TEST(CheckpointPromptTest, AnswersAreCheckedForTheQuestionsKind) {
  EXPECT_EQ(answer_problem(question(), " 6 "), "");
  EXPECT_EQ(answer_problem(question(), "six"), "Type a whole number.");
  EXPECT_EQ(answer_problem(question(), ""), "Type an answer first, or skip.");
  const auto yes_no = lesson::ask_succeeds("c", "client", trace::Call::Connect, "Works?");
  EXPECT_EQ(answer_problem(yes_no, "Yes"), "");
  EXPECT_EQ(answer_problem(yes_no, "perhaps"), "Answer yes or no.");
  const auto choice = lesson::ask_errno("e", "client", trace::Call::Connect, "Which?", {"none", "ECONNREFUSED"});
  EXPECT_EQ(answer_problem(choice, "econnrefused"), "");
  EXPECT_EQ(answer_problem(choice, "EPIPE"), "Pick one of the choices.");
}

}  // namespace
}  // namespace wirestep::view
