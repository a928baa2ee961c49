// HttpParser: RFC 9112/9110 rules, error statuses and offsets, and split-independence.
#include "proto/http/http_parser.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace wirestep::proto::http {
namespace {

// Everything observable about a parse, so whole and split feeding can be compared as one value.
struct Outcome {
  std::vector<HttpMessage> messages;
  std::optional<ParseError> error;
  ParserState state = ParserState::Done;
  std::vector<StateRange> ranges;
  std::uint64_t offset = 0;
  std::size_t consumed = 0;
  HttpMessage current;
  bool switched = false;
  bool operator==(const Outcome&) const = default;
};

struct RunOptions {
  ParserLimits limits;
  bool finish = false;
  std::vector<std::string> methods;  // response mode: expect_response_to, in order
};

// Feeds input in pieces whose sizes come from next_size (0 means "the rest").
Outcome run(ParserMode mode, std::string_view input, const std::function<std::size_t()>& next_size,
            const RunOptions& opts = {}) {
  HttpParser parser(mode, opts.limits);
  for (const std::string& m : opts.methods) parser.expect_response_to(m);
  Outcome out;
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t n = next_size();
    if (n == 0 || n > input.size() - pos) n = input.size() - pos;
    out.consumed += parser.feed(input.substr(pos, n));
    pos += n;
  }
  if (opts.finish) parser.finish();
  while (auto m = parser.pop_message()) out.messages.push_back(std::move(*m));
  out.error = parser.error();
  out.state = parser.state();
  out.ranges = parser.state_ranges();
  out.offset = parser.offset();
  out.current = parser.current();
  out.switched = parser.switched_protocols();
  return out;
}

Outcome run_whole(ParserMode mode, std::string_view input, const RunOptions& opts = {}) {
  return run(
      mode, input, [] { return std::size_t{0}; }, opts);
}

std::string describe(const Outcome& o) {
  std::ostringstream s;
  s << "state=" << to_string(o.state) << " offset=" << o.offset << " consumed=" << o.consumed
    << " messages=" << o.messages.size();
  for (const HttpMessage& m : o.messages) {
    s << "\n  [" << m.start_offset << "+" << m.length << "] " << m.method << m.status_code << " "
      << m.target << " headers=" << m.headers.size() << " body=" << m.body.size()
      << " chunks=" << m.chunks.size() << " notes=" << m.notes.size();
  }
  if (o.error) {
    s << "\n  error " << o.error->status << " at " << o.error->offset << " in "
      << to_string(o.error->state) << ": " << o.error->reason;
  }
  s << "\n  ranges:";
  for (const StateRange& r : o.ranges) {
    s << " " << to_string(r.state) << "#" << r.message_index << "[" << r.offset << "+" << r.length
      << "]";
  }
  return s.str();
}

// The split-independence contract: byte-at-a-time, fixed pieces and irregular pieces must all
// give exactly what one feed gives. Returns the whole-feed outcome for further assertions.
Outcome expect_split_independent(ParserMode mode, std::string_view input,
                                 const RunOptions& opts = {}) {
  const Outcome whole = run_whole(mode, input, opts);
  EXPECT_EQ(whole.offset, whole.consumed);
  const auto one = [] { return std::size_t{1}; };
  const Outcome bytewise = run(mode, input, one, opts);
  EXPECT_TRUE(bytewise == whole) << "one byte at a time differs\nwhole:    " << describe(whole)
                                 << "\nbytewise: " << describe(bytewise);
  for (std::size_t piece : {2u, 3u, 7u, 64u}) {
    const Outcome split = run(
        mode, input, [piece] { return piece; }, opts);
    EXPECT_TRUE(split == whole) << "pieces of " << piece << " differ\nwhole: " << describe(whole)
                                << "\nsplit: " << describe(split);
  }
  std::uint32_t seed = 12345;
  const Outcome irregular = run(
      mode, input,
      [&seed] {
        seed = seed * 1103515245u + 12345u;
        return std::size_t{1} + (seed >> 16) % 13;
      },
      opts);
  EXPECT_TRUE(irregular == whole) << "irregular pieces differ\nwhole: " << describe(whole)
                                  << "\nsplit: " << describe(irregular);
  return whole;
}

std::string_view bytes_at(std::string_view input, ByteRange r) {
  return input.substr(static_cast<std::size_t>(r.offset), static_cast<std::size_t>(r.length));
}

// The error a request produces (fails the test if it produced none).
ParseError request_error(std::string_view input, const RunOptions& opts = {}) {
  const Outcome o = expect_split_independent(ParserMode::Request, input, opts);
  EXPECT_TRUE(o.error.has_value()) << "expected an error for: " << input;
  EXPECT_EQ(o.state, ParserState::Error);
  return o.error.value_or(ParseError{0, "no error", 0, ParserState::Done});
}

HttpMessage single_request(std::string_view input) {
  const Outcome o = expect_split_independent(ParserMode::Request, input);
  EXPECT_FALSE(o.error.has_value()) << (o.error ? o.error->reason : "");
  EXPECT_EQ(o.messages.size(), 1u) << describe(o);
  return o.messages.empty() ? HttpMessage{} : o.messages.front();
}

// ---------------------------------------------------------------------------------------------
// Requests

