// ChunkReserve: one prepared chunk, refilled on request by a lazily started thread.
#include "trace/chunk_reserve.h"

#include <new>
#include <utility>

namespace wirestep::trace {

void ChunkReserve::request() {
  std::lock_guard lock(mutex_);
  if (ready_.data() != nullptr) return;
  wanted_ = true;
  if (!thread_.joinable()) {
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
    return;
  }
  wake_.notify_one();
}

MappedMemory ChunkReserve::take() {
  {
    std::lock_guard lock(mutex_);
    if (ready_.data() != nullptr) return std::move(ready_);
  }
  // The producers outran the reserve (or never asked): map here. The reserve's chunk, when it
  // lands, serves the next time.
  return MappedMemory(chunk_bytes_, true);
}

bool ChunkReserve::ready() {
  std::lock_guard lock(mutex_);
  return ready_.data() != nullptr;
}

void ChunkReserve::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (wake_.wait(lock, stop, [&] { return wanted_; })) {
    wanted_ = false;
    lock.unlock();
    MappedMemory block;
    try {
      block = MappedMemory(chunk_bytes_, true);
    } catch (const std::bad_alloc&) {
      // Out of memory now: take() maps inline and reports it to the producer that needs it.
    }
    lock.lock();
    if (ready_.data() == nullptr) ready_ = std::move(block);
  }
}

}  // namespace wirestep::trace
