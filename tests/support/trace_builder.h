// Builds traces event by event, with chosen times and links, shaped like the virtual wire's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/packet_builder.h"
#include "trace/trace.h"

namespace wirestep::testing {

// Lanes as a lesson on the wire makes them; every append takes its time from the caller.
struct WireTraceBuilder {
  trace::Trace trace;
  trace::LaneId wire = trace.lane("wire");
  trace::LaneId client = trace.lane("client");
  trace::LaneId server = trace.lane("server");
  trace::LaneId lesson = trace.lane("lesson");

  std::uint64_t packet(std::int64_t t_ns, trace::LaneId from, trace::LaneId to, const std::vector<std::uint8_t>& ip,
                       trace::Verdict verdict = trace::Verdict::Delivered, std::uint64_t link = trace::kNoSeq) {
    trace::Event e;
    e.kind = trace::EventKind::Packet;
    e.lane = wire;
    e.t_ns = t_ns;
    e.from = from;
    e.to = to;
    e.verdict = verdict;
    e.link = link;
    return trace.append_recorded(e, std::as_bytes(std::span(ip.data(), ip.size())));
  }

  std::uint64_t impairment(std::int64_t t_ns, trace::Verdict verdict, std::uint64_t link, std::string_view why) {
    trace::Event e;
    e.kind = trace::EventKind::Impairment;
    e.lane = wire;
    e.t_ns = t_ns;
    e.verdict = verdict;
    e.link = link;
    return trace.append_recorded(e, std::as_bytes(std::span(why.data(), why.size())));
  }

  std::uint64_t note(std::int64_t t_ns, std::string_view anchor) {
    trace::Event e;
    e.kind = trace::EventKind::Note;
    e.lane = lesson;
    e.t_ns = t_ns;
    return trace.append_recorded(e, std::as_bytes(std::span(anchor.data(), anchor.size())));
  }

  std::uint64_t call(std::int64_t t_ns, trace::LaneId lane, trace::Call call) {
    trace::Event e;
    e.kind = trace::EventKind::SocketCall;
    e.lane = lane;
    e.t_ns = t_ns;
    e.call = call;
    return trace.append_recorded(e, {});
  }
};

}  // namespace wirestep::testing
