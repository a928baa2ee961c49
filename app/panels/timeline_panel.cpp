// TimelinePanel: input and painting only; what to draw comes from view::build_frame.
#include "panels/timeline_panel.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "cli/event_line.h"
#include "gui/theme.h"
#include "view/time_format.h"

namespace wirestep::panels {
namespace {

using view::Prim;
using view::PrimKind;

ImU32 call_colour(const trace::Event& e, const gui::Palette& p) {
  if (e.kind == trace::EventKind::SocketCall && e.result < 0) return p.error;
  if (e.kind == trace::EventKind::Impairment && e.verdict == trace::Verdict::Dropped) return p.error;
  switch (e.call) {
    case trace::Call::Send:
    case trace::Call::SendTo:
      return p.call_send;
    case trace::Call::Recv:
    case trace::Call::RecvFrom:
      return p.call_recv;
    case trace::Call::Shutdown:
    case trace::Call::Close:
      return p.call_close;
    default:
      return p.call_connect;
  }
}

void arrow_head(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 colour, float size) {
  const float dx = to.x - from.x;
  const float dy = to.y - from.y;
  const float length = std::sqrt(dx * dx + dy * dy);
  if (length < 1) return;
  const float ux = dx / length, uy = dy / length;
  const ImVec2 base(to.x - ux * size, to.y - uy * size);
  dl->AddTriangleFilled(to, ImVec2(base.x - uy * size * 0.5f, base.y + ux * size * 0.5f),
                        ImVec2(base.x + uy * size * 0.5f, base.y - ux * size * 0.5f), colour);
}

void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 colour, float width, float dash, float gap) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float length = std::sqrt(dx * dx + dy * dy);
  if (length < 1) return;
  const float ux = dx / length, uy = dy / length;
  for (float s = 0; s < length; s += dash + gap) {
    const float e = std::min(length, s + dash);
    dl->AddLine(ImVec2(a.x + ux * s, a.y + uy * s), ImVec2(a.x + ux * e, a.y + uy * e), colour, width);
  }
}

// Text on a background plate so lines underneath do not cut through the words.
void plate_text(ImDrawList* dl, ImVec2 centre, std::string_view text, ImU32 colour, ImU32 plate) {
  const ImVec2 size = ImGui::CalcTextSize(text.data(), text.data() + text.size());
  const ImVec2 min(centre.x - size.x * 0.5f - 3, centre.y - size.y * 0.5f - 1);
  const ImVec2 max(centre.x + size.x * 0.5f + 3, centre.y + size.y * 0.5f + 1);
  dl->AddRectFilled(min, max, plate, 3.0f);
  dl->AddText(ImVec2(min.x + 3, min.y + 1), colour, text.data(), text.data() + text.size());
}

std::string_view lane_of(const trace::Trace& trace, trace::LaneId lane) { return trace.lane_name(lane); }

}  // namespace

void TimelinePanel::zoom(double factor) {
  const float centre = (viewport_.plot_top() + viewport_.plot_bottom()) * 0.5f;
  view_.zoom_about(centre, factor, viewport_.plot_top());
  follow_ = false;
  auto_fit_ = false;
}

void TimelinePanel::set_spacing(view::Spacing spacing) {
  if (spacing == view_.spacing) return;
  view_ = view::respace(view_, index_.rows(), spacing, viewport_.plot_bottom() - viewport_.plot_top());
  if (follow_) follow_newest();
}

void TimelinePanel::update_view(const TimelineFeed& feed, const view::Viewport& viewport) {
  const float plot_height = viewport.plot_bottom() - viewport.plot_top();
  const view::Axis axis(index_.rows(), view_.spacing);
  const double least = axis.fit_span(plot_height, viewport.row_height());
  if (zoom_to_) {
    const double pad = (zoom_to_->second - zoom_to_->first) / 4;
    view_.fit(zoom_to_->first - pad, zoom_to_->second + pad, plot_height, least);
    zoom_to_.reset();
    return;
  }
  if (!follow_ || feed.trace == nullptr) return;
  const std::size_t size = feed.trace->size();
  // Replaying, a fit takes the whole recording so the picture holds still while the cursor
  // moves; scrolling follows the cursor instead, as it followed the newest events live.
  const std::size_t last = feed.replay && auto_fit_ ? size : std::min(feed.limit, size);
  double end = last > 0 ? axis.at_time((*feed.trace)[last - 1].t_ns, last - 1) : axis.at_time(0);
  // A held packet's arrow grows with the clock, and its head at the wire is the point of it.
  if (feed.live && feed.packet_next) end = std::max(end, axis.at_time(feed.trace->now_ns()));
  const double start = axis.at_time(0);
  if (auto_fit_) {
    view_.fit(start, std::max(end, axis.at_time(feed.min_span_ns)), plot_height, least);
    return;
  }
  if (readable_rows_) {
    view_.per_px = std::clamp(1.0 / viewport.row_height(), view_.min_per_px(), view_.max_per_px());
    readable_rows_ = false;
  }
  // The newest near the bottom, but a short trace starts at the top.
  view_.top = std::max(start - plot_height * 0.03 * view_.per_px, end - plot_height * 0.85 * view_.per_px);
}

