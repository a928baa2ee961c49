// Lesson tcp-vs-udp-hello: one message over a TCP byte stream and over UDP datagrams.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class TcpVsUdpHello final : public lesson::Lesson {
 public:
  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
