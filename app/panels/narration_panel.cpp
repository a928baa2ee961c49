// NarrationPanel: lays out view::MarkdownDoc blocks with word wrapping and mixed inline styles, tints
// the active cue's section and scrolls it into view once per change of cue.
#include "panels/narration_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstring>

#include "panels/panel_style.h"

namespace wirestep::panels {
namespace {

constexpr ImU32 kEmphasis = IM_COL32(140, 210, 255, 255);
constexpr ImU32 kStrong = IM_COL32(255, 225, 140, 255);
constexpr ImU32 kCode = IM_COL32(255, 180, 120, 255);
constexpr ImU32 kHeading = IM_COL32(150, 205, 255, 255);
constexpr ImU32 kActiveBack = IM_COL32(80, 160, 255, 38);
constexpr ImU32 kActiveBar = IM_COL32(80, 160, 255, 230);
constexpr ImU32 kHidden = IM_COL32(150, 150, 150, 255);  // readable on the dark and the light theme

struct TextStyle {
  ImFont* font;
  float size;
  ImU32 colour;
};

// Typographic characters the shell's font may lack (it picks the glyph ranges): ASCII stand-ins,
// so the narration never shows "?" where a dash was.
void replace_missing_glyphs(view::MarkdownDoc& doc) {
  struct StandIn {
    ImWchar codepoint;
    std::string_view utf8;
    std::string_view ascii;
  };
  static constexpr StandIn kStandIns[] = {
      {0x2014, "\u2014", "-"}, {0x2013, "\u2013", "-"},  {0x2019, "\u2019", "'"},
      {0x2018, "\u2018", "'"},   {0x201C, "\u201C", "\""}, {0x201D, "\u201D", "\""},
      {0x2026, "\u2026", "..."}, {0x2192, "\u2192", "->"}, {0x2190, "\u2190", "<-"}};
  const ImFont* font = ImGui::GetFont();
  auto replace_all = [](std::string& text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  };
  for (const StandIn& stand_in : kStandIns) {
    if (font->FindGlyphNoFallback(stand_in.codepoint) != nullptr) continue;
    for (auto& block : doc.blocks) {
      replace_all(block.code, stand_in.utf8, stand_in.ascii);
      for (auto& span : block.spans) replace_all(span.text, stand_in.utf8, stand_in.ascii);
    }
  }
}

TextStyle span_style(const view::TextSpan& span, const TextStyle& base) {
  TextStyle style = base;
  if (span.style & view::kSpanStrong) {
    style.colour = base.colour == ImGui::GetColorU32(ImGuiCol_Text) ? kStrong : base.colour;
    if (ImFont* bold = bold_font(); bold != nullptr && base.font == ImGui::GetFont()) style.font = bold;
  }
  if (span.style & view::kSpanEmphasis) style.colour = kEmphasis;
  if (span.style & view::kSpanCode) {
    style.font = monospace_font();
    style.colour = kCode;
  }
  return style;
}

// A run of one span's text that has no break opportunity inside: non-spaces then spaces.
struct Chunk {
  const view::TextSpan* span;
  std::string_view text;
  bool ends_word;   // trailing spaces (or a hard break) follow: a line may wrap after it
  bool hard_break;  // a '\n' follows
};

std::vector<Chunk> chunks_of(const std::vector<view::TextSpan>& spans) {
  std::vector<Chunk> chunks;
  for (const view::TextSpan& span : spans) {
    std::string_view rest = span.text;
    while (!rest.empty()) {
      std::size_t end = rest.find_first_of(" \n");
      if (end == std::string_view::npos) end = rest.size();
      while (end < rest.size() && rest[end] == ' ') ++end;
      const bool hard = end < rest.size() && rest[end] == '\n';
      const bool spaced = end > 0 && rest[end - 1] == ' ';
      chunks.push_back({&span, rest.substr(0, end), spaced || hard, hard});
      rest.remove_prefix(hard ? end + 1 : end);
    }
  }
  return chunks;
}

// Word-wraps styled spans from the cursor within `width`, drawing directly, then advances the
// cursor past them (ImGui's own wrapped text takes one style per call). A word split across
// spans ("`recv()`.") is measured whole, so its pieces never land on different lines.
void draw_spans(const std::vector<view::TextSpan>& spans, float width, const TextStyle& base) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float line_height = base.size * 1.35f;
  const auto measure = [](const TextStyle& style, std::string_view text) {
    return style.font->CalcTextSizeA(style.size, FLT_MAX, 0.0f, text.data(), text.data() + text.size()).x;
  };
  const std::vector<Chunk> chunks = chunks_of(spans);
  float x = 0;
  float y = 0;
  for (std::size_t first = 0; first < chunks.size();) {
    std::size_t last = first;  // the word is chunks [first, last]
    while (last + 1 < chunks.size() && !chunks[last].ends_word) ++last;
    float ink = 0;
    for (std::size_t i = first; i <= last; ++i) {
      std::string_view text = chunks[i].text;
      if (i == last) {
        while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      }
      ink += measure(span_style(*chunks[i].span, base), text);
    }
    if (x > 0 && x + ink > width) {
      x = 0;
      y += line_height;
    }
    for (std::size_t i = first; i <= last; ++i) {
      const Chunk& chunk = chunks[i];
      const TextStyle style = span_style(*chunk.span, base);
      const ImVec2 p(start.x + x, start.y + y + (line_height - style.size) / 2);
      std::string_view ink_text = chunk.text;
      while (!ink_text.empty() && ink_text.back() == ' ') ink_text.remove_suffix(1);
      if (chunk.span->style & view::kSpanCode && !ink_text.empty()) {
        draw->AddRectFilled(ImVec2(p.x - 2, p.y - 1), ImVec2(p.x + measure(style, ink_text) + 2, p.y + style.size + 1),
                            colours::kCodeBack, 3.0f);
      }
      draw->AddText(style.font, style.size, p, style.colour, chunk.text.data(), chunk.text.data() + chunk.text.size());
      x += measure(style, chunk.text);
      if (chunk.hard_break) {
        x = 0;
        y += line_height;
      }
    }
    first = last + 1;
  }
  ImGui::Dummy(ImVec2(width, y + line_height));
}

}  // namespace

