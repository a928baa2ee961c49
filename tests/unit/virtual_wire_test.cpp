// The virtual wire with real kernels on both ends: capture, stepping, loss. Needs root (or a
// user namespace with /dev/net/tun): skipped with the probe's reason elsewhere; CI is root.
#include "wire/virtual_wire.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <thread>

#include "lesson/stepper.h"
#include "net/actor.h"
#include "net/traced_socket.h"
#include "proto/packet/checksum.h"
#include "support/wait.h"
#include "support/wire_queries.h"
#include "trace/trace.h"
#include "wire/impairment_adapter.h"
#include "wire/wire_probe.h"

namespace wirestep {
namespace {

using namespace std::chrono_literals;
using testing::kAck;
using testing::kFin;
using testing::kSyn;
using testing::tcp_flags;
using testing::wait_until;

#define SKIP_WITHOUT_WIRE()                                                      \
  do {                                                                           \
    const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);     \
    if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason; \
  } while (0)

struct WireFixture {
  trace::Trace trace;
  lesson::Stepper stepper{lesson::StepMode::Play};
  std::unique_ptr<wire::VirtualWire> wire;

  WireFixture() { wire = std::make_unique<wire::VirtualWire>(trace, &stepper); }
  net::Actor actor(const char* host) {
    return net::Actor{&trace, trace.lane(host), &stepper, nullptr, wire->host_for(host)};
  }
};

// A server on host "server" port 80 accepting one connection, echoing one message back.
void run_echo_server(const net::Actor& me, net::Endpoint at, std::function<void()> listening) {
  auto listener = net::TracedSocket::open(me, net::Protocol::Tcp);
  listener.bind(at);
  listener.listen();
  listening();
  auto connection = listener.accept();
  const std::string got = connection.recv(100);
  connection.send_all(got);
  connection.recv(100);  // end of stream
  connection.close();
  listener.close();
}

TEST(VirtualWire, HandshakeDataAndTeardownCrossTheWireAsRealPackets) {
  SKIP_WITHOUT_WIRE();
  WireFixture f;
  const net::Endpoint server_at = f.wire->host_for("server")->endpoint(80);
  std::atomic<bool> listening{false};
  std::jthread server([&] { run_echo_server(f.actor("server"), server_at, [&] { listening = true; }); });
  ASSERT_TRUE(wait_until([&] { return listening.load(); }));

  auto client = net::TracedSocket::open(f.actor("client"), net::Protocol::Tcp);
  ASSERT_TRUE(client.connect(server_at));
  EXPECT_EQ(client.local_endpoint().host(), "10.77.0.1");
  client.send_all("ping");
  EXPECT_EQ(client.recv(100), "ping");
  client.close();
  server.join();
  // The server's FIN and the client's last ACK may still be on their way.
  ASSERT_TRUE(wait_until([&] {
    auto all = testing::packets(f.trace);
    return !all.empty() && tcp_flags(*all.back()) == kAck &&
           std::count_if(all.begin(), all.end(), [](auto* p) { return tcp_flags(*p) & kFin; }) >= 2;
  }));

  const auto delivered = testing::packets(f.trace);
  ASSERT_GE(delivered.size(), 3u);
  const auto client_lane = f.trace.lane("client");
  const auto server_lane = f.trace.lane("server");
  // The three-way handshake, exactly, in order.
  EXPECT_EQ(tcp_flags(*delivered[0]), kSyn);
  EXPECT_EQ(delivered[0]->from, client_lane);
  EXPECT_EQ(delivered[0]->to, server_lane);
  EXPECT_EQ(tcp_flags(*delivered[1]), kSyn | kAck);
  EXPECT_EQ(delivered[1]->from, server_lane);
  EXPECT_EQ(tcp_flags(*delivered[2]) & (kSyn | kAck), kAck);
  // Relative numbers: the SYN-ACK acknowledges ISN+1, the ACK acknowledges the server's ISN+1.
  const std::uint32_t client_isn = testing::tcp_seq(*delivered[0]);
  const std::uint32_t server_isn = testing::tcp_seq(*delivered[1]);
  EXPECT_EQ(testing::tcp_ack(*delivered[1]), client_isn + 1);
  EXPECT_EQ(testing::tcp_seq(*delivered[2]), client_isn + 1);
  EXPECT_EQ(testing::tcp_ack(*delivered[2]), server_isn + 1);
  // Both sides sent a FIN; every packet shares the socket calls' flow.
  int fins = 0;
  for (auto* p : delivered) fins += (tcp_flags(*p) & kFin) ? 1 : 0;
  EXPECT_EQ(fins, 2);
  for (auto* p : delivered) EXPECT_EQ(p->flow, delivered[0]->flow);
  EXPECT_EQ(f.trace.flow_of(client.local_endpoint().to_address(), server_at.to_address()), delivered[0]->flow);
  EXPECT_EQ(testing::packets(f.trace, trace::Verdict::Held).size(), 0u) << "nothing is held when playing";
}

TEST(VirtualWire, EachStepReleasesExactlyOnePacket) {
  SKIP_WITHOUT_WIRE();
  WireFixture f;
  f.stepper.set_granularity(lesson::Granularity::Frames);
  f.stepper.pause();
  const net::Endpoint server_at = f.wire->host_for("server")->endpoint(80);
  std::atomic<bool> listening{false};
  std::jthread server([&] { run_echo_server(f.actor("server"), server_at, [&] { listening = true; }); });
  ASSERT_TRUE(wait_until([&] { return listening.load(); }));
  std::atomic<bool> connected{false};
  std::jthread client([&] {
    auto socket = net::TracedSocket::open(f.actor("client"), net::Protocol::Tcp);
    connected = socket.connect(server_at);
    socket.send_all("ping");
    socket.recv(100);
    socket.close();
  });

  // Paused: the SYN waits on the wire and connect() cannot finish.
  ASSERT_TRUE(wait_until([&] { return f.stepper.held_frames() == 1; }));
  EXPECT_EQ(testing::packets(f.trace).size(), 0u);
  EXPECT_FALSE(connected.load());
  for (std::size_t n = 1; n <= 4; ++n) {
    f.stepper.step();
    // Exactly n delivered, and the next packet (there always is one here) is waiting.
    ASSERT_TRUE(wait_until([&] { return testing::packets(f.trace).size() == n && f.stepper.held_frames() >= 1; }))
        << "after step " << n << ": " << testing::packets(f.trace).size() << " delivered";
    EXPECT_EQ(f.stepper.pending_steps(), 0u);
  }
  const auto delivered = testing::packets(f.trace);
  EXPECT_EQ(tcp_flags(*delivered[0]), kSyn);
  EXPECT_EQ(tcp_flags(*delivered[1]), kSyn | kAck);
  EXPECT_TRUE(connected.load()) << "the third packet (ACK) completed the handshake";
  // A held packet's delivery links back to the Held event and shows how long it waited.
  EXPECT_NE(delivered[0]->link, trace::kNoSeq);
  EXPECT_GT(delivered[0]->dur_ns, 0);
  f.stepper.play();
  client.join();
  server.join();
}

TEST(VirtualWire, DroppedFirstSynIsRetransmittedByTheKernelAboutASecondLater) {
  SKIP_WITHOUT_WIRE();
  WireFixture f;
  std::atomic<int> syns{0};
  f.wire->set_policy([&](wire::WirePacketView& packet) {
    wire::WireVerdict verdict;
    trace::Event probe;
    probe.payload = trace::Bytes{packet.bytes.data(), static_cast<std::uint32_t>(packet.bytes.size())};
    if (tcp_flags(probe) == kSyn && syns++ == 0) {
      verdict.copies.clear();
      verdict.verdict = trace::Verdict::Dropped;
      verdict.reason = "scripted: drop syn#1";
    }
    return verdict;
  });
  const net::Endpoint server_at = f.wire->host_for("server")->endpoint(80);
  std::atomic<bool> listening{false};
  std::jthread server([&] { run_echo_server(f.actor("server"), server_at, [&] { listening = true; }); });
  ASSERT_TRUE(wait_until([&] { return listening.load(); }));

  auto client = net::TracedSocket::open(f.actor("client"), net::Protocol::Tcp);
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.connect(server_at));
  const auto took = std::chrono::steady_clock::now() - before;
  client.send_all("x");
  client.recv(100);
  client.close();
  server.join();

