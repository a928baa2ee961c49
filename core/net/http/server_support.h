// Helpers the TracedSocket-based servers share: actors, deadlines and the lingering close.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "net/actor.h"
#include "net/http/http_server.h"
#include "net/traced_socket.h"

namespace spdlog {
class logger;
}

namespace wirestep::net::http {

// The "http" logger (stderr), created on first use.
spdlog::logger& http_log();

// The actor for the server's own calls (lane "server") or for connection number n.
Actor server_actor(const ServerOptions& options, const CancelSignal* cancel);
Actor connection_actor(const ServerOptions& options, const CancelSignal* cancel, unsigned n);

// After rejecting a request the client may still be sending; closing with unread bytes makes
// the kernel answer with RST, which can destroy the error response before the client reads
// it. So: shutdown(SHUT_WR), read and discard until the client closes (bounded), then close.
void lingering_close(TracedSocket& conn, std::chrono::milliseconds limit);

// How long a lingering close waits at most.
inline constexpr std::chrono::milliseconds kLingerLimit{2000};

}  // namespace wirestep::net::http
