// Lesson tcp-vs-udp-side-by-side: one paced stream over TCP and one over UDP, through the same bad wire.
#pragma once

#include "lesson/lesson.h"

namespace wirestep::lessons {

class TcpVsUdpSideBySide final : public lesson::Lesson {
 public:
  static constexpr double kDefaultLossPercent = 4;  // when the run gives no --loss
  static constexpr std::int64_t kOneWayDelayNs = 10'000'000;
  static constexpr std::uint32_t kMessages = 400;
  static constexpr std::size_t kMessageBytes = 1000;
  static constexpr std::int64_t kIntervalNs = 1'000'000;  // each stream offers 1 MB/s

  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

}  // namespace wirestep::lessons
