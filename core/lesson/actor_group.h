// Runs a lesson's actors (client, server, ...) on their own threads and joins them.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lesson/lesson_context.h"

namespace wirestep::lesson {

// Each actor gets its own thread and lane. If one fails, the whole lesson is cancelled so
// the others cannot wait forever for it; join() then rethrows that first failure.
class ActorGroup {
 public:
  explicit ActorGroup(LessonContext& context) : context_(context) {}
  ~ActorGroup();
  ActorGroup(const ActorGroup&) = delete;
  ActorGroup& operator=(const ActorGroup&) = delete;

  void spawn(const std::string& lane, std::function<void(const net::Actor&)> body);
  // Waits for every actor; rethrows the first real failure, or net::Cancelled if cancelled.
  void join();

 private:
  LessonContext& context_;
  std::vector<std::jthread> threads_;
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
  std::atomic<bool> cancelled_{false};  // an actor unwound because it was cancelled
};

}  // namespace wirestep::lesson
