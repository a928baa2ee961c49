// One thread, one epoll loop, thousands of keep-alive connections (muduo-style).
#pragma once

#include <list>
#include <memory>
#include <vector>

#include "net/call_recorder.h"
#include "net/fd.h"
#include "net/http/channel.h"
#include "net/http/connection.h"
#include "net/http/event_loop.h"
#include "net/http/http_handler.h"
#include "net/http/http_server.h"

namespace wirestep::net::http {

// The listening socket is non-blocking; on readiness it accepts until EAGAIN (a burst of
// clients costs one wake-up). Calls are recorded with CallRecorder on lane "server" (or
// "client#N" per connection when ServerOptions::lane_per_connection): no stepper gate and no
// TCP_INFO snapshots, so tracing costs one Trace::append per call. Each connection gets a fresh
// flow id (Trace::new_flow) rather than Trace::flow_of, whose address map would grow by one
// entry per connection forever; with lane_per_connection (lessons, few clients) flow_of is used
// so the client's and the server's halves share one flow.
class EventedServer final : public HttpServer, private Connection::Owner {
 public:
  explicit EventedServer(const ServerOptions& options);
  ~EventedServer() override;

  std::string_view mode() const override { return "evented"; }
  Endpoint local_endpoint() const override { return local_; }
  void run() override;
  void stop() override { loop_.quit(); }

  // Loop thread only (tests read it after run() returns).
  std::size_t open_connections() const { return open_; }

 private:
  void handle_accept();
  void accept_one(int fd, const sockaddr_storage& address, socklen_t length, std::int64_t start);
  void sweep_deadlines();
  void touch(Connection& connection) override;
  void closed(Connection& connection) override;

  ServerOptions options_;
  HttpHandler handler_;
  CallRecorder recorder_;
  EventLoop loop_;
  Fd listen_fd_;
  RecordedSocket listen_record_;
  Endpoint local_;
  bool local_is_wildcard_ = false;
  std::unique_ptr<Channel> listen_channel_;
  // Kept open so that at EMFILE one fd can be freed to accept-and-close a waiting client;
  // otherwise the level-triggered listener would report it again forever.
  Fd spare_fd_;
  unsigned accepted_ = 0;
  std::size_t open_ = 0;
  // Oldest deadline first: every deadline is "now + the same timeout", so appending at the
  // back keeps the list sorted and the sweep only looks at the front.
  std::list<std::unique_ptr<Connection>> by_deadline_;
  std::vector<std::unique_ptr<Connection>> closed_;
};

}  // namespace wirestep::net::http
