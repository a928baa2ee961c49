// What the user has selected: shared by the timeline, inspector, HTTP and hex views.
#pragma once

#include <cstddef>
#include <optional>

namespace wirestep::view {

struct Selection {
  std::optional<std::size_t> event;  // index into the trace
  int field = -1;                    // selected FieldTree row of that event, -1 for none
  std::optional<std::size_t> hovered_event;
};

}  // namespace wirestep::view
