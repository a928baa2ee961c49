// Passes one value from one actor to another (the server's port to the client), cancellably.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "net/cancel_signal.h"

namespace wirestep::lesson {

template <typename T>
class Handoff {
 public:
  void put(T value) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
    ready_.notify_all();
  }

  // Waits for put(); throws net::Cancelled if the lesson is cancelled first. The short wait
  // slices only bound how late a cancellation is noticed; a put() wakes the waiter at once.
  T take(const net::CancelSignal& cancel) {
    std::unique_lock lock(mutex_);
    while (!value_) {
      cancel.throw_if_cancelled();
      ready_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return *value_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::optional<T> value_;
};

}  // namespace wirestep::lesson
