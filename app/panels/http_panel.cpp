// HttpPanel: each direction of the selected connection as raw lines (CR/LF drawn as badges) beside what
// core's HTTP/1.1 parser made of them; on the wire tier both come from the captured packets (HttpOverTcp).
#include "panels/http_panel.h"

#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "panels/panel_style.h"
#include "view/packet_fields.h"
#include "view/socket_call_fields.h"

namespace wirestep::panels {
namespace {

constexpr std::size_t kMaxLines = 500;  // a body can be long; the head is what this view teaches
// Below this many font sizes the two columns are too narrow for a header table beside raw lines.
constexpr float kTwoColumnEms = 44.0f;
// The raw column's share of the width when the two sit side by side.
constexpr float kRawShare = 0.58f;

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

// Width the raw view needs for its widest head line: offset, text and the CR LF badges. Body lines
// are left out: a body may have one huge line, and it can scroll.
float raw_width(std::string_view bytes) {
  const view::HttpHead head = view::split_head(bytes);
  std::uint32_t longest = 0;
  for (const view::TextLine& line : head.lines) longest = std::max(longest, line.content_length);
  ImGui::PushFont(monospace_font());
  const float char_width = ImGui::CalcTextSize("M").x;
  ImGui::PopFont();
  return char_width * static_cast<float>(longest + 5) + ImGui::GetFontSize() * 4;
}

// The screen rows one raw line takes in `width` px of the current font: the whole line when it
// fits, else pieces broken where ImGui would wrap (after spaces; mid-word only for a word wider
// than the room). Too little room to wrap usefully: one row, and the view scrolls sideways.
std::vector<std::string_view> wrap_raw_line(std::string_view text, float width) {
  ImFont* font = ImGui::GetFont();
  const float scale = ImGui::GetFontSize() / font->FontSize;
  if (width < ImGui::GetFontSize() * 6 ||
      font->CalcTextSizeA(ImGui::GetFontSize(), FLT_MAX, 0.0f, text.data(), text.data() + text.size()).x <= width) {
    return {text};
  }
  std::vector<std::string_view> pieces;
  const char* start = text.data();
  const char* const end = start + text.size();
  while (start < end) {
    const char* next = font->CalcWordWrapPositionA(scale, start, end, width);
    if (next <= start) next = start + 1;
    pieces.emplace_back(start, static_cast<std::size_t>(next - start));
    start = next;
  }
  return pieces;
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
  const float offset_width = ImGui::CalcTextSize("0000 ").x;
  const float badges_width = ImGui::CalcTextSize("CRLF").x * 0.8f + ImGui::GetFontSize() * 1.2f;
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
    const std::string text = printable(bytes.substr(line.offset, line.content_length));
    // A line longer than the panel wraps (at spaces where it can) so its CR LF badges stay in
    // view; the bytes are not changed, only where the row breaks on screen.
    const std::vector<std::string_view> pieces = wrap_raw_line(text, width - offset_width - badges_width);
    const float height = row_height * static_cast<float>(pieces.size());
    const ImVec2 row_end(p.x + width, p.y + height);
    if (selected_range && line.offset < selected_range->second &&
        line.end_offset() > selected_range->first) {
      draw->AddRectFilled(p, row_end, colours::kHighlight & 0x40FFFFFF);
      draw->AddRectFilled(p, ImVec2(p.x + 3, row_end.y), colours::kAccent);
    }
    if (blank) {
      draw->AddRectFilled(p, row_end, colours::kBlankLineBack, 3.0f);
      draw->AddRect(p, row_end, colours::kBlankLine, 3.0f);
    }
    if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(p, row_end)) {
      draw->AddRect(p, row_end, colours::kHover, 3.0f);
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) clicked = line.offset;
    }
    const bool not_received = line.offset >= dir.received_bytes;
    ImGui::TextColored(ImColor(colours::kDim), "%4u ", line.offset);
    ImGui::SameLine(0, 0);
    const float text_x = ImGui::GetCursorPosX();
    const ImU32 colour = not_received ? colours::kDim
                         : in_body    ? ImGui::GetColorU32(ImGuiCol_Text, 0.75f)
                                      : ImGui::GetColorU32(ImGuiCol_Text);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      if (k > 0) ImGui::SetCursorPosX(text_x);
      ImGui::TextUnformatted(pieces[k].data(), pieces[k].data() + pieces[k].size());
    }
    ImGui::PopStyleColor();
    line_end_badges(line.end, in_body);
    if (blank) {
      // The long note only when it fits: clipped at the panel edge it reads as garbage.
      const char* note = "<- blank line: the headers end here";
      if (ImGui::GetItemRectMax().x + 10 + ImGui::CalcTextSize(note).x > p.x + width) note = "<- blank line";
      ImGui::SameLine(0, 10);
      ImGui::TextColored(ImColor(colours::kBlankLine), "%s", note);
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

// Text that wraps to the cell or window only when it is longer than the room there: ImGui breaks
// at spaces and punctuation, and inside a word only when the word alone is wider than the room.
void wrapped(std::string_view text) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  ImGui::PopTextWrapPos();
}

