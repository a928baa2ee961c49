// One direction of a TCP connection put back in order: arrived segments in, in-order stream bytes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "proto/packet/packet_summary.h"

namespace wirestep::proto {

// A run of in-order stream bytes and the packet that carried them. The bytes point into the
// packet's payload in the trace (stable for the trace's lifetime), so nothing is copied.
struct StreamPiece {
  std::size_t packet_index = 0;    // trace index of the packet
  std::uint64_t stream_offset = 0;  // 0 = the first data byte after the SYN
  std::uint32_t ip_offset = 0;      // where the bytes start inside the IP packet (event.payload)
  std::span<const std::byte> bytes;

  std::uint64_t end() const { return stream_offset + bytes.size(); }
};

struct ReassemblyLimits {
  // Out-of-order bytes waiting for a hole to be filled. Beyond this a segment is not kept: the
  // sender retransmits it anyway once the hole is filled (as a receiver with a full buffer).
  std::size_t max_buffered_bytes = std::size_t{4} << 20;
  std::size_t max_buffered_segments = 4096;
};

// Feed it the arrived segments of one direction in trace order (what the receiving kernel
// got: no Held, Dropped or checksum-damaged packets). Bytes seen before come out once, from
// the first packet that carried them; a segment beyond a hole waits until the hole is filled.
// Sequence numbers are compared modulo 2^32 against the next expected one, so the 2^32 wrap
// is invisible here.
class TcpStreamReassembler {
 public:
  explicit TcpStreamReassembler(ReassemblyLimits limits = {});

  // One segment: summary of the IP packet and the packet's bytes as the trace kept them.
  // Appends to out the pieces that are now in order (this segment's new bytes and any
  // buffered ones it made contiguous), in stream order.
  void add(std::size_t packet_index, const PacketSummary& summary,
           std::span<const std::byte> ip_packet, std::vector<StreamPiece>& out);

  bool started() const { return started_; }
  std::uint64_t next_offset() const { return next64_; }  // in-order bytes delivered so far
  // The sender's FIN has been reached in order: no more bytes will come.
  bool finished() const { return fin_known_ && next64_ >= fin64_; }
  bool reset() const { return reset_; }
  // The trace did not keep all of a segment's bytes (its byte cap): the stream cannot be
  // rebuilt past that point.
  bool incomplete() const { return incomplete_; }

  std::uint64_t duplicate_bytes() const { return duplicate_bytes_; }  // seen before, skipped
  std::uint64_t buffered_bytes() const { return buffered_bytes_; }    // waiting beyond a hole
  std::uint64_t refused_bytes() const { return refused_bytes_; }      // over the buffer limit

 private:
  struct Pending {
    std::size_t packet_index = 0;
    std::uint32_t ip_offset = 0;
    std::span<const std::byte> bytes;
  };
  std::int64_t offset_of(std::uint32_t seq) const {
    return static_cast<std::int64_t>(next64_) + static_cast<std::int32_t>(seq - next32_);
  }
  void deliver(std::size_t packet_index, std::int64_t offset, std::uint32_t ip_offset,
               std::span<const std::byte> bytes, std::vector<StreamPiece>& out);
  void drain(std::vector<StreamPiece>& out);

  ReassemblyLimits limits_;
  bool started_ = false;
  std::uint32_t next32_ = 0;  // the sequence number of stream offset next64_
  std::uint64_t next64_ = 0;
  bool fin_known_ = false;
  std::uint64_t fin64_ = 0;
  bool reset_ = false;
  bool incomplete_ = false;
  std::map<std::uint64_t, Pending> pending_;  // by stream offset
  std::uint64_t buffered_bytes_ = 0;
  std::uint64_t duplicate_bytes_ = 0;
  std::uint64_t refused_bytes_ = 0;
};

}  // namespace wirestep::proto
