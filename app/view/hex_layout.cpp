// Hex/ASCII dump geometry shared by the hex widget and its tests.
#include "view/hex_layout.h"

#include <algorithm>
#include <cmath>

namespace wirestep::view {

std::size_t hex_row_count(std::size_t size) { return (size + kHexBytesPerRow - 1) / kHexBytesPerRow; }

HexCell hex_cell_of(std::size_t offset) { return {offset / kHexBytesPerRow, offset % kHexBytesPerRow}; }

std::optional<std::size_t> hex_offset_at(std::size_t row, std::size_t column, std::size_t size) {
  if (column >= kHexBytesPerRow) return std::nullopt;
  const std::size_t offset = row * kHexBytesPerRow + column;
  if (offset >= size) return std::nullopt;
  return offset;
}

std::vector<HexRowSpan> hex_highlight_rows(std::size_t offset, std::size_t length, std::size_t size) {
  std::vector<HexRowSpan> rows;
  if (offset >= size || length == 0) return rows;
  const std::size_t end = std::min(size, offset + length);
  for (std::size_t at = offset; at < end;) {
    const std::size_t row = at / kHexBytesPerRow;
    const std::size_t row_end = std::min(end, (row + 1) * kHexBytesPerRow);
    rows.push_back({row, at % kHexBytesPerRow, row_end - row * kHexBytesPerRow});
    at = row_end;
  }
  return rows;
}

HexColumns hex_columns_for(std::size_t size) {
  HexColumns columns;
  columns.offset_digits = size > 0x10000 ? 8 : 4;
  return columns;
}

std::optional<std::size_t> hex_column_at_cell(const HexColumns& columns, std::size_t cell) {
  for (std::size_t c = 0; c < kHexBytesPerRow; ++c) {
    const std::size_t first = columns.hex_cell(c);
    if (cell >= first && cell < first + 2) return c;
  }
  if (cell >= columns.ascii_start() && cell < columns.ascii_start() + kHexBytesPerRow) {
    return cell - columns.ascii_start();
  }
  return std::nullopt;
}

std::optional<std::size_t> hex_offset_at_point(const HexColumns& columns, float x, float y,
                                               float cell_width, float row_height,
                                               std::size_t size) {
  if (x < 0 || y < 0 || cell_width <= 0 || row_height <= 0) return std::nullopt;
  const auto cell = static_cast<std::size_t>(std::floor(x / cell_width));
  const auto row = static_cast<std::size_t>(std::floor(y / row_height));
  const auto column = hex_column_at_cell(columns, cell);
  if (!column) return std::nullopt;
  return hex_offset_at(row, *column, size);
}

std::string hex_offset_label(const HexColumns& columns, std::size_t offset) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string label(columns.offset_digits, '0');
  for (std::size_t i = 0; i < columns.offset_digits; ++i) {
    label[columns.offset_digits - 1 - i] = kDigits[(offset >> (4 * i)) & 0xF];
  }
  return label;
}

std::string hex_byte_text(std::byte value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto v = std::to_integer<unsigned>(value);
  return {kDigits[v >> 4], kDigits[v & 0xF]};
}

char hex_ascii_char(std::byte value) {
  const auto v = std::to_integer<unsigned>(value);
  return v >= 0x20 && v < 0x7F ? static_cast<char>(v) : '.';
}

}  // namespace wirestep::view
