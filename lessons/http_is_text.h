// Lesson http-is-text: an HTTP request and response are plain text written to a TCP socket.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class HttpIsText final : public lesson::Lesson {
 public:
  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
