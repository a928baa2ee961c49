// Packet captions for the ladder: flags and relative sequence space in a few words.
#include "view/packet_caption.h"

#include <fmt/format.h>

#include "proto/packet/tcp_flow_analyzer.h"
#include "view/timeline_layout.h"

namespace wirestep::view {

std::string packet_caption(const trace::Event& packet, const proto::PacketSummary& summary,
                           std::optional<proto::RelativeSeq> relative, const proto::PacketAnalysis* analysis) {
  using proto::TcpFlags;
  if (packet.verdict == trace::Verdict::Dropped) {
    trace::Event delivered = packet;
    delivered.verdict = trace::Verdict::Delivered;
    return "dropped: " + packet_caption(delivered, summary, relative, analysis);
  }
  if (summary.icmp) return fmt::format("ICMP {}/{}", summary.icmp_type, summary.icmp_code);
  if (summary.transport == trace::Transport::Udp) return fmt::format("UDP {} B", summary.payload_length);
  if (summary.transport != trace::Transport::Tcp) return fmt::format("IP {} B", packet.payload_size);

  std::string text;
  auto flag = [&](std::uint8_t bit, const char* name) {
    if (!summary.has_flag(bit)) return;
    if (!text.empty()) text += ' ';
    text += name;
  };
  flag(TcpFlags::kSyn, "SYN");
  flag(TcpFlags::kFin, "FIN");
  flag(TcpFlags::kRst, "RST");
  flag(TcpFlags::kAck, "ACK");
  if (text.empty()) text = "TCP";

  std::uint32_t seq = summary.tcp_seq;
  std::uint32_t ack = summary.tcp_ack;
  if (relative) {
    seq -= relative->isn_src;
    ack -= relative->isn_dst;
  }
  if (summary.payload_length > 0) {
    text += fmt::format(" {}:{} ({} B)", seq, seq + summary.payload_length, summary.payload_length);
  } else {
    text += fmt::format(" seq={}", seq);
    if (summary.has_flag(TcpFlags::kAck)) text += fmt::format(" ack={}", ack);
  }
  if (analysis != nullptr) {
    const bool fast = analysis->has(proto::kNoteFastRetransmission);
    if (fast || analysis->has(proto::kNoteRetransmission)) {
      text += fast ? " (fast retransmission" : " (retransmission";
      if (analysis->caused_by_drop) {
        text += fmt::format(", repairs drop #{})", *analysis->caused_by_drop);
      } else if (analysis->repeats) {
        text += fmt::format(" of #{})", *analysis->repeats);
      } else {
        text += ')';
      }
    }
    if (analysis->has(proto::kNoteDuplicateAck)) text += fmt::format(" (dup ACK {})", analysis->duplicate_ack_count);
    if (analysis->has(proto::kNoteOutOfOrder)) text += " (out of order)";
    if (analysis->has(proto::kNoteWireDuplicate)) text += " (copy)";
  }
  return text;
}

std::uint16_t packet_marks(const trace::Event& packet, const proto::PacketSummary& summary,
                           const proto::PacketAnalysis* analysis) {
  std::uint16_t marks = 0;
  switch (packet.verdict) {
    case trace::Verdict::Dropped: marks |= kPacketDropped; break;
    case trace::Verdict::Held: marks |= kPacketHeld; break;
    case trace::Verdict::Delayed: marks |= kPacketDelayed; break;
    case trace::Verdict::Duplicated: marks |= kPacketDuplicated; break;
    case trace::Verdict::Corrupted: marks |= kPacketCorrupted; break;
    case trace::Verdict::Delivered: break;
  }
  if (summary.transport == trace::Transport::Tcp && summary.has_flag(proto::TcpFlags::kRst)) marks |= kPacketReset;
  if (analysis != nullptr) {
    if (analysis->has(proto::kNoteRetransmission) || analysis->has(proto::kNoteFastRetransmission)) {
      marks |= kPacketRetransmission;
    }
    if (analysis->has(proto::kNoteOutOfOrder)) marks |= kPacketOutOfOrder;
    if (analysis->has(proto::kNoteDuplicateAck)) marks |= kPacketDuplicateAck;
    if (analysis->has(proto::kNoteWireDuplicate)) marks |= kPacketDuplicated;
  }
  return marks;
}

}  // namespace wirestep::view
