// Narration Markdown -> blocks through md4c's callbacks (md4c does the parsing; this only collects).
#include "view/markdown_doc.h"

#include <utility>

#include <md4c.h>

namespace wirestep::view {
namespace {

struct ListContext {
  bool ordered = false;
  int next_number = 1;
};

class Builder {
 public:
  MarkdownDoc doc;

  int enter_block(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_UL:
        lists_.push_back({false, 1});
        break;
      case MD_BLOCK_OL:
        lists_.push_back({true, static_cast<int>(static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start)});
        break;
      case MD_BLOCK_LI: {
        MarkdownBlock& block = open(BlockKind::ListItem);
        block.level = static_cast<int>(lists_.size());
        if (!lists_.empty()) {
          block.ordered = lists_.back().ordered;
          block.number = lists_.back().next_number++;
        }
        item_has_text_ = false;
        break;
      }
      case MD_BLOCK_H:
        open(BlockKind::Heading).level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
        break;
      case MD_BLOCK_P:
        // A loose list item wraps its text in <p>: the first one is the item itself.
        if (current_ >= 0 && doc.blocks[current_].kind == BlockKind::ListItem && !item_has_text_) break;
        if (!lists_.empty()) {
          MarkdownBlock& block = open(BlockKind::ListItem);
          block.level = static_cast<int>(lists_.size());
          block.continuation = true;
        } else {
          open(quote_depth_ > 0 ? BlockKind::Quote : BlockKind::Paragraph);
        }
        break;
      case MD_BLOCK_CODE:
        open(BlockKind::Code);
        break;
      case MD_BLOCK_HR:
        open(BlockKind::Rule);
        break;
      case MD_BLOCK_HTML:
        in_html_ = true;
        html_.clear();
        break;
      case MD_BLOCK_QUOTE:
        ++quote_depth_;
        break;
      default:
        break;  // tables and the document itself add no block of their own
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type) {
    switch (type) {
      case MD_BLOCK_UL:
      case MD_BLOCK_OL:
        if (!lists_.empty()) lists_.pop_back();
        current_ = -1;
        break;
      case MD_BLOCK_HTML:
        in_html_ = false;
        take_cue();
        break;
      case MD_BLOCK_QUOTE:
        --quote_depth_;
        break;
      case MD_BLOCK_CODE:
        if (current_ >= 0 && !doc.blocks[current_].code.empty() && doc.blocks[current_].code.back() == '\n') {
          doc.blocks[current_].code.pop_back();
        }
        current_ = -1;
        break;
      case MD_BLOCK_LI:
      case MD_BLOCK_H:
      case MD_BLOCK_P:
      case MD_BLOCK_HR:
        current_ = -1;
        break;
      default:
        break;
    }
    return 0;
  }

  int enter_span(MD_SPANTYPE type) {
    style_ |= bit(type);
    return 0;
  }
  int leave_span(MD_SPANTYPE type) {
    style_ &= static_cast<std::uint8_t>(~bit(type));
    return 0;
  }

  int text(MD_TEXTTYPE type, std::string_view text) {
    if (in_html_) {
      if (type == MD_TEXT_HTML) html_.append(text);
      return 0;
    }
    if (current_ < 0) {
      // Text after a nested list closes its item (" - a\n   - b\n   more"): continue the item.
      if (lists_.empty()) return 0;
      MarkdownBlock& block = open(BlockKind::ListItem);
      block.level = static_cast<int>(lists_.size());
      block.continuation = true;
    }
    MarkdownBlock& block = doc.blocks[current_];
    if (block.kind == BlockKind::Code) {
      block.code.append(text);
      return 0;
    }
    switch (type) {
      case MD_TEXT_SOFTBR: append(block, " "); break;
      case MD_TEXT_BR: append(block, "\n"); break;
      case MD_TEXT_NULLCHAR: append(block, "\xEF\xBF\xBD"); break;
      case MD_TEXT_ENTITY: append(block, decode_entity(text)); break;
      case MD_TEXT_HTML: break;  // inline HTML is not narration
      default: append(block, text); break;
    }
    item_has_text_ = true;
    return 0;
  }

  void finish() {
    // A cue with no block after it still marks a place: the end of the document.
    if (!pending_anchor_.empty()) doc.anchors.emplace_back(pending_anchor_, doc.blocks.size());
  }

 private:
  static std::uint8_t bit(MD_SPANTYPE type) {
    switch (type) {
      case MD_SPAN_EM: return kSpanEmphasis;
      case MD_SPAN_STRONG: return kSpanStrong;
      case MD_SPAN_CODE: return kSpanCode;
      case MD_SPAN_A: return kSpanLink;
      default: return kSpanPlain;
    }
  }

