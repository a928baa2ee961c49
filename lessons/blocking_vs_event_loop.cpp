// blocking-vs-event-loop: the same slow clients, first against BlockingServer, then EventedServer.
#include "blocking_vs_event_loop.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "lesson/actor_group.h"
#include "lesson/counter.h"
#include "lesson/lesson_context.h"
#include "lesson/lesson_log.h"
#include "net/http/blocking_server.h"
#include "net/http/evented_server.h"
#include "net/traced_socket.h"

namespace wirestep::lessons {
namespace {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;

// A server runs its own loop and watches only its own stop signal, not the lesson's: however
// a phase ends (done, failed, cancelled), the server must be told, or its accept() or
// epoll_wait() would hold the lesson's threads forever.
struct StopOnExit {
  net::http::HttpServer& server;
  ~StopOnExit() { server.stop(); }
};

// The server's code is not the lesson's, so the lesson sees it where everyone does: in the
// trace. Waits until lane "server" has received bytes from this client (events from `from` on).
void wait_until_server_reads(lesson::LessonContext& context, const trace::Address& client,
                             std::size_t from) {
  const trace::Trace& trace = context.trace();
  for (std::size_t scanned = from;;) {
    const std::size_t size = trace.size();
    for (; scanned < size; ++scanned) {
      const trace::Event& e = trace[scanned];
      if (e.kind == trace::EventKind::SocketCall && e.call == trace::Call::Recv && e.result > 0 &&
          e.peer == client && trace.lane_name(e.lane) == "server") {
        return;
      }
    }
    context.throw_if_cancelled();
    trace.wait_for_more(size, std::chrono::milliseconds(20));
  }
}

// One round: every client connects; only then does each one ask for the page, in two halves.
void serve_slow_clients(lesson::LessonContext& context, net::http::HttpServer& server, int clients) {
  const std::size_t round_start = context.trace().size();
  const Endpoint address = server.local_endpoint();
  lesson::Counter connected;

  lesson::ActorGroup server_side(context);
  server_side.spawn("server", [&](const net::Actor&) { server.run(); });
  {
    const StopOnExit stop{server};
    lesson::ActorGroup client_side(context);
    for (int n = 1; n <= clients; ++n) {
      client_side.spawn("client#" + std::to_string(n), [&, n](const net::Actor& me) {
        TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
        if (n == clients) {
          context.checkpoint(lesson::ask_succeeds(
              std::string(server.mode()) + "-connect", "client#" + std::to_string(n), trace::Call::Connect,
              fmt::format("The {} server serves one client at a time at most. Will client #{}'s connect() succeed "
                          "before the others are served?", server.mode(), n)));
        }
        socket.connect(address);
        connected.add();
        // Nobody asks before everybody is connected: the kernel has then finished every
        // handshake, and who is answered when is up to the server alone.
        connected.wait_for(static_cast<std::uint64_t>(clients), context.cancel_signal());
        socket.send_all("GET / HTTP/1.1\r\nHost: " + address.to_string() + "\r\n");
        // A slow client: the rest of the request follows only once the server is reading it.
        // A server that can wait for one client at a time is stuck with this one until then.
        wait_until_server_reads(context, socket.local_endpoint().to_address(), round_start);
        socket.send_all("Connection: close\r\n\r\n");
        while (!socket.recv(4096).empty()) {
        }  // the page, then the end of the stream
        socket.close();
      });
    }
    connected.wait_for(static_cast<std::uint64_t>(clients), context.cancel_signal());
    context.cue(std::string(server.mode()) + "-all-connected");
    client_side.join();
  }
  server_side.join();
}

void log_concurrency(lesson::LessonContext& context, std::string_view mode, std::size_t from,
                     int clients) {
  const trace::Trace& trace = context.trace();
  lesson::lesson_log()->info("{} server: at most {} of {} connections open at once", mode,
                             max_open_connections(trace, from, trace.size()), clients);
}

}  // namespace

std::size_t max_open_connections(const trace::Trace& trace, std::size_t from, std::size_t to) {
  std::unordered_set<std::int64_t> open;  // fds of accepted connections not closed yet
  std::size_t most = 0;
  for (std::size_t i = from; i < std::min(to, trace.size()); ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::SocketCall || trace.lane_name(e.lane) != "server") continue;
    if (e.call == trace::Call::Accept && e.result >= 0) {
      open.insert(e.result);
      most = std::max(most, open.size());
    } else if (e.call == trace::Call::Close) {
      open.erase(e.fd);  // the listener's close is not in the set: nothing happens
    }
  }
  return most;
}

lesson::LessonInfo BlockingVsEventLoop::info() const {
  return {
      .id = "blocking-vs-event-loop",
      .title = "Blocking server vs event loop",
      .summary = "The same slow clients against a server that serves one at a time, then "
                 "against an epoll event loop that holds every connection at once.",
      .objectives = {"See a connected client wait, unanswered, in the listen backlog",
                     "See one slow client hold up a blocking server and everyone behind it",
                     "See an event loop accept everyone and answer whoever is ready",
                     "Count the connections each server had open at the same time"},
      .needs = {lesson::Capability::Sockets},
      .narration = "blocking-vs-event-loop.md",
  };
}

void BlockingVsEventLoop::run(lesson::LessonContext& context) {
  const int clients = std::max(context.params().clients, 1);
  net::http::ServerOptions options;
  // On loopback port 0 (the kernel picks a free one); on the virtual wire the server's own
  // address and port 80, with the listening socket made inside the server's namespace.
  options.bind = context.address("server", 80);
  options.sockets = context.sockets_for("server");
  options.trace = &context.trace();
  options.gate = &context.stepper();  // the blocking server's calls are stepped like the clients'
  // A class may pause as long as it likes: a client waiting for its step must not time out.
  options.idle_timeout = std::chrono::hours(1);

  context.cue("blocking-server");
  const std::size_t blocking_start = context.trace().size();
  {
    net::http::BlockingServer server(options);  // socket, bind, listen
    serve_slow_clients(context, server, clients);
  }
  log_concurrency(context, "blocking", blocking_start, clients);
  context.cue("blocking-result");

  context.cue("evented-server");
  const std::size_t evented_start = context.trace().size();
  {
    // Not stepped: an event loop has no place to wait for a teacher (ServerOptions::gate is
    // for the blocking modes). The clients still are.
    net::http::EventedServer server(options);
    serve_slow_clients(context, server, clients);
  }
  log_concurrency(context, "evented", evented_start, clients);
  context.cue("evented-result");
  context.cue("done");
}

}  // namespace wirestep::lessons
