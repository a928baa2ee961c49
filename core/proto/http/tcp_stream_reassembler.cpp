// TcpStreamReassembler: skips what was seen, holds what came early, hands out what is now in order.
#include "proto/http/tcp_stream_reassembler.h"

#include <algorithm>

namespace wirestep::proto {
namespace {

// A segment further ahead than this is not a plausible part of the stream (a stray or a
// damaged number): TCP windows are at most 1 GiB.
constexpr std::int64_t kMaxAhead = std::int64_t{1} << 30;

}  // namespace

TcpStreamReassembler::TcpStreamReassembler(ReassemblyLimits limits) : limits_(limits) {}

void TcpStreamReassembler::add(std::size_t packet_index, const PacketSummary& summary,
                               std::span<const std::byte> ip_packet, std::vector<StreamPiece>& out) {
  const bool syn = summary.has_flag(TcpFlags::kSyn);
  const bool fin = summary.has_flag(TcpFlags::kFin);
  if (summary.has_flag(TcpFlags::kRst)) reset_ = true;
  // The SYN takes one sequence number; data (TCP Fast Open) starts after it.
  const std::uint32_t data_seq = summary.tcp_seq + (syn ? 1u : 0u);
  if (!started_) {
    // After a SYN the stream starts right behind it; mid-connection, at the first segment seen.
    started_ = true;
    next32_ = data_seq;
    next64_ = 0;
  }
  const std::int64_t at = offset_of(data_seq);
  const std::uint32_t length = summary.payload_length;
  if (fin && at + length >= 0) {
    fin_known_ = true;
    fin64_ = static_cast<std::uint64_t>(at + length);
  }
  if (length == 0 || incomplete_) return;
  const std::int64_t next = static_cast<std::int64_t>(next64_);
  if (at + length <= next) {
    duplicate_bytes_ += length;
    return;
  }
  if (summary.payload_offset + std::size_t{length} > ip_packet.size()) {
    // The trace's byte cap cut this segment: its bytes are gone for good.
    incomplete_ = true;
    return;
  }
  const auto bytes = ip_packet.subspan(summary.payload_offset, length);
  if (at <= next) {
    deliver(packet_index, at, summary.payload_offset, bytes, out);
    drain(out);
    return;
  }
  if (at - next > kMaxAhead) return;
  auto existing = pending_.find(static_cast<std::uint64_t>(at));
  if (existing != pending_.end() && existing->second.bytes.size() >= length) {
    duplicate_bytes_ += length;
    return;
  }
  const std::size_t growth = length - (existing != pending_.end() ? existing->second.bytes.size() : 0);
  if (buffered_bytes_ + growth > limits_.max_buffered_bytes ||
      (existing == pending_.end() && pending_.size() >= limits_.max_buffered_segments)) {
    refused_bytes_ += length;
    return;
  }
  buffered_bytes_ += growth;
  pending_[static_cast<std::uint64_t>(at)] = Pending{packet_index, summary.payload_offset, bytes};
}

void TcpStreamReassembler::deliver(std::size_t packet_index, std::int64_t offset, std::uint32_t ip_offset,
                                   std::span<const std::byte> bytes, std::vector<StreamPiece>& out) {
  const auto skip = static_cast<std::size_t>(static_cast<std::int64_t>(next64_) - offset);
  duplicate_bytes_ += skip;
  const auto fresh = bytes.subspan(skip);
  out.push_back(StreamPiece{packet_index, next64_, ip_offset + static_cast<std::uint32_t>(skip), fresh});
  next64_ += fresh.size();
  next32_ += static_cast<std::uint32_t>(fresh.size());
}

void TcpStreamReassembler::drain(std::vector<StreamPiece>& out) {
  while (!pending_.empty() && pending_.begin()->first <= next64_) {
    const std::uint64_t offset = pending_.begin()->first;
    const Pending waiting = pending_.begin()->second;
    pending_.erase(pending_.begin());
    buffered_bytes_ -= waiting.bytes.size();
    if (offset + waiting.bytes.size() <= next64_) {
      duplicate_bytes_ += waiting.bytes.size();
      continue;
    }
    deliver(waiting.packet_index, static_cast<std::int64_t>(offset), waiting.ip_offset, waiting.bytes, out);
  }
}

}  // namespace wirestep::proto
