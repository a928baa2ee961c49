// Event storage mapped one chunk ahead of need, on a thread of its own.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "trace/mapped_memory.h"

namespace wirestep::trace {

// A trace fills a fresh 2.6 MB chunk every 16384 events. Mapping and populating one costs
// about a millisecond of kernel time; paid by a producer, that is a socket call delayed by a
// millisecond and a few percent of a bulk transfer's rate. The reserve pays it on its own
// thread (started when first asked, so short traces never start one), while the producers
// still have half a chunk to fill.
class ChunkReserve {
 public:
  explicit ChunkReserve(std::size_t chunk_bytes) : chunk_bytes_(chunk_bytes) {}
  ChunkReserve(const ChunkReserve&) = delete;
  ChunkReserve& operator=(const ChunkReserve&) = delete;

  // Starts preparing the next chunk unless one is ready or being prepared. Cheap; any thread.
  void request();
  // The prepared chunk, or (if none is ready yet) one mapped right now. Throws std::bad_alloc.
  MappedMemory take();
  // True when a prepared chunk is waiting (for tests and diagnostics).
  bool ready();

 private:
  void run(std::stop_token stop);

  const std::size_t chunk_bytes_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool wanted_ = false;
  MappedMemory ready_;
  std::jthread thread_;  // last member: stopped and joined before the rest is destroyed
};

}  // namespace wirestep::trace
