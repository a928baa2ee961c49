// The seed's server in C++: one connection at a time — accept, recv a request, send, close.
#pragma once

#include <span>
#include <string_view>

#include "net/actor.h"
#include "net/cancel_signal.h"
#include "net/http/http_handler.h"
#include "net/http/http_server.h"
#include "net/traced_socket.h"

namespace wirestep::net::http {

// One row of the lesson's side-by-side listing: the call, the C++ line in blocking_server.cpp
// that makes it (verbatim, trimmed), and the line of the Python seed that does the same.
struct SourceLine {
  std::string_view call;
  std::string_view cpp;
  std::string_view python;
};

// While it serves one client, every other client waits — connected (the kernel finished
// the handshake) but unanswered, in the listen backlog. That wait is what the lesson shows.
// Each connection carries exactly one request and closes ("Connection: close"), like the seed.
class BlockingServer final : public HttpServer {
 public:
  explicit BlockingServer(const ServerOptions& options);
  ~BlockingServer() override;

  std::string_view mode() const override { return "blocking"; }
  Endpoint local_endpoint() const override { return local_; }
  void run() override;
  void stop() override { cancel_.cancel(); }

  // The lines each recorded call came from, in the order the calls happen.
  static std::span<const SourceLine> source_lines();
  // This server's source file as compiled (for a lesson that shows the code around a line).
  static std::string_view source_file();

 private:
  void serve_one(TracedSocket& conn);

  ServerOptions options_;
  HttpHandler handler_;
  CancelSignal cancel_;
  Actor actor_;
  unsigned connections_ = 0;
  TracedSocket listener_;
  Endpoint local_;  // kept: the listener closes when run() ends
};

}  // namespace wirestep::net::http
