// ICMPv6: errors with their quoted packet, echo, router/neighbour discovery and their options.
#include "proto/packet/icmpv6_dissector.h"

#include <fmt/format.h>

#include <string>

#include "proto/packet/ip_field_text.h"
#include "proto/packet/layer_writer.h"
#include "proto/packet/packet_dissector.h"
#include "proto/packet/protocol_names.h"

namespace wirestep::proto {

namespace {

std::string named(std::uint8_t number, std::string_view name) {
  return name.empty() ? std::to_string(number) : fmt::format("{} ({})", number, name);
}

std::string_view nd_option_name(std::uint8_t type) {
  switch (type) {
    case 1: return "Source link-layer address";
    case 2: return "Target link-layer address";
    case 3: return "Prefix information";
    case 4: return "Redirected header";
    case 5: return "MTU";
    case 25: return "Recursive DNS server";
    default: return "";
  }
}

std::string link_layer_text(std::span<const std::byte> bytes) {
  std::string out;
  for (std::byte b : bytes) {
    if (!out.empty()) out += ':';
    out += fmt::format("{:02x}", std::to_integer<unsigned>(b));
  }
  return out;
}

// Neighbour discovery options: type, length in units of 8 bytes, data (RFC 4861 §4.6).
void add_nd_options(LayerWriter& w, int icmp, std::size_t start, std::size_t end) {
  std::size_t at = start;
  while (at < end) {
    if (at + 2 > end) {
      w.problem(icmp, FieldSeverity::Error, "Option header runs past the message", at, end - at);
      return;
    }
    if (!w.has(at, 2)) return;
    const std::uint8_t type = w.u8(at);
    const std::size_t length = w.u8(at + 1) * 8u;
    if (length == 0) {
      // RFC 4861 §4.6: a zero length must make the receiver drop the packet (it would loop).
      w.problem(icmp, FieldSeverity::Error, "Option length 0 (the message must be discarded)", at,
                end - at);
      return;
    }
    if (at + length > end) {
      w.problem(icmp, FieldSeverity::Error,
                fmt::format("Option length {} runs past the message ({} left)", length, end - at),
                at, end - at);
      return;
    }
    if (!w.has(at, length)) return;
    std::string value;
    if (type == 1 || type == 2) {
      value = link_layer_text(w.bytes(at + 2, length - 2));
    } else if (type == 5 && length == 8) {
      value = std::to_string(w.u32(at + 4));
    } else if (type == 3 && length == 32) {
      value = fmt::format("{}/{}", ip_address_text(w.bytes(at + 16, 16)), w.u8(at + 2));
    } else {
      value = bytes_text(length - 2);
    }
    const std::string_view name = nd_option_name(type);
    const int row =
        w.add(icmp, name.empty() ? fmt::format("Option type {}", type) : std::string(name), value,
              at, length);
    w.add(row, "Type", std::to_string(type), at, 1);
    w.add(row, "Length", fmt::format("{} ({})", length / 8, bytes_text(length)), at + 1, 1);
    w.add(row, "Data", hex_text(w.bytes(at + 2, length - 2)), at + 2, length - 2);
    at += length;
  }
}

// Fields after the checksum; returns where options or the quoted packet begin.
std::size_t add_body(LayerWriter& w, int icmp, std::uint8_t type) {
  switch (type) {
    case 1:
    case 3: w.add(icmp, "Unused", fmt::format("0x{:08x}", w.u32(4)), 4, 4); return 8;
    case 2:
      // RFC 8201: the MTU of the next link, so the sender can shrink what it sends.
      w.add(icmp, "MTU", std::to_string(w.u32(4)), 4, 4);
      return 8;
    case 4: w.add(icmp, "Pointer", std::to_string(w.u32(4)), 4, 4); return 8;
    case 128:
    case 129:
      w.add(icmp, "Identifier", fmt::format("0x{:04x} ({})", w.u16(4), w.u16(4)), 4, 2);
      w.add(icmp, "Sequence number", fmt::format("{} (0x{:04x})", w.u16(6), w.u16(6)), 6, 2);
      return 8;
    case 133: w.add(icmp, "Reserved", fmt::format("0x{:08x}", w.u32(4)), 4, 4); return 8;
    case 134:
      w.add(icmp, "Current hop limit", std::to_string(w.u8(4)), 4, 1);
      w.add(icmp, "Flags", fmt::format("0x{:02x}", w.u8(5)), 5, 1);
      w.add(icmp, "Router lifetime", fmt::format("{} s", w.u16(6)), 6, 2);
      w.add(icmp, "Reachable time", fmt::format("{} ms", w.u32(8)), 8, 4);
      w.add(icmp, "Retransmit timer", fmt::format("{} ms", w.u32(12)), 12, 4);
      return 16;
    case 135:
      w.add(icmp, "Reserved", fmt::format("0x{:08x}", w.u32(4)), 4, 4);
      w.add(icmp, "Target address", ip_address_text(w.bytes(8, 16)), 8, 16);
      return 24;
    case 136: {
      const std::uint8_t bits = w.u8(4);
      const int flags = w.add(icmp, "Flags", fmt::format("0x{:08x}", w.u32(4)), 4, 4);
      w.add(flags, "Router", std::string(set_text((bits & 0x80u) != 0)), 4, 1);
      w.add(flags, "Solicited", std::string(set_text((bits & 0x40u) != 0)), 4, 1);
      w.add(flags, "Override", std::string(set_text((bits & 0x20u) != 0)), 4, 1);
      w.add(icmp, "Target address", ip_address_text(w.bytes(8, 16)), 8, 16);
      return 24;
    }
    case 137:
      w.add(icmp, "Reserved", fmt::format("0x{:08x}", w.u32(4)), 4, 4);
      w.add(icmp, "Target address", ip_address_text(w.bytes(8, 16)), 8, 16);
      w.add(icmp, "Destination address", ip_address_text(w.bytes(24, 16)), 24, 16);
      return 40;
    default: w.add(icmp, "Message body", hex_text(w.bytes(4, 4)), 4, 4); return 8;
  }
}

bool has_nd_options(std::uint8_t type) { return type >= 133 && type <= 137; }

}  // namespace

void dissect_icmpv6(FieldTree& tree, int parent, const PacketSlice& slice,
                    const TransportContext& context) {
  LayerWriter w(tree, slice);
  const std::size_t stated = w.stated();
  const std::uint8_t type = w.u8(0);
  const std::uint8_t code = w.u8(1);
  const std::string_view type_name = icmpv6_type_name(type);
  const std::string_view code_name = icmpv6_code_name(type, code);
  std::string summary;
  if (w.has(0, 2)) {
    summary =
        type_name.empty() ? fmt::format("type {} code {}", type, code) : std::string(type_name);
    if (!code_name.empty()) summary += fmt::format(" ({})", code_name);
    if ((type == 135 || type == 136) && w.has(8, 16)) {
      summary += fmt::format(" for {}", ip_address_text(w.bytes(8, 16)));
    }
  }
  const int icmp =
      w.add(parent, std::string(kIcmpv6Layer), summary, 0, std::min(stated, w.captured()));
  if (icmp == LayerWriter::kSkipped) return;
  w.add(icmp, "Type", named(type, type_name), 0, 1);
  w.add(icmp, "Code", named(code, code_name), 1, 1);
  if (slice.quoted) {
    w.checksum(icmp, "Checksum", 2, ChecksumStatus::Unverified, 0, "quoted in an ICMP error");
  } else if (context.fragmented) {
    w.checksum(icmp, "Checksum", 2, ChecksumStatus::Unverified, 0, "the datagram is fragmented");
  } else if (!slice.complete()) {
    w.checksum(icmp, "Checksum", 2, ChecksumStatus::Unverified, 0, "message truncated");
  } else {
    // Unlike ICMP for IPv4, ICMPv6 covers the pseudo-header too (RFC 4443 §2.3).
    const ChecksumVerdict v = judge_checksum(w.bytes(0, stated), 2, &context.pseudo);
    w.checksum(icmp, "Checksum", 2, v.status, v.expected);
  }
  const std::size_t fixed = add_body(w, icmp, type);
  if (stated < fixed) {
    w.problem(icmp, FieldSeverity::Error,
              fmt::format("{} needs {} bytes but the IP payload has {}",
                          type_name.empty() ? "This ICMPv6 message" : type_name, fixed, stated));
    return;
  }
  if (!w.has(0, fixed)) {
    w.truncated(icmp, "ICMPv6 header", fixed);
    return;
  }
  if (has_nd_options(type)) {
    add_nd_options(w, icmp, fixed, stated);
  } else if (stated > fixed) {
    const PacketSlice inner = slice.inner(fixed, stated - fixed, icmpv6_is_error(type));
    if (icmpv6_is_error(type) && !slice.quoted) {
      dissect_ip(tree, icmp, inner);
    } else {
      LayerWriter dw(tree, inner);
      dw.add(icmp, "Data", bytes_text(stated - fixed), 0, dw.captured());
    }
  }
  if (!slice.complete() && !slice.quoted) w.truncated(icmp, "ICMPv6 message", stated);
}

}  // namespace wirestep::proto
