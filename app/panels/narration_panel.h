// Narration: the lesson's Markdown rendered, with the last cued paragraph highlighted and in view.
#pragma once

#include <string>
#include <string_view>

#include "trace/trace.h"
#include "view/selection.h"

namespace wirestep::panels {

class NarrationPanel {
 public:
  void draw(const std::string& markdown, std::string_view active_anchor);
};

}  // namespace wirestep::panels