TEST(HttpParser, ParsesSimpleGetWithFieldOffsets) {
  const std::string input =
      "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent:  curl/8.0 \r\n\r\n";
  const HttpMessage m = single_request(input);
  EXPECT_TRUE(m.complete);
  EXPECT_EQ(m.method, "GET");
  EXPECT_EQ(m.target, "/index.html?q=1");
  EXPECT_EQ(m.target_form, TargetForm::Origin);
  EXPECT_EQ(m.version, (HttpVersion{1, 1}));
  EXPECT_EQ(bytes_at(input, m.method_range), "GET");
  EXPECT_EQ(bytes_at(input, m.target_range), "/index.html?q=1");
  EXPECT_EQ(bytes_at(input, m.version_range), "HTTP/1.1");
  EXPECT_EQ(bytes_at(input, m.start_line), "GET /index.html?q=1 HTTP/1.1\r\n");
  ASSERT_EQ(m.headers.size(), 2u);
  const HeaderField& host = m.headers[0];
  EXPECT_EQ(host.name, "Host");
  EXPECT_EQ(host.value, "example.com");
  EXPECT_EQ(host.name_range.offset, input.find("Host"));
  EXPECT_EQ(bytes_at(input, host.name_range), "Host");
  EXPECT_EQ(host.value_range.offset, input.find("example.com"));
  EXPECT_EQ(bytes_at(input, host.value_range), "example.com");
  EXPECT_EQ(bytes_at(input, host.line), "Host: example.com\r\n");
  // OWS around the value is not part of it.
  EXPECT_EQ(m.headers[1].value, "curl/8.0");
  EXPECT_EQ(bytes_at(input, m.headers[1].value_range), "curl/8.0");
  EXPECT_EQ(m.blank_line.offset, input.size() - 2);
  EXPECT_EQ(m.blank_line.length, 2u);
  EXPECT_EQ(m.start_offset, 0u);
  EXPECT_EQ(m.length, input.size());
  EXPECT_EQ(m.framing, BodyFraming::None);
  EXPECT_TRUE(m.body.empty());
  EXPECT_FALSE(m.tolerated_bare_lf());
}

TEST(HttpParser, PipelinedRequestsAreParsedInOrderWithStreamOffsets) {
  const std::string first = "GET /a HTTP/1.1\r\nHost: one\r\n\r\n";
  const std::string second = "GET /b HTTP/1.1\r\nHost: two\r\n\r\n";
  const std::string input = first + second;
  const Outcome o = expect_split_independent(ParserMode::Request, input);
  ASSERT_EQ(o.messages.size(), 2u) << describe(o);
  EXPECT_EQ(o.messages[0].target, "/a");
  EXPECT_EQ(o.messages[1].target, "/b");
  EXPECT_EQ(o.messages[0].start_offset, 0u);
  EXPECT_EQ(o.messages[1].start_offset, first.size());
  EXPECT_EQ(o.messages[1].length, second.size());
  // Fields of the second message keep their offsets in the whole stream.
  EXPECT_EQ(bytes_at(input, o.messages[1].headers[0].value_range), "two");
  EXPECT_EQ(o.messages[1].headers[0].value_range.offset, input.rfind("two"));
  EXPECT_EQ(o.state, ParserState::Done);
  EXPECT_FALSE(o.error);
  // The state record attributes the second request's bytes to message 1.
  ASSERT_FALSE(o.ranges.empty());
  EXPECT_EQ(o.ranges.back().message_index, 1u);
  EXPECT_EQ(o.ranges.front().message_index, 0u);
}

TEST(HttpParser, PipelinedRequestsWithBodiesAndManyKinds) {
  const std::string input =
      "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
      "PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "DELETE /x HTTP/1.0\r\n\r\n";
  const Outcome o = expect_split_independent(ParserMode::Request, input);
  ASSERT_EQ(o.messages.size(), 3u) << describe(o);
  EXPECT_EQ(o.messages[0].body, "hello");
  EXPECT_EQ(o.messages[0].framing, BodyFraming::ContentLength);
  EXPECT_EQ(bytes_at(input, o.messages[0].body_range), "hello");
  EXPECT_EQ(o.messages[1].body, "abc");
  EXPECT_EQ(o.messages[1].framing, BodyFraming::Chunked);
  EXPECT_EQ(o.messages[2].method, "DELETE");
  EXPECT_EQ(o.messages[2].version, (HttpVersion{1, 0}));
  EXPECT_EQ(o.messages[2].start_offset + o.messages[2].length, input.size());
}

TEST(HttpParser, RequestWithoutFramingHeadersHasNoBody) {
  const std::string input = "POST /x HTTP/1.1\r\nHost: h\r\n\r\nGET /y HTTP/1.1\r\nHost: h\r\n\r\n";
  const Outcome o = expect_split_independent(ParserMode::Request, input);
  ASSERT_EQ(o.messages.size(), 2u);
  EXPECT_TRUE(o.messages[0].body.empty());
  EXPECT_EQ(o.messages[1].target, "/y");
}

TEST(HttpParser, EmptyLinesBeforeTheRequestLineAreIgnored) {
  const std::string input = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  const HttpMessage m = single_request(input);
  EXPECT_EQ(m.start_offset, 4u);
  EXPECT_EQ(m.length, input.size() - 4);
}

