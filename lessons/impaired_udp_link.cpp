// ImpairedUdpLink: one seeded impairment, on the wire or through a relay, and its tally.
#include "impaired_udp_link.h"

#include <set>

#include "trace/trace.h"

namespace wirestep::lessons {

ImpairedUdpLink::ImpairedUdpLink(lesson::LessonContext& context, const wire::LinkImpairment& link)
    : context_(context), link_(link) {
  on_wire_ = context_.impair("", link_);
}

net::Endpoint ImpairedUdpLink::route_to(const net::Endpoint& receiver) {
  if (on_wire_) return receiver;
  auto policy = std::make_shared<wire::ImpairmentPolicy>(context_.params().seed, link_);
  relay_ = std::make_unique<wire::UdpRelay>(context_.trace(), std::move(policy), receiver);
  return relay_->endpoint();
}

LinkTally ImpairedUdpLink::tally(std::string_view from) const {
  const trace::Trace& trace = context_.trace();
  LinkTally out;
  // The wire records each packet's fate as a Packet event; the copies of a packet it doubled or
  // held back link to the one Impairment event that says why. The relay records each decision
  // as an Impairment event of its own.
  std::set<std::uint64_t> doubled;
  std::set<std::uint64_t> held;
  std::uint64_t copies = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const trace::Event& e = trace[i];
    if (on_wire_) {
      if (e.kind != trace::EventKind::Packet || e.transport != trace::Transport::Udp ||
          trace.lane_name(e.from) != from) {
        continue;
      }
      if (e.verdict == trace::Verdict::Dropped) ++out.dropped;
      const bool explained =
          e.link != trace::kNoSeq && e.link < trace.size() && trace[e.link].kind == trace::EventKind::Impairment;
      if (!explained) continue;
      if (e.verdict == trace::Verdict::Duplicated) {
        ++copies;
        doubled.insert(e.link);
      }
      if (trace[e.link].payload.text().find("reorder") != std::string_view::npos) held.insert(e.link);
    } else if (e.kind == trace::EventKind::Impairment && trace.lane_name(e.lane) == "relay" &&
               trace.lane_name(e.from) == from) {
      if (e.verdict == trace::Verdict::Dropped) ++out.dropped;
      if (e.verdict == trace::Verdict::Duplicated) ++out.duplicated;
      if (e.verdict == trace::Verdict::Delayed && e.payload.text().find("reorder") != std::string_view::npos) {
        ++out.held_back;
      }
    }
  }
  if (on_wire_) {
    out.duplicated = copies - doubled.size();  // every doubled packet arrives as original + copies
    out.held_back = held.size();
  }
  return out;
}

}  // namespace wirestep::lessons
