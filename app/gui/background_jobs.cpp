// BackgroundJobs: a FIFO drained by one jthread; a job's exception is logged, never fatal.
#include "gui/background_jobs.h"

#include "view/app_log.h"

namespace wirestep::gui {

BackgroundJobs::BackgroundJobs() : thread_([this](std::stop_token stop) { loop(stop); }) {}

BackgroundJobs::~BackgroundJobs() {
  thread_.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundJobs::post(std::function<void()> job) {
  pending_.fetch_add(1, std::memory_order_acq_rel);
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void BackgroundJobs::loop(std::stop_token stop) {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, stop, [&] { return !queue_.empty(); });
      if (queue_.empty()) return;  // stop requested and nothing left to do
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      view::app_log().error("background job failed: {}", e.what());
    }
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace wirestep::gui
