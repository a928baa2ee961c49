// IPv6 header (RFC 8200) plus hop-by-hop, routing, fragment, destination-options and AH headers.
#include "proto/packet/ipv6_dissector.h"

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

std::string_view extension_name(std::uint8_t type) {
  switch (type) {
    case kIpProtoHopByHop: return "Hop-by-hop options";
    case kIpProtoRouting: return "Routing header";
    case kIpProtoFragment: return "Fragment header";
    case kIpProtoDestOptions: return "Destination options";
    case kIpProtoAh: return "Authentication header";
    default: return "Extension header";
  }
}

std::string_view option_name(std::uint8_t type) {
  switch (type) {
    case 0x00: return "Pad1";
    case 0x01: return "PadN";
    case 0x04: return "Tunnel encapsulation limit";
    case 0x05: return "Router alert";
    case 0xc2: return "Jumbo payload";
    default: return "";
  }
}

// Hop-by-hop and destination options share one TLV format (RFC 8200 §4.2).
void add_options(LayerWriter& w, int parent, std::size_t start, std::size_t end) {
  std::size_t at = start;
  while (at < end && w.has(at, 1)) {
    const std::uint8_t type = w.u8(at);
    if (type == 0) {
      w.add(parent, "Pad1", "1 byte of padding", at, 1);
      ++at;
      continue;
    }
    if (at + 2 > end) {
      w.problem(parent, FieldSeverity::Error, "Option header runs past the extension header", at,
                end - at);
      return;
    }
    // Bytes missing from the capture are reported once, by the caller, as truncation.
    if (!w.has(at, 2)) return;
    const std::size_t length = 2u + w.u8(at + 1);
    if (at + length > end) {
      w.problem(parent, FieldSeverity::Error,
                fmt::format("Option length {} runs past the extension header ({} left)", length - 2,
                            end - at - 2),
                at, end - at);
      return;
    }
    if (!w.has(at, length)) return;
    const std::string_view name = option_name(type);
    const int row =
        w.add(parent, name.empty() ? fmt::format("Option 0x{:02x}", type) : std::string(name),
              fmt::format("{}: {}", bytes_text(length - 2), hex_text(w.bytes(at + 2, length - 2))),
              at, length);
    w.add(row, "Type", fmt::format("0x{:02x}", type), at, 1);
    w.add(row, "Length", std::to_string(length - 2), at + 1, 1);
    at += length;
  }
}

void add_extension(LayerWriter& w, int ip, const IpExtensionHeader& ext) {
  const std::size_t at = ext.offset;
  std::string value;
  if (ext.type == kIpProtoFragment && w.has(at, 8)) {
    value = fmt::format("offset {}, {}more fragments, id 0x{:08x}", (w.u16(at + 2) >> 3) * 8u,
                        (w.u8(at + 3) & 1u) != 0 ? "" : "no ", w.u32(at + 4));
  }
  const std::size_t shown =
      std::min<std::size_t>(ext.length, w.captured() - std::min(w.captured(), at));
  const int row = w.add(ip, std::string(extension_name(ext.type)), value, at, shown);
  w.add(row, "Next header", protocol_text(w.u8(at)), at, 1);
  switch (ext.type) {
    case kIpProtoFragment:
      w.add(row, "Reserved", std::to_string(w.u8(at + 1)), at + 1, 1);
      w.add(row, "Fragment offset", bytes_text((w.u16(at + 2) >> 3) * 8u), at + 2, 2);
      w.add(row, "More fragments", std::string(set_text((w.u8(at + 3) & 1u) != 0)), at + 3, 1);
      w.add(row, "Identification", fmt::format("0x{:08x}", w.u32(at + 4)), at + 4, 4);
      return;
    case kIpProtoAh:
      w.add(row, "Payload length", fmt::format("{} ({})", w.u8(at + 1), bytes_text(ext.length)),
            at + 1, 1);
      w.add(row, "Reserved", fmt::format("0x{:04x}", w.u16(at + 2)), at + 2, 2);
      w.add(row, "Security parameters index", fmt::format("0x{:08x}", w.u32(at + 4)), at + 4, 4);
      w.add(row, "Sequence number", std::to_string(w.u32(at + 8)), at + 8, 4);
      if (ext.length > 12) {
        w.add(row, "Integrity check value", hex_text(w.bytes(at + 12, ext.length - 12)), at + 12,
              ext.length - 12);
      }
      return;
    case kIpProtoRouting:
      w.add(row, "Header extension length",
            fmt::format("{} ({})", w.u8(at + 1), bytes_text(ext.length)), at + 1, 1);
      w.add(row, "Routing type", std::to_string(w.u8(at + 2)), at + 2, 1);
      w.add(row, "Segments left", std::to_string(w.u8(at + 3)), at + 3, 1);
      w.add(row, "Data", hex_text(w.bytes(at + 4, ext.length - 4)), at + 4, ext.length - 4);
      return;
    default:
      w.add(row, "Header extension length",
            fmt::format("{} ({})", w.u8(at + 1), bytes_text(ext.length)), at + 1, 1);
      add_options(w, row, at + 2, at + ext.length);
      return;
  }
}

}  // namespace

