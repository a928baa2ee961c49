// The catalogue: add a new lesson here, after the lessons it builds on.
#include "catalog.h"

#include "blocking_vs_event_loop.h"
#include "connection_refused_and_lost_syn.h"
#include "http_frame_by_frame.h"
#include "http_from_sockets.h"
#include "http_is_text.h"
#include "reliability_on_udp.h"
#include "tcp_handshake.h"
#include "tcp_under_loss.h"
#include "tcp_vs_udp_side_by_side.h"
#include "tcp_vs_udp_hello.h"
#include "udp_fire_and_forget.h"

namespace wirestep::lessons {

lesson::Catalog make_catalog() {
  lesson::Catalog catalog;
  catalog.add(std::make_unique<HttpIsText>());
  catalog.add(std::make_unique<TcpVsUdpHello>());
  catalog.add(std::make_unique<TcpHandshake>());
  catalog.add(std::make_unique<ConnectionRefusedAndLostSyn>());
  catalog.add(std::make_unique<HttpFromSockets>());
  catalog.add(std::make_unique<HttpFrameByFrame>());
  catalog.add(std::make_unique<BlockingVsEventLoop>());
  catalog.add(std::make_unique<UdpFireAndForget>());
  catalog.add(std::make_unique<TcpUnderLoss>());
  catalog.add(std::make_unique<TcpVsUdpSideBySide>());
  catalog.add(std::make_unique<ReliabilityOnUdp>());
  return catalog;
}

}  // namespace wirestep::lessons
