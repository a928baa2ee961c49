// HexView: draws rows from view::hex_layout geometry; CR and LF bytes get their own colour.
#include "panels/hex_view.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "panels/panel_style.h"
#include "view/hex_layout.h"

namespace wirestep::panels {

HexViewResult HexView::draw(const char* id, std::span<const std::byte> bytes,
                            std::uint32_t highlight_offset, std::uint32_t highlight_length) {
  HexViewResult result;
  ImGui::PushFont(monospace_font());
  const view::HexColumns columns = view::hex_columns_for(bytes.size());
  const std::size_t rows = view::hex_row_count(bytes.size());

  // A narrow panel gets a smaller font before it gets a horizontal scrollbar: the ASCII column
  // is half of what the dump teaches.
  const float needed = ImGui::CalcTextSize("0").x * static_cast<float>(columns.total_cells() + 1) +
                       ImGui::GetStyle().WindowPadding.x * 2 + ImGui::GetStyle().ScrollbarSize;
  const float fit = std::clamp(ImGui::GetContentRegionAvail().x / needed, 0.7f, 1.0f);
  ImGui::BeginChild(id, ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  ImGui::SetWindowFontScale(fit);
  const float cell = ImGui::CalcTextSize("0").x;
  const float row_height = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 content(cell * static_cast<float>(columns.total_cells()) + cell,
                       row_height * static_cast<float>(rows));
  ImGui::Dummy(content);

  // Selecting another field (or another event) scrolls its first byte into view, once.
  const std::uint64_t highlight_key = (std::uint64_t{highlight_offset} << 32) | highlight_length;
  if ((highlight_key != last_highlight_ || bytes.data() != last_data_) && highlight_length > 0 &&
      highlight_offset < bytes.size()) {
    const float top = row_height * static_cast<float>(highlight_offset / view::kHexBytesPerRow);
    const float bottom = row_height * static_cast<float>((std::min<std::size_t>(highlight_offset + highlight_length, bytes.size()) - 1) / view::kHexBytesPerRow + 1);
    const float view_top = ImGui::GetScrollY();
    const float view_height = ImGui::GetWindowHeight() - ImGui::GetStyle().WindowPadding.y * 2;
    if (top < view_top || std::min(bottom, top + view_height) > view_top + view_height) {
      ImGui::SetScrollY(std::max(0.0f, top - row_height));
    }
  }
  last_highlight_ = highlight_key;
  last_data_ = bytes.data();

  // Which byte is under the mouse.
  if (ImGui::IsWindowHovered()) {
    const ImVec2 mouse = ImGui::GetMousePos();
    result.hovered = view::hex_offset_at_point(columns, mouse.x - origin.x, mouse.y - origin.y, cell,
                                               row_height, bytes.size());
    if (result.hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) result.clicked = result.hovered;
  }

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const auto cell_x = [&](std::size_t c) { return origin.x + cell * static_cast<float>(c); };
  const float scroll = ImGui::GetScrollY();
  const float visible = ImGui::GetWindowHeight();
  const auto first_row = static_cast<std::size_t>(std::max(0.0f, std::floor(scroll / row_height)));
  const std::size_t last_row =
      std::min(rows, first_row + static_cast<std::size_t>(visible / row_height) + 2);

  // The highlighted field, in both the hex and the ASCII column.
  for (const view::HexRowSpan& span : view::hex_highlight_rows(highlight_offset, highlight_length, bytes.size())) {
    if (span.row < first_row || span.row >= last_row) continue;
    const float y = origin.y + row_height * static_cast<float>(span.row);
    draw->AddRectFilled(ImVec2(cell_x(columns.hex_cell(span.first)) - cell * 0.5f, y),
                        ImVec2(cell_x(columns.hex_cell(span.end - 1) + 2) + cell * 0.5f, y + row_height),
                        colours::kHighlight, 3.0f);
    draw->AddRectFilled(ImVec2(cell_x(columns.ascii_cell(span.first)), y),
                        ImVec2(cell_x(columns.ascii_cell(span.end)), y + row_height), colours::kHighlight,
                        3.0f);
  }

  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  for (std::size_t row = first_row; row < last_row; ++row) {
    const float y = origin.y + row_height * static_cast<float>(row);
    const std::string label = view::hex_offset_label(columns, row * view::kHexBytesPerRow);
    draw->AddText(ImVec2(cell_x(0), y), colours::kDim, label.c_str());
    for (std::size_t c = 0; c < view::kHexBytesPerRow; ++c) {
      const auto offset = view::hex_offset_at(row, c, bytes.size());
      if (!offset) break;
      const std::byte b = bytes[*offset];
      const bool crlf = b == std::byte{'\r'} || b == std::byte{'\n'};
      const char ascii = view::hex_ascii_char(b);
      const auto value = std::to_integer<unsigned>(b);
      const bool printable = value >= 0x20 && value < 0x7F;
      const ImU32 colour = crlf ? colours::kCrLf : printable ? text : colours::kDim;
      const std::string hex = view::hex_byte_text(b);
      draw->AddText(ImVec2(cell_x(columns.hex_cell(c)), y), colour, hex.c_str());
      const char shown[2] = {ascii, 0};
      // CR and LF are dots like any control byte, but tinted so a teacher can point at them.
      if (crlf) {
        draw->AddRectFilled(ImVec2(cell_x(columns.ascii_cell(c)), y + 1),
                            ImVec2(cell_x(columns.ascii_cell(c) + 1), y + row_height - 1), colours::kCrLfBack, 2.0f);
      }
      draw->AddText(ImVec2(cell_x(columns.ascii_cell(c)), y), colour, shown);
    }
    if (result.hovered && *result.hovered / view::kHexBytesPerRow == row) {
      const std::size_t c = *result.hovered % view::kHexBytesPerRow;
      draw->AddRect(ImVec2(cell_x(columns.hex_cell(c)) - 2, y),
                    ImVec2(cell_x(columns.hex_cell(c) + 2) + 2, y + row_height), colours::kHover, 2.0f);
      draw->AddRect(ImVec2(cell_x(columns.ascii_cell(c)), y),
                    ImVec2(cell_x(columns.ascii_cell(c) + 1), y + row_height), colours::kHover, 2.0f);
    }
  }
  ImGui::EndChild();
  ImGui::PopFont();
  return result;
}

}  // namespace wirestep::panels
