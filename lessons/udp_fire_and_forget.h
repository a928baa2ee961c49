// Lesson udp-fire-and-forget: numbered datagrams through a lossy link; the receiver counts the damage.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class UdpFireAndForget final : public lesson::Lesson {
 public:
  // Datagrams the sender blasts, and the link a class sees losses on by default.
  static constexpr int kDatagrams = 200;
  // The first ones go one call per step (or per beat of Play), so a class can watch them.
  static constexpr int kPacedDatagrams = 5;
  static constexpr double kDefaultLossPercent = 20;
  static constexpr double kDuplicatePercent = 3;
  static constexpr double kReorderPercent = 3;

  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
