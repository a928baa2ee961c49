// TCP state: the TCP state diagram with each socket's current state highlighted.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "trace/trace.h"
#include "view/selection.h"
#include "view/tcp_state_diagram.h"

namespace wirestep::panels {

class TcpStatePanel {
 public:
  void draw(const trace::Trace* trace, const view::Selection& selection);

 private:
  // When the diagram is wider than the panel it scrolls; it follows the socket that changed last,
  // but only when that changes, so the user can still scroll around by hand.
  std::optional<view::TcpState> followed_state_;
  std::size_t followed_change_ = 0;
};

}  // namespace wirestep::panels
