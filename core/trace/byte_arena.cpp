// ByteArena: huge-page friendly mappings, bump allocation, one unmap per block at the end.
#include "trace/byte_arena.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <new>

namespace wirestep::trace {

ByteArena::~ByteArena() {
  for (const Block& block : blocks_) ::munmap(block.data, block.size);
}

ByteArena::Block ByteArena::map_block(std::size_t size) {
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) throw std::bad_alloc();
  ::madvise(data, size, MADV_HUGEPAGE);  // a hint: fine if the kernel says no
  return Block{static_cast<std::byte*>(data), size};
}

std::byte* ByteArena::store(std::span<const std::byte> bytes) {
  if (bytes.empty()) return nullptr;
  if (bytes.size() > left_) {
    if (bytes.size() >= kBlockSize / 4) {
      // A large payload gets a mapping of its own so small ones keep filling the current block.
      const Block block = map_block(bytes.size());
      blocks_.push_back(block);
      std::memcpy(block.data, bytes.data(), bytes.size());
      used_ += bytes.size();
      return block.data;
    }
    const Block block = map_block(kBlockSize);
    blocks_.push_back(block);
    cursor_ = block.data;
    left_ = block.size;
  }
  std::byte* destination = cursor_;
  std::memcpy(destination, bytes.data(), bytes.size());
  cursor_ += bytes.size();
  left_ -= bytes.size();
  used_ += bytes.size();
  return destination;
}

}  // namespace wirestep::trace