void TimelinePanel::spacing_toggle() {
  const view::Spacing before = view_.spacing;
  if (ImGui::RadioButton("time", before == view::Spacing::Time)) set_spacing(view::Spacing::Time);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Down the page as the clock ran: pauses show, and calls microseconds apart fold into one "
                      "mark (T switches)");
  }
  ImGui::SameLine(0, ImGui::GetFontSize() * 0.4f);
  if (ImGui::RadioButton("sequence", before == view::Spacing::Sequence)) set_spacing(view::Spacing::Sequence);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("One row per event in the order recorded: a burst comes apart, a pause takes no room; the "
                      "axis still gives each row's time (T switches)");
  }
}

std::string TimelinePanel::scale_text() const {
  constexpr double kPxPerCm = 38;
  std::string scale;
  if (view_.spacing == view::Spacing::Time) {
    scale = fmt::format("1 cm ≈ {}", view::format_duration(static_cast<std::int64_t>(view_.per_px * kPxPerCm)));
  } else if (view_.per_px * 3 <= 1) {
    scale = "one row per event";
  } else {
    scale = fmt::format("1 cm ≈ {:.0f} events", view_.per_px * kPxPerCm);
  }
  return scale + "   ·   wheel: zoom   drag: pan   click: inspect";
}

std::optional<std::size_t> TimelinePanel::draw(const TimelineFeed& feed, view::Selection& selection) {
  std::optional<std::size_t> scrub;
  const gui::Palette& pal = gui::palette();
  ImGuiIO& io = ImGui::GetIO();

  if (feed.generation != generation_) {
    generation_ = feed.generation;
    index_ = view::TimelineIndex{};
    follow_newest();
  }
  if (feed.trace != nullptr) index_.update(*feed.trace);

  // Toolbar.
  if (ImGui::Checkbox("Follow live", &follow_) && follow_) follow_newest();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keep the newest events in view (F)");
  ImGui::SameLine();
  if (ImGui::Button("Fit all")) follow();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the whole trace (Home)");
  ImGui::SameLine();
  if (ImGui::Button(" - ")) zoom(1.5);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Zoom out (-, or the mouse wheel)");
  ImGui::SameLine();
  if (ImGui::Button(" + ")) zoom(1 / 1.5);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Zoom in (+, or the mouse wheel)");
  // The centre column runs with no item spacing: these groups need a gap of their own.
  const float gap = ImGui::GetFontSize() * 0.6f;
  ImGui::SameLine(0, gap);
  spacing_toggle();
  ImGui::SameLine(0, gap);
  ImGui::TextDisabled("%s", scale_text().c_str());

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  view::Viewport vp;
  vp.x = origin.x;
  vp.y = origin.y;
  vp.width = std::max(avail.x, 50.0f);
  vp.height = std::max(avail.y, 50.0f);
  vp.line_height = ImGui::GetTextLineHeight();
  vp.char_width = ImGui::CalcTextSize("0").x;
  viewport_ = vp;

  ImGui::InvisibleButton("##timeline", ImVec2(vp.width, vp.height));
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  const ImVec2 mouse = io.MousePos;
  const float top = vp.plot_top();

  // Input that moves the view comes before building the frame so the frame shows its effect.
  if (hovered && io.MouseWheel != 0 && !io.KeyCtrl) {
    view_.zoom_about(mouse.y, std::pow(1.25, -io.MouseWheel), top);
    follow_ = false;
    auto_fit_ = false;
  }
  if (ImGui::IsItemActivated()) scrubbing_ = feed.replay && mouse.x < vp.x + vp.axis_width();
  auto scrub_at = [&](float y) {
    return view::Axis(index_.rows(), view_.spacing).limit_at(*feed.trace, view_.at_y(y, top));
  };
  if (active && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
    if (scrubbing_) {
      scrub = scrub_at(mouse.y);
    } else if (io.MouseDelta.y != 0) {
      view_.pan_px(io.MouseDelta.y);
      follow_ = false;
      auto_fit_ = false;
    }
  }
  if ((hovered || ImGui::IsWindowFocused()) && !io.WantTextInput && !io.KeyCtrl) {
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)) zoom(1 / 1.5);
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)) zoom(1.5);
    if (ImGui::IsKeyPressed(GLFW_KEY_HOME)) follow();
    if (ImGui::IsKeyPressed(GLFW_KEY_F, false)) follow_newest();
    if (ImGui::IsKeyPressed(GLFW_KEY_T, false)) {
      set_spacing(view_.spacing == view::Spacing::Time ? view::Spacing::Sequence : view::Spacing::Time);
    }
  }
  update_view(feed, vp);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(vp.x, vp.y), ImVec2(vp.x + vp.width, vp.y + vp.height), true);
  dl->AddRectFilled(ImVec2(vp.x, vp.y), ImVec2(vp.x + vp.width, vp.y + vp.height), pal.canvas, 4.0f);

  if (feed.trace == nullptr || feed.limit == 0) {
    list_.clear();
    const char* hint = feed.trace == nullptr ? "Pick a lesson on the left and press Start, or File > Open trace."
                                             : "Waiting for the first socket call: press Play (Space) or Step (→).";
    const ImVec2 size = ImGui::CalcTextSize(hint);
    dl->AddText(ImVec2(vp.x + (vp.width - size.x) / 2, vp.y + vp.height / 3), pal.muted_text, hint);
    if (feed.trace != nullptr && feed.pending) {
      const std::string next = feed.pending->label;
      const ImVec2 next_size = ImGui::CalcTextSize(next.c_str());
      dl->AddText(ImVec2(vp.x + (vp.width - next_size.x) / 2, vp.y + vp.height / 3 + vp.line_height * 1.5f),
                  pal.pending, next.c_str());
    }
    dl->PopClipRect();
    return scrub;
  }

  view::FrameInput input;
  input.viewport = vp;
  input.view = view_;
  input.limit = feed.limit;
  input.selected = selection.event;
  input.hovered = selection.hovered_event;
  input.pending = feed.pending;
  input.replay = feed.replay;
  input.analyzer = feed.analyzer;
  input.packet_next = feed.packet_next;
  if (feed.live) input.clock_ns = feed.trace->now_ns();
  if (feed.replay && feed.limit < feed.trace->size()) input.now_ns = (*feed.trace)[feed.limit - 1].t_ns;
  analyzer_ = feed.analyzer;
  view::build_frame(*feed.trace, index_, input, list_);
  paint(*feed.trace, vp);
  dl->PopClipRect();

  // Hover and click.
  std::optional<std::size_t> hit;
  if (hovered) hit = view::hit_test(list_, vp, mouse.x, mouse.y);
  selection.hovered_event.reset();
  if (hit) {
    const Prim& prim = list_.prims[*hit];
    if (prim.event != view::kNoEvent && prim.count == 1) selection.hovered_event = prim.event;
    if (!active || !ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) tooltip(*feed.trace, prim);
  }
  if (hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[0] < 16.0f) {
    if (scrubbing_) {
      scrub = scrub_at(mouse.y);
    } else if (hit) {
      const Prim& prim = list_.prims[*hit];
      if (prim.count > 1 && prim.event2 != view::kNoEvent) {
        // A fold: zoom until its events come apart.
        const auto& trace = *feed.trace;
        const view::Axis axis(index_.rows(), view_.spacing);
        double p0 = axis.at_time(trace[prim.event].t_ns, prim.event);
        double p1 = axis.at_time(trace[prim.event2].t_ns, prim.event2);
        if (p0 > p1) std::swap(p0, p1);
        zoom_to_ = std::pair{p0, p1};
        follow_ = false;
        auto_fit_ = false;
      } else if (prim.event != view::kNoEvent) {
        selection.event = prim.event;
        selection.field = -1;
      }
    } else {
      selection.event.reset();
    }
  }
  if (!active) scrubbing_ = false;
  return scrub;
}

