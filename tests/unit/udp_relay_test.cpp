// UdpRelay on loopback: seeded loss, duplicates and reordering really happen to real datagrams,
// the same seed gives the same delivered set, replies find their way back, and it stops promptly.
#include "wire/udp_relay.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "net/fd.h"
#include "support/wait.h"
#include "trace/trace.h"

namespace wirestep {
namespace {

net::Fd udp_socket() {
  net::Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const int size = 1 << 20;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  const net::Endpoint any = net::Endpoint::loopback(AF_INET, 0);
  EXPECT_EQ(::bind(fd.get(), any.sockaddr_ptr(), any.length()), 0);
  return fd;
}

net::Endpoint local_of(const net::Fd& fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&storage), &length);
  return net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&storage), length);
}

// Reads datagrams until none has come for `quiet`.
std::vector<std::string> read_until_quiet(const net::Fd& fd, std::chrono::milliseconds quiet) {
  std::vector<std::string> out;
  char buffer[2048];
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) return out;
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n >= 0) out.emplace_back(buffer, static_cast<std::size_t>(n));
  }
}

struct Outcome {
  std::vector<std::string> delivered;  // in arrival order
  wire::UdpRelayStats stats;
};

// Sends `count` numbered datagrams through a relay with this impairment. The sender waits for
// the relay to have read each burst, so no datagram is lost to a full socket buffer: every
// loss is the relay's.
Outcome send_through(trace::Trace& trace, std::uint64_t seed, const wire::LinkImpairment& link, int count) {
  net::Fd receiver = udp_socket();
  net::Fd sender = udp_socket();
  auto policy = std::make_shared<wire::ImpairmentPolicy>(seed, link);
  wire::UdpRelay relay(trace, policy, local_of(receiver));
  Outcome outcome;
  for (int i = 0; i < count; ++i) {
    const std::string text = std::to_string(i);
    EXPECT_EQ(
        ::sendto(sender.get(), text.data(), text.size(), 0, relay.endpoint().sockaddr_ptr(), relay.endpoint().length()),
        static_cast<ssize_t>(text.size()));
    if (i % 50 == 49) {
      EXPECT_TRUE(testing::wait_until([&] { return relay.stats().received == static_cast<std::uint64_t>(i + 1); }));
      auto more = read_until_quiet(receiver, std::chrono::milliseconds(0));
      outcome.delivered.insert(outcome.delivered.end(), more.begin(), more.end());
    }
  }
  EXPECT_TRUE(testing::wait_until([&] { return relay.stats().received == static_cast<std::uint64_t>(count); }));
  auto rest = read_until_quiet(receiver, std::chrono::milliseconds(200));
  outcome.delivered.insert(outcome.delivered.end(), rest.begin(), rest.end());
  outcome.stats = relay.stats();
  return outcome;
}

std::vector<const trace::Event*> relay_events(const trace::Trace& trace, trace::Verdict verdict) {
  std::vector<const trace::Event*> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind == trace::EventKind::Impairment && trace.lane_name(e.lane) == "relay" && e.verdict == verdict) {
      out.push_back(&e);
    }
  }
  return out;
}

TEST(UdpRelay, ThirtyPercentLossDeliversAboutSeventyPercentAndSaysWhy) {
  trace::Trace trace;
  wire::LinkImpairment link;
  link.loss_percent = 30;
  const Outcome outcome = send_through(trace, 7, link, 1000);
  EXPECT_GE(outcome.delivered.size(), 650u);
  EXPECT_LE(outcome.delivered.size(), 750u);
  EXPECT_EQ(outcome.stats.received, 1000u);
  EXPECT_EQ(outcome.stats.dropped + outcome.delivered.size(), 1000u) << "every loss is one the relay decided";
  const auto dropped = relay_events(trace, trace::Verdict::Dropped);
  ASSERT_EQ(dropped.size(), outcome.stats.dropped);
  EXPECT_EQ(dropped[0]->payload.text(), "dropped by the relay: loss 30 %, seed 7");
  EXPECT_EQ(trace.lane_name(dropped[0]->from), "client");
  EXPECT_EQ(trace.lane_name(dropped[0]->to), "server");
  EXPECT_EQ(relay_events(trace, trace::Verdict::Delivered).size(), outcome.delivered.size())
      << "every decision is in the trace, deliveries too";
}

