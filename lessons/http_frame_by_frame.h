// Lesson http-frame-by-frame: one POST arrives in pieces and an incremental parser puts it together.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class HttpFrameByFrame final : public lesson::Lesson {
 public:
  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
