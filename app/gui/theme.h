// Colour themes: dark, light, and a high-contrast presenter theme that survives a classroom projector.
#pragma once

#include <imgui.h>

#include <string_view>

namespace wirestep::gui {

enum class ThemeKind { Dark, Light, Presenter };
std::string_view to_string(ThemeKind kind);
bool parse_theme(std::string_view text, ThemeKind& out);

// Colours the custom-drawn views (the timeline) use on top of ImGui's own style colours.
struct Palette {
  ImU32 canvas;         // timeline background
  ImU32 grid;           // tick lines
  ImU32 axis_text;
  ImU32 lane_line;
  ImU32 lane_header_bg;
  ImU32 lane_header_text;
  ImU32 call_bg;
  ImU32 call_text;
  ImU32 call_connect;   // connect/accept/listen/bind: setting up
  ImU32 call_send;
  ImU32 call_recv;
  ImU32 call_close;
  ImU32 error;
  ImU32 arrow;
  ImU32 arrow_back;     // server -> client
  ImU32 arrow_text;
  ImU32 label_bg;       // behind captions so lines do not cross the words
  ImU32 handshake;
  ImU32 retransmission; // a packet sent again, and the dotted link to the drop it repairs
  ImU32 state_bg;
  ImU32 state_text;
  ImU32 cue;
  ImU32 blocked;
  ImU32 fold;
  ImU32 selected;
  ImU32 hovered;
  ImU32 pending;
  ImU32 now_line;
  ImU32 replay_cursor;
  ImU32 accent_text;    // status words that must stand out
  ImU32 muted_text;
  ImU32 ok_text;
  float line_width;     // lanes and arrows; thicker on a projector
};

// Sets ImGui's style for the theme at this content scale and makes the palette current.
void apply_theme(ThemeKind kind, float scale);
ThemeKind current_theme();
const Palette& palette();
// A theme's palette without making it current (needs no ImGui context: headless exports).
Palette theme_palette(ThemeKind kind);

}  // namespace wirestep::gui
