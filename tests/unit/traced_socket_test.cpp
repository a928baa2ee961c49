// TracedSocket on loopback: each call is recorded with the right bytes, results and errors.
#include "net/traced_socket.h"

#include <gtest/gtest.h>
#include <netinet/tcp.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "net/cancel_signal.h"
#include "net/sys_error.h"
#include "support/trace_queries.h"
#include "support/wait.h"
#include "trace/trace.h"

namespace wirestep::net {
namespace {

using testing::call_names;
using testing::calls_of;
using trace::Call;

class TracedSocketTest : public ::testing::Test {
 protected:
  Actor actor(std::string_view lane) { return Actor{&trace_, trace_.lane(lane), nullptr, &cancel_}; }

  // A listening TCP socket on 127.0.0.1 with a kernel-chosen port.
  TracedSocket listener(int family = AF_INET) {
    auto socket = TracedSocket::open(actor("server"), Protocol::Tcp, family);
    socket.bind(Endpoint::loopback(family, 0));
    socket.listen();
    return socket;
  }

  // A TCP connection on loopback: the listener, the client's socket and the accepted one.
  struct Connected {
    TracedSocket listener;
    TracedSocket client;
    TracedSocket connection;
  };
  Connected connected() {
    Connected pair{listener(), TracedSocket::open(actor("client"), Protocol::Tcp), {}};
    if (!pair.client.connect(pair.listener.local_endpoint())) throw std::runtime_error("connect on loopback failed");
    pair.connection = pair.listener.accept();
    return pair;
  }

  // Starts `wait` on another thread, cancels the lesson, and says whether the wait ended by
  // throwing Cancelled (rather than hanging, which the test's own timeout would catch).
  bool ends_in_cancel(const std::function<void()>& wait) {
    std::atomic<bool> cancelled{false};
    std::jthread waiting([&] {
      try {
        wait();
      } catch (const Cancelled&) {
        cancelled = true;
      }
    });
    cancel_.cancel();
    waiting.join();
    return cancelled.load();
  }

