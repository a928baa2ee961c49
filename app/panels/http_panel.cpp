// HttpPanel: each direction of the selected connection as raw lines (CR/LF drawn as badges) beside a
// split of the start line and headers. The split comes from view::split_http_message, a display-only
// line splitter; the full HTTP/1.1 parser (core/proto/http) will replace the parsed side.
#include "panels/http_panel.h"

#include <imgui.h>

#include <algorithm>
#include <string>

#include "panels/panel_style.h"
#include "view/socket_call_fields.h"

namespace wirestep::panels {
namespace {

constexpr std::size_t kMaxLines = 500;  // a body can be long; the head is what this view teaches

// Control bytes would draw as nothing (or break the line): show them as dots, tabs as a space.
std::string printable(std::string_view text, bool keep_newlines = false) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\t') c = ' ';
    else if (keep_newlines && c == '\n') continue;
    else if (u < 0x20 || u == 0x7F) c = '.';
  }
  return out;
}

// A small coloured "CR" / "LF" tag standing for one invisible byte.
void badge(const char* text, ImU32 colour, ImU32 back) {
  const float scale = 0.8f;
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize() * scale;
  const ImVec2 text_size = font->CalcTextSizeA(size, FLT_MAX, 0.0f, text);
  const float line = ImGui::GetTextLineHeight();
  const ImVec2 box(text_size.x + 6.0f, line - 2.0f);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(ImVec2(p.x, p.y + 1), ImVec2(p.x + box.x, p.y + 1 + box.y), back, 3.0f);
  draw->AddRect(ImVec2(p.x, p.y + 1), ImVec2(p.x + box.x, p.y + 1 + box.y), colour, 3.0f);
  draw->AddText(font, size, ImVec2(p.x + 3.0f, p.y + 1 + (box.y - text_size.y) / 2), colour, text);
  ImGui::Dummy(ImVec2(box.x, line));
}

void line_end_badges(view::LineEnd end, bool in_body) {
  if (end == view::LineEnd::CrLf) {
    ImGui::SameLine(0, 6);
    badge("CR", colours::kCrLf, colours::kCrLfBack);
    ImGui::SameLine(0, 2);
    badge("LF", colours::kCrLf, colours::kCrLfBack);
  } else if (end == view::LineEnd::Lf) {
    ImGui::SameLine(0, 6);
    badge("LF", colours::kCrLf, colours::kCrLfBack);
    // In the head HTTP wants CR LF; a body's own line ends are its business.
    if (!in_body) {
      ImGui::SameLine(0, 6);
      ImGui::TextColored(ImColor(colours::kNote), "(no CR)");
    }
  }
}

