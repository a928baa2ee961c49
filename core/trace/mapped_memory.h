// RAII anonymous memory mapping that asks for transparent huge pages.
#pragma once

#include <cstddef>
#include <utility>

namespace wirestep::trace {

// The trace fills memory at capture speed; with 4 KiB pages, faulting it in costs more than
// writing it, so storage comes in large mappings advised to use 2 MiB pages.
class MappedMemory {
 public:
  MappedMemory() = default;
  explicit MappedMemory(std::size_t size);  // throws std::bad_alloc
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
