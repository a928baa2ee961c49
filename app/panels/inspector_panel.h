// Inspector: the selected event as a field tree linked both ways to a hex/ASCII dump.
#pragma once

#include <string>
#include <string_view>

#include "trace/trace.h"
#include "view/selection.h"

namespace wirestep::panels {

class InspectorPanel {
 public:
  void draw(const trace::Trace* trace, view::Selection& selection);
};

}  // namespace wirestep::panels
