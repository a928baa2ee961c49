// HttpMessage queries and the case-insensitive helpers HTTP field handling relies on.
#include "proto/http/http_message.h"

namespace wirestep::proto::http {

namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

const HeaderField* HttpMessage::find_header(std::string_view name) const {
  for (const HeaderField& h : headers) {
    if (iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::size_t HttpMessage::count_headers(std::string_view name) const {
  std::size_t n = 0;
  for (const HeaderField& h : headers) {
    if (iequals(h.name, name)) ++n;
  }
  return n;
}

bool HttpMessage::tolerated_bare_lf() const {
  for (const ParseNote& note : notes) {
    if (note.kind == NoteKind::BareLf) return true;
  }
  return false;
}

bool has_token(const HttpMessage& message, std::string_view name, std::string_view token) {
  for (const HeaderField& h : message.headers) {
    if (!iequals(h.name, name)) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view item = trim_ows(rest.substr(0, comma));
      if (iequals(item, token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

bool keep_alive(const HttpMessage& message) {
  if (has_token(message, "Connection", "close")) return false;
  if (message.kind == MessageKind::Response && message.framing == BodyFraming::UntilClose) {
    return false;
  }
  if (message.version >= HttpVersion{1, 1}) return true;
  // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing; close after.
  if (message.find_header("Transfer-Encoding") != nullptr) return false;
  return has_token(message, "Connection", "keep-alive");
}

std::string_view to_string(TargetForm form) {
  switch (form) {
    case TargetForm::Origin:
      return "origin-form";
    case TargetForm::Absolute:
      return "absolute-form";
    case TargetForm::Authority:
      return "authority-form";
    case TargetForm::Asterisk:
      return "asterisk-form";
  }
  return "?";
}

std::string_view to_string(BodyFraming framing) {
  switch (framing) {
    case BodyFraming::None:
      return "no body";
    case BodyFraming::ContentLength:
      return "Content-Length";
    case BodyFraming::Chunked:
      return "chunked";
    case BodyFraming::UntilClose:
      return "until close";
  }
  return "?";
}

}  // namespace wirestep::proto::http
