// Reading pcap and pcapng: every link type, both byte orders, clocks, lanes, comments, and damaged files.
#include "capture/pcap_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "capture/trace_file.h"
#include "support/capture_builder.h"
#include "support/packet_builder.h"

namespace wirestep::capture {
namespace {

using testing::CaptureBytes;
using testing::concat;
using testing::IdbSpec;
using testing::PcapRecord;

std::span<const std::byte> as_span(const std::vector<std::uint8_t>& v) {
  return std::as_bytes(std::span(v.data(), v.size()));
}

std::vector<std::uint8_t> payload_of(const trace::Event& e) {
  std::vector<std::uint8_t> out;
  for (auto b : e.payload.span()) out.push_back(std::to_integer<std::uint8_t>(b));
  return out;
}

std::vector<const trace::Event*> packets(const trace::Trace& trace) {
  std::vector<const trace::Event*> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].kind == trace::EventKind::Packet) out.push_back(&trace[i]);
  }
  return out;
}

std::string lane(const trace::Trace& trace, trace::LaneId id) {
  return id == trace::kNoLane ? "-" : std::string(trace.lane_name(id));
}

// A TCP SYN from 10.77.0.1:41234 to 10.77.0.2:80 and the SYN-ACK back.
std::vector<std::uint8_t> syn() { return testing::tcp_v4({.seq = 100, .flags = 0x02}); }
std::vector<std::uint8_t> syn_ack() {
  return testing::tcp_v4({.src_port = 80, .dst_port = 41234, .seq = 500, .ack = 101, .flags = 0x12},
                         {.src = {10, 77, 0, 2}, .dst = {10, 77, 0, 1}});
}
std::vector<std::uint8_t> udp6() { return testing::udp_v6(5353, 53, testing::text_bytes("hi")); }

// ---------------------------------------------------------------------------------------------
// Every link type in every container and byte order yields exactly the IP packet.

struct LinkCase {
  const char* name;
  std::uint32_t link_type;
  std::vector<std::uint8_t> frame;
  std::vector<std::uint8_t> ip;
};

std::vector<LinkCase> link_cases() {
  const auto v4 = syn();
  const auto v6 = udp6();
  return {
      {"ethernet_v4", 1, testing::ethernet_frame(0x0800, v4), v4},
      {"ethernet_v6", 1, testing::ethernet_frame(0x86DD, v6), v6},
      {"ethernet_vlan", 1, testing::ethernet_frame(0x0800, v4, {0x8100}), v4},
      {"ethernet_qinq", 1, testing::ethernet_frame(0x86DD, v6, {0x88A8, 0x8100}), v6},
      {"raw_v4", 101, v4, v4},
      {"raw_v6", 101, v6, v6},
      {"ipv4", 228, v4, v4},
      {"ipv6", 229, v6, v6},
      {"null_little_inet", 0, testing::loopback_frame(2, false, v4), v4},
      {"null_big_inet6_macos", 0, testing::loopback_frame(30, true, v6), v6},
      {"null_little_inet6_linux", 0, testing::loopback_frame(10, false, v6), v6},
      {"loop_inet", 108, testing::loopback_frame(2, true, v4), v4},
      {"loop_inet6_openbsd", 108, testing::loopback_frame(24, true, v6), v6},
      {"sll_v4", 113, testing::sll_frame(0x0800, v4), v4},
      {"sll_v6", 113, testing::sll_frame(0x86DD, v6), v6},
      {"sll2_v4", 276, testing::sll2_frame(0x0800, v4), v4},
      {"sll2_v6", 276, testing::sll2_frame(0x86DD, v6), v6},
  };
}

struct Container {
  const char* name;
  bool pcapng;
  bool big_endian;
};

class EveryLinkType : public ::testing::TestWithParam<Container> {};

