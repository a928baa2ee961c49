// HTTP text for display: a flow's bytes per direction, split into lines with their CR/LF endings.
#pragma once

// This is a SMALL line splitter for showing raw HTTP text, not an HTTP parser: it never validates,
// never decodes chunked bodies, and stops at the first blank line. The panel's parsed side uses
// core/proto/http (view/http_stream_parse.h).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace wirestep::view {

enum class LineEnd : std::uint8_t { None, Lf, CrLf };

// One line of a text stream. offset/length include the line ending, so selecting a line
// highlights exactly its bytes, CR and LF included.
struct TextLine {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;          // content + ending
  std::uint32_t content_length = 0;  // without the ending
  LineEnd end = LineEnd::None;

  bool blank() const { return content_length == 0 && end != LineEnd::None; }
  std::uint32_t end_offset() const { return offset + length; }
};

// Splits at LF (a CR right before it belongs to the ending). A trailing piece without LF is a
// line with LineEnd::None (more bytes may still arrive).
std::vector<TextLine> split_lines(std::string_view text);

// Lines of the head only: everything up to and including the first blank line; the body is
// not split (it may be binary). head_end is the offset just past the blank line, or nullopt
// while the blank line has not arrived.
struct HttpHead {
  std::vector<TextLine> lines;  // start line, headers, blank line
  std::optional<std::uint32_t> blank_line;  // offset of the blank line's bytes
  std::optional<std::uint32_t> head_end;    // first body byte
};
HttpHead split_head(std::string_view text);

// True when the bytes start like an HTTP/1.x request ("GET / ...") or response ("HTTP/1.1 ...").
bool looks_like_http(std::string_view text);

// The start line and headers split for the parsed side of the panel.
struct HttpHeader {
  std::string_view name;
  std::string_view value;
  std::uint32_t line = 0;  // index into HttpHead::lines
};
struct HttpMessageView {
  bool is_request = false;
  bool is_response = false;
  // Request: method, target, version. Response: version, status code, reason.
  std::string_view part1, part2, part3;
  std::vector<HttpHeader> headers;
  HttpHead head;
  std::string_view body;  // bytes after the blank line
};
HttpMessageView split_http_message(std::string_view text);

// One recorded call that carried bytes of a stream.
struct StreamPiece {
  std::size_t event = 0;       // index in the trace
  std::uint64_t offset = 0;    // stream offset of its first byte
  std::uint32_t length = 0;
  bool received = false;       // a recv on the receiving side (else a send)
  std::uint32_t byte_offset = 0;  // where its first byte sits in the event's payload (a packet: past its headers)
};

// The bytes one side sent to the other, in stream order.
struct StreamDirection {
  trace::LaneId sender = trace::kNoLane;
  trace::LaneId receiver = trace::kNoLane;
  std::string bytes;
  std::uint64_t received_bytes = 0;  // how many of them the receiver's recv() calls returned
  std::vector<StreamPiece> pieces;   // the calls the bytes came from, in stream order
};

// Both directions of a TCP connection: the side that called connect() is the client.
struct FlowStreams {
  trace::FlowId flow = trace::kNoFlow;
  StreamDirection request;   // client -> server
  StreamDirection response;  // server -> client
};

// Gathers events [0, end) of the flow. Receives of the receiving side are preferred (they are
// what the peer really got); sends fill in bytes not received yet. stream_offset orders the
// pieces and drops duplicates.
FlowStreams gather_flow_streams(const trace::Trace& trace, trace::FlowId flow, std::size_t end);

// The flow the HTTP panel should show for a selection: the selected event's flow if it has one,
// else the latest flow with payload bytes before it (or in the whole trace without a selection).
trace::FlowId flow_for_http_view(const trace::Trace& trace, std::optional<std::size_t> selected);

}  // namespace wirestep::view
