// ImpairmentPolicy: decides, per packet, what the virtual wire does — deliver when, drop, copy, damage.
//
// Pure logic: no sockets, no clock reads, no threads. The wire hands in PacketFacts (who sent
// it, what it is, its size, when it arrived) and gets back a Decision: a list of actions, each
// with the cause and a sentence for the trace's Impairment event.
//
// Per packet, in this order:
//   1. Scripted faults (exact: "drop syn#1"). A scripted drop ends the decision.
//   2. Random loss, then Gilbert-Elliott burst loss.
//   3. Rate limit: a token bucket in front of a bounded FIFO; a packet that would overflow the
//      FIFO is dropped ("rate limit queue full").
//   4. Fixed delay plus jitter (after the queue: the queue is the bottleneck, delay is the cable).
//   5. Reorder hold and scripted delays: the packet is held back by an extra time so later
//      packets overtake it.
//   6. Duplicate (random and scripted): extra copies leave together with the original.
//   7. Corrupt (random and scripted): one bit flipped; the copies carry the same damage.
//
// Determinism. Each direction has its own std::mt19937_64, seeded from (seed, from, to) with
// splitmix64, so a direction's decisions depend only on the seed, the link config and that
// direction's own packet sequence — never on the other direction's traffic. Each packet takes
// exactly the same number of draws (kDrawsPerPacket) whatever the config and whatever happens
// to it, so switching one knob (say, duplicate) does not change which packets another knob
// (say, loss) hits. Uniforms come from the top 53 bits of a draw, not from
// std::uniform_real_distribution, whose output differs between standard libraries.
// Scripted rules without a direction count packets of both directions (see FaultScript).
//
// Jitter. Uniform: delay + U(-jitter, +jitter). Normal: delay + N(0, jitter) clamped to
// ±3 jitter so the worst case is known. A total below zero is clamped to zero. Jitter alone never
// reorders: a packet not picked for reordering leaves no earlier than the previous such packet
// of its direction (departures are monotonic), as on a real single path. Only the reorder knob
// and scripted delays let a later packet overtake an earlier one; a held packet does not push
// the others back.
//
// Rate limit. Token bucket of rate_bytes_per_s, depth rate_burst_bytes, kept as a theoretical
// finish time (the virtual-scheduling form of a token bucket: integer nanoseconds, no overflow
// however long the link idles). Depth 0 models a link of that speed: every packet pays its own
// serialisation time size/rate (rounded up to the nanosecond), so back-to-back packets leave
// exactly size/rate apart. The FIFO holds at most rate_queue_packets packets that have not left
// the shaper yet (the one being sent included); a packet that finds it full is dropped and uses
// no tokens. Duplicates are copied after the shaper and do not use tokens.
//
// Corrupt. The flipped byte lies in the transport payload when there is one (the receiver's
// application would see wrong data), else in the transport header when ip_header_length is known,
// else anywhere after the first IP header byte (the version nibble would make it unreadable).
// Without fix_checksum the receiving kernel drops the packet silently — the lesson shows why
// checksums exist; with it the damage reaches the application.
//
// Not thread-safe: one wire thread owns a policy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "trace/event.h"
#include "wire/gilbert_elliott.h"
#include "wire/packet_facts.h"
#include "wire/scripted_fault.h"

namespace wirestep::wire {

enum class JitterShape : std::uint8_t { Uniform, Normal };

// One direction's impairment. Percentages are 0..100; times are nanoseconds.
struct LinkImpairment {
  double loss_percent = 0;
  GilbertElliottParams burst;  // off while burst.p_percent == 0
  std::int64_t delay_ns = 0;
  std::int64_t jitter_ns = 0;  // Uniform: half-width; Normal: standard deviation
  JitterShape jitter_shape = JitterShape::Uniform;
  double duplicate_percent = 0;
  double reorder_percent = 0;
  std::int64_t reorder_hold_ns = 10'000'000;  // extra delay of a reordered packet
  double corrupt_percent = 0;
  bool corrupt_fix_checksum = false;
  std::uint64_t rate_bytes_per_s = 0;  // 0 = no rate limit; else 100 B/s .. 1 TB/s
  std::uint32_t rate_burst_bytes = 0;  // token bucket depth
  std::uint32_t rate_queue_packets = 100;  // 1 .. 100000