  static std::string decode_entity(std::string_view entity) {
    if (entity == "&amp;") return "&";
    if (entity == "&lt;") return "<";
    if (entity == "&gt;") return ">";
    if (entity == "&quot;") return "\"";
    if (entity == "&nbsp;") return "\xC2\xA0";
    return std::string(entity);  // shown as written rather than guessed
  }

  MarkdownBlock& open(BlockKind kind) {
    doc.blocks.push_back({});
    MarkdownBlock& block = doc.blocks.back();
    block.kind = kind;
    // An answer marker lasts until the next cue: the rest of its section is the explanation.
    if (!pending_anchor_.empty()) answer_.clear();
    if (!pending_answer_.empty()) answer_ = std::exchange(pending_answer_, std::string());
    block.answer_to = answer_;
    if (!pending_anchor_.empty()) {
      block.anchor = pending_anchor_;
      doc.anchors.emplace_back(pending_anchor_, doc.blocks.size() - 1);
      pending_anchor_.clear();
    }
    current_ = static_cast<int>(doc.blocks.size()) - 1;
    return block;
  }

  void append(MarkdownBlock& block, std::string_view text) {
    if (!block.spans.empty() && block.spans.back().style == style_) {
      block.spans.back().text.append(text);
    } else {
      block.spans.push_back({std::string(text), style_});
    }
  }

  // "<!-- cue:NAME -->" (spaces optional) sets the anchor for the next block, and
  // "<!-- answer:ID -->" the checkpoint the blocks from there on explain. One HTML block may
  // hold several comments (one per line).
  void take_cue() {
    std::string_view html = html_;
    for (auto start = html.find("<!--"); start != std::string_view::npos; start = html.find("<!--", start + 4)) {
      const auto end = html.find("-->", start);
      if (end == std::string_view::npos) return;
      std::string_view body = html.substr(start + 4, end - start - 4);
      while (!body.empty() && (body.front() == ' ' || body.front() == '\n')) body.remove_prefix(1);
      while (!body.empty() && (body.back() == ' ' || body.back() == '\n')) body.remove_suffix(1);
      if (body.starts_with("cue:")) {
        if (const auto name = trimmed(body.substr(4)); !name.empty()) pending_anchor_ = std::string(name);
      } else if (body.starts_with("answer:")) {
        if (const auto id = trimmed(body.substr(7)); !id.empty()) pending_answer_ = std::string(id);
      }
    }
  }

  static std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return text;
  }

  std::vector<ListContext> lists_;
  int current_ = -1;
  bool item_has_text_ = false;
  int quote_depth_ = 0;
  bool in_html_ = false;
  std::string html_;
  std::string pending_anchor_;
  std::string pending_answer_;
  std::string answer_;  // the checkpoint the current section's blocks explain, from its marker on
  std::uint8_t style_ = kSpanPlain;
};

Builder& self(void* userdata) { return *static_cast<Builder*>(userdata); }

}  // namespace

std::string MarkdownBlock::plain_text() const {
  if (kind == BlockKind::Code) return code;
  std::string out;
  for (const TextSpan& span : spans) out += span.text;
  return out;
}

std::pair<std::size_t, std::size_t> MarkdownDoc::anchor_range(std::string_view anchor) const {
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    if (anchors[i].first != anchor) continue;
    const std::size_t first = anchors[i].second;
    std::size_t last = blocks.size();
    for (std::size_t j = i + 1; j < anchors.size(); ++j) {
      if (anchors[j].second > first) {
        last = anchors[j].second;
        break;
      }
    }
    return {first, last};
  }
  return {0, 0};
}

MarkdownDoc parse_markdown(std::string_view text) {
  Builder builder;
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS;
  parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* user) {
    return self(user).enter_block(type, detail);
  };
  parser.leave_block = [](MD_BLOCKTYPE type, void*, void* user) { return self(user).leave_block(type); };
  parser.enter_span = [](MD_SPANTYPE type, void*, void* user) { return self(user).enter_span(type); };
  parser.leave_span = [](MD_SPANTYPE type, void*, void* user) { return self(user).leave_span(type); };
  parser.text = [](MD_TEXTTYPE type, const MD_CHAR* data, MD_SIZE size, void* user) {
    return self(user).text(type, std::string_view(data, size));
  };
  md_parse(text.data(), static_cast<MD_SIZE>(text.size()), &parser, &builder);
  builder.finish();
  return std::move(builder.doc);
}

}  // namespace wirestep::view
