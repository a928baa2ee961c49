// ByteArena: bump allocation in huge-page friendly mappings.
#include "trace/byte_arena.h"

#include <cstring>

namespace wirestep::trace {

std::byte* ByteArena::store(std::span<const std::byte> bytes) {
  if (bytes.empty()) return nullptr;
  if (bytes.size() > left_) {
    if (bytes.size() >= kBlockSize / 4) {
      // A large payload gets a mapping of its own so small ones keep filling the current block.
      std::byte* destination = blocks_.emplace_back(bytes.size(), false).data();
      std::memcpy(destination, bytes.data(), bytes.size());
      used_ += bytes.size();
      return destination;
    }
    if (blocks_.empty()) {
      // Most traces never fill one block: fault its pages in only as they are written.
      cursor_ = blocks_.emplace_back(kBlockSize, false).data();
    } else {
      // This trace fills blocks: from now on the reserve prepares each next one, asked at
      // once (at capture speed a block fills about as fast as the kernel faults one in).
      cursor_ = blocks_.emplace_back(reserve_.take()).data();
      reserve_.request();
    }
    left_ = kBlockSize;
  }
  std::byte* destination = cursor_;
  std::memcpy(destination, bytes.data(), bytes.size());
  cursor_ += bytes.size();
  left_ -= bytes.size();
  used_ += bytes.size();
  return destination;
}

}  // namespace wirestep::trace
