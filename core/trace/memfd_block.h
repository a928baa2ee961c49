// A block of memory whose pages are filled by write() instead of by touching them.
#pragma once

#include <cstddef>
#include <span>
#include <utility>

#include "net/fd.h"

namespace wirestep::trace {

// Why not plain anonymous memory for large payloads: the kernel zeroes an anonymous page on
// its first touch, so every kept byte is written twice and each 4 KiB costs a page fault on
// top. A page of a memfd that pwrite() fills whole is never zeroed (the kernel copies straight
// into it) and takes no fault; a shared mapping of the same memfd reads the bytes back, so a
// stored payload is still a plain pointer. Measured on a 2-core VM: 64 KiB payloads kept at
// ~3.6 GB/s instead of ~2.3. Below ~4 KiB per write the system call costs more than the fault
// it saves, so the arena uses this for large payloads only.
class MemfdBlock {
 public:
  MemfdBlock() = default;
  // A block of `size` bytes, none of them backed by memory yet. Throws std::bad_alloc when no
  // memfd or mapping can be had (a sandbox without memfd_create, out of descriptors).
  explicit MemfdBlock(std::size_t size);
  ~MemfdBlock();
  MemfdBlock(MemfdBlock&& other) noexcept
      : fd_(std::move(other.fd_)),
        data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)) {}
  MemfdBlock& operator=(MemfdBlock&& other) noexcept {
    std::swap(fd_, other.fd_);
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  MemfdBlock(const MemfdBlock&) = delete;
  MemfdBlock& operator=(const MemfdBlock&) = delete;

  // Copies bytes to `offset` (which must leave room for them) and returns where they now
  // live. If the kernel refuses the write, the bytes are copied through the mapping instead.
  std::byte* write(std::size_t offset, std::span<const std::byte> bytes);
  // Nothing more will be written: gives the descriptor back (the mapping keeps the bytes), so
  // a trace of many blocks holds no more than one open descriptor per arena.
  void seal() { fd_.reset(); }

  std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  net::Fd fd_;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace wirestep::trace
