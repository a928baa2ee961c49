// MainWindow: child regions and splitters (ImGui 1.86 has no docking), menus, shortcuts and the file modal.
#include "gui/main_window.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "gui/app_state.h"
#include "gui/fonts.h"
#include "gui/key_presses.h"
#include "gui/ladder_export.h"
#include "gui/screenshot.h"
#include "view/app_log.h"

namespace wirestep::gui {
namespace {

// A bar between two regions that the user drags; `size` is the region it resizes.
// `grow_with_drag` is +1 when dragging right/down makes the region larger, -1 when smaller.
void splitter(const char* id, bool vertical_bar, float length, float& size, float min, float max, float grow_with_drag) {
  const float thickness = 6.0f;
  ImGui::InvisibleButton(id, vertical_bar ? ImVec2(thickness, length) : ImVec2(length, thickness));
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  if (hovered || active) ImGui::SetMouseCursor(vertical_bar ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
  if (active) {
    const float delta = vertical_bar ? ImGui::GetIO().MouseDelta.x : ImGui::GetIO().MouseDelta.y;
    if (delta != 0) {
      size = std::clamp(size + delta * grow_with_drag, min, std::max(min, max));
      ImGui::MarkIniSettingsDirty();
    }
  }
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const ImU32 colour = ImGui::GetColorU32(active ? ImGuiCol_SeparatorActive : hovered ? ImGuiCol_SeparatorHovered : ImGuiCol_Separator);
  if (vertical_bar) {
    ImGui::GetWindowDrawList()->AddLine(ImVec2((a.x + b.x) / 2, a.y), ImVec2((a.x + b.x) / 2, b.y), colour, hovered || active ? 3.0f : 1.0f);
  } else {
    ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, (a.y + b.y) / 2), ImVec2(b.x, (a.y + b.y) / 2), colour, hovered || active ? 3.0f : 1.0f);
  }
}

std::string default_trace_path() {
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/wirestep-trace.json";
}

std::string expand_home(const std::string& path) {
  if (path.size() >= 1 && path[0] == '~' && (path.size() == 1 || path[1] == '/')) {
    const char* home = std::getenv("HOME");
    if (home != nullptr) return std::string(home) + path.substr(1);
  }
  return path;
}

// ---- imgui.ini: [WireStep][Layout] ----
void* settings_open(ImGuiContext*, ImGuiSettingsHandler* handler, const char* name) {
  return std::strcmp(name, "Layout") == 0 ? handler->UserData : nullptr;
}

void settings_line(ImGuiContext*, ImGuiSettingsHandler*, void* entry, const char* line) {
  auto* layout = static_cast<Layout*>(entry);
  float f = 0;
  int i = 0;
  char text[32] = {};
  if (std::sscanf(line, "LeftWidth=%f", &f) == 1) layout->left_width = f;
  else if (std::sscanf(line, "RightWidth=%f", &f) == 1) layout->right_width = f;
  else if (std::sscanf(line, "BrowserFraction=%f", &f) == 1) layout->browser_fraction = std::clamp(f, 0.1f, 0.9f);
  else if (std::sscanf(line, "LogHeight=%f", &f) == 1) layout->log_height = f;
  else if (std::sscanf(line, "LogOpen=%d", &i) == 1) layout->log_open = i != 0;
  else if (std::sscanf(line, "FontSize=%f", &f) == 1) layout->font_size = f;
  else if (std::sscanf(line, "Theme=%31s", text) == 1) parse_theme(text, layout->theme);
  else if (std::sscanf(line, "Spacing=%31s", text) == 1) layout->spacing = view::parse_spacing(text).value_or(layout->spacing);
}

void settings_write(ImGuiContext*, ImGuiSettingsHandler* handler, ImGuiTextBuffer* out) {
  const auto* layout = static_cast<const Layout*>(handler->UserData);
  out->appendf("[%s][Layout]\n", handler->TypeName);
  out->appendf("LeftWidth=%.0f\nRightWidth=%.0f\nBrowserFraction=%.3f\nLogHeight=%.0f\nLogOpen=%d\n",
               layout->left_width, layout->right_width, layout->browser_fraction, layout->log_height,
               layout->log_open ? 1 : 0);
  out->appendf("FontSize=%.0f\nTheme=%s\nSpacing=%s\n\n", layout->font_size, std::string(to_string(layout->theme)).c_str(),
               std::string(view::to_string(layout->spacing)).c_str());
}

}  // namespace

MainWindow::MainWindow(AppState& state, Fonts& fonts) : state_(state), fonts_(fonts) {
  file_path_ = default_trace_path();
  panels::LogConsolePanel::install_sink();
}