// Returns the stream offset of a line the user clicked, if any.
std::optional<std::uint32_t> draw_raw(const view::StreamDirection& dir, const view::HttpHead& head,
                                      std::optional<std::pair<std::uint64_t, std::uint64_t>> selected_range) {
  std::optional<std::uint32_t> clicked;
  const std::string_view bytes = dir.bytes;
  const auto lines = view::split_lines(bytes);
  ImGui::PushFont(monospace_font());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float row_height = ImGui::GetTextLineHeightWithSpacing();
  bool body_marked = false;
  for (std::size_t i = 0; i < lines.size() && i < kMaxLines; ++i) {
    const view::TextLine& line = lines[i];
    const bool in_body = head.head_end && line.offset >= *head.head_end;
    if (in_body && !body_marked) {
      ImGui::TextColored(ImColor(colours::kDim), "---- body: %zu bytes ----",
                         bytes.size() - *head.head_end);
      body_marked = true;
    }
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float width = std::max(ImGui::GetContentRegionAvail().x, 10.0f);
    const bool blank = head.blank_line && line.offset == *head.blank_line;
    if (selected_range && line.offset < selected_range->second &&
        line.end_offset() > selected_range->first) {
      draw->AddRectFilled(p, ImVec2(p.x + width, p.y + row_height), colours::kHighlight & 0x40FFFFFF);
      draw->AddRectFilled(p, ImVec2(p.x + 3, p.y + row_height), colours::kAccent);
    }
    if (blank) {
      draw->AddRectFilled(p, ImVec2(p.x + width, p.y + row_height), colours::kBlankLineBack, 3.0f);
      draw->AddRect(p, ImVec2(p.x + width, p.y + row_height), colours::kBlankLine, 3.0f);
    }
    const ImVec2 row_end(p.x + width, p.y + row_height);
    if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(p, row_end)) {
      draw->AddRect(p, row_end, colours::kHover, 3.0f);
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) clicked = line.offset;
    }
    const bool not_received = line.offset >= dir.received_bytes;
    ImGui::TextColored(ImColor(colours::kDim), "%4u ", line.offset);
    ImGui::SameLine(0, 0);
    const ImU32 colour = not_received ? colours::kDim
                         : in_body    ? ImGui::GetColorU32(ImGuiCol_Text, 0.75f)
                                      : ImGui::GetColorU32(ImGuiCol_Text);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextUnformatted(printable(bytes.substr(line.offset, line.content_length)).c_str());
    ImGui::PopStyleColor();
    line_end_badges(line.end, in_body);
    if (blank) {
      ImGui::SameLine(0, 10);
      ImGui::TextColored(ImColor(colours::kBlankLine), "<- blank line: the headers end here");
    }
  }
  if (lines.size() > kMaxLines) ImGui::TextDisabled("... %zu more lines", lines.size() - kMaxLines);
  ImGui::PopFont();
  if (dir.received_bytes < bytes.size()) {
    ImGui::TextColored(ImColor(colours::kNote), "bytes %llu..%zu sent, not received yet (dimmed)",
                       static_cast<unsigned long long>(dir.received_bytes), bytes.size() - 1);
  }
  return clicked;
}

void draw_parsed(const view::HttpMessageView& message) {
  if (!message.is_request && !message.is_response) {
    ImGui::TextWrapped("Not HTTP: these bytes do not start with a request line or a status line.");
    return;
  }
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_SizingStretchProp;
  ImGui::TextColored(ImColor(colours::kAccent), message.is_request ? "Request line" : "Status line");
  if (ImGui::BeginTable("##start", 2, kFlags)) {
    ImGui::TableSetupColumn("part", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 6);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    const char* names[3] = {"method", "target", "version"};
    if (message.is_response) {
      names[0] = "version";
      names[1] = "status";
      names[2] = "reason";
    }
    const std::string_view parts[3] = {message.part1, message.part2, message.part3};
    for (int i = 0; i < 3; ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", names[i]);
      ImGui::TableNextColumn();
      ImGui::PushFont(monospace_font());
      ImGui::TextColored(ImColor(palette_colour(static_cast<std::size_t>(i))), "%.*s",
                         static_cast<int>(parts[i].size()), parts[i].data());
      ImGui::PopFont();
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::TextColored(ImColor(colours::kAccent), "Headers (%zu)", message.headers.size());
  if (!message.headers.empty() && ImGui::BeginTable("##headers", 2, kFlags)) {
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 8);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    for (const view::HttpHeader& header : message.headers) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%.*s", static_cast<int>(header.name.size()), header.name.data());
      ImGui::TableNextColumn();
      ImGui::PushFont(monospace_font());
      ImGui::TextWrapped("%.*s", static_cast<int>(header.value.size()), header.value.data());
      ImGui::PopFont();
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  if (!message.head.head_end) {
    ImGui::TextColored(ImColor(colours::kNote), "No blank line yet: the headers are not finished.");
    return;
  }
  ImGui::TextColored(ImColor(colours::kBlankLine), "Blank line at byte %u: headers end",
                     *message.head.blank_line);
  ImGui::TextColored(ImColor(colours::kAccent), "Body (%zu bytes)", message.body.size());
  if (!message.body.empty()) {
    ImGui::PushFont(monospace_font());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_Text, 0.75f));
    const std::string body = printable(message.body.substr(0, 2000), true);
    ImGui::TextWrapped("%s", body.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
  }
}

// A click on a raw line selects the call that carried it (the receive when there is one) and, in
// the inspector, that line's field: the same bytes, seen from the call's side.
void select_line(const trace::Trace& trace, const view::StreamDirection& dir, std::uint32_t offset,
                 view::Selection& selection) {
  const view::StreamPiece* best = nullptr;
  for (const view::StreamPiece& piece : dir.pieces) {
    if (offset < piece.offset || offset >= piece.offset + piece.length) continue;
    if (best == nullptr || (piece.received && !best->received)) best = &piece;
  }
  if (best == nullptr) return;
  selection.event = best->event;
  const proto::FieldTree tree = view::event_fields(trace, best->event);
  selection.field = tree.field_at(static_cast<std::uint32_t>(offset - best->offset));
}

}  // namespace

