// TcpStatePanel: draws view::tcp_diagram_layout() scaled to the panel, each socket's state as a
// coloured box with an fd chip, its last transition as a thick arrow, and a legend per socket.
#include "panels/tcp_state_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "panels/panel_style.h"
#include "view/tcp_state_diagram.h"

namespace wirestep::panels {
namespace {

struct Mapper {
  ImVec2 origin;
  float scale;
  ImVec2 operator()(view::DiagramPoint p) const { return {origin.x + p.x * scale, origin.y + p.y * scale}; }
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

}  // namespace

void TcpStatePanel::draw(const trace::Trace* trace, const view::Selection& selection) {
  const view::TcpDiagramLayout& layout = view::tcp_diagram_layout();
  std::vector<view::SocketStateTrack> sockets;
  if (trace != nullptr) {
    const std::size_t end = selection.event ? *selection.event + 1 : trace->size();
    sockets = view::socket_states_at(*trace, end);
  }

  // Legend first: one line per socket, in its colour.
  if (sockets.empty()) {
    ImGui::TextDisabled("No TCP socket yet. Each socket's state lights up here as the lesson runs.");
  }
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    const auto& s = sockets[i];
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + h - 4, p.y + h - 2),
                                              palette_colour(i), 3.0f);
    ImGui::Dummy(ImVec2(h, h));
    ImGui::SameLine();
    const auto lane = trace->lane_name(s.lane);
    std::string path;
    for (std::size_t k = 0; k < s.history.size(); ++k) {
      if (k > 0) path += " -> ";
      path += view::tcp_state_label(s.history[k]);
    }
    ImGui::TextColored(ImColor(palette_colour(i)), "%.*s fd %d", static_cast<int>(lane.size()), lane.data(), s.fd);
    ImGui::SameLine();
    ImGui::Text("%s", std::string(view::tcp_state_label(*s.state)).c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%s%s", s.local.empty() ? "" : s.local.to_string().c_str(),
                        s.inferred ? "  (after close(): inferred, the kernel goes on alone)" : "");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", path.c_str());
    // Loopback connects finish between two TCP_INFO snapshots: say so rather than draw nothing.
    if (s.previous && s.state && view::tcp_diagram_layout().arrow(*s.previous, *s.state) == nullptr) {
      ImGui::SameLine();
      ImGui::PushStyleColor(ImGuiCol_Text, colours::kNote);
      ImGui::TextWrapped("(%s -> %s: the steps between were too quick to see)",
                         std::string(view::tcp_state_label(*s.previous)).c_str(),
                         std::string(view::tcp_state_label(*s.state)).c_str());
      ImGui::PopStyleColor();
    }
  }
  ImGui::Separator();

  // The diagram, scaled to fit what is left.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (avail.x < 50 || avail.y < 50) return;
  const float scale = std::min(avail.x / layout.width, avail.y / layout.height);
  const ImVec2 size(layout.width * scale, layout.height * scale);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  origin.x += (avail.x - size.x) / 2;
  ImGui::Dummy(avail);
  const Mapper map{origin, scale};
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImFont* font = ImGui::GetFont();
  const float box_text = std::max(11.0f, 15.0f * scale);
  const float label_text = std::max(10.0f, 12.5f * scale);
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
    const float r = std::max(7.0f, 9.0f * scale);
    for (auto it = here.rbegin(); it != here.rend(); ++it) {
      const ImVec2 centre(x - r, a.y);
      draw->AddCircleFilled(centre, r, palette_colour(*it));
      if (sockets[*it].inferred) draw->AddCircle(centre, r + 2, IM_COL32(255, 255, 255, 200), 0, 1.5f);
      const std::string fd = std::to_string(sockets[*it].fd);
      centred_text(draw, font, r * 1.5f, centre, IM_COL32(0, 0, 0, 255), fd, 0);
      x -= 2 * r + 3;
    }
  }
}

}  // namespace wirestep::panels
