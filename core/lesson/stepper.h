// Play, Pause and Step for a live lesson: the gate every socket call waits at.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "net/actor.h"

namespace wirestep::lesson {

enum class StepMode : std::uint8_t { Play, Pause };
// What one step releases: the next socket call, or the next packet the virtual wire holds.
enum class Granularity : std::uint8_t { Calls, Frames };

// The wire's answer from the stepper: send the held packet now, or wait until retry_at
// (pacing), or until the stepper changes (paused: the user must press Next).
struct FrameTurn {
  bool go = false;
  std::optional<std::chrono::steady_clock::time_point> retry_at;
};

// Calls queue at the gate in arrival order. Playing, they go one by one, spaced so a person
// can follow (base interval / speed; an infinite speed does not pace at all). Paused, they
// wait; each step() lets exactly one through, and a step given before any call is waiting
// is kept for the next one. cancel() wakes every waiter with net::Cancelled.
// At frame granularity socket calls run freely and the same rules apply to the packets the
// virtual wire holds: it asks take_frame_turn() and is woken through the frame listener.
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
  void set_granularity(Granularity granularity);

  StepMode mode() const;
  Granularity granularity() const;
  double speed() const;
  // How far apart paced calls go now (base interval / speed); zero when unpaced. Lessons with
  // timers stretch them by this so a paced run does not time out on calls merely queued here.
  std::chrono::milliseconds call_interval() const;
  bool cancelled() const;
  std::uint64_t released() const;            // calls let through so far
  std::uint64_t pending_steps() const;       // steps given that no call has used yet
  std::optional<net::PendingCall> next() const;  // the call at the head of the queue

  void wait_turn(const net::PendingCall& call) override;

  // Frames: called by the wire thread for the packet at the head of its hold queue. Never
  // blocks. A "go" consumes a step (paused) or a pacing slot (playing).
  FrameTurn take_frame_turn();
  // When frames are neither held nor paced (calls granularity, unpaced play, cancelled), counts
  // `count` frames as released and returns true: the wire may pass them on as one. Otherwise
  // false, and nothing changes: each must take its turn. Never blocks.
  bool release_free_frames(std::size_t count);
  // Called (on the caller's thread, outside the stepper's lock) after every change that can
  // turn a "wait" into a "go": play, pause, step, speed, granularity, cancel. Null clears it.
  void set_frame_listener(std::function<void()> listener);
  std::uint64_t frames_released() const;
  // How many packets the wire is holding, for "3 packets held" in the controls.
  void set_held_frames(std::size_t held);
  std::size_t held_frames() const;

 private:
  struct Waiter {
    std::uint64_t ticket;
    net::PendingCall call;
  };

  void notify_frame_listener();
  bool frames_free_locked() const;  // frames go without a turn each (mutex_ held)

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  StepMode mode_;
  Granularity granularity_ = Granularity::Calls;
  double speed_;
  std::chrono::milliseconds base_interval_{400};
  std::deque<Waiter> queue_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t step_tokens_ = 0;
  std::uint64_t released_ = 0;
  std::chrono::steady_clock::time_point last_release_{};
  bool cancelled_ = false;
  std::uint64_t frames_released_ = 0;
  std::size_t held_frames_ = 0;
  // Its own lock so the wire can clear its listener while a control call is notifying it.
  std::mutex listener_mutex_;
  std::function<void()> frame_listener_;
};

}  // namespace wirestep::lesson
