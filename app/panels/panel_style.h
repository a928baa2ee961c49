// Shared look of the content panels: which loaded font to use for code and headings, and colours.
#pragma once

#include <imgui.h>

#include <cstddef>

namespace wirestep::panels {

// A monospace font among those the shell loaded (a name with "Mono"), else the current font.
ImFont* monospace_font();
// A bold font (a name with "Bold" but not "Mono"), or nullptr when none was loaded.
ImFont* bold_font();
// The largest loaded font at least `min_ratio` times the default size, or nullptr.
ImFont* large_font(float min_ratio);

// A distinct colour per socket/lane, readable on a dark background.
ImU32 palette_colour(std::size_t index, float alpha = 1.0f);

namespace colours {
inline constexpr ImU32 kDim = IM_COL32(150, 150, 160, 255);
inline constexpr ImU32 kCrLf = IM_COL32(255, 170, 60, 255);        // CR and LF bytes everywhere
inline constexpr ImU32 kCrLfBack = IM_COL32(255, 170, 60, 55);
inline constexpr ImU32 kBlankLine = IM_COL32(90, 200, 255, 255);   // the header-ending blank line
inline constexpr ImU32 kBlankLineBack = IM_COL32(90, 200, 255, 60);
inline constexpr ImU32 kHighlight = IM_COL32(80, 140, 255, 110);   // selected field's bytes
inline constexpr ImU32 kHover = IM_COL32(255, 255, 255, 150);
inline constexpr ImU32 kAccent = IM_COL32(120, 200, 255, 255);
inline constexpr ImU32 kCodeBack = IM_COL32(255, 255, 255, 22);
inline constexpr ImU32 kError = IM_COL32(255, 100, 100, 255);
inline constexpr ImU32 kNote = IM_COL32(255, 210, 110, 255);
}  // namespace colours

}  // namespace wirestep::panels
