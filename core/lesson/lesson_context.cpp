// LessonContext: narration cues become Note events on the "lesson" lane.
#include "lesson/lesson_context.h"

namespace wirestep::lesson {

void LessonContext::cue(std::string_view anchor) {
  trace::Event event;
  event.kind = trace::EventKind::Note;
  event.lane = trace_.lane("lesson");
  trace_.append(event, anchor);
}

}  // namespace wirestep::lesson
