// http-is-text: a hand-typed GET goes over a TCP socket to a tiny server that answers in text.
#include "http_is_text.h"

#include <string>

#include "lesson/actor_group.h"
#include "lesson/handoff.h"
#include "lesson/lesson_context.h"
#include "net/traced_socket.h"

namespace wirestep::lessons {
namespace {

constexpr std::string_view kPage = "<!doctype html>\n<h1>Hello, socket world!</h1>\n";

std::string make_response() {
  return "HTTP/1.1 200 OK\r\n"
         "Content-Type: text/html; charset=utf-8\r\n"
         "Content-Length: " + std::to_string(kPage.size()) + "\r\n"
         "Connection: close\r\n"
         "\r\n" + std::string(kPage);
}

}  // namespace

lesson::LessonInfo HttpIsText::info() const {
  return {
      .id = "http-is-text",
      .title = "HTTP is just text",
      .summary = "A client types a GET request into a TCP socket; a tiny server answers with "
                 "a status line, headers, a blank line and a page.",
      .objectives = {"Read an HTTP request byte by byte, including every \\r\\n",
                     "Find the blank line that ends the headers",
                     "See that the response is text too: status line, headers, body"},
      .needs = {lesson::Capability::Sockets},
      .narration = "http-is-text.md",
  };
}

void HttpIsText::run(lesson::LessonContext& context) {
  using net::Endpoint;
  using net::Protocol;
  using net::TracedSocket;

  lesson::Handoff<Endpoint> server_address;
  lesson::ActorGroup actors(context);

  actors.spawn("server", [&](const net::Actor& me) {
    context.cue("server-listens");
    TracedSocket listener = TracedSocket::open(me, Protocol::Tcp);
    // On the virtual wire the server has its own address and port 80 is free; on loopback
    // port 0 lets the kernel pick a free one.
    listener.bind(context.address("server", 80));
    listener.listen();
    server_address.put(listener.local_endpoint());

    TracedSocket connection = listener.accept();
    std::string request;
    // The headers end at the first empty line; keep reading until it has arrived.
    while (request.find("\r\n\r\n") == std::string::npos) {
      const std::string chunk = connection.recv(4096);
      if (chunk.empty()) break;
      request += chunk;
    }
    context.cue("blank-line");

    context.cue("response");
    connection.send_all(make_response());
    connection.close();  // Connection: close — the end of the stream ends the body too
    listener.close();
  });

  actors.spawn("client", [&](const net::Actor& me) {
    const Endpoint server = server_address.take(context.cancel_signal());
    TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
    context.cue("connect");
    context.checkpoint(lesson::ask_succeeds("connect", "client", trace::Call::Connect,
                                            "The server has not called accept() yet. Will connect() succeed?"));
    socket.connect(server);

    context.cue("request");
    socket.send_all("GET / HTTP/1.1\r\n"
                    "Host: " + server.to_string() + "\r\n"
                    "User-Agent: wirestep-lesson\r\n"
                    "Accept: text/html\r\n"
                    "\r\n");

    std::string response;
    for (;;) {
      const std::string chunk = socket.recv(4096);
      if (chunk.empty()) break;  // the server closed: the whole answer is here
      response += chunk;
    }
    context.cue("read-response");
    socket.close();
  });

  actors.join();
  context.cue("done");
}

}  // namespace wirestep::lessons
