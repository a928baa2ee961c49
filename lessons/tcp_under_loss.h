// Lesson tcp-under-loss: a bulk transfer over a lossy, slow wire arrives whole; TCP pays in time.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class TcpUnderLoss final : public lesson::Lesson {
 public:
  // Used when the run's --loss is 0: enough to see every repair mechanism in a few seconds.
  static constexpr double kDefaultLossPercent = 4;
  static constexpr std::int64_t kOneWayDelayNs = 10'000'000;
  static constexpr std::size_t kTransferBytes = 512 * 1024;
  // Halfway through, the wire drops everything for this long: longer than the first
  // retransmission timeout, so the retransmission is lost too and the timer backs off.
  static constexpr std::int64_t kBlackoutNs = 500'000'000;

  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
