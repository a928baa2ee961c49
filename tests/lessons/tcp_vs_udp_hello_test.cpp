// Lesson tcp-vs-udp-hello, run headless: TCP merges two sends, UDP keeps two datagrams.
#include <gtest/gtest.h>

#include "support/lesson_runner.h"
#include "support/trace_queries.h"

namespace wirestep {
namespace {

using trace::Call;
using trace::Transport;

std::vector<const trace::Event*> filter(const std::vector<const trace::Event*>& events, Call call,
                                        Transport transport) {
  std::vector<const trace::Event*> out;
  for (const auto* e : events) {
    if (e->call == call && e->transport == transport) out.push_back(e);
  }
  return out;
}

TEST(TcpVsUdpHelloLesson, TwoTcpSendsArriveInOneRecv) {
  const auto run = testing::run_to_end("tcp-vs-udp-hello");
  const auto& trace = *run->trace();
  const auto client = testing::calls_of(trace, "client");
  const auto server = testing::calls_of(trace, "server");

  const auto connects = filter(client, Call::Connect, Transport::Tcp);
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_EQ(connects[0]->result, 0);
  EXPECT_EQ(filter(server, Call::Accept, Transport::Tcp).size(), 1u);

  const auto sends = filter(client, Call::Send, Transport::Tcp);
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(sends[0]->payload.text(), "hello ");
  EXPECT_EQ(sends[1]->payload.text(), "world");

  const auto recvs = filter(server, Call::Recv, Transport::Tcp);
  ASSERT_EQ(recvs.size(), 2u);
  EXPECT_EQ(recvs[0]->payload.text(), "hello world");  // no boundary between the sends
  EXPECT_EQ(recvs[1]->result, 0);                      // then the end of the stream
}

TEST(TcpVsUdpHelloLesson, UdpNeedsNoConnectionAndKeepsDatagramsWhole) {
  const auto run = testing::run_to_end("tcp-vs-udp-hello");
  const auto& trace = *run->trace();
  const auto client = testing::calls_of(trace, "client");
  const auto server = testing::calls_of(trace, "server");

  EXPECT_TRUE(filter(client, Call::Connect, Transport::Udp).empty());
  EXPECT_TRUE(filter(server, Call::Listen, Transport::Udp).empty());
  EXPECT_TRUE(filter(server, Call::Accept, Transport::Udp).empty());

  const auto recvs = filter(server, Call::RecvFrom, Transport::Udp);
  ASSERT_EQ(recvs.size(), 2u);
  EXPECT_EQ(recvs[0]->payload.text(), "hello ");
  EXPECT_EQ(recvs[0]->requested, 4096u);  // room for far more, still only one datagram
  EXPECT_EQ(recvs[1]->payload.text(), "world");

  const auto sendtos = filter(client, Call::SendTo, Transport::Udp);
  ASSERT_EQ(sendtos.size(), 3u);
  // The last datagram went to a port nobody listens on, and sendto still said "sent".
  EXPECT_EQ(sendtos[2]->payload.text(), "anyone?");
  EXPECT_EQ(sendtos[2]->result, 7);
  EXPECT_EQ(sendtos[2]->err, 0);
  EXPECT_NE(sendtos[2]->peer, recvs[0]->local);
}

}  // namespace
}  // namespace wirestep
