// Writing a trace's packets as a pcapng file that Wireshark and tshark open, with the wire's story in comments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>

#include "trace/trace.h"

namespace wirestep::capture {

struct PcapngWriteSummary {
  std::size_t packets = 0;         // Enhanced Packet Blocks written
  std::size_t interfaces = 0;      // one per sending host
  std::int64_t epoch_unix_ns = 0;  // the wall-clock time given to t_ns = 0
};

// The file: a Section Header Block whose comment records the clock anchor; one Interface
// Description Block per sending host (if_name "client", "server", ...; LINKTYPE_RAW, since the
// wire carries bare IP packets; nanosecond timestamps); then one Enhanced Packet Block per
// packet in trace order, on its sender's interface, stamped epoch_unix_ns + t_ns, with
// comments saying what the wire did (see wire_comments.h). Held records are folded into their
// later delivery or drop; dropped packets are kept. Socket calls, notes and TCP states stay
// in the JSON trace.
//
// epoch_unix_ns: the wall-clock time (ns since 1970, UTC) of the trace's time 0. The trace keeps
// no wall clock, so by default it is now minus the trace's duration: the last event is "now".
//
// Reads the events published when it starts; a live trace may go on growing meanwhile.
PcapngWriteSummary write_pcapng(const trace::Trace& trace, std::ostream& out,
                                std::optional<std::int64_t> epoch_unix_ns = std::nullopt);

// Writes to a temporary file beside path, then renames it over path: a failed save leaves no
// half-written file and never destroys an older one. Throws std::system_error on I/O errors.
PcapngWriteSummary save_pcapng_file(const trace::Trace& trace, const std::filesystem::path& path,
                                    std::optional<std::int64_t> epoch_unix_ns = std::nullopt);

// The default epoch for a trace whose first count events are written: now - last t_ns.
std::int64_t default_epoch_unix_ns(const trace::Trace& trace, std::size_t count);

}  // namespace wirestep::capture
