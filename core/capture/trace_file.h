// Opening any trace file WireStep knows — its own JSON, pcap or pcapng — chosen by content, then by extension.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "trace/trace.h"

namespace wirestep::capture {

enum class TraceFileKind { Json, Pcap, Pcapng, Unknown };

// By the first bytes (pcap/pcapng magic, a JSON object), else by extension (.json, .pcap,
// .cap, .pcapng). Throws std::system_error when the file cannot be opened.
TraceFileKind trace_file_kind(const std::filesystem::path& path);

struct LoadedTrace {
  std::shared_ptr<trace::Trace> trace;  // null when nothing could be read at all
  std::string error;                    // "" when the whole file was read; else what stopped it and where
  std::string summary;                  // "pcapng: 12 packets; 3 frames skipped (ARP, not IP)"
};

// Never throws for a bad or unreadable file: the error says why, and a damaged capture still
// gives the packets before the damage.
LoadedTrace load_trace_file_any(const std::filesystem::path& path, trace::TraceLimits limits = {});

}  // namespace wirestep::capture
