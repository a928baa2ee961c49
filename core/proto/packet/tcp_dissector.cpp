// TCP header fields, each flag as its own row over the flag bits, checksum, options, payload.
#include "proto/packet/tcp_dissector.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "proto/packet/layer_writer.h"
#include "proto/packet/packet_dissector.h"
#include "proto/packet/packet_summary.h"
#include "proto/packet/tcp_option_dissector.h"

namespace wirestep::proto {

namespace {

constexpr std::size_t kTcpMinHeader = 20;
constexpr std::uint16_t kAeBit = 0x100;  // Accurate ECN (RFC 9768), once the ECN nonce (NS)

std::string flags_value(std::uint16_t bits) {
  std::string names = tcp_flags_text(static_cast<std::uint8_t>(bits & 0xffu));
  if ((bits & kAeBit) != 0) names = names.empty() ? "AE" : "AE, " + names;
  return names.empty() ? fmt::format("0x{:03x}", bits) : fmt::format("0x{:03x} ({})", bits, names);
}

void add_flags(LayerWriter& w, int tcp) {
  const std::uint16_t bits = w.u16(12) & 0x0fffu;
  const int row = w.add(tcp, "Flags", flags_value(bits), 12, 2);
  const unsigned reserved = (bits >> 9) & 7u;
  w.add(row, "Reserved",
        reserved == 0 ? "Not set" : fmt::format("0x{:x} (should be zero)", reserved), 12, 1,
        reserved == 0 ? FieldSeverity::Normal : FieldSeverity::Note);
  w.add(row, "Accurate ECN (AE)", std::string(set_text((bits & kAeBit) != 0)), 12, 1);
  struct Bit {
    std::uint8_t mask;
    const char* name;
  };
  // Highest bit first, the order in which they sit in the byte.
  static constexpr Bit kBits[] = {
      {TcpFlags::kCwr, "Congestion window reduced (CWR)"},
      {TcpFlags::kEce, "ECN-Echo (ECE)"},
      {TcpFlags::kUrg, "Urgent (URG)"},
      {TcpFlags::kAck, "Acknowledgment (ACK)"},
      {TcpFlags::kPsh, "Push (PSH)"},
      {TcpFlags::kRst, "Reset (RST)"},
      {TcpFlags::kSyn, "Syn (SYN)"},
      {TcpFlags::kFin, "Fin (FIN)"},
  };
  for (const Bit& b : kBits) {
    w.add(row, b.name, std::string(set_text((bits & b.mask) != 0)), 13, 1);
  }
}

std::string summary_text(const LayerWriter& w, std::size_t header_length) {
  if (!w.has(0, 14)) return {};
  const std::uint8_t flags = w.u8(13);
  const std::string names = tcp_flags_text(flags);
  std::string out = fmt::format("{} \u2192 {} [{}] seq={}", w.u16(0), w.u16(2),
                                names.empty() ? "<none>" : names, w.u32(4));
  if ((flags & TcpFlags::kAck) != 0) out += fmt::format(" ack={}", w.u32(8));
  if (header_length >= kTcpMinHeader && header_length <= w.stated()) {
    out += fmt::format(" len={}", w.stated() - header_length);
  }
  return out;
}

}  // namespace

void dissect_tcp(FieldTree& tree, int parent, const PacketSlice& slice,
                 const TransportContext& context) {
  LayerWriter w(tree, slice);
  const std::size_t stated = w.stated();
  const std::size_t header_length = (w.u8(12) >> 4) * 4u;
  const std::size_t shown = std::min(std::max(header_length, kTcpMinHeader), w.captured());
  const int tcp = w.add(parent, std::string(kTcpLayer), summary_text(w, header_length), 0, shown);
  if (tcp == LayerWriter::kSkipped) return;
  w.add(tcp, "Source port", std::to_string(w.u16(0)), 0, 2);
  w.add(tcp, "Destination port", std::to_string(w.u16(2)), 2, 2);
  w.add(tcp, "Sequence number", std::to_string(w.u32(4)), 4, 4);
  const bool ack = (w.u8(13) & TcpFlags::kAck) != 0;
  if (!ack && w.u32(8) != 0 && w.has(13, 1)) {
    w.add(tcp, "Acknowledgment number",
          fmt::format("{} (ACK flag not set: the receiver ignores it)", w.u32(8)), 8, 4,
          FieldSeverity::Note);
  } else {
    w.add(tcp, "Acknowledgment number", std::to_string(w.u32(8)), 8, 4);
  }
  const bool bad_length = header_length < kTcpMinHeader || header_length > stated;
  w.add(tcp, "Header length", fmt::format("{} bytes ({})", header_length, header_length / 4), 12, 1,
        bad_length ? FieldSeverity::Error : FieldSeverity::Normal);
  add_flags(w, tcp);
  w.add(tcp, "Window", std::to_string(w.u16(14)), 14, 2);

  if (slice.quoted) {
    w.checksum(tcp, "Checksum", 16, ChecksumStatus::Unverified, 0, "quoted in an ICMP error");
  } else if (context.fragmented) {
    w.checksum(tcp, "Checksum", 16, ChecksumStatus::Unverified, 0, "the datagram is fragmented");
  } else if (!slice.complete()) {
    w.checksum(tcp, "Checksum", 16, ChecksumStatus::Unverified, 0, "segment truncated");
  } else {
    const ChecksumVerdict v = judge_checksum(w.bytes(0, stated), 16, &context.pseudo);
    w.checksum(tcp, "Checksum", 16, v.status, v.expected);
  }
  w.add(tcp, "Urgent pointer", std::to_string(w.u16(18)), 18, 2);

  if (stated < kTcpMinHeader) {
    w.problem(tcp, FieldSeverity::Error,
              fmt::format("TCP header needs 20 bytes but the IP payload has {}", stated));
    return;
  }
  if (!w.has(0, kTcpMinHeader)) {
    w.truncated(tcp, "TCP header", kTcpMinHeader);
    return;
  }
  if (header_length < kTcpMinHeader) {
    w.problem(tcp, FieldSeverity::Error,
              fmt::format("Header length {} bytes is below the minimum of 20", header_length), 12);
    return;
  }
  if (header_length > stated) {
    w.problem(tcp, FieldSeverity::Error,
              fmt::format("Header length {} bytes is longer than the segment ({})", header_length,
                          bytes_text(stated)),
              12);
    return;
  }
  dissect_tcp_options(w, tcp, kTcpMinHeader, header_length);
  if (!w.has(0, header_length)) {
    w.truncated(tcp, "TCP header", header_length);
    return;
  }

  const std::size_t payload_length = stated - header_length;
  if (payload_length == 0) return;
  LayerWriter pw(tree, slice.inner(header_length, payload_length, false));
  // A quote usually stops before the payload; a row for bytes that are not there says nothing.
  if (slice.quoted && pw.captured() == 0) return;
  const int data =
      pw.add(parent, std::string(kDataLayer), bytes_text(payload_length), 0, pw.captured());
  if (pw.captured() < payload_length && !slice.quoted) {
    pw.truncated(data, "Payload", payload_length);
  }
}

}  // namespace wirestep::proto