void MainWindow::register_settings() {
  ImGuiSettingsHandler handler;
  handler.TypeName = "WireStep";
  handler.TypeHash = ImHashStr("WireStep");
  handler.ReadOpenFn = settings_open;
  handler.ReadLineFn = settings_line;
  handler.WriteAllFn = settings_write;
  handler.UserData = &layout_;
  ImGui::GetCurrentContext()->SettingsHandlers.push_back(handler);
}

void MainWindow::set_spacing(view::Spacing spacing) {
  layout_.spacing = spacing;
  timeline_.set_spacing(spacing);
  ImGui::MarkIniSettingsDirty();
}

void MainWindow::set_theme(ThemeKind kind) {
  layout_.theme = kind;
  apply_theme(kind, scale_);
  ImGui::MarkIniSettingsDirty();
}

void MainWindow::draw() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_MenuBar | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollbar;
  ImGui::Begin("WireStep", nullptr, flags);
  ImGui::PopStyleVar(2);

  shortcuts();
  menu_bar();

  // Controls bar.
  // A copy, not a reference: the columns below push zero spacing and restore this inside.
  item_spacing_ = ImGui::GetStyle().ItemSpacing;
  const float controls_height = ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.y * 2;
  ImGui::BeginChild("##controls", ImVec2(0, controls_height), true, ImGuiWindowFlags_NoScrollbar);
  controls_.draw(state_);
  ImGui::EndChild();
  message_bar();

  // Body: three columns, then the log below.
  const float log_header = ImGui::GetFrameHeightWithSpacing();
  const float log_space = layout_.log_open ? layout_.log_height + 6 + log_header : log_header;
  const float body_height = std::max(100.0f, ImGui::GetContentRegionAvail().y - log_space);
  const float total_width = ImGui::GetContentRegionAvail().x;
  const float min_centre = 300.0f * scale_;
  layout_.left_width = std::clamp(layout_.left_width, 160.0f, std::max(160.0f, total_width - layout_.right_width - min_centre));
  layout_.right_width = std::clamp(layout_.right_width, 200.0f, std::max(200.0f, total_width - layout_.left_width - min_centre));
  const float centre_width = std::max(100.0f, total_width - layout_.left_width - layout_.right_width - 12);

  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  left_column(body_height);
  ImGui::SameLine();
  splitter("##split_left", true, body_height, layout_.left_width, 160.0f, total_width - layout_.right_width - min_centre, 1);
  ImGui::SameLine();
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, item_spacing_);
  ImGui::BeginChild("##centre", ImVec2(centre_width, body_height), true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  panels::TimelineFeed feed;
  feed.trace = state_.trace();
  feed.generation = state_.trace_generation();
  feed.limit = state_.visible_limit();
  feed.live = state_.live();
  feed.replay = state_.replaying();
  if (feed.live && state_.speed() > 0) {
    // Following a paced run, start with room for a dozen calls so the first ones are not huge.
    feed.min_span_ns = static_cast<std::int64_t>(12 * 400e6 / state_.speed());
  }
  feed.analyzer = &state_.packets();
  feed.packet_next = state_.packet_next();
  if (const auto next = state_.pending(); next && state_.trace() != nullptr) {
    feed.pending = view::PendingMark{next->lane, panels::pending_label(state_)};
  }
  if (const auto scrub = timeline_.draw(feed, state_.selection)) state_.scrub_to(*scrub);
  if (timeline_.spacing() != layout_.spacing) {
    // Switched in the timeline's toolbar (or with T): remember it.
    layout_.spacing = timeline_.spacing();
    ImGui::MarkIniSettingsDirty();
  }
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::SameLine();
  splitter("##split_right", true, body_height, layout_.right_width, 200.0f, total_width - layout_.left_width - min_centre, -1);
  ImGui::SameLine();
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, item_spacing_);
  right_column(body_height);
  ImGui::PopStyleVar();
  ImGui::PopStyleVar();

  log_area();
  file_modal();
  help_overlay();
  checkpoint_.draw(state_.checkpoint_prompt(), state_.trace(), state_.checkpoints(), state_.selection, modal_enter_);
  ImGui::End();
}

