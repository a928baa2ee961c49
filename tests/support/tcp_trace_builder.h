// Hand-built TCP packets appended to a trace exactly as the virtual wire records them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/packet_builder.h"
#include "trace/trace.h"

namespace wirestep::testing {

// One TCP segment between the test's client (10.77.0.1:41234) and server (10.77.0.2:80).
// Designated initializers keep a test readable: {.from_client = false, .seq = 5000, ...}.
struct WireSegment {
  bool from_client = true;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 502;
  std::string payload{};
  trace::Verdict verdict = trace::Verdict::Delivered;
  std::uint64_t link = trace::kNoSeq;  // the Held event or the wire's Impairment event
  std::uint16_t client_port = 41234;
  // Flip this bit of the first payload byte after the checksum was computed (a Corrupted
  // packet whose receiver would discard it); 0 = none.
  std::uint8_t damage_mask = 0;
};

// The IP packet of a segment, checksums correct unless damage_mask says otherwise.
inline std::vector<std::byte> wire_segment_bytes(const WireSegment& w) {
  TcpSpec tcp;
  tcp.src_port = w.from_client ? w.client_port : 80;
  tcp.dst_port = w.from_client ? 80 : w.client_port;
  tcp.seq = w.seq;
  tcp.ack = w.ack;
  tcp.flags = w.flags;
  tcp.window = w.window;
  tcp.payload = text_bytes(w.payload);
  Ipv4Spec ip;
  if (!w.from_client) std::swap(ip.src, ip.dst);
  auto bytes = tcp_v4(tcp, ip);
  if (w.damage_mask != 0 && !w.payload.empty()) bytes[bytes.size() - w.payload.size()] ^= w.damage_mask;
  return to_bytes(bytes);
}

inline trace::Address test_client_address(std::uint16_t port = 41234) {
  trace::Address a;
  a.family = 4;
  a.ip = {10, 77, 0, 1};
  a.port = port;
  return a;
}
inline trace::Address test_server_address() {
  trace::Address a = test_client_address(80);
  a.ip = {10, 77, 0, 2};
  return a;
}

// Appends the segment as a Packet event (lane "wire", from/to the hosts' lanes, addresses
// with ports, the flow the socket calls would share) and returns its trace index. A Dropped
// segment is followed by the Impairment event that says why, as on the wire.
inline std::size_t append_segment(trace::Trace& trace, const WireSegment& w) {
  const auto bytes = wire_segment_bytes(w);
  trace::Event event;
  event.kind = trace::EventKind::Packet;
  event.lane = trace.lane("wire");
  event.from = trace.lane(w.from_client ? "client" : "server");
  event.to = trace.lane(w.from_client ? "server" : "client");
  event.transport = trace::Transport::Tcp;
  const trace::Address client = test_client_address(w.client_port);
  const trace::Address server = test_server_address();
  event.local = w.from_client ? client : server;
  event.peer = w.from_client ? server : client;
  event.flow = trace.flow_of(client, server);
  event.verdict = w.verdict;
  event.link = w.link;
  const std::uint64_t seq = trace.append(event, bytes);
  if (w.verdict == trace::Verdict::Dropped) {
    trace::Event why;
    why.kind = trace::EventKind::Impairment;
    why.lane = event.lane;
    why.verdict = trace::Verdict::Dropped;
    why.link = seq;
    why.flow = event.flow;
    trace.append(why, std::string_view("scripted: drop"));
  }
  return static_cast<std::size_t>(seq);
}

// A connection between the test's client and server, numbers given relative to each side's
// ISN (the client's first data byte is seq 1), optionally with its handshake already done.
struct TcpConversation {
  static constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

  trace::Trace trace;
  std::uint32_t c_isn;
  std::uint32_t s_isn;

  explicit TcpConversation(std::uint32_t client_isn = 1000, std::uint32_t server_isn = 5000,
                           bool handshake = true)
      : c_isn(client_isn), s_isn(server_isn) {
    if (!handshake) return;
    append_segment(trace, {.seq = c_isn, .flags = kSyn, .window = 64240});
    append_segment(trace, {.from_client = false, .seq = s_isn, .ack = c_isn + 1,
                           .flags = kSyn | kAck, .window = 65160});
    append_segment(trace, {.seq = c_isn + 1, .ack = s_isn + 1, .flags = kAck});
  }
  std::uint32_t c(std::uint32_t relative) const { return c_isn + relative; }
  std::uint32_t s(std::uint32_t relative) const { return s_isn + relative; }

  std::size_t client(std::uint32_t seq, std::uint32_t ack, std::string payload = "",
                     std::uint8_t flags = kAck, trace::Verdict verdict = trace::Verdict::Delivered) {
    return append_segment(trace, {.seq = c(seq), .ack = s(ack), .flags = flags,
                                  .payload = std::move(payload), .verdict = verdict});
  }
  std::size_t server(std::uint32_t seq, std::uint32_t ack, std::string payload = "",
                     std::uint8_t flags = kAck, std::uint16_t window = 502) {
    return append_segment(trace, {.from_client = false, .seq = s(seq), .ack = c(ack),
                                  .flags = flags, .window = window, .payload = std::move(payload)});
  }
  // Any segment, numbers relative like client()/server().
  std::size_t segment(WireSegment w) {
    w.seq += w.from_client ? c_isn : s_isn;
    w.ack += w.from_client ? s_isn : c_isn;
    return append_segment(trace, w);
  }
  // The flow id every packet of this conversation carries.
  trace::FlowId flow() { return trace.flow_of(test_client_address(), test_server_address()); }
};

}  // namespace wirestep::testing
