// One fd's registration in an EventLoop: the events it wants and who handles them.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <functional>

namespace wirestep::net::http {

class EventLoop;

// Does not own the fd (its owner does, as an Fd); removes itself from the loop when destroyed.
class Channel {
 public:
  using Callback = std::function<void()>;

  Channel(EventLoop& loop, int fd) : loop_(&loop), fd_(fd) {}
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  void on_readable(Callback callback) { read_ = std::move(callback); }
  void on_writable(Callback callback) { write_ = std::move(callback); }

  void enable_reading() { set_events(events_ | EPOLLIN | EPOLLRDHUP); }
  void disable_reading() { set_events(events_ & ~(EPOLLIN | EPOLLRDHUP)); }
  void enable_writing() { set_events(events_ | EPOLLOUT); }
  void disable_writing() { set_events(events_ & ~EPOLLOUT); }
  bool reading() const { return (events_ & EPOLLIN) != 0; }
  bool writing() const { return (events_ & EPOLLOUT) != 0; }
  // Takes the fd out of the loop (before the fd closes).
  void remove();

  // Called by the loop. Errors and hang-ups go to the read handler: its recv() returns the
  // error or the end of stream, which is how the owner learns about it.
  void handle_events(std::uint32_t revents);

  int fd() const { return fd_; }
  std::uint32_t events() const { return events_; }
  bool registered() const { return registered_; }
  void set_registered(bool on) { registered_ = on; }

 private:
  void set_events(std::uint32_t events);

  EventLoop* loop_;
  int fd_;
  std::uint32_t events_ = 0;
  bool registered_ = false;
  Callback read_;
  Callback write_;
};

}  // namespace wirestep::net::http