  trace::Trace trace_;
  CancelSignal cancel_;
};

TEST_F(TracedSocketTest, TcpExchangeRecordsEveryCallWithItsBytes) {
  TracedSocket server_listener = listener();
  const Endpoint address = server_listener.local_endpoint();
  ASSERT_NE(address.port(), 0);

  std::jthread server([&] {
    TracedSocket connection = server_listener.accept();
    std::string got;
    while (got.size() < 5) got += connection.recv(16);
    connection.send_all("pong!");
    connection.close();
  });
  TracedSocket client = TracedSocket::open(actor("client"), Protocol::Tcp);
  ASSERT_TRUE(client.connect(address));
  EXPECT_EQ(client.send("ping!"), 5);
  std::string reply;
  for (std::string chunk; !(chunk = client.recv(16)).empty();) reply += chunk;
  EXPECT_TRUE(client.eof());
  client.close();
  server.join();
  EXPECT_EQ(reply, "pong!");

  const auto client_calls = calls_of(trace_, "client");
  const auto names = call_names(client_calls);
  ASSERT_GE(names.size(), 5u);
  EXPECT_EQ(names.front(), "socket");
  EXPECT_EQ(names[1], "connect");
  EXPECT_EQ(names[2], "send");
  EXPECT_EQ(names.back(), "close");

  const trace::Event& send = *client_calls[2];
  EXPECT_EQ(send.result, 5);
  EXPECT_EQ(send.requested, 5u);
  EXPECT_EQ(send.payload.text(), "ping!");
  EXPECT_EQ(send.peer, address.to_address());
  EXPECT_EQ(send.local, client.local_endpoint().to_address());
  EXPECT_EQ(send.transport, trace::Transport::Tcp);

  // The server side's recv holds the same bytes, on the same flow, at the same stream offset.
  const auto server_calls = calls_of(trace_, "server");
  EXPECT_EQ(testing::payload_of(server_calls, Call::Recv), "ping!");
  const auto* accept = server_calls[3];
  EXPECT_EQ(accept->call, Call::Accept);
  EXPECT_GE(accept->result, 0);
  EXPECT_EQ(accept->peer, client.local_endpoint().to_address());
  EXPECT_EQ(accept->flow, send.flow);
  EXPECT_NE(send.flow, trace::kNoFlow);

  // The end of the stream is a recv that returned 0.
  const trace::Event& last_recv = *client_calls[client_calls.size() - 2];
  EXPECT_EQ(last_recv.call, Call::Recv);
  EXPECT_EQ(last_recv.result, 0);
  EXPECT_EQ(last_recv.stream_offset, 5u);
}

TEST_F(TracedSocketTest, ShortReadsAreVisible) {
  auto [server_listener, client, connection] = connected();
  client.send_all("0123456789");
  EXPECT_EQ(connection.recv(4), "0123");
  std::string rest;
  while (rest.size() < 6) rest += connection.recv(100);
  EXPECT_EQ(rest, "456789");
  const auto recvs = calls_of(trace_, "server");
  const trace::Event* first_recv = nullptr;
  for (const auto* e : recvs) {
    if (e->call == Call::Recv) {
      first_recv = e;
      break;
    }
  }
  ASSERT_NE(first_recv, nullptr);
  EXPECT_EQ(first_recv->requested, 4u);
  EXPECT_EQ(first_recv->result, 4);
}

// A lesson that explains one read waits until everything sent has arrived: the wait ends
// when the bytes are queued (and reads none of them), early when the peer closes short, and
// at once when the lesson is cancelled.
TEST_F(TracedSocketTest, WaitUntilQueuedWaitsForTheBytesWithoutReadingThem) {
  auto [server_listener, client, connection] = connected();
  const std::size_t calls_before = calls_of(trace_, "server").size();
  std::jthread sender([&] {
    client.send_all("hello ");
    client.send_all("world");
  });
  EXPECT_TRUE(connection.wait_until_queued(11));
  EXPECT_EQ(calls_of(trace_, "server").size(), calls_before) << "the wait itself is not a recorded call";
  EXPECT_EQ(connection.recv(4096), "hello world");
  sender.join();

  client.send_all("abc");
  client.close();
  EXPECT_FALSE(connection.wait_until_queued(10)) << "the peer closed with only 3 bytes sent";
  EXPECT_EQ(connection.recv(4096), "abc");
}

TEST_F(TracedSocketTest, CancelEndsAWaitUntilQueued) {
  auto [server_listener, client, connection] = connected();
  client.send_all("x");
  EXPECT_TRUE(ends_in_cancel([&] { connection.wait_until_queued(100); }));
}

TEST_F(TracedSocketTest, PartialSendsAreVisible) {
  auto [server_listener, client, connection] = connected();  // never reads: buffers fill up
  const int small = 4096;
  ::setsockopt(client.fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  ::setsockopt(connection.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  const std::string big(8 << 20, 'x');
  client.set_timeout(std::chrono::milliseconds(0));  // do not wait for room: return what fitted
  const auto sent = client.send(big);
  ASSERT_GT(sent, 0);
  EXPECT_LT(sent, static_cast<std::int64_t>(big.size()));
  const auto client_calls = calls_of(trace_, "client");
  const trace::Event& send = *client_calls.back();
  EXPECT_EQ(send.call, Call::Send);
  EXPECT_EQ(send.requested, big.size());
  EXPECT_EQ(send.result, sent);
  EXPECT_EQ(send.payload_size, static_cast<std::uint32_t>(sent));
}

// A blocking send() with more than the buffers hold waits for room and sends it all in one
// call (the wrapper tries without waiting first; it must not turn that into a short send).
TEST_F(TracedSocketTest, ABlockingSendWaitsForRoomAndSendsEverythingInOneCall) {
  auto [server_listener, client, connection] = connected();
  const int small = 4096;
  ::setsockopt(client.fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  const std::string big(4 << 20, 'x');
  std::size_t received = 0;
  std::jthread reader([&] {
    std::vector<std::byte> buffer(1 << 16);
    while (received < big.size()) {
      const auto got = connection.recv_into(buffer);
      if (got <= 0) return;
      received += static_cast<std::size_t>(got);
    }
  });
  EXPECT_EQ(client.send(big), static_cast<std::int64_t>(big.size()));
  client.shutdown(SHUT_WR);  // a short send must fail the test, not leave the reader waiting
  reader.join();
  EXPECT_EQ(received, big.size());
  const auto client_calls = calls_of(trace_, "client");
  ASSERT_GE(client_calls.size(), 2u);
  const trace::Event& send = *client_calls[client_calls.size() - 2];  // before the shutdown
  EXPECT_EQ(send.call, Call::Send);
  EXPECT_EQ(send.result, static_cast<std::int64_t>(big.size()));
  EXPECT_EQ(send.err, 0);
  EXPECT_GT(send.dur_ns, 0) << "it waited for room";
}

// Both ends traced in one trace: a bulk stream's bytes are kept once (not once as sent and
// once as received), and still every send and every recv shows exactly its own bytes.
TEST_F(TracedSocketTest, ABulkStreamIsKeptOnceAndEveryCallShowsItsOwnBytes) {
  auto [server_listener, client, connection] = connected();
  std::string stream(4 << 20, '\0');
  for (std::size_t i = 0; i < stream.size(); ++i) stream[i] = static_cast<char>((i * 7 + i / 65536) % 251);
  std::size_t received = 0;
  std::jthread reader([&] {
    std::vector<std::byte> buffer(1 << 16);
    while (connection.recv_into(buffer) > 0) {
    }
  });
  for (std::size_t at = 0; at < stream.size(); at += 65536) {
    ASSERT_TRUE(client.send_all(std::string_view(stream).substr(at, 65536)));
  }
  client.shutdown(SHUT_WR);
  reader.join();
  std::size_t sent = 0;
  for (std::size_t i = 0; i < trace_.size(); ++i) {
    const trace::Event& event = trace_[i];
    if (event.call != Call::Send && event.call != Call::Recv) continue;
    if (event.result <= 0) continue;
    ASSERT_EQ(event.payload.size, static_cast<std::uint32_t>(event.result)) << "event " << i;
    ASSERT_EQ(event.payload.text(), std::string_view(stream).substr(event.stream_offset, event.payload.size))
        << to_string(event.call) << " at stream offset " << event.stream_offset;
    (event.call == Call::Send ? sent : received) += event.payload.size;
  }
  EXPECT_EQ(sent, stream.size());
  EXPECT_EQ(received, stream.size());
  // Twice the stream without sharing; once plus the first 256 KiB of each end (kept the
  // ordinary way, before the stream counts as bulk) and a little slack with it.
  EXPECT_LT(trace_.payload_bytes(), stream.size() + stream.size() / 4);
}

// With a timeout, a send that filled the buffers and then found no more room reports the bytes
// it did send, with no error, as a blocking send() stopped by SO_SNDTIMEO does.
TEST_F(TracedSocketTest, ASendThatTimesOutReportsWhatItSent) {
  auto [server_listener, client, connection] = connected();  // never reads
  const int small = 4096;
  ::setsockopt(client.fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  ::setsockopt(connection.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  client.set_timeout(std::chrono::milliseconds(20));
  const std::string big(8 << 20, 'x');
  const auto sent = client.send(big);
  ASSERT_GT(sent, 0);
  EXPECT_LT(sent, static_cast<std::int64_t>(big.size()));
  const trace::Event& send = *calls_of(trace_, "client").back();
  EXPECT_EQ(send.result, sent);
  EXPECT_EQ(send.err, 0);
  EXPECT_GE(send.dur_ns, 20'000'000) << "it waited for room until the timeout";
}

// A call that had its answer at once did not block: its duration is 0, not the system call's
// own microsecond (which would read as a wait on the ladder).
TEST_F(TracedSocketTest, ACallThatDidNotWaitHasNoDuration) {
  auto [server_listener, client, connection] = connected();
  client.send_all("abc");
  ASSERT_TRUE(connection.wait_until_queued(3));
  EXPECT_EQ(connection.recv(100), "abc");
  const trace::Event& send = *calls_of(trace_, "client").back();
  const trace::Event& recv = *calls_of(trace_, "server").back();
  EXPECT_EQ(send.call, Call::Send);
  EXPECT_EQ(send.dur_ns, 0);
  EXPECT_EQ(recv.call, Call::Recv);
  EXPECT_EQ(recv.dur_ns, 0);
}

TEST_F(TracedSocketTest, ConnectionRefusedIsDataNotACrash) {
  // Bind a port and close it again without listening: nothing answers there.
  Endpoint closed_port;
  {
    TracedSocket probe = TracedSocket::open(actor("probe"), Protocol::Tcp);
    probe.bind(Endpoint::loopback(AF_INET, 0));
    closed_port = probe.local_endpoint();
  }
  TracedSocket client = TracedSocket::open(actor("client"), Protocol::Tcp);
  EXPECT_FALSE(client.connect(closed_port));
  EXPECT_EQ(client.last_error(), ECONNREFUSED);
  const auto calls = calls_of(trace_, "client");
  const trace::Event& connect = *calls.back();
  EXPECT_EQ(connect.call, Call::Connect);
  EXPECT_EQ(connect.result, -1);
  EXPECT_EQ(connect.err, ECONNREFUSED);
  EXPECT_EQ(connect.peer, closed_port.to_address());
}

TEST_F(TracedSocketTest, ResetByPeerIsRecordedOnRecv) {
  TracedSocket server_listener = listener();
  TracedSocket client = TracedSocket::open(actor("client"), Protocol::Tcp);
  ASSERT_TRUE(client.connect(server_listener.local_endpoint()));
  {
    TracedSocket connection = server_listener.accept();
    const linger abort_on_close{1, 0};  // close() sends RST instead of FIN
    ::setsockopt(connection.fd(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  }
  EXPECT_EQ(client.recv(100), "");
  EXPECT_EQ(client.last_error(), ECONNRESET);
  const auto calls = calls_of(trace_, "client");
  EXPECT_EQ(calls.back()->call, Call::Recv);
  EXPECT_EQ(calls.back()->err, ECONNRESET);
}

TEST_F(TracedSocketTest, TimeoutIsRecordedAsEagain) {
  auto [server_listener, client, connection] = connected();
  client.set_timeout(std::chrono::milliseconds(30));
  EXPECT_EQ(client.recv(100), "");
  EXPECT_FALSE(client.eof());
  EXPECT_EQ(client.last_error(), EAGAIN);
  const trace::Event& recv = *calls_of(trace_, "client").back();
  EXPECT_EQ(recv.err, EAGAIN);
  EXPECT_GE(recv.dur_ns, 30'000'000);  // it really waited for the timeout
}

TEST_F(TracedSocketTest, CancelUnblocksARecvThatWouldWaitForever) {
  auto [server_listener, client, connection] = connected();
  EXPECT_TRUE(ends_in_cancel([&] { client.recv(100); }));
}

TEST_F(TracedSocketTest, TcpStateChangesBecomeEvents) {
  TracedSocket server_listener = listener();
  TracedSocket client = TracedSocket::open(actor("client"), Protocol::Tcp);
  ASSERT_TRUE(client.connect(server_listener.local_endpoint()));
  {
    TracedSocket connection = server_listener.accept();
  }  // server closes: the client's next read sees the end and the state moves on
  EXPECT_EQ(client.recv(100), "");
  std::vector<std::pair<std::string, std::string>> client_states;
  bool listen_seen = false;
  for (std::size_t i = 0; i < trace_.size(); ++i) {
    const auto& e = trace_[i];
    if (e.kind != trace::EventKind::TcpState) continue;
    if (trace_.lane_name(e.lane) == "server" && e.new_state == TCP_LISTEN) listen_seen = true;
    if (trace_.lane_name(e.lane) == "client") {
      client_states.emplace_back(trace::tcp_state_name(e.old_state), trace::tcp_state_name(e.new_state));
    }
  }
  EXPECT_TRUE(listen_seen);
  ASSERT_GE(client_states.size(), 3u);
  EXPECT_EQ(client_states.front().second, "CLOSE");  // a new socket
  EXPECT_EQ(client_states.back().second, "CLOSE_WAIT");
  bool established = false;
  for (const auto& [from, to] : client_states) established |= to == "ESTABLISHED";
  EXPECT_TRUE(established);
}

TEST_F(TracedSocketTest, UdpKeepsDatagramBoundaries) {
  TracedSocket receiver = TracedSocket::open(actor("server"), Protocol::Udp);
  receiver.bind(Endpoint::loopback(AF_INET, 0));
  TracedSocket sender = TracedSocket::open(actor("client"), Protocol::Udp);
  EXPECT_EQ(sender.send_to("hello ", receiver.local_endpoint()), 6);
  EXPECT_EQ(sender.send_to("world", receiver.local_endpoint()), 5);
  const auto first = receiver.recv_from(4096);
  const auto second = receiver.recv_from(4096);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->data, "hello ");
  EXPECT_EQ(second->data, "world");
  EXPECT_EQ(first->from.port(), sender.local_endpoint().port());  // bound implicitly by sendto

  const auto calls = calls_of(trace_, "server");
  const trace::Event& recv = *calls.back();
  EXPECT_EQ(recv.call, Call::RecvFrom);
  EXPECT_EQ(recv.requested, 4096u);
  EXPECT_EQ(recv.result, 5);
  EXPECT_EQ(recv.payload.text(), "world");
  EXPECT_EQ(recv.transport, trace::Transport::Udp);
  const auto sends = calls_of(trace_, "client");
  EXPECT_EQ(sends.back()->flow, recv.flow);
}

TEST_F(TracedSocketTest, WorksOverIpv6Loopback) {
  TracedSocket probe = TracedSocket::open(actor("probe"), Protocol::Tcp, AF_INET6);
  try {
    probe.bind(Endpoint::loopback(AF_INET6, 0));
  } catch (const SysError& e) {
    GTEST_SKIP() << "no IPv6 loopback on this machine: " << e.what();
  }
  TracedSocket server_listener = listener(AF_INET6);
  TracedSocket client = TracedSocket::open(actor("client"), Protocol::Tcp, AF_INET6);
  ASSERT_TRUE(client.connect(server_listener.local_endpoint()));
  TracedSocket connection = server_listener.accept();
  client.send_all("six");
  EXPECT_EQ(connection.recv(10), "six");
  const auto& connect = *calls_of(trace_, "client")[1];
  EXPECT_EQ(connect.peer.family, 6);
  EXPECT_EQ(connect.peer.to_string(), server_listener.local_endpoint().to_string());
}

TEST_F(TracedSocketTest, BusyPortIsAClearError) {
  TracedSocket first = listener();
  TracedSocket second = TracedSocket::open(actor("server"), Protocol::Tcp);
  try {
    second.bind(first.local_endpoint());
    ADD_FAILURE() << "bound a port that was in use";
  } catch (const SysError& e) {
    EXPECT_EQ(e.err(), EADDRINUSE);
    EXPECT_NE(std::string(e.what()).find(first.local_endpoint().to_string()), std::string::npos);
  }
  EXPECT_EQ(calls_of(trace_, "server").back()->err, EADDRINUSE);  // recorded before thrown
}

}  // namespace
}  // namespace wirestep::net
