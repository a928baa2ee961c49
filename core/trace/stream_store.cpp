// StreamStore: a stream-offset-addressed memfd, extended by whichever end is ahead.
#include "trace/stream_store.h"

#include <cstring>
#include <mutex>

#include "trace/byte_arena.h"

namespace wirestep::trace {

StreamStore::StreamStore(std::size_t capacity) : block_(capacity) {}

const std::byte* StreamStore::found(std::uint64_t offset, std::span<const std::byte> bytes) {
  // The other end was here first: its bytes are in place, and they must be these.
  const std::byte* where = block_.data() + offset;
  if (std::memcmp(where, bytes.data(), bytes.size()) == 0) return where;
  refused_.store(true, std::memory_order_relaxed);
  return nullptr;
}

const std::byte* StreamStore::keep(std::uint64_t offset, std::span<const std::byte> bytes, const Claim& claim) {
  // A small call is kept the ordinary way (in memory faulted in ahead): a system call each
  // would cost more, and so would reading where the other end has got to, a cache line that
  // end keeps writing.
  if (bytes.size() < ByteArena::kWrittenMin || refused_.load(std::memory_order_relaxed)) return nullptr;
  if (offset > block_.size() || bytes.size() > block_.size() - offset) return nullptr;
  const std::uint64_t last = offset + bytes.size();
  {
    const std::uint64_t end = end_.load(std::memory_order_acquire);
    const std::uint64_t start = start_.load(std::memory_order_acquire);
    if (offset >= start && last <= end) return found(offset, bytes);
  }
  std::lock_guard lock(extend_);
  if (refused_.load(std::memory_order_relaxed)) return nullptr;
  std::uint64_t start = start_.load(std::memory_order_relaxed);
  std::uint64_t end = end_.load(std::memory_order_relaxed);
  // The other end may have moved on past these bytes while this one waited for the lock.
  if (offset >= start && last <= end) return found(offset, bytes);
  if (offset < start) return nullptr;  // before the run: kept the ordinary way
  if (offset > end) {
    // A gap (bytes an end kept the ordinary way): a new run starts here.
    start_.store(offset, std::memory_order_release);
    end_.store(offset, std::memory_order_release);
    start = end = offset;
  }
  const std::size_t overlap = static_cast<std::size_t>(end - offset);
  if (overlap > 0 && found(offset, bytes.first(overlap)) == nullptr) return nullptr;
  const std::size_t fresh = bytes.size() - overlap;
  if (!claim(fresh)) return nullptr;  // at the cap: the trace keeps what it can the ordinary way
  block_.write(static_cast<std::size_t>(end), bytes.subspan(overlap));
  end_.store(last, std::memory_order_release);
  return block_.data() + offset;
}

void StreamStore::attach() {
  std::lock_guard lock(extend_);
  ++users_;
}

void StreamStore::detach() {
  std::lock_guard lock(extend_);
  if (--users_ == 0) block_.seal();
}

}  // namespace wirestep::trace
