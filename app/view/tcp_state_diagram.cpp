// TCP state diagram layout (RFC 9293 figure 5, one CLOSED box) and per-socket state tracking.
#include "view/tcp_state_diagram.h"

#include <algorithm>
#include <cmath>

namespace wirestep::view {
namespace {

constexpr std::string_view kLabels[kTcpStateCount] = {
    "CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
    "FIN_WAIT_2",  "CLOSING",    "TIME_WAIT",  "CLOSE_WAIT",   "LAST_ACK"};

constexpr float kBoxWidth = 150;
constexpr float kBoxHeight = 36;
constexpr float kColumn[3] = {170, 460, 750};
constexpr float kRow[6] = {34, 120, 206, 292, 378, 464};
constexpr float kLeftRoute = 22;
constexpr float kRightRoute = 905;
constexpr float kBottomRoute = 504;

struct Place {
  TcpState state;
  int column;
  int row;
};
constexpr Place kPlaces[kTcpStateCount] = {
    {TcpState::Closed, 1, 0},      {TcpState::Listen, 1, 1},     {TcpState::SynSent, 2, 2},
    {TcpState::SynReceived, 0, 2}, {TcpState::Established, 1, 3}, {TcpState::FinWait1, 0, 4},
    {TcpState::FinWait2, 0, 5},    {TcpState::Closing, 1, 4},     {TcpState::TimeWait, 1, 5},
    {TcpState::CloseWait, 2, 4},   {TcpState::LastAck, 2, 5}};

// Where the ray from the box centre towards `toward` leaves the box.
DiagramPoint box_exit(const DiagramBox& box, DiagramPoint from, DiagramPoint toward) {
  const float dx = toward.x - from.x;
  const float dy = toward.y - from.y;
  const float tx = dx == 0 ? 1e9f : (box.width / 2) / std::abs(dx);
  const float ty = dy == 0 ? 1e9f : (box.height / 2) / std::abs(dy);
  const float t = std::min(tx, ty);
  return {from.x + dx * t, from.y + dy * t};
}

DiagramArrow straight(const TcpDiagramLayout& layout, TcpState from, TcpState to,
                      std::string_view label, float shift, DiagramPoint label_nudge) {
  const DiagramBox& a = layout.box(from);
  const DiagramBox& b = layout.box(to);
  const float dx = b.center.x - a.center.x;
  const float dy = b.center.y - a.center.y;
  const float length = std::sqrt(dx * dx + dy * dy);
  // A pair of opposite arrows is drawn side by side: shift both off the centre line.
  const DiagramPoint normal{-dy / length * shift, dx / length * shift};
  const DiagramPoint ca{a.center.x + normal.x, a.center.y + normal.y};
  const DiagramPoint cb{b.center.x + normal.x, b.center.y + normal.y};
  DiagramArrow arrow;
  arrow.from = from;
  arrow.to = to;
  arrow.label = label;
  arrow.points = {box_exit(a, ca, cb), box_exit(b, cb, ca)};
  const DiagramPoint mid{(arrow.points[0].x + arrow.points[1].x) / 2,
                         (arrow.points[0].y + arrow.points[1].y) / 2};
  arrow.label_at = {mid.x + label_nudge.x, mid.y + label_nudge.y};
  return arrow;
}

DiagramArrow routed(TcpState from, TcpState to, std::string_view label,
                    std::vector<DiagramPoint> points, DiagramPoint label_at) {
  DiagramArrow arrow;
  arrow.from = from;
  arrow.to = to;
  arrow.label = label;
  arrow.points = std::move(points);
  arrow.label_at = label_at;
  return arrow;
}

TcpDiagramLayout build_layout() {
  using S = TcpState;
  TcpDiagramLayout layout;
  layout.width = 920;
  layout.height = 520;
  for (const Place& place : kPlaces) {
    DiagramBox& box = layout.boxes[static_cast<std::size_t>(place.state)];
    box.state = place.state;
    box.center = {kColumn[place.column], kRow[place.row]};
    box.width = kBoxWidth;
    box.height = kBoxHeight;
  }
  const auto top = [&](S s) { return layout.box(s).center.y - kBoxHeight / 2; };
  const auto bottom = [&](S s) { return layout.box(s).center.y + kBoxHeight / 2; };
  const auto left = [&](S s) { return layout.box(s).center.x - kBoxWidth / 2; };
  const auto right = [&](S s) { return layout.box(s).center.x + kBoxWidth / 2; };
  const auto cx = [&](S s) { return layout.box(s).center.x; };
  const auto cy = [&](S s) { return layout.box(s).center.y; };

  auto& a = layout.arrows;
  // Opening.
  a.push_back(straight(layout, S::Closed, S::Listen, "passive open", 22, {-52, 0}));
  a.push_back(straight(layout, S::Listen, S::Closed, "close", 22, {26, 0}));
  a.push_back(routed(S::Closed, S::SynSent, "active open / snd SYN",
                     {{right(S::Closed), cy(S::Closed) - 8},
                      {cx(S::SynSent) + 30, cy(S::Closed) - 8},
                      {cx(S::SynSent) + 30, top(S::SynSent)}},
                     {cx(S::SynSent) - 50, cy(S::Closed) - 22}));
  a.push_back(straight(layout, S::SynSent, S::Closed, "close", 0, {40, -6}));
  a.push_back(straight(layout, S::Listen, S::SynReceived, "rcv SYN / snd SYN,ACK", 0, {-62, -14}));
  a.push_back(straight(layout, S::Listen, S::SynSent, "send / snd SYN", 0, {-20, 16}));
  a.push_back(straight(layout, S::SynSent, S::SynReceived, "rcv SYN / snd ACK", 0, {0, -10}));
  a.push_back(straight(layout, S::SynReceived, S::Established, "rcv ACK of SYN", 0, {-62, 8}));
  a.push_back(straight(layout, S::SynSent, S::Established, "rcv SYN,ACK / snd ACK", 0, {78, 8}));
  // Closing.
  a.push_back(straight(layout, S::SynReceived, S::FinWait1, "close / snd FIN", 0, {-52, 0}));
  a.push_back(straight(layout, S::Established, S::FinWait1, "close / snd FIN", 0, {-40, -14}));
  a.push_back(straight(layout, S::Established, S::CloseWait, "rcv FIN / snd ACK", 0, {50, -14}));
  a.push_back(straight(layout, S::FinWait1, S::FinWait2, "rcv ACK of FIN", 0, {-56, 0}));
  a.push_back(straight(layout, S::FinWait1, S::Closing, "rcv FIN / snd ACK", 0, {0, -12}));
  a.push_back(straight(layout, S::FinWait2, S::TimeWait, "rcv FIN / snd ACK", 0, {0, -12}));
  a.push_back(straight(layout, S::Closing, S::TimeWait, "rcv ACK of FIN", 0, {56, 0}));
  a.push_back(straight(layout, S::CloseWait, S::LastAck, "close / snd FIN", 0, {56, 0}));
  a.push_back(routed(S::TimeWait, S::Closed, "timeout 2 MSL",
                     {{cx(S::TimeWait), bottom(S::TimeWait)},
                      {cx(S::TimeWait), kBottomRoute},
                      {kLeftRoute, kBottomRoute},
                      {kLeftRoute, cy(S::Closed)},
                      {left(S::Closed), cy(S::Closed)}},
                     {cx(S::TimeWait) - 120, kBottomRoute - 10}));
  a.push_back(routed(S::LastAck, S::Closed, "rcv ACK of FIN",
                     {{right(S::LastAck), cy(S::LastAck)},
                      {kRightRoute, cy(S::LastAck)},
                      {kRightRoute, cy(S::Closed) + 8},
                      {right(S::Closed), cy(S::Closed) + 8}},
                     {kRightRoute - 62, (cy(S::SynSent) + cy(S::Established)) / 2 + 14}));
  return layout;
}

}  // namespace

std::string_view tcp_state_label(TcpState state) {
  const auto index = static_cast<std::size_t>(state);
  return index < kTcpStateCount ? kLabels[index] : std::string_view{"?"};
}

std::optional<TcpState> tcp_state_from_linux(std::uint8_t tcpi_state) {
  switch (tcpi_state) {
    case 1: return TcpState::Established;
    case 2: return TcpState::SynSent;
    case 3: return TcpState::SynReceived;
    case 4: return TcpState::FinWait1;
    case 5: return TcpState::FinWait2;
    case 6: return TcpState::TimeWait;
    case 7: return TcpState::Closed;
    case 8: return TcpState::CloseWait;
    case 9: return TcpState::LastAck;
    case 10: return TcpState::Listen;
    case 11: return TcpState::Closing;
    default: return std::nullopt;
  }
}

const DiagramArrow* TcpDiagramLayout::arrow(TcpState from, TcpState to) const {
  for (const DiagramArrow& a : arrows) {
    if (a.from == from && a.to == to) return &a;
  }
  return nullptr;
}

const TcpDiagramLayout& tcp_diagram_layout() {
  static const TcpDiagramLayout layout = build_layout();
  return layout;
}

std::vector<SocketStateTrack> socket_states_at(const trace::Trace& trace, std::size_t end) {
  std::vector<SocketStateTrack> tracks;
  end = std::min(end, trace.size());
  auto open_track = [&](trace::LaneId lane, std::int32_t fd) -> SocketStateTrack* {
    for (auto it = tracks.rbegin(); it != tracks.rend(); ++it) {
      if (it->lane == lane && it->fd == fd && !it->closed_by_app) return &*it;
    }
    return nullptr;
  };
  auto move_to = [](SocketStateTrack& track, TcpState next, std::size_t index) {
    track.previous = track.state;
    track.state = next;
    track.history.push_back(next);
    track.last_change = index;
  };

  for (std::size_t i = 0; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (e.kind == trace::EventKind::TcpState) {
      const auto next = tcp_state_from_linux(e.new_state);
      if (!next) continue;
      SocketStateTrack* track = e.old_state == 0 ? nullptr : open_track(e.lane, e.fd);
      if (track == nullptr) {
        tracks.push_back({});
        track = &tracks.back();
        track->lane = e.lane;
        track->fd = e.fd;
      }
      if (!e.local.empty()) track->local = e.local;
      track->inferred = false;
      move_to(*track, *next, i);
    } else if (e.kind == trace::EventKind::SocketCall && e.call == trace::Call::Close) {
      SocketStateTrack* track = open_track(e.lane, e.fd);
      if (track == nullptr) continue;
      track->closed_by_app = true;
      // What RFC 9293 says the kernel does on CLOSE from each state.
      std::optional<TcpState> next;
      switch (track->state.value_or(TcpState::Closed)) {
        case TcpState::Listen:
        case TcpState::SynSent: next = TcpState::Closed; break;
        case TcpState::SynReceived:
        case TcpState::Established: next = TcpState::FinWait1; break;
        case TcpState::CloseWait: next = TcpState::LastAck; break;
        default: break;
      }
      if (next) {
        move_to(*track, *next, i);
        track->inferred = true;
      }
    }
  }
  return tracks;
}

}  // namespace wirestep::view
