// Hand-built traces for the ladder's layout and export tests: socket calls and cue notes at
// chosen times, a client (port 40000) and a server (port 80) on 127.0.0.1.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace wirestep::testing {

inline trace::Address loopback_address(std::uint16_t port) {
  trace::Address a;
  a.family = 4;
  a.port = port;
  a.ip = {127, 0, 0, 1};
  return a;
}

// What a hand-built call carries besides its lane, call and time.
struct CallFields {
  std::int64_t result = 0;
  std::uint64_t offset = 0;  // stream_offset
  std::int64_t dur_ns = 0;
  trace::FlowId flow = 1;
  trace::Transport transport = trace::Transport::Tcp;
  std::string payload;
  // A send with no payload given carries `result` bytes of 'x', as a recorded send would.
  bool fill_sends = true;
};

// Appends a socket call at t_ns. Lanes named "client…" are the client end, others the server.
inline std::uint64_t append_call(trace::Trace& t, std::string_view lane, trace::Call call, std::int64_t t_ns,
                                 CallFields fields = {}) {
  trace::Event e;
  e.kind = trace::EventKind::SocketCall;
  e.lane = t.lane(lane);
  e.call = call;
  e.t_ns = t_ns;
  e.dur_ns = fields.dur_ns;
  e.result = fields.result;
  e.stream_offset = fields.offset;
  e.flow = fields.flow;
  e.transport = fields.transport;
  const bool client = lane.substr(0, 6) == "client";
  e.local = loopback_address(client ? 40000 : 80);
  e.peer = loopback_address(client ? 80 : 40000);
  std::string& payload = fields.payload;
  const bool sends = call == trace::Call::Send || call == trace::Call::SendTo;
  if (payload.empty() && fields.fill_sends && sends && fields.result > 0) {
    payload.assign(static_cast<std::size_t>(fields.result), 'x');
  }
  e.payload_size = static_cast<std::uint32_t>(payload.size());
  return t.append_recorded(e, std::as_bytes(std::span(payload.data(), payload.size())));
}

// Appends the lesson's cue note for a narration anchor at t_ns.
inline std::uint64_t append_cue(trace::Trace& t, std::int64_t t_ns, std::string_view anchor) {
  trace::Event e;
  e.kind = trace::EventKind::Note;
  e.lane = t.lane("lesson");
  e.t_ns = t_ns;
  e.payload_size = static_cast<std::uint32_t>(anchor.size());
  return t.append_recorded(e, std::as_bytes(std::span(anchor.data(), anchor.size())));
}

}  // namespace wirestep::testing
