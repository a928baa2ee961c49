// The session's append-only event store: many producers, one lock-free reader of a published prefix.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trace/byte_arena.h"
#include "trace/chunk_reserve.h"
#include "trace/mapped_memory.h"
#include "trace/event.h"
#include "trace/spin_lock.h"
#include "trace/stream_store.h"

namespace wirestep::trace {

struct TraceLimits {
  std::size_t max_events = 8'000'000;
  std::size_t max_payload_bytes = std::size_t{512} << 20;
  bool keep_payload = true;  // false records sizes only (the cheapest capture)
};

// Producers on any thread call append(); it never waits for a reader and never blocks on the
// cap: past the cap the event (or its bytes) is counted as dropped instead. Readers see the
// events [0, size()) without locking; those events and their payload bytes never move.
class Trace {
 public:
  static constexpr std::size_t kChunkEvents = 16384;
  static constexpr std::size_t kMaxLanes = 4096;

  explicit Trace(TraceLimits limits = {});
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // ---- producer side (any thread) ----
  // The id of a named actor ("client", "server", "client#3", "wire"), created on first use.
  LaneId lane(std::string_view name);
  // Stamps seq and t_ns (now), copies payload into the arena, publishes. Returns the seq,
  // or kNoSeq when the event cap was reached and the event was counted as dropped.
  std::uint64_t append(const Event& event, std::span<const std::byte> payload = {});
  // Like append(), for a producer that has just read now_ns() itself: saves a clock read on
  // the capture path. A time older than the newest event's is raised to keep time order.
  std::uint64_t append_at(std::int64_t t_ns, const Event& event, std::span<const std::byte> payload = {});
  std::uint64_t append(const Event& event, std::string_view payload) {
    return append(event, std::as_bytes(std::span(payload.data(), payload.size())));
  }
  // Appends events whose payloads lie back to back in `payloads`, each event's payload_size
  // bytes after the one before, with one copy and one lock for all: consecutive seqs, one
  // time. The wire records the packets it cut from one offloaded segment this way. Returns the
  // first event's seq, or kNoSeq when the event cap left no room even for that one.
  std::uint64_t append_run(std::span<const Event> events, std::span<const std::byte> payloads);
  // Appends an event whose time was recorded elsewhere (a loaded file). Times must not go
  // backwards: the timeline's binary search relies on it, so an earlier time is raised.
  // event.payload_size may exceed payload.size() for bytes that were cut when recorded.
  std::uint64_t append_recorded(const Event& event, std::span<const std::byte> payload);
  // The store of one direction of a TCP flow, shared by both of its ends (`sender` is the
  // sending end's address, as both ends see it); made on first use. nullptr when the trace
  // keeps no payloads or no store can be made.
  StreamStore* stream_store(FlowId flow, const Address& sender);
  // Like append_at(), for a TCP send or recv whose payload is the stream's bytes at
  // event.stream_offset: kept once in `store` for both ends when it can be, else as usual.
  std::uint64_t append_stream_at(std::int64_t t_ns, const Event& event, std::span<const std::byte> payload,
                                 StreamStore& store);
  FlowId new_flow();
  // The flow of the conversation between two endpoints; the same id whichever end asks.
  FlowId flow_of(const Address& a, const Address& b);

  // ---- reader side (lock-free) ----
  std::size_t size() const { return published_.load(std::memory_order_acquire); }
  const Event& operator[](std::size_t index) const {
    return chunks_[index / kChunkEvents][index % kChunkEvents];
  }
  std::size_t lane_count() const { return lane_count_.load(std::memory_order_acquire); }
  std::string_view lane_name(LaneId id) const;
  // First index in [0, size()) whose t_ns >= t, by binary search.
  std::size_t lower_bound_time(std::int64_t t_ns) const;
  // Waits until size() > known or the timeout passes; returns the new size.
  std::size_t wait_for_more(std::size_t known, std::chrono::milliseconds timeout) const;