void TimelinePanel::paint(const trace::Trace& trace, const view::Viewport& vp) const {
  const gui::Palette& pal = gui::palette();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float lw = pal.line_width;
  const float lh = vp.line_height;
  const float top = vp.plot_top();
  const float axis_right = vp.x + vp.axis_width();

  auto outline = [&](const Prim& p, ImVec2 min, ImVec2 max) {
    if (p.flags & view::kPrimSelected) dl->AddRect(ImVec2(min.x - 3, min.y - 3), ImVec2(max.x + 3, max.y + 3), pal.selected, 5.0f, 0, 2.5f);
    else if (p.flags & view::kPrimHovered) dl->AddRect(ImVec2(min.x - 2, min.y - 2), ImVec2(max.x + 2, max.y + 2), pal.hovered, 5.0f, 0, 1.5f);
  };

  for (const Prim& p : list_.prims) {
    const std::string_view text = list_.text_of(p);
    switch (p.kind) {
      case PrimKind::LaneLine:
        dl->AddLine(ImVec2(p.x0, top), ImVec2(p.x0, p.y1), pal.lane_line, lw);
        break;
      case PrimKind::AxisTick: {
        dl->AddLine(ImVec2(axis_right, p.y0), ImVec2(vp.x + vp.width, p.y0), pal.grid, 1.0f);
        const ImVec2 size = ImGui::CalcTextSize(text.data(), text.data() + text.size());
        dl->AddText(ImVec2(axis_right - size.x - vp.char_width, p.y0 - size.y * 0.5f), pal.axis_text, text.data(),
                    text.data() + text.size());
        break;
      }
      case PrimKind::AxisPause: {
        // A break in the axis: the clock ran on between these two rows.
        const float s = vp.char_width * 0.6f;
        dl->AddLine(ImVec2(axis_right - s, p.y0 + 2), ImVec2(axis_right + s, p.y0 - 4), pal.axis_text, 1.5f);
        dl->AddLine(ImVec2(axis_right - s, p.y0 + 5), ImVec2(axis_right + s, p.y0 - 1), pal.axis_text, 1.5f);
        // A size smaller than the rows' times: it sits half a row from the label below it.
        ImFont* font = ImGui::GetFont();
        const float font_size = ImGui::GetFontSize() * 0.85f;
        const ImVec2 size = font->CalcTextSizeA(font_size, FLT_MAX, 0, text.data(), text.data() + text.size());
        dl->AddText(font, font_size, ImVec2(axis_right - size.x - vp.char_width * 1.5f, p.y0 - size.y * 0.5f),
                    pal.muted_text, text.data(), text.data() + text.size());
        break;
      }
      case PrimKind::CueMark: {
        const float s = lh * 0.35f;
        if (p.count > 1) dl->AddRectFilled(ImVec2(p.x0 - 2, p.y0), ImVec2(p.x0 + 2, std::max(p.y1, p.y0 + 4)), pal.cue);
        dashed_line(dl, ImVec2(axis_right, p.y0), ImVec2(vp.x + vp.width, p.y0), (pal.cue & 0x00FFFFFF) | 0x50000000, 1.0f, 4, 6);
        dl->AddTriangleFilled(ImVec2(p.x0 - s, p.y0 - s), ImVec2(p.x0 + s, p.y0), ImVec2(p.x0 - s, p.y0 + s), pal.cue);
        if (p.flags & view::kPrimLabel) {
          const std::string label = "§ " + std::string(text);
          dl->AddText(ImVec2(axis_right + vp.char_width, p.y0 - lh - 1), pal.cue, label.c_str());
        }
        break;
      }
      case PrimKind::NowLine:
        if (p.flags & view::kPrimReplay) {
          dl->AddLine(ImVec2(p.x0, p.y0), ImVec2(p.x1, p.y0), pal.replay_cursor, 2.0f);
          dl->AddText(ImVec2(p.x1 - ImGui::CalcTextSize("replay cursor").x - 6, p.y0 + 2), pal.replay_cursor, "replay cursor");
        } else {
          dl->AddLine(ImVec2(p.x0, p.y0), ImVec2(p.x1, p.y0), pal.now_line, 1.0f);
        }
        break;
      case PrimKind::BlockBar: {
        const float w = std::max(4.0f, lw * 3);
        dl->AddRectFilled(ImVec2(p.x0 - w, p.y0), ImVec2(p.x0 + w, p.y1), pal.blocked, 2.0f);
        outline(p, ImVec2(p.x0 - w, p.y0), ImVec2(p.x0 + w, p.y1));
        break;
      }
      case PrimKind::Handshake: {
        const auto pts = view::handshake_points(p);
        for (int leg = 0; leg < 3; ++leg) {
          const ImVec2 a(pts[leg * 2], pts[leg * 2 + 1]), b(pts[leg * 2 + 2], pts[leg * 2 + 3]);
          dashed_line(dl, a, b, pal.handshake, lw, 6, 4);
          arrow_head(dl, a, b, pal.handshake, 7 + lw * 2);
        }
        // One caption on the middle leg: three separate ones collide in a band this short.
        if (p.flags & view::kPrimLabel) {
          plate_text(dl, ImVec2((p.x0 + p.x1) / 2, (pts[3] + pts[5]) / 2), text, pal.handshake, pal.label_bg);
        }
        break;
      }
      case PrimKind::Arrow: {
        const ImVec2 a(p.x0, p.y0), b(p.x1, p.y1);
        const ImU32 colour = p.x1 >= p.x0 ? pal.arrow : pal.arrow_back;
        const bool strong = (p.flags & (view::kPrimSelected | view::kPrimHovered)) != 0;
        dl->AddLine(a, b, strong ? pal.selected : colour, strong ? lw * 2 : lw * 1.3f);
        arrow_head(dl, a, b, strong ? pal.selected : colour, 9 + lw * 2);
        if (p.flags & view::kPrimLabel) {
          const float t = p.label_t;
          plate_text(dl, ImVec2(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t - lh * 0.7f), text, pal.arrow_text, pal.label_bg);
        }
        break;
      }
      case PrimKind::PacketLink:
        dashed_line(dl, ImVec2(p.x0, p.y0), ImVec2(p.x1, p.y1), pal.retransmission, lw, 2, 4);
        break;
      case PrimKind::PacketArrow: {
        const ImVec2 a(p.x0, p.y0), b(p.x1, p.y1);
        const bool strong = (p.flags & (view::kPrimSelected | view::kPrimHovered)) != 0;
        ImU32 colour = p.x1 >= p.x0 ? pal.arrow : pal.arrow_back;
        switch (view::packet_tone(p.packet)) {
          case view::PacketTone::Retransmission: colour = pal.retransmission; break;
          case view::PacketTone::Held: colour = pal.pending; break;
          case view::PacketTone::Error: colour = pal.error; break;
          case view::PacketTone::Plain: break;
        }
        const ImU32 line = strong ? pal.selected : colour;
        const float width = strong ? lw * 2.4f : lw * 1.8f;
        if (p.count > 1) {
          dl->AddLine(a, b, (line & 0x00FFFFFF) | 0x90000000, width * 2.5f);
        } else if (p.packet & view::kPacketHeld) {
          // Waiting at the wire: dashed up to the wire and a pause sign where it stands.
          dashed_line(dl, a, b, line, width, 7, 4);
          const float h = lh * 0.45f;
          dl->AddRectFilled(ImVec2(b.x - h * 0.6f, b.y - h), ImVec2(b.x - h * 0.2f, b.y + h), line);
          dl->AddRectFilled(ImVec2(b.x + h * 0.2f, b.y - h), ImVec2(b.x + h * 0.6f, b.y + h), line);
          if (p.packet & view::kPacketNext) dl->AddCircle(b, h * 1.9f, pal.pending, 0, lw * 1.5f);
        } else {
          dl->AddLine(a, b, line, width);
          if (p.packet & view::kPacketDuplicated) {
            // A second copy: a thin twin line beside it.
            dl->AddLine(ImVec2(a.x, a.y + 4), ImVec2(b.x, b.y + 4), line, 1.0f);
          }
        }
        if (p.packet & view::kPacketDropped) {
          const float c = lh * 0.5f;
          dl->AddLine(ImVec2(b.x - c, b.y - c), ImVec2(b.x + c, b.y + c), pal.error, lw * 2.2f);
          dl->AddLine(ImVec2(b.x - c, b.y + c), ImVec2(b.x + c, b.y - c), pal.error, lw * 2.2f);
        } else if (!(p.packet & view::kPacketHeld)) {
          arrow_head(dl, a, b, line, 9 + lw * 2);
        }
        if (p.flags & view::kPrimLabel) {
          const float t = p.label_t;
          const ImU32 text_colour = view::packet_caption_tinted(p.packet) ? colour : pal.arrow_text;
          plate_text(dl, ImVec2(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t - lh * 0.7f), text, text_colour,
                     pal.label_bg);
        }
        break;
      }
      case PrimKind::Fold: {
        const float y1 = std::max(p.y1, p.y0 + 6);
        dl->AddRectFilled(ImVec2(p.x0 - 5, p.y0), ImVec2(p.x0 + 5, y1), pal.fold, 5.0f);
        if (p.flags & view::kPrimLabel) {
          const std::string count = fmt::format("×{}", p.count);
          dl->AddText(ImVec2(p.x0 + 9, (p.y0 + y1) / 2 - lh / 2), pal.fold, count.c_str());
        }
        break;
      }
      case PrimKind::CallMark: {
        const trace::Event& e = trace[p.event];
        const ImU32 colour = call_colour(e, pal);
        if (p.flags & view::kPrimLabel) {
          const ImVec2 size = ImGui::CalcTextSize(text.data(), text.data() + text.size());
          const ImVec2 min(p.x0 - size.x / 2 - 7, p.y0 - size.y / 2 - 3);
          const ImVec2 max(p.x0 + size.x / 2 + 7, p.y0 + size.y / 2 + 3);
          dl->AddRectFilled(min, max, pal.call_bg, 5.0f);
          dl->AddRect(min, max, colour, 5.0f, 0, lw + 0.5f);
          dl->AddText(ImVec2(min.x + 7, min.y + 3), (p.flags & view::kPrimError) ? pal.error : pal.call_text,
                      text.data(), text.data() + text.size());
          outline(p, min, max);
        } else {
          dl->AddCircleFilled(ImVec2(p.x0, p.y0), 4.5f, colour);
          outline(p, ImVec2(p.x0 - 5, p.y0 - 5), ImVec2(p.x0 + 5, p.y0 + 5));
        }
        break;
      }
      case PrimKind::StateLabel: {
        if (p.flags & view::kPrimLabel) {
          const ImVec2 size = ImGui::CalcTextSize(text.data(), text.data() + text.size());
          const ImVec2 min(p.x0, p.y0 - size.y / 2 - 1), max(p.x0 + size.x + 10, p.y0 + size.y / 2 + 1);
          dl->AddRectFilled(min, max, pal.state_bg, size.y);
          dl->AddText(ImVec2(min.x + 5, min.y + 1), pal.state_text, text.data(), text.data() + text.size());
          outline(p, min, max);
        } else {
          dl->AddCircleFilled(ImVec2(p.x0 + 4, p.y0), 3.0f, pal.state_text);
        }
        break;
      }
      case PrimKind::Pending: {
        const ImVec2 size = ImGui::CalcTextSize(text.data(), text.data() + text.size());
        const ImVec2 min(p.x0 - size.x / 2 - 7, p.y0 - size.y / 2 - 3), max(p.x0 + size.x / 2 + 7, p.y0 + size.y / 2 + 3);
        dl->AddRectFilled(min, max, pal.call_bg, 5.0f);
        dashed_line(dl, min, ImVec2(max.x, min.y), pal.pending, lw, 5, 4);
        dashed_line(dl, ImVec2(min.x, max.y), max, pal.pending, lw, 5, 4);
        dashed_line(dl, min, ImVec2(min.x, max.y), pal.pending, lw, 5, 4);
        dashed_line(dl, ImVec2(max.x, min.y), max, pal.pending, lw, 5, 4);
        dl->AddText(ImVec2(min.x + 7, min.y + 3), pal.pending, text.data(), text.data() + text.size());
        break;
      }
    }
  }

  // Lane headers stay pinned at the top while the ladder scrolls under them.
  dl->AddRectFilled(ImVec2(vp.x, vp.y), ImVec2(vp.x + vp.width, top - 2), pal.canvas);
  for (const Prim& p : list_.prims) {
    if (p.kind != PrimKind::LaneLine) continue;
    const std::string_view name = list_.text_of(p);
    const ImVec2 size = ImGui::CalcTextSize(name.data(), name.data() + name.size());
    const ImVec2 min(p.x0 - size.x / 2 - 14, vp.y + 4), max(p.x0 + size.x / 2 + 14, top - 6);
    dl->AddRectFilled(min, max, pal.lane_header_bg, 6.0f);
    dl->AddText(ImVec2(p.x0 - size.x / 2, (min.y + max.y - size.y) / 2), pal.lane_header_text, name.data(),
                name.data() + name.size());
  }
  dl->AddText(ImVec2(vp.x + vp.char_width, vp.y + (vp.header_height() - lh) / 2), pal.axis_text, "time ↓");
}

