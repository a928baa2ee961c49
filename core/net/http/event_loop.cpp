// EventLoop: epoll_wait, dispatch to Channels, ticks for timeouts, eventfd for quit().
#include "net/http/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "net/http/channel.h"
#include "net/sys_error.h"

namespace wirestep::net::http {

EventLoop::EventLoop()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      events_(1024),
      read_buffer_(64 * 1024) {
  if (!epoll_) throw SysError("epoll_create1", errno);
  if (!wake_) throw SysError("eventfd", errno);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;  // null marks the wake-up fd: no Channel behind it
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &event) != 0) {
    throw SysError("epoll_ctl(eventfd)", errno);
  }
}

EventLoop::~EventLoop() = default;

void EventLoop::quit() {
  quit_.store(true, std::memory_order_release);
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_.get(), &one, sizeof one);
}

void EventLoop::set_tick(std::chrono::milliseconds interval, std::function<void()> on_tick) {
  tick_interval_ = interval.count() > 0 ? interval : std::chrono::milliseconds(1);
  on_tick_ = std::move(on_tick);
  next_tick_ = Clock::now() + tick_interval_;
}

void EventLoop::set_after_batch(std::function<void()> after_batch) {
  after_batch_ = std::move(after_batch);
}

void EventLoop::update(Channel& channel) {
  epoll_event event{};
  event.events = channel.events();
  event.data.ptr = &channel;
  const int op = channel.registered() ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (::epoll_ctl(epoll_.get(), op, channel.fd(), &event) != 0) {
    throw SysError("epoll_ctl", errno);
  }
  channel.set_registered(true);
}

void EventLoop::remove(Channel& channel) {
  if (!channel.registered()) return;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, channel.fd(), nullptr);
  channel.set_registered(false);
}

void EventLoop::run() {
  while (!quit_.load(std::memory_order_acquire)) {
    const auto until_tick =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_tick_ - Clock::now()).count();
    const int timeout = on_tick_ ? static_cast<int>(std::max<long long>(until_tick, 0) + 1) : -1;
    const int ready = ::epoll_wait(epoll_.get(), events_.data(), static_cast<int>(events_.size()),
                                   timeout);
    if (ready < 0 && errno != EINTR) throw SysError("epoll_wait", errno);
    now_ = Clock::now();
    for (int i = 0; i < ready; ++i) {
      auto* channel = static_cast<Channel*>(events_[static_cast<std::size_t>(i)].data.ptr);
      if (channel == nullptr) continue;  // the wake-up: quit_ is checked by the loop condition
      channel->handle_events(events_[static_cast<std::size_t>(i)].events);
    }
    if (after_batch_) after_batch_();
    if (ready == static_cast<int>(events_.size())) events_.resize(events_.size() * 2);
    if (on_tick_ && now_ >= next_tick_) {
      next_tick_ = now_ + tick_interval_;
      on_tick_();
      if (after_batch_) after_batch_();
    }
  }
}

}  // namespace wirestep::net::http
