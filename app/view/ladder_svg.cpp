// Writes the timeline's primitives as SVG shapes, mirroring what the timeline panel paints.
#include "view/ladder_svg.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace wirestep::view {
namespace {

// SVG wants #rrggbb plus a separate opacity; IM_COL32 keeps red in the low byte.
std::string paint(std::string_view attr, std::uint32_t c) {
  const unsigned r = c & 0xFF, g = (c >> 8) & 0xFF, b = (c >> 16) & 0xFF, a = (c >> 24) & 0xFF;
  std::string out = fmt::format(" {}=\"#{:02x}{:02x}{:02x}\"", attr, r, g, b);
  if (a != 0xFF) out += fmt::format(" {}-opacity=\"{:.3g}\"", attr, a / 255.0);
  return out;
}

// Text width is estimated from the viewport's character width: the SVG names a generic
// monospace family, so the estimate holds for whatever font the slide viewer picks.
float text_width(const Viewport& vp, std::string_view text) {
  std::size_t glyphs = 0;
  for (const char ch : text) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++glyphs;  // count UTF-8 lead bytes only
  }
  return static_cast<float>(glyphs) * vp.char_width;
}

class SvgWriter {
 public:
  SvgWriter(const Viewport& vp, const SvgColours& c) : vp_(vp), c_(c) {}

