// A tiny lock for very short critical sections shared by threads on different cores.
#pragma once

#include <atomic>
#include <thread>

namespace wirestep::trace {

// The trace's append path holds its lock for well under a microsecond. A std::mutex that is
// contended there sleeps in the kernel (a futex call costs more than the whole append), so
// producers spin briefly instead, and only yield if the holder was descheduled.
class SpinLock {
 public:
  void lock() {
    for (int spins = 0;; ++spins) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins > 256) {
          std::this_thread::yield();
          spins = 0;
        } else {
          cpu_relax();
        }
      }
    }
  }
  bool try_lock() { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  static void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  std::atomic<bool> locked_{false};
};

}  // namespace wirestep::trace
