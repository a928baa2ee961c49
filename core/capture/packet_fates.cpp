// packets_to_write(): follows the wire's link chains (copy → Impairment → Held) to tell each packet's story.
#include "capture/packet_fates.h"

#include <unordered_map>
#include <unordered_set>

namespace wirestep::capture {
namespace {

// A link is followed only when it points back into the events read (seq = index in a trace).
const trace::Event* linked(const trace::Trace& trace, std::size_t count, std::uint64_t link) {
  if (link == trace::kNoSeq || link >= count) return nullptr;
  const trace::Event& event = trace[static_cast<std::size_t>(link)];
  return event.seq == link ? &event : nullptr;
}

bool is_held(const trace::Event* event) {
  return event != nullptr && event->kind == trace::EventKind::Packet && event->verdict == trace::Verdict::Held;
}

}  // namespace

std::vector<PacketToWrite> packets_to_write(const trace::Trace& trace, std::size_t count) {
  count = std::min(count, trace.size());
  std::vector<PacketToWrite> out;
  std::unordered_map<std::uint64_t, std::string_view> drop_reasons;  // dropped packet seq → why
  std::unordered_set<std::uint64_t> resolved_holds;
  std::string_view narration;
  for (std::size_t i = 0; i < count; ++i) {
    const trace::Event& e = trace[i];
    if (e.kind == trace::EventKind::Note) {
      // Cues are the notes on lane "lesson"; a note on an actor's lane reports a measurement.
      if (trace.lane_name(e.lane) == "lesson") narration = e.payload.text();
    } else if (e.kind == trace::EventKind::Impairment) {
      if (e.verdict == trace::Verdict::Dropped && e.link != trace::kNoSeq) drop_reasons[e.link] = e.payload.text();
    } else if (e.kind == trace::EventKind::Packet) {
      PacketToWrite packet{i, PacketFate{e.verdict, "", -1, std::string(narration)}};
      const trace::Event* cause = linked(trace, i, e.link);
      const trace::Event* held = nullptr;
      if (cause != nullptr && cause->kind == trace::EventKind::Impairment) {
        packet.fate.reason = std::string(cause->payload.text());
        held = linked(trace, i, cause->link);
        // It left the hold queue when the wire decided its fate, which is when it said why.
        if (is_held(held)) packet.fate.held_ns = cause->t_ns - held->t_ns;
      } else if (is_held(cause)) {
        held = cause;
        packet.fate.held_ns = e.t_ns - held->t_ns;
      }
      if (is_held(held) && e.verdict != trace::Verdict::Held) resolved_holds.insert(held->seq);
      out.push_back(std::move(packet));
    }
  }
  std::vector<PacketToWrite> kept;
  kept.reserve(out.size());
  for (auto& packet : out) {
    const trace::Event& e = trace[packet.index];
    if (e.verdict == trace::Verdict::Held && resolved_holds.contains(e.seq)) continue;
    if (e.verdict == trace::Verdict::Dropped) {
      if (const auto why = drop_reasons.find(e.seq); why != drop_reasons.end()) {
        packet.fate.reason = std::string(why->second);
      } else if (packet.fate.reason.empty() && e.to == trace::kNoLane) {
        packet.fate.reason = "no host on the wire has that address";
      }
    }
    kept.push_back(std::move(packet));
  }
  return kept;
}

}  // namespace wirestep::capture