void MainWindow::left_column(float height) {
  ImGui::BeginChild("##left", ImVec2(layout_.left_width, height), false);
  const float width = ImGui::GetContentRegionAvail().x;
  const float browser_height = std::max(80.0f, (height - 6) * layout_.browser_fraction);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, item_spacing_);
  ImGui::BeginChild("##browser", ImVec2(width, browser_height), true);
  browser_.draw(state_);
  ImGui::EndChild();
  ImGui::PopStyleVar();
  float browser_px = browser_height;
  splitter("##split_browser", false, width, browser_px, 80.0f, height - 80.0f, 1);
  layout_.browser_fraction = std::clamp(browser_px / std::max(1.0f, height - 6), 0.1f, 0.9f);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, item_spacing_);
  ImGui::BeginChild("##narration", ImVec2(width, 0), true);
  if (state_.narration().empty() && state_.run() == nullptr) {
    ImGui::TextDisabled("The lesson's story appears here.");
  } else {
    narration_.draw(state_.narration(), state_.active_anchor(),
                    [this](std::string_view id) { return state_.answer_waits(id); });
  }
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::EndChild();
}

void MainWindow::right_column(float height) {
  ImGui::BeginChild("##right", ImVec2(layout_.right_width, height), true);
  if (ImGui::BeginTabBar("##details", ImGuiTabBarFlags_FittingPolicyScroll | ImGuiTabBarFlags_TabListPopupButton)) {
    // A tab asked for from outside (the --tab option) is selected once, then the user rules.
    const auto flags_for = [this](const char* name) {
      return requested_tab_ == name ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
    };
    if (ImGui::BeginTabItem("Inspector", nullptr, flags_for("inspector"))) {
      inspector_.draw(state_.trace(), state_.selection, &state_.packets());
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("HTTP", nullptr, flags_for("http"))) {
      http_.draw(state_.trace(), state_.selection);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("TCP state", nullptr, flags_for("tcp"))) {
      tcp_state_.draw(state_.trace(), state_.selection);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("TCP graph", nullptr, flags_for("tcp-graph"))) {
      tcp_graph_.draw(state_.trace(), state_.selection);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Loss", nullptr, flags_for("loss"))) {
      loss_.draw(state_.trace(), &state_.packets(), state_.visible_limit());
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Waits", nullptr, flags_for("waits"))) {
      waits_.draw(state_.trace(), state_.trace_generation(), state_.visible_limit());
      ImGui::EndTabItem();
    }
    requested_tab_.clear();
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
}

void MainWindow::log_area() {
  const float width = ImGui::GetContentRegionAvail().x;
  if (layout_.log_open) {
    float height = layout_.log_height;
    splitter("##split_log", false, width, height, 60.0f, 900.0f, -1);
    layout_.log_height = height;
  }
  ImGui::SetNextItemOpen(layout_.log_open, ImGuiCond_Always);
  const bool open = ImGui::CollapsingHeader("Log");
  if (open != layout_.log_open) {
    layout_.log_open = open;
    ImGui::MarkIniSettingsDirty();
  }
  if (open) {
    ImGui::BeginChild("##log", ImVec2(0, 0), true);
    log_.draw();
    ImGui::EndChild();
  }
}

void MainWindow::message_bar() {
  const Palette& pal = palette();
  const auto& errors = state_.errors();
  if (!errors.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.error));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(("⚠ " + errors.back()).c_str());
    ImGui::PopStyleColor();
    if (errors.size() > 1 && ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      for (const auto& error : errors) ImGui::TextUnformatted(error.c_str());
      ImGui::EndTooltip();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("dismiss")) state_.clear_errors();
  } else if (!state_.notice().empty()) {
    ImGui::TextDisabled("%s", state_.notice().c_str());
  }
}

