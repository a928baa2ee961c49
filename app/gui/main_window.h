// The one full-window layout: controls on top, lessons and narration left, timeline centre, details right, log below.
#pragma once

#include <string>

#include "gui/theme.h"
#include "panels/controls_panel.h"
#include "panels/http_panel.h"
#include "panels/inspector_panel.h"
#include "panels/lesson_browser_panel.h"
#include "panels/log_console_panel.h"
#include "panels/loss_panel.h"
#include "panels/narration_panel.h"
#include "panels/tcp_graph_panel.h"
#include "panels/tcp_state_panel.h"
#include "panels/checkpoint_panel.h"
#include "panels/client_waits_panel.h"
#include "panels/timeline_panel.h"

namespace wirestep::gui {

class AppState;
class Fonts;

// Sizes the user drags with the splitters; kept in imgui.ini under [WireStep][Layout].
struct Layout {
  float left_width = 330;
  float right_width = 420;
  float browser_fraction = 0.45f;  // of the left column, the rest is narration
  float log_height = 170;
  bool log_open = false;
  ThemeKind theme = ThemeKind::Dark;
  float font_size = 18;
  view::Spacing spacing = view::Spacing::Time;  // the timeline's: by the clock or one row per event
};

class MainWindow {
 public:
  MainWindow(AppState& state, Fonts& fonts);

  // Registers the [WireStep] section of imgui.ini; call after ImGui::CreateContext and before
  // the ini file is read.
  void register_settings();
  Layout& layout() { return layout_; }

  void draw();

  const view::FrameStats& timeline_stats() const { return timeline_.stats(); }
  const view::LossStats& loss_stats() const { return loss_.stats(); }
  std::size_t waits_bars() const { return waits_.bars_drawn(); }
  bool quit_requested() const { return quit_; }
  // True once per press of F11 (or the menu item); the window shell owns the monitor switch.
  bool take_fullscreen_request() {
    const bool requested = fullscreen_request_;
    fullscreen_request_ = false;
    return requested;
  }
  void set_theme(ThemeKind kind);
  void set_content_scale(float scale) { scale_ = scale; }
  // Brings a details tab to the front on the next frame: "inspector", "http", "tcp", "tcp-graph", "loss" or "waits".
  void request_tab(std::string name) { requested_tab_ = std::move(name); }
  void set_log_open(bool open) { layout_.log_open = open; }
  // The timeline's spacing (Time or Sequence), remembered in imgui.ini.
  void set_spacing(view::Spacing spacing);
  // File > Export ladder as PNG: the timeline's rectangle is read back after a later frame is
  // rendered (not the one still showing the file dialog). skip_frames 0 saves this frame.
  void request_ladder_png(std::string path, int skip_frames) {
    ladder_png_ = std::move(path);
    ladder_png_skip_ = skip_frames;
  }
  bool ladder_png_pending() const { return !ladder_png_.empty(); }
  // Call after rendering, before swapping. False (and the message shown in the app) on failure.
  bool save_ladder_png(int fb_height, float fb_scale);

 private:
  void menu_bar();
  void shortcuts();
  void file_modal();
  void help_overlay();
  void message_bar();
  void left_column(float height);
  void right_column(float height);
  void log_area();

  AppState& state_;
  Fonts& fonts_;
  Layout layout_;
  float scale_ = 1.0f;
  ImVec2 item_spacing_;  // the theme's item spacing, taken before the columns push zero
  bool quit_ = false;
  bool fullscreen_request_ = false;
  bool show_help_ = false;
  std::string requested_tab_;

  void export_ladder_svg(const std::string& path);

  enum class FileAction { None, Open, Save, SavePcapng, ExportSvg, ExportPng };
  FileAction file_action_ = FileAction::None;
  bool open_file_popup_ = false;
  bool file_input_announced_ = false;
  bool modal_enter_ = false;   // Enter pressed this frame (from the key queue)
  bool modal_escape_ = false;
  std::string file_path_;
  std::string ladder_png_;
  int ladder_png_skip_ = 0;

  panels::ControlsPanel controls_;
  panels::LessonBrowserPanel browser_;
  panels::TimelinePanel timeline_;
  panels::InspectorPanel inspector_;
  panels::HttpPanel http_;
  panels::TcpStatePanel tcp_state_;
  panels::TcpGraphPanel tcp_graph_;
  panels::LossPanel loss_;
  panels::ClientWaitsPanel waits_;
  panels::NarrationPanel narration_;
  panels::CheckpointPanel checkpoint_;
  panels::LogConsolePanel log_;
};

}  // namespace wirestep::gui
