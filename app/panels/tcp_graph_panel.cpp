// TcpGraphPanel: three plots drawn with ImDrawList on one time axis, a shared hover cursor with
// the kernel's figures at that moment, and click-to-select on the segments.
#include "panels/tcp_graph_panel.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "panels/panel_style.h"

namespace wirestep::panels {
namespace {

constexpr ImU32 kSegment = IM_COL32(110, 170, 255, 255);
constexpr ImU32 kRetransmission = IM_COL32(255, 150, 40, 255);
constexpr ImU32 kDropped = IM_COL32(255, 80, 80, 255);
constexpr ImU32 kAckLine = IM_COL32(90, 210, 120, 255);
constexpr ImU32 kCwnd = IM_COL32(110, 170, 255, 255);
constexpr ImU32 kSsthresh = IM_COL32(255, 150, 40, 255);
constexpr ImU32 kRtt = IM_COL32(90, 210, 120, 255);
constexpr ImU32 kRto = IM_COL32(170, 170, 180, 255);
constexpr ImU32 kRecoveryBand = IM_COL32(255, 150, 40, 40);
constexpr ImU32 kLossBand = IM_COL32(255, 80, 80, 55);
constexpr ImU32 kGrid = IM_COL32(255, 255, 255, 28);
constexpr ImU32 kFrame = IM_COL32(255, 255, 255, 70);

// One plot: a screen rectangle and the value ranges it shows.
struct Plot {
  ImVec2 min;
  ImVec2 max;
  double t0 = 0;
  double t1 = 1;
  double y0 = 0;
  double y1 = 1;

  float x(double t) const { return min.x + static_cast<float>((t - t0) / (t1 - t0)) * (max.x - min.x); }
  float y(double v) const { return max.y - static_cast<float>((v - y0) / (y1 - y0)) * (max.y - min.y); }
  double t_at(float px) const { return t0 + (px - min.x) / (max.x - min.x) * (t1 - t0); }
  double v_at(float py) const { return y0 + (max.y - py) / (max.y - min.y) * (y1 - y0); }
  bool contains(ImVec2 p) const { return p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y; }
};

std::string seq_label(double bytes) {
  if (bytes >= 1024 * 1024) return fmt::format("{:.4g}M", bytes / (1024 * 1024));
  if (bytes >= 1024) return fmt::format("{:.4g}K", bytes / 1024);
  return fmt::format("{:.4g}", bytes);
}

// Background, horizontal grid lines with labels in the left margin, the title inside the top left.
void draw_frame(ImDrawList* dl, const Plot& p, const char* title, std::string (*label)(double), double unit = 1) {
  dl->AddRectFilled(p.min, p.max, IM_COL32(0, 0, 0, 60));
  for (double tick : view::nice_ticks(p.y0 / unit, p.y1 / unit, 4)) {
    const double v = tick * unit;
    const float y = p.y(v);
    dl->AddLine(ImVec2(p.min.x, y), ImVec2(p.max.x, y), kGrid);
    const std::string text = label(v);
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    dl->AddText(ImVec2(p.min.x - size.x - 4, y - size.y / 2), colours::kDim, text.c_str());
  }
  dl->AddRect(p.min, p.max, kFrame);
  dl->AddText(ImVec2(p.min.x + 4, p.min.y + 2), colours::kDim, title);
}

std::string plain_label(double v) { return fmt::format("{:.4g}", v); }
std::string bytes_label(double v) { return seq_label(v); }

// A value held until the next sample: the way TCP_INFO figures and ACK numbers really behave.
template <typename Points, typename Value>
void step_line(ImDrawList* dl, const Plot& p, const Points& points, Value value, ImU32 colour, float thickness) {
  std::vector<ImVec2> line;
  line.reserve(points.size() * 2);
  for (const auto& point : points) {
    const double v = value(point);
    if (std::isnan(v)) {
      if (line.size() > 1) dl->AddPolyline(line.data(), static_cast<int>(line.size()), colour, 0, thickness);
      line.clear();
      continue;
    }
    const float x = p.x(static_cast<double>(point.t_ns));
    if (!line.empty()) line.emplace_back(x, line.back().y);
    line.emplace_back(x, p.y(v));
  }
  if (line.size() > 1) dl->AddPolyline(line.data(), static_cast<int>(line.size()), colour, 0, thickness);
}

// Legend entries flow like words (a new line when the next one does not fit), spaced wider than
// the theme's item spacing, which is too tight for words.
void legend_item(ImU32 colour, const char* text, bool first = false) {
  if (!first) {
    ImGui::SameLine(0, ImGui::GetFontSize() * 0.8f);
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(text).x) ImGui::NewLine();
  }
  ImGui::TextColored(ImColor(colour), "%s", text);
}

}  // namespace

