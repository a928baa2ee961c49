// blocking-vs-event-loop: the same slow clients against BlockingServer, ThreadedServer, then EventedServer.
#include "blocking_vs_event_loop.h"

#include <algorithm>
#include <chrono>
#include <string>

#include <fmt/format.h>

#include "lesson/actor_group.h"
#include "lesson/client_waits.h"
#include "lesson/counter.h"
#include "lesson/lesson_context.h"
#include "net/http/blocking_server.h"
#include "net/http/evented_server.h"
#include "net/http/threaded_server.h"
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

// What the checkpoint says about the server before it asks: the question is the same each round.
std::string_view server_in_a_line(std::string_view mode) {
  if (mode == "blocking") return "The blocking server serves one client at a time.";
  if (mode == "threaded") return "The threaded server gives each connection it accepts a thread of its own.";
  return "The event loop serves everybody from one thread.";
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
              fmt::format("{} Will client #{}'s connect() succeed before the others are served?",
                          server_in_a_line(server.mode()), n)));
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

// Who waited how long, measured from the trace, as a note on the server's lane (the CLI prints
// it, the timeline marks it).
void summarise_round(lesson::LessonContext& context, lesson::ClientWaits& waits) {
  waits.update(context.trace());
  context.note("server", lesson::round_summary(waits.rounds().back()));
}

}  // namespace

lesson::LessonInfo BlockingVsEventLoop::info() const {
  return {
      .id = "blocking-vs-event-loop",
      .title = "Blocking server vs event loop",
      .summary = "The same slow clients against a server that serves one at a time, a server with "
                 "a thread per connection, and an epoll event loop that holds every connection at once.",
      .objectives = {"See a connected client wait, unanswered, in the listen backlog",
                     "See one slow client hold up a blocking server and everyone behind it",
                     "See a thread per connection serve everyone at once, at the price of a thread each",
                     "See an event loop accept everyone and answer whoever is ready",
                     "Compare who waited how long, and how many connections each server had open"},
      .needs = {lesson::Capability::Sockets},
      .narration = "blocking-vs-event-loop.md",
      .settings = {lesson::Setting::Clients},
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

  lesson::ClientWaits waits;  // the rounds so far, read from the trace after each one

  context.cue("blocking-server");
  {
    net::http::BlockingServer server(options);  // socket, bind, listen
    serve_slow_clients(context, server, clients);
  }
  summarise_round(context, waits);
  context.cue("blocking-result");

  context.cue("threaded-server");
  {
    // Not stepped: with every thread's calls queued at the one gate, one call at a time, the
    // threads would take turns like the blocking server's one thread and a paced run would
    // look just as serial. The clients still are.
    net::http::ServerOptions threaded = options;
    threaded.gate = nullptr;
    net::http::ThreadedServer server(threaded);
    serve_slow_clients(context, server, clients);
  }
  summarise_round(context, waits);
  context.cue("threaded-result");

  context.cue("evented-server");
  {
    // Not stepped: an event loop has no place to wait for a teacher (ServerOptions::gate is
    // for the blocking modes). The clients still are.
    net::http::EventedServer server(options);
    serve_slow_clients(context, server, clients);
  }
  summarise_round(context, waits);
  context.cue("evented-result");
  context.cue("done");
}

}  // namespace wirestep::lessons
