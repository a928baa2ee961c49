// TcpStatePanel: a legend row per socket, then view::tcp_diagram_layout() scaled to fill the panel
// (scrolling rather than shrinking text below readable), each socket's state as a coloured box with
// an fd chip and its last transition as a thick arrow.
#include "panels/tcp_state_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "panels/panel_style.h"
#include "view/tcp_state_diagram.h"

namespace wirestep::panels {
namespace {

// Diagram units to screen: x and y scale apart so a tall, narrow panel is filled.
struct Mapper {
  ImVec2 origin;
  float scale_x;
  float scale_y;
  ImVec2 operator()(view::DiagramPoint p) const { return {origin.x + p.x * scale_x, origin.y + p.y * scale_y}; }
};

void arrow_head(ImDrawList* draw, ImVec2 from, ImVec2 to, ImU32 colour, float size) {
  const float dx = to.x - from.x;
  const float dy = to.y - from.y;
  const float length = std::sqrt(dx * dx + dy * dy);
  if (length < 1e-3f) return;
  const ImVec2 u(dx / length, dy / length);
  const ImVec2 n(-u.y, u.x);
  draw->AddTriangleFilled(to, ImVec2(to.x - u.x * size + n.x * size * 0.5f, to.y - u.y * size + n.y * size * 0.5f),
                          ImVec2(to.x - u.x * size - n.x * size * 0.5f, to.y - u.y * size - n.y * size * 0.5f),
                          colour);
}

void draw_arrow(ImDrawList* draw, const Mapper& map, const view::DiagramArrow& arrow, ImU32 colour,
                float thickness, float head) {
  std::vector<ImVec2> points;
  for (const auto& p : arrow.points) points.push_back(map(p));
  draw->AddPolyline(points.data(), static_cast<int>(points.size()), colour, ImDrawFlags_None, thickness);
  arrow_head(draw, points[points.size() - 2], points.back(), colour, head);
}

void centred_text(ImDrawList* draw, ImFont* font, float size, ImVec2 centre, ImU32 colour,
                  std::string_view text, ImU32 back) {
  const ImVec2 extent = font->CalcTextSizeA(size, FLT_MAX, 0.0f, text.data(), text.data() + text.size());
  const ImVec2 p(centre.x - extent.x / 2, centre.y - extent.y / 2);
  if (back != 0) draw->AddRectFilled(ImVec2(p.x - 2, p.y), ImVec2(p.x + extent.x + 2, p.y + extent.y), back, 2.0f);
  draw->AddText(font, size, p, colour, text.data(), text.data() + text.size());
}

// The diagram's text sizes in diagram units, as the layout's spacing was designed for.
constexpr float kBoxTextUnits = 15.0f;
constexpr float kLabelTextUnits = 12.5f;
constexpr float kChipRadiusUnits = 9.0f;
// Smallest text relative to the panel font: below this a projected diagram cannot be read.
constexpr float kMinTextRatio = 0.8f;
// Above this the atlas bitmap is blown up and looks blurred; the geometry may still grow.
constexpr float kMaxTextRatio = 1.15f;
// How far the diagram may be stretched vertically to fill a tall, narrow panel.
constexpr float kMaxStretch = 1.6f;

// One legend row: chip, "server fd 8", state, address; then its notes on their own wrapped lines.
void draw_legend(const trace::Trace& trace, const std::vector<view::SocketStateTrack>& sockets) {
  const float h = ImGui::GetTextLineHeight();
  // A fixed em gap: the theme's item spacing is too tight to separate columns of plain text.
  const float gap = ImGui::GetFontSize() * 0.6f;
  std::vector<std::string> names;
  float name_w = 0;
  float state_w = 0;
  for (const auto& s : sockets) {
    const auto lane = trace.lane_name(s.lane);
    names.push_back(std::string(lane) + " fd " + std::to_string(s.fd));
    name_w = std::max(name_w, ImGui::CalcTextSize(names.back().c_str()).x);
    const std::string state(view::tcp_state_label(s.state.value_or(view::TcpState::Closed)));
    state_w = std::max(state_w, ImGui::CalcTextSize(state.c_str()).x);
  }
  // Columns line up across rows, so the eye reads the states as one list.
  const float name_x = h + gap;
  const float state_x = name_x + name_w + gap * 1.5f;
  const float address_x = state_x + state_w + gap * 1.5f;
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    const auto& s = sockets[i];
    ImGui::PushID(static_cast<int>(i));
    const ImVec2 row = ImGui::GetCursorScreenPos();
    const float start_x = ImGui::GetCursorPosX();
    const float row_w = ImGui::GetContentRegionAvail().x;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(row.x + 2, row.y + 2), ImVec2(row.x + h - 2, row.y + h - 2),
                                              palette_colour(i), 3.0f);
    ImGui::Dummy(ImVec2(h, h));
    ImGui::SameLine(start_x + name_x);
    ImGui::TextColored(ImColor(palette_colour(i)), "%s", names[i].c_str());
    ImGui::SameLine(start_x + state_x);
    const std::string state(s.state ? view::tcp_state_label(*s.state) : std::string_view("?"));
    ImGui::TextUnformatted(state.c_str());
    if (!s.local.empty()) {
      const std::string address = s.local.to_string();
      // The address is the least important column: it moves under the name rather than clip.
      if (address_x + ImGui::CalcTextSize(address.c_str()).x <= row_w) {
        ImGui::SameLine(start_x + address_x);
      } else {
        ImGui::SetCursorPosX(start_x + name_x);
      }
      ImGui::TextDisabled("%s", address.c_str());
    }
    const ImVec2 row_end(row.x + row_w, ImGui::GetItemRectMax().y);
    if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(row, row_end)) {
      std::string path;
      for (std::size_t k = 0; k < s.history.size(); ++k) {
        if (k > 0) path += " -> ";
        path += view::tcp_state_label(s.history[k]);
      }
      ImGui::SetTooltip("%s", path.c_str());
    }
    // Notes go on their own line under the row, wrapped at words, so they never squeeze the row.
    ImGui::Indent(name_x);
    ImGui::PushStyleColor(ImGuiCol_Text, colours::kNote);
    if (s.inferred) {
      ImGui::TextWrapped("after close(): inferred, the kernel goes on alone");
    }
    // Loopback connects finish between two TCP_INFO snapshots: say so rather than draw nothing.
    if (s.previous && s.state && view::tcp_diagram_layout().arrow(*s.previous, *s.state) == nullptr) {
      ImGui::TextWrapped("%s -> %s: the steps between were too quick to see",
                         std::string(view::tcp_state_label(*s.previous)).c_str(),
                         std::string(view::tcp_state_label(*s.state)).c_str());
    }
    ImGui::PopStyleColor();
    ImGui::Unindent(name_x);
    ImGui::PopID();
  }
}

}  // namespace

