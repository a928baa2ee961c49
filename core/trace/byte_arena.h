// Append-only storage for payload bytes: what is stored never moves until the arena dies.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "trace/chunk_reserve.h"
#include "trace/mapped_memory.h"

namespace wirestep::trace {

// Bytes go into large mappings, so a payload never moves and no allocator sits on the
// capture path.
// Not thread-safe: the Trace calls it under its append lock.
class ByteArena {
 public:
  static constexpr std::size_t kBlockSize = std::size_t{8} << 20;

  ByteArena() = default;
  ByteArena(const ByteArena&) = delete;
  ByteArena& operator=(const ByteArena&) = delete;

  // Copies bytes in and returns where they now live.
  std::byte* store(std::span<const std::byte> bytes);
  std::size_t used() const { return used_; }

 private:
  std::vector<MappedMemory> blocks_;
  // The next block, faulted in on the reserve's thread while this one fills: fresh pages are
  // the dominant cost of keeping payloads (the kernel zeroes each one on first touch).
  ChunkReserve reserve_{kBlockSize};
  std::byte* cursor_ = nullptr;
  std::size_t left_ = 0;
  std::size_t used_ = 0;
};

}  // namespace wirestep::trace
