// LoopbackObserver: link-header stripping, and real loopback connections captured with libpcap.
// Capturing needs CAP_NET_RAW (CI runs as root); those tests skip with the probe's reason.
#include "wire/loopback_observer.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pcap/dlt.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback_exchange.h"
#include "support/wait.h"
#include "support/wire_queries.h"
#include "trace/trace.h"
#include "wire/wire_probe.h"

namespace wirestep {
namespace {

using namespace std::chrono_literals;
using testing::kAck;
using testing::kFin;
using testing::kRst;
using testing::kSyn;
using testing::tcp_flags;
using testing::wait_until;

#define SKIP_WITHOUT_CAPTURE()                                                          \
  do {                                                                                  \
    const auto& status = wire::probe_once().status(wire::Tier::LoopbackCapture);        \
    if (!status.available) GTEST_SKIP() << "no loopback capture: " << status.reason;   \
  } while (0)

// SYN, ACK, FIN, RST: what says where a connection is. PSH, ECE and CWR vary with the kernel.
std::uint8_t control_flags(const trace::Event* packet) {
  return tcp_flags(*packet) & (kSyn | kAck | kFin | kRst);
}

std::vector<std::byte> bytes_of(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (unsigned v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

// A minimal IPv4 + UDP packet 127.0.0.1:5000 -> 127.0.0.2:53 (checksums are not looked at).
std::vector<std::byte> ipv4_udp() {
  return bytes_of({0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 2,
                   0x13, 0x88, 0, 53, 0, 8, 0, 0});
}

std::vector<std::byte> ipv6_tcp() {
  std::vector<std::byte> packet(60);
  packet[0] = std::byte{0x60};
  packet[5] = std::byte{20};  // payload length
  packet[6] = std::byte{6};   // next header: TCP
  packet[7] = std::byte{64};
  packet[23] = std::byte{1};  // ::1
  packet[39] = std::byte{1};  // ::1
  packet[40] = std::byte{0x1F};
  packet[41] = std::byte{0x90};  // 8080
  packet[42] = std::byte{0xC3};
  packet[43] = std::byte{0x50};  // 50000
  return packet;
}

std::vector<std::byte> framed(std::vector<std::byte> header, const std::vector<std::byte>& packet) {
  header.insert(header.end(), packet.begin(), packet.end());
  return header;
}

// ---- framing: no privileges needed ----

TEST(StripLinkHeader, EthernetOnLinuxLoIsFourteenBytesWithTheEtherType) {
  const auto ip = ipv4_udp();
  const auto frame = framed(bytes_of({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00}), ip);
  const auto inside = wire::strip_link_header(DLT_EN10MB, frame);
  ASSERT_EQ(inside.size(), ip.size());
  EXPECT_EQ(inside.data(), frame.data() + 14);

  const auto v6 = ipv6_tcp();
  const auto frame6 = framed(bytes_of({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xDD}), v6);
  EXPECT_EQ(wire::strip_link_header(DLT_EN10MB, frame6).size(), v6.size());

  // ARP, or an EtherType that lies about what follows: no IP packet inside.
  const auto arp = framed(bytes_of({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x06}), ip);
  EXPECT_TRUE(wire::strip_link_header(DLT_EN10MB, arp).empty());
  const auto liar = framed(bytes_of({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xDD}), ip);
  EXPECT_TRUE(wire::strip_link_header(DLT_EN10MB, liar).empty());
  EXPECT_TRUE(wire::strip_link_header(DLT_EN10MB, bytes_of({0, 0, 0})).empty());
}

TEST(StripLinkHeader, NullAndLoopCarryAFourByteFamilyInEitherByteOrder) {
  const auto ip = ipv4_udp();
  const auto null_frame = framed(bytes_of({2, 0, 0, 0}), ip);  // AF_INET, little-endian host
  EXPECT_EQ(wire::strip_link_header(DLT_NULL, null_frame).size(), ip.size());
  const auto loop_frame = framed(bytes_of({0, 0, 0, 30}), ipv6_tcp());  // AF_INET6 on macOS
  EXPECT_EQ(wire::strip_link_header(DLT_LOOP, loop_frame).size(), ipv6_tcp().size());
  EXPECT_TRUE(wire::strip_link_header(DLT_NULL, bytes_of({2, 0, 0, 0, 0x00})).empty());
}

TEST(StripLinkHeader, LinuxCookedCapturesV1AndV2) {
  const auto ip = ipv4_udp();
  auto sll = std::vector<std::byte>(16);
  sll[14] = std::byte{0x08};  // protocol, big-endian, at 14
  EXPECT_EQ(wire::strip_link_header(DLT_LINUX_SLL, framed(sll, ip)).size(), ip.size());
  auto sll2 = std::vector<std::byte>(20);
  sll2[0] = std::byte{0x86};  // protocol first in v2
  sll2[1] = std::byte{0xDD};
  EXPECT_EQ(wire::strip_link_header(DLT_LINUX_SLL2, framed(sll2, ipv6_tcp())).size(),
            ipv6_tcp().size());
  EXPECT_TRUE(wire::strip_link_header(DLT_LINUX_SLL2, framed(sll2, ip)).empty());
}

TEST(StripLinkHeader, RawIpHasNoHeaderAndUnknownLinkTypesGiveNothing) {
  const auto ip = ipv4_udp();
  EXPECT_EQ(wire::strip_link_header(DLT_RAW, ip).data(), ip.data());
  EXPECT_EQ(wire::strip_link_header(DLT_IPV4, ip).size(), ip.size());
  EXPECT_EQ(wire::strip_link_header(DLT_IPV6, ipv6_tcp()).size(), ipv6_tcp().size());
  EXPECT_TRUE(wire::strip_link_header(DLT_RAW, bytes_of({0x12, 0x34})).empty());
  EXPECT_TRUE(wire::strip_link_header(DLT_IEEE802_11, ip).empty());
}

TEST(DescribeIpPacket, SourceIsLocalDestinationIsPeerWithPorts) {
  trace::Event v4;
  wire::describe_ip_packet(ipv4_udp(), v4);
  EXPECT_EQ(v4.transport, trace::Transport::Udp);
  EXPECT_EQ(v4.local.to_string(), "127.0.0.1:5000");
  EXPECT_EQ(v4.peer.to_string(), "127.0.0.2:53");

  trace::Event v6;
  wire::describe_ip_packet(ipv6_tcp(), v6);
  EXPECT_EQ(v6.transport, trace::Transport::Tcp);
  EXPECT_EQ(v6.local.to_string(), "[::1]:8080");
  EXPECT_EQ(v6.peer.to_string(), "[::1]:50000");

  trace::Event none;
  wire::describe_ip_packet(bytes_of({0x45, 0}), none);
  EXPECT_TRUE(none.local.empty());
  EXPECT_EQ(none.transport, trace::Transport::None);
}

// ---- real capture on lo ----

// One line per packet, for a failure message.
std::string describe(const trace::Trace& trace, const std::vector<const trace::Event*>& packets) {
  std::string out;
  for (const auto* p : packets) {
    char line[160];
    std::snprintf(line, sizeof line, "\n  %s -> %s flags 0x%02x seq %u ack %u data %zu",
                  std::string(trace.lane_name(p->from)).c_str(), std::string(trace.lane_name(p->to)).c_str(),
                  tcp_flags(*p), testing::tcp_seq(*p), testing::tcp_ack(*p), testing::tcp_payload(*p).size());
    out += line;
  }
  return out;
}

// The packets of one connection once both sides have closed.
std::vector<const trace::Event*> wait_for_teardown(const trace::Trace& trace, std::uint16_t client_port,
                                                   trace::LaneId client) {
  std::vector<const trace::Event*> packets;
  const bool done = wait_until([&] {
    packets = testing::tcp_packets_of(trace, client_port);
    return testing::teardown_complete(packets, client);
  });
  EXPECT_TRUE(done) << "the teardown was not captured: " << packets.size() << " packets"
                    << describe(trace, packets);
  return packets;
}

TEST(LoopbackObserver, RecordsTheHandshakeTheExactDataAndTheTeardownOfARealConnection) {
  SKIP_WITHOUT_CAPTURE();
  trace::Trace trace;
  auto server = testing::reserve_loopback_port();
  wire::LoopbackObserver observer(trace, server.port);
  EXPECT_EQ(observer.filter(), "tcp port " + std::to_string(server.port) + " or udp port " +
                                   std::to_string(server.port));
  EXPECT_EQ(observer.datalink(), DLT_EN10MB);  // Linux lo

  const std::string request = "GET /observed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const std::string reply = "HTTP/1.1 204 No Content\r\n\r\n";
  const std::int64_t before = trace.now_ns();
  const auto exchange = testing::loopback_exchange(server, request, reply);
  ASSERT_EQ(exchange.server_got, request);
  ASSERT_EQ(exchange.client_got, reply);

  const auto client = trace.lane("client");
  const auto server_lane = trace.lane("server");
  const auto packets = wait_for_teardown(trace, exchange.client_port, client);
  ASSERT_GE(packets.size(), 7u);

  // The handshake, in order, each way named by its lanes and addresses.
  EXPECT_EQ(control_flags(packets[0]), kSyn);
  EXPECT_EQ(control_flags(packets[1]), kSyn | kAck);
  EXPECT_EQ(control_flags(packets[2]), kAck);
  EXPECT_EQ(packets[0]->from, client);
  EXPECT_EQ(packets[0]->to, server_lane);
  EXPECT_EQ(packets[1]->from, server_lane);
  EXPECT_EQ(packets[1]->to, client);
  EXPECT_EQ(packets[2]->from, client);
  const std::string client_address = "127.0.0.1:" + std::to_string(exchange.client_port);
  const std::string server_address = "127.0.0.1:" + std::to_string(server.port);
  EXPECT_EQ(packets[0]->local.to_string(), client_address);
  EXPECT_EQ(packets[0]->peer.to_string(), server_address);
  EXPECT_EQ(packets[1]->local.to_string(), server_address);
  EXPECT_EQ(packets[1]->peer.to_string(), client_address);
  EXPECT_EQ(testing::tcp_ack(*packets[1]), testing::tcp_seq(*packets[0]) + 1);

  // The bytes each way are exactly what the sockets sent, carried in data segments.
  const auto up = testing::tcp_stream(packets, client);
  const auto down = testing::tcp_stream(packets, server_lane);
  EXPECT_EQ(up.bytes, request);
  EXPECT_EQ(up.holes, 0u);
  EXPECT_EQ(down.bytes, reply);
  EXPECT_EQ(down.holes, 0u);
  int fin_from_client = -1, fin_from_server = -1;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const auto* p = packets[i];
    int& first_fin = p->from == client ? fin_from_client : fin_from_server;
    if ((tcp_flags(*p) & kFin) != 0 && first_fin < 0) first_fin = static_cast<int>(i);
    EXPECT_EQ(control_flags(p) & kRst, 0) << "packet " << i;
  }
  // The client shut down its side first; the server closed after reading to the end.
  ASSERT_GE(fin_from_client, 3);
  ASSERT_GT(fin_from_server, fin_from_client);

  // Every packet: the wire lane, delivered, one flow, the whole IP packet in time order.
  const trace::FlowId flow = trace.flow_of(packets[0]->local, packets[0]->peer);
  EXPECT_NE(flow, trace::kNoFlow);
  std::int64_t last_time = 0;
  for (const auto* p : packets) {
    EXPECT_EQ(p->kind, trace::EventKind::Packet);
    EXPECT_EQ(trace.lane_name(p->lane), "wire");
    EXPECT_EQ(p->verdict, trace::Verdict::Delivered);
    EXPECT_EQ(p->flow, flow);
    EXPECT_EQ(p->transport, trace::Transport::Tcp);
    const auto bytes = p->payload.span();
    ASSERT_GE(bytes.size(), 40u);
    EXPECT_EQ(std::to_integer<unsigned>(bytes[0]) >> 4, 4u) << "starts at the IP header";
    const std::uint32_t ports = testing::tcp_u32(*p, 0);  // source port, destination port
    EXPECT_EQ(ports >> 16, p->local.port);
    EXPECT_EQ(ports & 0xFFFF, p->peer.port);
    const unsigned total_length = (std::to_integer<unsigned>(bytes[2]) << 8) | std::to_integer<unsigned>(bytes[3]);
    EXPECT_EQ(total_length, p->payload_size);
    EXPECT_FALSE(p->payload_truncated());
    EXPECT_GE(p->t_ns, last_time);
    last_time = p->t_ns;
    // dur_ns: how long after the kernel's stamp the observer took it; the packet crossed lo
    // at t_ns - dur_ns, which cannot be before the connection began (1 ms for clock slew).
    EXPECT_GE(p->dur_ns, 0);
    EXPECT_LT(p->dur_ns, 1'000'000'000);
    EXPECT_GE(p->t_ns - p->dur_ns, before - 1'000'000);
  }
  const auto stats = observer.stats();
  EXPECT_GE(stats.packets, packets.size());
  EXPECT_EQ(stats.truncated, 0u);
}

TEST(LoopbackObserver, FullSizeLoopbackSegmentsAreRecordedWhole) {
  SKIP_WITHOUT_CAPTURE();
  trace::Trace trace;
  auto server = testing::reserve_loopback_port();
  wire::LoopbackObserver observer(trace, server.port);

  // 1 MiB in one send: lo's MTU is 65536, so the kernel sends segments of up to 65535 IP
  // bytes — more than a 65535-byte snap length leaves room for after the link header. Whether
  // a full-size segment goes out depends on the receiver keeping its window open; on a busy
  // machine it may not (CI once saw 62,543 bytes at most in 5 exchanges under a parallel
  // ASan run), so the exchange is repeated, 20 times at most, until one does.
  std::string data(std::size_t{1} << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + (i * 7) % 26);
  const auto client = trace.lane("client");
  std::uint32_t largest = 0;
  for (int attempt = 0; attempt < 20 && largest <= 65535u - 14u; ++attempt) {
    const auto exchange = testing::loopback_exchange(server, data, "ok");
    ASSERT_EQ(exchange.server_got.size(), data.size());
    const auto packets = wait_for_teardown(trace, exchange.client_port, client);
    for (const auto* p : packets) {
      EXPECT_FALSE(p->payload_truncated()) << p->payload.size << " of " << p->payload_size;
      largest = std::max(largest, p->payload_size);
    }
    const auto up = testing::tcp_stream(packets, client);
    ASSERT_EQ(observer.stats().kernel_dropped, 0u) << "the capture ring overflowed: the machine is too busy";
    EXPECT_EQ(up.holes, 0u);
    EXPECT_EQ(up.bytes.size(), data.size());
    EXPECT_TRUE(up.bytes == data) << "the captured bytes differ from what was sent";
  }
  EXPECT_GT(largest, 65535u - 14u) << "no full-size loopback segment was sent in 20 exchanges";
  EXPECT_EQ(observer.stats().truncated, 0u);
}

TEST(LoopbackObserver, RecordsOnlyItsOwnPortTcpAndUdp) {
  SKIP_WITHOUT_CAPTURE();
  trace::Trace trace;
  auto watched = testing::reserve_loopback_port();
  auto other = testing::reserve_loopback_port();
  wire::LoopbackObserver observer(trace, watched.port);

  // Traffic on the other port first, TCP and UDP...
  const auto ignored = testing::loopback_exchange(other, "not this one", "nor this");
  ASSERT_EQ(ignored.server_got, "not this one");
  auto sender = testing::bound_socket(SOCK_DGRAM, 0);
  ASSERT_TRUE(sender);
  const auto other_address = testing::loopback_v4(other.port);
  ASSERT_EQ(::sendto(sender.get(), "other", 5, 0, reinterpret_cast<const sockaddr*>(&other_address),
                     sizeof other_address),
            5);
  // ...then on the watched port. Capture keeps the kernel's order, so once these are in the
  // trace, anything from the other port would have been too.
  const auto watched_address = testing::loopback_v4(watched.port);
  ASSERT_EQ(::sendto(sender.get(), "marker", 6, 0, reinterpret_cast<const sockaddr*>(&watched_address),
                     sizeof watched_address),
            6);
  const auto exchange = testing::loopback_exchange(watched, "watched", "yes");
  wait_for_teardown(trace, exchange.client_port, trace.lane("client"));

  bool saw_marker = false;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    ASSERT_EQ(e.kind, trace::EventKind::Packet);
    EXPECT_NE(e.local.port, other.port) << "packet " << i << " is from the other port";
    EXPECT_NE(e.peer.port, other.port) << "packet " << i << " is to the other port";
    EXPECT_TRUE(e.local.port == watched.port || e.peer.port == watched.port) << "packet " << i;
    if (e.transport == trace::Transport::Udp) {
      saw_marker = true;
      EXPECT_EQ(e.peer.port, watched.port);
      EXPECT_EQ(e.from, trace.lane("client"));
      EXPECT_EQ(e.to, trace.lane("server"));
      EXPECT_EQ(e.payload_size, 20u + 8u + 6u);
      EXPECT_EQ(e.payload.text().substr(28), "marker");
    }
  }
  EXPECT_TRUE(saw_marker) << "the UDP datagram to the watched port was not recorded";
}

TEST(LoopbackObserver, DestroyingAnIdleObserverReturnsPromptly) {
  SKIP_WITHOUT_CAPTURE();
  trace::Trace trace;
  auto server = testing::reserve_loopback_port();
  auto observer = std::make_unique<wire::LoopbackObserver>(trace, server.port);
  // Let the capture thread reach its poll(): the stop must wake it, not a timeout.
  std::this_thread::yield();
  const auto start = std::chrono::steady_clock::now();
  observer.reset();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 250ms) << "destruction took "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_EQ(trace.size(), 0u);
}

// What a child process found when it tried to capture without privileges.
struct UnprivilegedReport {
  int dropped = 0;      // 1 when setresuid worked
  int threw = 0;        // 1 when the observer threw CaptureError
  int status = 0;
  int permission_denied = 0;
  std::array<char, 512> reason{};
  std::array<char, 512> what{};
  std::array<char, 512> hint{};
  std::array<char, 512> probe_reason{};
};

UnprivilegedReport try_capture_as_nobody(std::uint16_t port) {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) return {};
  net::Fd read_end(fds[0]);
  net::Fd write_end(fds[1]);
  const pid_t child = ::fork();
  if (child == 0) {
    UnprivilegedReport report;
    // Group first: once the user id is not 0 the process may no longer change it.
    report.dropped = ::setgroups(0, nullptr) == 0 && ::setresgid(65534, 65534, 65534) == 0 &&
                     ::setresuid(65534, 65534, 65534) == 0;
    if (report.dropped) {
      try {
        trace::Trace trace;
        wire::LoopbackObserver observer(trace, port);
      } catch (const wire::CaptureError& e) {
        report.threw = 1;
        report.status = e.status();
        report.permission_denied = e.permission_denied();
        std::snprintf(report.reason.data(), report.reason.size(), "%s", e.reason().c_str());
        std::snprintf(report.what.data(), report.what.size(), "%s", e.what());
        std::snprintf(report.hint.data(), report.hint.size(), "%s", e.hint().c_str());
      } catch (...) {
      }
      // libpcap's words reached by another path: the probe's own pcap_activate.
      std::snprintf(report.probe_reason.data(), report.probe_reason.size(), "%s",
                    wire::probe().status(wire::Tier::LoopbackCapture).reason.c_str());
    }
    [[maybe_unused]] auto written = ::write(write_end.get(), &report, sizeof report);
    ::_exit(0);
  }
  write_end.reset();
  UnprivilegedReport report;
  std::size_t got = 0;
  auto* out = reinterpret_cast<char*>(&report);
  while (child > 0 && got < sizeof report) {
    const ssize_t n = ::read(read_end.get(), out + got, sizeof report - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  int status = 0;
  if (child > 0) ::waitpid(child, &status, 0);
  return got == sizeof report ? report : UnprivilegedReport{};
}

TEST(LoopbackObserver, WithoutCapNetRawTheErrorIsLibpcapsOwnPermissionMessage) {
  if (::geteuid() != 0) {
    const auto& status = wire::probe_once().status(wire::Tier::LoopbackCapture);
    if (status.available) GTEST_SKIP() << "this user may capture (CAP_NET_RAW): nothing refuses";
    trace::Trace trace;
    try {
      wire::LoopbackObserver observer(trace, 9);
      FAIL() << "capture started although the probe said: " << status.reason;
    } catch (const wire::CaptureError& e) {
      EXPECT_NE(status.reason.find(e.reason()), std::string::npos) << e.reason();
      if (e.permission_denied()) {
        EXPECT_NE(e.hint().find("CAP_NET_RAW"), std::string::npos);
      }
    }
    return;
  }
  auto server = testing::reserve_loopback_port();
  const auto report = try_capture_as_nobody(server.port);
  ASSERT_EQ(report.dropped, 1) << "could not become nobody (65534) in a child process";
  ASSERT_EQ(report.threw, 1) << "nobody was allowed to capture on lo";
  EXPECT_EQ(report.status, -8) << "PCAP_ERROR_PERM_DENIED";
  EXPECT_EQ(report.permission_denied, 1);
  const std::string reason = report.reason.data();
  ASSERT_FALSE(reason.empty());
  // libpcap 1.10.3 says "socket: Operation not permitted"; later releases name CAP_NET_RAW.
  EXPECT_TRUE(reason.find("Operation not permitted") != std::string::npos ||
              reason.find("CAP_NET_RAW") != std::string::npos ||
              reason.find("ermission") != std::string::npos)
      << reason;
  // Verbatim: the probe's own pcap_activate got the same words.
  EXPECT_NE(std::string(report.probe_reason.data()).find(reason), std::string::npos)
      << "probe: " << report.probe_reason.data() << "\nobserver: " << reason;
  EXPECT_NE(std::string(report.what.data()).find(reason), std::string::npos);
  EXPECT_NE(std::string(report.hint.data()).find("CAP_NET_RAW"), std::string::npos) << report.hint.data();
}

}  // namespace
}  // namespace wirestep
