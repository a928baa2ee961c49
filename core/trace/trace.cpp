// Trace store: chunked events and interned lanes behind one producer lock; payload bytes in striped arenas.
#include "trace/trace.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>
#include <type_traits>

namespace wirestep::trace {

// Events are copied into raw mapped memory; that is only sound for a trivially copyable type.
static_assert(std::is_trivially_copyable_v<Event>);

Trace::Trace(TraceLimits limits)
    : limits_(limits),
      epoch_ns_([] {
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
      }()),
      lane_names_(std::make_unique<std::array<std::string, kMaxLanes>>()) {
  chunk_capacity_ = limits_.max_events / kChunkEvents + 1;
  chunks_ = std::make_unique<Event*[]>(chunk_capacity_);
}

Trace::~Trace() = default;

LaneId Trace::lane(std::string_view name) {
  std::lock_guard lock(append_lock_);
  const std::size_t count = lane_count_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < count; ++i) {
    if ((*lane_names_)[i] == name) return static_cast<LaneId>(i);
  }
  if (count == kMaxLanes) {
    // Past thousands of actors the ladder cannot show them apart anyway: share the last lane.
    return static_cast<LaneId>(kMaxLanes - 1);
  }
  (*lane_names_)[count] = std::string(name);
  lane_count_.store(count + 1, std::memory_order_release);
  return static_cast<LaneId>(count);
}

std::string_view Trace::lane_name(LaneId id) const {
  if (id >= lane_count()) return id == kNoLane ? std::string_view{} : std::string_view{"?"};
  return (*lane_names_)[id];
}

FlowId Trace::new_flow() {
  std::lock_guard lock(append_lock_);
  return next_flow_++;
}

FlowId Trace::flow_of(const Address& a, const Address& b) {
  std::string left = a.to_string();
  std::string right = b.to_string();
  if (right < left) std::swap(left, right);
  std::lock_guard lock(append_lock_);
  auto [it, inserted] = flows_.try_emplace({std::move(left), std::move(right)}, next_flow_);
  if (inserted) ++next_flow_;
  return it->second;
}

// The payload is copied before the append lock is taken (see store_payload), so a sender and
// a receiver recording 64 KiB each never wait for each other's copies.
std::uint64_t Trace::append(const Event& event, std::span<const std::byte> payload) {
  if (full()) return kNoSeq;
  const Bytes stored = store_payload(payload);
  std::uint64_t seq;
  {
    std::lock_guard lock(append_lock_);
    // The clock is read under the lock so that seq order and time order always agree.
    seq = append_locked(event, std::max(now_ns(), last_t_ns_), stored, payload.size());
  }
  plan_ahead(seq);
  return seq;
}

std::uint64_t Trace::append_at(std::int64_t t_ns, const Event& event, std::span<const std::byte> payload) {
  if (full()) return kNoSeq;
  return publish_at(t_ns, event, store_payload(payload), payload.size());
}

std::uint64_t Trace::append_run(std::span<const Event> events, std::span<const std::byte> payloads) {
  if (events.empty()) return kNoSeq;
  if (full()) {
    dropped_events_.fetch_add(events.size() - 1, std::memory_order_relaxed);  // full() counted one
    return kNoSeq;
  }
  const Bytes stored = store_payload(payloads);
  std::uint64_t first = kNoSeq;
  std::size_t appended = 0;
  {
    std::lock_guard lock(append_lock_);
    const std::int64_t t_ns = std::max(now_ns(), last_t_ns_);
    std::size_t offset = 0;
    for (const Event& event : events) {
      // Each event's share of what was kept: all of it, the part under the cap, or nothing.
      const std::size_t kept =
          offset < stored.size ? std::min<std::size_t>(event.payload_size, stored.size - offset) : 0;
      const Bytes part{kept > 0 ? stored.data + offset : nullptr, static_cast<std::uint32_t>(kept)};
      offset += event.payload_size;
      const std::uint64_t seq = append_locked(event, t_ns, part, event.payload_size);
      if (seq == kNoSeq) {
        // The event cap: append_locked counted this one as dropped; the rest are dropped too.
        dropped_events_.fetch_add(events.size() - appended - 1, std::memory_order_relaxed);
        break;
      }
      if (first == kNoSeq) first = seq;
      ++appended;
    }
  }
  for (std::size_t i = 0; i < appended; ++i) plan_ahead(first + i);
  return first;
}