  std::uint64_t dropped_events() const { return dropped_events_.load(std::memory_order_relaxed); }
  std::uint64_t dropped_payload_bytes() const {
    return dropped_payload_bytes_.load(std::memory_order_relaxed);
  }
  std::size_t payload_bytes() const { return arena_used_.load(std::memory_order_relaxed); }
  const TraceLimits& limits() const { return limits_; }

  // Nanoseconds since this trace's session began, on the clock every event uses.
  // Inline on clock_gettime (the clock std::chrono::steady_clock reads on Linux): it is read
  // twice per recorded call, and the call layers around it cost a measurable share of that.
  std::int64_t now_ns() const {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec - epoch_ns_;
  }

 private:
  static constexpr std::size_t kPayloadStripes = 4;
  // One part of the payload arena with its own lock; see store_payload.
  struct alignas(64) PayloadStripe {
    SpinLock lock;
    ByteArena arena;
  };

  // True (and the event counted as dropped) when the event cap is reached.
  bool full();
  // Under the append lock: copies the event into its slot, then stamps seq, time and payload
  // there (the caller's event is not modified, so it is passed by reference, not copied).
  std::uint64_t append_locked(const Event& event, std::int64_t t_ns, Bytes stored, std::size_t real_size);
  // Under the append lock: the next slot (its chunk mapped if it opens one), or nullptr (and
  // the event counted as dropped) at the event cap.
  Event* claim_slot();
  // Under the append lock: stamps the claimed slot and makes it visible to readers.
  std::uint64_t publish_slot(Event& slot, std::int64_t t_ns, Bytes stored, std::size_t real_size);
  // Half-way through a chunk, asks the reserve to prepare the next (outside the append lock).
  void plan_ahead(std::uint64_t appended);
  // Claims room under the payload cap: as much of `size` as fits (partial), or all or nothing.
  // Returns the bytes claimed.
  std::size_t claim_payload(std::size_t size, bool partial);
  // Takes the append lock and appends the event at t_ns (raised to keep time order) with its stored bytes.
  std::uint64_t publish_at(std::int64_t t_ns, const Event& event, Bytes stored, std::size_t real_size);
  // Copies the bytes (as many as the payload cap allows) into a stripe no other thread holds.
  Bytes store_payload(std::span<const std::byte> payload);
  // A stripe no other thread is copying into, returned locked.
  PayloadStripe& lock_free_stripe();

  const TraceLimits limits_;
  const std::int64_t epoch_ns_;  // CLOCK_MONOTONIC when the session began

  SpinLock append_lock_;  // orders producers; readers never take it
  std::vector<MappedMemory> chunk_owner_;  // raw storage; events are copied in whole
  ChunkReserve reserve_{kChunkEvents * sizeof(Event)};  // the next chunk, mapped ahead
  std::unique_ptr<Event*[]> chunks_;  // fixed directory: never reallocates under a reader
  std::size_t chunk_capacity_ = 0;
  std::atomic<std::size_t> published_{0};
  std::int64_t last_t_ns_ = 0;
  FlowId next_flow_ = 1;
  std::map<std::pair<std::string, std::string>, FlowId> flows_;

  std::array<PayloadStripe, kPayloadStripes> stripes_;
  std::atomic<std::size_t> arena_used_{0};  // payload bytes kept (claimed) in stripes and streams
  std::mutex streams_mutex_;
  std::map<std::pair<FlowId, std::string>, std::unique_ptr<StreamStore>> streams_;

  std::unique_ptr<std::array<std::string, kMaxLanes>> lane_names_;
  std::atomic<std::size_t> lane_count_{0};

  std::atomic<std::uint64_t> dropped_events_{0};
  std::atomic<std::uint64_t> dropped_payload_bytes_{0};

  mutable std::mutex wait_mutex_;
  mutable std::condition_variable wait_cv_;
  mutable std::atomic<int> waiters_{0};
};

}  // namespace wirestep::trace
