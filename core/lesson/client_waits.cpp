// ClientWaits: one pass over new events; a client's times are the first of each kind in its round.
#include "lesson/client_waits.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "lesson/checkpoint.h"

namespace wirestep::lesson {
namespace {

constexpr std::string_view kRoundSuffix = "-server";

// A connection by the client's address, which the server records as the peer of its accept()
// and of its close(). Not by fd: with a thread per connection, one thread's close() and the
// acceptor's next accept() race, and the kernel may hand the freed number out again before
// the close is in the trace. Without an address, the fd is all there is.
std::string connection_key(const trace::Event& e, std::int64_t fd) {
  if (e.peer.empty()) return "fd " + std::to_string(fd);
  std::string key(reinterpret_cast<const char*>(e.peer.ip.data()), e.peer.ip.size());
  key += static_cast<char>(e.peer.family);
  key += static_cast<char>(e.peer.port >> 8);
  key += static_cast<char>(e.peer.port & 0xFF);
  return key;
}

// The server's connections: an accept() that returned one opens it, the close() of it ends it
// (the listener's close is not in the set: nothing happens). True when one opened.
bool track_open(std::unordered_set<std::string>& open, const trace::Event& e) {
  if (e.call == trace::Call::Accept && e.result >= 0) {
    open.insert(connection_key(e, e.result));
    return true;
  }
  if (e.call == trace::Call::Close) open.erase(connection_key(e, e.fd));
  return false;
}

// "client#12" -> 12; 0 for any other name ("client", "client#tcp").
int client_number(std::string_view lane) {
  constexpr std::string_view kPrefix = "client#";
  if (!lane.starts_with(kPrefix)) return 0;
  const std::string_view digits = lane.substr(kPrefix.size());
  int n = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (error != std::errc() || end != digits.data() + digits.size() || n <= 0) return 0;
  return n;
}

}  // namespace

std::optional<std::int64_t> ClientWait::waited_ns() const {
  if (!connected_ns || !first_byte_ns) return std::nullopt;
  return *first_byte_ns - *connected_ns;
}

std::optional<std::int64_t> ClientWait::served_ns() const {
  if (!first_byte_ns || !done_ns) return std::nullopt;
  return *done_ns - *first_byte_ns;
}

const ClientWait* ClientRound::fastest() const {
  const ClientWait* best = nullptr;
  for (const auto& c : clients) {
    if (c.waited_ns() && (best == nullptr || *c.waited_ns() < *best->waited_ns())) best = &c;
  }
  return best;
}

const ClientWait* ClientRound::slowest() const {
  const ClientWait* worst = nullptr;
  for (const auto& c : clients) {
    if (c.waited_ns() && (worst == nullptr || *c.waited_ns() > *worst->waited_ns())) worst = &c;
  }
  return worst;
}

std::size_t ClientRound::answered() const {
  return static_cast<std::size_t>(
      std::count_if(clients.begin(), clients.end(), [](const ClientWait& c) { return c.first_byte_ns.has_value(); }));
}

bool ClientWaits::has_clients() const {
  return std::any_of(rounds_.begin(), rounds_.end(), [](const ClientRound& r) { return !r.clients.empty(); });
}

const ClientWaits::LaneInfo& ClientWaits::lane_info(trace::LaneId lane) {
  if (lanes_.size() <= lane) lanes_.resize(static_cast<std::size_t>(lane) + 1);
  LaneInfo& info = lanes_[lane];
  if (info.kind == LaneKind::Unknown) {
    const std::string_view name = trace_->lane_name(lane);
    info.number = client_number(name);
    info.kind = info.number > 0    ? LaneKind::Client
                : name == "server" ? LaneKind::Server
                : name == "lesson" ? LaneKind::Lesson
                                   : LaneKind::Other;
  }
  return info;
}

void ClientWaits::start_round(std::string name, std::size_t index, std::int64_t t_ns) {
  ClientRound round;
  round.name = std::move(name);
  round.from = index;
  round.to = index;
  round.start_ns = round.end_ns = t_ns;
  rounds_.push_back(std::move(round));
  current_.clear();
  // A connection still open from the round before is not this round's concurrency.
  open_.clear();
}

void ClientWaits::update(const trace::Trace& trace, std::size_t limit) {
  if (trace_ != &trace || limit < next_) {
    *this = ClientWaits{};
    trace_ = &trace;
  }
  const std::size_t end = std::min(limit, trace.size());
  for (; next_ < end; ++next_) {
    const trace::Event& e = trace[next_];
    if (e.lane == trace::kNoLane) continue;
    const LaneInfo& lane = lane_info(e.lane);
    if (lane.kind == LaneKind::Lesson && e.kind == trace::EventKind::Note && !is_checkpoint_note(e)) {
      const std::string_view cue = e.payload.text();
      if (cue.size() > kRoundSuffix.size() && cue.ends_with(kRoundSuffix)) {
        start_round(std::string(cue.substr(0, cue.size() - kRoundSuffix.size())), next_, e.t_ns);
        continue;
      }
    }
    if (e.kind != trace::EventKind::SocketCall) continue;
    if (lane.kind == LaneKind::Client) {
      read_client_call(e, lane.number);
    } else if (lane.kind == LaneKind::Server) {
      read_server_call(e);
    } else {
      continue;
    }
    if (!rounds_.empty()) {
      rounds_.back().to = next_ + 1;
      rounds_.back().end_ns = e.t_ns;
    }
  }
}

void ClientWaits::read_client_call(const trace::Event& e, int number) {
  auto found = current_.find(e.lane);
  if (found == current_.end()) {
    // A lane becomes a client of this round with its connect(): calls before it (socket())
    // are not waiting for anybody.
    if (e.call != trace::Call::Connect) return;
    if (rounds_.empty()) start_round("", 0, e.t_ns);
    auto& clients = rounds_.back().clients;
    ClientWait wait;
    wait.lane = e.lane;
    wait.number = number;
    const auto at = std::upper_bound(clients.begin(), clients.end(), number,
                                     [](int n, const ClientWait& c) { return n < c.number; });
    clients.insert(at, wait);
    current_.clear();
    for (std::size_t i = 0; i < clients.size(); ++i) current_[clients[i].lane] = i;
    found = current_.find(e.lane);
  }
  ClientWait& c = rounds_.back().clients[found->second];
  if (c.done_ns) return;  // what it does after it is done (its close) changes nothing
  switch (e.call) {
    case trace::Call::Connect:
      if (c.connected_ns) break;
      if (e.result == 0) {
        c.connected_ns = e.t_ns;
        c.address = e.local;
      } else {
        c.failed = true;
        c.done_ns = e.t_ns;
      }
      break;
    case trace::Call::Recv:
    case trace::Call::RecvFrom:
      if (e.result > 0) {
        if (!c.first_byte_ns) c.first_byte_ns = e.t_ns;
      } else {
        c.failed = e.result < 0;
        c.done_ns = e.t_ns;
      }
      break;
    case trace::Call::Close: c.done_ns = e.t_ns; break;
    default: break;
  }
}

void ClientWaits::read_server_call(const trace::Event& e) {
  if (rounds_.empty()) start_round("", 0, e.t_ns);
  if (track_open(open_, e)) rounds_.back().most_open = std::max(rounds_.back().most_open, open_.size());
}

std::vector<ClientRound> client_rounds(const trace::Trace& trace, std::size_t limit) {
  ClientWaits waits;
  waits.update(trace, limit);
  return waits.rounds();
}

std::size_t max_open_connections(const trace::Trace& trace, std::size_t from, std::size_t to) {
  std::unordered_set<std::string> open;
  std::size_t most = 0;
  for (std::size_t i = from; i < std::min(to, trace.size()); ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::SocketCall || trace.lane_name(e.lane) != "server") continue;
    if (track_open(open, e)) most = std::max(most, open.size());
  }
  return most;
}