std::uint64_t Trace::publish_at(std::int64_t t_ns, const Event& event, Bytes stored, std::size_t real_size) {
  std::uint64_t seq;
  {
    std::lock_guard lock(append_lock_);
    seq = append_locked(event, std::max(t_ns, last_t_ns_), stored, real_size);
  }
  plan_ahead(seq);
  return seq;
}

StreamStore* Trace::stream_store(FlowId flow, const Address& sender) {
  if (!limits_.keep_payload || flow == kNoFlow) return nullptr;
  std::lock_guard lock(streams_mutex_);
  auto& store = streams_[{flow, sender.to_string()}];
  if (store == nullptr) {
    try {
      // Address space for streams longer than the whole payload cap: a stream's bytes are
      // kept at their stream offsets, and the cap still limits what is kept. (Address space
      // only, and at most a TiB of it, however large a cap someone sets.)
      constexpr std::size_t kMostAddressSpace = std::size_t{1} << 40;
      const std::size_t cap = limits_.max_payload_bytes;
      store = std::make_unique<StreamStore>(cap < kMostAddressSpace / 2 ? 2 * cap : kMostAddressSpace);
    } catch (const std::bad_alloc&) {
      streams_.erase({flow, sender.to_string()});
      return nullptr;  // no memfd here: both ends keep their bytes the ordinary way
    }
  }
  return store.get();
}

std::uint64_t Trace::append_stream_at(std::int64_t t_ns, const Event& event, std::span<const std::byte> payload,
                                      StreamStore& store) {
  if (full()) return kNoSeq;
  const auto claim_all = [this](std::size_t size) { return claim_payload(size, false) == size; };
  const std::byte* kept = store.keep(event.stream_offset, payload, claim_all);
  const Bytes stored = kept != nullptr ? Bytes{kept, static_cast<std::uint32_t>(payload.size())} : store_payload(payload);
  return publish_at(t_ns, event, stored, payload.size());
}

std::uint64_t Trace::append_recorded(const Event& event, std::span<const std::byte> payload) {
  if (full()) return kNoSeq;
  const Bytes stored = store_payload(payload);
  std::uint64_t seq;
  {
    std::lock_guard lock(append_lock_);
    if (event.flow >= next_flow_) next_flow_ = event.flow + 1;
    // A file may say the payload was longer than the bytes it kept: keep saying so.
    seq = append_locked(event, std::max(event.t_ns, last_t_ns_), stored,
                        std::max<std::size_t>(event.payload_size, payload.size()));
  }
  plan_ahead(seq);
  return seq;
}

