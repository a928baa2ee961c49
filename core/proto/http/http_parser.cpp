// HttpParser: a byte-driven state machine for RFC 9112 message framing with RFC 9110 field rules.
#include "proto/http/http_parser.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace wirestep::proto::http {

namespace {

constexpr std::uint64_t kSaturated = std::numeric_limits<std::uint64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ows(char c) { return c == ' ' || c == '\t'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

unsigned char octet(char c) { return static_cast<unsigned char>(c); }

// VCHAR / obs-text: what may appear in field values and reason phrases besides SP and HTAB.
bool is_visible_or_obs(char c) {
  const unsigned char u = octet(c);
  return (u >= 0x21 && u <= 0x7e) || u >= 0x80;
}

// RFC 9110 §5.6.4 qdtext.
bool is_qdtext(char c) {
  const unsigned char u = octet(c);
  return c == '\t' || c == ' ' || u == 0x21 || (u >= 0x23 && u <= 0x5b) ||
         (u >= 0x5d && u <= 0x7e) || u >= 0x80;
}

// RFC 3986 unreserved / sub-delims / pct-encoded: the characters of a reg-name host.
bool is_host_char(char c) {
  return is_alpha(c) || is_digit(c) ||
         std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool parse_version(std::string_view s, HttpVersion& out) {
  if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || !is_digit(s[5]) || s[6] != '.' ||
      !is_digit(s[7])) {
    return false;
  }
  out.major = s[5] - '0';
  out.minor = s[7] - '0';
  return true;
}

bool version_supported(HttpVersion v) { return v.major == 1 && (v.minor == 0 || v.minor == 1); }

std::string version_text(HttpVersion v) {
  return "HTTP/" + std::to_string(v.major) + "." + std::to_string(v.minor);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// host ":" port with a non-empty port, host a reg-name, IPv4 or [IP-literal] (no userinfo).
bool is_authority_form(std::string_view t) {
  std::string_view host;
  std::string_view port;
  if (!t.empty() && t.front() == '[') {
    const std::size_t close = t.find(']');
    if (close == std::string_view::npos || close + 1 >= t.size() || t[close + 1] != ':') {
      return false;
    }
    for (char c : t.substr(1, close - 1)) {
      if (!(hex_value(c) >= 0 || c == ':' || c == '.')) return false;
    }
    host = t.substr(0, close + 1);
    port = t.substr(close + 2);
  } else {
    const std::size_t colon = t.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = t.substr(0, colon);
    port = t.substr(colon + 1);
    if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_char)) return false;
  }
  return all_digits(port) && port.size() <= 5;
}

std::optional<TargetForm> classify_target(std::string_view t) {
  if (t == "*") return TargetForm::Asterisk;
  if (t.front() == '/') return TargetForm::Origin;
  // absolute-URI starts with a scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
  std::size_t k = 0;
  if (is_alpha(t[0])) {
    k = 1;
    while (k < t.size() &&
           (is_alpha(t[k]) || is_digit(t[k]) || t[k] == '+' || t[k] == '-' || t[k] == '.')) {
      ++k;
    }
  }
  const bool has_scheme = k > 0 && k < t.size() && t[k] == ':';
  if (has_scheme && t.substr(k + 1, 2) == "//" && t.size() > k + 3) return TargetForm::Absolute;
  // "example.com:443" also matches the scheme grammar; a host:port shape is authority-form.
  if (is_authority_form(t)) return TargetForm::Authority;
  if (has_scheme && t.size() > k + 1) return TargetForm::Absolute;
  return std::nullopt;
}

bool valid_host_value(std::string_view v) {
  return std::all_of(v.begin(), v.end(),
                     [](char c) { return is_host_char(c) || c == ':' || c == '[' || c == ']'; });
}

std::string limit_text(std::uint64_t n) { return std::to_string(n) + " bytes"; }

}  // namespace

