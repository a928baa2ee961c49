// Who waited and how long, in a lesson with several clients: per round and per client lane, when
// its connect() returned, when the first response bytes came and when it was done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <unordered_set>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace wirestep::lesson {

// One client lane ("client#N") in one round, as its own calls tell it. Times are trace times
// (t_ns: when the call returned).
struct ClientWait {
  trace::LaneId lane = trace::kNoLane;
  int number = 0;                             // the N of client#N
  trace::Address address;                     // its own end of the connection: the peer the server's accept() saw
  std::optional<std::int64_t> connected_ns;   // its connect() returned 0
  std::optional<std::int64_t> first_byte_ns;  // its first recv() that returned bytes
  // The server ended the stream (a recv() returned 0), or the client closed first, or a call
  // failed (failed is then set): from here on it no longer waits for anything.
  std::optional<std::int64_t> done_ns;
  bool failed = false;  // connect() or recv() returned an error (refused, reset)

  // How long it waited, connected, for the first byte; nullopt until both happened.
  std::optional<std::int64_t> waited_ns() const;
  // From the first byte to done: how long it was being served.
  std::optional<std::int64_t> served_ns() const;
};

// One round of a lesson: from a cue "<name>-server" (a Note on lane "lesson") up to the next
// such cue. Events before the first one, if they hold clients, form a round with no name (a
// trace of another lesson, or a recording of `wirestep serve`).
struct ClientRound {
  std::string name;                 // "blocking" for the cue "blocking-server"
  std::size_t from = 0;             // trace index of the cue (0 for the round with no name)
  std::size_t to = 0;               // one past the last event read into this round
  std::int64_t start_ns = 0;        // time of the cue
  std::int64_t end_ns = 0;          // time of the last event read into this round
  std::vector<ClientWait> clients;  // lanes that called connect() in this round, by number
  // The most connections lane "server" held open at once: an accept() that returned a
  // connection opens one, the server's close() of it ends it.
  std::size_t most_open = 0;

  const ClientWait* fastest() const;  // the shortest wait among clients that got a first byte
  const ClientWait* slowest() const;  // the longest one
  std::size_t answered() const;       // clients that got a first byte
};

// Reads a growing trace incrementally: update() looks only at events it has not read. Given
// another trace, or a limit below what it read (a replay cursor moved back), it starts over.
// Not thread-safe: one reader owns it (the GUI thread, or a lesson between its rounds).
class ClientWaits {
 public:
  void update(const trace::Trace& trace, std::size_t limit = std::numeric_limits<std::size_t>::max());

  std::size_t read() const { return next_; }
  // Rounds in trace order. A round appears at its cue, with no clients until one connects.
  const std::vector<ClientRound>& rounds() const { return rounds_; }
  // Whether any round has a client: the chart has something to show.
  bool has_clients() const;

 private:
  enum class LaneKind : std::uint8_t { Unknown, Other, Lesson, Server, Client };
  struct LaneInfo {
    LaneKind kind = LaneKind::Unknown;
    int number = 0;
  };

  const LaneInfo& lane_info(trace::LaneId lane);
  void start_round(std::string name, std::size_t index, std::int64_t t_ns);
  void read_client_call(const trace::Event& e, int number);
  void read_server_call(const trace::Event& e);

  const trace::Trace* trace_ = nullptr;
  std::size_t next_ = 0;
  std::vector<ClientRound> rounds_;
  std::vector<LaneInfo> lanes_;                   // by LaneId, filled on first sight
  std::map<trace::LaneId, std::size_t> current_;  // lane -> index in rounds_.back().clients
  std::unordered_set<std::string> open_;          // accepted connections not closed yet (see track_open)
};

// The rounds of events [0, limit) in one call.
std::vector<ClientRound> client_rounds(const trace::Trace& trace,
                                       std::size_t limit = std::numeric_limits<std::size_t>::max());

// The most connections lane "server" held open at once among events [from, to); see
// ClientRound::most_open. 1 for a server that serves one client at a time.
std::size_t max_open_connections(const trace::Trace& trace, std::size_t from, std::size_t to);

// What a round measured, in one line for the trace and the CLI: "blocking: first byte after
// 3.1 ms for the fastest client, 1.92 s for the slowest; at most 1 connection open at once".
std::string round_summary(const ClientRound& round);

// A wait as a person reads it: "850 ns", "12.5 µs", "3.2 ms", "1.92 s".
std::string wait_text(std::int64_t ns);

}  // namespace wirestep::lesson
