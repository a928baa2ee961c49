// http-from-sockets: the seed's seven-call web server runs for real, narrated call by call.
#include "http_from_sockets.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <string>

#include "lesson/actor_group.h"
#include "lesson/lesson_context.h"
#include "lesson/lesson_log.h"
#include "net/traced_socket.h"

namespace wirestep::lessons {
namespace {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;
using net::http::BlockingServer;

// The server's calls happen inside BlockingServer, where the lesson cannot put a cue between
// two lines. So its gate does it: when a server call reaches the stepper, the paragraph about
// that call is cued first, and the text is on screen while the call waits for Next.
class NarratedGate final : public net::CallGate {
 public:
  explicit NarratedGate(lesson::LessonContext& context) : context_(context) {}

  // Called from one thread at a time: the server is built, then run, in sequence.
  void wait_turn(const net::PendingCall& call) override {
    if (call.call != previous_) {  // a run of recv() calls is one paragraph
      previous_ = call.call;
      const std::string_view name = trace::to_string(call.call);
      const auto lines = HttpFromSockets::source_lines();
      const bool listed = std::any_of(lines.begin(), lines.end(),
                                      [&](const auto& line) { return line.call == name; });
      std::lock_guard lock(mutex_);
      if (call.call == trace::Call::Accept && accepts_++ > 0) {
        // A later accept() is the loop's way back to the next client (a browser's).
        if (!next_client_cued_) context_.cue("next-client");
        next_client_cued_ = true;
      } else if (listed) {
        context_.cue(name);
        next_client_cued_ = false;  // an exchange is under way: the next accept() is news again
      }
    }
    context_.stepper().wait_turn(call);
  }

  // From the lesson thread once its client is done: the server goes back to accept() then,
  // but the lesson may stop it before that accept() reaches this gate. Cued once, by
  // whichever of the two comes first.
  void cue_next_client_once() {
    std::lock_guard lock(mutex_);
    if (!next_client_cued_) context_.cue("next-client");
    next_client_cued_ = true;
  }

 private:
  lesson::LessonContext& context_;
  trace::Call previous_ = trace::Call::None;  // server thread only
  int accepts_ = 0;                           // server thread only
  std::mutex mutex_;
  bool next_client_cued_ = false;
};

// BlockingServer::run() watches only its own stop signal, not the lesson's: whichever way
// the lesson leaves (done, failed, cancelled), the server must be told, or its accept()
// would keep the lesson's threads waiting forever.
struct StopOnExit {
  net::http::HttpServer& server;
  ~StopOnExit() { server.stop(); }
};

// The browser window: wall-clock time by nature, cut short when the lesson is cancelled.
void keep_serving_for(lesson::LessonContext& context, std::chrono::seconds window) {
  const auto until = std::chrono::steady_clock::now() + window;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd cancelled{context.cancel_signal().fd(), POLLIN, 0};
    const int ready = ::poll(&cancelled, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    context.throw_if_cancelled();
    if (ready != 0) return;
  }
}

}  // namespace

lesson::LessonInfo HttpFromSockets::info() const {
  return {
      .id = "http-from-sockets",
      .title = "A web server from seven socket calls",
      .summary = "socket, bind, listen, accept, recv, send, close: a real web server, each call "
                 "shown beside the Python line that makes it, answering a real GET.",
      .objectives = {"Name the seven calls of a web server and say what each one is for",
                     "Match each call to its line in Python and in C++",
                     "See accept() and recv() wait until a client gives them something",
                     "Open the server in a browser (wirestep run http-from-sockets --browser 60)"},
      .needs = {lesson::Capability::Sockets},
      .narration = "http-from-sockets.md",
  };
}

void HttpFromSockets::run(lesson::LessonContext& context) {
  const int browser_seconds = std::max(context.params().browser_seconds, 0);

  NarratedGate gate(context);
  net::http::ServerOptions options;
  // On loopback port 0 (the kernel picks a free one); on the virtual wire the server's own
  // address and port 80, with the listening socket made inside the server's namespace.
  options.bind = context.address("server", 80);
  options.sockets = context.sockets_for("server");
  options.trace = &context.trace();
  options.gate = &gate;
  // The whole request must arrive within this time of accept(). A class may pause between
  // two steps for as long as it likes; a browser's idle spare connection must not hold the
  // only server thread for long.
  options.idle_timeout = browser_seconds > 0 ? std::chrono::seconds(10) : std::chrono::hours(1);

  BlockingServer server(options);  // socket, bind, listen — each narrated as it happens
  const Endpoint address = server.local_endpoint();
  const std::string url = "http://" + address.to_string() + "/";

  lesson::ActorGroup server_side(context);
  server_side.spawn("server", [&](const net::Actor&) { server.run(); });  // accept, recv, send, close, again
  {
    const StopOnExit stop{server};
    lesson::ActorGroup client_side(context);
    client_side.spawn("client", [&](const net::Actor& me) {
      TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
      context.cue("connect");
      context.checkpoint(lesson::ask_succeeds("connect", "client", trace::Call::Connect,
                                              "The server sits in accept(). Will connect() succeed?"));
      socket.connect(address);

      context.cue("request");
      socket.send_all("GET / HTTP/1.1\r\n"
                      "Host: " + address.to_string() + "\r\n"
                      "User-Agent: wirestep-lesson\r\n"
                      "Accept: text/html\r\n"
                      "\r\n");
      std::string response;
      for (;;) {
        const std::string chunk = socket.recv(4096);
        if (chunk.empty()) break;  // the server closed: that is the end of its answer
        response += chunk;
      }
      context.cue("read-response");
      socket.close();
    });
    client_side.join();

    gate.cue_next_client_once();
    if (browser_seconds > 0) {
      lesson::lesson_log()->info("open {} in a browser: this server answers for {} s", url,
                                 browser_seconds);
      keep_serving_for(context, std::chrono::seconds(browser_seconds));
    } else {
      lesson::lesson_log()->info(
          "the server at {} has stopped; `wirestep run http-from-sockets --browser 60` keeps it "
          "answering a browser for 60 s",
          url);
    }
  }
  server_side.join();
  context.cue("done");
}

}  // namespace wirestep::lessons
