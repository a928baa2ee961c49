// The ladder diagram's logic without ImGui: incremental indexes, time<->pixel mapping, folding, arrows, hit tests.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"
#include "view/timeline_axis.h"

namespace wirestep::proto {
class TcpFlowAnalyzer;
}

namespace wirestep::view {

// Calls and TCP states are kept apart so a state change a microsecond after its call is drawn
// beside the call as a label instead of being folded into it.
struct LaneTrack {
  Track calls;
  Track states;
  bool packets = false;  // packets pass or are addressed here: a column even without calls
};

// Data and Handshake are inferred from socket calls; Packet is a real IP packet the wire saw.
enum class ArrowKind : std::uint8_t { Data, Handshake, Packet };

// Bytes that crossed from one lane to another: a send matched with the recv that read them, or
// one packet from its sender's host to its receiver's (from_event == to_event == the Packet).
struct Arrow {
  std::uint32_t from_event = 0;  // the send / sendto / connect; the packet
  std::uint32_t to_event = 0;    // the recv / recvfrom / accept; the packet
  trace::LaneId from_lane = trace::kNoLane;
  trace::LaneId to_lane = trace::kNoLane;
  std::int64_t t_from = 0;  // the send's start: the earliest the bytes could have left; a packet's capture
  std::int64_t t_to = 0;    // the recv's return; when the wire delivered (or dropped) the packet
  std::uint64_t offset = 0;  // stream offset of the bytes both calls share
  std::uint32_t bytes = 0;
  ArrowKind kind = ArrowKind::Data;
  trace::FlowId flow = trace::kNoFlow;

  std::int64_t t_lo() const { return t_from < t_to ? t_from : t_to; }
  std::int64_t t_hi() const { return t_from < t_to ? t_to : t_from; }
};

// Matches sends with recvs as events arrive, never rescanning the trace. TCP: the send's and
// the recv's byte ranges [stream_offset, stream_offset + result) overlap in the same flow and
// direction (a send split over two recvs gives two arrows). UDP: datagrams in order, same size.
// TCP connect/accept of one flow give an inferred handshake arrow. Packet events give one arrow
// each once the wire has decided (delivered, dropped, ...); a Held packet is kept apart until
// the event that releases it arrives.
class ArrowIndex {
 public:
  // A packet the wire held for a step: `released` is the first event that let it go (delivered,
  // dropped or delayed it), kNoEvent while it still waits.
  struct HeldPacket {
    std::uint32_t event = 0;
    std::uint64_t released = kNoEvent;
  };

  void add(const trace::Event& event, std::size_t index);
  const std::vector<Arrow>& arrows() const { return arrows_; }
  const std::vector<HeldPacket>& held() const { return held_; }
  // Whether real packets of this flow were seen: its inferred arrows would double the picture.
  bool flow_has_packets(trace::FlowId flow) const {
    return flow < packet_flows_.size() && packet_flows_[flow] != 0;
  }
  // The initial sequence number a sender used on this flow (learnt from its SYN, held or not),
  // so captions can show relative numbers even for packets the analyzer has not seen yet.
  std::optional<std::uint32_t> isn(trace::FlowId flow, const trace::Address& sender) const;
  // Calls visit(arrow, count) for arrows that cross [t0, t1] drawn from an event before
  // `limit`. Arrows whose later end comes before fold_end(arrow) of a drawn one are counted
  // into it (fold_end(arrow) > arrow.t_hi(); Axis::fold_end says how far that is on screen).
  template <class FoldEnd, class Visit>
  void visit(std::int64_t t0, std::int64_t t1, std::size_t limit, FoldEnd&& fold_end, Visit&& visit) const;

