// panel_style: finds the fonts the shell loaded by name, so panels need no font plumbing.
#include "panels/panel_style.h"

#include <cmath>
#include <cstring>

namespace wirestep::panels {
namespace {

bool name_has(const ImFont* font, const char* part) {
  return std::strstr(font->GetDebugName(), part) != nullptr;
}

}  // namespace

ImFont* monospace_font() {
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  ImFont* best = nullptr;
  // Prefer the mono font whose size is closest to the current one.
  const float size = ImGui::GetFontSize();
  for (ImFont* font : atlas->Fonts) {
    if (!name_has(font, "Mono") || name_has(font, "Bold")) continue;
    if (best == nullptr || std::abs(font->FontSize - size) < std::abs(best->FontSize - size)) best = font;
  }
  return best != nullptr ? best : ImGui::GetFont();
}

ImFont* bold_font() {
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  const float size = ImGui::GetFontSize();
  ImFont* best = nullptr;
  for (ImFont* font : atlas->Fonts) {
    if (!name_has(font, "Bold") || name_has(font, "Mono")) continue;
    if (best == nullptr || std::abs(font->FontSize - size) < std::abs(best->FontSize - size)) best = font;
  }
  return best;
}

ImFont* large_font(float min_ratio) {
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  const float base = ImGui::GetIO().FontDefault != nullptr ? ImGui::GetIO().FontDefault->FontSize
                                                          : ImGui::GetFontSize();
  ImFont* best = nullptr;
  for (ImFont* font : atlas->Fonts) {
    if (font->FontSize < base * min_ratio || name_has(font, "Mono")) continue;
    if (best == nullptr || font->FontSize < best->FontSize) best = font;
  }
  return best;
}

ImU32 palette_colour(std::size_t index, float alpha) {
  static constexpr ImU32 kColours[] = {
      IM_COL32(86, 180, 233, 255), IM_COL32(230, 159, 0, 255),  IM_COL32(0, 200, 140, 255),
      IM_COL32(240, 110, 160, 255), IM_COL32(240, 228, 66, 255), IM_COL32(180, 140, 255, 255),
      IM_COL32(213, 94, 0, 255),    IM_COL32(160, 220, 120, 255)};
  ImU32 colour = kColours[index % (sizeof kColours / sizeof kColours[0])];
  const auto a = static_cast<ImU32>(alpha * 255.0f) & 0xFF;
  return (colour & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

}  // namespace wirestep::panels