void MainWindow::menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open trace...", "Ctrl+O")) {
      file_action_ = FileAction::Open;
      open_file_popup_ = true;
    }
    if (ImGui::MenuItem("Save trace...", "Ctrl+S", false, state_.trace() != nullptr)) {
      file_action_ = FileAction::Save;
      open_file_popup_ = true;
    }
    if (ImGui::MenuItem("Save packets as pcapng...", nullptr, false, state_.trace() != nullptr)) {
      file_action_ = FileAction::SavePcapng;
      open_file_popup_ = true;
      // The last path typed is offered again; packets saved under a .json name would mislead.
      std::filesystem::path offered(file_path_);
      if (offered.extension() == ".json") file_path_ = offered.replace_extension(".pcapng").string();
    }
    if (ImGui::MenuItem("Export ladder as SVG...", nullptr, false, state_.trace() != nullptr)) {
      file_action_ = FileAction::ExportSvg;
      open_file_popup_ = true;
      file_path_ = std::filesystem::path(file_path_.empty() ? "ladder" : file_path_).replace_extension(".svg").string();
    }
    if (ImGui::MenuItem("Export ladder as PNG...", nullptr, false, state_.trace() != nullptr)) {
      file_action_ = FileAction::ExportPng;
      open_file_popup_ = true;
      file_path_ = std::filesystem::path(file_path_.empty() ? "ladder" : file_path_).replace_extension(".png").string();
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Dark theme", nullptr, current_theme() == ThemeKind::Dark)) set_theme(ThemeKind::Dark);
    if (ImGui::MenuItem("Light theme", nullptr, current_theme() == ThemeKind::Light)) set_theme(ThemeKind::Light);
    if (ImGui::MenuItem("Presenter (projector)", nullptr, current_theme() == ThemeKind::Presenter)) set_theme(ThemeKind::Presenter);
    ImGui::Separator();
    if (ImGui::MenuItem("Bigger text", "Ctrl+=")) fonts_.bigger();
    if (ImGui::MenuItem("Smaller text", "Ctrl+-")) fonts_.smaller();
    if (ImGui::MenuItem("Full screen", "F11")) fullscreen_request_ = true;
    if (ImGui::MenuItem("Log console", nullptr, layout_.log_open)) layout_.log_open = !layout_.log_open;
    ImGui::Separator();
    if (ImGui::MenuItem("Timeline: one row per event", "T", layout_.spacing == view::Spacing::Sequence)) {
      set_spacing(layout_.spacing == view::Spacing::Sequence ? view::Spacing::Time : view::Spacing::Sequence);
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Keyboard shortcuts", "F1")) show_help_ = true;
    ImGui::EndMenu();
  }
  // Where the events come from, on the right of the menu bar.
  const std::string source = state_.source_label();
  const float width = ImGui::CalcTextSize(source.c_str()).x;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - width - 20));
  ImGui::TextUnformatted(source.c_str());
  ImGui::EndMenuBar();
}

void MainWindow::shortcuts() {
  const std::vector<KeyPress> presses = take_key_presses();
  ImGuiIO& io = ImGui::GetIO();
  // Enter and Escape answer the file dialog even when pressed and released between two frames,
  // which Dear ImGui's own key state would miss.
  modal_enter_ = modal_escape_ = false;
  for (const KeyPress& press : presses) {
    modal_enter_ |= press.key == GLFW_KEY_ENTER || press.key == GLFW_KEY_KP_ENTER;
    modal_escape_ |= press.key == GLFW_KEY_ESCAPE;
  }
  if (io.WantTextInput || ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) return;
  for (const KeyPress& press : presses) {
    const bool again = press.repeat;  // held down: only zoom and stepping repeat
    if (press.mods & GLFW_MOD_CONTROL) {
      switch (press.key) {
        case GLFW_KEY_EQUAL:
        case GLFW_KEY_KP_ADD: fonts_.bigger(); break;
        case GLFW_KEY_MINUS:
        case GLFW_KEY_KP_SUBTRACT: fonts_.smaller(); break;
        case GLFW_KEY_O:
          if (!again) {
            file_action_ = FileAction::Open;
            open_file_popup_ = true;
          }
          break;
        case GLFW_KEY_S:
          if (!again && state_.trace() != nullptr) {
            file_action_ = FileAction::Save;
            open_file_popup_ = true;
          }
          break;
        case GLFW_KEY_Q: quit_ = true; break;
        default: break;
      }
      continue;
    }
    switch (press.key) {
      case GLFW_KEY_RIGHT:
      case GLFW_KEY_N: state_.step(); break;
      case GLFW_KEY_LEFT:
      case GLFW_KEY_B: state_.step_back(); break;
      default: break;
    }
    if (again) continue;
    switch (press.key) {
      case GLFW_KEY_SPACE: state_.toggle_play(); break;
      case GLFW_KEY_R: state_.restart(); break;
      case GLFW_KEY_F11: fullscreen_request_ = true; break;
      case GLFW_KEY_F1: show_help_ = !show_help_; break;
      case GLFW_KEY_L: layout_.log_open = !layout_.log_open; break;
      case GLFW_KEY_ESCAPE: show_help_ = false; break;
      default: break;
    }
  }
}

