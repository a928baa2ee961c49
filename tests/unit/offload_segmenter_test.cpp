// OffloadSegmenter: a TSO segment cut into exactly the packets the kernel's software
// segmentation would send, and partial checksums finished as the kernel finishes them.
// Expected packets come from the test's packet builder and its own reference checksum.
#include "wire/offload_segmenter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "support/packet_builder.h"

namespace wirestep::wire {
namespace {

using namespace wirestep::testing;

constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kPsh = 0x08;
constexpr std::uint8_t kAck = 0x10;
constexpr std::uint8_t kCwr = 0x80;

std::vector<std::uint8_t> payload_of(std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  return bytes;
}

// What the kernel puts in the checksum field of a packet it leaves partial: the folded sum of
// the pseudo-header (with this packet's TCP length), not yet complemented.
void make_partial(std::vector<std::byte>& packet, std::size_t ip_header, std::uint8_t protocol,
                  std::size_t field) {
  const std::size_t upper = packet.size() - ip_header;
  std::uint32_t sum = 0;
  for (std::size_t i = 12; i < 20; i += 2) {
    sum += std::to_integer<std::uint32_t>(packet[i]) << 8 | std::to_integer<std::uint32_t>(packet[i + 1]);
  }
  sum += protocol + static_cast<std::uint32_t>(upper);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  packet[ip_header + field] = std::byte(sum >> 8);
  packet[ip_header + field + 1] = std::byte(sum & 0xff);
}

VnetHeader tso_header(std::uint16_t mss, std::size_t ip_header) {
  VnetHeader header;
  header.flags = VnetHeader::kNeedsChecksum;
  header.gso_type = VnetHeader::kGsoTcpV4;
  header.gso_size = mss;
  header.csum_start = static_cast<std::uint16_t>(ip_header);
  header.csum_offset = 16;
  return header;
}

// The segment the kernel hands over, and the packets it would have sent instead.
struct Case {
  std::vector<std::byte> segment;
  std::vector<std::vector<std::byte>> expected;
};

Case make_case(std::size_t payload_size, std::uint16_t mss, std::uint8_t flags) {
  TcpSpec t;
  t.seq = 0xfffff000;  // the sequence numbers wrap inside the segment
  t.ack = 777;
  t.flags = flags;
  t.options = {1, 1, 8, 10, 0, 0, 0, 42, 0, 0, 0, 7};  // NOP NOP timestamps: same in every packet
  t.payload = payload_of(payload_size);
  Ipv4Spec ip;
  ip.id = 0xfffe;  // the IP ID wraps too
  Case c;
  c.segment = to_bytes(tcp_v4(t, ip));
  make_partial(c.segment, 20, 6, 16);
  const auto all = t.payload;
  for (std::size_t offset = 0, i = 0; offset < all.size(); offset += mss, ++i) {
    const std::size_t size = std::min<std::size_t>(mss, all.size() - offset);
    TcpSpec piece = t;
    piece.seq = t.seq + static_cast<std::uint32_t>(offset);
    piece.payload.assign(all.begin() + static_cast<std::ptrdiff_t>(offset),
                         all.begin() + static_cast<std::ptrdiff_t>(offset + size));
    const bool last = offset + size == all.size();
    piece.flags = static_cast<std::uint8_t>(flags & ~(last ? 0 : kFin | kPsh) & ~(i == 0 ? 0 : kCwr));
    Ipv4Spec piece_ip = ip;
    piece_ip.id = static_cast<std::uint16_t>(ip.id + i);
    c.expected.push_back(to_bytes(tcp_v4(piece, piece_ip)));
  }
  return c;
}

std::vector<std::vector<std::byte>> split_all(OffloadSegmenter& segmenter, const VnetHeader& header,
                                              std::vector<std::byte>& packet, std::size_t* returned = nullptr) {
  std::vector<std::vector<std::byte>> out;
  const std::size_t n = segmenter.split(header, packet, [&](std::span<std::byte> p) { out.emplace_back(p.begin(), p.end()); });
  if (returned != nullptr) *returned = n;
  return out;
}

TEST(OffloadSegmenter, CutsASegmentIntoThePacketsSoftwareSegmentationWouldSend) {
  // 2,500 bytes at an MSS of 1,000: 1,000 + 1,000 + 500. FIN and PSH only on the last
  // packet, CWR only on the first; sequence numbers and IP IDs advance (and wrap); every
  // checksum is whole — each packet equal, byte for byte, to one built independently.
  Case c = make_case(2500, 1000, kFin | kPsh | kAck | kCwr);
  const VnetHeader header = tso_header(1000, 20);
  EXPECT_EQ(OffloadSegmenter::count(header, c.segment), 3u);
  const auto before = c.segment;
  OffloadSegmenter segmenter;
  std::size_t returned = 0;
  const auto packets = split_all(segmenter, header, c.segment, &returned);
  EXPECT_EQ(returned, 3u);
  ASSERT_EQ(packets.size(), c.expected.size());
  for (std::size_t i = 0; i < packets.size(); ++i) EXPECT_EQ(packets[i], c.expected[i]) << "packet " << i;
  EXPECT_EQ(c.segment, before) << "the segment itself is left as the kernel gave it";
}

TEST(OffloadSegmenter, APayloadOfWholeMssesEndsWithAFullPacket) {
  Case c = make_case(3 * 1448, 1448, kPsh | kAck);
  OffloadSegmenter segmenter;
  const auto packets = split_all(segmenter, tso_header(1448, 20), c.segment);
  ASSERT_EQ(packets.size(), 3u);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].size(), 20u + 32u + 1448u);
    EXPECT_EQ(packets[i], c.expected[i]) << "packet " << i;
  }
}

