// NetHost: a thread parked inside its own network namespace, making sockets on request.
#include "wire/net_host.h"

#include <arpa/inet.h>
#include <sched.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "net/sys_error.h"

namespace wirestep::wire {

NetHost::NetHost(std::string name, const TunConfig& tun) : name_(std::move(name)), address_(tun.address) {
  thread_ = std::jthread([this, tun] { serve(tun); });
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return ready_; });
  if (setup_error_) {
    stopping_ = true;
    changed_.notify_all();
    lock.unlock();
    thread_.join();
    std::rethrow_exception(setup_error_);
  }
}

NetHost::~NetHost() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

net::Endpoint NetHost::endpoint(std::uint16_t port) const {
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &address_, text, sizeof text);
  auto parsed = net::Endpoint::parse(text);
  parsed->set_port(port);
  return *parsed;
}

net::Fd NetHost::take_tun() {
  std::lock_guard lock(mutex_);
  return std::move(tun_);
}

int NetHost::open_socket(int domain, int type, int protocol) {
  int fd = -1;
  int err = 0;
  run_inside([&] {
    fd = ::socket(domain, type, protocol);
    err = errno;
  });
  errno = err;
  return fd;
}

void NetHost::run_inside(const std::function<void()>& job) {
  std::exception_ptr failure;
  bool done = false;
  std::unique_lock lock(mutex_);
  jobs_.push_back([&] {
    try {
      job();
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard inner(mutex_);
    done = true;
  });
  changed_.notify_all();
  changed_.wait(lock, [&] { return done; });
  if (failure) std::rethrow_exception(failure);
}

void NetHost::serve(const TunConfig& tun) {
  try {
    if (::unshare(CLONE_NEWNET) != 0) throw net::SysError("unshare(CLONE_NEWNET)", errno);
    bring_loopback_up();
    disable_ipv6();
    net::Fd fd = create_tun(tun);
    std::lock_guard lock(mutex_);
    tun_ = std::move(fd);
  } catch (...) {
    std::lock_guard lock(mutex_);
    setup_error_ = std::current_exception();
  }
  std::unique_lock lock(mutex_);
  ready_ = true;
  changed_.notify_all();
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping and nothing left to do
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
    changed_.notify_all();
  }
}

}  // namespace wirestep::wire
