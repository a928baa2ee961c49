// LossPanel: a counters table per pair of hosts (one column per direction), then PlotLines of the
// running totals sent and lost, then a PlotHistogram per receiving lane of the bytes it got.
#include "panels/loss_panel.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gui/theme.h"
#include "panels/panel_style.h"
#include "view/time_format.h"

namespace wirestep::panels {
namespace {

using view::LinkCounts;

// One table row: the words a student reads, what they mean when hovered, and the number.
struct Row {
  const char* label;
  const char* explanation;
  std::uint64_t LinkCounts::*field;
  bool always = false;  // shown even when zero: the rows every run is about
  bool tcp = false;     // only for hosts that spoke TCP
  bool indent = false;  // a part of the row above
};

constexpr std::uint64_t LinkCounts::*kLostField = nullptr;  // lost() is computed, not a field

const Row kRows[] = {
    {"sent", "Packets the sender put on the link. The link's extra copies are not counted here.", &LinkCounts::sent,
     true},
    {"arrived", "Reached the receiving host: on time, late, or damaged but still accepted.", &LinkCounts::arrived,
     true},
    {"lost on the way", "Never reached the receiver: the link dropped it, or damaged it so badly the receiver threw it away. "
                        "UDP never tells the sender; TCP notices and sends it again.",
     kLostField, true},
    {"dropped by the link", "Thrown away by the wire or the relay (its loss rate, a full queue).", &LinkCounts::dropped,
     false, false, true},
    {"damaged on the way", "A bit was flipped in transit.", &LinkCounts::damaged},
    {"thrown away by the receiver", "Damaged, and the checksum no longer matched, so the receiving kernel dropped it "
                                    "without a word.",
     &LinkCounts::discarded, false, false, true},
    {"delayed by the link", "Held back by the link before it went on: a fixed delay, or a reorder that let later "
                            "packets overtake it.",
     &LinkCounts::delayed},
    {"extra copies made", "The link duplicated the packet: the receiver got it more than once.", &LinkCounts::duplicated},
    {"waiting on the wire", "Held by the wire until the next step; not counted as sent until it is let go.",
     &LinkCounts::held_now},
    {"sent again (retransmissions)", "TCP sent bytes it had sent before, because it believed they were lost.",
     &LinkCounts::retransmissions, true, true},
    {"fast (after 3 dup. ACKs)", "Sent again at once on three duplicate ACKs, without waiting for the timer.",
     &LinkCounts::fast_retransmissions, false, true, true},
    {"duplicate ACKs", "The receiver repeating \"I am still missing the bytes from here\": a gap in what arrived.",
     &LinkCounts::duplicate_acks, true, true},
    {"arrived out of order", "A segment older than one already seen.", &LinkCounts::out_of_order, false, true},
};

std::uint64_t value_of(const LinkCounts& c, const Row& row) { return row.field == kLostField ? c.lost() : c.*row.field; }

std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "";
  return fmt::format(" ({:.1f} %)", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string bytes_text(double bytes) {
  if (bytes >= 10.0 * 1024 * 1024) return fmt::format("{:.1f} MB", bytes / (1024 * 1024));
  if (bytes >= 10.0 * 1024) return fmt::format("{:.1f} KB", bytes / 1024);
  return fmt::format("{:.0f} bytes", bytes);
}

std::string lane_text(const trace::Trace& trace, trace::LaneId lane) {
  if (lane == trace::kNoLane) return "nowhere";
  return std::string(trace.lane_name(lane));
}

void right_aligned(ImU32 colour, const std::string& text) {
  const float room = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(text.c_str()).x;
  if (room > 0) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + room);
  ImGui::TextColored(ImColor(colour), "%s", text.c_str());
}

void heading(const std::string& text, ImU32 colour) {
  ImFont* bold = bold_font();
  if (bold != nullptr) ImGui::PushFont(bold);
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
  if (bold != nullptr) ImGui::PopFont();
}

// A section title in the theme's text colour over a rule: light and dark themes both read it.
void section(const std::string& text) {
  ImGui::Dummy(ImVec2(1, ImGui::GetTextLineHeight() * 0.3f));
  heading(text, ImGui::GetColorU32(ImGuiCol_Text));
  ImGui::Separator();
}

std::string cell_text(const LinkCounts& c, const Row& row) {
  const std::uint64_t v = value_of(c, row);
  return std::to_string(v) + (row.field == kLostField && v > 0 ? percent(v, c.sent) : "");
}

// The rows of one kind (what the link did, or what TCP did) with a number column per direction.
void rows_table(const std::string& id, const std::vector<const view::DirectionStats*>& columns,
                const std::vector<std::string>& headers, float column_width, bool tcp_rows, const gui::Palette& pal,
                bool header_row) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_BordersOuterH;
  if (!ImGui::BeginTable(id.c_str(), static_cast<int>(columns.size()) + 1, flags)) return;
  ImGui::TableSetupColumn("##what", ImGuiTableColumnFlags_WidthStretch);
  for (const auto& header : headers) ImGui::TableSetupColumn(header.c_str(), ImGuiTableColumnFlags_WidthFixed, column_width);
  if (header_row) ImGui::TableHeadersRow();
  for (const Row& row : kRows) {
    if (row.tcp != tcp_rows) continue;
    bool any = row.always;
    for (const auto* d : columns) any |= value_of(d->counts, row) > 0;
    if (!any) continue;
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    if (row.indent) ImGui::Indent();
    ImGui::PushStyleColor(ImGuiCol_Text, row.indent ? pal.muted_text : ImGui::GetColorU32(ImGuiCol_Text));
    ImGui::TextWrapped("%s", row.label);
    ImGui::PopStyleColor();
    if (row.indent) ImGui::Unindent();
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
      ImGui::TextUnformatted(row.explanation);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      ImGui::TableSetColumnIndex(static_cast<int>(i) + 1);
      const std::uint64_t v = value_of(columns[i]->counts, row);
      const ImU32 colour = v == 0                     ? pal.muted_text
                           : row.field == kLostField ? pal.error
                                                     : ImGui::GetColorU32(ImGuiCol_Text);
      right_aligned(colour, cell_text(columns[i]->counts, row));
    }
  }
  ImGui::EndTable();
}

