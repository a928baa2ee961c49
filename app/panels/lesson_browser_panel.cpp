// LessonBrowserPanel: pick a lesson, read what it teaches and needs, start it, track completion.
#include "panels/lesson_browser_panel.h"

#include <algorithm>
#include <optional>

#include <imgui.h>

#include <fmt/format.h>

#include "gui/app_state.h"
#include "gui/theme.h"

namespace wirestep::panels {
namespace {

// What this machine offers today: only the socket tier is built (ARCHITECTURE §3).
bool available(lesson::Capability capability) { return capability == lesson::Capability::Sockets; }

}  // namespace

namespace {

// The knobs this lesson reads, applied when it next starts (a running lesson keeps its own).
// Returns whether any is shown.
bool draw_settings(const lesson::LessonInfo& info, lesson::LessonParams& params) {
  if (info.settings.empty()) return false;
  ImGui::Spacing();
  ImGui::TextDisabled("Settings for the next start:");
  const float width = std::min(ImGui::GetContentRegionAvail().x * 0.55f, ImGui::GetFontSize() * 12);
  ImGui::PushItemWidth(width);
  if (info.has(lesson::Setting::Clients)) {
    ImGui::SliderInt("clients", &params.clients, 1, 100, "%d", ImGuiSliderFlags_AlwaysClamp);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("How many clients visit each server at the same time");
  }
  if (info.has(lesson::Setting::Window)) {
    ImGui::SliderInt("window", &params.window, 1, 64, "%d messages", ImGuiSliderFlags_AlwaysClamp);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Messages the sliding window keeps in flight");
  }
  if (info.has(lesson::Setting::Loss)) {
    bool own = !params.loss_percent.has_value();
    if (ImGui::Checkbox("the lesson's own loss", &own)) {
      params.loss_percent = own ? std::nullopt : std::optional<double>(10.0);
    }
    if (!own) {
      float loss = static_cast<float>(*params.loss_percent);
      if (ImGui::SliderFloat("loss", &loss, 0.0f, 60.0f, "%.1f %%", ImGuiSliderFlags_AlwaysClamp)) {
        params.loss_percent = loss;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Packets the link drops at random; 0 is a perfect link");
    }
  }
  if (info.has(lesson::Setting::Seed)) {
    ImGui::InputScalar("seed", ImGuiDataType_U64, &params.seed);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The same seed loses the same packets again");
  }
  ImGui::PopItemWidth();
  return true;
}

}  // namespace

void LessonBrowserPanel::draw(gui::AppState& state) {
  const gui::Palette& pal = gui::palette();
  auto& progress = state.progress();
  if (highlighted_.empty()) highlighted_ = !state.lesson_id().empty() ? state.lesson_id() : "";

  ImGui::TextDisabled("LESSONS");
  for (const auto& lesson : state.catalog().lessons()) {
    const auto info = lesson->info();
    if (highlighted_.empty()) highlighted_ = info.id;
    const bool done = progress.completed(info.id);
    const bool running = info.id == state.lesson_id();
    const std::string label = fmt::format("{} {}##{}", done ? "✓" : "  ", info.title, info.id);
    if (running) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.accent_text));
    if (ImGui::Selectable(label.c_str(), highlighted_ == info.id, ImGuiSelectableFlags_AllowDoubleClick)) {
      highlighted_ = info.id;
      if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) state.open_lesson(info.id, false);
    }
    if (running) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", done ? "Completed. Double-click to open." : "Double-click to open.");
  }

  const lesson::Lesson* lesson = state.catalog().find(highlighted_);
  if (lesson == nullptr) return;
  const auto info = lesson->info();
  bool runnable = true;
  for (auto need : info.needs) runnable = runnable && available(need);
  ImGui::Separator();
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(info.summary.c_str());
  ImGui::PopTextWrapPos();
  // What a teacher acts on first (settings, Start) comes before the longer description, so it
  // is in view without scrolling the browser.
  draw_settings(info, state.params());
  ImGui::Spacing();

  const bool done = progress.completed(info.id);
  ImGui::BeginDisabled(!runnable);
  const bool is_open = info.id == state.lesson_id();
  if (ImGui::Button(is_open ? "Start again" : (done ? "Start again##new" : "Start lesson"))) state.open_lesson(info.id, false);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(runnable ? "Opens the lesson paused at its first call: press Play or Step"
                               : "This machine lacks a capability the lesson needs");
  }
  if (done) {
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.ok_text));
    ImGui::TextUnformatted("✓ completed");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::SmallButton("reset")) {
      progress.reset(info.id);
      state.save_progress_async();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Forget that this lesson was completed");
  } else if (const auto reached = progress.checkpoints(info.id); reached > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("%zu section%s reached", reached, reached == 1 ? "" : "s");
  }
  if (!progress.warning().empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", progress.warning().c_str());
    ImGui::PopTextWrapPos();
  }

  ImGui::PushTextWrapPos(0);
  if (!info.objectives.empty()) {
    ImGui::Spacing();
    ImGui::TextDisabled("You will see:");
    for (const auto& objective : info.objectives) {
      ImGui::Bullet();
      ImGui::TextWrapped("%s", objective.c_str());
    }
  }
  ImGui::Spacing();
  ImGui::TextDisabled("Needs:");
  for (auto need : info.needs) {
    const bool ok = available(need);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ok ? pal.ok_text : pal.error));
    ImGui::BulletText("%s: %s", std::string(lesson::to_string(need)).c_str(), ok ? "yes" : "not yet available");
    ImGui::PopStyleColor();
  }
  ImGui::PopTextWrapPos();
}

}  // namespace wirestep::panels
