// ladder_export: palette conversion and the headless SVG export of a saved trace.
#include "gui/ladder_export.h"

#include "capture/trace_file.h"
#include "cli/exit_code.h"

namespace wirestep::gui {

view::SvgColours svg_colours(const Palette& p) {
  view::SvgColours c;
  c.canvas = p.canvas;
  c.grid = p.grid;
  c.axis_text = p.axis_text;
  c.lane_line = p.lane_line;
  c.lane_header_text = p.lane_header_text;
  c.call_bg = p.call_bg;
  c.call_border = p.call_connect;
  c.call_text = p.call_text;
  c.error = p.error;
  c.arrow = p.arrow;
  c.arrow_back = p.arrow_back;
  c.arrow_text = p.arrow_text;
  c.label_bg = p.label_bg;
  c.handshake = p.handshake;
  c.state_bg = p.state_bg;
  c.state_text = p.state_text;
  c.cue = p.cue;
  c.blocked = p.blocked;
  c.fold = p.fold;
  c.pending = p.pending;
  c.now_line = p.now_line;
  c.retransmission = p.retransmission;
  c.line_width = p.line_width;
  return c;
}

int export_ladder_command(const std::string& file, const std::string& svg_path, view::Spacing spacing,
                          std::ostream& out, std::ostream& err) {
  const capture::LoadedTrace loaded = capture::load_trace_file_any(file);
  if (loaded.trace == nullptr) {
    err << "wirestep: cannot read " << file << ": " << loaded.error << "\n";
    return cli::kExitFailure;
  }
  std::string error;
  if (!view::export_trace_ladder_svg(*loaded.trace, svg_path, 1200, 900, svg_colours(theme_palette(ThemeKind::Light)),
                                     error, spacing)) {
    err << "wirestep: " << error << "\n";
    return cli::kExitFailure;
  }
  if (!loaded.error.empty()) err << "wirestep: " << file << " is damaged; exported what was read: " << loaded.error << "\n";
  out << "wrote " << svg_path << "\n";
  return cli::kExitOk;
}

}  // namespace wirestep::gui