  const auto dropped = testing::packets(f.trace, trace::Verdict::Dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(tcp_flags(*dropped[0]), kSyn);
  const auto delivered = testing::packets(f.trace);
  ASSERT_FALSE(delivered.empty());
  EXPECT_EQ(tcp_flags(*delivered[0]), kSyn);
  EXPECT_EQ(testing::tcp_seq(*delivered[0]), testing::tcp_seq(*dropped[0])) << "the same SYN, again";
  EXPECT_GE(delivered[0]->t_ns - dropped[0]->t_ns, 900'000'000) << "the kernel's first SYN timeout";
  EXPECT_GE(took, 900ms) << "connect() waited for the retransmission";
  // The drop is explained in the trace.
  bool explained = false;
  for (std::size_t i = 0; i < f.trace.size(); ++i) {
    const auto& e = f.trace[i];
    if (e.kind == trace::EventKind::Impairment && e.payload.text() == "scripted: drop syn#1") explained = true;
  }
  EXPECT_TRUE(explained);
}

// Sends 1 MiB of varying bytes client → server at the given MTU, the wire either free to
// pass each offloaded segment on whole or (with a policy that lets everything through)
// delivering packet by packet, and checks what was recorded is what a real wire carries:
// every packet within the MTU, every checksum whole, the stream intact (anything sent again
// sent with the same bytes).
void bulk_through_wire(int mtu, bool packet_by_packet, bool offload = true) {
  trace::Trace trace;
  lesson::Stepper stepper{lesson::StepMode::Play};
  wire::WireOptions options;
  options.mtu = mtu;
  options.offload = offload;
  wire::VirtualWire wire(trace, &stepper, options);
  if (packet_by_packet) wire.set_policy([](wire::WirePacketView&) { return wire::WireVerdict{}; });
  auto actor = [&](const char* host) {
    return net::Actor{&trace, trace.lane(host), &stepper, nullptr, wire.host_for(host)};
  };
  std::string sent(1 << 20, '\0');
  for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>(i * 13 + i / 4099);
  const net::Endpoint server_at = wire.host_for("server")->endpoint(80);
  auto listener = net::TracedSocket::open(actor("server"), net::Protocol::Tcp);
  listener.bind(server_at);
  listener.listen();
  std::string received;
  std::jthread server([&] {
    auto connection = listener.accept();
    for (std::string piece = connection.recv(); !piece.empty(); piece = connection.recv()) received += piece;
  });
  auto client = net::TracedSocket::open(actor("client"), net::Protocol::Tcp);
  ASSERT_TRUE(client.connect(server_at));
  ASSERT_TRUE(client.send_all(sent));
  client.close();
  server.join();
  ASSERT_EQ(received, sent);

  const trace::LaneId client_lane = trace.lane("client");
  std::string stream;
  std::uint32_t isn = 0;
  std::optional<std::uint16_t> last_id;
  std::size_t data_packets = 0;
  std::size_t cut_packets = 0;
  unsigned next_cut = 0;
  for (const trace::Event* packet : testing::packets(trace)) {
    const auto bytes = packet->payload.span();
    ASSERT_EQ(packet->payload_size, bytes.size());
    ASSERT_LE(bytes.size(), static_cast<std::size_t>(mtu)) << "no packet larger than the wire's MTU";
    const std::size_t ip = (std::to_integer<unsigned>(bytes[0]) & 0x0F) * 4u;
    ASSERT_TRUE(proto::verify_checksum(bytes.first(ip))) << "IPv4 header checksum, packet " << packet->seq;
    proto::PseudoHeader pseudo;
    std::memcpy(pseudo.src.data(), bytes.data() + 12, 4);
    std::memcpy(pseudo.dst.data(), bytes.data() + 16, 4);
    pseudo.protocol = 6;
    ASSERT_TRUE(proto::verify_checksum(bytes.subspan(ip), &pseudo)) << "TCP checksum, packet " << packet->seq;
    if (packet->from != client_lane) continue;
    if (testing::tcp_flags(*packet) & kSyn) isn = testing::tcp_seq(*packet) + 1;
    const std::size_t tcp = (std::to_integer<unsigned>(bytes[ip + 12]) >> 4) * 4u;
    if (bytes.size() == ip + tcp) continue;
    ++data_packets;
    // A packet cut from a segment says which of how many it is; they come in order.
    if (packet->cut_count != 0) {
      ASSERT_LT(packet->cut_index, packet->cut_count);
      EXPECT_EQ(packet->cut_index, next_cut) << "packet " << packet->seq;
      next_cut = packet->cut_index + 1u == packet->cut_count ? 0 : packet->cut_index + 1u;
      ++cut_packets;
    } else {
      EXPECT_EQ(next_cut, 0u) << "a segment's packets are not interrupted";
    }
    // The client's data packets count their IP IDs up by one each, as the kernel numbers them.
    // (Not its last ACK: a connection in TIME_WAIT answers with ID 0.)
    const auto id = static_cast<std::uint16_t>(std::to_integer<unsigned>(bytes[4]) << 8 | std::to_integer<unsigned>(bytes[5]));
    if (last_id) {
      EXPECT_EQ(id, static_cast<std::uint16_t>(*last_id + 1)) << "packet " << packet->seq;
    }
    last_id = id;
    // Nothing missing: each packet starts at or before where the stream so far ends. One that
    // starts before it is the kernel sending again (a tail loss probe or a timeout on a slow
    // machine, say under ThreadSanitizer): it must carry the same bytes.
    const std::size_t offset = testing::tcp_seq(*packet) - isn;
    const std::string_view data(reinterpret_cast<const char*>(bytes.data() + ip + tcp), bytes.size() - ip - tcp);
    ASSERT_LE(offset, stream.size()) << "a gap before packet " << packet->seq;
    const std::size_t overlap = std::min(data.size(), stream.size() - offset);
    ASSERT_EQ(data.substr(0, overlap), std::string_view(stream).substr(offset, overlap))
        << "packet " << packet->seq << " sent again with other bytes";
    stream.append(data.substr(overlap));
  }
  EXPECT_EQ(stream, sent) << "the recorded packets carry the stream exactly";
  EXPECT_GE(data_packets, sent.size() / static_cast<std::size_t>(mtu)) << "cut at the MTU, not coarser";
  if (offload) {
    EXPECT_GT(wire.stats().segmented, 0u) << "the kernel handed over large segments for the wire to cut";
    EXPECT_GT(cut_packets, 0u) << "and the packets cut from them say so";
  } else {
    EXPECT_EQ(wire.stats().segmented, 0u) << "the kernel cut every packet itself";
    EXPECT_EQ(cut_packets, 0u);
  }
}

TEST(VirtualWire, BulkDataCrossesAsMtuSizedPacketsWithWholeChecksums) {
  SKIP_WITHOUT_WIRE();
  bulk_through_wire(1500, false);
  bulk_through_wire(9000, false);
}

TEST(VirtualWire, BulkDataCutByTheWireAlsoCrossesPacketByPacket) {
  SKIP_WITHOUT_WIRE();
  bulk_through_wire(1500, true);
}

TEST(VirtualWire, WithoutOffloadTheKernelsOwnPacketsPassTheSameChecks) {
  // The checks above, on the packets the kernel cuts itself: what the wire's cutting is
  // held to is what the kernel does.
  SKIP_WITHOUT_WIRE();
  bulk_through_wire(1500, false, false);
}

// Sends 1000 numbered datagrams client → server through a wire losing 30 % with this seed;
// returns the numbers that arrived at the receiving socket.
std::set<int> udp_through_lossy_wire(std::uint64_t seed) {
  WireFixture f;
  wire::LinkImpairment link;
  link.loss_percent = 30;
  f.wire->set_policy(wire::make_wire_policy(std::make_shared<wire::ImpairmentPolicy>(seed, link)));
  auto receiver = net::TracedSocket::open(f.actor("server"), net::Protocol::Udp);
  receiver.bind(f.wire->host_for("server")->endpoint(9));
  receiver.set_timeout(std::chrono::milliseconds(0));
  auto sender = net::TracedSocket::open(f.actor("client"), net::Protocol::Udp);
  std::set<int> received;
  auto drain = [&] {
    while (auto datagram = receiver.recv_from(64)) {
      if (datagram->data.empty() && receiver.last_error() != 0) break;
      received.insert(std::stoi(datagram->data));
    }
  };
  for (int n = 0; n < 1000; ++n) {
    sender.send_to(std::to_string(n), receiver.local_endpoint());
    // Keep the receiver's socket buffer from overflowing: that would be a second, unseeded loss.
    if (n % 50 == 49) {
      EXPECT_TRUE(wait_until([&] {
        drain();
        // Decided, not just read: the wire counts a packet when it reads it and its verdict a
        // moment later, so "read" alone can be true while the last one is still on its way.
        const auto stats = f.wire->stats();
        return stats.delivered + stats.dropped == static_cast<std::uint64_t>(n + 1) &&
               received.size() == stats.delivered;
      }));
    }
  }
  EXPECT_EQ(f.wire->stats().delivered + f.wire->stats().dropped, 1000u);
  EXPECT_EQ(received.size(), f.wire->stats().delivered) << "every datagram the wire delivered arrived";
  return received;
}

TEST(VirtualWire, SeededUdpLossIsRepeatableAndNearItsRate) {
  SKIP_WITHOUT_WIRE();
  const std::set<int> first = udp_through_lossy_wire(7);
  const std::set<int> again = udp_through_lossy_wire(7);
  const std::set<int> other = udp_through_lossy_wire(8);
  EXPECT_GE(first.size(), 650u);
  EXPECT_LE(first.size(), 750u);
  EXPECT_EQ(first, again) << "the same seed loses the same datagrams";
  EXPECT_NE(first, other) << "another seed loses others";
}

TEST(VirtualWire, ProbeExplainsEveryTier) {
  const auto& result = wire::probe_once();
  ASSERT_EQ(result.tiers.size(), 4u);
  for (const auto& status : result.tiers) {
    EXPECT_FALSE(status.reason.empty()) << wire::to_string(status.tier);
    if (!status.available) {
      EXPECT_FALSE(status.enable.empty()) << wire::to_string(status.tier);
    }
  }
  EXPECT_TRUE(result.status(wire::Tier::Sockets).available);
  EXPECT_EQ(result.best == wire::Tier::VirtualWire, result.status(wire::Tier::VirtualWire).available);
}

}  // namespace
}  // namespace wirestep
