// HTTP view: raw request/response text with CR, LF and the blank line made visible, beside the parsed view.
#pragma once

#include <string>
#include <string_view>

#include "trace/trace.h"
#include "view/selection.h"

namespace wirestep::panels {

class HttpPanel {
 public:
  void draw(const trace::Trace* trace, view::Selection& selection);
};

}  // namespace wirestep::panels
