// Stepper: a FIFO gate with pacing, pausing, single steps and cancellation.
#include "lesson/stepper.h"

#include "net/cancel_signal.h"

namespace wirestep::lesson {

Stepper::Stepper(StepMode mode, double speed) : mode_(mode), speed_(speed) {}

void Stepper::play() {
  std::lock_guard lock(mutex_);
  mode_ = StepMode::Play;
  changed_.notify_all();
}

void Stepper::pause() {
  std::lock_guard lock(mutex_);
  mode_ = StepMode::Pause;
  changed_.notify_all();
}

void Stepper::step() {
  std::lock_guard lock(mutex_);
  mode_ = StepMode::Pause;
  ++step_tokens_;
  changed_.notify_all();
}

void Stepper::set_speed(double speed) {
  std::lock_guard lock(mutex_);
  speed_ = speed > 0 ? speed : kUnpaced;
  changed_.notify_all();
}

void Stepper::set_base_interval(std::chrono::milliseconds interval) {
  std::lock_guard lock(mutex_);
  base_interval_ = interval;
  changed_.notify_all();
}

void Stepper::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

StepMode Stepper::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

double Stepper::speed() const {
  std::lock_guard lock(mutex_);
  return speed_;
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
  if (mode_ == StepMode::Play && speed_ == kUnpaced && queue_.empty()) {
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
