// Fonts: DejaVu Sans for text and DejaVu Sans Mono for bytes, sized for the screen and resizable live.
#pragma once

#include <imgui.h>

namespace wirestep::gui {

class Fonts {
 public:
  static constexpr float kMinSize = 10.0f;
  static constexpr float kMaxSize = 48.0f;

  // size_px: text size at content scale 1; scale: the monitor's content scale (HiDPI).
  void configure(float size_px, float scale);
  void bigger();
  void smaller();
  float size() const { return size_px_; }
  // Rebuilds the atlas and its GPU texture when the size changed. Call between frames only
  // (not inside NewFrame/Render): ImGui holds the old texture until the frame ends.
  bool rebuild_if_needed();
  // False when the DejaVu files were missing and ImGui's built-in font is used instead.
  bool using_dejavu() const { return dejavu_; }

 private:
  float size_px_ = 18.0f;
  float scale_ = 1.0f;
  bool dirty_ = true;
  bool dejavu_ = false;
  bool has_texture_ = false;
};

// The fonts of the current atlas: the text font (the default) and the monospaced one for bytes.
// mono_font() is the default font when no monospaced file was found.
ImFont* ui_font();
ImFont* mono_font();

}  // namespace wirestep::gui
