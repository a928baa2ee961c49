// Themes: ImGui style colours plus the timeline palette, switched together.
#include "gui/theme.h"

namespace wirestep::gui {
namespace {

ThemeKind g_theme = ThemeKind::Dark;
Palette g_palette{};

constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255) { return IM_COL32(r, g, b, a); }

Palette dark_palette() {
  Palette p{};
  p.canvas = rgb(24, 26, 31);
  p.grid = rgb(255, 255, 255, 22);
  p.axis_text = rgb(150, 156, 168);
  p.lane_line = rgb(110, 118, 134);
  p.lane_header_bg = rgb(52, 58, 70);
  p.lane_header_text = rgb(240, 242, 246);
  p.call_bg = rgb(38, 42, 51);
  p.call_text = rgb(236, 238, 242);
  p.call_connect = rgb(110, 170, 255);
  p.call_send = rgb(255, 170, 80);
  p.call_recv = rgb(110, 210, 140);
  p.call_close = rgb(150, 156, 168);
  p.error = rgb(255, 95, 95);
  p.arrow = rgb(255, 190, 110);
  p.arrow_back = rgb(120, 220, 160);
  p.arrow_text = rgb(236, 238, 242);
  p.label_bg = rgb(24, 26, 31, 225);
  p.handshake = rgb(150, 180, 255);
  p.retransmission = rgb(255, 120, 220);
  p.state_bg = rgb(60, 50, 90);
  p.state_text = rgb(215, 200, 255);
  p.cue = rgb(240, 200, 90);
  p.blocked = rgb(110, 170, 255, 70);
  p.fold = rgb(200, 200, 210);
  p.selected = rgb(255, 240, 120);
  p.hovered = rgb(255, 255, 255, 140);
  p.pending = rgb(240, 200, 90);
  p.now_line = rgb(240, 200, 90, 90);
  p.replay_cursor = rgb(240, 200, 90);
  p.accent_text = rgb(240, 200, 90);
  p.muted_text = rgb(150, 156, 168);
  p.ok_text = rgb(110, 210, 140);
  p.line_width = 1.5f;
  return p;
}

Palette light_palette() {
  Palette p{};
  p.canvas = rgb(252, 252, 250);
  p.grid = rgb(0, 0, 0, 20);
  p.axis_text = rgb(90, 96, 108);
  p.lane_line = rgb(150, 156, 168);
  p.lane_header_bg = rgb(225, 230, 238);
  p.lane_header_text = rgb(20, 24, 32);
  p.call_bg = rgb(255, 255, 255);
  p.call_text = rgb(20, 24, 32);
  p.call_connect = rgb(30, 100, 210);
  p.call_send = rgb(200, 100, 0);
  p.call_recv = rgb(20, 140, 60);
  p.call_close = rgb(110, 116, 128);
  p.error = rgb(200, 30, 30);
  p.arrow = rgb(200, 100, 0);
  p.arrow_back = rgb(20, 140, 60);
  p.arrow_text = rgb(20, 24, 32);
  p.label_bg = rgb(252, 252, 250, 230);
  p.handshake = rgb(30, 100, 210);
  p.retransmission = rgb(170, 30, 150);
  p.state_bg = rgb(235, 225, 255);
  p.state_text = rgb(80, 40, 150);
  p.cue = rgb(170, 110, 0);
  p.blocked = rgb(30, 100, 210, 50);
  p.fold = rgb(80, 86, 98);
  p.selected = rgb(230, 120, 0);
  p.hovered = rgb(0, 0, 0, 110);
  p.pending = rgb(170, 110, 0);
  p.now_line = rgb(170, 110, 0, 90);
  p.replay_cursor = rgb(200, 120, 0);
  p.accent_text = rgb(170, 90, 0);
  p.muted_text = rgb(100, 106, 118);
  p.ok_text = rgb(20, 130, 60);
  p.line_width = 1.5f;
  return p;
}

// Black, white and saturated primaries only; no thin greys that a projector washes out.
Palette presenter_palette() {
  Palette p{};
  p.canvas = rgb(0, 0, 0);
  p.grid = rgb(255, 255, 255, 45);
  p.axis_text = rgb(235, 235, 235);
  p.lane_line = rgb(230, 230, 230);
  p.lane_header_bg = rgb(255, 255, 255);
  p.lane_header_text = rgb(0, 0, 0);
  p.call_bg = rgb(0, 0, 0);
  p.call_text = rgb(255, 255, 255);
  p.call_connect = rgb(80, 200, 255);
  p.call_send = rgb(255, 200, 0);
  p.call_recv = rgb(0, 255, 120);
  p.call_close = rgb(220, 220, 220);
  p.error = rgb(255, 60, 60);
  p.arrow = rgb(255, 200, 0);
  p.arrow_back = rgb(0, 255, 120);
  p.arrow_text = rgb(255, 255, 255);
  p.label_bg = rgb(0, 0, 0, 235);
  p.handshake = rgb(80, 200, 255);
  p.retransmission = rgb(200, 140, 255);  // not the magenta of a selection
  p.state_bg = rgb(60, 0, 120);
  p.state_text = rgb(255, 255, 255);
  p.cue = rgb(255, 255, 0);
  p.blocked = rgb(80, 200, 255, 110);
  p.fold = rgb(255, 255, 255);
  p.selected = rgb(255, 0, 255);
  p.hovered = rgb(255, 255, 255, 200);
  p.pending = rgb(255, 255, 0);
  p.now_line = rgb(255, 255, 0, 140);
  p.replay_cursor = rgb(255, 0, 255);
  p.accent_text = rgb(255, 255, 0);
  p.muted_text = rgb(220, 220, 220);
  p.ok_text = rgb(0, 255, 120);
  p.line_width = 3.0f;
  return p;
}

}  // namespace

