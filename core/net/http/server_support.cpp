// Server helpers: lanes for actors and the bounded lingering close.
#include "net/http/server_support.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "trace/trace.h"

namespace wirestep::net::http {

spdlog::logger& http_log() {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  static std::shared_ptr<spdlog::logger> logger;
  if (!logger) {
    logger = spdlog::get("http");
    if (!logger) logger = spdlog::stderr_color_mt("http");
  }
  return *logger;
}

Actor server_actor(const ServerOptions& options, const CancelSignal* cancel) {
  Actor actor;
  actor.trace = options.trace;
  actor.lane = options.trace != nullptr ? options.trace->lane("server") : trace::kNoLane;
  actor.gate = options.gate;
  actor.cancel = cancel;
  actor.sockets = options.sockets;
  return actor;
}

Actor connection_actor(const ServerOptions& options, const CancelSignal* cancel, unsigned n) {
  Actor actor = server_actor(options, cancel);
  if (options.trace != nullptr && options.lane_per_connection) {
    actor.lane = options.trace->lane("client#" + std::to_string(n));
  }
  return actor;
}

void lingering_close(TracedSocket& conn, std::chrono::milliseconds limit) {
  if (!conn) return;
  conn.shutdown(SHUT_WR);
  const auto until = std::chrono::steady_clock::now() + limit;
  std::array<std::byte, 4096> discard;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    conn.set_timeout(left);
    if (conn.recv_into(discard) <= 0) break;  // end of stream, timeout or reset: done
  }
  conn.close();
}

}  // namespace wirestep::net::http
