// TCP state diagram: a readable layout, and each socket's state at any point of a trace.
#include "view/tcp_state_diagram.h"

#include <gtest/gtest.h>

namespace wirestep::view {
namespace {

bool overlaps(const DiagramBox& a, const DiagramBox& b) {
  return std::abs(a.center.x - b.center.x) < (a.width + b.width) / 2 &&
         std::abs(a.center.y - b.center.y) < (a.height + b.height) / 2;
}

bool on_edge(const DiagramBox& box, DiagramPoint p) {
  const float dx = std::abs(p.x - box.center.x);
  const float dy = std::abs(p.y - box.center.y);
  const bool inside = dx <= box.width / 2 + 0.5f && dy <= box.height / 2 + 0.5f;
  const bool edge = std::abs(dx - box.width / 2) < 0.5f || std::abs(dy - box.height / 2) < 0.5f;
  return inside && edge;
}

TEST(TcpStateDiagram, LinuxNumbersMapToRfcStates) {
  EXPECT_EQ(tcp_state_from_linux(1), TcpState::Established);
  EXPECT_EQ(tcp_state_from_linux(2), TcpState::SynSent);
  EXPECT_EQ(tcp_state_from_linux(3), TcpState::SynReceived);
  EXPECT_EQ(tcp_state_from_linux(7), TcpState::Closed);
  EXPECT_EQ(tcp_state_from_linux(10), TcpState::Listen);
  EXPECT_EQ(tcp_state_from_linux(11), TcpState::Closing);
  EXPECT_EQ(tcp_state_from_linux(0), std::nullopt);
  EXPECT_EQ(tcp_state_from_linux(12), std::nullopt);
  EXPECT_EQ(tcp_state_label(TcpState::SynReceived), "SYN_RECEIVED");
  EXPECT_EQ(tcp_state_label(TcpState::FinWait1), "FIN_WAIT_1");
}

TEST(TcpStateDiagram, EveryStateHasItsOwnBoxInsideTheDiagram) {
  const TcpDiagramLayout& layout = tcp_diagram_layout();
  for (std::size_t i = 0; i < kTcpStateCount; ++i) {
    const DiagramBox& box = layout.boxes[i];
    EXPECT_EQ(static_cast<std::size_t>(box.state), i);
    EXPECT_GE(box.center.x - box.width / 2, 0);
    EXPECT_LE(box.center.x + box.width / 2, layout.width);
    EXPECT_GE(box.center.y - box.height / 2, 0);
    EXPECT_LE(box.center.y + box.height / 2, layout.height);
    for (std::size_t j = i + 1; j < kTcpStateCount; ++j) {
      EXPECT_FALSE(overlaps(box, layout.boxes[j])) << i << " " << j;
    }
  }
}

TEST(TcpStateDiagram, ArrowsRunFromEdgeToEdgeWithLabels) {
  const TcpDiagramLayout& layout = tcp_diagram_layout();
  EXPECT_GE(layout.arrows.size(), 19u);
  for (const DiagramArrow& arrow : layout.arrows) {
    ASSERT_GE(arrow.points.size(), 2u);
    EXPECT_FALSE(arrow.label.empty());
    EXPECT_TRUE(on_edge(layout.box(arrow.from), arrow.points.front())) << arrow.label;
    EXPECT_TRUE(on_edge(layout.box(arrow.to), arrow.points.back())) << arrow.label;
    EXPECT_GE(arrow.label_at.x, 0);
    EXPECT_LE(arrow.label_at.x, layout.width);
  }
  // The transitions the lessons show must be drawable.
  EXPECT_NE(layout.arrow(TcpState::SynSent, TcpState::Established), nullptr);
  EXPECT_NE(layout.arrow(TcpState::Established, TcpState::CloseWait), nullptr);
  EXPECT_NE(layout.arrow(TcpState::TimeWait, TcpState::Closed), nullptr);
  EXPECT_EQ(layout.arrow(TcpState::Closed, TcpState::Established), nullptr);
}

trace::Event state_event(trace::LaneId lane, int fd, std::uint8_t from, std::uint8_t to) {
  trace::Event e;
  e.kind = trace::EventKind::TcpState;
  e.transport = trace::Transport::Tcp;
  e.lane = lane;
  e.fd = fd;
  e.old_state = from;
  e.new_state = to;
  return e;
}

trace::Event close_event(trace::LaneId lane, int fd) {
  trace::Event e;
  e.kind = trace::EventKind::SocketCall;
  e.call = trace::Call::Close;
  e.lane = lane;
  e.fd = fd;
  return e;
}

TEST(TcpStateDiagram, StateAtIndexFollowsTransitionsInOrder) {
  trace::Trace t;
  const auto client = t.lane("client");
  const auto server = t.lane("server");
  t.append(state_event(server, 4, 0, 7));   // 0 new -> CLOSE
  t.append(state_event(server, 4, 7, 10));  // 1 CLOSE -> LISTEN
  t.append(state_event(client, 5, 0, 7));   // 2
  t.append(state_event(client, 5, 7, 2));   // 3 CLOSE -> SYN_SENT
  t.append(state_event(client, 5, 2, 1));   // 4 SYN_SENT -> ESTABLISHED
  t.append(state_event(server, 6, 0, 1));   // 5 accepted: ESTABLISHED
  t.append(state_event(client, 5, 1, 8));   // 6 ESTABLISHED -> CLOSE_WAIT

  auto at = socket_states_at(t, 4);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(at[0].state, TcpState::Listen);
  EXPECT_EQ(at[1].fd, 5);
  EXPECT_EQ(at[1].state, TcpState::SynSent);
  EXPECT_EQ(at[1].previous, TcpState::Closed);

  at = socket_states_at(t, 5);
  EXPECT_EQ(at[1].state, TcpState::Established);
  EXPECT_EQ(at[1].previous, TcpState::SynSent);
  EXPECT_EQ(at[1].last_change, 4u);
  EXPECT_EQ(at[1].history,
            (std::vector<TcpState>{TcpState::Closed, TcpState::SynSent, TcpState::Established}));

  at = socket_states_at(t, t.size());
  ASSERT_EQ(at.size(), 3u);
  EXPECT_EQ(at[1].state, TcpState::CloseWait);
  EXPECT_EQ(at[2].lane, server);
  EXPECT_EQ(at[2].state, TcpState::Established);
  EXPECT_FALSE(at[2].previous.has_value());
}

TEST(TcpStateDiagram, CloseInfersTheNextStateAndFdReuseStartsANewSocket) {
  trace::Trace t;
  const auto client = t.lane("client");
  t.append(state_event(client, 5, 0, 1));  // ESTABLISHED
  t.append(state_event(client, 5, 1, 8));  // CLOSE_WAIT
  t.append(close_event(client, 5));
  t.append(state_event(client, 5, 0, 7));  // a new socket got fd 5 again

  auto at = socket_states_at(t, 3);
  ASSERT_EQ(at.size(), 1u);
  EXPECT_EQ(at[0].state, TcpState::LastAck);
  EXPECT_TRUE(at[0].inferred);
  EXPECT_TRUE(at[0].closed_by_app);

  at = socket_states_at(t, 4);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(at[1].state, TcpState::Closed);
  EXPECT_FALSE(at[1].inferred);
}

}  // namespace
}  // namespace wirestep::view
