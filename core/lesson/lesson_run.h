// One run of one lesson on its own thread: the object the CLI and the GUI both drive.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "lesson/lesson.h"
#include "lesson/lesson_context.h"
#include "lesson/lesson_params.h"
#include "lesson/stepper.h"
#include "net/cancel_signal.h"
#include "trace/trace.h"

namespace wirestep::lesson {

enum class RunState : std::uint8_t { Running, Finished, Failed, Cancelled };
std::string_view to_string(RunState state);

struct RunOptions {
  StepMode mode = StepMode::Play;
  double speed = Stepper::kUnpaced;
  LessonParams params;
  trace::TraceLimits limits;
};

// Starts at construction. The trace outlives the run (shared) so a finished lesson can
// still be inspected and saved. Destroying a run cancels it and waits for its threads.
class LessonRun {
 public:
  LessonRun(Lesson& lesson, RunOptions options);
  ~LessonRun();
  LessonRun(const LessonRun&) = delete;
  LessonRun& operator=(const LessonRun&) = delete;

  const std::shared_ptr<trace::Trace>& trace() const { return trace_; }
  Stepper& stepper() { return stepper_; }
  const LessonInfo& info() const { return info_; }

  RunState state() const { return state_.load(std::memory_order_acquire); }
  bool done() const { return state() != RunState::Running; }
  std::string error() const;  // why it failed, when state() == Failed
  // Ends the run promptly: gates and socket waits throw, actors unwind, then this returns.
  void cancel();
  // Waits until the run is done, up to timeout; true when done.
  bool wait(std::chrono::milliseconds timeout);

 private:
  LessonInfo info_;
  std::shared_ptr<trace::Trace> trace_;
  net::CancelSignal cancel_;
  Stepper stepper_;
  LessonContext context_;
  std::atomic<RunState> state_{RunState::Running};
  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  std::string error_;
  std::jthread thread_;
};

}  // namespace wirestep::lesson
