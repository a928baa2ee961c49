// Controls bar: play, pause, step, back, restart, speed, granularity and the run's status.
#pragma once

#include <string>

namespace wirestep::gui {
class AppState;
}

namespace wirestep::panels {

class ControlsPanel {
 public:
  void draw(gui::AppState& state);
};

// "next: client connect()" for a call waiting at the gate.
std::string pending_label(const gui::AppState& state);

}  // namespace wirestep::panels
