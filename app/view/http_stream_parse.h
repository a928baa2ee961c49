// The HTTP panel's parsed side: one direction's bytes through core's HTTP/1.1 parser, or the packets' messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http/http_over_tcp.h"
#include "proto/http/http_parser.h"
#include "trace/trace.h"
#include "view/http_text_view.h"

namespace wirestep::view {

// What the parser made of one direction: complete messages, the one still arriving (or the part
// understood before an error), and the error. Offsets are the stream's, as in StreamDirection.
struct ParsedStream {
  std::vector<proto::http::HttpMessage> messages;
  std::optional<proto::http::HttpMessage> partial;
  std::optional<proto::http::ParseError> error;
};

// Feeds bytes to a parser in this mode. A response parser is told the methods of the requests
// it answers first (a HEAD response has no body whatever its headers say).
ParsedStream parse_stream(std::string_view bytes, proto::http::ParserMode mode,
                          const std::vector<std::string>& request_methods = {});

// The wire tier: the messages HttpOverTcp parsed from one direction's arrived packets, and the
// stream bytes rebuilt from those packets with one piece per packet (event = the Packet,
// byte_offset = where its TCP payload starts in the IP packet), so the raw view and a click on a
// line work on packets as they do on socket calls. Empty direction when no packet went that way.
struct WireStream {
  StreamDirection direction;
  ParsedStream parsed;
};
WireStream wire_stream(const trace::Trace& trace, const proto::http::HttpOverTcp& http, trace::FlowId flow,
                       proto::http::StreamDirection direction);

}  // namespace wirestep::view
