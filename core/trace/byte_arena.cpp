// ByteArena: bump allocation in large mappings, written or copied by payload size.
#include "trace/byte_arena.h"

#include <cstring>
#include <new>

namespace wirestep::trace {

std::byte* ByteArena::store(std::span<const std::byte> bytes) {
  if (bytes.empty()) return nullptr;
  used_ += bytes.size();
  if (bytes.size() >= kWrittenMin && !memfd_refused_) {
    try {
      return write_in(bytes);
    } catch (const std::bad_alloc&) {
      // No memfd here (a sandbox, or out of descriptors): plain memory stores them too.
      memfd_refused_ = true;
    }
  }
  return copy_in(bytes);
}

std::byte* ByteArena::write_in(std::span<const std::byte> bytes) {
  if (bytes.size() >= kBlockSize / 4) {
    // A very large payload gets a block of its own so the others keep filling theirs.
    MemfdBlock& own = written_.emplace_back(bytes.size());
    std::byte* destination = own.write(0, bytes);
    own.seal();
    return destination;
  }
  if (filling_.data() == nullptr || filling_.size() - filled_ < bytes.size()) {
    MemfdBlock next(kBlockSize);  // may throw: then the block being filled stays as it is
    if (filling_.data() != nullptr) {
      filling_.seal();
      written_.push_back(std::move(filling_));
    }
    filling_ = std::move(next);
    filled_ = 0;
  }
  std::byte* destination = filling_.write(filled_, bytes);
  filled_ += bytes.size();
  return destination;
}

std::byte* ByteArena::copy_in(std::span<const std::byte> bytes) {
  if (bytes.size() > left_) {
    if (bytes.size() >= kBlockSize / 4) {
      // A large payload gets a mapping of its own so small ones keep filling the current block.
      std::byte* destination = blocks_.emplace_back(bytes.size(), false).data();
      std::memcpy(destination, bytes.data(), bytes.size());
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
  return destination;
}

}  // namespace wirestep::trace
