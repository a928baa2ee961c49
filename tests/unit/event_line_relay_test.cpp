// The CLI's live timeline prints the user-space relay's verdicts with both sides and the reason,
// and the wire's as before; a real relay's events read the same way.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <memory>

#include "cli/event_line.h"
#include "net/fd.h"
#include "support/wait.h"
#include "trace/trace.h"
#include "wire/udp_relay.h"

namespace wirestep::cli {
namespace {

TEST(EventLineRelay, ARelayVerdictNamesBothSidesTheSizeAndWhy) {
  trace::Trace trace;
  trace::Event e;
  e.kind = trace::EventKind::Impairment;
  e.lane = trace.lane("relay");
  e.from = trace.lane("client");
  e.to = trace.lane("server");
  e.verdict = trace::Verdict::Dropped;
  e.requested = 40;
  trace.append(e, "dropped by the relay: loss 30 %, seed 7");
  EXPECT_EQ(event_summary(trace, trace[0]), "client -> server  40 B  dropped by the relay: loss 30 %, seed 7");
  EXPECT_NE(event_line(trace, trace[0]).find("relay     client -> server"), std::string::npos)
      << event_line(trace, trace[0]);
}

TEST(EventLineRelay, TheWiresVerdictsReadAsBefore) {
  trace::Trace trace;
  trace::Event e;
  e.kind = trace::EventKind::Impairment;
  e.lane = trace.lane("wire");
  e.verdict = trace::Verdict::Dropped;
  e.link = 12;
  trace.append(e, "loss 30 %, seed 7");
  EXPECT_EQ(event_summary(trace, trace[0]), "wire dropped event #12: loss 30 %, seed 7");
}

TEST(EventLineRelay, ARealRelaysDropPrintsReadably) {
  trace::Trace trace;
  net::Fd server(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const net::Endpoint any = net::Endpoint::loopback(AF_INET, 0);
  ASSERT_EQ(::bind(server.get(), any.sockaddr_ptr(), any.length()), 0);
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  ::getsockname(server.get(), reinterpret_cast<sockaddr*>(&storage), &length);
  wire::LinkImpairment link;
  link.loss_percent = 100;
  wire::UdpRelay relay(trace, std::make_shared<wire::ImpairmentPolicy>(3, link),
                       net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&storage), length));
  net::Fd client(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::sendto(client.get(), "hello", 5, 0, relay.endpoint().sockaddr_ptr(), relay.endpoint().length()), 5);
  ASSERT_TRUE(testing::wait_until([&] { return relay.stats().dropped == 1; }));
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(event_summary(trace, trace[0]), "client -> server  5 B  dropped by the relay: loss 100 %, seed 3");
}

}  // namespace
}  // namespace wirestep::cli
