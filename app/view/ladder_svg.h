// The timeline's draw list written as a standalone SVG: the ladder of the visible range for slides.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "view/timeline_layout.h"

namespace wirestep::view {

// Colours as IM_COL32 packs them (0xAABBGGRR), so the GUI passes its theme's palette through
// unchanged while this file stays free of ImGui.
struct SvgColours {
  std::uint32_t canvas = 0xFFFFFFFF;
  std::uint32_t grid = 0xFFE0E0E0;
  std::uint32_t axis_text = 0xFF606060;
  std::uint32_t lane_line = 0xFF909090;
  std::uint32_t lane_header_text = 0xFF202020;
  std::uint32_t call_bg = 0xFFF8F8F8;
  std::uint32_t call_border = 0xFF8A5A2A;
  std::uint32_t call_text = 0xFF202020;
  std::uint32_t error = 0xFF2020C0;
  std::uint32_t arrow = 0xFFB06020;
  std::uint32_t arrow_back = 0xFF2080B0;
  std::uint32_t arrow_text = 0xFF303030;
  std::uint32_t label_bg = 0xF0FFFFFF;
  std::uint32_t handshake = 0xFF808000;
  std::uint32_t state_bg = 0xFFE8E0D8;
  std::uint32_t state_text = 0xFF404040;
  std::uint32_t cue = 0xFF1070D0;
  std::uint32_t blocked = 0x6080A0C0;
  std::uint32_t fold = 0xFF808080;
  std::uint32_t pending = 0xFF2090E0;
  std::uint32_t now_line = 0xFF2020C0;
  std::uint32_t retransmission = 0xFF1080E0;
  float line_width = 1.5f;
};

// "&amp;" for '&' and so on: any text from a trace (payload previews) may hold markup characters.
std::string xml_escape(std::string_view text);

// An SVG of exactly what `list` draws inside `viewport`; primitive kinds it does not know are
// skipped, so a newer timeline still exports everything this file understands.
std::string ladder_svg(const DrawList& list, const Viewport& viewport, const SvgColours& colours);

// Writes the SVG; false with a message naming the path and the reason when it cannot.
bool write_ladder_svg(const std::filesystem::path& path, const DrawList& list, const Viewport& viewport,
                      const SvgColours& colours, std::string& error);

// Without a window (`wirestep view FILE --svg OUT`): the whole trace fitted into a ladder of
// this size, then written as above. In Sequence spacing the page grows taller so every row
// keeps its full height.
bool export_trace_ladder_svg(const trace::Trace& trace, const std::filesystem::path& path, float width, float height,
                             const SvgColours& colours, std::string& error, Spacing spacing = Spacing::Time);

}  // namespace wirestep::view
