// load_trace_file_any(): dispatches to trace_json or pcap_reader and words the outcome for people.
#include "capture/trace_file.h"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <fstream>
#include <system_error>

#include "capture/pcap_reader.h"
#include "capture/record_reader.h"
#include "trace/trace_json.h"

namespace wirestep::capture {

TraceFileKind trace_file_kind(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
  std::array<char, 4> first{};
  in.read(first.data(), first.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  const auto bytes = std::as_bytes(std::span(first.data(), got));
  if (looks_like_capture(bytes)) {
    return std::to_integer<unsigned>(bytes[0]) == 0x0A ? TraceFileKind::Pcapng : TraceFileKind::Pcap;
  }
  for (std::size_t i = 0; i < got; ++i) {
    if (first[i] == '{') return TraceFileKind::Json;
    if (first[i] != ' ' && first[i] != '\n' && first[i] != '\r' && first[i] != '\t') break;
  }
  const std::string extension = path.extension().string();
  if (extension == ".json") return TraceFileKind::Json;
  if (extension == ".pcapng") return TraceFileKind::Pcapng;
  if (extension == ".pcap" || extension == ".cap") return TraceFileKind::Pcap;
  return TraceFileKind::Unknown;
}

LoadedTrace load_trace_file_any(const std::filesystem::path& path, trace::TraceLimits limits) {
  LoadedTrace out;
  try {
    const TraceFileKind kind = trace_file_kind(path);
    if (kind == TraceFileKind::Json) {
      out.trace = trace::load_trace_file(path, limits);
      out.summary = fmt::format("WireStep trace: {} events", out.trace->size());
      return out;
    }
    if (kind == TraceFileKind::Unknown) {
      out.error = "not a WireStep trace (.json), pcap or pcapng file";
      return out;
    }
    CaptureReadResult read = read_capture_file(path, limits);
    out.summary = fmt::format("{}: {} packets", read.format == CaptureFormat::Pcapng ? "pcapng" : "pcap", read.packets);
    if (read.skipped_frames > 0) {
      out.summary += fmt::format("; {} frame{} skipped ({})", read.skipped_frames, read.skipped_frames == 1 ? "" : "s",
                                 read.first_skip_reason);
    }
    if (read.error) out.error = read.error->what();
    // A file that yielded nothing is a failed open, not an empty recording.
    if (!read.error || read.packets > 0) out.trace = std::move(read.trace);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace wirestep::capture
