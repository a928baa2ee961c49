// A plain (untraced) blocking HTTP test client: raw bytes out, parsed responses back, deadlines.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "net/endpoint.h"
#include "net/fd.h"
#include "proto/http/http_parser.h"

namespace wirestep::testing {

// What the tests want to ask of a connection: did a response arrive, and is the socket closed.
class HttpTestClient {
 public:
  explicit HttpTestClient(const net::Endpoint& server)
      : fd_(::socket(server.family(), SOCK_STREAM | SOCK_CLOEXEC, 0)),
        parser_(proto::http::ParserMode::Response) {
    const int on = 1;
    ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    connected_ = ::connect(fd_.get(), server.sockaddr_ptr(), server.length()) == 0;
  }

  bool connected() const { return connected_; }
  int fd() const { return fd_.get(); }

  // One write(2) with all the bytes (pipelined requests arrive together).
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Tells the parser which request the next response answers (HEAD has no body).
  void expect(std::string_view method) { parser_.expect_response_to(method); }

  // The next response, or nullopt when the deadline passed or the stream ended first.
  std::optional<proto::http::HttpResponse> response(
      std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      if (parser_.has_message()) return parser_.pop_message();
      if (parser_.has_error() || eof_) return std::nullopt;
      if (!read_some(until)) return std::nullopt;
    }
  }

  // True when the server closed the connection (end of stream or reset) before the deadline.
  // Bytes that arrive meanwhile are kept in raw() and fed to the parser.
  bool closed_by_server(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!eof_) {
      if (!read_some(until)) return eof_;
    }
    return true;
  }

  // True when nothing at all arrives within the window (used only to show that something
  // does NOT happen, e.g. a blocked client; the window is the assertion, not a wait).
  bool silent_for(std::chrono::milliseconds window) {
    pollfd p{fd_.get(), POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(window.count())) == 0;
  }

  const std::string& raw() const { return raw_; }
  bool eof() const { return eof_; }
  void close() { fd_.reset(); }

 private:
  bool read_some(std::chrono::steady_clock::time_point until) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[65536];
    const auto n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    if (n <= 0) {
      eof_ = true;  // end of stream or reset: either way the server is gone
      parser_.finish();
      return true;
    }
    raw_.append(buffer, static_cast<std::size_t>(n));
    parser_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    return true;
  }

  net::Fd fd_;
  bool connected_ = false;
  bool eof_ = false;
  proto::http::HttpParser parser_;
  std::string raw_;
};

}  // namespace wirestep::testing