TEST(HttpParser, SpanOfBytesFeedsLikeAString) {
  const std::string text = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  std::vector<std::byte> bytes;
  for (char c : text) bytes.push_back(static_cast<std::byte>(c));
  HttpParser parser(ParserMode::Request);
  EXPECT_EQ(parser.feed(std::span<const std::byte>(bytes)), text.size());
  ASSERT_TRUE(parser.has_message());
  EXPECT_EQ(parser.pop_message()->target, "/");
}

TEST(HttpParser, StateRangesColourEveryByteOfAChunkedRequest) {
  const std::string head = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string request_line = "POST /c HTTP/1.1\r\n";
  const std::string input = head + "4\r\nWiki\r\n0\r\nX: y\r\n\r\n";
  const Outcome o = expect_split_independent(ParserMode::Request, input);
  ASSERT_EQ(o.messages.size(), 1u);
  const std::uint64_t b = head.size();
  const std::vector<StateRange> expected = {
      {ParserState::RequestLine, 0, 0, request_line.size()},
      {ParserState::HeaderLine, 0, request_line.size(), head.size() - request_line.size()},
      {ParserState::ChunkSize, 0, b, 3},
      {ParserState::ChunkData, 0, b + 3, 4},
      {ParserState::ChunkDataEnd, 0, b + 7, 2},
      {ParserState::ChunkSize, 0, b + 9, 3},
      {ParserState::Trailer, 0, b + 12, 8},
  };
  EXPECT_EQ(o.ranges, expected) << describe(o);
}

TEST(HttpParser, ChunkedBodyWithExtensionsAndTrailersIsReassembled) {
  const std::string head = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string input = head +
                            "5;name=value\r\nHello\r\n"
                            "7 ; q=\"a \\\"b\\\"\" ;flag\r\n, world\r\n"
                            "000\r\n"
                            "Expires: never\r\nX-Checksum: abc\r\n\r\n";
  const HttpMessage m = single_request(input);
  EXPECT_EQ(m.framing, BodyFraming::Chunked);
  EXPECT_EQ(m.body, "Hello, world");
  ASSERT_EQ(m.chunks.size(), 3u);
  EXPECT_EQ(m.chunks[0].size, 5u);
  ASSERT_EQ(m.chunks[0].extensions.size(), 1u);
  EXPECT_EQ(m.chunks[0].extensions[0].name, "name");
  EXPECT_EQ(m.chunks[0].extensions[0].value, "value");
  EXPECT_FALSE(m.chunks[0].extensions[0].quoted);
  EXPECT_EQ(bytes_at(input, m.chunks[0].extensions[0].range), ";name=value");
  EXPECT_EQ(bytes_at(input, m.chunks[0].data), "Hello");
  EXPECT_EQ(bytes_at(input, m.chunks[0].data_end), "\r\n");
  EXPECT_EQ(bytes_at(input, m.chunks[0].size_range), "5");
  ASSERT_EQ(m.chunks[1].extensions.size(), 2u);
  EXPECT_EQ(m.chunks[1].extensions[0].name, "q");
  EXPECT_EQ(m.chunks[1].extensions[0].value, "a \"b\"");  // quoted-pairs unescaped
  EXPECT_TRUE(m.chunks[1].extensions[0].quoted);
  EXPECT_EQ(m.chunks[1].extensions[1].name, "flag");
  EXPECT_EQ(m.chunks[1].extensions[1].value, "");
  EXPECT_EQ(bytes_at(input, m.chunks[1].data), ", world");
  EXPECT_TRUE(m.chunks[2].last());
  EXPECT_EQ(bytes_at(input, m.chunks[2].size_range), "000");
  ASSERT_EQ(m.trailers.size(), 2u);
  EXPECT_EQ(m.trailers[0].name, "Expires");
  EXPECT_EQ(m.trailers[0].value, "never");
  EXPECT_EQ(bytes_at(input, m.trailers[1].value_range), "abc");
  EXPECT_EQ(m.body_range.offset, head.size());
  EXPECT_EQ(bytes_at(input, m.body_range).substr(0, 3), "5;n");
  EXPECT_TRUE(bytes_at(input, m.body_range).ends_with("000\r\n"));
  EXPECT_EQ(bytes_at(input, m.trailer_section), "Expires: never\r\nX-Checksum: abc\r\n\r\n");
  EXPECT_EQ(m.trailer_blank_line.offset, input.size() - 2);
  EXPECT_EQ(m.length, input.size());
}

TEST(HttpParser, ChunkedTransferCodingNameIsCaseInsensitive) {
  const HttpMessage m = single_request(
      "POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding: Chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n");
  EXPECT_EQ(m.body, "x");
  EXPECT_EQ(m.transfer_codings, std::vector<std::string>{"chunked"});
}

// ---------------------------------------------------------------------------------------------
// Request line rules

