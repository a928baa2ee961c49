// A thread per connection (std::jthread), keep-alive, at most max_threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

#include "net/actor.h"
#include "net/cancel_signal.h"
#include "net/http/http_handler.h"
#include "net/http/http_server.h"
#include "net/traced_socket.h"

namespace wirestep::net::http {

// The acceptor (the thread in run()) hands each connection to a new thread that owns it:
// recv, answer every complete request (pipelined ones in order, in one send), repeat until
// the client closes, asks to close, errs or idles out. At max_threads the acceptor stops
// calling accept() until a thread ends, so excess clients wait, connected, in the kernel's
// listen backlog — never refused with 503. Simple and honest: the lesson shows the wait.
class ThreadedServer final : public HttpServer {
 public:
  explicit ThreadedServer(const ServerOptions& options);
  ~ThreadedServer() override;

  std::string_view mode() const override { return "threaded"; }
  Endpoint local_endpoint() const override { return local_; }
  void run() override;
  void stop() override;

  std::size_t active_connections() const { return active_.load(std::memory_order_relaxed); }

 private:
  struct Worker {
    std::jthread thread;
    std::atomic<bool> done{false};
  };

  void serve(TracedSocket conn, Worker* worker);
  void serve_connection(TracedSocket& conn);
  void reap_finished();

  ServerOptions options_;
  HttpHandler handler_;
  CancelSignal cancel_;
  Actor actor_;
  TracedSocket listener_;
  Endpoint local_;  // kept: the listener closes when run() ends
  unsigned connections_ = 0;

  std::mutex mutex_;
  std::condition_variable slot_free_;
  std::atomic<std::size_t> active_{0};
  std::list<Worker> workers_;  // owned by the acceptor; list nodes never move
};

}  // namespace wirestep::net::http