TEST(OffloadSegmenter, PacketsOfOneSplitLieBackToBack) {
  // The wire records all the packets of a segment with one copy.
  Case c = make_case(5000, 1448, kAck);
  OffloadSegmenter segmenter;
  std::vector<std::span<std::byte>> spans;
  segmenter.split(tso_header(1448, 20), c.segment, [&](std::span<std::byte> p) { spans.push_back(p); });
  ASSERT_EQ(spans.size(), 4u);
  for (std::size_t i = 1; i < spans.size(); ++i) EXPECT_EQ(spans[i].data(), spans[i - 1].data() + spans[i - 1].size());
}

TEST(OffloadSegmenter, FinishesAPartialChecksumAsTheKernelWould) {
  // A small packet (odd length, so the last byte is padded) with only the pseudo-header's sum
  // in its checksum field comes out whole and equal to one checksummed independently.
  TcpSpec t;
  t.seq = 1;
  t.flags = kPsh | kAck;
  t.payload = text_bytes("hello");
  const auto whole = to_bytes(tcp_v4(t));
  auto partial = whole;
  make_partial(partial, 20, 6, 16);
  ASSERT_NE(partial, whole);
  VnetHeader header;
  header.flags = VnetHeader::kNeedsChecksum;
  header.csum_start = 20;
  header.csum_offset = 16;
  OffloadSegmenter segmenter;
  std::size_t returned = 0;
  const auto packets = split_all(segmenter, header, partial, &returned);
  EXPECT_EQ(returned, 1u);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0], whole);
  EXPECT_EQ(partial, whole) << "finished in place: the packet itself is what goes on";

  auto datagram = to_bytes(udp_v4(5353, 9, text_bytes("a datagram")));
  const auto whole_datagram = datagram;
  make_partial(datagram, 20, 17, 6);
  header.csum_offset = 6;
  ASSERT_TRUE(finish_checksum(header, datagram));
  EXPECT_EQ(datagram, whole_datagram);
}

TEST(OffloadSegmenter, AComputedZeroIsSentAsFfff) {
  // The field (bytes 2–3) is seeded with 0xedcb and 0x1234 + 0xedcb = 0xffff: the checksum,
  // its complement, would be 0, which for UDP means "none". The kernel stores 0xffff, the
  // other form of zero, and so does the wire.
  std::vector<std::byte> bytes{std::byte{0x12}, std::byte{0x34}, std::byte{0xed}, std::byte{0xcb}};
  VnetHeader header;
  header.flags = VnetHeader::kNeedsChecksum;
  header.csum_start = 0;
  header.csum_offset = 2;
  ASSERT_TRUE(finish_checksum(header, bytes));
  EXPECT_EQ(bytes[2], std::byte{0xff});
  EXPECT_EQ(bytes[3], std::byte{0xff});
}

TEST(OffloadSegmenter, OffsetsOutsideThePacketLeaveItAlone) {
  std::vector<std::byte> bytes(30, std::byte{0x5a});
  const auto before = bytes;
  VnetHeader header;
  header.flags = VnetHeader::kNeedsChecksum;
  header.csum_start = 20;
  header.csum_offset = 9;  // the field would end at 31
  EXPECT_FALSE(finish_checksum(header, bytes));
  header.csum_start = 40;
  header.csum_offset = 0;
  EXPECT_FALSE(finish_checksum(header, bytes));
  EXPECT_EQ(bytes, before);
}

TEST(OffloadSegmenter, WhatIsNotASegmentToCutPassesWhole) {
  OffloadSegmenter segmenter;
  // A whole packet with a plain header: given on untouched, the same bytes in place.
  Case c = make_case(2500, 1000, kAck);
  auto plain = c.expected[0];
  const auto before = plain;
  std::vector<std::span<std::byte>> seen;
  EXPECT_EQ(segmenter.split(VnetHeader{}, plain, [&](std::span<std::byte> p) { seen.push_back(p); }), 1u);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].data(), plain.data());
  EXPECT_EQ(plain, before);

  // Marked for cutting but no larger than one MSS: one packet, its checksum finished.
  auto small = c.expected[0];
  const auto whole = small;
  make_partial(small, 20, 6, 16);
  EXPECT_EQ(split_all(segmenter, tso_header(1000, 20), small), std::vector<std::vector<std::byte>>{whole});

  // Marked for cutting but not TCP over IPv4, or an MSS of 0: never cut, never read past the end.
  auto datagram = to_bytes(udp_v4(1, 2, payload_of(3000)));
  EXPECT_EQ(OffloadSegmenter::count(tso_header(1000, 20), datagram), 1u);
  EXPECT_EQ(split_all(segmenter, VnetHeader{0, VnetHeader::kGsoTcpV4, 0, 1000, 0, 0}, datagram).size(), 1u);
  auto segment = c.segment;
  EXPECT_EQ(OffloadSegmenter::count(tso_header(0, 20), segment), 1u);
  std::vector<std::byte> runt(12, std::byte{0x45});
  EXPECT_EQ(OffloadSegmenter::count(tso_header(1000, 20), runt), 1u);
  EXPECT_EQ(split_all(segmenter, VnetHeader{0, VnetHeader::kGsoTcpV4, 0, 1000, 0, 0}, runt).size(), 1u);
}

}  // namespace
}  // namespace wirestep::wire
