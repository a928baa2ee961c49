// Lesson browser: every lesson with its summary, objectives, needs (and whether this machine has them) and progress.
#pragma once

#include <string>

namespace wirestep::gui {
class AppState;
}

namespace wirestep::panels {

class LessonBrowserPanel {
 public:
  void draw(gui::AppState& state);

 private:
  std::string highlighted_;  // the lesson whose details are shown
};

}  // namespace wirestep::panels
