// The RFC 9293 TCP state diagram as boxes and labelled arrows, and each socket's state over a trace.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace wirestep::view {

// RFC 9293 names and order (not Linux's numbering: see tcp_state_from_linux).
enum class TcpState : std::uint8_t {
  Closed, Listen, SynSent, SynReceived, Established, FinWait1, FinWait2, Closing, TimeWait,
  CloseWait, LastAck,
};
inline constexpr std::size_t kTcpStateCount = 11;

std::string_view tcp_state_label(TcpState state);  // "SYN_RECEIVED", "FIN_WAIT_1", ...
// Linux tcpi_state (1 ESTABLISHED ... 7 CLOSE ... 11 CLOSING); nullopt for 0 and unknown values.
std::optional<TcpState> tcp_state_from_linux(std::uint8_t tcpi_state);

struct DiagramPoint {
  float x = 0;
  float y = 0;
};

// Box centres and sizes in diagram units; the panel scales the whole diagram to fit.
struct DiagramBox {
  TcpState state = TcpState::Closed;
  DiagramPoint center;
  float width = 0;
  float height = 0;
};

struct DiagramArrow {
  TcpState from = TcpState::Closed;
  TcpState to = TcpState::Closed;
  std::string_view label;            // what triggers it / what TCP sends: "rcv SYN / snd SYN,ACK"
  std::vector<DiagramPoint> points;  // polyline from the edge of `from` to the edge of `to`
  DiagramPoint label_at;             // where the label's centre goes
};

struct TcpDiagramLayout {
  float width = 0;
  float height = 0;
  std::array<DiagramBox, kTcpStateCount> boxes;  // indexed by TcpState
  std::vector<DiagramArrow> arrows;

  const DiagramBox& box(TcpState state) const { return boxes[static_cast<std::size_t>(state)]; }
  // The arrow for a transition, or nullptr when the diagram has none (Linux may skip states).
  const DiagramArrow* arrow(TcpState from, TcpState to) const;
};

// The fixed layout (computed once; cheap to copy).
const TcpDiagramLayout& tcp_diagram_layout();

// One TCP socket as the trace saw it, up to some event.
struct SocketStateTrack {
  trace::LaneId lane = trace::kNoLane;
  std::int32_t fd = -1;
  trace::Address local;
  std::optional<TcpState> state;          // last known state
  std::optional<TcpState> previous;       // the state before it, for drawing the last arrow
  std::vector<TcpState> history;          // every state seen, in order
  std::size_t last_change = 0;            // trace index of the last change
  bool closed_by_app = false;             // close() was called on the fd
  bool inferred = false;  // `state` follows from close(), not from a TCP_INFO snapshot
};

// Every TCP socket's state after events [0, end). Sockets appear in the order they were
// created; an fd number reused after close() starts a new socket. After close() the kernel
// keeps going (FIN_WAIT_1, LAST_ACK, ...) but the socket layer can no longer ask it, so the
// state it must be in next is filled in and marked inferred.
std::vector<SocketStateTrack> socket_states_at(const trace::Trace& trace, std::size_t end);

}  // namespace wirestep::view
