// PacketSummary: header facts, flag names and one-line descriptions, without allocating.
#include "proto/packet/packet_summary.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "support/packet_builder.h"

namespace {
// Counts this thread's allocations, so the test below can prove summarize() makes none.
thread_local std::size_t g_allocations = 0;
}  // namespace

// GCC cannot see that the replaced operator new below returns malloc'ed memory.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace wirestep::proto {
namespace {

using namespace wirestep::testing;

std::vector<std::byte> syn() {
  TcpSpec t;
  t.seq = 1000000;
  t.flags = TcpFlags::kSyn;
  t.options = linux_syn_options(123456);
  return to_bytes(tcp_v4(t));
}

std::vector<std::byte> data_segment() {
  TcpSpec t;
  t.seq = 1000001;
  t.ack = 5000001;
  t.flags = TcpFlags::kPsh | TcpFlags::kAck;
  t.window = 502;
  t.options = {1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7};
  t.payload = text_bytes("hello world");
  return to_bytes(tcp_v4(t));
}

TEST(PacketSummary, SynFacts) {
  const auto packet = syn();
  const PacketSummary s = summarize(packet);
  EXPECT_TRUE(s.valid) << s.reason;
  EXPECT_EQ(s.ip_version, 4);
  EXPECT_EQ(s.src.to_string(), "10.77.0.1:41234");
  EXPECT_EQ(s.dst.to_string(), "10.77.0.2:80");
  EXPECT_EQ(s.transport, trace::Transport::Tcp);
  EXPECT_FALSE(s.icmp);
  EXPECT_EQ(s.ip_total_length, 60u);
  EXPECT_EQ(s.ttl, 64);
  EXPECT_EQ(s.tcp_seq, 1000000u);
  EXPECT_EQ(s.tcp_ack, 0u);
  EXPECT_EQ(s.tcp_flags, TcpFlags::kSyn);
  EXPECT_TRUE(s.has_flag(TcpFlags::kSyn));
  EXPECT_FALSE(s.has_flag(TcpFlags::kAck));
  EXPECT_EQ(s.tcp_window, 64240);
  EXPECT_EQ(s.tcp_header_length, 40);
  EXPECT_EQ(s.payload_offset, 60u);
  EXPECT_EQ(s.payload_length, 0u);
}

TEST(PacketSummary, DataSegmentPayloadLocation) {
  const auto packet = data_segment();
  const PacketSummary s = summarize(packet);
  ASSERT_TRUE(s.valid) << s.reason;
  EXPECT_EQ(s.tcp_flags, TcpFlags::kPsh | TcpFlags::kAck);
  EXPECT_EQ(s.payload_offset, 52u);
  EXPECT_EQ(s.payload_length, 11u);
  const std::string payload(reinterpret_cast<const char*>(packet.data()) + s.payload_offset,
                            s.payload_length);
  EXPECT_EQ(payload, "hello world");
}

TEST(PacketSummary, FlagsText) {
  EXPECT_EQ(tcp_flags_text(0), "");
  EXPECT_EQ(tcp_flags_text(TcpFlags::kSyn), "SYN");
  EXPECT_EQ(tcp_flags_text(TcpFlags::kSyn | TcpFlags::kAck), "SYN, ACK");
  EXPECT_EQ(tcp_flags_text(TcpFlags::kFin | TcpFlags::kPsh | TcpFlags::kAck), "FIN, PSH, ACK");
  EXPECT_EQ(tcp_flags_text(0xff), "FIN, SYN, RST, PSH, ACK, URG, ECE, CWR");
  EXPECT_EQ(TcpFlags::kFin | TcpFlags::kSyn | TcpFlags::kRst | TcpFlags::kPsh | TcpFlags::kAck |
                TcpFlags::kUrg | TcpFlags::kEce | TcpFlags::kCwr,
            0xff);
}

TEST(PacketSummary, DescribeTcpAbsoluteAndRelative) {
  const PacketSummary s = summarize(syn());
  EXPECT_EQ(describe(s),
            "TCP 10.77.0.1:41234 \u2192 10.77.0.2:80 [SYN] seq=1000000 win=64240 len=0");
  EXPECT_EQ(describe(s, RelativeSeq{1000000, 0}),
            "TCP 10.77.0.1:41234 \u2192 10.77.0.2:80 [SYN] seq=0 win=64240 len=0");

  TcpSpec t;
  t.src_port = 80;
  t.dst_port = 41234;
  t.seq = 5000000;
  t.ack = 1000001;
  t.flags = TcpFlags::kSyn | TcpFlags::kAck;
  t.window = 65160;
  Ipv4Spec back;
  back.src = {10, 77, 0, 2};
  back.dst = {10, 77, 0, 1};
  const PacketSummary synack = summarize(to_bytes(tcp_v4(t, back)));
  EXPECT_EQ(describe(synack, RelativeSeq{5000000, 1000000}),
            "TCP 10.77.0.2:80 \u2192 10.77.0.1:41234 [SYN, ACK] seq=0 ack=1 win=65160 len=0");
  EXPECT_EQ(describe(synack),
            "TCP 10.77.0.2:80 \u2192 10.77.0.1:41234 [SYN, ACK] seq=5000000 ack=1000001 "
            "win=65160 len=0");

  EXPECT_EQ(describe(summarize(data_segment()), RelativeSeq{1000000, 5000000}),
            "TCP 10.77.0.1:41234 \u2192 10.77.0.2:80 [PSH, ACK] seq=1 ack=1 win=502 len=11");
}

TEST(PacketSummary, UdpIcmpAndIpv6) {
  const PacketSummary udp = summarize(to_bytes(udp_v4(40000, 53, text_bytes("query"))));
  ASSERT_TRUE(udp.valid) << udp.reason;
  EXPECT_EQ(udp.transport, trace::Transport::Udp);
  EXPECT_EQ(udp.payload_offset, 28u);
  EXPECT_EQ(udp.payload_length, 5u);
  EXPECT_EQ(describe(udp), "UDP 10.77.0.1:40000 \u2192 10.77.0.2:53 len=5");

  const PacketSummary echo = summarize(to_bytes(icmp_v4(8, 0, 0x12340001, text_bytes("ping"))));
  ASSERT_TRUE(echo.valid) << echo.reason;
  EXPECT_TRUE(echo.icmp);
  EXPECT_EQ(echo.transport, trace::Transport::None);
  EXPECT_EQ(echo.icmp_type, 8);
  EXPECT_EQ(echo.icmp_id, 0x1234);
  EXPECT_EQ(echo.icmp_seq, 1);
  EXPECT_EQ(describe(echo), "ICMP 10.77.0.1 \u2192 10.77.0.2 Echo request id=0x1234 seq=1");

  Ipv4Spec router;
  router.src = {10, 77, 0, 2};
  router.dst = {10, 77, 0, 1};
  const auto quoted = udp_v4(40000, 33434, text_bytes("probe"));
  const std::vector<std::uint8_t> body(quoted.begin(), quoted.begin() + 28);
  const PacketSummary unreachable = summarize(to_bytes(icmp_v4(3, 3, 0, body, router)));
  EXPECT_EQ(describe(unreachable),
            "ICMP 10.77.0.2 \u2192 10.77.0.1 Destination unreachable (Port unreachable)");

  TcpSpec t;
  t.flags = TcpFlags::kSyn;
  const PacketSummary v6 = summarize(to_bytes(tcp_v6(t)));
  ASSERT_TRUE(v6.valid) << v6.reason;
  EXPECT_EQ(v6.ip_version, 6);
  EXPECT_EQ(v6.src.family, 6);
  EXPECT_EQ(v6.ttl, 64);
  EXPECT_EQ(v6.payload_offset, 60u);
  EXPECT_EQ(describe(v6), "TCP [fd00::1]:41234 \u2192 [fd00::2]:80 [SYN] seq=0 win=64240 len=0");

  const PacketSummary echo6 = summarize(to_bytes(icmp_v6(129, 0, 0x00070002, {})));
  EXPECT_TRUE(echo6.icmp);
  EXPECT_EQ(describe(echo6), "ICMPv6 fd00::1 \u2192 fd00::2 Echo reply id=0x0007 seq=2");
}

TEST(PacketSummary, Ipv6ExtensionHeadersAreSkipped) {
  Ipv6Spec ip;
  ip.extensions.push_back({0, {0, 0, 1, 4, 0, 0, 0, 0}});  // hop-by-hop, PadN
  ip.extensions.push_back({60, {0, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}});  // 16 bytes
  const PacketSummary s = summarize(to_bytes(udp_v6(5000, 6000, text_bytes("x"), ip)));
  ASSERT_TRUE(s.valid) << s.reason;
  EXPECT_EQ(s.ip_protocol, 17);
  EXPECT_EQ(s.transport, trace::Transport::Udp);
  EXPECT_EQ(s.src.port, 5000);
  EXPECT_EQ(s.payload_offset, 40u + 8u + 16u + 8u);
  EXPECT_EQ(s.payload_length, 1u);
}

TEST(PacketSummary, TruncatedAndMalformedSayWhy) {
  const auto packet = data_segment();
  for (std::size_t n = 0; n < packet.size(); ++n) {
    const PacketSummary s = summarize(std::span(packet).first(n));
    EXPECT_FALSE(s.valid) << n;
    EXPECT_STRNE(s.reason, "") << n;
    EXPECT_FALSE(describe(s).empty());
  }
  EXPECT_STREQ(summarize(std::span(packet).first(32)).reason, "TCP header truncated");
  EXPECT_STREQ(summarize(std::span(packet).first(60)).reason, "packet truncated");
  EXPECT_STREQ(summarize(std::span(packet).first(10)).reason, "IPv4 header truncated");
  EXPECT_STREQ(summarize({}).reason, "empty packet");
  EXPECT_EQ(describe(summarize({})), "Unreadable packet (empty packet)");

  auto bad_offset = packet;
  bad_offset[32] = std::byte{0x40};  // data offset 4 words = 16 bytes
  EXPECT_STREQ(summarize(bad_offset).reason, "TCP header length below 20 bytes");
  EXPECT_EQ(describe(summarize(std::span(packet).first(30))),
            "TCP 10.77.0.1:41234 \u2192 10.77.0.2:80 [<none>] seq=1000001 win=0 len=0 "
            "[TCP header truncated]");

  const std::vector<std::byte> not_ip = {std::byte{0x12}, std::byte{0x34}};
  EXPECT_EQ(summarize(not_ip).ip_version, 0);
  EXPECT_STREQ(summarize(not_ip).reason, "not an IP packet");
}

TEST(PacketSummary, NonFirstFragmentHasNoPorts) {
  Ipv4Spec ip;
  ip.flags_fragment = 185;  // offset 1480 bytes, no MF
  const PacketSummary s = summarize(to_bytes(udp_v4(1, 2, text_bytes("tail"), ip)));
  EXPECT_TRUE(s.valid) << s.reason;
  EXPECT_TRUE(s.fragment);
  EXPECT_EQ(s.fragment_offset, 1480u);
  EXPECT_EQ(s.src.port, 0);
  EXPECT_EQ(describe(s), "IPv4 10.77.0.1 \u2192 10.77.0.2 fragment of UDP at offset 1480");
}

TEST(PacketSummary, SummarizeDoesNotAllocate) {
  const auto packet = data_segment();
  const auto v6 = to_bytes(tcp_v6(TcpSpec{}));
  const std::size_t before = g_allocations;
  PacketSummary s = summarize(packet);
  s = summarize(v6);
  s = summarize(std::span(packet).first(33));
  EXPECT_EQ(g_allocations, before);
  EXPECT_EQ(s.ip_version, 4);
  // The counter itself must work, or the check above proves nothing.
  const std::string text = describe(s) + std::string(64, 'x');
  EXPECT_GT(g_allocations, before);
}

}  // namespace
}  // namespace wirestep::proto
