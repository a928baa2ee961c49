// Scripted faults: matching, occurrence counting and the text-form parser.
#include "wire/scripted_fault.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <utility>

namespace wirestep::wire {

namespace {

using trace::Transport;

constexpr std::array<std::pair<std::string_view, PacketKind>, 9> kKinds{{
    {"syn", PacketKind::Syn},
    {"synack", PacketKind::SynAck},
    {"ack", PacketKind::Ack},
    {"fin", PacketKind::Fin},
    {"rst", PacketKind::Rst},
    {"data", PacketKind::Data},
    {"tcp", PacketKind::Tcp},
    {"udp", PacketKind::Udp},
    {"packet", PacketKind::Packet},
}};

constexpr std::string_view kKindList = "syn, synack, ack, fin, rst, data, tcp, udp or packet";

// Longest possible script delay: a lesson step, not a test of patience. Also keeps the
// nanosecond arithmetic far from overflow.
constexpr std::int64_t kMaxDelayNs = std::int64_t{3600} * 1'000'000'000;

struct Token {
  std::string_view text;
  std::size_t position = 0;  // offset into the whole script
};

std::string host_name(HostIndex host, std::span<const std::string_view> names) {
  if (host < names.size()) return std::string(names[host]);
  return fmt::format("host{}", host);
}

std::string host_list(std::span<const std::string_view> names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

std::string canonical_text(const ScriptedFault& f, PacketKind kind,
                           std::span<const std::string_view> names) {
  std::string out = fmt::format("{} {}#", to_string(f.action), to_string(kind));
  out += f.occurrence == kEveryOccurrence ? std::string("*") : fmt::format("{}", f.occurrence);
  if (f.match.from) out += " from " + host_name(*f.match.from, names);
  if (f.match.to) out += " to " + host_name(*f.match.to, names);
  if (f.action == FaultAction::Delay) out += " " + format_duration(f.delay_ns);
  if (f.action == FaultAction::Corrupt && f.fix_checksum) out += " fixsum";
  return out;
}

// Reads "200ms", "1.5s", "250us", "10ns". Returns an error message or fills ns.
std::optional<std::string> parse_duration(std::string_view text, std::int64_t& ns) {
  std::size_t i = 0;
  std::int64_t whole = 0;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > kMaxDelayNs) return fmt::format("duration '{}' is too long (at most 1 hour)", text);
    digits = true;
    ++i;
  }
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    fraction = text.substr(start, i - start);
    digits = digits || !fraction.empty();
  }
  if (!digits) return fmt::format("'{}' is not a duration (e.g. 200ms, 1.5s)", text);
  const std::string_view unit_text = text.substr(i);
  std::int64_t unit = 0;
  if (unit_text == "ns") {
    unit = 1;
  } else if (unit_text == "us") {
    unit = 1'000;
  } else if (unit_text == "ms") {
    unit = 1'000'000;
  } else if (unit_text == "s") {
    unit = 1'000'000'000;
  } else if (unit_text.empty()) {
    return fmt::format("duration '{}' needs a unit: ns, us, ms or s", text);
  } else {
    return fmt::format("unknown time unit '{}' in '{}' (expected ns, us, ms or s)", unit_text, text);
  }
  if (whole > kMaxDelayNs / unit) return fmt::format("duration '{}' is too long (at most 1 hour)", text);
  ns = whole * unit;
  // Digits below a nanosecond are dropped: the wire's clock has no finer grain.
  std::int64_t scale = unit / 10;
  for (char c : fraction) {
    if (scale == 0) break;
    ns += (c - '0') * scale;
    scale /= 10;
  }
  if (ns > kMaxDelayNs) return fmt::format("duration '{}' is too long (at most 1 hour)", text);
  return std::nullopt;
}

std::optional<std::size_t> find_host(std::string_view name, std::span<const std::string_view> names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return std::nullopt;
}

FaultParseError error_at(std::size_t position, std::string message) {
  return FaultParseError{position, std::move(message)};
}