void TcpGraphPanel::draw(const trace::Trace* trace, view::Selection& selection) {
  if (trace == nullptr) {
    ImGui::TextWrapped("No trace yet. A lesson that moves data over TCP draws its graph here.");
    return;
  }
  series_.update(*trace);
  if (series_.flows().empty()) {
    ImGui::TextWrapped(
        "No TCP data yet. Run tcp-under-loss or tcp-vs-udp-side-by-side to see a connection's "
        "segments, ACKs, congestion window and round trip time.");
    return;
  }

  // Which connection: the busiest one unless the user picked another.
  const trace::FlowId shown = chosen_ != trace::kNoFlow ? chosen_ : series_.busiest_flow();
  const view::TcpFlowSeries* flow = series_.flow(shown);
  if (flow == nullptr) return;
  if (series_.flows().size() > 1) {
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##flow", flow->label.c_str())) {
      if (ImGui::Selectable("Busiest connection", chosen_ == trace::kNoFlow)) chosen_ = trace::kNoFlow;
      for (trace::FlowId id : series_.flows()) {
        const view::TcpFlowSeries* f = series_.flow(id);
        if (ImGui::Selectable(f->label.empty() ? "?" : f->label.c_str(), chosen_ == id)) chosen_ = id;
      }
      ImGui::EndCombo();
    }
  } else {
    ImGui::TextUnformatted(flow->label.c_str());
  }

  const bool packets = flow->has_packets();
  const auto& metrics = flow->sender_metrics();
  if (packets) {
    legend_item(kSegment, "segment", true);
    legend_item(kRetransmission, "retransmitted");
    legend_item(kDropped, "x dropped");
    legend_item(kAckLine, "ACKed");
    legend_item(kAckLine, "o duplicate ACK");
  } else {
    legend_item(kSegment, "send()", true);
    legend_item(kAckLine, "recv()");
    ImGui::PushStyleColor(ImGuiCol_Text, colours::kNote);
    ImGui::TextWrapped("No packets on the socket tier: bytes the applications moved, from their calls.");
    ImGui::PopStyleColor();
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeight();
  if (avail.x < 120 || avail.y < 8 * line) return;
  const float margin_left = ImGui::CalcTextSize("1024K").x + 8;
  // Room for the time labels, and for the item spacing after them so the tab never scrolls.
  const float axis_height = line + 6 + ImGui::GetStyle().ItemSpacing.y;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = avail.x - margin_left - 6;
  const float gap = line * 0.6f;
  const float usable = avail.y - axis_height - (metrics.empty() ? 0 : 2 * gap);
  const float seq_height = metrics.empty() ? usable : usable * 0.5f;
  const float small_height = metrics.empty() ? 0 : usable * 0.25f;

  const auto [shown_from, shown_to] = flow->shown_range();
  const double t0 = static_cast<double>(shown_from);
  const double t1 = static_cast<double>(shown_to);
  const auto make_plot = [&](float top, float height, double y0, double y1) {
    Plot p;
    p.min = ImVec2(origin.x + margin_left, top);
    p.max = ImVec2(origin.x + margin_left + width, top + height);
    p.t0 = t0;
    p.t1 = t1;
    p.y0 = y0;
    p.y1 = y1 > y0 ? y1 : y0 + 1;
    return p;
  };

  ImDrawList* dl = ImGui::GetWindowDrawList();

  // ---- time / sequence ----
  const view::DirectionSeries& data = flow->data_direction();
  const view::DirectionSeries& acks = flow->ack_direction();
  double top_seq = 1;
  for (const auto& s : data.segments) top_seq = std::max(top_seq, static_cast<double>(s.seq) + s.length);
  if (!flow->most_sent().empty()) top_seq = std::max(top_seq, static_cast<double>(flow->most_sent().back().offset));
  const Plot seq = make_plot(origin.y, seq_height, 0, top_seq * 1.04);
  // Byte ticks fall on round KiB (or MiB) so the labels read 128K, 256K, not 195.3K.
  const double unit = top_seq >= 4 * 1024 * 1024 ? 1024.0 * 1024 : top_seq >= 4 * 1024 ? 1024.0 : 1.0;
  draw_frame(dl, seq, packets ? "relative seq" : "stream bytes", bytes_label, unit);
  dl->PushClipRect(seq.min, seq.max, true);
  if (packets) {
    step_line(
        dl, seq, acks.acks, [](const view::AckPoint& a) { return static_cast<double>(a.ack); }, kAckLine, 1.5f);
    // A duplicate ACK is a small ring on the ACK line: "still missing this byte".
    for (const auto& a : acks.acks) {
      if (a.duplicate) dl->AddCircle(ImVec2(seq.x(static_cast<double>(a.t_ns)), seq.y(a.ack)), 3.0f, kAckLine);
    }
    for (const auto& s : data.segments) {
      const float x = seq.x(static_cast<double>(s.t_ns));
      const float y_low = seq.y(s.seq);
      const float y_high = std::min(seq.y(static_cast<double>(s.seq) + s.length), y_low - 2.0f);
      if (s.mark == view::SegmentMark::Dropped) {
        const float r = 3.5f;
        const float yc = (y_low + y_high) / 2;
        dl->AddLine(ImVec2(x - r, yc - r), ImVec2(x + r, yc + r), kDropped, 2.0f);
        dl->AddLine(ImVec2(x - r, yc + r), ImVec2(x + r, yc - r), kDropped, 2.0f);
      } else {
        const ImU32 colour = s.mark == view::SegmentMark::Retransmission ? kRetransmission : kSegment;
        const float w = s.mark == view::SegmentMark::Retransmission ? 2.5f : 1.5f;
        dl->AddLine(ImVec2(x, y_low), ImVec2(x, y_high), colour, w);
      }
    }
  } else {
    const auto offset = [](const view::StreamPoint& p) { return static_cast<double>(p.offset); };
    step_line(dl, seq, flow->most_sent(), offset, kSegment, 2.0f);
    step_line(dl, seq, flow->most_read(), offset, kAckLine, 1.5f);
  }
  dl->PopClipRect();

  // ---- congestion window and round trip time ----
  Plot cwnd;
  Plot rtt;
  if (!metrics.empty()) {
    double top_cwnd = 1;
    double top_ms = 1;
    for (const auto& m : metrics) {
      top_cwnd = std::max(top_cwnd, static_cast<double>(m.metrics.snd_cwnd));
      if (m.metrics.snd_ssthresh < trace::kNoSsthresh) {
        top_cwnd = std::max(top_cwnd, static_cast<double>(m.metrics.snd_ssthresh));
      }
      top_ms = std::max({top_ms, m.metrics.rtt_us / 1e3, m.metrics.rto_us / 1e3});
    }
    cwnd = make_plot(seq.max.y + gap, small_height, 0, top_cwnd * 1.1);
    rtt = make_plot(cwnd.max.y + gap, small_height, 0, top_ms * 1.1);
    // Recovery and Loss shade the window plot: where the sender knew it had lost something.
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const std::uint8_t state = metrics[i].metrics.ca_state;
      if (state != 3 && state != 4) continue;
      const double end = i + 1 < metrics.size() ? static_cast<double>(metrics[i + 1].t_ns) : t1;
      dl->AddRectFilled(ImVec2(cwnd.x(static_cast<double>(metrics[i].t_ns)), cwnd.min.y),
                        ImVec2(cwnd.x(end), cwnd.max.y), state == 4 ? kLossBand : kRecoveryBand);
    }
    draw_frame(dl, cwnd, "segments", plain_label);
    draw_frame(dl, rtt, "ms", plain_label);
    dl->PushClipRect(cwnd.min, cwnd.max, true);
    step_line(
        dl, cwnd, metrics, [](const view::MetricsPoint& m) { return static_cast<double>(m.metrics.snd_cwnd); }, kCwnd,
        2.0f);
    step_line(
        dl, cwnd, metrics,
        [](const view::MetricsPoint& m) {
          return m.metrics.snd_ssthresh >= trace::kNoSsthresh ? NAN : static_cast<double>(m.metrics.snd_ssthresh);
        },
        kSsthresh, 1.5f);
    dl->PopClipRect();
    dl->PushClipRect(rtt.min, rtt.max, true);
    step_line(
        dl, rtt, metrics, [](const view::MetricsPoint& m) { return m.metrics.rto_us / 1e3; }, kRto, 1.0f);
    step_line(
        dl, rtt, metrics, [](const view::MetricsPoint& m) { return m.metrics.rtt_us / 1e3; }, kRtt, 2.0f);
    dl->PopClipRect();
    const ImVec2 key(cwnd.max.x - ImGui::CalcTextSize("cwnd ssthresh").x - 4, cwnd.min.y + 2);
    dl->AddText(key, kCwnd, "cwnd");
    dl->AddText(ImVec2(key.x + ImGui::CalcTextSize("cwnd ").x, key.y), kSsthresh, "ssthresh");
    const ImVec2 key2(rtt.max.x - ImGui::CalcTextSize("RTT RTO").x - 4, rtt.min.y + 2);
    dl->AddText(key2, kRtt, "RTT");
    dl->AddText(ImVec2(key2.x + ImGui::CalcTextSize("RTT ").x, key2.y), kRto, "RTO");
  }

  // ---- time axis under the last plot ----
  const Plot& last = metrics.empty() ? seq : rtt;
  for (double v : view::nice_ticks(0, (t1 - t0) / 1e9, std::max(2, static_cast<int>(width / 90)))) {
    const float x = seq.x(t0 + v * 1e9);
    dl->AddLine(ImVec2(x, seq.min.y), ImVec2(x, last.max.y), kGrid);
    const std::string text = fmt::format("{:.4g} s", v);
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(text.c_str()).x / 2, last.max.y + 2), colours::kDim, text.c_str());
  }

  // ---- the selected event, and the mouse ----
  if (selection.event && *selection.event < trace->size()) {
    const double t = static_cast<double>((*trace)[*selection.event].t_ns);
    if (t >= t0 && t <= t1)
      dl->AddLine(ImVec2(seq.x(t), seq.min.y), ImVec2(seq.x(t), last.max.y), colours::kHover, 1.0f);
  }
  ImGui::SetCursorScreenPos(seq.min);
  ImGui::InvisibleButton("##tcpgraph", ImVec2(width, last.max.y - seq.min.y));
  if (ImGui::IsItemHovered()) {
    const ImVec2 mouse = ImGui::GetMousePos();
    const double t = seq.t_at(mouse.x);
    dl->AddLine(ImVec2(mouse.x, seq.min.y), ImVec2(mouse.x, last.max.y), IM_COL32(255, 255, 255, 90));
    std::string tip = fmt::format("{:.3f} s", (t - t0) / 1e9);
    const view::SegmentPoint* hit = nullptr;
    if (packets && seq.contains(mouse)) {
      hit = flow->nearest_segment(static_cast<std::int64_t>(t), seq.v_at(mouse.y), (t1 - t0) / width,
                                  (seq.y1 - seq.y0) / (seq.max.y - seq.min.y), 8);
      if (hit != nullptr) {
        const char* what = hit->mark == view::SegmentMark::Dropped          ? " - dropped by the wire"
                           : hit->mark == view::SegmentMark::Retransmission ? " - retransmission"
                                                                            : "";
        tip += fmt::format("\nsegment seq {} len {}{} (event #{})", hit->seq, hit->length, what, hit->event);
      }
    }
    if (const view::MetricsPoint* m = flow->metrics_at(static_cast<std::int64_t>(t))) {
      tip += "\n" + trace::describe(m->metrics);
    }
    ImGui::SetTooltip("%s", tip.c_str());
    if (hit != nullptr && ImGui::IsItemClicked()) {
      selection.event = hit->event;
      selection.field = -1;
    }
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, last.max.y + line + 4));
  ImGui::Dummy(ImVec2(1, 1));
}

}  // namespace wirestep::panels
