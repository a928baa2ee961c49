// TCP state: the TCP state diagram with each socket's current state highlighted.
#pragma once

#include <string>
#include <string_view>

#include "trace/trace.h"
#include "view/selection.h"

namespace wirestep::panels {

class TcpStatePanel {
 public:
  void draw(const trace::Trace* trace, const view::Selection& selection);
};

}  // namespace wirestep::panels