bool Trace::full() {
  // Checked before the payload is copied so a full trace costs no memory; an append racing
  // past it is caught again under the lock (its bytes then stay unused in the arena).
  if (published_.load(std::memory_order_relaxed) < limits_.max_events) return false;
  dropped_events_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

std::uint64_t Trace::append_locked(const Event& event, std::int64_t t_ns, Bytes stored, std::size_t real_size) {
  Event* slot = claim_slot();
  if (slot == nullptr) return kNoSeq;
  std::memcpy(static_cast<void*>(slot), &event, sizeof(Event));
  return publish_slot(*slot, t_ns, stored, real_size);
}

Event* Trace::claim_slot() {
  const std::size_t index = published_.load(std::memory_order_relaxed);
  if (index >= limits_.max_events) {
    dropped_events_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  const std::size_t chunk = index / kChunkEvents;
  if (index % kChunkEvents == 0) {
    // Fresh mapped memory, not value-initialised Events: nothing is read before it is written.
    chunks_[chunk] = reinterpret_cast<Event*>(chunk_owner_.emplace_back(reserve_.take()).data());
  }
  return &chunks_[chunk][index % kChunkEvents];
}

std::uint64_t Trace::publish_slot(Event& slot, std::int64_t t_ns, Bytes stored, std::size_t real_size) {
  const std::size_t index = published_.load(std::memory_order_relaxed);
  slot.seq = index;
  slot.t_ns = t_ns;
  slot.payload_size = static_cast<std::uint32_t>(real_size);
  slot.payload = stored;
  last_t_ns_ = t_ns;
  published_.store(index + 1, std::memory_order_release);
  // The next slot is cold memory (a chunk is larger than the cache): ask for its lines now so
  // the next append writes into cache instead of waiting on memory.
  if ((index + 1) % kChunkEvents != 0) {
    const auto* next = reinterpret_cast<const char*>(&slot + 1);
    for (std::size_t line = 0; line < sizeof(Event); line += 64) __builtin_prefetch(next + line, 1);
  }
  // Deliberately not a full fence (it would cost every append): in the rare race where a
  // reader starts waiting just as this store lands, it wakes at its own timeout instead.
  if (waiters_.load(std::memory_order_relaxed) > 0) {
    std::lock_guard wake(wait_mutex_);
    wait_cv_.notify_all();
  }
  return index;
}

void Trace::plan_ahead(std::uint64_t appended) {
  if (appended == kNoSeq || appended % kChunkEvents != kChunkEvents / 2) return;
  // No chunk past the event cap: it would never be used.
  if (appended + kChunkEvents / 2 >= limits_.max_events) return;
  reserve_.request();
}

std::size_t Trace::claim_payload(std::size_t size, bool partial) {
  // Producers copy in parallel, so room under the cap is claimed first: the count is the claim.
  std::size_t used = arena_used_.load(std::memory_order_relaxed);
  std::size_t keep = 0;
  do {
    const std::size_t room = limits_.max_payload_bytes > used ? limits_.max_payload_bytes - used : 0;
    keep = std::min(room, size);
    if (keep < size && !partial) return 0;
  } while (!arena_used_.compare_exchange_weak(used, used + keep, std::memory_order_relaxed));
  return keep;
}

Bytes Trace::store_payload(std::span<const std::byte> payload) {
  if (payload.empty()) return {};
  if (!limits_.keep_payload) return {};
  const std::size_t keep = claim_payload(payload.size(), true);
  if (keep < payload.size()) {
    dropped_payload_bytes_.fetch_add(payload.size() - keep, std::memory_order_relaxed);
  }
  if (keep == 0) return {};
  PayloadStripe& stripe = lock_free_stripe();
  std::lock_guard lock(stripe.lock, std::adopt_lock);
  return Bytes{stripe.arena.store(payload.first(keep)), static_cast<std::uint32_t>(keep)};
}

Trace::PayloadStripe& Trace::lock_free_stripe() {
  // Copies on different threads should run in parallel, so each thread keeps to a stripe of
  // its own. Dealing stripes out in turn is not enough: threads come and go (a lesson or a
  // benchmark starts a receiver per connection), and two busy threads dealt the same stripe
  // would wait on each other's copies, which for large payloads include a system call. So a
  // thread takes the first free stripe from its usual one on, and keeps the one it found.
  static std::atomic<unsigned> next_stripe{0};
  thread_local unsigned usual = next_stripe.fetch_add(1, std::memory_order_relaxed) % kPayloadStripes;
  for (unsigned i = 0; i < kPayloadStripes; ++i) {
    const unsigned index = (usual + i) % kPayloadStripes;
    if (stripes_[index].lock.try_lock()) {
      usual = index;
      return stripes_[index];
    }
  }
  stripes_[usual].lock.lock();  // every stripe busy (more copying threads than stripes): wait
  return stripes_[usual];
}

std::size_t Trace::lower_bound_time(std::int64_t t_ns) const {
  std::size_t lo = 0;
  std::size_t hi = size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if ((*this)[mid].t_ns < t_ns) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::size_t Trace::wait_for_more(std::size_t known, std::chrono::milliseconds timeout) const {
  if (size() > known) return size();
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  {
    std::unique_lock lock(wait_mutex_);
    wait_cv_.wait_for(lock, timeout,
                      [&] { return published_.load(std::memory_order_seq_cst) > known; });
  }
  waiters_.fetch_sub(1, std::memory_order_seq_cst);
  return size();
}

}  // namespace wirestep::trace