// Parses the tokens of one rule.
std::optional<FaultParseError> parse_rule(std::span<const Token> tokens, std::size_t rule_end,
                                          std::span<const std::string_view> names,
                                          ScriptedFault& out) {
  const Token& verb = tokens[0];
  if (verb.text == "drop") {
    out.action = FaultAction::Drop;
  } else if (verb.text == "dup" || verb.text == "duplicate") {
    out.action = FaultAction::Duplicate;
  } else if (verb.text == "delay") {
    out.action = FaultAction::Delay;
  } else if (verb.text == "corrupt") {
    out.action = FaultAction::Corrupt;
  } else {
    return error_at(verb.position, fmt::format("unknown action '{}' (expected drop, dup, delay or corrupt)",
                                               verb.text));
  }
  if (tokens.size() < 2) {
    return error_at(rule_end, fmt::format("'{}' needs a packet to match, e.g. '{} syn#1'", verb.text, verb.text));
  }

  const Token& what = tokens[1];
  const std::size_t hash = what.text.find('#');
  const std::string_view kind_text = what.text.substr(0, hash);
  std::optional<PacketKind> kind;
  for (const auto& [name, k] : kKinds) {
    if (name == kind_text) kind = k;
  }
  if (!kind) {
    return error_at(what.position, fmt::format("unknown packet kind '{}' (expected {})", kind_text, kKindList));
  }
  if (hash == std::string_view::npos) {
    return error_at(what.position + what.text.size(),
                    fmt::format("missing occurrence after '{0}': write {0}#1 for the first one or {0}#* "
                                "for every one",
                                kind_text));
  }
  const std::string_view occ = what.text.substr(hash + 1);
  const std::size_t occ_position = what.position + hash + 1;
  if (occ == "*") {
    out.occurrence = kEveryOccurrence;
  } else {
    std::uint64_t n = 0;
    bool valid = !occ.empty();
    for (char c : occ) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || n > 100'000'000) {
        valid = false;
        break;
      }
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (!valid || n == 0 || n > 100'000'000) {
      return error_at(occ_position,
                      fmt::format("occurrence '{}' must be a count from 1 (the first) or '*' (every one)", occ));
    }
    out.occurrence = static_cast<std::uint32_t>(n);
  }
  out.match = FaultMatch::of(*kind);

  bool have_duration = false;
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.text == "from" || t.text == "to") {
      std::optional<HostIndex>& slot = t.text == "from" ? out.match.from : out.match.to;
      if (slot) return error_at(t.position, fmt::format("'{}' given twice", t.text));
      if (i + 1 >= tokens.size()) {
        return error_at(rule_end, fmt::format("'{}' needs a host name ({})", t.text, host_list(names)));
      }
      const Token& host = tokens[++i];
      const auto index = find_host(host.text, names);
      if (!index) {
        return error_at(host.position,
                        fmt::format("unknown host '{}' (expected {})", host.text, host_list(names)));
      }
      slot = static_cast<HostIndex>(*index);
    } else if (t.text == "fixsum") {
      if (out.action != FaultAction::Corrupt) {
        return error_at(t.position, "'fixsum' only applies to corrupt");
      }
      out.fix_checksum = true;
    } else if (!t.text.empty() && (std::isdigit(static_cast<unsigned char>(t.text[0])) || t.text[0] == '.')) {
      if (out.action != FaultAction::Delay) {
        return error_at(t.position, fmt::format("a duration ('{}') only applies to delay", t.text));
      }
      if (have_duration) return error_at(t.position, "delay given two durations");
      if (auto problem = parse_duration(t.text, out.delay_ns)) return error_at(t.position, *problem);
      have_duration = true;
    } else {
      return error_at(t.position,
                      fmt::format("unexpected '{}' (expected from HOST, to HOST, a duration for delay or "
                                  "fixsum for corrupt)",
                                  t.text));
    }
  }
  if (out.action == FaultAction::Delay && !have_duration) {
    return error_at(rule_end, fmt::format("delay needs a duration, e.g. 'delay {} 200ms'", what.text));
  }
  if (out.match.from && out.match.to && *out.match.from == *out.match.to) {
    return error_at(tokens[0].position, "'from' and 'to' name the same host");
  }
  out.text = canonical_text(out, *kind, names);
  return std::nullopt;
}

}  // namespace

std::string_view to_string(PacketKind kind) {
  for (const auto& [name, k] : kKinds) {
    if (k == kind) return name;
  }
  return "packet";
}

std::string_view to_string(FaultAction action) {
  switch (action) {
    case FaultAction::Drop: return "drop";
    case FaultAction::Duplicate: return "dup";
    case FaultAction::Delay: return "delay";
    case FaultAction::Corrupt: return "corrupt";
  }
  return "drop";
}

bool FaultMatch::matches(const PacketFacts& facts) const {
  if (from && *from != facts.direction.from) return false;
  if (to && *to != facts.direction.to) return false;
  if (transport && *transport != facts.transport) return false;
  if ((facts.tcp_flags & flag_mask) != flag_value) return false;
  if (payload == PayloadMatch::Some && facts.payload_length == 0) return false;
  if (payload == PayloadMatch::None && facts.payload_length != 0) return false;
  return true;
}

