// Lesson reliability-on-udp: stop-and-wait, then a sliding window, built by hand on real datagrams.
#pragma once

#include <chrono>

#include "lesson/lesson.h"

namespace wirestep::lessons {

class ReliabilityOnUdp final : public lesson::Lesson {
 public:
  static constexpr int kMessages = 20;  // per phase
  static constexpr double kDefaultLossPercent = 20;
  static constexpr std::chrono::milliseconds kTimer{50};  // retransmission timeout, unpaced
  static constexpr int kMaxRounds = 400;                  // per phase: then the lesson gives up
  static constexpr int kMaxWindow = 64;

  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