std::string_view to_string(ThemeKind kind) {
  switch (kind) {
    case ThemeKind::Dark: return "dark";
    case ThemeKind::Light: return "light";
    case ThemeKind::Presenter: return "presenter";
  }
  return "dark";
}

bool parse_theme(std::string_view text, ThemeKind& out) {
  for (ThemeKind kind : {ThemeKind::Dark, ThemeKind::Light, ThemeKind::Presenter}) {
    if (text == to_string(kind)) {
      out = kind;
      return true;
    }
  }
  return false;
}

Palette theme_palette(ThemeKind kind) {
  switch (kind) {
    case ThemeKind::Light: return light_palette();
    case ThemeKind::Presenter: return presenter_palette();
    case ThemeKind::Dark: break;
  }
  return dark_palette();
}

void apply_theme(ThemeKind kind, float scale) {
  g_theme = kind;
  ImGuiStyle style;
  switch (kind) {
    case ThemeKind::Dark:
      ImGui::StyleColorsDark(&style);
      g_palette = dark_palette();
      break;
    case ThemeKind::Light:
      ImGui::StyleColorsLight(&style);
      g_palette = light_palette();
      break;
    case ThemeKind::Presenter:
      ImGui::StyleColorsDark(&style);
      g_palette = presenter_palette();
      break;
  }
  style.WindowRounding = 0;
  style.ChildRounding = 4;
  style.FrameRounding = 4;
  style.GrabRounding = 4;
  style.TabRounding = 4;
  style.FramePadding = ImVec2(8, 5);
  style.ItemSpacing = ImVec2(8, 6);
  style.WindowPadding = ImVec2(8, 8);
  style.ScrollbarSize = 16;
  if (kind == ThemeKind::Dark) {
    ImVec4* c = style.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.11f, 0.12f, 0.14f, 1);
    c[ImGuiCol_ChildBg] = ImVec4(0.13f, 0.14f, 0.17f, 1);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.09f, 0.10f, 0.12f, 1);
    c[ImGuiCol_Button] = ImVec4(0.22f, 0.26f, 0.33f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.30f, 0.38f, 0.50f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.35f, 0.47f, 0.65f, 1);
    c[ImGuiCol_Header] = ImVec4(0.22f, 0.28f, 0.38f, 1);
    c[ImGuiCol_Tab] = ImVec4(0.16f, 0.18f, 0.22f, 1);
    c[ImGuiCol_TabActive] = ImVec4(0.26f, 0.33f, 0.45f, 1);
    c[ImGuiCol_TabHovered] = ImVec4(0.32f, 0.42f, 0.58f, 1);
    c[ImGuiCol_Separator] = ImVec4(0.25f, 0.27f, 0.32f, 1);
  } else if (kind == ThemeKind::Light) {
    ImVec4* c = style.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.95f, 0.95f, 0.94f, 1);
    c[ImGuiCol_ChildBg] = ImVec4(0.98f, 0.98f, 0.97f, 1);
  } else {
    ImVec4* c = style.Colors;
    const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1), yellow(1, 1, 0, 1);
    c[ImGuiCol_Text] = white;
    c[ImGuiCol_TextDisabled] = ImVec4(0.8f, 0.8f, 0.8f, 1);
    c[ImGuiCol_WindowBg] = black;
    c[ImGuiCol_ChildBg] = black;
    c[ImGuiCol_PopupBg] = black;
    c[ImGuiCol_MenuBarBg] = black;
    c[ImGuiCol_Border] = white;
    c[ImGuiCol_FrameBg] = ImVec4(0.15f, 0.15f, 0.15f, 1);
    c[ImGuiCol_Button] = ImVec4(0.0f, 0.25f, 0.6f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.0f, 0.4f, 0.9f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.0f, 0.5f, 1.0f, 1);
    c[ImGuiCol_Header] = ImVec4(0.0f, 0.25f, 0.6f, 1);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.0f, 0.4f, 0.9f, 1);
    c[ImGuiCol_Tab] = ImVec4(0.1f, 0.1f, 0.1f, 1);
    c[ImGuiCol_TabActive] = ImVec4(0.0f, 0.35f, 0.8f, 1);
    c[ImGuiCol_TabHovered] = ImVec4(0.0f, 0.45f, 1.0f, 1);
    c[ImGuiCol_CheckMark] = yellow;
    c[ImGuiCol_SliderGrab] = yellow;
    c[ImGuiCol_Separator] = white;
    style.WindowBorderSize = 1;
    style.ChildBorderSize = 2;
    style.FrameBorderSize = 1;
  }
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

ThemeKind current_theme() { return g_theme; }
const Palette& palette() { return g_palette; }

}  // namespace wirestep::gui
