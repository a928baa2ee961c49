// Log console: spdlog messages from every module, with a level filter.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"
#include "view/log_buffer.h"
#include "view/selection.h"

namespace wirestep::panels {

class LogConsolePanel {
 public:
  void draw();
  // Routes every spdlog logger (and the default one) into the console; call once at start.
  static void install_sink();

 private:
  void refilter();

  std::deque<view::LogLine> lines_;  // this panel's copy, fetched incrementally from the buffer
  std::uint64_t newest_ = 0;
  std::vector<std::size_t> shown_;   // indexes into lines_ that pass the filters
  int min_level_ = 0;                // spdlog::level::trace
  ImGuiTextFilter filter_;
  bool auto_scroll_ = true;
  bool dirty_ = true;
};

}  // namespace wirestep::panels