TEST(HttpParser, RequestLineNeedsExactlySingleSpaces) {
  EXPECT_EQ(request_error("GET  / HTTP/1.1\r\nHost: h\r\n\r\n").status, 400);
  EXPECT_EQ(request_error("GET  / HTTP/1.1\r\nHost: h\r\n\r\n").offset, 4u);
  EXPECT_EQ(request_error("GET /  HTTP/1.1\r\nHost: h\r\n\r\n").offset, 6u);
  const ParseError trailing = request_error("GET / HTTP/1.1 \r\nHost: h\r\n\r\n");
  EXPECT_EQ(trailing.status, 400);
  EXPECT_EQ(trailing.offset, 14u);
  EXPECT_EQ(request_error(" GET / HTTP/1.1\r\n").status, 400);
  EXPECT_EQ(request_error("GET\t/ HTTP/1.1\r\n").status, 400);
  EXPECT_EQ(request_error("GET /\r\n").status, 400);  // HTTP/0.9 style
  EXPECT_EQ(request_error("GET\r\n").status, 400);
}

TEST(HttpParser, MethodMustBeAToken) {
  const ParseError e = request_error("GE(T / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.offset, 2u);
  EXPECT_EQ(e.state, ParserState::RequestLine);
  // Unusual but valid token methods are accepted.
  EXPECT_EQ(single_request("M-SEARCH! / HTTP/1.1\r\nHost: h\r\n\r\n").method, "M-SEARCH!");
}

TEST(HttpParser, TargetRejectsControlAndNonAsciiBytes) {
  EXPECT_EQ(request_error("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n").offset, 6u);
  EXPECT_EQ(request_error("GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n").status, 400);
}

TEST(HttpParser, VersionMustMatchHttpDigitDotDigit) {
  for (const char* bad : {"http/1.1", "HTTP/1.10", "HTTP/11", "HTTP/1.x", "HTTP1.1", "HTTP/1."}) {
    const std::string input = std::string("GET / ") + bad + "\r\nHost: h\r\n\r\n";
    const ParseError e = request_error(input);
    EXPECT_EQ(e.status, 400) << bad;
    EXPECT_EQ(e.offset, 6u) << bad;
  }
}

TEST(HttpParser, UnsupportedVersionsParseButAnswer505) {
  for (const char* v : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0"}) {
    const std::string input = std::string("GET / ") + v + "\r\nHost: h\r\n\r\n";
    const Outcome o = expect_split_independent(ParserMode::Request, input);
    ASSERT_TRUE(o.error) << v;
    EXPECT_EQ(o.error->status, 505) << v;
    EXPECT_EQ(o.error->offset, 6u);
    // The request line was understood: the server can log what was asked for.
    EXPECT_EQ(o.current.method, "GET");
    EXPECT_EQ(o.current.target, "/");
    EXPECT_EQ(bytes_at(input, o.current.version_range), v);
  }
  // The HTTP/2 connection preface is an unsupported version, not a malformed line.
  EXPECT_EQ(request_error("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").status, 505);
}

TEST(HttpParser, Http10NeedsNoHost) {
  const HttpMessage m = single_request("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(m.version, (HttpVersion{1, 0}));
  EXPECT_TRUE(m.headers.empty());
}

TEST(HttpParser, TargetForms) {
  const HttpMessage absolute =
      single_request("GET http://example.com/path?x HTTP/1.1\r\nHost: example.com\r\n\r\n");
  EXPECT_EQ(absolute.target_form, TargetForm::Absolute);
  EXPECT_EQ(absolute.target, "http://example.com/path?x");

  const HttpMessage authority =
      single_request("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  EXPECT_EQ(authority.target_form, TargetForm::Authority);
  const HttpMessage v6 = single_request("CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n");
  EXPECT_EQ(v6.target_form, TargetForm::Authority);

  const HttpMessage asterisk = single_request("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(asterisk.target_form, TargetForm::Asterisk);

  const ParseError authority_with_get =
      request_error("GET example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(authority_with_get.status, 400);
  EXPECT_EQ(authority_with_get.offset, 4u);
  EXPECT_EQ(request_error("CONNECT /path HTTP/1.1\r\nHost: h\r\n\r\n").status, 400);
  EXPECT_EQ(request_error("CONNECT http://h/ HTTP/1.1\r\nHost: h\r\n\r\n").status, 400);
  EXPECT_EQ(request_error("GET * HTTP/1.1\r\nHost: h\r\n\r\n").status, 400);
  EXPECT_EQ(request_error("GET index.html HTTP/1.1\r\nHost: h\r\n\r\n").status, 400);
}

// ---------------------------------------------------------------------------------------------
// Header field rules

TEST(HttpParser, WhitespaceBeforeColonIs400) {
  const std::string input = "GET / HTTP/1.1\r\nHost : h\r\n\r\n";
  const ParseError e = request_error(input);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.offset, input.find(" :"));
  EXPECT_NE(e.reason.find("whitespace"), std::string::npos);
  EXPECT_EQ(e.state, ParserState::HeaderLine);
}

TEST(HttpParser, ObsFoldIs400) {
  const std::string input = "GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n  continued\r\n\r\n";
  const ParseError e = request_error(input);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.offset, input.find("  continued"));
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n").status, 400);
}

TEST(HttpParser, InvalidFieldNameCharactersAre400) {
  const std::string input = "GET / HTTP/1.1\r\nHost: h\r\nBad(Name): v\r\n\r\n";
  const ParseError e = request_error(input);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.offset, input.find('('));
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHo st: h\r\n\r\n").status, 400);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\n: empty\r\n\r\n").status, 400);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nNoColon\r\n\r\n").status, 400);
}

