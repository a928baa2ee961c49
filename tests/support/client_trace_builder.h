// Traces of clients and a server built by hand, with chosen times, shaped like blocking-vs-event-loop's.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "support/ladder_trace.h"
#include "trace/trace.h"

namespace wirestep::testing {

using trace::Call;

inline constexpr std::int64_t kMs = 1'000'000;

// Appends events with the times a test chooses (in order: a trace raises a time that goes
// back), on lanes named like a lesson's.
struct ClientTraceBuilder {
  trace::Trace trace;

  void note(std::int64_t t, std::string_view lane, std::string_view text) {
    trace::Event e;
    e.kind = trace::EventKind::Note;
    e.lane = trace.lane(lane);
    e.t_ns = t;
    trace.append_recorded(e, std::as_bytes(std::span(text.data(), text.size())));
  }
  void cue(std::int64_t t, std::string_view anchor) { note(t, "lesson", anchor); }

  void call(std::int64_t t, std::string_view lane, Call call, std::int64_t result = 0, int fd = 3,
            std::uint16_t local_port = 0) {
    trace::Event e;
    e.kind = trace::EventKind::SocketCall;
    e.lane = trace.lane(lane);
    e.t_ns = t;
    e.call = call;
    e.fd = fd;
    e.result = result;
    e.err = result < 0 ? 111 : 0;
    if (local_port != 0) e.local = loopback_address(local_port);
    trace.append_recorded(e, {});
  }

  // A server call on a connection with the client at 127.0.0.1:port.
  void server(std::int64_t t, Call call, std::int64_t result, int fd, std::uint16_t client_port) {
    trace::Event e;
    e.kind = trace::EventKind::SocketCall;
    e.lane = trace.lane("server");
    e.t_ns = t;
    e.call = call;
    e.fd = fd;
    e.result = result;
    e.peer = loopback_address(client_port);
    trace.append_recorded(e, {});
  }

  // A client that connects, gets `bytes` at first_byte and the end of the stream at done.
  void client(std::string_view lane, std::int64_t connected, std::int64_t first_byte, std::int64_t done,
              std::uint16_t port = 40000) {
    call(connected, lane, Call::Connect, 0, 3, port);
    call(first_byte, lane, Call::Recv, 100);
    call(done, lane, Call::Recv, 0);
    call(done + 1, lane, Call::Close);
  }
};

// Round "blocking": two clients served one after the other (the server holds one connection
// at a time). Round "evented": two clients served together, client#2 first.
inline void two_rounds(ClientTraceBuilder& b) {
  b.cue(0, "blocking-server");
  b.call(1 * kMs, "client#1", Call::Socket, 3);                           // not waiting before its connect
  b.note(2 * kMs, "lesson", "checkpoint:{\"id\":\"blocking-connect\"}");  // a question, not a round
  b.call(10 * kMs, "client#2", Call::Connect, 0, 3, 40002);
  b.call(11 * kMs, "client#1", Call::Connect, 0, 3, 40001);
  b.cue(12 * kMs, "blocking-all-connected");  // a cue, but no round
  b.call(20 * kMs, "server", Call::Accept, 5);
  b.call(50 * kMs, "client#1", Call::Recv, 100);
  b.call(55 * kMs, "server", Call::Close, 0, 5);
  b.call(60 * kMs, "client#1", Call::Recv, 0);
  b.call(61 * kMs, "client#1", Call::Close);
  b.call(65 * kMs, "server", Call::Accept, 5);
  b.call(80 * kMs, "client#2", Call::Recv, 100);
  b.call(85 * kMs, "server", Call::Close, 0, 5);
  b.call(90 * kMs, "client#2", Call::Recv, 0);
  b.call(91 * kMs, "client#2", Call::Close);
  b.note(92 * kMs, "server", "blocking: first byte after ...");  // a measured note: not a cue
  b.cue(100 * kMs, "evented-server");
  b.call(110 * kMs, "client#1", Call::Connect, 0, 3, 40001);
  b.call(111 * kMs, "client#2", Call::Connect, 0, 3, 40002);
  b.call(112 * kMs, "server", Call::Accept, 6);
  b.call(113 * kMs, "server", Call::Accept, 7);  // both open at once
  b.call(125 * kMs, "client#2", Call::Recv, 100);
  b.call(126 * kMs, "client#2", Call::Recv, 0);
  b.call(127 * kMs, "client#2", Call::Close);
  b.call(130 * kMs, "client#1", Call::Recv, 100);
  b.call(131 * kMs, "client#1", Call::Recv, 0);
  b.call(132 * kMs, "client#1", Call::Close);
  b.call(133 * kMs, "server", Call::Close, 0, 6);
  b.call(134 * kMs, "server", Call::Close, 0, 7);
  b.cue(140 * kMs, "done");
}

// Round "threaded": client#1 still waiting, client#2 refused, client#3 reset after waiting.
inline void waiting_and_refused(ClientTraceBuilder& b) {
  b.cue(0, "threaded-server");
  b.call(10 * kMs, "client#1", Call::Connect, 0);
  b.call(11 * kMs, "client#2", Call::Connect, -1);  // ECONNREFUSED
  b.call(12 * kMs, "client#2", Call::Close);
  b.call(30 * kMs, "client#3", Call::Connect, 0);
  b.call(40 * kMs, "client#3", Call::Recv, -1);  // reset after waiting
  b.call(50 * kMs, "server", Call::Accept, 4);
}

}  // namespace wirestep::testing
