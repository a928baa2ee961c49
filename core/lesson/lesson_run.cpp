// LessonRun: the lesson thread, its outcome and its cancellation.
#include "lesson/lesson_run.h"

#include <spdlog/spdlog.h>

namespace wirestep::lesson {

std::string_view to_string(RunState state) {
  switch (state) {
    case RunState::Running: return "running";
    case RunState::Finished: return "finished";
    case RunState::Failed: return "failed";
    case RunState::Cancelled: return "cancelled";
  }
  return "?";
}

LessonRun::LessonRun(Lesson& lesson, RunOptions options)
    : info_(lesson.info()),
      trace_(std::make_shared<trace::Trace>(options.limits)),
      stepper_(options.mode, options.speed),
      context_(*trace_, stepper_, cancel_, options.params) {
  stepper_.set_granularity(options.granularity);
  context_.set_checkpoint_asker(options.checkpoint_asker);
  if (options.virtual_wire) {
    try {
      wire_ = std::make_unique<wire::VirtualWire>(*trace_, &stepper_);
      context_.set_wire(wire_.get());
    } catch (const std::exception& e) {
      wire_error_ = e.what();
      spdlog::warn("lesson {}: no virtual wire ({}); recording socket calls only", info_.id, e.what());
    }
  }
  thread_ = std::jthread([this, &lesson] {
    RunState outcome = RunState::Finished;
    std::string error;
    try {
      lesson.run(context_);
    } catch (const net::Cancelled&) {
      outcome = RunState::Cancelled;
    } catch (const std::exception& e) {
      outcome = RunState::Failed;
      error = e.what();
    } catch (...) {
      outcome = RunState::Failed;
      error = "unknown error";
    }
    if (outcome == RunState::Failed) spdlog::error("lesson {} failed: {}", info_.id, error);
    {
      std::lock_guard lock(mutex_);
      error_ = std::move(error);
      state_.store(outcome, std::memory_order_release);
    }
    done_cv_.notify_all();
  });
}

LessonRun::~LessonRun() {
  cancel();
}

std::string LessonRun::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void LessonRun::cancel() {
  if (!done()) context_.cancel();
  if (thread_.joinable()) thread_.join();
}

bool LessonRun::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return done_cv_.wait_for(lock, timeout, [this] { return done(); });
}

}  // namespace wirestep::lesson
