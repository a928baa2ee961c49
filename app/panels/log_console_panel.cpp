// LogConsolePanel: shows view::app_log_buffer() with level colours, filters, auto-scroll, Clear, Copy.
#include "panels/log_console_panel.h"

#include <string>

#include "panels/panel_style.h"

namespace wirestep::panels {
namespace {

constexpr const char* kLevelNames[] = {"trace", "debug", "info", "warn", "error", "critical"};

ImU32 level_colour(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return IM_COL32(130, 130, 140, 255);
    case spdlog::level::debug: return IM_COL32(150, 180, 200, 255);
    case spdlog::level::info: return IM_COL32(210, 210, 215, 255);
    case spdlog::level::warn: return IM_COL32(255, 200, 90, 255);
    case spdlog::level::err: return IM_COL32(255, 110, 100, 255);
    case spdlog::level::critical: return IM_COL32(255, 60, 60, 255);
    default: return IM_COL32(200, 200, 200, 255);
  }
}

std::string line_text(const view::LogLine& line) {
  const auto level = spdlog::level::to_string_view(line.level);
  std::string text = line.time + " [" + std::string(level.data(), level.size()) + "] ";
  if (!line.logger.empty()) text += line.logger + ": ";
  return text + line.text;
}

}  // namespace

void LogConsolePanel::install_sink() { view::install_app_log_sink(); }

void LogConsolePanel::refilter() {
  shown_.clear();
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    const view::LogLine& line = lines_[i];
    if (static_cast<int>(line.level) < min_level_) continue;
    if (filter_.IsActive() && !filter_.PassFilter(line.text.c_str()) && !filter_.PassFilter(line.logger.c_str())) {
      continue;
    }
    shown_.push_back(i);
  }
  dirty_ = false;
}

void LogConsolePanel::draw() {
  const auto& buffer = *view::app_log_buffer();
  std::vector<view::LogLine> fresh;
  newest_ = buffer.copy_since(newest_, fresh);
  if (!fresh.empty()) {
    for (auto& line : fresh) lines_.push_back(std::move(line));
    while (lines_.size() > buffer.capacity()) lines_.pop_front();
    dirty_ = true;
  }

  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  if (ImGui::Combo("##level", &min_level_, kLevelNames, IM_ARRAYSIZE(kLevelNames))) dirty_ = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show this level and above");
  ImGui::SameLine();
  if (filter_.Draw("##filter", ImGui::GetFontSize() * 12)) dirty_ = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Filter text: \"word\", \"-word\" to hide, commas for several");
  ImGui::SameLine();
  ImGui::Checkbox("Auto-scroll", &auto_scroll_);
  ImGui::SameLine();
  if (ImGui::Button("Clear")) {
    view::app_log_buffer()->clear();
    lines_.clear();
    dirty_ = true;
  }
  ImGui::SameLine();
  const bool copy = ImGui::Button("Copy");
  if (dirty_) refilter();
  ImGui::SameLine();
  ImGui::TextDisabled("%zu of %zu lines", shown_.size(), lines_.size());

  if (copy) {
    std::string all;
    for (std::size_t index : shown_) all += line_text(lines_[index]) + "\n";
    ImGui::SetClipboardText(all.c_str());
  }

  ImGui::BeginChild("##log", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  ImGui::PushFont(monospace_font());
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(shown_.size()));
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const view::LogLine& line = lines_[shown_[static_cast<std::size_t>(row)]];
      ImGui::TextColored(ImColor(colours::kDim), "%s", line.time.c_str());
      ImGui::SameLine();
      const auto level = spdlog::level::to_short_c_str(line.level);
      ImGui::TextColored(ImColor(level_colour(line.level)), "%s", level);
      ImGui::SameLine();
      if (!line.logger.empty()) {
        ImGui::TextColored(ImColor(colours::kAccent), "%s", line.logger.c_str());
        ImGui::SameLine();
      }
      ImGui::PushStyleColor(ImGuiCol_Text, level_colour(line.level));
      ImGui::TextUnformatted(line.text.c_str());
      ImGui::PopStyleColor();
    }
  }
  clipper.End();
  // Follow new lines only while the user is at the bottom: scrolling up to read stops it.
  if (auto_scroll_ && ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 2 * ImGui::GetTextLineHeight()) {
    ImGui::SetScrollHereY(1.0f);
  }
  ImGui::PopFont();
  ImGui::EndChild();
}

}  // namespace wirestep::panels
