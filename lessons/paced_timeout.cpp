// paced_timeout: a timeout plus the call slots the stepper spends before the answer can come.
#include "paced_timeout.h"

namespace wirestep::lessons {

std::chrono::milliseconds paced_timeout(lesson::LessonContext& context, std::chrono::milliseconds base, int calls) {
  return base + context.stepper().call_interval() * calls;
}

}  // namespace wirestep::lessons
