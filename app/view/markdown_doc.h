// Lesson narration as a block model (headings, paragraphs, list items, code) parsed by md4c.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wirestep::view {

enum SpanStyle : std::uint8_t {
  kSpanPlain = 0,
  kSpanEmphasis = 1,
  kSpanStrong = 2,
  kSpanCode = 4,
  kSpanLink = 8,
};

struct TextSpan {
  std::string text;
  std::uint8_t style = kSpanPlain;  // SpanStyle bits
  friend bool operator==(const TextSpan&, const TextSpan&) = default;
};

enum class BlockKind : std::uint8_t { Heading, Paragraph, ListItem, Code, Rule, Quote };

struct MarkdownBlock {
  BlockKind kind = BlockKind::Paragraph;
  int level = 0;          // heading level 1..6; list nesting depth 1.. for list items
  bool ordered = false;   // numbered list item
  int number = 0;         // its number
  bool continuation = false;  // a later paragraph of the same list item: indent, no bullet
  std::vector<TextSpan> spans;  // inline text (not for Code)
  std::string code;             // Code: the lines, '\n'-separated
  std::string anchor;           // `<!-- cue:NAME -->` right before this block, else ""
  // `<!-- answer:ID -->` before this block or an earlier one of its cue's section: the block
  // explains checkpoint ID's answer, so a live run hides it until the real event revealed it.
  std::string answer_to;

  std::string plain_text() const;  // spans joined without styling
};

struct MarkdownDoc {
  std::vector<MarkdownBlock> blocks;
  // Cue anchors in document order with the index of the block each one is attached to.
  std::vector<std::pair<std::string, std::size_t>> anchors;

  // Blocks [first, last) governed by an anchor: from its block until the next anchored block.
  // {0, 0} when the document has no such anchor.
  std::pair<std::size_t, std::size_t> anchor_range(std::string_view anchor) const;
};

// Parses CommonMark with md4c. HTML blocks other than cue anchors and answer markers are
// dropped; a cue at the end of the text (no block after it) is kept with index blocks.size().
MarkdownDoc parse_markdown(std::string_view text);

}  // namespace wirestep::view
