// One epoll instance and the thread that waits on it; an eventfd wakes it to stop.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "net/fd.h"

namespace wirestep::net::http {

class Channel;

// Level-triggered, like muduo: a Channel that still has bytes to read is simply reported
// again, so a handler may stop after one read without losing anything.
class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Dispatches events on the calling thread until quit().
  void run();
  // From any thread, also from a signal-handling thread: the loop ends after its current batch.
  void quit();

  // Channel bookkeeping; loop thread only (or before run()).
  void update(Channel& channel);
  void remove(Channel& channel);

  // Called on the loop thread every interval (coarse: checked after each batch of events).
  void set_tick(std::chrono::milliseconds interval, std::function<void()> on_tick);
  // Called on the loop thread after each batch of events: where objects closed during the
  // batch are destroyed, never inside their own callback.
  void set_after_batch(std::function<void()> after_batch);

  // The time the current batch started: one clock read per batch, not per event.
  Clock::time_point now() const { return now_; }
  // Scratch memory for reads: the bytes go straight to a parser, so connections need no
  // input buffer of their own.
  std::span<std::byte> read_buffer() { return read_buffer_; }

 private:
  Fd epoll_;
  Fd wake_;
  std::atomic<bool> quit_{false};
  Clock::time_point now_ = Clock::now();
  std::chrono::milliseconds tick_interval_{100};
  Clock::time_point next_tick_ = Clock::now();
  std::function<void()> on_tick_;
  std::function<void()> after_batch_;
  std::vector<epoll_event> events_;
  std::vector<std::byte> read_buffer_;
};

}  // namespace wirestep::net::http
