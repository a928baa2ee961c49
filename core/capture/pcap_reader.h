// Reading pcap and pcapng files (tcpdump, Wireshark, WireStep) into a new trace of Packet events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "capture/byte_source.h"
#include "capture/capture_error.h"
#include "capture/record_reader.h"
#include "trace/trace.h"

namespace wirestep::capture {

// What a read produced. A damaged file still yields every packet before the damage, so a
// caller can show them and the error side by side: nothing already read is lost.
struct CaptureReadResult {
  std::unique_ptr<trace::Trace> trace;      // never null
  std::optional<CaptureFormatError> error;  // why reading stopped early; unset = the whole file
  CaptureFormat format = CaptureFormat::Pcap;
  std::size_t packets = 0;         // Packet events made
  std::size_t skipped_frames = 0;  // frames without an IPv4/IPv6 packet (ARP, other link types)
  std::string first_skip_reason;   // why the first of them was skipped
  std::int64_t epoch_unix_ns = 0;  // wall-clock time of the trace's t_ns = 0
  bool written_by_wirestep = false;

  bool ok() const { return !error.has_value(); }
};

// Each IP packet becomes a Packet event on lane "wire": t_ns from the first packet (or, in a
// file WireStep wrote, from the recorded anchor, so t_ns round-trips exactly), from/to lanes
// per EndpointLanes, local/peer = source/destination, transport, flow = Trace::flow_of,
// payload = the IP packet (payload_size = its length on the wire when the capture cut it),
// verdict Delivered. WireStep's own comments map back: "dropped by the wire: why" becomes
// a Dropped packet followed by the Impairment event that explains it (as on the wire), and
// "narration: cue" a Note on lane "lesson" where the cue changes.
CaptureReadResult read_capture(ByteSource& source, trace::TraceLimits limits = {});
CaptureReadResult read_capture(std::span<const std::byte> bytes, trace::TraceLimits limits = {});
// Throws std::system_error when the file cannot be opened; format problems are in the result.
CaptureReadResult read_capture_file(const std::filesystem::path& path, trace::TraceLimits limits = {});

}  // namespace wirestep::capture