 private:
  // One direction of one flow, named by the sender's port. Not its IP: a socket bound
  // implicitly by sendto() records 0.0.0.0 while its peer sees 127.0.0.1.
  struct Key {
    trace::FlowId flow = 0;
    std::uint8_t family = 0;
    std::uint16_t port = 0;
    auto operator<=>(const Key&) const = default;
  };
  struct Segment {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::uint32_t event = 0;
    trace::LaneId lane = trace::kNoLane;
    std::int64_t t = 0;  // send: start; recv: return
    std::uint32_t size = 0;
  };
  struct Stream {
    std::vector<Segment> sends;  // ascending offsets (one sending socket per direction)
    std::vector<Segment> recvs;
    std::size_t udp_send_head = 0;  // first send not yet matched (datagrams)
    std::size_t udp_recv_head = 0;
  };
  struct Connect {
    std::uint32_t event = 0;
    trace::LaneId lane = trace::kNoLane;
    std::int64_t t_start = 0;
    std::int64_t t_end = 0;
  };
  // Arrows by how long they span (bucket = bit width of t_hi - t_lo), each sorted by t_hi,
  // so a time range query stops early: an arrow in bucket b starts at most 2^b before it ends.
  struct Bucket {
    std::vector<std::int64_t> t_hi;
    std::vector<std::uint32_t> arrow;
  };

  void push(const Arrow& arrow);
  // Takes the inferred arrows of a flow out of the range queries once its real packets appear.
  void hide_inferred(trace::FlowId flow);
  void add_packet(const trace::Event& event, std::uint32_t index);
  void match_tcp(Stream& stream, const Segment& segment, bool is_send, trace::FlowId flow);
  void match_udp(Stream& stream, const Segment& segment, bool is_send, trace::FlowId flow);

  const trace::Trace* trace_ = nullptr;
  std::map<Key, Stream> streams_;
  std::map<trace::FlowId, Connect> connects_;
  std::map<trace::FlowId, Connect> accepts_;
  std::vector<Arrow> arrows_;
  std::array<Bucket, 65> buckets_{};         // inferred arrows
  std::array<Bucket, 65> packet_buckets_{};  // packet arrows
  std::vector<HeldPacket> held_;
  std::map<std::uint64_t, std::size_t> held_by_seq_;  // a Held event's seq -> its place in held_
  std::vector<std::uint8_t> packet_flows_;            // by flow id: 1 when a packet was seen
  std::map<std::pair<trace::FlowId, std::uint16_t>, std::uint32_t> isns_;  // (flow, sender port)

  friend class TimelineIndex;
};

// Everything the timeline needs from the trace, grown as events arrive (update is O(new)).
class TimelineIndex {
 public:
  void update(const trace::Trace& trace);
  std::size_t indexed() const { return indexed_; }
  const trace::Trace* trace() const { return trace_; }

  const LaneTrack* lane(trace::LaneId id) const { return id < lanes_.size() ? &lanes_[id] : nullptr; }
  const Track& cues() const { return cues_; }
  // Sequence spacing's rows: every event above with a mark, and each packet drawn as an arrow.
  const Rows& rows() const { return rows_; }
  const ArrowIndex& arrows() const { return arrows_; }
  // Lanes drawn as columns, left to right: clients, wire, other actors, server. A lane with only
  // narration cues (the "lesson" lane) is no column: its cues mark the time axis instead.
  const std::vector<trace::LaneId>& columns() const { return columns_; }

 private:
  const trace::Trace* trace_ = nullptr;
  std::size_t indexed_ = 0;
  std::vector<LaneTrack> lanes_;
  Track cues_;
  Rows rows_;
  ArrowIndex arrows_;
  std::vector<trace::LaneId> columns_;
};

// Where the timeline is drawn, in screen pixels, and the font's size (for label spacing).
struct Viewport {
  float x = 0;
  float y = 0;
  float width = 800;
  float height = 600;
  float line_height = 16;
  float char_width = 8;

