// Exporting the ladder diagram for slides: the theme's palette as SVG colours, and `wirestep view FILE --svg OUT`.
#pragma once

#include <iostream>
#include <string>

#include "gui/theme.h"
#include "view/ladder_svg.h"

namespace wirestep::gui {

view::SvgColours svg_colours(const Palette& palette);

// Loads a trace or capture file and writes its whole ladder as SVG in the light theme (slides are
// usually light). Exit code: 0 written; 1 with the reason on err when the file cannot be read
// or the SVG cannot be written.
int export_ladder_command(const std::string& file, const std::string& svg_path,
                          view::Spacing spacing = view::Spacing::Time, std::ostream& out = std::cout,
                          std::ostream& err = std::cerr);

}  // namespace wirestep::gui