// Who sent what to whom between two hosts: a column per direction that carried anything, side
// by side when the words still fit beside them, else one table per direction (a narrow column,
// presenter fonts).
void counters_table(const trace::Trace& trace, const view::LossStats& stats, const view::LanePair& pair,
                    const gui::Palette& pal) {
  std::vector<const view::DirectionStats*> columns;
  for (int index : {pair.a_to_b, pair.b_to_a}) {
    if (index >= 0) columns.push_back(&stats.directions()[static_cast<std::size_t>(index)]);
  }
  if (columns.empty()) return;
  bool tcp = false;
  for (const auto* d : columns) tcp |= d->counts.tcp_packets > 0;

  // Number columns as wide as their widest entry, so the words keep the rest of the panel.
  std::vector<std::string> headers;
  float column_width = 0;
  for (const auto* d : columns) {
    headers.push_back("from " + lane_text(trace, d->from));
    column_width = std::max(column_width, ImGui::CalcTextSize(headers.back().c_str()).x);
    for (const Row& row : kRows) column_width = std::max(column_width, ImGui::CalcTextSize(cell_text(d->counts, row).c_str()).x);
  }
  const float cell = column_width + ImGui::GetStyle().CellPadding.x * 2 + 1;
  const float words = ImGui::CalcTextSize("delayed by the link").x + ImGui::GetStyle().CellPadding.x * 2;
  const bool side_by_side =
      columns.size() == 1 || ImGui::GetContentRegionAvail().x >= words + cell * static_cast<float>(columns.size());

  const auto tables = [&](const std::string& id, const std::vector<const view::DirectionStats*>& shown,
                          const std::vector<std::string>& shown_headers) {
    rows_table(id + "link", shown, shown_headers, column_width, false, pal, true);
    if (!tcp) return;
    ImGui::PushStyleColor(ImGuiCol_Text, pal.muted_text);
    ImGui::TextWrapped("What TCP did about it");
    ImGui::PopStyleColor();
    rows_table(id + "tcp", shown, shown_headers, column_width, true, pal, false);
  };
  const std::string id = fmt::format("##loss{}_{}", pair.a, pair.b);
  if (side_by_side) {
    tables(id, columns, headers);
    return;
  }
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) ImGui::Dummy(ImVec2(1, ImGui::GetTextLineHeight() * 0.3f));
    tables(id + std::to_string(i), {columns[i]}, {headers[i]});
  }
}

// Where the mouse is over a plot drawn from `count` values: the value index, or -1. The same
// arithmetic as ImGui's own plot hover, so the tooltip names the point ImGui highlights.
int hovered_index(int count, bool lines) {
  if (!ImGui::IsItemHovered() || count < (lines ? 2 : 1)) return -1;
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  const float pad = ImGui::GetStyle().FramePadding.x;
  const float t = std::clamp((ImGui::GetMousePos().x - min.x - pad) / std::max(1.0f, max.x - min.x - 2 * pad), 0.0f,
                             0.9999f);
  return static_cast<int>(t * static_cast<float>(lines ? count - 1 : count));
}