std::string_view to_string(ParserState state) {
  switch (state) {
    case ParserState::RequestLine:
      return "RequestLine";
    case ParserState::StatusLine:
      return "StatusLine";
    case ParserState::HeaderLine:
      return "HeaderLine";
    case ParserState::Body:
      return "Body";
    case ParserState::BodyUntilClose:
      return "BodyUntilClose";
    case ParserState::ChunkSize:
      return "ChunkSize";
    case ParserState::ChunkData:
      return "ChunkData";
    case ParserState::ChunkDataEnd:
      return "ChunkDataEnd";
    case ParserState::Trailer:
      return "Trailer";
    case ParserState::Done:
      return "Done";
    case ParserState::Error:
      return "Error";
  }
  return "?";
}

std::string_view status_text(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

HttpParser::HttpParser(ParserMode mode, ParserLimits limits)
    : mode_(mode),
      limits_(limits),
      state_(mode == ParserMode::Request ? ParserState::RequestLine : ParserState::StatusLine) {
  current_.kind = mode == ParserMode::Request ? MessageKind::Request : MessageKind::Response;
}

std::size_t HttpParser::feed(std::span<const std::byte> bytes) {
  return feed(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::size_t HttpParser::feed(std::string_view bytes) {
  std::size_t used = 0;
  while (used < bytes.size() && accepting()) {
    if (state_ == ParserState::Done) begin_message();
    const ParserState eating = state_;
    const std::uint64_t index = completed_;
    const std::uint64_t at = offset_;
    const std::size_t n = consume(bytes.substr(used));
    offset_ += n;
    used += n;
    record(eating, index, at, n);
  }
  return used;
}

void HttpParser::finish() {
  if (!accepting()) return;
  finished_ = true;
  if (state_ == ParserState::BodyUntilClose) {
    complete_message(offset_);
    return;
  }
  if (state_ == ParserState::Done) return;
  if (in_start_line_state() && line_.empty() && !cr_pending_) {
    state_ = ParserState::Done;  // closed between messages: a clean end
    return;
  }
  fail(400, "connection closed before the message was complete", offset_);
}

void HttpParser::expect_response_to(std::string_view method) {
  expected_methods_.emplace_back(method);
}

std::optional<HttpMessage> HttpParser::pop_message() {
  if (done_.empty()) return std::nullopt;
  HttpMessage m = std::move(done_.front());
  done_.pop_front();
  return m;
}

bool HttpParser::accepting() const {
  return state_ != ParserState::Error && !finished_ && !switched_;
}

bool HttpParser::in_start_line_state() const {
  return state_ == ParserState::RequestLine || state_ == ParserState::StatusLine;
}

void HttpParser::begin_message() {
  current_ = HttpMessage{};
  current_.kind = mode_ == ParserMode::Request ? MessageKind::Request : MessageKind::Response;
  current_.start_offset = offset_;
  state_ = mode_ == ParserMode::Request ? ParserState::RequestLine : ParserState::StatusLine;
  head_bytes_ = 0;
  trailer_bytes_ = 0;
  declared_body_ = 0;
  remaining_ = 0;
}

std::size_t HttpParser::consume(std::string_view bytes) {
  switch (state_) {
    case ParserState::Body:
      return consume_fixed_body(bytes);
    case ParserState::BodyUntilClose:
      return consume_until_close(bytes);
    case ParserState::ChunkData:
      return consume_chunk_data(bytes);
    case ParserState::ChunkDataEnd:
      consume_chunk_data_end(bytes.front());
      return 1;
    default:
      consume_line_byte(bytes.front());
      return 1;
  }
}

void HttpParser::record(ParserState state, std::uint64_t index, std::uint64_t offset,
                        std::uint64_t length) {
  if (length == 0) return;
  if (!ranges_.empty()) {
    StateRange& last = ranges_.back();
    if (last.state == state && last.message_index == index && last.offset + last.length == offset) {
      last.length += length;
      return;
    }
  }
  ranges_.push_back(StateRange{state, index, offset, length});
}

void HttpParser::fail(int status, std::string reason, std::uint64_t offset) {
  error_ = ParseError{status, std::move(reason), offset, state_};
  state_ = ParserState::Error;
}

void HttpParser::note(NoteKind kind, ByteRange range, std::string text) {
  current_.notes.push_back(ParseNote{kind, range, std::move(text)});
}

// ---- lines ----

void HttpParser::consume_line_byte(char c) {
  const std::uint64_t pos = offset_;
  if (line_fresh_) {
    line_fresh_ = false;
    line_start_ = pos;
    line_bytes_ = 0;
    // Empty lines skipped before a request line move the message start along with them.
    if (in_start_line_state()) current_.start_offset = pos;
  }
  if (cr_pending_) {
    cr_pending_ = false;
    if (c != '\n') return fail(400, "bare CR: a CR must be followed by LF", pos - 1);
    if (!line_.empty() && !count_line_byte(pos)) return;
    return end_line(pos);
  }
  // The empty line that ends a section is not counted against the section's size limit.
  const bool ends_empty_line = line_.empty() && (c == '\r' || c == '\n');
  if (!ends_empty_line && !count_line_byte(pos)) return;
  if (c == '\r') {
    cr_pending_ = true;
    return;
  }
  if (c == '\n') return end_line(pos);
  line_.push_back(c);
}

bool HttpParser::count_line_byte(std::uint64_t pos) {
  ++line_bytes_;
  switch (state_) {
    case ParserState::RequestLine:
    case ParserState::StatusLine:
    case ParserState::HeaderLine:
      if (++head_bytes_ > limits_.max_header_bytes) {
        fail(431, "header section larger than " + limit_text(limits_.max_header_bytes), pos);
        return false;
      }
      return true;
    case ParserState::Trailer:
      if (++trailer_bytes_ > limits_.max_header_bytes) {
        fail(431, "trailer section larger than " + limit_text(limits_.max_header_bytes), pos);
        return false;
      }
      return true;
    case ParserState::ChunkSize:
      if (line_bytes_ > limits_.max_chunk_line_bytes) {
        fail(400, "chunk size line longer than " + limit_text(limits_.max_chunk_line_bytes), pos);
        return false;
      }
      return true;
    default:
      return true;
  }
}

void HttpParser::end_line(std::uint64_t lf_pos) {
  const ByteRange whole{line_start_, lf_pos + 1 - line_start_};
  const std::string_view line = line_;  // the processors only read it; cleared below
  line_fresh_ = true;
  const bool bare_lf = whole.length == line.size() + 1;
  const bool skipped =
      mode_ == ParserMode::Request && state_ == ParserState::RequestLine && line.empty();
  if (bare_lf && !skipped) {
    note(NoteKind::BareLf, ByteRange{lf_pos, 1}, "line ended by LF without CR (tolerated)");
  }
  switch (state_) {
    case ParserState::RequestLine:
      process_request_line(line, whole);
      break;
    case ParserState::StatusLine:
      process_status_line(line, whole);
      break;
    case ParserState::HeaderLine:
      process_header_line(line, whole);
      break;
    case ParserState::ChunkSize:
      process_chunk_size_line(line, whole);
      break;
    case ParserState::Trailer:
      process_trailer_line(line, whole);
      break;
    default:
      break;
  }
  line_.clear();  // keeps its capacity for the next line
}

void HttpParser::process_request_line(std::string_view line, ByteRange whole) {
  // RFC 9112 §2.2: a server SHOULD ignore empty lines received before the request line.
  if (line.empty()) return;
  const std::uint64_t base = whole.offset;
  current_.start_line = whole;
  const std::size_t n = line.size();

  std::size_t i = 0;
  while (i < n && line[i] != ' ') {
    if (!is_token_char(line[i])) return fail(400, "invalid character in method", base + i);
    ++i;
  }
  if (i == 0) return fail(400, "request line starts with a space (no method)", base);
  if (i == n) return fail(400, "request line ends after the method (expected a target)", base + i);
  current_.method = std::string(line.substr(0, i));
  current_.method_range = ByteRange{base, i};

  const std::size_t t = i + 1;
  if (t < n && line[t] == ' ') return fail(400, "more than one space after the method", base + t);
  std::size_t j = t;
  while (j < n && line[j] != ' ') {
    const unsigned char u = octet(line[j]);
    if (u <= 0x20 || u >= 0x7f) return fail(400, "invalid character in request target", base + j);
    ++j;
  }
  if (j == t) return fail(400, "request line has no target", base + t);
  if (j == n) return fail(400, "request line has no HTTP version", base + j);
  current_.target = std::string(line.substr(t, j - t));
  current_.target_range = ByteRange{base + t, j - t};

  const std::size_t v = j + 1;
  if (v == n) return fail(400, "request line has no HTTP version", base + v);
  if (line[v] == ' ') return fail(400, "more than one space after the request target", base + v);
  const std::string_view version = line.substr(v);
  if (const std::size_t sp = version.find(' '); sp != std::string_view::npos) {
    return fail(400, "unexpected space after the HTTP version", base + v + sp);
  }
  current_.version_range = ByteRange{base + v, n - v};
  if (!parse_version(version, current_.version)) {
    return fail(400, "malformed HTTP version (expected HTTP/<digit>.<digit>)", base + v);
  }
  if (!version_supported(current_.version)) {
    return fail(505, version_text(current_.version) + " is not supported (only 1.0 and 1.1)",
                base + v);
  }

  const std::optional<TargetForm> form = classify_target(current_.target);
  if (!form) return fail(400, "malformed request target", base + t);
  current_.target_form = *form;
  const bool is_connect = current_.method == "CONNECT";
  if (*form == TargetForm::Authority && !is_connect) {
    return fail(400, "authority-form target is only allowed with CONNECT", base + t);
  }
  if (is_connect && *form != TargetForm::Authority) {
    return fail(400, "CONNECT needs an authority-form target (host:port)", base + t);
  }
  if (*form == TargetForm::Asterisk && current_.method != "OPTIONS") {
    return fail(400, "asterisk-form target is only allowed with OPTIONS", base + t);
  }
  state_ = ParserState::HeaderLine;
}

void HttpParser::process_status_line(std::string_view line, ByteRange whole) {
  const std::uint64_t base = whole.offset;
  current_.start_line = whole;
  const std::size_t n = line.size();
  if (n < 8 || !parse_version(line.substr(0, 8), current_.version)) {
    return fail(400, "status line must start with HTTP/<digit>.<digit>", base);
  }
  current_.version_range = ByteRange{base, 8};
  if (n == 8 || line[8] != ' ') {
    return fail(400, "expected a space after the HTTP version", base + 8);
  }
  const std::size_t s = 9;
  if (s < n && line[s] == ' ') {
    return fail(400, "more than one space after the HTTP version", base + s);
  }
  int code = 0;
  for (std::size_t k = s; k < s + 3; ++k) {
    if (k >= n || !is_digit(line[k]))
      return fail(400, "status code must be three digits", base + k);
    code = code * 10 + (line[k] - '0');
  }
  if (s + 3 < n && line[s + 3] != ' ') {
    return fail(400, "status code must be three digits followed by a space", base + s + 3);
  }
  if (code < 100 || code > 599) return fail(400, "status code outside 100-599", base + s);
  current_.status_code = code;
  current_.status_range = ByteRange{base + s, 3};
  if (s + 3 == n) {
    // Servers MUST send the SP even before an empty reason, but some do not; a client copes.
    current_.reason_range = ByteRange{base + n, 0};
    note(NoteKind::MissingReasonSpace, ByteRange{base + n, 0},
         "no space after the status code (tolerated)");
  } else {
    const std::size_t r = s + 4;
    for (std::size_t k = r; k < n; ++k) {
      if (!is_ows(line[k]) && !is_visible_or_obs(line[k])) {
        return fail(400, "control character in reason phrase", base + k);
      }
    }
    current_.reason = std::string(line.substr(r));
    current_.reason_range = ByteRange{base + r, n - r};
  }
  if (!version_supported(current_.version)) {
    return fail(505, version_text(current_.version) + " is not supported (only 1.0 and 1.1)", base);
  }
  state_ = ParserState::HeaderLine;
}

bool HttpParser::parse_field_line(std::string_view line, ByteRange whole, HeaderField& out) {
  const std::uint64_t base = whole.offset;
  const std::size_t n = line.size();
  if (is_ows(line.front())) {
    fail(400, "line starts with whitespace (obsolete line folding is rejected)", base);
    return false;
  }
  const std::size_t colon = line.find(':');
  const std::size_t name_end = colon == std::string_view::npos ? n : colon;
  for (std::size_t i = 0; i < name_end; ++i) {
    if (is_token_char(line[i])) continue;
    const bool only_ws_to_colon =
        colon != std::string_view::npos &&
        std::all_of(line.begin() + static_cast<std::ptrdiff_t>(i),
                    line.begin() + static_cast<std::ptrdiff_t>(colon), is_ows);
    fail(400,
         only_ws_to_colon ? "whitespace between field name and colon"
                          : "invalid character in field name",
         base + i);
    return false;
  }
  if (colon == std::string_view::npos) {
    fail(400, "field line has no colon", base + n);
    return false;
  }
  if (colon == 0) {
    fail(400, "empty field name", base);
    return false;
  }
  for (std::size_t k = colon + 1; k < n; ++k) {
    if (!is_ows(line[k]) && !is_visible_or_obs(line[k])) {
      fail(400, "control character in field value", base + k);
      return false;
    }
  }
  std::size_t vs = colon + 1;
  while (vs < n && is_ows(line[vs])) ++vs;
  std::size_t ve = n;
  while (ve > vs && is_ows(line[ve - 1])) --ve;
  out.name = std::string(line.substr(0, colon));
  out.value = std::string(line.substr(vs, ve - vs));
  out.line = whole;
  out.name_range = ByteRange{base, colon};
  out.value_range = ByteRange{base + vs, ve - vs};
  out.bare_lf = whole.length == n + 1;
  return true;
}

void HttpParser::process_header_line(std::string_view line, ByteRange whole) {
  if (line.empty()) return end_of_head(whole);
  HeaderField field;
  if (!parse_field_line(line, whole, field)) return;
  current_.headers.push_back(std::move(field));
  const HeaderField& f = current_.headers.back();
  if (iequals(f.name, "Content-Length")) return check_content_length(f);
  if (mode_ == ParserMode::Request && iequals(f.name, "Host")) {
    // RFC 9112 §3.2: more than one Host, or an invalid one, gets 400 whatever the version.
    if (current_.count_headers("Host") > 1) {
      return fail(400, "more than one Host header", f.name_range.offset);
    }
    if (!valid_host_value(f.value)) return fail(400, "invalid Host value", f.value_range.offset);
  }
}

void HttpParser::check_content_length(const HeaderField& field) {
  // RFC 9110 §8.6: digits only; a list of identical values may be taken as one value.
  std::optional<std::uint64_t> value;
  bool repeated = false;
  std::string_view rest = field.value;
  std::uint64_t element_offset = field.value_range.offset;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view raw = rest.substr(0, comma);
    const std::string_view item = trim_ows(raw);
    if (!all_digits(item)) return fail(400, "Content-Length must be digits only", element_offset);
    std::uint64_t v = 0;
    for (char c : item) {
      const auto d = static_cast<std::uint64_t>(c - '0');
      v = v > (kSaturated - d) / 10 ? kSaturated : v * 10 + d;
    }
    if (value && *value != v) {
      return fail(400, "Content-Length lists differing values", element_offset);
    }
    if (value) repeated = true;
    value = v;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    element_offset += comma + 1;
  }
  if (current_.content_length) {
    if (*current_.content_length != *value) {
      return fail(400, "differing Content-Length headers", field.value_range.offset);
    }
    repeated = true;
  }
  if (repeated) {
    note(NoteKind::DuplicateContentLength, field.line,
         "repeated identical Content-Length accepted as one value");
  }
  current_.content_length = value;
}

bool HttpParser::collect_transfer_codings() {
  for (const HeaderField& h : current_.headers) {
    if (!iequals(h.name, "Transfer-Encoding")) continue;
    std::string_view rest = h.value;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view item = trim_ows(rest.substr(0, comma));
      // Empty list elements are allowed and ignored (RFC 9110 §5.6.1).
      if (!item.empty()) {
        const std::string_view name = trim_ows(item.substr(0, item.find(';')));
        if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
          fail(400, "malformed Transfer-Encoding", h.value_range.offset);
          return false;
        }
        current_.transfer_codings.push_back(lower(name));
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return true;
}

void HttpParser::end_of_head(ByteRange blank) {
  current_.blank_line = blank;
  if (mode_ == ParserMode::Request) {
    if (current_.version == HttpVersion{1, 1} && current_.find_header("Host") == nullptr) {
      return fail(400, "HTTP/1.1 request without a Host header", blank.offset);
    }
    return decide_request_body(blank.end());
  }
  decide_response_body(blank.end());
}

void HttpParser::decide_request_body(std::uint64_t body_start) {
  const HeaderField* te = current_.find_header("Transfer-Encoding");
  if (te != nullptr) {
    if (current_.content_length) {
      // Two framings disagreeing is the classic request smuggling vector: refuse both.
      const HeaderField* cl = current_.find_header("Content-Length");
      return fail(400, "Transfer-Encoding together with Content-Length",
                  std::max(te->name_range.offset, cl->name_range.offset));
    }
    if (!collect_transfer_codings()) return;
    const std::vector<std::string>& codings = current_.transfer_codings;
    if (codings.empty()) return fail(400, "empty Transfer-Encoding", te->value_range.offset);
    if (codings.back() != "chunked") {
      return fail(400, "final transfer coding is not chunked", te->value_range.offset);
    }
    if (std::count(codings.begin(), codings.end(), "chunked") > 1) {
      return fail(400, "chunked applied more than once", te->value_range.offset);
    }
    if (codings.size() > 1) {
      return fail(501, "transfer coding \"" + codings.front() + "\" not supported",
                  te->value_range.offset);
    }
    return start_chunked_body(body_start);
  }
  if (current_.content_length) return start_content_length_body(body_start);
  complete_message(body_start);  // RFC 9112 §6.3: no framing headers, no body
}

void HttpParser::decide_response_body(std::uint64_t body_start) {
  const int code = current_.status_code;
  if (code / 100 == 1) {
    // Interim response: the final one to the same request still follows.
    if (code == 101) switched_ = true;
    return complete_message(body_start);
  }
  std::string method;
  if (!expected_methods_.empty()) {
    method = std::move(expected_methods_.front());
    expected_methods_.pop_front();
  }
  const bool tunnel = method == "CONNECT" && code / 100 == 2;
  if (method == "HEAD" || code == 204 || code == 304 || tunnel) {
    if (tunnel) switched_ = true;
    return complete_message(body_start);
  }
  const HeaderField* te = current_.find_header("Transfer-Encoding");
  if (te != nullptr) {
    if (current_.content_length) {
      const HeaderField* cl = current_.find_header("Content-Length");
      return fail(400, "Transfer-Encoding together with Content-Length",
                  std::max(te->name_range.offset, cl->name_range.offset));
    }
    if (!collect_transfer_codings()) return;
    const std::vector<std::string>& codings = current_.transfer_codings;
    if (codings.empty()) return fail(400, "empty Transfer-Encoding", te->value_range.offset);
    if (codings.back() == "chunked") {
      if (std::count(codings.begin(), codings.end(), "chunked") > 1) {
        return fail(400, "chunked applied more than once", te->value_range.offset);
      }
      // Other codings (gzip, ...) stay applied to the body; de-chunking still works.
      return start_chunked_body(body_start);
    }
    // RFC 9112 §6.3 rule 4: final coding not chunked means the body runs until close.
  } else if (current_.content_length) {
    return start_content_length_body(body_start);
  }
  current_.framing = BodyFraming::UntilClose;
  current_.body_range = ByteRange{body_start, 0};
  state_ = ParserState::BodyUntilClose;
}

void HttpParser::start_content_length_body(std::uint64_t body_start) {
  const std::uint64_t length = *current_.content_length;
  current_.framing = BodyFraming::ContentLength;
  current_.body_range = ByteRange{body_start, 0};
  if (length > limits_.max_body_bytes) {
    const HeaderField* cl = current_.find_header("Content-Length");
    return fail(413, "Content-Length larger than " + limit_text(limits_.max_body_bytes),
                cl->value_range.offset);
  }
  if (length == 0) return complete_message(body_start);
  remaining_ = length;
  state_ = ParserState::Body;
}

void HttpParser::start_chunked_body(std::uint64_t body_start) {
  current_.framing = BodyFraming::Chunked;
  current_.body_range = ByteRange{body_start, 0};
  state_ = ParserState::ChunkSize;
}

void HttpParser::process_chunk_size_line(std::string_view line, ByteRange whole) {
  const std::uint64_t base = whole.offset;
  const std::size_t n = line.size();
  current_.body_range.length = whole.end() - current_.body_range.offset;
  std::size_t i = 0;
  while (i < n && hex_value(line[i]) >= 0) ++i;
  if (i == 0) return fail(400, "chunk size must start with a hex digit", base);
  std::size_t first = 0;
  while (first < i && line[first] == '0') ++first;
  if (i - first > 16) return fail(400, "chunk size overflows 64 bits", base);
  std::uint64_t size = 0;
  for (std::size_t k = first; k < i; ++k)
    size = (size << 4) | static_cast<std::uint64_t>(hex_value(line[k]));

  Chunk chunk;
  chunk.size = size;
  chunk.line = whole;
  chunk.size_range = ByteRange{base, i};

  // RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )
  std::size_t p = i;
  const auto skip_ws = [&] {
    while (p < n && is_ows(line[p])) ++p;
  };
  while (true) {
    skip_ws();
    if (p == n) break;
    if (line[p] != ';') return fail(400, "expected ';' before a chunk extension", base + p);
    const std::size_t ext_start = p;
    ++p;
    skip_ws();
    const std::size_t name_start = p;
    while (p < n && is_token_char(line[p])) ++p;
    if (p == name_start) return fail(400, "chunk extension name must be a token", base + p);
    ChunkExtension ext;
    ext.name = std::string(line.substr(name_start, p - name_start));
    std::size_t ext_end = p;
    skip_ws();
    if (p < n && line[p] == '=') {
      ++p;
      skip_ws();
      if (p < n && line[p] == '"') {
        ++p;
        ext.quoted = true;
        while (true) {
          if (p == n) return fail(400, "unterminated quoted string in chunk extension", base + p);
          const char c = line[p];
          if (c == '"') {
            ++p;
            break;
          }
          if (c == '\\') {
            ++p;
            if (p == n || !(is_ows(line[p]) || is_visible_or_obs(line[p]))) {
              return fail(400, "invalid escape in chunk extension value", base + p);
            }
            ext.value.push_back(line[p++]);
            continue;
          }
          if (!is_qdtext(c)) {
            return fail(400, "invalid character in quoted chunk extension value", base + p);
          }
          ext.value.push_back(c);
          ++p;
        }
      } else {
        const std::size_t value_start = p;
        while (p < n && is_token_char(line[p])) ++p;
        if (p == value_start) {
          return fail(400, "chunk extension value must be a token or quoted string", base + p);
        }
        ext.value = std::string(line.substr(value_start, p - value_start));
      }
      ext_end = p;
    }
    ext.range = ByteRange{base + ext_start, ext_end - ext_start};
    chunk.extensions.push_back(std::move(ext));
  }

  if (size == 0) {
    current_.chunks.push_back(std::move(chunk));
    current_.trailer_section = ByteRange{whole.end(), 0};
    trailer_bytes_ = 0;
    state_ = ParserState::Trailer;
    return;
  }
  if (size > limits_.max_body_bytes - declared_body_) {
    return fail(413, "chunked body larger than " + limit_text(limits_.max_body_bytes), base);
  }
  if (current_.chunks.size() >= limits_.max_chunks) {
    return fail(413, "more than " + std::to_string(limits_.max_chunks) + " chunks", base);
  }
  declared_body_ += size;
  chunk.data = ByteRange{whole.end(), size};
  current_.chunks.push_back(std::move(chunk));
  remaining_ = size;
  state_ = ParserState::ChunkData;
}

void HttpParser::process_trailer_line(std::string_view line, ByteRange whole) {
  if (line.empty()) {
    current_.trailer_blank_line = whole;
    current_.trailer_section.length = whole.end() - current_.trailer_section.offset;
    return complete_message(whole.end());
  }
  HeaderField field;
  if (!parse_field_line(line, whole, field)) return;
  current_.trailers.push_back(std::move(field));
}

void HttpParser::complete_message(std::uint64_t end) {
  current_.length = end - current_.start_offset;
  current_.complete = true;
  done_.push_back(std::move(current_));
  ++completed_;
  // Keep current() meaningful (an empty message starting here) until the next byte arrives.
  current_ = HttpMessage{};
  current_.kind = mode_ == ParserMode::Request ? MessageKind::Request : MessageKind::Response;
  current_.start_offset = end;
  state_ = ParserState::Done;
}

// ---- bodies ----

std::size_t HttpParser::consume_fixed_body(std::string_view bytes) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
  current_.body.append(bytes.data(), n);
  current_.body_range.length += n;
  remaining_ -= n;
  if (remaining_ == 0) complete_message(offset_ + n);
  return n;
}

std::size_t HttpParser::consume_until_close(std::string_view bytes) {
  const std::uint64_t room = limits_.max_body_bytes - current_.body.size();
  if (bytes.size() > room) {
    const auto take = static_cast<std::size_t>(room);
    current_.body.append(bytes.data(), take);
    current_.body_range.length += take;
    fail(413, "body larger than " + limit_text(limits_.max_body_bytes), offset_ + take);
    return take + 1;
  }
  current_.body.append(bytes.data(), bytes.size());
  current_.body_range.length += bytes.size();
  return bytes.size();
}

std::size_t HttpParser::consume_chunk_data(std::string_view bytes) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
  current_.body.append(bytes.data(), n);
  remaining_ -= n;
  current_.body_range.length = offset_ + n - current_.body_range.offset;
  if (remaining_ == 0) state_ = ParserState::ChunkDataEnd;
  return n;
}

void HttpParser::consume_chunk_data_end(char c) {
  const std::uint64_t pos = offset_;
  current_.body_range.length = pos + 1 - current_.body_range.offset;
  Chunk& chunk = current_.chunks.back();
  if (cr_pending_) {
    cr_pending_ = false;
    if (c != '\n') return fail(400, "bare CR: a CR must be followed by LF", pos - 1);
    chunk.data_end = ByteRange{data_end_start_, 2};
    state_ = ParserState::ChunkSize;
    return;
  }
  if (c == '\r') {
    cr_pending_ = true;
    data_end_start_ = pos;
    return;
  }
  if (c == '\n') {
    chunk.data_end = ByteRange{pos, 1};
    note(NoteKind::BareLf, ByteRange{pos, 1}, "chunk data ended by LF without CR (tolerated)");
    state_ = ParserState::ChunkSize;
    return;
  }
  fail(400, "chunk data must be followed by CRLF (more data than the chunk size?)", pos);
}

}  // namespace wirestep::proto::http
