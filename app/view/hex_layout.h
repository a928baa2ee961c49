// Hex/ASCII dump geometry: byte offset <-> row/column <-> character cell, and highlight ranges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wirestep::view {

inline constexpr std::size_t kHexBytesPerRow = 16;

struct HexCell {
  std::size_t row = 0;
  std::size_t column = 0;  // 0..15
  friend bool operator==(const HexCell&, const HexCell&) = default;
};

std::size_t hex_row_count(std::size_t size);
HexCell hex_cell_of(std::size_t offset);
// The byte at row/column, or nullopt past the end of the data.
std::optional<std::size_t> hex_offset_at(std::size_t row, std::size_t column, std::size_t size);

// A highlighted run of bytes within one row: columns [first, end).
struct HexRowSpan {
  std::size_t row = 0;
  std::size_t first = 0;
  std::size_t end = 0;
  friend bool operator==(const HexRowSpan&, const HexRowSpan&) = default;
};
// The rows a field's bytes [offset, offset + length) cover, clipped to the data.
std::vector<HexRowSpan> hex_highlight_rows(std::size_t offset, std::size_t length, std::size_t size);

// Where things sit on a row, in character cells of a monospace grid:
//   "0010  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1.."
struct HexColumns {
  std::size_t offset_digits = 4;  // 4 or 8 hex digits, whichever fits the data
  std::size_t hex_start() const { return offset_digits + 2; }
  // First cell of byte column c's two hex digits (an extra gap after the 8th byte).
  std::size_t hex_cell(std::size_t column) const { return hex_start() + column * 3 + (column >= 8 ? 1 : 0); }
  std::size_t ascii_start() const { return hex_cell(kHexBytesPerRow - 1) + 2 + 2; }
  std::size_t ascii_cell(std::size_t column) const { return ascii_start() + column; }
  std::size_t total_cells() const { return ascii_start() + kHexBytesPerRow; }
};
HexColumns hex_columns_for(std::size_t size);

// The byte column under character cell `cell` (hex digits or the ASCII column), nullopt for
// the gaps, the offset column and past the end.
std::optional<std::size_t> hex_column_at_cell(const HexColumns& columns, std::size_t cell);
// The byte under a point measured from the dump's top-left, for a cell size in pixels.
std::optional<std::size_t> hex_offset_at_point(const HexColumns& columns, float x, float y,
                                               float cell_width, float row_height,
                                               std::size_t size);

std::string hex_offset_label(const HexColumns& columns, std::size_t offset);  // "0010"
std::string hex_byte_text(std::byte value);                                     // "0d"
char hex_ascii_char(std::byte value);  // printable ASCII as is, everything else '.'

}  // namespace wirestep::view
