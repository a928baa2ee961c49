// A lesson's own timeout (a retransmission timer, a quiet deadline) stretched to the pace it is watched at.
#pragma once

#include <chrono>

#include "lesson/lesson_context.h"

namespace wirestep::lessons {

// base when unpaced; else base plus `calls` call slots of the stepper: paced, every socket call
// waits its turn, and a timer that ignored that would fire while the answer is merely queued.
// The timer still runs in real time: a long pause can make it fire, as a slow network would.
std::chrono::milliseconds paced_timeout(lesson::LessonContext& context, std::chrono::milliseconds base, int calls);

}  // namespace wirestep::lessons
