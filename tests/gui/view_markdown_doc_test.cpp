// Narration Markdown: md4c's blocks and spans, with cue anchors on the blocks that follow them.
#include "view/markdown_doc.h"

#include <gtest/gtest.h>

#include "lesson/assets.h"

namespace wirestep::view {
namespace {

TEST(MarkdownDoc, HttpIsTextLessonAnchorsAttachToTheHeadingsAfterThem) {
  const std::string text = lesson::read_narration("http-is-text.md");
  ASSERT_FALSE(text.empty()) << "assets/lessons/http-is-text.md not found";
  const MarkdownDoc doc = parse_markdown(text);

  const std::vector<std::string> expected = {"server-listens", "connect",       "request",
                                             "blank-line",     "response",      "read-response",
                                             "done"};
  ASSERT_EQ(doc.anchors.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(doc.anchors[i].first, expected[i]);
    const MarkdownBlock& block = doc.blocks.at(doc.anchors[i].second);
    EXPECT_EQ(block.kind, BlockKind::Heading) << expected[i];
    EXPECT_EQ(block.level, 2);
    EXPECT_EQ(block.anchor, expected[i]);
  }
  EXPECT_EQ(doc.blocks.at(doc.anchors[3].second).plain_text(), "The blank line");

  // The "request" section: heading, paragraph, code block, three list items.
  const auto [first, last] = doc.anchor_range("request");
  ASSERT_EQ(last - first, 6u);
  EXPECT_EQ(doc.blocks[first + 1].kind, BlockKind::Paragraph);
  EXPECT_EQ(doc.blocks[first + 2].kind, BlockKind::Code);
  EXPECT_EQ(doc.blocks[first + 2].code.substr(0, 18), "GET / HTTP/1.1\\r\\n");
  EXPECT_EQ(doc.blocks[first + 3].kind, BlockKind::ListItem);
  EXPECT_EQ(doc.blocks[first + 3].level, 1);
  EXPECT_EQ(last, doc.anchors[3].second);

  // The title comes before any cue and belongs to none.
  EXPECT_EQ(doc.blocks[0].kind, BlockKind::Heading);
  EXPECT_EQ(doc.blocks[0].level, 1);
  EXPECT_TRUE(doc.blocks[0].anchor.empty());
  EXPECT_EQ(doc.anchor_range("no-such-cue"), (std::pair<std::size_t, std::size_t>{0, 0}));
}

// An answer marker hides the rest of its section, not the next one; two comments in one HTML
// block (a cue and a marker on consecutive lines) both count.
TEST(MarkdownDoc, AnswerMarkersCoverTheRestOfTheirSection) {
  const MarkdownDoc doc = parse_markdown(
      "<!-- cue:one -->\n## One\n\nPredict first: how many?\n\n<!-- answer:q1 -->\n\n"
      "It was six.\n\n- because\n\n<!-- cue:two -->\n<!-- answer:q2 -->\n## Two\n\nAnswer two.\n\n"
      "<!-- cue:three -->\n## Three\n\nNothing hidden.\n");
  std::vector<std::pair<std::string, std::string>> seen;  // block text, answer_to
  for (const auto& block : doc.blocks) seen.emplace_back(block.plain_text(), block.answer_to);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"One", ""},           {"Predict first: how many?", ""}, {"It was six.", "q1"}, {"because", "q1"},
      {"Two", "q2"},         {"Answer two.", "q2"},            {"Three", ""},         {"Nothing hidden.", ""}};
  EXPECT_EQ(seen, expected);
  ASSERT_EQ(doc.anchors.size(), 3u);
  EXPECT_EQ(doc.anchors[1].first, "two");
}

TEST(MarkdownDoc, InlineSpansKeepTheirStyle) {
  const MarkdownDoc doc = parse_markdown("A **TCP connection** and `recv()` and *why*.\n");
  ASSERT_EQ(doc.blocks.size(), 1u);
  const auto& spans = doc.blocks[0].spans;
  ASSERT_EQ(spans.size(), 7u);
  EXPECT_EQ(spans[1], (TextSpan{"TCP connection", kSpanStrong}));
  EXPECT_EQ(spans[3], (TextSpan{"recv()", kSpanCode}));
  EXPECT_EQ(spans[5], (TextSpan{"why", kSpanEmphasis}));
  EXPECT_EQ(doc.blocks[0].plain_text(), "A TCP connection and recv() and why.");
}

TEST(MarkdownDoc, NestedListsAndSoftBreaks) {
  const MarkdownDoc doc = parse_markdown(
      "- one\n  still one\n  - inner\n- two\n\n1. first\n2. second\n\n<!-- cue:end -->\n");
  ASSERT_EQ(doc.blocks.size(), 5u);
  EXPECT_EQ(doc.blocks[0].plain_text(), "one still one");
  EXPECT_EQ(doc.blocks[0].level, 1);
  EXPECT_EQ(doc.blocks[1].plain_text(), "inner");
  EXPECT_EQ(doc.blocks[1].level, 2);
  EXPECT_EQ(doc.blocks[2].plain_text(), "two");
  EXPECT_TRUE(doc.blocks[3].ordered);
  EXPECT_EQ(doc.blocks[4].number, 2);
  // A trailing cue has no block after it: it points past the end.
  ASSERT_EQ(doc.anchors.size(), 1u);
  EXPECT_EQ(doc.anchors[0].second, doc.blocks.size());
}

}  // namespace
}  // namespace wirestep::view
