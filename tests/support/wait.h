// Waiting for a condition with a deadline: tests never sleep a fixed time to let things happen.
#pragma once

#include <chrono>
#include <thread>

namespace wirestep::testing {

// Polls cond until it holds or the deadline passes; returns whether it held. The poll is a
// yield, not a sleep-and-hope: the deadline only bounds a failing test.
template <typename Cond>
bool wait_until(Cond cond, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

}  // namespace wirestep::testing
