// OffloadSegmenter: TCP segmentation and checksums as a network card would do them.
#include "wire/offload_segmenter.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "proto/packet/checksum.h"
#include "proto/packet/packet_bytes.h"

namespace wirestep::wire {
namespace {

constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kTcpHeader = 20;
constexpr unsigned kTcpFin = 0x01;
constexpr unsigned kTcpPsh = 0x08;
constexpr unsigned kTcpCwr = 0x80;

void store16(std::span<std::byte> bytes, std::size_t at, std::uint16_t value) {
  bytes[at] = std::byte(value >> 8);
  bytes[at + 1] = std::byte(value & 0xff);
}

void store32(std::span<std::byte> bytes, std::size_t at, std::uint32_t value) {
  store16(bytes, at, static_cast<std::uint16_t>(value >> 16));
  store16(bytes, at + 2, static_cast<std::uint16_t>(value & 0xffff));
}

// The IPv4 and TCP header lengths of a TCP-over-IPv4 packet, or 0 when they make no sense.
std::size_t tcp_v4_headers(std::span<const std::byte> packet) {
  if (packet.size() < kIpv4Header + kTcpHeader) return 0;
  const unsigned first = std::to_integer<unsigned>(packet[0]);
  const std::size_t ip = (first & 0x0F) * 4u;
  if ((first >> 4) != 4 || ip < kIpv4Header || std::to_integer<unsigned>(packet[9]) != 6) return 0;
  if (packet.size() < ip + kTcpHeader) return 0;
  const std::size_t tcp = (std::to_integer<unsigned>(packet[ip + 12]) >> 4) * 4u;
  if (tcp < kTcpHeader || packet.size() < ip + tcp) return 0;
  return ip + tcp;
}

}  // namespace

bool finish_checksum(const VnetHeader& header, std::span<std::byte> packet) {
  const std::size_t start = header.csum_start;
  const std::size_t field = start + header.csum_offset;
  if (start > packet.size() || field + 2 > packet.size()) return false;
  proto::ChecksumSum sum;
  sum.add(packet.subspan(start));
  const std::uint16_t value = sum.checksum();
  store16(packet, field, value == 0 ? 0xffff : value);
  return true;
}

std::size_t OffloadSegmenter::count(const VnetHeader& header, std::span<const std::byte> packet) {
  if ((header.gso_type & ~VnetHeader::kGsoEcn) != VnetHeader::kGsoTcpV4) return 1;
  const std::size_t headers = tcp_v4_headers(packet);
  const std::size_t mss = header.gso_size;
  if (headers == 0 || mss == 0 || packet.size() <= headers + mss) return 1;
  return (packet.size() - headers + mss - 1) / mss;
}

std::size_t OffloadSegmenter::split(const VnetHeader& header, std::span<std::byte> packet,
                                    const Emit& emit) {
  if (count(header, packet) == 1) {
    if ((header.flags & VnetHeader::kNeedsChecksum) != 0) finish_checksum(header, packet);
    emit(packet);
    return 1;
  }
  const std::size_t headers = tcp_v4_headers(packet);
  const std::size_t mss = header.gso_size;
  const std::size_t ip_length = (std::to_integer<unsigned>(packet[0]) & 0x0F) * 4u;
  const auto payload = packet.subspan(headers);
  const proto::PacketBytes read(packet);
  const std::uint16_t first_id = read.u16(4);
  const std::uint32_t first_seq = read.u32(ip_length + 4);
  const unsigned flags = std::to_integer<unsigned>(packet[ip_length + 13]);
  staging_.resize(count(header, packet) * headers + payload.size());
  std::byte* next = staging_.data();
  std::size_t made = 0;
  for (std::size_t offset = 0; offset < payload.size(); offset += mss, ++made) {
    const std::size_t size = std::min(mss, payload.size() - offset);
    const bool last = offset + size == payload.size();
    const std::span<std::byte> out(next, headers + size);
    next += out.size();
    std::memcpy(out.data(), packet.data(), headers);
    std::memcpy(out.data() + headers, payload.data() + offset, size);

    store16(out, 2, static_cast<std::uint16_t>(headers + size));  // total length
    store16(out, 4, static_cast<std::uint16_t>(first_id + made));
    store16(out, 10, 0);
    store16(out, 10, proto::internet_checksum(out.first(ip_length)));

    const auto tcp = out.subspan(ip_length);
    store32(tcp, 4, first_seq + static_cast<std::uint32_t>(offset));
    unsigned these = flags;
    if (!last) these &= ~(kTcpFin | kTcpPsh);
    if (made > 0) these &= ~kTcpCwr;
    tcp[13] = std::byte(these);
    store16(tcp, 16, 0);
    store16(tcp, 16, proto::pseudo_header_checksum_v4(
                         std::span<const std::byte, 4>(out.data() + 12, 4),
                         std::span<const std::byte, 4>(out.data() + 16, 4), 6, tcp));
    emit(out);
  }
  return made;
}

}  // namespace wirestep::wire
