// key_presses: a plain queue; GLFW calls back on the GUI thread, so no lock is needed.
#include "gui/key_presses.h"

#include <utility>

namespace wirestep::gui {
namespace {

std::vector<KeyPress>& queue() {
  static std::vector<KeyPress> presses;
  return presses;
}

}  // namespace

void record_key_press(int key, int mods, bool repeat) {
  constexpr std::size_t kMax = 256;  // a stuck key cannot grow this without bound
  if (queue().size() < kMax) queue().push_back({key, mods, repeat});
}

std::vector<KeyPress> take_key_presses() { return std::exchange(queue(), {}); }

}  // namespace wirestep::gui
