// Checkpoint: the lesson's predict-then-reveal question as a small window, then the reveal with a link to the answering event.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "lesson/checkpoint.h"
#include "trace/trace.h"
#include <vector>

#include "view/checkpoint_prompt.h"
#include "view/selection.h"

namespace wirestep::panels {

class CheckpointPanel {
 public:
  // Draws nothing when no question waits and nothing new was revealed. `enter`: Enter was
  // pressed this frame (from the key queue, which also sees presses shorter than a frame).
  // `checkpoints`: those of `trace` with their reveals, as AppState keeps them.
  void draw(view::CheckpointPrompt* prompt, const trace::Trace* trace,
            const std::vector<lesson::CheckpointRecord>& checkpoints, view::Selection& selection, bool enter);

 private:
  void ask(view::CheckpointPrompt& prompt, const lesson::Checkpoint& question, bool enter);
  void update_reveal(const std::vector<lesson::CheckpointRecord>& records);

  std::string typed_;
  std::string problem_;
  std::string question_id_;
  const trace::Trace* trace_ = nullptr;
  std::size_t revealed_ = 0;  // checkpoints of this trace already revealed
  std::optional<lesson::CheckpointRecord> reveal_;
};

}  // namespace wirestep::panels
