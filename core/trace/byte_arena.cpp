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
    cursor_ = blocks_.emplace_back(reserve_.take()).data();
    left_ = kBlockSize;
    // At once: at capture speed a block fills in a few milliseconds, about as long as the
    // kernel takes to fault the next one in.
    reserve_.request();
  }
  std::byte* destination = cursor_;
  std::memcpy(destination, bytes.data(), bytes.size());
  cursor_ += bytes.size();
  left_ -= bytes.size();
  used_ += bytes.size();
  return destination;
}

}  // namespace wirestep::trace
