// The Waits tab's chart without ImGui: every round on one time scale, a bar per client (waiting
// for the first byte, then being served), tick marks, and the words a heading and a hover show.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lesson/client_waits.h"

namespace wirestep::view {

// One client's bar. Positions are fractions of the shared scale (0 = the round's origin, 1 =
// the span of the longest round), so the same wait is the same length in every round.
struct WaitBar {
  std::size_t client = 0;  // index into its round's clients
  int number = 0;          // client#N
  float connected = 0;    // its connect() returned: the wait begins
  float first_byte = 0;   // the first byte came; for a client still waiting, the round's last event
  float done = 0;         // the stream ended; for a client still being served, the round's last event
  bool answered = false;  // it got a first byte
  bool finished = false;  // it is done
  bool failed = false;    // connect() or recv() failed
};

struct RoundChart {
  std::size_t round = 0;       // index into the rounds the chart was made from
  std::string title;           // "Round 1: blocking server"
  std::string caption;         // "first byte after 3.1 ms to 1.92 s · at most 1 connection open at once"
  std::int64_t origin_ns = 0;  // the round's first connect
  // In the order the clients got their first byte, then those still waiting by when they
  // connected: a server that serves one at a time draws a staircase.
  std::vector<WaitBar> bars;
};

struct AxisTick {
  float at = 0;       // fraction of the scale
  std::string label;  // "0", "500 ms", "1 s"
};

struct WaitsChart {
  std::int64_t span_ns = 0;        // what the whole width stands for
  std::vector<RoundChart> rounds;  // rounds that have clients, in trace order
  std::vector<AxisTick> ticks;
};

// Lays out the rounds that have clients. Each round starts at its first client's connect, not
// at its cue: setting a server up is not waiting.
WaitsChart layout_waits(const std::vector<lesson::ClientRound>& rounds);

// What hovering a bar says: the client, when it connected, how long it waited and was served.
std::string wait_tooltip(const lesson::ClientRound& round, const lesson::ClientWait& client, std::int64_t origin_ns);

}  // namespace wirestep::view