void TimelinePanel::tooltip(const trace::Trace& trace, const Prim& prim) const {
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
  switch (prim.kind) {
    case PrimKind::Fold:
    case PrimKind::CueMark:
      if (prim.count > 1) {
        ImGui::TextUnformatted(fmt::format("{} events too close to draw apart ({} to {})", prim.count,
                                           view::format_duration(trace[prim.event].t_ns),
                                           view::format_duration(trace[prim.event2].t_ns))
                                   .c_str());
        ImGui::TextDisabled("Click to zoom in.");
        break;
      }
      [[fallthrough]];
    case PrimKind::CallMark:
    case PrimKind::StateLabel:
    case PrimKind::BlockBar: {
      const trace::Event& e = trace[prim.event];
      ImGui::TextUnformatted(cli::event_line(trace, e).c_str());
      if (e.dur_ns > 0) ImGui::TextDisabled("blocked for %s", view::format_duration(e.dur_ns).c_str());
      if (e.kind == trace::EventKind::Note) ImGui::TextDisabled("Narration cue: the lesson text moves here.");
      ImGui::TextDisabled("Click to inspect.");
      break;
    }
    case PrimKind::Arrow: {
      const trace::Event& send = trace[prim.event];
      const trace::Event& recv = trace[prim.event2];
      ImGui::TextUnformatted(fmt::format("{} → {}", lane_of(trace, send.lane), lane_of(trace, recv.lane)).c_str());
      ImGui::TextUnformatted(cli::event_line(trace, send).c_str());
      ImGui::TextUnformatted(cli::event_line(trace, recv).c_str());
      const std::int64_t flight = recv.t_ns - (send.t_ns - send.dur_ns);
      ImGui::TextDisabled("From the start of the send to the end of the recv: %s", view::format_duration(flight).c_str());
      // Only flows without captured packets keep these arrows (the index hides the others).
      ImGui::TextDisabled("Inferred from the two calls: the packets that carried these bytes were not captured.");
      if (prim.count > 1) ImGui::TextDisabled("%u arrows drawn as one here: zoom in to tell them apart.", prim.count);
      break;
    }
    case PrimKind::PacketArrow: {
      const trace::Event& e = trace[prim.event];
      if (prim.count > 1) {
        ImGui::TextUnformatted(fmt::format("{} packets drawn as one here: zoom in to tell them apart.", prim.count).c_str());
        break;
      }
      ImGui::TextUnformatted(cli::event_line(trace, e, analyzer_ != nullptr ? analyzer_->at(prim.event) : nullptr).c_str());
      if (prim.packet & view::kPacketHeld) {
        ImGui::TextDisabled("Held at the wire until you step (→). The sender's kernel does not know: its "
                            "retransmission timer keeps running, and a SYN held about a second is sent again.");
      } else if (e.dur_ns > 0) {
        ImGui::TextDisabled("On the wire for %s", view::format_duration(e.dur_ns).c_str());
      }
      if (prim.packet & view::kPacketDropped) ImGui::TextDisabled("The wire dropped it: it never reached its host.");
      ImGui::TextDisabled("Click to inspect its fields and bytes.");
      break;
    }
    case PrimKind::Handshake: {
      const trace::Event& connect = trace[prim.event];
      ImGui::TextUnformatted("TCP three-way handshake: SYN, SYN-ACK, ACK");
      ImGui::TextDisabled("Inferred: kernel packets are not captured on the socket tier. The kernels exchanged them "
                          "while connect() ran.");
      ImGui::TextUnformatted(cli::event_line(trace, connect).c_str());
      break;
    }
    case PrimKind::Pending:
      ImGui::TextUnformatted(std::string(list_.text_of(prim)).c_str());
      ImGui::TextDisabled("This call waits at the stepper's gate: Step (→) lets it run, Play (Space) runs them all.");
      break;
    default:
      break;
  }
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

}  // namespace wirestep::panels
