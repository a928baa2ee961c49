// Ladder SVG export: one lane line per column, one arrow per drawn arrow, text escaped, tags balanced.
#include "view/ladder_svg.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/ladder_trace.h"

namespace wirestep::view {
namespace {

using trace::Call;
using trace::Event;
using trace::EventKind;

void call(trace::Trace& t, std::string_view lane, Call c, std::int64_t t_ns, std::int64_t result, std::uint64_t offset,
          std::string payload = {}) {
  testing::CallFields fields;
  fields.result = result;
  fields.offset = offset;
  fields.payload = std::move(payload);
  fields.fill_sends = false;  // these tests give every payload they want
  testing::append_call(t, lane, c, t_ns, std::move(fields));
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

std::size_t count_kind(const DrawList& list, PrimKind kind) {
  std::size_t n = 0;
  for (const Prim& p : list.prims) n += p.kind == kind;
  return n;
}

// A minimal well-formedness check: every element closes in order and no raw '<' or '&' sits in text.
bool balanced(const std::string& svg) {
  std::vector<std::string> open;
  std::size_t pos = svg.find("<svg");
  while (pos < svg.size()) {
    const auto lt = svg.find('<', pos);
    if (lt == std::string::npos) break;
    const std::string between = svg.substr(pos, lt - pos);
    if (between.find('>') != std::string::npos) return false;
    for (std::size_t amp = between.find('&'); amp != std::string::npos; amp = between.find('&', amp + 1)) {
      if (!std::regex_search(between.substr(amp), std::regex("^&(amp|lt|gt|quot|apos);"))) return false;
    }
    const auto gt = svg.find('>', lt);
    if (gt == std::string::npos) return false;
    const std::string tag = svg.substr(lt + 1, gt - lt - 1);
    if (tag.find('<') != std::string::npos) return false;
    if (tag.starts_with("/")) {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
    } else if (!tag.ends_with("/")) {
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    pos = gt + 1;
  }
  return open.empty();
}

TEST(LadderSvgTest, ExportsLanesArrowsAndEscapedText) {
  trace::Trace t;
  const std::string request = "GET /?a=1&b=<2> HTTP/1.1\r\n\r\n";
  call(t, "client", Call::Connect, 100, 0, 0);
  call(t, "server", Call::Accept, 200, 6, 0);
  call(t, "client", Call::Send, 1000, static_cast<std::int64_t>(request.size()), 0, request);
  call(t, "server", Call::Recv, 2000, static_cast<std::int64_t>(request.size()), 0, request);
  TimelineIndex index;
  index.update(t);
  FrameInput input;
  input.viewport = Viewport{0, 0, 1000, 600, 16, 8};
  input.view.fit(0, 2500, 600, 1000);
  DrawList list;
  build_frame(t, index, input, list);
  ASSERT_EQ(count_kind(list, PrimKind::Arrow), 1u);

  const std::string svg = ladder_svg(list, input.viewport, SvgColours{});
  EXPECT_TRUE(balanced(svg)) << svg;
  EXPECT_EQ(count(svg, "class=\"lane\""), index.columns().size());
  EXPECT_EQ(count(svg, "class=\"arrow\""), 1u);
  EXPECT_EQ(count(svg, "class=\"handshake\""), 3 * count_kind(list, PrimKind::Handshake));
  EXPECT_NE(svg.find(">client<"), std::string::npos);
  EXPECT_NE(svg.find(">server<"), std::string::npos);
  // The request's preview on the arrow keeps its characters, escaped.
  EXPECT_NE(svg.find("&amp;b=&lt;2&gt;"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("b=<2>"), std::string::npos);
}

// Real packets (a captured or virtual-wire trace) export too: a delivered segment with a head, a
// dropped one as a red cross at the wire, the dotted link to its retransmission.
TEST(LadderSvgTest, ExportsPacketArrowsDropsAndRetransmissionLinks) {
  DrawList list;
  const auto add = [&](PrimKind kind, std::uint16_t marks, float x1, std::string_view caption) {
    Prim p;
    p.kind = kind;
    p.packet = marks;
    p.x0 = 100;
    p.y0 = 50;
    p.x1 = x1;
    p.y1 = 80;
    p.flags = caption.empty() ? 0 : kPrimLabel;
    p.text_begin = static_cast<std::uint32_t>(list.text.size());
    p.text_size = static_cast<std::uint32_t>(caption.size());
    list.text += caption;
    list.prims.push_back(p);
  };
  add(PrimKind::PacketArrow, 0, 400, "ACK 1:7 (6 B)");
  add(PrimKind::PacketArrow, kPacketDropped, 250, "ACK 7:12 (5 B)");
  add(PrimKind::PacketLink, 0, 100, "");
  add(PrimKind::PacketArrow, kPacketRetransmission, 400, "ACK 7:12 (5 B) again");
  SvgColours colours;
  colours.error = 0xFF0000FF;  // red: IM_COL32 order, low byte first
  colours.retransmission = 0xFF00FF00;
  const std::string svg = ladder_svg(list, Viewport{0, 0, 600, 200, 16, 8}, colours);
  EXPECT_TRUE(balanced(svg)) << svg;
  EXPECT_EQ(count(svg, "class=\"packet\""), 3u);
  EXPECT_EQ(count(svg, "class=\"drop\""), 2u);  // the cross's two strokes
  EXPECT_EQ(count(svg, "class=\"packet-link\""), 1u);
  EXPECT_EQ(count(svg, "<polygon"), 2u);  // heads on the delivered and the retransmitted one only
  EXPECT_NE(svg.find("stroke=\"#ff0000\" stroke-width=\"2.7\" class=\"packet\""), std::string::npos) << svg;
  EXPECT_NE(svg.find(">ACK 7:12 (5 B) again<"), std::string::npos);
  EXPECT_EQ(count(svg, "#00ff00"), 4u) << svg;  // link, retransmission line, its head, its caption
}

TEST(LadderSvgTest, UnknownKindsAreSkipped) {
  DrawList list;
  Prim unknown;
  unknown.kind = static_cast<PrimKind>(200);
  list.prims.push_back(unknown);
  const std::string svg = ladder_svg(list, Viewport{}, SvgColours{});
  EXPECT_TRUE(balanced(svg));
  EXPECT_EQ(count(svg, "<line"), 0u);
}

TEST(LadderSvgTest, EscapesMarkupAndControlCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");
}

TEST(LadderSvgTest, UnwritablePathGivesAMessage) {
  std::string error;
  EXPECT_FALSE(write_ladder_svg("/nonexistent-dir/ladder.svg", DrawList{}, Viewport{}, SvgColours{}, error));
  EXPECT_NE(error.find("/nonexistent-dir/ladder.svg"), std::string::npos);
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

}  // namespace
}  // namespace wirestep::view