TEST(UdpRelay, TheSameSeedDeliversTheSameDatagrams) {
  wire::LinkImpairment link;
  link.loss_percent = 30;
  link.duplicate_percent = 5;
  trace::Trace first_trace;
  trace::Trace second_trace;
  trace::Trace other_trace;
  auto first = send_through(first_trace, 42, link, 300).delivered;
  auto second = send_through(second_trace, 42, link, 300).delivered;
  auto other = send_through(other_trace, 43, link, 300).delivered;
  std::sort(first.begin(), first.end());
  std::sort(second.begin(), second.end());
  std::sort(other.begin(), other.end());
  EXPECT_EQ(first, second);
  EXPECT_NE(first, other) << "another seed loses other datagrams";
}

TEST(UdpRelay, DuplicatesAndReordersReallyHappen) {
  trace::Trace trace;
  wire::LinkImpairment link;
  link.duplicate_percent = 10;
  link.reorder_percent = 10;
  link.reorder_hold_ns = 5'000'000;
  const Outcome outcome = send_through(trace, 7, link, 300);
  ASSERT_GT(outcome.stats.duplicated, 0u);
  ASSERT_GT(outcome.stats.reordered, 0u);
  EXPECT_EQ(outcome.delivered.size(), 300u + outcome.stats.duplicated);
  std::size_t late = 0;
  int highest = -1;
  std::vector<int> seen(300, 0);
  for (const auto& text : outcome.delivered) {
    const int n = std::stoi(text);
    ++seen[n];
    if (n < highest && seen[n] == 1) ++late;
    highest = std::max(highest, n);
  }
  std::size_t copies = 0;
  for (int times : seen) copies += times > 1 ? times - 1 : 0;
  EXPECT_EQ(copies, outcome.stats.duplicated);
  EXPECT_GT(late, 0u) << "a held-back datagram arrived after a later one";
  EXPECT_EQ(relay_events(trace, trace::Verdict::Duplicated).size(), outcome.stats.duplicated);
  const auto delayed = relay_events(trace, trace::Verdict::Delayed);
  ASSERT_FALSE(delayed.empty());
  EXPECT_NE(delayed[0]->payload.text().find("delayed by the relay: reorder: held back 5 ms"), std::string_view::npos)
      << delayed[0]->payload.text();
}

TEST(UdpRelay, RepliesGoBackToTheSenderThroughTheOtherDirection) {
  trace::Trace trace;
  net::Fd server = udp_socket();
  net::Fd client = udp_socket();
  wire::LinkImpairment link;
  auto policy = std::make_shared<wire::ImpairmentPolicy>(7, link);
  wire::UdpRelay relay(trace, policy, local_of(server));
  ASSERT_EQ(::sendto(client.get(), "ping", 4, 0, relay.endpoint().sockaddr_ptr(), relay.endpoint().length()), 4);
  char buffer[64];
  sockaddr_storage from{};
  socklen_t length = sizeof from;
  ASSERT_EQ(::recvfrom(server.get(), buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length), 4);
  EXPECT_EQ(net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from), length).to_string(),
            relay.back_endpoint().to_string())
      << "the receiver sees the relay, not the sender";
  ASSERT_EQ(::sendto(server.get(), "pong", 4, 0, reinterpret_cast<sockaddr*>(&from), length), 4);
  ASSERT_EQ(::recv(client.get(), buffer, sizeof buffer, 0), 4);
  EXPECT_EQ(std::string(buffer, 4), "pong");
  const auto passed = relay_events(trace, trace::Verdict::Delivered);
  ASSERT_EQ(passed.size(), 2u);
  EXPECT_EQ(trace.lane_name(passed[1]->from), "server");
  EXPECT_EQ(passed[1]->payload.text(), "passed by the relay");
}

TEST(UdpRelay, StopsPromptlyWithDatagramsStillWaiting) {
  trace::Trace trace;
  net::Fd server = udp_socket();
  net::Fd client = udp_socket();
  wire::LinkImpairment link;
  link.delay_ns = 3'600'000'000'000;  // an hour: nothing would leave before the test ends
  auto policy = std::make_shared<wire::ImpairmentPolicy>(7, link);
  auto relay = std::make_unique<wire::UdpRelay>(trace, policy, local_of(server));
  ASSERT_EQ(::sendto(client.get(), "late", 4, 0, relay->endpoint().sockaddr_ptr(), relay->endpoint().length()), 4);
  ASSERT_TRUE(testing::wait_until([&] { return relay->stats().received == 1; }));
  const auto start = std::chrono::steady_clock::now();
  relay.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace wirestep
