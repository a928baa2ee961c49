// TcpFlowAnalyzer: per-direction sequence bookkeeping that turns a trace's TCP packets into notes.
#include "proto/packet/tcp_flow_analyzer.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "proto/packet/checksum.h"
#include "proto/packet/ip_layout.h"
#include "proto/packet/packet_summary.h"

namespace wirestep::proto {
namespace {

// Sent-segment records kept per direction before the acknowledged ones are forgotten: enough
// to name the original of any retransmission a lesson produces, bounded for long transfers.
constexpr std::size_t kSegmentsKept = 4096;
// Wire duplicates leave together with their original, so only the last few can be copied.
constexpr std::size_t kRecentOriginals = 16;
constexpr std::uint32_t kFastRetransmitDupAcks = 3;
// Flow keys for packets without a trace flow id live above every real FlowId.
constexpr std::uint64_t kUnnamedFlowBase = std::uint64_t{1} << 32;

// What happened to a packet, as far as TCP at the receiver is concerned.
enum class Fate { Skip, Arrived, Dropped, Damaged };

Fate fate_of(const trace::Event& packet) {
  switch (packet.verdict) {
    case trace::Verdict::Held: return Fate::Skip;
    case trace::Verdict::Dropped: return Fate::Dropped;
    default: return reached_receiver(packet) ? Fate::Arrived : Fate::Damaged;
  }
}

std::uint16_t read_u16(std::span<const std::byte> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(bytes[at]) << 8) |
                                    std::to_integer<unsigned>(bytes[at + 1]));
}

// Both ones' complement zeros pass, as at a real receiver.
bool transport_checksum_ok(std::span<const std::byte> packet, const IpLayout& l) {
  if (!l.first_fragment) return true;  // the checksum covers the whole datagram: unknowable here
  const auto segment = packet.subspan(l.transport_offset, l.end - l.transport_offset);
  switch (l.protocol) {
    case kIpProtoTcp: return verify_checksum(segment, &l.pseudo);
    case kIpProtoUdp:
      if (l.version == 4 && segment.size() >= 8 && read_u16(segment, 6) == 0) return true;
      return verify_checksum(segment, &l.pseudo);
    case kIpProtoIcmp: return verify_checksum(segment);
    case kIpProtoIcmpv6: return verify_checksum(segment, &l.pseudo);
    default: return true;
  }
}

std::string index_text(std::size_t index) { return fmt::format("#{}", index); }

}  // namespace

bool reached_receiver(const trace::Event& packet) {
  if (packet.kind != trace::EventKind::Packet) return false;
  switch (packet.verdict) {
    case trace::Verdict::Held:
    case trace::Verdict::Dropped: return false;
    case trace::Verdict::Corrupted:
    case trace::Verdict::Duplicated: break;  // a copy carries the original's damage too
    default: return true;
  }
  const auto bytes = packet.payload.span();
  const IpLayout l = locate_ip(bytes);
  // Bytes the trace did not keep cannot be checked; the kernel saw them whole, so trust it.
  if (!l.ok() || l.truncated || packet.payload_truncated()) return true;
  if (l.version == 4 && internet_checksum(bytes.first(l.header_length)) != 0) return false;
  return transport_checksum_ok(bytes, l);
}

// ---------------------------------------------------------------------------------------------

