// One worker thread for whatever must not run on the GUI thread: file I/O and ending lesson runs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

namespace wirestep::gui {

class BackgroundJobs {
 public:
  BackgroundJobs();
  // Runs what is queued, then joins: a save asked for just before quitting still happens.
  ~BackgroundJobs();
  BackgroundJobs(const BackgroundJobs&) = delete;
  BackgroundJobs& operator=(const BackgroundJobs&) = delete;

  void post(std::function<void()> job);
  bool idle() const { return pending_.load(std::memory_order_acquire) == 0; }

 private:
  void loop(std::stop_token stop);

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<std::function<void()>> queue_;
  std::atomic<int> pending_{0};
  std::jthread thread_;
};

}  // namespace wirestep::gui
