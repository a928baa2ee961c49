// InspectorPanel: field tree (view::event_fields, view::packet_fields) over a HexView; a click on either selects in both.
#include "panels/inspector_panel.h"

#include <imgui.h>

#include <algorithm>
#include <climits>

#include "panels/panel_style.h"
#include "view/packet_fields.h"
#include "view/socket_call_fields.h"

namespace wirestep::panels {
namespace {

ImU32 severity_colour(proto::FieldSeverity severity) {
  switch (severity) {
    case proto::FieldSeverity::Error: return colours::kError;
    case proto::FieldSeverity::Warning:
    case proto::FieldSeverity::Note: return colours::kNote;
    case proto::FieldSeverity::Normal: break;
  }
  return ImGui::GetColorU32(ImGuiCol_Text);
}

bool is_ancestor(const proto::FieldTree& tree, int ancestor, int field) {
  for (int at = field; at >= 0; at = tree[static_cast<std::size_t>(at)].parent) {
    if (at == ancestor) return true;
  }
  return false;
}

}  // namespace

void InspectorPanel::draw(const trace::Trace* trace, view::Selection& selection, const proto::TcpFlowAnalyzer* analyzer) {
  if (trace == nullptr || !selection.event || *selection.event >= trace->size()) {
    ImGui::TextDisabled("Select an event on the timeline to inspect it.");
    return;
  }
  const std::size_t index = *selection.event;
  if (trace != trace_ || index != event_) {
    // A new event: the old row means nothing, unless whoever chose the event also chose a row
    // (the HTTP view selects a line's field with its call).
    if (trace_ != nullptr && selection.field == last_field_) selection.field = -1;
    trace_ = trace;
    event_ = index;
    trace_size_ = 0;
  }
  // Later events can add facts (the TCP state change right after a call): rebuild as they arrive.
  // The analyzer can also catch up a frame later (what a packet means, its relative numbers).
  const std::size_t analysed = analyzer != nullptr ? analyzer->analysed() : 0;
  if (trace->size() != trace_size_ || analysed != analysed_) {
    analysed_ = analysed;
    if ((*trace)[index].kind == trace::EventKind::Packet) {
      tree_ = view::packet_fields(*trace, index, analyzer != nullptr ? analyzer->at(index) : nullptr);
    } else {
      tree_ = view::event_fields(*trace, index);
    }
    trace_size_ = trace->size();
  }
  if (selection.field >= static_cast<int>(tree_.size())) selection.field = -1;
  if (selection.field >= 0 && selection.field != last_field_) reveal_field_ = true;  // chosen elsewhere

  const trace::Event& event = (*trace)[index];
  const std::span<const std::byte> bytes =
      event.kind == trace::EventKind::Note ? std::span<const std::byte>{} : event.payload.span();

  // A row under the pointer lights its bytes; otherwise the selected row's bytes stay lit.
  std::uint32_t hl_offset = 0;
  std::uint32_t hl_length = 0;
  const int lit = hovered_field_ >= 0 && hovered_field_ < static_cast<int>(tree_.size()) ? hovered_field_ : selection.field;
  if (lit >= 0) {
    hl_offset = tree_[static_cast<std::size_t>(lit)].offset;
    hl_length = tree_[static_cast<std::size_t>(lit)].length;
  }

  // Tree on top, bytes below; without bytes the tree takes the whole panel.
  const float avail = ImGui::GetContentRegionAvail().y;
  const float tree_height = bytes.empty() ? 0.0f : std::max(120.0f, avail * 0.55f);
  ImGui::BeginChild("##fields", ImVec2(0, tree_height), false);
  hovered_field_ = -1;
  draw_tree(selection);
  ImGui::EndChild();
  last_field_ = selection.field;
  if (bytes.empty()) return;

  ImGui::TextDisabled("%zu bytes", bytes.size());
  if (lit >= 0 && hl_length > 0) {
    ImGui::SameLine();
    ImGui::TextColored(ImColor(colours::kAccent), "%s: %s  (bytes %u..%u, %u long)",
                       lit == selection.field ? "selected" : "pointed at",
                       tree_[static_cast<std::size_t>(lit)].name.c_str(), hl_offset,
                       hl_offset + hl_length - 1, hl_length);
  } else {
    ImGui::SameLine();
    ImGui::TextDisabled(" - click a byte to find its field");
  }
  const HexViewResult hex = hex_.draw("##hex", bytes, hl_offset, hl_length);
  if (hex.hovered) {
    const int field = tree_.field_at(static_cast<std::uint32_t>(*hex.hovered));
    const auto value = std::to_integer<unsigned>(bytes[*hex.hovered]);
    ImGui::BeginTooltip();
    if (value >= 0x20 && value < 0x7F) {
      ImGui::Text("byte %zu (0x%zx) = 0x%02x '%c'", *hex.hovered, *hex.hovered, value, static_cast<char>(value));
    } else {
      ImGui::Text("byte %zu (0x%zx) = 0x%02x", *hex.hovered, *hex.hovered, value);
    }
    if (value == '\r') ImGui::TextColored(ImColor(colours::kCrLf), "CR - carriage return, \\r");
    if (value == '\n') ImGui::TextColored(ImColor(colours::kCrLf), "LF - line feed, \\n");
    if (field >= 0) ImGui::Text("in: %s", tree_[static_cast<std::size_t>(field)].name.c_str());
    ImGui::EndTooltip();
  }
  if (hex.clicked) {
    selection.field = tree_.field_at(static_cast<std::uint32_t>(*hex.clicked));
    reveal_field_ = true;
  }
  last_field_ = selection.field;
}

void InspectorPanel::draw_tree(view::Selection& selection) {
  constexpr ImGuiTableFlags kTableFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                          ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable("##tree", 3, kTableFlags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  // Both text columns stretch: with presenter-size text in a narrow panel a fixed Field column
  // left no room for the values (a packet's are what a student came to read).
  ImGui::TableSetupColumn("Field", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Value", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("Bytes", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("00+00").x);
  ImGui::TableHeadersRow();

  // Pre-order storage: one pass, popping tree levels as the depth goes back up.
  int pushed = 0;                   // tree levels currently pushed (open parents)
  int hidden_below = INT_MAX;       // fields deeper than this sit under a closed node
  for (std::size_t i = 0; i < tree_.size(); ++i) {
    const proto::Field& field = tree_[i];
    const int index = static_cast<int>(i);
    while (pushed > field.depth) {
      ImGui::TreePop();
      --pushed;
    }
    if (field.depth > hidden_below) continue;
    hidden_below = INT_MAX;
    const bool has_children = i + 1 < tree_.size() && tree_[i + 1].parent == index;

    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_SpanFullWidth | ImGuiTreeNodeFlags_OpenOnArrow |
                               ImGuiTreeNodeFlags_DefaultOpen;
    if (!has_children) flags |= ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen;
    if (selection.field == index) {
      flags |= ImGuiTreeNodeFlags_Selected;
      ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, colours::kHighlight);
    }
    if (reveal_field_ && selection.field >= 0 && has_children && is_ancestor(tree_, index, selection.field)) {
      ImGui::SetNextItemOpen(true);
    }
    ImGui::PushID(index);
    ImGui::PushStyleColor(ImGuiCol_Text, severity_colour(field.severity));
    const bool open = ImGui::TreeNodeEx(field.name.c_str(), flags);
    ImGui::PopStyleColor();
    if (ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen()) selection.field = index;
    if (ImGui::IsItemHovered()) hovered_field_ = index;
    if (reveal_field_ && selection.field == index) {
      ImGui::SetScrollHereY(0.5f);
      reveal_field_ = false;
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(field.value.c_str());
    ImGui::TableNextColumn();
    if (field.length > 0) ImGui::TextDisabled("%u+%u", field.offset, field.length);
    ImGui::PopID();
    if (has_children) {
      if (open) {
        ++pushed;
      } else {
        hidden_below = field.depth;
      }
    }
  }
  while (pushed-- > 0) ImGui::TreePop();
  ImGui::EndTable();
}

}  // namespace wirestep::panels
