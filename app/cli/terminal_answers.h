// `run --step`: checkpoint questions asked at the terminal; a non-empty line typed then is the answer, not a step.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "lesson/checkpoint.h"

namespace wirestep::cli {

class TerminalAnswers {
 public:
  // The lesson's checkpoint asker (an actor thread): waits for the next typed line; nullopt
  // when input ends or the run stops (recorded unanswered). "-" skips.
  std::optional<std::string> ask(const lesson::Checkpoint& checkpoint) {
    std::unique_lock lock(mutex_);
    if (closed_) return std::nullopt;
    question_ = checkpoint;
    announced_ = false;
    answer_.reset();
    changed_.wait(lock, [&] { return answer_.has_value() || closed_; });
    question_.reset();
    std::optional<std::string> answer = std::exchange(answer_, std::nullopt);
    if (answer && *answer == "-") return std::nullopt;
    return answer;
  }
  // The question to print, once (the printing thread owns the terminal's output).
  std::optional<lesson::Checkpoint> take_new_question() {
    std::lock_guard lock(mutex_);
    if (!question_ || announced_) return std::nullopt;
    announced_ = true;
    return question_;
  }
  // A typed line: true when it answered a question waiting for one (so it is no step). An
  // empty line is always a step: an Enter pressed for the previous prompt, arriving just after
  // the question, must not be taken for an answer.
  bool offer_line(std::string line) {
    {
      std::lock_guard lock(mutex_);
      if (!question_ || answer_ || line.empty()) return false;
      answer_ = std::move(line);
    }
    changed_.notify_all();
    return true;
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<lesson::Checkpoint> question_;
  std::optional<std::string> answer_;
  bool announced_ = false;
  bool closed_ = false;
};

}  // namespace wirestep::cli