void MainWindow::file_modal() {
  const bool saving = file_action_ != FileAction::Open;
  const char* title = file_action_ == FileAction::Save         ? "Save trace"
                      : file_action_ == FileAction::SavePcapng ? "Save packets"
                      : file_action_ == FileAction::ExportSvg  ? "Export ladder as SVG"
                      : file_action_ == FileAction::ExportPng  ? "Export ladder as PNG"
                                                               : "Open trace";
  if (open_file_popup_) {
    ImGui::OpenPopup(title);
    open_file_popup_ = false;
    file_input_announced_ = false;
  }
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 36, 0), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::TextUnformatted(file_action_ == FileAction::Save         ? "Save the whole trace as JSON to:"
                         : file_action_ == FileAction::SavePcapng ? "Save the packets as pcapng (opens in Wireshark) to:"
                         : file_action_ == FileAction::ExportSvg  ? "Save the visible ladder as SVG (for slides) to:"
                         : file_action_ == FileAction::ExportPng  ? "Save the visible ladder as PNG (for slides) to:"
                                                                  : "Open a trace (.json) or a capture (.pcap, .pcapng):");
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 34);
  const bool entered = ImGui::InputText("##path", &file_path_, ImGuiInputTextFlags_EnterReturnsTrue) || modal_enter_;
  if (ImGui::IsItemActive() && !file_input_announced_) {
    // Said once the field really has the keyboard: what a test robot waits for before typing.
    view::app_log().info("{} dialog: typing goes to the path field", title);
    file_input_announced_ = true;
  }
  ImGui::TextDisabled("~ means your home folder. Errors show above the timeline.");
  const bool ok = ImGui::Button(saving ? "Save" : "Open") || entered;
  ImGui::SameLine();
  const bool cancel = ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false) || modal_escape_;
  if (ok && !file_path_.empty()) {
    const std::string path = expand_home(file_path_);
    if (file_action_ == FileAction::Save) {
      state_.save_trace_async(path);
    } else if (file_action_ == FileAction::SavePcapng) {
      state_.save_pcapng_async(path);
    } else if (file_action_ == FileAction::ExportSvg) {
      export_ladder_svg(path);
    } else if (file_action_ == FileAction::ExportPng) {
      request_ladder_png(path, 2);
    } else {
      state_.open_trace_async(path);
    }
    ImGui::CloseCurrentPopup();
  } else if (cancel) {
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

void MainWindow::export_ladder_svg(const std::string& path) {
  std::string error;
  if (view::write_ladder_svg(path, timeline_.draw_list(), timeline_.viewport(), svg_colours(palette()), error)) {
    view::app_log().info("Exported the ladder as SVG to {}", path);
  } else {
    state_.add_error("Export ladder: " + error);
  }
}

bool MainWindow::save_ladder_png(int fb_height, float fb_scale) {
  if (ladder_png_.empty()) return true;
  if (ladder_png_skip_ > 0) {
    --ladder_png_skip_;
    return true;
  }
  const std::string path = std::exchange(ladder_png_, std::string());
  const view::Viewport& vp = timeline_.viewport();
  std::string error;
  const bool ok = save_screenshot_region(path, fb_height, static_cast<int>(vp.x * fb_scale), static_cast<int>(vp.y * fb_scale),
                                         static_cast<int>(vp.width * fb_scale), static_cast<int>(vp.height * fb_scale), &error);
  if (ok) {
    view::app_log().info("Exported the ladder as PNG to {}", path);
  } else {
    state_.add_error("Export ladder: " + error);
  }
  return ok;
}

void MainWindow::help_overlay() {
  if (!show_help_) return;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x / 2, viewport->WorkPos.y + viewport->WorkSize.y / 2),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowBgAlpha(0.96f);
  if (ImGui::Begin("Keyboard shortcuts (F1)", &show_help_,
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse)) {
    static constexpr const char* kKeys[][2] = {
        {"Space", "play / pause"},
        {"Right or N", "step: let one socket call run"},
        {"Left or B", "step back (replay of a finished run or a loaded trace)"},
        {"R", "restart the lesson (or rewind the replay)"},
        {"Mouse wheel, + / -", "zoom the timeline around the pointer"},
        {"Drag", "pan the timeline; drag on the time axis to scrub a replay"},
        {"Click", "inspect an event; click a folded mark to zoom in"},
        {"F or Home", "follow live / fit the whole trace"},
        {"T", "timeline spacing: by time / one row per event"},
        {"Ctrl+= / Ctrl+-", "bigger / smaller text"},
        {"Ctrl+O / Ctrl+S", "open / save a trace"},
        {"L", "show or hide the log console"},
        {"F11", "full screen"},
        {"F1", "this help (Esc closes)"},
        {"Ctrl+Q", "quit"},
    };
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
      for (const auto& row : kKeys) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(row[0]);
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(row[1]);
      }
      ImGui::EndTable();
    }
  }
  ImGui::End();
}

}  // namespace wirestep::gui