  void line(float x0, float y0, float x1, float y1, std::uint32_t colour, float width, std::string_view extra = {}) {
    out_ += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"{} stroke-width=\"{:.2g}\"{}/>\n",
                        x0, y0, x1, y1, paint("stroke", colour), width, extra);
  }
  void rect(float x0, float y0, float x1, float y1, std::uint32_t fill, float radius, std::uint32_t stroke = 0) {
    out_ += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" rx=\"{:.1f}\"{}", x0, y0,
                        x1 - x0, y1 - y0, radius, paint("fill", fill));
    if (stroke != 0) out_ += paint("stroke", stroke) + fmt::format(" stroke-width=\"{:.2g}\"", c_.line_width);
    out_ += "/>\n";
  }
  // x, y is the text's left end at its vertical middle.
  void text(float x, float y, std::string_view words, std::uint32_t colour, std::string_view anchor = "start") {
    out_ += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\" dominant-baseline=\"central\"{}>{}</text>\n",
                        x, y, anchor, paint("fill", colour), xml_escape(words));
  }
  void arrow_head(float x0, float y0, float x1, float y1, std::uint32_t colour, float size) {
    const float dx = x1 - x0, dy = y1 - y0;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len < 1e-3f) return;
    const float ux = dx / len, uy = dy / len;
    const float bx = x1 - ux * size, by = y1 - uy * size;
    out_ += fmt::format("<polygon points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\"{}/>\n", x1, y1,
                        bx - uy * size * 0.5f, by + ux * size * 0.5f, bx + uy * size * 0.5f, by - ux * size * 0.5f,
                        paint("fill", colour));
  }
  void plate_text(float cx, float cy, std::string_view words, std::uint32_t colour) {
    const float w = text_width(vp_, words);
    rect(cx - w / 2 - 3, cy - vp_.line_height / 2, cx + w / 2 + 3, cy + vp_.line_height / 2, c_.label_bg, 3);
    text(cx, cy, words, colour, "middle");
  }
  void raw(std::string_view s) { out_ += s; }
  std::string take() { return std::move(out_); }

 private:
  const Viewport& vp_;
  const SvgColours& c_;
  std::string out_;
};

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped; a payload preview may hold them.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string ladder_svg(const DrawList& list, const Viewport& vp, const SvgColours& c) {
  SvgWriter w(vp, c);
  const float lw = c.line_width;
  const float lh = vp.line_height;
  const float top = vp.plot_top();
  const float axis_right = vp.x + vp.axis_width();
  // The viewBox is the timeline's own screen rectangle, so coordinates pass through unchanged.
  w.raw(fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                    "viewBox=\"{2:.1f} {3:.1f} {0:.1f} {1:.1f}\" font-family=\"monospace\" font-size=\"{4:.1f}\">\n",
                    vp.width, vp.height, vp.x, vp.y, lh * 0.8f));
  w.rect(vp.x, vp.y, vp.x + vp.width, vp.y + vp.height, c.canvas, 0);
  w.raw(fmt::format("<clipPath id=\"plot\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/></clipPath>\n",
                    vp.x, vp.y, vp.width, vp.height));
  w.raw("<g clip-path=\"url(#plot)\">\n");
  for (const Prim& p : list.prims) {
    const std::string_view text = list.text_of(p);
    switch (p.kind) {
      case PrimKind::LaneLine:
        w.line(p.x0, top, p.x0, p.y1, c.lane_line, lw, " class=\"lane\"");
        w.text(p.x0, vp.y + vp.header_height() / 2, text, c.lane_header_text, "middle");
        break;
      case PrimKind::AxisTick:
        w.line(axis_right, p.y0, vp.x + vp.width, p.y0, c.grid, 1);
        w.text(axis_right - vp.char_width, p.y0, text, c.axis_text, "end");
        break;
      case PrimKind::AxisPause:
        w.line(axis_right - vp.char_width * 0.6f, p.y0 + 3, axis_right + vp.char_width * 0.6f, p.y0 - 3, c.axis_text, 1);
        w.text(axis_right - vp.char_width, p.y0, text, c.fold, "end");
        break;
      case PrimKind::CueMark: {
        const float s = lh * 0.35f;
        w.line(axis_right, p.y0, vp.x + vp.width, p.y0, (c.cue & 0x00FFFFFF) | 0x50000000, 1, " stroke-dasharray=\"4 6\"");
        w.raw(fmt::format("<polygon points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\"{}/>\n", p.x0 - s, p.y0 - s,
                          p.x0 + s, p.y0, p.x0 - s, p.y0 + s, paint("fill", c.cue)));
        if (p.flags & kPrimLabel) w.text(axis_right + vp.char_width, p.y0 - lh / 2 - 1, "§ " + std::string(text), c.cue);
        break;
      }
      case PrimKind::NowLine:
        w.line(p.x0, p.y0, p.x1, p.y0, c.now_line, (p.flags & kPrimReplay) ? 2 : 1);
        break;
      case PrimKind::BlockBar: {
        const float half = std::max(4.0f, lw * 3);
        w.rect(p.x0 - half, p.y0, p.x0 + half, p.y1, c.blocked, 2);
        break;
      }
      case PrimKind::Handshake: {
        const auto pts = handshake_points(p);
        for (int leg = 0; leg < 3; ++leg) {
          w.line(pts[leg * 2], pts[leg * 2 + 1], pts[leg * 2 + 2], pts[leg * 2 + 3], c.handshake, lw,
                 " class=\"handshake\" stroke-dasharray=\"6 4\"");
          w.arrow_head(pts[leg * 2], pts[leg * 2 + 1], pts[leg * 2 + 2], pts[leg * 2 + 3], c.handshake, 7 + lw * 2);
        }
        if (p.flags & kPrimLabel) w.plate_text((p.x0 + p.x1) / 2, (pts[3] + pts[5]) / 2, text, c.handshake);
        break;
      }
      case PrimKind::Arrow: {
        const std::uint32_t colour = p.x1 >= p.x0 ? c.arrow : c.arrow_back;
        w.line(p.x0, p.y0, p.x1, p.y1, colour, lw * 1.3f, " class=\"arrow\"");
        w.arrow_head(p.x0, p.y0, p.x1, p.y1, colour, 9 + lw * 2);
        if (p.flags & kPrimLabel) {
          const float t = p.label_t;
          w.plate_text(p.x0 + (p.x1 - p.x0) * t, p.y0 + (p.y1 - p.y0) * t - lh * 0.7f, text, c.arrow_text);
        }
        break;
      }
      case PrimKind::PacketLink:
        w.line(p.x0, p.y0, p.x1, p.y1, c.retransmission, lw, " class=\"packet-link\" stroke-dasharray=\"2 4\"");
        break;
      case PrimKind::PacketArrow: {
        std::uint32_t colour = p.x1 >= p.x0 ? c.arrow : c.arrow_back;
        switch (packet_tone(p.packet)) {
          case PacketTone::Retransmission: colour = c.retransmission; break;
          case PacketTone::Held: colour = c.pending; break;
          case PacketTone::Error: colour = c.error; break;
          case PacketTone::Plain: break;
        }
        const float width = p.count > 1 ? lw * 4.5f : lw * 1.8f;
        // A held packet is dashed up to the wire, as on screen; a fold is one broad translucent band.
        const std::string_view extra = (p.packet & kPacketHeld) && p.count == 1
                                           ? " class=\"packet\" stroke-dasharray=\"7 4\""
                                           : " class=\"packet\"";
        w.line(p.x0, p.y0, p.x1, p.y1, p.count > 1 ? ((colour & 0x00FFFFFF) | 0x90000000) : colour, width, extra);
        if (p.packet & kPacketDropped) {
          const float s = lh * 0.5f;
          w.line(p.x1 - s, p.y1 - s, p.x1 + s, p.y1 + s, c.error, lw * 2.2f, " class=\"drop\"");
          w.line(p.x1 - s, p.y1 + s, p.x1 + s, p.y1 - s, c.error, lw * 2.2f, " class=\"drop\"");
        } else if (!(p.packet & kPacketHeld)) {
          w.arrow_head(p.x0, p.y0, p.x1, p.y1, colour, 9 + lw * 2);
        }
        if (p.flags & kPrimLabel) {
          const float t = p.label_t;
          w.plate_text(p.x0 + (p.x1 - p.x0) * t, p.y0 + (p.y1 - p.y0) * t - lh * 0.7f, text,
                       packet_caption_tinted(p.packet) ? colour : c.arrow_text);
        }
        break;
      }
      case PrimKind::Fold: {
        const float y1 = std::max(p.y1, p.y0 + 6);
        w.rect(p.x0 - 5, p.y0, p.x0 + 5, y1, c.fold, 5);
        if (p.flags & kPrimLabel) w.text(p.x0 + 9, (p.y0 + y1) / 2, fmt::format("×{}", p.count), c.fold);
        break;
      }
      case PrimKind::CallMark:
        if (p.flags & kPrimLabel) {
          const float half = text_width(vp, text) / 2 + 7;
          w.rect(p.x0 - half, p.y0 - lh / 2 - 3, p.x0 + half, p.y0 + lh / 2 + 3, c.call_bg, 5,
                 (p.flags & kPrimError) ? c.error : c.call_border);
          w.text(p.x0, p.y0, text, (p.flags & kPrimError) ? c.error : c.call_text, "middle");
        } else {
          w.rect(p.x0 - 4, p.y0 - 4, p.x0 + 4, p.y0 + 4, (p.flags & kPrimError) ? c.error : c.call_border, 4);
        }
        break;
      case PrimKind::StateLabel:
        if (p.flags & kPrimLabel) {
          const float width = text_width(vp, text) + 10;
          w.rect(p.x0, p.y0 - lh / 2 - 1, p.x0 + width, p.y0 + lh / 2 + 1, c.state_bg, lh / 2);
          w.text(p.x0 + 5, p.y0, text, c.state_text);
        }
        break;
      case PrimKind::Pending: {
        const float half = text_width(vp, text) / 2 + 7;
        w.raw(fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" rx=\"5\"{}{} "
                          "stroke-dasharray=\"5 4\"/>\n",
                          p.x0 - half, p.y0 - lh / 2 - 3, half * 2, lh + 6, paint("fill", c.call_bg),
                          paint("stroke", c.pending)));
        w.text(p.x0, p.y0, text, c.pending, "middle");
        break;
      }
      default:
        break;  // a kind added after this file: not exported rather than guessed at
    }
  }
  w.raw("</g>\n</svg>\n");
  return w.take();
}

