// Stepper: a FIFO gate with pacing, pausing, single steps and cancellation.
#include "lesson/stepper.h"

#include "net/cancel_signal.h"

namespace wirestep::lesson {

Stepper::Stepper(StepMode mode, double speed) : mode_(mode), speed_(speed) {}

void Stepper::play() {
  {
    std::lock_guard lock(mutex_);
    mode_ = StepMode::Play;
    changed_.notify_all();
  }
  notify_frame_listener();
}

void Stepper::pause() {
  {
    std::lock_guard lock(mutex_);
    mode_ = StepMode::Pause;
    changed_.notify_all();
  }
  notify_frame_listener();
}

void Stepper::step() {
  {
    std::lock_guard lock(mutex_);
    mode_ = StepMode::Pause;
    ++step_tokens_;
    changed_.notify_all();
  }
  notify_frame_listener();
}

void Stepper::set_speed(double speed) {
  {
    std::lock_guard lock(mutex_);
    speed_ = speed > 0 ? speed : kUnpaced;
    changed_.notify_all();
  }
  notify_frame_listener();
}

void Stepper::set_base_interval(std::chrono::milliseconds interval) {
  std::lock_guard lock(mutex_);
  base_interval_ = interval;
  changed_.notify_all();
}

void Stepper::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }
  notify_frame_listener();
}

void Stepper::set_granularity(Granularity granularity) {
  {
    std::lock_guard lock(mutex_);
    granularity_ = granularity;
    changed_.notify_all();
  }
  notify_frame_listener();
}

Granularity Stepper::granularity() const {
  std::lock_guard lock(mutex_);
  return granularity_;
}

StepMode Stepper::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

double Stepper::speed() const {
  std::lock_guard lock(mutex_);
  return speed_;
}

std::chrono::milliseconds Stepper::call_interval() const {
  std::lock_guard lock(mutex_);
  if (speed_ <= 0) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(std::chrono::duration<double, std::milli>(
      static_cast<double>(base_interval_.count()) / speed_));
}

bool Stepper::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::uint64_t Stepper::released() const {
  std::lock_guard lock(mutex_);
  return released_;
}

std::uint64_t Stepper::pending_steps() const {
  std::lock_guard lock(mutex_);
  return step_tokens_;
}

std::optional<net::PendingCall> Stepper::next() const {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) return std::nullopt;
  return queue_.front().call;
}

void Stepper::wait_turn(const net::PendingCall& call) {
  std::unique_lock lock(mutex_);
  if (cancelled_) throw net::Cancelled{};
  const bool free_run = granularity_ == Granularity::Frames ||
                        (mode_ == StepMode::Play && speed_ == kUnpaced);
  if (free_run && queue_.empty()) {
    ++released_;
    return;
  }
  const std::uint64_t ticket = next_ticket_++;
  queue_.push_back({ticket, call});
  for (;;) {
    if (cancelled_) {
      std::erase_if(queue_, [&](const Waiter& w) { return w.ticket == ticket; });
      changed_.notify_all();
      throw net::Cancelled{};
    }
    const bool at_head = queue_.front().ticket == ticket;
    if (at_head && granularity_ == Granularity::Frames) break;  // the wire steps now
    if (at_head && mode_ == StepMode::Pause && step_tokens_ > 0) {
      --step_tokens_;
      break;
    }
    if (at_head && mode_ == StepMode::Play) {
      if (speed_ == kUnpaced) break;
      const auto due = last_release_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                           base_interval_ / speed_);
      if (std::chrono::steady_clock::now() >= due) break;
      changed_.wait_until(lock, due);
      continue;
    }
    changed_.wait(lock);
  }
  queue_.pop_front();
  ++released_;
  last_release_ = std::chrono::steady_clock::now();
  changed_.notify_all();
}

}  // namespace wirestep::lesson

namespace wirestep::lesson {

bool Stepper::frames_free_locked() const {
  return cancelled_ || granularity_ == Granularity::Calls || (mode_ == StepMode::Play && speed_ == kUnpaced);
}

bool Stepper::release_free_frames(std::size_t count) {
  std::lock_guard lock(mutex_);
  if (!frames_free_locked()) return false;
  frames_released_ += count;
  last_release_ = std::chrono::steady_clock::now();
  return true;
}

FrameTurn Stepper::take_frame_turn() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  FrameTurn turn;
  if (frames_free_locked()) {
    turn.go = true;
  } else if (mode_ == StepMode::Play) {
    const auto due = last_release_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                         base_interval_ / speed_);
    if (now >= due) {
      turn.go = true;
    } else {
      turn.retry_at = due;
    }
  } else if (step_tokens_ > 0) {
    --step_tokens_;
    turn.go = true;
  }
  if (turn.go) {
    ++frames_released_;
    last_release_ = now;
  }
  return turn;
}

void Stepper::set_frame_listener(std::function<void()> listener) {
  std::lock_guard lock(listener_mutex_);
  frame_listener_ = std::move(listener);
}

void Stepper::notify_frame_listener() {
  std::lock_guard lock(listener_mutex_);
  if (frame_listener_) frame_listener_();
}

std::uint64_t Stepper::frames_released() const {
  std::lock_guard lock(mutex_);
  return frames_released_;
}

void Stepper::set_held_frames(std::size_t held) {
  std::lock_guard lock(mutex_);
  held_frames_ = held;
}

std::size_t Stepper::held_frames() const {
  std::lock_guard lock(mutex_);
  return held_frames_;
}

}  // namespace wirestep::lesson
