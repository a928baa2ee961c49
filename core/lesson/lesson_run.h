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
#include "wire/virtual_wire.h"

namespace wirestep::lesson {

enum class RunState : std::uint8_t { Running, Finished, Failed, Cancelled };
std::string_view to_string(RunState state);

struct RunOptions {
  StepMode mode = StepMode::Play;
  Granularity granularity = Granularity::Calls;
  // Run the lesson's hosts on the virtual wire (namespaces + TUN) so every real packet is
  // recorded and can be stepped. When the machine does not allow it the run falls back to
  // the socket tier and wire_error() says why.
  bool virtual_wire = false;
  double speed = Stepper::kUnpaced;
  LessonParams params;
  trace::TraceLimits limits;
  // Who answers predict-then-reveal checkpoints (the GUI's panel, the terminal of `run --step`);
  // null: nobody, and checkpoints are recorded unanswered without waiting.
  LessonContext::CheckpointAsker checkpoint_asker;
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
  // Null on the socket tier.
  wire::VirtualWire* wire() const { return wire_.get(); }
  // Why a requested virtual wire could not be built ("" when it was, or not asked for).
  const std::string& wire_error() const { return wire_error_; }

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
  // After the stepper (it listens to it) and before the thread (the lesson uses its hosts).
  std::unique_ptr<wire::VirtualWire> wire_;
  std::string wire_error_;
  LessonContext context_;
  std::atomic<RunState> state_{RunState::Running};
  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  std::string error_;
  std::jthread thread_;
};

}  // namespace wirestep::lesson
