// Fonts: the atlas is rebuilt whole on a size change; ImGui 1.86 has no per-size glyph cache.
#include "gui/fonts.h"

#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "view/app_log.h"

#ifndef WIRESTEP_FONT_DIR
#define WIRESTEP_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#endif

namespace wirestep::gui {
namespace {

ImFont* g_ui = nullptr;
ImFont* g_mono = nullptr;

// Latin-1 and Latin Extended-A for names, plus the symbols the panels draw: punctuation (…, –),
// arrows (→, ↵), control pictures (␍ ␊ for CR LF), box drawing, shapes (▶ ■) and dingbats (✓ ✗).
const ImWchar kRanges[] = {
    0x0020, 0x00FF, 0x0100, 0x017F, 0x2000, 0x206F, 0x2190, 0x21FF, 0x2200, 0x22FF,
    0x2300, 0x23FF, 0x2400, 0x243F, 0x2500, 0x257F, 0x25A0, 0x25FF, 0x2600, 0x26FF,
    0x2700, 0x27BF, 0,
};

ImFont* add_file(ImFontAtlas& atlas, const std::string& file, float size) {
  const std::string path = std::string(WIRESTEP_FONT_DIR) + "/" + file;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    view::app_log().warn("font {} not found (install fonts-dejavu-core); using ImGui's built-in font", path);
    return nullptr;
  }
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  return atlas.AddFontFromFileTTF(path.c_str(), size, &config, kRanges);
}

}  // namespace

void Fonts::configure(float size_px, float scale) {
  size_px_ = std::clamp(size_px, kMinSize, kMaxSize);
  scale_ = std::max(scale, 0.5f);
  dirty_ = true;
}

void Fonts::bigger() { configure(size_px_ + 2.0f, scale_); }
void Fonts::smaller() { configure(size_px_ - 2.0f, scale_); }

bool Fonts::rebuild_if_needed() {
  if (!dirty_) return false;
  dirty_ = false;
  ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  atlas.Clear();
  const float pixels = size_px_ * scale_;
  g_ui = add_file(atlas, "DejaVuSans.ttf", pixels);
  g_mono = add_file(atlas, "DejaVuSansMono.ttf", pixels);
  dejavu_ = g_ui != nullptr;
  if (g_ui == nullptr) {
    ImFontConfig config;
    config.SizePixels = std::max(13.0f, pixels);
    g_ui = atlas.AddFontDefault(&config);
  }
  if (g_mono == nullptr) g_mono = g_ui;
  atlas.Build();
  ImGui::GetIO().FontDefault = g_ui;
  // The first texture is created by the backend's first NewFrame; later sizes replace it here.
  if (has_texture_) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  has_texture_ = true;
  return true;
}

ImFont* ui_font() { return g_ui != nullptr ? g_ui : ImGui::GetFont(); }
ImFont* mono_font() { return g_mono != nullptr ? g_mono : ImGui::GetFont(); }

}  // namespace wirestep::gui
