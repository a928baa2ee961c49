// Play, Pause and Step for a live lesson: the gate every socket call waits at.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "net/actor.h"

namespace wirestep::lesson {

enum class StepMode : std::uint8_t { Play, Pause };

// Calls queue at the gate in arrival order. Playing, they go one by one, spaced so a person
// can follow (base interval / speed; an infinite speed does not pace at all). Paused, they
// wait; each step() lets exactly one through, and a step given before any call is waiting
// is kept for the next one. cancel() wakes every waiter with net::Cancelled.
class Stepper final : public net::CallGate {
 public:
  static constexpr double kUnpaced = 0.0;  // speed meaning "as fast as the machine goes"

  explicit Stepper(StepMode mode = StepMode::Play, double speed = kUnpaced);

  void play();
  void pause();
  void step();
  void set_speed(double speed);  // > 0 paces calls; kUnpaced removes pacing
  void set_base_interval(std::chrono::milliseconds interval);
  void cancel();

  StepMode mode() const;
  double speed() const;
  bool cancelled() const;
  std::uint64_t released() const;            // calls let through so far
  std::uint64_t pending_steps() const;       // steps given that no call has used yet
  std::optional<net::PendingCall> next() const;  // the call at the head of the queue

  void wait_turn(const net::PendingCall& call) override;

 private:
  struct Waiter {
    std::uint64_t ticket;
    net::PendingCall call;
  };

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  StepMode mode_;
  double speed_;
  std::chrono::milliseconds base_interval_{400};
  std::deque<Waiter> queue_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t step_tokens_ = 0;
  std::uint64_t released_ = 0;
  std::chrono::steady_clock::time_point last_release_{};
  bool cancelled_ = false;
};

}  // namespace wirestep::lesson
