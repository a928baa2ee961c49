// Names of lesson capabilities, and which settings a lesson reads.
#include "lesson/lesson.h"

namespace wirestep::lesson {

std::string_view to_string(Capability capability) {
  switch (capability) {
    case Capability::Sockets: return "sockets";
    case Capability::VirtualWire: return "virtual-wire";
    case Capability::LoopbackCapture: return "loopback-capture";
  }
  return "?";
}

bool LessonInfo::has(Setting setting) const {
  for (const Setting s : settings) {
    if (s == setting) return true;
  }
  return false;
}

}  // namespace wirestep::lesson
