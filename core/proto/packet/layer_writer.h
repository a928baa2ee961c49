// LayerWriter: adds one layer's fields to a FieldTree, bounds-checked against captured bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "proto/field_tree.h"
#include "proto/packet/packet_bytes.h"
#include "proto/packet/packet_slice.h"

namespace wirestep::proto {

// How a checksum field turned out; the dissectors show the same words for every protocol.
enum class ChecksumStatus { Correct, Incorrect, Unverified, None };

// Offsets given to a LayerWriter are relative to its layer; it turns them into buffer offsets.
// A field whose bytes were not captured is not added (add returns kSkipped), and neither are
// its children, so a truncated header shows exactly the fields that are there and no field
// ever points outside the buffer.
class LayerWriter {
 public:
  static constexpr int kSkipped = -2;

  LayerWriter(FieldTree& tree, const PacketSlice& slice);

  const PacketSlice& slice() const { return slice_; }
  FieldTree& tree() { return tree_; }
  std::size_t captured() const { return bytes_.size(); }
  std::size_t stated() const { return slice_.length; }

  bool has(std::size_t rel, std::size_t length) const { return bytes_.has(rel, length); }
  std::uint8_t u8(std::size_t rel) const { return bytes_.u8(rel); }
  std::uint16_t u16(std::size_t rel) const { return bytes_.u16(rel); }
  std::uint32_t u32(std::size_t rel) const { return bytes_.u32(rel); }
  std::span<const std::byte> bytes(std::size_t rel, std::size_t length) const {
    return bytes_.sub(rel, length);
  }
  std::uint32_t absolute(std::size_t rel) const;

  int add(int parent, std::string name, std::string value, std::size_t rel, std::size_t length,
          FieldSeverity severity = FieldSeverity::Normal);
  // A row named after its severity ("Note", "Warning", "Error") at rel, covering length bytes
  // (clipped to what was captured). Most problems cover no bytes: a problem row covering a
  // header's bytes would win the hex view's byte-to-field lookup over the header's own fields.
  // Bytes that no other field explains (a bad option, extra bytes) are worth covering.
  int problem(int parent, FieldSeverity severity, std::string text, std::size_t rel = 0,
              std::size_t length = 0);
  // "<what> truncated: <have> of <need> bytes" for a structure starting at rel: a Warning, or a
  // Note inside a quote. The row sits where the captured bytes end.
  int truncated(int parent, std::string_view what, std::size_t need, std::size_t rel = 0);
  // "0x1c46 (correct)", "0x1c47 (incorrect, should be 0x1c46)" (Error), "(unverified: why)".
  int checksum(int parent, std::string name, std::size_t rel, ChecksumStatus status,
               std::uint16_t expected, std::string_view why = {});

 private:
  FieldTree& tree_;
  PacketSlice slice_;
  PacketBytes bytes_;  // only this layer's captured bytes
};

// Verifies the checksum whose field sits at field_offset inside data.
struct ChecksumVerdict {
  ChecksumStatus status = ChecksumStatus::Unverified;
  std::uint16_t expected = 0;  // what the field should hold
};
ChecksumVerdict judge_checksum(std::span<const std::byte> data, std::size_t field_offset,
                               const PseudoHeader* pseudo = nullptr);

// "1 byte", "20 bytes".
std::string bytes_text(std::size_t n);
// Lowercase hex without separators, cut with "…" past max_bytes so a tree row stays one line.
std::string hex_text(std::span<const std::byte> bytes, std::size_t max_bytes = 32);
// "Set" / "Not set" for flag rows.
std::string_view set_text(bool set);

}  // namespace wirestep::proto
