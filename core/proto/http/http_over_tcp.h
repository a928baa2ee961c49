// HTTP read from the wire: each TCP connection's arrived packets reassembled and parsed, per direction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http/http_message.h"
#include "proto/http/http_parser.h"
#include "proto/http/tcp_stream_reassembler.h"
#include "trace/trace.h"

namespace wirestep::proto::http {

// Which way the bytes go. The client is the side that sent the opening SYN; when the capture
// began after it, the side with the higher port (the ephemeral one).
enum class StreamDirection : std::uint8_t { ClientToServer, ServerToClient };

std::string_view to_string(StreamDirection direction);  // "client → server", "server → client"

// Bytes of one packet that belong to a message: the GUI highlights these packets, and
// ip_offset/length mark the bytes inside the packet for the hex view.
struct PacketBytes {
  std::size_t packet_index = 0;     // trace index of the Packet event
  std::uint64_t stream_offset = 0;  // in the direction's stream (the parser's offsets)
  std::uint32_t ip_offset = 0;      // inside the IP packet (event.payload)
  std::uint32_t length = 0;
  bool operator==(const PacketBytes&) const = default;
};

// A parsed message and the packets it came in, in stream order. A packet that carried the
// end of one pipelined message and the start of the next appears in both.
struct WireHttpMessage {
  HttpMessage http;
  std::vector<PacketBytes> packets;

  // The distinct packets, in stream order.
  std::vector<std::size_t> packet_indices() const;
};

// One direction of one connection, as far as it was parsed.
struct WireHttpStream {
  trace::FlowId flow = trace::kNoFlow;
  StreamDirection direction = StreamDirection::ClientToServer;
  std::vector<WireHttpMessage> messages;  // complete messages, oldest first
  std::optional<ParseError> error;        // the stream is not (or no longer) HTTP
  std::uint64_t stream_bytes = 0;         // in-order bytes fed to the parser
  bool finished = false;                  // the sender's FIN was reached in order
  bool reset = false;                     // a RST ended the connection
  bool incomplete = false;                // the trace did not keep some bytes: parsing stopped
  std::uint64_t retransmitted_bytes = 0;  // bytes that arrived again and were skipped
};

// Reads a trace incrementally (update() only looks at new events), like TcpFlowAnalyzer.
// Only packets that reached their host count (not Held, not Dropped, not damaged by the
// wire so that the receiver discarded them): the bytes are what the receiving application
// read. Each direction of a connection gets its own parser, in request mode from the client
// and response mode from the server; a request completed on the client side tells the
// server side's parser what it answers (HEAD responses have no body).
//
// A new connection reusing a flow's addresses (a SYN with a new ISN) keeps the old messages
// and starts fresh parsers: stream offsets then restart at 0.
//
// Not thread-safe: one thread calls update() and the readers. References returned stay
// valid until the next update().
class HttpOverTcp {
 public:
  using Message = WireHttpMessage;

  explicit HttpOverTcp(ParserLimits limits = {}, ReassemblyLimits reassembly = {});
  ~HttpOverTcp();
  HttpOverTcp(HttpOverTcp&&) noexcept;
  HttpOverTcp& operator=(HttpOverTcp&&) noexcept;

  void update(const trace::Trace& trace);
  std::size_t analysed() const { return next_; }

  // Complete messages of one direction, oldest first; empty when there are none.
  const std::vector<Message>& messages(trace::FlowId flow, StreamDirection direction) const;
  // Everything known about one direction; nullptr when no TCP packet of the flow went that way.
  const WireHttpStream* stream(trace::FlowId flow, StreamDirection direction) const;
  // The message being received right now (a request half way across the wire while
  // stepping), or the part understood before a parse error; nullopt between messages.
  std::optional<Message> in_progress(trace::FlowId flow, StreamDirection direction) const;
  // Flows with at least one complete message, in flow order.
  std::vector<trace::FlowId> http_flows() const;

 private:
  struct Side;
  struct Connection;
  void analyse(std::size_t index, const trace::Event& event);
  void feed(Connection& connection, int side, const std::vector<StreamPiece>& pieces);
  void take_messages(Connection& connection, int side);
  const Side* side(trace::FlowId flow, StreamDirection direction) const;

  ParserLimits limits_;
  ReassemblyLimits reassembly_;
  std::size_t next_ = 0;
  const trace::Trace* trace_ = nullptr;
  std::map<trace::FlowId, std::unique_ptr<Connection>> connections_;
};

}  // namespace wirestep::proto::http