TEST(HttpParser, ControlCharactersInValuesAre400ExceptTab) {
  const std::string input = std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01") + "b\r\n\r\n";
  const ParseError e = request_error(input);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.offset, input.find('\x01'));
  EXPECT_EQ(
      request_error(std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a") + '\0' + "b\r\n\r\n").status,
      400);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n").status, 400);
  const HttpMessage tab =
      single_request("GET / HTTP/1.1\r\nHost: h\r\nX: a\tb \xe2\x82\xac\r\n\r\n");
  EXPECT_EQ(tab.headers[1].value, "a\tb \xe2\x82\xac");  // HTAB and obs-text are allowed
}

TEST(HttpParser, EmptyFieldValueHasAnEmptyRangeAfterTheColon) {
  const std::string input = "GET / HTTP/1.1\r\nHost: h\r\nX-Empty:   \r\n\r\n";
  const HttpMessage m = single_request(input);
  ASSERT_EQ(m.headers.size(), 2u);
  EXPECT_EQ(m.headers[1].value, "");
  EXPECT_EQ(m.headers[1].value_range.length, 0u);
}

TEST(HttpParser, Http11NeedsExactlyOneHost) {
  const std::string missing = "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n";
  const ParseError e = request_error(missing);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.offset, missing.size() - 2);  // found at the end of the header section
  const std::string twice = "GET / HTTP/1.1\r\nHost: a\r\nHOST: b\r\n\r\n";
  const ParseError d = request_error(twice);
  EXPECT_EQ(d.status, 400);
  EXPECT_EQ(d.offset, twice.find("HOST"));
  EXPECT_EQ(request_error("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n").status, 400);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n").status, 400);
  // An empty Host is what a client sends when the target has no authority.
  EXPECT_EQ(single_request("GET / HTTP/1.1\r\nHost:\r\n\r\n").headers[0].value, "");
}

// ---------------------------------------------------------------------------------------------
// Framing rules

TEST(HttpParser, ContentLengthMustBeDigitsOnly) {
  for (const char* bad : {"abc", "-1", "+5", "5 5", "0x10", "", "5,"}) {
    const std::string input =
        std::string("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ") + bad + "\r\n\r\n";
    EXPECT_EQ(request_error(input).status, 400) << "'" << bad << "'";
  }
}

TEST(HttpParser, DifferingContentLengthsAre400IdenticalOnesAccepted) {
  const std::string two =
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
  const ParseError e = request_error(two);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.offset, two.find('6'));
  EXPECT_EQ(request_error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n").status,
            400);

  const HttpMessage same = single_request(
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc");
  EXPECT_EQ(same.body, "abc");
  const HttpMessage list =
      single_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc");
  EXPECT_EQ(list.content_length, 3u);
  ASSERT_FALSE(list.notes.empty());
  EXPECT_EQ(list.notes[0].kind, NoteKind::DuplicateContentLength);
}

TEST(HttpParser, TransferEncodingWithContentLengthIsRejected) {
  const std::string input =
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n";
  const ParseError e = request_error(input);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.offset, input.find("Transfer-Encoding"));
}

