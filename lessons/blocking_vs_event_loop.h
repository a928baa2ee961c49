// Lesson blocking-vs-event-loop: the same clients against a one-at-a-time server, a thread per
// connection and an epoll loop.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class BlockingVsEventLoop final : public lesson::Lesson {
 public:
  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
