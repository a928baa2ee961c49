// The knobs a user can turn before a lesson runs.
#pragma once

#include <cstdint>

namespace wirestep::lesson {

struct LessonParams {
  int clients = 20;          // concurrent clients for multi-client lessons
  std::uint64_t seed = 7;    // impairment RNG seed: the same seed gives the same losses
  double loss_percent = 0;   // packet loss for lessons that impair a link
  // http-from-sockets: after its own client, its server keeps answering (a browser) for this
  // many seconds. 0, the default, stops it at once so that tests and CI finish.
  int browser_seconds = 0;
  // reliability-on-udp: how many messages the sliding window keeps in flight (1..64).
  int window = 8;
};

}  // namespace wirestep::lesson
