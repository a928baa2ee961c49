// TCP options: MSS, window scale, SACK-permitted, SACK blocks, timestamps, NOP, EOL, unknown.
#include "proto/packet/tcp_option_dissector.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "proto/packet/protocol_names.h"

namespace wirestep::proto {

namespace {

constexpr std::uint8_t kEol = 0;
constexpr std::uint8_t kNop = 1;
constexpr std::uint8_t kMss = 2;
constexpr std::uint8_t kWindowScale = 3;
constexpr std::uint8_t kSackPermitted = 4;
constexpr std::uint8_t kSack = 5;
constexpr std::uint8_t kTimestamps = 8;
// RFC 7323 §2.3: larger shifts are treated as 14.
constexpr std::uint8_t kMaxWindowShift = 14;

std::string option_label(std::uint8_t kind) {
  const std::string_view name = tcp_option_name(kind);
  return name.empty() ? fmt::format("Option kind {}", kind) : std::string(name);
}

// The length a known option must have, 0 when any length >= 2 is acceptable.
bool length_ok(std::uint8_t kind, std::size_t length) {
  switch (kind) {
    case kMss: return length == 4;
    case kWindowScale: return length == 3;
    case kSackPermitted: return length == 2;
    case kTimestamps: return length == 10;
    // One to four blocks of two 32-bit edges (three fit beside timestamps).
    case kSack: return length >= 10 && length <= 34 && (length - 2) % 8 == 0;
    default: return true;
  }
}

std::string_view expected_length_text(std::uint8_t kind) {
  switch (kind) {
    case kMss: return "4";
    case kWindowScale: return "3";
    case kSackPermitted: return "2";
    case kTimestamps: return "10";
    case kSack: return "2 + 8 per block, 1 to 4 blocks";
    default: return "";
  }
}

void append(std::string& list, std::string_view item) {
  if (!list.empty()) list += ", ";
  list += item;
}

// Adds one well-formed option with known length; returns its short text for the summary.
std::string add_option(LayerWriter& w, int options, std::size_t at, std::uint8_t kind,
                       std::size_t length) {
  std::string value;
  std::string brief;
  switch (kind) {
    case kMss:
      value = fmt::format("{} bytes", w.u16(at + 2));
      brief = fmt::format("MSS {}", w.u16(at + 2));
      break;
    case kWindowScale: {
      const std::uint8_t shift = w.u8(at + 2);
      const unsigned applied = std::min(shift, kMaxWindowShift);
      value = fmt::format("{} (window \u00d7 {})", shift, 1u << applied);
      brief = fmt::format("WS \u00d7{}", 1u << applied);
      break;
    }
    case kSackPermitted:
      value = "";
      brief = "SACK permitted";
      break;
    case kSack: {
      const std::size_t blocks = (length - 2) / 8;
      value = fmt::format("{} {}", blocks, blocks == 1 ? "block" : "blocks");
      for (std::size_t b = 0; b < blocks; ++b) {
        value += fmt::format("{} {}-{}", b == 0 ? ":" : ",", w.u32(at + 2 + b * 8),
                             w.u32(at + 6 + b * 8));
      }
      brief = fmt::format("SACK {}", blocks);
      break;
    }
    case kTimestamps:
      value = fmt::format("TSval {}, TSecr {}", w.u32(at + 2), w.u32(at + 6));
      brief = fmt::format("TSval {} TSecr {}", w.u32(at + 2), w.u32(at + 6));
      break;
    default:
      value = length > 2 ? hex_text(w.bytes(at + 2, length - 2)) : "";
      brief = option_label(kind);
      break;
  }
  const int row = w.add(options, option_label(kind), value, at, length);
  w.add(row, "Kind", std::to_string(kind), at, 1);
  w.add(row, "Length", std::to_string(length), at + 1, 1);
  switch (kind) {
    case kMss: w.add(row, "MSS value", fmt::format("{} bytes", w.u16(at + 2)), at + 2, 2); break;
    case kWindowScale: {
      const std::uint8_t shift = w.u8(at + 2);
      if (shift > kMaxWindowShift) {
        w.add(row, "Shift count", fmt::format("{} (above the maximum of 14; treated as 14)", shift),
              at + 2, 1, FieldSeverity::Warning);
      } else {
        w.add(row, "Shift count", fmt::format("{} (multiply by {})", shift, 1u << shift), at + 2,
              1);
      }
      break;
    }
    case kSack:
      for (std::size_t b = 0; b * 8 + 10 <= length; ++b) {
        const std::size_t edge = at + 2 + b * 8;
        const int block =
            w.add(row, "SACK block", fmt::format("{}-{}", w.u32(edge), w.u32(edge + 4)), edge, 8);
        w.add(block, "Left edge", std::to_string(w.u32(edge)), edge, 4);
        w.add(block, "Right edge", std::to_string(w.u32(edge + 4)), edge + 4, 4);
      }
      break;
    case kTimestamps:
      w.add(row, "Timestamp value", std::to_string(w.u32(at + 2)), at + 2, 4);
      w.add(row, "Timestamp echo reply", std::to_string(w.u32(at + 6)), at + 6, 4);
      break;
    case kSackPermitted: break;
    default:
      if (length > 2) w.add(row, "Data", hex_text(w.bytes(at + 2, length - 2)), at + 2, length - 2);
      break;
  }
  return brief;
}

}  // namespace

void dissect_tcp_options(LayerWriter& w, int tcp, std::size_t start, std::size_t end) {
  if (end <= start || !w.has(start, 1)) return;
  const std::size_t shown = std::min(end, w.captured()) - start;
  const int options = w.add(tcp, "Options", bytes_text(end - start), start, shown);
  std::string list;
  std::size_t at = start;
  while (at < end) {
    if (!w.has(at, 1)) break;
    const std::uint8_t kind = w.u8(at);
    if (kind == kEol) {
      w.add(options, "End of option list (EOL)", "", at, 1);
      append(list, "EOL");
      // Whatever follows EOL up to the data offset is padding, which must be zero.
      const std::size_t rest = std::min(end, w.captured()) - (at + 1);
      if (rest > 0) {
        const auto pad = w.bytes(at + 1, rest);
        const bool zero =
            std::all_of(pad.begin(), pad.end(), [](std::byte b) { return b == std::byte{0}; });
        w.add(options, "Padding",
              zero ? bytes_text(rest)
                   : fmt::format("{} (not zero: {})", bytes_text(rest), hex_text(pad)),
              at + 1, rest, zero ? FieldSeverity::Normal : FieldSeverity::Note);
      }
      break;
    }
    if (kind == kNop) {
      w.add(options, "No-operation (NOP)", "", at, 1);
      append(list, "NOP");
      ++at;
      continue;
    }
    if (at + 2 > end) {
      w.problem(
          options, FieldSeverity::Error,
          fmt::format("{} (kind {}) has no room for its length byte", option_label(kind), kind), at,
          end - at);
      break;
    }
    if (!w.has(at, 2)) break;
    const std::size_t length = w.u8(at + 1);
    if (length < 2) {
      w.problem(options, FieldSeverity::Error,
                fmt::format("{} (kind {}): length {} is below the minimum of 2", option_label(kind),
                            kind, length),
                at, end - at);
      break;
    }
    if (at + length > end) {
      w.problem(options, FieldSeverity::Error,
                fmt::format("{} (kind {}): length {} runs past the end of the options ({} left)",
                            option_label(kind), kind, length, end - at),
                at, end - at);
      break;
    }
    if (!w.has(at, length)) break;
    if (!length_ok(kind, length)) {
      // The length byte is self-consistent, so parsing can go on past this option.
      const int row =
          w.add(options, option_label(kind),
                fmt::format("length {}, should be {}", length, expected_length_text(kind)), at,
                length, FieldSeverity::Error);
      w.add(row, "Kind", std::to_string(kind), at, 1);
      w.add(row, "Length", std::to_string(length), at + 1, 1, FieldSeverity::Error);
      append(list, fmt::format("{} (malformed)", option_label(kind)));
      at += length;
      continue;
    }
    append(list, add_option(w, options, at, kind, length));
    at += length;
  }
  if (options >= 0) {
    w.tree()[static_cast<std::size_t>(options)].value =
        list.empty() ? bytes_text(end - start)
                     : fmt::format("{}: {}", bytes_text(end - start), list);
  }
}

}  // namespace wirestep::proto