std::string PacketAnalysis::text() const {
  if (!tcp) return "";
  std::vector<std::string> parts;
  if (has(kNoteWireDuplicate)) {
    parts.push_back(repeats ? fmt::format("A copy the wire made of {}, not a retransmission",
                                          index_text(*repeats))
                            : std::string("A copy the wire made, not a retransmission"));
  }
  if (has(kNoteHandshakeSyn)) parts.emplace_back("Handshake 1/3: SYN");
  if (has(kNoteHandshakeSynAck)) parts.emplace_back("Handshake 2/3: SYN-ACK");
  if (has(kNoteHandshakeAck)) parts.emplace_back("Handshake 3/3: ACK");
  if (has(kNoteRetransmission)) {
    std::string text = has(kNoteFastRetransmission)
                           ? fmt::format("Fast retransmission (after {} duplicate ACKs)",
                                         duplicate_ack_count)
                           : std::string("Retransmission");
    if (repeats && repeats != caused_by_drop) text += " of " + index_text(*repeats);
    if (caused_by_drop) {
      const bool lost_again = has(kNoteWireDrop) || has(kNoteWireDamaged);
      text += fmt::format(" \u2014 {} the packet the wire {} ({})", lost_again ? "resends" : "repairs",
                          caused_by_damage ? "damaged" : "dropped", index_text(*caused_by_drop));
    }
    parts.push_back(std::move(text));
  }
  if (has(kNoteDuplicateAck)) {
    std::string text = fmt::format("Duplicate ACK #{}", duplicate_ack_count);
    if (repeats) text += fmt::format(" (of {})", index_text(*repeats));
    parts.push_back(std::move(text));
  }
  if (has(kNoteOutOfOrder)) parts.emplace_back("Out of order: sent before data that arrived earlier");
  if (has(kNoteKeepAlive)) parts.emplace_back("Keep-alive: is the other side still there?");
  if (has(kNoteZeroWindow)) parts.emplace_back("Zero window: the receiver's buffer is full");
  if (has(kNoteWindowUpdate)) parts.emplace_back("Window update: same ACK, new window");
  if (has(kNoteTeardownFin)) parts.emplace_back("FIN: this side sends no more data");
  if (has(kNoteTeardownAck)) parts.emplace_back("ACK of the FIN");
  if (has(kNoteReset)) parts.emplace_back("Reset (RST): the connection is aborted");
  if (has(kNoteWireDrop)) parts.emplace_back("Dropped by the wire: it never reached its host");
  if (has(kNoteWireDamaged)) {
    parts.emplace_back("Damaged by the wire: the checksum fails, so the receiver discards it");
  }
  // A reset that refuses a SYN has no sequence space of its own to be relative to: saying
  // the capture began mid-connection would be wrong there.
  if (!isn_known && !has(kNoteReset)) {
    parts.emplace_back("numbers relative to the first packet seen (capture began mid-connection)");
  }
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += "; ";
    out += part;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

// One direction of a connection. Sequence numbers are unwrapped to 64 bits around a moving
// reference (the highest end sent), so every comparison below is plain integer arithmetic
// and correct across the 2^32 wrap as long as packets are within 2 GiB of each other.
struct TcpFlowAnalyzer::Direction {
  struct Segment {
    std::int64_t end = 0;
    std::size_t index = 0;  // the trace index of the first packet that carried this start
  };
  // Sequence space the wire saw go out but the receiver never got (dropped or damaged).
  struct Loss {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::size_t index = 0;
    bool damaged = false;
  };
  // A recent packet a wire duplicate may be a copy of.
  struct Original {
    std::uint64_t link = trace::kNoSeq;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t length = 0;
    std::uint8_t flags = 0;
    std::size_t index = 0;
  };

  bool started = false;    // base32 is set
  bool isn_known = false;  // base32 is the ISN from this side's SYN
  bool syn_seen = false;
  std::uint32_t base32 = 0;
  std::uint32_t ref32 = 0;
  std::int64_t ref64 = 0;
  std::int64_t next64 = 0;  // the highest sequence end sent (arrived, dropped or damaged)

  std::map<std::int64_t, std::int64_t> covered;  // disjoint [start, end) ranges already sent
  std::map<std::int64_t, Segment> segments;      // by start: who carried it first
  std::vector<Loss> losses;                      // waiting for their repair

  bool fin_seen = false;
  bool fin_acked = false;
  std::int64_t fin_end64 = 0;

  // This side as the acknowledger of the other side's data.
  bool ack_valid = false;
  std::int64_t last_ack64 = 0;
  std::size_t last_ack_index = 0;  // the first packet that carried last_ack64
  std::uint32_t dup_streak = 0;
  std::int64_t max_ack64 = 0;
  bool window_valid = false;
  std::uint16_t last_window = 0;

  std::deque<Original> originals;

  void start(std::uint32_t base, bool isn) {
    *this = Direction{};
    started = true;
    isn_known = isn;
    base32 = base;
    ref32 = base;
  }
  std::int64_t unwrap(std::uint32_t value) const {
    return ref64 + static_cast<std::int32_t>(value - ref32);
  }

  bool overlaps(std::int64_t start, std::int64_t end) const {
    auto after = covered.upper_bound(start);
    if (after != covered.end() && after->first < end) return true;
    if (after == covered.begin()) return false;
    return std::prev(after)->second > start;
  }

  // The packet that first carried the sequence number start (or else the earliest one
  // overlapping the range).
  std::optional<std::size_t> original(std::int64_t start, std::int64_t end) const {
    auto at = segments.upper_bound(start);
    if (at != segments.begin() && std::prev(at)->second.end > start) return std::prev(at)->second.index;
    if (at != segments.end() && at->first < end) return at->second.index;
    return std::nullopt;
  }

  const Loss* loss_overlapping(std::int64_t start, std::int64_t end) const {
    const Loss* found = nullptr;
    for (const Loss& loss : losses) {
      if (loss.start < end && start < loss.end && (found == nullptr || loss.index < found->index)) {
        found = &loss;
      }
    }
    return found;
  }

  // An arrived segment [start, end) fills what was lost there.
  void repair(std::int64_t start, std::int64_t end) {
    std::vector<Loss> kept;
    for (Loss loss : losses) {
      if (loss.end <= start || end <= loss.start) {
        kept.push_back(loss);
      } else if (start <= loss.start && end >= loss.end) {
        continue;  // wholly repaired
      } else if (start <= loss.start) {
        loss.start = end;
        kept.push_back(loss);
      } else if (end >= loss.end) {
        loss.end = start;
        kept.push_back(loss);
      } else {
        kept.push_back(loss);  // a hole in the middle: still waiting for the rest
      }
    }
    losses = std::move(kept);
  }

  void record_sent(std::uint32_t seq, std::int64_t start, std::int64_t end, std::size_t index) {
    if (end > next64) next64 = end;
    if (end > ref64) {
      ref32 = seq + static_cast<std::uint32_t>(end - start);
      ref64 = end;
    }
    if (end <= start) return;
    segments.try_emplace(start, Segment{end, index});
    // Merge [start, end) into the disjoint covered ranges.
    std::int64_t s = start;
    std::int64_t e = end;
    auto it = covered.upper_bound(s);
    if (it != covered.begin() && std::prev(it)->second >= s) {
      --it;
      s = it->first;
      e = std::max(e, it->second);
      it = covered.erase(it);
    }
    while (it != covered.end() && it->first <= e) {
      e = std::max(e, it->second);
      it = covered.erase(it);
    }
    covered.emplace(s, e);
  }

  // Forgets what the other side has acknowledged, once there is a lot of it.
  void prune(std::int64_t acked) {
    if (segments.size() <= kSegmentsKept) return;
    while (!segments.empty() && segments.begin()->second.end <= acked) segments.erase(segments.begin());
    std::erase_if(losses, [&](const Loss& loss) { return loss.end <= acked; });
  }

  const Original* find_original(const Original& copy) const {
    for (auto it = originals.rbegin(); it != originals.rend(); ++it) {
      if (it->link == copy.link && it->seq == copy.seq && it->ack == copy.ack &&
          it->length == copy.length && it->flags == copy.flags) {
        return &*it;
      }
    }
    return nullptr;
  }
  void remember_original(const Original& packet) {
    originals.push_back(packet);
    if (originals.size() > kRecentOriginals) originals.pop_front();
  }
};

struct TcpFlowAnalyzer::Flow {
  trace::Address a;  // direction 0 is what a sends; the first sender seen
  Direction dir[2];
  int syn_from = -1;  // which direction sent the opening SYN
  bool handshake_done = false;
};

TcpFlowAnalyzer::TcpFlowAnalyzer() = default;
TcpFlowAnalyzer::~TcpFlowAnalyzer() = default;
TcpFlowAnalyzer::TcpFlowAnalyzer(TcpFlowAnalyzer&&) noexcept = default;
TcpFlowAnalyzer& TcpFlowAnalyzer::operator=(TcpFlowAnalyzer&&) noexcept = default;

void TcpFlowAnalyzer::reset() {
  next_ = 0;
  indices_.clear();
  results_.clear();
  flows_.clear();
  unnamed_flows_.clear();
}

void TcpFlowAnalyzer::update(const trace::Trace& trace) {
  if (trace_ != &trace) {
    reset();
    trace_ = &trace;
  }
  const std::size_t end = trace.size();  // once: producers keep appending meanwhile
  for (; next_ < end; ++next_) analyse(next_, trace[next_]);
}

const PacketAnalysis* TcpFlowAnalyzer::at(std::size_t index) const {
  const auto it = std::lower_bound(indices_.begin(), indices_.end(), index);
  if (it == indices_.end() || *it != index) return nullptr;
  return &results_[static_cast<std::size_t>(it - indices_.begin())];
}

TcpFlowAnalyzer::Flow& TcpFlowAnalyzer::flow_for(const trace::Event& event, const trace::Address& src,
                                                 const trace::Address& dst) {
  std::uint64_t key = event.flow;
  if (event.flow == trace::kNoFlow) {
    std::string a = src.to_string();
    std::string b = dst.to_string();
    if (b < a) std::swap(a, b);
    const auto [it, added] =
        unnamed_flows_.try_emplace({a, b}, kUnnamedFlowBase + unnamed_flows_.size());
    key = it->second;
  }
  auto& slot = flows_[key];
  if (!slot) {
    slot = std::make_unique<Flow>();
    slot->a = src;
  }
  return *slot;
}

void TcpFlowAnalyzer::analyse(std::size_t index, const trace::Event& event) {
  if (event.kind != trace::EventKind::Packet) return;
  const Fate fate = fate_of(event);
  if (fate == Fate::Skip) return;
  const PacketSummary s = summarize(event.payload.span());
  // payload_offset is set once the whole TCP header is there (even if the trace cut the data).
  if (s.transport != trace::Transport::Tcp || s.payload_offset == 0) return;

  Flow* flow = &flow_for(event, s.src, s.dst);
  int d = s.src == flow->a ? 0 : 1;
  const bool syn = s.has_flag(TcpFlags::kSyn);
  const bool ack = s.has_flag(TcpFlags::kAck);
  const bool fin = s.has_flag(TcpFlags::kFin);
  const bool rst = s.has_flag(TcpFlags::kRst);
  // A damaged packet without payload had the bit flipped in its TCP header: its numbers and
  // flags cannot be trusted, so it teaches nothing about the connection.
  const bool trusted = fate != Fate::Damaged || s.payload_length > 0;

  PacketAnalysis a;
  a.tcp = true;
  a.payload_length = s.payload_length;
  auto relative = [&](const Direction& snd, const Direction& rcv) {
    a.relative_seq = s.tcp_seq - snd.base32;
    a.relative_ack = ack ? s.tcp_ack - rcv.base32 : 0;
    a.isn_known = snd.isn_known && (!ack || rcv.isn_known);
  };
  auto keep = [&] {
    indices_.push_back(index);
    results_.push_back(a);
  };

  // A second copy the wire made: the receiver sees it, but the sender did nothing.
  const Direction::Original me{event.link, s.tcp_seq, s.tcp_ack, s.payload_length, s.tcp_flags, index};
  if (event.verdict == trace::Verdict::Duplicated && flow->dir[d].started) {
    if (const auto* first = flow->dir[d].find_original(me)) {
      a.notes = kNoteWireDuplicate | (fate == Fate::Damaged ? kNoteWireDamaged : 0u);
      a.repeats = first->index;
      relative(flow->dir[d], flow->dir[1 - d]);
      keep();
      return;
    }
  }
  if (!trusted) {
    a.notes = kNoteWireDamaged;
    if (flow->dir[d].started) relative(flow->dir[d], flow->dir[1 - d]);
    keep();
    return;
  }

  // An opening SYN with a new ISN on a known flow: the 4-tuple was reused by a new connection.
  if (syn && !ack) {
    const Direction& snd = flow->dir[d];
    const bool same = snd.syn_seen && snd.isn_known && snd.base32 == s.tcp_seq;
    const bool fresh = !flow->dir[0].started && !flow->dir[1].started;
    if (!same && !fresh) {
      *flow = Flow{};
      flow->a = s.src;
      d = 0;
    }
  }
  Direction& snd = flow->dir[d];
  Direction& rcv = flow->dir[1 - d];
  // Every copy the wire makes shares the original's link: remember originals to know copies by.
  auto remember_copies = [&] {
    if (event.verdict == trace::Verdict::Duplicated || event.verdict == trace::Verdict::Corrupted) {
      snd.remember_original(me);
    }
  };
  if (syn && !snd.syn_seen) {
    snd.start(s.tcp_seq, true);
  } else if (!snd.started) {
    snd.start(s.tcp_seq, false);
  }
  if (syn) {
    snd.syn_seen = true;
    if (!ack) flow->syn_from = d;
  }
  if (ack && !rcv.started) rcv.start(s.tcp_ack, false);

  const std::int64_t seglen = std::int64_t{s.payload_length} + (syn ? 1 : 0) + (fin ? 1 : 0);
  const std::int64_t seq64 = snd.unwrap(s.tcp_seq);
  const std::int64_t end64 = seq64 + seglen;
  const std::int64_t ack64 = ack ? rcv.unwrap(s.tcp_ack) : 0;
  relative(snd, rcv);

  if (syn) a.notes |= ack ? kNoteHandshakeSynAck : kNoteHandshakeSyn;
  if (fin) a.notes |= kNoteTeardownFin;
  if (rst) a.notes |= kNoteReset;

  if (fate != Fate::Arrived) {
    // Sent but lost: the sender will send this sequence space again.
    a.notes |= fate == Fate::Dropped ? kNoteWireDrop : kNoteWireDamaged;
    if (seglen > 0) {
      if (snd.overlaps(seq64, end64)) {
        a.notes |= kNoteRetransmission;
        a.repeats = snd.original(seq64, end64);
        if (const auto* loss = snd.loss_overlapping(seq64, end64)) {
          a.caused_by_drop = loss->index;
          a.caused_by_damage = loss->damaged;
        }
      }
      snd.record_sent(s.tcp_seq, seq64, end64, index);
      snd.losses.push_back({seq64, end64, index, fate == Fate::Damaged});
    }
    if (fin && !snd.fin_seen) {
      snd.fin_seen = true;
      snd.fin_end64 = end64;
    }
    remember_copies();
    keep();
    return;
  }

  const std::int64_t sent_before = snd.next64;
  if (!syn && ack && !rst && d == flow->syn_from && !flow->handshake_done && rcv.syn_seen &&
      rcv.isn_known && ack64 == 1) {
    a.notes |= kNoteHandshakeAck;
    flow->handshake_done = true;
  }
  if (ack && rcv.fin_seen && !rcv.fin_acked && ack64 >= rcv.fin_end64) {
    a.notes |= kNoteTeardownAck;
    rcv.fin_acked = true;
  }

  // Keep-alive: one byte before the next sequence number, with nothing (or one old, already
  // acknowledged byte) in it. A one-byte resend of unacknowledged data is a retransmission.
  const bool keep_alive = !syn && !fin && !rst && seglen <= 1 && seq64 == sent_before - 1 &&
                          (seglen == 0 || (rcv.ack_valid && rcv.max_ack64 >= sent_before)) &&
                          snd.loss_overlapping(seq64, end64) == nullptr;
  if (keep_alive) {
    a.notes |= kNoteKeepAlive;
  } else if (seglen > 0) {
    if (snd.overlaps(seq64, end64)) {
      a.notes |= kNoteRetransmission;
      a.repeats = snd.original(seq64, end64);
      if (rcv.dup_streak >= kFastRetransmitDupAcks && rcv.ack_valid && seq64 == rcv.last_ack64) {
        a.notes |= kNoteFastRetransmission;
        a.duplicate_ack_count = rcv.dup_streak;
      }
      if (const auto* loss = snd.loss_overlapping(seq64, end64)) {
        a.caused_by_drop = loss->index;
        a.caused_by_damage = loss->damaged;
        snd.repair(seq64, end64);
      }
    } else if (seq64 < sent_before) {
      a.notes |= kNoteOutOfOrder;
    }
    snd.record_sent(s.tcp_seq, seq64, end64, index);
  }

  const bool plain = !syn && !fin && !rst;
  if (plain && s.tcp_window == 0) a.notes |= kNoteZeroWindow;
  if (plain && ack && seglen == 0 && !keep_alive && snd.ack_valid && ack64 == snd.last_ack64 &&
      seq64 == sent_before) {
    if (snd.window_valid && s.tcp_window != snd.last_window) {
      a.notes |= kNoteWindowUpdate;
    } else if (s.tcp_window != 0 && rcv.next64 > ack64) {
      // Wireshark's definition: nothing new in it — no data, no SYN/FIN/RST, the same ACK,
      // the same window, the same sequence number — while the other side has data in flight.
      // The first ACK after the SYN-ACK has no window to compare with (the SYN's is
      // unscaled); the receiver repeats its ACK there too, so it counts.
      a.notes |= kNoteDuplicateAck;
      a.duplicate_ack_count = ++snd.dup_streak;
      a.repeats = snd.last_ack_index;
    }
  }
  if (ack) {
    if (!snd.ack_valid || ack64 != snd.last_ack64) {
      snd.last_ack64 = ack64;
      snd.last_ack_index = index;
      snd.dup_streak = 0;
    }
    if (!snd.ack_valid || ack64 > snd.max_ack64) snd.max_ack64 = ack64;
    snd.ack_valid = true;
    rcv.prune(snd.max_ack64);
  }
  // A SYN's window is never scaled and later ones are: only compare windows after the SYN.
  if (!syn) {
    snd.last_window = s.tcp_window;
    snd.window_valid = true;
  }
  if (fin && !snd.fin_seen) {
    snd.fin_seen = true;
    snd.fin_end64 = end64;
  }
  remember_copies();
  keep();
}

}  // namespace wirestep::proto
