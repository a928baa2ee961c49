// A one-shot "stop now" that wakes every socket wait of a lesson at once.
#pragma once

#include <atomic>
#include <exception>

#include "net/fd.h"

namespace wirestep::net {

// Thrown out of a socket call or a stepper gate when the lesson was cancelled; the lesson
// runtime catches it, so actors simply unwind and their RAII sockets close.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};

// An eventfd that becomes readable on cancel(): blocking waits poll it beside their socket,
// so a cancelled lesson ends within one poll wake-up instead of at the next timeout.
class CancelSignal {
 public:
  CancelSignal();
  void cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  void throw_if_cancelled() const {
    if (cancelled()) throw Cancelled{};
  }
  int fd() const { return event_.get(); }

 private:
  Fd event_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace wirestep::net