TEST_P(EveryLinkType, YieldsTheIpPacketAndNothingElse) {
  const Container c = GetParam();
  for (const LinkCase& link : link_cases()) {
    SCOPED_TRACE(link.name);
    std::vector<std::uint8_t> file;
    if (c.pcapng) {
      file = concat({testing::pcapng_shb(c.big_endian),
                     testing::pcapng_idb(c.big_endian, {.link_type = static_cast<std::uint16_t>(link.link_type)}),
                     testing::pcapng_epb(c.big_endian, 0, 1'700'000'000'000'000ull, link.frame)});
    } else {
      file = testing::pcap_file(c.big_endian, false, link.link_type, {{1'700'000'000, 0, link.frame, 0}});
    }
    const CaptureReadResult result = read_capture(as_span(file));
    ASSERT_TRUE(result.ok()) << result.error->what();
    EXPECT_EQ(result.format, c.pcapng ? CaptureFormat::Pcapng : CaptureFormat::Pcap);
    ASSERT_EQ(result.packets, 1u);
    EXPECT_EQ(result.skipped_frames, 0u);
    const auto all = packets(*result.trace);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(payload_of(*all[0]), link.ip);
    EXPECT_EQ(all[0]->payload_size, link.ip.size());
    EXPECT_EQ(all[0]->t_ns, 0);
    EXPECT_EQ(all[0]->verdict, trace::Verdict::Delivered);
    EXPECT_EQ(lane(*result.trace, all[0]->lane), "wire");
    EXPECT_NE(all[0]->flow, trace::kNoFlow);
  }
}

INSTANTIATE_TEST_SUITE_P(Containers, EveryLinkType,
                         ::testing::Values(Container{"pcap_little", false, false}, Container{"pcap_big", false, true},
                                           Container{"pcapng_little", true, false},
                                           Container{"pcapng_big", true, true}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PcapReader, SkipsFramesThatCarryNoIpAndSaysWhy) {
  const std::vector<std::uint8_t> arp(28, 0x01);
  const auto file = testing::pcap_file(false, false, 1,
                                       {{1, 0, testing::ethernet_frame(0x0806, arp), 0},
                                        {1, 5, testing::ethernet_frame(0x0800, syn()), 0},
                                        {1, 9, testing::ethernet_frame(0x88CC, arp), 0},  // LLDP
                                        {1, 10, {0x01, 0x02}, 0}});                       // runt
  const auto result = read_capture(as_span(file));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.packets, 1u);
  EXPECT_EQ(result.skipped_frames, 3u);
  EXPECT_NE(result.first_skip_reason.find("ARP"), std::string::npos) << result.first_skip_reason;
  // The IP packet's time is the trace's zero, even though an ARP frame came first.
  EXPECT_EQ(packets(*result.trace)[0]->t_ns, 0);
}

TEST(PcapReader, AnUnknownLinkTypeIsSkippedByName) {
  const auto file = testing::pcap_file(false, false, 105, {{1, 0, syn(), 0}});  // 802.11
  const auto result = read_capture(as_span(file));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.packets, 0u);
  EXPECT_EQ(result.skipped_frames, 1u);
  EXPECT_NE(result.first_skip_reason.find("link type 105"), std::string::npos) << result.first_skip_reason;
}

TEST(PcapReader, AnIpVersionThatContradictsTheLinkHeaderIsSkipped) {
  const auto file = testing::pcap_file(false, false, 1, {{1, 0, testing::ethernet_frame(0x86DD, syn()), 0}});
  const auto result = read_capture(as_span(file));
  EXPECT_EQ(result.packets, 0u);
  EXPECT_EQ(result.skipped_frames, 1u);
}

// ---------------------------------------------------------------------------------------------
// Clocks.

TEST(PcapReader, ClassicTimestampsInMicrosAndNanosBecomeNanosecondsFromTheFirstPacket) {
  for (const bool big : {false, true}) {
    const auto micro = testing::pcap_file(big, false, 101, {{10, 999'999, syn(), 0}, {12, 5, syn_ack(), 0}});
    auto result = read_capture(as_span(micro));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.epoch_unix_ns, 10'999'999'000);
    EXPECT_EQ(packets(*result.trace)[1]->t_ns, 1'000'006'000);

    const auto nano = testing::pcap_file(big, true, 101, {{10, 999'999'999, syn(), 0}, {11, 1, syn_ack(), 0}});
    result = read_capture(as_span(nano));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(packets(*result.trace)[1]->t_ns, 2);
  }
}

TEST(PcapReader, PcapngHonoursEachInterfacesResolutionAndOffset) {
  for (const bool big : {false, true}) {
    SCOPED_TRACE(big ? "big-endian" : "little-endian");
    const auto file = concat({
        testing::pcapng_shb(big), testing::pcapng_idb(big, {.name = "us"}),  // default: µs
        testing::pcapng_idb(big, {.name = "ns", .tsresol = 9}),              // 10^-9
        testing::pcapng_idb(big, {.name = "ms", .tsresol = 3}),              // 10^-3
        testing::pcapng_idb(big, {.name = "bin", .tsresol = 0x80 | 10}),     // 2^-10
        testing::pcapng_idb(big, {.name = "ps", .tsresol = 12}),             // 10^-12
        testing::pcapng_idb(big, {.name = "off", .tsresol = 9, .has_tsoffset = true, .tsoffset = 100}),
        testing::pcapng_epb(big, 0, 1'000'000, syn()),             // 1 s
        testing::pcapng_epb(big, 1, 2'000'000'000, syn()),         // 2 s
        testing::pcapng_epb(big, 2, 3'000, syn()),                 // 3 s
        testing::pcapng_epb(big, 3, 4 * 1024 + 512, syn()),        // 4.5 s
        testing::pcapng_epb(big, 4, 5'000'000'000'123ull, syn()),  // 5.000000000123 s
        testing::pcapng_epb(big, 5, 1'000'000'000, syn()),         // 1 s + 100 s offset
    });
    const auto result = read_capture(as_span(file));
    ASSERT_TRUE(result.ok()) << result.error->what();
    const auto all = packets(*result.trace);
    ASSERT_EQ(all.size(), 6u);
    EXPECT_EQ(result.epoch_unix_ns, 1'000'000'000);
    EXPECT_EQ(all[1]->t_ns, 1'000'000'000);
    EXPECT_EQ(all[2]->t_ns, 2'000'000'000);
    EXPECT_EQ(all[3]->t_ns, 3'500'000'000);
    EXPECT_EQ(all[4]->t_ns, 4'000'000'000);
    EXPECT_EQ(all[5]->t_ns, 100'000'000'000);
  }
}

// ---------------------------------------------------------------------------------------------
// pcapng structure: sections, simple and obsolete packets, unknown blocks, snap lengths.

TEST(PcapReader, ReadsSimpleAndObsoletePacketBlocksAndSkipsUnknownBlocks) {
  const bool big = false;
  CaptureBytes custom(big);
  custom.u32(0x12345678).u32(0xCAFEF00D);
  const auto file = concat({
      testing::pcapng_shb(big),
      testing::pcapng_idb(big, {.tsresol = 9}),
      testing::pcapng_epb(big, 0, 1'000, syn()),
      testing::pcapng_block(big, 0x00000BAD, custom),  // custom block: skipped by its length
      testing::pcapng_block(big, 5, custom),           // interface statistics: skipped
      testing::pcapng_spb(big, syn_ack()),             // no time: the previous packet's
      testing::pcapng_opb(big, 0, 3'000, syn()),
  });
  const auto result = read_capture(as_span(file));
  ASSERT_TRUE(result.ok()) << result.error->what();
  const auto all = packets(*result.trace);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(payload_of(*all[1]), syn_ack());
  EXPECT_EQ(all[1]->t_ns, 0);
  EXPECT_EQ(all[2]->t_ns, 2'000);
}

TEST(PcapReader, ASecondSectionMayChangeByteOrderAndNumbersItsInterfacesAfresh) {
  const auto file = concat({
      testing::pcapng_shb(false),
      testing::pcapng_idb(false, {.link_type = 1}),
      testing::pcapng_epb(false, 0, 1'000'000, testing::ethernet_frame(0x0800, syn())),
      testing::pcapng_shb(true),
      testing::pcapng_idb(true, {.link_type = 101, .tsresol = 9}),
      testing::pcapng_epb(true, 0, 3'000'000'000, syn_ack()),
  });
  const auto result = read_capture(as_span(file));
  ASSERT_TRUE(result.ok()) << result.error->what();
  const auto all = packets(*result.trace);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(payload_of(*all[1]), syn_ack());
  EXPECT_EQ(all[1]->t_ns, 2'000'000'000);
}

TEST(PcapReader, ASnapLengthCutPacketKeepsItsRealLength) {
  const auto full = testing::tcp_v4({.flags = 0x18, .payload = std::vector<std::uint8_t>(1000, 'x')});
  std::vector<std::uint8_t> cut(full.begin(), full.begin() + 54);
  const auto frame = testing::ethernet_frame(0x0800, cut);
  const auto pcap =
      testing::pcap_file(false, false, 1, {{1, 0, frame, static_cast<std::uint32_t>(full.size() + 14)}}, 68);
  const auto ng = concat({testing::pcapng_shb(false), testing::pcapng_idb(false, {.link_type = 1, .snaplen = 68}),
                          testing::pcapng_epb(false, 0, 0, frame, {}, static_cast<std::uint32_t>(full.size() + 14))});
  for (const auto& file : {pcap, ng}) {
    const auto result = read_capture(as_span(file));
    ASSERT_TRUE(result.ok());
    const auto all = packets(*result.trace);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0]->payload.size, 54u);
    EXPECT_EQ(all[0]->payload_size, full.size());
    EXPECT_TRUE(all[0]->payload_truncated());
    EXPECT_EQ(all[0]->transport, trace::Transport::Tcp);
  }
}

TEST(PcapReader, ASimplePacketIsCutToTheInterfacesSnapLength) {
  const auto file = concat(
      {testing::pcapng_shb(false), testing::pcapng_idb(false, {.snaplen = 30}), testing::pcapng_spb(false, syn())});
  const auto result = read_capture(as_span(file));
  ASSERT_TRUE(result.ok());
  const auto all = packets(*result.trace);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]->payload.size, 30u);
  EXPECT_EQ(all[0]->payload_size, syn().size());
}

// ---------------------------------------------------------------------------------------------
// Lanes, addresses, flows.

TEST(PcapReader, TheFirstSynsSenderIsTheClientEvenWhenTheServerSpokeFirst) {
  // A stray packet from the server, then the client's SYN.
  const auto stray = testing::udp_v4(53, 5353, {1}, {.src = {10, 77, 0, 2}, .dst = {10, 77, 0, 1}});
  const auto file = testing::pcap_file(false, false, 101, {{1, 0, stray, 0}, {1, 1, syn(), 0}, {1, 2, syn_ack(), 0}});
  const auto result = read_capture(as_span(file));
  const auto& t = *result.trace;
  const auto all = packets(t);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(lane(t, all[0]->from), "server");
  EXPECT_EQ(lane(t, all[1]->from), "client");
  EXPECT_EQ(lane(t, all[1]->to), "server");
  EXPECT_EQ(lane(t, all[2]->from), "server");
  EXPECT_EQ(all[1]->local.to_string(), "10.77.0.1:41234");
  EXPECT_EQ(all[1]->peer.to_string(), "10.77.0.2:80");
  EXPECT_EQ(all[1]->transport, trace::Transport::Tcp);
  EXPECT_EQ(all[0]->transport, trace::Transport::Udp);
  EXPECT_EQ(all[1]->flow, all[2]->flow) << "both directions are one conversation";
  EXPECT_NE(all[0]->flow, all[1]->flow);
}

TEST(PcapReader, WithoutASynTheFirstPacketsSourceIsTheClient) {
  const auto a = testing::udp_v4(5000, 7, {1});
  const auto b = testing::udp_v4(7, 5000, {1}, {.src = {10, 77, 0, 2}, .dst = {10, 77, 0, 1}});
  const auto result = read_capture(as_span(testing::pcap_file(false, false, 101, {{1, 0, a, 0}, {1, 1, b, 0}})));
  const auto all = packets(*result.trace);
  EXPECT_EQ(lane(*result.trace, all[0]->from), "client");
  EXPECT_EQ(lane(*result.trace, all[1]->from), "server");
}

TEST(PcapReader, MoreThanTwoHostsAreNamedByAddress) {
  const auto a = testing::udp_v4(5000, 7, {1});
  const auto b = testing::udp_v4(5000, 7, {1}, {.src = {10, 77, 0, 3}, .dst = {10, 77, 0, 2}});
  const auto c = testing::udp_v6(5000, 7, {1});
  const auto result =
      read_capture(as_span(testing::pcap_file(false, false, 101, {{1, 0, a, 0}, {1, 1, b, 0}, {1, 2, c, 0}})));
  const auto& t = *result.trace;
  const auto all = packets(t);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(lane(t, all[0]->from), "10.77.0.1");
  EXPECT_EQ(lane(t, all[0]->to), "10.77.0.2");
  EXPECT_EQ(lane(t, all[1]->from), "10.77.0.3");
  EXPECT_EQ(lane(t, all[2]->from), "fd00::1");
}

TEST(PcapReader, OnLoopbackEachConversationsOpenerIsTheClient) {
  const testing::Ipv4Spec lo{.src = {127, 0, 0, 1}, .dst = {127, 0, 0, 1}};
  const auto syn1 = testing::tcp_v4({.src_port = 50000, .dst_port = 8080, .flags = 0x02}, lo);
  const auto reply1 = testing::tcp_v4({.src_port = 8080, .dst_port = 50000, .flags = 0x12}, lo);
  const auto syn2 = testing::tcp_v4({.src_port = 50001, .dst_port = 8080, .flags = 0x02}, lo);
  const auto reply2 = testing::tcp_v4({.src_port = 8080, .dst_port = 50001, .flags = 0x12}, lo);
  const auto file = testing::pcap_file(false, false, 0,
                                       {{1, 0, testing::loopback_frame(2, false, syn1), 0},
                                        {1, 1, testing::loopback_frame(2, false, reply1), 0},
                                        {1, 2, testing::loopback_frame(2, false, reply2), 0},
                                        {1, 3, testing::loopback_frame(2, false, syn2), 0}});
  const auto result = read_capture(as_span(file));
  const auto& t = *result.trace;
  const auto all = packets(t);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(lane(t, all[0]->from), "client");
  EXPECT_EQ(lane(t, all[1]->from), "server");
  EXPECT_EQ(lane(t, all[2]->from), "server") << "the SYN later in the file still names the opener";
  EXPECT_EQ(lane(t, all[3]->from), "client");
}

// ---------------------------------------------------------------------------------------------
// WireStep's comments and interface names map back.

TEST(PcapReader, WireStepCommentsBecomeVerdictsImpairmentsAndNarration) {
  const auto file = concat({
      testing::pcapng_shb(false, {{4, "WireStep 0.1.0"}}),
      testing::pcapng_idb(false, {.name = "client", .tsresol = 9}),
      testing::pcapng_idb(false, {.name = "server", .tsresol = 9}),
      testing::pcapng_epb(false, 0, 100, syn(), {"narration: handshake"}),
      testing::pcapng_epb(false, 1, 200, syn_ack(), {"dropped by the wire: loss 30 %, seed 7", "narration: handshake"}),
      testing::pcapng_epb(false, 1, 300, syn_ack(),
                          {"delayed by the wire: delay 200 ms", "held 1.2 s for a step", "narration: established"}),
      testing::pcapng_epb(false, 0, 400, syn(), {"a Wireshark user's note"}),
  });
  const auto result = read_capture(as_span(file));
  ASSERT_TRUE(result.ok()) << result.error->what();
  EXPECT_TRUE(result.written_by_wirestep);
  const auto& t = *result.trace;
  std::vector<std::string> story;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto& e = t[i];
    std::string line = std::string(trace::to_string(e.kind));
    if (e.kind == trace::EventKind::Packet)
      line += " " + std::string(trace::to_string(e.verdict)) + " " + lane(t, e.from) + ">" + lane(t, e.to);
    if (e.kind != trace::EventKind::Packet) line += " " + std::string(e.payload.text());
    if (e.link != trace::kNoSeq) line += " link " + std::to_string(e.link);
    story.push_back(line);
  }
  const std::vector<std::string> expected{
      "Note handshake",
      "Packet delivered client>server",
      "Packet dropped server>client",
      "Impairment loss 30 %, seed 7 link 2",
      "Note established",
      "Impairment delay 200 ms",
      "Packet delayed server>client link 5",
      "Packet delivered client>server",
  };
  EXPECT_EQ(story, expected);
}

TEST(PcapReader, InterfaceNamesAreLanesOnlyInFilesWireStepWrote) {
  // Verdict phrases read back from any file; interface names count as lanes only in WireStep's.
  const auto file = concat({testing::pcapng_shb(false), testing::pcapng_idb(false, {.name = "eth0"}),
                            testing::pcapng_epb(false, 0, 1, syn(), {"dropped by the wire"})});
  const auto result = read_capture(as_span(file));
  EXPECT_FALSE(result.written_by_wirestep);
  const auto all = packets(*result.trace);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(lane(*result.trace, all[0]->from), "client") << "eth0 is a NIC, not an actor";
  EXPECT_EQ(all[0]->verdict, trace::Verdict::Dropped);
}

// ---------------------------------------------------------------------------------------------
// Damaged files: a typed error with the offset, and the packets before it.

struct Damage {
  const char* name;
  std::vector<std::uint8_t> file;
  std::uint64_t offset;
  const char* words;
  std::size_t packets_before;
};

std::vector<Damage> damages() {
  const auto good_ng = concat({testing::pcapng_shb(false), testing::pcapng_idb(false, {})});
  const auto epb = testing::pcapng_epb(false, 0, 1, syn());
  std::vector<Damage> out;
  out.push_back({"empty", {}, 0, "empty", 0});
  out.push_back({"three_bytes", {0xd4, 0xc3, 0xb2}, 0, "too short", 0});
  out.push_back(
      {"json", testing::text_bytes("{\"format\": 1}"), 0, "not a pcap or pcapng file (it starts with 7b 22 66 6f)", 0});
  {
    auto f = testing::pcap_file(false, false, 101, {});
    f.resize(20);
    out.push_back({"pcap_header_cut", f, 0, "file header is cut short", 0});
  }
  {
    auto f = testing::pcap_file(false, false, 101, {{1, 0, syn(), 0}});
    CaptureBytes huge(false);
    huge.u32(1).u32(0).u32(0x80000000u).u32(0x80000000u).raw({1, 2, 3});
    f.insert(f.end(), huge.bytes().begin(), huge.bytes().end());
    out.push_back(
        {"pcap_record_claims_2gb", f, 24 + 16 + syn().size(), "claims 2147483648 bytes (2.0 GiB) captured", 1});
  }
  {
    auto f = testing::pcap_file(false, false, 101, {{1, 0, syn(), 0}}, 65535);
    CaptureBytes big(false);
    big.u32(1).u32(0).u32(300000).u32(300000).raw(std::vector<std::uint8_t>(300000, 0));
    f.insert(f.end(), big.bytes().begin(), big.bytes().end());
    out.push_back({"pcap_record_beyond_snaplen", f, 24 + 16 + syn().size(), "snapshot length", 1});
  }
  {
    auto f = testing::pcap_file(false, false, 101, {{1, 0, syn(), 0}, {2, 0, syn(), 0}});
    f.resize(f.size() - syn().size() - 10);
    out.push_back({"pcap_record_header_cut", f, 24 + 16 + syn().size(), "record header cut short", 1});
  }
  {
    auto f = testing::pcap_file(false, false, 101, {});
    f[4] = 3;
    out.push_back({"pcap_version", f, 4, "pcap version 3", 0});
  }
  {
    CaptureBytes huge(false);
    huge.u32(6).u32(0x80000000u).u32(0).u32(0);
    auto f = concat({good_ng, epb, huge.bytes()});
    out.push_back({"pcapng_block_claims_2gb", f, good_ng.size() + epb.size(),
                   "claims a length of 2147483648 bytes (2.0 GiB)", 1});
  }
  {
    CaptureBytes odd(false);
    odd.u32(6).u32(14).u32(0).u16(14).u8(0).u8(0);
    auto f = concat({good_ng, odd.bytes()});
    out.push_back({"pcapng_length_not_multiple_of_4", f, good_ng.size(), "not a multiple of 4", 0});
  }
  {
    CaptureBytes tiny(false);
    tiny.u32(6).u32(8);
    auto f = concat({good_ng, epb, tiny.bytes(), std::vector<std::uint8_t>(8, 0)});
    out.push_back({"pcapng_length_below_12", f, good_ng.size() + epb.size(), "less than the 12", 1});
  }
  {
    auto bad = epb;
    bad[bad.size() - 4] ^= 0x04;  // trailing length
    out.push_back({"pcapng_trailing_length", concat({good_ng, bad}), good_ng.size(), "ends with length", 0});
  }
  {
    auto f = concat({good_ng, epb, epb});
    f.resize(f.size() - 6);
    out.push_back({"pcapng_block_cut", f, good_ng.size() + epb.size(), "only", 1});
  }
  {
    auto f = concat({good_ng, epb, std::vector<std::uint8_t>{6, 0, 0}});
    out.push_back({"pcapng_block_header_cut", f, good_ng.size() + epb.size(), "block cut short", 1});
  }
  out.push_back({"pcapng_unknown_interface", concat({good_ng, testing::pcapng_epb(false, 1, 1, syn())}), good_ng.size(),
                 "names interface 1, but its section describes 1", 0});
  {
    auto bad = epb;
    bad[8 + 12] = 0xFF;  // captured length low byte: more than the block holds
    out.push_back(
        {"pcapng_caplen_beyond_block", concat({good_ng, bad}), good_ng.size(), "but the block holds only", 0});
  }
  {
    CaptureBytes body(false);
    body.u32(0).u32(0).u32(1).u32(0).u32(0).u16(1).u16(200).u32(0);  // a comment claiming 200 bytes
    auto f = concat({good_ng, testing::pcapng_block(false, 6, body)});
    out.push_back({"pcapng_option_overrun", f, good_ng.size(), "past the block's end", 0});
  }
  {
    auto shb = testing::pcapng_shb(false);
    shb[12] = 2;  // major version
    out.push_back({"pcapng_version", shb, 0, "pcapng version 2.0", 0});
  }
  {
    auto shb = testing::pcapng_shb(false);
    shb[8] = 0x99;
    out.push_back({"pcapng_byte_order_magic", shb, 0, "byte-order magic", 0});
  }
  out.push_back({"pcapng_epb_too_small", concat({good_ng, testing::pcapng_block(false, 6, CaptureBytes(false).u32(0))}),
                 good_ng.size(), "shorter than the 32", 0});
  return out;
}

TEST(PcapReader, DamagedFilesGiveATypedErrorWithTheOffsetAndKeepWhatCameBefore) {
  for (const Damage& d : damages()) {
    SCOPED_TRACE(d.name);
    const CaptureReadResult result = read_capture(as_span(d.file));
    ASSERT_NE(result.trace, nullptr);
    ASSERT_TRUE(result.error.has_value()) << "no error";
    EXPECT_EQ(result.error->offset(), d.offset) << result.error->what();
    const std::string message = result.error->what();
    EXPECT_EQ(message.rfind("offset " + std::to_string(d.offset) + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(d.words), std::string::npos) << message;
    EXPECT_EQ(result.packets, d.packets_before) << message;
    EXPECT_EQ(packets(*result.trace).size(), d.packets_before);
  }
}

// Every prefix of a small good file: never a crash, an error at or before the cut unless the
// cut falls between blocks or records, and exactly the records wholly inside the prefix.
void check_every_prefix(const std::vector<std::uint8_t>& file, const std::vector<std::size_t>& record_ends,
                        const std::vector<std::size_t>& header_ends) {
  for (std::size_t n = 0; n <= file.size(); ++n) {
    SCOPED_TRACE("prefix of " + std::to_string(n) + " bytes");
    const std::vector<std::uint8_t> prefix(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    const CaptureReadResult result = read_capture(as_span(prefix));
    ASSERT_NE(result.trace, nullptr);
    std::size_t whole = 0;
    bool at_boundary = std::find(header_ends.begin(), header_ends.end(), n) != header_ends.end();
    for (const std::size_t end : record_ends) {
      if (end <= n) ++whole;
      at_boundary |= end == n;
    }
    EXPECT_EQ(result.packets, whole);
    if (at_boundary) {
      EXPECT_TRUE(result.ok()) << result.error->what();
    } else {
      ASSERT_TRUE(result.error.has_value());
      EXPECT_LE(result.error->offset(), n);
      EXPECT_NE(std::string(result.error->what()).find("offset "), std::string::npos);
    }
  }
}

TEST(PcapReader, EveryTruncationOfAPcapIsReportedWithItsOffset) {
  for (const bool big : {false, true}) {
    const auto file = testing::pcap_file(
        big, big, 1,
        {{1, 0, testing::ethernet_frame(0x0800, syn()), 0}, {1, 1, testing::ethernet_frame(0x0800, syn_ack()), 0}});
    const std::size_t first = 24 + 16 + syn().size() + 14;
    check_every_prefix(file, {first, file.size()}, {24});
  }
}

TEST(PcapReader, EveryTruncationOfAPcapngIsReportedWithItsOffset) {
  for (const bool big : {false, true}) {
    const auto shb = testing::pcapng_shb(big, {{1, "a comment"}});
    const auto idb = testing::pcapng_idb(big, {.name = "x", .tsresol = 9});
    const auto one = testing::pcapng_epb(big, 0, 5, syn(), {"dropped by the wire"});
    const auto two = testing::pcapng_spb(big, syn_ack());
    const auto file = concat({shb, idb, one, two});
    const std::size_t head = shb.size() + idb.size();
    check_every_prefix(file, {head + one.size(), file.size()}, {shb.size(), head});
  }
}

TEST(PcapReader, AFileOnDiskReadsLikeTheSameBytesInMemory) {
  const auto bytes =
      concat({testing::pcapng_shb(false), testing::pcapng_idb(false, {}), testing::pcapng_epb(false, 0, 1, syn())});
  const auto path =
      std::filesystem::temp_directory_path() / ("wirestep-reader-" + std::to_string(::getpid()) + ".pcapng");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  const auto result = read_capture_file(path);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.packets, 1u);
  EXPECT_EQ(trace_file_kind(path), TraceFileKind::Pcapng);
  std::filesystem::remove(path);
  EXPECT_THROW(read_capture_file(path), std::system_error);
}

}  // namespace
}  // namespace wirestep::capture