FaultMatch FaultMatch::of(PacketKind kind) {
  using namespace tcp_flag;
  FaultMatch m;
  switch (kind) {
    case PacketKind::Packet:
      break;
    case PacketKind::Udp:
      m.transport = Transport::Udp;
      break;
    case PacketKind::Tcp:
      m.transport = Transport::Tcp;
      break;
    case PacketKind::Syn:
      m.transport = Transport::Tcp;
      m.flag_mask = kSyn | kAck;
      m.flag_value = kSyn;
      break;
    case PacketKind::SynAck:
      m.transport = Transport::Tcp;
      m.flag_mask = kSyn | kAck;
      m.flag_value = kSyn | kAck;
      break;
    case PacketKind::Ack:
      m.transport = Transport::Tcp;
      m.flag_mask = kSyn | kFin | kRst | kAck;
      m.flag_value = kAck;
      m.payload = PayloadMatch::None;
      break;
    case PacketKind::Fin:
      m.transport = Transport::Tcp;
      m.flag_mask = kFin;
      m.flag_value = kFin;
      break;
    case PacketKind::Rst:
      m.transport = Transport::Tcp;
      m.flag_mask = kRst;
      m.flag_value = kRst;
      break;
    case PacketKind::Data:
      m.transport = Transport::Tcp;
      m.payload = PayloadMatch::Some;
      break;
  }
  return m;
}

ScriptedFault make_fault(FaultAction action, PacketKind kind, std::uint32_t occurrence,
                         std::optional<HostIndex> from, std::optional<HostIndex> to,
                         std::int64_t delay_ns, bool fix_checksum) {
  ScriptedFault f;
  f.action = action;
  f.match = FaultMatch::of(kind);
  f.match.from = from;
  f.match.to = to;
  f.occurrence = occurrence;
  f.delay_ns = delay_ns;
  f.fix_checksum = fix_checksum;
  f.text = canonical_text(f, kind, kDefaultHostNames);
  return f;
}

std::string FaultParseError::to_string() const {
  return fmt::format("column {}: {}", position + 1, message);
}

FaultParseResult parse_faults(std::string_view text, std::span<const std::string_view> host_names) {
  FaultParseResult result;
  std::size_t rule_start = 0;
  while (rule_start <= text.size()) {
    std::size_t rule_end = text.find_first_of(";\n", rule_start);
    if (rule_end == std::string_view::npos) rule_end = text.size();

    std::vector<Token> tokens;
    std::size_t i = rule_start;
    while (i < rule_end) {
      while (i < rule_end && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      const std::size_t start = i;
      while (i < rule_end && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (i > start) tokens.push_back(Token{text.substr(start, i - start), start});
    }
    // Blank rules (a trailing ';', an empty line) are allowed so scripts can be laid out freely.
    if (!tokens.empty()) {
      ScriptedFault fault;
      if (auto error = parse_rule(tokens, rule_end, host_names, fault)) {
        result.faults.clear();
        result.error = std::move(*error);
        return result;
      }
      result.faults.push_back(std::move(fault));
    }
    rule_start = rule_end + 1;
  }
  return result;
}

std::string format_duration(std::int64_t ns) {
  struct Unit {
    std::int64_t ns;
    int digits;
    std::string_view name;
  };
  static constexpr std::array<Unit, 4> kUnits{{{1'000'000'000, 9, "s"}, {1'000'000, 6, "ms"}, {1'000, 3, "us"}, {1, 0, "ns"}}};
  const bool negative = ns < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  if (magnitude == 0) return "0ms";
  for (const Unit& u : kUnits) {
    const auto unit = static_cast<std::uint64_t>(u.ns);
    if (magnitude < unit) continue;
    std::string out = fmt::format("{}{}", negative ? "-" : "", magnitude / unit);
    if (const std::uint64_t frac = magnitude % unit; frac != 0) {
      std::string digits = fmt::format("{:0{}}", frac, u.digits);
      while (!digits.empty() && digits.back() == '0') digits.pop_back();
      out += "." + digits;
    }
    out += u.name;
    return out;
  }
  return "0ms";
}

FaultScript::FaultScript(std::vector<ScriptedFault> faults)
    : faults_(std::move(faults)), seen_(faults_.size(), 0) {}

std::vector<const ScriptedFault*> FaultScript::on_packet(const PacketFacts& facts) {
  std::vector<const ScriptedFault*> fired;
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    const ScriptedFault& f = faults_[i];
    if (!f.match.matches(facts)) continue;
    const std::uint64_t n = ++seen_[i];
    if (f.occurrence == kEveryOccurrence || n == f.occurrence) fired.push_back(&f);
  }
  return fired;
}

void FaultScript::reset() { seen_.assign(faults_.size(), 0); }

}  // namespace wirestep::wire
