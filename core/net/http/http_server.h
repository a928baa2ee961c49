// The interface every HTTP server mode implements, its options, and the factory by mode name.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "net/endpoint.h"

namespace wirestep::trace {
class Trace;
}

namespace wirestep::net {
class CallGate;
class SocketFactory;
}

namespace wirestep::net::http {

struct ServerOptions {
  Endpoint bind = Endpoint::loopback(AF_INET, 0);  // port 0: the kernel picks a free one
  int backlog = SOMAXCONN;
  // A connection with no request in progress closes after this long; a request that has
  // started must be complete this long after its first byte, or it gets 408 and a close.
  std::chrono::milliseconds idle_timeout{30'000};
  // Threaded mode: at most this many connection threads. Further connections are not
  // accepted until one ends: they wait, connected, in the kernel's accept backlog.
  std::size_t max_threads = 1024;
  // Where calls are recorded (nullptr: nowhere). Lane "server" for the server.
  trace::Trace* trace = nullptr;
  // Each accepted connection's calls on its own lane "client#N" (N from 1), for lessons
  // with a few clients; off by default because 10,000 lanes cannot be drawn apart.
  bool lane_per_connection = false;
  // Blocking and threaded modes: the lesson's stepper, asked before every call.
  CallGate* gate = nullptr;
  // Where the listening socket is made: a virtual-wire host's namespace, or (null) this
  // process's own network.
  SocketFactory* sockets = nullptr;
};

// One server: constructed listening (socket, bind, listen done, so local_endpoint() is
// known and a port in use throws SysError at once); run() serves until stop().
class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual std::string_view mode() const = 0;
  virtual Endpoint local_endpoint() const = 0;
  // Serves on the calling thread until stop(); returns once every connection is closed.
  virtual void run() = 0;
  // From any thread (a signal-handling thread, a test), before or during run(). Idempotent.
  virtual void stop() = 0;
};

// "blocking", "threaded", "evented".
std::span<const std::string_view> server_modes();
// The server for a mode name; nullptr for an unknown name. Throws SysError when it cannot
// listen (port in use, no permission).
std::unique_ptr<HttpServer> make_server(std::string_view mode, const ServerOptions& options);

// Servers hold one fd per connection: lift the soft RLIMIT_NOFILE to the hard limit.
// Returns the new soft limit.
std::size_t raise_fd_limit();

}  // namespace wirestep::net::http