void draw_message(const proto::http::HttpMessage& message, std::size_t number) {
  namespace http = proto::http;
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_SizingStretchProp;
  // Fixed + stretch columns: the value column takes whatever the name column leaves.
  constexpr ImGuiTableFlags kHeaderFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                           ImGuiTableFlags_SizingFixedFit;
  ImGui::PushID(static_cast<int>(number));
  ImGui::TextColored(ImColor(colours::kAccent), "%s (bytes %llu..)", message.is_request() ? "Request line" : "Status line",
                     static_cast<unsigned long long>(message.start_offset));
  if (ImGui::BeginTable("##start", 2, kFlags)) {
    ImGui::TableSetupColumn("part", ImGuiTableColumnFlags_WidthFixed,
                            std::min(ImGui::GetFontSize() * 5, ImGui::GetContentRegionAvail().x * 0.4f));
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    const std::string version = message.version_range.empty()
                                    ? std::string()
                                    : fmt::format("HTTP/{}.{}", message.version.major, message.version.minor);
    const char* names[3] = {"method", "target", "version"};
    std::string parts[3] = {message.method, message.target, version};
    if (!message.is_request()) {
      names[0] = "version";
      names[1] = "status";
      names[2] = "reason";
      parts[0] = version;
      parts[1] = message.status_range.empty() ? std::string() : std::to_string(message.status_code);
      parts[2] = message.reason;
    }
    for (int i = 0; i < 3; ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", names[i]);
      ImGui::TableNextColumn();
      ImGui::PushFont(monospace_font());
      ImGui::PushStyleColor(ImGuiCol_Text, palette_colour(static_cast<std::size_t>(i)));
      wrapped(parts[i]);  // a long target (a query string) wraps instead of running off
      ImGui::PopStyleColor();
      ImGui::PopFont();
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::TextColored(ImColor(colours::kAccent), "Headers (%zu)", message.headers.size());
  // The name column is as wide as the longest name (but never more than 40% of the table) and
  // the value column gets the rest, so values only wrap when they really are longer than it.
  float name_width = 0;
  for (const http::HeaderField& header : message.headers) {
    name_width = std::max(name_width, ImGui::CalcTextSize(header.name.c_str()).x);
  }
  name_width = std::min(name_width + ImGui::GetFontSize() * 0.5f, ImGui::GetContentRegionAvail().x * 0.4f);
  if (!message.headers.empty() && ImGui::BeginTable("##headers", 2, kHeaderFlags)) {
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed, name_width);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    for (const http::HeaderField& header : message.headers) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      wrapped(header.name);
      ImGui::TableNextColumn();
      ImGui::PushFont(monospace_font());
      wrapped(header.value);
      ImGui::PopFont();
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  if (message.blank_line.empty()) {
    ImGui::TextColored(ImColor(colours::kNote), "No blank line yet: the headers are not finished.");
    ImGui::PopID();
    return;
  }
  ImGui::TextColored(ImColor(colours::kBlankLine), "Blank line at byte %llu: headers end",
                     static_cast<unsigned long long>(message.blank_line.offset));
  // How the parser knows where the body ends is the lesson of this part.
  std::string framing;
  switch (message.framing) {
    case http::BodyFraming::None: framing = "no body"; break;
    case http::BodyFraming::ContentLength:
      framing = fmt::format("Content-Length: {}", message.content_length.value_or(0));
      break;
    case http::BodyFraming::Chunked: framing = fmt::format("chunked, {} chunks", message.chunks.size()); break;
    case http::BodyFraming::UntilClose: framing = "until the connection closes"; break;
  }
  ImGui::TextColored(ImColor(colours::kAccent), "Body (%zu bytes: %s)%s", message.body.size(), framing.c_str(),
                     message.complete ? "" : "  - still arriving");
  if (!message.body.empty()) {
    ImGui::PushFont(monospace_font());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_Text, 0.75f));
    const std::string body = printable(std::string_view(message.body).substr(0, 2000), true);
    ImGui::TextWrapped("%s", body.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
  }
  for (const http::ParseNote& note : message.notes) {
    ImGui::TextColored(ImColor(colours::kNote), "Note (byte %llu): %s", static_cast<unsigned long long>(note.range.offset),
                       note.text.c_str());
  }
  ImGui::PopID();
}

void draw_parsed(const view::ParsedStream& parsed) {
  if (parsed.messages.empty() && !parsed.partial && !parsed.error) {
    ImGui::TextDisabled("Nothing to parse yet.");
    return;
  }
  std::size_t number = 0;
  for (const auto& message : parsed.messages) {
    if (number > 0) ImGui::Separator();
    draw_message(message, number++);
  }
  if (parsed.partial && !parsed.error) {
    if (number > 0) ImGui::Separator();
    ImGui::TextColored(ImColor(colours::kNote), "Still arriving: the parser has read this much");
    draw_message(*parsed.partial, number++);
  }
  if (parsed.error) {
    if (number > 0) ImGui::Separator();
    ImGui::PushStyleColor(ImGuiCol_Text, colours::kError);
    ImGui::TextWrapped("Not HTTP (or broken) at byte %llu: %d %s - %s", static_cast<unsigned long long>(parsed.error->offset),
                       parsed.error->status, std::string(proto::http::status_text(parsed.error->status)).c_str(),
                       parsed.error->reason.c_str());
    ImGui::PopStyleColor();
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
  const bool packet = trace[best->event].kind == trace::EventKind::Packet;
  const proto::FieldTree tree =
      packet ? view::packet_fields(trace, best->event, nullptr) : view::event_fields(trace, best->event);
  selection.field = tree.field_at(static_cast<std::uint32_t>(best->byte_offset + offset - best->offset));
}

}  // namespace

void HttpPanel::draw_direction(const trace::Trace& trace, const view::StreamDirection& dir,
                               const view::ParsedStream& parsed_stream, const char* title, view::Selection& selection) {
  const std::optional<std::size_t> selected = selection.event;
  ImGui::TextColored(ImColor(colours::kAccent), "%s", title);
  ImGui::SameLine(0, ImGui::GetFontSize() * 0.5f);
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
  const view::HttpHead head = view::split_head(dir.bytes);
  const auto raw = [&] {
    if (const auto clicked = draw_raw(dir, head, range)) select_line(trace, dir, *clicked, selection);
  };
  const auto parsed = [&] {
    ImGui::PushID(title);
    draw_parsed(parsed_stream);
    ImGui::PopID();
  };
  if (show_ == Show::Raw) {
    raw();
    return;
  }
  if (show_ == Show::Parsed) {
    parsed();
    return;
  }
  // Side by side only when both halves get enough room for a header table and the raw lines;
  // below that the raw view sits above the parsed one, each the full width.
  const float width = ImGui::GetContentRegionAvail().x;
  const float two_columns = std::max(kTwoColumnEms * ImGui::GetFontSize(), raw_width(dir.bytes) / kRawShare);
  if (width < two_columns) {
    ImGui::TextDisabled("Raw bytes");
    raw();
    ImGui::Spacing();
    ImGui::TextDisabled("Split into parts");
    ImGui::Indent(ImGui::GetFontSize() * 0.5f);
    parsed();
    ImGui::Unindent(ImGui::GetFontSize() * 0.5f);
    return;
  }
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_BordersOuterH;
  if (ImGui::BeginTable(title, 2, kFlags)) {
    ImGui::TableSetupColumn("Raw bytes", ImGuiTableColumnFlags_WidthStretch, kRawShare);
    ImGui::TableSetupColumn("Split into parts", ImGuiTableColumnFlags_WidthStretch, 1.0f - kRawShare);
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    raw();
    ImGui::TableNextColumn();
    parsed();
    ImGui::EndTable();
  }
}

void HttpPanel::draw_show_toggle() {
  static constexpr const char* kNames[] = {"Both", "Raw", "Parsed"};
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(2.0f, ImGui::GetStyle().ItemSpacing.y));
  for (int i = 0; i < 3; ++i) {
    if (i > 0) ImGui::SameLine();
    const bool on = static_cast<int>(show_) == i;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetColorU32(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(kNames[i])) show_ = static_cast<Show>(i);
    if (on) ImGui::PopStyleColor();
  }
  ImGui::PopStyleVar();
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
  // A new trace can be allocated where the old one was: a shorter one than was read is new too.
  if (trace != wire_trace_ || trace->size() < wire_.analysed()) {
    wire_ = proto::http::HttpOverTcp{};
    wire_trace_ = trace;
  }
  if (trace != trace_ || flow != flow_ || trace->size() != trace_size_) {
    wire_.update(*trace);  // only the events since the last frame
    namespace http = proto::http;
    // Where the wire captured the flow's packets, both sides are read from them: what really
    // arrived, parsed by the same HTTP parser the packets would meet in a server.
    from_packets_ = wire_.stream(flow, http::StreamDirection::ClientToServer) != nullptr ||
                    wire_.stream(flow, http::StreamDirection::ServerToClient) != nullptr;
    if (from_packets_) {
      view::WireStream request = view::wire_stream(*trace, wire_, flow, http::StreamDirection::ClientToServer);
      view::WireStream response = view::wire_stream(*trace, wire_, flow, http::StreamDirection::ServerToClient);
      streams_ = view::FlowStreams{flow, std::move(request.direction), std::move(response.direction)};
      // Packets give the bytes only as far as they parsed as HTTP; past a parse error the socket
      // calls (when recorded) still show every byte.
      const view::FlowStreams calls = view::gather_flow_streams(*trace, flow, trace->size());
      if (calls.request.bytes.size() > streams_.request.bytes.size()) streams_.request = calls.request;
      if (calls.response.bytes.size() > streams_.response.bytes.size()) streams_.response = calls.response;
      parsed_request_ = std::move(request.parsed);
      parsed_response_ = std::move(response.parsed);
    } else {
      streams_ = view::gather_flow_streams(*trace, flow, trace->size());
      parsed_request_ = view::parse_stream(streams_.request.bytes, http::ParserMode::Request);
      std::vector<std::string> methods;
      for (const auto& request : parsed_request_.messages) methods.push_back(request.method);
      parsed_response_ = view::parse_stream(streams_.response.bytes, http::ParserMode::Response, methods);
    }
    trace_ = trace;
    flow_ = flow;
    trace_size_ = trace->size();
  }
  ImGui::Text("Connection #%u %s", flow, from_packets_ ? "(from its packets)" : "(from socket calls)");
  // The toggle sits at the right end of the title row; on a very narrow panel it moves below.
  const float toggle_width = ImGui::CalcTextSize("BothRawParsed").x + ImGui::GetStyle().FramePadding.x * 6 + 4;
  const float title_end = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
  const float right = ImGui::GetWindowContentRegionMax().x - toggle_width;
  if (right > title_end + ImGui::GetFontSize()) ImGui::SameLine(right);
  draw_show_toggle();
  // The key gets its own line: squeezed beside the title it wrapped into a narrow column.
  ImGui::PushStyleColor(ImGuiCol_Text, colours::kDim);
  ImGui::TextWrapped("Numbers are byte offsets. CR LF = the two bytes \\r\\n that end each line.");
  ImGui::PopStyleColor();
  // Raw lines are never wrapped (every byte stays where it is): scroll sideways for long ones.
  ImGui::BeginChild("##http", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  draw_direction(*trace, streams_.request, parsed_request_, "Request", selection);
  ImGui::Spacing();
  draw_direction(*trace, streams_.response, parsed_response_, "Response", selection);
  ImGui::EndChild();
}

}  // namespace wirestep::panels