TEST(HttpParser, TransferEncodingRules) {
  const std::string gzip = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n";
  EXPECT_EQ(request_error(gzip).status, 400);  // final coding not chunked: no way to find the end
  EXPECT_EQ(request_error("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")
                .status,
            400);
  EXPECT_EQ(
      request_error("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")
          .status,
      400);
  EXPECT_EQ(request_error("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,\r\n\r\n").status,
            400);
  const ParseError unsupported =
      request_error("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  EXPECT_EQ(unsupported.status, 501);
  EXPECT_EQ(request_error("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n")
                .status,
            501);
}

TEST(HttpParser, ChunkSizeRules) {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  const ParseError overflow = request_error(head + "11111111111111111\r\n");
  EXPECT_EQ(overflow.status, 400);
  EXPECT_EQ(overflow.offset, head.size());
  // 16 hex digits fit in 64 bits but not under the body limit.
  EXPECT_EQ(request_error(head + "ffffffffffffffff\r\n").status, 413);
  EXPECT_EQ(single_request(head + "00000000000000000000001\r\nA\r\n0\r\n\r\n").body, "A");
  EXPECT_EQ(request_error(head + "xyz\r\n").status, 400);
  EXPECT_EQ(request_error(head + "\r\n").status, 400);
  EXPECT_EQ(request_error(head + "3;\r\n").status, 400);
  EXPECT_EQ(request_error(head + "3;a=\"unterminated\r\n").status, 400);
  EXPECT_EQ(request_error(head + "3 x\r\n").status, 400);
  // Chunk data longer than its size: the byte after the data must be CR or LF.
  const ParseError too_long = request_error(head + "3\r\nabcd\r\n0\r\n\r\n");
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(too_long.offset, head.size() + 6);
  EXPECT_EQ(too_long.state, ParserState::ChunkDataEnd);
}

TEST(HttpParser, TrailersFollowFieldRules) {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(request_error(head + "0\r\nBad : x\r\n\r\n").status, 400);
  EXPECT_EQ(request_error(head + "0\r\nX: y\r\n folded\r\n\r\n").status, 400);
}

// ---------------------------------------------------------------------------------------------
// Line endings

TEST(HttpParser, BareCrIs400Anywhere) {
  const std::string in_start = "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(request_error(in_start).status, 400);
  EXPECT_EQ(request_error(in_start).offset, in_start.find('\r'));
  const std::string in_header = "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n";
  EXPECT_EQ(request_error(in_header).offset, in_header.find("\rX"));
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string in_chunk_line = head + "3\r\r\nabc\r\n0\r\n\r\n";
  EXPECT_EQ(request_error(in_chunk_line).offset, head.size() + 1);
  const std::string after_data = head + "3\r\nabc\rx";
  EXPECT_EQ(request_error(after_data).offset, head.size() + 6);
  const std::string blank = "GET / HTTP/1.1\r\nHost: h\r\n\rx";
  EXPECT_EQ(request_error(blank).offset, blank.size() - 2);
}

TEST(HttpParser, BareLfLineEndingsAreToleratedAndRecorded) {
  const std::string input =
      "POST /lf HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n";
  const HttpMessage m = single_request(input);
  EXPECT_EQ(m.target, "/lf");
  EXPECT_EQ(m.body, "ok");
  EXPECT_TRUE(m.tolerated_bare_lf());
  EXPECT_TRUE(m.headers[0].bare_lf);
  EXPECT_EQ(bytes_at(input, m.headers[0].line), "Host: h\n");
  EXPECT_EQ(m.blank_line.length, 1u);
  EXPECT_EQ(m.chunks[0].data_end.length, 1u);
  EXPECT_EQ(m.length, input.size());
  for (const ParseNote& n : m.notes) {
    EXPECT_EQ(n.kind, NoteKind::BareLf);
    EXPECT_EQ(bytes_at(input, n.range), "\n");
  }
  EXPECT_EQ(m.notes.size(), 8u);  // every line ending in this message
}

// ---------------------------------------------------------------------------------------------
// Limits

TEST(HttpParser, HeaderSectionOfExactly8KiBIsAccepted) {
  std::string input = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
  input += std::string(8192 - input.size() - 2, 'a') + "\r\n";
  ASSERT_EQ(input.size(), 8192u);
  input += "\r\n";
  const HttpMessage m = single_request(input);
  EXPECT_EQ(m.headers.size(), 2u);
}

TEST(HttpParser, HeaderSectionOver8KiBIs431) {
  std::string input = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
  input += std::string(8193 - input.size() - 2, 'a') + "\r\n\r\n";
  const ParseError e = request_error(input);
  EXPECT_EQ(e.status, 431);
  EXPECT_EQ(e.offset, 8192u);  // the first byte past the limit
  // Found while the line is still arriving: no need to wait for its end.
  const ParseError endless = request_error("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a'));
  EXPECT_EQ(endless.status, 431);
  EXPECT_EQ(endless.offset, 8192u);
  EXPECT_EQ(request_error("GET /" + std::string(9000, 'a')).status, 431);
}

TEST(HttpParser, LimitsAreConfigurable) {
  RunOptions opts;
  opts.limits.max_header_bytes = 32;
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: abcdefghijk\r\n\r\n", opts).status, 431);
  opts.limits.max_header_bytes = 8192;
  opts.limits.max_body_bytes = 4;
  EXPECT_EQ(request_error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", opts).status,
            413);
  const Outcome ok = expect_split_independent(
      ParserMode::Request, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd", opts);
  ASSERT_EQ(ok.messages.size(), 1u);
}

TEST(HttpParser, ContentLengthOver1MiBIs413WithoutTheBody) {
  const std::string input = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n";
  const ParseError e = request_error(input);
  EXPECT_EQ(e.status, 413);
  EXPECT_EQ(e.offset, input.find("1048577"));
  // Exactly 1 MiB is allowed: the parser is waiting for the body.
  HttpParser parser(ParserMode::Request);
  parser.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n");
  EXPECT_EQ(parser.state(), ParserState::Body);
  EXPECT_FALSE(parser.has_error());
  // A value beyond 64 bits is still "too large", not malformed.
  EXPECT_EQ(
      request_error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n")
          .status,
      413);
}

TEST(HttpParser, ChunkedRunningTotalOver1MiBIs413) {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string first = "80000\r\n" + std::string(0x80000, 'a') + "\r\n";
  const std::string second = "80001\r\n";
  const ParseError e = request_error(head + first + second);
  EXPECT_EQ(e.status, 413);
  EXPECT_EQ(e.offset, head.size() + first.size());
  const HttpMessage ok =
      single_request(head + first + "80000\r\n" + std::string(0x80000, 'b') + "\r\n0\r\n\r\n");
  EXPECT_EQ(ok.body.size(), 1048576u);
}

// ---------------------------------------------------------------------------------------------
// After an error

TEST(HttpParser, ErrorIsTerminalAndConsumesNothingMore) {
  HttpParser parser(ParserMode::Request);
  const std::string bad = "GET  / HTTP/1.1\r\n";
  const std::size_t used = parser.feed(bad + "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(used, bad.size());  // consumed up to the line end that revealed the problem
  EXPECT_EQ(parser.state(), ParserState::Error);
  EXPECT_EQ(parser.feed("GET / HTTP/1.1\r\n"), 0u);
  EXPECT_EQ(parser.state(), ParserState::Error);
  EXPECT_FALSE(parser.has_message());
  ASSERT_TRUE(parser.error());
  EXPECT_EQ(parser.error()->status, 400);
  EXPECT_EQ(status_text(parser.error()->status), "Bad Request");
  parser.finish();
  EXPECT_EQ(parser.error()->status, 400);
}

TEST(HttpParser, MessagesBeforeAnErrorAreKept) {
  const std::string input =
      "GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/1.1\r\nHost h\r\n\r\n";
  const Outcome o = expect_split_independent(ParserMode::Request, input);
  ASSERT_EQ(o.messages.size(), 1u);
  EXPECT_EQ(o.messages[0].target, "/ok");
  ASSERT_TRUE(o.error);
  EXPECT_EQ(o.current.target, "/bad");
  EXPECT_EQ(o.current.start_offset, input.find("GET /bad"));
}

TEST(HttpParser, FinishMidMessageIsAnErrorBetweenMessagesIsClean) {
  const Outcome clean = expect_split_independent(
      ParserMode::Request, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", RunOptions{{}, true, {}});
  EXPECT_EQ(clean.state, ParserState::Done);
  EXPECT_FALSE(clean.error);
  const Outcome cut = expect_split_independent(
      ParserMode::Request, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc",
      RunOptions{{}, true, {}});
  ASSERT_TRUE(cut.error);
  EXPECT_EQ(cut.error->status, 400);
  EXPECT_EQ(cut.current.body, "abc");
}

// ---------------------------------------------------------------------------------------------
// Responses

Outcome response(std::string_view input, RunOptions opts = {}) {
  return expect_split_independent(ParserMode::Response, input, opts);
}

TEST(HttpParser, ResponseWithContentLength) {
  const std::string input = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello";
  const Outcome o = response(input);
  ASSERT_EQ(o.messages.size(), 1u);
  const HttpMessage& m = o.messages[0];
  EXPECT_EQ(m.kind, MessageKind::Response);
  EXPECT_EQ(m.status_code, 200);
  EXPECT_EQ(m.reason, "OK");
  EXPECT_EQ(bytes_at(input, m.status_range), "200");
  EXPECT_EQ(bytes_at(input, m.reason_range), "OK");
  EXPECT_EQ(bytes_at(input, m.version_range), "HTTP/1.1");
  EXPECT_EQ(m.body, "hello");
}

TEST(HttpParser, ResponseReasonMayHaveSpacesOrBeEmpty) {
  EXPECT_EQ(
      response("HTTP/1.1 404 Not Found Here\r\nContent-Length: 0\r\n\r\n").messages.at(0).reason,
      "Not Found Here");
  EXPECT_EQ(response("HTTP/1.1 204 \r\n\r\n").messages.at(0).reason, "");
  const Outcome no_space = response("HTTP/1.1 204\r\n\r\n");
  ASSERT_EQ(no_space.messages.size(), 1u);
  EXPECT_EQ(no_space.messages[0].notes.at(0).kind, NoteKind::MissingReasonSpace);
}

TEST(HttpParser, BadStatusLinesAre400) {
  for (const char* bad :
       {"HTTP/1.1 20 OK\r\n", "HTTP/1.1 2000 OK\r\n", "HTTP/1.1  200 OK\r\n", "HTTP/1.1 abc OK\r\n",
        "HTTP/1.1 099 Low\r\n", "HTTP/1.1 600 High\r\n", "HTTP/1.1\r\n", "HTTP/1.1 200 O\x01K\r\n",
        "HTTX/1.1 200 OK\r\n", "\r\n"}) {
    const Outcome o = response(bad);
    ASSERT_TRUE(o.error) << bad;
    EXPECT_EQ(o.error->status, 400) << bad;
  }
  const Outcome v2 = response("HTTP/2.0 200 OK\r\n\r\n");
  ASSERT_TRUE(v2.error);
  EXPECT_EQ(v2.error->status, 505);
}

TEST(HttpParser, ResponseChunkedAndPipelined) {
  const std::string input =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
  const Outcome o = response(input);
  ASSERT_EQ(o.messages.size(), 2u);
  EXPECT_EQ(o.messages[0].body, "abc");
  EXPECT_EQ(o.messages[1].body, "hi");
}

TEST(HttpParser, ResponseWithOtherCodingsIsDechunkedWithCodingKept) {
  const Outcome o = response(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n\x1f\x8b\r\n0\r\n\r\n");
  ASSERT_EQ(o.messages.size(), 1u);
  EXPECT_EQ(o.messages[0].body, "\x1f\x8b");
  EXPECT_EQ(o.messages[0].transfer_codings, (std::vector<std::string>{"gzip", "chunked"}));
}

TEST(HttpParser, ResponseBodyUntilClose) {
  const std::string input = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this";
  const Outcome open = response(input);
  EXPECT_TRUE(open.messages.empty());
  EXPECT_EQ(open.state, ParserState::BodyUntilClose);
  EXPECT_EQ(open.current.body, "all of this");

  RunOptions opts;
  opts.finish = true;
  const Outcome closed = response(input, opts);
  ASSERT_EQ(closed.messages.size(), 1u);
  EXPECT_EQ(closed.messages[0].body, "all of this");
  EXPECT_EQ(closed.messages[0].framing, BodyFraming::UntilClose);
  EXPECT_EQ(closed.messages[0].length, input.size());
  EXPECT_EQ(closed.state, ParserState::Done);
  EXPECT_FALSE(keep_alive(closed.messages[0]));
  // A final coding other than chunked also means "until close".
  const Outcome gz = response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", opts);
  ASSERT_EQ(gz.messages.size(), 1u);
  EXPECT_EQ(gz.messages[0].body, "zz");
}

TEST(HttpParser, UntilCloseBodyHasALimit) {
  RunOptions opts;
  opts.limits.max_body_bytes = 10;
  const std::string head = "HTTP/1.1 200 OK\r\n\r\n";
  const Outcome o = response(head + "0123456789X", opts);
  ASSERT_TRUE(o.error);
  EXPECT_EQ(o.error->status, 413);
  EXPECT_EQ(o.error->offset, head.size() + 10);
  EXPECT_EQ(o.consumed, head.size() + 11);
}

TEST(HttpParser, ResponsesWithoutBodies) {
  const std::string input =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"
      "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nZ";
  const Outcome o = response(input);
  ASSERT_EQ(o.messages.size(), 4u) << describe(o);
  EXPECT_EQ(o.messages[0].status_code, 100);
  EXPECT_EQ(o.messages[1].framing, BodyFraming::None);
  EXPECT_TRUE(o.messages[1].body.empty());
  EXPECT_TRUE(o.messages[2].body.empty());
  EXPECT_EQ(o.messages[3].body, "Z");
}

TEST(HttpParser, ResponseToHeadHasNoBody) {
  const std::string input =
      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  RunOptions opts;
  opts.methods = {"HEAD", "GET"};
  const Outcome o = response(input, opts);
  ASSERT_EQ(o.messages.size(), 3u) << describe(o);
  EXPECT_TRUE(o.messages[0].body.empty());  // HEAD: Content-Length describes the GET answer
  EXPECT_EQ(o.messages[2].body, "abc");     // the 100 did not use up the GET expectation
  EXPECT_FALSE(o.error);
}

TEST(HttpParser, SwitchingProtocolsStopsConsuming) {
  const std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
  const Outcome o = response(head + "\x81\x05hello");
  ASSERT_EQ(o.messages.size(), 1u);
  EXPECT_TRUE(o.switched);
  EXPECT_EQ(o.consumed, head.size());
  EXPECT_FALSE(o.error);
}

TEST(HttpParser, ResponseFramingConflictsAre400) {
  const Outcome both =
      response("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(both.error);
  EXPECT_EQ(both.error->status, 400);
  const Outcome bad_length = response("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n");
  ASSERT_TRUE(bad_length.error);
  EXPECT_EQ(bad_length.error->status, 400);
}

// ---------------------------------------------------------------------------------------------
// Split independence over a corpus of valid and invalid streams.

TEST(HttpParser, OneByteAtATimeMatchesWholeFeedForManyStreams) {
  const std::vector<std::string> requests = {
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: "
      "3\r\n\r\nxyz",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a=b\r\nx\r\n0\r\nT: "
      "v\r\n\r\n",
      "GET / HTTP/1.1\nHost: a\n\n",
      "\r\nGET / HTTP/1.0\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX: \x01\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n\rX",
      "GET / HTTP/2.0\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc",
      "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(9000, 'q'),
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET  / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n",  // incomplete
  };
  for (const std::string& r : requests) {
    SCOPED_TRACE(r.substr(0, 60));
    expect_split_independent(ParserMode::Request, r);
    expect_split_independent(ParserMode::Request, r, RunOptions{{}, true, {}});
  }
  const std::vector<std::string> responses = {
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: "
      "chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
      "HTTP/1.0 200 OK\r\n\r\nuntil close",
      "HTTP/1.1 200\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
  };
  for (const std::string& r : responses) {
    SCOPED_TRACE(r.substr(0, 60));
    expect_split_independent(ParserMode::Response, r);
    expect_split_independent(ParserMode::Response, r, RunOptions{{}, true, {"GET"}});
  }
}

// ---------------------------------------------------------------------------------------------
// keep_alive

TEST(HttpParser, KeepAliveDecision) {
  EXPECT_TRUE(keep_alive(single_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n")));
  EXPECT_FALSE(
      keep_alive(single_request("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")));
  EXPECT_FALSE(keep_alive(
      single_request("GET / HTTP/1.1\r\nHost: h\r\nconnection: Upgrade, CLOSE\r\n\r\n")));
  EXPECT_FALSE(keep_alive(single_request("GET / HTTP/1.0\r\n\r\n")));
  EXPECT_TRUE(keep_alive(single_request("GET / HTTP/1.0\r\nCONNECTION: Keep-Alive\r\n\r\n")));
  EXPECT_FALSE(
      keep_alive(single_request("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")));
}

TEST(HttpParser, HeaderLookupIsCaseInsensitive) {
  const HttpMessage m = single_request("GET / HTTP/1.1\r\nhOsT: h\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
  ASSERT_NE(m.find_header("HOST"), nullptr);
  EXPECT_EQ(m.find_header("host")->value, "h");
  EXPECT_EQ(m.count_headers("X-a"), 2u);
  EXPECT_EQ(m.find_header("Missing"), nullptr);
  EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(iequals("Content-Length", "Content-Lengt"));
}

}  // namespace
}  // namespace wirestep::proto::http
