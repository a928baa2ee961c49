// Names of lesson capabilities.
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

}  // namespace wirestep::lesson
