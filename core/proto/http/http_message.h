// Parsed HTTP/1.1 messages in which every part remembers the stream bytes it came from.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wirestep::proto::http {

// A run of bytes in the stream fed to the parser. Offsets are absolute in that stream (not per
// message) so a GUI can map any field of any pipelined message straight onto the captured bytes.
struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;

  std::uint64_t end() const { return offset + length; }
  bool empty() const { return length == 0; }
  bool operator==(const ByteRange&) const = default;
};

enum class MessageKind : std::uint8_t { Request, Response };

// RFC 9112 §3.2: which of the four request-target shapes the request used.
enum class TargetForm : std::uint8_t { Origin, Absolute, Authority, Asterisk };

// How the end of the body was (or will be) found.
enum class BodyFraming : std::uint8_t { None, ContentLength, Chunked, UntilClose };

struct HttpVersion {
  int major = 0;
  int minor = 0;
  auto operator<=>(const HttpVersion&) const = default;
};

// Deviations the parser accepted; a lesson can point at them ("this server ends lines with LF").
enum class NoteKind : std::uint8_t {
  BareLf,                  // a line ended in LF without CR (RFC 9112 §2.2 allows tolerating it)
  DuplicateContentLength,  // repeated, identical Content-Length values were merged
  MissingReasonSpace,      // status line "HTTP/1.1 200" without the SP before an empty reason
};

struct ParseNote {
  NoteKind kind = NoteKind::BareLf;
  ByteRange range;
  std::string text;
  bool operator==(const ParseNote&) const = default;
};

struct HeaderField {
  std::string name;   // as sent; compare with iequals()
  std::string value;  // without the optional whitespace around it
  ByteRange line;     // the whole field line including its line ending
  ByteRange name_range;
  ByteRange value_range;  // empty value: length 0 at the place the value would start
  bool bare_lf = false;   // the line ended in LF alone
  bool operator==(const HeaderField&) const = default;
};

struct ChunkExtension {
  std::string name;
  std::string value;  // quoted-string values are unescaped
  bool quoted = false;
  ByteRange range;  // from the ';' to the end of the value
  bool operator==(const ChunkExtension&) const = default;
};

struct Chunk {
  std::uint64_t size = 0;
  ByteRange line;        // size line: hex size, extensions and line ending
  ByteRange size_range;  // the hex digits
  std::vector<ChunkExtension> extensions;
  ByteRange data;      // the chunk's payload bytes; empty for the last chunk
  ByteRange data_end;  // the CRLF after the data; empty for the last chunk

  bool last() const { return size == 0; }
  bool operator==(const Chunk&) const = default;
};

// One request or response. The parser fills it as bytes arrive, so a message taken from a
// parser in the middle of an error is still meaningful up to the point of the error.
struct HttpMessage {
  MessageKind kind = MessageKind::Request;
  std::uint64_t start_offset = 0;  // stream offset of the first byte of the start line
  std::uint64_t length = 0;        // bytes from start_offset to the end; set when complete
  bool complete = false;

  ByteRange start_line;  // including its line ending
  HttpVersion version;
  ByteRange version_range;

  // Request line (kind == Request).
  std::string method;
  ByteRange method_range;
  std::string target;
  ByteRange target_range;
  TargetForm target_form = TargetForm::Origin;

  // Status line (kind == Response).
  int status_code = 0;
  ByteRange status_range;
  std::string reason;
  ByteRange reason_range;

  std::vector<HeaderField> headers;
  ByteRange blank_line;  // the empty line ending the header section (2 bytes, 1 if bare LF)

  BodyFraming framing = BodyFraming::None;
  std::optional<std::uint64_t> content_length;
  std::vector<std::string> transfer_codings;  // lower-cased, in the order applied
  std::string body;                           // payload octets, chunk framing removed
  // Bytes that carry the body on the wire. Chunked: from the first size line through the
  // last-chunk line (chunk framing included, trailers not).
  ByteRange body_range;
  std::vector<Chunk> chunks;  // chunked only; the last (size 0) chunk included
  std::vector<HeaderField> trailers;
  ByteRange trailer_section;     // trailer lines and the empty line that ends the message
  ByteRange trailer_blank_line;  // that final empty line
  std::vector<ParseNote> notes;

  bool is_request() const { return kind == MessageKind::Request; }
  // The first header with this name (case-insensitive), or nullptr.
  const HeaderField* find_header(std::string_view name) const;
  std::size_t count_headers(std::string_view name) const;
  bool tolerated_bare_lf() const;
  bool operator==(const HttpMessage&) const = default;
};

// Both directions share one type; the aliases say at a call site which one is meant.
using HttpRequest = HttpMessage;
using HttpResponse = HttpMessage;

// ASCII case-insensitive comparison: field names, tokens and codings are case-insensitive.
bool iequals(std::string_view a, std::string_view b);
// RFC 9110 §5.6.2 tchar.
bool is_token_char(char c);
// Whether any header called name carries token in its comma-separated list (e.g. Connection).
bool has_token(const HttpMessage& message, std::string_view name, std::string_view token);

// Whether the connection stays open after this message: HTTP/1.1 unless "Connection: close";
// HTTP/1.0 only with "Connection: keep-alive". A response delimited by close never keeps alive.
bool keep_alive(const HttpMessage& message);

std::string_view to_string(TargetForm form);
std::string_view to_string(BodyFraming framing);

}  // namespace wirestep::proto::http
