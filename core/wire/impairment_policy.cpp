// ImpairmentPolicy: per-direction seeded decisions for loss, bursts, delay, queueing and damage.
#include "wire/impairment_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <utility>

namespace wirestep::wire {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
// Anything beyond is a typo, and keeps time sums far from int64 overflow.
constexpr std::int64_t kMaxTimeNs = std::int64_t{3600} * kNsPerSecond;
// 1 TB/s: far above any wire here. 100 B/s: slow enough to watch bytes trickle.
constexpr std::uint64_t kMaxRate = 1'000'000'000'000;
constexpr std::uint64_t kMinRate = 100;
// Bounds the shaper's backlog: with 64 KiB packets at 100 B/s it stays far below int64 ns.
constexpr std::uint32_t kMaxQueuePackets = 100'000;
// The shaper charges at most this much per packet: an IP packet is at most 64 KiB.
constexpr std::uint64_t kMaxPacketBytes = 65'535;

// Nanoseconds to send `bytes` at `rate`, rounded up: bytes * 1e9 < 2^63 for every value here.
std::int64_t send_time(std::uint64_t bytes, std::uint64_t rate) {
  return static_cast<std::int64_t>((bytes * 1'000'000'000 + rate - 1) / rate);
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// [0, 1) from the top 53 bits: the same on every standard library.
double uniform(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

bool hit(double u, double percent) { return u * 100.0 < percent; }

std::uint32_t bit(Cause c) { return 1u << static_cast<unsigned>(c); }

// "12.5 ms": readable in the trace, three decimals at most.
std::string ms(std::int64_t ns) {
  std::string s = fmt::format("{:.3f}", static_cast<double>(ns) / 1e6);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + " ms";
}

std::string signed_ms(std::int64_t ns) { return (ns < 0 ? "-" : "+") + ms(ns < 0 ? -ns : ns); }

std::optional<std::string> check_percent(std::string_view name, double value) {
  if (!(value >= 0 && value <= 100)) return fmt::format("{} {} is outside 0..100", name, value);
  return std::nullopt;
}

std::optional<std::string> check_time(std::string_view name, std::int64_t value) {
  if (value < 0 || value > kMaxTimeNs) return fmt::format("{} {} ns is outside 0..1 hour", name, value);
  return std::nullopt;
}

void append(std::string& why, std::string_view part) {
  if (!why.empty()) why += ", ";
  why += part;
}

}  // namespace

struct ImpairmentPolicy::Draws {
  double burst_loss, burst_step, loss, duplicate, reorder, corrupt, corrupt_byte, corrupt_bit,
      jitter_a, jitter_b;
};

std::string LinkImpairment::validate() const {
  for (auto problem : {check_percent("loss_percent", loss_percent),
                       check_percent("burst.p_percent", burst.p_percent),
                       check_percent("burst.r_percent", burst.r_percent),
                       check_percent("burst.loss_bad_percent", burst.loss_bad_percent),
                       check_percent("burst.loss_good_percent", burst.loss_good_percent),
                       check_percent("duplicate_percent", duplicate_percent),
                       check_percent("reorder_percent", reorder_percent),
                       check_percent("corrupt_percent", corrupt_percent),
                       check_time("delay_ns", delay_ns), check_time("jitter_ns", jitter_ns),
                       check_time("reorder_hold_ns", reorder_hold_ns)}) {
    if (problem) return *problem;
  }
  if (burst.enabled() && burst.r_percent <= 0) {
    return "burst.r_percent must be above 0 when bursts are on (else the link never recovers)";
  }
  if (rate_bytes_per_s > 0 && (rate_bytes_per_s < kMinRate || rate_bytes_per_s > kMaxRate)) {
    return fmt::format("rate_bytes_per_s {} is outside 100 B/s .. 1 TB/s", rate_bytes_per_s);
  }
  if (rate_bytes_per_s > 0 && (rate_queue_packets == 0 || rate_queue_packets > kMaxQueuePackets)) {
    return fmt::format("rate_queue_packets {} is outside 1..{}", rate_queue_packets, kMaxQueuePackets);
  }
  return {};
}

std::string_view to_string(Cause cause) {
  switch (cause) {
    case Cause::None: return "none";
    case Cause::Loss: return "loss";
    case Cause::BurstLoss: return "burst loss";
    case Cause::Delay: return "delay";
    case Cause::RateLimit: return "rate limit";
    case Cause::QueueFull: return "queue full";
    case Cause::Reorder: return "reorder";
    case Cause::Duplicate: return "duplicate";
    case Cause::Corrupt: return "corrupt";
    case Cause::Scripted: return "scripted";
  }
  return "none";
}

trace::Verdict verdict(const Action& action, std::int64_t now_ns) {
  switch (action.kind) {
    case ActionKind::Drop: return trace::Verdict::Dropped;
    case ActionKind::Corrupt: return trace::Verdict::Corrupted;
    case ActionKind::Deliver:
      if (action.copy > 0) return trace::Verdict::Duplicated;
      return action.at_ns > now_ns ? trace::Verdict::Delayed : trace::Verdict::Delivered;
  }
  return trace::Verdict::Delivered;
}

bool Decision::dropped() const { return drop() != nullptr; }

const Action* Decision::drop() const {
  for (const Action& a : actions) {
    if (a.kind == ActionKind::Drop) return &a;
  }
  return nullptr;
}

const Action* Decision::corruption() const {
  for (const Action& a : actions) {
    if (a.kind == ActionKind::Corrupt) return &a;
  }
  return nullptr;
}

std::vector<const Action*> Decision::deliveries() const {
  std::vector<const Action*> out;
  for (const Action& a : actions) {
    if (a.kind == ActionKind::Deliver) out.push_back(&a);
  }
  return out;
}

ImpairmentPolicy::ImpairmentPolicy(std::uint64_t seed, LinkImpairment default_link,
                                   std::vector<ScriptedFault> faults)
    : seed_(seed), default_link_(std::move(default_link)), script_(std::move(faults)) {
  if (auto problem = default_link_.validate(); !problem.empty()) throw std::invalid_argument(problem);
}

void ImpairmentPolicy::set_link(Direction direction, const LinkImpairment& link) {
  if (auto problem = link.validate(); !problem.empty()) throw std::invalid_argument(problem);
  links_[direction] = link;
  states_.erase(direction);
}

const LinkImpairment& ImpairmentPolicy::link(Direction direction) const {
  const auto it = links_.find(direction);
  return it != links_.end() ? it->second : default_link_;
}

void ImpairmentPolicy::set_faults(std::vector<ScriptedFault> faults) { script_ = FaultScript(std::move(faults)); }

void ImpairmentPolicy::reset() {
  states_.clear();
  script_.reset();
}

ImpairmentPolicy::DirectionState ImpairmentPolicy::make_state(Direction direction,
                                                              const LinkImpairment& link) const {
  DirectionState s;
  s.link = link;
  // Mixing the direction into the seed gives each link its own stream; splitmix64 spreads
  // neighbouring seeds (7, 8) into unrelated mt19937_64 states.
  const std::uint64_t key = (std::uint64_t{direction.from} << 8) | direction.to;
  s.rng.seed(splitmix64(seed_ ^ splitmix64(key + 1)));
  s.burst = GilbertElliott(link.burst);
  return s;
}

ImpairmentPolicy::DirectionState& ImpairmentPolicy::state(Direction direction) {
  auto it = states_.find(direction);
  if (it == states_.end()) it = states_.emplace(direction, make_state(direction, link(direction))).first;
  return it->second;
}

ImpairmentPolicy::Draws ImpairmentPolicy::draw(DirectionState& s) const {
  // Members are listed in draw order; the count is fixed whatever the config (see header).
  Draws d{};
  double* slots[] = {&d.burst_loss, &d.burst_step, &d.loss, &d.duplicate, &d.reorder,
                     &d.corrupt, &d.corrupt_byte, &d.corrupt_bit, &d.jitter_a, &d.jitter_b};
  static_assert(std::size(slots) == kDrawsPerPacket);
  for (double* slot : slots) *slot = uniform(s.rng());
  return d;
}

Decision ImpairmentPolicy::decide(const PacketFacts& facts) {
  DirectionState& s = state(facts.direction);
  const LinkImpairment& link = s.link;
  const Draws d = draw(s);
  // Every packet steps the burst chain and the fault counters, dropped or not, so later packets
  // see the same state whatever happened to this one.
  const GilbertElliott::Step burst = s.burst.next(d.burst_loss, d.burst_step);
  const std::vector<const ScriptedFault*> fired = script_.on_packet(facts);
  const std::int64_t now = facts.now_ns;

  Decision out;
  auto drop = [&](Cause cause, std::string why) {
    Action a;
    a.kind = ActionKind::Drop;
    a.cause = cause;
    a.causes = bit(cause);
    a.at_ns = now;
    a.why = std::move(why);
    out.actions.push_back(std::move(a));
    return out;
  };

  for (const ScriptedFault* f : fired) {
    if (f->action == FaultAction::Drop) return drop(Cause::Scripted, "scripted: " + f->text);
  }
  if (hit(d.loss, link.loss_percent)) {
    return drop(Cause::Loss, fmt::format("loss {:g} %, seed {}", link.loss_percent, seed_));
  }
  if (burst.lost) {
    const double loss = burst.bad ? link.burst.loss_bad_percent : link.burst.loss_good_percent;
    return drop(Cause::BurstLoss, fmt::format("Gilbert-Elliott {} state (loss {:g} % while {}), seed {}",
                                              burst.bad ? "bad" : "good", loss, burst.bad ? "bad" : "good",
                                              seed_));
  }

  std::uint32_t causes = 0;
  Cause main = Cause::None;  // the latest stage that changed the departure names it
  std::string why;

  // 3. The shaper.
  std::int64_t at = now;
  if (link.rate_bytes_per_s > 0) {
    while (!s.shaper_departures.empty() && s.shaper_departures.front() <= now) s.shaper_departures.pop_front();
    if (s.shaper_departures.size() >= link.rate_queue_packets) {
      return drop(Cause::QueueFull, fmt::format("rate limit queue full ({} packets waiting at {} bytes/s)",
                                                s.shaper_departures.size(), link.rate_bytes_per_s));
    }
    // Token bucket in virtual-scheduling form: a packet may start once the shaper's backlog
    // (tat - now) is within what the bucket's depth covers.
    const std::int64_t depth = send_time(link.rate_burst_bytes, link.rate_bytes_per_s);
    const std::int64_t cost = send_time(std::min<std::uint64_t>(facts.size, kMaxPacketBytes), link.rate_bytes_per_s);
    s.shaper_tat_ns = s.shaper_tat_ns == kNever ? now : std::max(s.shaper_tat_ns, now);
    at = std::max(now, s.shaper_tat_ns - depth + cost);
    s.shaper_tat_ns += cost;
    s.shaper_departures.push_back(at);
    if (at > now) {
      causes |= bit(Cause::RateLimit);
      main = Cause::RateLimit;
      append(why, fmt::format("rate limit: {} in the queue at {} bytes/s", ms(at - now), link.rate_bytes_per_s));
    }
  }

  // 4. The cable: fixed delay and jitter.
  std::int64_t jitter = 0;
  if (link.jitter_ns > 0) {
    const auto j = static_cast<double>(link.jitter_ns);
    double offset = 0;
    if (link.jitter_shape == JitterShape::Uniform) {
      offset = (2.0 * d.jitter_a - 1.0) * j;
    } else {
      // Box-Muller from two of the packet's own draws.
      const double z = std::sqrt(-2.0 * std::log(1.0 - d.jitter_a)) * std::cos(2.0 * std::numbers::pi * d.jitter_b);
      offset = std::clamp(z, -3.0, 3.0) * j;
    }
    jitter = std::llround(offset);
  }
  const std::int64_t cable = std::max<std::int64_t>(0, link.delay_ns + jitter);
  if (cable > 0) {
    at += cable;
    causes |= bit(Cause::Delay);
    main = Cause::Delay;
    std::string part = fmt::format("delay {}", ms(link.delay_ns));
    if (link.jitter_ns > 0) part += fmt::format(" jitter {}", signed_ms(jitter));
    append(why, part);
  }

  // 5. Order: in-order packets never leave before the previous in-order one; held ones are
  // kept back on top of that and leave the line free for later packets to overtake.
  if (s.last_departure_ns != kNever && at < s.last_departure_ns) {
    append(why, fmt::format("kept in order {}", signed_ms(s.last_departure_ns - at)));
    at = s.last_departure_ns;
    causes |= bit(Cause::Delay);
    if (main == Cause::None) main = Cause::Delay;
  }
  std::int64_t hold = 0;
  if (hit(d.reorder, link.reorder_percent)) {
    hold += link.reorder_hold_ns;
    causes |= bit(Cause::Reorder);
    main = Cause::Reorder;
    append(why, fmt::format("reorder: held back {} ({:g} %, seed {})", ms(link.reorder_hold_ns),
                            link.reorder_percent, seed_));
  }
  for (const ScriptedFault* f : fired) {
    if (f->action != FaultAction::Delay) continue;
    hold += f->delay_ns;
    causes |= bit(Cause::Scripted);
    main = Cause::Scripted;
    append(why, "scripted: " + f->text);
  }
  if (hold > 0) {
    at += hold;
  } else {
    s.last_departure_ns = at;
  }

  // 7. Damage, decided before the copies so that they all carry it.
  const ScriptedFault* scripted_corrupt = nullptr;
  for (const ScriptedFault* f : fired) {
    if (f->action == FaultAction::Corrupt && scripted_corrupt == nullptr) scripted_corrupt = f;
  }
  const bool random_corrupt = hit(d.corrupt, link.corrupt_percent);
  if ((scripted_corrupt != nullptr || random_corrupt) && facts.size > 0) {
    std::uint32_t start = 0;
    std::string_view region;
    if (facts.payload_length > 0 && facts.payload_length <= facts.size) {
      start = facts.size - facts.payload_length;
      region = "payload";
    } else if (facts.ip_header_length > 0 && facts.ip_header_length < facts.size) {
      start = facts.ip_header_length;
      region = "transport header";
    } else {
      start = facts.size > 1 ? 1 : 0;
      region = "IP header";
    }
    const std::uint32_t span = facts.size - start;
    Action a;
    a.kind = ActionKind::Corrupt;
    a.at_ns = now;
    a.offset = start + std::min(span - 1, static_cast<std::uint32_t>(d.corrupt_byte * span));
    a.xor_mask = static_cast<std::uint8_t>(1u << std::min(7u, static_cast<unsigned>(d.corrupt_bit * 8)));
    a.fix_checksum = scripted_corrupt != nullptr ? scripted_corrupt->fix_checksum : link.corrupt_fix_checksum;
    const std::string what = fmt::format("bit 0x{:02x} of byte {} ({}), checksum {}", a.xor_mask, a.offset, region,
                                         a.fix_checksum ? "recomputed" : "left wrong");
    if (scripted_corrupt != nullptr) {
      a.cause = Cause::Scripted;
      a.causes = bit(Cause::Scripted) | bit(Cause::Corrupt);
      a.why = fmt::format("scripted: {}: {}", scripted_corrupt->text, what);
    } else {
      a.cause = Cause::Corrupt;
      a.causes = bit(Cause::Corrupt);
      a.why = fmt::format("corrupt {:g} %, seed {}: {}", link.corrupt_percent, seed_, what);
    }
    out.actions.push_back(std::move(a));
  }

  // 6. Deliveries: the original, then any copies leaving at the same moment.
  Action original;
  original.kind = ActionKind::Deliver;
  original.cause = main;
  original.causes = causes;
  original.at_ns = at;
  original.why = why;
  out.actions.push_back(original);

  std::vector<std::pair<std::string, bool>> copy_reasons;  // why, and whether a script asked
  if (hit(d.duplicate, link.duplicate_percent)) {
    copy_reasons.emplace_back(fmt::format("duplicate {:g} %, seed {}", link.duplicate_percent, seed_), false);
  }
  for (const ScriptedFault* f : fired) {
    if (f->action == FaultAction::Duplicate) copy_reasons.emplace_back("scripted: " + f->text, true);
  }
  std::uint32_t copy = 0;
  for (auto& [reason, scripted] : copy_reasons) {
    Action a = original;
    a.copy = ++copy;
    a.cause = Cause::Duplicate;
    a.causes |= bit(Cause::Duplicate);
    if (scripted) a.causes |= bit(Cause::Scripted);
    a.why = why.empty() ? std::move(reason) : reason + ", " + why;
    out.actions.push_back(std::move(a));
  }
  return out;
}

}  // namespace wirestep::wire
