// One direction of a TCP stream kept once, for both of its ends.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "trace/memfd_block.h"
#include "trace/spin_lock.h"

namespace wirestep::trace {

// When both ends of a TCP connection are traced in the same trace, every byte is recorded
// twice: once as sent and once as received. Byte k of the stream is the same byte either way,
// so it is kept once, at data() + k: whichever end records a range first writes it, the other
// finds it there and only compares. That halves the fresh memory a bulk transfer costs, and
// fresh memory is what keeping payloads costs most.
//
// What is in place is one run of the stream, [start, end): a call continues it or finds its
// bytes in it. A large call that finds a gap before it (its end skipped some bytes, see keep)
// starts a new run there; bytes of the old run stay where they are.
//
// Nothing is assumed: an end whose bytes differ from what the other end put there (a socket
// wrapped mid-stream counts from a different start) is told no, and the store stops taking
// bytes from anyone; the trace then keeps each end's bytes the ordinary way.
class StreamStore {
 public:
  // Claims room for `size` more bytes under the trace's payload cap: all of it, or nothing.
  using Claim = std::function<bool(std::size_t size)>;

  // Holds stream offsets [0, capacity) (address space only: memory is taken as bytes come).
  // Throws std::bad_alloc without a memfd.
  explicit StreamStore(std::size_t capacity);

  // The stream's bytes at `offset`, kept: where they now live, or nullptr when this store does
  // not keep them (a call under ByteArena::kWrittenMin, before the run, past its capacity,
  // different from what is there, or refused by the claim). Any thread.
  const std::byte* keep(std::uint64_t offset, std::span<const std::byte> bytes, const Claim& claim);

  // An end starts or stops using the store; when none is left the descriptor is given up
  // (what is kept stays readable for the trace's lifetime).
  void attach();
  void detach();

  // The run of stream offsets whose bytes are in place.
  std::uint64_t start() const { return start_.load(std::memory_order_acquire); }
  std::uint64_t end() const { return end_.load(std::memory_order_acquire); }
  bool refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  // Where the bytes at `offset`, already in place, live — if they are these bytes; else the
  // store refuses from now on and the answer is nullptr.
  const std::byte* found(std::uint64_t offset, std::span<const std::byte> bytes);

  SpinLock extend_;  // one writer at a time moves the run; readers of kept bytes never wait
  MemfdBlock block_;
  // Written start first, then end (release); read end first, then start (acquire): a reader
  // that sees a new end sees its start, so no pair it reads spans bytes never written.
  std::atomic<std::uint64_t> start_{0};
  std::atomic<std::uint64_t> end_{0};
  std::atomic<bool> refused_{false};
  int users_ = 0;  // under extend_
};

}  // namespace wirestep::trace
