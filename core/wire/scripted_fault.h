// Scripted faults: "drop the first SYN", "delay packet 5 by 200 ms" — exact, repeatable lessons.
//
// A fault is a match (which packets count) plus an occurrence (which of the counted ones) plus
// an action. The text form, one rule per line or separated by ';':
//
//   rule     := action SP kind '#' occurrence { SP option }
//   action   := drop | dup | duplicate | delay | corrupt
//   kind     := syn | synack | ack | fin | rst | data | tcp | udp | packet
//   occurrence := N (1 = the first) | '*' (every match)
//   option   := from HOST | to HOST | DURATION (delay only: 200ms, 1.5s, 300us, 10ns)
//             | fixsum (corrupt only: recompute the checksum so the receiver accepts the damage)
//
// Examples: "drop syn#1", "drop data#3 from client", "dup synack#1", "delay packet#5 200ms",
// "drop syn#*" (every SYN: watch the kernel's retransmission back-off), "corrupt data#2 fixsum".
//
// Kinds (flags compared under a mask, so PSH/ECE/CWR/URG never change what a kind means):
//   syn     TCP with SYN and without ACK: the opening SYN only, never the SYN-ACK
//   synack  TCP with SYN and ACK
//   ack     a pure ACK: TCP with ACK, without SYN/FIN/RST, and no payload
//   fin     TCP with FIN (whatever else it carries)
//   rst     TCP with RST
//   data    a TCP segment that carries payload bytes (UDP datagrams are "udp")
//   tcp     any TCP segment; udp: any UDP datagram; packet: any IP packet
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/packet_facts.h"

namespace wirestep::wire {

enum class PacketKind : std::uint8_t { Packet, Tcp, Udp, Syn, SynAck, Ack, Fin, Rst, Data };

std::string_view to_string(PacketKind kind);  // the text-form name: "syn", "synack", ...

enum class PayloadMatch : std::uint8_t { Any, Some, None };

// Which packets a rule counts. Every part is optional; the default matches every packet.
struct FaultMatch {
  std::optional<HostIndex> from;
  std::optional<HostIndex> to;
  std::optional<trace::Transport> transport;
  std::uint8_t flag_mask = 0;   // TCP flags compared ...
  std::uint8_t flag_value = 0;  // ... (tcp_flags & flag_mask) == flag_value
  PayloadMatch payload = PayloadMatch::Any;

  bool matches(const PacketFacts& facts) const;
  // The match a kind name stands for, without direction.
  static FaultMatch of(PacketKind kind);
};

enum class FaultAction : std::uint8_t { Drop, Duplicate, Delay, Corrupt };

std::string_view to_string(FaultAction action);  // "drop", "dup", "delay", "corrupt"

// Occurrence 0 means every matching packet.
inline constexpr std::uint32_t kEveryOccurrence = 0;

struct ScriptedFault {
  FaultAction action = FaultAction::Drop;
  FaultMatch match;
  std::uint32_t occurrence = 1;  // 1 = the first matching packet; kEveryOccurrence = all
  std::int64_t delay_ns = 0;     // Delay: extra time the packet is held
  bool fix_checksum = false;     // Corrupt: recompute the checksum after the flip
  // The rule as a person reads it ("drop syn#1"); it becomes the "why" of the trace event.
  // parse_faults() fills it; make_fault() builds it.
  std::string text;
};

// Builds a rule in code with its canonical text; host names label from/to in that text.
ScriptedFault make_fault(FaultAction action, PacketKind kind, std::uint32_t occurrence,
                         std::optional<HostIndex> from = std::nullopt,
                         std::optional<HostIndex> to = std::nullopt, std::int64_t delay_ns = 0,
                         bool fix_checksum = false);

// Bad script text is data, not an exception: where (0-based character offset into the whole
// text) and what was wrong.
struct FaultParseError {
  std::size_t position = 0;
  std::string message;
  std::string to_string() const;  // "column 6: unknown packet kind 'sin' (expected ...)"
};

struct FaultParseResult {
  std::vector<ScriptedFault> faults;
  std::optional<FaultParseError> error;  // set => faults is empty
  bool ok() const { return !error.has_value(); }
};

// The default host names, by HostIndex.
inline constexpr std::string_view kDefaultHostNames[] = {"client", "server"};

// Parses one or more rules. host_names[i] is the name of HostIndex i for "from"/"to".
FaultParseResult parse_faults(std::string_view text,
                              std::span<const std::string_view> host_names = kDefaultHostNames);

// Canonical text of a duration as the parser reads it back: "200ms", "1.5s", "250us", "10ns".
std::string format_duration(std::int64_t ns);

// Counts matching packets and says which rules fire. Counters are per rule: a rule with a
// direction counts only that direction; one without counts both directions together ("syn#1"
// is the first SYN on the wire, whoever sent it).
class FaultScript {
 public:
  FaultScript() = default;
  explicit FaultScript(std::vector<ScriptedFault> faults);

  // Advances every matching rule's counter and returns the rules that fire on this packet, in
  // script order.
  std::vector<const ScriptedFault*> on_packet(const PacketFacts& facts);

  const std::vector<ScriptedFault>& faults() const { return faults_; }
  bool empty() const { return faults_.empty(); }
  void reset();

 private:
  std::vector<ScriptedFault> faults_;
  std::vector<std::uint64_t> seen_;  // matches counted so far, per rule
};

}  // namespace wirestep::wire
