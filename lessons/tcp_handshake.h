// Lesson tcp-handshake: SYN, SYN-ACK, ACK, a little data, then FIN/ACK and TIME_WAIT.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class TcpHandshake final : public lesson::Lesson {
 public:
  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
