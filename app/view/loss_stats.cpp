// LossStats: one pass over new events. A packet counts once, when the wire or relay decided its
// fate; a Held event is not traffic (the same packet is decided later), only "waiting now".
#include "view/loss_stats.h"

#include <algorithm>

namespace wirestep::view {
namespace {

void merge_pairs(std::vector<std::uint64_t>& values) {
  std::vector<std::uint64_t> merged((values.size() + 1) / 2, 0);
  for (std::size_t i = 0; i < values.size(); ++i) merged[i / 2] += values[i];
  values = std::move(merged);
}

void add_at(std::vector<std::uint64_t>& values, std::size_t bucket, std::uint64_t amount) {
  if (values.size() <= bucket) values.resize(bucket + 1, 0);
  values[bucket] += amount;
}

// The relay reports each datagram as an Impairment event with both ends named; the virtual
// wire's Impairment events only explain a Packet event (they name no ends) and are not traffic.
bool is_relay_datagram(const trace::Event& e) {
  return e.kind == trace::EventKind::Impairment && e.from != trace::kNoLane && e.to != trace::kNoLane;
}

}  // namespace

void LossStats::update(const trace::Trace& trace, const proto::TcpFlowAnalyzer* analyzer, std::size_t limit) {
  if (trace_ != &trace || limit < next_) {
    *this = LossStats{};
    trace_ = &trace;
  }
  std::size_t end = std::min(limit, trace.size());
  if (analyzer != nullptr) end = std::min(end, analyzer->analysed());
  if (next_ == 0 && end > 0) origin_ns_ = trace[0].t_ns;
  for (; next_ < end; ++next_) {
    const trace::Event& e = trace[next_];
    const std::size_t bucket = bucket_of(e.t_ns);
    switch (e.kind) {
      case trace::EventKind::Packet: read_packet(next_, e, bucket, analyzer); break;
      case trace::EventKind::Impairment:
        if (is_relay_datagram(e)) read_relay_datagram(e, bucket);
        break;
      case trace::EventKind::SocketCall:
        if ((e.call == trace::Call::Recv || e.call == trace::Call::RecvFrom) && e.result > 0) {
          auto [it, created] = goodput_index_.try_emplace(e.lane, goodput_.size());
          if (created) goodput_.push_back({e.lane, 0, {}});
          LaneGoodput& g = goodput_[it->second];
          g.bytes += static_cast<std::uint64_t>(e.result);
          add_at(g.per_bucket, bucket, static_cast<std::uint64_t>(e.result));
        }
        break;
      default: break;
    }
  }
}

DirectionStats& LossStats::direction(trace::LaneId from, trace::LaneId to) {
  const auto [it, created] = direction_index_.try_emplace({from, to}, directions_.size());
  if (!created) return directions_[it->second];
  const int index = static_cast<int>(directions_.size());
  directions_.push_back({from, to, {}, {}, {}});
  const auto pair = std::find_if(pairs_.begin(), pairs_.end(), [&](const LanePair& p) {
    return (p.a == from && p.b == to) || (p.a == to && p.b == from);
  });
  if (pair == pairs_.end()) {
    pairs_.push_back({from, to, index, -1});
  } else if (pair->a == from) {
    pair->a_to_b = index;
  } else {
    pair->b_to_a = index;
  }
  return directions_.back();
}

std::size_t LossStats::bucket_of(std::int64_t t_ns) {
  const auto since = static_cast<std::uint64_t>(std::max<std::int64_t>(0, t_ns - origin_ns_));
  while (since / static_cast<std::uint64_t>(bucket_ns_) >= kMaxBuckets) merge_buckets();
  const auto bucket = static_cast<std::size_t>(since / static_cast<std::uint64_t>(bucket_ns_));
  bucket_count_ = std::max(bucket_count_, bucket + 1);
  return bucket;
}

// Neighbours merge in pairs from the origin, so the buckets are the same however the trace was
// read in pieces: an incremental reader ends where a one-shot reader does.
void LossStats::merge_buckets() {
  bucket_ns_ *= 2;
  bucket_count_ = (bucket_count_ + 1) / 2;
  for (DirectionStats& d : directions_) {
    merge_pairs(d.sent_per_bucket);
    merge_pairs(d.lost_per_bucket);
  }
  for (LaneGoodput& g : goodput_) merge_pairs(g.per_bucket);
}

std::uint64_t LossStats::held_answered_by(const trace::Event& e) const {
  const auto event_at = [&](std::uint64_t seq) -> const trace::Event* {
    if (seq == trace::kNoSeq || seq >= next_) return nullptr;
    const trace::Event& linked = (*trace_)[static_cast<std::size_t>(seq)];
    return linked.seq == seq ? &linked : nullptr;
  };
  const trace::Event* cause = event_at(e.link);
  if (cause != nullptr && cause->kind == trace::EventKind::Impairment) cause = event_at(cause->link);
  if (cause != nullptr && cause->kind == trace::EventKind::Packet && cause->verdict == trace::Verdict::Held) {
    return cause->seq;
  }
  return trace::kNoSeq;
}

void LossStats::count_verdict(DirectionStats& d, trace::Verdict verdict, bool reached, std::size_t bucket) {
  LinkCounts& c = d.counts;
  if (verdict == trace::Verdict::Duplicated) {
    ++c.duplicated;  // the link's doing: the sender sent it once
    return;
  }
  ++c.sent;
  add_at(d.sent_per_bucket, bucket, 1);
  bool lost = false;
  switch (verdict) {
    case trace::Verdict::Dropped:
      ++c.dropped;
      lost = true;
      break;
    case trace::Verdict::Corrupted:
      ++c.damaged;
      if (reached) {
        ++c.arrived;
      } else {
        ++c.discarded;
        lost = true;
      }
      break;
    case trace::Verdict::Delayed:
      ++c.delayed;
      ++c.arrived;
      break;
    default: ++c.arrived; break;
  }
  if (lost) add_at(d.lost_per_bucket, bucket, 1);
}

void LossStats::read_packet(std::size_t index, const trace::Event& e, std::size_t bucket,
                            const proto::TcpFlowAnalyzer* analyzer) {
  saw_packets_ = true;
  DirectionStats& d = direction(e.from, e.to);
  const std::size_t here = static_cast<std::size_t>(&d - directions_.data());
  if (e.verdict == trace::Verdict::Held) {
    held_.emplace(e.seq, here);
    ++d.counts.held_now;
    return;
  }
  // Every copy of a released packet links back to the same hold: it is answered once.
  if (const std::uint64_t held = held_answered_by(e); held != trace::kNoSeq) {
    if (const auto it = held_.find(held); it != held_.end()) {
      --directions_[it->second].counts.held_now;
      held_.erase(it);
    }
  }
  count_verdict(d, e.verdict, proto::reached_receiver(e), bucket);

  // A copy the wire made says nothing about what the sender did.
  if (analyzer == nullptr || e.verdict == trace::Verdict::Duplicated) return;
  const proto::PacketAnalysis* a = analyzer->at(index);
  if (a == nullptr || !a->tcp || a->has(proto::kNoteWireDuplicate)) return;
  LinkCounts& c = d.counts;
  ++c.tcp_packets;
  if (a->has(proto::kNoteRetransmission)) ++c.retransmissions;
  if (a->has(proto::kNoteFastRetransmission)) ++c.fast_retransmissions;
  if (a->has(proto::kNoteDuplicateAck)) ++c.duplicate_acks;
  if (a->has(proto::kNoteOutOfOrder)) ++c.out_of_order;
}

void LossStats::read_relay_datagram(const trace::Event& e, std::size_t bucket) {
  saw_relay_ = true;
  // The relay forwards a damaged datagram as it is, and the kernel's checksum is recomputed
  // on loopback: it reaches the receiver.
  count_verdict(direction(e.from, e.to), e.verdict, true, bucket);
}

LinkCounts LossStats::total() const {
  LinkCounts sum;
  for (const DirectionStats& d : directions_) {
    const LinkCounts& c = d.counts;
    sum.sent += c.sent;
    sum.arrived += c.arrived;
    sum.dropped += c.dropped;
    sum.damaged += c.damaged;
    sum.discarded += c.discarded;
    sum.duplicated += c.duplicated;
    sum.delayed += c.delayed;
    sum.held_now += c.held_now;
    sum.tcp_packets += c.tcp_packets;
    sum.retransmissions += c.retransmissions;
    sum.fast_retransmissions += c.fast_retransmissions;
    sum.duplicate_acks += c.duplicate_acks;
    sum.out_of_order += c.out_of_order;
  }
  return sum;
}

std::vector<float> plot_values(const std::vector<std::uint64_t>& per_bucket, std::size_t count, bool running_total) {
  std::vector<float> out(count, 0.0f);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t v = i < per_bucket.size() ? per_bucket[i] : 0;
    sum = running_total ? sum + v : v;
    out[i] = static_cast<float>(sum);
  }
  return out;
}

}  // namespace wirestep::view
