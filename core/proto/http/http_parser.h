// Incremental HTTP/1.1 parser: consumes bytes in any split, produces requests or responses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http/http_message.h"

namespace wirestep::proto::http {

enum class ParserMode : std::uint8_t { Request, Response };

// What the parser is waiting for. Also the colour a GUI gives the bytes each state consumed.
enum class ParserState : std::uint8_t {
  RequestLine,     // request mode: the start line (and empty lines ignored before it)
  StatusLine,      // response mode: the start line
  HeaderLine,      // header field lines and the empty line that ends them
  Body,            // a Content-Length body
  BodyUntilClose,  // a response body that ends when the connection closes (finish())
  ChunkSize,       // a chunk size line (hex size, extensions)
  ChunkData,       // a chunk's payload
  ChunkDataEnd,    // the CRLF after a chunk's payload
  Trailer,         // trailer field lines and the final empty line of a chunked body
  Done,            // between messages (or after a clean finish()); consumes no bytes
  Error,           // terminal; consumes no bytes
};

std::string_view to_string(ParserState state);

// Limits that turn an oversized message into an error instead of unbounded memory.
struct ParserLimits {
  std::size_t max_header_bytes = 8 * 1024;     // start line + header lines (431); also trailers
  std::uint64_t max_body_bytes = 1024 * 1024;  // declared or received body bytes (413)
  std::size_t max_chunk_line_bytes = 4096;     // one chunk size line with extensions (400)
  std::size_t max_chunks = 16384;              // chunk records kept per message (413)
};

// Bad input is data, not an exception: what to answer, why, and where it was found.
struct ParseError {
  int status = 400;  // 400, 413, 431, 501 or 505 (the same codes classify response errors)
  std::string reason;
  std::uint64_t offset = 0;  // stream offset of the offending byte (or of the field at fault)
  ParserState state = ParserState::Error;  // the state the parser was in when it found it
  bool operator==(const ParseError&) const = default;
};

// Which state consumed a run of stream bytes. Adjacent bytes eaten by the same state for the
// same message are merged, so the record is the same however the stream was split into feeds.
struct StateRange {
  ParserState state = ParserState::Done;
  std::uint64_t message_index = 0;  // 0 for the first message in the stream
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  bool operator==(const StateRange&) const = default;
};

// The standard reason phrase for a status this parser produces ("Bad Request", ...).
std::string_view status_text(int status);

// One job: consume bytes, produce messages. Every decision depends only on the bytes seen so
// far, never on where one feed() ended, so feeding one byte at a time yields exactly the same
// messages, errors, offsets and state ranges as feeding everything at once.
class HttpParser {
 public:
  explicit HttpParser(ParserMode mode, ParserLimits limits = {});

  // Consumes bytes and returns how many were taken: all of them, unless the parser reached
  // Error (the byte that revealed the error is counted as consumed), finish() was called, or
  // the connection switched protocols (101, or 2xx to CONNECT): the rest is not HTTP.
  std::size_t feed(std::span<const std::byte> bytes);
  std::size_t feed(std::string_view bytes);
  // The peer closed: ends a body delimited by close, or records a truncated message as an error.
  void finish();

  // Response mode: the method of the request this stream's next final response answers, in
  // order. "HEAD" (and 2xx to "CONNECT") responses have no body whatever their headers say.
  void expect_response_to(std::string_view method);

  ParserMode mode() const { return mode_; }
  const ParserLimits& limits() const { return limits_; }
  ParserState state() const { return state_; }
  bool has_error() const { return error_.has_value(); }
  const std::optional<ParseError>& error() const { return error_; }
  std::uint64_t offset() const { return offset_; }  // stream bytes consumed so far
  bool switched_protocols() const { return switched_; }

  // Completed messages, oldest first, until popped.
  const std::deque<HttpMessage>& messages() const { return done_; }
  bool has_message() const { return !done_.empty(); }
  std::optional<HttpMessage> pop_message();
  std::uint64_t completed_count() const { return completed_; }
  // The message being parsed: partial while in progress, what was understood after an error.
  const HttpMessage& current() const { return current_; }

  const std::vector<StateRange>& state_ranges() const { return ranges_; }
  void clear_state_ranges() { ranges_.clear(); }

 private:
  bool accepting() const;
  bool in_start_line_state() const;
  void begin_message();
  std::size_t consume(std::string_view bytes);
  void record(ParserState state, std::uint64_t index, std::uint64_t offset, std::uint64_t length);
  void fail(int status, std::string reason, std::uint64_t offset);
  void note(NoteKind kind, ByteRange range, std::string text);

  void consume_line_byte(char c);
  bool count_line_byte(std::uint64_t pos);
  void end_line(std::uint64_t lf_pos);
  void process_request_line(std::string_view line, ByteRange whole);
  void process_status_line(std::string_view line, ByteRange whole);
  void process_header_line(std::string_view line, ByteRange whole);
  void process_chunk_size_line(std::string_view line, ByteRange whole);
  void process_trailer_line(std::string_view line, ByteRange whole);
  bool parse_field_line(std::string_view line, ByteRange whole, HeaderField& out);
  void check_content_length(const HeaderField& field);
  bool collect_transfer_codings();
  void end_of_head(ByteRange blank);
  void decide_request_body(std::uint64_t body_start);
  void decide_response_body(std::uint64_t body_start);
  void start_content_length_body(std::uint64_t body_start);
  void start_chunked_body(std::uint64_t body_start);
  void complete_message(std::uint64_t end);

  std::size_t consume_fixed_body(std::string_view bytes);
  std::size_t consume_until_close(std::string_view bytes);
  std::size_t consume_chunk_data(std::string_view bytes);
  void consume_chunk_data_end(char c);

  ParserMode mode_;
  ParserLimits limits_;
  ParserState state_;
  std::uint64_t offset_ = 0;
  std::uint64_t completed_ = 0;
  HttpMessage current_;
  std::deque<HttpMessage> done_;
  std::vector<StateRange> ranges_;
  std::optional<ParseError> error_;
  std::deque<std::string> expected_methods_;
  bool finished_ = false;
  bool switched_ = false;

  // Line assembly for the start line, header, chunk size and trailer lines.
  std::string line_;  // content without the line ending
  std::uint64_t line_start_ = 0;
  std::uint64_t line_bytes_ = 0;  // bytes of the current line so far (chunk line limit)
  bool line_fresh_ = true;        // the next byte starts a new line
  bool cr_pending_ = false;       // a CR arrived; only LF may follow

  // Per message.
  std::uint64_t head_bytes_ = 0;     // start line + header lines (431)
  std::uint64_t trailer_bytes_ = 0;  // trailer lines (431)
  std::uint64_t declared_body_ = 0;  // chunk sizes declared so far (413)
  std::uint64_t remaining_ = 0;      // body or chunk payload bytes still expected
  std::uint64_t data_end_start_ = 0;
};

}  // namespace wirestep::proto::http
