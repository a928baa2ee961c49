// gui_main: placeholder until the window shell is written.
#include "gui/gui_main.h"

#include <iostream>

namespace wirestep::gui {

int gui_main(const lesson::Catalog&, const GuiOptions&) {
  std::cerr << "wirestep: the GUI is not built yet; use `wirestep run LESSON`\n";
  return 1;
}

}  // namespace wirestep::gui
