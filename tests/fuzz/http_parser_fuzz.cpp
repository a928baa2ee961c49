// libFuzzer target: HttpParser must give identical results however its input is split.
//
// Byte 0 picks the mode and options; the rest is the stream. Split points come from a hash of
// the input itself, so every crash reproduces from its file alone. Besides whole-vs-split
// equality it checks the invariants a GUI relies on: state ranges tile the consumed bytes, and
// every field of every completed message (and of its field tree) lies inside that message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http/http_field_tree.h"
#include "proto/http/http_parser.h"

namespace {

using wirestep::proto::FieldTree;
using namespace wirestep::proto::http;

struct Outcome {
  std::vector<HttpMessage> messages;
  std::optional<ParseError> error;
  ParserState state = ParserState::Done;
  std::vector<StateRange> ranges;
  std::uint64_t offset = 0;
  std::uint64_t consumed = 0;
  HttpMessage current;
  bool switched = false;
  bool operator==(const Outcome&) const = default;
};

struct Options {
  ParserMode mode = ParserMode::Request;
  bool finish = false;
  bool head = false;
  ParserLimits limits;
};

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "http_parser_fuzz: %s\n", what);
  std::abort();
}

void check(bool ok, const char* what) {
  if (!ok) die(what);
}

template <typename NextSize>
Outcome run(const Options& o, std::string_view input, NextSize next_size) {
  HttpParser parser(o.mode, o.limits);
  if (o.head) {
    parser.expect_response_to("HEAD");
    parser.expect_response_to("GET");
  }
  Outcome out;
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t n = next_size();
    if (n == 0 || n > input.size() - pos) n = input.size() - pos;
    const std::size_t used = parser.feed(input.substr(pos, n));
    check(used <= n, "feed consumed more than it was given");
    out.consumed += used;
    pos += n;
  }
  if (o.finish) parser.finish();
  while (auto m = parser.pop_message()) out.messages.push_back(std::move(*m));
  out.error = parser.error();
  out.state = parser.state();
  out.ranges = parser.state_ranges();
  out.offset = parser.offset();
  out.current = parser.current();
  out.switched = parser.switched_protocols();
  return out;
}

void check_inside(const HttpMessage& m, ByteRange r, const char* what) {
  if (r.empty()) return;
  check(r.offset >= m.start_offset && r.end() <= m.start_offset + m.length, what);
}

void check_field_line(const HttpMessage& m, const HeaderField& h) {
  check_inside(m, h.line, "field line outside its message");
  check(h.name_range.offset == h.line.offset && h.name_range.length == h.name.size(),
        "field name range does not match the name");
  check(h.value_range.length == h.value.size(), "field value range does not match the value");
  check(h.value_range.end() <= h.line.end(), "field value outside its line");
}

void check_message(const HttpMessage& m, std::uint64_t stream_end) {
  check(m.complete, "queued message not complete");
  check(m.start_offset + m.length <= stream_end, "message past the consumed bytes");
  check_inside(m, m.start_line, "start line outside message");
  check_inside(m, m.blank_line, "blank line outside message");
  check_inside(m, m.body_range, "body outside message");
  for (const HeaderField& h : m.headers) check_field_line(m, h);
  for (const HeaderField& h : m.trailers) check_field_line(m, h);
  std::uint64_t payload = 0;
  for (const Chunk& c : m.chunks) {
    check_inside(m, c.line, "chunk line outside message");
    check_inside(m, c.data, "chunk data outside message");
    check(c.data.length == c.size, "chunk data length differs from its size");
    payload += c.size;
  }
  if (m.framing == BodyFraming::Chunked) check(payload == m.body.size(), "chunks do not add up");
  if (m.framing == BodyFraming::ContentLength) {
    check(m.content_length && *m.content_length == m.body.size(), "body differs from length");
  }
  const FieldTree tree = to_field_tree(m);
  for (const auto& f : tree.fields()) {
    check(std::uint64_t{f.offset} + f.length <= m.length, "field tree row past the message");
  }
}

void check_invariants(const Outcome& o) {
  check(o.consumed == o.offset, "offset differs from bytes consumed");
  std::uint64_t next = 0;
  std::uint64_t index = 0;
  for (const StateRange& r : o.ranges) {
    check(r.offset == next && r.length > 0, "state ranges do not tile the stream");
    check(r.state != ParserState::Done && r.state != ParserState::Error, "Done/Error ate bytes");
    check(r.message_index >= index, "state ranges go back to an earlier message");
    index = r.message_index;
    next = r.offset + r.length;
  }
  check(next == o.offset, "state ranges do not cover the consumed bytes");
  for (const HttpMessage& m : o.messages) check_message(m, o.offset);
  if (o.error) {
    check(o.state == ParserState::Error, "error recorded but state is not Error");
    check(o.error->offset <= o.offset, "error offset past the consumed bytes");
    const int s = o.error->status;
    check(s == 400 || s == 413 || s == 431 || s == 501 || s == 505, "unexpected error status");
    (void)to_field_tree(o.current, &*o.error);  // partial messages must render too
  }
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  Options opts;
  opts.mode = (flags & 1) != 0 ? ParserMode::Response : ParserMode::Request;
  opts.finish = (flags & 2) != 0;
  opts.head = (flags & 4) != 0;
  if ((flags & 8) != 0) {
    // Small limits so the fuzzer reaches 413/431 and the chunk limits with short inputs.
    opts.limits.max_header_bytes = 64;
    opts.limits.max_body_bytes = 32;
    opts.limits.max_chunk_line_bytes = 16;
    opts.limits.max_chunks = 4;
  }

  const Outcome whole = run(opts, input, [] { return std::size_t{0}; });
  check_invariants(whole);

  std::uint64_t state = fnv1a(input) | 1;
  const std::size_t max_piece = 1 + (flags >> 4);  // 1..16
  const Outcome split = run(opts, input, [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::size_t>(1 + state % max_piece);
  });
  if (!(split == whole)) die("split feeding differs from whole feeding");

  if (input.size() <= 4096) {
    const Outcome bytewise = run(opts, input, [] { return std::size_t{1}; });
    if (!(bytewise == whole)) die("one-byte feeding differs from whole feeding");
  }
  return 0;
}
