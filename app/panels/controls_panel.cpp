// ControlsPanel: the same buttons drive a live run (through its Stepper) and a replay (its cursor).
#include "panels/controls_panel.h"

#include <imgui.h>

#include <cmath>

#include <fmt/format.h>

#include "gui/app_state.h"
#include "gui/theme.h"

namespace wirestep::panels {

std::string pending_label(const gui::AppState& state) {
  const auto next = state.pending();
  if (!next || state.trace() == nullptr) return {};
  return fmt::format("next: {} {}()", state.trace()->lane_name(next->lane), trace::to_string(next->call));
}

void ControlsPanel::draw(gui::AppState& state) {
  const gui::Palette& pal = gui::palette();
  const bool has_trace = state.trace() != nullptr;
  const bool live = state.live();

  ImGui::BeginDisabled(!has_trace);
  if (state.playing()) {
    if (ImGui::Button("❚❚ Pause")) state.pause();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Pause (Space)");
  } else {
    if (ImGui::Button("▶ Play")) state.play();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Play (Space)");
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(live);
  if (ImGui::Button("◀ Back")) state.step_back();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(live ? "A live run only goes forward; step back once it has finished (Left, B)"
                           : "Step back one socket call (Left, B)");
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(!live && state.cursor_at_end());
  if (ImGui::Button("Step ▶")) state.step();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(state.wire_active() && state.granularity() == lesson::Granularity::Frames
                          ? "Let exactly one packet cross the wire (Right, N)"
                          : "Let exactly one socket call run (Right, N)");
  }
  ImGui::SameLine();
  if (ImGui::Button("↺ Restart")) state.restart();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(state.run() != nullptr ? "Run the lesson again from the start (R)" : "Rewind the replay (R)");
  }
  ImGui::EndDisabled();

  // Speed: 1.0 is one call per 0.4 s; "unpaced" lets the calls go as fast as the machine does.
  ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
  bool unpaced = state.speed() == lesson::Stepper::kUnpaced;
  float speed = unpaced ? 1.0f : static_cast<float>(state.speed());
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::BeginDisabled(unpaced);
  if (ImGui::SliderFloat("##speed", &speed, 0.25f, 8.0f, "speed %.2gx", ImGuiSliderFlags_Logarithmic)) {
    state.set_speed(speed);
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("1x = one socket call every 0.4 s");
  ImGui::SameLine();
  if (ImGui::Checkbox("unpaced", &unpaced)) state.set_speed(unpaced ? lesson::Stepper::kUnpaced : 1.0);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Let calls run as fast as the machine goes");

  ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  const bool frames = state.granularity() == lesson::Granularity::Frames && state.wire_status().available;
  if (ImGui::BeginCombo("##granularity", frames ? "packets" : "socket calls")) {
    if (ImGui::Selectable("socket calls", !frames)) state.set_granularity(lesson::Granularity::Calls);
    const bool can_frame = state.wire_status().available;
    if (ImGui::Selectable("packets", frames, can_frame ? 0 : ImGuiSelectableFlags_Disabled)) {
      state.set_granularity(lesson::Granularity::Frames);
    }
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
      ImGui::SetTooltip(can_frame ? "Each Step lets one real packet cross the wire"
                                  : "Needs the virtual wire: %s\nTo enable: %s",
                        state.wire_status().reason.c_str(), state.wire_status().enable.c_str());
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("What one Step lets through");

  // Capture tier: what this run can really see.
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  if (state.wire_active()) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.ok_text), "wire");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Virtual wire: every real IP packet of this lesson passes through WireStep");
  } else {
    ImGui::TextDisabled("calls only");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Socket calls are recorded; packets are inferred.\n%s\nTo see real packets: %s",
                        state.wire_status().reason.c_str(),
                        state.wire_status().enable.empty() ? "restart the lesson" : state.wire_status().enable.c_str());
    }
  }

  // Status.
  ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
  std::string status;
  ImU32 colour = pal.muted_text;
  if (live) {
    status = state.playing() ? "● running" : "❚❚ paused";
    colour = pal.ok_text;
    if (const std::size_t held = state.held_packets(); held > 0) {
      status += fmt::format("  ·  {} packet{} held on the wire", held, held == 1 ? "" : "s");
      colour = pal.accent_text;
    } else if (const std::string next = pending_label(state); !next.empty()) {
      status += "  ·  " + next;
      colour = pal.accent_text;
    }
  } else if (const auto* run = state.run(); run != nullptr) {
    switch (run->state()) {
      case lesson::RunState::Finished: status = "✓ finished"; colour = pal.ok_text; break;
      case lesson::RunState::Failed: status = "✗ failed: " + run->error(); colour = pal.error; break;
      case lesson::RunState::Cancelled: status = "stopped"; break;
      case lesson::RunState::Running: break;
    }
  } else if (has_trace) {
    status = "replay";
  } else {
    status = "no lesson open";
  }
  if (has_trace && !live && !state.cursor_at_end()) {
    status += fmt::format("  ·  replay {} / {} events", state.visible_limit(), state.trace()->size());
    colour = pal.accent_text;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colour));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(status.c_str());
  ImGui::PopStyleColor();

  if (has_trace) {
    const auto& t = *state.trace();
    std::string stats = fmt::format("{} events · {:.1f} KiB", t.size(), t.payload_bytes() / 1024.0);
    ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
    ImGui::TextDisabled("%s", stats.c_str());
    if (t.dropped_events() > 0 || t.dropped_payload_bytes() > 0) {
      ImGui::SameLine();
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.error));
      ImGui::Text("trace full: %llu events and %llu bytes not kept", static_cast<unsigned long long>(t.dropped_events()),
                  static_cast<unsigned long long>(t.dropped_payload_bytes()));
      ImGui::PopStyleColor();
    }
  }
}

}  // namespace wirestep::panels
