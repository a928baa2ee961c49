// Inspector rows for one packet: path, the wire's verdict and reason, the analyzer's meaning, the dissected layers.
#include "view/packet_fields.h"

#include <fmt/format.h>

#include <string>

#include "proto/packet/packet_dissector.h"
#include "proto/packet/tcp_flow_analyzer.h"
#include "view/socket_call_fields.h"
#include "view/time_format.h"

namespace wirestep::view {
namespace {

using trace::Event;
using trace::EventKind;
using trace::Verdict;

// The Impairment event that says why the wire dropped this packet: appended right after it.
std::string drop_reason(const trace::Trace& trace, std::size_t index) {
  for (std::size_t i = index + 1; i < trace.size() && i < index + 16; ++i) {
    const Event& e = trace[i];
    if (e.kind == EventKind::Impairment && e.link == index) return std::string(e.payload.text());
  }
  return {};
}

// What the wire did, in a sentence: "delivered after 12 µs", "held 1.2 s for a step, then
// delivered", "delayed: delay 200 ms".
std::string wire_text(const trace::Trace& trace, std::size_t index) {
  const Event& e = trace[index];
  if (e.verdict == Verdict::Held) return "held at the wire: waiting for a step (→)";
  std::string why;
  bool was_held = false;
  if (e.link != trace::kNoSeq && e.link < trace.size()) {
    const Event& linked = trace[e.link];
    if (linked.kind == EventKind::Impairment) {
      why = std::string(linked.payload.text());
      was_held = linked.link != trace::kNoSeq && linked.link < trace.size() && trace[linked.link].verdict == Verdict::Held;
    } else {
      was_held = linked.verdict == Verdict::Held;
    }
  }
  if (e.verdict == Verdict::Dropped) {
    why = drop_reason(trace, index);
    return why.empty() ? "dropped by the wire: it never reached its host"
                       : fmt::format("dropped by the wire ({}): it never reached its host", why);
  }
  std::string text;
  switch (e.verdict) {
    case Verdict::Delayed: text = "delayed"; break;
    case Verdict::Duplicated: text = "a second copy made by the wire"; break;
    case Verdict::Corrupted: text = "damaged by the wire"; break;
    default: text = "delivered"; break;
  }
  if (!why.empty()) text += fmt::format(" ({})", why);
  if (e.dur_ns > 0) {
    const std::string took = format_duration(e.dur_ns);
    text += was_held ? fmt::format(" {} after it left: held for a step", took) : fmt::format(" after {} on the wire", took);
  }
  return text;
}

void add_relative(proto::FieldTree& tree, const std::string& name, std::uint32_t relative) {
  const int row = tree.find(name);
  if (row < 0) return;
  proto::Field& field = tree[static_cast<std::size_t>(row)];
  field.value = fmt::format("{} (relative), {} (absolute)", relative, field.value);
}

}  // namespace

proto::FieldTree packet_fields(const trace::Trace& trace, std::size_t index, const proto::PacketAnalysis* analysis) {
  proto::FieldTree tree;
  if (index >= trace.size()) return tree;
  const Event& e = trace[index];
  tree.add(-1, "Event",
           fmt::format("#{} {} on {} at {}", e.seq, trace::to_string(e.kind), trace.lane_name(e.lane),
                       format_duration(e.t_ns)),
           0, 0);
  tree.add(-1, "Path", fmt::format("{} -> {}", trace.lane_name(e.from), trace.lane_name(e.to)), 0, 0);
  const bool lost = e.verdict == Verdict::Dropped || e.verdict == Verdict::Held;
  tree.add(-1, "Wire", wire_text(trace, index), 0, 0, lost ? proto::FieldSeverity::Warning : proto::FieldSeverity::Normal);
  if (e.cut_count != 0) {
    // TCP segmentation offload made visible: the kernel handed over one large segment and
    // the wire, like a network card, cut this packet out of it.
    tree.add(-1, "Offload",
             fmt::format("{} of {}: cut by the wire from one TCP segment the kernel handed over (TSO)",
                         e.cut_index + 1, e.cut_count),
             0, 0, proto::FieldSeverity::Note);
  }
  if (analysis != nullptr && analysis->tcp) {
    if (const std::string meaning = analysis->text(); !meaning.empty()) {
      tree.add(-1, "Meaning", meaning, 0, 0, proto::FieldSeverity::Note);
    }
  }
  if (const auto anchor = narration_anchor_at(trace, index); !anchor.empty()) tree.add(-1, "Narration", anchor, 0, 0);
  if (e.payload_truncated()) {
    tree.add(-1, "Captured", fmt::format("{} of {} bytes (the trace's byte cap cut the rest)", e.payload.size,
                                         e.payload_size),
             0, 0, proto::FieldSeverity::Warning);
  }
  const std::size_t first_layer = tree.size();
  proto::dissect_ip(tree, -1, proto::PacketSlice{e.payload.span(), 0, e.payload.size, false});
  if (analysis != nullptr && analysis->tcp && analysis->isn_known && tree.size() > first_layer) {
    add_relative(tree, "Sequence number", analysis->relative_seq);
    if (tree.find("Acknowledgment number") >= 0 && analysis->relative_ack != 0) {
      add_relative(tree, "Acknowledgment number", analysis->relative_ack);
    }
  }
  return tree;
}

}  // namespace wirestep::view