  // Empty when valid, else what is wrong ("loss_percent 120 is outside 0..100").
  std::string validate() const;
};

// Why an action happened. Also a bit in Action::causes.
enum class Cause : std::uint8_t {
  None,       // delivered untouched
  Loss,       // random loss
  BurstLoss,  // Gilbert-Elliott
  Delay,      // fixed delay and jitter
  RateLimit,  // waited in the shaper queue
  QueueFull,  // shaper queue overflow
  Reorder,    // held back so a later packet overtakes it
  Duplicate,
  Corrupt,
  Scripted,
};

std::string_view to_string(Cause cause);

enum class ActionKind : std::uint8_t { Deliver, Drop, Corrupt };

struct Action {
  ActionKind kind = ActionKind::Deliver;
  Cause cause = Cause::None;  // the main reason (a drop's reason; a delivery's biggest change)
  std::uint32_t causes = 0;   // bit (1 << Cause) for everything that shaped this action
  std::int64_t at_ns = 0;     // Deliver: departure time, on the same clock as now_ns
  std::uint32_t copy = 0;     // Deliver: 0 = the original, 1.. = duplicates
  std::uint32_t offset = 0;   // Corrupt: byte offset into the IP packet
  std::uint8_t xor_mask = 0;  // Corrupt: the bit to flip (one bit set)
  bool fix_checksum = false;  // Corrupt: recompute the transport checksum afterwards
  std::string why;            // "loss 30 %, seed 7", "scripted: drop syn#1", ...

  bool has(Cause c) const { return (causes & (1u << static_cast<unsigned>(c))) != 0; }
  friend bool operator==(const Action&, const Action&) = default;
};

// The Packet event verdict an action stands for; now_ns is the packet's arrival.
trace::Verdict verdict(const Action& action, std::int64_t now_ns);

struct Decision {
  std::vector<Action> actions;  // drop alone; or corrupt (if any) then one delivery per copy

  bool dropped() const;
  const Action* drop() const;        // nullptr unless dropped
  const Action* corruption() const;  // nullptr unless corrupted
  std::vector<const Action*> deliveries() const;
  friend bool operator==(const Decision&, const Decision&) = default;
};

class ImpairmentPolicy {
 public:
  // Uniforms each packet takes from its direction's RNG, whatever happens to it.
  static constexpr std::size_t kDrawsPerPacket = 10;

  // Throws std::invalid_argument when the default link config is invalid.
  explicit ImpairmentPolicy(std::uint64_t seed, LinkImpairment default_link = {},
                            std::vector<ScriptedFault> faults = {});

  // A direction without its own config uses the default one. Throws std::invalid_argument when
  // invalid. Resets that direction's state (queue, Gilbert-Elliott state, RNG).
  void set_link(Direction direction, const LinkImpairment& link);
  const LinkImpairment& link(Direction direction) const;
  void set_faults(std::vector<ScriptedFault> faults);

  Decision decide(const PacketFacts& facts);

  // Back to the start: RNGs reseeded, queues empty, fault counters zero. The same packets then
  // get the same decisions again.
  void reset();

  std::uint64_t seed() const { return seed_; }
  const FaultScript& faults() const { return script_; }

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

  struct Draws;
  struct DirectionState {
    LinkImpairment link;
    std::mt19937_64 rng;
    GilbertElliott burst;
    std::int64_t last_departure_ns = kNever;  // of the last packet not held back
    // When the shaper will have sent everything accepted so far at the full rate; the bucket
    // is full when this is in the past, and holds rate * (depth time - (tat - now)) bytes.
    std::int64_t shaper_tat_ns = kNever;
    std::deque<std::int64_t> shaper_departures;  // of packets still in the shaper (FIFO)
  };

  DirectionState& state(Direction direction);
  DirectionState make_state(Direction direction, const LinkImpairment& link) const;
  Draws draw(DirectionState& s) const;

  std::uint64_t seed_;
  LinkImpairment default_link_;
  std::map<Direction, LinkImpairment> links_;
  std::map<Direction, DirectionState> states_;
  FaultScript script_;
};

}  // namespace wirestep::wire
