// IPv4 header (RFC 791): every field with its bytes, checksum verified, options shown raw.
#include "proto/packet/ipv4_dissector.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "proto/packet/ip_field_text.h"
#include "proto/packet/ip_layout.h"
#include "proto/packet/layer_writer.h"
#include "proto/packet/packet_dissector.h"
#include "proto/packet/protocol_names.h"

namespace wirestep::proto {

namespace {

std::string protocol_text(std::uint8_t protocol) {
  const std::string_view name = ip_protocol_name(protocol);
  return name.empty() ? std::to_string(protocol) : fmt::format("{} ({})", name, protocol);
}

std::string flags_text(std::uint8_t flags) {
  std::string names;
  if ((flags & 4u) != 0) names = "Reserved";
  if ((flags & 2u) != 0) names += names.empty() ? "Don't fragment" : ", Don't fragment";
  if ((flags & 1u) != 0) names += names.empty() ? "More fragments" : ", More fragments";
  return names.empty() ? fmt::format("0x{:x}", flags) : fmt::format("0x{:x} ({})", flags, names);
}

void add_flags(LayerWriter& w, int ip) {
  const std::uint8_t flags = w.u8(6) >> 5;
  const int row = w.add(ip, "Flags", flags_text(flags), 6, 1);
  // RFC 3514's joke aside, the reserved bit must be zero; a set bit is worth pointing out.
  w.add(row, "Reserved bit", std::string(set_text((flags & 4u) != 0)), 6, 1,
        (flags & 4u) != 0 ? FieldSeverity::Warning : FieldSeverity::Normal);
  w.add(row, "Don't fragment", std::string(set_text((flags & 2u) != 0)), 6, 1);
  w.add(row, "More fragments", std::string(set_text((flags & 1u) != 0)), 6, 1);
}

}  // namespace

void dissect_ipv4(FieldTree& tree, int parent, const PacketSlice& slice) {
  LayerWriter w(tree, slice);
  const std::size_t captured = w.captured();
  const std::size_t ihl = (w.u8(0) & 0x0fu) * 4u;
  const std::size_t shown = std::min(std::max(ihl, kIpv4MinHeader), captured);
  const std::string src = ip_address_text(w.bytes(12, 4));
  const std::string dst = ip_address_text(w.bytes(16, 4));
  const int ip =
      w.add(parent, std::string(kIpv4Layer),
            src.empty() || dst.empty() ? "" : fmt::format("{} \u2192 {}", src, dst), 0, shown);
  w.add(ip, "Version", "4", 0, 1);
  if (ihl < kIpv4MinHeader) {
    w.add(ip, "Header length", fmt::format("{} bytes ({})", ihl, ihl / 4), 0, 1,
          FieldSeverity::Error);
    w.problem(ip, FieldSeverity::Error,
              fmt::format("Header length {} bytes is below the minimum of 20", ihl));
    return;
  }
  w.add(ip, "Header length", fmt::format("{} bytes ({})", ihl, ihl / 4), 0, 1);
  const int ds = w.add(ip, "Differentiated services", fmt::format("0x{:02x}", w.u8(1)), 1, 1);
  w.add(ds, "DSCP", dscp_text(w.u8(1) >> 2), 1, 1);
  w.add(ds, "ECN", ecn_text(w.u8(1) & 3u), 1, 1);

  std::size_t total = w.u16(2);
  const bool length_from_capture = total == 0 && captured > ihl && w.has(2, 2);
  if (length_from_capture) {
    // Captures taken before segmentation offload show 0; the bytes we have are the packet.
    total = captured;
    w.add(ip, "Total length", "0 (not set: segmentation offload; using the captured length)", 2, 2,
          FieldSeverity::Note);
  } else {
    w.add(ip, "Total length", std::to_string(total), 2, 2,
          total < ihl ? FieldSeverity::Error : FieldSeverity::Normal);
  }
  w.add(ip, "Identification", fmt::format("0x{:04x} ({})", w.u16(4), w.u16(4)), 4, 2);
  add_flags(w, ip);
  const std::size_t fragment_offset = (w.u16(6) & 0x1fffu) * 8u;
  const bool more_fragments = (w.u8(6) & 0x20u) != 0;
  w.add(ip, "Fragment offset", bytes_text(fragment_offset), 6, 2);
  w.add(ip, "Time to live", std::to_string(w.u8(8)), 8, 1);
  const std::uint8_t protocol = w.u8(9);
  w.add(ip, "Protocol", fmt::format("{}", protocol_text(protocol)), 9, 1);
  if (w.has(0, ihl)) {
    const ChecksumVerdict v = judge_checksum(w.bytes(0, ihl), 10);
    w.checksum(ip, "Header checksum", 10, v.status, v.expected);
  } else {
    w.checksum(ip, "Header checksum", 10, ChecksumStatus::Unverified, 0, "header truncated");
  }
  w.add(ip, "Source address", src, 12, 4);
  w.add(ip, "Destination address", dst, 16, 4);
  if (ihl > kIpv4MinHeader) {
    const std::size_t n = ihl - kIpv4MinHeader;
    w.add(ip, "Options", fmt::format("{}: {}", bytes_text(n), hex_text(w.bytes(20, n))), 20, n);
  }
  if (!w.has(0, ihl)) {
    w.truncated(ip, "IPv4 header", ihl);
    return;
  }
  if (total < ihl) {
    w.problem(ip, FieldSeverity::Error,
              fmt::format("Total length {} is smaller than the {}-byte header", total, ihl), 2);
    return;
  }
  if (captured < total && !slice.quoted) {
    w.truncated(ip, "IPv4 packet", total);
  }
  if (captured > total && !slice.quoted) {
    w.add(parent, "Trailer",
          fmt::format("{} after the packet's total length", bytes_text(captured - total)), total,
          captured - total, FieldSeverity::Note);
  }

  const PacketSlice payload = slice.inner(ihl, total - ihl, false);
  if (fragment_offset != 0) {
    LayerWriter pw(tree, payload);
    pw.add(parent, std::string(kDataLayer),
           fmt::format("{} of {} at fragment offset {} (the transport header is in the first "
                       "fragment)",
                       bytes_text(pw.captured()), protocol_text(protocol), fragment_offset),
           0, pw.captured(), FieldSeverity::Note);
    return;
  }
  TransportContext context;
  context.pseudo.family = 4;
  context.pseudo.protocol = protocol;
  const auto src_bytes = w.bytes(12, 4);
  const auto dst_bytes = w.bytes(16, 4);
  std::copy(src_bytes.begin(), src_bytes.end(), context.pseudo.src.begin());
  std::copy(dst_bytes.begin(), dst_bytes.end(), context.pseudo.dst.begin());
  context.fragmented = more_fragments;
  dissect_transport(tree, parent, payload, 4, protocol, context);
}

}  // namespace wirestep::proto
