// ThreadedServer: an acceptor loop and one keep-alive connection loop per std::jthread.
#include "net/http/threaded_server.h"

#include <array>
#include <cerrno>
#include <string>

#include <spdlog/spdlog.h>

#include "net/http/server_support.h"
#include "net/sys_error.h"

namespace wirestep::net::http {

ThreadedServer::ThreadedServer(const ServerOptions& options)
    : options_(options), handler_("threaded"), actor_(server_actor(options_, &cancel_)) {
  if (options_.max_threads == 0) options_.max_threads = 1;
  listener_ = TracedSocket::open(actor_, Protocol::Tcp, options_.bind.family());
  listener_.set_reuse_address(true);
  listener_.bind(options_.bind);
  listener_.listen(options_.backlog);
  local_ = listener_.local_endpoint();
}

ThreadedServer::~ThreadedServer() {
  stop();
  workers_.clear();  // joins: each thread sees the cancel within one wait slice
}

void ThreadedServer::stop() {
  cancel_.cancel();
  std::lock_guard lock(mutex_);
  slot_free_.notify_all();
}

void ThreadedServer::reap_finished() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done.load(std::memory_order_acquire)) {
      it = workers_.erase(it);  // joins a thread that is already past its last line
    } else {
      ++it;
    }
  }
}

void ThreadedServer::run() {
  try {
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        slot_free_.wait(lock, [&] {
          return cancel_.cancelled() || active_.load(std::memory_order_acquire) < options_.max_threads;
        });
      }
      cancel_.throw_if_cancelled();
      reap_finished();
      TracedSocket conn = listener_.accept(connection_actor(options_, &cancel_, ++connections_));
      if (!conn) continue;
      active_.fetch_add(1, std::memory_order_acq_rel);
      Worker& worker = workers_.emplace_back();
      worker.thread = std::jthread([this, &worker, c = std::move(conn)]() mutable {
        serve(std::move(c), &worker);
      });
    }
  } catch (const Cancelled&) {
  } catch (const SysError& e) {
    http_log().error("threaded server: {}", e.what());
    stop();
    workers_.clear();
    throw;
  }
  workers_.clear();
  listener_ = TracedSocket{};  // clients still in the backlog get a reset, not a hang
}

void ThreadedServer::serve(TracedSocket conn, Worker* worker) {
  try {
    serve_connection(conn);
  } catch (const Cancelled&) {
    // stop(): the socket closes unrecorded as it unwinds.
  } catch (const std::exception& e) {
    // A bug or a surprise on one connection ends that connection, never the process.
    http_log().error("threaded server connection: {}", e.what());
  }
  try {
    conn = TracedSocket{};
  } catch (...) {
  }
  active_.fetch_sub(1, std::memory_order_acq_rel);
  {
    std::lock_guard lock(mutex_);
    worker->done.store(true, std::memory_order_release);
    slot_free_.notify_all();
  }
}

void ThreadedServer::serve_connection(TracedSocket& conn) {
  HttpExchange exchange(handler_, /*keep_alive=*/true);
  std::string response;
  std::array<std::byte, 16384> buffer;
  conn.set_timeout(options_.idle_timeout);
  bool timeout_is_idle = true;  // what the socket's timeout is set to right now
  auto request_deadline = std::chrono::steady_clock::now();
  while (!exchange.closing()) {
    if (exchange.request_started()) {
      // A started request must finish by its deadline, however slowly its bytes trickle in.
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          request_deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        exchange.on_timeout(response);
        break;
      }
      conn.set_timeout(left);
      timeout_is_idle = false;
    } else if (!timeout_is_idle) {
      conn.set_timeout(options_.idle_timeout);
      timeout_is_idle = true;
    }
    const bool was_started = exchange.request_started();
    const std::int64_t got = conn.recv_into(buffer);
    if (got > 0) {
      const std::uint64_t before = exchange.answered();
      exchange.on_bytes(std::string_view(reinterpret_cast<const char*>(buffer.data()),
                                         static_cast<std::size_t>(got)),
                        response);
      if (exchange.request_started() && (!was_started || exchange.answered() != before)) {
        request_deadline = std::chrono::steady_clock::now() + options_.idle_timeout;
      }
      if (!response.empty()) {
        if (!conn.send_all(response)) return;  // the client went away
        response.clear();
        if (response.capacity() > 65536) response.shrink_to_fit();
      }
    } else if (got == 0) {
      exchange.on_end_of_stream(response);
    } else if (conn.last_error() == EAGAIN || conn.last_error() == EWOULDBLOCK) {
      exchange.on_timeout(response);
    } else {
      return;  // reset
    }
  }
  if (!response.empty()) conn.send_all(response);
  if (exchange.rejected()) {
    lingering_close(conn, kLingerLimit);
    return;
  }
  conn.close();
}

}  // namespace wirestep::net::http
