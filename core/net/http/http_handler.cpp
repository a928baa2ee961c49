// HttpHandler: routing and response bytes; HttpExchange: one connection's parser and answers.
#include "net/http/http_handler.h"

#include <array>
#include <charconv>
#include <utility>

namespace wirestep::net::http {
namespace {

// Methods this server knows (RFC 9110 §9 plus PATCH): a known method on the wrong route is
// 405; any other token is a method the server does not implement, 501.
constexpr std::array<std::string_view, 9> kKnownMethods = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

bool is_known_method(std::string_view method) {
  for (const auto known : kKnownMethods) {
    if (method == known) return true;  // methods are case-sensitive (RFC 9110 §9.1)
  }
  return false;
}

// The path of an origin-form or absolute-form target, without the query.
std::string_view path_of(const ph::HttpRequest& request) {
  std::string_view target = request.target;
  if (request.target_form == ph::TargetForm::Absolute) {
    const auto scheme = target.find("://");
    const auto slash = scheme == std::string_view::npos ? std::string_view::npos
                                                         : target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const auto query = target.find_first_of("?#");
  return query == std::string_view::npos ? target : target.substr(0, query);
}

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

std::string_view reason_for(int status) {
  switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 503: return "Service Unavailable";
    default: return ph::status_text(status);
  }
}

// The head every response starts with. HTTP/1.1 whatever the request said: a server sends
// its own highest version (RFC 9110 §6.2); the Connection header says what happens next.
void append_head(std::string& out, int status, std::string_view content_type, std::uint64_t length,
                 bool keep_alive, bool http10) {
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(status));
  out += ' ';
  out += reason_for(status);
  out += "\r\nServer: wirestep\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: ";
  append_number(out, length);
  out += "\r\n";
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";  // HTTP/1.0 closes unless told otherwise
  }
}

void append_text_response(std::string& out, int status, std::string_view detail,
                          std::string_view allow, bool keep_alive, bool http10, bool head) {
  std::string body;
  body.reserve(64 + detail.size());
  append_number(body, static_cast<std::uint64_t>(status));
  body += ' ';
  body += reason_for(status);
  if (!detail.empty()) {
    body += ": ";
    body += detail;
  }
  body += '\n';
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(status));
  out += ' ';
  out += reason_for(status);
  out += "\r\nServer: wirestep\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ";
  append_number(out, body.size());
  out += "\r\n";
  if (!allow.empty()) {
    out += "Allow: ";
    out += allow;
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!head) out += body;
}

}  // namespace

HttpHandler::HttpHandler(std::string mode) : mode_(std::move(mode)) {
  page_ =
      "<!doctype html>\n"
      "<html lang=\"en\">\n"
      "<head><meta charset=\"utf-8\"><title>WireStep</title></head>\n"
      "<body>\n"
      "<h1>Hello from WireStep</h1>\n"
      "<p>This page was served by the <strong>" + mode_ + "</strong> server.</p>\n"
      "<p>Every socket call it made to answer you was recorded. POST something to "
      "<code>/echo</code> and it comes straight back.</p>\n"
      "</body>\n"
      "</html>\n";
  append_head(page_response_, 200, "text/html; charset=utf-8", page_.size(), true, false);
  page_response_ += "\r\n";
  page_response_ += page_;
}

void HttpHandler::respond_page(bool head, bool keep_alive, bool http10, std::string& out) const {
  if (!head && keep_alive && !http10) {
    out += page_response_;
    return;
  }
  append_head(out, 200, "text/html; charset=utf-8", page_.size(), keep_alive, http10);
  out += "\r\n";
  if (!head) out += page_;
}

void HttpHandler::respond_echo(const ph::HttpRequest& request, bool keep_alive, bool http10,
                               std::string& out) const {
  const ph::HeaderField* type = request.find_header("Content-Type");
  append_head(out, 200, type != nullptr && !type->value.empty() ? std::string_view(type->value)
                                                                : "application/octet-stream",
              request.body.size(), keep_alive, http10);
  out += "\r\n";
  out += request.body;
}

bool HttpHandler::respond(const ph::HttpRequest& request, bool may_keep_alive,
                          std::string& out) const {
  const bool keep = may_keep_alive && ph::keep_alive(request);
  const bool http10 = request.version < ph::HttpVersion{1, 1};
  const bool head = request.method == "HEAD";
  if (!is_known_method(request.method)) {
    append_text_response(out, 501, "this server does not implement " + request.method, {}, keep,
                         http10, false);
    return keep;
  }
  const std::string_view path = path_of(request);
  if (path == "/") {
    if (request.method == "GET" || head) {
      respond_page(head, keep, http10, out);
    } else {
      append_text_response(out, 405, request.method + " is not allowed on /", "GET, HEAD", keep,
                           http10, false);
    }
    return keep;
  }
  if (path == "/echo") {
    if (request.method == "POST") {
      respond_echo(request, keep, http10, out);
    } else {
      append_text_response(out, 405, request.method + " is not allowed on /echo", "POST", keep,
                           http10, head);
    }
    return keep;
  }
  append_text_response(out, 404, "no page at " + std::string(path), {}, keep, http10, head);
  return keep;
}

void HttpHandler::respond_error(const ph::ParseError& error, std::string& out) const {
  append_text_response(out, error.status, error.reason, {}, false, false, false);
}

void HttpHandler::respond_timeout(std::string& out) const {
  append_text_response(out, 408, "the request did not arrive in time", {}, false, false, false);
}

void HttpHandler::respond_status(int status, std::string_view detail, bool close,
                                 std::string& out) const {
  append_text_response(out, status, detail, {}, !close, false, false);
}

HttpExchange::HttpExchange(const HttpHandler& handler, bool keep_alive)
    : handler_(&handler), parser_(ph::ParserMode::Request), keep_alive_(keep_alive) {}

bool HttpExchange::on_bytes(std::string_view bytes, std::string& out) {
  if (closing_) return false;
  parser_.feed(bytes);
  // A server does not draw the parser's byte colours: drop them so a long keep-alive
  // connection does not grow this record forever.
  parser_.clear_state_ranges();
  while (!closing_) {
    std::optional<ph::HttpRequest> request = parser_.pop_message();
    if (!request) break;
    answered_end_ = request->start_offset + request->length;
    ++answered_;
    if (!handler_->respond(*request, keep_alive_, out)) closing_ = true;
  }
  if (!closing_ && parser_.has_error()) {
    handler_->respond_error(*parser_.error(), out);
    closing_ = true;
    rejected_ = true;
  }
  return !closing_;
}

void HttpExchange::on_end_of_stream(std::string& out) {
  if (closing_) return;
  closing_ = true;
  if (!request_started()) return;
  parser_.finish();
  if (parser_.has_error()) {
    handler_->respond_error(*parser_.error(), out);
    rejected_ = true;
  }
}

bool HttpExchange::on_timeout(std::string& out) {
  if (closing_) return false;
  closing_ = true;
  if (!request_started()) return false;
  handler_->respond_timeout(out);
  rejected_ = true;
  return true;
}

}  // namespace wirestep::net::http