std::string seconds(double s) { return view::format_duration(static_cast<std::int64_t>(s * 1e9)); }

// "0 s" under the left end of the last plot, the run's length under its right end.
void time_axis(double total_seconds, const gui::Palette& pal) {
  const std::string end = seconds(total_seconds);
  const float left = ImGui::GetCursorPosX();
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::TextColored(ImColor(pal.muted_text), "0 s");
  ImGui::SameLine(std::max(left + width - ImGui::CalcTextSize(end.c_str()).x, left + ImGui::CalcTextSize("0 s  ").x));
  ImGui::TextColored(ImColor(pal.muted_text), "%s", end.c_str());
}

void sent_lost_plot(const trace::Trace& trace, const view::LossStats& stats, const view::DirectionStats& d,
                    const gui::Palette& pal, float height, const char* noun) {
  const std::size_t count = stats.bucket_count();
  const auto sent = view::plot_values(d.sent_per_bucket, count, true);
  const auto lost = view::plot_values(d.lost_per_bucket, count, true);
  const int n = static_cast<int>(count);
  ImGui::TextUnformatted(fmt::format("{} \xE2\x86\x92 {}: ", lane_text(trace, d.from), lane_text(trace, d.to)).c_str());
  ImGui::SameLine(0, 0);
  ImGui::TextColored(ImColor(pal.arrow), "sent");
  ImGui::SameLine(0, 0);
  ImGui::TextUnformatted(" and ");
  ImGui::SameLine(0, 0);
  ImGui::TextColored(ImColor(pal.error), "lost");
  ImGui::SameLine(0, 0);
  ImGui::TextUnformatted(" so far");

  const float width = ImGui::GetContentRegionAvail().x;
  const float top = std::max(1.0f, sent.empty() ? 1.0f : sent.back()) * 1.08f;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const std::string id = fmt::format("##sent{}_{}", d.from, d.to);
  ImGui::PushStyleColor(ImGuiCol_PlotLines, pal.arrow);
  ImGui::PushStyleColor(ImGuiCol_PlotLinesHovered, pal.arrow);
  ImGui::PlotLines(id.c_str(), sent.data(), n, 0, nullptr, 0.0f, top, ImVec2(width, height));
  ImGui::PopStyleColor(2);
  // The lost line over the same frame and scale: ImGui 1.86 draws one series per plot.
  ImGui::SetCursorScreenPos(at);
  ImGui::PushStyleColor(ImGuiCol_FrameBg, IM_COL32(0, 0, 0, 0));
  ImGui::PushStyleColor(ImGuiCol_PlotLines, pal.error);
  ImGui::PushStyleColor(ImGuiCol_PlotLinesHovered, pal.error);
  ImGui::PlotLines((id + "lost").c_str(), lost.data(), n, 0, nullptr, 0.0f, top, ImVec2(width, height));
  ImGui::PopStyleColor(3);
  if (const int i = hovered_index(n, true); i >= 0) {
    const auto k = static_cast<std::size_t>(i);
    const double t = static_cast<double>(k + 1) * static_cast<double>(stats.bucket_ns()) / 1e9;
    ImGui::SetTooltip("by %s: %.0f %s sent, %.0f lost%s", seconds(t).c_str(), sent[k], noun, lost[k],
                      percent(static_cast<std::uint64_t>(lost[k]), static_cast<std::uint64_t>(sent[k])).c_str());
  }
}

