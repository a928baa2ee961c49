// ICMPv4 messages: type and code named, checksum verified, echo id/seq, quoted packet of errors.
#include "proto/packet/icmp_dissector.h"

#include <fmt/format.h>

#include <string>

#include "proto/packet/ip_field_text.h"
#include "proto/packet/layer_writer.h"
#include "proto/packet/packet_dissector.h"
#include "proto/packet/protocol_names.h"

namespace wirestep::proto {

namespace {

constexpr std::size_t kIcmpHeader = 8;  // type, code, checksum, and four type-specific bytes

std::string named(std::uint8_t number, std::string_view name) {
  return name.empty() ? std::to_string(number) : fmt::format("{} ({})", number, name);
}

// The four bytes after the checksum, whose meaning depends on the type.
void add_rest_of_header(LayerWriter& w, int icmp, std::uint8_t type, std::uint8_t code) {
  switch (type) {
    case 0:
    case 8:
    case 13:
    case 14:
      w.add(icmp, "Identifier", fmt::format("0x{:04x} ({})", w.u16(4), w.u16(4)), 4, 2);
      w.add(icmp, "Sequence number", fmt::format("{} (0x{:04x})", w.u16(6), w.u16(6)), 6, 2);
      return;
    case 3:
      if (code == 4) {
        // RFC 1191: the MTU that did not fit, so path MTU discovery can shrink its segments.
        w.add(icmp, "Unused", fmt::format("0x{:04x}", w.u16(4)), 4, 2);
        w.add(icmp, "Next-hop MTU", std::to_string(w.u16(6)), 6, 2);
        return;
      }
      break;
    case 5: w.add(icmp, "Gateway address", ip_address_text(w.bytes(4, 4)), 4, 4); return;
    case 12:
      w.add(icmp, "Pointer", std::to_string(w.u8(4)), 4, 1);
      w.add(icmp, "Unused", fmt::format("0x{:06x}", w.u32(4) & 0xffffffu), 5, 3);
      return;
    default: break;
  }
  if (icmp_is_error(type)) {
    w.add(icmp, "Unused", fmt::format("0x{:08x}", w.u32(4)), 4, 4);
  } else {
    w.add(icmp, "Rest of header", hex_text(w.bytes(4, 4)), 4, 4);
  }
}

}  // namespace

void dissect_icmp(FieldTree& tree, int parent, const PacketSlice& slice,
                  const TransportContext& context) {
  LayerWriter w(tree, slice);
  const std::size_t stated = w.stated();
  const std::uint8_t type = w.u8(0);
  const std::uint8_t code = w.u8(1);
  const std::string_view type_name = icmp_type_name(type);
  const std::string_view code_name = icmp_code_name(type, code);
  std::string summary;
  if (w.has(0, 2)) {
    summary =
        type_name.empty() ? fmt::format("type {} code {}", type, code) : std::string(type_name);
    if (!code_name.empty()) summary += fmt::format(" ({})", code_name);
  }
  const int icmp =
      w.add(parent, std::string(kIcmpLayer), summary, 0, std::min(stated, w.captured()));
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
    // ICMP for IPv4 has no pseudo-header: the checksum covers the message alone.
    const ChecksumVerdict v = judge_checksum(w.bytes(0, stated), 2);
    w.checksum(icmp, "Checksum", 2, v.status, v.expected);
  }
  add_rest_of_header(w, icmp, type, code);
  if (stated < kIcmpHeader) {
    w.problem(icmp, FieldSeverity::Error,
              fmt::format("ICMP header needs 8 bytes but the IP payload has {}", stated));
    return;
  }
  if (!w.has(0, kIcmpHeader)) {
    w.truncated(icmp, "ICMP header", kIcmpHeader);
    return;
  }
  if (type == 13 || type == 14) {
    w.add(icmp, "Originate timestamp", fmt::format("{} ms after midnight UT", w.u32(8)), 8, 4);
    w.add(icmp, "Receive timestamp", fmt::format("{} ms after midnight UT", w.u32(12)), 12, 4);
    w.add(icmp, "Transmit timestamp", fmt::format("{} ms after midnight UT", w.u32(16)), 16, 4);
    if (!w.has(0, 20)) w.truncated(icmp, "ICMP timestamp message", 20);
    return;
  }
  const std::size_t body = stated - kIcmpHeader;
  if (body == 0) return;
  const PacketSlice inner = slice.inner(kIcmpHeader, body, icmp_is_error(type));
  if (icmp_is_error(type) && !slice.quoted) {
    // The quoted IP header and the first 8 bytes after it: what tells the sender which of its
    // packets (which connection, which port) the error is about.
    dissect_ip(tree, icmp, inner);
  } else {
    // An echo's data, or an error quoted inside another quote (shown raw: real routers never
    // send errors about errors, and nesting without end would cost stack for nothing).
    LayerWriter dw(tree, inner);
    dw.add(icmp, "Data", bytes_text(body), 0, dw.captured());
  }
  if (!slice.complete() && !slice.quoted) {
    w.truncated(icmp, "ICMP message", stated);
  }
}

}  // namespace wirestep::proto
