// LayerWriter: the bounds rules every packet dissector shares, and the shared value texts.
#include "proto/packet/layer_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace wirestep::proto {

namespace {

std::uint32_t clamp32(std::size_t n) {
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(n, std::numeric_limits<std::uint32_t>::max()));
}

std::string_view severity_name(FieldSeverity severity) {
  switch (severity) {
    case FieldSeverity::Note: return "Note";
    case FieldSeverity::Warning: return "Warning";
    case FieldSeverity::Error: return "Error";
    case FieldSeverity::Normal: break;
  }
  return "Info";
}

}  // namespace

LayerWriter::LayerWriter(FieldTree& tree, const PacketSlice& slice)
    : tree_(tree),
      slice_(slice),
      bytes_(slice.captured() == 0 ? std::span<const std::byte>{}
                                   : slice.buffer.subspan(slice.offset, slice.captured())) {}

std::uint32_t LayerWriter::absolute(std::size_t rel) const {
  return clamp32(slice_.offset + std::min(rel, bytes_.size()));
}

int LayerWriter::add(int parent, std::string name, std::string value, std::size_t rel,
                     std::size_t length, FieldSeverity severity) {
  if (parent == kSkipped || !has(rel, length)) return kSkipped;
  return tree_.add(parent, std::move(name), std::move(value), absolute(rel), clamp32(length),
                   severity);
}

int LayerWriter::problem(int parent, FieldSeverity severity, std::string text, std::size_t rel,
                         std::size_t length) {
  if (parent == kSkipped) return kSkipped;
  const std::size_t start = std::min(rel, bytes_.size());
  const std::size_t covered = std::min(length, bytes_.size() - start);
  return tree_.add(parent, std::string(severity_name(severity)), std::move(text), absolute(start),
                   clamp32(covered), severity);
}

int LayerWriter::truncated(int parent, std::string_view what, std::size_t need, std::size_t rel) {
  const std::size_t have = rel < bytes_.size() ? bytes_.size() - rel : 0;
  if (slice_.quoted) {
    return problem(parent, FieldSeverity::Note,
                   fmt::format("{} cut short: {} of {} bytes (an ICMP error quotes only the "
                               "start of the packet)",
                               what, have, need),
                   bytes_.size());
  }
  return problem(parent, FieldSeverity::Warning,
                 fmt::format("{} truncated: {} of {} bytes", what, have, need), bytes_.size());
}

int LayerWriter::checksum(int parent, std::string name, std::size_t rel, ChecksumStatus status,
                          std::uint16_t expected, std::string_view why) {
  const std::uint16_t stored = u16(rel);
  switch (status) {
    case ChecksumStatus::Correct:
      return add(parent, std::move(name), fmt::format("0x{:04x} (correct)", stored), rel, 2);
    case ChecksumStatus::Incorrect:
      return add(parent, std::move(name),
                 fmt::format("0x{:04x} (incorrect, should be 0x{:04x})", stored, expected), rel, 2,
                 FieldSeverity::Error);
    case ChecksumStatus::Unverified:
      return add(parent, std::move(name), fmt::format("0x{:04x} (unverified: {})", stored, why),
                 rel, 2);
    case ChecksumStatus::None: break;
  }
  return add(parent, std::move(name),
             fmt::format("0x{:04x} (none{}{})", stored, why.empty() ? "" : ": ", why), rel, 2);
}

ChecksumVerdict judge_checksum(std::span<const std::byte> data, std::size_t field_offset,
                               const PseudoHeader* pseudo) {
  ChecksumVerdict v;
  v.expected = expected_checksum(data, field_offset, pseudo);
  v.status = verify_checksum(data, pseudo) ? ChecksumStatus::Correct : ChecksumStatus::Incorrect;
  return v;
}

std::string bytes_text(std::size_t n) { return fmt::format("{} {}", n, n == 1 ? "byte" : "bytes"); }

std::string hex_text(std::span<const std::byte> bytes, std::size_t max_bytes) {
  std::string out;
  const std::size_t n = std::min(bytes.size(), max_bytes);
  out.reserve(n * 2 + 3);
  for (std::size_t i = 0; i < n; ++i) {
    out += fmt::format("{:02x}", std::to_integer<unsigned>(bytes[i]));
  }
  if (bytes.size() > n) out += "\u2026";
  return out;
}

std::string_view set_text(bool set) { return set ? "Set" : "Not set"; }

}  // namespace wirestep::proto
