// Internet checksums: RFC 1071 and published examples, pseudo-headers, and fix_checksums().
#include "proto/packet/checksum.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "proto/packet/packet_dissector.h"
#include "support/packet_builder.h"

namespace wirestep::proto {
namespace {

using namespace wirestep::testing;

std::vector<std::byte> hex_bytes(std::string_view hex) {
  std::vector<std::byte> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::uint16_t u16_at(const std::vector<std::byte>& b, std::size_t offset) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(b[offset]) << 8 |
                                    std::to_integer<unsigned>(b[offset + 1]));
}

std::vector<std::byte> syn_packet() {
  TcpSpec t;
  t.seq = 1000000;
  t.flags = 0x02;
  t.options = linux_syn_options(123456);
  return to_bytes(tcp_v4(t));
}

TEST(Checksum, Rfc1071WorkedExample) {
  // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to 0xddf2; the checksum is its complement.
  const auto data = hex_bytes("0001f203f4f5f6f7");
  EXPECT_EQ(internet_checksum(data), 0x220d);
  ChecksumSum sum;
  sum.add(data);
  EXPECT_EQ(sum.folded(), 0xddf2);
}

TEST(Checksum, PublishedIpv4HeaderExample) {
  // The IPv4 header example on Wikipedia ("IPv4 header checksum"):
  // 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
  const auto zeroed = hex_bytes("450000730000400040110000c0a80001c0a800c7");
  ASSERT_EQ(zeroed.size(), 20u);
  EXPECT_EQ(internet_checksum(zeroed), 0xb861);
  EXPECT_EQ(expected_checksum(zeroed, 10), 0xb861);
  const auto correct = hex_bytes("45000073000040004011b861c0a80001c0a800c7");
  EXPECT_EQ(internet_checksum(correct), 0);
  EXPECT_TRUE(verify_checksum(correct));
  EXPECT_EQ(expected_checksum(correct, 10), 0xb861) << "the stored value must not count";
}

TEST(Checksum, OddLengthPadsTheLastByteWithZero) {
  const auto data = hex_bytes("01");
  EXPECT_EQ(internet_checksum(data), 0xfeff);
  const auto three = hex_bytes("0102ff");
  // 0x0102 + 0xff00 = 0x10002; the carry wraps around: 0x0003, complemented 0xfffc.
  EXPECT_EQ(internet_checksum(three), 0xfffc);
}

TEST(Checksum, PiecesOfAnyLengthSumLikeTheWhole) {
  std::vector<std::byte> data;
  for (int i = 0; i < 101; ++i) data.push_back(static_cast<std::byte>(i * 37 + 11));
  const std::uint16_t whole = internet_checksum(data);
  for (std::size_t cut1 = 0; cut1 <= data.size(); cut1 += 7) {
    for (std::size_t cut2 = cut1; cut2 <= data.size(); cut2 += 13) {
      ChecksumSum sum;
      sum.add(std::span(data).subspan(0, cut1));
      sum.add(std::span(data).subspan(cut1, cut2 - cut1));
      sum.add(std::span(data).subspan(cut2));
      ASSERT_EQ(sum.checksum(), whole) << cut1 << " " << cut2;
    }
  }
}

TEST(Checksum, WordWiseSumMatchesTheDefinitionOnLongUnalignedData) {
  // The sum reads several bytes at a time; check it against RFC 1071's definition, one
  // big-endian 16-bit word after another, on bytes that produce many carries, at every start
  // alignment and at odd and even lengths up to a jumbo frame.
  std::vector<std::byte> data(9100);
  std::uint32_t state = 12345;
  for (auto& b : data) {
    state = state * 1103515245u + 12345u;
    b = static_cast<std::byte>(0xC0 | (state >> 24));  // mostly high bytes: carries galore
  }
  for (std::size_t start : {0u, 1u, 2u, 3u, 5u}) {
    for (std::size_t size : {0u, 1u, 2u, 3u, 7u, 64u, 1499u, 1500u, 9001u}) {
      const auto piece = std::span<const std::byte>(data).subspan(start, size);
      std::uint64_t reference = 0;
      for (std::size_t i = 0; i < piece.size(); i += 2) {
        const unsigned high = std::to_integer<unsigned>(piece[i]);
        const unsigned low = i + 1 < piece.size() ? std::to_integer<unsigned>(piece[i + 1]) : 0;
        reference += (high << 8) | low;
      }
      while (reference >> 16) reference = (reference & 0xffff) + (reference >> 16);
      ChecksumSum sum;
      sum.add(piece);
      ASSERT_EQ(sum.folded(), reference) << "start " << start << " size " << size;
    }
  }
}

TEST(Checksum, TcpOverIpv4MatchesIndependentValue) {
  // The SYN from packet_builder.h, 10.77.0.1:41234 -> 10.77.0.2:80, seq 1000000, Linux options.
  // Computed separately with Python (struct.unpack words over pseudo-header + segment):
  // IPv4 header checksum 0x09da, TCP checksum 0x727f.
  auto packet = syn_packet();
  EXPECT_EQ(u16_at(packet, 10), 0x09da) << "the builder's reference checksum disagrees";
  EXPECT_EQ(u16_at(packet, 36), 0x727f);
  const auto segment = std::span<const std::byte>(packet).subspan(20);
  const std::span<const std::byte, 4> src(packet.data() + 12, 4);
  const std::span<const std::byte, 4> dst(packet.data() + 16, 4);
  EXPECT_EQ(pseudo_header_checksum_v4(src, dst, 6, segment), 0) << "correct segment sums to 0";
  packet[36] = packet[37] = std::byte{0};
  EXPECT_EQ(pseudo_header_checksum_v4(src, dst, 6, std::span<const std::byte>(packet).subspan(20)),
            0x727f);
  EXPECT_EQ(internet_checksum(std::span<const std::byte>(packet).first(20)), 0);
}

TEST(Checksum, TcpOverIpv6UsesThe128BitPseudoHeader) {
  TcpSpec t;
  t.flags = 0x02;
  t.seq = 42;
  const auto packet = to_bytes(tcp_v6(t));
  const std::span<const std::byte, 16> src(packet.data() + 8, 16);
  const std::span<const std::byte, 16> dst(packet.data() + 24, 16);
  const auto segment = std::span<const std::byte>(packet).subspan(40);
  EXPECT_EQ(pseudo_header_checksum_v6(src, dst, 6, segment), 0);
  EXPECT_NE(pseudo_header_checksum_v6(src, dst, 17, segment), 0) << "protocol is covered";
  EXPECT_NE(expected_checksum(segment, 16, nullptr), u16_at(packet, 56))
      << "without the pseudo-header the value must differ";
}

TEST(Checksum, VerifyAcceptsBothZeroForms) {
  // Data whose other words sum to 0xffff: the checksum may be sent as 0x0000 or 0xffff.
  EXPECT_TRUE(verify_checksum(hex_bytes("ffff0000")));
  EXPECT_TRUE(verify_checksum(hex_bytes("ffffffff")));
  EXPECT_FALSE(verify_checksum(hex_bytes("fffe0000")));
}

bool all_checksums_correct(const std::vector<std::byte>& packet) {
  const FieldTree tree = dissect_packet(packet);
  int checked = 0;
  for (const Field& f : tree.fields()) {
    if (f.name != "Checksum" && f.name != "Header checksum") continue;
    if (f.value.find("(correct)") == std::string::npos &&
        f.value.find("(none") == std::string::npos) {
      ADD_FAILURE() << f.name << ": " << f.value;
      return false;
    }
    ++checked;
  }
  return checked > 0;
}

TEST(Checksum, FixRestoresTcpAndIpAfterEdits) {
  const auto original = syn_packet();
  auto packet = original;
  packet[8] = std::byte{63};      // TTL: only the IP header checksum covers it
  packet[24] ^= std::byte{0x40};  // sequence number
  ASSERT_TRUE(fix_checksums(packet));
  EXPECT_TRUE(all_checksums_correct(packet));

  // An independent build of the edited packet must come out byte for byte the same.
  TcpSpec t;
  t.seq = 1000000 ^ 0x40000000;
  t.flags = 0x02;
  t.options = linux_syn_options(123456);
  Ipv4Spec ip;
  ip.ttl = 63;
  EXPECT_EQ(packet, to_bytes(tcp_v4(t, ip)));
}

TEST(Checksum, FixUdpKeepsZeroOverIpv4AndSendsComputedZeroAsFfff) {
  auto packet = to_bytes(udp_v4(40000, 53, text_bytes("query")));
  packet[26] = packet[27] = std::byte{0};  // "no checksum"
  packet[30] ^= std::byte{1};
  ASSERT_TRUE(fix_checksums(packet));
  EXPECT_EQ(u16_at(packet, 26), 0) << "zero is the sender's choice, not an error";

  // A payload word equal to the checksum of the zero-payload datagram makes the sum 0xffff,
  // so the computed checksum is 0 and must be sent as 0xffff.
  const auto base = udp_v4(40000, 53, {0, 0});
  const std::uint16_t c = static_cast<std::uint16_t>(base[26] << 8 | base[27]);
  auto zero_sum = to_bytes(
      udp_v4(40000, 53, {static_cast<std::uint8_t>(c >> 8), static_cast<std::uint8_t>(c & 0xff)}));
  zero_sum[26] = std::byte{0x12};
  ASSERT_TRUE(fix_checksums(zero_sum));
  EXPECT_EQ(u16_at(zero_sum, 26), 0xffff);
  EXPECT_TRUE(all_checksums_correct(zero_sum));
}

TEST(Checksum, FixIcmpAndIcmpv6) {
  auto echo = to_bytes(icmp_v4(8, 0, 0x12340001, text_bytes("abcdefgh")));
  const auto echo_ok = echo;
  echo[22] = echo[23] = std::byte{0};
  ASSERT_TRUE(fix_checksums(echo));
  EXPECT_EQ(echo, echo_ok);

  auto echo6 = to_bytes(icmp_v6(128, 0, 0x12340001, text_bytes("abcdefgh")));
  const auto echo6_ok = echo6;
  echo6[42] ^= std::byte{0xff};
  ASSERT_TRUE(fix_checksums(echo6));
  EXPECT_EQ(echo6, echo6_ok);

  auto udp6 = to_bytes(udp_v6(40000, 53, text_bytes("q")));
  const auto udp6_ok = udp6;
  udp6[46] = udp6[47] = std::byte{0};  // zero is not allowed over IPv6: fix computes it
  ASSERT_TRUE(fix_checksums(udp6));
  EXPECT_EQ(udp6, udp6_ok);
}

TEST(Checksum, FixRefusesWhatItCannotCompleteButFixesTheIpHeader) {
  auto packet = syn_packet();
  auto truncated = std::vector<std::byte>(packet.begin(), packet.begin() + 50);
  truncated[10] = truncated[11] = std::byte{0};
  EXPECT_FALSE(fix_checksums(truncated));
  EXPECT_EQ(u16_at(truncated, 10), 0x09da) << "the whole IPv4 header was there to fix";

  Ipv4Spec more_fragments;
  more_fragments.flags_fragment = 0x2000;
  auto fragment = to_bytes(udp_v4(1, 2, text_bytes("part"), more_fragments));
  EXPECT_FALSE(fix_checksums(fragment));

  std::vector<std::byte> junk = {std::byte{0x12}, std::byte{0x34}};
  EXPECT_FALSE(fix_checksums(junk));
  std::vector<std::byte> empty;
  EXPECT_FALSE(fix_checksums(empty));
}

}  // namespace
}  // namespace wirestep::proto
