// The GUI's side of a predict-then-reveal checkpoint: the question waiting for the user, their typed answer checked, the reveal.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "lesson/checkpoint.h"

namespace wirestep::view {

// Handed between a lesson's actor thread (ask blocks it) and the GUI thread (answer/skip).
class CheckpointPrompt {
 public:
  // The lesson's asker: waits until the user answers or skips, or the run is retired (close).
  std::optional<std::string> ask(const lesson::Checkpoint& checkpoint);
  // The question now waiting for the user, if any (GUI thread, every frame).
  std::optional<lesson::Checkpoint> waiting() const;
  void answer(std::string text);
  void skip();
  // Wakes a waiting ask with no answer and makes later asks return at once.
  void close();

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<lesson::Checkpoint> question_;
  std::optional<std::optional<std::string>> reply_;  // set: answered (inner nullopt: skipped)
  bool closed_ = false;
};

// Why the typed text is not yet an answer to this question ("Type a whole number."), or "" when it is.
std::string answer_problem(const lesson::Checkpoint& checkpoint, std::string_view text);

}  // namespace wirestep::view
