// ClientWaitsPanel: per round a heading, then bars on an ImDrawList over the shared time grid; the
// row under the mouse is outlined and its tooltip gives the client's numbers.
#include "panels/client_waits_panel.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <string>

#include "gui/theme.h"
#include "panels/panel_style.h"
#include "view/client_waits_chart.h"

namespace wirestep::panels {
namespace {

// A square of the bar's colours, then what that colour means.
void legend_item(ImU32 fill, ImU32 border, float border_width, const char* text) {
  const float line = ImGui::GetTextLineHeight();
  const float size = line * 0.8f;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 a(at.x, at.y + (line - size) / 2);
  const ImVec2 b(a.x + size, a.y + size);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(a, b, fill);
  if (border != 0) draw->AddRect(a, b, border, 0, 0, border_width);
  ImGui::Dummy(ImVec2(size, line));
  ImGui::SameLine(0, line * 0.4f);
  ImGui::TextUnformatted(text);
}

float legend_width(const char* text) {
  return ImGui::GetTextLineHeight() * 1.2f + ImGui::CalcTextSize(text).x;
}

void heading(const std::string& text) {
  ImFont* bold = bold_font();
  if (bold != nullptr) ImGui::PushFont(bold);
  ImGui::TextWrapped("%s", text.c_str());
  if (bold != nullptr) ImGui::PopFont();
}

// What a round takes besides its rows: a gap, its title, its caption and its time axis.
float round_frame_height(const view::RoundChart& shown) {
  const float line = ImGui::GetTextLineHeight();
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float wrap = ImGui::GetContentRegionAvail().x;
  return line * 0.3f + ImGui::CalcTextSize(shown.title.c_str(), nullptr, false, wrap).y +
         ImGui::CalcTextSize(shown.caption.c_str(), nullptr, false, wrap).y + line + 2 + spacing * 4;
}

// How tall a client's row is: every round fits the height left when it can, so the rounds can
// be compared at a glance; never so thin a bar cannot be seen or hovered, never taller than a
// labelled line.
float row_height(const view::WaitsChart& chart) {
  const float line = ImGui::GetTextLineHeight();
  float frames = 0;
  std::size_t rows = 0;
  for (const auto& shown : chart.rounds) {
    frames += round_frame_height(shown);
    rows += shown.bars.size();
  }
  if (rows == 0) return line;
  const float fit = (ImGui::GetContentRegionAvail().y - frames) / static_cast<float>(rows);
  return std::clamp(fit, std::max(4.0f, line * 0.35f), line * 1.15f);
}

// One round's bars, `row` pixels per client; returns how many it drew.
std::size_t round_chart(const view::WaitsChart& chart, const view::RoundChart& shown, const lesson::ClientRound& round,
                        float row, const gui::Palette& pal) {
  const std::size_t n = shown.bars.size();
  if (n == 0) return 0;
  const float line = ImGui::GetTextLineHeight();
  // Thin rows are labelled at the first and the last only; hovering names any of them.
  const bool label_every_row = row >= line * 0.95f;
  int widest = 0;
  for (const auto& bar : shown.bars) widest = std::max(widest, bar.number);
  const float label_width =
      ImGui::CalcTextSize(fmt::format("#{}", widest).c_str()).x + ImGui::GetStyle().ItemInnerSpacing.x;

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(label_width + 40.0f, ImGui::GetContentRegionAvail().x);
  const float height = row * static_cast<float>(n);
  ImGui::InvisibleButton(fmt::format("##waits{}", shown.round).c_str(), ImVec2(width, height));
  const bool hovered = ImGui::IsItemHovered();

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float x0 = origin.x + label_width;
  const float x1 = origin.x + width;
  const auto x_at = [&](float fraction) { return x0 + fraction * (x1 - x0); };
  draw->AddRectFilled(ImVec2(x0, origin.y), ImVec2(x1, origin.y + height), pal.canvas);
  for (const auto& tick : chart.ticks) {
    const float x = x_at(tick.at);
    draw->AddLine(ImVec2(x, origin.y), ImVec2(x, origin.y + height), pal.grid);
  }

  const float thickness = std::max(2.0f, row * 0.72f);
  const float border = std::max(1.0f, pal.line_width * 0.5f);
  for (std::size_t i = 0; i < n; ++i) {
    const view::WaitBar& bar = shown.bars[i];
    const float top = origin.y + row * static_cast<float>(i) + (row - thickness) / 2;
    const float bottom = top + thickness;
    const float start = x_at(bar.connected);
    // At least a sliver: a wait of microseconds on a scale of seconds still shows where it was.
    const float first = std::max(x_at(bar.first_byte), start + 1.0f);
    draw->AddRectFilled(ImVec2(start, top), ImVec2(first, bottom), pal.blocked);
    draw->AddRect(ImVec2(start, top), ImVec2(first, bottom), pal.call_connect, 0, 0, border);
    if (bar.answered) {
      // A few pixels at least: a page served in microseconds still marks when its first byte came.
      const float done = std::max(x_at(bar.done), first + std::max(3.0f, pal.line_width * 1.5f));
      draw->AddRectFilled(ImVec2(first, top), ImVec2(done, bottom), pal.call_recv);
    }
    if (bar.failed) {
      const float x = x_at(bar.done);
      draw->AddLine(ImVec2(x, top - 1), ImVec2(x, bottom + 1), pal.error, pal.line_width * 1.5f);
    }
    if (label_every_row || i == 0 || i + 1 == n) {
      const std::string label = fmt::format("#{}", bar.number);
      const float y =
          std::clamp(origin.y + row * (static_cast<float>(i) + 0.5f) - line / 2, origin.y, origin.y + height - line);
      draw->AddText(ImVec2(origin.x, y), pal.axis_text, label.c_str());
    }
  }

  if (hovered) {
    const float mouse_y = ImGui::GetIO().MousePos.y;
    const auto i = static_cast<std::size_t>(std::clamp((mouse_y - origin.y) / row, 0.0f, static_cast<float>(n) - 1));
    const float top = origin.y + row * static_cast<float>(i);
    draw->AddRect(ImVec2(x0, top), ImVec2(x1, top + row), pal.hovered, 0, 0, border);
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(view::wait_tooltip(round, round.clients[shown.bars[i].client], shown.origin_ns).c_str());
    ImGui::EndTooltip();
  }

  // The time axis under the bars: the same ticks in every round.
  const float axis_y = origin.y + height + 2;
  for (const auto& tick : chart.ticks) {
    const float text_width = ImGui::CalcTextSize(tick.label.c_str()).x;
    const float x = std::clamp(x_at(tick.at) - text_width / 2, x0, x1 - text_width);
    draw->AddText(ImVec2(x, axis_y), pal.axis_text, tick.label.c_str());
  }
  ImGui::Dummy(ImVec2(width, line + 2));
  return n;
}

}  // namespace

void ClientWaitsPanel::draw(const trace::Trace* trace, std::uint64_t generation, std::size_t limit) {
  bars_drawn_ = 0;
  if (trace == nullptr) {
    ImGui::TextWrapped(
        "No trace yet. Run blocking-vs-event-loop to see which clients waited for their answer, "
        "and for how long.");
    return;
  }
  if (generation != generation_) {
    waits_ = lesson::ClientWaits{};
    generation_ = generation;
  }
  waits_.update(*trace, limit);
  const gui::Palette& pal = gui::palette();
  if (!waits_.has_clients()) {
    const bool rounds = std::any_of(waits_.rounds().begin(), waits_.rounds().end(),
                                    [](const lesson::ClientRound& r) { return !r.name.empty(); });
    ImGui::PushStyleColor(ImGuiCol_Text, pal.muted_text);
    ImGui::TextWrapped("%s", rounds
                                 ? "No client has connected yet: each one gets a bar here once its connect() returns."
                                 : "This chart is for lessons with several clients (lanes client#1, client#2, ...), "
                                   "such as blocking-vs-event-loop.");
    ImGui::PopStyleColor();
    return;
  }

  const view::WaitsChart chart = view::layout_waits(waits_.rounds());
  ImGui::BeginChild("##waits", ImVec2(0, 0), false);
  const float border = std::max(1.0f, pal.line_width * 0.5f);
  const char* kWaiting = "connected, waiting for the first byte";
  const char* kServed = "being served, to the end of the page";
  legend_item(pal.blocked, pal.call_connect, border, kWaiting);
  if (ImGui::GetContentRegionAvail().x >=
      legend_width(kWaiting) + legend_width(kServed) + ImGui::GetFontSize() * 1.5f) {
    ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
  }
  legend_item(pal.call_recv, 0, border, kServed);
  ImGui::PushStyleColor(ImGuiCol_Text, pal.muted_text);
  ImGui::TextWrapped(
      "A row per client, in the order they were answered; one time scale for every round. Hover a bar for "
      "its numbers.");
  ImGui::PopStyleColor();

  const float row = row_height(chart);
  for (const view::RoundChart& shown : chart.rounds) {
    ImGui::Dummy(ImVec2(1, ImGui::GetTextLineHeight() * 0.3f));
    heading(shown.title);
    ImGui::PushStyleColor(ImGuiCol_Text, pal.muted_text);
    ImGui::TextWrapped("%s", shown.caption.c_str());
    ImGui::PopStyleColor();
    bars_drawn_ += round_chart(chart, shown, waits_.rounds()[shown.round], row, pal);
  }
  ImGui::EndChild();
}

}  // namespace wirestep::panels
