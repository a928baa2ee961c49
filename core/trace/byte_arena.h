// Append-only storage for payload bytes: what is stored never moves until the arena dies.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "trace/chunk_reserve.h"
#include "trace/mapped_memory.h"
#include "trace/memfd_block.h"

namespace wirestep::trace {

// Bytes go into large mappings, so a payload never moves and no allocator sits on the
// capture path. Payloads of a page or more are written into memfd blocks (no zeroing, no page
// faults; see MemfdBlock); smaller ones are copied into anonymous blocks, where a system call
// per payload would cost more than the fault it saves.
// Not thread-safe: the Trace calls it under its append lock.
class ByteArena {
 public:
  static constexpr std::size_t kBlockSize = std::size_t{8} << 20;
  // From this size on a payload is written with pwrite (measured crossover: 3–4 KiB).
  static constexpr std::size_t kWrittenMin = 4096;

  ByteArena() = default;
  ByteArena(const ByteArena&) = delete;
  ByteArena& operator=(const ByteArena&) = delete;

  // Copies bytes in and returns where they now live.
  std::byte* store(std::span<const std::byte> bytes);
  std::size_t used() const { return used_; }

 private:
  std::byte* copy_in(std::span<const std::byte> bytes);
  std::byte* write_in(std::span<const std::byte> bytes);

  // Small payloads: anonymous blocks filled by memcpy.
  std::vector<MappedMemory> blocks_;
  // The next block, faulted in on the reserve's thread while this one fills: fresh pages are
  // the dominant cost of keeping payloads (the kernel zeroes each one on first touch).
  ChunkReserve reserve_{kBlockSize};
  std::byte* cursor_ = nullptr;
  std::size_t left_ = 0;

  // Large payloads: memfd blocks filled by pwrite. Only the one being filled holds a descriptor.
  std::vector<MemfdBlock> written_;
  MemfdBlock filling_;
  std::size_t filled_ = 0;
  bool memfd_refused_ = false;  // no memfd here: large payloads are copied like small ones

  std::size_t used_ = 0;
};

}  // namespace wirestep::trace
