// Lesson connection-refused-and-lost-syn: a closed port answers RST; a lost SYN costs a second.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class ConnectionRefusedAndLostSyn final : public lesson::Lesson {
 public:
  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
