// CheckpointPrompt: a one-slot mailbox between the asking actor and the GUI thread.
#include "view/checkpoint_prompt.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wirestep::view {

std::optional<std::string> CheckpointPrompt::ask(const lesson::Checkpoint& checkpoint) {
  std::unique_lock lock(mutex_);
  if (closed_) return std::nullopt;
  question_ = checkpoint;
  reply_.reset();
  changed_.wait(lock, [&] { return reply_.has_value() || closed_; });
  question_.reset();
  if (!reply_) return std::nullopt;
  return *std::exchange(reply_, std::nullopt);
}

std::optional<lesson::Checkpoint> CheckpointPrompt::waiting() const {
  std::lock_guard lock(mutex_);
  if (reply_) return std::nullopt;
  return question_;
}

void CheckpointPrompt::answer(std::string text) {
  {
    std::lock_guard lock(mutex_);
    if (!question_ || reply_) return;
    reply_ = std::optional<std::string>(std::move(text));
  }
  changed_.notify_all();
}

void CheckpointPrompt::skip() {
  {
    std::lock_guard lock(mutex_);
    if (!question_ || reply_) return;
    reply_ = std::optional<std::string>();
  }
  changed_.notify_all();
}

void CheckpointPrompt::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

std::string answer_problem(const lesson::Checkpoint& checkpoint, std::string_view text) {
  std::string trimmed(text);
  trimmed.erase(std::remove_if(trimmed.begin(), trimmed.end(), [](unsigned char c) { return std::isspace(c); }),
                trimmed.end());
  if (trimmed.empty()) return "Type an answer first, or skip.";
  switch (checkpoint.kind) {
    case lesson::AnswerKind::Number: {
      long long value = 0;
      const auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
      return ec == std::errc() && end == trimmed.data() + trimmed.size() ? "" : "Type a whole number.";
    }
    case lesson::AnswerKind::YesNo:
      return lesson::judge(lesson::AnswerKind::YesNo, trimmed, "yes") || lesson::judge(lesson::AnswerKind::YesNo, trimmed, "no")
                 ? ""
                 : "Answer yes or no.";
    case lesson::AnswerKind::Choice:
      for (const auto& choice : checkpoint.choices) {
        if (lesson::judge(lesson::AnswerKind::Choice, trimmed, choice)) return "";
      }
      return checkpoint.choices.empty() ? "" : "Pick one of the choices.";
  }
  return "";
}

}  // namespace wirestep::view
