// Every key press the window system reported, kept until the frame that acts on it.
#pragma once

#include <vector>

namespace wirestep::gui {

struct KeyPress {
  int key = 0;   // GLFW_KEY_*
  int mods = 0;  // GLFW_MOD_* bits
  bool repeat = false;
};

// Dear ImGui 1.86 only sees whether a key is down when a frame starts, so a press and release
// that land between two frames (a quick tap on a slow machine, a remote desktop, a test robot)
// would be lost. The GLFW key callback records presses here instead; one press is one step.
void record_key_press(int key, int mods, bool repeat);
// The presses since the last call, oldest first. Called once per frame on the GUI thread.
std::vector<KeyPress> take_key_presses();

}  // namespace wirestep::gui
