// Lesson blocking-vs-event-loop: the same clients against a one-at-a-time server and an epoll loop.
#pragma once

#include <cstddef>

#include "lesson/lesson.h"
#include "trace/trace.h"

namespace wirestep::lessons {

class BlockingVsEventLoop final : public lesson::Lesson {
 public:
  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;
};

// The most connections lane "server" held open at once among trace events [from, to): each
// accept() that returned a connection opens one, the close() of that fd ends it. The
// lesson's measure of concurrency (1 for the blocking server), for its log and for a view.
std::size_t max_open_connections(const trace::Trace& trace, std::size_t from, std::size_t to);

}  // namespace wirestep::lessons