std::string wait_text(std::int64_t ns) {
  const double v = std::abs(static_cast<double>(ns));
  const char* sign = ns < 0 ? "-" : "";
  if (v < 1e3) return fmt::format("{}{} ns", sign, v);
  if (v < 1e6) return fmt::format("{}{:.3g} µs", sign, v / 1e3);
  if (v < 1e9) return fmt::format("{}{:.3g} ms", sign, v / 1e6);
  return fmt::format("{}{:.3g} s", sign, v / 1e9);
}

std::string round_summary(const ClientRound& round) {
  const std::string name = round.name.empty() ? std::string("clients") : round.name;
  const std::string open =
      fmt::format("at most {} connection{} open at once", round.most_open, round.most_open == 1 ? "" : "s");
  const ClientWait* fastest = round.fastest();
  const ClientWait* slowest = round.slowest();
  if (fastest == nullptr) return fmt::format("{}: no client got an answer; {}", name, open);
  if (round.answered() == 1) {
    return fmt::format("{}: one client answered, its first byte after {}; {}", name, wait_text(*fastest->waited_ns()),
                       open);
  }
  return fmt::format("{}: first byte after {} for the fastest client, {} for the slowest; {}", name,
                     wait_text(*fastest->waited_ns()), wait_text(*slowest->waited_ns()), open);
}

}  // namespace wirestep::lesson
