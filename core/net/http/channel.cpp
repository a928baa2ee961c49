// Channel: interest changes go to epoll only when they change; events go to the callbacks.
#include "net/http/channel.h"

#include "net/http/event_loop.h"

namespace wirestep::net::http {

Channel::~Channel() { remove(); }

void Channel::remove() {
  loop_->remove(*this);
  events_ = 0;
}

void Channel::set_events(std::uint32_t events) {
  if (events == events_ && registered_) return;
  events_ = events;
  loop_->update(*this);
}

void Channel::handle_events(std::uint32_t revents) {
  if ((revents & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0 && read_) {
    read_();
    // The read handler may have closed the owner; it only marks it, so this is still alive,
    // and writing is skipped once it no longer wants to.
  }
  if ((revents & EPOLLOUT) != 0 && (events_ & EPOLLOUT) != 0 && write_) write_();
}

}  // namespace wirestep::net::http