void TcpStatePanel::draw(const trace::Trace* trace, const view::Selection& selection) {
  const view::TcpDiagramLayout& layout = view::tcp_diagram_layout();
  std::vector<view::SocketStateTrack> sockets;
  if (trace != nullptr) {
    const std::size_t end = selection.event ? *selection.event + 1 : trace->size();
    sockets = view::socket_states_at(*trace, end);
  }

  if (sockets.empty()) {
    ImGui::TextWrapped("No TCP socket yet. Each socket's state lights up here as the lesson runs.");
  } else {
    draw_legend(*trace, sockets);
  }
  ImGui::Separator();

  // The diagram fills what is left: full width, and taller than its own aspect when the panel is
  // tall and narrow (up to kMaxStretch). Text never drops below kMinTextRatio of the font: when
  // the panel is too small for that, the diagram keeps that size and scrolls.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (avail.x < 50 || avail.y < 50) return;
  const float font_size = ImGui::GetFontSize();
  const float min_scale = font_size * kMinTextRatio / kLabelTextUnits;
  const float scale_x = std::max(avail.x / layout.width, min_scale);
  const bool scrolls_x = scale_x * layout.width > avail.x + 0.5f;
  if (scrolls_x) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Scroll sideways for the whole diagram, or drag the column wider.");
    ImGui::PopStyleColor();
  }
  const ImVec2 area = ImGui::GetContentRegionAvail();
  const float height = area.y - (scrolls_x ? ImGui::GetStyle().ScrollbarSize : 0.0f);
  const float scale_y = std::max(std::clamp(height / layout.height, scale_x, scale_x * kMaxStretch), min_scale);
  const ImVec2 size(layout.width * scale_x, layout.height * scale_y);

  ImGui::BeginChild("##diagram", area, false, ImGuiWindowFlags_HorizontalScrollbar);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  origin.x += std::max(0.0f, (avail.x - size.x) / 2);
  ImGui::Dummy(size);
  const Mapper map{origin, scale_x, scale_y};

  // Keep the socket that changed last in view when the diagram is wider than the panel.
  const view::SocketStateTrack* latest = nullptr;
  for (const auto& s : sockets) {
    if (s.state && (latest == nullptr || s.last_change >= latest->last_change)) latest = &s;
  }
  if (latest != nullptr && (latest->state != followed_state_ || latest->last_change != followed_change_)) {
    followed_state_ = latest->state;
    followed_change_ = latest->last_change;
    const view::DiagramPoint centre = layout.box(*latest->state).center;
    if (scrolls_x) ImGui::SetScrollX(std::max(0.0f, centre.x * scale_x - ImGui::GetWindowWidth() / 2));
    if (size.y > area.y) ImGui::SetScrollY(std::max(0.0f, centre.y * scale_y - ImGui::GetWindowHeight() / 2));
  }

  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImFont* font = ImGui::GetFont();
  const float text_scale = std::min(scale_x, scale_y);
  const auto text_px = [&](float units) {
    return std::clamp(units * text_scale, font_size * kMinTextRatio, font_size * kMaxTextRatio);
  };
  const float box_text = text_px(kBoxTextUnits);
  const float label_text = text_px(kLabelTextUnits);
  const float scale = text_scale;
  const ImU32 line = IM_COL32(140, 140, 150, 200);
  const ImU32 label_colour = IM_COL32(185, 185, 195, 255);
  const ImU32 label_back = ImGui::GetColorU32(ImGuiCol_WindowBg, 0.85f);

  for (const auto& arrow : layout.arrows) draw_arrow(draw, map, arrow, line, 1.2f, 7.0f * std::max(scale, 0.8f));
  // Each socket's last step, thick in its colour, so the eye follows what just happened.
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    const auto& s = sockets[i];
    if (!s.previous || !s.state) continue;
    if (const auto* arrow = layout.arrow(*s.previous, *s.state)) {
      draw_arrow(draw, map, *arrow, palette_colour(i), 3.5f, 11.0f * std::max(scale, 0.8f));
    }
  }
  for (const auto& arrow : layout.arrows) {
    centred_text(draw, font, label_text, map(arrow.label_at), label_colour, arrow.label, label_back);
  }

  for (const auto& box : layout.boxes) {
    const ImVec2 a = map({box.center.x - box.width / 2, box.center.y - box.height / 2});
    const ImVec2 b = map({box.center.x + box.width / 2, box.center.y + box.height / 2});
    std::vector<std::size_t> here;
    for (std::size_t i = 0; i < sockets.size(); ++i) {
      if (sockets[i].state == box.state) here.push_back(i);
    }
    const ImU32 fill = here.empty() ? IM_COL32(45, 48, 58, 255) : palette_colour(here.front(), 0.35f);
    draw->AddRectFilled(a, b, fill, 6.0f * scale);
    if (here.empty()) {
      draw->AddRect(a, b, IM_COL32(120, 120, 135, 255), 6.0f * scale, 0, 1.0f);
    } else {
      draw->AddRect(a, b, palette_colour(here.front()), 6.0f * scale, 0, 3.0f);
    }
    centred_text(draw, font, box_text, ImVec2((a.x + b.x) / 2, (a.y + b.y) / 2),
                 here.empty() ? IM_COL32(200, 200, 210, 255) : IM_COL32(255, 255, 255, 255),
                 view::tcp_state_label(box.state), 0);
    // One chip per socket in this state, with its fd, along the box's top edge.
    float x = b.x - 4;
    const float r = std::max(font_size * kMinTextRatio / 1.5f, std::min(kChipRadiusUnits * scale, font_size * 0.6f));
    for (auto it = here.rbegin(); it != here.rend(); ++it) {
      const ImVec2 centre(x - r, a.y);
      draw->AddCircleFilled(centre, r, palette_colour(*it));
      if (sockets[*it].inferred) draw->AddCircle(centre, r + 2, IM_COL32(255, 255, 255, 200), 0, 1.5f);
      const std::string fd = std::to_string(sockets[*it].fd);
      centred_text(draw, font, r * 1.5f, centre, IM_COL32(0, 0, 0, 255), fd, 0);
      x -= 2 * r + 3;
    }
  }
  ImGui::EndChild();
}

}  // namespace wirestep::panels