  float header_height() const { return line_height * 1.8f; }
  // A row's height in Sequence spacing when there is room: call boxes on one lane stay apart
  // and a packet's caption fits between its row and the one above.
  float row_height() const { return line_height * 1.9f; }
  float axis_width() const { return char_width * 11; }
  // Room left of the first lane for narration cue labels, right of the last for TCP states.
  float cue_width() const { return char_width * 17; }
  float state_width() const { return char_width * 14; }
  float plot_top() const { return y + header_height(); }
  float plot_bottom() const { return y + height; }
};

// In paint order: later kinds are drawn on top of earlier ones.
enum class PrimKind : std::uint8_t {
  LaneLine,    // x0, y0..y1; text = lane name
  AxisTick,    // y0; text = time (in Sequence spacing: the time of the row at y0)
  AxisPause,   // Sequence spacing: y0 is between two rows the clock ran on for a while; text = "+45 s"
  CueMark,     // y0 on the axis; text = cue anchor (a fold when count > 1)
  NowLine,     // y0: the live "now" or the replay cursor
  BlockBar,    // x0, y0..y1: the call blocked this long
  Handshake,   // inferred TCP handshake: SYN, SYN-ACK, ACK zig-zag between (x0, y0) and (x1, y1)
  PacketLink,  // dotted: from a dropped packet's cross (x0, y0) to the start (x1, y1) of the
               // retransmission that repairs it; event = the retransmission, event2 = the drop
  Arrow,       // (x0, y0) -> (x1, y1); text = bytes and a preview
  PacketArrow, // a real packet from its sender's column (x0, y0) to (x1, y1): the receiver's column
               // when it arrived; the wire's column when it was dropped (a cross at (x1, y1)) or is
               // still held (y1 = now). `packet` holds PacketMark bits; text = "SYN seq=0",
               // "ACK 1:46 (45 B)"; a fold of `count` packets when count > 1
  Fold,        // x0, y0..y1: `count` events too close to tell apart
  CallMark,    // centred at (x0, y0); text = short call label
  StateLabel,  // TCP state change, text left-aligned at (x0, y0)
  Pending,     // the call waiting at the stepper's gate, at (x0, y0)
};

enum PrimFlag : std::uint8_t {
  kPrimError = 1,     // the call failed
  kPrimSelected = 2,
  kPrimHovered = 4,
  kPrimLabel = 8,     // there is room for its text
  kPrimReplay = 16,   // NowLine: the replay cursor rather than live time
};

// What happened to a PacketArrow's packet, for its colour and marks.
enum PacketMark : std::uint16_t {
  kPacketDropped = 1,        // the wire dropped it: the arrow stops at the wire with a cross
  kPacketHeld = 2,           // waiting at the wire for a step; text says for how long
  kPacketNext = 4,           // held, and the next one a step releases ("next: packet")
  kPacketDelayed = 8,
  kPacketDuplicated = 16,    // a second copy the wire made
  kPacketCorrupted = 32,     // the wire damaged it
  kPacketRetransmission = 64,  // the sender sent this sequence space again (analyzer)
  kPacketOutOfOrder = 128,   // arrived below a sequence number already seen (reordered)
  kPacketDuplicateAck = 256,
  kPacketReset = 512,        // RST
  kPacketHeldRepeat = 1024,  // held, and it repeats a packet still held before it: the kernel's
                             // retransmission timer kept running while the original waited
};

struct Prim {
  PrimKind kind = PrimKind::LaneLine;
  std::uint8_t flags = 0;
  std::uint16_t packet = 0;  // PacketMark bits of a PacketArrow
  trace::LaneId lane = trace::kNoLane;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::uint32_t count = 1;
  std::uint32_t text_begin = 0;
  std::uint32_t text_size = 0;
  std::uint64_t event = kNoEvent;   // trace index (the first one of a fold)
  std::uint64_t event2 = kNoEvent;  // an arrow's receiving end; a fold's last event
  float label_t = 0.5f;             // where along an arrow its caption sits (0 = start)
};

struct FrameStats {
  std::size_t marks = 0;   // calls, states and folds drawn
  std::size_t folds = 0;   // of those, folds: runs too close to draw apart
  std::size_t arrows = 0;  // inferred and packet arrows (a fold of them counts once)
  std::size_t packets = 0;  // packets drawn, folds counted in full
  std::size_t dropped = 0;  // packets drawn alone as dropped (a cross at the wire)
  std::size_t lanes = 0;
  std::size_t cues = 0;
  std::size_t drawn() const { return marks + arrows; }
};

// One frame of the timeline as primitives in paint order; reused between frames so building a
// frame does not allocate once warm.
struct DrawList {
  std::vector<Prim> prims;
  std::string text;
  FrameStats stats;

