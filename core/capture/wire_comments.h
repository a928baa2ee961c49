// The sentences WireStep writes into pcapng comments (what the wire did, narration, the clock) and reading them back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/event.h"

namespace wirestep::capture {

// What happened to one packet on the virtual wire, as the pcapng writer tells it.
struct PacketFate {
  trace::Verdict verdict = trace::Verdict::Delivered;
  std::string reason;         // the wire's Impairment text ("loss 30 %, seed 7"); "" when none
  std::int64_t held_ns = -1;  // how long it waited for a step before going on; -1 if it did not
  std::string narration;      // the narration cue active when it was recorded; "" before any
};

// One comment per fact, for example
//   "dropped by the wire: loss 30 %, seed 7", "held 1.2 s for a step", "narration: handshake".
// Nothing for a plain delivery outside any narration.
std::vector<std::string> fate_comments(const PacketFate& fate);

// What WireStep's own comments on a packet say; other comments (a Wireshark user's) are ignored.
struct FateFromComments {
  std::optional<trace::Verdict> verdict;  // set when a comment names what the wire did
  std::string reason;
  std::optional<std::string> narration;
};
FateFromComments read_fate_comments(const std::vector<std::string>& comments);

// The section header comment that anchors the trace's clock to the wall clock: a packet's
// pcapng timestamp is this plus its t_ns. Parsed back so a round trip keeps every t_ns.
std::string anchor_comment(std::int64_t epoch_unix_ns);
std::optional<std::int64_t> read_anchor_comment(std::string_view comment);

// "1.2 s", "350 ms", "80 µs": how long a packet waited, as a teacher would say it.
std::string duration_text(std::int64_t ns);

}  // namespace wirestep::capture
