// Log console: spdlog messages from every module, with a level filter.
#pragma once

#include <string>
#include <string_view>

#include "trace/trace.h"
#include "view/selection.h"

namespace wirestep::panels {

class LogConsolePanel {
 public:
  void draw();
  // Routes every spdlog logger (and the default one) into the console; call once at start.
  static void install_sink();
};

}  // namespace wirestep::panels
