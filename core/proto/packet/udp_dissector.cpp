// UDP header fields; checksum verified over the pseudo-header, zero meaning "none" over IPv4.
#include "proto/packet/udp_dissector.h"

#include <fmt/format.h>

#include <string>

#include "proto/packet/layer_writer.h"
#include "proto/packet/packet_dissector.h"

namespace wirestep::proto {

namespace {

constexpr std::size_t kUdpHeader = 8;

}  // namespace

void dissect_udp(FieldTree& tree, int parent, const PacketSlice& slice,
                 const TransportContext& context) {
  LayerWriter w(tree, slice);
  const std::size_t stated = w.stated();
  const std::size_t length = w.u16(4);
  const bool length_ok = length >= kUdpHeader && length <= stated;
  const int udp = w.add(parent, std::string(kUdpLayer),
                        w.has(0, 6) ? fmt::format("{} \u2192 {} len={}", w.u16(0), w.u16(2),
                                                  length_ok ? length - kUdpHeader : 0)
                                    : "",
                        0, std::min(kUdpHeader, w.captured()));
  if (udp == LayerWriter::kSkipped) return;
  w.add(udp, "Source port", std::to_string(w.u16(0)), 0, 2);
  w.add(udp, "Destination port", std::to_string(w.u16(2)), 2, 2);
  w.add(udp, "Length", std::to_string(length), 4, 2,
        length_ok || !w.has(4, 2) ? FieldSeverity::Normal : FieldSeverity::Error);

  const std::uint16_t stored = w.u16(6);
  if (stored == 0 && context.pseudo.family == 4) {
    w.checksum(udp, "Checksum", 6, ChecksumStatus::None, 0, "the sender did not compute one");
  } else if (stored == 0) {
    // RFC 8200 §8.1: over IPv6 the UDP checksum is mandatory (tunnels aside, RFC 6935).
    w.add(udp, "Checksum", "0x0000 (missing: required over IPv6)", 6, 2, FieldSeverity::Error);
  } else if (slice.quoted) {
    w.checksum(udp, "Checksum", 6, ChecksumStatus::Unverified, 0, "quoted in an ICMP error");
  } else if (context.fragmented) {
    w.checksum(udp, "Checksum", 6, ChecksumStatus::Unverified, 0, "the datagram is fragmented");
  } else if (!length_ok) {
    w.checksum(udp, "Checksum", 6, ChecksumStatus::Unverified, 0, "the length is wrong");
  } else if (!w.has(0, length)) {
    w.checksum(udp, "Checksum", 6, ChecksumStatus::Unverified, 0, "datagram truncated");
  } else {
    ChecksumVerdict v = judge_checksum(w.bytes(0, length), 6, &context.pseudo);
    // A computed zero is sent as 0xffff: zero on the wire means "no checksum".
    if (v.expected == 0) v.expected = 0xffff;
    w.checksum(udp, "Checksum", 6, v.status, v.expected);
  }

  if (stated < kUdpHeader) {
    w.problem(udp, FieldSeverity::Error,
              fmt::format("UDP header needs 8 bytes but the IP payload has {}", stated));
    return;
  }
  if (!w.has(0, kUdpHeader)) {
    w.truncated(udp, "UDP header", kUdpHeader);
    return;
  }
  if (length < kUdpHeader) {
    w.problem(udp, FieldSeverity::Error,
              fmt::format("Length {} is below the 8-byte header", length), 4);
    return;
  }
  if (length > stated) {
    w.problem(udp, FieldSeverity::Error,
              fmt::format("Length {} is more than the IP payload ({})", length, bytes_text(stated)),
              4);
    return;
  }
  if (length < stated && !slice.quoted) {
    w.problem(udp, FieldSeverity::Note,
              fmt::format("{} after the datagram's length, inside the IP payload",
                          bytes_text(stated - length)),
              length, stated - length);
  }
  const std::size_t payload_length = length - kUdpHeader;
  if (payload_length == 0) return;
  LayerWriter pw(tree, slice.inner(kUdpHeader, payload_length, false));
  // A quote usually stops before the payload; a row for bytes that are not there says nothing.
  if (slice.quoted && pw.captured() == 0) return;
  const int data =
      pw.add(parent, std::string(kDataLayer), bytes_text(payload_length), 0, pw.captured());
  if (pw.captured() < payload_length && !slice.quoted) {
    pw.truncated(data, "Payload", payload_length);
  }
}

}  // namespace wirestep::proto
