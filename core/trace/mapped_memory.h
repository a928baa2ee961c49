// RAII anonymous memory mapping, optionally populated when it is made.
#pragma once

#include <cstddef>
#include <utility>

namespace wirestep::trace {

// The trace fills event storage at capture speed; faulting it in one 4 KiB page at a time
// costs more than writing the events, so event chunks are populated up front. (Payload
// blocks measured faster left lazy: the copy into them overlaps the faults.)
class MappedMemory {
 public:
  MappedMemory() = default;
  // populate: fault every page in now (one batch) instead of one page at a time on first use.
  MappedMemory(std::size_t size, bool populate);  // throws std::bad_alloc
  ~MappedMemory();
  MappedMemory(MappedMemory&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  MappedMemory& operator=(MappedMemory&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  MappedMemory(const MappedMemory&) = delete;
  MappedMemory& operator=(const MappedMemory&) = delete;

  std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace wirestep::trace