void NarrationPanel::draw(const std::string& markdown, std::string_view active_anchor, const HiddenAnswer& hidden) {
  if (!parsed_ || markdown != text_) {
    text_ = markdown;
    doc_ = view::parse_markdown(text_);
    replace_missing_glyphs(doc_);
    parsed_ = true;
    anchor_.clear();  // a new text: scroll to its active cue again
  }
  if (doc_.blocks.empty()) {
    ImGui::TextDisabled("This lesson has no narration.");
    return;
  }
  if (active_anchor != anchor_) {
    anchor_ = std::string(active_anchor);
    scroll_pending_ = !anchor_.empty();
  }
  const auto [active_first, active_last] = doc_.anchor_range(anchor_);

  ImGui::BeginChild("##narration", ImVec2(0, 0), false);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->ChannelsSplit(2);  // 0: the active section's tint, drawn under 1: the text
  draw->ChannelsSetCurrent(1);

  const float base_size = ImGui::GetFontSize();
  const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text);
  const float margin = ImGui::GetStyle().ItemSpacing.x;
  float active_top = -1;
  float active_bottom = -1;
  for (std::size_t i = 0; i < doc_.blocks.size(); ++i) {
    const view::MarkdownBlock& block = doc_.blocks[i];
    const bool active = i >= active_first && i < active_last;
    if (active && i == active_first) {
      active_top = ImGui::GetCursorScreenPos().y - 4;
      if (scroll_pending_) {
        ImGui::SetScrollHereY(0.08f);
        scroll_pending_ = false;
      }
    }
    const float left = ImGui::GetCursorPosX();
    const float width = ImGui::GetContentRegionAvail().x - margin;
    if (!block.answer_to.empty() && hidden && hidden(block.answer_to)) {
      // The explanation would give the checkpoint's answer away: one line in its place, for
      // the first of its blocks only.
      if (i == 0 || doc_.blocks[i - 1].answer_to != block.answer_to) {
        ImGui::SetCursorPosX(left + margin);
        draw_spans({{"(The explanation appears here once the real event has given the answer.)",
                     view::kSpanPlain}},
                   width - margin, {ImGui::GetFont(), base_size, kHidden});
        ImGui::Dummy(ImVec2(0, base_size * 0.25f));
        if (active) active_bottom = ImGui::GetCursorScreenPos().y;
      }
      continue;
    }
    switch (block.kind) {
      case view::BlockKind::Heading: {
        if (i > 0) ImGui::Dummy(ImVec2(0, base_size * 0.4f));
        const float ratio = block.level <= 1 ? 1.6f : block.level == 2 ? 1.3f : 1.1f;
        ImFont* big = large_font(ratio * 0.95f);
        TextStyle style{big != nullptr ? big : ImGui::GetFont(), base_size * ratio,
                        block.level <= 1 ? text_colour : kHeading};
        ImGui::SetCursorPosX(left + margin);
        draw_spans(block.spans, width - margin, style);
        break;
      }
      case view::BlockKind::Paragraph:
      case view::BlockKind::Quote:
        ImGui::SetCursorPosX(left + margin);
        draw_spans(block.spans, width - margin, {ImGui::GetFont(), base_size, text_colour});
        break;
      case view::BlockKind::ListItem: {
        const float indent = margin + base_size * 1.3f * static_cast<float>(block.level);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        if (!block.continuation) {
          if (block.ordered) {
            const std::string number = std::to_string(block.number) + ".";
            draw->AddText(ImVec2(p.x + indent - base_size * 1.1f, p.y + base_size * 0.17f), text_colour,
                          number.c_str());
          } else {
            draw->AddCircleFilled(ImVec2(p.x + indent - base_size * 0.6f, p.y + base_size * 0.68f),
                                  base_size * 0.17f, kHeading);
          }
        }
        ImGui::SetCursorPosX(left + indent);
        draw_spans(block.spans, width - indent, {ImGui::GetFont(), base_size, text_colour});
        break;
      }
      case view::BlockKind::Code: {
        ImFont* mono = monospace_font();
        ImGui::PushFont(mono);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float pad = 6;
        const float line = ImGui::GetTextLineHeightWithSpacing();
        const auto lines = static_cast<float>(std::count(block.code.begin(), block.code.end(), '\n') + 1);
        draw->AddRectFilled(ImVec2(p.x + margin, p.y), ImVec2(p.x + width, p.y + lines * line + 2 * pad),
                            IM_COL32(0, 0, 0, 90), 4.0f);
        ImGui::SetCursorScreenPos(ImVec2(p.x + margin + pad * 2, p.y + pad));
        ImGui::PushStyleColor(ImGuiCol_Text, kCode);
        ImGui::TextUnformatted(block.code.c_str());
        ImGui::PopStyleColor();
        ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + lines * line + 2 * pad));
        ImGui::Dummy(ImVec2(0, 0));
        ImGui::PopFont();
        break;
      }
      case view::BlockKind::Rule: {
        ImGui::Separator();
        break;
      }
    }
    ImGui::Dummy(ImVec2(0, base_size * 0.25f));
    if (active) active_bottom = ImGui::GetCursorScreenPos().y;
  }

  if (active_top >= 0 && active_bottom > active_top) {
    draw->ChannelsSetCurrent(0);
    const ImVec2 window = ImGui::GetWindowPos();
    const float right = window.x + ImGui::GetWindowContentRegionMax().x;
    draw->AddRectFilled(ImVec2(window.x + 2, active_top), ImVec2(right, active_bottom), kActiveBack, 4.0f);
    draw->AddRectFilled(ImVec2(window.x + 2, active_top), ImVec2(window.x + 6, active_bottom), kActiveBar, 2.0f);
  }
  draw->ChannelsMerge();
  ImGui::EndChild();
}

}  // namespace wirestep::panels