  void clear() {
    prims.clear();
    text.clear();
    stats = {};
  }
  std::string_view text_of(const Prim& prim) const {
    return std::string_view(text).substr(prim.text_begin, prim.text_size);
  }
};

struct PendingMark {
  trace::LaneId lane = trace::kNoLane;
  std::string label;  // "next: connect()"
};

struct FrameInput {
  Viewport viewport;
  TimelineView view;
  // Relative numbers and meaning of packets (retransmission of what, duplicate ACK); optional.
  const proto::TcpFlowAnalyzer* analyzer = nullptr;
  std::int64_t clock_ns = -1;  // the trace's clock now (live), to say how long a packet has been held
  bool packet_next = false;    // the stepper waits on a packet: the oldest held one goes next
  std::size_t limit = ~std::size_t{0};  // draw events [0, limit) only (the replay cursor)
  std::optional<std::size_t> selected;
  std::optional<std::size_t> hovered;
  std::optional<PendingMark> pending;
  std::int64_t now_ns = -1;  // live time line; < 0 for none
  bool replay = false;       // now_ns is the replay cursor
  float fold_px = 3.0f;      // marks closer than this on one lane fold into one
};

// The x of each column lane (NaN-free: lanes that are no column are absent).
struct LaneColumn {
  trace::LaneId lane;
  float x;
};
std::vector<LaneColumn> lane_columns(const TimelineIndex& index, const Viewport& viewport);

void build_frame(const trace::Trace& trace, const TimelineIndex& index, const FrameInput& input, DrawList& out);

// The colour family a packet arrow is drawn in, from its PacketMark bits: the GUI and the SVG
// export both ask here so a dropped packet is red in both.
enum class PacketTone : std::uint8_t { Plain, Retransmission, Held, Error };
PacketTone packet_tone(std::uint16_t marks);
// Marks whose caption takes the arrow's colour rather than the plain text colour.
bool packet_caption_tinted(std::uint16_t marks);

// The three legs of a handshake primitive (SYN, SYN-ACK, ACK) as x/y pairs: 4 points.
std::array<float, 8> handshake_points(const Prim& prim);

// The primitive under (x, y), preferring marks over arrows over cues; nullopt for none.
std::optional<std::size_t> hit_test(const DrawList& list, const Viewport& viewport, float x, float y);

// Short words for a call mark: "connect()", "send 89 B", "recv EOF", "connect: ECONNREFUSED".
std::string call_label(const trace::Event& event);
// A tick step of 1, 2 or 5 x 10^k ns giving ticks at least min_px apart.
std::int64_t tick_step(double ns_per_px, float min_px);
// A tick label with just enough decimals for the step: "1.00012 s", "350 µs".
std::string tick_label(std::int64_t t_ns, std::int64_t step_ns);

// ---- template body ----
template <class FoldEnd, class Visit>
void ArrowIndex::visit(std::int64_t t0, std::int64_t t1, std::size_t limit, FoldEnd&& fold_end,
                       Visit&& visit) const {
  // Inferred and packet arrows are kept apart so a fold never mixes the two.
  for (const auto* buckets : {&buckets_, &packet_buckets_}) {
    for (std::size_t b = 0; b < buckets->size(); ++b) {
      const Bucket& bucket = (*buckets)[b];
      if (bucket.t_hi.empty()) continue;
      const std::int64_t max_span = b >= 63 ? INT64_MAX / 4 : (std::int64_t{1} << b);
      const std::int64_t stop = t1 > INT64_MAX - max_span ? INT64_MAX : t1 + max_span;
      auto it = std::lower_bound(bucket.t_hi.begin(), bucket.t_hi.end(), t0);
      const auto end = bucket.t_hi.end();
      while (it != end && *it <= stop) {
        const std::size_t pos = static_cast<std::size_t>(it - bucket.t_hi.begin());
        const Arrow& arrow = arrows_[bucket.arrow[pos]];
        if (arrow.t_lo() > t1 || arrow.from_event >= limit || arrow.to_event >= limit) {
          ++it;
          continue;
        }
        const auto next = std::lower_bound(it + 1, end, fold_end(arrow));
        visit(arrow, static_cast<std::uint32_t>(next - it));
        it = next;
      }
    }
  }
}

}  // namespace wirestep::view