void dissect_ipv6(FieldTree& tree, int parent, const PacketSlice& slice) {
  LayerWriter w(tree, slice);
  const std::size_t captured = w.captured();
  const IpLayout l = locate_ip(w.bytes(0, captured));
  std::size_t header_end = kIpv6Header;
  for (std::size_t i = 0; i < l.extension_count; ++i) {
    header_end = l.extensions[i].offset + l.extensions[i].length;
  }
  const std::string src = ip_address_text(w.bytes(8, 16));
  const std::string dst = ip_address_text(w.bytes(24, 16));
  const int ip = w.add(parent, std::string(kIpv6Layer),
                       src.empty() || dst.empty() ? "" : fmt::format("{} \u2192 {}", src, dst), 0,
                       std::min(header_end, captured));
  w.add(ip, "Version", "6", 0, 1);
  const std::uint8_t traffic_class = static_cast<std::uint8_t>((w.u16(0) >> 4) & 0xffu);
  const int tc = w.add(ip, "Traffic class", fmt::format("0x{:02x}", traffic_class), 0, 2);
  w.add(tc, "DSCP", dscp_text(traffic_class >> 2), 0, 2);
  w.add(tc, "ECN", ecn_text(traffic_class & 3u), 0, 2);
  w.add(ip, "Flow label", fmt::format("0x{:05x}", w.u32(0) & 0xfffffu), 1, 3);
  if (l.length_from_capture) {
    w.add(ip, "Payload length", "0 (jumbogram or segmentation offload; using the captured length)",
          4, 2, FieldSeverity::Note);
  } else {
    w.add(ip, "Payload length", std::to_string(w.u16(4)), 4, 2);
  }
  w.add(ip, "Next header", protocol_text(w.u8(6)), 6, 1);
  w.add(ip, "Hop limit", std::to_string(w.u8(7)), 7, 1);
  w.add(ip, "Source address", src, 8, 16);
  w.add(ip, "Destination address", dst, 24, 16);
  if (!w.has(0, kIpv6Header)) {
    w.truncated(ip, "IPv6 header", kIpv6Header);
    return;
  }
  for (std::size_t i = 0; i < l.extension_count; ++i) add_extension(w, ip, l.extensions[i]);

  if (!l.ok()) {
    const bool listed =
        l.extension_count > 0 && l.extensions[l.extension_count - 1].offset == l.transport_offset;
    const std::size_t need = listed ? l.extensions[l.extension_count - 1].length : 2;
    if (l.extension_count == kMaxIpExtensionHeaders && !listed) {
      w.problem(ip, FieldSeverity::Warning,
                fmt::format("More than {} extension headers; the rest is not dissected",
                            kMaxIpExtensionHeaders),
                l.transport_offset);
    } else if (l.transport_offset + need > l.total_length) {
      w.problem(ip, FieldSeverity::Error,
                fmt::format("{} runs past the payload length ({} bytes needed, {} left)",
                            extension_name(l.protocol), need,
                            l.total_length - std::min(l.total_length, l.transport_offset)),
                l.transport_offset);
    } else {
      w.truncated(ip, extension_name(l.protocol), need, l.transport_offset);
    }
    return;
  }
  const std::size_t total = l.total_length;
  if (captured < total && !slice.quoted) w.truncated(ip, "IPv6 packet", total);
  if (captured > total && !slice.quoted) {
    w.add(parent, "Trailer",
          fmt::format("{} after the packet's payload length", bytes_text(captured - total)), total,
          captured - total, FieldSeverity::Note);
  }

  const PacketSlice payload = slice.inner(l.transport_offset, total - l.transport_offset, false);
  LayerWriter pw(tree, payload);
  if (!l.first_fragment) {
    pw.add(parent, std::string(kDataLayer),
           fmt::format("{} of {} at fragment offset {} (the upper-layer header is in the first "
                       "fragment)",
                       bytes_text(pw.captured()), protocol_text(l.protocol), l.fragment_offset),
           0, pw.captured(), FieldSeverity::Note);
    return;
  }
  if (l.protocol == kIpProtoNoNext || l.protocol == kIpProtoEsp) {
    if (pw.captured() > 0) {
      pw.add(parent, std::string(kDataLayer),
             fmt::format("{} ({})", bytes_text(pw.captured()),
                         l.protocol == kIpProtoEsp ? "encrypted: ESP" : "after No next header"),
             0, pw.captured(), FieldSeverity::Note);
    }
    return;
  }
  TransportContext context;
  context.pseudo = l.pseudo;
  context.fragmented = l.fragmented;
  dissect_transport(tree, parent, payload, 6, l.protocol, context);
}

}  // namespace wirestep::proto