bool write_ladder_svg(const std::filesystem::path& path, const DrawList& list, const Viewport& viewport,
                      const SvgColours& colours, std::string& error) {
  const std::string svg = ladder_svg(list, viewport, colours);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = fmt::format("cannot write {}: {}", path.string(), std::strerror(errno));
    return false;
  }
  out.write(svg.data(), static_cast<std::streamsize>(svg.size()));
  out.close();
  if (!out) {
    error = fmt::format("cannot write {}: {}", path.string(), std::strerror(errno));
    return false;
  }
  return true;
}

bool export_trace_ladder_svg(const trace::Trace& trace, const std::filesystem::path& path, float width, float height,
                             const SvgColours& colours, std::string& error, Spacing spacing) {
  TimelineIndex index;
  index.update(trace);
  FrameInput input;
  input.viewport = Viewport{0, 0, width, height, 16, 8};
  input.view.spacing = spacing;
  const Axis axis(index.rows(), spacing);
  const std::size_t n = trace.size();
  const std::int64_t t_end = n == 0 ? 1 : std::max<std::int64_t>(trace[n - 1].t_ns, 1);
  if (spacing == Spacing::Sequence) {
    // One row per event reads only at full row height: the page grows instead (up to a limit).
    constexpr float kMaxHeight = 30000;
    const float rows_height = static_cast<float>(index.rows().size() + 1) * input.viewport.row_height() /
                              static_cast<float>(TimelineView::kFitShare);
    input.viewport.height = std::clamp(rows_height + input.viewport.header_height(), height, kMaxHeight);
  }
  const float plot_height = input.viewport.height - input.viewport.header_height();
  input.view.fit(axis.at_time(0), axis.at_time(t_end, n == 0 ? kNoEvent : n - 1) + (spacing == Spacing::Sequence ? 0.5 : 0),
                 plot_height, axis.fit_span(plot_height, input.viewport.row_height()));
  DrawList list;
  build_frame(trace, index, input, list);
  return write_ladder_svg(path, list, input.viewport, colours, error);
}

}  // namespace wirestep::view
