// Hex dump geometry: offsets <-> rows/columns/cells and the row spans a field highlights.
#include "view/hex_layout.h"

#include <gtest/gtest.h>

namespace wirestep::view {
namespace {

TEST(HexLayout, RowsAndCellsFollowSixteenBytesPerRow) {
  EXPECT_EQ(hex_row_count(0), 0u);
  EXPECT_EQ(hex_row_count(16), 1u);
  EXPECT_EQ(hex_row_count(17), 2u);
  EXPECT_EQ(hex_cell_of(17), (HexCell{1, 1}));
  EXPECT_EQ(hex_offset_at(1, 1, 40), 17u);
  EXPECT_EQ(hex_offset_at(2, 8, 40), std::nullopt);  // byte 40 is past the end
  EXPECT_EQ(hex_offset_at(0, 16, 40), std::nullopt);
}

TEST(HexLayout, HighlightSplitsAFieldAcrossRowsAndClipsToTheData) {
  // "Host: x\r\n" at 16..24 of a 27-byte request: one row.
  EXPECT_EQ(hex_highlight_rows(16, 9, 27), (std::vector<HexRowSpan>{{1, 0, 9}}));
  // Bytes 10..37 cross two row boundaries.
  EXPECT_EQ(hex_highlight_rows(10, 28, 100),
            (std::vector<HexRowSpan>{{0, 10, 16}, {1, 0, 16}, {2, 0, 6}}));
  EXPECT_EQ(hex_highlight_rows(20, 50, 27), (std::vector<HexRowSpan>{{1, 4, 11}}));
  EXPECT_TRUE(hex_highlight_rows(30, 5, 27).empty());
  EXPECT_TRUE(hex_highlight_rows(3, 0, 27).empty());
}

TEST(HexLayout, CellsMapBackToByteColumnsInBothTheHexAndTheAsciiPart) {
  const HexColumns columns = hex_columns_for(100);
  EXPECT_EQ(columns.offset_digits, 4u);
  EXPECT_EQ(columns.hex_cell(0), 6u);
  EXPECT_EQ(columns.hex_cell(7), 27u);
  EXPECT_EQ(columns.hex_cell(8), 31u);  // the extra gap after eight bytes
  for (std::size_t c = 0; c < kHexBytesPerRow; ++c) {
    EXPECT_EQ(hex_column_at_cell(columns, columns.hex_cell(c)), c);
    EXPECT_EQ(hex_column_at_cell(columns, columns.hex_cell(c) + 1), c);
    EXPECT_EQ(hex_column_at_cell(columns, columns.ascii_cell(c)), c);
  }
  EXPECT_EQ(hex_column_at_cell(columns, 0), std::nullopt);                      // offset column
  EXPECT_EQ(hex_column_at_cell(columns, columns.hex_cell(0) + 2), std::nullopt);  // gap
  EXPECT_EQ(hex_column_at_cell(columns, columns.total_cells()), std::nullopt);
  EXPECT_EQ(hex_columns_for(0x20000).offset_digits, 8u);
}

TEST(HexLayout, PointsHitTheByteUnderThem) {
  const HexColumns columns = hex_columns_for(27);
  const float cw = 8, rh = 16;
  // Second row, second byte's hex digits.
  EXPECT_EQ(hex_offset_at_point(columns, columns.hex_cell(1) * cw + 3, rh + 5, cw, rh, 27), 17u);
  // The same byte in the ASCII column.
  EXPECT_EQ(hex_offset_at_point(columns, columns.ascii_cell(1) * cw + 1, rh + 1, cw, rh, 27), 17u);
  EXPECT_EQ(hex_offset_at_point(columns, 2, 2, cw, rh, 27), std::nullopt);
  EXPECT_EQ(hex_offset_at_point(columns, -1, 2, cw, rh, 27), std::nullopt);
}

TEST(HexLayout, TextPieces) {
  const HexColumns columns = hex_columns_for(100);
  EXPECT_EQ(hex_offset_label(columns, 0x10), "0010");
  EXPECT_EQ(hex_byte_text(std::byte{0x0d}), "0d");
  EXPECT_EQ(hex_byte_text(std::byte{0xff}), "ff");
  EXPECT_EQ(hex_ascii_char(std::byte{'G'}), 'G');
  EXPECT_EQ(hex_ascii_char(std::byte{'\r'}), '.');
  EXPECT_EQ(hex_ascii_char(std::byte{0x80}), '.');
}

}  // namespace
}  // namespace wirestep::view