void goodput_plot(const trace::Trace& trace, const view::LossStats& stats, const view::LaneGoodput& g, float height) {
  const std::size_t count = stats.bucket_count();
  const auto values = view::plot_values(g.per_bucket, count, false);
  const double bucket_s = static_cast<double>(stats.bucket_ns()) / 1e9;
  const float peak = values.empty() ? 0.0f : *std::max_element(values.begin(), values.end());
  const double run_s = static_cast<double>(count) * bucket_s;
  // The average over the run, not the peak bucket: one datagram in a short bucket is no rate.
  ImGui::TextWrapped("%s", fmt::format("{} received {} ({}/s on average)", lane_text(trace, g.lane),
                                       bytes_text(static_cast<double>(g.bytes)),
                                       bytes_text(static_cast<double>(g.bytes) / std::max(run_s, 1e-3)))
                               .c_str());
  const std::string id = fmt::format("##goodput{}", g.lane);
  const ImU32 colour = palette_colour(g.lane);
  ImGui::PushStyleColor(ImGuiCol_PlotHistogram, colour);
  ImGui::PushStyleColor(ImGuiCol_PlotHistogramHovered, ImGui::GetColorU32(ImGuiCol_Text));
  ImGui::PlotHistogram(id.c_str(), values.data(), static_cast<int>(values.size()), 0, nullptr, 0.0f,
                       std::max(1.0f, peak * 1.08f), ImVec2(ImGui::GetContentRegionAvail().x, height));
  ImGui::PopStyleColor(2);
  if (const int i = hovered_index(static_cast<int>(values.size()), false); i >= 0) {
    const auto k = static_cast<std::size_t>(i);
    ImGui::SetTooltip("%s to %s: %s received (%s/s)", seconds(static_cast<double>(k) * bucket_s).c_str(),
                      seconds(static_cast<double>(k + 1) * bucket_s).c_str(), bytes_text(values[k]).c_str(),
                      bytes_text(values[k] / bucket_s).c_str());
  }
}

}  // namespace

void LossPanel::draw(const trace::Trace* trace, const proto::TcpFlowAnalyzer* analyzer, std::size_t limit) {
  if (trace == nullptr) {
    ImGui::TextWrapped(
        "No trace yet. Run udp-fire-and-forget or tcp-under-loss to count what a lossy link loses, "
        "copies and delays, and what TCP does about it.");
    return;
  }
  stats_.update(*trace, analyzer, limit);
  const gui::Palette& pal = gui::palette();
  const float plot_height = std::max(40.0f, ImGui::GetTextLineHeight() * 3.2f);
  const double total_seconds =
      static_cast<double>(stats_.bucket_count()) * static_cast<double>(stats_.bucket_ns()) / 1e9;
  const char* noun = stats_.relayed() ? "datagrams" : "packets";

  ImGui::BeginChild("##loss", ImVec2(0, 0), false);
  if (!stats_.saw_packets()) {
    ImGui::PushStyleColor(ImGuiCol_Text, pal.accent_text);
    ImGui::TextWrapped(
        "This run recorded socket calls only: no packet was seen, so nothing can be counted as lost.");
    ImGui::PopStyleColor();
  } else {
    const LinkCounts total = stats_.total();
    const std::string headline =
        total.lost() == 0 ? fmt::format("Nothing lost: {} of {} {} arrived", total.arrived, total.sent, noun)
                          : fmt::format("Lost {} of {} {}{}", total.lost(), total.sent, noun, percent(total.lost(), total.sent));
    heading(headline, total.lost() == 0 ? pal.ok_text : pal.error);
    ImGui::PushStyleColor(ImGuiCol_Text, pal.muted_text);
    ImGui::TextWrapped(stats_.relayed() ? "Counted at the relay, which decided each datagram's fate. Hover a row "
                                          "for what it means."
                                        : "Counted on the wire, where each packet's fate was decided. Hover a row "
                                          "for what it means.");
    ImGui::PopStyleColor();

    for (const view::LanePair& pair : stats_.pairs()) {
      section(pair.b == trace::kNoLane ? fmt::format("{} \xE2\x86\x92 an address nobody has", lane_text(*trace, pair.a))
                                       : fmt::format("{} \xE2\x86\x94 {}", lane_text(*trace, pair.a),
                                                     lane_text(*trace, pair.b)));
      counters_table(*trace, stats_, pair, pal);
    }

    section("Over time");
    bool drew = false;
    for (const view::DirectionStats& d : stats_.directions()) {
      if (d.counts.sent == 0) continue;
      sent_lost_plot(*trace, stats_, d, pal, plot_height, noun);
      drew = true;
    }
    if (drew) time_axis(total_seconds, pal);
  }

  if (!stats_.goodput().empty()) {
    section("Bytes the applications received");
    ImGui::PushStyleColor(ImGuiCol_Text, pal.muted_text);
    ImGui::TextWrapped("What recv()/recvfrom() returned, per %s%s", seconds(static_cast<double>(stats_.bucket_ns()) / 1e9).c_str(),
                       stats_.saw_packets() ? ": lost packets never show up here." : ".");
    ImGui::PopStyleColor();
    for (const view::LaneGoodput& g : stats_.goodput()) goodput_plot(*trace, stats_, g, plot_height);
    time_axis(total_seconds, pal);
  }
  ImGui::EndChild();
}

}  // namespace wirestep::panels
