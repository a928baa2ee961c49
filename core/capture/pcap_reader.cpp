// read_capture(): two passes over the records — who is client and server, then the events.
#include "capture/pcap_reader.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "capture/endpoint_lanes.h"
#include "capture/link_layer.h"
#include "capture/wire_comments.h"
#include "proto/packet/packet_summary.h"

namespace wirestep::capture {
namespace {

struct IpPacket {
  std::span<const std::byte> bytes;
  std::uint32_t original_length = 0;  // of the IP packet on the wire
};

// The IP packet in a record, or nothing (the reason goes to the result's skip count).
std::optional<IpPacket> ip_packet(const RecordReader& reader, const CaptureRecord& record, CaptureReadResult* result) {
  const std::uint32_t link_type = reader.interfaces()[record.interface].link_type;
  const LinkPayload payload = locate_ip(link_type, record.frame);
  if (!payload.is_ip) {
    if (result != nullptr) {
      if (result->skipped_frames++ == 0) {
        result->first_skip_reason = link_type_supported(link_type)
                                        ? payload.skipped_because
                                        : link_type_name(link_type) + " is not a link type WireStep reads";
      }
    }
    return std::nullopt;
  }
  const auto offset = static_cast<std::uint32_t>(payload.ip_offset);
  const std::span<const std::byte> bytes = record.frame.subspan(offset);
  const std::uint32_t original = record.original_length > offset ? record.original_length - offset : 0;
  return IpPacket{bytes, std::max(original, static_cast<std::uint32_t>(bytes.size()))};
}

// t - epoch without overflow: a file's clock can claim any time at all.
std::int64_t since(std::int64_t t, std::int64_t epoch) {
  std::int64_t out = 0;
  if (!__builtin_sub_overflow(t, epoch, &out)) return out;
  return t < epoch ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
}

bool opens_connection(const proto::PacketSummary& summary) {
  return summary.transport == trace::Transport::Tcp && summary.has_flag(proto::TcpFlags::kSyn) &&
         !summary.has_flag(proto::TcpFlags::kAck);
}

bool wirestep_wrote(const RecordReader& reader) {
  const auto& apps = reader.applications();
  return std::any_of(apps.begin(), apps.end(), [](const std::string& app) { return app.starts_with("WireStep"); });
}

// In a file WireStep wrote, the interface names the sending host; elsewhere it is a NIC.
const std::string* sender_of(const RecordReader& reader, const CaptureRecord& record) {
  if (!wirestep_wrote(reader)) return nullptr;
  const std::string& name = reader.interfaces()[record.interface].name;
  return name.empty() ? nullptr : &name;
}

}  // namespace

CaptureReadResult read_capture(ByteSource& source, trace::TraceLimits limits) {
  CaptureReadResult result;
  result.trace = std::make_unique<trace::Trace>(limits);
  trace::Trace& trace = *result.trace;

  // Pass 1: the hosts and who opened what, the first packet's time, and WireStep's anchor.
  EndpointLanes lanes;
  std::optional<std::int64_t> first_time;
  std::optional<std::int64_t> anchor;
  {
    RecordReader reader(source);
    while (const CaptureRecord* record = reader.next()) {
      const auto ip = ip_packet(reader, *record, nullptr);
      if (!ip) continue;
      const proto::PacketSummary summary = proto::summarize(ip->bytes);
      if (!first_time) first_time = record->unix_ns;
      lanes.observe(summary.src, summary.dst, opens_connection(summary), sender_of(reader, *record));
    }
    for (const std::string& comment : reader.section_comments()) {
      if ((anchor = read_anchor_comment(comment))) break;
    }
  }
  result.epoch_unix_ns = anchor ? *anchor : first_time.value_or(0);

  // Pass 2: the same records again, now as events.
  RecordReader reader(source);
  const trace::LaneId wire = trace.lane("wire");
  std::string narration;
  // Trace::lane() searches every lane by name; a capture of many hosts asks for thousands.
  std::unordered_map<std::string, trace::LaneId> lanes_by_name;
  const auto lane_of = [&](const std::string& name) {
    const auto found = lanes_by_name.find(name);
    return found != lanes_by_name.end() ? found->second : lanes_by_name.emplace(name, trace.lane(name)).first->second;
  };
  while (const CaptureRecord* record = reader.next()) {
    const auto ip = ip_packet(reader, *record, &result);
    if (!ip) continue;
    const proto::PacketSummary summary = proto::summarize(ip->bytes);
    const std::int64_t t_ns = since(record->unix_ns, result.epoch_unix_ns);
    const FateFromComments fate = read_fate_comments(record->comments);

    if (fate.narration && *fate.narration != narration) {
      narration = *fate.narration;
      trace::Event note;
      note.kind = trace::EventKind::Note;
      note.lane = trace.lane("lesson");
      note.t_ns = t_ns;
      trace.append_recorded(note, std::as_bytes(std::span(narration.data(), narration.size())));
    }

    trace::Event event;
    event.kind = trace::EventKind::Packet;
    event.lane = wire;
    event.t_ns = t_ns;
    event.verdict = fate.verdict.value_or(trace::Verdict::Delivered);
    event.local = summary.src;
    event.peer = summary.dst;
    event.transport = summary.transport;
    if (!summary.src.empty()) event.flow = trace.flow_of(summary.src, summary.dst);
    const EndpointLanes::Lanes names = lanes.lanes_for(summary.src, summary.dst, sender_of(reader, *record));
    event.from = lane_of(names.from);
    event.to = names.to.empty() ? trace::kNoLane : lane_of(names.to);
    event.payload_size = ip->original_length;

    // The explanation sits where the wire puts it: before a copy it shaped, after a drop.
    trace::Event why;
    why.kind = trace::EventKind::Impairment;
    why.lane = wire;
    why.t_ns = t_ns;
    why.verdict = event.verdict;
    why.flow = event.flow;
    const auto reason = std::as_bytes(std::span(fate.reason.data(), fate.reason.size()));
    const bool explained = !fate.reason.empty();
    if (explained && event.verdict != trace::Verdict::Dropped) event.link = trace.append_recorded(why, reason);
    const std::uint64_t seq = trace.append_recorded(event, ip->bytes);
    if (explained && event.verdict == trace::Verdict::Dropped) {
      why.link = seq;
      trace.append_recorded(why, reason);
    }
    ++result.packets;
  }
  result.format = reader.format();
  result.error = reader.error();
  result.written_by_wirestep = wirestep_wrote(reader);
  return result;
}

CaptureReadResult read_capture(std::span<const std::byte> bytes, trace::TraceLimits limits) {
  MemorySource source(bytes);
  return read_capture(source, limits);
}

CaptureReadResult read_capture_file(const std::filesystem::path& path, trace::TraceLimits limits) {
  FileSource source(path);
  return read_capture(source, limits);
}

}  // namespace wirestep::capture
