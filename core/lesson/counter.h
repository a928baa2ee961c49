// A count actors raise and wait on, cancellably ("the server has read 57 bytes", "all connected").
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "net/cancel_signal.h"

namespace wirestep::lesson {

// Handoff passes one value once; a Counter only grows, so the same one can be waited on again
// and again for higher targets.
class Counter {
 public:
  void add(std::uint64_t amount = 1) {
    std::lock_guard lock(mutex_);
    value_ += amount;
    changed_.notify_all();
  }

  std::uint64_t value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  // Waits until the count reaches target; throws net::Cancelled if the lesson is cancelled
  // first. As in Handoff, the wait slices only bound how late a cancellation is noticed.
  void wait_for(std::uint64_t target, const net::CancelSignal& cancel) {
    std::unique_lock lock(mutex_);
    while (value_ < target) {
      cancel.throw_if_cancelled();
      changed_.wait_for(lock, std::chrono::milliseconds(20));
    }
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t value_ = 0;
};

}  // namespace wirestep::lesson
