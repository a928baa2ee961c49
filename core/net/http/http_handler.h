// The one request handler every server mode shares: routes, status codes and response bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/http/http_message.h"
#include "proto/http/http_parser.h"

namespace wirestep::net::http {

namespace ph = proto::http;

// Turns requests into response bytes. Stateless after construction, so one handler serves
// every connection of every thread at once. Responses are deterministic (no Date header)
// so that a lesson's trace and a test's expectations are the same on every run.
class HttpHandler {
 public:
  // mode: the server mode named on the page ("blocking", "threaded", "evented").
  explicit HttpHandler(std::string mode);

  // Appends the response to out. Returns true when the connection stays open afterwards:
  // only if may_keep_alive (the server supports it) and http::keep_alive(request) agree.
  bool respond(const ph::HttpRequest& request, bool may_keep_alive, std::string& out) const;
  // A request the parser rejected (400, 413, 431, 501, 505): the stream cannot be trusted
  // after it, so the response always closes the connection.
  void respond_error(const ph::ParseError& error, std::string& out) const;
  // A client that started a request but did not finish it in time (408, then close).
  void respond_timeout(std::string& out) const;
  // Any status with a short text body; closes when close is set.
  void respond_status(int status, std::string_view detail, bool close, std::string& out) const;

  const std::string& mode() const { return mode_; }
  const std::string& page() const { return page_; }

 private:
  void respond_page(bool head, bool keep_alive, bool http10, std::string& out) const;
  void respond_echo(const ph::HttpRequest& request, bool keep_alive, bool http10,
                    std::string& out) const;

  std::string mode_;
  std::string page_;
  // The hot path (GET / on a keep-alive HTTP/1.1 connection) is one append of this.
  std::string page_response_;
};

// The per-connection half: a parser and the rule for answering what it produces. Every
// server mode feeds received bytes here and sends what it appends to out, in order.
class HttpExchange {
 public:
  HttpExchange(const HttpHandler& handler, bool keep_alive);

  // Feeds bytes, appends a response for every complete request (pipelined requests are
  // answered in order). Returns false once the connection must close after out is sent:
  // a request said so, or the input was malformed. Bytes after that point are ignored.
  bool on_bytes(std::string_view bytes, std::string& out);
  // The peer closed its side: a half-sent request is answered with 400, then close.
  void on_end_of_stream(std::string& out);
  // The timeout fired: 408 if a request had started (returns true), otherwise nothing.
  bool on_timeout(std::string& out);

  bool closing() const { return closing_; }
  // The connection ends on an error answer (400/413/431/501/505 from the parser, or 408):
  // the client may still be sending, so the server should close gracefully (linger).
  bool rejected() const { return rejected_; }
  // Some bytes of a request arrived and it is not complete yet.
  bool request_started() const { return parser_.offset() > answered_end_; }
  std::uint64_t answered() const { return answered_; }

 private:
  const HttpHandler* handler_;
  ph::HttpParser parser_;
  bool keep_alive_;
  bool closing_ = false;
  bool rejected_ = false;
  std::uint64_t answered_end_ = 0;  // stream offset just past the last complete request
  std::uint64_t answered_ = 0;
};

}  // namespace wirestep::net::http
