// Packets a test reads back from a trace recorded on the virtual wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trace/trace.h"

namespace wirestep::testing {

// The TCP flags byte of an IPv4 packet (0 when it is not TCP or too short).
inline std::uint8_t tcp_flags(const trace::Event& packet) {
  const auto bytes = packet.payload.span();
  if (bytes.size() < 20 || std::to_integer<unsigned>(bytes[9]) != 6) return 0;
  const std::size_t header = (std::to_integer<unsigned>(bytes[0]) & 0x0F) * 4u;
  if (bytes.size() < header + 14) return 0;
  return std::to_integer<std::uint8_t>(bytes[header + 13]);
}

inline std::uint32_t tcp_u32(const trace::Event& packet, std::size_t field_offset) {
  const auto bytes = packet.payload.span();
  const std::size_t header = (std::to_integer<unsigned>(bytes[0]) & 0x0F) * 4u;
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | std::to_integer<std::uint32_t>(bytes[header + field_offset + i]);
  return value;
}
inline std::uint32_t tcp_seq(const trace::Event& packet) { return tcp_u32(packet, 4); }
inline std::uint32_t tcp_ack(const trace::Event& packet) { return tcp_u32(packet, 8); }

// Packets with this verdict, in trace order; without one, every packet that reached its host
// (delivered, late, a duplicate or damaged: everything but held and dropped).
inline std::vector<const trace::Event*> packets(const trace::Trace& trace,
                                                std::optional<trace::Verdict> verdict = std::nullopt) {
  std::vector<const trace::Event*> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind != trace::EventKind::Packet) continue;
    const bool arrived = e.verdict != trace::Verdict::Held && e.verdict != trace::Verdict::Dropped;
    if (verdict ? e.verdict == *verdict : arrived) out.push_back(&e);
  }
  return out;
}

inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

}  // namespace wirestep::testing
