// The Loss tab's data: per direction, what the wire or relay did to the packets and what TCP did
// about it, and small time series (sent vs lost, bytes received) in a bounded number of buckets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/trace.h"

namespace wirestep::view {

// What happened to the packets (or relayed datagrams) one host sent to another.
struct LinkCounts {
  std::uint64_t sent = 0;        // put on the link by the sender: neither the link's extra copies nor a held packet
  std::uint64_t arrived = 0;     // reached the receiving host (on time, late, or damaged but accepted)
  std::uint64_t dropped = 0;     // thrown away by the wire or the relay
  std::uint64_t damaged = 0;     // a bit flipped on the way
  std::uint64_t discarded = 0;   // of those damaged, thrown away by the receiver (the checksum no longer matched)
  std::uint64_t duplicated = 0;  // extra copies the link made
  std::uint64_t delayed = 0;     // held back by the link, so late or out of order
  std::uint64_t held_now = 0;    // waiting on the wire for the next step
  // TCP, as the flow analyzer reads the packets the sender sent (dropped ones too).
  std::uint64_t tcp_packets = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t fast_retransmissions = 0;
  std::uint64_t duplicate_acks = 0;
  std::uint64_t out_of_order = 0;

  std::uint64_t lost() const { return dropped + discarded; }
  friend bool operator==(const LinkCounts&, const LinkCounts&) = default;
};

struct DirectionStats {
  trace::LaneId from = trace::kNoLane;
  trace::LaneId to = trace::kNoLane;  // kNoLane: to an address no host on the wire has
  LinkCounts counts;
  // Per time bucket (see LossStats::bucket_ns()); shorter than bucket_count() when the last
  // buckets are empty.
  std::vector<std::uint64_t> sent_per_bucket;
  std::vector<std::uint64_t> lost_per_bucket;
};

// Bytes one lane's recv()/recvfrom() calls returned: the goodput the application saw.
struct LaneGoodput {
  trace::LaneId lane = trace::kNoLane;
  std::uint64_t bytes = 0;
  std::vector<std::uint64_t> per_bucket;
};

// Two hosts and the directions between them, so a table can put "from a" beside "from b".
struct LanePair {
  trace::LaneId a = trace::kNoLane;  // the one that sent first
  trace::LaneId b = trace::kNoLane;
  int a_to_b = -1;  // index into LossStats::directions(), -1 while nothing went that way
  int b_to_a = -1;
};

// Reads a growing trace incrementally: update() looks only at events it has not read. Given
// another trace, or a limit below what it read (a replay cursor moved back), it starts over.
// Not thread-safe: the GUI thread owns it. Memory stays bounded: counters per direction, at
// most kMaxBuckets buckets per series (neighbours merge as the run grows), and the packets
// held on the wire right now.
class LossStats {
 public:
  static constexpr std::size_t kMaxBuckets = 200;
  // Fine enough for a 2 ms exchange on loopback; a long run merges its way up.
  static constexpr std::int64_t kFirstBucketNs = 10'000;

  // Reads events up to `limit` (the replay cursor) and no further than the analyzer has read,
  // so every TCP packet has its analysis; without an analyzer, no TCP counters.
  void update(const trace::Trace& trace, const proto::TcpFlowAnalyzer* analyzer,
              std::size_t limit = std::numeric_limits<std::size_t>::max());

  // Events read so far.
  std::size_t read() const { return next_; }
  // Whether any packet or relayed datagram was seen: without one, nothing can be called lost.
  bool saw_packets() const { return saw_packets_ || saw_relay_; }
  // Whether the user-space relay decided some of them (its datagrams are not IP packets).
  bool relayed() const { return saw_relay_; }
  // In the order their first packet was seen.
  const std::vector<DirectionStats>& directions() const { return directions_; }
  const std::vector<LanePair>& pairs() const { return pairs_; }
  // Lanes whose receive calls returned bytes, in the order they first did.
  const std::vector<LaneGoodput>& goodput() const { return goodput_; }
  LinkCounts total() const;

  // Buckets start at the trace's first event and are bucket_ns() long; bucket_count() covers
  // every event read so far.
  std::int64_t origin_ns() const { return origin_ns_; }
  std::int64_t bucket_ns() const { return bucket_ns_; }
  std::size_t bucket_count() const { return bucket_count_; }

 private:
  DirectionStats& direction(trace::LaneId from, trace::LaneId to);
  // The bucket of time t, after merging neighbours as often as needed for it to fit.
  std::size_t bucket_of(std::int64_t t_ns);
  void merge_buckets();
  void read_packet(std::size_t index, const trace::Event& e, std::size_t bucket, const proto::TcpFlowAnalyzer* analyzer);
  void read_relay_datagram(const trace::Event& e, std::size_t bucket);
  void count_verdict(DirectionStats& d, trace::Verdict verdict, bool reached, std::size_t bucket);
  // The Held event a released packet answers (directly or through the wire's Impairment), if any.
  std::uint64_t held_answered_by(const trace::Event& e) const;

  const trace::Trace* trace_ = nullptr;
  std::size_t next_ = 0;
  bool saw_packets_ = false;
  bool saw_relay_ = false;
  std::vector<DirectionStats> directions_;
  std::map<std::pair<trace::LaneId, trace::LaneId>, std::size_t> direction_index_;
  std::vector<LanePair> pairs_;
  std::vector<LaneGoodput> goodput_;
  std::map<trace::LaneId, std::size_t> goodput_index_;
  std::map<std::uint64_t, std::size_t> held_;  // seq of a Held event not yet answered -> direction
  std::int64_t origin_ns_ = 0;
  std::int64_t bucket_ns_ = kFirstBucketNs;
  std::size_t bucket_count_ = 0;
};

// What a plot draws: `count` values from per-bucket numbers (missing ones are 0), as running
// totals when `running_total`.
std::vector<float> plot_values(const std::vector<std::uint64_t>& per_bucket, std::size_t count, bool running_total);

}  // namespace wirestep::view
