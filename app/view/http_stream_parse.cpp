// Parsed HTTP for the panel: socket-call bytes through HttpParser, or HttpOverTcp's messages rebuilt with their packets.
#include "view/http_stream_parse.h"

#include <algorithm>

namespace wirestep::view {

namespace http = proto::http;

ParsedStream parse_stream(std::string_view bytes, http::ParserMode mode,
                          const std::vector<std::string>& request_methods) {
  ParsedStream out;
  http::HttpParser parser(mode);
  for (const std::string& method : request_methods) parser.expect_response_to(method);
  parser.feed(bytes);
  while (auto message = parser.pop_message()) out.messages.push_back(std::move(*message));
  out.error = parser.error();
  if (parser.offset() > parser.current().start_offset || out.error) out.partial = parser.current();
  if (out.partial && out.partial->start_line.empty() && !out.error) out.partial.reset();
  return out;
}

WireStream wire_stream(const trace::Trace& trace, const http::HttpOverTcp& wire, trace::FlowId flow,
                       http::StreamDirection direction) {
  WireStream out;
  const http::WireHttpStream* stream = wire.stream(flow, direction);
  if (stream == nullptr) return out;
  std::vector<http::WireHttpMessage> messages = stream->messages;
  const std::optional<http::WireHttpMessage> partial = wire.in_progress(flow, direction);
  if (partial) messages.push_back(*partial);
  std::string& bytes = out.direction.bytes;
  for (const http::WireHttpMessage& message : messages) {
    for (const http::PacketBytes& piece : message.packets) {
      if (piece.packet_index >= trace.size()) continue;
      const trace::Bytes payload = trace[piece.packet_index].payload;
      if (piece.ip_offset + piece.length > payload.size) continue;  // the trace's byte cap cut it
      const auto end = static_cast<std::size_t>(piece.stream_offset + piece.length);
      if (bytes.size() < end) bytes.resize(end, '\0');
      std::copy_n(payload.text().data() + piece.ip_offset, piece.length,
                  bytes.begin() + static_cast<std::ptrdiff_t>(piece.stream_offset));
      const bool seen = std::any_of(out.direction.pieces.begin(), out.direction.pieces.end(), [&](const StreamPiece& p) {
        return p.event == piece.packet_index && p.offset == piece.stream_offset;
      });
      if (seen) continue;  // a packet carrying the end of one message and the start of the next
      StreamPiece mine;
      mine.event = piece.packet_index;
      mine.offset = piece.stream_offset;
      mine.length = piece.length;
      mine.received = true;
      mine.byte_offset = piece.ip_offset;
      out.direction.pieces.push_back(mine);
      const trace::Event& packet = trace[piece.packet_index];
      out.direction.sender = packet.from;
      out.direction.receiver = packet.to;
    }
  }
  out.direction.received_bytes = bytes.size();
  for (const http::WireHttpMessage& message : stream->messages) out.parsed.messages.push_back(message.http);
  if (partial) out.parsed.partial = partial->http;
  out.parsed.error = stream->error;
  return out;
}

}  // namespace wirestep::view