void HttpPanel::draw_direction(const trace::Trace& trace, const view::StreamDirection& dir,
                               const char* title, view::Selection& selection) {
  const std::optional<std::size_t> selected = selection.event;
  ImGui::TextColored(ImColor(colours::kAccent), "%s", title);
  ImGui::SameLine();
  const auto sender = trace.lane_name(dir.sender);
  const auto receiver = dir.receiver == trace::kNoLane ? std::string_view("?") : trace.lane_name(dir.receiver);
  ImGui::TextDisabled("%.*s -> %.*s, %zu bytes", static_cast<int>(sender.size()), sender.data(),
                      static_cast<int>(receiver.size()), receiver.data(), dir.bytes.size());
  if (dir.bytes.empty()) {
    ImGui::TextDisabled("nothing sent yet");
    return;
  }
  // The bytes the selected call carried, if it is one of this stream's.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  if (selected) {
    for (const view::StreamPiece& piece : dir.pieces) {
      if (piece.event == *selected) range = std::pair{piece.offset, piece.offset + piece.length};
    }
  }
  const view::HttpMessageView message = view::split_http_message(dir.bytes);
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_BordersOuterH;
  if (ImGui::BeginTable(title, 2, kFlags)) {
    ImGui::TableSetupColumn("Raw bytes", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("Split into parts", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (const auto clicked = draw_raw(dir, message.head, range)) select_line(trace, dir, *clicked, selection);
    ImGui::TableNextColumn();
    ImGui::PushID(title);
    draw_parsed(message);
    ImGui::PopID();
    ImGui::EndTable();
  }
}

void HttpPanel::draw(const trace::Trace* trace, view::Selection& selection) {
  if (trace == nullptr) {
    ImGui::TextDisabled("No trace yet.");
    return;
  }
  const trace::FlowId flow = view::flow_for_http_view(*trace, selection.event);
  if (flow == trace::kNoFlow) {
    ImGui::TextDisabled("No TCP bytes yet: the HTTP text appears here once a connection carries data.");
    return;
  }
  if (trace != trace_ || flow != flow_ || trace->size() != trace_size_) {
    streams_ = view::gather_flow_streams(*trace, flow, trace->size());
    trace_ = trace;
    flow_ = flow;
    trace_size_ = trace->size();
  }
  ImGui::Text("Connection #%u", flow);
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, colours::kDim);
  ImGui::TextWrapped("- numbers are byte offsets; CR LF = the two bytes \\r \\n that end each line");
  ImGui::PopStyleColor();
  ImGui::BeginChild("##http", ImVec2(0, 0), false);
  draw_direction(*trace, streams_.request, "Request", selection);
  ImGui::Spacing();
  draw_direction(*trace, streams_.response, "Response", selection);
  ImGui::EndChild();
}

}  // namespace wirestep::panels
