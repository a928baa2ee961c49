// http-frame-by-frame: a POST sent in four pieces; after each recv the server's parser says what it has.
#include "http_frame_by_frame.h"

#include <array>
#include <stdexcept>
#include <string>

#include "lesson/actor_group.h"
#include "lesson/counter.h"
#include "lesson/handoff.h"
#include "lesson/lesson_context.h"
#include "net/cancel_signal.h"
#include "net/http/http_handler.h"
#include "net/traced_socket.h"
#include "proto/http/http_parser.h"

namespace wirestep::lessons {
namespace {

namespace ph = proto::http;
using net::Endpoint;
using net::Protocol;
using net::TracedSocket;

// 24 bytes in two halves of 12, so the narration can say "12 of 24".
constexpr std::string_view kBodyFirstHalf = "first half. ";
constexpr std::string_view kBodySecondHalf = "second half.";

// What the parser has understood so far, as the anchor of the paragraph about it: e.g.
// "body-12-of-24" (the numbers are in the anchor so the timeline's cue mark shows them too).
// "" while not even the request line is complete: there is nothing new to say yet.
std::string parser_cue(const ph::HttpParser& parser) {
  if (parser.has_error()) {
    // The lesson wrote this request itself: a parse error is a bug, not something to teach.
    throw std::runtime_error("the lesson's request did not parse: " + parser.error()->reason);
  }
  if (parser.has_message()) return "request-complete";
  const ph::HttpRequest& partial = parser.current();
  switch (parser.state()) {
    case ph::ParserState::HeaderLine:
      return "request-line-parsed";
    case ph::ParserState::Body:
      if (partial.body.empty()) return "headers-complete";
      return "body-" + std::to_string(partial.body.size()) + "-of-" +
             std::to_string(partial.content_length.value_or(0));
    default:
      return "";
  }
}

}  // namespace

lesson::LessonInfo HttpFrameByFrame::info() const {
  return {
      .id = "http-frame-by-frame",
      .title = "HTTP frame by frame",
      .summary = "A POST with headers and a body reaches the server in four pieces; an "
                 "incremental parser turns the pieces back into one request.",
      .objectives = {"See one request arrive in several recv() calls",
                     "Follow a parser: request line, headers, blank line, then Content-Length bytes",
                     "Know why a server cannot answer after one recv(): it must count the body",
                     "See the echo response carry the same body back"},
      .needs = {lesson::Capability::Sockets},
      .narration = "http-frame-by-frame.md",
  };
}

void HttpFrameByFrame::run(lesson::LessonContext& context) {
  lesson::Handoff<Endpoint> server_address;
  lesson::Counter server_has_read;  // request bytes the server has received so far
  lesson::ActorGroup actors(context);

  actors.spawn("server", [&](const net::Actor& me) {
    context.cue("setup");
    TracedSocket listener = TracedSocket::open(me, Protocol::Tcp);
    listener.bind(context.address("server", 80));
    listener.listen();
    server_address.put(listener.local_endpoint());
    TracedSocket connection = listener.accept();

    // Every recv() goes straight into the parser, which keeps the partial request itself.
    ph::HttpParser parser(ph::ParserMode::Request);
    context.checkpoint(lesson::ask_result("recv-request-line", "server", trace::Call::Recv,
                                          "The client sends \"POST /echo HTTP/1.1\\r\\n\" first. How many bytes will "
                                          "the server's first recv() return?"));
    while (!parser.has_message()) {
      const std::string bytes = connection.recv(4096);
      if (bytes.empty()) {
        // A lesson being stopped closes the client's socket as it unwinds: that end of the
        // stream is the stop, not a failure. (The app stops a run's stepper before it raises
        // the cancel signal, so either one means "stopping".)
        if (context.cancelled() || context.stepper().cancelled()) throw net::Cancelled{};
        throw std::runtime_error("the client stopped before its request was complete");
      }
      parser.feed(bytes);
      if (const std::string cue = parser_cue(parser); !cue.empty()) context.cue(cue);
      server_has_read.add(bytes.size());
    }

    context.cue("response");
    std::string response;
    net::http::HttpHandler("frame-by-frame").respond(*parser.pop_message(), /*may_keep_alive=*/false,
                                                     response);
    connection.send_all(response);  // the body comes back, with Content-Length and Connection: close
    connection.close();
    listener.close();
  });

  actors.spawn("client", [&](const net::Actor& me) {
    const Endpoint server = server_address.take(context.cancel_signal());
    TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
    context.cue("connect");
    socket.connect(server);

    const std::string body = std::string(kBodyFirstHalf) + std::string(kBodySecondHalf);
    struct Piece {
      std::string_view cue;
      std::string bytes;
    };
    const std::array<Piece, 4> pieces = {{
        {"send-request-line", "POST /echo HTTP/1.1\r\n"},
        {"send-headers", "Host: " + server.to_string() + "\r\n"
                         "Content-Type: text/plain\r\n"
                         "Content-Length: " + std::to_string(body.size()) + "\r\n"
                         "\r\n"},
        {"send-body-first-half", std::string(kBodyFirstHalf)},
        {"send-body-second-half", std::string(kBodySecondHalf)},
    }};
    std::uint64_t sent = 0;
    for (const Piece& piece : pieces) {
      context.cue(piece.cue);
      socket.send_all(piece.bytes);
      sent += piece.bytes.size();
      // A slow client: the next piece leaves only once the server has read this one, so each
      // piece gets a recv() of its own instead of merging in the server's receive buffer.
      server_has_read.wait_for(sent, context.cancel_signal());
    }

    std::string response;
    for (;;) {
      const std::string chunk = socket.recv(4096);
      if (chunk.empty()) break;  // the server closed: the echo is complete
      response += chunk;
    }
    context.cue("read-response");
    socket.close();
  });

  actors.join();
  context.cue("done");
}

}  // namespace wirestep::lessons
