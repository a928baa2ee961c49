// EventedServer: accept loop, connection ownership and the deadline sweep.
#include "net/http/evented_server.h"

#include "net/socket_factory.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include <spdlog/spdlog.h>

#include "net/http/server_support.h"
#include "net/sys_error.h"
#include "trace/trace.h"

namespace wirestep::net::http {

using trace::Call;

namespace {

bool is_wildcard(const Endpoint& endpoint) {
  const auto address = endpoint.to_address();
  return std::all_of(address.ip.begin(), address.ip.end(), [](auto b) { return b == 0; });
}

}  // namespace

EventedServer::EventedServer(const ServerOptions& options)
    : options_(options), handler_("evented"), recorder_(options.trace) {
  raise_fd_limit();
  listen_record_.lane = options_.trace != nullptr ? options_.trace->lane("server") : trace::kNoLane;

  auto start = recorder_.start();
  const int type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
  listen_fd_.reset(options_.sockets != nullptr
                       ? options_.sockets->open_socket(options_.bind.family(), type, 0)
                       : ::socket(options_.bind.family(), type, 0));
  int err = listen_fd_ ? 0 : errno;
  listen_record_.fd = listen_fd_.get();
  recorder_.record(listen_record_, Call::Socket, start, listen_fd_.get(), err);
  if (!listen_fd_) throw SysError("socket", err);

  const int on = 1;
  ::setsockopt(listen_fd_.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);

  start = recorder_.start();
  int result = ::bind(listen_fd_.get(), options_.bind.sockaddr_ptr(), options_.bind.length());
  err = result < 0 ? errno : 0;
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (result == 0 && ::getsockname(listen_fd_.get(), reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
    local_ = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&bound), length);
  } else {
    local_ = options_.bind;
  }
  listen_record_.local = local_.to_address();
  recorder_.record(listen_record_, Call::Bind, start, result, err);
  if (result < 0) throw SysError("bind(" + options_.bind.to_string() + ")", err);
  local_is_wildcard_ = is_wildcard(local_);

  start = recorder_.start();
  result = ::listen(listen_fd_.get(), options_.backlog);
  err = result < 0 ? errno : 0;
  recorder_.record(listen_record_, Call::Listen, start, result, err);
  if (result < 0) throw SysError("listen", err);

  spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));

  listen_channel_ = std::make_unique<Channel>(loop_, listen_fd_.get());
  listen_channel_->on_readable([this] { handle_accept(); });
  listen_channel_->enable_reading();

  // The sweep runs a few times per timeout, so a deadline is late by at most an eighth.
  const auto tick = std::clamp(options_.idle_timeout / 8, std::chrono::milliseconds(5),
                               std::chrono::milliseconds(250));
  loop_.set_tick(tick, [this] { sweep_deadlines(); });
  loop_.set_after_batch([this] { closed_.clear(); });
}

EventedServer::~EventedServer() {
  // Connections first: their Channels unregister from the loop, which must still exist.
  closed_.clear();
  by_deadline_.clear();
  listen_channel_.reset();
}

void EventedServer::run() {
  try {
    loop_.run();
  } catch (const std::exception& e) {
    http_log().error("evented server: {}", e.what());
    while (!by_deadline_.empty()) by_deadline_.front()->close();
    closed_.clear();
    throw;
  }
  // Shutting down: close every connection (recorded, like any other close), and the
  // listener, so clients still in its backlog get a reset instead of waiting forever.
  while (!by_deadline_.empty()) by_deadline_.front()->close();
  closed_.clear();
  listen_channel_.reset();
  const auto start = recorder_.start();
  const int result = ::close(listen_fd_.release());
  recorder_.record(listen_record_, Call::Close, start, result, result < 0 ? errno : 0);
}

void EventedServer::handle_accept() {
  for (;;) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    const auto start = recorder_.start();
    const int fd = ::accept4(listen_fd_.get(), reinterpret_cast<sockaddr*>(&address), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      accept_one(fd, address, length, start);
      continue;
    }
    const int err = errno;
    if (err == EINTR || err == ECONNABORTED) continue;
    listen_record_.peer = {};
    recorder_.record(listen_record_, Call::Accept, start, -1, err);
    if (err == EMFILE || err == ENFILE) {
      // Out of fds: free the spare, take the waiting client and close it at once, so it
      // learns now instead of hanging; then keep the spare again.
      http_log().warn("evented server: out of file descriptors ({} open)", open_);
      spare_fd_.reset();
      Fd dropped(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      dropped.reset();
      spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    } else if (err != EAGAIN && err != EWOULDBLOCK) {
      http_log().warn("evented server: accept failed: errno {}", err);
    }
    return;  // EAGAIN: the backlog is empty
  }
}

void EventedServer::accept_one(int fd, const sockaddr_storage& address, socklen_t length,
                               std::int64_t start) {
  Fd owned(fd);
  // Responses go out in one send; without Nagle the kernel sends them at once.
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  ++accepted_;
  RecordedSocket record;
  record.lane = listen_record_.lane;
  record.fd = fd;
  if (recorder_.enabled()) {
    record.peer = Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&address), length).to_address();
    record.local = listen_record_.local;
    if (local_is_wildcard_) {
      sockaddr_storage local{};
      socklen_t local_length = sizeof local;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) == 0) {
        record.local = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&local), local_length).to_address();
      }
    }
    trace::Trace& trace = *recorder_.trace();
    if (options_.lane_per_connection) {
      record.lane = trace.lane("client#" + std::to_string(accepted_));
      record.flow = trace.flow_of(record.local, record.peer);
    } else {
      record.flow = trace.new_flow();
    }
    listen_record_.peer = record.peer;
    listen_record_.flow = record.flow;
    recorder_.record(listen_record_, Call::Accept, start, fd, 0);
    listen_record_.flow = trace::kNoFlow;
  }
  auto connection = std::make_unique<Connection>(loop_, std::move(owned), handler_, recorder_, record,
                                                 static_cast<Connection::Owner&>(*this));
  Connection& ref = *connection;
  ref.deadline = loop_.now() + options_.idle_timeout;
  by_deadline_.push_back(std::move(connection));
  ref.position = std::prev(by_deadline_.end());
  ++open_;
  ref.start();
}

void EventedServer::touch(Connection& connection) {
  connection.deadline = loop_.now() + options_.idle_timeout;
  by_deadline_.splice(by_deadline_.end(), by_deadline_, connection.position);
}

void EventedServer::closed(Connection& connection) {
  --open_;
  closed_.push_back(std::move(*connection.position));
  by_deadline_.erase(connection.position);
}

void EventedServer::sweep_deadlines() {
  const auto now = loop_.now();
  // time_out() either closes the connection (it leaves the list) or touches it (it moves to
  // the back with a later deadline), so this loop always ends.
  while (!by_deadline_.empty() && by_deadline_.front()->deadline <= now) {
    by_deadline_.front()->time_out();
  }
}

}  // namespace wirestep::net::http
