// BlockingServer: the Python seed's loop, line for line, with every call recorded.
#include "net/http/blocking_server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <string>

#include "net/http/server_support.h"
#include "net/sys_error.h"

namespace wirestep::net::http {
namespace {

// Kept beside the code it quotes; a unit test checks every C++ line is in this file verbatim.
constexpr SourceLine kSourceLines[] = {
    {"socket", "listener_ = TracedSocket::open(actor_, Protocol::Tcp, options_.bind.family());",
     "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)"},
    {"bind", "listener_.bind(options_.bind);", "s.bind(('127.0.0.1', 8080))"},
    {"listen", "listener_.listen(options_.backlog);", "s.listen()"},
    {"accept", "TracedSocket conn = listener_.accept(connection_actor(options_, &cancel_, ++connections_));",
     "conn, addr = s.accept()"},
    {"recv", "const std::int64_t got = conn.recv_into(buffer);", "data = conn.recv(4096)"},
    {"send", "conn.send_all(response);", "conn.sendall(response)"},
    {"close", "conn.close();", "conn.close()"},
};

}  // namespace

std::span<const SourceLine> BlockingServer::source_lines() { return kSourceLines; }
std::string_view BlockingServer::source_file() { return __FILE__; }

BlockingServer::BlockingServer(const ServerOptions& options)
    : options_(options), handler_("blocking"), actor_(server_actor(options_, &cancel_)) {
  // s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  listener_ = TracedSocket::open(actor_, Protocol::Tcp, options_.bind.family());
  // Not in the seed: lets the server restart while old connections sit in TIME_WAIT.
  listener_.set_reuse_address(true);
  // s.bind(('127.0.0.1', 8080))
  listener_.bind(options_.bind);
  // s.listen()
  listener_.listen(options_.backlog);
  local_ = listener_.local_endpoint();
}

BlockingServer::~BlockingServer() = default;

void BlockingServer::run() {
  try {
    for (;;) {
      // conn, addr = s.accept()   — waits here until a client has connected
      TracedSocket conn = listener_.accept(connection_actor(options_, &cancel_, ++connections_));
      if (!conn) continue;  // interrupted or refused before we took it: wait for the next
      serve_one(conn);
    }
  } catch (const Cancelled&) {
    // stop(): the socket calls unwind; the RAII sockets close. So does the listener, so that
    // clients still waiting in its backlog learn at once (a reset) that nobody will answer.
    listener_ = TracedSocket{};
  } catch (const SysError& e) {
    http_log().error("blocking server stopped: {}", e.what());
    throw;
  }
}

void BlockingServer::serve_one(TracedSocket& conn) {
  // One request per connection, as in the seed: the answer says "Connection: close".
  HttpExchange exchange(handler_, /*keep_alive=*/false);
  std::string response;
  std::array<std::byte, 4096> buffer;
  // The whole request must arrive within the idle timeout: a slow client cannot hold the
  // only thread forever (that would stop every other client too).
  const auto deadline = std::chrono::steady_clock::now() + options_.idle_timeout;
  while (!exchange.closing()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      exchange.on_timeout(response);
      break;
    }
    conn.set_timeout(left);
    // data = conn.recv(4096)   — waits here until the client sends something
    const std::int64_t got = conn.recv_into(buffer);
    if (got > 0) {
      exchange.on_bytes(std::string_view(reinterpret_cast<const char*>(buffer.data()),
                                         static_cast<std::size_t>(got)),
                        response);
    } else if (got == 0) {
      exchange.on_end_of_stream(response);  // the client closed first
    } else if (conn.last_error() == EAGAIN || conn.last_error() == EWOULDBLOCK) {
      exchange.on_timeout(response);
    } else {
      break;  // reset by the client: nobody to answer
    }
  }
  if (!response.empty()) {
    // conn.sendall(response)
    conn.send_all(response);
  }
  if (exchange.rejected()) {
    lingering_close(conn, kLingerLimit);  // rejected: let the client read why before closing
    return;
  }
  // conn.close()
  conn.close();
}

}  // namespace wirestep::net::http
